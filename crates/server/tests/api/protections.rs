//! CSRF rule, rate limits, body limits, malformed input, readiness.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_databases;
use crate::support::{problem, TestApp};

on_both_databases!(
    cross_site_origin_is_refused_for_cookie_requests,
    cross_site_fetch_metadata_is_refused_even_for_login,
    client_without_browser_headers_is_accepted,
    same_origin_browser_request_is_accepted,
    repeated_sign_in_attempts_are_rate_limited,
    oversized_body_is_refused_with_413,
    malformed_json_is_answered_with_a_problem,
    unknown_api_path_is_a_problem_not_found,
    readiness_fails_when_the_database_is_gone,
    forwarded_for_counts_only_behind_a_trusted_proxy,
);

async fn cross_site_origin_is_refused_for_cookie_requests(app: TestApp) {
    let cookie = app.sign_up("anna@example.com").await;

    let response = app
        .as_user(Method::POST, "/api/v1/logout", &cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("send");

    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "csrf");
    assert_eq!(
        app.me(&cookie).await.status(),
        StatusCode::OK,
        "session survived"
    );
}

async fn cross_site_fetch_metadata_is_refused_even_for_login(app: TestApp) {
    app.sign_up("anna@example.com").await;

    let response = app
        .request(Method::POST, "/api/v1/login")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"email": "anna@example.com", "password": "correct horse battery"}))
        .send()
        .await
        .expect("send");

    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "csrf");
}

async fn client_without_browser_headers_is_accepted(app: TestApp) {
    let cookie = app.sign_up("anna@example.com").await;

    let response = app
        .as_user(Method::POST, "/api/v1/logout", &cookie)
        .send()
        .await
        .expect("send");

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn same_origin_browser_request_is_accepted(app: TestApp) {
    let cookie = app.sign_up("anna@example.com").await;

    let response = app
        .as_user(Method::POST, "/api/v1/logout", &cookie)
        .header("origin", format!("http://{}", app.addr))
        .send()
        .await
        .expect("send");

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn repeated_sign_in_attempts_are_rate_limited(app: TestApp) {
    let app = app
        .reconfigured(|config| config.auth_attempts_per_minute = 5)
        .await;

    for attempt in 1..=5 {
        let response = app.sign_in("anna@example.com", "guess number one").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let response = app.sign_in("anna@example.com", "guess number six").await;

    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "rate_limited");
}

async fn oversized_body_is_refused_with_413(app: TestApp) {
    let huge = "x".repeat(100 * 1024);

    let response = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "anna@example.com", "password": "correct horse", "name": huge}),
        )
        .await;

    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "payload_too_large");
}

async fn malformed_json_is_answered_with_a_problem(app: TestApp) {
    let response = app
        .request(Method::POST, "/api/v1/signup")
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("send");

    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "malformed");
    let text = body.to_string();
    assert!(!text.contains("line 1"), "no parser internals: {text}");
}

async fn unknown_api_path_is_a_problem_not_found(app: TestApp) {
    let response = app
        .request(Method::GET, "/api/v1/nope")
        .send()
        .await
        .expect("send");

    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
}

async fn creator_address_in_audit(app: &TestApp, email: &str) -> serde_json::Value {
    let response = app
        .request(Method::POST, "/api/v1/signup")
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.7")
        .json(&json!({"email": email, "password": "correct horse", "name": "A"}))
        .send()
        .await
        .expect("send");
    let cookie = crate::support::session_cookie(response.headers()).expect("cookie");
    app.call(
        Method::POST,
        "/api/v1/orgs",
        Some(&cookie),
        Some(json!({"name": "Proxied"})),
    )
    .await;
    let audit = app
        .as_user(Method::GET, "/api/v1/org/audit", &cookie)
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .expect("send");
    let body: serde_json::Value = audit.json().await.expect("json");
    body["events"][0]["client_ip"].clone()
}

async fn forwarded_for_counts_only_behind_a_trusted_proxy(app: TestApp) {
    // Without the flag, a client cannot choose the address it is counted under.
    let address = creator_address_in_audit(&app, "direct@example.com").await;
    assert_eq!(address, "127.0.0.1");

    let proxied = app
        .reconfigured(|config| config.trust_forwarded_for = true)
        .await;
    let response = proxied
        .request(Method::POST, "/api/v1/orgs")
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let signup = proxied
        .request(Method::POST, "/api/v1/signup")
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.7")
        .json(&json!({"email": "proxied@example.com", "password": "correct horse", "name": "P"}))
        .send()
        .await
        .expect("send");
    let cookie = crate::support::session_cookie(signup.headers()).expect("cookie");
    let create = proxied
        .as_user(Method::POST, "/api/v1/orgs", &cookie)
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({"name": "Proxied"}))
        .send()
        .await
        .expect("send");
    assert_eq!(create.status(), StatusCode::CREATED);
    let (_, audit) = proxied
        .call(Method::GET, "/api/v1/org/audit", Some(&cookie), None)
        .await;
    assert_eq!(audit["events"][0]["client_ip"], "203.0.113.7");
}

async fn readiness_fails_when_the_database_is_gone(app: TestApp) {
    let ready = app
        .request(Method::GET, "/readyz")
        .send()
        .await
        .expect("send");
    assert_eq!(ready.status(), StatusCode::OK);

    app.store.close().await;

    let (status, body) = problem(
        app.request(Method::GET, "/readyz")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "unavailable");
    let live = app
        .request(Method::GET, "/healthz")
        .send()
        .await
        .expect("send");
    assert_eq!(live.status(), StatusCode::OK);
}

mod openapi_document {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn openapi_document_describes_every_path_of_the_spec() {
        let app = TestApp::spawn(crate::support::Db::Sqlite).await;
        let doc: serde_json::Value = app
            .request(Method::GET, "/api/v1/openapi.json")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");

        assert_eq!(doc["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
        let paths = doc["paths"].as_object().expect("paths");
        for path in [
            "/api/v1/signup",
            "/api/v1/login",
            "/api/v1/logout",
            "/api/v1/me",
            "/api/v1/orgs",
            "/api/v1/org",
            "/api/v1/org/leave",
            "/api/v1/org/members",
            "/api/v1/org/members/{user_id}/approve",
            "/api/v1/org/members/{user_id}/reject",
            "/api/v1/org/members/approve-all",
            "/api/v1/org/members/{user_id}",
            "/api/v1/org/invite-links",
            "/api/v1/org/invite-links/{id}",
            "/api/v1/org/invite-links/reset",
            "/api/v1/invites/{token}",
            "/api/v1/invites/{token}/accept",
            "/api/v1/org/audit",
            "/api/v1/api-keys",
            "/api/v1/api-keys/{id}",
            "/api/v1/deploy-keys",
            "/api/v1/deploy-keys/{id}",
            "/api/v1/clusters/register",
            "/api/v1/clusters",
            "/api/v1/clusters/{id}",
            "/api/v1/authz/check",
            "/api/v1/events",
            "/healthz",
            "/readyz",
        ] {
            assert!(
                paths.contains_key(path),
                "{path} missing from the OpenAPI document"
            );
        }
        let schemes = doc["components"]["securitySchemes"]
            .as_object()
            .expect("security schemes");
        assert!(schemes.contains_key("session") && schemes.contains_key("api_key"));
    }
}
