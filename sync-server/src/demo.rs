//! `--demo`: seeds an empty server with a street — 幸福街道, three communities, six grids —
//! the way a real street fills one: each worker's phone (a core [`Store`] on disk) enrols with
//! a one-time code and syncs over HTTP with this very server, after months of fieldwork done
//! partly offline. Each worker also has a second enrolled device (the grid office's tablet);
//! during an offline week both edit some of the same records, so the server and the devices
//! hold real concurrent changes and conflicts. Supervisors' phones (read-only, as the server
//! enforces) bootstrap their community and pull it all. One phone is left with a week of work
//! it has not synced yet. Then each community's office directs the work over the relay's API
//! (`office`): tasks for every grid, cases dispatched to handling parties, households
//! reviewed; the phones in signal get it at their next sync.
//!
//! [`prepare`] (async, admin functions) builds the grid tree, users and enrolment codes, and
//! web passwords for a supervisor and the administrator (generated, printed once);
//! [`run`] (blocking, reqwest::blocking inside the core's sync client) drives the phones and
//! must run on its own thread. The data itself comes from [`data`].

mod data;
mod office;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use gridkeeper_core::kinds::case::TimelineEntry;
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::kinds::{Household, Mediation};
use gridkeeper_core::store::Durability;
use gridkeeper_core::sync::SyncOptions;
use gridkeeper_core::{Kind, RecordId, Store};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value as Json, json};

use crate::admin;
use crate::storage::{Role, Storage};

/// Printed when seeding is over (or skipped); tests and scripts wait for it.
pub const READY: &str = "demo ready";

#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Households across the whole street.
    pub households: usize,
    /// The same seed gives the same street.
    pub seed: u64,
    /// Where the simulated phones keep their stores (each a file `gk` can open).
    pub devices_dir: PathBuf,
}

