//! Record pages a supervisor can read (issue #24): every kind as a card in words, history
//! in words, conflicts with who set each value, links both ways, masking by role, and no
//! English identifier anywhere in the Chinese pages and exports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;

use gridkeeper_core::kinds::case::TimelineEntry;
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::{Kind, RecordId};
use gridkeeper_server::admin;
use http_support::Street;
use reqwest::redirect::Policy;
use serde_json::json;

const PW: &str = "correct horse battery";

/// A signed-in web client: its cookies kept by hand, as the sign-in sets them.
struct Web {
    http: reqwest::Client,
    base: String,
    cookies: std::sync::Mutex<Vec<(String, String)>>,
}

impl Web {
    async fn sign_in(base: &str, name: &str) -> Web {
        let web = Web {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: base.to_string(),
            cookies: Default::default(),
        };
        let form = web.send(web.http.get(format!("{base}/login"))).await.1;
        let csrf = hidden(&form, "csrf");
        let req = web.http.post(format!("{base}/login")).form(&[
            ("name", name),
            ("password", PW),
            ("csrf", &csrf),
            ("next", "/"),
        ]);
        assert_eq!(web.send(req).await.0, 303, "sign in {name}");
        web
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, String) {
        let header = {
            let c = self.cookies.lock().unwrap();
            c.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let r = req.header("cookie", header).send().await.unwrap();
        {
            let mut c = self.cookies.lock().unwrap();
            for v in r.headers().get_all("set-cookie") {
                let pair = v.to_str().unwrap().split(';').next().unwrap();
                let (k, val) = pair.split_once('=').unwrap();
                c.retain(|(n, _)| n != k);
                if !val.is_empty() {
                    c.push((k.to_string(), val.to_string()));
                }
            }
        }
        (r.status().as_u16(), r.text().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, String) {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        self.send(self.http.post(format!("{}{path}", self.base)).form(form))
            .await
    }

    async fn page(&self, path: &str) -> String {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }
}

fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("no {name}")) + key.len();
    html[at..].split('"').next().unwrap().to_string()
}

struct Records {
    household: RecordId,
    place: RecordId,
    visit: RecordId,
    inspection: RecordId,
    case: RecordId,
    mediation: RecordId,
    activity: RecordId,
}

/// One record of every kind in grid g1, pushed by a real phone, and a second phone of the
/// same worker that changed the household's phone number at the same time as the first.
async fn street() -> (Street, Records) {
    let (street, records, _) = street_with_phone().await;
    (street, records)
}

