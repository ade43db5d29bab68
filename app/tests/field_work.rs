//! The field-work screens driven as a worker uses them, on real store files: running a safety
//! checklist at a shop (a failed item blocks completion until it has a case or a note; the
//! hazard case then shows in the case list), walking a case through its loop, and a mediation
//! from parties to signatures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use gridkeeper_app::cases::{
    CaseDetail, CaseDetailEvent as Cde, CaseEscalation, CaseFlowAction, CaseFlowState, CaseList,
    CaseListEvent as Cle, CaseReport, CaseReportCategory, CaseReportEvent as Cre,
    CaseReportSeverity, CaseReportSubjectKind,
};
use gridkeeper_app::inspection::{Inspection, InspectionEvent as Ie, InspectionStage};
use gridkeeper_app::mediation::{
    Mediation, MediationDispute, MediationEvent as Me, MediationOutcome, MediationRisk,
};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::kinds::Case;
use gridkeeper_core::kinds::case::{CaseCategory, TimelineEntry};
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::kinds::inspection::{Inspection as InspectionRecord, InspectionStatus};
use gridkeeper_core::kinds::mediation::{Mediation as MediationRecord, MediationResult};
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

fn store(dir: &tempfile::TempDir, user: &str) -> Store {
    let mut s = Store::init(dir.path().join(format!("{user}.db")), Some(user)).unwrap();
    s.install_builtin_templates().unwrap();
    s
}

fn reopen(dir: &tempfile::TempDir, user: &str) -> Store {
    Store::open(dir.path().join(format!("{user}.db"))).unwrap()
}

/// A small but real PNG written where a camera would, varied by `n`.
fn photo(dir: &tempfile::TempDir, n: u8) -> String {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
    ]);
    b.extend_from_slice(&[0x90, 0x77, 0x53, 0xDE]);
    b.extend_from_slice(&[0, 0, 0, 1, b'I', b'D', b'A', b'T', n, 0, 0, 0, 0]);
    b.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    let path: PathBuf = dir.path().join(format!("photo-{n}.png"));
    std::fs::write(&path, b).unwrap();
    path.to_string_lossy().into_owned()
}

fn shop(s: &mut Store) -> String {
    s.create_json(
        Kind::Place,
        "g1",
        json!({"name": "好邻居便利店", "place_type": "shop", "address": {"text": "幸福路12号"}}),
    )
    .unwrap()
    .to_string()
}

const PASSES: [&str; 9] = [
    "exits_clear",
    "window_bars",
    "emergency_lighting",
    "ebike_flying_wire",
    "three_in_one",
    "wiring",
    "flammable_storage",
    "smoke_alarm",
    "safety_person",
];

fn text(item: &str, text: &str) -> Ie {
    Ie::AnswerText {
        item_id: item.into(),
        text: text.into(),
    }
}

fn item<'a>(screen: &'a Inspection, id: &str) -> &'a gridkeeper_app::inspection::InspectionItem {
    screen
        .view()
        .items
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{id} not shown"))
}

