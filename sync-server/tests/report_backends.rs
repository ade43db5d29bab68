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

conformance!(failed_items_by_category_on_builtin_and_published_templates);

fn inspection(
    grid: &str,
    template: &str,
    version: u32,
    at: &str,
    answers: serde_json::Value,
) -> Vec<gridkeeper_server::reports::sql::Stmt> {
    gridkeeper_server::reports::rows::statements(&gridkeeper_server::materialize::DocState {
        record_id: gridkeeper_core::RecordId::new().to_string(),
        grid: grid.into(),
        kind: "inspection".into(),
        archived: false,
        schema_version: 1,
        created_at: at.into(),
        saved: vec![],
        heads: vec![],
        data: Some(json!({"template_id": template, "template_version": version,
            "subject": {"kind": "place", "id": gridkeeper_core::RecordId::new().to_string()},
            "inspected_at": at, "inspector": "w", "status": "completed", "completed_at": at, "answers": answers})),
        flagged: None,
        seq: 0,
    })
}

/// An XLSForm with two pass/fail items: `door` (fire) and `cable` (no category → other).
fn street_form() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("survey").unwrap();
    for (r, row) in [
        ["type", "name", "label", "hazard_category"],
        ["pass_fail_na", "door", "防火门常闭", "fire"],
        ["pass_fail_na", "cable", "线缆整齐", ""],
    ]
    .iter()
    .enumerate()
    {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

async fn failed_items_by_category_on_builtin_and_published_templates(b: &Backend) {
    use gridkeeper_server::templates;
    let s = b.storage.as_ref();
    let h = tree(s).await;
    let at = (Utc::now() - Duration::days(3))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    // Built-in fire_safety v1 (hand-computed from core/templates/fire_safety.json):
    // ext_present fail (fire); ext_in_date hidden unless ext_present = pass; wiring fail
    // (electric); corridor_width 2.0 ≥ 1.1 passes → grid-1: fire 1, electric 1.
    s.report_write(&inspection("grid-1", "fire_safety", 1, &at, json!({"ext_present": "fail", "ext_in_date": "fail", "wiring": "fail", "corridor_width": 2.0}))).await.unwrap();
    // A street template, as a draft: not known to reports until published.
    templates::import(s, "u", "street_check", 1, &street_form())
        .await
        .unwrap();
    s.report_write(&inspection(
        "grid-2",
        "street_check",
        1,
        &at,
        json!({"door": "fail", "cable": "fail"}),
    ))
    .await
    .unwrap();
    assert_eq!(
        figure(s, &h, "inspections", "c1", "unknown_template").await,
        1
    );
    assert_eq!(figure(s, &h, "inspections", "c1", "failed_items").await, 2);
    templates::publish(s, "u", "street_check", 1).await.unwrap();
    // Published: door (fire) and cable (other) → c1: fire 2, electric 1, other 1.
    for (key, want) in [
        ("failed_items", 4),
        ("failed.fire", 2),
        ("failed.electric", 1),
        ("failed.other", 1),
        ("unknown_template", 0),
    ] {
        assert_eq!(
            figure(s, &h, "inspections", "c1", key).await,
            want,
            "{} {key}",
            b.name
        );
    }
    assert_eq!(
        figure(s, &h, "inspections", "grid-2", "failed.other").await,
        1
    );
}
