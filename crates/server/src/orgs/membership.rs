//! What admins do to members: approve, reject, approve all, change roles, remove.
//! Each runs in one transaction under the org's lock (see the parent module).

use roster_domain::{MemberStatus, OrgId, Role, Timestamp, UserId};
use roster_store::members::{self, Departure, Member};
use roster_store::{api_keys, audit, deploy_keys, sessions};
use serde_json::json;

use super::{begin_as_admin, guard_last_admin, Actor};
use crate::http::ApiError;
use crate::AppState;

/// A page of members after `cursor`, in join order.
pub async fn list(
    state: &AppState,
    org: OrgId,
    status: Option<MemberStatus>,
    after: Option<(Timestamp, UserId)>,
    limit: u32,
) -> Result<Vec<Member>, ApiError> {
    let mut conn = state.store().conn().await?;
    Ok(members::list(&mut conn, org, status, after, limit).await?)
}

/// Lets a pending member in.
pub async fn approve(state: &AppState, actor: &Actor, target: UserId) -> Result<(), ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as_admin(state, actor).await?;
    let member = members::find(tx.conn(), actor.org_id, target)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !members::approve(tx.conn(), actor.org_id, target).await? {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "not_pending",
            "This member is not waiting for approval.",
        ));
    }
    audit::record(
        tx.conn(),
        &actor.event("member.approved", now, Some(&member.user), None),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, target = %target, "member approved");
    Ok(())
}

/// Turns a pending member away: the pending membership is deleted, and the rejection
/// is remembered like a removal (older links refuse them; they come back pending).
pub async fn reject(state: &AppState, actor: &Actor, target: UserId) -> Result<(), ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as_admin(state, actor).await?;
    let member = members::find(tx.conn(), actor.org_id, target)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if member.status != MemberStatus::Pending {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "not_pending",
            "This member is not waiting for approval. Use Remove instead.",
        ));
    }
    members::delete(tx.conn(), actor.org_id, target).await?;
    api_keys::revoke_all_of_user(tx.conn(), target, now).await?;
    members::record_removal(
        tx.conn(),
        actor.org_id,
        target,
        &member.user.email,
        actor.user.id,
        Departure::Rejected,
        now,
    )
    .await?;
    audit::record(
        tx.conn(),
        &actor.event("member.rejected", now, Some(&member.user), None),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, target = %target, "member rejected");
    Ok(())
}

/// Approves every pending member; returns how many.
pub async fn approve_all(state: &AppState, actor: &Actor) -> Result<u64, ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as_admin(state, actor).await?;
    let approved = members::approve_all(tx.conn(), actor.org_id).await?;
    audit::record(
        tx.conn(),
        &actor.event(
            "member.approved_all",
            now,
            None,
            Some(json!({"approved": approved})),
        ),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, approved, "all pending members approved");
    Ok(approved)
}

/// Changes a member's role; the last admin cannot be demoted.
pub async fn set_role(
    state: &AppState,
    actor: &Actor,
    target: UserId,
    role: Role,
) -> Result<(), ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as_admin(state, actor).await?;
    let member = members::find(tx.conn(), actor.org_id, target)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if member.role == role {
        return Ok(());
    }
    if role != Role::Admin {
        guard_last_admin(tx.conn(), actor.org_id, &member, false).await?;
    }
    members::set_role(tx.conn(), actor.org_id, target, role).await?;
    let detail = json!({"from": member.role.as_str(), "to": role.as_str()});
    audit::record(
        tx.conn(),
        &actor.event("member.role_changed", now, Some(&member.user), Some(detail)),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, target = %target, role = role.as_str(), "member role changed");
    Ok(())
}

/// Removes a member. In one transaction: the membership goes, every session, API key
/// and deploy key of theirs is revoked, and the removal is recorded for the rejoin
/// rule.
pub async fn remove(state: &AppState, actor: &Actor, target: UserId) -> Result<(), ApiError> {
    let now = state.clock().now();
    if target == actor.user.id {
        return Err(ApiError::invalid(
            "user_id",
            "To leave the organization yourself, use Leave.",
        ));
    }

    let mut tx = begin_as_admin(state, actor).await?;
    let member = members::find(tx.conn(), actor.org_id, target)
        .await?
        .ok_or_else(ApiError::not_found)?;
    guard_last_admin(tx.conn(), actor.org_id, &member, false).await?;
    members::delete(tx.conn(), actor.org_id, target).await?;
    let sessions = sessions::revoke_all_of_user(tx.conn(), target, now).await?;
    let keys = api_keys::revoke_all_of_user(tx.conn(), target, now).await?;
    let deploy_keys = deploy_keys::revoke_all_by_creator(tx.conn(), target, now).await?;
    members::record_removal(
        tx.conn(),
        actor.org_id,
        target,
        &member.user.email,
        actor.user.id,
        Departure::Removed,
        now,
    )
    .await?;
    let detail = json!({"sessions_revoked": sessions, "api_keys_revoked": keys, "deploy_keys_revoked": deploy_keys});
    audit::record(
        tx.conn(),
        &actor.event("member.removed", now, Some(&member.user), Some(detail)),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, target = %target, sessions, keys, "member removed");
    Ok(())
}
