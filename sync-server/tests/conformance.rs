//! One suite, run against every storage backend: each case below becomes `case::sqlite` and
//! `case::postgres`. PostgreSQL cases need `GK_TEST_POSTGRES_URL` (a superuser URL; each case
//! creates its own database); without it they are skipped loudly, or fail when
//! `GK_REQUIRE_POSTGRES=1`. `scripts/with-postgres cargo test -p gridkeeper-server --test
//! conformance` runs everything against a private cluster.
//!
//! Pushes are built from real records: a core store creates and edits them, and its outbox
//! is what gets pushed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ScalarValue};
use gridkeeper_core::{Kind, RecordId};
use gridkeeper_server::materialize::PreparedDoc;
use gridkeeper_server::storage::{
    Blob, Device, EnrollCode, Grid, NewDevice, Role, StorageError, User,
};
use support::{Backend, Field, change_hash, hashes, prepared_change};

const NOW: &str = "2025-06-01T08:00:00Z";

conformance!(
    grids_and_users,
    enrolment_codes,
    devices_tokens_and_revocation,
    push_new_record,
    repush_stores_each_change_once,
    grid_mismatch_is_refused,
    missing_dependencies_are_refused,
    erased_record_is_refused_beside_others,
    ill_fitting_record_is_stored_and_flagged,
    feed_pages_and_omits_own_changes,
    snapshots_page_in_record_order,
    blobs,
    same_new_record_claimed_by_two_grids,
    cursor_never_skips_a_change,
);

fn accepted(outcomes: &[gridkeeper_server::materialize::Outcome]) -> bool {
    outcomes.iter().all(|o| o.rejected.is_none())
}

fn codes(outcomes: &[gridkeeper_server::materialize::Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .map(|o| {
            o.rejected
                .as_ref()
                .map(|r| r.code.clone())
                .unwrap_or_default()
        })
        .collect()
}

fn grid(id: &str, parent: Option<&str>) -> Grid {
    Grid {
        id: id.into(),
        name: format!("name of {id}"),
        parent: parent.map(String::from),
    }
}

fn user(id: &str, name: &str, role: Role) -> User {
    User {
        id: id.into(),
        name: name.into(),
        role,
        scope: vec!["grid-1".into(), "grid-2".into()],
    }
}

fn new_device(id: &str, user_id: &str, actor: Option<&str>, token: &str) -> NewDevice {
    NewDevice {
        device: Device {
            id: id.into(),
            user_id: user_id.into(),
            actor: actor.map(String::from),
            created_at: NOW.into(),
            last_seen: None,
            revoked_at: None,
        },
        token_hash: token.into(),
    }
}

async fn grids_and_users(b: &Backend) {
    let s = &b.storage;
    s.add_grid(&grid("street", None)).await.unwrap();
    s.add_grid(&grid("community", Some("street")))
        .await
        .unwrap();
    s.add_grid(&grid("grid-2", Some("community")))
        .await
        .unwrap();
    s.add_grid(&grid("grid-1", Some("community")))
        .await
        .unwrap();
    assert!(matches!(
        s.add_grid(&grid("grid-1", Some("community"))).await,
        Err(StorageError::Exists(_))
    ));
    assert!(matches!(
        s.add_grid(&grid("grid-9", Some("nowhere"))).await,
        Err(StorageError::NotFound(_))
    ));
    let grids = s.grids().await.unwrap();
    let ids: Vec<&str> = grids.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["community", "grid-1", "grid-2", "street"]);
    assert_eq!(grids[1], grid("grid-1", Some("community")));
    assert_eq!(grids[3].parent, None);

    s.add_user(&user("u2", "wang", Role::Supervisor))
        .await
        .unwrap();
    s.add_user(&user("u1", "li", Role::Worker)).await.unwrap();
    s.add_user(&User {
        scope: vec![],
        ..user("u3", "Zhao", Role::Admin)
    })
    .await
    .unwrap();
    assert!(matches!(
        s.add_user(&user("u4", "li", Role::Worker)).await,
        Err(StorageError::Exists(_))
    ));
    assert!(matches!(
        s.add_user(&user("u1", "other", Role::Worker)).await,
        Err(StorageError::Exists(_))
    ));
    let users = s.users().await.unwrap();
    let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
    // Byte order, as SQLite sorts: upper case before lower case.
    assert_eq!(names, ["Zhao", "li", "wang"]);
    assert_eq!(users[2], user("u2", "wang", Role::Supervisor));
    assert!(users[0].scope.is_empty());
}

