//! Attachments (photos, signatures, documents) as content-addressed blobs: a blob is named by
//! the SHA-256 of its bytes, records embed only a [`BlobRef`], and blobs travel to and from the
//! server apart from the documents.
//!
//! Each blob row is in one of three states:
//! - `local`: taken on this device, the server does not have it yet ([`Store::blobs_to_upload`]);
//! - `uploaded`: the server has it and this device holds the bytes;
//! - `remote`: a record from another device references it and this device does not hold the
//!   bytes yet ([`Store::blobs_to_fetch`]).
//!
//! Rejections are [`Error::Invalid`] with field `attachment` and a reason naming the rule;
//! messages never carry the bytes.

use std::path::Path;

use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Store;
use crate::blob_type::{self, MediaType};
use crate::error::{Error, Invalid, Result};

/// The default cap on one attachment: 10 MiB.
pub const DEFAULT_MAX_BLOB_BYTES: u64 = 10 * 1024 * 1024;

const LIMITS_KEY: &str = "blob_max_bytes";
const FIELD: &str = "attachment";

/// What this device accepts as a new attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobLimits {
    /// Largest accepted blob, in bytes.
    pub max_bytes: u64,
}

impl Default for BlobLimits {
    fn default() -> Self {
        BlobLimits {
            max_bytes: DEFAULT_MAX_BLOB_BYTES,
        }
    }
}

/// What a record embeds to reference an attachment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct BlobRef {
    /// SHA-256 of the bytes, 64 lowercase hex digits.
    pub hash: String,
    /// Canonical media type (`image/jpeg`, `image/png`, `image/webp`, `image/heic`,
    /// `application/pdf`).
    pub media_type: String,
    /// Length of the bytes.
    pub size: u64,
}

impl BlobRef {
    /// Checks the reference's form: hash format, an accepted media type, a size of at least
    /// one byte that SQLite can hold. Says nothing about whether the blob exists.
    pub fn validate(&self) -> Result<(), Invalid> {
        check_hash(&self.hash)?;
        if MediaType::parse(&self.media_type).is_none() {
            return Err(Invalid::new(FIELD, "media type is not an accepted type"));
        }
        if self.size == 0 {
            return Err(Invalid::new(FIELD, "size must be at least one byte"));
        }
        if i64::try_from(self.size).is_err() {
            return Err(Invalid::new(FIELD, "size is out of range"));
        }
        Ok(())
    }
}

/// Where a blob stands between this device and the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlobState {
    /// Held here, not yet on the server.
    Local,
    /// Held here and on the server.
    Uploaded,
    /// Known only by reference; to be fetched from the server.
    Remote,
}

impl BlobState {
    pub fn as_str(self) -> &'static str {
        match self {
            BlobState::Local => "local",
            BlobState::Uploaded => "uploaded",
            BlobState::Remote => "remote",
        }
    }

    fn parse(text: &str) -> Option<BlobState> {
        match text {
            "local" => Some(BlobState::Local),
            "uploaded" => Some(BlobState::Uploaded),
            "remote" => Some(BlobState::Remote),
            _ => None,
        }
    }
}

/// What the store knows about one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    pub reference: BlobRef,
    pub state: BlobState,
    /// When this device first learnt of the blob (RFC 3339, UTC).
    pub added_at: Option<String>,
}

/// Whether `text` has the form of a blob hash: 64 lowercase hex digits.
pub fn is_blob_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The blob hash of `bytes`: SHA-256, lowercase hex.
pub fn blob_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::Invalid(Invalid::new(FIELD, reason))
}

fn check_hash(hash: &str) -> Result<(), Invalid> {
    if is_blob_hash(hash) {
        Ok(())
    } else {
        Err(Invalid::new(
            FIELD,
            "hash must be 64 lowercase hexadecimal digits",
        ))
    }
}

fn check_size(len: u64, limits: BlobLimits) -> Result<()> {
    if len == 0 {
        return Err(invalid("attachment is empty"));
    }
    if len > limits.max_bytes {
        return Err(invalid(format!(
            "attachment is larger than the limit of {} bytes",
            limits.max_bytes
        )));
    }
    Ok(())
}

