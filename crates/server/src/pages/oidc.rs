//! `/auth/oidc/{provider}/start` and `/callback`: the browser's trip to the sign-in
//! provider and back.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use maud::{html, Markup};
use roster_domain::Secret;
use serde::Deserialize;

use crate::http::{
    clear_oidc_cookie, clear_oidc_invite_cookie, cookie_values, oidc_cookie, oidc_invite_cookie,
    session_cookie, ClientIp, OIDC_COOKIE, OIDC_INVITE_COOKIE,
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

/// Sends the browser to the provider. An invite token rides along in a cookie.
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

    match oidc::start(&state, &provider, intent).await {
        Ok((url, login_state)) => {
            let mut response = see_other(&url);
            let headers = response.headers_mut();
            headers.append(
                header::SET_COOKIE,
                oidc_cookie(state.config(), &login_state),
            );
            let invite = match query.invite.as_deref().and_then(Secret::from_presented) {
                Some(invite) => oidc_invite_cookie(state.config(), &invite),
                None => clear_oidc_invite_cookie(),
            };
            headers.append(header::SET_COOKIE, invite);
            response
        }
        Err(e) => error_page(e, None),
    }
}

/// Comes back from the provider: signs in, then home, or to the invite page the
/// sign-in started from (where joining is an explicit choice).
pub async fn callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let fail = |e| {
        let mut response = error_page(e, None);
        let h = response.headers_mut();
        h.append(header::SET_COOKIE, clear_oidc_cookie());
        h.append(header::SET_COOKIE, clear_oidc_invite_cookie());
        response
    };
    if query.error.is_some() {
        return fail(oidc::refused("The sign-in was cancelled at the provider."));
    }
    let (Some(code), Some(returned)) = (query.code.as_deref(), query.state.as_deref()) else {
        return fail(oidc::refused(
            "The sign-in provider's answer was incomplete. Start again.",
        ));
    };
    // Exactly one state cookie: a second one (planted by a sibling site) is refused.
    let bound: Vec<&str> = cookie_values(&headers, OIDC_COOKIE).collect();
    if bound.len() > 1 {
        return fail(oidc::refused(
            "This sign-in has expired or was already used. Start again.",
        ));
    }
    let invite = cookie_values(&headers, OIDC_INVITE_COOKIE)
        .find_map(Secret::from_presented)
        .map(|s| s.expose().to_owned());

    let finished = oidc::finish(
        &state,
        &provider,
        code,
        returned,
        bound.first().copied(),
        invite.as_deref(),
        ip,
    )
    .await;
    match finished {
        Ok(session) => {
            let to = match &invite {
                Some(token) => format!("/invite/{token}"),
                None => "/".to_owned(),
            };
            let mut response = see_other(&to);
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                session_cookie(state.config(), &session.secret),
            );
            h.append(header::SET_COOKIE, clear_oidc_cookie());
            h.append(header::SET_COOKIE, clear_oidc_invite_cookie());
            response
        }
        Err(e) => fail(e),
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
