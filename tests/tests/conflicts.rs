//! Conflicts across phones: two workers change one resident's phone number while offline;
//! after both sync, each phone shows the conflict with both values and who set each, and a
//! resolution on one phone reaches the other.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_core::Kind;
use gridkeeper_core::kinds::Household;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

#[test]
fn concurrent_edits_on_two_phones_surface_with_their_authors() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "gk_conflict").unwrap() {
        run(backend);
    }
}

fn run(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格"])
        .unwrap();
    let mut phones = Vec::new();
    for user in ["王芳", "李强"] {
        relay
            .admin(&["user", "add", user, "--role", "worker", "--scope", "g1"])
            .unwrap();
        let code = relay.admin(&["enroll-code", user]).unwrap();
        let mut p = Phone::new(dir.path(), &format!("phone-{}", phones.len())).unwrap();
        p.enroll(&relay.url(), &code, &relay.url()).unwrap();
        phones.push(p);
    }
    let id = phones[0]
        .store()
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "3", "room": "501"}, "members": [{"name": "张三", "phone": "13812345678"}]}),
        )
        .unwrap();
    phones[0].sync(1).unwrap();
    phones[1].sync(1).unwrap();

    // Both offline, both change the number.
    phones[0]
        .store()
        .update::<Household>(id, |h| h.members[0].phone = Some("13900000001".into()))
        .unwrap();
    phones[1]
        .store()
        .update::<Household>(id, |h| h.members[0].phone = Some("13700000002".into()))
        .unwrap();
    phones[0].sync(1).unwrap();
    let s = phones[1].sync(1).unwrap();
    assert!(
        s.changed_records.contains(&id.to_string()),
        "the screen learns which record changed"
    );
    phones[0].sync(1).unwrap();

    for p in phones.iter_mut() {
        let conflicts = p.store().conflicts(id).unwrap();
        assert_eq!(conflicts.len(), 1, "{}", p.name);
        let c = &conflicts[0];
        assert_eq!(c.path, "members[0].phone");
        let mut seen: Vec<(String, String)> = c
            .values
            .iter()
            .map(|v| {
                (
                    v.value.as_str().unwrap_or("").to_string(),
                    v.user.clone().unwrap_or_default(),
                )
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            vec![
                ("13700000002".to_string(), "李强".to_string()),
                ("13900000001".to_string(), "王芳".to_string())
            ]
        );
        assert_eq!(c.values.iter().filter(|v| v.winner).count(), 1);
    }

    // Resolved on one phone, settled on both.
    phones[1]
        .store()
        .resolve_conflict(id, "members[0].phone", 0)
        .unwrap();
    let chosen = phones[1].store().get::<Household>(id).unwrap().data.members[0]
        .phone
        .clone();
    phones[1].sync(1).unwrap();
    phones[0].sync(1).unwrap();
    assert!(phones[0].store().conflicts(id).unwrap().is_empty());
    assert_eq!(
        phones[0].store().get::<Household>(id).unwrap().data.members[0].phone,
        chosen
    );

    removed_while_edited(&relay, &mut phones, dir.path());
}

/// A member removed on one phone while the other edits her: after both sync, both phones show
/// it with who removed and who edited (and her edited phone number); restoring her on one
/// phone settles it on both, on the relay, and on a phone that joins later.
fn removed_while_edited(relay: &Relay, phones: &mut [Phone], dir: &std::path::Path) {
    let id = phones[0]
        .store()
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "3", "room": "502"},
                   "members": [{"name": "赵敏"}, {"name": "周芷若"}]}),
        )
        .unwrap();
    phones[0].sync(1).unwrap();
    phones[1].sync(1).unwrap();
    let member = phones[1].store().get::<Household>(id).unwrap().data.members[1]
        .id
        .clone();
    phones[0]
        .store()
        .update::<Household>(id, |h| h.members.retain(|m| m.id != member))
        .unwrap();
    phones[1]
        .store()
        .update::<Household>(id, |h| h.members[1].phone = Some("13912345678".into()))
        .unwrap();
    phones[0].sync(1).unwrap();
    phones[1].sync(1).unwrap();
    phones[0].sync(1).unwrap();

    let path = format!("members[id={member}]");
    for p in phones.iter_mut() {
        let conflicts = p.store().conflicts(id).unwrap();
        let c = conflicts
            .iter()
            .find(|c| c.path == path)
            .unwrap_or_else(|| panic!("{}: {conflicts:?}", p.name));
        assert_eq!(c.values[0].user.as_deref(), Some("王芳"), "who removed");
        assert!(c.values[0].value.is_null());
        assert_eq!(c.values[1].user.as_deref(), Some("李强"), "who edited");
        assert_eq!(c.values[1].value["phone"], "13912345678");
    }

    phones[0].store().resolve_conflict(id, &path, 1).unwrap();
    phones[0].sync(1).unwrap();
    phones[1].sync(1).unwrap();
    let code = relay.admin(&["enroll-code", "李强"]).unwrap();
    let mut late = Phone::new(dir, "phone-late").unwrap();
    late.enroll(&relay.url(), &code, &relay.url()).unwrap();
    late.sync(1).unwrap();
    for p in phones.iter_mut().chain([&mut late]) {
        assert!(p.store().conflicts(id).unwrap().is_empty(), "{}", p.name);
        let h = p.store().get::<Household>(id).unwrap();
        let back = h.data.members.iter().find(|m| m.id == member);
        assert_eq!(
            back.and_then(|m| m.phone.as_deref()),
            Some("13912345678"),
            "{}: restored with her edited number",
            p.name
        );
    }
    let on_relay = relay.documents("g1").unwrap();
    let doc = &on_relay[&id.to_string()];
    assert_eq!(
        doc.flagged, None,
        "the settled marker is not a field the relay refuses"
    );
    assert_eq!(
        doc.data.as_ref().unwrap()["members"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
