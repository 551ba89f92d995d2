//! The API keys aggregate: per-user keys bound to the org the user was in when the
//! key was made. A key works only while that membership lasts; revoked keys stay
//! revoked, also when their owner comes back.

use roster_domain::{OrgId, SecretHash, Timestamp, User, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::members::{membership_from_row, Membership};
use crate::orgs::columns as org_columns;
use crate::users::user_from_row;
use crate::StoreError;

/// An API key as listed (never with its secret).
#[derive(Debug, Clone)]
pub struct ApiKey {
    /// Id, for deleting.
    pub id: String,
    /// What it is for, in the owner's words.
    pub description: String,
    /// The first characters of the key, to recognize it.
    pub prefix: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was last used (to within a minute).
    pub last_used_at: Option<Timestamp>,
}

/// A key presented as `Authorization: Bearer`, resolved to its owner and their
/// current membership in the key's org.
#[derive(Debug, Clone)]
pub struct KeyOwner {
    /// Key id.
    pub key_id: String,
    /// When it was last used.
    pub last_used_at: Option<Timestamp>,
    /// The owner.
    pub user: User,
    /// The owner's membership in the key's org.
    pub membership: Membership,
}

/// Stores a new key.
#[expect(
    clippy::too_many_arguments,
    reason = "one column per argument reads clearer than a one-off struct"
)]
pub async fn insert(
    conn: &mut AnyConnection,
    id: &str,
    user: UserId,
    org: OrgId,
    description: &str,
    prefix: &str,
    hash: &SecretHash,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO api_keys (id, user_id, org_id, description, prefix, key_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(user.to_string())
    .bind(org.to_string())
    .bind(description)
    .bind(prefix)
    .bind(hash.as_str())
    .bind(now.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// The live keys of `user` in `org`, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    user: UserId,
    org: OrgId,
) -> Result<Vec<ApiKey>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, description, prefix, created_at, last_used_at FROM api_keys \
         WHERE user_id = $1 AND org_id = $2 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
    )
    .bind(user.to_string())
    .bind(org.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(key_from_row).collect()
}

/// Revokes one key of `user`; `false` when there was no such live key.
pub async fn revoke(
    conn: &mut AnyConnection,
    user: UserId,
    id: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 WHERE user_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(user.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every key of `user`; returns how many were live.
pub async fn revoke_all_of_user(
    conn: &mut AnyConnection,
    user: UserId,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(user.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The owner of the live key with this hash, while they still belong to its org.
pub async fn find_owner(
    conn: &mut AnyConnection,
    hash: &SecretHash,
) -> Result<Option<KeyOwner>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT k.id AS key_id, k.last_used_at, u.id, u.email, u.name, u.created_at, \
                m.role, m.status, {} \
         FROM api_keys k \
         JOIN users u ON u.id = k.user_id \
         JOIN memberships m ON m.user_id = k.user_id AND m.org_id = k.org_id \
         JOIN orgs o ON o.id = m.org_id \
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
        org_columns()
    ))
    .bind(hash.as_str())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let membership = membership_from_row(&row)?.ok_or(StoreError::Corrupt("memberships"))?;
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    Ok(Some(KeyOwner {
        key_id: row.try_get("key_id")?,
        last_used_at: last_used.map(Timestamp::from_millis),
        user: user_from_row(&row)?,
        membership,
    }))
}

/// Records that the key was used at `now`.
pub async fn touch(conn: &mut AnyConnection, id: &str, now: Timestamp) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(now.as_millis())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

fn key_from_row(row: &AnyRow) -> Result<ApiKey, StoreError> {
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    Ok(ApiKey {
        id: row.try_get("id")?,
        description: row.try_get("description")?,
        prefix: row.try_get("prefix")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        last_used_at: last_used.map(Timestamp::from_millis),
    })
}
