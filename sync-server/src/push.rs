//! The push half of a sync: a device's changes checked as a whole, then each judged alone
//! (`materialize::plan`) and stored. `POST /v1/sync` and the import of a rescue file
//! (`crate::rescue`) both go through here, so work that arrives on a USB stick meets exactly
//! the checks of work that arrives over the network.

use std::collections::HashSet;

use axum::http::StatusCode;
use gridkeeper_core::Kind;
use gridkeeper_core::wire::{ChangeResult, DocPush};

use crate::admin::now;
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::materialize::{PreparedChange, PreparedDoc, rejection};
use crate::storage::Role;

/// The actor a device enrolled with, for the callers that sync records at all: phones of
/// workers and supervisors. Console tokens and administrators do not.
pub fn enrolled_actor(caller: &Caller) -> Result<String, ApiError> {
    match (&caller.device.actor, caller.user.role) {
        (Some(actor), Role::Worker | Role::Supervisor) => Ok(actor.clone()),
        _ => Err(ApiError::forbidden(
            "only enrolled phones of workers and supervisors sync records",
        )),
    }
}

/// A push that passed every request-level check and has left no trace yet.
#[derive(Debug)]
pub struct CheckedPush {
    actor: String,
    /// Whether `actor` is new for the device and is registered when the push is stored.
    register: bool,
    docs: Vec<PreparedDoc>,
}

impl CheckedPush {
    /// The actor the store writes under now.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Registers a new actor, stores what may be stored, and answers every pushed change in
    /// push order.
    pub async fn store(
        self,
        state: &AppState,
        caller: &Caller,
    ) -> Result<Vec<ChangeResult>, ApiError> {
        if self.register {
            register_actor(state, caller, &self.actor).await?;
        }
        let results = store(state, caller, self.docs).await?;
        count_results(state, &results);
        Ok(results)
    }
}

/// Checks a push as a whole — its actor, record ids, kinds, change bytes, at most
/// `max_changes` changes — and decides the refusals each change carries on its own (out of
/// the caller's reach, another device's actor). Nothing is stored; a wrong push is refused
/// whole. `enrolled` is [`enrolled_actor`]; `current` is the actor the store says it writes
/// under now (absent: the enrolled one).
pub async fn check(
    state: &AppState,
    caller: &Caller,
    enrolled: &str,
    current: Option<&str>,
    push: &[DocPush],
    max_changes: usize,
) -> Result<CheckedPush, ApiError> {
    let (actor, actors, register) = device_actors(state, caller, enrolled, current).await?;
    let mut docs = prepare_push(caller, &actors, push, max_changes)?;
    refuse_new_tasks(state, &mut docs).await?;
    Ok(CheckedPush {
        actor,
        register,
        docs,
    })
}

/// Stores what may be stored and answers every pushed change, in request order. Records
/// whose every change is already refused never reach the database.
async fn store(
    state: &AppState,
    caller: &Caller,
    docs: Vec<PreparedDoc>,
) -> Result<Vec<ChangeResult>, ApiError> {
    let refused =
        |d: &PreparedDoc| !d.changes.is_empty() && d.changes.iter().all(|c| c.refused.is_some());
    let storable: Vec<PreparedDoc> = docs.iter().filter(|d| !refused(d)).cloned().collect();
    let stored = if storable.is_empty() {
        state
            .storage
            .touch_device(&caller.device.id, &now())
            .await?;
        Vec::new()
    } else {
        state
            .storage
            .push(&caller.device.id, &now(), &storable)
            .await?
    };
    let mut stored = stored.into_iter();
    let mut results = Vec::new();
    for doc in &docs {
        for c in &doc.changes {
            let outcome = if refused(doc) {
                ChangeResult {
                    record_id: doc.record_id.clone(),
                    hash: c.hash.clone(),
                    rejected: c.refused.clone(),
                }
            } else {
                stored.next().ok_or_else(|| {
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "the database answered fewer changes than were pushed",
                    )
                })?
            };
            results.push(outcome);
        }
    }
    Ok(results)
}

/// Most actors one device may take: a store takes a fresh one each time it is restored or
/// copied, which happens a few times in a phone's life, not hundreds.
const MAX_DEVICE_ACTORS: usize = 256;

/// The actor the store writes under now, every actor the device's changes may carry (the
/// one it enrolled with and those its store took since), and whether the current one is new
/// and must be registered once the request has passed its checks.
async fn device_actors(
    state: &AppState,
    caller: &Caller,
    enrolled: &str,
    current: Option<&str>,
) -> Result<(String, Vec<String>, bool), ApiError> {
    let Some(current) = current.filter(|a| *a != enrolled) else {
        return Ok((enrolled.to_string(), vec![enrolled.to_string()], false));
    };
    let well_formed = (2..=64).contains(&current.len())
        && current.len() % 2 == 0
        && current
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return Err(ApiError::bad_request(
            "invalid_actor",
            "actor must be an Automerge actor id in lower-case hex",
        ));
    }
    let mut actors = vec![enrolled.to_string()];
    actors.extend(state.storage.device_actors(&caller.device.id).await?);
    let register = !actors.iter().any(|a| a == current);
    if register {
        if actors.len() > MAX_DEVICE_ACTORS {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "too_many_actors",
                "this device has taken too many actors; enrol it again",
            ));
        }
        actors.push(current.to_string());
    }
    Ok((current.to_string(), actors, register))
}

