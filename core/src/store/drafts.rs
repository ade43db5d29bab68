//! Unfinished forms. Each screen with a form keeps what the worker has typed so far under one
//! key; the app being killed loses nothing, and the drafts list lets a worker resume one.
//! Core does not read a draft's fields: they are the form's own (JSON), so a form can change
//! shape without a migration here.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::error::Result;

/// How often one form's draft is written while the worker types: each write is an encrypted
/// page or two and an fsync on a cheap phone's flash, per keystroke otherwise. What is typed
/// in between is held here and written by the next keystroke after the interval, by
/// `flush_drafts` (the app going to the background, a form closing) or when the store closes.
pub const DRAFT_EVERY: Duration = Duration::from_secs(2);

/// Drafts typed faster than `DRAFT_EVERY`, per form: when each was last written, and what
/// has been typed since, not written yet.
#[derive(Debug, Default)]
pub(crate) struct HeldDrafts {
    by_key: HashMap<String, (Instant, Option<Draft>)>,
}

/// One unfinished form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The form and what it is about (`household:new`, `visit:<household id>`, …).
    pub key: String,
    /// Which form (`household`, `visit`, `inspection`, `mediation`, `case`).
    pub form: String,
    /// The record being edited or visited, if any.
    pub record_id: Option<String>,
    /// What the drafts list shows (an address, a shop's name).
    pub title: String,
    /// The form's fields, as the form wrote them.
    pub fields: String,
    /// When it was last saved (RFC 3339, UTC).
    pub saved_at: String,
}

impl Store {
    /// A form's input as the worker types it: written at once, unless this form's draft was
    /// written less than `DRAFT_EVERY` ago — then held, and written by the next call after the
    /// interval, by `flush_drafts`, or when the store closes. `draft` and `drafts` see it
    /// either way.
    pub fn keep_draft(
        &mut self,
        key: &str,
        form: &str,
        record_id: Option<&str>,
        title: &str,
        fields: &str,
    ) -> Result<()> {
        let now = Instant::now();
        if let Some((written, held)) = self.held_drafts.by_key.get_mut(key)
            && now.duration_since(*written) < DRAFT_EVERY
        {
            *held = Some(Draft {
                key: key.to_string(),
                form: form.to_string(),
                record_id: record_id.map(str::to_string),
                title: title.to_string(),
                fields: fields.to_string(),
                saved_at: saved_at_now(),
            });
            return Ok(());
        }
        self.save_draft(key, form, record_id, title, fields)?;
        self.held_drafts.by_key.insert(key.to_string(), (now, None));
        Ok(())
    }

    /// Writes every held draft: call it when the app goes to the background or a form
    /// closes, so the last keystrokes survive the app being killed. How many were written.
    pub fn flush_drafts(&mut self) -> Result<usize> {
        let held: Vec<Draft> = self
            .held_drafts
            .by_key
            .values_mut()
            .filter_map(|(_, held)| held.take())
            .collect();
        for d in &held {
            self.save_draft(&d.key, &d.form, d.record_id.as_deref(), &d.title, &d.fields)?;
        }
        Ok(held.len())
    }

    /// Drafts typed but not written yet.
    pub fn held_draft_count(&self) -> usize {
        self.held_drafts
            .by_key
            .values()
            .filter(|(_, held)| held.is_some())
            .count()
    }

    /// Keeps (or replaces) a draft now; `saved_at` is set to now.
    pub fn save_draft(
        &mut self,
        key: &str,
        form: &str,
        record_id: Option<&str>,
        title: &str,
        fields: &str,
    ) -> Result<()> {
        // Written now, it is newer than anything held for the same form.
        if let Some((written, held)) = self.held_drafts.by_key.get_mut(key) {
            *written = Instant::now();
            *held = None;
        }
        let now = saved_at_now();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO drafts (key, form, record_id, title, fields, saved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (key) DO UPDATE SET form = ?2, record_id = ?3, title = ?4,
                     fields = ?5, saved_at = ?6",
                params![key, form, record_id, title, fields, now],
            )?;
            Ok(())
        })
    }

    pub fn draft(&self, key: &str) -> Result<Option<Draft>> {
        if let Some((_, Some(held))) = self.held_drafts.by_key.get(key) {
            return Ok(Some(held.clone()));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, form, record_id, title, fields, saved_at FROM drafts WHERE key = ?1",
        )?;
        Ok(stmt.query_row([key], row).optional()?)
    }

    /// Every draft, the most recently saved first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, form, record_id, title, fields, saved_at FROM drafts
             ORDER BY saved_at DESC, key",
        )?;
        let rows = stmt.query_map([], row)?;
        let mut all: Vec<Draft> = rows.collect::<rusqlite::Result<_>>()?;
        for (_, held) in self.held_drafts.by_key.values() {
            if let Some(held) = held {
                all.retain(|d| d.key != held.key);
                all.push(held.clone());
            }
        }
        all.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then_with(|| a.key.cmp(&b.key)));
        Ok(all)
    }

    /// Drops a draft once its form is saved or abandoned; no error if there is none.
    pub fn clear_draft(&mut self, key: &str) -> Result<()> {
        // What was held for it goes too: a saved form's last keystrokes must not come back
        // as a draft when the held ones are flushed.
        self.held_drafts.by_key.remove(key);
        self.write(|tx| {
            tx.execute("DELETE FROM drafts WHERE key = ?1", [key])?;
            Ok(())
        })
    }
}

