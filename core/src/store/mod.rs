//! The local store: one SQLite file per device (WAL). Per record it keeps the Automerge
//! document (saved form) and its heads, plus projection rows for lists and search; an outbox
//! of local changes the server has not acknowledged; and a cursor per grid for the pull.
//!
//! Every operation runs in one transaction, so a process killed at any instant leaves either
//! the whole operation or none of it.

mod agenda;
mod blobs;
mod bootstrap;
mod diary;
mod drafts;
mod duties;
mod encryption;
mod erasure;
mod exchange_ops;
mod incarnation;
mod list;
mod outbox;
mod projection;
mod reach;
mod records;
mod recovery;
mod refusals;
mod rescue;
pub mod schema;
mod search;
mod sync_step;
mod tasks;
mod templates;

use std::path::Path;

use automerge::ActorId;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

pub use agenda::{Agenda, CaseDue, InspectionDue, MediationDue, VisitDue};
pub use blobs::{
    BlobInfo, BlobLimits, BlobRef, BlobState, DEFAULT_MAX_BLOB_BYTES, blob_hash, is_blob_hash,
};
pub use bootstrap::{IngestReport, IngestTimes, Snapshot};
pub use drafts::Draft;
pub use encryption::StoreKey;
pub use erasure::{Purged, RECORD_ERASED, RECORD_MOVED};
pub use exchange_ops::ApplyReport;
pub use incarnation::Reason as IncarnationReason;
pub use list::CaseRow;
pub use outbox::TRANSIENT_REFUSAL;
pub use projection::{ConflictedRecord, ReturnedRecord, UnreadCheck};
pub use reach::ReachChange;
pub(crate) use reach::SYNC_GRIDS;
pub use recovery::Recovery;
pub use refusals::{RefusedRecord, reason_words};
pub use rescue::RescueSummary;
pub use search::SearchHit;
pub use sync_step::{REUSED_SEQ, RoundReport};
pub use tasks::{TaskDue, TaskTargetState};
pub use templates::DeliveredTemplates;

/// How hard each commit pushes to disk. `Full` survives power loss (a phone whose battery
/// dies mid-visit); `Normal` survives a killed process but may lose the last commits on
/// power loss, in exchange for faster bulk writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    #[default]
    Full,
    Normal,
}

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    actor: ActorId,
    /// Actors this store wrote under before `actor` (see `incarnation`).
    former: Vec<ActorId>,
    user: Option<String>,
    /// Installed checklist templates, read once and refreshed when one is installed.
    templates: std::sync::Arc<crate::checklist::Templates>,
    /// The community's rules, read once and kept in step by `set_policies`.
    policies: crate::policy::Policies,
    /// Draft keystrokes not written yet (`keep_draft`).
    held_drafts: drafts::HeldDrafts,
}

impl Drop for Store {
    /// The last keystrokes of a form typed just before the store closes (the app leaving, a
    /// sign-out) are written, not dropped. A failure here cannot be reported to anyone; the
    /// draft written before them is still there.
    fn drop(&mut self) {
        let _ = self.flush_drafts();
    }
}

impl Store {
    /// Creates a store at `path` (or opens it if it already exists), giving this device an
    /// Automerge actor id on first use. `user` is recorded in each change as its author.
    pub fn init(path: impl AsRef<Path>, user: Option<&str>) -> Result<Store> {
        Store::init_with_key(path.as_ref(), None, user)
    }

