//! The one HTTP error type: every refusal becomes an RFC 9457 problem document with a
//! stable `code`. Server-side causes are logged with their chain and never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use roster_store::StoreError;
use serde::Serialize;

/// A problem answered to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    retry_after: Option<u64>,
    cause: Option<anyhow::Error>,
}

/// One invalid input field, listed in `errors` of a `validation` problem.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The JSON member or form field.
    pub field: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

#[derive(Serialize)]
struct Problem<'a> {
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

impl ApiError {
    /// A problem with a status, a code and a sentence for people.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            cause: None,
        }
    }

    /// 401: no valid session or key.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Sign in to continue.",
        )
    }

    /// 401 for a failed sign-in; identical for unknown emails and wrong passwords.
    pub fn bad_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "The email or password is wrong.",
        )
    }

    /// 403: signed in, but not allowed.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 403: the browser says the request comes from another site.
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "This request came from another site and was refused.",
        )
    }

    /// 404.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "There is nothing here.")
    }

    /// 403: the member's role does not grant `permission`.
    pub fn lacks(permission: roster_domain::Permission) -> Self {
        use roster_domain::Permission;
        Self::forbidden(match permission {
            Permission::OrgAdmin => "Only admins of the organization may do this.",
            Permission::ClusterDeploy => "Viewers may not deploy or manage clusters.",
            _ => "Your role does not allow this.",
        })
    }

    /// 403: API keys may not do this; it needs a signed-in browser session.
    pub fn session_required() -> Self {
        Self::forbidden("API keys cannot do this. Sign in with your password instead.")
    }

    /// 403 `approval_pending`: the member waits for an admin's approval.
    pub fn approval_pending() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "approval_pending",
            "An admin of your organization has not approved you yet.",
        )
    }

    /// 404 `invite_invalid`: the same answer for every link that does not work.
    pub fn invite_invalid() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invite_invalid",
            "This invite link is invalid or has expired. Ask an admin of the organization for a new one.",
        )
    }

    /// 409 `already_in_org`.
    pub fn already_in_org() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "already_in_org",
            "You already belong to an organization. Leave it first to join another one.",
        )
    }

    /// 409 `last_admin`.
    pub fn last_admin() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "last_admin",
            "This is the organization's last admin. Make another member admin first.",
        )
    }

    /// 409 `org_name_taken`.
    pub fn org_name_taken() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "org_name_taken",
            "An organization with this name exists already. Choose another name.",
        )
    }

    /// 422 for a single invalid field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError {
            field,
            message: message.into(),
        }])
    }

    /// 409: sign-up with an email that already has an account.
    pub fn email_taken() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "email_taken",
            "This email is already registered. Sign in instead.",
        )
    }

    /// 422 with one message per invalid field.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            errors,
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail)
        }
    }

    /// 429 with `Retry-After` in seconds.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after: Some(retry_after_secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many attempts. Wait a little and try again.",
            )
        }
    }

    /// 503: the database cannot be reached.
    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Roster cannot reach its database right now. Try again shortly.",
            )
        }
    }

    /// 500: a bug or an unexpected failure; the cause is logged, not sent.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. It has been logged.",
            )
        }
    }

    /// The same problem with another sentence for people.
    pub fn with_detail(self, detail: impl Into<String>) -> Self {
        Self {
            detail: detail.into(),
            ..self
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The sentence for people.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        use roster_store::SqlxError;
        match &err {
            StoreError::Database(
                SqlxError::PoolTimedOut | SqlxError::PoolClosed | SqlxError::Io(_),
            ) => ApiError::unavailable(err),
            _ => ApiError::internal(err),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            tracing::error!(
                code = self.code,
                error = format!("{cause:#}"),
                "request failed"
            );
        }
        let title = self.status.canonical_reason().unwrap_or("Error");
        let body = Problem {
            title,
            status: self.status.as_u16(),
            detail: &self.detail,
            code: self.code,
            errors: &self.errors,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
