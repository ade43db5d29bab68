//! Gridkeeper core: every record a grid worker keeps is one Automerge document, stored with
//! its projection rows in one local SQLite file, merged with other devices' changes, and
//! readable as typed Rust values.
//!
//! The crate is a library, not a framework: [`Store`] owns the database and is the entry point.

pub mod blob_type;
pub mod checklist;
pub mod error;
pub mod exchange;
pub mod ids;
pub mod kinds;
pub mod mask;
pub mod pinyin_keys;
pub mod policy;
pub mod record;
pub mod rescue;
pub mod sign_out;
pub mod store;
pub mod sync;
pub mod validate;
pub mod wire;

pub use error::{Error, Invalid, Result};
pub use ids::{ActorHex, RecordId};
pub use kinds::Kind;
pub use record::{Conflict, ConflictValue, HistoryEntry, RecordKind};
pub use store::{SearchHit, Store};
