//! Worker handover (issue 19): what each device had sent last and what it still held unsynced,
//! so an administrator can see — before revoking a lost phone or handing a grid to another
//! worker — how much work would be stranded on it; and the reassignment of a grid itself.
//!
//! Every sync of a phone of protocol 4 or later reports its unsynced work in counts
//! (`wire::Unsynced`: changes, attachments, drafts, set-aside edits, the oldest one's age).
//! The relay keeps the latest report per device beside the last change it accepted from it
//! (grid, feed position, record id, time). Counts and ids only: nothing a resident said.
//!
//! Tables are written in the SQL both databases share (`reports::sql`), like the report
//! tables, so the two backends need no code of their own for them.

use std::sync::Arc;

use axum::http::StatusCode;
use gridkeeper_core::wire::{ChangeResult, Unsynced};
use serde::Serialize;

use crate::admin::{self, now};
use crate::error::ApiError;
use crate::reports::sql::{SqlValue, Stmt};
use crate::storage::{Role, Storage, StorageError, User};
use crate::text;

pub const DDL: &str = "
CREATE TABLE IF NOT EXISTS device_handover (
    device_id TEXT PRIMARY KEY,
    last_change_grid TEXT,
    last_change_seq BIGINT,
    last_change_record TEXT,
    last_change_at TEXT,
    pending_changes BIGINT,
    pending_uploads BIGINT,
    drafts BIGINT,
    refused BIGINT,
    oldest_pending_since TEXT,
    reported_at TEXT
);
CREATE TABLE IF NOT EXISTS handover_audit (
    at TEXT NOT NULL,
    by_user TEXT NOT NULL,
    action TEXT NOT NULL,
    device_id TEXT,
    grid TEXT,
    from_user TEXT,
    to_user TEXT,
    reason TEXT NOT NULL,
    pending_changes BIGINT NOT NULL
);
";

/// The last change a device sent that the relay holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastChange {
    pub grid: String,
    /// Its position in the grid's feed.
    pub seq: u64,
    pub record_id: String,
    pub at: String,
}

/// What a device reported holding unsynced at its last sync, after that sync's push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingReport {
    /// Changes still waiting on the phone: its outbox as reported, less what this relay
    /// accepted from that very request.
    pub changes: u64,
    pub uploads: u64,
    pub drafts: u64,
    /// Edits the relay refused for good, kept aside on the phone.
    pub refused: u64,
    /// When the oldest waiting change or attachment was queued, on the relay's clock.
    pub oldest_since: Option<String>,
    pub reported_at: String,
}

impl PendingReport {
    /// Whether revoking the device, or taking its grid away, strands work on it.
    pub fn holds_work(&self) -> bool {
        self.changes + self.uploads + self.drafts + self.refused > 0
    }
}

/// One device as an administrator sees it before revoking it or handing its grid over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceHandover {
    pub device_id: String,
    pub user: String,
    pub role: Role,
    pub enrolled_at: String,
    pub last_seen: Option<String>,
    pub revoked_at: Option<String>,
    pub last_change: Option<LastChange>,
    /// `None` until the phone syncs with protocol 4 or later.
    pub pending: Option<PendingReport>,
}

