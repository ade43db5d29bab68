//! A store restored from a copy (Android Auto Backup, a phone migration tool, a support person
//! copying the file) must lose nothing and fork nothing: the copy takes a fresh actor, gets
//! back everything it had synced, re-issues any edit that repeated a sequence number the
//! server already held, and converges with every other phone. Real relay, real SQLite files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_core::{Kind, RecordId};
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

struct Street {
    relay: Relay,
    dir: tempfile::TempDir,
}

impl Street {
    fn start(backend: Backend) -> Street {
        let relay = Relay::start(RELAY, backend).unwrap();
        relay
            .admin(&["grid", "add", "g1", "--name", "第一网格"])
            .unwrap();
        Street {
            relay,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn phone(&self, user: &str, name: &str) -> Phone {
        self.relay
            .admin(&["user", "add", user, "--role", "worker", "--scope", "g1"])
            .unwrap();
        let code = self.relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(self.dir.path(), name).unwrap();
        p.enroll(&self.relay.url(), &code, &self.relay.url())
            .unwrap();
        p
    }
}

/// One edit a worker makes: a new member of household `id`, named after the edit, so every
/// edit is visible on its own in the end.
fn add_member(p: &mut Phone, id: RecordId, name: &str) {
    let mut members = p.store().get_json(id, true).unwrap()["data"]["members"].clone();
    members.as_array_mut().unwrap().push(json!({"name": name}));
    assert!(
        p.store()
            .patch_json(id, &json!({"members": members}))
            .unwrap()
    );
}

fn member_names(p: &mut Phone, id: RecordId) -> Vec<String> {
    let mut names: Vec<String> = p.store().get_json(id, true).unwrap()["data"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["name"].as_str().map(String::from))
        .collect();
    names.sort();
    names
}

fn household(p: &mut Phone, room: &str) -> RecordId {
    p.store()
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "3", "room": room}, "members": [{"name": "户主"}]}),
        )
        .unwrap()
}

/// Syncs every phone in turn, twice over, as a street of phones does through a day.
fn settle(phones: &mut [&mut Phone]) {
    for _ in 0..2 {
        for p in phones.iter_mut() {
            p.sync(1).unwrap();
        }
    }
}

fn assert_clean(p: &mut Phone) {
    let store = p.store();
    assert_eq!(
        store.refused_changes().unwrap(),
        Vec::<(String, String, String, String)>::new(),
        "{}: nothing set aside",
        p.name
    );
    let status = p.store().sync_status().unwrap();
    assert_eq!(status.pending_changes, 0, "{}: nothing waiting", p.name);
    assert_eq!(status.last_error_code, None, "{}: no error shown", p.name);
}

fn export(p: &mut Phone) -> Value {
    serde_json::from_str(&p.store().export_json().unwrap()).unwrap()
}

#[test]
fn a_store_put_back_from_a_copy_loses_and_forks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_restore").unwrap() {
        restored_in_place(backend);
    }
}

