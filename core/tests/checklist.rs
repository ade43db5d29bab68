//! Checklist templates: XLSForm import from real .xlsx files, the built-in templates,
//! template validation, and the inspectors' completion rule.

use std::collections::HashMap;
use std::path::Path;

use gridkeeper_core::checklist::{
    self, Answer, Answers, ChecklistTemplate, Choice, Condition, FailAction, IssueKind, Item,
    ItemType, ProblemKind, RowIssue, Section, Severity, XlsFormError, check_answer,
    completion_problems, failed_items, visible_items, xlsform,
};
use rust_xlsxwriter::Workbook;
use serde_json::json;

// ---------------------------------------------------------------------------------------
// Writing forms

/// A cell: text, except `#n:NUMBER` is written as a number and `#b:true` as a boolean,
/// the way spreadsheet users type `required = 1` or `TRUE`.
fn write_sheet(book: &mut Workbook, name: &str, rows: &[&[&str]]) {
    let sheet = book.add_worksheet();
    sheet.set_name(name).unwrap_or_else(|e| panic!("{e}"));
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let (r, c) = (
                u32::try_from(r).unwrap_or_else(|e| panic!("{e}")),
                u16::try_from(c).unwrap_or_else(|e| panic!("{e}")),
            );
            let written = if let Some(n) = cell.strip_prefix("#n:") {
                let n: f64 = n.parse().unwrap_or_else(|e| panic!("{e}"));
                sheet.write_number(r, c, n)
            } else if let Some(b) = cell.strip_prefix("#b:") {
                sheet.write_boolean(r, c, b == "true")
            } else {
                sheet.write_string(r, c, *cell)
            };
            written.unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// Writes a real .xlsx into `dir` with the given sheets and returns its bytes.
fn write_form(dir: &Path, file: &str, sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        write_sheet(&mut book, name, rows);
    }
    let path = dir.join(file);
    book.save(&path).unwrap_or_else(|e| panic!("{e}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn import(bytes: &[u8]) -> xlsform::ImportReport {
    xlsform::import(bytes, "test_form", 3).unwrap_or_else(|e| panic!("{e}"))
}

/// Issues as (row, column) for compact assertions.
fn places(issues: &[RowIssue]) -> Vec<(u32, &str)> {
    issues.iter().map(|i| (i.row, i.column.as_str())).collect()
}

fn item_ids(t: &ChecklistTemplate) -> Vec<&str> {
    t.items().map(|i| i.id.as_str()).collect()
}

// ---------------------------------------------------------------------------------------
// XLSForm import

const CLEAN_SURVEY: &[&[&str]] = &[
    &[
        "type",
        "name",
        "label::Chinese (zh)",
        "label::English (en)",
        "required",
        "relevant",
        "constraint",
        "hazard_category",
        "severity",
    ],
    &["begin_group", "fire", "消防", "Fire", "", "", "", "", ""],
    &[
        "select_one pfn",
        "ext_present",
        "配备灭火器",
        "Extinguishers present",
        "yes",
        "",
        "",
        "fire",
        "high",
    ],
    &[
        "integer",
        "ext_count",
        "灭火器数量",
        "Number of extinguishers",
        "#n:1",
        "${ext_present} = 'pass'",
        ". >= 2 and . <= 20",
        "fire",
        "medium",
    ],
    &["end_group"],
    &["begin group", "gas", "燃气", "Gas"],
    &[
        "select_multiple gas_kinds",
        "gas_source",
        "燃气类型",
        "Kind of gas",
        "#b:true",
    ],
    &[
        "pass_fail_na",
        "lpg_ok",
        "钢瓶合格",
        "Cylinder OK",
        "TRUE",
        "selected(${gas_source}, 'lpg')",
        "",
        "gas",
        "critical",
    ],
    &[
        "decimal",
        "hose_age",
        "软管年限",
        "Hose age",
        "",
        "",
        ".<=2",
        "gas",
        "high",
    ],
    &[
        "integer",
        "cylinders",
        "钢瓶数",
        "Cylinders",
        "",
        "",
        ". > 0",
    ],
    &["note", "gas_note", "请检查软管", "Check the hose"],
    &["end group"],
    &["text", "remarks", "备注", "Remarks"],
    &["image", "photos", "照片", "Photos", "yes"],
];

const CLEAN_CHOICES: &[&[&str]] = &[
    &[
        "list_name",
        "name",
        "label::Chinese (zh)",
        "label::English (en)",
    ],
    &["pfn", "pass", "合格", "Pass"],
    &["pfn", "fail", "不合格", "Fail"],
    &["pfn", "na", "不适用", "N/A"],
    &["gas_kinds", "pipeline", "管道气", "Piped gas"],
    &["gas_kinds", "lpg", "液化气", "LPG"],
];

const CLEAN_SETTINGS: &[&[&str]] = &[
    &["form_title", "form_title::en", "place_types", "form_id"],
    &["测试巡查", "Test inspection", "shop, rental", "ignored_id"],
];

fn pf_item(id: &str, label: &str, en: &str) -> Item {
    Item {
        id: id.into(),
        label: label.into(),
        label_en: Some(en.into()),
        item_type: ItemType::PassFailNa,
        required: false,
        hazard_category: None,
        severity_if_failed: None,
        relevant: None,
        min: None,
        max: None,
        choices: Vec::new(),
        photo_required: false,
    }
}

fn choice(value: &str, label: &str, en: &str) -> Choice {
    Choice {
        value: value.into(),
        label: label.into(),
        label_en: Some(en.into()),
    }
}

fn expected_clean_template() -> ChecklistTemplate {
    let ext_present = Item {
        required: true,
        hazard_category: Some("fire".into()),
        severity_if_failed: Some(Severity::High),
        ..pf_item("ext_present", "配备灭火器", "Extinguishers present")
    };
    let ext_count = Item {
        item_type: ItemType::Number,
        required: true,
        hazard_category: Some("fire".into()),
        severity_if_failed: Some(Severity::Medium),
        relevant: Some(Condition {
            item: "ext_present".into(),
            equals: "pass".into(),
        }),
        min: Some(2.0),
        max: Some(20.0),
        ..pf_item("ext_count", "灭火器数量", "Number of extinguishers")
    };
    let gas_source = Item {
        item_type: ItemType::MultiChoice,
        required: true,
        choices: vec![
            choice("pipeline", "管道气", "Piped gas"),
            choice("lpg", "液化气", "LPG"),
        ],
        ..pf_item("gas_source", "燃气类型", "Kind of gas")
    };
    let lpg_ok = Item {
        required: true,
        hazard_category: Some("gas".into()),
        severity_if_failed: Some(Severity::Critical),
        relevant: Some(Condition {
            item: "gas_source".into(),
            equals: "lpg".into(),
        }),
        ..pf_item("lpg_ok", "钢瓶合格", "Cylinder OK")
    };
    let hose_age = Item {
        item_type: ItemType::Number,
        hazard_category: Some("gas".into()),
        severity_if_failed: Some(Severity::High),
        max: Some(2.0),
        ..pf_item("hose_age", "软管年限", "Hose age")
    };
    let cylinders = Item {
        item_type: ItemType::Number,
        // `. > 0` on an integer is exactly `. >= 1`.
        min: Some(1.0),
        ..pf_item("cylinders", "钢瓶数", "Cylinders")
    };
    let remarks = Item {
        item_type: ItemType::Text,
        ..pf_item("remarks", "备注", "Remarks")
    };
    let photos = Item {
        item_type: ItemType::Photo,
        required: true,
        photo_required: true,
        ..pf_item("photos", "照片", "Photos")
    };
    ChecklistTemplate {
        id: "test_form".into(),
        version: 3,
        title: "测试巡查".into(),
        title_en: Some("Test inspection".into()),
        place_types: vec!["shop".into(), "rental".into()],
        sections: vec![
            Section {
                id: "fire".into(),
                title: "消防".into(),
                title_en: Some("Fire".into()),
                items: vec![ext_present, ext_count],
            },
            Section {
                id: "gas".into(),
                title: "燃气".into(),
                title_en: Some("Gas".into()),
                items: vec![gas_source, lpg_ok, hose_age, cylinders],
            },
            Section {
                id: "general".into(),
                title: "检查项".into(),
                title_en: Some("Checks".into()),
                items: vec![remarks, photos],
            },
        ],
    }
}

#[test]
fn clean_form_imports_to_the_expected_template() {
    let dir = tempdir();
    let bytes = write_form(
        dir.path(),
        "clean.xlsx",
        &[
            ("survey", CLEAN_SURVEY),
            ("choices", CLEAN_CHOICES),
            ("settings", CLEAN_SETTINGS),
        ],
    );
    let report = import(&bytes);
    assert_eq!(report.issues, Vec::<RowIssue>::new());
    assert_eq!(report.template, expected_clean_template());
    report.template.validate().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn unsupported_constructs_are_reported_by_row_and_the_rest_imported() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "relevant", "calculation"],
        &["text", "a_text", "文本"],                           // 2
        &["integer", "a", "数量"],                             // 3
        &["select_one yn", "b", "是否"],                       // 4
        &["calculate", "total", "", "", "${a} * 2"],           // 5
        &["text", "c", "复杂条件", "${a} > 3 and ${b} = 'x'"], // 6
        &["begin_repeat", "rooms", "房间"],                    // 7
        &["text", "room_name", "房间名"],                      // 8
        &["end_repeat"],                                       // 9
        &["select_one missing_list", "d", "缺少列表"],         // 10
        &["pass_fail_na", "e", "依赖计算", "${total} = '4'"],  // 11
        &["date", "f", "日期"],                                // 12
        &["pass_fail_na", "g", "正常", "${b} = 'yes'"],        // 13
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["yn", "yes", "是"],
        &["yn", "no", "否"],
    ];
    let dir = tempdir();
    let bytes = write_form(
        dir.path(),
        "messy.xlsx",
        &[("survey", survey), ("choices", choices)],
    );
    let report = import(&bytes);
    assert_eq!(
        places(&report.issues),
        vec![
            (5, "type"),
            (6, "relevant"),
            (7, "type"),
            (10, "type"),
            (11, "relevant"),
            (12, "type"),
        ],
        "{:#?}",
        report.issues
    );
    assert!(report.issues.iter().all(|i| i.sheet == "survey"));
    let message = |row: u32| {
        report
            .issues
            .iter()
            .find(|i| i.row == row)
            .map_or_else(String::new, |i| i.message())
    };
    assert!(message(5).contains("calculate"), "{}", message(5));
    assert!(message(6).contains("not supported"), "{}", message(6));
    assert!(message(7).contains("rows 7–9"), "{}", message(7));
    assert!(message(10).contains("missing_list"), "{}", message(10));
    assert!(message(11).contains("not imported"), "{}", message(11));
    assert!(message(12).contains("`date`"), "{}", message(12));
    // Each issue is a typed code with its facts; the words above are made from them.
    let kind = |row: u32| {
        report
            .issues
            .iter()
            .find(|i| i.row == row)
            .map(|i| i.kind.clone())
    };
    assert_eq!(kind(5), Some(IssueKind::Calculate));
    assert_eq!(kind(7), Some(IssueKind::Repeat { last_row: 9 }));
    assert_eq!(
        kind(10),
        Some(IssueKind::ListNotFound {
            list: "missing_list".into()
        })
    );
    assert_eq!(
        kind(11),
        Some(IssueKind::ConditionOnSkipped {
            condition: "${total} = '4'".into(),
            target: "total".into()
        })
    );
    assert_eq!(
        kind(12),
        Some(IssueKind::UnsupportedType {
            value: "date".into()
        })
    );
    let json = serde_json::to_value(&report.issues[0]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        json,
        json!({"sheet": "survey", "row": 5, "column": "type", "code": "calculate"})
    );

    let t = &report.template;
    assert_eq!(item_ids(t), vec!["a_text", "a", "b", "c", "e", "g"]);
    // Unsupported conditions are dropped, supported ones kept.
    assert_eq!(t.item("c").and_then(|i| i.relevant.clone()), None);
    assert_eq!(t.item("e").and_then(|i| i.relevant.clone()), None);
    assert_eq!(
        t.item("g").and_then(|i| i.relevant.clone()),
        Some(Condition {
            item: "b".into(),
            equals: "yes".into()
        })
    );
    assert_eq!(
        t.item("b").map(|i| i.choices.len()),
        Some(2),
        "select_one over a yes/no list stays a choice"
    );
    // No label column in a language: plain `label` is Chinese, no English.
    assert_eq!(
        t.item("a").map(|i| (i.label.as_str(), i.label_en.clone())),
        Some(("数量", None))
    );
    t.validate().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn groups_columns_and_bounds_that_cannot_map_are_reported() {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label",
            "constraint",
            "hint",
            "severity",
            "label::fr",
        ],
        &["pass_fail_na", "first", "第一项", "", "提示", "urgent"], // 2: severity
        &["begin_group", "outer", "外层"],                          // 3
        &["begin_group", "inner", "内层"],                          // 4: nested
        &["decimal", "width", "宽度", ". > 1.1"],                   // 5: loosened
        &["end_group"],                                             // 6
        &["text", "t", "文本", ". >= 0", "", "high"],               // 7: constraint + severity
        &["end_group"],                                             // 8
        &["begin_group", "empty", "空组"],                          // 9: no items
        &["note", "n", "说明"],                                     // 10
        &["end_group"],                                             // 11
        &["end_group"],                                             // 12: unmatched
        &["integer", "n2", "数", ". >= 5 and . <= 1"],              // 13: impossible
        &["select_one", "s", "无列表"],                             // 14: no list name
    ];
    let dir = tempdir();
    let bytes = write_form(dir.path(), "groups.xlsx", &[("survey", survey)]);
    let report = import(&bytes);
    assert_eq!(
        places(&report.issues),
        vec![
            (1, "hint"),
            (2, "severity"),
            (4, "type"),
            (5, "constraint"),
            (7, "constraint"),
            (7, "severity"),
            (9, "type"),
            (12, "type"),
            (13, "constraint"),
            (14, "type"),
        ],
        "{:#?}",
        report.issues
    );
    let t = &report.template;
    let sections: Vec<(&str, Vec<&str>)> = t
        .sections
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.items.iter().map(|i| i.id.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        vec![
            ("general", vec!["first"]),
            ("outer", vec!["width", "t"]),
            ("general_2", vec!["n2"]),
        ]
    );
    let width = t.item("width").unwrap_or_else(|| panic!("width missing"));
    assert_eq!((width.min, width.max), (Some(1.1), None));
    let n2 = t.item("n2").unwrap_or_else(|| panic!("n2 missing"));
    assert_eq!((n2.min, n2.max), (None, None));
}

