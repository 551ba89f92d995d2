//! Org operations shared by the JSON API and the pages: creating an org, its
//! settings, leaving, and (in submodules) members, invite links and the audit log.
//!
//! Every change to an org's members runs in one transaction that first takes the
//! org's row lock (`orgs::lock`) and then re-reads the acting admin's own membership,
//! so that two admins acting at the same moment are applied one after the other, each
//! against the state the other left.

use std::net::IpAddr;

use roster_domain::{allows, JoinPath, MemberStatus, Org, OrgId, OrgName, Permission, Role, User};
use roster_store::audit::AuditEvent;
use roster_store::members::Member;
use roster_store::{
    api_keys, audit, deploy_keys, identities, members, orgs, users, Connection, StoreError, Tx,
};
use serde_json::Value;

use crate::http::{ApiError, SignedIn};
use crate::AppState;

pub mod invites;
pub mod membership;

/// Who is acting, in which org, from where: what every audit event records.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The person acting.
    pub user: User,
    /// Their org.
    pub org_id: OrgId,
    /// The client address of the request.
    pub ip: IpAddr,
}

impl Actor {
    /// The actor behind a request of a member of `org_id`.
    pub fn new(signed_in: &SignedIn, org_id: OrgId, ip: IpAddr) -> Self {
        Self {
            user: signed_in.user.clone(),
            org_id,
            ip,
        }
    }

    /// An audit event of this actor, optionally about `target`, with `detail`.
    pub fn event(
        &self,
        action: &str,
        now: roster_domain::Timestamp,
        target: Option<&User>,
        detail: Option<Value>,
    ) -> AuditEvent {
        let mut event = AuditEvent::new(self.org_id, now, action);
        event.actor = Some((self.user.id.to_string(), self.user.email.to_string()));
        event.target = target.map(|t| (t.id.to_string(), t.email.to_string()));
        event.detail = detail.map(|d| d.to_string());
        event.client_ip = Some(self.ip.to_string());
        event
    }
}

/// Starts a transaction holding the org's lock, after checking again, inside it,
/// that the actor is still an active member holding `permission`. Whatever the
/// transaction then writes cannot outlive a removal or demotion racing with it.
pub async fn begin_as(
    state: &AppState,
    actor: &Actor,
    permission: Permission,
) -> Result<Tx, ApiError> {
    let mut tx = state.store().begin().await?;
    if !orgs::lock(tx.conn(), actor.org_id).await? {
        return Err(ApiError::unauthenticated());
    }
    let me = members::find(tx.conn(), actor.org_id, actor.user.id).await?;
    match me {
        Some(me) if allows(me.role, me.status, permission) => Ok(tx),
        Some(me) if me.status == MemberStatus::Pending => Err(ApiError::approval_pending()),
        Some(_) => Err(ApiError::lacks(permission)),
        None => Err(ApiError::unauthenticated()),
    }
}

/// [`begin_as`] with `org:admin`.
pub(crate) async fn begin_as_admin(state: &AppState, actor: &Actor) -> Result<Tx, ApiError> {
    begin_as(state, actor, Permission::OrgAdmin).await
}

/// Refuses to take away the org's last admin. `leaving` is true when the member
/// leaves (or deletes their account): the last member may always go, taking the org.
pub(crate) async fn guard_last_admin(
    conn: &mut Connection,
    org: OrgId,
    member: &Member,
    leaving: bool,
) -> Result<(), ApiError> {
    if member.role != Role::Admin || member.status != MemberStatus::Active {
        return Ok(());
    }
    let admins = members::count_admins(conn, org).await?;
    if admins > 1 {
        return Ok(());
    }
    if leaving && members::count(conn, org).await? == 1 {
        return Ok(());
    }
    Err(ApiError::last_admin())
}

