//! The app's two languages and every word its screens show. One table, so a test checks the
//! words a worker reads; the shells keep only their chrome (titles, button captions).

use gridkeeper_core::Error;
use gridkeeper_core::sync::SyncError;
use serde::Serialize;

/// Chinese first; English second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum Lang {
    #[default]
    Zh,
    En,
}

const WORDS: &[(&str, &str, &str)] = &[
    ("tag.solitary_elderly", "独居老人", "Solitary elderly"),
    ("tag.empty_nest_elderly", "空巢老人", "Empty-nest elderly"),
    ("tag.left_behind_child", "留守儿童", "Left-behind child"),
    ("tag.disabled", "残疾人", "Disabled"),
    ("tag.subsistence_allowance", "低保", "Subsistence allowance"),
    ("tag.veteran", "退役军人", "Veteran"),
    ("tag.key_person", "重点人员", "Key person"),
    ("relation.head", "户主", "Head"),
    ("relation.spouse", "配偶", "Spouse"),
    ("relation.child", "子女", "Child"),
    ("relation.parent", "父母", "Parent"),
    ("relation.grandchild", "孙辈", "Grandchild"),
    ("relation.grandparent", "祖辈", "Grandparent"),
    ("relation.sibling", "兄弟姐妹", "Sibling"),
    ("relation.tenant", "租户", "Tenant"),
    ("relation.other", "其他", "Other"),
    ("category.hazard", "隐患", "Hazard"),
    ("category.environment", "环境问题", "Environment"),
    ("category.appeal", "诉求", "Appeal"),
    ("category.errand", "代办", "Errand"),
    ("severity.low", "一般", "Low"),
    ("severity.medium", "较重", "Medium"),
    ("severity.high", "严重", "High"),
    ("severity.critical", "重大", "Critical"),
    ("state.reported", "已上报", "Reported"),
    ("state.accepted", "已受理", "Accepted"),
    ("state.in_progress", "处置中", "In progress"),
    ("state.resolved", "已办结", "Resolved"),
    ("state.verified", "已核查", "Verified"),
    ("state.closed", "已结案", "Closed"),
    ("state.returned", "已退回", "Returned"),
    ("state.escalated", "已上报上级", "Escalated"),
    ("dispute.neighbour", "邻里纠纷", "Neighbours"),
    ("dispute.family", "家庭纠纷", "Family"),
    ("dispute.marriage", "婚姻纠纷", "Marriage"),
    ("dispute.labour", "劳资纠纷", "Labour"),
    ("dispute.property", "物业纠纷", "Property"),
    ("dispute.land", "土地纠纷", "Land"),
    ("dispute.other", "其他纠纷", "Other"),
    ("today.overdue", "已超期 %d 天", "%d days overdue"),
    ("today.due_by", "应于 %s 前", "due by %s"),
    ("today.deadline", "期限 %s", "deadline %s"),
    ("today.follow_up", "回访 %s", "follow up %s"),
    (
        "today.nothing",
        "今天没有到期的工作",
        "Nothing is due today",
    ),
    ("purpose.routine", "日常走访", "Routine"),
    (
        "purpose.special_group_care",
        "特殊群体关爱",
        "Special group care",
    ),
    ("purpose.policy_publicity", "政策宣传", "Policy publicity"),
    (
        "purpose.opinion_collection",
        "民情收集",
        "Opinion collection",
    ),
    ("purpose.errand_follow_up", "代办回访", "Errand follow-up"),
    ("purpose.other", "其他", "Other"),
    ("left.moved_out", "已迁出 %s", "Moved out %s"),
    ("left.deceased", "已故 %s", "Deceased %s"),
    ("left.other", "已离开 %s", "Left %s"),
    ("detail.building", "%s栋", "Bldg %s"),
    ("detail.unit", "%s单元", "Unit %s"),
    (
        "detail.more_visits",
        "再显示 %d 次走访",
        "Show %d more visits",
    ),
    (
        "store_problem.title",
        "无法打开本机数据",
        "This phone's data cannot be opened",
    ),
    (
        "store_problem.key_lost",
        "打开数据所需的密钥已不在手机的安全存储中（例如取消了锁屏密码，或应用数据被恢复到了另一部手机）。数据文件仍在手机上，没有删除。",
        "The key that opens the data is no longer in the phone's secure storage (the screen lock was removed, or the app's data was restored onto another phone). The data file is still on the phone; nothing was deleted.",
    ),
    (
        "store_problem.storage_full",
        "手机存储空间已满，无法打开数据。已保存的内容都完好。",
        "The phone's storage is full, so the data cannot be opened. Everything saved is intact.",
    ),
    (
        "store_problem.storage",
        "手机存储读写出错，无法打开数据。数据文件没有删除。",
        "The phone's storage failed while opening the data. The data file was not deleted.",
    ),
    (
        "store_problem.keep_app",
        "不要卸载本应用，也不要清除应用数据。",
        "Do not uninstall the app or clear its data.",
    ),
    (
        "store_problem.ask_supervisor",
        "联系主管：上次同步之前的工作都已在服务器上，主管可以查看。",
        "Tell your supervisor: all work up to the last sync is on the server.",
    ),
    (
        "store_problem.start_over_then",
        "主管同意后，点“重新开始”，再用主管给的注册码注册本机，从服务器取回网格数据。旧数据文件保留在手机上。",
        "When your supervisor agrees, tap “Start over”, then enrol the phone with the code they give you to get the grid back from the server. The old data file stays on the phone.",
    ),
    (
        "store_problem.free_space",
        "删除不需要的照片、视频或应用，腾出空间。",
        "Free some space: delete photos, videos or apps you do not need.",
    ),
    (
        "store_problem.retry_then",
        "然后点“重试”。",
        "Then tap “Try again”.",
    ),
    (
        "store_problem.restart_phone",
        "重启手机后点“重试”。",
        "Restart the phone, then tap “Try again”.",
    ),
    ("store_problem.retry", "重试", "Try again"),
    ("store_problem.start_over", "重新开始", "Start over"),
    (
        "detail.conflicts",
        "%d 处冲突待处理",
        "%d conflicts to settle",
    ),
    ("households.empty", "还没有住户", "No households yet"),
    (
        "households.none_found",
        "没有找到匹配的住户",
        "No household matches",
    ),
    ("households.building", "%s号楼", "Building %s"),
    ("households.unit", "%s单元", "Unit %s"),
    ("households.all", "全部住户", "All households"),
    ("households.members", "%d 人", "%d people"),
    ("sync.never", "从未同步", "Never synced"),
    ("sync.pending", "待上传 %d 项", "%d changes to send"),
    ("sync.all_sent", "全部已上传", "Everything is sent"),
    ("sync.last", "上次同步：%s", "Last sync: %s"),
    ("sync.running", "正在同步…", "Syncing…"),
    (
        "sync.unsynced_age",
        "%d 项未上传，最早的在 %d 小时前",
        "%d not sent yet, the oldest %d hours ago",
    ),
    (
        "sync.unsynced_fresh",
        "%d 项未上传，最早的在 1 小时内",
        "%d not sent yet, the oldest within the hour",
    ),
    (
        "sync.overdue",
        "手机上有超过一天没有上传的记录，还没有同步到服务器。请连上网络，打开本应用点“立即同步”。",
        "Work on this phone has not reached the server for over a day. Connect to the internet, open the app and tap Sync now.",
    ),
    (
        "sync.signed_out_kept",
        "已退出。未上传的内容保留在手机上，有网时会继续上传。",
        "Signed out. Unsent work stays on the phone and goes up when there is a connection.",
    ),
    (
        "sync.signed_out_removed",
        "已退出。所有记录都已在服务器上。",
        "Signed out. All your work is on the server.",
    ),
    (
        "sync.rescue_written",
        "已写入救援文件：%d 条记录、%d 项修改、%d 张照片。请通过 U 盘或另一部手机交给管理员导入；导入前记录仍会在手机上排队等待同步。",
        "Rescue file written: %d records, %d changes, %d photos. Hand it to your administrator (USB or another phone) to import; until then the work also stays queued on this phone.",
    ),
    (
        "sync.rescue_failed",
        "救援文件没有写成，请检查手机剩余空间后重试。未上传的内容仍在手机上。",
        "The rescue file was not written; check the phone's free space and try again. The unsent work is still on the phone.",
    ),
    ("sync.receiving", "正在接收记录 %s", "Receiving records %s"),
    (
        "sync.exchanging",
        "已上传 %s 项，已接收 %s 项",
        "%s sent, %s received",
    ),
    (
        "sync.not_enrolled",
        "本机还未注册，请先用主管给的注册码注册",
        "This phone is not enrolled yet: enrol with the code from your supervisor",
    ),
    (
        "sync.refused_count",
        "%d 项修改服务器没有收下，仍保存在手机上",
        "%d changes were not accepted by the server; they are kept on this phone",
    ),
    (
        "sync.erased_edits",
        "管理员已按个人信息保护规定删除了你修改过的记录，%d 项修改无法保存，已从手机上清除。",
        "Edits that could not be kept: %d. An administrator erased the records they were made on, under data-protection rules; they were removed from this phone.",
    ),
    ("conflict.unknown_user", "另一台设备", "Another device"),
    ("conflict.removed", "已删除", "Removed"),
    (
        "conflict.removed_item",
        "删除与修改冲突：%s",
        "Removed while edited: %s",
    ),
    ("conflict.keep_removal", "保持删除", "Keep it removed"),
    (
        "conflict.restore",
        "恢复为此人修改后的内容",
        "Restore as this person left it",
    ),
    ("conflict.choose", "采用这个值", "Use this value"),
    ("conflict.by", "%s · %s", "%s · %s"),
    (
        "conflict.none",
        "没有需要处理的冲突",
        "No conflicts to settle",
    ),
    ("field.members", "成员", "Members"),
    ("field.name", "姓名", "Name"),
    ("field.id_number", "身份证号", "ID number"),
    ("field.phone", "手机号", "Phone"),
    ("field.contact", "联系电话", "Contact phone"),
    ("field.address", "地址", "Address"),
    ("field.building", "楼栋", "Building"),
    ("field.unit", "单元", "Unit"),
    ("field.room", "户室", "Room"),
    ("field.text", "地址", "Address"),
    ("field.notes", "备注", "Notes"),
    ("field.housing_type", "住房类型", "Housing type"),
    ("field.relation", "与户主关系", "Relation to head"),
    ("field.tags", "标签", "Tags"),
    ("field.archived", "归档", "Archived"),
    ("field.findings", "走访情况", "Findings"),
    ("field.description", "描述", "Description"),
    ("field.reason", "原因", "Reason"),
    ("field.parties", "当事人", "Parties"),
    ("field.narrative", "纠纷经过", "Narrative"),
    ("field.date", "日期", "Date"),
    ("field.location", "位置", "Location"),
    ("field.server", "服务器地址", "Server address"),
    ("field.code", "注册码", "Enrolment code"),
    ("field.on", "日期", "Date"),
    ("field.left", "离开", "Left"),
    ("reason.required", "必须填写", "is required"),
    (
        "reason.check_digit",
        "校验位不对，请核对是否输错",
        "check digit does not match (typo?)",
    ),
    ("reason.id_length", "应为18位", "must have 18 characters"),
    (
        "reason.id_digits",
        "前17位必须是数字",
        "the first 17 characters must be digits",
    ),
    (
        "reason.id_region",
        "地区码不是有效的省份",
        "region code is not a valid province",
    ),
    (
        "reason.id_birth",
        "其中的出生日期不正确",
        "the birth date in it is not right",
    ),
    (
        "reason.phone",
        "不是有效的手机号或带区号的固话",
        "not a mobile number or a landline with area code",
    ),
    (
        "reason.building_room",
        "请填写楼栋和户室，或填写完整地址",
        "needs a building and room, or a free-text address",
    ),
    ("reason.future", "不能晚于今天", "cannot be in the future"),
    ("reason.date", "日期格式不对", "is not a date"),
    (
        "reason.duplicate",
        "在本户中重复",
        "appears twice in this household",
    ),
    ("reason.other", "填写有误", "is not valid"),
    (
        "enrol.qr_invalid",
        "二维码不是网格管家的注册码",
        "This QR code is not a Gridkeeper enrolment code",
    ),
    (
        "error.not_found",
        "找不到这条记录，可能已被归档",
        "This record was not found; it may have been archived",
    ),
    (
        "error.moved_away",
        "这户已由主管迁到其他网格，现由那里的网格员负责；这里记下的走访仍在本网格",
        "A supervisor moved this household to another grid, whose worker looks after it now; the visits recorded here stay in this grid",
    ),
    (
        "error.conflict",
        "这处冲突已被处理，请刷新后再看",
        "This conflict was already settled; refresh and look again",
    ),
    (
        "error.storage_full",
        "手机存储空间已满，新的记录暂时存不进去。已保存的记录都还在；请删除不用的照片或应用腾出空间",
        "The phone's storage is full, so new work cannot be saved for now. Everything saved is still there; free some space",
    ),
    (
        "error.storage",
        "手机存储出错，请检查剩余空间后重试",
        "The phone's storage failed; check free space and try again",
    ),
    // household_edit and visit_form (the forms)
    ("field.community", "社区", "Community"),
    ("field.compound", "小区", "Compound"),
    ("field.floor", "楼层", "Floor"),
    ("field.birth_date", "出生日期", "Birth date"),
    ("field.registration", "户籍类型", "Registration"),
    ("field.purpose", "走访目的", "Purpose"),
    ("field.members_seen", "见到的成员", "Members seen"),
    ("field.photos", "照片", "Photos"),
    ("field.attachment", "照片", "Photo"),
    ("field.category", "事件类别", "Category"),
    ("field.severity", "严重程度", "Severity"),
    ("field.visited_at", "走访时间", "Time of the visit"),
    ("field.worker", "走访人", "Visited by"),
    ("housing.owner_occupied", "自住", "Owner-occupied"),
    ("housing.rented", "出租", "Rented"),
    ("housing.vacant", "空置", "Vacant"),
    ("housing.other", "其他", "Other"),
    ("registration.local", "户籍人口", "Registered resident"),
    ("registration.migrant", "流动人口", "Migrant"),
    ("registration.foreign", "境外人员", "Foreign national"),
    ("household_edit.member", "成员 %d", "Member %d"),
    ("household_edit.untitled", "新住户", "New household"),
    (
        "household_edit.restored",
        "已恢复上次未保存的内容",
        "What you typed last time is back",
    ),
    (
        "household_edit.unreadable",
        "上次未保存的内容无法读取，表单从空白开始",
        "What you typed last time could not be read; the form starts empty",
    ),
    (
        "visit_form.restored",
        "已恢复上次未提交的走访",
        "The visit you had not submitted is back",
    ),
    (
        "visit_form.unreadable",
        "上次未提交的走访无法读取，表单从空白开始",
        "The visit you had not submitted could not be read; the form starts empty",
    ),
    ("visit_form.locating", "正在定位…", "Finding where you are…"),
    ("visit_form.located", "已定位", "Location found"),
    (
        "visit_form.located_within",
        "已定位，误差约 %d 米",
        "Location found, within about %d m",
    ),
    (
        "visit_form.location_unavailable",
        "无法获取位置，可稍后再试，或不带位置提交",
        "The location is not available; try again, or submit without it",
    ),
    (
        "reason.photo_type",
        "不是可用的照片（JPEG、PNG、WebP、HEIC）",
        "not a photo this app takes (JPEG, PNG, WebP, HEIC)",
    ),
    ("reason.too_large", "文件太大", "the file is too large"),
    ("reason.empty_file", "文件是空的", "the file is empty"),
    ("reason.too_long", "内容太长，请精简", "is too long"),
    // Inspection (field-work)
    (
        "problem.unanswered",
        "此项必须回答",
        "This item must be answered",
    ),
    (
        "problem.missing_photo",
        "此项必须拍照",
        "A photo must be taken",
    ),
    (
        "problem.failed_without_action",
        "不合格：请上报隐患或填写说明",
        "Failed: raise a hazard case or write a note",
    ),
    (
        "problem.invalid_answer",
        "答案不符合此项要求",
        "The answer does not fit this item",
    ),
    (
        "inspection.complete_blocked",
        "还有未完成的检查项，不能完成巡查",
        "Some items are not done yet; the inspection cannot be completed",
    ),
    (
        "inspection.no_template",
        "本机没有这个巡查模板，请同步后再试",
        "This checklist is not on this phone; sync and try again",
    ),
    (
        "inspection.draft_unreadable",
        "上次未完成的巡查无法读取，已保留；请重新开始",
        "The unfinished inspection could not be read; it is kept, start again",
    ),
    (
        "inspection.case_pending",
        "完成时上报隐患：%s",
        "Hazard case on completion: %s",
    ),
    ("inspection.case_raised", "已上报隐患", "Hazard case raised"),
    // Cases (field-work)
    ("action.report", "上报", "Reported"),
    ("action.accept", "受理", "Accept"),
    ("action.start", "开始处置", "Start work"),
    ("action.resolve", "办结", "Resolve"),
    ("action.verify", "核查", "Verify"),
    ("action.close", "结案", "Close"),
    ("action.return", "退回", "Return"),
    ("action.escalate", "上报上级", "Escalate"),
    ("action.comment", "备注", "Note"),
    ("hazard.fire", "消防", "Fire"),
    ("hazard.evacuation", "疏散通道", "Evacuation"),
    ("hazard.ebike", "电动车", "E-bikes"),
    ("hazard.occupancy", "三合一场所", "Living on premises"),
    ("hazard.electric", "用电", "Electricity"),
    ("hazard.gas", "燃气", "Gas"),
    ("hazard.management", "安全管理", "Safety management"),
    ("cases.overdue_count", "%d 件已超期", "%d overdue"),
    ("cases.empty", "没有待办的事件", "No cases to work on"),
    (
        "cases.reason_required",
        "原因：退回时必须写明原因",
        "Reason: say why the case is returned",
    ),
    (
        "cases.escalate_to_required",
        "上报对象：请选择社区或街道",
        "Escalate to: choose community or street",
    ),
    (
        "cases.draft_unreadable",
        "上次未提交的事件无法读取，已保留；请重新填写",
        "The unsent case could not be read; it is kept, fill the form again",
    ),
    // Mediation (field-work)
    ("risk.low", "低风险", "Low risk"),
    ("risk.medium", "中风险", "Medium risk"),
    ("risk.high", "高风险", "High risk"),
    ("result.agreement", "达成协议", "Agreement"),
    ("result.partial", "部分达成", "Partial agreement"),
    ("result.failed", "调解不成", "Failed"),
    (
        "result.referred_judicial_office",
        "转司法所",
        "Referred to the judicial office",
    ),
    ("result.referred_court", "转法院", "Referred to court"),
    (
        "result.referred_police",
        "转派出所",
        "Referred to the police",
    ),
    ("field.agreement_text", "协议内容", "Agreement"),
    ("field.opened_on", "受理日期", "Opened on"),
    ("field.outcome", "本次结果", "Outcome"),
    (
        "mediation.agreement_required",
        "协议内容：达成协议时必须填写协议内容",
        "Agreement: write the agreement down when one was reached",
    ),
    (
        "mediation.signature_unknown_party",
        "签名：签名人不是本案当事人",
        "Signature: the signer is not a party to this dispute",
    ),
    (
        "mediation.draft_unreadable",
        "上次未保存的调解记录无法读取，已保留；请重新填写",
        "The unsaved mediation could not be read; it is kept, fill the form again",
    ),
    // Places, the mediation list, unfinished forms (duties)
    ("place_type.shop", "商铺", "Shop"),
    ("place_type.rental", "出租屋", "Rental housing"),
    ("place_type.firm", "企业", "Firm"),
    ("place_type.venue", "公共场所", "Public venue"),
    ("place_field.name", "场所名称", "Name"),
    (
        "place_field.address.compound",
        "小区 / 街道",
        "Compound or street",
    ),
    (
        "place_field.address.building",
        "楼栋 / 门牌号",
        "Building or number",
    ),
    ("place_field.address.unit", "单元", "Unit"),
    ("place_field.address.room", "户室 / 铺位", "Room or stall"),
    (
        "place_field.address.text",
        "地址（无楼栋户室时填写）",
        "Address (when there is no building and room)",
    ),
    ("place_field.responsible", "负责人", "Person responsible"),
    ("place_field.contact", "联系电话", "Contact phone"),
    ("field.responsible", "负责人", "Person responsible"),
    ("places.count", "共 %d 处场所", "%d places"),
    (
        "places.empty",
        "网格里还没有登记场所",
        "No places registered in this grid yet",
    ),
    (
        "places.none_found",
        "没有找到匹配的场所",
        "No place matches",
    ),
    ("places.responsible", "负责人 %s", "Responsible: %s"),
    ("places.new", "登记场所", "Register a place"),
    ("places.edit", "修改场所", "Edit the place"),
    (
        "places.inspection_failed",
        "巡查 · %d 项不合格",
        "Inspection · %d items failed",
    ),
    (
        "places.inspection.completed",
        "巡查 · 全部合格",
        "Inspection · all passed",
    ),
    (
        "places.inspection.draft",
        "巡查 · 未完成",
        "Inspection · not finished",
    ),
    (
        "places.unreadable",
        "这个场所的部分内容无法读取，请同步后再看",
        "Part of this place could not be read; sync and look again",
    ),
    ("mediations.open", "调解中", "Under way"),
    ("mediations.open_count", "%d 件调解中", "%d under way"),
    ("mediations.opened", "受理 %s", "opened %s"),
    ("mediations.empty", "还没有调解记录", "No mediations yet"),
    ("drafts.form.household", "住户登记", "Household form"),
    ("drafts.form.place", "场所登记", "Place form"),
    ("drafts.form.visit", "走访", "Visit"),
    ("drafts.form.case", "事件上报", "Case report"),
    ("drafts.form.mediation", "矛盾调解", "Mediation"),
    ("drafts.form.inspection", "安全巡查", "Inspection"),
    ("drafts.saved", "保存于 %s", "saved %s"),
    ("drafts.untitled", "（未填写）", "(nothing typed yet)"),
    ("today.drafts", "%d 份表单未完成", "Unfinished forms: %d"),
    ("search.kind.household", "住户", "Household"),
    ("search.kind.place", "场所", "Place"),
    ("search.kind.case", "事件", "Case"),
    ("search.kind.mediation", "调解", "Mediation"),
    ("search.none", "没有找到匹配的记录", "Nothing matches"),
    // The grid-wide conflicts list (conflict_list.rs) and its line on 今日工作.
    ("record.kind.household", "住户", "Household"),
    ("record.kind.place", "场所", "Place"),
    ("record.kind.visit", "走访", "Visit"),
    ("record.kind.inspection", "巡查", "Inspection"),
    ("record.kind.case", "事件", "Case"),
    ("record.kind.mediation", "调解", "Mediation"),
    ("record.kind.activity", "活动", "Activity"),
    ("conflicts.fields", "%d 处冲突", "Conflicting fields: %d"),
    // Photos taken on another phone (photos.rs).
    (
        "photos.missing",
        "%d 张照片在其他手机上拍摄，尚未取回",
        "Photos taken on another phone, not fetched yet: %d",
    ),
    ("photos.fetch", "取回照片", "Fetch photos"),
    (
        "photos.not_fetched",
        "照片没有取回：%s",
        "Photos not fetched: %s",
    ),
    ("today.returned", "%s退回：%s", "Sent back by %s: %s"),
    ("task_type.visit", "走访", "Visit"),
    ("task_type.inspection", "检查", "Inspection"),
    ("task_type.errand", "代办", "Errand"),
    ("task_type.other", "其他", "Other"),
    ("today.task_done", "已完成 %s/%s", "%s of %s done"),
    ("today.task_next", "下一处：%s", "next: %s"),
    (
        "case.dispatched",
        "派遣至%s，%s前处理",
        "dispatched to %s, to act by %s",
    ),
    ("case.handled", "%s处理完成", "handled by %s"),
    ("case.work_order", "%s 工单 %s", "%s work order %s"),
    ("diary.title", "民情日志 · %s", "Daily log · %s"),
    ("diary.visited", "走访情况", "Visits"),
    ("diary.problems", "问题", "Problems"),
    ("diary.measures", "处理措施", "Measures taken"),
    ("diary.results", "反馈结果", "Results"),
    (
        "diary.written",
        "由今日记录生成，可修改后提交",
        "Written from today's records: correct it, then submit",
    ),
    (
        "diary.edited",
        "有未提交的修改",
        "Changes not yet submitted",
    ),
    ("diary.submitted_at", "已于 %s 提交", "Submitted at %s"),
    (
        "diary.empty",
        "今天还没有记录，可直接填写。",
        "Nothing recorded today yet; you may write it yourself.",
    ),
    ("diary.submit", "提交", "Submit"),
    ("diary.resubmit", "重新提交", "Submit again"),
    (
        "diary.rewrite",
        "按今日记录重新生成",
        "Write again from today's records",
    ),
    ("today.diary", "民情日志", "Daily log"),
    (
        "today.conflicts",
        "%d 条记录有冲突待处理",
        "Records with conflicts: %d",
    ),
    ("drafts.empty", "没有未完成的表单", "No unfinished forms"),
    // Activities (宣传 / 文体活动)
    (
        "activity_type.policy_publicity",
        "政策宣传",
        "Policy publicity",
    ),
    ("activity_type.culture", "文化活动", "Culture"),
    ("activity_type.sports", "体育活动", "Sports"),
    ("activity_type.training", "培训", "Training"),
    ("activity_field.topic", "活动主题", "Topic"),
    (
        "activity_field.held_on",
        "活动日期（年-月-日）",
        "Date (year-month-day)",
    ),
    ("activity_field.venue", "活动地点", "Place"),
    (
        "activity_field.participants",
        "参加人数",
        "Number attending",
    ),
    ("activity_field.notes", "活动内容", "What was done"),
    ("field.topic", "活动主题", "Topic"),
    ("field.held_on", "活动日期", "Date"),
    ("field.venue", "活动地点", "Place"),
    ("field.participants", "参加人数", "Number attending"),
    ("activities.count", "共 %d 次活动", "%d activities"),
    (
        "activities.empty",
        "网格里还没有活动记录",
        "No activities recorded in this grid yet",
    ),
    ("activities.participants", "%d 人参加", "%d attended"),
    ("activities.new", "记录活动", "Record an activity"),
    ("activities.edit", "修改活动", "Correct the activity"),
    (
        "activities.participants_number",
        "参加人数：请填写整数，如 35",
        "Number attending: write a whole number, like 35",
    ),
    ("drafts.form.activity", "活动记录", "Activity"),
];

