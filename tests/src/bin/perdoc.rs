//! The per-document sync baseline (automerge-repo's design, over our transport): one Automerge
//! sync session — `generate_sync_message` / `receive_sync_message` until both sides are quiet
//! — per document per peer, over HTTP on loopback.
//!
//!   perdoc serve PORT STORE [DOCS_FILE] hold the documents (length-prefixed saved bytes), named
//!                                      by their index in DOCS_FILE; a name the server does not
//!                                      know starts as an empty document. A document a request
//!                                      changed is saved into SQLite (STORE: WAL,
//!                                      synchronous=NORMAL, one transaction per request) before
//!                                      the reply, as a server that keeps what it acknowledges
//!   perdoc fetch URL STORE_FILE N      a fresh peer syncs documents 0..N, 8 at a time, keeps
//!                                      them in SQLite
//!   perdoc pull URL STORE_FILE         a peer that holds documents (a `fetch` store) loads them
//!                                      and syncs each one, 8 at a time (it has no other way to
//!                                      learn which changed), storing those that did
//!   perdoc push URL DOCS_FILE          ingest: a peer holding the documents syncs each to the
//!                                      server, 8 at a time
//!   perdoc crowd URL DEVICES DOCS_FILE DEVICES peers at once, each on its own documents (see
//!                                      `crowd`); per-device latency percentiles
//!
//! Each client mode prints one JSON line: time, requests, bytes and peak RSS.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use automerge::sync::{Message, State, SyncDoc};
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::http::StatusCode;
use axum::response::IntoResponse;

fn read_docs(path: &str) -> Vec<Vec<u8>> {
    let buf = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let mut off = 0;
    while off + 4 <= buf.len() {
        let len = u32::from_le_bytes([buf[off], buf[off + 1], buf[off + 2], buf[off + 3]]) as usize;
        off += 4;
        out.push(buf[off..off + len].to_vec());
        off += len;
    }
    out
}

type Session = Arc<Mutex<(AutoCommit, HashMap<String, State>)>>;

#[derive(Clone)]
struct Server {
    docs: Arc<Mutex<HashMap<String, Session>>>,
    store: Arc<Mutex<rusqlite::Connection>>,
}

#[derive(serde::Deserialize)]
struct Peer {
    peer: String,
}

async fn sync(
    AxState(server): AxState<Server>,
    Path(id): Path<String>,
    Query(p): Query<Peer>,
    body: Bytes,
) -> impl IntoResponse {
    let slot = server
        .docs
        .lock()
        .unwrap()
        .entry(id.clone())
        .or_insert_with(|| Arc::new(Mutex::new((AutoCommit::new(), HashMap::new()))))
        .clone();
    let mut guard = slot.lock().unwrap();
    let (doc, states) = &mut *guard;
    let state = states.entry(p.peer).or_default();
    if !body.is_empty() {
        let msg = Message::decode(&body).unwrap();
        let before = doc.get_heads();
        doc.sync().receive_sync_message(state, msg).unwrap();
        if doc.get_heads() != before {
            server
                .store
                .lock()
                .unwrap()
                .execute(
                    "INSERT OR REPLACE INTO docs (id, doc) VALUES (?1, ?2)",
                    rusqlite::params![id, doc.save()],
                )
                .unwrap();
        }
    }
    match doc.sync().generate_sync_message(state) {
        Some(m) => (StatusCode::OK, m.encode()),
        None => (StatusCode::NO_CONTENT, Vec::new()),
    }
}

fn serve(port: u16, store: &str, docs_file: Option<&str>) {
    let store = rusqlite::Connection::open(store).unwrap();
    store
        .execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, doc BLOB NOT NULL)")
        .unwrap();
    let docs: HashMap<String, Session> = docs_file
        .map(read_docs)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let doc = AutoCommit::load(b).unwrap();
            (i.to_string(), Arc::new(Mutex::new((doc, HashMap::new()))))
        })
        .collect();
    let server = Server {
        docs: Arc::new(Mutex::new(docs)),
        store: Arc::new(Mutex::new(store)),
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let app = axum::Router::new()
            .route("/sync/{id}", axum::routing::post(sync))
            .with_state(server);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        println!("ready");
        axum::serve(listener, app).await.unwrap();
    });
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Requests and bytes (both ways) a client has spent.
#[derive(Default)]
struct Wire {
    requests: AtomicU64,
    bytes: AtomicU64,
}

impl Wire {
    fn json(&self) -> (u64, u64) {
        (
            self.requests.load(Ordering::SeqCst),
            self.bytes.load(Ordering::SeqCst),
        )
    }
}

