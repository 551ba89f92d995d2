//! Server-side sessions: revocation, fixation, expiry, cookie attributes.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::on_both_databases;
use crate::support::{problem, session_cookie, set_cookie_line, TestApp};

const DAY: Duration = Duration::from_secs(24 * 3600);

on_both_databases!(
    logout_revokes_the_session_on_the_server,
    sign_in_issues_a_new_session_id_every_time,
    session_unused_for_seven_days_is_refused,
    session_older_than_thirty_days_is_refused_however_busy,
    session_cookie_is_http_only_lax_host_only,
    session_cookie_is_secure_when_the_public_url_is_https,
);

async fn logout_revokes_the_session_on_the_server(app: TestApp) {
    let cookie = app.sign_up("anna@example.com").await;
    assert_eq!(app.me(&cookie).await.status(), StatusCode::OK);

    let logout = app
        .as_user(Method::POST, "/api/v1/logout", &cookie)
        .send()
        .await
        .expect("send");
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookie_line(logout.headers()).expect("cookie cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The browser would forget the cookie; a stolen copy must not work either.
    let (status, body) = problem(app.me(&cookie).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
}

async fn sign_in_issues_a_new_session_id_every_time(app: TestApp) {
    let from_signup = app.sign_up("anna@example.com").await;

    // A login that arrives carrying a (possibly planted) session cookie still gets a
    // new id, and the planted one is not what the user is now signed in with.
    let login = app
        .as_user(Method::POST, "/api/v1/login", &from_signup)
        .json(
            &serde_json::json!({"email": "anna@example.com", "password": "correct horse battery"}),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(login.status(), StatusCode::OK);
    let first = session_cookie(login.headers()).expect("cookie");
    let second = session_cookie(
        app.sign_in("anna@example.com", "correct horse battery")
            .await
            .headers(),
    )
    .expect("cookie");

    assert_ne!(first, from_signup);
    assert_ne!(first, second);
    assert_eq!(app.me(&first).await.status(), StatusCode::OK);
    assert_eq!(app.me(&second).await.status(), StatusCode::OK);
}

async fn session_unused_for_seven_days_is_refused(app: TestApp) {
    let cookie = app.sign_up("anna@example.com").await;

    app.advance(7 * DAY - Duration::from_secs(60));
    assert_eq!(app.me(&cookie).await.status(), StatusCode::OK);

    // That request counted as use: the idle clock starts again from here.
    app.advance(7 * DAY - Duration::from_secs(60));
    assert_eq!(app.me(&cookie).await.status(), StatusCode::OK);

    app.advance(7 * DAY);
    assert_eq!(app.me(&cookie).await.status(), StatusCode::UNAUTHORIZED);
}

async fn session_older_than_thirty_days_is_refused_however_busy(app: TestApp) {
    let cookie = app.sign_up("anna@example.com").await;

    for _ in 0..29 {
        app.advance(DAY);
        assert_eq!(app.me(&cookie).await.status(), StatusCode::OK);
    }
    app.advance(DAY);

    assert_eq!(app.me(&cookie).await.status(), StatusCode::UNAUTHORIZED);
}

async fn session_cookie_is_http_only_lax_host_only(app: TestApp) {
    let response = app
        .post_json(
            "/api/v1/signup",
            serde_json::json!({"email": "anna@example.com", "password": "correct horse", "name": "Anna"}),
        )
        .await;

    let line = set_cookie_line(response.headers()).expect("cookie");
    let attributes: Vec<&str> = line.split("; ").skip(1).collect();
    assert_eq!(
        attributes,
        ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"]
    );
}

async fn session_cookie_is_secure_when_the_public_url_is_https(app: TestApp) {
    let app = app
        .reconfigured(|config| config.public_url = "https://roster.example".parse().expect("url"))
        .await;

    let response = app
        .post_json(
            "/api/v1/signup",
            serde_json::json!({"email": "anna@example.com", "password": "correct horse", "name": "Anna"}),
        )
        .await;

    let line = set_cookie_line(response.headers()).expect("cookie");
    assert!(line.starts_with("__Host-roster_session="), "{line}");
    assert!(
        line.ends_with("; Path=/; Max-Age=2592000; Secure"),
        "{line}"
    );
    assert!(!line.contains("Domain="), "{line}");

    // Over https only the __Host- cookie counts; a plain one (planted by a sibling
    // subdomain, say) is ignored.
    let secret = crate::support::session_cookie(response.headers()).expect("value");
    let me = |cookie: String| {
        app.request(Method::GET, "/api/v1/me")
            .header("cookie", cookie)
            .send()
    };
    let good = me(format!("__Host-roster_session={secret}"))
        .await
        .expect("send");
    assert_eq!(good.status(), StatusCode::OK);
    let planted = me(format!("roster_session={secret}")).await.expect("send");
    assert_eq!(planted.status(), StatusCode::UNAUTHORIZED);
}

mod purge {
    use std::time::Duration;

    use reqwest::{Method, StatusCode};

    use crate::support::{Db, TestApp};

    async fn only_usable_sessions_survive_the_purge(db: Db) {
        let app = TestApp::spawn(db).await;
        let stale = app.sign_up("stale@example.com").await;
        let gone = app.sign_up("gone@example.com").await;
        app.as_user(Method::POST, "/api/v1/logout", &gone)
            .send()
            .await
            .expect("logout");
        app.advance(Duration::from_secs(6 * 24 * 3600));
        let fresh = app.sign_up("fresh@example.com").await;
        app.advance(Duration::from_secs(2 * 24 * 3600));

        let purged = roster_server::accounts::purge_sessions(&app.state)
            .await
            .expect("purge");

        assert_eq!(purged, 2, "the logged-out and the idle session");
        assert_eq!(app.me(&fresh).await.status(), StatusCode::OK);
        assert_eq!(app.me(&stale).await.status(), StatusCode::UNAUTHORIZED);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        only_usable_sessions_survive_the_purge(Db::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        only_usable_sessions_survive_the_purge(Db::Postgres).await;
    }
}
