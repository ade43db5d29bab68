//! Never delete a store. Android's default database error handler deletes a file SQLite calls
//! corrupt, and every unsynced visit with it; a lost Keystore key makes a store unreadable.
//! Here a store that cannot be opened, or fails SQLite's `integrity_check`, is moved aside intact
//! (with its WAL, which may hold the last commits), a fresh store takes its place, and what
//! can still be read is carried over row by row: records whose documents load, the outbox,
//! set-aside and waiting changes, attachments, and the enrolment. The fresh store writes under
//! a fresh actor (it is another incarnation), pulls its grids again from the start, and the
//! server fills in whatever could not be read.

use std::path::{Path, PathBuf};

use automerge::AutoCommit;
use rusqlite::{Connection, OpenFlags, params};

use super::{Durability, Store, StoreKey};
use crate::error::{Error, Result};
use crate::exchange::{ChangeSet, RecordChanges};

/// What opening a damaged store did, for the worker and for support staff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recovery {
    /// Where the damaged file now lies, untouched (its `-wal` beside it).
    pub moved_to: String,
    /// `damaged` (SQLite found it corrupt) or `undecryptable` (the key does not open it).
    pub cause: String,
    /// Records carried over, and rows of the records table that could not be read.
    pub records: u64,
    pub records_unreadable: u64,
    /// Unsynced local changes carried over (they go to the server at the next sync).
    pub outbox: u64,
    pub blobs: u64,
    /// When it happened (RFC 3339, UTC).
    pub at: String,
}

