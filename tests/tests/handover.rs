//! Worker handover and retention (issue 19 items 3 and 4), on a real relay over loopback with
//! real store files (SQLite, and PostgreSQL under `scripts/with-postgres`).
//!
//! Handover: a phone whose sync was cut after its first round has reported what it still
//! holds; the administrator sees it per device (HTTP API, `admin` command), a reassignment
//! of its grid is refused while that work is out there, the phone is revoked and its token
//! is refused with `device_revoked` while what it sent last stays visible, the grid is handed
//! over anyway (audited) and the new worker's phone bootstraps it.
//!
//! Retention: a policy's dry run names exactly the records past it, an apply with another
//! count erases nothing, the apply erases them through the erasure mechanism (audited) and
//! both phones purge them at their next sync; records inside the policy are untouched.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use gridkeeper_core::sync::SyncError;
use gridkeeper_core::{Kind, wire};
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn household(room: &str, name: &str) -> Value {
    json!({"address": {"building": "1", "room": room}, "members": [{"name": name}]})
}

fn admin_get(relay: &Relay, path: &str) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .get(format!("{}{path}", relay.url()))
        .bearer_auth(relay.admin_token.as_deref().unwrap())
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

fn admin_post(relay: &Relay, path: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .post(format!("{}{path}", relay.url()))
        .bearer_auth(relay.admin_token.as_deref().unwrap())
        .json(body)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

/// `req` sent as `phone`'s sync request, and the reply if there was one.
fn post(phone: &mut Phone, req: &wire::SyncRequest) -> (u16, Option<wire::SyncResponse>) {
    let store = phone.store();
    let token = store.meta("sync_token").unwrap().unwrap();
    let server = store.meta("sync_server").unwrap().unwrap();
    let r = reqwest::blocking::Client::new()
        .post(format!("{server}/v1/sync"))
        .bearer_auth(token)
        .header("content-type", wire::CONTENT_TYPE)
        .body(wire::encode(req))
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let resp = (status == 200).then(|| wire::decode(&r.bytes().unwrap(), 64 << 20).unwrap());
    (status, resp)
}

/// One round of a sync that pushes at most `max_changes` and then loses the network: the
/// request and its reply, as `Store::sync` does them, without the rounds after it.
fn one_round(phone: &mut Phone, max_changes: usize) {
    let grids = phone.store().sync_grids().unwrap();
    let req = phone.store().sync_request(&grids, max_changes).unwrap();
    let (status, resp) = post(phone, &req);
    assert_eq!(status, 200);
    phone.store().apply_sync_response(&resp.unwrap()).unwrap();
}

/// A relay on `backend` with a street of two grids, and a directory for its phones.
fn start(backend: Backend, dir: &std::path::Path, test: &str) -> (Relay, std::path::PathBuf) {
    let phones_dir = dir.join(format!("{}-{test}", backend.name()));
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "s1", "--name", "街道"])
        .unwrap();
    for g in ["g1", "g2"] {
        relay
            .admin(&["grid", "add", g, "--name", g, "--parent", "s1"])
            .unwrap();
    }
    std::fs::create_dir_all(&phones_dir).unwrap();
    (relay, phones_dir)
}

#[test]
fn a_revoked_phone_is_refused_its_last_sent_state_stays_visible_and_the_grid_is_handed_over() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "handover").unwrap() {
        handover(backend, dir.path());
    }
}

