//! The rescue file: a phone's unsynced work carried to the relay without a network (a worker
//! days from signal copies it onto a USB stick or a laptop). Only the relay can read it, and
//! a file altered on the way is refused whole.
//!
//! ```text
//!  "GKRESCUE"  format version (1 byte)  device id length (1 byte)  device id (ASCII)
//!  nonce (24 random bytes)  XChaCha20-Poly1305( gzip( CBOR RescueBody ) ) with its 16-byte tag
//! ```
//!
//! The header travels in the clear and is bound to the ciphertext as associated data, so
//! changing any byte of it fails the check like a changed byte of the body. The device id is
//! the one thing the relay must read before the check — it says whose key to try. A forged
//! id only picks another device's key, under which the tag cannot verify.
//!
//! **The key.** The relay keeps a device's token only as its SHA-256 (hex), so the key is
//! derived from that hash: HKDF-SHA256 with a fixed salt over the hash, the device id in the
//! info. The phone holds the token itself and derives the same key; nobody else holds either.
//! No key is stored or exchanged, a revoked device's files die with its token, and a device
//! enrolled again (a new token) cannot be impersonated by files written under the old one.
//!
//! **What a leaked relay database allows.** Whoever holds a copy of `devices.token_hash` can
//! derive that device's rescue key: they can *forge* a rescue file for that device — changes
//! that would still face every check a sync from that device faces (its own actors, its
//! user's reach, the per-change judgement) — and read rescue files written by it. They cannot
//! sign in as the device (that needs the token, which the hash does not give back), and the
//! key opens nothing else: no other device's files, no store on a phone. The database itself
//! already holds every record those files carry, so reading them reveals nothing new.
//!
//! Errors name what was wrong with the file and never quote its contents.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::wire::{self, Bytes, DocPush, WireError};

/// The first eight bytes of every rescue file.
pub const MAGIC: &[u8; 8] = b"GKRESCUE";
/// The only format this build writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// The largest rescue file read or written: attachments ride inside, and a phone holds the
/// whole file in memory twice while sealing it.
pub const MAX_FILE_BYTES: usize = 256 << 20;
/// The largest body once decompressed (photos barely compress; changes compress well).
pub const MAX_BODY_BYTES: usize = 512 << 20;

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const MAX_DEVICE_ID: usize = 64;
/// Changing either string makes every rescue file unreadable: they are part of the format.
const KDF_SALT: &[u8] = b"gridkeeper rescue file v1";
const KDF_INFO: &[u8] = b"gridkeeper rescue key for device ";

/// Why a rescue file could not be written or read. Messages name the fault, never a value.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum RescueError {
    #[error("not a rescue file: it does not start with the rescue file mark")]
    NotRescueFile,
    #[error("rescue file format version {0} is not one this build reads (it reads version 1)")]
    UnsupportedVersion(u8),
    #[error("the rescue file is cut short: {0}")]
    Truncated(&'static str),
    #[error("the rescue file's header names no valid device id")]
    BadDeviceId,
    #[error("the rescue file is larger than {0} bytes")]
    TooLarge(usize),
    #[error(
        "the rescue file does not open with the device's key: it was altered or damaged, or written under an earlier enrolment"
    )]
    Unauthentic,
    #[error("the rescue file opened but its contents cannot be read: {0}")]
    BadBody(&'static str),
    #[error("this phone is not enrolled with a server, so it has no key to seal a rescue file")]
    NotEnrolled,
    #[error("the rescue file could not be written: {0}")]
    Io(String),
    #[error("reading the store: {0}")]
    Store(String),
}

impl RescueError {
    /// A stable code for programs (the relay answers with it).
    pub fn code(&self) -> &'static str {
        match self {
            RescueError::NotRescueFile => "not_rescue_file",
            RescueError::UnsupportedVersion(_) => "unsupported_rescue_version",
            RescueError::Truncated(_) => "truncated_rescue_file",
            RescueError::BadDeviceId => "bad_rescue_header",
            RescueError::TooLarge(_) => "too_large",
            RescueError::Unauthentic => "rescue_file_unauthentic",
            RescueError::BadBody(_) => "bad_rescue_body",
            RescueError::NotEnrolled => "not_enrolled",
            RescueError::Io(_) => "io",
            RescueError::Store(_) => "store",
        }
    }
}

impl From<rusqlite::Error> for RescueError {
    fn from(e: rusqlite::Error) -> Self {
        RescueError::Store(e.to_string())
    }
}

impl From<crate::Error> for RescueError {
    fn from(e: crate::Error) -> Self {
        RescueError::Store(e.to_string())
    }
}

/// A phone's unsynced work, as sealed in the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescueBody {
    /// Repeats the header's device id inside the sealed part.
    pub device_id: String,
    /// The actor the store writes under now (a sync request's `actor`).
    pub actor: String,
    /// Changes written under `actor` (a sync request's `written`).
    pub written: u64,
    /// When the file was written (RFC 3339, UTC).
    pub written_at: String,
    /// The outbox, grouped by record with kind and grid: what a sync request would push.
    pub push: Vec<DocPush>,
    /// Changes the relay refused earlier and the phone set aside, grouped the same way; the
    /// relay judges them again (whatever made it refuse may have been put right since).
    pub refused: Vec<DocPush>,
    /// Attachments the relay does not have yet (`local` on the phone).
    pub blobs: Vec<RescueBlob>,
}

