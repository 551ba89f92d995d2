//! A non-admin, and an admin of another org, try every admin action: refused, and
//! nothing changes in the database.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(
    non_admins_and_other_orgs_admins_cannot_touch_an_org,
    audit_log_records_each_action_with_actor_and_target,
);

async fn snapshot(app: &TestApp, admin: &str) -> Value {
    let (_, org) = app
        .call(Method::GET, "/api/v1/org", Some(admin), None)
        .await;
    let (_, links) = app
        .call(Method::GET, "/api/v1/org/invite-links", Some(admin), None)
        .await;
    let members = app.stored_members(admin).await;
    json!({"org": org, "links": links, "members": members})
}

async fn non_admins_and_other_orgs_admins_cannot_touch_an_org(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&admin),
        Some(json!({"approvals_enabled": true})),
    )
    .await;
    let link = app.invite_token(&admin).await;
    let (_, listed) = app
        .call(Method::GET, "/api/v1/org/invite-links", Some(&admin), None)
        .await;
    let link_id = listed["invite_links"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let pending = app.join("pending@acme.example", &link).await;
    let pending_id = app.user_id(&pending).await;
    let viewer = app.join("viewer@acme.example", &link).await;
    let viewer_id = app.user_id(&viewer).await;
    app.call(
        Method::POST,
        &format!("/api/v1/org/members/{viewer_id}/approve"),
        Some(&admin),
        None,
    )
    .await;
    app.call(
        Method::PATCH,
        &format!("/api/v1/org/members/{viewer_id}"),
        Some(&admin),
        Some(json!({"role": "viewer"})),
    )
    .await;
    let member = app.join("member@acme.example", &link).await;
    let member_id = app.user_id(&member).await;
    app.call(
        Method::POST,
        &format!("/api/v1/org/members/{member_id}/approve"),
        Some(&admin),
        None,
    )
    .await;
    let outsider = app.admin_of("admin@globex.example", "Globex").await;
    let admin_id = app.user_id(&admin).await;
    let before = snapshot(&app, &admin).await;

    let actions: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PATCH,
            "/api/v1/org".into(),
            Some(json!({"approvals_enabled": false, "name": "Hijacked"})),
        ),
        (
            Method::POST,
            format!("/api/v1/org/members/{pending_id}/approve"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/org/members/{pending_id}/reject"),
            None,
        ),
        (Method::POST, "/api/v1/org/members/approve-all".into(), None),
        (
            Method::PATCH,
            format!("/api/v1/org/members/{viewer_id}"),
            Some(json!({"role": "admin"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/org/members/{admin_id}"),
            Some(json!({"role": "viewer"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/org/members/{admin_id}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/org/members/{viewer_id}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/org/invite-links".into(),
            Some(json!({})),
        ),
        (Method::GET, "/api/v1/org/invite-links".into(), None),
        (
            Method::DELETE,
            format!("/api/v1/org/invite-links/{link_id}"),
            None,
        ),
        (Method::POST, "/api/v1/org/invite-links/reset".into(), None),
        (Method::GET, "/api/v1/org/audit".into(), None),
    ];
    // Paths without an id act on the caller's own org; an outsider can only aim at
    // this org through ids of its members and links.
    let aims_at_acme = |path: &str| {
        path.contains(&pending_id)
            || path.contains(&viewer_id)
            || path.contains(&admin_id)
            || path.contains(&link_id)
    };
    for (who, cookie) in [
        ("member", &member),
        ("viewer", &viewer),
        ("pending", &pending),
        ("other org's admin", &outsider),
    ] {
        for (method, path, body) in &actions {
            if cookie == &outsider && !aims_at_acme(path) {
                continue;
            }
            let (status, answer) = app
                .call(method.clone(), path, Some(cookie), body.clone())
                .await;
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{who} got {status} for {method} {path}: {answer}"
            );
        }
    }

    assert_eq!(snapshot(&app, &admin).await, before);
    let (_, other_members) = app
        .call(Method::GET, "/api/v1/org/members", Some(&outsider), None)
        .await;
    assert_eq!(other_members["members"].as_array().map(Vec::len), Some(1));
}

async fn audit_log_records_each_action_with_actor_and_target(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&admin),
        Some(json!({"approvals_enabled": true})),
    )
    .await;
    let (_, link) = app
        .call(
            Method::POST,
            "/api/v1/org/invite-links",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    let token = link["token"].as_str().expect("token");
    let bob = app.join("bob@acme.example", token).await;
    let bob_id = app.user_id(&bob).await;
    app.call(
        Method::POST,
        &format!("/api/v1/org/members/{bob_id}/approve"),
        Some(&admin),
        None,
    )
    .await;
    app.call(
        Method::PATCH,
        &format!("/api/v1/org/members/{bob_id}"),
        Some(&admin),
        Some(json!({"role": "viewer"})),
    )
    .await;
    let (_, key) = app
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&bob),
            Some(json!({"description": "cli"})),
        )
        .await;
    app.call(
        Method::DELETE,
        &format!("/api/v1/api-keys/{}", key["id"].as_str().expect("id")),
        Some(&bob),
        None,
    )
    .await;
    let carol = app.join("carol@acme.example", token).await;
    let carol_id = app.user_id(&carol).await;
    app.call(
        Method::POST,
        &format!("/api/v1/org/members/{carol_id}/reject"),
        Some(&admin),
        None,
    )
    .await;
    app.call(
        Method::DELETE,
        &format!(
            "/api/v1/org/invite-links/{}",
            link["id"].as_str().expect("id")
        ),
        Some(&admin),
        None,
    )
    .await;
    app.call(
        Method::POST,
        "/api/v1/org/invite-links/reset",
        Some(&admin),
        None,
    )
    .await;
    app.call(
        Method::DELETE,
        &format!("/api/v1/org/members/{bob_id}"),
        Some(&admin),
        None,
    )
    .await;

    let (status, audit) = app
        .call(
            Method::GET,
            "/api/v1/org/audit?limit=200",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let events: Vec<(String, String, String)> = audit["events"]
        .as_array()
        .expect("events")
        .iter()
        .rev()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["actor"]["email"].as_str().unwrap_or("-").to_owned(),
                e["target"]["email"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    let expected = [
        ("org.created", "admin@acme.example", "-"),
        ("member.joined", "admin@acme.example", "admin@acme.example"),
        ("org.settings_changed", "admin@acme.example", "-"),
        ("invite_link.created", "admin@acme.example", "-"),
        ("member.joined", "bob@acme.example", "bob@acme.example"),
        ("member.approved", "admin@acme.example", "bob@acme.example"),
        (
            "member.role_changed",
            "admin@acme.example",
            "bob@acme.example",
        ),
        ("api_key.created", "bob@acme.example", "bob@acme.example"),
        ("api_key.deleted", "bob@acme.example", "bob@acme.example"),
        ("member.joined", "carol@acme.example", "carol@acme.example"),
        (
            "member.rejected",
            "admin@acme.example",
            "carol@acme.example",
        ),
        ("invite_link.revoked", "admin@acme.example", "-"),
        ("invite_links.reset", "admin@acme.example", "-"),
        ("member.removed", "admin@acme.example", "bob@acme.example"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(events, expected);
    let newest = &audit["events"][0];
    assert_eq!(newest["client_ip"], "127.0.0.1");
    assert_eq!(newest["detail"]["sessions_revoked"], 1);
}
