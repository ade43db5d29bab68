//! Automerge on bytes from outside: a phone's push on the relay, a relay's reply on the phone,
//! a change file carried on a USB stick. automerge 0.12 panics on some malformed changes its
//! parser lets through (fuzz/change_file found one: an actor index out of range while
//! importing ops); there a panic must be a refusal of those bytes, not a crashed relay or app.
//! The document a panic left half-changed is the caller's to drop, with the error: nothing of
//! it is stored.

use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::{AutoCommit, Change};

/// `doc.apply_changes`, with a panic inside automerge answered as an error.
pub fn apply_changes(doc: &mut AutoCommit, changes: Vec<Change>) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| doc.apply_changes(changes))) {
        Ok(applied) => applied.map_err(|e| e.to_string()),
        Err(_) => Err("the changes are malformed: automerge could not apply them".into()),
    }
}

/// `AutoCommit::load`, with a panic inside automerge answered as an error.
pub fn load(bytes: &[u8]) -> Result<AutoCommit, String> {
    match catch_unwind(|| AutoCommit::load(bytes)) {
        Ok(loaded) => loaded.map_err(|e| e.to_string()),
        Err(_) => Err("the document is malformed: automerge could not load it".into()),
    }
}
