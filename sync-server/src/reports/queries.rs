//! The reports: per-grid figures from the projection tables, summed up the tree to the
//! asked node and its children, with the lists a supervisor acts on. SQL does the grouping
//! where a plain `GROUP BY` answers; policy rules (visit and inspection intervals) are applied
//! in Rust so a policy change needs no rebuild.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use gridkeeper_core::checklist::{Answers, ChecklistTemplate, failed_items};
use gridkeeper_core::policy::Policies;
use serde::Serialize;
use serde_json::{Value as Json, json};

use super::scope::{
    Counts, NodeFigures, ReportScope, add, day_start_utc, instant_text, parse_instant, sum_under,
};
use super::sql::{Row, SqlValue, Stmt, placeholders};
use crate::storage::{Role, Storage, StorageError};

pub const REPORTS: [&str; 7] = [
    "population",
    "visits",
    "inspections",
    "cases",
    "mediations",
    "activities",
    "workers",
];

/// Options some reports take.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Devices with no sync for this many days are listed as silent (workers report).
    pub silent_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Crumb {
    pub node: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub report: String,
    pub node: String,
    pub name: String,
    pub path: Vec<Crumb>,
    pub from: String,
    pub to: String,
    pub as_of: String,
    pub total: NodeFigures,
    pub children: Vec<NodeFigures>,
    /// Named lists (overdue members, oldest open cases, …) and series for charts.
    pub lists: BTreeMap<String, Vec<Json>>,
}

type PerGrid = HashMap<String, Counts>;

struct Q<'a> {
    storage: &'a dyn Storage,
    scope: &'a ReportScope,
}

impl Q<'_> {
    /// `grid IN (…)` over the scope's nodes, parameters from `$first`.
    fn in_grids(&self, column: &str, first: usize) -> String {
        if self.scope.grids.is_empty() {
            return "1 = 0".into();
        }
        format!(
            "{column} IN ({})",
            placeholders(first, self.scope.grids.len())
        )
    }

    fn grid_params(&self) -> Vec<SqlValue> {
        self.scope.grids.iter().map(SqlValue::from).collect()
    }

    /// Runs `sql` whose first parameters are the extra ones and whose grid list follows.
    async fn rows(
        &self,
        sql: impl Fn(&str) -> String,
        extra: Vec<SqlValue>,
        column: &str,
    ) -> Result<Vec<Row>, StorageError> {
        let grids = self.in_grids(column, extra.len() + 1);
        let mut params = extra;
        params.extend(self.grid_params());
        self.storage
            .report_query(&Stmt::new(sql(&grids), params))
            .await
    }
}

pub async fn run(
    storage: &dyn Storage,
    scope: &ReportScope,
    name: &str,
    opts: &Options,
) -> Result<Option<Report>, StorageError> {
    let q = Q { storage, scope };
    let policies = Policies::default();
    let mut lists = BTreeMap::new();
    let per_grid = match name {
        "population" => population(&q).await?,
        "visits" => visits(&q, &policies, &mut lists).await?,
        "inspections" => inspections(&q, &policies, &mut lists).await?,
        "cases" => cases(&q, &mut lists).await?,
        "mediations" => mediations(&q, &mut lists).await?,
        "activities" => activities(&q).await?,
        "workers" => workers(&q, opts, &mut lists).await?,
        _ => return Ok(None),
    };
    let h = &scope.hierarchy;
    let figures = |node: &str| {
        let counts = sum_under(h, node, &per_grid);
        NodeFigures {
            node: node.to_string(),
            name: h.name(node).to_string(),
            rates: rates(name, &counts),
            counts,
        }
    };
    Ok(Some(Report {
        report: name.to_string(),
        node: scope.node.clone(),
        name: h.name(&scope.node).to_string(),
        path: h
            .path(&scope.node)
            .iter()
            .map(|n| Crumb {
                node: n.clone(),
                name: h.name(n).to_string(),
            })
            .collect(),
        from: scope.period.from_text(),
        to: scope.period.to_text(),
        as_of: instant_text(scope.as_of),
        total: figures(&scope.node),
        children: h.children(&scope.node).iter().map(|c| figures(c)).collect(),
        lists,
    }))
}