impl Recovery {
    /// What the phone shows, in Chinese.
    pub fn message_zh(&self) -> String {
        match self.cause.as_str() {
            "undecryptable" => "手机上的数据文件无法解密（可能是系统密钥丢失）。原文件已原样保留，已新建数据文件；请同步以从服务器取回已上传的记录，并联系技术支持处理原文件。".into(),
            _ => format!(
                "手机上的数据文件已损坏。原文件已原样保留，已新建数据文件并找回 {} 条记录、{} 条未上传的修改；{}请同步以从服务器补齐其余记录。",
                self.records,
                self.outbox,
                if self.records_unreadable > 0 {
                    format!("有 {} 条记录无法读出，", self.records_unreadable)
                } else {
                    String::new()
                }
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self.cause.as_str() {
            "undecryptable" => "The data file on this phone cannot be decrypted (the system key may be lost). It was kept as it was and a new one started; sync to get back what reached the server, and contact support about the old file.".into(),
            _ => format!(
                "The data file on this phone was damaged. It was kept as it was; a new one holds {} records and {} unsynced edits recovered from it{}. Sync to fill in the rest from the server.",
                self.records,
                self.outbox,
                if self.records_unreadable > 0 {
                    format!(" ({} records could not be read)", self.records_unreadable)
                } else {
                    String::new()
                }
            ),
        }
    }
}

const K_RECOVERY: &str = "last_recovery";

/// Meta keys that belong to the damaged incarnation, not to the worker's enrolment.
const NOT_CARRIED: &[&str] = &[
    "actor",
    "actor_written",
    "former_actors",
    "store_file",
    "incarnation_reason",
    "incarnation_since",
    "projections_stale",
    super::templates::TEMPLATES_SEQ,
    K_RECOVERY,
];

impl Store {
    /// Opens the store at `path` (creating it if missing), or — if it cannot be opened or
    /// fails `integrity_check` — moves it aside, starts a fresh one and recovers what it can.
    pub fn open_or_recover(
        path: impl AsRef<Path>,
        user: Option<&str>,
    ) -> Result<(Store, Option<Recovery>)> {
        open_or_recover(path.as_ref(), None, user)
    }

    /// [`Store::open_or_recover`] for an encrypted store: one the key does not open is moved
    /// aside as `undecryptable` (kept, in case the key comes back).
    pub fn open_encrypted_or_recover(
        path: impl AsRef<Path>,
        key: &StoreKey,
        user: Option<&str>,
    ) -> Result<(Store, Option<Recovery>)> {
        open_or_recover(path.as_ref(), Some(key), user)
    }

    /// The last recovery this store came from, if any (kept until cleared).
    pub fn last_recovery(&self) -> Result<Option<Recovery>> {
        Ok(self
            .meta(K_RECOVERY)?
            .and_then(|text| serde_json::from_str(&text).ok()))
    }

    /// The worker has been told about the last recovery; it is not shown again.
    pub fn clear_last_recovery(&mut self) -> Result<()> {
        self.clear_meta(&[K_RECOVERY])
    }
}

fn open_or_recover(
    path: &Path,
    key: Option<&StoreKey>,
    user: Option<&str>,
) -> Result<(Store, Option<Recovery>)> {
    if !path.exists() {
        return Ok((Store::init_with_key(path, key, user)?, None));
    }
    // Looked at read-only first: opening for writing would already write to a damaged file
    // (its journal mode, this store's file identity) before the damage showed.
    let cause = match check_read_only(path, key) {
        Verdict::Sound => match Store::open_with_key(path, Durability::default(), key) {
            Ok(store) => return Ok((store, None)),
            Err(Error::WrongKey) if key.is_some() => "undecryptable",
            Err(e) if is_damage(&e) => "damaged",
            Err(e) => return Err(e),
        },
        Verdict::Undecryptable => "undecryptable",
        Verdict::Damaged => "damaged",
    };
    let moved = move_aside(path)?;
    let mut fresh = Store::init_with_key(path, key, user)?;
    let mut recovery = Recovery {
        moved_to: moved.display().to_string(),
        cause: cause.into(),
        records: 0,
        records_unreadable: 0,
        outbox: 0,
        blobs: 0,
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    if let Some(old) = open_damaged(&moved, key) {
        salvage(&old, &mut fresh, &mut recovery)?;
    }
    let text = serde_json::to_string(&recovery).unwrap_or_default();
    fresh.set_meta(K_RECOVERY, &text)?;
    Ok((fresh, Some(recovery)))
}

/// Errors that say the file itself is broken (as opposed to a full disk or a locked file).
fn is_damage(e: &Error) -> bool {
    match e {
        Error::Storage(rusqlite::Error::SqliteFailure(f, _)) => matches!(
            f.code,
            rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
        ),
        // Without a key, a file whose header is gone reads as "not a database".
        Error::WrongKey | Error::Document { .. } => true,
        _ => false,
    }
}

enum Verdict {
    Sound,
    Damaged,
    Undecryptable,
}

/// SQLite's `integrity_check` (b-trees, records and indexes agree) on a read-only connection. A
/// file SQLite cannot read at all is damaged, or undecryptable when a key was given; any
/// other failure (a locked file, a WAL to recover) is left to the ordinary open to report.
fn check_read_only(path: &Path, key: Option<&StoreKey>) -> Verdict {
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return Verdict::Sound;
    };
    if let Some(key) = key
        && super::encryption::apply_key(&conn, key).is_err()
    {
        return Verdict::Undecryptable;
    }
    match conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get::<_, String>(0)) {
        Ok(v) if v == "ok" => Verdict::Sound,
        Ok(_) => Verdict::Damaged,
        Err(e) if super::encryption::is_wrong_key(&e) && key.is_some() => Verdict::Undecryptable,
        Err(rusqlite::Error::SqliteFailure(f, _))
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            Verdict::Damaged
        }
        Err(_) => Verdict::Sound,
    }
}

/// Renames the store and its WAL and shared-memory files to `<name>.damaged-<time>`.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
    let mut to = PathBuf::from(format!("{}.damaged-{stamp}", path.display()));
    let mut n = 1;
    while to.exists() {
        to = PathBuf::from(format!("{}.damaged-{stamp}-{n}", path.display()));
        n += 1;
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            std::fs::rename(&side, format!("{}{suffix}", to.display()))?;
        }
    }
    std::fs::rename(path, &to)?;
    Ok(to)
}

