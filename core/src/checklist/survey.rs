//! The `survey` sheet of an XLSForm: rows become sections and items, and everything that
//! cannot map onto a checklist becomes a [`RowIssue`].

use std::collections::{HashMap, HashSet};

use super::expr::{Bound, parse_bounds, parse_relevant};
use super::issue::IssueKind;
use super::sheet::{Row, Table};
use super::template::{Choice, Condition, Item, ItemType, Section, Severity, is_identifier};
use super::xlsform::{
    ChoiceList, LabelColumns, RowIssue, XlsFormError, issue, report_unknown_columns,
};

enum RowType {
    Question(ItemType, NumberKind),
    Select {
        multiple: bool,
        list: Option<String>,
        or_other: bool,
    },
    Note,
    BeginGroup,
    EndGroup,
    BeginRepeat,
    EndRepeat,
    Calculate,
    Unsupported(String),
}

#[derive(Clone, Copy, PartialEq)]
enum NumberKind {
    Integer,
    Decimal,
    NotNumber,
}

fn parse_type(raw: &str) -> RowType {
    let tokens: Vec<&str> = raw.split_whitespace().collect();
    let Some(first) = tokens.first().map(|t| t.to_lowercase()) else {
        return RowType::Unsupported(String::new());
    };
    // `begin group`, `end repeat`, `select one` are old spellings of the underscored types.
    let (keyword, rest) = match tokens.get(1) {
        Some(second) if matches!(first.as_str(), "begin" | "end" | "select") => {
            (format!("{first}_{}", second.to_lowercase()), &tokens[2..])
        }
        _ => (first, &tokens[1..]),
    };
    let plain = |t: RowType| {
        if rest.is_empty() {
            t
        } else {
            RowType::Unsupported(raw.to_owned())
        }
    };
    match keyword.as_str() {
        "integer" | "int" => plain(RowType::Question(ItemType::Number, NumberKind::Integer)),
        "decimal" => plain(RowType::Question(ItemType::Number, NumberKind::Decimal)),
        "text" | "string" => plain(RowType::Question(ItemType::Text, NumberKind::NotNumber)),
        "image" | "photo" => plain(RowType::Question(ItemType::Photo, NumberKind::NotNumber)),
        "pass_fail_na" => plain(RowType::Question(
            ItemType::PassFailNa,
            NumberKind::NotNumber,
        )),
        "note" => plain(RowType::Note),
        "begin_group" => plain(RowType::BeginGroup),
        "end_group" => plain(RowType::EndGroup),
        "begin_repeat" => plain(RowType::BeginRepeat),
        "end_repeat" => plain(RowType::EndRepeat),
        "calculate" => plain(RowType::Calculate),
        "select_one" | "select_multiple" => {
            let or_other = rest.len() == 2 && rest[1].eq_ignore_ascii_case("or_other");
            if rest.len() > 1 && !or_other {
                return RowType::Unsupported(raw.to_owned());
            }
            RowType::Select {
                multiple: keyword == "select_multiple",
                list: rest.first().map(|s| (*s).to_owned()),
                or_other,
            }
        }
        _ => RowType::Unsupported(raw.to_owned()),
    }
}

fn parse_flag(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "" | "no" | "false" | "false()" | "0" | "否" => Some(false),
        "yes" | "true" | "true()" | "1" | "是" => Some(true),
        _ => None,
    }
}

fn parse_severity(raw: &str) -> Option<Severity> {
    match raw.trim().to_lowercase().as_str() {
        "low" | "低" => Some(Severity::Low),
        "medium" | "中" => Some(Severity::Medium),
        "high" | "高" => Some(Severity::High),
        "critical" | "严重" | "重大" => Some(Severity::Critical),
        _ => None,
    }
}

struct SurveyColumns {
    kind: usize,
    name: usize,
    labels: LabelColumns,
    required: Option<usize>,
    relevant: Option<usize>,
    constraint: Option<usize>,
    calculation: Option<usize>,
    hazard_category: Option<usize>,
    severity: Option<usize>,
    photo_required: Option<usize>,
}

/// A section being built; `general` ones hold items outside any group.
struct Pending {
    section: Section,
    row: u32,
    general: bool,
}

/// An open group: the section it fills (`None` for a nested group merged into its parent).
struct Frame {
    row: u32,
    section: Option<usize>,
}

