//! Households (住户) and their members (成员): the "real population" half of 一标三实.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Kind;
use super::address::Address;
use crate::error::Invalid;
use crate::ids::new_item_id;
use crate::mask;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate::{self, id_number, id_number::Gender, phone};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HousingType {
    #[default]
    OwnerOccupied,
    Rented,
    Vacant,
    Other,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// 户籍人口
    #[default]
    Local,
    /// 流动人口
    Migrant,
    /// 境外人员
    Foreign,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Grandchild,
    Grandparent,
    Sibling,
    Tenant,
    #[default]
    Other,
}

/// Special groups and key populations a grid worker looks after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberTag {
    SolitaryElderly,
    EmptyNestElderly,
    LeftBehindChild,
    Disabled,
    SubsistenceAllowance,
    Veteran,
    KeyPerson,
}

impl MemberTag {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberTag::SolitaryElderly => "solitary_elderly",
            MemberTag::EmptyNestElderly => "empty_nest_elderly",
            MemberTag::LeftBehindChild => "left_behind_child",
            MemberTag::Disabled => "disabled",
            MemberTag::SubsistenceAllowance => "subsistence_allowance",
            MemberTag::Veteran => "veteran",
            MemberTag::KeyPerson => "key_person",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Stable identity inside the household; given on creation when absent.
    #[serde(default)]
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// Derived from the ID number when there is one; otherwise as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// `YYYY-MM-DD`; derived from the ID number when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Set when the ID number is a first-generation 15-digit one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub legacy_id_number: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default)]
    pub relation: Relation,
    #[serde(default)]
    pub registration: Registration,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<MemberTag>,
    /// Free tags a community uses beyond the standard groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_tags: Vec<String>,
    /// Set when the person no longer lives here. A household register keeps a departed
    /// member with the reason and date (迁出 / 死亡) instead of striking them out, and so do
    /// we: marking is an edit like any other, so a device editing the member meanwhile keeps
    /// its edit, where a removal would swallow it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<Departure>,
}

/// Why and when a member left the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Departure {
    pub reason: LeftReason,
    /// `YYYY-MM-DD`, not in the future.
    pub on: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftReason {
    /// 迁出: moved away.
    MovedOut,
    /// 死亡.
    Deceased,
    Other,
}

impl Member {
    /// Whether the person still lives in the household.
    pub fn present(&self) -> bool {
        self.left.is_none()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    pub address: Address,
    #[serde(default)]
    pub housing_type: HousingType,
    #[serde(default)]
    pub members: Vec<Member>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Member {
    fn prepare(&mut self, field: &str, today: NaiveDate) -> Result<(), Invalid> {
        if self.id.trim().is_empty() {
            self.id = new_item_id();
        }
        self.name = validate::name(&format!("{field}.name"), &self.name, 50)?;
        self.legacy_id_number = false;
        if let Some(raw) = self.id_number.take().filter(|s| !s.trim().is_empty()) {
            let parsed = id_number::parse(&format!("{field}.id_number"), &raw, today)?;
            self.gender = Some(parsed.gender);
            self.birth_date = Some(parsed.birth_date.format("%Y-%m-%d").to_string());
            self.legacy_id_number = parsed.legacy;
            self.id_number = Some(parsed.normalized);
        } else if let Some(date) = self.birth_date.take().filter(|s| !s.trim().is_empty()) {
            let parsed = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| *d <= today)
                .ok_or_else(|| {
                    Invalid::new(
                        format!("{field}.birth_date"),
                        "must be a past date as YYYY-MM-DD",
                    )
                })?;
            self.birth_date = Some(parsed.format("%Y-%m-%d").to_string());
        }
        if let Some(raw) = self.phone.take().filter(|s| !s.trim().is_empty()) {
            self.phone = Some(phone::mobile(&format!("{field}.phone"), &raw)?);
        }
        if let Some(left) = &mut self.left {
            let parsed = NaiveDate::parse_from_str(left.on.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| *d <= today)
                .ok_or_else(|| {
                    Invalid::new(
                        format!("{field}.left.on"),
                        "must be a date not in the future, as YYYY-MM-DD",
                    )
                })?;
            left.on = parsed.format("%Y-%m-%d").to_string();
        }
        self.tags.sort();
        self.tags.dedup();
        for (i, tag) in self.custom_tags.iter_mut().enumerate() {
            *tag = validate::required(&format!("{field}.custom_tags[{i}]"), tag)?;
        }
        Ok(())
    }

    fn mask(&mut self) {
        self.id_number = self.id_number.as_deref().map(mask::id_number);
        self.phone = self.phone.as_deref().map(mask::phone);
    }
}

impl RecordKind for Household {
    const KIND: Kind = Kind::Household;
    const TABLES: &'static [&'static str] = &["households", "members"];

