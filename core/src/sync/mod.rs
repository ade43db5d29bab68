//! The sync client: enrolment, and sync rounds against the relay until nothing is left — the
//! same engine for the terminal client, the bindings and the apps.
//!
//! Blocking by design: a phone runs sync on a background thread (WorkManager, BGTask), and a
//! blocking call is the simplest thing for a binding to expose and to cancel between rounds.
//! Everything that matters for safety lives in the store: a round's effects are committed
//! before the next request is built, so an interruption at any byte — process killed,
//! connection dropped, response cut short — loses nothing, and the next sync finishes the job.

mod defaults;
mod engine;
mod error;
mod transport;

pub use defaults::DEFAULT_GRID_KEY;
pub use engine::{
    BlobFetch, CHANGES_REFUSED, Enrolment, Progress, SyncOptions, SyncStatus, SyncSummary,
    UNSYNCED_OVERDUE_AFTER, UnsyncedAge, unsynced_age,
};
pub(crate) use engine::{K_DEVICE, K_TOKEN};
pub use error::SyncError;
pub use transport::{UPDATE_APP, UPDATE_SERVER};