/// The moved file, read-only, if SQLite can read anything of it with the key.
fn open_damaged(path: &Path, key: Option<&StoreKey>) -> Option<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    if let Some(key) = key {
        super::encryption::apply_key(&conn, key).ok()?;
    }
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .ok()?;
    Some(conn)
}

/// Reads every row of `table` that can be read: a plain scan first, and where it breaks off
/// (a damaged page), point reads by rowid past the break. Returns the rows and how many rows
/// failed to read.
fn rows<T>(
    conn: &Connection,
    table: &str,
    columns: &str,
    read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> (Vec<T>, u64) {
    let mut out = Vec::new();
    let mut last: i64 = 0;
    let scan = format!("SELECT rowid, {columns} FROM {table} WHERE rowid > ?1 ORDER BY rowid");
    let Ok(mut stmt) = conn.prepare(&scan) else {
        // A table without rowids (or a damaged schema): one plain scan, as far as it goes.
        let plain = format!("SELECT 0, {columns} FROM {table}");
        let Ok(mut stmt) = conn.prepare(&plain) else {
            return (out, 0);
        };
        let finished = (|| -> rusqlite::Result<()> {
            let mut q = stmt.query([])?;
            while let Some(row) = q.next()? {
                out.push(read(row)?);
            }
            Ok(())
        })();
        return (out, u64::from(finished.is_err()));
    };
    let finished = (|| -> rusqlite::Result<()> {
        let mut q = stmt.query([0i64])?;
        while let Some(row) = q.next()? {
            let rowid: i64 = row.get(0)?;
            last = rowid;
            out.push(read(row)?);
        }
        Ok(())
    })();
    if finished.is_ok() {
        return (out, 0);
    }
    let mut failed = 0;
    let top: i64 = conn
        .query_row(&format!("SELECT max(rowid) FROM {table}"), [], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .ok()
        .flatten()
        .unwrap_or(last + 100_000);
    let point = format!("SELECT rowid, {columns} FROM {table} WHERE rowid = ?1");
    let Ok(mut one) = conn.prepare(&point) else {
        return (out, 1);
    };
    // Rowids are handed out in order, so rows lie in a run: past 2,000 rowids without a row
    // the table is taken to have ended. Failures count only before the last row found.
    let (mut since_hit, mut failed_since_hit) = (0, 0);
    let mut rowid = last + 1;
    while rowid <= top && since_hit < 2_000 {
        match one.query_row([rowid], &read) {
            Ok(v) => {
                out.push(v);
                failed += failed_since_hit;
                (since_hit, failed_since_hit) = (0, 0);
            }
            Err(rusqlite::Error::QueryReturnedNoRows) => since_hit += 1,
            Err(_) => {
                since_hit += 1;
                failed_since_hit += 1;
            }
        }
        rowid += 1;
    }
    // The row the scan broke on counts as lost if no point read got it either.
    (out, failed.max(1))
}

fn salvage(old: &Connection, fresh: &mut Store, recovery: &mut Recovery) -> Result<()> {
    let (meta, _) = rows(old, "meta", "key, value", |r| {
        Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    });
    let mut former: Vec<String> = Vec::new();
    for (k, v) in &meta {
        match k.as_str() {
            "actor" => former.push(v.clone()),
            "former_actors" => {
                former.extend(v.split(',').filter(|s| !s.is_empty()).map(String::from))
            }
            _ if NOT_CARRIED.contains(&k.as_str()) => {}
            _ => fresh.set_meta(k, v)?,
        }
    }
    if let Some(user) = meta.iter().find(|(k, _)| k == "user") {
        fresh.user = Some(user.1.clone());
    }
    // The old incarnation's actors stay this device's: its unsynced changes carry them.
    former.retain(|a| a != &fresh.actor_hex());
    if !former.is_empty() {
        fresh.set_meta("former_actors", &former.join(","))?;
        fresh.former = super::incarnation::read_former(&fresh.conn)?;
    }
    fresh.set_meta("incarnation_reason", "recovered")?;

    // The id is taken from the document itself, not the row: damage to the row's other
    // columns must not cost a document that still loads.
    let (records, unreadable) = rows(old, "records", "doc", |r| r.get::<_, Vec<u8>>(1));
    recovery.records_unreadable = unreadable;
    // Every change of ours in a recovered record goes to the server again: which of them it
    // already holds is not known once the outbox may be damaged, and a change it holds is
    // accepted again without harm. So no unsynced edit depends on the outbox having survived.
    let mut ours: Vec<(String, String, Vec<u8>)> = Vec::new();
    let mut loaded = Vec::new();
    for bytes in records {
        let Some((mut doc, id)) = AutoCommit::load(&bytes).ok().and_then(|d| {
            let id = crate::record::read_envelope(&d)?.id.to_string();
            Some((d, id))
        }) else {
            recovery.records_unreadable += 1;
            continue;
        };
        for c in doc.get_changes(&[]) {
            if former.contains(&c.actor_id().to_hex_string()) {
                ours.push((id.clone(), c.hash().to_string(), c.raw_bytes().to_vec()));
            }
        }
        loaded.push(RecordChanges {
            record_id: id,
            changes: doc
                .get_changes(&[])
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect(),
        });
    }
    // All in one transaction; if one record will not merge, the rest go one by one so it
    // costs only itself.
    let all = ChangeSet { records: loaded };
    if fresh.apply_changes(&all).is_ok() {
        recovery.records += all.records.len() as u64;
    } else {
        for record in all.records {
            let one = ChangeSet {
                records: vec![record],
            };
            match fresh.apply_changes(&one) {
                Ok(_) => recovery.records += 1,
                Err(Error::Storage(e)) => return Err(Error::Storage(e)),
                Err(_) => recovery.records_unreadable += 1,
            }
        }
    }

    let (outbox, _) = rows(old, "outbox", "record_id, hash, bytes", |r| {
        Ok((
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Vec<u8>>(3)?,
        ))
    });
    let (refused, _) = rows(
        old,
        "refused_changes",
        "hash, record_id, bytes, code, message, refused_at",
        |r| {
            Ok((
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        },
    );
    let (pending, _) = rows(old, "pending_changes", "record_id, hash, bytes", |r| {
        Ok((
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Vec<u8>>(3)?,
        ))
    });
    let (blobs, _) = rows(
        old,
        "blobs",
        "hash, media_type, size, bytes, state, added_at",
        |r| {
            Ok((
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<Vec<u8>>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        },
    );
    let mut queue = outbox;
    queue.extend(ours);
    recovery.blobs = blobs.iter().filter(|b| b.3.is_some()).count() as u64;
    fresh.write(|tx| {
        let mut add = tx.prepare_cached(
            "INSERT OR IGNORE INTO outbox (record_id, hash, bytes) VALUES (?1, ?2, ?3)",
        )?;
        let mut queued = 0;
        for (record, hash, bytes) in &queue {
            queued += add.execute(params![record, hash, bytes])?;
        }
        recovery.outbox = queued as u64;
        let mut add = tx.prepare_cached(
            "INSERT OR IGNORE INTO refused_changes (hash, record_id, bytes, code, message, refused_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (hash, record, bytes, code, message, at) in &refused {
            add.execute(params![hash, record, bytes, code, message, at])?;
        }
        let mut add = tx.prepare_cached(
            "INSERT OR IGNORE INTO pending_changes (record_id, hash, bytes) VALUES (?1, ?2, ?3)",
        )?;
        for (record, hash, bytes) in &pending {
            add.execute(params![record, hash, bytes])?;
        }
        let mut add = tx.prepare_cached(
            "INSERT OR REPLACE INTO blobs (hash, media_type, size, bytes, state, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (hash, media_type, size, bytes, state, at) in &blobs {
            // A row whose bytes and state disagree is damage, not data.
            if (bytes.is_none()) != (state == "remote") {
                continue;
            }
            add.execute(params![hash, media_type, size, bytes, state, at])?;
        }
        Ok(())
    })?;
    Ok(())
}
