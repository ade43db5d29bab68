//! `POST /v1/sync`: one round trip pushes a device's changes and pulls what others wrote.
//!
//! The whole request is checked before anything is stored — body, version, record ids, kinds,
//! change bytes, scope of every pushed and pulled grid, cursors — and refused as a whole with
//! a 4xx if any of that is wrong. Past that point each change gets its own answer: accepted
//! (stored now or earlier), or rejected with a reason (its actor is not this device's, its
//! record belongs to another grid, a change it depends on has not arrived). That push half is
//! `crate::push`, shared with the import of rescue files; this handler adds the pull.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gridkeeper_core::Kind;
use gridkeeper_core::wire::{
    self, Cursor, DocChanges, GridFeed, SyncRequest, SyncResponse, WireErasure, WireError,
    WireSnapshot, WireTemplate,
};

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::body;
use crate::materialize::DocState;
use crate::push;
use crate::templates;

pub async fn sync(
    mut caller: Caller,
    State(state): State<AppState>,
    headers: HeaderMap,
    raw: Body,
) -> Result<Response, ApiError> {
    let enrolled = push::enrolled_actor(&caller)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type != wire::CONTENT_TYPE {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("send the body as {}", wire::CONTENT_TYPE),
        ));
    }
    let bytes = body::read_limited(raw, state.limits.max_body).await?;
    let req: SyncRequest =
        wire::decode(&bytes, state.limits.max_expanded).map_err(|e| match e {
            WireError::TooLarge(_) => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e.to_string())
            }
            WireError::Malformed(_) => {
                match wire::peek_version(&bytes, state.limits.max_expanded) {
                    Some(v) if v > wire::VERSION => version_refusal(v),
                    _ => ApiError::bad_request("malformed_body", e.to_string()),
                }
            }
        })?;
    if !(wire::MIN_VERSION..=wire::VERSION).contains(&req.v) {
        return Err(version_refusal(req.v));
    }
    let beyond = req.push.iter().any(|p| !caller.can_write(&p.grid))
        || req.pull.iter().any(|p| !caller.can_read(&p.grid));
    if beyond {
        caller.refresh_reach(&state).await?;
    }
    let checked = push::check(
        &state,
        &caller,
        &enrolled,
        req.actor.as_deref(),
        &req.push,
        state.limits.max_push_changes,
    )
    .await?;
    let actor = checked.actor().to_string();
    let pulls = prepare_pull(&caller, &state, &req).await?;
    let limit = match req.limit {
        None => state.limits.page,
        Some(n) if n >= 1 => (n as usize).min(state.limits.page),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_limit",
                "limit must be at least 1",
            ));
        }
    };

    // Only a request that passed every check may leave a trace, the new actor included.
    let results = checked.store(&state, &caller).await?;
    // What the phone holds unsynced and what it sent last, for an administrator deciding
    // on a revocation or a handover. Not worth failing the sync over: the report is only
    // as fresh as the last sync anyway.
    if let Err(e) = crate::handover::record_sync(
        state.storage.as_ref(),
        &caller.device.id,
        &results,
        req.unsynced.as_ref(),
    )
    .await
    {
        tracing::warn!(error = %e, "handover state not recorded");
    }

    let mut grids = Vec::with_capacity(pulls.len());
    // One budget for the whole reply, not one per grid: a supervisor pulling twenty grids
    // would otherwise receive twenty pages at once, and a phone must hold a reply in memory.
    let mut budget = Budget {
        items: limit,
        bytes: state.limits.page_bytes,
    };
    for (grid, cursor, head, kinds) in pulls {
        let mut feed = pull(&state, &grid, cursor, head, &mut budget, &actor, req.v).await?;
        // A bootstrap from the start brings every kind already.
        if cursor != Cursor::Start {
            feed.snapshots
                .extend(catch_up(&state, &grid, &kinds, req.v).await?);
        }
        grids.push(feed);
    }
    let (templates, templates_more) = match req.templates_seq {
        Some(after) => published_templates(&state, after).await?,
        None => (Vec::new(), false),
    };
    // Counted after the push: a copy of the store that pushed just now is seen at once.
    let held = match req.written {
        Some(_) => Some(state.storage.held_changes(&actor).await?),
        None => None,
    };
    let reach = (req.v >= wire::REACH_VERSION).then(|| {
        caller
            .reach
            .iter()
            .filter(|g| caller.can_read(g))
            .cloned()
            .collect()
    });
    let response = SyncResponse {
        // The revision the phone spoke: an older phone refuses any other.
        v: req.v,
        results,
        grids,
        templates,
        templates_more,
        held,
        reach,
    };
    Ok((
        [(header::CONTENT_TYPE, wire::CONTENT_TYPE)],
        wire::encode(&response),
    )
        .into_response())
}

