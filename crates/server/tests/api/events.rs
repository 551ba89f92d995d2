//! The event stream behind the pages' live logout.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(
    removed_member_stream_says_session_revoked_with_the_org,
    approval_is_pushed_as_membership_changed,
    open_streams_per_session_are_bounded,
);

/// Reads the stream until an event named `name` arrives; returns its data line.
async fn next_event(response: &mut reqwest::Response, name: &str) -> String {
    let mut buffer = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {name} event within 2 seconds; got {buffer:?}"))
            .expect("stream")
            .expect("stream ended");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(at) = buffer.find(&format!("event: {name}\n")) {
            let rest = &buffer[at..];
            if let Some(data) = rest.lines().find_map(|l| l.strip_prefix("data: ")) {
                return data.to_owned();
            }
        }
    }
}

async fn removed_member_stream_says_session_revoked_with_the_org(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let token = app.invite_token(&admin).await;
    let bob = app.join("bob@acme.example", &token).await;
    let bob_id = app.user_id(&bob).await;
    let mut stream = app
        .as_user(Method::GET, "/api/v1/events", &bob)
        .send()
        .await
        .expect("send");
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");

    app.call(
        Method::DELETE,
        &format!("/api/v1/org/members/{bob_id}"),
        Some(&admin),
        None,
    )
    .await;

    let data = next_event(&mut stream, "session_revoked").await;
    assert_eq!(data, r#"{"org":"Acme","reason":"removed"}"#);
}

async fn approval_is_pushed_as_membership_changed(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&admin),
        Some(serde_json::json!({"approvals_enabled": true})),
    )
    .await;
    let token = app.invite_token(&admin).await;
    let pat = app.join("pat@acme.example", &token).await;
    let pat_id = app.user_id(&pat).await;
    let mut stream = app
        .as_user(Method::GET, "/api/v1/events", &pat)
        .send()
        .await
        .expect("send");

    app.call(
        Method::POST,
        &format!("/api/v1/org/members/{pat_id}/approve"),
        Some(&admin),
        None,
    )
    .await;

    let data = next_event(&mut stream, "membership_changed").await;
    assert_eq!(data, r#"{"role":"member","status":"active"}"#);
}

async fn open_streams_per_session_are_bounded(app: TestApp) {
    let cookie = app.sign_up("tabs@example.com").await;
    let mut open = Vec::new();
    for _ in 0..8 {
        let stream = app
            .as_user(Method::GET, "/api/v1/events", &cookie)
            .send()
            .await
            .expect("send");
        assert_eq!(stream.status(), StatusCode::OK);
        open.push(stream);
    }

    let ninth = app
        .as_user(Method::GET, "/api/v1/events", &cookie)
        .send()
        .await
        .expect("send");
    assert_eq!(ninth.status(), StatusCode::TOO_MANY_REQUESTS);

    drop(open.pop());
    let mut reopened = None;
    for _ in 0..50 {
        let again = app
            .as_user(Method::GET, "/api/v1/events", &cookie)
            .send()
            .await
            .expect("send");
        if again.status() == StatusCode::OK {
            reopened = Some(again);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(reopened.is_some(), "a closed stream frees its place");
}
