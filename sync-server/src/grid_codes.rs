//! Standard grid codes: the administrative code an office files a node of the grid tree under.
//! A county or district carries its GB/T 2260 code (6 digits); a street or township adds 3
//! digits and a community or village 3 more (the statistics bureau's 统计用区划代码); a grid
//! adds a 3-digit sequence (CJ/T 349 and the provincial grid-coding rules) — 15 in all.
//!
//! Codes live beside the tree (`grid_codes`), not in `grids`: relays with old databases keep
//! their tree as it is, and a node without a code is as valid as before.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::reports::sql::Stmt;
use crate::storage::{Grid, Storage, StorageError};

/// One code per node, each code on one node only, in SQL both databases read alike.
pub const DDL: &str = "
CREATE TABLE IF NOT EXISTS grid_codes (
    grid TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
";

/// The level a code's length tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    County,
    Street,
    Community,
    Grid,
}

impl Level {
    fn of_len(len: usize) -> Option<Level> {
        match len {
            6 => Some(Level::County),
            9 => Some(Level::Street),
            12 => Some(Level::Community),
            15 => Some(Level::Grid),
            _ => None,
        }
    }

    fn word(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Level::County, true) => "区县",
            (Level::Street, true) => "街道乡镇",
            (Level::Community, true) => "社区村",
            (Level::Grid, true) => "网格序号",
            (Level::County, false) => "county",
            (Level::Street, false) => "street",
            (Level::Community, false) => "community",
            (Level::Grid, false) => "grid sequence",
        }
    }
}

/// What is wrong with a code, by rule. Only the code and tree ids are named: no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeProblem {
    NotDigits,
    BadLength(usize),
    UnknownProvince(String),
    /// The segment of that level is 000.
    ZeroSegment(Level),
    /// The parent carries a code and this one is not it plus 3 digits.
    NotUnderParent {
        parent_code: String,
    },
}

/// Province-level codes of GB/T 2260 (the first two digits of every code).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

impl CodeProblem {
    pub fn words(&self, zh: bool) -> String {
        match (self, zh) {
            (CodeProblem::NotDigits, true) => "编码只能由数字组成".into(),
            (CodeProblem::NotDigits, false) => "a grid code is ASCII digits only".into(),
            (CodeProblem::BadLength(n), true) => {
                format!("编码长 {n} 位；区县 6 位、街道 9 位、社区 12 位、网格 15 位")
            }
            (CodeProblem::BadLength(n), false) => format!(
                "a grid code has 6 (county), 9 (street), 12 (community) or 15 (grid) digits, not {n}"
            ),
            (CodeProblem::UnknownProvince(p), true) => format!("开头 {p} 不是省级行政区划代码"),
            (CodeProblem::UnknownProvince(p), false) => {
                format!("{p} is not a province-level code (GB/T 2260)")
            }
            (CodeProblem::ZeroSegment(l), true) => format!("{}一段不能为 000", l.word(true)),
            (CodeProblem::ZeroSegment(l), false) => {
                format!("the {} segment may not be 000", l.word(false))
            }
            (CodeProblem::NotUnderParent { parent_code }, true) => {
                format!("应为上级编码 {parent_code} 加 3 位数字")
            }
            (CodeProblem::NotUnderParent { parent_code }, false) => {
                format!("the code must be the parent's code {parent_code} followed by 3 digits")
            }
        }
    }

    pub fn to_api(&self) -> ApiError {
        ApiError::bad_request("invalid_grid_code", self.words(false))
    }
}

/// Checks a code on its own and tells its level.
pub fn level(code: &str) -> Result<Level, CodeProblem> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeProblem::NotDigits);
    }
    let level = Level::of_len(code.len()).ok_or(CodeProblem::BadLength(code.len()))?;
    let province = &code[..2];
    if !province.parse::<u8>().is_ok_and(|p| PROVINCES.contains(&p)) {
        return Err(CodeProblem::UnknownProvince(province.to_string()));
    }
    for (at, l) in [(6, Level::Street), (9, Level::Community), (12, Level::Grid)] {
        if code.get(at..at + 3) == Some("000") {
            return Err(CodeProblem::ZeroSegment(l));
        }
    }
    Ok(level)
}

