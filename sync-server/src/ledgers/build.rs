//! A ledger's rows, read from the report projection tables (to pick the records of a scope
//! and period on indexed columns) and the records' documents (for what the projection does
//! not keep: descriptions, measures, parties, follow-ups).
//!
//! Rules a reader of the ledger should know:
//! - 走访台账: one row per visit in the period, oldest first.
//! - 隐患排查整改台账: one row per hazard case reported in the period, however it was found
//!   (an inspection's failed item, a visit, a report); its measures are the case's handling
//!   entries, its result the case's state as of the period's end.
//! - 矛盾纠纷排查化解台账: one row per dispute opened in the period.
//! - 特殊群体帮扶台账: one row per person living in the scope who carries one of the
//!   ledger's tags; a visit to their household in the period counts for them when it saw
//!   them, or when it names nobody seen.
//! - 民情日志: one row per worker and day in the period on which they visited, inspected or
//!   acted on a case; the day's problems, measures and results come from those records.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use gridkeeper_core::kinds::case_flow::{CaseAction, CaseState};
use gridkeeper_core::kinds::diary::{DayRecords, DayTexts, DayVisit, compose, entry_words};
use gridkeeper_core::kinds::{Case, Mediation, Visit};
use gridkeeper_core::mask;
use serde::de::DeserializeOwned;

use super::Definition;
use super::fields::{self, Show};
use crate::reports::export::Cell;
use crate::reports::labels::word;
use crate::reports::scope::{ReportScope, day_start_utc, local_date, parse_instant};
use crate::reports::sql::{Row, SqlValue, Stmt, placeholders};
use crate::storage::{Storage, StorageError};

/// Ids per `IN (…)` list, well under both databases' parameter limits.
const CHUNK: usize = 400;

/// A built ledger, ready for a sheet or a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    pub id: String,
    pub title: String,
    /// The node's name with the names above it, e.g. 幸福街道 梅园社区.
    pub unit: String,
    pub unit_code: String,
    pub from: String,
    pub to: String,
    pub headers: Vec<String>,
    /// The source field behind each column, for widths and alignment.
    pub fields: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

type Values = HashMap<&'static str, Cell>;

fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

/// The day in China an instant falls on; a date stays as it is.
fn day_of(s: &str) -> String {
    match parse_instant(s) {
        Some(t) => local_date(t).to_string(),
        None => s.get(..10).unwrap_or(s).to_string(),
    }
}

fn minute_of(s: &str) -> String {
    match parse_instant(s) {
        Some(t) => (t + Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => s.to_string(),
    }
}

fn typed<T: DeserializeOwned>(json: &str) -> Option<T> {
    serde_json::from_str(json).ok()
}

/// Runs `sql` (its `IN` list written as `{in}`, numbered after `fixed`) over `ids` in chunks.
async fn rows_in(
    storage: &dyn Storage,
    sql: &str,
    fixed: &[SqlValue],
    ids: &[String],
) -> Result<Vec<Row>, StorageError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let list = placeholders(fixed.len() + 1, chunk.len());
        let mut params = fixed.to_vec();
        params.extend(chunk.iter().map(SqlValue::from));
        out.extend(
            storage
                .report_query(&Stmt::new(sql.replace("{in}", &list), params))
                .await?,
        );
    }
    Ok(out)
}

/// Households and places by id: what a row calls them (an address, a place's name) and
/// where they are.
struct Subjects(HashMap<String, (String, String)>);

impl Subjects {
    async fn load(storage: &dyn Storage, ids: Vec<String>) -> Result<Subjects, StorageError> {
        let mut ids = ids;
        ids.sort();
        ids.dedup();
        let mut map = HashMap::new();
        for r in rows_in(
            storage,
            "SELECT record_id, address FROM r_households WHERE record_id IN ({in})",
            &[],
            &ids,
        )
        .await?
        {
            let a = r[1].text().to_string();
            map.insert(r[0].text().to_string(), (a.clone(), a));
        }
        for r in rows_in(
            storage,
            "SELECT record_id, name, address FROM r_places WHERE record_id IN ({in})",
            &[],
            &ids,
        )
        .await?
        {
            map.insert(
                r[0].text().to_string(),
                (r[1].text().to_string(), r[2].text().to_string()),
            );
        }
        Ok(Subjects(map))
    }

