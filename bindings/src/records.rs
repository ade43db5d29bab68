//! The record kinds as the apps see them: uniffi records and enums with the same field names
//! and JSON shape as core's structs. They cross into core as JSON through core's own
//! validation (`create_json`, `RecordKind::prepare`), so every rule stays in core and a
//! field path in an error (`members[1].id_number`) is the same in Rust, Kotlin and Python.
//!
//! Every struct denies unknown fields on the way in from core: a field core adds without a
//! counterpart here fails this crate's tests instead of being dropped silently.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The standard address (标准地址): community → compound → building → unit → floor → room,
/// or free text. A building and room, or the free text, is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields, default)]
pub struct Address {
    #[uniffi(default = "")]
    pub community: String,
    #[uniffi(default = "")]
    pub compound: String,
    #[uniffi(default = "")]
    pub building: String,
    #[uniffi(default = "")]
    pub unit: String,
    #[uniffi(default = "")]
    pub floor: String,
    #[uniffi(default = "")]
    pub room: String,
    #[uniffi(default = "")]
    pub text: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum HousingType {
    #[default]
    OwnerOccupied,
    Rented,
    Vacant,
    Other,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    #[default]
    Local,
    Migrant,
    Foreign,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Grandchild,
    Grandparent,
    Sibling,
    Tenant,
    #[default]
    Other,
}

/// The groups a worker looks after (重点人群); they drive the visit agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum MemberTag {
    SolitaryElderly,
    EmptyNestElderly,
    LeftBehindChild,
    Disabled,
    SubsistenceAllowance,
    Veteran,
    KeyPerson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// A resident. `id` is given by the store when empty; `gender`, `birth_date` and
/// `legacy_id_number` are derived from `id_number` when it is present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Member {
    #[serde(default)]
    #[uniffi(default = "")]
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub gender: Option<Gender>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub birth_date: Option<String>,
    #[serde(default)]
    #[uniffi(default = false)]
    pub legacy_id_number: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub phone: Option<String>,
    #[serde(default)]
    pub relation: Relation,
    #[serde(default)]
    pub registration: Registration,
    #[serde(default)]
    #[uniffi(default = [])]
    pub tags: Vec<MemberTag>,
    #[serde(default)]
    #[uniffi(default = [])]
    pub custom_tags: Vec<String>,
    /// Set when the person no longer lives here (moved out, deceased): the member is kept,
    /// marked, rather than removed, so nobody's edit of them is lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub left: Option<Departure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Departure {
    pub reason: LeftReason,
    /// `YYYY-MM-DD`.
    pub on: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum LeftReason {
    MovedOut,
    Deceased,
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Household {
    pub address: Address,
    #[serde(default)]
    pub housing_type: HousingType,
    #[serde(default)]
    #[uniffi(default = [])]
    pub members: Vec<Member>,
    #[serde(default)]
    #[uniffi(default = [])]
    pub tags: Vec<String>,
    #[serde(default)]
    #[uniffi(default = "")]
    pub notes: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum PlaceType {
    #[default]
    Shop,
    Rental,
    Firm,
    Venue,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    #[serde(default)]
    pub place_type: PlaceType,
    pub address: Address,
    #[serde(default)]
    #[uniffi(default = "")]
    pub responsible: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub contact: Option<String>,
    #[serde(default)]
    #[uniffi(default = [])]
    pub tags: Vec<String>,
    #[serde(default)]
    #[uniffi(default = "")]
    pub notes: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Household,
    Place,
}

/// The household or place a visit, inspection or case is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: String,
}

/// A GPS fix with the phone's stated accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub accuracy_m: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum VisitPurpose {
    #[default]
    Routine,
    SpecialGroupCare,
    PolicyPublicity,
    OpinionCollection,
    ErrandFollowUp,
    Other,
}

/// A visit (走访). `visited_at` empty means now; `worker` empty means the signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    pub subject: Subject,
    #[serde(default)]
    #[uniffi(default = "")]
    pub visited_at: String,
    #[serde(default)]
    #[uniffi(default = "")]
    pub worker: String,
    #[serde(default)]
    pub purpose: VisitPurpose,
    #[serde(default)]
    #[uniffi(default = [])]
    pub members_seen: Vec<String>,
    #[serde(default)]
    #[uniffi(default = "")]
    pub findings: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub location: Option<GeoPoint>,
    /// Attachment hashes (from `GridStore.addPhoto`).
    #[serde(default)]
    #[uniffi(default = [])]
    pub photos: Vec<String>,
    /// Ids of the cases this visit raised; filled in by `createVisitRaisingCase`.
    #[serde(default)]
    #[uniffi(default = [])]
    pub raised_cases: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum CaseCategory {
    Hazard,
    Environment,
    Appeal,
    Errand,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum EscalationLevel {
    Community,
    Street,
}

/// A case's closed loop: reported → accepted → in_progress → resolved → verified → closed,
/// plus returned and escalated. Folded from the merged timeline, so devices agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Reported,
    Accepted,
    InProgress,
    Resolved,
    Verified,
    Closed,
    Returned,
    Escalated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Report,
    Accept,
    Start,
    Resolve,
    Verify,
    Close,
    Return,
    Escalate,
    Comment,
}

/// Where a case came from: a visit, or an inspection's failed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct CaseSource {
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub item: Option<String>,
}

