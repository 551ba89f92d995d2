//! Integration tests of the HTTP API. Every test runs twice, once on a fresh SQLite
//! file and once on a fresh PostgreSQL database (see `support`).

mod support;

mod accounts;
mod clusters;
mod concurrency;
mod events;
mod hardening;
mod isolation;
mod multi_process;
mod nginx;
mod oidc;
mod protections;
mod sessions;
mod sharing;
