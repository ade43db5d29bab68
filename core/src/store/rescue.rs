//! Writing a rescue file (`crate::rescue`): everything this phone holds that the relay does
//! not — the outbox, the changes set aside as refused, the attachments still to upload —
//! sealed for the relay, for when no network will come in time.

use std::io::Write;
use std::path::Path;

use rusqlite::params;

use super::Store;
use crate::rescue::{self, RescueBlob, RescueBody, RescueError};
use crate::wire::DocPush;

/// What went into a rescue file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RescueSummary {
    /// Records with changes in the file, and those changes (outbox and set aside together).
    pub records: usize,
    pub changes: usize,
    /// Of `changes`, those the relay had refused before.
    pub refused: usize,
    pub blobs: usize,
    /// The file's size.
    pub bytes: usize,
}

/// No limit: the file carries the whole outbox, not a round's worth.
const ALL: usize = i64::MAX as usize;

impl Store {
    /// The unsynced work as the sealed bytes of a rescue file, and what they hold. Nothing in
    /// the store changes: the work stays queued, and a later sync sends it as usual (the relay
    /// answers "already held" for whatever the file delivered).
    pub fn rescue_file(&self) -> Result<(Vec<u8>, RescueSummary), RescueError> {
        let (Some(token), Some(device_id)) = (
            self.meta(crate::sync::K_TOKEN)?,
            self.meta(crate::sync::K_DEVICE)?,
        ) else {
            return Err(RescueError::NotEnrolled);
        };
        // Exactly what a sync request would push, built by the same code.
        let request = self.sync_request(&[], ALL)?;
        let refused = self.refused_pushes()?;
        let mut blobs = Vec::new();
        for (reference, record_id) in self.blob_uploads(ALL)? {
            let Some(bytes) = self.get_blob(&reference.hash)? else {
                continue;
            };
            blobs.push(RescueBlob {
                hash: reference.hash,
                media_type: reference.media_type,
                record_id,
                bytes: bytes.into(),
            });
        }
        let count = |docs: &[DocPush]| docs.iter().map(|d| d.changes.len()).sum::<usize>();
        let mut records: Vec<&str> = request
            .push
            .iter()
            .chain(&refused)
            .map(|d| d.record_id.as_str())
            .collect();
        records.sort_unstable();
        records.dedup();
        let mut summary = RescueSummary {
            records: records.len(),
            changes: count(&request.push) + count(&refused),
            refused: count(&refused),
            blobs: blobs.len(),
            bytes: 0,
        };
        let body = RescueBody {
            device_id,
            actor: request.actor.unwrap_or_else(|| self.actor_hex()),
            written: request.written.unwrap_or_default(),
            written_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            push: request.push,
            refused,
            blobs,
        };
        let file = rescue::seal(&rescue::token_hash(&token), &body)?;
        summary.bytes = file.len();
        Ok((file, summary))
    }

    /// Writes [`Store::rescue_file`] to `path`, whole or not at all: the bytes go to a
    /// temporary file beside it, synced, then renamed over `path` — a memory card pulled out
    /// mid-write must not leave a file that looks complete.
    pub fn write_rescue(&self, path: impl AsRef<Path>) -> Result<RescueSummary, RescueError> {
        let path = path.as_ref();
        let (file, summary) = self.rescue_file()?;
        let io = |e: std::io::Error| RescueError::Io(e.kind().to_string());
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile_in(dir).map_err(io)?;
        tmp.1.write_all(&file).map_err(io)?;
        tmp.1.sync_all().map_err(io)?;
        drop(tmp.1);
        std::fs::rename(&tmp.0, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp.0);
            io(e)
        })?;
        Ok(summary)
    }

    /// Changes set aside as refused, grouped by record with kind and grid as a push carries
    /// them. Those whose record is no longer stored here cannot say their grid and stay out,
    /// as they stay out of a sync request.
    fn refused_pushes(&self) -> Result<Vec<DocPush>, RescueError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.record_id, r.kind, r.grid, f.bytes FROM refused_changes f
             JOIN records r ON r.id = f.record_id
             -- An erased record's notices carry no change (see `erasure`).
             WHERE length(f.bytes) > 0
             ORDER BY f.record_id, f.refused_at, f.hash",
        )?;
        let rows = stmt.query_map(params![], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })?;
        let mut out: Vec<DocPush> = Vec::new();
        for row in rows {
            let (record_id, kind, grid, bytes) = row?;
            match out.last_mut() {
                Some(last) if last.record_id == record_id => last.changes.push(bytes.into()),
                _ => out.push(DocPush {
                    record_id,
                    kind,
                    grid,
                    changes: vec![bytes.into()],
                }),
            }
        }
        Ok(out)
    }
}

