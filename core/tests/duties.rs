//! The six duties through the store: cases through their closed loop (legal and illegal
//! transitions, append-only timeline, concurrent actions), a visit raising a case atomically,
//! mediation narratives edited on two devices, and the agenda with a fixed clock.

mod support;

use chrono::{DateTime, Duration, Utc};
use gridkeeper_core::kinds::case::{Case, EscalationLevel, TimelineEntry};
use gridkeeper_core::kinds::case_flow::{CaseAction, CaseState};
use gridkeeper_core::kinds::{Mediation, Visit};
use gridkeeper_core::{Error, Kind, RecordId, Store};
use serde_json::{Value, json};
use support::{household, store};

fn entry(action: CaseAction) -> TimelineEntry {
    TimelineEntry::new(action)
}

fn hazard(s: &mut Store) -> RecordId {
    s.create_json(Kind::Case, "grid-1", json!({"category": "hazard", "subcategory": "fire", "severity": "critical", "description": "楼道堆放电动车电池"}))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn exchange(a: &mut Store, b: &mut Store) {
    let from_a = a.changes(None).unwrap_or_else(|e| panic!("{e}"));
    let from_b = b.changes(None).unwrap_or_else(|e| panic!("{e}"));
    b.apply_changes(&from_a).unwrap_or_else(|e| panic!("{e}"));
    a.apply_changes(&from_b).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_case_goes_round_the_closed_loop_and_refuses_illegal_steps() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "worker-a");
    let id = hazard(&mut s);
    let rec = s.get_json(id, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec["derived"]["state"], "reported");
    let reported =
        DateTime::parse_from_rfc3339(rec["data"]["reported_at"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    let deadline =
        DateTime::parse_from_rfc3339(rec["data"]["deadline"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        deadline - reported,
        Duration::days(1),
        "critical hazards are due in a day by default"
    );

    match s.case_transition(id, entry(CaseAction::Verify)) {
        Err(Error::Invalid(inv)) => assert_eq!(
            (inv.field.as_str(), inv.reason.as_str()),
            ("action", "cannot verify a case that is reported")
        ),
        other => panic!("verify from reported: {other:?}"),
    }
    match s.case_transition(id, entry(CaseAction::Return)) {
        Err(Error::Invalid(inv)) => assert!(inv.field.ends_with(".reason"), "{inv}"),
        other => panic!("return without a reason: {other:?}"),
    }
    let mut escalate = entry(CaseAction::Escalate);
    escalate.escalate_to = Some(EscalationLevel::Community);
    for (e, expected) in [
        (entry(CaseAction::Accept), CaseState::Accepted),
        (entry(CaseAction::Start), CaseState::InProgress),
        (escalate, CaseState::Escalated),
        (entry(CaseAction::Resolve), CaseState::Resolved),
        (entry(CaseAction::Verify), CaseState::Verified),
        (entry(CaseAction::Close), CaseState::Closed),
    ] {
        assert_eq!(
            s.case_transition(id, e).unwrap_or_else(|e| panic!("{e}")),
            expected
        );
    }
    assert!(
        s.case_transition(id, entry(CaseAction::Comment)).is_err(),
        "a closed case takes nothing more"
    );
    let history_len = s.history(id).unwrap_or_default().len();
    assert_eq!(
        history_len, 7,
        "one change per accepted transition, none for refused ones"
    );

    // The timeline is append-only, whatever the edit path.
    let mut case = s.get::<Case>(id).unwrap_or_else(|e| panic!("{e}")).data;
    case.timeline.remove(1);
    let patch = json!({"timeline": serde_json::to_value(&case.timeline).unwrap_or_default()});
    assert!(
        matches!(s.patch_json(id, &patch), Err(Error::Invalid(ref i)) if i.field == "timeline")
    );
}

#[test]
fn concurrent_transitions_on_two_devices_agree_on_one_state() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "worker-a");
    let mut b = store(&dir, "supervisor-b");
    let id = hazard(&mut a);
    exchange(&mut a, &mut b);
    a.case_transition(id, entry(CaseAction::Accept))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut ret = entry(CaseAction::Return);
    ret.reason = "重复上报".into();
    b.case_transition(id, ret).unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    let state_a = a.get_json(id, true).unwrap_or_default()["derived"].clone();
    let state_b = b.get_json(id, true).unwrap_or_default()["derived"].clone();
    assert_eq!(state_a, state_b);
    assert_eq!(
        a.get::<Case>(id)
            .unwrap_or_else(|e| panic!("{e}"))
            .data
            .timeline
            .len(),
        3,
        "both actions kept"
    );
    assert_eq!(
        a.export_json().unwrap_or_default(),
        b.export_json().unwrap_or_default()
    );
}

#[test]
fn a_visit_raises_a_case_in_the_same_step_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "worker-a");
    let hh = s
        .create_json(
            Kind::Household,
            "grid-1",
            household("2", "201", &[("刘奶奶", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let visit = json!({"subject": {"kind": "household", "id": hh.to_string()}, "purpose": "special_group_care", "findings": "燃气软管老化", "location": {"lat": 31.23, "lon": 121.47, "accuracy_m": 35.0}});
    let bad_case = json!({"category": "hazard", "description": ""});
    assert!(matches!(
        s.create_visit_raising_case("grid-1", visit.clone(), bad_case),
        Err(Error::Invalid(_))
    ));
    assert_eq!(
        s.record_ids(None).unwrap_or_default().len(),
        1,
        "neither record stored"
    );

    let case = json!({"category": "hazard", "subcategory": "gas", "severity": "high", "description": "燃气软管老化开裂"});
    let (visit_id, case_id) = s
        .create_visit_raising_case("grid-1", visit, case)
        .unwrap_or_else(|e| panic!("{e}"));
    let v = s
        .get::<Visit>(visit_id)
        .unwrap_or_else(|e| panic!("{e}"))
        .data;
    assert_eq!(v.raised_cases, vec![case_id.to_string()]);
    assert_eq!(
        v.worker, "worker-a",
        "the signed-in user is the visiting worker"
    );
    let c = s
        .get::<Case>(case_id)
        .unwrap_or_else(|e| panic!("{e}"))
        .data;
    assert_eq!(c.source.map(|s| s.id), Some(visit_id.to_string()));
    assert_eq!(c.subject.map(|s| s.id), Some(hh.to_string()));
}

#[test]
fn two_mediators_editing_the_narrative_offline_both_keep_their_words() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "mediator-a");
    let mut b = store(&dir, "mediator-b");
    let id = a
        .create_json(Kind::Mediation, "grid-1", json!({"dispute_type": "neighbour", "opened_on": "2026-11-01", "risk_level": "high", "parties": [{"name": "甲"}, {"name": "乙", "phone": "13800001111"}], "narrative": "双方因楼上漏水产生纠纷。"}))
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    a.update::<Mediation>(id, |m| m.narrative.push_str("甲方同意维修。"))
        .unwrap_or_else(|e| panic!("{e}"));
    b.update::<Mediation>(id, |m| m.narrative.insert_str(0, "【第一次调解】"))
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    let text = a
        .get::<Mediation>(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .data
        .narrative;
    assert_eq!(text, "【第一次调解】双方因楼上漏水产生纠纷。甲方同意维修。");
    assert_eq!(
        b.get::<Mediation>(id)
            .unwrap_or_else(|e| panic!("{e}"))
            .data
            .narrative,
        text
    );
    let rec = a.get_json(id, false).unwrap_or_default();
    assert_eq!(
        rec["derived"]["needs_escalation"], true,
        "high risk without agreement is flagged"
    );
    assert_eq!(rec["data"]["parties"][1]["phone"], "138****1111");
    match a.patch_json(id, &json!({"result": "agreement"})) {
        Err(Error::Invalid(inv)) => assert_eq!(inv.field, "agreement_text"),
        other => panic!("agreement without text: {other:?}"),
    }
}

#[test]
fn agenda_for_a_fixed_day() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "worker-a");
    let now: DateTime<Utc> = "2026-11-28T02:00:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let elderly = json!({"address": {"building": "1", "room": "101"}, "members": [{"name": "独居王", "tags": ["solitary_elderly"]}, {"name": "普通李"}]});
    let child = json!({"address": {"building": "1", "room": "102"}, "members": [{"name": "留守张", "tags": ["left_behind_child"]}]});
    let h1 = s
        .create_json(Kind::Household, "grid-1", elderly)
        .unwrap_or_else(|e| panic!("{e}"));
    let h2 = s
        .create_json(Kind::Household, "grid-1", child)
        .unwrap_or_else(|e| panic!("{e}"));
    let member = |s: &mut Store, h: RecordId| {
        s.get_json(h, true).unwrap_or_default()["data"]["members"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let (m1, m2) = (member(&mut s, h1), member(&mut s, h2));
    // Elderly visited 10 days ago (weekly → 3 days overdue); the child 10 days ago (monthly → not due).
    for (h, m) in [(h1, &m1), (h2, &m2)] {
        let at = (now - Duration::days(10)).to_rfc3339();
        s.create_json(Kind::Visit, "grid-1", json!({"subject": {"kind": "household", "id": h.to_string()}, "visited_at": at, "members_seen": [m]})).unwrap_or_else(|e| panic!("{e}"));
    }
    s.create_json(
        Kind::Place,
        "grid-1",
        json!({"name": "出租楼A", "place_type": "rental", "address": {"text": "东街3号"}}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let late = s.create_json(Kind::Case, "grid-1", json!({"category": "appeal", "description": "路灯不亮", "reported_at": "2026-11-01T00:00:00Z"})).unwrap_or_else(|e| panic!("{e}"));
    let soon = s.create_json(Kind::Case, "grid-1", json!({"category": "environment", "description": "垃圾未分类", "reported_at": "2026-11-27T00:00:00Z"})).unwrap_or_else(|e| panic!("{e}"));
    let med = s.create_json(Kind::Mediation, "grid-1", json!({"dispute_type": "family", "opened_on": "2026-11-10", "parties": [{"name": "丙"}], "follow_ups": [{"due": "2026-11-20"}]})).unwrap_or_else(|e| panic!("{e}"));

    let agenda = s
        .agenda(Some("grid-1"), now)
        .unwrap_or_else(|e| panic!("{e}"));
    let visits: Vec<(&str, &str, i64)> = agenda
        .visits
        .iter()
        .map(|v| (v.member_id.as_str(), v.tag.as_str(), v.days_overdue))
        .collect();
    assert_eq!(visits, vec![(m1.as_str(), "solitary_elderly", 3)]);
    assert_eq!(
        agenda.inspections.len(),
        1,
        "a never-inspected rental is due today"
    );
    assert_eq!(agenda.inspections[0].days_overdue, 0);
    let cases: Vec<(String, bool)> = agenda
        .cases
        .iter()
        .map(|c| (c.case_id.clone(), c.overdue))
        .collect();
    assert_eq!(
        cases,
        vec![(late.to_string(), true), (soon.to_string(), false)]
    );
    assert_eq!(
        agenda
            .mediations
            .iter()
            .map(|m| m.mediation_id.clone())
            .collect::<Vec<_>>(),
        vec![med.to_string()]
    );
    assert_eq!(agenda.mediations[0].due_on, "2026-11-20");

    // Same data, same clock: same agenda. A different grid: nothing.
    assert_eq!(s.agenda(Some("grid-1"), now).unwrap_or_default(), agenda);
    assert_eq!(
        s.agenda(Some("grid-2"), now).unwrap_or_default(),
        Default::default()
    );
    let _: Value = json!(agenda);
}
