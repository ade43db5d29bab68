//! Schema migrations: a store file written by the first schema (before search existed) opens
//! under the current build, ends up with the same schema as a fresh store, and its records
//! become searchable because projections are rebuilt from the documents.

mod support;

use gridkeeper_core::record::{self, Envelope};
use gridkeeper_core::store::schema;
use gridkeeper_core::{Kind, RecordId, Store};
use rusqlite::Connection;

fn schema_of(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        .unwrap_or_else(|e| panic!("{e}"));
    stmt.query_map([], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .collect()
}

#[test]
fn version_one_file_upgrades_to_the_current_schema() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let old_path = dir.path().join("old.db");
    let id = RecordId::new();
    {
        let mut conn = Connection::open(&old_path).unwrap_or_else(|e| panic!("{e}"));
        schema::migrate_to(&mut conn, 1).unwrap_or_else(|e| panic!("{e}"));
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap_or_default();
        assert_eq!(version, 1);
        // A household as the first release wrote it: document and list rows, no search rows.
        let env = Envelope {
            id,
            kind: Kind::Household,
            grid: "grid-1".into(),
            schema_version: 1,
            archived: false,
            created_at: "2026-01-05T02:00:00Z".into(),
        };
        let data = support::household("9", "901", &[("欧阳修", None, Some("13600001234"))]);
        let actor = automerge::ActorId::random();
        let mut doc =
            record::new_document(&env, &data, &[], actor.clone()).unwrap_or_else(|e| panic!("{e}"));
        doc.commit();
        let heads = doc
            .get_heads()
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>()
            .join(",");
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('actor', ?1)",
            [actor.to_hex_string()],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        conn.execute(
            "INSERT INTO records (id, kind, grid, archived, schema_version, doc, heads) VALUES (?1, 'household', 'grid-1', 0, 1, ?2, ?3)",
            rusqlite::params![id.to_string(), doc.save(), heads],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    let store = Store::open(&old_path).unwrap_or_else(|e| panic!("open old store: {e}"));
    let fresh = Store::init(dir.path().join("fresh.db"), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(schema_of(store.connection()), schema_of(fresh.connection()));
    assert_eq!(store.integrity_check().unwrap_or_default(), "ok");

    let hits = store
        .search("oyx", None, None, 5)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        hits.first().map(|h| h.id.clone()),
        Some(id.to_string()),
        "old record searchable by pinyin after upgrade"
    );
    assert_eq!(store.meta("projections_stale").unwrap_or_default(), None);
}

#[test]
fn a_file_from_a_newer_build_is_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("future.db");
    drop(Store::init(&path, None).unwrap_or_else(|e| panic!("{e}")));
    {
        let conn = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.pragma_update(None, "user_version", schema::LATEST + 1)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(matches!(
        Store::open(&path),
        Err(gridkeeper_core::Error::SchemaTooNew { .. })
    ));
}

#[test]
fn a_database_that_is_not_a_store_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("other.sqlite");
    {
        let conn = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.execute("CREATE TABLE t (x)", [])
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let before = std::fs::read(&path).unwrap_or_default();
    assert!(matches!(
        Store::open(&path),
        Err(gridkeeper_core::Error::NotAStore)
    ));
    assert!(matches!(
        Store::init(&path, None),
        Err(gridkeeper_core::Error::NotAStore)
    ));
    assert_eq!(
        std::fs::read(&path).unwrap_or_default(),
        before,
        "file changed"
    );
    let conn = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(schema_of(&conn).len(), 1);
}

/// Step 11 puts an activity's venue in its list row: a store from before it gets the venue of
/// the activities it already holds, read again from their documents.
#[test]
fn activities_from_before_the_venue_column_are_listed_with_their_venue() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("phone.db");
    {
        let mut store = Store::init(&path, None).unwrap_or_else(|e| panic!("{e}"));
        store
            .create_json(
                Kind::Activity,
                "grid-1",
                serde_json::json!({"topic": "反诈宣传", "held_on": "2026-11-02", "venue": "社区服务站"}),
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
    {
        // The store as step 10 left it: no venue column, nor the later steps' tables.
        let conn = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(
            "ALTER TABLE activities DROP COLUMN venue; DROP TABLE record_conflicts;
             DROP TABLE conflicts_unchecked; DROP TABLE moved_records;
             DROP TABLE reviews; DROP TABLE tasks; DROP TABLE task_targets;
             DROP TABLE catch_up; PRAGMA user_version = 10;",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let store = Store::open(&path).unwrap_or_else(|e| panic!("open old store: {e}"));
    let rows = store
        .list_json(Kind::Activity, Some("grid-1"), None, false)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["venue"], "社区服务站");
}
