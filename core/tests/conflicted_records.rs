//! The grid-wide list of records with unresolved conflicts: kept as records are written, so
//! listing them loads no document; filled for records a store held before the list existed.

mod support;

use gridkeeper_core::kinds::Household;
use gridkeeper_core::wire::WireErasure;
use gridkeeper_core::{Kind, RecordId, Store};
use rusqlite::Connection;
use support::{exchange, household, store};

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// Two phones set the same member's phone differently and trade their changes.
fn conflicted_pair(dir: &tempfile::TempDir) -> (Store, Store, RecordId, RecordId) {
    let mut a = store(dir, "worker-a");
    let mut b = store(dir, "worker-b");
    let id = ok(a.create_json(
        Kind::Household,
        "grid-1",
        household("5", "302", &[("赵敏", None, Some("13800000001"))]),
    ));
    let calm = ok(a.create_json(
        Kind::Household,
        "grid-1",
        household("5", "303", &[("周芷若", None, None)]),
    ));
    exchange(&mut a, &mut b);
    assert!(ok(a.conflicted_records(None)).is_empty());
    ok(a.update::<Household>(id, |h| h.members[0].phone = Some("13811112222".into())));
    ok(b.update::<Household>(id, |h| h.members[0].phone = Some("13933334444".into())));
    // Concurrent edits of different fields do not conflict.
    ok(a.update::<Household>(calm, |h| h.notes = "复查".into()));
    ok(b.update::<Household>(calm, |h| h.members[0].phone = Some("13700000002".into())));
    exchange(&mut a, &mut b);
    (a, b, id, calm)
}

#[test]
fn a_merge_that_leaves_concurrent_values_flags_the_record_on_both_phones() {
    let dir = ok(tempfile::tempdir());
    let (a, b, id, _) = conflicted_pair(&dir);
    for s in [&a, &b] {
        let listed = ok(s.conflicted_records(Some("grid-1")));
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].id, id.to_string());
        assert_eq!(listed[0].kind, "household");
        assert_eq!(listed[0].fields, 1);
        assert!(listed[0].title.contains("赵敏"), "{}", listed[0].title);
        assert_eq!(ok(s.conflicted_count(Some("grid-1"))), 1);
        assert_eq!(ok(s.conflicted_count(Some("grid-2"))), 0);
    }
}

#[test]
fn resolving_or_merging_the_resolution_clears_the_flag() {
    let dir = ok(tempfile::tempdir());
    let (mut a, mut b, id, _) = conflicted_pair(&dir);
    ok(a.resolve_conflict(id, "members[0].phone", 0));
    assert_eq!(ok(a.conflicted_count(None)), 0, "resolved here");
    assert_eq!(ok(b.conflicted_count(None)), 1, "not yet heard of");
    exchange(&mut a, &mut b);
    assert_eq!(ok(b.conflicted_count(None)), 0, "merged away");
    // The flag is derived data: a rebuild from the documents agrees.
    let before = ok(b.projection_snapshot());
    ok(b.rebuild());
    assert_eq!(ok(b.projection_snapshot()), before);
}

#[test]
fn the_flag_equals_what_a_rebuild_computes_from_the_documents() {
    let dir = ok(tempfile::tempdir());
    let (mut a, _, _, _) = conflicted_pair(&dir);
    let before = ok(a.projection_snapshot());
    assert_eq!(
        before
            .iter()
            .filter(|r| r.starts_with("Text(\"c\")"))
            .count(),
        1,
        "{before:?}"
    );
    ok(a.rebuild());
    assert_eq!(ok(a.projection_snapshot()), before);
}

#[test]
fn a_store_from_before_the_list_is_filled_on_upgrade() {
    let dir = ok(tempfile::tempdir());
    let (a, _, id, _) = conflicted_pair(&dir);
    let path = dir.path().join("worker-a.db");
    drop(a);
    {
        // Wind the file back to the schema before step 12: what an older app left behind.
        let conn = ok(Connection::open(&path));
        ok(conn.execute_batch(
            "DROP TABLE record_conflicts; DROP TABLE conflicts_unchecked; DROP TABLE moved_records; DROP TABLE reviews;
             DROP TABLE tasks; DROP TABLE task_targets; DROP TABLE catch_up;",
        ));
        ok(conn.pragma_update(None, "user_version", 11));
    }
    let upgraded = ok(Store::open(&path));
    let listed = ok(upgraded.conflicted_records(None));
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].id, id.to_string());
    assert_eq!(listed[0].fields, 1);
    assert_eq!(ok(upgraded.meta("projections_stale")), None);
}

#[test]
fn an_erased_record_leaves_the_list() {
    let dir = ok(tempfile::tempdir());
    let (mut a, _, id, _) = conflicted_pair(&dir);
    let purged = ok(a.apply_erasures(&[WireErasure {
        record_id: id.to_string(),
        seq: 1,
        whole: true,
        moved_to: None,
    }]));
    assert_eq!(purged.records, 1);
    assert_eq!(ok(a.conflicted_count(None)), 0);
}

#[test]
fn a_bootstrapped_record_is_read_for_conflicts_after_the_pull() {
    let dir = ok(tempfile::tempdir());
    let (mut a, _, id, _) = conflicted_pair(&dir);
    // A third phone bootstraps from a's snapshots: documents stored unread, conflicts unknown.
    let mut c = store(&dir, "worker-c");
    let report = ok(c.ingest_snapshots(ok(a.snapshots())));
    assert_eq!(report.stored, 2);
    assert_eq!(ok(c.conflicted_count(None)), 0, "not read yet");
    let first = ok(c.check_unread_conflicts(1));
    assert_eq!(
        (first.read, first.left),
        (1, 1),
        "one page read, one record left"
    );
    let more = ok(c.check_unread_conflicts(10));
    assert_eq!((more.read, more.left), (1, 0));
    let found: Vec<String> = first.flagged.into_iter().chain(more.flagged).collect();
    assert_eq!(found, [id.to_string()]);
    assert_eq!(
        ok(c.conflicted_records(None)),
        ok(a.conflicted_records(None))
    );
}
