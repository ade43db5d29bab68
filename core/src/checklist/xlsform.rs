//! XLSForm import: turns a spreadsheet form (the `survey`, `choices` and optional `settings`
//! sheets that KoBoToolbox, ODK and 问卷 tools use) into a [`ChecklistTemplate`].
//!
//! A checklist is much simpler than a general form, so only part of XLSForm maps onto it.
//! Nothing else is dropped quietly: each construct that cannot be imported becomes a
//! [`RowIssue`] naming its sheet, row and column, and only that construct (or row) is skipped.
//!
//! Supported: `type` `select_one LIST`, `select_multiple LIST`, `integer`, `decimal`, `text`,
//! `image`, `note` (skipped: it asks nothing), `begin group`/`end group` (sections) and the
//! custom `pass_fail_na` (also `select_one LIST` when LIST's values are exactly pass, fail, na);
//! `name`; `label` with `::zh`/`::Chinese (zh)` and `::en`/`::English (en)` variants;
//! `required`; `relevant` as `${item} = 'value'` or `selected(${item}, 'value')`;
//! `constraint` as numeric bounds on `.` joined by `and`; and the extra columns
//! `hazard_category`, `severity` and `photo_required`. From `settings`: `form_title`
//! (and `form_title::en`), `default_language`, and the extra `place_types` (comma separated).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::issue::IssueKind;
use super::sheet::{Row, Table, Workbook};
use super::survey::SurveyReader;
use super::template::{ChecklistTemplate, Choice, PASS_FAIL_NA, is_identifier};
use crate::error::Invalid;

/// What an import produced: a template that passes [`ChecklistTemplate::validate`], and
/// every part of the form that could not be carried over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    pub template: ChecklistTemplate,
    pub issues: Vec<RowIssue>,
}

/// A part of the form that was not imported, and why. Serialized with the kind's `code`
/// and facts beside the place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowIssue {
    /// `survey`, `choices` or `settings`.
    pub sheet: String,
    /// 1-based, as the spreadsheet shows it; the header row for a whole-column issue.
    pub row: u32,
    /// The column's header (`type`, `relevant`, …); empty for a column without a header.
    pub column: String,
    #[serde(flatten)]
    pub kind: IssueKind,
}

impl RowIssue {
    /// The issue in English words, for the CLI and the API's `message`.
    pub fn message(&self) -> String {
        self.kind.english(self.row)
    }
}

