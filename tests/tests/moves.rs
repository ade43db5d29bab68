//! A household moving to another grid (issue 19 item 2), on a real relay over loopback with
//! real store files (SQLite, and PostgreSQL under `scripts/with-postgres`).
//!
//! The move is made by a supervisor whose reach holds both grids; a worker and a supervisor
//! of one grid only are refused. Afterwards there is exactly one live copy, in the new grid,
//! under a new id that names the old; the old grid's phones purge theirs (one that edited it
//! offline keeps the edit, refused `record_moved` and set aside with words, and never
//! receives the new record); the new grid's phone receives it; work done about it in the old
//! grid stays there; the old address of its page leads to the new one. Under chaos (a proxy
//! dropping, cutting and repeating requests), moves made mid-run end the same way and no
//! phone ever holds a record of a grid it does not reach.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use gridkeeper_core::Kind;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::proxy::{Faults, Proxy};
use gridkeeper_tests::relay::{Backend, Relay, backends};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

fn token(p: &mut Phone) -> String {
    p.store().meta("sync_token").unwrap().unwrap()
}

fn post_move(relay: &Relay, token: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/v1/moves", relay.url()))
        .bearer_auth(token)
        .json(body)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

fn grids_held(p: &mut Phone) -> BTreeSet<String> {
    p.store()
        .connection()
        .prepare("SELECT DISTINCT grid FROM records")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn holds(p: &mut Phone, id: &str) -> bool {
    p.store()
        .connection()
        .query_row("SELECT count(*) FROM records WHERE id = ?1", [id], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
        == 1
}

/// A street `s1` of grids `ga` and `gb`, a worker on each, a supervisor of the street and
/// one of `ga` only, each on a phone of their own.
fn street(backend: Backend, dir: &std::path::Path, test: &str) -> (Relay, Vec<Phone>) {
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "s1", "--name", "街道"])
        .unwrap();
    for g in ["ga", "gb"] {
        relay
            .admin(&["grid", "add", g, "--name", g, "--parent", "s1"])
            .unwrap();
    }
    let dir = dir.join(test);
    std::fs::create_dir_all(&dir).unwrap();
    let mut phones = Vec::new();
    for (user, role, scope) in [
        ("wa", "worker", "ga"),
        ("wa2", "worker", "ga"),
        ("wb", "worker", "gb"),
        ("sup", "supervisor", "s1"),
        ("supa", "supervisor", "ga"),
    ] {
        relay
            .admin(&["user", "add", user, "--role", role, "--scope", scope])
            .unwrap();
        let code = relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(&dir, user).unwrap();
        p.enroll(&relay.url(), &code, &relay.url()).unwrap();
        phones.push(p);
    }
    (relay, phones)
}

#[test]
fn a_household_moves_to_another_grid_once_and_the_old_grids_phones_let_it_go() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "moves").unwrap() {
        moved(backend, dir.path());
    }
}

