//! What the XLSForm importer could not carry over, as typed codes with the facts each needs.
//!
//! The code travels (CLI, API, the relay's stored import report) and each reader words it in
//! its own language: the English here is for the CLI and the API's `message`, the relay's
//! pages word the same codes in Chinese. Values named are the form's own structure — types,
//! names, list names, conditions, bounds — typed by whoever wrote the form; labels and
//! anything a resident could be identified by are never copied into an issue. In the English
//! words a value is set in backticks, so a reader can show it as code.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::template::ValueProblem;

/// Why a row, cell or column of the form was not imported as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum IssueKind {
    // Columns (reported on the header row)
    /// A `label::LANG` column in a language other than Chinese or English.
    OtherLanguage,
    /// A column the importer does not know.
    UnknownColumn,

    // settings
    /// A `place_types` entry that is not an identifier.
    PlaceTypeInvalid {
        value: String,
    },

    // choices
    ChoiceWithoutList,
    ChoiceWithoutName {
        list: String,
    },
    ChoiceRepeated {
        list: String,
        value: String,
    },
    ChoiceWithoutLabel {
        value: String,
    },

    // survey: rows skipped whole
    /// A repeat (rows `row`–`last_row`) was skipped.
    Repeat {
        last_row: u32,
    },
    /// A repeat never closed: rows `row`–`last_row` (the end of the sheet) were skipped.
    RepeatNotClosed {
        last_row: u32,
    },
    EndRepeatUnmatched,
    EndGroupUnmatched,
    GroupNotClosed,
    Calculate,
    NoType,
    UnsupportedType {
        value: String,
    },
    SelectWithoutList {
        multiple: bool,
    },
    ListNotFound {
        list: String,
    },
    NoChoicesSheet {
        list: String,
    },
    QuestionWithoutName,
    NameInvalid {
        name: String,
    },
    NameRepeated {
        name: String,
    },

    // survey: groups
    GroupCondition,
    NestedGroup {
        section: String,
    },
    GroupNameInvalid {
        used: String,
    },
    GroupNameRepeated {
        name: String,
        used: String,
    },
    GroupWithoutLabel,
    GroupEmpty {
        group: String,
    },

    // survey: a cell of an imported question
    OrOther,
    NoChineseLabel,
    QuestionWithoutLabel,
    Calculation,
    /// A yes/no column (`required`, `photo_required`) holding something else.
    NotYesNo {
        value: String,
    },
    ConditionUnsupported {
        condition: String,
    },
    ConditionOnItself {
        condition: String,
    },
    ConditionValue {
        condition: String,
        value: String,
        problem: ValueProblem,
    },
    ConditionOnSkipped {
        condition: String,
        target: String,
    },
    ConditionOnUnknown {
        condition: String,
        target: String,
    },
    ConstraintNotNumber,
    ConstraintUnsupported {
        constraint: String,
    },
    ConstraintImpossible {
        constraint: String,
    },
    ConstraintLoosened {
        constraint: String,
    },
    /// `hazard_category` or `severity` on a question that cannot fail.
    CannotFail,
    CategoryInvalid {
        value: String,
    },
    SeverityUnknown {
        value: String,
    },
}