async fn enrolment_codes(b: &Backend) {
    let s = &b.storage;
    s.add_user(&user("u1", "li", Role::Worker)).await.unwrap();
    for (hash, expires) in [
        ("code-ok", "2025-06-02T00:00:00Z"),
        ("code-old", "2025-05-31T00:00:00Z"),
        ("code-2", "2025-06-02T00:00:00Z"),
    ] {
        s.add_enroll_code(&EnrollCode {
            code_hash: hash.into(),
            user_id: "u1".into(),
            expires_at: expires.into(),
        })
        .await
        .unwrap();
    }

    let u = s
        .redeem_enroll_code("code-ok", NOW, &new_device("d1", "", Some("aa01"), "tok-1"))
        .await
        .unwrap();
    assert_eq!(u, user("u1", "li", Role::Worker));
    let (d, du) = s.device_by_token("tok-1").await.unwrap().unwrap();
    assert_eq!(d.id, "d1");
    assert_eq!(d.user_id, "u1", "the device belongs to the code's user");
    assert_eq!(d.actor.as_deref(), Some("aa01"));
    assert_eq!(du.id, "u1");

    // Used once.
    assert!(matches!(
        s.redeem_enroll_code("code-ok", NOW, &new_device("d2", "", Some("aa02"), "tok-2"))
            .await,
        Err(StorageError::CodeRefused)
    ));
    // Expired.
    assert!(matches!(
        s.redeem_enroll_code(
            "code-old",
            NOW,
            &new_device("d3", "", Some("aa03"), "tok-3")
        )
        .await,
        Err(StorageError::CodeRefused)
    ));
    // Unknown.
    assert!(matches!(
        s.redeem_enroll_code("code-x", NOW, &new_device("d4", "", Some("aa04"), "tok-4"))
            .await,
        Err(StorageError::CodeRefused)
    ));
    // A device that cannot be stored leaves the code unused.
    assert!(matches!(
        s.redeem_enroll_code("code-2", NOW, &new_device("d5", "", Some("aa01"), "tok-5"))
            .await,
        Err(StorageError::Exists(_))
    ));
    let devices = s.devices().await.unwrap();
    assert_eq!(devices.len(), 1, "nothing stored on refusal: {devices:?}");
    for tok in ["tok-2", "tok-3", "tok-4", "tok-5"] {
        assert!(s.device_by_token(tok).await.unwrap().is_none());
    }
    s.redeem_enroll_code("code-2", NOW, &new_device("d5", "", Some("aa05"), "tok-5"))
        .await
        .unwrap();
    assert_eq!(s.devices().await.unwrap().len(), 2);
}

