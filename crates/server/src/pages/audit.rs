//! `/admin/audit`: who did what, when, from where.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use crate::http::ClientIp;
use crate::orgs;
use crate::pages::admin::admin;
use crate::pages::common::error_page;
use crate::pages::layout::{admin_page, Tab};
use crate::AppState;

const PAGE: u32 = 50;

/// `?before=` the id of the last event of the previous page.
#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<String>,
}

/// The audit log, newest first, 50 events a page.
pub async fn audit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(query): Query<AuditQuery>,
) -> Result<Response, Response> {
    let (signed_in, actor) = admin(&state, &headers, ip).await?;
    let before = query.before.filter(|b| uuid::Uuid::parse_str(b).is_ok());
    let events = orgs::audit_page(&state, actor.org_id, before.as_deref(), PAGE)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;

    let body = html! {
        h1 { "Audit log" }
        div.table-wrap {
            table.audit {
                thead { tr { th { "When" } th { "Who" } th { "What" } th { "Whom" } th { "Details" } th { "From" } } }
                tbody {
                    @for e in &events {
                        tr {
                            td { (e.at.to_display()) }
                            td { (e.actor.as_ref().map_or("Roster", |(_, email)| email.as_str())) }
                            td { code { (e.action) } }
                            td { (e.target.as_ref().map_or("", |(_, email)| email.as_str())) }
                            td { span.muted { (e.detail.as_deref().unwrap_or("")) } }
                            td { (e.client_ip.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
        @if events.len() == PAGE as usize {
            @if let Some(last) = events.last() {
                p { a href={ "/admin/audit?before=" (last.id) } { "Older events" } }
            }
        }
    };
    Ok(admin_page("Audit log", &signed_in, Tab::Audit, body).into_response())
}
