//! The per-document sync baseline (automerge-repo's design, over our transport): one Automerge
//! sync session — `generate_sync_message` / `receive_sync_message` until both sides are quiet
//! — per document per peer, over HTTP on loopback.
//!
//!   perdoc serve PORT DOCS_FILE        hold the documents (length-prefixed saved bytes)
//!   perdoc fetch URL STORE_FILE N      a fresh peer syncs documents 0..N, 8 at a time,
//!                                      keeps them in SQLite, prints time, requests, bytes and
//!                                      peak RSS as one JSON line
//!
//! Documents are named by their index in DOCS_FILE.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

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

type Sessions = Arc<Vec<Mutex<(AutoCommit, HashMap<String, State>)>>>;

#[derive(serde::Deserialize)]
struct Peer {
    peer: String,
}

async fn sync(
    AxState(docs): AxState<Sessions>,
    Path(id): Path<usize>,
    Query(p): Query<Peer>,
    body: Bytes,
) -> impl IntoResponse {
    let Some(slot) = docs.get(id) else {
        return (StatusCode::NOT_FOUND, Vec::new());
    };
    let mut guard = slot.lock().unwrap();
    let (doc, states) = &mut *guard;
    let state = states.entry(p.peer).or_default();
    if !body.is_empty() {
        let msg = Message::decode(&body).unwrap();
        doc.sync().receive_sync_message(state, msg).unwrap();
    }
    match doc.sync().generate_sync_message(state) {
        Some(m) => (StatusCode::OK, m.encode()),
        None => (StatusCode::NO_CONTENT, Vec::new()),
    }
}

fn serve(port: u16, docs_file: &str) {
    let docs: Sessions = Arc::new(
        read_docs(docs_file)
            .iter()
            .map(|b| Mutex::new((AutoCommit::load(b).unwrap(), HashMap::new())))
            .collect(),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let app = axum::Router::new()
            .route("/sync/{id}", axum::routing::post(sync))
            .with_state(docs);
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

fn fetch(url: &str, store: &str, count: usize) {
    let started = Instant::now();
    let http = reqwest::blocking::Client::new();
    let peer = uuid::Uuid::now_v7().simple().to_string();
    let next = AtomicUsize::new(0);
    let (requests, bytes) = (AtomicU64::new(0), AtomicU64::new(0));
    let saved: Mutex<Vec<(usize, Vec<u8>)>> = Mutex::new(Vec::with_capacity(count));
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                loop {
                    let id = next.fetch_add(1, Ordering::SeqCst);
                    if id >= count {
                        return;
                    }
                    let mut doc = AutoCommit::new();
                    let mut state = State::new();
                    loop {
                        let out = doc.sync().generate_sync_message(&mut state);
                        let sent_nothing = out.is_none();
                        let body = out.map(Message::encode).unwrap_or_default();
                        bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                        let resp = http
                            .post(format!("{url}/sync/{id}?peer={peer}"))
                            .body(body)
                            .send()
                            .unwrap();
                        requests.fetch_add(1, Ordering::Relaxed);
                        if resp.status() == 204 {
                            if sent_nothing {
                                break;
                            }
                            continue;
                        }
                        let reply = resp.bytes().unwrap();
                        bytes.fetch_add(reply.len() as u64, Ordering::Relaxed);
                        let msg = Message::decode(&reply).unwrap();
                        doc.sync().receive_sync_message(&mut state, msg).unwrap();
                    }
                    saved.lock().unwrap().push((id, doc.save()));
                }
            });
        }
    });
    // Kept as a phone would: every document's bytes in one SQLite transaction.
    let mut conn = rusqlite::Connection::open(store).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, doc BLOB NOT NULL)")
        .unwrap();
    let tx = conn.transaction().unwrap();
    for (id, doc) in saved.into_inner().unwrap() {
        tx.execute(
            "INSERT OR REPLACE INTO docs (id, doc) VALUES (?1, ?2)",
            rusqlite::params![id as i64, doc],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    println!(
        "{}",
        serde_json::json!({
            "elapsed_ms": started.elapsed().as_secs_f64() * 1e3,
            "requests": requests.load(Ordering::SeqCst),
            "bytes": bytes.load(Ordering::SeqCst),
            "docs": count,
            "peak_rss_kib": peak_rss_kib(),
        })
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") if args.len() == 4 => serve(args[2].parse().unwrap(), &args[3]),
        Some("fetch") if args.len() == 5 => fetch(&args[2], &args[3], args[4].parse().unwrap()),
        _ => {
            eprintln!("usage: perdoc serve PORT DOCS_FILE | perdoc fetch URL STORE_FILE COUNT");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
