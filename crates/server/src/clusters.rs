//! Deploy keys and clusters: what `cluster:deploy` holders manage, and what a new
//! cluster does to register itself with a deploy key.

use roster_domain::{OrgId, Permission};
use roster_store::clusters::{self, Cluster};
use roster_store::deploy_keys::{self, DeployKey};
use roster_store::{audit, StoreError};
use serde_json::json;
use uuid::Uuid;

use crate::http::ApiError;
use crate::keys::NewKey;
use crate::orgs::{begin_as, Actor};
use crate::AppState;

/// Prefix of every deploy key.
pub const DEPLOY_KEY_PREFIX: &str = "rdk_";

/// A cluster name: 1–64 characters of ASCII letters, digits, `.`, `-` and `_`.
pub fn parse_cluster_name(input: &str) -> Result<String, ApiError> {
    let name = input.trim();
    let valid = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !valid {
        return Err(ApiError::invalid(
            "name",
            "A cluster name has 1 to 64 characters: letters, digits, ., - and _.",
        ));
    }
    Ok(name.to_owned())
}

/// Makes a deploy key for the actor's org; the full key is returned once.
pub async fn create_deploy_key(
    state: &AppState,
    actor: &Actor,
    description: String,
) -> Result<(DeployKey, String), ApiError> {
    let now = state.clock().now();
    let key = NewKey::generate(DEPLOY_KEY_PREFIX);

    let mut tx = begin_as(state, actor, Permission::ClusterDeploy).await?;
    deploy_keys::insert(
        tx.conn(),
        &key.id,
        actor.org_id,
        actor.user.id,
        &description,
        &key.prefix,
        &key.secret.hash(),
        now,
    )
    .await?;
    let detail = json!({"deploy_key_id": key.id, "prefix": key.prefix});
    audit::record(
        tx.conn(),
        &actor.event("deploy_key.created", now, None, Some(detail)),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, deploy_key_id = %key.id, "deploy key created");
    let listed = DeployKey {
        id: key.id,
        description,
        prefix: key.prefix,
        created_by: actor.user.id.to_string(),
        created_at: now,
        last_used_at: None,
    };
    Ok((listed, key.full))
}

/// The org's live deploy keys.
pub async fn list_deploy_keys(state: &AppState, org: OrgId) -> Result<Vec<DeployKey>, ApiError> {
    let mut conn = state.store().conn().await?;
    Ok(deploy_keys::list(&mut conn, org).await?)
}

/// Revokes one of the org's deploy keys.
pub async fn delete_deploy_key(state: &AppState, actor: &Actor, id: &str) -> Result<(), ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as(state, actor, Permission::ClusterDeploy).await?;
    if !deploy_keys::revoke(tx.conn(), actor.org_id, id, now).await? {
        return Err(ApiError::not_found());
    }
    audit::record(
        tx.conn(),
        &actor.event(
            "deploy_key.deleted",
            now,
            None,
            Some(json!({"deploy_key_id": id})),
        ),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, deploy_key_id = %id, "deploy key deleted");
    Ok(())
}

/// Registers a cluster with a deploy key; 401 for an unknown or revoked key.
pub async fn register(
    state: &AppState,
    presented: &roster_domain::Secret,
    name: String,
) -> Result<Cluster, ApiError> {
    let now = state.clock().now();

    let mut tx = state.store().begin().await?;
    let (key_id, org_id) = deploy_keys::use_key(tx.conn(), &presented.hash(), now)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let cluster = Cluster {
        id: Uuid::now_v7().to_string(),
        org_id,
        name,
        registered_at: now,
    };
    clusters::insert(tx.conn(), &cluster, &key_id)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate => ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "cluster_name_taken",
                "The organization has a cluster of this name already.",
            ),
            other => other.into(),
        })?;
    let mut event = audit::AuditEvent::new(org_id, now, "cluster.registered");
    event.detail = Some(
        json!({"cluster_id": cluster.id, "name": cluster.name, "deploy_key_id": key_id})
            .to_string(),
    );
    audit::record(tx.conn(), &event).await?;
    tx.commit().await?;

    tracing::info!(org_id = %org_id, cluster_id = %cluster.id, "cluster registered");
    Ok(cluster)
}

/// The org's clusters.
pub async fn list(state: &AppState, org: OrgId) -> Result<Vec<Cluster>, ApiError> {
    let mut conn = state.store().conn().await?;
    Ok(clusters::list(&mut conn, org).await?)
}

/// Deletes one of the org's clusters.
pub async fn delete(state: &AppState, actor: &Actor, id: &str) -> Result<(), ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as(state, actor, Permission::ClusterDeploy).await?;
    if !clusters::delete(tx.conn(), actor.org_id, id).await? {
        return Err(ApiError::not_found());
    }
    audit::record(
        tx.conn(),
        &actor.event(
            "cluster.deleted",
            now,
            None,
            Some(json!({"cluster_id": id})),
        ),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, cluster_id = %id, "cluster deleted");
    Ok(())
}

/// The org a cluster belongs to, remembered under the change epoch like identities.
pub async fn org_of(state: &AppState, id: &str) -> Result<Option<OrgId>, ApiError> {
    let epoch = state.store().changes().current();
    if let Some((at, org)) = state.cluster_orgs().get(id) {
        if Some(at) == epoch {
            return Ok(org);
        }
    }
    let org = {
        let mut conn = state.store().conn().await?;
        clusters::org_of(&mut conn, id).await?
    };
    if let Some(epoch) = epoch {
        state.cluster_orgs().insert(id.to_owned(), (epoch, org));
    }
    Ok(org)
}
