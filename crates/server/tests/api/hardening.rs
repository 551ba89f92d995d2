//! Regressions from attacking Roster: each test is a hole that was found and closed.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::task::JoinSet;

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(
    api_keys_cannot_mint_keys_delete_the_account_or_leave,
    keys_made_while_their_owner_is_removed_do_not_survive_the_removal,
    deleting_the_account_does_not_escape_the_rejoin_rule,
    rejected_users_come_back_only_pending_and_only_by_a_newer_link,
    pending_members_get_approval_pending_when_starting_or_joining_an_org,
    every_api_error_is_a_problem_document_without_internals,
    unknown_fields_and_empty_changes_are_refused,
    responses_carry_protective_headers,
    audit_log_outlives_its_org,
);

async fn api_keys_cannot_mint_keys_delete_the_account_or_leave(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let (_, created) = app
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&admin),
            Some(json!({"description": "cli"})),
        )
        .await;
    let key = created["key"].as_str().expect("key");

    for (method, path) in [
        (Method::POST, "/api/v1/api-keys"),
        (Method::DELETE, "/api/v1/me"),
        (Method::POST, "/api/v1/org/leave"),
        (Method::POST, "/api/v1/logout"),
        (Method::POST, "/api/v1/deploy-keys"),
    ] {
        let response = app
            .request(method.clone(), path)
            .bearer_auth(key)
            .json(&json!({"description": "minted"}))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path}");
    }
    let (_, keys) = app
        .call(Method::GET, "/api/v1/api-keys", Some(&admin), None)
        .await;
    assert_eq!(keys["api_keys"].as_array().map(Vec::len), Some(1));
}

async fn keys_made_while_their_owner_is_removed_do_not_survive_the_removal(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let token = app.invite_token(&admin).await;
    let mallory = app.join("mallory@acme.example", &token).await;
    let mallory_id = app.user_id(&mallory).await;
    let app = Arc::new(app);

    let mut tasks = JoinSet::new();
    for n in 0..30 {
        let (app, mallory) = (Arc::clone(&app), mallory.clone());
        tasks.spawn(async move {
            app.call(
                Method::POST,
                "/api/v1/api-keys",
                Some(&mallory),
                Some(json!({"description": format!("k{n}")})),
            )
            .await
        });
    }
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/org/members/{mallory_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let keys: Vec<String> = tasks
        .join_all()
        .await
        .into_iter()
        .filter_map(|(_, body)| body["key"].as_str().map(str::to_owned))
        .collect();

    // She comes back through a new link and is approved: no old key may work again.
    app.advance(std::time::Duration::from_secs(1));
    let fresh = app.invite_token(&admin).await;
    let mallory = crate::support::session_cookie(
        app.sign_in("mallory@acme.example", "correct horse battery")
            .await
            .headers(),
    )
    .expect("cookie");
    app.call(
        Method::POST,
        &format!("/api/v1/invites/{fresh}/accept"),
        Some(&mallory),
        None,
    )
    .await;
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/org/members/{mallory_id}/approve"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for key in &keys {
        assert_eq!(
            app.call_with_key(Method::GET, "/api/v1/me", key).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
}

async fn deleting_the_account_does_not_escape_the_rejoin_rule(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let old = app.invite_token(&admin).await;
    let eve = app.join("eve@acme.example", &old).await;
    let eve_id = app.user_id(&eve).await;
    app.advance(std::time::Duration::from_secs(1));
    app.call(
        Method::DELETE,
        &format!("/api/v1/org/members/{eve_id}"),
        Some(&admin),
        None,
    )
    .await;
    let eve = crate::support::session_cookie(
        app.sign_in("eve@acme.example", "correct horse battery")
            .await
            .headers(),
    )
    .expect("cookie");
    assert_eq!(
        app.call(Method::DELETE, "/api/v1/me", Some(&eve), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );

    let again = app
        .post_json("/api/v1/signup", json!({"email": "EVE@acme.example", "password": "correct horse", "name": "Eve", "invite_token": old}))
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    app.advance(std::time::Duration::from_secs(1));
    let new = app.invite_token(&admin).await;
    let eve = app.join("eve@acme.example", &new).await;
    let (_, me) = app.call(Method::GET, "/api/v1/me", Some(&eve), None).await;
    assert_eq!(me["membership"]["status"], "pending");
}

async fn rejected_users_come_back_only_pending_and_only_by_a_newer_link(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&admin),
        Some(json!({"approvals_enabled": true})),
    )
    .await;
    let link = app.invite_token(&admin).await;
    let uma = app.join("uma@acme.example", &link).await;
    let uma_id = app.user_id(&uma).await;
    app.advance(std::time::Duration::from_secs(1));
    app.call(
        Method::POST,
        &format!("/api/v1/org/members/{uma_id}/reject"),
        Some(&admin),
        None,
    )
    .await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&admin),
        Some(json!({"approvals_enabled": false})),
    )
    .await;

    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/invites/{link}/accept"),
            Some(&uma),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("invite_invalid"))
    );

    app.advance(std::time::Duration::from_secs(1));
    let newer = app.invite_token(&admin).await;
    let (status, me) = app
        .call(
            Method::POST,
            &format!("/api/v1/invites/{newer}/accept"),
            Some(&uma),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["membership"]["status"], "pending");
}

