//! Importing a grid tree from a CSV of codes and names (编码,名称), as offices keep it in a
//! spreadsheet. Parents come from the code prefixes; a new node's id is its code. The whole
//! file is checked first and every problem listed by line; nothing is written unless all of
//! it is good, and then all of it in one transaction. A row already in the tree (same code,
//! same name) is counted and left alone, so importing a file again changes nothing.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::grid_codes::{self, CodeProblem};
use crate::storage::{Grid, Storage};
use crate::text;

/// The CSV an upload or a request may carry: a county's tree is a few thousand rows.
pub const MAX_BYTES: usize = 1 << 20;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Nodes added.
    pub added: usize,
    /// Rows already in the tree under the same code and name.
    pub present: usize,
}

/// One problem of a refused file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    /// The first row is not the header 编码,名称 (or code,name), or the file is not UTF-8 text.
    Header,
    /// A quoted field never closes.
    Unclosed,
    /// Other than a code and a name (empty trailing columns are allowed).
    Columns(usize),
    Code(CodeProblem),
    /// Missing, over 100 characters, or not on one line.
    Name,
    /// The code is on an earlier line of the file.
    Duplicate {
        first_line: usize,
    },
    /// No node carries the parent's code, in the file or the tree.
    ParentMissing {
        parent_code: String,
    },
    /// A node of the tree has this code under another name.
    CodeTaken {
        node: String,
    },
    /// A node of the tree has this code as its id but not as its code.
    IdTaken,
}

impl Issue {
    /// The stable code a program reads.
    pub fn code(&self) -> &'static str {
        match self {
            Issue::Header => "bad_header",
            Issue::Unclosed => "unclosed_quote",
            Issue::Columns(_) => "bad_columns",
            Issue::Code(_) => "invalid_grid_code",
            Issue::Name => "invalid_name",
            Issue::Duplicate { .. } => "duplicate_code",
            Issue::ParentMissing { .. } => "parent_missing",
            Issue::CodeTaken { .. } => "grid_code_taken",
            Issue::IdTaken => "grid_id_taken",
        }
    }

    pub fn words(&self, zh: bool) -> String {
        match (self, zh) {
            (Issue::Header, true) => "第一行应为表头“编码,名称”（UTF-8 编码的 CSV）".into(),
            (Issue::Header, false) => {
                "the first row must be the header 编码,名称 (or code,name), in UTF-8".into()
            }
            (Issue::Unclosed, true) => "引号没有闭合".into(),
            (Issue::Unclosed, false) => "a quoted field is never closed".into(),
            (Issue::Columns(n), true) => format!("应为编码、名称两列，此行有 {n} 列"),
            (Issue::Columns(n), false) => {
                format!("a row has two columns, code and name; this one has {n}")
            }
            (Issue::Code(p), zh) => p.words(zh),
            (Issue::Name, true) => "名称为 1–100 个字符，不能为空或换行".into(),
            (Issue::Name, false) => "a name is 1–100 characters on one line".into(),
            (Issue::Duplicate { first_line }, true) => {
                format!("编码与第 {first_line} 行重复")
            }
            (Issue::Duplicate { first_line }, false) => {
                format!("the same code is on line {first_line}")
            }
            (Issue::ParentMissing { parent_code }, true) => {
                format!("上级编码 {parent_code} 既不在文件中，也不在网格树中")
            }
            (Issue::ParentMissing { parent_code }, false) => {
                format!("no node has the parent code {parent_code}, in the file or the tree")
            }
            (Issue::CodeTaken { node }, true) => {
                format!("该编码已属于名称不同的节点 {node}")
            }
            (Issue::CodeTaken { node }, false) => {
                format!("the code is already node {node}'s, under another name")
            }
            (Issue::IdTaken, true) => "已有以此编码为编号、但未设此编码的节点".into(),
            (Issue::IdTaken, false) => "a node has this code as its id but not as its code".into(),
        }
    }
}

/// A problem and the line of the file it is on (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub issue: Issue,
}

/// A refused import: every problem found, nothing written.
#[derive(Debug)]
pub enum ImportError {
    Refused(Vec<Problem>),
    Api(ApiError),
}

impl From<ApiError> for ImportError {
    fn from(e: ApiError) -> Self {
        ImportError::Api(e)
    }
}

impl From<crate::storage::StorageError> for ImportError {
    fn from(e: crate::storage::StorageError) -> Self {
        ImportError::Api(e.into())
    }
}

#[derive(Serialize)]
struct RefusedBody<'a> {
    error: RefusedInner<'a>,
    problems: Vec<ProblemJson>,
}

#[derive(Serialize)]
struct RefusedInner<'a> {
    code: &'a str,
    message: String,
}

#[derive(Serialize)]
struct ProblemJson {
    line: usize,
    code: &'static str,
    message: String,
}