pub(super) struct SurveyReader<'a> {
    table: &'a Table,
    cols: SurveyColumns,
    lists: &'a HashMap<String, ChoiceList>,
    has_choices_sheet: bool,
    issues: Vec<RowIssue>,
    sections: Vec<Pending>,
    frames: Vec<Frame>,
    /// The section taking items outside groups, while no group has begun since.
    open_general: Option<usize>,
    /// Names of rows that were not imported, for clearer messages when others refer to them.
    skipped: HashSet<String>,
}

impl<'a> SurveyReader<'a> {
    pub(super) fn new(
        table: &'a Table,
        lists: &'a HashMap<String, ChoiceList>,
        has_choices_sheet: bool,
        plain_is_en: bool,
    ) -> Result<Self, XlsFormError> {
        let mut issues = Vec::new();
        let missing = |column| XlsFormError::MissingColumn {
            sheet: "survey",
            column,
        };
        let kind = table.column("type").ok_or_else(|| missing("type"))?;
        let name = table.column("name").ok_or_else(|| missing("name"))?;
        let (labels, label_cols) = LabelColumns::find(table, "label", plain_is_en, &mut issues);
        let cols = SurveyColumns {
            kind,
            name,
            labels,
            required: table.column("required"),
            relevant: table.column("relevant"),
            constraint: table.column("constraint"),
            calculation: table.column("calculation"),
            hazard_category: table.column("hazard_category"),
            severity: table.column("severity"),
            photo_required: table.column("photo_required"),
        };
        let mut known: HashSet<usize> = label_cols.into_iter().collect();
        known.extend([kind, name]);
        known.extend(
            [
                cols.required,
                cols.relevant,
                cols.constraint,
                cols.calculation,
                cols.hazard_category,
                cols.severity,
                cols.photo_required,
            ]
            .into_iter()
            .flatten(),
        );
        report_unknown_columns(table, &known, &mut issues);
        Ok(SurveyReader {
            table,
            cols,
            lists,
            has_choices_sheet,
            issues,
            sections: Vec::new(),
            frames: Vec::new(),
            open_general: None,
            skipped: HashSet::new(),
        })
    }

    fn issue(&mut self, row: u32, column: &str, kind: IssueKind) {
        self.issues.push(issue(self.table, row, column, kind));
    }

    pub(super) fn read(mut self, issues: &mut Vec<RowIssue>) -> Vec<Section> {
        let table = self.table;
        // An open repeat being skipped: its first row and how deep we are inside it.
        let mut repeat: Option<(u32, usize)> = None;
        let mut last_row = table.header_row;
        for row in &table.rows {
            last_row = row.number;
            let row_type = parse_type(row.get(Some(self.cols.kind)));
            if let Some((start, depth)) = repeat.as_mut() {
                let name = row.get(Some(self.cols.name));
                if !name.is_empty() {
                    self.skipped.insert(name.to_owned());
                }
                match row_type {
                    RowType::BeginGroup | RowType::BeginRepeat => *depth += 1,
                    RowType::EndGroup | RowType::EndRepeat => *depth -= 1,
                    _ => {}
                }
                if *depth == 0 {
                    let start = *start;
                    self.issue(
                        start,
                        "type",
                        IssueKind::Repeat {
                            last_row: row.number,
                        },
                    );
                    repeat = None;
                }
                continue;
            }
            match row_type {
                RowType::BeginRepeat => {
                    let name = row.get(Some(self.cols.name));
                    if !name.is_empty() {
                        self.skipped.insert(name.to_owned());
                    }
                    repeat = Some((row.number, 1));
                }
                RowType::EndRepeat => {
                    self.issue(row.number, "type", IssueKind::EndRepeatUnmatched);
                }
                RowType::BeginGroup => self.begin_group(row),
                RowType::EndGroup => {
                    if self.frames.pop().is_none() {
                        self.issue(row.number, "type", IssueKind::EndGroupUnmatched);
                    }
                }
                RowType::Note => {}
                RowType::Calculate => {
                    self.skip_row(row, IssueKind::Calculate);
                }
                RowType::Unsupported(t) if t.is_empty() => {
                    self.skip_row(row, IssueKind::NoType);
                }
                RowType::Unsupported(t) => {
                    self.skip_row(row, IssueKind::UnsupportedType { value: t });
                }
                RowType::Question(item_type, number) => {
                    self.question(row, item_type, number, Vec::new());
                }
                RowType::Select {
                    multiple,
                    list,
                    or_other,
                } => self.select(row, multiple, list, or_other),
            }
        }
        if let Some((start, _)) = repeat {
            self.issue(start, "type", IssueKind::RepeatNotClosed { last_row });
        }
        for frame in std::mem::take(&mut self.frames) {
            self.issue(frame.row, "type", IssueKind::GroupNotClosed);
        }
        let sections = self.finish_sections();
        issues.append(&mut self.issues);
        sections
    }

