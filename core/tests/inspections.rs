//! Inspections against installed checklist templates: answers checked against the exact
//! template version, the "require action" completion rule, a failed item raising its hazard
//! case atomically, completed inspections staying final, and templates imported from XLSForm.

mod support;

use gridkeeper_core::checklist::{ChecklistTemplate, ItemType};
use gridkeeper_core::kinds::Case;
use gridkeeper_core::{Error, Kind, RecordId, Store};
use serde_json::{Map, Value, json};
use support::store;

const PHOTO: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// Answers every item of a template the passing way.
fn passing_answers(t: &ChecklistTemplate) -> Map<String, Value> {
    let mut answers = Map::new();
    for item in t.items() {
        let value = match item.item_type {
            ItemType::PassFailNa => json!("pass"),
            ItemType::Number => json!(
                item.min
                    .unwrap_or(0.0)
                    .max(item.max.map(|m| m.min(2.0)).unwrap_or(2.0))
            ),
            ItemType::Text => json!("正常"),
            ItemType::SingleChoice => json!(
                item.choices
                    .first()
                    .map(|c| c.value.clone())
                    .unwrap_or_default()
            ),
            ItemType::MultiChoice => json!([item
                .choices
                .first()
                .map(|c| c.value.clone())
                .unwrap_or_default()]),
            ItemType::Photo => json!([PHOTO]),
        };
        let answer = if item.photo_required && item.item_type != ItemType::Photo {
            json!({"value": value, "photos": [PHOTO]})
        } else {
            value
        };
        answers.insert(item.id.clone(), answer);
    }
    answers
}

fn shop(s: &mut Store) -> RecordId {
    s.create_json(
        Kind::Place,
        "grid-1",
        json!({"name": "好又多便利店", "place_type": "rental", "address": {"text": "东街5号"}}),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_failed_item_blocks_completion_until_its_hazard_case_is_raised() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "inspector-a");
    assert_eq!(
        s.install_builtin_templates()
            .unwrap_or_else(|e| panic!("{e}")),
        2
    );
    let place = shop(&mut s);
    let template = s
        .template("fire_safety", 1)
        .cloned()
        .unwrap_or_else(|| panic!("fire_safety v1 installed"));
    let mut answers = passing_answers(&template);
    answers.insert("ebike_indoor".into(), json!("fail"));
    let id = s
        .create_json(Kind::Inspection, "grid-1", json!({"template_id": "fire_safety", "template_version": 1, "subject": {"kind": "place", "id": place.to_string()}, "answers": answers}))
        .unwrap_or_else(|e| panic!("{e}"));
    let rec = s.get_json(id, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec["derived"]["failed_items"], json!(["ebike_indoor"]));

    match s.patch_json(id, &json!({"status": "completed"})) {
        Err(Error::Invalid(inv)) => assert_eq!(inv.field, "answers.ebike_indoor", "{}", inv.reason),
        other => panic!("completed with an unhandled failure: {other:?}"),
    }
    let case_id = s
        .raise_case_for_item(id, "ebike_indoor", "")
        .unwrap_or_else(|e| panic!("{e}"));
    let case = s
        .get::<Case>(case_id)
        .unwrap_or_else(|e| panic!("{e}"))
        .data;
    assert_eq!(
        case.source.as_ref().and_then(|s| s.item.clone()).as_deref(),
        Some("ebike_indoor")
    );
    assert_eq!(
        case.subject.as_ref().map(|s| s.id.clone()),
        Some(place.to_string())
    );
    assert!(
        !case.subcategory.is_empty(),
        "hazard kind taken from the template item"
    );

    assert!(
        s.patch_json(id, &json!({"status": "completed"}))
            .unwrap_or_else(|e| panic!("{e}"))
    );
    let list = s
        .list_json(Kind::Inspection, Some("grid-1"), None, false)
        .unwrap_or_default();
    assert_eq!(list[0]["status"], "completed");
    assert_eq!(list[0]["failed_count"], 1);

    // Final once completed.
    assert!(
        matches!(s.patch_json(id, &json!({"answers": {"wiring": "fail"}})), Err(Error::Invalid(ref i)) if i.field == "status")
    );
    // And the place drops off today's inspection list.
    let agenda = s
        .agenda(Some("grid-1"), chrono::Utc::now())
        .unwrap_or_default();
    assert!(
        agenda
            .inspections
            .iter()
            .all(|i| i.place_id != place.to_string())
    );
}

