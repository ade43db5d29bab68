//! Command-line arguments: the machine interface scripts and tests rely on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "gk", about = "Gridkeeper terminal client (网格管家)", version)]
pub struct Cli {
    /// The store file (SQLite).
    #[arg(long, global = true, default_value = "gridkeeper.db")]
    pub db: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a store (gives this device its actor id).
    Init {
        /// Grid used when `add` is not told one.
        #[arg(long)]
        grid: Option<String>,
        /// Recorded as the author of this device's changes.
        #[arg(long)]
        user: Option<String>,
    },
    /// Add a record; prints its id.
    Add {
        kind: String,
        #[arg(long)]
        json: String,
        #[arg(long)]
        grid: Option<String>,
        /// With a visit: the case it raised, created in the same step (prints both ids).
        #[arg(long)]
        raise_case: Option<String>,
    },
    /// Move a case through its closed loop: accept, start, resolve, verify, close, return,
    /// escalate, comment.
    Case {
        id: String,
        action: String,
        #[arg(long, default_value = "")]
        note: String,
        /// Why it is returned (required for `return`).
        #[arg(long, default_value = "")]
        reason: String,
        /// Where it is escalated: community or street (required for `escalate`).
        #[arg(long)]
        to: Option<String>,
    },
    /// Raise the hazard case for a failed checklist item of an inspection.
    RaiseCase {
        inspection: String,
        item: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Checklist templates: list, install the built-in ones, or import an XLSForm workbook.
    Templates {
        #[command(subcommand)]
        action: TemplateAction,
    },
    /// Add a photo, signature or document; prints its reference (hash, type, size).
    Attach {
        file: PathBuf,
        /// The media type the file claims to be (checked against its content).
        #[arg(long)]
        media_type: Option<String>,
    },
    /// Today's work: tasks given, visits, inspections, cases and mediations due.
    Agenda {
        #[arg(long)]
        grid: Option<String>,
        /// The moment to compute for (RFC 3339); default now.
        #[arg(long)]
        now: Option<String>,
    },
    /// Apply an RFC 7396 merge patch to a record's fields.
    Update {
        id: String,
        #[arg(long)]
        json: String,
    },
    /// A record as JSON (ID and phone numbers masked unless --full).
    Get {
        id: String,
        #[arg(long)]
        full: bool,
    },
    /// Summaries of records of a kind, as a JSON array.
    List {
        kind: String,
        #[command(flatten)]
        filter: ListFilter,
    },
    /// Same as `list household`.
    Households {
        #[command(flatten)]
        filter: ListFilter,
    },
    /// Same as `list place`.
    Places {
        #[command(flatten)]
        filter: ListFilter,
    },
    /// Search by name, pinyin initials, address, phone or ID number suffix.
    Search {
        text: String,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        grid: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Who changed what, and when.
    History { id: String },
    /// Fields set differently on two devices, with every value.
    Conflicts { id: String },
    /// Settle a conflict with one of its values (position as listed by `conflicts`).
    Resolve {
        id: String,
        #[arg(long)]
        path: String,
        #[arg(long)]
        pick: usize,
    },
    /// Archive a record (records are never hard-deleted).
    Archive { id: String },
    /// Bring an archived record back.
    Restore { id: String },
    /// Every record as one JSON object keyed by id, deterministic.
    Export,
    /// The heads of every record (input for `changes --since`).
    Heads,
    /// Write this store's changes to a file for another store to merge.
    Changes {
        #[arg(long)]
        out: PathBuf,
        /// A file written by `gk heads` on the receiving store: send only what it lacks.
        #[arg(long)]
        since: Option<PathBuf>,
    },
    /// Merge a change file, or another store's database file.
    Merge { file: PathBuf },
    /// Add one record per line of a JSON Lines file, each in its own transaction.
    Import {
        kind: String,
        #[arg(long)]
        jsonl: PathBuf,
        #[arg(long)]
        grid: Option<String>,
    },
    /// Recompute list and search rows from the documents.
    Rebuild,
    /// Device, user, record and outbox counts, and where sync stands.
    Status,
    /// Enrol this store with a relay using a one-time code from a supervisor.
    Enroll {
        #[arg(long)]
        server: String,
        #[arg(long)]
        code: String,
    },
    /// Push everything waiting and pull the grids in reach, until nothing is left.
    Sync {
        /// Print the summary as JSON (for scripts).
        #[arg(long)]
        json: bool,
        /// Tries per round trip on network failures.
        #[arg(long, default_value_t = 5)]
        attempts: u32,
    },
    /// Unsynced work without a network: a sealed file for the relay's administrator.
    Rescue {
        #[command(subcommand)]
        action: RescueAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum RescueAction {
    /// Write the outbox, refused edits and attachments not yet uploaded to FILE, sealed so
    /// only the relay can read it (`gridkeeper-server admin rescue import FILE`). The work
    /// stays queued here; a later sync sends it again harmlessly.
    Write {
        file: PathBuf,
        /// Print what went in as JSON (for scripts).
        #[arg(long)]
        json: bool,
    },
}

/// Which records `list` shows.
#[derive(Debug, Args)]
pub struct ListFilter {
    #[arg(long)]
    pub grid: Option<String>,
    /// Name, pinyin initials, address, phone or ID number suffix.
    #[arg(long)]
    pub search: Option<String>,
    /// Show ID and phone numbers unmasked.
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, Subcommand)]
pub enum TemplateAction {
    /// Installed templates (id, version, title).
    List,
    /// Install 消防安全 and 燃气用电安全.
    InstallBuiltin,
    /// Import an XLSForm (.xlsx) as a template version; prints the rows it could not use.
    Import {
        file: PathBuf,
        #[arg(long)]
        id: String,
        #[arg(long)]
        version: u32,
    },
}