#[test]
fn unreadable_or_incomplete_workbooks_are_typed_errors() {
    let garbage = b"PK\x03\x04 this is not really a spreadsheet at all".repeat(10);
    assert!(matches!(
        xlsform::import(&garbage, "x", 1),
        Err(XlsFormError::Unreadable(_))
    ));
    assert!(matches!(
        xlsform::import(&[], "x", 1),
        Err(XlsFormError::Unreadable(_))
    ));

    let dir = tempdir();
    let no_survey = write_form(
        dir.path(),
        "no_survey.xlsx",
        &[("choices", &[&["list_name", "name", "label"]])],
    );
    assert!(matches!(
        xlsform::import(&no_survey, "x", 1),
        Err(XlsFormError::MissingSheet("survey"))
    ));

    let no_name = write_form(
        dir.path(),
        "no_name.xlsx",
        &[("survey", &[&["type", "label"], &["text", "文本"]])],
    );
    assert!(matches!(
        xlsform::import(&no_name, "x", 1),
        Err(XlsFormError::MissingColumn {
            sheet: "survey",
            column: "name"
        })
    ));

    // Readable, but nothing in it can be imported: no usable template.
    let nothing = write_form(
        dir.path(),
        "nothing.xlsx",
        &[(
            "survey",
            &[&["type", "name", "label"], &["geopoint", "loc", "位置"]],
        )],
    );
    match xlsform::import(&nothing, "x", 1) {
        Err(XlsFormError::Invalid(e)) => assert_eq!(e.field, "sections"),
        other => panic!("expected an unusable-template error, got {other:?}"),
    }
}

