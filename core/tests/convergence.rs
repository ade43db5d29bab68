//! Convergence: random edits of every kind on 2–4 stores, changes exchanged in random order with
//! duplicates and one change at a time (so dependencies often arrive late). Afterwards every
//! store exports the same JSON (case timelines and mediation narratives included), agrees on
//! every case's state, and its projections equal a fresh rebuild.

mod support;

use gridkeeper_core::exchange::{ChangeSet, RecordChanges};
use gridkeeper_core::kinds::case::{EscalationLevel, TimelineEntry};
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::kinds::household::{HousingType, Member, MemberTag};
use gridkeeper_core::kinds::{Household, Mediation};
use gridkeeper_core::{Kind, RecordId, Store};
use proptest::prelude::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use support::household;

#[derive(Debug, Clone)]
enum Op {
    Create {
        store: usize,
    },
    CreateCase {
        store: usize,
    },
    CreateMediation {
        store: usize,
    },
    CreateVisit {
        store: usize,
    },
    CreateActivity {
        store: usize,
    },
    Inspect {
        store: usize,
        record: usize,
        item: u8,
        pass: bool,
    },
    CaseAct {
        store: usize,
        record: usize,
        action: u8,
    },
    Narrative {
        store: usize,
        record: usize,
        at: usize,
        n: u8,
    },
    Edit {
        store: usize,
        record: usize,
        edit: Edit,
    },
    Archive {
        store: usize,
        record: usize,
        archived: bool,
    },
    Send {
        from: usize,
        to: usize,
        seed: u64,
    },
}

#[derive(Debug, Clone)]
enum Edit {
    Notes(u8),
    Housing(u8),
    Phone { member: usize, n: u32 },
    Name { member: usize, n: u8 },
    AddMember(u8),
    RemoveMember(usize),
    Tag { member: usize, tag: u8 },
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<u8>().prop_map(Edit::Notes),
        any::<u8>().prop_map(Edit::Housing),
        (0..3usize, 0..10_000u32).prop_map(|(member, n)| Edit::Phone { member, n }),
        (0..3usize, any::<u8>()).prop_map(|(member, n)| Edit::Name { member, n }),
        any::<u8>().prop_map(Edit::AddMember),
        (0..3usize).prop_map(Edit::RemoveMember),
        (0..3usize, any::<u8>()).prop_map(|(member, tag)| Edit::Tag { member, tag }),
    ]
}

fn op_strategy(stores: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0..stores).prop_map(|store| Op::Create { store }),
        1 => (0..stores).prop_map(|store| Op::CreateCase { store }),
        1 => (0..stores).prop_map(|store| Op::CreateMediation { store }),
        1 => (0..stores).prop_map(|store| Op::CreateVisit { store }),
        1 => (0..stores).prop_map(|store| Op::CreateActivity { store }),
        2 => (0..stores, 0..8usize, any::<u8>(), any::<bool>()).prop_map(|(store, record, item, pass)| Op::Inspect { store, record, item, pass }),
        3 => (0..stores, 0..8usize, any::<u8>()).prop_map(|(store, record, action)| Op::CaseAct { store, record, action }),
        2 => (0..stores, 0..8usize, 0..40usize, any::<u8>()).prop_map(|(store, record, at, n)| Op::Narrative { store, record, at, n }),
        6 => (0..stores, 0..8usize, edit_strategy()).prop_map(|(store, record, edit)| Op::Edit { store, record, edit }),
        1 => (0..stores, 0..8usize, any::<bool>()).prop_map(|(store, record, archived)| Op::Archive { store, record, archived }),
        3 => (0..stores, 0..stores, any::<u64>()).prop_map(|(from, to, seed)| Op::Send { from, to, seed }),
    ]
}

const NAMES: [&str; 6] = ["张三", "李四", "王芳", "曾小单", "欧阳娜娜", "吉𠮷"];
const TAGS: [MemberTag; 4] = [
    MemberTag::SolitaryElderly,
    MemberTag::LeftBehindChild,
    MemberTag::Disabled,
    MemberTag::Veteran,
];

