//! One record's page: its card, the records it names and the records that name it, its
//! conflicts, and its history, all in the reader's words and masked for the reader.

use std::collections::HashMap;

use askama::Template;
use automerge::AutoCommit;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use gridkeeper_core::Kind;
use gridkeeper_core::record::relocate;
use gridkeeper_core::record::review::{self, ReviewState};
use serde_json::Value as Json;

use super::frame::*;
use super::labels::kind_name;
use super::record_card::{self, Card, Lookups, Related};
use super::record_history::{self, ChangeV, ConflictV, Reading};
use super::session::{Session, urlencode};
use crate::app::AppState;
use crate::error::ApiError;
use crate::http::reports::Reader;
use crate::reports::sql::{SqlValue, Stmt};
use crate::storage::{Role, Storage};

/// Most records listed as naming this one; a household visited weekly for years stays
/// well under it.
const REFERRERS: i64 = 300;

pub(crate) struct LinkV {
    pub(crate) href: String,
    pub(crate) kind: String,
    pub(crate) title: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    c: Chrome,
    crumbs: Vec<Crumb>,
    record_id: String,
    envelope: Vec<(String, String)>,
    card: Card,
    referrers: Vec<LinkV>,
    conflicts: Vec<ConflictV>,
    can_resolve: bool,
    /// The latest review in words (verdict, who, when, note), if any.
    review: Option<ReviewV>,
    can_review: bool,
    /// For a case the reader may direct: the handling parties it may be dispatched to now
    /// (empty when its state does not allow a dispatch), and whether a result may be recorded.
    dispatch_to: Vec<String>,
    can_record_result: bool,
    history: Vec<ChangeV>,
}

struct ReviewV {
    returned: bool,
    line: String,
    note: String,
}

/// The fields of a record as `reader` may see them: whole for an administrator, masked by
/// the kind's own rule otherwise; nothing when the kind cannot read them.
pub(crate) fn fields_for(reader: &Reader, kind: Option<Kind>, data: Option<Json>) -> Json {
    let data = data.unwrap_or(Json::Null);
    if reader.full_access() {
        return data;
    }
    match kind.map(|k| k.ops().mask(data)) {
        Some(Ok(d)) => d,
        _ => Json::Null,
    }
}

/// The records `ids` within the reader's reach, with what a link to each says.
async fn related(
    storage: &dyn Storage,
    reader: &Reader,
    ids: &[String],
    zh: bool,
) -> HashMap<String, Related> {
    let mut out = HashMap::new();
    for id in ids {
        // A household that moved to another grid since is shown as it is now; its link
        // (the old id) leads there.
        let now = match crate::moves::current_id(storage, id).await {
            Ok(Some(now)) => now,
            _ => id.clone(),
        };
        let Ok(Some(d)) = storage.document(&now).await else {
            continue;
        };
        if !reader.reach.contains(&d.grid) {
            continue;
        }
        let data = fields_for(reader, d.kind.parse().ok(), d.data);
        out.insert(
            id.clone(),
            Related {
                title: record_card::title_of(&d.kind, &data, zh),
                members: record_card::members_of(&d.kind, &data),
                kind: d.kind,
            },
        );
    }
    out
}

/// Records of the same grid that name this one (a household's visits, cases and
/// mediations; an inspection's cases), newest first within each kind.
async fn referrers(
    storage: &dyn Storage,
    reader: &Reader,
    grid: &str,
    id: &str,
    zh: bool,
) -> Result<Vec<LinkV>, ApiError> {
    // Record ids are UUIDs: no LIKE wildcard can hide in one.
    let rows = storage
        .report_query(&Stmt::new(
            "SELECT record_id, kind, CAST(data AS TEXT) FROM documents \
             WHERE grid = $1 AND record_id <> $2 AND CAST(data AS TEXT) LIKE $3 \
             ORDER BY kind, created_at DESC LIMIT $4",
            vec![
                SqlValue::Text(grid.to_string()),
                SqlValue::Text(id.to_string()),
                SqlValue::Text(format!("%\"{id}\"%")),
                SqlValue::Int(REFERRERS),
            ],
        ))
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let kind = r[1].text().to_string();
            let data = serde_json::from_str(r[2].text()).ok();
            let data = fields_for(reader, kind.parse().ok(), data);
            LinkV {
                href: format!("/rec/{}", urlencode(r[0].text())),
                title: record_card::title_of(&kind, &data, zh),
                kind: kind_name(&kind, zh).to_string(),
            }
        })
        .collect())
}