#[test]
fn english_only_labels_and_default_language_are_understood() {
    let dir = tempdir();
    let bytes = write_form(
        dir.path(),
        "english.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label", "label::zh"],
                    &["pass_fail_na", "exits", "Exits clear", "出口畅通"],
                    &["pass_fail_na", "lights", "Lights work", ""],
                ],
            ),
            (
                "settings",
                &[
                    &["form_title", "default_language"],
                    &["Fire check", "English (en)"],
                ],
            ),
        ],
    );
    let report = import(&bytes);
    assert_eq!(places(&report.issues), vec![(3, "label")]);
    let t = &report.template;
    assert_eq!(t.title, "Fire check");
    let exits = t.item("exits").unwrap_or_else(|| panic!("exits missing"));
    assert_eq!(
        (exits.label.as_str(), exits.label_en.as_deref()),
        ("出口畅通", Some("Exits clear"))
    );
    let lights = t.item("lights").unwrap_or_else(|| panic!("lights missing"));
    assert_eq!(lights.label, "Lights work");
}

// ---------------------------------------------------------------------------------------
// Built-in templates and validation

#[test]
fn builtin_templates_parse_and_validate() {
    let templates = checklist::builtin_templates();
    let ids: Vec<&str> = templates.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, vec!["fire_safety", "gas_electric_safety"]);
    for t in &templates {
        t.validate().unwrap_or_else(|e| panic!("{}: {e}", t.id));
        let items = t.items().count();
        assert!((12..=20).contains(&items), "{}: {items} items", t.id);
        assert!(t.items().any(|i| i.relevant.is_some()), "{}", t.id);
        assert!(
            t.items().any(|i| i.min.is_some() || i.max.is_some()),
            "{}",
            t.id
        );
        for item in t.items() {
            assert!(
                item.label_en.is_some(),
                "{}.{} has no English label",
                t.id,
                item.id
            );
            if item.item_type == ItemType::PassFailNa {
                assert!(item.hazard_category.is_some(), "{}.{}", t.id, item.id);
                assert!(item.severity_if_failed.is_some(), "{}.{}", t.id, item.id);
            }
        }
        // JSON round trip is lossless.
        let json = serde_json::to_string(t).unwrap_or_else(|e| panic!("{e}"));
        let back: ChecklistTemplate = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&back, t);
    }
    assert!(checklist::builtin_template("fire_safety").is_some());
    assert!(checklist::builtin_template("nope").is_none());
}

