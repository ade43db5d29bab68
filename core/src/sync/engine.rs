//! Enrolment and the sync loop: rounds until nothing is left, retries with capped exponential
//! backoff and jitter, progress for a long bootstrap, and a status the phone can show.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;

use super::error::SyncError;
use super::transport::Transport;
use crate::ids::RecordId;
use crate::store::Store;

/// How a sync behaves; the defaults suit a phone.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Tries per round trip before giving up on a network failure.
    pub max_attempts: u32,
    /// Backoff before the second try; doubled each time up to `max_delay`, with jitter.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// For one round trip.
    pub timeout: Duration,
    /// Local changes pushed per round.
    pub push_batch: usize,
    /// Changes or records per grid per reply (`None`: the server's page size).
    pub page: Option<u32>,
    /// Set from another thread to stop between rounds.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Also upload attachments the server lacks.
    pub blobs: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            timeout: Duration::from_secs(60),
            push_batch: 1000,
            page: None,
            cancel: None,
            blobs: true,
        }
    }
}

/// Where a sync stands, for a progress bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Records received whole so far (a bootstrap) and how many the grids hold.
    pub records_done: u64,
    pub records_total: u64,
    /// Changes applied from others so far.
    pub changes_pulled: u64,
    /// Local changes the server has taken so far, and how many are still waiting.
    pub changes_pushed: u64,
    pub changes_pending: u64,
    pub bytes_down: u64,
    pub bytes_up: u64,
    pub rounds: u64,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    pub rounds: u64,
    pub pushed: u64,
    pub pulled: u64,
    pub snapshots: u64,
    /// Local changes the server refused: (hash, reason code). Those refused for good are set
    /// aside (`Store::refused_changes`), so they never hold up later work.
    pub rejected: Vec<(String, String)>,
    /// Records whose state may have changed, each once: screens refresh only these.
    pub changed_records: Vec<String>,
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub blobs_uploaded: u64,
    /// Where the time went: waiting on the network and the server (including decoding the
    /// reply), and applying replies to the store (documents, projections, SQLite).
    pub network_time: Duration,
    pub apply_time: Duration,
    /// Within `apply_time`: where storing bootstrap snapshots went.
    pub ingest_times: crate::store::IngestTimes,
    /// After the pull: reading the documents a bootstrap stored unread for conflicts.
    pub conflict_check_time: Duration,
    /// How many documents that pass read (those with more than one author).
    pub conflicts_read: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub server: String,
    pub device_id: String,
    pub user: String,
    pub role: String,
    pub grids: Vec<String>,
}

/// What the phone shows about sync at any time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub server: Option<String>,
    pub user: Option<String>,
    pub grids: Vec<String>,
    pub last_success_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error_code: Option<String>,
    /// In Chinese, for the worker.
    pub last_error_message: Option<String>,
    pub pending_changes: u64,
    pub pending_uploads: u64,
    /// Local changes the server refused for good, kept aside for a person to look at.
    pub refused_changes: u64,
    /// The same per record, with the reason in the worker's words.
    pub refused: Vec<crate::store::RefusedRecord>,
    /// When the oldest change or attachment still waiting to go up was queued (RFC 3339,
    /// UTC); none when nothing waits.
    pub oldest_unsynced_at: Option<String>,
}

/// Work left unsynced this long is worth a plain warning: a phone whose maker kills apps
/// swiped from Recents may never have run its background sync.
pub const UNSYNCED_OVERDUE_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// How old the oldest unsynced work is at some moment, the same on every phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsyncedAge {
    /// Whole hours (0 for work queued within the hour, or when the clock went back).
    pub hours: u64,
    /// Older than [`UNSYNCED_OVERDUE_AFTER`].
    pub overdue: bool,
}

/// The age at `now` of work queued at `oldest_unsynced_at`; none when the time does not read.
pub fn unsynced_age(oldest_unsynced_at: &str, now: DateTime<Utc>) -> Option<UnsyncedAge> {
    let queued = DateTime::parse_from_rfc3339(oldest_unsynced_at).ok()?;
    let age = (now - queued.with_timezone(&Utc)).max(chrono::TimeDelta::zero());
    Some(UnsyncedAge {
        hours: age.num_hours().unsigned_abs(),
        overdue: age > UNSYNCED_OVERDUE_AFTER,
    })
}

