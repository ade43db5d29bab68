//! Standard grid codes over a real relay on both databases: a county's tree imported from a
//! CSV of codes and names, imported again to no effect, a bad file refused line by line with
//! nothing written, codes set and refused through the admin API, and the code column of a
//! report export. `scripts/with-postgres cargo test -p gridkeeper-server --test grid_codes`
//! runs the PostgreSQL half.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Cursor;

use gridkeeper_server::admin;
use gridkeeper_server::app::{self, AppState, Limits};
use gridkeeper_server::rate_limit::RateLimit;
use gridkeeper_server::storage::Role;
use serde_json::{Value, json};
use support::Backend;

conformance!(a_county_imported_from_codes_and_names);

const COUNTY: &str = "\u{feff}编码,名称\r\n\
310115,浦东新区\r\n\
310115005,花木街道\r\n\
310115005001,牡丹社区\r\n\
310115005002,\"钻石社区\"\r\n\
310115005001001,牡丹第一网格\r\n\
310115005001002,牡丹第二网格\r\n\
310115005002001,钻石第一网格\r\n";

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn start(b: &Backend) -> Api {
        let s = &b.storage;
        admin::add_user(s, "root", Role::Admin, &[]).await.unwrap();
        let token = admin::console_token(s, "root").await.unwrap();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let rate = RateLimit {
            burst: 10_000.0,
            per_second: 10_000.0,
        };
        let router = app::router(AppState::new(s.clone(), Limits::default(), rate));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Api {
            base: format!("http://{addr}"),
            token,
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let r = req.bearer_auth(&self.token).send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn import(&self, csv: &str) -> (u16, Value) {
        let req = self
            .http
            .post(format!("{}/v1/admin/grids/import", self.base))
            .header("content-type", "text/csv")
            .body(csv.to_string());
        self.send(req).await
    }

    async fn json(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.send(req).await
    }

    /// The tree as (id, parent, name, code), by id.
    async fn tree(&self) -> Vec<(String, String, String, String)> {
        let (status, j) = self
            .json(reqwest::Method::GET, "/v1/admin/grids", None)
            .await;
        assert_eq!(status, 200, "{j}");
        let s = |v: &Value| v.as_str().unwrap_or("").to_string();
        j.as_array()
            .unwrap()
            .iter()
            .map(|g| (s(&g["id"]), s(&g["parent"]), s(&g["name"]), s(&g["code"])))
            .collect()
    }
}

async fn a_county_imported_from_codes_and_names(b: &Backend) {
    let api = Api::start(b).await;

    // The county's tree: every node under its code, parents from the prefixes.
    let (status, j) = api.import(COUNTY).await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j, json!({"added": 7, "present": 0}));
    let tree = api.tree().await;
    let row = |id: &str| tree.iter().find(|g| g.0 == id).cloned().unwrap();
    assert_eq!(tree.len(), 7, "{tree:?}");
    assert_eq!(
        row("310115"),
        (
            "310115".into(),
            "".into(),
            "浦东新区".into(),
            "310115".into()
        )
    );
    assert_eq!(row("310115005002").1, "310115005");
    assert_eq!(row("310115005002").2, "钻石社区");
    assert_eq!(
        row("310115005001002"),
        (
            "310115005001002".into(),
            "310115005001".into(),
            "牡丹第二网格".into(),
            "310115005001002".into()
        )
    );

    // The same file again changes nothing and says so.
    let (status, j) = api.import(COUNTY).await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j, json!({"added": 0, "present": 7}));
    assert_eq!(api.tree().await, tree);

    // A bad file: every problem by line, nothing written — not even its good rows.
    let bad = "code,name\n\
               310115005003,新社区\n\
               31011500500,短编码\n\
               310115005004,\n\
               310115005003,重复\n\
               310115009001,无上级\n\
               310115005001,别的名字\n\
               310115005000,零段\n";
    let (status, j) = api.import(bad).await;
    assert_eq!(status, 400, "{j}");
    assert_eq!(j["error"]["code"], "invalid_grid_csv", "{j}");
    let got: Vec<(u64, &str)> = j["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "invalid_grid_code"),
            (4, "invalid_name"),
            (5, "duplicate_code"),
            (6, "parent_missing"),
            (7, "grid_code_taken"),
            (8, "invalid_grid_code"),
        ],
        "{j}"
    );
    assert!(
        j["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not 11"),
        "{j}"
    );
    assert_eq!(api.tree().await, tree, "a refused file wrote nothing");

    // Codes through the admin API: a node added with one, refusals that change nothing.
    let post = reqwest::Method::POST;
    let put = reqwest::Method::PUT;
    let (status, j) = api
        .json(
            post.clone(),
            "/v1/admin/grids",
            Some(json!({"id": "zs-2", "name": "钻石第二网格", "parent": "310115005002", "code": "310115005002002"})),
        )
        .await;
    assert_eq!(
        (status, &j["code"]),
        (201, &json!("310115005002002")),
        "{j}"
    );
    let (status, j) = api
        .json(
            post,
            "/v1/admin/grids",
            Some(json!({"id": "zs-3", "name": "错网格", "parent": "310115005002", "code": "310115005001003"})),
        )
        .await;
    assert_eq!(
        (status, j["error"]["code"].as_str()),
        (400, Some("invalid_grid_code")),
        "{j}"
    );
    let (status, j) = api
        .json(
            put.clone(),
            "/v1/admin/grids/310115005002/code",
            Some(json!({"code": "310115005003"})),
        )
        .await;
    assert_eq!(
        (status, j["error"]["code"].as_str()),
        (409, Some("grid_code_children")),
        "{j}"
    );
    let (status, j) = api
        .json(
            put.clone(),
            "/v1/admin/grids/zs-2/code",
            Some(json!({"code": "310115005002001"})),
        )
        .await;
    assert_eq!(
        (status, j["error"]["code"].as_str()),
        (409, Some("grid_code_taken")),
        "{j}"
    );
    let (status, j) = api
        .json(
            put,
            "/v1/admin/grids/zs-2/code",
            Some(json!({"code": "310115005002009"})),
        )
        .await;
    assert_eq!(
        (status, &j["code"]),
        (200, &json!("310115005002009")),
        "{j}"
    );
    assert!(api.tree().await.contains(&(
        "zs-2".into(),
        "310115005002".into(),
        "钻石第二网格".into(),
        "310115005002009".into()
    )));

    // The report export carries each node's code after its id, as text.
    let r = api
        .http
        .get(format!(
            "{}/v1/reports/population/export?node=310115005&format=xlsx",
            api.base
        ))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(
        rows[0][..3],
        [
            Data::String("编号".into()),
            Data::String("编码".into()),
            Data::String("名称".into())
        ]
    );
    let coded: Vec<(String, String)> = rows[1..]
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert_eq!(
        coded,
        vec![
            ("310115005001".into(), "310115005001".into()),
            ("310115005002".into(), "310115005002".into()),
            ("310115005".into(), "310115005".into()),
        ]
    );
    assert!(
        matches!(rows[1][1], Data::String(_)),
        "a code is text: {:?}",
        rows[1][1]
    );
}
