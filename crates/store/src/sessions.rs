//! The sessions aggregate: server-side sessions, found by the hash of their id.

use roster_domain::{SecretHash, Timestamp, User, UserId};
use sqlx::{AnyConnection, Row};

use crate::members::{membership_from_row, Membership};
use crate::orgs::columns as org_columns;
use crate::users::user_from_row;
use crate::StoreError;

/// A live-or-not session as stored, with its user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// The signed-in user.
    pub user: User,
    /// Their membership, if they belong to an org.
    pub membership: Option<Membership>,
    /// When the session was created (sign-in time).
    pub created_at: Timestamp,
    /// When it was last used, to within a minute.
    pub last_seen_at: Timestamp,
}

/// Stores a new session.
pub async fn insert(
    conn: &mut AnyConnection,
    id_hash: &SecretHash,
    user_id: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(id_hash.as_str())
    .bind(user_id.to_string())
    .bind(now.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// The unrevoked session with this id hash, if any. Expiry is the caller's to judge.
pub async fn find(
    conn: &mut AnyConnection,
    id_hash: &SecretHash,
) -> Result<Option<SessionRecord>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT s.created_at AS s_created_at, s.last_seen_at, \
                    u.id, u.email, u.name, u.created_at, m.role, m.status, {} \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN memberships m ON m.user_id = u.id \
             LEFT JOIN orgs o ON o.id = m.org_id \
             WHERE s.id_hash = $1 AND s.revoked_at IS NULL",
        org_columns()
    ))
    .bind(id_hash.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(SessionRecord {
            user: user_from_row(&row)?,
            membership: membership_from_row(&row)?,
            created_at: Timestamp::from_millis(row.try_get("s_created_at")?),
            last_seen_at: Timestamp::from_millis(row.try_get("last_seen_at")?),
        })
    })
    .transpose()
}

/// Records that the session was used at `now`.
pub async fn touch(
    conn: &mut AnyConnection,
    id_hash: &SecretHash,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now.as_millis())
        .bind(id_hash.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes one session.
pub async fn revoke(
    conn: &mut AnyConnection,
    id_hash: &SecretHash,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL")
        .bind(now.as_millis())
        .bind(id_hash.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every session of a user; returns how many were live.
pub async fn revoke_all_of_user(
    conn: &mut AnyConnection,
    user_id: UserId,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(user_id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes sessions that can no longer be used: revoked ones, and those past their
/// idle timeout or absolute lifetime at `now`. Returns how many went.
pub async fn purge(
    conn: &mut AnyConnection,
    idle_since: Timestamp,
    created_before: Timestamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "DELETE FROM sessions WHERE revoked_at IS NOT NULL OR last_seen_at < $1 OR created_at < $2",
    )
    .bind(idle_since.as_millis())
    .bind(created_before.as_millis())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
