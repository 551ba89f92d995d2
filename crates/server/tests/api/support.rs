//! The test harness: a real server on a free port over a fresh database, a manual
//! clock, and a small HTTP client that keeps one session cookie.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use reqwest::{Method, Response, StatusCode};
use roster_domain::{ManualClock, Timestamp};
use roster_server::{AppState, ServerConfig};
use roster_store::Store;
use serde_json::{json, Value};

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per database for each named async test function
/// taking a [`TestApp`].
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::TestApp::spawn($crate::support::Db::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::support::TestApp::spawn($crate::support::Db::Postgres).await).await
                }
            }
        )*
    };
}

/// The PostgreSQL server tests create their databases on.
fn postgres_admin_url() -> String {
    std::env::var("ROSTER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Creates an empty database and returns its URL (plus the folder that must outlive
/// a SQLite file).
pub async fn fresh_database(db: Db) -> (String, Option<tempfile::TempDir>) {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("roster.db").display()
            );
            (url, Some(dir))
        }
        Db::Postgres => {
            use sqlx::Connection;
            let admin = postgres_admin_url();
            let name = format!("roster_t_{}", uuid_simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL must run on 127.0.0.1:5432 (see README)");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            (format!("{base}/{name}"), None)
        }
    }
}

fn uuid_simple() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}{:08x}", rand_u32())
}

fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u8(0);
    hasher.finish() as u32
}

/// A running server with its own database and clock.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Store,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub db: Db,
    pub database_url: String,
    http: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// A server with default settings (and a generous sign-in rate limit).
    pub async fn spawn(db: Db) -> Self {
        Self::spawn_with(db, |_| {}).await
    }

    /// A server whose settings `adjust` may change.
    pub async fn spawn_with(db: Db, adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let (url, dir) = fresh_database(db).await;
        Self::spawn_on(db, url, dir, adjust).await
    }

    /// Another server process on the same database, as behind a load balancer.
    pub async fn second_server(&self) -> Self {
        Self::spawn_on(self.db, self.database_url.clone(), None, |_| {}).await
    }

    async fn spawn_on(
        db: Db,
        url: String,
        dir: Option<tempfile::TempDir>,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        Self::serve(db, url, dir, listener, adjust).await
    }

    /// A server on an address already bound (so that an identity provider can be
    /// told the callback address before the server's settings are made).
    pub async fn spawn_on_listener(
        db: Db,
        listener: tokio::net::TcpListener,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Self {
        let (url, dir) = fresh_database(db).await;
        Self::serve(db, url, dir, listener, adjust).await
    }

    async fn serve(
        db: Db,
        url: String,
        dir: Option<tempfile::TempDir>,
        listener: tokio::net::TcpListener,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Self {
        // Errors the server logs (the causes behind a 500) show up in failing tests.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("error")
            .try_init();
        let store = Store::connect(&url, 8).await.expect("connect");
        store.migrate().await.expect("migrate");

        let addr = listener.local_addr().expect("addr");

        let mut config = ServerConfig::new(format!("http://{addr}").parse().expect("url"));
        config.auth_attempts_per_minute = 10_000;
        config.hashing_concurrency = 4;
        adjust(&mut config);
        let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_796_000_000_000)));
        let state = AppState::with_clock(store.clone(), config, clock.clone());
        let app = roster_server::router(state.clone())
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });

        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            addr,
            store,
            state,
            clock,
            db,
            database_url: url,
            http,
            _dir: dir,
        }
    }

    /// A new server on a fresh database of the same kind, with other settings.
    pub async fn reconfigured(self, adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        Self::spawn_with(self.db, adjust).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A request without any cookie.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path))
    }

    /// A request carrying `cookie` as the session cookie.
    pub fn as_user(&self, method: Method, path: &str, cookie: &str) -> reqwest::RequestBuilder {
        self.request(method, path)
            .header(COOKIE, format!("roster_session={cookie}"))
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Response {
        self.request(Method::POST, path)
            .json(&body)
            .send()
            .await
            .expect("send")
    }

    /// Signs up a new account and returns its session cookie value.
    pub async fn sign_up(&self, email: &str) -> String {
        let response = self
            .post_json(
                "/api/v1/signup",
                json!({"email": email, "password": "correct horse battery", "name": "Test Person"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "sign-up of {email}");
        session_cookie(response.headers()).expect("session cookie")
    }

    /// Signs in and returns the new session cookie value.
    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/login",
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// `GET /api/v1/me` with `cookie`.
    pub async fn me(&self, cookie: &str) -> Response {
        self.as_user(Method::GET, "/api/v1/me", cookie)
            .send()
            .await
            .expect("send")
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// The session id set by a response, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    set_cookie_line(headers).and_then(|line| {
        let first = line.split(';').next()?;
        let (_, value) = first.split_once('=')?;
        (!value.is_empty()).then(|| value.to_owned())
    })
}

/// The whole `Set-Cookie` line for the session cookie.
pub fn set_cookie_line(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v: &HeaderValue| v.to_str().ok())
        .find(|v| v.starts_with("roster_session=") || v.starts_with("__Host-roster_session="))
        .map(str::to_owned)
}

/// Reads a problem document and checks its media type.
pub async fn problem(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json", "status {status}");
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["status"], status.as_u16());
    (status, body)
}

impl TestApp {
    /// Sends `method path` with an optional session cookie and JSON body; returns the
    /// status and the JSON body (`null` when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        cookie: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.request(method, path);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, format!("roster_session={cookie}"));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        let text = response.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    /// Same as [`Self::call`] with a bearer API key instead of a cookie.
    pub async fn call_with_key(
        &self,
        method: Method,
        path: &str,
        key: &str,
    ) -> (StatusCode, Value) {
        let response = self
            .request(method, path)
            .bearer_auth(key)
            .send()
            .await
            .expect("send");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Signs up `email` and creates the org `name`; returns the admin's cookie.
    pub async fn admin_of(&self, email: &str, name: &str) -> String {
        let cookie = self.sign_up(email).await;
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/orgs",
                Some(&cookie),
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        cookie
    }

    /// Makes an invite link as `admin`; returns its token.
    pub async fn invite_token(&self, admin: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/org/invite-links",
                Some(admin),
                Some(json!({})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Signs up `email` through the invite `token`; returns the new cookie.
    pub async fn join(&self, email: &str, token: &str) -> String {
        let response = self
            .post_json(
                "/api/v1/signup",
                json!({"email": email, "password": "correct horse battery", "name": "Teammate", "invite_token": token}),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "sign-up of {email} with invite"
        );
        session_cookie(response.headers()).expect("cookie")
    }

    /// The user id of the holder of `cookie`.
    pub async fn user_id(&self, cookie: &str) -> String {
        let (_, me) = self
            .call(Method::GET, "/api/v1/me", Some(cookie), None)
            .await;
        me["user"]["id"].as_str().expect("id").to_owned()
    }

    /// The members of the org of `admin`, as `(email, role, status)`, read straight
    /// from the database.
    pub async fn stored_members(&self, admin: &str) -> Vec<(String, String, String)> {
        let (_, me) = self
            .call(Method::GET, "/api/v1/me", Some(admin), None)
            .await;
        let org =
            roster_domain::OrgId::parse(me["org"]["id"].as_str().expect("org")).expect("org id");
        let mut conn = self.store.conn().await.expect("conn");
        roster_store::members::list(&mut conn, org, None, None, 1000)
            .await
            .expect("members")
            .into_iter()
            .map(|m| {
                (
                    m.user.email.to_string(),
                    m.role.as_str().to_owned(),
                    m.status.as_str().to_owned(),
                )
            })
            .collect()
    }
}