fn template_from(value: serde_json::Value) -> ChecklistTemplate {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"))
}

fn one_section(items: serde_json::Value) -> ChecklistTemplate {
    template_from(json!({
        "id": "t", "version": 1, "title": "测试",
        "sections": [{ "id": "s", "title": "节", "items": items }]
    }))
}

fn invalid_field(t: &ChecklistTemplate) -> String {
    match t.validate() {
        Ok(()) => panic!("template should be invalid"),
        Err(e) => e.field,
    }
}

#[test]
fn validation_names_the_field() {
    let pf = |id: &str| json!({ "id": id, "label": "项", "item_type": "pass_fail_na" });
    let dup = one_section(json!([pf("a"), pf("b"), pf("a")]));
    assert_eq!(invalid_field(&dup), "sections[0].items[2].id");

    let mut later = pf("a");
    later["relevant"] = json!({ "item": "b", "equals": "fail" });
    let forward = one_section(json!([later, pf("b")]));
    assert_eq!(
        invalid_field(&forward),
        "sections[0].items[0].relevant.item"
    );

    let mut missing = pf("b");
    missing["relevant"] = json!({ "item": "zzz", "equals": "fail" });
    assert_eq!(
        invalid_field(&one_section(json!([pf("a"), missing]))),
        "sections[0].items[1].relevant.item"
    );

    let mut bad_value = pf("b");
    bad_value["relevant"] = json!({ "item": "a", "equals": "yes" });
    assert_eq!(
        invalid_field(&one_section(json!([pf("a"), bad_value]))),
        "sections[0].items[1].relevant.equals"
    );

    let no_choices =
        one_section(json!([pf("a"), { "id": "c", "label": "选", "item_type": "single_choice" }]));
    assert_eq!(invalid_field(&no_choices), "sections[0].items[1].choices");

    let bounds = one_section(
        json!([{ "id": "n", "label": "数", "item_type": "number", "min": 5, "max": 1 }]),
    );
    assert_eq!(invalid_field(&bounds), "sections[0].items[0].min");

    let text_bounds =
        one_section(json!([{ "id": "x", "label": "文", "item_type": "text", "max": 1 }]));
    assert_eq!(invalid_field(&text_bounds), "sections[0].items[0].max");

    let dup_choice = one_section(
        json!([{ "id": "c", "label": "选", "item_type": "multi_choice",
        "choices": [{ "value": "a", "label": "甲" }, { "value": "a", "label": "乙" }] }]),
    );
    assert_eq!(
        invalid_field(&dup_choice),
        "sections[0].items[0].choices[1].value"
    );

    let two_sections = template_from(json!({
        "id": "t", "version": 1, "title": "测试",
        "sections": [
            { "id": "s", "title": "一", "items": [pf("a")] },
            { "id": "s", "title": "二", "items": [pf("b")] }
        ]
    }));
    assert_eq!(invalid_field(&two_sections), "sections[1].id");

    let unknown: Result<ChecklistTemplate, _> = serde_json::from_value(json!({
        "id": "t", "version": 1, "title": "测试", "colour": "red", "sections": []
    }));
    assert!(unknown.is_err(), "unknown fields are refused");
}