fn restored_in_place(backend: Backend) {
    let street = Street::start(backend);
    let mut wang = street.phone("王芳", "wang");
    let mut li = street.phone("李强", "li");
    let home = household(&mut wang, "501");
    let shop = household(&mut wang, "502");
    let mut expected_home = vec!["户主".to_string()];
    let mut expected_shop = vec!["户主".to_string()];

    // N = 2 edits, each synced; then the copy is taken.
    for i in 0..2 {
        let name = format!("备份前{i}");
        add_member(&mut wang, home, &name);
        expected_home.push(name);
        wang.sync(1).unwrap();
    }
    let copy = street.dir.path().join("wang-backup.db");
    wang.copy_store(&copy).unwrap();
    let actor_before = wang.store().actor_hex();

    // M = 2 more edits, synced, on both records.
    for (i, id) in [home, shop].into_iter().enumerate() {
        let name = format!("备份后{i}");
        add_member(&mut wang, id, &name);
        if id == home {
            expected_home.push(name);
        } else {
            expected_shop.push(name);
        }
        wang.sync(1).unwrap();
    }
    li.sync(1).unwrap();

    // The copy is put back and the worker goes on: K = 2 edits, one of them on the record
    // whose next sequence number the server already holds.
    wang.restore_store(&copy).unwrap();
    assert_eq!(
        wang.store().actor_hex(),
        actor_before,
        "restored in place, the file cannot tell it is a copy; the server must"
    );
    for (i, id) in [home, shop].into_iter().enumerate() {
        let name = format!("恢复后{i}");
        add_member(&mut wang, id, &name);
        if id == home {
            expected_home.push(name);
        } else {
            expected_shop.push(name);
        }
    }
    let first = wang.sync(1).unwrap();
    assert!(
        first.rejected.iter().all(|(_, code)| code != "reused_seq"),
        "a re-issued edit is not reported as refused: {:?}",
        first.rejected
    );
    assert_ne!(wang.store().actor_hex(), actor_before, "a fresh actor");
    assert!(wang.store().former_actors().contains(&actor_before));

    settle(&mut [&mut wang, &mut li]);
    expected_home.sort();
    expected_shop.sort();
    for p in [&mut wang, &mut li] {
        assert_eq!(member_names(p, home), expected_home, "{}", p.name);
        assert_eq!(member_names(p, shop), expected_shop, "{}", p.name);
        assert_clean(p);
    }
    assert_eq!(
        export(&mut wang),
        export(&mut li),
        "both phones show the same"
    );
}

#[test]
fn two_live_phones_with_one_history_converge() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_restore2").unwrap() {
        two_live_copies(backend, true);
    }
}

/// The same when the copy cannot tell it is one (a tool that carried the file's identity
/// along): the server's count of the actor's changes gives both copies away.
#[test]
fn two_live_phones_converge_when_only_the_server_can_tell() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_restore3").unwrap() {
        two_live_copies(backend, false);
    }
}

/// Makes a copied store file believe it is the file it was copied from.
fn hide_copy(path: &std::path::Path) {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(path).unwrap().ino().to_string();
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'store_file'",
        [inode],
    )
    .unwrap();
}

fn two_live_copies(backend: Backend, detected_on_open: bool) {
    let street = Street::start(backend);
    let mut wang = street.phone("王芳", "wang");
    let mut li = street.phone("李强", "li");
    let home = household(&mut wang, "601");
    add_member(&mut wang, home, "迁移前");
    wang.sync(1).unwrap();
    li.sync(1).unwrap();
    let actor = wang.store().actor_hex();

    // The store goes onto a second phone (a migration that left the old phone working).
    let mut twin = wang.clone_onto(street.dir.path(), "wang-new").unwrap();
    if detected_on_open {
        assert_ne!(
            twin.store().actor_hex(),
            actor,
            "another file: the copy takes a fresh actor when it opens"
        );
    } else {
        hide_copy(&twin.path);
        assert_eq!(
            twin.store().actor_hex(),
            actor,
            "the copy passes for the original"
        );
    }
    let mut expected = vec!["户主".to_string(), "迁移前".to_string()];
    for round in 0..3 {
        for (p, who) in [(&mut wang, "旧机"), (&mut twin, "新机")] {
            let name = format!("{who}{round}");
            add_member(p, home, &name);
            expected.push(name);
            p.sync(1).unwrap();
        }
        let other = household(&mut twin, &format!("70{round}"));
        add_member(&mut twin, other, "新户成员");
        li.sync(1).unwrap();
    }
    settle(&mut [&mut wang, &mut twin, &mut li]);
    if !detected_on_open {
        let (a, b) = (wang.store().actor_hex(), twin.store().actor_hex());
        assert!(a != actor || b != actor, "at least one copy moved on");
        assert_ne!(a, b, "the two phones write under actors of their own");
    }
    expected.sort();
    let reference = export(&mut li);
    for p in [&mut wang, &mut twin, &mut li] {
        assert_eq!(member_names(p, home), expected, "{}", p.name);
        assert_clean(p);
        assert_eq!(export(p), reference, "{} converges", p.name);
    }
}