/// Checks a code for a node whose parent carries `parent_code` (if any).
pub fn check(code: &str, parent_code: Option<&str>) -> Result<Level, CodeProblem> {
    let level = level(code)?;
    if let Some(p) = parent_code
        && !(code.len() == p.len() + 3 && code.starts_with(p))
    {
        return Err(CodeProblem::NotUnderParent {
            parent_code: p.to_string(),
        });
    }
    Ok(level)
}

/// The parent's code a code implies (`None` for a county).
pub fn parent_of(code: &str) -> Option<&str> {
    (code.len() > 6).then(|| &code[..code.len() - 3])
}

/// Every node's code, by grid id — for ledgers, exports and listings.
pub async fn all(storage: &dyn Storage) -> Result<BTreeMap<String, String>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new("SELECT grid, code FROM grid_codes", vec![]))
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r[0].text().to_string(), r[1].text().to_string()))
        .collect())
}

/// A node with its code, as the admin API and commands list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodedGrid {
    #[serde(flatten)]
    pub grid: Grid,
    pub code: Option<String>,
}

/// The whole tree with codes.
pub async fn coded_grids(storage: &dyn Storage) -> Result<Vec<CodedGrid>, StorageError> {
    let mut codes = all(storage).await?;
    Ok(storage
        .grids()
        .await?
        .into_iter()
        .map(|grid| CodedGrid {
            code: codes.remove(&grid.id),
            grid,
        })
        .collect())
}

/// The statements that store a new node with its code (in the transaction of the caller's
/// `report_write`, so the node never exists without the code it was added with).
pub(crate) fn insert_coded(grid: &Grid, code: &str, by: &str, at: &str) -> [Stmt; 2] {
    [
        Stmt::new(
            "INSERT INTO grids (id, name, parent) VALUES ($1, $2, $3)",
            vec![
                grid.id.as_str().into(),
                grid.name.as_str().into(),
                grid.parent.clone().into(),
            ],
        ),
        Stmt::new(
            "INSERT INTO grid_codes (grid, code, set_by, set_at) VALUES ($1, $2, $3, $4)",
            vec![grid.id.as_str().into(), code.into(), by.into(), at.into()],
        ),
    ]
}

fn taken(code: &str, holder: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "grid_code_taken",
        format!("code {code} is already the code of node {holder}"),
    )
}

/// Adds a node, with a code if one is given: the id and name checked as `admin::add_grid`
/// checks them, the code by its rules, under its parent's code and unused.
pub async fn add_grid(
    storage: &Arc<dyn Storage>,
    grid: Grid,
    code: Option<&str>,
    by: &str,
) -> Result<CodedGrid, ApiError> {
    let Some(code) = code else {
        let grid =
            crate::admin::add_grid(storage, &grid.id, &grid.name, grid.parent.as_deref()).await?;
        return Ok(CodedGrid { grid, code: None });
    };
    let grid = crate::admin::checked_grid(&grid.id, &grid.name, grid.parent.as_deref())?;
    let grids = storage.grids().await?;
    if grids.iter().any(|g| g.id == grid.id) {
        return Err(StorageError::Exists(format!("grid {}", grid.id)).into());
    }
    if let Some(p) = &grid.parent
        && !grids.iter().any(|g| &g.id == p)
    {
        return Err(StorageError::NotFound(format!("parent {p}")).into());
    }
    let codes = all(storage.as_ref()).await?;
    let parent_code = grid.parent.as_ref().and_then(|p| codes.get(p));
    check(code, parent_code.map(String::as_str)).map_err(|p| p.to_api())?;
    if let Some((holder, _)) = codes.iter().find(|(_, c)| *c == code) {
        return Err(taken(code, holder));
    }
    storage
        .report_write(&insert_coded(&grid, code, by, &crate::admin::now()))
        .await?;
    Ok(CodedGrid {
        grid,
        code: Some(code.to_string()),
    })
}

