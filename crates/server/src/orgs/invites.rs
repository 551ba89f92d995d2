//! Invite links: making, listing, revoking and resetting them (admins), looking one
//! up (anyone), and joining through one (signed-in users without an org).
//!
//! Every link that does not work (unknown, expired, revoked, used up, or older than
//! the caller's removal from the org) gets the same answer, 404 `invite_invalid`.

use std::net::IpAddr;

use roster_domain::{
    joining_status, InviteTerms, JoinPath, MemberStatus, Org, Role, Secret, Timestamp, User,
};
use roster_store::invites::{self, InviteLink};
use roster_store::{audit, members, orgs, users, StoreError, Tx};
use serde_json::json;

use super::{begin_as_admin, Actor};
use crate::http::ApiError;
use crate::AppState;

/// Makes a new link; the token is returned once and stored only as a hash.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    terms: InviteTerms,
) -> Result<(InviteLink, Secret), ApiError> {
    let now = state.clock().now();
    let token = Secret::generate();

    let mut tx = begin_as_admin(state, actor).await?;
    let link = invites::insert(
        tx.conn(),
        actor.org_id,
        &token.hash(),
        actor.user.id,
        now,
        terms.expires_at(now),
        terms.max_uses(),
    )
    .await?;
    let detail = json!({"invite_link_id": link.id, "expires_at": link.expires_at.to_rfc3339(), "max_uses": terms.max_uses()});
    audit::record(
        tx.conn(),
        &actor.event("invite_link.created", now, None, Some(detail)),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, invite_link_id = %link.id, "invite link created");
    Ok((link, token))
}

/// The org's links that still work, newest first.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<InviteLink>, ApiError> {
    let mut conn = state.store().conn().await?;
    Ok(invites::list_usable(&mut conn, actor.org_id, state.clock().now()).await?)
}

/// Revokes one link of the actor's org.
pub async fn revoke(state: &AppState, actor: &Actor, id: &str) -> Result<(), ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as_admin(state, actor).await?;
    if !invites::revoke(tx.conn(), actor.org_id, id, now).await? {
        return Err(ApiError::not_found());
    }
    audit::record(
        tx.conn(),
        &actor.event(
            "invite_link.revoked",
            now,
            None,
            Some(json!({"invite_link_id": id})),
        ),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, invite_link_id = %id, "invite link revoked");
    Ok(())
}

/// Revokes every link of the actor's org at once; returns how many still worked.
pub async fn reset(state: &AppState, actor: &Actor) -> Result<u64, ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as_admin(state, actor).await?;
    let revoked = invites::revoke_all(tx.conn(), actor.org_id, now).await?;
    audit::record(
        tx.conn(),
        &actor.event(
            "invite_links.reset",
            now,
            None,
            Some(json!({"revoked": revoked})),
        ),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, revoked, "invite links reset");
    Ok(revoked)
}

/// The link and its org, for the invite page. Changes nothing.
pub async fn lookup(state: &AppState, token: &str) -> Result<(InviteLink, Org), ApiError> {
    let token = Secret::from_presented(token).ok_or_else(ApiError::invite_invalid)?;
    let mut conn = state.store().conn().await?;
    invites::find_usable(&mut conn, &token.hash(), state.clock().now())
        .await?
        .ok_or_else(ApiError::invite_invalid)
}

/// Joins `user` to the org of the link `token`, inside the caller's transaction (so
/// that sign-up and sign-in with an invite are one change). The link is checked again
/// here, at commit time: a link reset after the page was opened no longer works.
pub async fn join_in(
    tx: &mut Tx,
    token: &str,
    user: &User,
    ip: IpAddr,
    now: Timestamp,
) -> Result<(Org, MemberStatus), ApiError> {
    let token = Secret::from_presented(token).ok_or_else(ApiError::invite_invalid)?;
    let (link, org) = invites::find_usable(tx.conn(), &token.hash(), now)
        .await?
        .ok_or_else(ApiError::invite_invalid)?;
    orgs::lock(tx.conn(), org.id).await?;
    users::lock(tx.conn(), user.id).await?;

    let removed_at = members::last_removal(tx.conn(), org.id, user.id, &user.email).await?;
    if removed_at.is_some_and(|removed| removed >= link.created_at) {
        return Err(ApiError::invite_invalid());
    }
    if !invites::consume(tx.conn(), &link.id, now).await? {
        return Err(ApiError::invite_invalid());
    }
    let status = joining_status(org.approvals_enabled, removed_at.is_some());
    members::insert(
        tx.conn(),
        org.id,
        user.id,
        Role::Member,
        status,
        JoinPath::InviteLink,
        now,
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate => ApiError::already_in_org(),
        other => other.into(),
    })?;

    let actor = Actor {
        user: user.clone(),
        org_id: org.id,
        ip,
    };
    let detail =
        json!({"via": "invite_link", "invite_link_id": link.id, "status": status.as_str()});
    audit::record(
        tx.conn(),
        &actor.event("member.joined", now, Some(user), Some(detail)),
    )
    .await?;
    tracing::info!(org_id = %org.id, user_id = %user.id, status = status.as_str(), "member joined by invite link");
    Ok((org, status))
}

/// Joins a signed-in user without an org through a link.
pub async fn accept(
    state: &AppState,
    user: &User,
    current: Option<MemberStatus>,
    token: &str,
    ip: IpAddr,
) -> Result<(Org, MemberStatus), ApiError> {
    super::refuse_if_in_org(current)?;
    let now = state.clock().now();

    let mut tx = state.store().begin().await?;
    let joined = join_in(&mut tx, token, user, ip, now).await?;
    tx.commit().await?;
    Ok(joined)
}
