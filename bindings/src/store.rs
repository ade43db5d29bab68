//! `GridStore`: one encrypted store on the phone, shared by every screen and the sync worker.
//! Calls are serialized on one connection (documents are appended to in place, so two
//! connections writing one store would race); each call is short except `sync`, which holds
//! the store while it runs — call it from a background worker, never the UI thread.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gridkeeper_core::sign_out::{SignOutError, StoreSlots};
use gridkeeper_core::store::StoreKey;
use gridkeeper_core::sync::SyncOptions;
use gridkeeper_core::{Kind, RecordId, Store};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use crate::errors::{GridkeeperError, Result, poisoned, signed_out, unsynced_work};
use crate::patch::merge_patch_between;
use crate::records::{CaseState, CaseTransition, EscalationLevel};
use crate::subscription::{RecordsChanged, Registry, Subscription};
use crate::sync::{
    CancelToken, Enrolment, SignedOut, StoreRecovery, SyncProgress, SyncStatus, SyncSummary,
};
use crate::views::{
    Agenda, AttachmentRef, ChecklistTemplate, Conflict, HistoryEntry, RecordKind, SearchHit,
};

/// Live `GridStore` objects in this process, for leak checks in tests and diagnostics.
static OPEN_STORES: AtomicU64 = AtomicU64::new(0);

/// How many `GridStore` objects are alive in this process (closed ones are not counted).
#[uniffi::export]
pub fn open_store_count() -> u64 {
    OPEN_STORES.load(Ordering::SeqCst)
}

/// Whether the file at `path` is an unencrypted store from an earlier app version, which
/// `encryptPlaintextStore` must migrate before `GridStore.open` can open it.
#[uniffi::export]
pub fn is_plaintext_store(path: String) -> Result<bool> {
    Ok(Store::is_plaintext_store(path)?)
}

/// Encrypts a plaintext store in place under `key` (32 bytes). An interrupted migration
/// leaves the plaintext store as it was; run it again.
#[uniffi::export]
pub fn encrypt_plaintext_store(path: String, key: Vec<u8>) -> Result<()> {
    let key = StoreKey::from_bytes(&key)?;
    Ok(Store::encrypt_in_place(path, &key)?)
}

#[derive(uniffi::Object)]
pub struct GridStore {
    /// `None` once the worker signed out: the file may be gone, so nothing may touch it.
    store: Mutex<Option<Store>>,
    attachment_cache: PathBuf,
    listeners: Registry,
}

impl std::fmt::Debug for GridStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GridStore")
            .field("attachment_cache", &self.attachment_cache)
            .finish_non_exhaustive()
    }
}