    fn label(&self, id: &str) -> String {
        self.0.get(id).map(|s| s.0.clone()).unwrap_or_default()
    }

    fn address(&self, id: &str) -> String {
        self.0.get(id).map(|s| s.1.clone()).unwrap_or_default()
    }
}

/// `t.grid IN (…)` for the scope, its parameters appended to `params`.
fn grid_clause(scope: &ReportScope, params: &mut Vec<SqlValue>) -> String {
    if scope.grids.is_empty() {
        return "1 = 0".into();
    }
    let clause = format!(
        "t.grid IN ({})",
        placeholders(params.len() + 1, scope.grids.len())
    );
    params.extend(scope.grids.iter().map(SqlValue::from));
    clause
}

/// The records of `table` in the scope whose `column` lies in `[from, to)`, oldest first,
/// with their documents read as `T`: (id, grid, record). `also` narrows the rows further
/// (`t.category = 'hazard' AND `). A document that does not read as its kind is passed over.
async fn documents_in<T: DeserializeOwned>(
    storage: &dyn Storage,
    scope: &ReportScope,
    table: &str,
    column: &str,
    (from, to): (String, String),
    also: &str,
) -> Result<Vec<(String, String, T)>, StorageError> {
    let mut params: Vec<SqlValue> = vec![from.into(), to.into()];
    let grids = grid_clause(scope, &mut params);
    let rows = storage
        .report_query(&Stmt::new(
            format!(
                "SELECT t.record_id, t.grid, CAST(d.data AS TEXT) FROM {table} t JOIN documents d ON d.record_id = t.record_id
                 WHERE {also}t.{column} >= $1 AND t.{column} < $2 AND {grids} ORDER BY t.{column}, t.record_id"
            ),
            params,
        ))
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let record = typed::<T>(r[2].text())?;
            Some((r[0].text().to_string(), r[1].text().to_string(), record))
        })
        .collect())
}

/// The period as the instants stored times are compared with.
fn instants(scope: &ReportScope) -> (String, String) {
    (scope.period.start(), scope.period.end())
}

/// The visits of the scope and period, oldest first: (id, grid, data).
async fn visits_in(
    storage: &dyn Storage,
    scope: &ReportScope,
) -> Result<Vec<(String, String, Visit)>, StorageError> {
    documents_in(
        storage,
        scope,
        "r_visits",
        "visited_at",
        instants(scope),
        "",
    )
    .await
}

/// Names of household members, by (household, member).
async fn member_names(
    storage: &dyn Storage,
    households: Vec<String>,
) -> Result<HashMap<(String, String), String>, StorageError> {
    Ok(rows_in(
        storage,
        "SELECT household_id, member_id, name FROM r_members WHERE household_id IN ({in})",
        &[],
        &households,
    )
    .await?
    .into_iter()
    .map(|r| {
        (
            (r[0].text().to_string(), r[1].text().to_string()),
            r[2].text().to_string(),
        )
    })
    .collect())
}

fn case_words(category: &str, subcategory: &str) -> String {
    if subcategory.is_empty() {
        word(category, true).to_string()
    } else {
        format!("{}（{}）", word(category, true), word(subcategory, true))
    }
}

