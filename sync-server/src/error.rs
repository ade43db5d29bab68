//! Errors as the HTTP API reports them: a status, a stable machine-readable code, and words
//! for a person. Messages name what was wrong, never personal data.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::storage::StorageError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Exists(what) => ApiError::new(
                StatusCode::CONFLICT,
                "exists",
                format!("{what} already exists"),
            ),
            StorageError::NotFound(what) => ApiError::not_found(format!("{what} not found")),
            StorageError::CodeRefused => ApiError::new(
                StatusCode::FORBIDDEN,
                "enroll_code_refused",
                "the enrolment code is unknown, already used or expired; ask your supervisor for a new one",
            ),
            StorageError::Changed(what) => ApiError::new(
                StatusCode::CONFLICT,
                "changed_meanwhile",
                format!("{what} changed meanwhile; try again"),
            ),
            StorageError::Database(reason) => {
                tracing::error!(%reason, "storage failure");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "the server could not reach its database; try again shortly",
                )
            }
        }
    }
}
