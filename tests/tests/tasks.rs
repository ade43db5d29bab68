//! Tasks travel through the real sync (issue 20 item 1), on a relay process over loopback
//! with real store files (SQLite, and PostgreSQL under `scripts/with-postgres`): who may give
//! one, which phones get it (only those of its grid), 今日工作 on the workers' phones, and a
//! target visited offline by two workers at once counted once in the supervisor's progress.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_app::Lang;
use gridkeeper_app::today::{Target, Today, TodayEvent};
use gridkeeper_core::Kind;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

fn call(
    relay: &Relay,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let client = reqwest::blocking::Client::new();
    let url = format!("{}{path}", relay.url());
    let req = match body {
        Some(b) => client.request(method.parse().unwrap(), url).json(b),
        None => client.request(method.parse().unwrap(), url),
    };
    let r = req.bearer_auth(token).send().unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

fn task_lines(p: &mut Phone) -> Vec<(String, String, Target)> {
    let mut today = Today::new(Some("g1".into()), Lang::Zh);
    today.update(
        p.store(),
        TodayEvent::Refresh {
            at: chrono::Utc::now().timestamp(),
        },
    );
    today
        .view()
        .tasks
        .iter()
        .map(|l| (l.title.clone(), l.detail.clone(), l.target.clone()))
        .collect()
}

fn household(p: &mut Phone, grid: &str, room: &str) -> String {
    p.store()
        .create_json(
            Kind::Household,
            grid,
            json!({"address": {"building": "6", "room": room}, "members": [{"name": "皇甫兰", "tags": ["solitary_elderly"]}]}),
        )
        .unwrap()
        .to_string()
}

fn visit(p: &mut Phone, house: &str) {
    p.store()
        .create_json(
            Kind::Visit,
            "g1",
            json!({"subject": {"kind": "household", "id": house}, "visited_at": ""}),
        )
        .unwrap();
}

#[test]
fn a_task_reaches_its_grids_phones_and_a_target_done_twice_offline_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "tasks").unwrap() {
        given_and_done(backend, dir.path());
    }
}

