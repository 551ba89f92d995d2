//! Deploy keys, clusters and the authorization check.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(
    deploy_key_registers_a_cluster_that_members_list,
    viewers_cannot_manage_deploy_keys_or_clusters,
    removing_a_member_revokes_the_deploy_keys_they_made,
    authz_check_answers_by_role_status_and_cluster,
    authz_check_stops_at_the_next_request_after_removal,
);

/// An org with an admin, an active member, a viewer and a pending teammate.
pub struct Team {
    pub admin: String,
    pub member: String,
    pub viewer: String,
    pub pending: String,
}

pub async fn team(app: &TestApp, org: &str) -> Team {
    let domain = org.to_lowercase();
    let admin = app.admin_of(&format!("admin@{domain}.example"), org).await;
    let token = app.invite_token(&admin).await;
    let member = app.join(&format!("member@{domain}.example"), &token).await;
    let viewer = app.join(&format!("viewer@{domain}.example"), &token).await;
    let viewer_id = app.user_id(&viewer).await;
    app.call(
        Method::PATCH,
        &format!("/api/v1/org/members/{viewer_id}"),
        Some(&admin),
        Some(json!({"role": "viewer"})),
    )
    .await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&admin),
        Some(json!({"approvals_enabled": true})),
    )
    .await;
    let pending = app.join(&format!("pending@{domain}.example"), &token).await;
    Team {
        admin,
        member,
        viewer,
        pending,
    }
}

