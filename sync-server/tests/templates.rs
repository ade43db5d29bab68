//! Checklist templates on the server: an administrator uploads an XLSForm and publishes a
//! version over HTTP (JSON API and the admin page, CSRF-checked); phones receive published
//! versions — never drafts — in their next sync, once. The storage rules (drafts replaceable,
//! published frozen, publish order) run on both backends:
//! `scripts/with-postgres cargo test -p gridkeeper-server --test templates`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;
mod support;

use std::collections::BTreeSet;

use gridkeeper_core::checklist::xlsform;
use gridkeeper_server::admin;
use gridkeeper_server::templates::{self, Issue, Status};
use gridkeeper_server::web::xlsform_words::{Part, column, error, issue};
use http_support::{Street, code, post_sync};
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use support::Backend;

/// A real .xlsx with the given sheets.
fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A shop checklist: two sections, a numeric reading, and one row (a `date`) the importer
/// cannot use — row 6 of the survey sheet.
fn shop_form(title: &str) -> Vec<u8> {
    workbook(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::zh",
                    "label::en",
                    "required",
                    "hazard_category",
                    "severity",
                ],
                &["begin group", "fire", "消防", "Fire"],
                &[
                    "pass_fail_na",
                    "extinguisher",
                    "灭火器完好",
                    "Extinguisher OK",
                    "yes",
                    "fire",
                    "high",
                ],
                &[
                    "pass_fail_na",
                    "exits",
                    "安全出口畅通",
                    "Exits clear",
                    "yes",
                    "fire",
                    "critical",
                ],
                &["end group"],
                &["date", "checked_on", "检查日期", "Date"],
                &["begin group", "gas", "燃气", "Gas"],
                &[
                    "pass_fail_na",
                    "hose",
                    "燃气软管未老化",
                    "Gas hose sound",
                    "yes",
                    "gas",
                    "high",
                ],
                &["end group"],
            ],
        ),
        ("settings", &[&["form_title"], &[title]]),
    ])
}

