//! Tasks in today's work (今日工作): one line per open task, due first, saying how far it has
//! got and where to go next; an errand's line carries a "done" that marks its next target,
//! a visit task's does not (recording the visit does it).

use gridkeeper_app::Lang;
use gridkeeper_app::today::{Target, Today, TodayEvent};
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn household(s: &mut Store, room: &str) -> RecordId {
    ok(s.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"building": "3", "room": room}, "members": [{"name": "诸葛云"}]}),
    ))
}

fn task(
    s: &mut Store,
    title: &str,
    task_type: &str,
    due_on: &str,
    targets: &[(RecordId, &str)],
) -> RecordId {
    let targets: Vec<_> = targets
        .iter()
        .map(|(id, label)| json!({"kind": "household", "id": id.to_string(), "label": label}))
        .collect();
    ok(s.create_json(
        Kind::Task,
        "g1",
        json!({"title": title, "task_type": task_type, "due_on": due_on, "targets": targets,
               "assigned_by": "李主任"}),
    ))
}

const NOW: i64 = 1_796_000_000; // 2026-11-30, a Monday morning in China

#[test]
fn an_errand_is_marked_done_from_its_line_and_a_visit_is_done_by_visiting() {
    let dir = ok(tempfile::tempdir());
    let mut s = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let (a, b) = (household(&mut s, "501"), household(&mut s, "502"));
    let errand = task(
        &mut s,
        "代办低保年审材料",
        "errand",
        "2099-12-01",
        &[(a, "3栋501"), (b, "3栋502")],
    );
    task(
        &mut s,
        "寒潮前走访",
        "visit",
        "2099-12-31",
        &[(b, "3栋502")],
    );

    let mut today = Today::new(Some("g1".into()), Lang::Zh);
    today.update(&mut s, TodayEvent::Refresh { at: NOW });
    let lines = &today.view().tasks;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].title, "代办 · 代办低保年审材料", "due first");
    assert!(
        lines[0].detail.starts_with("已完成 0/2 · 下一处：3栋501"),
        "{}",
        lines[0].detail
    );
    assert_eq!(
        lines[0].target,
        Target::Household {
            id: a.to_string(),
            member_id: String::new()
        }
    );
    let Some(mark) = lines[0].mark_done.clone() else {
        panic!("an errand's line marks its target");
    };
    assert_eq!(mark.target_id, a.to_string());
    assert!(
        lines[1].mark_done.is_none(),
        "a visit is done by recording it"
    );
    assert!(today.view().empty_text.is_none());

    today.update(
        &mut s,
        TodayEvent::MarkTaskTarget {
            task_id: mark.task_id.clone(),
            target_id: mark.target_id,
            at: NOW,
        },
    );
    let lines = &today.view().tasks;
    assert_eq!(
        lines[0].mark_done.as_ref().map(|m| m.target_id.clone()),
        Some(b.to_string())
    );
    assert!(
        lines[0].detail.starts_with("已完成 1/2 · 下一处：3栋502"),
        "{}",
        lines[0].detail
    );

    // A visit to 502 does the visit task; the errand there is still to run.
    ok(s.create_json(
        Kind::Visit,
        "g1",
        json!({"subject": {"kind": "household", "id": b.to_string()}, "visited_at": ""}),
    ));
    today.update(&mut s, TodayEvent::Refresh { at: NOW });
    let titles: Vec<&str> = today
        .view()
        .tasks
        .iter()
        .map(|l| l.title.as_str())
        .collect();
    assert_eq!(titles, ["代办 · 代办低保年审材料"]);
    today.update(
        &mut s,
        TodayEvent::MarkTaskTarget {
            task_id: errand.to_string(),
            target_id: b.to_string(),
            at: NOW,
        },
    );
    assert!(today.view().tasks.is_empty());

    // A mark for a household the task does not name is refused in words, nothing written.
    let stranger = household(&mut s, "503");
    today.update(
        &mut s,
        TodayEvent::MarkTaskTarget {
            task_id: errand.to_string(),
            target_id: stranger.to_string(),
            at: NOW,
        },
    );
    assert!(today.view().error.is_some());
}
