//! Roster's storage: one code path over SQLite and PostgreSQL.
//!
//! Queries are portable SQL run through sqlx's `Any` driver with `$N` placeholders,
//! which both databases accept; the migrations in `migrations/` are shared too. Each
//! aggregate has its own module of free functions taking a connection, so that a
//! handler can compose several of them inside one transaction ([`Store::begin`]).
//!
//! SQLite allows one writer at a time. Rather than let concurrent write transactions
//! fail with `SQLITE_BUSY` when they upgrade their locks, [`Store::begin`] takes a
//! process-wide write lock on SQLite; PostgreSQL transactions run concurrently and
//! rely on row locks taken by the statements themselves.

pub mod api_keys;
pub mod audit;
mod changes;
pub mod clusters;
mod db;
pub mod deploy_keys;
mod error;
pub mod identities;
pub mod invites;
pub mod members;
pub mod orgs;
pub mod sessions;
pub mod users;

pub use changes::ChangeEpoch;
pub use db::{Backend, Store, Tx};
pub use error::StoreError;
pub use sqlx::AnyConnection as Connection;
pub use sqlx::Error as SqlxError;
