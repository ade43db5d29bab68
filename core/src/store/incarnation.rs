//! Store incarnations: a store file can be copied — Android Auto Backup, a phone migration
//! tool, a support person saving the file — and a copy that goes on writing under the
//! original's Automerge actor repeats sequence numbers the world has already seen. Automerge
//! cannot hold two changes with one (actor, seq) in a document, so such a change is refused
//! everywhere and the two copies fork for good.
//!
//! So each incarnation of a store writes under an actor of its own, and a store takes a fresh
//! one whenever it may be a copy:
//! - on open, when the file is not the one it last ran from (another inode: restored from a
//!   backup or moved to a new phone);
//! - when the server holds more changes under the store's actor than the store ever wrote
//!   (`SyncResponse::held` against the `written` counter kept here): another incarnation has
//!   written under it;
//! - when the server refuses a change as `reused_seq`, or a change arriving from elsewhere
//!   carries an (actor, seq) of ours that differs from the one held here.
//!
//! A change that did repeat a sequence number is re-issued: the document is rebuilt without
//! it (and whatever was built on it), and the same edit is written again under the current
//! actor, with the original's dependencies, time and author — a concurrent edit exactly as
//! the original was, which the world has not seen. The original's bytes are then gone from
//! this store, so the other incarnation's change of that (actor, seq) can arrive and merge.

use std::collections::{HashMap, HashSet};

use automerge::{
    ActorId, AutoCommit, Change, ChangeHash, ROOT, ReadDoc, transaction::CommitOptions,
    transaction::Transactable,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::Store;
use super::records::save_doc;
use crate::error::{Error, Result};
use crate::ids::RecordId;
use crate::record::{self, json_doc};

const K_ACTOR: &str = "actor";
/// How many changes this store has written under its current actor.
const K_WRITTEN: &str = "actor_written";
/// Actors this store wrote under before its current one, comma-separated hex.
const K_FORMER: &str = "former_actors";
/// The file this store last ran from (its inode), to notice a restored or moved copy.
const K_FILE: &str = "store_file";
/// Why the current actor was taken, and when (for support staff).
const K_REASON: &str = "incarnation_reason";
const K_SINCE: &str = "incarnation_since";

/// Why a store took a fresh actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The file is not the one the store last ran from.
    Copied,
    /// The server holds more of the actor's changes than this store wrote.
    BehindServer,
    /// A change of this store's actor repeated a sequence number someone else used.
    ReusedSeq,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Copied => "copied",
            Reason::BehindServer => "behind_server",
            Reason::ReusedSeq => "reused_seq",
        }
    }
}

/// The store's current actor and the ones it wrote under before.
#[derive(Debug, Clone)]
pub(super) struct Actors {
    pub current: ActorId,
    pub former: Vec<ActorId>,
    /// Whether incoming changes come from the server, whose copy of a colliding pair is the
    /// one every phone holds (it refuses the other), rather than from a change file.
    pub from_server: bool,
}

impl Actors {
    fn is_ours(&self, actor: &ActorId) -> bool {
        actor == &self.current || self.former.contains(actor)
    }
}

pub(super) fn read_former(conn: &Connection) -> Result<Vec<ActorId>> {
    let text = super::read_meta(conn, K_FORMER)?.unwrap_or_default();
    Ok(text
        .split(',')
        .filter(|h| !h.is_empty())
        .filter_map(|h| hex::decode(h).ok())
        .map(ActorId::from)
        .collect())
}

/// Run when a store is opened, before its actor is read: takes a fresh actor if the file is
/// a copy of another, and starts the `written` counter of a store from before incarnations.
pub(super) fn check_on_open(conn: &mut Connection, path: &std::path::Path) -> Result<()> {
    let here = file_identity(path);
    let tx = conn.transaction()?;
    let recorded = super::read_meta(&tx, K_FILE)?;
    if let (Some(here), Some(recorded)) = (&here, &recorded)
        && here != recorded
        && super::read_meta(&tx, K_ACTOR)?.is_some()
    {
        rotate(&tx, Reason::Copied)?;
    }
    if let Some(here) = here
        && recorded.as_deref() != Some(here.as_str())
    {
        set(&tx, K_FILE, &here)?;
    }
    if super::read_meta(&tx, K_WRITTEN)?.is_none()
        && let Some(actor) = super::read_meta(&tx, K_ACTOR)?
    {
        let written = count_written(&tx, &actor)?;
        set(&tx, K_WRITTEN, &written.to_string())?;
    }
    tx.commit()?;
    Ok(())
}

