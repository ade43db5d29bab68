//! A phone whose storage filled up (photos, as happens) must still sync what it holds: the
//! server takes its outbox and the acknowledged changes leave it, which frees space; what
//! others sent waits on the server until there is room, and then arrives. Real relay, real
//! SQLite files; the store's size is capped with SQLite's `max_page_count`, which fails a
//! write exactly as a full filesystem does (SQLITE_FULL).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_core::Kind;
use gridkeeper_core::sync::SyncError;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

fn cap(p: &mut Phone, pages: Option<i64>) {
    let conn = p.store().connection();
    let pages = match pages {
        Some(n) => n,
        None => conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap(),
    };
    conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
        r.get::<_, i64>(0)
    })
    .unwrap();
}

fn households(p: &mut Phone, prefix: &str, n: usize) {
    for i in 0..n {
        p.store()
            .create_json(
                Kind::Household,
                "g1",
                json!({"address": {"building": prefix, "room": format!("{i}")},
                       "members": [{"name": "住户"}], "notes": "入户登记".repeat(200)}),
            )
            .unwrap();
    }
}

#[test]
fn a_full_phone_still_empties_its_outbox() {
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, Backend::Sqlite(data.path().join("relay"))).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格"])
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut phones = relay
        .enrolled_workers(dir.path(), "g1", &["王芳", "李强"])
        .unwrap();
    let [full, other] = &mut phones[..] else {
        unreachable!()
    };
    full.sync(1).unwrap();
    households(full, "1", 30);
    households(other, "2", 30);
    other.sync(1).unwrap();
    assert_eq!(full.store().outbox_len().unwrap(), 30);

    cap(full, None);
    match full.sync(1) {
        Err(SyncError::Store(gridkeeper_core::Error::StorageFull)) => {}
        other => panic!("expected storage full, got {other:?}"),
    }
    assert_eq!(
        full.store().outbox_len().unwrap(),
        0,
        "the server took the outbox and it left the phone"
    );
    assert_eq!(relay.documents("g1").unwrap().len(), 60);
    assert_eq!(full.store().integrity_check().unwrap(), "ok");
    assert_eq!(
        full.store().record_ids(None).unwrap().len(),
        30,
        "its own work intact"
    );
    let status = full.store().sync_status().unwrap();
    assert_eq!(status.last_error_code.as_deref(), Some("storage_full"));
    assert!(
        status
            .last_error_message
            .as_deref()
            .is_some_and(|m| m.contains("存储空间已满")),
        "{:?}",
        status.last_error_message
    );

    // Space again: what waited on the server arrives, and the two phones agree.
    cap(full, Some(1_073_741_823));
    full.sync(1).unwrap();
    other.sync(1).unwrap();
    assert_eq!(full.store().record_ids(None).unwrap().len(), 60);
    assert_eq!(
        full.store().export_json().unwrap(),
        other.store().export_json().unwrap()
    );
}
