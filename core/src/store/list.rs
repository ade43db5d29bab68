//! Lists for screens and scripts, read from projection rows (no document is loaded).

use rusqlite::params;
use serde_json::{Value as Json, json};

use super::Store;
use crate::error::Result;
use crate::kinds::Kind;
use crate::mask;

impl Store {
    /// Summaries of records of `kind`, optionally within a grid and matching a search,
    /// ordered by address (or by rank when searching). Phone numbers masked unless `full`.
    pub fn list_json(
        &self,
        kind: Kind,
        grid: Option<&str>,
        search: Option<&str>,
        full: bool,
    ) -> Result<Vec<Json>> {
        let ids: Option<Vec<String>> = match search.map(str::trim).filter(|s| !s.is_empty()) {
            Some(q) => Some(
                self.search(q, Some(kind), grid, 200)?
                    .into_iter()
                    .map(|h| h.id)
                    .collect(),
            ),
            None => None,
        };
        let rows = match kind {
            Kind::Household => self.household_rows(grid)?,
            Kind::Place => self.place_rows(grid, full)?,
        };
        Ok(match ids {
            None => rows,
            Some(ids) => {
                let mut by_id: std::collections::HashMap<String, Json> = rows
                    .into_iter()
                    .filter_map(|r| Some((r.get("id")?.as_str()?.to_string(), r)))
                    .collect();
                ids.iter().filter_map(|id| by_id.remove(id)).collect()
            }
        })
    }

    fn household_rows(&self, grid: Option<&str>) -> Result<Vec<Json>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id, grid, address, housing_type, head_name, member_count, tags, member_tags
             FROM households WHERE archived = 0 AND (?1 IS NULL OR grid = ?1)
             ORDER BY community, compound, building, unit, room, record_id",
        )?;
        let rows = stmt.query_map(params![grid], |r| {
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "kind": "household",
                "grid": r.get::<_, String>(1)?,
                "address": r.get::<_, String>(2)?,
                "housing_type": r.get::<_, Option<String>>(3)?,
                "head_name": r.get::<_, Option<String>>(4)?,
                "member_count": r.get::<_, i64>(5)?,
                "tags": split(&r.get::<_, String>(6)?),
                "member_tags": split(&r.get::<_, String>(7)?),
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn place_rows(&self, grid: Option<&str>, full: bool) -> Result<Vec<Json>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id, grid, name, place_type, address, responsible, contact
             FROM places WHERE archived = 0 AND (?1 IS NULL OR grid = ?1) ORDER BY name, record_id",
        )?;
        let rows = stmt.query_map(params![grid], |r| {
            let contact: Option<String> = r.get(6)?;
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "kind": "place",
                "grid": r.get::<_, String>(1)?,
                "name": r.get::<_, String>(2)?,
                "place_type": r.get::<_, Option<String>>(3)?,
                "address": r.get::<_, String>(4)?,
                "responsible": r.get::<_, Option<String>>(5)?,
                "contact": if full { contact } else { contact.as_deref().map(mask::phone) },
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn split(s: &str) -> Vec<&str> {
    s.split(',').filter(|t| !t.is_empty()).collect()
}
