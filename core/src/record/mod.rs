//! The record framework: one Automerge document per record, one generic mechanism for every
//! kind. A kind plugs in a typed struct (serde), its validation, and its projection rows.
//!
//! Document layout, the same for every kind:
//!
//! ```text
//! { id, kind, grid, schema_version, created_at, archived, data: { …the kind's fields… } }
//! ```
//!
//! The envelope is written once at creation (only `archived` changes later); a kind's fields
//! live under `data`, written by diff (see [`json_doc`]).

pub mod authors;
pub mod conflicts;
pub mod context;
pub mod erase;
pub mod history;
pub mod json_doc;
pub mod merge_patch;
pub mod relocate;
pub mod removals;
pub mod review;
pub mod stage;
pub mod unknown;
pub mod untrusted;

use std::fmt::Debug;

use automerge::{AutoCommit, ROOT, ReadDoc, ScalarValue, Value, transaction::Transactable};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value as Json;

use crate::error::{Error, Invalid, Result};
use crate::ids::RecordId;
use crate::kinds::Kind;

pub use conflicts::{Conflict, ConflictValue};
pub use context::Context;
pub use history::HistoryEntry;

/// Rows a kind writes for lists and search. Projections are derived: `Store::rebuild`
/// recomputes them from documents alone.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SearchEntry {
    /// Person or place names: ranked first, and indexed by pinyin.
    pub names: Vec<String>,
    /// Everything else one may search by: address parts, phone and ID numbers.
    pub other: Vec<String>,
    /// Hashes of the attachments the record references: the device fetches those it lacks.
    pub attachments: Vec<String>,
}

/// A record kind: a typed struct plus its rules.
pub trait RecordKind: Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static {
    const KIND: Kind;
    /// The projection tables this kind writes rows to (keyed by `record_id`).
    const TABLES: &'static [&'static str];
    /// Whether `check_edit` has rules; when not, edits skip reading the old value.
    const CHECKS_EDITS: bool = false;
    /// Bumped when the shape of `data` changes; older documents are upgraded when read.
    const SCHEMA_VERSION: u64 = 1;
    /// Free-text narratives kept as Automerge text (dotted paths without list indices).
    const TEXT_FIELDS: &'static [&'static str] = &[];

    /// Validates and normalizes in place: trims, fills derived fields (gender and birth date
    /// from an ID number), gives new list items their ids. Errors name the field path.
    fn prepare(&mut self, ctx: &Context) -> Result<(), Invalid>;

    /// Checks an edit against the value before it; most kinds accept any valid value.
    fn check_edit(_old: &Self, _new: &Self, _ctx: &Context) -> Result<(), Invalid> {
        Ok(())
    }

    /// Values computed from the fields, shown beside them (a case's state and whether it is
    /// overdue). Never stored, so they cannot conflict.
    fn derived(&self, _ctx: &Context) -> Json {
        Json::Null
    }

    /// Hides ID and phone numbers for display.
    fn mask(&mut self);

    /// Writes this record's projection rows; the store has already cleared the old ones.
    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry>;

    /// Upgrades `data` written under an older schema version, before it is deserialized.
    fn upgrade(_from: u64, _data: &mut Json) {}
}

/// The fields every record has, whatever its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub id: RecordId,
    pub kind: Kind,
    pub grid: String,
    pub schema_version: u64,
    pub archived: bool,
    pub created_at: String,
}

/// A record read from its document: envelope plus typed fields.
#[derive(Debug, Clone)]
pub struct Record<T> {
    pub envelope: Envelope,
    pub data: T,
}

