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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_phone_bootstraps_from_saved_documents_in_pages_and_resumes() {
    let street = start().await.street().await;
    let mut a = street.enroll("worker-a").await;
    let mut ids = Vec::new();
    for i in 0..120 {
        ids.push(a.add_household("g1", &format!("{i}"), "王五"));
    }
    for id in ids.iter().take(30) {
        a.store
            .patch_json(*id, &serde_json::json!({"notes": "已走访"}))
            .unwrap();
    }
    a.sync(&street.relay).await;
    let head = street.relay.storage.head("g1").await.unwrap();
    assert_eq!(head, 150, "120 creations and 30 edits");

    // A fresh phone pulls in pages of 25: saved documents, not the 150 changes.
    let mut b = street.enroll("worker-a").await;
    let mut received = 0;
    let mut rounds = 0;
    loop {
        let mut req = b.request(&["g1"]);
        req.limit = Some(25);
        let (status, resp, body) =
            post_sync(&street.relay, Some(&b.token), wire::encode(&req)).await;
        assert_eq!(status, 200, "{body}");
        let resp = resp.unwrap();
        let feed = &resp.grids[0];
        assert!(
            feed.changes.is_empty(),
            "a bootstrap sends documents, not history"
        );
        assert!(feed.snapshots.len() <= 25);
        received += feed.snapshots.len();
        if !feed.snapshots.is_empty() {
            assert_eq!(feed.total, Some(120));
        }
        b.store.apply_sync_response(&resp).unwrap();
        rounds += 1;
        // Interrupted half-way: a new store handle on the same file carries on from the
        // cursor it recorded.
        if rounds == 2 {
            let path = b.dir.path().join("device.db");
            b.store = gridkeeper_core::Store::open(&path).unwrap();
        }
        if !feed.more {
            assert_eq!(feed.cursor, "150", "the bootstrap hands over to the feed");
            break;
        }
        assert!(rounds < 20);
    }
    assert_eq!(received, 120, "every record exactly once");
    assert_eq!(rounds, 5, "120 records in pages of 25 take 5 rounds");
    assert_eq!(
        a.store.export_json().unwrap(),
        b.store.export_json().unwrap()
    );

    // Projections came from the server's reading of each record; a rebuild from the
    // documents themselves must give the same rows.
    let sent = b.store.projection_snapshot().unwrap();
    b.store.rebuild().unwrap();
    assert_eq!(sent, b.store.projection_snapshot().unwrap());
    assert_eq!(sent, a.store.projection_snapshot().unwrap());

    // After the bootstrap, edits arrive through the feed as changes.
    a.store
        .patch_json(ids[0], &serde_json::json!({"notes": "复访"}))
        .unwrap();
    a.sync(&street.relay).await;
    let (resp, report) = b.round(&street.relay).await;
    assert_eq!(resp.grids[0].changes.len(), 1);
    assert!(resp.grids[0].snapshots.is_empty());
    assert_eq!(report.applied, 1);
    assert_eq!(report.changed_records, vec![ids[0].to_string()]);
    assert_eq!(
        a.store.export_json().unwrap(),
        b.store.export_json().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_pages_by_limit_and_skips_the_asking_phones_own_changes() {
    let street = start().await.street().await;
    let mut a = street.enroll("worker-a").await;
    let mut b = street.enroll("worker-a").await;
    b.sync(&street.relay).await; // past the (empty) bootstrap, onto the feed
    for i in 0..10 {
        a.add_household("g1", &format!("{i}"), "赵六");
    }
    a.sync(&street.relay).await;

    // a's own changes are not sent back to it, but its cursor moves past them.
    let (resp, _) = a.round(&street.relay).await;
    assert!(resp.grids[0].changes.is_empty());
    assert_eq!(resp.grids[0].cursor, "10");

    let mut pulled = 0;
    let mut rounds = 0;
    loop {
        let mut req = b.request(&["g1"]);
        req.limit = Some(4);
        let (_, resp, _) = post_sync(&street.relay, Some(&b.token), wire::encode(&req)).await;
        let resp = resp.unwrap();
        pulled += resp.grids[0]
            .changes
            .iter()
            .map(|d| d.changes.len())
            .sum::<usize>();
        b.store.apply_sync_response(&resp).unwrap();
        rounds += 1;
        if !resp.grids[0].more {
            break;
        }
    }
    assert_eq!((pulled, rounds), (10, 3));
    assert_eq!(
        a.store.export_json().unwrap(),
        b.store.export_json().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_reads_its_subtree_and_nothing_else() {
    let street = start().await.street().await;
    let mut a = street.enroll("worker-a").await;
    let mut w3 = street.enroll("worker-b").await;
    a.add_household("g1", "1", "孙七");
    w3.add_household("g3", "1", "周八");
    a.sync(&street.relay).await;
    w3.sync(&street.relay).await;

    let mut sup = street.enroll("super-c1").await;
    assert_eq!(sup.grids, vec!["c1", "g1", "g2"]);
    sup.sync(&street.relay).await;
    assert_eq!(
        sup.store.export_json().unwrap(),
        a.store.export_json().unwrap()
    );

    // Asking for a grid outside it: a phone of revision 4 is refused; one of this revision
    // is answered without it, and told what it may read.
    let mut req = sup.request(&["g3"]);
    req.v = wire::REACH_VERSION - 1;
    let (status, _, body) = post_sync(&street.relay, Some(&sup.token), wire::encode(&req)).await;
    assert_eq!((status, code(&body).as_str()), (403, "forbidden"));
    let req = sup.request(&["g3"]);
    let (status, resp, _) = post_sync(&street.relay, Some(&sup.token), wire::encode(&req)).await;
    assert_eq!(status, 200);
    let resp = resp.unwrap();
    assert!(resp.grids.is_empty());
    assert_eq!(
        resp.reach,
        Some(vec!["c1".to_string(), "g1".into(), "g2".into()])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_reply_carries_one_page_however_many_grids_are_pulled() {
    let street = start().await.street().await;
    let s = &street.relay.storage;
    gridkeeper_server::admin::add_user(
        s,
        "worker-g2",
        gridkeeper_server::storage::Role::Worker,
        &["g2".into()],
    )
    .await
    .unwrap();
    let mut a = street.enroll("worker-a").await;
    let mut b = street.enroll("worker-g2").await;
    for i in 0..5 {
        a.add_household("g1", &format!("{i}"), "钱一");
        b.add_household("g2", &format!("{i}"), "孙二");
    }
    a.sync(&street.relay).await;
    b.sync(&street.relay).await;

    let mut sup = street.enroll("super-c1").await;
    let (mut received, mut rounds) = (0, 0);
    loop {
        let mut req = sup.request(&["c1", "g1", "g2"]);
        req.limit = Some(4);
        let (status, resp, body) =
            post_sync(&street.relay, Some(&sup.token), wire::encode(&req)).await;
        assert_eq!(status, 200, "{body}");
        let resp = resp.unwrap();
        let in_reply: usize = resp.grids.iter().map(|g| g.snapshots.len()).sum();
        assert!(
            in_reply <= 4,
            "a reply carried {in_reply} records for a limit of 4"
        );
        received += in_reply;
        sup.store.apply_sync_response(&resp).unwrap();
        rounds += 1;
        if !resp.grids.iter().any(|g| g.more) {
            break;
        }
        assert!(rounds < 20);
    }
    assert_eq!(received, 10);
    assert_eq!(sup.store.record_ids(None).unwrap().len(), 10);
}