/// Prints a mode's one-line JSON report: the common figures and the mode's own `extra`.
fn report(started: Instant, wire: &Wire, extra: serde_json::Value) {
    let (requests, bytes) = wire.json();
    let mut out = serde_json::json!({
        "elapsed_ms": started.elapsed().as_secs_f64() * 1e3,
        "requests": requests,
        "bytes": bytes,
        "peak_rss_kib": peak_rss_kib(),
    });
    if let (Some(out), serde_json::Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
    println!("{out}");
}

/// One sync session for one document, until both sides have nothing more to say.
fn session(
    http: &reqwest::blocking::Client,
    url: &str,
    peer: &str,
    name: &str,
    doc: &mut AutoCommit,
    state: &mut State,
    wire: &Wire,
) {
    loop {
        let out = doc.sync().generate_sync_message(state);
        let sent_nothing = out.is_none();
        let body = out.map(Message::encode).unwrap_or_default();
        wire.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
        let resp = http
            .post(format!("{url}/sync/{name}?peer={peer}"))
            .body(body)
            .send()
            .unwrap();
        wire.requests.fetch_add(1, Ordering::Relaxed);
        if resp.status() == 204 {
            if sent_nothing {
                break;
            }
            continue;
        }
        let reply = resp.bytes().unwrap();
        wire.bytes.fetch_add(reply.len() as u64, Ordering::Relaxed);
        let msg = Message::decode(&reply).unwrap();
        doc.sync().receive_sync_message(state, msg).unwrap();
    }
}

/// The same session, for the crowd's async peers.
async fn session_async(
    http: &reqwest::Client,
    url: &str,
    peer: &str,
    name: &str,
    doc: &mut AutoCommit,
    state: &mut State,
) -> u64 {
    let mut requests = 0;
    loop {
        let out = doc.sync().generate_sync_message(state);
        let sent_nothing = out.is_none();
        let body = out.map(Message::encode).unwrap_or_default();
        let resp = http
            .post(format!("{url}/sync/{name}?peer={peer}"))
            .body(body)
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .unwrap();
        requests += 1;
        if resp.status() == 204 {
            if sent_nothing {
                return requests;
            }
            continue;
        }
        let reply = resp.bytes().await.unwrap();
        let msg = Message::decode(&reply).unwrap();
        doc.sync().receive_sync_message(state, msg).unwrap();
    }
}

/// Runs `work(i)` for i in 0..count on 8 threads.
fn eight(count: usize, work: impl Fn(usize) + Sync) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                loop {
                    let id = next.fetch_add(1, Ordering::SeqCst);
                    if id >= count {
                        return;
                    }
                    work(id);
                }
            });
        }
    });
}

fn open_store(store: &str) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(store).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, doc BLOB NOT NULL)")
        .unwrap();
    conn
}