// ---------------------------------------------------------------------------------------
// Answers and the completion rule

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn inspection_template() -> ChecklistTemplate {
    let t = one_section(json!([
        { "id": "exits", "label": "出口畅通", "item_type": "pass_fail_na", "required": true,
          "hazard_category": "evacuation", "severity_if_failed": "critical" },
        { "id": "uses_gas", "label": "使用燃气", "item_type": "single_choice", "required": true,
          "choices": [{ "value": "yes", "label": "是" }, { "value": "no", "label": "否" }] },
        { "id": "hose", "label": "软管合格", "item_type": "pass_fail_na", "required": true,
          "relevant": { "item": "uses_gas", "equals": "yes" }, "hazard_category": "gas" },
        { "id": "ext_count", "label": "灭火器数量", "item_type": "number", "required": true,
          "min": 2, "max": 50, "hazard_category": "fire" },
        { "id": "kinds", "label": "燃气类型", "item_type": "multi_choice",
          "relevant": { "item": "uses_gas", "equals": "yes" },
          "choices": [{ "value": "pipeline", "label": "管道" }, { "value": "lpg", "label": "液化气" }] },
        { "id": "cylinder", "label": "钢瓶合格", "item_type": "pass_fail_na", "required": true,
          "relevant": { "item": "kinds", "equals": "lpg" } },
        { "id": "wiring", "label": "线路", "item_type": "pass_fail_na", "photo_required": true },
        { "id": "remarks", "label": "备注", "item_type": "text" },
        { "id": "photos", "label": "照片", "item_type": "photo", "required": true }
    ]));
    t.validate().unwrap_or_else(|e| panic!("{e}"));
    t
}

