//! Each command: parse what the user typed, call core, print the result.

use std::io::{BufRead, Write};
use std::path::Path;

use gridkeeper_core::exchange::ChangeSet;
use gridkeeper_core::kinds::case::{EscalationLevel, TimelineEntry};
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::{Error, Invalid, Kind, RecordId, Result, Store};
use serde_json::{Value, json};

use crate::args::{Cli, Command};

pub fn run(cli: Cli) -> Result<()> {
    let db = cli.db.as_path();
    match cli.command {
        Command::Init { grid, user } => {
            let mut store = Store::init(db, user.as_deref())?;
            if let Some(g) = grid {
                let g = gridkeeper_core::validate::required("grid", &g)?;
                store.set_meta("default_grid", &g)?;
            }
            println!("{}", store.actor_hex());
        }
        Command::Add {
            kind,
            json,
            grid,
            raise_case,
        } => {
            let mut store = Store::open(db)?;
            let grid = grid_for(&store, grid)?;
            let kind: Kind = kind.parse()?;
            match raise_case {
                Some(case) if kind == Kind::Visit => {
                    let (visit, case) = store.create_visit_raising_case(
                        &grid,
                        parse_json("json", &json)?,
                        parse_json("raise_case", &case)?,
                    )?;
                    println!("{visit}\n{case}");
                }
                Some(_) => {
                    return Err(Invalid::new("raise_case", "only a visit can raise a case").into());
                }
                None => println!(
                    "{}",
                    store.create_json(kind, &grid, parse_json("json", &json)?)?
                ),
            }
        }
        Command::Case {
            id,
            action,
            note,
            reason,
            to,
        } => {
            let action: CaseAction = serde_json::from_value(json!(action)).map_err(|_| Invalid::new("action", "must be one of: accept, start, resolve, verify, close, return, escalate, comment"))?;
            let escalate_to: Option<EscalationLevel> = match to {
                Some(t) => Some(
                    serde_json::from_value(json!(t))
                        .map_err(|_| Invalid::new("to", "must be community or street"))?,
                ),
                None => None,
            };
            let entry = TimelineEntry {
                id: String::new(),
                action,
                at: String::new(),
                by: String::new(),
                note,
                reason,
                escalate_to,
                photos: vec![],
            };
            let state = Store::open(db)?.case_transition(parse_id(&id)?, entry)?;
            println!("{}", state.as_str());
        }
        Command::Agenda { grid, now } => {
            let now = match now {
                Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .map_err(|_| {
                        Invalid::new("now", "must be a time like 2026-11-28T09:00:00+08:00")
                    })?
                    .with_timezone(&chrono::Utc),
                None => chrono::Utc::now(),
            };
            print_json(&json!(Store::open(db)?.agenda(grid.as_deref(), now)?));
        }
        Command::Update { id, json } => {
            let mut store = Store::open(db)?;
            let changed = store.patch_json(parse_id(&id)?, &parse_json("json", &json)?)?;
            println!("{}", if changed { "changed" } else { "unchanged" });
        }
        Command::Get { id, full } => print_json(&Store::open(db)?.get_json(parse_id(&id)?, full)?),
        Command::List {
            kind,
            grid,
            search,
            full,
        } => {
            let rows = Store::open(db)?.list_json(
                kind.parse()?,
                grid.as_deref(),
                search.as_deref(),
                full,
            )?;
            print_json(&Value::Array(rows));
        }
        Command::Search {
            text,
            kind,
            grid,
            limit,
        } => {
            let kind: Option<Kind> = kind.map(|k| k.parse()).transpose()?;
            let hits = Store::open(db)?.search(&text, kind, grid.as_deref(), limit)?;
            print_json(&json!(hits));
        }
        Command::History { id } => print_json(&json!(Store::open(db)?.history(parse_id(&id)?)?)),
        Command::Conflicts { id } => {
            print_json(&json!(Store::open(db)?.conflicts(parse_id(&id)?)?))
        }
        Command::Resolve { id, path, pick } => {
            Store::open(db)?.resolve_conflict(parse_id(&id)?, &path, pick)?;
            println!("resolved");
        }
        Command::Archive { id } => archive(db, &id, true)?,
        Command::Restore { id } => archive(db, &id, false)?,
        Command::Export => println!("{}", Store::open(db)?.export_json()?),
        Command::Heads => print_json(&json!(Store::open(db)?.heads()?)),
        Command::Changes { out, since } => {
            let mut store = Store::open(db)?;
            let since = match since {
                Some(path) => {
                    let text = std::fs::read_to_string(path)?;
                    Some(serde_json::from_str(&text).map_err(|_| {
                        Invalid::new("since", "is not a heads file written by `gk heads`")
                    })?)
                }
                None => None,
            };
            let set = store.changes(since.as_ref())?;
            std::fs::write(&out, set.encode())?;
            println!(
                "{} changes of {} records",
                set.change_count(),
                set.records.len()
            );
        }
        Command::Merge { file } => {
            let bytes = std::fs::read(&file)?;
            let set = if ChangeSet::is_change_file(&bytes) {
                ChangeSet::decode(&bytes)?
            } else if bytes.starts_with(b"SQLite format 3\0") {
                Store::open(&file)?.changes(None)?
            } else {
                return Err(Invalid::new(
                    "file",
                    "is neither a change file nor a Gridkeeper store",
                )
                .into());
            };
            let report = Store::open(db)?.apply_changes(&set)?;
            print_json(
                &json!({"applied": report.applied, "waiting": report.waiting, "changed_records": report.changed_records}),
            );
        }
        Command::Import { kind, jsonl, grid } => import(db, &kind, &jsonl, grid)?,
        Command::Rebuild => println!("{}", Store::open(db)?.rebuild()?),
        Command::Status => {
            let store = Store::open(db)?;
            print_json(&json!({
                "actor": store.actor_hex(),
                "user": store.user(),
                "default_grid": store.meta("default_grid")?,
                "records": store.record_ids(None)?.len(),
                "outbox": store.outbox_len()?,
            }));
        }
    }
    Ok(())
}

