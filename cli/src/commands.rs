//! Each command: parse what the user typed, call core, print the result.

use std::io::BufRead;
use std::path::Path;

use gridkeeper_core::exchange::ChangeSet;
use gridkeeper_core::kinds::case::{EscalationLevel, TimelineEntry};
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::{Error, Invalid, Kind, RecordId, Result, Store};
use serde_json::{Value, json};

use crate::args::{Cli, Command, ListFilter, RescueAction, TemplateAction};
use crate::output::{self, Failure};

pub fn run(cli: Cli) -> Result<(), Failure> {
    let db = cli.db.as_path();
    match cli.command {
        Command::Init { grid, user } => {
            // Checked before the file is created: a refused init leaves nothing behind.
            let grid = grid
                .map(|g| gridkeeper_core::validate::required("grid", &g))
                .transpose()?;
            let mut store = Store::init(db, user.as_deref())?;
            if let Some(g) = grid {
                store.set_meta(gridkeeper_core::sync::DEFAULT_GRID_KEY, &g)?;
            }
            output::line(store.actor_hex())?;
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
                    output::line(visit)?;
                    output::line(case)?;
                }
                Some(_) => {
                    return Err(Invalid::new("raise_case", "only a visit can raise a case").into());
                }
                None => {
                    output::line(store.create_json(kind, &grid, parse_json("json", &json)?)?)?
                }
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
                note,
                reason,
                escalate_to,
                ..TimelineEntry::new(action)
            };
            let state = Store::open(db)?.case_transition(parse_id(&id)?, entry)?;
            output::line(state.as_str())?;
        }
        Command::RaiseCase {
            inspection,
            item,
            description,
        } => {
            output::line(Store::open(db)?.raise_case_for_item(
                parse_id(&inspection)?,
                &item,
                &description,
            )?)?;
        }
        Command::Templates { action } => templates(db, action)?,
        Command::Attach { file, media_type } => {
            let reference = Store::open(db)?.add_blob_file(&file, media_type.as_deref())?;
            output::json(&json!(reference))?;
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
            output::json(&json!(Store::open(db)?.agenda(grid.as_deref(), now)?))?;
        }
        Command::Update { id, json } => {
            let mut store = Store::open(db)?;
            let changed = store.patch_json(parse_id(&id)?, &parse_json("json", &json)?)?;
            output::line(if changed { "changed" } else { "unchanged" })?;
        }
        Command::Get { id, full } => {
            output::json(&Store::open(db)?.get_json(parse_id(&id)?, full)?)?
        }
        Command::List { kind, filter } => list(db, kind.parse()?, filter)?,
        Command::Households { filter } => list(db, Kind::Household, filter)?,
        Command::Places { filter } => list(db, Kind::Place, filter)?,
        Command::Search {
            text,
            kind,
            grid,
            limit,
        } => {
            let kind: Option<Kind> = kind.map(|k| k.parse()).transpose()?;
            let hits = Store::open(db)?.search(&text, kind, grid.as_deref(), limit)?;
            output::json(&json!(hits))?;
        }
        Command::History { id } => output::json(&json!(Store::open(db)?.history(parse_id(&id)?)?))?,
        Command::Conflicts { id } => {
            output::json(&json!(Store::open(db)?.conflicts(parse_id(&id)?)?))?
        }
        Command::Resolve { id, path, pick } => {
            Store::open(db)?.resolve_conflict(parse_id(&id)?, &path, pick)?;
            output::line("resolved")?;
        }
        Command::Archive { id } => archive(db, &id, true)?,
        Command::Restore { id } => archive(db, &id, false)?,
        Command::Export => output::line(Store::open(db)?.export_json()?)?,
        Command::Heads => output::json(&json!(Store::open(db)?.heads()?))?,
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
            output::line(format!(
                "{} changes of {} records",
                set.change_count(),
                set.records.len()
            ))?;
        }
        Command::Merge { file } => {
            let bytes = std::fs::read(&file)?;
            let set = if ChangeSet::is_change_file(&bytes) {
                ChangeSet::decode(&bytes)?
            } else if bytes.starts_with(b"SQLite format 3\0") {
                match Store::open(&file) {
                    Ok(mut other) => other.changes(None)?,
                    Err(Error::NotInitialised) => return Err(not_mergeable().into()),
                    Err(e) => return Err(e.into()),
                }
            } else {
                return Err(not_mergeable().into());
            };
            let report = Store::open(db)?.apply_changes(&set)?;
            output::json(
                &json!({"applied": report.applied, "waiting": report.waiting, "changed_records": report.changed_records}),
            )?;
        }
        Command::Import { kind, jsonl, grid } => import(db, &kind, &jsonl, grid)?,
        Command::Rebuild => output::line(Store::open(db)?.rebuild()?)?,
        Command::Status => {
            let store = Store::open(db)?;
            let sync = store.sync_status()?;
            output::json(&json!({
                "actor": store.actor_hex(),
                "former_actors": store.former_actors(),
                "user": store.user(),
                "default_grid": store.default_grid()?,
                "records": store.record_ids(None)?.len(),
                "outbox": store.outbox_len()?,
                "sync": {
                    "enrolled": sync.enrolled,
                    "server": sync.server,
                    "grids": sync.grids,
                    "last_success_at": sync.last_success_at,
                    "last_attempt_at": sync.last_attempt_at,
                    "last_error_code": sync.last_error_code,
                    "last_error": sync.last_error_message,
                    "pending_changes": sync.pending_changes,
                    "pending_uploads": sync.pending_uploads,
                    "refused_changes": sync.refused_changes,
                    "refused": sync.refused.iter().map(|r| json!({
                        "record_id": r.record_id,
                        "kind": r.kind,
                        "changes": r.changes,
                        "code": r.code,
                        "reason": r.reason_zh,
                        "refused_at": r.refused_at,
                    })).collect::<Vec<_>>(),
                },
            }))?;
        }
        Command::Enroll { server, code } => {
            let mut store = Store::open(db)?;
            let e = store.enroll(&server, &code)?;
            output::json(&json!({
                "device_id": e.device_id,
                "user": e.user,
                "role": e.role,
                "grids": e.grids,
                "server": e.server,
            }))?;
        }
        Command::Sync { json, attempts } => {
            let mut store = Store::open(db)?;
            let opts = gridkeeper_core::sync::SyncOptions {
                max_attempts: attempts,
                ..Default::default()
            };
            let s = store.sync(&opts, &mut |p| {
                if !json && p.records_total > 0 {
                    eprintln!("  {} / {} records", p.records_done, p.records_total);
                }
            })?;
            if json {
                output::json(&json!({
                    "rounds": s.rounds,
                    "pushed": s.pushed,
                    "pulled": s.pulled,
                    "snapshots": s.snapshots,
                    "rejected": s.rejected.iter().map(|(h, c)| json!({"hash": h, "code": c})).collect::<Vec<_>>(),
                    "changed_records": s.changed_records,
                    "bytes_up": s.bytes_up,
                    "bytes_down": s.bytes_down,
                    "blobs_uploaded": s.blobs_uploaded,
                }))?;
            } else {
                output::line(format!(
                    "pushed {} changes, pulled {} changes and {} records in {} round trips",
                    s.pushed, s.pulled, s.snapshots, s.rounds
                ))?;
                if !s.rejected.is_empty() {
                    output::line(format!(
                        "{} changes refused by the server (still queued)",
                        s.rejected.len()
                    ))?;
                }
            }
        }
        Command::Rescue {
            action: RescueAction::Write { file, json },
        } => {
            let r = Store::open(db)?.write_rescue(&file)?;
            if json {
                output::json(&json!({
                    "records": r.records,
                    "changes": r.changes,
                    "refused": r.refused,
                    "blobs": r.blobs,
                    "bytes": r.bytes,
                }))?;
            } else {
                output::line(format!(
                    "wrote {} changes to {} records ({} refused before) and {} attachments, {} bytes",
                    r.changes, r.records, r.refused, r.blobs, r.bytes
                ))?;
            }
        }
    }
    Ok(())
}

