//! Chinese (and English) words for report figures and list columns, for pages and export
//! headers. Keys are the glossary identifiers; a key without a label shows as itself.

/// The label of a figure key such as `registration.migrant` or `on_time_rate`.
pub fn figure(key: &str, zh: bool) -> String {
    if let Some((group, value)) = key.split_once('.') {
        let g = group_label(group, zh);
        let v = value_label(value, zh);
        return if zh {
            format!("{g}·{v}")
        } else {
            format!("{g}: {v}")
        };
    }
    word(key, zh).to_string()
}

fn group_label(group: &str, zh: bool) -> &str {
    let (c, e) = match group {
        "housing" => ("住房", "housing"),
        "registration" => ("人口", "people"),
        "tag" => ("特殊群体", "group"),
        "places" => ("场所", "places"),
        "due" => ("应完成", "due"),
        "on_time" => ("按时", "on time"),
        "done" => ("已巡查", "inspected"),
        "hazard" => ("隐患", "hazards"),
        "failed" => ("不合格项", "failed items"),
        "category" => ("类别", "category"),
        "state" => ("状态", "state"),
        "dispute" => ("纠纷类型", "dispute"),
        "result" => ("调解结果", "result"),
        "type" => ("活动类型", "type"),
        _ => return group_fallback(group),
    };
    if zh { c } else { e }
}

fn group_fallback(group: &str) -> &str {
    group
}

fn value_label(v: &str, zh: bool) -> &str {
    let w = word(v, zh);
    if w == v { v } else { w }
}