struct GridDef {
    id: &'static str,
    name: &'static str,
    worker: &'static str,
    compounds: [&'static str; 2],
    /// Share of the street's households: grids are not all the same size.
    weight: f64,
}

struct CommunityDef {
    id: &'static str,
    name: &'static str,
    supervisor: &'static str,
    grids: [GridDef; 2],
}

const STREET: (&str, &str) = ("xf", "幸福街道");

const COMMUNITIES: [CommunityDef; 3] = [
    CommunityDef {
        id: "xf-1",
        name: "幸福社区",
        supervisor: "李建国",
        grids: [
            GridDef {
                id: "xf-1-01",
                name: "第一网格",
                worker: "王芳",
                compounds: ["幸福里", "桂花苑"],
                weight: 1.2,
            },
            GridDef {
                id: "xf-1-02",
                name: "第二网格",
                worker: "张伟",
                compounds: ["幸福新村", "金桂园"],
                weight: 0.9,
            },
        ],
    },
    CommunityDef {
        id: "xf-2",
        name: "和平社区",
        supervisor: "陈秀梅",
        grids: [
            GridDef {
                id: "xf-2-01",
                name: "第一网格",
                worker: "刘洋",
                compounds: ["和平小区", "梧桐苑"],
                weight: 1.1,
            },
            GridDef {
                id: "xf-2-02",
                name: "第二网格",
                worker: "陈静",
                compounds: ["和平里", "锦绣华庭"],
                weight: 0.8,
            },
        ],
    },
    CommunityDef {
        id: "xf-3",
        name: "春晖社区",
        supervisor: "赵德华",
        grids: [
            GridDef {
                id: "xf-3-01",
                name: "第一网格",
                worker: "杨帆",
                compounds: ["春晖苑", "翠竹园"],
                weight: 1.0,
            },
            GridDef {
                id: "xf-3-02",
                name: "第二网格",
                worker: "黄丽",
                compounds: ["春晖新村", "阳光家园"],
                weight: 1.0,
            },
        ],
    },
];

/// Roughly where 幸福街道 is, for visits' GPS fixes.
const SPOT: (f64, f64) = (30.2741, 120.1551);

/// How far back the fieldwork goes.
const HISTORY_DAYS: i64 = 180;

/// What [`prepare`] set up: one enrolment code per simulated phone, and two for the person
/// trying the demo.
#[derive(Debug, Clone)]
pub struct Seeding {
    worker_codes: BTreeMap<&'static str, String>,
    tablet_codes: BTreeMap<&'static str, String>,
    supervisor_codes: BTreeMap<&'static str, String>,
    /// (user, role, code) for `gk`.
    pub for_you: Vec<(String, String, String)>,
    /// (user, role, password) for the web pages: a supervisor and the administrator.
    pub web_sign_ins: Vec<(String, &'static str, String)>,
    /// Each community supervisor's API token, for the office's work (`office`).
    supervisor_tokens: BTreeMap<&'static str, String>,
}

/// On an empty server, creates the street's grid tree, a worker per grid and a supervisor
/// per community, and their enrolment codes. `None` when the server already has grids: the
/// demo never adds to data that is there.
pub async fn prepare(storage: &Arc<dyn Storage>) -> Result<Option<Seeding>, String> {
    let fail = |e: crate::error::ApiError| e.message;
    if !storage.grids().await.map_err(|e| e.to_string())?.is_empty() {
        return Ok(None);
    }
    admin::add_grid(storage, STREET.0, STREET.1, None)
        .await
        .map_err(fail)?;
    let mut seeding = Seeding {
        worker_codes: BTreeMap::new(),
        tablet_codes: BTreeMap::new(),
        supervisor_codes: BTreeMap::new(),
        for_you: Vec::new(),
        web_sign_ins: Vec::new(),
        supervisor_tokens: BTreeMap::new(),
    };
    let code = |user: &'static str| {
        let storage = storage.clone();
        async move {
            admin::issue_enroll_code(&storage, user, admin::DEFAULT_CODE_HOURS)
                .await
                .map(|(code, _)| code)
                .map_err(fail)
        }
    };
    for c in &COMMUNITIES {
        admin::add_grid(storage, c.id, c.name, Some(STREET.0))
            .await
            .map_err(fail)?;
        for g in &c.grids {
            admin::add_grid(storage, g.id, g.name, Some(c.id))
                .await
                .map_err(fail)?;
            admin::add_user(storage, g.worker, Role::Worker, &[g.id.to_string()])
                .await
                .map_err(fail)?;
            seeding.worker_codes.insert(g.id, code(g.worker).await?);
            seeding.tablet_codes.insert(g.id, code(g.worker).await?);
        }
        admin::add_user(storage, c.supervisor, Role::Supervisor, &[c.id.to_string()])
            .await
            .map_err(fail)?;
        seeding
            .supervisor_codes
            .insert(c.id, code(c.supervisor).await?);
        seeding.supervisor_tokens.insert(
            c.id,
            admin::console_token(storage, c.supervisor)
                .await
                .map_err(fail)?,
        );
        for name in office::PARTIES {
            let party = crate::dispatch::Party {
                node: c.id.to_string(),
                name: name.to_string(),
            };
            crate::dispatch::add_party(storage, &party)
                .await
                .map_err(fail)?;
        }
    }
    let first = &COMMUNITIES[0];
    for (user, role) in [
        (first.grids[0].worker, "worker"),
        (first.supervisor, "supervisor"),
    ] {
        seeding
            .for_you
            .push((user.to_string(), role.to_string(), code(user).await?));
    }
    // Web sign-ins, so whoever tries the demo opens the supervisor pages at once: the first
    // community's supervisor and the administrator made at first start. Generated here,
    // printed once, stored as any password is (an argon2 hash).
    let users = storage.users().await.map_err(|e| e.to_string())?;
    let supervisor = users.iter().find(|u| u.name == first.supervisor);
    let administrator = users.iter().find(|u| u.role == Role::Admin);
    for (user, role) in [(supervisor, "supervisor"), (administrator, "administrator")] {
        let Some(user) = user else { continue };
        let password = generated_password();
        crate::web::password::set(storage.as_ref(), &user.id, &password, &admin::now())
            .await
            .map_err(|e| e.to_string())?;
        seeding
            .web_sign_ins
            .push((user.name.clone(), role, password));
    }
    Ok(Some(seeding))
}

/// A password a person can type from the terminal: four groups of four from letters and
/// digits that are not mistaken for one another (no 0/o, 1/l/i), about 78 bits.
fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// What the seeding did, for the summary.
#[derive(Debug, Default)]
pub struct Report {
    pub records: BTreeMap<&'static str, usize>,
    pub changes_pushed: u64,
    pub syncs: u64,
    /// Records edited on two devices at once that show a conflict on supervisors' phones.
    pub conflicted_records: usize,
    /// (grid, changes) of the phone still offline.
    pub offline: Option<(String, u64)>,
    /// What the supervisors directed.
    pub office: office::OfficeWork,
    pub elapsed: Duration,
}

/// A simulated phone: its store and a label for progress lines.
#[derive(Debug)]
struct Phone {
    store: Store,
    label: String,
}

impl Phone {
    /// Creates the phone's store and enrols it with a one-time code, as a worker does on
    /// the first day.
    fn enrol(dir: &Path, label: &str, server: &str, code: &str) -> Result<Phone, String> {
        let path = dir.join(format!("{label}.db"));
        let err = |e: gridkeeper_core::Error| format!("{label}: {e}");
        drop(Store::init(&path, None).map_err(err)?);
        // Normal durability: a demo does not need to survive power loss, and it halves the
        // time of thousands of small commits.
        let mut store = Store::open_with(&path, Durability::Normal).map_err(err)?;
        store.install_builtin_templates().map_err(err)?;
        store
            .enroll(server, code)
            .map_err(|e| format!("{label}: enrolment failed: {e}"))?;
        Ok(Phone {
            store,
            label: label.to_string(),
        })
    }

