//! Projection rows: plain tables that lists and search query. Derived data — [`Store::rebuild`]
//! recomputes all of them from the documents, and tests compare the two.

use std::time::{Duration, Instant};

use rusqlite::{Transaction, params};
use serde_json::Value as Json;

use super::Store;
use crate::error::Result;
use crate::pinyin_keys;
use crate::record::{self, Envelope};

/// Search tables, keyed by the record's rowid.
const SEARCH_TABLES: [&str; 3] = ["search_text", "search_keys", "search_grams"];

/// Replaces a record's projection rows with those computed from `data`, which the caller
/// has already validated (and upgraded) for the record's kind.
pub(super) fn replace(tx: &Transaction<'_>, env: &Envelope, data: Json) -> Result<()> {
    let mut search_time = Duration::ZERO;
    write(tx, env, data, true, &mut search_time)
}

/// Writes the projection rows of a record that has none yet (a bootstrap storing records it
/// did not hold): the same rows as [`replace`], without first deleting rows that cannot
/// exist (seven statements per record that find nothing). Adds the time spent on the search
/// rows (and attachment references) to `search_time`.
pub(super) fn insert_new(
    tx: &Transaction<'_>,
    env: &Envelope,
    data: Json,
    search_time: &mut Duration,
) -> Result<()> {
    write(tx, env, data, false, search_time)
}

fn write(
    tx: &Transaction<'_>,
    env: &Envelope,
    data: Json,
    clear: bool,
    search_time: &mut Duration,
) -> Result<()> {
    let id = env.id.to_string();
    let rec: i64 = tx
        .prepare_cached("SELECT rowid FROM records WHERE id = ?1")?
        .query_row([&id], |r| r.get(0))?;
    if clear {
        for table in env.kind.ops().tables() {
            tx.prepare_cached(&format!("DELETE FROM {table} WHERE record_id = ?1"))?
                .execute([&id])?;
        }
        tx.prepare_cached("DELETE FROM search_text WHERE rowid = ?1")?
            .execute([rec])?;
        tx.prepare_cached("DELETE FROM search_keys WHERE rec = ?1")?
            .execute([rec])?;
        tx.prepare_cached("DELETE FROM search_grams WHERE rec = ?1")?
            .execute([rec])?;
    }

    let entry = env.kind.ops().project(env, data, tx)?;
    let searching = Instant::now();
    let title = match (entry.names.first(), entry.other.first()) {
        (Some(name), Some(address)) if env.kind == crate::Kind::Household => {
            format!("{name} · {address}")
        }
        (Some(name), _) => name.clone(),
        (None, Some(other)) => other.chars().take(40).collect(),
        (None, None) => String::new(),
    };
    tx.prepare_cached(
        "INSERT INTO search_text (rowid, title, names, other) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        rec,
        title,
        entry.names.join("\n"),
        entry.other.join("\n")
    ])?;
    if clear {
        tx.prepare_cached("DELETE FROM record_blobs WHERE record_id = ?1")?
            .execute([&id])?;
    }
    let mut named =
        tx.prepare_cached("INSERT OR IGNORE INTO record_blobs (record_id, hash) VALUES (?1, ?2)")?;
    // Attachments this device does not hold yet become references to fetch.
    let mut reference = tx.prepare_cached(
        "INSERT OR IGNORE INTO blobs (hash, media_type, size, bytes, state, added_at) VALUES (?1, '', 0, NULL, 'remote', NULL)",
    )?;
    for hash in entry
        .attachments
        .iter()
        .filter(|h| crate::store::is_blob_hash(h))
    {
        reference.execute([hash])?;
        named.execute(params![id, hash])?;
    }
    let mut insert_key =
        tx.prepare_cached("INSERT OR IGNORE INTO search_keys (key, rec) VALUES (?1, ?2)")?;
    let mut insert_gram =
        tx.prepare_cached("INSERT OR IGNORE INTO search_grams (gram, rec) VALUES (?1, ?2)")?;
    for name in &entry.names {
        for key in pinyin_keys::keys(name) {
            insert_key.execute(params![key, rec])?;
        }
        let chars: Vec<char> = name.chars().collect();
        for len in 1..=2 {
            for piece in chars.windows(len) {
                insert_gram.execute(params![piece.iter().collect::<String>(), rec])?;
            }
        }
    }
    *search_time += searching.elapsed();
    Ok(())
}