fn moved(backend: Backend, dir: &std::path::Path) {
    let name = backend.name();
    let (relay, mut phones) = street(backend, dir, &format!("{name}-move"));
    let [wa, wa2, wb, sup, supa] = &mut phones[..] else {
        unreachable!()
    };
    let old = wa
        .store()
        .create_json(
            Kind::Household,
            "ga",
            json!({"address": {"building": "7", "room": "701"},
                   "members": [{"name": "司马青岚", "phone": "13766665555"}]}),
        )
        .unwrap();
    let visit = wa
        .store()
        .create_json(
            Kind::Visit,
            "ga",
            json!({"subject": {"kind": "household", "id": old.to_string()}, "purpose": "routine", "findings": "一切正常"}),
        )
        .unwrap();
    wa.sync(3).unwrap();
    wa2.sync(3).unwrap();
    wb.sync(3).unwrap();
    assert!(holds(wa2, &old.to_string()));
    // Offline, the worker adds a note the relay has not seen when the move is made.
    wa.store()
        .patch_json(old, &json!({"notes": "搬家前走访"}))
        .unwrap();

    let old = old.to_string();
    let body = json!({"record_id": old, "to_grid": "gb", "reason": "住户搬到对面小区"});
    let (status, r) = post_move(&relay, &token(wa), &body);
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{name}: a worker"
    );
    let (status, _) = post_move(&relay, &token(supa), &body);
    assert_eq!(status, 403, "{name}: a supervisor of the old grid only");
    let (status, r) = post_move(
        &relay,
        &token(sup),
        &json!({"record_id": old, "to_grid": "nowhere", "reason": "x"}),
    );
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (400, Some("unknown_grid"))
    );
    let (status, r) = post_move(
        &relay,
        &token(sup),
        &json!({"record_id": visit.to_string(), "to_grid": "gb", "reason": "x"}),
    );
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (400, Some("invalid_move")),
        "a visit stays"
    );
    assert_eq!(relay.documents("ga").unwrap().len(), 2, "nothing moved yet");

    let (status, m) = post_move(&relay, &token(sup), &body);
    assert_eq!(status, 200, "{name}: {m}");
    let new = m["to_record"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(
        (m["from_grid"].as_str(), m["to_grid"].as_str()),
        (Some("ga"), Some("gb"))
    );
    let (status, r) = post_move(&relay, &token(sup), &body);
    assert_eq!(
        (status, r["error"]["code"].as_str()),
        (409, Some("record_moved")),
        "once"
    );

    // One live copy, in the new grid, with today's values and where it came from.
    let a_docs = relay.documents("ga").unwrap();
    let b_docs = relay.documents("gb").unwrap();
    assert!(!a_docs.contains_key(&old));
    assert!(
        a_docs.contains_key(&visit.to_string()),
        "the visit stays where it was done"
    );
    let doc = &b_docs[&new];
    assert_eq!(doc.kind, "household");
    assert_eq!(doc.data.as_ref().unwrap()["members"][0]["name"], "司马青岚");
    let am = automerge::AutoCommit::load(&doc.saved).unwrap();
    let from = gridkeeper_core::record::relocate::moved_from(&am).unwrap();
    assert_eq!(
        (from.record_id.as_str(), from.grid.as_str()),
        (old.as_str(), "ga")
    );
    let households = a_docs
        .values()
        .chain(b_docs.values())
        .filter(|d| d.kind == "household")
        .count();
    assert_eq!(households, 1, "counted once");

    // The old grid's phones: the clean one purges it; the one with the offline note keeps
    // the note, refused and set aside; neither ever holds the new record.
    wa2.sync(3).unwrap();
    assert!(!holds(wa2, &old));
    assert_eq!(
        wa2.store().moved_to(&old).unwrap().as_deref(),
        Some(new.as_str())
    );
    let _ = wa.sync(3);
    assert!(holds(wa, &old), "kept for its unsent note");
    let refused = wa.store().refused_records().unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(
        (refused[0].record_id.as_str(), refused[0].code.as_str()),
        (old.as_str(), "record_moved")
    );
    for p in [&mut *wa, &mut *wa2] {
        assert!(!holds(p, &new));
        assert_eq!(grids_held(p), BTreeSet::from(["ga".to_string()]));
    }
    // The new grid's phone receives it as any new record; the street's supervisor too.
    wb.sync(3).unwrap();
    assert!(holds(wb, &new));
    assert_eq!(grids_held(wb), BTreeSet::from(["gb".to_string()]));
    let got = wb.store().get_json(new.parse().unwrap(), true).unwrap();
    assert_eq!(got["data"]["members"][0]["phone"], "13766665555", "{got}");
    assert!(!b_docs.values().any(|d| {
        d.data
            .as_ref()
            .is_some_and(|v| v.to_string().contains("搬家前走访"))
    }));

    // The log, for the supervisor and on the command line.
    let log: Value = reqwest::blocking::Client::new()
        .get(format!("{}/v1/moves", relay.url()))
        .bearer_auth(token(sup))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(log.as_array().map(Vec::len), Some(1), "{log}");
    assert_eq!(log[0]["from_record"].as_str(), Some(old.as_str()));
    let status = reqwest::blocking::Client::new()
        .get(format!("{}/v1/moves", relay.url()))
        .bearer_auth(token(wb))
        .send()
        .unwrap()
        .status();
    assert_eq!(status, 403);
    let listed = relay.admin(&["moves"]).unwrap();
    assert!(listed.contains(&old) && listed.contains(&new), "{listed}");
    assert!(!listed.contains("司马青岚"));

    // The erasure log says the old id moved, and where.
    let (_, erasures) = {
        let r = reqwest::blocking::Client::new()
            .get(format!("{}/v1/admin/erasures", relay.url()))
            .bearer_auth(relay.admin_token.as_deref().unwrap())
            .send()
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().unwrap())
    };
    assert_eq!(
        erasures[0]["moved_to"].as_str(),
        Some(new.as_str()),
        "{erasures}"
    );
}

#[test]
fn moves_under_chaos_leave_one_live_copy_in_the_new_grid() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "movechaos").unwrap() {
        let seed = std::env::var("GK_CHAOS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| rand::rng().random());
        chaos(backend, dir.path(), seed);
    }
}

