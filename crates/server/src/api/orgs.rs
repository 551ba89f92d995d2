//! `/orgs`, `/org`, `/org/members…`, `/org/audit`: the org and its members.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use roster_domain::{MemberStatus, OrgName, Permission, Role, Timestamp, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::views::{AuditEventView, MemberView, OrgView};
use crate::http::{ActiveMember, ApiError, ApiJson, ClientIp, CurrentUser};
use crate::orgs::{self, membership, Actor};
use crate::AppState;

/// Body of `POST /orgs`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgBody {
    name: String,
}

/// Body of `PATCH /org`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrgBody {
    name: Option<String>,
    approvals_enabled: Option<bool>,
}

/// Body of `PATCH /org/members/{user_id}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    /// `admin`, `member` or `viewer`.
    role: String,
}

/// Query of the members list.
#[derive(Deserialize, IntoParams)]
pub struct MembersQuery {
    /// `pending` or `active`.
    status: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of members.
#[derive(Serialize, ToSchema)]
pub struct MembersPage {
    members: Vec<MemberView>,
    next_cursor: Option<String>,
}

/// Query of the audit log.
#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

/// A page of audit events, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    events: Vec<AuditEventView>,
    next_cursor: Option<String>,
}

/// `{approved: n}`.
#[derive(Serialize, ToSchema)]
pub struct ApprovedCount {
    approved: u64,
}

fn parse_org_name(input: &str) -> Result<OrgName, ApiError> {
    OrgName::parse(input).map_err(|e| ApiError::invalid("name", e.to_string()))
}

fn parse_user_id(input: &str) -> Result<UserId, ApiError> {
    UserId::parse(input).ok_or_else(ApiError::not_found)
}

fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=200) => Ok(n),
        Some(_) => Err(ApiError::invalid(
            "limit",
            "limit must be between 1 and 200.",
        )),
    }
}

/// Creates an org; the caller becomes its admin.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = CreateOrgBody,
    responses((status = 201, body = OrgView), (status = 409, description = "already_in_org or org_name_taken")))]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(signed_in): CurrentUser,
    ApiJson(body): ApiJson<CreateOrgBody>,
) -> Result<Response, ApiError> {
    let name = parse_org_name(&body.name)?;

    let org = orgs::create(&state, &signed_in, name, ip).await?;

    Ok((StatusCode::CREATED, Json(OrgView::from(&org))).into_response())
}

/// The caller's org.
#[utoipa::path(get, path = "/api/v1/org", tag = "orgs", responses((status = 200, body = OrgView), (status = 403)))]
pub async fn get(ActiveMember(_signed_in, membership): ActiveMember) -> Json<OrgView> {
    Json((&membership.org).into())
}

/// Renames the org or turns approvals on or off.
#[utoipa::path(patch, path = "/api/v1/org", tag = "orgs", request_body = UpdateOrgBody,
    responses((status = 200, body = OrgView), (status = 403), (status = 409, description = "org_name_taken")))]
pub async fn update(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    ApiJson(body): ApiJson<UpdateOrgBody>,
) -> Result<Json<OrgView>, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    if body.name.is_none() && body.approvals_enabled.is_none() {
        return Err(ApiError::invalid(
            "name",
            "Nothing to change: give name, approvals_enabled or both.",
        ));
    }
    let name = body.name.as_deref().map(parse_org_name).transpose()?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    let org = orgs::update_settings(&state, &actor, name, body.approvals_enabled).await?;

    Ok(Json((&org).into()))
}

/// Leaves the org (pending members too).
#[utoipa::path(post, path = "/api/v1/org/leave", tag = "orgs",
    responses((status = 204), (status = 403), (status = 409, description = "last_admin")))]
pub async fn leave(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(signed_in): CurrentUser,
) -> Result<StatusCode, ApiError> {
    signed_in.require_session()?;
    let Some(membership) = &signed_in.membership else {
        return Err(ApiError::forbidden("You do not belong to an organization."));
    };
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    orgs::leave(&state, &actor).await?;

    Ok(StatusCode::NO_CONTENT)
}

/// The org's members, in join order, a page at a time.
#[utoipa::path(get, path = "/api/v1/org/members", tag = "members", params(MembersQuery),
    responses((status = 200, body = MembersPage), (status = 403, description = "approval_pending")))]