fn saved_at_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Draft> {
    Ok(Draft {
        key: r.get(0)?,
        form: r.get(1)?,
        record_id: r.get(2)?,
        title: r.get(3)?,
        fields: r.get(4)?,
        saved_at: r.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_survives_reopening_the_store_and_goes_when_cleared() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("store.db");
        let mut store = Store::init(&path, Some("w1"))?;
        store.save_draft("household:new", "household", None, "3栋", r#"{"a":"1"}"#)?;
        store.save_draft("visit:h1", "visit", Some("h1"), "3栋 101", r#"{"b":"2"}"#)?;
        store.save_draft(
            "household:new",
            "household",
            None,
            "3栋 2单元",
            r#"{"a":"12"}"#,
        )?;
        drop(store);

        let mut store = Store::open(&path)?;
        let kept = store
            .draft("household:new")?
            .ok_or(crate::Error::NotFound("draft".into()))?;
        assert_eq!(kept.fields, r#"{"a":"12"}"#);
        assert_eq!(kept.title, "3栋 2单元");
        let all = store.drafts()?;
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].key, "household:new", "the last saved comes first");
        assert_eq!(all[1].record_id.as_deref(), Some("h1"));

        store.clear_draft("household:new")?;
        store.clear_draft("household:new")?;
        assert_eq!(store.draft("household:new")?, None);
        assert_eq!(store.drafts()?.len(), 1);
        Ok(())
    }

    #[test]
    fn typing_fast_writes_a_form_once_per_interval_and_flush_keeps_the_last_keystrokes()
    -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("store.db");
        let mut store = Store::init(&path, Some("w1"))?;
        let written = |store: &Store| -> Result<Option<String>> {
            Ok(store
                .conn
                .query_row(
                    "SELECT fields FROM drafts WHERE key = 'visit:h1'",
                    [],
                    |r| r.get::<_, String>(0),
                )
                .optional()?)
        };
        for text in ["a", "ab", "abc", "abcd"] {
            store.keep_draft("visit:h1", "visit", Some("h1"), "101", text)?;
        }
        assert_eq!(
            written(&store)?.as_deref(),
            Some("a"),
            "the first keystroke is written"
        );
        assert_eq!(store.held_draft_count(), 1);
        let seen = store.draft("visit:h1")?.map(|d| d.fields);
        assert_eq!(
            seen.as_deref(),
            Some("abcd"),
            "the form reopens with all of it"
        );
        assert_eq!(store.drafts()?.len(), 1);

        assert_eq!(store.flush_drafts()?, 1);
        assert_eq!(written(&store)?.as_deref(), Some("abcd"));
        assert_eq!(store.flush_drafts()?, 0, "nothing held twice");

        // Saved (cleared) while keystrokes are held: they do not come back on a flush.
        store.keep_draft("visit:h1", "visit", Some("h1"), "101", "abcde")?;
        store.clear_draft("visit:h1")?;
        store.flush_drafts()?;
        assert_eq!(written(&store)?, None);
        assert_eq!(store.draft("visit:h1")?, None);

        // Held when the store closes: written on the way out.
        store.keep_draft("visit:h2", "visit", Some("h2"), "102", "x")?;
        store.keep_draft("visit:h2", "visit", Some("h2"), "102", "xy")?;
        drop(store);
        let store = Store::open(&path)?;
        assert_eq!(
            store.draft("visit:h2")?.map(|d| d.fields).as_deref(),
            Some("xy")
        );
        Ok(())
    }
}
