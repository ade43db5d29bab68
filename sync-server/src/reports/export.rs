//! Tables for export: CSV (UTF-8 with a byte-order mark, which is what makes Excel on a
//! Chinese Windows read it as UTF-8) and XLSX.

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{Format, Workbook};

use super::labels;
use super::queries::Report;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Real(f64),
    Empty,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A report as a table: one row per child node and a total row; one column per figure. When
/// any of its nodes has a standard grid code (`codes`, by node id), a code column follows the
/// node's id: offices file their figures under it.
pub fn report_table(report: &Report, codes: &BTreeMap<String, String>, zh: bool) -> Table {
    let mut counts: BTreeSet<&String> = report.total.counts.keys().collect();
    let mut rates: BTreeSet<&String> = report.total.rates.keys().collect();
    for c in &report.children {
        counts.extend(c.counts.keys());
        rates.extend(c.rates.keys());
    }
    let coded = std::iter::once(&report.total)
        .chain(&report.children)
        .any(|f| codes.contains_key(&f.node));
    let mut headers = vec![labels::word("node", zh).to_string()];
    if coded {
        headers.push(labels::word("grid_code", zh).to_string());
    }
    headers.push(labels::word("name", zh).to_string());
    headers.extend(counts.iter().map(|k| labels::figure(k, zh)));
    headers.extend(rates.iter().map(|k| labels::figure(k, zh)));
    let row = |f: &super::scope::NodeFigures, name: String| {
        let mut r = vec![Cell::Text(f.node.clone())];
        if coded {
            r.push(
                codes
                    .get(&f.node)
                    .map_or(Cell::Empty, |c| Cell::Text(c.clone())),
            );
        }
        r.push(Cell::Text(name));
        r.extend(
            counts
                .iter()
                .map(|k| Cell::Int(f.counts.get(*k).copied().unwrap_or(0))),
        );
        r.extend(
            rates
                .iter()
                .map(|k| f.rates.get(*k).map_or(Cell::Empty, |v| Cell::Real(*v))),
        );
        r
    };
    let mut rows: Vec<Vec<Cell>> = report
        .children
        .iter()
        .map(|c| row(c, c.name.clone()))
        .collect();
    let total = if zh { "合计" } else { "Total" };
    rows.push(row(
        &report.total,
        format!("{}（{total}）", report.total.name),
    ));
    Table { headers, rows }
}

/// A spreadsheet program runs a cell starting with these as a formula; a leading quote
/// keeps a resident's text as text (CSV injection).
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn csv_field(s: &str) -> String {
    let s = defuse(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| cells.join(",") + "\r\n";
    out.push_str(&line(t.headers.iter().map(|h| csv_field(h)).collect()));
    for r in &t.rows {
        out.push_str(&line(
            r.iter()
                .map(|c| match c {
                    Cell::Text(s) => csv_field(s),
                    Cell::Int(i) => i.to_string(),
                    Cell::Real(f) => f.to_string(),
                    Cell::Empty => String::new(),
                })
                .collect(),
        ));
    }
    out.into_bytes()
}

pub fn to_xlsx(t: &Table, sheet: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    for (c, h) in t.headers.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, h, &bold)?;
        ws.set_column_width(col, 14)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                // Text cells are written as text even when they look like numbers: an ID
                // number must not become 1.1e17.
                Cell::Text(s) => ws.write_string(r, col, s)?,
                Cell::Int(i) => ws.write_number(r, col, *i as f64)?,
                Cell::Real(f) => ws.write_number(r, col, *f)?,
                Cell::Empty => ws,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_bom_quotes_and_defuses_formulas() {
        let t = Table {
            headers: vec!["姓名".into(), "备注".into()],
            rows: vec![vec![
                Cell::Text("张三".into()),
                Cell::Text("=1+1, \"x\"".into()),
            ]],
        };
        let text = String::from_utf8(to_csv(&t)).unwrap_or_default();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"'=1+1, \"\"x\"\"\""), "{text}");
    }
}