fn ratio(counts: &Counts, num: &str, den: &str) -> Option<f64> {
    let d = *counts.get(den)?;
    (d > 0).then(|| counts.get(num).copied().unwrap_or(0) as f64 / d as f64)
}

/// Rates are computed at each level from summed counts, never averaged from children.
pub fn rates(report: &str, counts: &Counts) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let mut put = |key: &str, v: Option<f64>| {
        if let Some(v) = v {
            out.insert(key.to_string(), (v * 10_000.0).round() / 10_000.0);
        }
    };
    match report {
        "visits" => put("on_time_rate", ratio(counts, "on_time", "due")),
        "inspections" => {
            put("inspected_rate", ratio(counts, "done", "due"));
            put(
                "avg_days_to_rectify",
                ratio(counts, "rectify_seconds", "hazards_rectified").map(|s| s / 86_400.0),
            );
        }
        "cases" => put(
            "closed_on_time_rate",
            ratio(counts, "handled_on_time", "handled"),
        ),
        "mediations" => put("success_rate", ratio(counts, "success", "concluded")),
        _ => {}
    }
    out
}

fn g(row: &Row, i: usize) -> &str {
    row.get(i).map_or("", SqlValue::text)
}

fn n(row: &Row, i: usize) -> i64 {
    row.get(i).map_or(0, SqlValue::int)
}

fn entry<'a>(per: &'a mut PerGrid, grid: &str) -> &'a mut Counts {
    per.entry(grid.to_string()).or_default()
}

/// Adds, per grid, the rows of `table` counted by one of its columns: as `{prefix}.{value}`,
/// and summed under `total` when given.
async fn count_by(
    q: &Q<'_>,
    per: &mut PerGrid,
    table: &str,
    column: &str,
    total: Option<&str>,
    prefix: &str,
) -> Result<(), StorageError> {
    for r in q
        .rows(
            |w| {
                format!(
                    "SELECT grid, {column}, count(*) FROM {table} WHERE {w} GROUP BY grid, {column}"
                )
            },
            vec![],
            "grid",
        )
        .await?
    {
        let c = entry(per, g(&r, 0));
        if let Some(total) = total {
            add(c, total, n(&r, 2));
        }
        add(c, format!("{prefix}.{}", g(&r, 1)), n(&r, 2));
    }
    Ok(())
}

async fn population(q: &Q<'_>) -> Result<PerGrid, StorageError> {
    let mut per = PerGrid::new();
    count_by(
        q,
        &mut per,
        "r_households",
        "housing_type",
        Some("households"),
        "housing",
    )
    .await?;
    count_by(
        q,
        &mut per,
        "r_members",
        "registration",
        Some("people"),
        "registration",
    )
    .await?;
    for r in q
        .rows(
            |w| format!("SELECT grid, tags FROM r_members WHERE {w} AND tags <> ''"),
            vec![],
            "grid",
        )
        .await?
    {
        let c = entry(&mut per, g(&r, 0));
        add(c, "tagged", 1);
        for t in g(&r, 1).split(',').filter(|t| !t.is_empty()) {
            add(c, format!("tag.{t}"), 1);
        }
    }
    count_by(q, &mut per, "r_places", "place_type", None, "places").await?;
    Ok(per)
}

/// A member's household visits: (members met — empty for the whole household, when).
type VisitsByHousehold = HashMap<String, Vec<(String, String)>>;

fn last_visit<'a>(
    visits: &'a VisitsByHousehold,
    household: &str,
    member: &str,
    until: &str,
) -> Option<&'a str> {
    visits
        .get(household)?
        .iter()
        .filter(|(seen, at)| {
            at.as_str() < until && (seen.is_empty() || seen.split(',').any(|m| m == member))
        })
        .map(|(_, at)| at.as_str())
        .max()
}

