//! A relay with a small street for the browser test (`scripts/test-browser`): grids s1 → c1
//! (g1, g2), c2 (g3); supervisor `super-c1`, administrator `root` (password from
//! GK_FIXTURE_PASSWORD); records pushed by real phones (core stores) over HTTP. Prints
//! `READY <base url>` and serves until killed.
//!
//!   cargo run -p gridkeeper-server --example web_fixture -- [PORT]

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use gridkeeper_core::wire;
use gridkeeper_core::{Kind, Store};
use gridkeeper_server::admin;
use gridkeeper_server::app::{self, AppState, Limits};
use gridkeeper_server::rate_limit::RateLimit;
use gridkeeper_server::storage::sqlite::SqliteStorage;
use gridkeeper_server::storage::{Role, Storage};
use serde_json::{Value, json};

struct Phone {
    store: Store,
    token: String,
    grids: Vec<String>,
    _dir: tempfile::TempDir,
}

async fn enroll(http: &reqwest::Client, base: &str, s: &Arc<dyn Storage>, user: &str) -> Phone {
    let (code, _) = admin::issue_enroll_code(s, user, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::init(dir.path().join("phone.db"), Some(user)).unwrap();
    let body: Value = http
        .post(format!("{base}/v1/enroll"))
        .json(&json!({"code": code, "actor": store.actor_hex()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Phone {
        store,
        token: body["token"].as_str().unwrap().to_string(),
        grids: body["grids"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|g| g.as_str().map(String::from))
            .collect(),
        _dir: dir,
    }
}

async fn sync(http: &reqwest::Client, base: &str, p: &mut Phone) {
    for _ in 0..100 {
        let req = p.store.sync_request(&p.grids, 1000).unwrap();
        let bytes = http
            .post(format!("{base}/v1/sync"))
            .header("content-type", wire::CONTENT_TYPE)
            .bearer_auth(&p.token)
            .body(wire::encode(&req))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let resp = wire::decode(&bytes, 1 << 30).unwrap();
        let report = p.store.apply_sync_response(&resp).unwrap();
        if !report.more && p.store.outbox_len().unwrap() == 0 {
            return;
        }
    }
}

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
    let dir = tempfile::tempdir().unwrap();
    let storage: Arc<dyn Storage> =
        Arc::new(SqliteStorage::open(&dir.path().join("relay.db")).unwrap());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app::router(AppState::new(
        storage.clone(),
        Limits::default(),
        RateLimit {
            burst: 10_000.0,
            per_second: 10_000.0,
        },
    ));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });

    let s = &storage;
    admin::add_grid(s, "s1", "幸福街道", None).await.unwrap();
    admin::add_grid(s, "c1", "幸福社区", Some("s1"))
        .await
        .unwrap();
    admin::add_grid(s, "c2", "和平社区", Some("s1"))
        .await
        .unwrap();
    admin::add_grid(s, "g1", "第一网格", Some("c1"))
        .await
        .unwrap();
    admin::add_grid(s, "g2", "第二网格", Some("c1"))
        .await
        .unwrap();
    admin::add_grid(s, "g3", "第三网格", Some("c2"))
        .await
        .unwrap();
    admin::add_user(s, "worker-a", Role::Worker, &["g1".into()])
        .await
        .unwrap();
    admin::add_user(s, "worker-b", Role::Worker, &["g3".into()])
        .await
        .unwrap();
    for (name, role, scope) in [
        ("super-c1", Role::Supervisor, vec!["c1".to_string()]),
        ("root", Role::Admin, vec![]),
    ] {
        let u = admin::add_user(s, name, role, &scope).await.unwrap();
        gridkeeper_server::web::password::set(s.as_ref(), &u.id, &password, &admin::now())
            .await
            .unwrap();
    }

    let http = reqwest::Client::new();
    let mut a = enroll(&http, &base, s, "worker-a").await;
    let mut b = enroll(&http, &base, s, "worker-b").await;
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
    sync(&http, &base, &mut a).await;
    sync(&http, &base, &mut b).await;
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
    let form = dir.path().join("shop_check.xlsx");
    book.save(&form).unwrap();
    println!("XLSFORM {}", form.display());
    println!("READY {base}");
    let _ = server.await;
}
