//! The audit log: who did what to whom, when, from where. Append-only; read newest
//! first, one org at a time.

use roster_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::StoreError;

/// One audit event.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// Time-ordered id; also the pagination cursor.
    pub id: String,
    /// The org it happened in.
    pub org_id: OrgId,
    /// When.
    pub at: Timestamp,
    /// Who did it (user id and email), if a person did.
    pub actor: Option<(String, String)>,
    /// What, e.g. `member.removed`.
    pub action: String,
    /// To whom (user id and email), if anyone.
    pub target: Option<(String, String)>,
    /// Details as a JSON text, e.g. `{"from":"member","to":"admin"}`.
    pub detail: Option<String>,
    /// The client address of the request.
    pub client_ip: Option<String>,
}

impl AuditEvent {
    /// A new event with a fresh id.
    pub fn new(org_id: OrgId, at: Timestamp, action: &str) -> Self {
        Self {
            id: Uuid::now_v7().to_string(),
            org_id,
            at,
            actor: None,
            action: action.to_owned(),
            target: None,
            detail: None,
            client_ip: None,
        }
    }
}

/// Appends an event.
pub async fn record(conn: &mut AnyConnection, event: &AuditEvent) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (id, org_id, at, actor_id, actor_email, action, target_id, target_email, detail, client_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&event.id)
    .bind(event.org_id.to_string())
    .bind(event.at.as_millis())
    .bind(event.actor.as_ref().map(|(id, _)| id.as_str()))
    .bind(event.actor.as_ref().map(|(_, email)| email.as_str()))
    .bind(&event.action)
    .bind(event.target.as_ref().map(|(id, _)| id.as_str()))
    .bind(event.target.as_ref().map(|(_, email)| email.as_str()))
    .bind(event.detail.as_deref())
    .bind(event.client_ip.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Up to `limit` events of `org`, newest first, older than the `before` id if given.
pub async fn list(
    conn: &mut AnyConnection,
    org: OrgId,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditEvent>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, org_id, at, actor_id, actor_email, action, target_id, target_email, detail, client_ip \
         FROM audit_log WHERE org_id = $1 AND ($2 = '' OR id < $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(org.to_string())
    .bind(before.unwrap_or(""))
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.iter().map(event_from_row).collect()
}

fn event_from_row(row: &AnyRow) -> Result<AuditEvent, StoreError> {
    let org: String = row.try_get("org_id")?;
    let pair =
        |id: Option<String>, email: Option<String>| id.map(|id| (id, email.unwrap_or_default()));
    Ok(AuditEvent {
        id: row.try_get("id")?,
        org_id: OrgId::parse(&org).ok_or(StoreError::Corrupt("audit_log.org_id"))?,
        at: Timestamp::from_millis(row.try_get("at")?),
        actor: pair(row.try_get("actor_id")?, row.try_get("actor_email")?),
        action: row.try_get("action")?,
        target: pair(row.try_get("target_id")?, row.try_get("target_email")?),
        detail: row.try_get("detail")?,
        client_ip: row.try_get("client_ip")?,
    })
}
