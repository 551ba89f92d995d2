//! Signing in with OpenID Connect providers (Google, or any issuer such as Auth0 or
//! Keycloak), with the `openidconnect` crate: discovery, authorization code with
//! PKCE, `state` and `nonce`, and ID token validation (signature, `iss`, `aud`,
//! `exp`, `nonce`).
//!
//! Identities are keyed by (issuer, `sub`), never by email: an email that already
//! belongs to a password account is refused, not linked. `email_verified` must be
//! true. The Google Workspace domain is the `hd` claim, and only when it equals the
//! email's domain; a user without an org whose domain has an org joins it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use roster_domain::{joining_status, DisplayName, Email, JoinPath, Role, Secret, User, UserId};
use roster_store::identities::{self, PendingLogin};
use roster_store::{audit, members, orgs, sessions, users, StoreError, Tx};
use serde_json::json;
use tokio::sync::Mutex;

use crate::accounts::NewSession;
use crate::http::ApiError;
use crate::orgs::{invites, Actor};
use crate::{AppState, OidcProvider, SignupMode};

mod claims;

/// How long a sign-in may stay at the provider.
const LOGIN_TTL: Duration = Duration::from_secs(600);

type Discovered = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Discovered providers, by name; discovery happens at first use and is retried
/// after a failure.
#[derive(Default)]
pub struct Providers(Mutex<HashMap<String, Arc<Discovered>>>);

fn http_client() -> Result<openidconnect::reqwest::Client, ApiError> {
    // No redirects: a provider must not be able to point Roster at other addresses.
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(ApiError::internal)
}

/// 403 `oidc_refused`: the sign-in with the provider did not go through.
pub fn refused(detail: impl Into<String>) -> ApiError {
    refusal(detail)
}

fn refusal(detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "oidc_refused", detail)
}

fn provider_config<'a>(state: &'a AppState, name: &str) -> Result<&'a OidcProvider, ApiError> {
    state
        .config()
        .oidc
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(ApiError::not_found)
}

async fn client(state: &AppState, provider: &OidcProvider) -> Result<Arc<Discovered>, ApiError> {
    let mut known = state.oidc_providers().0.lock().await;
    if let Some(client) = known.get(&provider.name) {
        return Ok(Arc::clone(client));
    }
    let issuer = IssuerUrl::new(provider.issuer.to_string().trim_end_matches('/').to_owned())
        .map_err(ApiError::internal)?;
    let metadata = CoreProviderMetadata::discover_async(issuer, &http_client()?)
        .await
        .map_err(|e| {
            tracing::warn!(provider = %provider.name, error = %e, "oidc discovery failed");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "oidc_unavailable",
                "The sign-in provider cannot be reached right now.",
            )
        })?;
    let redirect = RedirectUrl::new(format!(
        "{}/auth/oidc/{}/callback",
        state.config().base_url(),
        provider.name
    ))
    .map_err(ApiError::internal)?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(
            provider.client_secret.expose().to_owned(),
        )),
    )
    .set_redirect_uri(redirect);
    let client = Arc::new(client);
    known.insert(provider.name.clone(), Arc::clone(&client));
    Ok(client)
}

/// Starts a sign-in: remembers PKCE verifier and nonce under the hash of a fresh
/// `state`, and returns the provider's URL and the state (for the browser cookie that
/// binds the callback to this browser).
pub async fn start(
    state: &AppState,
    name: &str,
    intent: &str,
    invite: Option<String>,
) -> Result<(String, Secret), ApiError> {
    let provider = provider_config(state, name)?;
    let client = client(state, provider).await?;
    let intent = if intent == "signup" {
        "signup"
    } else {
        "login"
    };
    let login_state = Secret::generate();
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();

    let state_value = login_state.expose().to_owned();
    let (url, _, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state_value),
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let now = state.clock().now();
    let pending = PendingLogin {
        provider: provider.name.clone(),
        pkce_verifier: verifier.secret().clone(),
        nonce: nonce.secret().clone(),
        intent: intent.to_owned(),
        invite_token: invite.filter(|i| !i.is_empty()),
        created_at: now,
    };
    let mut tx = state.store().begin().await?;
    let stale =
        roster_domain::Timestamp::from_millis(now.as_millis() - LOGIN_TTL.as_millis() as i64);
    identities::forget_logins_before(tx.conn(), stale).await?;
    identities::start_login(tx.conn(), &login_state.hash(), &pending).await?;
    tx.commit_unannounced().await?;

    Ok((url.to_string(), login_state))
}

