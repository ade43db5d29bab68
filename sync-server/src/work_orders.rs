//! Work orders from outside (工单): a 12345 hotline order or one from the 综治 platform
//! becomes a case in the right grid, with its source, number and deadline, and reaches the
//! grid's phones (their 今日工作) at the next sync like any case. Its handling goes back out
//! under the same number (`results`).
//!
//! Importing is idempotent by (system, number): the number is claimed in `work_orders`
//! before the case is written, under the record id the case will have, so an order sent
//! twice — or by two requests at once — makes one case. A claim whose case was never
//! written (the relay stopped between the two) is finished by the next import of that
//! order, under the same record id.
//!
//! A case made from an order carries `source: {kind: <system>, id: <number>}`, which phones
//! of every release already read (a case's source kind is free text).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use gridkeeper_core::kinds::Case;
use gridkeeper_core::kinds::case::{CaseCategory, CaseSource};
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::record::{self, Context, Envelope};
use gridkeeper_core::{Kind, RecordId};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::dispatch::may_direct;
use crate::error::ApiError;
use crate::relay_edit::{Written, create_and_store, web_device};
use crate::reports::scope::{instant_text, local_date, parse_instant};
use crate::reports::sql::{SqlValue, Stmt, placeholders};
use crate::storage::{Role, Storage, StorageError, User};
use crate::text;

/// Most orders in one import: a month of a street's hotline orders fits many times over.
pub const MAX_ORDERS: usize = 5000;

pub const DDL: &str = "
CREATE TABLE IF NOT EXISTS work_orders (
    system TEXT NOT NULL,
    number TEXT NOT NULL,
    record_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (system, number)
);
CREATE INDEX IF NOT EXISTS work_orders_grid ON work_orders (grid, imported_at);
";

/// One order as a platform sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The system it came from: `12345` (the hotline), `zongzhi` (the 综治 platform), or
    /// another short code agreed with the office.
    pub system: String,
    /// Its number in that system.
    pub number: String,
    /// The grid (its id, or its administrative code) the order is for.
    pub grid: String,
    /// `appeal` (诉求, the default), `hazard`, `environment` or `errand`, or those words in
    /// Chinese.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub subcategory: String,
    /// What the resident asked for.
    pub description: String,
    /// Where, as the hotline wrote it down.
    #[serde(default)]
    pub address: String,
    /// When the platform took it; now if empty. RFC 3339, or `YYYY-MM-DD HH:MM` in China.
    #[serde(default)]
    pub reported_at: String,
    /// When it must be handled by: RFC 3339, `YYYY-MM-DD HH:MM`, or a date (its end).
    pub deadline: String,
}

/// What became of one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub system: String,
    pub number: String,
    pub record_id: String,
    pub grid: String,
    /// `false` when the order had been imported before: nothing new was written.
    pub created: bool,
}

/// A problem with one order, by its position (a CSV's line, or the list's index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub at: usize,
    pub message: String,
}

fn category(text: &str) -> Option<CaseCategory> {
    Some(match text.trim() {
        "" | "appeal" | "诉求" | "投诉" | "咨询" | "求助" => CaseCategory::Appeal,
        "hazard" | "安全隐患" | "隐患" => CaseCategory::Hazard,
        "environment" | "环境问题" | "环境" => CaseCategory::Environment,
        "errand" | "代办" | "帮办代办" => CaseCategory::Errand,
        _ => return None,
    })
}

/// An instant as a platform writes it: RFC 3339, or a time or date in China.
fn instant(text: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Some(i) = parse_instant(t) {
        return Some(i);
    }
    let china = Duration::hours(crate::reports::scope::ZONE_OFFSET_HOURS);
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, f) {
            return Some(n.and_utc() - china);
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            let time = if end_of_day {
                d.and_hms_opt(23, 59, 0)
            } else {
                d.and_hms_opt(0, 0, 0)
            };
            return time.map(|n| n.and_utc() - china);
        }
    }
    None
}

