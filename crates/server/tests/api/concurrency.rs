//! Races: many accepts of one link, one user accepting many times, approve against
//! remove, and two admins demoting each other at the same moment.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::task::JoinSet;

use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(
    twenty_users_racing_for_fifteen_uses_of_a_link_fill_it_exactly,
    one_user_accepting_a_link_twenty_times_at_once_joins_once,
    approve_and_remove_at_the_same_moment_never_leave_an_approved_removed_member,
    two_sole_admins_demoting_each_other_at_once_leave_one_admin,
);

async fn uses_of_only_link(app: &TestApp, admin: &str) -> i64 {
    let (_, links) = app
        .call(Method::GET, "/api/v1/org/invite-links", Some(admin), None)
        .await;
    links["invite_links"][0]["uses"].as_i64().unwrap_or(-1)
}

async fn twenty_users_racing_for_fifteen_uses_of_a_link_fill_it_exactly(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let (_, link) = app
        .call(
            Method::POST,
            "/api/v1/org/invite-links",
            Some(&admin),
            Some(json!({"max_uses": 15})),
        )
        .await;
    let token = link["token"].as_str().expect("token").to_owned();
    let mut cookies = Vec::new();
    for n in 0..20 {
        cookies.push(app.sign_up(&format!("user{n}@example.com")).await);
    }

    let app = Arc::new(app);
    let mut tasks = JoinSet::new();
    for cookie in cookies {
        let (app, token) = (Arc::clone(&app), token.clone());
        tasks.spawn(async move {
            app.call(
                Method::POST,
                &format!("/api/v1/invites/{token}/accept"),
                Some(&cookie),
                None,
            )
            .await
        });
    }
    let outcomes = tasks.join_all().await;

    let joined = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    let refused = outcomes
        .iter()
        .filter(|(s, b)| *s == StatusCode::NOT_FOUND && b["code"] == "invite_invalid")
        .count();
    assert_eq!((joined, refused), (15, 5), "{outcomes:?}");
    assert_eq!(app.stored_members(&admin).await.len(), 16);
    let mut conn = app.store.conn().await.expect("conn");
    let (_, me) = app
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await;
    let org = roster_domain::OrgId::parse(me["org"]["id"].as_str().expect("id")).expect("org");
    let uses: i64 = {
        use sqlx::Row;
        sqlx::query("SELECT uses FROM invite_links WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_one(&mut *conn)
            .await
            .expect("row")
            .try_get("uses")
            .expect("uses")
    };
    assert_eq!(uses, 15);
}

async fn one_user_accepting_a_link_twenty_times_at_once_joins_once(app: TestApp) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    let token = app.invite_token(&admin).await;
    let dave = app.sign_up("dave@example.com").await;

    let app = Arc::new(app);
    let mut tasks = JoinSet::new();
    for _ in 0..20 {
        let (app, token, dave) = (Arc::clone(&app), token.clone(), dave.clone());
        tasks.spawn(async move {
            app.call(
                Method::POST,
                &format!("/api/v1/invites/{token}/accept"),
                Some(&dave),
                None,
            )
            .await
        });
    }
    let outcomes = tasks.join_all().await;

    let joined = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    let conflicts = outcomes
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["code"] == "already_in_org")
        .count();
    assert_eq!((joined, conflicts), (1, 19), "{outcomes:?}");
    assert_eq!(app.stored_members(&admin).await.len(), 2);
    assert_eq!(uses_of_only_link(&app, &admin).await, 1);
}