/// A complete, passing inspection where gas is not used.
fn passing_answers() -> Answers {
    HashMap::from([
        ("exits".to_owned(), Answer::text("pass")),
        ("uses_gas".to_owned(), Answer::text("no")),
        ("ext_count".to_owned(), Answer::number(4.0)),
        (
            "wiring".to_owned(),
            Answer::text("pass").with_photos([HASH]),
        ),
        ("photos".to_owned(), Answer::list([HASH])),
    ])
}

fn problems(
    answers: &Answers,
    actions: &HashMap<String, FailAction>,
) -> Vec<(String, ProblemKind)> {
    completion_problems(&inspection_template(), answers, actions)
        .into_iter()
        .map(|p| (p.item, p.kind))
        .collect()
}

fn no_actions() -> HashMap<String, FailAction> {
    HashMap::new()
}

fn p(item: &str, kind: ProblemKind) -> (String, ProblemKind) {
    (item.to_owned(), kind)
}

#[test]
fn a_complete_passing_inspection_has_no_problems() {
    assert_eq!(problems(&passing_answers(), &no_actions()), vec![]);
    assert!(failed_items(&inspection_template(), &passing_answers()).is_empty());
}

#[test]
fn unanswered_required_items_block_completion() {
    let all = problems(&HashMap::new(), &no_actions());
    assert_eq!(
        all,
        vec![
            p("exits", ProblemKind::Unanswered),
            p("uses_gas", ProblemKind::Unanswered),
            p("ext_count", ProblemKind::Unanswered),
            p("wiring", ProblemKind::MissingPhoto),
            p("photos", ProblemKind::MissingPhoto),
        ]
    );
    let mut answers = passing_answers();
    answers.insert("exits".into(), Answer::text("  "));
    assert_eq!(
        problems(&answers, &no_actions()),
        vec![p("exits", ProblemKind::Unanswered)]
    );

    let mut no_photo = passing_answers();
    no_photo.insert("wiring".into(), Answer::text("pass"));
    no_photo.insert("photos".into(), Answer::list(Vec::<String>::new()));
    assert_eq!(
        problems(&no_photo, &no_actions()),
        vec![
            p("wiring", ProblemKind::MissingPhoto),
            p("photos", ProblemKind::MissingPhoto)
        ]
    );
}

#[test]
fn failed_item_needs_a_case_or_a_note() {
    let mut answers = passing_answers();
    answers.insert("exits".into(), Answer::text("fail"));
    assert_eq!(
        problems(&answers, &no_actions()),
        vec![p("exits", ProblemKind::FailedWithoutAction)]
    );

    let blank = HashMap::from([(
        "exits".to_owned(),
        FailAction {
            case_id: Some(" ".into()),
            note: Some("".into()),
        },
    )]);
    assert_eq!(
        problems(&answers, &blank),
        vec![p("exits", ProblemKind::FailedWithoutAction)],
        "blank case id and note do not count"
    );

    let noted = HashMap::from([(
        "exits".to_owned(),
        FailAction {
            case_id: None,
            note: Some("当场清理，已整改".into()),
        },
    )]);
    assert_eq!(problems(&answers, &noted), vec![]);

    let cased = HashMap::from([(
        "exits".to_owned(),
        FailAction {
            case_id: Some("01938f7e-7f4a-7c3e-9b1a-2f3d4e5f6a7b".into()),
            note: None,
        },
    )]);
    assert_eq!(problems(&answers, &cased), vec![]);

    // "na" is not a failure.
    answers.insert("exits".into(), Answer::text("na"));
    assert_eq!(problems(&answers, &no_actions()), vec![]);
}

