//! What screens read: a stored record with its envelope and derived values, list lines,
//! search hits, the agenda, history, conflicts, attachments and checklist templates.

use serde::{Deserialize, Deserializer};

use crate::records::{
    Activity, ActivityType, Case, CaseCategory, CaseState, DisputeType, Household, HousingType,
    Inspection, InspectionStatus, Mediation, MediationResult, Place, PlaceType, RiskLevel,
    Severity, Visit, VisitPurpose,
};

/// A stored household with its envelope. `data` is unmasked: show it to the worker who
/// edits it, and pass this record back to `updateHousehold` with the edited copy.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HouseholdRecord {
    pub id: String,
    pub grid: String,
    pub archived: bool,
    pub created_at: String,
    pub data: Household,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlaceRecord {
    pub id: String,
    pub grid: String,
    pub archived: bool,
    pub created_at: String,
    pub data: Place,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VisitRecord {
    pub id: String,
    pub grid: String,
    pub archived: bool,
    pub created_at: String,
    pub data: Visit,
}

/// A stored case with its state folded from the merged timeline.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CaseRecord {
    pub id: String,
    pub grid: String,
    pub archived: bool,
    pub created_at: String,
    pub data: Case,
    pub state: CaseState,
    pub overdue: bool,
}

/// Why an inspection cannot be completed yet, per item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct InspectionProblem {
    pub item: String,
    pub reason: String,
}

/// A stored inspection with the items that failed and what still stops it from completing.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct InspectionRecord {
    pub id: String,
    pub grid: String,
    pub archived: bool,
    pub created_at: String,
    pub data: Inspection,
    pub failed_items: Vec<String>,
    pub problems: Vec<InspectionProblem>,
    /// The checklist version it names is not installed on this device.
    pub template_missing: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MediationRecord {
    pub id: String,
    pub grid: String,
    pub archived: bool,
    pub created_at: String,
    pub data: Mediation,
    pub needs_escalation: bool,
    pub next_follow_up: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActivityRecord {
    pub id: String,
    pub grid: String,
    pub archived: bool,
    pub created_at: String,
    pub data: Activity,
}

/// The ids of a visit and the case it raised, written together.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitAndCase {
    pub visit_id: String,
    pub case_id: String,
}

/// Projection rows hold booleans as 0/1.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::Number(n) => n.as_i64().unwrap_or(0) != 0,
        _ => false,
    })
}

/// A line of the household list. Phone numbers do not appear in lists.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct HouseholdSummary {
    pub id: String,
    pub grid: String,
    pub address: String,
    pub housing_type: Option<HousingType>,
    pub head_name: Option<String>,
    pub member_count: u32,
    pub tags: Vec<String>,
    pub member_tags: Vec<String>,
    /// The address parts a worker browses by (小区 → 楼栋 → 单元 → 户室); empty when unset.
    #[serde(default)]
    pub compound: String,
    #[serde(default)]
    pub building: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub room: String,
}