/// Published checklist templates the device has not seen, one page of them. Templates hold
/// no personal data and apply street-wide, so every syncing device receives all of them.
async fn published_templates(
    state: &AppState,
    after: u64,
) -> Result<(Vec<WireTemplate>, bool), ApiError> {
    let mut rows =
        crate::templates::published_after(state.storage.as_ref(), after, templates::PAGE + 1)
            .await?;
    let more = rows.len() > templates::PAGE;
    rows.truncate(templates::PAGE);
    let sent = rows
        .into_iter()
        .map(|(seq, id, version, definition)| WireTemplate {
            seq,
            id,
            version,
            definition,
        })
        .collect();
    Ok((sent, more))
}

async fn prepare_pull(
    caller: &Caller,
    state: &AppState,
    req: &SyncRequest,
) -> Result<Vec<(String, Cursor, u64, Vec<String>)>, ApiError> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(req.pull.len());
    for (i, p) in req.pull.iter().enumerate() {
        let readable = caller.can_read(&p.grid);
        if !readable && req.v < wire::REACH_VERSION {
            return Err(ApiError::forbidden(format!(
                "pull[{i}]: this device may not read grid {}",
                p.grid
            )));
        }
        if !seen.insert(p.grid.clone()) {
            return Err(ApiError::bad_request(
                "duplicate_grid",
                format!("pull[{i}] repeats a grid"),
            ));
        }
        let bad = || {
            ApiError::bad_request(
                "bad_cursor",
                format!("pull[{i}].cursor is not a cursor this server gave out"),
            )
        };
        let cursor = Cursor::parse(&p.cursor).ok_or_else(bad)?;
        // A grid taken from the user since the phone last heard: a phone that reads the
        // reply's `reach` drops it there, so its pull is skipped instead of refusing its
        // whole request (its push and its other grids). Skipped only once the pull itself
        // passed the checks above: a malformed request is refused whatever grid it names.
        if !readable {
            continue;
        }
        let head = state.storage.head(&p.grid).await?;
        let ahead = match cursor {
            Cursor::Start => false,
            Cursor::Feed(seq) => seq > head,
            Cursor::Bootstrap { upto, .. } => upto > head,
        };
        if ahead {
            return Err(bad());
        }
        out.push((p.grid.clone(), cursor, head, p.catch_up.clone()));
    }
    Ok(out)
}

/// What is left of a reply's allowance of items (changes or records) and bytes.
#[derive(Debug)]
struct Budget {
    items: usize,
    bytes: usize,
}

impl Budget {
    fn spent(&self) -> bool {
        self.items == 0 || self.bytes == 0
    }

    fn take(&mut self, bytes: usize) {
        self.items = self.items.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(bytes);
    }
}

