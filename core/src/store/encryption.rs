//! Encryption at rest with SQLCipher. The apps keep a random 256-bit key in the Android
//! Keystore / iOS Keychain and hand it in raw, so opening skips SQLCipher's passphrase
//! derivation (hundreds of milliseconds on a cheap phone) — the key already is random.
//!
//! Only a build with core's `sqlcipher` feature can key a store; plain SQLite would accept
//! `PRAGMA key` silently and write plaintext, so every keyed path first proves the linked
//! library is SQLCipher.

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{Durability, Store, connect};
use crate::error::{Error, Result};

/// A store's 256-bit key. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl StoreKey {
    pub const LEN: usize = 32;

    /// A key from the host's secure storage; exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<StoreKey> {
        let raw: [u8; 32] = bytes.try_into().map_err(|_| {
            crate::Invalid::new(
                "key",
                format!("must be {} bytes, not {}", Self::LEN, bytes.len()),
            )
        })?;
        Ok(StoreKey(raw))
    }

    /// SQLCipher's raw-key literal: `x'…'` inside the pragma's string means "use as is".
    fn pragma_value(&self) -> String {
        format!("x'{}'", hex::encode(self.0))
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

/// Keys a fresh connection. `PRAGMA key` must come before anything reads the file.
pub(super) fn apply_key(conn: &Connection, key: &StoreKey) -> Result<()> {
    require_sqlcipher(conn)?;
    // A wrong key is an expected, typed outcome; SQLCipher would also log it to stderr.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    conn.pragma_update(None, "key", key.pragma_value())?;
    Ok(())
}

fn require_sqlcipher(conn: &Connection) -> Result<()> {
    let version: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .ok();
    match version {
        Some(v) if !v.is_empty() => Ok(()),
        _ => Err(Error::EncryptionUnavailable),
    }
}

/// SQLite says "file is not a database" when the key (or its absence) does not fit the file.
pub(super) fn is_wrong_key(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase
    )
}

impl Store {
    /// Creates an encrypted store at `path` (or opens it if it already exists with this key).
    pub fn init_encrypted(
        path: impl AsRef<Path>,
        key: &StoreKey,
        user: Option<&str>,
    ) -> Result<Store> {
        Store::init_with_key(path.as_ref(), Some(key), user)
    }

    /// Opens an initialised encrypted store; [`Error::WrongKey`] if `key` does not open it.
    pub fn open_encrypted(path: impl AsRef<Path>, key: &StoreKey) -> Result<Store> {
        Store::open_with_key(path.as_ref(), Durability::default(), Some(key))
    }

    /// Whether the file at `path` is a plaintext store (one that needs [`Store::encrypt_in_place`]
    /// before the app opens it with a key). `false` for an encrypted or missing file.
    pub fn is_plaintext_store(path: impl AsRef<Path>) -> Result<bool> {
        let path = path.as_ref();
        if !path.exists() {
            return Ok(false);
        }
        let mut header = [0u8; 16];
        let mut file = std::fs::File::open(path)?;
        let read = std::io::Read::read(&mut file, &mut header)?;
        Ok(read == 16 && &header == b"SQLite format 3\0")
    }

    /// Turns a plaintext store into an encrypted one under `key`, in place. The encrypted copy
    /// is written beside it, checked by opening it with the key, and only then renamed over
    /// the original, so an interrupted migration leaves the plaintext store as it was.
    ///
    /// The plaintext's old disk blocks are not wiped (flash storage cannot promise that); the
    /// apps migrate once, right after an update, before more personal data is written.
    pub fn encrypt_in_place(path: impl AsRef<Path>, key: &StoreKey) -> Result<()> {
        let path = path.as_ref();
        let tmp = sibling(path, "encrypting");
        remove_if_exists(&tmp)?;
        {
            let conn = connect(path, Durability::Full, false, None)?;
            require_sqlcipher(&conn)?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let tmp_text = tmp.to_str().ok_or_else(|| {
                crate::Invalid::new("path", "must be valid UTF-8 to be encrypted in place")
            })?;
            conn.execute(
                "ATTACH DATABASE ?1 AS encrypted KEY ?2",
                [tmp_text, key.pragma_value().as_str()],
            )?;
            conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
            // sqlcipher_export copies tables and rows, not the schema version migrations read.
            conn.pragma_update(Some("encrypted"), "user_version", version)?;
            conn.execute("DETACH DATABASE encrypted", [])?;
        }
        // The encrypted file is this store rewritten, not a copy of it: it keeps the actor,
        // so it takes on its own file identity before the first open would call it a copy.
        // The rename below keeps that identity.
        {
            let mut conn = Connection::open(&tmp)?;
            apply_key(&conn, key)?;
            super::incarnation::adopt_file(&mut conn, &tmp)?;
        }
        Store::open_encrypted(&tmp, key)?
            .integrity_check()
            .and_then(|ok| {
                if ok == "ok" {
                    Ok(())
                } else {
                    Err(Error::Document {
                        id: "store".into(),
                        reason: format!("encrypted copy failed its integrity check: {ok}"),
                    })
                }
            })?;
        for suffix in ["wal", "shm"] {
            remove_if_exists(&sibling(path, suffix))?;
            remove_if_exists(&sibling(&tmp, suffix))?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

/// `store.db` → `store.db-wal`: SQLite's own naming for the files beside a database.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-");
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}
