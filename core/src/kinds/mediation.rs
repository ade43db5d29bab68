//! Mediations (矛盾调解): disputes between neighbours, family members, employer and worker,
//! followed from first session to agreement or referral, with follow-up visits after.
//! The narrative is Automerge text, so two mediators writing up one session both keep their
//! words.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use super::Kind;
use super::common::{blob_hashes, date, enum_name};
use crate::error::Invalid;
use crate::ids::new_item_id;
use crate::mask;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate::{self, phone};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeType {
    Neighbour,
    Family,
    Marriage,
    Labour,
    Property,
    Land,
    Other,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    #[default]
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediationResult {
    Agreement,
    Partial,
    Failed,
    ReferredJudicialOffice,
    ReferredCourt,
    ReferredPolice,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    #[serde(default)]
    pub id: String,
    pub name: String,
    /// The household record and member, when the party is a registered resident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    #[serde(default)]
    pub id: String,
    pub date: String,
    /// Party ids and mediators' names present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outcome: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub party_id: String,
    /// The signature drawn on screen, stored as an attachment.
    pub blob: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    #[serde(default)]
    pub id: String,
    pub due: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mediation {
    pub dispute_type: DisputeType,
    #[serde(default)]
    pub parties: Vec<Party>,
    #[serde(default)]
    pub risk_level: RiskLevel,
    /// `YYYY-MM-DD` the dispute was taken up.
    pub opened_on: String,
    #[serde(default)]
    pub narrative: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<Session>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<MediationResult>,
    #[serde(default)]
    pub agreement_text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<Signature>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<FollowUp>,
}

impl Mediation {
    /// High risk, or failed without a referral: the street office should know.
    pub fn needs_escalation(&self) -> bool {
        self.risk_level == RiskLevel::High
            && !matches!(self.result, Some(MediationResult::Agreement))
            || self.result == Some(MediationResult::Failed)
    }

    /// The earliest follow-up not yet done.
    pub fn next_follow_up(&self) -> Option<&str> {
        self.follow_ups
            .iter()
            .filter(|f| f.done_on.is_none())
            .map(|f| f.due.as_str())
            .min()
    }

    /// The last day anyone worked on it: the latest session or follow-up done, or the opening.
    pub fn last_activity(&self) -> &str {
        let sessions = self.sessions.iter().map(|s| s.date.as_str());
        let follow_ups = self.follow_ups.iter().filter_map(|f| f.done_on.as_deref());
        sessions
            .chain(follow_ups)
            .chain([self.opened_on.as_str()])
            .max()
            .unwrap_or(&self.opened_on)
    }
}

impl RecordKind for Mediation {
    const KIND: Kind = Kind::Mediation;
    const TABLES: &'static [&'static str] = &["mediations"];
    const TEXT_FIELDS: &'static [&'static str] = &["narrative", "agreement_text"];

    fn prepare(&mut self, _ctx: &Context) -> Result<(), Invalid> {
        self.opened_on = date("opened_on", &self.opened_on)?;
        if self.parties.is_empty() {
            return Err(Invalid::new("parties", "a dispute has at least one party"));
        }
        for (i, p) in self.parties.iter_mut().enumerate() {
            let f = format!("parties[{i}]");
            if p.id.trim().is_empty() {
                p.id = new_item_id();
            }
            // A party may be a company or a residents' committee: room for its full name.
            p.name = validate::name(&format!("{f}.name"), &p.name, 100)?;
            if let Some(raw) = p.phone.take().filter(|s| !s.trim().is_empty()) {
                p.phone = Some(phone::contact(&format!("{f}.phone"), &raw)?);
            }
            if p.member_id.is_some() && p.household_id.is_none() {
                return Err(Invalid::new(
                    format!("{f}.household_id"),
                    "is required with member_id",
                ));
            }
        }
        self.narrative = validate::text("narrative", &self.narrative, 20_000)?;
        self.agreement_text = validate::text("agreement_text", &self.agreement_text, 20_000)?;
        for (i, s) in self.sessions.iter_mut().enumerate() {
            if s.id.trim().is_empty() {
                s.id = new_item_id();
            }
            s.date = date(&format!("sessions[{i}].date"), &s.date)?;
            s.outcome = validate::text(&format!("sessions[{i}].outcome"), &s.outcome, 4000)?;
            for (j, who) in s.participants.iter().enumerate() {
                validate::no_controls(&format!("sessions[{i}].participants[{j}]"), who)?;
            }
        }
        let party_ids: Vec<&str> = self.parties.iter().map(|p| p.id.as_str()).collect();
        for (i, s) in self.signatures.iter_mut().enumerate() {
            if !party_ids.contains(&s.party_id.as_str()) {
                return Err(Invalid::new(
                    format!("signatures[{i}].party_id"),
                    "is not one of the parties",
                ));
            }
            blob_hashes(
                &format!("signatures[{i}]"),
                std::slice::from_mut(&mut s.blob),
            )
            .map_err(|_| {
                Invalid::new(
                    format!("signatures[{i}].blob"),
                    "is not an attachment hash (64 hex digits)",
                )
            })?;
        }
        if self.result == Some(MediationResult::Agreement) && self.agreement_text.is_empty() {
            return Err(Invalid::new(
                "agreement_text",
                "is required when the result is an agreement",
            ));
        }
        for (i, f) in self.follow_ups.iter_mut().enumerate() {
            if f.id.trim().is_empty() {
                f.id = new_item_id();
            }
            f.due = date(&format!("follow_ups[{i}].due"), &f.due)?;
            if let Some(done) = &f.done_on {
                f.done_on = Some(date(&format!("follow_ups[{i}].done_on"), done)?);
            }
        }
        Ok(())
    }

    fn derived(&self, _ctx: &Context) -> Json {
        json!({"needs_escalation": self.needs_escalation(), "next_follow_up": self.next_follow_up()})
    }

    fn mask(&mut self) {
        for p in &mut self.parties {
            p.phone = p.phone.as_deref().map(mask::phone);
        }
    }

    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        tx.prepare_cached(
            "INSERT INTO mediations (record_id, grid, archived, dispute_type, risk_level, result, opened_on, last_activity, next_follow_up, needs_escalation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            env.id.to_string(),
            env.grid,
            env.archived,
            enum_name(&self.dispute_type),
            enum_name(&self.risk_level),
            self.result.map(|r| enum_name(&r)),
            self.opened_on,
            self.last_activity(),
            self.next_follow_up(),
            self.needs_escalation(),
        ])?;
        Ok(SearchEntry {
            names: self.parties.iter().map(|p| p.name.clone()).collect(),
            other: vec![],
            attachments: self.signatures.iter().map(|s| s.blob.clone()).collect(),
        })
    }
}