/// The street, with the worker's first phone.
async fn street_with_phone() -> (Street, Records, http_support::Device) {
    let street = http_support::start().await.street().await;
    street.web_passwords(PW).await;
    let mut a = street.enroll("worker-a").await;
    a.store.install_builtin_templates().unwrap();
    let household = a
        .store
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"community": "幸福社区", "compound": "幸福里", "building": "3", "room": "101"},
                   "housing_type": "owner_occupied",
                   "members": [
                       {"id": "m1", "name": "张大爷", "id_number": "11010519491231002X", "phone": "13812345678",
                        "relation": "head", "tags": ["solitary_elderly"]},
                       {"id": "m2", "name": "张小妹", "relation": "grandchild", "registration": "migrant",
                        "birth_date": "2015-06-01", "tags": ["left_behind_child"]}]}),
        )
        .unwrap();
    a.store
        .patch_json(household, &json!({"housing_type": "rented"}))
        .unwrap();
    let place = a
        .store
        .create_json(
            Kind::Place,
            "g1",
            json!({"name": "好邻居便利店", "place_type": "shop", "address": {"compound": "幸福里", "building": "1", "room": "商铺1"},
                   "responsible": "刘老板", "contact": "13900001111"}),
        )
        .unwrap();
    let visit = a
        .store
        .create_json(
            Kind::Visit,
            "g1",
            json!({"subject": {"kind": "household", "id": household.to_string()},
                   "visited_at": "2026-11-20T02:00:00Z", "purpose": "special_group_care",
                   "members_seen": ["m1"], "findings": "身体尚好，需要代办医保",
                   "location": {"lat": 39.9042, "lon": 116.4074, "accuracy_m": 12.0}}),
        )
        .unwrap();
    let inspection = a
        .store
        .create_json(
            Kind::Inspection,
            "g1",
            json!({"template_id": "fire_safety", "template_version": 1,
                   "subject": {"kind": "place", "id": place.to_string()},
                   "inspected_at": "2026-11-21T03:00:00Z",
                   "answers": {"ext_present": "pass", "exits_clear": "fail"},
                   "status": "draft"}),
        )
        .unwrap();
    let case = a
        .store
        .raise_case_for_item(inspection, "exits_clear", "安全出口堆放纸箱")
        .unwrap();
    let mut accept = TimelineEntry::new(CaseAction::Accept);
    accept.note = "已通知店主".into();
    a.store.case_transition(case, accept).unwrap();
    let mediation = a
        .store
        .create_json(
            Kind::Mediation,
            "g1",
            json!({"dispute_type": "neighbour", "risk_level": "high", "opened_on": "2026-11-22",
                   "parties": [{"id": "p1", "name": "张大爷", "household_id": household.to_string(), "member_id": "m1", "phone": "13812345678"},
                               {"id": "p2", "name": "楼上住户"}],
                   "narrative": "楼上漏水", "sessions": [{"id": "s1", "date": "2026-11-23", "participants": ["p1", "p2"], "outcome": "约定修缮"}],
                   "result": "agreement", "agreement_text": "楼上住户一周内修好水管"}),
        )
        .unwrap();
    let activity = a
        .store
        .create_json(
            Kind::Activity,
            "g1",
            json!({"topic": "垃圾分类宣传", "activity_type": "policy_publicity", "held_on": "2026-11-24", "participants": 40}),
        )
        .unwrap();
    a.sync(&street.relay).await;
    // The office tablet: pulls the household, then both change the head's phone offline.
    let mut tablet = street.enroll("worker-a").await;
    tablet.sync(&street.relay).await;
    let phone = |p: &str| {
        json!({"members": [
            {"id": "m1", "name": "张大爷", "id_number": "11010519491231002X", "phone": p,
             "relation": "head", "tags": ["solitary_elderly"]},
            {"id": "m2", "name": "张小妹", "relation": "grandchild", "registration": "migrant",
             "birth_date": "2015-06-01", "tags": ["left_behind_child"]}]})
    };
    a.store
        .patch_json(household, &phone("13700002222"))
        .unwrap();
    tablet
        .store
        .patch_json(household, &phone("13600003333"))
        .unwrap();
    a.sync(&street.relay).await;
    tablet.sync(&street.relay).await;
    let records = Records {
        household,
        place,
        visit,
        inspection,
        case,
        mediation,
        activity,
    };
    (street, records, a)
}

/// ASCII snake_case words (`owner_occupied`, `housing_type`) in the text a person reads:
/// tags, attributes, scripts and styles are left out, and so is what the page shows as code
/// (`<code>`: a field path an administrator types), and ids and codes, which hold no
/// letter-underscore-letter run.
fn snake_words(html: &str) -> Vec<String> {
    visible_words(html)
        .into_iter()
        .filter(|w| {
            let parts: Vec<&str> = w.split('_').collect();
            parts.len() > 1
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        })
        .collect()
}

/// Glossary values shown as their code where the word table has a Chinese word for them
/// (`rented`, `evacuation`), and `true`/`false`/`null`: one-word codes the snake_case rule
/// cannot tell from a name.
fn glossary_words(html: &str) -> Vec<String> {
    visible_words(html)
        .into_iter()
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .filter(|w| {
            // JSON's literals, shown as they were serialized.
            matches!(w.as_str(), "true" | "false" | "null")
                || gridkeeper_server::reports::labels::word(w, true) != w
        })
        .collect()
}

/// The ASCII words of the text a person reads, as [`snake_words`] describes it.
fn visible_words(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = html;
    for block in ["<style", "<script", "<code"] {
        while let Some(a) = rest.find(block) {
            let end = rest[a..].find("</").map_or(rest.len(), |e| a + e);
            text.push_str(&rest[..a]);
            rest = &rest[end..];
        }
    }
    text.push_str(rest);
    let mut visible = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                visible.push(' ');
            }
            _ if !in_tag => visible.push(c),
            _ => {}
        }
    }
    visible
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn snake_words_finds_identifiers_only() {
    assert_eq!(
        snake_words("<td class=\"a_b\">owner_occupied 住户 0192abcd-ef</td><style>.x_y{}</style>"),
        vec!["owner_occupied"]
    );
    assert!(snake_words("<a href=\"/l/households?housing_type=rented\">自住</a>").is_empty());
    assert_eq!(
        glossary_words("<td>rented</td><td>worker-a</td><td>张三</td><code>fire</code>"),
        vec!["rented"],
        "a code with a word is caught; names and code are not"
    );
    assert_eq!(
        snake_words("如 <code>members[id=…].id_number</code>；housing_type"),
        vec!["housing_type"],
        "code is skipped, the words after it are not"
    );
}