fn templates(db: &Path, action: TemplateAction) -> Result<()> {
    let mut store = Store::open(db)?;
    match action {
        TemplateAction::List => {
            let rows: Vec<Value> = store
                .templates()
                .iter()
                .map(|t| json!({"id": t.id, "version": t.version, "title": t.title, "place_types": t.place_types}))
                .collect();
            output::json(&Value::Array(rows))?;
        }
        TemplateAction::InstallBuiltin => output::line(store.install_builtin_templates()?)?,
        TemplateAction::Import { file, id, version } => {
            let report = store.import_xlsform(&std::fs::read(&file)?, &id, version)?;
            let issues: Vec<Value> = report
                .issues
                .iter()
                .map(|i| {
                    // The typed code and its facts for scripts, the words for a person.
                    let mut v = serde_json::to_value(i).unwrap_or(Value::Null);
                    if let Some(o) = v.as_object_mut() {
                        o.insert("message".into(), Value::String(i.message()));
                    }
                    v
                })
                .collect();
            output::json(
                &json!({"id": report.template.id, "version": report.template.version, "items": report.template.items().count(), "issues": issues}),
            )?;
        }
    }
    Ok(())
}

/// The grid a new record goes into: the one given, else the store's default (the grid chosen
/// with `gk init --grid`, or the only grid this phone is enrolled for).
fn grid_for(store: &Store, grid: Option<String>) -> Result<String> {
    if let Some(g) = grid {
        return Ok(g);
    }
    if let Some(g) = store.default_grid()? {
        return Ok(g);
    }
    // Grid ids are the office's codes, not anyone's personal data: naming them helps choose.
    let reason = match store.grids_in_reach()?.as_slice() {
        [] => "is required: pass --grid or set one with `gk init --grid`".to_string(),
        several => format!(
            "is required: this phone is enrolled for {} grids ({}) and none is chosen; \
             pass --grid with one of them",
            several.len(),
            several.join(", ")
        ),
    };
    Err(Invalid::new("grid", reason).into())
}