/// One attachment waiting to upload, with the record it belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescueBlob {
    pub hash: String,
    pub media_type: String,
    pub record_id: String,
    pub bytes: Bytes,
}

/// The clear part of a rescue file. Unauthenticated until [`open`] has checked the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RescueHeader {
    pub version: u8,
    pub device_id: String,
    nonce: [u8; NONCE_LEN],
    /// How many bytes the header takes; the ciphertext follows.
    len: usize,
}

/// The SHA-256 of a token, hex — what the relay stores instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn key(token_hash: &str, device_id: &str) -> Key {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(KDF_SALT), token_hash.as_bytes());
    let mut info = KDF_INFO.to_vec();
    info.extend_from_slice(device_id.as_bytes());
    let mut okm = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit of 255 × 32, so expansion cannot fail.
    let _ = hk.expand(&info, &mut okm);
    Key::from(okm)
}

fn valid_device_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_DEVICE_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Seals `body` for the relay, under the key of the device's token (its hash, as the relay
/// keeps it).
pub fn seal(token_hash: &str, body: &RescueBody) -> Result<Vec<u8>, RescueError> {
    if !valid_device_id(&body.device_id) {
        return Err(RescueError::BadDeviceId);
    }
    let mut nonce = [0u8; NONCE_LEN];
    rand::Rng::fill(&mut rand::rng(), &mut nonce);
    let mut out = Vec::with_capacity(MAGIC.len() + 2 + body.device_id.len() + NONCE_LEN);
    out.extend_from_slice(MAGIC);
    out.push(FORMAT_VERSION);
    // valid_device_id bounds the length to MAX_DEVICE_ID, which fits a byte.
    out.push(body.device_id.len() as u8);
    out.extend_from_slice(body.device_id.as_bytes());
    out.extend_from_slice(&nonce);
    let plain = wire::encode(body);
    let sealed = XChaCha20Poly1305::new(&key(token_hash, &body.device_id))
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &plain,
                aad: &out,
            },
        )
        .map_err(|_| RescueError::Io("sealing failed".into()))?;
    out.extend_from_slice(&sealed);
    if out.len() > MAX_FILE_BYTES {
        return Err(RescueError::TooLarge(MAX_FILE_BYTES));
    }
    Ok(out)
}

/// Reads the clear header: enough to know whose key to try, nothing to trust yet.
pub fn peek(file: &[u8]) -> Result<RescueHeader, RescueError> {
    if file.len() > MAX_FILE_BYTES {
        return Err(RescueError::TooLarge(MAX_FILE_BYTES));
    }
    let Some(magic) = file.get(..MAGIC.len()) else {
        return Err(if MAGIC.starts_with(file) {
            RescueError::Truncated("the header is incomplete")
        } else {
            RescueError::NotRescueFile
        });
    };
    if magic != MAGIC {
        return Err(RescueError::NotRescueFile);
    }
    let mut at = MAGIC.len();
    let short = RescueError::Truncated("the header is incomplete");
    let version = *file.get(at).ok_or(short.clone())?;
    if version != FORMAT_VERSION {
        return Err(RescueError::UnsupportedVersion(version));
    }
    at += 1;
    let id_len = usize::from(*file.get(at).ok_or(short.clone())?);
    at += 1;
    let id_bytes = file.get(at..at + id_len).ok_or(short.clone())?;
    let device_id = std::str::from_utf8(id_bytes)
        .ok()
        .filter(|id| valid_device_id(id))
        .ok_or(RescueError::BadDeviceId)?
        .to_string();
    at += id_len;
    let nonce: [u8; NONCE_LEN] = file
        .get(at..at + NONCE_LEN)
        .and_then(|n| n.try_into().ok())
        .ok_or(short)?;
    at += NONCE_LEN;
    if file.len() < at + TAG_LEN {
        return Err(RescueError::Truncated("the sealed contents are missing"));
    }
    Ok(RescueHeader {
        version,
        device_id,
        nonce,
        len: at,
    })
}