#[tokio::test]
async fn every_kind_is_a_card_in_words() {
    let (street, r) = street().await;
    let root = Web::sign_in(street.base(), "root").await;
    let expect: [(RecordId, &[&str]); 7] = [
        (
            r.household,
            &[
                "住户",
                "住址",
                "住房类型",
                "出租",
                "成员",
                "与户主关系",
                "户主",
                "孙子女",
                "户籍类型",
                "流动",
                "特殊群体标签",
                "独居老人",
                "留守儿童",
                "年龄",
            ],
        ),
        (
            r.place,
            &["场所", "好邻居便利店", "场所类型", "商铺", "负责人"],
        ),
        (
            r.visit,
            &[
                "走访对象",
                "特殊群体关爱",
                "见到的成员",
                "张大爷",
                "走访情况",
                "位置",
                "39.90420",
            ],
        ),
        (
            r.inspection,
            &["巡查对象", "消防安全", "检查项", "合格", "不合格", "草稿"],
        ),
        (
            r.case,
            &[
                "状态",
                "已受理",
                "类别",
                "安全隐患",
                "办理经过",
                "受理",
                "已通知店主",
                "来源",
            ],
        ),
        (
            r.mediation,
            &[
                "纠纷类型",
                "邻里",
                "当事人",
                "调解记录",
                "约定修缮",
                "调解结果",
                "达成协议",
                "调解协议",
            ],
        ),
        (
            r.activity,
            &["主题", "垃圾分类宣传", "活动类型", "政策宣传", "参与人次"],
        ),
    ];
    for (id, words) in expect {
        let html = root.page(&format!("/rec/{id}")).await;
        for w in words {
            assert!(html.contains(w), "{id} lacks {w}");
        }
        assert_eq!(snake_words(&html), Vec::<String>::new(), "{id}");
        assert!(!html.contains("&quot;"), "no JSON on {id}");
    }
    // The age comes from the birth date; the failed item is marked.
    let inspection = root.page(&format!("/rec/{}", r.inspection)).await;
    assert!(
        inspection.contains("class=\"warn\""),
        "failed item highlighted"
    );
    // English under the English switch.
    root.get("/lang/en?back=/").await;
    let en = root.page(&format!("/rec/{}", r.household)).await;
    assert!(en.contains("Housing") && en.contains("rented") && en.contains("Relation to head"));
}

#[tokio::test]
async fn masked_unless_administrator() {
    let (street, r) = street().await;
    let sup = Web::sign_in(street.base(), "super-c1").await;
    for id in [r.household, r.mediation] {
        let html = sup.page(&format!("/rec/{id}")).await;
        assert!(!html.contains("13812345678"), "phone whole on {id}");
        assert!(!html.contains("11010519491231002X"), "ID whole on {id}");
        assert!(!html.contains("13700002222") && !html.contains("13600003333"));
    }
    let html = sup.page(&format!("/rec/{}", r.household)).await;
    assert!(html.contains("110105********002X"));
    assert!(
        html.contains("137****2222") && html.contains("136****3333"),
        "both conflicting values, masked"
    );
    let root = Web::sign_in(street.base(), "root").await;
    let html = root.page(&format!("/rec/{}", r.household)).await;
    assert!(html.contains("11010519491231002X") && html.contains("13700002222"));
}

#[tokio::test]
async fn history_and_conflicts_in_words() {
    let (street, r) = street().await;
    let sup = Web::sign_in(street.base(), "super-c1").await;
    let html = sup.page(&format!("/rec/{}", r.household)).await;
    assert!(html.contains("worker-a 新建了住户"), "{html}");
    assert!(
        html.contains("worker-a 改了 住房类型：自住 → 出租"),
        "{html}"
    );
    assert!(
        html.contains("改了 成员 张大爷 · 联系电话：138****5678 →"),
        "{html}"
    );
    let conflicts = html
        .split("id=\"conflicts\"")
        .nth(1)
        .expect("conflicts shown");
    assert!(conflicts.contains("成员 张大爷 · 联系电话"), "{conflicts}");
    assert!(conflicts.contains("当前显示"));
    assert_eq!(
        conflicts.matches("name=\"pick\"").count(),
        2,
        "the supervisor may pick"
    );
}