fn grid_for(store: &Store, grid: Option<String>) -> Result<String> {
    match grid.or(store.meta("default_grid")?) {
        Some(g) => Ok(g),
        None => Err(Invalid::new(
            "grid",
            "is required: pass --grid or set one with `gk init --grid`",
        )
        .into()),
    }
}

fn archive(db: &Path, id: &str, archived: bool) -> Result<()> {
    let changed = Store::open(db)?.set_archived(parse_id(id)?, archived)?;
    println!("{}", if changed { "changed" } else { "unchanged" });
    Ok(())
}

/// One record per line, each committed before its id is printed: a crash loses at most the
/// line being written, and every printed id is stored.
fn import(db: &Path, kind: &str, path: &Path, grid: Option<String>) -> Result<()> {
    let kind: Kind = kind.parse()?;
    let mut store = Store::open(db)?;
    let grid = grid_for(&store, grid)?;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let stdout = std::io::stdout();
    for (n, line) in file.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let at_line = |e: Invalid| Invalid::new(format!("line {}: {}", n + 1, e.field), e.reason);
        let value = parse_json("json", &line).map_err(at_line)?;
        let id = store.create_json(kind, &grid, value).map_err(|e| match e {
            Error::Invalid(inv) => Error::Invalid(at_line(inv)),
            other => other,
        })?;
        let mut out = stdout.lock();
        writeln!(out, "{id}")?;
        out.flush()?;
    }
    Ok(())
}

fn parse_json(field: &str, text: &str) -> Result<Value, Invalid> {
    serde_json::from_str(text).map_err(|e| {
        Invalid::new(
            field,
            format!(
                "is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })
}

fn parse_id(id: &str) -> Result<RecordId, Invalid> {
    id.parse()
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
