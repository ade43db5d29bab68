//! Rescue without a network: a phone's unsynced work written to a sealed file, carried to the
//! relay and imported by an administrator — on the command line or through the API — exactly
//! as if the phone had synced. The records then reach other phones by normal sync; the phone
//! itself, syncing later, finds its work already there, nothing refused and nothing stored
//! twice. A file altered in one byte, or written by a revoked device, is refused with nothing
//! stored; a file imported twice changes nothing the second time; an edit the relay refused
//! before travels too and is judged again by the same rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use gridkeeper_core::sync::SyncOptions;
use gridkeeper_core::{Kind, RecordId};
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

/// A small but real PNG, varied by `n`.
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

/// A relay with one grid and two workers of it, each with an enrolled phone that has synced
/// once (so the phone is known and its grid bootstrapped) and then lost the network.
fn street(backend: Backend, dir: &Path) -> (Relay, Phone, Phone) {
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "一网格"])
        .unwrap();
    let mut phones = Vec::new();
    for (name, user) in [("far", "王芳"), ("near", "李娜")] {
        relay
            .admin(&["user", "add", user, "--role", "worker", "--scope", "g1"])
            .unwrap();
        let code = relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(dir, name).unwrap();
        p.enroll(&relay.url(), &code, &relay.url()).unwrap();
        p.sync(1).unwrap();
        phones.push(p);
    }
    let near = phones.pop().unwrap();
    let far = phones.pop().unwrap();
    (relay, far, near)
}

/// Ten days of work far from signal: two households (one edited again), and a visit with a
/// photo. Returns the records and the photo.
fn field_work(p: &mut Phone) -> (Vec<RecordId>, Vec<u8>) {
    let s = p.store();
    let h1 = s
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "3", "room": "301"}}),
        )
        .unwrap();
    let h2 = s
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "3", "room": "302"}}),
        )
        .unwrap();
    s.patch_json(h1, &json!({"address": {"room": "303"}}))
        .unwrap();
    let photo = png(9);
    let blob = s.add_blob(&photo, Some("image/png")).unwrap();
    let visit = s
        .create_json(
            Kind::Visit,
            "g1",
            json!({"subject": {"kind": "household", "id": h2.to_string()}, "photos": [blob.hash]}),
        )
        .unwrap();
    (vec![h1, h2, visit], photo)
}

fn write_rescue(p: &mut Phone, dir: &Path) -> PathBuf {
    let path = dir.join(format!("{}.gkrescue", p.name));
    let summary = p.store().write_rescue(&path).unwrap();
    assert!(summary.changes >= 4, "{summary:?}");
    assert_eq!(summary.blobs, 1);
    path
}

fn import_over_http(relay: &Relay, body: Vec<u8>) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/v1/admin/rescue", relay.url()))
        .bearer_auth(relay.admin_token.as_deref().unwrap())
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap())
}

#[test]
fn rescued_work_reaches_other_phones_and_the_phone_converges_when_it_syncs() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_rescue").unwrap() {
        round_trip(backend);
    }
}

fn round_trip(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (relay, mut far, mut near) = street(backend, dir.path());
    let (records, photo) = field_work(&mut far);
    let pending = far.store().sync_status().unwrap().pending_changes;
    let file = write_rescue(&mut far, dir.path());

    let out = relay
        .admin(&["rescue", "import", file.to_str().unwrap()])
        .unwrap();
    assert!(
        out.contains(&format!("{pending} of {pending} changes accepted"))
            && out.contains("1 attachments stored"),
        "{out}"
    );
    assert!(!out.contains("refused"), "{out}");
    let held = relay.documents("g1").unwrap();
    for id in &records {
        assert!(
            held.contains_key(&id.to_string()),
            "record {id} on the relay"
        );
    }
    let actor = far.store().actor_hex();
    assert_eq!(relay.held_changes(&actor).unwrap(), pending);

    // Another phone receives the work by an ordinary sync, photo included.
    near.sync(1).unwrap();
    for id in &records {
        assert_eq!(
            near.store().get_json(*id, true).unwrap(),
            far.store().get_json(*id, true).unwrap()
        );
    }
    let fetched = near
        .store()
        .fetch_record_blobs(records[2], &SyncOptions::default())
        .unwrap();
    assert_eq!(fetched, 1);
    assert_eq!(
        near.store()
            .get_blob(&gridkeeper_core::store::blob_hash(&photo))
            .unwrap(),
        Some(photo)
    );

    // The phone finds signal: everything it sends is already held — acknowledged, none
    // refused, none stored twice — and it ends where the others are.
    let s = far.sync(1).unwrap();
    assert!(s.rejected.is_empty(), "{:?}", s.rejected);
    assert_eq!(s.pushed, pending);
    let status = far.store().sync_status().unwrap();
    assert_eq!(
        (
            status.pending_changes,
            status.refused_changes,
            status.pending_uploads
        ),
        (0, 0, 0)
    );
    assert_eq!(relay.held_changes(&actor).unwrap(), pending);
    assert_eq!(relay.documents("g1").unwrap(), held);
    near.sync(1).unwrap();
    for id in &records {
        assert_eq!(
            near.store().get_json(*id, true).unwrap(),
            far.store().get_json(*id, true).unwrap()
        );
    }
}