/// Takes in what a sync told about the device: its report of unsynced work and the last
/// change accepted from it. Runs after the push is stored, so a report never counts as
/// pending what the relay already holds.
pub async fn record_sync(
    storage: &dyn Storage,
    device_id: &str,
    results: &[ChangeResult],
    unsynced: Option<&Unsynced>,
) -> Result<(), StorageError> {
    let at = now();
    let accepted: Vec<&ChangeResult> = results.iter().filter(|r| r.rejected.is_none()).collect();
    let mut stmts = vec![Stmt::new(
        "INSERT INTO device_handover (device_id) VALUES ($1) ON CONFLICT (device_id) DO NOTHING",
        vec![device_id.into()],
    )];
    // Pushes are in outbox order, so the last accepted change is the latest one sent.
    if let Some(last) = accepted.last() {
        let rows = storage
            .report_query(&Stmt::new(
                "SELECT grid, seq, record_id, received_at FROM changes WHERE hash = $1",
                vec![last.hash.as_str().into()],
            ))
            .await?;
        if let Some(r) = rows.first() {
            stmts.push(Stmt::new(
                "UPDATE device_handover SET last_change_grid = $2, last_change_seq = $3, last_change_record = $4, last_change_at = $5 WHERE device_id = $1",
                vec![device_id.into(), r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()],
            ));
        }
    }
    if let Some(u) = unsynced {
        let pending = u.changes.saturating_sub(accepted.len() as u64);
        // The oldest change may just have gone up; its age is kept as an upper bound while
        // anything waits, since the report does not say which changes were the old ones.
        let since = if pending + u.uploads > 0 {
            u.oldest_age_secs.and_then(|secs| {
                let secs = i64::try_from(secs).ok()?;
                let t =
                    chrono::Utc::now().checked_sub_signed(chrono::TimeDelta::try_seconds(secs)?)?;
                Some(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            })
        } else {
            None
        };
        stmts.push(Stmt::new(
            "UPDATE device_handover SET pending_changes = $2, pending_uploads = $3, drafts = $4, refused = $5, oldest_pending_since = $6, reported_at = $7 WHERE device_id = $1",
            vec![
                device_id.into(),
                count(pending),
                count(u.uploads),
                count(u.drafts),
                count(u.refused),
                since.into(),
                at.as_str().into(),
            ],
        ));
    }
    storage.report_write(&stmts).await
}

fn count(n: u64) -> SqlValue {
    SqlValue::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn uint(v: &SqlValue) -> u64 {
    v.int().max(0) as u64
}

/// Every device with what it sent last and holds unsynced, in enrolment order.
pub async fn devices(storage: &dyn Storage) -> Result<Vec<DeviceHandover>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new(
            "SELECT d.id, u.name, u.role, d.created_at, d.last_seen, d.revoked_at,
                    h.last_change_grid, h.last_change_seq, h.last_change_record, h.last_change_at,
                    h.pending_changes, h.pending_uploads, h.drafts, h.refused,
                    h.oldest_pending_since, h.reported_at
             FROM devices d JOIN users u ON u.id = d.user_id
             LEFT JOIN device_handover h ON h.device_id = d.id
             ORDER BY d.created_at, d.id",
            vec![],
        ))
        .await?;
    let text = |v: &SqlValue| v.opt_text().map(String::from);
    Ok(rows
        .iter()
        .map(|r| DeviceHandover {
            device_id: r[0].text().to_string(),
            user: r[1].text().to_string(),
            role: Role::parse(r[2].text()).unwrap_or(Role::Worker),
            enrolled_at: r[3].text().to_string(),
            last_seen: text(&r[4]),
            revoked_at: text(&r[5]),
            last_change: text(&r[6]).map(|grid| LastChange {
                grid,
                seq: uint(&r[7]),
                record_id: r[8].text().to_string(),
                at: r[9].text().to_string(),
            }),
            pending: text(&r[15]).map(|reported_at| PendingReport {
                changes: uint(&r[10]),
                uploads: uint(&r[11]),
                drafts: uint(&r[12]),
                refused: uint(&r[13]),
                oldest_since: text(&r[14]),
                reported_at,
            }),
        })
        .collect())
}

/// One device's handover state.
pub async fn device(storage: &dyn Storage, device_id: &str) -> Result<DeviceHandover, ApiError> {
    devices(storage)
        .await?
        .into_iter()
        .find(|d| d.device_id == device_id)
        .ok_or_else(|| ApiError::not_found("no such device"))
}

/// Whole days from an RFC 3339 time to now, for "last seen 3 days ago".
fn days_since(at: &str) -> Option<i64> {
    let t = chrono::DateTime::parse_from_rfc3339(at).ok()?;
    Some(
        (chrono::Utc::now() - t.with_timezone(&chrono::Utc))
            .num_days()
            .max(0),
    )
}