/// Visited on time at `at`: the latest visit is no older than the interval.
fn on_time(last: Option<&str>, at: DateTime<Utc>, days: u32) -> bool {
    let since = instant_text(at - Duration::days(i64::from(days)));
    last.is_some_and(|l| l >= since.as_str())
}

async fn grid_workers(q: &Q<'_>) -> Result<HashMap<String, Vec<String>>, StorageError> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for u in q.storage.users().await? {
        if u.role != Role::Worker {
            continue;
        }
        for node in &u.scope {
            for grid in q.scope.hierarchy.subtree(node) {
                out.entry(grid).or_default().push(u.name.clone());
            }
        }
    }
    Ok(out)
}

async fn visits(
    q: &Q<'_>,
    policies: &Policies,
    lists: &mut BTreeMap<String, Vec<Json>>,
) -> Result<PerGrid, StorageError> {
    let mut per = PerGrid::new();
    let scope = q.scope;
    let end = instant_text(scope.as_of);
    let longest = policies
        .visit_every_days
        .values()
        .copied()
        .max()
        .unwrap_or(0);
    let window = parse_instant(&scope.period.start())
        .unwrap_or(scope.as_of)
        .min(scope.as_of)
        - Duration::days(i64::from(longest));
    let members = q
        .rows(
            |w| {
                format!(
                    "SELECT m.grid, m.household_id, m.member_id, m.name, m.tags, h.address
                     FROM r_members m JOIN r_households h ON h.record_id = m.household_id
                     WHERE {w} AND m.tags <> '' ORDER BY m.grid, h.address, m.name"
                )
            },
            vec![],
            "m.grid",
        )
        .await?;
    let mut by_household: VisitsByHousehold = HashMap::new();
    for r in q
        .rows(
            |w| {
                format!(
                    "SELECT subject_id, members_seen, visited_at FROM r_visits
                     WHERE subject_kind = 'household' AND visited_at >= $1 AND visited_at < $2 AND {w}
                       AND subject_id IN (SELECT household_id FROM r_members WHERE tags <> '' AND {w})"
                )
            },
            vec![instant_text(window).into(), end.clone().into()],
            "grid",
        )
        .await?
    {
        by_household
            .entry(g(&r, 0).to_string())
            .or_default()
            .push((g(&r, 1).to_string(), g(&r, 2).to_string()));
    }
    for r in q
        .rows(
            |w| format!("SELECT grid, count(*) FROM r_visits WHERE visited_at >= $1 AND visited_at < $2 AND {w} GROUP BY grid"),
            vec![scope.period.start().into(), scope.period.end().into()],
            "grid",
        )
        .await?
    {
        add(entry(&mut per, g(&r, 0)), "visits", n(&r, 1));
    }

    let workers = grid_workers(q).await?;
    let interval = |tag: &str| policies.visit_every_days.get(tag).copied();
    let mut overdue = Vec::new();
    // Trend points: the end of up to 12 evenly spaced days of the period.
    let days = (scope.period.to - scope.period.from).num_days().max(0);
    let steps = days.min(11);
    let points: Vec<DateTime<Utc>> = (0..=steps)
        .map(|i| {
            let d = scope.period.from
                + Duration::days(if steps == 0 { days } else { days * i / steps });
            parse_instant(&day_start_utc(d + Duration::days(1)))
                .unwrap_or(scope.as_of)
                .min(scope.as_of)
        })
        .collect();
    let mut trend = vec![(0i64, 0i64); points.len()];
    for m in &members {
        let (grid, household, member) = (g(m, 0), g(m, 1), g(m, 2));
        let tags: Vec<&str> = g(m, 4).split(',').filter(|t| !t.is_empty()).collect();
        let Some(strictest) = tags.iter().filter_map(|t| interval(t)).min() else {
            continue;
        };
        let last = last_visit(&by_household, household, member, &end);
        let ok = on_time(last, scope.as_of, strictest);
        let c = entry(&mut per, grid);
        add(c, "due", 1);
        add(c, if ok { "on_time" } else { "overdue" }, 1);
        for t in &tags {
            if let Some(days) = interval(t) {
                add(c, format!("due.{t}"), 1);
                if on_time(last, scope.as_of, days) {
                    add(c, format!("on_time.{t}"), 1);
                }
            }
        }
        for (i, at) in points.iter().enumerate() {
            let until = instant_text(*at);
            trend[i].0 += 1;
            if on_time(
                last_visit(&by_household, household, member, &until),
                *at,
                strictest,
            ) {
                trend[i].1 += 1;
            }
        }
        if !ok {
            let days_overdue = match last.and_then(parse_instant) {
                Some(l) => (scope.as_of - l).num_days() - i64::from(strictest),
                None => -1,
            };
            overdue.push(json!({
                "worker": workers.get(grid).map(|w| w.join("、")).unwrap_or_default(),
                "grid": grid,
                "grid_name": scope.hierarchy.name(grid),
                "household_id": household,
                "member_id": member,
                "name": g(m, 3),
                "address": g(m, 5),
                "tags": tags,
                "every_days": strictest,
                "last_visit": last,
                "days_overdue": days_overdue,
            }));
        }
    }
    overdue.sort_by(|a, b| {
        (
            a["worker"].as_str(),
            a["grid"].as_str(),
            b["days_overdue"].as_i64(),
        )
            .cmp(&(
                b["worker"].as_str(),
                b["grid"].as_str(),
                a["days_overdue"].as_i64(),
            ))
    });
    lists.insert("overdue".into(), overdue);
    lists.insert(
        "trend".into(),
        points
            .iter()
            .zip(trend)
            .map(|(at, (due, ok))| {
                json!({"date": super::scope::local_date(*at - Duration::seconds(1)).to_string(), "due": due, "on_time": ok})
            })
            .collect(),
    );
    Ok(per)
}

