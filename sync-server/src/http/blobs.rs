//! Attachments (photos, signatures, scanned documents), addressed by their SHA-256. Each is
//! tied to a record: a device uploads for a record it may write, and reads a blob only when
//! one of the records it is tied to is in reach. A blob out of reach answers 404, exactly as
//! a missing one does, so hashes cannot be probed.

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gridkeeper_core::blob_type;
use gridkeeper_core::store::{blob_hash, is_blob_hash};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::body;
use crate::http::extract::ApiPath;
use crate::storage::Blob;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutParams {
    /// The record the attachment belongs to.
    pub record: Option<String>,
}

fn check_hash(hash: &str) -> Result<(), ApiError> {
    if is_blob_hash(hash) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_hash",
            "a blob is addressed by its SHA-256: 64 lower-case hex digits",
        ))
    }
}

pub async fn put_blob(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(hash): ApiPath<String>,
    params: Result<Query<PutParams>, QueryRejection>,
    headers: HeaderMap,
    raw: Body,
) -> Result<StatusCode, ApiError> {
    check_hash(&hash)?;
    // axum's own rejection is plain text; answer in the API's JSON error shape.
    let Query(params) = params.map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            "the query string takes exactly one parameter: record=ID",
        )
    })?;
    let record = params.record.ok_or_else(|| {
        ApiError::bad_request(
            "missing_record",
            "say which record the attachment belongs to: ?record=ID",
        )
    })?;
    writable_record(&state, &caller, &record).await?;
    let bytes = body::read_limited(raw, state.limits.max_blob).await?;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let existed = accept(&state, &caller, hash, &record, declared, bytes.to_vec()).await?;
    Ok(if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    })
}

/// Whether the caller may add attachments to `record`: a phone that may write the record's
/// grid, once the record itself has reached the server.
pub async fn writable_record(
    state: &AppState,
    caller: &Caller,
    record: &str,
) -> Result<(), ApiError> {
    let doc = state
        .storage
        .document(record)
        .await?
        .ok_or_else(|| ApiError::not_found("push the record before its attachments"))?;
    if caller.device.actor.is_none() || !caller.can_write(&doc.grid) {
        return Err(ApiError::forbidden(
            "this device may not add attachments to that record",
        ));
    }
    Ok(())
}

/// Checks an attachment's bytes — size, that they hash to `hash`, a type we accept, the type
/// `declared` if one was — and stores it tied to `record`. Call [`writable_record`] first.
/// Answers whether the server held the blob already. Shared with the import of rescue files.
pub async fn accept(
    state: &AppState,
    caller: &Caller,
    hash: String,
    record: &str,
    declared: Option<&str>,
    bytes: Vec<u8>,
) -> Result<bool, ApiError> {
    check_hash(&hash)?;
    if bytes.len() > state.limits.max_blob {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "an attachment may not exceed {} bytes",
                state.limits.max_blob
            ),
        ));
    }
    if blob_hash(&bytes) != hash {
        return Err(ApiError::bad_request(
            "hash_mismatch",
            "the bytes received do not have the SHA-256 in the address; the upload was damaged",
        ));
    }
    let media = blob_type::sniff(&bytes).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "attachments are JPEG, PNG, WebP or HEIC photos, or PDF documents",
        )
    })?;
    if let Some(declared) = declared
        && !blob_type::declared_matches(declared, media)
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "media_type_mismatch",
            format!(
                "the content is {}, not what Content-Type says",
                media.as_str()
            ),
        ));
    }
    let record = &refuse_erased(state, record, &hash).await?;
    let existed = state.storage.blob(&hash).await?.is_some();
    state
        .storage
        .put_blob(
            &Blob {
                hash,
                media_type: media.as_str().to_string(),
                bytes,
            },
            record,
            &caller.device.id,
        )
        .await?;
    Ok(existed)
}

/// An attachment of an erased record (PIPL) is taken only if the record as re-issued still
/// names it: a phone that was offline during the erasure must not upload an erased photo.
/// One of a record that moved to another grid is tied to the record where it lives now, if
/// that names it, so the new grid's phones can fetch it. Returns the record to tie it to.
async fn refuse_erased(state: &AppState, record: &str, hash: &str) -> Result<String, ApiError> {
    let now = match state.storage.erased(record).await? {
        None => return Ok(record.to_string()),
        Some(_) => crate::moves::current_id(state.storage.as_ref(), record)
            .await?
            .unwrap_or_else(|| record.to_string()),
    };
    let named = state
        .storage
        .document(&now)
        .await?
        .and_then(|d| d.data)
        .is_some_and(|data| {
            gridkeeper_core::record::erase::attachment_hashes(&data).contains(hash)
        });
    if named {
        return Ok(now);
    }
    // The code is core's `store::RECORD_ERASED`, spelled out so the OpenAPI check finds it.
    Err(ApiError::new(
        StatusCode::GONE,
        "record_erased",
        "an administrator erased this record's personal data; this attachment is not part of it any more",
    ))
}

async fn readable(caller: &Caller, state: &AppState, hash: &str) -> Result<Blob, ApiError> {
    check_hash(hash)?;
    let hidden = || ApiError::not_found("no such attachment within reach");
    let grids = state.storage.blob_grids(hash).await?;
    if !grids.iter().any(|g| caller.can_read(g)) {
        return Err(hidden());
    }
    state.storage.blob(hash).await?.ok_or_else(hidden)
}

pub async fn get_blob(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(hash): ApiPath<String>,
) -> Result<Response, ApiError> {
    let blob = readable(&caller, &state, &hash).await?;
    Ok((
        [
            (header::CONTENT_TYPE, blob.media_type),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".into(),
            ),
        ],
        blob.bytes,
    )
        .into_response())
}

pub async fn head_blob(
    caller: Caller,
    State(state): State<AppState>,
    ApiPath(hash): ApiPath<String>,
) -> Result<Response, ApiError> {
    let blob = readable(&caller, &state, &hash).await?;
    Ok((
        [
            (header::CONTENT_TYPE, blob.media_type),
            (header::CONTENT_LENGTH, blob.bytes.len().to_string()),
        ],
        Body::empty(),
    )
        .into_response())
}
