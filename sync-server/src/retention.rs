//! Retention (issue 19, PIPL Art. 19 and 47: personal information is kept no longer than its
//! purpose needs): a standing policy — visits older than N years, inspections older than N
//! years, closed cases closed more than M years ago — carried out through the erasure
//! mechanism (`crate::erasure`, whole records), so what leaves the relay leaves every phone
//! at its next sync exactly as an erasure by hand does.
//!
//! The policy is one row in the database, set by an administrator (`admin retention set`,
//! `PUT /v1/admin/retention`) like every other setting of this relay that outlives a restart
//! (grids, users, templates). A **plan** (dry run) names every record past the policy, with
//! counts per kind and grid — record ids only, never a value. **Apply** computes the plan
//! again and must be told how many records the administrator saw in it (`expect`): if the
//! data moved since the dry run, nothing is erased and the administrator looks again. Each
//! record then goes through `erasure::erase` (audited one by one in the erasure log, with
//! the rule as the reason), and the run itself is audited (`retention_runs`).
//!
//! Open cases are never erased, whatever their age; a record whose date does not read is
//! kept and counted as `undated`; a record the relay could not read as its kind (`flagged`)
//! is not judged.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, Months, Utc};
use gridkeeper_core::kinds::case::Case;
use serde::{Deserialize, Serialize};

use crate::admin::now;
use crate::erasure::{self, EraseRequest};
use crate::error::ApiError;
use crate::reports::rows::case_figures;
use crate::reports::sql::{SqlValue, Stmt};
use crate::storage::{Storage, StorageError, User};

pub const DDL: &str = "
CREATE TABLE IF NOT EXISTS retention_policy (
    id BIGINT PRIMARY KEY,
    policy TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS retention_runs (
    at TEXT NOT NULL,
    by_user TEXT NOT NULL,
    policy TEXT NOT NULL,
    erased BIGINT NOT NULL,
    skipped BIGINT NOT NULL
);
";

/// Longest rule accepted: a typo of 1000 years keeps everything, which is safe, but a rule
/// that long means nothing.
const MAX_YEARS: u32 = 100;

/// Documents read per query while planning.
const PAGE: i64 = 500;

/// The standing retention policy. A rule left out keeps that kind for ever.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Visits whose visit took place more than this many years ago.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_years: Option<u32>,
    /// Inspections carried out more than this many years ago.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection_years: Option<u32>,
    /// Cases closed more than this many years ago. Open cases are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_case_years: Option<u32>,
}

impl Policy {
    fn rules(&self) -> Vec<(&'static str, u32)> {
        [
            ("visit", self.visit_years),
            ("inspection", self.inspection_years),
            ("case", self.closed_case_years),
        ]
        .into_iter()
        .filter_map(|(kind, years)| years.map(|y| (kind, y)))
        .collect()
    }

    fn check(&self) -> Result<(), ApiError> {
        for (kind, years) in self.rules() {
            if !(1..=MAX_YEARS).contains(&years) {
                return Err(ApiError::bad_request(
                    "invalid_policy",
                    format!("the {kind} rule must keep records 1 to {MAX_YEARS} years"),
                ));
            }
        }
        Ok(())
    }

    /// The rule as an erasure's reason, in the audit log.
    fn reason(kind: &str, years: u32) -> String {
        match kind {
            "case" => format!("retention policy: case closed more than {years} years ago"),
            _ => format!("retention policy: {kind} older than {years} years"),
        }
    }
}

/// The policy as stored, with who set it and when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoredPolicy {
    pub policy: Policy,
    pub set_by: Option<String>,
    pub set_at: Option<String>,
}

pub async fn policy(storage: &dyn Storage) -> Result<StoredPolicy, ApiError> {
    let rows = storage
        .report_query(&Stmt::new(
            "SELECT policy, set_by, set_at FROM retention_policy WHERE id = 1",
            vec![],
        ))
        .await?;
    let Some(r) = rows.first() else {
        return Ok(StoredPolicy::default());
    };
    let policy = serde_json::from_str(r[0].text()).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "stored_policy_damaged",
            "the stored retention policy cannot be read; set it again",
        )
    })?;
    Ok(StoredPolicy {
        policy,
        set_by: r[1].opt_text().map(String::from),
        set_at: r[2].opt_text().map(String::from),
    })
}

