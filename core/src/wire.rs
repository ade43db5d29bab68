//! The sync protocol's messages (`POST /v1/sync`), shared by the relay and every client so
//! both ends read one definition. A body is CBOR (binary: change bytes travel raw, not as
//! base64) compressed with gzip. Unknown fields are refused rather than ignored: a client and
//! server that disagree about the protocol should fail loudly, not drop data silently.
//!
//! One round trip pushes and pulls: the request carries the device's unacknowledged changes
//! grouped by record and a cursor per grid; the response says what happened to each change
//! and carries what others wrote since those cursors.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value as Json;

/// The media type of a sync body; the version is part of it and of the path (`/v1`).
pub const CONTENT_TYPE: &str = "application/vnd.gridkeeper.sync.v1+cbor";
/// The protocol revision this build speaks. Revisions: 1, the first release; 2 adds the
/// request's `actor` and `written` and the reply's `held` (store incarnations); 3 adds the
/// reply's `erasures` (records erased under PIPL, purged by the phone); 4 adds the request's
/// `unsynced` (what the phone still holds unsynced, in counts, for a worker's handover); 5
/// adds the reply's `reach` (the grids the phone's user may read now); 6 adds an erasure's
/// `moved_to` (the record moved to another grid under a new id); 7 adds the `task` kind and a
/// pull's `catch_up`.
pub const VERSION: u32 = 7;
/// The first revision whose phones can purge an erased record. A relay never serves an
/// erasure to an older phone (its strict decoder would refuse the field, and it could not
/// purge anyway): such a phone is told to update the app before it pulls past one.
pub const ERASURE_VERSION: u32 = 3;
/// The first revision whose phones report their unsynced work (`SyncRequest::unsynced`).
pub const UNSYNCED_VERSION: u32 = 4;
/// The first revision whose phones take their grids from each reply (`SyncResponse::reach`):
/// a relay skips a pull of a grid no longer in reach for them, where it refuses an older
/// phone's whole request.
pub const REACH_VERSION: u32 = 5;
/// The first revision whose phones read `WireErasure::moved_to`. An older phone is told of a
/// move as of a whole erasure: it purges the record, which is right for it, since the record
/// is no longer in the grid it pulls.
pub const MOVE_VERSION: u32 = 6;
/// The first revision whose phones know the `task` kind. An older phone would refuse a task
/// as a record of unknown kind, so a relay leaves tasks out of its replies; once updated,
/// the phone asks for each grid's tasks from the start (`PullCursor::catch_up`).
pub const TASK_VERSION: u32 = 7;
/// The oldest revision a relay of this build still serves. Phones update on their own
/// schedule, so a relay keeps serving the previous release's phones; a reply only carries
/// fields the request showed the phone can read (`templates` after `templates_seq`, `held`
/// after `written`), because phones refuse unknown fields.
pub const MIN_VERSION: u32 = 1;

/// A grid's feed position. `Start` asks for a bootstrap; `Bootstrap` is a bootstrap under way
/// (the feed position it will hand over to, and the last record sent); `Feed` is an ordinary
/// position in the grid's change sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    Start,
    Bootstrap {
        upto: u64,
        after: Option<uuid::Uuid>,
    },
    Feed(u64),
}

impl Cursor {
    /// Cursors are opaque strings to clients; this is their only grammar:
    /// `""` (start), `"b<seq>"` or `"b<seq>.<uuid>"` (bootstrap), `"<seq>"` (feed).
    pub fn parse(text: &str) -> Option<Cursor> {
        if text.is_empty() {
            return Some(Cursor::Start);
        }
        if let Some(rest) = text.strip_prefix('b') {
            let (seq, after) = match rest.split_once('.') {
                Some((seq, id)) => (seq, Some(uuid::Uuid::parse_str(id).ok()?)),
                None => (rest, None),
            };
            return Some(Cursor::Bootstrap {
                upto: parse_seq(seq)?,
                after,
            });
        }
        parse_seq(text).map(Cursor::Feed)
    }
}

