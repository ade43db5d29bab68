//! Dispatch and verification (派遣 and 核查): a supervisor hands a reported case to the party
//! that must fix it — a department, the property manager, the police station: a list kept
//! per node of the grid tree (`handling_parties`), set by an administrator — with the date to
//! act by; the handling party's result is recorded from the supervisor pages; the grid
//! worker then verifies on site from the phone (the case flow's `verify`, with photos) and
//! the case closes or goes back.
//!
//! Both are entries of the case's own timeline, written by the relay for the person
//! (`relay_edit`) through the case's rules (`record::stage`), so they merge with what phones
//! add at the same time as any entry does. A dispatch is the `accept` (or, once accepted,
//! `start`) entry carrying `dispatch_to` and `handle_by`; a result is the `resolve` entry
//! carrying `handler`. An app from before dispatch reads them as the actions they are.

use std::collections::BTreeSet;
use std::sync::Arc;

use automerge::AutoCommit;
use axum::http::StatusCode;
use chrono::Utc;
use gridkeeper_core::Kind;
use gridkeeper_core::kinds::case::{Case, TimelineEntry};
use gridkeeper_core::kinds::case_flow::{CaseAction, CaseState};
use gridkeeper_core::record::{self, Context, stage};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::error::ApiError;
use crate::relay_edit::{commit_and_store, web_device};
use crate::reports::sql::{SqlValue, Stmt};
use crate::storage::{Role, Storage, User};
use crate::text;

/// The handling parties, per node of the grid tree, in SQL both databases read alike.
pub const DDL: &str = "
CREATE TABLE IF NOT EXISTS handling_parties (
    node TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (node, name)
);
";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// The grid-tree node (usually a community) whose cases may go to it.
    pub node: String,
    pub name: String,
}

/// Adds a handling party to a node's list (an administrator's act).
pub async fn add_party(storage: &Arc<dyn Storage>, party: &Party) -> Result<(), ApiError> {
    let Some(name) = text::name(&party.name, 60) else {
        return Err(ApiError::bad_request(
            "invalid_party",
            "a handling party's name is 1–60 characters on one line",
        ));
    };
    if !storage.grids().await?.iter().any(|g| g.id == party.node) {
        return Err(ApiError::bad_request(
            "unknown_grid",
            format!("there is no grid-tree node {}", party.node),
        ));
    }
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO handling_parties (node, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            vec![
                SqlValue::Text(party.node.clone()),
                SqlValue::Text(name.to_string()),
            ],
        )])
        .await?;
    Ok(())
}

/// The parties of the nodes given, by node then name.
pub async fn parties(
    storage: &dyn Storage,
    nodes: &BTreeSet<String>,
) -> Result<Vec<Party>, ApiError> {
    let rows = storage
        .report_query(&Stmt::new(
            "SELECT node, name FROM handling_parties ORDER BY node, name",
            vec![],
        ))
        .await?;
    Ok(rows
        .iter()
        .map(|r| Party {
            node: r[0].text().to_string(),
            name: r[1].text().to_string(),
        })
        .filter(|p| nodes.contains(&p.node))
        .collect())
}

/// A grid and every node above it: whose parties may take its cases.
pub async fn lineage(storage: &dyn Storage, grid: &str) -> Result<BTreeSet<String>, ApiError> {
    let grids = storage.grids().await?;
    let mut out = BTreeSet::new();
    let mut at = Some(grid.to_string());
    while let Some(id) = at {
        if !out.insert(id.clone()) {
            break;
        }
        at = grids
            .iter()
            .find(|g| g.id == id)
            .and_then(|g| g.parent.clone());
    }
    Ok(out)
}

/// What a supervisor sends to dispatch a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    pub party: String,
    /// YYYY-MM-DD.
    pub handle_by: String,
    #[serde(default)]
    pub note: String,
}

/// What a supervisor sends to record the handling party's result.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultRequest {
    /// What was done.
    pub note: String,
}

/// Who may direct a grid's work (dispatch its cases, give it tasks): an administrator, or a
/// supervisor whose reach holds it.
pub(crate) fn may_direct(user: &User, reach: &BTreeSet<String>, grid: &str) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Supervisor => reach.contains(grid),
        Role::Worker => false,
    }
}

fn not_now(state: CaseState, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "case_state",
        format!("a case that is {} cannot be {what}", state.as_str()),
    )
}

