//! Drives the real `roster` binary as a process over HTTP, on SQLite and PostgreSQL.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

/// A `roster serve` child process and the address it printed.
struct Server {
    child: Child,
    base: String,
    log: mpsc::Receiver<String>,
}

impl Server {
    fn start(data_dir: &Path, database_url: Option<&str>) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_roster"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env_remove("ROSTER_DATABASE_URL")
            .env("ROSTER_LOG_FORMAT", "json")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        let mut child = command.spawn().expect("start roster");

        let stdout = child.stdout.take().expect("stdout");
        let (lines_tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        let base = loop {
            let line = lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no `listening on` line; log so far: {seen:#?}"));
            let event: Value = serde_json::from_str(&line).expect("JSON log line");
            let message = event["fields"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if let Some(url) = message.strip_prefix("listening on ") {
                break url.to_owned();
            }
            seen.push(line);
        };
        Self {
            child,
            base,
            log: lines,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends SIGTERM and waits for a clean exit.
    fn stop(mut self) -> Vec<String> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = self.child.wait().expect("wait");
        assert!(exit.success(), "roster exited with {exit}");
        self.log.try_iter().collect()
    }
}

async fn sign_up_restart_and_sign_in(database_url: Option<&str>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let client = reqwest::Client::new();
    let password = "correct horse battery";

    let server = Server::start(dir.path(), database_url);
    let signup = client
        .post(server.url("/api/v1/signup"))
        .json(&json!({"email": "anna@example.com", "password": password, "name": "Anna"}))
        .send()
        .await
        .expect("sign-up");
    assert_eq!(signup.status(), 201);
    let cookie = signup
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("cookie")
        .to_owned();
    let log = server.stop();

    let secret = cookie.split_once('=').map(|(_, v)| v).expect("value");
    for line in &log {
        assert!(!line.contains(secret), "session id in the log: {line}");
        assert!(!line.contains(password), "password in the log: {line}");
    }
    assert!(log
        .iter()
        .any(|l| l.contains("\"route\":\"/api/v1/signup\"") && l.contains("\"status\":201")));

    let server = Server::start(dir.path(), database_url);
    let me = client
        .get(server.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200, "the session survived the restart");
    let login = client
        .post(server.url("/api/v1/login"))
        .json(&json!({"email": "anna@example.com", "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200);
    let body: Value = login.json().await.expect("json");
    assert_eq!(body["user"]["email"], "anna@example.com");
    server.stop();
}

#[tokio::test]
async fn sqlite_data_is_kept_across_a_restart() {
    sign_up_restart_and_sign_in(None).await;
}

#[tokio::test]
async fn postgres_data_is_kept_across_a_restart() {
    use sqlx::Connection;
    let admin = std::env::var("ROSTER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let name = format!("roster_t_bin_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .expect("drop");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);

    sign_up_restart_and_sign_in(Some(&format!("{base}/{name}"))).await;
}

#[test]
fn help_names_every_documented_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["serve", "--help"])
        .output()
        .expect("help");
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen",
        "--data-dir",
        "--database-url",
        "--public-url",
        "--signup",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}
