//! A supervisor's review reaching a phone (issue 20 item 3): the relay writes it into the
//! record's document; the phone lists the records sent back without loading documents, a
//! later "checked" takes the record off the list, and an upgraded store finds reviews its
//! older app received and passed over.

use automerge::AutoCommit;
use gridkeeper_core::exchange::{ChangeSet, RecordChanges};
use gridkeeper_core::record::review::{self, Review, ReviewState};
use gridkeeper_core::{Kind, Store};
use rusqlite::Connection;
use serde_json::json;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The record's document as the relay holds it, with `state` written by the supervisor: the
/// one change that adds, as a change set a phone applies.
fn reviewed(store: &mut Store, id: &str, state: ReviewState, note: &str) -> ChangeSet {
    let all = ok(store.changes(None));
    let mut doc = AutoCommit::new();
    for r in all.records.iter().filter(|r| r.record_id == id) {
        for c in &r.changes {
            ok(doc.load_incremental(c));
        }
    }
    let before = doc.get_heads();
    ok(review::write(
        &mut doc,
        &Review {
            state,
            note: note.into(),
            by: "李主任".into(),
            at: format!(
                "2026-12-07T0{}:00:00Z",
                if state == ReviewState::Checked { 9 } else { 8 }
            ),
        },
    ));
    doc.commit();
    let changes = doc
        .get_changes(&before)
        .iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    ChangeSet {
        records: vec![RecordChanges {
            record_id: id.to_string(),
            changes,
        }],
    }
}

#[test]
fn a_returned_record_is_listed_until_it_is_checked() {
    let dir = ok(tempfile::tempdir());
    let mut store = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let id = ok(store.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"building": "3", "room": "302"}, "members": [{"name": "欧阳明"}, {"name": "欧阳亮"}]}),
    ))
    .to_string();
    let other = ok(store.create_json(
        Kind::Household,
        "g2",
        json!({"address": {"building": "4", "room": "402"}, "members": [{"name": "公孙丽"}]}),
    ))
    .to_string();
    assert!(ok(store.returned_records(None)).is_empty());

    let set = reviewed(
        &mut store,
        &id,
        ReviewState::Returned,
        "第2位成员缺身份证号",
    );
    ok(store.apply_changes(&set));
    let set = reviewed(&mut store, &other, ReviewState::Checked, "");
    ok(store.apply_changes(&set));
    let listed = ok(store.returned_records(None));
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].note, "第2位成员缺身份证号");
    assert_eq!(listed[0].by, "李主任");
    assert!(listed[0].title.contains("欧阳明"), "{:?}", listed[0].title);
    assert!(ok(store.returned_records(Some("g2"))).is_empty());

    // The worker puts it right; the supervisor checks it again.
    ok(store.patch_json(ok(id.parse()), &json!({"notes": "已补录"})));
    let set = reviewed(&mut store, &id, ReviewState::Checked, "");
    ok(store.apply_changes(&set));
    assert!(ok(store.returned_records(None)).is_empty());
    // A rebuild finds the same from the documents alone.
    ok(store.rebuild());
    assert!(ok(store.returned_records(None)).is_empty());
}

#[test]
fn a_store_upgraded_after_a_review_arrived_finds_it_at_its_next_check() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("w.db");
    let id;
    {
        let mut store = ok(Store::init(&path, Some("王芳")));
        id = ok(store.create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "5", "room": "501"}, "members": [{"name": "诸葛云"}]}),
        ))
        .to_string();
        let set = reviewed(&mut store, &id, ReviewState::Returned, "门牌号有误");
        ok(store.apply_changes(&set));
    }
    {
        // The file as the app before reviews (step 14) left it: it held the document, not the
        // list, nor anything of the steps after.
        let conn = ok(Connection::open(&path));
        ok(conn.execute_batch(
            "DROP TABLE reviews; DELETE FROM conflicts_unchecked;
             DROP TABLE tasks; DROP TABLE task_targets; DROP TABLE catch_up;",
        ));
        ok(conn.pragma_update(None, "user_version", 13));
    }
    let mut store = ok(Store::open(&path));
    assert!(ok(store.returned_records(None)).is_empty(), "not read yet");
    assert_eq!(ok(store.check_unread_conflicts(100)).left, 0);
    let listed = ok(store.returned_records(None));
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id.as_str(), listed[0].note.as_str()),
        (id.as_str(), "门牌号有误")
    );
}

#[test]
fn a_bootstrap_reads_only_documents_with_more_than_one_author() {
    let dir = ok(tempfile::tempdir());
    let mut worker = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let mut ids = Vec::new();
    for room in ["301", "302", "303"] {
        let id = ok(worker.create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "3", "room": room}, "members": [{"name": "欧阳明"}]}),
        ));
        // Edited again by the same phone: still one author.
        ok(worker.patch_json(id, &json!({"notes": "已走访"})));
        ids.push(id.to_string());
    }
    let set = reviewed(&mut worker, &ids[1], ReviewState::Returned, "门牌号有误");
    ok(worker.apply_changes(&set));

    let mut fresh = ok(Store::init(dir.path().join("fresh.db"), Some("王芳")));
    let report = ok(fresh.ingest_snapshots(ok(worker.snapshots())));
    assert_eq!(report.stored, 3);
    // Only the reviewed record (the relay wrote its review under an actor of its own) waits
    // to be read; the other two cannot hold a conflict or a review.
    assert_eq!(ok(fresh.check_unread_conflicts(0)).left, 1);
    assert!(ok(fresh.returned_records(None)).is_empty(), "not read yet");
    let page = ok(fresh.check_unread_conflicts(10));
    assert_eq!((page.read, page.left), (1, 0));
    let listed = ok(fresh.returned_records(None));
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (listed[0].id.as_str(), listed[0].note.as_str()),
        (ids[1].as_str(), "门牌号有误")
    );
    assert_eq!(ok(fresh.conflicted_count(None)), 0);
    // What was skipped is what a full reading finds: a rebuild from the documents agrees.
    ok(fresh.rebuild());
    assert_eq!(ok(fresh.returned_records(None)), listed);
    assert_eq!(ok(fresh.conflicted_count(None)), 0);
}
