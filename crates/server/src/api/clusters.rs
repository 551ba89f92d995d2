//! `/deploy-keys` and `/clusters`: what `cluster:deploy` holders manage, and the
//! registration a new cluster makes with a deploy key.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use roster_domain::{Permission, Secret};
use roster_store::clusters::Cluster;
use roster_store::deploy_keys::DeployKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clusters::{self, DEPLOY_KEY_PREFIX};
use crate::http::{ActiveMember, ApiError, ApiJson, ClientIp};
use crate::keys;
use crate::orgs::Actor;
use crate::AppState;

/// Body of `POST /deploy-keys`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDeployKeyBody {
    description: String,
}

/// A new deploy key; `key` is shown only here.
#[derive(Serialize, ToSchema)]
pub struct CreatedDeployKey {
    id: String,
    key: String,
    prefix: String,
    created_at: String,
}

/// A deploy key as listed.
#[derive(Serialize, ToSchema)]
pub struct DeployKeyView {
    id: String,
    description: String,
    prefix: String,
    created_by: String,
    created_at: String,
    last_used_at: Option<String>,
}

impl From<&DeployKey> for DeployKeyView {
    fn from(k: &DeployKey) -> Self {
        Self {
            id: k.id.clone(),
            description: k.description.clone(),
            prefix: k.prefix.clone(),
            created_by: k.created_by.clone(),
            created_at: k.created_at.to_rfc3339(),
            last_used_at: k.last_used_at.map(|t| t.to_rfc3339()),
        }
    }
}

/// The org's live deploy keys.
#[derive(Serialize, ToSchema)]
pub struct DeployKeyList {
    deploy_keys: Vec<DeployKeyView>,
}

/// Body of `POST /clusters/register`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    name: String,
}

/// A registered cluster.
#[derive(Serialize, ToSchema)]
pub struct ClusterView {
    id: String,
    name: String,
    org_id: String,
    registered_at: String,
}

impl From<&Cluster> for ClusterView {
    fn from(c: &Cluster) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            org_id: c.org_id.to_string(),
            registered_at: c.registered_at.to_rfc3339(),
        }
    }
}

/// The org's clusters.
#[derive(Serialize, ToSchema)]
pub struct ClusterList {
    clusters: Vec<ClusterView>,
}

/// Makes a deploy key for the org.
#[utoipa::path(post, path = "/api/v1/deploy-keys", tag = "clusters", request_body = CreateDeployKeyBody,
    responses((status = 201, body = CreatedDeployKey), (status = 403)))]
pub async fn create_deploy_key(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    ApiJson(body): ApiJson<CreateDeployKeyBody>,
) -> Result<Response, ApiError> {
    signed_in.require(Permission::ClusterDeploy)?;
    signed_in.require_session()?;
    let description = keys::parse_description(&body.description)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    let (created, key) = clusters::create_deploy_key(&state, &actor, description).await?;

    let body = CreatedDeployKey {
        id: created.id,
        key,
        prefix: created.prefix,
        created_at: created.created_at.to_rfc3339(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The org's deploy keys (never the secrets).
#[utoipa::path(get, path = "/api/v1/deploy-keys", tag = "clusters",
    responses((status = 200, body = DeployKeyList), (status = 403)))]
pub async fn list_deploy_keys(
    State(state): State<AppState>,
    ActiveMember(signed_in, membership): ActiveMember,
) -> Result<Json<DeployKeyList>, ApiError> {
    signed_in.require(Permission::ClusterDeploy)?;

    let list = clusters::list_deploy_keys(&state, membership.org.id).await?;

    Ok(Json(DeployKeyList {
        deploy_keys: list.iter().map(DeployKeyView::from).collect(),
    }))
}

/// Revokes a deploy key of the org.
#[utoipa::path(delete, path = "/api/v1/deploy-keys/{id}", tag = "clusters",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_deploy_key(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    signed_in.require(Permission::ClusterDeploy)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    clusters::delete_deploy_key(&state, &actor, &id).await?;

    Ok(StatusCode::NO_CONTENT)
}

/// Registers a cluster; authenticated by `Authorization: Bearer rdk_…`.
#[utoipa::path(post, path = "/api/v1/clusters/register", tag = "clusters", request_body = RegisterBody,
    responses((status = 201, body = ClusterView), (status = 401), (status = 409, description = "cluster_name_taken")))]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<Response, ApiError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|v| v.strip_prefix(DEPLOY_KEY_PREFIX))
        .and_then(Secret::from_presented)
        .ok_or_else(ApiError::unauthenticated)?;
    let name = clusters::parse_cluster_name(&body.name)?;

    let cluster = clusters::register(&state, &presented, name).await?;

    Ok((StatusCode::CREATED, Json(ClusterView::from(&cluster))).into_response())
}

/// The org's clusters.
#[utoipa::path(get, path = "/api/v1/clusters", tag = "clusters",
    responses((status = 200, body = ClusterList), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    ActiveMember(_signed_in, membership): ActiveMember,
) -> Result<Json<ClusterList>, ApiError> {
    let list = clusters::list(&state, membership.org.id).await?;

    Ok(Json(ClusterList {
        clusters: list.iter().map(ClusterView::from).collect(),
    }))
}

/// Deletes a cluster of the org.
#[utoipa::path(delete, path = "/api/v1/clusters/{id}", tag = "clusters",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    signed_in.require(Permission::ClusterDeploy)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    clusters::delete(&state, &actor, &id).await?;

    Ok(StatusCode::NO_CONTENT)
}