#[test]
fn hidden_required_items_do_not_block() {
    let template = inspection_template();
    // Gas not used: hose and cylinder are hidden and need no answer, even a stale "fail".
    let mut answers = passing_answers();
    answers.insert("hose".into(), Answer::text("fail"));
    assert_eq!(problems(&answers, &no_actions()), vec![]);
    assert!(failed_items(&template, &answers).is_empty());
    let shown: Vec<&str> = visible_items(&template, &answers)
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        shown,
        vec![
            "exits",
            "uses_gas",
            "ext_count",
            "wiring",
            "remarks",
            "photos"
        ]
    );

    // Gas used: the hose must be answered; the cylinder only once LPG is among the kinds.
    answers.insert("uses_gas".into(), Answer::text("yes"));
    answers.remove("hose");
    assert_eq!(
        problems(&answers, &no_actions()),
        vec![p("hose", ProblemKind::Unanswered)]
    );
    answers.insert("hose".into(), Answer::text("pass"));
    answers.insert("kinds".into(), Answer::list(["pipeline", "lpg"]));
    assert_eq!(
        problems(&answers, &no_actions()),
        vec![p("cylinder", ProblemKind::Unanswered)]
    );

    // A chain: switching gas off hides kinds, and so the cylinder too.
    answers.insert("uses_gas".into(), Answer::text("no"));
    assert_eq!(problems(&answers, &no_actions()), vec![]);
}

#[test]
fn a_number_outside_its_bounds_counts_as_failed() {
    let template = inspection_template();
    let mut answers = passing_answers();
    answers.insert("ext_count".into(), Answer::number(1.0));
    let failed: Vec<&str> = failed_items(&template, &answers)
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(failed, vec!["ext_count"]);
    assert_eq!(
        problems(&answers, &no_actions()),
        vec![p("ext_count", ProblemKind::FailedWithoutAction)]
    );
    // The reading is still a valid answer: the failure is the finding.
    let item = template
        .item("ext_count")
        .unwrap_or_else(|| panic!("missing"));
    assert_eq!(check_answer(item, &Answer::number(1.0)), Ok(()));

    answers.insert("ext_count".into(), Answer::number(51.0));
    assert_eq!(failed_items(&template, &answers).len(), 1);
    for edge in [2.0, 50.0] {
        answers.insert("ext_count".into(), Answer::number(edge));
        assert!(failed_items(&template, &answers).is_empty(), "{edge}");
    }
}

#[test]
fn check_answer_rejects_wrong_types_with_the_field_path() {
    let template = inspection_template();
    let item = |id: &str| template.item(id).unwrap_or_else(|| panic!("{id} missing"));
    let field = |id: &str, answer: Answer| match check_answer(item(id), &answer) {
        Ok(()) => panic!("{id}: {answer:?} should be refused"),
        Err(e) => e.field,
    };
    assert_eq!(field("exits", Answer::text("ok")), "exits");
    assert_eq!(field("exits", Answer::number(1.0)), "exits");
    assert_eq!(field("ext_count", Answer::text("4")), "ext_count");
    assert_eq!(field("ext_count", Answer::number(f64::NAN)), "ext_count");
    assert_eq!(field("uses_gas", Answer::text("maybe")), "uses_gas");
    assert_eq!(field("uses_gas", Answer::list(["yes"])), "uses_gas");
    assert_eq!(field("kinds", Answer::list(["lpg", "coal"])), "kinds[1]");
    assert_eq!(field("kinds", Answer::list(["lpg", "lpg"])), "kinds[1]");
    assert_eq!(field("remarks", Answer::number(3.0)), "remarks");
    assert_eq!(field("photos", Answer::text(HASH)), "photos");
    assert_eq!(
        field("photos", Answer::list([HASH, "not-a-hash"])),
        "photos[1]"
    );
    assert_eq!(
        field("wiring", Answer::text("pass").with_photos(["abc"])),
        "wiring.photos[0]"
    );

    for (id, ok) in [
        ("exits", Answer::text("na")),
        ("ext_count", Answer::number(0.0)),
        ("uses_gas", Answer::text("yes")),
        ("kinds", Answer::list(["pipeline", "lpg"])),
        ("remarks", Answer::text("门口堆放杂物已清理")),
        ("photos", Answer::list([HASH])),
        ("wiring", Answer::text("fail").with_photos([HASH])),
    ] {
        assert_eq!(check_answer(item(id), &ok), Ok(()), "{id}");
    }

    // A wrongly typed answer also blocks completion, and its reason carries no answer text.
    let mut answers = passing_answers();
    answers.insert("ext_count".into(), Answer::text("13800138000"));
    let found = completion_problems(&template, &answers, &no_actions());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, ProblemKind::InvalidAnswer);
    assert!(
        !found[0].reason.contains("13800138000"),
        "{}",
        found[0].reason
    );
}

