//! One household: where it is, who lives there (ID and phone numbers masked until the worker
//! asks to see one — PIPL: no more than the task needs), who has left and when, its visits,
//! and whether conflicts wait. Marking a member as moved out or deceased happens here, as an
//! edit, never as a removal (see core's `Member::left`).

use gridkeeper_core::kinds::Household;
use gridkeeper_core::kinds::household::{Departure, LeftReason, Member};
use gridkeeper_core::{RecordId, Store, mask};
use serde::Serialize;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, key_of, t, t1};
use crate::times;

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum HouseholdDetailEvent {
    Load,
    /// Show (or hide again) one member's full ID and phone numbers.
    Reveal {
        member_id: String,
    },
    /// The person no longer lives here: why, and since when (`YYYY-MM-DD`).
    MarkLeft {
        member_id: String,
        reason: LeftWhy,
        on: String,
    },
    Edit,
    Visit {
        member_id: Option<String>,
    },
    ShowConflicts,
    /// Report a case (an appeal, an errand) about the household.
    ReportCase,
    /// The next page of the household's visits.
    MoreVisits,
}

/// Visits shown at first, and added by each `MoreVisits`: a household visited weekly for
/// years would otherwise be hundreds of rows read and drawn to open its page.
pub const VISITS_PAGE: usize = 20;

/// Why someone no longer lives here (core's `LeftReason`, as the screen offers it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum LeftWhy {
    MovedOut,
    Deceased,
    Other,
}