    fn user(&self) -> String {
        self.store.user().unwrap_or_default().to_string()
    }

    /// One sync with the real engine: pushes everything waiting, pulls until done.
    fn sync(&mut self, report: &mut Counters) -> Result<(), String> {
        let opts = SyncOptions {
            // Big rounds: the demo pushes months of work at once.
            push_batch: 5_000,
            ..SyncOptions::default()
        };
        let summary = self
            .store
            .sync(&opts, &mut |_| {})
            .map_err(|e| format!("{}: sync failed: {e}", self.label))?;
        if !summary.rejected.is_empty() {
            return Err(format!(
                "{}: the server refused {} changes ({})",
                self.label,
                summary.rejected.len(),
                summary.rejected[0].1
            ));
        }
        report.pushed += summary.pushed;
        report.syncs += 1;
        Ok(())
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Counters {
    pushed: u64,
    syncs: u64,
}

/// What a worker's phone knows about its grid after the months of fieldwork: the records the
/// offline week goes back to.
#[derive(Debug, Default)]
struct Book {
    households: Vec<RecordId>,
    special: Vec<RecordId>,
    inspectable: Vec<RecordId>,
    accepted_cases: Vec<RecordId>,
    in_progress_cases: Vec<RecordId>,
    resolved_cases: Vec<RecordId>,
    mediations: Vec<RecordId>,
}

/// Seeds the street through the phones. Blocking; `server` is this server's own address.
pub fn run(seeding: &Seeding, server: &str, opts: &DemoOptions) -> Result<Report, String> {
    let started = Instant::now();
    let now = Utc::now();
    let dir = &opts.devices_dir;
    if dir.exists() {
        // Phones of an earlier demo on a since-emptied server would hold stale records.
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let total_weight: f64 = COMMUNITIES
        .iter()
        .flat_map(|c| &c.grids)
        .map(|g| g.weight)
        .sum();
    let households_of =
        |g: &GridDef| ((opts.households as f64 * g.weight / total_weight).round() as usize).max(4);

    // Communities work in parallel, as they do; within one, its grids and its supervisor.
    let results: Vec<Result<(Report, Counters), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = COMMUNITIES
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let households_of = &households_of;
                scope.spawn(move || {
                    let last = i + 1 == COMMUNITIES.len();
                    community(c, seeding, server, dir, now, opts.seed, households_of, last)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a demo thread panicked".to_string()))
            })
            .collect()
    });
    let mut report = Report::default();
    for r in results {
        let (part, counters) = r?;
        for (kind, n) in part.records {
            *report.records.entry(kind).or_default() += n;
        }
        report.changes_pushed += counters.pushed;
        report.syncs += counters.syncs;
        report.conflicted_records += part.conflicted_records;
        report.offline = report.offline.or(part.offline);
        report.office.tasks += part.office.tasks;
        report.office.dispatched += part.office.dispatched;
        report.office.reviewed += part.office.reviewed;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// One community's story: months of fieldwork on each worker's phone, the supervisor's
/// phone joining, an offline week with concurrent edits, and the syncs after it.
#[allow(clippy::too_many_arguments)]
fn community(
    c: &CommunityDef,
    seeding: &Seeding,
    server: &str,
    dir: &Path,
    now: DateTime<Utc>,
    seed: u64,
    households_of: &dyn Fn(&GridDef) -> usize,
    last_community: bool,
) -> Result<(Report, Counters), String> {
    let mut counters = Counters::default();
    let mut phones = Vec::new();
    for g in &c.grids {
        let code = seeding
            .worker_codes
            .get(g.id)
            .ok_or_else(|| format!("no enrolment code for {}", g.id))?;
        let mut phone = Phone::enrol(dir, &format!("{}-worker", g.id), server, code)?;
        // Each grid its own stream of numbers, so threads' timing cannot change the data.
        let mut rng = StdRng::seed_from_u64(seed ^ fnv(g.id));
        let n = households_of(g);
        println!(
            "demo: seeding grid {} ({}{}): {n} households…",
            g.id, c.name, g.name
        );
        let book = fieldwork(&mut phone, g, c, &mut rng, now, n, &mut counters)?;
        // The grid office's tablet: the same worker's second device, joining later.
        let code = seeding
            .tablet_codes
            .get(g.id)
            .ok_or_else(|| format!("no enrolment code for {}'s tablet", g.id))?;
        let mut tablet = Phone::enrol(dir, &format!("{}-tablet", g.id), server, code)?;
        tablet.sync(&mut counters)?;
        phones.push((phone, tablet, book, rng));
    }

    let code = seeding
        .supervisor_codes
        .get(c.id)
        .ok_or_else(|| format!("no enrolment code for {}", c.id))?;
    let mut supervisor = Phone::enrol(dir, &format!("{}-supervisor", c.id), server, code)?;
    supervisor.sync(&mut counters)?;
    println!(
        "demo: {}'s supervisor phone bootstrapped {} records",
        c.name,
        supervisor
            .store
            .record_ids(None)
            .map(|v| v.len())
            .unwrap_or(0)
    );

    // The offline week: workers in stairwells with no signal, the office tablets offline too.
    let mut edited = Vec::new();
    for (phone, tablet, book, rng) in &mut phones {
        edited.extend(offline_week(phone, tablet, book, rng, now)?);
    }
    // Back online, at different times: the tablets first, then the phones — except the
    // street's last grid, whose phone is still somewhere without signal — then the tablets
    // again, which now hold both sides of each conflict.
    for (_, tablet, _, _) in &mut phones {
        tablet.sync(&mut counters)?;
    }
    let mut offline = None;
    for (i, (phone, _, _, _)) in phones.iter_mut().enumerate() {
        if last_community && i + 1 == c.grids.len() {
            let waiting = phone.store.outbox_len().unwrap_or(0) as u64;
            println!(
                "demo: {} stays offline with {waiting} changes not yet synced",
                phone.label
            );
            offline = Some((c.grids[i].id.to_string(), waiting));
            continue;
        }
        phone.sync(&mut counters)?;
    }
    for (_, tablet, _, _) in &mut phones {
        tablet.sync(&mut counters)?;
    }
    supervisor.sync(&mut counters)?;

    // The office directs the work; the phones in signal get it.
    let token = seeding
        .supervisor_tokens
        .get(c.id)
        .ok_or_else(|| format!("no token for {}'s supervisor", c.id))?;
    let office = office::direct(c, &supervisor, server, token, now)?;
    for (i, (phone, _, _, _)) in phones.iter_mut().enumerate() {
        if !(last_community && i + 1 == c.grids.len()) {
            phone.sync(&mut counters)?;
        }
    }
    supervisor.sync(&mut counters)?;

    let mut report = Report {
        office,
        ..Report::default()
    };
    for kind in Kind::ALL {
        let n = supervisor
            .store
            .record_ids(Some(kind))
            .map_err(|e| e.to_string())?
            .len();
        report.records.insert(kind.as_str(), n);
    }
    for id in edited {
        if !supervisor
            .store
            .conflicts(id)
            .map_err(|e| e.to_string())?
            .is_empty()
        {
            report.conflicted_records += 1;
        }
    }
    report.offline = offline;
    Ok((report, counters))
}

/// FNV-1a, to turn a grid id into part of its RNG seed.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn create(phone: &mut Phone, kind: Kind, grid: &str, data: Json) -> Result<RecordId, String> {
    phone
        .store
        .create_json(kind, grid, data)
        .map_err(|e| format!("{}: cannot create a {kind}: {e}", phone.label))
}

/// Six months of a worker's fieldwork, synced twice: after the first weeks of registering
/// households, and after the rest.
fn fieldwork(
    phone: &mut Phone,
    g: &GridDef,
    c: &CommunityDef,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    households: usize,
    counters: &mut Counters,
) -> Result<Book, String> {
    let mut book = Book::default();
    register_households(phone, g, c, rng, households, &mut book)?;
    phone.sync(counters)?;
    let places = register_places(phone, g, rng, households)?;
    record_visits(phone, g.id, rng, now, c.supervisor, &mut book)?;
    inspect_places(phone, g.id, rng, now, c.supervisor, &places, &mut book)?;
    mediate_disputes(phone, g.id, rng, now, households, &mut book)?;
    hold_activities(phone, g, rng, now)?;
    phone.sync(counters)?;
    Ok(book)
}

fn register_households(
    phone: &mut Phone,
    g: &GridDef,
    c: &CommunityDef,
    rng: &mut StdRng,
    n: usize,
    book: &mut Book,
) -> Result<(), String> {
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
    for i in 0..n {
        let door = data::door(c.name, &g.compounds, i);
        let (household, special) = data::household(rng, today, &door);
        let id = create(phone, Kind::Household, g.id, household)?;
        book.households.push(id);
        if special {
            book.special.push(id);
        }
    }
    Ok(())
}

/// About one shop, rental building or firm per eight households. Returns the places that
/// get fire-safety inspections (shops and rentals).
fn register_places(
    phone: &mut Phone,
    g: &GridDef,
    rng: &mut StdRng,
    households: usize,
) -> Result<Vec<RecordId>, String> {
    let mut inspectable = Vec::new();
    for n in 0..(households / 8).max(2) {
        let (place, fire_checks) = data::place(rng, n, &g.compounds);
        let id = create(phone, Kind::Place, g.id, place)?;
        if fire_checks {
            inspectable.push(id);
        }
    }
    Ok(inspectable)
}

/// Special-group households monthly, the rest once or twice in six months; one visit in
/// twenty-five raises a case (an appeal, an errand, an environment problem).
fn record_visits(
    phone: &mut Phone,
    grid: &str,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    supervisor: &str,
    book: &mut Book,
) -> Result<(), String> {
    let worker = phone.user();
    let households = book.households.clone();
    for id in households {
        let special = book.special.contains(&id);
        let times = if special {
            HISTORY_DAYS as usize / 30
        } else {
            rng.random_range(0..=2)
        };
        for k in 0..times {
            let at = if special {
                now - chrono::Duration::days(HISTORY_DAYS - 30 * k as i64)
                    + chrono::Duration::hours(rng.random_range(0..240))
            } else {
                data::days_ago(now, rng, HISTORY_DAYS)
            };
            let visit = data::visit(rng, &id.to_string(), at, special, SPOT);
            if rng.random_range(0..25) == 0 {
                let case =
                    case_with_history(data::visit_case(rng, at), rng, at, now, &worker, supervisor);
                let (_, case_id) = phone
                    .store
                    .create_visit_raising_case(grid, visit, case.0)
                    .map_err(|e| format!("{}: visit raising a case: {e}", phone.label))?;
                book.note_case(case_id, case.1);
            } else {
                create(phone, Kind::Visit, grid, visit)?;
            }
        }
    }
    Ok(())
}

/// Adds a report entry and the case's later path to a case's fields; returns them and the
/// last action taken.
fn case_with_history(
    mut case: Json,
    rng: &mut StdRng,
    reported: DateTime<Utc>,
    now: DateTime<Utc>,
    worker: &str,
    supervisor: &str,
) -> (Json, Option<String>) {
    let mut timeline =
        vec![json!({"action": "report", "at": data::rfc3339(reported), "by": worker})];
    timeline.extend(data::case_history(rng, reported, now, worker, supervisor));
    let last = timeline
        .last()
        .and_then(|e| e["action"].as_str())
        .map(String::from);
    case["timeline"] = Json::Array(timeline);
    (case, last)
}

impl Book {
    /// Remembers a case by where it stands, for the offline week to move it on.
    fn note_case(&mut self, id: RecordId, last_action: Option<String>) {
        match last_action.as_deref() {
            Some("accept") => self.accepted_cases.push(id),
            Some("start") => self.in_progress_cases.push(id),
            Some("resolve") => self.resolved_cases.push(id),
            _ => {}
        }
    }
}

/// Fire-safety inspections of shops and rentals, one to three each. One in five finds a
/// failing item: the hazard case is raised and named on the inspection before it is
/// completed, as the "require action" rule wants; a few failures get a note instead.
fn inspect_places(
    phone: &mut Phone,
    grid: &str,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    supervisor: &str,
    places: &[RecordId],
    book: &mut Book,
) -> Result<(), String> {
    let template = phone
        .store
        .template("fire_safety", 1)
        .cloned()
        .ok_or("the fire_safety checklist is not installed")?;
    let photo = phone
        .store
        .add_blob(data::SITE_PHOTO, Some("image/png"))
        .map_err(|e| e.to_string())?
        .hash;
    let worker = phone.user();
    for place in places {
        book.inspectable.push(*place);
        for _ in 0..rng.random_range(1..=3) {
            let at = data::days_ago(now, rng, HISTORY_DAYS);
            let mut answers = data::passing_answers(&template, &photo, rng);
            let failed = (rng.random_range(0..5) == 0)
                .then(|| *data::COMMON_FAILURES.choose(rng).unwrap_or(&"wiring"));
            if let Some(item) = failed {
                answers[item] = json!("fail");
            }
            let mut inspection = json!({
                "template_id": "fire_safety",
                "template_version": 1,
                "subject": {"kind": "place", "id": place.to_string()},
                "inspected_at": data::rfc3339(at),
                "answers": answers,
            });
            let Some(item) = failed else {
                inspection["status"] = json!("completed");
                create(phone, Kind::Inspection, grid, inspection)?;
                continue;
            };
            if rng.random_range(0..4) == 0 {
                inspection["actions"] = json!({item: {"note": "当场整改完毕"}});
                inspection["status"] = json!("completed");
                create(phone, Kind::Inspection, grid, inspection)?;
                continue;
            }
            let id = create(phone, Kind::Inspection, grid, inspection)?;
            let case_id = raise_hazard(
                phone,
                grid,
                rng,
                now,
                (id, item, at),
                place,
                &template,
                (&worker, supervisor),
                book,
            )?;
            phone
                .store
                .patch_json(id, &json!({"actions": {item: {"case_id": case_id.to_string()}}, "status": "completed"}))
                .map_err(|e| format!("{}: completing an inspection: {e}", phone.label))?;
        }
    }
    Ok(())
}

/// The hazard case for a failed item, as `Store::raise_case_for_item` makes it but dated the
/// day of the inspection, with the path it has taken since.
#[allow(clippy::too_many_arguments)]
fn raise_hazard(
    phone: &mut Phone,
    grid: &str,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    (inspection, item, at): (RecordId, &str, DateTime<Utc>),
    place: &RecordId,
    template: &gridkeeper_core::checklist::ChecklistTemplate,
    (worker, supervisor): (&str, &str),
    book: &mut Book,
) -> Result<RecordId, String> {
    let found = template.item(item);
    let case = json!({
        "category": "hazard",
        "subcategory": found.and_then(|i| i.hazard_category.clone()).unwrap_or_default(),
        "severity": found.and_then(|i| i.severity_if_failed).map(|s| json!(s)).unwrap_or(json!("medium")),
        "description": found.map(|i| format!("巡查发现：{}（不合格）", i.label)).unwrap_or_default(),
        "subject": {"kind": "place", "id": place.to_string()},
        "source": {"kind": "inspection", "id": inspection.to_string(), "item": item},
        "reported_at": data::rfc3339(at),
    });
    let (case, last) = case_with_history(case, rng, at, now, worker, supervisor);
    let id = create(phone, Kind::Case, grid, case)?;
    book.note_case(id, last);
    Ok(id)
}

fn mediate_disputes(
    phone: &mut Phone,
    grid: &str,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    households: usize,
    book: &mut Book,
) -> Result<(), String> {
    for _ in 0..(households / 40).max(1) {
        let opened = data::days_ago(now, rng, HISTORY_DAYS);
        let id = create(
            phone,
            Kind::Mediation,
            grid,
            data::mediation(rng, opened, now),
        )?;
        book.mediations.push(id);
    }
    Ok(())
}

/// Two activities a month: publicity sessions, culture, sports, training.
fn hold_activities(
    phone: &mut Phone,
    g: &GridDef,
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Result<(), String> {
    for k in 0..(HISTORY_DAYS / 15) {
        let held = now - chrono::Duration::days(HISTORY_DAYS - 15 * k - rng.random_range(0..10));
        let venue = format!("{}广场", g.compounds[k as usize % 2]);
        create(
            phone,
            Kind::Activity,
            g.id,
            data::activity(rng, held, &venue),
        )?;
    }
    Ok(())
}

/// A week with no signal. The worker visits, moves cases on with real transitions, inspects
/// and raises a hazard the ordinary way; meanwhile the office tablet, used by the same worker
/// for calls from residents, corrects phone numbers the phone is also correcting, escalates a
/// case the phone is starting, and adds to a mediation's narrative. Returns the records both
/// devices edited.
fn offline_week(
    phone: &mut Phone,
    tablet: &mut Phone,
    book: &Book,
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Result<Vec<RecordId>, String> {
    let err = |label: &str, e: gridkeeper_core::Error| format!("{label}: {e}");
    let grid = phone.label.trim_end_matches("-worker").to_string();
    for id in book.special.iter().take(20) {
        let visit = data::visit(rng, &id.to_string(), now, true, SPOT);
        create(phone, Kind::Visit, &grid, visit)?;
    }
    for id in book.in_progress_cases.iter().take(5) {
        let mut entry = TimelineEntry::new(CaseAction::Resolve);
        entry.note = "已整改到位".into();
        phone
            .store
            .case_transition(*id, entry)
            .map_err(|e| err(&phone.label, e))?;
    }
    if let Some(place) = book.inspectable.first() {
        inspect_and_raise_now(phone, &grid, *place, rng)?;
    }

    let mut both_edited = Vec::new();
    // A resident changed numbers: heard once at the door, once on a call to the office, and
    // typed differently. The server keeps both; the devices show the conflict.
    for id in book.households.iter().take(3) {
        let at_door = data::mobile(rng);
        let by_phone = data::mobile(rng);
        for (device, number) in [(&mut *phone, at_door), (&mut *tablet, by_phone)] {
            device
                .store
                .update::<Household>(*id, |h| {
                    if let Some(m) = h.members.first_mut() {
                        m.phone = Some(number);
                    }
                })
                .map_err(|e| err(&device.label, e))?;
        }
        both_edited.push(*id);
    }
    // One device starts work on an accepted case while the other escalates it to the
    // community: both entries stay in the timeline, and every device folds them the same way.
    if let Some(id) = book.accepted_cases.first() {
        phone
            .store
            .case_transition(*id, TimelineEntry::new(CaseAction::Start))
            .map_err(|e| err(&phone.label, e))?;
        let mut up = TimelineEntry::new(CaseAction::Escalate);
        up.escalate_to = Some(gridkeeper_core::kinds::case::EscalationLevel::Community);
        up.note = "涉及多户，需社区协调".into();
        tablet
            .store
            .case_transition(*id, up)
            .map_err(|e| err(&tablet.label, e))?;
    }
    // Two people writing up the same mediation: narrative text merges character by character.
    if let Some(id) = book.mediations.first() {
        for (device, words) in [
            (&mut *phone, "网格员回访：双方情绪稳定。"),
            (&mut *tablet, "电话回访：当事人表示协议正在履行。"),
        ] {
            device
                .store
                .update::<Mediation>(*id, |m| m.narrative.push_str(words))
                .map_err(|e| err(&device.label, e))?;
        }
    }
    for id in book.resolved_cases.iter().take(3) {
        let mut note = TimelineEntry::new(CaseAction::Comment);
        note.note = "电话回访，居民表示满意".into();
        tablet
            .store
            .case_transition(*id, note)
            .map_err(|e| err(&tablet.label, e))?;
    }
    Ok(both_edited)
}

/// Today's inspection with a failing item, its hazard raised through the core's own
/// operation, then completed.
fn inspect_and_raise_now(
    phone: &mut Phone,
    grid: &str,
    place: RecordId,
    rng: &mut StdRng,
) -> Result<(), String> {
    let template = phone
        .store
        .template("fire_safety", 1)
        .cloned()
        .ok_or("the fire_safety checklist is not installed")?;
    let photo = data::SITE_PHOTO;
    let hash = gridkeeper_core::store::blob_hash(photo);
    let mut answers = data::passing_answers(&template, &hash, rng);
    answers["ebike_indoor"] = json!("fail");
    let id = create(
        phone,
        Kind::Inspection,
        grid,
        json!({"template_id": "fire_safety", "template_version": 1, "subject": {"kind": "place", "id": place.to_string()}, "answers": answers}),
    )?;
    let err = |e: gridkeeper_core::Error| format!("{}: {e}", phone.label);
    phone
        .store
        .raise_case_for_item(id, "ebike_indoor", "楼道内电动车充电，已要求立即移出")
        .map_err(err)?;
    phone
        .store
        .patch_json(id, &json!({"status": "completed"}))
        .map_err(|e| format!("{}: {e}", phone.label))?;
    Ok(())
}

/// Prints what was seeded and how to look at it.
pub fn print_report(report: &Report, seeding: &Seeding, server: &str, opts: &DemoOptions) {
    let total: usize = report.records.values().sum();
    println!();
    println!(
        "demo: seeded {} ({} communities, {} grids) in {:.1} s through {} phone syncs",
        STREET.1,
        COMMUNITIES.len(),
        COMMUNITIES.len() * 2,
        report.elapsed.as_secs_f64(),
        report.syncs
    );
    let per_kind: Vec<String> = report
        .records
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!(
        "demo: {total} records on the server: {}",
        per_kind.join(", ")
    );
    println!(
        "demo: {} changes pushed; {} records edited on two devices at once show a conflict",
        report.changes_pushed, report.conflicted_records
    );
    println!(
        "demo: the supervisors gave {} tasks, dispatched {} cases to handling parties and reviewed {} households",
        report.office.tasks, report.office.dispatched, report.office.reviewed
    );
    if let Some((grid, waiting)) = &report.offline {
        println!("demo: grid {grid}'s phone is still offline with {waiting} changes waiting");
    }
    println!(
        "demo: the simulated phones are in {} (open one with `gk --db FILE …`)",
        opts.devices_dir.display()
    );
    println!("demo: enrol your own device with a one-time code (valid 72 h):");
    for (user, role, code) in &seeding.for_you {
        println!("    {user} ({role}): {code}");
    }
    if let Some((_, _, code)) = seeding.for_you.first() {
        println!(
            "demo: e.g. gk --db my.db init && gk --db my.db enroll --server {server} --code {code} && gk --db my.db sync"
        );
    }
    if !seeding.web_sign_ins.is_empty() {
        println!("demo: sign in to the web pages at {server}/login (passwords shown once):");
        for (user, role, password) in &seeding.web_sign_ins {
            println!("    {user} ({role}, web): {password}");
        }
    }
}

/// Runs the whole demo on its own thread once the server is listening: the seeding is
/// blocking code and must not hold a runtime worker.
pub fn spawn(seeding: Seeding, server: String, opts: DemoOptions) {
    std::thread::spawn(move || match run(&seeding, &server, &opts) {
        Ok(report) => {
            print_report(&report, &seeding, &server, &opts);
            println!("{READY}: {server}");
        }
        Err(e) => {
            // On stdout too, where whoever waits for the ready line is reading.
            println!("demo: seeding failed: {e}");
            tracing::error!(error = %e, "demo seeding failed");
        }
    });
}
