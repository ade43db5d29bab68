//! Checklist templates on the server (巡查模板): an administrator uploads an XLSForm, sees
//! what core's importer made of it (and every row it could not use), and publishes that
//! version; phones receive published versions in their next sync.
//!
//! A version is a draft until published and frozen after: a draft may be uploaded again
//! under the same (id, version), a published one never changes, and a new upload must use a
//! version above every published one — an inspection names (id, version), so what a version
//! means must be the same on every phone for ever.
//!
//! Publishing hands out a position in one global sequence by incrementing the single row of
//! `template_head` inside the publishing transaction, exactly as `grid_heads` orders a grid's
//! feed: that row stays locked until commit, so position N+1 cannot become visible before N,
//! and a phone that has seen N never misses a version published below it — on SQLite and on
//! PostgreSQL with several server processes. The SQL is the shared dialect of
//! [`crate::reports::sql`], so both databases run the same text.

use axum::http::StatusCode;
use gridkeeper_core::checklist::{self, ChecklistTemplate, IssueKind, RowIssue, XlsFormError};
use serde::{Deserialize, Serialize};

use crate::admin::now;
use crate::error::ApiError;
use crate::reports::sql::{Row, SqlValue, Stmt};
use crate::storage::{Storage, StorageError};

pub const DDL: &str = "
CREATE TABLE IF NOT EXISTS checklist_templates (
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    definition TEXT NOT NULL,
    issues TEXT NOT NULL,
    status TEXT NOT NULL,
    import_id TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    published_by TEXT,
    published_at TEXT,
    seq BIGINT,
    PRIMARY KEY (id, version)
);
CREATE UNIQUE INDEX IF NOT EXISTS checklist_templates_seq ON checklist_templates (seq);
CREATE TABLE IF NOT EXISTS template_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL
);
INSERT INTO template_head (id, seq) VALUES (1, 0) ON CONFLICT DO NOTHING;
";

/// The largest workbook accepted: a checklist of a few hundred rows is tens of kilobytes.
pub const MAX_XLSFORM_BYTES: usize = 4 << 20;

/// Published versions sent in one sync reply; more follow in the next round.
pub const PAGE: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Published,
}

/// A row of the workbook the importer could not use: core's `RowIssue`, readable back,
/// its `code` and facts beside the place, and its English words for API readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub sheet: String,
    pub row: u32,
    pub column: String,
    /// `None` for a report stored before issues had codes: it has English words only.
    /// (A flattened `Option` reads as `None` when the fields do not make a kind.)
    #[serde(flatten)]
    pub kind: Option<IssueKind>,
    pub message: String,
}

impl From<RowIssue> for Issue {
    fn from(i: RowIssue) -> Self {
        Issue {
            message: i.message(),
            sheet: i.sheet,
            row: i.row,
            column: i.column,
            kind: Some(i.kind),
        }
    }
}

/// Why an upload was not stored: the workbook itself, kept typed so a page can word it in
/// the reader's language, or a rule of versions and storage.
#[derive(Debug)]
pub enum ImportRefusal {
    Form(XlsFormError),
    Refused(ApiError),
}

impl ImportRefusal {
    /// The API's code for it.
    pub fn code(&self) -> &'static str {
        match self {
            // The code `xlsform_error` answers with.
            ImportRefusal::Form(_) => "invalid_xlsform",
            ImportRefusal::Refused(e) => e.code,
        }
    }
}

impl From<ApiError> for ImportRefusal {
    fn from(e: ApiError) -> Self {
        ImportRefusal::Refused(e)
    }
}

impl From<StorageError> for ImportRefusal {
    fn from(e: StorageError) -> Self {
        ImportRefusal::Refused(e.into())
    }
}

impl From<ImportRefusal> for ApiError {
    fn from(e: ImportRefusal) -> Self {
        match e {
            ImportRefusal::Form(e) => xlsform_error(e),
            ImportRefusal::Refused(e) => e,
        }
    }
}

/// One stored template version. `imported_by` and `published_by` are user ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateVersion {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub status: Status,
    pub imported_by: String,
    pub imported_at: String,
    pub published_by: Option<String>,
    pub published_at: Option<String>,
    /// Position in the publish sequence; `None` while a draft.
    pub seq: Option<u64>,
    pub issues: Vec<Issue>,
    pub definition: ChecklistTemplate,
}

const COLUMNS: &str = "id, version, title, status, imported_by, imported_at, published_by, published_at, seq, issues, definition";

fn corrupt(what: &str) -> StorageError {
    StorageError::Database(format!("stored checklist template: {what}"))
}

