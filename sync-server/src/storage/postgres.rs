//! The PostgreSQL backend, for deployments with several stateless server processes on one
//! database. Same tables and semantics as [`super::sqlite`]; what differs is concurrency:
//! SQLite has one writer, here many transactions run at once, so `push` locks explicitly (see
//! [`push_tx`]) and is retried on serialization failures and deadlocks.
//!
//! Text columns use the "C" collation so ordering (snapshot paging by record id, users by
//! name) is byte order, as in SQLite, whatever the database's default locale.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, PoolError, RecyclingMethod};
use serde_json::Value as Json;
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Row};

use super::{
    Blob, DOC_COLUMNS, Device, EnrollCode, Erased, ErasureAudit, ErasureWrite, FeedChange, Grid,
    MoveAudit, NewDevice, Result, Role, Storage, StorageError, User, scope_list, scope_text,
};
use crate::materialize::{self, DocState, Existing, Outcome, PreparedDoc};
use crate::reports::sql::{self, Row as ReportRow, Stmt};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS grids (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    parent TEXT COLLATE "C" REFERENCES grids (id)
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    role TEXT NOT NULL,
    scope TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enroll_codes (
    code_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    expires_at TEXT COLLATE "C" NOT NULL,
    used_at TEXT COLLATE "C"
);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    actor TEXT COLLATE "C" UNIQUE,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at TEXT COLLATE "C" NOT NULL,
    last_seen TEXT COLLATE "C",
    revoked_at TEXT COLLATE "C"
);
CREATE TABLE IF NOT EXISTS device_actors (
    actor TEXT COLLATE "C" PRIMARY KEY,
    device_id TEXT COLLATE "C" NOT NULL REFERENCES devices (id),
    added_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS device_actors_by_device ON device_actors (device_id);
CREATE TABLE IF NOT EXISTS grid_heads (
    grid TEXT COLLATE "C" PRIMARY KEY,
    head BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    hash TEXT COLLATE "C" PRIMARY KEY,
    grid TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    record_id TEXT COLLATE "C" NOT NULL,
    actor TEXT COLLATE "C" NOT NULL,
    device_id TEXT COLLATE "C" NOT NULL,
    received_at TEXT COLLATE "C" NOT NULL,
    bytes BYTEA NOT NULL,
    UNIQUE (grid, seq)
);
CREATE TABLE IF NOT EXISTS documents (
    record_id TEXT COLLATE "C" PRIMARY KEY,
    grid TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    archived BOOLEAN NOT NULL,
    schema_version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    saved BYTEA NOT NULL,
    heads TEXT NOT NULL,
    data JSONB,
    flagged TEXT,
    seq BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_actor ON changes (actor);
CREATE INDEX IF NOT EXISTS documents_by_grid ON documents (grid, record_id);
CREATE INDEX IF NOT EXISTS documents_by_kind ON documents (kind, grid);
CREATE TABLE IF NOT EXISTS blobs (
    hash TEXT COLLATE "C" PRIMARY KEY,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS blob_records (
    hash TEXT COLLATE "C" NOT NULL REFERENCES blobs (hash),
    record_id TEXT COLLATE "C" NOT NULL,
    device_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (hash, record_id)
);
CREATE TABLE IF NOT EXISTS erasures (
    record_id TEXT COLLATE "C" NOT NULL,
    grid TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    whole BOOLEAN NOT NULL,
    fields TEXT NOT NULL,
    reason TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    erased_at TEXT NOT NULL,
    PRIMARY KEY (grid, seq)
);
CREATE INDEX IF NOT EXISTS erasures_by_record ON erasures (record_id, seq);
"#;

/// Key of the advisory lock held while the schema is created: `CREATE TABLE IF NOT EXISTS`
/// is not safe against a concurrent identical statement (both may pass the check and one
/// fails on the catalog's unique index), which is what two processes starting at once do.
const SCHEMA_LOCK: i64 = 0x6772_6964_6b70_0001;

/// How many times a push is attempted when PostgreSQL aborts it for a serialization failure,
/// a deadlock, or a unique violation from a concurrent insert of the same change.
const PUSH_ATTEMPTS: u32 = 5;

const POOL_SIZE: usize = 16;

#[derive(Clone)]
pub struct PostgresStorage {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = self.pool.status();
        f.debug_struct("PostgresStorage")
            .field("pool_size", &status.size)
            .field("pool_available", &status.available)
            .finish()
    }
}

fn pool_error(e: PoolError) -> StorageError {
    StorageError::Database(format!("connection pool: {e}"))
}

impl PostgresStorage {
    /// Connects (`postgres://user@host:port/db`) and creates the schema if needed.
    pub async fn connect(url: &str) -> Result<PostgresStorage> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StorageError::Database(format!("bad PostgreSQL URL: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| StorageError::Database(format!("connection pool: {e}")))?;
        let storage = PostgresStorage { pool };
        storage.create_schema().await?;
        Ok(storage)
    }

    async fn create_schema(&self) -> Result<()> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await?;
        tx.batch_execute(SCHEMA).await?;
        tx.batch_execute(crate::reports::schema::DDL).await?; // reports (issue #8)
        tx.batch_execute(crate::reports::schema::WEB_DDL).await?;
        tx.batch_execute(crate::templates::DDL).await?;
        tx.batch_execute(crate::handover::DDL).await?;
        tx.batch_execute(crate::retention::DDL).await?;
        tx.batch_execute(crate::moves::DDL).await?;
        tx.batch_execute(crate::dispatch::DDL).await?;
        tx.batch_execute(crate::grid_codes::DDL).await?;
        tx.batch_execute(crate::work_orders::DDL).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn client(&self) -> Result<deadpool_postgres::Client> {
        self.pool.get().await.map_err(pool_error)
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn user_row(r: &Row, at: usize) -> Result<User> {
    let role: String = r.try_get(at + 2)?;
    Ok(User {
        id: r.try_get(at)?,
        name: r.try_get(at + 1)?,
        role: Role::parse(&role).unwrap_or(Role::Worker),
        scope: scope_list(&r.try_get::<_, String>(at + 3)?),
    })
}

fn device_row(r: &Row) -> Result<Device> {
    Ok(Device {
        id: r.try_get(0)?,
        user_id: r.try_get(1)?,
        actor: r.try_get(2)?,
        created_at: r.try_get(3)?,
        last_seen: r.try_get(4)?,
        revoked_at: r.try_get(5)?,
    })
}

fn doc_row(r: &Row) -> Result<DocState> {
    let heads: String = r.try_get(7)?;
    Ok(DocState {
        record_id: r.try_get(0)?,
        grid: r.try_get(1)?,
        kind: r.try_get(2)?,
        archived: r.try_get(3)?,
        schema_version: to_u64(r.try_get(4)?),
        created_at: r.try_get(5)?,
        saved: r.try_get(6)?,
        heads: scope_list(&heads),
        data: r.try_get::<_, Option<Json>>(8)?,
        flagged: r.try_get(9)?,
        seq: to_u64(r.try_get(10)?),
    })
}

async fn insert_device(tx: &impl GenericClient, d: &NewDevice) -> Result<()> {
    let n = tx
        .execute(
            "INSERT INTO devices (id, user_id, actor, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            &[
                &d.device.id,
                &d.device.user_id,
                &d.device.actor,
                &d.token_hash,
                &d.device.created_at,
            ],
        )
        .await?;
    if n == 0 {
        return Err(StorageError::Exists("a device with this actor".into()));
    }
    Ok(())
}

/// Whether a failed push may simply be run again: PostgreSQL aborted it because of another
/// transaction, not because of anything in it.
fn retryable(e: &tokio_postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::UNIQUE_VIOLATION
    )
}

/// One push, in one transaction, in an order that keeps the feed safe to read by cursor.
///
/// Why the locks: a puller reads `seq > cursor ORDER BY seq` and then moves its cursor to
/// the last position it received. On PostgreSQL transactions commit in any order, so if
/// position N+1 could commit while N is still in flight, a puller could see N+1, move past
/// it, and never see N. We prevent that by handing out positions from the grid's row in
/// `grid_heads` and holding that row's lock until commit:
///
/// 1. First, for every grid the push touches, in sorted order (so two pushes touching the
///    same grids cannot deadlock), upsert its `grid_heads` row with a no-op update. The row
///    is now locked by this transaction until it commits or rolls back; any other push to
///    that grid — from this process or another — waits here.
/// 2. Then, per record in sorted order, `pg_advisory_xact_lock` on the record id. Two pushes
///    of the same new record claiming different grids lock different head rows, so without
///    this both could read "no such record" and both create it; with it the second waits,
///    then (READ COMMITTED: every statement takes a fresh snapshot) sees the first's
///    document and is refused `grid_mismatch`.
/// 3. Only then read the record and the already-held hashes, decide with
///    [`materialize::plan`], take positions by incrementing the head, and write the changes
///    (consecutive positions) and the document.
///
/// The next push to the grid can read the head only after this transaction commits, so
/// positions become visible in order: a snapshot that contains N+1 contains N.
async fn push_tx(
    tx: &deadpool_postgres::Transaction<'_>,
    device_id: &str,
    now: &str,
    docs: &[PreparedDoc],
) -> std::result::Result<Vec<Outcome>, tokio_postgres::Error> {
    let grids: BTreeSet<&str> = docs.iter().map(|d| d.grid.as_str()).collect();
    let lock_head = tx
        .prepare_cached(
            "INSERT INTO grid_heads (grid, head) VALUES ($1, 0)
             ON CONFLICT (grid) DO UPDATE SET head = grid_heads.head RETURNING head",
        )
        .await?;
    for grid in &grids {
        tx.query_one(&lock_head, &[grid]).await?;
    }
    let records: BTreeSet<&str> = docs.iter().map(|d| d.record_id.as_str()).collect();
    let lock_record = tx
        .prepare_cached("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .await?;
    for record in &records {
        tx.execute(&lock_record, &[record]).await?;
    }

    let select_doc = tx
        .prepare_cached("SELECT grid, kind, saved FROM documents WHERE record_id = $1")
        .await?;
    let select_held = tx
        .prepare_cached("SELECT hash, record_id FROM changes WHERE hash = ANY($1)")
        .await?;
    let bump_head = tx
        .prepare_cached("UPDATE grid_heads SET head = head + $2 WHERE grid = $1 RETURNING head")
        .await?;
    let insert_change = tx
        .prepare_cached(
            "INSERT INTO changes (hash, grid, seq, record_id, actor, device_id, received_at, bytes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .await?;
    let upsert_doc = upsert_doc_stmt(tx).await?;

    let select_erased = tx.prepare_cached(crate::moves::ERASED_POSTGRES).await?;

    let mut out = Vec::new();
    for doc in docs {
        let erased = match tx.query_opt(&select_erased, &[&doc.record_id]).await? {
            Some(r) => Some(crate::moves::erased(r.try_get(0)?, r.try_get(1)?)),
            None => None,
        };
        let existing = tx
            .query_opt(&select_doc, &[&doc.record_id])
            .await?
            .map(
                |r| -> std::result::Result<Existing, tokio_postgres::Error> {
                    Ok(Existing {
                        grid: r.try_get(0)?,
                        kind: r.try_get(1)?,
                        saved: r.try_get(2)?,
                    })
                },
            )
            .transpose()?;
        let hashes: Vec<&str> = doc.changes.iter().map(|c| c.hash.as_str()).collect();
        let mut held = HashMap::new();
        for r in tx.query(&select_held, &[&hashes]).await? {
            held.insert(r.try_get::<_, String>(0)?, r.try_get::<_, String>(1)?);
        }
        let plan = materialize::plan(doc, existing.as_ref(), &held, erased.as_ref());
        out.extend(plan.outcomes);
        let Some(mut state) = plan.state else {
            continue;
        };
        let n = i64::try_from(plan.store.len()).unwrap_or(i64::MAX);
        let head: i64 = tx
            .query_one(&bump_head, &[&doc.grid, &n])
            .await?
            .try_get(0)?;
        let first = head - n + 1;
        for (seq, c) in (first..).zip(&plan.store) {
            tx.execute(
                &insert_change,
                &[
                    &c.hash,
                    &doc.grid,
                    &seq,
                    &doc.record_id,
                    &c.actor,
                    &device_id,
                    &now,
                    &c.bytes,
                ],
            )
            .await?;
        }
        state.seq = to_u64(head);
        write_doc(tx, &upsert_doc, &state, now).await?;
        // reports (issue #8): the record's report rows, in this transaction.
        sql::postgres_execute(tx, &crate::reports::rows::on_push(&state, device_id, now)).await?;
    }
    tx.execute(
        "UPDATE devices SET last_seen = $2 WHERE id = $1",
        &[&device_id, &now],
    )
    .await?;
    Ok(out)
}

/// Stores a record's document and what was read from it, new or replacing the old.
async fn upsert_doc_stmt(
    tx: &deadpool_postgres::Transaction<'_>,
) -> std::result::Result<tokio_postgres::Statement, tokio_postgres::Error> {
    tx.prepare_cached(
        "INSERT INTO documents (record_id, grid, kind, archived, schema_version, created_at, updated_at, saved, heads, data, flagged, seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (record_id) DO UPDATE SET archived = excluded.archived, schema_version = excluded.schema_version,
           updated_at = excluded.updated_at, saved = excluded.saved, heads = excluded.heads, data = excluded.data,
           flagged = excluded.flagged, seq = excluded.seq",
    )
    .await
}

/// Runs [`upsert_doc_stmt`] for `state`, changed at `now`.
async fn write_doc(
    tx: &deadpool_postgres::Transaction<'_>,
    stmt: &tokio_postgres::Statement,
    state: &DocState,
    now: &str,
) -> std::result::Result<u64, tokio_postgres::Error> {
    tx.execute(
        stmt,
        &[
            &state.record_id,
            &state.grid,
            &state.kind,
            &state.archived,
            &to_i64(state.schema_version),
            &state.created_at,
            &now,
            &state.saved,
            &state.heads.join(","),
            &state.data,
            &state.flagged,
            &to_i64(state.seq),
        ],
    )
    .await
}

/// One erasure, locked as a push is (the grid's head row, then the record), so no push of the
/// record can land between the check of its heads and the delete; see [`Storage::erase`].
async fn erase_tx(tx: &deadpool_postgres::Transaction<'_>, e: &ErasureWrite) -> Result<u64> {
    // Every grid whose head this takes is locked first, in one order, so two moves in
    // opposite directions wait for each other instead of deadlocking.
    let mut grids = vec![e.grid.clone()];
    if let Some(m) = &e.moved {
        grids.push(m.to_grid.clone());
    }
    grids.sort();
    grids.dedup();
    for grid in &grids {
        tx.query_one(
            "INSERT INTO grid_heads (grid, head) VALUES ($1, 0)
             ON CONFLICT (grid) DO UPDATE SET head = grid_heads.head RETURNING head",
            &[grid],
        )
        .await?;
    }
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        &[&e.record_id],
    )
    .await?;
    let Some(row) = tx
        .query_opt(
            "SELECT heads FROM documents WHERE record_id = $1",
            &[&e.record_id],
        )
        .await?
    else {
        return Err(StorageError::NotFound(format!("record {}", e.record_id)));
    };
    if scope_list(&row.try_get::<_, String>(0)?) != e.expected_heads {
        return Err(StorageError::Changed(format!("record {}", e.record_id)));
    }
    // A re-issue in the same grid takes the position after the erasure; a move takes the
    // new grid's next one.
    let n: i64 = if e.reissued.is_some() && e.moved.is_none() {
        2
    } else {
        1
    };
    let bump = "UPDATE grid_heads SET head = head + $2 WHERE grid = $1 RETURNING head";
    let head: i64 = tx.query_one(bump, &[&e.grid, &n]).await?.try_get(0)?;
    let seq = head - n + 1;
    tx.execute("DELETE FROM changes WHERE record_id = $1", &[&e.record_id])
        .await?;
    tx.execute(
        "DELETE FROM documents WHERE record_id = $1",
        &[&e.record_id],
    )
    .await?;
    sql::postgres_execute(tx, &crate::reports::rows::erase(&e.kind, &e.record_id)).await?;
    tx.execute(
        "DELETE FROM blob_records WHERE record_id = $1 AND NOT (hash = ANY($2))",
        &[&e.record_id, &e.keep_blobs],
    )
    .await?;
    tx.execute(
        "DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM blob_records r WHERE r.hash = blobs.hash)",
        &[],
    )
    .await?;
    let a = &e.audit;
    tx.execute(
        "INSERT INTO erasures (record_id, grid, seq, kind, whole, fields, reason, erased_by, erased_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &a.record_id,
            &a.grid,
            &seq,
            &a.kind,
            &a.whole,
            &serde_json::to_string(&a.fields).unwrap_or_default(),
            &a.reason,
            &a.erased_by,
            &a.erased_at,
        ],
    )
    .await?;
    if let Some((state, change)) = &e.reissued {
        let mut state = state.clone();
        let (grid, at) = match &e.moved {
            Some(m) => {
                let one: i64 = 1;
                let to_seq: i64 = tx.query_one(bump, &[&m.to_grid, &one]).await?.try_get(0)?;
                // The photos travel with the record: the new grid's phones may fetch them.
                tx.execute(
                    "UPDATE blob_records SET record_id = $2 WHERE record_id = $1",
                    &[&e.record_id, &m.to_record],
                )
                .await?;
                tx.execute(
                    crate::moves::INSERT_POSTGRES,
                    &[
                        &m.from_record,
                        &m.to_record,
                        &m.kind,
                        &m.from_grid,
                        &m.to_grid,
                        &seq,
                        &to_seq,
                        &m.reason,
                        &m.moved_by,
                        &m.moved_at,
                    ],
                )
                .await?;
                (m.to_grid.as_str(), to_seq)
            }
            None => (e.grid.as_str(), head),
        };
        state.seq = to_u64(at);
        tx.execute(
            "INSERT INTO changes (hash, grid, seq, record_id, actor, device_id, received_at, bytes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &change.hash,
                &grid,
                &at,
                &state.record_id,
                &change.actor,
                &a.erased_by,
                &a.erased_at,
                &change.bytes,
            ],
        )
        .await?;
        let upsert = upsert_doc_stmt(tx).await?;
        write_doc(tx, &upsert, &state, &a.erased_at).await?;
        sql::postgres_execute(tx, &crate::reports::rows::statements(&state)).await?;
    }
    Ok(to_u64(seq))
}

fn erasure_row(r: &Row) -> Result<ErasureAudit> {
    let fields: String = r.try_get(5)?;
    Ok(ErasureAudit {
        record_id: r.try_get(0)?,
        grid: r.try_get(1)?,
        seq: to_u64(r.try_get(2)?),
        kind: r.try_get(3)?,
        whole: r.try_get(4)?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        reason: r.try_get(6)?,
        erased_by: r.try_get(7)?,
        erased_at: r.try_get(8)?,
        moved_to: r.try_get(9)?,
    })
}

#[async_trait]
impl Storage for PostgresStorage {
    async fn erase(&self, erasure: &ErasureWrite) -> Result<u64> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let seq = erase_tx(&tx, erasure).await?;
        tx.commit().await?;
        // Deleted rows stay in the table's pages until vacuumed; the dump a test takes shows
        // only live rows, but the data files should not keep them either.
        // The erasure is committed whatever happens here: a failed VACUUM is logged, and the
        // next autovacuum does the same work.
        if let Err(e) = client
            .batch_execute("VACUUM changes, documents, blobs, blob_records")
            .await
        {
            tracing::warn!(error = %e, "VACUUM after an erasure failed");
        }
        Ok(seq)
    }

    async fn erasures(&self, grid: &str, after: u64, upto: u64) -> Result<Vec<ErasureAudit>> {
        let client = self.client().await?;
        let rows = client
            .query(
                crate::moves::ERASURES_POSTGRES,
                &[&grid, &to_i64(after), &to_i64(upto)],
            )
            .await?;
        rows.iter().map(erasure_row).collect()
    }

    async fn erased(&self, record_id: &str) -> Result<Option<Erased>> {
        let client = self.client().await?;
        match client
            .query_opt(crate::moves::ERASED_POSTGRES, &[&record_id])
            .await?
        {
            Some(r) => Ok(Some(crate::moves::erased(r.try_get(0)?, r.try_get(1)?))),
            None => Ok(None),
        }
    }

    async fn moves(&self, grids: &[String]) -> Result<Vec<MoveAudit>> {
        let client = self.client().await?;
        let rows = client.query(crate::moves::LIST_POSTGRES, &[&grids]).await?;
        rows.iter()
            .map(|r| {
                Ok(MoveAudit {
                    from_record: r.try_get(0)?,
                    to_record: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    from_grid: r.try_get(3)?,
                    to_grid: r.try_get(4)?,
                    from_seq: to_u64(r.try_get(5)?),
                    to_seq: to_u64(r.try_get(6)?),
                    reason: r.try_get(7)?,
                    moved_by: r.try_get(8)?,
                    moved_at: r.try_get(9)?,
                })
            })
            .collect()
    }

    async fn add_grid(&self, grid: &Grid) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        if let Some(parent) = &grid.parent {
            // Locks the parent row so it cannot go away before this insert commits.
            let known = tx
                .query_opt("SELECT 1 FROM grids WHERE id = $1 FOR SHARE", &[parent])
                .await?
                .is_some();
            if !known {
                return Err(StorageError::NotFound(format!("parent {parent}")));
            }
        }
        let n = tx
            .execute(
                "INSERT INTO grids (id, name, parent) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&grid.id, &grid.name, &grid.parent],
            )
            .await?;
        if n == 0 {
            return Err(StorageError::Exists(format!("grid {}", grid.id)));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn grids(&self) -> Result<Vec<Grid>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT id, name, parent FROM grids ORDER BY id")
            .await?;
        client
            .query(&stmt, &[])
            .await?
            .iter()
            .map(|r| {
                Ok(Grid {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    parent: r.try_get(2)?,
                })
            })
            .collect()
    }

    async fn add_user(&self, user: &User) -> Result<()> {
        let client = self.client().await?;
        let n = client
            .execute(
                "INSERT INTO users (id, name, role, scope) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&user.id, &user.name, &user.role.as_str(), &scope_text(&user.scope)],
            )
            .await?;
        if n == 0 {
            return Err(StorageError::Exists("a user with this name".into()));
        }
        Ok(())
    }

    async fn users(&self) -> Result<Vec<User>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT id, name, role, scope FROM users ORDER BY name")
            .await?;
        client
            .query(&stmt, &[])
            .await?
            .iter()
            .map(|r| user_row(r, 0))
            .collect()
    }

    async fn add_enroll_code(&self, code: &EnrollCode) -> Result<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO enroll_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                &[&code.code_hash, &code.user_id, &code.expires_at],
            )
            .await?;
        Ok(())
    }

    async fn redeem_enroll_code(
        &self,
        code_hash: &str,
        now: &str,
        device: &NewDevice,
    ) -> Result<User> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // One statement claims the code: a concurrent redeem of the same code waits on the
        // row, then re-checks `used_at IS NULL` and finds nothing.
        let claimed = tx
            .query_opt(
                "UPDATE enroll_codes SET used_at = $2
                 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
                &[&code_hash, &now],
            )
            .await?;
        let user_id: String = match claimed {
            Some(r) => r.try_get(0)?,
            None => return Err(StorageError::CodeRefused),
        };
        let row = tx
            .query_opt(
                "SELECT id, name, role, scope FROM users WHERE id = $1",
                &[&user_id],
            )
            .await?
            .ok_or(StorageError::CodeRefused)?;
        let user = user_row(&row, 0)?;
        let mut device = device.clone();
        device.device.user_id = user.id.clone();
        insert_device(&tx, &device).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn add_device(&self, device: &NewDevice) -> Result<()> {
        let client = self.client().await?;
        insert_device(&client, device).await
    }

    async fn device_by_token(&self, token_hash: &str) -> Result<Option<(Device, User)>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT d.id, d.user_id, d.actor, d.created_at, d.last_seen, d.revoked_at, u.id, u.name, u.role, u.scope
                 FROM devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = $1",
            )
            .await?;
        match client.query_opt(&stmt, &[&token_hash]).await? {
            Some(r) => Ok(Some((device_row(&r)?, user_row(&r, 6)?))),
            None => Ok(None),
        }
    }

    async fn device_by_id(&self, device_id: &str) -> Result<Option<(Device, User, String)>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT d.id, d.user_id, d.actor, d.created_at, d.last_seen, d.revoked_at, u.id, u.name, u.role, u.scope, d.token_hash
                 FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = $1",
            )
            .await?;
        match client.query_opt(&stmt, &[&device_id]).await? {
            Some(r) => Ok(Some((device_row(&r)?, user_row(&r, 6)?, r.try_get(10)?))),
            None => Ok(None),
        }
    }

    async fn devices(&self) -> Result<Vec<Device>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT id, user_id, actor, created_at, last_seen, revoked_at FROM devices ORDER BY created_at, id",
            )
            .await?;
        client
            .query(&stmt, &[])
            .await?
            .iter()
            .map(device_row)
            .collect()
    }

    async fn revoke_device(&self, device_id: &str, now: &str) -> Result<bool> {
        let client = self.client().await?;
        // COALESCE keeps the first revocation time, like the SQLite backend's
        // `revoked_at IS NULL` guard, while still telling whether the device exists.
        let n = client
            .execute(
                "UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
                &[&device_id, &now],
            )
            .await?;
        Ok(n > 0)
    }

    async fn device_actors(&self, device_id: &str) -> Result<Vec<String>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT actor FROM device_actors WHERE device_id = $1 ORDER BY added_at, actor",
                &[&device_id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?)
    }

    async fn add_device_actor(&self, device_id: &str, actor: &str, now: &str) -> Result<()> {
        let client = self.client().await?;
        let n = client
            .execute(
                "INSERT INTO device_actors (actor, device_id, added_at)
                 SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM devices WHERE actor = $1)
                 ON CONFLICT DO NOTHING",
                &[&actor, &device_id, &now],
            )
            .await?;
        if n == 0 {
            return Err(StorageError::Exists("a device with this actor".into()));
        }
        Ok(())
    }

    async fn held_changes(&self, actor: &str) -> Result<u64> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT count(*) FROM changes WHERE actor = $1", &[&actor])
            .await?;
        Ok(to_u64(row.try_get(0)?))
    }

    async fn touch_device(&self, device_id: &str, now: &str) -> Result<()> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE devices SET last_seen = $2 WHERE id = $1",
                &[&device_id, &now],
            )
            .await?;
        Ok(())
    }

    async fn push(&self, device_id: &str, now: &str, docs: &[PreparedDoc]) -> Result<Vec<Outcome>> {
        let mut client = self.client().await?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let tx = client.transaction().await?;
            let result = match push_tx(&tx, device_id, now, docs).await {
                Ok(out) => tx.commit().await.map(|()| out),
                // Dropping `tx` rolls it back.
                Err(e) => Err(e),
            };
            match result {
                Ok(out) => return Ok(out),
                Err(e) if attempt < PUSH_ATTEMPTS && retryable(&e) => {
                    tracing::debug!(attempt, error = %e, "push aborted by a concurrent transaction; retrying");
                    tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    async fn feed(
        &self,
        grid: &str,
        after: u64,
        limit: usize,
        own_actor: &str,
    ) -> Result<Vec<FeedChange>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT c.seq, c.record_id, d.kind, CASE WHEN c.actor = $4 THEN NULL ELSE c.bytes END
                 FROM changes c JOIN documents d ON d.record_id = c.record_id
                 WHERE c.grid = $1 AND c.seq > $2 ORDER BY c.seq LIMIT $3",
            )
            .await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        client
            .query(&stmt, &[&grid, &to_i64(after), &limit, &own_actor])
            .await?
            .iter()
            .map(|r| {
                Ok(FeedChange {
                    seq: to_u64(r.try_get(0)?),
                    record_id: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    bytes: r.try_get(3)?,
                })
            })
            .collect()
    }

    async fn head(&self, grid: &str) -> Result<u64> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT head FROM grid_heads WHERE grid = $1")
            .await?;
        match client.query_opt(&stmt, &[&grid]).await? {
            Some(r) => Ok(to_u64(r.try_get(0)?)),
            None => Ok(0),
        }
    }

    async fn snapshots(
        &self,
        grid: &str,
        after_record: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DocState>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {DOC_COLUMNS} FROM documents WHERE grid = $1 AND record_id > $2 ORDER BY record_id LIMIT $3"
            ))
            .await?;
        let after = after_record.unwrap_or("");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        client
            .query(&stmt, &[&grid, &after, &limit])
            .await?
            .iter()
            .map(doc_row)
            .collect()
    }

    async fn documents_of_kind(&self, grid: &str, kind: &str) -> Result<Vec<DocState>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {DOC_COLUMNS} FROM documents WHERE grid = $1 AND kind = $2 ORDER BY record_id"
            ))
            .await?;
        client
            .query(&stmt, &[&grid, &kind])
            .await?
            .iter()
            .map(doc_row)
            .collect()
    }

    async fn count_documents(&self, grid: &str) -> Result<u64> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT count(*) FROM documents WHERE grid = $1")
            .await?;
        let n: i64 = client.query_one(&stmt, &[&grid]).await?.try_get(0)?;
        Ok(to_u64(n))
    }

    async fn document(&self, record_id: &str) -> Result<Option<DocState>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {DOC_COLUMNS} FROM documents WHERE record_id = $1"
            ))
            .await?;
        client
            .query_opt(&stmt, &[&record_id])
            .await?
            .map(|r| doc_row(&r))
            .transpose()
    }

    async fn put_blob(&self, blob: &Blob, record_id: &str, device_id: &str) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let size = i64::try_from(blob.bytes.len()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO blobs (hash, media_type, size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&blob.hash, &blob.media_type, &size, &blob.bytes],
        )
        .await?;
        tx.execute(
            "INSERT INTO blob_records (hash, record_id, device_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&blob.hash, &record_id, &device_id],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn blob(&self, hash: &str) -> Result<Option<Blob>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT hash, media_type, bytes FROM blobs WHERE hash = $1",
                &[&hash],
            )
            .await?;
        match row {
            Some(r) => Ok(Some(Blob {
                hash: r.try_get(0)?,
                media_type: r.try_get(1)?,
                bytes: r.try_get(2)?,
            })),
            None => Ok(None),
        }
    }

    async fn blob_grids(&self, hash: &str) -> Result<Vec<String>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT DISTINCT d.grid FROM blob_records b JOIN documents d ON d.record_id = b.record_id WHERE b.hash = $1",
            )
            .await?;
        client
            .query(&stmt, &[&hash])
            .await?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    // --- reports (issue #8) ---
    async fn report_query(&self, query: &Stmt) -> Result<Vec<ReportRow>> {
        let client = self.client().await?;
        Ok(sql::postgres_query(&client, query).await?)
    }

    async fn report_write(&self, stmts: &[Stmt]) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        sql::postgres_execute(&tx, stmts).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Connects and prepares the schema, as the server's `--database-url` asks.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Storage>> {
    Ok(std::sync::Arc::new(PostgresStorage::connect(url).await?))
}