#[test]
fn answers_read_from_json() {
    let answers: Answers = serde_json::from_value(json!({
        "exits": "fail",
        "ext_count": 3,
        "kinds": ["lpg"],
        "wiring": { "value": "pass", "photos": [HASH] },
        "photos": [HASH]
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answers["exits"], Answer::text("fail"));
    assert_eq!(answers["ext_count"], Answer::number(3.0));
    assert_eq!(answers["kinds"], Answer::list(["lpg"]));
    assert_eq!(answers["wiring"], Answer::text("pass").with_photos([HASH]));
    assert_eq!(answers["wiring"].evidence(), [HASH.to_owned()]);
    let back = serde_json::to_value(&answers["wiring"]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, json!({ "value": "pass", "photos": [HASH] }));

    let odd: Result<Answer, _> = serde_json::from_value(json!({ "value": "pass", "extra": 1 }));
    assert!(odd.is_err());
}

// ---------------------------------------------------------------------------------------
// Templates delivered by a sync reply

fn wire_template(seq: u64, t: &ChecklistTemplate) -> gridkeeper_core::wire::WireTemplate {
    gridkeeper_core::wire::WireTemplate {
        seq,
        id: t.id.clone(),
        version: t.version,
        definition: serde_json::to_string(t).unwrap_or_else(|e| panic!("{e}")),
    }
}

#[test]
fn delivered_templates_install_once_and_unusable_ones_are_skipped_not_stuck() {
    let dir = tempdir();
    let mut store = gridkeeper_core::Store::init(dir.path().join("d.db"), Some("w"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.templates_seq().unwrap_or_else(|e| panic!("{e}")), 0);
    let fire = gridkeeper_core::checklist::builtin_template("fire_safety")
        .unwrap_or_else(|| panic!("built-in"));
    // A local copy of (street_check, 1) with other content than the server's.
    let mut local = fire.clone();
    local.id = "street_check".into();
    store
        .install_template(&local)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut server = local.clone();
    server.title = "街道自定义".into();
    let unreadable = gridkeeper_core::wire::WireTemplate {
        seq: 4,
        id: "future".into(),
        version: 1,
        definition:
            r#"{"id": "future", "version": 1, "title": "x", "sections": [], "new_field": 1}"#.into(),
    };
    let delivered = [
        wire_template(2, &fire),
        wire_template(3, &server),
        unreadable,
    ];
    let out = store
        .install_delivered_templates(&delivered)
        .unwrap_or_else(|e| panic!("{e}"));
    // fire_safety v1 was not installed before: it is now.
    assert_eq!(out.installed, [("fire_safety".to_string(), 1)]);
    let refused: Vec<(&str, &str)> = out
        .refused
        .iter()
        .map(|(id, _, why)| (id.as_str(), why.as_str()))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].0 == "future" && refused[0].1.contains("cannot read"),
        "{refused:?}"
    );
    assert!(
        refused[1].0 == "street_check" && refused[1].1.contains("different content"),
        "{refused:?}"
    );
    // The local copy stays; the position moves past everything delivered, so the device is
    // not asked to take the same refused versions on every sync.
    assert_eq!(
        store.template("street_check", 1).map(|t| t.title.clone()),
        Some(local.title.clone())
    );
    assert_eq!(store.templates_seq().unwrap_or_else(|e| panic!("{e}")), 4);
    // Delivered again (a reply replayed after a crash): harmless.
    let again = store
        .install_delivered_templates(&delivered[..1])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.installed.is_empty());
    assert_eq!(
        store.templates_seq().unwrap_or_else(|e| panic!("{e}")),
        4,
        "never goes back"
    );
    // And it survives reopening.
    drop(store);
    let store =
        gridkeeper_core::Store::open(dir.path().join("d.db")).unwrap_or_else(|e| panic!("{e}"));
    assert!(store.template("fire_safety", 1).is_some());
    assert_eq!(store.templates_seq().unwrap_or_else(|e| panic!("{e}")), 4);
}