#[test]
fn a_hidden_required_item_does_not_block_but_a_missing_required_one_does() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "inspector-a");
    s.install_builtin_templates()
        .unwrap_or_else(|e| panic!("{e}"));
    let place = shop(&mut s);
    let template = s
        .template("fire_safety", 1)
        .cloned()
        .unwrap_or_else(|| panic!("installed"));
    let mut answers = passing_answers(&template);
    // No extinguisher (a failure, noted) hides the three extinguisher follow-up items.
    answers.insert("ext_present".into(), json!("fail"));
    for hidden in ["ext_count", "ext_in_date", "ext_accessible"] {
        answers.remove(hidden);
    }
    let body = json!({"template_id": "fire_safety", "template_version": 1, "subject": {"kind": "place", "id": place.to_string()}, "answers": answers.clone(), "actions": {"ext_present": {"note": "已责令三日内配置灭火器"}}, "status": "completed"});
    s.create_json(Kind::Inspection, "grid-1", body)
        .unwrap_or_else(|e| panic!("{e}"));

    answers.remove("smoke_alarm");
    let body = json!({"template_id": "fire_safety", "template_version": 1, "subject": {"kind": "place", "id": place.to_string()}, "answers": answers, "actions": {"ext_present": {"note": "已责令整改"}}, "status": "completed"});
    match s.create_json(Kind::Inspection, "grid-1", body) {
        Err(Error::Invalid(inv)) => assert_eq!(inv.field, "answers.smoke_alarm"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_inspections_are_refused_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "inspector-a");
    s.install_builtin_templates()
        .unwrap_or_else(|e| panic!("{e}"));
    let place = shop(&mut s);
    let before = s.export_json().unwrap_or_default();
    let subject = json!({"kind": "place", "id": place.to_string()});
    let cases = [
        (
            json!({"template_id": "fire_safety", "template_version": 9, "subject": subject}),
            "template_version",
        ),
        (
            json!({"template_id": "no_such_form", "template_version": 1, "subject": subject}),
            "template_version",
        ),
        (
            json!({"template_id": "fire_safety", "template_version": 1, "subject": subject, "answers": {"not_an_item": "pass"}}),
            "answers.not_an_item",
        ),
        (
            json!({"template_id": "fire_safety", "template_version": 1, "subject": subject, "answers": {"wiring": "maybe"}}),
            "answers.wiring",
        ),
        (
            json!({"template_id": "fire_safety", "template_version": 1, "subject": {"kind": "place", "id": "x"}}),
            "subject.id",
        ),
        (
            json!({"template_id": "fire_safety", "template_version": "one", "subject": subject}),
            "template_version",
        ),
    ];
    for (body, field) in cases {
        match s.create_json(Kind::Inspection, "grid-1", body) {
            Err(Error::Invalid(inv)) => assert!(
                inv.field.starts_with(field),
                "expected {field}, got {}: {}",
                inv.field,
                inv.reason
            ),
            other => panic!("expected invalid {field}: {other:?}"),
        }
    }
    assert_eq!(s.export_json().unwrap_or_default(), before);

    // A published version never changes.
    let mut changed = s
        .template("fire_safety", 1)
        .cloned()
        .unwrap_or_else(|| panic!("installed"));
    changed.title = "改过的标题".into();
    assert!(
        matches!(s.install_template(&changed), Err(Error::Invalid(ref i)) if i.field == "version")
    );
    changed.version = 2;
    s.install_template(&changed)
        .unwrap_or_else(|e| panic!("{e}"));
    // Templates survive reopening the store.
    drop(s);
    let s = Store::open(dir.path().join("inspector-a.db")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.templates().len(), 3);
}

#[test]
fn a_template_imported_from_xlsform_is_usable_for_inspections() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let survey = book.add_worksheet();
    let _ = survey.set_name("survey");
    let rows: [[&str; 4]; 4] = [
        ["type", "name", "label::zh", "required"],
        ["pass_fail_na", "gas_alarm", "燃气报警器正常", "yes"],
        ["integer", "hose_age", "软管使用年限", "yes"],
        ["calculate", "score", "得分", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let _ = survey.write_string(r as u32, c as u16, *cell);
        }
    }
    let path = dir.path().join("gas.xlsx");
    book.save(&path).unwrap_or_else(|e| panic!("{e}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));

    let mut s = store(&dir, "admin");
    let report = s
        .import_xlsform(&bytes, "gas_quick", 1)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report.issues.iter().map(|i| i.row).collect::<Vec<_>>(),
        vec![4],
        "the calculate row is reported"
    );
    let place = shop(&mut s);
    let body = json!({"template_id": "gas_quick", "template_version": 1, "subject": {"kind": "place", "id": place.to_string()}, "answers": {"gas_alarm": "pass", "hose_age": 3}, "status": "completed"});
    s.create_json(Kind::Inspection, "grid-1", body)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(s.import_xlsform(b"not a workbook", "junk", 1).is_err());
    assert!(
        s.template("junk", 1).is_none(),
        "a failed import installs nothing"
    );
}
