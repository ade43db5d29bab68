//! Inspections (安全巡查): a checklist template run at a place or household. The answers are
//! checked against the exact template version; an inspection cannot be marked completed while
//! a required item is unanswered, a required photo is missing, or a failed item has neither
//! a hazard case nor a note — the "require action" rule inspectors rely on.

use std::collections::{BTreeMap, HashMap};

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use super::Kind;
use super::common::{Subject, blob_hashes, instant};
use crate::checklist::{self, Answer, ChecklistTemplate, FailAction};
use crate::error::Invalid;
use crate::record::{Context, Envelope, RecordKind, SearchEntry};
use crate::validate;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    #[default]
    Draft,
    Completed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    pub template_id: String,
    pub template_version: u32,
    pub subject: Subject,
    /// When; empty means now.
    #[serde(default)]
    pub inspected_at: String,
    /// Defaults to the signed-in user.
    #[serde(default)]
    pub inspector: String,
    /// By checklist item id.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// What was done about each failed item: the hazard case raised, or a note.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actions: BTreeMap<String, FailAction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    #[serde(default)]
    pub status: InspectionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
}

impl Inspection {
    pub fn template<'a>(&self, ctx: &'a Context) -> Result<&'a ChecklistTemplate, Invalid> {
        ctx.templates
            .get(&(self.template_id.clone(), self.template_version))
            .ok_or_else(|| {
                Invalid::new(
                    "template_version",
                    "this checklist template version is not installed on the device",
                )
            })
    }

    fn answers_map(&self) -> HashMap<String, Answer> {
        self.answers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// What stands between this inspection and completion, in the template's terms.
    pub fn problems(&self, template: &ChecklistTemplate) -> Vec<checklist::Problem> {
        let actions: HashMap<String, FailAction> = self
            .actions
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        checklist::completion_problems(template, &self.answers_map(), &actions)
    }

    pub fn failed_items(&self, template: &ChecklistTemplate) -> Vec<String> {
        checklist::failed_items(template, &self.answers_map())
            .into_iter()
            .map(|i| i.id.clone())
            .collect()
    }
}

impl RecordKind for Inspection {
    const KIND: Kind = Kind::Inspection;
    const TABLES: &'static [&'static str] = &["inspections"];
    const CHECKS_EDITS: bool = true;

    fn prepare(&mut self, ctx: &Context) -> Result<(), Invalid> {
        self.subject.prepare("subject")?;
        self.inspected_at = instant("inspected_at", &self.inspected_at, ctx.now)?;
        if self.inspector.trim().is_empty() {
            self.inspector = ctx.user.clone().unwrap_or_default();
        }
        self.inspector = validate::person("inspector", &self.inspector, 50)?;
        blob_hashes("photos", &mut self.photos)?;
        let template = self.template(ctx)?.clone();
        for (item_id, answer) in &self.answers {
            let field = format!("answers.{item_id}");
            let item = template
                .item(item_id)
                .ok_or_else(|| Invalid::new(field.clone(), "is not an item of this checklist"))?;
            checklist::check_answer(item, answer)
                .map_err(|e| Invalid::new(format!("answers.{}", e.field), e.reason))?;
        }
        for (item_id, action) in &mut self.actions {
            if template.item(item_id).is_none() {
                return Err(Invalid::new(
                    format!("actions.{item_id}"),
                    "is not an item of this checklist",
                ));
            }
            if let Some(case) = &action.case_id {
                case.parse::<crate::RecordId>().map_err(|_| {
                    Invalid::new(format!("actions.{item_id}.case_id"), "is not a record id")
                })?;
            }
            if let Some(note) = action.note.take() {
                action.note = Some(validate::text(
                    &format!("actions.{item_id}.note"),
                    &note,
                    1000,
                )?)
                .filter(|n| !n.is_empty());
            }
        }
        match self.status {
            InspectionStatus::Draft => self.completed_at = None,
            InspectionStatus::Completed => {
                if let Some(p) = self.problems(&template).first() {
                    return Err(Invalid::new(
                        format!("answers.{}", p.item),
                        format!("cannot complete the inspection: {}", p.reason),
                    ));
                }
                if self.completed_at.is_none() {
                    self.completed_at = Some(ctx.now_text());
                }
            }
        }
        Ok(())
    }

    /// A completed inspection is the record of what was found that day: it is not reopened.
    fn check_edit(old: &Self, new: &Self, _ctx: &Context) -> Result<(), Invalid> {
        if old.status == InspectionStatus::Completed
            && (new.answers != old.answers || new.status != old.status)
        {
            return Err(Invalid::new(
                "status",
                "a completed inspection cannot be changed; run a new one",
            ));
        }
        if new.template_id != old.template_id || new.template_version != old.template_version {
            return Err(Invalid::new(
                "template_version",
                "an inspection keeps the checklist it was started with",
            ));
        }
        Ok(())
    }

    fn derived(&self, ctx: &Context) -> Json {
        match self.template(ctx) {
            Ok(t) => {
                json!({"failed_items": self.failed_items(t), "problems": self.problems(t).iter().map(|p| json!({"item": p.item, "reason": p.reason})).collect::<Vec<_>>()})
            }
            Err(_) => json!({"template_missing": true}),
        }
    }

    fn mask(&mut self) {}

    fn project(
        &self,
        env: &Envelope,
        tx: &rusqlite::Transaction<'_>,
    ) -> rusqlite::Result<SearchEntry> {
        // Failed items are counted from the stored answers and the template, when installed.
        let failed = tx
            .query_row(
                "SELECT json FROM templates WHERE id = ?1 AND version = ?2",
                params![self.template_id, self.template_version],
                |r| r.get::<_, String>(0),
            )
            .ok()
            .and_then(|j| serde_json::from_str::<ChecklistTemplate>(&j).ok())
            .map(|t| self.failed_items(&t).len())
            .unwrap_or(0);
        tx.prepare_cached(
            "INSERT INTO inspections (record_id, grid, archived, template_id, template_version, subject_kind, subject_id, inspected_at, status, failed_count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            env.id.to_string(),
            env.grid,
            env.archived,
            self.template_id,
            self.template_version,
            self.subject.kind.as_str(),
            self.subject.id,
            self.inspected_at,
            if self.status == InspectionStatus::Completed { "completed" } else { "draft" },
            failed as i64,
        ])?;
        let mut attachments = self.photos.clone();
        for answer in self.answers.values() {
            attachments.extend(answer.evidence().iter().cloned());
            if let checklist::Value::List(values) = answer.value() {
                attachments.extend(
                    values
                        .iter()
                        .filter(|v| crate::store::is_blob_hash(v))
                        .cloned(),
                );
            }
        }
        Ok(SearchEntry {
            attachments,
            ..SearchEntry::default()
        })
    }
}
