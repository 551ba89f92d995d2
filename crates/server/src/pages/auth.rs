//! `/signup`, `/login` and `/logout` as forms; both accept an invite token, so that
//! following an invite link and signing up or in joins the org in the same step.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;

use crate::accounts::{self, NewSession};
use crate::http::{authenticate, clear_session_cookie, session_cookie, ApiError, ClientIp};
use crate::pages::common::{error_page, see_other, PageForm};
use crate::pages::layout::page;
use crate::pages::oidc;
use crate::{AppState, ServerConfig, SignupMode};

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
    invite: Option<String>,
}

/// Fields of the sign-in form.
#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    invite: Option<String>,
}

/// Query of the sign-up and sign-in pages.
#[derive(Deserialize, Default)]
pub struct AuthQuery {
    reason: Option<String>,
    org: Option<String>,
    setup: Option<String>,
    invite: Option<String>,
}

fn reason_text(reason: Option<&str>, org: Option<&str>) -> Option<String> {
    Some(match reason? {
        // The org's name comes from the URL: only something shaped like an org name
        // is shown, so that a crafted link cannot put sentences into this notice.
        "removed" => match org.and_then(|o| roster_domain::OrgName::parse(o).ok()) {
            Some(org) => format!("You were removed from {}.", org.as_str()),
            None => "You were removed from your organization.".to_owned(),
        },
        "signed_out" => "You have signed out.".to_owned(),
        "session_revoked" => "Your session has ended. Sign in again.".to_owned(),
        "account_deleted" => "Your account has been deleted.".to_owned(),
        _ => return None,
    })
}

fn signup_form(config: &ServerConfig, form: &SignupForm, error: Option<&str>) -> Markup {
    let login_href = with_invite_opt("/login", form.invite.as_deref());
    html! {
        div.card {
            h1 { "Create your Roster account" }
            @if form.invite.is_some() { p.notice { "You will join the organization that invited you." } }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/signup" {
                @if let Some(setup) = &form.setup { input type="hidden" name="setup" value=(setup); }
                @if let Some(invite) = &form.invite { input type="hidden" name="invite" value=(invite); }
                label for="name" { "Name" }
                input #name type="text" name="name" value=(form.name) autocomplete="name" required;
                label for="email" { "Email" }
                input #email type="email" name="email" value=(form.email) autocomplete="email" required;
                label for="password" { "Password (8 to 128 characters)" }
                input #password type="password" name="password" autocomplete="new-password" minlength="8" maxlength="128" required;
                button type="submit" { "Sign up" }
            }
            (oidc::buttons(config, "signup", form.invite.as_deref()))
            p.muted { "Already have an account? " a href=(login_href) { "Sign in" } }
        }
    }
}

fn login_form(
    config: &ServerConfig,
    email: &str,
    invite: Option<&str>,
    notice: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let signup_href = with_invite_opt("/signup", invite);
    html! {
        div.card {
            h1 { "Sign in to Roster" }
            @if let Some(notice) = notice { p.notice role="status" { (notice) } }
            @if invite.is_some() { p.notice { "You will join the organization that invited you." } }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/login" {
                @if let Some(invite) = invite { input type="hidden" name="invite" value=(invite); }
                label for="email" { "Email" }
                input #email type="email" name="email" value=(email) autocomplete="username" required;
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
            (oidc::buttons(config, "login", invite))
            @if config.signup == SignupMode::Open || invite.is_some() {
                p.muted { "No account yet? " a href=(signup_href) { "Sign up" } }
            }
        }
    }
}

/// `path?invite=…` with the token URL-encoded.
pub fn with_invite(path: &str, invite: &str) -> String {
    with_invite_opt(path, Some(invite))
}

/// `path?invite=…` with the token URL-encoded (it arrives from a query string), or
/// `path` without a token.
pub fn with_invite_opt(path: &str, invite: Option<&str>) -> String {
    match invite {
        Some(invite) => format!(
            "{path}?{}",
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("invite", invite)
                .finish()
        ),
        None => path.to_owned(),
    }
}

fn signed_in_redirect(state: &AppState, session: &NewSession) -> Response {
    let cookie = session_cookie(state.config(), &session.secret);
    ([(header::SET_COOKIE, cookie)], see_other("/")).into_response()
}

/// The sign-up form.
pub async fn signup_page(State(state): State<AppState>, Query(query): Query<AuthQuery>) -> Markup {
    let form = SignupForm {
        setup: query.setup,
        invite: query.invite,
        ..SignupForm::default()
    };
    if state.config().signup == SignupMode::InviteOnly
        && form.setup.is_none()
        && form.invite.is_none()
    {
        let body = html! {
            div.card {
                h1 { "Sign-up is by invitation" }
                p { "Accounts on this Roster are created through invite links. Ask an admin of your organization for one, then open it." }
                (oidc::buttons(state.config(), "signup", None))
                p.muted { "Already have an account? " a href="/login" { "Sign in" } }
            }
        };
        return page("Sign up", None, body);
    }
    page("Sign up", None, signup_form(state.config(), &form, None))
}

/// Handles the sign-up form.
pub async fn signup_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    PageForm(form): PageForm<SignupForm>,
) -> Response {
    let attempt = async {
        state.limit_auth_attempt(ip)?;
        let request = accounts::parse_signup(
            &form.email,
            form.password.clone(),
            &form.name,
            form.setup.clone(),
            form.invite.clone(),
        )?;
        accounts::sign_up(&state, request, ip).await
    };
    match attempt.await {
        Ok(session) => signed_in_redirect(&state, &session),
        Err(err) if err.code() == "invite_invalid" => error_page(err, None),
        Err(err) => {
            let body = signup_form(state.config(), &form, Some(err.detail()));
            (err.status(), page("Sign up", None, body)).into_response()
        }
    }
}

/// The sign-in form, with a notice for `?reason=`.
pub async fn login_page(State(state): State<AppState>, Query(query): Query<AuthQuery>) -> Markup {
    let notice = reason_text(query.reason.as_deref(), query.org.as_deref());
    let body = login_form(
        state.config(),
        "",
        query.invite.as_deref(),
        notice.as_deref(),
        None,
    );
    page("Sign in", None, body)
}

/// Handles the sign-in form.
pub async fn login_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let attempt = async {
        state.limit_auth_attempt(ip)?;
        let invite = form.invite.as_deref().filter(|i| !i.is_empty());
        accounts::sign_in(&state, &form.email, form.password.clone(), invite, ip).await
    };
    match attempt.await {
        Ok(session) => signed_in_redirect(&state, &session),
        Err(err) if matches!(err.code(), "invite_invalid" | "already_in_org") => {
            error_page(err, None)
        }
        Err(err) => {
            let body = login_form(
                state.config(),
                &form.email,
                form.invite.as_deref(),
                None,
                Some(err.detail()),
            );
            (err.status(), page("Sign in", None, body)).into_response()
        }
    }
}

/// Signs out and returns to the sign-in page.
pub async fn logout_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let signed_in = authenticate(&state, &headers)
        .await
        .map_err(|e| error_page(e, None))?;
    if let Some(signed_in) = signed_in {
        accounts::sign_out(&state, &signed_in)
            .await
            .map_err(|e: ApiError| error_page(e, None))?;
    }
    let cookie = clear_session_cookie(state.config());
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to("/login?reason=signed_out"),
    )
        .into_response())
}
