//! Automerge on bytes from outside: a phone's push on the relay, a relay's reply on the phone,
//! a change file carried on a USB stick. automerge 0.12 panics on some malformed changes its
//! parser lets through (fuzz/change_file found one: an actor index out of range while
//! importing ops); there a panic must be a refusal of those bytes, not a crashed relay or app.
//! The document a panic left half-changed is the caller's to drop, with the error: nothing of
//! it is stored.

use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::{AutoCommit, Change};

/// Runs `f`, which works on a document built from outside bytes, with a panic inside
/// automerge answered as an error (the document is `f`'s own, dropped with the panic).
pub fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|_| "automerge could not work on these changes: they are malformed".to_string())
}

/// `doc.apply_changes`, with a panic inside automerge answered as an error.
pub fn apply_changes(doc: &mut AutoCommit, changes: Vec<Change>) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| doc.apply_changes(changes))) {
        Ok(applied) => applied.map_err(|e| e.to_string()),
        Err(_) => Err("the changes are malformed: automerge could not apply them".into()),
    }
}

/// `Change::from_bytes`, with a panic inside automerge's parser answered as an error
/// (fuzz/sync_request found one: an object id's actor index past the end while verifying ops).
pub fn change(bytes: Vec<u8>) -> Result<Change, String> {
    match catch_unwind(|| Change::from_bytes(bytes)) {
        Ok(parsed) => parsed.map_err(|e| e.to_string()),
        Err(_) => Err("not an Automerge change: automerge could not parse it".into()),
    }
}

/// `AutoCommit::load`, with a panic inside automerge answered as an error.
pub fn load(bytes: &[u8]) -> Result<AutoCommit, String> {
    match catch_unwind(|| AutoCommit::load(bytes)) {
        Ok(loaded) => loaded.map_err(|e| e.to_string()),
        Err(_) => Err("the document is malformed: automerge could not load it".into()),
    }
}