impl DeviceHandover {
    /// One line for an administrator: "12 changes not yet synced, last seen 3 days ago".
    pub fn summary(&self, zh: bool) -> String {
        let seen = match self.last_seen.as_deref().and_then(days_since) {
            None if zh => "从未同步".to_string(),
            None => "never synced".to_string(),
            Some(0) if zh => "今天同步过".to_string(),
            Some(0) => "last seen today".to_string(),
            Some(d) if zh => format!("{d} 天前最后同步"),
            Some(d) => format!("last seen {d} days ago"),
        };
        let held = match &self.pending {
            None if zh => "未报告未同步的数量（应用版本较旧或从未同步）".to_string(),
            None => "unsynced work not reported (older app, or never synced)".to_string(),
            Some(p) if zh => format!(
                "{} 条修改未同步，{} 个附件未上传，{} 份草稿，{} 条被拒修改",
                p.changes, p.uploads, p.drafts, p.refused
            ),
            Some(p) => format!(
                "{} changes not yet synced, {} attachments not uploaded, {} drafts, {} refused edits",
                p.changes, p.uploads, p.drafts, p.refused
            ),
        };
        let revoked = match (&self.revoked_at, zh) {
            (Some(_), true) => "（已吊销）",
            (Some(_), false) => " (revoked)",
            (None, _) => "",
        };
        if zh {
            format!("{held}；{seen}{revoked}")
        } else {
            format!("{held}, {seen}{revoked}")
        }
    }
}

async fn audit(storage: &dyn Storage, e: &AuditEntry) -> Result<(), StorageError> {
    let opt = |v: &Option<String>| SqlValue::from(v.clone());
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO handover_audit (at, by_user, action, device_id, grid, from_user, to_user, reason, pending_changes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            vec![
                e.at.as_str().into(),
                e.by.as_str().into(),
                e.action.as_str().into(),
                opt(&e.device_id),
                opt(&e.grid),
                opt(&e.from_user),
                opt(&e.to_user),
                e.reason.as_str().into(),
                count(e.pending_changes),
            ],
        )])
        .await
}

/// Revokes a device and audits it with what it still held, which stays visible afterwards:
/// its last change sent and its last report of unsynced work are kept, never cleared.
pub async fn revoke(
    storage: &Arc<dyn Storage>,
    device_id: &str,
    by: &str,
) -> Result<DeviceHandover, ApiError> {
    let before = device(storage.as_ref(), device_id).await?;
    admin::revoke_device(storage, device_id).await?;
    if before.revoked_at.is_some() {
        // Revoking twice changes nothing, so it is not audited twice.
        return Ok(before);
    }
    let pending = before.pending.as_ref().map_or(0, |p| p.changes);
    audit(
        storage.as_ref(),
        &AuditEntry {
            at: now(),
            by: by.to_string(),
            action: "revoke".into(),
            device_id: Some(device_id.to_string()),
            grid: None,
            from_user: Some(before.user.clone()),
            to_user: None,
            reason: String::new(),
            pending_changes: pending,
        },
    )
    .await?;
    tracing::info!(device = %device_id, pending, "device revoked");
    device(storage.as_ref(), device_id).await
}

/// What an administrator asks for when a grid changes hands.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reassign {
    pub grid: String,
    /// The worker taking the grid over.
    pub to: String,
    /// The worker giving it up; the grid leaves their scope. Absent: nobody loses it.
    #[serde(default)]
    pub from: Option<String>,
    pub reason: String,
    /// Hand over even though a phone of the old worker reported unsynced work; that work
    /// is refused (`out_of_scope`) when the phone next syncs, and stays set aside on it.
    #[serde(default)]
    pub force: bool,
}

/// The outcome of a reassignment: both users' new scopes and the old worker's phones.
#[derive(Debug, Clone, Serialize)]
pub struct Reassigned {
    pub grid: String,
    pub to: User,
    pub from: Option<User>,
    /// The old worker's devices as they stood, so the office sees what they held.
    pub old_devices: Vec<DeviceHandover>,
}