/// Replaces the policy. Setting it erases nothing: a plan and an apply do.
pub async fn set_policy(
    storage: &dyn Storage,
    by: &User,
    p: &Policy,
) -> Result<StoredPolicy, ApiError> {
    p.check()?;
    let text = serde_json::to_string(p).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the policy cannot be written",
        )
    })?;
    let at = now();
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO retention_policy (id, policy, set_by, set_at) VALUES (1, $1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, set_by = excluded.set_by, set_at = excluded.set_at",
            vec![text.into(), by.name.as_str().into(), at.as_str().into()],
        )])
        .await?;
    tracing::info!(by = %by.name, "retention policy set");
    Ok(StoredPolicy {
        policy: p.clone(),
        set_by: Some(by.name.clone()),
        set_at: Some(at),
    })
}

/// A record past the policy: ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub record_id: String,
    pub kind: String,
    pub grid: String,
}

/// How many records of a kind in a grid are past the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub kind: String,
    pub grid: String,
    pub records: u64,
}

/// The dry run: what applying the policy now would erase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub policy: Policy,
    /// The moment the ages are measured at.
    pub as_of: String,
    /// Per rule, the newest date a record may have and still be erased (RFC 3339).
    pub cutoffs: BTreeMap<String, String>,
    pub counts: Vec<Count>,
    pub records: Vec<Due>,
    /// Records of a ruled kind whose date does not read: kept, and counted here.
    pub undated: u64,
}

/// The date a record's age is counted from, when its kind has a rule: a visit's or an
/// inspection's own date, a case's closing; `Some(None)` for a record with no usable date
/// (an open case is `None`: no rule applies to it).
fn basis(kind: &str, data: &serde_json::Value) -> Option<Option<DateTime<Utc>>> {
    let instant = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    match kind {
        "visit" => Some(data["visited_at"].as_str().and_then(instant)),
        "inspection" => Some(data["inspected_at"].as_str().and_then(instant)),
        "case" => {
            let Ok(c) = serde_json::from_value::<Case>(data.clone()) else {
                return Some(None);
            };
            let closed = case_figures(&c).closed_at?;
            Some(instant(&closed))
        }
        _ => None,
    }
}

/// What the policy would erase at `as_of`.
pub async fn plan(storage: &dyn Storage, as_of: DateTime<Utc>) -> Result<Plan, ApiError> {
    let policy = policy(storage).await?.policy;
    let mut cutoffs: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
    for (kind, years) in policy.rules() {
        let cutoff = as_of
            .checked_sub_months(Months::new(years * 12))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_policy", "the rule reaches too far back")
            })?;
        cutoffs.insert(kind, cutoff);
    }
    let mut records = Vec::new();
    let mut undated = 0;
    for (&kind, cutoff) in &cutoffs {
        let mut after = String::new();
        loop {
            let rows = storage
                .report_query(&Stmt::new(
                    "SELECT record_id, grid, CAST(data AS TEXT) FROM documents
                     WHERE kind = $1 AND record_id > $2 AND data IS NOT NULL AND flagged IS NULL
                     ORDER BY record_id LIMIT $3",
                    vec![kind.into(), after.as_str().into(), SqlValue::Int(PAGE)],
                ))
                .await?;
            for r in &rows {
                let Ok(data) = serde_json::from_str::<serde_json::Value>(r[2].text()) else {
                    undated += 1;
                    continue;
                };
                match basis(kind, &data) {
                    Some(Some(at)) if at < *cutoff => records.push(Due {
                        record_id: r[0].text().to_string(),
                        kind: kind.to_string(),
                        grid: r[1].text().to_string(),
                    }),
                    Some(None) => undated += 1,
                    _ => {}
                }
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == PAGE => after = last[0].text().to_string(),
                _ => break,
            }
        }
    }
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for d in &records {
        *counts.entry((d.kind.clone(), d.grid.clone())).or_default() += 1;
    }
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(Plan {
        policy,
        as_of: stamp(as_of),
        cutoffs: cutoffs
            .into_iter()
            .map(|(k, t)| (k.to_string(), stamp(t)))
            .collect(),
        counts: counts
            .into_iter()
            .map(|((kind, grid), records)| Count {
                kind,
                grid,
                records,
            })
            .collect(),
        records,
        undated,
    })
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub counts: Vec<Count>,
    pub erased: u64,
    /// Records of the plan gone by the time their turn came (erased meanwhile).
    pub skipped: u64,
}

