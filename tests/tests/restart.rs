//! The relay process killed with SIGKILL while a phone pushes: after a restart, every change
//! the server acknowledged is there — read straight from the file the dead process left — and
//! the phone finishes its sync as if nothing happened.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use gridkeeper_core::{Kind, Store};
use gridkeeper_tests::phones::{Phone, send_round};
use gridkeeper_tests::relay::{Backend, Relay};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

/// One round by hand, to see exactly which changes the server acknowledged; `None` when the
/// server could not be reached or answered with an error.
fn round(
    http: &reqwest::blocking::Client,
    url: &str,
    store: &mut Store,
    acked: &mut HashSet<String>,
) -> Option<bool> {
    let resp = send_round(http, url, store, "g1")?;
    for r in &resp.results {
        assert!(r.rejected.is_none(), "{:?}", r.rejected);
        acked.insert(r.hash.clone());
    }
    let report = store.apply_sync_response(&resp).unwrap();
    Some(report.more || store.outbox_len().unwrap() > 0)
}

#[test]
fn nothing_acknowledged_is_lost_when_the_relay_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let mut relay = Relay::start(RELAY, Backend::Sqlite(dir.path().join("relay"))).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格"])
        .unwrap();
    relay
        .admin(&["user", "add", "w", "--role", "worker", "--scope", "g1"])
        .unwrap();
    let code = relay.admin(&["enroll-code", "w"]).unwrap();
    let mut phone = Phone::new(dir.path(), "phone").unwrap();
    phone.enroll(&relay.url(), &code, &relay.url()).unwrap();
    let http = reqwest::blocking::Client::new();

    // Push in small rounds from one thread; kill the relay from another part-way through.
    let pid = relay.pid().unwrap();
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    });
    let url = relay.url();
    let (mut acked, mut n, started) = (HashSet::new(), 0, Instant::now());
    loop {
        for _ in 0..5 {
            n += 1;
            phone
                .store()
                .create_json(
                    Kind::Household,
                    "g1",
                    serde_json::json!({"address": {"building": "1", "room": format!("{n}")}, "members": [{"name": "吴九"}]}),
                )
                .unwrap();
        }
        if round(&http, &url, phone.store(), &mut acked).is_none() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the relay was never killed"
        );
    }
    killer.join().unwrap();
    assert!(!acked.is_empty());

    let held: HashSet<String> = relay
        .documents("g1")
        .unwrap()
        .values()
        .flat_map(|d| {
            let doc = automerge::AutoCommit::load(&d.saved).unwrap();
            doc.clone()
                .get_changes(&[])
                .iter()
                .map(|c| c.hash().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let lost = acked.difference(&held).count();
    assert_eq!(lost, 0, "{lost} acknowledged changes lost");

    relay.restart().unwrap();
    phone.store().set_meta("sync_server", &relay.url()).unwrap();
    phone.sync(3).unwrap();
    assert_eq!(phone.store().outbox_len().unwrap(), 0);
    let code = relay.admin(&["enroll-code", "w"]).unwrap();
    let mut fresh = Phone::new(dir.path(), "fresh").unwrap();
    fresh.enroll(&relay.url(), &code, &relay.url()).unwrap();
    fresh.sync(3).unwrap();
    assert_eq!(fresh.store().record_ids(None).unwrap().len(), n);
    assert_eq!(
        fresh.store().export_json().unwrap(),
        phone.store().export_json().unwrap()
    );
}
