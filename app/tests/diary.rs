//! The worker's 民情日志 on the phone: written from the day's records without typing, edited
//! (kept as a draft on every edit), submitted, submitted again; yesterday's and others' work
//! stay out.

use chrono::{Duration, Utc};
use gridkeeper_app::Effect;
use gridkeeper_app::Lang;
use gridkeeper_app::diary::{DiaryEvent, DiaryPart, DiaryScreen};
use gridkeeper_core::kinds::Diary;
use gridkeeper_core::kinds::case::TimelineEntry;
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn store(dir: &tempfile::TempDir) -> Store {
    ok(Store::init(dir.path().join("phone.db"), Some("王芳")))
}

fn instant(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Noon in China today, and a day earlier: clear of the day's edges whenever the test runs.
fn noon_today() -> chrono::DateTime<Utc> {
    let china_day = (Utc::now() + Duration::hours(8)).date_naive();
    china_day.and_hms_opt(4, 0, 0).unwrap_or_default().and_utc()
}

fn screen(s: &mut Store, at: chrono::DateTime<Utc>) -> DiaryScreen {
    let mut d = DiaryScreen::new("g1".into(), Lang::Zh);
    d.update(s, DiaryEvent::Load { at: at.timestamp() });
    d
}

#[test]
fn the_day_is_written_from_the_records_then_edited_and_submitted() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir);
    let noon = noon_today();
    let h = ok(s.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"compound": "幸福里", "building": "3", "room": "101"}, "members": [{"name": "张奶奶"}]}),
    ));
    ok(s.create_json(
        Kind::Visit,
        "g1",
        json!({"subject": {"kind": "household", "id": h.to_string()}, "visited_at": instant(noon - Duration::hours(1)),
               "purpose": "special_group_care", "findings": "血压偏高，已提醒复诊"}),
    ));
    // Yesterday's visit, and a visit recorded under another worker's name.
    ok(s.create_json(
        Kind::Visit,
        "g1",
        json!({"subject": {"kind": "household", "id": h.to_string()}, "visited_at": instant(noon - Duration::days(1)),
               "findings": "昨天的走访"}),
    ));
    ok(s.create_json(
        Kind::Visit,
        "g1",
        json!({"subject": {"kind": "household", "id": h.to_string()}, "visited_at": instant(noon - Duration::hours(2)),
               "worker": "李娜", "findings": "别人的走访"}),
    ));
    let case = ok(s.create_json(
        Kind::Case,
        "g1",
        json!({"category": "hazard", "subcategory": "fire", "description": "楼道堆放杂物", "reported_at": instant(noon - Duration::minutes(30))}),
    ));
    ok(s.case_transition(
        case,
        TimelineEntry {
            note: "通知物业清理".into(),
            ..TimelineEntry::new(CaseAction::Accept)
        },
    ));

    let mut d = screen(&mut s, Utc::now().max(noon));
    let v = d.view().clone();
    assert_eq!(v.visited, "幸福里 3 101（特殊群体关爱）");
    assert_eq!(
        v.problems,
        "幸福里 3 101：血压偏高，已提醒复诊\n上报安全隐患（消防）：楼道堆放杂物"
    );
    assert_eq!(
        v.measures,
        "安全隐患（消防）：楼道堆放杂物（受理：通知物业清理）"
    );
    assert_eq!(v.results, "");
    assert_eq!(v.status, "由今日记录生成，可修改后提交");
    assert!(!v.submitted);
    assert_eq!(v.submit_label, "提交");

    // An edit is kept as a draft: a screen opened afresh finds it.
    d.update(
        &mut s,
        DiaryEvent::Edit {
            part: DiaryPart::Results,
            text: "张奶奶已预约周五复诊".into(),
        },
    );
    assert_eq!(d.view().status, "有未提交的修改");
    let again = screen(&mut s, Utc::now().max(noon));
    assert_eq!(again.view().results, "张奶奶已预约周五复诊");
    assert_eq!(again.view().status, "有未提交的修改");

    // Submitted: one diary record, the worker's, with the day and the time.
    let submitted_at = Utc::now().max(noon);
    let effects = d.update(
        &mut s,
        DiaryEvent::Submit {
            at: submitted_at.timestamp(),
        },
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::RecordsChanged { .. }]
    ));
    assert!(d.view().submitted);
    assert!(d.view().status.starts_with("已于 "), "{}", d.view().status);
    assert_eq!(d.view().submit_label, "重新提交");
    let ids: Vec<RecordId> = ok(s.record_ids(Some(Kind::Diary)));
    assert_eq!(ids.len(), 1);
    let diary: Diary = ok(s.get::<Diary>(ids[0])).data;
    assert_eq!(diary.worker, "王芳");
    assert_eq!(
        diary.day,
        (submitted_at + Duration::hours(8)).date_naive().to_string()
    );
    assert_eq!(diary.results, "张奶奶已预约周五复诊");
    assert_eq!(diary.submitted_at, Some(instant(submitted_at)));

    // Reopened, it shows what was submitted; submitted again, the same record changes.
    let mut reopened = screen(&mut s, Utc::now().max(noon));
    assert!(reopened.view().submitted);
    assert_eq!(reopened.view().results, "张奶奶已预约周五复诊");
    reopened.update(
        &mut s,
        DiaryEvent::Edit {
            part: DiaryPart::Measures,
            text: "已通知物业当天清理".into(),
        },
    );
    assert!(!reopened.view().submitted);
    reopened.update(
        &mut s,
        DiaryEvent::Submit {
            at: Utc::now().max(noon).timestamp(),
        },
    );
    assert_eq!(ok(s.record_ids(Some(Kind::Diary))), ids);
    assert_eq!(
        ok(s.get::<Diary>(ids[0])).data.measures,
        "已通知物业当天清理"
    );

    // Written again from the records: the worker's words give way to the day's records.
    reopened.update(&mut s, DiaryEvent::Rewrite);
    assert_eq!(
        reopened.view().measures,
        "安全隐患（消防）：楼道堆放杂物（受理：通知物业清理）"
    );
    assert!(!reopened.view().submitted);
}

#[test]
fn a_day_with_nothing_recorded_is_open_to_write() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir);
    let d = screen(&mut s, noon_today());
    assert_eq!(
        d.view().empty_text.as_deref(),
        Some("今天还没有记录，可直接填写。")
    );
    let mut en = DiaryScreen::new("g1".into(), Lang::En);
    en.update(
        &mut s,
        DiaryEvent::Load {
            at: noon_today().timestamp(),
        },
    );
    assert!(en.view().title.starts_with("Daily log · "));
    assert_eq!(en.view().measures_label, "Measures taken");
}
