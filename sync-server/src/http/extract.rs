//! axum's `Path` and `Query`, answering in the API's JSON error shape. axum's own rejections
//! are plain text, which no client of the described API expects; and their wording can
//! repeat what the caller sent, which may be personal data, so the answer names the problem
//! and not the value.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Path parameters; a path that cannot be read (not UTF-8 once decoded) names nothing here.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|_| ApiError::not_found("nothing is at this address: its path cannot be read"))
    }
}

/// Query parameters; a query string that does not fit is `invalid_query`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|_| {
                ApiError::bad_request(
                    "invalid_query",
                    "the query string cannot be read: a parameter is repeated, of the wrong type, or not UTF-8",
                )
            })
    }
}
