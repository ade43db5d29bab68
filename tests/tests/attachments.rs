//! Attachments between phones: a photo taken on one phone and named by a visit is uploaded
//! with the sync, tied to the visit; another phone learns of it with the record and fetches
//! it on demand (when the visit is opened), byte for byte. A phone of another grid cannot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_core::Kind;
use gridkeeper_core::store::BlobState;
use gridkeeper_core::sync::SyncOptions;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

/// A small but real PNG (signature, IHDR, IDAT, IEND), varied by `n`.
fn png(n: u8) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
    ]);
    b.extend_from_slice(&[0x90, 0x77, 0x53, 0xDE]);
    b.extend_from_slice(&[0, 0, 0, 1, b'I', b'D', b'A', b'T', n, 0, 0, 0, 0]);
    b.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    b
}

#[test]
fn a_photo_travels_with_its_visit_and_is_fetched_on_demand() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_blobs").unwrap() {
        run(backend);
    }
}

fn run(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "一网格"])
        .unwrap();
    relay
        .admin(&["grid", "add", "g2", "--name", "二网格"])
        .unwrap();
    relay
        .admin(&["user", "add", "w1", "--role", "worker", "--scope", "g1"])
        .unwrap();
    relay
        .admin(&["user", "add", "w2", "--role", "worker", "--scope", "g2"])
        .unwrap();
    let mut phones = Vec::new();
    for (name, user) in [("a", "w1"), ("b", "w1"), ("other", "w2")] {
        let code = relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(dir.path(), name).unwrap();
        p.enroll(&relay.url(), &code, &relay.url()).unwrap();
        phones.push(p);
    }

    let photo = png(7);
    let blob = phones[0]
        .store()
        .add_blob(&photo, Some("image/png"))
        .unwrap();
    // Not yet named by any record: nothing to tie it to, so it waits.
    let s = phones[0].sync(1).unwrap();
    assert_eq!(s.blobs_uploaded, 0);
    let visit = phones[0]
        .store()
        .create_json(
            Kind::Visit,
            "g1",
            json!({"subject": {"kind": "household", "id": gridkeeper_core::RecordId::new().to_string()}, "photos": [blob.hash]}),
        )
        .unwrap();
    let s = phones[0].sync(1).unwrap();
    assert_eq!(s.blobs_uploaded, 1);
    assert_eq!(phones[0].store().sync_status().unwrap().pending_uploads, 0);

    phones[1].sync(1).unwrap();
    let info = phones[1].store().blob_info(&blob.hash).unwrap().unwrap();
    assert_eq!(
        info.state,
        BlobState::Remote,
        "known by reference until needed"
    );
    let fetched = phones[1]
        .store()
        .fetch_record_blobs(visit, &SyncOptions::default())
        .unwrap();
    assert_eq!(fetched, 1);
    assert_eq!(phones[1].store().get_blob(&blob.hash).unwrap(), Some(photo));

    // A phone of another grid has no record naming it and cannot fetch it by hash.
    let token = phones[2].store().meta("sync_token").unwrap().unwrap();
    let status = reqwest::blocking::Client::new()
        .get(format!("{}/v1/blobs/{}", relay.url(), blob.hash))
        .bearer_auth(token)
        .send()
        .unwrap()
        .status();
    assert_eq!(status, 404);
}
