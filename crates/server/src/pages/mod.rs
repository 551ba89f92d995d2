//! Server-rendered pages that work without JavaScript: forms post, the server
//! answers with a redirect (POST-redirect-GET) or the same form with the error.
//! A small script of our own (`assets/roster.js`) adds copy buttons, confirmation
//! dialogs and the live logout.

use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

mod admin;
mod audit;
mod auth;
pub mod common;
mod home;
mod invite;
mod keys;
mod layout;
mod oidc;
mod orgs;
mod settings;

/// Routes of the pages and their assets.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signup", get(auth::signup_page).post(auth::signup_submit))
        .route("/login", get(auth::login_page).post(auth::login_submit))
        .route("/logout", post(auth::logout_submit))
        .route("/auth/oidc/{provider}/start", get(oidc::start))
        .route("/auth/oidc/{provider}/callback", get(oidc::callback))
        .route("/invite/{token}", get(invite::landing))
        .route("/invite/{token}/accept", post(invite::accept))
        .route("/orgs/new", get(orgs::new_page).post(orgs::create))
        .route("/pending", get(orgs::pending))
        .route("/org/leave", post(orgs::leave))
        .route("/admin", get(|| async { Redirect::to("/admin/users") }))
        .route("/admin/org", get(|| async { Redirect::to("/admin/users") }))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/invite", post(admin::invite))
        .route("/admin/users/approve-all", post(admin::approve_all))
        .route("/admin/users/{id}/approve", post(admin::approve))
        .route("/admin/users/{id}/reject", post(admin::reject))
        .route("/admin/users/{id}/role", post(admin::set_role))
        .route("/admin/users/{id}/remove", post(admin::remove))
        .route("/admin/settings", get(settings::settings))
        .route("/admin/settings/approvals", post(settings::approvals))
        .route("/admin/settings/name", post(settings::rename))
        .route("/admin/settings/reset-links", post(settings::reset_links))
        .route(
            "/admin/settings/links/{id}/revoke",
            post(settings::revoke_link),
        )
        .route("/admin/audit", get(audit::audit))
        .route("/settings/api-keys", get(keys::list).post(keys::create))
        .route("/settings/api-keys/{id}/delete", post(keys::delete))
        .route("/assets/roster.css", get(stylesheet))
        .route("/assets/roster.js", get(script))
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/roster.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/roster.js"),
    )
}