/// The word for `key`; the key itself when the table lacks it, so a gap shows on screen and
/// in tests rather than as an empty label.
pub fn t(key: &str, lang: Lang) -> String {
    match WORDS.iter().find(|(k, _, _)| *k == key) {
        Some((_, zh, en)) => match lang {
            Lang::Zh => (*zh).to_string(),
            Lang::En => (*en).to_string(),
        },
        None => key.to_string(),
    }
}

/// `t` with its one `%s` or `%d` filled.
pub fn t1(key: &str, lang: Lang, arg: impl std::fmt::Display) -> String {
    let text = t(key, lang);
    let arg = arg.to_string();
    text.replacen("%s", &arg, 1).replacen("%d", &arg, 1)
}

/// `t` with two `%s` filled in order.
pub fn t2(key: &str, lang: Lang, a: &str, b: &str) -> String {
    t(key, lang).replacen("%s", a, 1).replacen("%s", b, 1)
}

/// An enum's name as core stores it (`owner_occupied`): the key a choice is sent back with.
pub(crate) fn key_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The enum value a key names, if any.
pub(crate) fn parse_key<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(key.to_string())).ok()
}

/// An enum's name in snake case (`in_progress`), whichever way core spells it: the key its
/// words are found under in the table.
pub(crate) fn words_key<T: Serialize>(value: &T) -> String {
    let mut out = String::new();
    for (i, c) in key_of(value).chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A core error in words for the worker: what happened and that saved work is safe. Never
/// the values involved (they may be personal data).
pub fn error_words(e: &Error, lang: Lang) -> String {
    match e {
        Error::NotFound(_) => t("error.not_found", lang),
        Error::NoConflict { .. } => t("error.conflict", lang),
        Error::StorageFull => t("error.storage_full", lang),
        Error::Invalid(i) => field_message(&i.field, &i.reason, lang),
        _ => t("error.storage", lang),
    }
}

/// Core's reason wording (English, naming a rule, never a value) → the words a worker reads;
/// the first match wins.
const REASONS: &[(&str, &str)] = &[
    ("is required", "reason.required"),
    ("must be answered", "reason.required"),
    ("check digit", "reason.check_digit"),
    ("must be 18 characters", "reason.id_length"),
    ("first 17 characters", "reason.id_digits"),
    ("last character must be", "reason.id_digits"),
    ("region code", "reason.id_region"),
    ("birth date in the number", "reason.id_birth"),
    ("mobile number", "reason.phone"),
    ("landline", "reason.phone"),
    ("building and room", "reason.building_room"),
    ("is in the future", "reason.future"),
    ("not in the future", "reason.future"),
    ("must be a date", "reason.date"),
    ("must be a past date", "reason.date"),
    ("appears twice", "reason.duplicate"),
    // household_edit and visit_form (the forms): a photo refused by core's blob store
    ("not an accepted type", "reason.photo_type"),
    ("larger than the limit", "reason.too_large"),
    ("attachment is empty", "reason.empty_file"),
    ("is longer than", "reason.too_long"),
];

/// The message shown beside an input, from core's field path and reason:
/// `members[1].id_number` + "check digit …" → `身份证号：校验位不对，请核对是否输错`.
pub fn field_message(path: &str, reason: &str, lang: Lang) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    let last = last.split('[').next().unwrap_or(last);
    let key = format!("field.{last}");
    let label = if WORDS.iter().any(|(k, _, _)| *k == key) {
        t(&key, lang)
    } else {
        last.to_string()
    };
    let lower = reason.to_lowercase();
    let words = match REASONS.iter().find(|(needle, _)| lower.contains(needle)) {
        Some((_, key)) => t(key, lang),
        // English readers get core's own wording, which names a rule and never a value.
        None if lang == Lang::En => reason.to_string(),
        None => t("reason.other", lang),
    };
    match lang {
        Lang::Zh => format!("{label}：{words}"),
        Lang::En => format!("{label}: {words}"),
    }
}

