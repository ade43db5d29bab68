//! Creating, reading and editing records: the one generic mechanism every kind goes through.

use automerge::{
    AutoCommit, ROOT,
    transaction::{CommitOptions, Transactable},
};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Value as Json, json};

use super::{Store, projection};
use crate::error::{Error, Invalid, Result};
use crate::ids::RecordId;
use crate::kinds::Kind;
use crate::record::{
    self, Conflict, Envelope, HistoryEntry, Record, RecordKind, conflicts, history, merge_patch,
};

/// A record built and committed in memory, waiting for its transaction.
pub(super) struct NewRecord {
    pub(super) env: Envelope,
    doc: AutoCommit,
    data: Option<Json>,
}

impl NewRecord {
    pub(super) fn persist(&mut self, tx: &Transaction<'_>) -> Result<()> {
        persist_local(tx, &mut self.doc, &self.env, None, self.data.take())
    }
}

/// An edit committed in memory, waiting for its transaction.
pub(super) struct PendingEdit {
    doc: AutoCommit,
    env: Envelope,
    stored: Option<Stored>,
    data: Option<Json>,
}

impl PendingEdit {
    pub(super) fn persist(&mut self, tx: &Transaction<'_>) -> Result<()> {
        persist_local(
            tx,
            &mut self.doc,
            &self.env,
            self.stored.take(),
            self.data.take(),
        )
    }
}

/// A document loaded for editing, with the row it came from.
pub(super) struct Loaded {
    pub doc: AutoCommit,
    pub env: Envelope,
    pub stored: Stored,
}

/// A document as stored: its bytes, the heads they hold, and how many change chunks trail
/// the last full save. A local edit appends its change instead of re-saving the document;
/// after [`COMPACT_AFTER`] appended changes the next write saves it whole again.
#[derive(Debug, Default)]
pub(super) struct Stored {
    pub bytes: Vec<u8>,
    pub heads: Vec<automerge::ChangeHash>,
    pub tail: i64,
}

/// Bounds how many changes a load replays on top of the saved document.
const COMPACT_AFTER: i64 = 8;

impl Store {
    /// Creates a record of kind `T` in `grid`. Validates first: on error nothing is written.
    pub fn create<T: RecordKind>(&mut self, grid: &str, data: T) -> Result<RecordId> {
        let json = serde_json::to_value(&data).map_err(|e| Invalid::new("data", e.to_string()))?;
        self.create_json(T::KIND, grid, json)
    }

    /// Creates a record from its fields as JSON (the terminal client's and bindings' path).
    pub fn create_json(&mut self, kind: Kind, grid: &str, data: Json) -> Result<RecordId> {
        let ctx = self.context()?;
        let mut new = self.build_new(RecordId::new(), kind, grid, data, &ctx)?;
        let id = new.env.id;
        self.write(|tx| new.persist(tx))?;
        Ok(id)
    }

    /// Creates several records atomically: all of them or none (a visit and the case it
    /// raised). Each is validated before anything is written.
    pub fn create_many(&mut self, records: Vec<(Kind, String, Json)>) -> Result<Vec<RecordId>> {
        self.create_many_with_ids(
            records
                .into_iter()
                .map(|(k, g, d)| (RecordId::new(), k, g, d))
                .collect(),
        )
    }

    pub(super) fn create_many_with_ids(
        &mut self,
        records: Vec<(RecordId, Kind, String, Json)>,
    ) -> Result<Vec<RecordId>> {
        let ctx = self.context()?;
        let mut built = Vec::with_capacity(records.len());
        for (id, kind, grid, data) in records {
            built.push(self.build_new(id, kind, &grid, data, &ctx)?);
        }
        self.write(|tx| {
            built.iter_mut().try_for_each(|b| b.persist(tx))?;
            Ok(())
        })?;
        Ok(built.iter().map(|b| b.env.id).collect())
    }

