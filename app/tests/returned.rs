//! What a supervisor sent back shows in 今日工作 (issue 20 item 3): a household opens itself,
//! a visit opens the household it was about, the note and who sent it are on the line, and a
//! later "checked" takes it off.

use automerge::AutoCommit;
use gridkeeper_app::today::{Target, Today, TodayEvent};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::exchange::{ChangeSet, RecordChanges};
use gridkeeper_core::record::review::{self, Review, ReviewState};
use gridkeeper_core::{Kind, Store};
use serde_json::json;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The supervisor's review as the relay writes it: one change on the record's document.
fn review_of(store: &mut Store, id: &str, state: ReviewState, note: &str, at: &str) {
    let all = ok(store.changes(None));
    let mut doc = AutoCommit::new();
    for r in all.records.iter().filter(|r| r.record_id == id) {
        for c in &r.changes {
            ok(doc.load_incremental(c));
        }
    }
    let before = doc.get_heads();
    let r = Review {
        state,
        note: note.into(),
        by: "李主任".into(),
        at: at.into(),
    };
    ok(review::write(&mut doc, &r));
    doc.commit();
    let set = ChangeSet {
        records: vec![RecordChanges {
            record_id: id.to_string(),
            changes: doc
                .get_changes(&before)
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect(),
        }],
    };
    ok(store.apply_changes(&set));
}

#[test]
fn records_sent_back_are_todays_work_until_checked() {
    let dir = ok(tempfile::tempdir());
    let mut s = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let house = ok(s.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"building": "8", "room": "801"}, "members": [{"name": "慕容雪"}, {"name": "慕容霜"}]}),
    ))
    .to_string();
    let visit = ok(s.create_json(
        Kind::Visit,
        "g1",
        json!({"subject": {"kind": "household", "id": house}, "purpose": "routine", "findings": "家中无人"}),
    ))
    .to_string();
    review_of(
        &mut s,
        &house,
        ReviewState::Returned,
        "第2位成员缺身份证号",
        "2026-12-07T08:00:00Z",
    );
    review_of(
        &mut s,
        &visit,
        ReviewState::Returned,
        "请补拍照片",
        "2026-12-07T09:00:00Z",
    );

    let mut today = Today::new(Some("g1".into()), Lang::Zh);
    today.update(&mut s, TodayEvent::Refresh { at: 1_796_000_000 });
    let lines = today.view().returned.clone();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].title.starts_with("住户"), "{:?}", lines[0].title);
    assert_eq!(lines[0].detail, "李主任退回：第2位成员缺身份证号");
    assert_eq!(
        lines[0].target,
        Target::Household {
            id: house.clone(),
            member_id: String::new()
        }
    );
    assert!(lines[1].title.starts_with("走访"));
    assert_eq!(lines[1].detail, "李主任退回：请补拍照片");
    assert_eq!(
        lines[1].target,
        Target::Household {
            id: house.clone(),
            member_id: String::new()
        },
        "a visit opens the household it was about"
    );
    assert_eq!(today.view().empty_text, None);
    let effects = today.update(&mut s, TodayEvent::Open(lines[1].target.clone()));
    assert!(matches!(&effects[..], [Effect::Open { .. }]), "{effects:?}");

    let mut en = Today::new(Some("g1".into()), Lang::En);
    en.update(&mut s, TodayEvent::Refresh { at: 1_796_000_000 });
    assert_eq!(
        en.view().returned[0].detail,
        "Sent back by 李主任: 第2位成员缺身份证号"
    );

    review_of(
        &mut s,
        &house,
        ReviewState::Checked,
        "",
        "2026-12-08T08:00:00Z",
    );
    today.update(&mut s, TodayEvent::Refresh { at: 1_796_000_000 });
    let lines = &today.view().returned;
    assert_eq!(lines.len(), 1);
    assert!(lines[0].title.starts_with("走访"));
}
