//! State shared by every handler.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use roster_domain::{Clock, OrgId, Password, PasswordHash, SecretHash, SystemClock};
use roster_store::Store;
use tokio::sync::Semaphore;

use crate::api::events::OpenStreams;
use crate::http::auth::Known;
use crate::http::ApiError;
use crate::ServerConfig;

/// Cheap to clone; everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    store: Store,
    config: ServerConfig,
    clock: Arc<dyn Clock>,
    hashing: Semaphore,
    auth_limiter: DefaultKeyedRateLimiter<IpAddr>,
    setup_token: Mutex<Option<SecretHash>>,
    identities: IdentityCache,
    cluster_orgs: quick_cache::sync::Cache<String, (u64, Option<OrgId>)>,
    open_streams: Arc<OpenStreams>,
    oidc_providers: crate::oidc::Providers,
}

/// Resolved credentials by `s`/`k` + hash (see `http::auth`).
pub type IdentityCache = quick_cache::sync::Cache<String, Arc<Known>>;

impl AppState {
    /// State over `store` with the wall clock.
    pub fn new(store: Store, config: ServerConfig) -> Self {
        Self::with_clock(store, config, Arc::new(SystemClock))
    }

    /// State with an injected clock (tests move it forward instead of sleeping).
    pub fn with_clock(store: Store, config: ServerConfig, clock: Arc<dyn Clock>) -> Self {
        let per_minute =
            NonZeroU32::new(config.auth_attempts_per_minute).unwrap_or(NonZeroU32::MIN);
        let hashing = Semaphore::new(config.hashing_concurrency.max(1));
        Self(Arc::new(Inner {
            store,
            config,
            clock,
            hashing,
            auth_limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            setup_token: Mutex::new(None),
            identities: IdentityCache::new(100_000),
            cluster_orgs: quick_cache::sync::Cache::new(100_000),
            open_streams: Arc::default(),
            oidc_providers: crate::oidc::Providers::default(),
        }))
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// Credentials resolved recently (see `http::auth`).
    pub fn identities(&self) -> &IdentityCache {
        &self.0.identities
    }

    /// Which org each recently checked cluster belongs to, by change epoch.
    pub fn cluster_orgs(&self) -> &quick_cache::sync::Cache<String, (u64, Option<OrgId>)> {
        &self.0.cluster_orgs
    }

    /// Event streams open per credential.
    pub fn open_streams(&self) -> &Arc<OpenStreams> {
        &self.0.open_streams
    }

    /// Discovered OpenID Connect providers.
    pub fn oidc_providers(&self) -> &crate::oidc::Providers {
        &self.0.oidc_providers
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.0.clock.as_ref()
    }

    /// Counts one sign-up or sign-in attempt from `addr`; 429 when over the limit.
    pub fn limit_auth_attempt(&self, addr: IpAddr) -> Result<(), ApiError> {
        // Forget addresses whose budget is full again, so that a spray of addresses
        // (cheap with IPv6) cannot grow the table without bound.
        if self.0.auth_limiter.len() > 100_000 {
            self.0.auth_limiter.retain_recent();
        }
        self.0.auth_limiter.check_key(&addr).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            ApiError::rate_limited(wait.as_secs() + 1)
        })
    }

    /// Hashes a new password on the blocking pool, at most `hashing_concurrency` at once.
    pub async fn hash_password(&self, password: Password) -> Result<PasswordHash, ApiError> {
        let _permit = self.0.hashing.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || password.hash())
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)
    }

    /// Verifies a password on the blocking pool, bounded like [`Self::hash_password`].
    pub async fn verify_password(
        &self,
        password: Password,
        stored: Option<PasswordHash>,
    ) -> Result<bool, ApiError> {
        let _permit = self.0.hashing.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || password.verify(stored.as_ref()))
            .await
            .map_err(ApiError::internal)
    }

    /// Arms the one-time setup link of an empty invite-only instance.
    pub fn arm_setup_token(&self, hash: SecretHash) {
        if let Ok(mut slot) = self.0.setup_token.lock() {
            *slot = Some(hash);
        }
    }

    /// Uses up the setup token if `presented` matches it.
    pub fn take_setup_token(&self, presented: &SecretHash) -> bool {
        let Ok(mut slot) = self.0.setup_token.lock() else {
            return false;
        };
        let matches = slot.as_ref().is_some_and(|armed| armed.ct_eq(presented));
        if matches {
            *slot = None;
        }
        matches
    }

    /// Puts the setup token back when the sign-up that used it failed.
    pub fn restore_setup_token(&self, hash: SecretHash) {
        self.arm_setup_token(hash);
    }
}