async fn visit_rows(
    storage: &dyn Storage,
    scope: &ReportScope,
) -> Result<Vec<Values>, StorageError> {
    let visits = visits_in(storage, scope).await?;
    let subjects = Subjects::load(
        storage,
        visits.iter().map(|v| v.2.subject.id.clone()).collect(),
    )
    .await?;
    let names = member_names(
        storage,
        visits.iter().map(|v| v.2.subject.id.clone()).collect(),
    )
    .await?;
    let raised: Vec<String> = visits
        .iter()
        .flat_map(|v| v.2.raised_cases.iter().cloned())
        .collect();
    let cases: HashMap<String, String> = rows_in(
        storage,
        "SELECT record_id, category, subcategory FROM r_cases WHERE record_id IN ({in})",
        &[],
        &raised,
    )
    .await?
    .into_iter()
    .map(|r| {
        (
            r[0].text().to_string(),
            case_words(r[1].text(), r[2].text()),
        )
    })
    .collect();
    Ok(visits
        .into_iter()
        .map(|(id, grid, v)| {
            let seen: Vec<String> = v
                .members_seen
                .iter()
                .filter_map(|m| names.get(&(v.subject.id.clone(), m.clone())).cloned())
                .collect();
            let raised: Vec<String> = v
                .raised_cases
                .iter()
                .filter_map(|c| cases.get(c).cloned())
                .collect();
            Values::from([
                ("record", text(id)),
                ("grid", text(grid)),
                ("date", text(day_of(&v.visited_at))),
                ("time", text(minute_of(&v.visited_at))),
                ("subject", text(subjects.label(&v.subject.id))),
                ("subject_kind", text(word(v.subject.kind.as_str(), true))),
                ("purpose", text(word(&enum_text(&v.purpose), true))),
                ("members_seen", text(seen.join("、"))),
                ("findings", text(v.findings.trim())),
                ("cases_raised", text(raised.join("；"))),
                ("worker", text(v.worker)),
            ])
        })
        .collect())
}

/// A glossary enum's stored name (`special_group_care`).
fn enum_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(String::from))
        .unwrap_or_default()
}

/// The entries of a case that still count (not overtaken by a concurrent one).
fn live_entries(c: &Case, scope: &ReportScope) -> Vec<usize> {
    let superseded = c.status(scope.as_of).superseded;
    (0..c.timeline.len())
        .filter(|i| !superseded.contains(i))
        .collect()
}

/// A case entry as a ledger line: its day, then what it did in the log's words.
fn entry_line(c: &Case, i: usize) -> String {
    let e = &c.timeline[i];
    format!("{} {}", day_of(&e.at), entry_words(e))
}

async fn hazard_rows(
    storage: &dyn Storage,
    scope: &ReportScope,
) -> Result<Vec<Values>, StorageError> {
    let cases: Vec<(String, String, Case)> = documents_in(
        storage,
        scope,
        "r_cases",
        "reported_at",
        instants(scope),
        "t.category = 'hazard' AND ",
    )
    .await?;
    let subjects = Subjects::load(
        storage,
        cases
            .iter()
            .filter_map(|c| c.2.subject.as_ref().map(|s| s.id.clone()))
            .collect(),
    )
    .await?;
    Ok(cases
        .into_iter()
        .map(|(id, grid, c)| {
            // Who reported it, as the report rows read it: the first entry's signer.
            let reporter = c.timeline.first().map(|e| e.by.clone()).unwrap_or_default();
            let status = c.status(scope.as_of);
            let live = live_entries(&c, scope);
            let acted = |a: &[CaseAction]| -> Vec<usize> {
                live.iter()
                    .copied()
                    .filter(|i| a.contains(&c.timeline[*i].action))
                    .collect()
            };
            let measures: Vec<String> = acted(&[
                CaseAction::Accept,
                CaseAction::Start,
                CaseAction::Resolve,
                CaseAction::Escalate,
                CaseAction::Return,
            ])
            .into_iter()
            .map(|i| entry_line(&c, i))
            .collect();
            let rechecked = acted(&[CaseAction::Verify])
                .last()
                .map(|i| day_of(&c.timeline[*i].at))
                .unwrap_or_default();
            let responsible = live
                .iter()
                .rev()
                .map(|i| &c.timeline[*i])
                .find_map(|e| {
                    [&e.dispatch_to, &e.handler]
                        .into_iter()
                        .find(|s| !s.is_empty())
                        .cloned()
                })
                .or_else(|| {
                    acted(&[CaseAction::Start, CaseAction::Accept, CaseAction::Resolve])
                        .last()
                        .map(|i| c.timeline[*i].by.clone())
                })
                .unwrap_or_else(|| reporter.clone());
            let result = match status.state {
                CaseState::Verified | CaseState::Closed => "已整改，复查合格",
                CaseState::Resolved => "已整改，待复查",
                CaseState::Escalated => "已上报上级",
                CaseState::Returned => "已退回",
                _ if status.overdue => "逾期未整改",
                _ => "整改中",
            };
            let (place, address) = match &c.subject {
                Some(s) => (subjects.label(&s.id), subjects.address(&s.id)),
                None => (String::new(), String::new()),
            };
            let found_by = match c.source.as_ref().map(|s| s.kind.as_str()) {
                Some("inspection") => "巡查",
                Some("visit") => "走访",
                _ => "上报",
            };
            Values::from([
                ("record", text(id)),
                ("grid", text(grid)),
                ("place_name", text(place)),
                ("address", text(address)),
                (
                    "category",
                    text(if c.subcategory.is_empty() {
                        word("hazard", true).to_string()
                    } else {
                        word(&c.subcategory, true).to_string()
                    }),
                ),
                ("severity", text(word(&enum_text(&c.severity), true))),
                ("description", text(c.description.trim())),
                ("found_on", text(day_of(&c.reported_at))),
                ("deadline", text(day_of(&c.deadline))),
                ("measures", text(measures.join("\n"))),
                ("result", text(result)),
                ("state", text(word(status.state.as_str(), true))),
                ("rechecked_on", text(rechecked)),
                ("responsible", text(responsible)),
                ("reporter", text(reporter)),
                ("found_by", text(found_by)),
            ])
        })
        .collect())
}

