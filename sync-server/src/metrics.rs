//! Prometheus text-format counters. Labels are routes and codes, never people or records.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, String), u64>>,
    /// Request durations: (sum of seconds, count) per route.
    durations: Mutex<BTreeMap<String, (f64, u64)>>,
}

const HELP: &[(&str, &str)] = &[
    (
        "gridkeeper_http_requests_total",
        "HTTP requests by route and status",
    ),
    (
        "gridkeeper_changes_accepted_total",
        "Pushed changes the server holds (new or already held)",
    ),
    (
        "gridkeeper_changes_rejected_total",
        "Pushed changes refused, by reason",
    ),
    (
        "gridkeeper_changes_served_total",
        "Changes sent to devices in pulls",
    ),
    (
        "gridkeeper_snapshots_served_total",
        "Saved documents sent to devices in bootstraps",
    ),
    ("gridkeeper_enrolments_total", "Devices enrolled"),
];

impl Metrics {
    pub fn add(&self, name: &'static str, labels: String, n: u64) {
        if let Ok(mut c) = self.counters.lock() {
            *c.entry((name, labels)).or_default() += n;
        }
    }

    pub fn observe(&self, route: &str, seconds: f64) {
        if let Ok(mut d) = self.durations.lock() {
            let e = d.entry(route.to_string()).or_default();
            e.0 += seconds;
            e.1 += 1;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, help) in HELP {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            if let Ok(c) = self.counters.lock() {
                for ((n, labels), v) in c.iter().filter(|((n, _), _)| n == name) {
                    if labels.is_empty() {
                        let _ = writeln!(out, "{n} {v}");
                    } else {
                        let _ = writeln!(out, "{n}{{{labels}}} {v}");
                    }
                }
            }
        }
        let name = "gridkeeper_http_request_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time spent answering requests\n# TYPE {name} summary"
        );
        if let Ok(d) = self.durations.lock() {
            for (route, (sum, count)) in d.iter() {
                let _ = writeln!(out, "{name}_sum{{route=\"{route}\"}} {sum}");
                let _ = writeln!(out, "{name}_count{{route=\"{route}\"}} {count}");
            }
        }
        out
    }
}
