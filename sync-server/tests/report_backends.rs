//! Report rows and queries on both backends: rows follow every push (create, edit, archive),
//! the shared report SQL runs unchanged on SQLite and PostgreSQL, and exports are audited.
//! `scripts/with-postgres cargo test -p gridkeeper-server --test report_backends` runs the
//! PostgreSQL half.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use chrono::{Duration, Utc};
use gridkeeper_core::Kind;
use gridkeeper_server::reports::queries::{self, Options};
use gridkeeper_server::reports::scope::{Hierarchy, Period, ReportScope};
use gridkeeper_server::reports::{audit, lists};
use gridkeeper_server::storage::{Grid, Storage};
use serde_json::json;
use support::{Backend, Field};

const NOW: &str = "2026-06-01T08:00:00Z";

conformance!(rows_follow_pushes_and_reports_read_them);

async fn tree(s: &dyn Storage) -> Arc<Hierarchy> {
    for (id, parent) in [
        ("s1", None),
        ("c1", Some("s1")),
        ("grid-1", Some("c1")),
        ("grid-2", Some("c1")),
    ] {
        s.add_grid(&Grid {
            id: id.into(),
            name: format!("name of {id}"),
            parent: parent.map(String::from),
        })
        .await
        .unwrap();
    }
    Arc::new(Hierarchy::new(&s.grids().await.unwrap()))
}

fn scope(h: &Arc<Hierarchy>, node: &str) -> ReportScope {
    let now = Utc::now();
    ReportScope::new(h.clone(), node, Period::last_days(now, 30), now)
}

async fn figure(s: &dyn Storage, h: &Arc<Hierarchy>, report: &str, node: &str, key: &str) -> i64 {
    let r = queries::run(s, &scope(h, node), report, &Options::default())
        .await
        .unwrap()
        .unwrap();
    r.total.counts.get(key).copied().unwrap_or(0)
}

async fn rows_follow_pushes_and_reports_read_them(b: &Backend) {
    let s = b.storage.as_ref();
    let h = tree(s).await;
    let mut a = Field::new(s, "worker-a", &["grid-1"]).await;
    let mut c = Field::new(s, "worker-c", &["grid-2"]).await;
    let h1 = a.household("grid-1", 1);
    a.household("grid-1", 2);
    c.household("grid-2", 3);
    let reported = (Utc::now() - Duration::days(2))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let deadline = (Utc::now() - Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    a.store
        .create_json(
            Kind::Case,
            "grid-1",
            json!({"category": "hazard", "description": "d", "reported_at": reported, "deadline": deadline}),
        )
        .unwrap();
    for f in [&mut a, &mut c] {
        let push = f.take_push();
        let out = s.push(&f.device_id, NOW, &push).await.unwrap();
        assert!(out.iter().all(|o| o.rejected.is_none()), "{out:?}");
    }
    assert_eq!(figure(s, &h, "population", "c1", "households").await, 3);
    assert_eq!(figure(s, &h, "population", "grid-1", "households").await, 2);
    let people = figure(s, &h, "population", "c1", "people").await;
    assert!(people >= 3, "{people}");
    assert_eq!(figure(s, &h, "cases", "c1", "cases").await, 1);
    assert_eq!(figure(s, &h, "cases", "c1", "overdue").await, 1);
    assert_eq!(figure(s, &h, "cases", "c1", "state.reported").await, 1);
    assert_eq!(figure(s, &h, "inspections", "c1", "hazards_found").await, 1);

    // An edit replaces the rows, not adds to them.
    a.edit(h1, "独居");
    let push = a.take_push();
    s.push(&a.device_id, NOW, &push).await.unwrap();
    assert_eq!(figure(s, &h, "population", "c1", "households").await, 3);
    assert_eq!(figure(s, &h, "population", "c1", "people").await, people);

    // Archiving removes the record from reports.
    a.store.set_archived(h1, true).unwrap();
    let push = a.take_push();
    s.push(&a.device_id, NOW, &push).await.unwrap();
    assert_eq!(figure(s, &h, "population", "c1", "households").await, 2);

    // Lists and the audit log go through the same shared SQL.
    let t = lists::list(
        s,
        &scope(&h, "c1"),
        "households",
        &lists::Filter::default(),
        false,
        true,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(t.rows.len(), 2);
    audit::record(
        s,
        NOW,
        &audit::ExportEntry {
            user_id: "u".into(),
            what: "list:households".into(),
            scope: "c1".into(),
            format: "csv".into(),
            masked: true,
            rows: 2,
        },
    )
    .await
    .unwrap();
    assert_eq!(audit::recent(s, 5).await.unwrap().len(), 1);
    let workers = queries::run(s, &scope(&h, "s1"), "workers", &Options::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(workers.lists["devices"].len(), 2);
}