async fn dispute_rows(
    storage: &dyn Storage,
    scope: &ReportScope,
) -> Result<Vec<Values>, StorageError> {
    // Opened on a date: the period's days, up to the day after its last.
    let days = (
        scope.period.from_text(),
        (scope.period.to + Duration::days(1)).to_string(),
    );
    let rows: Vec<(String, String, Mediation)> =
        documents_in(storage, scope, "r_mediations", "opened_on", days, "").await?;
    Ok(rows
        .into_iter()
        .map(|(id, grid, m)| {
            let last_session = m.sessions.iter().map(|s| s.date.as_str()).max();
            let follow: Vec<String> = m
                .follow_ups
                .iter()
                .map(|f| match &f.done_on {
                    Some(d) if f.note.trim().is_empty() => format!("{d} 已回访"),
                    Some(d) => format!("{d} 已回访：{}", f.note.trim()),
                    None => format!("{} 前待回访", f.due),
                })
                .collect();
            Values::from([
                ("record", text(id)),
                ("grid", text(grid)),
                (
                    "dispute_type",
                    text(word(&enum_text(&m.dispute_type), true)),
                ),
                ("risk_level", text(word(&enum_text(&m.risk_level), true))),
                (
                    "parties",
                    text(
                        m.parties
                            .iter()
                            .map(|p| p.name.trim())
                            .collect::<Vec<_>>()
                            .join("、"),
                    ),
                ),
                (
                    "party_phones",
                    text(
                        m.parties
                            .iter()
                            .filter_map(|p| p.phone.clone())
                            .collect::<Vec<_>>()
                            .join("、"),
                    ),
                ),
                ("summary", text(m.narrative.trim())),
                ("opened_on", text(day_of(&m.opened_on))),
                (
                    "mediated_on",
                    text(last_session.map(day_of).unwrap_or_default()),
                ),
                ("sessions", Cell::Int(m.sessions.len() as i64)),
                (
                    "result",
                    text(match &m.result {
                        Some(res) => word(&enum_text(res), true).to_string(),
                        None => word("pending", true).to_string(),
                    }),
                ),
                (
                    "agreement",
                    text(if m.agreement_text.trim().is_empty() {
                        "否"
                    } else {
                        "是"
                    }),
                ),
                ("follow_up", text(follow.join("\n"))),
            ])
        })
        .collect())
}

