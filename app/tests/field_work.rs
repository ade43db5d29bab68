//! The field-work screens driven as a worker uses them, on real store files: running a safety
//! checklist at a shop (a failed item blocks completion until it has a case or a note; the
//! hazard case then shows in the case list), walking a case through its loop, and a mediation
//! from parties to signatures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use gridkeeper_app::inspection::{Inspection, InspectionEvent as Ie, InspectionStage};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::kinds::Case;
use gridkeeper_core::kinds::case::CaseCategory;
use gridkeeper_core::kinds::inspection::{Inspection as InspectionRecord, InspectionStatus};
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
fn a_photo_needs_an_answer_first_and_a_draft_that_does_not_parse_is_kept() {
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
