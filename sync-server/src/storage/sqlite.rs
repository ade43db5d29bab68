//! The embedded backend: one SQLite file in the data directory, in WAL mode. Writes go through
//! one connection (SQLite has one writer at a time anyway, and queueing in-process is cheaper
//! than retrying on `SQLITE_BUSY`); reads use a small pool so pulls never wait for pushes.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use super::sqlite_pool::{Readers, Writer, connect};
use super::{
    Blob, DOC_COLUMNS, Device, EnrollCode, Erased, ErasureAudit, ErasureWrite, FeedChange, Grid,
    MoveAudit, NewDevice, Result, Role, Storage, StorageError, User, scope_list, scope_text,
};
use crate::materialize::{self, DocState, Existing, Outcome, PreparedDoc};
use crate::reports::sql::{self, Row, Stmt};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS grids (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent TEXT REFERENCES grids (id)
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    scope TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enroll_codes (
    code_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    actor TEXT UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_seen TEXT,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS device_actors (
    actor TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices (id),
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS device_actors_by_device ON device_actors (device_id);
CREATE TABLE IF NOT EXISTS grid_heads (
    grid TEXT PRIMARY KEY,
    head INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    hash TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    seq INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    device_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    bytes BLOB NOT NULL,
    UNIQUE (grid, seq)
);
CREATE TABLE IF NOT EXISTS documents (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    kind TEXT NOT NULL,
    archived INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    saved BLOB NOT NULL,
    heads TEXT NOT NULL,
    data TEXT,
    flagged TEXT,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_actor ON changes (actor);
CREATE INDEX IF NOT EXISTS documents_by_grid ON documents (grid, record_id);
CREATE INDEX IF NOT EXISTS documents_by_kind ON documents (kind, grid);
CREATE TABLE IF NOT EXISTS blobs (
    hash TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS blob_records (
    hash TEXT NOT NULL REFERENCES blobs (hash),
    record_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (hash, record_id)
);
CREATE TABLE IF NOT EXISTS erasures (
    record_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    whole INTEGER NOT NULL,
    fields TEXT NOT NULL,
    reason TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    erased_at TEXT NOT NULL,
    PRIMARY KEY (grid, seq)
);
CREATE INDEX IF NOT EXISTS erasures_by_record ON erasures (record_id, seq);
";

const READERS: usize = 4;

#[derive(Debug, Clone)]
pub struct SqliteStorage {
    writer: Writer,
    readers: Readers,
}

impl SqliteStorage {
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        let writer = connect(path)?;
        writer.execute_batch(SCHEMA)?;
        writer.execute_batch(crate::reports::schema::DDL)?; // reports (issue #8)
        writer.execute_batch(crate::reports::schema::WEB_DDL)?;
        writer.execute_batch(crate::templates::DDL)?;
        writer.execute_batch(crate::handover::DDL)?;
        writer.execute_batch(crate::retention::DDL)?;
        writer.execute_batch(crate::moves::DDL)?;
        writer.execute_batch(crate::dispatch::DDL)?;
        writer.execute_batch(crate::grid_codes::DDL)?;
        writer.execute_batch(crate::work_orders::DDL)?;
        Ok(SqliteStorage {
            writer: Writer::start(writer),
            readers: Readers::open(path, READERS)?,
        })
    }

    async fn write<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        self.writer.write(f).await
    }

    async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        self.readers.read(f).await
    }
}

fn user_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<User> {
    let role: String = r.get(at + 2)?;
    Ok(User {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        role: Role::parse(&role).unwrap_or(Role::Worker),
        scope: scope_list(&r.get::<_, String>(at + 3)?),
    })
}

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get(0)?,
        user_id: r.get(1)?,
        actor: r.get(2)?,
        created_at: r.get(3)?,
        last_seen: r.get(4)?,
        revoked_at: r.get(5)?,
    })
}

fn doc_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocState> {
    let data: Option<String> = r.get(8)?;
    let heads: String = r.get(7)?;
    Ok(DocState {
        record_id: r.get(0)?,
        grid: r.get(1)?,
        kind: r.get(2)?,
        archived: r.get(3)?,
        schema_version: r.get::<_, i64>(4)? as u64,
        created_at: r.get(5)?,
        saved: r.get(6)?,
        heads: scope_list(&heads),
        data: data.and_then(|d| serde_json::from_str(&d).ok()),
        flagged: r.get(9)?,
        seq: r.get::<_, i64>(10)? as u64,
    })
}

