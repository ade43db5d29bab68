//! Errors. Variants exist only where a caller acts differently; messages never carry personal
//! data (names, ID numbers, phones) — only field paths, record ids and reasons.

use std::fmt;

/// A value that failed validation, with the path of the field inside the record
/// (`members[1].id_number`), so a form can put the message beside the right input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same problem seen from one level up: `id_number` inside `members[1]`.
    pub fn within(self, parent: &str) -> Self {
        Invalid {
            field: format!("{parent}.{}", self.field),
            reason: self.reason,
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input: {0}")]
    Invalid(Invalid),
    #[error("record {0} not found")]
    NotFound(String),
    #[error("record {id} is a {actual}, not a {expected}")]
    WrongKind {
        id: String,
        expected: String,
        actual: String,
    },
    #[error("no conflict at {path} in record {id}")]
    NoConflict { id: String, path: String },
    #[error("the store at this path has not been initialised (run `gk init`)")]
    NotInitialised,
    #[error("this file is a database but not a Gridkeeper store; it was left untouched")]
    NotAStore,
    #[error(
        "the store was written by a newer Gridkeeper (schema {found}, this build knows {known})"
    )]
    SchemaTooNew { found: i64, known: i64 },
    /// The key does not open this file: a wrong key, an encrypted store opened without one,
    /// or a plaintext store opened with one. Nothing was written to the file.
    #[error("the key does not open this store; the file was left untouched")]
    WrongKey,
    /// An encrypted store was asked of a build without SQLCipher (core's `sqlcipher` feature).
    #[error("this build cannot encrypt stores (built without SQLCipher)")]
    EncryptionUnavailable,
    /// A change from elsewhere repeats a sequence number of this store's own actor: the
    /// store is a copy of another; it must take a fresh actor before merging.
    #[error("record {id}: a change from elsewhere reuses this store's actor; the store is a copy")]
    ActorReused { id: String },
    #[error("malformed change data: {0}")]
    BadChanges(String),
    #[error("document of record {id} is damaged: {reason}")]
    Document { id: String, reason: String },
    /// The phone's storage is full: the write was not made, and nothing written before it
    /// was touched. Freeing space (or syncing, which empties the outbox) lets work go on.
    #[error("the phone's storage is full; nothing was written")]
    StorageFull,
    #[error("storage: {0}")]
    Storage(rusqlite::Error),
    #[error("i/o: {0}")]
    Io(std::io::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => {
                Error::StorageFull
            }
            _ => Error::Storage(e),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                Error::StorageFull
            }
            _ => Error::Io(e),
        }
    }
}

impl From<Invalid> for Error {
    fn from(value: Invalid) -> Self {
        Error::Invalid(value)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
