//! Crash safety: `gk import` is killed at random moments, many times, while it writes. After
//! every kill the store must be a sound SQLite file holding every record whose id was printed
//! (printed means committed), with projections equal to a rebuild from the documents.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use gridkeeper_core::{RecordId, Store};
use rand::Rng;

const ROUNDS: usize = 25;

#[test]
fn killed_mid_write_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("crash.db");
    let init = Command::new(env!("CARGO_BIN_EXE_gk"))
        .arg("--db")
        .arg(&db)
        .args(["init", "--grid", "grid-1"])
        .output();
    assert!(init.map(|o| o.status.success()).unwrap_or(false));

    let lines: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"address":{{"compound":"光明里","building":"{}","room":"{}"}},"members":[{{"name":"刘{}","phone":"139{:08}"}},{{"name":"陈{}"}}]}}"#,
                i % 30,
                100 + i % 50,
                i,
                i,
                i
            )
        })
        .collect();
    let input = dir.path().join("households.jsonl");
    std::fs::write(&input, lines.join("\n")).unwrap_or_else(|e| panic!("{e}"));

    let mut rng = rand::rng();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut killed = 0;
    for _ in 0..ROUNDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gk"))
            .arg("--db")
            .arg(&db)
            .args(["import", "household", "--jsonl"])
            .arg(&input)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        std::thread::sleep(Duration::from_millis(rng.random_range(5..150)));
        if child.kill().is_ok() {
            killed += 1;
        }
        let _ = child.wait();
        let mut out = String::new();
        if let Some(mut stdout) = child.stdout.take() {
            let _ = stdout.read_to_string(&mut out);
        }
        // A line cut short by the kill was never a complete acknowledgement.
        acknowledged.extend(out.lines().filter(|l| l.len() == 36).map(String::from));
    }
    assert!(
        killed > ROUNDS / 2,
        "most rounds should be killed mid-import"
    );
    assert!(!acknowledged.is_empty(), "some writes were acknowledged");

    let mut store = Store::open(&db).unwrap_or_else(|e| panic!("reopen after kills: {e}"));
    assert_eq!(store.integrity_check().unwrap_or_default(), "ok");
    for id in &acknowledged {
        let id: RecordId = id
            .parse()
            .unwrap_or_else(|e| panic!("printed id {id}: {e}"));
        store
            .get_json(id, true)
            .unwrap_or_else(|e| panic!("acknowledged record {id} missing: {e}"));
    }
    let before = store
        .projection_snapshot()
        .unwrap_or_else(|e| panic!("{e}"));
    store.rebuild().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store.projection_snapshot().unwrap_or_default(),
        before,
        "projections disagree with documents"
    );
    let outbox = store.outbox_len().unwrap_or_default();
    assert!(
        outbox >= acknowledged.len(),
        "every stored record's change is queued for sync"
    );
}
