//! Sign-in with OpenID Connect against a real provider: the certified `oidc-provider`
//! package (testing/oidc-provider), started per test with the accounts below.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::{Db, TestApp};

on_both_databases!(
    workspace_user_creates_the_domain_org_and_colleagues_join_it,
    colleagues_join_pending_when_approvals_are_on,
    only_a_verified_matching_hd_joins_a_domain,
    a_known_email_with_a_new_subject_does_not_get_the_old_account,
    google_sign_in_never_takes_over_a_password_account,
    google_user_with_an_invite_link_joins_the_invited_org,
    removed_workspace_user_comes_back_pending,
    tampered_state_and_replayed_callbacks_are_refused,
);

fn accounts() -> Value {
    let person = |email: &str, hd: Option<&str>, verified: bool| {
        let mut claims =
            json!({"email": email, "email_verified": verified, "name": email.split('@').next()});
        if let Some(hd) = hd {
            claims["hd"] = json!(hd);
        }
        claims
    };
    let mut alice2 = person("alice@corp.example", Some("corp.example"), true);
    alice2["sub"] = json!("sub-alice-new");
    json!({
        "alice": person("alice@corp.example", Some("corp.example"), true),
        "alice2": alice2,
        "bob": person("bob@corp.example", Some("corp.example"), true),
        "carol": person("Carol@CORP.EXAMPLE", Some("CORP.EXAMPLE"), true),
        "dave": person("dave@corp.example", None, true),
        "erin": person("erin@corp.example", Some("corp.example"), false),
        "frank": person("frank@other.example", Some("corp.example"), true),
        "gina": person("gina@corp.example.attacker.example", Some("corp.example.attacker.example"), true),
        "hank": person("hank@attacker-corp.example", Some("attacker-corp.example"), true),
        "ivan": person("ivan@sub.corp.example", Some("sub.corp.example"), true),
        "judy": person("judy@gmail.example", None, true),
        "paula": person("paula@corp.example", Some("corp.example"), true),
        "sam": {"email": "sam@corp.example", "email_verified": "true", "hd": "corp.example"},
    })
}

/// The identity provider process.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_provider(redirect_uri: &str) -> Provider {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testing/oidc-provider/provider.mjs"
    );
    let mut child = Command::new("node")
        .arg(script)
        .env("ACCOUNTS", accounts().to_string())
        .env("REDIRECT_URIS", redirect_uri)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node must be installed; run npm ci in testing/oidc-provider (scripts/test does)");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let issuer = loop {
        let line = lines
            .next()
            .expect("the provider exited; is oidc-provider installed (npm ci in testing/oidc-provider)?")
            .expect("read");
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_owned();
        }
    };
    // Keep reading, so that the provider never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Provider { child, issuer }
}

/// A Roster whose "Sign in with Google" leads to a fresh test provider.
async fn with_provider(db: Db) -> (TestApp, Provider) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let provider = start_provider(&format!("http://{addr}/auth/oidc/google/callback"));
    let issuer = provider.issuer.parse().expect("issuer url");
    let app = TestApp::spawn_on_listener(db, listener, |config| {
        config.oidc.push(roster_server::OidcProvider {
            name: "google".into(),
            label: "Google".into(),
            issuer,
            client_id: "roster".into(),
            client_secret: roster_server::SecretString::new("roster-test-secret".into()),
        });
    })
    .await;
    (app, provider)
}

/// A browser: keeps cookies, follows no redirects by itself.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// Goes through the provider as `login`; returns the callback URL it sends back.
async fn through_provider(
    app: &TestApp,
    browser: &reqwest::Client,
    login: &str,
    start: &str,
) -> String {
    let started = browser.get(app.url(start)).send().await.expect("start");
    assert_eq!(
        started.status(),
        StatusCode::SEE_OTHER,
        "{}",
        started.text().await.unwrap_or_default()
    );
    let authorize = location(&started);
    let interaction = browser.get(&authorize).send().await.expect("authorize");
    let form = url::Url::parse(&authorize)
        .expect("url")
        .join(&location(&interaction))
        .expect("join");
    let submitted = browser
        .post(form.clone())
        .form(&[("login", login)])
        .send()
        .await
        .expect("login");
    let resume = form.join(&location(&submitted)).expect("join");
    let back = browser.get(resume).send().await.expect("resume");
    location(&back)
}

