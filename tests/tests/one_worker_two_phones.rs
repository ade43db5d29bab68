//! One worker, two phones (a work phone and their own, or a replacement before the old one
//! was handed in): each phone enrols with a code of its own and writes under an actor of its
//! own, so the two merge like any two devices — edits to different fields both land, edits
//! to the same field show as a conflict, and every change names the same worker.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_core::Kind;
use gridkeeper_core::kinds::Household;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Relay, backends};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

#[test]
fn one_worker_on_two_phones_merges_like_two_devices() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_two_phones").unwrap() {
        let relay = Relay::start(RELAY, backend).unwrap();
        relay
            .admin(&["grid", "add", "g1", "--name", "第一网格"])
            .unwrap();
        relay
            .admin(&["user", "add", "王芳", "--role", "worker", "--scope", "g1"])
            .unwrap();
        let run = tempfile::tempdir().unwrap();
        let mut phones = Vec::new();
        for n in 0..2 {
            // One code per phone: a code enrols one device.
            let code = relay.admin(&["enroll-code", "王芳"]).unwrap();
            let mut p = Phone::new(run.path(), &format!("phone-{n}")).unwrap();
            p.enroll(&relay.url(), &code, &relay.url()).unwrap();
            phones.push(p);
        }
        let (a, b) = (phones[0].store().actor_hex(), phones[1].store().actor_hex());
        assert_ne!(a, b, "each phone writes under an actor of its own");

        let id = phones[0]
            .store()
            .create_json(
                Kind::Household,
                "g1",
                json!({"address": {"building": "3", "room": "501"},
                       "members": [{"name": "张三", "phone": "13812345678"}]}),
            )
            .unwrap();
        phones[0].sync(1).unwrap();
        phones[1].sync(1).unwrap();

        // Both offline: different fields on each phone, and the same field on both.
        phones[0]
            .store()
            .update::<Household>(id, |h| {
                h.notes = "独居，子女在外地".into();
                h.members[0].phone = Some("13900000001".into());
            })
            .unwrap();
        phones[1]
            .store()
            .update::<Household>(id, |h| {
                h.address.unit = "2".into();
                h.members[0].phone = Some("13700000002".into());
            })
            .unwrap();
        for _ in 0..2 {
            phones[0].sync(1).unwrap();
            phones[1].sync(1).unwrap();
        }

        let seen: Vec<Household> = phones
            .iter_mut()
            .map(|p| p.store().get::<Household>(id).unwrap().data)
            .collect();
        assert_eq!(seen[0], seen[1], "the two phones converge");
        assert_eq!(seen[0].notes, "独居，子女在外地", "phone one's edit landed");
        assert_eq!(seen[0].address.unit, "2", "phone two's edit landed");
        for p in phones.iter_mut() {
            let conflicts = p.store().conflicts(id).unwrap();
            assert_eq!(conflicts.len(), 1, "{}: the same field on both", p.name);
            assert_eq!(conflicts[0].path, "members[0].phone");
            assert!(
                conflicts[0]
                    .values
                    .iter()
                    .all(|v| v.user.as_deref() == Some("王芳"))
            );
            let history = p.store().history(id).unwrap();
            let actors: std::collections::BTreeSet<&str> =
                history.iter().map(|h| h.actor.as_str()).collect();
            assert_eq!(
                actors,
                [a.as_str(), b.as_str()].into_iter().collect(),
                "{}: the history holds both phones",
                p.name
            );
            assert!(history.iter().all(|h| h.user.as_deref() == Some("王芳")));
            assert_eq!(p.store().sync_status().unwrap().pending_changes, 0);
        }
    }
}