impl IssueKind {
    /// Words for `row` (the issue's row, the first of a span) in English.
    pub fn english(&self, row: u32) -> String {
        use IssueKind::*;
        const SHOWN: &str = "the question is always shown";
        match self {
            OtherLanguage => {
                "only Chinese and English labels are imported; this column is ignored".into()
            }
            UnknownColumn => "this column is not supported; its values are ignored".into(),
            PlaceTypeInvalid { value } => {
                format!("`{value}` is not a place type name such as shop or rental; ignored")
            }
            ChoiceWithoutList => "choice has no list name; skipped".into(),
            ChoiceWithoutName { list } => format!("choice in list `{list}` has no name; skipped"),
            ChoiceRepeated { list, value } => {
                format!("choice `{value}` appears twice in list `{list}`; skipped")
            }
            ChoiceWithoutLabel { value } => {
                format!("choice `{value}` has no label; its name is used")
            }
            Repeat { last_row } => {
                format!("repeat groups are not supported; rows {row}–{last_row} skipped")
            }
            RepeatNotClosed { last_row } => format!(
                "repeat groups are not supported; the repeat is never closed, rows {row}–{last_row} skipped"
            ),
            EndRepeatUnmatched => "end repeat without a matching begin repeat; ignored".into(),
            EndGroupUnmatched => "end group without a matching begin group; ignored".into(),
            GroupNotClosed => {
                "group is never closed (no end group); it runs to the end of the sheet".into()
            }
            Calculate => "calculated fields (`calculate`) are not supported; row skipped".into(),
            NoType => "row has no type; row skipped".into(),
            UnsupportedType { value } => format!("type `{value}` is not supported; row skipped"),
            SelectWithoutList { multiple } => format!(
                "`{}` names no choice list; row skipped",
                select_word(*multiple)
            ),
            ListNotFound { list } => {
                format!("choice list `{list}` is not on the choices sheet; row skipped")
            }
            NoChoicesSheet { list } => {
                format!("choice list `{list}` is needed but there is no choices sheet; row skipped")
            }
            QuestionWithoutName => "question has no name; row skipped".into(),
            NameInvalid { name } => format!(
                "name `{name}` must start with a letter and hold only letters, digits, _ or -; row skipped"
            ),
            NameRepeated { name } => {
                format!("name `{name}` is used by an earlier question; row skipped")
            }
            GroupCondition => {
                "conditions on groups are not supported; the group's items are always shown".into()
            }
            NestedGroup { section } => {
                format!("nested groups are not supported; its items join the section `{section}`")
            }
            GroupNameInvalid { used } => format!("group has no valid name; `{used}` is used"),
            GroupNameRepeated { name, used } => {
                format!("group name `{name}` is used by an earlier group; `{used}` is used")
            }
            GroupWithoutLabel => "group has no label; its name is used as the section title".into(),
            GroupEmpty { group } => {
                format!("group `{group}` has no question that could be imported; no section made")
            }
            OrOther => "`or_other` is not supported; no \"other\" choice is offered".into(),
            NoChineseLabel => "question has no Chinese label; the English one is used".into(),
            QuestionWithoutLabel => "question has no label; its name is used".into(),
            Calculation => "calculations are not supported; ignored".into(),
            NotYesNo { value } => {
                format!("`{value}` is not supported here (only yes or no); treated as no")
            }
            ConditionUnsupported { condition } => format!(
                "condition `{condition}` is not supported (only `${{item}} = 'value'` or `selected(${{item}}, 'value')`); {SHOWN}"
            ),
            ConditionOnItself { condition } => {
                format!("condition `{condition}`: it refers to the question itself; {SHOWN}")
            }
            ConditionValue {
                condition,
                value,
                problem,
            } => format!("condition `{condition}`: the value `{value}` {problem}; {SHOWN}"),
            ConditionOnSkipped { condition, target } => format!(
                "condition `{condition}`: it refers to `{target}`, which was not imported; {SHOWN}"
            ),
            ConditionOnUnknown { condition, target } => format!(
                "condition `{condition}`: it refers to `{target}`, which is not an earlier question; {SHOWN}"
            ),
            ConstraintNotNumber => {
                "constraints are only imported for integer and decimal questions; ignored".into()
            }
            ConstraintUnsupported { constraint } => format!(
                "constraint `{constraint}` is not a numeric bound (like `. >= 0 and . <= 100`); ignored"
            ),
            ConstraintImpossible { constraint } => {
                format!("constraint `{constraint}` can never be met; ignored")
            }
            ConstraintLoosened { constraint } => format!(
                "strict bounds in `{constraint}` are kept as inclusive: a reading exactly at the bound passes"
            ),
            CannotFail => "only pass/fail and number questions can fail; ignored".into(),
            CategoryInvalid { value } => {
                format!("`{value}` is not a category name such as fire, electric or gas; ignored")
            }
            SeverityUnknown { value } => {
                format!("`{value}` is not low, medium, high or critical; ignored")
            }
        }
    }
}

/// The XLSForm type a select question was written with.
pub fn select_word(multiple: bool) -> &'static str {
    if multiple {
        "select_multiple"
    } else {
        "select_one"
    }
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueProblem::NotPassFailNa => "must be pass, fail or na for a pass/fail item",
            ValueProblem::NotAChoice => "is not one of the choices of the item it refers to",
            ValueProblem::NotANumber => "must be a number for a number item",
            ValueProblem::OnPhoto => "cannot depend on a photo item",
        })
    }
}
