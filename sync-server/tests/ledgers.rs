//! The office's ledgers (台账) against a month of records whose every cell was worked out by
//! hand from the fixture below (the `expected` tables), not by running the ledger code. The
//! records reach the relay from real phones over real HTTP; the spreadsheets come back over
//! HTTP and are read cell by cell. On SQLite, and on PostgreSQL under
//! `scripts/with-postgres`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;
mod support;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::Utc;
use gridkeeper_core::{Kind, RecordId};
use gridkeeper_server::admin;
use gridkeeper_server::reports::audit;
use gridkeeper_server::reports::scope::local_date;
use gridkeeper_server::storage::Role;
use http_support::{Device, Street};
use serde_json::{Value, json};
use support::Backend;

conformance!(a_month_of_records_becomes_the_offices_ledgers);

const PERIOD: &str = "node=c1&from=2026-11-01&to=2026-11-30";

fn household(d: &mut Device, grid: &str, building: &str, room: &str, members: Value) -> RecordId {
    d.store
        .create_json(
            Kind::Household,
            grid,
            json!({"address": {"community": "幸福社区", "compound": "幸福里", "building": building, "room": room},
                   "housing_type": "owner_occupied", "members": members}),
        )
        .unwrap()
}

fn visit(d: &mut Device, grid: &str, h: RecordId, at: &str, extra: Value) -> RecordId {
    let mut v = json!({"subject": {"kind": "household", "id": h.to_string()}, "visited_at": at});
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    d.store.create_json(Kind::Visit, grid, v).unwrap()
}

fn case(d: &mut Device, grid: &str, body: Value) -> RecordId {
    d.store.create_json(Kind::Case, grid, body).unwrap()
}

/// A timeline entry as worker-a's phone writes it (`Case::act` signs each with the user).
fn entry(action: &str, at: &str, more: Value) -> Value {
    let mut e = json!({"action": action, "at": at, "by": "worker-a"});
    e.as_object_mut()
        .unwrap()
        .extend(more.as_object().unwrap().clone());
    e
}