    fn skip_row(&mut self, row: &Row, why: IssueKind) {
        let name = row.get(Some(self.cols.name));
        if !name.is_empty() {
            self.skipped.insert(name.to_owned());
        }
        self.issue(row.number, "type", why);
    }

    fn section_ids(&self) -> HashSet<String> {
        self.sections.iter().map(|p| p.section.id.clone()).collect()
    }

    fn begin_group(&mut self, row: &Row) {
        let name = row.get(Some(self.cols.name)).to_owned();
        if !row.get(self.cols.relevant).is_empty() {
            self.issue(row.number, "relevant", IssueKind::GroupCondition);
        }
        if let Some(outer) = self.frames.iter().find_map(|f| f.section) {
            let outer_id = self.sections[outer].section.id.clone();
            self.issue(
                row.number,
                "type",
                IssueKind::NestedGroup { section: outer_id },
            );
            self.frames.push(Frame {
                row: row.number,
                section: None,
            });
            return;
        }
        let taken = self.section_ids();
        let mut id = name.clone();
        if !is_identifier(&id) {
            id = format!("group_{}", row.number);
            self.issue(
                row.number,
                "name",
                IssueKind::GroupNameInvalid { used: id.clone() },
            );
        } else if taken.contains(&id) {
            id = unique_id(&name, &taken);
            self.issue(
                row.number,
                "name",
                IssueKind::GroupNameRepeated {
                    name: name.clone(),
                    used: id.clone(),
                },
            );
        }
        let (zh, en) = self.cols.labels.pick(row);
        let title = match (zh, &en) {
            (Some(zh), _) => zh,
            (None, Some(en)) => en.clone(),
            (None, None) => {
                self.issue(row.number, "label", IssueKind::GroupWithoutLabel);
                id.clone()
            }
        };
        self.sections.push(Pending {
            section: Section {
                id,
                title,
                title_en: en,
                items: Vec::new(),
            },
            row: row.number,
            general: false,
        });
        self.frames.push(Frame {
            row: row.number,
            section: Some(self.sections.len() - 1),
        });
        self.open_general = None;
    }

    /// The section a new item goes into.
    fn current_section(&mut self, row: u32) -> usize {
        if let Some(idx) = self.frames.iter().find_map(|f| f.section) {
            return idx;
        }
        if let Some(idx) = self.open_general {
            return idx;
        }
        self.sections.push(Pending {
            section: Section {
                id: String::new(), // named in finish_sections, once all group names are known
                title: "检查项".to_owned(),
                title_en: Some("Checks".to_owned()),
                items: Vec::new(),
            },
            row,
            general: true,
        });
        let idx = self.sections.len() - 1;
        self.open_general = Some(idx);
        idx
    }

    fn find_item(&self, id: &str) -> Option<&Item> {
        self.sections
            .iter()
            .flat_map(|p| p.section.items.iter())
            .find(|i| i.id == id)
    }

    fn select(&mut self, row: &Row, multiple: bool, list: Option<String>, or_other: bool) {
        let Some(list_name) = list else {
            self.skip_row(row, IssueKind::SelectWithoutList { multiple });
            return;
        };
        let Some(list) = self.lists.get(&list_name) else {
            let why = if self.has_choices_sheet {
                IssueKind::ListNotFound { list: list_name }
            } else {
                IssueKind::NoChoicesSheet { list: list_name }
            };
            self.skip_row(row, why);
            return;
        };
        if or_other {
            self.issue(row.number, "type", IssueKind::OrOther);
        }
        if !multiple && list.is_pass_fail_na() {
            self.question(row, ItemType::PassFailNa, NumberKind::NotNumber, Vec::new());
        } else {
            let item_type = if multiple {
                ItemType::MultiChoice
            } else {
                ItemType::SingleChoice
            };
            let choices = list.choices.clone();
            self.question(row, item_type, NumberKind::NotNumber, choices);
        }
    }