fn from_row(row: &Row) -> Result<TemplateVersion, StorageError> {
    let col = |i: usize| row.get(i).cloned().unwrap_or(SqlValue::Null);
    let version = u32::try_from(col(1).int()).map_err(|_| corrupt("version"))?;
    let status = match col(3).text() {
        "draft" => Status::Draft,
        "published" => Status::Published,
        _ => return Err(corrupt("status")),
    };
    let seq = match col(8) {
        SqlValue::Null => None,
        v => Some(u64::try_from(v.int()).map_err(|_| corrupt("seq"))?),
    };
    Ok(TemplateVersion {
        id: col(0).text().to_string(),
        version,
        title: col(2).text().to_string(),
        status,
        imported_by: col(4).text().to_string(),
        imported_at: col(5).text().to_string(),
        published_by: col(6).opt_text().map(String::from),
        published_at: col(7).opt_text().map(String::from),
        seq,
        issues: serde_json::from_str(col(9).text()).map_err(|_| corrupt("issues"))?,
        definition: serde_json::from_str(col(10).text()).map_err(|_| corrupt("definition"))?,
    })
}

/// Every stored version, by id then version.
pub async fn list(storage: &dyn Storage) -> Result<Vec<TemplateVersion>, StorageError> {
    storage
        .report_query(&Stmt::new(
            format!("SELECT {COLUMNS} FROM checklist_templates ORDER BY id, version"),
            vec![],
        ))
        .await?
        .iter()
        .map(from_row)
        .collect()
}

async fn find(
    storage: &dyn Storage,
    id: &str,
    version: u32,
) -> Result<Option<TemplateVersion>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new(
            format!("SELECT {COLUMNS} FROM checklist_templates WHERE id = $1 AND version = $2"),
            vec![id.into(), i64::from(version).into()],
        ))
        .await?;
    rows.first().map(from_row).transpose()
}

pub async fn get(
    storage: &dyn Storage,
    id: &str,
    version: u32,
) -> Result<TemplateVersion, ApiError> {
    find(storage, id, version)
        .await?
        .ok_or_else(|| ApiError::not_found("no such checklist template version"))
}

/// The highest published version of `id`, if any.
async fn highest_published(storage: &dyn Storage, id: &str) -> Result<Option<u32>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new(
            "SELECT MAX(version) FROM checklist_templates WHERE id = $1 AND status = 'published'",
            vec![id.into()],
        ))
        .await?;
    Ok(match rows.first().and_then(|r| r.first()) {
        Some(SqlValue::Null) | None => None,
        Some(v) => u32::try_from(v.int()).ok(),
    })
}

fn not_higher(id: &str, published: u32) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "version_not_higher",
        format!(
            "version {published} of template {id} is published and frozen; upload a version above {published}"
        ),
    )
}

/// Checks what an administrator typed for a template id and version.
pub fn parse_key(id: &str, version: &str) -> Result<(String, u32), ApiError> {
    let id = id.trim();
    if !checklist::is_identifier(id) || id.len() > 64 {
        return Err(ApiError::bad_request(
            "invalid_template_id",
            "a template id is 1–64 characters: a letter or '_', then letters, digits, '_' or '-'",
        ));
    }
    match version.trim().parse::<u32>() {
        Ok(v) if v >= 1 => Ok((id.to_string(), v)),
        _ => Err(ApiError::bad_request(
            "invalid_version",
            "a template version is a whole number from 1",
        )),
    }
}

