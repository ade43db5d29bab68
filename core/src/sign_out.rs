//! Several people, one phone. Each worker signed in on a phone has a store file of their own
//! in one directory, so a second worker never opens the first one's records. The file is
//! named by a random slot id made before enrolment: the store (and its actor) must exist to
//! enrol, so a name derived from what the relay gives at enrolment would mean renaming a live
//! store — and a store that moves is taken for a copy (`incarnation`). The name carries
//! nothing about the person either way.
//!
//! Signing out never loses work: a store holding changes or attachments the server has not
//! taken, or edits it refused, is refused a sign-out unless the worker confirms, and even
//! then it is kept on the phone (listed by [`StoreSlots::kept`], synced when possible) —
//! only a store with nothing unsynced is removed, since all of it lives on the server.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::store::Store;

/// The file naming the signed-in worker's store (its file name, nothing else).
const ACTIVE: &str = "active";
const PREFIX: &str = "w-";
const SUFFIX: &str = ".db";

/// Work on a store the server does not have yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unsynced {
    pub changes: u64,
    pub uploads: u64,
    /// Edits the server refused for good, kept for a person to look at.
    pub refused: u64,
    /// Forms begun and not saved (drafts live only on this phone).
    pub drafts: u64,
}

impl Unsynced {
    pub fn any(&self) -> bool {
        self.changes + self.uploads + self.refused + self.drafts > 0
    }

    /// What is still on the phone, each count with its words, for the question below.
    fn parts(&self, words: [&str; 4]) -> Vec<String> {
        [self.changes, self.uploads, self.refused, self.drafts]
            .into_iter()
            .zip(words)
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| w.replace("{}", &n.to_string()))
            .collect()
    }

    /// The question a phone asks before signing out, in Chinese.
    pub fn message_zh(&self) -> String {
        let parts = self.parts([
            "{} 项修改未上传",
            "{} 个附件未上传",
            "{} 项修改被服务器退回",
            "{} 份未完成的表单",
        ]);
        format!(
            "本机还有{}。退出后这些内容仍保留在手机上，有网时会继续上传，但退出期间别人登录看不到。确定退出吗？",
            parts.join("、")
        )
    }

    pub fn message_en(&self) -> String {
        let parts = self.parts([
            "{} unsent changes",
            "{} unsent attachments",
            "{} changes the server refused",
            "{} unfinished forms",
        ]);
        format!(
            "This phone still holds {}. They stay on the phone after signing out and go up when there is a connection, but no one else who signs in sees them. Sign out?",
            parts.join(", ")
        )
    }
}

/// Why a sign-out did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SignOutError {
    /// Unsynced work and no confirmation: nothing was changed. Ask, then call again confirmed.
    #[error(
        "unsynced work: {} changes, {} uploads, {} refused, {} drafts; confirm to sign out",
        .0.changes, .0.uploads, .0.refused, .0.drafts
    )]
    Unsynced(Unsynced),
    #[error(transparent)]
    Store(#[from] Error),
}

/// What a sign-out did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOut {
    /// The store file was removed (nothing was left unsynced).
    pub removed: bool,
    /// What was still unsynced, kept on the phone.
    pub kept: Unsynced,
}

impl Store {
    /// What this store holds that the server has not taken.
    pub fn unsynced(&self) -> Result<Unsynced> {
        Ok(Unsynced {
            changes: self.outbox_len()? as u64,
            uploads: self.blobs_to_upload(usize::MAX >> 1)?.len() as u64,
            refused: self.refused_changes()?.len() as u64,
            drafts: self.drafts()?.len() as u64,
        })
    }
}

/// The store files of the workers who have signed in on this phone, in one directory.
#[derive(Debug, Clone)]
pub struct StoreSlots {
    dir: PathBuf,
}

impl StoreSlots {
    pub fn new(dir: impl Into<PathBuf>) -> StoreSlots {
        StoreSlots { dir: dir.into() }
    }

