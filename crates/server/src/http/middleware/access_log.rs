//! One log line per request, inside a span carrying a fresh request id.
//!
//! The line names the matched route (`/invite/{token}`), never the raw path, so that
//! secrets in URLs stay out of logs; query strings are never logged.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use uuid::Uuid;

/// Logs the request and adds `x-request-id` to the response.
pub async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = Uuid::now_v7().simple().to_string();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("<unmatched>", MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!(
        "request",
        %request_id,
        %method,
        %route,
        user_id = tracing::field::Empty,
        org_id = tracing::field::Empty,
    );

    let mut response = next.run(request).instrument(span.clone()).await;

    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(status, latency_ms, "request"));
    metrics::counter!("roster_http_requests_total", "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!("roster_http_request_duration_seconds", "route" => route)
        .record(latency_ms / 1000.0);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
