//! Pieces several kinds share: what a record is about, when, where, and its photos.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// The day in China an instant falls on: the day a visit counts for, a task is due, a
/// 民情日志 entry is written for.
pub fn china_day(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// [`china_day`] of a stored time; `None` for one that is no time.
pub fn china_day_of(instant: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(instant)
        .ok()
        .map(|t| china_day(t.with_timezone(&Utc)))
}

/// The household or place a visit, inspection or case is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Household,
    Place,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Household => "household",
            SubjectKind::Place => "place",
        }
    }
}

impl Subject {
    pub fn prepare(&mut self, field: &str) -> Result<(), Invalid> {
        self.id = self.id.trim().to_string();
        self.id
            .parse::<crate::RecordId>()
            .map(|_| ())
            .map_err(|_| Invalid::new(format!("{field}.id"), "is not a record id"))
    }
}

/// A GPS fix, with the phone's stated accuracy (cheap phones indoors are often 50 m+ off).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

impl GeoPoint {
    pub fn prepare(&self, field: &str) -> Result<(), Invalid> {
        if !(-90.0..=90.0).contains(&self.lat) || !(-180.0..=180.0).contains(&self.lon) {
            return Err(Invalid::new(field, "latitude or longitude out of range"));
        }
        if self
            .accuracy_m
            .is_some_and(|a| !(0.0..=100_000.0).contains(&a))
        {
            return Err(Invalid::new(
                format!("{field}.accuracy_m"),
                "must be between 0 and 100000 metres",
            ));
        }
        Ok(())
    }
}

/// An instant as RFC 3339, normalized to UTC with seconds (`2026-11-28T02:30:00Z`); empty
/// means "now". Times are stored in UTC and shown in the user's zone.
pub fn instant(field: &str, value: &str, now: DateTime<Utc>) -> Result<String, Invalid> {
    let v = value.trim();
    let t = if v.is_empty() {
        now
    } else {
        DateTime::parse_from_rfc3339(v)
            .map_err(|_| Invalid::new(field, "must be a time like 2026-11-28T10:30:00+08:00"))?
            .with_timezone(&Utc)
    };
    if t > now + chrono::Duration::days(1) {
        return Err(Invalid::new(field, "is in the future"));
    }
    Ok(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// A calendar date `YYYY-MM-DD`.
pub fn date(field: &str, value: &str) -> Result<String, Invalid> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| Invalid::new(field, "must be a date like 2026-11-28"))
}

/// Attachments are referenced by the SHA-256 of their bytes (64 lower-case hex digits).
pub fn blob_hashes(field: &str, hashes: &mut [String]) -> Result<(), Invalid> {
    for (i, h) in hashes.iter_mut().enumerate() {
        *h = h.trim().to_ascii_lowercase();
        if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Invalid::new(
                format!("{field}[{i}]"),
                "is not an attachment hash (64 hex digits)",
            ));
        }
    }
    Ok(())
}

/// Enum values as their JSON names, for projection columns.
pub fn enum_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}
