//! The invite links aggregate. Tokens are stored only as hashes; a link is usable
//! while unrevoked, unexpired and under its use limit, and that is checked by the
//! same SQL condition when the link is looked up and when a use is counted.

use roster_domain::{Org, OrgId, SecretHash, Timestamp, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::orgs::{columns as org_columns, org_from_row};
use crate::StoreError;

/// An invite link as stored (without its token).
#[derive(Debug, Clone)]
pub struct InviteLink {
    /// Id, for listing and revoking.
    pub id: String,
    /// The org it admits to.
    pub org_id: OrgId,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Use limit, if any.
    pub max_uses: Option<i64>,
    /// Joins so far.
    pub uses: i64,
}

const USABLE: &str =
    "l.revoked_at IS NULL AND l.expires_at > $2 AND (l.max_uses IS NULL OR l.uses < l.max_uses)";

/// Stores a new link and returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    org: OrgId,
    token: &SecretHash,
    created_by: UserId,
    created_at: Timestamp,
    expires_at: Timestamp,
    max_uses: Option<u32>,
) -> Result<InviteLink, StoreError> {
    let id = Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO invite_links (id, org_id, token_hash, created_by, created_at, expires_at, max_uses) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(org.to_string())
    .bind(token.as_str())
    .bind(created_by.to_string())
    .bind(created_at.as_millis())
    .bind(expires_at.as_millis())
    .bind(max_uses.map(i64::from))
    .execute(conn)
    .await?;
    Ok(InviteLink {
        id,
        org_id: org,
        created_at,
        expires_at,
        max_uses: max_uses.map(i64::from),
        uses: 0,
    })
}

/// The usable link with this token hash, and its org.
pub async fn find_usable(
    conn: &mut AnyConnection,
    token: &SecretHash,
    now: Timestamp,
) -> Result<Option<(InviteLink, Org)>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT l.id, l.org_id AS link_org_id, l.created_at, l.expires_at, l.max_uses, l.uses, {} \
         FROM invite_links l JOIN orgs o ON o.id = l.org_id \
         WHERE l.token_hash = $1 AND {USABLE}",
        org_columns()
    ))
    .bind(token.as_str())
    .bind(now.as_millis())
    .fetch_optional(conn)
    .await?;
    row.map(|row| Ok((link_from_row(&row)?, org_from_row(&row)?)))
        .transpose()
}

/// Counts one use, if the link is still usable at `now`; `false` otherwise.
pub async fn consume(
    conn: &mut AnyConnection,
    id: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let done = sqlx::query(&format!(
        "UPDATE invite_links SET uses = uses + 1 WHERE id = $1 AND id IN \
         (SELECT l.id FROM invite_links l WHERE l.id = $1 AND {USABLE})"
    ))
    .bind(id)
    .bind(now.as_millis())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The usable links of `org`, newest first.
pub async fn list_usable(
    conn: &mut AnyConnection,
    org: OrgId,
    now: Timestamp,
) -> Result<Vec<InviteLink>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT l.id, l.org_id AS link_org_id, l.created_at, l.expires_at, l.max_uses, l.uses \
         FROM invite_links l WHERE l.org_id = $1 AND {USABLE} ORDER BY l.created_at DESC, l.id DESC"
    ))
    .bind(org.to_string())
    .bind(now.as_millis())
    .fetch_all(conn)
    .await?;
    rows.iter().map(link_from_row).collect()
}

/// Revokes one link of `org`; `false` when there was no such unrevoked link.
pub async fn revoke(
    conn: &mut AnyConnection,
    org: OrgId,
    id: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE invite_links SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(org.to_string())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every link of `org` that still works; returns how many.
pub async fn revoke_all(
    conn: &mut AnyConnection,
    org: OrgId,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let done = sqlx::query(&format!(
        "UPDATE invite_links SET revoked_at = $2 WHERE org_id = $1 AND id IN \
         (SELECT l.id FROM invite_links l WHERE l.org_id = $1 AND {USABLE})"
    ))
    .bind(org.to_string())
    .bind(now.as_millis())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

fn link_from_row(row: &AnyRow) -> Result<InviteLink, StoreError> {
    let org: String = row.try_get("link_org_id")?;
    Ok(InviteLink {
        id: row.try_get("id")?,
        org_id: OrgId::parse(&org).ok_or(StoreError::Corrupt("invite_links.org_id"))?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        expires_at: Timestamp::from_millis(row.try_get("expires_at")?),
        max_uses: row.try_get("max_uses")?,
        uses: row.try_get("uses")?,
    })
}
