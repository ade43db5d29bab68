//! Tasks on the phone (issue 20 item 1): what is left of each, for whom, in due order; a
//! visit from the day the task was given completes its target, a visit before does not; a
//! worker marks an errand done by hand; an upgraded store asks once per grid for the tasks a
//! relay left out of its replies while the app could not read them.

use chrono::{Duration, Utc};
use gridkeeper_core::store::schema;
use gridkeeper_core::{Kind, RecordId, Store};
use rusqlite::Connection;
use serde_json::{Value, json};

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn household(store: &mut Store, room: &str) -> RecordId {
    ok(store.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"building": "3", "room": room}, "members": [{"name": "诸葛云"}]}),
    ))
}

fn task(
    store: &mut Store,
    title: &str,
    due_on: &str,
    assignees: &[&str],
    targets: &[RecordId],
) -> RecordId {
    let targets: Vec<Value> = targets
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"kind": "household", "id": id.to_string(), "label": format!("3栋{}", i + 1)}))
        .collect();
    ok(store.create_json(
        Kind::Task,
        "g1",
        json!({"title": title, "task_type": "visit", "due_on": due_on, "assignees": assignees,
               "targets": targets, "assigned_by": "李主任"}),
    ))
}

fn visit(store: &mut Store, household: RecordId, at: &str) {
    ok(store.create_json(
        Kind::Visit,
        "g1",
        json!({"subject": {"kind": "household", "id": household.to_string()}, "visited_at": at}),
    ));
}

fn day(offset: i64) -> String {
    ((Utc::now() + Duration::hours(8)).date_naive() + Duration::days(offset)).to_string()
}

#[test]
fn the_worker_sees_their_tasks_due_first_until_every_target_is_visited() {
    let dir = ok(tempfile::tempdir());
    let mut store = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let (a, b) = (household(&mut store, "501"), household(&mut store, "502"));
    let later = task(
        &mut store,
        "寒潮前走访独居老人",
        &day(3),
        &["王芳"],
        &[a, b],
    );
    let sooner = task(&mut store, "复查出租屋", &day(1), &[], &[b]);
    task(&mut store, "别人的任务", &day(0), &["李强"], &[a]);

    let due = ok(store.tasks_due(Some("g1"), Utc::now()));
    let ids: Vec<&str> = due.iter().map(|t| t.task_id.as_str()).collect();
    assert_eq!(
        ids,
        [sooner.to_string(), later.to_string()],
        "李强's task is not 王芳's"
    );
    assert_eq!(due[1].done_count(), 0);

    visit(&mut store, a, "");
    let due = ok(store.tasks_due(Some("g1"), Utc::now()));
    let later_due = due.iter().find(|t| t.task_id == later.to_string());
    assert_eq!(later_due.map(|t| t.done_count()), Some(1));

    // One visit to the household both tasks name completes both.
    visit(&mut store, b, "");
    assert!(ok(store.tasks_due(Some("g1"), Utc::now())).is_empty());
    let agenda = ok(store.agenda(Some("g1"), Utc::now()));
    assert!(agenda.tasks.is_empty());
}

#[test]
fn a_visit_before_the_day_the_task_was_given_does_not_count() {
    let dir = ok(tempfile::tempdir());
    let mut store = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let a = household(&mut store, "501");
    let given = task(&mut store, "走访", &day(2), &[], &[a]);
    let two_days_ago = (Utc::now() - Duration::days(2)).to_rfc3339();
    visit(&mut store, a, &two_days_ago);
    let due = ok(store.tasks_due(None, Utc::now()));
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].task_id, given.to_string());
    assert!(!due[0].targets[0].done);
}

#[test]
fn an_overdue_task_says_by_how_many_days() {
    let dir = ok(tempfile::tempdir());
    let mut store = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let a = household(&mut store, "501");
    task(&mut store, "走访", &day(-3), &[], &[a]);
    let due = ok(store.tasks_due(None, Utc::now()));
    assert_eq!(due[0].days_overdue, 3);
}

#[test]
fn a_target_marked_done_by_hand_is_done_once() {
    let dir = ok(tempfile::tempdir());
    let mut store = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let (a, b) = (household(&mut store, "501"), household(&mut store, "502"));
    let given = task(&mut store, "代办低保材料", &day(2), &[], &[a, b]);
    assert!(ok(store.mark_task_target(
        given,
        &a.to_string(),
        "材料已送到"
    )));
    assert!(
        !ok(store.mark_task_target(given, &a.to_string(), "again")),
        "a mark stays one"
    );
    let due = ok(store.tasks_due(None, Utc::now()));
    assert_eq!(due[0].done_count(), 1);
    let stranger = household(&mut store, "503").to_string();
    let Err(err) = store.mark_task_target(given, &stranger, "") else {
        panic!("a household the task does not name was marked");
    };
    assert!(err.to_string().contains("marks[1].target"), "{err}");
}

#[test]
fn an_upgraded_store_asks_once_per_grid_for_the_tasks_it_was_not_sent() {
    let dir = ok(tempfile::tempdir());
    let path = dir.path().join("w.db");
    {
        let mut store = ok(Store::init(&path, Some("王芳")));
        ok(store.set_cursor("g1", "42"));
        ok(store.set_cursor("g2", "b40"));
    }
    {
        // The file as the app before tasks left it.
        let conn = ok(Connection::open(&path));
        ok(conn.execute_batch("DROP TABLE tasks; DROP TABLE task_targets; DROP TABLE catch_up;"));
        ok(conn.pragma_update(None, "user_version", schema::LATEST - 1));
    }
    let mut store = ok(Store::open(&path));
    assert_eq!(ok(store.catch_up("g1")), ["task"]);
    assert_eq!(
        ok(store.catch_up("g2")),
        ["task"],
        "a bootstrap under way too"
    );
    let request = ok(store.sync_request(&["g1".to_string()], 100));
    assert_eq!(request.pull[0].catch_up, ["task"]);
    ok(store.set_cursor("g1", "43"));
    assert!(ok(store.catch_up("g1")).is_empty(), "asked once");
    assert_eq!(ok(store.catch_up("g2")), ["task"]);
}
