//! A real nginx in front of a small upstream, asking Roster with `auth_request`.
//! The configuration is the one documented in docs/nginx.md, filled in per test.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::routing::get;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::clusters::{cluster, team};
use crate::on_both_databases;
use crate::support::TestApp;

on_both_databases!(nginx_lets_through_exactly_whom_roster_allows);

/// The upstream: echoes who nginx says the caller is.
async fn start_upstream() -> std::net::SocketAddr {
    let app = axum::Router::new().fallback(get(|headers: HeaderMap| async move {
        let user = headers
            .get("x-roster-user-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        let role = headers
            .get("x-roster-role")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        format!("upstream: user={user} role={role}")
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

struct Nginx {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

async fn start_nginx(roster: std::net::SocketAddr, upstream: std::net::SocketAddr) -> Nginx {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let template = include_str!("../../../../docs/nginx.conf");
    let site = template
        .replace("127.0.0.1:8080", &roster.to_string())
        .replace("127.0.0.1:9000", &upstream.to_string())
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
    let d = dir.path().display();
    let conf = format!(
        "master_process off;\ndaemon off;\nerror_log {d}/error.log warn;\npid {d}/nginx.pid;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n{site}\n}}\n"
    );
    let conf_path = dir.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).expect("write conf");
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("nginx is needed for this test: apt-get install nginx-light (scripts/test does)");
    let child = Command::new(nginx)
        .arg("-c")
        .arg(&conf_path)
        .arg("-p")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start nginx");

    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not start: {}",
            std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Nginx {
        child,
        port,
        _dir: dir,
    }
}

async fn through(
    nginx: &Nginx,
    path: &str,
    cookie: Option<&str>,
    key: Option<&str>,
) -> (StatusCode, String) {
    let mut request = reqwest::Client::new().get(format!("http://127.0.0.1:{}{path}", nginx.port));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("roster_session={cookie}"));
    }
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("send");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

async fn nginx_lets_through_exactly_whom_roster_allows(app: TestApp) {
    let acme = team(&app, "Acme").await;
    let globex = team(&app, "Globex").await;
    let ours = cluster(&app, &acme.member, "prod").await;
    let theirs = cluster(&app, &globex.member, "prod").await;
    let (_, key) = app
        .call(
            Method::POST,
            "/api/v1/api-keys",
            Some(&acme.member),
            Some(json!({"description": "cli"})),
        )
        .await;
    let key = key["key"].as_str().expect("key").to_owned();
    let member_id = app.user_id(&acme.member).await;
    let upstream = start_upstream().await;
    let nginx = start_nginx(app.addr, upstream).await;

    let (status, body) = through(
        &nginx,
        &format!("/query/?cluster={ours}"),
        Some(&acme.member),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, format!("upstream: user={member_id} role=member"));
    let (status, body) = through(&nginx, "/query/", None, Some(&key)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            format!("upstream: user={member_id} role=member")
        )
    );

    assert_eq!(
        through(&nginx, "/query/", Some(&acme.viewer), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        through(&nginx, "/deploy/", Some(&acme.viewer), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        through(&nginx, "/deploy/", Some(&acme.member), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        through(&nginx, "/query/", Some(&acme.pending), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        through(&nginx, "/query/", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        through(
            &nginx,
            &format!("/query/?cluster={theirs}"),
            Some(&acme.admin),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    app.call(
        Method::DELETE,
        &format!("/api/v1/org/members/{member_id}"),
        Some(&acme.admin),
        None,
    )
    .await;

    assert_eq!(
        through(&nginx, "/query/", Some(&acme.member), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        through(&nginx, "/query/", None, Some(&key)).await.0,
        StatusCode::UNAUTHORIZED
    );
}