fn insert_device(tx: &Connection, d: &NewDevice) -> Result<()> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO devices (id, user_id, actor, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![d.device.id, d.device.user_id, d.device.actor, d.token_hash, d.device.created_at],
    )?;
    if n == 0 {
        return Err(StorageError::Exists("a device with this actor".into()));
    }
    Ok(())
}

fn push_doc(
    tx: &Connection,
    device_id: &str,
    now: &str,
    doc: &PreparedDoc,
    ever_erased: &HashSet<String>,
) -> Result<Vec<Outcome>> {
    let existing = tx
        .prepare_cached("SELECT grid, kind, saved FROM documents WHERE record_id = ?1")?
        .query_row([&doc.record_id], |r| {
            Ok(Existing {
                grid: r.get(0)?,
                kind: r.get(1)?,
                saved: r.get(2)?,
            })
        })
        .optional()?;
    let mut held = HashMap::new();
    {
        let mut stmt = tx.prepare_cached("SELECT record_id FROM changes WHERE hash = ?1")?;
        for c in &doc.changes {
            if let Some(owner) = stmt
                .query_row([&c.hash], |r| r.get::<_, String>(0))
                .optional()?
            {
                held.insert(c.hash.clone(), owner);
            }
        }
    }
    let erased = if ever_erased.contains(&doc.record_id) {
        erased(tx, &doc.record_id)?
    } else {
        None
    };
    let plan = materialize::plan(doc, existing.as_ref(), &held, erased.as_ref());
    let Some(mut state) = plan.state else {
        return Ok(plan.outcomes);
    };
    let n = plan.store.len() as i64;
    let head: i64 = tx
        .prepare_cached(
            "INSERT INTO grid_heads (grid, head) VALUES (?1, ?2)
             ON CONFLICT (grid) DO UPDATE SET head = head + excluded.head RETURNING head",
        )?
        .query_row(params![doc.grid, n], |r| r.get(0))?;
    let first = head - n + 1;
    let mut insert = tx.prepare_cached(
        "INSERT INTO changes (hash, grid, seq, record_id, actor, device_id, received_at, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, c) in plan.store.iter().enumerate() {
        insert.execute(params![
            c.hash,
            doc.grid,
            first + i as i64,
            doc.record_id,
            c.actor,
            device_id,
            now,
            c.bytes
        ])?;
    }
    state.seq = head as u64;
    upsert_document(tx, &state, now)?;
    // reports (issue #8): the record's report rows, in this transaction.
    sql::sqlite_execute(tx, &crate::reports::rows::on_push(&state, device_id, now))?;
    Ok(plan.outcomes)
}

/// Stores a record's document and what was read from it, new or replacing the old.
fn upsert_document(tx: &Connection, state: &DocState, now: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO documents (record_id, grid, kind, archived, schema_version, created_at, updated_at, saved, heads, data, flagged, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (record_id) DO UPDATE SET archived = excluded.archived, schema_version = excluded.schema_version,
           updated_at = excluded.updated_at, saved = excluded.saved, heads = excluded.heads, data = excluded.data,
           flagged = excluded.flagged, seq = excluded.seq",
    )?
    .execute(params![
        state.record_id,
        state.grid,
        state.kind,
        state.archived,
        state.schema_version as i64,
        state.created_at,
        now,
        state.saved,
        state.heads.join(","),
        state.data.as_ref().map(|d| d.to_string()),
        state.flagged,
        state.seq as i64
    ])?;
    Ok(())
}

