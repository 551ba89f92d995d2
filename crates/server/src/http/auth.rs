//! Who is asking: the session cookie resolved on every request, never cached, so that
//! a revocation takes effect at the very next request.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use roster_domain::{SecretHash, User};
use roster_store::sessions;

use crate::http::{session_secret, ApiError};
use crate::AppState;

/// A signed-in user and the session that proves it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// The hash of the session id (to revoke it on logout).
    pub session: SecretHash,
}

/// Resolves the session cookie in `headers`: `None` when there is no live session.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<SignedIn>, ApiError> {
    let Some(secret) = session_secret(headers) else {
        return Ok(None);
    };
    let hash = secret.hash();
    let now = state.clock().now();

    let record = {
        let mut conn = state.store().conn().await?;
        sessions::find(&mut conn, &hash).await?
    };
    let Some(record) = record else {
        return Ok(None);
    };
    let policy = state.config().sessions;
    if !policy.is_alive(record.created_at, record.last_seen_at, now) {
        return Ok(None);
    }

    if policy.needs_touch(record.last_seen_at, now) {
        let mut tx = state.store().begin().await?;
        sessions::touch(tx.conn(), &hash, now).await?;
        tx.commit().await?;
    }
    tracing::Span::current().record("user_id", tracing::field::display(record.user.id));
    Ok(Some(SignedIn {
        user: record.user,
        session: hash,
    }))
}

/// Extractor for API handlers that need a signed-in user; 401 otherwise.
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
