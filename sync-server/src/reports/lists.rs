//! Record lists behind the figures — the last step of the drill-down street → community →
//! grid → record — with ID and phone numbers masked unless the caller may see them whole.

use gridkeeper_core::mask;
use serde::Serialize;

use super::export::{Cell, Table};
use super::labels;
use super::queries::OPEN_STATES;
use super::scope::{ReportScope, instant_text};
use super::sql::{SqlValue, Stmt, placeholders};
use crate::storage::{Storage, StorageError};

/// How a column is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    Plain,
    IdNumber,
    Phone,
    Int,
    /// A glossary value (`rented`, `hazard`), shown in words.
    Word,
    /// Comma-separated glossary values (member tags).
    Words,
}

#[derive(Debug)]
struct ListDef {
    name: &'static str,
    from: &'static str,
    /// (SQL expression, Chinese header, English header, how shown)
    columns: &'static [(&'static str, &'static str, &'static str, Show)],
    /// The column a period applies to, and whether it holds dates (else instants).
    period: Option<(&'static str, bool)>,
    /// Query parameters that filter on a column by equality.
    filters: &'static [(&'static str, &'static str)],
    order: &'static str,
}

const LISTS: &[ListDef] = &[
    ListDef {
        name: "households",
        from: "r_households t",
        columns: &[
            ("t.record_id", "记录编号", "record", Show::Plain),
            ("t.grid", "网格", "grid", Show::Plain),
            ("t.address", "地址", "address", Show::Plain),
            ("t.housing_type", "住房类型", "housing", Show::Word),
            ("t.members", "人数", "members", Show::Int),
        ],
        period: None,
        filters: &[("housing_type", "t.housing_type")],
        order: "t.grid, t.address",
    },
    ListDef {
        name: "members",
        from: "r_members t JOIN r_households h ON h.record_id = t.household_id",
        columns: &[
            ("t.household_id", "记录编号", "record", Show::Plain),
            ("t.grid", "网格", "grid", Show::Plain),
            ("h.address", "地址", "address", Show::Plain),
            ("t.name", "姓名", "name", Show::Plain),
            ("t.id_number", "身份证号", "ID number", Show::IdNumber),
            ("t.phone", "手机号", "phone", Show::Phone),
            ("t.gender", "性别", "gender", Show::Word),
            ("t.birth_date", "出生日期", "birth date", Show::Plain),
            ("t.relation", "与户主关系", "relation", Show::Word),
            ("t.registration", "户籍类型", "registration", Show::Word),
            ("t.tags", "人群标签", "tags", Show::Words),
        ],
        period: None,
        filters: &[("registration", "t.registration")],
        order: "t.grid, h.address, t.name, t.member_id",
    },
    ListDef {
        name: "visits",
        from: "r_visits t",
        columns: &[
            ("t.record_id", "记录编号", "record", Show::Plain),
            ("t.grid", "网格", "grid", Show::Plain),
            ("t.visited_at", "走访时间", "visited at", Show::Plain),
            ("t.worker", "网格员", "worker", Show::Plain),
            ("t.purpose", "目的", "purpose", Show::Word),
            ("t.subject_id", "走访对象", "subject", Show::Plain),
        ],
        period: Some(("t.visited_at", false)),
        filters: &[("worker", "t.worker"), ("purpose", "t.purpose")],
        order: "t.visited_at DESC, t.record_id",
    },
    ListDef {
        name: "places",
        from: "r_places t",
        columns: &[
            ("t.record_id", "记录编号", "record", Show::Plain),
            ("t.grid", "网格", "grid", Show::Plain),
            ("t.name", "名称", "name", Show::Plain),
            ("t.place_type", "场所类型", "type", Show::Word),
            ("t.address", "地址", "address", Show::Plain),
        ],
        period: None,
        filters: &[("place_type", "t.place_type")],
        order: "t.grid, t.name",
    },
    ListDef {
        name: "inspections",
        from: "r_inspections t",
        columns: &[
            ("t.record_id", "记录编号", "record", Show::Plain),
            ("t.grid", "网格", "grid", Show::Plain),
            ("t.inspected_at", "巡查时间", "inspected at", Show::Plain),
            ("t.inspector", "巡查人", "inspector", Show::Plain),
            ("t.status", "状态", "status", Show::Word),
            ("t.subject_id", "巡查对象", "subject", Show::Plain),
        ],
        period: Some(("t.inspected_at", false)),
        filters: &[("status", "t.status")],
        order: "t.inspected_at DESC, t.record_id",
    },
    ListDef {
        name: "cases",
        from: "r_cases t",
        columns: &[
            ("t.record_id", "记录编号", "record", Show::Plain),
            ("t.grid", "网格", "grid", Show::Plain),
            ("t.category", "类别", "category", Show::Word),
            // A hazard category code when the case came from a failed checklist item.
            ("t.subcategory", "细类", "subcategory", Show::Word),
            ("t.severity", "严重程度", "severity", Show::Word),
            ("t.state", "状态", "state", Show::Word),
            ("t.reported_at", "上报时间", "reported at", Show::Plain),
            ("t.deadline", "办结时限", "deadline", Show::Plain),
            ("t.handled_at", "办结时间", "handled at", Show::Plain),
        ],
        period: Some(("t.reported_at", false)),
        filters: &[("category", "t.category"), ("state", "t.state")],
        order: "t.reported_at, t.record_id",
    },
    ListDef {
        name: "mediations",
        from: "r_mediations t",
        columns: &[
            ("t.record_id", "记录编号", "record", Show::Plain),
            ("t.grid", "网格", "grid", Show::Plain),
            ("t.dispute_type", "纠纷类型", "dispute", Show::Word),
            ("t.risk_level", "风险等级", "risk", Show::Word),
            ("t.result", "调解结果", "result", Show::Word),
            ("t.opened_on", "受理日期", "opened on", Show::Plain),
        ],
        period: Some(("t.opened_on", true)),
        filters: &[
            ("dispute_type", "t.dispute_type"),
            ("risk_level", "t.risk_level"),
            ("result", "t.result"),
        ],
        order: "t.opened_on, t.record_id",
    },
    ListDef {
        name: "activities",
        from: "r_activities t",
        columns: &[
            ("t.record_id", "记录编号", "record", Show::Plain),
            ("t.grid", "网格", "grid", Show::Plain),
            ("t.topic", "主题", "topic", Show::Plain),
            ("t.activity_type", "活动类型", "type", Show::Word),
            ("t.held_on", "日期", "held on", Show::Plain),
            ("t.participants", "参与人数", "participants", Show::Int),
        ],
        period: Some(("t.held_on", true)),
        filters: &[("activity_type", "t.activity_type")],
        order: "t.held_on, t.record_id",
    },
];