async fn pending_members_get_approval_pending_when_starting_or_joining_an_org(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&admin),
        Some(json!({"approvals_enabled": true})),
    )
    .await;
    let link = app.invite_token(&admin).await;
    let pat = app.join("pat@acme.example", &link).await;

    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/orgs",
            Some(&pat),
            Some(json!({"name": "Pat Co"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("approval_pending"))
    );
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/invites/{link}/accept"),
            Some(&pat),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("approval_pending"))
    );
}

async fn every_api_error_is_a_problem_document_without_internals(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let cases: Vec<(Method, &str, Option<Value>, StatusCode, &str)> = vec![
        (
            Method::GET,
            "/api/v1/org/members?limit=-1",
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
        ),
        (
            Method::GET,
            "/api/v1/org/members?limit=abc",
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
        ),
        (
            Method::GET,
            "/api/v1/org/audit?cursor=zzzz",
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
        ),
        (
            Method::POST,
            "/api/v1/org/members/%FF/approve",
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
        ),
        (
            Method::PUT,
            "/api/v1/me",
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            Method::GET,
            "/api/v1/",
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::POST,
            "/api/v1/org/invite-links",
            Some(json!({"expires_in_days": -1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
        ),
        (
            Method::POST,
            "/api/v1/orgs",
            Some(json!(null)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let mut request = app.as_user(method.clone(), path, &admin);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("send");
        let label = format!("{method} {path}");
        assert_eq!(response.status(), status, "{label}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{label}"
        );
        let text = response.text().await.expect("body");
        let problem: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(problem["code"], code, "{label}");
        for internal in ["u32", "struct", "line 1", "deserialize", "Invalid URL"] {
            assert!(
                !text.contains(internal),
                "{label} leaks {internal:?}: {text}"
            );
        }
    }
    let (_, body) = app
        .call(
            Method::POST,
            "/api/v1/org/invite-links",
            Some(&admin),
            Some(json!({"expires_in_days": -1})),
        )
        .await;
    assert_eq!(
        body["detail"],
        "The field \"expires_in_days\" has a value of the wrong type or out of range."
    );
}

async fn unknown_fields_and_empty_changes_are_refused(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;

    let (status, body) = app
        .call(
            Method::PATCH,
            "/api/v1/org",
            Some(&admin),
            Some(json!({"nmae": "Typo"})),
        )
        .await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("The field \"nmae\" is not known here.")
        )
    );
    let (status, _) = app
        .call(Method::PATCH, "/api/v1/org", Some(&admin), Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, audit) = app
        .call(Method::GET, "/api/v1/org/audit", Some(&admin), None)
        .await;
    assert!(!audit.to_string().contains("org.settings_changed"));
}

async fn responses_carry_protective_headers(app: TestApp) {
    let page = app
        .request(Method::GET, "/login")
        .send()
        .await
        .expect("send");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let api = app
        .post_json(
            "/api/v1/signup",
            json!({"email": "a@example.com", "password": "correct horse", "name": "A"}),
        )
        .await;
    assert_eq!(api.headers()["cache-control"], "no-store");
}

async fn audit_log_outlives_its_org(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let (_, org) = app
        .call(Method::GET, "/api/v1/org", Some(&admin), None)
        .await;
    app.call(Method::POST, "/api/v1/org/leave", Some(&admin), None)
        .await;

    let org = roster_domain::OrgId::parse(org["id"].as_str().expect("id")).expect("org id");
    let mut conn = app.store.conn().await.expect("conn");
    let kept = roster_store::audit::list(&mut conn, org, None, 50)
        .await
        .expect("audit");
    let actions: Vec<&str> = kept.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["org.deleted", "member.joined", "org.created"]);
}

mod removal_by_identity {
    use roster_domain::{DisplayName, Email, Org, OrgId, OrgName, Timestamp, User, UserId};
    use roster_store::members::{self, Departure};
    use roster_store::{identities, orgs, users};

    use crate::support::{Db, TestApp};

    async fn removal_follows_the_identity_when_the_email_changes(db: Db) {
        let app = TestApp::spawn(db).await;
        let now = Timestamp::from_millis(1_000);
        let person = |email: &str| User {
            id: UserId::generate(),
            email: Email::parse(email).expect("email"),
            name: DisplayName::parse("Carol").expect("name"),
            created_at: now,
        };
        let (admin, carol) = (person("admin@corp.example"), person("carol@corp.example"));
        let org = Org {
            id: OrgId::generate(),
            name: OrgName::parse("Corp").expect("name"),
            workspace_domain: Some("corp.example".into()),
            approvals_enabled: false,
            created_at: now,
        };
        let mut tx = app.store.begin().await.expect("tx");
        users::insert(tx.conn(), &admin, None).await.expect("admin");
        users::insert(tx.conn(), &carol, None).await.expect("carol");
        orgs::insert(tx.conn(), &org).await.expect("org");
        let iss = "https://accounts.google.com";
        identities::insert(
            tx.conn(),
            iss,
            "sub-carol",
            carol.id,
            carol.email.as_str(),
            None,
            now,
        )
        .await
        .expect("identity");
        members::record_removal(
            tx.conn(),
            org.id,
            carol.id,
            &carol.email,
            admin.id,
            Departure::Removed,
            now,
        )
        .await
        .expect("removal");
        // Carol deletes her account; her provider later gives the same subject a new email.
        users::delete(tx.conn(), carol.id).await.expect("delete");
        let renamed = person("carol.new@corp.example");
        users::insert(tx.conn(), &renamed, None)
            .await
            .expect("renamed");
        identities::insert(
            tx.conn(),
            iss,
            "sub-carol",
            renamed.id,
            renamed.email.as_str(),
            None,
            now,
        )
        .await
        .expect("identity again");

        let removed = members::last_removal(tx.conn(), org.id, renamed.id, &renamed.email)
            .await
            .expect("query");
        let stranger = person("dana@corp.example");
        users::insert(tx.conn(), &stranger, None)
            .await
            .expect("stranger");
        let never = members::last_removal(tx.conn(), org.id, stranger.id, &stranger.email)
            .await
            .expect("query");

        assert_eq!(
            removed,
            Some(now),
            "the same identity is still the removed person"
        );
        assert_eq!(never, None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        removal_follows_the_identity_when_the_email_changes(Db::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        removal_follows_the_identity_when_the_email_changes(Db::Postgres).await;
    }
}
