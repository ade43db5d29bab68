//! Operations that span records or follow a kind's own rules: a visit that raises a case in
//! the same step, and case transitions checked against the closed loop.

use serde_json::Value as Json;

use super::Store;
use crate::error::{Invalid, Result};
use crate::ids::RecordId;
use crate::kinds::case::{Case, CaseSource, TimelineEntry};
use crate::kinds::case_flow::CaseState;
use crate::kinds::inspection::Inspection;
use crate::kinds::{Kind, Visit};
use crate::record;

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

    /// Raises the hazard case for a failed checklist item and records it on the inspection,
    /// atomically. Category, hazard kind and severity come from the template item.
    pub fn raise_case_for_item(
        &mut self,
        inspection: RecordId,
        item: &str,
        description: &str,
    ) -> Result<RecordId> {
        let ctx = self.context()?;
        let mut loaded = super::records::load(&self.conn, inspection, &self.actor)?;
        if loaded.env.kind != Kind::Inspection {
            return Err(crate::Error::WrongKind {
                id: inspection.to_string(),
                expected: "inspection".into(),
                actual: loaded.env.kind.to_string(),
            });
        }
        let mut current: Inspection = record::hydrate(&loaded.doc, &loaded.env)?;
        let template = current.template(&ctx)?.clone();
        let template_item = template
            .item(item)
            .ok_or_else(|| Invalid::new("item", "is not an item of this checklist"))?;
        if !current.failed_items(&template).iter().any(|f| f == item) {
            return Err(Invalid::new(
                "item",
                "has not failed; a hazard case is raised for failed items",
            )
            .into());
        }
        let description = if description.trim().is_empty() {
            template_item.label.clone()
        } else {
            description.to_string()
        };
        let severity = template_item
            .severity_if_failed
            .map(|s| serde_json::to_value(s).unwrap_or_default())
            .unwrap_or_else(|| serde_json::json!("medium"));
        let case_id = RecordId::new();
        let case = serde_json::json!({
            "category": "hazard",
            "subcategory": template_item.hazard_category.clone().unwrap_or_default(),
            "severity": severity,
            "description": description,
            "subject": current.subject,
            "source": {"kind": "inspection", "id": inspection.to_string(), "item": item},
        });
        let mut new_case =
            self.build_new(case_id, Kind::Case, &loaded.env.grid.clone(), case, &ctx)?;
        current.actions.entry(item.to_string()).or_default().case_id = Some(case_id.to_string());
        let data =
            serde_json::to_value(&current).map_err(|e| Invalid::new("data", e.to_string()))?;
        let data = super::records::stage_data(&mut loaded, data, &ctx)?;
        let mut edit = self.finish_edit(loaded, Some(data));
        self.write(|tx| {
            new_case.persist(tx)?;
            if let Some(edit) = edit.as_mut() {
                edit.persist(tx)?;
            }
            Ok(())
        })?;
        Ok(case_id)
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
