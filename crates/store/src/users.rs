//! The users aggregate: accounts and their password hashes.

use roster_domain::{DisplayName, Email, PasswordHash, Timestamp, User, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// Inserts a new account. [`StoreError::Duplicate`] when the email is taken.
pub async fn insert(
    conn: &mut AnyConnection,
    user: &User,
    password: Option<&PasswordHash>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user.id.to_string())
    .bind(user.email.as_str())
    .bind(user.name.as_str())
    .bind(password.map(PasswordHash::as_str))
    .bind(user.created_at.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// The account with this email and its password hash, if any.
pub async fn find_by_email(
    conn: &mut AnyConnection,
    email: &Email,
) -> Result<Option<(User, Option<PasswordHash>)>, StoreError> {
    let row = sqlx::query(
        "SELECT id, email, name, created_at, password_hash FROM users WHERE email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        let hash: Option<String> = row.try_get("password_hash")?;
        Ok((user_from_row(&row)?, hash.map(PasswordHash::from_trusted)))
    })
    .transpose()
}

/// Whether any account exists at all (for the first-run setup link).
pub async fn any_exist(conn: &mut AnyConnection) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT id FROM users LIMIT 1")
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// Takes the user's row lock for the rest of the transaction: changes to who the
/// user is and where they belong (joining, creating an org, deleting the account)
/// then happen one after the other.
pub async fn lock(conn: &mut AnyConnection, id: UserId) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE users SET name = name WHERE id = $1")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes an account; its sessions go with it (foreign key cascade).
pub async fn delete(conn: &mut AnyConnection, id: UserId) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Reads the user columns (`id`, `email`, `name`, `created_at`) of a row.
pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let id: String = row.try_get("id")?;
    Ok(User {
        id: UserId::parse(&id).ok_or(StoreError::Corrupt("users.id"))?,
        email: Email::from_trusted(row.try_get("email")?),
        name: DisplayName::from_trusted(row.try_get("name")?),
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
    })
}
