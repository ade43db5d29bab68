//! The six duties at one grid's scale: 500 households and 60 places with six months of
//! history — visits, cases through their loop, mediations, activities (~10,000 records).
//! `cargo bench -p gridkeeper-core --bench duties`; results in BENCHMARKS.md.

use std::hint::black_box;

use chrono::{Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use gridkeeper_core::kinds::case::TimelineEntry;
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::store::Durability;
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

const TAGS: [&str; 4] = [
    "solitary_elderly",
    "left_behind_child",
    "disabled",
    "empty_nest_elderly",
];

fn entry(action: CaseAction) -> TimelineEntry {
    TimelineEntry::new(action)
}

fn populate(s: &mut Store) -> Vec<RecordId> {
    let now = Utc::now();
    let mut households = Vec::new();
    for i in 0..500 {
        let tags: Vec<&str> = if i % 5 == 0 {
            vec![TAGS[i % 4]]
        } else {
            vec![]
        };
        let data = json!({
            "address": {"compound": "幸福里", "building": format!("{}", i / 20), "room": format!("{}", 100 + i % 20)},
            "members": [{"name": format!("住户{i}"), "tags": tags}, {"name": format!("家属{i}")}],
        });
        households.push(
            s.create_json(Kind::Household, "grid-1", data)
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    for i in 0..60 {
        let t = ["shop", "rental", "firm", "venue"][i % 4];
        s.create_json(Kind::Place, "grid-1", json!({"name": format!("场所{i}"), "place_type": t, "address": {"text": format!("东街{i}号")}})).unwrap_or_else(|e| panic!("{e}"));
    }
    // Six months of visits: ~7,000.
    for n in 0..7000 {
        let hh = households[n * 7 % households.len()];
        let at = (now - Duration::hours((n as i64 * 37) % (180 * 24))).to_rfc3339();
        s.create_json(Kind::Visit, "grid-1", json!({"subject": {"kind": "household", "id": hh.to_string()}, "visited_at": at, "purpose": "routine"})).unwrap_or_else(|e| panic!("{e}"));
    }
    // ~2,000 cases, most taken some way round the loop.
    for n in 0..2000 {
        let at = (now - Duration::hours((n as i64 * 53) % (180 * 24))).to_rfc3339();
        let category = ["hazard", "environment", "appeal", "errand"][n % 4];
        let severity = ["low", "medium", "high"][n % 3];
        let id = s
            .create_json(Kind::Case, "grid-1", json!({"category": category, "severity": severity, "description": format!("事件{n}"), "reported_at": at}))
            .unwrap_or_else(|e| panic!("{e}"));
        for action in [CaseAction::Accept, CaseAction::Start, CaseAction::Resolve]
            .iter()
            .take(n % 4)
        {
            s.case_transition(id, entry(*action))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    for n in 0..200 {
        s.create_json(Kind::Mediation, "grid-1", json!({"dispute_type": "neighbour", "opened_on": "2026-08-01", "parties": [{"name": format!("当事人{n}")}], "follow_ups": [{"due": "2026-11-01"}]})).unwrap_or_else(|e| panic!("{e}"));
    }
    for n in 0..300 {
        s.create_json(
            Kind::Activity,
            "grid-1",
            json!({"topic": format!("活动{n}"), "held_on": "2026-10-01", "participants": 30}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    households
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("grid.db");
    drop(Store::init(&path, Some("bench")).unwrap_or_else(|e| panic!("{e}")));
    let mut s = Store::open_with(&path, Durability::Normal).unwrap_or_else(|e| panic!("{e}"));
    let households = populate(&mut s);
    eprintln!("records: {}", s.record_ids(None).unwrap_or_default().len());
    drop(s);

    let mut s = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let now = Utc::now();
    c.bench_function("agenda (one grid, ~10k records)", |b| {
        b.iter(|| {
            black_box(
                s.agenda(Some("grid-1"), now)
                    .unwrap_or_else(|e| panic!("{e}")),
            )
        })
    });
    c.bench_function("open cases by deadline", |b| {
        b.iter(|| {
            black_box(
                s.case_rows(Some("grid-1"), now, true)
                    .unwrap_or_else(|e| panic!("{e}")),
            )
        })
    });
    c.bench_function("all cases by deadline (~2k)", |b| {
        b.iter(|| {
            black_box(
                s.case_rows(Some("grid-1"), now, false)
                    .unwrap_or_else(|e| panic!("{e}")),
            )
        })
    });
    let mut n = 0usize;
    c.bench_function("create a visit, durability=full", |b| {
        b.iter(|| {
            n += 1;
            let hh = households[n % households.len()];
            black_box(s.create_json(Kind::Visit, "grid-1", json!({"subject": {"kind": "household", "id": hh.to_string()}, "purpose": "routine"})).unwrap_or_else(|e| panic!("{e}")))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
