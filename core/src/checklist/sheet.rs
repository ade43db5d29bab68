//! Spreadsheet reading for the XLSForm importer: each sheet becomes a table of trimmed cell
//! texts with spreadsheet row numbers, so issues can point at the row a person would see.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use super::xlsform::XlsFormError;

pub(crate) struct Workbook<'a> {
    sheets: Sheets<Cursor<&'a [u8]>>,
}

impl<'a> Workbook<'a> {
    /// Opens .xlsx, .xls, .xlsb or .ods bytes.
    pub(crate) fn open(bytes: &'a [u8]) -> Result<Self, XlsFormError> {
        open_workbook_auto_from_rs(Cursor::new(bytes))
            .map(|sheets| Workbook { sheets })
            .map_err(|e| XlsFormError::Unreadable(e.to_string()))
    }

    /// The sheet with this name (any case, surrounding spaces ignored), if there is one.
    pub(crate) fn table(&mut self, name: &str) -> Result<Option<Table>, XlsFormError> {
        let Some(actual) = self
            .sheets
            .sheet_names()
            .into_iter()
            .find(|n| n.trim().eq_ignore_ascii_case(name))
        else {
            return Ok(None);
        };
        let range = self
            .sheets
            .worksheet_range(&actual)
            .map_err(|e| XlsFormError::Unreadable(e.to_string()))?;
        let (first_row, _) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows().enumerate().filter_map(|(i, cells)| {
            let texts: Vec<String> = cells.iter().map(cell_text).collect();
            let number = first_row
                .saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
                .saturating_add(1);
            texts.iter().any(|t| !t.is_empty()).then_some(Row {
                number,
                cells: texts,
            })
        });
        let Some(header) = rows.next() else {
            return Ok(Some(Table {
                sheet: name.to_owned(),
                header_row: 1,
                headers: Vec::new(),
                rows: Vec::new(),
            }));
        };
        Ok(Some(Table {
            sheet: name.to_owned(),
            header_row: header.number,
            headers: header.cells,
            rows: rows.collect(),
        }))
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        // 1.0 prints as "1", so numeric choice values and `required = 1` read as typed.
        other => other.to_string().trim().to_owned(),
    }
}

/// One sheet: a header row and the non-empty rows below it.
pub(crate) struct Table {
    /// The sheet's canonical name (`survey`), for issues.
    pub(crate) sheet: String,
    pub(crate) header_row: u32,
    /// Header texts as written (trimmed).
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<Row>,
}

impl Table {
    /// The column whose header is `name` (any case).
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The first of these columns that exists.
    pub(crate) fn any_column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.column(n))
    }

    /// Whether any row has a value in this column.
    pub(crate) fn column_used(&self, col: usize) -> bool {
        self.rows.iter().any(|r| !r.get(Some(col)).is_empty())
    }
}

pub(crate) struct Row {
    /// 1-based, as the spreadsheet shows it.
    pub(crate) number: u32,
    pub(crate) cells: Vec<String>,
}

impl Row {
    pub(crate) fn get(&self, col: Option<usize>) -> &str {
        col.and_then(|c| self.cells.get(c))
            .map_or("", String::as_str)
    }
}
