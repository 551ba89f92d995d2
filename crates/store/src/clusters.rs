//! The clusters aggregate: clusters registered by deploy keys, one org each.

use roster_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A registered cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Stable id.
    pub id: String,
    /// The org it belongs to.
    pub org_id: OrgId,
    /// Its name, unique within the org.
    pub name: String,
    /// When it registered.
    pub registered_at: Timestamp,
}

/// Registers a cluster. [`StoreError::Duplicate`] when the org has one of that name.
pub async fn insert(
    conn: &mut AnyConnection,
    cluster: &Cluster,
    deploy_key_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO clusters (id, org_id, name, deploy_key_id, registered_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&cluster.id)
        .bind(cluster.org_id.to_string())
        .bind(&cluster.name)
        .bind(deploy_key_id)
        .bind(cluster.registered_at.as_millis())
        .execute(conn)
        .await?;
    Ok(())
}

/// The org a cluster belongs to, if it exists.
pub async fn org_of(conn: &mut AnyConnection, id: &str) -> Result<Option<OrgId>, StoreError> {
    let org: Option<String> = sqlx::query_scalar("SELECT org_id FROM clusters WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    org.map(|o| OrgId::parse(&o).ok_or(StoreError::Corrupt("clusters.org_id")))
        .transpose()
}

/// The org's clusters by name.
pub async fn list(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<Cluster>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, org_id, name, registered_at FROM clusters WHERE org_id = $1 ORDER BY name, id",
    )
    .bind(org.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(cluster_from_row).collect()
}

/// Deletes one cluster of `org`; `false` when there was none.
pub async fn delete(conn: &mut AnyConnection, org: OrgId, id: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM clusters WHERE org_id = $1 AND id = $2")
        .bind(org.to_string())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

fn cluster_from_row(row: &AnyRow) -> Result<Cluster, StoreError> {
    let org: String = row.try_get("org_id")?;
    Ok(Cluster {
        id: row.try_get("id")?,
        org_id: OrgId::parse(&org).ok_or(StoreError::Corrupt("clusters.org_id"))?,
        name: row.try_get("name")?,
        registered_at: Timestamp::from_millis(row.try_get("registered_at")?),
    })
}