async fn devices_tokens_and_revocation(b: &Backend) {
    let s = &b.storage;
    s.add_user(&user("u1", "li", Role::Worker)).await.unwrap();
    s.add_user(&user("u0", "admin", Role::Admin)).await.unwrap();
    s.add_device(&new_device("d-console", "u0", None, "tok-admin"))
        .await
        .unwrap();
    s.add_device(&new_device("d1", "u1", Some("bb01"), "tok-1"))
        .await
        .unwrap();
    assert!(matches!(
        s.add_device(&new_device("d2", "u1", Some("bb01"), "tok-2"))
            .await,
        Err(StorageError::Exists(_))
    ));
    assert!(matches!(
        s.add_device(&new_device("d3", "u1", Some("bb03"), "tok-1"))
            .await,
        Err(StorageError::Exists(_))
    ));

    let (admin, au) = s.device_by_token("tok-admin").await.unwrap().unwrap();
    assert_eq!(admin.actor, None);
    assert_eq!(au.role, Role::Admin);
    assert!(s.device_by_token("tok-none").await.unwrap().is_none());

    s.touch_device("d1", "2025-06-01T09:00:00Z").await.unwrap();
    let (d1, _) = s.device_by_token("tok-1").await.unwrap().unwrap();
    assert_eq!(d1.last_seen.as_deref(), Some("2025-06-01T09:00:00Z"));
    assert_eq!(d1.revoked_at, None);

    assert!(s.revoke_device("d1", "2025-06-01T10:00:00Z").await.unwrap());
    assert!(s.revoke_device("d1", "2025-06-01T11:00:00Z").await.unwrap());
    assert!(!s.revoke_device("d-none", NOW).await.unwrap());
    let (d1, _) = s
        .device_by_token("tok-1")
        .await
        .unwrap()
        .expect("a revoked device is still found by its token");
    assert_eq!(
        d1.revoked_at.as_deref(),
        Some("2025-06-01T10:00:00Z"),
        "the first revocation stands"
    );
    let ids: Vec<String> = s
        .devices()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(ids, ["d-console", "d1"]);
}

async fn push_new_record(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-1"]).await;
    let id = a.household("grid-1", 1);
    let push = a.take_push();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].kind, Kind::Household);
    let out = s.push(&a.device_id, NOW, &push).await.unwrap();
    assert_eq!(out.len(), 1);
    assert!(accepted(&out), "{out:?}");
    assert_eq!(out[0].record_id, id.to_string());
    assert_eq!(out[0].hash, push[0].changes[0].hash);

    let doc = s.document(&id.to_string()).await.unwrap().unwrap();
    assert_eq!(doc.grid, "grid-1");
    assert_eq!(doc.kind, "household");
    assert!(!doc.archived);
    assert_eq!(doc.seq, 1);
    assert_eq!(doc.heads, hashes(&push));
    assert_eq!(doc.flagged, None);
    assert_eq!(doc.data.as_ref(), Some(&a.data(id)));
    assert_eq!(s.head("grid-1").await.unwrap(), 1);
    assert_eq!(s.head("grid-2").await.unwrap(), 0);
    assert_eq!(s.count_documents("grid-1").await.unwrap(), 1);
    let (dev, _) = s.device_by_token("token-worker-a").await.unwrap().unwrap();
    assert_eq!(
        dev.last_seen.as_deref(),
        Some(NOW),
        "push touches the device"
    );

    // An edit: a second change on top.
    a.edit(id, "独居");
    let push2 = a.take_push();
    let out = s.push(&a.device_id, NOW, &push2).await.unwrap();
    assert!(accepted(&out), "{out:?}");
    let doc = s.document(&id.to_string()).await.unwrap().unwrap();
    assert_eq!(doc.seq, 2);
    assert_eq!(doc.heads, hashes(&push2));
    assert_eq!(doc.data.as_ref(), Some(&a.data(id)));
    assert_eq!(doc.data.as_ref().unwrap()["notes"], "独居");
    let feed = s.feed("grid-1", 0, 100, "").await.unwrap();
    let seqs: Vec<u64> = feed.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [1, 2]);
    assert_eq!(
        feed[0].bytes.as_deref(),
        Some(push[0].changes[0].change.raw_bytes())
    );
    assert_eq!(feed[1].record_id, id.to_string());
    assert_eq!(feed[1].kind, "household");
    assert!(s.document("no-such-record").await.unwrap().is_none());
}