#[test]
fn a_run_completes_only_once_the_checklist_rules_hold() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let pid = shop(&mut s);
    let mut screen = Inspection::new("g1".into(), None, Lang::Zh);
    screen.update(&mut s, Ie::Load);
    assert_eq!(screen.view().stage, InspectionStage::PickPlace);
    let names: Vec<&str> = screen
        .view()
        .places
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, vec!["好邻居便利店"]);
    screen.update(
        &mut s,
        Ie::PickPlace {
            place_id: pid.clone(),
        },
    );
    let v = screen.view();
    assert_eq!(v.stage, InspectionStage::PickTemplate);
    assert_eq!(v.place_name, "好邻居便利店");
    let fire = v
        .templates
        .iter()
        .find(|t| t.id == "fire_safety")
        .unwrap()
        .clone();
    assert_eq!(fire.title, "消防安全检查（小商铺、出租房）");
    screen.update(
        &mut s,
        Ie::PickTemplate {
            template_id: fire.id,
            version: fire.version,
        },
    );
    assert_eq!(screen.view().stage, InspectionStage::Run);
    assert!(!screen.view().can_complete);
    // Conditions: the extinguisher count shows only once extinguishers are present.
    assert!(!screen.view().items.iter().any(|i| i.id == "ext_count"));
    screen.update(&mut s, text("ext_present", "pass"));
    assert!(screen.view().items.iter().any(|i| i.id == "ext_count"));
    // Numeric bounds: fewer than 2 extinguishers is a failed reading.
    screen.update(
        &mut s,
        Ie::AnswerNumber {
            item_id: "ext_count".into(),
            number: 1.0,
        },
    );
    let low = item(&screen, "ext_count");
    assert!(low.failed);
    assert_eq!(low.problem.as_deref(), Some("不合格：请上报隐患或填写说明"));
    screen.update(
        &mut s,
        Ie::AnswerNumber {
            item_id: "ext_count".into(),
            number: 3.0,
        },
    );
    assert!(!item(&screen, "ext_count").failed);
    screen.update(&mut s, text("ext_in_date", "pass"));
    screen.update(&mut s, text("ext_accessible", "pass"));
    for p in PASSES {
        screen.update(&mut s, text(p, "pass"));
    }
    screen.update(&mut s, text("ebike_indoor", "fail"));
    // Required photos: the exits item and the site photos still block completion.
    assert_eq!(
        item(&screen, "exits_clear").problem.as_deref(),
        Some("此项必须拍照")
    );
    assert_eq!(
        item(&screen, "site_photos").problem.as_deref(),
        Some("此项必须拍照")
    );
    for (n, id) in ["exits_clear", "site_photos"].into_iter().enumerate() {
        let fx = screen.update(&mut s, Ie::TakePhoto { item_id: id.into() });
        assert_eq!(
            fx,
            vec![Effect::TakePhoto {
                for_field: id.into()
            }]
        );
        screen.update(
            &mut s,
            Ie::PhotoTaken {
                item_id: id.into(),
                path: photo(&dir, n as u8),
            },
        );
    }
    assert_eq!(item(&screen, "exits_clear").photos.len(), 1);
    assert_eq!(item(&screen, "exits_clear").text.as_deref(), Some("pass"));
    assert_eq!(item(&screen, "site_photos").photos.len(), 1);
    let failed = item(&screen, "ebike_indoor");
    assert!(failed.failed);
    assert!(!screen.view().can_complete);
    let blocking: Vec<&str> = screen
        .view()
        .items
        .iter()
        .filter(|i| i.problem.is_some())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(blocking, vec!["ebike_indoor"]);
    // Completing now is refused and nothing is written.
    assert!(screen.update(&mut s, Ie::Complete).is_empty());
    assert_eq!(screen.view().stage, InspectionStage::Run);
    assert_eq!(
        screen.view().banner.as_deref(),
        Some("还有未完成的检查项，不能完成巡查")
    );
    assert_eq!(
        screen.view().error_field.as_deref(),
        Some("answers.ebike_indoor")
    );
    assert!(
        s.list_json(Kind::Inspection, None, None, false)
            .unwrap()
            .is_empty()
    );
    assert!(
        s.case_rows(None, chrono::Utc::now(), false)
            .unwrap()
            .is_empty()
    );
    // The failed item raises a hazard case; then the run completes.
    screen.update(
        &mut s,
        Ie::RaiseCase {
            item_id: "ebike_indoor".into(),
            description: "楼道内电动车充电".into(),
        },
    );
    assert_eq!(
        item(&screen, "ebike_indoor").case_text.as_deref(),
        Some("完成时上报隐患：楼道内电动车充电")
    );
    assert!(screen.view().can_complete);
    let fx = screen.update(&mut s, Ie::Complete);
    let v = screen.view();
    assert_eq!(v.stage, InspectionStage::Done);
    let id = v.inspection_id.clone().unwrap();
    let case_id = item(&screen, "ebike_indoor").case_id.clone().unwrap();
    assert_eq!(v.case_ids, vec![case_id.clone()]);
    assert_eq!(
        fx,
        vec![Effect::RecordsChanged {
            ids: vec![id.clone(), case_id.clone()]
        }]
    );
    let record = s
        .get::<InspectionRecord>(id.parse::<RecordId>().unwrap())
        .unwrap()
        .data;
    assert_eq!(record.status, InspectionStatus::Completed);
    assert_eq!(record.subject.id, pid);
    assert_eq!(
        record.actions["ebike_indoor"].case_id.as_deref(),
        Some(case_id.as_str())
    );
    assert_eq!(record.answers["exits_clear"].evidence().len(), 1);
    let case = s.get::<Case>(case_id.parse().unwrap()).unwrap().data;
    assert_eq!(case.category, CaseCategory::Hazard);
    assert_eq!(case.description, "楼道内电动车充电");
    assert_eq!(case.subcategory, "ebike");
    assert!(s.draft(&format!("inspection:{pid}")).unwrap().is_none());
}

