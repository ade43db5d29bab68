//! Phones and relays of different releases. A relay serves every protocol revision from
//! `MIN_VERSION` to `VERSION`, and answers an older phone only with what it can read; a
//! request from a newer phone is refused as `update_server`, a too old one as `update_app`.
//! A record carrying fields an app does not know yet (written by a newer app) is read, edited
//! and passed on with those fields untouched.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;

use automerge::{AutoCommit, ROOT, ReadDoc, transaction::Transactable};
use gridkeeper_core::kinds::Household;
use gridkeeper_core::wire::{self, Bytes, DocPush};
use gridkeeper_core::{RecordId, Store};
use http_support::{Device, code, post_sync, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_of_the_previous_revision_keeps_syncing() {
    let street = start().await.street().await;
    let mut a = street.enroll("worker-a").await;
    a.add_household("g1", "101", "赵敏");
    // What a phone of revision 1 sends: no actor, no written count, no templates position.
    let mut req = a.request(&["g1"]);
    req.v = 1;
    req.actor = None;
    req.written = None;
    req.templates_seq = None;
    let (status, resp, body) = post_sync(&street.relay, Some(&a.token), wire::encode(&req)).await;
    assert_eq!(status, 200, "{body}");
    let resp = resp.unwrap();
    assert_eq!(resp.v, 1, "answered in the revision it spoke");
    assert_eq!(resp.held, None, "no field a revision-1 phone would refuse");
    assert!(resp.templates.is_empty() && !resp.templates_more);
    assert!(resp.results.iter().all(|r| r.rejected.is_none()));
    // The same phone, updated, goes on with the current revision: what it pushed under
    // revision 1 is accepted again, not stored twice.
    let (resp, _) = a.round(&street.relay).await;
    assert_eq!(resp.v, wire::VERSION);
    assert!(resp.results.iter().all(|r| r.rejected.is_none()));
    assert_eq!(street.relay.storage.head("g1").await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_too_old_to_purge_an_erased_record_is_told_to_update_before_it_pulls_past_it() {
    let street = start().await.street().await;
    let mut a = street.enroll("worker-a").await;
    let id = a.add_household("g1", "101", "赵敏");
    a.sync(&street.relay).await;
    let mut old = a.request(&["g1"]);
    old.v = 2;
    old.templates_seq = None;
    let (status, _, body) = post_sync(&street.relay, Some(&a.token), wire::encode(&old)).await;
    assert_eq!(status, 200, "{body}");

    let root = street
        .relay
        .storage
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.name == "root")
        .unwrap();
    let req = gridkeeper_server::erasure::EraseRequest {
        record_id: id.to_string(),
        whole: true,
        reason: "登记错误".into(),
        ..Default::default()
    };
    gridkeeper_server::erasure::erase(&street.relay.storage, &root, &req)
        .await
        .unwrap();
    // Revision 2 cannot read `erasures` nor purge the record: told to update, not fed past it.
    let (status, _, body) = post_sync(&street.relay, Some(&a.token), wire::encode(&old)).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (400, "update_app"),
        "{body}"
    );
    assert!(!body.contains("赵敏"), "{body}");
    // The current revision is told of the erasure and purges the record.
    let (resp, _) = a.round(&street.relay).await;
    let erasures: Vec<_> = resp.grids.iter().flat_map(|g| g.erasures.iter()).collect();
    assert_eq!(erasures.len(), 1);
    assert_eq!(
        (erasures[0].record_id.as_str(), erasures[0].whole),
        (id.to_string().as_str(), true)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_from_a_newer_phone_asks_for_a_newer_server() {
    let street = start().await.street().await;
    let a = street.enroll("worker-a").await;
    // A newer revision with a field this relay has never heard of: the strict decoder fails,
    // and the relay still tells who must update.
    let mut value = serde_json::to_value(a.request(&["g1"])).unwrap();
    value["v"] = (wire::VERSION + 1).into();
    value["hint_from_the_future"] = true.into();
    let (status, _, body) = post_sync(&street.relay, Some(&a.token), wire::encode(&value)).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (400, "update_server"),
        "{body}"
    );
    // Garbage at the current revision is still just malformed.
    value["v"] = wire::VERSION.into();
    let (status, _, body) = post_sync(&street.relay, Some(&a.token), wire::encode(&value)).await;
    assert_eq!(
        (status, code(&body).as_str()),
        (400, "malformed_body"),
        "{body}"
    );
}

fn raw_doc(store: &Store, id: RecordId) -> AutoCommit {
    let bytes: Vec<u8> = store
        .connection()
        .query_row(
            "SELECT doc FROM records WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    AutoCommit::load(&bytes).unwrap()
}

fn data_field(doc: &AutoCommit, path: &[&str]) -> Option<String> {
    let mut obj = match doc.get(ROOT, "data").unwrap()? {
        (automerge::Value::Object(_), id) => id,
        _ => return None,
    };
    let (last, parents) = path.split_last()?;
    for key in parents {
        obj = match doc.get(&obj, *key).unwrap()? {
            (automerge::Value::Object(_), id) => id,
            _ => return None,
        };
    }
    match doc.get(&obj, *last).unwrap()? {
        (automerge::Value::Scalar(s), _) => s.as_str().map(str::to_string),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_from_a_newer_app_survive_an_older_apps_edit() {
    let street = start().await.street().await;
    let mut newer = street.enroll("worker-a").await;
    let id = newer.add_household("g1", "102", "周芷若");
    newer.sync(&street.relay).await;

    // The newer app writes fields this build's kinds do not know, under its own actor.
    let mut doc = raw_doc(&newer.store, id).with_actor(automerge::ActorId::from(
        hex::decode(newer.store.actor_hex()).unwrap(),
    ));
    let (_, data) = doc.get(ROOT, "data").unwrap().unwrap();
    doc.put(&data, "energy_label", "B").unwrap();
    let (_, address) = doc.get(&data, "address").unwrap().unwrap();
    doc.put(&address, "plot", "A-3").unwrap();
    doc.commit();
    let change = doc.get_last_local_change().unwrap().raw_bytes().to_vec();
    let mut req = newer.request(&["g1"]);
    req.written = None;
    req.push = vec![DocPush {
        record_id: id.to_string(),
        kind: "household".into(),
        grid: "g1".into(),
        changes: vec![Bytes(change)],
    }];
    let (status, resp, body) =
        post_sync(&street.relay, Some(&newer.token), wire::encode(&req)).await;
    assert_eq!(status, 200, "{body}");
    assert!(resp.unwrap().results[0].rejected.is_none());

    // An app of this build bootstraps the grid, reads the record and edits it.
    let mut older: Device = street.enroll("worker-a").await;
    older.sync(&street.relay).await;
    let h = older.store.get::<Household>(id).unwrap();
    assert_eq!(h.data.members[0].name, "周芷若");
    older
        .store
        .update::<Household>(id, |h| h.notes = "老人独居，需每周走访".into())
        .unwrap();
    older
        .store
        .patch_json(id, &serde_json::json!({"housing_type": "rented"}))
        .unwrap();
    older.sync(&street.relay).await;
    let mine = raw_doc(&older.store, id);
    assert_eq!(data_field(&mine, &["energy_label"]).as_deref(), Some("B"));
    assert_eq!(
        data_field(&mine, &["address", "plot"]).as_deref(),
        Some("A-3")
    );

    // A third phone receives both: the older app's edits and the newer app's fields.
    let mut third = street.enroll("worker-a").await;
    third.sync(&street.relay).await;
    let doc = raw_doc(&third.store, id);
    assert_eq!(data_field(&doc, &["energy_label"]).as_deref(), Some("B"));
    assert_eq!(
        data_field(&doc, &["address", "plot"]).as_deref(),
        Some("A-3")
    );
    assert_eq!(
        data_field(&doc, &["notes"]).as_deref(),
        Some("老人独居，需每周走访")
    );
    assert_eq!(
        data_field(&doc, &["housing_type"]).as_deref(),
        Some("rented")
    );
    // A person's input with an unknown field is still refused by name.
    let err = third
        .store
        .patch_json(id, &serde_json::json!({"energy_lable": "C"}))
        .unwrap_err();
    assert!(err.to_string().contains("energy_lable"), "{err}");
}

/// A task (protocol 7) never reaches a phone of revision 6, which would refuse a record of a
/// kind it does not know; once updated, the phone asks for the grid's tasks (`catch_up`) and
/// gets them beside a feed that had already passed them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_skip_older_phones_and_reach_them_once_they_update() {
    let street = start().await.street().await;
    let mut a = street.enroll("worker-a").await;
    let house = a.add_household("g1", "101", "赵敏");
    a.sync(&street.relay).await;
    let r = street
        .relay
        .http
        .post(format!("{}/v1/tasks", street.base()))
        .bearer_auth(&street.admin_token)
        .json(
            &serde_json::json!({"grid": "g1", "title": "寒潮前走访", "task_type": "visit",
            "due_on": "2026-12-31", "targets": [house.to_string()]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    let kinds = |resp: &wire::SyncResponse| -> Vec<String> {
        let g = &resp.grids[0];
        g.changes
            .iter()
            .map(|c| c.kind.clone())
            .chain(g.snapshots.iter().map(|s| s.kind.clone()))
            .collect()
    };
    // Revision 6, from its feed position and from the start: no task, and the cursor passes it.
    let mut old = a.request(&["g1"]);
    old.v = 6;
    let (status, resp, body) = post_sync(&street.relay, Some(&a.token), wire::encode(&old)).await;
    assert_eq!(status, 200, "{body}");
    let resp = resp.unwrap();
    assert!(!kinds(&resp).contains(&"task".to_string()), "{body}");
    let passed = resp.grids[0].cursor.clone();
    assert_eq!(
        passed,
        street.relay.storage.head("g1").await.unwrap().to_string()
    );
    old.pull[0].cursor = String::new();
    let (_, resp, body) = post_sync(&street.relay, Some(&a.token), wire::encode(&old)).await;
    assert!(
        !kinds(&resp.unwrap()).contains(&"task".to_string()),
        "{body}"
    );

    // Updated: from the same position, asking to catch up, it gets the task whole.
    let mut new = a.request(&["g1"]);
    new.pull[0].cursor = passed.clone();
    new.pull[0].catch_up = vec!["task".into(), "task".into(), "unheard_of".into()];
    let (status, resp, body) = post_sync(&street.relay, Some(&a.token), wire::encode(&new)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        kinds(&resp.unwrap()),
        ["task"],
        "once, however often it is asked"
    );
    // Not asking, it is not sent again.
    new.pull[0].catch_up.clear();
    let (_, resp, _) = post_sync(&street.relay, Some(&a.token), wire::encode(&new)).await;
    assert!(kinds(&resp.unwrap()).is_empty());
}
