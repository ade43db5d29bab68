//! Reading request bodies with our own limits and errors, so every refusal is a JSON error
//! with a code rather than axum's plain-text rejections.

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Reads at most `limit` bytes; more is refused with 413 before it is all received.
pub async fn read_limited(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body exceeds {limit} bytes"),
        )
    })
}

/// A JSON body with unknown fields refused (the types say `deny_unknown_fields`).
pub async fn json<T: DeserializeOwned>(body: Body, limit: usize) -> Result<T, ApiError> {
    let bytes = read_limited(body, limit).await?;
    // Every JSON body the API takes is an object. serde would also fill a struct from an
    // array, field by field in order: `[null, null]` set an empty retention policy
    // (found by scripts/test-api-schema).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad_request(
            "malformed_body",
            "the JSON body must be an object, {…}",
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(
            "malformed_body",
            format!("the JSON body is not valid: {}", describe(&e)),
        )
    })
}

/// serde_json quotes offending values in its messages, and a value may be personal data; keep
/// field names (unknown or missing) and positions only.
fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("unknown field") || text.starts_with("missing field") {
        return text.split(", expected").next().unwrap_or(&text).to_string();
    }
    let what = match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "a value has the wrong type",
        serde_json::error::Category::Eof => "truncated",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}
