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

/// One grid of the comparison street (issue 9's data): 400 households of 1–5 members, 40
/// places, six months of visits, inspections, cases and mediations, with a few edits per
/// record — some made on a second device of the same worker after it received the first's
/// work, so histories have two authors. Deterministic from `seed`. Returns the two stores
/// (first device, second device); both still have their changes queued for the relay.
pub fn comparison_grid(
    dir: &Path,
    grid: &str,
    seed: u64,
) -> gridkeeper_core::Result<(Store, Store)> {
    use gridkeeper_core::kinds::Household;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    let mut rng = StdRng::seed_from_u64(seed);
    let open = |name: &str| -> gridkeeper_core::Result<Store> {
        let path = dir.join(format!("{grid}-{name}.db"));
        drop(Store::init(&path, Some(name))?);
        let mut s = Store::open_with(&path, Durability::Normal)?;
        s.install_builtin_templates()?;
        Ok(s)
    };
    let (mut a, mut b) = (open("phone")?, open("tablet")?);
    let now = Utc::now();
    let day = |d: i64| (now - chrono::Duration::days(d)).to_rfc3339();
    let mut households = Vec::new();
    for i in 0..400 {
        let members: Vec<serde_json::Value> = (0..rng.random_range(1..=5))
            .map(|m| json!({"name": format!("住户{i}-{m}"), "phone": format!("139{:08}", i * 10 + m),
                             "tags": if rng.random_bool(0.15) { vec!["solitary_elderly"] } else { vec![] }}))
            .collect();
        households.push(a.create_json(
            Kind::Household,
            grid,
            json!({"address": {"compound": "幸福里", "building": format!("{}", i / 20), "unit": "1", "room": format!("{}", 100 + i % 20)}, "members": members}),
        )?);
    }
    let mut places = Vec::new();
    for i in 0..40 {
        places.push(a.create_json(Kind::Place, grid, json!({"name": format!("商铺{i}"), "place_type": (["shop", "rental", "firm", "venue"][i % 4]), "address": {"text": format!("东街{i}号")}}))?);
    }
    for n in 0..800 {
        let hh = households[rng.random_range(0..households.len())];
        a.create_json(Kind::Visit, grid, json!({"subject": {"kind": "household", "id": hh.to_string()}, "visited_at": day(n % 180), "purpose": "special_group_care", "findings": "身体尚可"}))?;
    }
    for (n, place) in places.iter().enumerate().take(40) {
        let id = a.create_json(Kind::Inspection, grid, json!({"template_id": "fire_safety", "template_version": 1, "subject": {"kind": "place", "id": place.to_string()}, "inspected_at": day((n * 4) as i64)}))?;
        a.patch_json(id, &json!({"answers": {"wiring": "pass", "exits_clear": if n % 5 == 0 { "na" } else { "pass" }}}))?;
    }
    let mut cases = Vec::new();
    for n in 0..120 {
        let id = a.create_json(Kind::Case, grid, json!({"category": (["hazard", "environment", "appeal", "errand"][n % 4]), "severity": "medium", "description": format!("事件{n}"), "reported_at": day((n % 180) as i64)}))?;
        a.case_transition(id, TimelineEntry::new(CaseAction::Accept))?;
        cases.push(id);
    }
    let mut mediations = Vec::new();
    for n in 0..20 {
        mediations.push(a.create_json(Kind::Mediation, grid, json!({"dispute_type": "neighbour", "opened_on": "2026-08-01", "parties": [{"name": format!("当事人{n}")}, {"name": "邻居"}], "narrative": "起因："}))?);
    }
    // The tablet receives everything, then both devices edit.
    b.apply_changes(&a.changes(None)?)?;
    for (k, id) in households.iter().enumerate() {
        let dev = if k % 3 == 0 { &mut b } else { &mut a };
        for e in 0..rng.random_range(1..=3) {
            dev.update::<Household>(*id, |h| h.notes = format!("走访记录 {e}"))?;
        }
    }
    for (k, id) in cases.iter().enumerate() {
        let dev = if k % 2 == 0 { &mut b } else { &mut a };
        dev.case_transition(*id, TimelineEntry::new(CaseAction::Start))?;
    }
    for id in &mediations {
        b.patch_json(*id, &json!({"risk_level": "low"}))?;
    }
    Ok((a, b))
}
