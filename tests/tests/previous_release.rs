//! The previous release's real binaries against this tree's: phones update on their own
//! schedule and relays on the administrator's, so an old phone meets a new relay and a new
//! phone an old relay. An old phone keeps working with the new relay, and with the new phones
//! on the same records; a new phone meeting an old relay says the server needs updating, at
//! once, and keeps its work.
//!
//! `scripts/test-compat` builds the release named in tests/compat/PREVIOUS_RELEASE and runs
//! these with `GK_PREVIOUS_BIN_DIR` (its `gk` and `gridkeeper-server`) and `GK_CURRENT_GK`
//! (this tree's `gk`), driving both apps as a worker would, through their command lines.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use gridkeeper_tests::proxy::Proxy;
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

fn env_path(var: &str) -> PathBuf {
    let Some(path) = std::env::var_os(var) else {
        panic!(
            "{var} is not set: these tests run the previous release's binaries, \
             built and pointed to by scripts/test-compat"
        )
    };
    let path = PathBuf::from(path);
    assert!(path.exists(), "{var}={} does not exist", path.display());
    path
}

fn previous(bin: &str) -> PathBuf {
    let path = env_path("GK_PREVIOUS_BIN_DIR").join(bin);
    assert!(
        path.exists(),
        "no {} in GK_PREVIOUS_BIN_DIR",
        path.display()
    );
    path
}

/// This tree's `gk`, checked to be another build than the previous release's: a stale copy
/// of the old one in its place would let the first test pass old against old.
fn current_gk() -> PathBuf {
    let path = env_path("GK_CURRENT_GK");
    assert_ne!(
        std::fs::read(&path).unwrap(),
        std::fs::read(previous("gk")).unwrap(),
        "GK_CURRENT_GK={} is the previous release's gk",
        path.display()
    );
    path
}

/// A `gk` binary on one store file, run as a worker would run it.
struct Gk {
    bin: PathBuf,
    db: PathBuf,
}

impl Gk {
    fn new(bin: PathBuf, dir: &Path, name: &str) -> Gk {
        Gk {
            bin,
            db: dir.join(format!("{name}.db")),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.bin)
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()))
    }

    /// Runs `gk ARGS` expecting success; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{} {:?}: {}\n{}",
            self.bin.display(),
            args.first(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}: {text}"))
    }

    fn add_household(&self, building: &str, room: &str, name: &str, phone: &str) -> String {
        let data = json!({
            "address": {"compound": "幸福里", "building": building, "room": room},
            "members": [{"name": name, "phone": phone}],
        });
        self.ok(&[
            "add",
            "household",
            "--grid",
            "g1",
            "--json",
            &data.to_string(),
        ])
    }

    /// `gk sync --json`, which must succeed with nothing refused.
    fn sync_clean(&self) -> Value {
        let summary = self.json(&["sync", "--json"]);
        assert_eq!(summary["rejected"], json!([]), "{summary}");
        summary
    }
}

/// Grid g1 with workers 王芳 and 李明 on `relay`; their enrolment codes.
fn street(relay: &Relay) -> (String, String) {
    relay
        .admin(&["grid", "add", "g1", "--name", "幸福里网格"])
        .unwrap();
    let mut codes = Vec::new();
    for name in ["王芳", "李明"] {
        relay
            .admin(&["user", "add", name, "--role", "worker", "--scope", "g1"])
            .unwrap();
        codes.push(relay.admin(&["enroll-code", name]).unwrap());
    }
    let second = codes.pop().unwrap();
    (codes.pop().unwrap(), second)
}