    fn init_with_key(path: &Path, key: Option<&StoreKey>, user: Option<&str>) -> Result<Store> {
        let mut conn = connect(path, Durability::default(), true, key)?;
        if read_meta(&conn, "actor")?.is_none() {
            let hex = ActorId::random().to_hex_string();
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('actor', ?1), ('actor_written', '0')",
                [&hex],
            )?;
        }
        incarnation::check_on_open(&mut conn, path)?;
        let actor_hex = read_meta(&conn, "actor")?.ok_or(Error::NotInitialised)?;
        if let Some(user) = user {
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('user', ?1)",
                [user],
            )?;
        }
        let mut store = Store::from_parts(conn, &actor_hex)?;
        store.finish_open()?;
        Ok(store)
    }

    /// Opens an initialised store.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_with(path, Durability::default())
    }

    pub fn open_with(path: impl AsRef<Path>, durability: Durability) -> Result<Store> {
        Store::open_with_key(path.as_ref(), durability, None)
    }

    fn open_with_key(path: &Path, durability: Durability, key: Option<&StoreKey>) -> Result<Store> {
        if !path.exists() {
            return Err(Error::NotInitialised);
        }
        let mut conn = connect(path, durability, false, key)?;
        if read_meta(&conn, "actor")?.is_none() {
            return Err(Error::NotInitialised);
        }
        incarnation::check_on_open(&mut conn, path)?;
        let actor_hex = read_meta(&conn, "actor")?.ok_or(Error::NotInitialised)?;
        let mut store = Store::from_parts(conn, &actor_hex)?;
        store.finish_open()?;
        Ok(store)
    }

    fn from_parts(conn: Connection, actor_hex: &str) -> Result<Store> {
        let bytes = hex::decode(actor_hex).map_err(|_| Error::Document {
            id: "meta".into(),
            reason: "actor id is not hex".into(),
        })?;
        let user = read_meta(&conn, "user")?;
        let templates = std::sync::Arc::new(templates::read_all(&conn)?);
        let policies = read_policies(&conn)?;
        let former = incarnation::read_former(&conn)?;
        Ok(Store {
            conn,
            actor: ActorId::from(bytes),
            former,
            user,
            templates,
            policies,
            held_drafts: drafts::HeldDrafts::default(),
        })
    }

    fn finish_open(&mut self) -> Result<()> {
        if read_meta(&self.conn, "projections_stale")?.is_some() {
            self.rebuild()?;
        }
        Ok(())
    }

    /// This device's Automerge actor id, hex.
    pub fn actor_hex(&self) -> String {
        self.actor.to_hex_string()
    }

    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        read_meta(&self.conn, key)
    }

    pub fn clear_meta(&mut self, keys: &[&str]) -> Result<()> {
        self.write(|tx| {
            for key in keys {
                tx.execute("DELETE FROM meta WHERE key = ?1", [key])?;
            }
            Ok(())
        })
    }

    /// The person whose name goes into each change from now on (set at enrolment).
    pub fn set_user(&mut self, user: &str) -> Result<()> {
        self.set_meta("user", user)?;
        self.user = Some(user.to_string());
        Ok(())
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                [key, value],
            )?;
            Ok(())
        })
    }

    /// The community's working rules (deadlines, visit and inspection intervals).
    pub fn policies(&self) -> Result<crate::policy::Policies> {
        Ok(self.policies.clone())
    }
}

fn read_policies(conn: &Connection) -> Result<crate::policy::Policies> {
    match read_meta(conn, "policies")? {
        Some(text) => serde_json::from_str(&text).map_err(|_| Error::Document {
            id: "meta".into(),
            reason: "stored policies do not parse".into(),
        }),
        None => Ok(crate::policy::Policies::default()),
    }
}

impl Store {
    pub fn set_policies(&mut self, policies: &crate::policy::Policies) -> Result<()> {
        let text = serde_json::to_string(policies)
            .map_err(|e| crate::Invalid::new("policies", e.to_string()))?;
        self.set_meta("policies", &text)?;
        self.policies = policies.clone();
        Ok(())
    }

    /// What `prepare` sees: now, the signed-in user, the policies.
    pub fn context(&self) -> Result<crate::record::Context> {
        let mut ctx =
            crate::record::Context::new(chrono::Utc::now(), self.user.clone(), self.policies()?);
        ctx.templates = self.templates.clone();
        Ok(ctx)
    }

    /// Runs `f` in one immediate transaction, committed only if `f` succeeds.
    fn write<R>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<R>) -> Result<R> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// `PRAGMA integrity_check` — "ok" for a sound file.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Read access for tests and diagnostics.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Opens the file and brings its schema up to date. Unless `create`, a file that is not
/// already a Gridkeeper store is refused before anything is written to it; so is a file the
/// key (or its absence) does not open.
fn connect(
    path: &Path,
    durability: Durability,
    create: bool,
    key: Option<&StoreKey>,
) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    if let Some(key) = key {
        encryption::apply_key(&conn, key)?;
    }
    let is_store: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| {
            if encryption::is_wrong_key(&e) {
                Error::WrongKey
            } else {
                e.into()
            }
        })?;
    let is_empty: bool =
        conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM sqlite_master)", [], |r| {
            r.get(0)
        })?;
    if !is_store && !is_empty {
        return Err(Error::NotAStore);
    }
    if !is_store && !create {
        return Err(Error::NotInitialised);
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(
        None,
        "synchronous",
        match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        },
    )?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows are overwritten with zeros, not left in free pages: an erased record
    // (PIPL) must not be readable from the file afterwards (see `erasure`).
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every write runs a couple of dozen distinct statements; the default cache of 16
    // would re-prepare them on every record.
    conn.set_prepared_statement_cache_capacity(128);
    if schema::migrate_to(&mut conn, schema::LATEST)? {
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('projections_stale', '1')",
            [],
        )?;
    }
    Ok(conn)
}

fn read_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}