fn valid_code(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// An order checked and ready to write.
#[derive(Debug, Clone)]
struct Checked {
    order: Order,
    grid: String,
    case: Case,
}

/// Checks one order against the tree (`codes`: administrative code → grid id) and the
/// caller's reach. The message names the field, never the resident's words.
fn check(
    o: &Order,
    user: &User,
    reach: &BTreeSet<String>,
    grids: &BTreeSet<String>,
    codes: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Checked, String> {
    let system = o.system.trim();
    if !valid_code(system, 32) {
        return Err("system is 1–32 letters, digits, '-', '_' or '.'".into());
    }
    let number = o.number.trim();
    if !valid_code(number, 64) {
        return Err("number is 1–64 letters, digits, '-', '_' or '.'".into());
    }
    let wanted = o.grid.trim();
    let grid = if grids.contains(wanted) {
        wanted.to_string()
    } else if let Some(g) = codes.get(wanted) {
        g.clone()
    } else {
        return Err("grid is neither a grid's id nor its code".into());
    };
    if !may_direct(user, reach, &grid) {
        return Err("the grid is outside your scope".into());
    }
    let category = category(&o.category).ok_or(
        "category is one of appeal, hazard, environment, errand (诉求, 安全隐患, 环境问题, 代办)",
    )?;
    let description =
        text::required(&o.description, 2000).ok_or("description is 1–2000 characters")?;
    let address = text::within(&o.address, 200).ok_or("address is at most 200 characters")?;
    let subcategory =
        text::within(&o.subcategory, 40).ok_or("subcategory is at most 40 characters")?;
    let reported = if o.reported_at.trim().is_empty() {
        now
    } else {
        instant(&o.reported_at, false)
            .ok_or("reported_at is a time like 2026-11-03 09:30 or 2026-11-03T01:30:00Z")?
    };
    if reported > now + Duration::minutes(5) {
        return Err("reported_at is in the future".into());
    }
    let deadline = instant(&o.deadline, true)
        .ok_or("deadline is a date or time like 2026-11-10 or 2026-11-10 18:00")?;
    if deadline < reported {
        return Err("deadline is before reported_at".into());
    }
    let description = if address.is_empty() {
        description.to_string()
    } else {
        format!("{description}（地址：{address}）")
    };
    Ok(Checked {
        order: Order {
            system: system.to_string(),
            number: number.to_string(),
            grid: grid.clone(),
            ..o.clone()
        },
        grid,
        case: Case {
            category,
            subcategory: subcategory.to_string(),
            description,
            subject: None,
            severity: Default::default(),
            reported_at: instant_text(reported),
            deadline: instant_text(deadline),
            photos: vec![],
            source: Some(CaseSource {
                kind: system.to_string(),
                id: number.to_string(),
                item: None,
            }),
            timeline: vec![],
        },
    })
}

/// The grid-tree nodes by administrative code, so a platform may name a grid by its code.
async fn codes(storage: &dyn Storage) -> Result<BTreeMap<String, String>, StorageError> {
    Ok(crate::grid_codes::all(storage)
        .await?
        .into_iter()
        .map(|(grid, code)| (code, grid))
        .collect())
}

/// Imports orders: every one is checked first, and nothing is written unless all pass; then
/// each is claimed and written, one case per (system, number) however often it is sent.
pub async fn import(
    state: &AppState,
    user: &User,
    reach: &BTreeSet<String>,
    orders: &[Order],
) -> Result<Result<Vec<Imported>, Vec<Problem>>, ApiError> {
    if user.role == Role::Worker {
        return Err(ApiError::forbidden(
            "work orders are imported by supervisors and administrators",
        ));
    }
    if orders.is_empty() || orders.len() > MAX_ORDERS {
        return Err(ApiError::bad_request(
            "invalid_work_order",
            format!("an import holds 1–{MAX_ORDERS} orders"),
        ));
    }
    let storage = state.storage.as_ref();
    let grids: BTreeSet<String> = storage.grids().await?.into_iter().map(|g| g.id).collect();
    let codes = codes(storage).await?;
    let now = Utc::now();
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, o) in orders.iter().enumerate() {
        match check(o, user, reach, &grids, &codes, now) {
            Ok(c) => {
                if !seen.insert((c.order.system.clone(), c.order.number.clone())) {
                    problems.push(Problem {
                        at: i,
                        message: "the same system and number appear twice".into(),
                    });
                }
                checked.push(c);
            }
            Err(message) => problems.push(Problem { at: i, message }),
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let device = web_device(state, &user.id).await?;
    let mut out = Vec::new();
    for c in checked {
        out.push(write_one(state, user, &device, c).await?);
    }
    Ok(Ok(out))
}

async fn claimed(
    storage: &dyn Storage,
    system: &str,
    number: &str,
) -> Result<Option<(String, String)>, StorageError> {
    Ok(storage
        .report_query(&Stmt::new(
            "SELECT record_id, grid FROM work_orders WHERE system = $1 AND number = $2",
            vec![system.into(), number.into()],
        ))
        .await?
        .first()
        .map(|r| (r[0].text().to_string(), r[1].text().to_string())))
}

async fn write_one(
    state: &AppState,
    user: &User,
    device: &str,
    c: Checked,
) -> Result<Imported, ApiError> {
    let storage = state.storage.as_ref();
    let (system, number) = (c.order.system.clone(), c.order.number.clone());
    let mine = RecordId::new().to_string();
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO work_orders (system, number, record_id, grid, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (system, number) DO NOTHING",
            vec![
                (&system).into(),
                (&number).into(),
                (&mine).into(),
                (&c.grid).into(),
                (&user.name).into(),
                instant_text(Utc::now()).into(),
            ],
        )])
        .await?;
    let (record_id, grid) = claimed(storage, &system, &number)
        .await?
        .ok_or_else(|| ApiError::not_found("the work order just claimed"))?;
    let fresh = record_id == mine;
    if !fresh && storage.document(&record_id).await?.is_some() {
        return Ok(Imported {
            system,
            number,
            record_id,
            grid,
            created: false,
        });
    }
    // Ours, or a claim whose case was never written: write it under the claimed id.
    let id: RecordId = record_id
        .parse()
        .map_err(|_| ApiError::bad_request("invalid_work_order", "a stored claim is damaged"))?;
    let ctx = Context::new(Utc::now(), Some(user.name.clone()), Default::default());
    let invalid = |m: String| ApiError::bad_request("invalid_work_order", m);
    let data = serde_json::to_value(&c.case).map_err(|e| invalid(e.to_string()))?;
    let data = Kind::Case.ops().prepare(data, &ctx).map_err(|e| match e {
        gridkeeper_core::Error::Invalid(i) => invalid(format!("{}: {}", i.field, i.reason)),
        other => invalid(other.to_string()),
    })?;
    let env = Envelope {
        id,
        kind: Kind::Case,
        grid: grid.clone(),
        schema_version: Kind::Case.ops().schema_version(),
        archived: false,
        created_at: ctx.now_text(),
    };
    let actor = automerge::ActorId::random();
    let am = record::new_document(&env, &data, Kind::Case.ops().text_fields(), actor.clone())
        .map_err(|e| invalid(e.to_string()))?;
    let written = Written {
        record_id: &record_id,
        grid: &grid,
        kind: Kind::Case,
        before: &[],
    };
    create_and_store(state, device, &user.name, written, am, &actor).await?;
    Ok(Imported {
        system,
        number,
        record_id,
        grid,
        created: true,
    })
}

/// How an order stands, for the platform it came from, under its own number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub system: String,
    pub number: String,
    pub record_id: String,
    pub grid: String,
    pub imported_at: String,
    pub deadline: String,
    /// The case's state (`reported`, `in_progress`, `resolved`, `closed` …).
    pub state: String,
    /// When it was resolved, if it was.
    pub handled_at: String,
    /// The resolve entry's note: what was done.
    pub result: String,
    /// The handling party it was dispatched to, or who resolved it.
    pub handled_by: String,
    /// When the result was checked on site, if it was.
    pub verified_at: String,
}