/// A line of the place list; `contact` is masked (138****5678).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct PlaceSummary {
    pub id: String,
    pub grid: String,
    pub name: String,
    pub place_type: Option<PlaceType>,
    pub address: String,
    pub responsible: Option<String>,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct VisitSummary {
    pub id: String,
    pub grid: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub visited_at: String,
    pub worker: String,
    pub purpose: Option<VisitPurpose>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct InspectionSummary {
    pub id: String,
    pub grid: String,
    pub template_id: String,
    pub template_version: u32,
    pub subject_kind: String,
    pub subject_id: String,
    pub inspected_at: String,
    pub status: InspectionStatus,
    pub failed_count: u32,
}

/// A line of the case list, open cases first and the most overdue at the top.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct CaseSummary {
    pub id: String,
    pub grid: String,
    pub category: CaseCategory,
    pub subcategory: Option<String>,
    pub severity: Severity,
    pub state: CaseState,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub reported_at: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct MediationSummary {
    pub id: String,
    pub grid: String,
    pub dispute_type: DisputeType,
    pub risk_level: RiskLevel,
    pub result: Option<MediationResult>,
    pub opened_on: String,
    pub last_activity: Option<String>,
    pub next_follow_up: Option<String>,
    #[serde(deserialize_with = "flag")]
    pub needs_escalation: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct ActivitySummary {
    pub id: String,
    pub grid: String,
    pub topic: String,
    pub activity_type: ActivityType,
    pub held_on: String,
    pub participants: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RecordKind {
    Household,
    Place,
    Visit,
    Inspection,
    Case,
    Mediation,
    Activity,
}

impl From<RecordKind> for gridkeeper_core::Kind {
    fn from(k: RecordKind) -> Self {
        use gridkeeper_core::Kind as K;
        match k {
            RecordKind::Household => K::Household,
            RecordKind::Place => K::Place,
            RecordKind::Visit => K::Visit,
            RecordKind::Inspection => K::Inspection,
            RecordKind::Case => K::Case,
            RecordKind::Mediation => K::Mediation,
            RecordKind::Activity => K::Activity,
        }
    }
}

impl RecordKind {
    pub(crate) fn from_name(name: &str) -> Option<RecordKind> {
        Some(match name {
            "household" => RecordKind::Household,
            "place" => RecordKind::Place,
            "visit" => RecordKind::Visit,
            "inspection" => RecordKind::Inspection,
            "case" => RecordKind::Case,
            "mediation" => RecordKind::Mediation,
            "activity" => RecordKind::Activity,
            _ => return None,
        })
    }
}

/// A search result, best first: matched by Chinese name, pinyin (全拼 or initials), or the
/// tail of a phone or ID number.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SearchHit {
    pub id: String,
    pub kind: RecordKind,
    pub grid: String,
    pub title: String,
    pub score: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitDue {
    pub household_id: String,
    pub member_id: String,
    pub name: String,
    pub tag: String,
    pub last_visit: Option<String>,
    pub due_on: String,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InspectionDue {
    pub place_id: String,
    pub name: String,
    pub place_type: String,
    pub last_inspection: Option<String>,
    pub due_on: String,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseDue {
    pub case_id: String,
    pub category: String,
    pub severity: String,
    pub state: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MediationDue {
    pub mediation_id: String,
    pub dispute_type: String,
    pub risk_level: String,
    pub due_on: String,
    pub needs_escalation: bool,
}

/// A household or place of a task, and whether it is done.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TaskTargetState {
    pub target_id: String,
    pub target_kind: String,
    pub label: String,
    pub done: bool,
}

/// A task a supervisor gave, with a target still to do.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TaskDue {
    pub task_id: String,
    pub grid: String,
    pub title: String,
    pub task_type: String,
    pub due_on: String,
    pub days_overdue: i64,
    pub targets: Vec<TaskTargetState>,
}

/// Today's work: tasks given, people due a visit, places due an inspection, open cases by
/// deadline, mediations due a follow-up.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Agenda {
    pub tasks: Vec<TaskDue>,
    pub visits: Vec<VisitDue>,
    pub inspections: Vec<InspectionDue>,
    pub cases: Vec<CaseDue>,
    pub mediations: Vec<MediationDue>,
}

impl From<gridkeeper_core::store::Agenda> for Agenda {
    fn from(a: gridkeeper_core::store::Agenda) -> Self {
        Agenda {
            tasks: a
                .tasks
                .into_iter()
                .map(|t| TaskDue {
                    task_id: t.task_id,
                    grid: t.grid,
                    title: t.title,
                    task_type: t.task_type,
                    due_on: t.due_on,
                    days_overdue: t.days_overdue,
                    targets: t
                        .targets
                        .into_iter()
                        .map(|g| TaskTargetState {
                            target_id: g.target_id,
                            target_kind: g.target_kind,
                            label: g.label,
                            done: g.done,
                        })
                        .collect(),
                })
                .collect(),
            visits: a
                .visits
                .into_iter()
                .map(|v| VisitDue {
                    household_id: v.household_id,
                    member_id: v.member_id,
                    name: v.name,
                    tag: v.tag,
                    last_visit: v.last_visit,
                    due_on: v.due_on,
                    days_overdue: v.days_overdue,
                })
                .collect(),
            inspections: a
                .inspections
                .into_iter()
                .map(|i| InspectionDue {
                    place_id: i.place_id,
                    name: i.name,
                    place_type: i.place_type,
                    last_inspection: i.last_inspection,
                    due_on: i.due_on,
                    days_overdue: i.days_overdue,
                })
                .collect(),
            cases: a
                .cases
                .into_iter()
                .map(|c| CaseDue {
                    case_id: c.case_id,
                    category: c.category,
                    severity: c.severity,
                    state: c.state,
                    deadline: c.deadline,
                    overdue: c.overdue,
                })
                .collect(),
            mediations: a
                .mediations
                .into_iter()
                .map(|m| MediationDue {
                    mediation_id: m.mediation_id,
                    dispute_type: m.dispute_type,
                    risk_level: m.risk_level,
                    due_on: m.due_on,
                    needs_escalation: m.needs_escalation,
                })
                .collect(),
        }
    }
}

/// One change in a record's history: who, when (Unix milliseconds), which fields.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryEntry {
    pub change: String,
    pub actor: String,
    pub user: Option<String>,
    pub time_ms: i64,
    pub fields: Vec<String>,
    pub summary: String,
}

impl From<gridkeeper_core::HistoryEntry> for HistoryEntry {
    fn from(h: gridkeeper_core::HistoryEntry) -> Self {
        HistoryEntry {
            change: h.change,
            actor: h.actor,
            user: h.user,
            time_ms: h.time,
            fields: h.fields,
            summary: h.summary,
        }
    }
}

/// One of the values two devices wrote at the same place concurrently. `value_json` is the
/// value as JSON text (a field can hold a text, number, list or object).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConflictValue {
    pub value_json: String,
    pub actor: String,
    pub user: Option<String>,
    pub time_ms: i64,
    /// The value shown until someone picks one.
    pub winner: bool,
}

/// Concurrent values at `path`; settle with `resolveConflict(id, path, index)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Conflict {
    pub path: String,
    pub values: Vec<ConflictValue>,
}

