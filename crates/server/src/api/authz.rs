//! `GET /authz/check`: the question services in front of the real resources ask on
//! every request (nginx `auth_request`, Traefik and Envoy forward-auth).
//!
//! This is the hottest path of the service. It resolves the caller through the
//! identity cache (see `http::auth`), so a warm check costs no database round trip,
//! while any committed change still takes effect at the next check.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use roster_domain::Permission;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::clusters;
use crate::http::{authenticate, ApiError};
use crate::AppState;

/// Query of the check.
#[derive(Deserialize, IntoParams)]
pub struct CheckQuery {
    /// `view:read`, `cluster:query`, `cluster:deploy` or `org:admin`.
    permission: Option<String>,
    /// A cluster id: the check also requires it to belong to the caller's org.
    cluster: Option<String>,
}

/// 204 with `X-Roster-User-Id`, `X-Roster-Org-Id`, `X-Roster-Role`, `X-Roster-Email`
/// when the caller holds the permission; 401, 403, or 404 for a cluster of another org.
#[utoipa::path(get, path = "/api/v1/authz/check", tag = "authorization", params(CheckQuery),
    responses((status = 204, description = "allowed"), (status = 401), (status = 403),
              (status = 404, description = "no such cluster in the caller's org")))]
pub async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<CheckQuery>,
) -> Result<Response, ApiError> {
    let signed_in = authenticate(&state, &headers)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let permission = query
        .permission
        .as_deref()
        .and_then(Permission::parse)
        .ok_or_else(|| {
            ApiError::invalid(
                "permission",
                "permission is view:read, cluster:query, cluster:deploy or org:admin.",
            )
        })?;

    let membership = signed_in.require(permission)?;
    // An empty `cluster=` (a proxy passing an absent argument) means no cluster.
    if let Some(cluster) = query.cluster.as_deref().filter(|c| !c.is_empty()) {
        if clusters::org_of(&state, cluster).await? != Some(membership.org.id) {
            return Err(ApiError::not_found());
        }
    }

    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    let values = [
        ("x-roster-user-id", signed_in.user.id.to_string()),
        ("x-roster-org-id", membership.org.id.to_string()),
        ("x-roster-role", membership.role.as_str().to_owned()),
        ("x-roster-email", signed_in.user.email.to_string()),
    ];
    for (name, value) in values {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    Ok(response)
}