/// Kept as a phone would: the documents' bytes in one SQLite transaction.
fn keep(conn: &mut rusqlite::Connection, docs: Vec<(usize, Vec<u8>)>) {
    let tx = conn.transaction().unwrap();
    for (id, doc) in docs {
        tx.execute(
            "INSERT OR REPLACE INTO docs (id, doc) VALUES (?1, ?2)",
            rusqlite::params![id as i64, doc],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

fn fetch(url: &str, store: &str, count: usize) {
    let started = Instant::now();
    let http = reqwest::blocking::Client::new();
    let peer = uuid::Uuid::now_v7().simple().to_string();
    let wire = Wire::default();
    let saved: Mutex<Vec<(usize, Vec<u8>)>> = Mutex::new(Vec::with_capacity(count));
    eight(count, |id| {
        let mut doc = AutoCommit::new();
        let mut state = State::new();
        session(
            &http,
            url,
            &peer,
            &id.to_string(),
            &mut doc,
            &mut state,
            &wire,
        );
        saved.lock().unwrap().push((id, doc.save()));
    });
    keep(&mut open_store(store), saved.into_inner().unwrap());
    report(started, &wire, serde_json::json!({ "docs": count }));
}

fn pull(url: &str, store: &str) {
    let started = Instant::now();
    let mut conn = open_store(store);
    let held: Vec<(usize, Vec<u8>)> = conn
        .prepare("SELECT id, doc FROM docs ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let held: Vec<Mutex<(usize, AutoCommit)>> = held
        .into_iter()
        .map(|(id, b)| Mutex::new((id, AutoCommit::load(&b).unwrap())))
        .collect();
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let http = reqwest::blocking::Client::new();
    let peer = uuid::Uuid::now_v7().simple().to_string();
    let wire = Wire::default();
    let changed: Mutex<Vec<(usize, Vec<u8>)>> = Mutex::new(Vec::new());
    eight(held.len(), |i| {
        let mut guard = held[i].lock().unwrap();
        let (id, doc) = &mut *guard;
        let before = doc.get_heads();
        let mut state = State::new();
        session(&http, url, &peer, &id.to_string(), doc, &mut state, &wire);
        if doc.get_heads() != before {
            changed.lock().unwrap().push((*id, doc.save()));
        }
    });
    let changed = changed.into_inner().unwrap();
    let count = changed.len();
    keep(&mut conn, changed);
    report(
        started,
        &wire,
        serde_json::json!({ "load_ms": load_ms, "docs": held.len(), "changed": count }),
    );
}

fn push(url: &str, docs_file: &str) {
    let docs: Vec<Mutex<AutoCommit>> = read_docs(docs_file)
        .iter()
        .map(|b| Mutex::new(AutoCommit::load(b).unwrap()))
        .collect();
    let changes: usize = docs
        .iter()
        .map(|d| d.lock().unwrap().get_changes(&[]).len())
        .sum();
    let started = Instant::now();
    let http = reqwest::blocking::Client::new();
    let peer = uuid::Uuid::now_v7().simple().to_string();
    let wire = Wire::default();
    eight(docs.len(), |i| {
        let mut state = State::new();
        let mut doc = docs[i].lock().unwrap();
        session(
            &http,
            url,
            &peer,
            &i.to_string(),
            &mut doc,
            &mut state,
            &wire,
        );
    });
    report(
        started,
        &wire,
        serde_json::json!({ "docs": docs.len(), "changes": changes }),
    );
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// DEVICES peers at once against one server, the per-document counterpart of the relay
/// bench's 1,000 phones. Each device owns four documents (saved documents from DOCS_FILE,
/// under its own names). Round 0: every device, on a new connection, syncs its first three
/// (the server has none of them). Round 1: every device has made a fourth and syncs all four,
/// keeping its sync states and connection from round 0 — without a change feed it must ask
/// about each document it holds. Per round: p50, p99, max of a device's whole sync.
fn crowd(url: &str, devices: usize, docs_file: &str) {
    const DOCS: usize = 4;
    let pool = read_docs(docs_file);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(devices + 100)
            .build()
            .unwrap();
        let mut held: Vec<Vec<(AutoCommit, State)>> = (0..devices)
            .map(|i| {
                (0..DOCS)
                    .map(|k| {
                        let doc = AutoCommit::load(&pool[(i * DOCS + k) % pool.len()]).unwrap();
                        (doc, State::new())
                    })
                    .collect()
            })
            .collect();
        let mut rounds = Vec::new();
        for round in 0..2 {
            let upto = if round == 0 { DOCS - 1 } else { DOCS };
            let started = Instant::now();
            let tasks: Vec<_> = held
                .drain(..)
                .enumerate()
                .map(|(i, mut docs)| {
                    let (http, url) = (http.clone(), url.to_string());
                    tokio::spawn(async move {
                        let t = Instant::now();
                        let mut requests = 0;
                        for (k, (doc, state)) in docs.iter_mut().enumerate().take(upto) {
                            let name = format!("c{i}-{k}");
                            requests +=
                                session_async(&http, &url, &format!("p{i}"), &name, doc, state)
                                    .await;
                        }
                        (t.elapsed().as_secs_f64() * 1e3, requests, docs)
                    })
                })
                .collect();
            let mut latencies = Vec::with_capacity(devices);
            let mut requests = 0;
            for t in tasks {
                let (ms, r, docs) = t.await.unwrap();
                latencies.push(ms);
                requests += r;
                held.push(docs);
            }
            let wall = started.elapsed().as_secs_f64() * 1e3;
            latencies.sort_by(|a, b| a.total_cmp(b));
            rounds.push(serde_json::json!({
                "p50_ms": percentile(&latencies, 0.5),
                "p99_ms": percentile(&latencies, 0.99),
                "max_ms": latencies[latencies.len() - 1],
                "wall_ms": wall,
                "requests": requests,
            }));
        }
        println!(
            "{}",
            serde_json::json!({"devices": devices, "rounds": rounds})
        );
    });
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let a = |i: usize| args[i].as_str();
    match (args.get(1).map(String::as_str), args.len()) {
        (Some("serve"), 4) => serve(a(2).parse().unwrap(), a(3), None),
        (Some("serve"), 5) => serve(a(2).parse().unwrap(), a(3), Some(a(4))),
        (Some("fetch"), 5) => fetch(a(2), a(3), a(4).parse().unwrap()),
        (Some("pull"), 4) => pull(a(2), a(3)),
        (Some("push"), 4) => push(a(2), a(3)),
        (Some("crowd"), 5) => crowd(a(2), a(3).parse().unwrap(), a(4)),
        _ => {
            eprintln!(
                "usage: perdoc serve PORT STORE [DOCS_FILE] | fetch URL STORE_FILE COUNT | pull URL STORE_FILE | push URL DOCS_FILE | crowd URL DEVICES DOCS_FILE"
            );
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