async fn pull(
    state: &AppState,
    grid: &str,
    cursor: Cursor,
    // The grid's head as read when the cursor was checked: a bootstrap starts from it.
    head: u64,
    budget: &mut Budget,
    actor: &str,
    version: u32,
) -> Result<GridFeed, ApiError> {
    if budget.spent() {
        // Nothing more fits in this reply; the grid waits for the next round where it is.
        return Ok(GridFeed {
            grid: grid.to_string(),
            cursor: cursor.to_string(),
            more: true,
            ..GridFeed::default()
        });
    }
    let limit = budget.items;
    let (upto, after) = match cursor {
        Cursor::Feed(seq) => return feed(state, grid, seq, head, budget, actor, version).await,
        Cursor::Start => (head, None),
        Cursor::Bootstrap { upto, after } => (upto, after.map(|a| a.hyphenated().to_string())),
    };
    // A bootstrap: the grid's records in saved form, each covering at least every change up
    // to `upto` (a saved form is written in the same transaction as its changes), then the
    // feed from `upto`. A record changed meanwhile arrives again through the feed; applying
    // a change twice is harmless.
    let page = state
        .storage
        .snapshots(grid, after.as_deref(), limit)
        .await?;
    let (fetched, full) = (page.len(), page.len() == limit);
    let total = state.storage.count_documents(grid).await?;
    let mut snapshots = Vec::with_capacity(page.len());
    let (mut taken, mut last) = (0, None);
    for doc in page {
        if budget.spent() {
            break;
        }
        taken += 1;
        last = Some(doc.record_id.clone());
        if !readable_kind(&doc.kind, version) {
            continue;
        }
        // The fields travel beside the document and weigh about as much.
        budget.take(doc.saved.len() * 2);
        snapshots.push(to_wire(doc));
    }
    let cut = taken < fetched;
    let next = match last {
        Some(last) if full || cut => Cursor::Bootstrap {
            upto,
            after: last.parse().ok(),
        },
        _ => Cursor::Feed(upto),
    };
    let more = matches!(next, Cursor::Bootstrap { .. }) || state.storage.head(grid).await? > upto;
    // A phone that bootstraps while holding records (a grid added to its reach again) may
    // hold ones erased since: the first page names every erasure up to where the bootstrap
    // hands over to the feed, and the feed names the later ones. An older phone cannot read
    // the field, and starting from nothing it holds nothing erased.
    let erasures = if cursor == Cursor::Start && version >= wire::ERASURE_VERSION {
        to_wire_erasures(state.storage.erasures(grid, 0, upto).await?, version)
    } else {
        Vec::new()
    };
    state.metrics.add(
        "gridkeeper_snapshots_served_total",
        String::new(),
        snapshots.len() as u64,
    );
    Ok(GridFeed {
        grid: grid.to_string(),
        cursor: next.to_string(),
        more,
        changes: Vec::new(),
        snapshots,
        total: Some(total),
        erasures,
    })
}

/// Erasures as a phone of `version` reads them: a move names the new id from
/// [`wire::MOVE_VERSION`] on, and is a whole erasure to an older phone.
fn to_wire_erasures(rows: Vec<crate::storage::ErasureAudit>, version: u32) -> Vec<WireErasure> {
    rows.into_iter()
        .map(|e| WireErasure {
            record_id: e.record_id,
            seq: e.seq,
            whole: e.whole,
            moved_to: e.moved_to.filter(|_| version >= wire::MOVE_VERSION),
        })
        .collect()
}

