//! Storage: one trait, two implementations — embedded SQLite for a single machine and
//! PostgreSQL for several server processes. The protocol's rules (what a push may do to a
//! record, what becomes of a document) live in [`crate::materialize`] and are shared; a
//! backend supplies transactions, locking and the feed order.
//!
//! The feed guarantee both keep: within a grid, positions are handed out by incrementing the
//! grid's row in `grid_heads` inside the pushing transaction. That row stays locked until the
//! transaction commits, so position N+1 cannot be handed out before N is committed, and a
//! reader that has seen N has seen everything below it — even with concurrent transactions
//! and several server processes on one PostgreSQL.

pub mod postgres;
pub mod sqlite;
mod sqlite_pool;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::materialize::{DocState, Outcome, PreparedDoc};
use crate::reports::sql::{Row, Stmt};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{0} already exists")]
    Exists(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("enrolment code is unknown, used or expired")]
    CodeRefused,
    /// The record changed between reading it and writing (a push landed meanwhile); the
    /// caller reads it again and retries.
    #[error("{0} changed meanwhile")]
    Changed(String),
    #[error("database: {0}")]
    Database(String),
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Database(e.to_string())
    }
}

impl From<tokio_postgres::Error> for StorageError {
    fn from(e: tokio_postgres::Error) -> Self {
        StorageError::Database(e.to_string())
    }
}

/// A user's scope as one column: tree-node ids, comma-separated (ids cannot hold commas).
fn scope_text(scope: &[String]) -> String {
    scope.join(",")
}

fn scope_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The `documents` columns a [`DocState`] is read from, in the order both backends map them.
const DOC_COLUMNS: &str =
    "record_id, grid, kind, archived, schema_version, created_at, saved, heads, data, flagged, seq";

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Worker,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "worker" => Some(Role::Worker),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A node of the tree street → community → grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    pub id: String,
    pub name: String,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Tree nodes; the user reaches each and everything below it.
    pub scope: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub user_id: String,
    /// The Automerge actor every change from this device must carry; `None` for an admin
    /// console token, which never pushes.
    pub actor: Option<String>,
    pub created_at: String,
    pub last_seen: Option<String>,
    pub revoked_at: Option<String>,
}

/// A device about to be stored, with the hash of its token (the token itself is never kept).
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub device: Device,
    pub token_hash: String,
}

#[derive(Debug, Clone)]
pub struct EnrollCode {
    pub code_hash: String,
    pub user_id: String,
    pub expires_at: String,
}

/// One change of a grid's feed. `bytes` is `None` for the asking device's own changes: it
/// has them already, and the cursor still moves past them.
#[derive(Debug, Clone)]
pub struct FeedChange {
    pub seq: u64,
    pub record_id: String,
    pub kind: String,
    pub bytes: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Blob {
    pub hash: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// An erasure (PIPL Art. 47) to carry out in one transaction: the record's changes, document,
/// report rows and the blobs only it named are deleted; the erasure takes the grid's next
/// feed position; a re-issued record's one change and document follow it — in the same grid,
/// or, for a record moving to another grid (`moved`), under its new id at that grid's next
/// position, both grids' heads advancing in the one transaction.
#[derive(Debug, Clone)]
pub struct ErasureWrite {
    pub record_id: String,
    pub grid: String,
    pub kind: String,
    /// The document's heads when the re-issue was built: a push landing in between would be
    /// erased without being carried over, so the transaction refuses (`Changed`) instead.
    pub expected_heads: Vec<String>,
    /// The new document, or `None` when the whole record goes.
    pub reissued: Option<(DocState, crate::materialize::NewChange)>,
    /// Blob hashes the re-issued record still names; the record's other blobs are purged.
    pub keep_blobs: Vec<String>,
    pub audit: ErasureAudit,
    /// The record moves to another grid: `reissued` is then its new document there.
    pub moved: Option<MoveAudit>,
}

/// What the relay keeps of a record's move to another grid (`record_moves`): ids, grids,
/// positions, who, when, why — never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveAudit {
    pub from_record: String,
    pub to_record: String,
    pub kind: String,
    pub from_grid: String,
    pub to_grid: String,
    /// The tombstone's position in the old grid's feed, and the new record's in the new
    /// grid's (filled when stored).
    #[serde(default)]
    pub from_seq: u64,
    #[serde(default)]
    pub to_seq: u64,
    pub reason: String,
    pub moved_by: String,
    pub moved_at: String,
}

/// What became of an erased record id, the latest time it was erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erased {
    /// Gone whole.
    Whole,
    /// Re-issued under the same id without the erased fields.
    Reissued,
    /// Moved to another grid under this id.
    Moved(String),
}

