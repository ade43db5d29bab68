//! The words of a record page: what each kind is called and what each of its fields is
//! called, in one table per kind (Chinese, English). Paths are the record's JSON keys with
//! list positions dropped (`members.phone`), so the record card, the history and the
//! conflicts all name a field the same way. Enum values are worded by
//! [`crate::reports::labels::word`], the table reports and exports use too. The export log
//! on the administrator's page is worded here as well.

use crate::reports::labels::word;

type Table = &'static [(&'static str, &'static str, &'static str)];

/// What every record carries whatever its kind.
const ENVELOPE: Table = &[
    ("kind", "类型", "Type"),
    ("grid", "网格", "Grid"),
    ("created_at", "创建时间", "Created"),
    ("archived", "已归档", "Archived"),
];

const HOUSEHOLD: Table = &[
    ("address", "住址", "Address"),
    ("housing_type", "住房类型", "Housing"),
    ("members", "成员", "Members"),
    ("members.name", "姓名", "Name"),
    ("members.id_number", "身份证号", "ID number"),
    ("members.gender", "性别", "Gender"),
    ("members.birth_date", "出生日期", "Born"),
    ("members.age", "年龄", "Age"),
    (
        "members.legacy_id_number",
        "旧版身份证号",
        "Old-style ID number",
    ),
    ("members.phone", "联系电话", "Phone"),
    ("members.relation", "与户主关系", "Relation to head"),
    ("members.registration", "户籍类型", "Registration"),
    ("members.tags", "特殊群体标签", "Special groups"),
    ("members.custom_tags", "其他标签", "Other tags"),
    ("members.left", "离开", "Left"),
    ("members.left.reason", "离开原因", "Reason left"),
    ("members.left.on", "离开日期", "Left on"),
    ("tags", "标签", "Tags"),
    ("notes", "备注", "Notes"),
];

const PLACE: Table = &[
    ("name", "名称", "Name"),
    ("place_type", "场所类型", "Type"),
    ("address", "地址", "Address"),
    ("responsible", "负责人", "Responsible person"),
    ("contact", "联系电话", "Contact phone"),
    ("tags", "标签", "Tags"),
    ("notes", "备注", "Notes"),
];

const VISIT: Table = &[
    ("subject", "走访对象", "Visited"),
    ("visited_at", "走访时间", "Visited at"),
    ("worker", "网格员", "Worker"),
    ("purpose", "走访事由", "Purpose"),
    ("members_seen", "见到的成员", "Members seen"),
    ("findings", "走访情况", "Findings"),
    ("location", "位置", "Location"),
    ("photos", "照片", "Photos"),
    ("raised_cases", "上报的事件", "Cases raised"),
];

const INSPECTION: Table = &[
    ("subject", "巡查对象", "Inspected"),
    ("template_id", "巡查模板", "Checklist"),
    ("template_version", "模板版本", "Checklist version"),
    ("inspected_at", "巡查时间", "Inspected at"),
    ("inspector", "巡查人", "Inspector"),
    ("answers", "检查项", "Checklist"),
    ("actions", "不合格项处理", "Failed items handled"),
    ("photos", "照片", "Photos"),
    ("status", "状态", "Status"),
    ("completed_at", "完成时间", "Completed at"),
    ("answers.section", "分组", "Section"),
    ("answers.item", "检查内容", "Item"),
    ("answers.answer", "结果", "Answer"),
    ("answers.handling", "处理", "Handled by"),
    ("answers.photos", "照片", "Photos"),
    ("answers.value", "结果", "Answer"),
    ("actions.case_id", "事件", "Case"),
    ("actions.note", "说明", "Note"),
];

