//! Sign-up, sign-in, normalization of emails, account deletion.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::{problem, session_cookie, TestApp};

on_both_databases!(
    sign_up_creates_an_account_and_signs_it_in,
    second_sign_up_with_the_same_email_is_email_taken,
    mixed_case_email_is_the_same_account,
    unicode_domain_is_stored_in_ascii_form,
    look_alike_unicode_address_does_not_reach_an_existing_account,
    wrong_password_and_unknown_email_get_identical_answers,
    invalid_sign_up_lists_every_invalid_field,
    deleted_account_can_no_longer_sign_in,
    invite_only_instance_accepts_only_the_one_time_setup_token,
);

async fn sign_up_creates_an_account_and_signs_it_in(app: TestApp) {
    let response = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "anna@example.com", "password": "correct horse", "name": "Anna"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = session_cookie(response.headers()).expect("cookie");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["user"]["email"], "anna@example.com");
    assert_eq!(body["user"]["name"], "Anna");
    assert_eq!(body["org"], Value::Null);
    assert_eq!(body["membership"], Value::Null);

    let me: Value = app.me(&cookie).await.json().await.expect("json");
    assert_eq!(me["user"], body["user"]);
}

async fn second_sign_up_with_the_same_email_is_email_taken(app: TestApp) {
    app.sign_up("anna@example.com").await;

    let again = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "anna@example.com", "password": "another password", "name": "Impostor"}),
        )
        .await;

    let (status, body) = problem(again).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "email_taken");
    assert!(session_cookie_is_absent(&body));
}

fn session_cookie_is_absent(body: &Value) -> bool {
    body.get("user").is_none()
}

async fn mixed_case_email_is_the_same_account(app: TestApp) {
    app.sign_up("  Anna.Smith@Example.COM ").await;

    let again = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "anna.smith@example.com", "password": "another password", "name": "A"}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    let login = app
        .sign_in("ANNA.SMITH@example.com", "correct horse battery")
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    let body: Value = login.json().await.expect("json");
    assert_eq!(body["user"]["email"], "anna.smith@example.com");
}

async fn unicode_domain_is_stored_in_ascii_form(app: TestApp) {
    let cookie = app.sign_up("anna@Bücher.example").await;

    let me: Value = app.me(&cookie).await.json().await.expect("json");
    assert_eq!(me["user"]["email"], "anna@xn--bcher-kva.example");
    let login = app
        .sign_in("anna@xn--bcher-kva.example", "correct horse battery")
        .await;
    assert_eq!(login.status(), StatusCode::OK);
}

async fn look_alike_unicode_address_does_not_reach_an_existing_account(app: TestApp) {
    app.sign_up("kim@example.com").await;

    // Cyrillic "е" in the domain: a different domain, so a different account.
    let lookalike = app.sign_up("kim@\u{0435}xample.com").await;
    let me: Value = app.me(&lookalike).await.json().await.expect("json");
    assert_ne!(me["user"]["email"], "kim@example.com");
    assert!(me["user"]["email"]
        .as_str()
        .expect("email")
        .starts_with("kim@xn--"));

    // KELVIN SIGN lower-cases to "k": refused rather than merged into kim@example.com.
    let kelvin = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "\u{212A}im@example.com", "password": "correct horse", "name": "K"}),
        )
        .await;
    let (status, body) = problem(kelvin).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "validation");
    assert_eq!(body["errors"][0]["field"], "email");
    let sign_in = app
        .sign_in("\u{212A}im@example.com", "correct horse battery")
        .await;
    assert_eq!(sign_in.status(), StatusCode::UNAUTHORIZED);
}

async fn wrong_password_and_unknown_email_get_identical_answers(app: TestApp) {
    app.sign_up("anna@example.com").await;

    let wrong_password = app.sign_in("anna@example.com", "not her password").await;
    let unknown_email = app.sign_in("nobody@example.com", "not her password").await;

    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_email.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(wrong_password.headers()).is_none());
    let a = wrong_password.text().await.expect("body");
    let b = unknown_email.text().await.expect("body");
    assert_eq!(a, b);
    let body: Value = serde_json::from_str(&a).expect("json");
    assert_eq!(body["code"], "unauthenticated");
}

async fn invalid_sign_up_lists_every_invalid_field(app: TestApp) {
    let response = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "not-an-email", "password": "short", "name": "  "}),
        )
        .await;

    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "validation");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["email", "password", "name"]);
}

async fn deleted_account_can_no_longer_sign_in(app: TestApp) {
    let cookie = app.sign_up("anna@example.com").await;

    let deleted = app
        .as_user(Method::DELETE, "/api/v1/me", &cookie)
        .send()
        .await
        .expect("send");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    assert_eq!(app.me(&cookie).await.status(), StatusCode::UNAUTHORIZED);
    let login = app
        .sign_in("anna@example.com", "correct horse battery")
        .await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    // The address is free again.
    app.sign_up("anna@example.com").await;
}

async fn invite_only_instance_accepts_only_the_one_time_setup_token(app: TestApp) {
    let app = app
        .reconfigured(|config| config.signup = roster_server::SignupMode::InviteOnly)
        .await;
    let setup = roster_domain::Secret::generate();
    app.state.arm_setup_token(setup.hash());
    let body = |token: Option<&str>| json!({"email": "first@example.com", "password": "correct horse", "name": "First", "setup_token": token});

    let without = app.post_json("/api/v1/signup", body(None)).await;
    let (status, problem_body) = problem(without).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem_body["code"], "forbidden");

    let with = app
        .post_json("/api/v1/signup", body(Some(setup.expose())))
        .await;
    assert_eq!(with.status(), StatusCode::CREATED);

    let reused = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "second@example.com", "password": "correct horse", "name": "Second", "setup_token": setup.expose()}),
        )
        .await;
    assert_eq!(reused.status(), StatusCode::FORBIDDEN);
}