    fn question(
        &mut self,
        row: &Row,
        item_type: ItemType,
        number: NumberKind,
        choices: Vec<Choice>,
    ) {
        let name = row.get(Some(self.cols.name)).to_owned();
        if name.is_empty() {
            self.issue(row.number, "name", IssueKind::QuestionWithoutName);
            return;
        }
        if !is_identifier(&name) {
            self.skip_row(row, IssueKind::NameInvalid { name });
            return;
        }
        if self.find_item(&name).is_some() {
            self.issue(row.number, "name", IssueKind::NameRepeated { name });
            return;
        }
        let (zh, en) = self.cols.labels.pick(row);
        let label = match (zh, &en) {
            (Some(zh), _) => zh,
            (None, Some(en)) => {
                self.issue(row.number, "label", IssueKind::NoChineseLabel);
                en.clone()
            }
            (None, None) => {
                self.issue(row.number, "label", IssueKind::QuestionWithoutLabel);
                name.clone()
            }
        };
        let required = self.flag(row, self.cols.required, "required");
        let mut item = Item {
            id: name,
            label,
            label_en: en,
            item_type,
            required,
            hazard_category: None,
            severity_if_failed: None,
            relevant: None,
            min: None,
            max: None,
            choices,
            photo_required: item_type == ItemType::Photo && required,
        };
        if self.flag(row, self.cols.photo_required, "photo_required") {
            item.photo_required = true;
        }
        if !row.get(self.cols.calculation).is_empty() {
            self.issue(row.number, "calculation", IssueKind::Calculation);
        }
        self.relevant(row, &mut item);
        self.constraint(row, &mut item, number);
        self.hazard(row, &mut item);
        let section = self.current_section(row.number);
        self.sections[section].section.items.push(item);
    }

    fn flag(&mut self, row: &Row, col: Option<usize>, column: &str) -> bool {
        let raw = row.get(col);
        parse_flag(raw).unwrap_or_else(|| {
            self.issue(
                row.number,
                column,
                IssueKind::NotYesNo {
                    value: raw.to_owned(),
                },
            );
            false
        })
    }

    fn relevant(&mut self, row: &Row, item: &mut Item) {
        let raw = row.get(self.cols.relevant);
        if raw.is_empty() {
            return;
        }
        let condition = raw.to_owned();
        let Some((target, value)) = parse_relevant(raw) else {
            self.issue(
                row.number,
                "relevant",
                IssueKind::ConditionUnsupported { condition },
            );
            return;
        };
        let problem = if target == item.id {
            Some(IssueKind::ConditionOnItself { condition })
        } else {
            match self.find_item(&target) {
                Some(t) => {
                    t.condition_value_problem(&value)
                        .map(|problem| IssueKind::ConditionValue {
                            condition,
                            value: value.clone(),
                            problem,
                        })
                }
                None if self.skipped.contains(&target) => Some(IssueKind::ConditionOnSkipped {
                    condition,
                    target: target.clone(),
                }),
                None => Some(IssueKind::ConditionOnUnknown {
                    condition,
                    target: target.clone(),
                }),
            }
        };
        match problem {
            Some(kind) => self.issue(row.number, "relevant", kind),
            None => {
                item.relevant = Some(Condition {
                    item: target,
                    equals: value,
                });
            }
        }
    }

    fn constraint(&mut self, row: &Row, item: &mut Item, number: NumberKind) {
        let raw = row.get(self.cols.constraint);
        if raw.is_empty() {
            return;
        }
        if number == NumberKind::NotNumber {
            self.issue(row.number, "constraint", IssueKind::ConstraintNotNumber);
            return;
        }
        let Some(bounds) = parse_bounds(raw) else {
            self.issue(
                row.number,
                "constraint",
                IssueKind::ConstraintUnsupported {
                    constraint: raw.to_owned(),
                },
            );
            return;
        };
        let (mut min, mut max, mut loosened) = (None::<f64>, None::<f64>, false);
        for bound in bounds {
            let (lower, upper) = match (bound, number) {
                (Bound::AtLeast(n), _) => (Some(n), None),
                (Bound::AtMost(n), _) => (None, Some(n)),
                (Bound::Above(n), NumberKind::Integer) => (Some(n.floor() + 1.0), None),
                (Bound::Below(n), NumberKind::Integer) => (None, Some(n.ceil() - 1.0)),
                (Bound::Above(n), _) => {
                    loosened = true;
                    (Some(n), None)
                }
                (Bound::Below(n), _) => {
                    loosened = true;
                    (None, Some(n))
                }
            };
            min = lower.map_or(min, |l| Some(min.map_or(l, |m| m.max(l))));
            max = upper.map_or(max, |u| Some(max.map_or(u, |m| m.min(u))));
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            self.issue(
                row.number,
                "constraint",
                IssueKind::ConstraintImpossible {
                    constraint: raw.to_owned(),
                },
            );
            return;
        }
        if loosened {
            self.issue(
                row.number,
                "constraint",
                IssueKind::ConstraintLoosened {
                    constraint: raw.to_owned(),
                },
            );
        }
        item.min = min;
        item.max = max;
    }