fn handover(backend: Backend, dir: &std::path::Path) {
    let name = backend.name();
    let (relay, phones_dir) = start(backend, dir, "handover");
    let mut old = relay
        .enrolled_workers(&phones_dir, "g1", &["王芳"])
        .unwrap()
        .pop()
        .unwrap();
    let device = old.store().meta("sync_device").unwrap().unwrap();

    // Three households synced, then five more of which only two go up before the network
    // drops; one unfinished form is kept as a draft.
    for room in ["101", "102", "103"] {
        old.store()
            .create_json(Kind::Household, "g1", household(room, "张三"))
            .unwrap();
    }
    old.sync(3).unwrap();
    let mut later = Vec::new();
    for room in ["201", "202", "203", "204", "205"] {
        later.push(
            old.store()
                .create_json(Kind::Household, "g1", household(room, "李四"))
                .unwrap(),
        );
    }
    old.store()
        .save_draft("visit:new", "visit", None, "走访", "{}")
        .unwrap();
    one_round(&mut old, 2);
    assert_eq!(old.store().sync_status().unwrap().pending_changes, 3);

    // The administrator sees it per device: the HTTP API …
    let (status, d) = admin_get(&relay, &format!("/v1/admin/handover/{device}"));
    assert_eq!(status, 200, "{name}: {d}");
    assert_eq!(d["user"], "王芳");
    assert_eq!(d["pending"]["changes"], 3, "{name}: {d}");
    assert_eq!(d["pending"]["drafts"], 1, "{name}: {d}");
    assert!(d["pending"]["oldest_since"].is_string(), "{name}: {d}");
    assert_eq!(d["last_change"]["grid"], "g1", "{name}: {d}");
    let last_record = d["last_change"]["record_id"].as_str().unwrap().to_string();
    assert!(
        later[..2].iter().any(|r| r.to_string() == last_record),
        "{name}: the last change sent is one of the two that went up: {d}"
    );
    let last_seq = d["last_change"]["seq"].as_u64().unwrap();
    assert!(last_seq >= 5, "{name}: {d}");
    let (_, all) = admin_get(&relay, "/v1/admin/handover");
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|x| x["device_id"] == json!(device))
    );
    // … and the command line, in words.
    let shown = relay.admin(&["device", "show", &device]).unwrap();
    assert!(
        shown.contains("3 changes not yet synced") && shown.contains("1 drafts"),
        "{name}: {shown}"
    );
    let list = relay.admin(&["device", "list"]).unwrap();
    let row = list.lines().find(|l| l.starts_with(&device)).unwrap();
    assert_eq!(row.split('\t').nth(5), Some("3"), "{name}: {row}");
    assert!(
        !shown.contains("张三") && !shown.contains("李四"),
        "no values"
    );

    // Handing the grid over while that work is out there is refused, naming it.
    let err = relay
        .admin(&[
            "grid", "reassign", "g1", "--to", "李娜", "--from", "王芳", "--reason", "调岗", "--by",
            "admin",
        ])
        .unwrap_err();
    assert!(err.contains("no such user"), "{name}: {err}");
    relay
        .admin(&["user", "add", "李娜", "--role", "worker", "--scope", "g2"])
        .unwrap();
    let err = relay
        .admin(&[
            "grid", "reassign", "g1", "--to", "李娜", "--from", "王芳", "--reason", "调岗", "--by",
            "admin",
        ])
        .unwrap_err();
    assert!(
        err.contains("unsynced_work") || err.contains("3 changes"),
        "{name}: {err}"
    );
    let users = relay.admin(&["user", "list"]).unwrap();
    assert!(
        users.contains("王芳\tworker\tg1"),
        "{name}: unchanged: {users}"
    );

    // The phone is lost: revoked. Its token is refused with a typed error; its work stays.
    let revoked = relay.admin(&["device", "revoke", &device]).unwrap();
    assert!(revoked.contains("3 changes not yet synced"), "{revoked}");
    match old.sync(1) {
        Err(SyncError::Revoked) => {}
        other => panic!("{name}: a revoked phone syncs: {other:?}"),
    }
    let status = old.store().sync_status().unwrap();
    assert_eq!(status.last_error_code.as_deref(), Some("device_revoked"));
    assert_eq!(
        status.pending_changes, 3,
        "{name}: the work is still on the phone"
    );
    let r = reqwest::blocking::Client::new()
        .get(format!("{}/v1/me", relay.url()))
        .bearer_auth(old.store().meta("sync_token").unwrap().unwrap())
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().unwrap();
    assert_eq!(body["error"]["code"], "device_revoked");

    // What it sent last stays visible.
    let (_, d) = admin_get(&relay, &format!("/v1/admin/handover/{device}"));
    assert!(d["revoked_at"].is_string(), "{name}: {d}");
    assert_eq!(d["last_change"]["seq"], json!(last_seq), "{name}: {d}");
    assert_eq!(d["last_change"]["record_id"], json!(last_record));
    assert_eq!(d["pending"]["changes"], 3);

    // The grid is handed over anyway, knowingly, through the API; audited.
    let (status, done) = admin_post(
        &relay,
        "/v1/admin/grids/reassign",
        &json!({"grid": "g1", "to": "李娜", "from": "王芳", "reason": "手机遗失，网格移交", "force": true}),
    );
    assert_eq!(status, 200, "{name}: {done}");
    assert_eq!(done["to"]["scope"], json!(["g2", "g1"]));
    assert_eq!(done["from"]["scope"], json!([]));
    assert_eq!(done["old_devices"][0]["pending"]["changes"], 3);
    let log = relay.admin(&["handovers"]).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{name}: {log}");
    assert!(
        lines[0].contains("\trevoke\t")
            && lines[0].contains(&device)
            && lines[0].ends_with("pending 3"),
        "{name}: {log}"
    );
    assert!(
        lines[1].contains("\treassign\t")
            && lines[1].contains("\tg1\t王芳\t李娜\t手机遗失")
            && lines[1].ends_with("pending 3"),
        "{name}: {log}"
    );

    // The new worker's phone enrols and bootstraps the grid: everything the relay holds.
    let code = relay.admin(&["enroll-code", "李娜"]).unwrap();
    let mut new = Phone::new(&phones_dir, "new-phone").unwrap();
    new.enroll(&relay.url(), &code, &relay.url()).unwrap();
    new.sync(3).unwrap();
    let held: BTreeSet<String> = new
        .store()
        .list_json(Kind::Household, Some("g1"), None, false)
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(held.len(), 5, "{name}: 3 synced + 2 sent before the cut");
    assert!(held.contains(&last_record));
    assert!(
        !held.contains(&later[4].to_string()),
        "stranded on the lost phone"
    );
}

