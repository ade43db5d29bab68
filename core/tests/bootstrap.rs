//! Bootstrap from snapshots: a fresh device stores saved documents and the sender's
//! materialized fields without loading documents, and ends up exactly where merging every
//! change would have put it — projections included, as a rebuild from the documents proves.

mod support;

use gridkeeper_core::kinds::Household;
use gridkeeper_core::kinds::case::TimelineEntry;
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::store::Snapshot;
use gridkeeper_core::{Error, Kind, Store};
use serde_json::json;
use support::{household, store};

fn seeded(dir: &tempfile::TempDir) -> Store {
    let mut a = store(dir, "worker-a");
    for i in 0..30 {
        a.create_json(
            Kind::Household,
            "grid-1",
            household(
                &format!("{}", i % 5),
                &format!("{}", 100 + i),
                &[
                    ("张三", None, Some("13912345678")),
                    ("欧阳娜娜", None, None),
                ],
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    a.create_json(
        Kind::Place,
        "grid-1",
        json!({"name": "好运来超市", "place_type": "shop", "address": {"text": "幸福路12号"}}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let case = a
        .create_json(
            Kind::Case,
            "grid-1",
            json!({"category": "hazard", "severity": "high", "description": "楼道堆物"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    a.case_transition(case, TimelineEntry::new(CaseAction::Accept))
        .unwrap_or_else(|e| panic!("{e}"));
    a.create_json(Kind::Mediation, "grid-1", json!({"dispute_type": "neighbour", "opened_on": "2026-11-01", "parties": [{"name": "甲"}], "narrative": "漏水纠纷"}))
        .unwrap_or_else(|e| panic!("{e}"));
    a
}

#[test]
fn a_fresh_device_bootstraps_from_snapshots_to_the_same_state() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = seeded(&dir);
    let snapshots = a.snapshots().unwrap_or_else(|e| panic!("{e}"));
    // Through JSON, as a page would travel.
    let text = serde_json::to_string(&snapshots).unwrap_or_else(|e| panic!("{e}"));
    let page: Vec<Snapshot> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));

    let mut b = store(&dir, "worker-b");
    let report = b
        .ingest_snapshots(page.clone())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.stored, report.merged), (snapshots.len(), 0));
    assert_eq!(
        b.export_json().unwrap_or_default(),
        a.export_json().unwrap_or_default()
    );
    let received = b.projection_snapshot().unwrap_or_default();
    b.rebuild().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        b.projection_snapshot().unwrap_or_default(),
        received,
        "projections sent differ from those computed from the documents"
    );
    assert_eq!(received, a.projection_snapshot().unwrap_or_default());
    assert!(
        !b.search("oynn", None, None, 5)
            .unwrap_or_default()
            .is_empty()
    );
    assert_eq!(
        b.outbox_len().unwrap_or_default(),
        0,
        "nothing of someone else's is ours to push"
    );

    // Ingesting the same page again (a resumed bootstrap) changes nothing.
    let again = b.ingest_snapshots(page).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (again.stored, again.merged, again.unchanged),
        (0, 0, snapshots.len())
    );
    assert_eq!(
        b.export_json().unwrap_or_default(),
        a.export_json().unwrap_or_default()
    );
}

#[test]
fn a_device_given_back_its_own_records_merges_only_what_it_changed_since() {
    // A worker's first sync after working offline: the pull brings back as snapshots the
    // records the push just sent. Those at the heads this store has are left as they are.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = seeded(&dir);
    let snapshots = a.snapshots().unwrap_or_else(|e| panic!("{e}"));
    let id = a.record_ids(Some(Kind::Household)).unwrap_or_default()[0];
    a.update::<Household>(id, |h| h.notes = "快照之后的修改".into())
        .unwrap_or_else(|e| panic!("{e}"));
    let before = a.export_json().unwrap_or_default();
    let report = a
        .ingest_snapshots(snapshots.clone())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (report.stored, report.merged, report.unchanged),
        (0, 1, snapshots.len() - 1)
    );
    assert_eq!(a.export_json().unwrap_or_default(), before);
    let h = a
        .get::<Household>(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .data;
    assert_eq!(h.notes, "快照之后的修改");
}

#[test]
fn a_snapshot_of_a_record_edited_here_is_merged_not_overwritten() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = seeded(&dir);
    let mut b = store(&dir, "worker-b");
    b.apply_changes(&a.changes(None).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"));
    let id = a.record_ids(Some(Kind::Household)).unwrap_or_default()[0];
    a.update::<Household>(id, |h| h.notes = "A 的走访记录".into())
        .unwrap_or_else(|e| panic!("{e}"));
    b.update::<Household>(id, |h| h.tags = vec!["出租户".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    let snapshots = a.snapshots().unwrap_or_else(|e| panic!("{e}"));
    let report = b
        .ingest_snapshots(snapshots)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.stored, 0);
    let h = b
        .get::<Household>(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .data;
    assert_eq!(
        (h.notes.as_str(), h.tags.clone()),
        ("A 的走访记录", vec!["出租户".to_string()])
    );
}

#[test]
fn a_malformed_page_is_rejected_whole() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = seeded(&dir);
    let mut page = a.snapshots().unwrap_or_else(|e| panic!("{e}"));
    page[3].data = json!({"name": 42});
    let mut b = store(&dir, "worker-b");
    assert!(matches!(
        b.ingest_snapshots(page.clone()),
        Err(Error::BadChanges(_))
    ));
    assert!(b.record_ids(None).unwrap_or_default().is_empty());
    page[3].kind = "castle".into();
    assert!(matches!(
        b.ingest_snapshots(page.clone()),
        Err(Error::BadChanges(_))
    ));
}
