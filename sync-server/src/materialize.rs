//! What a push does to a record, decided the same way whichever database holds it: which
//! changes are new, which are refused and why, and the record's new saved form and fields.
//! Backends fetch the record and the hashes they already hold, call [`plan`], and write what
//! it returns in the same transaction.

use std::collections::{HashMap, HashSet};

use automerge::{AutoCommit, Change};
use gridkeeper_core::Kind;
use gridkeeper_core::record::{self, Envelope};
use gridkeeper_core::wire::{ChangeResult, Rejection};
use serde_json::Value as Json;

use crate::storage::Erased;

/// A pushed change after the request-level checks: parsed, with a refusal already decided
/// where the change itself is wrong (its actor is not the device's).
#[derive(Debug, Clone)]
pub struct PreparedChange {
    pub hash: String,
    pub actor: String,
    pub change: Change,
    pub refused: Option<Rejection>,
}

/// One record's pushed changes, with the kind and grid the device says it has.
#[derive(Debug, Clone)]
pub struct PreparedDoc {
    pub record_id: String,
    pub kind: Kind,
    pub grid: String,
    pub changes: Vec<PreparedChange>,
}

pub type Outcome = ChangeResult;

pub use gridkeeper_core::store::REUSED_SEQ;

/// The stored record a push is applied to.
#[derive(Debug, Clone)]
pub struct Existing {
    pub grid: String,
    pub kind: String,
    pub saved: Vec<u8>,
}

/// A record as the server keeps it: the document and what it read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocState {
    pub record_id: String,
    pub grid: String,
    pub kind: String,
    pub archived: bool,
    pub schema_version: u64,
    pub created_at: String,
    pub saved: Vec<u8>,
    pub heads: Vec<String>,
    /// The record's fields, checked against its kind; `None` when they do not fit.
    pub data: Option<Json>,
    /// Why `data` is missing: the record is kept and served, but flagged for a person.
    pub flagged: Option<String>,
    /// The highest feed position folded into `saved`.
    pub seq: u64,
}

