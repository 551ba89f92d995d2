//! The deploy keys aggregate: per-org keys that let a new cluster register itself.
//! Made by holders of `cluster:deploy`, stored as hashes, revoked with their
//! creator's membership.

use roster_domain::{OrgId, SecretHash, Timestamp, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A deploy key as listed (never with its secret).
#[derive(Debug, Clone)]
pub struct DeployKey {
    /// Id, for deleting.
    pub id: String,
    /// What it is for.
    pub description: String,
    /// The first characters of the key.
    pub prefix: String,
    /// Who made it (user id).
    pub created_by: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When a cluster last registered with it.
    pub last_used_at: Option<Timestamp>,
}

/// Stores a new key.
#[expect(
    clippy::too_many_arguments,
    reason = "one column per argument reads clearer than a one-off struct"
)]
pub async fn insert(
    conn: &mut AnyConnection,
    id: &str,
    org: OrgId,
    created_by: UserId,
    description: &str,
    prefix: &str,
    hash: &SecretHash,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO deploy_keys (id, org_id, created_by, description, prefix, key_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(org.to_string())
    .bind(created_by.to_string())
    .bind(description)
    .bind(prefix)
    .bind(hash.as_str())
    .bind(now.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// The org's live deploy keys, newest first.
pub async fn list(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<DeployKey>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, description, prefix, created_by, created_at, last_used_at FROM deploy_keys \
         WHERE org_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
    )
    .bind(org.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(key_from_row).collect()
}

/// Revokes one key of `org`; `false` when there was no such live key.
pub async fn revoke(
    conn: &mut AnyConnection,
    org: OrgId,
    id: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE deploy_keys SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL")
        .bind(now.as_millis())
        .bind(org.to_string())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every key `user` made; returns how many were live.
pub async fn revoke_all_by_creator(
    conn: &mut AnyConnection,
    user: UserId,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE deploy_keys SET revoked_at = $1 WHERE created_by = $2 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(user.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The org and id of the live key with this hash, marking it used at `now`.
pub async fn use_key(
    conn: &mut AnyConnection,
    hash: &SecretHash,
    now: Timestamp,
) -> Result<Option<(String, OrgId)>, StoreError> {
    let row = sqlx::query(
        "SELECT id, org_id FROM deploy_keys WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let id: String = row.try_get("id")?;
    let org: String = row.try_get("org_id")?;
    sqlx::query("UPDATE deploy_keys SET last_used_at = $1 WHERE id = $2")
        .bind(now.as_millis())
        .bind(&id)
        .execute(conn)
        .await?;
    Ok(Some((
        id,
        OrgId::parse(&org).ok_or(StoreError::Corrupt("deploy_keys.org_id"))?,
    )))
}

fn key_from_row(row: &AnyRow) -> Result<DeployKey, StoreError> {
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    Ok(DeployKey {
        id: row.try_get("id")?,
        description: row.try_get("description")?,
        prefix: row.try_get("prefix")?,
        created_by: row.try_get("created_by")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        last_used_at: last_used.map(Timestamp::from_millis),
    })
}