#[test]
fn a_run_in_progress_reopens_after_the_app_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let pid = {
        let mut s = store(&dir, "王芳");
        let pid = shop(&mut s);
        let mut first = Inspection::new("g1".into(), Some(pid.clone()), Lang::Zh);
        for e in [
            Ie::Load,
            Ie::PickTemplate {
                template_id: "fire_safety".into(),
                version: 1,
            },
            text("ext_present", "fail"),
            Ie::Note {
                item_id: "ext_present".into(),
                text: "当场购置灭火器".into(),
            },
        ] {
            first.update(&mut s, e);
        }
        pid
        // The app is killed: the screen and the store go.
    };
    let mut s = reopen(&dir, "王芳");
    // From the list of places, the one with a run in progress says so.
    let mut list = Inspection::new("g1".into(), None, Lang::Zh);
    list.update(&mut s, Ie::Load);
    assert!(list.view().places[0].in_progress);
    let mut screen = Inspection::new("g1".into(), Some(pid), Lang::Zh);
    screen.update(&mut s, Ie::Load);
    let v = screen.view();
    assert_eq!(v.stage, InspectionStage::Run);
    assert_eq!(v.place_name, "好邻居便利店");
    let item = item(&screen, "ext_present");
    assert_eq!(item.text.as_deref(), Some("fail"));
    assert_eq!(item.note.as_deref(), Some("当场购置灭火器"));
    assert_eq!(item.problem, None, "a note is an action for a failed item");
}

#[test]
fn a_photo_needs_an_answer_first_answers_stay_with_their_checklist_and_an_unreadable_draft_is_kept()
{
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let pid = shop(&mut s);
    let mut screen = Inspection::new("g1".into(), Some(pid.clone()), Lang::En);
    screen.update(&mut s, Ie::Load);
    screen.update(
        &mut s,
        Ie::PickTemplate {
            template_id: "fire_safety".into(),
            version: 1,
        },
    );
    assert_eq!(
        screen.view().title,
        "Fire safety inspection (small shops, rental housing)"
    );
    assert_eq!(
        item(&screen, "ext_present").label,
        "Fire extinguishers are provided"
    );
    // Answers given on one checklist do not follow the worker to another.
    screen.update(&mut s, text("ext_present", "pass"));
    screen.update(
        &mut s,
        Ie::PickTemplate {
            template_id: "fire_safety".into(),
            version: 1,
        },
    );
    assert_eq!(item(&screen, "ext_present").text.as_deref(), Some("pass"));
    screen.update(
        &mut s,
        Ie::PickTemplate {
            template_id: "gas_electric_safety".into(),
            version: 1,
        },
    );
    assert!(screen.view().items.iter().all(|i| i.text.is_none()));
    screen.update(
        &mut s,
        Ie::PickTemplate {
            template_id: "fire_safety".into(),
            version: 1,
        },
    );
    assert!(item(&screen, "ext_present").text.is_none());
    screen.update(
        &mut s,
        Ie::PhotoTaken {
            item_id: "exits_clear".into(),
            path: photo(&dir, 1),
        },
    );
    assert_eq!(
        screen.view().banner.as_deref(),
        Some("This item must be answered")
    );
    assert!(item(&screen, "exits_clear").photos.is_empty());

    s.save_draft(
        &format!("inspection:{pid}"),
        "inspection",
        Some(&pid),
        "x",
        "{not json",
    )
    .unwrap();
    let mut again = Inspection::new("g1".into(), Some(pid.clone()), Lang::Zh);
    again.update(&mut s, Ie::Load);
    assert_eq!(again.view().stage, InspectionStage::PickTemplate);
    assert_eq!(
        again.view().banner.as_deref(),
        Some("上次未完成的巡查无法读取，已保留；请重新开始")
    );
    assert_eq!(
        s.draft(&format!("inspection:{pid}"))
            .unwrap()
            .unwrap()
            .fields,
        "{not json"
    );
}

fn hazard(s: &mut Store, text: &str) -> RecordId {
    s.create_json(
        Kind::Case,
        "g1",
        json!({"category": "hazard", "description": text, "severity": "high"}),
    )
    .unwrap()
}

