//! The frame every page shares: head, top bar, the admin tabs, the confirmation
//! dialog used by `data-confirm` forms, and the page script.

use maud::{html, Markup, DOCTYPE};

use crate::http::SignedIn;

/// The admin tabs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// `/admin/users`.
    Users,
    /// `/admin/settings`.
    Settings,
    /// `/admin/audit`.
    Audit,
}

/// A whole page. Signed-in pages listen to the event stream (`data-live`).
pub fn page(title: &str, signed_in: Option<&SignedIn>, body: Markup) -> Markup {
    frame(title, signed_in, false, body)
}

/// An admin page: wide, with the tabs on top.
pub fn admin_page(title: &str, signed_in: &SignedIn, tab: Tab, body: Markup) -> Markup {
    let tabs = [
        (Tab::Users, "/admin/users", "Users"),
        (Tab::Settings, "/admin/settings", "Org Settings"),
        (Tab::Audit, "/admin/audit", "Audit log"),
    ];
    let body = html! {
        nav.tabs aria-label="Admin" {
            @for (t, href, label) in tabs {
                a href=(href) aria-current=[(t == tab).then_some("page")] { (label) }
            }
        }
        (body)
    };
    frame(title, Some(signed_in), true, body)
}

fn frame(title: &str, signed_in: Option<&SignedIn>, wide: bool, body: Markup) -> Markup {
    let org = signed_in
        .and_then(|s| s.membership.as_ref())
        .map(|m| m.org.name.as_str());
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Roster" }
                link rel="stylesheet" href="/assets/roster.css";
                script src="/assets/roster.js" defer {}
            }
            body data-live=[signed_in.map(|_| "on")] {
                header.top {
                    a.brand href="/" { "Roster" @if let Some(org) = org { span.muted { " · " (org) } } }
                    @if let Some(signed_in) = signed_in {
                        form.inline method="post" action="/logout" {
                            @if signed_in.membership.as_ref().is_some_and(|m| m.status == roster_domain::MemberStatus::Active) {
                                a href="/settings/api-keys" { "API keys" }
                            }
                            span.muted { " " (signed_in.user.email) " " }
                            button.secondary type="submit" { "Sign out" }
                        }
                    }
                }
                main.wide[wide] { (body) }
                @if signed_in.is_some() {
                    dialog #confirm-dialog aria-labelledby="confirm-title" {
                        form method="dialog" {
                            h2 #confirm-title { "Please confirm" }
                            p data-message {}
                            button.secondary type="submit" value="cancel" { "Cancel" }
                            " "
                            button.danger type="submit" value="confirm" { "Confirm" }
                        }
                    }
                }
            }
        }
    }
}
