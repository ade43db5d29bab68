//! The office's ledgers (台账): 走访台账, 隐患排查整改台账, 矛盾纠纷排查化解台账,
//! 特殊群体帮扶台账 and 民情日志, generated for a node of the grid tree and a period from what
//! the workers already recorded, so nobody types a visit twice (issue 23).
//!
//! A ledger is **data**: a title, a source (which records its rows come from, one row per
//! visit, hazard, dispute, person cared for, or worker-day) and its columns, each a header
//! and one of the source's fields. The built-in definitions (`defaults.json`) follow the
//! layouts county offices ask for; an administrator may rename, reorder, drop or add
//! columns, or define a ledger of their own over a source, through the API, the command line
//! or the admin page, and the next export follows it without a rebuild. What a source can
//! offer is code ([`fields`]), because it is read out of the records' documents.

pub mod build;
pub mod cli;
pub mod fields;
pub mod sheet;

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::reports::sql::{SqlValue, Stmt};
use crate::storage::{Storage, StorageError};
use crate::text;

const DEFAULTS: &str = include_str!("defaults.json");

/// Most columns a ledger may have: a printed A4 landscape page holds about this many.
pub const MAX_COLUMNS: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The column's heading as printed, e.g. 整改期限.
    pub header: String,
    /// One of the source's fields ([`fields::of`]).
    pub field: String,
}

/// One ledger's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    #[serde(default)]
    pub id: String,
    pub title: String,
    pub source: String,
    pub columns: Vec<Column>,
    /// For the `special_groups` source: the member tags whose holders the ledger lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// The built-in definitions, in the order offices file them.