const CASE: Table = &[
    ("category", "类别", "Category"),
    ("subcategory", "细类", "Subcategory"),
    ("description", "描述", "Description"),
    ("subject", "涉及对象", "Concerns"),
    ("severity", "严重程度", "Severity"),
    ("reported_at", "上报时间", "Reported at"),
    ("deadline", "办理时限", "Deadline"),
    ("state", "状态", "State"),
    ("overdue", "逾期", "Overdue"),
    ("photos", "照片", "Photos"),
    ("source", "来源", "Raised by"),
    ("timeline", "办理经过", "Timeline"),
    ("timeline.action", "操作", "Action"),
    ("timeline.at", "时间", "When"),
    ("timeline.by", "办理人", "By"),
    ("timeline.note", "说明", "Note"),
    ("timeline.reason", "原因", "Reason"),
    ("timeline.escalate_to", "上报至", "Escalated to"),
    ("timeline.dispatch_to", "派遣至", "Dispatched to "),
    ("timeline.handle_by", "处理期限", "act by "),
    ("timeline.handler", "处置单位", "Handled by "),
    ("timeline.photos", "照片", "Photos"),
];

const MEDIATION: Table = &[
    ("dispute_type", "纠纷类型", "Dispute"),
    ("parties", "当事人", "Parties"),
    ("parties.name", "姓名", "Name"),
    ("parties.household_id", "所在住户", "Household"),
    ("parties.member_id", "成员", "Member"),
    ("parties.phone", "联系电话", "Phone"),
    ("risk_level", "风险等级", "Risk"),
    ("opened_on", "受理日期", "Opened on"),
    ("narrative", "调解经过", "Narrative"),
    ("sessions", "调解记录", "Sessions"),
    ("sessions.date", "日期", "Date"),
    ("sessions.participants", "参加人", "Participants"),
    ("sessions.outcome", "结果", "Outcome"),
    ("result", "调解结果", "Result"),
    ("agreement_text", "调解协议", "Agreement"),
    ("signatures", "签名", "Signatures"),
    ("signatures.party_id", "签名人", "Signed by"),
    ("signatures.blob", "签名", "Signature"),
    ("follow_ups", "回访", "Follow-ups"),
    ("follow_ups.due", "应回访日期", "Due"),
    ("follow_ups.done_on", "回访日期", "Done on"),
    ("follow_ups.note", "回访情况", "Note"),
];

const ACTIVITY: Table = &[
    ("topic", "主题", "Topic"),
    ("activity_type", "活动类型", "Type"),
    ("held_on", "日期", "Held on"),
    ("venue", "地点", "Venue"),
    ("participants", "参与人次", "Participants"),
    ("notes", "备注", "Notes"),
    ("photos", "照片", "Photos"),
];

const DIARY: Table = &[
    ("day", "日期", "Day"),
    ("worker", "网格员", "Worker"),
    ("visited", "走访情况", "Visits"),
    ("problems", "问题", "Problems"),
    ("measures", "处理措施", "Measures taken"),
    ("results", "反馈结果", "Results"),
    ("submitted_at", "提交时间", "Submitted at"),
];

fn table(kind: &str) -> Table {
    match kind {
        "diary" => DIARY,
        "household" => HOUSEHOLD,
        "place" => PLACE,
        "visit" => VISIT,
        "inspection" => INSPECTION,
        "case" => CASE,
        "mediation" => MEDIATION,
        "activity" => ACTIVITY,
        _ => &[],
    }
}

/// What a kind is called (`household` → 住户).
pub fn kind_name(kind: &str, zh: bool) -> &'static str {
    let (c, e) = match kind {
        "household" => ("住户", "Household"),
        "place" => ("场所", "Place"),
        "visit" => ("走访", "Visit"),
        "inspection" => ("巡查", "Inspection"),
        "case" => ("事件", "Case"),
        "mediation" => ("矛盾调解", "Mediation"),
        "activity" => ("活动", "Activity"),
        "diary" => ("民情日志", "Daily log"),
        _ => ("记录", "Record"),
    };
    if zh { c } else { e }
}

