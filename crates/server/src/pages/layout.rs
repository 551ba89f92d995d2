//! The frame every page shares.

use maud::{html, Markup, DOCTYPE};

/// A whole page: head, top bar (with sign-out when signed in), and `body`.
pub fn page(title: &str, signed_in_as: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Roster" }
                link rel="stylesheet" href="/assets/roster.css";
            }
            body {
                header.top {
                    a.brand href="/" { "Roster" }
                    @if let Some(email) = signed_in_as {
                        form.inline method="post" action="/logout" {
                            span.muted { (email) " " }
                            button.secondary type="submit" { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}
