//! Orgs, invite links, approvals, roles and removal: the seed's story and its edges.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::TestApp;

const DAY: Duration = Duration::from_secs(24 * 3600);

on_both_databases!(
    the_seed_story_runs_end_to_end,
    invite_link_works_until_seven_days_and_not_a_second_longer,
    removed_user_is_refused_by_an_older_link_and_comes_back_pending_by_a_newer_one,
    every_unusable_invite_link_gets_the_same_answer,
    failed_invite_sign_up_creates_no_account,
    form_opened_before_a_reset_fails_when_submitted_after_it,
    last_admin_cannot_leave_be_demoted_or_removed,
    last_member_leaving_deletes_the_org,
    members_list_pages_with_a_stable_cursor,
    api_key_is_shown_once_and_dies_with_the_membership,
    member_in_an_org_cannot_accept_another_invite,
    org_name_is_validated_and_unique,
);

async fn the_seed_story_runs_end_to_end(app: TestApp) {
    // Admin signs up and creates the org.
    let admin = app.admin_of("admin@acme.example", "Acme").await;

    // A link; a teammate signs up with it and is active.
    let link = app.invite_token(&admin).await;
    let lookup = app
        .call(Method::GET, &format!("/api/v1/invites/{link}"), None, None)
        .await;
    assert_eq!(lookup.0, StatusCode::OK);
    assert_eq!(lookup.1["org"]["name"], "Acme");
    let teammate = app.join("teammate@acme.example", &link).await;
    let (_, me) = app
        .call(Method::GET, "/api/v1/me", Some(&teammate), None)
        .await;
    assert_eq!(me["org"]["name"], "Acme");
    assert_eq!(
        me["membership"],
        json!({"role": "member", "status": "active"})
    );

    // Approvals on: a second teammate joins pending and can do nothing.
    let (status, org) = app
        .call(
            Method::PATCH,
            "/api/v1/org",
            Some(&admin),
            Some(json!({"approvals_enabled": true})),
        )
        .await;
    assert_eq!(
        (status, org["approvals_enabled"].clone()),
        (StatusCode::OK, json!(true))
    );
    let second = app.join("second@acme.example", &link).await;
    let (status, body) = app
        .call(Method::GET, "/api/v1/org/members", Some(&second), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("approval_pending"))
    );
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&second),
            Some(json!({"description": "cli"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("approval_pending"))
    );
    let (_, me) = app
        .call(Method::GET, "/api/v1/me", Some(&second), None)
        .await;
    assert_eq!(me["membership"]["status"], "pending");

    // The admin approves; the teammate gets in.
    let second_id = app.user_id(&second).await;
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/org/members/{second_id}/approve"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, members) = app
        .call(Method::GET, "/api/v1/org/members", Some(&second), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(members["members"].as_array().map(Vec::len), Some(3));

    // Reset: the old link is dead, a new one works.
    let (status, reset) = app
        .call(
            Method::POST,
            "/api/v1/org/invite-links/reset",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!((status, reset), (StatusCode::OK, json!({"revoked": 1})));
    let (status, body) = app
        .call(Method::GET, &format!("/api/v1/invites/{link}"), None, None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("invite_invalid"))
    );
    let fresh = app.invite_token(&admin).await;
    let (status, _) = app
        .call(Method::GET, &format!("/api/v1/invites/{fresh}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);

    // The teammate makes an API key; the admin removes them; cookie and key both die.
    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&teammate),
            Some(json!({"description": "laptop"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let key = created["key"].as_str().expect("key").to_owned();
    assert_eq!(
        app.call_with_key(Method::GET, "/api/v1/org/members", &key)
            .await
            .0,
        StatusCode::OK
    );
    let teammate_id = app.user_id(&teammate).await;
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/org/members/{teammate_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, body) = app
        .call(Method::GET, "/api/v1/me", Some(&teammate), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    let (status, body) = app
        .call_with_key(Method::GET, "/api/v1/org/members", &key)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    assert_eq!(
        app.stored_members(&admin).await,
        [
            (
                "admin@acme.example".to_owned(),
                "admin".to_owned(),
                "active".to_owned()
            ),
            (
                "second@acme.example".to_owned(),
                "member".to_owned(),
                "active".to_owned()
            ),
        ]
    );
}

async fn invite_link_works_until_seven_days_and_not_a_second_longer(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let early = app.invite_token(&admin).await;
    let late = app.invite_token(&admin).await;

    app.advance(7 * DAY - Duration::from_secs(60));
    app.join("early@acme.example", &early).await;

    app.advance(Duration::from_secs(61));
    let (status, body) = app
        .call(Method::GET, &format!("/api/v1/invites/{late}"), None, None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("invite_invalid"))
    );
    let response = app
        .post_json("/api/v1/signup", json!({"email": "late@acme.example", "password": "correct horse", "name": "Late", "invite_token": late}))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn removed_user_is_refused_by_an_older_link_and_comes_back_pending_by_a_newer_one(
    app: TestApp,
) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let old_link = app.invite_token(&admin).await;
    let bob = app.join("bob@acme.example", &old_link).await;
    let bob_id = app.user_id(&bob).await;
    app.advance(Duration::from_secs(1));
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/org/members/{bob_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let bob = session(&app, "bob@acme.example").await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/invites/{old_link}/accept"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("invite_invalid"))
    );

    app.advance(Duration::from_secs(1));
    let new_link = app.invite_token(&admin).await;
    let (status, me) = app
        .call(
            Method::POST,
            &format!("/api/v1/invites/{new_link}/accept"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        me["membership"],
        json!({"role": "member", "status": "pending"})
    );
    let (_, org) = app
        .call(Method::GET, "/api/v1/org", Some(&admin), None)
        .await;
    assert_eq!(org["approvals_enabled"], false);
}

async fn session(app: &TestApp, email: &str) -> String {
    let response = app.sign_in(email, "correct horse battery").await;
    assert_eq!(response.status(), StatusCode::OK);
    crate::support::session_cookie(response.headers()).expect("cookie")
}

async fn every_unusable_invite_link_gets_the_same_answer(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let (_, revoked) = app
        .call(
            Method::POST,
            "/api/v1/org/invite-links",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    let revoked_id = revoked["id"].as_str().expect("id");
    app.call(
        Method::DELETE,
        &format!("/api/v1/org/invite-links/{revoked_id}"),
        Some(&admin),
        None,
    )
    .await;
    let (_, single) = app
        .call(
            Method::POST,
            "/api/v1/org/invite-links",
            Some(&admin),
            Some(json!({"max_uses": 1})),
        )
        .await;
    let single = single["token"].as_str().expect("token").to_owned();
    app.join("first@acme.example", &single).await;
    let (_, short) = app
        .call(
            Method::POST,
            "/api/v1/org/invite-links",
            Some(&admin),
            Some(json!({"expires_in_days": 1})),
        )
        .await;
    app.advance(DAY + Duration::from_secs(1));

    let tokens = [
        revoked["token"].as_str().expect("token").to_owned(),
        single,
        short["token"].as_str().expect("token").to_owned(),
        "A".repeat(43),
        "not-a-token".to_owned(),
    ];
    let mut answers = Vec::new();
    for token in &tokens {
        let response = app
            .request(Method::GET, &format!("/api/v1/invites/{token}"))
            .send()
            .await
            .expect("send");
        answers.push((response.status(), response.text().await.expect("body")));
    }

    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:#?}");
    assert_eq!(answers[0].0, StatusCode::NOT_FOUND);
    let body: Value = serde_json::from_str(&answers[0].1).expect("json");
    assert_eq!(body["code"], "invite_invalid");
    assert_eq!(
        body["detail"],
        "This invite link is invalid or has expired. Ask an admin of the organization for a new one."
    );
}

async fn failed_invite_sign_up_creates_no_account(app: TestApp) {
    let response = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "ghost@acme.example", "password": "correct horse", "name": "Ghost", "invite_token": "B".repeat(43)}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(crate::support::session_cookie(response.headers()).is_none());

    let login = app.sign_in("ghost@acme.example", "correct horse").await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    let mut conn = app.store.conn().await.expect("conn");
    assert!(!roster_store::users::any_exist(&mut conn)
        .await
        .expect("query"));
}

async fn form_opened_before_a_reset_fails_when_submitted_after_it(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let link = app.invite_token(&admin).await;
    let carol = app.sign_up("carol@elsewhere.example").await;
    let (status, _) = app
        .call(Method::GET, &format!("/api/v1/invites/{link}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);

    app.call(
        Method::POST,
        "/api/v1/org/invite-links/reset",
        Some(&admin),
        None,
    )
    .await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/invites/{link}/accept"),
            Some(&carol),
            None,
        )
        .await;

    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("invite_invalid"))
    );
    let (_, me) = app
        .call(Method::GET, "/api/v1/me", Some(&carol), None)
        .await;
    assert_eq!(me["org"], Value::Null);
}

async fn last_admin_cannot_leave_be_demoted_or_removed(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let link = app.invite_token(&admin).await;
    let member = app.join("member@acme.example", &link).await;
    let admin_id = app.user_id(&admin).await;

    let (status, body) = app
        .call(Method::POST, "/api/v1/org/leave", Some(&admin), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("last_admin"))
    );
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/org/members/{admin_id}"),
            Some(&admin),
            Some(json!({"role": "member"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("last_admin"))
    );
    let (status, body) = app
        .call(Method::DELETE, "/api/v1/me", Some(&admin), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("last_admin"))
    );
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/org/members/{admin_id}"),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // With a second admin, the first may go.
    let member_id = app.user_id(&member).await;
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/org/members/{member_id}"),
            Some(&admin),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(Method::POST, "/api/v1/org/leave", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.stored_members(&member).await,
        [(
            "member@acme.example".to_owned(),
            "admin".to_owned(),
            "active".to_owned()
        )]
    );
}

async fn last_member_leaving_deletes_the_org(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let (_, org) = app
        .call(Method::GET, "/api/v1/org", Some(&admin), None)
        .await;

    let (status, _) = app
        .call(Method::POST, "/api/v1/org/leave", Some(&admin), None)
        .await;

    assert_eq!(status, StatusCode::NO_CONTENT);
    let id = roster_domain::OrgId::parse(org["id"].as_str().expect("id")).expect("org id");
    let mut conn = app.store.conn().await.expect("conn");
    assert!(roster_store::orgs::find(&mut conn, id)
        .await
        .expect("query")
        .is_none());
    // The name is free again.
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/orgs",
            Some(&admin),
            Some(json!({"name": "Acme"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn members_list_pages_with_a_stable_cursor(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let link = app.invite_token(&admin).await;
    for n in 0..4 {
        app.advance(Duration::from_secs(1));
        app.join(&format!("member{n}@acme.example"), &link).await;
    }

    let mut emails = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/org/members?limit=2&cursor={c}"),
            None => "/api/v1/org/members?limit=2".to_owned(),
        };
        let (status, page) = app.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(status, StatusCode::OK);
        for m in page["members"].as_array().expect("members") {
            emails.push(m["email"].as_str().expect("email").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }

    assert_eq!(
        emails,
        [
            "admin@acme.example",
            "member0@acme.example",
            "member1@acme.example",
            "member2@acme.example",
            "member3@acme.example"
        ]
    );
    let (status, body) = app
        .call(
            Method::GET,
            "/api/v1/org/members?cursor=garbage",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation"))
    );
}

async fn api_key_is_shown_once_and_dies_with_the_membership(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let link = app.invite_token(&admin).await;
    let dev = app.join("dev@acme.example", &link).await;

    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&dev),
            Some(json!({"description": "CI"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let key = created["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with(created["prefix"].as_str().expect("prefix")));
    let (_, listed) = app
        .call(Method::GET, "/api/v1/api-keys", Some(&dev), None)
        .await;
    let listed_text = listed.to_string();
    assert!(!listed_text.contains(&key), "the key is never listed");
    assert_eq!(listed["api_keys"][0]["description"], "CI");
    let (status, me) = app.call_with_key(Method::GET, "/api/v1/me", &key).await;
    assert_eq!(
        (status, me["user"]["email"].as_str()),
        (StatusCode::OK, Some("dev@acme.example"))
    );
    let (_, listed) = app
        .call(Method::GET, "/api/v1/api-keys", Some(&dev), None)
        .await;
    assert!(listed["api_keys"][0]["last_used_at"].is_string());

    // Leaving ends the key, and coming back does not revive it.
    app.call(Method::POST, "/api/v1/org/leave", Some(&dev), None)
        .await;
    assert_eq!(
        app.call_with_key(Method::GET, "/api/v1/me", &key).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/invites/{link}/accept"),
            Some(&dev),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.call_with_key(Method::GET, "/api/v1/me", &key).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app
        .call_with_key(Method::GET, "/api/v1/me", "rk_garbage")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn member_in_an_org_cannot_accept_another_invite(app: TestApp) {
    let acme = app.admin_of("admin@acme.example", "Acme").await;
    let globex = app.admin_of("admin@globex.example", "Globex").await;
    let link = app.invite_token(&globex).await;

    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/invites/{link}/accept"),
            Some(&acme),
            None,
        )
        .await;

    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_in_org"))
    );
    let (_, me) = app.call(Method::GET, "/api/v1/me", Some(&acme), None).await;
    assert_eq!(me["org"]["name"], "Acme");
}

async fn org_name_is_validated_and_unique(app: TestApp) {
    app.admin_of("admin@acme.example", "Acme").await;
    let other = app.sign_up("other@example.com").await;

    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/orgs",
            Some(&other),
            Some(json!({"name": "ACME"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("org_name_taken"))
    );
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/orgs",
            Some(&other),
            Some(json!({"name": "<b>x</b>"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation"))
    );
}