async fn register_actor(state: &AppState, caller: &Caller, actor: &str) -> Result<(), ApiError> {
    match state
        .storage
        .add_device_actor(&caller.device.id, actor, &now())
        .await
    {
        Ok(()) => Ok(()),
        Err(crate::storage::StorageError::Exists(_)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "actor_taken",
            "another device already writes under this actor",
        )),
        Err(e) => Err(e.into()),
    }
}

fn prepare_push(
    caller: &Caller,
    actors: &[String],
    push: &[DocPush],
    max_changes: usize,
) -> Result<Vec<PreparedDoc>, ApiError> {
    let total: usize = push.iter().map(|d| d.changes.len()).sum();
    if total > max_changes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_changes",
            format!("push at most {max_changes} changes per request"),
        ));
    }
    let mut seen = HashSet::new();
    let mut docs = Vec::with_capacity(push.len());
    for (i, p) in push.iter().enumerate() {
        let id: uuid::Uuid = p.record_id.parse().map_err(|_| {
            ApiError::bad_request(
                "invalid_record_id",
                format!("push[{i}].record_id is not a UUID"),
            )
        })?;
        let record_id = id.hyphenated().to_string();
        if record_id != p.record_id {
            return Err(ApiError::bad_request(
                "invalid_record_id",
                format!("push[{i}].record_id must be a lower-case hyphenated UUID"),
            ));
        }
        if !seen.insert(record_id.clone()) {
            return Err(ApiError::bad_request(
                "duplicate_record",
                format!("push[{i}] repeats a record; send each record once"),
            ));
        }
        let kind: Kind = p.kind.parse().map_err(|_| {
            ApiError::bad_request(
                "unknown_kind",
                format!("push[{i}].kind is not a record kind"),
            )
        })?;
        if caller.user.role != Role::Worker {
            return Err(ApiError::forbidden(
                "only workers' phones push records; this device reads",
            ));
        }
        // Outside the worker's reach (a record made in the wrong grid, or a worker moved to
        // another grid with work still queued): those changes are refused one by one, so the
        // rest of the phone's work still goes through and the phone can set them aside.
        let out_of_reach = (!caller.can_write(&p.grid)).then(|| {
            rejection(
                "out_of_scope",
                format!("this device may not write to grid {}", p.grid),
            )
        });
        let mut changes = Vec::with_capacity(p.changes.len());
        for (j, bytes) in p.changes.iter().enumerate() {
            let change =
                gridkeeper_core::record::untrusted::change(bytes.0.clone()).map_err(|_| {
                    ApiError::bad_request(
                        "malformed_change",
                        format!("push[{i}].changes[{j}] is not an Automerge change"),
                    )
                })?;
            let change_actor = change.actor_id().to_hex_string();
            let refused = out_of_reach.clone().or_else(|| {
                (!actors.contains(&change_actor)).then(|| {
                    rejection(
                        "actor_mismatch",
                        "the change was made by another device; each device pushes only its own changes",
                    )
                })
            });
            changes.push(PreparedChange {
                hash: change.hash().to_string(),
                actor: change_actor,
                change,
                refused,
            });
        }
        docs.push(PreparedDoc {
            record_id,
            kind,
            grid: p.grid.clone(),
            changes,
        });
    }
    Ok(docs)
}

/// Workers' phones push edits to tasks (a target marked done), never a new one: a task is
/// given by a supervisor, from the pages or the API. A task the relay does not hold is
/// refused whole, so a worker cannot set work for others through the sync.
async fn refuse_new_tasks(state: &AppState, docs: &mut [PreparedDoc]) -> Result<(), ApiError> {
    for doc in docs.iter_mut().filter(|d| d.kind == Kind::Task) {
        if state.storage.document(&doc.record_id).await?.is_some() {
            continue;
        }
        let why = rejection(
            "not_permitted",
            "a task is given by a supervisor; a phone may only mark its targets done",
        );
        for c in &mut doc.changes {
            c.refused.get_or_insert_with(|| why.clone());
        }
    }
    Ok(())
}

fn count_results(state: &AppState, results: &[ChangeResult]) {
    for r in results {
        match &r.rejected {
            None => state
                .metrics
                .add("gridkeeper_changes_accepted_total", String::new(), 1),
            Some(why) => state.metrics.add(
                "gridkeeper_changes_rejected_total",
                format!("code=\"{}\"", why.code),
                1,
            ),
        }
    }
}