    /// Validates and builds a new record's document, committed but not yet stored.
    pub(super) fn build_new(
        &self,
        id: RecordId,
        kind: Kind,
        grid: &str,
        data: Json,
        ctx: &record::Context,
    ) -> Result<NewRecord> {
        let grid = crate::validate::required("grid", grid)?;
        let ops = kind.ops();
        let data = ops.prepare(data, ctx)?;
        let env = Envelope {
            id,
            kind,
            grid,
            schema_version: ops.schema_version(),
            archived: false,
            created_at: ctx.now_text(),
        };
        let mut doc = record::new_document(&env, &data, ops.text_fields(), self.actor.clone())?;
        doc.commit_with(self.commit_options());
        Ok(NewRecord {
            env,
            doc,
            data: Some(data),
        })
    }

    /// The record as its typed struct.
    pub fn get<T: RecordKind>(&mut self, id: RecordId) -> Result<Record<T>> {
        let loaded = load(&self.conn, id, &self.actor)?;
        check_kind(&loaded.env, T::KIND)?;
        let data = record::hydrate::<T>(&loaded.doc, &loaded.env)?;
        Ok(Record {
            envelope: loaded.env,
            data,
        })
    }

    /// The record as JSON: `{id, kind, grid, archived, schema_version, created_at, data}`.
    /// ID and phone numbers are masked unless `full`.
    pub fn get_json(&mut self, id: RecordId, full: bool) -> Result<Json> {
        let loaded = load(&self.conn, id, &self.actor)?;
        let ops = loaded.env.kind.ops();
        let mut data = ops.load(&loaded.env, record::read_data(&loaded.doc))?;
        let derived = ops.derived(data.clone(), &self.context()?)?;
        if !full {
            data = ops.mask(data)?;
        }
        let mut out = envelope_json(&loaded.env, data);
        if !derived.is_null() {
            out["derived"] = derived;
        }
        Ok(out)
    }

    /// Edits a record through its typed struct; `edit` changes the value in place.
    /// Returns whether anything changed.
    pub fn update<T: RecordKind>(
        &mut self,
        id: RecordId,
        edit: impl FnOnce(&mut T),
    ) -> Result<bool> {
        let loaded = load(&self.conn, id, &self.actor)?;
        check_kind(&loaded.env, T::KIND)?;
        let mut data = record::hydrate::<T>(&loaded.doc, &loaded.env)?;
        edit(&mut data);
        let json = serde_json::to_value(&data).map_err(|e| Invalid::new("data", e.to_string()))?;
        self.replace_data(loaded, json)
    }

    /// Applies an RFC 7396 merge patch to the record's fields.
    pub fn patch_json(&mut self, id: RecordId, patch: &Json) -> Result<bool> {
        let loaded = load(&self.conn, id, &self.actor)?;
        let mut data = loaded
            .env
            .kind
            .ops()
            .load(&loaded.env, record::read_data(&loaded.doc))?;
        merge_patch::apply(&mut data, patch);
        self.replace_data(loaded, data)
    }

    fn replace_data(&mut self, mut loaded: Loaded, data: Json) -> Result<bool> {
        let ctx = self.context()?;
        let data = stage_data(&mut loaded, data, &ctx)?;
        self.commit_loaded(loaded, Some(data))
    }

    /// Commits a staged edit and returns it ready to persist, or `None` if nothing changed.
    pub(super) fn finish_edit(
        &self,
        mut loaded: Loaded,
        data: Option<Json>,
    ) -> Option<PendingEdit> {
        loaded.doc.commit_with(self.commit_options())?;
        let env = record::read_envelope(&loaded.doc).unwrap_or(loaded.env.clone());
        Some(PendingEdit {
            doc: loaded.doc,
            env,
            stored: Some(loaded.stored),
            data,
        })
    }
}

/// Validates new field values and writes their differences into a loaded document,
/// uncommitted; returns the prepared value.
pub(super) fn stage_data(loaded: &mut Loaded, data: Json, ctx: &record::Context) -> Result<Json> {
    record::stage::stage_fields(&mut loaded.doc, &loaded.env, data, ctx)
}

impl Store {
    /// Archives (or restores) a record. Nothing is hard-deleted, so archiving syncs and merges.
    pub fn set_archived(&mut self, id: RecordId, archived: bool) -> Result<bool> {
        let mut loaded = load(&self.conn, id, &self.actor)?;
        loaded
            .doc
            .put(ROOT, "archived", archived)
            .map_err(doc_err(id))?;
        self.commit_loaded(loaded, None)
    }

