//! What each ledger source can put in a column. A ledger definition picks from these; the
//! words beside each key are what the admin page shows an administrator choosing them.

use serde::Serialize;

/// How a field's value is shown: ID and phone numbers are masked for everyone but an
/// administrator, as in every other export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Show {
    Text,
    Int,
    IdNumber,
    Phone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    pub key: &'static str,
    /// What the field holds, in Chinese, for the person editing a ledger.
    pub zh: &'static str,
    pub show: Show,
}

const fn f(key: &'static str, zh: &'static str) -> Field {
    Field {
        key,
        zh,
        show: Show::Text,
    }
}

const fn n(key: &'static str, zh: &'static str) -> Field {
    Field {
        key,
        zh,
        show: Show::Int,
    }
}

pub const SOURCES: [&str; 5] = [
    "visits",
    "hazards",
    "disputes",
    "special_groups",
    "daily_log",
];

/// Every source has these: the row's number and the grid it belongs to.
const COMMON: [Field; 4] = [
    n("seq", "序号"),
    f("grid", "网格编号"),
    f("grid_name", "网格名称"),
    f("grid_code", "网格编码"),
];

const VISITS: &[Field] = &[
    f("record", "记录编号"),
    f("date", "走访日期"),
    f("time", "走访时间（日期 时:分）"),
    f("subject", "走访对象（住户地址或场所名称）"),
    f("subject_kind", "对象类型（住户/场所）"),
    f("purpose", "走访事由"),
    f("members_seen", "见到的家庭成员"),
    f("findings", "了解情况"),
    f("cases_raised", "由此上报的事件"),
    f("worker", "走访人"),
];

const HAZARDS: &[Field] = &[
    f("record", "记录编号"),
    f("place_name", "场所名称（住户为地址）"),
    f("address", "地址"),
    f("category", "隐患类别"),
    f("severity", "严重程度"),
    f("description", "隐患描述"),
    f("found_on", "发现日期"),
    f("deadline", "整改期限"),
    f("measures", "整改措施（处理和办结记录）"),
    f("result", "整改结果"),
    f("state", "事件状态"),
    f("rechecked_on", "复查日期"),
    f("responsible", "责任人（承办单位或处理人）"),
    f("reporter", "发现人"),
    f("found_by", "发现方式（巡查/走访/上报）"),
];

const DISPUTES: &[Field] = &[
    f("record", "记录编号"),
    f("dispute_type", "纠纷类型"),
    f("risk_level", "风险等级"),
    f("parties", "当事人"),
    Field {
        key: "party_phones",
        zh: "当事人电话",
        show: Show::Phone,
    },
    f("summary", "简要情况"),
    f("opened_on", "排查日期"),
    f("mediated_on", "调解日期（最近一次）"),
    n("sessions", "调解次数"),
    f("result", "调解结果"),
    f("agreement", "是否签订协议"),
    f("follow_up", "回访情况"),
];

const SPECIAL_GROUPS: &[Field] = &[
    f("record", "住户记录编号"),
    f("name", "姓名"),
    f("gender", "性别"),
    f("birth_date", "出生日期"),
    Field {
        key: "id_number",
        zh: "身份证号",
        show: Show::IdNumber,
    },
    Field {
        key: "phone",
        zh: "联系电话",
        show: Show::Phone,
    },
    f("address", "住址"),
    f("groups", "帮扶类别"),
    n("visits", "期内走访次数"),
    f("last_visit_on", "最近走访日期"),
    f("last_findings", "最近走访情况"),
    f("last_worker", "最近走访人"),
];

const DAILY_LOG: &[Field] = &[
    f("date", "日期"),
    f("worker", "网格员"),
    n("visit_count", "走访户次"),
    f("visited", "走访情况"),
    f("problems", "问题"),
    f("measures", "处理措施"),
    f("results", "反馈结果"),
    f(
        "submitted_at",
        "网格员提交时间（空：由当日记录生成，未经本人提交）",
    ),
];

/// The fields of a source, common ones first; `None` for no such source.
pub fn of(source: &str) -> Option<Vec<Field>> {
    let own = match source {
        "visits" => VISITS,
        "hazards" => HAZARDS,
        "disputes" => DISPUTES,
        "special_groups" => SPECIAL_GROUPS,
        "daily_log" => DAILY_LOG,
        _ => return None,
    };
    let mut all = COMMON.to_vec();
    all.extend_from_slice(own);
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_has_fields_and_no_key_twice() {
        for s in SOURCES {
            let fields = of(s).unwrap_or_default();
            assert!(fields.len() > COMMON.len(), "{s}");
            let mut keys: Vec<&str> = fields.iter().map(|f| f.key).collect();
            keys.sort_unstable();
            let len = keys.len();
            keys.dedup();
            assert_eq!(keys.len(), len, "{s} repeats a key");
        }
        assert!(of("payroll").is_none());
    }
}
