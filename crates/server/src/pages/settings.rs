//! The Org Settings tab (`/admin/settings`): approvals on or off, the org's name, its
//! Workspace domain, the invite links that still work (each revocable), and the red
//! "Reset Invite Links" button.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;
use roster_domain::OrgName;
use serde::Deserialize;

use crate::http::{ApiError, ClientIp};
use crate::orgs::{self, invites};
use crate::pages::admin::{admin, NoticeQuery};
use crate::pages::common::{
    confirm_button, confirmation_page, error_page, notice, notice_text, see_other, Confirmed,
    PageForm,
};
use crate::pages::layout::{admin_page, Tab};
use crate::AppState;

/// The approvals form: `on` or `off`.
#[derive(Deserialize, Default)]
pub struct ApprovalsForm {
    approvals: String,
}

/// The rename form.
#[derive(Deserialize, Default)]
pub struct NameForm {
    name: String,
}

/// The Org Settings tab.
pub async fn settings(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let links = invites::list(&state, &actor)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    let Some(org) = signed_in.membership.as_ref().map(|m| &m.org) else {
        return Ok(see_other("/"));
    };

    let (action, value, explanation) = if org.approvals_enabled {
        (
            "Disable",
            "off",
            "On: everyone who joins waits for an admin's approval.",
        )
    } else {
        (
            "Enable",
            "on",
            "Off: people who join with a link are in at once.",
        )
    };
    let body = html! {
        h1 { "Org Settings" }
        (notice(notice_text(query.notice.as_deref())))
        section.card {
            div.setting {
                div { h2 { "Approvals for new users" } p.muted { (explanation) } }
                form method="post" action="/admin/settings/approvals" {
                    input type="hidden" name="approvals" value=(value);
                    button type="submit" { (action) }
                }
            }
            div.setting {
                div {
                    h2 { "Name" }
                    form method="post" action="/admin/settings/name" {
                        label for="org-name" { "Organization name" }
                        div.copy-row {
                            input #org-name type="text" name="name" value=(org.name.as_str()) minlength="3" maxlength="50" required;
                            button.secondary type="submit" { "Rename" }
                        }
                    }
                }
            }
            @if let Some(domain) = &org.workspace_domain {
                div.setting {
                    div { h2 { "Google Workspace domain" } p { (domain) } p.muted { "People who sign in with Google at this domain join automatically." } }
                }
            }
        }
        section.card {
            div.setting {
                div { h2 { "Invite links" } p.muted { "Links that still work, each until the expiry shown (7 days unless chosen otherwise)." } }
                (confirm_button("/admin/settings/reset-links", "Reset Invite Links",
                    "Reset invite links? Every existing invite link of the organization stops working at once.", true))
            }
            @if links.is_empty() {
                p.muted { "No invite link works right now." }
            } @else {
                div.table-wrap {
                    table.invite-links {
                        thead { tr { th { "Created" } th { "Expires" } th { "Uses" } th { span.muted { "Actions" } } } }
                        tbody {
                            @for link in &links {
                                tr {
                                    td { (link.created_at.to_display()) }
                                    td { (link.expires_at.to_display()) }
                                    td { (link.uses) @if let Some(max) = link.max_uses { " of " (max) } }
                                    td {
                                        form method="post" action={ "/admin/settings/links/" (link.id) "/revoke" } {
                                            button.secondary type="submit" { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(admin_page("Org Settings", &signed_in, Tab::Settings, body).into_response())
}

/// Turns approvals on or off.
pub async fn approvals(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    PageForm(form): PageForm<ApprovalsForm>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let enabled = match form.approvals.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            return Err(error_page(
                ApiError::invalid("approvals", "approvals is on or off."),
                Some(&signed_in),
            ))
        }
    };
    orgs::update_settings(&state, &actor, None, Some(enabled))
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/settings?notice=settings"))
}

/// Renames the org.
pub async fn rename(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    PageForm(form): PageForm<NameForm>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let name = OrgName::parse(&form.name)
        .map_err(|e| error_page(ApiError::invalid("name", e.to_string()), Some(&signed_in)))?;
    orgs::update_settings(&state, &actor, Some(name), None)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/settings?notice=settings"))
}

/// Resets every invite link, after confirmation.
pub async fn reset_links(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    PageForm(confirmed): PageForm<Confirmed>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    if !confirmed.yes() {
        let question = "Reset invite links? Every existing invite link of the organization stops working at once.";
        return Ok(confirmation_page(
            &signed_in,
            "/admin/settings/reset-links",
            "Reset Invite Links",
            question,
            "/admin/settings",
        ));
    }
    invites::reset(&state, &actor)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/settings?notice=reset"))
}

/// Revokes one invite link.
pub async fn revoke_link(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    invites::revoke(&state, &actor, &id)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/admin/settings?notice=revoked"))
}