/// One word: figure names and the enum values they are keyed by.
pub fn word(key: &str, zh: bool) -> &str {
    let (c, e) = match key {
        "households" => ("户数", "households"),
        "people" => ("人口数", "people"),
        "tagged" => ("特殊群体及重点人员", "special groups and key persons"),
        "owner_occupied" => ("自住", "owner-occupied"),
        "rented" => ("出租", "rented"),
        "vacant" => ("空置", "vacant"),
        "other" => ("其他", "other"),
        "local" => ("户籍", "local"),
        "migrant" => ("流动", "migrant"),
        "foreign" => ("境外", "foreign"),
        "solitary_elderly" => ("独居老人", "solitary elderly"),
        "empty_nest_elderly" => ("空巢老人", "empty-nest elderly"),
        "left_behind_child" => ("留守儿童", "left-behind children"),
        "disabled" => ("残疾人", "disabled"),
        "subsistence_allowance" => ("低保", "subsistence allowance"),
        "veteran" => ("退役军人", "veterans"),
        "key_person" => ("重点人员", "key persons"),
        "shop" => ("商铺", "shops"),
        "rental" => ("出租屋", "rentals"),
        "firm" => ("企业", "firms"),
        "venue" => ("场馆", "venues"),
        "visits" => ("走访次数", "visits"),
        "due" => ("应走访人数", "due"),
        "on_time" => ("按时走访", "visited on time"),
        "overdue" => ("逾期", "overdue"),
        "on_time_rate" => ("按时走访率", "on-time rate"),
        "done" => ("按期巡查场所", "inspected on schedule"),
        "inspections" => ("巡查次数", "inspections"),
        "inspected_rate" => ("巡查完成率", "inspection rate"),
        "hazards_found" => ("发现隐患", "hazards found"),
        "hazards_rectified" => ("已整改", "rectified"),
        "hazards_overdue" => ("逾期未整改", "overdue"),
        "rectify_seconds" => ("整改总时长(秒)", "rectification seconds"),
        "avg_days_to_rectify" => ("平均整改天数", "average days to rectify"),
        "cases" => ("事件数", "cases"),
        "open" => ("未办结", "open"),
        "handled" => ("已办结", "handled"),
        "handled_on_time" => ("按期办结", "handled on time"),
        "closed_on_time_rate" => ("按期办结率", "on-time closure rate"),
        "escalated" => ("上报", "escalated"),
        "hazard" => ("安全隐患", "hazard"),
        // Checklist hazard categories (the built-in templates' `hazard_category`).
        "fire" => ("消防", "fire"),
        "gas" => ("燃气", "gas"),
        "electric" => ("用电", "electrical"),
        "evacuation" => ("疏散通道", "evacuation"),
        "ebike" => ("电动自行车", "e-bikes"),
        "occupancy" => ("三合一场所", "mixed-use premises"),
        "management" => ("安全管理", "safety management"),
        "failed_items" => ("不合格项", "failed items"),
        "unknown_template" => ("模板未发布的巡查", "inspections on unpublished templates"),
        "low" => ("低", "low"),
        "medium" => ("中", "medium"),
        "high" => ("高", "high"),
        "critical" => ("重大", "critical"),
        "completed" => ("已完成", "completed"),
        "draft" => ("草稿", "draft"),
        "male" => ("男", "male"),
        "female" => ("女", "female"),
        "environment" => ("环境问题", "environment"),
        "appeal" => ("诉求", "appeal"),
        "errand" => ("代办", "errand"),
        "reported" => ("已上报", "reported"),
        "accepted" => ("已受理", "accepted"),
        "in_progress" => ("处理中", "in progress"),
        "resolved" => ("已解决", "resolved"),
        "verified" => ("已核验", "verified"),
        "closed" => ("已结案", "closed"),
        "returned" => ("已退回", "returned"),
        "mediations" => ("调解数", "mediations"),
        "concluded" => ("已调结", "concluded"),
        "pending" => ("调解中", "pending"),
        "success" => ("调解成功", "successful"),
        "success_rate" => ("调解成功率", "success rate"),
        "high_risk_open" => ("高风险未结", "high-risk open"),
        "neighbour" => ("邻里", "neighbour"),
        "family" => ("家庭", "family"),
        "marriage" => ("婚姻", "marriage"),
        "labour" => ("劳资", "labour"),
        "property" => ("物业", "property"),
        "land" => ("土地", "land"),
        "agreement" => ("达成协议", "agreement"),
        "partial" => ("部分达成", "partial"),
        "failed" => ("调解不成", "failed"),
        "referred_judicial_office" => ("转司法所", "to judicial office"),
        "referred_court" => ("转法院", "to court"),
        "referred_police" => ("转派出所", "to police"),
        "activities" => ("活动场次", "activities"),
        "participants" => ("参与人次", "participants"),
        "policy_publicity" => ("政策宣传", "policy publicity"),
        "culture" => ("文化", "culture"),
        "sports" => ("体育", "sports"),
        "training" => ("培训", "training"),
        "records_changed" => ("更新记录数(按日累计)", "records changed (per day, summed)"),
        "tasks_open" => ("未完成任务", "tasks open"),
        "tasks_overdue" => ("超期任务", "tasks overdue"),
        "population" => ("一标三实", "population and housing"),
        "workers" => ("网格员工作量", "worker activity"),
        // Record pages: the remaining enum values of every kind.
        "head" => ("户主", "head"),
        "spouse" => ("配偶", "spouse"),
        "child" => ("子女", "child"),
        "parent" => ("父母", "parent"),
        "grandchild" => ("孙子女", "grandchild"),
        "grandparent" => ("祖父母", "grandparent"),
        "sibling" => ("兄弟姐妹", "sibling"),
        "tenant" => ("租户", "tenant"),
        "moved_out" => ("迁出", "moved out"),
        "deceased" => ("去世", "deceased"),
        "routine" => ("日常走访", "routine"),
        "special_group_care" => ("特殊群体关爱", "special-group care"),
        "opinion_collection" => ("民情收集", "collecting opinions"),
        "errand_follow_up" => ("代办回访", "errand follow-up"),
        "household" => ("住户", "household"),
        "place" => ("场所", "place"),
        "visit" => ("走访", "visit"),
        "inspection" => ("巡查", "inspection"),
        "case" => ("事件", "case"),
        "mediation" => ("矛盾调解", "mediation"),
        "activity" => ("活动", "activity"),
        "community" => ("社区", "community"),
        "street" => ("街道", "street"),
        "report" => ("上报", "report"),
        "accept" => ("受理", "accept"),
        "start" => ("开始处理", "start"),
        "resolve" => ("办结", "resolve"),
        "verify" => ("核验", "verify"),
        "close" => ("结案", "close"),
        "return" => ("退回", "return"),
        "escalate" => ("上报上级", "escalate"),
        "comment" => ("备注", "comment"),
        // Case subcategories the phones offer beside the checklists' hazard categories.
        "facilities" => ("设施损坏", "facilities"),
        "noise" => ("噪声扰民", "noise"),
        "pension" => ("养老金", "pension"),
        "disability" => ("残疾证", "disability card"),
        "garbage" => ("垃圾清运", "garbage"),
        "clutter" => ("杂物堆放", "clutter"),
        "pass" => ("合格", "pass"),
        "fail" => ("不合格", "fail"),
        "na" => ("不适用", "not applicable"),
        "node" => ("编号", "id"),
        "grid_code" => ("编码", "code"),
        "name" => ("名称", "name"),
        _ => return key,
    };
    if zh { c } else { e }
}
