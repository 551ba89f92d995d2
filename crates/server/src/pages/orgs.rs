//! `/orgs/new`, `/pending` and leaving the org.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use roster_domain::{MemberStatus, OrgName};
use serde::Deserialize;

use crate::http::ClientIp;
use crate::orgs::{self, Actor};
use crate::pages::common::{
    confirm_button, confirmation_page, error_page, leave_question, only_member, see_other,
    signed_in, Confirmed, PageForm,
};
use crate::pages::layout::page;
use crate::AppState;

/// Fields of the new-org form.
#[derive(Deserialize, Default)]
pub struct NewOrgForm {
    #[serde(default)]
    name: String,
}

fn new_org_form(name: &str, error: Option<&str>) -> Markup {
    html! {
        div.card {
            h1 { "Create an organization" }
            p.muted { "You will be its first admin, and can invite your teammates next." }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/orgs/new" {
                label for="org-name" { "Organization name (3 to 50 letters, digits, spaces, - and _)" }
                input #org-name type="text" name="name" value=(name) minlength="3" maxlength="50" required;
                button type="submit" { "Create organization" }
            }
        }
    }
}

/// The new-org form.
pub async fn new_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let signed_in = signed_in(&state, &headers).await?;
    if signed_in.membership.is_some() {
        return Ok(see_other("/"));
    }
    Ok(page(
        "Create an organization",
        Some(&signed_in),
        new_org_form("", None),
    )
    .into_response())
}

/// Creates the org and opens its Users tab.
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    PageForm(form): PageForm<NewOrgForm>,
) -> Result<Response, Response> {
    let signed_in = signed_in(&state, &headers).await?;
    let refused = |status: StatusCode, message: &str| {
        let body = new_org_form(&form.name, Some(message));
        (
            status,
            page("Create an organization", Some(&signed_in), body),
        )
            .into_response()
    };
    let name = match OrgName::parse(&form.name) {
        Ok(name) => name,
        Err(e) => return Err(refused(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string())),
    };

    match orgs::create(&state, &signed_in, name, ip).await {
        Ok(_) => Ok(see_other("/admin/users")),
        Err(e) if e.code() == "org_name_taken" => Err(refused(e.status(), e.detail())),
        Err(e) => Err(error_page(e, Some(&signed_in))),
    }
}

/// The waiting-for-approval page.
pub async fn pending(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let signed_in = signed_in(&state, &headers).await?;
    let Some(membership) = signed_in
        .membership
        .as_ref()
        .filter(|m| m.status == MemberStatus::Pending)
    else {
        return Ok(see_other("/"));
    };

    let org = membership.org.name.as_str();
    let body = html! {
        div.card {
            h1 { "Waiting for approval" }
            p { "You have joined " strong { (org) } ". An admin of " (org) " has to approve you before you can use it." }
            p.muted { "This page moves on by itself once you are approved." }
            (confirm_button("/org/leave", &format!("Leave {org}"),
                &leave_question(org, false), false))
        }
    };
    Ok(page("Waiting for approval", Some(&signed_in), body).into_response())
}

/// Leaves the org.
pub async fn leave(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    PageForm(confirmed): PageForm<Confirmed>,
) -> Result<Response, Response> {
    let signed_in = signed_in(&state, &headers).await?;
    let Some(membership) = &signed_in.membership else {
        return Ok(see_other("/"));
    };
    if !confirmed.yes() {
        let org = membership.org.name.as_str();
        let question = leave_question(org, only_member(&state, &signed_in).await);
        return Ok(confirmation_page(
            &signed_in,
            "/org/leave",
            &format!("Leave {org}"),
            &question,
            "/",
        ));
    }
    let actor = Actor::new(&signed_in, membership.org.id, ip);

    orgs::leave(&state, &actor)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;

    Ok(see_other("/"))
}
