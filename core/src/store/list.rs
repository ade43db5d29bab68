//! Lists for screens and scripts, read from projection rows (no document is loaded).

use rusqlite::params;
use serde_json::{Value as Json, json};

use super::Store;
use crate::error::Result;
use crate::kinds::Kind;
use crate::mask;

impl Store {
    /// Summaries of records of `kind`, optionally within a grid and matching a search,
    /// ordered by address (or by rank when searching). Phone numbers masked unless `full`.
    pub fn list_json(
        &self,
        kind: Kind,
        grid: Option<&str>,
        search: Option<&str>,
        full: bool,
    ) -> Result<Vec<Json>> {
        let ids: Option<Vec<String>> = match search.map(str::trim).filter(|s| !s.is_empty()) {
            Some(q) => Some(
                self.search(q, Some(kind), grid, 200)?
                    .into_iter()
                    .map(|h| h.id)
                    .collect(),
            ),
            None => None,
        };
        let rows = match kind {
            Kind::Household => self.household_rows(grid)?,
            Kind::Place => self.place_rows(grid, full)?,
            Kind::Case => self
                .case_rows(grid, chrono::Utc::now(), false)?
                .into_iter()
                .map(|row| {
                    let mut v = serde_json::to_value(row).unwrap_or_default();
                    v["kind"] = json!("case");
                    v
                })
                .collect(),
            Kind::Visit => self.simple_rows(
                "SELECT record_id, grid, subject_kind, subject_id, visited_at, worker, purpose FROM visits
                 WHERE archived = 0 AND (?1 IS NULL OR grid = ?1) ORDER BY visited_at DESC, record_id",
                &["id", "grid", "subject_kind", "subject_id", "visited_at", "worker", "purpose"],
                grid,
            )?,
            Kind::Inspection => self.simple_rows(
                "SELECT record_id, grid, template_id, template_version, subject_kind, subject_id, inspected_at, status, failed_count FROM inspections
                 WHERE archived = 0 AND (?1 IS NULL OR grid = ?1) ORDER BY inspected_at DESC, record_id",
                &["id", "grid", "template_id", "template_version", "subject_kind", "subject_id", "inspected_at", "status", "failed_count"],
                grid,
            )?,
            Kind::Mediation => self.simple_rows(
                "SELECT record_id, grid, dispute_type, risk_level, result, opened_on, last_activity, next_follow_up, needs_escalation FROM mediations
                 WHERE archived = 0 AND (?1 IS NULL OR grid = ?1) ORDER BY needs_escalation DESC, opened_on DESC, record_id",
                &["id", "grid", "dispute_type", "risk_level", "result", "opened_on", "last_activity", "next_follow_up", "needs_escalation"],
                grid,
            )?,
            Kind::Activity => self.simple_rows(
                "SELECT record_id, grid, topic, activity_type, held_on, participants, venue FROM activities
                 WHERE archived = 0 AND (?1 IS NULL OR grid = ?1) ORDER BY held_on DESC, record_id",
                &["id", "grid", "topic", "activity_type", "held_on", "participants", "venue"],
                grid,
            )?,
            Kind::Task => self.simple_rows(
                "SELECT record_id, grid, title, task_type, due_on, given_at,
                        (SELECT count(*) FROM task_targets g WHERE g.record_id = t.record_id)
                 FROM tasks t WHERE archived = 0 AND (?1 IS NULL OR grid = ?1) ORDER BY due_on, record_id",
                &["id", "grid", "title", "task_type", "due_on", "given_at", "targets"],
                grid,
            )?,
            // A phone holds only its worker's own diaries, and few: no table of their own.
            Kind::Diary => self.simple_rows(
                "SELECT id, grid FROM records WHERE kind = 'diary' AND archived = 0 AND (?1 IS NULL OR grid = ?1) ORDER BY id DESC",
                &["id", "grid"],
                grid,
            )?,
        };
        Ok(match ids {
            None => rows,
            Some(ids) => {
                let mut by_id: std::collections::HashMap<String, Json> = rows
                    .into_iter()
                    .filter_map(|r| Some((r.get("id")?.as_str()?.to_string(), r)))
                    .collect();
                ids.iter().filter_map(|id| by_id.remove(id)).collect()
            }
        })
    }