/// Erases what the policy names now, if that is the `expect` records the administrator saw
/// in the dry run; otherwise erases nothing.
pub async fn apply(
    storage: &Arc<dyn Storage>,
    by: &User,
    expect: u64,
) -> Result<Applied, ApiError> {
    let plan = plan(storage.as_ref(), Utc::now()).await?;
    if plan.records.len() as u64 != expect {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "plan_changed",
            format!(
                "the policy now names {} records, not the {expect} expected: run the dry run again and check it",
                plan.records.len()
            ),
        ));
    }
    let years: BTreeMap<&str, u32> = plan.policy.rules().into_iter().collect();
    let (mut erased, mut skipped) = (0u64, 0u64);
    for d in &plan.records {
        let req = EraseRequest {
            record_id: d.record_id.clone(),
            fields: Vec::new(),
            whole: true,
            reason: Policy::reason(&d.kind, years.get(d.kind.as_str()).copied().unwrap_or(0)),
        };
        match erasure::erase(storage, by, &req).await {
            Ok(_) => erased += 1,
            // Erased by hand (or by another run) since the plan was read.
            Err(e) if e.status == StatusCode::NOT_FOUND => skipped += 1,
            Err(e) => {
                record_run(storage.as_ref(), by, &plan.policy, erased, skipped).await?;
                return Err(e);
            }
        }
    }
    record_run(storage.as_ref(), by, &plan.policy, erased, skipped).await?;
    tracing::info!(by = %by.name, erased, skipped, "retention policy applied");
    Ok(Applied {
        counts: plan.counts,
        erased,
        skipped,
    })
}

async fn record_run(
    storage: &dyn Storage,
    by: &User,
    policy: &Policy,
    erased: u64,
    skipped: u64,
) -> Result<(), StorageError> {
    let n = |v: u64| SqlValue::Int(i64::try_from(v).unwrap_or(i64::MAX));
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO retention_runs (at, by_user, policy, erased, skipped) VALUES ($1, $2, $3, $4, $5)",
            vec![
                now().into(),
                by.name.as_str().into(),
                serde_json::to_string(policy).unwrap_or_default().into(),
                n(erased),
                n(skipped),
            ],
        )])
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_of_zero_years_is_refused_and_absent_rules_keep_everything() {
        assert!(Policy::default().rules().is_empty());
        let zero = Policy {
            visit_years: Some(0),
            ..Policy::default()
        };
        assert_eq!(zero.check().map_err(|e| e.code), Err("invalid_policy"));
        let ok = Policy {
            closed_case_years: Some(3),
            ..Policy::default()
        };
        assert!(ok.check().is_ok());
        assert_eq!(ok.rules(), vec![("case", 3)]);
    }

    #[test]
    fn an_open_case_has_no_basis_and_an_unreadable_date_is_undated() {
        let visit = serde_json::json!({"visited_at": "not a date"});
        assert_eq!(basis("visit", &visit), Some(None));
        let visit = serde_json::json!({"visited_at": "2019-03-01T08:00:00Z"});
        assert!(matches!(basis("visit", &visit), Some(Some(_))));
        assert_eq!(basis("household", &visit), None);
    }
}
