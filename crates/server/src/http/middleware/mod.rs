//! Middleware every request passes through.

mod access_log;
mod csrf;
mod headers;

pub use access_log::access_log;
pub use csrf::{csrf_guard, is_cross_site};
pub use headers::{api_problems, security_headers};
