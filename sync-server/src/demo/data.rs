//! Made-up but plausible street data for the demo: people (names, GB 11643 ID numbers,
//! mobiles), households, places, and the six duties' records, as the JSON the core's
//! `create_json` takes. Pure functions of a seeded RNG and a clock, so a seed gives the same
//! street every time (record ids and "now" aside).

use chrono::{DateTime, Datelike, Duration, NaiveDate, SecondsFormat, Utc};
use gridkeeper_core::checklist::{ChecklistTemplate, ItemType};
use gridkeeper_core::validate::id_number::check_char;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::{Map, Value as Json, json};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "潘", "袁", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "沈",
    "姚", "卢", "钟", "汪", "范", "金", "陆", "欧阳",
];
const MALE_GIVEN: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "辉", "鹏", "华", "飞", "波",
    "建国", "志强", "国华", "海峰", "文博", "家明", "晓东", "春生",
];
const FEMALE_GIVEN: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "琳", "燕", "萍", "玲", "慧",
    "秀英", "桂英", "玉兰", "丽华", "晓梅", "春燕", "海燕",
];
const ELDER_GIVEN: &[&str] = &[
    "桂兰", "秀兰", "凤英", "淑珍", "建华", "德明", "福生", "国庆", "永福", "长林", "金凤", "秀珍",
];
const CHILD_GIVEN: &[&str] = &[
    "子涵", "梓轩", "一诺", "欣怡", "浩然", "雨桐", "宇轩", "诗涵", "俊熙", "可馨", "睿", "萌萌",
];
/// Where local residents' ID numbers were issued (this city), and migrants' home counties.
const LOCAL_REGIONS: &[&str] = &["330105", "330106", "330102"];
const MIGRANT_REGIONS: &[&str] = &["412722", "511321", "342422", "431022", "360722", "522425"];
const MOBILE_PREFIXES: &[&str] = &[
    "138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "186", "187", "188",
    "189", "177", "199", "133", "153", "180", "181",
];

/// A 1×1 PNG: the "photo" inspections and cases attach, so attachments really upload.
pub const SITE_PHOTO: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// A moment `days_ago` days back (fractional days spread visits over working hours).
pub fn days_ago(now: DateTime<Utc>, rng: &mut StdRng, max_days: i64) -> DateTime<Utc> {
    let minutes = rng.random_range(60..(max_days.max(1) * 24 * 60));
    now - Duration::minutes(minutes)
}