/// Why nothing could be imported.
#[derive(Debug, thiserror::Error)]
pub enum XlsFormError {
    #[error("not a readable spreadsheet (.xlsx, .xls or .ods): {0}")]
    Unreadable(String),
    #[error("the workbook has no `{0}` sheet")]
    MissingSheet(&'static str),
    #[error("the `{sheet}` sheet has no `{column}` column")]
    MissingColumn {
        sheet: &'static str,
        column: &'static str,
    },
    #[error("the form gives no usable checklist: {0}")]
    Invalid(Invalid),
}

/// Imports an XLSForm workbook (.xlsx; .xls and .ods are read too) as template `id`, `version`.
pub fn import(bytes: &[u8], id: &str, version: u32) -> Result<ImportReport, XlsFormError> {
    // calamine 0.38 panics on some malformed workbooks (fuzz/xlsform found one, an index out
    // of range reading a sheet's cells): such a file is unreadable, not a crash of whoever
    // uploaded it.
    std::panic::catch_unwind(|| import_workbook(bytes, id, version)).unwrap_or_else(|_| {
        Err(XlsFormError::Unreadable(
            "the spreadsheet reader failed on this file: it is damaged".into(),
        ))
    })
}

fn import_workbook(bytes: &[u8], id: &str, version: u32) -> Result<ImportReport, XlsFormError> {
    let mut workbook = Workbook::open(bytes)?;
    let survey = workbook
        .table("survey")?
        .ok_or(XlsFormError::MissingSheet("survey"))?;
    let choices = workbook.table("choices")?;
    let settings = workbook.table("settings")?;

    let mut issues = Vec::new();
    let settings = read_settings(settings.as_ref(), &mut issues);
    let lists = match &choices {
        Some(table) => read_choices(table, settings.plain_is_en, &mut issues)?,
        None => HashMap::new(),
    };
    let sections = SurveyReader::new(&survey, &lists, choices.is_some(), settings.plain_is_en)?
        .read(&mut issues);

    let template = ChecklistTemplate {
        id: id.to_owned(),
        version,
        title: settings.title.unwrap_or_else(|| id.to_owned()),
        title_en: settings.title_en,
        place_types: settings.place_types,
        sections,
    };
    template.validate().map_err(XlsFormError::Invalid)?;
    let rank = |sheet: &str| match sheet {
        "survey" => 0,
        "choices" => 1,
        _ => 2,
    };
    issues.sort_by_key(|i| (rank(&i.sheet), i.row));
    Ok(ImportReport { template, issues })
}

pub(super) fn issue(table: &Table, row: u32, column: &str, kind: IssueKind) -> RowIssue {
    RowIssue {
        sheet: table.sheet.clone(),
        row,
        column: column.to_owned(),
        kind,
    }
}

// ---------------------------------------------------------------------------------------
// Labels in two languages

enum Lang {
    Plain,
    Zh,
    En,
    Other,
}

/// `base`, or `base::LANGUAGE` → which language the column holds; `None` if it is not a
/// `base` column at all.
fn header_lang(header: &str, base: &str) -> Option<Lang> {
    let h = header.trim().to_lowercase();
    let rest = h.strip_prefix(base)?;
    if rest.is_empty() {
        return Some(Lang::Plain);
    }
    Some(lang_of(rest.strip_prefix("::")?))
}

fn lang_of(name: &str) -> Lang {
    let l = name.trim().to_lowercase();
    let is = |code: &str, word: &str, native: &str| {
        l == code
            || l.starts_with(&format!("{code}-"))
            || l.starts_with(&format!("{code}_"))
            || l.contains(&format!("({code}"))
            || l.contains(word)
            || l.contains(native)
    };
    if is("zh", "chinese", "中文") {
        Lang::Zh
    } else if is("en", "english", "英文") {
        Lang::En
    } else {
        Lang::Other
    }
}

/// Where a sheet keeps its labels (or titles): Chinese, English, and the plain column.
#[derive(Default)]
pub(super) struct LabelColumns {
    zh: Vec<usize>,
    en: Vec<usize>,
    plain: Option<usize>,
    plain_is_en: bool,
}

impl LabelColumns {
    /// Sorts the `base` columns of `table` by language; columns in other languages are
    /// reported once.
    pub(super) fn find(
        table: &Table,
        base: &str,
        plain_is_en: bool,
        issues: &mut Vec<RowIssue>,
    ) -> (Self, Vec<usize>) {
        let mut cols = LabelColumns {
            plain_is_en,
            ..Default::default()
        };
        let mut claimed = Vec::new();
        for (i, header) in table.headers.iter().enumerate() {
            match header_lang(header, base) {
                None => continue,
                Some(Lang::Plain) => cols.plain = Some(i),
                Some(Lang::Zh) => cols.zh.push(i),
                Some(Lang::En) => cols.en.push(i),
                Some(Lang::Other) => {
                    if table.column_used(i) {
                        issues.push(issue(
                            table,
                            table.header_row,
                            header,
                            IssueKind::OtherLanguage,
                        ));
                    }
                }
            }
            claimed.push(i);
        }
        (cols, claimed)
    }

