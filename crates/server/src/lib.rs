//! Roster's HTTP server: the JSON API under `/api/v1`, the server-rendered pages,
//! and the middleware every request passes (request log, CSRF rule, limits).
//!
//! Layout: `http/` holds what is about HTTP itself (errors, extractors, middleware,
//! cookies); `accounts/` holds the operations on accounts and sessions that both the
//! API and the pages call; `api/` and `pages/` are thin handlers over those.

pub mod accounts;
pub mod api;
mod app;
pub mod clusters;
mod config;
pub mod http;
pub mod keys;
pub mod oidc;
pub mod orgs;
mod pages;
mod state;
mod telemetry;

pub use app::router;
pub use config::{OidcProvider, SecretString, ServerConfig, SignupMode};
pub use state::AppState;
