//! A relay with a small street for the browser test (`scripts/test-browser`): the HTTP
//! tests' street (grids s1 → c1 (g1, g2), c2 (g3); supervisor `super-c1`, administrator
//! `root`, both with the password from GK_FIXTURE_PASSWORD), and records pushed by real
//! phones (core stores) over HTTP. Prints `READY <base url>` and serves until killed.
//!
//!   cargo run -p gridkeeper-server --example web_fixture -- [PORT]

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/http_support/mod.rs"]
mod http_support;

use chrono::{Duration, Utc};
use gridkeeper_core::Kind;
use gridkeeper_server::admin;
use gridkeeper_server::app::Limits;
use gridkeeper_server::rate_limit::RateLimit;
use serde_json::json;

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let password =
        std::env::var("GK_FIXTURE_PASSWORD").unwrap_or_else(|_| "browser-test-password".into());
    let relay = http_support::start_on(
        port,
        Limits::default(),
        RateLimit {
            burst: 10_000.0,
            per_second: 10_000.0,
        },
    )
    .await;
    let street = relay.street().await;
    let s = &street.relay.storage;
    for name in ["super-c1", "root"] {
        let u = admin::find_user(s, name).await.unwrap();
        gridkeeper_server::web::password::set(s.as_ref(), &u.id, &password, &admin::now())
            .await
            .unwrap();
    }

    let mut a = street.enroll("worker-a").await;
    let mut b = street.enroll("worker-b").await;
    let names = ["张大爷", "李阿姨", "王小明", "赵六", "钱七", "孙八"];
    for (i, name) in names.iter().enumerate() {
        let tags: Vec<&str> = if i % 2 == 0 {
            vec!["solitary_elderly"]
        } else {
            vec![]
        };
        let h = a
            .store
            .create_json(
                Kind::Household,
                "g1",
                json!({"address": {"community": "幸福社区", "compound": "幸福里", "building": "3", "room": format!("{}", 101 + i)},
                       "housing_type": if i % 3 == 0 { "rented" } else { "owner_occupied" },
                       "members": [{"name": name, "id_number": "11010519491231002X", "phone": "13812345678", "tags": tags}]}),
            )
            .unwrap();
        a.store
            .create_json(Kind::Visit, "g1", json!({"subject": {"kind": "household", "id": h.to_string()}, "visited_at": ago(i as i64 * 4)}))
            .unwrap();
        // A second change, so the record's history has more than its creation.
        a.store.patch_json(h, &json!({"notes": "已走访"})).unwrap();
    }
    for (i, (cat, sub)) in [
        ("hazard", "fire"),
        ("hazard", "gas"),
        ("environment", ""),
        ("appeal", ""),
    ]
    .iter()
    .enumerate()
    {
        a.store
            .create_json(Kind::Case, "g1", json!({"category": cat, "subcategory": sub, "description": "楼道堆放杂物", "reported_at": ago(10 - i as i64)}))
            .unwrap();
    }
    a.store
        .create_json(Kind::Mediation, "g1", json!({"dispute_type": "neighbour", "risk_level": "high", "opened_on": &ago(3)[..10], "parties": [{"name": "甲"}, {"name": "乙"}]}))
        .unwrap();
    a.store
        .create_json(Kind::Activity, "g1", json!({"topic": "垃圾分类宣传", "activity_type": "policy_publicity", "held_on": &ago(2)[..10], "participants": 40}))
        .unwrap();
    b.store
        .create_json(Kind::Household, "g3", json!({"address": {"community": "和平社区", "building": "9", "room": "901"}, "members": [{"name": "周九"}]}))
        .unwrap();
    a.sync(&street.relay).await;
    b.sync(&street.relay).await;
    // An XLSForm for the browser to upload on the administration page: two items and one
    // row (a `date`, survey row 4) the importer cannot use.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("survey").unwrap();
    let rows: [&[&str]; 4] = [
        &["type", "name", "label", "hazard_category"],
        &["pass_fail_na", "exits", "安全出口畅通", "evacuation"],
        &["pass_fail_na", "hose", "燃气软管未老化", "gas"],
        &["date", "checked_on", "检查日期"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    let form = street.relay.dir.path().join("shop_check.xlsx");
    book.save(&form).unwrap();
    println!("XLSFORM {}", form.display());
    println!("READY {}", street.base());
    std::future::pending::<()>().await;
}
