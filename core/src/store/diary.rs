//! The worker's 民情日志 on the phone: the records of their day it is written from, and the
//! entry they submitted (`kinds::diary`).

use chrono::{Duration, NaiveDate};
use rusqlite::params;

use super::Store;
use crate::error::Result;
use crate::ids::RecordId;
use crate::kinds::diary::{DayRecords, DayVisit, Diary};
use crate::kinds::{Case, Inspection, Visit};

/// The UTC instants a day in China starts and ends at, as records write times.
fn bounds(day: NaiveDate) -> (String, String) {
    let start = |d: NaiveDate| {
        (d.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(8))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    (start(day), start(day + Duration::days(1)))
}

impl Store {
    /// What a household or place is called in a log: the household's address, the place's
    /// name; empty for a record this phone does not hold.
    fn subject_label(&self, id: &str) -> Result<String> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT address FROM households WHERE record_id = ?1
             UNION ALL SELECT name FROM places WHERE record_id = ?1",
        )?;
        let mut rows = stmt.query(params![id])?;
        Ok(match rows.next()? {
            Some(r) => r.get(0)?,
            None => String::new(),
        })
    }

    /// `worker`'s records of `day` (in China) on this phone, for their 民情日志.
    pub fn day_records(&mut self, day: NaiveDate, worker: &str) -> Result<DayRecords> {
        let (start, end) = bounds(day);
        let ids = |sql: &str, store: &Store| -> Result<Vec<(String, String)>> {
            let mut stmt = store.conn.prepare_cached(sql)?;
            let rows = stmt.query_map(params![start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        };
        let mut out = DayRecords::default();
        let visits = ids(
            "SELECT record_id, subject_id FROM visits WHERE archived = 0 AND visited_at >= ?1 AND visited_at < ?2 ORDER BY visited_at, record_id",
            self,
        )?;
        for (id, subject) in visits {
            let visit: Visit = self.get(id.parse::<RecordId>()?)?.data;
            if visit.worker == worker {
                out.visits.push(DayVisit {
                    subject: self.subject_label(&subject)?,
                    visit,
                });
            }
        }
        let inspections = ids(
            "SELECT record_id, subject_id FROM inspections WHERE archived = 0 AND status = 'completed' AND inspected_at >= ?1 AND inspected_at < ?2 ORDER BY inspected_at, record_id",
            self,
        )?;
        for (id, subject) in inspections {
            let inspection: Inspection = self.get(id.parse::<RecordId>()?)?.data;
            if inspection.inspector == worker {
                out.inspected.push(self.subject_label(&subject)?);
            }
        }
        // A case closed before the day has no entry on it; one reported after has none either.
        let cases = ids(
            "SELECT record_id, state FROM cases WHERE archived = 0 AND reported_at < ?2 AND (closed_at IS NULL OR closed_at >= ?1) ORDER BY reported_at, record_id",
            self,
        )?;
        for (id, _) in cases {
            let case: Case = self.get(id.parse::<RecordId>()?)?.data;
            out.cases.push(case);
        }
        Ok(out)
    }

    /// `worker`'s diary of `day` on this phone, if they started or submitted one.
    pub fn diary_of(&mut self, day: NaiveDate, worker: &str) -> Result<Option<(RecordId, Diary)>> {
        let day = day.to_string();
        for id in self.record_ids(Some(crate::Kind::Diary))? {
            let diary: Diary = self.get(id)?.data;
            if diary.day == day && diary.worker == worker {
                return Ok(Some((id, diary)));
            }
        }
        Ok(None)
    }
}