/// A change to store, in feed order.
#[derive(Debug, Clone)]
pub struct NewChange {
    pub hash: String,
    pub actor: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Plan {
    /// One per pushed change, in push order.
    pub outcomes: Vec<Outcome>,
    pub store: Vec<NewChange>,
    /// The record's new state when any change was stored (`seq` is filled by the backend).
    pub state: Option<DocState>,
}

pub fn rejection(code: &str, message: impl Into<String>) -> Rejection {
    Rejection {
        code: code.into(),
        message: message.into(),
    }
}

/// The refusal of an edit to an erased record (PIPL): it was made on a document that no longer
/// exists anywhere, and taking it would bring erased data back.
pub fn erased_rejection() -> Rejection {
    rejection(
        gridkeeper_core::store::RECORD_ERASED,
        "an administrator erased this record's personal data; edits made to it before the erasure cannot be taken",
    )
}

/// The refusal of an edit to a record that moved to another grid: the old id is gone there,
/// and the worker's edit is kept on their phone for the supervisor to carry over.
pub fn moved_rejection() -> Rejection {
    rejection(
        gridkeeper_core::store::RECORD_MOVED,
        "this record moved to another grid and lives on there as a new record; edits to it under its old id cannot be taken",
    )
}

/// Decides a push to one record. `held` maps hashes the server already stores (among this
/// push's) to the record each belongs to. `erased` is the record's latest erasure: whole
/// refuses every change, and so does a move (`record_moved`); re-issued refuses every
/// change not built on the new document — one with no dependencies (the old document's
/// first change) or whose dependencies the new document lacks (the old history).
pub fn plan(
    doc: &PreparedDoc,
    existing: Option<&Existing>,
    held: &HashMap<String, String>,
    erased: Option<&Erased>,
) -> Plan {
    let mut plan = Plan::default();
    let refuse_all = |plan: &mut Plan, why: Rejection| {
        plan.outcomes = doc
            .changes
            .iter()
            .map(|c| outcome(doc, &c.hash, Some(why.clone())))
            .collect();
    };
    if let Some(e) = existing {
        if e.grid != doc.grid {
            refuse_all(
                &mut plan,
                rejection(
                    "grid_mismatch",
                    "the record belongs to another grid; a record's grid is fixed when it is created",
                ),
            );
            return plan;
        }
        if e.kind != doc.kind.as_str() {
            refuse_all(
                &mut plan,
                rejection(
                    "kind_mismatch",
                    format!("the record is a {}, not a {}", e.kind, doc.kind.as_str()),
                ),
            );
            return plan;
        }
    }

    if let Some(Erased::Moved(_)) = erased {
        refuse_all(&mut plan, moved_rejection());
        return plan;
    }
    if erased == Some(&Erased::Whole) {
        refuse_all(&mut plan, erased_rejection());
        return plan;
    }
    let reissued = erased == Some(&Erased::Reissued);
    let mut decided: Vec<Option<Option<Rejection>>> = Vec::with_capacity(doc.changes.len());
    let mut fresh = Vec::new();
    for (i, c) in doc.changes.iter().enumerate() {
        if let Some(why) = &c.refused {
            decided.push(Some(Some(why.clone())));
        } else if reissued && c.change.deps().is_empty() && !held.contains_key(&c.hash) {
            decided.push(Some(Some(erased_rejection())));
        } else if let Some(owner) = held.get(&c.hash) {
            decided.push(Some(if owner == &doc.record_id {
                None
            } else {
                Some(rejection(
                    "wrong_record",
                    "this change belongs to another record",
                ))
            }));
        } else if fresh.iter().any(|&j: &usize| doc.changes[j].hash == c.hash) {
            // Sent twice in one push: one copy is stored, both are answered as held.
            decided.push(Some(None));
        } else {
            decided.push(None);
            fresh.push(i);
        }
    }

    if !fresh.is_empty() {
        // automerge can take a malformed change and panic later reading the document it left
        // (fuzz/change_file): that is a refusal of the change, like any it cannot apply.
        let applied = gridkeeper_core::record::untrusted::guard(|| apply(doc, existing, &fresh))
            .unwrap_or_else(|why| Err(rejection("bad_change", why)));
        match applied {
            Ok(Applied {
                state,
                took: applied,
                reused,
            }) => {
                for &i in &fresh {
                    let c = &doc.changes[i];
                    if reused.contains(&i) {
                        decided[i] = Some(Some(rejection(
                            REUSED_SEQ,
                            "another change of this record already carries this actor and sequence number: the phone's store is a copy (restored from a backup?); it re-issues the edit under a fresh actor",
                        )));
                    } else if applied.contains(&i) {
                        decided[i] = Some(None);
                        plan.store.push(NewChange {
                            hash: c.hash.clone(),
                            actor: c.actor.clone(),
                            bytes: c.change.raw_bytes().to_vec(),
                        });
                    } else if reissued {
                        decided[i] = Some(Some(erased_rejection()));
                    } else {
                        decided[i] = Some(Some(rejection(
                            "missing_dependencies",
                            "a change this one builds on has not reached the server; push it first",
                        )));
                    }
                }
                plan.state = state.filter(|_| !plan.store.is_empty());
            }
            Err(why) => {
                for &i in &fresh {
                    decided[i] = Some(Some(why.clone()));
                }
            }
        }
    }
    plan.outcomes = doc
        .changes
        .iter()
        .zip(decided)
        .map(|(c, d)| outcome(doc, &c.hash, d.flatten()))
        .collect();
    plan
}

fn outcome(doc: &PreparedDoc, hash: &str, rejected: Option<Rejection>) -> Outcome {
    ChangeResult {
        record_id: doc.record_id.clone(),
        hash: hash.to_string(),
        rejected,
    }
}

/// What applying a push's fresh changes did.
struct Applied {
    /// The record's new state, when any change took.
    state: Option<DocState>,
    /// Fresh changes (by index) now in the document.
    took: Vec<usize>,
    /// Fresh changes that repeat an (actor, seq) the record holds with other content.
    reused: Vec<usize>,
}

/// Applies the fresh changes.
fn apply(
    doc: &PreparedDoc,
    existing: Option<&Existing>,
    fresh: &[usize],
) -> Result<Applied, Rejection> {
    let mut am = match existing {
        Some(e) => AutoCommit::load(&e.saved).map_err(|_| {
            rejection(
                "stored_document_damaged",
                "the server's copy of this record cannot be read",
            )
        })?,
        None => AutoCommit::new(),
    };
    let reused = reused_seqs(&mut am, doc, fresh);
    let changes: Vec<Change> = fresh
        .iter()
        .filter(|i| !reused.contains(i))
        .map(|&i| doc.changes[i].change.clone())
        .collect();
    gridkeeper_core::record::untrusted::apply_changes(&mut am, changes)
        .map_err(|e| rejection("bad_change", format!("the change does not apply: {e}")))?;
    // Automerge queues a change whose dependencies it lacks; with nothing queued every change
    // given took, and the per-hash lookups (a twentieth of the relay's ingest) are skipped.
    let all_took = am.get_missing_deps(&[]).is_empty();
    let applied: Vec<usize> = fresh
        .iter()
        .copied()
        .filter(|i| !reused.contains(i))
        .filter(|&i| {
            all_took
                || am
                    .get_change_by_hash(&doc.changes[i].change.hash())
                    .is_some()
        })
        .collect();
    if applied.is_empty() {
        return Ok(Applied {
            state: None,
            took: applied,
            reused,
        });
    }
    let env = record::read_envelope(&am)
        .ok_or_else(|| rejection("bad_envelope", "the record has no id, kind and grid"))?;
    check_envelope(doc, &env)?;
    let state = doc_state(&mut am, &env);
    Ok(Applied {
        state: Some(state),
        took: applied,
        reused,
    })
}

/// The record as the server keeps it, read from its document (`seq` is the backend's).
pub fn doc_state(am: &mut AutoCommit, env: &Envelope) -> DocState {
    let (data, flagged) = match env.kind.ops().load(env, record::read_data(am)) {
        Ok(data) => (Some(data), None),
        Err(e) => (None, Some(e.to_string())),
    };
    DocState {
        record_id: env.id.to_string(),
        grid: env.grid.clone(),
        kind: env.kind.as_str().to_string(),
        archived: env.archived,
        schema_version: env.schema_version,
        created_at: env.created_at.clone(),
        heads: am.get_heads().iter().map(|h| h.to_string()).collect(),
        saved: am.save(),
        data,
        flagged,
        seq: 0,
    }
}

/// Fresh changes whose (actor, seq) the document already holds under another hash. Automerge
/// refuses such a change, and with it every other change of the batch; named apart, the
/// rest of the push still lands and the phone learns it must re-issue just these.
fn reused_seqs(am: &mut AutoCommit, doc: &PreparedDoc, fresh: &[usize]) -> Vec<usize> {
    let actors: HashSet<&str> = fresh
        .iter()
        .map(|&i| doc.changes[i].actor.as_str())
        .collect();
    let held: HashMap<(String, u64), automerge::ChangeHash> = am
        .get_changes(&[])
        .iter()
        .filter(|c| actors.contains(c.actor_id().to_hex_string().as_str()))
        .map(|c| ((c.actor_id().to_hex_string(), c.seq()), c.hash()))
        .collect();
    fresh
        .iter()
        .copied()
        .filter(|&i| {
            let c = &doc.changes[i];
            held.get(&(c.actor.clone(), c.change.seq()))
                .is_some_and(|h| *h != c.change.hash())
        })
        .collect()
}

fn check_envelope(doc: &PreparedDoc, env: &Envelope) -> Result<(), Rejection> {
    if env.id.to_string() != doc.record_id {
        return Err(rejection(
            "bad_envelope",
            "the document names another record id",
        ));
    }
    if env.kind != doc.kind {
        return Err(rejection(
            "bad_envelope",
            "the document's kind differs from the one pushed",
        ));
    }
    if env.grid != doc.grid {
        return Err(rejection(
            "grid_mismatch",
            "the document's grid differs from the one pushed; a record's grid is fixed when it is created",
        ));
    }
    Ok(())
}