fn apply_edit(h: &mut Household, edit: &Edit) {
    match edit {
        Edit::Notes(n) => h.notes = format!("走访记录 {n}"),
        Edit::Housing(n) => {
            h.housing_type = [
                HousingType::OwnerOccupied,
                HousingType::Rented,
                HousingType::Vacant,
                HousingType::Other,
            ][*n as usize % 4]
        }
        Edit::Phone { member, n } => {
            if let Some(m) = h.members.get_mut(*member) {
                m.phone = Some(format!("1391234{n:04}"));
            }
        }
        Edit::Name { member, n } => {
            if let Some(m) = h.members.get_mut(*member) {
                m.name = NAMES[*n as usize % NAMES.len()].to_string();
            }
        }
        Edit::AddMember(n) => h.members.push(Member {
            name: NAMES[*n as usize % NAMES.len()].to_string(),
            ..Default::default()
        }),
        Edit::RemoveMember(i) => {
            if *i < h.members.len() {
                h.members.remove(*i);
            }
        }
        Edit::Tag { member, tag } => {
            if let Some(m) = h.members.get_mut(*member) {
                let t = TAGS[*tag as usize % TAGS.len()];
                if let Some(pos) = m.tags.iter().position(|x| *x == t) {
                    m.tags.remove(pos);
                } else {
                    m.tags.push(t);
                }
            }
        }
    }
}

/// Sends `from`'s changes to `to` one change at a time, shuffled, some twice.
fn send(stores: &mut [Store], from: usize, to: usize, seed: u64) {
    let set = stores[from]
        .changes(None)
        .unwrap_or_else(|e| panic!("changes: {e}"));
    let mut singles: Vec<ChangeSet> = set
        .records
        .iter()
        .flat_map(|r| {
            r.changes.iter().map(|c| ChangeSet {
                records: vec![RecordChanges {
                    record_id: r.record_id.clone(),
                    changes: vec![c.clone()],
                }],
            })
        })
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dupes: Vec<ChangeSet> = singles
        .iter()
        .filter(|_| rng.random_bool(0.2))
        .cloned()
        .collect();
    singles.extend(dupes);
    singles.shuffle(&mut rng);
    for s in singles {
        stores[to]
            .apply_changes(&s)
            .unwrap_or_else(|e| panic!("apply: {e}"));
    }
}