fn detail_actions(screen: &CaseDetail) -> Vec<CaseFlowAction> {
    screen.view().actions.iter().map(|a| a.action).collect()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A case imported from the 12345 hotline shows its system and number, which the worker
/// calls back with; a case raised on site shows none.
#[test]
fn a_work_order_shows_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let id = s
        .create_json(
            Kind::Case,
            "g1",
            json!({"category": "appeal", "description": "路灯不亮", "source": {"kind": "12345", "id": "GD001"}}),
        )
        .unwrap();
    let mut screen = CaseDetail::new(id, Lang::Zh);
    screen.update(&mut s, Cde::Load { at: now() });
    assert_eq!(screen.view().title, "诉求 · 较重 · 12345 工单 GD001");
    let mut screen = CaseDetail::new(id, Lang::En);
    screen.update(&mut s, Cde::Load { at: now() });
    assert!(
        screen.view().title.ends_with(" · 12345 work order GD001"),
        "{}",
        screen.view().title
    );
    let raised = hazard(&mut s, "消防通道堵塞");
    let mut screen = CaseDetail::new(raised, Lang::Zh);
    screen.update(&mut s, Cde::Load { at: now() });
    assert!(!screen.view().title.contains("工单"));
}

#[test]
fn only_legal_transitions_are_offered_and_a_case_walks_its_loop() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let id = hazard(&mut s, "消防通道堵塞");
    let mut screen = CaseDetail::new(id, Lang::Zh);
    screen.update(&mut s, Cde::Load { at: now() });
    let v = screen.view();
    assert_eq!(v.state_label, "已上报");
    assert_eq!(v.title, "隐患 · 严重");
    assert_eq!(v.description, "消防通道堵塞");
    use CaseFlowAction as A;
    assert_eq!(
        detail_actions(&screen),
        vec![A::Accept, A::Return, A::Escalate, A::Comment]
    );
    let labels: Vec<&str> = v.actions.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, vec!["受理", "退回", "上报上级", "备注"]);
    let fx = screen.update(&mut s, Cde::Act { action: A::Accept });
    assert_eq!(
        fx,
        vec![Effect::RecordsChanged {
            ids: vec![id.to_string()]
        }]
    );
    assert_eq!(screen.view().state, CaseFlowState::Accepted);
    screen.update(&mut s, Cde::Act { action: A::Start });
    assert_eq!(
        detail_actions(&screen),
        vec![A::Resolve, A::Escalate, A::Comment]
    );
    assert_eq!(
        screen.update(&mut s, Cde::TakePhoto),
        vec![Effect::TakePhoto {
            for_field: "photos".into()
        }]
    );
    screen.update(
        &mut s,
        Cde::PhotoTaken {
            path: photo(&dir, 7),
        },
    );
    assert_eq!(screen.view().photos.len(), 1);
    screen.update(&mut s, Cde::Note("已清理".into()));
    screen.update(&mut s, Cde::Act { action: A::Resolve });
    let v = screen.view();
    assert_eq!(v.state, CaseFlowState::Resolved);
    assert_eq!(v.photos_after.len(), 1);
    assert!(
        v.photos.is_empty() && v.note.is_empty(),
        "the form is cleared"
    );
    let steps: Vec<&str> = v.timeline.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(steps, vec!["上报", "受理", "开始处置", "办结"]);
    assert_eq!(v.timeline.last().unwrap().note, "已清理");
    assert!(v.timeline.iter().all(|e| e.by == "王芳"));
    screen.update(&mut s, Cde::Act { action: A::Verify });
    screen.update(&mut s, Cde::Act { action: A::Close });
    assert_eq!(screen.view().state, CaseFlowState::Closed);
    assert!(screen.view().actions.is_empty());
}

#[test]
fn returning_without_a_reason_is_refused_beside_the_reason_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let id = hazard(&mut s, "电线私拉乱接");
    let mut screen = CaseDetail::new(id, Lang::Zh);
    screen.update(&mut s, Cde::Load { at: now() });
    let fx = screen.update(
        &mut s,
        Cde::Act {
            action: CaseFlowAction::Return,
        },
    );
    assert!(fx.is_empty());
    assert_eq!(
        screen.view().error.as_deref(),
        Some("原因：退回时必须写明原因")
    );
    assert_eq!(screen.view().error_field.as_deref(), Some("reason"));
    let stored = s.get::<Case>(id).unwrap().data;
    assert_eq!(stored.timeline.len(), 1, "nothing was written");
    // Typing elsewhere keeps the error under the reason; typing the reason clears it.
    screen.update(&mut s, Cde::Note("看过现场".into()));
    assert_eq!(screen.view().error_field.as_deref(), Some("reason"));
    screen.update(&mut s, Cde::Reason("不属于本网格".into()));
    assert_eq!(screen.view().error, None);
    screen.update(
        &mut s,
        Cde::Act {
            action: CaseFlowAction::Return,
        },
    );
    let v = screen.view();
    assert_eq!(v.state, CaseFlowState::Returned);
    assert_eq!(v.timeline.last().unwrap().reason, "不属于本网格");
    // Escalating needs to whom.
    screen.update(
        &mut s,
        Cde::Act {
            action: CaseFlowAction::Accept,
        },
    );
    screen.update(
        &mut s,
        Cde::Act {
            action: CaseFlowAction::Escalate,
        },
    );
    assert_eq!(screen.view().error_field.as_deref(), Some("escalate_to"));
    screen.update(&mut s, Cde::EscalateTo(Some(CaseEscalation::Street)));
    screen.update(
        &mut s,
        Cde::Act {
            action: CaseFlowAction::Escalate,
        },
    );
    assert_eq!(screen.view().state, CaseFlowState::Escalated);
    assert_eq!(screen.view().state_label, "已上报上级");
}

