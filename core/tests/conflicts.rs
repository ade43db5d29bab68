//! Concurrent edits across devices: same field → a visible conflict with every value and who
//! set it; different fields or different members → both edits survive.

mod support;

use gridkeeper_core::kinds::Household;
use gridkeeper_core::kinds::household::{HousingType, Member};
use gridkeeper_core::{Kind, RecordId, Store};
use support::{exchange, household, store};

fn shared_household(dir: &tempfile::TempDir) -> (Store, Store, RecordId) {
    let mut a = store(dir, "worker-a");
    let mut b = store(dir, "worker-b");
    let id = a
        .create_json(
            Kind::Household,
            "grid-1",
            household(
                "5",
                "302",
                &[("赵敏", None, Some("13800000001")), ("周芷若", None, None)],
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    (a, b, id)
}

fn set_phone(s: &mut Store, id: RecordId, member: usize, phone: &str) {
    s.update::<Household>(id, |h| h.members[member].phone = Some(phone.into()))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn same_field_becomes_a_conflict_with_both_values_and_authors() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut a, mut b, id) = shared_household(&dir);
    set_phone(&mut a, id, 0, "13811112222");
    set_phone(&mut b, id, 0, "13933334444");
    exchange(&mut a, &mut b);

    for s in [&mut a, &mut b] {
        let conflicts = s.conflicts(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        let c = &conflicts[0];
        assert_eq!(c.path, "members[0].phone");
        let mut values: Vec<(String, String)> = c
            .values
            .iter()
            .map(|v| {
                (
                    v.value.as_str().unwrap_or_default().to_string(),
                    v.user.clone().unwrap_or_default(),
                )
            })
            .collect();
        values.sort();
        assert_eq!(
            values,
            vec![
                ("13811112222".into(), "worker-a".into()),
                ("13933334444".into(), "worker-b".into())
            ]
        );
        assert_eq!(c.values.iter().filter(|v| v.winner).count(), 1);
    }
    assert_eq!(
        a.export_json().unwrap_or_default(),
        b.export_json().unwrap_or_default()
    );

    // An unrelated edit must not settle the conflict behind the worker's back.
    a.patch_json(id, &serde_json::json!({"notes": "复查"}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        a.conflicts(id).unwrap_or_default().len(),
        1,
        "unrelated edit resolved the conflict"
    );

    // Choosing worker-b's value settles it everywhere once the choice syncs.
    let c = &a.conflicts(id).unwrap_or_default()[0];
    let pick = c
        .values
        .iter()
        .position(|v| v.user.as_deref() == Some("worker-b"))
        .unwrap_or(0);
    a.resolve_conflict(id, "members[0].phone", pick)
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    for s in [&mut a, &mut b] {
        assert!(s.conflicts(id).unwrap_or_default().is_empty());
        let h = s.get::<Household>(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.data.members[0].phone.as_deref(), Some("13933334444"));
    }
}

#[test]
fn different_fields_and_different_members_both_survive() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut a, mut b, id) = shared_household(&dir);
    a.update::<Household>(id, |h| {
        h.notes = "独居老人，每周走访".into();
        h.members[0].name = "赵敏敏".into();
    })
    .unwrap_or_else(|e| panic!("{e}"));
    b.update::<Household>(id, |h| {
        h.housing_type = HousingType::Rented;
        h.members[1].phone = Some("13700001111".into());
    })
    .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    for s in [&mut a, &mut b] {
        let h = s
            .get::<Household>(id)
            .unwrap_or_else(|e| panic!("{e}"))
            .data;
        assert_eq!(h.notes, "独居老人，每周走访");
        assert_eq!(h.housing_type, HousingType::Rented);
        assert_eq!(h.members[0].name, "赵敏敏");
        assert_eq!(h.members[1].phone.as_deref(), Some("13700001111"));
        assert!(s.conflicts(id).unwrap_or_default().is_empty());
    }
}

#[test]
fn members_added_on_two_devices_are_both_kept() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut a, mut b, id) = shared_household(&dir);
    a.update::<Household>(id, |h| {
        h.members.push(Member {
            name: "张无忌".into(),
            ..Default::default()
        })
    })
    .unwrap_or_else(|e| panic!("{e}"));
    b.update::<Household>(id, |h| {
        h.members.remove(1);
        h.members.push(Member {
            name: "小昭".into(),
            ..Default::default()
        });
    })
    .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    let names = |s: &mut Store| {
        s.get::<Household>(id)
            .unwrap_or_else(|e| panic!("{e}"))
            .data
            .members
            .into_iter()
            .map(|m| m.name)
            .collect::<Vec<_>>()
    };
    let on_a = names(&mut a);
    assert_eq!(on_a, names(&mut b));
    let mut sorted = on_a.clone();
    sorted.sort();
    let mut expected = vec!["赵敏".to_string(), "张无忌".into(), "小昭".into()];
    expected.sort();
    assert_eq!(sorted, expected);
}

