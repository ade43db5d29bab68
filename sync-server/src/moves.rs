//! A household or place moving to another grid (a family moving across the street, a
//! boundary redrawn): a supervisor whose reach covers both grids, or an administrator, moves
//! it (`POST /v1/moves`, `admin move`).
//!
//! A record's grid is fixed in its first change, and phones take records by grid, so the
//! move is a **new record** in the new grid (core's `record::relocate`: today's values,
//! `moved_from` with a summary of the old history) and a **tombstone** for the old id in the
//! old grid, carried out as an erasure of it (`Storage::erase` with `moved`): one
//! transaction deletes the old document, its changes, feed entries and report rows, takes
//! the old grid's next position for the tombstone and the new grid's next position for the
//! new record, and keeps the mapping in `record_moves`. So there is exactly one live copy,
//! in the new grid; the old grid's phones purge theirs at their next sync (told `moved_to`
//! from protocol 6, a whole erasure before); the new grid's phones receive the new record
//! as any other; reports count it once, where it lives now. Edits made to the old id are
//! refused from then on (`record_moved`), with words telling the worker to ask the
//! supervisor, and kept on their phone.
//!
//! Visits, cases and other work that name the old id stay where the work was done, in the
//! old grid; a page that names the old id follows `record_moves` to the new one.

use std::sync::Arc;

use automerge::ActorId;
use axum::http::StatusCode;
use gridkeeper_core::Kind;
use gridkeeper_core::ids::RecordId;
use gridkeeper_core::record::{self, erase, relocate};
use serde::{Deserialize, Serialize};

use crate::admin::now;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::materialize::{self, NewChange};
use crate::storage::{
    Erased, ErasureAudit, ErasureWrite, MoveAudit, Role, Storage, StorageError, User,
};
use crate::text;

/// A push landing between reading the record and moving it sends us round again.
const ATTEMPTS: u32 = 5;

/// `record_moves`, in SQL both databases read alike. The old id is the key: a record moves
/// once under a given id (moving it again moves its new id).
pub const DDL: &str = "
CREATE TABLE IF NOT EXISTS record_moves (
    from_record TEXT PRIMARY KEY,
    to_record TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_grid TEXT NOT NULL,
    to_grid TEXT NOT NULL,
    from_seq BIGINT NOT NULL,
    to_seq BIGINT NOT NULL,
    reason TEXT NOT NULL,
    moved_by TEXT NOT NULL,
    moved_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS record_moves_to ON record_moves (to_record);
";

pub const INSERT_SQLITE: &str = "INSERT INTO record_moves (from_record, to_record, kind, from_grid, to_grid, from_seq, to_seq, reason, moved_by, moved_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
pub const INSERT_POSTGRES: &str = "INSERT INTO record_moves (from_record, to_record, kind, from_grid, to_grid, from_seq, to_seq, reason, moved_by, moved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// A grid's erasures with the new id of each that was a move.
pub const ERASURES_SQLITE: &str = "SELECT e.record_id, e.grid, e.seq, e.kind, e.whole, e.fields, e.reason, e.erased_by, e.erased_at, m.to_record
     FROM erasures e LEFT JOIN record_moves m ON m.from_record = e.record_id AND m.from_grid = e.grid AND m.from_seq = e.seq
     WHERE e.grid = ?1 AND e.seq > ?2 AND e.seq <= ?3 ORDER BY e.seq";
pub const ERASURES_POSTGRES: &str = "SELECT e.record_id, e.grid, e.seq, e.kind, e.whole, e.fields, e.reason, e.erased_by, e.erased_at, m.to_record
     FROM erasures e LEFT JOIN record_moves m ON m.from_record = e.record_id AND m.from_grid = e.grid AND m.from_seq = e.seq
     WHERE e.grid = $1 AND e.seq > $2 AND e.seq <= $3 ORDER BY e.seq";

/// A record id's latest erasure, and where it moved if that was a move.
pub const ERASED_SQLITE: &str = "SELECT e.whole, m.to_record
     FROM erasures e LEFT JOIN record_moves m ON m.from_record = e.record_id AND m.from_grid = e.grid AND m.from_seq = e.seq
     WHERE e.record_id = ?1 ORDER BY e.erased_at DESC, e.seq DESC LIMIT 1";
pub const ERASED_POSTGRES: &str = "SELECT e.whole, m.to_record
     FROM erasures e LEFT JOIN record_moves m ON m.from_record = e.record_id AND m.from_grid = e.grid AND m.from_seq = e.seq
     WHERE e.record_id = $1 ORDER BY e.erased_at DESC, e.seq DESC LIMIT 1";

/// Moves from or to any of the grids in `?1` (comma-separated), oldest first.
pub const LIST_SQLITE: &str = "SELECT from_record, to_record, kind, from_grid, to_grid, from_seq, to_seq, reason, moved_by, moved_at
     FROM record_moves
     WHERE instr(',' || ?1 || ',', ',' || from_grid || ',') > 0
        OR instr(',' || ?1 || ',', ',' || to_grid || ',') > 0
     ORDER BY moved_at, from_record";
/// Moves from or to any of the grids in `$1`, oldest first.
pub const LIST_POSTGRES: &str = "SELECT from_record, to_record, kind, from_grid, to_grid, from_seq, to_seq, reason, moved_by, moved_at
     FROM record_moves WHERE from_grid = ANY($1) OR to_grid = ANY($1)
     ORDER BY moved_at, from_record";

/// The erasure row and its move, as [`Erased`].
pub fn erased(whole: bool, moved_to: Option<String>) -> Erased {
    match (whole, moved_to) {
        (_, Some(to)) => Erased::Moved(to),
        (true, None) => Erased::Whole,
        (false, None) => Erased::Reissued,
    }
}

/// What a supervisor or an administrator asks for.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    pub record_id: String,
    /// The grid the record moves to.
    pub to_grid: String,
    /// Why (the family moved, the boundary was redrawn): kept with the move.
    pub reason: String,
}