/// Signs in with the provider as `login`; the session cookie, or the refusal.
async fn google(
    app: &TestApp,
    login: &str,
    invite: Option<&str>,
) -> Result<String, (StatusCode, String)> {
    let browser = browser();
    let start = match invite {
        Some(token) => format!("/auth/oidc/google/start?intent=signup&invite={token}"),
        None => "/auth/oidc/google/start?intent=signup".to_owned(),
    };
    let callback = through_provider(app, &browser, login, &start).await;
    let done = browser.get(&callback).send().await.expect("callback");
    if done.status() != StatusCode::SEE_OTHER {
        let status = done.status();
        return Err((status, done.text().await.unwrap_or_default()));
    }
    let expected = invite.map_or_else(|| "/".to_owned(), |token| format!("/invite/{token}"));
    assert_eq!(location(&done), expected, "where the sign-in lands");
    Ok(crate::support::session_cookie(done.headers()).expect("session cookie"))
}

async fn me(app: &TestApp, cookie: &str) -> Value {
    app.call(Method::GET, "/api/v1/me", Some(cookie), None)
        .await
        .1
}

async fn workspace_user_creates_the_domain_org_and_colleagues_join_it(app: TestApp) {
    let (app, _provider) = with_provider(app.db).await;
    let alice = google(&app, "alice", None).await.expect("alice signs up");
    assert_eq!(me(&app, &alice).await["org"], Value::Null);
    let (status, org) = app
        .call(
            Method::POST,
            "/api/v1/orgs",
            Some(&alice),
            Some(json!({"name": "Corp"})),
        )
        .await;
    assert_eq!(
        (status, org["workspace_domain"].as_str()),
        (StatusCode::CREATED, Some("corp.example"))
    );

    let bob = google(&app, "bob", None).await.expect("bob signs in");
    let carol = google(&app, "carol", None).await.expect("carol signs in");

    for cookie in [&bob, &carol] {
        let me = me(&app, cookie).await;
        assert_eq!(me["org"]["name"], "Corp");
        assert_eq!(
            me["membership"],
            json!({"role": "member", "status": "active"})
        );
    }
    let (_, members) = app
        .call(Method::GET, "/api/v1/org/members", Some(&alice), None)
        .await;
    let via: Vec<&str> = members["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m["joined_via"].as_str())
        .collect();
    assert_eq!(via, ["creation", "domain", "domain"]);
}

async fn colleagues_join_pending_when_approvals_are_on(app: TestApp) {
    let (app, _provider) = with_provider(app.db).await;
    let alice = google(&app, "alice", None).await.expect("alice");
    app.call(
        Method::POST,
        "/api/v1/orgs",
        Some(&alice),
        Some(json!({"name": "Corp"})),
    )
    .await;
    app.call(
        Method::PATCH,
        "/api/v1/org",
        Some(&alice),
        Some(json!({"approvals_enabled": true})),
    )
    .await;

    let bob = google(&app, "bob", None).await.expect("bob");

    assert_eq!(me(&app, &bob).await["membership"]["status"], "pending");
}

async fn only_a_verified_matching_hd_joins_a_domain(app: TestApp) {
    let (app, _provider) = with_provider(app.db).await;
    let alice = google(&app, "alice", None).await.expect("alice");
    app.call(
        Method::POST,
        "/api/v1/orgs",
        Some(&alice),
        Some(json!({"name": "Corp"})),
    )
    .await;

    for outsider in ["dave", "frank", "gina", "hank", "ivan"] {
        let cookie = google(&app, outsider, None)
            .await
            .unwrap_or_else(|e| panic!("{outsider}: {e:?}"));
        assert_eq!(
            me(&app, &cookie).await["org"],
            Value::Null,
            "{outsider} must not join corp.example"
        );
    }
    let (status, _) = google(&app, "sam", None)
        .await
        .expect_err("\"true\" as a string is not true");
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = google(&app, "erin", None)
        .await
        .expect_err("unverified email is refused");
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body.contains("has not verified this email address"),
        "{body}"
    );
    assert_eq!(
        app.sign_in("erin@corp.example", "anything at all")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.stored_members(&alice).await.len(), 1);
}