fn parse_seq(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cursor::Start => Ok(()),
            Cursor::Bootstrap { upto, after: None } => write!(f, "b{upto}"),
            Cursor::Bootstrap {
                upto,
                after: Some(id),
            } => write!(f, "b{upto}.{}", id.hyphenated()),
            Cursor::Feed(seq) => write!(f, "{seq}"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Protocol version the client speaks; the server refuses others.
    pub v: u32,
    #[serde(default)]
    pub push: Vec<DocPush>,
    #[serde(default)]
    pub pull: Vec<PullCursor>,
    /// Most changes (or snapshots) the client wants per grid in this response.
    #[serde(default)]
    pub limit: Option<u32>,
    /// The highest checklist-template publish position this device holds (0 for none).
    /// Absent from older clients, which are then sent no templates: their replies refuse
    /// unknown fields, so a server must not add `templates` to a reply they cannot read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates_seq: Option<u64>,
    /// The Automerge actor (hex) this store writes under now. A store that may be a copy of
    /// another takes a fresh actor; the server registers it for the sending device on first
    /// sight. Absent: the actor the device enrolled with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// How many changes this store has written under `actor`. Sent so the server can answer
    /// with `held`; absent from older clients, which are then sent no `held`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<u64>,
    /// What this phone holds that the server does not have yet, as it stood when the request
    /// was built: counts only, never a record id or a value. The relay keeps the latest report
    /// per device so an administrator can see, before revoking a phone or handing its grid
    /// over, how much work would be stranded on it. Absent from phones before
    /// [`UNSYNCED_VERSION`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsynced: Option<Unsynced>,
}

/// A phone's unsynced work in counts (see [`SyncRequest::unsynced`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unsynced {
    /// Local changes waiting in the outbox (this request pushes some of them).
    pub changes: u64,
    /// Attachments (photos, signatures) waiting to be uploaded.
    pub uploads: u64,
    /// Unfinished forms kept as drafts: never synced, lost with the phone.
    pub drafts: u64,
    /// Edits the server refused for good, set aside on the phone for a person to look at.
    pub refused: u64,
    /// How many seconds ago the oldest waiting change or attachment was queued. An age
    /// rather than a time, so a phone whose clock is wrong still reports it right.
    pub oldest_age_secs: Option<u64>,
}

/// One record's changes, with the kind and grid the record was created with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocPush {
    pub record_id: String,
    pub kind: String,
    pub grid: String,
    pub changes: Vec<Bytes>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullCursor {
    pub grid: String,
    pub cursor: String,
    /// Kinds this phone has learnt since it last pulled the grid, whose records a relay left
    /// out of its earlier replies: the relay sends the grid's records of these kinds whole,
    /// beside the feed, and the phone stops asking once it has stored the reply. From
    /// [`TASK_VERSION`] on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catch_up: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncResponse {
    pub v: u32,
    /// One entry per pushed change, in request order.
    pub results: Vec<ChangeResult>,
    /// One entry per pulled grid, in request order; from [`REACH_VERSION`] on, a grid no
    /// longer in reach is left out.
    pub grids: Vec<GridFeed>,
    /// Checklist templates published after the request's `templates_seq`, in publish order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<WireTemplate>,
    /// Whether more published templates wait beyond the last one sent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub templates_more: bool,
    /// How many changes under the request's actor the server holds, after this push. More
    /// than the request's `written` means another copy of the store wrote under that actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<u64>,
    /// The grids the request's user may read now, for phones of [`REACH_VERSION`] or later:
    /// a grid handed to the worker arrives (the phone bootstraps it), one taken away stops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach: Option<Vec<String>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A published checklist template version. `definition` is the template as JSON text
/// (`checklist::ChecklistTemplate`), kept as text so a device can refuse one it cannot read
/// without refusing the whole reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireTemplate {
    /// Its position in the server's publish sequence.
    pub seq: u64,
    pub id: String,
    pub version: u32,
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeResult {
    pub record_id: String,
    /// The change's hash (hex), or empty where the bytes were not a change.
    pub hash: String,
    /// `None` when the server holds the change (now or from an earlier push).
    pub rejected: Option<Rejection>,
}

/// Why a change was refused: a stable code for programs, words for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridFeed {
    pub grid: String,
    /// Where the next pull of this grid starts.
    pub cursor: String,
    /// Whether more is waiting beyond `cursor`.
    pub more: bool,
    /// Others' changes since the cursor, grouped by record.
    pub changes: Vec<DocChanges>,
    /// During a bootstrap: records in saved form, in record-id order.
    pub snapshots: Vec<WireSnapshot>,
    /// During a bootstrap: how many records the grid holds, for progress.
    pub total: Option<u64>,
    /// Records erased at positions this reply covers: the phone purges what it holds of each
    /// before taking in this reply's changes (a re-issued record's new document follows
    /// its erasure in the feed). Sent only to phones of [`ERASURE_VERSION`] or later.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erasures: Vec<WireErasure>,
}

/// A record erased on the relay. Names the record only, never what was erased.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireErasure {
    pub record_id: String,
    /// The erasure's position in the grid's feed.
    pub seq: u64,
    /// The whole record is gone; otherwise a new document of the same id follows in the feed.
    pub whole: bool,
    /// The record moved to another grid and lives on under this id (whole is then true:
    /// nothing of the old id stays). Sent only to phones of [`MOVE_VERSION`] or later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocChanges {
    pub record_id: String,
    pub kind: String,
    pub changes: Vec<Bytes>,
}

/// A record as a bootstrap sends it: the saved document, its heads, and the fields the server
/// read from it (what a device builds its lists from without loading the document). `data`
/// is absent for a record the server could not read as its kind; the device merges those
/// through the document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireSnapshot {
    pub record_id: String,
    pub kind: String,
    pub grid: String,
    pub archived: bool,
    pub schema_version: u64,
    pub created_at: String,
    pub saved: Bytes,
    pub heads: Vec<String>,
    pub data: Option<Json>,
    /// The highest feed position folded into `saved`.
    pub seq: u64,
}

