//! `/org/invite-links…` (admins) and `/invites/{token}` (anyone).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use roster_domain::{InviteTerms, Permission};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::views::{InviteLinkView, MeView};
use crate::http::{ActiveMember, ApiError, ApiJson, ClientIp, CurrentUser};
use crate::orgs::{invites, Actor};
use crate::AppState;

/// Body of `POST /org/invite-links`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CreateLinkBody {
    /// 1–30, default 7.
    expires_in_days: Option<u32>,
    /// Optional use limit.
    max_uses: Option<u32>,
}

/// A new link, with its token (shown only here).
#[derive(Serialize, ToSchema)]
pub struct CreatedLink {
    id: String,
    url: String,
    token: String,
    expires_at: String,
}

/// The org's working links.
#[derive(Serialize, ToSchema)]
pub struct LinkList {
    invite_links: Vec<InviteLinkView>,
}

/// `{revoked: n}`.
#[derive(Serialize, ToSchema)]
pub struct RevokedCount {
    revoked: u64,
}

/// What the invite page shows about a link.
#[derive(Serialize, ToSchema)]
pub struct InviteInfo {
    org: InviteOrg,
    expires_at: String,
}

/// The invited org.
#[derive(Serialize, ToSchema)]
pub struct InviteOrg {
    name: String,
    workspace_domain: Option<String>,
}

/// Makes an invite link.
#[utoipa::path(post, path = "/api/v1/org/invite-links", tag = "invite links", request_body = CreateLinkBody,
    responses((status = 201, body = CreatedLink), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    body: Option<ApiJson<CreateLinkBody>>,
) -> Result<Response, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let body = body.map(|ApiJson(b)| b).unwrap_or_default();
    let terms = InviteTerms::new(body.expires_in_days, body.max_uses).map_err(|e| {
        let field = match e {
            roster_domain::InviteTermsError::Days => "expires_in_days",
            roster_domain::InviteTermsError::MaxUses => "max_uses",
        };
        ApiError::invalid(field, e.to_string())
    })?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    let (link, token) = invites::create(&state, &actor, terms).await?;

    let body = CreatedLink {
        id: link.id,
        url: format!("{}/invite/{}", state.config().base_url(), token.expose()),
        token: token.expose().to_owned(),
        expires_at: link.expires_at.to_rfc3339(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The org's working invite links (never their tokens).
#[utoipa::path(get, path = "/api/v1/org/invite-links", tag = "invite links",
    responses((status = 200, body = LinkList), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
) -> Result<Json<LinkList>, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    let links = invites::list(&state, &actor).await?;

    Ok(Json(LinkList {
        invite_links: links.iter().map(InviteLinkView::from).collect(),
    }))
}

/// Revokes one invite link.
#[utoipa::path(delete, path = "/api/v1/org/invite-links/{id}", tag = "invite links",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    invites::revoke(&state, &actor, &id).await?;

    Ok(StatusCode::NO_CONTENT)
}

/// Revokes every invite link of the org at once.
#[utoipa::path(post, path = "/api/v1/org/invite-links/reset", tag = "invite links",
    responses((status = 200, body = RevokedCount), (status = 403)))]
pub async fn reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
) -> Result<Json<RevokedCount>, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    let revoked = invites::reset(&state, &actor).await?;

    Ok(Json(RevokedCount { revoked }))
}

/// What an invite link leads to. Changes nothing; rate limited per address.
#[utoipa::path(get, path = "/api/v1/invites/{token}", tag = "invite links",
    responses((status = 200, body = InviteInfo), (status = 404, description = "invite_invalid"), (status = 429)))]
pub async fn lookup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<Json<InviteInfo>, ApiError> {
    state.limit_auth_attempt(ip)?;

    let (link, org) = invites::lookup(&state, &token).await?;

    Ok(Json(InviteInfo {
        org: InviteOrg {
            name: org.name.as_str().to_owned(),
            workspace_domain: org.workspace_domain,
        },
        expires_at: link.expires_at.to_rfc3339(),
    }))
}

/// Joins the link's org (active, or pending when approvals are on).
#[utoipa::path(post, path = "/api/v1/invites/{token}/accept", tag = "invite links",
    responses((status = 200, body = MeView), (status = 404, description = "invite_invalid"),
              (status = 409, description = "already_in_org")))]
pub async fn accept(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(signed_in): CurrentUser,
    Path(token): Path<String>,
) -> Result<Json<MeView>, ApiError> {
    state.limit_auth_attempt(ip)?;

    invites::accept(
        &state,
        &signed_in.user,
        signed_in.membership.as_ref().map(|m| m.status),
        &token,
        ip,
    )
    .await?;

    let membership = {
        let mut conn = state.store().conn().await?;
        roster_store::members::of_user(&mut conn, signed_in.user.id).await?
    };
    Ok(Json(MeView::new(&signed_in.user, membership.as_ref())))
}
