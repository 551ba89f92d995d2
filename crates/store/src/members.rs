//! The memberships aggregate: who belongs to which org, with which role and status,
//! and the record of removals that the rejoin rule needs. Every function is scoped by
//! org id, so one org can never read or touch another's members.

use roster_domain::{Email, JoinPath, MemberStatus, Org, OrgId, Role, Timestamp, User, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::orgs::{columns as org_columns, org_from_row};
use crate::users::user_from_row;
use crate::StoreError;

/// A user's place in their org.
#[derive(Debug, Clone)]
pub struct Membership {
    /// The org.
    pub org: Org,
    /// Role in it.
    pub role: Role,
    /// Pending or active.
    pub status: MemberStatus,
}

/// A member as the Users tab lists them.
#[derive(Debug, Clone)]
pub struct Member {
    /// The person.
    pub user: User,
    /// Role in the org.
    pub role: Role,
    /// Pending or active.
    pub status: MemberStatus,
    /// When they joined.
    pub joined_at: Timestamp,
    /// How they joined.
    pub joined_via: JoinPath,
}

const MEMBER_COLUMNS: &str = "u.id, u.email, u.name, u.created_at, \
                              m.role, m.status, m.joined_at, m.joined_via";

/// Adds `user` to `org`. [`StoreError::Duplicate`] when they already belong to an org.
pub async fn insert(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    role: Role,
    status: MemberStatus,
    via: JoinPath,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO memberships (user_id, org_id, role, status, joined_at, joined_via) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user.to_string())
    .bind(org.to_string())
    .bind(role.as_str())
    .bind(status.as_str())
    .bind(now.as_millis())
    .bind(via.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// The membership (with org) of a user, if they belong to one.
pub async fn of_user(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Option<Membership>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT m.role, m.status, {} FROM memberships m JOIN orgs o ON o.id = m.org_id \
         WHERE m.user_id = $1",
        org_columns()
    ))
    .bind(user.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(|row| membership_from_row(&row))
        .transpose()
        .map(Option::flatten)
}

/// One member of `org`.
pub async fn find(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
) -> Result<Option<Member>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.user_id = $2"
    ))
    .bind(org.to_string())
    .bind(user.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(|row| member_from_row(&row)).transpose()
}

/// A page of members ordered by join time, after the `(joined_at, user_id)` cursor.
pub async fn list(
    conn: &mut AnyConnection,
    org: OrgId,
    status: Option<MemberStatus>,
    after: Option<(Timestamp, UserId)>,
    limit: u32,
) -> Result<Vec<Member>, StoreError> {
    let (after_at, after_id) = after.map_or((i64::MIN, String::new()), |(at, id)| {
        (at.as_millis(), id.to_string())
    });
    let rows = sqlx::query(&format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND ($2 = '' OR m.status = $2) \
           AND (m.joined_at > $3 OR (m.joined_at = $3 AND m.user_id > $4)) \
         ORDER BY m.joined_at, m.user_id LIMIT $5"
    ))
    .bind(org.to_string())
    .bind(status.map_or("", MemberStatus::as_str))
    .bind(after_at)
    .bind(after_id)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.iter().map(member_from_row).collect()
}

/// How many members `org` has, of any status.
pub async fn count(conn: &mut AnyConnection, org: OrgId) -> Result<i64, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE org_id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// How many active admins `org` has.
pub async fn count_admins(conn: &mut AnyConnection, org: OrgId) -> Result<i64, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin' AND status = 'active'",
    )
    .bind(org.to_string())
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Makes a pending member active; `false` when there was no such pending member.
pub async fn approve(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE memberships SET status = 'active' WHERE org_id = $1 AND user_id = $2 AND status = 'pending'",
    )
    .bind(org.to_string())
    .bind(user.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes every pending member active; returns how many.
pub async fn approve_all(conn: &mut AnyConnection, org: OrgId) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE memberships SET status = 'active' WHERE org_id = $1 AND status = 'pending'",
    )
    .bind(org.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Changes a member's role; `false` when there was no such member.
pub async fn set_role(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    role: Role,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3")
        .bind(role.as_str())
        .bind(org.to_string())
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a membership; `false` when there was none.
pub async fn delete(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org.to_string())
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Why someone left an org against their will.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    /// An admin removed them.
    Removed,
    /// An admin rejected them while pending.
    Rejected,
}

/// Records (or refreshes) that `user` (with `email`) was removed from or rejected by
/// `org` at `now`. Kept by email and by each of the user's sign-in identities, so it
/// survives the account's deletion and a change of email at the provider.
pub async fn record_removal(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    email: &Email,
    by: UserId,
    why: Departure,
    now: Timestamp,
) -> Result<(), StoreError> {
    let reason = match why {
        Departure::Removed => "removed",
        Departure::Rejected => "rejected",
    };
    sqlx::query(
        "INSERT INTO removals (org_id, email, removed_at, removed_by, reason) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id, email) DO UPDATE SET removed_at = $3, removed_by = $4, reason = $5",
    )
    .bind(org.to_string())
    .bind(email.as_str())
    .bind(now.as_millis())
    .bind(by.to_string())
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO removed_identities (org_id, issuer, subject, removed_at) \
         SELECT $1, issuer, subject, $2 FROM identities WHERE user_id = $3 \
         ON CONFLICT (org_id, issuer, subject) DO UPDATE SET removed_at = $2",
    )
    .bind(org.to_string())
    .bind(now.as_millis())
    .bind(user.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// When `user` (by their email, or by any of their sign-in identities) was last
/// removed from or rejected by `org`, if ever.
pub async fn last_removal(
    conn: &mut AnyConnection,
    org: OrgId,
    user: UserId,
    email: &Email,
) -> Result<Option<Timestamp>, StoreError> {
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(removed_at) FROM ( \
             SELECT removed_at FROM removals WHERE org_id = $1 AND email = $2 \
             UNION ALL \
             SELECT r.removed_at FROM removed_identities r \
             JOIN identities i ON i.issuer = r.issuer AND i.subject = r.subject \
             WHERE r.org_id = $1 AND i.user_id = $3 \
         ) AS removal_times",
    )
    .bind(org.to_string())
    .bind(email.as_str())
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    Ok(at.map(Timestamp::from_millis))
}

/// Reads `m.role`, `m.status` and the org columns of a row where the membership may
/// be missing (a LEFT JOIN); `None` then.
pub(crate) fn membership_from_row(row: &AnyRow) -> Result<Option<Membership>, StoreError> {
    let role: Option<String> = row.try_get("role")?;
    let Some(role) = role else {
        return Ok(None);
    };
    let status: String = row.try_get("status")?;
    Ok(Some(Membership {
        org: org_from_row(row)?,
        role: Role::parse(&role).ok_or(StoreError::Corrupt("memberships.role"))?,
        status: MemberStatus::parse(&status).ok_or(StoreError::Corrupt("memberships.status"))?,
    }))
}

fn member_from_row(row: &AnyRow) -> Result<Member, StoreError> {
    let role: String = row.try_get("role")?;
    let status: String = row.try_get("status")?;
    let via: String = row.try_get("joined_via")?;
    Ok(Member {
        user: user_from_row(row)?,
        role: Role::parse(&role).ok_or(StoreError::Corrupt("memberships.role"))?,
        status: MemberStatus::parse(&status).ok_or(StoreError::Corrupt("memberships.status"))?,
        joined_at: Timestamp::from_millis(row.try_get("joined_at")?),
        joined_via: JoinPath::parse(&via).ok_or(StoreError::Corrupt("memberships.joined_via"))?,
    })
}