/// One step of a case's append-only timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    #[serde(default)]
    pub id: String,
    pub action: CaseAction,
    #[serde(default)]
    pub at: String,
    #[serde(default)]
    pub by: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<EscalationLevel>,
    #[serde(default)]
    pub photos: Vec<String>,
    /// The handling party a supervisor dispatched the case to (派遣), on that entry.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[uniffi(default = "")]
    pub dispatch_to: String,
    /// The date the handling party must act by, with `dispatch_to`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[uniffi(default = "")]
    pub handle_by: String,
    /// The handling party whose result a `resolve` entry records.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[uniffi(default = "")]
    pub handler: String,
}

/// A case (事件). `deadline` empty means the community's policy for category and severity;
/// the timeline starts with its report, which the store adds when empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub category: CaseCategory,
    #[serde(default)]
    #[uniffi(default = "")]
    pub subcategory: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub subject: Option<Subject>,
    #[serde(default)]
    pub severity: Severity,
    #[serde(default)]
    #[uniffi(default = "")]
    pub reported_at: String,
    #[serde(default)]
    #[uniffi(default = "")]
    pub deadline: String,
    #[serde(default)]
    #[uniffi(default = [])]
    pub photos: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub source: Option<CaseSource>,
    #[serde(default)]
    #[uniffi(default = [])]
    pub timeline: Vec<TimelineEntry>,
}

/// A transition asked of a case: `reason` is required to return it, `escalate_to` to
/// escalate it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseTransition {
    pub action: CaseAction,
    #[uniffi(default = "")]
    pub note: String,
    #[uniffi(default = "")]
    pub reason: String,
    #[uniffi(default = None)]
    pub escalate_to: Option<EscalationLevel>,
    #[uniffi(default = [])]
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum DisputeType {
    Neighbour,
    Family,
    Marriage,
    Labour,
    Property,
    Land,
    Other,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    #[default]
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum MediationResult {
    Agreement,
    Partial,
    Failed,
    ReferredJudicialOffice,
    ReferredCourt,
    ReferredPolice,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Party {
    #[serde(default)]
    #[uniffi(default = "")]
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub household_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct MediationSession {
    #[serde(default)]
    #[uniffi(default = "")]
    pub id: String,
    pub date: String,
    #[serde(default)]
    #[uniffi(default = [])]
    pub participants: Vec<String>,
    #[serde(default)]
    #[uniffi(default = "")]
    pub outcome: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub party_id: String,
    /// The attachment hash of the signature image.
    pub blob: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    #[serde(default)]
    #[uniffi(default = "")]
    pub id: String,
    pub due: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub done_on: Option<String>,
    #[serde(default)]
    #[uniffi(default = "")]
    pub note: String,
}

/// A dispute mediation (矛盾调解). `narrative` and `agreement_text` merge character by
/// character when two mediators write at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Mediation {
    pub dispute_type: DisputeType,
    #[serde(default)]
    #[uniffi(default = [])]
    pub parties: Vec<Party>,
    #[serde(default)]
    pub risk_level: RiskLevel,
    pub opened_on: String,
    #[serde(default)]
    #[uniffi(default = "")]
    pub narrative: String,
    #[serde(default)]
    #[uniffi(default = [])]
    pub sessions: Vec<MediationSession>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub result: Option<MediationResult>,
    #[serde(default)]
    #[uniffi(default = "")]
    pub agreement_text: String,
    #[serde(default)]
    #[uniffi(default = [])]
    pub signatures: Vec<Signature>,
    #[serde(default)]
    #[uniffi(default = [])]
    pub follow_ups: Vec<FollowUp>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    #[default]
    PolicyPublicity,
    Culture,
    Sports,
    Training,
}

/// A community activity (活动).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub topic: String,
    #[serde(default)]
    pub activity_type: ActivityType,
    pub held_on: String,
    #[serde(default)]
    #[uniffi(default = "")]
    pub venue: String,
    #[serde(default)]
    #[uniffi(default = 0)]
    pub participants: u32,
    #[serde(default)]
    #[uniffi(default = "")]
    pub notes: String,
    #[serde(default)]
    #[uniffi(default = [])]
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    #[default]
    Draft,
    Completed,
}

/// What an answer holds: `"pass"`/`"fail"`/`"na"`, a text or one choice as `Text`; a
/// reading as `Number`; several choices, or a photo item's attachment hashes, as `Items`
/// (not `List`, which would shadow Kotlin's `List`).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum AnswerValue {
    Text { text: String },
    Number { number: f64 },
    Items { items: Vec<String> },
}

