//! Operations that span records or follow a kind's own rules: a visit that raises a case in
//! the same step, and case transitions checked against the closed loop.

use serde_json::Value as Json;

use super::Store;
use crate::error::{Invalid, Result};
use crate::ids::RecordId;
use crate::kinds::case::{Case, CaseSource, TimelineEntry};
use crate::kinds::case_flow::CaseState;
use crate::kinds::{Kind, Visit};

impl Store {
    /// Records a visit and the case it raised, atomically: the visit lists the case and the
    /// case names the visit as its source.
    pub fn create_visit_raising_case(
        &mut self,
        grid: &str,
        visit: Json,
        case: Json,
    ) -> Result<(RecordId, RecordId)> {
        // Ids are given up front so each record can point at the other in its first change.
        let mut visit: Visit = crate::record::from_json(visit)?;
        let mut case: Case = crate::record::from_json(case).map_err(|e| e.within("case"))?;
        let case_id = RecordId::new();
        let visit_id = RecordId::new();
        visit.raised_cases.push(case_id.to_string());
        if case.subject.is_none() {
            case.subject = Some(visit.subject.clone());
        }
        case.source = Some(CaseSource {
            kind: "visit".into(),
            id: visit_id.to_string(),
            item: None,
        });
        let to_json =
            |v: serde_json::Result<Json>| v.map_err(|e| Invalid::new("data", e.to_string()));
        let ids = self.create_many_with_ids(vec![
            (
                visit_id,
                Kind::Visit,
                grid.to_string(),
                to_json(serde_json::to_value(&visit))?,
            ),
            (
                case_id,
                Kind::Case,
                grid.to_string(),
                to_json(serde_json::to_value(&case))?,
            ),
        ])?;
        Ok((ids[0], ids[1]))
    }

    /// Appends a transition to a case's timeline if it is legal from the current state;
    /// returns the new state.
    pub fn case_transition(&mut self, id: RecordId, entry: TimelineEntry) -> Result<CaseState> {
        let ctx = self.context()?;
        let mut outcome: Result<CaseState, Invalid> = Err(Invalid::new("action", "not applied"));
        self.update::<Case>(id, |case| outcome = case.act(entry, &ctx))?;
        Ok(outcome?)
    }
}
