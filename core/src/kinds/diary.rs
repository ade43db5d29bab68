//! The worker's 民情日志 (daily log of residents' affairs): one entry per worker and day —
//! what they visited, the problems they met (问题), what was done about them (处理措施) and
//! what came of it (反馈结果).
//!
//! Nobody types it from nothing: [`compose`] writes the day from the records the worker
//! already made (visits and their findings, inspections, the case entries they signed), the
//! worker corrects it on the phone and submits it. The phone's draft and the relay's ledger
//! for a day nobody submitted both come from [`compose`], so they read the same.
//!
//! A diary is the worker's own: the relay takes it from their phone and shows it to their
//! supervisors, and sends it to no phone (`wire::readable`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Kind;
use super::case::{Case, TimelineEntry};
use super::case_flow::CaseAction;
use super::common::{china_day_of, date, enum_name, instant};
use super::visit::Visit;
use crate::error::Invalid;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate;

/// Longest text of one part of an entry: a busy day's worth.
const MAX_TEXT: usize = 8000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diary {
    /// The day, `YYYY-MM-DD`, in China.
    pub day: String,
    /// Whose day; the signed-in worker when empty.
    #[serde(default)]
    pub worker: String,
    /// 走访情况: whom they visited and inspected.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub visited: String,
    /// 问题.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub problems: String,
    /// 处理措施.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub measures: String,
    /// 反馈结果.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub results: String,
    /// When the worker submitted it; a draft until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
}

impl RecordKind for Diary {
    const KIND: Kind = Kind::Diary;
    // Read by day on the phone from its few diaries; no table of its own.
    const TABLES: &'static [&'static str] = &[];

    fn prepare(&mut self, ctx: &Context) -> Result<(), Invalid> {
        self.day = date("day", &self.day)?;
        if self.worker.trim().is_empty() {
            self.worker = ctx.user.clone().unwrap_or_default();
        }
        self.worker = validate::person("worker", &self.worker, 50)?;
        self.visited = validate::text("visited", &self.visited, MAX_TEXT)?;
        self.problems = validate::text("problems", &self.problems, MAX_TEXT)?;
        self.measures = validate::text("measures", &self.measures, MAX_TEXT)?;
        self.results = validate::text("results", &self.results, MAX_TEXT)?;
        if let Some(at) = &self.submitted_at {
            self.submitted_at = Some(instant("submitted_at", at, ctx.now)?);
        }
        Ok(())
    }

    fn mask(&mut self) {}

    fn project(
        &self,
        _env: &Envelope,
        _tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        // A worker's own log is not something to search the grid for.
        Ok(SearchEntry {
            names: vec![],
            other: vec![],
            attachments: vec![],
        })
    }
}

/// A visit of the day, with what the log calls its subject (an address, a place's name).
#[derive(Debug, Clone)]
pub struct DayVisit {
    pub subject: String,
    pub visit: Visit,
}

/// What a day's log is made from: one worker's records of that day.
#[derive(Debug, Clone, Default)]
pub struct DayRecords {
    pub visits: Vec<DayVisit>,
    /// The places (their names) the worker completed an inspection of.
    pub inspected: Vec<String>,
    /// Cases with an entry the worker may have signed that day; the others are passed over.
    pub cases: Vec<Case>,
}

/// The four parts of a day's entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DayTexts {
    pub visited: String,
    pub problems: String,
    pub measures: String,
    pub results: String,
}

impl DayTexts {
    pub fn is_empty(&self) -> bool {
        self.visited.is_empty()
            && self.problems.is_empty()
            && self.measures.is_empty()
            && self.results.is_empty()
    }
}

/// The log's word for a glossary key: a visit's purpose, a case's category or subcategory,
/// a case entry's action. The log is filed in Chinese whatever language the phone shows, and
/// the phone's draft and the relay's ledger must read alike, so the words live here, once.
pub fn word(key: &str) -> &str {
    match key {
        "routine" => "日常走访",
        "special_group_care" => "特殊群体关爱",
        "policy_publicity" => "政策宣传",
        "opinion_collection" => "民情收集",
        "errand_follow_up" => "代办回访",
        "other" => "其他",
        "hazard" => "安全隐患",
        "environment" => "环境问题",
        "appeal" => "诉求",
        "errand" => "代办",
        "fire" => "消防",
        "gas" => "燃气",
        "electric" => "用电",
        "evacuation" => "疏散通道",
        "ebike" => "电动自行车",
        "occupancy" => "三合一场所",
        "management" => "安全管理",
        "facilities" => "设施损坏",
        "noise" => "噪声扰民",
        "pension" => "养老金",
        "disability" => "残疾证",
        "garbage" => "垃圾清运",
        "clutter" => "杂物堆放",
        "report" => "上报",
        "accept" => "受理",
        "start" => "开始处理",
        "resolve" => "办结",
        "verify" => "核验",
        "close" => "结案",
        "return" => "退回",
        "escalate" => "上报上级",
        "comment" => "备注",
        other => other,
    }
}

/// A case as the log names it: `安全隐患（消防）：楼道堆物`.
fn case_words(c: &Case) -> String {
    let category = word(&enum_name(&c.category)).to_string();
    let what = if c.subcategory.is_empty() {
        category
    } else {
        format!("{category}（{}）", word(&c.subcategory))
    };
    format!("{what}：{}", c.description.trim())
}

