//! `/signup`, `/login`, `/logout`, `/me`: accounts and sessions over JSON.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use roster_store::members;
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::MeView;
use crate::accounts::{self, NewSession};
use crate::http::{clear_session_cookie, session_cookie, ApiError, ApiJson, ClientIp, CurrentUser};
use crate::AppState;

/// Body of `POST /signup`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupBody {
    email: String,
    password: String,
    name: String,
    /// Join the org of this invite link in the same step.
    invite_token: Option<String>,
    /// The one-time setup token of an empty invite-only instance.
    setup_token: Option<String>,
}

/// Body of `POST /login`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
    /// Join the org of this invite link in the same step.
    invite_token: Option<String>,
}

async fn with_session(
    state: &AppState,
    status: StatusCode,
    session: &NewSession,
) -> Result<Response, ApiError> {
    let membership = {
        let mut conn = state.store().conn().await?;
        members::of_user(&mut conn, session.user.id).await?
    };
    let cookie = session_cookie(state.config(), &session.secret);
    let body = MeView::new(&session.user, membership.as_ref());
    Ok((status, [(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Creates an account and signs it in.
#[utoipa::path(post, path = "/api/v1/signup", tag = "accounts", request_body = SignupBody,
    responses((status = 201, body = MeView), (status = 404, description = "invite_invalid"),
              (status = 409, description = "email_taken"), (status = 422, description = "validation"),
              (status = 429, description = "rate_limited")))]
pub async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<SignupBody>,
) -> Result<Response, ApiError> {
    state.limit_auth_attempt(ip)?;
    let request = accounts::parse_signup(
        &body.email,
        body.password,
        &body.name,
        body.setup_token,
        body.invite_token,
    )?;

    let session = accounts::sign_up(&state, request, ip).await?;

    with_session(&state, StatusCode::CREATED, &session).await
}

/// Signs in with email and password; a new session id every time.
#[utoipa::path(post, path = "/api/v1/login", tag = "accounts", request_body = LoginBody,
    responses((status = 200, body = MeView), (status = 401, description = "unauthenticated"),
              (status = 404, description = "invite_invalid"), (status = 409, description = "already_in_org"),
              (status = 429, description = "rate_limited")))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    state.limit_auth_attempt(ip)?;

    let session = accounts::sign_in(
        &state,
        &body.email,
        body.password,
        body.invite_token.as_deref(),
        ip,
    )
    .await?;

    with_session(&state, StatusCode::OK, &session).await
}

/// Revokes the current session.
#[utoipa::path(post, path = "/api/v1/logout", tag = "accounts", responses((status = 204), (status = 401)))]
pub async fn logout(
    State(state): State<AppState>,
    CurrentUser(signed_in): CurrentUser,
) -> Result<Response, ApiError> {
    accounts::sign_out(&state, &signed_in).await?;

    let cookie = clear_session_cookie(state.config());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Who is signed in, their org and membership. Answers pending members too.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = MeView), (status = 401)))]
pub async fn me(CurrentUser(signed_in): CurrentUser) -> Json<MeView> {
    Json((&signed_in).into())
}

/// Deletes the signed-in user's account (the last admin of an org with other
/// members must hand over first).
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts",
    responses((status = 204), (status = 401), (status = 409, description = "last_admin")))]
pub async fn delete_me(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(signed_in): CurrentUser,
) -> Result<Response, ApiError> {
    accounts::delete_account(&state, &signed_in, ip).await?;

    let cookie = clear_session_cookie(state.config());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
