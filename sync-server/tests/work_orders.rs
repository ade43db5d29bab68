//! Work orders from outside (12345 hotline, 综治 platform) over real HTTP, on SQLite and on
//! PostgreSQL under `scripts/with-postgres`: imported as cases in the right grid with their
//! source, number and deadline, idempotent by number, on the worker's 今日工作 after a sync,
//! and their handling sent back under the same number.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;
mod support;

use chrono::{Duration, Utc};
use gridkeeper_core::RecordId;
use gridkeeper_core::kinds::case::TimelineEntry;
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_server::admin;
use gridkeeper_server::reports::sql::Stmt;
use http_support::Street;
use serde_json::{Value, json};
use support::Backend;

conformance!(orders_become_cases_once_and_their_results_go_back);

async fn post(street: &Street, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = street
        .relay
        .http
        .post(format!("{}{path}", street.base()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn post_csv(street: &Street, token: &str, csv: &str) -> (u16, Value) {
    let r = street
        .relay
        .http
        .post(format!("{}/v1/work-orders/import", street.base()))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn order(system: &str, number: &str, grid: &str, deadline: &str) -> Value {
    json!({"system": system, "number": number, "grid": grid, "description": "路灯不亮，夜间出行不便",
           "address": "幸福里3栋门口", "reported_at": "2026-12-01 09:30", "deadline": deadline})
}

async fn orders_become_cases_once_and_their_results_go_back(backend: &Backend) {
    let street = http_support::start_over(backend.storage.clone())
        .await
        .street()
        .await;
    let s = &street.relay.storage;
    let sup = admin::console_token(s, "super-c1").await.unwrap();
    let mut worker = street.enroll("worker-a").await;
    worker.sync(&street.relay).await;
    let deadline = (Utc::now() + Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();

    // A worker imports nothing; a supervisor of c1 nothing for c2's grid — and then
    // nothing at all from that batch.
    let (status, _) = post(
        &street,
        &worker.token,
        "/v1/work-orders",
        json!({"orders": [order("12345", "GD001", "g1", &deadline)]}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = post(
        &street,
        &sup,
        "/v1/work-orders",
        json!({"orders": [order("12345", "GD001", "g1", &deadline), order("12345", "GD002", "g3", &deadline),
                          order("12345", "GD003", "g1", "明天")]}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "invalid_work_orders");
    let problems: Vec<(i64, String)> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["at"].as_i64().unwrap(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, 1);
    assert!(problems[0].1.contains("outside your scope"));
    assert_eq!(problems[1].0, 2);
    assert!(problems[1].1.contains("deadline"));
    assert!(
        !body.to_string().contains("路灯"),
        "no resident's words in a refusal"
    );
    assert_eq!(s.head("g1").await.unwrap(), 0, "nothing was written");

    // Imported: one case per order, however often it is sent.
    let batch = json!({"orders": [order("12345", "GD001", "g1", &deadline),
        {"system": "zongzhi", "number": "ZZ-2026-9", "grid": "g2", "category": "安全隐患", "subcategory": "fire",
         "description": "楼道堆放杂物", "deadline": format!("{deadline} 18:00")}]});
    let (status, first) = post(&street, &sup, "/v1/work-orders", batch.clone()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["created"].as_u64(), first["existing"].as_u64()),
        (Some(2), Some(0))
    );
    let (status, again) = post(&street, &sup, "/v1/work-orders", batch).await;
    assert_eq!(status, 200);
    assert_eq!(
        (again["created"].as_u64(), again["existing"].as_u64()),
        (Some(0), Some(2))
    );
    for i in 0..2 {
        assert_eq!(
            again["imported"][i]["record_id"], first["imported"][i]["record_id"],
            "the same case"
        );
    }
    let gd001: RecordId = first["imported"][0]["record_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(first["imported"][1]["grid"], "g2");
    assert_eq!(s.count_documents("g1").await.unwrap(), 1);

    let doc = s.document(&gd001.to_string()).await.unwrap().unwrap();
    let data = doc.data.unwrap();
    assert_eq!(data["category"], "appeal");
    assert_eq!(data["source"], json!({"kind": "12345", "id": "GD001"}));
    assert_eq!(
        data["description"],
        "路灯不亮，夜间出行不便（地址：幸福里3栋门口）"
    );
    assert_eq!(
        data["reported_at"], "2026-12-01T01:30:00Z",
        "09:30 in China"
    );
    let want_deadline = format!("{}T15:59:00Z", deadline);
    assert_eq!(
        data["deadline"], want_deadline,
        "the end of the day in China"
    );

    // On the worker's 今日工作 after the next sync; handled there.
    worker.sync(&street.relay).await;
    let agenda = worker.store.agenda(Some("g1"), Utc::now()).unwrap();
    assert!(
        agenda
            .cases
            .iter()
            .any(|c| c.case_id == gd001.to_string() && c.deadline == want_deadline),
        "{:?}",
        agenda.cases
    );
    for entry in [
        TimelineEntry::new(CaseAction::Accept),
        TimelineEntry::new(CaseAction::Start),
        TimelineEntry {
            note: "已联系供电所更换灯泡".into(),
            ..TimelineEntry::new(CaseAction::Resolve)
        },
    ] {
        worker.store.case_transition(gd001, entry).unwrap();
    }
    worker.sync(&street.relay).await;

    // Back out under the same number.
    let r = street
        .relay
        .http
        .get(format!("{}/v1/work-orders?system=12345", street.base()))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let out: Value = r.json().await.unwrap();
    let orders = out["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "only the hotline's");
    assert_eq!(orders[0]["number"], "GD001");
    assert_eq!(orders[0]["state"], "resolved");
    assert_eq!(orders[0]["result"], "已联系供电所更换灯泡");
    assert_eq!(orders[0]["handled_by"], "worker-a");
    let csv = street
        .relay
        .http
        .get(format!("{}/v1/work-orders?format=csv", street.base()))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("来源,工单编号,网格"));
    assert!(lines[1].starts_with("12345,GD001,第一网格,"), "{csv}");
    assert!(lines[1].contains(",已解决,") && lines[1].contains("已联系供电所更换灯泡"));
    assert!(lines[2].starts_with("zongzhi,ZZ-2026-9,第二网格,") && lines[2].contains(",已上报,"));
    let other = admin::console_token(s, "root").await.unwrap();
    let all: Value = street
        .relay
        .http
        .get(format!("{}/v1/work-orders", street.base()))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["orders"].as_array().unwrap().len(), 2);

    // A CSV from the hotline's system: every problem by its line, then imported whole.
    let csv = format!(
        "\u{feff}工单编号,来源,网格,类别,诉求内容,地址,受理时间,办结时限\r\n\
         GD010,12345,g1,诉求,\"楼上噪音，\"\"每晚\"\"到十二点\",幸福里1栋,2026-12-02 10:00,{deadline}\r\n\
         GD011,12345,g1,其他,垃圾清运不及时,,2026-12-02 11:00,{deadline}\r\n"
    );
    let (status, body) = post_csv(&street, &sup, &csv).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["problems"][0]["at"], 3, "{body}");
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("category")
    );
    let csv = csv.replace(",其他,", ",环境问题,");
    let (status, body) = post_csv(&street, &sup, &csv).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["created"], 2);
    let (status, body) = post_csv(&street, &sup, "number,grid\nGD1,g1\n").await;
    assert_eq!(status, 400);
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("system, description, deadline")
    );

    // A grid named by its administrative code.
    street
        .set_codes(&[
            ("s1", "310115005"),
            ("c1", "310115005001"),
            ("g2", "310115005001002"),
        ])
        .await;
    let (status, body) = post(
        &street,
        &sup,
        "/v1/work-orders",
        json!({"orders": [order("12345", "GD050", "310115005001002", &deadline)]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"][0]["grid"], "g2");

    // A claim whose case was never written (the relay stopped in between) is finished by
    // the next import of that order, under the claimed id.
    let claimed = RecordId::new().to_string();
    s.report_write(&[Stmt::new(
        "INSERT INTO work_orders (system, number, record_id, grid, imported_by, imported_at) VALUES ('12345', 'GD099', $1, 'g1', 'super-c1', '2026-12-01T00:00:00Z')",
        vec![claimed.clone().into()],
    )])
    .await
    .unwrap();
    let (status, body) = post(
        &street,
        &sup,
        "/v1/work-orders",
        json!({"orders": [order("12345", "GD099", "g1", &deadline)]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"][0]["record_id"], claimed);
    assert_eq!(body["created"], 1);
    assert!(s.document(&claimed).await.unwrap().is_some());
}