/// One checklist item's answer, with photos taken as evidence (a blocked exit).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Answer {
    pub value: AnswerValue,
    #[uniffi(default = [])]
    pub photos: Vec<String>,
}

/// What the inspector did about a failed item: the hazard case raised, or why none is needed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct FailAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub case_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub note: Option<String>,
}

/// A safety inspection run against an installed checklist template. It cannot be
/// `Completed` while a required item is unanswered, a required photo is missing, or a failed
/// item has neither a hazard case nor a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    pub template_id: String,
    pub template_version: u32,
    pub subject: Subject,
    #[serde(default)]
    #[uniffi(default = "")]
    pub inspected_at: String,
    #[serde(default)]
    #[uniffi(default = "")]
    pub inspector: String,
    /// By checklist item id.
    #[serde(default)]
    #[uniffi(default)]
    pub answers: HashMap<String, Answer>,
    #[serde(default)]
    #[uniffi(default)]
    pub actions: HashMap<String, FailAction>,
    #[serde(default)]
    #[uniffi(default = [])]
    pub photos: Vec<String>,
    #[serde(default)]
    pub status: InspectionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[uniffi(default = None)]
    pub completed_at: Option<String>,
}

/// Core's JSON for an answer: a bare value, or `{"value", "photos"}` when photos are attached.
impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value = match &self.value {
            AnswerValue::Text { text } => serde_json::json!(text),
            AnswerValue::Number { number } => serde_json::json!(number),
            AnswerValue::Items { items } => serde_json::json!(items),
        };
        if self.photos.is_empty() {
            value.serialize(s)
        } else {
            serde_json::json!({"value": value, "photos": self.photos}).serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let json = serde_json::Value::deserialize(d)?;
        let (value, photos) = match json {
            serde_json::Value::Object(mut map) => {
                let photos = match map.remove("photos") {
                    Some(p) => serde_json::from_value(p).map_err(D::Error::custom)?,
                    None => Vec::new(),
                };
                (map.remove("value").unwrap_or_default(), photos)
            }
            other => (other, Vec::new()),
        };
        let value = match value {
            serde_json::Value::String(text) => AnswerValue::Text { text },
            serde_json::Value::Number(n) => AnswerValue::Number {
                number: n
                    .as_f64()
                    .ok_or_else(|| D::Error::custom("answer is not a finite number"))?,
            },
            list @ serde_json::Value::Array(_) => AnswerValue::Items {
                items: serde_json::from_value(list).map_err(D::Error::custom)?,
            },
            _ => return Err(D::Error::custom("answer is not a text, number or list")),
        };
        Ok(Answer { value, photos })
    }
}

#[cfg(test)]
mod tests {
    use gridkeeper_core::kinds::case::{EscalationLevel as CoreLevel, TimelineEntry as CoreEntry};
    use gridkeeper_core::kinds::case_flow::CaseAction as CoreAction;

    use super::TimelineEntry;

    /// The phones read a case's timeline through this mirror of core's entry, which refuses
    /// unknown fields: every field core writes must be one it reads (a dispatched case once
    /// failed to open on the phone because the mirror lacked `dispatch_to`).
    #[test]
    fn every_field_of_cores_timeline_entry_is_read() {
        let core = CoreEntry {
            id: "e1".into(),
            action: CoreAction::Accept,
            at: "2026-12-07T02:00:00Z".into(),
            by: "李建国".into(),
            note: "请尽快处置".into(),
            reason: "r".into(),
            escalate_to: Some(CoreLevel::Street),
            photos: vec!["a".repeat(64)],
            dispatch_to: "物业服务中心".into(),
            handle_by: "2026-12-10".into(),
            handler: "物业服务中心".into(),
        };
        let json = serde_json::to_value(&core).unwrap_or_default();
        let read: Result<TimelineEntry, _> = serde_json::from_value(json.clone());
        let Ok(read) = read else {
            panic!("the mirror refuses what core writes: {json}");
        };
        assert_eq!(serde_json::to_value(&read).unwrap_or_default(), json);
    }
}
