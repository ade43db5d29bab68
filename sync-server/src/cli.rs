//! The command line of `gridkeeper-server`: serve the relay, or administer it (`admin …`) on
//! the same data. In the library so that test harnesses can build the same program.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::admin;
use crate::demo::DemoOptions;
use crate::rate_limit::RateLimit;
use crate::server::{self, Database};
use crate::storage::Role;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "gridkeeper-server", version, about = "Gridkeeper relay server")]
struct Cli {
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:8080", global = true)]
    listen: SocketAddr,
    /// Directory of the embedded SQLite database.
    #[arg(long, default_value = "gridkeeper-data", global = true)]
    data: PathBuf,
    /// Use PostgreSQL instead (postgres://user@host:port/db).
    #[arg(long, env = "GRIDKEEPER_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Requests per second each device may keep up.
    #[arg(long, default_value_t = 20.0, global = true)]
    rate: f64,
    /// Requests a device may make at once.
    #[arg(long, default_value_t = 60.0, global = true)]
    burst: f64,
    /// When browser cookies are marked Secure: `on` (always), `off` (plain HTTP on a LAN),
    /// `auto` (always, unless listening on loopback — then when the reverse proxy in front
    /// sends `X-Forwarded-Proto: https`).
    #[arg(long, default_value = "auto", global = true, value_parser = ["auto", "on", "off"])]
    secure_cookies: String,
    /// On an empty server, seed a demo street through simulated phones after starting.
    #[arg(long, global = true)]
    demo: bool,
    /// Households across the demo street.
    #[arg(long, default_value_t = 2000, global = true)]
    demo_households: usize,
    /// Seed of the demo's data: the same seed, the same street.
    #[arg(long, default_value_t = 20_240_601, global = true)]
    demo_seed: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the API (what runs when no command is given).
    Serve,
    /// Manage grids, users, enrolment codes and devices.
    Admin {
        #[command(subcommand)]
        what: Admin,
    },
}

#[derive(Subcommand, Debug)]
enum Admin {
    /// The grid tree: street → community → grid.
    Grid {
        #[command(subcommand)]
        what: GridCmd,
    },
    User {
        #[command(subcommand)]
        what: UserCmd,
    },
    /// Print a one-time code that enrols one device of USER.
    EnrollCode {
        user: String,
        /// Hours until the code expires.
        #[arg(long, default_value_t = admin::DEFAULT_CODE_HOURS)]
        hours: i64,
    },
    /// Print an API token for a supervisor or administrator (no phone needed).
    Token { user: String },
    Device {
        #[command(subcommand)]
        what: DeviceCmd,
    },
    /// Rewrite every record's report rows from the stored documents.
    RebuildReports,
    /// Rescue files: a phone's unsynced work carried in without a network.
    Rescue {
        #[command(subcommand)]
        what: RescueCmd,
    },
    /// Erase personal data (PIPL): re-issue RECORD without the named fields, or remove it
    /// whole; every phone purges its copy at its next sync.
    Erase {
        record: String,
        /// A field path to erase, e.g. `members[id=…].id_number`; repeat for several.
        #[arg(long = "field")]
        fields: Vec<String>,
        /// Remove the whole record instead.
        #[arg(long)]
        whole: bool,
        /// Why (legal ground, ticket): kept in the audit log.
        #[arg(long)]
        reason: String,
        /// The administrator carrying it out (a user of role admin), for the audit log.
        #[arg(long)]
        by: String,
    },
    /// The erasure audit log: who erased which record, when and why (never what).
    Erasures,
    /// Move a household or place to another grid: it lives on there under a new id, and the
    /// old grid's phones purge it at their next sync.
    Move {
        record: String,
        /// The grid it moves to.
        #[arg(long)]
        to: String,
        /// Why (the family moved, the boundary was redrawn): kept with the move.
        #[arg(long)]
        reason: String,
        /// The administrator carrying it out (a user of role admin).
        #[arg(long)]
        by: String,
    },
    /// Every move between grids: when, who, old id and grid, new id and grid, why.
    Moves,
    /// Add a handling party (a department, the property manager, a police station) to whom
    /// the cases of NODE and the grids below it may be dispatched.
    Party { node: String, name: String },
    /// The handling parties, by node.
    Parties,
    /// Retention policy: set it, see what it would erase (dry run), then apply it.
    Retention {
        #[command(subcommand)]
        what: RetentionCmd,
    },
    /// The handover audit log: revocations and grid reassignments.
    Handovers,
    /// The office's ledgers (台账): list, show or change a ledger's columns, export one.
    Ledger {
        #[command(subcommand)]
        what: crate::ledgers::cli::LedgerCmd,
    },
}