async fn upload(
    street: &Street,
    token: &str,
    id: &str,
    version: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let resp = street
        .relay
        .http
        .post(format!(
            "{}/v1/admin/templates?id={id}&version={version}",
            street.base()
        ))
        .bearer_auth(token)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn publish(street: &Street, token: &str, id: &str, version: &str) -> (u16, Value) {
    let resp = street
        .relay
        .http
        .post(format!(
            "{}/v1/admin/templates/{id}/{version}/publish",
            street.base()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn listed(street: &Street) -> Vec<Value> {
    street
        .relay
        .http
        .get(format!("{}/v1/admin/templates", street.base()))
        .bearer_auth(&street.admin_token)
        .send()
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_templates_reach_phones_once_and_drafts_never() {
    let street = http_support::start().await.street().await;
    let root = street.admin_token.clone();

    // Bytes that are no workbook: a typed 400 naming the problem, and nothing stored.
    let (status, body) = upload(
        &street,
        &root,
        "shop_check",
        "1",
        b"not a workbook".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "invalid_xlsform");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a readable spreadsheet"),
        "{body}"
    );
    // A workbook without a survey sheet names the sheet.
    let (status, body) = upload(
        &street,
        &root,
        "shop_check",
        "1",
        workbook(&[("choices", &[&["list_name", "name", "label"]])]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_xlsform");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`survey`"),
        "{body}"
    );
    for (id, version, code) in [
        ("Bad Id", "1", "invalid_template_id"),
        ("shop_check", "0", "invalid_version"),
        ("shop_check", "one", "invalid_version"),
    ] {
        let (status, body) = upload(&street, &root, id, version, shop_form("商铺")).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some(code)));
    }
    assert!(listed(&street).await.is_empty(), "nothing stored");

    // Only administrators upload or publish.
    let sup = admin::console_token(&street.relay.storage, "super-c1")
        .await
        .unwrap();
    let (status, _) = upload(&street, &sup, "shop_check", "1", shop_form("商铺")).await;
    assert_eq!(status, 403);

    // An upload is a draft, with the import report: the `date` row, by sheet/row/column.
    let (status, body) = upload(&street, &root, "shop_check", "1", shop_form("商铺检查")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "draft");
    assert_eq!(body["seq"], Value::Null);
    assert_eq!(body["definition"]["title"], "商铺检查");
    assert_eq!(body["definition"]["sections"].as_array().unwrap().len(), 2);
    let issues = body["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(
        (&issues[0]["sheet"], &issues[0]["row"], &issues[0]["column"]),
        (
            &Value::from("survey"),
            &Value::from(6),
            &Value::from("type")
        )
    );
    // A draft may be replaced.
    let (status, body) = upload(&street, &root, "shop_check", "1", shop_form("商铺安全检查")).await;
    assert_eq!(status, 201);
    assert_eq!(body["title"], "商铺安全检查");

    // A phone syncing now receives no draft.
    let mut phone = street.enroll("worker-a").await;
    let req = phone.request(&["g1"]);
    assert_eq!(req.templates_seq, Some(0));
    let (resp, _) = phone.round(&street.relay).await;
    assert!(resp.templates.is_empty());
    assert!(phone.store.template("shop_check", 1).is_none());

    // Publish; the version is frozen.
    let (status, sup_publish) = publish(&street, &sup, "shop_check", "1").await;
    assert_eq!(status, 403, "{sup_publish}");
    assert_eq!(publish(&street, &root, "shop_check", "9").await.0, 404);
    let (status, body) = publish(&street, &root, "shop_check", "1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "published");
    assert_eq!(body["seq"], 1);
    let (status, body) = publish(&street, &root, "shop_check", "1").await;
    assert_eq!(
        (status, code(&body.to_string()).as_str()),
        (409, "already_published")
    );
    let (status, body) = upload(&street, &root, "shop_check", "1", shop_form("改")).await;
    assert_eq!(
        (status, code(&body.to_string()).as_str()),
        (409, "version_not_higher")
    );
    assert_eq!(listed(&street).await[0]["title"], "商铺安全检查");

    // The phone receives it, installed and usable; the next round sends nothing again.
    let (resp, report) = phone.round(&street.relay).await;
    assert_eq!(resp.templates.len(), 1);
    assert_eq!(
        report.templates_installed,
        vec![("shop_check".to_string(), 1)]
    );
    let t = phone.store.template("shop_check", 1).expect("installed");
    assert_eq!(t.title, "商铺安全检查");
    assert_eq!(
        t.items().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["extinguisher", "exits", "hose"]
    );
    assert_eq!(phone.store.templates_seq().unwrap(), 1);
    let (resp, report) = phone.round(&street.relay).await;
    assert!(
        resp.templates.is_empty(),
        "sent again: {:?}",
        resp.templates
    );
    assert!(report.templates_installed.is_empty());

    // A newer draft is not delivered; published, it is — and only it.
    let (status, _) = upload(&street, &root, "shop_check", "2", shop_form("商铺检查二")).await;
    assert_eq!(status, 201);
    let (resp, _) = phone.round(&street.relay).await;
    assert!(resp.templates.is_empty());
    assert_eq!(publish(&street, &root, "shop_check", "2").await.0, 200);
    let (resp, _) = phone.round(&street.relay).await;
    assert_eq!(
        resp.templates
            .iter()
            .map(|t| (t.id.as_str(), t.version, t.seq))
            .collect::<Vec<_>>(),
        [("shop_check", 2, 2)]
    );
    assert!(phone.store.template("shop_check", 2).is_some());

    // A second phone, new, receives both in one round; an old client (no templates_seq)
    // receives none, so its strict decoder never meets the new field.
    let mut fresh = street.enroll("worker-a").await;
    let (resp, _) = fresh.round(&street.relay).await;
    assert_eq!(resp.templates.len(), 2);
    let mut old = fresh.request(&["g1"]);
    old.templates_seq = None;
    let (status, resp, _) = post_sync(
        &street.relay,
        Some(&fresh.token),
        gridkeeper_core::wire::encode(&old),
    )
    .await;
    assert_eq!(status, 200);
    assert!(resp.unwrap().templates.is_empty());
}

conformance!(drafts_replace_published_freeze_and_order_holds);

async fn drafts_replace_published_freeze_and_order_holds(b: &Backend) {
    let s = b.storage.as_ref();
    let form = shop_form("商铺检查");
    let t = templates::import(s, "u1", "shop_check", 1, &form)
        .await
        .unwrap();
    assert_eq!((t.status, t.seq, t.issues.len()), (Status::Draft, None, 1));
    assert_eq!(t.issues[0].row, 6);
    let again = templates::import(s, "u2", "shop_check", 1, &shop_form("第二稿"))
        .await
        .unwrap();
    assert_eq!(
        (again.title.as_str(), again.imported_by.as_str()),
        ("第二稿", "u2")
    );
    assert!(
        templates::published_after(s, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let other = templates::import(s, "u1", "gas_check", 3, &form)
        .await
        .unwrap();
    assert_eq!(other.version, 3);
    let p1 = templates::publish(s, "u9", "gas_check", 3).await.unwrap();
    let p2 = templates::publish(s, "u9", "shop_check", 1).await.unwrap();
    assert_eq!((p1.seq, p2.seq), (Some(1), Some(2)));
    assert_eq!(p2.published_by.as_deref(), Some("u9"));
    assert_eq!(
        templates::publish(s, "u9", "shop_check", 1)
            .await
            .unwrap_err()
            .code,
        "already_published"
    );
    assert_eq!(
        templates::import(s, "u1", "shop_check", 1, &form)
            .await
            .unwrap_err()
            .code(),
        "version_not_higher"
    );
    assert_eq!(
        templates::publish(s, "u9", "nope", 1)
            .await
            .unwrap_err()
            .code,
        "not_found"
    );
    // A lower draft cannot be published above a higher published version.
    templates::import(s, "u1", "gas_check", 4, &form)
        .await
        .unwrap();
    templates::publish(s, "u9", "gas_check", 4).await.unwrap();
    assert_eq!(
        templates::import(s, "u1", "gas_check", 2, &form)
            .await
            .unwrap_err()
            .code(),
        "version_not_higher"
    );

    let after = |n| async move {
        templates::published_after(s, n, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|(seq, id, v, _)| (seq, id, v))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        after(0).await,
        [
            (1, "gas_check".to_string(), 3),
            (2, "shop_check".to_string(), 1),
            (3, "gas_check".to_string(), 4)
        ]
    );
    assert_eq!(after(2).await, [(3, "gas_check".to_string(), 4)]);
    let all = templates::list(s).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|t| t.status == Status::Published));
    assert_eq!(
        all[0].definition.sections[0].items[0]
            .hazard_category
            .as_deref(),
        Some("fire")
    );
}

// ---------------------------------------------------------------------------------------
// The import report in words: workbooks with every kind of problem, imported by core,
// stored as the relay stores them and worded as the import report page words them.

/// Parts back to words, values in backticks.
fn text(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| {
            if p.code {
                format!("`{}`", p.text)
            } else {
                p.text.clone()
            }
        })
        .collect()
}

/// (sheet, row, column, Chinese words) of every issue, in the report's order, after a
/// round trip through the relay's stored form.
fn report(sheets: &[(&str, &[&[&str]])]) -> Vec<(String, u32, String, String)> {
    let report = xlsform::import(&workbook(sheets), "shop_check", 1).unwrap();
    report
        .issues
        .iter()
        .map(|i| {
            let stored = Issue::from(i.clone());
            let json = serde_json::to_string(&stored).unwrap();
            let back: Issue = serde_json::from_str(&json).unwrap();
            assert_eq!(back, stored, "{json}");
            (
                back.sheet.clone(),
                back.row,
                column(&back.column, true).text,
                text(&issue(&back, true)),
            )
        })
        .collect()
}

const P: &str = "pass_fail_na";

#[test]
fn every_kind_of_problem_in_chinese() {
    // type, name, label::zh, label::en, label::fr, relevant, constraint, calculation,
    // required, hazard_category, severity, hint, (no header)
    #[rustfmt::skip]
    let survey: &[&[&str]] = &[
        &[
            "type", "name", "label::zh", "label::en", "label::fr", "relevant",
            "constraint", "calculation", "required", "hazard_category", "severity",
            "hint",
        ],
        &[P, "exits", "安全出口畅通", "Exits clear", "Sorties", "", "", "", "yes", "fire", "high", "提示", "x"], // 2
        &["calculate", "total", "", "", "", "", "", "1+1"], // 3
        &["integer", "count", "灭火器数量", "", "", "", ". >= 5 and . <= 1"], // 4
        &["decimal", "width", "通道宽度", "", "", "", ". > 1.1"], // 5
        &["integer", "floors", "楼层数", "", "", "", "between 1 and 9"], // 6
        &["text", "remark", "备注", "", "", "", ". >= 0"], // 7
        &["text", "remark2", "备注二", "", "", "", "", "1+1"], // 8
        &["text", "remark3", "备注三", "", "", "", "", "", "maybe"], // 9
        &["text", "remark4", "备注四", "", "", "", "", "", "", "fire"], // 10
        &[P, "lights", "应急照明", "", "", "", "", "", "", "火灾"], // 11
        &[P, "alarm", "报警器", "", "", "", "", "", "", "", "urgent"], // 12
        &[P, "", "无名"], // 13
        &[P, "1bad", "坏名"], // 14
        &[P, "exits", "重复"], // 15
        &[P, "english_only", "", "English only"], // 16
        &[P, "nolabel"], // 17
        &["text", "self_ref", "自引用", "", "", "${self_ref} = 'x'"], // 18
        &["text", "bad_pass", "值错", "", "", "${exits} = 'maybe'"], // 19
        &["text", "on_total", "引用计算", "", "", "${total} = '1'"], // 20
        &["text", "on_later", "引用后面", "", "", "${later} = '1'"], // 21
        &["text", "complex", "复杂", "", "", "${count} > 3"], // 22
        &["text", "not_number", "非数字", "", "", "${count} = 'many'"], // 23
        &["image", "photo", "照片"], // 24
        &["text", "on_photo", "看照片", "", "", "${photo} = 'x'"], // 25
        &["select_one yn", "yes_no", "是否"], // 26
        &["text", "not_choice", "非选项", "", "", "${yes_no} = 'perhaps'"], // 27
        &["select_one yn or_other", "other_q", "其他"], // 28
        &["select_one", "nolist_q", "无列表"], // 29
        &["select_one nosuch", "missing_q", "缺列表"], // 30
        &["", "notype", "无类型"], // 31
        &["date", "checked_on", "日期"], // 32
        &["end group"], // 33
        &["end repeat"], // 34
        &["begin group", "fire", "消防", "", "", "${exits} = 'pass'"], // 35
        &["begin group", "inner", "内层"], // 36
        &[P, "exit_signs", "疏散标志"], // 37
        &["end group"], // 38
        &["end group"], // 39
        &["begin group", "", "无名组"], // 40
        &[P, "a1", "甲"], // 41
        &["end group"], // 42
        &["begin group", "fire", "又一个消防"], // 43
        &[P, "a2", "乙"], // 44
        &["end group"], // 45
        &["begin group", "nolabel_group"], // 46
        &[P, "a3", "丙"], // 47
        &["end group"], // 48
        &["begin group", "empty_group", "空组"], // 49
        &["note", "n", "说明"], // 50
        &["end group"], // 51
        &["begin repeat", "rooms", "房间"], // 52
        &["text", "room_name", "房间名"], // 53
        &["end repeat"], // 54
        &["begin group", "open_group", "未结束"], // 55
        &[P, "a4", "丁"], // 56
        &["begin repeat", "floors_rep", "楼层"], // 57
        &["text", "floor_name", "楼层名"], // 58
    ];
    #[rustfmt::skip]
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["yn", "yes", "是"],
        &["yn", "no", "否"],
        &["", "orphan", "孤儿"], // 4
        &["yn", "", "空"], // 5
        &["yn", "yes", "又是"], // 6
        &["yn", "maybe"], // 7
    ];
    let settings: &[&[&str]] = &[
        &["form_title", "place_types"],
        &["商铺检查", "shop, 出租屋"],
    ];
    let got = report(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ]);
    let s = |row: u32, column: &str, words: &str| {
        (
            "survey".to_string(),
            row,
            column.to_string(),
            words.to_string(),
        )
    };
    let shown = "该问题始终显示";
    #[rustfmt::skip]
    let mut expected = vec![
        s(1, "label::fr", "只导入中文和英文标签；此列已忽略"),
        s(1, "hint", "不支持此列；列中的值已忽略"),
        s(1, "（无表头）", "不支持此列；列中的值已忽略"),
        s(3, "type", "不支持计算字段（`calculate`）；此行已跳过"),
        s(4, "constraint", "约束 `. >= 5 and . <= 1` 永远无法满足；已忽略"),
        s(5, "constraint", "`. > 1.1` 中的严格不等号按含边界处理：读数恰好等于边界时视为合格"),
        s(6, "constraint", "约束 `between 1 and 9` 不是数值范围（如 `. >= 0 and . <= 100`）；已忽略"),
        s(7, "constraint", "只为整数和小数问题导入约束；已忽略"),
        s(8, "calculation", "不支持计算；已忽略"),
        s(9, "required", "此处只接受是或否（`yes`、`no`），`maybe` 不支持；按“否”处理"),
        s(10, "hazard_category", "只有合格/不合格项和数值项会不合格；已忽略"),
        s(11, "hazard_category", "`火灾` 不是隐患类别名称（如 `fire`、`electric`、`gas`）；已忽略"),
        s(12, "severity", "`urgent` 不是低、中、高或严重（`low`、`medium`、`high`、`critical`）；已忽略"),
        s(13, "name", "问题没有名称；此行已跳过"),
        s(14, "type", "名称 `1bad` 须以字母开头，只含字母、数字、`_` 或 `-`；此行已跳过"),
        s(15, "name", "名称 `exits` 已被前面的问题使用；此行已跳过"),
        s(16, "label", "问题没有中文标签；使用英文标签"),
        s(17, "label", "问题没有标签；以其名称代替"),
        s(18, "relevant", &format!("条件 `${{self_ref}} = 'x'` 引用了问题自身；{shown}")),
        s(19, "relevant", &format!("条件 `${{exits}} = 'maybe'` 中的值 `maybe` 必须是 `pass`、`fail` 或 `na`（所引用的是合格/不合格项）；{shown}")),
        s(20, "relevant", &format!("条件 `${{total}} = '1'` 引用的 `total` 未被导入；{shown}")),
        s(21, "relevant", &format!("条件 `${{later}} = '1'` 引用的 `later` 不是前面的问题；{shown}")),
        s(22, "relevant", &format!("不支持条件 `${{count}} > 3`（只支持 `${{item}} = 'value'` 或 `selected(${{item}}, 'value')`）；{shown}")),
        s(23, "relevant", &format!("条件 `${{count}} = 'many'` 中的值 `many` 必须是数字（所引用的是数值项）；{shown}")),
        s(25, "relevant", &format!("条件 `${{photo}} = 'x'` 中的值 `x` 无效：条件不能依赖照片项；{shown}")),
        s(27, "relevant", &format!("条件 `${{yes_no}} = 'perhaps'` 中的值 `perhaps` 不是所引用问题的选项之一；{shown}")),
        s(28, "type", "不支持 `or_other`；不提供“其他”选项"),
        s(29, "type", "`select_one` 没有指明选项列表；此行已跳过"),
        s(30, "type", "选项列表 `nosuch` 不在 `choices` 工作表中；此行已跳过"),
        s(31, "type", "此行没有类型；已跳过"),
        s(32, "type", "不支持类型 `date`；此行已跳过"),
        s(33, "type", "`end group` 没有对应的 `begin group`；已忽略"),
        s(34, "type", "`end repeat` 没有对应的 `begin repeat`；已忽略"),
        s(35, "relevant", "不支持分组的显示条件；分组中的问题始终显示"),
        s(36, "type", "不支持嵌套分组；其中的问题并入分组 `fire`"),
        s(40, "name", "分组没有有效名称；改用 `group_40`"),
        s(43, "name", "分组名称 `fire` 已被前面的分组使用；改用 `fire_2`"),
        s(46, "label", "分组没有标签；以其名称作为分组标题"),
        s(49, "type", "分组 `empty_group` 中没有可导入的问题；未建立该分组"),
        s(52, "type", "不支持重复组（`begin repeat`）；第 52–54 行已跳过"),
        s(55, "type", "分组没有结束（缺少 `end group`），一直延续到工作表末尾"),
        s(57, "type", "不支持重复组（`begin repeat`），且该重复组没有结束；第 57–58 行已跳过"),
        ("choices".into(), 4, "list_name".into(), "选项没有列表名（`list_name`）；已跳过".into()),
        ("choices".into(), 5, "name".into(), "列表 `yn` 中的选项没有名称；已跳过".into()),
        ("choices".into(), 6, "name".into(), "选项 `yes` 在列表 `yn` 中出现两次；已跳过".into()),
        ("choices".into(), 7, "label".into(), "选项 `maybe` 没有标签；以其名称代替".into()),
        ("settings".into(), 2, "place_types".into(), "`出租屋` 不是场所类型名称（如 `shop`、`rental`）；已忽略".into()),
    ];
    let mut got_sorted = got.clone();
    got_sorted.sort();
    expected.sort();
    assert_eq!(got_sorted, expected, "{got:#?}");

    // A select whose list needs a choices sheet the form does not have.
    let lone: &[&[&str]] = &[
        &["type", "name", "label"],
        &[P, "exits", "安全出口畅通"],
        &["select_multiple kinds", "kinds_q", "种类"],
    ];
    assert_eq!(
        report(&[("survey", lone)]),
        [s(
            3,
            "type",
            "需要选项列表 `kinds`，但表单没有 `choices` 工作表；此行已跳过"
        )]
    );

    // The two forms hold every kind of problem there is: the API's description names each
    // code, and no other.
    let mut codes = BTreeSet::new();
    for sheets in [
        &[
            ("survey", survey),
            ("choices", choices),
            ("settings", settings),
        ][..],
        &[("survey", lone)][..],
    ] {
        let report = xlsform::import(&workbook(sheets), "shop_check", 1).unwrap();
        for i in report.issues {
            let json = serde_json::to_value(Issue::from(i)).unwrap();
            codes.insert(json["code"].as_str().unwrap().to_string());
        }
    }
    let doc: Value = serde_json::from_str(include_str!("../src/openapi.json")).unwrap();
    let described: BTreeSet<String> =
        doc["components"]["schemas"]["Issue"]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
    assert_eq!(codes, described);
}

