//! Identifiers: records are UUIDv7 (time-ordered, so new records append to SQLite's b-trees),
//! devices are Automerge actor ids written as lower-case hex.

use std::fmt;
use std::str::FromStr;

use crate::error::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(uuid::Uuid);

impl RecordId {
    pub fn new() -> Self {
        RecordId(uuid::Uuid::now_v7())
    }
}

impl Default for RecordId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for RecordId {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s)
            .map(RecordId)
            .map_err(|_| Invalid::new("id", "not a record id (expected a UUID)"))
    }
}

/// An Automerge actor id in hex: the device that made a change.
pub type ActorHex = String;

/// A fresh id for an item inside a record (a household member), so concurrent edits of
/// one member merge by identity rather than by list position.
pub fn new_item_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}