pub async fn members(
    State(state): State<AppState>,
    ActiveMember(_signed_in, membership): ActiveMember,
    Query(query): Query<MembersQuery>,
) -> Result<Json<MembersPage>, ApiError> {
    let status = match query.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            MemberStatus::parse(s)
                .ok_or_else(|| ApiError::invalid("status", "status is pending or active."))?,
        ),
    };
    let limit = page_limit(query.limit)?;
    let after = query
        .cursor
        .as_deref()
        .map(parse_member_cursor)
        .transpose()?;

    let page = membership::list(&state, membership.org.id, status, after, limit).await?;

    let next_cursor = (page.len() == limit as usize)
        .then(|| {
            page.last()
                .map(|m| format!("{}.{}", m.joined_at.as_millis(), m.user.id))
        })
        .flatten();
    Ok(Json(MembersPage {
        members: page.iter().map(MemberView::from).collect(),
        next_cursor,
    }))
}

fn parse_member_cursor(cursor: &str) -> Result<(Timestamp, UserId), ApiError> {
    let bad = || ApiError::invalid("cursor", "The cursor is not one this server gave out.");
    let (at, id) = cursor.split_once('.').ok_or_else(bad)?;
    let at: i64 = at.parse().map_err(|_| bad())?;
    Ok((
        Timestamp::from_millis(at),
        UserId::parse(id).ok_or_else(bad)?,
    ))
}

/// Approves a pending member.
#[utoipa::path(post, path = "/api/v1/org/members/{user_id}/approve", tag = "members",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn approve(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    Path(user_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let target = parse_user_id(&user_id)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    membership::approve(&state, &actor, target).await?;

    Ok(StatusCode::NO_CONTENT)
}

/// Rejects a pending member (their pending membership is deleted).
#[utoipa::path(post, path = "/api/v1/org/members/{user_id}/reject", tag = "members",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn reject(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    Path(user_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let target = parse_user_id(&user_id)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    membership::reject(&state, &actor, target).await?;

    Ok(StatusCode::NO_CONTENT)
}

/// Approves every pending member.
#[utoipa::path(post, path = "/api/v1/org/members/approve-all", tag = "members",
    responses((status = 200, body = ApprovedCount), (status = 403)))]
pub async fn approve_all(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
) -> Result<Json<ApprovedCount>, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    let approved = membership::approve_all(&state, &actor).await?;

    Ok(Json(ApprovedCount { approved }))
}

/// Changes a member's role.
#[utoipa::path(patch, path = "/api/v1/org/members/{user_id}", tag = "members", request_body = RoleBody,
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "last_admin")))]
pub async fn set_role(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<RoleBody>,
) -> Result<StatusCode, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let target = parse_user_id(&user_id)?;
    let role = Role::parse(&body.role)
        .ok_or_else(|| ApiError::invalid("role", "role is admin, member or viewer."))?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    membership::set_role(&state, &actor, target, role).await?;

    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member: membership, sessions and API keys go at once.
#[utoipa::path(delete, path = "/api/v1/org/members/{user_id}", tag = "members",
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "last_admin")))]
pub async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ActiveMember(signed_in, membership): ActiveMember,
    Path(user_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let target = parse_user_id(&user_id)?;
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    membership::remove(&state, &actor, target).await?;

    Ok(StatusCode::NO_CONTENT)
}

/// The org's audit log, newest first.
#[utoipa::path(get, path = "/api/v1/org/audit", tag = "orgs", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 403)))]
pub async fn audit(
    State(state): State<AppState>,
    ActiveMember(signed_in, membership): ActiveMember,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    signed_in.require(Permission::OrgAdmin)?;
    let limit = page_limit(query.limit)?;
    if query
        .cursor
        .as_deref()
        .is_some_and(|c| uuid::Uuid::parse_str(c).is_err())
    {
        return Err(ApiError::invalid(
            "cursor",
            "The cursor is not one this server gave out.",
        ));
    }

    let events =
        orgs::audit_page(&state, membership.org.id, query.cursor.as_deref(), limit).await?;

    let next_cursor = (events.len() == limit as usize)
        .then(|| events.last().map(|e| e.id.clone()))
        .flatten();
    Ok(Json(AuditPage {
        events: events.iter().map(AuditEventView::from).collect(),
        next_cursor,
    }))
}
