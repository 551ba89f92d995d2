//! The CSRF rule of the spec (section 9): unsafe methods are refused when the browser
//! says the request comes from elsewhere. Bearer-authenticated requests are exempt,
//! since a foreign page cannot attach an `Authorization` header.

use axum::extract::Request;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::http::ApiError;

/// Refuses cross-site unsafe requests with 403 `csrf`.
pub async fn csrf_guard(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if !safe && !bearer && is_cross_site(request.headers()) {
        return ApiError::csrf().into_response();
    }
    next.run(request).await
}

/// Whether the browser's headers say the request was made by another site.
///
/// `Sec-Fetch-Site` decides when present (`same-origin` and `none` pass). Without it,
/// an `Origin` whose host and port differ from `Host` is cross-site; so is the opaque
/// origin `null`. With neither header (curl, scripts) the request passes.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let origin_authority = origin
        .to_str()
        .ok()
        .and_then(|o| Url::parse(o).ok())
        .and_then(|url| {
            let host = url.host_str()?.to_ascii_lowercase();
            Some(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        });
    match (origin_authority, host) {
        (Some(origin), Some(host)) => origin != host,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn sec_fetch_site_decides_when_present() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_cross_site(&headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://localhost:8080"),
            ("host", "localhost:8080"),
        ])));
    }

    #[test]
    fn origin_must_match_host_including_port() {
        let same = [
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ];
        assert!(!is_cross_site(&headers(&same)));
        let local = [
            ("origin", "http://localhost:8080"),
            ("host", "localhost:8080"),
        ];
        assert!(!is_cross_site(&headers(&local)));
        let port = [
            ("origin", "http://localhost:9999"),
            ("host", "localhost:8080"),
        ];
        assert!(is_cross_site(&headers(&port)));
        let evil = [
            ("origin", "https://evil.example"),
            ("host", "roster.example"),
        ];
        assert!(is_cross_site(&headers(&evil)));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "a.example")
        ])));
    }

    #[test]
    fn clients_without_browser_headers_pass() {
        assert!(!is_cross_site(&headers(&[("host", "roster.example")])));
    }
}
