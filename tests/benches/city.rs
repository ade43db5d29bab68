//! A city at the morning peak (issue 21): 10,000 simulated phones syncing within a minute
//! against 2–4 relay processes on one PostgreSQL, on loopback. Prints per-sync latency
//! (p50/p99/max), the CPU time of the relays and of the PostgreSQL server, and checks the
//! feed at that scale: every change a relay acknowledged appears exactly once in the feed,
//! none missing, none duplicated, none that no phone sent.
//!
//! `scripts/with-postgres cargo bench -p gridkeeper-tests --bench city`
//! (without PostgreSQL it says SKIPPED and exits 0; `GK_REQUIRE_POSTGRES=1` makes that an
//! error). Knobs: `GK_CITY_PHONES` (10000), `GK_CITY_RELAYS` (3, 2–4), `GK_CITY_ROUNDS`
//! (mornings, 3), `GK_CITY_SECS` (the arrival window of a morning, 60), `GK_CITY_INFLIGHT`
//! (most syncs in flight at once, 1000), `GK_CITY_SEED`, `GK_RELAY_BIN` (the relay binary to
//! start, by default the one built with this bench).
//!
//! The phones are not core stores: 10,000 SQLite stores would measure this process, not the
//! relays. Each phone is an Automerge actor enrolled as a device, whose records are built
//! with core's own code (`Kind::ops().prepare`, `record::new_document`), and a sync is one
//! `POST /v1/sync` in the wire format the app sends (push, pull from its cursor,
//! `templates_seq`, `written`, `unsynced`), over one shared HTTP connection pool as in the
//! relay bench. Users, grids and devices are written through the relay's `Storage` directly:
//! enrolment reads the whole grid tree per phone and is not what this measures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT, ReadDoc};
use gridkeeper_core::policy::Policies;
use gridkeeper_core::record::{self, Context, Envelope};
use gridkeeper_core::wire::{self, DocPush, PullCursor, SyncRequest, SyncResponse, Unsynced};
use gridkeeper_core::{Kind, RecordId};
use gridkeeper_server::storage::{Device, Grid, NewDevice, Role, User};
use gridkeeper_tests::relay::{Backend, Relay, postgres_database};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_relay");
/// Grids per street in the made-up tree (a street office has some 100–200 grids).
const GRIDS_PER_STREET: usize = 150;

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

struct Config {
    phones: usize,
    relays: usize,
    rounds: usize,
    secs: f64,
    inflight: usize,
    seed: u64,
}

/// One simulated phone: a worker's device, the records it made, what it was told.
struct Phone {
    grid: usize,
    user: String,
    token: String,
    actor: ActorId,
    households: Vec<(RecordId, AutoCommit)>,
    cursor: String,
    written: u64,
    /// Hashes of the changes the relays accepted from this phone.
    acked: Vec<String>,
    /// Hashes of every change its pulls brought (others' changes: the feed leaves out a
    /// device's own), in order, duplicates kept so the check can see them.
    received: Vec<String>,
    /// Its last pull said there was more.
    more: bool,
}

/// A new record of `kind` by `phone`, as the app builds one: (push, the document).
fn new_record(phone: &Phone, kind: Kind, grid: &str, data: Value) -> (DocPush, AutoCommit) {
    let ctx = Context::new(
        chrono::Utc::now(),
        Some(phone.user.clone()),
        Policies::default(),
    );
    let ops = kind.ops();
    let data = ops.prepare(data, &ctx).unwrap();
    let env = Envelope {
        id: RecordId::new(),
        kind,
        grid: grid.to_string(),
        schema_version: ops.schema_version(),
        archived: false,
        created_at: ctx.now_text(),
    };
    let mut doc =
        record::new_document(&env, &data, ops.text_fields(), phone.actor.clone()).unwrap();
    doc.commit();
    let change = doc.get_last_local_change().unwrap().raw_bytes().to_vec();
    let push = DocPush {
        record_id: env.id.to_string(),
        kind: kind.as_str().to_string(),
        grid: grid.to_string(),
        changes: vec![change.into()],
    };
    (push, doc)
}