fn check(req: &MoveRequest) -> Result<(), ApiError> {
    if uuid::Uuid::parse_str(&req.record_id).is_err() {
        return Err(ApiError::bad_request(
            "invalid_record_id",
            "record_id is not a record id",
        ));
    }
    if text::required(&req.reason, 500).is_none() {
        return Err(ApiError::bad_request(
            "invalid_reason",
            "the reason for a move is required (1–500 characters) and kept with it",
        ));
    }
    Ok(())
}

/// Who may move a record from `from` to `to`: an administrator, or a supervisor whose reach
/// holds both grids. A worker records work; moving records between grids is not theirs.
fn authorize(by: &Caller, from: &str, to: &str) -> Result<(), ApiError> {
    match by.user.role {
        Role::Admin => Ok(()),
        Role::Supervisor if by.reach.contains(from) && by.reach.contains(to) => Ok(()),
        Role::Supervisor => Err(ApiError::forbidden(
            "moving a record needs both its grid and the grid it moves to in your reach",
        )),
        Role::Worker => Err(ApiError::forbidden(
            "moving a record to another grid needs a supervisor or an administrator",
        )),
    }
}

/// Carries out a move by `by` and returns what was kept of it.
pub async fn move_record(
    storage: &Arc<dyn Storage>,
    by: &Caller,
    req: &MoveRequest,
) -> Result<MoveAudit, ApiError> {
    check(req)?;
    let grids = storage.grids().await?;
    if !grids.iter().any(|g| g.id == req.to_grid) {
        return Err(ApiError::bad_request(
            "unknown_grid",
            format!("there is no grid {}", req.to_grid),
        ));
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        let write = prepare(storage, by, req).await?;
        match storage.erase(&write).await {
            Ok(seq) => {
                let mut audit = write.moved.ok_or_else(internal)?;
                audit.from_seq = seq;
                tracing::info!(
                    from = %audit.from_record,
                    to = %audit.to_record,
                    from_grid = %audit.from_grid,
                    to_grid = %audit.to_grid,
                    by = %audit.moved_by,
                    "record moved"
                );
                return Ok(audit);
            }
            Err(StorageError::Changed(_)) if attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

fn internal() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the moved record could not be built",
    )
}

/// Reads the record, checks the move and builds what the transaction writes.
async fn prepare(
    storage: &Arc<dyn Storage>,
    by: &Caller,
    req: &MoveRequest,
) -> Result<ErasureWrite, ApiError> {
    let Some(doc) = storage.document(&req.record_id).await? else {
        if let Some(Erased::Moved(to)) = storage.erased(&req.record_id).await? {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "record_moved",
                format!("the record already moved; it is now record {to}"),
            ));
        }
        return Err(ApiError::not_found(format!("record {}", req.record_id)));
    };
    authorize(by, &doc.grid, &req.to_grid)?;
    if !matches!(doc.kind.parse(), Ok(Kind::Household | Kind::Place)) {
        return Err(ApiError::bad_request(
            "invalid_move",
            "only households and places move between grids; work recorded about them stays where it was done",
        ));
    }
    if doc.grid == req.to_grid {
        return Err(ApiError::bad_request(
            "invalid_move",
            "the record is already in that grid",
        ));
    }
    let at = now();
    let to = RecordId::new();
    let (mut am, _) = relocate::relocate(
        &doc.saved,
        to,
        &req.to_grid,
        &at,
        ActorId::random(),
        chrono::Utc::now().timestamp(),
    )
    .map_err(|_| {
        ApiError::new(
            StatusCode::CONFLICT,
            "stored_document_damaged",
            "the server's copy of this record cannot be read, so it cannot be moved",
        )
    })?;
    let env = record::read_envelope(&am).ok_or_else(internal)?;
    let change = am
        .get_changes(&[])
        .first()
        .map(|c| NewChange {
            hash: c.hash().to_string(),
            actor: c.actor_id().to_hex_string(),
            bytes: c.raw_bytes().to_vec(),
        })
        .ok_or_else(internal)?;
    let state = materialize::doc_state(&mut am, &env);
    let keep_blobs = state
        .data
        .as_ref()
        .map(|d| erase::attachment_hashes(d).into_iter().collect())
        .unwrap_or_default();
    let reason = req.reason.trim().to_string();
    Ok(ErasureWrite {
        record_id: doc.record_id.clone(),
        grid: doc.grid.clone(),
        kind: doc.kind.clone(),
        expected_heads: doc.heads.clone(),
        reissued: Some((state, change)),
        keep_blobs,
        audit: ErasureAudit {
            record_id: doc.record_id.clone(),
            grid: doc.grid.clone(),
            kind: doc.kind.clone(),
            fields: Vec::new(),
            whole: true,
            reason: reason.clone(),
            erased_by: by.user.name.clone(),
            erased_at: at.clone(),
            seq: 0,
            moved_to: Some(to.to_string()),
        },
        moved: Some(MoveAudit {
            from_record: doc.record_id,
            to_record: to.to_string(),
            kind: doc.kind,
            from_grid: doc.grid,
            to_grid: req.to_grid.clone(),
            from_seq: 0,
            to_seq: 0,
            reason,
            moved_by: by.user.name.clone(),
            moved_at: at,
        }),
    })
}