#[tokio::test]
async fn links_both_ways() {
    let (street, r) = street().await;
    let sup = Web::sign_in(street.base(), "super-c1").await;
    let visit = sup.page(&format!("/rec/{}", r.visit)).await;
    assert!(
        visit.contains(&format!("href=\"/rec/{}\"", r.household)),
        "visit → household"
    );
    let household = sup.page(&format!("/rec/{}", r.household)).await;
    for (id, what) in [(r.visit, "visit"), (r.mediation, "mediation")] {
        assert!(
            household.contains(&format!("/rec/{id}")),
            "household → its {what}"
        );
    }
    let case = sup.page(&format!("/rec/{}", r.case)).await;
    assert!(
        case.contains(&format!("href=\"/rec/{}\"", r.inspection)),
        "case → inspection"
    );
    assert!(case.contains("安全出口"), "the failed item in words");
    let inspection = sup.page(&format!("/rec/{}", r.inspection)).await;
    assert!(
        inspection.contains(&format!("/rec/{}", r.case)),
        "inspection → its case"
    );
    assert!(
        inspection.contains("填写了 不合格项处理 · 「疏散通道、安全出口畅通"),
        "the item's handling in the history by the item's words"
    );
    let place = sup.page(&format!("/rec/{}", r.place)).await;
    assert!(
        place.contains(&format!("/rec/{}", r.inspection)),
        "place → its inspection"
    );
}