/// Creates an org with the caller as its first (active) admin.
pub async fn create(
    state: &AppState,
    signed_in: &SignedIn,
    name: OrgName,
    ip: IpAddr,
) -> Result<Org, ApiError> {
    refuse_if_in_org(signed_in.membership.as_ref().map(|m| m.status))?;
    let now = state.clock().now();
    let mut org = Org {
        id: OrgId::generate(),
        name,
        workspace_domain: None,
        approvals_enabled: false,
        created_at: now,
    };
    let actor = Actor::new(signed_in, org.id, ip);

    let mut tx = state.store().begin().await?;
    users::lock(tx.conn(), actor.user.id).await?;
    // Someone who signed in with a Google Workspace account creates that domain's
    // org, or joins it when it exists already.
    org.workspace_domain = identities::workspace_domain(tx.conn(), actor.user.id).await?;
    if let Some(domain) = &org.workspace_domain {
        if let Some(existing) =
            crate::oidc::join_by_domain(&mut tx, &actor.user, domain, ip, now).await?
        {
            tx.commit().await?;
            return Ok(existing);
        }
    }
    orgs::insert(tx.conn(), &org).await.map_err(|e| match e {
        StoreError::Duplicate => ApiError::org_name_taken(),
        other => other.into(),
    })?;
    members::insert(
        tx.conn(),
        org.id,
        actor.user.id,
        Role::Admin,
        MemberStatus::Active,
        JoinPath::Creation,
        now,
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate => ApiError::already_in_org(),
        other => other.into(),
    })?;
    audit::record(
        tx.conn(),
        &actor.event(
            "org.created",
            now,
            None,
            Some(serde_json::json!({"name": org.name.as_str()})),
        ),
    )
    .await?;
    audit::record(
        tx.conn(),
        &actor.event(
            "member.joined",
            now,
            Some(&actor.user),
            Some(serde_json::json!({"via": "creation", "status": "active"})),
        ),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(org_id = %org.id, user_id = %actor.user.id, "org created");
    Ok(org)
}

/// Refuses to start or join an org for someone who belongs to one: 403
/// `approval_pending` while they wait (they can do nothing else), 409 otherwise.
pub(crate) fn refuse_if_in_org(status: Option<MemberStatus>) -> Result<(), ApiError> {
    match status {
        None => Ok(()),
        Some(MemberStatus::Pending) => Err(ApiError::approval_pending()),
        Some(MemberStatus::Active) => Err(ApiError::already_in_org()),
    }
}

/// Changes the org's name and/or approvals setting. Invite links are untouched.
pub async fn update_settings(
    state: &AppState,
    actor: &Actor,
    name: Option<OrgName>,
    approvals_enabled: Option<bool>,
) -> Result<Org, ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as_admin(state, actor).await?;
    if let Some(name) = &name {
        orgs::rename(tx.conn(), actor.org_id, name)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate => ApiError::org_name_taken(),
                other => other.into(),
            })?;
    }
    if let Some(enabled) = approvals_enabled {
        orgs::set_approvals(tx.conn(), actor.org_id, enabled).await?;
    }
    let detail = serde_json::json!({
        "name": name.as_ref().map(OrgName::as_str),
        "approvals_enabled": approvals_enabled,
    });
    audit::record(
        tx.conn(),
        &actor.event("org.settings_changed", now, None, Some(detail)),
    )
    .await?;
    let org = orgs::find(tx.conn(), actor.org_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    tx.commit().await?;

    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, "org settings changed");
    Ok(org)
}

/// Takes `user` out of their org by their own choice: their API keys and the deploy
/// keys they made die with the membership; the org goes when its last member leaves.
pub(crate) async fn leave_in(
    tx: &mut Tx,
    actor: &Actor,
    now: roster_domain::Timestamp,
) -> Result<(), ApiError> {
    orgs::lock(tx.conn(), actor.org_id).await?;
    let Some(me) = members::find(tx.conn(), actor.org_id, actor.user.id).await? else {
        return Ok(());
    };
    guard_last_admin(tx.conn(), actor.org_id, &me, true).await?;

    members::delete(tx.conn(), actor.org_id, actor.user.id).await?;
    api_keys::revoke_all_of_user(tx.conn(), actor.user.id, now).await?;
    deploy_keys::revoke_all_by_creator(tx.conn(), actor.user.id, now).await?;
    let last = members::count(tx.conn(), actor.org_id).await? == 0;
    let action = if last { "org.deleted" } else { "member.left" };
    audit::record(
        tx.conn(),
        &actor.event(action, now, Some(&actor.user), None),
    )
    .await?;
    if last {
        orgs::delete(tx.conn(), actor.org_id).await?;
        tracing::info!(org_id = %actor.org_id, "org deleted with its last member");
    }
    Ok(())
}

/// Leaves the org (see [`leave_in`]).
pub async fn leave(state: &AppState, actor: &Actor) -> Result<(), ApiError> {
    let now = state.clock().now();
    let mut tx = state.store().begin().await?;
    leave_in(&mut tx, actor, now).await?;
    tx.commit().await?;
    tracing::info!(org_id = %actor.org_id, user_id = %actor.user.id, "member left");
    Ok(())
}

/// A page of the org's audit log, newest first.
pub async fn audit_page(
    state: &AppState,
    org: OrgId,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditEvent>, ApiError> {
    let mut conn = state.store().conn().await?;
    Ok(audit::list(&mut conn, org, before, limit).await?)
}