/// Registers a cluster with a fresh deploy key made by `maker`; returns its id.
pub async fn cluster(app: &TestApp, maker: &str, name: &str) -> String {
    let (status, key) = app
        .call(
            Method::POST,
            "/api/v1/deploy-keys",
            Some(maker),
            Some(json!({"description": "deploy"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let (status, body) = register(app, key["key"].as_str().expect("key"), name).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().expect("id").to_owned()
}

async fn register(app: &TestApp, key: &str, name: &str) -> (StatusCode, Value) {
    let response = app
        .request(Method::POST, "/api/v1/clusters/register")
        .bearer_auth(key)
        .json(&json!({"name": name}))
        .send()
        .await
        .expect("send");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn check(
    app: &TestApp,
    cookie: &str,
    query: &str,
) -> (StatusCode, reqwest::header::HeaderMap) {
    let response = app
        .as_user(Method::GET, &format!("/api/v1/authz/check?{query}"), cookie)
        .send()
        .await
        .expect("send");
    (response.status(), response.headers().clone())
}

async fn deploy_key_registers_a_cluster_that_members_list(app: TestApp) {
    let team = team(&app, "Acme").await;
    let (status, key) = app
        .call(
            Method::POST,
            "/api/v1/deploy-keys",
            Some(&team.member),
            Some(json!({"description": "prod"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let key = key["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with("rdk_"));

    let (status, cluster) = register(&app, &key, "prod-eu-1").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(cluster["name"], "prod-eu-1");
    let (status, body) = register(&app, &key, "prod-eu-1").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("cluster_name_taken"))
    );
    let (status, body) = register(&app, "rdk_nope", "x").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );

    let (_, listed) = app
        .call(Method::GET, "/api/v1/clusters", Some(&team.viewer), None)
        .await;
    assert_eq!(listed["clusters"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["clusters"][0]["id"], cluster["id"]);
    let (_, keys) = app
        .call(Method::GET, "/api/v1/deploy-keys", Some(&team.admin), None)
        .await;
    assert!(
        !keys.to_string().contains(&key),
        "deploy keys are never listed in full"
    );
    let key_id = keys["deploy_keys"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/deploy-keys/{key_id}"),
            Some(&team.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        register(&app, &key, "prod-eu-2").await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn viewers_cannot_manage_deploy_keys_or_clusters(app: TestApp) {
    let team = team(&app, "Acme").await;
    let cluster_id = cluster(&app, &team.member, "prod").await;

    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/deploy-keys",
            Some(&team.viewer),
            Some(json!({"description": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/clusters/{cluster_id}"),
            Some(&team.viewer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .call(Method::GET, "/api/v1/clusters", Some(&team.pending), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("approval_pending"))
    );

    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/clusters/{cluster_id}"),
            Some(&team.member),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

async fn removing_a_member_revokes_the_deploy_keys_they_made(app: TestApp) {
    let team = team(&app, "Acme").await;
    let (_, key) = app
        .call(
            Method::POST,
            "/api/v1/deploy-keys",
            Some(&team.member),
            Some(json!({"description": "x"})),
        )
        .await;
    let key = key["key"].as_str().expect("key").to_owned();
    let member_id = app.user_id(&team.member).await;

    app.call(
        Method::DELETE,
        &format!("/api/v1/org/members/{member_id}"),
        Some(&team.admin),
        None,
    )
    .await;

    assert_eq!(
        register(&app, &key, "late").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, keys) = app
        .call(Method::GET, "/api/v1/deploy-keys", Some(&team.admin), None)
        .await;
    assert_eq!(keys["deploy_keys"], json!([]));
}

async fn authz_check_answers_by_role_status_and_cluster(app: TestApp) {
    let acme = team(&app, "Acme").await;
    let globex = team(&app, "Globex").await;
    let ours = cluster(&app, &acme.member, "prod").await;
    let theirs = cluster(&app, &globex.member, "prod").await;

    let (status, headers) = check(
        &app,
        &acme.member,
        &format!("permission=cluster:query&cluster={ours}"),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, me) = app
        .call(Method::GET, "/api/v1/me", Some(&acme.member), None)
        .await;
    assert_eq!(
        headers["x-roster-user-id"],
        me["user"]["id"].as_str().expect("id")
    );
    assert_eq!(
        headers["x-roster-org-id"],
        me["org"]["id"].as_str().expect("id")
    );
    assert_eq!(headers["x-roster-role"], "member");
    assert_eq!(headers["x-roster-email"], "member@acme.example");

    let cases = [
        (
            &acme.viewer,
            "permission=cluster:query",
            StatusCode::NO_CONTENT,
        ),
        (&acme.viewer, "permission=view:read", StatusCode::NO_CONTENT),
        (
            &acme.viewer,
            "permission=cluster:deploy",
            StatusCode::FORBIDDEN,
        ),
        (
            &acme.member,
            "permission=cluster:deploy",
            StatusCode::NO_CONTENT,
        ),
        (&acme.member, "permission=org:admin", StatusCode::FORBIDDEN),
        (&acme.admin, "permission=org:admin", StatusCode::NO_CONTENT),
        (&acme.pending, "permission=view:read", StatusCode::FORBIDDEN),
        (
            &acme.member,
            "permission=cluster:launch",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (&acme.member, "", StatusCode::UNPROCESSABLE_ENTITY),
        (
            &acme.admin,
            &format!("permission=cluster:query&cluster={theirs}"),
            StatusCode::NOT_FOUND,
        ),
        (
            &acme.admin,
            "permission=cluster:query&cluster=no-such-cluster",
            StatusCode::NOT_FOUND,
        ),
        (
            &acme.admin,
            "permission=cluster:query&cluster=",
            StatusCode::NO_CONTENT,
        ),
        (
            &globex.viewer,
            &format!("permission=cluster:query&cluster={theirs}"),
            StatusCode::NO_CONTENT,
        ),
    ];
    for (cookie, query, expected) in cases {
        assert_eq!(check(&app, cookie, query).await.0, expected, "{query}");
    }
    let anonymous = app
        .request(Method::GET, "/api/v1/authz/check?permission=view:read")
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn authz_check_stops_at_the_next_request_after_removal(app: TestApp) {
    let team = team(&app, "Acme").await;
    let (_, key) = app
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&team.member),
            Some(json!({"description": "cli"})),
        )
        .await;
    let key = key["key"].as_str().expect("key").to_owned();
    let with_key = || {
        app.request(Method::GET, "/api/v1/authz/check?permission=cluster:query")
            .bearer_auth(&key)
            .send()
    };
    for _ in 0..3 {
        assert_eq!(
            check(&app, &team.member, "permission=cluster:query")
                .await
                .0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            with_key().await.expect("send").status(),
            StatusCode::NO_CONTENT
        );
    }
    let member_id = app.user_id(&team.member).await;

    app.call(
        Method::DELETE,
        &format!("/api/v1/org/members/{member_id}"),
        Some(&team.admin),
        None,
    )
    .await;

    assert_eq!(
        check(&app, &team.member, "permission=cluster:query")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_key().await.expect("send").status(),
        StatusCode::UNAUTHORIZED
    );
}