impl Drop for GridStore {
    fn drop(&mut self) {
        OPEN_STORES.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(crate) fn record_id(id: &str) -> Result<RecordId> {
    Ok(id.parse::<RecordId>()?)
}

/// Between this crate's records and core's JSON. A failure here is a mismatch between the
/// two layers, not the caller's input, so it is reported as a storage fault.
fn to_json<T: Serialize>(value: &T) -> Result<Json> {
    serde_json::to_value(value).map_err(|e| GridkeeperError::Storage {
        detail: format!("cannot convert a record for core: {e}"),
    })
}

fn from_json<T: DeserializeOwned>(what: &str, value: Json) -> Result<T> {
    serde_json::from_value(value).map_err(|e| GridkeeperError::Storage {
        detail: format!("cannot read {what} from core: {e}"),
    })
}

/// A stored record as core returns it: envelope, unmasked data and derived values.
pub(crate) struct Stored {
    pub id: String,
    pub grid: String,
    pub archived: bool,
    pub created_at: String,
    pub data: Json,
    pub derived: Json,
}

impl Stored {
    pub(crate) fn data<T: DeserializeOwned>(&self, what: &str) -> Result<T> {
        from_json(what, self.data.clone())
    }
}

impl GridStore {
    fn wrap(store: Store, attachment_cache_dir: String) -> Result<Arc<Self>> {
        std::fs::create_dir_all(&attachment_cache_dir).map_err(|e| GridkeeperError::Storage {
            detail: format!("cannot create the attachment cache: {e}"),
        })?;
        OPEN_STORES.fetch_add(1, Ordering::SeqCst);
        Ok(Arc::new(GridStore {
            store: Mutex::new(Some(store)),
            attachment_cache: PathBuf::from(attachment_cache_dir),
            listeners: Registry::default(),
        }))
    }

    fn with<R>(&self, f: impl FnOnce(&mut Store) -> gridkeeper_core::Result<R>) -> Result<R> {
        let mut guard = self.store.lock().map_err(|_| poisoned())?;
        let store = guard.as_mut().ok_or_else(signed_out)?;
        Ok(f(store)?)
    }

    /// Runs a screen's update, which reports failures in its view rather than as errors.
    pub(crate) fn screen_write<R>(&self, f: impl FnOnce(&mut Store) -> R) -> Result<R> {
        let mut guard = self.store.lock().map_err(|_| poisoned())?;
        Ok(f(guard.as_mut().ok_or_else(signed_out)?))
    }

    /// Tells subscribers that a screen changed these records.
    pub(crate) fn notify(&self, record_ids: &[String]) {
        self.listeners.notify(record_ids);
    }

    /// Runs a sync and gives back core's own outcome, for the sync screen to word.
    pub(crate) fn sync_outcome(
        &self,
        progress: &mut dyn FnMut(&gridkeeper_core::sync::Progress),
        cancel: &CancelToken,
    ) -> Result<Result<gridkeeper_core::sync::SyncSummary, gridkeeper_core::sync::SyncError>> {
        let opts = SyncOptions {
            cancel: Some(cancel.flag()),
            ..SyncOptions::default()
        };
        let outcome = {
            let mut guard = self.store.lock().map_err(|_| poisoned())?;
            let store = guard.as_mut().ok_or_else(signed_out)?;
            store.sync(&opts, progress)
        };
        if let Ok(summary) = &outcome {
            self.listeners.notify(&summary.changed_records);
        }
        Ok(outcome)
    }

    /// Enrols and gives back core's own outcome, for the enrolment screen to word.
    pub(crate) fn enrol_outcome(
        &self,
        server: &str,
        code: &str,
    ) -> Result<Result<gridkeeper_core::sync::Enrolment, gridkeeper_core::sync::SyncError>> {
        let mut guard = self.store.lock().map_err(|_| poisoned())?;
        let store = guard.as_mut().ok_or_else(signed_out)?;
        let outcome = store.enroll(server, code);
        if outcome.is_ok() {
            with_builtin_checklists(store)?;
        }
        Ok(outcome)
    }

    /// Runs `f` on the store for a read that reports its own typed errors.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Store) -> Result<R>) -> Result<R> {
        let guard = self.store.lock().map_err(|_| poisoned())?;
        f(guard.as_ref().ok_or_else(signed_out)?)
    }

    pub(crate) fn create(&self, kind: Kind, grid: &str, data: Json) -> Result<String> {
        let id = self.with(|s| s.create_json(kind, grid, data))?.to_string();
        self.listeners.notify(std::slice::from_ref(&id));
        Ok(id)
    }

    pub(crate) fn create_typed<T: Serialize>(
        &self,
        kind: Kind,
        grid: &str,
        data: &T,
    ) -> Result<String> {
        self.create(kind, grid, to_json(data)?)
    }

    pub(crate) fn load(&self, id: &str, kind: Kind) -> Result<Stored> {
        let rid = record_id(id)?;
        let mut json = self.with(|s| s.get_json(rid, true))?;
        let actual = json["kind"].as_str().unwrap_or_default().to_string();
        if actual != kind.as_str() {
            return Err(GridkeeperError::Invalid {
                field: "id".into(),
                reason: format!("record {id} is a {actual}, not a {kind}"),
            });
        }
        Ok(Stored {
            id: id.to_string(),
            grid: json["grid"].as_str().unwrap_or_default().to_string(),
            archived: json["archived"].as_bool().unwrap_or(false),
            created_at: json["created_at"].as_str().unwrap_or_default().to_string(),
            data: json["data"].take(),
            derived: json["derived"].take(),
        })
    }

    /// Writes only the fields that differ between what the app read and what it wants, so
    /// an edit made while a sync merged other fields does not put their old values back.
    pub(crate) fn update_typed<T: Serialize>(
        &self,
        id: &str,
        kind: Kind,
        original: &T,
        edited: &T,
    ) -> Result<bool> {
        let rid = record_id(id)?;
        let patch = merge_patch_between(&to_json(original)?, &to_json(edited)?);
        if patch.as_object().is_some_and(|o| o.is_empty()) {
            return Ok(false);
        }
        let changed = self.with(|s| {
            let current = s.get_json(rid, false)?;
            if current["kind"].as_str() != Some(kind.as_str()) {
                return Err(gridkeeper_core::Error::WrongKind {
                    id: rid.to_string(),
                    expected: kind.to_string(),
                    actual: current["kind"].as_str().unwrap_or_default().to_string(),
                });
            }
            s.patch_json(rid, &patch)
        })?;
        if changed {
            self.listeners.notify(&[id.to_string()]);
        }
        Ok(changed)
    }

    fn list<T: DeserializeOwned>(
        &self,
        kind: Kind,
        grid: Option<String>,
        search: Option<String>,
    ) -> Result<Vec<T>> {
        let rows = self.with(|s| s.list_json(kind, grid.as_deref(), search.as_deref(), false))?;
        rows.into_iter()
            .map(|row| from_json(kind.as_str(), row))
            .collect()
    }
}

#[uniffi::export]
impl GridStore {
    /// Opens the encrypted store at `path`, creating it when the file does not exist.
    ///
    /// `key` is the store's 32-byte key: generate it once with a secure random source and
    /// keep it in the Android Keystore / iOS Keychain. A key that does not open an existing
    /// store throws `WrongKey` and leaves the file untouched; a store from an earlier,
    /// unencrypted version throws `WrongKey` too — migrate it first with
    /// `encryptPlaintextStore` (check with `isPlaintextStore`).
    ///
    /// `attachment_cache_dir` is an app-private cache directory (Android `cacheDir`, iOS
    /// Caches) where `attachmentPath` writes decrypted attachments for image loaders; the
    /// system may clear it at any time.
    #[uniffi::constructor]
    pub fn open(path: String, key: Vec<u8>, attachment_cache_dir: String) -> Result<Arc<Self>> {
        let key = StoreKey::from_bytes(&key)?;
        let store = Store::init_encrypted(&path, &key, None)?;
        GridStore::wrap(store, attachment_cache_dir)
    }

