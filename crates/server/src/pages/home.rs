//! `/`: who you are.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::http::{authenticate, ApiError};
use crate::pages::layout::page;
use crate::AppState;

/// The home page; sends visitors without a session to `/login`.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let Some(signed_in) = authenticate(&state, &headers).await? else {
        return Ok(Redirect::to("/login").into_response());
    };

    let user = &signed_in.user;
    let body = html! {
        div.card {
            h1 { "Hello, " (user.name.as_str()) }
            p { "You are signed in as " strong { (user.email) } "." }
            p.muted { "You do not belong to an organization yet." }
        }
    };
    Ok(page("Home", Some(user.email.as_str()), body).into_response())
}