/// Finishes a sign-in at the callback: checks the state against the browser's cookie
/// and takes it (single use), exchanges the code with the PKCE verifier, validates the
/// ID token, then signs the user in (creating the account, joining by invite link or
/// Workspace domain) in one transaction.
pub async fn finish(
    state: &AppState,
    name: &str,
    code: &str,
    returned_state: &str,
    cookie_state: Option<&str>,
    ip: IpAddr,
) -> Result<NewSession, ApiError> {
    let provider = provider_config(state, name)?;
    let expired = || refusal("This sign-in has expired or was already used. Start again.");
    let returned = Secret::from_presented(returned_state).ok_or_else(expired)?;
    let bound = cookie_state
        .and_then(Secret::from_presented)
        .ok_or_else(expired)?;
    if !returned.hash().ct_eq(&bound.hash()) {
        return Err(expired());
    }
    let pending = {
        let mut tx = state.store().begin().await?;
        let pending = identities::take_login(tx.conn(), &returned.hash()).await?;
        tx.commit_unannounced().await?;
        pending.ok_or_else(expired)?
    };
    let now = state.clock().now();
    if pending.provider != provider.name || now >= pending.created_at.plus(LOGIN_TTL) {
        return Err(expired());
    }

    let client = client(state, provider).await?;
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(ApiError::internal)?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
        .request_async(&http_client()?)
        .await
        .map_err(|e| {
            tracing::warn!(provider = %provider.name, error = %e, "oidc code exchange failed");
            refusal("The sign-in provider did not confirm this sign-in. Start again.")
        })?;
    let id_token = token
        .id_token()
        .ok_or_else(|| refusal("The sign-in provider sent no ID token."))?;
    let verified = id_token
        .claims(
            &client.id_token_verifier(),
            &Nonce::new(pending.nonce.clone()),
        )
        .map_err(|e| {
            tracing::warn!(provider = %provider.name, error = %e, "oidc id token refused");
            refusal("The sign-in provider's answer could not be verified.")
        })?;
    let person = claims::Person::from_verified(verified, &id_token.to_string())?;

    let mut tx = state.store().begin().await?;
    let user = account(state, &mut tx, &person, &pending, now).await?;
    let secret = Secret::generate();
    sessions::insert(tx.conn(), &secret.hash(), user.id, now).await?;
    if members::of_user(tx.conn(), user.id).await?.is_none() {
        if let Some(token) = &pending.invite_token {
            invites::join_in(&mut tx, token, &user, ip, now).await?;
        } else if let Some(domain) = &person.workspace_domain {
            join_by_domain(&mut tx, &user, domain, ip, now).await?;
        }
    }
    tx.commit().await?;

    tracing::info!(user_id = %user.id, provider = %provider.name, "signed in with oidc");
    Ok(NewSession { user, secret })
}

/// The user behind the identity, creating the account on first sign-in.
async fn account(
    state: &AppState,
    tx: &mut Tx,
    person: &claims::Person,
    pending: &PendingLogin,
    now: roster_domain::Timestamp,
) -> Result<User, ApiError> {
    if let Some(user) = identities::find(tx.conn(), &person.issuer, &person.subject).await? {
        identities::set_workspace_domain(
            tx.conn(),
            &person.issuer,
            &person.subject,
            person.workspace_domain.as_deref(),
        )
        .await?;
        return Ok(user);
    }
    if users::find_by_email(tx.conn(), &person.email)
        .await?
        .is_some()
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "email_taken",
            format!(
                "An account with {} exists already, and it is not tied to this sign-in. Sign in with your password instead.",
                person.email
            ),
        ));
    }
    if state.config().signup == SignupMode::InviteOnly && pending.invite_token.is_none() {
        let domain_org = match &person.workspace_domain {
            Some(domain) => orgs::find_by_domain(tx.conn(), domain).await?,
            None => None,
        };
        if domain_org.is_none() {
            return Err(ApiError::forbidden(
                "Sign-up on this Roster is by invitation only. Ask an admin for an invite link.",
            ));
        }
    }

    let user = User {
        id: UserId::generate(),
        email: person.email.clone(),
        name: person.name.clone(),
        created_at: now,
    };
    users::insert(tx.conn(), &user, None)
        .await
        .map_err(|e| match e {
            StoreError::Duplicate => ApiError::email_taken(),
            other => other.into(),
        })?;
    identities::insert(
        tx.conn(),
        &person.issuer,
        &person.subject,
        user.id,
        person.email.as_str(),
        person.workspace_domain.as_deref(),
        now,
    )
    .await?;
    tracing::info!(user_id = %user.id, "account created with oidc");
    Ok(user)
}

/// Joins the org of the user's Workspace domain, if there is one: pending when the
/// org wants approvals or the person was removed from it before.
pub(crate) async fn join_by_domain(
    tx: &mut Tx,
    user: &User,
    domain: &str,
    ip: IpAddr,
    now: roster_domain::Timestamp,
) -> Result<Option<roster_domain::Org>, ApiError> {
    let Some(org) = orgs::find_by_domain(tx.conn(), domain).await? else {
        return Ok(None);
    };
    orgs::lock(tx.conn(), org.id).await?;
    users::lock(tx.conn(), user.id).await?;
    let removed = members::last_removal(tx.conn(), org.id, &user.email).await?;
    let status = joining_status(org.approvals_enabled, removed.is_some());
    members::insert(
        tx.conn(),
        org.id,
        user.id,
        Role::Member,
        status,
        JoinPath::Domain,
        now,
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate => ApiError::already_in_org(),
        other => other.into(),
    })?;
    let actor = Actor {
        user: user.clone(),
        org_id: org.id,
        ip,
    };
    let detail = json!({"via": "domain", "domain": domain, "status": status.as_str()});
    audit::record(
        tx.conn(),
        &actor.event("member.joined", now, Some(user), Some(detail)),
    )
    .await?;
    tracing::info!(org_id = %org.id, user_id = %user.id, status = status.as_str(), "member joined by workspace domain");
    Ok(Some(org))
}

/// A display name from the provider, or the email's local part.
fn display_name(name: Option<&str>, email: &Email) -> DisplayName {
    name.and_then(|n| DisplayName::parse(n).ok())
        .or_else(|| DisplayName::parse(email.as_str().split('@').next().unwrap_or("user")).ok())
        .unwrap_or_else(|| DisplayName::from_trusted("User".to_owned()))
}
