//! Report timings on a street of 8,000 households, 24,000 people, 100,000 visits and 5,000
//! cases (plus places, inspections, mediations, activities and one change per visit):
//!
//!   cargo run -p gridkeeper-server --release --example report_bench            # SQLite
//!   cargo run -p gridkeeper-server --release --example report_bench -- URL     # PostgreSQL
//!
//! Rows are written through `reports::rows::statements` — the function every push uses — from
//! generated record fields; the Automerge documents themselves are not built, since no report
//! reads them. Prints each report's time (first run and median of five) at street level for
//! the last 30 days and the last year, and the XLSX export of all 24,000 people.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Utc};
use gridkeeper_server::materialize::DocState;
use gridkeeper_server::reports::lists::{self, Filter};
use gridkeeper_server::reports::queries::{self, Options, REPORTS};
use gridkeeper_server::reports::scope::{Hierarchy, Period, ReportScope, instant_text};
use gridkeeper_server::reports::sql::Stmt;
use gridkeeper_server::reports::{export, rows};
use gridkeeper_server::storage::{Grid, Storage};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

const COMMUNITIES: usize = 4;
const GRIDS_PER_COMMUNITY: usize = 5;
const HOUSEHOLDS: usize = 8_000;
const PEOPLE_PER_HOUSEHOLD: usize = 3;
const VISITS: usize = 100_000;
const CASES: usize = 5_000;
const PLACES: usize = 1_000;
const INSPECTIONS: usize = 4_000;
const MEDIATIONS: usize = 600;
const ACTIVITIES: usize = 600;

fn doc(id: String, grid: &str, kind: &str, data: Value) -> DocState {
    DocState {
        record_id: id,
        grid: grid.into(),
        kind: kind.into(),
        archived: false,
        schema_version: 1,
        created_at: String::new(),
        saved: vec![],
        heads: vec![],
        data: Some(data),
        flagged: None,
        seq: 0,
    }
}

