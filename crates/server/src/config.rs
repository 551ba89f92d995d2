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

/// A secret setting (such as an OIDC client secret): never shown by `Debug`.
#[derive(Clone)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// An OpenID Connect provider people may sign in with.
#[derive(Debug, Clone)]
pub struct OidcProvider {
    /// Short name used in URLs (`/auth/oidc/{name}/…`), e.g. `google`.
    pub name: String,
    /// What the buttons say after "Sign in with", e.g. `Google`.
    pub label: String,
    /// The issuer URL (discovery document at `/.well-known/openid-configuration`).
    pub issuer: Url,
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret.
    pub client_secret: SecretString,
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
    /// OpenID Connect providers, in the order the pages show them.
    pub oidc: Vec<OidcProvider>,
    /// Whether a reverse proxy in front sets `X-Forwarded-For` (its last entry is
    /// then the client's address). Off by default: a client could forge it.
    pub trust_forwarded_for: bool,
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
            oidc: Vec::new(),
            trust_forwarded_for: false,
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