impl From<LeftWhy> for LeftReason {
    fn from(w: LeftWhy) -> LeftReason {
        match w {
            LeftWhy::MovedOut => LeftReason::MovedOut,
            LeftWhy::Deceased => LeftReason::Deceased,
            LeftWhy::Other => LeftReason::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdMemberLine {
    pub id: String,
    pub name: String,
    pub relation: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub tags: Vec<String>,
    pub revealed: bool,
    /// `已迁出 2026-11-30`, for someone who no longer lives here.
    pub left: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdVisitLine {
    pub id: String,
    pub when: String,
    pub worker: String,
    pub purpose: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct HouseholdDetailView {
    pub loading: bool,
    pub address: String,
    /// Those who live here, then those who have left.
    pub members: Vec<HouseholdMemberLine>,
    pub tags: Vec<String>,
    pub notes: String,
    /// The newest visits, `VISITS_PAGE` more for each `MoreVisits`.
    pub visits: Vec<HouseholdVisitLine>,
    /// `再显示 20 次走访`, when older visits are not shown yet.
    pub more_visits: Option<String>,
    /// `2 处冲突待处理`, when any wait.
    pub conflicts_text: Option<String>,
    pub error: Option<String>,
    /// The field an error is about (`members[1].left.on`), to show it under that field.
    pub error_field: Option<String>,
}

#[derive(Debug)]
pub struct HouseholdDetail {
    id: RecordId,
    lang: Lang,
    revealed: Vec<String>,
    /// How many of its visits the page shows.
    visits_shown: usize,
    view: HouseholdDetailView,
}

impl HouseholdDetail {
    pub fn new(id: RecordId, lang: Lang) -> HouseholdDetail {
        HouseholdDetail {
            id,
            lang,
            revealed: Vec::new(),
            visits_shown: VISITS_PAGE,
            view: HouseholdDetailView {
                loading: true,
                ..HouseholdDetailView::default()
            },
        }
    }

    pub fn view(&self) -> &HouseholdDetailView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: HouseholdDetailEvent) -> Vec<Effect> {
        let id = self.id.to_string();
        match event {
            HouseholdDetailEvent::Load => {}
            HouseholdDetailEvent::Reveal { member_id } => {
                if let Some(i) = self.revealed.iter().position(|m| *m == member_id) {
                    self.revealed.remove(i);
                } else {
                    self.revealed.push(member_id);
                }
            }
            HouseholdDetailEvent::MarkLeft {
                member_id,
                reason,
                on,
            } => {
                let marked = store.update::<Household>(self.id, |h| {
                    if let Some(m) = h.members.iter_mut().find(|m| m.id == member_id) {
                        m.left = Some(Departure {
                            reason: reason.into(),
                            on,
                        });
                    }
                });
                match marked {
                    Ok(_) => {
                        self.load(store);
                        return vec![Effect::RecordsChanged { ids: vec![id] }];
                    }
                    Err(e) => {
                        self.load(store);
                        if let gridkeeper_core::Error::Invalid(i) = &e {
                            self.view.error_field = Some(i.field.clone());
                        }
                        self.view.error = Some(error_words(&e, self.lang));
                        return Vec::new();
                    }
                }
            }
            HouseholdDetailEvent::Edit => return vec![Effect::EditHousehold { id }],
            HouseholdDetailEvent::Visit { member_id } => {
                return vec![Effect::StartVisit {
                    household_id: id,
                    member_id,
                }];
            }
            HouseholdDetailEvent::ShowConflicts => {
                return vec![Effect::OpenConflicts { record_id: id }];
            }
            HouseholdDetailEvent::ReportCase => {
                return vec![Effect::ReportCase {
                    subject_kind: crate::cases::CaseReportSubjectKind::Household,
                    subject_id: id,
                }];
            }
            HouseholdDetailEvent::MoreVisits => self.visits_shown += VISITS_PAGE,
        }
        self.load(store);
        Vec::new()
    }

    fn load(&mut self, store: &mut Store) {
        let lang = self.lang;
        let record = match store.get::<Household>(self.id) {
            Ok(r) => r,
            Err(e) => {
                self.view.loading = false;
                // Opened from a visit that names it after it moved away: say where it went.
                let moved = matches!(e, gridkeeper_core::Error::NotFound(_))
                    && matches!(store.moved_to(&self.id.to_string()), Ok(Some(_)));
                self.view.error = Some(if moved {
                    t("error.moved_away", lang)
                } else {
                    error_words(&e, lang)
                });
                return;
            }
        };
        let conflicts = store.conflicts(self.id).map(|c| c.len()).unwrap_or(0);
        let (visits, all_visits) = store
            .visits_of(&self.id.to_string(), self.visits_shown, 0)
            .unwrap_or_default();
        let more_visits = (all_visits > visits.len()).then(|| {
            t1(
                "detail.more_visits",
                lang,
                (all_visits - visits.len()).min(VISITS_PAGE),
            )
        });
        let visits = visits
            .into_iter()
            .map(|v| HouseholdVisitLine {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                when: times::local(v["visited_at"].as_str().unwrap_or_default()),
                worker: v["worker"].as_str().unwrap_or_default().to_string(),
                purpose: v["purpose"]
                    .as_str()
                    .map(|p| t(&format!("purpose.{p}"), lang))
                    .unwrap_or_default(),
            })
            .collect();
        let h = record.data;
        let a = &h.address;
        let part = |key: &str, value: &str| {
            if value.is_empty() {
                String::new()
            } else {
                t1(key, lang, value)
            }
        };
        let address = [
            a.compound.clone(),
            part("detail.building", &a.building),
            part("detail.unit", &a.unit),
            a.room.clone(),
            a.text.clone(),
        ]
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        let mut members: Vec<&Member> = h.members.iter().collect();
        // Those who live here first; the order within each stays the register's.
        members.sort_by_key(|m| !m.present());
        let members = members
            .into_iter()
            .map(|m| {
                let open = self.revealed.contains(&m.id);
                let show = |v: &Option<String>, hide: fn(&str) -> String| {
                    v.as_deref()
                        .map(|v| if open { v.to_string() } else { hide(v) })
                };
                HouseholdMemberLine {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    relation: t(&format!("relation.{}", key_of(&m.relation)), lang),
                    id_number: show(&m.id_number, mask::id_number),
                    phone: show(&m.phone, mask::phone),
                    tags: m
                        .tags
                        .iter()
                        .map(|tag| t(&format!("tag.{}", tag.as_str()), lang))
                        .collect(),
                    revealed: open,
                    left: m
                        .left
                        .as_ref()
                        .map(|l| t1(&format!("left.{}", key_of(&l.reason)), lang, &l.on)),
                }
            })
            .collect();
        self.view = HouseholdDetailView {
            loading: false,
            address,
            members,
            tags: h.tags,
            notes: h.notes,
            visits,
            more_visits,
            conflicts_text: (conflicts > 0).then(|| t1("detail.conflicts", lang, conflicts)),
            error: None,
            error_field: None,
        };
    }
}
