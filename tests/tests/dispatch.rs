//! A case dispatched and verified (issue 20 item 2), on a relay process over loopback with
//! real store files (SQLite, and PostgreSQL under `scripts/with-postgres`): the worker reports
//! a hazard from the phone; the supervisor dispatches it to the property manager (a handling
//! party of the community) with a date to act by; the worker's phone shows it; the
//! supervisor records the property manager's result; the worker verifies on site with a
//! photo and closes it from the phone; relay and phone agree on every entry.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_app::Lang;
use gridkeeper_app::cases::{CaseDetail, CaseDetailEvent};
use gridkeeper_core::Kind;
use gridkeeper_core::kinds::case::TimelineEntry;
use gridkeeper_core::kinds::case_flow::{CaseAction, CaseState};
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

/// The smallest JFIF: SOI, an APP0 header, EOI.
const JPEG_HEX: &str = "ffd8ffe000104a46494600010100000100010000ffd9";

fn post(relay: &Relay, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .post(format!("{}{path}", relay.url()))
        .bearer_auth(token)
        .json(body)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

#[test]
fn a_case_is_dispatched_handled_verified_on_site_and_closed() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "dispatch").unwrap() {
        dispatched(backend, dir.path());
    }
}

fn dispatched(backend: Backend, dir: &std::path::Path) {
    let name = backend.name();
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "c1", "--name", "社区"])
        .unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格", "--parent", "c1"])
        .unwrap();
    relay
        .admin(&["grid", "add", "c2", "--name", "别的社区"])
        .unwrap();
    relay.admin(&["party", "c1", "幸福里物业"]).unwrap();
    relay.admin(&["party", "c2", "别处派出所"]).unwrap();
    assert!(relay.admin(&["parties"]).unwrap().contains("幸福里物业"));
    let dir = dir.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut phones = Vec::new();
    for (user, role, scope) in [("wang", "worker", "g1"), ("li", "supervisor", "c1")] {
        relay
            .admin(&["user", "add", user, "--role", role, "--scope", scope])
            .unwrap();
        let code = relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(&dir, user).unwrap();
        p.enroll(&relay.url(), &code, &relay.url()).unwrap();
        phones.push(p);
    }
    let [worker, sup] = &mut phones[..] else {
        unreachable!()
    };
    let case = worker
        .store()
        .create_json(
            Kind::Case,
            "g1",
            json!({"category": "hazard", "severity": "high", "description": "楼道堆放纸箱"}),
        )
        .unwrap();
    worker.sync(3).unwrap();
    let sup_token = sup.store().meta("sync_token").unwrap().unwrap();
    let worker_token = worker.store().meta("sync_token").unwrap().unwrap();
    let path = format!("/v1/records/{case}/dispatch");
    let body = json!({"party": "幸福里物业", "handle_by": "2026-12-20", "note": "请三日内清理"});

    assert_eq!(
        post(&relay, &worker_token, &path, &body).0,
        403,
        "{name}: a worker"
    );
    let (status, r) = post(
        &relay,
        &sup_token,
        &path,
        &json!({"party": "别处派出所", "handle_by": "2026-12-20"}),
    );
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (400, Some("invalid_dispatch")),
        "another community's party"
    );
    let result = format!("/v1/records/{case}/result");
    let (status, r) = post(&relay, &sup_token, &result, &json!({"note": "已清理"}));
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (409, Some("case_state")),
        "not dispatched yet"
    );
    let (status, r) = post(&relay, &sup_token, &path, &body);
    assert_eq!(
        (status, r["state"].as_str()),
        (200, Some("accepted")),
        "{name}: {r}"
    );

    // The worker's phone shows where it went and by when.
    worker.sync(3).unwrap();
    let mut detail = CaseDetail::new(case, Lang::Zh);
    detail.update(worker.store(), CaseDetailEvent::Load { at: 1_796_000_000 });
    let lines: Vec<String> = detail
        .view()
        .timeline
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("派遣至幸福里物业，2026-12-20前处理")),
        "{lines:?}"
    );

    // The property manager's result, recorded by the supervisor: resolved, to be verified.
    let (status, r) = post(&relay, &sup_token, &result, &json!({"note": "纸箱已清走"}));
    assert_eq!(
        (status, r["state"].as_str()),
        (200, Some("resolved")),
        "{name}: {r}"
    );
    worker.sync(3).unwrap();
    let photo = worker
        .store()
        .add_blob(&hex::decode(JPEG_HEX).unwrap(), Some("image/jpeg"))
        .unwrap();
    let verified = worker
        .store()
        .case_transition(
            case,
            TimelineEntry {
                note: "现场已核查".into(),
                photos: vec![photo.hash.clone()],
                ..TimelineEntry::new(CaseAction::Verify)
            },
        )
        .unwrap();
    assert_eq!(verified, CaseState::Verified);
    let closed = worker
        .store()
        .case_transition(case, TimelineEntry::new(CaseAction::Close))
        .unwrap();
    assert_eq!(closed, CaseState::Closed);
    worker.sync(3).unwrap();

    // The relay holds every entry in order, the phone's and the supervisor's alike.
    let docs = relay.documents("g1").unwrap();
    let data = docs[&case.to_string()].data.clone().unwrap();
    let actions: Vec<&str> = data["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["report", "accept", "start", "resolve", "verify", "close"],
        "{name}"
    );
    assert_eq!(data["timeline"][1]["dispatch_to"], "幸福里物业");
    assert_eq!(data["timeline"][3]["handler"], "幸福里物业");
    assert_eq!(data["timeline"][4]["photos"][0], photo.hash.as_str());
    let local = worker.store().get_json(case, true).unwrap();
    assert_eq!(local["data"]["timeline"], data["timeline"]);
    // Once closed, nothing more is dispatched.
    let (status, r) = post(&relay, &sup_token, &path, &body);
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (409, Some("case_state"))
    );
}