/// Sets or changes a node's code. Refused when another node has it, when it is not under the
/// parent's code, or when a child's code would no longer start with it.
pub async fn set_code(
    storage: &Arc<dyn Storage>,
    id: &str,
    code: &str,
    by: &str,
) -> Result<CodedGrid, ApiError> {
    let grids = storage.grids().await?;
    let grid = grids
        .iter()
        .find(|g| g.id == id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("no such grid-tree node"))?;
    let codes = all(storage.as_ref()).await?;
    let parent_code = grid.parent.as_ref().and_then(|p| codes.get(p));
    check(code, parent_code.map(String::as_str)).map_err(|p| p.to_api())?;
    if let Some((holder, _)) = codes.iter().find(|(g, c)| *c == code && *g != id) {
        return Err(taken(code, holder));
    }
    for child in grids.iter().filter(|g| g.parent.as_deref() == Some(id)) {
        if let Some(cc) = codes.get(&child.id)
            && check(cc, Some(code)).is_err()
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "grid_code_children",
                format!(
                    "child {} has code {cc}, which would no longer start with {code}",
                    child.id
                ),
            ));
        }
    }
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO grid_codes (grid, code, set_by, set_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (grid) DO UPDATE SET code = excluded.code, set_by = excluded.set_by,
             set_at = excluded.set_at",
            vec![
                id.into(),
                code.into(),
                by.into(),
                crate::admin::now().into(),
            ],
        )])
        .await?;
    Ok(CodedGrid {
        grid,
        code: Some(code.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_length_is_a_level() {
        assert_eq!(level("310115"), Ok(Level::County));
        assert_eq!(level("310115005"), Ok(Level::Street));
        assert_eq!(level("310115005001"), Ok(Level::Community));
        assert_eq!(level("310115005001001"), Ok(Level::Grid));
        for bad in ["31011", "3101150", "3101150050010010"] {
            assert_eq!(level(bad), Err(CodeProblem::BadLength(bad.len())), "{bad}");
        }
    }

    #[test]
    fn only_ascii_digits() {
        assert_eq!(level(""), Err(CodeProblem::NotDigits));
        assert_eq!(level("31011a"), Err(CodeProblem::NotDigits));
        assert_eq!(level("３１０１１５"), Err(CodeProblem::NotDigits));
        assert_eq!(level(" 310115"), Err(CodeProblem::NotDigits));
    }

    #[test]
    fn the_first_two_digits_are_a_province() {
        for ok in [
            "110101", "460100", "540102", "650102", "710000", "810000", "820000",
        ] {
            assert!(level(ok).is_ok(), "{ok}");
        }
        for (bad, p) in [
            ("100101", "10"),
            ("160101", "16"),
            ("470101", "47"),
            ("830000", "83"),
        ] {
            assert_eq!(level(bad), Err(CodeProblem::UnknownProvince(p.into())));
        }
    }

    #[test]
    fn no_segment_after_the_county_is_000() {
        assert_eq!(
            level("310115000"),
            Err(CodeProblem::ZeroSegment(Level::Street))
        );
        assert_eq!(
            level("310115005000"),
            Err(CodeProblem::ZeroSegment(Level::Community))
        );
        assert_eq!(
            level("310115005001000"),
            Err(CodeProblem::ZeroSegment(Level::Grid))
        );
        // The county's own digits may hold zeros (a municipality's 110000 region codes).
        assert!(level("110100").is_ok());
    }

    #[test]
    fn a_coded_parent_is_the_prefix_plus_three_digits() {
        assert!(check("310115005", Some("310115")).is_ok());
        let not_under = Err(CodeProblem::NotUnderParent {
            parent_code: "310115".into(),
        });
        assert_eq!(check("310116005", Some("310115")), not_under);
        assert_eq!(check("310115005001", Some("310115")), not_under);
        assert!(check("310115005001", None).is_ok());
    }

    #[test]
    fn the_parent_code_is_the_code_less_three_digits() {
        assert_eq!(parent_of("310115005001001"), Some("310115005001"));
        assert_eq!(parent_of("310115005"), Some("310115"));
        assert_eq!(parent_of("310115"), None);
    }

    #[test]
    fn messages_name_the_rule() {
        assert!(CodeProblem::BadLength(7).words(false).contains("not 7"));
        assert!(
            CodeProblem::ZeroSegment(Level::Community)
                .words(false)
                .contains("community")
        );
        assert_eq!(CodeProblem::NotDigits.to_api().code, "invalid_grid_code");
    }
}
