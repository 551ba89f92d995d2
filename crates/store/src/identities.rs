//! The identities aggregate: accounts at OpenID Connect providers, keyed by
//! (issuer, subject) and never by email, each tied to one Roster user.

use roster_domain::{SecretHash, Timestamp, User, UserId};
use sqlx::{AnyConnection, Row};

use crate::users::user_from_row;
use crate::StoreError;

/// A sign-in under way, as stored between the redirect to the provider and back.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    /// The provider's name in Roster's configuration.
    pub provider: String,
    /// The PKCE verifier.
    pub pkce_verifier: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// `signup` or `login`.
    pub intent: String,
    /// When it started.
    pub created_at: Timestamp,
}

/// The user behind (issuer, subject), if any.
pub async fn find(
    conn: &mut AnyConnection,
    issuer: &str,
    subject: &str,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(
        "SELECT u.id, u.email, u.name, u.created_at FROM identities i JOIN users u ON u.id = i.user_id \
         WHERE i.issuer = $1 AND i.subject = $2",
    )
    .bind(issuer)
    .bind(subject)
    .fetch_optional(conn)
    .await?;
    row.map(|row| user_from_row(&row)).transpose()
}

/// Ties (issuer, subject) to `user`. [`StoreError::Duplicate`] if it is tied already.
pub async fn insert(
    conn: &mut AnyConnection,
    issuer: &str,
    subject: &str,
    user: UserId,
    email: &str,
    workspace_domain: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO identities (issuer, subject, user_id, email, workspace_domain, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(issuer)
    .bind(subject)
    .bind(user.to_string())
    .bind(email)
    .bind(workspace_domain)
    .bind(now.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the Workspace domain last seen for an identity.
pub async fn set_workspace_domain(
    conn: &mut AnyConnection,
    issuer: &str,
    subject: &str,
    domain: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE identities SET workspace_domain = $1 WHERE issuer = $2 AND subject = $3")
        .bind(domain)
        .bind(issuer)
        .bind(subject)
        .execute(conn)
        .await?;
    Ok(())
}

/// The Workspace domain of the user's identities, if any has one.
pub async fn workspace_domain(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Option<String>, StoreError> {
    let domain: Option<Option<String>> = sqlx::query_scalar(
        "SELECT workspace_domain FROM identities WHERE user_id = $1 AND workspace_domain IS NOT NULL \
         ORDER BY created_at LIMIT 1",
    )
    .bind(user.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(domain.flatten())
}

/// Stores a sign-in under way.
pub async fn start_login(
    conn: &mut AnyConnection,
    state: &SecretHash,
    login: &PendingLogin,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO oidc_logins (state_hash, provider, pkce_verifier, nonce, intent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(state.as_str())
    .bind(&login.provider)
    .bind(&login.pkce_verifier)
    .bind(&login.nonce)
    .bind(&login.intent)
    .bind(login.created_at.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes (reads and deletes) the sign-in with this state: each state works once.
pub async fn take_login(
    conn: &mut AnyConnection,
    state: &SecretHash,
) -> Result<Option<PendingLogin>, StoreError> {
    let row = sqlx::query(
        "SELECT provider, pkce_verifier, nonce, intent, created_at FROM oidc_logins WHERE state_hash = $1",
    )
    .bind(state.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let deleted = sqlx::query("DELETE FROM oidc_logins WHERE state_hash = $1")
        .bind(state.as_str())
        .execute(conn)
        .await?;
    if deleted.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(Some(PendingLogin {
        provider: row.try_get("provider")?,
        pkce_verifier: row.try_get("pkce_verifier")?,
        nonce: row.try_get("nonce")?,
        intent: row.try_get("intent")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
    }))
}

/// Forgets sign-ins started before `before` (abandoned at the provider).
pub async fn forget_logins_before(
    conn: &mut AnyConnection,
    before: Timestamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM oidc_logins WHERE created_at < $1")
        .bind(before.as_millis())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
