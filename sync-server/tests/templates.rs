//! Checklist templates on the server: an administrator uploads an XLSForm and publishes a
//! version over HTTP (JSON API and the admin page, CSRF-checked); phones receive published
//! versions — never drafts — in their next sync, once. The storage rules (drafts replaceable,
//! published frozen, publish order) run on both backends:
//! `scripts/with-postgres cargo test -p gridkeeper-server --test templates`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;
mod support;

use gridkeeper_server::admin;
use gridkeeper_server::templates::{self, Status};
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
            .code,
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
            .code,
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
