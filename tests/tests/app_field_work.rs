//! The field-work screens with a real relay on loopback: a worker's inspection raises a hazard
//! case, it syncs, and a second phone's case list and detail show it; what the second worker
//! does to it comes back to the first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_app::Lang;
use gridkeeper_app::cases::{
    CaseDetail, CaseDetailEvent, CaseFlowAction, CaseFlowState, CaseList, CaseListEvent,
};
use gridkeeper_app::inspection::{Inspection, InspectionEvent, InspectionStage};
use gridkeeper_core::Kind;
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

/// A small but real PNG written where a camera would, varied by `n`.
fn photo(dir: &std::path::Path, n: u8) -> String {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
    ]);
    b.extend_from_slice(&[0x90, 0x77, 0x53, 0xDE]);
    b.extend_from_slice(&[0, 0, 0, 1, b'I', b'D', b'A', b'T', n, 0, 0, 0, 0]);
    b.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    let path = dir.join(format!("photo-{n}.png"));
    std::fs::write(&path, b).unwrap();
    path.to_string_lossy().into_owned()
}

fn answer(item: &str, text: &str) -> InspectionEvent {
    InspectionEvent::AnswerText {
        item_id: item.into(),
        text: text.into(),
    }
}

#[test]
fn an_inspections_hazard_case_reaches_the_other_phones_case_list() {
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, Backend::Sqlite(data.path().join("relay"))).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格"])
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut phones = relay
        .enrolled_workers(dir.path(), "g1", &["王芳", "李强"])
        .unwrap();
    let [wang, li] = &mut phones[..] else {
        unreachable!()
    };
    let place = wang
        .store()
        .create_json(
            Kind::Place,
            "g1",
            json!({"name": "好邻居便利店", "place_type": "shop", "address": {"text": "幸福路12号"}}),
        )
        .unwrap()
        .to_string();

    let mut run = Inspection::new("g1".into(), Some(place.clone()), Lang::Zh);
    run.update(wang.store(), InspectionEvent::Load);
    run.update(
        wang.store(),
        InspectionEvent::PickTemplate {
            template_id: "fire_safety".into(),
            version: 1,
        },
    );
    run.update(wang.store(), answer("ext_present", "pass"));
    run.update(
        wang.store(),
        InspectionEvent::AnswerNumber {
            item_id: "ext_count".into(),
            number: 2.0,
        },
    );
    for item in [
        "ext_in_date",
        "ext_accessible",
        "exits_clear",
        "window_bars",
        "emergency_lighting",
        "ebike_flying_wire",
        "three_in_one",
        "wiring",
        "flammable_storage",
        "smoke_alarm",
        "safety_person",
    ] {
        run.update(wang.store(), answer(item, "pass"));
    }
    run.update(wang.store(), answer("ebike_indoor", "fail"));
    for (n, item) in ["exits_clear", "site_photos"].into_iter().enumerate() {
        run.update(
            wang.store(),
            InspectionEvent::PhotoTaken {
                item_id: item.into(),
                path: photo(dir.path(), n as u8),
            },
        );
    }
    assert!(!run.view().can_complete, "the failed item needs a case");
    run.update(
        wang.store(),
        InspectionEvent::RaiseCase {
            item_id: "ebike_indoor".into(),
            description: "楼道内电动车充电".into(),
        },
    );
    run.update(wang.store(), InspectionEvent::Complete);
    assert_eq!(run.view().stage, InspectionStage::Done, "{:?}", run.view());
    let case_id = run.view().case_ids[0].clone();

    wang.sync(2).unwrap();
    li.sync(2).unwrap();

    let now = chrono::Utc::now().timestamp();
    let mut list = CaseList::new(Some("g1".into()), Lang::Zh);
    list.update(li.store(), CaseListEvent::Load { at: now });
    let rows = &list.view().rows;
    assert_eq!(rows.len(), 1, "{:?}", list.view());
    assert_eq!(rows[0].id, case_id);
    assert_eq!(rows[0].title, "隐患 · 电动车");
    assert_eq!(rows[0].description, "楼道内电动车充电");
    assert_eq!(rows[0].state_label, "已上报");
    assert!(!rows[0].overdue);

    let mut detail = CaseDetail::new(case_id.parse().unwrap(), Lang::Zh);
    detail.update(li.store(), CaseDetailEvent::Load { at: now });
    let v = detail.view();
    assert_eq!(v.timeline.len(), 1);
    assert_eq!(v.timeline[0].by, "王芳");
    detail.update(
        li.store(),
        CaseDetailEvent::Act {
            action: CaseFlowAction::Accept,
        },
    );
    assert_eq!(detail.view().state, CaseFlowState::Accepted);

    li.sync(2).unwrap();
    wang.sync(2).unwrap();
    let mut back = CaseDetail::new(case_id.parse().unwrap(), Lang::Zh);
    back.update(wang.store(), CaseDetailEvent::Load { at: now });
    let v = back.view();
    assert_eq!(v.state_label, "已受理");
    let steps: Vec<(&str, &str)> = v
        .timeline
        .iter()
        .map(|e| (e.action.as_str(), e.by.as_str()))
        .collect();
    assert_eq!(steps, vec![("上报", "王芳"), ("受理", "李强")]);
}
