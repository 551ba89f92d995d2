//! `/signup`, `/login`, `/logout`, `/me`: accounts and sessions over JSON.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use roster_domain::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{self, NewSession};
use crate::http::{clear_session_cookie, session_cookie, ApiError, ApiJson, ClientIp, CurrentUser};
use crate::AppState;

/// Body of `POST /signup`.
#[derive(Deserialize, ToSchema)]
pub struct SignupBody {
    email: String,
    password: String,
    name: String,
    invite_token: Option<String>,
    setup_token: Option<String>,
}

/// Body of `POST /login`.
#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
    invite_token: Option<String>,
}

/// The signed-in user and their org, as `GET /me` answers.
#[derive(Serialize, ToSchema)]
pub struct MeBody {
    user: UserBody,
    /// The user's org; `null` until they create or join one.
    #[schema(value_type = Option<Object>)]
    org: Option<()>,
    /// Role and status in the org; `null` without an org.
    #[schema(value_type = Option<Object>)]
    membership: Option<()>,
}

/// A user as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct UserBody {
    id: String,
    email: String,
    name: String,
}

impl MeBody {
    fn of(user: &User) -> Self {
        Self {
            user: UserBody {
                id: user.id.to_string(),
                email: user.email.to_string(),
                name: user.name.as_str().to_owned(),
            },
            org: None,
            membership: None,
        }
    }
}

fn with_session(state: &AppState, status: StatusCode, session: &NewSession) -> Response {
    let cookie = session_cookie(state.config(), &session.secret);
    (
        status,
        [(header::SET_COOKIE, cookie)],
        Json(MeBody::of(&session.user)),
    )
        .into_response()
}

/// Creates an account and signs it in.
#[utoipa::path(post, path = "/api/v1/signup", request_body = SignupBody,
    responses((status = 201, body = MeBody), (status = 409, description = "email_taken"),
              (status = 422, description = "validation"), (status = 429, description = "rate_limited")))]
pub async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<SignupBody>,
) -> Result<Response, ApiError> {
    state.limit_auth_attempt(ip)?;
    let _ = body.invite_token;
    let request = accounts::parse_signup(&body.email, body.password, &body.name, body.setup_token)?;

    let session = accounts::sign_up(&state, request).await?;

    Ok(with_session(&state, StatusCode::CREATED, &session))
}

/// Signs in with email and password; a new session id every time.
#[utoipa::path(post, path = "/api/v1/login", request_body = LoginBody,
    responses((status = 200, body = MeBody), (status = 401, description = "unauthenticated"),
              (status = 429, description = "rate_limited")))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    state.limit_auth_attempt(ip)?;
    let _ = body.invite_token;

    let session = accounts::sign_in(&state, &body.email, body.password).await?;

    Ok(with_session(&state, StatusCode::OK, &session))
}

/// Revokes the current session.
#[utoipa::path(post, path = "/api/v1/logout", responses((status = 204), (status = 401)))]
pub async fn logout(
    State(state): State<AppState>,
    CurrentUser(signed_in): CurrentUser,
) -> Result<Response, ApiError> {
    accounts::sign_out(&state, &signed_in).await?;

    let cookie = clear_session_cookie(state.config());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeBody), (status = 401)))]
pub async fn me(CurrentUser(signed_in): CurrentUser) -> Json<MeBody> {
    Json(MeBody::of(&signed_in.user))
}

/// Deletes the signed-in user's account.
#[utoipa::path(delete, path = "/api/v1/me", responses((status = 204), (status = 401)))]
pub async fn delete_me(
    State(state): State<AppState>,
    CurrentUser(signed_in): CurrentUser,
) -> Result<Response, ApiError> {
    accounts::delete_account(&state, &signed_in).await?;

    let cookie = clear_session_cookie(state.config());
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
