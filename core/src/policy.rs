//! A community's working rules, configurable per deployment: how soon each kind of case must
//! be handled, how often each special group is visited, how often each kind of place is
//! inspected. Stored in the store's `meta` table; defaults follow common street-office practice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policies {
    /// Days to handle a case, by `category.severity` or by `category`.
    pub case_days: BTreeMap<String, u32>,
    /// Visit at least every N days, by member tag (`solitary_elderly`, …).
    pub visit_every_days: BTreeMap<String, u32>,
    /// Inspect at least every N days, by place type (`rental`, `shop`, …).
    pub inspect_every_days: BTreeMap<String, u32>,
    /// A mediation with no session or follow-up for this many days is due a follow-up.
    pub mediation_follow_up_days: u32,
}

/// When no rule matches a case.
const FALLBACK_CASE_DAYS: u32 = 15;

impl Default for Policies {
    fn default() -> Self {
        let map = |pairs: &[(&str, u32)]| pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        Policies {
            case_days: map(&[
                ("hazard.critical", 1),
                ("hazard.high", 3),
                ("hazard.medium", 7),
                ("hazard.low", 15),
                ("environment", 7),
                ("appeal", 15),
                ("errand", 10),
            ]),
            visit_every_days: map(&[
                ("solitary_elderly", 7),
                ("empty_nest_elderly", 14),
                ("left_behind_child", 30),
                ("disabled", 30),
                ("key_person", 30),
                ("subsistence_allowance", 90),
            ]),
            inspect_every_days: map(&[("rental", 30), ("venue", 30), ("shop", 90), ("firm", 90)]),
            mediation_follow_up_days: 30,
        }
    }
}

impl Policies {
    pub fn case_days(&self, category: &str, severity: &str) -> u32 {
        self.case_days
            .get(&format!("{category}.{severity}"))
            .or_else(|| self.case_days.get(category))
            .copied()
            .unwrap_or(FALLBACK_CASE_DAYS)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn case_days_fall_back_from_severity_to_category_to_default() {
        let p = super::Policies::default();
        assert_eq!(p.case_days("hazard", "critical"), 1);
        assert_eq!(p.case_days("appeal", "high"), 15);
        assert_eq!(p.case_days("unknown", "low"), super::FALLBACK_CASE_DAYS);
    }
}
