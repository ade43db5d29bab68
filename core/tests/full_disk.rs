//! A full phone: every write path answers with the typed `StorageFull` error, writes
//! nothing, and leaves everything written before intact; once space is back, work goes on.
//! The file's size is capped with SQLite's `max_page_count`, which fails a write exactly as a
//! full filesystem does (SQLITE_FULL), on a real store file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use gridkeeper_core::kinds::Household;
use gridkeeper_core::{Error, Kind, Store};
use serde_json::json;

fn fill_to_the_brim(store: &Store) {
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store
        .connection()
        .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
}

fn room(store: &Store) {
    store
        .connection()
        .query_row("PRAGMA max_page_count = 1073741823", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
}

#[test]
fn every_write_on_a_full_phone_is_refused_whole_and_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = support::store(&dir, "full");
    let mut ids = Vec::new();
    for i in 0..20 {
        let h = support::household("1", &format!("{i}"), &[("住户", None, Some("13812345678"))]);
        ids.push(s.create_json(Kind::Household, "g1", h).unwrap());
    }
    let before = s.export_json().unwrap();
    let outbox = s.outbox_len().unwrap();
    fill_to_the_brim(&s);

    let big = "很长的备注".repeat(390);
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.resize(200_000, 0x11);
    let attempts: Vec<(&str, gridkeeper_core::Result<()>)> = vec![
        (
            "create",
            s.create_json(
                Kind::Household,
                "g1",
                json!({"address": {"building": "9", "room": "901"}, "notes": big}),
            )
            .map(|_| ()),
        ),
        (
            "update",
            s.update::<Household>(ids[0], |h| h.notes = big.clone())
                .map(|_| ()),
        ),
        (
            "patch",
            s.patch_json(ids[1], &json!({"notes": big})).map(|_| ()),
        ),
        (
            "attach a photo",
            s.add_blob(&photo, Some("image/jpeg")).map(|_| ()),
        ),
    ];
    for (what, outcome) in attempts {
        assert!(
            matches!(outcome, Err(Error::StorageFull)),
            "{what}: {outcome:?}"
        );
    }
    assert_eq!(s.integrity_check().unwrap(), "ok");
    assert_eq!(s.export_json().unwrap(), before, "nothing half written");
    assert_eq!(
        s.outbox_len().unwrap(),
        outbox,
        "no change queued for an edit not made"
    );
    assert!(
        s.blobs_to_upload(10).unwrap().is_empty(),
        "no photo half stored"
    );

    // Space again: the same edit goes through.
    room(&s);
    assert!(
        s.update::<Household>(ids[0], |h| h.notes = big.clone())
            .unwrap()
    );
    assert_eq!(s.outbox_len().unwrap(), outbox + 1);
}
