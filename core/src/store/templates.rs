//! Checklist templates on the device. Supervisors publish them; a device installs each
//! (id, version) once and never edits it, so every inspection is judged against exactly the
//! checklist it was run with.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::Store;
use crate::checklist::{self, ChecklistTemplate, ImportReport, Templates};
use crate::error::{Error, Invalid, Result};
use crate::wire::WireTemplate;

pub(super) fn read_all(conn: &Connection) -> Result<Templates> {
    let mut stmt = conn.prepare("SELECT id, version, json FROM templates")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Templates::new();
    for row in rows {
        let (id, version, json) = row?;
        let template: ChecklistTemplate =
            serde_json::from_str(&json).map_err(|_| Error::Document {
                id: format!("template {id} v{version}"),
                reason: "stored template does not parse".into(),
            })?;
        out.insert((id, version), template);
    }
    Ok(out)
}

/// Stores a validated template in `tx`: `Ok(true)` when newly installed, `Ok(false)` when the
/// same content is already there, an error when that (id, version) holds different content.
fn install_in(tx: &Transaction<'_>, template: &ChecklistTemplate, json: &str) -> Result<bool> {
    let existing: Option<String> = tx
        .query_row(
            "SELECT json FROM templates WHERE id = ?1 AND version = ?2",
            params![template.id, template.version],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(old) if old == json => Ok(false),
        Some(_) => Err(Invalid::new(
            "version",
            "this template version is already installed with different content; publish a new version",
        )
        .into()),
        None => {
            tx.execute(
                "INSERT INTO templates (id, version, json) VALUES (?1, ?2, ?3)",
                params![template.id, template.version, json],
            )?;
            Ok(true)
        }
    }
}

/// The `meta` key holding the highest publish position of templates received from the server.
pub(super) const TEMPLATES_SEQ: &str = "templates_seq";

/// What became of templates a sync reply delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveredTemplates {
    /// Newly installed (id, version).
    pub installed: Vec<(String, u32)>,
    /// Versions this device could not take, with the reason: a definition this build cannot
    /// read, or an (id, version) already installed here with other content (a local import).
    /// They are skipped, not retried: the server's copy of a published version never changes.
    pub refused: Vec<(String, u32, String)>,
}

impl Store {
    /// Installs a template. Installing the same (id, version) again is a no-op when it is
    /// identical and an error when it differs: a published version never changes.
    pub fn install_template(&mut self, template: &ChecklistTemplate) -> Result<()> {
        template.validate()?;
        let json =
            serde_json::to_string(template).map_err(|e| Invalid::new("template", e.to_string()))?;
        let installed = self.write(|tx| install_in(tx, template, &json))?;
        if installed {
            self.remember_templates(std::slice::from_ref(template));
        }
        Ok(())
    }

    fn remember_templates(&mut self, templates: &[ChecklistTemplate]) {
        let mut all = (*self.templates).clone();
        for t in templates {
            all.insert((t.id.clone(), t.version), t.clone());
        }
        self.templates = Arc::new(all);
    }

    /// The highest template publish position received from the server (0 for none).
    pub fn templates_seq(&self) -> Result<u64> {
        Ok(self
            .meta(TEMPLATES_SEQ)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Installs the published templates a sync reply carried and records the highest
    /// position among them, in one transaction: the position is never ahead of what is
    /// installed, and a crash before commit means the next sync asks for them again.
    pub fn install_delivered_templates(
        &mut self,
        delivered: &[WireTemplate],
    ) -> Result<DeliveredTemplates> {
        let mut out = DeliveredTemplates::default();
        let mut parsed = Vec::new();
        for t in delivered {
            match serde_json::from_str::<ChecklistTemplate>(&t.definition) {
                Ok(template) if template.id == t.id && template.version == t.version => {
                    match template.validate() {
                        Ok(()) => parsed.push((template, t.definition.clone())),
                        Err(e) => out.refused.push((t.id.clone(), t.version, e.to_string())),
                    }
                }
                Ok(_) => out.refused.push((
                    t.id.clone(),
                    t.version,
                    "the definition names another id or version".into(),
                )),
                Err(e) => out.refused.push((
                    t.id.clone(),
                    t.version,
                    format!("this build cannot read the definition: {e}"),
                )),
            }
        }
        let highest = delivered.iter().map(|t| t.seq).max().unwrap_or(0);
        let before = self.templates_seq()?;
        let mut fresh = Vec::new();
        self.write(|tx| {
            for (template, _) in &parsed {
                // Stored in this build's canonical form, as `install_template` does, so a
                // later identical install compares equal.
                let json = serde_json::to_string(template)
                    .map_err(|e| Invalid::new("template", e.to_string()))?;
                match install_in(tx, template, &json) {
                    Ok(true) => fresh.push(template.clone()),
                    Ok(false) => {}
                    Err(Error::Invalid(e)) => {
                        out.refused
                            .push((template.id.clone(), template.version, e.to_string()))
                    }
                    Err(e) => return Err(e),
                }
            }
            if highest > before {
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    params![TEMPLATES_SEQ, highest.to_string()],
                )?;
            }
            Ok(())
        })?;
        out.installed = fresh.iter().map(|t| (t.id.clone(), t.version)).collect();
        self.remember_templates(&fresh);
        Ok(out)
    }

    /// Installs the templates that ship with Gridkeeper (消防安全, 燃气用电安全).
    pub fn install_builtin_templates(&mut self) -> Result<usize> {
        let builtin = checklist::builtin_templates();
        for t in &builtin {
            self.install_template(t)?;
        }
        Ok(builtin.len())
    }

    /// Imports an XLSForm workbook as a template version and installs it. Constructs it
    /// cannot express are returned in the report, by row, not silently dropped.
    pub fn import_xlsform(&mut self, bytes: &[u8], id: &str, version: u32) -> Result<ImportReport> {
        let report = checklist::xlsform::import(bytes, id, version).map_err(|e| match e {
            checklist::XlsFormError::Invalid(inv) => Error::Invalid(inv),
            other => Error::Invalid(Invalid::new("xlsform", other.to_string())),
        })?;
        self.install_template(&report.template)?;
        Ok(report)
    }

    pub fn template(&self, id: &str, version: u32) -> Option<&ChecklistTemplate> {
        self.templates.get(&(id.to_string(), version))
    }

    /// Installed templates, newest version of each id last.
    pub fn templates(&self) -> Vec<&ChecklistTemplate> {
        self.templates.values().collect()
    }
}
