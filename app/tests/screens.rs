//! The screens driven as a worker uses them, on real store files: browse and search the
//! households, see and settle conflicts (including a member removed while edited), and the
//! sync line — in Chinese and in English.

use gridkeeper_app::households::{self, Households};
use gridkeeper_app::sync_status::{self, SyncScreen};
use gridkeeper_app::{Effect, Lang, conflicts};
use gridkeeper_core::kinds::Household;
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

fn store(dir: &tempfile::TempDir, user: &str) -> Store {
    Store::init(dir.path().join(format!("{user}.db")), Some(user)).unwrap_or_else(|e| panic!("{e}"))
}

fn add(
    s: &mut Store,
    building: &str,
    unit: &str,
    room: &str,
    members: serde_json::Value,
) -> RecordId {
    s.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"compound": "幸福里", "building": building, "unit": unit, "room": room},
               "members": members}),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn street(s: &mut Store) {
    add(
        s,
        "10",
        "1",
        "101",
        json!([{"name": "张三", "relation": "head"}]),
    );
    add(
        s,
        "9",
        "2",
        "201",
        json!([{"name": "李四", "relation": "head", "tags": ["solitary_elderly"]}]),
    );
    add(
        s,
        "9",
        "1",
        "102",
        json!([{"name": "王五", "relation": "head"}, {"name": "王小明", "tags": ["left_behind_child"]}]),
    );
    add(s, "9", "1", "101", json!([]));
}

#[test]
fn browsing_goes_building_then_unit_in_door_order() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    street(&mut s);
    let mut screen = Households::new(Some("g1".into()), Lang::Zh);
    screen.update(&s, households::HouseholdsEvent::Load);
    let v = screen.view();
    assert_eq!(v.place, "全部住户");
    assert!(!v.can_go_up);
    let groups: Vec<(&str, &str)> = v
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.label.as_str()))
        .collect();
    assert_eq!(
        groups,
        vec![("9", "9号楼"), ("10", "10号楼")],
        "9 before 10, as on the doors"
    );

    screen.update(&s, households::HouseholdsEvent::Browse("9".into()));
    let v = screen.view();
    assert_eq!(v.place, "9号楼");
    assert!(v.can_go_up);
    assert_eq!(
        v.groups
            .iter()
            .map(|g| g.label.as_str())
            .collect::<Vec<_>>(),
        vec!["1单元", "2单元"]
    );
    assert_eq!(v.rows.len(), 3);

    screen.update(&s, households::HouseholdsEvent::Browse("1".into()));
    let v = screen.view();
    assert_eq!(v.place, "9号楼 · 1单元");
    let rows: Vec<(&str, &str)> = v
        .rows
        .iter()
        .map(|r| (r.title.as_str(), r.members.as_str()))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1], ("王五", "2 人"), "room 101 before 102");
    assert!(
        v.rows[0].title.contains("101"),
        "no one registered: the address stands in"
    );
    assert_eq!(v.rows[1].tags, vec!["留守儿童".to_string()]);

    screen.update(&s, households::HouseholdsEvent::Up);
    assert_eq!(screen.view().place, "9号楼");
    screen.update(&s, households::HouseholdsEvent::Up);
    assert_eq!(screen.view().place, "全部住户");
}