#[derive(Subcommand, Debug)]
enum RetentionCmd {
    /// Replace the policy; a rule left out keeps that kind for ever. Erases nothing.
    Set {
        /// Erase visits older than this many years.
        #[arg(long)]
        visit_years: Option<u32>,
        /// Erase inspections older than this many years.
        #[arg(long)]
        inspection_years: Option<u32>,
        /// Erase cases closed more than this many years ago (open cases are kept).
        #[arg(long)]
        closed_case_years: Option<u32>,
        /// The administrator setting it (a user of role admin).
        #[arg(long)]
        by: String,
    },
    /// Print the policy in force.
    Show,
    /// The dry run: counts per kind and grid, then the record ids the policy would erase now.
    Plan,
    /// Erase what the policy names now, if it is still the number of records the dry run
    /// printed (`--expect`); otherwise nothing is erased.
    Apply {
        #[arg(long)]
        expect: u64,
        /// The administrator carrying it out (a user of role admin), for the audit log.
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand, Debug)]
enum RescueCmd {
    /// Take the work in FILE (written by `gk rescue write`) as if the phone had synced.
    Import { file: PathBuf },
}

#[derive(Subcommand, Debug)]
enum GridCmd {
    Add {
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        parent: Option<String>,
        /// The node's standard grid code: 6 digits for a county (GB/T 2260), 9 a street, 12 a
        /// community, 15 a grid; a coded parent's code plus 3 digits.
        #[arg(long)]
        code: Option<String>,
    },
    /// Every node: id, parent, name, code.
    List,
    /// Set or change the standard grid code of node ID.
    Code { id: String, code: String },
    /// Add the nodes of a CSV of codes and names (header 编码,名称 or code,name); parents
    /// come from the code prefixes, a new node's id is its code. Nothing is added unless the
    /// whole file is good.
    Import { file: PathBuf },
    /// Hand GRID to worker TO (and take it from worker FROM), audited. Refused while a
    /// phone of FROM reported unsynced work, unless --force.
    Reassign {
        grid: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        from: Option<String>,
        /// Why (a worker leaving, grids redrawn): kept in the audit log.
        #[arg(long)]
        reason: String,
        /// The administrator carrying it out (a user of role admin).
        #[arg(long)]
        by: String,
        /// Hand over even though the old worker's phone holds unsynced work.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
enum UserCmd {
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Grid-tree nodes, comma-separated.
        #[arg(long, value_delimiter = ',')]
        scope: Vec<String>,
    },
    List,
    /// Set the web sign-in password of a supervisor or administrator (read from standard
    /// input, one line, unless GK_PASSWORD is set).
    Passwd {
        name: String,
        #[arg(long, env = "GK_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum DeviceCmd {
    /// Every device: id, user id, state, enrolled, last seen, then (for handover) pending
    /// changes, oldest pending since, last change sent (grid:position at time).
    List,
    /// What one device sent last and holds unsynced, in words, before revoking it.
    Show { device: String },
    /// Refuse the device's token from now on; what it sent last stays visible.
    Revoke { device: String },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "role is worker, supervisor or admin".to_string())
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GRIDKEEPER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let storage = Database::choose(&cli.data, cli.database_url.as_deref())
        .open()
        .await?;
    let rate = RateLimit {
        burst: cli.burst,
        per_second: cli.rate,
    };
    let demo = cli.demo.then(|| DemoOptions {
        households: cli.demo_households,
        seed: cli.demo_seed,
        devices_dir: match &cli.database_url {
            None => cli.data.join("demo-devices"),
            Some(_) => std::env::temp_dir().join("gridkeeper-demo-devices"),
        },
    });
    let what = match cli.command {
        None | Some(Command::Serve) => {
            let cookies =
                crate::web::cookies::CookieSecurity::choose(&cli.secure_cookies, cli.listen)
                    .ok_or("--secure-cookies is auto, on or off")?;
            return server::serve(storage, cli.listen, rate, cookies, demo).await;
        }
        Some(Command::Admin { what }) => what,
    };
    let fail = |e: crate::error::ApiError| e.message;
    match what {
        Admin::Grid {
            what:
                GridCmd::Add {
                    id,
                    name,
                    parent,
                    code,
                },
        } => {
            let grid = crate::storage::Grid { id, name, parent };
            let g = crate::grid_codes::add_grid(&storage, grid, code.as_deref(), "console")
                .await
                .map_err(fail)?;
            println!("added {}", g.grid.id);
        }
        Admin::Grid {
            what: GridCmd::List,
        } => {
            let grids = crate::grid_codes::coded_grids(storage.as_ref())
                .await
                .map_err(|e| e.to_string())?;
            for g in grids {
                let (g, code) = (g.grid, g.code);
                println!(
                    "{}\t{}\t{}\t{}",
                    g.id,
                    g.parent.unwrap_or_default(),
                    g.name,
                    code.unwrap_or_default()
                );
            }
        }
        Admin::Grid {
            what: GridCmd::Code { id, code },
        } => {
            crate::grid_codes::set_code(&storage, &id, &code, "console")
                .await
                .map_err(fail)?;
            println!("{id} now has code {code}");
        }
        Admin::Grid {
            what: GridCmd::Import { file },
        } => return crate::grid_import::import_file(&storage, &file).await,
        Admin::User {
            what: UserCmd::Add { name, role, scope },
        } => {
            let u = admin::add_user(&storage, &name, role, &scope)
                .await
                .map_err(fail)?;
            println!("added user {} ({})", u.id, u.role.as_str());
        }
        Admin::User {
            what: UserCmd::List,
        } => {
            for u in storage.users().await.map_err(|e| e.to_string())? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.id,
                    u.name,
                    u.role.as_str(),
                    u.scope.join(",")
                );
            }
        }
        Admin::User {
            what: UserCmd::Passwd { name, password },
        } => {
            let user = admin::find_user(&storage, &name).await.map_err(fail)?;
            if user.role == crate::storage::Role::Worker {
                return Err("grid workers sign in on their phones, not on the web".into());
            }
            let password = match password {
                Some(p) => p,
                None => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .map_err(|e| format!("reading the password: {e}"))?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            if password.chars().count() < crate::web::password::MIN_LENGTH {
                return Err(format!(
                    "a password needs at least {} characters",
                    crate::web::password::MIN_LENGTH
                ));
            }
            crate::web::password::set(storage.as_ref(), &user.id, &password, &admin::now())
                .await
                .map_err(|e| e.to_string())?;
            println!("password set for {}", user.name);
        }
        Admin::EnrollCode { user, hours } => {
            let (code, expires) = admin::issue_enroll_code(&storage, &user, hours)
                .await
                .map_err(fail)?;
            println!("{code}");
            eprintln!("one-time code; expires {expires}");
        }
        Admin::Token { user } => {
            println!(
                "{}",
                admin::console_token(&storage, &user).await.map_err(fail)?
            );
        }
        Admin::Device {
            what: DeviceCmd::List,
        } => {
            let handover = crate::handover::devices(storage.as_ref())
                .await
                .map_err(|e| e.to_string())?;
            for d in storage.devices().await.map_err(|e| e.to_string())? {
                let state = if d.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                // Appended after the older columns, so scripts reading those still work.
                let h = handover.iter().find(|h| h.device_id == d.id);
                let pending = h.and_then(|h| h.pending.as_ref());
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    d.id,
                    d.user_id,
                    state,
                    d.created_at,
                    d.last_seen.unwrap_or_else(|| "never".into()),
                    pending.map_or("unreported".into(), |p| p.changes.to_string()),
                    pending
                        .and_then(|p| p.oldest_since.clone())
                        .unwrap_or_else(|| "-".into()),
                    h.and_then(|h| h.last_change.as_ref())
                        .map_or("-".into(), |c| format!("{}:{} at {}", c.grid, c.seq, c.at)),
                );
            }
        }
        Admin::Device {
            what: DeviceCmd::Show { device },
        } => {
            let d = crate::handover::device(storage.as_ref(), &device)
                .await
                .map_err(fail)?;
            print_handover(&d);
        }
        Admin::Device {
            what: DeviceCmd::Revoke { device },
        } => {
            let d = crate::handover::revoke(&storage, &device, "console")
                .await
                .map_err(fail)?;
            println!("revoked {device}");
            print_handover(&d);
        }
        Admin::Grid {
            what:
                GridCmd::Reassign {
                    grid,
                    to,
                    from,
                    reason,
                    by,
                    force,
                },
        } => {
            let by = admin_user(&storage, &by).await?;
            let req = crate::handover::Reassign {
                grid,
                to,
                from,
                reason,
                force,
            };
            let done = crate::handover::reassign(&storage, &by, &req)
                .await
                .map_err(fail)?;
            println!(
                "grid {} now in the scope of {} ({})",
                done.grid,
                done.to.name,
                done.to.scope.join(",")
            );
            if let Some(u) = &done.from {
                println!("{} keeps: {}", u.name, u.scope.join(","));
            }
            for d in &done.old_devices {
                print_handover(d);
            }
            println!(
                "the new worker's phone pulls the grid after enrolling: admin enroll-code {}",
                done.to.name
            );
        }
        Admin::Handovers => {
            for a in crate::handover::log(storage.as_ref())
                .await
                .map_err(|e| e.to_string())?
            {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\tpending {}",
                    a.at,
                    a.by,
                    a.action,
                    a.device_id.unwrap_or_default(),
                    a.grid.unwrap_or_default(),
                    a.from_user.unwrap_or_default(),
                    a.to_user.unwrap_or_default(),
                    a.reason,
                    a.pending_changes
                );
            }
        }
        Admin::Retention { what } => retention(&storage, what).await?,
        Admin::Ledger { what } => crate::ledgers::cli::run(&storage, what).await?,
        Admin::Erase {
            record,
            fields,
            whole,
            reason,
            by,
        } => {
            let user = admin_user(&storage, &by).await?;
            let req = crate::erasure::EraseRequest {
                record_id: record,
                fields,
                whole,
                reason,
            };
            let a = crate::erasure::erase(&storage, &user, &req)
                .await
                .map_err(fail)?;
            println!(
                "erased {} {} of record {} in grid {} (feed position {})",
                if a.whole {
                    "the whole record"
                } else {
                    "fields"
                },
                a.fields.join(", "),
                a.record_id,
                a.grid,
                a.seq
            );
        }
        Admin::Move {
            record,
            to,
            reason,
            by,
        } => {
            let user = admin_user(&storage, &by).await?;
            let req = crate::moves::MoveRequest {
                record_id: record,
                to_grid: to,
                reason,
            };
            let m = crate::moves::move_record(&storage, &crate::moves::as_admin(user), &req)
                .await
                .map_err(fail)?;
            println!(
                "moved record {} from grid {} to grid {}: it is now record {}",
                m.from_record, m.from_grid, m.to_grid, m.to_record
            );
        }
        Admin::Party { node, name } => {
            crate::dispatch::add_party(&storage, &crate::dispatch::Party { node, name })
                .await
                .map_err(fail)?;
        }
        Admin::Parties => {
            let nodes = storage
                .grids()
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|g| g.id)
                .collect();
            for p in crate::dispatch::parties(storage.as_ref(), &nodes)
                .await
                .map_err(fail)?
            {
                println!("{}\t{}", p.node, p.name);
            }
        }
        Admin::Moves => {
            let user = crate::storage::User {
                id: String::new(),
                name: String::new(),
                role: crate::storage::Role::Admin,
                scope: Vec::new(),
            };
            let all = crate::moves::log(&storage, &crate::moves::as_admin(user))
                .await
                .map_err(fail)?;
            for m in all {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    m.moved_at,
                    m.moved_by,
                    m.kind,
                    m.from_grid,
                    m.from_record,
                    m.to_grid,
                    m.to_record,
                    m.reason
                );
            }
        }
        Admin::Erasures => {
            let grids: Vec<String> = storage
                .grids()
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|g| g.id)
                .collect();
            for a in crate::erasure::log(&storage, &grids).await.map_err(fail)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    a.erased_at,
                    a.erased_by,
                    a.grid,
                    a.record_id,
                    if a.whole {
                        "whole".to_string()
                    } else {
                        a.fields.join(",")
                    },
                    a.kind,
                    a.reason
                );
            }
        }
        Admin::RebuildReports => {
            let n = crate::reports::rebuild::rebuild(storage.as_ref())
                .await
                .map_err(|e| e.to_string())?;
            println!("rebuilt the report rows of {n} records");
        }
        Admin::Rescue {
            what: RescueCmd::Import { file },
        } => {
            let size = std::fs::metadata(&file)
                .map_err(|e| format!("reading the rescue file: {}", e.kind()))?
                .len();
            if size > gridkeeper_core::rescue::MAX_FILE_BYTES as u64 {
                return Err(format!(
                    "the rescue file is larger than {} bytes",
                    gridkeeper_core::rescue::MAX_FILE_BYTES
                ));
            }
            let bytes = std::fs::read(&file)
                .map_err(|e| format!("reading the rescue file: {}", e.kind()))?;
            let state = crate::app::AppState::new(storage, crate::app::Limits::default(), rate);
            let s = crate::rescue::import(&state, "console", &bytes)
                .await
                .map_err(|e| format!("{} ({})", e.message, e.code))?;
            println!(
                "device {}: {} of {} changes accepted, {} attachments stored, {} already held",
                s.device_id, s.accepted, s.changes, s.blobs_stored, s.blobs_held
            );
            for (code, n) in &s.rejected {
                println!("refused {n} changes: {code}");
            }
            for (code, n) in &s.blobs_rejected {
                println!("refused {n} attachments: {code}");
            }
        }
    }
    Ok(())
}