/// What the audit log keeps of an erasure: who, when, which record, why, which field paths —
/// never the erased values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureAudit {
    pub record_id: String,
    pub grid: String,
    pub kind: String,
    /// Field paths erased; empty for the whole record.
    pub fields: Vec<String>,
    pub whole: bool,
    pub reason: String,
    pub erased_by: String,
    pub erased_at: String,
    /// The erasure's position in the grid's feed (filled when stored).
    #[serde(default)]
    pub seq: u64,
    /// The record moved to another grid under this id (its old id erased whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
}

/// Everything the relay stores. Methods are whole operations, each one transaction.
#[async_trait]
pub trait Storage: Send + Sync + std::fmt::Debug {
    async fn add_grid(&self, grid: &Grid) -> Result<()>;
    async fn grids(&self) -> Result<Vec<Grid>>;

    async fn add_user(&self, user: &User) -> Result<()>;
    async fn users(&self) -> Result<Vec<User>>;

    async fn add_enroll_code(&self, code: &EnrollCode) -> Result<()>;
    /// Uses a code once: marks it used and stores the device, or refuses (unknown, used,
    /// expired at `now`) without storing anything.
    async fn redeem_enroll_code(
        &self,
        code_hash: &str,
        now: &str,
        device: &NewDevice,
    ) -> Result<User>;
    /// Stores a device directly (an admin's console token).
    async fn add_device(&self, device: &NewDevice) -> Result<()>;
    /// The device and its user for a token hash, revoked or not.
    async fn device_by_token(&self, token_hash: &str) -> Result<Option<(Device, User)>>;
    async fn devices(&self) -> Result<Vec<Device>>;
    /// A device by id, revoked or not, with its user and the hash of its token: a rescue
    /// file the device wrote is sealed under a key derived from that hash.
    async fn device_by_id(&self, device_id: &str) -> Result<Option<(Device, User, String)>>;
    /// Revokes a device; `false` if there is no such device.
    async fn revoke_device(&self, device_id: &str, now: &str) -> Result<bool>;
    async fn touch_device(&self, device_id: &str, now: &str) -> Result<()>;
    /// Actors a device took after the one it enrolled with (a restored or copied store
    /// writes under a fresh actor; see core's `store::incarnation`).
    async fn device_actors(&self, device_id: &str) -> Result<Vec<String>>;
    /// Registers a further actor for a device; `Exists` if any device already has it.
    async fn add_device_actor(&self, device_id: &str, actor: &str, now: &str) -> Result<()>;
    /// How many changes under `actor` the server holds.
    async fn held_changes(&self, actor: &str) -> Result<u64>;

    /// Applies pushed changes, all records in one transaction: per change, accepted (new or
    /// already held) or rejected with a reason. `device_id` is recorded beside each change.
    async fn push(&self, device_id: &str, now: &str, docs: &[PreparedDoc]) -> Result<Vec<Outcome>>;
    /// A grid's feed after `after`, at most `limit` changes; own-actor bytes left out.
    async fn feed(
        &self,
        grid: &str,
        after: u64,
        limit: usize,
        own_actor: &str,
    ) -> Result<Vec<FeedChange>>;
    /// The last position handed out in a grid (0 for none).
    async fn head(&self, grid: &str) -> Result<u64>;
    /// A grid's documents after `after_record` in record-id order.
    async fn snapshots(
        &self,
        grid: &str,
        after_record: Option<&str>,
        limit: usize,
    ) -> Result<Vec<DocState>>;
    /// A grid's documents of one kind, in record-id order (what a phone catching up on a kind
    /// it newly reads is sent).
    async fn documents_of_kind(&self, grid: &str, kind: &str) -> Result<Vec<DocState>>;
    async fn count_documents(&self, grid: &str) -> Result<u64>;
    async fn document(&self, record_id: &str) -> Result<Option<DocState>>;

    /// Carries out an erasure; returns its feed position.
    async fn erase(&self, erasure: &ErasureWrite) -> Result<u64>;
    /// Erasures of a grid at positions in `(after, upto]`, in order.
    async fn erasures(&self, grid: &str, after: u64, upto: u64) -> Result<Vec<ErasureAudit>>;
    /// The latest erasure of a record id, if it was ever erased.
    async fn erased(&self, record_id: &str) -> Result<Option<Erased>>;
    /// Moves of records from or to the grids named, oldest first.
    async fn moves(&self, grids: &[String]) -> Result<Vec<MoveAudit>>;

    /// Stores a blob (once per hash) and ties it to a record.
    async fn put_blob(&self, blob: &Blob, record_id: &str, device_id: &str) -> Result<()>;
    async fn blob(&self, hash: &str) -> Result<Option<Blob>>;
    /// The grids of the records a blob is tied to.
    async fn blob_grids(&self, hash: &str) -> Result<Vec<String>>;

    // --- reports (issue #8): report SQL is shared text, see `crate::reports::sql` ---
    /// Runs one read-only report query.
    async fn report_query(&self, query: &Stmt) -> Result<Vec<Row>>;
    /// Runs report statements (projection rebuilds, the export audit) in one transaction.
    async fn report_write(&self, stmts: &[Stmt]) -> Result<()>;
}