#[test]
fn every_import_error_in_chinese() {
    let failed = |bytes: &[u8]| {
        let e = xlsform::import(bytes, "shop_check", 1).expect_err("refused");
        (text(&error(&e, true)), text(&error(&e, false)))
    };
    let cases: [(Vec<u8>, &str); 5] = [
        (
            b"not a workbook".to_vec(),
            "不是可读取的电子表格（.xlsx、.xls 或 .ods）",
        ),
        (
            workbook(&[("choices", &[&["list_name", "name", "label"]])]),
            "工作簿中没有 `survey` 工作表",
        ),
        (
            workbook(&[("survey", &[&["type", "label"], &[P, "出口"]])]),
            "`survey` 工作表缺少 `name` 列",
        ),
        (
            workbook(&[
                (
                    "survey",
                    &[&["type", "name", "label"], &[P, "exits", "出口"]],
                ),
                (
                    "choices",
                    &[&["list", "name", "label"], &["yn", "yes", "是"]],
                ),
            ]),
            "`choices` 工作表缺少 `list_name` 列",
        ),
        (
            workbook(&[(
                "survey",
                &[&["type", "name", "label"], &["geopoint", "loc", "位置"]],
            )]),
            "表单中没有能成为巡查模板的内容（`sections`）",
        ),
    ];
    for (bytes, zh) in cases {
        let (got, en) = failed(&bytes);
        assert_eq!(got, zh);
        assert!(
            en.is_ascii() && !en.is_empty(),
            "English under the switch: {en}"
        );
    }
}

#[test]
fn english_under_the_switch_and_old_reports() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &[P, "a", "甲"],
        &["date", "d", "日期"],
    ];
    let report = xlsform::import(&workbook(&[("survey", survey)]), "x", 1).unwrap();
    let i = &report.issues[0];
    let stored = Issue::from(i.clone());
    assert_eq!(
        text(&issue(&stored, false)),
        "type `date` is not supported; row skipped"
    );
    // A report stored before codes: words only, read back without a kind.
    let old: Issue = serde_json::from_str(
        r#"{"sheet":"survey","row":3,"column":"type","message":"type `date` is not supported; row skipped"}"#,
    )
    .unwrap();
    assert_eq!(old.kind, None);
    assert_eq!(text(&issue(&old, false)), old.message);
    assert!(text(&issue(&old, true)).contains("重新上传"));
}
