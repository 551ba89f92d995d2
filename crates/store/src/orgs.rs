//! The orgs aggregate: organizations and their settings.

use roster_domain::{Org, OrgId, OrgName, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreError;

const COLUMNS: &str = "o.id AS org_id, o.name AS org_name, o.workspace_domain, \
                       o.approvals_enabled, o.created_at AS org_created_at";

/// Inserts a new org. [`StoreError::Duplicate`] when the name or domain is taken.
pub async fn insert(conn: &mut AnyConnection, org: &Org) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO orgs (id, name, name_key, workspace_domain, approvals_enabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org.id.to_string())
    .bind(org.name.as_str())
    .bind(org.name.unique_key())
    .bind(org.workspace_domain.as_deref())
    .bind(i64::from(org.approvals_enabled))
    .bind(org.created_at.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// The org with this id.
pub async fn find(conn: &mut AnyConnection, id: OrgId) -> Result<Option<Org>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM orgs o WHERE o.id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|row| org_from_row(&row)).transpose()
}

/// The org with this Workspace domain, if any.
pub async fn find_by_domain(
    conn: &mut AnyConnection,
    domain: &str,
) -> Result<Option<Org>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM orgs o WHERE o.workspace_domain = $1"
    ))
    .bind(domain)
    .fetch_optional(conn)
    .await?;
    row.map(|row| org_from_row(&row)).transpose()
}

/// Takes the org's row lock for the rest of the transaction, so that changes to its
/// members happen one after the other. `false` when the org no longer exists.
pub async fn lock(conn: &mut AnyConnection, id: OrgId) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE orgs SET lock_version = lock_version + 1 WHERE id = $1")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Renames the org. [`StoreError::Duplicate`] when the name is taken.
pub async fn rename(conn: &mut AnyConnection, id: OrgId, name: &OrgName) -> Result<(), StoreError> {
    sqlx::query("UPDATE orgs SET name = $1, name_key = $2 WHERE id = $3")
        .bind(name.as_str())
        .bind(name.unique_key())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Turns approvals on or off.
pub async fn set_approvals(
    conn: &mut AnyConnection,
    id: OrgId,
    enabled: bool,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE orgs SET approvals_enabled = $1 WHERE id = $2")
        .bind(i64::from(enabled))
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the org with everything that belongs to it, except its audit log, which
/// outlives the org.
pub async fn delete(conn: &mut AnyConnection, id: OrgId) -> Result<(), StoreError> {
    for table in [
        "clusters",
        "deploy_keys",
        "api_keys",
        "removals",
        "invite_links",
        "memberships",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE org_id = $1"))
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM orgs WHERE id = $1")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Reads the org columns selected as in [`COLUMNS`].
pub(crate) fn org_from_row(row: &AnyRow) -> Result<Org, StoreError> {
    let id: String = row.try_get("org_id")?;
    let approvals: i64 = row.try_get("approvals_enabled")?;
    Ok(Org {
        id: OrgId::parse(&id).ok_or(StoreError::Corrupt("orgs.id"))?,
        name: OrgName::from_trusted(row.try_get("org_name")?),
        workspace_domain: row.try_get("workspace_domain")?,
        approvals_enabled: approvals != 0,
        created_at: Timestamp::from_millis(row.try_get("org_created_at")?),
    })
}

/// The `SELECT` list for an org joined as `o`.
pub(crate) const fn columns() -> &'static str {
    COLUMNS
}
