//! Who is asking: a session cookie or a bearer API key.
//!
//! Resolving a credential costs a database round trip, so what it resolved to is kept
//! in memory, but only for as long as the store's change epoch has not moved: every
//! committed change (a removal, a logout, an approval, a role change, a revoked key)
//! moves it, in this process at once and in every other process sharing the
//! PostgreSQL database as soon as its notification arrives. So a removal or a pending
//! status still takes effect at the very next request.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use std::sync::Arc;

use roster_domain::{allows, MemberStatus, Permission, Secret, SecretHash, Timestamp, User};
use roster_store::members::Membership;
use roster_store::{api_keys, sessions};

use crate::http::{session_secret, ApiError};
use crate::AppState;

/// Prefix of every API key; what follows is a 256-bit secret.
pub const API_KEY_PREFIX: &str = "rk_";

/// What proved the caller's identity.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A browser session (the hash of its id).
    Session(SecretHash),
    /// An API key (its id).
    ApiKey(String),
}

/// A signed-in user, how they proved it, and their membership as of this request.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// Session or API key.
    pub credential: Credential,
    /// Their org, role and status, if they belong to an org.
    pub membership: Option<Membership>,
}

impl SignedIn {
    /// The membership if it is active: 403 `approval_pending` while pending, 403
    /// `forbidden` without an org.
    pub fn active_membership(&self) -> Result<&Membership, ApiError> {
        match &self.membership {
            Some(m) if m.status == MemberStatus::Active => Ok(m),
            Some(_) => Err(ApiError::approval_pending()),
            None => Err(ApiError::forbidden(
                "You do not belong to an organization yet. Create one or ask for an invite link.",
            )),
        }
    }

    /// Refuses API keys (403): for what only the person, signed in, may do, such as
    /// making more keys or deleting the account. A leaked key then cannot be turned
    /// into a new one that outlives its revocation.
    pub fn require_session(&self) -> Result<(), ApiError> {
        match self.credential {
            Credential::Session(_) => Ok(()),
            Credential::ApiKey(_) => Err(ApiError::session_required()),
        }
    }

    /// The active membership, if it grants `permission`; 403 otherwise.
    pub fn require(&self, permission: Permission) -> Result<&Membership, ApiError> {
        let membership = self.active_membership()?;
        if allows(membership.role, membership.status, permission) {
            Ok(membership)
        } else {
            Err(ApiError::lacks(permission))
        }
    }
}

/// Resolves the caller from `Authorization: Bearer` or the session cookie: `None`
/// when neither proves a live identity.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<SignedIn>, ApiError> {
    let signed_in = match bearer_key(headers) {
        Some(presented) => match presented {
            Some(secret) => by_api_key(state, &secret).await?,
            None => None,
        },
        None => match session_secret(state.config(), headers) {
            Some(secret) => by_session(state, &secret).await?,
            None => None,
        },
    };
    if let Some(signed_in) = &signed_in {
        let span = tracing::Span::current();
        span.record("user_id", tracing::field::display(signed_in.user.id));
        if let Some(m) = &signed_in.membership {
            span.record("org_id", tracing::field::display(m.org.id));
        }
    }
    Ok(signed_in)
}

/// `Some(None)` for a bearer header that is not a plausible key, so that a bad key
/// is never silently replaced by a cookie.
fn bearer_key(headers: &HeaderMap) -> Option<Option<Secret>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    Some(
        token
            .strip_prefix(API_KEY_PREFIX)
            .and_then(Secret::from_presented),
    )
}

async fn by_session(state: &AppState, secret: &Secret) -> Result<Option<SignedIn>, ApiError> {
    let hash = secret.hash();
    let key = format!("s{}", hash.as_str());
    let now = state.clock().now();

    let known = remembered(state, &key, || async {
        let mut conn = state.store().conn().await?;
        let record = sessions::find(&mut conn, &hash).await?;
        Ok(record.map(|record| Resolved {
            signed_in: SignedIn {
                user: record.user,
                credential: Credential::Session(hash.clone()),
                membership: record.membership,
            },
            created_at: record.created_at,
            last_used_at: Some(record.last_seen_at),
        }))
    })
    .await?;
    let Some(known) = known else {
        return Ok(None);
    };
    let policy = state.config().sessions;
    let last_seen = known.last_used_at.unwrap_or(known.created_at);
    if !policy.is_alive(known.created_at, last_seen, now) {
        return Ok(None);
    }

    if policy.needs_touch(last_seen, now) {
        let mut tx = state.store().begin().await?;
        sessions::touch(tx.conn(), &hash, now).await?;
        tx.commit_unannounced().await?;
        state.identities().remove(&key);
    }
    Ok(Some(known.signed_in.clone()))
}

