package org.gridkeeper.app.shared

/** The app's two languages; Chinese is the default, English the second. */
enum class Lang { ZH, EN }

/**
 * The words the state holders hand to screens. Screens take labels from here rather than
 * from Android resources so the messages a test checks are the ones a worker reads; the
 * Android `res/values*` files hold only screen chrome (titles, buttons).
 */
object Strings {
    private val table: Map<String, Pair<String, String>> = mapOf(
        // Member tags (重点人群) and the words for them on a list.
        "tag.solitary_elderly" to ("独居老人" to "Solitary elderly"),
        "tag.empty_nest_elderly" to ("空巢老人" to "Empty-nest elderly"),
        "tag.left_behind_child" to ("留守儿童" to "Left-behind child"),
        "tag.disabled" to ("残疾人" to "Disabled"),
        "tag.subsistence_allowance" to ("低保" to "Subsistence allowance"),
        "tag.veteran" to ("退役军人" to "Veteran"),
        "tag.key_person" to ("重点人员" to "Key person"),
        // Case states and actions.
        "state.reported" to ("已上报" to "Reported"),
        "state.accepted" to ("已受理" to "Accepted"),
        "state.in_progress" to ("处置中" to "In progress"),
        "state.resolved" to ("已办结" to "Resolved"),
        "state.verified" to ("已核查" to "Verified"),
        "state.closed" to ("已结案" to "Closed"),
        "state.returned" to ("已退回" to "Returned"),
        "state.escalated" to ("已上报上级" to "Escalated"),
        "action.report" to ("上报" to "Report"),
        "action.accept" to ("受理" to "Accept"),
        "action.start" to ("开始处置" to "Start"),
        "action.resolve" to ("办结" to "Resolve"),
        "action.verify" to ("核查" to "Verify"),
        "action.close" to ("结案" to "Close"),
        "action.return" to ("退回" to "Return"),
        "action.escalate" to ("上报上级" to "Escalate"),
        "action.comment" to ("备注" to "Comment"),
        "category.hazard" to ("隐患" to "Hazard"),
        "category.environment" to ("环境问题" to "Environment"),
        "category.appeal" to ("诉求" to "Appeal"),
        "category.errand" to ("代办" to "Errand"),
        "severity.low" to ("一般" to "Low"),
        "severity.medium" to ("较重" to "Medium"),
        "severity.high" to ("严重" to "High"),
        "severity.critical" to ("重大" to "Critical"),
        // Inspection problems.
        "problem.unanswered" to ("此项必须填写" to "This item must be answered"),
        "problem.missing_photo" to ("此项必须拍照" to "A photo must be taken"),
        "problem.failed_without_action" to ("不合格：请上报隐患或填写说明" to "Failed: raise a hazard case or write a note"),
        "problem.invalid_answer" to ("答案不符合此项要求" to "The answer does not fit this item"),
        // Visits, mediations, households.
        "purpose.routine" to ("日常走访" to "Routine"),
        "purpose.special_group_care" to ("特殊群体关爱" to "Special group care"),
        "purpose.policy_publicity" to ("政策宣传" to "Policy publicity"),
        "purpose.opinion_collection" to ("民情收集" to "Opinion collection"),
        "purpose.errand_follow_up" to ("代办回访" to "Errand follow-up"),
        "purpose.other" to ("其他" to "Other"),
        "dispute.neighbour" to ("邻里纠纷" to "Neighbours"),
        "dispute.family" to ("家庭纠纷" to "Family"),
        "dispute.marriage" to ("婚姻纠纷" to "Marriage"),
        "dispute.labour" to ("劳资纠纷" to "Labour"),
        "dispute.property" to ("物业纠纷" to "Property"),
        "dispute.land" to ("土地纠纷" to "Land"),
        "dispute.other" to ("其他纠纷" to "Other"),
        "result.agreement" to ("达成协议" to "Agreement"),
        "result.partial" to ("部分达成" to "Partial agreement"),
        "result.failed" to ("调解未成" to "Failed"),
        "result.referred_judicial_office" to ("转司法所" to "Referred to the judicial office"),
        "result.referred_court" to ("转法院" to "Referred to court"),
        "result.referred_police" to ("转派出所" to "Referred to police"),
        "relation.head" to ("户主" to "Head"),
        "relation.spouse" to ("配偶" to "Spouse"),
        "relation.child" to ("子女" to "Child"),
        "relation.parent" to ("父母" to "Parent"),
        "relation.grandchild" to ("孙辈" to "Grandchild"),
        "relation.grandparent" to ("祖辈" to "Grandparent"),
        "relation.sibling" to ("兄弟姐妹" to "Sibling"),
        "relation.tenant" to ("租户" to "Tenant"),
        "relation.other" to ("其他" to "Other"),
        "housing.owner_occupied" to ("自住" to "Owner-occupied"),
        "housing.rented" to ("出租" to "Rented"),
        "housing.vacant" to ("空置" to "Vacant"),
        "housing.other" to ("其他" to "Other"),
        "risk.low" to ("低风险" to "Low risk"),
        "risk.medium" to ("中风险" to "Medium risk"),
        "risk.high" to ("高风险" to "High risk"),
        // Form fields, by the last part of core's field path.
        "field.name" to ("姓名" to "Name"),
        "field.id_number" to ("身份证号" to "ID number"),
        "field.phone" to ("手机号" to "Phone"),
        "field.contact" to ("联系电话" to "Contact phone"),
        "field.address" to ("地址" to "Address"),
        "field.building" to ("楼栋" to "Building"),
        "field.unit" to ("单元" to "Unit"),
        "field.room" to ("户室" to "Room"),
        "field.text" to ("地址" to "Address"),
        "field.findings" to ("走访情况" to "Findings"),
        "field.description" to ("描述" to "Description"),
        "field.reason" to ("原因" to "Reason"),
        "field.escalate_to" to ("上报层级" to "Escalate to"),
        "field.parties" to ("当事人" to "Parties"),
        "field.agreement_text" to ("协议内容" to "Agreement"),
        "field.narrative" to ("纠纷经过" to "Narrative"),
        "field.opened_on" to ("受理日期" to "Opened on"),
        "field.date" to ("日期" to "Date"),
        "field.location" to ("位置" to "Location"),
        "field.server" to ("服务器地址" to "Server address"),
        "field.code" to ("注册码" to "Enrolment code"),
        "field.members_seen" to ("见到的成员" to "Members seen"),
        "field.status" to ("状态" to "Status"),
        // Validation reasons, matched on core's wording (English, never a value).
        "reason.required" to ("必须填写" to "is required"),
        "reason.check_digit" to ("校验位不对，请核对是否输错" to "check digit does not match (typo?)"),
        "reason.id_length" to ("应为18位" to "must have 18 characters"),
        "reason.id_digits" to ("前17位必须是数字" to "the first 17 characters must be digits"),
        "reason.id_region" to ("地区码不是有效的省份" to "region code is not a valid province"),
        "reason.id_birth" to ("其中的出生日期不正确" to "the birth date in it is not right"),
        "reason.phone" to ("不是有效的手机号或带区号的固话" to "not a mobile number or a landline with area code"),
        "reason.building_room" to ("请填写楼栋和户室，或填写完整地址" to "needs a building and room, or a free-text address"),
        "reason.returning" to ("退回时必须写明原因" to "is required when returning a case"),
        "reason.escalating" to ("上报上级时必须选择社区或街道" to "is required when escalating (community or street)"),
        "reason.agreement" to ("达成协议时必须填写协议内容" to "is required when the result is an agreement"),
        "reason.one_party" to ("至少需要一位当事人" to "a dispute has at least one party"),
        "reason.future" to ("不能晚于现在" to "is in the future"),
        "reason.date" to ("日期格式不对" to "is not a date"),
        "reason.duplicate" to ("在本户中重复" to "appears twice in this household"),
        "reason.complete_blocked" to ("还有未完成的检查项，不能完成巡查" to "the checklist is not complete yet"),
        "reason.illegal_transition" to ("当前状态下不能进行此操作" to "not allowed in the case's current state"),
        "reason.other" to ("填写有误" to "is not valid"),
        // Sync and general errors, in plain words.
        "sync.never" to ("从未同步" to "Never synced"),
        "sync.pending" to ("待上传 %d 项" to "%d changes to send"),
        "sync.all_sent" to ("全部已上传" to "Everything is sent"),
        "sync.last" to ("上次同步：%s" to "Last sync: %s"),
        "sync.running" to ("正在同步…" to "Syncing…"),
        "sync.unsynced_age" to ("%d 项未上传，最早的在 %d 小时前" to "%d not sent yet, the oldest %d hours ago"),
        "sync.unsynced_fresh" to ("%d 项未上传，最早的在 1 小时内" to "%d not sent yet, the oldest within the hour"),
        "sync.overdue" to ("手机上有超过一天没有上传的记录，还没有同步到服务器。请连上网络，打开本应用点“立即同步”。" to "Work on this phone has not reached the server for over a day. Connect to the internet, open the app and tap Sync now."),
        "signout.question" to ("本机还有 %d 项没有上传到服务器（其中 %d 项被服务器退回）。退出后这些内容仍保留在手机上，有网时会继续上传，但其他人登录看不到。确定退出吗？" to "This phone still holds %d items the server does not have (%d of them refused by the server). They stay on the phone and go up when there is a connection, but no one else who signs in sees them. Sign out?"),
        "signout.kept" to ("已退出。未上传的内容保留在手机上，有网时会继续上传。" to "Signed out. Unsent work stays on the phone and goes up when there is a connection."),
        "signout.removed" to ("已退出。所有记录都已在服务器上。" to "Signed out. All your work is on the server."),
        "sync.not_enrolled" to ("本机还未注册，请先用主管给的注册码注册" to "This phone is not enrolled yet: enrol with the code from your supervisor"),
        "error.network" to ("连不上服务器，记录都已保存在手机上，有网时会自动同步" to "Cannot reach the server; everything is saved on the phone and will sync when there is a connection"),
        "error.not_allowed" to ("服务器拒绝了本机的请求，请联系主管" to "The server refused this phone; ask your supervisor"),
        "error.not_found" to ("找不到这条记录，可能已被归档" to "This record was not found; it may have been archived"),
        "error.conflict" to ("这处冲突已被处理，请刷新后再看" to "This conflict was already settled; refresh and look again"),
        "error.wrong_key" to ("无法打开本机数据（密钥不符）" to "The phone's data cannot be opened (wrong key)"),
        "error.cancelled" to ("已取消" to "Cancelled"),
        "rescue.written" to ("已写入救援文件：%d 条记录、%d 项修改、%d 张照片。请通过 U 盘或另一部手机交给管理员导入；导入前记录仍会在手机上排队等待同步。" to "Rescue file written: %d records, %d changes, %d photos. Hand it to your administrator (USB or another phone) to import; until then the work also stays queued on this phone."),
        "error.storage_full" to ("手机存储空间已满，新的记录暂时存不进去。已保存的记录都还在；请删除不用的照片或应用腾出空间" to "The phone's storage is full, so new work cannot be saved for now. Everything saved is still there; free some space"),
        "error.storage" to ("手机存储出错，请检查剩余空间后重试" to "The phone's storage failed; check free space and try again"),
        "conflict.unknown_user" to ("另一台设备" to "Another device"),
        "enrol.qr_invalid" to ("二维码不是网格管家的注册码" to "This QR code is not a Gridkeeper enrolment code"),
        "inspection.no_template" to ("本机没有安装这份巡查表" to "This checklist is not installed on this phone"),
    )

    fun get(key: String, lang: Lang): String {
        val pair = table[key] ?: return key
        return if (lang == Lang.ZH) pair.first else pair.second
    }

    fun format(key: String, lang: Lang, vararg args: Any): String = get(key, lang).format(*args)

    fun has(key: String): Boolean = key in table

    /** The label of a uniffi enum value (`MemberTag.LEFT_BEHIND_CHILD`) or of core's
     *  snake_case name (`left_behind_child`) under a prefix such as `tag`. */
    fun label(prefix: String, name: String, lang: Lang): String = get("$prefix.${name.lowercase()}", lang)

    fun label(prefix: String, value: Enum<*>, lang: Lang): String = label(prefix, value.name, lang)
}