fn run(n_stores: usize, ops: Vec<Op>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut stores: Vec<Store> = (0..n_stores)
        .map(|i| support::store(&dir, &format!("device-{i}")))
        .collect();
    for s in stores.iter_mut() {
        s.install_builtin_templates()
            .unwrap_or_else(|e| panic!("templates: {e}"));
    }
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Create { store } => {
                let data = household(
                    &format!("{}", i % 9 + 1),
                    &format!("{}", 100 + i),
                    &[("张三", None, Some("13912345678")), ("李四", None, None)],
                );
                stores[*store]
                    .create_json(Kind::Household, "grid-1", data)
                    .unwrap_or_else(|e| panic!("create: {e}"));
            }
            Op::Edit {
                store,
                record,
                edit,
            } => {
                let ids = stores[*store]
                    .record_ids(Some(Kind::Household))
                    .unwrap_or_default();
                if let Some(id) = ids.get(record % ids.len().max(1)) {
                    stores[*store]
                        .update::<Household>(*id, |h| apply_edit(h, edit))
                        .unwrap_or_else(|e| panic!("edit {edit:?}: {e}"));
                }
            }
            Op::Archive {
                store,
                record,
                archived,
            } => {
                let ids = stores[*store]
                    .record_ids(Some(Kind::Household))
                    .unwrap_or_default();
                if let Some(id) = ids.get(record % ids.len().max(1)) {
                    stores[*store]
                        .set_archived(*id, *archived)
                        .unwrap_or_else(|e| panic!("archive: {e}"));
                }
            }
            Op::CreateCase { store } => {
                let data = serde_json::json!({"category": "hazard", "severity": "high", "description": format!("隐患 {i}")});
                stores[*store]
                    .create_json(Kind::Case, "grid-1", data)
                    .unwrap_or_else(|e| panic!("create case: {e}"));
            }
            Op::CreateMediation { store } => {
                let data = serde_json::json!({"dispute_type": "neighbour", "opened_on": "2026-11-01", "parties": [{"name": "甲"}], "narrative": "起因："});
                stores[*store]
                    .create_json(Kind::Mediation, "grid-1", data)
                    .unwrap_or_else(|e| panic!("create mediation: {e}"));
            }
            Op::CreateVisit { store } => {
                let data = serde_json::json!({"subject": {"kind": "household", "id": RecordId::new().to_string()}, "findings": format!("走访 {i}")});
                stores[*store]
                    .create_json(Kind::Visit, "grid-1", data)
                    .unwrap_or_else(|e| panic!("create visit: {e}"));
            }
            Op::CreateActivity { store } => {
                let data = serde_json::json!({"topic": format!("反诈宣传 {i}"), "held_on": "2026-11-20", "participants": i});
                stores[*store]
                    .create_json(Kind::Activity, "grid-1", data)
                    .unwrap_or_else(|e| panic!("create activity: {e}"));
            }
            Op::Inspect {
                store,
                record,
                item,
                pass,
            } => {
                // Concurrent answers to one draft inspection, some to the same item.
                let ids = stores[*store]
                    .record_ids(Some(Kind::Inspection))
                    .unwrap_or_default();
                let items = ["wiring", "exits_clear", "smoke_alarm"];
                let answer = if *pass { "pass" } else { "na" };
                match ids.get(record % ids.len().max(1)) {
                    Some(id) => {
                        let patch =
                            serde_json::json!({"answers": {items[*item as usize % 3]: answer}});
                        stores[*store]
                            .patch_json(*id, &patch)
                            .unwrap_or_else(|e| panic!("answer: {e}"));
                    }
                    None => {
                        let data = serde_json::json!({"template_id": "fire_safety", "template_version": 1, "subject": {"kind": "place", "id": RecordId::new().to_string()}});
                        stores[*store]
                            .create_json(Kind::Inspection, "grid-1", data)
                            .unwrap_or_else(|e| panic!("inspect: {e}"));
                    }
                }
            }
            Op::CaseAct {
                store,
                record,
                action,
            } => {
                let ids = stores[*store]
                    .record_ids(Some(Kind::Case))
                    .unwrap_or_default();
                if let Some(id) = ids.get(record % ids.len().max(1)) {
                    let entry = TimelineEntry {
                        reason: "复核不合格".into(),
                        escalate_to: Some(EscalationLevel::Street),
                        ..TimelineEntry::new(
                            CaseAction::ALL[*action as usize % CaseAction::ALL.len()],
                        )
                    };
                    // Illegal transitions are refused; legal ones append to the timeline.
                    let _ = stores[*store].case_transition(*id, entry);
                }
            }
            Op::Narrative {
                store,
                record,
                at,
                n,
            } => {
                let ids = stores[*store]
                    .record_ids(Some(Kind::Mediation))
                    .unwrap_or_default();
                if let Some(id) = ids.get(record % ids.len().max(1)) {
                    stores[*store]
                        .update::<Mediation>(*id, |m| {
                            let chars: Vec<char> = m.narrative.chars().collect();
                            let pos = at % (chars.len() + 1);
                            let mut text: String = chars[..pos].iter().collect();
                            text.push_str(&format!("[{n}]"));
                            text.extend(&chars[pos..]);
                            m.narrative = text;
                        })
                        .unwrap_or_else(|e| panic!("narrative: {e}"));
                }
            }
            Op::Send { from, to, seed } if from != to => send(&mut stores, *from, *to, *seed),
            Op::Send { .. } => {}
        }
    }
    // Everyone hears from everyone, in a scrambled order.
    for round in 0..2u64 {
        for from in 0..n_stores {
            for to in 0..n_stores {
                if from != to {
                    send(&mut stores, from, to, round * 100 + (from * 10 + to) as u64);
                }
            }
        }
    }
    let first = stores[0]
        .export_json()
        .unwrap_or_else(|e| panic!("export: {e}"));
    let case_states = |s: &mut Store| -> Vec<serde_json::Value> {
        let ids = s.record_ids(Some(Kind::Case)).unwrap_or_default();
        ids.into_iter()
            .map(|id| s.get_json(id, true).unwrap_or_default()["derived"].clone())
            .collect()
    };
    let first_states = case_states(&mut stores[0]);
    for s in stores.iter_mut() {
        assert_eq!(
            case_states(s),
            first_states,
            "devices disagree on a case's state"
        );
    }
    for (i, s) in stores.iter_mut().enumerate() {
        assert_eq!(
            s.export_json().unwrap_or_default(),
            first,
            "store {i} diverged"
        );
        let projected = s.projection_snapshot().unwrap_or_default();
        s.rebuild().unwrap_or_else(|e| panic!("rebuild: {e}"));
        assert_eq!(
            s.projection_snapshot().unwrap_or_default(),
            projected,
            "store {i}: projections differ from a rebuild"
        );
        let pending: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM pending_changes", [], |r| r.get(0))
            .unwrap_or(-1);
        assert_eq!(
            pending, 0,
            "store {i}: changes left waiting after a full exchange"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn stores_converge(
        (n, ops) in (2usize..=4).prop_flat_map(|n| (Just(n), proptest::collection::vec(op_strategy(n), 5..40)))
    ) {
        run(n, ops);
    }
}
