//! A list item removed on one device while another device edited it: the edit must not vanish
//! unseen. Both devices show it as a conflict — the removal (with who removed) against the
//! item as its editor left it (with who edited) — and either choice settles it on both.

mod support;

use gridkeeper_core::kinds::Household;
use gridkeeper_core::{Kind, RecordId, Store};
use support::{exchange, household, store};

/// Two devices hold one household of two; `a` removes 周芷若 while `b` changes her phone.
fn removed_on_a_edited_on_b(dir: &tempfile::TempDir) -> (Store, Store, RecordId, String) {
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
    let member_id = b
        .get::<Household>(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .data
        .members[1]
        .id
        .clone();
    a.update::<Household>(id, |h| {
        h.members.remove(1);
    })
    .unwrap_or_else(|e| panic!("{e}"));
    b.update::<Household>(id, |h| h.members[1].phone = Some("13912345678".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    (a, b, id, member_id)
}

fn members(s: &mut Store, id: RecordId) -> Vec<(String, Option<String>)> {
    s.get::<Household>(id)
        .unwrap_or_else(|e| panic!("{e}"))
        .data
        .members
        .into_iter()
        .map(|m| (m.name, m.phone))
        .collect()
}

#[test]
fn a_removal_that_swallowed_an_edit_is_a_conflict_on_both_devices() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut a, mut b, id, member_id) = removed_on_a_edited_on_b(&dir);

    for s in [&mut a, &mut b] {
        let conflicts = s.conflicts(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        let c = &conflicts[0];
        assert_eq!(c.path, format!("members[id={member_id}]"));
        assert_eq!(c.values.len(), 2);
        let (removed, edited) = (&c.values[0], &c.values[1]);
        assert_eq!(removed.user.as_deref(), Some("worker-a"), "who removed");
        assert!(
            removed.value.is_null(),
            "the item is gone: {:?}",
            removed.value
        );
        assert!(removed.winner, "the removal is what the record shows");
        assert_eq!(edited.user.as_deref(), Some("worker-b"), "who edited");
        assert_eq!(edited.value["name"], "周芷若");
        assert_eq!(edited.value["phone"], "13912345678", "the edited value");
        assert!(!edited.winner);
    }
    // Until someone decides, the removal stands on both.
    assert_eq!(members(&mut a, id), members(&mut b, id));
    assert_eq!(members(&mut a, id).len(), 1);
}

#[test]
fn restoring_the_edited_item_settles_it_on_both_devices() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut a, mut b, id, member_id) = removed_on_a_edited_on_b(&dir);
    let path = format!("members[id={member_id}]");
    a.resolve_conflict(id, &path, 1)
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    for s in [&mut a, &mut b] {
        assert!(s.conflicts(id).unwrap_or_else(|e| panic!("{e}")).is_empty());
        let now = members(s, id);
        assert!(
            now.contains(&("周芷若".into(), Some("13912345678".into()))),
            "restored with the edit: {now:?}"
        );
        let h = s.get::<Household>(id).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            h.data.members.iter().any(|m| m.id == member_id),
            "restored under the same identity"
        );
        let hits = s
            .search("周芷若", None, None, 10)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hits.len(), 1, "back in search");
    }
    assert_eq!(
        a.export_json().unwrap_or_default(),
        b.export_json().unwrap_or_default()
    );
    // Removing her again later is a plain removal, not the old conflict back.
    b.update::<Household>(id, |h| h.members.retain(|m| m.id != member_id))
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    assert!(a.conflicts(id).unwrap_or_else(|e| panic!("{e}")).is_empty());
}

#[test]
fn confirming_the_removal_settles_it_on_both_devices() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut a, mut b, id, member_id) = removed_on_a_edited_on_b(&dir);
    b.resolve_conflict(id, &format!("members[id={member_id}]"), 0)
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    for s in [&mut a, &mut b] {
        assert!(s.conflicts(id).unwrap_or_else(|e| panic!("{e}")).is_empty());
        assert_eq!(
            members(s, id),
            vec![("赵敏".into(), Some("13800000001".into()))]
        );
    }
    assert_eq!(
        a.export_json().unwrap_or_default(),
        b.export_json().unwrap_or_default()
    );
}