#[test]
fn a_reassigned_grid_arrives_on_the_new_workers_phone_and_leaves_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "reach").unwrap() {
        reassigned(backend, dir.path());
    }
}

/// A sync request of revision `v` from `phone` pulling `grid`, answered as it arrives.
fn pull_as(phone: &mut Phone, v: u32, grid: &str) -> (u16, Option<wire::SyncResponse>) {
    let mut req = phone.store().sync_request(&[grid.to_string()], 0).unwrap();
    req.v = v;
    post(phone, &req)
}

fn reassigned(backend: Backend, dir: &std::path::Path) {
    let name = backend.name();
    let (relay, phones_dir) = start(backend, dir, "reach");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(phones_dir.join(sub)).unwrap();
    }
    let mut old = relay
        .enrolled_workers(&phones_dir.join("a"), "g1", &["王芳"])
        .unwrap()
        .pop()
        .unwrap();
    let mut new = relay
        .enrolled_workers(&phones_dir.join("b"), "g2", &["李娜"])
        .unwrap()
        .pop()
        .unwrap();
    let mut g1 = Vec::new();
    for room in ["101", "102", "103"] {
        g1.push(
            old.store()
                .create_json(Kind::Household, "g1", household(room, "张三"))
                .unwrap(),
        );
    }
    old.sync(3).unwrap();
    new.store()
        .create_json(Kind::Household, "g2", household("201", "李四"))
        .unwrap();
    new.sync(3).unwrap();
    // An unfinished visit to one of them: work the relay does not have.
    let with_draft = g1[0].to_string();
    old.store()
        .save_draft("visit:101", "visit", Some(&with_draft), "1栋 101", "{}")
        .unwrap();

    let (status, done) = admin_post(
        &relay,
        "/v1/admin/grids/reassign",
        &json!({"grid": "g1", "to": "李娜", "from": "王芳", "reason": "调岗", "force": true}),
    );
    assert_eq!(status, 200, "{name}: {done}");

    // The new worker's phone, enrolled before, learns the grid at its next sync and
    // bootstraps it.
    new.sync(3).unwrap();
    let status = new.store().sync_status().unwrap();
    assert!(
        status.grids.contains(&"g1".to_string()),
        "{name}: {status:?}"
    );
    let held = |phone: &mut Phone, grid: &str| -> BTreeSet<String> {
        phone
            .store()
            .list_json(Kind::Household, Some(grid), None, false)
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    let all: BTreeSet<String> = g1.iter().map(|r| r.to_string()).collect();
    assert_eq!(held(&mut new, "g1"), all, "{name}");
    assert_eq!(held(&mut new, "g2").len(), 1, "{name}");

    // A phone of revision 4 pulling a grid out of its reach is refused as before; one of
    // this revision is answered, told its reach, and the grid's feed is left out.
    let (status, _) = pull_as(&mut old, 4, "g1");
    assert_eq!(status, 403, "{name}");
    let (status, reply) = pull_as(&mut old, wire::VERSION, "g1");
    assert_eq!(status, 200, "{name}");
    let reply = reply.unwrap();
    assert_eq!(reply.reach, Some(Vec::new()), "{name}");
    assert!(reply.grids.is_empty(), "{name}");

    // The old worker's phone syncs cleanly, stops pulling g1 and lets its records go —
    // all but the one holding an unfinished form.
    old.sync(3).unwrap();
    let status = old.store().sync_status().unwrap();
    assert!(status.grids.is_empty(), "{name}: {status:?}");
    assert_eq!(status.last_error_code, None, "{name}: {status:?}");
    assert_eq!(
        held(&mut old, "g1"),
        BTreeSet::from([with_draft.clone()]),
        "{name}"
    );
    assert_eq!(
        old.store().drafts().unwrap().len(),
        1,
        "{name}: the draft stays"
    );
    assert_eq!(old.store().cursor("g1").unwrap(), None, "{name}");
}