/// Reads the case, checks who asks, appends the entries `build` gives and stores them.
async fn append(
    state: &AppState,
    user: &User,
    reach: &BTreeSet<String>,
    record_id: &str,
    build: impl FnOnce(&Case, CaseState, &BTreeSet<String>) -> Result<Vec<TimelineEntry>, ApiError>,
) -> Result<Case, ApiError> {
    if user.role == Role::Worker {
        return Err(ApiError::forbidden(
            "dispatching cases is for supervisors and administrators",
        ));
    }
    let doc = state
        .storage
        .document(record_id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such record"))?;
    if !may_direct(user, reach, &doc.grid) {
        return Err(ApiError::forbidden("outside your scope"));
    }
    if doc.kind != Kind::Case.as_str() {
        return Err(ApiError::bad_request(
            "not_a_case",
            "only a case is dispatched",
        ));
    }
    let unreadable = || ApiError::bad_request("unreadable", "the record cannot be read");
    let actor = automerge::ActorId::random();
    let mut am = AutoCommit::load(&doc.saved)
        .map_err(|_| unreadable())?
        .with_actor(actor.clone());
    let env = record::read_envelope(&am).ok_or_else(unreadable)?;
    let mut case: Case = record::hydrate(&am, &env).map_err(|_| unreadable())?;
    let ctx = Context::new(Utc::now(), Some(user.name.clone()), Default::default());
    let lineage = lineage(state.storage.as_ref(), &doc.grid).await?;
    let entries = build(&case, case.status(ctx.now).state, &lineage)?;
    // Entries written together share their second; their ids (UUIDv7, time-ordered) keep
    // them in the order written when the timeline is folded.
    for entry in entries {
        case.act(entry, &ctx).map_err(|i| {
            ApiError::bad_request("invalid_field", format!("{}: {}", i.field, i.reason))
        })?;
    }
    let data = serde_json::to_value(&case).map_err(|_| unreadable())?;
    stage::stage_fields(&mut am, &env, data, &ctx).map_err(|e| match e {
        gridkeeper_core::Error::Invalid(i) => {
            ApiError::bad_request("invalid_field", format!("{}: {}", i.field, i.reason))
        }
        _ => unreadable(),
    })?;
    let device = web_device(state, &user.id).await?;
    commit_and_store(state, &device, &user.name, &doc, Kind::Case, am, &actor).await?;
    Ok(case)
}

/// Dispatches a case to one of the handling parties of its grid or a node above it.
pub async fn dispatch(
    state: &AppState,
    user: &User,
    reach: &BTreeSet<String>,
    record_id: &str,
    req: &DispatchRequest,
) -> Result<Case, ApiError> {
    if chrono::NaiveDate::parse_from_str(&req.handle_by, "%Y-%m-%d").is_err() {
        return Err(ApiError::bad_request(
            "invalid_dispatch",
            "handle_by is the date to act by, YYYY-MM-DD",
        ));
    }
    let storage = state.storage.clone();
    let party = req.party.trim().to_string();
    let Some(note) = text::within(&req.note, 2000).map(str::to_string) else {
        return Err(ApiError::bad_request(
            "invalid_dispatch",
            "a dispatch's note may not exceed 2000 characters",
        ));
    };
    let handle_by = req.handle_by.clone();
    // The parties are read before the case, so the check below needs no await.
    let known = parties(storage.as_ref(), &all_nodes(storage.as_ref()).await?).await?;
    let case = append(state, user, reach, record_id, move |_, now, lineage| {
        if !known
            .iter()
            .any(|p| p.name == party && lineage.contains(&p.node))
        {
            return Err(ApiError::bad_request(
                "invalid_dispatch",
                "that handling party is not on the list for this case's community",
            ));
        }
        let action = match now {
            CaseState::Reported | CaseState::Returned | CaseState::Escalated => CaseAction::Accept,
            CaseState::Accepted => CaseAction::Start,
            other => return Err(not_now(other, "dispatched")),
        };
        Ok(vec![TimelineEntry {
            note,
            dispatch_to: party,
            handle_by,
            ..TimelineEntry::new(action)
        }])
    })
    .await?;
    tracing::info!(record = %record_id, "case dispatched");
    Ok(case)
}

async fn all_nodes(storage: &dyn Storage) -> Result<BTreeSet<String>, ApiError> {
    Ok(storage.grids().await?.into_iter().map(|g| g.id).collect())
}

/// Records the result of the party the case was last dispatched to: the case is resolved and
/// waits for the grid worker's verification on site.
pub async fn record_result(
    state: &AppState,
    user: &User,
    reach: &BTreeSet<String>,
    record_id: &str,
    req: &ResultRequest,
) -> Result<Case, ApiError> {
    let Some(note) = text::required(&req.note, 2000).map(str::to_string) else {
        return Err(ApiError::bad_request(
            "invalid_result",
            "say what the handling party did (1–2000 characters)",
        ));
    };
    let case = append(state, user, reach, record_id, move |case, now, _| {
        let handler = case
            .timeline
            .iter()
            .rev()
            .find(|e| !e.dispatch_to.is_empty())
            .map(|e| e.dispatch_to.clone())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "case_state",
                    "the case was not dispatched to a handling party",
                )
            })?;
        let mut out = Vec::new();
        match now {
            CaseState::Accepted => out.push(TimelineEntry::new(CaseAction::Start)),
            CaseState::InProgress | CaseState::Escalated => {}
            other => return Err(not_now(other, "given a handling party's result")),
        }
        out.push(TimelineEntry {
            note,
            handler,
            ..TimelineEntry::new(CaseAction::Resolve)
        });
        Ok(out)
    })
    .await?;
    tracing::info!(record = %record_id, "handling result recorded");
    Ok(case)
}
