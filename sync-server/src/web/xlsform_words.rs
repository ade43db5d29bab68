//! The words of an XLSForm import report: core's typed issue codes (`IssueKind`) and
//! import errors in Chinese, and in English under the English switch (core's own words,
//! so English is written once). Values the form's author typed — types, names, lists,
//! conditions, column headers — are parts of their own, shown as code, never translated.

use gridkeeper_core::checklist::{IssueKind, ValueProblem, XlsFormError, select_word};

use crate::templates::Issue;

/// A run of words, or a value from the form to show as code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub code: bool,
}

/// Words with values set in backticks (the convention of core's English words, kept here
/// for the Chinese) → parts.
fn parts(words: &str) -> Vec<Part> {
    words
        .split('`')
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Part {
            text: t.to_string(),
            code: i % 2 == 1,
        })
        .collect()
}

/// Why a row of the report was not imported, in the reader's language.
pub fn issue(i: &Issue, zh: bool) -> Vec<Part> {
    match (&i.kind, zh) {
        (Some(kind), true) => parts(&chinese(kind, i.row)),
        (Some(kind), false) => parts(&kind.english(i.row)),
        // Stored before issues had codes: only English words were kept.
        (None, true) => parts("未能导入（此报告由旧版本生成，重新上传表单可看到原因）"),
        (None, false) => parts(&i.message),
    }
}

/// A column as the report names it: its header as code, or words for a header left empty.
pub fn column(header: &str, zh: bool) -> Part {
    match (header.is_empty(), zh) {
        (false, _) => Part {
            text: header.to_string(),
            code: true,
        },
        (true, true) => Part {
            text: "（无表头）".into(),
            code: false,
        },
        (true, false) => Part {
            text: "(no header)".into(),
            code: false,
        },
    }
}

/// Why nothing of the workbook could be imported.
pub fn error(e: &XlsFormError, zh: bool) -> Vec<Part> {
    if !zh {
        return parts(&e.to_string());
    }
    parts(&match e {
        // The reader's own detail is English and says nothing an administrator can act on.
        XlsFormError::Unreadable(_) => "不是可读取的电子表格（.xlsx、.xls 或 .ods）".into(),
        XlsFormError::MissingSheet(sheet) => format!("工作簿中没有 `{sheet}` 工作表"),
        XlsFormError::MissingColumn { sheet, column } => {
            format!("`{sheet}` 工作表缺少 `{column}` 列")
        }
        XlsFormError::Invalid(inv) => {
            format!("表单中没有能成为巡查模板的内容（`{}`）", inv.field)
        }
    })
}

/// A workbook above the upload limit, in Chinese (the API's `too_large` is shared with
/// rescue files, whose limit differs).
pub fn too_large() -> String {
    format!(
        "XLSForm 工作簿最大 {} MB",
        crate::templates::MAX_XLSFORM_BYTES >> 20
    )
}

fn value_problem(p: ValueProblem) -> &'static str {
    match p {
        ValueProblem::NotPassFailNa => "必须是 `pass`、`fail` 或 `na`（所引用的是合格/不合格项）",
        ValueProblem::NotAChoice => "不是所引用问题的选项之一",
        ValueProblem::NotANumber => "必须是数字（所引用的是数值项）",
        ValueProblem::OnPhoto => "无效：条件不能依赖照片项",
    }
}

