//! `/`: where a signed-in person lands: their org, role and clusters; or the way to
//! create an org; or, while pending, the waiting page.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;
use roster_domain::{MemberStatus, Role};

use crate::clusters;
use crate::pages::common::{
    confirm_button, error_page, leave_question, only_member, see_other, signed_in,
};
use crate::pages::layout::page;
use crate::AppState;

/// The home page.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Response> {
    let signed_in = signed_in(&state, &headers).await?;
    let Some(membership) = &signed_in.membership else {
        let body = html! {
            div.card {
                h1 { "Hello, " (signed_in.user.name.as_str()) }
                p { "You do not belong to an organization yet." }
                p { a.button href="/orgs/new" { "Create an organization" } }
                p.muted { "To join an existing organization, open the invite link an admin sent you." }
            }
        };
        return Ok(page("Home", Some(&signed_in), body).into_response());
    };
    if membership.status == MemberStatus::Pending {
        return Ok(see_other("/pending"));
    }

    let alone = only_member(&state, &signed_in).await;
    let clusters = clusters::list(&state, membership.org.id)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    let body = html! {
        div.card {
            h1 { (membership.org.name.as_str()) }
            p { "You are " @if membership.role == Role::Admin { "an " } @else { "a " } strong { (membership.role.as_str()) } " of this organization." }
            @if membership.role == Role::Admin {
                p { a.button href="/admin/users" { "Manage users and settings" } }
            }
            (confirm_button("/org/leave", &format!("Leave {}", membership.org.name.as_str()),
                &leave_question(membership.org.name.as_str(), alone), false))
        }
        section.card {
            h2 { "Clusters" }
            @if clusters.is_empty() {
                p.muted { "No cluster has registered yet. Members create a deploy key for a new cluster." }
            } @else {
                div.table-wrap {
                    table {
                        thead { tr { th { "Name" } th { "Registered" } } }
                        tbody {
                            @for cluster in &clusters {
                                tr { td { (cluster.name) } td { (cluster.registered_at.to_display()) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Home", Some(&signed_in), body).into_response())
}
