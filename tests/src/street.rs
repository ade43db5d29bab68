//! A grid's worth of realistic records for benchmarks: the same data for every measurement.

use std::path::Path;

use chrono::Utc;
use gridkeeper_core::kinds::case::TimelineEntry;
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::store::Durability;
use gridkeeper_core::{Kind, Store};
use serde_json::json;

/// One grid's six months: 500 households, 60 places, 7,000 visits, 2,000 cases taken some
/// way round their loop, 200 mediations, 300 activities — 10,060 records, ~13,000 changes.
pub fn populate_grid(path: &Path, grid: &str) -> gridkeeper_core::Result<Store> {
    let mut s = Store::init(path, Some("worker"))?;
    drop(s);
    s = Store::open_with(path, Durability::Normal)?;
    let now = Utc::now();
    let mut households = Vec::new();
    for i in 0..500 {
        let data = json!({
            "address": {"compound": "幸福里", "building": format!("{}", i / 20), "room": format!("{}", 100 + i % 20)},
            "members": [{"name": format!("住户{i}"), "tags": if i % 5 == 0 { vec!["solitary_elderly"] } else { vec![] }}, {"name": format!("家属{i}")}],
        });
        households.push(s.create_json(Kind::Household, grid, data)?);
    }
    for i in 0..60 {
        s.create_json(Kind::Place, grid, json!({"name": format!("场所{i}"), "place_type": (["shop", "rental", "firm", "venue"][i % 4]), "address": {"text": format!("东街{i}号")}}))?;
    }
    for n in 0..7000 {
        let hh = households[n * 7 % households.len()];
        let at = (now - chrono::Duration::hours((n as i64 * 37) % (180 * 24))).to_rfc3339();
        s.create_json(Kind::Visit, grid, json!({"subject": {"kind": "household", "id": hh.to_string()}, "visited_at": at, "purpose": "routine"}))?;
    }
    for n in 0..2000 {
        let at = (now - chrono::Duration::hours((n as i64 * 53) % (180 * 24))).to_rfc3339();
        let id = s
            .create_json(Kind::Case, grid, json!({"category": (["hazard", "environment", "appeal", "errand"][n % 4]), "severity": "medium", "description": format!("事件{n}"), "reported_at": at}))
            ?;
        for action in [CaseAction::Accept, CaseAction::Start, CaseAction::Resolve]
            .iter()
            .take(n % 4)
        {
            s.case_transition(id, TimelineEntry::new(*action))?;
        }
    }
    for n in 0..200 {
        s.create_json(Kind::Mediation, grid, json!({"dispute_type": "neighbour", "opened_on": "2026-08-01", "parties": [{"name": format!("当事人{n}")}]}))?;
    }
    for n in 0..300 {
        s.create_json(
            Kind::Activity,
            grid,
            json!({"topic": format!("活动{n}"), "held_on": "2026-10-01", "participants": 30}),
        )?;
    }
    Ok(s)
}
