//! The cursor never skips a change: two relay processes on one database, phones pushing
//! through both at once, and phones pulling through both throughout. At the end every
//! puller holds every record exactly as the server does (same heads), which it can only if
//! no pull ever stepped over a change that committed late. Runs on one SQLite file shared
//! by both processes, and on one PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gridkeeper_core::Kind;
use gridkeeper_core::sync::SyncOptions;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");
const PUSHERS: usize = 6;
const PULLERS: usize = 3;
const ROUNDS: usize = 12;

/// Small pages, so pulls interleave with pushes many times.
fn small_pages() -> SyncOptions {
    SyncOptions {
        page: Some(7),
        max_attempts: 1,
        ..Default::default()
    }
}

fn run(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let a = Relay::start(RELAY, backend.clone()).unwrap();
    let b = Relay::start(RELAY, backend).unwrap();
    a.admin(&["grid", "add", "s1", "--name", "街道"]).unwrap();
    a.admin(&["grid", "add", "g1", "--name", "一网格", "--parent", "s1"])
        .unwrap();
    a.admin(&["grid", "add", "g2", "--name", "二网格", "--parent", "s1"])
        .unwrap();
    let urls = [a.url(), b.url()];
    let mut enrol = |i: usize| {
        let user = format!("w{i}");
        a.enrolled_worker(dir.path(), &user, &user, "g1,g2", &urls[i % 2])
            .unwrap()
    };
    let pushers: Vec<Phone> = (0..PUSHERS).map(&mut enrol).collect();
    let pullers: Vec<Phone> = (PUSHERS..PUSHERS + PULLERS).map(&mut enrol).collect();

    let done = Arc::new(AtomicBool::new(false));
    let pull_threads: Vec<_> = pullers
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            let (done, urls) = (done.clone(), urls.clone());
            std::thread::spawn(move || {
                let mut n = i;
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    n += 1;
                    // Alternate between the two processes.
                    p.store().set_meta("sync_server", &urls[n % 2]).unwrap();
                    p.store().sync(&small_pages(), &mut |_| {}).unwrap();
                    if finished {
                        return p;
                    }
                }
            })
        })
        .collect();
    let push_threads: Vec<_> = pushers
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            let urls = urls.clone();
            std::thread::spawn(move || {
                for r in 0..ROUNDS {
                    for k in 0..3 {
                        let grid = if (i + k) % 2 == 0 { "g1" } else { "g2" };
                        p.store()
                            .create_json(
                                Kind::Household,
                                grid,
                                json!({"address": {"building": format!("{i}"), "room": format!("{r}-{k}")}, "members": [{"name": "郑十"}]}),
                            )
                            .unwrap();
                    }
                    p.store().set_meta("sync_server", &urls[(i + r) % 2]).unwrap();
                    let s = p.store().sync(&small_pages(), &mut |_| {}).unwrap();
                    assert!(s.rejected.is_empty());
                }
                p
            })
        })
        .collect();
    let pushers: Vec<Phone> = push_threads
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    done.store(true, Ordering::SeqCst);
    let mut pullers: Vec<Phone> = pull_threads
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();

    // The server's view, through a phone that bootstraps after everything.
    let records = PUSHERS * ROUNDS * 3;
    let mut late = enrol(PUSHERS + PULLERS);
    late.sync(3).unwrap();
    let truth = late.store().heads().unwrap();
    assert_eq!(truth.len(), records);
    for (i, p) in pullers.iter_mut().enumerate() {
        let heads = p.store().heads().unwrap();
        let differ = truth
            .iter()
            .filter(|(id, h)| heads.get(*id) != Some(h))
            .count();
        assert_eq!(differ, 0, "puller {i} misses changes of {differ} records");
        assert_eq!(heads.len(), records);
    }
    for mut p in pushers {
        assert_eq!(p.store().outbox_len().unwrap(), 0);
    }
}

#[test]
fn two_relay_processes_on_one_database_never_skip_a_change() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_cursor").unwrap() {
        println!("backend {}", backend.name());
        run(backend);
    }
}
