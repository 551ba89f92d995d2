//! Several Roster processes sharing one PostgreSQL database: a change made through
//! one is enforced by the others, although they keep resolved identities in memory.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Db, TestApp};

async fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removal_through_one_server_is_enforced_by_another_with_a_warm_cache() {
    let one = TestApp::spawn(Db::Postgres).await;
    let two = one.second_server().await;
    wait_until("both servers listen for changes", || {
        one.store.changes().current().is_some() && two.store.changes().current().is_some()
    })
    .await;
    let admin = one.admin_of("admin@acme.example", "Acme").await;
    let token = one.invite_token(&admin).await;
    let bob = one.join("bob@acme.example", &token).await;
    let (_, key) = one
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&bob),
            Some(json!({"description": "cli"})),
        )
        .await;
    let key = key["key"].as_str().expect("key").to_owned();
    let bob_id = one.user_id(&bob).await;
    // Let the notifications of the set-up settle on server two, then warm its cache.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..2 {
        assert_eq!(
            two.call(Method::GET, "/api/v1/org/members", Some(&bob), None)
                .await
                .0,
            StatusCode::OK
        );
        assert_eq!(
            two.call_with_key(Method::GET, "/api/v1/org/members", &key)
                .await
                .0,
            StatusCode::OK
        );
    }
    assert!(
        two.state.identities().len() >= 2,
        "server two answered from its cache"
    );
    let epoch_before = two.store.changes().current();

    let (status, _) = one
        .call(
            Method::DELETE,
            &format!("/api/v1/org/members/{bob_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let started = Instant::now();
    wait_until("server two hears of the removal", || {
        two.store.changes().current() != epoch_before
    })
    .await;
    eprintln!("removal reached server two after {:?}", started.elapsed());
    assert_eq!(
        two.call(Method::GET, "/api/v1/me", Some(&bob), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        two.call_with_key(Method::GET, "/api/v1/me", &key).await.0,
        StatusCode::UNAUTHORIZED
    );
}