async fn special_group_rows(
    storage: &dyn Storage,
    scope: &ReportScope,
    tags: &[String],
) -> Result<Vec<Values>, StorageError> {
    let mut params: Vec<SqlValue> = Vec::new();
    let grids = grid_clause(scope, &mut params);
    let mut likes = Vec::new();
    for t in tags {
        params.push(format!("%,{t},%").into());
        likes.push(format!("(',' || t.tags || ',') LIKE ${}", params.len()));
    }
    let people = storage
        .report_query(&Stmt::new(
            format!(
                "SELECT t.household_id, t.member_id, t.grid, t.name, t.gender, t.birth_date, t.id_number, t.phone, t.tags, h.address
                 FROM r_members t JOIN r_households h ON h.record_id = t.household_id
                 WHERE {grids} AND ({}) ORDER BY t.grid, h.address, t.member_id",
                likes.join(" OR ")
            ),
            params,
        ))
        .await?;
    let households: Vec<String> = people.iter().map(|p| p[0].text().to_string()).collect();
    let mut visits: HashMap<String, Vec<(String, Visit)>> = HashMap::new();
    let mut sorted = households.clone();
    sorted.sort();
    sorted.dedup();
    for r in rows_in(
        storage,
        "SELECT t.subject_id, t.visited_at, CAST(d.data AS TEXT) FROM r_visits t JOIN documents d ON d.record_id = t.record_id
         WHERE t.visited_at >= $1 AND t.visited_at < $2 AND t.subject_id IN ({in}) ORDER BY t.visited_at, t.record_id",
        &[scope.period.start().into(), scope.period.end().into()],
        &sorted,
    )
    .await?
    {
        if let Some(v) = typed::<Visit>(r[2].text()) {
            visits
                .entry(r[0].text().to_string())
                .or_default()
                .push((r[1].text().to_string(), v));
        }
    }
    Ok(people
        .into_iter()
        .map(|p| {
            let member = p[1].text();
            let theirs: Vec<&(String, Visit)> = visits
                .get(p[0].text())
                .map(|vs| {
                    vs.iter()
                        .filter(|(_, v)| {
                            v.members_seen.is_empty() || v.members_seen.iter().any(|m| m == member)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let last = theirs.last();
            let groups: Vec<&str> = p[8]
                .text()
                .split(',')
                .filter(|t| tags.iter().any(|w| w == t))
                .map(|t| word(t, true))
                .collect();
            Values::from([
                ("record", text(p[0].text())),
                ("grid", text(p[2].text())),
                ("name", text(p[3].text())),
                ("gender", text(word(p[4].text(), true))),
                ("birth_date", text(p[5].text())),
                ("id_number", text(p[6].text())),
                ("phone", text(p[7].text())),
                ("address", text(p[9].text())),
                ("groups", text(groups.join("、"))),
                ("visits", Cell::Int(theirs.len() as i64)),
                (
                    "last_visit_on",
                    text(last.map(|l| day_of(&l.0)).unwrap_or_default()),
                ),
                (
                    "last_findings",
                    text(
                        last.map(|l| l.1.findings.trim().to_string())
                            .unwrap_or_default(),
                    ),
                ),
                (
                    "last_worker",
                    text(last.map(|l| l.1.worker.clone()).unwrap_or_default()),
                ),
            ])
        })
        .collect())
}

/// One worker's day: the grids it touched and the records it is written from.
#[derive(Default)]
struct Day {
    grids: Vec<String>,
    records: DayRecords,
    case_ids: Vec<String>,
}

impl Day {
    fn grid(&mut self, g: &str) {
        if !self.grids.iter().any(|x| x == g) {
            self.grids.push(g.to_string());
        }
    }
}

/// How far back a case may have been reported and still be acted on in the period.
const CASE_LOOKBACK_DAYS: i64 = 366;

/// Submitted diaries of the scope and period, by (day, worker): their grid, when submitted,
/// and the four texts. Only a diary its worker's own device wrote counts: one a device of
/// another person pushed under that worker's name is not their word.
async fn submitted_diaries(
    storage: &dyn Storage,
    scope: &ReportScope,
) -> Result<BTreeMap<(String, String), (String, String, DayTexts)>, StorageError> {
    let mut params: Vec<SqlValue> = vec![
        scope.period.from_text().into(),
        scope.period.to_text().into(),
    ];
    let grids = grid_clause(scope, &mut params);
    let rows = storage
        .report_query(&Stmt::new(
            format!(
                "SELECT t.day, t.worker, t.grid, t.submitted_at, t.visited, t.problems, t.measures, t.results FROM r_diaries t
                 WHERE t.day >= $1 AND t.day <= $2 AND {grids}
                   AND EXISTS (SELECT 1 FROM r_worker_days w JOIN devices v ON v.id = w.device_id JOIN users u ON u.id = v.user_id
                               WHERE w.record_id = t.record_id AND u.name = t.worker)
                 ORDER BY t.day, t.worker, t.submitted_at"
            ),
            params,
        ))
        .await?;
    // The latest submission of a day stands (a worker with two phones may send two).
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                (r[0].text().to_string(), r[1].text().to_string()),
                (
                    r[2].text().to_string(),
                    r[3].text().to_string(),
                    DayTexts {
                        visited: r[4].text().to_string(),
                        problems: r[5].text().to_string(),
                        measures: r[6].text().to_string(),
                        results: r[7].text().to_string(),
                    },
                ),
            )
        })
        .collect())
}