async fn by_api_key(state: &AppState, secret: &Secret) -> Result<Option<SignedIn>, ApiError> {
    let hash = secret.hash();
    let key = format!("k{}", hash.as_str());
    let now = state.clock().now();

    let known = remembered(state, &key, || async {
        let mut conn = state.store().conn().await?;
        let owner = api_keys::find_owner(&mut conn, &hash).await?;
        Ok(owner.map(|owner| Resolved {
            signed_in: SignedIn {
                user: owner.user,
                credential: Credential::ApiKey(owner.key_id),
                membership: Some(owner.membership),
            },
            created_at: now,
            last_used_at: owner.last_used_at,
        }))
    })
    .await?;
    let Some(known) = known else {
        return Ok(None);
    };

    let stale = known
        .last_used_at
        .is_none_or(|at| state.config().sessions.needs_touch(at, now));
    if stale {
        if let Credential::ApiKey(id) = &known.signed_in.credential {
            let mut tx = state.store().begin().await?;
            api_keys::touch(tx.conn(), id, now).await?;
            tx.commit_unannounced().await?;
        }
        state.identities().remove(&key);
    }
    Ok(Some(known.signed_in.clone()))
}

/// What a credential resolves to in the database.
struct Resolved {
    signed_in: SignedIn,
    created_at: Timestamp,
    last_used_at: Option<Timestamp>,
}

/// The identity cache in front of `load`: an entry is used only under the change
/// epoch it was read in, and a result is remembered under the epoch read *before*
/// the database was asked, so that a change committed meanwhile makes it stale.
async fn remembered<F, Fut>(
    state: &AppState,
    key: &str,
    load: F,
) -> Result<Option<Arc<Known>>, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Option<Resolved>, ApiError>>,
{
    let epoch = state.store().changes().current();
    if let Some(cached) = state
        .identities()
        .get(key)
        .filter(|c| Some(c.epoch) == epoch)
    {
        metrics::counter!("roster_identity_cache_total", "result" => "hit").increment(1);
        return Ok(Some(cached));
    }
    metrics::counter!("roster_identity_cache_total", "result" => "miss").increment(1);

    let Some(resolved) = load().await? else {
        return Ok(None);
    };
    let known = Arc::new(Known {
        epoch: epoch.unwrap_or_default(),
        signed_in: resolved.signed_in,
        created_at: resolved.created_at,
        last_used_at: resolved.last_used_at,
    });
    if epoch.is_some() {
        state
            .identities()
            .insert(key.to_owned(), Arc::clone(&known));
    }
    Ok(Some(known))
}

/// What a credential resolved to, as remembered by the identity cache under the
/// change epoch it was read in (see `roster_store::ChangeEpoch`).
#[derive(Debug)]
pub struct Known {
    epoch: u64,
    signed_in: SignedIn,
    created_at: Timestamp,
    last_used_at: Option<Timestamp>,
}

/// Extractor for handlers that need a signed-in user (pending members included);
/// 401 otherwise.
pub struct CurrentUser(pub SignedIn);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(state, &parts.headers)
            .await?
            .map(CurrentUser)
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// Extractor for handlers that need an active member of an org: 401 without
/// credentials, 403 `approval_pending` while pending, 403 without an org.
pub struct ActiveMember(pub SignedIn, pub Membership);

impl FromRequestParts<AppState> for ActiveMember {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentUser(signed_in) = CurrentUser::from_request_parts(parts, state).await?;
        let membership = signed_in.active_membership()?.clone();
        Ok(ActiveMember(signed_in, membership))
    }
}
