//! What is about HTTP itself: the error type every handler returns, extractors that
//! answer bad input with problem documents, the session cookie, and middleware.

pub(crate) mod auth;
mod cookie;
mod error;
mod extract;
pub mod middleware;

pub use auth::{authenticate, ActiveMember, Credential, CurrentUser, SignedIn, API_KEY_PREFIX};
pub use cookie::{
    clear_oidc_cookie, clear_oidc_invite_cookie, clear_session_cookie, cookie_values, oidc_cookie,
    oidc_invite_cookie, session_cookie, session_secret, OIDC_COOKIE, OIDC_INVITE_COOKIE,
    SESSION_COOKIE,
};
pub use error::{ApiError, FieldError};
pub use extract::{ApiJson, ClientIp};