    /// What the apps open with: like `open`, but a store that is damaged or that the key no
    /// longer opens is never deleted — it is moved aside intact, a fresh store takes its place
    /// with everything that could be read (records, unsynced edits, the enrolment), and
    /// `lastRecovery` says what happened in words for the worker.
    #[uniffi::constructor]
    pub fn open_or_recover(
        path: String,
        key: Vec<u8>,
        attachment_cache_dir: String,
    ) -> Result<Arc<Self>> {
        let key = StoreKey::from_bytes(&key)?;
        let (store, _) = Store::open_encrypted_or_recover(&path, &key, None)?;
        GridStore::wrap(store, attachment_cache_dir)
    }

    /// How both phones open the signed-in worker's store: the active slot in `slots_dir`
    /// (a fresh one when nobody is signed in), the single store of app versions before several
    /// workers (`legacy_path`, with its WAL) moved into the first worker's slot — a rename, so
    /// its history and actor stay as they were —, a store from before encryption encrypted in
    /// place, then `openOrRecover`.
    #[uniffi::constructor]
    pub fn open_active(
        slots_dir: String,
        key: Vec<u8>,
        attachment_cache_dir: String,
        legacy_path: Option<String>,
    ) -> Result<Arc<Self>> {
        let path = StoreSlots::new(&slots_dir).active_path()?;
        if let Some(legacy) = legacy_path.map(PathBuf::from)
            && legacy.exists()
            && !path.exists()
        {
            for suffix in ["-wal", "-shm", ""] {
                let from = PathBuf::from(format!("{}{suffix}", legacy.display()));
                let to = PathBuf::from(format!("{}{suffix}", path.display()));
                if from.exists() {
                    std::fs::rename(&from, &to).map_err(|e| GridkeeperError::Storage {
                        detail: format!("cannot move the store into its slot: {}", e.kind()),
                    })?;
                }
            }
        }
        let path = path.to_string_lossy().into_owned();
        if Path::new(&path).exists() && Store::is_plaintext_store(&path)? {
            encrypt_plaintext_store(path.clone(), key.clone())?;
        }
        GridStore::open_or_recover(path, key, attachment_cache_dir)
    }