    fn hazard(&mut self, row: &Row, item: &mut Item) {
        let category = row.get(self.cols.hazard_category).to_lowercase();
        let severity = row.get(self.cols.severity);
        let cannot_fail = !item.item_type.can_fail();
        if !category.is_empty() {
            if cannot_fail {
                self.issue(row.number, "hazard_category", IssueKind::CannotFail);
            } else if is_identifier(&category) {
                item.hazard_category = Some(category);
            } else {
                self.issue(
                    row.number,
                    "hazard_category",
                    IssueKind::CategoryInvalid { value: category },
                );
            }
        }
        if !severity.is_empty() {
            if cannot_fail {
                self.issue(row.number, "severity", IssueKind::CannotFail);
            } else if let Some(s) = parse_severity(severity) {
                item.severity_if_failed = Some(s);
            } else {
                self.issue(
                    row.number,
                    "severity",
                    IssueKind::SeverityUnknown {
                        value: severity.to_owned(),
                    },
                );
            }
        }
    }

    /// Drops empty sections (reporting groups that ended up empty) and names the sections
    /// that hold items outside groups: `general`, `general_2`, … avoiding group names.
    fn finish_sections(&mut self) -> Vec<Section> {
        let mut taken: HashSet<String> = self
            .sections
            .iter()
            .filter(|p| !p.general)
            .map(|p| p.section.id.clone())
            .collect();
        let mut out = Vec::new();
        for mut pending in std::mem::take(&mut self.sections) {
            if pending.section.items.is_empty() {
                self.issue(
                    pending.row,
                    "type",
                    IssueKind::GroupEmpty {
                        group: pending.section.id.clone(),
                    },
                );
                continue;
            }
            if pending.general {
                pending.section.id = unique_id("general", &taken);
                taken.insert(pending.section.id.clone());
            }
            out.push(pending.section);
        }
        out
    }
}

/// `base`, or `base_2`, `base_3`, … whichever is not taken.
fn unique_id(base: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_spellings() {
        assert!(matches!(parse_type("begin group"), RowType::BeginGroup));
        assert!(matches!(parse_type("begin_group"), RowType::BeginGroup));
        assert!(matches!(parse_type("End Group"), RowType::EndGroup));
        assert!(matches!(parse_type("begin repeat"), RowType::BeginRepeat));
        assert!(matches!(
            parse_type("integer"),
            RowType::Question(ItemType::Number, NumberKind::Integer)
        ));
        assert!(matches!(
            parse_type("select one yes_no"),
            RowType::Select { multiple: false, list: Some(ref l), or_other: false } if l == "yes_no"
        ));
        assert!(matches!(
            parse_type("select_multiple kinds or_other"),
            RowType::Select {
                multiple: true,
                or_other: true,
                ..
            }
        ));
        assert!(matches!(
            parse_type("select_one"),
            RowType::Select { list: None, .. }
        ));
        assert!(matches!(
            parse_type("select_one_from_file a.csv"),
            RowType::Unsupported(_)
        ));
        assert!(matches!(parse_type("text extra"), RowType::Unsupported(_)));
        assert!(matches!(parse_type("geopoint"), RowType::Unsupported(_)));
        assert!(matches!(parse_type("end"), RowType::Unsupported(_)));
    }

    #[test]
    fn flags_and_severities() {
        assert_eq!(parse_flag("yes"), Some(true));
        assert_eq!(parse_flag("TRUE"), Some(true));
        assert_eq!(parse_flag("1"), Some(true));
        assert_eq!(parse_flag(""), Some(false));
        assert_eq!(parse_flag("${a} = 'x'"), None);
        assert_eq!(parse_severity("Critical"), Some(Severity::Critical));
        assert_eq!(parse_severity("高"), Some(Severity::High));
        assert_eq!(parse_severity("urgent"), None);
    }
}
