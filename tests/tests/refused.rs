//! Nothing set aside silently: an edit the relay refuses for good is kept on the phone, and
//! the phone's status says so — how many, which record, why in the worker's words — with the
//! last sync's error set, instead of a clean success.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_core::Kind;
use gridkeeper_core::sync::CHANGES_REFUSED;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

#[test]
fn a_refused_edit_shows_in_the_status_with_its_reason() {
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, Backend::Sqlite(data.path().join("relay"))).unwrap();
    for (id, name) in [("g1", "第一网格"), ("g2", "第二网格")] {
        relay.admin(&["grid", "add", id, "--name", name]).unwrap();
    }
    relay
        .admin(&["user", "add", "王芳", "--role", "worker", "--scope", "g1"])
        .unwrap();
    let code = relay.admin(&["enroll-code", "王芳"]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut p = Phone::new(dir.path(), "wang").unwrap();
    p.enroll(&relay.url(), &code, &relay.url()).unwrap();

    let fine = p
        .store()
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "1", "room": "101"}}),
        )
        .unwrap();
    let stray = p
        .store()
        .create_json(
            Kind::Household,
            "g2",
            json!({"address": {"building": "2", "room": "201"}}),
        )
        .unwrap();
    let summary = p.sync(1).unwrap();
    assert!(
        summary.rejected.iter().any(|(_, c)| c == "out_of_scope"),
        "{:?}",
        summary.rejected
    );

    let status = p.store().sync_status().unwrap();
    assert_eq!(
        status.pending_changes, 0,
        "the refused edit left the outbox"
    );
    assert_eq!(status.refused_changes, 1);
    assert_eq!(status.refused.len(), 1);
    let r = &status.refused[0];
    assert_eq!(r.record_id, stray.to_string());
    assert_eq!(r.kind, "household");
    assert_eq!(r.changes, 1);
    assert_eq!(r.code, "out_of_scope");
    assert!(r.reason_zh.contains("负责范围"), "{}", r.reason_zh);
    assert!(r.reason_zh.contains("仍保存在手机上"), "{}", r.reason_zh);
    assert!(
        r.reason_en.contains("kept on this phone"),
        "{}",
        r.reason_en
    );
    assert_eq!(status.last_error_code.as_deref(), Some(CHANGES_REFUSED));
    assert!(
        status
            .last_error_message
            .as_deref()
            .is_some_and(|m| m.contains('1') && m.contains("没有收下")),
        "{:?}",
        status.last_error_message
    );
    // The record itself is still there for the worker, and the other one went through.
    assert!(p.store().get_json(stray, true).is_ok());
    assert_eq!(
        relay
            .documents("g1")
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        vec![fine.to_string()]
    );

    // Requeued (after someone put the cause right), it waits again; refused again, it is
    // set aside again — never dropped.
    assert_eq!(p.store().requeue_refused().unwrap(), 1);
    let status = p.store().sync_status().unwrap();
    assert_eq!((status.pending_changes, status.refused_changes), (1, 0));
    assert!(status.refused.is_empty());
    p.sync(1).unwrap();
    let status = p.store().sync_status().unwrap();
    assert_eq!((status.pending_changes, status.refused_changes), (0, 1));
}