fn grid_id(g: usize) -> String {
    format!("g{g:05}")
}

/// Phone `i`'s grid: the first half of the phones in grids of two workers, the rest alone —
/// a grid has one or two workers. 10,000 phones make 7,500 grids.
fn grid_of(i: usize, phones: usize) -> usize {
    let pairs = phones / 2;
    if i < pairs {
        i / 2
    } else {
        pairs.div_ceil(2) + (i - pairs)
    }
}

/// CPU seconds (user + system) of a process, and with `children` of its reaped children too.
fn proc_cpu(pid: u32, children: bool) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let f: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let n = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let mut ticks = n(11) + n(12);
    if children {
        ticks += n(13) + n(14);
    }
    Some(ticks / 100.0)
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')')
        .next()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU seconds of the whole PostgreSQL server: the postmaster with every child it reaped
/// (backends of closed connections), plus the children alive now (pooled connections,
/// background writer, WAL writer, autovacuum).
fn pg_cpu(postmaster: u32) -> Option<f64> {
    let mut total = proc_cpu(postmaster, true)?;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if parent_of(pid) == Some(postmaster) {
            total += proc_cpu(pid, false).unwrap_or(0.0);
        }
    }
    Some(total)
}

fn vm_hwm_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn hash_of(bytes: &[u8]) -> String {
    automerge::Change::from_bytes(bytes.to_vec())
        .expect("a change from the feed")
        .hash()
        .to_string()
}

