//! The Users tab (`/admin/users`): members with their role and status, "+ Invite
//! Users" with the fresh link in a dialog, Approve and Reject for pending members,
//! role changes, and Remove with a confirmation.

use std::net::IpAddr;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use roster_domain::{InviteTerms, MemberStatus, Permission, Role, Timestamp, UserId};
use serde::Deserialize;

use crate::http::{ClientIp, SignedIn};
use crate::orgs::{invites, membership, Actor};
use crate::pages::common::{
    confirm_button, confirmation_page, error_page, notice, notice_text, see_other, signed_in,
    Confirmed, PageForm,
};
use crate::pages::layout::{admin_page, Tab};
use crate::AppState;

/// `?notice=` after an action.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    pub notice: Option<String>,
    /// The Users tab's page cursor.
    pub after: Option<String>,
}

/// The options of "+ Invite Users" (both may be left empty).
#[derive(Deserialize, Default)]
pub struct InviteForm {
    expires_in_days: Option<String>,
    max_uses: Option<String>,
}

/// The role form.
#[derive(Deserialize, Default)]
pub struct RoleForm {
    role: String,
}

/// The signed-in admin and the actor they act as; other people are sent where they
/// belong (sign-in, waiting page, home).
pub async fn admin(
    state: &AppState,
    headers: &HeaderMap,
    ip: IpAddr,
) -> Result<(SignedIn, Actor), Response> {
    let signed_in = signed_in(state, headers).await?;
    match &signed_in.membership {
        None => return Err(see_other("/")),
        Some(m) if m.status == MemberStatus::Pending => return Err(see_other("/pending")),
        Some(_) => {}
    }
    let org = signed_in
        .require(Permission::OrgAdmin)
        .map_err(|e| error_page(e, Some(&signed_in)))?
        .org
        .id;
    let actor = Actor::new(&signed_in, org, ip);
    Ok((signed_in, actor))
}

/// The Users tab.
pub async fn users(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let after = query.after.as_deref().and_then(|a| {
        let (at, id) = a.split_once('.')?;
        Some((Timestamp::from_millis(at.parse().ok()?), UserId::parse(id)?))
    });
    let done = notice_text(query.notice.as_deref());
    render(&state, &signed_in, &actor, done, None, after).await
}

/// "+ Invite Users": makes a link and shows the Users tab with the link's dialog open.
pub async fn invite(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    PageForm(form): PageForm<InviteForm>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let number = |v: &Option<String>| {
        v.as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.trim().parse::<u32>())
    };
    let invalid = |field, message: String| {
        error_page(
            crate::http::ApiError::invalid(field, message),
            Some(&signed_in),
        )
    };
    let days = number(&form.expires_in_days).transpose().map_err(|_| {
        invalid(
            "expires_in_days",
            "Enter a number of days from 1 to 30.".into(),
        )
    })?;
    let max_uses = number(&form.max_uses)
        .transpose()
        .map_err(|_| invalid("max_uses", "Enter a whole number of uses.".into()))?;
    let terms =
        InviteTerms::new(days, max_uses).map_err(|e| invalid("expires_in_days", e.to_string()))?;

    let (link, token) = invites::create(&state, &actor, terms)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;

    let url = format!("{}/invite/{}", state.config().base_url(), token.expose());
    let dialog = html! {
        dialog #invite-dialog open aria-labelledby="invite-title" {
            h2 #invite-title { "Invite users" }
            p { "Send this link to your teammates. Anyone holding it can join until "
                (link.expires_at.to_display()) "; Reset Invite Links in Org Settings stops it earlier." }
            label for="invite-link" { "Invite link" }
            div.copy-row {
                input #invite-link type="text" readonly value=(url) autofocus;
                button type="button" data-copy="invite-link" { "Copy link" }
            }
            form method="dialog" { button.secondary type="submit" { "Close" } }
        }
    };
    render(&state, &signed_in, &actor, None, Some(dialog), None).await
}

/// Active members shown per page of the Users tab.
const USERS_PAGE: u32 = 100;