    /// The recovery this store came from, until `dismissRecovery`: show it to the worker.
    pub fn last_recovery(&self) -> Result<Option<StoreRecovery>> {
        Ok(self.with(|s| s.last_recovery())?.map(Into::into))
    }

    /// Writes the forms' last keystrokes that are held in memory (drafts are written at most
    /// every two seconds while typing): call it when the app goes to the background, so they
    /// survive the app being killed there. How many drafts were written.
    pub fn flush_drafts(&self) -> Result<u32> {
        Ok(u32::try_from(self.with(|s| s.flush_drafts())?).unwrap_or(u32::MAX))
    }

    /// The worker has read what `lastRecovery` said; it is not shown again.
    pub fn dismiss_recovery(&self) -> Result<()> {
        self.with(|s| s.clear_last_recovery())
    }

    /// Signs the worker out of this phone. With edits, attachments or refused edits the
    /// server does not have, throws `UnsyncedWork` (the counts and the question to ask) and
    /// changes nothing unless `confirmed`; confirmed, the store is kept on the phone and goes
    /// on syncing through `syncKeptStore`. A store with nothing unsynced is removed: it all
    /// lives on the server. Either way this object is closed afterwards; `slots_dir` is the
    /// directory `activeStorePath` was given.
    pub fn sign_out(&self, slots_dir: String, confirmed: bool) -> Result<SignedOut> {
        let mut guard = self.store.lock().map_err(|_| poisoned())?;
        let store = guard.take().ok_or_else(signed_out)?;
        let slots = StoreSlots::new(slots_dir);
        // Refused: the store goes back untouched. Checked here, not in core, because core's
        // sign-out consumes the store and this object must stay usable.
        let unsynced = store.unsynced()?;
        if unsynced.any() && !confirmed {
            *guard = Some(store);
            return Err(unsynced_work(unsynced));
        }
        let out = slots.sign_out(store, true).map_err(|e| match e {
            SignOutError::Unsynced(u) => unsynced_work(u),
            SignOutError::Store(e) => e.into(),
        })?;
        Ok(SignedOut {
            removed: out.removed,
            kept_changes: out.kept.changes,
            kept_uploads: out.kept.uploads,
            kept_refused: out.kept.refused,
            kept_drafts: out.kept.drafts,
        })
    }

    /// This device's id in every change it writes (hex).
    pub fn device_actor(&self) -> Result<String> {
        self.with(|s| Ok(s.actor_hex()))
    }

    /// The worker whose name goes into each change (set by `enroll`).
    pub fn user(&self) -> Result<Option<String>> {
        self.with(|s| Ok(s.user().map(String::from)))
    }