async fn repush_stores_each_change_once(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-1"]).await;
    let id = a.household("grid-1", 1);
    a.edit(id, "one");
    let push = a.take_push();
    assert_eq!(push[0].changes.len(), 2);
    assert!(accepted(&s.push(&a.device_id, NOW, &push).await.unwrap()));
    let before = s.document(&id.to_string()).await.unwrap().unwrap();

    let again = s.push(&a.device_id, NOW, &push).await.unwrap();
    assert_eq!(again.len(), 2);
    assert!(accepted(&again), "already held is accepted: {again:?}");
    assert_eq!(s.head("grid-1").await.unwrap(), 2, "no new feed entries");
    assert_eq!(s.feed("grid-1", 0, 100, "").await.unwrap().len(), 2);
    assert_eq!(s.document(&id.to_string()).await.unwrap().unwrap(), before);

    // The same change twice in one push, beside a new one: stored once.
    a.edit(id, "two");
    let mut push3 = a.take_push();
    let dup = push3[0].changes[0].clone();
    push3[0].changes.push(dup);
    push3[0].changes.insert(0, push[0].changes[0].clone());
    let out = s.push(&a.device_id, NOW, &push3).await.unwrap();
    assert_eq!(out.len(), 3);
    assert!(accepted(&out), "{out:?}");
    assert_eq!(s.head("grid-1").await.unwrap(), 3);
    let feed = s.feed("grid-1", 0, 100, "").await.unwrap();
    let feed_hashes: HashSet<String> = feed
        .iter()
        .map(|c| change_hash(c.bytes.as_deref().unwrap()))
        .collect();
    assert_eq!(feed.len(), 3);
    assert_eq!(feed_hashes.len(), 3);
}

async fn grid_mismatch_is_refused(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-a", "grid-b"]).await;

    // A record first seen in grid A, then pushed as grid B.
    let id = a.household("grid-a", 1);
    let push = a.take_push();
    assert!(accepted(&s.push(&a.device_id, NOW, &push).await.unwrap()));
    let before = s.document(&id.to_string()).await.unwrap().unwrap();
    a.edit(id, "moved?");
    let mut forged = a.take_push();
    forged[0].changes.insert(0, push[0].changes[0].clone());
    forged[0].grid = "grid-b".into();
    let out = s.push(&a.device_id, NOW, &forged).await.unwrap();
    assert_eq!(codes(&out), ["grid_mismatch", "grid_mismatch"]);
    assert_eq!(s.document(&id.to_string()).await.unwrap().unwrap(), before);
    assert_eq!(s.head("grid-a").await.unwrap(), 1);
    assert_eq!(s.head("grid-b").await.unwrap(), 0);
    assert!(s.feed("grid-b", 0, 100, "").await.unwrap().is_empty());
    assert_eq!(s.count_documents("grid-b").await.unwrap(), 0);

    // A new record whose document says grid A, pushed as grid B.
    let id2 = a.household("grid-a", 2);
    let mut forged = a.take_push();
    forged[0].grid = "grid-b".into();
    let out = s.push(&a.device_id, NOW, &forged).await.unwrap();
    assert_eq!(codes(&out), ["grid_mismatch"]);
    assert!(s.document(&id2.to_string()).await.unwrap().is_none());
    assert_eq!(s.head("grid-a").await.unwrap(), 1);
    assert_eq!(s.head("grid-b").await.unwrap(), 0);
}