#[test]
fn search_by_pinyin_initials_and_a_group_filter() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    street(&mut s);
    let mut screen = Households::new(Some("g1".into()), Lang::Zh);
    screen.update(&s, households::HouseholdsEvent::Browse("10".into()));
    // Searching looks through the whole grid, wherever browsing stood.
    screen.update(&s, households::HouseholdsEvent::Query("ls".into()));
    let v = screen.view();
    assert_eq!(
        v.rows.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
        vec!["李四"]
    );
    assert!(v.groups.is_empty());
    screen.update(&s, households::HouseholdsEvent::Query("张".into()));
    assert_eq!(screen.view().rows[0].title, "张三");

    screen.update(&s, households::HouseholdsEvent::Query(String::new()));
    screen.update(&s, households::HouseholdsEvent::Up);
    // The filter offers every group in words; its key is what `Tag` takes.
    let choices = &screen.view().tag_choices;
    assert_eq!(choices.len(), 7);
    assert_eq!(
        (choices[0].key.as_str(), choices[0].label.as_str()),
        ("solitary_elderly", "独居老人")
    );
    screen.update(
        &s,
        households::HouseholdsEvent::Tag(Some("solitary_elderly".into())),
    );
    let v = screen.view();
    assert_eq!(
        v.rows.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
        vec!["李四"]
    );
    screen.update(&s, households::HouseholdsEvent::Query("zs".into()));
    let v = screen.view();
    assert!(v.rows.is_empty());
    assert_eq!(v.empty_text.as_deref(), Some("没有找到匹配的住户"));

    let mut en = Households::new(Some("g1".into()), Lang::En);
    en.update(
        &s,
        households::HouseholdsEvent::Tag(Some("left_behind_child".into())),
    );
    assert_eq!(
        en.view().rows[0].tags,
        vec!["Left-behind child".to_string()]
    );
    assert_eq!(en.view().rows[0].members, "2 people");
}

#[test]
fn opening_and_adding_are_effects_for_the_shell() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let s = store(&dir, "王芳");
    let mut screen = Households::new(None, Lang::Zh);
    assert_eq!(screen.update(&s, households::HouseholdsEvent::Load), vec![]);
    assert_eq!(screen.view().empty_text.as_deref(), Some("还没有住户"));
    assert_eq!(
        screen.update(&s, households::HouseholdsEvent::Open("abc".into())),
        vec![Effect::OpenHousehold { id: "abc".into() }]
    );
    assert_eq!(
        screen.update(&s, households::HouseholdsEvent::Add),
        vec![Effect::NewHousehold]
    );
}

