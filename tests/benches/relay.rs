//! The relay under load, over loopback HTTP against the release server binary, SQLite backend:
//! ingest rate, a fresh phone's bootstrap of one grid, and 1,000 phones syncing at once.
//! `cargo bench -p gridkeeper-tests --bench relay`; prints medians, results in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gridkeeper_core::store::Durability;
use gridkeeper_core::wire::{self, SyncRequest, SyncResponse};
use gridkeeper_core::{Kind, Store};
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_relay");
const RUNS: usize = 3;

/// The relay and the administrator token its first start printed.
struct Server {
    relay: Relay,
    base: String,
    admin_token: String,
}

fn spawn(data: &Path) -> Server {
    let relay = Relay::start(BIN, Backend::Sqlite(data.to_path_buf())).unwrap();
    Server {
        base: relay.url(),
        admin_token: relay.admin_token.clone().unwrap(),
        relay,
    }
}

async fn admin(http: &reqwest::Client, s: &Server, path: &str, body: Value) -> Value {
    let resp = http
        .post(format!("{}/v1/admin/{path}", s.base))
        .bearer_auth(&s.admin_token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        resp.status().is_success(),
        "admin {path}: {}",
        resp.status()
    );
    resp.json().await.unwrap()
}

async fn enroll(http: &reqwest::Client, s: &Server, user: &str, store: &Store) -> String {
    let code = admin(http, s, "enroll-codes", json!({"user": user})).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let body: Value = http
        .post(format!("{}/v1/enroll", s.base))
        .json(&json!({"code": code, "actor": store.actor_hex()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_string()
}

async fn post(
    http: &reqwest::Client,
    s: &Server,
    token: &str,
    req: &SyncRequest,
) -> (SyncResponse, usize) {
    let resp = http
        .post(format!("{}/v1/sync", s.base))
        .bearer_auth(token)
        .header("content-type", wire::CONTENT_TYPE)
        .body(wire::encode(req))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    (wire::decode(&bytes, 1 << 30).unwrap(), bytes.len())
}

/// CPU seconds (user + system) a process has used, from /proc; 0 where that is unavailable.
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn copy_store(from: &Path, dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(from, &to).unwrap();
    to
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench --no-run` style probes
    }
    let only_many = std::env::var("GK_BENCH_ONLY").is_ok_and(|v| v == "many");
    let tmp = tempfile::tempdir().unwrap();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1100)
        .build()
        .unwrap();
    if !only_many {
        single_grid(&tmp, &http).await;
    }
    many_phones(&tmp, &http).await;
}

async fn single_grid(tmp: &tempfile::TempDir, http: &reqwest::Client) {
    let t = Instant::now();
    let seed_path = tmp.path().join("seed.db");
    let seed = gridkeeper_tests::street::populate_grid(&seed_path, "g1").unwrap();
    let changes = seed.outbox_len().unwrap();
    let records = seed.record_ids(None).unwrap().len();
    drop(seed);
    println!(
        "grid: {records} records, {changes} changes (generated in {:.1} s)",
        t.elapsed().as_secs_f64()
    );

    // Ingest: a phone pushes its whole history, 1,000 changes a round, push only.
    let mut ingest = Vec::new();
    let mut last_server = None;
    for run in 0..RUNS {
        let data = tmp.path().join(format!("data{run}"));
        let server = spawn(&data);
        admin(
            http,
            &server,
            "grids",
            json!({"id": "g1", "name": "第一网格"}),
        )
        .await;
        admin(
            http,
            &server,
            "users",
            json!({"name": "worker", "role": "worker", "scope": ["g1"]}),
        )
        .await;
        let mut phone = Store::open_with(
            copy_store(&seed_path, tmp.path(), &format!("phone{run}.db")),
            Durability::Normal,
        )
        .unwrap();
        let token = enroll(http, &server, "worker", &phone).await;
        let started = Instant::now();
        while phone.outbox_len().unwrap() > 0 {
            let req = phone.sync_request(&[], 1000).unwrap();
            let (resp, _) = post(http, &server, &token, &req).await;
            assert!(resp.results.iter().all(|r| r.rejected.is_none()));
            phone.apply_sync_response(&resp).unwrap();
        }
        let secs = started.elapsed().as_secs_f64();
        ingest.push(changes as f64 / secs);
        println!("  ingest run {run}: {changes} changes in {secs:.2} s");
        last_server = Some(server);
    }
    println!(
        "ingest (SQLite, over HTTP, 1,000 changes/request): median {:.0} changes/s",
        median(ingest)
    );

    // Bootstrap: a fresh phone pulls the grid from nothing.
    let server = last_server.unwrap();
    let mut boot = Vec::new();
    for run in 0..RUNS {
        let mut phone =
            Store::init(tmp.path().join(format!("fresh{run}.db")), Some("worker")).unwrap();
        let token = enroll(http, &server, "worker", &phone).await;
        let grids = vec!["g1".to_string()];
        let started = Instant::now();
        let (mut rounds, mut bytes) = (0, 0);
        loop {
            let req = phone.sync_request(&grids, 1000).unwrap();
            let (resp, n) = post(http, &server, &token, &req).await;
            rounds += 1;
            bytes += n;
            let report = phone.apply_sync_response(&resp).unwrap();
            if !report.more {
                break;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(phone.record_ids(None).unwrap().len(), records);
        println!(
            "  bootstrap run {run}: {records} records in {secs:.2} s, {rounds} round trips, {:.1} MB on the wire",
            bytes as f64 / 1e6
        );
        boot.push(secs);
    }
    println!(
        "bootstrap of one grid ({records} records): median {:.2} s",
        median(boot)
    );
}

async fn many_phones(tmp: &tempfile::TempDir, http: &reqwest::Client) {
    // 1,000 phones, one grid each, syncing at once.
    let data = tmp.path().join("many");
    let server = spawn(&data);
    admin(http, &server, "grids", json!({"id": "s1", "name": "街道"})).await;
    let devices = 1000;
    let mut phones = Vec::with_capacity(devices);
    for i in 0..devices {
        let grid = format!("g{i}");
        admin(
            http,
            &server,
            "grids",
            json!({"id": grid, "name": format!("网格{i}"), "parent": "s1"}),
        )
        .await;
        admin(
            http,
            &server,
            "users",
            json!({"name": format!("w{i}"), "role": "worker", "scope": [grid]}),
        )
        .await;
        let mut store = Store::init(tmp.path().join(format!("m{i}.db")), Some("w")).unwrap();
        let token = enroll(http, &server, &format!("w{i}"), &store).await;
        for r in 0..3 {
            store
                .create_json(Kind::Household, &grid, json!({"address": {"building": "1", "room": format!("{r}")}, "members": [{"name": "住户"}]}))
                .unwrap();
        }
        phones.push((store, token, vec![grid]));
    }
    for round in 0..RUNS {
        let requests: Vec<(SyncRequest, String)> = phones
            .iter()
            .map(|(s, t, g)| (s.sync_request(g, 100).unwrap(), t.clone()))
            .collect();
        let server_pid = server.relay.pid().unwrap().to_string();
        let (server_cpu, own_cpu) = (cpu_seconds(&server_pid), cpu_seconds("self"));
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(devices);
        for (req, token) in requests {
            let http = http.clone();
            let url = format!("{}/v1/sync", server.base);
            tasks.push(tokio::spawn(async move {
                let t = Instant::now();
                let resp = http
                    .post(url)
                    .bearer_auth(token)
                    .header("content-type", wire::CONTENT_TYPE)
                    .body(wire::encode(&req))
                    .timeout(Duration::from_secs(60))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200);
                let bytes = resp.bytes().await.unwrap();
                (t.elapsed().as_secs_f64(), bytes)
            }));
        }
        let mut latencies = Vec::with_capacity(devices);
        let mut bodies = Vec::with_capacity(devices);
        for t in tasks {
            let (secs, bytes) = t.await.unwrap();
            latencies.push(secs * 1e3);
            bodies.push(bytes);
        }
        let wall = started.elapsed().as_secs_f64();
        let (server_cpu, own_cpu) = (
            cpu_seconds(&server_pid) - server_cpu,
            cpu_seconds("self") - own_cpu,
        );
        for ((store, _, grids), bytes) in phones.iter_mut().zip(bodies) {
            let resp: SyncResponse = wire::decode(&bytes, 1 << 30).unwrap();
            store.apply_sync_response(&resp).unwrap();
            store
                .create_json(Kind::Household, &grids[0], json!({"address": {"building": "2", "room": "1"}, "members": [{"name": "住户"}]}))
                .unwrap();
        }
        latencies.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{devices} phones at once, round {round}: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms, all done in {wall:.2} s (CPU: server {server_cpu:.2} s, phones' side {own_cpu:.2} s)",
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            latencies[latencies.len() - 1]
        );
    }
}