#[test]
fn applying_the_same_changes_twice_or_reversed_is_harmless() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "worker-a");
    let mut b = store(&dir, "worker-b");
    let id = a
        .create_json(
            Kind::Household,
            "grid-1",
            household("1", "101", &[("钱多多", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    for n in 0..3 {
        a.patch_json(id, &serde_json::json!({"notes": format!("第{n}次")}))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut set = a.changes(None).unwrap_or_else(|e| panic!("{e}"));
    set.records[0].changes.reverse();
    let report = b.apply_changes(&set).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.applied, report.waiting), (4, 0));
    let again = b.apply_changes(&set).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.applied, 0);
    assert_eq!(
        a.export_json().unwrap_or_default(),
        b.export_json().unwrap_or_default()
    );
    assert_eq!(
        b.outbox_len().unwrap_or_default(),
        0,
        "merged changes are not ours to push"
    );
}

#[test]
fn a_change_whose_dependencies_are_missing_waits_and_lands_later() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "worker-a");
    let mut b = store(&dir, "worker-b");
    let id = a
        .create_json(
            Kind::Household,
            "grid-1",
            household("1", "101", &[("孙悟空", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    a.patch_json(id, &serde_json::json!({"notes": "花果山"}))
        .unwrap_or_else(|e| panic!("{e}"));
    let set = a.changes(None).unwrap_or_else(|e| panic!("{e}"));
    let first = gridkeeper_core::exchange::ChangeSet {
        records: vec![gridkeeper_core::exchange::RecordChanges {
            record_id: id.to_string(),
            changes: vec![set.records[0].changes[0].clone()],
        }],
    };
    let second = gridkeeper_core::exchange::ChangeSet {
        records: vec![gridkeeper_core::exchange::RecordChanges {
            record_id: id.to_string(),
            changes: vec![set.records[0].changes[1].clone()],
        }],
    };
    let r = b.apply_changes(&second).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.applied, r.waiting), (0, 1));
    assert!(
        b.get_json(id, true).is_err(),
        "nothing to show before the record's first change"
    );
    // A new store handle (the app restarted) still holds the waiting change.
    drop(b);
    let mut b = Store::open(dir.path().join("worker-b.db")).unwrap_or_else(|e| panic!("{e}"));
    let r = b.apply_changes(&first).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.applied, r.waiting), (2, 0));
    assert_eq!(
        b.get::<Household>(id)
            .unwrap_or_else(|e| panic!("{e}"))
            .data
            .notes,
        "花果山"
    );
}

#[test]
fn malformed_change_bytes_are_rejected_whole() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "worker-a");
    let mut b = store(&dir, "worker-b");
    let id = a
        .create_json(
            Kind::Household,
            "grid-1",
            household("1", "101", &[("猪八戒", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let mut set = a.changes(None).unwrap_or_else(|e| panic!("{e}"));
    set.records.push(gridkeeper_core::exchange::RecordChanges {
        record_id: RecordId::new().to_string(),
        changes: vec![vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3]],
    });
    assert!(matches!(
        b.apply_changes(&set),
        Err(gridkeeper_core::Error::BadChanges(_))
    ));
    assert!(
        b.record_ids(None).unwrap_or_default().is_empty(),
        "the good record in the same batch was not half-applied"
    );
    let _ = id;
}
