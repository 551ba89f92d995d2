//! `/invite/{token}`: the page an invite link opens. Opening it changes nothing; it
//! names the org and offers the ways in. Joining is an explicit POST.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::http::{authenticate, ClientIp};
use crate::orgs::invites;
use crate::pages::auth::with_invite;
use crate::pages::common::{confirm_button, error_page, see_other, signed_in};
use crate::pages::layout::page;
use crate::pages::oidc;
use crate::AppState;

/// The invite landing page.
pub async fn landing(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, Response> {
    let viewer = authenticate(&state, &headers)
        .await
        .map_err(|e| error_page(e, None))?;
    state
        .limit_auth_attempt(ip)
        .map_err(|e| error_page(e, viewer.as_ref()))?;
    let (link, org) = invites::lookup(&state, &token)
        .await
        .map_err(|e| error_page(e, viewer.as_ref()))?;

    let org_name = org.name.as_str();
    let body = html! {
        div.card {
            h1 { "Join " (org_name) }
            p.muted { "This invite link works until " (link.expires_at.to_display()) "." }
            @match &viewer {
                None => {
                    p { "Create an account or sign in to join " strong { (org_name) } "." }
                    p {
                        a.button href=(with_invite("/signup", &token)) { "Sign up with email" }
                        " "
                        a.button href=(with_invite("/login", &token)) { "Sign in" }
                    }
                    (oidc::buttons(state.config(), "signup", Some(&token)))
                    @if let Some(domain) = &org.workspace_domain {
                        p.muted { "People with a Google Workspace account at " (domain) " can use this link too." }
                    }
                }
                Some(viewer) => @match &viewer.membership {
                    None => {
                        form method="post" action={ "/invite/" (token) "/accept" } {
                            p { "You are signed in as " strong { (viewer.user.email) } "." }
                            button type="submit" { "Join " (org_name) }
                        }
                    }
                    Some(current) => {
                        p role="alert" {
                            "You already belong to " strong { (current.org.name.as_str()) } ". "
                            "A person belongs to one organization at a time: to join " (org_name)
                            ", leave " (current.org.name.as_str()) " first, then open this link again."
                        }
                        (confirm_button("/org/leave", &format!("Leave {}", current.org.name.as_str()),
                            &format!("Leave {}? You lose access to it at once.", current.org.name.as_str()), false))
                    }
                }
            }
        }
    };
    Ok(page(&format!("Join {org_name}"), viewer.as_ref(), body).into_response())
}

/// Joins the signed-in user through the link.
pub async fn accept(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, Response> {
    let signed_in = signed_in(&state, &headers).await?;
    state
        .limit_auth_attempt(ip)
        .map_err(|e| error_page(e, Some(&signed_in)))?;

    invites::accept(
        &state,
        &signed_in.user,
        signed_in.membership.as_ref().map(|m| m.status),
        &token,
        ip,
    )
    .await
    .map_err(|e| error_page(e, Some(&signed_in)))?;

    Ok(see_other("/"))
}