async fn inspections(
    q: &Q<'_>,
    policies: &Policies,
    lists: &mut BTreeMap<String, Vec<Json>>,
) -> Result<PerGrid, StorageError> {
    let mut per = PerGrid::new();
    let scope = q.scope;
    let end = instant_text(scope.as_of);
    let mut last: HashMap<String, String> = HashMap::new();
    for r in q
        .rows(
            |w| format!("SELECT subject_id, max(inspected_at) FROM r_inspections WHERE status = 'completed' AND inspected_at < $1 AND {w} GROUP BY subject_id"),
            vec![end.clone().into()],
            "grid",
        )
        .await?
    {
        last.insert(g(&r, 0).to_string(), g(&r, 1).to_string());
    }
    for r in q
        .rows(
            |w| format!("SELECT grid, record_id, place_type FROM r_places WHERE {w}"),
            vec![],
            "grid",
        )
        .await?
    {
        let (grid, place, ty) = (g(&r, 0), g(&r, 1), g(&r, 2));
        let Some(days) = policies.inspect_every_days.get(ty).copied() else {
            continue;
        };
        let ok = on_time(last.get(place).map(String::as_str), scope.as_of, days);
        let c = entry(&mut per, grid);
        add(c, "due", 1);
        add(c, format!("due.{ty}"), 1);
        if ok {
            add(c, "done", 1);
            add(c, format!("done.{ty}"), 1);
        }
    }
    for r in q
        .rows(
            |w| format!("SELECT grid, count(*) FROM r_inspections WHERE status = 'completed' AND inspected_at >= $1 AND inspected_at < $2 AND {w} GROUP BY grid"),
            vec![scope.period.start().into(), scope.period.end().into()],
            "grid",
        )
        .await?
    {
        add(entry(&mut per, g(&r, 0)), "inspections", n(&r, 1));
    }
    let mut by_sub: BTreeMap<String, i64> = BTreeMap::new();
    for r in q
        .rows(
            |w| format!("SELECT grid, subcategory, reported_at, deadline, handled_at FROM r_cases WHERE category = 'hazard' AND reported_at >= $1 AND reported_at < $2 AND {w}"),
            vec![scope.period.start().into(), scope.period.end().into()],
            "grid",
        )
        .await?
    {
        let c = entry(&mut per, g(&r, 0));
        add(c, "hazards_found", 1);
        let sub = if g(&r, 1).is_empty() { "other" } else { g(&r, 1) };
        add(c, format!("hazard.{sub}"), 1);
        *by_sub.entry(sub.to_string()).or_default() += 1;
        match r.get(4).and_then(SqlValue::opt_text) {
            Some(handled) => {
                add(c, "hazards_rectified", 1);
                if let (Some(a), Some(b)) = (parse_instant(g(&r, 2)), parse_instant(handled)) {
                    add(c, "rectify_seconds", (b - a).num_seconds().max(0));
                }
            }
            None => {
                if !g(&r, 3).is_empty() && g(&r, 3) < end.as_str() {
                    add(c, "hazards_overdue", 1);
                }
            }
        }
    }
    // Failed checklist items by the item's hazard category, judged by core's rules against
    // the template each inspection names.
    let mut known: HashMap<(String, u32), Option<ChecklistTemplate>> = HashMap::new();
    let mut failed_by: BTreeMap<String, i64> = BTreeMap::new();
    for r in q
        .rows(
            |w| format!("SELECT grid, template_id, template_version, answers FROM r_inspection_answers WHERE inspected_at >= $1 AND inspected_at < $2 AND {w}"),
            vec![scope.period.start().into(), scope.period.end().into()],
            "grid",
        )
        .await?
    {
        let key = (g(&r, 1).to_string(), u32::try_from(n(&r, 2)).unwrap_or(0));
        if !known.contains_key(&key) {
            let t = crate::templates::definition(q.storage, &key.0, key.1).await?;
            known.insert(key.clone(), t);
        }
        let c = entry(&mut per, g(&r, 0));
        let (Some(Some(template)), Ok(answers)) =
            (known.get(&key), serde_json::from_str::<Answers>(g(&r, 3)))
        else {
            // A checklist this server never published (imported on a phone only).
            add(c, "unknown_template", 1);
            continue;
        };
        for item in failed_items(template, &answers) {
            let category = item.hazard_category.as_deref().unwrap_or("other");
            add(c, "failed_items", 1);
            add(c, format!("failed.{category}"), 1);
            *failed_by.entry(category.to_string()).or_default() += 1;
        }
    }
    lists.insert(
        "failed_by_category".into(),
        failed_by
            .into_iter()
            .map(|(k, v)| json!({"category": k, "count": v}))
            .collect(),
    );
    lists.insert(
        "hazards_by_category".into(),
        by_sub
            .into_iter()
            .map(|(k, v)| json!({"subcategory": k, "count": v}))
            .collect(),
    );
    Ok(per)
}