pub fn names() -> impl Iterator<Item = &'static str> {
    LISTS.iter().map(|l| l.name)
}

/// Filters beyond plain equality, named as the figure keys they explain.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Filter {
    pub equals: Vec<(String, String)>,
    /// Members carrying this tag.
    pub tag: Option<String>,
    /// Open cases only.
    pub open: bool,
    /// Open cases past their deadline.
    pub overdue: bool,
}

/// The list, or `None` if there is no such list. `full` shows ID and phone numbers whole.
pub async fn list(
    storage: &dyn Storage,
    scope: &ReportScope,
    name: &str,
    filter: &Filter,
    full: bool,
    zh: bool,
    limit: Option<usize>,
) -> Result<Option<Table>, StorageError> {
    let Some(def) = LISTS.iter().find(|l| l.name == name) else {
        return Ok(None);
    };
    let mut params: Vec<SqlValue> = Vec::new();
    let mut wheres = Vec::new();
    let param = |v: SqlValue, params: &mut Vec<SqlValue>| {
        params.push(v);
        format!("${}", params.len())
    };
    if let Some((col, dates)) = def.period {
        let (from, to) = if dates {
            (scope.period.from_text(), scope.period.to_text())
        } else {
            (scope.period.start(), scope.period.end())
        };
        let a = param(from.into(), &mut params);
        let b = param(to.into(), &mut params);
        wheres.push(if dates {
            format!("{col} >= {a} AND {col} <= {b}")
        } else {
            format!("{col} >= {a} AND {col} < {b}")
        });
    }
    for (key, value) in &filter.equals {
        if let Some((_, col)) = def.filters.iter().find(|(k, _)| k == key) {
            let p = param(value.clone().into(), &mut params);
            wheres.push(format!("{col} = {p}"));
        }
    }
    if let (Some(tag), "members") = (&filter.tag, name) {
        let p = param(format!("%,{tag},%").into(), &mut params);
        wheres.push(format!("(',' || t.tags || ',') LIKE {p}"));
    }
    if name == "cases" && (filter.open || filter.overdue) {
        wheres.push(format!("t.{OPEN_STATES}"));
        if filter.overdue {
            let p = param(instant_text(scope.as_of).into(), &mut params);
            wheres.push(format!("t.deadline <> '' AND t.deadline < {p}"));
        }
    }
    if scope.grids.is_empty() {
        wheres.push("1 = 0".into());
    } else {
        wheres.push(format!(
            "t.grid IN ({})",
            placeholders(params.len() + 1, scope.grids.len())
        ));
        params.extend(scope.grids.iter().map(SqlValue::from));
    }
    let columns: Vec<&str> = def.columns.iter().map(|c| c.0).collect();
    let mut sql = format!(
        "SELECT {} FROM {} WHERE {} ORDER BY {}",
        columns.join(", "),
        def.from,
        wheres.join(" AND "),
        def.order
    );
    if let Some(n) = limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    let rows = storage.report_query(&Stmt::new(sql, params)).await?;
    let table = Table {
        headers: def
            .columns
            .iter()
            .map(|c| if zh { c.1 } else { c.2 }.to_string())
            .collect(),
        rows: rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .zip(def.columns)
                    .map(|(v, col)| match (v, col.3) {
                        (SqlValue::Null | SqlValue::Bytes(_), _) => Cell::Empty,
                        (v, Show::Int) => Cell::Int(v.int()),
                        (SqlValue::Text(s), Show::IdNumber) if !full => {
                            Cell::Text(mask::id_number(&s))
                        }
                        (SqlValue::Text(s), Show::Phone) if !full => Cell::Text(mask::phone(&s)),
                        (SqlValue::Text(s), Show::Word) => {
                            Cell::Text(labels::word(&s, zh).to_string())
                        }
                        (SqlValue::Text(s), Show::Words) => Cell::Text(
                            s.split(',')
                                .filter(|t| !t.is_empty())
                                .map(|t| labels::word(t, zh))
                                .collect::<Vec<_>>()
                                .join(if zh { "、" } else { ", " }),
                        ),
                        (SqlValue::Text(s), _) => Cell::Text(s),
                        (SqlValue::Int(i), _) => Cell::Int(i),
                        (SqlValue::Real(f), _) => Cell::Real(f),
                    })
                    .collect()
            })
            .collect(),
    };
    Ok(Some(table))
}
