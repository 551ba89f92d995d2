//! The JSON API under `/api/v1`, and its OpenAPI description generated from the
//! handlers' annotations.

use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::AppState;

pub mod accounts;
pub mod api_keys;
pub mod authz;
pub mod clusters;
pub mod events;
pub mod health;
pub mod invites;
pub mod orgs;
pub mod views;

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
        orgs::create,
        orgs::get,
        orgs::update,
        orgs::leave,
        orgs::members,
        orgs::approve,
        orgs::reject,
        orgs::approve_all,
        orgs::set_role,
        orgs::remove,
        orgs::audit,
        invites::create,
        invites::list,
        invites::revoke,
        invites::reset,
        invites::lookup,
        invites::accept,
        api_keys::create,
        api_keys::list,
        api_keys::delete,
        clusters::create_deploy_key,
        clusters::list_deploy_keys,
        clusters::delete_deploy_key,
        clusters::register,
        clusters::list,
        clusters::delete,
        authz::check,
        events::events,
        health::healthz,
        health::readyz,
    ),
    components(schemas(crate::http::FieldError)),
    modifiers(&SecuritySchemes),
    security(("session" = []), ("api_key" = []))
)]
pub struct ApiDoc;

/// Declares the two ways to authenticate: the session cookie and a bearer API key.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::http::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", post(accounts::signup))
        .route("/login", post(accounts::login))
        .route("/logout", post(accounts::logout))
        .route("/me", get(accounts::me).delete(accounts::delete_me))
        .route("/orgs", post(orgs::create))
        .route("/org", get(orgs::get).patch(orgs::update))
        .route("/org/leave", post(orgs::leave))
        .route("/org/members", get(orgs::members))
        .route("/org/members/approve-all", post(orgs::approve_all))
        .route(
            "/org/members/{user_id}",
            patch(orgs::set_role).delete(orgs::remove),
        )
        .route("/org/members/{user_id}/approve", post(orgs::approve))
        .route("/org/members/{user_id}/reject", post(orgs::reject))
        .route(
            "/org/invite-links",
            post(invites::create).get(invites::list),
        )
        .route("/org/invite-links/reset", post(invites::reset))
        .route("/org/invite-links/{id}", delete(invites::revoke))
        .route("/org/audit", get(orgs::audit))
        .route("/invites/{token}", get(invites::lookup))
        .route("/invites/{token}/accept", post(invites::accept))
        .route("/api-keys", post(api_keys::create).get(api_keys::list))
        .route("/api-keys/{id}", delete(api_keys::delete))
        .route(
            "/deploy-keys",
            post(clusters::create_deploy_key).get(clusters::list_deploy_keys),
        )
        .route("/deploy-keys/{id}", delete(clusters::delete_deploy_key))
        .route("/clusters", get(clusters::list))
        .route("/clusters/register", post(clusters::register))
        .route("/clusters/{id}", delete(clusters::delete))
        .route("/authz/check", get(authz::check))
        .route("/events", get(events::events))
        .route("/openapi.json", get(openapi))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