impl SyncStatus {
    /// The age of the oldest unsynced work at `now`; none when nothing waits.
    pub fn unsynced_age(&self, now: DateTime<Utc>) -> Option<UnsyncedAge> {
        unsynced_age(self.oldest_unsynced_at.as_deref()?, now)
    }

    /// Whether work has waited longer than [`UNSYNCED_OVERDUE_AFTER`] at `now`.
    pub fn unsynced_overdue(&self, now: DateTime<Utc>) -> bool {
        self.unsynced_age(now).is_some_and(|a| a.overdue)
    }
}

const K_SERVER: &str = "sync_server";
pub(crate) const K_TOKEN: &str = "sync_token";
pub(crate) const K_DEVICE: &str = "sync_device";
const K_ROLE: &str = "sync_role";
pub(crate) const K_GRIDS: &str = crate::store::SYNC_GRIDS;
const K_OK: &str = "sync_last_success";
const K_ATTEMPT: &str = "sync_last_attempt";
const K_ERR_CODE: &str = "sync_last_error_code";
const K_ERR_TEXT: &str = "sync_last_error";
/// The last sync's error code when it finished but the server refused some edits.
pub const CHANGES_REFUSED: &str = "changes_refused";

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Store {
    /// Enrols this phone with a one-time code: the server learns this store's actor id and
    /// answers with a token and the grids in reach, all kept in the store.
    pub fn enroll(&mut self, server: &str, code: &str) -> Result<Enrolment, SyncError> {
        let transport = Transport::new(server, Duration::from_secs(30))?;
        let reply = transport.enroll(code, &self.actor_hex())?;
        let text = |k: &str| reply[k].as_str().map(String::from);
        let (Some(token), Some(device_id), Some(user), Some(role)) =
            (text("token"), text("device_id"), text("user"), text("role"))
        else {
            return Err(SyncError::Protocol("enrolment reply lacks fields".into()));
        };
        let grids: Vec<String> = reply["grids"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|g| g.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        for (k, v) in [
            (K_SERVER, transport.base().to_string()),
            (K_TOKEN, token),
            (K_DEVICE, device_id.clone()),
            (K_ROLE, role.clone()),
            (K_GRIDS, grids.join(",")),
        ] {
            self.set_meta(k, &v)?;
        }
        self.set_user(&user)?;
        Ok(Enrolment {
            server: transport.base().to_string(),
            device_id,
            user,
            role,
            grids,
        })
    }

    pub fn sync_status(&self) -> crate::Result<SyncStatus> {
        let server = self.meta(K_SERVER)?;
        Ok(SyncStatus {
            enrolled: server.is_some() && self.meta(K_TOKEN)?.is_some(),
            server,
            user: self.user().map(String::from),
            grids: self.sync_grids()?,
            last_success_at: self.meta(K_OK)?,
            last_attempt_at: self.meta(K_ATTEMPT)?,
            last_error_code: self.meta(K_ERR_CODE)?,
            last_error_message: self.meta(K_ERR_TEXT)?,
            pending_changes: self.outbox_len()? as u64,
            pending_uploads: self.blobs_to_upload(usize::MAX >> 1)?.len() as u64,
            refused_changes: self.refused_changes()?.len() as u64,
            refused: self.refused_records()?,
            oldest_unsynced_at: self.oldest_unsynced_at()?,
        })
    }

    /// Pushes everything waiting and pulls every grid in reach, round after round until
    /// nothing is left. `progress` is called after each round.
    pub fn sync(
        &mut self,
        opts: &SyncOptions,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<SyncSummary, SyncError> {
        let outcome = self.sync_rounds(opts, progress);
        let at = now();
        self.set_meta(K_ATTEMPT, &at)?;
        match &outcome {
            Ok(summary) => {
                self.set_meta(K_OK, &at)?;
                // A round that went through but left edits behind is not a clean success:
                // the worker must see that something did not reach the server.
                let set_aside = summary
                    .rejected
                    .iter()
                    .filter(|(_, code)| code != crate::store::TRANSIENT_REFUSAL)
                    .count();
                let waiting = self.refused_changes()?.len();
                if set_aside > 0 && waiting > 0 {
                    self.set_meta(K_ERR_CODE, CHANGES_REFUSED)?;
                    self.set_meta(
                        K_ERR_TEXT,
                        &format!(
                            "有 {waiting} 条修改服务器没有收下，仍保存在手机上。请在同步页面查看原因。"
                        ),
                    )?;
                } else {
                    self.clear_meta(&[K_ERR_CODE, K_ERR_TEXT])?;
                }
            }
            Err(e) => {
                self.set_meta(K_ERR_CODE, e.code())?;
                self.set_meta(K_ERR_TEXT, &e.user_message_zh())?;
            }
        }
        outcome
    }

    fn sync_rounds(
        &mut self,
        opts: &SyncOptions,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<SyncSummary, SyncError> {
        let (Some(server), Some(token)) = (self.meta(K_SERVER)?, self.meta(K_TOKEN)?) else {
            return Err(SyncError::NotEnrolled);
        };
        let transport = Transport::new(&server, opts.timeout)?;
        let mut summary = SyncSummary::default();
        let mut seen_changed = BTreeSet::new();
        let mut p = Progress::default();
        loop {
            cancelled(opts)?;
            // Read each round: a reply may hand this phone a grid (pulled from the next round
            // on) or take one away.
            let grids = self.sync_grids()?;
            let mut req = self.sync_request(&grids, opts.push_batch)?;
            req.limit = opts.page;
            let body = crate::wire::encode(&req);
            let up = body.len() as u64;
            let sent = std::time::Instant::now();
            let (reply, down) =
                with_retries(opts, || transport.sync_encoded(&token, body.clone()))?;
            summary.network_time += sent.elapsed();
            let applying = std::time::Instant::now();
            let report = self.take_sync_response(reply)?;
            summary.apply_time += applying.elapsed();
            summary.ingest_times.add(&report.ingest_times);

            summary.rounds += 1;
            summary.pushed += report.acknowledged as u64;
            summary.pulled += report.applied as u64;
            summary.snapshots += report.snapshots as u64;
            summary.bytes_up += up;
            summary.bytes_down += down as u64;
            for (hash, code) in report.rejected {
                if !summary.rejected.iter().any(|(h, _)| h == &hash) {
                    summary.rejected.push((hash, code));
                }
            }
            for id in report.changed_records {
                if seen_changed.insert(id.clone()) {
                    summary.changed_records.push(id);
                }
            }
            let total: u64 = report.totals.values().sum();
            p.records_total = p.records_total.max(total);
            p.records_done += report.snapshots as u64;
            p.changes_pulled = summary.pulled;
            p.changes_pushed = summary.pushed;
            p.changes_pending = self.outbox_len()? as u64;
            p.bytes_down = summary.bytes_down;
            p.bytes_up = summary.bytes_up;
            p.rounds = summary.rounds;
            progress(&p);

            // Done when nothing is waiting on either side — or when what waits here is only
            // what the server refuses, which another round will not change.
            let stuck = report.acknowledged == 0;
            if !report.more && (p.changes_pending == 0 || stuck) {
                break;
            }
        }
        // Documents a bootstrap stored unread are read for conflicts after the pull, a page
        // at a time (a few hundred milliseconds each on a cheap phone), so the conflicts list
        // fills without the bootstrap loading every document; what is left waits for the
        // next sync.
        let checking = std::time::Instant::now();
        for _ in 0..CONFLICT_PAGES_PER_SYNC {
            cancelled(opts)?;
            let page = self.check_unread_conflicts(CONFLICT_PAGE)?;
            summary.conflicts_read += page.read as u64;
            let left = page.left;
            for id in page.flagged {
                if seen_changed.insert(id.clone()) {
                    summary.changed_records.push(id);
                }
            }
            if left == 0 {
                break;
            }
        }
        summary.conflict_check_time = checking.elapsed();
        if opts.blobs {
            summary.blobs_uploaded = self.upload_blobs(&transport, &token, opts)?;
        }
        Ok(summary)
    }

    fn upload_blobs(
        &mut self,
        transport: &Transport,
        token: &str,
        opts: &SyncOptions,
    ) -> Result<u64, SyncError> {
        let mut uploaded = 0;
        for (reference, record) in self.blob_uploads(200)? {
            cancelled(opts)?;
            let Some(bytes) = self.get_blob(&reference.hash)? else {
                continue;
            };
            with_retries(opts, || {
                transport.put_blob(
                    token,
                    &reference.hash,
                    &record,
                    &reference.media_type,
                    bytes.clone(),
                )
            })?;
            self.mark_uploaded(std::slice::from_ref(&reference.hash))?;
            uploaded += 1;
        }
        Ok(uploaded)
    }

    /// Fetches the attachments of one record that this phone lacks (the photos of a record
    /// being opened); returns how many arrived.
    pub fn fetch_record_blobs(
        &mut self,
        record: RecordId,
        opts: &SyncOptions,
    ) -> Result<u64, SyncError> {
        let plan = self.plan_blob_fetch(record)?;
        let mut fetched = 0;
        for (hash, bytes) in plan.download(opts)? {
            self.store_fetched_blob(&hash, &bytes)?;
            fetched += 1;
        }
        Ok(fetched)
    }

    /// What fetching a record's missing attachments needs from the store, read at once so
    /// the download ([`BlobFetch::download`]) runs without the store: a phone's screens keep
    /// reading it while photos arrive over a slow network.
    pub fn plan_blob_fetch(&self, record: RecordId) -> Result<BlobFetch, SyncError> {
        let (Some(server), Some(token)) = (self.meta(K_SERVER)?, self.meta(K_TOKEN)?) else {
            return Err(SyncError::NotEnrolled);
        };
        Ok(BlobFetch {
            server,
            token,
            hashes: self.missing_blobs_of(record)?,
        })
    }
}

/// A record's attachments to download, and where from (see [`Store::plan_blob_fetch`]).
pub struct BlobFetch {
    server: String,
    token: String,
    hashes: Vec<String>,
}

/// Without the token: a plan may be logged.
impl std::fmt::Debug for BlobFetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobFetch")
            .field("server", &self.server)
            .field("hashes", &self.hashes)
            .finish_non_exhaustive()
    }
}

impl BlobFetch {
    /// The hashes to fetch; empty when the phone holds every attachment of the record.
    pub fn hashes(&self) -> &[String] {
        &self.hashes
    }

    /// Downloads the attachments; those the server does not have (yet) are left out. Hand
    /// each to [`Store::store_fetched_blob`], which checks its bytes against its hash.
    pub fn download(&self, opts: &SyncOptions) -> Result<Vec<(String, Vec<u8>)>, SyncError> {
        if self.hashes.is_empty() {
            return Ok(Vec::new());
        }
        let transport = Transport::new(&self.server, opts.timeout)?;
        let mut out = Vec::new();
        for hash in &self.hashes {
            cancelled(opts)?;
            if let Some(bytes) = with_retries(opts, || transport.get_blob(&self.token, hash))? {
                out.push((hash.clone(), bytes));
            }
        }
        Ok(out)
    }
}

/// Documents read for conflicts per page after a sync, and pages per sync: ~0.4 ms to load
/// each, so a page is a fraction of a second and a 10,000-record grid is read in one sync.
const CONFLICT_PAGE: usize = 500;
const CONFLICT_PAGES_PER_SYNC: usize = 20;

fn cancelled(opts: &SyncOptions) -> Result<(), SyncError> {
    match &opts.cancel {
        Some(flag) if flag.load(Ordering::SeqCst) => Err(SyncError::Cancelled),
        _ => Ok(()),
    }
}

/// Runs `f`, retrying transient failures with capped exponential backoff and full jitter
/// (so a street of phones that lost signal together do not come back in lockstep).
fn with_retries<T>(
    opts: &SyncOptions,
    mut f: impl FnMut() -> Result<T, SyncError>,
) -> Result<T, SyncError> {
    let mut attempt = 0;
    loop {
        match f() {
            Err(e) if e.is_transient() && attempt + 1 < opts.max_attempts.max(1) => {
                let cap = opts
                    .base_delay
                    .saturating_mul(1u32 << attempt.min(16))
                    .min(opts.max_delay);
                let wait = cap.mul_f64(rand::rng().random_range(0.5..=1.0));
                std::thread::sleep(wait);
                cancelled(opts)?;
                attempt += 1;
            }
            other => return other,
        }
    }
}