/// Street s1: c1 幸福社区 (g1 第一网格, g2 第二网格) and c2 (g3). worker-a works g1,
/// worker-c g2, worker-b g3 (outside c1, so none of theirs may show).
async fn fixture(backend: &Backend) -> Street {
    let street = http_support::start_over(backend.storage.clone())
        .await
        .street()
        .await;
    let s = &street.relay.storage;
    admin::add_user(s, "worker-c", Role::Worker, &["g2".into()])
        .await
        .unwrap();
    let mut a = street.enroll("worker-a").await;
    let mut b = street.enroll("worker-b").await;
    let mut c = street.enroll("worker-c").await;

    let h1 = household(
        &mut a,
        "g1",
        "1",
        "101",
        json!([{"id": "m-zhang", "name": "张奶奶", "gender": "female", "birth_date": "1949-12-31",
                "id_number": "11010519491231002X", "phone": "13812345678", "tags": ["solitary_elderly"]}]),
    );
    let h2 = household(
        &mut a,
        "g1",
        "1",
        "102",
        json!([{"id": "m-li", "name": "李四"},
               {"id": "m-xiao", "name": "小明", "birth_date": "2016-03-01", "tags": ["left_behind_child"]},
               {"id": "m-zhao", "name": "赵六", "tags": ["key_person"]}]),
    );
    let h3 = household(
        &mut c,
        "g2",
        "2",
        "201",
        json!([{"id": "m-qian", "name": "钱七", "gender": "female", "tags": ["empty_nest_elderly"]}]),
    );
    let h5 = household(
        &mut b,
        "g3",
        "9",
        "901",
        json!([{"id": "m-sun", "name": "孙八", "tags": ["solitary_elderly"]}]),
    );
    let p1 = a
        .store
        .create_json(
            Kind::Place,
            "g1",
            json!({"name": "好又多超市", "place_type": "shop",
            "address": {"community": "幸福社区", "building": "1", "room": "商1"}}),
        )
        .unwrap();

    // An errand raised on the visit of 3 November, done the next day.
    let errand = case(
        &mut a,
        "g1",
        json!({"category": "errand", "description": "代购降压药", "subject": {"kind": "household", "id": h1.to_string()},
               "reported_at": "2026-11-03T02:10:00Z", "deadline": "2026-11-06T02:10:00Z",
               "timeline": [entry("report", "2026-11-03T02:10:00Z", json!({})),
                            entry("accept", "2026-11-03T02:20:00Z", json!({})),
                            entry("start", "2026-11-04T01:00:00Z", json!({})),
                            entry("resolve", "2026-11-04T08:00:00Z", json!({"note": "药品已送到"}))]}),
    );
    // Visits. 2026-10-31T16:30Z is 1 November 00:30 in China: inside the month;
    // 2026-11-30T16:30Z is 1 December there: outside.
    visit(
        &mut a,
        "g1",
        h2,
        "2026-10-31T16:30:00Z",
        json!({"findings": "小明由祖母照看，学习正常"}),
    );
    visit(
        &mut a,
        "g1",
        h1,
        "2026-11-03T02:00:00Z",
        json!({"purpose": "special_group_care", "members_seen": ["m-zhang"], "findings": "身体尚好，需要代购药品",
               "raised_cases": [errand.to_string()]}),
    );
    visit(
        &mut a,
        "g1",
        h2,
        "2026-11-10T01:30:00Z",
        json!({"members_seen": ["m-li"]}),
    );
    visit(
        &mut a,
        "g1",
        h2,
        "2026-11-30T16:30:00Z",
        json!({"findings": "十二月的走访"}),
    );
    visit(
        &mut c,
        "g2",
        h3,
        "2026-11-20T06:00:00Z",
        json!({"purpose": "special_group_care", "members_seen": ["m-qian"], "findings": "独居，子女每周探望"}),
    );
    visit(
        &mut b,
        "g3",
        h5,
        "2026-11-05T02:00:00Z",
        json!({"findings": "另一个社区"}),
    );

    // Hazards: one dispatched, rectified and rechecked; one overdue; one from October.
    case(
        &mut a,
        "g1",
        json!({"category": "hazard", "subcategory": "fire", "description": "楼道堆放杂物堵塞消防通道",
               "subject": {"kind": "place", "id": p1.to_string()},
               "reported_at": "2026-11-04T02:00:00Z", "deadline": "2026-11-11T02:00:00Z",
               "timeline": [entry("report", "2026-11-04T02:00:00Z", json!({})),
                            entry("accept", "2026-11-04T03:00:00Z", json!({"dispatch_to": "物业公司", "handle_by": "2026-11-10", "note": "通知物业清理"})),
                            entry("start", "2026-11-05T02:00:00Z", json!({"note": "物业开始清理"})),
                            entry("resolve", "2026-11-08T02:00:00Z", json!({"handler": "物业公司", "note": "杂物已清理"})),
                            entry("verify", "2026-11-12T02:00:00Z", json!({"note": "复查通道畅通"}))]}),
    );
    case(
        &mut a,
        "g1",
        json!({"category": "hazard", "subcategory": "gas", "description": "燃气软管老化",
               "subject": {"kind": "household", "id": h2.to_string()},
               "reported_at": "2026-11-15T02:00:00Z", "deadline": "2026-11-20T02:00:00Z",
               "timeline": [entry("report", "2026-11-15T02:00:00Z", json!({})),
                            entry("accept", "2026-11-15T03:00:00Z", json!({}))]}),
    );
    case(
        &mut a,
        "g1",
        json!({"category": "hazard", "subcategory": "electric", "description": "私拉电线",
               "reported_at": "2026-10-20T02:00:00Z", "deadline": "2026-10-25T02:00:00Z",
               "timeline": [entry("report", "2026-10-20T02:00:00Z", json!({}))]}),
    );
    case(
        &mut a,
        "g1",
        json!({"category": "environment", "description": "垃圾桶满溢",
               "reported_at": "2026-11-25T01:00:00Z", "deadline": "2026-11-27T01:00:00Z",
               "timeline": [entry("report", "2026-11-25T01:00:00Z", json!({}))]}),
    );

    // Disputes: one settled with a follow-up, one still open, one from October.
    a.store
        .create_json(
            Kind::Mediation,
            "g1",
            json!({"dispute_type": "neighbour", "risk_level": "high", "opened_on": "2026-11-06",
                   "parties": [{"name": "张三", "phone": "13900001111"}, {"name": "李四"}],
                   "narrative": "楼上漏水引发争执",
                   "sessions": [{"id": "s1", "date": "2026-11-07", "outcome": "初步协商"},
                                {"id": "s2", "date": "2026-11-09", "outcome": "达成赔偿协议"}],
                   "result": "agreement", "agreement_text": "楼上承担维修费用",
                   "follow_ups": [{"id": "f1", "due": "2026-11-20", "done_on": "2026-11-19", "note": "双方无异议"}]}),
        )
        .unwrap();
    c.store
        .create_json(
            Kind::Mediation,
            "g2",
            json!({"dispute_type": "family", "risk_level": "low", "opened_on": "2026-11-25",
                   "parties": [{"name": "王某"}, {"name": "王某某"}], "narrative": "赡养老人分歧"}),
        )
        .unwrap();
    a.store
        .create_json(
            Kind::Mediation,
            "g1",
            json!({"dispute_type": "labour", "risk_level": "low", "opened_on": "2026-10-02",
                   "parties": [{"name": "甲"}, {"name": "乙"}], "narrative": "十月的纠纷"}),
        )
        .unwrap();

    // 民情日志 entries: worker-a corrected 10 November and wrote up the 11th, when nothing
    // else was recorded; a draft of the 15th was never submitted; a diary worker-c's phone
    // wrote in worker-a's name is not worker-a's word.
    let diary = |day: &str, worker: &str, words: [&str; 4], submitted: bool| {
        let mut d = json!({"day": day, "worker": worker, "visited": words[0], "problems": words[1],
                           "measures": words[2], "results": words[3]});
        if submitted {
            d["submitted_at"] = json!(format!("{day}T10:00:00Z"));
        }
        d
    };
    for (day, submitted) in [
        ("2026-11-10", true),
        ("2026-11-11", true),
        ("2026-11-15", false),
    ] {
        a.store
            .create_json(
                Kind::Diary,
                "g1",
                diary(day, "worker-a", OWN_DIARY, submitted),
            )
            .unwrap();
    }
    c.store
        .create_json(
            Kind::Diary,
            "g2",
            diary("2026-11-12", "worker-a", ["", "冒名的问题", "", ""], true),
        )
        .unwrap();
    for d in [&mut a, &mut b, &mut c] {
        d.sync(&street.relay).await;
    }
    street
}