pub const OPEN_STATES: &str = "state NOT IN ('resolved', 'verified', 'closed')";

async fn cases(
    q: &Q<'_>,
    lists: &mut BTreeMap<String, Vec<Json>>,
) -> Result<PerGrid, StorageError> {
    let mut per = PerGrid::new();
    let scope = q.scope;
    let end = instant_text(scope.as_of);
    for r in q
        .rows(
            |w| format!("SELECT grid, category, state, deadline, handled_at, escalated FROM r_cases WHERE reported_at >= $1 AND reported_at < $2 AND {w}"),
            vec![scope.period.start().into(), scope.period.end().into()],
            "grid",
        )
        .await?
    {
        let c = entry(&mut per, g(&r, 0));
        let (deadline, handled) = (g(&r, 3), r.get(4).and_then(SqlValue::opt_text));
        add(c, "cases", 1);
        add(c, format!("category.{}", g(&r, 1)), 1);
        add(c, format!("state.{}", g(&r, 2)), 1);
        if n(&r, 5) != 0 {
            add(c, "escalated", 1);
        }
        match handled {
            Some(h) => {
                add(c, "handled", 1);
                if deadline.is_empty() || h <= deadline {
                    add(c, "handled_on_time", 1);
                }
            }
            None => {
                add(c, "open", 1);
                if !deadline.is_empty() && deadline < end.as_str() {
                    add(c, "overdue", 1);
                }
            }
        }
    }
    let oldest = q
        .rows(
            |w| format!("SELECT record_id, grid, category, subcategory, severity, state, reported_at, deadline FROM r_cases WHERE {OPEN_STATES} AND {w} ORDER BY reported_at, record_id LIMIT 20"),
            vec![],
            "grid",
        )
        .await?;
    lists.insert(
        "oldest_open".into(),
        oldest
            .iter()
            .map(|r| {
                json!({"record_id": g(r, 0), "grid": g(r, 1), "grid_name": scope.hierarchy.name(g(r, 1)), "category": g(r, 2), "subcategory": g(r, 3), "severity": g(r, 4), "state": g(r, 5), "reported_at": g(r, 6), "deadline": g(r, 7)})
            })
            .collect(),
    );
    Ok(per)
}

