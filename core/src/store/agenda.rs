//! Today's work (今日工作), computed from the local data alone so it works offline: who is due
//! a visit, which places are due an inspection, open cases by deadline, mediations awaiting
//! follow-up, and the tasks a supervisor gave. Deterministic for a given `now`.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::kinds::common::{china_day as shanghai_date, china_day_of as date_of};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitDue {
    pub household_id: String,
    pub member_id: String,
    pub name: String,
    /// The special-group tag with the shortest visiting interval.
    pub tag: String,
    pub last_visit: Option<String>,
    pub due_on: String,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionDue {
    pub place_id: String,
    pub name: String,
    pub place_type: String,
    pub last_inspection: Option<String>,
    pub due_on: String,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseDue {
    pub case_id: String,
    pub category: String,
    pub severity: String,
    pub state: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediationDue {
    pub mediation_id: String,
    pub dispute_type: String,
    pub risk_level: String,
    pub due_on: String,
    pub needs_escalation: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Agenda {
    /// Tasks a supervisor gave, with a household or place still to do, due first.
    pub tasks: Vec<super::TaskDue>,
    pub visits: Vec<VisitDue>,
    pub inspections: Vec<InspectionDue>,
    pub cases: Vec<CaseDue>,
    pub mediations: Vec<MediationDue>,
}

/// When something last done at `last` (never, if `None`) falls due again every `every_days`:
/// the due date and days overdue, if it is due by `today`. Never done means due today.
fn due(last: Option<&str>, every_days: u32, today: NaiveDate) -> Option<(String, i64)> {
    let due_on = match last.and_then(date_of) {
        Some(last) => last + Duration::days(i64::from(every_days)),
        None => today,
    };
    (due_on <= today).then(|| (due_on.to_string(), (today - due_on).num_days()))
}

impl Store {
    /// The agenda for a grid (or every grid on this device) as of `now`.
    pub fn agenda(&self, grid: Option<&str>, now: DateTime<Utc>) -> Result<Agenda> {
        let policies = self.policies()?;
        let today = shanghai_date(now);
        let mut agenda = Agenda {
            tasks: self.tasks_due(grid, now)?,
            ..Agenda::default()
        };

        let mut stmt = self.conn.prepare_cached(
            "SELECT m.record_id, m.member_id, m.name, m.tags,
                    (SELECT max(v.visited_at) FROM visit_members v WHERE v.member_id = m.member_id AND v.subject_id = m.record_id)
             FROM members m JOIN households h ON h.record_id = m.record_id
             WHERE h.archived = 0 AND m.tags != '' AND (?1 IS NULL OR h.grid = ?1)",
        )?;
        let rows = stmt.query_map(params![grid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (household_id, member_id, name, tags, last_visit) = row?;
            let Some((tag, days)) = tags
                .split(',')
                .filter_map(|t| {
                    policies
                        .visit_every_days
                        .get(t)
                        .map(|d| (t.to_string(), *d))
                })
                .min_by_key(|(t, d)| (*d, t.clone()))
            else {
                continue;
            };
            if let Some((due_on, days_overdue)) = due(last_visit.as_deref(), days, today) {
                agenda.visits.push(VisitDue {
                    household_id,
                    member_id,
                    name,
                    tag,
                    last_visit,
                    due_on,
                    days_overdue,
                });
            }
        }
        agenda.visits.sort_by(|a, b| {
            b.days_overdue
                .cmp(&a.days_overdue)
                .then_with(|| a.household_id.cmp(&b.household_id))
                .then_with(|| a.member_id.cmp(&b.member_id))
        });

        let mut stmt = self.conn.prepare_cached(
            "SELECT p.record_id, p.name, p.place_type,
                    (SELECT max(i.inspected_at) FROM inspections i WHERE i.subject_id = p.record_id AND i.status = 'completed' AND i.archived = 0)
             FROM places p WHERE p.archived = 0 AND (?1 IS NULL OR p.grid = ?1)",
        )?;
        let rows = stmt.query_map(params![grid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rows {
            let (place_id, name, place_type, last_inspection) = row?;
            let place_type = place_type.unwrap_or_default();
            let Some(days) = policies.inspect_every_days.get(&place_type) else {
                continue;
            };
            if let Some((due_on, days_overdue)) = due(last_inspection.as_deref(), *days, today) {
                agenda.inspections.push(InspectionDue {
                    place_id,
                    name,
                    place_type,
                    last_inspection,
                    due_on,
                    days_overdue,
                });
            }
        }
        agenda.inspections.sort_by(|a, b| {
            b.days_overdue
                .cmp(&a.days_overdue)
                .then_with(|| a.place_id.cmp(&b.place_id))
        });

        for row in self.case_rows(grid, now, true)? {
            agenda.cases.push(CaseDue {
                case_id: row.id,
                category: row.category,
                severity: row.severity,
                state: row.state,
                deadline: row.deadline,
                overdue: row.overdue,
            });
        }

        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id, dispute_type, risk_level, result, last_activity, next_follow_up, needs_escalation
             FROM mediations WHERE archived = 0 AND (?1 IS NULL OR grid = ?1)",
        )?;
        let rows = stmt.query_map(params![grid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        for row in rows {
            let (
                mediation_id,
                dispute_type,
                risk_level,
                result,
                last_activity,
                next_follow_up,
                needs_escalation,
            ) = row?;
            let planned =
                next_follow_up.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            // Unsettled disputes go stale: someone should look again after the policy interval.
            let unsettled = matches!(result.as_deref(), None | Some("partial"));
            let stale = NaiveDate::parse_from_str(&last_activity, "%Y-%m-%d")
                .ok()
                .filter(|_| unsettled)
                .map(|d| d + Duration::days(i64::from(policies.mediation_follow_up_days)));
            let due = [planned, stale].into_iter().flatten().min();
            if let Some(due_on) = due.filter(|d| *d <= today) {
                agenda.mediations.push(MediationDue {
                    mediation_id,
                    dispute_type,
                    risk_level,
                    due_on: due_on.to_string(),
                    needs_escalation,
                });
            }
        }
        agenda.mediations.sort_by(|a, b| {
            b.needs_escalation
                .cmp(&a.needs_escalation)
                .then_with(|| a.due_on.cmp(&b.due_on))
                .then_with(|| a.mediation_id.cmp(&b.mediation_id))
        });
        Ok(agenda)
    }
}