fn given_and_done(backend: Backend, dir: &std::path::Path) {
    let name = backend.name();
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "c1", "--name", "社区"])
        .unwrap();
    for g in ["g1", "g2"] {
        relay
            .admin(&["grid", "add", g, "--name", g, "--parent", "c1"])
            .unwrap();
    }
    let dir = dir.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut phones = Vec::new();
    for (user, role, scope) in [
        ("wang", "worker", "g1"),
        ("zhang", "worker", "g1"),
        ("zhao", "worker", "g2"),
        ("li", "supervisor", "c1"),
        ("qian", "supervisor", "g2"),
    ] {
        relay
            .admin(&["user", "add", user, "--role", role, "--scope", scope])
            .unwrap();
        let code = relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(&dir, user).unwrap();
        p.enroll(&relay.url(), &code, &relay.url()).unwrap();
        phones.push(p);
    }
    let [wang, zhang, zhao, li, qian] = &mut phones[..] else {
        unreachable!()
    };
    let h1 = household(wang, "g1", "601");
    let h2 = household(wang, "g1", "602");
    let elsewhere = household(zhao, "g2", "101");
    wang.sync(3).unwrap();
    zhao.sync(3).unwrap();
    let token = |p: &mut Phone| p.store().meta("sync_token").unwrap().unwrap();
    let (li_t, qian_t, wang_t) = (token(li), token(qian), token(wang));

    let due = (chrono::Utc::now() + chrono::Duration::days(3))
        .date_naive()
        .to_string();
    let body = json!({"grid": "g1", "title": "寒潮前走访独居老人", "task_type": "visit",
        "due_on": due, "assignees": ["wang", "zhang"], "filter": {"tag": "solitary_elderly"}});
    assert_eq!(
        call(&relay, &wang_t, "POST", "/v1/tasks", Some(&body)).0,
        403,
        "{name}: a worker"
    );
    assert_eq!(
        call(&relay, &qian_t, "POST", "/v1/tasks", Some(&body)).0,
        403,
        "{name}: out of reach"
    );
    let mut stray = body.clone();
    stray["targets"] = json!([elsewhere]);
    let (status, r) = call(&relay, &li_t, "POST", "/v1/tasks", Some(&stray));
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (400, Some("invalid_task")),
        "{r}"
    );
    let mut not_here = body.clone();
    not_here["assignees"] = json!(["zhao"]);
    let (status, r) = call(&relay, &li_t, "POST", "/v1/tasks", Some(&not_here));
    assert_eq!(status, 400, "{name}: zhao works in g2: {r}");
    let (status, given) = call(&relay, &li_t, "POST", "/v1/tasks", Some(&body));
    assert_eq!(status, 201, "{name}: {given}");
    let task = given["record_id"].as_str().unwrap().to_string();
    assert_eq!(
        (given["done"].as_u64(), given["total"].as_u64()),
        (Some(0), Some(2))
    );

    // The grid's phones get it at their next sync; a phone of another grid never does.
    for p in [&mut *wang, &mut *zhang, &mut *zhao] {
        p.sync(3).unwrap();
    }
    let lines = task_lines(wang);
    assert_eq!(lines.len(), 1, "{name}: {lines:?}");
    assert_eq!(lines[0].0, "走访 · 寒潮前走访独居老人");
    assert!(lines[0].1.starts_with("已完成 0/2 · 下一处："), "{lines:?}");
    assert_eq!(task_lines(zhang).len(), 1);
    let pushed_back = wang
        .store()
        .patch_json(task.parse().unwrap(), &json!({"due_on": "2099-01-01"}));
    assert!(pushed_back.is_err(), "{name}: a worker moved the due date");
    assert!(
        zhao.store().get_json(task.parse().unwrap(), false).is_err(),
        "{name}: g2's phone holds no g1 task"
    );
    let (_, seen_by_qian) = call(&relay, &qian_t, "GET", &format!("/v1/tasks/{task}"), None);
    assert_eq!(seen_by_qian["error"]["code"], "not_found", "{name}");

    // Both workers visit the first household, offline, then sync: done once.
    visit(wang, &h1);
    visit(zhang, &h1);
    wang.sync(3).unwrap();
    zhang.sync(3).unwrap();
    let (status, progress) = call(&relay, &li_t, "GET", &format!("/v1/tasks/{task}"), None);
    assert_eq!(status, 200, "{progress}");
    assert_eq!(progress["done"], 1, "{name}: {progress}");
    let by: u64 = progress["by_worker"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by, 1, "{name}: counted once: {progress}");
    let first = &progress["targets"][0];
    assert_eq!(
        (first["target_id"].as_str(), first["done_with"].as_str()),
        (Some(h1.as_str()), Some("visit"))
    );
    assert!(
        ["wang", "zhang"].contains(&first["done_by"].as_str().unwrap()),
        "{first}"
    );

    // The phones agree: one left, and the line opens it.
    wang.sync(3).unwrap();
    let lines = task_lines(wang);
    assert!(lines[0].1.starts_with("已完成 1/2"), "{lines:?}");
    assert_eq!(
        lines[0].2,
        Target::Household {
            id: h2.clone(),
            member_id: String::new()
        }
    );

    visit(zhang, &h2);
    zhang.sync(3).unwrap();
    wang.sync(3).unwrap();
    assert!(task_lines(wang).is_empty(), "{name}: all done");
    let (_, list) = call(&relay, &li_t, "GET", "/v1/tasks", None);
    let listed = list.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0]["done"].as_u64(), listed[0]["overdue"].as_bool()),
        (Some(2), Some(false))
    );
    let (_, none) = call(&relay, &qian_t, "GET", "/v1/tasks", None);
    assert_eq!(none, json!([]), "{name}: not in qian's reach");
}
