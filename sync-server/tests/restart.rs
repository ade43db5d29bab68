//! The relay process killed with SIGKILL while phones push: after a restart, every change the
//! server acknowledged is there, and the phones finish their sync as if nothing happened.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use gridkeeper_core::wire;
use gridkeeper_server::storage::Storage;
use gridkeeper_server::storage::sqlite::SqliteStorage;

const BIN: &str = env!("CARGO_BIN_EXE_gridkeeper-server");

fn admin(data: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .arg("admin")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Starts the server on a free port; returns the process and its base URL.
fn spawn(data: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(["--listen", "127.0.0.1:0"])
        .env("GRIDKEEPER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

async fn enroll(
    http: &reqwest::Client,
    base: &str,
    code: &str,
    store: &gridkeeper_core::Store,
) -> String {
    let body: serde_json::Value = http
        .post(format!("{base}/v1/enroll"))
        .json(&serde_json::json!({"code": code, "actor": store.actor_hex()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_string()
}

/// One round against `base`; `None` if the connection failed (the server is down).
async fn round(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    store: &mut gridkeeper_core::Store,
    acknowledged: &mut HashSet<String>,
) -> Option<bool> {
    let grids = vec!["g1".to_string()];
    let req = store.sync_request(&grids, 200).unwrap();
    let resp = http
        .post(format!("{base}/v1/sync"))
        .bearer_auth(token)
        .header("content-type", wire::CONTENT_TYPE)
        .body(wire::encode(&req))
        .send()
        .await
        .ok()?;
    if resp.status() != 200 {
        return None;
    }
    let bytes = resp.bytes().await.ok()?;
    let resp: wire::SyncResponse = wire::decode(&bytes, 1 << 30).ok()?;
    for r in &resp.results {
        assert!(r.rejected.is_none(), "{:?}", r.rejected);
        acknowledged.insert(r.hash.clone());
    }
    let report = store.apply_sync_response(&resp).unwrap();
    Some(report.more || store.outbox_len().unwrap() > 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_acknowledged_is_lost_when_the_server_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    admin(&data, &["grid", "add", "g1", "--name", "第一网格"]);
    admin(
        &data,
        &[
            "user", "add", "worker-a", "--role", "worker", "--scope", "g1",
        ],
    );
    let code = admin(&data, &["enroll-code", "worker-a"]);

    let (mut server, base) = spawn(&data);
    let http = reqwest::Client::new();
    let store_dir = tempfile::tempdir().unwrap();
    let mut phone =
        gridkeeper_core::Store::init(store_dir.path().join("p.db"), Some("worker-a")).unwrap();
    let token = enroll(&http, &base, &code, &phone).await;
    let mut acknowledged = HashSet::new();

    // Push in small rounds; kill the server part-way through, while requests are in flight.
    let killer = {
        let pid = server.id();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        })
    };
    let mut failed = false;
    let mut n = 0;
    while !failed && n < 2000 {
        for _ in 0..5 {
            n += 1;
            phone
                .create_json(
                    gridkeeper_core::Kind::Household,
                    "g1",
                    serde_json::json!({
                        "address": {"community": "幸福社区", "building": "1", "unit": "1", "room": format!("{n}")},
                        "members": [{"name": "吴九"}],
                    }),
                )
                .unwrap();
        }
        failed = round(&http, &base, &token, &mut phone, &mut acknowledged)
            .await
            .is_none();
    }
    killer.await.unwrap();
    let _ = server.wait();
    assert!(failed, "the server was killed while the phone pushed");
    assert!(!acknowledged.is_empty());

    // Straight from the file the dead server left: every acknowledged change is there.
    {
        let storage: Arc<dyn Storage> =
            Arc::new(SqliteStorage::open(&data.join("gridkeeper.db")).unwrap());
        let held: HashSet<String> = storage
            .feed("g1", 0, 1_000_000, "")
            .await
            .unwrap()
            .into_iter()
            .map(|c| {
                automerge::Change::from_bytes(c.bytes.unwrap())
                    .unwrap()
                    .hash()
                    .to_string()
            })
            .collect();
        let missing: Vec<_> = acknowledged.difference(&held).collect();
        assert!(
            missing.is_empty(),
            "{} acknowledged changes lost",
            missing.len()
        );
    }

    // Restarted, the phone finishes: its outbox drains and a fresh phone sees the same.
    let (mut server, base) = spawn(&data);
    while round(&http, &base, &token, &mut phone, &mut acknowledged)
        .await
        .unwrap()
    {}
    assert_eq!(phone.outbox_len().unwrap(), 0);
    let code2 = admin(&data, &["enroll-code", "worker-a"]);
    let fresh_dir = tempfile::tempdir().unwrap();
    let mut fresh =
        gridkeeper_core::Store::init(fresh_dir.path().join("f.db"), Some("worker-a")).unwrap();
    let token2 = enroll(&http, &base, &code2, &fresh).await;
    let mut ignore = HashSet::new();
    while round(&http, &base, &token2, &mut fresh, &mut ignore)
        .await
        .unwrap()
    {}
    assert_eq!(fresh.export_json().unwrap(), phone.export_json().unwrap());
    assert_eq!(fresh.record_ids(None).unwrap().len(), n);
    let _ = server.kill();
    let _ = server.wait();
}