fn pick<'a>(rng: &mut StdRng, from: &'a [&'a str]) -> &'a str {
    from.choose(rng).copied().unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

fn other(sex: Sex) -> Sex {
    match sex {
        Sex::Male => Sex::Female,
        Sex::Female => Sex::Male,
    }
}

pub fn person_name(rng: &mut StdRng, sex: Sex, age: i32, surname: Option<&str>) -> String {
    let surname = surname.map_or_else(|| pick(rng, SURNAMES).to_string(), String::from);
    let given = if age < 18 {
        pick(rng, CHILD_GIVEN)
    } else if age >= 65 {
        pick(rng, ELDER_GIVEN)
    } else if sex == Sex::Male {
        pick(rng, MALE_GIVEN)
    } else {
        pick(rng, FEMALE_GIVEN)
    };
    format!("{surname}{given}")
}

/// An 18-character ID number with a real birth date, the sex in the sequence digit's parity
/// and the GB 11643 check character.
pub fn id_number(rng: &mut StdRng, today: NaiveDate, age: i32, sex: Sex, migrant: bool) -> String {
    let region = pick(
        rng,
        if migrant {
            MIGRANT_REGIONS
        } else {
            LOCAL_REGIONS
        },
    );
    let birth = NaiveDate::from_ymd_opt(today.year() - age, 1, 1)
        .unwrap_or(today)
        .checked_add_signed(Duration::days(rng.random_range(0..365)))
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let parity = if sex == Sex::Male { 1 } else { 0 };
    let sequence = rng.random_range(0..500) * 2 + parity;
    let first17 = format!("{region}{}{sequence:03}", birth.format("%Y%m%d"));
    let check = check_char(first17.as_bytes()).unwrap_or('0');
    format!("{first17}{check}")
}

pub fn mobile(rng: &mut StdRng) -> String {
    format!(
        "{}{:08}",
        pick(rng, MOBILE_PREFIXES),
        rng.random_range(0..100_000_000u32)
    )
}

/// One resident as a household member, with the tags a worker would give.
#[derive(Debug, Clone)]
struct Resident {
    name: String,
    age: i32,
    sex: Sex,
    relation: &'static str,
    tags: Vec<&'static str>,
}

impl Resident {
    /// A resident of an age drawn from `ages`.
    fn new(
        rng: &mut StdRng,
        ages: std::ops::Range<i32>,
        sex: Sex,
        relation: &'static str,
        surname: Option<&str>,
    ) -> Self {
        let age = rng.random_range(ages);
        Resident {
            name: person_name(rng, sex, age, surname),
            age,
            sex,
            relation,
            tags: vec![],
        }
    }

    fn surname(&self) -> String {
        let n = if self.name.starts_with("欧阳") {
            2
        } else {
            1
        };
        self.name.chars().take(n).collect()
    }
}

/// The kinds of household a grid is made of, roughly in the proportions of an old compound.
fn residents(rng: &mut StdRng) -> (Vec<Resident>, &'static str, bool) {
    let sex = if rng.random_bool(0.5) {
        Sex::Male
    } else {
        Sex::Female
    };
    let roll = rng.random_range(0..100);
    let mut people = Vec::new();
    let (housing, migrant) = match roll {
        // 独居老人
        0..=7 => {
            let mut p = Resident::new(rng, 70..92, sex, "head", None);
            p.tags.push("solitary_elderly");
            people.push(p);
            ("owner_occupied", false)
        }
        // 空巢老人: an elderly couple whose children live elsewhere
        8..=17 => {
            let mut a = Resident::new(rng, 65..86, Sex::Male, "head", None);
            let mut b = Resident::new(rng, (a.age - 4)..(a.age + 1), Sex::Female, "spouse", None);
            a.tags.push("empty_nest_elderly");
            b.tags.push("empty_nest_elderly");
            people.extend([a, b]);
            ("owner_occupied", false)
        }
        // 留守儿童 with a grandparent: the parents work in another city
        18..=22 => {
            let g = Resident::new(rng, 60..78, sex, "head", None);
            let mut c = Resident::new(rng, 6..15, other(sex), "grandchild", Some(&g.surname()));
            c.tags.push("left_behind_child");
            people.extend([g, c]);
            ("owner_occupied", false)
        }
        // 流动人口: tenants sharing a flat
        23..=42 => {
            for i in 0..rng.random_range(1..=3) {
                let relation = if i == 0 { "head" } else { "tenant" };
                let s = if rng.random_bool(0.6) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                people.push(Resident::new(rng, 19..42, s, relation, None));
            }
            ("rented", true)
        }
        // A young family
        43..=82 => {
            let head = Resident::new(rng, 28..48, Sex::Male, "head", None);
            let spouse = Resident::new(
                rng,
                (head.age - 3)..(head.age + 1),
                Sex::Female,
                "spouse",
                None,
            );
            let surname = head.surname();
            let kids = rng.random_range(0..=2);
            let parent_age = head.age;
            people.extend([head, spouse]);
            for _ in 0..kids {
                let s = if rng.random_bool(0.5) {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let ages = 1..(parent_age - 22).clamp(2, 18);
                people.push(Resident::new(rng, ages, s, "child", Some(&surname)));
            }
            ("owner_occupied", false)
        }
        // A couple, or someone living alone, of working age
        _ => {
            people.push(Resident::new(rng, 25..64, sex, "head", None));
            if rng.random_bool(0.6) {
                people.push(Resident::new(rng, 25..64, other(sex), "spouse", None));
            }
            (
                if rng.random_bool(0.3) {
                    "rented"
                } else {
                    "owner_occupied"
                },
                false,
            )
        }
    };
    // Care needs that cut across household types.
    for p in &mut people {
        if rng.random_bool(0.03) {
            p.tags.push("disabled");
        }
        if p.sex == Sex::Male && p.age >= 45 && rng.random_bool(0.05) {
            p.tags.push("veteran");
        }
        if p.age >= 18 && rng.random_bool(0.004) {
            p.tags.push("key_person");
        }
    }
    if rng.random_bool(0.04)
        && let Some(head) = people.first_mut()
    {
        head.tags.push("subsistence_allowance");
    }
    (people, housing, migrant)
}

/// Where a household lives: a room in one of the grid's compounds, numbered the way doors are.
#[derive(Debug, Clone)]
pub struct Door {
    pub community: String,
    pub compound: String,
    pub building: u32,
    pub unit: u32,
    pub floor: u32,
    pub room: u32,
}

/// The `n`th door of a grid: six-storey walk-ups, three units, two flats a landing.
pub fn door(community: &str, compounds: &[&str], n: usize) -> Door {
    let per_building = 3 * 6 * 2;
    let building_n = n / per_building;
    let within = n % per_building;
    Door {
        community: community.to_string(),
        compound: compounds[building_n % compounds.len().max(1)].to_string(),
        building: (building_n / compounds.len().max(1)) as u32 + 1,
        unit: (within / 12) as u32 + 1,
        floor: (within % 12 / 2) as u32 + 1,
        room: (within % 2) as u32 + 1,
    }
}

/// A household with 1–4 members, and whether it needs regular care visits.
pub fn household(rng: &mut StdRng, today: NaiveDate, door: &Door) -> (Json, bool) {
    let (people, housing, migrant) = residents(rng);
    let special = people.iter().any(|p| {
        p.tags.iter().any(|t| {
            matches!(
                *t,
                "solitary_elderly" | "empty_nest_elderly" | "left_behind_child" | "disabled"
            )
        })
    });
    let members: Vec<Json> = people
        .iter()
        .map(|p| {
            let mut m = json!({
                "name": p.name,
                "id_number": id_number(rng, today, p.age, p.sex, migrant),
                "relation": p.relation,
                "registration": if migrant { "migrant" } else { "local" },
                "tags": p.tags,
            });
            // Children and some of the very old have no phone of their own.
            if p.age >= 16 && (p.age < 80 || rng.random_bool(0.4)) {
                m["phone"] = json!(mobile(rng));
            }
            m
        })
        .collect();
    let mut data = json!({
        "address": {
            "community": door.community,
            "compound": door.compound,
            "building": door.building.to_string(),
            "unit": door.unit.to_string(),
            "floor": door.floor.to_string(),
            "room": format!("{}{:02}", door.floor, door.room),
        },
        "housing_type": housing,
        "members": members,
    });
    if special && rng.random_bool(0.3) {
        data["notes"] = json!(
            [
                "子女在外地，每月电话联系",
                "行动不便，需上门服务",
                "已申请居家养老服务",
                "血压偏高，提醒按时服药"
            ]
            .choose(rng)
            .copied()
            .unwrap_or_default()
        );
    }
    (data, special)
}

const SHOPS: &[&str] = &[
    "便利店",
    "小吃店",
    "理发店",
    "五金店",
    "水果店",
    "快递驿站",
    "棋牌室",
    "早餐店",
    "药店",
    "洗衣店",
];
const FIRMS: &[&str] = &["汽修店", "服装加工坊", "印刷厂", "家具作坊"];
const STREETS: &[&str] = &["幸福路", "和平路", "春晖街", "梧桐巷", "建设路"];

/// A shop, rental building, small firm or venue, and whether fire-safety inspections apply.
pub fn place(rng: &mut StdRng, n: usize, compounds: &[&str]) -> (Json, bool) {
    let owner = person_name(rng, Sex::Male, 45, None);
    let street = pick(rng, STREETS);
    let (place_type, name) = match rng.random_range(0..100) {
        0..=59 => {
            let kind = pick(rng, SHOPS);
            (
                "shop",
                format!("{}{kind}", owner.chars().next().unwrap_or('王')),
            )
        }
        60..=84 => (
            "rental",
            format!("{}{}号楼出租房", pick(rng, compounds), n % 9 + 1),
        ),
        85..=94 => ("firm", format!("{street}{}", pick(rng, FIRMS))),
        _ => ("venue", format!("{}社区活动室", pick(rng, compounds))),
    };
    let data = json!({
        "name": name,
        "place_type": place_type,
        "address": {"text": format!("{street}{}号", 10 + n * 3)},
        "responsible": owner,
        "contact": mobile(rng),
    });
    (data, matches!(place_type, "shop" | "rental"))
}

/// Items a worker most often finds failing in a small shop or rental flat, in the order of
/// how common they are. None of them hides or requires another item.
pub const COMMON_FAILURES: &[&str] = &[
    "ebike_indoor",
    "ebike_flying_wire",
    "wiring",
    "flammable_storage",
    "smoke_alarm",
    "emergency_lighting",
    "window_bars",
];

/// Every item of `template` answered the passing way, with `photo` where a photo is wanted.
pub fn passing_answers(template: &ChecklistTemplate, photo: &str, rng: &mut StdRng) -> Json {
    let mut answers = Map::new();
    for item in template.items() {
        let value = match item.item_type {
            ItemType::PassFailNa => json!("pass"),
            ItemType::Number => {
                let low = item.min.unwrap_or(0.0);
                json!((low + f64::from(rng.random_range(0..3u8))).max(2.0))
            }
            ItemType::Text => json!("现场检查未见异常"),
            ItemType::SingleChoice => json!(item.choices.first().map(|c| c.value.clone())),
            ItemType::MultiChoice => json!([item.choices.first().map(|c| c.value.clone())]),
            ItemType::Photo => json!([photo]),
        };
        let answer = if item.photo_required && item.item_type != ItemType::Photo {
            json!({"value": value, "photos": [photo]})
        } else {
            value
        };
        answers.insert(item.id.clone(), answer);
    }
    Json::Object(answers)
}

const FINDINGS: &[&str] = &[
    "身体状况良好，生活能自理",
    "反映楼道灯不亮，已登记",
    "咨询医保报销政策，已解答",
    "宣传防诈骗知识，发放资料",
    "反映小区停车难问题",
    "家中燃气管老化，提醒更换",
    "孩子学习情况正常，与父母视频联系",
    "需要代办残疾证年审",
];

pub fn visit(
    rng: &mut StdRng,
    household: &str,
    at: DateTime<Utc>,
    special: bool,
    spot: (f64, f64),
) -> Json {
    let purpose = if special && rng.random_bool(0.8) {
        "special_group_care"
    } else {
        pick(
            rng,
            &[
                "routine",
                "routine",
                "policy_publicity",
                "opinion_collection",
                "errand_follow_up",
            ],
        )
    };
    let mut v = json!({
        "subject": {"kind": "household", "id": household},
        "visited_at": rfc3339(at),
        "purpose": purpose,
        "location": {
            "lat": spot.0 + f64::from(rng.random_range(-300..300)) * 1e-5,
            "lon": spot.1 + f64::from(rng.random_range(-300..300)) * 1e-5,
            "accuracy_m": f64::from(rng.random_range(5..40u8)),
        },
    });
    if rng.random_bool(0.5) {
        v["findings"] = json!(pick(rng, FINDINGS));
    }
    v
}

/// A case a visit raises: an appeal, an errand or an environment problem.
pub fn visit_case(rng: &mut StdRng, at: DateTime<Utc>) -> Json {
    let (category, sub, text) = *[
        ("appeal", "facilities", "居民反映单元门禁损坏，进出不便"),
        ("appeal", "noise", "楼下商铺夜间噪声扰民"),
        ("errand", "pension", "代办老人养老金资格认证"),
        ("errand", "disability", "代办残疾证年审材料"),
        ("environment", "garbage", "垃圾分类点满溢，未及时清运"),
        ("environment", "clutter", "楼道堆放杂物，影响通行"),
    ]
    .choose(rng)
    .unwrap_or(&("appeal", "other", "居民诉求"));
    json!({
        "category": category,
        "subcategory": sub,
        "description": text,
        "severity": if rng.random_bool(0.2) { "high" } else { "medium" },
        "reported_at": rfc3339(at),
    })
}

/// A case's path so far, as timeline entries after its report: older cases are further
/// round the loop; a few were returned once or escalated. Nothing is later than `now`.
pub fn case_history(
    rng: &mut StdRng,
    reported: DateTime<Utc>,
    now: DateTime<Utc>,
    worker: &str,
    supervisor: &str,
) -> Vec<Json> {
    let mut steps: Vec<(&str, &str)> = vec![("accept", worker), ("start", worker)];
    if rng.random_bool(0.12) {
        // Beyond the grid's means: handed to the community, which fixes it.
        steps = vec![
            ("accept", worker),
            ("escalate", worker),
            ("resolve", supervisor),
        ];
    } else {
        if rng.random_bool(0.1) {
            steps.extend([
                ("resolve", worker),
                ("return", supervisor),
                ("start", worker),
            ]);
        }
        steps.push(("resolve", worker));
    }
    steps.extend([("verify", supervisor), ("close", supervisor)]);
    let mut at = reported;
    let mut out = Vec::new();
    for (action, by) in steps {
        at += Duration::hours(rng.random_range(4..96));
        if at >= now {
            break;
        }
        let mut entry = json!({"action": action, "at": rfc3339(at), "by": by});
        match action {
            "return" => entry["reason"] = json!("整改不到位，请重新处理"),
            "escalate" => entry["escalate_to"] = json!("community"),
            "resolve" => entry["note"] = json!("已处理完毕，现场复核"),
            _ => {}
        }
        out.push(entry);
    }
    out
}

pub fn mediation(rng: &mut StdRng, opened: DateTime<Utc>, now: DateTime<Utc>) -> Json {
    let (kind, story) = *[
        ("neighbour", "楼上漏水渗到楼下，双方就维修费用发生争执。"),
        ("neighbour", "因楼道堆物和停车位问题发生口角。"),
        ("family", "兄弟二人因老人赡养费用分摊产生矛盾。"),
        ("marriage", "夫妻因家务和子女教育问题多次争吵。"),
        ("labour", "装修工人反映工钱被拖欠两个月。"),
        ("property", "业主与物业就物业费和维修责任发生纠纷。"),
    ]
    .choose(rng)
    .unwrap_or(&("other", "纠纷"));
    let parties: Vec<Json> = (0..2)
        .map(|_| {
            let sex = if rng.random_bool(0.5) {
                Sex::Male
            } else {
                Sex::Female
            };
            json!({
                "name": person_name(rng, sex, 45, None),
                "phone": mobile(rng),
            })
        })
        .collect();
    let mut m = json!({
        "dispute_type": kind,
        "parties": parties,
        "risk_level": if rng.random_bool(0.1) { "high" } else if rng.random_bool(0.3) { "medium" } else { "low" },
        "opened_on": day(opened),
        "narrative": story,
    });
    let session = opened + Duration::days(rng.random_range(1..10));
    if session < now {
        m["sessions"] = json!([{"date": day(session), "outcome": "双方陈述意见，初步达成共识"}]);
        if rng.random_bool(0.7) {
            m["result"] = json!(if rng.random_bool(0.85) {
                "agreement"
            } else {
                "referred_judicial_office"
            });
            m["agreement_text"] =
                json!("经调解，双方自愿达成如下协议：责任方承担维修费用，双方互谅互让。");
            let due = session + Duration::days(30);
            let done = (due < now).then(|| day(due));
            m["follow_ups"] = json!([{"due": day(due), "done_on": done, "note": if done.is_some() { "回访：协议已履行" } else { "" }}]);
        }
    }
    m
}

pub fn activity(rng: &mut StdRng, held: DateTime<Utc>, venue: &str) -> Json {
    let (kind, topic) = *[
        ("policy_publicity", "反诈骗宣传进小区"),
        ("policy_publicity", "垃圾分类知识宣讲"),
        ("policy_publicity", "医保参保政策宣传"),
        ("culture", "重阳节敬老文艺演出"),
        ("culture", "社区书法兴趣班"),
        ("sports", "广场舞比赛"),
        ("training", "消防安全培训与灭火器演练"),
    ]
    .choose(rng)
    .unwrap_or(&("culture", "社区活动"));
    json!({
        "topic": topic,
        "activity_type": kind,
        "held_on": day(held),
        "venue": venue,
        "participants": rng.random_range(12..80u32),
    })
}
