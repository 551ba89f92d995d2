//! What every page handler needs: the signed-in user or a redirect to sign-in, error
//! pages, notices after POST-redirect-GET, and forms that ask for confirmation.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use crate::http::{authenticate, ApiError, SignedIn};
use crate::pages::layout::page;
use crate::AppState;

/// The signed-in user, or a redirect to `/login`.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<SignedIn, Response> {
    match authenticate(state, headers).await {
        Ok(Some(signed_in)) => Ok(signed_in),
        Ok(None) => Err(Redirect::to("/login").into_response()),
        Err(err) => Err(error_page(err, None)),
    }
}

/// A refusal as a page, with the same status and sentence as the API would give.
pub fn error_page(err: ApiError, signed_in: Option<&SignedIn>) -> Response {
    let status = err.status();
    let title = match err.code() {
        "invite_invalid" => "This invite link does not work",
        "approval_pending" => "Waiting for approval",
        "last_admin" => "You are the last admin",
        "already_in_org" => "You already belong to an organization",
        "forbidden" | "csrf" => "Not allowed",
        "not_found" => "Not found",
        "validation" => "Please check your input",
        "not_pending" => "Not waiting for approval",
        "email_taken" => "This email has an account already",
        "oidc_refused" => "Sign-in refused",
        "oidc_unavailable" => "Sign-in provider unavailable",
        "rate_limited" => "Too many attempts",
        _ => "Something went wrong",
    };
    let body = html! {
        div.card {
            h1 { (title) }
            p role="alert" { (err.detail()) }
            p { a href="/" { "Back to Roster" } }
        }
    };
    (status, page(title, signed_in, body)).into_response()
}

/// The sentence for a `?notice=` after a successful form.
pub fn notice_text(notice: Option<&str>) -> Option<&'static str> {
    Some(match notice? {
        "approved" => "Approved.",
        "rejected" => "Rejected.",
        "approved_all" => "Everyone waiting has been approved.",
        "role" => "Role changed.",
        "removed" => "Removed. Their sessions and keys no longer work.",
        "settings" => "Settings saved.",
        "reset" => "Every invite link of the organization has been invalidated.",
        "revoked" => "The invite link no longer works.",
        "key_deleted" => "The API key no longer works.",
        "left" => "You have left the organization.",
        _ => return None,
    })
}

/// A notice paragraph, if any.
pub fn notice(text: Option<&str>) -> Markup {
    html! { @if let Some(text) = text { p.notice role="status" { (text) } } }
}

/// A form of one button that asks for confirmation first: in a dialog with the page
/// script, or on a confirmation page without it (the form is sent without
/// `confirm=yes`, and the handler answers with [`confirmation_page`]).
pub fn confirm_button(action: &str, label: &str, question: &str, danger: bool) -> Markup {
    html! {
        form method="post" action=(action) data-confirm=(question) data-confirm-label=(label) {
            button.danger[danger].secondary[!danger] type="submit" { (label) }
        }
    }
}

/// The page that asks "are you sure?" when the script did not.
pub fn confirmation_page(
    signed_in: &SignedIn,
    action: &str,
    label: &str,
    question: &str,
    cancel: &str,
) -> Response {
    let body = html! {
        div.card {
            h1 { "Please confirm" }
            p { (question) }
            form method="post" action=(action) {
                input type="hidden" name="confirm" value="yes";
                a href=(cancel) { "Cancel" }
                " "
                button.danger type="submit" { (label) }
            }
        }
    };
    page("Please confirm", Some(signed_in), body).into_response()
}

/// The `confirm=yes` field of confirmed forms.
#[derive(serde::Deserialize, Default)]
pub struct Confirmed {
    #[serde(default)]
    confirm: String,
}

impl Confirmed {
    /// Whether the person confirmed.
    pub fn yes(&self) -> bool {
        self.confirm == "yes"
    }
}

/// A form body. A POST without one reads as the empty form (so a bare "Remove"
/// leads to the confirmation page); a malformed one gets an error page, never the
/// framework's text.
pub struct PageForm<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for PageForm<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Default,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::FormRejection;
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Self(value)),
            Err(FormRejection::InvalidFormContentType(_)) => Ok(Self(T::default())),
            Err(rejection) => {
                let status = match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let err = ApiError::new(
                    status,
                    "validation",
                    "The form was incomplete or malformed. Go back and try again.",
                );
                Err(error_page(err, None))
            }
        }
    }
}

/// The page for addresses that lead nowhere.
pub async fn not_found() -> Response {
    error_page(ApiError::not_found(), None)
}

/// The question before leaving `org`: when the person is its only member, leaving
/// deletes the org, and the question says so.
pub fn leave_question(org: &str, only_member: bool) -> String {
    if only_member {
        format!("You are the only member of {org}: leaving deletes {org} with its invite links, keys and clusters. Leave and delete {org}?")
    } else {
        format!("Leave {org}? You lose access at once; an admin has to invite you again.")
    }
}

/// Whether the signed-in person is the only member of their org.
pub async fn only_member(state: &AppState, signed_in: &SignedIn) -> bool {
    let Some(m) = &signed_in.membership else {
        return false;
    };
    match state.store().conn().await {
        Ok(mut conn) => roster_store::members::count(&mut conn, m.org.id)
            .await
            .is_ok_and(|n| n == 1),
        Err(_) => false,
    }
}

/// Redirect after a successful POST.
pub fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(axum::http::header::LOCATION, to.to_owned())],
    )
        .into_response()
}
