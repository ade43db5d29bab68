//! `gridkeeper-server admin ledger …`: the ledgers from the command line, for an office that
//! scripts its monthly filing or edits a ledger's columns from a file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;

use super::{Definition, sheet};
use crate::admin;
use crate::storage::{Role, Storage};

#[derive(Subcommand, Debug)]
pub enum LedgerCmd {
    /// Every ledger: id, title, source, and whether an administrator changed it.
    List,
    /// Print a ledger's definition as JSON (what `set` reads).
    Show { id: String },
    /// Replace a ledger's definition (or add a ledger) from a JSON file.
    Set {
        id: String,
        file: PathBuf,
        /// The administrator making the change (a user of role admin).
        #[arg(long)]
        by: String,
    },
    /// Drop the administrator's definition: a built-in ledger is back to its default.
    Reset { id: String },
    /// Write a ledger for NODE and a period as an XLSX file, as USER (a supervisor or
    /// administrator, masked and audited as on the pages).
    Export {
        id: String,
        #[arg(long)]
        node: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long = "as")]
        user: String,
    },
}

pub async fn run(storage: &Arc<dyn Storage>, what: LedgerCmd) -> Result<(), String> {
    let fail = |e: crate::error::ApiError| format!("{} ({})", e.message, e.code);
    let store = storage.as_ref();
    match what {
        LedgerCmd::List => {
            let own = super::stored_ids(store).await.map_err(|e| e.to_string())?;
            for d in super::all(store).await.map_err(|e| e.to_string())? {
                let changed = if own.contains(&d.id) {
                    "changed"
                } else {
                    "default"
                };
                println!("{}\t{}\t{}\t{changed}", d.id, d.title, d.source);
            }
        }
        LedgerCmd::Show { id } => {
            let d = super::get(store, &id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no ledger {id}"))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&d).map_err(|e| e.to_string())?
            );
        }
        LedgerCmd::Set { id, file, by } => {
            let user = admin::find_user(storage, &by).await.map_err(fail)?;
            if user.role != Role::Admin {
                return Err(format!("{by} is not an administrator"));
            }
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let def: Definition = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not a ledger definition: {e}", file.display()))?;
            let def = super::check(&id, def).map_err(fail)?;
            super::put(store, &def, &user.id, &admin::now())
                .await
                .map_err(|e| e.to_string())?;
            println!("ledger {id} set: {} columns", def.columns.len());
        }
        LedgerCmd::Reset { id } => {
            if super::reset(store, &id).await.map_err(|e| e.to_string())? {
                println!("ledger {id}: the administrator's definition dropped");
            } else {
                return Err(format!("ledger {id} has no administrator's definition"));
            }
        }
        LedgerCmd::Export {
            id,
            node,
            from,
            to,
            out,
            user,
        } => {
            let user = admin::find_user(storage, &user).await.map_err(fail)?;
            let q: HashMap<String, String> = [("node", node), ("from", from), ("to", to)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            let l = crate::http::ledgers::built(store, &user, &id, &q, "xlsx")
                .await
                .map_err(fail)?;
            let today = crate::reports::scope::local_date(chrono::Utc::now()).to_string();
            let bytes = sheet::to_xlsx(&l, &today).map_err(|e| e.to_string())?;
            std::fs::write(&out, bytes)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            println!(
                "{}: {} rows to {}",
                sheet::heading(&l),
                l.rows.len(),
                out.display()
            );
        }
    }
    Ok(())
}