/// Starts a document: the envelope and the prepared fields, not yet committed.
pub fn new_document(
    env: &Envelope,
    data: &Json,
    text_fields: &[&str],
    actor: automerge::ActorId,
) -> Result<AutoCommit> {
    let mut doc = AutoCommit::new().with_actor(actor);
    let err = |e: automerge::AutomergeError| Error::Document {
        id: env.id.to_string(),
        reason: e.to_string(),
    };
    // The whole first state in one batch: one splice instead of one per field.
    let encoding = doc.document().text_encoding();
    let root: std::collections::HashMap<String, automerge::hydrate::Value> = [
        (
            "id",
            automerge::hydrate::Value::from(env.id.to_string().as_str()),
        ),
        ("kind", env.kind.as_str().into()),
        ("grid", env.grid.as_str().into()),
        (
            "schema_version",
            automerge::hydrate::Value::Scalar(ScalarValue::Uint(env.schema_version)),
        ),
        ("created_at", env.created_at.as_str().into()),
        (
            "archived",
            automerge::hydrate::Value::Scalar(ScalarValue::Boolean(env.archived)),
        ),
        (
            "data",
            json_doc::to_hydrate(data, "", text_fields, encoding),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    doc.init_root_from_hydrate(&root.into()).map_err(err)?;
    Ok(doc)
}

fn root_str(doc: &AutoCommit, key: &str) -> Option<String> {
    match doc.get(ROOT, key).ok().flatten()? {
        (Value::Scalar(s), _) => match s.as_ref() {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Reads the envelope; `None` while the document has not yet received its first change
/// (changes can arrive out of order).
pub fn read_envelope(doc: &AutoCommit) -> Option<Envelope> {
    let id = root_str(doc, "id")?.parse().ok()?;
    let kind = root_str(doc, "kind")?.parse().ok()?;
    let grid = root_str(doc, "grid")?;
    let created_at = root_str(doc, "created_at").unwrap_or_default();
    let schema_version = match doc.get(ROOT, "schema_version").ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Uint(u) => *u,
            ScalarValue::Int(i) => u64::try_from(*i).unwrap_or(1),
            _ => 1,
        },
        _ => 1,
    };
    let archived = matches!(
        doc.get(ROOT, "archived").ok().flatten(),
        Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(true))
    );
    Some(Envelope {
        id,
        kind,
        grid,
        schema_version,
        archived,
        created_at,
    })
}

/// The record's fields as JSON (the winning value of every field).
pub fn read_data(doc: &AutoCommit) -> Json {
    match doc.get(ROOT, "data").ok().flatten() {
        Some((Value::Object(_), id)) => json_doc::read_obj(doc, &id),
        _ => Json::Object(Default::default()),
    }
}

/// Deserializes a kind's fields from JSON; a type error names the field path and the rule,
/// never the offending value (it may be personal data).
pub fn from_json<T: DeserializeOwned>(value: Json) -> Result<T, Invalid> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        let (field, reason) = describe_serde_error(&path, &message);
        Invalid::new(field, reason)
    })
}

fn describe_serde_error(path: &str, message: &str) -> (String, String) {
    let join = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_string);
    if let Some(name) = message.strip_prefix("missing field ").and_then(quoted) {
        return (join(&name), "is required".into());
    }
    if message.starts_with("unknown field ") {
        // The path already ends in the unknown key.
        return (path.to_string(), "is not a field of this record".into());
    }
    let field = if path == "." {
        "data".to_string()
    } else {
        path.to_string()
    };
    if message.starts_with("unknown variant") {
        let allowed = message.split("expected ").nth(1).unwrap_or("a known value");
        return (field, format!("must be {allowed}"));
    }
    if let Some(expected) = message.split("expected ").nth(1) {
        return (field, format!("has the wrong type: expected {expected}"));
    }
    (field, "has an invalid value".into())
}

/// Validates a kind's JSON, returning it prepared (normalized, derived fields filled).
pub fn prepare_json<T: RecordKind>(value: Json, ctx: &Context) -> Result<(T, Json)> {
    let mut typed: T = from_json(value)?;
    typed.prepare(ctx)?;
    let json = serde_json::to_value(&typed)
        .map_err(|e| Error::Invalid(Invalid::new("data", e.to_string())))?;
    Ok((typed, json))
}

/// Reads a kind's fields from a document, upgrading an older schema first.
pub fn hydrate<T: RecordKind>(doc: &AutoCommit, env: &Envelope) -> Result<T> {
    let mut data = read_data(doc);
    if env.schema_version < T::SCHEMA_VERSION {
        T::upgrade(env.schema_version, &mut data);
    }
    // Fields from a newer app are kept in the document; a write puts them back (see
    // `unknown`), so reading may set them aside.
    unknown::read_lenient(data)
        .map(|(typed, _)| typed)
        .map_err(|e| Error::Document {
            id: env.id.to_string(),
            reason: e.to_string(),
        })
}
