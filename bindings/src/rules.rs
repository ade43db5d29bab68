//! Core's rules asked before anything is written, so a form can follow them as the worker
//! types: which case actions are legal from a state, and what a checklist run shows and
//! still lacks. Each call converts and asks core; no rule is restated here.

use std::collections::HashMap;

use gridkeeper_core::checklist;
use gridkeeper_core::kinds::case_flow;

use crate::errors::{GridkeeperError, Result};
use crate::records::{CaseAction, CaseState, Inspection};
use crate::store::GridStore;

/// The actions a worker may take on a case in `state`, in the order a screen shows them
/// (`Comment` last; `Report` never — it only opens a case).
#[uniffi::export]
pub fn case_actions(state: CaseState) -> Result<Vec<CaseAction>> {
    let from: case_flow::CaseState = GridStore::parse("case state", GridStore::json(&state)?)?;
    case_flow::CaseAction::ALL
        .into_iter()
        .filter(|action| case_flow::next(from, *action).is_some())
        .map(|action| GridStore::parse("case action", GridStore::json(&action)?))
        .collect()
}

/// Why an item stops an inspection from completing, for a screen to word in its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Unanswered,
    MissingPhoto,
    FailedWithoutAction,
    InvalidAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, uniffi::Record)]
pub struct ItemProblem {
    pub item: String,
    pub kind: ProblemKind,
    pub reason: String,
}

/// A checklist run as the rules see it now: the items shown (conditions applied), the
/// failed ones, and what still stops completion (empty when it can be completed).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InspectionCheck {
    pub visible_items: Vec<String>,
    pub failed_items: Vec<String>,
    pub problems: Vec<ItemProblem>,
}

#[uniffi::export]
impl GridStore {
    /// Checks an unsaved inspection against its installed template, writing nothing.
    /// `Invalid` with field `template_version` when that template is not installed.
    pub fn check_inspection(&self, inspection: Inspection) -> Result<InspectionCheck> {
        let run: gridkeeper_core::kinds::Inspection =
            GridStore::parse("an inspection", GridStore::json(&inspection)?)?;
        let (visible, failed, problems) = self.read(|s| {
            let template = s
                .template(&run.template_id, run.template_version)
                .ok_or_else(|| GridkeeperError::Invalid {
                    field: "template_version".into(),
                    reason: "this checklist template version is not installed on the device".into(),
                })?;
            let answers: HashMap<_, _> = run
                .answers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let visible: Vec<String> = checklist::visible_items(template, &answers)
                .into_iter()
                .map(|item| item.id.clone())
                .collect();
            Ok((visible, run.failed_items(template), run.problems(template)))
        })?;
        Ok(InspectionCheck {
            visible_items: visible,
            failed_items: failed,
            problems: problems
                .into_iter()
                .map(|p| GridStore::parse("a problem", GridStore::json(&p)?))
                .collect::<Result<_>>()?,
        })
    }
}

/// An ID number as lists and displays show it: region code and last four (110105********002X).
#[uniffi::export]
pub fn mask_id_number(value: String) -> String {
    gridkeeper_core::mask::id_number(&value)
}

/// A phone number as lists and displays show it (138****5678).
#[uniffi::export]
pub fn mask_phone(value: String) -> String {
    gridkeeper_core::mask::phone(&value)
}
