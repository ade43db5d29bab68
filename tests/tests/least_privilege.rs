//! Least privilege end to end: whatever phones of two communities do and however they sync,
//! a worker's phone never holds a record of another grid, and a supervisor's phone holds its
//! subtree and nothing else. Direct attempts to reach across are refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_core::wire::{self, PullCursor, SyncRequest};
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

fn grids_held(p: &mut Phone) -> Vec<String> {
    let mut grids: Vec<String> = p
        .store()
        .connection()
        .prepare("SELECT DISTINCT grid FROM records ORDER BY grid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    grids.sort();
    grids
}

#[test]
fn no_phone_ever_holds_a_record_outside_its_reach() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_reach").unwrap() {
        run(backend);
    }
}

fn run(backend: Backend) {
    let seed: u64 = rand::rng().random();
    println!("{}: seed {seed}", backend.name());
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, backend).unwrap();
    for args in [
        ["grid", "add", "s1", "--name", "街道", "", ""],
        ["grid", "add", "c1", "--name", "幸福社区", "--parent", "s1"],
        ["grid", "add", "c2", "--name", "和平社区", "--parent", "s1"],
        ["grid", "add", "g1", "--name", "一网格", "--parent", "c1"],
        ["grid", "add", "g2", "--name", "二网格", "--parent", "c1"],
        ["grid", "add", "g3", "--name", "三网格", "--parent", "c2"],
    ] {
        let args: Vec<&str> = args.iter().copied().filter(|a| !a.is_empty()).collect();
        relay.admin(&args).unwrap();
    }
    let people = [
        ("w1", "worker", "g1"),
        ("w2", "worker", "g2"),
        ("w3", "worker", "g3"),
        ("sup", "supervisor", "c1"),
    ];
    let mut phones = Vec::new();
    for (user, role, scope) in people {
        relay
            .admin(&["user", "add", user, "--role", role, "--scope", scope])
            .unwrap();
        let code = relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(dir.path(), user).unwrap();
        p.enroll(&relay.url(), &code, &relay.url()).unwrap();
        phones.push(p);
    }
    let reach: [&[&str]; 4] = [&["g1"], &["g2"], &["g3"], &["g1", "g2"]];
    for step in 0..240 {
        let i = rng.random_range(0..3);
        if rng.random_bool(0.6) {
            let grid = ["g1", "g2", "g3"][i];
            phones[i].random_work(&mut rng, grid, step);
        } else {
            let j = rng.random_range(0..4);
            phones[j].sync(1).unwrap();
            let held = grids_held(&mut phones[j]);
            assert!(
                held.iter().all(|g| reach[j].contains(&g.as_str())),
                "{} holds records of {held:?} (seed {seed})",
                phones[j].name
            );
        }
    }
    for p in phones.iter_mut() {
        p.sync(1).unwrap();
    }
    assert_eq!(grids_held(&mut phones[0]), ["g1"]);
    assert_eq!(grids_held(&mut phones[2]), ["g3"]);
    let sup = grids_held(&mut phones[3]);
    assert!(
        sup.iter().all(|g| g == "g1" || g == "g2") && !sup.is_empty(),
        "{sup:?}"
    );

    // Reaching across on purpose: a phone before revision 5 pulling another grid is refused
    // whole; one of this revision gets nothing of it, only what it may read.
    let token = phones[0].store().meta("sync_token").unwrap().unwrap();
    let http = reqwest_blocking();
    for grid in ["g3", "g2", "c2", "s1"] {
        let mut req = SyncRequest {
            v: wire::REACH_VERSION - 1,
            pull: vec![PullCursor {
                grid: grid.into(),
                cursor: String::new(),
                catch_up: Vec::new(),
            }],
            ..Default::default()
        };
        let (status, _) = http(&relay.url(), &token, wire::encode(&req));
        assert_eq!(status, 403, "w1 pulling {grid} (revision 4)");
        req.v = wire::VERSION;
        let (status, body) = http(&relay.url(), &token, wire::encode(&req));
        assert_eq!(status, 200, "w1 pulling {grid}");
        let resp: wire::SyncResponse = wire::decode(&body, 64 << 20).unwrap();
        assert!(resp.grids.is_empty(), "w1 pulling {grid}: {resp:?}");
        assert_eq!(resp.reach, Some(vec!["g1".to_string()]));
    }
    let id = phones[0]
        .store()
        .create_json(
            gridkeeper_core::Kind::Case,
            "g3",
            serde_json::json!({"category": "hazard", "description": "越界"}),
        )
        .unwrap();
    // A record made in a grid out of reach is refused change by change: nothing is stored,
    // the phone sets it aside, and its other work still goes through.
    phones[0]
        .store()
        .create_json(
            gridkeeper_core::Kind::Household,
            "g1",
            serde_json::json!({"address": {"building": "9", "room": "9"}, "members": [{"name": "陈一"}]}),
        )
        .unwrap();
    let s = phones[0].sync(1).unwrap();
    assert_eq!(s.pushed, 1);
    assert_eq!(s.rejected.len(), 1);
    assert_eq!(s.rejected[0].1, "out_of_scope");
    let refused = phones[0].store().refused_changes().unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, id.to_string());
    assert_eq!(phones[0].store().outbox_len().unwrap(), 0);
    let g3 = relay.documents("g3").unwrap();
    assert!(
        !g3.contains_key(&id.to_string()),
        "the stray record reached g3"
    );
}

/// A blocking POST of a sync body; returns the status.
fn reqwest_blocking() -> impl Fn(&str, &str, Vec<u8>) -> (u16, Vec<u8>) {
    let client = reqwest::blocking::Client::new();
    move |base, token, body| {
        client
            .post(format!("{base}/v1/sync"))
            .bearer_auth(token)
            .header("content-type", wire::CONTENT_TYPE)
            .body(body)
            .send()
            .map(|r| {
                let status = r.status().as_u16();
                (status, r.bytes().map(|b| b.to_vec()).unwrap_or_default())
            })
            .unwrap_or((0, Vec::new()))
    }
}
