//! Field-hard phones: the age of the oldest unsynced change (a phone whose background sync
//! never runs must say so), and several workers on one phone, each with a store file of
//! their own that a sign-out never deletes while it holds unsynced work.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use gridkeeper_core::sign_out::{SignOutError, StoreSlots, Unsynced};
use gridkeeper_core::store::schema;
use gridkeeper_core::sync::unsynced_age;
use gridkeeper_core::{Kind, Store};
use rusqlite::Connection;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn add_household(store: &mut Store, building: &str) {
    ok(store.create_json(
        Kind::Household,
        "g1",
        support::household(building, "101", &[("王芳", None, None)]),
    ));
}

/// Acknowledges everything in the outbox, as a sync that went through would.
fn acknowledge_all(store: &mut Store) {
    let hashes: Vec<String> = ok(store.outbox(10_000))
        .into_iter()
        .map(|e| e.hash)
        .collect();
    ok(store.acknowledge(&hashes));
}

fn at(text: &str) -> DateTime<Utc> {
    ok(DateTime::parse_from_rfc3339(text)).with_timezone(&Utc)
}

#[test]
fn the_oldest_unsynced_change_is_dated_and_overdue_after_a_day() {
    let dir = ok(tempfile::tempdir());
    let mut store = support::store(&dir, "phone");
    let status = ok(store.sync_status());
    assert_eq!(status.oldest_unsynced_at, None);
    assert!(!status.unsynced_overdue(Utc::now()));

    let before = Utc::now() - TimeDelta::seconds(2);
    add_household(&mut store, "1");
    let status = ok(store.sync_status());
    let queued = at(status.oldest_unsynced_at.as_deref().unwrap_or_default());
    assert!(queued >= before && queued <= Utc::now() + TimeDelta::seconds(2));
    assert_eq!(status.unsynced_age(Utc::now()).map(|a| a.hours), Some(0));
    assert!(!status.unsynced_overdue(Utc::now()));

    // The first edit waited; a later one is newer: the oldest is what counts.
    ok(store
        .connection()
        .execute("UPDATE outbox SET queued_at = '2026-12-01T08:00:00Z'", []));
    add_household(&mut store, "2");
    let status = ok(store.sync_status());
    assert_eq!(
        status.oldest_unsynced_at.as_deref(),
        Some("2026-12-01T08:00:00Z")
    );
    let day_later = at("2026-12-02T07:59:00Z");
    let age = status.unsynced_age(day_later);
    assert_eq!(age.map(|a| (a.hours, a.overdue)), Some((23, false)));
    let past_a_day = at("2026-12-02T10:30:00Z");
    assert_eq!(
        status
            .unsynced_age(past_a_day)
            .map(|a| (a.hours, a.overdue)),
        Some((26, true))
    );
    assert!(status.unsynced_overdue(past_a_day));

    // Once the server has everything there is no age and no warning.
    acknowledge_all(&mut store);
    let status = ok(store.sync_status());
    assert_eq!(status.oldest_unsynced_at, None);
    assert!(!status.unsynced_overdue(past_a_day));
}

#[test]
fn a_clock_that_went_back_or_an_unreadable_time_gives_no_false_warning() {
    let now = at("2026-12-02T10:00:00Z");
    let ahead = unsynced_age("2026-12-03T10:00:00Z", now);
    assert_eq!(ahead.map(|a| (a.hours, a.overdue)), Some((0, false)));
    assert_eq!(unsynced_age("yesterday", now), None);
}

#[test]
fn changes_queued_before_the_upgrade_are_dated_from_the_upgrade() {
    let dir = ok(tempfile::tempdir());
    let mut conn = ok(Connection::open(dir.path().join("old.db")));
    ok(schema::migrate_to(&mut conn, schema::LATEST - 1));
    ok(conn.execute(
        "INSERT INTO outbox (record_id, hash, bytes) VALUES ('r', 'h', x'00')",
        [],
    ));
    let before = Utc::now() - TimeDelta::seconds(2);
    ok(schema::migrate_to(&mut conn, schema::LATEST));
    let queued: Option<String> = ok(conn.query_row(
        "SELECT queued_at FROM outbox WHERE hash = 'h'",
        [],
        |r| r.get(0),
    ));
    let queued = at(queued.as_deref().unwrap_or_default());
    assert!(queued >= before && queued <= Utc::now() + TimeDelta::seconds(2));
    // And every later insert is stamped, whichever path queues it.
    ok(conn.execute(
        "INSERT INTO outbox (record_id, hash, bytes) VALUES ('r', 'h2', x'00')",
        [],
    ));
    let stamped: bool = ok(conn.query_row(
        "SELECT queued_at IS NOT NULL FROM outbox WHERE hash = 'h2'",
        [],
        |r| r.get(0),
    ));
    assert!(stamped);
}