/// Records `path` as the store's own file, for a file the store itself rewrote (encryption
/// in place): the same store under a new inode, not a copy that needs a fresh actor.
pub(super) fn adopt_file(conn: &mut Connection, path: &std::path::Path) -> Result<()> {
    if let Some(here) = file_identity(path) {
        let tx = conn.transaction()?;
        set(&tx, K_FILE, &here)?;
        tx.commit()?;
    }
    Ok(())
}

/// Changes of `actor_hex` the store holds: for a store from before incarnations, everything
/// it wrote under its one actor. Read once, at the first open that needs it.
fn count_written(tx: &Transaction<'_>, actor_hex: &str) -> Result<u64> {
    let Ok(bytes) = hex::decode(actor_hex) else {
        return Ok(0);
    };
    let actor = ActorId::from(bytes);
    let mut n = 0u64;
    super::records::each_document(tx, |doc, _| {
        n += doc
            .get_changes(&[])
            .iter()
            .filter(|c| c.actor_id() == &actor)
            .count() as u64;
        Ok(())
    })?;
    Ok(n)
}

#[cfg(unix)]
fn file_identity(path: &std::path::Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    // The inode alone: a device number can change across reboots on some phones, and a
    // needless new actor costs a few bytes where a missed copy costs a refused edit.
    std::fs::metadata(path).ok().map(|m| m.ino().to_string())
}

#[cfg(not(unix))]
fn file_identity(_path: &std::path::Path) -> Option<String> {
    None
}

fn set(tx: &Transaction<'_>, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        [key, value],
    )?;
    Ok(())
}

/// Gives the store a fresh actor, keeping the old one among its former actors.
fn rotate(tx: &Transaction<'_>, reason: Reason) -> Result<ActorId> {
    let old = super::read_meta(tx, K_ACTOR)?;
    let fresh = ActorId::random();
    let mut former = super::read_meta(tx, K_FORMER)?.unwrap_or_default();
    if let Some(old) = old {
        if !former.is_empty() {
            former.push(',');
        }
        former.push_str(&old);
    }
    set(tx, K_FORMER, &former)?;
    set(tx, K_ACTOR, &fresh.to_hex_string())?;
    set(tx, K_WRITTEN, "0")?;
    set(tx, K_REASON, reason.as_str())?;
    set(
        tx,
        K_SINCE,
        &chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )?;
    Ok(fresh)
}

/// Counts local changes just written under the current actor.
pub(super) fn add_written(tx: &Transaction<'_>, n: usize) -> Result<()> {
    if n > 0 {
        tx.prepare_cached(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + ?1 AS TEXT) WHERE key = 'actor_written'",
        )?
        .execute([n as i64])?;
    }
    Ok(())
}