#[test]
fn both_devices_settling_at_once_agree() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut a, mut b, id, member_id) = removed_on_a_edited_on_b(&dir);
    let path = format!("members[id={member_id}]");
    a.resolve_conflict(id, &path, 0)
        .unwrap_or_else(|e| panic!("{e}"));
    b.resolve_conflict(id, &path, 1)
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    assert_eq!(
        a.export_json().unwrap_or_default(),
        b.export_json().unwrap_or_default()
    );
    // The restore is kept (a removal loses nothing by being undone), and no conflict remains
    // about the removal itself.
    assert!(members(&mut a, id).iter().any(|(n, _)| n == "周芷若"));
    assert!(
        a.conflicts(id)
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .all(|c| c.path != path),
    );
}

#[test]
fn removing_an_item_no_one_else_touched_is_no_conflict() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "worker-a");
    let mut b = store(&dir, "worker-b");
    let id = a
        .create_json(
            Kind::Household,
            "grid-1",
            household("5", "302", &[("赵敏", None, None), ("周芷若", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    // b edits her before a removes her, and a has seen that edit.
    b.update::<Household>(id, |h| h.members[1].phone = Some("13912345678".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    a.update::<Household>(id, |h| {
        h.members.remove(1);
    })
    .unwrap_or_else(|e| panic!("{e}"));
    // Meanwhile b edits the other member: nothing of b's was swallowed.
    b.update::<Household>(id, |h| h.members[0].phone = Some("13800000009".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    assert!(a.conflicts(id).unwrap_or_else(|e| panic!("{e}")).is_empty());
    assert!(b.conflicts(id).unwrap_or_else(|e| panic!("{e}")).is_empty());
}

#[test]
fn marking_a_member_as_moved_out_keeps_a_concurrent_edit_and_leaves_the_lists() {
    use gridkeeper_core::kinds::household::{Departure, LeftReason};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "worker-a");
    let mut b = store(&dir, "worker-b");
    let id = a
        .create_json(
            Kind::Household,
            "grid-1",
            household("5", "302", &[("赵敏", None, None), ("周芷若", None, None)]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);
    a.update::<Household>(id, |h| {
        h.members[1].left = Some(Departure {
            reason: LeftReason::MovedOut,
            on: "2026-11-30".into(),
        })
    })
    .unwrap_or_else(|e| panic!("{e}"));
    b.update::<Household>(id, |h| h.members[1].phone = Some("13912345678".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    exchange(&mut a, &mut b);

    for s in [&mut a, &mut b] {
        assert!(s.conflicts(id).unwrap_or_else(|e| panic!("{e}")).is_empty());
        let h = s.get::<Household>(id).unwrap_or_else(|e| panic!("{e}"));
        let her = &h.data.members[1];
        assert_eq!(
            her.phone.as_deref(),
            Some("13912345678"),
            "the edit is kept"
        );
        assert_eq!(
            her.left.as_ref().map(|l| l.reason),
            Some(LeftReason::MovedOut)
        );
        assert!(
            s.search("周芷若", None, None, 10)
                .unwrap_or_else(|e| panic!("{e}"))
                .is_empty(),
            "a departed member is no longer found as a resident"
        );
        let count: i64 = s
            .connection()
            .query_row(
                "SELECT member_count FROM households WHERE record_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count, 1, "the household counts who lives there now");
    }
    assert_eq!(
        a.export_json().unwrap_or_default(),
        b.export_json().unwrap_or_default()
    );
}

#[test]
fn a_departure_date_in_the_future_or_malformed_is_refused_by_field_path() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = store(&dir, "worker-a");
    for on in ["2999-01-01", "2026-13-01", "昨天"] {
        let mut h = household("5", "302", &[("赵敏", None, None)]);
        h["members"][0]["left"] = serde_json::json!({"reason": "deceased", "on": on});
        match a.create_json(Kind::Household, "grid-1", h) {
            Err(gridkeeper_core::Error::Invalid(e)) => {
                assert_eq!(e.field, "members[0].left.on", "{on}");
                assert!(!e.to_string().contains(on), "no value in the message");
            }
            other => panic!("{on}: {other:?}"),
        }
    }
    assert!(a.record_ids(None).unwrap_or_default().is_empty());
}