#[test]
fn retention_dry_run_names_exactly_the_records_past_the_policy_and_apply_erases_them_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "retention").unwrap() {
        retention(backend, dir.path());
    }
}

fn retention(backend: Backend, dir: &std::path::Path) {
    let name = backend.name();
    let (relay, phones_dir) = start(backend, dir, "retention");
    let mut phones = relay
        .enrolled_workers(&phones_dir, "g1", &["王芳", "李娜"])
        .unwrap();
    let mut b = phones.pop().unwrap();
    let mut a = phones.pop().unwrap();

    let h = a
        .store()
        .create_json(Kind::Household, "g1", household("101", "赵六"))
        .unwrap();
    let subject = json!({"kind": "household", "id": h.to_string()});
    let visit = |days: i64| json!({"subject": subject, "visited_at": ago(days), "purpose": "routine", "findings": "一切正常"});
    let v_old = a
        .store()
        .create_json(Kind::Visit, "g1", visit(6 * 366))
        .unwrap();
    let v_new = a
        .store()
        .create_json(Kind::Visit, "g1", visit(4 * 365))
        .unwrap();
    let case = |reported: i64, closed: Option<i64>| {
        let mut timeline = vec![json!({"action": "report", "at": ago(reported)})];
        if let Some(c) = closed {
            timeline.push(json!({"action": "return", "at": ago(c + 1), "reason": "重复上报"}));
            timeline.push(json!({"action": "close", "at": ago(c)}));
        }
        json!({"category": "appeal", "description": "楼道灯坏了", "severity": "low",
               "reported_at": ago(reported), "timeline": timeline})
    };
    let c_closed_old = a
        .store()
        .create_json(Kind::Case, "g1", case(5 * 365, Some(4 * 365)))
        .unwrap();
    let c_closed_new = a
        .store()
        .create_json(Kind::Case, "g1", case(3 * 365, Some(2 * 365)))
        .unwrap();
    let c_open_old = a
        .store()
        .create_json(Kind::Case, "g1", case(6 * 365, None))
        .unwrap();
    a.sync(3).unwrap();
    b.sync(3).unwrap();
    for id in [v_old, c_closed_old] {
        b.store().get_json(id, true).unwrap();
    }

    // No policy: nothing is due.
    let plan = relay.admin(&["retention", "plan"]).unwrap();
    assert!(plan.contains("0 records would be erased"), "{name}: {plan}");

    relay
        .admin(&[
            "retention",
            "set",
            "--visit-years",
            "5",
            "--closed-case-years",
            "3",
            "--by",
            "admin",
        ])
        .unwrap();
    let shown = relay.admin(&["retention", "show"]).unwrap();
    assert!(
        shown.contains("\"visit_years\":5") && shown.contains("set by admin"),
        "{shown}"
    );

    // The dry run: exactly the old visit and the case closed four years ago.
    let plan = relay.admin(&["retention", "plan"]).unwrap();
    let records: BTreeSet<&str> = plan
        .lines()
        .filter_map(|l| l.strip_prefix("record\t"))
        .collect();
    let expected: BTreeSet<String> = [
        format!("visit\tg1\t{v_old}"),
        format!("case\tg1\t{c_closed_old}"),
    ]
    .into();
    assert_eq!(
        records,
        expected.iter().map(String::as_str).collect(),
        "{name}: {plan}"
    );
    assert!(
        plan.contains("count\tvisit\tg1\t1") && plan.contains("count\tcase\tg1\t1"),
        "{plan}"
    );
    for kept in ["赵六", "楼道灯", "一切正常"] {
        assert!(!plan.contains(kept), "{name}: no values in the dry run");
    }
    let (status, p) = admin_get(&relay, "/v1/admin/retention/plan");
    assert_eq!(status, 200);
    assert_eq!(p["records"].as_array().unwrap().len(), 2, "{name}: {p}");

    // An apply that expects another count erases nothing.
    let (status, refused) = admin_post(&relay, "/v1/admin/retention/apply", &json!({"expect": 3}));
    assert_eq!(status, 409, "{name}: {refused}");
    assert_eq!(refused["error"]["code"], "plan_changed");
    assert!(relay.admin(&["erasures"]).unwrap().is_empty(), "{name}");

    let applied = relay
        .admin(&["retention", "apply", "--expect", "2", "--by", "admin"])
        .unwrap();
    assert!(applied.contains("erased 2 records"), "{name}: {applied}");
    let log = relay.admin(&["erasures"]).unwrap();
    assert_eq!(log.lines().count(), 2, "{name}: {log}");
    assert!(
        log.contains("retention policy: visit older than 5 years"),
        "{log}"
    );
    assert!(
        log.contains("retention policy: case closed more than 3 years ago"),
        "{log}"
    );

    // The relay holds neither; the rest is untouched; a second dry run finds nothing.
    let docs = relay.documents("g1").unwrap();
    for gone in [v_old, c_closed_old] {
        assert!(
            !docs.contains_key(&gone.to_string()),
            "{name}: {gone} on the relay"
        );
    }
    for kept in [h, v_new, c_closed_new, c_open_old] {
        assert!(docs.contains_key(&kept.to_string()), "{name}: {kept} kept");
    }
    assert!(
        relay
            .admin(&["retention", "plan"])
            .unwrap()
            .contains("0 records would be erased")
    );

    // Both phones purge them at their next sync and keep the rest.
    for phone in [&mut a, &mut b] {
        phone.sync(3).unwrap();
        for gone in [v_old, c_closed_old] {
            assert!(
                phone.store().get_json(gone, true).is_err(),
                "{name}: {gone} on a phone"
            );
        }
        for kept in [h, v_new, c_closed_new, c_open_old] {
            phone.store().get_json(kept, true).unwrap();
        }
    }
}
