//! Enrolment and sync as the apps see them: a summary back, progress through a callback the
//! app implements, and a token the app cancels from any thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gridkeeper_core::sync as core_sync;

/// Where a running sync stands, after each round trip: enough for a progress bar on a
/// first sync (records received of the total) and a byte count on a metered connection.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncProgressInfo {
    pub records_done: u64,
    pub records_total: u64,
    pub changes_pulled: u64,
    pub changes_pushed: u64,
    pub changes_pending: u64,
    pub bytes_down: u64,
    pub bytes_up: u64,
    pub rounds: u64,
}

impl From<&core_sync::Progress> for SyncProgressInfo {
    fn from(p: &core_sync::Progress) -> Self {
        SyncProgressInfo {
            records_done: p.records_done,
            records_total: p.records_total,
            changes_pulled: p.changes_pulled,
            changes_pushed: p.changes_pushed,
            changes_pending: p.changes_pending,
            bytes_down: p.bytes_down,
            bytes_up: p.bytes_up,
            rounds: p.rounds,
        }
    }
}

/// Implemented by the app. Called on the thread running `sync`, after each round; keep it
/// short (post to the UI thread) — the sync waits for it.
#[uniffi::export(foreign)]
pub trait SyncProgress: Send + Sync {
    fn on_progress(&self, progress: SyncProgressInfo);
}

/// Stops a running sync between round trips (and between retries); the sync then fails with
/// `GridkeeperError.Cancelled`. What was already exchanged stays applied.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
}

#[uniffi::export]
impl CancelToken {
    #[uniffi::constructor]
    pub fn new() -> Arc<CancelToken> {
        Arc::new(CancelToken::default())
    }

    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

impl CancelToken {
    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }
}

/// A local change the server refused; it stays queued on the phone.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RejectedChange {
    pub change_hash: String,
    pub code: String,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncSummary {
    pub rounds: u64,
    pub pushed: u64,
    pub pulled: u64,
    pub snapshots: u64,
    pub rejected: Vec<RejectedChange>,
    /// Records whose state may have changed, each once: screens refresh only these.
    pub changed_records: Vec<String>,
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub attachments_uploaded: u64,
}

impl From<core_sync::SyncSummary> for SyncSummary {
    fn from(s: core_sync::SyncSummary) -> Self {
        SyncSummary {
            rounds: s.rounds,
            pushed: s.pushed,
            pulled: s.pulled,
            snapshots: s.snapshots,
            rejected: s
                .rejected
                .into_iter()
                .map(|(change_hash, code)| RejectedChange { change_hash, code })
                .collect(),
            changed_records: s.changed_records,
            bytes_up: s.bytes_up,
            bytes_down: s.bytes_down,
            attachments_uploaded: s.blobs_uploaded,
        }
    }
}

/// This phone's enrolment with a relay server.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrolment {
    pub server: String,
    pub device_id: String,
    pub user: String,
    pub role: String,
    pub grids: Vec<String>,
}

impl From<core_sync::Enrolment> for Enrolment {
    fn from(e: core_sync::Enrolment) -> Self {
        Enrolment {
            server: e.server,
            device_id: e.device_id,
            user: e.user,
            role: e.role,
            grids: e.grids,
        }
    }
}

/// What the phone shows about sync at any time; `last_error_message` is in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub server: Option<String>,
    pub user: Option<String>,
    pub grids: Vec<String>,
    pub last_success_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error_code: Option<String>,
    pub last_error_message: Option<String>,
    pub pending_changes: u64,
    pub pending_uploads: u64,
    /// Edits the server refused for good: set aside, never silently dropped.
    pub refused_changes: u64,
    /// The refused edits per record, with what to do in the worker's words.
    pub refused: Vec<RefusedRecord>,
    /// When the oldest edit or attachment still waiting to go up was queued (RFC 3339, UTC);
    /// none when nothing waits. `unsyncedAge` turns it into hours for a given moment.
    #[uniffi(default = None)]
    pub oldest_unsynced_at: Option<String>,
    /// Work has waited longer than a day, judged when this status was read: the phone must
    /// say so plainly (its background sync may never run).
    #[uniffi(default = false)]
    pub unsynced_overdue: bool,
}

/// How old the oldest unsynced work is at some moment; core decides, so both phones agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct UnsyncedAge {
    /// Whole hours (0 within the first hour, or when the phone's clock went back).
    pub hours: u64,
    /// Older than a day.
    pub overdue: bool,
}

/// The age at `now_unix_ms` of work queued at `oldest_unsynced_at` (a status's field); none
/// when that time does not read. Screens pass their clock, so tests can move it.
#[uniffi::export]
pub fn unsynced_age(oldest_unsynced_at: String, now_unix_ms: i64) -> Option<UnsyncedAge> {
    let now = chrono::DateTime::from_timestamp_millis(now_unix_ms)?;
    core_sync::unsynced_age(&oldest_unsynced_at, now).map(|a| UnsyncedAge {
        hours: a.hours,
        overdue: a.overdue,
    })
}

