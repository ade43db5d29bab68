//! The office's side of the demo: once a community's phones have synced, its supervisor
//! directs the work through the relay's own API, as a supervisor's browser or script does —
//! tasks for each grid (one of them already overdue), a case dispatched to a handling party
//! and one handled, a household sent back with a note and another marked checked. The
//! workers' phones then get all of it at their next sync.

use chrono::{DateTime, Duration, Utc};
use gridkeeper_core::Kind;
use serde_json::{Value as Json, json};

use super::{CommunityDef, Phone};

/// What a community's office did.
#[derive(Debug, Default, Clone, Copy)]
pub struct OfficeWork {
    pub tasks: usize,
    pub dispatched: usize,
    pub reviewed: usize,
}

/// A community's handling parties, set up with the grid tree.
pub const PARTIES: [&str; 3] = ["物业服务中心", "街道城管执法中队", "社区警务室"];

struct Api<'a> {
    server: &'a str,
    token: &'a str,
    http: reqwest::blocking::Client,
}

impl Api<'_> {
    /// POSTs `body`; the error names the path, the status and the relay's code only.
    fn post(&self, path: &str, body: &Json) -> Result<Json, String> {
        let r = self
            .http
            .post(format!("{}{path}", self.server))
            .bearer_auth(self.token)
            .json(body)
            .send()
            .map_err(|e| format!("{path}: {e}"))?;
        let status = r.status();
        let answer: Json = r.json().unwrap_or(Json::Null);
        if status.is_success() {
            Ok(answer)
        } else {
            Err(format!(
                "{path}: {status} {}",
                answer["error"]["code"].as_str().unwrap_or("")
            ))
        }
    }
}

fn ids(rows: &[Json]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| r["id"].as_str().map(String::from))
        .collect()
}

/// The supervisor of `c` directs the work, reading what to direct from their own phone (which
/// has just synced the community).
pub fn direct(
    c: &CommunityDef,
    supervisor: &Phone,
    server: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<OfficeWork, String> {
    let api = Api {
        server,
        token,
        http: reqwest::blocking::Client::new(),
    };
    let today = (now + Duration::hours(8)).date_naive();
    let list = |kind: Kind, grid: &str| {
        supervisor
            .store
            .list_json(kind, Some(grid), None, false)
            .map_err(|e| format!("{}: {e}", supervisor.label))
    };
    let mut work = OfficeWork::default();
    for (i, g) in c.grids.iter().enumerate() {
        let households = ids(&list(Kind::Household, g.id)?);
        // Everyone living alone, by the tag, before the cold wave; a grid where no one is
        // tagged gets its first households named instead.
        let cold_wave = json!({"grid": g.id, "title": "寒潮来临前走访独居老人，检查取暖和燃气",
            "task_type": "visit", "due_on": (today + Duration::days(5)).to_string(),
            "assignees": [g.worker], "filter": {"tag": "solitary_elderly"}});
        if api.post("/v1/tasks", &cold_wave).is_err() {
            let mut named = cold_wave.clone();
            named["filter"] = Json::Null;
            named["targets"] = json!(households.iter().take(4).collect::<Vec<_>>());
            api.post("/v1/tasks", &named)?;
        }
        work.tasks += 1;
        let places = ids(&list(Kind::Place, g.id)?);
        if i == 0 && !places.is_empty() {
            // Given a week ago, due two days ago: what the report shows as overdue.
            api.post(
                "/v1/tasks",
                &json!({"grid": g.id, "title": "复查出租屋和沿街商铺消防通道",
                    "task_type": "inspection", "due_on": (today - Duration::days(2)).to_string(),
                    "targets": places.iter().take(3).collect::<Vec<_>>()}),
            )?;
            work.tasks += 1;
        }
        if let Some(first) = households.first() {
            api.post(
                &format!("/v1/records/{first}/review"),
                &json!({"state": "returned", "note": "第2位成员缺联系电话，请入户补录"}),
            )?;
            work.reviewed += 1;
        }
        if let Some(second) = households.get(1) {
            api.post(
                &format!("/v1/records/{second}/review"),
                &json!({"state": "checked"}),
            )?;
            work.reviewed += 1;
        }
        let open: Vec<String> = list(Kind::Case, g.id)?
            .iter()
            .filter(|r| r["state"] == "reported")
            .filter_map(|r| r["id"].as_str().map(String::from))
            .collect();
        for (n, case) in open.iter().take(2).enumerate() {
            api.post(
                &format!("/v1/records/{case}/dispatch"),
                &json!({"party": PARTIES[n % PARTIES.len()],
                    "handle_by": (today + Duration::days(3)).to_string(),
                    "note": "请尽快到现场处置"}),
            )?;
            work.dispatched += 1;
            if n == 0 {
                // Handled already: it waits for the worker to verify on site.
                api.post(
                    &format!("/v1/records/{case}/result"),
                    &json!({"note": "已到现场处置完毕，请网格员核查"}),
                )?;
            }
        }
    }
    Ok(work)
}
