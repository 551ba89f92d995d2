//! `/settings/api-keys`: the signed-in member's own API keys; a new key is shown once.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use roster_domain::Permission;
use serde::Deserialize;

use crate::http::{ClientIp, SignedIn};
use crate::keys;
use crate::orgs::Actor;
use crate::pages::admin::NoticeQuery;
use crate::pages::common::{error_page, notice, notice_text, see_other, signed_in, PageForm};
use crate::pages::layout::page;
use crate::AppState;

/// The new-key form.
#[derive(Deserialize, Default)]
pub struct NewKeyForm {
    #[serde(default)]
    description: String,
}

async fn member(
    state: &AppState,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
) -> Result<(SignedIn, Actor), Response> {
    let signed_in = signed_in(state, headers).await?;
    let org = match signed_in.require(Permission::OwnApiKeys) {
        Ok(m) => m.org.id,
        Err(e) if e.code() == "approval_pending" => return Err(see_other("/pending")),
        Err(_) => return Err(see_other("/")),
    };
    let actor = Actor::new(&signed_in, org, ip);
    Ok((signed_in, actor))
}

/// The API keys page.
pub async fn list(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, Response> {
    let (signed_in, actor) = member(&state, &headers, ip).await?;
    render(
        &state,
        &signed_in,
        &actor,
        notice(notice_text(query.notice.as_deref())),
    )
    .await
}

/// Makes a key and shows it once.
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    PageForm(form): PageForm<NewKeyForm>,
) -> Result<Response, Response> {
    let (signed_in, actor) = member(&state, &headers, ip).await?;
    let description =
        keys::parse_description(&form.description).map_err(|e| error_page(e, Some(&signed_in)))?;

    let (_, key) = keys::create(&state, &actor, description)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;

    let shown = html! {
        div.notice role="status" {
            p { strong { "Your new API key." } " Copy it now: Roster keeps only a hash and cannot show it again." }
            div.copy-row {
                input #new-key type="text" readonly value=(key) aria-label="New API key";
                button type="button" data-copy="new-key" { "Copy key" }
            }
        }
    };
    render(&state, &signed_in, &actor, shown).await
}

/// Deletes one of the caller's keys.
pub async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Response> {
    let (signed_in, actor) = member(&state, &headers, ip).await?;
    keys::delete(&state, &actor, &id)
        .await
        .map_err(|e| error_page(e, Some(&signed_in)))?;
    Ok(see_other("/settings/api-keys?notice=key_deleted"))
}

async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    actor: &Actor,
    top: Markup,
) -> Result<Response, Response> {
    let list = keys::list(state, actor)
        .await
        .map_err(|e| error_page(e, Some(signed_in)))?;
    let body = html! {
        div.card {
            h1 { "API keys" }
            p.muted { "Keys for the CLI and scripts, sent as " code { "Authorization: Bearer <key>" } ". "
                "They act with your current role and stop working when you leave or are removed." }
            (top)
            form method="post" action="/settings/api-keys" {
                label for="description" { "What is the key for?" }
                div.copy-row {
                    input #description type="text" name="description" maxlength="100" required placeholder="CI pipeline";
                    button type="submit" { "Create key" }
                }
            }
        }
        section.card {
            @if list.is_empty() { p.muted { "You have no API key." } } @else {
                div.table-wrap {
                    table.api-keys {
                        thead { tr { th { "Description" } th { "Key" } th { "Created" } th { "Last used" } th { span.muted { "Actions" } } } }
                        tbody {
                            @for k in &list {
                                tr {
                                    td { (k.description) }
                                    td { code { (k.prefix) "…" } }
                                    td { (k.created_at.to_display()) }
                                    td { (k.last_used_at.map_or_else(|| "never".to_owned(), |t| t.to_display())) }
                                    td {
                                        form method="post" action={ "/settings/api-keys/" (k.id) "/delete" } {
                                            button.secondary type="submit" { "Delete" }
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
    Ok(page("API keys", Some(signed_in), body).into_response())
}