#[test]
#[ignore = "needs the previous release's binaries: run by scripts/test-compat"]
fn an_old_phone_syncs_with_the_new_relay_and_new_phones() {
    let old_gk = previous("gk");
    let new_gk = current_gk();
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, Backend::Sqlite(data.path().join("relay"))).unwrap();
    let (code_old, code_new) = street(&relay);
    let dir = tempfile::tempdir().unwrap();

    let old = Gk::new(old_gk, dir.path(), "old");
    old.ok(&["init", "--user", "wang"]);
    old.ok(&["enroll", "--server", &relay.url(), "--code", &code_old]);
    let a = old.add_household("1", "101", "赵敏", "13912345678");
    let b = old.add_household("2", "202", "周芷若", "13812345678");
    let pushed = old.sync_clean();
    assert_eq!(pushed["pushed"], json!(2), "{pushed}");

    let new = Gk::new(new_gk, dir.path(), "new");
    new.ok(&["init", "--user", "li"]);
    new.ok(&["enroll", "--server", &relay.url(), "--code", &code_new]);
    new.sync_clean();
    for id in [&a, &b] {
        new.ok(&["get", id]);
    }

    // The new app edits fields the old build knows: the notes, and a member's phone (the
    // member list goes back whole, member ids and all, as `gk update` takes it).
    let mut members = new.json(&["get", &a, "--full"])["data"]["members"].clone();
    members[0]["phone"] = json!("13700001111");
    let patch = json!({"notes": "独居老人，每周探访", "members": members});
    new.ok(&["update", &a, "--json", &patch.to_string()]);
    new.sync_clean();

    // A supervisor gives the grid a task, a kind the old build does not know: the relay
    // keeps it from the old phone, whose syncs go on clean, and the new phone lists it.
    relay
        .admin(&[
            "user",
            "add",
            "zhou",
            "--role",
            "supervisor",
            "--scope",
            "g1",
        ])
        .unwrap();
    let printed = relay.admin(&["token", "zhou"]).unwrap();
    let token = printed
        .split_whitespace()
        .find(|w| w.starts_with("gk_"))
        .expect("a printed token");
    let given = reqwest::blocking::Client::new()
        .post(format!("{}/v1/tasks", relay.url()))
        .bearer_auth(token)
        .json(
            &json!({"grid": "g1", "title": "寒潮前走访", "task_type": "visit",
            "due_on": "2099-12-31", "targets": [a, b]}),
        )
        .send()
        .unwrap();
    assert_eq!(given.status().as_u16(), 201);
    new.sync_clean();
    assert!(
        new.ok(&["agenda"]).contains("寒潮前走访"),
        "the new phone lists the task"
    );

    let pulled = old.sync_clean();
    assert!(pulled["pulled"].as_u64().unwrap() >= 1, "{pulled}");
    let old_export: Value = serde_json::from_str(&old.ok(&["export"])).unwrap();
    let new_export: Value = serde_json::from_str(&new.ok(&["export"])).unwrap();
    assert!(
        old_export
            .as_object()
            .unwrap()
            .values()
            .all(|r| r["kind"] != "task"),
        "a task reached the old phone"
    );
    assert!(
        new_export
            .as_object()
            .unwrap()
            .values()
            .any(|r| r["kind"] == "task"),
        "the new phone holds the task"
    );
    let edited = &old_export[&a]["data"];
    assert_eq!(edited["notes"], json!("独居老人，每周探访"), "{edited}");
    assert_eq!(
        edited["members"][0]["phone"],
        json!("13700001111"),
        "{edited}"
    );
    for id in [&a, &b] {
        assert_eq!(
            old_export[id.as_str()]["data"],
            new_export[id.as_str()]["data"],
            "the old and the new phone hold {id} alike"
        );
    }

    for gk in [&old, &new] {
        let status = gk.json(&["status"]);
        assert_eq!(status["sync"]["pending_changes"], json!(0), "{status}");
        assert_eq!(status["sync"]["last_error_code"], Value::Null, "{status}");
    }
}

#[test]
#[ignore = "needs the previous release's binaries: run by scripts/test-compat"]
fn a_new_phone_meeting_an_old_relay_asks_for_a_server_update_at_once() {
    let old_server = previous("gridkeeper-server");
    let new_gk = current_gk();
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start(
        old_server.to_str().unwrap(),
        Backend::Sqlite(data.path().join("relay")),
    )
    .unwrap();
    let (code, _) = street(&relay);
    // Through a proxy, to count the requests the phone makes.
    let proxy = Proxy::start(relay.addr, 7).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let new = Gk::new(new_gk, dir.path(), "new");
    new.ok(&["init", "--user", "wang"]);
    new.ok(&["enroll", "--server", &proxy.url(), "--code", &code]);
    let a = new.add_household("1", "101", "赵敏", "13912345678");
    let b = new.add_household("2", "202", "周芷若", "13812345678");
    let before = new.ok(&["export"]);

    let requests = proxy.stats().forwarded;
    let started = Instant::now();
    let out = new.run(&["sync", "--attempts", "5"]);
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(5),
        "a refusal that needs a person: {stderr}"
    );
    assert!(stderr.contains("update_server"), "{stderr}");
    assert!(stderr.contains("升级服务器"), "{stderr}");
    assert!(
        took < Duration::from_secs(10),
        "refused at once, not retried: {took:?}"
    );
    assert_eq!(
        proxy.stats().forwarded - requests,
        1,
        "one request, no retry of a refusal"
    );

    let status = new.json(&["status"]);
    let sync = &status["sync"];
    assert_eq!(sync["pending_changes"], json!(2), "{status}");
    assert_eq!(sync["last_error_code"], json!("update_server"), "{status}");
    assert!(
        sync["last_error"]
            .as_str()
            .is_some_and(|m| m.contains("升级服务器")),
        "{status}"
    );
    assert_eq!(sync["last_success_at"], Value::Null, "{status}");
    assert_eq!(new.ok(&["export"]), before, "the records are untouched");
    for id in [&a, &b] {
        new.ok(&["get", id]);
    }
}