    fn prepare(&mut self, ctx: &Context) -> Result<(), Invalid> {
        let today = ctx.today();
        self.address.prepare("address")?;
        self.notes = validate::text("notes", &self.notes, 2000)?;
        let mut ids = HashSet::new();
        let mut id_numbers = HashSet::new();
        for (i, m) in self.members.iter_mut().enumerate() {
            let field = format!("members[{i}]");
            m.prepare(&field, today)?;
            if !ids.insert(m.id.clone()) {
                return Err(Invalid::new(
                    format!("{field}.id"),
                    "appears twice in this household",
                ));
            }
            // Someone who moved out and back is registered again beside their departed entry.
            if let Some(n) = m.id_number.as_ref().filter(|_| m.present())
                && !id_numbers.insert(n.clone())
            {
                return Err(Invalid::new(
                    format!("{field}.id_number"),
                    "appears twice in this household",
                ));
            }
        }
        for (i, tag) in self.tags.iter_mut().enumerate() {
            *tag = validate::required(&format!("tags[{i}]"), tag)?;
        }
        Ok(())
    }

    fn mask(&mut self) {
        self.members.iter_mut().for_each(Member::mask);
    }

    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        let id = env.id.to_string();
        // Lists, search, the agenda and tags count the people who live here now; departed
        // members stay in the record, shown as such.
        let present: Vec<&Member> = self.members.iter().filter(|m| m.present()).collect();
        let head = present
            .iter()
            .find(|m| m.relation == Relation::Head)
            .or(present.first())
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let member_tags: Vec<&str> = {
            let mut t: Vec<&str> = present
                .iter()
                .flat_map(|m| m.tags.iter().map(|t| t.as_str()))
                .collect();
            t.sort();
            t.dedup();
            t
        };
        tx.prepare_cached(
            "INSERT INTO households (record_id, grid, archived, community, compound, building, unit, floor, room, address, housing_type, head_name, member_count, tags, member_tags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            id,
            env.grid,
            env.archived,
            self.address.community,
            self.address.compound,
            self.address.building,
            self.address.unit,
            self.address.floor,
            self.address.room,
            self.address.one_line(),
            serde_json::to_value(self.housing_type).ok().and_then(|v| v.as_str().map(String::from)),
            head,
            present.len() as i64,
            self.tags.join(","),
            member_tags.join(","),
        ])?;
        let mut insert_member = tx.prepare_cached(
            "INSERT INTO members (record_id, member_id, position, name, id_number, phone, gender, birth_date, relation, registration, tags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        let mut entry = SearchEntry::default();
        entry.other.push(self.address.one_line());
        for (i, m) in present.iter().enumerate() {
            let enum_str = |v: serde_json::Result<serde_json::Value>| {
                v.ok().and_then(|v| v.as_str().map(String::from))
            };
            insert_member.execute(params![
                id,
                m.id,
                i as i64,
                m.name,
                m.id_number,
                m.phone,
                m.gender.map(|g| enum_str(serde_json::to_value(g))),
                m.birth_date,
                enum_str(serde_json::to_value(m.relation)),
                enum_str(serde_json::to_value(m.registration)),
                m.tags
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ])?;
            entry.names.push(m.name.clone());
            entry.other.extend(m.phone.clone());
            entry.other.extend(m.id_number.clone());
        }
        Ok(entry)
    }
}
