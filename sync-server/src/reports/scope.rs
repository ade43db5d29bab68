//! What a report covers: a node of the grid tree (street, community or grid) and a period.
//! Days are calendar days in Asia/Shanghai, where the users are; stored times are UTC.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::storage::Grid;

/// Asia/Shanghai has had no daylight saving since 1991: a fixed offset is exact.
pub const ZONE_OFFSET_HOURS: i64 = 8;

/// The grid tree with names, for resolving a node to its grids and rolling figures up.
#[derive(Debug, Default, Clone)]
pub struct Hierarchy {
    names: HashMap<String, String>,
    parent: HashMap<String, String>,
    children: BTreeMap<String, Vec<String>>,
    roots: Vec<String>,
}

impl Hierarchy {
    pub fn new(grids: &[Grid]) -> Hierarchy {
        let mut h = Hierarchy::default();
        for g in grids {
            h.names.insert(g.id.clone(), g.name.clone());
            match &g.parent {
                Some(p) => {
                    h.parent.insert(g.id.clone(), p.clone());
                    h.children.entry(p.clone()).or_default().push(g.id.clone());
                }
                None => h.roots.push(g.id.clone()),
            }
        }
        h
    }

    pub fn contains(&self, id: &str) -> bool {
        self.names.contains_key(id)
    }

    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    pub fn roots(&self) -> &[String] {
        &self.roots
    }

    pub fn children(&self, id: &str) -> &[String] {
        self.children.get(id).map_or(&[], Vec::as_slice)
    }

    /// The node and everything below it.
    pub fn subtree(&self, id: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut stack = vec![id.to_string()];
        while let Some(n) = stack.pop() {
            if self.contains(&n) && out.insert(n.clone()) {
                stack.extend(self.children(&n).iter().cloned());
            }
        }
        out
    }

    /// From the root down to `id`, for breadcrumbs.
    pub fn path(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_string()];
        let mut at = id;
        while let Some(p) = self.parent.get(at) {
            if out.contains(p) {
                break;
            }
            out.push(p.clone());
            at = p;
        }
        out.reverse();
        out
    }
}

/// Inclusive calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The last 30 days up to today, when the caller names no period.
    pub fn last_days(now: DateTime<Utc>, days: i64) -> Period {
        let today = local_date(now);
        Period {
            from: today - Duration::days(days - 1),
            to: today,
        }
    }

    /// The UTC instant the first day starts, as stored times are written.
    pub fn start(&self) -> String {
        day_start_utc(self.from)
    }

    /// The UTC instant after the last day ends (exclusive bound).
    pub fn end(&self) -> String {
        day_start_utc(self.to + Duration::days(1))
    }

    pub fn from_text(&self) -> String {
        self.from.format("%Y-%m-%d").to_string()
    }

    pub fn to_text(&self) -> String {
        self.to.format("%Y-%m-%d").to_string()
    }
}

pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::hours(ZONE_OFFSET_HOURS)).date_naive()
}

pub fn day_start_utc(d: NaiveDate) -> String {
    let t = d.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(ZONE_OFFSET_HOURS);
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn instant_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A resolved report scope: the node, every tree node at or below it, and the period.
#[derive(Debug, Clone)]
pub struct ReportScope {
    pub node: String,
    pub grids: Vec<String>,
    pub period: Period,
    /// The moment "overdue" and "due" are judged at: the end of the period, or now if the
    /// period has not ended.
    pub as_of: DateTime<Utc>,
    pub hierarchy: std::sync::Arc<Hierarchy>,
}

impl ReportScope {
    pub fn new(
        hierarchy: std::sync::Arc<Hierarchy>,
        node: &str,
        period: Period,
        now: DateTime<Utc>,
    ) -> ReportScope {
        let end = parse_instant(&period.end()).unwrap_or(now);
        ReportScope {
            node: node.to_string(),
            grids: hierarchy.subtree(node).into_iter().collect(),
            period,
            as_of: end.min(now),
            hierarchy,
        }
    }
}

pub type Counts = BTreeMap<String, i64>;

/// Figures of one node, summed from the grids below it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NodeFigures {
    pub node: String,
    pub name: String,
    pub counts: Counts,
    pub rates: BTreeMap<String, f64>,
}

pub fn sum_under(h: &Hierarchy, node: &str, per_grid: &HashMap<String, Counts>) -> Counts {
    let mut total = Counts::new();
    for g in h.subtree(node) {
        if let Some(c) = per_grid.get(&g) {
            for (k, v) in c {
                *total.entry(k.clone()).or_default() += v;
            }
        }
    }
    total
}

pub fn add(counts: &mut Counts, key: impl Into<String>, n: i64) {
    *counts.entry(key.into()).or_default() += n;
}