    /// The signed-in worker's store file. When nobody is signed in, a new slot is chosen and
    /// becomes the active one (the file itself is created when the store is opened).
    pub fn active_path(&self) -> Result<PathBuf> {
        if let Some(path) = self.current()? {
            return Ok(path);
        }
        std::fs::create_dir_all(&self.dir)?;
        let name = format!("{PREFIX}{}{SUFFIX}", hex::encode(rand::random::<[u8; 8]>()));
        // Written aside and renamed, so a phone dying mid-write leaves the old pointer or the
        // new one, never half a name.
        let tmp = self.dir.join(format!("{ACTIVE}.tmp"));
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(name.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, self.dir.join(ACTIVE))?;
        Ok(self.dir.join(name))
    }

    /// The active store file, if someone is signed in.
    pub fn current(&self) -> Result<Option<PathBuf>> {
        match std::fs::read_to_string(self.dir.join(ACTIVE)) {
            Ok(text) => {
                let name = text.trim();
                Ok(is_slot_name(name).then(|| self.dir.join(name)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores of workers who signed out with work still unsynced (every slot file but the
    /// active one). Files a recovery moved aside are not slots and are not listed.
    pub fn kept(&self) -> Result<Vec<PathBuf>> {
        let active = self.current()?;
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut kept = Vec::new();
        for entry in entries {
            let path = entry?.path();
            let is_slot = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_slot_name);
            if is_slot && Some(&path) != active.as_ref() {
                kept.push(path);
            }
        }
        kept.sort();
        Ok(kept)
    }

    /// Signs the worker of `store` out. With unsynced work and `confirmed` false, refuses and
    /// changes nothing. Otherwise the store is closed and nobody is signed in any more; its
    /// file is removed only when nothing in it is unsynced.
    pub fn sign_out(&self, store: Store, confirmed: bool) -> Result<SignedOut, SignOutError> {
        let unsynced = store.unsynced()?;
        if unsynced.any() && !confirmed {
            return Err(SignOutError::Unsynced(unsynced));
        }
        let path = store
            .connection()
            .path()
            .map(PathBuf::from)
            .filter(|p| self.holds(p));
        drop(store);
        if path.is_some() && self.is_active(path.as_deref())? {
            remove_if_present(&self.dir.join(ACTIVE))?;
        }
        let removed = match &path {
            Some(path) if !unsynced.any() => {
                remove_store_files(path)?;
                true
            }
            _ => false,
        };
        Ok(SignedOut {
            removed,
            kept: unsynced,
        })
    }

    /// Removes a kept store once nothing in it is unsynced (after a sync went through);
    /// returns whether it did. A store with work left is never touched.
    pub fn remove_if_synced(&self, store: Store) -> Result<bool> {
        if store.unsynced()?.any() {
            return Ok(false);
        }
        let path = store
            .connection()
            .path()
            .map(PathBuf::from)
            .filter(|p| self.holds(p));
        drop(store);
        match path {
            Some(path) if !self.is_active(Some(&path))? => {
                remove_store_files(&path)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Whether `path` (a slot of this directory) is the signed-in worker's, by file name:
    /// the same file may have been opened under another spelling of the directory.
    fn is_active(&self, path: Option<&Path>) -> Result<bool> {
        let name = |p: &Path| p.file_name().map(|n| n.to_owned());
        Ok(match (self.current()?, path) {
            (Some(active), Some(path)) => name(&active) == name(path),
            _ => false,
        })
    }

    /// Whether `path` is a slot file in this directory (nothing else is ever removed).
    fn holds(&self, path: &Path) -> bool {
        let named = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_slot_name);
        let here = match (
            path.parent().map(Path::canonicalize),
            self.dir.canonicalize(),
        ) {
            (Some(Ok(a)), Ok(b)) => a == b,
            _ => false,
        };
        named && here
    }
}

fn is_slot_name(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn remove_store_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        remove_if_present(Path::new(&name))?;
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}