/// The label of a field of `kind`, or of the envelope. A path with list positions or item
/// ids (`members[id=m1].phone`, `timeline[2].note`) is looked up without them. A field this
/// build has no word for (one a newer app added) is called "其他字段", never by its key.
pub fn field(kind: &str, path: &str, zh: bool) -> String {
    let bare = strip_positions(path);
    let found = table(kind)
        .iter()
        .chain(ENVELOPE)
        .find(|(k, _, _)| *k == bare)
        .map(|(_, c, e)| if zh { *c } else { *e });
    match found {
        Some(w) => w.to_string(),
        None if zh => "其他字段".to_string(),
        None => "Other field".to_string(),
    }
}

/// An enum value in words (`owner_occupied` → 自住).
pub fn value(v: &str, zh: bool) -> String {
    word(v, zh).to_string()
}

/// What an export-log entry exported (`report:cases`, `list:members`, `rescue:import`), in
/// words; a kind this build does not know is shown as it was written down.
pub fn export_what(what: &str, zh: bool) -> String {
    use super::frame::{list_title, report_title};
    match what.split_once(':') {
        Some(("report", name)) if zh => format!("报表：{}", report_title(name, zh)),
        Some(("report", name)) => format!("Report: {}", report_title(name, zh)),
        Some(("list", name)) if zh => format!("名单：{}", list_title(name, zh)),
        Some(("list", name)) => format!("List: {}", list_title(name, zh)),
        Some(("rescue", "import")) if zh => "导入救援文件".to_string(),
        Some(("rescue", "import")) => "Rescue file imported".to_string(),
        _ => what.to_string(),
    }
}

/// An export-log entry's scope in words where its kind writes counts (a rescue import);
/// otherwise, a node id or an older entry, as it was written down.
pub fn export_scope(what: &str, scope: &str, zh: bool) -> String {
    match (what, crate::rescue::AuditCounts::parse(scope)) {
        ("rescue:import", Some(c)) if zh => format!(
            "设备 {}：{} 条修改收下 {} 条、拒收 {} 条；附件新存 {} 个、已有 {} 个、拒收 {} 个",
            c.device_id,
            c.changes,
            c.accepted,
            c.refused,
            c.attachments_stored,
            c.attachments_held,
            c.attachments_refused
        ),
        ("rescue:import", Some(c)) => format!(
            "device {}: {} of {} changes taken, {} refused; attachments {} stored, {} held, {} refused",
            c.device_id,
            c.accepted,
            c.changes,
            c.refused,
            c.attachments_stored,
            c.attachments_held,
            c.attachments_refused
        ),
        _ => scope.to_string(),
    }
}

/// An export-log entry's format: a file format's name, or what came in.
pub fn export_format(format: &str, zh: bool) -> String {
    match format {
        "rescue" if zh => "救援文件".to_string(),
        "rescue" => "rescue file".to_string(),
        other => other.to_uppercase(),
    }
}

/// Why a page's request was refused, in Chinese, by the API's code (its message is
/// English); `None` for a code without words here, whose message is shown.
pub fn refusal(code: &str) -> Option<String> {
    Some(match code {
        "bad_period" => "日期格式如 2026-11-28，起始日期不晚于截止日期，时段最长三年".into(),
        "bad_format" => "导出格式为 CSV 或 XLSX".into(),
        "bad_role" => "角色须为网格员、督导或管理员".into(),
        "malformed_form" => "提交的表单无法读取，请重新填写提交".into(),
        "no_web_sign_in" => "网格员在手机上登录，不设网页密码".into(),
        "weak_password" => format!("密码至少 {} 位", super::password::MIN_LENGTH),
        "unknown_kind" => "此记录的类型本服务器不认识".into(),
        "unreadable" => "此记录无法读取".into(),
        "no_change" => "没有需要处理的内容".into(),
        "no_conflict" => "此冲突已处理或该值已不存在；请刷新记录".into(),
        "invalid_record_id" => "不是有效的记录编号".into(),
        "invalid_erasure" => "请填写要删除的字段，或选择删除整条记录（二者选一）".into(),
        "invalid_reason" => "删除须填写原因（1–500 字），原因记入审计".into(),
        "stored_document_damaged" => "服务器上此记录的副本无法读取，无法重新签发".into(),
        "invalid_template_id" => {
            "模板编号为 1–64 个字符：以字母或下划线开头，其后为字母、数字、下划线或连字符".into()
        }
        "invalid_version" => "模板版本须为从 1 起的整数".into(),
        "version_not_higher" => {
            "此模板已发布了不低于此版本的版本，已发布的版本不可更改；请用更高的版本号上传".into()
        }
        "already_published" => "此版本已发布，不可再次发布".into(),
        "too_large" => "文件超过本服务器允许的大小".into(),
        "not_rescue_file" => "这不是网格管家手机写出的救援文件".into(),
        "unsupported_rescue_version" => {
            "救援文件来自较新版本的应用，本服务器读不了；请先升级服务器".into()
        }
        "truncated_rescue_file" => "救援文件不完整（复制可能中断），请从手机重新写出".into(),
        "bad_rescue_header" | "bad_rescue_body" => "救援文件的内容无法读取".into(),
        "rescue_file_unauthentic" => {
            "救援文件未通过校验：文件被改动过，或不是本服务器登记的手机写出的".into()
        }
        "unknown_device" => "写出此救援文件的手机没有在本服务器登记".into(),
        "device_revoked" => "写出此救援文件的手机已被停用，其中的工作不再收下".into(),
        "refused" => "服务器没有收下这次处理（记录可能刚被删除或移出网格）；请刷新记录".into(),
        _ => return None,
    })
}

