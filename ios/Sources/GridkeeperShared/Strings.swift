// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/Strings.kt
import Foundation

/// The app's two languages; Chinese is the default, English the second.
public enum Lang: Sendable {
    case zh, en

    /// The language of a localisation the app ships (`zh-Hans`, `en`): English for `en…`,
    /// Chinese for everything else.
    public static func of(localization: String?) -> Lang {
        (localization ?? "zh").hasPrefix("en") ? .en : .zh
    }
}

/// The words the view models hand to screens. Screens take labels from here rather than from
/// Localizable.strings so the messages a test checks are the ones a worker reads; the app's
/// .strings files hold only screen chrome (titles, buttons). The table is the Kotlin one,
/// key for key.
public enum Strings {
    private static let table: [String: (String, String)] = [
        // Member tags (重点人群) and the words for them on a list.
        "tag.solitary_elderly": ("独居老人", "Solitary elderly"),
        "tag.empty_nest_elderly": ("空巢老人", "Empty-nest elderly"),
        "tag.left_behind_child": ("留守儿童", "Left-behind child"),
        "tag.disabled": ("残疾人", "Disabled"),
        "tag.subsistence_allowance": ("低保", "Subsistence allowance"),
        "tag.veteran": ("退役军人", "Veteran"),
        "tag.key_person": ("重点人员", "Key person"),
        // Case states and actions.
        "state.reported": ("已上报", "Reported"),
        "state.accepted": ("已受理", "Accepted"),
        "state.in_progress": ("处置中", "In progress"),
        "state.resolved": ("已办结", "Resolved"),
        "state.verified": ("已核查", "Verified"),
        "state.closed": ("已结案", "Closed"),
        "state.returned": ("已退回", "Returned"),
        "state.escalated": ("已上报上级", "Escalated"),
        "action.report": ("上报", "Report"),
        "action.accept": ("受理", "Accept"),
        "action.start": ("开始处置", "Start"),
        "action.resolve": ("办结", "Resolve"),
        "action.verify": ("核查", "Verify"),
        "action.close": ("结案", "Close"),
        "action.return": ("退回", "Return"),
        "action.escalate": ("上报上级", "Escalate"),
        "action.comment": ("备注", "Comment"),
        "category.hazard": ("隐患", "Hazard"),
        "category.environment": ("环境问题", "Environment"),
        "category.appeal": ("诉求", "Appeal"),
        "category.errand": ("代办", "Errand"),
        "severity.low": ("一般", "Low"),
        "severity.medium": ("较重", "Medium"),
        "severity.high": ("严重", "High"),
        "severity.critical": ("重大", "Critical"),
        // Inspection problems.
        "problem.unanswered": ("此项必须填写", "This item must be answered"),
        "problem.missing_photo": ("此项必须拍照", "A photo must be taken"),
        "problem.failed_without_action": ("不合格：请上报隐患或填写说明", "Failed: raise a hazard case or write a note"),
        "problem.invalid_answer": ("答案不符合此项要求", "The answer does not fit this item"),
        // Visits, mediations, households.
        "purpose.routine": ("日常走访", "Routine"),
        "purpose.special_group_care": ("特殊群体关爱", "Special group care"),
        "purpose.policy_publicity": ("政策宣传", "Policy publicity"),
        "purpose.opinion_collection": ("民情收集", "Opinion collection"),
        "purpose.errand_follow_up": ("代办回访", "Errand follow-up"),
        "purpose.other": ("其他", "Other"),
        "dispute.neighbour": ("邻里纠纷", "Neighbours"),
        "dispute.family": ("家庭纠纷", "Family"),
        "dispute.marriage": ("婚姻纠纷", "Marriage"),
        "dispute.labour": ("劳资纠纷", "Labour"),
        "dispute.property": ("物业纠纷", "Property"),
        "dispute.land": ("土地纠纷", "Land"),
        "dispute.other": ("其他纠纷", "Other"),
        "result.agreement": ("达成协议", "Agreement"),
        "result.partial": ("部分达成", "Partial agreement"),
        "result.failed": ("调解未成", "Failed"),
        "result.referred_judicial_office": ("转司法所", "Referred to the judicial office"),
        "result.referred_court": ("转法院", "Referred to court"),
        "result.referred_police": ("转派出所", "Referred to police"),
        "relation.head": ("户主", "Head"),
        "relation.spouse": ("配偶", "Spouse"),
        "relation.child": ("子女", "Child"),
        "relation.parent": ("父母", "Parent"),
        "relation.grandchild": ("孙辈", "Grandchild"),
        "relation.grandparent": ("祖辈", "Grandparent"),
        "relation.sibling": ("兄弟姐妹", "Sibling"),
        "relation.tenant": ("租户", "Tenant"),
        "relation.other": ("其他", "Other"),
        "housing.owner_occupied": ("自住", "Owner-occupied"),
        "housing.rented": ("出租", "Rented"),
        "housing.vacant": ("空置", "Vacant"),
        "housing.other": ("其他", "Other"),
        "risk.low": ("低风险", "Low risk"),
        "risk.medium": ("中风险", "Medium risk"),
        "risk.high": ("高风险", "High risk"),
        // Form fields, by the last part of core's field path.
        "field.name": ("姓名", "Name"),
        "field.id_number": ("身份证号", "ID number"),
        "field.phone": ("手机号", "Phone"),
        "field.contact": ("联系电话", "Contact phone"),
        "field.address": ("地址", "Address"),
        "field.building": ("楼栋", "Building"),
        "field.unit": ("单元", "Unit"),
        "field.room": ("户室", "Room"),
        "field.text": ("地址", "Address"),
        "field.findings": ("走访情况", "Findings"),
        "field.description": ("描述", "Description"),
        "field.reason": ("原因", "Reason"),
        "field.escalate_to": ("上报层级", "Escalate to"),
        "field.parties": ("当事人", "Parties"),
        "field.agreement_text": ("协议内容", "Agreement"),
        "field.narrative": ("纠纷经过", "Narrative"),
        "field.opened_on": ("受理日期", "Opened on"),
        "field.date": ("日期", "Date"),
        "field.location": ("位置", "Location"),
        "field.server": ("服务器地址", "Server address"),
        "field.code": ("注册码", "Enrolment code"),
        "field.members_seen": ("见到的成员", "Members seen"),
        "field.status": ("状态", "Status"),
        // Validation reasons, matched on core's wording (English, never a value).
        "reason.required": ("必须填写", "is required"),
        "reason.check_digit": ("校验位不对，请核对是否输错", "check digit does not match (typo?)"),
        "reason.id_length": ("应为18位", "must have 18 characters"),
        "reason.id_digits": ("前17位必须是数字", "the first 17 characters must be digits"),
        "reason.id_region": ("地区码不是有效的省份", "region code is not a valid province"),
        "reason.id_birth": ("其中的出生日期不正确", "the birth date in it is not right"),
        "reason.phone": ("不是有效的手机号或带区号的固话", "not a mobile number or a landline with area code"),
        "reason.building_room": ("请填写楼栋和户室，或填写完整地址", "needs a building and room, or a free-text address"),
        "reason.returning": ("退回时必须写明原因", "is required when returning a case"),
        "reason.escalating": ("上报上级时必须选择社区或街道", "is required when escalating (community or street)"),
        "reason.agreement": ("达成协议时必须填写协议内容", "is required when the result is an agreement"),
        "reason.one_party": ("至少需要一位当事人", "a dispute has at least one party"),
        "reason.future": ("不能晚于现在", "is in the future"),
        "reason.date": ("日期格式不对", "is not a date"),
        "reason.duplicate": ("在本户中重复", "appears twice in this household"),
        "reason.complete_blocked": ("还有未完成的检查项，不能完成巡查", "the checklist is not complete yet"),
        "reason.illegal_transition": ("当前状态下不能进行此操作", "not allowed in the case's current state"),
        "reason.other": ("填写有误", "is not valid"),
        // Sync and general errors, in plain words.
        "sync.never": ("从未同步", "Never synced"),
        "sync.pending": ("待上传 %d 项", "%d changes to send"),
        "sync.all_sent": ("全部已上传", "Everything is sent"),
        "sync.last": ("上次同步：%s", "Last sync: %s"),
        "sync.running": ("正在同步…", "Syncing…"),
        "sync.unsynced_age": ("%d 项未上传，最早的在 %d 小时前", "%d not sent yet, the oldest %d hours ago"),
        "sync.unsynced_fresh": ("%d 项未上传，最早的在 1 小时内", "%d not sent yet, the oldest within the hour"),
        "sync.overdue": ("手机上有超过一天没有上传的记录，还没有同步到服务器。请连上网络，打开本应用点“立即同步”。", "Work on this phone has not reached the server for over a day. Connect to the internet, open the app and tap Sync now."),
        "signout.question": ("本机还有 %d 项没有上传到服务器（其中 %d 项被服务器退回）。退出后这些内容仍保留在手机上，有网时会继续上传，但其他人登录看不到。确定退出吗？", "This phone still holds %d items the server does not have (%d of them refused by the server). They stay on the phone and go up when there is a connection, but no one else who signs in sees them. Sign out?"),
        "signout.kept": ("已退出。未上传的内容保留在手机上，有网时会继续上传。", "Signed out. Unsent work stays on the phone and goes up when there is a connection."),
        "signout.removed": ("已退出。所有记录都已在服务器上。", "Signed out. All your work is on the server."),
        "sync.not_enrolled": ("本机还未注册，请先用主管给的注册码注册", "This phone is not enrolled yet: enrol with the code from your supervisor"),
        "error.network": ("连不上服务器，记录都已保存在手机上，有网时会自动同步", "Cannot reach the server; everything is saved on the phone and will sync when there is a connection"),
        "error.not_allowed": ("服务器拒绝了本机的请求，请联系主管", "The server refused this phone; ask your supervisor"),
        "error.not_found": ("找不到这条记录，可能已被归档", "This record was not found; it may have been archived"),
        "error.conflict": ("这处冲突已被处理，请刷新后再看", "This conflict was already settled; refresh and look again"),
        "error.wrong_key": ("无法打开本机数据（密钥不符）", "The phone's data cannot be opened (wrong key)"),
        "error.cancelled": ("已取消", "Cancelled"),
        "rescue.written": ("已写入救援文件：%d 条记录、%d 项修改、%d 张照片。请通过 U 盘或另一部手机交给管理员导入；导入前记录仍会在手机上排队等待同步。", "Rescue file written: %d records, %d changes, %d photos. Hand it to your administrator (USB or another phone) to import; until then the work also stays queued on this phone."),
        "error.storage_full": ("手机存储空间已满，新的记录暂时存不进去。已保存的记录都还在；请删除不用的照片或应用腾出空间", "The phone's storage is full, so new work cannot be saved for now. Everything saved is still there; free some space"),
        "error.storage": ("手机存储出错，请检查剩余空间后重试", "The phone's storage failed; check free space and try again"),
        "conflict.unknown_user": ("另一台设备", "Another device"),
        "enrol.qr_invalid": ("二维码不是网格管家的注册码", "This QR code is not a Gridkeeper enrolment code"),
        "inspection.no_template": ("本机没有安装这份巡查表", "This checklist is not installed on this phone"),
    ]

    public static func get(_ key: String, _ lang: Lang) -> String {
        guard let pair = table[key] else { return key }
        return lang == .zh ? pair.0 : pair.1
    }

    /// The table keeps Kotlin's `%d` and `%s`; `String(format:)` wants `%ld` for a Swift `Int`
    /// and `%@` for a `String`, so pass those types.
    public static func format(_ key: String, _ lang: Lang, _ args: CVarArg...) -> String {
        let pattern = get(key, lang)
            .replacingOccurrences(of: "%d", with: "%ld")
            .replacingOccurrences(of: "%s", with: "%@")
        return String(format: pattern, arguments: args)
    }

    public static func has(_ key: String) -> Bool { table[key] != nil }

    /// The label of core's snake_case name (`left_behind_child`) under a prefix such as `tag`.
    public static func label(_ prefix: String, _ name: String, _ lang: Lang) -> String {
        get("\(prefix).\(name.lowercased())", lang)
    }

    /// The label of a bindings enum value (`MemberTag.leftBehindChild`).
    public static func label<T: NamedCase>(_ prefix: String, _ value: T, _ lang: Lang) -> String {
        label(prefix, value.name, lang)
    }
}