async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    actor: &Actor,
    done: Option<&str>,
    dialog: Option<Markup>,
    after: Option<(Timestamp, UserId)>,
) -> Result<Response, Response> {
    // Everyone waiting is listed first (they need an answer); active members follow,
    // a page at a time.
    let waiting = membership::list(state, actor.org_id, Some(MemberStatus::Pending), None, 1000)
        .await
        .map_err(|e| error_page(e, Some(signed_in)))?;
    let active = membership::list(
        state,
        actor.org_id,
        Some(MemberStatus::Active),
        after,
        USERS_PAGE,
    )
    .await
    .map_err(|e| error_page(e, Some(signed_in)))?;
    let next = (active.len() == USERS_PAGE as usize)
        .then(|| {
            active
                .last()
                .map(|m| format!("{}.{}", m.joined_at.as_millis(), m.user.id))
        })
        .flatten();
    let pending = waiting.len();
    let members: Vec<_> = if after.is_some() {
        active
    } else {
        waiting.into_iter().chain(active).collect()
    };

    let body = html! {
        div.toolbar {
            h1 { "Users" }
            form.invite method="post" action="/admin/users/invite" {
                details {
                    summary { "Link options" }
                    label for="invite-days" { "Valid for (days, 1 to 30)" }
                    input #invite-days type="number" name="expires_in_days" min="1" max="30" value="7";
                    label for="invite-max" { "Maximum uses (empty: no limit)" }
                    input #invite-max type="number" name="max_uses" min="1" max="10000";
                }
                button type="submit" { "+ Invite Users" }
            }
        }
        (notice(done))
        @if pending > 0 {
            div.setting {
                p { strong { (pending) } " waiting for approval." }
                form method="post" action="/admin/users/approve-all" { button type="submit" { "Approve all" } }
            }
        }
        div.table-wrap {
            table.members {
                thead { tr { th { "Name" } th { "Email" } th { "Role" } th { "Status" } th { "Joined" } th { span.muted { "Actions" } } } }
                tbody {
                    @for m in &members {
                        @let id = m.user.id.to_string();
                        @let is_self = m.user.id == signed_in.user.id;
                        tr data-email=(m.user.email) {
                            td { (m.user.name.as_str()) }
                            td { (m.user.email) }
                            td {
                                @if is_self { (m.role.as_str()) " (you)" } @else {
                                    form method="post" action={ "/admin/users/" (id) "/role" } {
                                        select name="role" aria-label={ "Role of " (m.user.email) } {
                                            @for role in [Role::Admin, Role::Member, Role::Viewer] {
                                                option value=(role.as_str()) selected[role == m.role] { (role.as_str()) }
                                            }
                                        }
                                        button.secondary type="submit" { "Save role" }
                                    }
                                }
                            }
                            td { span.badge.(m.status.as_str()) { (m.status.as_str()) } }
                            td { (m.joined_at.to_display()) br; span.muted { "via " (m.joined_via.as_str().replace('_', " ")) } }
                            td {
                                @if m.status == MemberStatus::Pending {
                                    form method="post" action={ "/admin/users/" (id) "/approve" } { button type="submit" { "Approve" } }
                                    " "
                                    form method="post" action={ "/admin/users/" (id) "/reject" } { button.secondary type="submit" { "Reject" } }
                                    " "
                                }
                                @if !is_self {
                                    (confirm_button(&format!("/admin/users/{id}/remove"), "Remove",
                                        &format!("Remove {} from {}? They are signed out everywhere at once, and their API keys stop working.", m.user.email, actor_org_name(signed_in)), true))
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(next) = next {
            p { a href={ "/admin/users?after=" (next) } { "Next page of members" } }
        }
        @if let Some(dialog) = dialog { (dialog) }
    };
    Ok(admin_page("Users", signed_in, Tab::Users, body).into_response())
}

fn actor_org_name(signed_in: &SignedIn) -> &str {
    signed_in
        .membership
        .as_ref()
        .map_or("the organization", |m| m.org.name.as_str())
}

#[expect(
    clippy::result_large_err,
    reason = "page handlers answer refusals with a whole page"
)]
fn target(id: &str, signed_in: &SignedIn) -> Result<UserId, Response> {
    UserId::parse(id).ok_or_else(|| error_page(crate::http::ApiError::not_found(), Some(signed_in)))
}

/// Approves a pending member.
pub async fn approve(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let user = target(&id, &signed_in)?;
    membership::approve(&state, &actor, user)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/users?notice=approved"))
}

/// Rejects a pending member.
pub async fn reject(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let user = target(&id, &signed_in)?;
    membership::reject(&state, &actor, user)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/users?notice=rejected"))
}

/// Approves everyone waiting.
pub async fn approve_all(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    membership::approve_all(&state, &actor)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/users?notice=approved_all"))
}

/// Changes a member's role.
pub async fn set_role(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let user = target(&id, &signed_in)?;
    let role = Role::parse(&form.role).ok_or_else(|| {
        error_page(
            crate::http::ApiError::invalid("role", "role is admin, member or viewer."),
            Some(&signed_in),
        )
    })?;
    membership::set_role(&state, &actor, user, role)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/users?notice=role"))
}

/// Removes a member, after confirmation.
pub async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(confirmed): PageForm<Confirmed>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let user = target(&id, &signed_in)?;
    if !confirmed.yes() {
        let question = "Remove this member? They are signed out everywhere at once, and their API keys stop working.";
        return Ok(confirmation_page(
            &signed_in,
            &format!("/admin/users/{id}/remove"),
            "Remove",
            question,
            "/admin/users",
        ));
    }
    membership::remove(&state, &actor, user)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/users?notice=removed"))
}