#[test]
fn the_list_filters_by_state_and_shows_what_is_overdue_at_the_phones_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let a = hazard(&mut s, "一").to_string();
    let b = hazard(&mut s, "二");
    s.case_transition(b, TimelineEntry::new(CaseAction::Accept))
        .unwrap();
    let b = b.to_string();
    let closed = hazard(&mut s, "三");
    for action in [CaseAction::Accept, CaseAction::Start, CaseAction::Resolve] {
        s.case_transition(closed, TimelineEntry::new(action))
            .unwrap();
    }
    let mut list = CaseList::new(Some("g1".into()), Lang::Zh);
    list.update(&mut s, Cle::Load { at: now() });
    let mut ids: Vec<String> = list.view().rows.iter().map(|r| r.id.clone()).collect();
    ids.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(ids, want, "open cases only");
    assert!(list.view().rows.iter().all(|r| !r.overdue));
    assert!(list.view().rows[0].deadline_text.starts_with("期限 "));
    assert_eq!(list.view().overdue_text, None);
    list.update(
        &mut s,
        Cle::Filter {
            state: Some(CaseFlowState::Accepted),
        },
    );
    let v = list.view();
    assert_eq!(v.rows.len(), 1);
    assert_eq!(v.rows[0].id, b);
    assert_eq!(v.rows[0].state_label, "已受理");
    assert_eq!(v.rows[0].title, "隐患");
    assert_eq!(v.rows[0].description, "二");
    list.update(&mut s, Cle::Filter { state: None });
    // Forty days on, both open cases are past their deadline; the resolved one is not listed.
    let later = now() + 40 * 86_400;
    list.update(&mut s, Cle::Load { at: later });
    let v = list.view();
    assert_eq!(v.rows.len(), 2);
    assert!(v.rows.iter().all(|r| r.overdue));
    assert!(
        v.rows[0].deadline_text.starts_with("已超期 "),
        "{}",
        v.rows[0].deadline_text
    );
    assert_eq!(v.overdue_text.as_deref(), Some("2 件已超期"));
    let mut detail = CaseDetail::new(a.parse().unwrap(), Lang::En);
    detail.update(&mut s, Cde::Load { at: later });
    assert!(detail.view().overdue);
    assert!(detail.view().deadline_text.ends_with("days overdue"));
    assert_eq!(
        list.update(&mut s, Cle::Open { id: b.clone() }),
        vec![Effect::OpenCase { id: b }]
    );
    assert_eq!(list.update(&mut s, Cle::Report), vec![Effect::NewCase]);
}

