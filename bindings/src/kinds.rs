//! Create, read, update and list for each record kind: the same four calls seven times,
//! typed per kind so an app cannot hand a place to `createHousehold`.

use serde_json::Value as Json;

use crate::errors::Result;
use crate::records::{Activity, Case, Household, Inspection, Mediation, Place, Visit};
use crate::store::{GridStore, Stored};
use crate::views::{
    ActivityRecord, ActivitySummary, CaseRecord, CaseSummary, HouseholdRecord, HouseholdSummary,
    InspectionProblem, InspectionRecord, InspectionSummary, MediationRecord, MediationSummary,
    PlaceRecord, PlaceSummary, RecordKind, VisitAndCase, VisitRecord, VisitSummary,
};

/// A kind's stored form, built from what core returns.
trait FromStored: Sized {
    fn from_stored(stored: Stored) -> Result<Self>;
}

macro_rules! plain_record {
    ($record:ident, $what:literal) => {
        impl FromStored for $record {
            fn from_stored(s: Stored) -> Result<Self> {
                Ok($record {
                    data: s.data($what)?,
                    id: s.id,
                    grid: s.grid,
                    archived: s.archived,
                    created_at: s.created_at,
                })
            }
        }
    };
}

plain_record!(HouseholdRecord, "a household");
plain_record!(PlaceRecord, "a place");
plain_record!(VisitRecord, "a visit");
plain_record!(ActivityRecord, "an activity");

impl FromStored for CaseRecord {
    fn from_stored(s: Stored) -> Result<Self> {
        Ok(CaseRecord {
            data: s.data("a case")?,
            state: GridStore::parse("a case state", s.derived["state"].clone())?,
            overdue: s.derived["overdue"].as_bool().unwrap_or(false),
            id: s.id,
            grid: s.grid,
            archived: s.archived,
            created_at: s.created_at,
        })
    }
}

impl FromStored for InspectionRecord {
    fn from_stored(s: Stored) -> Result<Self> {
        let list = |key: &str| s.derived.get(key).cloned().unwrap_or(Json::Array(vec![]));
        Ok(InspectionRecord {
            data: s.data("an inspection")?,
            failed_items: GridStore::parse("failed items", list("failed_items"))?,
            problems: GridStore::parse::<Vec<InspectionProblem>>("problems", list("problems"))?,
            template_missing: s.derived["template_missing"].as_bool().unwrap_or(false),
            id: s.id,
            grid: s.grid,
            archived: s.archived,
            created_at: s.created_at,
        })
    }
}

impl FromStored for MediationRecord {
    fn from_stored(s: Stored) -> Result<Self> {
        Ok(MediationRecord {
            data: s.data("a mediation")?,
            needs_escalation: s.derived["needs_escalation"].as_bool().unwrap_or(false),
            next_follow_up: s.derived["next_follow_up"].as_str().map(String::from),
            id: s.id,
            grid: s.grid,
            archived: s.archived,
            created_at: s.created_at,
        })
    }
}

macro_rules! kind_calls {
    (
        $kind:ident, $data:ident, $record:ident, $summary:ident,
        $create:ident, $get:ident, $update:ident, $list:ident
    ) => {
        #[uniffi::export]
        impl GridStore {
            /// Creates a record of this kind in `grid`; core validates it first (nothing is written
            /// on error: `Invalid` names the field). Returns the new id.
            pub fn $create(&self, grid: String, data: $data) -> Result<String> {
                self.create_typed(gridkeeper_core::Kind::$kind, &grid, &data)
            }

            /// The record with this id, unmasked, with its envelope and derived values.
            pub fn $get(&self, id: String) -> Result<$record> {
                $record::from_stored(self.load(&id, gridkeeper_core::Kind::$kind)?)
            }

            /// Saves an edit: `original` is the record as read, `edited` its new fields. Only fields
            /// that differ are written, so changes merged meanwhile from other devices survive.
            /// Returns whether anything changed.
            pub fn $update(&self, original: $record, edited: $data) -> Result<bool> {
                self.update_typed(
                    &original.id,
                    gridkeeper_core::Kind::$kind,
                    &original.data,
                    &edited,
                )
            }

            /// Lines of this kind's list, optionally within a grid and matching a search; archived
            /// records are left out.
            pub fn $list(
                &self,
                grid: Option<String>,
                search: Option<String>,
            ) -> Result<Vec<$summary>> {
                self.list_of(RecordKind::$kind, grid, search)
            }
        }
    };
}

kind_calls!(
    Household,
    Household,
    HouseholdRecord,
    HouseholdSummary,
    create_household,
    get_household,
    update_household,
    list_households
);
kind_calls!(
    Place,
    Place,
    PlaceRecord,
    PlaceSummary,
    create_place,
    get_place,
    update_place,
    list_places
);
kind_calls!(
    Visit,
    Visit,
    VisitRecord,
    VisitSummary,
    create_visit,
    get_visit,
    update_visit,
    list_visits
);
kind_calls!(
    Inspection,
    Inspection,
    InspectionRecord,
    InspectionSummary,
    create_inspection,
    get_inspection,
    update_inspection,
    list_inspections
);
kind_calls!(
    Case,
    Case,
    CaseRecord,
    CaseSummary,
    create_case,
    get_case,
    update_case,
    list_cases
);
kind_calls!(
    Mediation,
    Mediation,
    MediationRecord,
    MediationSummary,
    create_mediation,
    get_mediation,
    update_mediation,
    list_mediations
);
kind_calls!(
    Activity,
    Activity,
    ActivityRecord,
    ActivitySummary,
    create_activity,
    get_activity,
    update_activity,
    list_activities
);

#[uniffi::export]
impl GridStore {
    /// Records a visit and the case it raised in one step: the visit lists the case, the
    /// case names the visit as its source (and its subject, unless the case has its own).
    pub fn create_visit_raising_case(
        &self,
        grid: String,
        visit: Visit,
        case: Case,
    ) -> Result<VisitAndCase> {
        let (visit_id, case_id) =
            self.create_pair(&grid, GridStore::json(&visit)?, GridStore::json(&case)?)?;
        Ok(VisitAndCase { visit_id, case_id })
    }
}
