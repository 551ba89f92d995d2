//! `/signup`, `/login` and `/logout` as forms.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

use crate::accounts::{self, NewSession};
use crate::http::{authenticate, clear_session_cookie, session_cookie, ApiError, ClientIp};
use crate::pages::layout::page;
use crate::AppState;

/// Fields of the sign-up form.
#[derive(Deserialize, Default)]
pub struct SignupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    setup: Option<String>,
}

/// Fields of the sign-in form.
#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Query of the sign-up and sign-in pages.
#[derive(Deserialize)]
pub struct AuthQuery {
    reason: Option<String>,
    setup: Option<String>,
}

fn reason_text(reason: Option<&str>) -> Option<&'static str> {
    match reason? {
        "signed_out" => Some("You have signed out."),
        "session_revoked" => Some("Your session has ended. Sign in again."),
        "account_deleted" => Some("Your account has been deleted."),
        _ => None,
    }
}

fn signup_form(form: &SignupForm, error: Option<&str>) -> Markup {
    html! {
        div.card {
            h1 { "Create your Roster account" }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/signup" {
                @if let Some(setup) = &form.setup { input type="hidden" name="setup" value=(setup); }
                label for="name" { "Name" }
                input #name type="text" name="name" value=(form.name) autocomplete="name" required;
                label for="email" { "Email" }
                input #email type="email" name="email" value=(form.email) autocomplete="email" required;
                label for="password" { "Password (8 to 128 characters)" }
                input #password type="password" name="password" autocomplete="new-password" minlength="8" maxlength="128" required;
                button type="submit" { "Sign up" }
            }
            p.muted { "Already have an account? " a href="/login" { "Sign in" } }
        }
    }
}

fn login_form(email: &str, notice: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        div.card {
            h1 { "Sign in to Roster" }
            @if let Some(notice) = notice { p.notice role="status" { (notice) } }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/login" {
                label for="email" { "Email" }
                input #email type="email" name="email" value=(email) autocomplete="username" required;
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
            p.muted { "No account yet? " a href="/signup" { "Sign up" } }
        }
    }
}

fn signed_in_redirect(state: &AppState, session: &NewSession) -> Response {
    let cookie = session_cookie(state.config(), &session.secret);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

/// The sign-up form.
pub async fn signup_page(Query(query): Query<AuthQuery>) -> Markup {
    let form = SignupForm {
        setup: query.setup,
        ..SignupForm::default()
    };
    page("Sign up", None, signup_form(&form, None))
}

/// Handles the sign-up form.
pub async fn signup_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<SignupForm>,
) -> Response {
    let attempt = async {
        state.limit_auth_attempt(ip)?;
        let request = accounts::parse_signup(
            &form.email,
            form.password.clone(),
            &form.name,
            form.setup.clone(),
            None,
        )?;
        accounts::sign_up(&state, request, ip).await
    };
    match attempt.await {
        Ok(session) => signed_in_redirect(&state, &session),
        Err(err) => form_error(
            err.status(),
            page("Sign up", None, signup_form(&form, Some(err.detail()))),
        ),
    }
}

/// The sign-in form, with a notice for `?reason=`.
pub async fn login_page(Query(query): Query<AuthQuery>) -> Markup {
    let notice = reason_text(query.reason.as_deref());
    page("Sign in", None, login_form("", notice, None))
}

/// Handles the sign-in form.
pub async fn login_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Response {
    let attempt = async {
        state.limit_auth_attempt(ip)?;
        accounts::sign_in(&state, &form.email, form.password.clone(), None, ip).await
    };
    match attempt.await {
        Ok(session) => signed_in_redirect(&state, &session),
        Err(err) => form_error(
            err.status(),
            page(
                "Sign in",
                None,
                login_form(&form.email, None, Some(err.detail())),
            ),
        ),
    }
}

/// Signs out and returns to the sign-in page.
pub async fn logout_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(signed_in) = authenticate(&state, &headers).await? {
        accounts::sign_out(&state, &signed_in).await?;
    }
    let cookie = clear_session_cookie(state.config());
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to("/login?reason=signed_out"),
    )
        .into_response())
}

fn form_error(status: StatusCode, body: Markup) -> Response {
    (status, body).into_response()
}