#[test]
fn a_file_with_one_byte_flipped_is_refused_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, mut far, _) = street(Backend::Sqlite(dir.path().join("relay")), dir.path());
    field_work(&mut far);
    let file = write_rescue(&mut far, dir.path());
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&file, &bytes).unwrap();

    let err = relay
        .admin(&["rescue", "import", file.to_str().unwrap()])
        .unwrap_err();
    assert!(
        err.contains("rescue_file_unauthentic") && err.contains("altered or damaged"),
        "{err}"
    );
    let (status, reply) = import_over_http(&relay, bytes);
    assert_eq!(status, 400);
    assert_eq!(reply["error"]["code"], "rescue_file_unauthentic");
    assert!(relay.documents("g1").unwrap().is_empty());
    assert_eq!(relay.held_changes(&far.store().actor_hex()).unwrap(), 0);
}

#[test]
fn a_file_imported_twice_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, mut far, _) = street(Backend::Sqlite(dir.path().join("relay")), dir.path());
    field_work(&mut far);
    let pending = far.store().sync_status().unwrap().pending_changes;
    let bytes = std::fs::read(write_rescue(&mut far, dir.path())).unwrap();

    let (status, first) = import_over_http(&relay, bytes.clone());
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["accepted"], pending);
    assert_eq!(first["changes"], pending);
    assert_eq!(first["rejected"], json!({}));
    assert_eq!(
        (first["blobs_stored"].clone(), first["blobs_held"].clone()),
        (json!(1), json!(0))
    );
    let held = relay.documents("g1").unwrap();

    let (status, second) = import_over_http(&relay, bytes);
    assert_eq!(status, 200, "{second}");
    assert_eq!(
        second["accepted"], pending,
        "held changes are accepted again"
    );
    assert_eq!(second["rejected"], json!({}));
    assert_eq!(
        (second["blobs_stored"].clone(), second["blobs_held"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(relay.documents("g1").unwrap(), held);
    assert_eq!(
        relay.held_changes(&far.store().actor_hex()).unwrap(),
        pending
    );
}

#[test]
fn a_revoked_devices_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, mut far, _) = street(Backend::Sqlite(dir.path().join("relay")), dir.path());
    field_work(&mut far);
    let file = write_rescue(&mut far, dir.path());
    let device = far.store().meta("sync_device").unwrap().unwrap();
    relay.admin(&["device", "revoke", &device]).unwrap();

    let err = relay
        .admin(&["rescue", "import", file.to_str().unwrap()])
        .unwrap_err();
    assert!(err.contains("device_revoked"), "{err}");
    let (status, reply) = import_over_http(&relay, std::fs::read(&file).unwrap());
    assert_eq!(status, 403);
    assert_eq!(reply["error"]["code"], "device_revoked");
    assert!(relay.documents("g1").unwrap().is_empty());
}

#[test]
fn only_an_administrator_imports_and_an_unknown_device_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, mut far, _) = street(Backend::Sqlite(dir.path().join("relay")), dir.path());
    field_work(&mut far);
    let bytes = std::fs::read(write_rescue(&mut far, dir.path())).unwrap();
    // The phone's own token is not an administrator's.
    let token = far.store().meta("sync_token").unwrap().unwrap();
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/v1/admin/rescue", relay.url()))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(relay.documents("g1").unwrap().is_empty());

    // A file from a device this relay never enrolled (another server's phone).
    far.store()
        .set_meta("sync_device", "0193aaaa-0000-7000-8000-00000000abcd")
        .unwrap();
    let other = write_rescue(&mut far, dir.path());
    let (status, reply) = import_over_http(&relay, std::fs::read(other).unwrap());
    assert_eq!(status, 404);
    assert_eq!(reply["error"]["code"], "unknown_device");
    let (status, reply) = import_over_http(&relay, b"PK\x03\x04 not a rescue file".to_vec());
    assert_eq!(status, 400);
    assert_eq!(reply["error"]["code"], "not_rescue_file");
}

#[test]
fn an_edit_refused_before_is_judged_again_by_the_same_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (relay, mut far, _) = street(Backend::Sqlite(dir.path().join("relay")), dir.path());
    relay
        .admin(&["grid", "add", "g2", "--name", "二网格"])
        .unwrap();
    // Made in a grid outside the worker's reach: refused out_of_scope and set aside.
    far.store()
        .create_json(
            Kind::Household,
            "g2",
            json!({"address": {"building": "9", "room": "901"}}),
        )
        .unwrap();
    far.sync(1).unwrap();
    assert_eq!(far.store().sync_status().unwrap().refused_changes, 1);
    field_work(&mut far);
    let pending = far.store().sync_status().unwrap().pending_changes;
    let bytes = std::fs::read(write_rescue(&mut far, dir.path())).unwrap();

    let (status, reply) = import_over_http(&relay, bytes);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["changes"], pending + 1);
    assert_eq!(reply["accepted"], pending);
    assert_eq!(reply["rejected"], json!({"out_of_scope": 1}));
    assert!(relay.documents("g2").unwrap().is_empty());
}
