//! HTTP to the relay: the sync round trip, enrolment, attachments.

use std::time::Duration;

use serde::Deserialize;

use super::error::SyncError;
use crate::wire::{self, SyncResponse};

/// Replies larger than this once decompressed are refused (a bootstrap page is ~8 MiB).
const MAX_REPLY: usize = 256 << 20;

#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::blocking::Client,
    base: String,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorInner,
}

#[derive(Debug, Deserialize)]
struct ErrorInner {
    code: String,
    message: String,
}

impl Transport {
    pub fn new(base: &str, timeout: Duration) -> Result<Transport, SyncError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10).min(timeout))
            .build()
            .map_err(|e| SyncError::Network(format!("cannot set up HTTP: {e}")))?;
        Ok(Transport {
            http,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// One round trip of a request already encoded (`wire::encode`); returns the reply and
    /// its size on the wire. The caller counts the bytes it sends from the same encoding, so
    /// the request is compressed once.
    pub fn sync_encoded(
        &self,
        token: &str,
        body: Vec<u8>,
    ) -> Result<(SyncResponse, usize), SyncError> {
        let resp = self
            .http
            .post(format!("{}/v1/sync", self.base))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, wire::CONTENT_TYPE)
            .body(body)
            .send()
            .map_err(network)?;
        let status = resp.status();
        let bytes = resp.bytes().map_err(network)?;
        if !status.is_success() {
            return Err(refusal(status, &bytes));
        }
        let reply: SyncResponse =
            wire::decode(&bytes, MAX_REPLY).map_err(|e| SyncError::Protocol(e.to_string()))?;
        Ok((reply, bytes.len()))
    }

    pub fn enroll(&self, code: &str, actor: &str) -> Result<serde_json::Value, SyncError> {
        let resp = self
            .http
            .post(format!("{}/v1/enroll", self.base))
            .json(&serde_json::json!({"code": code, "actor": actor}))
            .send()
            .map_err(network)?;
        let status = resp.status();
        let bytes = resp.bytes().map_err(network)?;
        if !status.is_success() {
            return Err(refusal(status, &bytes));
        }
        serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(e.to_string()))
    }

    /// Uploads an attachment tied to a record.
    pub fn put_blob(
        &self,
        token: &str,
        hash: &str,
        record: &str,
        media_type: &str,
        bytes: Vec<u8>,
    ) -> Result<(), SyncError> {
        let resp = self
            .http
            .put(format!("{}/v1/blobs/{hash}", self.base))
            .query(&[("record", record)])
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, media_type)
            .body(bytes)
            .send()
            .map_err(network)?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = resp.bytes().map_err(network)?;
        Err(refusal(status, &bytes))
    }

    /// Downloads an attachment; `None` when the server has none within reach.
    pub fn get_blob(&self, token: &str, hash: &str) -> Result<Option<Vec<u8>>, SyncError> {
        let resp = self
            .http
            .get(format!("{}/v1/blobs/{hash}", self.base))
            .bearer_auth(token)
            .send()
            .map_err(network)?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let bytes = resp.bytes().map_err(network)?;
        if !status.is_success() {
            return Err(refusal(status, &bytes));
        }
        Ok(Some(bytes.to_vec()))
    }
}

fn network(e: reqwest::Error) -> SyncError {
    // reqwest's messages carry the URL, never the body; no personal data.
    SyncError::Network(e.without_url().to_string())
}

fn refusal(status: reqwest::StatusCode, body: &[u8]) -> SyncError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        // A relay that names the revocation (`device_revoked`) lets the phone say what
        // happened; older relays answer every refused token alike.
        return match parsed {
            Some(p) if p.error.code == DEVICE_REVOKED => SyncError::Revoked,
            _ => SyncError::Unauthorized,
        };
    }
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        let what = parsed
            .map(|p| p.error.code)
            .unwrap_or_else(|| status.to_string());
        return SyncError::Network(format!("server busy or failing: {what}"));
    }
    match parsed {
        Some(p) => SyncError::Refused {
            code: version_skew(&p.error.code, &p.error.message)
                .unwrap_or(&p.error.code)
                .to_string(),
            message: p.error.message,
        },
        None => SyncError::Refused {
            code: format!("http_{}", status.as_u16()),
            message: status.to_string(),
        },
    }
}

/// Relays from before revision 2 name neither side: an older relay refuses our newer request
/// as `unsupported_version`, or as a `malformed_body` naming a field it does not know yet.
/// Either way the server needs updating, and retrying will not help. The field is named
/// inside the message, after the relay's own words ("the body is not gzip-compressed CBOR:
/// unknown field `actor`, …" from the previous release), so it is looked for anywhere in it.
fn version_skew(code: &str, message: &str) -> Option<&'static str> {
    match code {
        "update_server" | "unsupported_version" => Some(UPDATE_SERVER),
        "update_app" => Some(UPDATE_APP),
        "malformed_body" if message.contains("unknown field `") => Some(UPDATE_SERVER),
        _ => None,
    }
}

pub const UPDATE_SERVER: &str = "update_server";
/// The relay's code for a token whose device an administrator revoked (a lost phone).
pub const DEVICE_REVOKED: &str = "device_revoked";
pub const UPDATE_APP: &str = "update_app";

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16, code: &str, message: &str) -> SyncError {
        let body = serde_json::json!({"error": {"code": code, "message": message}}).to_string();
        refusal(
            reqwest::StatusCode::from_u16(status).unwrap_or_default(),
            body.as_bytes(),
        )
    }

    #[test]
    fn an_older_relays_refusals_ask_for_a_server_update_and_are_not_retried() {
        // What relays of revision 1 answer a revision-2 request: its strict decoder names the
        // first field it does not know, or its version check refuses.
        for (code, message) in [
            (
                "malformed_body",
                "the body is not gzip-compressed CBOR: unknown field `actor`, expected one of `v`, `push`, `pull`, `limit`, `templates_seq`",
            ),
            (
                "unsupported_version",
                "this server speaks sync protocol version 1",
            ),
            (
                "update_server",
                "this server serves sync protocol revisions 1 to 2",
            ),
        ] {
            let e = refused(400, code, message);
            assert_eq!(e.code(), UPDATE_SERVER, "{code}");
            assert!(!e.is_transient(), "{code}: a retry cannot help");
            assert!(e.user_message_zh().contains("升级服务器"), "{code}");
        }
        let e = refused(400, "update_app", "revisions 2 to 3");
        assert_eq!(e.code(), UPDATE_APP);
        assert!(e.user_message_zh().contains("升级网格管家应用"));
        // Any other malformed body stays what it was.
        let e = refused(400, "malformed_body", "CBOR syntax error at byte 3");
        assert_eq!(e.code(), "malformed_body");
    }

    #[test]
    fn a_revoked_phone_is_told_so_and_any_other_refused_token_stays_unauthorized() {
        let e = refused(401, DEVICE_REVOKED, "revoked by an administrator");
        assert!(matches!(e, SyncError::Revoked), "{e:?}");
        assert_eq!(e.code(), DEVICE_REVOKED);
        assert!(!e.is_transient());
        assert!(e.user_message_zh().contains("停用"));
        // An older relay names no reason; nor does an unknown token.
        for code in ["unauthorized", "anything"] {
            assert!(matches!(refused(401, code, "…"), SyncError::Unauthorized));
        }
    }
}