/// A push names only some of its records as erased (one lookup for the push, then the
/// record's latest erasure): the erased record's edit is refused, the record beside it in the
/// same push is stored.
async fn erased_record_is_refused_beside_others(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-1"]).await;
    let gone = a.household("grid-1", 1);
    let first = a.take_push();
    let out = s.push(&a.device_id, NOW, &first).await.unwrap();
    assert!(accepted(&out), "{out:?}");
    let held = s.document(&gone.to_string()).await.unwrap().unwrap();
    s.erase(&gridkeeper_server::storage::ErasureWrite {
        record_id: held.record_id.clone(),
        grid: held.grid.clone(),
        kind: held.kind.clone(),
        expected_heads: held.heads.clone(),
        reissued: None,
        keep_blobs: Vec::new(),
        audit: gridkeeper_server::storage::ErasureAudit {
            record_id: held.record_id.clone(),
            grid: held.grid.clone(),
            kind: held.kind.clone(),
            fields: Vec::new(),
            whole: true,
            reason: "test".into(),
            erased_by: "admin".into(),
            erased_at: NOW.into(),
            seq: 0,
            moved_to: None,
        },
        moved: None,
    })
    .await
    .unwrap();

    a.edit(gone, "offline edit");
    let fresh = a.household("grid-1", 2);
    let push = a.take_push();
    assert_eq!(push.len(), 2);
    let out = s.push(&a.device_id, NOW, &push).await.unwrap();
    let by_record: BTreeMap<String, String> = out
        .iter()
        .map(|o| {
            let code = o.rejected.as_ref().map(|r| r.code.clone());
            (o.record_id.clone(), code.unwrap_or_default())
        })
        .collect();
    assert_eq!(by_record[&gone.to_string()], "record_erased", "{out:?}");
    assert_eq!(by_record[&fresh.to_string()], "", "{out:?}");
    assert!(s.document(&gone.to_string()).await.unwrap().is_none());
    assert!(s.document(&fresh.to_string()).await.unwrap().is_some());
}

async fn missing_dependencies_are_refused(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-1"]).await;
    let id = a.household("grid-1", 1);
    a.edit(id, "later");
    let full = a.take_push();
    assert_eq!(full[0].changes.len(), 2);
    let mut second_only = full.clone();
    second_only[0].changes.remove(0);
    let out = s.push(&a.device_id, NOW, &second_only).await.unwrap();
    assert_eq!(codes(&out), ["missing_dependencies"]);
    assert!(s.document(&id.to_string()).await.unwrap().is_none());
    assert_eq!(s.head("grid-1").await.unwrap(), 0);

    let out = s.push(&a.device_id, NOW, &full).await.unwrap();
    assert!(accepted(&out), "{out:?}");
    assert_eq!(s.head("grid-1").await.unwrap(), 2);
    assert_eq!(
        s.document(&id.to_string())
            .await
            .unwrap()
            .unwrap()
            .data
            .unwrap()["notes"],
        "later"
    );
}

/// A household document with a valid envelope and fields of the wrong types.
fn ill_fitting_household(grid: &str) -> PreparedDoc {
    raw_household(&RecordId::new().to_string(), grid)
}

/// A raw household document (own random actor) for record `id` whose envelope names `grid`.
fn raw_household(id: &str, grid: &str) -> PreparedDoc {
    let id = id.to_string();
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "id", id.as_str()).unwrap();
    doc.put(ROOT, "kind", "household").unwrap();
    doc.put(ROOT, "grid", grid).unwrap();
    doc.put(ROOT, "schema_version", ScalarValue::Uint(1))
        .unwrap();
    doc.put(ROOT, "created_at", NOW).unwrap();
    doc.put(ROOT, "archived", false).unwrap();
    let data = doc.put_object(ROOT, "data", ObjType::Map).unwrap();
    doc.put(&data, "members", 42_i64).unwrap();
    doc.put(&data, "address", "not an address").unwrap();
    doc.put(&data, "housing_type", true).unwrap();
    doc.commit();
    let changes = doc.get_changes(&[]);
    assert_eq!(changes.len(), 1);
    PreparedDoc {
        record_id: id,
        kind: Kind::Household,
        grid: grid.into(),
        changes: vec![prepared_change(changes[0].raw_bytes())],
    }
}