    pub fn history(&mut self, id: RecordId) -> Result<Vec<HistoryEntry>> {
        let mut loaded = load(&self.conn, id, &self.actor)?;
        Ok(history::list(&mut loaded.doc))
    }

    pub fn conflicts(&mut self, id: RecordId) -> Result<Vec<Conflict>> {
        let mut loaded = load(&self.conn, id, &self.actor)?;
        Ok(conflicts::list(&mut loaded.doc))
    }

    /// Settles the conflict at `path` with the value at position `pick` of its list.
    pub fn resolve_conflict(&mut self, id: RecordId, path: &str, pick: usize) -> Result<()> {
        let mut loaded = load(&self.conn, id, &self.actor)?;
        let text_fields = loaded.env.kind.ops().text_fields();
        conflicts::resolve(&mut loaded.doc, &id.to_string(), path, pick, text_fields)?;
        self.commit_loaded(loaded, None)?;
        Ok(())
    }

    /// Ids of records of `kind` (all kinds when `None`), oldest first.
    pub fn record_ids(&self, kind: Option<Kind>) -> Result<Vec<RecordId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM records WHERE ?1 IS NULL OR kind = ?1 ORDER BY id")?;
        let ids = stmt
            .query_map([kind.map(Kind::as_str)], |r| r.get::<_, String>(0))?
            .filter_map(|r| r.ok().and_then(|s| s.parse().ok()))
            .collect();
        Ok(ids)
    }

    /// Every record as one JSON object keyed by id, keys sorted, unmasked: two stores holding
    /// the same changes export byte-identical text.
    pub fn export_json(&mut self) -> Result<String> {
        let mut all = serde_json::Map::new();
        for id in self.record_ids(None)? {
            let mut value = self.get_json(id, true)?;
            if let Json::Object(m) = &mut value {
                m.remove("id");
            }
            all.insert(id.to_string(), value);
        }
        Ok(serde_json::to_string_pretty(&Json::Object(all)).unwrap_or_default())
    }

    pub(super) fn commit_options(&self) -> CommitOptions {
        let mut opts = CommitOptions::default().with_time(chrono::Utc::now().timestamp());
        if let Some(user) = &self.user {
            opts = opts.with_message(user.clone());
        }
        opts
    }

    /// Commits pending edits of a loaded document: saves it, queues the change in the outbox
    /// and recomputes projections, all in one transaction. No-op edits write nothing.
    /// `data` is the prepared value just written, when the caller has it: the document's
    /// `data` now equals it, so projections need not read it back.
    fn commit_loaded(&mut self, loaded: Loaded, data: Option<Json>) -> Result<bool> {
        let Some(mut edit) = self.finish_edit(loaded, data) else {
            return Ok(false);
        };
        self.write(|tx| edit.persist(tx))?;
        Ok(true)
    }
}

fn doc_err(id: RecordId) -> impl Fn(automerge::AutomergeError) -> Error {
    move |e| Error::Document {
        id: id.to_string(),
        reason: e.to_string(),
    }
}

fn check_kind(env: &Envelope, expected: Kind) -> Result<()> {
    if env.kind != expected {
        return Err(Error::WrongKind {
            id: env.id.to_string(),
            expected: expected.to_string(),
            actual: env.kind.to_string(),
        });
    }
    Ok(())
}

pub(super) fn envelope_json(env: &Envelope, data: Json) -> Json {
    json!({
        "id": env.id.to_string(),
        "kind": env.kind.as_str(),
        "grid": env.grid,
        "archived": env.archived,
        "schema_version": env.schema_version,
        "created_at": env.created_at,
        "data": data,
    })
}

