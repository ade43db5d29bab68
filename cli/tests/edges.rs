//! The machine interface at its edges: bad lines in an import, files from other tools,
//! commands refused before they change anything.

mod support;

use std::path::Path;

use serde_json::Value;
use support::{gk, json, ok};

fn household(n: usize) -> String {
    format!(
        r#"{{"address":{{"building":"{n}","room":"101"}},"members":[{{"name":"赵{n}","phone":"139{n:08}"}}]}}"#
    )
}

fn path_str(p: &Path) -> &str {
    p.to_str()
        .unwrap_or_else(|| panic!("temp path is not UTF-8"))
}

#[test]
fn import_stops_at_a_bad_line_keeping_the_lines_before_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    ok(&db, &["init", "--grid", "grid-1"]);
    let bad = r#"{"address":{"building":"1","room":"101"},"members":[{"name":"李四","id_number":"110105199902300012"}]}"#;
    // A byte order mark, Windows line ends and a blank line are all fine.
    let input = format!(
        "\u{feff}{}\r\n\r\n{}\r\n{bad}\r\n{}\r\n",
        household(1),
        household(2),
        household(4)
    );
    let file = dir.path().join("in.jsonl");
    std::fs::write(&file, input).unwrap_or_else(|e| panic!("{e}"));

    let out = gk(&db, &["import", "household", "--jsonl", path_str(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: line 4: ") && stderr.contains("members[0].id_number"),
        "{stderr}"
    );
    assert!(!stderr.contains("110105199902300012"), "ID number leaked");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let printed: Vec<&str> = stdout.lines().collect();
    assert_eq!(printed.len(), 2, "the two lines before the bad one");
    for id in &printed {
        ok(&db, &["get", id]);
    }
    assert_eq!(json(&db, &["households"]).as_array().map(Vec::len), Some(2));

    // Not JSON, and not even text: both are the line's fault, with its number.
    let mut bytes = format!("{}\nnot json\n", household(5)).into_bytes();
    std::fs::write(&file, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let out = gk(&db, &["import", "household", "--jsonl", path_str(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: line 2: "));
    bytes.truncate(household(5).len() + 1);
    bytes.extend_from_slice(b"\xff\xfe\n");
    std::fs::write(&file, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let out = gk(&db, &["import", "household", "--jsonl", path_str(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2: "));
    assert_eq!(json(&db, &["status"])["records"], 4);
}

#[test]
fn a_missing_grid_is_named_and_a_blank_one_creates_no_store() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    let out = gk(&db, &["init", "--grid", "  "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!db.exists(), "a refused init leaves no file behind");

    ok(&db, &["init"]);
    let out = gk(&db, &["add", "household", "--json", &household(1)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("grid"));
    let id = ok(
        &db,
        &[
            "add",
            "household",
            "--grid",
            "grid-2",
            "--json",
            &household(1),
        ],
    );
    assert_eq!(
        json(&db, &["households", "--grid", "grid-2"])[0]["id"],
        Value::String(id)
    );
    assert_eq!(json(&db, &["places"]), Value::Array(vec![]));
}

#[test]
fn merge_refuses_files_that_are_not_gridkeeper_changes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    ok(&db, &["init", "--grid", "grid-1"]);

    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, b"hello").unwrap_or_else(|e| panic!("{e}"));
    let out = gk(&db, &["merge", path_str(&junk)]);
    assert_eq!(out.status.code(), Some(2));

    // A SQLite file that is not an initialised store: invalid input, not "run gk init".
    let other = dir.path().join("other.db");
    ok(&other, &["init"]);
    {
        let store = gridkeeper_core::Store::open(&other).unwrap_or_else(|e| panic!("{e}"));
        store
            .connection()
            .execute_batch("DELETE FROM meta WHERE key = 'actor'")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let out = gk(&db, &["merge", path_str(&other)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("neither a change file nor"), "{stderr}");

    let truncated = dir.path().join("truncated.changes");
    let mut change_file = b"GKCHG1".to_vec();
    change_file.extend_from_slice(&[1, 0]);
    std::fs::write(&truncated, change_file).unwrap_or_else(|e| panic!("{e}"));
    let out = gk(&db, &["merge", path_str(&truncated)]);
    assert_eq!(out.status.code(), Some(2), "a damaged change file");
    assert_eq!(json(&db, &["status"])["records"], 0);
}

/// A phone enrolled for one grid files records there without `--grid`; with several grids in
/// reach and none chosen, `add` says so and names the grids, never the household.
#[test]
fn the_only_grid_in_reach_is_the_default() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    ok(&db, &["init"]);
    // What enrolment writes: the grids in reach, comma-separated.
    let enrol = |grids: &str| {
        let mut store = gridkeeper_core::Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
        store
            .set_meta("sync_grids", grids)
            .unwrap_or_else(|e| panic!("{e}"));
    };
    enrol("grid-9");
    let id = ok(&db, &["add", "household", "--json", &household(1)]);
    assert_eq!(json(&db, &["get", &id])["grid"], "grid-9");
    assert_eq!(json(&db, &["status"])["default_grid"], "grid-9");

    enrol("grid-9,grid-10");
    let out = gk(&db, &["add", "household", "--json", &household(2)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("grid: is required: this phone is enrolled for 2 grids (grid-9, grid-10)")
            && stderr.contains("pass --grid"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("赵2") && !stderr.contains("13900000002"),
        "{stderr}"
    );
    assert_eq!(json(&db, &["status"])["default_grid"], Value::Null);
    let id = ok(
        &db,
        &[
            "add",
            "household",
            "--grid",
            "grid-10",
            "--json",
            &household(2),
        ],
    );
    assert_eq!(json(&db, &["get", &id])["grid"], "grid-10");
    assert_eq!(json(&db, &["status"])["records"], 2);
}
