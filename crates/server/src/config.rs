//! The server's settings, already parsed and typed (the binary fills them from flags
//! and `ROSTER_*` variables).

use std::time::Duration;

use roster_domain::SessionPolicy;
use url::Url;

/// Who may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignupMode {
    /// Anyone may sign up.
    #[default]
    Open,
    /// Only through an invite link, a Workspace domain with an org, or the one-time
    /// setup link of an empty instance.
    InviteOnly,
}

/// Everything the server needs to know besides the database.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The origin people use to reach Roster; used in links and for `Secure` cookies.
    pub public_url: Url,
    /// Who may sign up.
    pub signup: SignupMode,
    /// Session lifetimes.
    pub sessions: SessionPolicy,
    /// Sign-up and sign-in attempts allowed per client address per minute.
    pub auth_attempts_per_minute: u32,
    /// Password hashes computed at the same time, at most.
    pub hashing_concurrency: usize,
    /// Longest time a request may take before it is answered 408.
    pub request_timeout: Duration,
}

impl ServerConfig {
    /// Defaults for a server reachable at `public_url`.
    pub fn new(public_url: Url) -> Self {
        Self {
            public_url,
            signup: SignupMode::Open,
            sessions: SessionPolicy::default(),
            auth_attempts_per_minute: 20,
            hashing_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            request_timeout: Duration::from_secs(30),
        }
    }

    /// Whether cookies must carry `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The public URL without a trailing slash, for building links.
    pub fn base_url(&self) -> &str {
        self.public_url.as_str().trim_end_matches('/')
    }
}