async fn feed(
    state: &AppState,
    grid: &str,
    after: u64,
    head: u64,
    budget: &mut Budget,
    actor: &str,
    version: u32,
) -> Result<GridFeed, ApiError> {
    let limit = budget.items;
    let page = state.storage.feed(grid, after, limit, actor).await?;
    let full = page.len() == limit;
    let mut cursor = after;
    let mut cut = false;
    let mut changes: Vec<DocChanges> = Vec::new();
    let mut served = 0u64;
    for c in page {
        if budget.bytes == 0 {
            cut = true;
            break;
        }
        cursor = c.seq;
        let Some(b) = c.bytes.filter(|_| readable_kind(&c.kind, version)) else {
            // The asking phone's own change, or a kind it cannot read: moves the cursor,
            // costs nothing to send.
            budget.take(0);
            continue;
        };
        budget.take(b.len());
        served += 1;
        match changes.last_mut() {
            Some(last) if last.record_id == c.record_id => last.changes.push(b.into()),
            _ => changes.push(DocChanges {
                record_id: c.record_id,
                kind: c.kind,
                changes: vec![b.into()],
            }),
        }
    }
    state
        .metrics
        .add("gridkeeper_changes_served_total", String::new(), served);
    // Erasures hold positions of the feed but no change. Those this page covers go with it;
    // a page that ends the feed covers up to the head, so an erasure after the last change
    // is not skipped. An erasure commits with its position (the `grid_heads` rule), so one
    // below a position already seen is visible here.
    let upper = if full || cut {
        cursor
    } else {
        cursor.max(head)
    };
    let erasures = to_wire_erasures(state.storage.erasures(grid, after, upper).await?, version);
    if let Some(last) = erasures.last() {
        if version < wire::ERASURE_VERSION {
            // An older phone cannot purge the record: it must update before it pulls on.
            return Err(ApiError::bad_request(
                "update_app",
                format!(
                    "a record of grid {grid} was erased; this app (sync protocol {version}) cannot erase it from the phone: update the app (protocol {} or later)",
                    wire::ERASURE_VERSION
                ),
            ));
        }
        cursor = cursor.max(last.seq);
    }
    Ok(GridFeed {
        grid: grid.to_string(),
        cursor: Cursor::Feed(cursor).to_string(),
        more: full || cut,
        changes,
        snapshots: Vec::new(),
        total: None,
        erasures,
    })
}

/// Whether a phone of `version` is sent records of `kind`: tasks came with
/// [`wire::TASK_VERSION`], and an older phone refuses a record of a kind it does not know.
/// A worker's 民情日志 goes to no phone: it is theirs, and their supervisors read it on the
/// pages; the cursor still passes it.
fn readable_kind(kind: &str, version: u32) -> bool {
    if kind == Kind::Diary.as_str() {
        return false;
    }
    version >= wire::TASK_VERSION || kind != Kind::Task.as_str()
}

/// The grid's records of the kinds a phone asked to catch up on (kinds it learnt by updating,
/// left out of the replies it had before), whole, beside the feed page.
async fn catch_up(
    state: &AppState,
    grid: &str,
    kinds: &[String],
    version: u32,
) -> Result<Vec<WireSnapshot>, ApiError> {
    // Only kinds that were ever left out, each once however often it is named: anything
    // else the phone already has.
    let task = Kind::Task.as_str();
    if version < wire::TASK_VERSION || !kinds.iter().any(|k| k == task) {
        return Ok(Vec::new());
    }
    let docs = state.storage.documents_of_kind(grid, task).await?;
    Ok(docs.into_iter().map(to_wire).collect())
}

fn to_wire(doc: DocState) -> WireSnapshot {
    WireSnapshot {
        record_id: doc.record_id,
        kind: doc.kind,
        grid: doc.grid,
        archived: doc.archived,
        schema_version: doc.schema_version,
        created_at: doc.created_at,
        saved: doc.saved.into(),
        heads: doc.heads,
        data: doc.data,
        seq: doc.seq,
    }
}

/// A phone on a protocol revision this relay does not serve: who must update, in the code
/// (`update_server` or `update_app`), so the phone tells the right person and does not retry.
fn version_refusal(v: u32) -> ApiError {
    let served = format!(
        "this server serves sync protocol revisions {} to {}; the phone sent {v}",
        wire::MIN_VERSION,
        wire::VERSION
    );
    if v > wire::VERSION {
        ApiError::bad_request("update_server", served)
    } else {
        ApiError::bad_request("update_app", served)
    }
}