#[test]
fn signing_out_with_unsynced_work_asks_first_and_never_deletes_it() {
    let dir = ok(tempfile::tempdir());
    let slots = StoreSlots::new(dir.path().join("stores"));
    let first = ok(slots.active_path());
    assert_eq!(ok(slots.active_path()), first, "the pointer is kept");
    let name = first
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    assert!(!name.contains("王芳"), "no name in the file name");
    let mut store = ok(Store::init(&first, Some("王芳")));
    add_household(&mut store, "3");

    let refused = slots.sign_out(store, false);
    let Err(SignOutError::Unsynced(counts)) = refused else {
        panic!("a sign-out with unsynced work must be refused: {refused:?}");
    };
    assert!(counts.changes > 0);
    assert!(counts.message_zh().contains("项修改未上传"));
    assert!(!counts.message_zh().contains("王芳"));
    assert!(first.exists());
    assert_eq!(ok(slots.current()), Some(first.clone()), "still signed in");

    // Confirmed: signed out, the store kept on the phone with its work.
    let store = ok(Store::open(&first));
    let out = ok(slots.sign_out(store, true));
    assert!(!out.removed);
    assert_eq!(out.kept, counts);
    assert!(first.exists());
    assert_eq!(ok(slots.current()), None);
    assert_eq!(ok(slots.kept()), vec![first.clone()]);

    // A second worker signing in gets a store of their own and none of the first's records.
    let second = ok(slots.active_path());
    assert_ne!(second, first);
    let other = ok(Store::init(&second, Some("李强")));
    assert!(ok(other.list_json(Kind::Household, None, None, false)).is_empty());
    assert_eq!(ok(slots.kept()), vec![first.clone()]);
    drop(other);

    // Once the kept store's work has gone up, it can go.
    let mut kept = ok(Store::open(&first));
    acknowledge_all(&mut kept);
    assert!(ok(slots.remove_if_synced(kept)));
    assert!(!first.exists());
    assert!(ok(slots.kept()).is_empty());
    assert!(second.exists(), "the active store is untouched");
}

#[test]
fn a_synced_store_is_removed_and_refused_edits_keep_one() {
    let dir = ok(tempfile::tempdir());
    let slots = StoreSlots::new(dir.path());
    let path = ok(slots.active_path());
    let mut store = ok(Store::init(&path, Some("王芳")));
    add_household(&mut store, "4");
    acknowledge_all(&mut store);
    assert_eq!(ok(store.unsynced()), Unsynced::default());
    let out = ok(slots.sign_out(store, false));
    assert!(
        out.removed,
        "nothing unsynced: no question, and the file goes"
    );
    assert!(!path.exists());
    assert!(!dir.path().join(format!("{}-wal", path.display())).exists());
    assert_eq!(ok(slots.current()), None);

    // An edit the server refused for good is work too: kept even on a confirmed sign-out.
    let path = ok(slots.active_path());
    let mut store = ok(Store::init(&path, Some("王芳")));
    add_household(&mut store, "5");
    let refused: Vec<(String, String, String)> = ok(store.outbox(100))
        .into_iter()
        .map(|e| (e.hash, "grid_not_writable".into(), "not in reach".into()))
        .collect();
    ok(store.set_aside_refused(&refused));
    let counts = ok(store.unsynced());
    assert_eq!((counts.changes, counts.refused > 0), (0, true));
    assert!(matches!(
        slots.sign_out(store, false),
        Err(SignOutError::Unsynced(_))
    ));
    let out = ok(slots.sign_out(ok(Store::open(&path)), true));
    assert!(!out.removed);
    assert!(path.exists());
    assert!(!ok(slots.remove_if_synced(ok(Store::open(&path)))));
    assert!(path.exists());
}

/// Encrypting a plaintext store in place rewrites the file: the queue-time trigger must come
/// along, or edits after the upgrade would have no age.
#[cfg(feature = "sqlcipher")]
#[test]
fn an_encrypted_store_still_dates_its_unsynced_changes() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("plain.db");
    drop(ok(Store::init(&path, Some("王芳"))));
    let key = ok(gridkeeper_core::store::StoreKey::from_bytes(&[7; 32]));
    ok(Store::encrypt_in_place(&path, &key));
    let mut store = ok(Store::open_encrypted(&path, &key));
    add_household(&mut store, "6");
    assert!(ok(store.sync_status()).oldest_unsynced_at.is_some());
}

#[test]
fn every_sync_request_reports_the_unsynced_work_in_counts_only() {
    let dir = ok(tempfile::tempdir());
    let mut store = support::store(&dir, "phone");
    let empty = ok(store.sync_request(&["g1".to_string()], 100));
    let report = empty.unsynced.unwrap_or_default();
    assert_eq!(
        (report.changes, report.drafts, report.oldest_age_secs),
        (0, 0, None)
    );

    add_household(&mut store, "1");
    add_household(&mut store, "2");
    ok(store.save_draft("visit:new", "visit", None, "走访", "{}"));
    ok(store
        .connection()
        .execute("UPDATE outbox SET queued_at = '2026-12-01T08:00:00Z'", []));
    // Only one change fits in this request; the report still counts the whole outbox.
    let req = ok(store.sync_request(&["g1".to_string()], 1));
    assert_eq!(req.push.iter().map(|d| d.changes.len()).sum::<usize>(), 1);
    let report = req.unsynced.unwrap_or_default();
    assert_eq!(
        (
            report.changes,
            report.uploads,
            report.drafts,
            report.refused
        ),
        (2, 0, 1, 0)
    );
    let age = report.oldest_age_secs.unwrap_or_default();
    let expected = (Utc::now() - at("2026-12-01T08:00:00Z")).num_seconds() as u64;
    assert!(age.abs_diff(expected) <= 5, "{age} vs {expected}");
    // Counts and an age: nothing a resident said travels in it.
    let text = format!("{report:?}");
    assert!(!text.contains("王芳") && !text.contains("走访"), "{text}");
}
