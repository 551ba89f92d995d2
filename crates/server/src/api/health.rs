//! Liveness, readiness and metrics for operators and orchestrators.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::http::ApiError;
use crate::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers; 503 `unavailable` otherwise.
#[utoipa::path(get, path = "/readyz", responses((status = 200, body = String), (status = 503)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.store().ping().await {
        "ready".into_response()
    } else {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The database does not answer.",
        )
        .into_response()
    }
}

/// Prometheus text exposition.
pub async fn metrics() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::telemetry::prometheus().render(),
    )
        .into_response()
}
