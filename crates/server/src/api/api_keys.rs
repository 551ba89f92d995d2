//! `/api-keys`: the caller's own API keys.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use roster_domain::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::views::ApiKeyView;
use crate::http::{ActiveMember, ApiError, ApiJson, ClientIp};
use crate::keys;
use crate::orgs::Actor;
use crate::AppState;

/// Body of `POST /api-keys`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyBody {
    description: String,
}

/// A new key; `key` is shown only here.
#[derive(Serialize, ToSchema)]
pub struct CreatedKey {
    id: String,
    key: String,
    prefix: String,
    created_at: String,
}

/// The caller's live keys.
#[derive(Serialize, ToSchema)]
pub struct KeyList {
    api_keys: Vec<ApiKeyView>,
}

/// Makes an API key for the caller.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api keys", request_body = CreateKeyBody,
    responses((status = 201, body = CreatedKey), (status = 403, description = "approval_pending")))]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    ApiJson(body): ApiJson<CreateKeyBody>,
) -> Result<Response, ApiError> {
    signed_in.require(Permission::OwnApiKeys)?;
    signed_in.require_session()?;
    let description = keys::parse_description(&body.description)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    let (created, key) = keys::create(&state, &actor, description).await?;

    let body = CreatedKey {
        id: created.id,
        key,
        prefix: created.prefix,
        created_at: created.created_at.to_rfc3339(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The caller's keys (never the secrets).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api keys", responses((status = 200, body = KeyList)))]
pub async fn list(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
) -> Result<Json<KeyList>, ApiError> {
    signed_in.require(Permission::OwnApiKeys)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    let list = keys::list(&state, &actor).await?;

    Ok(Json(KeyList {
        api_keys: list.iter().map(ApiKeyView::from).collect(),
    }))
}

/// Deletes one of the caller's keys.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api keys", responses((status = 204), (status = 404)))]
pub async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    signed_in.require(Permission::OwnApiKeys)?;
    signed_in.require_session()?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    keys::delete(&state, &actor, &id).await?;

    Ok(StatusCode::NO_CONTENT)
}
