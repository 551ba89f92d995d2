//! The session cookie: `HttpOnly`, `SameSite=Lax`, host-only, `Path=/`, and, whenever
//! the public URL is https, `Secure` with the `__Host-` name prefix (which browsers
//! only accept from this very host, so a sibling subdomain cannot plant one).

use axum::http::{header, HeaderMap, HeaderValue};
use roster_domain::Secret;

use crate::ServerConfig;

/// Name of the session cookie over plain http.
pub const SESSION_COOKIE: &str = "roster_session";

/// Name of the session cookie over https.
pub const SECURE_SESSION_COOKIE: &str = "__Host-roster_session";

/// The session cookie's name under this configuration.
pub fn session_cookie_name(config: &ServerConfig) -> &'static str {
    if config.secure_cookies() {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// `Set-Cookie` value carrying a new session id.
pub fn session_cookie(config: &ServerConfig, secret: &Secret) -> HeaderValue {
    let max_age = config.sessions.absolute_lifetime.as_secs();
    let secure = if config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}",
        session_cookie_name(config),
        secret.expose()
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` value that makes the browser forget the session.
pub fn clear_session_cookie(config: &ServerConfig) -> HeaderValue {
    let value = if config.secure_cookies() {
        "__Host-roster_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure"
    } else {
        "roster_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"
    };
    HeaderValue::from_static(value)
}

/// The session id presented in the `Cookie` header, if any looks like one.
pub fn session_secret(config: &ServerConfig, headers: &HeaderMap) -> Option<Secret> {
    cookie_values(headers, session_cookie_name(config)).find_map(Secret::from_presented)
}

/// Every value of the cookie `name` in the `Cookie` header.
pub fn cookie_values<'a>(
    headers: &'a HeaderMap,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// Name of the cookie that binds an OpenID Connect sign-in to the browser that
/// started it.
pub const OIDC_COOKIE: &str = "roster_oidc";

/// `Set-Cookie` for the state of a sign-in under way (10 minutes, callback path only).
pub fn oidc_cookie(config: &ServerConfig, state: &Secret) -> HeaderValue {
    let secure = if config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{OIDC_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/auth/oidc; Max-Age=600{secure}",
        state.expose()
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the sign-in state cookie.
pub fn clear_oidc_cookie() -> HeaderValue {
    HeaderValue::from_static("roster_oidc=; HttpOnly; SameSite=Lax; Path=/auth/oidc; Max-Age=0")
}

/// Name of the cookie carrying the invite link a sign-in came from, so that the
/// invite page can ask "Join ORG?" afterwards (the token never enters the database).
pub const OIDC_INVITE_COOKIE: &str = "roster_oidc_invite";

/// `Set-Cookie` for the invite token of a sign-in under way.
pub fn oidc_invite_cookie(config: &ServerConfig, token: &Secret) -> HeaderValue {
    let secure = if config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{OIDC_INVITE_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/auth/oidc; Max-Age=600{secure}",
        token.expose()
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the invite cookie.
pub fn clear_oidc_invite_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "roster_oidc_invite=; HttpOnly; SameSite=Lax; Path=/auth/oidc; Max-Age=0",
    )
}
