//! Storage errors, and the one place where database errors are classified.

use thiserror::Error;

/// What can go wrong in storage.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique constraint refused the change (e.g. an email already registered).
    #[error("a unique constraint refused the change")]
    Duplicate,
    /// The database could not be reached or answered with an error.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// Running the migrations failed.
    #[error("migration failed")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value could not be read back into a domain type.
    #[error("corrupt row: {0}")]
    Corrupt(&'static str),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let unique = err
            .as_database_error()
            .is_some_and(|db| db.is_unique_violation());
        if unique {
            StoreError::Duplicate
        } else {
            StoreError::Database(err)
        }
    }
}
