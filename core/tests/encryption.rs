//! Encryption at rest: a store keyed with SQLCipher opens only with its key, a wrong key is a
//! typed error that leaves the file byte for byte as it was, and a plaintext store migrates
//! to an encrypted one without losing records. Runs only where core is built with SQLCipher
//! (the `sqlcipher` feature, which a workspace build gets through the bindings).

#![cfg(feature = "sqlcipher")]

mod support;

use gridkeeper_core::store::StoreKey;
use gridkeeper_core::{Error, Kind, Store};
use sha2::{Digest, Sha256};

fn key(byte: u8) -> StoreKey {
    StoreKey::from_bytes(&[byte; 32]).unwrap_or_else(|e| panic!("{e}"))
}

fn file_hash(path: &std::path::Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap_or_else(|e| panic!("{e}"))).to_vec()
}

fn household() -> serde_json::Value {
    support::household("3", "501", &[("张三", None, Some("13812345678"))])
}

#[test]
fn a_wrong_key_is_refused_and_leaves_the_file_intact() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("enc.db");
    let id = {
        let mut store =
            Store::init_encrypted(&path, &key(7), Some("王芳")).unwrap_or_else(|e| panic!("{e}"));
        store
            .create_json(Kind::Household, "g1", household())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let before = file_hash(&path);
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !raw.starts_with(b"SQLite format 3"),
        "the header is encrypted too"
    );
    assert!(
        !raw.windows("13812345678".len())
            .any(|w| w == b"13812345678"),
        "no personal data in the clear"
    );

    assert!(matches!(
        Store::open_encrypted(&path, &key(8)),
        Err(Error::WrongKey)
    ));
    assert!(matches!(Store::open(&path), Err(Error::WrongKey)));
    assert!(matches!(
        Store::init_encrypted(&path, &key(9), None),
        Err(Error::WrongKey)
    ));
    assert_eq!(file_hash(&path), before, "refused opens wrote nothing");
    assert!(!Store::is_plaintext_store(&path).unwrap_or(true));

    let mut store = Store::open_encrypted(&path, &key(7)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.integrity_check().ok().as_deref(), Some("ok"));
    let got = store.get_json(id, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got["data"]["members"][0]["phone"], "13812345678");
}

#[test]
fn a_plaintext_store_migrates_to_an_encrypted_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("plain.db");
    let (id, actor) = {
        let mut store = Store::init(&path, Some("王芳")).unwrap_or_else(|e| panic!("{e}"));
        let id = store
            .create_json(Kind::Household, "g1", household())
            .unwrap_or_else(|e| panic!("{e}"));
        (id, store.actor_hex())
    };
    assert!(Store::is_plaintext_store(&path).unwrap_or(false));
    assert!(matches!(
        Store::open_encrypted(&path, &key(1)),
        Err(Error::WrongKey)
    ));

    Store::encrypt_in_place(&path, &key(1)).unwrap_or_else(|e| panic!("{e}"));

    assert!(!Store::is_plaintext_store(&path).unwrap_or(true));
    assert!(matches!(Store::open(&path), Err(Error::WrongKey)));
    let mut store = Store::open_encrypted(&path, &key(1)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.actor_hex(), actor, "the device keeps its identity");
    assert_eq!(store.user(), Some("王芳"));
    let hits = store
        .search("zs", None, None, 10)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, id.to_string());
    store
        .create_json(
            Kind::Household,
            "g1",
            support::household("4", "101", &[("李四", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_key_must_be_32_bytes() {
    assert!(matches!(
        StoreKey::from_bytes(&[0; 16]),
        Err(Error::Invalid(i)) if i.field == "key"
    ));
}

#[test]
fn drafts_are_encrypted_at_rest_and_unreadable_under_another_key() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("drafts.db");
    let fields = r#"{"members":[{"id_number":"11010519491231002X","phone":"13912345678"}]}"#;
    {
        let mut store =
            Store::init_encrypted(&path, &key(3), Some("王芳")).unwrap_or_else(|e| panic!("{e}"));
        store
            .save_draft("household:new", "household", None, "3栋 501", fields)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    // Checkpointed into the main file and WAL alike: neither holds the numbers in the clear.
    for file in ["drafts.db", "drafts.db-wal"] {
        let Ok(raw) = std::fs::read(dir.path().join(file)) else {
            continue;
        };
        for secret in ["11010519491231002X", "13912345678"] {
            assert!(
                !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{file} holds a draft's number in the clear"
            );
        }
    }
    assert!(matches!(
        Store::open_encrypted(&path, &key(4)),
        Err(Error::WrongKey)
    ));
    let store = Store::open_encrypted(&path, &key(3)).unwrap_or_else(|e| panic!("{e}"));
    let draft = store
        .draft("household:new")
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("the draft is gone"));
    assert_eq!(draft.fields, fields);
}
