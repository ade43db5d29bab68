//! The one exception type the apps catch, with a few variants — one per thing an app does
//! differently: show the message beside a form field, refresh a stale screen, ask the
//! supervisor, retry later, ask the user to pick a value, or report a broken store.
//!
//! Messages carry no personal data (core's errors never do): field paths, ids and reasons.

use gridkeeper_core::Error as CoreError;
use gridkeeper_core::sync::SyncError;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum GridkeeperError {
    /// A value failed validation. `field` is its path inside the record
    /// (`members[1].id_number`), so a form can show `reason` beside the right input.
    #[error("invalid input: {field}: {reason}")]
    Invalid { field: String, reason: String },
    /// No record (or attachment) with this id on this device.
    #[error("{id} not found")]
    NotFound { id: String },
    /// The server will not let this phone do it (not enrolled, revoked, outside its grids).
    /// `code` is stable for programs; `user_message` is for the worker, in Chinese.
    #[error("not allowed ({code}): {detail}")]
    NotAllowed {
        code: String,
        detail: String,
        user_message: String,
    },
    /// The server could not be reached or understood; the work is safe, try again later.
    #[error("network ({code}): {detail}")]
    Network {
        code: String,
        detail: String,
        user_message: String,
    },
    /// The values at `path` do not conflict (any more): another device or a resolve already
    /// settled them, or `pick` is out of range. Refresh the conflicts and ask again.
    #[error("conflict at {path} of {id}: {detail}")]
    Conflict {
        id: String,
        path: String,
        detail: String,
    },
    /// The key does not open this store. Nothing was written to the file.
    #[error("the key does not open this store")]
    WrongKey,
    /// The sync was cancelled through its `CancelToken`.
    #[error("cancelled")]
    Cancelled,
    /// The phone's storage is full: nothing was written, and everything saved before is
    /// intact. `user_message` tells the worker to free space; syncing also frees it.
    #[error("the phone's storage is full")]
    StorageFull { user_message: String },
    /// Signing out would leave work the server does not have: `changes` edits, `uploads`
    /// attachments, `refused` edits the server refused, `drafts` forms begun and not saved. Nothing was changed; ask the worker
    /// (`user_message`, in Chinese) and sign out again confirmed.
    #[error(
        "unsynced work: {changes} changes, {uploads} uploads, {refused} refused, {drafts} drafts"
    )]
    UnsyncedWork {
        changes: u64,
        uploads: u64,
        refused: u64,
        drafts: u64,
        user_message: String,
    },
    /// The store file failed (a damaged document, a store from a newer app version).
    #[error("storage: {detail}")]
    Storage { detail: String },
}

pub type Result<T, E = GridkeeperError> = std::result::Result<T, E>;

impl From<CoreError> for GridkeeperError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Invalid(i) => GridkeeperError::Invalid {
                field: i.field,
                reason: i.reason,
            },
            CoreError::NotFound(id) => GridkeeperError::NotFound { id },
            wrong @ CoreError::WrongKind { .. } => GridkeeperError::Invalid {
                field: "id".into(),
                reason: wrong.to_string(),
            },
            CoreError::NoConflict { id, path } => GridkeeperError::Conflict {
                detail: "no conflict at this path".into(),
                id,
                path,
            },
            CoreError::WrongKey => GridkeeperError::WrongKey,
            CoreError::StorageFull => GridkeeperError::StorageFull {
                user_message: SyncError::Store(CoreError::StorageFull).user_message_zh(),
            },
            other => GridkeeperError::Storage {
                detail: other.to_string(),
            },
        }
    }
}

impl From<gridkeeper_core::Invalid> for GridkeeperError {
    fn from(i: gridkeeper_core::Invalid) -> Self {
        GridkeeperError::Invalid {
            field: i.field,
            reason: i.reason,
        }
    }
}

impl From<SyncError> for GridkeeperError {
    fn from(e: SyncError) -> Self {
        let code = e.code().to_string();
        let user_message = e.user_message_zh();
        match e {
            SyncError::Store(inner) => inner.into(),
            SyncError::Cancelled => GridkeeperError::Cancelled,
            SyncError::Network(_) | SyncError::Protocol(_) => GridkeeperError::Network {
                code,
                detail: e.to_string(),
                user_message,
            },
            SyncError::NotEnrolled
            | SyncError::Unauthorized
            | SyncError::Revoked
            | SyncError::Refused { .. } => GridkeeperError::NotAllowed {
                code,
                detail: e.to_string(),
                user_message,
            },
        }
    }
}

/// A lock poisoned by a panic in an earlier call: the store may be mid-change, so refuse
/// rather than carry on.
pub(crate) fn poisoned() -> GridkeeperError {
    GridkeeperError::Storage {
        detail: "the store is unusable after an earlier failure; close and reopen it".into(),
    }
}

/// A call on a store whose worker has signed out (the object stays, the store is closed).
pub(crate) fn signed_out() -> GridkeeperError {
    GridkeeperError::Storage {
        detail: "this store was signed out; open the signed-in worker's store".into(),
    }
}

pub(crate) fn unsynced_work(u: gridkeeper_core::sign_out::Unsynced) -> GridkeeperError {
    GridkeeperError::UnsyncedWork {
        changes: u.changes,
        uploads: u.uploads,
        refused: u.refused,
        drafts: u.drafts,
        user_message: u.message_zh(),
    }
}