/// Checks the file against the device's key and only then reads its contents. `token_hash`
/// is the hash the relay stores for the device the header names.
pub fn open(file: &[u8], token_hash: &str) -> Result<RescueBody, RescueError> {
    let header = peek(file)?;
    let (clear, sealed) = file.split_at(header.len);
    let plain = XChaCha20Poly1305::new(&key(token_hash, &header.device_id))
        .decrypt(
            &XNonce::from(header.nonce),
            Payload {
                msg: sealed,
                aad: clear,
            },
        )
        .map_err(|_| RescueError::Unauthentic)?;
    // Authentic from here on: written by a holder of the device's key. Still read with the
    // usual limits, as the relay reads a sync body.
    let body: RescueBody = wire::decode(&plain, MAX_BODY_BYTES).map_err(|e| match e {
        WireError::TooLarge(n) => RescueError::TooLarge(n),
        WireError::Malformed(_) => RescueError::BadBody("not the rescue body this build writes"),
    })?;
    if body.device_id != header.device_id {
        return Err(RescueError::BadBody(
            "it names another device than its header",
        ));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const DEVICE: &str = "0193a1b2-0000-7000-8000-000000000001";

    fn body() -> RescueBody {
        RescueBody {
            device_id: DEVICE.into(),
            actor: "00ff".into(),
            written: 3,
            written_at: "2026-12-06T20:00:00Z".into(),
            push: vec![DocPush {
                record_id: "r".into(),
                kind: "household".into(),
                grid: "g1".into(),
                changes: vec![Bytes(vec![1, 2, 3])],
            }],
            refused: Vec::new(),
            blobs: vec![RescueBlob {
                hash: "ab".repeat(32),
                media_type: "image/png".into(),
                record_id: "r".into(),
                bytes: Bytes(vec![9; 100]),
            }],
        }
    }

    fn sealed() -> (String, Vec<u8>) {
        let hash = token_hash("gk_secret");
        let file = seal(&hash, &body()).unwrap();
        (hash, file)
    }

    #[test]
    fn a_sealed_file_opens_with_the_devices_key_and_says_whose_it_is() {
        let (hash, file) = sealed();
        assert_eq!(peek(&file).unwrap().device_id, DEVICE);
        assert_eq!(open(&file, &hash).unwrap(), body());
        // The nonce is fresh each time: two files of the same work differ.
        assert_ne!(seal(&hash, &body()).unwrap(), file);
    }

    #[test]
    fn the_key_of_another_token_does_not_open_it() {
        let (_, file) = sealed();
        assert_eq!(
            open(&file, &token_hash("gk_other")),
            Err(RescueError::Unauthentic)
        );
    }

    #[test]
    fn any_flipped_byte_is_refused() {
        let (hash, file) = sealed();
        for at in 0..file.len() {
            let mut bad = file.clone();
            bad[at] ^= 0x01;
            let err = open(&bad, &hash).unwrap_err();
            assert!(
                matches!(
                    err,
                    RescueError::Unauthentic
                        | RescueError::NotRescueFile
                        | RescueError::UnsupportedVersion(_)
                        | RescueError::BadDeviceId
                        | RescueError::Truncated(_)
                ),
                "byte {at}: {err:?}"
            );
        }
    }

    #[test]
    fn a_header_naming_another_device_is_refused() {
        let (hash, file) = sealed();
        let mut other = file.clone();
        // Same length, another id: the key differs and the header is bound to the tag.
        let at = MAGIC.len() + 2;
        other[at] = b'1';
        assert_eq!(open(&other, &hash), Err(RescueError::Unauthentic));
    }

    #[test]
    fn truncated_files_are_refused_at_every_length() {
        let (hash, file) = sealed();
        for cut in 0..file.len() {
            let err = open(&file[..cut], &hash).unwrap_err();
            assert!(
                matches!(err, RescueError::Truncated(_) | RescueError::Unauthentic),
                "cut at {cut}: {err:?}"
            );
        }
        assert_eq!(
            open(&file[..MAGIC.len() + 2], &hash),
            Err(RescueError::Truncated("the header is incomplete"))
        );
    }

    #[test]
    fn wrong_magic_and_wrong_version_are_named() {
        let (hash, file) = sealed();
        let mut magic = file.clone();
        magic[..8].copy_from_slice(b"PK\x03\x04ZIP!");
        assert_eq!(open(&magic, &hash), Err(RescueError::NotRescueFile));
        assert_eq!(peek(b"hello"), Err(RescueError::NotRescueFile));
        let mut version = file.clone();
        version[8] = 2;
        let err = open(&version, &hash).unwrap_err();
        assert_eq!(err, RescueError::UnsupportedVersion(2));
        assert_eq!(err.code(), "unsupported_rescue_version");
    }

    #[test]
    fn a_body_naming_another_device_than_its_header_is_refused() {
        let hash = token_hash("gk_secret");
        let mut file = seal(&hash, &body()).unwrap();
        // Re-seal a body for another device under the header of DEVICE.
        let mut other = body();
        other.device_id = "another-device".into();
        let header = peek(&file).unwrap();
        file.truncate(header.len);
        let plain = wire::encode(&other);
        let sealed = XChaCha20Poly1305::new(&key(&hash, DEVICE))
            .encrypt(
                &XNonce::from(header.nonce),
                Payload {
                    msg: &plain,
                    aad: &file,
                },
            )
            .unwrap();
        file.extend_from_slice(&sealed);
        assert_eq!(
            open(&file, &hash),
            Err(RescueError::BadBody(
                "it names another device than its header"
            ))
        );
    }

    #[test]
    fn errors_say_nothing_of_the_contents() {
        let (_, file) = sealed();
        let err = open(&file, &token_hash("gk_other")).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains(DEVICE) && !text.contains("g1"), "{text}");
    }
}
