//! `--demo` end to end: the binary seeds a small street through simulated phones, a new
//! device enrolled with a printed code sees every kind of record and a real conflict, the
//! stored records cover every grid, and a second `--demo` start adds nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use gridkeeper_core::sync::SyncOptions;
use gridkeeper_core::{Kind, Store};
use gridkeeper_server::storage::Storage;
use gridkeeper_server::storage::sqlite::SqliteStorage;

const BIN: &str = env!("CARGO_BIN_EXE_gridkeeper-server");

/// Starts `--demo` and reads stdout up to the ready line; returns the process, the lines
/// and the server's address.
fn start_demo(data: &Path) -> (Child, Vec<String>, String) {
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--demo",
            "--demo-households",
            "60",
        ])
        .env("GRIDKEEPER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .expect("the server stopped before the demo was ready")
            .unwrap();
        assert!(!line.starts_with("demo: seeding failed"), "{line}");
        seen.push(line.clone());
        if let Some(url) = line.strip_prefix("demo ready: ") {
            break url.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, seen, base)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// grid → (records, feed head), as the server stores them.
fn stored(data: &Path) -> BTreeMap<String, (u64, u64)> {
    let storage = SqliteStorage::open(&data.join("gridkeeper.db")).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut out = BTreeMap::new();
        for grid in storage.grids().await.unwrap() {
            let records = storage.count_documents(&grid.id).await.unwrap();
            let head = storage.head(&grid.id).await.unwrap();
            out.insert(grid.id, (records, head));
        }
        out
    })
}

#[test]
fn demo_seeds_a_street_through_phones_and_never_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (child, lines, base) = start_demo(&data);
    let text = lines.join("\n");
    assert!(text.contains("seeding grid xf-1-01"), "{text}");
    let code = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("王芳 (worker): "))
        .expect("a printed enrolment code for the worker of xf-1-01")
        .to_string();

    // A new device of 王芳 enrols with the printed code and syncs like any phone.
    let mut phone = Store::init(tmp.path().join("mine.db"), None).unwrap();
    phone.enroll(&base, &code).unwrap();
    phone.sync(&SyncOptions::default(), &mut |_| {}).unwrap();
    for kind in Kind::ALL {
        assert!(
            !phone.record_ids(Some(kind)).unwrap().is_empty(),
            "no {kind} reached the new device"
        );
    }
    let mut conflicted = 0;
    for id in phone.record_ids(Some(Kind::Household)).unwrap() {
        if !phone.conflicts(id).unwrap().is_empty() {
            conflicted += 1;
        }
    }
    assert!(conflicted >= 1, "no concurrent edit shows as a conflict");
    stop(child);

    // Every grid of the street holds records on the server.
    let before = stored(&data);
    let grids: BTreeSet<&str> = [
        "xf-1-01", "xf-1-02", "xf-2-01", "xf-2-02", "xf-3-01", "xf-3-02",
    ]
    .into_iter()
    .collect();
    for grid in &grids {
        assert!(
            before.get(*grid).is_some_and(|(records, _)| *records > 0),
            "no records in {grid}: {before:?}"
        );
    }

    // Starting again with --demo on the same data seeds nothing.
    let (child, lines, _) = start_demo(&data);
    stop(child);
    assert!(
        lines.iter().any(|l| l.contains("demo: skipped")),
        "{}",
        lines.join("\n")
    );
    assert_eq!(
        stored(&data),
        before,
        "a second --demo start changed the data"
    );
}
