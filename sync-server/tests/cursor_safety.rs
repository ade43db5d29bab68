//! The cursor never skips a change: two relay processes on one database, phones pushing
//! through both at once, and phones pulling through both throughout. At the end every
//! puller holds every record exactly as the server does (same heads), which it can only if
//! no pull ever stepped over a change that committed late.
//!
//! Runs on SQLite (two processes on one file) and on PostgreSQL (`GK_TEST_POSTGRES_URL`, a
//! superuser URL; `scripts/with-postgres` provides one, and sets `GK_REQUIRE_POSTGRES=1` so a
//! missing server fails rather than skips).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gridkeeper_core::wire;
use gridkeeper_core::{Kind, Store};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_gridkeeper-server");
const PUSHERS: usize = 6;
const PULLERS: usize = 3;
const ROUNDS: usize = 12;

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn server_args(db: &Db) -> Vec<String> {
    match db {
        Db::Sqlite(dir) => vec!["--data".into(), dir.path().display().to_string()],
        Db::Postgres(url) => vec!["--database-url".into(), url.clone()],
    }
}

enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

fn admin(db: &Db, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(server_args(db))
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

fn spawn(db: &Db) -> (Proc, String) {
    let mut child = Command::new(BIN)
        .args(server_args(db))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--rate",
            "10000",
            "--burst",
            "10000",
        ])
        .env("GRIDKEEPER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (Proc(child), base)
}

struct Phone {
    store: Store,
    token: String,
    grids: Vec<String>,
    _dir: tempfile::TempDir,
}

async fn enroll(http: &reqwest::Client, base: &str, db: &Db, user: &str) -> Phone {
    let code = admin(db, &["enroll-code", user]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(dir.path().join("p.db"), Some(user)).unwrap();
    let body: serde_json::Value = http
        .post(format!("{base}/v1/enroll"))
        .json(&json!({"code": code, "actor": store.actor_hex()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Phone {
        token: body["token"].as_str().unwrap().to_string(),
        grids: vec!["g1".into(), "g2".into()],
        store,
        _dir: dir,
    }
}

/// One round; returns whether more is waiting.
async fn round(http: &reqwest::Client, base: &str, p: &mut Phone) -> bool {
    let mut req = p.store.sync_request(&p.grids, 1000).unwrap();
    req.limit = Some(7); // small pages: many pulls interleave with the pushes
    let resp = http
        .post(format!("{base}/v1/sync"))
        .bearer_auth(&p.token)
        .header("content-type", wire::CONTENT_TYPE)
        .body(wire::encode(&req))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp: wire::SyncResponse = wire::decode(&resp.bytes().await.unwrap(), 1 << 30).unwrap();
    assert!(resp.results.iter().all(|r| r.rejected.is_none()));
    let report = p.store.apply_sync_response(&resp).unwrap();
    report.more || p.store.outbox_len().unwrap() > 0
}

async fn run(db: Db) {
    admin(&db, &["grid", "add", "s1", "--name", "街道"]);
    admin(
        &db,
        &["grid", "add", "g1", "--name", "一网格", "--parent", "s1"],
    );
    admin(
        &db,
        &["grid", "add", "g2", "--name", "二网格", "--parent", "s1"],
    );
    for i in 0..PUSHERS + PULLERS {
        admin(
            &db,
            &[
                "user",
                "add",
                &format!("w{i}"),
                "--role",
                "worker",
                "--scope",
                "g1,g2",
            ],
        );
    }
    let (_a, base_a) = spawn(&db);
    let (_b, base_b) = spawn(&db);
    let bases = [base_a, base_b];
    let http = reqwest::Client::new();

    let mut pullers = Vec::new();
    for i in 0..PULLERS {
        let mut p = enroll(&http, &bases[i % 2], &db, &format!("w{}", PUSHERS + i)).await;
        while round(&http, &bases[i % 2], &mut p).await {}
        pullers.push(p);
    }
    let done = Arc::new(AtomicBool::new(false));
    let mut pull_tasks = Vec::new();
    for (i, mut p) in pullers.into_iter().enumerate() {
        let (http, bases, done) = (http.clone(), bases.clone(), done.clone());
        pull_tasks.push(tokio::spawn(async move {
            let mut n = i;
            loop {
                let finished = done.load(Ordering::SeqCst);
                n += 1;
                let more = round(&http, &bases[n % 2], &mut p).await;
                if finished && !more {
                    return p;
                }
            }
        }));
    }
    let mut push_tasks = Vec::new();
    for i in 0..PUSHERS {
        let mut p = enroll(&http, &bases[i % 2], &db, &format!("w{i}")).await;
        let (http, bases) = (http.clone(), bases.clone());
        push_tasks.push(tokio::spawn(async move {
            for r in 0..ROUNDS {
                for k in 0..3 {
                    let grid = if (i + k) % 2 == 0 { "g1" } else { "g2" };
                    p.store
                        .create_json(
                            Kind::Household,
                            grid,
                            json!({"address": {"building": format!("{i}"), "room": format!("{r}-{k}")}, "members": [{"name": "郑十"}]}),
                        )
                        .unwrap();
                }
                while round(&http, &bases[(i + r) % 2], &mut p).await {}
            }
            p
        }));
    }
    let mut pushers = Vec::new();
    for t in push_tasks {
        pushers.push(t.await.unwrap());
    }
    done.store(true, Ordering::SeqCst);
    let mut pullers = Vec::new();
    for t in pull_tasks {
        pullers.push(t.await.unwrap());
    }

    let records = PUSHERS * ROUNDS * 3;
    // A late phone bootstraps: the server's view, to compare every puller with.
    let mut late = enroll(&http, &bases[0], &db, "w0").await;
    while round(&http, &bases[1], &mut late).await {}
    let truth = late.store.heads().unwrap();
    assert_eq!(truth.len(), records);
    for (i, p) in pullers.iter().enumerate() {
        let heads = p.store.heads().unwrap();
        let differ = truth
            .iter()
            .filter(|(id, h)| heads.get(*id) != Some(h))
            .count();
        assert_eq!(differ, 0, "puller {i} misses changes of {differ} records");
        assert_eq!(heads.len(), records);
    }
    for p in &pushers {
        assert_eq!(p.store.outbox_len().unwrap(), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_sqlite_file_never_skip_a_change() {
    run(Db::Sqlite(tempfile::tempdir().unwrap())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_postgresql_never_skip_a_change() {
    let Some(url) = fresh_postgres_database().await else {
        return;
    };
    run(Db::Postgres(url)).await;
}

/// A new database on the test server; `None` (skip) when no server is configured, unless
/// the run requires one.
async fn fresh_postgres_database() -> Option<String> {
    let Ok(admin_url) = std::env::var("GK_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("GK_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "GK_REQUIRE_POSTGRES=1 but GK_TEST_POSTGRES_URL is not set"
        );
        eprintln!("skipped: set GK_TEST_POSTGRES_URL (or run under scripts/with-postgres)");
        return None;
    };
    let (client, conn) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let name = format!("gk_cursor_{}", uuid::Uuid::now_v7().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    Some(format!("{base}/{name}"))
}