/// The 民情日志 of the scope: each worker-day written from its records by core's
/// `diary::compose` (as the phone drafts it), unless the worker submitted their own.
async fn daily_log_rows(
    storage: &dyn Storage,
    scope: &ReportScope,
) -> Result<Vec<Values>, StorageError> {
    let mut days: BTreeMap<(String, String), Day> = BTreeMap::new();
    let visits = visits_in(storage, scope).await?;
    let subjects = Subjects::load(
        storage,
        visits.iter().map(|v| v.2.subject.id.clone()).collect(),
    )
    .await?;
    for (_, grid, v) in visits {
        if v.worker.trim().is_empty() {
            continue;
        }
        let d = days
            .entry((day_of(&v.visited_at), v.worker.clone()))
            .or_default();
        d.grid(&grid);
        d.records.visits.push(DayVisit {
            subject: subjects.label(&v.subject.id),
            visit: v,
        });
    }
    let (start, end) = instants(scope);
    let mut params: Vec<SqlValue> = vec![start.into(), end.into()];
    let grids = grid_clause(scope, &mut params);
    let inspections = storage
        .report_query(&Stmt::new(
            format!(
                "SELECT t.grid, t.inspector, t.inspected_at, t.subject_id FROM r_inspections t
                 WHERE t.status = 'completed' AND t.inspected_at >= $1 AND t.inspected_at < $2 AND {grids} ORDER BY t.inspected_at, t.record_id"
            ),
            params,
        ))
        .await?;
    let places = Subjects::load(
        storage,
        inspections
            .iter()
            .map(|r| r[3].text().to_string())
            .collect(),
    )
    .await?;
    for r in inspections {
        if r[1].text().trim().is_empty() {
            continue;
        }
        let d = days
            .entry((day_of(r[2].text()), r[1].text().to_string()))
            .or_default();
        d.grid(r[0].text());
        d.records.inspected.push(places.label(r[3].text()));
    }
    let since = day_start_utc(scope.period.from - Duration::days(CASE_LOOKBACK_DAYS));
    let cases: Vec<(String, String, Case)> = documents_in(
        storage,
        scope,
        "r_cases",
        "reported_at",
        (since, scope.period.end()),
        "",
    )
    .await?;
    let (start, end) = instants(scope);
    for (id, grid, c) in cases {
        // Each worker-day the case has an entry on gets the case once; compose picks the
        // entries of that worker and day.
        for e in &c.timeline {
            let Some(at) = parse_instant(&e.at).map(crate::reports::scope::instant_text) else {
                continue;
            };
            if at < start || at >= end || e.by.trim().is_empty() {
                continue;
            }
            let d = days.entry((day_of(&at), e.by.clone())).or_default();
            if !d.case_ids.contains(&id) {
                d.grid(&grid);
                d.case_ids.push(id.clone());
                d.records.cases.push(c.clone());
            }
        }
    }
    let mut submitted = submitted_diaries(storage, scope).await?;
    let mut rows: BTreeMap<(String, String), Values> = BTreeMap::new();
    for ((date, worker), d) in days {
        let Ok(day) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
            continue;
        };
        let visit_count = d
            .records
            .visits
            .iter()
            .filter(|v| v.visit.worker == worker)
            .count() as i64;
        let mut texts = compose(day, &worker, &d.records, scope.as_of);
        let mut grids = d.grids.clone();
        let mut at = String::new();
        if let Some((grid, when, own)) = submitted.remove(&(date.clone(), worker.clone())) {
            texts = own;
            at = when;
            if !grids.contains(&grid) {
                grids.insert(0, grid);
            }
        }
        if texts.is_empty() {
            continue;
        }
        rows.insert(
            (date.clone(), worker.clone()),
            day_values(&date, &worker, &grids, visit_count, texts, &at),
        );
    }
    // A day the worker wrote up with nothing else recorded.
    for ((date, worker), (grid, when, own)) in submitted {
        rows.insert(
            (date.clone(), worker.clone()),
            day_values(&date, &worker, &[grid], 0, own, &when),
        );
    }
    Ok(rows.into_values().collect())
}