/// Moves a grid from one worker's scope to another's, audited. Refused while a live phone of
/// the old worker reports unsynced work, unless forced: taking the grid away would strand it.
pub async fn reassign(
    storage: &Arc<dyn Storage>,
    by: &User,
    req: &Reassign,
) -> Result<Reassigned, ApiError> {
    let Some(reason) = text::required(&req.reason, 500) else {
        return Err(ApiError::bad_request(
            "invalid_reason",
            "the reason for a reassignment is required (1–500 characters) and kept in the audit log",
        ));
    };
    if !storage.grids().await?.iter().any(|g| g.id == req.grid) {
        return Err(ApiError::not_found(format!("grid {}", req.grid)));
    }
    let to = admin::find_user(storage, &req.to).await?;
    if to.role != Role::Worker {
        return Err(ApiError::bad_request(
            "not_a_worker",
            "a grid is handed to a grid worker",
        ));
    }
    let from = match &req.from {
        Some(name) => {
            let u = admin::find_user(storage, name).await?;
            if u.id == to.id {
                return Err(ApiError::bad_request(
                    "same_worker",
                    "the grid is handed from one worker to another",
                ));
            }
            if !u.scope.contains(&req.grid) {
                return Err(ApiError::bad_request(
                    "not_in_scope",
                    format!("grid {} is not named in the scope of {}", req.grid, u.name),
                ));
            }
            Some(u)
        }
        None => None,
    };
    let old_devices: Vec<DeviceHandover> = match &from {
        Some(u) => devices(storage.as_ref())
            .await?
            .into_iter()
            .filter(|d| d.user == u.name)
            .collect(),
        None => Vec::new(),
    };
    let unsynced = |live_only: bool| -> u64 {
        old_devices
            .iter()
            .filter(|d| !live_only || d.revoked_at.is_none())
            .filter_map(|d| d.pending.as_ref())
            .map(|p| p.changes + p.uploads)
            .sum()
    };
    // A live phone may still sync its work if given the chance; a revoked one never will,
    // so only live phones hold the handover up, and the audit counts what is stranded on all.
    let (pending, stranded) = (unsynced(true), unsynced(false));
    if pending > 0 && !req.force {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "unsynced_work",
            format!(
                "a phone of the old worker reported {pending} changes or attachments not yet synced; sync it first, or force the handover (that work is then refused)"
            ),
        ));
    }
    let mut to_scope = to.scope.clone();
    if !to_scope.contains(&req.grid) {
        to_scope.push(req.grid.clone());
    }
    let to = admin::set_scope(storage, &to.id, &to_scope).await?;
    let from = match from {
        Some(u) => {
            let rest: Vec<String> = u
                .scope
                .iter()
                .filter(|g| **g != req.grid)
                .cloned()
                .collect();
            // A worker whose last grid goes reaches nothing: no scope is written directly,
            // since `set_scope` keeps every worker at one grid or more.
            let u = if rest.is_empty() {
                storage
                    .report_write(&[Stmt::new(
                        "UPDATE users SET scope = '' WHERE id = $1",
                        vec![u.id.as_str().into()],
                    )])
                    .await?;
                User { scope: rest, ..u }
            } else {
                admin::set_scope(storage, &u.id, &rest).await?
            };
            Some(u)
        }
        None => None,
    };
    audit(
        storage.as_ref(),
        &AuditEntry {
            at: now(),
            by: by.name.clone(),
            action: "reassign".into(),
            device_id: None,
            grid: Some(req.grid.clone()),
            from_user: from.as_ref().map(|u| u.name.clone()),
            to_user: Some(to.name.clone()),
            reason: reason.to_string(),
            pending_changes: stranded,
        },
    )
    .await?;
    tracing::info!(grid = %req.grid, stranded, forced = req.force, "grid reassigned");
    Ok(Reassigned {
        grid: req.grid.clone(),
        to,
        from,
        old_devices,
    })
}

/// One entry of the handover audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub by: String,
    pub action: String,
    pub device_id: Option<String>,
    pub grid: Option<String>,
    pub from_user: Option<String>,
    pub to_user: Option<String>,
    pub reason: String,
    /// Changes the device (or the old worker's phones) reported unsynced at the time.
    pub pending_changes: u64,
}

/// The handover audit log, oldest first.
pub async fn log(storage: &dyn Storage) -> Result<Vec<AuditEntry>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new(
            "SELECT at, by_user, action, device_id, grid, from_user, to_user, reason, pending_changes FROM handover_audit ORDER BY at",
            vec![],
        ))
        .await?;
    let text = |v: &SqlValue| v.opt_text().map(String::from);
    Ok(rows
        .iter()
        .map(|r| AuditEntry {
            at: r[0].text().to_string(),
            by: r[1].text().to_string(),
            action: r[2].text().to_string(),
            device_id: text(&r[3]),
            grid: text(&r[4]),
            from_user: text(&r[5]),
            to_user: text(&r[6]),
            reason: r[7].text().to_string(),
            pending_changes: uint(&r[8]),
        })
        .collect())
}
