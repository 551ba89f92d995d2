//! Extractors whose rejections are problem documents rather than plain text.

use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, OptionalFromRequest, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::http::ApiError;
use crate::AppState;

/// A JSON body; malformed, oversized or mistyped bodies get a problem document.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match <axum::Json<T> as FromRequest<S>>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_problem(&rejection)),
        }
    }
}

impl<S, T> OptionalFromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    /// `None` when the request has no JSON body at all.
    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        match <axum::Json<T> as OptionalFromRequest<S>>::from_request(req, state).await {
            Ok(value) => Ok(value.map(|axum::Json(v)| Self(v))),
            Err(rejection) => Err(json_problem(&rejection)),
        }
    }
}

fn json_problem(rejection: &JsonRejection) -> ApiError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is too large.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send JSON with Content-Type: application/json.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            describe_shape_error(&rejection.body_text()),
        ),
        _ => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            "The request body is not valid JSON.",
        ),
    }
}

/// A sentence about what is wrong with the body's shape, naming the field but none
/// of the decoder's internals (Rust type names, line and column).
fn describe_shape_error(text: &str) -> String {
    let between = |start: &str| {
        let rest = &text[text.find(start)? + start.len()..];
        Some(rest[..rest.find('`')?].to_owned())
    };
    if let Some(field) = between("missing field `") {
        return format!("The field \"{field}\" is missing.");
    }
    if let Some(field) = between("unknown field `") {
        return format!("The field \"{field}\" is not known here.");
    }
    let path = text
        .split_once("target type: ")
        .and_then(|(_, rest)| rest.split_once(": "))
        .map(|(path, _)| path)
        .filter(|path| !path.contains(' ') && *path != ".");
    match path {
        Some(path) => {
            format!("The field \"{path}\" has a value of the wrong type or out of range.")
        }
        None => "The JSON body must be an object with the documented fields.".to_owned(),
    }
}

/// The client's address: the socket's peer, or, when the operator says a reverse
/// proxy stands in front (`--trust-forwarded-for`), the address that proxy saw (the
/// last entry of `X-Forwarded-For`). Rate limits and the audit log use it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!("server started without connect info"))
            })?;
        if !state.config().trust_forwarded_for {
            return Ok(ClientIp(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|last| last.trim().parse::<IpAddr>().ok());
        Ok(ClientIp(forwarded.unwrap_or(peer)))
    }
}