/// A sync failure in words, from core's own wording of it.
pub fn sync_words(e: &SyncError, lang: Lang) -> String {
    match lang {
        Lang::Zh => e.user_message_zh(),
        Lang::En => e.user_message_en(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages_and_no_key_repeats() {
        let mut seen = std::collections::HashSet::new();
        for (key, zh, en) in WORDS {
            assert!(seen.insert(*key), "{key} twice");
            assert!(!zh.is_empty() && !en.is_empty(), "{key}");
            assert_eq!(zh.matches('%').count(), en.matches('%').count(), "{key}");
        }
        assert_eq!(t1("sync.pending", Lang::Zh, 3), "待上传 3 项");
        assert_eq!(t1("sync.pending", Lang::En, 3), "3 changes to send");
        assert_eq!(t("no.such.key", Lang::Zh), "no.such.key");
        assert_eq!(
            field_message(
                "members[1].id_number",
                "check digit does not match",
                Lang::Zh
            ),
            "身份证号：校验位不对，请核对是否输错"
        );
        assert_eq!(
            field_message(
                "members[0].left.on",
                "must be a date not in the future, as YYYY-MM-DD",
                Lang::Zh
            ),
            "日期：不能晚于今天"
        );
        assert_eq!(
            field_message("x.odd", "some rule", Lang::En),
            "odd: some rule"
        );
    }
}