async fn ill_fitting_record_is_stored_and_flagged(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-1"]).await;
    let bad = ill_fitting_household("grid-1");
    let good_id = a.household("grid-1", 1);
    let mut push = vec![bad.clone()];
    push.extend(a.take_push());
    let out = s.push(&a.device_id, NOW, &push).await.unwrap();
    assert_eq!(out.len(), 2);
    assert!(accepted(&out), "{out:?}");

    let stored = s.document(&bad.record_id).await.unwrap().unwrap();
    assert_eq!(stored.data, None);
    assert!(
        stored.flagged.as_deref().is_some_and(|f| !f.is_empty()),
        "flagged with a reason"
    );
    assert_eq!(stored.kind, "household");
    assert_eq!(stored.heads, hashes(std::slice::from_ref(&bad)));
    let good = s.document(&good_id.to_string()).await.unwrap().unwrap();
    assert_eq!(good.flagged, None);
    assert_eq!(good.data.as_ref(), Some(&a.data(good_id)));
    assert_eq!(s.head("grid-1").await.unwrap(), 2);
    assert_eq!(s.count_documents("grid-1").await.unwrap(), 2);
    let snaps = s.snapshots("grid-1", None, 10).await.unwrap();
    assert_eq!(snaps.len(), 2, "the flagged record is served too");
}

