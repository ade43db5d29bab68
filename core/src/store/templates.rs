//! Checklist templates on the device. Supervisors publish them; a device installs each
//! (id, version) once and never edits it, so every inspection is judged against exactly the
//! checklist it was run with.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use crate::checklist::{self, ChecklistTemplate, ImportReport, Templates};
use crate::error::{Error, Invalid, Result};

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

impl Store {
    /// Installs a template. Installing the same (id, version) again is a no-op when it is
    /// identical and an error when it differs: a published version never changes.
    pub fn install_template(&mut self, template: &ChecklistTemplate) -> Result<()> {
        template.validate()?;
        let json =
            serde_json::to_string(template).map_err(|e| Invalid::new("template", e.to_string()))?;
        let installed = self.write(|tx| {
            let existing: Option<String> = tx
                .query_row("SELECT json FROM templates WHERE id = ?1 AND version = ?2", params![template.id, template.version], |r| r.get(0))
                .optional()?;
            match existing {
                Some(old) if old == json => Ok(false),
                Some(_) => Err(Invalid::new("version", "this template version is already installed with different content; publish a new version").into()),
                None => {
                    tx.execute("INSERT INTO templates (id, version, json) VALUES (?1, ?2, ?3)", params![template.id, template.version, json])?;
                    Ok(true)
                }
            }
        })?;
        if installed {
            let mut all = (*self.templates).clone();
            all.insert((template.id.clone(), template.version), template.clone());
            self.templates = Arc::new(all);
        }
        Ok(())
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
