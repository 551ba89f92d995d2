//! `/auth/oidc/{provider}/start` and `/callback`: the browser's trip to the sign-in
//! provider and back.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

use crate::http::{
    clear_oidc_cookie, cookie_values, oidc_cookie, session_cookie, ClientIp, OIDC_COOKIE,
};
use crate::pages::common::{error_page, see_other};
use crate::{oidc, AppState, ServerConfig};

/// Query of the start.
#[derive(Deserialize)]
pub struct StartQuery {
    intent: Option<String>,
    invite: Option<String>,
}

/// Query of the callback.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Sends the browser to the provider.
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(provider): Path<String>,
    Query(query): Query<StartQuery>,
) -> Response {
    if let Err(e) = state.limit_auth_attempt(ip) {
        return error_page(e, None);
    }
    let intent = query.intent.as_deref().unwrap_or("login");
    match oidc::start(&state, &provider, intent, query.invite).await {
        Ok((url, login_state)) => {
            let cookie = oidc_cookie(state.config(), &login_state);
            ([(header::SET_COOKIE, cookie)], see_other(&url)).into_response()
        }
        Err(e) => error_page(e, None),
    }
}

/// Comes back from the provider: signs in, then home.
pub async fn callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let cleared = [(header::SET_COOKIE, clear_oidc_cookie())];
    if query.error.is_some() {
        let e = oidc::refused("The sign-in was cancelled at the provider.");
        return (cleared, error_page(e, None)).into_response();
    }
    let (Some(code), Some(returned)) = (query.code.as_deref(), query.state.as_deref()) else {
        let e = oidc::refused("The sign-in provider's answer was incomplete. Start again.");
        return (cleared, error_page(e, None)).into_response();
    };
    let bound = cookie_values(&headers, OIDC_COOKIE).next();

    match oidc::finish(&state, &provider, code, returned, bound, ip).await {
        Ok(session) => {
            let mut response = see_other("/");
            let headers = response.headers_mut();
            headers.append(
                header::SET_COOKIE,
                session_cookie(state.config(), &session.secret),
            );
            headers.append(header::SET_COOKIE, clear_oidc_cookie());
            response
        }
        Err(e) => (cleared, error_page(e, None)).into_response(),
    }
}

/// "Sign in with …" / "Sign up with …" links for every configured provider.
pub fn buttons(config: &ServerConfig, intent: &str, invite: Option<&str>) -> Markup {
    let verb = if intent == "signup" {
        "Sign up with"
    } else {
        "Sign in with"
    };
    let start = |name: &str| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("intent", intent);
        if let Some(invite) = invite {
            query.append_pair("invite", invite);
        }
        format!("/auth/oidc/{name}/start?{}", query.finish())
    };
    html! {
        @for provider in &config.oidc {
            p { a.button.secondary href=(start(&provider.name)) { (verb) " " (provider.label) } }
        }
    }
}