fn exchange(a: &mut Store, b: &mut Store) {
    let from_a = a.changes(None).unwrap_or_else(|e| panic!("{e}"));
    let from_b = b.changes(None).unwrap_or_else(|e| panic!("{e}"));
    b.apply_changes(&from_a).unwrap_or_else(|e| panic!("{e}"));
    a.apply_changes(&from_b).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn conflicts_show_both_values_with_who_and_a_pick_settles_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "王芳");
    let mut b = store(&dir, "李强");
    let id = add(
        &mut a,
        "3",
        "1",
        "501",
        json!([{"name": "赵敏"}, {"name": "周芷若"}]),
    );
    exchange(&mut a, &mut b);
    a.update::<Household>(id, |h| h.members[0].phone = Some("13900000001".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    b.update::<Household>(id, |h| h.members[0].phone = Some("13700000002".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    // And one removes 周芷若 while the other changes her number.
    a.update::<Household>(id, |h| {
        h.members.truncate(1);
    })
    .unwrap_or_else(|e| panic!("{e}"));
    b.update::<Household>(id, |h| h.members[1].phone = Some("13912345678".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);

    let mut screen = conflicts::Conflicts::new(id, Lang::Zh);
    screen.update(&mut a, conflicts::ConflictsEvent::Load);
    let v = screen.view().clone();
    assert_eq!(v.items.len(), 2, "{v:?}");
    let phone = v
        .items
        .iter()
        .find(|i| i.title == "成员 · 手机号")
        .unwrap_or_else(|| panic!("{v:?}"));
    let mut values: Vec<(&str, bool)> = phone
        .choices
        .iter()
        .map(|c| {
            (
                c.text.as_str(),
                c.by.starts_with("王芳 · ") || c.by.starts_with("李强 · "),
            )
        })
        .collect();
    values.sort();
    assert_eq!(values, vec![("13700000002", true), ("13900000001", true)]);
    assert_eq!(phone.choices.iter().filter(|c| c.shown).count(), 1);

    let removal = v
        .items
        .iter()
        .find(|i| i.title == "删除与修改冲突：成员")
        .unwrap_or_else(|| panic!("{v:?}"));
    assert_eq!(removal.choices[0].text, "已删除");
    assert!(removal.choices[0].by.starts_with("王芳"));
    assert_eq!(removal.choices[0].action, "保持删除");
    assert_eq!(removal.choices[1].text, "周芷若 · 13912345678 · 其他");
    assert!(removal.choices[1].by.starts_with("李强"));

    let effects = screen.update(
        &mut a,
        conflicts::ConflictsEvent::Pick {
            path: removal.path.clone(),
            choice: 1,
        },
    );
    assert_eq!(
        effects,
        vec![Effect::RecordsChanged {
            ids: vec![id.to_string()]
        }]
    );
    assert_eq!(screen.view().items.len(), 1);
    screen.update(
        &mut a,
        conflicts::ConflictsEvent::Pick {
            path: phone.path.clone(),
            choice: 0,
        },
    );
    assert!(screen.view().items.is_empty());
    assert_eq!(
        screen.view().empty_text.as_deref(),
        Some("没有需要处理的冲突")
    );
    exchange(&mut a, &mut b);
    let mut other = conflicts::Conflicts::new(id, Lang::En);
    other.update(&mut b, conflicts::ConflictsEvent::Load);
    assert_eq!(
        other.view().empty_text.as_deref(),
        Some("No conflicts to settle")
    );

    // Picking what someone else settled meanwhile says so in words.
    screen.update(
        &mut a,
        conflicts::ConflictsEvent::Pick {
            path: phone.path.clone(),
            choice: 0,
        },
    );
    assert_eq!(
        screen.view().error.as_deref(),
        Some("这处冲突已被处理，请刷新后再看")
    );
}

#[test]
fn unsent_work_shows_its_age_and_is_said_plainly_after_a_day() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    street(&mut s);
    let mut screen = SyncScreen::new(Lang::Zh);
    screen.update(&mut s, sync_status::SyncEvent::Refresh);
    assert_eq!(
        screen.view().unsynced_text.as_deref(),
        Some("4 项未上传，最早的在 1 小时内")
    );
    assert_eq!(screen.view().overdue_warning, None);

    screen.at(chrono::Utc::now() + chrono::Duration::hours(5));
    screen.update(&mut s, sync_status::SyncEvent::Refresh);
    assert_eq!(
        screen.view().unsynced_text.as_deref(),
        Some("4 项未上传，最早的在 5 小时前")
    );
    assert_eq!(screen.view().overdue_warning, None);

    let mut en = SyncScreen::new(Lang::En);
    en.at(chrono::Utc::now() + chrono::Duration::hours(30));
    en.update(&mut s, sync_status::SyncEvent::Refresh);
    assert_eq!(
        en.view().unsynced_text.as_deref(),
        Some("4 not sent yet, the oldest 30 hours ago")
    );
    assert!(
        en.view()
            .overdue_warning
            .as_deref()
            .is_some_and(|w| w.contains("over a day"))
    );
}

#[test]
fn signing_out_with_unsent_work_asks_first_and_a_rescue_file_needs_enrolment() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    street(&mut s);
    let mut screen = SyncScreen::new(Lang::Zh);
    assert_eq!(
        screen.update(&mut s, sync_status::SyncEvent::SignOut),
        vec![],
        "nothing happens before the worker answers"
    );
    let question = screen.view().sign_out_question.clone().unwrap_or_default();
    assert!(question.contains("4 项修改未上传"), "{question}");
    assert!(question.contains("确定退出吗"), "{question}");

    assert_eq!(
        screen.update(&mut s, sync_status::SyncEvent::KeepSignedIn),
        vec![]
    );
    assert_eq!(screen.view().sign_out_question, None);

    screen.update(&mut s, sync_status::SyncEvent::SignOut);
    assert_eq!(
        screen.update(&mut s, sync_status::SyncEvent::ConfirmSignOut),
        vec![Effect::SignOut]
    );
    assert_eq!(screen.view().sign_out_question, None);
    // The shell closed the store and kept it (work unsent): the screen says so.
    assert_eq!(
        screen.signed_out(false),
        vec![Effect::SignedOut { removed: false }]
    );
    assert_eq!(
        screen.view().signed_out_text.as_deref(),
        Some("已退出。未上传的内容保留在手机上，有网时会继续上传。")
    );

    // A phone never enrolled has no key to seal a rescue file with, and is told so.
    let mut other = SyncScreen::new(Lang::Zh);
    let path = dir.path().join("rescue.gkr");
    let effects = other.update(
        &mut s,
        sync_status::SyncEvent::WriteRescue {
            path: path.to_string_lossy().into_owned(),
        },
    );
    assert_eq!(effects, vec![]);
    assert_eq!(other.view().rescue_text, None);
    assert_eq!(
        other.view().error.as_deref(),
        Some("本机还未注册，请先用主管给的注册码注册")
    );
    assert!(!path.exists());
}

#[test]
fn the_sync_line_asks_the_shell_to_sync_and_reads_its_answer() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    street(&mut s);
    let mut screen = SyncScreen::new(Lang::Zh);
    screen.update(&mut s, sync_status::SyncEvent::Refresh);
    let v = screen.view();
    assert_eq!(
        v.error.as_deref(),
        Some("本机还未注册，请先用主管给的注册码注册")
    );
    assert_eq!(v.pending_text, "待上传 4 项");
    assert_eq!(v.last_sync_text, "从未同步");

    assert_eq!(
        screen.update(&mut s, sync_status::SyncEvent::SyncNow),
        vec![Effect::StartSync]
    );
    assert!(screen.view().running);
    assert_eq!(screen.view().pending_text, "正在同步…");
    assert_eq!(
        screen.update(&mut s, sync_status::SyncEvent::SyncNow),
        vec![],
        "one sync at a time"
    );
    assert_eq!(
        screen.update(&mut s, sync_status::SyncEvent::Cancel),
        vec![Effect::CancelSync]
    );

    // The shell ran it and it failed: the worker still reads what to do, and that the
    // work waits on the phone.
    let failed = s.sync(&Default::default(), &mut |_| {});
    assert!(failed.is_err());
    screen.finished(&s, failed);
    let v = screen.view();
    assert!(!v.running);
    assert_eq!(
        v.error.as_deref(),
        Some("本机还未注册，请先用主管给的注册码注册")
    );
    assert_eq!(v.pending_text, "待上传 4 项");
}

#[test]
fn today_lists_who_is_due_and_a_tap_opens_it() {
    use gridkeeper_app::today::{self, Target, Today};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    let mut screen = Today::new(Some("g1".into()), Lang::Zh);
    assert!(screen.view().loading);
    let now = chrono::Utc::now();
    screen.update(
        &mut s,
        today::TodayEvent::Refresh {
            at: (now).timestamp(),
        },
    );
    assert_eq!(
        screen.view().empty_text.as_deref(),
        Some("今天没有到期的工作")
    );

    let hid = add(
        &mut s,
        "2",
        "1",
        "101",
        json!([{"name": "刘大爷", "tags": ["solitary_elderly"]}]),
    );
    let cid = s
        .create_json(
            Kind::Case,
            "g1",
            json!({"category": "hazard", "description": "楼道堆放杂物", "severity": "high"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    screen.update(
        &mut s,
        today::TodayEvent::Refresh {
            at: (now).timestamp(),
        },
    );
    let v = screen.view().clone();
    assert!(!v.loading && v.empty_text.is_none());
    assert_eq!(v.visits.len(), 1);
    assert_eq!(v.visits[0].title, "刘大爷 · 独居老人");
    let member = s
        .get::<Household>(hid)
        .unwrap_or_else(|e| panic!("{e}"))
        .data
        .members[0]
        .id
        .clone();
    assert_eq!(
        v.visits[0].target,
        Target::Household {
            id: hid.to_string(),
            member_id: member
        }
    );
    assert_eq!(v.cases[0].title, "隐患 · 严重");
    assert!(
        v.cases[0].detail.starts_with("已上报 · 期限 "),
        "{}",
        v.cases[0].detail
    );

    // Never visited: due today, not yet overdue.
    assert!(!v.visits[0].overdue);
    assert!(
        v.visits[0].detail.starts_with("应于 "),
        "{}",
        v.visits[0].detail
    );
    assert!(!v.cases[0].overdue);
    // Long after, the case is past its deadline.
    screen.update(
        &mut s,
        today::TodayEvent::Refresh {
            at: (now + chrono::Duration::days(400)).timestamp(),
        },
    );
    assert!(screen.view().cases[0].overdue);

    let target = Target::Case {
        id: cid.to_string(),
    };
    assert_eq!(
        screen.update(&mut s, today::TodayEvent::Open(target.clone())),
        vec![Effect::Open { target }]
    );
}

/// A valid 18-character ID number (GB 11643 check digit).
fn id_number(region: &str, birth: &str, seq: u32) -> String {
    let first17 = format!("{region}{birth}{seq:03}");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{first17}{check}")
}

#[test]
fn a_household_masks_numbers_until_asked_and_marks_who_left() {
    use gridkeeper_app::household_detail::LeftWhy;
    use gridkeeper_app::household_detail::{self, HouseholdDetail};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    let idn = id_number("110105", "19491231", 2);
    let hid = add(
        &mut s,
        "5",
        "2",
        "302",
        json!([{"name": "赵敏", "relation": "head", "id_number": idn, "phone": "13812345678"},
               {"name": "周芷若", "relation": "spouse", "tags": ["disabled"]}]),
    );
    s.create_json(
        Kind::Visit,
        "g1",
        json!({"subject": {"kind": "household", "id": hid.to_string()},
               "visited_at": "2026-11-29T06:30:00Z", "worker": "王芳", "purpose": "special_group_care"}),
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let mut screen = HouseholdDetail::new(hid, Lang::Zh);
    screen.update(&mut s, household_detail::HouseholdDetailEvent::Load);
    let v = screen.view().clone();
    assert_eq!(v.address, "幸福里 5栋 2单元 302");
    assert_eq!(v.members[0].relation, "户主");
    assert_eq!(v.members[0].phone.as_deref(), Some("138****5678"));
    assert_ne!(
        v.members[0].id_number.as_deref(),
        Some(idn.as_str()),
        "masked"
    );
    assert_eq!(v.members[1].tags, vec!["残疾人".to_string()]);
    assert_eq!(v.visits.len(), 1);
    assert_eq!(
        (v.visits[0].when.as_str(), v.visits[0].purpose.as_str()),
        ("2026-11-29 14:30", "特殊群体关爱")
    );
    assert_eq!(v.conflicts_text, None);

    let zhao = v.members[0].id.clone();
    screen.update(
        &mut s,
        household_detail::HouseholdDetailEvent::Reveal {
            member_id: zhao.clone(),
        },
    );
    let m = &screen.view().members[0];
    assert!(m.revealed);
    assert_eq!(m.id_number.as_deref(), Some(idn.as_str()));
    assert_eq!(m.phone.as_deref(), Some("13812345678"));
    screen.update(
        &mut s,
        household_detail::HouseholdDetailEvent::Reveal {
            member_id: zhao.clone(),
        },
    );
    assert_eq!(
        screen.view().members[0].phone.as_deref(),
        Some("138****5678")
    );

    // 赵敏 moved away: she stays in the record, marked, after those who live here.
    let effects = screen.update(
        &mut s,
        household_detail::HouseholdDetailEvent::MarkLeft {
            member_id: zhao.clone(),
            reason: LeftWhy::MovedOut,
            on: "2026-11-30".into(),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::RecordsChanged {
            ids: vec![hid.to_string()]
        }]
    );
    let v = screen.view();
    assert_eq!(v.members[0].name, "周芷若");
    assert_eq!(v.members[1].name, "赵敏");
    assert_eq!(v.members[1].left.as_deref(), Some("已迁出 2026-11-30"));

    // A date in the future is refused under its field, and nothing changes.
    let sister = v.members[0].id.clone();
    screen.update(
        &mut s,
        household_detail::HouseholdDetailEvent::MarkLeft {
            member_id: sister,
            reason: LeftWhy::Deceased,
            on: "2999-01-01".into(),
        },
    );
    let v = screen.view();
    assert_eq!(
        v.error_field.as_deref(),
        Some("members[1].left.on"),
        "the record's field"
    );
    assert_eq!(v.error.as_deref(), Some("日期：不能晚于今天"));
    assert_eq!(v.members[0].left, None);

    assert_eq!(
        screen.update(
            &mut s,
            household_detail::HouseholdDetailEvent::Visit {
                member_id: Some(zhao.clone())
            }
        ),
        vec![Effect::StartVisit {
            household_id: hid.to_string(),
            member_id: Some(zhao)
        }]
    );
    assert_eq!(
        screen.update(
            &mut s,
            household_detail::HouseholdDetailEvent::ShowConflicts
        ),
        vec![Effect::OpenConflicts {
            record_id: hid.to_string()
        }]
    );
}

#[test]
fn a_household_shows_its_own_visits_a_page_at_a_time() {
    use gridkeeper_app::household_detail::{self, HouseholdDetail, VISITS_PAGE};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    let ours = add(
        &mut s,
        "1",
        "1",
        "101",
        json!([{"name": "李四", "relation": "head"}]),
    );
    let neighbour = add(
        &mut s,
        "1",
        "1",
        "102",
        json!([{"name": "张三", "relation": "head"}]),
    );
    let visit = |s: &mut Store, hid: RecordId, day: usize| {
        s.create_json(
            Kind::Visit,
            "g1",
            json!({"subject": {"kind": "household", "id": hid.to_string()},
                   "visited_at": format!("2026-10-{:02}T02:00:00Z", day), "worker": "王芳", "purpose": "routine"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    };
    for day in 1..=(VISITS_PAGE + 5) {
        visit(&mut s, ours, day);
    }
    visit(&mut s, neighbour, 28);

    let mut screen = HouseholdDetail::new(ours, Lang::Zh);
    screen.update(&mut s, household_detail::HouseholdDetailEvent::Load);
    let v = screen.view().clone();
    assert_eq!(v.visits.len(), VISITS_PAGE, "the first page only");
    assert_eq!(
        v.visits[0].when,
        format!("2026-10-{:02} 10:00", VISITS_PAGE + 5),
        "newest first"
    );
    assert_eq!(v.more_visits.as_deref(), Some("再显示 5 次走访"));

    screen.update(&mut s, household_detail::HouseholdDetailEvent::MoreVisits);
    let v = screen.view().clone();
    assert_eq!(
        v.visits.len(),
        VISITS_PAGE + 5,
        "every visit of this household, none of the neighbour's"
    );
    assert_eq!(v.more_visits, None);
}

#[test]
fn a_store_that_will_not_open_says_what_to_do_and_offers_a_fresh_start_only_for_a_lost_key() {
    use gridkeeper_app::store_problem::{StoreProblem, store_problem_view};
    for lang in [Lang::Zh, Lang::En] {
        let lost = store_problem_view(StoreProblem::KeyLost, lang);
        assert!(
            lost.start_over.is_some(),
            "a lost key never comes back: starting over must be offered"
        );
        assert_eq!(lost.steps.len(), 3);
        for problem in [StoreProblem::StorageFull, StoreProblem::Storage] {
            let v = store_problem_view(problem, lang);
            assert_eq!(
                v.start_over, None,
                "{problem:?}: waiting or freeing space can help; no fresh start"
            );
            assert!(!v.steps.is_empty());
        }
        // Every word is in the table (a missing one would show its key).
        for v in [
            StoreProblem::KeyLost,
            StoreProblem::StorageFull,
            StoreProblem::Storage,
        ]
        .map(|p| store_problem_view(p, lang))
        {
            for text in [&v.title, &v.detail, &v.retry].into_iter().chain(&v.steps) {
                assert!(!text.starts_with("store_problem."), "{text}");
            }
        }
    }
    assert_eq!(
        store_problem_view(StoreProblem::KeyLost, Lang::Zh)
            .start_over
            .as_deref(),
        Some("重新开始")
    );
}

#[test]
fn edits_lost_to_an_erasure_are_told_plainly_once_and_go_when_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    let erased = add(&mut s, "1", "1", "101", json!([{"name": "张三"}]));
    let kept = add(&mut s, "2", "1", "201", json!([{"name": "李四"}]));
    s.update::<Household>(erased, |h| h.members[0].name = "张三丰".into())
        .unwrap_or_else(|e| panic!("{e}"));
    // The relay says the first household was erased: its two unsent changes cannot be kept.
    s.apply_erasures(&[gridkeeper_core::wire::WireErasure {
        record_id: erased.to_string(),
        seq: 1,
        whole: true,
        moved_to: None,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(s.get_json(kept, true).is_ok());

    let mut screen = SyncScreen::new(Lang::Zh);
    screen.update(&mut s, sync_status::SyncEvent::Refresh);
    let v = screen.view().clone();
    assert_eq!(
        v.erasure_notice.as_deref(),
        Some("管理员已按个人信息保护规定删除了你修改过的记录，2 项修改无法保存，已从手机上清除。")
    );
    // Never counted among the edits "kept on this phone": they are not.
    assert_eq!(v.refused_text, None);
    assert_eq!(v.refused.len(), 1);
    assert!(
        v.refused[0].text.contains("已从手机上清除"),
        "{:?}",
        v.refused
    );

    let mut en = SyncScreen::new(Lang::En);
    en.update(&mut s, sync_status::SyncEvent::Refresh);
    assert!(
        en.view()
            .erasure_notice
            .as_deref()
            .is_some_and(|t| t.starts_with("Edits that could not be kept: 2."))
    );

    screen.update(&mut s, sync_status::SyncEvent::DismissErasureNotices);
    assert_eq!(screen.view().erasure_notice, None);
    assert!(screen.view().refused.is_empty());
    assert_eq!(s.sync_status().map(|st| st.refused_changes).ok(), Some(0));
}

#[test]
fn a_household_that_moved_away_says_so_where_it_is_opened() {
    use gridkeeper_app::household_detail::{self, HouseholdDetail};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "王芳");
    let moved = add(&mut s, "5", "1", "501", json!([{"name": "张三"}]));
    let gone = add(&mut s, "6", "1", "601", json!([{"name": "李四"}]));
    let sent: Vec<String> = s
        .outbox(100)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|e| e.hash)
        .collect();
    s.acknowledge(&sent).unwrap_or_else(|e| panic!("{e}"));
    let notice = |id: RecordId, to: Option<&str>| gridkeeper_core::wire::WireErasure {
        record_id: id.to_string(),
        seq: 3,
        whole: true,
        moved_to: to.map(String::from),
    };
    s.apply_erasures(&[notice(moved, Some("new-id")), notice(gone, None)])
        .unwrap_or_else(|e| panic!("{e}"));
    let error_of = |s: &mut Store, id: RecordId| {
        let mut screen = HouseholdDetail::new(id, Lang::Zh);
        screen.update(s, household_detail::HouseholdDetailEvent::Load);
        screen.view().error.clone().unwrap_or_default()
    };
    assert!(error_of(&mut s, moved).contains("迁到其他网格"));
    let erased = error_of(&mut s, gone);
    assert!(
        !erased.contains("迁到其他网格") && !erased.is_empty(),
        "{erased}"
    );
}