/// The administrator named by `--by`, for the audit log of what the command does.
async fn admin_user(
    storage: &std::sync::Arc<dyn crate::storage::Storage>,
    by: &str,
) -> Result<crate::storage::User, String> {
    let user = admin::find_user(storage, by).await.map_err(|e| e.message)?;
    if user.role != Role::Admin {
        return Err(format!("{by} is not an administrator"));
    }
    Ok(user)
}

fn print_handover(d: &crate::handover::DeviceHandover) {
    println!("{} ({}): {}", d.device_id, d.user, d.summary(false));
    if let Some(c) = &d.last_change {
        println!(
            "  last change sent: grid {} position {} (record {}) at {}",
            c.grid, c.seq, c.record_id, c.at
        );
    }
    if let Some(p) = &d.pending {
        println!(
            "  reported at {}; oldest unsynced since {}",
            p.reported_at,
            p.oldest_since.as_deref().unwrap_or("-")
        );
    }
}

async fn retention(
    storage: &std::sync::Arc<dyn crate::storage::Storage>,
    what: RetentionCmd,
) -> Result<(), String> {
    let fail = |e: crate::error::ApiError| format!("{} ({})", e.message, e.code);
    match what {
        RetentionCmd::Set {
            visit_years,
            inspection_years,
            closed_case_years,
            by,
        } => {
            let by = admin_user(storage, &by).await?;
            let p = crate::retention::Policy {
                visit_years,
                inspection_years,
                closed_case_years,
            };
            crate::retention::set_policy(storage.as_ref(), &by, &p)
                .await
                .map_err(fail)?;
            println!("retention policy set: {}", serde_json::json!(p));
        }
        RetentionCmd::Show => {
            let p = crate::retention::policy(storage.as_ref())
                .await
                .map_err(fail)?;
            println!(
                "{}\tset by {}\tat {}",
                serde_json::json!(p.policy),
                p.set_by.unwrap_or_else(|| "-".into()),
                p.set_at.unwrap_or_else(|| "-".into())
            );
        }
        RetentionCmd::Plan => {
            let plan = crate::retention::plan(storage.as_ref(), chrono::Utc::now())
                .await
                .map_err(fail)?;
            println!(
                "dry run as of {}: {} records would be erased ({} undated kept)",
                plan.as_of,
                plan.records.len(),
                plan.undated
            );
            for (kind, cutoff) in &plan.cutoffs {
                println!("rule\t{kind}\tbefore {cutoff}");
            }
            for c in &plan.counts {
                println!("count\t{}\t{}\t{}", c.kind, c.grid, c.records);
            }
            for d in &plan.records {
                println!("record\t{}\t{}\t{}", d.kind, d.grid, d.record_id);
            }
            println!(
                "to erase them: admin retention apply --expect {} --by ADMIN",
                plan.records.len()
            );
        }
        RetentionCmd::Apply { expect, by } => {
            let by = admin_user(storage, &by).await?;
            let a = crate::retention::apply(storage, &by, expect)
                .await
                .map_err(fail)?;
            println!("erased {} records ({} already gone)", a.erased, a.skipped);
            for c in &a.counts {
                println!("count\t{}\t{}\t{}", c.kind, c.grid, c.records);
            }
        }
    }
    Ok(())
}
