//! Unfinished forms. Each screen with a form keeps what the worker has typed so far under one
//! key; the app being killed loses nothing, and the drafts list lets a worker resume one.
//! Core does not read a draft's fields: they are the form's own (JSON), so a form can change
//! shape without a migration here.

use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::error::Result;

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
    /// Keeps (or replaces) a draft; `saved_at` is set to now.
    pub fn save_draft(
        &mut self,
        key: &str,
        form: &str,
        record_id: Option<&str>,
        title: &str,
        fields: &str,
    ) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
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
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Drops a draft once its form is saved or abandoned; no error if there is none.
    pub fn clear_draft(&mut self, key: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM drafts WHERE key = ?1", [key])?;
            Ok(())
        })
    }
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
}