fn pick<'a>(rng: &mut StdRng, xs: &[&'a str]) -> &'a str {
    xs[rng.random_range(0..xs.len())]
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1);
    let _dir;
    let storage: Arc<dyn Storage> = match &url {
        Some(u) => gridkeeper_server::storage::postgres::open(u).await.unwrap(),
        None => {
            let dir = tempfile::tempdir().unwrap();
            let s = gridkeeper_server::storage::sqlite::SqliteStorage::open(
                &dir.path().join("bench.db"),
            )
            .unwrap();
            _dir = dir;
            Arc::new(s)
        }
    };
    let backend = if url.is_some() {
        "postgresql"
    } else {
        "sqlite"
    };
    let mut rng = StdRng::seed_from_u64(8);
    let now = Utc::now();
    let at = |days: f64| instant_text(now - Duration::seconds((days * 86_400.0) as i64));

    storage
        .add_grid(&Grid {
            id: "s1".into(),
            name: "幸福街道".into(),
            parent: None,
        })
        .await
        .unwrap();
    let mut grids = Vec::new();
    for c in 0..COMMUNITIES {
        let cid = format!("c{c}");
        storage
            .add_grid(&Grid {
                id: cid.clone(),
                name: format!("社区{c}"),
                parent: Some("s1".into()),
            })
            .await
            .unwrap();
        for g in 0..GRIDS_PER_COMMUNITY {
            let gid = format!("c{c}g{g}");
            storage
                .add_grid(&Grid {
                    id: gid.clone(),
                    name: format!("网格{c}-{g}"),
                    parent: Some(cid.clone()),
                })
                .await
                .unwrap();
            grids.push(gid);
        }
    }

    let started = Instant::now();
    let mut docs: Vec<DocState> = Vec::new();
    let mut households: Vec<(String, String)> = Vec::new();
    let tags = [
        "solitary_elderly",
        "empty_nest_elderly",
        "left_behind_child",
        "disabled",
        "subsistence_allowance",
        "key_person",
        "veteran",
    ];
    for h in 0..HOUSEHOLDS {
        let grid = grids[h % grids.len()].clone();
        let id = uuid::Uuid::from_u128(rng.random()).to_string();
        let members: Vec<Value> = (0..PEOPLE_PER_HOUSEHOLD)
            .map(|m| {
                let mut t = vec![];
                if rng.random_bool(0.12) {
                    t.push(pick(&mut rng, &tags));
                }
                json!({"id": format!("m{m}"), "name": format!("居民{h}-{m}"), "registration": pick(&mut rng, &["local", "local", "local", "migrant", "foreign"]),
                       "id_number": "11010519491231002X", "phone": format!("138{:08}", h * 3 + m), "tags": t})
            })
            .collect();
        docs.push(doc(id.clone(), &grid, "household", json!({
            "address": {"community": "幸福社区", "compound": format!("小区{}", h / 400), "building": format!("{}", h / 40), "room": format!("{}", h % 40 + 101)},
            "housing_type": pick(&mut rng, &["owner_occupied", "owner_occupied", "rented", "vacant"]),
            "members": members,
        })));
        households.push((id, grid));
    }
    let mut visit_times = Vec::with_capacity(VISITS);
    for _ in 0..VISITS {
        let (hid, grid) = households[rng.random_range(0..households.len())].clone();
        let t = at(rng.random_range(0.0..365.0));
        visit_times.push((grid.clone(), t.clone()));
        docs.push(doc(uuid::Uuid::from_u128(rng.random()).to_string(), &grid, "visit", json!({
            "subject": {"kind": "household", "id": hid}, "visited_at": t, "worker": format!("worker-{grid}"), "purpose": "routine"})));
    }
    let flows: [&[&str]; 5] = [
        &["accept"],
        &["accept", "start"],
        &["accept", "start", "resolve"],
        &["accept", "start", "resolve", "verify", "close"],
        &["escalate"],
    ];
    for _ in 0..CASES {
        let grid = grids[rng.random_range(0..grids.len())].clone();
        let d = rng.random_range(0.0..365.0);
        let mut timeline = vec![json!({"id": "e0", "action": "report", "at": at(d), "by": "w"})];
        let flow = flows[rng.random_range(0..flows.len())];
        for (i, a) in flow.iter().enumerate() {
            let mut e = json!({"id": format!("e{}", i + 1), "action": a, "at": at((d - (i as f64 + 1.0) * 0.5).max(0.0)), "by": "w"});
            if *a == "escalate" {
                e["escalate_to"] = json!("community");
            }
            timeline.push(e);
        }
        docs.push(doc(uuid::Uuid::from_u128(rng.random()).to_string(), &grid, "case", json!({
            "category": pick(&mut rng, &["hazard", "environment", "appeal", "errand"]), "subcategory": pick(&mut rng, &["fire", "gas", "electric", ""]),
            "description": "事件", "severity": "medium", "reported_at": at(d), "deadline": at(d - 7.0), "timeline": timeline})));
    }
    let mut places = Vec::new();
    for p in 0..PLACES {
        let grid = grids[p % grids.len()].clone();
        let id = uuid::Uuid::from_u128(rng.random()).to_string();
        docs.push(doc(id.clone(), &grid, "place", json!({"name": format!("场所{p}"), "place_type": pick(&mut rng, &["shop", "rental", "firm", "venue"]), "address": {"building": "1", "room": format!("{p}")}})));
        places.push((id, grid));
    }
    for _ in 0..INSPECTIONS {
        let (pid, grid) = places[rng.random_range(0..places.len())].clone();
        let t = at(rng.random_range(0.0..365.0));
        docs.push(doc(uuid::Uuid::from_u128(rng.random()).to_string(), &grid, "inspection", json!({
            "template_id": "fire", "template_version": 1, "subject": {"kind": "place", "id": pid}, "inspected_at": t, "inspector": "w", "status": "completed", "completed_at": t})));
    }
    for _ in 0..MEDIATIONS {
        let grid = grids[rng.random_range(0..grids.len())].clone();
        let opened = (now - Duration::days(rng.random_range(0..365)))
            .format("%Y-%m-%d")
            .to_string();
        let mut m = json!({"dispute_type": pick(&mut rng, &["neighbour", "family", "labour", "property"]), "risk_level": pick(&mut rng, &["low", "medium", "high"]),
                           "opened_on": opened, "parties": [{"id": "p1", "name": "甲"}]});
        if rng.random_bool(0.7) {
            m["result"] = json!(pick(&mut rng, &["agreement", "partial", "failed"]));
        }
        docs.push(doc(
            uuid::Uuid::from_u128(rng.random()).to_string(),
            &grid,
            "mediation",
            m,
        ));
    }
    for _ in 0..ACTIVITIES {
        let grid = grids[rng.random_range(0..grids.len())].clone();
        let held = (now - Duration::days(rng.random_range(0..365)))
            .format("%Y-%m-%d")
            .to_string();
        docs.push(doc(uuid::Uuid::from_u128(rng.random()).to_string(), &grid, "activity", json!({
            "topic": "活动", "activity_type": pick(&mut rng, &["culture", "sports", "training", "policy_publicity"]), "held_on": held, "participants": rng.random_range(5..80)})));
    }
    let n_docs = docs.len();
    for chunk in docs.chunks(2_000) {
        let stmts: Vec<Stmt> = chunk.iter().flat_map(rows::statements).collect();
        storage.report_write(&stmts).await.unwrap();
    }
    // One change per visit, for the worker-activity report, as a push records it.
    for (i, chunk) in visit_times.chunks(5_000).enumerate() {
        let stmts: Vec<Stmt> = chunk
            .iter()
            .enumerate()
            .map(|(j, (grid, t))| {
                rows::worker_day(
                    &format!("dev-{grid}"),
                    t,
                    grid,
                    &format!("r{}", i * 5_000 + j),
                )
            })
            .collect();
        storage.report_write(&stmts).await.unwrap();
    }
    // Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give a live
    // database.
    storage
        .report_write(&[Stmt::new("ANALYZE", vec![])])
        .await
        .unwrap();
    println!(
        "{backend}: loaded {n_docs} records' report rows and {VISITS} worker-day rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let h = Arc::new(Hierarchy::new(&storage.grids().await.unwrap()));
    let mut worst = 0.0f64;
    for days in [30, 365] {
        let scope = ReportScope::new(h.clone(), "s1", Period::last_days(now, days), now);
        for r in REPORTS {
            let mut times = Vec::new();
            for _ in 0..6 {
                let t = Instant::now();
                let rep = queries::run(storage.as_ref(), &scope, r, &Options::default())
                    .await
                    .unwrap()
                    .unwrap();
                times.push(t.elapsed().as_secs_f64() * 1e3);
                std::hint::black_box(rep);
            }
            let first = times[0];
            let mut rest = times[1..].to_vec();
            rest.sort_by(|a, b| a.total_cmp(b));
            let median = rest[rest.len() / 2];
            worst = worst.max(median);
            println!(
                "{backend}: report {r:<12} street, last {days:>3} days: first {first:7.1} ms, median {median:7.1} ms"
            );
        }
    }
    let scope = ReportScope::new(h.clone(), "s1", Period::last_days(now, 30), now);
    let t = Instant::now();
    let table = lists::list(
        storage.as_ref(),
        &scope,
        "members",
        &Filter::default(),
        false,
        true,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let queried = t.elapsed().as_secs_f64();
    let bytes = export::to_xlsx(&table, "members").unwrap();
    let total = t.elapsed().as_secs_f64();
    println!(
        "{backend}: XLSX of {} people (masked): query {:.2} s, total {:.2} s, {} KiB",
        table.rows.len(),
        queried,
        total,
        bytes.len() / 1024
    );
    println!(
        "{backend}: slowest report median {worst:.1} ms (budget 200 ms); XLSX {total:.2} s (budget 3 s)"
    );
}