/// A worker inspects a shop end to end: a failed required item blocks completion until it
/// has a case, a photo is taken, the run is completed — and the hazard case it raised is in
/// the case list and its detail, traced to the inspection.
#[test]
fn an_inspection_raises_a_hazard_case_that_shows_in_the_case_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let pid = shop(&mut s);
    let mut run = Inspection::new("g1".into(), Some(pid.clone()), Lang::Zh);
    run.update(&mut s, Ie::Load);
    run.update(
        &mut s,
        Ie::PickTemplate {
            template_id: "fire_safety".into(),
            version: 1,
        },
    );
    run.update(&mut s, text("ext_present", "fail"));
    run.update(&mut s, text("exits_clear", "fail"));
    for p in PASSES.iter().skip(1) {
        run.update(&mut s, text(p, "pass"));
    }
    run.update(&mut s, text("ebike_indoor", "pass"));
    run.update(
        &mut s,
        Ie::PhotoTaken {
            item_id: "exits_clear".into(),
            path: photo(&dir, 3),
        },
    );
    run.update(
        &mut s,
        Ie::PhotoTaken {
            item_id: "site_photos".into(),
            path: photo(&dir, 4),
        },
    );
    let blocking: Vec<&str> = run
        .view()
        .items
        .iter()
        .filter(|i| i.problem.is_some())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(blocking, vec!["ext_present", "exits_clear"]);
    run.update(&mut s, Ie::Complete);
    assert_eq!(run.view().stage, InspectionStage::Run);
    run.update(
        &mut s,
        Ie::Note {
            item_id: "ext_present".into(),
            text: "当场购置灭火器".into(),
        },
    );
    // A case, taken back, is no action: the item blocks again.
    run.update(
        &mut s,
        Ie::RaiseCase {
            item_id: "exits_clear".into(),
            description: String::new(),
        },
    );
    assert!(run.view().can_complete);
    run.update(
        &mut s,
        Ie::DropCase {
            item_id: "exits_clear".into(),
        },
    );
    assert!(!run.view().can_complete);
    run.update(
        &mut s,
        Ie::RaiseCase {
            item_id: "exits_clear".into(),
            description: String::new(),
        },
    );
    run.update(&mut s, Ie::Complete);
    assert_eq!(run.view().stage, InspectionStage::Done);
    let case_id = run.view().case_ids[0].clone();
    assert_eq!(run.view().case_ids.len(), 1, "a note raises no case");
    assert_eq!(
        item(&run, "exits_clear").case_text.as_deref(),
        Some("已上报隐患")
    );

    let mut list = CaseList::new(Some("g1".into()), Lang::Zh);
    list.update(&mut s, Cle::Load { at: now() });
    let row = &list.view().rows[0];
    assert_eq!(list.view().rows.len(), 1);
    assert_eq!(row.id, case_id);
    assert_eq!(row.title, "隐患 · 疏散通道");
    assert_eq!(row.severity, "重大");
    assert_eq!(
        row.description, "疏散通道、安全出口畅通，无堵塞、占用、锁闭",
        "a blank description takes the item's words"
    );
    let mut detail = CaseDetail::new(case_id.parse().unwrap(), Lang::Zh);
    detail.update(&mut s, Cde::Load { at: now() });
    let v = detail.view();
    assert_eq!(v.title, "隐患 · 疏散通道 · 重大");
    assert_eq!(v.state_label, "已上报");
    assert_eq!(v.timeline.len(), 1);
    assert_eq!(v.timeline[0].action, "上报");
    assert_eq!(v.timeline[0].by, "王芳");
    let case = s.get::<Case>(case_id.parse().unwrap()).unwrap().data;
    let source = case.source.unwrap();
    assert_eq!(source.kind, "inspection");
    assert_eq!(Some(source.id), run.view().inspection_id.clone());
    assert_eq!(source.item.as_deref(), Some("exits_clear"));
}

fn field(path: &str, value: &str) -> Me {
    Me::Field {
        path: path.into(),
        value: value.into(),
    }
}

