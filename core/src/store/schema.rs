//! Schema migrations as numbered steps, tracked in `PRAGMA user_version`. A step may declare
//! that projections must be recomputed; projections are derived data, so that is always safe.

use rusqlite::{Connection, Transaction};

use crate::error::{Error, Result};

struct Step {
    sql: &'static str,
    /// Projections need recomputing from documents after this step.
    rebuild: bool,
}

const STEPS: &[Step] = &[
    // 1: documents, outbox, cursors, and the list projections.
    Step {
        sql: "
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL DEFAULT 0,
            schema_version INTEGER NOT NULL,
            doc BLOB NOT NULL,
            heads TEXT NOT NULL,
            -- Change chunks appended after the last full save of `doc`.
            tail INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX records_kind_grid ON records (kind, grid);
        -- Changes whose dependencies have not arrived yet; applied when they do.
        CREATE TABLE pending_changes (
            record_id TEXT NOT NULL,
            hash TEXT NOT NULL,
            bytes BLOB NOT NULL,
            PRIMARY KEY (record_id, hash)
        ) WITHOUT ROWID;
        -- Local changes the server has not acknowledged.
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            record_id TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            bytes BLOB NOT NULL
        );
        -- Per grid, how far this device has pulled the server's change feed.
        CREATE TABLE cursors (grid TEXT PRIMARY KEY, cursor TEXT NOT NULL);
        CREATE TABLE households (
            record_id TEXT PRIMARY KEY,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL,
            community TEXT, compound TEXT, building TEXT, unit TEXT, floor TEXT, room TEXT,
            address TEXT NOT NULL,
            housing_type TEXT,
            head_name TEXT,
            member_count INTEGER NOT NULL,
            tags TEXT NOT NULL,
            member_tags TEXT NOT NULL
        );
        CREATE INDEX households_grid ON households (grid, compound, building, unit, room);
        CREATE TABLE members (
            record_id TEXT NOT NULL,
            member_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            id_number TEXT,
            phone TEXT,
            gender TEXT,
            birth_date TEXT,
            relation TEXT,
            registration TEXT,
            tags TEXT NOT NULL,
            PRIMARY KEY (record_id, member_id)
        );
        CREATE TABLE places (
            record_id TEXT PRIMARY KEY,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL,
            name TEXT NOT NULL,
            place_type TEXT,
            address TEXT NOT NULL,
            responsible TEXT,
            contact TEXT
        );
        CREATE INDEX places_grid ON places (grid, place_type);
        ",
        rebuild: false,
    },
    // 2: search — Chinese substrings by trigram, short name pieces, pinyin initials and spelling.
    // The FTS rowid is the record's rowid in `records`, so a record's row is found directly.
    Step {
        sql: "
        -- No per-column sizes: results are ranked by where the match is, not by bm25.
        CREATE VIRTUAL TABLE search_text USING fts5 (title UNINDEXED, names, other, tokenize = 'trigram', columnsize = 0);
        CREATE TABLE search_keys (key TEXT NOT NULL, rec INTEGER NOT NULL, PRIMARY KEY (key, rec)) WITHOUT ROWID;
        CREATE INDEX search_keys_rec ON search_keys (rec);
        -- One- and two-character pieces of names: trigrams cannot index the short queries
        -- people type most (a surname, a two-character given name).
        CREATE TABLE search_grams (gram TEXT NOT NULL, rec INTEGER NOT NULL, PRIMARY KEY (gram, rec)) WITHOUT ROWID;
        CREATE INDEX search_grams_rec ON search_grams (rec);
        ",
        rebuild: true,
    },
    // 3: the six duties — visits, inspections, cases, mediations, activities.
    Step {
        sql: "
        CREATE TABLE visits (
            record_id TEXT PRIMARY KEY,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL,
            subject_kind TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            visited_at TEXT NOT NULL,
            worker TEXT,
            purpose TEXT NOT NULL
        );
        CREATE INDEX visits_subject ON visits (subject_id, visited_at);
        CREATE INDEX visits_grid ON visits (grid, visited_at);
        CREATE TABLE visit_members (
            record_id TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            member_id TEXT NOT NULL,
            visited_at TEXT NOT NULL,
            PRIMARY KEY (record_id, member_id)
        );
        CREATE INDEX visit_members_member ON visit_members (member_id, visited_at);
        CREATE TABLE cases (
            record_id TEXT PRIMARY KEY,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL,
            category TEXT NOT NULL,
            subcategory TEXT,
            severity TEXT NOT NULL,
            state TEXT NOT NULL,
            subject_kind TEXT,
            subject_id TEXT,
            reported_at TEXT NOT NULL,
            deadline TEXT NOT NULL,
            closed_at TEXT,
            source_id TEXT
        );
        CREATE INDEX cases_open ON cases (grid, state, deadline);
        CREATE INDEX cases_deadline ON cases (deadline);
        CREATE TABLE mediations (
            record_id TEXT PRIMARY KEY,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL,
            dispute_type TEXT NOT NULL,
            risk_level TEXT NOT NULL,
            result TEXT,
            opened_on TEXT NOT NULL,
            last_activity TEXT NOT NULL,
            next_follow_up TEXT,
            needs_escalation INTEGER NOT NULL
        );
        CREATE TABLE inspections (
            record_id TEXT PRIMARY KEY,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL,
            template_id TEXT NOT NULL,
            template_version INTEGER NOT NULL,
            subject_kind TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            inspected_at TEXT NOT NULL,
            status TEXT NOT NULL,
            failed_count INTEGER NOT NULL
        );
        CREATE INDEX inspections_subject ON inspections (subject_id, status, inspected_at);
        CREATE TABLE activities (
            record_id TEXT PRIMARY KEY,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL,
            topic TEXT NOT NULL,
            activity_type TEXT NOT NULL,
            held_on TEXT NOT NULL,
            participants INTEGER NOT NULL
        );
        ",
        rebuild: true,
    },
    // 4: attachments — content-addressed blobs (SHA-256), uploaded and fetched apart from the
    // documents that reference them by hash.
    Step {
        sql: "
        CREATE TABLE blobs (
            hash TEXT PRIMARY KEY,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            -- NULL while the blob is known only by reference from another device's record.
            bytes BLOB,
            -- 'local': needs upload; 'uploaded': the server has it; 'remote': to be fetched.
            state TEXT NOT NULL CHECK (state IN ('local', 'uploaded', 'remote')),
            added_at TEXT,
            CHECK ((bytes IS NULL) = (state = 'remote'))
        );
        CREATE INDEX blobs_state ON blobs (state, added_at);
        ",
        rebuild: false,
    },
    // 5: checklist templates, synced down from supervisors; an (id, version) never changes.
    Step {
        sql: "
        CREATE TABLE templates (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (id, version)
        );
        ",
        rebuild: false,
    },
    // 6: which records name which attachments, so a blob is uploaded tied to a record its
    // owner may write, and a record's photos can be fetched when it is opened.
    Step {
        sql: "
        CREATE TABLE record_blobs (
            record_id TEXT NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (record_id, hash)
        );
        CREATE INDEX record_blobs_by_hash ON record_blobs (hash);
        ",
        rebuild: true,
    },
    // 7: local changes the server refused for good (their record belongs to another grid, say).
    // They leave the outbox so they cannot hold up later work, and are kept — nothing a
    // worker typed is thrown away — until someone requeues them.
    Step {
        sql: "
        CREATE TABLE refused_changes (
            hash TEXT PRIMARY KEY,
            record_id TEXT NOT NULL,
            bytes BLOB NOT NULL,
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            refused_at TEXT NOT NULL
        );
        ",
        rebuild: false,
    },
    // 8: when each outbox entry was queued, so a phone can say how old its oldest unsynced
    // work is. A trigger stamps every insert, whichever path queues it (an edit, a re-issue,
    // a recovery). Entries already queued get the upgrade's time: their true age is unknown,
    // and counting from the upgrade can only make a warning late, never false.
    Step {
        sql: "
        ALTER TABLE outbox ADD COLUMN queued_at TEXT;
        UPDATE outbox SET queued_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
        CREATE TRIGGER outbox_queued_at AFTER INSERT ON outbox
        FOR EACH ROW WHEN NEW.queued_at IS NULL
        BEGIN
            UPDATE outbox SET queued_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE seq = NEW.seq;
        END;
        ",
        rebuild: false,
    },
    // 9: unfinished forms. A worker's half-typed household or visit must survive the app
    // being killed (a call coming in, low memory on a 2 GB phone). Kept in the store rather
    // than in a file beside it so they share its encryption (SQLCipher on the phones) and
    // its sign-out and erasure.
    Step {
        sql: "
        CREATE TABLE drafts (
            key TEXT PRIMARY KEY,
            form TEXT NOT NULL,
            record_id TEXT,
            title TEXT NOT NULL,
            fields TEXT NOT NULL,
            saved_at TEXT NOT NULL
        );
        ",
        rebuild: false,
    },
    // 10: FTS5 removes a deleted row's terms from its index at once instead of at a later
    // merge, so an erased record's name and numbers leave the search index with it.
    Step {
        sql: "
        INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
        ",
        rebuild: false,
    },
    // 11: an activity's venue in its list row, so the phone's activity list says where each
    // was held without reading every document. Rebuilt from the documents, which always held it.
    Step {
        sql: "
        ALTER TABLE activities ADD COLUMN venue TEXT NOT NULL DEFAULT '';
        ",
        rebuild: true,
    },
    // 12: which records hold concurrent values, so a grid-wide list of conflicts is one query
    // instead of loading every document. Kept where projections are written (from the
    // document itself), so the rebuild this step asks for fills it for records already held.
    // Leaves with its record (erasure) through the foreign key.
    // A bootstrap stores documents without reading them (that is its point), so the records
    // it stores wait in `conflicts_unchecked` until a sync reads them a page at a time.
    Step {
        sql: "
        CREATE TABLE record_conflicts (
            record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
            fields INTEGER NOT NULL CHECK (fields > 0)
        ) WITHOUT ROWID;
        CREATE TABLE conflicts_unchecked (
            record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE
        ) WITHOUT ROWID;
        ",
        rebuild: true,
    },
    // 13: records that moved to another grid under a new id (the relay's erasure notice
    // with `moved_to`), so a visit or case naming the old id can say where it went.
    Step {
        sql: "
        CREATE TABLE moved_records (
            old_id TEXT PRIMARY KEY,
            new_id TEXT NOT NULL,
            moved_seq INTEGER NOT NULL
        ) WITHOUT ROWID;
        ",
        rebuild: false,
    },
    // 14: supervisors' reviews (checked, or returned with a note), read from the documents
    // where conflicts are, so today's work lists what was sent back without loading them.
    // Documents already held may carry one written before this app knew of reviews: they
    // are queued to be read, as a bootstrap's are, which each sync does a page at a time.
    Step {
        sql: "
        CREATE TABLE reviews (
            record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            note TEXT NOT NULL,
            by_name TEXT NOT NULL,
            at TEXT NOT NULL
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO conflicts_unchecked (record_id) SELECT id FROM records;
        ",
        rebuild: false,
    },
    // 15: tasks a supervisor gives (a kind from sync protocol 7). A relay never sent them to
    // this phone before, so every grid it already pulls asks once for the grid's tasks from
    // the start (`catch_up`); a grid pulled from now on gets them with its bootstrap.
    Step {
        sql: "
        CREATE TABLE tasks (
            record_id TEXT PRIMARY KEY,
            grid TEXT NOT NULL,
            archived INTEGER NOT NULL,
            title TEXT NOT NULL,
            task_type TEXT NOT NULL,
            due_on TEXT NOT NULL,
            given_at TEXT NOT NULL,
            counts_from TEXT NOT NULL,
            assignees TEXT NOT NULL
        );
        CREATE INDEX tasks_due ON tasks (archived, due_on);
        CREATE TABLE task_targets (
            record_id TEXT NOT NULL,
            target_id TEXT NOT NULL,
            target_kind TEXT NOT NULL,
            label TEXT NOT NULL,
            position INTEGER NOT NULL,
            marked INTEGER NOT NULL,
            PRIMARY KEY (record_id, target_id)
        ) WITHOUT ROWID;
        CREATE TABLE catch_up (
            grid TEXT NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (grid, kind)
        ) WITHOUT ROWID;
        INSERT INTO catch_up (grid, kind) SELECT grid, 'task' FROM cursors WHERE cursor != '';
        ",
        rebuild: false,
    },
];

pub const LATEST: i64 = STEPS.len() as i64;

/// Brings the database up to `target`; returns whether projections must be rebuilt.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<bool> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > LATEST {
        return Err(Error::SchemaTooNew {
            found: current,
            known: LATEST,
        });
    }
    let mut rebuild = false;
    for version in current..target.min(LATEST) {
        let step = &STEPS[version as usize];
        let tx = conn.transaction()?;
        apply(&tx, step.sql, version + 1)?;
        tx.commit()?;
        // A fresh database has nothing to rebuild.
        rebuild |= step.rebuild && current > 0;
    }
    Ok(rebuild)
}

fn apply(tx: &Transaction<'_>, sql: &str, version: i64) -> Result<()> {
    tx.execute_batch(sql)?;
    tx.pragma_update(None, "user_version", version)?;
    Ok(())
}
