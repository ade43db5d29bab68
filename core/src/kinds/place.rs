//! Places (场所): shops, rental buildings, firms and public venues in a grid — the "real
//! units" and "real houses" a worker inspects for fire, electricity and gas hazards.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Kind;
use super::address::Address;
use crate::error::Invalid;
use crate::mask;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate::{self, phone};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceType {
    #[default]
    Shop,
    Rental,
    Firm,
    Venue,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    #[serde(default)]
    pub place_type: PlaceType,
    pub address: Address,
    /// The person responsible (负责人): owner, landlord or manager.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub responsible: String,
    /// Their phone: a mobile, or a landline with area code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl RecordKind for Place {
    const KIND: Kind = Kind::Place;
    const TABLES: &'static [&'static str] = &["places"];

    fn prepare(&mut self, _ctx: &Context) -> Result<(), Invalid> {
        self.name = validate::required("name", &self.name)?;
        self.name = validate::text("name", &self.name, 100)?;
        self.address.prepare("address")?;
        self.responsible = validate::person("responsible", &self.responsible, 50)?;
        if let Some(raw) = self.contact.take().filter(|s| !s.trim().is_empty()) {
            self.contact = Some(phone::contact("contact", &raw)?);
        }
        self.notes = validate::text("notes", &self.notes, 2000)?;
        for (i, tag) in self.tags.iter_mut().enumerate() {
            *tag = validate::required(&format!("tags[{i}]"), tag)?;
        }
        Ok(())
    }

    fn mask(&mut self) {
        self.contact = self.contact.as_deref().map(mask::phone);
    }

    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        let place_type = serde_json::to_value(self.place_type)
            .ok()
            .and_then(|v| v.as_str().map(String::from));
        tx.prepare_cached(
            "INSERT INTO places (record_id, grid, archived, name, place_type, address, responsible, contact)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            env.id.to_string(),
            env.grid,
            env.archived,
            self.name,
            place_type,
            self.address.one_line(),
            self.responsible,
            self.contact,
        ])?;
        let mut entry = SearchEntry {
            names: vec![self.name.clone()],
            other: vec![self.address.one_line()],
            attachments: vec![],
        };
        if !self.responsible.is_empty() {
            entry.names.push(self.responsible.clone());
        }
        entry.other.extend(self.contact.clone());
        Ok(entry)
    }
}