#[test]
fn parties_sessions_result_and_signatures_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    // 2026-12-06 15:00 UTC is 23:00 that day in China.
    let at = 1_796_569_200;
    let mut screen = Mediation::new("g1".into(), None, Lang::Zh);
    for e in [
        Me::Load { at },
        Me::DisputeType(MediationDispute::Neighbour),
        field("parties[0].name", "王建国"),
        Me::AddParty,
        field("parties[1].name", "李红"),
        field("parties[1].phone", "13912345678"),
        field("narrative", "楼上漏水影响楼下"),
        Me::AddSession,
        field("sessions[0].outcome", "双方同意维修"),
        Me::Result(Some(MediationOutcome::Agreement)),
    ] {
        screen.update(&mut s, e);
    }
    let v = screen.view();
    assert!(v.is_new);
    assert_eq!(v.opened_on, "2026-12-06");
    assert_eq!(v.sessions[0].date, "2026-12-06");
    assert_eq!(v.dispute_label, "邻里纠纷");
    assert_eq!(v.result_label.as_deref(), Some("达成协议"));
    // The pickers offer every choice in words.
    assert_eq!(v.dispute_choices.len(), 7);
    assert_eq!(v.dispute_choices[1].label, "家庭纠纷");
    assert_eq!(v.risk_choices.len(), 3);
    assert!(
        v.result_choices
            .iter()
            .any(|c| c.value == MediationOutcome::ReferredCourt && !c.label.is_empty())
    );
    // An agreement needs its text: refused, the message under that input, nothing stored.
    assert!(screen.update(&mut s, Me::Save).is_empty());
    assert_eq!(
        screen.view().error.as_deref(),
        Some("协议内容：达成协议时必须填写协议内容")
    );
    assert_eq!(screen.view().error_field.as_deref(), Some("agreement_text"));
    assert!(
        s.list_json(Kind::Mediation, None, None, false)
            .unwrap()
            .is_empty()
    );
    screen.update(&mut s, field("agreement_text", "王建国负责维修，费用各半"));
    assert_eq!(screen.view().error, None);
    let parties: Vec<String> = screen.view().parties.iter().map(|p| p.id.clone()).collect();
    for (n, party) in parties.iter().enumerate() {
        assert_eq!(
            screen.update(
                &mut s,
                Me::AskSignature {
                    party_id: party.clone()
                }
            ),
            vec![Effect::AskSignature {
                party: party.clone()
            }]
        );
        screen.update(
            &mut s,
            Me::Signed {
                party: party.clone(),
                path: photo(&dir, 20 + n as u8),
            },
        );
    }
    assert!(screen.view().parties.iter().all(|p| p.signed));
    let fx = screen.update(&mut s, Me::Save);
    let id = screen.view().saved_id.clone().unwrap();
    assert_eq!(
        fx,
        vec![Effect::RecordsChanged {
            ids: vec![id.clone()]
        }]
    );
    assert!(!screen.view().is_new);
    assert!(s.draft("mediation:new").unwrap().is_none());
    let m = s.get::<MediationRecord>(id.parse().unwrap()).unwrap().data;
    let names: Vec<&str> = m.parties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["王建国", "李红"]);
    assert_eq!(m.parties[1].phone.as_deref(), Some("13912345678"));
    let mut signed: Vec<String> = m.signatures.iter().map(|s| s.party_id.clone()).collect();
    signed.sort();
    let mut want = parties.clone();
    want.sort();
    assert_eq!(signed, want);
    assert!(s.get_blob(&m.signatures[0].blob).unwrap().is_some());
    assert_eq!(m.sessions.len(), 1);
    assert_eq!(m.sessions[0].outcome, "双方同意维修");
    assert_eq!(m.sessions[0].date, "2026-12-06");
    assert_eq!(m.result, Some(MediationResult::Agreement));
    assert_eq!(m.agreement_text, "王建国负责维修，费用各半");
    assert_eq!(m.narrative, "楼上漏水影响楼下");
}

#[test]
fn an_unsaved_mediation_survives_the_app_being_killed() {
    let dir = tempfile::tempdir().unwrap();
    let typed = {
        let mut s = store(&dir, "王芳");
        let mut first = Mediation::new("g1".into(), None, Lang::Zh);
        for e in [
            Me::Load { at: 1_796_569_200 },
            field("parties[0].name", "周强"),
            field("narrative", "工资拖欠"),
            Me::DisputeType(MediationDispute::Labour),
            Me::Signed {
                party: "x".into(),
                path: photo(&dir, 30),
            },
        ] {
            first.update(&mut s, e);
        }
        first.view().clone()
    };
    let mut s = reopen(&dir, "王芳");
    let mut screen = Mediation::new("g1".into(), None, Lang::Zh);
    screen.update(&mut s, Me::Load { at: 1_796_600_000 });
    let v = screen.view();
    assert!(v.restored_draft);
    assert_eq!(v.parties, typed.parties);
    assert_eq!(v.narrative, "工资拖欠");
    assert_eq!(v.dispute_type, MediationDispute::Labour);
    assert_eq!(v.dispute_label, "劳资纠纷");
    assert_eq!(v.signatures, typed.signatures);
    assert_eq!(
        v.opened_on, "2026-12-06",
        "the day it was begun, not reopened"
    );
    // A signature by someone who is not a party is refused on saving.
    screen.update(&mut s, Me::Save);
    assert_eq!(
        screen.view().error.as_deref(),
        Some("签名：签名人不是本案当事人")
    );
    assert_eq!(
        screen.view().error_field.as_deref(),
        Some("signatures[0].party_id")
    );
}