async fn approve_and_remove_at_the_same_moment_never_leave_an_approved_removed_member(
    app: TestApp,
) {
    let admin = app.admin_of("admin@acme.example", "Acme").await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&admin),
        Some(json!({"approvals_enabled": true})),
    )
    .await;
    let second_admin = {
        let token = app.invite_token(&admin).await;
        let cookie = app.join("admin2@acme.example", &token).await;
        let id = app.user_id(&cookie).await;
        app.call(
            Method::POST,
            &format!("/api/v1/org/members/{id}/approve"),
            Some(&admin),
            None,
        )
        .await;
        app.call(
            Method::PATCH,
            &format!("/api/v1/org/members/{id}"),
            Some(&admin),
            Some(json!({"role": "admin"})),
        )
        .await;
        cookie
    };
    let app = Arc::new(app);

    for round in 0..5 {
        let token = app.invite_token(&admin).await;
        let pending = app
            .join(&format!("pending{round}@acme.example"), &token)
            .await;
        let id = app.user_id(&pending).await;

        let approve = {
            let (app, admin, id) = (Arc::clone(&app), admin.clone(), id.clone());
            tokio::spawn(async move {
                app.call(
                    Method::POST,
                    &format!("/api/v1/org/members/{id}/approve"),
                    Some(&admin),
                    None,
                )
                .await
            })
        };
        let remove = {
            let (app, admin, id) = (Arc::clone(&app), second_admin.clone(), id.clone());
            tokio::spawn(async move {
                app.call(
                    Method::DELETE,
                    &format!("/api/v1/org/members/{id}"),
                    Some(&admin),
                    None,
                )
                .await
            })
        };
        let (approved, removed) = (approve.await.expect("task"), remove.await.expect("task"));

        assert_eq!(
            removed.0,
            StatusCode::NO_CONTENT,
            "round {round}: {removed:?}"
        );
        assert!(
            approved.0 == StatusCode::NO_CONTENT || approved.0 == StatusCode::NOT_FOUND,
            "round {round}: {approved:?}"
        );
        let members = app.stored_members(&admin).await;
        assert!(
            !members
                .iter()
                .any(|(email, _, _)| email.starts_with(&format!("pending{round}@"))),
            "{members:?}"
        );
        assert_eq!(
            app.call(Method::GET, "/api/v1/me", Some(&pending), None)
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
}

async fn two_sole_admins_demoting_each_other_at_once_leave_one_admin(app: TestApp) {
    let app = Arc::new(app);
    for round in 0..5 {
        let a = app
            .admin_of(&format!("a{round}@acme.example"), &format!("Acme {round}"))
            .await;
        let token = app.invite_token(&a).await;
        let b = app.join(&format!("b{round}@acme.example"), &token).await;
        let (a_id, b_id) = (app.user_id(&a).await, app.user_id(&b).await);
        app.call(
            Method::PATCH,
            &format!("/api/v1/org/members/{b_id}"),
            Some(&a),
            Some(json!({"role": "admin"})),
        )
        .await;

        let a_demotes_b = {
            let (app, a, b_id) = (Arc::clone(&app), a.clone(), b_id.clone());
            tokio::spawn(async move {
                app.call(
                    Method::PATCH,
                    &format!("/api/v1/org/members/{b_id}"),
                    Some(&a),
                    Some(json!({"role": "member"})),
                )
                .await
            })
        };
        let b_demotes_a = {
            let (app, b, a_id) = (Arc::clone(&app), b.clone(), a_id.clone());
            tokio::spawn(async move {
                app.call(
                    Method::PATCH,
                    &format!("/api/v1/org/members/{a_id}"),
                    Some(&b),
                    Some(json!({"role": "member"})),
                )
                .await
            })
        };
        let outcomes = [
            a_demotes_b.await.expect("task"),
            b_demotes_a.await.expect("task"),
        ];

        let succeeded = outcomes
            .iter()
            .filter(|(s, _)| *s == StatusCode::NO_CONTENT)
            .count();
        assert_eq!(succeeded, 1, "round {round}: {outcomes:?}");
        let admins = app
            .stored_members(&a)
            .await
            .into_iter()
            .filter(|(_, role, _)| role == "admin")
            .count();
        assert_eq!(admins, 1, "round {round}");
    }
}