/// A yes/no value in words (never `true`/`false`).
pub fn yes_no(b: bool, zh: bool) -> &'static str {
    match (b, zh) {
        (true, true) => "是",
        (false, true) => "否",
        (true, false) => "yes",
        (false, false) => "no",
    }
}

/// A user's role, in the words of the add-user form.
pub fn role_word(role: crate::storage::Role, zh: bool) -> &'static str {
    use crate::storage::Role;
    match (role, zh) {
        (Role::Worker, true) => "网格员",
        (Role::Supervisor, true) => "督导",
        (Role::Admin, true) => "管理员",
        (role, false) => role.as_str(),
    }
}

/// Whether an export showed ID and phone numbers masked, in words.
pub fn masked_word(masked: bool, zh: bool) -> &'static str {
    match (masked, zh) {
        (true, true) => "已脱敏",
        (false, true) => "完整",
        (true, false) => "masked",
        (false, false) => "full",
    }
}

fn strip_positions(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim_start_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_looked_up_without_positions() {
        assert_eq!(field("household", "members[id=m1].phone", true), "联系电话");
        assert_eq!(field("case", "timeline[2].note", true), "说明");
        assert_eq!(field("household", "housing_type", false), "Housing");
        assert_eq!(field("household", "from_a_newer_app", true), "其他字段");
        assert_eq!(field("place", "archived", true), "已归档");
    }

    #[test]
    fn export_log_in_words() {
        assert_eq!(export_what("report:cases", true), "报表：事件办理");
        assert_eq!(export_what("list:members", true), "名单：人口名单");
        assert_eq!(export_what("list:members", false), "List: People");
        assert_eq!(export_what("rescue:import", true), "导入救援文件");
        assert_eq!(export_what("something:new", true), "something:new");
        let scope = crate::rescue::AuditCounts {
            device_id: "dev-1".into(),
            changes: 5,
            accepted: 3,
            refused: 2,
            attachments_stored: 1,
            attachments_held: 0,
            attachments_refused: 0,
        }
        .to_scope();
        assert_eq!(
            export_scope("rescue:import", &scope, true),
            "设备 dev-1：5 条修改收下 3 条、拒收 2 条；附件新存 1 个、已有 0 个、拒收 0 个"
        );
        assert_eq!(export_scope("report:cases", "c1", true), "c1");
        assert_eq!(
            export_scope("rescue:import", "device dev-1: 3 accepted", true),
            "device dev-1: 3 accepted"
        );
        assert_eq!(export_format("rescue", true), "救援文件");
        assert_eq!(export_format("xlsx", true), "XLSX");
        assert_eq!(role_word(crate::storage::Role::Supervisor, true), "督导");
    }
}