/// Records whether `doc` holds values two devices set at once, and how many fields do, and
/// the supervisor's review it carries. Called wherever a document is written with its
/// projections (a local edit, a merge, a resolution, a rebuild), so
/// [`Store::conflicted_records`] and [`Store::returned_records`] never load a document.
pub(super) fn mark_conflicts(
    tx: &Transaction<'_>,
    id: &str,
    doc: &mut automerge::AutoCommit,
) -> Result<()> {
    match record::review::read(doc) {
        Some(r) => {
            tx.prepare_cached(
                "INSERT INTO reviews (record_id, state, note, by_name, at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (record_id) DO UPDATE SET state = excluded.state, note = excluded.note,
                   by_name = excluded.by_name, at = excluded.at",
            )?
            .execute(params![id, r.state.as_str(), r.note, r.by, r.at])?;
        }
        None => {
            tx.prepare_cached("DELETE FROM reviews WHERE record_id = ?1")?
                .execute([id])?;
        }
    }
    let fields = record::conflicts::list(doc).len();
    tx.prepare_cached("DELETE FROM conflicts_unchecked WHERE record_id = ?1")?
        .execute([id])?;
    if fields == 0 {
        tx.prepare_cached("DELETE FROM record_conflicts WHERE record_id = ?1")?
            .execute([id])?;
    } else {
        tx.prepare_cached(
            "INSERT INTO record_conflicts (record_id, fields) VALUES (?1, ?2)
             ON CONFLICT (record_id) DO UPDATE SET fields = excluded.fields",
        )?
        .execute(params![id, fields as i64])?;
    }
    Ok(())
}

/// A record some of whose fields hold concurrent values, as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConflictedRecord {
    pub id: String,
    pub kind: String,
    /// What search shows for it: a household's head and address, a place's name, a case's
    /// description (empty for kinds with nothing to name them by).
    pub title: String,
    /// How many fields (or removed list items) are in conflict.
    pub fields: u32,
}

/// One page of reading documents a bootstrap stored unread.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnreadCheck {
    /// Records found in conflict.
    pub flagged: Vec<String>,
    /// Documents read in this page.
    pub read: usize,
    /// Documents still unread.
    pub left: usize,
}

/// A record a supervisor sent back to the worker, as today's work lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReturnedRecord {
    pub id: String,
    pub kind: String,
    /// What search shows for it (empty for kinds with nothing to name them by).
    pub title: String,
    /// What to put right.
    pub note: String,
    pub by: String,
    pub at: String,
    /// For a visit or an inspection: the household or place it was about (kind, id).
    pub subject: Option<(String, String)>,
}

impl Store {
    /// Reads up to `limit` of the documents a bootstrap stored unread and records their
    /// conflicts. Returns the records found in conflict (screens showing them reload), how
    /// many documents it read, and how many are still unread.
    pub fn check_unread_conflicts(&mut self, limit: usize) -> Result<UnreadCheck> {
        self.write(|tx| {
            let ids: Vec<String> = tx
                .prepare_cached(
                    "SELECT record_id FROM conflicts_unchecked ORDER BY record_id LIMIT ?1",
                )?
                .query_map([limit as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut flagged = Vec::new();
            let read = ids.len();
            for id in ids {
                let bytes: Vec<u8> = tx
                    .prepare_cached("SELECT doc FROM records WHERE id = ?1")?
                    .query_row([&id], |r| r.get(0))?;
                let mut doc =
                    automerge::AutoCommit::load(&bytes).map_err(|e| crate::Error::Document {
                        id: id.clone(),
                        reason: e.to_string(),
                    })?;
                mark_conflicts(tx, &id, &mut doc)?;
                let found: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM record_conflicts WHERE record_id = ?1)",
                    )?
                    .query_row([&id], |r| r.get(0))?;
                if found {
                    flagged.push(id);
                }
            }
            let left: i64 =
                tx.query_row("SELECT count(*) FROM conflicts_unchecked", [], |r| r.get(0))?;
            Ok(UnreadCheck {
                flagged,
                read,
                left: left.try_into().unwrap_or(usize::MAX),
            })
        })
    }

