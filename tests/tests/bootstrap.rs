//! A fresh phone joining a grid of 500 households with history: it gets everything, from
//! saved documents rather than change history, with progress reported monotonically up to
//! the total; projections it received equal those rebuilt from the documents.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use gridkeeper_core::Kind;
use gridkeeper_core::store::Durability;
use gridkeeper_core::sync::{Progress, SyncOptions};
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

#[test]
fn a_fresh_phone_gets_a_500_household_grid_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_boot").unwrap() {
        run(backend);
    }
}

fn run(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格"])
        .unwrap();
    relay
        .admin(&["user", "add", "w", "--role", "worker", "--scope", "g1"])
        .unwrap();

    let mut old = Phone::new(dir.path(), "old").unwrap();
    let code = relay.admin(&["enroll-code", "w"]).unwrap();
    old.enroll(&relay.url(), &code, &relay.url()).unwrap();
    {
        let path = old.path.clone();
        let mut s = gridkeeper_core::Store::open_with(&path, Durability::Normal).unwrap();
        for i in 0..500 {
            let id = s
                .create_json(
                    Kind::Household,
                    "g1",
                    json!({"address": {"building": format!("{}", i / 20), "room": format!("{}", i % 20)},
                           "members": [{"name": "住户"}, {"name": "家属", "tags": ["left_behind_child"]}]}),
                )
                .unwrap();
            if i % 3 == 0 {
                s.patch_json(id, &json!({"notes": "已走访"})).unwrap();
            }
            if i % 5 == 0 {
                s.create_json(
                    Kind::Visit,
                    "g1",
                    json!({"subject": {"kind": "household", "id": id.to_string()}}),
                )
                .unwrap();
            }
        }
    }
    old.sync(3).unwrap();
    let total = old.store().record_ids(None).unwrap().len() as u64;
    assert_eq!(total, 600);

    let mut fresh = Phone::new(dir.path(), "fresh").unwrap();
    let code = relay.admin(&["enroll-code", "w"]).unwrap();
    fresh.enroll(&relay.url(), &code, &relay.url()).unwrap();
    let mut seen: Vec<Progress> = Vec::new();
    let opts = SyncOptions {
        page: Some(100),
        timeout: Duration::from_secs(30),
        ..Default::default()
    };
    let summary = fresh
        .store()
        .sync(&opts, &mut |p| seen.push(p.clone()))
        .unwrap();

    assert_eq!(summary.snapshots, total, "every record arrived whole");
    assert_eq!(summary.pulled, 0, "no change history was needed");
    assert!(
        seen.len() >= 6,
        "600 records in pages of 100: {} callbacks",
        seen.len()
    );
    for pair in seen.windows(2) {
        assert!(
            pair[1].records_done >= pair[0].records_done,
            "progress went backwards"
        );
        assert!(pair[1].bytes_down >= pair[0].bytes_down);
    }
    let last = seen.last().unwrap();
    assert_eq!((last.records_done, last.records_total), (total, total));
    assert_eq!(
        fresh.store().export_json().unwrap(),
        old.store().export_json().unwrap()
    );

    let sent = fresh.store().projection_snapshot().unwrap();
    fresh.store().rebuild().unwrap();
    assert_eq!(sent, fresh.store().projection_snapshot().unwrap());
}