async fn mediations(
    q: &Q<'_>,
    lists: &mut BTreeMap<String, Vec<Json>>,
) -> Result<PerGrid, StorageError> {
    let mut per = PerGrid::new();
    let scope = q.scope;
    for r in q
        .rows(
            |w| format!("SELECT grid, dispute_type, result, count(*) FROM r_mediations WHERE opened_on >= $1 AND opened_on <= $2 AND {w} GROUP BY grid, dispute_type, result"),
            vec![scope.period.from_text().into(), scope.period.to_text().into()],
            "grid",
        )
        .await?
    {
        let c = entry(&mut per, g(&r, 0));
        let k = n(&r, 3);
        add(c, "mediations", k);
        add(c, format!("dispute.{}", g(&r, 1)), k);
        match r.get(2).and_then(SqlValue::opt_text) {
            Some(result) => {
                add(c, "concluded", k);
                add(c, format!("result.{result}"), k);
                if result == "agreement" {
                    add(c, "success", k);
                }
            }
            None => add(c, "pending", k),
        }
    }
    let open = q
        .rows(
            |w| format!("SELECT record_id, grid, dispute_type, opened_on FROM r_mediations WHERE risk_level = 'high' AND result IS NULL AND {w} ORDER BY opened_on, record_id"),
            vec![],
            "grid",
        )
        .await?;
    for r in &open {
        add(entry(&mut per, g(r, 1)), "high_risk_open", 1);
    }
    lists.insert(
        "high_risk_open".into(),
        open.iter()
            .map(|r| json!({"record_id": g(r, 0), "grid": g(r, 1), "grid_name": scope.hierarchy.name(g(r, 1)), "dispute_type": g(r, 2), "opened_on": g(r, 3)}))
            .collect(),
    );
    Ok(per)
}

async fn activities(q: &Q<'_>) -> Result<PerGrid, StorageError> {
    let mut per = PerGrid::new();
    let scope = q.scope;
    for r in q
        .rows(
            |w| format!("SELECT grid, activity_type, count(*), CAST(sum(participants) AS BIGINT) FROM r_activities WHERE held_on >= $1 AND held_on <= $2 AND {w} GROUP BY grid, activity_type"),
            vec![scope.period.from_text().into(), scope.period.to_text().into()],
            "grid",
        )
        .await?
    {
        let c = entry(&mut per, g(&r, 0));
        add(c, "activities", n(&r, 2));
        add(c, format!("type.{}", g(&r, 1)), n(&r, 2));
        add(c, "participants", n(&r, 3));
    }
    Ok(per)
}

