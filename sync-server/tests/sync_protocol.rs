//! The sync protocol over real HTTP: two phones converge through the relay; bootstrap from
//! saved documents; the server refuses what it must and stores nothing for refused requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;

use gridkeeper_core::wire;
use http_support::{code, post_sync, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_phones_converge_through_the_relay() {
    let street = start().await.street().await;
    let mut a = street.enroll("worker-a").await;
    let mut a2 = street.enroll("worker-a").await;
    let h = a.add_household("g1", "101", "张三");
    a.add_household("g1", "102", "李四");
    a.sync(&street.relay).await;
    a2.sync(&street.relay).await;
    assert_eq!(
        a.store.export_json().unwrap(),
        a2.store.export_json().unwrap()
    );

    // Concurrent edits of one field on both phones become a visible conflict on both.
    a.store
        .patch_json(h, &serde_json::json!({"notes": "独居"}))
        .unwrap();
    a2.store
        .patch_json(h, &serde_json::json!({"notes": "与子女同住"}))
        .unwrap();
    a.sync(&street.relay).await;
    a2.sync(&street.relay).await;
    a.sync(&street.relay).await;
    assert_eq!(
        a.store.export_json().unwrap(),
        a2.store.export_json().unwrap()
    );
    assert_eq!(a.store.conflicts(h).unwrap().len(), 1);

    // The server's materialized copy reads the same fields.
    let doc = street
        .relay
        .storage
        .document(&h.to_string())
        .await
        .unwrap()
        .unwrap();
    let local = a.store.get_json(h, true).unwrap();
    assert_eq!(doc.data.as_ref(), Some(&local["data"]));
    assert_eq!(doc.flagged, None);
}