impl Store {
    /// How many changes this store has written under its current actor (sent with every
    /// sync request, so the server can say when another copy wrote under it too).
    pub fn written_under_actor(&self) -> Result<u64> {
        Ok(super::read_meta(&self.conn, K_WRITTEN)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Actors this store wrote under before its current one, hex.
    pub fn former_actors(&self) -> Vec<String> {
        self.former.iter().map(ActorId::to_hex_string).collect()
    }

    /// Takes a fresh actor for everything written from now on.
    pub fn new_incarnation(&mut self, reason: Reason) -> Result<()> {
        let fresh = self.write(|tx| rotate(tx, reason))?;
        let old = std::mem::replace(&mut self.actor, fresh);
        self.former.push(old);
        Ok(())
    }

    pub(super) fn actors(&self) -> Actors {
        Actors {
            current: self.actor.clone(),
            former: self.former.clone(),
            from_server: false,
        }
    }

    /// Re-issues local changes of `record` (by hash) under the current actor, with everything
    /// built on them; returns how many changes were written anew.
    pub fn reissue_changes(&mut self, record: RecordId, hashes: &[String]) -> Result<usize> {
        let seeds: HashSet<ChangeHash> = hashes.iter().filter_map(|h| h.parse().ok()).collect();
        let actor = self.actor.clone();
        self.write(|tx| {
            let key = record.to_string();
            let Some(bytes) = tx
                .prepare_cached("SELECT doc FROM records WHERE id = ?1")?
                .query_row([&key], |r| r.get::<_, Vec<u8>>(0))
                .optional()?
            else {
                return Ok(0);
            };
            let mut doc = AutoCommit::load(&bytes).map_err(|e| Error::Document {
                id: key.clone(),
                reason: e.to_string(),
            })?;
            let Some(env) = record::read_envelope(&doc) else {
                return Ok(0);
            };
            let (mut rebuilt, written) = reissue_in(tx, &actor, &env, &mut doc, &seeds)?;
            if written > 0 || rebuilt.get_heads() != doc.get_heads() {
                save_doc(tx, &mut rebuilt, &env, None, None)?;
            }
            Ok(written)
        })
    }
}

/// What to do about incoming changes that carry one of our (actor, seq) pairs with other
/// content: the local changes to drop and re-issue, and the incoming ones to leave out.
#[derive(Debug, Default)]
pub(super) struct Collisions {
    pub reissue: HashSet<ChangeHash>,
    pub skip: HashSet<ChangeHash>,
}

/// Decides collisions between incoming changes and what the document holds. From the server,
/// the incoming change always wins: the server holds it and refuses the other, so every
/// phone ends with the same one. From a change file (copies that met without a server) the
/// lower hash wins, on every store alike. A local edit of ours that loses is re-issued, not
/// lost; its author re-issues any other loser on its own device.
/// `Error::ActorReused` when the actor is the current one: the store must take a fresh
/// actor before it can re-issue.
pub(super) fn collisions(
    doc: &mut AutoCommit,
    incoming: &[Change],
    actors: &Actors,
    record: &str,
) -> Result<Collisions> {
    let mut out = Collisions::default();
    let ours: Vec<&Change> = incoming
        .iter()
        .filter(|c| actors.is_ours(c.actor_id()))
        .collect();
    if ours.is_empty() {
        return Ok(out);
    }
    let held: HashMap<(ActorId, u64), ChangeHash> = doc
        .get_changes(&[])
        .iter()
        .filter(|c| actors.is_ours(c.actor_id()))
        .map(|c| ((c.actor_id().clone(), c.seq()), c.hash()))
        .collect();
    for c in ours {
        let Some(local) = held.get(&(c.actor_id().clone(), c.seq())) else {
            continue;
        };
        if *local == c.hash() {
            continue;
        }
        if actors.from_server || c.hash() < *local {
            if c.actor_id() == &actors.current {
                return Err(Error::ActorReused {
                    id: record.to_string(),
                });
            }
            out.reissue.insert(*local);
        } else {
            out.skip.insert(c.hash());
        }
    }
    Ok(out)
}

/// Rebuilds `doc` without `seeds` and the changes built on them; those of them that are this
/// store's own and not yet taken by the server are written again under `actor`, and the
/// outbox and set-aside rows move along. Returns the rebuilt document (not
/// yet saved) and how many changes were written anew.
pub(super) fn reissue_in(
    tx: &Transaction<'_>,
    actor: &ActorId,
    env: &record::Envelope,
    doc: &mut AutoCommit,
    seeds: &HashSet<ChangeHash>,
) -> Result<(AutoCommit, usize)> {
    let id = env.id.to_string();
    let damaged = |e: automerge::AutomergeError| Error::Document {
        id: id.clone(),
        reason: e.to_string(),
    };
    let all = doc.get_changes(&[]);
    let mut dropped: HashSet<ChangeHash> = all
        .iter()
        .map(Change::hash)
        .filter(|h| seeds.contains(h))
        .collect();
    if dropped.is_empty() {
        return Ok((doc.clone(), 0));
    }
    // Everything built on a dropped change goes with it (a fixpoint: no reliance on order).
    loop {
        let before = dropped.len();
        for c in &all {
            if !dropped.contains(&c.hash()) && c.deps().iter().any(|d| dropped.contains(d)) {
                dropped.insert(c.hash());
            }
        }
        if dropped.len() == before {
            break;
        }
    }
    let kept: Vec<Change> = all
        .iter()
        .filter(|c| !dropped.contains(&c.hash()))
        .cloned()
        .collect();
    let mut rebuilt = AutoCommit::new();
    rebuilt.apply_changes(kept).map_err(damaged)?;

    // Re-issue in causal order: a change after every dropped change it depends on.
    let mut order: Vec<&Change> = Vec::new();
    let mut placed: HashSet<ChangeHash> = HashSet::new();
    while order.len() < dropped.len() {
        let progress = order.len();
        for c in &all {
            if dropped.contains(&c.hash())
                && !placed.contains(&c.hash())
                && c.deps()
                    .iter()
                    .all(|d| !dropped.contains(d) || placed.contains(d))
            {
                placed.insert(c.hash());
                order.push(c);
            }
        }
        if order.len() == progress {
            return Err(Error::Document {
                id,
                reason: "changes to re-issue form a cycle".into(),
            });
        }
    }

    // Only this store's own edits that the server has not taken are written again; any other
    // change dropped here lost a collision that its author settles on its own device.
    let mut unacked = tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE hash = ?1) OR EXISTS (SELECT 1 FROM refused_changes WHERE hash = ?1)",
    )?;
    let mut own: HashSet<ChangeHash> = HashSet::new();
    for c in &order {
        if unacked.query_row([c.hash().to_string()], |r| r.get::<_, bool>(0))? {
            own.insert(c.hash());
        }
    }
    let text_fields = env.kind.ops().text_fields();
    let mut mapped: HashMap<ChangeHash, Vec<ChangeHash>> = HashMap::new();
    let mut fresh: Vec<Change> = Vec::new();
    for original in order {
        let mut deps: Vec<ChangeHash> = Vec::new();
        if !own.contains(&original.hash()) {
            for d in original.deps() {
                match mapped.get(d) {
                    Some(now) => deps.extend(now.iter().copied()),
                    None => deps.push(*d),
                }
            }
            mapped.insert(original.hash(), deps);
            continue;
        }
        for d in original.deps() {
            match mapped.get(d) {
                Some(now) => deps.extend(now.iter().copied()),
                None => deps.push(*d),
            }
        }
        // One actor's changes form a chain: each must follow the actor's previous one in
        // this document, whether written now or before.
        let previous = match fresh.last() {
            Some(last) => Some(last.hash()),
            None => latest_by(&mut rebuilt, actor),
        };
        deps.extend(previous);
        deps.sort();
        deps.dedup();
        let mut target = doc.fork_at(&[original.hash()]).map_err(damaged)?;
        let mut base = rebuilt.fork_at(&deps).map_err(damaged)?;
        base.set_actor(actor.clone());
        write_state(&mut base, &mut target, text_fields).map_err(damaged)?;
        let mut opts = CommitOptions::default().with_time(original.timestamp());
        if let Some(message) = original.message() {
            opts = opts.with_message(message.to_string());
        }
        match base.commit_with(opts) {
            Some(hash) => {
                let change = base
                    .get_last_local_change()
                    .ok_or_else(|| Error::Document {
                        id: id.clone(),
                        reason: "re-issued change went missing".into(),
                    })?;
                rebuilt.apply_changes([change.clone()]).map_err(damaged)?;
                mapped.insert(original.hash(), vec![hash]);
                fresh.push(change);
            }
            // The edit changed nothing visible on its own (its effect arrived otherwise).
            None => {
                mapped.insert(original.hash(), deps);
            }
        }
    }