fn day_values(
    date: &str,
    worker: &str,
    grids: &[String],
    visit_count: i64,
    t: DayTexts,
    submitted_at: &str,
) -> Values {
    Values::from([
        ("grid", text(grids.first().cloned().unwrap_or_default())),
        ("grids", text(grids.join(","))),
        ("date", text(date)),
        ("worker", text(worker)),
        ("visit_count", Cell::Int(visit_count)),
        ("visited", text(t.visited)),
        ("problems", text(t.problems)),
        ("measures", text(t.measures)),
        ("results", text(t.results)),
        ("submitted_at", text(minute_of(submitted_at))),
    ])
}

/// Builds a ledger for a scope. `full` shows ID and phone numbers whole (administrators);
/// `codes` are the grid-tree nodes' administrative codes.
pub async fn build(
    storage: &dyn Storage,
    scope: &ReportScope,
    def: &Definition,
    full: bool,
    codes: &BTreeMap<String, String>,
) -> Result<Ledger, StorageError> {
    let rows = match def.source.as_str() {
        "visits" => visit_rows(storage, scope).await?,
        "hazards" => hazard_rows(storage, scope).await?,
        "disputes" => dispute_rows(storage, scope).await?,
        "special_groups" => special_group_rows(storage, scope, &def.tags).await?,
        "daily_log" => daily_log_rows(storage, scope).await?,
        _ => Vec::new(),
    };
    let catalog = fields::of(&def.source).unwrap_or_default();
    let h = &scope.hierarchy;
    let grid_names = |v: &Values, codes_too: bool| -> String {
        let grids = match v.get("grids").or_else(|| v.get("grid")) {
            Some(Cell::Text(g)) => g.clone(),
            _ => String::new(),
        };
        grids
            .split(',')
            .filter(|g| !g.is_empty())
            .map(|g| {
                if codes_too {
                    codes.get(g).cloned().unwrap_or_default()
                } else {
                    h.name(g).to_string()
                }
            })
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("、")
    };
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            def.columns
                .iter()
                .map(|c| {
                    let show = catalog
                        .iter()
                        .find(|f| f.key == c.field)
                        .map_or(Show::Text, |f| f.show);
                    let cell = match c.field.as_str() {
                        "seq" => Cell::Int(i as i64 + 1),
                        "grid_name" => text(grid_names(&v, false)),
                        "grid_code" => text(grid_names(&v, true)),
                        k => v.get(k).cloned().unwrap_or(Cell::Empty),
                    };
                    match (cell, show, full) {
                        (Cell::Text(s), Show::IdNumber, false) => Cell::Text(mask::id_number(&s)),
                        (Cell::Text(s), Show::Phone, false) => Cell::Text(
                            s.split('、')
                                .map(mask::phone)
                                .collect::<Vec<_>>()
                                .join("、"),
                        ),
                        (cell, _, _) => cell,
                    }
                })
                .collect()
        })
        .collect();
    let unit = h
        .path(&scope.node)
        .iter()
        .map(|n| h.name(n).to_string())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Ledger {
        id: def.id.clone(),
        title: def.title.clone(),
        unit,
        unit_code: codes.get(&scope.node).cloned().unwrap_or_default(),
        from: scope.period.from_text(),
        to: scope.period.to_text(),
        headers: def.columns.iter().map(|c| c.header.clone()).collect(),
        fields: def.columns.iter().map(|c| c.field.clone()).collect(),
        rows,
    })
}