/// Imports an XLSForm workbook as a draft of (`id`, `version`), replacing a draft of the same
/// version. Nothing is stored when the workbook cannot be read or gives no valid checklist.
pub async fn import(
    storage: &dyn Storage,
    user_id: &str,
    id: &str,
    version: u32,
    bytes: &[u8],
) -> Result<TemplateVersion, ImportRefusal> {
    if bytes.len() > MAX_XLSFORM_BYTES {
        return Err(ImportRefusal::Refused(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("an XLSForm workbook may be at most {MAX_XLSFORM_BYTES} bytes"),
        )));
    }
    let report = checklist::xlsform::import(bytes, id, version).map_err(ImportRefusal::Form)?;
    if let Some(published) = highest_published(storage, id).await?
        && published >= version
    {
        return Err(not_higher(id, published).into());
    }
    let definition = serde_json::to_string(&report.template)
        .map_err(|_| ApiError::bad_request("invalid_xlsform", "the template cannot be stored"))?;
    let issues: Vec<Issue> = report.issues.into_iter().map(Issue::from).collect();
    let issues = serde_json::to_string(&issues).map_err(|_| {
        ApiError::bad_request("invalid_xlsform", "the import report cannot be stored")
    })?;
    let import_id = uuid::Uuid::now_v7().to_string();
    // One statement, so the "no published version at or above this one" rule and the write
    // cannot be separated by a concurrent publish; a published row is never overwritten.
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO checklist_templates (id, version, title, definition, issues, status, import_id, imported_by, imported_at) \
             SELECT $1, $2, $3, $4, $5, 'draft', $6, $7, $8 \
             WHERE NOT EXISTS (SELECT 1 FROM checklist_templates WHERE id = $1 AND status = 'published' AND version >= $2) \
             ON CONFLICT (id, version) DO UPDATE SET title = excluded.title, definition = excluded.definition, \
             issues = excluded.issues, import_id = excluded.import_id, imported_by = excluded.imported_by, \
             imported_at = excluded.imported_at WHERE checklist_templates.status = 'draft'",
            vec![
                id.into(),
                i64::from(version).into(),
                (&report.template.title).into(),
                definition.into(),
                issues.into(),
                (&import_id).into(),
                user_id.into(),
                now().into(),
            ],
        )])
        .await?;
    let ours = storage
        .report_query(&Stmt::new(
            "SELECT import_id FROM checklist_templates WHERE id = $1 AND version = $2",
            vec![id.into(), i64::from(version).into()],
        ))
        .await?
        .first()
        .and_then(|r| r.first())
        .is_some_and(|v| v.text() == import_id);
    if !ours {
        // Someone published this id at or above `version` between the check and the write.
        let published = highest_published(storage, id).await?.unwrap_or(version);
        return Err(not_higher(id, published).into());
    }
    Ok(get(storage, id, version).await?)
}

fn xlsform_error(e: XlsFormError) -> ApiError {
    // The importer's messages name sheets, columns and fields, never cell values.
    ApiError::bad_request("invalid_xlsform", e.to_string())
}

/// Publishes a draft: gives it the next position in the publish sequence and freezes it.
pub async fn publish(
    storage: &dyn Storage,
    user_id: &str,
    id: &str,
    version: u32,
) -> Result<TemplateVersion, ApiError> {
    let current = get(storage, id, version).await?;
    if current.status == Status::Published {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_published",
            format!("version {version} of template {id} is already published"),
        ));
    }
    if let Some(published) = highest_published(storage, id).await?
        && published > version
    {
        return Err(not_higher(id, published));
    }
    let at = now();
    storage
        .report_write(&[
            Stmt::new("UPDATE template_head SET seq = seq + 1 WHERE id = 1", vec![]),
            Stmt::new(
                "UPDATE checklist_templates SET status = 'published', published_by = $3, published_at = $4, \
                 seq = (SELECT seq FROM template_head WHERE id = 1) \
                 WHERE id = $1 AND version = $2 AND status = 'draft' \
                 AND NOT EXISTS (SELECT 1 FROM checklist_templates p WHERE p.id = $1 AND p.status = 'published' AND p.version > $2)",
                vec![
                    id.into(),
                    i64::from(version).into(),
                    user_id.into(),
                    (&at).into(),
                ],
            ),
        ])
        .await?;
    let after = get(storage, id, version).await?;
    if after.published_at.as_deref() != Some(at.as_str())
        || after.published_by.as_deref() != Some(user_id)
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_published",
            format!("version {version} of template {id} was published meanwhile"),
        ));
    }
    Ok(after)
}

/// Published versions after position `after`, in publish order, at most `limit`: what a
/// phone that has seen `after` still needs. Each as (position, id, version, definition JSON).
pub async fn published_after(
    storage: &dyn Storage,
    after: u64,
    limit: usize,
) -> Result<Vec<(u64, String, u32, String)>, StorageError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let rows = storage
        .report_query(&Stmt::new(
            format!(
                "SELECT seq, id, version, definition FROM checklist_templates \
                 WHERE status = 'published' AND seq > $1 ORDER BY seq LIMIT {limit}"
            ),
            vec![after.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            let col = |i: usize| r.get(i).cloned().unwrap_or(SqlValue::Null);
            Ok((
                u64::try_from(col(0).int()).map_err(|_| corrupt("seq"))?,
                col(1).text().to_string(),
                u32::try_from(col(2).int()).map_err(|_| corrupt("version"))?,
                col(3).text().to_string(),
            ))
        })
        .collect()
}

/// The checklist an inspection names: a built-in one, or a version published here. Drafts
/// are not looked up — no phone received them.
pub async fn definition(
    storage: &dyn Storage,
    id: &str,
    version: u32,
) -> Result<Option<ChecklistTemplate>, StorageError> {
    if let Some(t) = checklist::builtin_template(id).filter(|t| t.version == version) {
        return Ok(Some(t));
    }
    Ok(find(storage, id, version)
        .await?
        .filter(|t| t.status == Status::Published)
        .map(|t| t.definition))
}