/// Raw bytes, carried as a CBOR byte string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Bytes(#[serde(with = "serde_bytes")] pub Vec<u8>);

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(v)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
    #[error("the body is not gzip-compressed CBOR: {0}")]
    Malformed(String),
    #[error("the body expands beyond {0} bytes")]
    TooLarge(usize),
}

/// CBOR, then gzip.
pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    let mut cbor = Vec::new();
    // Writing CBOR into a Vec cannot fail for these plain types.
    if ciborium::into_writer(msg, &mut cbor).is_err() {
        cbor.clear();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = gz.write_all(&cbor);
    gz.finish().unwrap_or_default()
}

/// Reverses [`encode`], refusing bodies that expand beyond `max_expanded` bytes (a small
/// compressed body can otherwise unfold into gigabytes).
pub fn decode<T: DeserializeOwned>(body: &[u8], max_expanded: usize) -> Result<T, WireError> {
    let mut cbor = Vec::new();
    let mut reader = flate2::read::GzDecoder::new(body).take(max_expanded as u64 + 1);
    reader
        .read_to_end(&mut cbor)
        .map_err(|e| WireError::Malformed(format!("gzip: {e}")))?;
    if cbor.len() > max_expanded {
        return Err(WireError::TooLarge(max_expanded));
    }
    ciborium::from_reader(cbor.as_slice()).map_err(|e| WireError::Malformed(cbor_reason(&e)))
}

/// The `v` of a body that did not decode, when it has one: tells a request from a newer
/// phone (fields this relay does not know yet) from a malformed one.
pub fn peek_version(body: &[u8], max_expanded: usize) -> Option<u32> {
    #[derive(Deserialize)]
    struct Versioned {
        v: u32,
    }
    decode::<Versioned>(body, max_expanded).ok().map(|p| p.v)
}

fn cbor_reason<E: std::fmt::Debug>(e: &ciborium::de::Error<E>) -> String {
    match e {
        ciborium::de::Error::Semantic(_, msg) => msg.clone(),
        ciborium::de::Error::Syntax(at) => format!("CBOR syntax error at byte {at}"),
        ciborium::de::Error::Io(_) => "truncated CBOR".into(),
        ciborium::de::Error::RecursionLimitExceeded => "CBOR nested too deeply".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let id = uuid::Uuid::now_v7();
        for c in [
            Cursor::Start,
            Cursor::Feed(42),
            Cursor::Bootstrap {
                upto: 7,
                after: None,
            },
            Cursor::Bootstrap {
                upto: 7,
                after: Some(id),
            },
        ] {
            assert_eq!(Cursor::parse(&c.to_string()), Some(c));
        }
        assert_eq!(Cursor::parse(""), Some(Cursor::Start));
        for bad in [
            "-1",
            "x",
            "b",
            "b1.nope",
            "1.5",
            "+3",
            "99999999999999999999999",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn requests_round_trip_and_unknown_fields_are_refused() {
        let req = SyncRequest {
            v: VERSION,
            push: vec![DocPush {
                record_id: "r".into(),
                kind: "household".into(),
                grid: "g1".into(),
                changes: vec![Bytes(vec![0, 1, 2, 255])],
            }],
            pull: vec![PullCursor {
                grid: "g1".into(),
                cursor: "0".into(),
                catch_up: Vec::new(),
            }],
            limit: Some(10),
            templates_seq: Some(3),
            actor: Some("00ff".into()),
            written: Some(4),
            unsynced: Some(Unsynced {
                changes: 12,
                uploads: 1,
                drafts: 2,
                refused: 0,
                oldest_age_secs: Some(3 * 86_400),
            }),
        };
        let body = encode(&req);
        assert_eq!(decode::<SyncRequest>(&body, 1 << 20), Ok(req));

        #[derive(Serialize)]
        struct Extra {
            v: u32,
            surprise: bool,
        }
        let body = encode(&Extra {
            v: 1,
            surprise: true,
        });
        let err = decode::<SyncRequest>(&body, 1 << 20);
        assert!(
            matches!(&err, Err(WireError::Malformed(m)) if m.contains("surprise")),
            "{err:?}"
        );
    }

    #[test]
    fn bombs_and_truncation_are_refused() {
        let big = SyncRequest {
            v: VERSION,
            push: vec![DocPush {
                changes: vec![Bytes(vec![0; 100_000])],
                ..Default::default()
            }],
            ..Default::default()
        };
        let body = encode(&big);
        assert!(body.len() < 5_000, "{} bytes", body.len());
        assert_eq!(
            decode::<SyncRequest>(&body, 50_000),
            Err(WireError::TooLarge(50_000))
        );
        for cut in [0, 5, body.len() / 2, body.len() - 1] {
            assert!(decode::<SyncRequest>(&body[..cut], 1 << 20).is_err());
        }
    }
}
