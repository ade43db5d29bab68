//! End to end over loopback, release build: a fresh phone's bootstrap of one grid (~10,000
//! records with history) measured in the phone's own process (time, bytes on the wire, peak
//! memory), and an incremental sync of 20 changed records each way.
//! `cargo bench -p gridkeeper-tests --bench e2e`; results in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::{Duration, Instant};

use gridkeeper_core::Kind;
use gridkeeper_core::kinds::Household;
use gridkeeper_core::sync::SyncOptions;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::Value;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");
const PHONE: &str = env!("CARGO_BIN_EXE_phone");
const RUNS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn enrolled(relay: &Relay, dir: &std::path::Path, name: &str) -> Phone {
    let code = relay.admin(&["enroll-code", "w"]).unwrap();
    let mut p = Phone::new(dir, name).unwrap();
    p.enroll(&relay.url(), &code, &relay.url()).unwrap();
    p
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, Backend::Sqlite(tmp.path().join("relay"))).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格"])
        .unwrap();
    relay
        .admin(&["user", "add", "w", "--role", "worker", "--scope", "g1"])
        .unwrap();

    // The grid, pushed by the phone that recorded it.
    let mut seed = enrolled(&relay, tmp.path(), "seed");
    let seed_path = seed.path.clone();
    let populated = gridkeeper_tests::street::populate_grid(&seed_path, "g1").unwrap();
    let records = populated.record_ids(None).unwrap().len();
    drop(populated);
    seed.sync(3).unwrap();
    println!("grid: {records} records on the relay");

    let mut times = Vec::new();
    let mut rss = Vec::new();
    for run in 0..RUNS {
        let fresh = enrolled(&relay, tmp.path(), &format!("fresh{run}"));
        let path = fresh.path.clone();
        drop(fresh);
        let out = Command::new(PHONE)
            .arg(&path)
            .arg("--report")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(r["snapshots"].as_u64(), Some(records as u64));
        println!(
            "  bootstrap run {run}: {:.0} ms, {} round trips, {:.1} MB down, peak RSS {:.1} MB",
            r["elapsed_ms"].as_f64().unwrap(),
            r["rounds"],
            r["bytes_down"].as_f64().unwrap() / 1e6,
            r["peak_rss_kib"].as_f64().unwrap() / 1024.0
        );
        times.push(r["elapsed_ms"].as_f64().unwrap());
        rss.push(r["peak_rss_kib"].as_f64().unwrap() / 1024.0);
    }
    println!(
        "bootstrap of {records} records into a fresh phone process: median {:.0} ms, peak RSS median {:.1} MB",
        median(times),
        median(rss)
    );

    // Incremental: two phones up to date; each changes 20 households; the second phone's
    // sync pushes its 20 and pulls the first's 20 in one round trip.
    let mut a = enrolled(&relay, tmp.path(), "a");
    let mut b = enrolled(&relay, tmp.path(), "b");
    a.sync(3).unwrap();
    b.sync(3).unwrap();
    let households = a.store().record_ids(Some(Kind::Household)).unwrap();
    let opts = SyncOptions {
        timeout: Duration::from_secs(30),
        ..Default::default()
    };
    let mut incremental = Vec::new();
    for run in 0..RUNS {
        for (k, id) in households.iter().skip(run * 40).take(20).enumerate() {
            a.store()
                .update::<Household>(*id, |h| h.notes = format!("复访 {run}-{k}"))
                .unwrap();
        }
        for (k, id) in households.iter().skip(run * 40 + 20).take(20).enumerate() {
            b.store()
                .update::<Household>(*id, |h| h.notes = format!("走访 {run}-{k}"))
                .unwrap();
        }
        a.store().sync(&opts, &mut |_| {}).unwrap();
        let started = Instant::now();
        let s = b.store().sync(&opts, &mut |_| {}).unwrap();
        let ms = started.elapsed().as_secs_f64() * 1e3;
        assert_eq!((s.pushed, s.pulled, s.rounds), (20, 20, 1), "{s:?}");
        println!(
            "  incremental run {run}: 20 up + 20 down in {ms:.1} ms, {} round trip",
            s.rounds
        );
        incremental.push(ms);
    }
    println!(
        "incremental sync, 20 records each way: median {:.1} ms, 1 round trip",
        median(incremental)
    );
}
