//! API keys: each user's own keys for the CLI and scripts. A key is shown once,
//! stored as a hash, bound to the org the user is in, and dies with that membership.

use roster_domain::{Permission, Secret, Timestamp};
use roster_store::api_keys::{self, ApiKey};
use roster_store::audit;
use serde_json::json;
use uuid::Uuid;

use crate::http::{ApiError, API_KEY_PREFIX};
use crate::orgs::{begin_as, Actor};
use crate::AppState;

/// A description of what a key is for: 1–100 characters, no control characters.
pub fn parse_description(input: &str) -> Result<String, ApiError> {
    let description = input.trim();
    let len = description.chars().count();
    if !(1..=100).contains(&len) || description.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "description",
            "Describe the key in 1 to 100 characters, e.g. \"CI pipeline\".",
        ));
    }
    Ok(description.to_owned())
}

/// A new key: the full text to show once, the prefix to list, and the secret part
/// whose hash is stored.
pub struct NewKey {
    /// Id of the key.
    pub id: String,
    /// `kind` + 256-bit secret: shown once.
    pub full: String,
    /// The first characters, to recognize the key in lists.
    pub prefix: String,
    /// The secret, for its hash.
    pub secret: Secret,
}

impl NewKey {
    /// A fresh key whose text starts with `kind` (such as `rk_`).
    pub fn generate(kind: &str) -> Self {
        let secret = Secret::generate();
        let full = format!("{kind}{}", secret.expose());
        let prefix = full.chars().take(kind.len() + 6).collect();
        Self {
            id: Uuid::now_v7().to_string(),
            full,
            prefix,
            secret,
        }
    }
}

/// Makes a key for the actor; returns it with the full key, which is never shown again.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    description: String,
) -> Result<(ApiKey, String), ApiError> {
    let now: Timestamp = state.clock().now();
    let NewKey {
        id,
        full: key,
        prefix,
        secret,
    } = NewKey::generate(API_KEY_PREFIX);

    let mut tx = begin_as(state, actor, Permission::OwnApiKeys).await?;
    api_keys::insert(
        tx.conn(),
        &id,
        actor.user.id,
        actor.org_id,
        &description,
        &prefix,
        &secret.hash(),
        now,
    )
    .await?;
    audit::record(
        tx.conn(),
        &actor.event(
            "api_key.created",
            now,
            Some(&actor.user),
            Some(json!({"api_key_id": id, "prefix": prefix})),
        ),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(user_id = %actor.user.id, api_key_id = %id, "api key created");
    let listed = ApiKey {
        id,
        description,
        prefix,
        created_at: now,
        last_used_at: None,
    };
    Ok((listed, key))
}

/// The actor's live keys in their org.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<ApiKey>, ApiError> {
    let mut conn = state.store().conn().await?;
    Ok(api_keys::list(&mut conn, actor.user.id, actor.org_id).await?)
}

/// Deletes one of the actor's keys.
pub async fn delete(state: &AppState, actor: &Actor, id: &str) -> Result<(), ApiError> {
    let now = state.clock().now();

    let mut tx = begin_as(state, actor, Permission::OwnApiKeys).await?;
    if !api_keys::revoke(tx.conn(), actor.user.id, id, now).await? {
        return Err(ApiError::not_found());
    }
    audit::record(
        tx.conn(),
        &actor.event(
            "api_key.deleted",
            now,
            Some(&actor.user),
            Some(json!({"api_key_id": id})),
        ),
    )
    .await?;
    tx.commit().await?;

    tracing::info!(user_id = %actor.user.id, api_key_id = %id, "api key deleted");
    Ok(())
}