fn chaos(backend: Backend, dir: &std::path::Path, seed: u64) {
    let name = backend.name();
    println!("moves under chaos on {name}: GK_CHAOS_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let (relay, mut phones) = street(backend, dir, &format!("{name}-chaos"));
    let proxy = Proxy::start(relay.addr, seed).unwrap();
    for p in phones.iter_mut() {
        p.store().set_meta("sync_server", &proxy.url()).unwrap();
    }
    proxy.set_faults(Faults::rough());
    let sup = token(&mut phones[3]);
    let grid_of = ["ga", "ga", "gb"];
    let reach: [&[&str]; 5] = [&["ga"], &["ga"], &["gb"], &["ga", "gb"], &["ga"]];
    let mut moves: Vec<(String, String)> = Vec::new();
    for step in 0..160 {
        match rng.random_range(0..100) {
            0..=54 => {
                let i = rng.random_range(0..3);
                phones[i].random_work(&mut rng, grid_of[i], step);
            }
            55..=89 => {
                let i = rng.random_range(0..5);
                let _ = phones[i].sync(2);
                let held = grids_held(&mut phones[i]);
                assert!(
                    held.iter().all(|g| reach[i].contains(&g.as_str())),
                    "{} holds records of {held:?} (seed {seed})",
                    phones[i].name
                );
            }
            _ => {
                // The supervisor moves a household of the old grid the relay holds now.
                let docs = relay.documents("ga").unwrap();
                let candidates: Vec<&String> = docs
                    .iter()
                    .filter(|(_, d)| d.kind == "household")
                    .map(|(id, _)| id)
                    .collect();
                if candidates.is_empty() {
                    continue;
                }
                let old = candidates[rng.random_range(0..candidates.len())].clone();
                let (status, m) = post_move(
                    &relay,
                    &sup,
                    &json!({"record_id": old, "to_grid": "gb", "reason": "边界调整"}),
                );
                assert_eq!(status, 200, "{m} (seed {seed})");
                moves.push((old, m["to_record"].as_str().unwrap().to_string()));
            }
        }
    }
    proxy.set_faults(Faults::none());
    for _ in 0..3 {
        for p in phones.iter_mut() {
            p.sync(5).unwrap();
        }
    }
    assert!(!moves.is_empty(), "the run made no move (seed {seed})");
    let a_docs = relay.documents("ga").unwrap();
    let b_docs = relay.documents("gb").unwrap();
    for (old, new) in &moves {
        assert!(
            !a_docs.contains_key(old) && !b_docs.contains_key(old),
            "{old} (seed {seed})"
        );
        let doc = &b_docs[new];
        let am = automerge::AutoCommit::load(&doc.saved).unwrap();
        let from = gridkeeper_core::record::relocate::moved_from(&am).unwrap();
        assert_eq!(&from.record_id, old);
        let copies = b_docs
            .values()
            .filter(|d| {
                automerge::AutoCommit::load(&d.saved)
                    .ok()
                    .and_then(|am| gridkeeper_core::record::relocate::moved_from(&am))
                    .is_some_and(|f| &f.record_id == old)
            })
            .count();
        assert_eq!(copies, 1, "one live copy of {old} (seed {seed})");
        // The old grid's phones hold it only with their own refused edits set aside.
        for i in [0, 1, 4] {
            assert!(!holds(&mut phones[i], new), "seed {seed}");
            if holds(&mut phones[i], old) {
                let refused = phones[i].store().refused_records().unwrap();
                assert!(
                    refused
                        .iter()
                        .any(|r| &r.record_id == old && r.code == "record_moved"),
                    "{} keeps {old} without a reason (seed {seed})",
                    phones[i].name
                );
            }
        }
        assert!(
            holds(&mut phones[2], new),
            "the new grid's phone (seed {seed})"
        );
        assert!(
            holds(&mut phones[3], new),
            "the street supervisor's (seed {seed})"
        );
        assert!(!holds(&mut phones[3], old), "seed {seed}");
    }
    for (i, p) in phones.iter_mut().enumerate() {
        let held = grids_held(p);
        assert!(
            held.iter().all(|g| reach[i].contains(&g.as_str())),
            "{} holds {held:?} (seed {seed})",
            p.name
        );
    }
    // The new grid's phone and the relay agree on every record of it.
    let mut wb_ids: Vec<String> = phones[2]
        .store()
        .record_ids(None)
        .unwrap()
        .into_iter()
        .map(|id| id.to_string())
        .collect();
    wb_ids.sort();
    let relay_ids: Vec<String> = b_docs.keys().cloned().collect();
    assert_eq!(wb_ids, relay_ids, "seed {seed}");
}