impl IntoResponse for ImportError {
    fn into_response(self) -> Response {
        match self {
            ImportError::Api(e) => e.into_response(),
            ImportError::Refused(problems) => {
                let body = RefusedBody {
                    error: RefusedInner {
                        code: "invalid_grid_csv",
                        message: format!(
                            "the file has {} problem{}; nothing was imported",
                            problems.len(),
                            if problems.len() == 1 { "" } else { "s" }
                        ),
                    },
                    problems: problems
                        .iter()
                        .map(|p| ProblemJson {
                            line: p.line,
                            code: p.issue.code(),
                            message: p.issue.words(false),
                        })
                        .collect(),
                };
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
        }
    }
}

/// The header's two names, either language.
fn is_header(fields: &[String]) -> bool {
    let f: Vec<String> = fields.iter().map(|x| x.trim().to_lowercase()).collect();
    matches!(
        f.iter().map(String::as_str).collect::<Vec<_>>().as_slice(),
        ["编码", "名称", rest @ ..] | ["code", "name", rest @ ..] if rest.iter().all(|r| r.is_empty())
    )
}

/// A row that passed its own checks.
struct Row {
    line: usize,
    code: String,
    name: String,
}

/// Checks the whole file against the tree: the rows to add, the count already present, or
/// every problem.
fn plan(
    bytes: &[u8],
    grids: &[Grid],
    codes: &BTreeMap<String, String>,
) -> Result<(Vec<Row>, usize), Vec<Problem>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        vec![Problem {
            line: 1,
            issue: Issue::Header,
        }]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let recs = crate::csv_text::records(text).map_err(|line| {
        vec![Problem {
            line,
            issue: Issue::Unclosed,
        }]
    })?;
    let mut recs = recs
        .into_iter()
        .filter(|(_, f)| f.iter().any(|x| !x.trim().is_empty()));
    if !recs.next().is_some_and(|(_, f)| is_header(&f)) {
        return Err(vec![Problem {
            line: 1,
            issue: Issue::Header,
        }]);
    }
    let name_of: HashMap<&str, &str> = grids
        .iter()
        .map(|g| (g.id.as_str(), g.name.as_str()))
        .collect();
    let holder: HashMap<&str, &str> = codes
        .iter()
        .map(|(g, c)| (c.as_str(), g.as_str()))
        .collect();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut present = 0;
    for (line, fields) in recs {
        let mut bad = |issue| problems.push(Problem { line, issue });
        let used = fields
            .iter()
            .rposition(|f| !f.trim().is_empty())
            .map_or(0, |i| i + 1);
        if used > 2 {
            bad(Issue::Columns(used));
            continue;
        }
        let code = fields.first().map_or("", |c| c.trim()).to_string();
        let raw_name = fields.get(1).map_or("", String::as_str);
        let code_ok = match grid_codes::level(&code) {
            Ok(_) => true,
            Err(p) => {
                bad(Issue::Code(p));
                false
            }
        };
        if code_ok {
            if let Some(first_line) = seen.get(&code) {
                bad(Issue::Duplicate {
                    first_line: *first_line,
                });
                continue;
            }
            seen.insert(code.clone(), line);
        }
        let Some(name) = text::name(raw_name, 100) else {
            bad(Issue::Name);
            continue;
        };
        if !code_ok {
            continue;
        }
        match holder.get(code.as_str()) {
            Some(node) if name_of.get(node) == Some(&name) => present += 1,
            Some(node) => bad(Issue::CodeTaken {
                node: node.to_string(),
            }),
            None if name_of.contains_key(code.as_str()) => bad(Issue::IdTaken),
            None => rows.push(Row {
                line,
                code,
                name: name.to_string(),
            }),
        }
    }
    for r in &rows {
        if let Some(parent) = grid_codes::parent_of(&r.code)
            && !seen.contains_key(parent)
            && !holder.contains_key(parent)
        {
            problems.push(Problem {
                line: r.line,
                issue: Issue::ParentMissing {
                    parent_code: parent.to_string(),
                },
            });
        }
    }
    if problems.is_empty() {
        Ok((rows, present))
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// Checks the file and, if all of it is good, adds its new nodes in one transaction.
pub async fn import(
    storage: &Arc<dyn Storage>,
    bytes: &[u8],
    by: &str,
) -> Result<ImportSummary, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a grid CSV may be at most {MAX_BYTES} bytes"),
        )
        .into());
    }
    let grids = storage.grids().await?;
    let codes = grid_codes::all(storage.as_ref()).await?;
    let (mut rows, present) = plan(bytes, &grids, &codes).map_err(ImportError::Refused)?;
    // Parents before children: a parent's code is shorter.
    rows.sort_by(|a, b| (a.code.len(), &a.code).cmp(&(b.code.len(), &b.code)));
    let holder: HashMap<&str, &str> = codes
        .iter()
        .map(|(g, c)| (c.as_str(), g.as_str()))
        .collect();
    let at = crate::admin::now();
    let stmts: Vec<_> = rows
        .iter()
        .flat_map(|r| {
            let parent = grid_codes::parent_of(&r.code)
                .map(|p| holder.get(p).map_or(p.to_string(), |g| g.to_string()));
            let grid = Grid {
                id: r.code.clone(),
                name: r.name.clone(),
                parent,
            };
            grid_codes::insert_coded(&grid, &r.code, by, &at)
        })
        .collect();
    if !stmts.is_empty() {
        storage.report_write(&stmts).await?;
    }
    tracing::info!(added = rows.len(), present, "grid tree imported");
    Ok(ImportSummary {
        added: rows.len(),
        present,
    })
}