impl From<gridkeeper_core::Conflict> for Conflict {
    fn from(c: gridkeeper_core::Conflict) -> Self {
        Conflict {
            path: c.path,
            values: c
                .values
                .into_iter()
                .map(|v| ConflictValue {
                    value_json: v.value.to_string(),
                    actor: v.actor,
                    user: v.user,
                    time_ms: v.time,
                    winner: v.winner,
                })
                .collect(),
        }
    }
}

/// An attachment as records name it: the SHA-256 of its bytes, its sniffed media type, size.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AttachmentRef {
    pub hash: String,
    pub media_type: String,
    pub size: u64,
}

impl From<gridkeeper_core::store::BlobRef> for AttachmentRef {
    fn from(b: gridkeeper_core::store::BlobRef) -> Self {
        AttachmentRef {
            hash: b.hash,
            media_type: b.media_type,
            size: b.size,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    PassFailNa,
    Number,
    Text,
    SingleChoice,
    MultiChoice,
    Photo,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct Choice {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub label_en: Option<String>,
}

/// The item is shown only when `item` was answered `equals`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct ShowWhen {
    pub item: String,
    pub equals: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, uniffi::Record)]
pub struct ChecklistItem {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_en: Option<String>,
    pub item_type: ItemType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub hazard_category: Option<String>,
    #[serde(default)]
    pub severity_if_failed: Option<Severity>,
    #[serde(default)]
    pub relevant: Option<ShowWhen>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub photo_required: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, uniffi::Record)]
pub struct ChecklistSection {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    pub items: Vec<ChecklistItem>,
}

/// An installed checklist (巡查模板); an inspection names its id and version.
#[derive(Debug, Clone, PartialEq, Deserialize, uniffi::Record)]
pub struct ChecklistTemplate {
    pub id: String,
    pub version: u32,
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    #[serde(default)]
    pub place_types: Vec<String>,
    pub sections: Vec<ChecklistSection>,
}