async fn a_known_email_with_a_new_subject_does_not_get_the_old_account(app: TestApp) {
    let (app, _provider) = with_provider(app.db).await;
    let alice = google(&app, "alice", None).await.expect("alice");
    let alice_id = app.user_id(&alice).await;

    let (status, body) = google(&app, "alice2", None)
        .await
        .expect_err("new subject, same email");

    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("exists already"), "{body}");
    let again = google(&app, "alice", None)
        .await
        .expect("the real alice still gets in");
    assert_eq!(app.user_id(&again).await, alice_id);
}

async fn google_sign_in_never_takes_over_a_password_account(app: TestApp) {
    let (app, _provider) = with_provider(app.db).await;
    let password = app.sign_up("paula@corp.example").await;

    let (status, body) = google(&app, "paula", None).await.expect_err("no linking");

    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("not tied to this sign-in"), "{body}");
    assert_eq!(
        me(&app, &password).await["user"]["email"],
        "paula@corp.example"
    );
}

async fn google_user_with_an_invite_link_joins_the_invited_org(app: TestApp) {
    let (app, _provider) = with_provider(app.db).await;
    let alice = google(&app, "alice", None).await.expect("alice");
    app.call(
        Method::POST,
        "/api/v1/orgs",
        Some(&alice),
        Some(json!({"name": "Corp"})),
    )
    .await;
    let globex = app.admin_of("admin@globex.example", "Globex").await;
    let token = app.invite_token(&globex).await;

    let judy = google(&app, "judy", Some(&token)).await.expect("judy");
    let bob = google(&app, "bob", Some(&token)).await.expect("bob");

    // Signing in never joins by itself: the invite page asks, and joining is a POST.
    for cookie in [&judy, &bob] {
        assert_eq!(
            me(&app, cookie).await["org"],
            Value::Null,
            "no org before the explicit join"
        );
        let accept = format!("/api/v1/invites/{token}/accept");
        let (status, body) = app.call(Method::POST, &accept, Some(cookie), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["org"]["name"], "Globex",
            "the invite wins over the domain"
        );
    }
}

async fn removed_workspace_user_comes_back_pending(app: TestApp) {
    let (app, _provider) = with_provider(app.db).await;
    let alice = google(&app, "alice", None).await.expect("alice");
    app.call(
        Method::POST,
        "/api/v1/orgs",
        Some(&alice),
        Some(json!({"name": "Corp"})),
    )
    .await;
    let bob = google(&app, "bob", None).await.expect("bob");
    let bob_id = app.user_id(&bob).await;
    app.call(
        Method::DELETE,
        &format!("/api/v1/org/members/{bob_id}"),
        Some(&alice),
        None,
    )
    .await;

    let bob = google(&app, "bob", None).await.expect("bob signs in again");

    assert_eq!(
        me(&app, &bob).await["membership"],
        json!({"role": "member", "status": "pending"})
    );
}

async fn tampered_state_and_replayed_callbacks_are_refused(app: TestApp) {
    let (app, _provider) = with_provider(app.db).await;
    let browser = browser();
    let callback = through_provider(
        &app,
        &browser,
        "alice",
        "/auth/oidc/google/start?intent=login",
    )
    .await;
    let mut tampered = url::Url::parse(&callback).expect("url");
    let pairs: Vec<(String, String)> = tampered
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "state" {
                "A".repeat(43)
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    tampered.query_pairs_mut().clear().extend_pairs(pairs);

    let refused = browser
        .get(tampered.as_str())
        .send()
        .await
        .expect("tampered");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // The real callback, in another browser (no state cookie), is refused too, and it
    // cannot be replayed once used by the browser that started it.
    let stranger = self::browser()
        .get(&callback)
        .send()
        .await
        .expect("stranger");
    assert_eq!(stranger.status(), StatusCode::FORBIDDEN);
    let fresh = self::browser();
    let callback = through_provider(
        &app,
        &fresh,
        "alice",
        "/auth/oidc/google/start?intent=login",
    )
    .await;
    assert_eq!(
        fresh.get(&callback).send().await.expect("first").status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        fresh.get(&callback).send().await.expect("replay").status(),
        StatusCode::FORBIDDEN
    );
}
