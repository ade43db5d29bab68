//! A phone whose filesystem really fills up (a size-limited tmpfs, mounted by
//! `scripts/test-small-filesystem`, which needs root): writes fail with the typed
//! `StorageFull` error, nothing written before is lost or corrupted, the store reopens, a sync
//! still delivers the outbox to the relay, and once space is freed the phone catches up.
//! The file-size cap in `full_disk.rs` covers every write path on any machine; this one
//! checks the same promises against the kernel's ENOSPC, the WAL and all.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;

use gridkeeper_core::sync::SyncError;
use gridkeeper_core::{Error, Kind};
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

#[test]
#[ignore = "needs a small filesystem: run by scripts/test-small-filesystem (GK_SMALL_FS)"]
fn a_phone_on_a_full_filesystem_loses_nothing() {
    let small =
        PathBuf::from(std::env::var("GK_SMALL_FS").expect(
            "GK_SMALL_FS must name a small, empty filesystem (scripts/test-small-filesystem)",
        ));
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, Backend::Sqlite(data.path().join("relay"))).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格"])
        .unwrap();
    relay
        .admin(&["user", "add", "王芳", "--role", "worker", "--scope", "g1"])
        .unwrap();
    let code = relay.admin(&["enroll-code", "王芳"]).unwrap();
    let mut p = Phone::new(&small, "full").unwrap();
    p.enroll(&relay.url(), &code, &relay.url()).unwrap();
    p.sync(1).unwrap();

    // Photos filled the phone: leave a little room, then keep recording until it is gone.
    let filler_path = small.join("photos.bin");
    let mut filler = std::fs::File::create(&filler_path).unwrap();
    let room = fs_free(&small).saturating_sub(1024 * 1024);
    let chunk = vec![0x5au8; 4096];
    let mut written = 0u64;
    while written + chunk.len() as u64 <= room && filler.write_all(&chunk).is_ok() {
        written += chunk.len() as u64;
    }
    filler.sync_all().unwrap();
    drop(filler);

    let mut made = Vec::new();
    let failure = loop {
        let r = p.store().create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "1", "room": format!("{}", made.len())},
                   "members": [{"name": "住户"}], "notes": "入户登记，老人独居。".repeat(190)}),
        );
        match r {
            Ok(id) => made.push(id),
            Err(e) => break e,
        }
        assert!(made.len() < 10_000, "the filesystem never filled");
    };
    assert!(matches!(failure, Error::StorageFull), "typed: {failure:?}");
    assert!(
        !made.is_empty(),
        "some work fitted before the phone was full"
    );
    assert_eq!(p.store().integrity_check().unwrap(), "ok");
    assert_eq!(
        p.store().record_ids(None).unwrap(),
        made,
        "everything saved before is there"
    );
    let outbox = p.store().outbox_len().unwrap();
    assert_eq!(outbox, made.len());

    // The app is killed and started again on the full phone: the store opens.
    p.close();
    assert_eq!(p.store().record_ids(None).unwrap(), made);

    // Syncing on the full phone: the relay gets the work even if the phone cannot note it.
    let on_full = p.sync(1);
    println!(
        "{} households fitted; sync on the full phone: {}",
        made.len(),
        match &on_full {
            Ok(_) => "ok".to_string(),
            Err(e) => e.code().to_string(),
        }
    );
    match on_full {
        Ok(_) | Err(SyncError::Store(Error::StorageFull)) => {}
        Err(other) => panic!("sync on a full phone: {other:?}"),
    }
    assert_eq!(relay.documents("g1").unwrap().len(), made.len());
    assert_eq!(p.store().integrity_check().unwrap(), "ok");

    // Space again: the phone catches up and holds exactly what the relay holds.
    std::fs::remove_file(&filler_path).unwrap();
    p.sync(1).unwrap();
    assert_eq!(p.store().outbox_len().unwrap(), 0);
    assert_eq!(p.store().record_ids(None).unwrap().len(), made.len());
    p.store()
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "2", "room": "1"}}),
        )
        .unwrap();
}

fn fs_free(path: &std::path::Path) -> u64 {
    let out = std::process::Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap()
}