/// Size cap, then sniffing, then the declared type: the media type of an acceptable new blob.
fn check_new_blob(bytes: &[u8], declared: Option<&str>, limits: BlobLimits) -> Result<MediaType> {
    check_size(bytes.len() as u64, limits)?;
    let sniffed = blob_type::sniff(bytes)
        .ok_or_else(|| invalid("content is not an accepted type (JPEG, PNG, WebP, HEIC or PDF)"))?;
    if let Some(declared) = declared
        && !blob_type::declared_matches(declared, sniffed)
    {
        return Err(invalid(format!(
            "declared media type contradicts the content, which is {sniffed}"
        )));
    }
    Ok(sniffed)
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn size_to_sql(size: u64) -> Result<i64> {
    i64::try_from(size).map_err(|_| invalid("size is out of range"))
}

/// A row of (hash, media_type, size) as read; converted after the query so that a damaged
/// row is reported as such rather than as a SQLite type error.
type RawRef = (String, String, i64);

fn raw_ref(r: &Row<'_>) -> rusqlite::Result<RawRef> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn damaged(hash: &str, reason: &str) -> Error {
    Error::Document {
        id: format!("blob {hash}"),
        reason: reason.into(),
    }
}

fn to_ref((hash, media_type, size): RawRef) -> Result<BlobRef> {
    let size = u64::try_from(size).map_err(|_| damaged(&hash, "negative size"))?;
    Ok(BlobRef {
        hash,
        media_type,
        size,
    })
}

fn query_refs(conn: &rusqlite::Connection, state: BlobState, limit: usize) -> Result<Vec<BlobRef>> {
    let mut stmt = conn.prepare_cached(
        "SELECT hash, media_type, size FROM blobs WHERE state = ?1 ORDER BY added_at, rowid LIMIT ?2",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let raws = stmt
        .query_map(params![state.as_str(), limit], raw_ref)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(to_ref).collect()
}

/// The stored (reference, state) of `hash`, inside a write.
fn stored(tx: &Transaction<'_>, hash: &str) -> Result<Option<(BlobRef, BlobState)>> {
    let row = tx
        .query_row(
            "SELECT hash, media_type, size, state FROM blobs WHERE hash = ?1",
            [hash],
            |r| Ok((raw_ref(r)?, r.get::<_, String>(3)?)),
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((raw, state)) => {
            let state = BlobState::parse(&state).ok_or_else(|| damaged(hash, "unknown state"))?;
            Ok(Some((to_ref(raw)?, state)))
        }
    }
}

impl Store {
    /// The attachment limits in force (stored in `meta`; the default until set).
    pub fn blob_limits(&self) -> Result<BlobLimits> {
        match self.meta(LIMITS_KEY)? {
            None => Ok(BlobLimits::default()),
            Some(text) => text
                .parse::<u64>()
                .map(|max_bytes| BlobLimits { max_bytes })
                .map_err(|_| Error::Document {
                    id: "meta".into(),
                    reason: "stored blob limits do not parse".into(),
                }),
        }
    }

    /// Sets the attachment limits for new blobs; blobs already stored are kept.
    pub fn set_blob_limits(&mut self, limits: BlobLimits) -> Result<()> {
        if limits.max_bytes == 0 || i64::try_from(limits.max_bytes).is_err() {
            return Err(
                Invalid::new("blob_limits.max_bytes", "must be between 1 and 2^63-1").into(),
            );
        }
        self.set_meta(LIMITS_KEY, &limits.max_bytes.to_string())
    }

    /// Stores an attachment taken on this device and returns the reference a record embeds.
    /// The media type is sniffed from the bytes; `declared` (what a picker or file name
    /// claimed) must agree with it. Adding bytes already stored returns the same reference and
    /// stores nothing new; adding the bytes of a blob known only by reference fills it in.
    pub fn add_blob(&mut self, bytes: &[u8], declared: Option<&str>) -> Result<BlobRef> {
        let limits = self.blob_limits()?;
        let media = check_new_blob(bytes, declared, limits)?;
        let reference = BlobRef {
            hash: blob_hash(bytes),
            media_type: media.as_str().to_owned(),
            size: bytes.len() as u64,
        };
        let size = size_to_sql(reference.size)?;
        let now = now_text();
        self.write(|tx| {
            match stored(tx, &reference.hash)? {
                None => {
                    tx.execute(
                        "INSERT INTO blobs (hash, media_type, size, bytes, state, added_at)
                         VALUES (?1, ?2, ?3, ?4, 'local', ?5)",
                        params![reference.hash, reference.media_type, size, bytes, now],
                    )?;
                }
                // Known by reference only: the bytes in hand are the truth for type and size.
                // Uploading them again is harmless, and makes sure the server has them.
                Some((_, BlobState::Remote)) => {
                    tx.execute(
                        "UPDATE blobs SET media_type = ?2, size = ?3, bytes = ?4, state = 'local'
                         WHERE hash = ?1",
                        params![reference.hash, reference.media_type, size, bytes],
                    )?;
                }
                Some(_) => {}
            }
            Ok(())
        })?;
        Ok(reference)
    }

    /// [`Store::add_blob`] with the bytes of a file. A file over the size cap is rejected
    /// before it is read.
    pub fn add_blob_file(
        &mut self,
        path: impl AsRef<Path>,
        declared: Option<&str>,
    ) -> Result<BlobRef> {
        let limits = self.blob_limits()?;
        let len = std::fs::metadata(path.as_ref())?.len();
        check_size(len, limits)?;
        let bytes = std::fs::read(path.as_ref())?;
        self.add_blob(&bytes, declared)
    }

    /// The bytes of a blob; `None` when it is known only by reference (not fetched yet) or
    /// not known at all ([`Store::blob_info`] tells the two apart).
    pub fn get_blob(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        check_hash(hash)?;
        let bytes: Option<Option<Vec<u8>>> = self
            .conn
            .query_row("SELECT bytes FROM blobs WHERE hash = ?1", [hash], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(bytes.flatten())
    }

    /// What the store knows about a blob, or `None` if nothing.
    pub fn blob_info(&self, hash: &str) -> Result<Option<BlobInfo>> {
        check_hash(hash)?;
        let row = self
            .conn
            .query_row(
                "SELECT hash, media_type, size, state, added_at FROM blobs WHERE hash = ?1",
                [hash],
                |r| {
                    Ok((
                        raw_ref(r)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((raw, state, added_at)) = row else {
            return Ok(None);
        };
        let state = BlobState::parse(&state).ok_or_else(|| damaged(hash, "unknown state"))?;
        Ok(Some(BlobInfo {
            reference: to_ref(raw)?,
            state,
            added_at,
        }))
    }

    /// A record (typically from another device) references `reference`: remember it so the
    /// blob is fetched, unless it is already known. Returns whether it was new. A reference
    /// whose media type or size disagrees with what is already known under the same hash is
    /// rejected. The size cap does not apply: the blob was accepted where it was taken.
    pub fn note_blob_reference(&mut self, reference: &BlobRef) -> Result<bool> {
        reference.validate()?;
        let media = MediaType::parse(&reference.media_type)
            .ok_or_else(|| invalid("media type is not an accepted type"))?;
        let size = size_to_sql(reference.size)?;
        let now = now_text();
        self.write(|tx| match stored(tx, &reference.hash)? {
            Some((known, _)) => {
                if known.media_type != media.as_str() || known.size != reference.size {
                    return Err(invalid(
                        "reference disagrees with the blob already known by this hash",
                    ));
                }
                Ok(false)
            }
            None => {
                tx.execute(
                    "INSERT INTO blobs (hash, media_type, size, bytes, state, added_at)
                     VALUES (?1, ?2, ?3, NULL, 'remote', ?4)",
                    params![reference.hash, media.as_str(), size, now],
                )?;
                Ok(true)
            }
        })
    }

    /// Up to `limit` blobs taken here that the server does not have yet, oldest first.
    pub fn blobs_to_upload(&self, limit: usize) -> Result<Vec<BlobRef>> {
        query_refs(&self.conn, BlobState::Local, limit)
    }

    /// The server has stored these blobs. Hashes of blobs not waiting for upload are ignored;
    /// returns how many changed state. A malformed hash rejects the whole call, changing
    /// nothing.
    pub fn mark_uploaded(&mut self, hashes: &[String]) -> Result<usize> {
        for hash in hashes {
            check_hash(hash)?;
        }
        self.write(|tx| {
            let mut stmt = tx.prepare_cached(
                "UPDATE blobs SET state = 'uploaded' WHERE hash = ?1 AND state = 'local'",
            )?;
            let mut n = 0;
            for hash in hashes {
                n += stmt.execute([hash])?;
            }
            Ok(n)
        })
    }

    /// Blobs waiting for upload that a record names, each with one such record: the server
    /// ties every attachment to a record its uploader may write. A blob no record names yet
    /// waits until one does.
    pub fn blob_uploads(&self, limit: usize) -> Result<Vec<(BlobRef, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.hash, b.media_type, b.size, min(r.record_id) FROM blobs b JOIN record_blobs r ON r.hash = b.hash
             WHERE b.state = 'local' GROUP BY b.hash ORDER BY b.added_at, b.hash LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                BlobRef {
                    hash: r.get(0)?,
                    media_type: r.get(1)?,
                    size: r.get::<_, i64>(2)? as u64,
                },
                r.get(3)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Hashes of the attachments a record names that this device does not hold.
    pub fn missing_blobs_of(&self, record: crate::RecordId) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.hash FROM record_blobs r JOIN blobs b ON b.hash = r.hash
             WHERE r.record_id = ?1 AND b.state = 'remote' ORDER BY r.hash",
        )?;
        let rows = stmt.query_map([record.to_string()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Up to `limit` blobs known only by reference, to fetch from the server, oldest first.
    pub fn blobs_to_fetch(&self, limit: usize) -> Result<Vec<BlobRef>> {
        query_refs(&self.conn, BlobState::Remote, limit)
    }

    /// Stores the bytes of a blob fetched from the server. The bytes must hash to `hash`, and
    /// their length and sniffed type must be those of the reference; otherwise nothing is
    /// stored. The blob's state becomes `uploaded` (the server has it). Bytes of a blob this
    /// device already holds are accepted and change nothing.
    pub fn store_fetched_blob(&mut self, hash: &str, bytes: &[u8]) -> Result<BlobRef> {
        check_hash(hash)?;
        if blob_hash(bytes) != hash {
            return Err(invalid("bytes do not match the hash"));
        }
        let sniffed = blob_type::sniff(bytes);
        self.write(|tx| {
            let Some((known, state)) = stored(tx, hash)? else {
                return Err(invalid("no reference to this blob is known"));
            };
            if state != BlobState::Remote {
                return Ok(known);
            }
                        // A record names its attachments by hash alone; size 0 and an empty type mean
            // "not yet known", learnt from the bytes themselves.
            if known.size != 0 && known.size != bytes.len() as u64 {
                return Err(invalid("size does not match the reference"));
            }
            let Some(sniffed) = sniffed else {
                return Err(invalid("content is not an accepted type (JPEG, PNG, WebP, HEIC or PDF)"));
            };
            if !known.media_type.is_empty() && sniffed.as_str() != known.media_type {
                return Err(invalid("content type does not match the reference"));
            }
            tx.execute(
                "UPDATE blobs SET bytes = ?2, state = 'uploaded', size = ?3, media_type = ?4 WHERE hash = ?1",
                params![hash, bytes, bytes.len() as i64, sniffed.as_str()],
            )?;
            Ok(BlobRef { hash: hash.to_string(), media_type: sniffed.as_str().to_string(), size: bytes.len() as u64 })
        })
    }
}