/// What an entry did, as the log says it: `受理，派遣至物业公司（2026-11-10前）：通知物业清理`.
pub fn entry_words(e: &TimelineEntry) -> String {
    let mut s = word(e.action.as_str()).to_string();
    if !e.dispatch_to.is_empty() {
        s.push_str(&format!("，派遣至{}", e.dispatch_to));
        if !e.handle_by.is_empty() {
            s.push_str(&format!("（{}前）", e.handle_by));
        }
    }
    for t in [&e.note, &e.reason] {
        if !t.trim().is_empty() {
            s.push_str(&format!("：{}", t.trim()));
        }
    }
    s
}

/// Writes one worker's day from their records; `now` decides which of two concurrent case
/// entries stands.
pub fn compose(day: NaiveDate, worker: &str, records: &DayRecords, now: DateTime<Utc>) -> DayTexts {
    let mut visited = Vec::new();
    let mut problems = Vec::new();
    let mut measures = Vec::new();
    let mut results = Vec::new();
    for v in &records.visits {
        if v.visit.worker != worker || china_day_of(&v.visit.visited_at) != Some(day) {
            continue;
        }
        visited.push(format!(
            "{}（{}）",
            v.subject,
            word(&enum_name(&v.visit.purpose))
        ));
        if !v.visit.findings.trim().is_empty() {
            problems.push(format!("{}：{}", v.subject, v.visit.findings.trim()));
        }
    }
    for place in &records.inspected {
        visited.push(format!("巡查{place}"));
    }
    for c in &records.cases {
        let superseded = c.status(now).superseded;
        let what = case_words(c);
        for (i, e) in c.timeline.iter().enumerate() {
            if superseded.contains(&i) || e.by != worker || china_day_of(&e.at) != Some(day) {
                continue;
            }
            match e.action {
                CaseAction::Report => problems.push(format!("上报{what}")),
                CaseAction::Resolve
                | CaseAction::Verify
                | CaseAction::Close
                | CaseAction::Return => results.push(format!("{what}（{}）", entry_words(e))),
                _ => measures.push(format!("{what}（{}）", entry_words(e))),
            }
        }
    }
    DayTexts {
        visited: visited.join("；"),
        problems: problems.join("\n"),
        measures: measures.join("\n"),
        results: results.join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::case::CaseCategory;
    use crate::kinds::common::{Subject, SubjectKind};

    fn entry(action: CaseAction, at: &str, by: &str, note: &str) -> TimelineEntry {
        TimelineEntry {
            id: format!("{at}{by}"),
            at: at.into(),
            by: by.into(),
            note: note.into(),
            ..TimelineEntry::new(action)
        }
    }

    #[test]
    fn a_day_is_written_from_the_workers_own_records_of_that_day_in_china() {
        let visit = |at: &str, worker: &str, findings: &str| DayVisit {
            subject: "幸福里 1 101".into(),
            visit: Visit {
                subject: Subject {
                    kind: SubjectKind::Household,
                    id: "h".into(),
                },
                visited_at: at.into(),
                worker: worker.into(),
                purpose: crate::kinds::visit::VisitPurpose::SpecialGroupCare,
                members_seen: vec![],
                findings: findings.into(),
                location: None,
                photos: vec![],
                raised_cases: vec![],
            },
        };
        let case = Case {
            category: CaseCategory::Hazard,
            subcategory: "fire".into(),
            description: "楼道堆物".into(),
            subject: None,
            severity: Default::default(),
            reported_at: "2026-11-03T17:00:00Z".into(),
            deadline: String::new(),
            photos: vec![],
            source: None,
            timeline: vec![
                // 4 November 01:00 in China.
                entry(CaseAction::Report, "2026-11-03T17:00:00Z", "王芳", ""),
                entry(
                    CaseAction::Accept,
                    "2026-11-04T01:00:00Z",
                    "王芳",
                    "通知物业",
                ),
                // Someone else's entry: not in 王芳's log.
                entry(
                    CaseAction::Start,
                    "2026-11-04T02:00:00Z",
                    "李娜",
                    "开始清理",
                ),
            ],
        };
        let records = DayRecords {
            visits: vec![
                visit("2026-11-04T02:00:00Z", "王芳", "身体尚好"),
                visit("2026-11-04T16:30:00Z", "王芳", "第二天的走访"),
                visit("2026-11-04T03:00:00Z", "李娜", "别人的走访"),
            ],
            inspected: vec!["好又多超市".into()],
            cases: vec![case],
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 4).unwrap_or_default();
        let now = DateTime::parse_from_rfc3339("2026-11-05T00:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let t = compose(day, "王芳", &records, now);
        assert_eq!(t.visited, "幸福里 1 101（特殊群体关爱）；巡查好又多超市");
        assert_eq!(
            t.problems,
            "幸福里 1 101：身体尚好\n上报安全隐患（消防）：楼道堆物"
        );
        assert_eq!(t.measures, "安全隐患（消防）：楼道堆物（受理：通知物业）");
        assert_eq!(t.results, "");
        let other = compose(day, "李娜", &records, now);
        assert_eq!(
            other.measures,
            "安全隐患（消防）：楼道堆物（开始处理：开始清理）"
        );
        assert_eq!(other.problems, "幸福里 1 101：别人的走访");
    }
}
