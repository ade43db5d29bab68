//! Store incarnations without a server: a copied store file takes a fresh actor when it can
//! tell it is a copy, and when two copies that could not tell meet (through change files),
//! the one that finds its (actor, seq) taken re-issues its edit under a fresh actor. Either
//! way every edit survives and both stores end equal. Real SQLite files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;

use gridkeeper_core::kinds::Household;
use gridkeeper_core::kinds::household::HousingType;
use gridkeeper_core::{Kind, Store};
use serde_json::json;

fn exchange(a: &mut Store, b: &mut Store) {
    let from_a = a.changes(None).unwrap();
    let from_b = b.changes(None).unwrap();
    b.apply_changes(&from_a).unwrap();
    a.apply_changes(&from_b).unwrap();
}

/// Copies a closed store file and makes the copy believe it is the original (a tool that
/// carried the file's identity, or a copy put back in place).
fn hidden_copy(from: &Path, to: &Path) {
    use std::os::unix::fs::MetadataExt;
    std::fs::copy(from, to).unwrap();
    let inode = std::fs::metadata(to).unwrap().ino().to_string();
    let conn = rusqlite::Connection::open(to).unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'store_file'",
        [inode],
    )
    .unwrap();
}

fn new_household(store: &mut Store) -> gridkeeper_core::RecordId {
    store
        .create_json(
            Kind::Household,
            "g1",
            support::household("3", "501", &[("户主", None, Some("13812345678"))]),
        )
        .unwrap()
}

#[test]
fn a_copied_file_takes_a_fresh_actor_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("a.db");
    let mut a = Store::init(&original, Some("王芳")).unwrap();
    new_household(&mut a);
    let actor = a.actor_hex();
    assert_eq!(a.written_under_actor().unwrap(), 1);
    drop(a);

    let copy = dir.path().join("copy.db");
    std::fs::copy(&original, &copy).unwrap();
    let b = Store::open(&copy).unwrap();
    assert_ne!(b.actor_hex(), actor);
    assert_eq!(b.former_actors(), vec![actor.clone()]);
    assert_eq!(b.written_under_actor().unwrap(), 0);
    assert_eq!(
        b.meta("incarnation_reason").unwrap().as_deref(),
        Some("copied")
    );
    drop(b);

    // The original, reopened where it was, stays who it was.
    let a = Store::open(&original).unwrap();
    assert_eq!(a.actor_hex(), actor);
    assert!(a.former_actors().is_empty());
}

#[test]
fn copies_that_reused_a_sequence_number_re_issue_and_converge() {
    let dir = tempfile::tempdir().unwrap();
    let path_a = dir.path().join("a.db");
    let mut a = Store::init(&path_a, Some("王芳")).unwrap();
    let id = new_household(&mut a);
    drop(a);
    let path_b = dir.path().join("b.db");
    hidden_copy(&path_a, &path_b);
    let mut a = Store::open(&path_a).unwrap();
    let mut b = Store::open(&path_b).unwrap();
    assert_eq!(
        a.actor_hex(),
        b.actor_hex(),
        "the copy passes for the original"
    );
    let actor = a.actor_hex();

    // Both write the record's second change under one actor: the same (actor, seq), other
    // content. One edits a field both touch, so the conflict must survive the re-issue.
    a.update::<Household>(id, |h| {
        h.members[0].phone = Some("13900000001".into());
        h.notes = "甲机备注".into();
    })
    .unwrap();
    b.update::<Household>(id, |h| {
        h.members[0].phone = Some("13700000002".into());
        h.housing_type = HousingType::Rented;
    })
    .unwrap();

    exchange(&mut a, &mut b);
    exchange(&mut a, &mut b);
    let moved: Vec<bool> = [&a, &b].iter().map(|s| s.actor_hex() != actor).collect();
    assert!(moved.iter().any(|m| *m), "one copy took a fresh actor");
    assert_ne!(a.actor_hex(), b.actor_hex());

    for s in [&mut a, &mut b] {
        let h = s.get::<Household>(id).unwrap().data;
        assert_eq!(h.notes, "甲机备注", "first copy's edit kept");
        assert_eq!(
            h.housing_type,
            HousingType::Rented,
            "second copy's edit kept"
        );
        let conflicts = s.conflicts(id).unwrap();
        let phone = conflicts
            .iter()
            .find(|c| c.path == "members[0].phone")
            .expect("the concurrent phone edits are still a conflict");
        let mut values: Vec<String> = phone
            .values
            .iter()
            .map(|v| v.value.as_str().unwrap().to_string())
            .collect();
        values.sort();
        assert_eq!(values, ["13700000002", "13900000001"]);
        assert!(
            phone
                .values
                .iter()
                .all(|v| v.user.as_deref() == Some("王芳"))
        );
    }
    assert_eq!(a.export_json().unwrap(), b.export_json().unwrap());
    // The re-issued edit waits in the outbox of the copy that re-issued it; nothing of the
    // colliding original is left anywhere in that store.
    for s in [&a, &b] {
        assert!(s.refused_changes().unwrap().is_empty());
    }
}

#[test]
fn a_store_from_before_incarnations_counts_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut s = Store::init(&path, Some("王芳")).unwrap();
    let id = new_household(&mut s);
    s.patch_json(id, &json!({"notes": "一"})).unwrap();
    s.patch_json(id, &json!({"notes": "二"})).unwrap();
    s.connection()
        .execute("DELETE FROM meta WHERE key = 'actor_written'", [])
        .unwrap();
    drop(s);
    let s = Store::open(&path).unwrap();
    assert_eq!(s.written_under_actor().unwrap(), 3);
}