async fn get(street: &Street, token: &str, path: &str) -> reqwest::Response {
    street
        .relay
        .http
        .get(format!("{}{path}", street.base()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Every cell of the first sheet as text, rows trimmed of trailing blanks.
async fn sheet(street: &Street, token: &str, ledger: &str) -> Vec<Vec<String>> {
    let resp = get(
        street,
        token,
        &format!("/v1/ledgers/{ledger}?{PERIOD}&format=xlsx"),
    )
    .await;
    assert_eq!(resp.status(), 200, "{ledger}");
    let bytes = resp.bytes().await.unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let (r0, c0) = range.start().unwrap();
    assert_eq!((r0, c0), (0, 0), "the title starts at A1");
    range
        .rows()
        .map(|r| {
            let mut cells: Vec<String> = r
                .iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            cells
        })
        .collect()
}

fn rows(expected: &[&[&str]]) -> Vec<Vec<String>> {
    expected
        .iter()
        .map(|r| {
            let mut r: Vec<String> = r.iter().map(|c| c.to_string()).collect();
            while r.last().is_some_and(String::is_empty) {
                r.pop();
            }
            r
        })
        .collect()
}

/// The title, the unit and period line, then `body`, a blank row and the signature line.
fn framed(title: &str, body: &[&[&str]]) -> Vec<Vec<String>> {
    let today = local_date(Utc::now()).to_string();
    let sign = format!("填表人：              审核人：              填报日期：{today}");
    let mut all: Vec<&[&str]> = vec![&[], &[]];
    all.extend_from_slice(body);
    all.push(&[]);
    let mut out = rows(&all);
    out[0] = vec![title.to_string()];
    out[1] = vec!["填报单位：幸福街道 幸福社区    统计期间：2026-11-01 至 2026-11-30".to_string()];
    out.push(vec![sign]);
    out
}

/// worker-a's own words for 10 and 11 November, submitted from the phone.
const OWN_DIARY: [&str; 4] = [
    "幸福里1栋102（日常走访）",
    "李四反映楼道灯坏",
    "已报物业",
    "物业当天修好",
];
const A101: &str = "幸福社区 幸福里 1 101";
const A102: &str = "幸福社区 幸福里 1 102";
const A201: &str = "幸福社区 幸福里 2 201";
const FIRE: &str = "安全隐患（消防）：楼道堆放杂物堵塞消防通道";

async fn a_month_of_records_becomes_the_offices_ledgers(backend: &Backend) {
    let street = fixture(backend).await;
    let s = &street.relay.storage;
    let supervisor = admin::console_token(s, "super-c1").await.unwrap();

    // A diary is its worker's: no phone is sent one, not even another of theirs.
    let mut second = street.enroll("worker-a").await;
    second.sync(&street.relay).await;
    assert!(
        second
            .store
            .record_ids(Some(Kind::Diary))
            .unwrap()
            .is_empty()
    );
    assert!(
        !second
            .store
            .record_ids(Some(Kind::Visit))
            .unwrap()
            .is_empty()
    );

    let visits = sheet(&street, &supervisor, "visits").await;
    assert_eq!(
        visits,
        framed(
            "幸福社区走访台账",
            &[
                &[
                    "序号",
                    "走访日期",
                    "网格",
                    "走访对象",
                    "走访事由",
                    "见到人员",
                    "了解情况",
                    "发现问题",
                    "走访人"
                ],
                &[
                    "1",
                    "2026-11-01",
                    "第一网格",
                    A102,
                    "日常走访",
                    "",
                    "小明由祖母照看，学习正常",
                    "",
                    "worker-a"
                ],
                &[
                    "2",
                    "2026-11-03",
                    "第一网格",
                    A101,
                    "特殊群体关爱",
                    "张奶奶",
                    "身体尚好，需要代购药品",
                    "代办",
                    "worker-a"
                ],
                &[
                    "3",
                    "2026-11-10",
                    "第一网格",
                    A102,
                    "日常走访",
                    "李四",
                    "",
                    "",
                    "worker-a"
                ],
                &[
                    "4",
                    "2026-11-20",
                    "第二网格",
                    A201,
                    "特殊群体关爱",
                    "钱七",
                    "独居，子女每周探望",
                    "",
                    "worker-c"
                ],
            ]
        )
    );

    let hazards = sheet(&street, &supervisor, "hazards").await;
    assert_eq!(
        hazards,
        framed(
            "幸福社区隐患排查整改台账",
            &[
                &[
                    "序号",
                    "场所名称",
                    "地址",
                    "隐患类别",
                    "隐患描述",
                    "发现日期",
                    "整改期限",
                    "整改措施",
                    "整改结果",
                    "复查日期",
                    "责任人"
                ],
                &[
                    "1",
                    "好又多超市",
                    "幸福社区 1 商1",
                    "消防",
                    "楼道堆放杂物堵塞消防通道",
                    "2026-11-04",
                    "2026-11-11",
                    "2026-11-04 受理，派遣至物业公司（2026-11-10前）：通知物业清理\n2026-11-05 开始处理：物业开始清理\n2026-11-08 办结：杂物已清理",
                    "已整改，复查合格",
                    "2026-11-12",
                    "物业公司"
                ],
                &[
                    "2",
                    A102,
                    A102,
                    "燃气",
                    "燃气软管老化",
                    "2026-11-15",
                    "2026-11-20",
                    "2026-11-15 受理",
                    "逾期未整改",
                    "",
                    "worker-a"
                ],
            ]
        )
    );

    let disputes = sheet(&street, &supervisor, "disputes").await;
    assert_eq!(
        disputes,
        framed(
            "幸福社区矛盾纠纷排查化解台账",
            &[
                &[
                    "序号",
                    "纠纷类型",
                    "当事人",
                    "简要情况",
                    "排查日期",
                    "调解日期",
                    "调解结果",
                    "是否签订协议",
                    "回访情况"
                ],
                &[
                    "1",
                    "邻里",
                    "张三、李四",
                    "楼上漏水引发争执",
                    "2026-11-06",
                    "2026-11-09",
                    "达成协议",
                    "是",
                    "2026-11-19 已回访：双方无异议"
                ],
                &[
                    "2",
                    "家庭",
                    "王某、王某某",
                    "赡养老人分歧",
                    "2026-11-25",
                    "",
                    "调解中",
                    "否",
                    ""
                ],
            ]
        )
    );

    // 小明's household was visited twice in the month, but the visit of 10 November saw
    // only 李四: it does not count for him. 赵六 is a key person, not one the ledger cares
    // for; 孙八 lives in another community.
    let header: &[&str] = &[
        "序号",
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "联系电话",
        "住址",
        "帮扶类别",
        "走访次数",
        "最近走访日期",
        "帮扶情况",
        "网格员",
    ];
    let care = |id: &'static str, phone: &'static str| -> Vec<Vec<&'static str>> {
        vec![
            vec![
                "1",
                "张奶奶",
                "女",
                "1949-12-31",
                id,
                phone,
                A101,
                "独居老人",
                "1",
                "2026-11-03",
                "身体尚好，需要代购药品",
                "worker-a",
            ],
            vec![
                "2",
                "小明",
                "",
                "2016-03-01",
                "",
                "",
                A102,
                "留守儿童",
                "1",
                "2026-11-01",
                "小明由祖母照看，学习正常",
                "worker-a",
            ],
            vec![
                "3",
                "钱七",
                "女",
                "",
                "",
                "",
                A201,
                "空巢老人",
                "1",
                "2026-11-20",
                "独居，子女每周探望",
                "worker-c",
            ],
        ]
    };
    let masked = care("110105********002X", "138****5678");
    let mut body: Vec<&[&str]> = vec![header];
    body.extend(masked.iter().map(Vec::as_slice));
    assert_eq!(
        sheet(&street, &supervisor, "special_groups").await,
        framed("幸福社区特殊群体帮扶台账", &body)
    );
    let whole = care("11010519491231002X", "13812345678");
    let mut body: Vec<&[&str]> = vec![header];
    body.extend(whole.iter().map(Vec::as_slice));
    assert_eq!(
        sheet(&street, &street.admin_token, "special_groups").await,
        framed("幸福社区特殊群体帮扶台账", &body),
        "an administrator sees the numbers whole"
    );

    let log = sheet(&street, &supervisor, "daily_log").await;
    let own = OWN_DIARY;
    let fire_accept = format!("{FIRE}（受理，派遣至物业公司（2026-11-10前）：通知物业清理）");
    let measures_4 = format!("代办：代购降压药（开始处理）\n{fire_accept}");
    let start_5 = format!("{FIRE}（开始处理：物业开始清理）");
    let resolve_8 = format!("{FIRE}（办结：杂物已清理）");
    let verify_12 = format!("{FIRE}（核验：复查通道畅通）");
    let problems_3 = format!("{A101}：身体尚好，需要代购药品\n上报代办：代购降压药");
    let visited_1 = format!("{A102}（日常走访）");
    let problems_1 = format!("{A102}：小明由祖母照看，学习正常");
    let visited_3 = format!("{A101}（特殊群体关爱）");
    let visited_20 = format!("{A201}（特殊群体关爱）");
    let problems_20 = format!("{A201}：独居，子女每周探望");
    let report_4 = format!("上报{FIRE}");
    assert_eq!(
        log,
        framed(
            "幸福社区民情日志",
            &[
                &[
                    "序号",
                    "日期",
                    "网格员",
                    "走访情况",
                    "问题",
                    "处理措施",
                    "反馈结果"
                ],
                &[
                    "1",
                    "2026-11-01",
                    "worker-a",
                    &visited_1,
                    &problems_1,
                    "",
                    ""
                ],
                &[
                    "2",
                    "2026-11-03",
                    "worker-a",
                    &visited_3,
                    &problems_3,
                    "代办：代购降压药（受理）",
                    ""
                ],
                &[
                    "3",
                    "2026-11-04",
                    "worker-a",
                    "",
                    &report_4,
                    &measures_4,
                    "代办：代购降压药（办结：药品已送到）"
                ],
                &["4", "2026-11-05", "worker-a", "", "", &start_5, ""],
                &["5", "2026-11-08", "worker-a", "", "", "", &resolve_8],
                &[
                    "6",
                    "2026-11-10",
                    "worker-a",
                    own[0],
                    own[1],
                    own[2],
                    own[3]
                ],
                &[
                    "7",
                    "2026-11-11",
                    "worker-a",
                    own[0],
                    own[1],
                    own[2],
                    own[3]
                ],
                &["8", "2026-11-12", "worker-a", "", "", "", &verify_12],
                &[
                    "9",
                    "2026-11-15",
                    "worker-a",
                    "",
                    "上报安全隐患（燃气）：燃气软管老化",
                    "安全隐患（燃气）：燃气软管老化（受理）",
                    ""
                ],
                &[
                    "10",
                    "2026-11-20",
                    "worker-c",
                    &visited_20,
                    &problems_20,
                    "",
                    ""
                ],
                &[
                    "11",
                    "2026-11-25",
                    "worker-a",
                    "",
                    "上报环境问题：垃圾桶满溢",
                    "",
                    ""
                ],
            ]
        )
    );

    // Every reading is in the audit log: who, which ledger, masked or whole.
    let audit = audit::recent(s.as_ref(), 50).await.unwrap();
    let ledgers: Vec<(String, bool)> = audit
        .iter()
        .filter(|r| r[2].text().starts_with("ledger:"))
        .map(|r| (r[2].text().to_string(), r[5].int() == 1))
        .collect();
    assert_eq!(ledgers.len(), 6, "{ledgers:?}");
    assert!(ledgers.contains(&("ledger:special_groups".into(), false)));
    assert!(ledgers.contains(&("ledger:hazards".into(), true)));

    // The column set is data: an administrator's definition is what the next export prints.
    let put = |token: &str, body: Value| {
        street
            .relay
            .http
            .put(format!("{}/v1/admin/ledgers/hazards", street.base()))
            .bearer_auth(token.to_string())
            .json(&body)
    };
    let mine = json!({"title": "消防隐患整改台账", "source": "hazards", "columns": [
        {"header": "序号", "field": "seq"}, {"header": "隐患", "field": "description"},
        {"header": "网格", "field": "grid_name"}, {"header": "状态", "field": "state"}]});
    let refused = put(&supervisor, mine.clone()).send().await.unwrap();
    assert_eq!(
        refused.status(),
        403,
        "only an administrator defines ledgers"
    );
    let bad = put(
        &street.admin_token,
        json!({"title": "x", "source": "hazards", "columns": [{"header": "工资", "field": "salary"}]}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("columns[0].field"));
    let ok = put(&street.admin_token, mine).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        sheet(&street, &supervisor, "hazards").await,
        framed(
            "幸福社区消防隐患整改台账",
            &[
                &["序号", "隐患", "网格", "状态"],
                &["1", "楼道堆放杂物堵塞消防通道", "第一网格", "已核验"],
                &["2", "燃气软管老化", "第一网格", "已受理"],
            ]
        )
    );
    let reset = street
        .relay
        .http
        .delete(format!("{}/v1/admin/ledgers/hazards", street.base()))
        .bearer_auth(&street.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert_eq!(sheet(&street, &supervisor, "hazards").await, hazards);

    // The unit's administrative code goes under the title, a grid's into a column that asks.
    street
        .set_codes(&[
            ("s1", "310115005"),
            ("c1", "310115005001"),
            ("g1", "310115005001001"),
        ])
        .await;
    let coded = put(
        &street.admin_token,
        json!({"title": "隐患台账", "source": "hazards", "columns": [
            {"header": "序号", "field": "seq"}, {"header": "网格编码", "field": "grid_code"}]}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(coded.status(), 200);
    let sheet_with_codes = sheet(&street, &supervisor, "hazards").await;
    assert_eq!(
        sheet_with_codes[1],
        ["填报单位：幸福街道 幸福社区（编码 310115005001）    统计期间：2026-11-01 至 2026-11-30"]
    );
    assert_eq!(sheet_with_codes[3], ["1", "310115005001001"]);
    assert_eq!(sheet_with_codes[4], ["2", "310115005001001"]);

    // Reach: a worker reads no ledger; a community's supervisor reads no other community.
    let worker = street.enroll("worker-a").await;
    assert_eq!(
        get(&street, &worker.token, "/v1/ledgers").await.status(),
        403
    );
    let other = get(
        &street,
        &supervisor,
        "/v1/ledgers/visits?node=c2&from=2026-11-01&to=2026-11-30",
    )
    .await;
    assert_eq!(other.status(), 403);
    let json: Value = get(
        &street,
        &supervisor,
        &format!("/v1/ledgers/visits?{PERIOD}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(json["heading"], "幸福社区走访台账");
    assert_eq!(json["rows"].as_array().unwrap().len(), 4);
}