/// The orders of the grids in `reach` imported in `[from, to)`, optionally of one system,
/// with how each stands now.
pub async fn results(
    storage: &dyn Storage,
    reach: &BTreeSet<String>,
    system: Option<&str>,
    from: &str,
    to: &str,
) -> Result<Vec<Outcome>, StorageError> {
    if reach.is_empty() {
        return Ok(vec![]);
    }
    let mut params: Vec<SqlValue> = vec![from.into(), to.into()];
    let mut filter = String::new();
    if let Some(s) = system {
        params.push(s.into());
        filter = format!(" AND w.system = ${}", params.len());
    }
    let grids = placeholders(params.len() + 1, reach.len());
    params.extend(reach.iter().map(SqlValue::from));
    let rows = storage
        .report_query(&Stmt::new(
            format!(
                "SELECT w.system, w.number, w.record_id, w.grid, w.imported_at, CAST(d.data AS TEXT)
                 FROM work_orders w LEFT JOIN documents d ON d.record_id = w.record_id
                 WHERE w.imported_at >= $1 AND w.imported_at < $2{filter} AND w.grid IN ({grids})
                 ORDER BY w.system, w.number"
            ),
            params,
        ))
        .await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|r| {
            let case: Option<Case> = serde_json::from_str(r[5].text()).ok();
            let mut o = Outcome {
                system: r[0].text().to_string(),
                number: r[1].text().to_string(),
                record_id: r[2].text().to_string(),
                grid: r[3].text().to_string(),
                imported_at: r[4].text().to_string(),
                deadline: String::new(),
                state: "missing".into(),
                handled_at: String::new(),
                result: String::new(),
                handled_by: String::new(),
                verified_at: String::new(),
            };
            if let Some(c) = case {
                let status = c.status(now);
                o.deadline = c.deadline.clone();
                o.state = status.state.as_str().to_string();
                let live = c
                    .timeline
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !status.superseded.contains(i))
                    .map(|(_, e)| e);
                for e in live {
                    match e.action {
                        CaseAction::Resolve => {
                            o.handled_at = e.at.clone();
                            o.result = e.note.clone();
                            if !e.handler.is_empty() {
                                o.handled_by = e.handler.clone();
                            } else if o.handled_by.is_empty() {
                                o.handled_by = e.by.clone();
                            }
                        }
                        CaseAction::Verify => o.verified_at = e.at.clone(),
                        _ if !e.dispatch_to.is_empty() => o.handled_by = e.dispatch_to.clone(),
                        _ => {}
                    }
                }
            }
            o
        })
        .collect())
}