/// Every page and export a supervisor reaches, in Chinese, without an English identifier.
#[tokio::test]
async fn no_identifier_in_any_chinese_page_or_export() {
    let (street, _) = street().await;
    let root = Web::sign_in(street.base(), "root").await;
    let mut bad = Vec::new();
    let reports = gridkeeper_server::reports::queries::REPORTS;
    let lists: Vec<&str> = gridkeeper_server::reports::lists::names().collect();
    // The template pages: the list and upload form on /admin, and an import report with
    // problems (stored as the upload form stores it).
    let storage = street.relay.storage.as_ref();
    gridkeeper_server::templates::import(storage, "u-root", "shop_check", 1, &messy_form())
        .await
        .unwrap();
    let report = "/admin/templates/shop_check/1".to_string();
    let mut pages: Vec<String> = vec![report.clone()];
    for n in ["s1", "c1", "g1"] {
        pages.extend(reports.iter().map(|r| format!("/r/{r}?node={n}")));
        pages.extend(lists.iter().map(|l| format!("/l/{l}?node={n}")));
        pages.extend(
            reports
                .iter()
                .map(|r| format!("/x/r/{r}?node={n}&format=csv")),
        );
        pages.extend(
            lists
                .iter()
                .map(|l| format!("/x/l/{l}?node={n}&format=csv")),
        );
    }
    // Last, so its export log holds the exports above.
    pages.push("/admin".into());
    let mut records = Vec::new();
    for p in &pages {
        let (status, body) = root.get(p).await;
        assert_eq!(status, 200, "{p}");
        let mut words = snake_words(&body);
        words.extend(glossary_words(&body));
        if !words.is_empty() {
            bad.push(format!("{p}: {words:?}"));
        }
        for link in body.split("href=\"/rec/").skip(1) {
            records.push(link.split('"').next().unwrap().to_string());
        }
    }
    records.sort();
    records.dedup();
    for id in records {
        let body = root.page(&format!("/rec/{id}")).await;
        let mut words = snake_words(&body);
        words.extend(glossary_words(&body));
        if !words.is_empty() {
            bad.push(format!("/rec/{id}: {words:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "English identifiers in the Chinese UI:\n{}",
        bad.join("\n")
    );
    let report = root.page(&report).await;
    for words in [
        "不支持类型 <code>date</code>；此行已跳过",
        "分组没有标签",
        "草稿",
    ] {
        assert!(report.contains(words), "{words}: {report}");
    }
}

/// A request a page refuses is told in Chinese words, not the API's English message.
#[tokio::test]
async fn refusals_in_chinese() {
    let (street, _) = street().await;
    let root = Web::sign_in(street.base(), "root").await;
    for (path, status, words) in [
        (
            "/r/visits?node=s1&from=bad",
            400,
            "请求有误：日期格式如 2026-11-28",
        ),
        (
            "/x/l/cases?node=s1&format=pdf",
            400,
            "请求有误：导出格式为 CSV 或 XLSX",
        ),
        (
            "/admin/templates/9%20lives/1",
            400,
            "请求有误：模板编号为 1–64 个字符",
        ),
        (
            "/admin/templates/shop_check/0",
            400,
            "请求有误：模板版本须为从 1 起的整数",
        ),
    ] {
        let (got, body) = root.get(path).await;
        assert_eq!(got, status, "{path}");
        assert!(body.contains(words), "{path}: {body}");
    }
}

/// A shop checklist as people write them: a group without a label, a category of the
/// form's own, and rows the importer cannot use.
fn messy_form() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("survey").unwrap();
    let rows: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label",
            "hazard_category",
            "severity",
            "hint",
        ],
        &["begin_group", "fire_exits"],
        &[
            "pass_fail_na",
            "exit_clear",
            "安全出口畅通",
            "fire",
            "high",
            "看门后",
        ],
        &["pass_fail_na", "no_pests", "无鼠虫", "pest_control", "low"],
        &["end_group"],
        &["date", "checked_on", "检查日期"],
        &["select_one yes_no", "sign_ok", "标志完好"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// A supervisor settles the conflict from the page; the pick reaches the phones like any
/// resolution, and the form needs its token and the record's reach.
#[tokio::test]
async fn a_supervisor_settles_a_conflict_and_the_phones_get_it() {
    let (street, r, mut phone) = street_with_phone().await;
    let sup = Web::sign_in(street.base(), "super-c1").await;
    let page = sup.page(&format!("/rec/{}", r.household)).await;
    let conflicts = page.split("id=\"conflicts\"").nth(1).unwrap();
    let path = hidden(conflicts, "path");
    let csrf = hidden(&page, "csrf");
    // The value not shown now (which one shows depends on the two phones' random actors).
    let row = conflicts
        .split("<tr>")
        .find(|row| row.contains("name=\"pick\"") && !row.contains("当前显示"))
        .unwrap();
    let keep = hidden(row, "pick");
    let kept = if row.contains("136****3333") {
        "13600003333"
    } else {
        "13700002222"
    };
    let action = format!("/rec/{}/resolve", r.household);
    let form = [
        ("csrf", "wrong"),
        ("path", path.as_str()),
        ("pick", keep.as_str()),
    ];
    assert_eq!(sup.post(&action, &form).await.0, 403, "bad token");
    let form = [
        ("csrf", csrf.as_str()),
        ("path", path.as_str()),
        ("pick", keep.as_str()),
    ];
    assert_eq!(sup.post(&action, &form).await.0, 303);
    let after = sup.page(&format!("/rec/{}", r.household)).await;
    assert!(!after.contains("id=\"conflicts\""), "settled");
    assert!(
        after.contains("super-c1 改了 成员 张大爷 · 联系电话"),
        "the pick is in the history"
    );
    // Again: nothing left to settle, said in words.
    let (status, body) = sup.post(&action, &form).await;
    assert_eq!(status, 409);
    assert!(body.contains("无法完成"), "{body}");
    // The phone pulls the resolution.
    phone.sync(&street.relay).await;
    assert!(phone.store.conflicts(r.household).unwrap().is_empty());
    let h = phone.store.get_json(r.household, true).unwrap();
    assert_eq!(h["data"]["members"][0]["phone"], kept);
    // An administrator revokes the supervisor's web device: no more picks from the page.
    let sup_user = admin::find_user(&street.relay.storage, "super-c1")
        .await
        .unwrap();
    admin::revoke_device(&street.relay.storage, &format!("web-{}", sup_user.id))
        .await
        .unwrap();
    let form = [
        ("csrf", csrf.as_str()),
        ("path", "housing_type"),
        ("pick", "0"),
    ];
    assert_eq!(sup.post(&action, &form).await.0, 403, "revoked");
    // Out of the supervisor's reach: refused whatever the form says.
    let mut b = street.enroll("worker-b").await;
    let other = b.add_household("g3", "201", "李四");
    b.sync(&street.relay).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("path", "housing_type"),
        ("pick", "0"),
    ];
    assert_eq!(
        sup.post(&format!("/rec/{other}/resolve"), &form).await.0,
        403
    );
}

/// A household moved to another grid: its old address leads to its new page, which says
/// where it came from and still lists the visit made while it lived in the old grid; the
/// visit's link to it still leads there.
#[tokio::test]
async fn a_moved_household_is_found_from_its_old_address_and_its_old_work() {
    let (street, r) = street().await;
    let moved: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v1/moves", street.base()))
        .bearer_auth(&street.admin_token)
        .json(&json!({"record_id": r.household.to_string(), "to_grid": "g2", "reason": "搬家"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new = moved["to_record"].as_str().unwrap().to_string();
    let sup = Web::sign_in(street.base(), "super-c1").await;
    let r2 = sup
        .http
        .get(format!("{}/rec/{}", street.base(), r.household))
        .header("cookie", {
            let c = sup.cookies.lock().unwrap();
            c.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .send()
        .await
        .unwrap();
    assert!(r2.status().is_redirection(), "{}", r2.status());
    assert_eq!(
        r2.headers()["location"].to_str().unwrap(),
        format!("/rec/{new}")
    );
    let page = sup.page(&format!("/rec/{new}")).await;
    assert!(page.contains("从第一网格迁入"), "where it came from");
    assert!(page.contains("第二网格"), "where it is now");
    assert!(
        page.contains(&format!("/rec/{}", r.visit)),
        "the visit made in the old grid"
    );
    let visit = sup.page(&format!("/rec/{}", r.visit)).await;
    assert!(
        visit.contains(&format!("href=\"/rec/{}\"", r.household)),
        "the visit still names the household, and its link leads on"
    );
    assert!(
        visit.contains("3栋") || visit.contains("张大爷"),
        "shown as it is now"
    );
}

/// From a case's page the supervisor dispatches it to a handling party of the community,
/// records the party's result and reviews the record; each form needs the page's token, and
/// the page then says what was done, in words.
#[tokio::test]
async fn a_supervisor_dispatches_a_case_records_the_result_and_reviews_from_the_page() {
    let (street, r) = street().await;
    gridkeeper_server::dispatch::add_party(
        &street.relay.storage,
        &gridkeeper_server::dispatch::Party {
            node: "c1".into(),
            name: "幸福里物业".into(),
        },
    )
    .await
    .unwrap();
    let sup = Web::sign_in(street.base(), "super-c1").await;
    let page = sup.page(&format!("/rec/{}", r.case)).await;
    assert!(
        page.contains("<option>幸福里物业</option>"),
        "the community's parties"
    );
    assert!(
        !page.contains("id=\"result\""),
        "no result before a dispatch"
    );
    let csrf = hidden(&page, "csrf");
    let dispatch = format!("/rec/{}/dispatch", r.case);
    let form = [
        ("csrf", "wrong"),
        ("party", "幸福里物业"),
        ("handle_by", "2026-12-20"),
    ];
    assert_eq!(sup.post(&dispatch, &form).await.0, 403, "bad token");
    let form = [
        ("csrf", csrf.as_str()),
        ("party", "幸福里物业"),
        ("handle_by", "2026-12-20"),
        ("note", "请三日内清理"),
    ];
    assert_eq!(sup.post(&dispatch, &form).await.0, 303);
    let page = sup.page(&format!("/rec/{}", r.case)).await;
    assert!(
        page.contains("派遣至幸福里物业（处理期限2026-12-20）"),
        "in the timeline"
    );
    assert!(
        page.contains("id=\"result\""),
        "a result may be recorded now"
    );

    let result = format!("/rec/{}/result", r.case);
    let form = [("csrf", csrf.as_str()), ("note", "纸箱已清走")];
    assert_eq!(sup.post(&result, &form).await.0, 303);
    let page = sup.page(&format!("/rec/{}", r.case)).await;
    assert!(
        page.contains("处置单位幸福里物业"),
        "the result in the timeline"
    );
    assert!(
        !page.contains("id=\"dispatch\""),
        "a resolved case is not dispatched again"
    );

    let review = format!("/rec/{}/review", r.case);
    let form = [("csrf", csrf.as_str()), ("state", "returned"), ("note", "")];
    assert_eq!(
        sup.post(&review, &form).await.0,
        400,
        "sent back without a note"
    );
    let form = [
        ("csrf", csrf.as_str()),
        ("state", "returned"),
        ("note", "请补拍现场照片"),
    ];
    assert_eq!(sup.post(&review, &form).await.0, 303);
    let page = sup.page(&format!("/rec/{}", r.case)).await;
    assert!(
        page.contains("已退回修改 · super-c1"),
        "the review on the page"
    );
    assert!(page.contains("请补拍现场照片"));
}