/// A new file in `dir` with a name no other writer picks.
fn tempfile_in(dir: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let name = format!(".gk-rescue-{}.part", uuid::Uuid::now_v7().simple());
    let path = dir.join(name);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::Kind;
    use serde_json::json;

    #[test]
    fn an_unenrolled_store_has_no_key_to_seal_with() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(dir.path().join("s.db"), Some("w")).unwrap();
        assert_eq!(
            store.write_rescue(dir.path().join("r.gkr")),
            Err(RescueError::NotEnrolled)
        );
        assert!(!dir.path().join("r.gkr").exists());
    }

    #[test]
    fn the_file_carries_the_outbox_as_a_sync_would_push_it_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::init(dir.path().join("s.db"), Some("w")).unwrap();
        store.set_meta("sync_token", "gk_token").unwrap();
        store.set_meta("sync_device", "device-1").unwrap();
        for room in ["101", "102"] {
            store
                .create_json(
                    Kind::Household,
                    "g1",
                    json!({"address": {"building": "1", "room": room}}),
                )
                .unwrap();
        }
        let before = store.outbox_len().unwrap();
        let path = dir.path().join("r.gkr");
        let summary = store.write_rescue(&path).unwrap();
        assert_eq!((summary.records, summary.changes), (2, before));
        assert_eq!((summary.refused, summary.blobs), (0, 0));

        let file = std::fs::read(&path).unwrap();
        assert_eq!(summary.bytes, file.len());
        let body = rescue::open(&file, &rescue::token_hash("gk_token")).unwrap();
        assert_eq!(body.device_id, "device-1");
        assert_eq!(body.actor, store.actor_hex());
        assert_eq!(body.push, store.sync_request(&[], ALL).unwrap().push);
        assert_eq!(store.outbox_len().unwrap(), before, "the work stays queued");
        // No temporary file is left beside it.
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".gk-rescue")
            })
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn changes_set_aside_as_refused_travel_apart_with_their_kind_and_grid() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::init(dir.path().join("s.db"), Some("w")).unwrap();
        store.set_meta("sync_token", "gk_token").unwrap();
        store.set_meta("sync_device", "device-1").unwrap();
        let stray = store
            .create_json(
                Kind::Household,
                "g2",
                json!({"address": {"building": "2", "room": "201"}}),
            )
            .unwrap();
        let hash = store.outbox(10).unwrap()[0].hash.clone();
        store
            .set_aside_refused(&[(hash, "out_of_scope".into(), "not yours".into())])
            .unwrap();
        let (file, summary) = store.rescue_file().unwrap();
        assert_eq!(
            (summary.changes, summary.refused, summary.records),
            (1, 1, 1)
        );
        let body = rescue::open(&file, &rescue::token_hash("gk_token")).unwrap();
        assert!(body.push.is_empty());
        assert_eq!(body.refused.len(), 1);
        let doc = &body.refused[0];
        assert_eq!(
            (doc.record_id.as_str(), doc.kind.as_str(), doc.grid.as_str()),
            (stray.to_string().as_str(), "household", "g2")
        );
        assert_eq!(doc.changes.len(), 1);
    }
}