    /// One household's or place's visits, newest first, `limit` from `offset`, and how many
    /// there are in all: its page reads its own visits (an index on the subject), not the
    /// grid's, and a long history comes a page at a time.
    pub fn visits_of(
        &self,
        subject_id: &str,
        limit: usize,
        offset: usize,
    ) -> Result<(Vec<Json>, usize)> {
        let total: i64 = self.conn.query_row(
            "SELECT count(*) FROM visits WHERE archived = 0 AND subject_id = ?1",
            params![subject_id],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id, visited_at, worker, purpose FROM visits
             WHERE archived = 0 AND subject_id = ?1 ORDER BY visited_at DESC, record_id LIMIT ?2 OFFSET ?3",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![subject_id, limit, offset], |r| {
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "visited_at": r.get::<_, String>(1)?,
                "worker": r.get::<_, Option<String>>(2)?,
                "purpose": r.get::<_, String>(3)?,
            }))
        })?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((rows, usize::try_from(total).unwrap_or(0)))
    }

    fn household_rows(&self, grid: Option<&str>) -> Result<Vec<Json>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id, grid, address, housing_type, head_name, member_count, tags, member_tags,
                    compound, building, unit, room
             FROM households WHERE archived = 0 AND (?1 IS NULL OR grid = ?1)
             ORDER BY community, compound, building, unit, room, record_id",
        )?;
        let rows = stmt.query_map(params![grid], |r| {
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "kind": "household",
                "grid": r.get::<_, String>(1)?,
                "address": r.get::<_, String>(2)?,
                "housing_type": r.get::<_, Option<String>>(3)?,
                "head_name": r.get::<_, Option<String>>(4)?,
                "member_count": r.get::<_, i64>(5)?,
                "tags": split(&r.get::<_, String>(6)?),
                "member_tags": split(&r.get::<_, String>(7)?),
                "compound": r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                "building": r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                "unit": r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                "room": r.get::<_, Option<String>>(11)?.unwrap_or_default(),
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn place_rows(&self, grid: Option<&str>, full: bool) -> Result<Vec<Json>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id, grid, name, place_type, address, responsible, contact
             FROM places WHERE archived = 0 AND (?1 IS NULL OR grid = ?1) ORDER BY name, record_id",
        )?;
        let rows = stmt.query_map(params![grid], |r| {
            let contact: Option<String> = r.get(6)?;
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "kind": "place",
                "grid": r.get::<_, String>(1)?,
                "name": r.get::<_, String>(2)?,
                "place_type": r.get::<_, Option<String>>(3)?,
                "address": r.get::<_, String>(4)?,
                "responsible": r.get::<_, Option<String>>(5)?,
                "contact": if full { contact } else { contact.as_deref().map(mask::phone) },
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// Cases by deadline, open ones first and the most overdue at the top; `overdue` is
    /// judged at `now`.
    pub fn case_rows(
        &self,
        grid: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
        open_only: bool,
    ) -> Result<Vec<CaseRow>> {
        let now = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id, grid, category, subcategory, severity, state, subject_kind, subject_id, reported_at, deadline,
                    state NOT IN ('resolved', 'verified', 'closed') AS open
             FROM cases WHERE archived = 0 AND (?1 IS NULL OR grid = ?1)
               AND (?2 = 0 OR state NOT IN ('resolved', 'verified', 'closed'))
             ORDER BY open DESC, deadline, record_id",
        )?;
        let rows = stmt.query_map(params![grid, open_only], |r| {
            let open: bool = r.get(10)?;
            let deadline: String = r.get(9)?;
            Ok(CaseRow {
                id: r.get(0)?,
                grid: r.get(1)?,
                category: r.get(2)?,
                subcategory: r.get(3)?,
                severity: r.get(4)?,
                state: r.get(5)?,
                subject_kind: r.get(6)?,
                subject_id: r.get(7)?,
                reported_at: r.get(8)?,
                overdue: open && deadline < now,
                deadline,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Rows of a projection table as JSON objects, column by column.
    fn simple_rows(&self, sql: &str, names: &[&str], grid: Option<&str>) -> Result<Vec<Json>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![grid], |r| {
            let mut obj = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                let v: rusqlite::types::Value = r.get(i)?;
                let j = match v {
                    rusqlite::types::Value::Null => Json::Null,
                    rusqlite::types::Value::Integer(n) => json!(n),
                    rusqlite::types::Value::Real(f) => json!(f),
                    rusqlite::types::Value::Text(t) => json!(t),
                    rusqlite::types::Value::Blob(_) => Json::Null,
                };
                obj.insert((*name).to_string(), j);
            }
            Ok(Json::Object(obj))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A line of the case list: what a worker scans to decide what to do next.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseRow {
    pub id: String,
    pub grid: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub severity: String,
    pub state: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub reported_at: String,
    pub deadline: String,
    pub overdue: bool,
}

fn split(s: &str) -> Vec<&str> {
    s.split(',').filter(|t| !t.is_empty()).collect()
}
