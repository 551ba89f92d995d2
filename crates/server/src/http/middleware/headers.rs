//! Answers that say the same thing everywhere: protective headers on every response,
//! and a problem document for every API error, including the ones produced below the
//! handlers (unparseable paths and query strings, 405, 408, unknown routes).

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::ApiError;

/// Adds anti-framing, no-sniffing and no-referrer headers to every response (invite
/// links carry their token in the path, so no page may leak it as a referrer), and
/// `Cache-Control: no-store` to every API answer, some of which carry secrets.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;

    let headers = response.headers_mut();
    let fixed = [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ));
    if api || headers.contains_key(header::SET_COOKIE) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Turns any API error answer that is not yet a problem document into one.
pub async fn api_problems(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/problem+json");
    if !api || !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }

    let allow = response.headers().get(header::ALLOW).cloned();
    let problem = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "A value in the path or query string has the wrong type or is out of range.",
        ),
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "This path does not answer this method.",
        ),
        StatusCode::REQUEST_TIMEOUT => ApiError::new(
            status,
            "timeout",
            "The request took too long and was abandoned.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            "payload_too_large",
            "The request body is too large.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            "unsupported_media_type",
            "Send JSON with Content-Type: application/json.",
        ),
        s if s.is_server_error() => ApiError::new(
            status,
            "internal",
            "Something went wrong on our side. It has been logged.",
        ),
        _ => ApiError::new(status, "bad_request", "The request was refused."),
    };
    let mut response = problem.into_response();
    if let Some(allow) = allow {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}