/// The checklist an inspection was run on, or that the inspection a case came from was.
async fn checklist_of(
    storage: &dyn Storage,
    kind: &str,
    data: &Json,
) -> Option<gridkeeper_core::checklist::ChecklistTemplate> {
    let inspection = match kind {
        "inspection" => data.clone(),
        "case" => {
            let src = data["source"]["id"].as_str()?;
            storage.document(src).await.ok()??.data?
        }
        _ => return None,
    };
    let id = inspection["template_id"].as_str()?;
    let version = u32::try_from(inspection["template_version"].as_u64()?).ok()?;
    crate::templates::definition(storage, id, version)
        .await
        .ok()
        .flatten()
}

/// Who may settle a record's conflicts from the page: an administrator, or a supervisor
/// whose reach holds the record (a worker settles them on the phone).
pub(crate) fn may_resolve(reader: &Reader, grid: &str) -> bool {
    match reader.user.role {
        Role::Admin => true,
        Role::Supervisor => reader.reach.contains(grid),
        Role::Worker => false,
    }
}

pub async fn record(State(state): State<AppState>, s: Session, Path(id): Path<String>) -> Response {
    let zh = s.zh;
    let storage = state.storage.as_ref();
    let doc = match storage.document(&id).await {
        Ok(Some(d)) => d,
        Ok(None) => {
            // A record that moved to another grid: its old address leads to where it is now
            // (whose page checks the reader's reach as any other).
            return match crate::moves::current_id(storage, &id).await {
                Ok(Some(now)) => axum::response::Redirect::to(&format!("/rec/{}", urlencode(&now)))
                    .into_response(),
                Ok(None) => error_page(ApiError::not_found("no such record"), zh),
                Err(e) => error_page(e, zh),
            };
        }
        Err(e) => return error_page(e.into(), zh),
    };
    if !s.reader.reach.contains(&doc.grid) {
        return error_page(ApiError::forbidden("outside your scope"), zh);
    }
    let kind: Option<Kind> = doc.kind.parse().ok();
    let data = fields_for(&s.reader, kind, doc.data.clone());
    let lookups = Lookups {
        records: related(storage, &s.reader, &record_card::named_ids(&data), zh).await,
        template: checklist_of(storage, &doc.kind, &data).await,
    };
    let card = record_card::card(&doc.kind, &data, &lookups, zh, Utc::now());
    let mut linked = match referrers(storage, &s.reader, &doc.grid, &doc.record_id, zh).await {
        Ok(r) => r,
        Err(e) => return error_page(e, zh),
    };
    let loaded = AutoCommit::load(&doc.saved).ok();
    let moved_from = loaded.as_ref().and_then(relocate::moved_from);
    let review = loaded.as_ref().and_then(review::read).map(|r| ReviewV {
        returned: r.state == ReviewState::Returned,
        line: match (r.state, zh) {
            (ReviewState::Checked, true) => format!("已核对 · {} · {}", r.by, shown(r.at)),
            (ReviewState::Checked, false) => format!("Checked · {} · {}", r.by, shown(r.at)),
            (ReviewState::Returned, true) => format!("已退回修改 · {} · {}", r.by, shown(r.at)),
            (ReviewState::Returned, false) => format!("Sent back · {} · {}", r.by, shown(r.at)),
        },
        note: r.note,
    });
    // Work done while the record lived in its old grid stayed there, under the old id; a
    // reader who reaches that grid sees it here too.
    if let Some(from) = &moved_from
        && s.reader.reach.contains(&from.grid)
    {
        match referrers(storage, &s.reader, &from.grid, &from.record_id, zh).await {
            Ok(r) => linked.extend(r),
            Err(e) => return error_page(e, zh),
        }
    }
    let (history, conflicts) = match (kind, AutoCommit::load(&doc.saved)) {
        (Some(kind), Ok(mut am)) => {
            let reading = Reading {
                kind,
                full: s.reader.full_access(),
                zh,
                items: lookups
                    .template
                    .iter()
                    .flat_map(|t| t.items())
                    .map(|i| (i.id.clone(), i.label.clone()))
                    .collect(),
            };
            (
                record_history::history(&mut am, &reading),
                record_history::conflicts(&mut am, &reading),
            )
        }
        _ => (vec![], vec![]),
    };
    let t = |c: &str, e: &str| if zh { c } else { e }.to_string();
    let mut envelope = vec![
        (
            t("网格", "Grid"),
            s.reader.hierarchy.name(&doc.grid).to_string(),
        ),
        (t("创建时间", "Created"), shown(doc.created_at.clone())),
    ];
    if doc.archived {
        envelope.push((t("已归档", "Archived"), t("是", "yes")));
    }
    if let Some(from) = &moved_from {
        envelope.push((
            t("迁入", "Moved in"),
            if zh {
                format!(
                    "{} 从{}迁入（原记录 {} 次修改）",
                    shown(from.moved_at.clone()),
                    s.reader.hierarchy.name(&from.grid),
                    from.changes
                )
            } else {
                format!(
                    "{} from {} ({} changes to the old record)",
                    shown(from.moved_at.clone()),
                    s.reader.hierarchy.name(&from.grid),
                    from.changes
                )
            },
        ));
    }
    let title = format!(
        "{} · {}",
        kind_name(&doc.kind, zh),
        record_card::title_of(&doc.kind, &data, zh)
    );
    let (dispatch_to, can_record_result) = match (kind, &doc.data) {
        (Some(Kind::Case), Some(data))
            if crate::review::may_review(&s.reader.user, &s.reader.reach, &doc.grid) =>
        {
            directing(storage, &doc.grid, data).await
        }
        _ => (Vec::new(), false),
    };
    let page = RecordPage {
        c: chrome(Some(&s), zh, title, "", &format!("/rec/{id}")),
        crumbs: crumbs(&s.reader.hierarchy, &doc.grid, |n| {
            format!("/r/population?node={}", urlencode(n))
        }),
        record_id: doc.record_id.clone(),
        envelope,
        card,
        referrers: linked,
        can_resolve: may_resolve(&s.reader, &doc.grid),
        review,
        can_review: crate::review::may_review(&s.reader.user, &s.reader.reach, &doc.grid),
        dispatch_to,
        can_record_result,
        conflicts,
        history,
    };
    render(&page, StatusCode::OK)
}

/// What the case page offers a supervisor: the parties the case may be dispatched to now, and
/// whether the party's result may be recorded (the case was dispatched and is being handled).
async fn directing(storage: &dyn Storage, grid: &str, data: &Json) -> (Vec<String>, bool) {
    use gridkeeper_core::kinds::case::Case;
    use gridkeeper_core::kinds::case_flow::CaseState;
    let Ok(case) = serde_json::from_value::<Case>(data.clone()) else {
        return (Vec::new(), false);
    };
    let state = case.status(Utc::now()).state;
    let dispatchable = matches!(
        state,
        CaseState::Reported | CaseState::Returned | CaseState::Escalated | CaseState::Accepted
    );
    let parties = match crate::dispatch::lineage(storage, grid).await {
        Ok(nodes) if dispatchable => crate::dispatch::parties(storage, &nodes)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.name)
            .collect(),
        _ => Vec::new(),
    };
    let dispatched = case.timeline.iter().any(|e| !e.dispatch_to.is_empty());
    let handling = matches!(
        state,
        CaseState::Accepted | CaseState::InProgress | CaseState::Escalated
    );
    (parties, dispatched && handling)
}