fn chinese(kind: &IssueKind, row: u32) -> String {
    use IssueKind::*;
    const SHOWN: &str = "该问题始终显示";
    match kind {
        OtherLanguage => "只导入中文和英文标签；此列已忽略".into(),
        UnknownColumn => "不支持此列；列中的值已忽略".into(),
        PlaceTypeInvalid { value } => {
            format!("`{value}` 不是场所类型名称（如 `shop`、`rental`）；已忽略")
        }
        ChoiceWithoutList => "选项没有列表名（`list_name`）；已跳过".into(),
        ChoiceWithoutName { list } => format!("列表 `{list}` 中的选项没有名称；已跳过"),
        ChoiceRepeated { list, value } => {
            format!("选项 `{value}` 在列表 `{list}` 中出现两次；已跳过")
        }
        ChoiceWithoutLabel { value } => format!("选项 `{value}` 没有标签；以其名称代替"),
        Repeat { last_row } => {
            format!("不支持重复组（`begin repeat`）；第 {row}–{last_row} 行已跳过")
        }
        RepeatNotClosed { last_row } => format!(
            "不支持重复组（`begin repeat`），且该重复组没有结束；第 {row}–{last_row} 行已跳过"
        ),
        EndRepeatUnmatched => "`end repeat` 没有对应的 `begin repeat`；已忽略".into(),
        EndGroupUnmatched => "`end group` 没有对应的 `begin group`；已忽略".into(),
        GroupNotClosed => "分组没有结束（缺少 `end group`），一直延续到工作表末尾".into(),
        Calculate => "不支持计算字段（`calculate`）；此行已跳过".into(),
        NoType => "此行没有类型；已跳过".into(),
        UnsupportedType { value } => format!("不支持类型 `{value}`；此行已跳过"),
        SelectWithoutList { multiple } => {
            format!("`{}` 没有指明选项列表；此行已跳过", select_word(*multiple))
        }
        ListNotFound { list } => {
            format!("选项列表 `{list}` 不在 `choices` 工作表中；此行已跳过")
        }
        NoChoicesSheet { list } => {
            format!("需要选项列表 `{list}`，但表单没有 `choices` 工作表；此行已跳过")
        }
        QuestionWithoutName => "问题没有名称；此行已跳过".into(),
        NameInvalid { name } => {
            format!("名称 `{name}` 须以字母开头，只含字母、数字、`_` 或 `-`；此行已跳过")
        }
        NameRepeated { name } => format!("名称 `{name}` 已被前面的问题使用；此行已跳过"),
        GroupCondition => "不支持分组的显示条件；分组中的问题始终显示".into(),
        NestedGroup { section } => {
            format!("不支持嵌套分组；其中的问题并入分组 `{section}`")
        }
        GroupNameInvalid { used } => format!("分组没有有效名称；改用 `{used}`"),
        GroupNameRepeated { name, used } => {
            format!("分组名称 `{name}` 已被前面的分组使用；改用 `{used}`")
        }
        GroupWithoutLabel => "分组没有标签；以其名称作为分组标题".into(),
        GroupEmpty { group } => {
            format!("分组 `{group}` 中没有可导入的问题；未建立该分组")
        }
        OrOther => "不支持 `or_other`；不提供“其他”选项".into(),
        NoChineseLabel => "问题没有中文标签；使用英文标签".into(),
        QuestionWithoutLabel => "问题没有标签；以其名称代替".into(),
        Calculation => "不支持计算；已忽略".into(),
        NotYesNo { value } => {
            format!("此处只接受是或否（`yes`、`no`），`{value}` 不支持；按“否”处理")
        }
        ConditionUnsupported { condition } => format!(
            "不支持条件 `{condition}`（只支持 `${{item}} = 'value'` 或 `selected(${{item}}, 'value')`）；{SHOWN}"
        ),
        ConditionOnItself { condition } => {
            format!("条件 `{condition}` 引用了问题自身；{SHOWN}")
        }
        ConditionValue {
            condition,
            value,
            problem,
        } => format!(
            "条件 `{condition}` 中的值 `{value}` {}；{SHOWN}",
            value_problem(*problem)
        ),
        ConditionOnSkipped { condition, target } => {
            format!("条件 `{condition}` 引用的 `{target}` 未被导入；{SHOWN}")
        }
        ConditionOnUnknown { condition, target } => {
            format!("条件 `{condition}` 引用的 `{target}` 不是前面的问题；{SHOWN}")
        }
        ConstraintNotNumber => "只为整数和小数问题导入约束；已忽略".into(),
        ConstraintUnsupported { constraint } => {
            format!("约束 `{constraint}` 不是数值范围（如 `. >= 0 and . <= 100`）；已忽略")
        }
        ConstraintImpossible { constraint } => {
            format!("约束 `{constraint}` 永远无法满足；已忽略")
        }
        ConstraintLoosened { constraint } => {
            format!("`{constraint}` 中的严格不等号按含边界处理：读数恰好等于边界时视为合格")
        }
        CannotFail => "只有合格/不合格项和数值项会不合格；已忽略".into(),
        CategoryInvalid { value } => {
            format!("`{value}` 不是隐患类别名称（如 `fire`、`electric`、`gas`）；已忽略")
        }
        SeverityUnknown { value } => {
            format!("`{value}` 不是低、中、高或严重（`low`、`medium`、`high`、`critical`）；已忽略")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_code() {
        let p = parts("不支持类型 `date`；此行已跳过");
        let shown: Vec<(&str, bool)> = p.iter().map(|p| (p.text.as_str(), p.code)).collect();
        assert_eq!(
            shown,
            [
                ("不支持类型 ", false),
                ("date", true),
                ("；此行已跳过", false)
            ]
        );
        assert!(parts("`a`").iter().all(|p| p.code));
    }
}
