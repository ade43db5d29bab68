//! Search over households and places: Chinese substrings of three characters or more (FTS5
//! trigram) in names, addresses, phone and ID numbers; one- and two-character queries (a
//! surname, a short given name) against an index of name pieces, since trigrams cannot serve
//! them; pinyin initials and spellings. Ranked: exact name, name prefix, pinyin, then the rest.

use std::collections::HashMap;

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::kinds::Kind;
use crate::pinyin_keys;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub kind: String,
    pub grid: String,
    /// What a result row shows: a household's head and address, or a place's name.
    pub title: String,
    pub score: u32,
}

/// How many candidates are ranked at most; more than a screen of results is noise.
const CANDIDATES: usize = 500;

impl Store {
    /// Finds records matching `query`, best first. Archived records are left out.
    pub fn search(
        &self,
        query: &str,
        kind: Option<Kind>,
        grid: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let mut scores: HashMap<i64, u32> = HashMap::new();
        let lower = q.to_lowercase();
        if pinyin_keys::is_pinyin_query(&lower) {
            let upper = format!("{lower}\u{7f}");
            let mut stmt = self.conn.prepare_cached(
                "SELECT rec, key FROM search_keys WHERE key >= ?1 AND key < ?2 LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![lower, upper, CANDIDATES as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (rec, key) = row?;
                let score = if key == lower { 70 } else { 50 };
                bump(&mut scores, rec, score);
            }
        }
        let short = q.chars().count() < 3;
        let mut text_rows: Vec<(i64, String, String)> = Vec::new();
        if short {
            // Names by their indexed one- and two-character pieces.
            let mut stmt = self.conn.prepare_cached(
                "SELECT s.rowid, s.names, s.other FROM search_grams g JOIN search_text s ON s.rowid = g.rec WHERE g.gram = ?1 LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![q, CANDIDATES as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            text_rows = rows.collect::<rusqlite::Result<_>>()?;
        } else {
            let phrase = format!("\"{}\"", q.replace('"', "\"\""));
            let mut stmt = self.conn.prepare_cached(
                "SELECT rowid, names, other FROM search_text WHERE search_text MATCH ?1 LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![phrase, CANDIDATES as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            for row in rows {
                text_rows.push(row?);
            }
        }
        for (rec, names, other) in text_rows {
            bump(&mut scores, rec, text_score(q, &names, &other));
        }

        let mut hits = Vec::with_capacity(scores.len().min(limit));
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.kind, r.grid, s.title FROM records r JOIN search_text s ON s.rowid = r.rowid
             WHERE r.rowid = ?1 AND r.archived = 0 AND (?2 IS NULL OR r.kind = ?2) AND (?3 IS NULL OR r.grid = ?3)",
        )?;
        for (rec, score) in scores {
            let row = stmt.query_map(params![rec, kind.map(Kind::as_str), grid], |r| {
                Ok(SearchHit {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    grid: r.get(2)?,
                    title: r.get(3)?,
                    score,
                })
            })?;
            for hit in row {
                hits.push(hit?);
            }
        }
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.id.cmp(&b.id))
        });
        hits.truncate(limit);
        Ok(hits)
    }
}

fn bump(scores: &mut HashMap<i64, u32>, rec: i64, score: u32) {
    let entry = scores.entry(rec).or_insert(0);
    *entry = (*entry).max(score);
}

fn text_score(q: &str, names: &str, other: &str) -> u32 {
    let mut best = 0;
    for name in names.split('\n') {
        best = best.max(if name == q {
            100
        } else if name.starts_with(q) {
            80
        } else if name.contains(q) {
            60
        } else {
            0
        });
    }
    for field in other.split('\n') {
        let digits = q.chars().all(|c| c.is_ascii_alphanumeric());
        best = best.max(if digits && field.ends_with(q) {
            55
        } else if field.contains(q) {
            30
        } else {
            0
        });
    }
    best.max(10)
}