/// The moves a caller may see, oldest first: every one for an administrator, those from or
/// to a grid in reach for a supervisor.
pub async fn log(storage: &Arc<dyn Storage>, by: &Caller) -> Result<Vec<MoveAudit>, ApiError> {
    let grids: Vec<String> = match by.user.role {
        Role::Admin => storage.grids().await?.into_iter().map(|g| g.id).collect(),
        Role::Supervisor => by.reach.iter().cloned().collect(),
        Role::Worker => {
            return Err(ApiError::forbidden(
                "the record moves are for supervisors and administrators",
            ));
        }
    };
    Ok(storage.moves(&grids).await?)
}

/// Where a record id lives now, following moves (a record may move more than once).
pub async fn current_id(
    storage: &dyn Storage,
    record_id: &str,
) -> Result<Option<String>, ApiError> {
    let mut id = record_id.to_string();
    let mut moved = false;
    // A chain of moves is short; the bound keeps a damaged table from looping.
    for _ in 0..16 {
        match storage.erased(&id).await? {
            Some(Erased::Moved(to)) if storage.document(&id).await?.is_none() => {
                id = to;
                moved = true;
            }
            _ => break,
        }
    }
    Ok(moved.then_some(id))
}

/// The caller the `admin move` command acts as: the administrator it names, on the console.
pub fn as_admin(user: User) -> Caller {
    Caller {
        device: crate::storage::Device {
            id: format!("console-{}", user.id),
            user_id: user.id.clone(),
            actor: None,
            created_at: now(),
            last_seen: None,
            revoked_at: None,
        },
        user,
        reach: Default::default(),
    }
}