fn list(db: &Path, kind: Kind, filter: ListFilter) -> Result<()> {
    let rows = Store::open(db)?.list_json(
        kind,
        filter.grid.as_deref(),
        filter.search.as_deref(),
        filter.full,
    )?;
    output::json(&Value::Array(rows))
}

fn archive(db: &Path, id: &str, archived: bool) -> Result<()> {
    let changed = Store::open(db)?.set_archived(parse_id(id)?, archived)?;
    output::line(if changed { "changed" } else { "unchanged" })
}

fn not_mergeable() -> Invalid {
    Invalid::new("file", "is neither a change file nor a Gridkeeper store")
}

/// One record per line, each committed before its id is printed: a crash loses at most the
/// line being written, and every printed id is stored. A bad line stops the import there,
/// with the lines before it kept.
fn import(db: &Path, kind: &str, path: &Path, grid: Option<String>) -> Result<(), Failure> {
    let kind: Kind = kind.parse()?;
    let mut store = Store::open(db)?;
    let grid = grid_for(&store, grid)?;
    let mut file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut buf = Vec::new();
    for line in 1.. {
        buf.clear();
        if file.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let at = |error: Error| Failure::AtLine { line, error };
        let text = std::str::from_utf8(&buf)
            .map_err(|_| at(Invalid::new("json", "is not UTF-8 text").into()))?;
        // Spreadsheet tools on Windows start their UTF-8 files with a byte order mark.
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            continue;
        }
        let value = parse_json("json", text).map_err(|e| at(e.into()))?;
        let id = store.create_json(kind, &grid, value).map_err(at)?;
        output::line(id)?;
    }
    Ok(())
}

/// Says where the JSON went wrong, never what it said (it may hold personal data).
fn parse_json(field: &str, text: &str) -> Result<Value, Invalid> {
    serde_json::from_str(text).map_err(|e| {
        let at = match e.line() {
            1 => format!("column {}", e.column()),
            n => format!("line {n}, column {}", e.column()),
        };
        Invalid::new(field, format!("is not valid JSON ({at})"))
    })
}

fn parse_id(id: &str) -> Result<RecordId, Invalid> {
    id.parse()
}