pub fn built_in() -> Vec<Definition> {
    // The file is part of the binary and checked by a test, so it cannot fail at run time;
    // an empty list is still the safe answer if it ever did.
    serde_json::from_str(DEFAULTS).unwrap_or_default()
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks a definition an administrator sent; the error names what is wrong.
pub fn check(id: &str, mut def: Definition) -> Result<Definition, ApiError> {
    let bad = |m: String| ApiError::bad_request("invalid_ledger", m);
    if !valid_id(id) {
        return Err(bad(
            "a ledger id is 1–40 lowercase letters, digits or '_'".into()
        ));
    }
    if !def.id.is_empty() && def.id != id {
        return Err(bad(
            "the definition's id differs from the one in the path".into()
        ));
    }
    def.id = id.to_string();
    def.title = text::name(&def.title, 60)
        .ok_or_else(|| bad("title must be 1–60 characters on one line".into()))?
        .to_string();
    let catalog = fields::of(&def.source).ok_or_else(|| {
        bad(format!(
            "source must be one of: {}",
            fields::SOURCES.join(", ")
        ))
    })?;
    if def.columns.is_empty() || def.columns.len() > MAX_COLUMNS {
        return Err(bad(format!("a ledger has 1–{MAX_COLUMNS} columns")));
    }
    for (i, c) in def.columns.iter_mut().enumerate() {
        c.header = text::name(&c.header, 30)
            .ok_or_else(|| bad(format!("columns[{i}].header must be 1–30 characters")))?
            .to_string();
        if !catalog.iter().any(|f| f.key == c.field) {
            return Err(bad(format!(
                "columns[{i}].field is not a field of source {}",
                def.source
            )));
        }
    }
    if def.source == "special_groups" {
        if def.tags.is_empty() {
            return Err(bad("a special_groups ledger names at least one tag".into()));
        }
        for (i, t) in def.tags.iter().enumerate() {
            if !valid_id(t) {
                return Err(bad(format!("tags[{i}] is not a tag name")));
            }
        }
    } else if !def.tags.is_empty() {
        return Err(bad("tags apply to the special_groups source only".into()));
    }
    Ok(def)
}

/// Every ledger: the administrator's definitions over the built-in ones, built-ins first.
pub async fn all(storage: &dyn Storage) -> Result<Vec<Definition>, StorageError> {
    let stored = storage
        .report_query(&Stmt::new(
            "SELECT id, definition FROM ledger_definitions ORDER BY id",
            vec![],
        ))
        .await?;
    let mut stored: Vec<Definition> = stored
        .iter()
        .filter_map(|r| {
            let id = r.first()?.text();
            let mut d: Definition = serde_json::from_str(r.get(1)?.text()).ok()?;
            d.id = id.to_string();
            Some(d)
        })
        .collect();
    let mut out = Vec::new();
    for b in built_in() {
        match stored.iter().position(|d| d.id == b.id) {
            Some(i) => out.push(stored.remove(i)),
            None => out.push(b),
        }
    }
    out.extend(stored);
    Ok(out)
}

/// The ids an administrator has stored a definition for.
pub async fn stored_ids(storage: &dyn Storage) -> Result<Vec<String>, StorageError> {
    Ok(storage
        .report_query(&Stmt::new(
            "SELECT id FROM ledger_definitions ORDER BY id",
            vec![],
        ))
        .await?
        .iter()
        .filter_map(|r| r.first().map(|v| v.text().to_string()))
        .collect())
}

pub async fn get(storage: &dyn Storage, id: &str) -> Result<Option<Definition>, StorageError> {
    Ok(all(storage).await?.into_iter().find(|d| d.id == id))
}

/// Stores an administrator's definition (already [`check`]ed), replacing any before it.
pub async fn put(
    storage: &dyn Storage,
    def: &Definition,
    by: &str,
    at: &str,
) -> Result<(), StorageError> {
    let text = serde_json::to_string(def).unwrap_or_default();
    storage
        .report_write(&[
            Stmt::new(
                "DELETE FROM ledger_definitions WHERE id = $1",
                vec![(&def.id).into()],
            ),
            Stmt::new(
                "INSERT INTO ledger_definitions (id, definition, updated_by, updated_at) VALUES ($1, $2, $3, $4)",
                vec![(&def.id).into(), text.into(), by.into(), at.into()],
            ),
        ])
        .await
}

/// Drops the administrator's definition: a built-in ledger goes back to its default, one of
/// their own is gone. `false` when there was nothing to drop.
pub async fn reset(storage: &dyn Storage, id: &str) -> Result<bool, StorageError> {
    let had = storage
        .report_query(&Stmt::new(
            "SELECT COUNT(*) FROM ledger_definitions WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        .first()
        .and_then(|r| r.first())
        .map_or(0, SqlValue::int);
    storage
        .report_write(&[Stmt::new(
            "DELETE FROM ledger_definitions WHERE id = $1",
            vec![id.into()],
        )])
        .await?;
    Ok(had > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_ledgers_pass_their_own_check() {
        let all = built_in();
        let ids: Vec<&str> = all.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "visits",
                "hazards",
                "disputes",
                "special_groups",
                "daily_log"
            ]
        );
        for d in all {
            let id = d.id.clone();
            assert_eq!(check(&id, d.clone()), Ok(d));
        }
    }

    fn refusal(id: &str, def: Definition) -> ApiError {
        check(id, def)
            .err()
            .unwrap_or_else(|| panic!("{id} passed its check"))
    }

    #[test]
    fn a_definition_is_refused_naming_what_is_wrong() {
        let good = built_in().remove(1);
        let mut unknown = good.clone();
        unknown.columns[2].field = "salary".into();
        let Err(e) = check("hazards", unknown) else {
            panic!("an unknown field passed");
        };
        assert_eq!(e.code, "invalid_ledger");
        assert!(e.message.contains("columns[2].field"), "{}", e.message);

        let mut no_source = good.clone();
        no_source.source = "payroll".into();
        assert!(refusal("hazards", no_source).message.contains("source"));

        let mut empty = good.clone();
        empty.columns.clear();
        assert!(check("hazards", empty).is_err());

        let mut blank = good.clone();
        blank.columns[0].header = " \n".into();
        assert!(
            refusal("hazards", blank)
                .message
                .contains("columns[0].header")
        );

        assert!(check("Hazards!", good.clone()).is_err());
        assert!(refusal("other", good).message.contains("differs"));
    }
}
