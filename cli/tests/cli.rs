//! The terminal client's machine interface, run as a real process on real store files.

mod support;

use serde_json::Value;
use support::{gk, json, ok};

const HOUSEHOLD: &str = r#"{"address":{"compound":"幸福里","building":"3","unit":"2","room":"501"},"members":[{"name":"张三","phone":"13812345678","relation":"head","tags":["solitary_elderly"]},{"name":"李梅","relation":"spouse"}]}"#;

#[test]
fn add_get_update_list_search_history_export() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    let actor = ok(&db, &["init", "--grid", "grid-1", "--user", "王网格"]);
    assert_eq!(actor.len(), 32, "actor id printed: {actor}");
    let id = ok(&db, &["add", "household", "--json", HOUSEHOLD]);
    assert_eq!(id.lines().count(), 1);

    let rec = json(&db, &["get", &id]);
    assert_eq!(rec["grid"], "grid-1");
    assert_eq!(rec["data"]["members"][0]["phone"], "138****5678");
    let full = json(&db, &["get", &id, "--full"]);
    assert_eq!(full["data"]["members"][0]["phone"], "13812345678");

    assert_eq!(
        ok(
            &db,
            &["update", &id, "--json", r#"{"housing_type":"rented"}"#]
        ),
        "changed"
    );
    assert_eq!(json(&db, &["get", &id])["data"]["housing_type"], "rented");

    let list = json(&db, &["list", "household", "--grid", "grid-1"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["member_tags"][0], "solitary_elderly");
    let found = json(&db, &["list", "household", "--search", "zs"]);
    assert_eq!(found[0]["id"], Value::String(id.clone()));
    let hits = json(&db, &["search", "5678"]);
    assert_eq!(hits[0]["id"], Value::String(id.clone()));

    let history = json(&db, &["history", &id]);
    assert_eq!(history.as_array().map(Vec::len), Some(2));
    assert_eq!(history[1]["fields"][0], "housing_type");
    assert_eq!(history[1]["user"], "王网格");

    let export = ok(&db, &["export"]);
    let parsed: Value = serde_json::from_str(&export).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.get(&id).is_some());

    assert_eq!(ok(&db, &["archive", &id]), "changed");
    assert_eq!(
        json(&db, &["list", "household"]).as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(json(&db, &["status"])["outbox"], 3);
}

#[test]
fn invalid_input_exits_2_names_the_field_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    ok(&db, &["init", "--grid", "grid-1"]);
    let bad = r#"{"address":{"building":"1","room":"101"},"members":[{"name":"李四","id_number":"110105199902300012"}]}"#;
    let out = gk(&db, &["add", "household", "--json", bad]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("members[0].id_number"), "{stderr}");
    assert!(
        !stderr.contains("110105199902300012"),
        "ID number leaked into the error"
    );
    assert_eq!(json(&db, &["list", "household"]), Value::Array(vec![]));

    assert_eq!(
        gk(&db, &["add", "household", "--json", "{not json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        gk(&db, &["add", "castle", "--json", "{}"]).status.code(),
        Some(2)
    );
    assert_eq!(gk(&db, &["get", "not-an-id"]).status.code(), Some(2));
    assert_eq!(
        gk(&db, &["get", "01890a5d-ac96-774b-bcce-b302099a8057"])
            .status
            .code(),
        Some(3)
    );
    let uninitialised = dir.path().join("none.db");
    assert_ne!(
        gk(&uninitialised, &["list", "household"]).status.code(),
        Some(0)
    );
}

#[test]
fn two_stores_exchange_changes_and_export_identically() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    ok(&a, &["init", "--grid", "grid-1", "--user", "worker-a"]);
    ok(&b, &["init", "--grid", "grid-1", "--user", "worker-b"]);
    let id = ok(&a, &["add", "household", "--json", HOUSEHOLD]);
    ok(
        &b,
        &[
            "add",
            "place",
            "--json",
            r#"{"name":"好运来超市","place_type":"shop","address":{"text":"幸福路12号"},"contact":"021-63211234"}"#,
        ],
    );

    let a_changes = dir.path().join("a.changes");
    ok(
        &a,
        &["changes", "--out", a_changes.to_str().unwrap_or_default()],
    );
    let merged = json(&b, &["merge", a_changes.to_str().unwrap_or_default()]);
    assert_eq!(merged["applied"], 1);
    // Merging another store's file directly works too, and twice is harmless.
    ok(&a, &["merge", b.to_str().unwrap_or_default()]);
    let again = json(&a, &["merge", b.to_str().unwrap_or_default()]);
    assert_eq!(again["applied"], 0);
    assert_eq!(ok(&a, &["export"]), ok(&b, &["export"]));

    // The same member's phone edited on both devices becomes a conflict on both.
    let member_patch = |phone: &str| {
        let rec = json(&a, &["get", &id, "--full"]);
        let mut members = rec["data"]["members"].clone();
        members[0]["phone"] = Value::String(phone.into());
        serde_json::json!({ "members": members }).to_string()
    };
    let patch_a = member_patch("13911112222");
    let patch_b = member_patch("13733334444");
    ok(&a, &["update", &id, "--json", &patch_a]);
    ok(&b, &["update", &id, "--json", &patch_b]);
    let heads_b = dir.path().join("b.heads");
    std::fs::write(&heads_b, ok(&b, &["heads"])).unwrap_or_else(|e| panic!("{e}"));
    let a_new = dir.path().join("a-new.changes");
    ok(
        &a,
        &[
            "changes",
            "--out",
            a_new.to_str().unwrap_or_default(),
            "--since",
            heads_b.to_str().unwrap_or_default(),
        ],
    );
    ok(&b, &["merge", a_new.to_str().unwrap_or_default()]);
    ok(&a, &["merge", b.to_str().unwrap_or_default()]);
    assert_eq!(ok(&a, &["export"]), ok(&b, &["export"]));
    for db in [&a, &b] {
        let conflicts = json(db, &["conflicts", &id]);
        assert_eq!(conflicts[0]["path"], "members[0].phone");
        assert_eq!(conflicts[0]["values"].as_array().map(Vec::len), Some(2));
    }
    ok(
        &a,
        &["resolve", &id, "--path", "members[0].phone", "--pick", "0"],
    );
    assert_eq!(json(&a, &["conflicts", &id]), Value::Array(vec![]));
}

#[test]
fn visit_raises_a_case_which_goes_round_its_loop_and_shows_on_the_agenda() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    ok(&db, &["init", "--grid", "grid-1", "--user", "王网格"]);
    let hh = ok(&db, &["add", "household", "--json", HOUSEHOLD]);
    let visit = format!(
        r#"{{"subject":{{"kind":"household","id":"{hh}"}},"purpose":"special_group_care","findings":"燃气软管老化"}}"#
    );
    let case = r#"{"category":"hazard","subcategory":"gas","severity":"high","description":"燃气软管老化开裂"}"#;
    let both = ok(
        &db,
        &["add", "visit", "--json", &visit, "--raise-case", case],
    );
    let ids: Vec<&str> = both.lines().collect();
    assert_eq!(ids.len(), 2, "visit and case ids printed");
    let case_id = ids[1];

    let out = gk(&db, &["case", case_id, "verify"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "illegal transition is invalid input"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot verify a case that is reported"));
    assert_eq!(
        ok(&db, &["case", case_id, "accept", "--note", "已联系房东"]),
        "accepted"
    );
    assert_eq!(
        ok(&db, &["case", case_id, "escalate", "--to", "community"]),
        "escalated"
    );

    let agenda = json(&db, &["agenda", "--now", "2099-01-01T00:00:00Z"]);
    assert_eq!(
        agenda["cases"][0]["case_id"],
        Value::String(case_id.to_string())
    );
    assert_eq!(agenda["cases"][0]["overdue"], true);
    assert_eq!(agenda["visits"][0]["tag"], "solitary_elderly");
}

#[test]
fn rescue_write_seals_the_outbox_for_the_relay_and_needs_an_enrolment() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("a.db");
    let out = dir.path().join("rescue.gkr");
    ok(&db, &["init", "--grid", "grid-1", "--user", "王网格"]);
    let id = ok(&db, &["add", "household", "--json", HOUSEHOLD]);

    let refused = gk(&db, &["rescue", "write", out.to_str().unwrap_or_default()]);
    assert_eq!(refused.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not enrolled"));
    assert!(!out.exists());

    let mut store = gridkeeper_core::Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    for (k, v) in [("sync_token", "gk_t"), ("sync_device", "device-1")] {
        store.set_meta(k, v).unwrap_or_else(|e| panic!("{e}"));
    }
    drop(store);
    let made = json(
        &db,
        &[
            "rescue",
            "write",
            out.to_str().unwrap_or_default(),
            "--json",
        ],
    );
    assert_eq!(
        (made["records"].clone(), made["changes"].clone()),
        (1.into(), 1.into())
    );
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(made["bytes"], bytes.len());
    let body = gridkeeper_core::rescue::open(&bytes, &gridkeeper_core::rescue::token_hash("gk_t"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body.push.len(), 1);
    assert_eq!(body.push[0].record_id, id);
    assert_eq!(json(&db, &["status"])["outbox"], 1, "the work stays queued");
}
