//! Command-line flags; every flag can also be set as a `ROSTER_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use roster_server::SignupMode;
use url::Url;

/// Roster: organization membership and sharing.
#[derive(Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
}

/// Settings of `roster serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the log says which).
    #[arg(long, env = "ROSTER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Folder of the embedded SQLite database (used when no database URL is given).
    #[arg(long, env = "ROSTER_DATA_DIR", default_value = "./roster-data")]
    pub data_dir: PathBuf,

    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite database.
    #[arg(long, env = "ROSTER_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Database connections kept open at most.
    #[arg(long, env = "ROSTER_MAX_CONNECTIONS", default_value_t = 16)]
    pub max_connections: u32,

    /// The origin people use to reach Roster: the base of invite links; https makes
    /// cookies Secure. Default: http:// + the listen address. (The CSRF check compares
    /// Origin with the Host header, so a proxy must pass Host through unchanged.)
    #[arg(long, env = "ROSTER_PUBLIC_URL")]
    pub public_url: Option<Url>,

    /// Who may sign up.
    #[arg(long, env = "ROSTER_SIGNUP", value_enum, default_value_t = Signup::Open)]
    pub signup: Signup,

    /// A session unused for this long ends (e.g. 7d, 12h).
    #[arg(long, env = "ROSTER_SESSION_IDLE_TIMEOUT", default_value = "7d")]
    pub session_idle_timeout: humantime::Duration,

    /// A session ends this long after sign-in, however busy.
    #[arg(long, env = "ROSTER_SESSION_LIFETIME", default_value = "30d")]
    pub session_lifetime: humantime::Duration,

    /// Sign-up, sign-in and invite look-ups allowed per client address per minute.
    #[arg(long, env = "ROSTER_AUTH_ATTEMPTS_PER_MINUTE", default_value_t = 20)]
    pub auth_attempts_per_minute: u32,

    /// Client id of an OpenID Connect provider: turns on "Sign in with …".
    #[arg(long, env = "ROSTER_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,

    /// The provider's client secret. Prefer the variable or a file to the flag.
    #[arg(long, env = "ROSTER_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,

    /// A file holding the provider's client secret.
    #[arg(long, env = "ROSTER_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,

    /// The provider's issuer URL (default: Google, https://accounts.google.com).
    #[arg(
        long,
        env = "ROSTER_OIDC_ISSUER",
        default_value = "https://accounts.google.com"
    )]
    pub oidc_issuer: Url,

    /// What the buttons call the provider (default: Google for Google's issuer,
    /// otherwise "single sign-on").
    #[arg(long, env = "ROSTER_OIDC_LABEL")]
    pub oidc_label: Option<String>,

    /// A reverse proxy in front of Roster sets X-Forwarded-For: use its last entry as
    /// the client's address (rate limits, audit log). Only with such a proxy.
    #[arg(long, env = "ROSTER_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// Log format.
    #[arg(long, env = "ROSTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Values of `--signup`.
#[derive(Clone, Copy, ValueEnum)]
pub enum Signup {
    /// Anyone may sign up.
    Open,
    /// Only through invite links, Workspace domains, or the first-run setup link.
    InviteOnly,
}

impl From<Signup> for SignupMode {
    fn from(value: Signup) -> Self {
        match value {
            Signup::Open => SignupMode::Open,
            Signup::InviteOnly => SignupMode::InviteOnly,
        }
    }
}

/// Values of `--log-format`.
#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The database URL without its password, for the log.
pub fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<unparseable>".to_owned(),
    }
}
