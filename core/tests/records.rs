//! The record framework end to end on a real SQLite file: create, read, edit, archive,
//! masking, history, search.

mod support;

use gridkeeper_core::kinds::Household;
use gridkeeper_core::{Error, Kind};
use serde_json::json;
use support::{household, id_number, store};

#[test]
fn create_get_update_archive_round_trip() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "worker-a");
    let idn = id_number("110105", "19490101", 123);
    let id = s
        .create_json(
            Kind::Household,
            "grid-1",
            household(
                "3",
                "501",
                &[("张三", Some(idn.clone()), Some("138 1234 5678"))],
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));

    let rec = s.get::<Household>(id).unwrap_or_else(|e| panic!("{e}"));
    let m = &rec.data.members[0];
    assert_eq!(m.phone.as_deref(), Some("13812345678"), "phone normalized");
    assert_eq!(
        m.birth_date.as_deref(),
        Some("1949-01-01"),
        "birth date derived from ID"
    );
    assert!(!m.id.is_empty(), "member got an id");

    let masked = s.get_json(id, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(masked["data"]["members"][0]["phone"], json!("138****5678"));
    assert_ne!(masked["data"]["members"][0]["id_number"], json!(idn));
    let full = s.get_json(id, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(full["data"]["members"][0]["id_number"], json!(idn));

    let changed = s
        .patch_json(
            id,
            &json!({"notes": "独居，腿脚不便", "housing_type": "rented"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(changed);
    let again = s
        .patch_json(id, &json!({"notes": "独居，腿脚不便"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!again, "writing the same value is not a change");

    let hist = s.history(id).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0].summary, "created");
    assert_eq!(
        hist[1].fields,
        vec!["housing_type".to_string(), "notes".to_string()]
    );
    assert_eq!(hist[1].user.as_deref(), Some("worker-a"));

    assert_eq!(
        s.outbox_len().unwrap_or_default(),
        2,
        "both local changes queued"
    );

    s.set_archived(id, true).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        s.list_json(Kind::Household, None, None, false)
            .unwrap_or_default()
            .is_empty()
    );
    assert!(
        s.get_json(id, false).is_ok(),
        "archived records are still readable"
    );
}

#[test]
fn invalid_input_names_the_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "worker-a");
    let good = id_number("110105", "19800101", 11);
    let bad = household(
        "1",
        "101",
        &[
            ("李四", Some(good), None),
            ("王五", Some("110105199902300012".into()), None),
        ],
    );
    match s.create_json(Kind::Household, "grid-1", bad) {
        Err(Error::Invalid(inv)) => assert_eq!(inv.field, "members[1].id_number"),
        other => panic!("expected invalid, got {other:?}"),
    }
    assert_eq!(s.record_ids(None).unwrap_or_default().len(), 0);
    assert_eq!(s.outbox_len().unwrap_or_default(), 0);
}

#[test]
fn search_by_chinese_pinyin_and_phone_suffix() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "worker-a");
    let a = s
        .create_json(
            Kind::Household,
            "g",
            household("1", "101", &[("张三", None, Some("13912345678"))]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let b = s
        .create_json(
            Kind::Household,
            "g",
            household("2", "202", &[("张三丰", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let c = s
        .create_json(
            Kind::Household,
            "g",
            household("3", "303", &[("吉𠮷", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let ids = |q: &str| {
        s.search(q, None, None, 10)
            .unwrap_or_default()
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids("张三").first(),
        Some(&a.to_string()),
        "exact name first"
    );
    assert!(ids("张三").contains(&b.to_string()));
    assert_eq!(ids("zs").first(), Some(&a.to_string()));
    assert!(ids("zhangs").contains(&a.to_string()));
    assert_eq!(ids("5678"), vec![a.to_string()]);
    assert_eq!(ids("𠮷"), vec![c.to_string()]);
    let full = s.get_json(c, true).unwrap_or_default();
    assert_eq!(
        full["data"]["members"][0]["name"],
        json!("吉𠮷"),
        "characters outside the BMP round-trip"
    );
}

#[test]
fn edits_append_to_the_stored_document_and_compact_periodically() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "worker-a");
    let id = s
        .create_json(
            Kind::Household,
            "grid-1",
            household("1", "101", &[("许仙", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let tail = |s: &gridkeeper_core::Store| -> i64 {
        s.connection()
            .query_row(
                "SELECT tail FROM records WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap_or(-1)
    };
    assert_eq!(tail(&s), 1, "a new record is stored as its first change");
    let mut max_tail = 0;
    for n in 0..40 {
        s.patch_json(id, &json!({"notes": format!("第{n}次走访")}))
            .unwrap_or_else(|e| panic!("{e}"));
        max_tail = max_tail.max(tail(&s));
    }
    assert!(
        max_tail < 16,
        "compacted before the tail grew past the bound"
    );
    assert!(tail(&s) < max_tail || max_tail == 15);
    let h = s.get::<Household>(id).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.data.notes, "第39次走访");
    assert_eq!(s.history(id).unwrap_or_default().len(), 41);
    assert_eq!(
        s.outbox_len().unwrap_or_default(),
        41,
        "every change queued exactly once"
    );
}

#[test]
fn a_renamed_member_is_no_longer_found_by_the_old_name() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "worker-a");
    let id = s
        .create_json(
            Kind::Household,
            "g",
            household("1", "101", &[("李四", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    s.update::<Household>(id, |h| h.members[0].name = "王五".into())
        .unwrap_or_else(|e| panic!("{e}"));
    for stale in ["李四", "李", "ls", "lisi"] {
        assert!(
            s.search(stale, None, None, 10)
                .unwrap_or_default()
                .is_empty(),
            "{stale} still finds it"
        );
    }
    assert_eq!(
        s.search("王五", None, None, 10).unwrap_or_default().len(),
        1
    );
}