/// `admin grid import FILE`: the import, told in lines; a refused file's problems are the
/// error, one line each.
pub async fn import_file(storage: &Arc<dyn Storage>, file: &std::path::Path) -> Result<(), String> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("reading the CSV: {}", e.kind()))?
        .len();
    if size > MAX_BYTES as u64 {
        return Err(format!("a grid CSV may be at most {MAX_BYTES} bytes"));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("reading the CSV: {}", e.kind()))?;
    match import(storage, &bytes, "console").await {
        Ok(s) if s.added == 0 => {
            println!(
                "nothing to add: all {} nodes are in the tree already",
                s.present
            );
            Ok(())
        }
        Ok(s) => {
            println!("added {} nodes", s.added);
            println!("{} already in the tree", s.present);
            Ok(())
        }
        Err(ImportError::Api(e)) => Err(format!("{} ({})", e.message, e.code)),
        Err(ImportError::Refused(problems)) => {
            let mut text = format!("nothing imported: {} problems", problems.len());
            for p in &problems {
                text.push_str(&format!(
                    "\nline {}: {}: {}",
                    p.line,
                    p.issue.code(),
                    p.issue.words(false)
                ));
            }
            Err(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (Vec<Grid>, BTreeMap<String, String>) {
        let grids = vec![Grid {
            id: "pd".into(),
            name: "浦东新区".into(),
            parent: None,
        }];
        let codes = BTreeMap::from([("pd".to_string(), "310115".to_string())]);
        (grids, codes)
    }

    fn problems(csv: &str) -> Vec<(usize, &'static str)> {
        let (g, c) = tree();
        match plan(csv.as_bytes(), &g, &c) {
            Ok(_) => vec![],
            Err(ps) => ps.iter().map(|p| (p.line, p.issue.code())).collect(),
        }
    }

    #[test]
    fn a_good_file_under_a_coded_node_adds_its_rows_and_counts_what_is_there() {
        let (g, c) = tree();
        let csv = "\u{feff}编码,名称\r\n310115,浦东新区\r\n310115005,花木街道\r\n\"310115005001\",\"牡丹, 社区\"\r\n";
        let Ok((rows, present)) = plan(csv.as_bytes(), &g, &c) else {
            panic!("the file was refused");
        };
        assert_eq!(present, 1);
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.code.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [("310115005", "花木街道"), ("310115005001", "牡丹, 社区")]
        );
    }

    #[test]
    fn english_header_and_blank_lines_are_fine() {
        assert_eq!(problems("Code,Name,,\n\n310115005,花木街道,,\n"), vec![]);
    }

    #[test]
    fn every_problem_is_listed_by_line() {
        let csv = "编码,名称\n\
                   31011500,短\n\
                   310115005,\n\
                   310115006,甲\n\
                   310115006,乙\n\
                   310115007001,无上级\n\
                   310115,别的名字\n\
                   310115008,a,b\n";
        assert_eq!(
            problems(csv),
            vec![
                (2, "invalid_grid_code"),
                (3, "invalid_name"),
                (5, "duplicate_code"),
                (6, "parent_missing"),
                (7, "grid_code_taken"),
                (8, "bad_columns"),
            ]
        );
    }

    #[test]
    fn a_missing_header_or_an_open_quote_refuses_the_file() {
        assert_eq!(problems("310115005,花木街道\n"), vec![(1, "bad_header")]);
        assert_eq!(problems(""), vec![(1, "bad_header")]);
        assert_eq!(
            problems("编码,名称\n310115005,\"花木\n"),
            vec![(2, "unclosed_quote")]
        );
        let (g, c) = tree();
        assert!(plan(&[0xff, 0xfe, 0x00], &g, &c).is_err());
    }

    #[test]
    fn a_node_whose_id_is_the_code_but_uncoded_is_refused() {
        let (mut g, c) = tree();
        g.push(Grid {
            id: "310115005".into(),
            name: "花木街道".into(),
            parent: Some("pd".into()),
        });
        let got = plan("编码,名称\n310115005,花木街道\n".as_bytes(), &g, &c).err();
        assert_eq!(
            got.map(|ps| ps.into_iter().map(|p| p.issue).collect::<Vec<_>>()),
            Some(vec![Issue::IdTaken])
        );
    }
}