async fn workers(
    q: &Q<'_>,
    opts: &Options,
    lists: &mut BTreeMap<String, Vec<Json>>,
) -> Result<PerGrid, StorageError> {
    let mut per = PerGrid::new();
    let scope = q.scope;
    let users = q.storage.users().await?;
    let devices = q.storage.devices().await?;
    let (from, to) = (scope.period.from_text(), scope.period.to_text());
    // How current each grid's records are kept: record-days changed, per grid only. Who
    // changed them is not counted: the report is about work done, not presence.
    for r in q
        .rows(
            |w| format!("SELECT grid, count(*) FROM r_worker_days WHERE day >= $1 AND day <= $2 AND {w} GROUP BY grid"),
            vec![from.into(), to.into()],
            "grid",
        )
        .await?
    {
        add(entry(&mut per, g(&r, 0)), "records_changed", n(&r, 1));
    }
    // The work each person did in the period, by what it was: visits made, inspections
    // completed, cases reported. Listed by name, never ranked, and nothing about time
    // online (整治形式主义为基层减负若干规定).
    let mut by_worker: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    let (start, end) = (scope.period.start(), scope.period.end());
    for (i, (key, sql)) in [
        ("visits", "SELECT grid, worker, count(*) FROM r_visits WHERE visited_at >= $1 AND visited_at < $2 AND {w} GROUP BY grid, worker"),
        ("inspections", "SELECT grid, inspector, count(*) FROM r_inspections WHERE status = 'completed' AND inspected_at >= $1 AND inspected_at < $2 AND {w} GROUP BY grid, inspector"),
        ("cases", "SELECT grid, reporter, count(*) FROM r_cases WHERE reported_at >= $1 AND reported_at < $2 AND {w} GROUP BY grid, reporter"),
    ]
    .into_iter()
    .enumerate()
    {
        for r in q
            .rows(
                |w| sql.replace("{w}", w),
                vec![start.clone().into(), end.clone().into()],
                "grid",
            )
            .await?
        {
            add(entry(&mut per, g(&r, 0)), key, n(&r, 2));
            let who = g(&r, 1).trim();
            if !who.is_empty() {
                by_worker.entry(who.to_string()).or_default()[i] += n(&r, 2);
            }
        }
    }
    lists.insert(
        "work_by_worker".into(),
        by_worker
            .into_iter()
            .map(|(w, [v, i, c])| json!({"worker": w, "visits": v, "inspections": i, "cases": c}))
            .collect(),
    );
    let silent_days = opts.silent_days.unwrap_or(7);
    let in_scope: BTreeSet<&String> = scope.grids.iter().collect();
    let mut device_rows = Vec::new();
    // Console tokens (no actor) never sync; only phones can fall silent.
    for d in devices
        .iter()
        .filter(|d| d.revoked_at.is_none() && d.actor.is_some())
    {
        let Some(u) = users.iter().find(|u| u.id == d.user_id) else {
            continue;
        };
        if u.role == Role::Admin
            || !u.scope.iter().any(|n| {
                scope
                    .hierarchy
                    .subtree(n)
                    .iter()
                    .any(|g| in_scope.contains(g))
            })
        {
            continue;
        }
        let quiet = d
            .last_seen
            .as_deref()
            .and_then(parse_instant)
            .map(|t| (scope.as_of - t).num_days());
        let silent = quiet.is_none_or(|q| q >= silent_days);
        device_rows.push(json!({"device_id": d.id, "worker": u.name, "last_seen": d.last_seen, "days_silent": quiet, "silent": silent}));
    }
    lists.insert("devices".into(), device_rows);
    // Tasks given in reach and how they stand: the work asked for beside the work done.
    // Open and overdue as of now, whatever the period: an overdue task is for acting on.
    let grids: BTreeSet<String> = scope.grids.iter().cloned().collect();
    let tasks = crate::tasks::list(q.storage, &grids).await?;
    let mut overdue = Vec::new();
    for t in &tasks {
        let counts = entry(&mut per, &t.grid);
        if t.done < t.total {
            add(counts, "tasks_open", 1);
        }
        if t.overdue {
            add(counts, "tasks_overdue", 1);
            // `task`, not `record_id`: the pages link it to the task's page.
            overdue.push(
                json!({"task": t.record_id, "grid": t.grid, "title": t.title,
                "due_on": t.due_on, "done": t.done, "total": t.total}),
            );
        }
    }
    lists.insert("overdue_tasks".into(), overdue);
    Ok(per)
}
