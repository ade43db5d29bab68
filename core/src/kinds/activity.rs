//! Activities (宣传 / 文体活动): policy publicity sessions, culture and sports events, trainings.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Kind;
use super::common::{blob_hashes, date, enum_name};
use crate::error::Invalid;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    #[default]
    PolicyPublicity,
    Culture,
    Sports,
    Training,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub topic: String,
    #[serde(default)]
    pub activity_type: ActivityType,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub venue: String,
    #[serde(default)]
    pub participants: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
}

impl RecordKind for Activity {
    const KIND: Kind = Kind::Activity;
    const TABLES: &'static [&'static str] = &["activities"];

    fn prepare(&mut self, _ctx: &Context) -> Result<(), Invalid> {
        self.topic = validate::required("topic", &self.topic)?;
        self.topic = validate::text("topic", &self.topic, 100)?;
        self.held_on = date("held_on", &self.held_on)?;
        self.venue = validate::text("venue", &self.venue, 100)?;
        self.notes = validate::text("notes", &self.notes, 4000)?;
        if self.participants > 100_000 {
            return Err(Invalid::new("participants", "is implausibly large"));
        }
        blob_hashes("photos", &mut self.photos)
    }

    fn mask(&mut self) {}

    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        tx.prepare_cached("INSERT INTO activities (record_id, grid, archived, topic, activity_type, held_on, participants, venue) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?
            .execute(params![env.id.to_string(), env.grid, env.archived, self.topic, enum_name(&self.activity_type), self.held_on, self.participants, self.venue])?;
        Ok(SearchEntry {
            names: vec![self.topic.clone()],
            other: vec![self.venue.clone()],
            attachments: self.photos.clone(),
        })
    }
}