/// The day in China an order's time falls on, for the reply sheet.
pub fn day(instant: &str) -> String {
    parse_instant(instant)
        .map(|t| local_date(t).to_string())
        .unwrap_or_default()
}

/// The columns of an order in a CSV, by the headings a hotline's export uses (or the JSON
/// field names).
const COLUMNS: [(&str, &[&str]); 9] = [
    ("system", &["来源", "来源系统", "system"]),
    ("number", &["工单编号", "工单号", "number"]),
    ("grid", &["网格", "网格编码", "grid"]),
    ("category", &["类别", "工单类别", "category"]),
    ("subcategory", &["细类", "subcategory"]),
    ("description", &["诉求内容", "内容", "description"]),
    ("address", &["地址", "address"]),
    ("reported_at", &["受理时间", "reported_at"]),
    ("deadline", &["办结时限", "deadline"]),
];

const REQUIRED: [&str; 5] = ["system", "number", "grid", "description", "deadline"];

/// Orders from a CSV with a heading row, with the line each starts on; or every problem
/// with the file's shape, by line.
pub fn from_csv(bytes: &[u8]) -> Result<(Vec<Order>, Vec<usize>), Vec<Problem>> {
    let one = |at: usize, message: &str| {
        vec![Problem {
            at,
            message: message.to_string(),
        }]
    };
    let text = std::str::from_utf8(bytes).map_err(|_| one(1, "the file is not UTF-8 text"))?;
    let records = crate::csv_text::records(text)
        .map_err(|line| one(line, "a quoted field is never closed"))?;
    let mut records = records
        .into_iter()
        .filter(|(_, f)| f.iter().any(|x| !x.trim().is_empty()));
    let (_, heading) = records
        .next()
        .ok_or_else(|| one(1, "the file has no heading row"))?;
    let position = |key: &str| -> Option<usize> {
        let names = COLUMNS.iter().find(|(k, _)| *k == key)?.1;
        heading
            .iter()
            .position(|h| names.contains(&h.trim().to_lowercase().as_str()))
    };
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|k| position(k).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(one(
            1,
            &format!("the heading row lacks a column for {}", missing.join(", ")),
        ));
    }
    let cell = |fields: &[String], key: &str| -> String {
        position(key)
            .and_then(|i| fields.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut orders = Vec::new();
    let mut lines = Vec::new();
    for (line, f) in records {
        orders.push(Order {
            system: cell(&f, "system"),
            number: cell(&f, "number"),
            grid: cell(&f, "grid"),
            category: cell(&f, "category"),
            subcategory: cell(&f, "subcategory"),
            description: cell(&f, "description"),
            address: cell(&f, "address"),
            reported_at: cell(&f, "reported_at"),
            deadline: cell(&f, "deadline"),
        });
        lines.push(line);
    }
    if orders.is_empty() {
        return Err(one(2, "the file has no orders under its heading row"));
    }
    Ok((orders, lines))
}