#[test]
fn editing_a_mediation_keeps_what_the_form_does_not_show() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let id = s
        .create_json(
            Kind::Mediation,
            "g1",
            json!({"dispute_type": "family", "opened_on": "2026-11-20",
                   "parties": [{"name": "张伟", "household_id": "hh-1"}, {"name": "张丽"}],
                   "follow_ups": [{"due": "2026-12-20"}]}),
        )
        .unwrap();
    let mut screen = Mediation::new("g1".into(), Some(id), Lang::En);
    screen.update(&mut s, Me::Load { at: 1_796_569_200 });
    let v = screen.view();
    assert!(!v.is_new && !v.restored_draft);
    assert_eq!(v.dispute_label, "Family");
    assert_eq!(v.parties.len(), 2);
    let second = v.parties[1].id.clone();
    screen.update(
        &mut s,
        Me::Signed {
            party: second,
            path: photo(&dir, 40),
        },
    );
    assert!(s.draft(&format!("mediation:{id}")).unwrap().is_some());
    // Removing a party takes their signature with them.
    screen.update(&mut s, Me::RemoveParty { index: 1 });
    assert!(screen.view().signatures.is_empty());
    screen.update(&mut s, Me::Risk(MediationRisk::High));
    screen.update(&mut s, Me::Result(Some(MediationOutcome::ReferredCourt)));
    assert_eq!(
        screen.view().result_label.as_deref(),
        Some("Referred to court")
    );
    screen.update(&mut s, Me::Save);
    assert_eq!(screen.view().error, None);
    let m = s.get::<MediationRecord>(id).unwrap().data;
    assert_eq!(m.parties.len(), 1);
    assert_eq!(m.parties[0].household_id.as_deref(), Some("hh-1"));
    assert_eq!(m.follow_ups.len(), 1);
    assert_eq!(m.result, Some(MediationResult::ReferredCourt));
    assert!(s.draft(&format!("mediation:{id}")).unwrap().is_none());
}

#[test]
fn a_case_reported_on_its_own_is_checked_kept_as_a_draft_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let pid = {
        let mut s = store(&dir, "王芳");
        let pid = shop(&mut s);
        let mut form = CaseReport::new(
            "g1".into(),
            Some(CaseReportSubjectKind::Place),
            Some(pid.clone()),
            Lang::Zh,
        );
        form.update(&mut s, Cre::Load);
        let v = form.view();
        assert_eq!(v.subject.as_deref(), Some("好邻居便利店"));
        let labels: Vec<&str> = v.categories.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, vec!["隐患", "环境问题", "诉求", "代办"]);
        form.update(&mut s, Cre::Category(CaseReportCategory::Environment));
        form.update(&mut s, Cre::Severity(CaseReportSeverity::Low));
        assert_eq!(
            form.update(&mut s, Cre::TakePhoto),
            vec![Effect::TakePhoto {
                for_field: "photos".into()
            }]
        );
        form.update(
            &mut s,
            Cre::PhotoTaken {
                path: photo(&dir, 50),
            },
        );
        // No description yet: refused, under that input.
        assert!(form.update(&mut s, Cre::Submit).is_empty());
        assert_eq!(form.view().error.as_deref(), Some("描述：必须填写"));
        assert_eq!(form.view().error_field.as_deref(), Some("description"));
        assert!(
            s.case_rows(None, chrono::Utc::now(), false)
                .unwrap()
                .is_empty()
        );
        pid
        // The app is killed before the worker types the description.
    };
    let mut s = reopen(&dir, "王芳");
    let mut form = CaseReport::new(
        "g1".into(),
        Some(CaseReportSubjectKind::Place),
        Some(pid.clone()),
        Lang::Zh,
    );
    form.update(&mut s, Cre::Load);
    let v = form.view();
    assert!(v.restored_draft);
    assert_eq!(v.category, CaseReportCategory::Environment);
    assert_eq!(v.photos.len(), 1);
    form.update(&mut s, Cre::Description("门前垃圾堆放".into()));
    let fx = form.update(&mut s, Cre::Submit);
    let id = form.view().saved_id.clone().unwrap();
    assert_eq!(
        fx,
        vec![
            Effect::RecordsChanged {
                ids: vec![id.clone()]
            },
            Effect::OpenCase { id: id.clone() }
        ]
    );
    assert!(s.draft(&format!("case:{pid}")).unwrap().is_none());
    let case = s.get::<Case>(id.parse().unwrap()).unwrap().data;
    assert_eq!(case.category, CaseCategory::Environment);
    assert_eq!(case.description, "门前垃圾堆放");
    assert_eq!(case.subject.unwrap().id, pid);
    assert_eq!(case.photos.len(), 1);
    let mut list = CaseList::new(Some("g1".into()), Lang::Zh);
    list.update(&mut s, Cle::Load { at: now() });
    assert_eq!(list.view().rows[0].title, "环境问题");
    assert_eq!(list.view().rows[0].severity, "一般");
}
