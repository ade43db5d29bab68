//! A ledger as the spreadsheet an office files: the title across the top, the unit and
//! period under it, bordered numbered rows, and a line for the signatures; set to print on
//! A4 landscape, one page wide, the headings repeated on every page.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::build::Ledger;
use crate::reports::export::Cell;

/// Rows above the data: title, unit and period, headings.
const HEAD_ROWS: u32 = 3;

/// A column's printed width (in characters) by what it holds: long texts wide, numbers and
/// dates narrow.
pub fn width(field: &str) -> f64 {
    match field {
        "seq" | "sessions" | "visits" | "visit_count" => 6.0,
        "gender" | "agreement" | "severity" | "risk_level" => 8.0,
        f if f.ends_with("_on") || f == "date" || f == "deadline" || f == "birth_date" => 12.0,
        "description" | "measures" | "summary" | "findings" | "follow_up" | "problems"
        | "results" | "visited" | "last_findings" | "cases_raised" => 32.0,
        "address" | "subject" | "place_name" | "parties" | "id_number" => 20.0,
        _ => 12.0,
    }
}

/// The title as printed: the unit's name and the ledger's, e.g. 梅园社区隐患排查整改台账.
pub fn heading(l: &Ledger) -> String {
    let unit = l.unit.rsplit(' ').next().unwrap_or(&l.unit);
    format!("{unit}{}", l.title)
}

/// The line under the title: the filing unit (with its code), and the period.
pub fn subheading(l: &Ledger) -> String {
    let code = if l.unit_code.is_empty() {
        String::new()
    } else {
        format!("（编码 {}）", l.unit_code)
    };
    format!(
        "填报单位：{}{code}    统计期间：{} 至 {}",
        l.unit, l.from, l.to
    )
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

pub fn to_xlsx(l: &Ledger, today: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    // A sheet name may hold at most 31 characters and none of []:*?/\ ; ledger titles
    // are short Chinese words, but an administrator's own may not be.
    let sheet: String = l
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    ws.set_name(if sheet.is_empty() { "台账" } else { &sheet })?;
    let last = col(l.headers.len().max(1) - 1);
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let plain = Format::new().set_align(FormatAlign::VerticalCenter);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#EDEDED");
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let number = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::Top);
    if last > 0 {
        ws.merge_range(0, 0, 0, last, &heading(l), &title)?;
        ws.merge_range(1, 0, 1, last, &subheading(l), &plain)?;
    } else {
        ws.write_string_with_format(0, 0, heading(l), &title)?;
        ws.write_string_with_format(1, 0, subheading(l), &plain)?;
    }
    ws.set_row_height(0, 30)?;
    for (c, h) in l.headers.iter().enumerate() {
        ws.write_string_with_format(2, col(c), h, &head)?;
        let f = l.fields.get(c).map_or("", String::as_str);
        ws.set_column_width(col(c), width(f))?;
    }
    for (r, cells) in l.rows.iter().enumerate() {
        let r = row(r) + HEAD_ROWS;
        for (c, v) in cells.iter().enumerate() {
            let c = col(c);
            match v {
                // Text stays text even when it looks like a number: an ID number must not
                // become 1.1e17, a grid code must keep its leading digits.
                Cell::Text(s) => ws.write_string_with_format(r, c, s, &cell)?,
                Cell::Int(i) => ws.write_number_with_format(r, c, *i as f64, &number)?,
                Cell::Real(f) => ws.write_number_with_format(r, c, *f, &number)?,
                Cell::Empty => ws.write_blank(r, c, &cell)?,
            };
        }
    }
    let foot = row(l.rows.len()) + HEAD_ROWS + 1;
    let sign = format!("填表人：              审核人：              填报日期：{today}");
    if last > 0 {
        ws.merge_range(foot, 0, foot, last, &sign, &plain)?;
    } else {
        ws.write_string_with_format(foot, 0, sign, &plain)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, HEAD_ROWS - 1)?;
    ws.set_freeze_panes(HEAD_ROWS, 0)?;
    wb.save_to_buffer()
}
