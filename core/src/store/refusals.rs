//! Local changes the server refused for good, told per record in words a worker acts on.
//! Nothing here discards work: the changes stay in `refused_changes` until someone requeues
//! them or the store re-issues them (a reused sequence number, see `incarnation`).

use super::Store;
use crate::error::Result;

/// One record with edits the server would not take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedRecord {
    pub record_id: String,
    /// The record's kind (`household`, …), empty if the record is no longer stored here.
    pub kind: String,
    /// How many of its changes are set aside.
    pub changes: u64,
    /// The server's reason code of the most recent refusal.
    pub code: String,
    /// What happened and what to do, in Chinese, for the worker.
    pub reason_zh: String,
    /// The same in English.
    pub reason_en: String,
    /// When the most recent refusal arrived (RFC 3339, UTC).
    pub refused_at: String,
}

impl Store {
    /// Records with refused changes, most recently refused first.
    pub fn refused_records(&self) -> Result<Vec<RefusedRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.record_id, coalesce(r.kind, ''), count(*), max(f.refused_at),
                    (SELECT code FROM refused_changes l WHERE l.record_id = f.record_id
                     ORDER BY l.refused_at DESC, l.hash LIMIT 1)
             FROM refused_changes f LEFT JOIN records r ON r.id = f.record_id
             GROUP BY f.record_id ORDER BY max(f.refused_at) DESC, f.record_id",
        )?;
        let rows = stmt.query_map([], |r| {
            let code: String = r.get(4)?;
            let (zh, en) = reason_words(&code);
            Ok(RefusedRecord {
                record_id: r.get(0)?,
                kind: r.get(1)?,
                changes: r.get::<_, i64>(2)? as u64,
                refused_at: r.get(3)?,
                reason_zh: zh.to_string(),
                reason_en: en.to_string(),
                code,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The server's refusal codes in a worker's words. Every message says the edit is still on
/// the phone, because it is.
pub fn reason_words(code: &str) -> (&'static str, &'static str) {
    match code {
        "grid_mismatch" => (
            "这条记录属于别的网格，服务器没有收下这次修改。修改仍保存在手机上，请联系主管调整网格。",
            "This record belongs to another grid, so the server did not take the edit. It is kept on this phone; ask your supervisor about the grid.",
        ),
        "out_of_scope" => (
            "这条记录所在的网格不在你的负责范围内，服务器没有收下。修改仍保存在手机上，请联系主管调整负责范围。",
            "This record's grid is outside your area, so the server did not take the edit. It is kept on this phone; ask your supervisor about your area.",
        ),
        "not_permitted" => (
            "任务只能由主管下发，服务器没有收下本机新建的任务。修改仍保存在手机上。",
            "Tasks are given by a supervisor, so the server did not take a task made on this phone. It is kept on this phone.",
        ),
        "kind_mismatch" | "wrong_record" | "bad_envelope" => (
            "这次修改与服务器上的记录对不上，服务器没有收下。修改仍保存在手机上，请联系技术支持。",
            "This edit does not match the server's copy of the record and was not taken. It is kept on this phone; contact support.",
        ),
        "reused_seq" => (
            "手机曾从备份恢复，这次修改需要重新提交；下次同步时会自动重发。修改仍保存在手机上。",
            "This phone was restored from a copy, so the edit must be sent again; the next sync does that by itself. It is kept on this phone.",
        ),
        "actor_mismatch" => (
            "这次修改不是用本机的身份记录的，服务器没有收下。修改仍保存在手机上，请联系主管重新登记本机。",
            "This edit was not recorded under this phone's identity and was not taken. It is kept on this phone; ask your supervisor to enrol the phone again.",
        ),
        "record_erased" => (
            "管理员已按个人信息保护规定删除了这条记录（或其中的个人信息），这次修改无法保存，已从手机上清除。如有需要，请同步后在现有记录上重新录入。",
            "An administrator erased this record (or personal data in it) under data-protection rules; this edit could not be kept and was removed from the phone. If still needed, sync and enter it again on the record as it is now.",
        ),
        "record_moved" => (
            "这条记录已由主管或管理员迁到其他网格，以新记录继续保存，服务器没有收下这次修改。修改仍保存在手机上，请联系主管在新记录上补录。",
            "This record was moved to another grid by a supervisor or an administrator and lives on as a new record there, so the server did not take this edit. It is kept on this phone; ask your supervisor to add it to the new record.",
        ),
        "stored_document_damaged" => (
            "服务器上这条记录的副本损坏，暂时收不下修改。修改仍保存在手机上，请联系技术支持。",
            "The server's copy of this record is damaged and cannot take edits now. The edit is kept on this phone; contact support.",
        ),
        _ => (
            "服务器没有收下这次修改。修改仍保存在手机上，请联系技术支持。",
            "The server did not take this edit. It is kept on this phone; contact support.",
        ),
    }
}