    /// Enrols this phone with a relay server using a one-time code from a supervisor.
    pub fn enroll(&self, server: String, code: String) -> Result<Enrolment> {
        let mut guard = self.store.lock().map_err(|_| poisoned())?;
        let store = guard.as_mut().ok_or_else(signed_out)?;
        let enrolment = store.enroll(&server, &code)?;
        with_builtin_checklists(store)?;
        Ok(enrolment.into())
    }

    /// The grid a new record goes into when the screen does not ask: the grid chosen on this
    /// device, else the only grid this phone is enrolled for; none with several in reach.
    pub fn default_grid(&self) -> Result<Option<String>> {
        self.with(|s| s.default_grid())
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        Ok(self.with(|s| s.sync_status())?.into())
    }

    /// Pushes local changes and pulls every grid in reach until nothing is left, then uploads
    /// attachments. `progress` hears after each round (do not call this store from it: the
    /// store is busy with the sync). Subscribers hear the changed records when it finishes.
    pub fn sync(
        &self,
        progress: Arc<dyn SyncProgress>,
        cancel: Arc<CancelToken>,
    ) -> Result<SyncSummary> {
        let opts = SyncOptions {
            cancel: Some(cancel.flag()),
            ..SyncOptions::default()
        };
        let summary = {
            let mut guard = self.store.lock().map_err(|_| poisoned())?;
            let store = guard.as_mut().ok_or_else(signed_out)?;
            store.sync(&opts, &mut |p| progress.on_progress(p.into()))?
        };
        self.listeners.notify(&summary.changed_records);
        Ok(summary.into())
    }

    /// Hears the ids of records changed by this store's writes and syncs until the returned
    /// handle is cancelled or released.
    pub fn subscribe(&self, listener: Arc<dyn RecordsChanged>) -> Arc<Subscription> {
        self.listeners.add(listener)
    }

    /// How many subscriptions are active.
    pub fn subscription_count(&self) -> u64 {
        self.listeners.len() as u64
    }

    /// Records matching `query`, best first: 张三, zs, zhangs, or the last digits of a phone.
    pub fn search(
        &self,
        query: String,
        kind: Option<RecordKind>,
        grid: Option<String>,
        limit: u32,
    ) -> Result<Vec<SearchHit>> {
        let hits = self.with(|s| {
            s.search(
                &query,
                kind.map(Kind::from),
                grid.as_deref(),
                limit as usize,
            )
        })?;
        Ok(hits
            .into_iter()
            .filter_map(|h| {
                Some(SearchHit {
                    kind: RecordKind::from_name(&h.kind)?,
                    id: h.id,
                    grid: h.grid,
                    title: h.title,
                    score: h.score,
                })
            })
            .collect())
    }

    /// Today's work in a grid (every grid on this device when `None`).
    pub fn agenda(&self, grid: Option<String>) -> Result<Agenda> {
        Ok(self
            .with(|s| s.agenda(grid.as_deref(), chrono::Utc::now()))?
            .into())
    }