/// What opening a damaged store did, in words for the worker.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoreRecovery {
    /// `damaged` or `undecryptable`.
    pub cause: String,
    /// Where the damaged file lies, kept as it was.
    pub moved_to: String,
    pub records: u64,
    pub records_unreadable: u64,
    /// Unsynced edits carried over.
    pub unsynced_changes: u64,
    /// RFC 3339, UTC.
    pub at: String,
    pub message_zh: String,
    pub message_en: String,
}

impl From<gridkeeper_core::store::Recovery> for StoreRecovery {
    fn from(r: gridkeeper_core::store::Recovery) -> Self {
        StoreRecovery {
            message_zh: r.message_zh(),
            message_en: r.message_en(),
            cause: r.cause,
            moved_to: r.moved_to,
            records: r.records,
            records_unreadable: r.records_unreadable,
            unsynced_changes: r.outbox,
            at: r.at,
        }
    }
}

/// What a sign-out did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignedOut {
    /// The store file was removed (everything was on the server).
    pub removed: bool,
    /// What stays on the phone, unsynced, in the kept store.
    pub kept_changes: u64,
    pub kept_uploads: u64,
    pub kept_refused: u64,
    pub kept_drafts: u64,
}

/// The signed-in worker's store file in `slots_dir` (one store per worker who signs in on
/// this phone, named by a random id, never by the person). With nobody signed in, a new one
/// is chosen: open it with `GridStore.openOrRecover` and enrol.
#[uniffi::export]
pub fn active_store_path(slots_dir: String) -> crate::errors::Result<String> {
    let path = gridkeeper_core::sign_out::StoreSlots::new(slots_dir).active_path()?;
    Ok(path.to_string_lossy().into_owned())
}

/// Stores of workers who signed out with work still unsynced.
#[uniffi::export]
pub fn kept_store_paths(slots_dir: String) -> crate::errors::Result<Vec<String>> {
    let kept = gridkeeper_core::sign_out::StoreSlots::new(slots_dir).kept()?;
    Ok(kept
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect())
}

/// Syncs one kept store (a signed-out worker's unsynced work) and removes it once the
/// server has everything; returns whether it was removed. Nothing of it is shown to whoever
/// is signed in now.
#[uniffi::export]
pub fn sync_kept_store(
    slots_dir: String,
    path: String,
    key: Vec<u8>,
    cancel: Arc<CancelToken>,
) -> crate::errors::Result<bool> {
    let key = gridkeeper_core::store::StoreKey::from_bytes(&key)?;
    let mut store = gridkeeper_core::Store::open_encrypted(&path, &key)?;
    let opts = core_sync::SyncOptions {
        cancel: Some(cancel.flag()),
        ..core_sync::SyncOptions::default()
    };
    store.sync(&opts, &mut |_| {})?;
    Ok(gridkeeper_core::sign_out::StoreSlots::new(slots_dir).remove_if_synced(store)?)
}

/// A record some of whose edits the server refused for good.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RefusedRecord {
    pub record_id: String,
    /// `household`, …; empty when the record is no longer on the phone.
    pub kind: String,
    pub changes: u64,
    /// The server's reason code of the latest refusal.
    pub code: String,
    pub reason_zh: String,
    pub reason_en: String,
    /// RFC 3339, UTC.
    pub refused_at: String,
}

impl From<gridkeeper_core::store::RefusedRecord> for RefusedRecord {
    fn from(r: gridkeeper_core::store::RefusedRecord) -> Self {
        RefusedRecord {
            record_id: r.record_id,
            kind: r.kind,
            changes: r.changes,
            code: r.code,
            reason_zh: r.reason_zh,
            reason_en: r.reason_en,
            refused_at: r.refused_at,
        }
    }
}

impl From<core_sync::SyncStatus> for SyncStatus {
    fn from(s: core_sync::SyncStatus) -> Self {
        let overdue = s.unsynced_overdue(chrono::Utc::now());
        SyncStatus {
            enrolled: s.enrolled,
            server: s.server,
            user: s.user,
            grids: s.grids,
            last_success_at: s.last_success_at,
            last_attempt_at: s.last_attempt_at,
            last_error_code: s.last_error_code,
            last_error_message: s.last_error_message,
            pending_changes: s.pending_changes,
            pending_uploads: s.pending_uploads,
            refused_changes: s.refused_changes,
            unsynced_overdue: overdue,
            refused: s.refused.into_iter().map(Into::into).collect(),
            oldest_unsynced_at: s.oldest_unsynced_at,
        }
    }
}