async fn feed_pages_and_omits_own_changes(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-1"]).await;
    let mut other = Field::new(s.as_ref(), "worker-b", &["grid-1"]).await;
    for n in 0..3 {
        a.household("grid-1", n);
        other.household("grid-1", 10 + n);
    }
    a.household("grid-2", 50);
    let pa = a.take_push();
    let pb = other.take_push();
    assert!(accepted(&s.push(&a.device_id, NOW, &pa).await.unwrap()));
    assert!(accepted(&s.push(&other.device_id, NOW, &pb).await.unwrap()));
    assert_eq!(s.head("grid-1").await.unwrap(), 6);
    assert_eq!(s.head("grid-2").await.unwrap(), 1);

    let mut cursor = 0;
    let mut pages = 0;
    let mut seen = Vec::new();
    loop {
        let page = s.feed("grid-1", cursor, 2, &a.actor).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        pages += 1;
        for c in &page {
            assert!(c.seq > cursor, "in order");
            cursor = c.seq;
            seen.push(c.clone());
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 6);
    let seqs: Vec<u64> = seen.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    let a_records: HashSet<String> = pa.iter().map(|d| d.record_id.clone()).collect();
    for c in &seen {
        assert_eq!(c.kind, "household");
        if a_records.contains(&c.record_id) {
            assert!(c.bytes.is_none(), "own changes are left out");
        } else {
            let bytes = c.bytes.as_deref().expect("others' changes carry bytes");
            assert!(hashes(&pb).contains(&change_hash(bytes)));
        }
    }
    assert!(s.feed("grid-1", 6, 10, "").await.unwrap().is_empty());
    let tail = s.feed("grid-1", 4, 10, "").await.unwrap();
    assert_eq!(tail.iter().map(|c| c.seq).collect::<Vec<_>>(), [5, 6]);
    assert!(tail.iter().all(|c| c.bytes.is_some()));
}

async fn snapshots_page_in_record_order(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-1"]).await;
    let mut ids: Vec<String> = (0..5)
        .map(|n| a.household("grid-1", n).to_string())
        .collect();
    a.household("grid-2", 9);
    let push = a.take_push();
    assert!(accepted(&s.push(&a.device_id, NOW, &push).await.unwrap()));
    ids.sort();

    let mut after: Option<String> = None;
    let mut got = Vec::new();
    loop {
        let page = s.snapshots("grid-1", after.as_deref(), 2).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        after = page.last().map(|d| d.record_id.clone());
        got.extend(page);
    }
    let got_ids: Vec<String> = got.iter().map(|d| d.record_id.clone()).collect();
    assert_eq!(got_ids, ids);
    for d in &got {
        assert_eq!(d.grid, "grid-1");
        let id: RecordId = d.record_id.parse().unwrap();
        assert_eq!(d.data.as_ref(), Some(&a.data(id)));
        assert!(!d.saved.is_empty());
        assert!(d.seq >= 1 && d.seq <= 5);
    }
    assert_eq!(s.count_documents("grid-1").await.unwrap(), 5);
    assert_eq!(s.count_documents("grid-2").await.unwrap(), 1);
    assert_eq!(s.count_documents("grid-3").await.unwrap(), 0);
}

async fn blobs(b: &Backend) {
    let s = &b.storage;
    let mut a = Field::new(s.as_ref(), "worker-a", &["grid-1", "grid-2"]).await;
    let r1 = a.household("grid-1", 1).to_string();
    let r2 = a.household("grid-2", 2).to_string();
    let push = a.take_push();
    assert!(accepted(&s.push(&a.device_id, NOW, &push).await.unwrap()));

    let blob = Blob {
        hash: "ab".repeat(32),
        media_type: "image/jpeg".into(),
        bytes: vec![0xff, 0xd8, 0xff, 0x00, 0x01, 0x02],
    };
    s.put_blob(&blob, &r1, &a.device_id).await.unwrap();
    s.put_blob(&blob, &r1, &a.device_id).await.unwrap();
    let got = s.blob(&blob.hash).await.unwrap().unwrap();
    assert_eq!(got.hash, blob.hash);
    assert_eq!(got.media_type, "image/jpeg");
    assert_eq!(got.bytes, blob.bytes);
    assert_eq!(s.blob_grids(&blob.hash).await.unwrap(), ["grid-1"]);
    s.put_blob(&blob, &r2, &a.device_id).await.unwrap();
    let mut grids = s.blob_grids(&blob.hash).await.unwrap();
    grids.sort();
    assert_eq!(grids, ["grid-1", "grid-2"]);
    assert!(s.blob(&"cd".repeat(32)).await.unwrap().is_none());
    assert!(s.blob_grids(&"cd".repeat(32)).await.unwrap().is_empty());
}

/// Two documents for one new record id, one saying grid A and one grid B, pushed at the same
/// time through two storage handles: exactly one creates the record, the other is refused.
async fn same_new_record_claimed_by_two_grids(b: &Backend) {
    let instances = [b.storage.clone(), b.second().await];
    for round in 0..20 {
        let id = RecordId::new().to_string();
        let tasks: Vec<_> = ["grid-a", "grid-b"]
            .into_iter()
            .enumerate()
            .map(|(i, g)| {
                let s = instances[i].clone();
                let push = vec![raw_household(&id, g)];
                tokio::spawn(async move { s.push("device-x", NOW, &push).await.unwrap() })
            })
            .collect();
        let mut results = Vec::new();
        for t in tasks {
            results.push(codes(&t.await.unwrap()));
        }
        results.sort();
        assert_eq!(
            results,
            [vec![String::new()], vec!["grid_mismatch".to_string()]],
            "round {round}"
        );
        let doc = b.storage.document(&id).await.unwrap().unwrap();
        let (a, bb) = (
            b.storage.count_documents("grid-a").await.unwrap(),
            b.storage.count_documents("grid-b").await.unwrap(),
        );
        assert_eq!(a + bb, round + 1, "one document per record");
        let winner_feed = b.storage.feed(&doc.grid, 0, 1000, "").await.unwrap();
        assert!(winner_feed.iter().any(|c| c.record_id == id));
    }
    assert_eq!(
        b.storage.head("grid-a").await.unwrap() + b.storage.head("grid-b").await.unwrap(),
        20
    );
}

const GRIDS: [&str; 2] = ["grid-x", "grid-y"];
const PUSHERS: usize = 8;
const RECORDS_PER_PUSHER: usize = 24;
const PULLERS: usize = 3;

/// Pushers on two storage handles (two "server processes") and pullers reading by cursor,
/// all at once: every puller ends with every change exactly once, in the server's order.
async fn cursor_never_skips_a_change(b: &Backend) {
    let instances = [b.storage.clone(), b.second().await];

    // Prepare every push up front from real records: 1–3 records per push, some touching
    // both grids, each record created and then edited (two changes).
    let mut work: Vec<(String, Vec<Vec<PreparedDoc>>)> = Vec::new();
    let mut expected: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
    for p in 0..PUSHERS {
        let mut f = Field::new(b.storage.as_ref(), &format!("pusher-{p}"), &GRIDS).await;
        let mut pushes = Vec::new();
        let mut n = 0;
        while n < RECORDS_PER_PUSHER {
            let size = 1 + (n + p) % 3;
            for k in 0..size {
                let g = GRIDS[(n + k + p) % 2];
                let id = f.household(g, p * 1000 + n + k);
                f.edit(id, &format!("note {p}-{n}-{k}"));
            }
            let push = f.take_push();
            for d in &push {
                let set = expected
                    .entry(GRIDS.iter().find(|g| **g == d.grid).copied().unwrap())
                    .or_default();
                set.extend(d.changes.iter().map(|c| c.hash.clone()));
            }
            pushes.push(push);
            n += size;
        }
        work.push((f.device_id.clone(), pushes));
    }

    let done = Arc::new(AtomicBool::new(false));
    let mut pullers = Vec::new();
    for i in 0..PULLERS {
        let s = instances[i % 2].clone();
        let done = done.clone();
        pullers.push(tokio::spawn(async move {
            let mut got: BTreeMap<&str, Vec<(u64, String)>> = BTreeMap::new();
            let mut cursors: BTreeMap<&str, u64> = GRIDS.iter().map(|g| (*g, 0)).collect();
            loop {
                // Read the flag before pulling: once set, every push has committed, so an
                // empty pull after it means this puller has everything.
                let finished = done.load(Ordering::SeqCst);
                let mut pulled = 0;
                for g in GRIDS {
                    let cursor = cursors[g];
                    let page = s.feed(g, cursor, 50, "").await.unwrap();
                    pulled += page.len();
                    let list = got.entry(g).or_default();
                    for c in page {
                        let bytes = c.bytes.expect("no own actor, so bytes");
                        list.push((c.seq, change_hash(&bytes)));
                        cursors.insert(g, c.seq);
                    }
                }
                if pulled == 0 {
                    if finished {
                        return got;
                    }
                    tokio::task::yield_now().await;
                }
            }
        }));
    }

    let mut pushers = Vec::new();
    for (i, (device_id, pushes)) in work.into_iter().enumerate() {
        let s = instances[i % 2].clone();
        pushers.push(tokio::spawn(async move {
            for push in pushes {
                let out = s.push(&device_id, NOW, &push).await.unwrap();
                assert!(accepted(&out), "{out:?}");
            }
        }));
    }
    for p in pushers {
        p.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);

    let mut server: BTreeMap<&str, Vec<(u64, String)>> = BTreeMap::new();
    for g in GRIDS {
        let all = b.storage.feed(g, 0, 1_000_000, "").await.unwrap();
        let list: Vec<(u64, String)> = all
            .into_iter()
            .map(|c| (c.seq, change_hash(c.bytes.as_deref().unwrap())))
            .collect();
        let head = b.storage.head(g).await.unwrap();
        assert_eq!(list.len() as u64, head, "{g}: positions are dense");
        let seqs: Vec<u64> = list.iter().map(|(s, _)| *s).collect();
        assert_eq!(seqs, (1..=head).collect::<Vec<_>>());
        let hashes: HashSet<String> = list.iter().map(|(_, h)| h.clone()).collect();
        assert_eq!(
            &hashes, &expected[g],
            "{g}: every pushed change stored once"
        );
        server.insert(g, list);
    }
    let total: usize = server.values().map(Vec::len).sum();
    assert_eq!(total, PUSHERS * RECORDS_PER_PUSHER * 2);

    for (i, p) in pullers.into_iter().enumerate() {
        let got = p.await.unwrap();
        for g in GRIDS {
            assert_eq!(
                got.get(g).map(Vec::as_slice).unwrap_or_default(),
                server[g].as_slice(),
                "puller {i} on {g} ({}): every change exactly once, in order",
                b.name
            );
        }
    }
}