    /// `(zh, en)` for a row.
    pub(super) fn pick(&self, row: &Row) -> (Option<String>, Option<String>) {
        let first = |cols: &[usize]| {
            cols.iter()
                .map(|&c| row.get(Some(c)))
                .find(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let plain = Some(row.get(self.plain))
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let (mut zh, mut en) = (first(&self.zh), first(&self.en));
        if self.plain_is_en {
            en = en.or(plain);
        } else {
            zh = zh.or(plain);
        }
        (zh, en)
    }
}

/// Reports every column that is used but not in `known` (by position).
pub(super) fn report_unknown_columns(
    table: &Table,
    known: &HashSet<usize>,
    issues: &mut Vec<RowIssue>,
) {
    for (i, header) in table.headers.iter().enumerate() {
        if !known.contains(&i) && table.column_used(i) {
            issues.push(issue(
                table,
                table.header_row,
                header,
                IssueKind::UnknownColumn,
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// settings

#[derive(Default)]
struct Settings {
    title: Option<String>,
    title_en: Option<String>,
    place_types: Vec<String>,
    /// `default_language` says the plain `label` column is English.
    plain_is_en: bool,
}

fn read_settings(table: Option<&Table>, issues: &mut Vec<RowIssue>) -> Settings {
    let mut settings = Settings::default();
    let Some(table) = table else {
        return settings;
    };
    let Some(row) = table.rows.first() else {
        return settings;
    };
    if let Some(lang) = table.column("default_language") {
        settings.plain_is_en = matches!(lang_of(row.get(Some(lang))), Lang::En);
    }
    let mut titles = LabelColumns {
        plain_is_en: settings.plain_is_en,
        ..Default::default()
    };
    for (i, header) in table.headers.iter().enumerate() {
        match header_lang(header, "form_title") {
            Some(Lang::Plain) => titles.plain = Some(i),
            Some(Lang::Zh) => titles.zh.push(i),
            Some(Lang::En) => titles.en.push(i),
            _ => {}
        }
    }
    (settings.title, settings.title_en) = titles.pick(row);
    if settings.title.is_none() {
        settings.title = settings.title_en.clone();
    }
    if let Some(col) = table.column("place_types") {
        for name in row
            .get(Some(col))
            .split([',', '，', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if is_identifier(name) {
                settings.place_types.push(name.to_owned());
            } else {
                issues.push(issue(
                    table,
                    row.number,
                    "place_types",
                    IssueKind::PlaceTypeInvalid {
                        value: name.to_owned(),
                    },
                ));
            }
        }
    }
    settings
}

// ---------------------------------------------------------------------------------------
// choices

pub(super) struct ChoiceList {
    pub(super) choices: Vec<Choice>,
}

impl ChoiceList {
    /// Exactly the values pass, fail and na: a pass/fail/na question in disguise.
    pub(super) fn is_pass_fail_na(&self) -> bool {
        let values: HashSet<&str> = self.choices.iter().map(|c| c.value.as_str()).collect();
        self.choices.len() == PASS_FAIL_NA.len() && PASS_FAIL_NA.iter().all(|v| values.contains(v))
    }
}

fn read_choices(
    table: &Table,
    plain_is_en: bool,
    issues: &mut Vec<RowIssue>,
) -> Result<HashMap<String, ChoiceList>, XlsFormError> {
    let mut lists: HashMap<String, ChoiceList> = HashMap::new();
    if table.headers.is_empty() {
        return Ok(lists);
    }
    let list_col =
        table
            .any_column(&["list_name", "list name"])
            .ok_or(XlsFormError::MissingColumn {
                sheet: "choices",
                column: "list_name",
            })?;
    let name_col = table
        .any_column(&["name", "value"])
        .ok_or(XlsFormError::MissingColumn {
            sheet: "choices",
            column: "name",
        })?;
    let (labels, label_cols) = LabelColumns::find(table, "label", plain_is_en, issues);
    let mut known: HashSet<usize> = label_cols.into_iter().collect();
    known.extend([list_col, name_col]);
    report_unknown_columns(table, &known, issues);

    let list_header = table.headers[list_col].clone();
    let name_header = table.headers[name_col].clone();
    for row in &table.rows {
        let list = row.get(Some(list_col));
        let value = row.get(Some(name_col));
        if list.is_empty() {
            issues.push(issue(
                table,
                row.number,
                &list_header,
                IssueKind::ChoiceWithoutList,
            ));
            continue;
        }
        if value.is_empty() {
            issues.push(issue(
                table,
                row.number,
                &name_header,
                IssueKind::ChoiceWithoutName {
                    list: list.to_owned(),
                },
            ));
            continue;
        }
        let entry = lists.entry(list.to_owned()).or_insert_with(|| ChoiceList {
            choices: Vec::new(),
        });
        if entry.choices.iter().any(|c| c.value == value) {
            issues.push(issue(
                table,
                row.number,
                &name_header,
                IssueKind::ChoiceRepeated {
                    list: list.to_owned(),
                    value: value.to_owned(),
                },
            ));
            continue;
        }
        let (zh, en) = labels.pick(row);
        let label = match (zh, &en) {
            (Some(zh), _) => zh,
            (None, Some(en)) => en.clone(),
            (None, None) => {
                issues.push(issue(
                    table,
                    row.number,
                    "label",
                    IssueKind::ChoiceWithoutLabel {
                        value: value.to_owned(),
                    },
                ));
                value.to_owned()
            }
        };
        entry.choices.push(Choice {
            value: value.to_owned(),
            label,
            label_en: en,
        });
    }
    Ok(lists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert!(matches!(header_lang("label", "label"), Some(Lang::Plain)));
        assert!(matches!(header_lang("label::zh", "label"), Some(Lang::Zh)));
        assert!(matches!(
            header_lang("label::Chinese (zh)", "label"),
            Some(Lang::Zh)
        ));
        assert!(matches!(
            header_lang("Label::English (en)", "label"),
            Some(Lang::En)
        ));
        assert!(matches!(header_lang("label::en", "label"), Some(Lang::En)));
        assert!(matches!(
            header_lang("label::French (fr)", "label"),
            Some(Lang::Other)
        ));
        assert!(header_lang("labels", "label").is_none());
        assert!(header_lang("hint::en", "label").is_none());
    }
}