    /// Records of `grid` (every grid when `None`) that hold unresolved conflicts, most
    /// conflicted first; archived records too, since their values still disagree.
    pub fn conflicted_records(&self, grid: Option<&str>) -> Result<Vec<ConflictedRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.kind, coalesce(s.title, ''), c.fields
             FROM record_conflicts c JOIN records r ON r.id = c.record_id
             LEFT JOIN search_text s ON s.rowid = r.rowid
             WHERE ?1 IS NULL OR r.grid = ?1
             ORDER BY c.fields DESC, r.id",
        )?;
        let rows = stmt.query_map([grid], |r| {
            Ok(ConflictedRecord {
                id: r.get(0)?,
                kind: r.get(1)?,
                title: r.get(2)?,
                fields: r.get::<_, i64>(3)?.try_into().unwrap_or(u32::MAX),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records of `grid` (every grid when `None`) a supervisor sent back, oldest review first.
    pub fn returned_records(&self, grid: Option<&str>) -> Result<Vec<ReturnedRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.kind, coalesce(s.title, ''), v.note, v.by_name, v.at,
                    coalesce(vi.subject_kind, ins.subject_kind), coalesce(vi.subject_id, ins.subject_id)
             FROM reviews v JOIN records r ON r.id = v.record_id
             LEFT JOIN search_text s ON s.rowid = r.rowid
             LEFT JOIN visits vi ON vi.record_id = r.id
             LEFT JOIN inspections ins ON ins.record_id = r.id
             WHERE v.state = 'returned' AND (?1 IS NULL OR r.grid = ?1)
             ORDER BY v.at, r.id",
        )?;
        let rows = stmt.query_map([grid], |r| {
            Ok(ReturnedRecord {
                id: r.get(0)?,
                kind: r.get(1)?,
                title: r.get(2)?,
                note: r.get(3)?,
                by: r.get(4)?,
                at: r.get(5)?,
                subject: match (
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ) {
                    (Some(kind), Some(id)) => Some((kind, id)),
                    _ => None,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many records of `grid` (every grid when `None`) hold unresolved conflicts.
    pub fn conflicted_count(&self, grid: Option<&str>) -> Result<u32> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM record_conflicts c JOIN records r ON r.id = c.record_id
                 WHERE ?1 IS NULL OR r.grid = ?1",
            )?
            .query_row([grid], |r| r.get(0))?;
        Ok(n.try_into().unwrap_or(u32::MAX))
    }

    /// Recomputes every projection row from the documents alone; returns how many records.
    pub fn rebuild(&mut self) -> Result<usize> {
        self.write(|tx| {
            for table in crate::Kind::ALL
                .iter()
                .flat_map(|k| k.ops().tables())
                .chain(SEARCH_TABLES.iter())
                .chain(
                    [
                        "record_blobs",
                        "record_conflicts",
                        "conflicts_unchecked",
                        "reviews",
                    ]
                    .iter(),
                )
            {
                tx.execute(&format!("DELETE FROM {table}"), [])?;
            }
            let count = super::records::each_document(tx, |doc, env| {
                let data = env.kind.ops().load(&env, record::read_data(doc))?;
                replace(tx, &env, data)?;
                mark_conflicts(tx, &env.id.to_string(), doc)
            })?;
            tx.execute("DELETE FROM meta WHERE key = 'projections_stale'", [])?;
            Ok(count)
        })
    }

    /// Every projection row, as text, in a stable order: what tests compare before and
    /// after a rebuild.
    pub fn projection_snapshot(&self) -> Result<Vec<String>> {
        let queries = [
            "SELECT 'h', * FROM households ORDER BY record_id",
            "SELECT 'rb', * FROM record_blobs ORDER BY record_id, hash",
            "SELECT 'c', * FROM record_conflicts ORDER BY record_id",
            "SELECT 'm', * FROM members ORDER BY record_id, member_id",
            "SELECT 'p', * FROM places ORDER BY record_id",
            "SELECT 's', r.id, s.title, s.names, s.other FROM search_text s JOIN records r ON r.rowid = s.rowid ORDER BY r.id",
            "SELECT 'k', r.id, k.key FROM search_keys k JOIN records r ON r.rowid = k.rec ORDER BY r.id, k.key",
            "SELECT 'g', r.id, g.gram FROM search_grams g JOIN records r ON r.rowid = g.rec ORDER BY r.id, g.gram",
        ];
        let mut out = Vec::new();
        for q in queries {
            let mut stmt = self.conn.prepare(q)?;
            let cols = stmt.column_count();
            let rows = stmt.query_map([], |r| {
                let mut parts = Vec::with_capacity(cols);
                for i in 0..cols {
                    let v: rusqlite::types::Value = r.get(i)?;
                    parts.push(format!("{v:?}"));
                }
                Ok(parts.join("|"))
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }
}