    /// Who changed what in a record, and when, oldest first.
    pub fn history(&self, id: String) -> Result<Vec<HistoryEntry>> {
        let rid = record_id(&id)?;
        Ok(self
            .with(|s| s.history(rid))?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Places in a record where two devices wrote different values concurrently.
    pub fn conflicts(&self, id: String) -> Result<Vec<Conflict>> {
        let rid = record_id(&id)?;
        Ok(self
            .with(|s| s.conflicts(rid))?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Keeps value number `pick` of the conflict at `path`.
    pub fn resolve_conflict(&self, id: String, path: String, pick: u32) -> Result<()> {
        let rid = record_id(&id)?;
        self.with(|s| s.resolve_conflict(rid, &path, pick as usize))?;
        self.listeners.notify(&[id]);
        Ok(())
    }

    /// Writes the phone's unsynced work (outbox, edits set aside, photos not yet uploaded) to
    /// `path` as a rescue file, sealed so only the relay can open it and any change to it is
    /// refused there; an administrator imports it as if the phone had synced. For a worker far
    /// from signal: the file goes by USB or another phone. Nothing in the store changes.
    pub fn write_rescue(&self, path: String) -> Result<RescueFileSummary> {
        let summary = self.read(|s| {
            s.write_rescue(&path).map_err(|e| match e {
                gridkeeper_core::rescue::RescueError::NotEnrolled => {
                    GridkeeperError::from(gridkeeper_core::sync::SyncError::NotEnrolled)
                }
                other => GridkeeperError::Storage {
                    detail: other.to_string(),
                },
            })
        })?;
        Ok(RescueFileSummary {
            records: summary.records as u64,
            changes: summary.changes as u64,
            refused: summary.refused as u64,
            photos: summary.blobs as u64,
            bytes: summary.bytes as u64,
        })
    }

    /// Archives a record (nothing is hard-deleted, so archiving syncs and merges).
    pub fn archive(&self, id: String) -> Result<bool> {
        self.set_archived(id, true)
    }

    pub fn restore(&self, id: String) -> Result<bool> {
        self.set_archived(id, false)
    }

    /// Appends a transition to a case's timeline if it is legal from the current state;
    /// returns the new state. An illegal one throws `Invalid` with field `action`.
    pub fn case_transition(
        &self,
        case_id: String,
        transition: CaseTransition,
    ) -> Result<CaseState> {
        let rid = record_id(&case_id)?;
        let escalate_to = transition.escalate_to.map(|level| match level {
            EscalationLevel::Community => gridkeeper_core::kinds::case::EscalationLevel::Community,
            EscalationLevel::Street => gridkeeper_core::kinds::case::EscalationLevel::Street,
        });
        let action = from_json("case action", to_json(&transition.action)?)?;
        let entry = gridkeeper_core::kinds::case::TimelineEntry {
            note: transition.note,
            reason: transition.reason,
            escalate_to,
            photos: transition.photos,
            ..gridkeeper_core::kinds::case::TimelineEntry::new(action)
        };
        let state = self.with(|s| s.case_transition(rid, entry))?;
        self.listeners.notify(&[case_id]);
        from_json("case state", to_json(&state)?)
    }

    /// Installs the checklists that ship with the app (fire safety, gas and electricity);
    /// returns how many were new.
    pub fn install_builtin_templates(&self) -> Result<u32> {
        Ok(self.with(|s| s.install_builtin_templates())? as u32)
    }

    /// The installed checklist templates.
    pub fn templates(&self) -> Result<Vec<ChecklistTemplate>> {
        let templates = self.with(|s| {
            Ok(s.templates()
                .into_iter()
                .map(|t| serde_json::to_value(t).unwrap_or_default())
                .collect::<Vec<_>>())
        })?;
        templates
            .into_iter()
            .map(|t| from_json("a checklist template", t))
            .collect()
    }

    /// Raises the hazard case for a failed checklist item and records it on the inspection,
    /// atomically; category, hazard kind and severity come from the template. Returns the
    /// case id. `description` empty means the item's label.
    pub fn raise_case_for_item(
        &self,
        inspection_id: String,
        item_id: String,
        description: String,
    ) -> Result<String> {
        let rid = record_id(&inspection_id)?;
        let case_id = self
            .with(|s| s.raise_case_for_item(rid, &item_id, &description))?
            .to_string();
        self.listeners.notify(&[case_id.clone(), inspection_id]);
        Ok(case_id)
    }

    /// Stores a photo, signature or PDF taken on this device; records name it by the
    /// returned hash. The type is sniffed from the bytes; `media_type`, when given, must agree.
    pub fn add_photo(&self, bytes: Vec<u8>, media_type: Option<String>) -> Result<AttachmentRef> {
        Ok(self
            .with(|s| s.add_blob(&bytes, media_type.as_deref()))?
            .into())
    }

    /// `addPhoto` with a file's bytes (a camera capture on disk); too large a file is refused
    /// before it is read.
    pub fn add_attachment_file(
        &self,
        path: String,
        media_type: Option<String>,
    ) -> Result<AttachmentRef> {
        Ok(self
            .with(|s| s.add_blob_file(&path, media_type.as_deref()))?
            .into())
    }

    /// A local file holding the attachment, for an image loader; `None` while only its
    /// reference has arrived (then `fetchAttachments` for the record that names it).
    pub fn attachment_path(&self, hash: String) -> Result<Option<String>> {
        let (info, bytes) = self.with(|s| Ok((s.blob_info(&hash)?, s.get_blob(&hash)?)))?;
        let (Some(info), Some(bytes)) = (info, bytes) else {
            return Ok(None);
        };
        let path = self.attachment_cache.join(format!(
            "{}.{}",
            info.reference.hash,
            extension(&info.reference.media_type)
        ));
        if !path.exists() {
            write_atomically(&path, &bytes).map_err(|e| GridkeeperError::Storage {
                detail: format!("cannot write the attachment cache: {e}"),
            })?;
        }
        Ok(Some(path.display().to_string()))
    }

    /// The attachment's bytes, or `None` while only its reference has arrived.
    pub fn attachment_bytes(&self, hash: String) -> Result<Option<Vec<u8>>> {
        self.with(|s| s.get_blob(&hash))
    }

    /// Hashes of the attachments a record names that this phone does not hold yet.
    pub fn missing_attachments(&self, record_id_text: String) -> Result<Vec<String>> {
        let rid = record_id(&record_id_text)?;
        self.with(|s| s.missing_blobs_of(rid))
    }

    /// Downloads the attachments of one record that this phone lacks (the photos of a record
    /// being opened); returns how many arrived.
    pub fn fetch_attachments(&self, record_id_text: String) -> Result<u64> {
        let rid = record_id(&record_id_text)?;
        let mut guard = self.store.lock().map_err(|_| poisoned())?;
        let store = guard.as_mut().ok_or_else(signed_out)?;
        Ok(store.fetch_record_blobs(rid, &SyncOptions::default())?)
    }
}

impl GridStore {
    fn set_archived(&self, id: String, archived: bool) -> Result<bool> {
        let rid = record_id(&id)?;
        let changed = self.with(|s| s.set_archived(rid, archived))?;
        if changed {
            self.listeners.notify(&[id]);
        }
        Ok(changed)
    }

    pub(crate) fn list_of<T: DeserializeOwned>(
        &self,
        kind: RecordKind,
        grid: Option<String>,
        search: Option<String>,
    ) -> Result<Vec<T>> {
        self.list(kind.into(), grid, search)
    }

    pub(crate) fn create_pair(
        &self,
        grid: &str,
        visit: Json,
        case: Json,
    ) -> Result<(String, String)> {
        let (v, c) = self.with(|s| s.create_visit_raising_case(grid, visit, case))?;
        let ids = (v.to_string(), c.to_string());
        self.listeners.notify(&[ids.0.clone(), ids.1.clone()]);
        Ok(ids)
    }

    pub(crate) fn json<T: Serialize>(value: &T) -> Result<Json> {
        to_json(value)
    }

    pub(crate) fn parse<T: DeserializeOwned>(what: &str, value: Json) -> Result<T> {
        from_json(what, value)
    }
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/heic" => "heic",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

/// Another thread (or a killed process) must never see half a file under the final name.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// What a rescue file holds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RescueFileSummary {
    pub records: u64,
    pub changes: u64,
    /// Of `changes`, those the relay had refused before (judged again on import).
    pub refused: u64,
    pub photos: u64,
    pub bytes: u64,
}

/// A phone enrolled for fieldwork inspects with the checklists that ship with Gridkeeper
/// (消防安全, 燃气用电安全) from its first day: the relay knows them without publishing them,
/// and only delivers the versions an administrator published. Installing again is a no-op.
fn with_builtin_checklists(store: &mut Store) -> Result<()> {
    store.install_builtin_templates()?;
    Ok(())
}
