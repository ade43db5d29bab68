//! A supervisor's review travels through the real sync (issue 20 item 3), on a relay process
//! over loopback with real store files (SQLite, and PostgreSQL under `scripts/with-postgres`):
//! the supervisor sends a household back with a note, the worker's phone shows it in
//! 今日工作 after its next sync — also on a phone that bootstraps the grid afresh — the worker
//! puts it right, the supervisor marks it checked, and it leaves the list.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_app::Lang;
use gridkeeper_app::today::{Today, TodayEvent};
use gridkeeper_core::Kind;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

fn review(relay: &Relay, token: &str, record: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/v1/records/{record}/review", relay.url()))
        .bearer_auth(token)
        .json(body)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

fn returned_lines(p: &mut Phone) -> Vec<(String, String)> {
    let mut today = Today::new(Some("g1".into()), Lang::Zh);
    today.update(p.store(), TodayEvent::Refresh { at: 1_796_000_000 });
    today
        .view()
        .returned
        .iter()
        .map(|l| (l.title.clone(), l.detail.clone()))
        .collect()
}

#[test]
fn a_household_sent_back_reaches_the_workers_today_and_leaves_it_when_checked() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "reviews").unwrap() {
        sent_back(backend, dir.path());
    }
}

fn sent_back(backend: Backend, dir: &std::path::Path) {
    let name = backend.name();
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "c1", "--name", "社区"])
        .unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格", "--parent", "c1"])
        .unwrap();
    let dir = dir.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut phones = Vec::new();
    for (user, role) in [
        ("wang", "worker"),
        ("wang2", "worker"),
        ("li", "supervisor"),
    ] {
        relay
            .admin(&[
                "user",
                "add",
                user,
                "--role",
                role,
                "--scope",
                if role == "worker" { "g1" } else { "c1" },
            ])
            .unwrap();
        let code = relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(&dir, user).unwrap();
        p.enroll(&relay.url(), &code, &relay.url()).unwrap();
        phones.push(p);
    }
    let [worker, fresh, sup] = &mut phones[..] else {
        unreachable!()
    };
    let house = worker
        .store()
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "6", "room": "602"}, "members": [{"name": "皇甫兰"}, {"name": "皇甫竹"}]}),
        )
        .unwrap()
        .to_string();
    worker.sync(3).unwrap();
    let sup_token = sup.store().meta("sync_token").unwrap().unwrap();
    let worker_token = worker.store().meta("sync_token").unwrap().unwrap();

    let note = json!({"state": "returned", "note": "第2位成员缺身份证号"});
    assert_eq!(
        review(&relay, &worker_token, &house, &note).0,
        403,
        "{name}: a worker"
    );
    let (status, r) = review(&relay, &sup_token, &house, &note);
    assert_eq!(status, 200, "{name}: {r}");
    assert!(returned_lines(worker).is_empty(), "not before the sync");
    worker.sync(3).unwrap();
    let lines = returned_lines(worker);
    assert_eq!(lines.len(), 1, "{name}: {lines:?}");
    assert!(lines[0].0.contains("皇甫兰"), "{lines:?}");
    assert_eq!(lines[0].1, "li退回：第2位成员缺身份证号");
    // A phone that bootstraps the grid finds it at the check its sync makes of what it took in.
    fresh.sync(3).unwrap();
    assert_eq!(returned_lines(fresh), lines, "{name}: bootstrapped");

    // The worker puts it right; the supervisor looks again and marks it checked.
    worker
        .store()
        .patch_json(house.parse().unwrap(), &json!({"notes": "已补录身份证号"}))
        .unwrap();
    worker.sync(3).unwrap();
    let (status, _) = review(&relay, &sup_token, &house, &json!({"state": "checked"}));
    assert_eq!(status, 200);
    worker.sync(3).unwrap();
    fresh.sync(3).unwrap();
    assert!(returned_lines(worker).is_empty(), "{name}");
    assert!(returned_lines(fresh).is_empty(), "{name}");
    // The worker's edit and the review both stand, on the relay and on both phones.
    let docs = relay.documents("g1").unwrap();
    assert_eq!(
        docs[&house].data.as_ref().unwrap()["notes"],
        "已补录身份证号"
    );
    let got = fresh
        .store()
        .get_json(house.parse().unwrap(), true)
        .unwrap();
    assert_eq!(got["data"]["notes"], "已补录身份证号", "{got}");
}
