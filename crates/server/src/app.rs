//! The router: API, pages and operator endpoints, wrapped in the middleware stack.

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use axum::Router;
use tower_http::timeout::TimeoutLayer;

use crate::api::{self, health};
use crate::http::middleware::{access_log, api_problems, csrf_guard, security_headers};
use crate::http::ApiError;
use crate::{pages, AppState};

/// Largest request body accepted (413 beyond).
const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// The whole application. Serve it with `into_make_service_with_connect_info`.
pub fn router(state: AppState) -> Router {
    crate::telemetry::prometheus();
    let timeout = state.config().request_timeout;
    Router::new()
        .nest("/api/v1", api::routes().fallback(api_not_found))
        .merge(pages::routes())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .fallback(pages::common::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(middleware::from_fn(csrf_guard))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn(api_problems))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

async fn api_not_found() -> ApiError {
    ApiError::not_found()
}