/// Which of a push's records have any erasure, in one statement. The per-record lookup of
/// the latest erasure (`erased`) is re-prepared by SQLite on every run (a tenth of the relay's
/// ingest time in a profile), so it runs only for the records this names — on most pushes
/// none.
fn ever_erased(tx: &Connection, docs: &[PreparedDoc]) -> Result<HashSet<String>> {
    let ids = serde_json::Value::from(
        docs.iter()
            .map(|d| d.record_id.as_str())
            .collect::<Vec<_>>(),
    )
    .to_string();
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT record_id FROM erasures WHERE record_id IN (SELECT value FROM json_each(?1))",
    )?;
    let rows = stmt.query_map([ids], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest erasure of a record id; see [`Storage::erased`].
fn erased(c: &Connection, record_id: &str) -> Result<Option<Erased>> {
    let row: Option<(bool, Option<String>)> = c
        .prepare_cached(crate::moves::ERASED_SQLITE)?
        .query_row([record_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(whole, moved)| crate::moves::erased(whole, moved)))
}

/// One erasure in the writer's transaction; see [`Storage::erase`].
fn erase_tx(tx: &Connection, e: &ErasureWrite) -> Result<u64> {
    let heads: Option<String> = tx
        .prepare_cached("SELECT heads FROM documents WHERE record_id = ?1")?
        .query_row([&e.record_id], |r| r.get(0))
        .optional()?;
    let Some(heads) = heads else {
        return Err(StorageError::NotFound(format!("record {}", e.record_id)));
    };
    if scope_list(&heads) != e.expected_heads {
        return Err(StorageError::Changed(format!("record {}", e.record_id)));
    }
    // A re-issue in the same grid takes the position after the erasure; a move takes the
    // new grid's next one.
    let n: i64 = if e.reissued.is_some() && e.moved.is_none() {
        2
    } else {
        1
    };
    let bump = |grid: &str, by: i64| -> Result<i64> {
        Ok(tx
            .prepare_cached(
                "INSERT INTO grid_heads (grid, head) VALUES (?1, ?2)
                 ON CONFLICT (grid) DO UPDATE SET head = head + excluded.head RETURNING head",
            )?
            .query_row(params![grid, by], |r| r.get(0))?)
    };
    let head = bump(&e.grid, n)?;
    let seq = head - n + 1;
    tx.execute("DELETE FROM changes WHERE record_id = ?1", [&e.record_id])?;
    tx.execute("DELETE FROM documents WHERE record_id = ?1", [&e.record_id])?;
    sql::sqlite_execute(tx, &crate::reports::rows::erase(&e.kind, &e.record_id))?;
    let keep = e.keep_blobs.join(",");
    // Blobs the record named and no longer names, unless another record names them too.
    tx.execute(
        "DELETE FROM blob_records WHERE record_id = ?1 AND instr(',' || ?2 || ',', ',' || hash || ',') = 0",
        params![e.record_id, keep],
    )?;
    tx.execute(
        "DELETE FROM blobs WHERE hash NOT IN (SELECT hash FROM blob_records)",
        [],
    )?;
    let a = &e.audit;
    tx.execute(
        "INSERT INTO erasures (record_id, grid, seq, kind, whole, fields, reason, erased_by, erased_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            a.record_id,
            a.grid,
            seq,
            a.kind,
            a.whole,
            serde_json::to_string(&a.fields).unwrap_or_default(),
            a.reason,
            a.erased_by,
            a.erased_at
        ],
    )?;
    if let Some((state, change)) = &e.reissued {
        let mut state = state.clone();
        let (grid, at) = match &e.moved {
            Some(m) => {
                let to_seq = bump(&m.to_grid, 1)?;
                // The photos travel with the record: the new grid's phones may fetch them.
                tx.execute(
                    "UPDATE blob_records SET record_id = ?2 WHERE record_id = ?1",
                    params![e.record_id, m.to_record],
                )?;
                tx.execute(
                    crate::moves::INSERT_SQLITE,
                    params![
                        m.from_record,
                        m.to_record,
                        m.kind,
                        m.from_grid,
                        m.to_grid,
                        seq,
                        to_seq,
                        m.reason,
                        m.moved_by,
                        m.moved_at
                    ],
                )?;
                (m.to_grid.as_str(), to_seq)
            }
            None => (e.grid.as_str(), head),
        };
        state.seq = at as u64;
        tx.execute(
            "INSERT INTO changes (hash, grid, seq, record_id, actor, device_id, received_at, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![change.hash, grid, at, state.record_id, change.actor, a.erased_by, a.erased_at, change.bytes],
        )?;
        upsert_document(tx, &state, &a.erased_at)?;
        sql::sqlite_execute(tx, &crate::reports::rows::statements(&state))?;
    }
    Ok(seq as u64)
}