pub(super) fn load(
    conn: &rusqlite::Connection,
    id: RecordId,
    actor: &automerge::ActorId,
) -> Result<Loaded> {
    let (bytes, tail): (Vec<u8>, i64) = conn
        .prepare_cached("SELECT doc, tail FROM records WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::NotFound(id.to_string()))?;
    let mut doc = AutoCommit::load(&bytes)
        .map_err(doc_err(id))?
        .with_actor(actor.clone());
    let env = record::read_envelope(&doc).ok_or_else(|| Error::Document {
        id: id.to_string(),
        reason: "no envelope".into(),
    })?;
    let heads = doc.get_heads();
    Ok(Loaded {
        doc,
        env,
        stored: Stored { bytes, heads, tail },
    })
}

/// Saves a document the device just changed: the new change goes to the outbox and is
/// appended to the stored bytes (see [`Stored`]).
fn persist_local(
    tx: &Transaction<'_>,
    doc: &mut AutoCommit,
    env: &Envelope,
    stored: Option<Stored>,
    data: Option<Json>,
) -> Result<()> {
    let since = stored.as_ref().map(|s| s.heads.clone()).unwrap_or_default();
    let changes = doc.get_changes(&since);
    let mut appended = Vec::new();
    let mut outbox = tx.prepare_cached(
        "INSERT OR IGNORE INTO outbox (record_id, hash, bytes) VALUES (?1, ?2, ?3)",
    )?;
    for change in &changes {
        outbox.execute(params![
            env.id.to_string(),
            change.hash().to_string(),
            change.raw_bytes()
        ])?;
        appended.extend_from_slice(change.raw_bytes());
    }
    super::incarnation::add_written(tx, changes.len())?;
    let added = changes.len() as i64;
    let bytes = match stored {
        None => Some((appended, added)),
        Some(s) if s.tail + added < COMPACT_AFTER => {
            let mut bytes = s.bytes;
            bytes.extend_from_slice(&appended);
            Some((bytes, s.tail + added))
        }
        Some(_) => None,
    };
    save_doc(tx, doc, env, bytes, data)
}

/// Writes a document and its projections.
/// `prepared` is the kind's validated `data` when the caller just wrote it; otherwise it is
/// read from the document and checked.
/// `bytes` is the stored form with its count of trailing change chunks, when the caller has
/// built it by appending; otherwise the document is saved whole.
pub(super) fn save_doc(
    tx: &Transaction<'_>,
    doc: &mut AutoCommit,
    env: &Envelope,
    bytes: Option<(Vec<u8>, i64)>,
    prepared: Option<Json>,
) -> Result<()> {
    let heads = heads_text(doc);
    let (bytes, tail) = bytes.unwrap_or_else(|| (doc.save(), 0));
    tx.prepare_cached(
        "INSERT INTO records (id, kind, grid, archived, schema_version, doc, heads, tail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET archived = excluded.archived, schema_version = excluded.schema_version, doc = excluded.doc, heads = excluded.heads, tail = excluded.tail",
    )?
    .execute(params![env.id.to_string(), env.kind.as_str(), env.grid, env.archived, env.schema_version as i64, bytes, heads, tail])?;
    let data = match prepared {
        Some(data) => data,
        None => env.kind.ops().load(env, record::read_data(doc))?,
    };
    projection::replace(tx, env, data)?;
    projection::mark_conflicts(tx, &env.id.to_string(), doc)
}

pub(super) fn heads_text(doc: &mut AutoCommit) -> String {
    doc.get_heads()
        .iter()
        .map(|h| h.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Loads every stored document in id order and hands each to `f`, one at a time so a
/// grid's worth of documents is never held in memory at once. Returns how many.
pub(super) fn each_document(
    conn: &rusqlite::Connection,
    mut f: impl FnMut(&mut AutoCommit, Envelope) -> Result<()>,
) -> Result<usize> {
    let rows: Vec<(String, Vec<u8>)> = {
        let mut stmt = conn.prepare("SELECT id, doc FROM records ORDER BY id")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (id, bytes) in &rows {
        let damaged = |reason: String| Error::Document {
            id: id.clone(),
            reason,
        };
        let mut doc = AutoCommit::load(bytes).map_err(|e| damaged(e.to_string()))?;
        let env = record::read_envelope(&doc).ok_or_else(|| damaged("no envelope".into()))?;
        f(&mut doc, env)?;
    }
    Ok(rows.len())
}
