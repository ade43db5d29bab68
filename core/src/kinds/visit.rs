//! Visits (走访) to a household or place: the heart of "care for special groups" and of
//! collecting residents' opinions. A visit may raise a case in the same step.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Kind;
use super::common::{GeoPoint, Subject, blob_hashes, enum_name, instant};
use crate::error::Invalid;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitPurpose {
    #[default]
    Routine,
    SpecialGroupCare,
    PolicyPublicity,
    OpinionCollection,
    ErrandFollowUp,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    pub subject: Subject,
    /// When; empty means now.
    #[serde(default)]
    pub visited_at: String,
    /// The worker who visited; defaults to the signed-in user.
    #[serde(default)]
    pub worker: String,
    #[serde(default)]
    pub purpose: VisitPurpose,
    /// Ids of the household members met in person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members_seen: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub findings: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    /// Cases this visit raised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raised_cases: Vec<String>,
}

impl RecordKind for Visit {
    const KIND: Kind = Kind::Visit;
    const TABLES: &'static [&'static str] = &["visits", "visit_members"];

    fn prepare(&mut self, ctx: &Context) -> Result<(), Invalid> {
        self.subject.prepare("subject")?;
        self.visited_at = instant("visited_at", &self.visited_at, ctx.now)?;
        if self.worker.trim().is_empty() {
            self.worker = ctx.user.clone().unwrap_or_default();
        }
        self.worker = validate::person("worker", &self.worker, 50)?;
        self.findings = validate::text("findings", &self.findings, 4000)?;
        if let Some(p) = &self.location {
            p.prepare("location")?;
        }
        blob_hashes("photos", &mut self.photos)?;
        if !self.members_seen.is_empty()
            && self.subject.kind != super::common::SubjectKind::Household
        {
            return Err(Invalid::new(
                "members_seen",
                "only a household visit meets members",
            ));
        }
        self.members_seen.sort();
        self.members_seen.dedup();
        Ok(())
    }

    fn mask(&mut self) {}

    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        let id = env.id.to_string();
        tx.prepare_cached(
            "INSERT INTO visits (record_id, grid, archived, subject_kind, subject_id, visited_at, worker, purpose)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![id, env.grid, env.archived, self.subject.kind.as_str(), self.subject.id, self.visited_at, self.worker, enum_name(&self.purpose)])?;
        let mut seen = tx.prepare_cached("INSERT OR IGNORE INTO visit_members (record_id, subject_id, member_id, visited_at) VALUES (?1, ?2, ?3, ?4)")?;
        for m in &self.members_seen {
            seen.execute(params![id, self.subject.id, m, self.visited_at])?;
        }
        Ok(SearchEntry {
            names: vec![],
            other: vec![self.findings.clone()],
            attachments: self.photos.clone(),
        })
    }
}