/// The database's own view: commits and rollbacks so far, and the postmaster's pid when the
/// server runs on this machine and its data directory is readable.
async fn pg_stats(client: &tokio_postgres::Client) -> (i64, i64) {
    let row = client
        .query_one(
            "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

async fn postmaster_pid(client: &tokio_postgres::Client) -> Option<u32> {
    let row = client.query_one("SHOW data_directory", &[]).await.ok()?;
    let dir: String = row.get(0);
    let text = std::fs::read_to_string(format!("{dir}/postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

struct RoundFigures {
    p50: f64,
    p99: f64,
    max: f64,
    service_p99: f64,
    wall: f64,
    relay_cpu: Vec<f64>,
    pg_cpu: Option<f64>,
    own_cpu: f64,
    commits: i64,
    rollbacks: i64,
    changes: usize,
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench --no-run` style probes
    }
    let cfg = Config {
        phones: env_num("GK_CITY_PHONES", 10_000),
        relays: env_num("GK_CITY_RELAYS", 3),
        rounds: env_num("GK_CITY_ROUNDS", 3),
        secs: env_num("GK_CITY_SECS", 60.0),
        inflight: env_num("GK_CITY_INFLIGHT", 1000),
        seed: env_num("GK_CITY_SEED", 20_261_208),
    };
    assert!(
        (2..=4).contains(&cfg.relays),
        "GK_CITY_RELAYS must be 2–4 (relay processes on one database)"
    );
    assert!(cfg.phones >= 2 && cfg.rounds >= 1 && cfg.secs > 0.0 && cfg.inflight >= 1);
    // Before the runtime: it runs one of its own.
    let Some(url) = postgres_database("gk_city").unwrap() else {
        return; // said SKIPPED
    };
    let bound = Duration::from_secs_f64(cfg.secs * (cfg.rounds as f64 + 2.0) + 600.0);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // Bounded in time: a relay that stops answering must not leave the bench running.
    let outcome = runtime.block_on(async { tokio::time::timeout(bound, run(&cfg, &url)).await });
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            eprintln!("FAILED: {e}");
            std::process::exit(1);
        }
        Err(_) => {
            eprintln!("FAILED: not done within {} s", bound.as_secs());
            std::process::exit(1);
        }
    }
}

async fn run(cfg: &Config, url: &str) -> Result<(), String> {
    let (pg, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let version: String = pg
        .query_one("SHOW server_version", &[])
        .await
        .map_err(|e| e.to_string())?
        .get(0);
    let mut settings = Vec::new();
    for name in [
        "max_connections",
        "fsync",
        "synchronous_commit",
        "shared_buffers",
    ] {
        let v: String = pg
            .query_one(&format!("SHOW {name}"), &[])
            .await
            .map_err(|e| e.to_string())?
            .get(0);
        settings.push(format!("{name}={v}"));
    }
    let postmaster = postmaster_pid(&pg).await;

    // The relays, each its own process on the one database; the first creates the schema.
    // `GK_RELAY_BIN` names a copy of the binary, for a target directory other builds share.
    let bin = std::env::var("GK_RELAY_BIN").unwrap_or_else(|_| BIN.to_string());
    let mut relays = Vec::new();
    for _ in 0..cfg.relays {
        relays.push(Relay::start(&bin, Backend::Postgres(url.to_string()))?);
    }
    let urls: Vec<String> = relays
        .iter()
        .map(|r| format!("{}/v1/sync", r.url()))
        .collect();
    println!(
        "city: {} phones, {} relay processes, PostgreSQL {version} ({}), {} mornings of {} s, at most {} syncs in flight; {} cores",
        cfg.phones,
        cfg.relays,
        settings.join(", "),
        cfg.rounds,
        cfg.secs,
        cfg.inflight,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );

    // The city: one root, streets of 150 grids, grids of one or two workers.
    let t = Instant::now();
    let storage = gridkeeper_server::storage::postgres::open(url)
        .await
        .map_err(|e| e.to_string())?;
    let grids = grid_of(cfg.phones - 1, cfg.phones) + 1;
    let streets = grids.div_ceil(GRIDS_PER_STREET);
    storage
        .add_grid(&Grid {
            id: "city".into(),
            name: "市".into(),
            parent: None,
        })
        .await
        .map_err(|e| e.to_string())?;
    for s in 0..streets {
        storage
            .add_grid(&Grid {
                id: format!("s{s:03}"),
                name: format!("街道{s}"),
                parent: Some("city".into()),
            })
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut phones: Vec<Phone> = (0..cfg.phones)
        .map(|i| Phone {
            grid: grid_of(i, cfg.phones),
            user: format!("w{i:05}"),
            token: gridkeeper_server::auth::new_token(),
            actor: ActorId::random(),
            households: Vec::new(),
            cursor: "0".into(),
            written: 0,
            acked: Vec::new(),
            received: Vec::new(),
            more: false,
        })
        .collect();
    let sup_token = gridkeeper_server::auth::new_token();
    let sup_actor = ActorId::random();
    let mut writes = tokio::task::JoinSet::new();
    let gate = Arc::new(tokio::sync::Semaphore::new(12));
    for g in 0..grids {
        let (storage, gate) = (storage.clone(), gate.clone());
        writes.spawn(async move {
            let _permit = gate.acquire_owned().await;
            storage
                .add_grid(&Grid {
                    id: grid_id(g),
                    name: format!("网格{g}"),
                    parent: Some(format!("s{:03}", g / GRIDS_PER_STREET)),
                })
                .await
        });
    }
    while let Some(r) = writes.join_next().await {
        r.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    }
    let people: Vec<(String, Role, String, String, ActorId)> = phones
        .iter()
        .map(|p| {
            (
                p.user.clone(),
                Role::Worker,
                grid_id(p.grid),
                p.token.clone(),
                p.actor.clone(),
            )
        })
        .chain(std::iter::once((
            "supervisor".to_string(),
            Role::Supervisor,
            "city".to_string(),
            sup_token.clone(),
            sup_actor.clone(),
        )))
        .collect();
    for (name, role, scope, token, actor) in people {
        let (storage, gate) = (storage.clone(), gate.clone());
        writes.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let user = User {
                id: uuid::Uuid::now_v7().to_string(),
                name,
                role,
                scope: vec![scope],
            };
            storage.add_user(&user).await?;
            storage
                .add_device(&NewDevice {
                    device: Device {
                        id: uuid::Uuid::now_v7().to_string(),
                        user_id: user.id.clone(),
                        actor: Some(actor.to_hex_string()),
                        created_at: gridkeeper_server::admin::now(),
                        last_seen: None,
                        revoked_at: None,
                    },
                    token_hash: gridkeeper_server::auth::hash_secret(&token),
                })
                .await
        });
    }
    while let Some(r) = writes.join_next().await {
        r.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    }
    drop(storage);
    println!(
        "set up {grids} grids in {streets} streets, {} workers and a supervisor of the city in {:.1} s",
        cfg.phones,
        t.elapsed().as_secs_f64()
    );

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(cfg.inflight + 100)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| e.to_string())?;
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let mut figures = Vec::new();
    // Round 0 is yesterday: each phone brings two households it made, as fast as the
    // in-flight bound lets it (not a morning, so not in the medians). Rounds 1.. are mornings.
    for round in 0..=cfg.rounds {
        let bodies: Vec<Vec<u8>> = phones
            .iter_mut()
            .enumerate()
            .map(|(i, p)| wire::encode(&morning_request(p, i, round)))
            .collect();
        let (relay_before, pg_before, own_before, stats_before) = (
            relays
                .iter()
                .map(|r| proc_cpu(r.pid().unwrap(), false).unwrap_or(0.0))
                .collect::<Vec<_>>(),
            postmaster.and_then(pg_cpu),
            proc_cpu(std::process::id(), false).unwrap_or(0.0),
            pg_stats(&pg).await,
        );
        let (latencies, service, replies, wall) = if round == 0 {
            peak(&http, &urls, &phones, bodies, None, cfg, round, &mut rng).await?
        } else {
            peak(
                &http,
                &urls,
                &phones,
                bodies,
                Some(cfg.secs),
                cfg,
                round,
                &mut rng,
            )
            .await?
        };
        let relay_cpu: Vec<f64> = relays
            .iter()
            .zip(&relay_before)
            .map(|(r, b)| proc_cpu(r.pid().unwrap(), false).unwrap_or(0.0) - b)
            .collect();
        let pg_cpu_used = match (postmaster.and_then(pg_cpu), pg_before) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        };
        let own_cpu = proc_cpu(std::process::id(), false).unwrap_or(0.0) - own_before;
        // PostgreSQL 15 backends flush their counts at most once a second, and an idle one
        // only after 10 s: wait that out so the commits are the round's.
        tokio::time::sleep(Duration::from_secs(11)).await;
        let stats_after = pg_stats(&pg).await;
        let mut pushed = 0;
        for (p, body) in phones.iter_mut().zip(replies) {
            pushed += take_reply(p, &body)?;
        }
        let f = RoundFigures {
            p50: percentile(&latencies, 0.5),
            p99: percentile(&latencies, 0.99),
            max: latencies[latencies.len() - 1],
            service_p99: percentile(&service, 0.99),
            wall,
            relay_cpu,
            pg_cpu: pg_cpu_used,
            own_cpu,
            commits: stats_after.0 - stats_before.0,
            rollbacks: stats_after.1 - stats_before.1,
            changes: pushed,
        };
        print_round(round, cfg, &f);
        if round > 0 {
            figures.push(f);
        }
    }

    // After the peak, each phone pulls again (its next sync: what its grid-mate pushed after
    // its morning pull) and on until its feed says nothing more, through the relays in turn;
    // then the feed check.
    let t = Instant::now();
    for p in &mut phones {
        p.more = true;
    }
    for turn in 0.. {
        let waiting: Vec<usize> = (0..phones.len()).filter(|&i| phones[i].more).collect();
        if waiting.is_empty() {
            break;
        }
        if turn > 100 {
            return Err(format!(
                "{} phones still told `more` after 100 pulls",
                waiting.len()
            ));
        }
        for i in waiting {
            let req = pull_request(&phones[i]);
            let body = post(
                &http,
                &urls[(i + turn) % urls.len()],
                &phones[i].token,
                wire::encode(&req),
            )
            .await?;
            take_reply(&mut phones[i], &body)?;
        }
    }
    println!(
        "every phone pulled to the end of its feed in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let problems = feed_check(&http, &urls, &phones, &sup_token, grids).await?;
    println!(
        "feed check ({grids} grids, read whole by a supervisor through the relays in turn; every phone's own pulls): {} in {:.1} s",
        if problems.is_empty() {
            "no change lost, duplicated or unknown".to_string()
        } else {
            format!("{} PROBLEMS", problems.len())
        },
        t.elapsed().as_secs_f64()
    );

    print_summary(cfg, &figures, &relays);
    if !problems.is_empty() {
        for p in problems.iter().take(20) {
            eprintln!("  {p}");
        }
        return Err(format!(
            "the feed check found {} problems (first 20 above)",
            problems.len()
        ));
    }
    Ok(())
}

/// What phone `i` sends on `round`: yesterday (0) two new households; a morning one or two
/// visits to its first household and, on every other phone, an edit of its second.
fn morning_request(p: &mut Phone, i: usize, round: usize) -> SyncRequest {
    let grid = grid_id(p.grid);
    let mut push = Vec::new();
    if round == 0 {
        for r in 0..2 {
            let (dp, doc) = new_record(
                p,
                Kind::Household,
                &grid,
                json!({"address": {"building": format!("{}", i % 40), "room": format!("{}0{r}", 1 + i % 6)}, "members": [{"name": "住户"}]}),
            );
            push.push(dp);
            p.households.push((dp_id(&push), doc));
        }
    } else {
        let subject = p.households[0].0.to_string();
        for v in 0..1 + (i + round) % 2 {
            let (dp, _) = new_record(
                p,
                Kind::Visit,
                &grid,
                json!({"subject": {"kind": "household", "id": subject}, "purpose": "routine", "findings": format!("早上走访 {round}-{v}")}),
            );
            push.push(dp);
        }
        if i % 2 == 1 {
            let (id, doc) = &mut p.households[1];
            // Always a new value: putting the value a field holds makes no change.
            let housing = ["vacant", "rented"][round % 2];
            let data = match doc.get(ROOT, "data").unwrap() {
                Some((automerge::Value::Object(ObjType::Map), data)) => data,
                other => panic!("a household's data is a map, not {other:?}"),
            };
            doc.put(&data, "housing_type", housing).unwrap();
            doc.commit();
            let change = doc.get_last_local_change().unwrap().raw_bytes().to_vec();
            push.push(DocPush {
                record_id: id.to_string(),
                kind: Kind::Household.as_str().into(),
                grid: grid.clone(),
                changes: vec![change.into()],
            });
        }
    }
    let sending: u64 = push.iter().map(|d| d.changes.len() as u64).sum();
    p.written += sending;
    SyncRequest {
        v: wire::VERSION,
        push,
        pull: vec![PullCursor {
            grid,
            cursor: p.cursor.clone(),
            catch_up: Vec::new(),
        }],
        limit: None,
        templates_seq: Some(0),
        actor: None,
        written: Some(p.written),
        unsynced: Some(Unsynced {
            changes: sending,
            uploads: 0,
            drafts: 0,
            refused: 0,
            oldest_age_secs: Some(600),
        }),
    }
}

fn dp_id(push: &[DocPush]) -> RecordId {
    push.last().unwrap().record_id.parse().unwrap()
}

fn pull_request(p: &Phone) -> SyncRequest {
    SyncRequest {
        v: wire::VERSION,
        pull: vec![PullCursor {
            grid: grid_id(p.grid),
            cursor: p.cursor.clone(),
            catch_up: Vec::new(),
        }],
        templates_seq: Some(0),
        written: Some(p.written),
        ..SyncRequest::default()
    }
}

/// Reads a reply into the phone: acknowledged changes, the changes its pull brought, its new
/// cursor. Returns how many changes it had pushed. A refused change is an error: every
/// change here is the phone's own and valid.
fn take_reply(p: &mut Phone, body: &[u8]) -> Result<usize, String> {
    let resp: SyncResponse = wire::decode(body, 1 << 30).map_err(|e| e.to_string())?;
    for r in &resp.results {
        if let Some(rej) = &r.rejected {
            return Err(format!(
                "{}: change {} of {} refused: {} {}",
                p.user, r.hash, r.record_id, rej.code, rej.message
            ));
        }
        p.acked.push(r.hash.clone());
    }
    let feed = resp
        .grids
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: a reply without its grid", p.user))?;
    for doc in &feed.changes {
        for c in &doc.changes {
            p.received.push(hash_of(&c.0));
        }
    }
    p.cursor = feed.cursor;
    p.more = feed.more;
    Ok(resp.results.len())
}

/// One `POST /v1/sync` of an encoded request; the reply's bytes, or what went wrong.
async fn post(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: Vec<u8>,
) -> Result<Vec<u8>, String> {
    let resp = http
        .post(url)
        .bearer_auth(token)
        .header("content-type", wire::CONTENT_TYPE)
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "{url}: {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    Ok(bytes.to_vec())
}

/// One round: every phone sends its body once, to relay `(i + round) % relays` (a load
/// balancer spreading phones; a phone meets another relay than the day before). With `secs`,
/// arrivals are a Poisson process over that window in a random order of phones (open loop:
/// a sync's time counts from when the phone meant to start, so waiting for the in-flight
/// bound counts too); without, all at once behind the bound. Returns latencies and service
/// times in ms (sorted), replies in phone order, and the wall time.
#[allow(clippy::too_many_arguments)]
async fn peak(
    http: &reqwest::Client,
    urls: &[String],
    phones: &[Phone],
    bodies: Vec<Vec<u8>>,
    secs: Option<f64>,
    cfg: &Config,
    round: usize,
    rng: &mut StdRng,
) -> Result<(Vec<f64>, Vec<f64>, Vec<Vec<u8>>, f64), String> {
    let n = phones.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let mut at = vec![0.0; n];
    if let Some(secs) = secs {
        let rate = n as f64 / secs;
        let mut t = 0.0;
        for &i in &order {
            at[i] = t;
            let u: f64 = rng.random_range(f64::EPSILON..1.0);
            t += -u.ln() / rate;
        }
    }
    let gate = Arc::new(tokio::sync::Semaphore::new(cfg.inflight));
    let start = tokio::time::Instant::now() + Duration::from_millis(200);
    let mut tasks = tokio::task::JoinSet::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let (http, gate) = (http.clone(), gate.clone());
        let url = urls[(i + round) % urls.len()].clone();
        let token = phones[i].token.clone();
        let when = start + Duration::from_secs_f64(at[i]);
        tasks.spawn(async move {
            tokio::time::sleep_until(when).await;
            let _permit = gate.acquire_owned().await;
            let sent = Instant::now();
            let bytes = post(&http, &url, &token, body).await?;
            let done = tokio::time::Instant::now();
            Ok::<_, String>((
                i,
                (done - when).as_secs_f64() * 1e3,
                sent.elapsed().as_secs_f64() * 1e3,
                bytes,
            ))
        });
    }
    let mut latencies = Vec::with_capacity(n);
    let mut by_relay = vec![Vec::new(); urls.len()];
    let mut slow = BTreeMap::new();
    let mut service = Vec::with_capacity(n);
    let mut replies = vec![Vec::new(); n];
    let mut failures = Vec::new();
    while let Some(r) = tasks.join_next().await {
        match r.map_err(|e| e.to_string())? {
            Ok((i, lat, svc, body)) => {
                latencies.push(lat);
                by_relay[(i + round) % urls.len()].push(lat);
                // When in the window the slow syncs started, in 10 s slices.
                if lat > 500.0 {
                    let slice = (at[i] / 10.0) as usize;
                    *slow.entry(slice).or_insert(0usize) += 1;
                }
                service.push(svc);
                replies[i] = body;
            }
            Err(e) => failures.push(e),
        }
    }
    let wall = (tokio::time::Instant::now() - start).as_secs_f64();
    if !failures.is_empty() {
        return Err(format!(
            "{} of {n} syncs failed in round {round}; first: {}",
            failures.len(),
            failures[0]
        ));
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let each: Vec<String> = by_relay
        .iter_mut()
        .map(|l| {
            l.sort_by(|a, b| a.total_cmp(b));
            format!("{:.0}", percentile(l, 0.99))
        })
        .collect();
    let slices: Vec<String> = slow
        .iter()
        .map(|(s, n)| format!("{}–{} s: {n}", s * 10, s * 10 + 10))
        .collect();
    println!(
        "  round {round}: p99 by relay {} ms; syncs over 500 ms by when they were due: {}",
        each.join(" / "),
        if slices.is_empty() {
            "none".to_string()
        } else {
            slices.join(", ")
        }
    );
    service.sort_by(|a, b| a.total_cmp(b));
    Ok((latencies, service, replies, wall))
}

/// The cursor-safety test's check at this scale. For every grid, a supervisor (who never
/// pushes, so the feed leaves nothing out for it) reads the whole feed from position 0: it
/// must hold every change a relay acknowledged to a phone of the grid exactly once, and
/// nothing else. Every phone's own pulls — made during the peak, while its grid-mate pushed
/// through another relay — must together have brought each of the grid-mate's acknowledged
/// changes exactly once.
async fn feed_check(
    http: &reqwest::Client,
    urls: &[String],
    phones: &[Phone],
    sup_token: &str,
    grids: usize,
) -> Result<Vec<String>, String> {
    let mut acked: Vec<Vec<&str>> = vec![Vec::new(); grids];
    for p in phones {
        acked[p.grid].extend(p.acked.iter().map(String::as_str));
    }
    let mut problems = Vec::new();
    let mut acked_sets: Vec<HashSet<&str>> = Vec::with_capacity(grids);
    for (g, a) in acked.iter().enumerate() {
        let set: HashSet<&str> = a.iter().copied().collect();
        if set.len() != a.len() {
            problems.push(format!(
                "{}: a change acknowledged twice ({} acknowledgements, {} changes)",
                grid_id(g),
                a.len(),
                set.len()
            ));
        }
        acked_sets.push(set);
    }
    // The supervisor's reads, a few at a time.
    let gate = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = tokio::task::JoinSet::new();
    for g in 0..grids {
        let (http, gate) = (http.clone(), gate.clone());
        let url = urls[g % urls.len()].clone();
        let token = sup_token.to_string();
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let mut cursor = "0".to_string();
            let mut seen = Vec::new();
            loop {
                let req = SyncRequest {
                    v: wire::VERSION,
                    pull: vec![PullCursor {
                        grid: grid_id(g),
                        cursor: cursor.clone(),
                        catch_up: Vec::new(),
                    }],
                    ..SyncRequest::default()
                };
                let body = post(&http, &url, &token, wire::encode(&req)).await?;
                let resp: SyncResponse = wire::decode(&body, 1 << 30).map_err(|e| e.to_string())?;
                let feed = resp
                    .grids
                    .into_iter()
                    .next()
                    .ok_or("no grid in the reply")?;
                for doc in &feed.changes {
                    for c in &doc.changes {
                        seen.push(hash_of(&c.0));
                    }
                }
                cursor = feed.cursor;
                if !feed.more {
                    return Ok::<_, String>((g, seen));
                }
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        let (g, seen) = r.map_err(|e| e.to_string())??;
        let mut count: HashMap<&str, usize> = HashMap::new();
        for h in &seen {
            *count.entry(h.as_str()).or_default() += 1;
        }
        let want = &acked_sets[g];
        let missing = want.iter().filter(|h| !count.contains_key(**h)).count();
        let twice = count.values().filter(|&&n| n > 1).count();
        let unknown = count.keys().filter(|h| !want.contains(**h)).count();
        if missing + twice + unknown > 0 {
            problems.push(format!(
                "{} (supervisor's read): {missing} acknowledged changes missing, {twice} appear more than once, {unknown} no phone sent",
                grid_id(g)
            ));
        }
    }
    // Each phone's pulls against its grid-mates' acknowledged changes.
    let mut by_grid: BTreeMap<usize, Vec<&Phone>> = BTreeMap::new();
    for p in phones {
        by_grid.entry(p.grid).or_default().push(p);
    }
    for mates in by_grid.values() {
        for p in mates {
            let want: HashSet<&str> = mates
                .iter()
                .filter(|m| m.user != p.user)
                .flat_map(|m| m.acked.iter().map(String::as_str))
                .collect();
            let mut count: HashMap<&str, usize> = HashMap::new();
            for h in &p.received {
                *count.entry(h.as_str()).or_default() += 1;
            }
            let missing = want.iter().filter(|h| !count.contains_key(**h)).count();
            let twice = count.values().filter(|&&n| n > 1).count();
            let unknown = count.keys().filter(|h| !want.contains(**h)).count();
            if missing + twice + unknown > 0 {
                problems.push(format!(
                    "{} of {} (its own pulls): {missing} of its grid-mates' changes missing, {twice} received more than once, {unknown} not theirs",
                    p.user,
                    grid_id(p.grid)
                ));
            }
        }
    }
    Ok(problems)
}

fn cpu_text(f: &RoundFigures) -> String {
    let relays: f64 = f.relay_cpu.iter().sum();
    let each: Vec<String> = f.relay_cpu.iter().map(|c| format!("{c:.1}")).collect();
    let pg = f
        .pg_cpu
        .map_or("n/a (not on this machine)".to_string(), |c| {
            format!("{c:.1} s")
        });
    format!(
        "CPU: relays {relays:.1} s ({}), PostgreSQL {pg}, phones' side {:.1} s",
        each.join(" + "),
        f.own_cpu
    )
}

/// The machine's load average over the last minute: other work sharing the cores shows here.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "n/a".into())
}

fn print_round(round: usize, cfg: &Config, f: &RoundFigures) {
    let what = if round == 0 {
        "yesterday (2 new households each, all at once behind the bound)".to_string()
    } else {
        format!("morning {round} (arrivals over {} s)", cfg.secs)
    };
    println!(
        "{what}: {} syncs, {} changes; p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms (p99 from sending: {:.0} ms); all done in {:.1} s; {}; {} commits, {} rollbacks; load average {}",
        cfg.phones,
        f.changes,
        f.p50,
        f.p99,
        f.max,
        f.service_p99,
        f.wall,
        cpu_text(f),
        f.commits,
        f.rollbacks,
        load_average()
    );
}

fn print_summary(cfg: &Config, figures: &[RoundFigures], relays: &[Relay]) {
    let n = cfg.phones as f64;
    let med = |get: &dyn Fn(&RoundFigures) -> f64| median(figures.iter().map(get).collect());
    let relay_ms = med(&|f| f.relay_cpu.iter().sum::<f64>() * 1e3 / n);
    let pg_ms = figures
        .iter()
        .all(|f| f.pg_cpu.is_some())
        .then(|| med(&|f| f.pg_cpu.unwrap_or(0.0) * 1e3 / n));
    let rss: Vec<String> = relays
        .iter()
        .map(|r| format!("{:.0}", vm_hwm_mb(r.pid().unwrap())))
        .collect();
    println!();
    println!(
        "medians of {} mornings ({} phones, {} relays, arrivals over {} s):",
        figures.len(),
        cfg.phones,
        cfg.relays,
        cfg.secs
    );
    println!("| measurement | result |");
    println!("|---|---|");
    println!("| sync p50 | {:.0} ms |", med(&|f| f.p50));
    println!("| sync p99 (target ≤ 500 ms) | {:.0} ms |", med(&|f| f.p99));
    println!("| sync max | {:.0} ms |", med(&|f| f.max));
    println!("| all {} done | {:.1} s |", cfg.phones, med(&|f| f.wall));
    println!("| relay CPU per sync, all relays | {relay_ms:.2} ms |");
    match pg_ms {
        Some(pg) => {
            println!("| PostgreSQL CPU per sync | {pg:.2} ms |");
            println!("| relay ÷ PostgreSQL CPU | {:.2} |", relay_ms / pg);
        }
        None => println!("| PostgreSQL CPU per sync | n/a (server not on this machine) |"),
    }
    println!(
        "| phones' side CPU per sync (this process) | {:.2} ms |",
        med(&|f| f.own_cpu * 1e3 / n)
    );
    println!(
        "| PostgreSQL commits per sync | {:.1} |",
        med(&|f| f.commits as f64 / n)
    );
    println!(
        "| rollbacks in a morning | {:.0} |",
        med(&|f| f.rollbacks as f64)
    );
    println!(
        "| relay peak RSS (each, whole run) | {} MB |",
        rss.join(" / ")
    );
}
