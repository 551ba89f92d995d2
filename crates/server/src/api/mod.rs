//! The JSON API under `/api/v1`, and its OpenAPI description generated from the
//! handlers' annotations.

use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::AppState;

pub mod accounts;
pub mod health;

/// The OpenAPI 3.1 document of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Roster", description = "Organization membership and sharing."),
    paths(
        accounts::signup,
        accounts::login,
        accounts::logout,
        accounts::me,
        accounts::delete_me,
        health::healthz,
        health::readyz,
    ),
    components(schemas(crate::http::FieldError))
)]
pub struct ApiDoc;

/// Routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", post(accounts::signup))
        .route("/login", post(accounts::login))
        .route("/logout", post(accounts::logout))
        .route("/me", get(accounts::me).delete(accounts::delete_me))
        .route("/openapi.json", get(openapi))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
