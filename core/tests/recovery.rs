//! Never delete a store: a store file that is damaged (bytes overwritten at random offsets,
//! the file cut short) or cannot be decrypted is moved aside exactly as it was, a fresh store
//! takes its place, and every record that can still be read from the damaged file comes over,
//! with the unsynced changes and the enrolment. Real SQLite files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use automerge::AutoCommit;
use gridkeeper_core::{Kind, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

const RECORDS: usize = 120;

/// A closed store of `RECORDS` households, unsynced, enrolled in name; returns each record's
/// exported JSON by id.
fn build(path: &Path) -> BTreeMap<String, Value> {
    let mut s = Store::init(path, Some("王芳")).unwrap();
    s.set_meta("sync_server", "http://relay.example").unwrap();
    s.set_meta("sync_grids", "g1").unwrap();
    for i in 0..RECORDS {
        let mut h = support::household(
            &format!("{}", i % 7 + 1),
            &format!("{i}"),
            &[("住户", None, None)],
        );
        h["notes"] = Value::String("备注".repeat(40));
        s.create_json(Kind::Household, "g1", h).unwrap();
    }
    let export: BTreeMap<String, Value> = serde_json::from_str(&s.export_json().unwrap()).unwrap();
    drop(s);
    export
}

/// What an independent reader gets from the damaged file: records found through the
/// primary-key index whose documents load (the recovery reads the table by rowid instead).
fn readable(path: &Path, ids: &[String]) -> Vec<String> {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return Vec::new();
    };
    ids.iter()
        .filter(|id| {
            conn.query_row("SELECT doc FROM records WHERE id = ?1", [id], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .ok()
            .is_some_and(|bytes| AutoCommit::load(&bytes).is_ok())
        })
        .cloned()
        .collect()
}

fn check_recovered(path: &Path, damaged: &[u8], original: &BTreeMap<String, Value>) -> bool {
    let (mut store, recovery) = Store::open_or_recover(path, None).unwrap();
    let Some(recovery) = recovery else {
        // Damage SQLite does not see on open (inside a value, say): the store opened and
        // passed integrity_check; nothing was moved.
        assert_eq!(store.integrity_check().unwrap(), "ok");
        return false;
    };
    let moved = Path::new(&recovery.moved_to);
    assert!(
        std::fs::read(moved).unwrap() == damaged,
        "the damaged file is kept byte for byte"
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let ids: Vec<String> = original.keys().cloned().collect();
    let exported: BTreeMap<String, Value> =
        serde_json::from_str(&store.export_json().unwrap()).unwrap();
    for id in readable(moved, &ids) {
        assert_eq!(
            exported.get(&id),
            original.get(&id),
            "readable record {id} recovered as it was ({} recovered, {} unreadable)",
            recovery.records,
            recovery.records_unreadable
        );
    }
    for (id, value) in &exported {
        assert_eq!(Some(value), original.get(id), "nothing recovered differs");
    }
    assert_eq!(recovery.records as usize, exported.len());
    // Unsynced work comes along: every recovered record's changes wait to be sent.
    let waiting: std::collections::BTreeSet<String> = store
        .outbox(usize::MAX >> 1)
        .unwrap()
        .into_iter()
        .map(|e| e.record_id)
        .collect();
    for id in exported.keys() {
        assert!(waiting.contains(id), "outbox of {id}");
    }
    if recovery.records > 0 {
        assert_eq!(
            store.meta("sync_server").unwrap().as_deref(),
            Some("http://relay.example"),
            "the enrolment carried over"
        );
    }
    assert!(recovery.message_zh().contains("原文件已原样保留"));
    assert_eq!(store.last_recovery().unwrap(), Some(recovery));
    true
}

#[test]
fn a_healthy_store_opens_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    build(&path);
    let actor = Store::open(&path).unwrap().actor_hex();
    let (store, recovery) = Store::open_or_recover(&path, None).unwrap();
    assert_eq!(recovery, None);
    assert_eq!(store.actor_hex(), actor);
    assert_eq!(store.record_ids(None).unwrap().len(), RECORDS);
}

#[test]
fn a_truncated_store_is_kept_and_what_it_holds_is_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let pristine = dir.path().join("pristine.db");
    let original = build(&pristine);
    let len = std::fs::metadata(&pristine).unwrap().len();
    let mut moved_aside = 0;
    for cut in [len / 3, len / 2, len * 9 / 10, len - 100, 50] {
        let path = dir.path().join(format!("cut-{cut}.db"));
        std::fs::copy(&pristine, &path).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(cut)
            .unwrap();
        let damaged = std::fs::read(&path).unwrap();
        if check_recovered(&path, &damaged, &original) {
            moved_aside += 1;
        }
    }
    assert!(
        moved_aside >= 4,
        "a cut file is noticed ({moved_aside} of 5)"
    );
}

#[test]
fn a_store_overwritten_at_random_offsets_is_kept_and_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let pristine = dir.path().join("pristine.db");
    let original = build(&pristine);
    let len = std::fs::metadata(&pristine).unwrap().len();
    let mut moved_aside = 0;
    for seed in 0..16u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let path = dir.path().join(format!("noise-{seed}.db"));
        std::fs::copy(&pristine, &path).unwrap();
        {
            let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            for _ in 0..rng.random_range(1..6) {
                let at = rng.random_range(0..len.saturating_sub(64));
                let noise: Vec<u8> = (0..rng.random_range(8..64)).map(|_| rng.random()).collect();
                f.seek(SeekFrom::Start(at)).unwrap();
                f.write_all(&noise).unwrap();
            }
        }
        let damaged = std::fs::read(&path).unwrap();
        if check_recovered(&path, &damaged, &original) {
            moved_aside += 1;
        }
    }
    assert!(moved_aside > 0, "some of the damage is noticed");
}

#[cfg(feature = "sqlcipher")]
#[test]
fn a_store_the_key_no_longer_opens_is_kept() {
    use gridkeeper_core::store::StoreKey;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("enc.db");
    let key = StoreKey::from_bytes(&[7; 32]).unwrap();
    let mut s = Store::init_encrypted(&path, &key, Some("王芳")).unwrap();
    s.create_json(
        Kind::Household,
        "g1",
        support::household("1", "101", &[("住户", None, None)]),
    )
    .unwrap();
    drop(s);
    let before = std::fs::read(&path).unwrap();
    let other = StoreKey::from_bytes(&[8; 32]).unwrap();
    let (store, recovery) = Store::open_encrypted_or_recover(&path, &other, None).unwrap();
    let recovery = recovery.expect("moved aside");
    assert_eq!(recovery.cause, "undecryptable");
    assert!(
        std::fs::read(&recovery.moved_to).unwrap() == before,
        "kept byte for byte"
    );
    assert!(store.record_ids(None).unwrap().is_empty());
    assert!(recovery.message_zh().contains("无法解密"));
    // The old key still opens the kept file.
    let kept = Store::open_encrypted(&recovery.moved_to, &key).unwrap();
    assert_eq!(kept.record_ids(None).unwrap().len(), 1);
}