fn erasure_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ErasureAudit> {
    let fields: String = r.get(5)?;
    Ok(ErasureAudit {
        record_id: r.get(0)?,
        grid: r.get(1)?,
        seq: r.get::<_, i64>(2)? as u64,
        kind: r.get(3)?,
        whole: r.get(4)?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        reason: r.get(6)?,
        erased_by: r.get(7)?,
        erased_at: r.get(8)?,
        moved_to: r.get(9)?,
    })
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn erase(&self, erasure: &ErasureWrite) -> Result<u64> {
        let e = erasure.clone();
        let seq = self.write(move |tx| erase_tx(tx, &e)).await?;
        // The WAL still holds the pages as they were before the erasure; fold it into the
        // file (whose freed space `secure_delete` has zeroed) and empty it.
        // The erasure is committed whatever happens here; a checkpoint that cannot finish now
        // (a long read holds the WAL) is logged, and the next one folds the WAL in.
        let checkpoint = self
            .read(|c| {
                c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
                Ok(())
            })
            .await;
        if let Err(e) = checkpoint {
            tracing::warn!(error = %e, "WAL checkpoint after an erasure failed");
        }
        Ok(seq)
    }

    async fn erasures(&self, grid: &str, after: u64, upto: u64) -> Result<Vec<ErasureAudit>> {
        let grid = grid.to_string();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(crate::moves::ERASURES_SQLITE)?;
            let rows = stmt.query_map(params![grid, after as i64, upto as i64], erasure_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn erased(&self, record_id: &str) -> Result<Option<Erased>> {
        let id = record_id.to_string();
        self.read(move |c| erased(c, &id)).await
    }

    async fn moves(&self, grids: &[String]) -> Result<Vec<MoveAudit>> {
        let grids = grids.join(",");
        self.read(move |c| {
            let mut stmt = c.prepare_cached(crate::moves::LIST_SQLITE)?;
            let rows = stmt.query_map([grids], |r| {
                Ok(MoveAudit {
                    from_record: r.get(0)?,
                    to_record: r.get(1)?,
                    kind: r.get(2)?,
                    from_grid: r.get(3)?,
                    to_grid: r.get(4)?,
                    from_seq: r.get::<_, i64>(5)? as u64,
                    to_seq: r.get::<_, i64>(6)? as u64,
                    reason: r.get(7)?,
                    moved_by: r.get(8)?,
                    moved_at: r.get(9)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn add_grid(&self, grid: &Grid) -> Result<()> {
        let grid = grid.clone();
        self.write(move |tx| {
            if let Some(parent) = &grid.parent {
                let known: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM grids WHERE id = ?1)",
                    [parent],
                    |r| r.get(0),
                )?;
                if !known {
                    return Err(StorageError::NotFound(format!("parent {parent}")));
                }
            }
            let n = tx.execute(
                "INSERT OR IGNORE INTO grids (id, name, parent) VALUES (?1, ?2, ?3)",
                params![grid.id, grid.name, grid.parent],
            )?;
            if n == 0 {
                return Err(StorageError::Exists(format!("grid {}", grid.id)));
            }
            Ok(())
        })
        .await
    }

    async fn grids(&self) -> Result<Vec<Grid>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT id, name, parent FROM grids ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(Grid {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    parent: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn add_user(&self, user: &User) -> Result<()> {
        let user = user.clone();
        self.write(move |tx| {
            let n = tx.execute(
                "INSERT OR IGNORE INTO users (id, name, role, scope) VALUES (?1, ?2, ?3, ?4)",
                params![
                    user.id,
                    user.name,
                    user.role.as_str(),
                    scope_text(&user.scope)
                ],
            )?;
            if n == 0 {
                return Err(StorageError::Exists("a user with this name".into()));
            }
            Ok(())
        })
        .await
    }

    async fn users(&self) -> Result<Vec<User>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT id, name, role, scope FROM users ORDER BY name")?;
            let rows = stmt.query_map([], |r| user_row(r, 0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn add_enroll_code(&self, code: &EnrollCode) -> Result<()> {
        let code = code.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO enroll_codes (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
                params![code.code_hash, code.user_id, code.expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn redeem_enroll_code(
        &self,
        code_hash: &str,
        now: &str,
        device: &NewDevice,
    ) -> Result<User> {
        let (code_hash, now, device) = (code_hash.to_string(), now.to_string(), device.clone());
        self.write(move |tx| {
            let user: Option<User> = tx
                .query_row(
                    "SELECT u.id, u.name, u.role, u.scope FROM enroll_codes c JOIN users u ON u.id = c.user_id
                     WHERE c.code_hash = ?1 AND c.used_at IS NULL AND c.expires_at > ?2",
                    params![code_hash, now],
                    |r| user_row(r, 0),
                )
                .optional()?;
            let user = user.ok_or(StorageError::CodeRefused)?;
            tx.execute(
                "UPDATE enroll_codes SET used_at = ?2 WHERE code_hash = ?1",
                params![code_hash, now],
            )?;
            let mut device = device;
            device.device.user_id = user.id.clone();
            insert_device(tx, &device)?;
            Ok(user)
        })
        .await
    }

    async fn add_device(&self, device: &NewDevice) -> Result<()> {
        let device = device.clone();
        self.write(move |tx| insert_device(tx, &device)).await
    }

    async fn device_by_token(&self, token_hash: &str) -> Result<Option<(Device, User)>> {
        let token_hash = token_hash.to_string();
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT d.id, d.user_id, d.actor, d.created_at, d.last_seen, d.revoked_at, u.id, u.name, u.role, u.scope
                 FROM devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ?1",
            )?
            .query_row([token_hash], |r| Ok((device_row(r)?, user_row(r, 6)?)))
            .optional()?)
        })
        .await
    }

    async fn device_by_id(&self, device_id: &str) -> Result<Option<(Device, User, String)>> {
        let id = device_id.to_string();
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT d.id, d.user_id, d.actor, d.created_at, d.last_seen, d.revoked_at, u.id, u.name, u.role, u.scope, d.token_hash
                 FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = ?1",
            )?
            .query_row([id], |r| Ok((device_row(r)?, user_row(r, 6)?, r.get(10)?)))
            .optional()?)
        })
        .await
    }

    async fn devices(&self) -> Result<Vec<Device>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, user_id, actor, created_at, last_seen, revoked_at FROM devices ORDER BY created_at, id",
            )?;
            let rows = stmt.query_map([], device_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn revoke_device(&self, device_id: &str, now: &str) -> Result<bool> {
        let (id, now) = (device_id.to_string(), now.to_string());
        self.write(move |tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE id = ?1)",
                [&id],
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, now],
            )?;
            Ok(exists)
        })
        .await
    }

    async fn device_actors(&self, device_id: &str) -> Result<Vec<String>> {
        let id = device_id.to_string();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT actor FROM device_actors WHERE device_id = ?1 ORDER BY added_at, actor",
            )?;
            let rows = stmt.query_map([&id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn add_device_actor(&self, device_id: &str, actor: &str, now: &str) -> Result<()> {
        let (id, actor, now) = (device_id.to_string(), actor.to_string(), now.to_string());
        self.write(move |tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE actor = ?1) OR EXISTS (SELECT 1 FROM device_actors WHERE actor = ?1)",
                [&actor],
                |r| r.get(0),
            )?;
            if taken {
                return Err(StorageError::Exists("a device with this actor".into()));
            }
            tx.execute(
                "INSERT INTO device_actors (actor, device_id, added_at) VALUES (?1, ?2, ?3)",
                params![actor, id, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn held_changes(&self, actor: &str) -> Result<u64> {
        let actor = actor.to_string();
        self.read(move |c| {
            let n: i64 = c
                .prepare_cached("SELECT count(*) FROM changes WHERE actor = ?1")?
                .query_row([&actor], |r| r.get(0))?;
            Ok(n as u64)
        })
        .await
    }

    async fn touch_device(&self, device_id: &str, now: &str) -> Result<()> {
        let (id, now) = (device_id.to_string(), now.to_string());
        self.write(move |tx| {
            tx.execute(
                "UPDATE devices SET last_seen = ?2 WHERE id = ?1",
                params![id, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn push(&self, device_id: &str, now: &str, docs: &[PreparedDoc]) -> Result<Vec<Outcome>> {
        let (device_id, now, docs) = (device_id.to_string(), now.to_string(), docs.to_vec());
        self.write(move |tx| {
            let mut out = Vec::new();
            let ever_erased = ever_erased(tx, &docs)?;
            for doc in &docs {
                out.extend(push_doc(tx, &device_id, &now, doc, &ever_erased)?);
            }
            tx.execute(
                "UPDATE devices SET last_seen = ?2 WHERE id = ?1",
                params![device_id, now],
            )?;
            Ok(out)
        })
        .await
    }

    async fn feed(
        &self,
        grid: &str,
        after: u64,
        limit: usize,
        own_actor: &str,
    ) -> Result<Vec<FeedChange>> {
        let (grid, own) = (grid.to_string(), own_actor.to_string());
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT c.seq, c.record_id, d.kind, CASE WHEN c.actor = ?4 THEN NULL ELSE c.bytes END
                 FROM changes c JOIN documents d ON d.record_id = c.record_id
                 WHERE c.grid = ?1 AND c.seq > ?2 ORDER BY c.seq LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![grid, after as i64, limit as i64, own], |r| {
                Ok(FeedChange {
                    seq: r.get::<_, i64>(0)? as u64,
                    record_id: r.get(1)?,
                    kind: r.get(2)?,
                    bytes: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn head(&self, grid: &str) -> Result<u64> {
        let grid = grid.to_string();
        self.read(move |c| {
            let head: Option<i64> = c
                .prepare_cached("SELECT head FROM grid_heads WHERE grid = ?1")?
                .query_row([grid], |r| r.get(0))
                .optional()?;
            Ok(head.unwrap_or(0) as u64)
        })
        .await
    }

    async fn snapshots(
        &self,
        grid: &str,
        after_record: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DocState>> {
        let (grid, after) = (grid.to_string(), after_record.unwrap_or("").to_string());
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {DOC_COLUMNS} FROM documents WHERE grid = ?1 AND record_id > ?2 ORDER BY record_id LIMIT ?3"
            ))?;
            let rows = stmt.query_map(params![grid, after, limit as i64], doc_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn documents_of_kind(&self, grid: &str, kind: &str) -> Result<Vec<DocState>> {
        let (grid, kind) = (grid.to_string(), kind.to_string());
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {DOC_COLUMNS} FROM documents WHERE grid = ?1 AND kind = ?2 ORDER BY record_id"
            ))?;
            let rows = stmt.query_map(params![grid, kind], doc_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn count_documents(&self, grid: &str) -> Result<u64> {
        let grid = grid.to_string();
        self.read(move |c| {
            let n: i64 = c
                .prepare_cached("SELECT count(*) FROM documents WHERE grid = ?1")?
                .query_row([grid], |r| r.get(0))?;
            Ok(n as u64)
        })
        .await
    }

    async fn document(&self, record_id: &str) -> Result<Option<DocState>> {
        let id = record_id.to_string();
        self.read(move |c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {DOC_COLUMNS} FROM documents WHERE record_id = ?1"
            ))?
            .query_row([id], doc_row)
            .optional()?)
        })
        .await
    }

    async fn put_blob(&self, blob: &Blob, record_id: &str, device_id: &str) -> Result<()> {
        let (blob, record, device) = (blob.clone(), record_id.to_string(), device_id.to_string());
        self.write(move |tx| {
            tx.execute(
                "INSERT OR IGNORE INTO blobs (hash, media_type, size, bytes) VALUES (?1, ?2, ?3, ?4)",
                params![blob.hash, blob.media_type, blob.bytes.len() as i64, blob.bytes],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO blob_records (hash, record_id, device_id) VALUES (?1, ?2, ?3)",
                params![blob.hash, record, device],
            )?;
            Ok(())
        })
        .await
    }

    async fn blob(&self, hash: &str) -> Result<Option<Blob>> {
        let hash = hash.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT hash, media_type, bytes FROM blobs WHERE hash = ?1",
                [hash],
                |r| {
                    Ok(Blob {
                        hash: r.get(0)?,
                        media_type: r.get(1)?,
                        bytes: r.get(2)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    async fn blob_grids(&self, hash: &str) -> Result<Vec<String>> {
        let hash = hash.to_string();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT DISTINCT d.grid FROM blob_records b JOIN documents d ON d.record_id = b.record_id WHERE b.hash = ?1",
            )?;
            let rows = stmt.query_map([hash], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    // --- reports (issue #8) ---
    async fn report_query(&self, query: &Stmt) -> Result<Vec<Row>> {
        let query = query.clone();
        self.read(move |c| Ok(sql::sqlite_query(c, &query)?)).await
    }

    async fn report_write(&self, stmts: &[Stmt]) -> Result<()> {
        let stmts = stmts.to_vec();
        self.write(move |tx| Ok(sql::sqlite_execute(tx, &stmts)?))
            .await
    }
}