    let mut forget_outbox = tx.prepare_cached("DELETE FROM outbox WHERE hash = ?1")?;
    let mut forget_refused = tx.prepare_cached("DELETE FROM refused_changes WHERE hash = ?1")?;
    let mut forget_pending =
        tx.prepare_cached("DELETE FROM pending_changes WHERE record_id = ?1 AND hash = ?2")?;
    for h in &dropped {
        let h = h.to_string();
        forget_outbox.execute([&h])?;
        forget_refused.execute([&h])?;
        forget_pending.execute(params![id, h])?;
    }
    let mut queue = tx.prepare_cached(
        "INSERT OR IGNORE INTO outbox (record_id, hash, bytes) VALUES (?1, ?2, ?3)",
    )?;
    for c in &fresh {
        queue.execute(params![id, c.hash().to_string(), c.raw_bytes()])?;
    }
    add_written(tx, fresh.len())?;
    Ok((rebuilt, fresh.len()))
}

/// The hash of `actor`'s latest change in `doc`, if it has one.
fn latest_by(doc: &mut AutoCommit, actor: &ActorId) -> Option<ChangeHash> {
    doc.get_changes(&[])
        .iter()
        .filter(|c| c.actor_id() == actor)
        .max_by_key(|c| c.seq())
        .map(Change::hash)
}

/// Makes `base` show what `target` shows: the record's fields and its archived flag,
/// touching only what differs.
fn write_state(
    base: &mut AutoCommit,
    target: &mut AutoCommit,
    text_fields: &[&str],
) -> std::result::Result<(), automerge::AutomergeError> {
    let data = record::read_data(target);
    if let serde_json::Value::Object(map) = &data {
        let obj = match base.get(ROOT, "data")? {
            Some((automerge::Value::Object(_), obj)) => obj,
            _ => base.put_object(ROOT, "data", automerge::ObjType::Map)?,
        };
        json_doc::write_map(base, &obj, map, "", text_fields)?;
    }
    for key in ["archived", "schema_version"] {
        let want = target.get(ROOT, key)?.map(|(v, _)| v.into_owned());
        let have = base.get(ROOT, key)?.map(|(v, _)| v.into_owned());
        if want != have
            && let Some(automerge::Value::Scalar(s)) = want
        {
            base.put(ROOT, key, s.into_owned())?;
        }
    }
    Ok(())
}
