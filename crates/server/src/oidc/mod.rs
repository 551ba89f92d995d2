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
use std::time::{Duration, Instant};

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

/// Discovered providers, by name, with when they were discovered. Discovery happens
/// at first use, again after an hour (providers rotate their signing keys), and
/// again when an ID token does not verify against the keys known (at most once a
/// minute).
#[derive(Default)]
pub struct Providers(Mutex<HashMap<String, (Arc<Discovered>, Instant)>>);

/// How long discovered metadata and keys are trusted.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// The least time between two discoveries forced by unverifiable tokens.
const REDISCOVERY_PAUSE: Duration = Duration::from_secs(60);

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

async fn client(
    state: &AppState,
    provider: &OidcProvider,
    refresh: bool,
) -> Result<Arc<Discovered>, ApiError> {
    // The lock is held only to read and to store, never across the network, so a
    // slow provider does not hold up sign-ins with the others.
    {
        let known = state.oidc_providers().0.lock().await;
        if let Some((client, at)) = known.get(&provider.name) {
            let fresh_enough = if refresh {
                at.elapsed() < REDISCOVERY_PAUSE
            } else {
                at.elapsed() < DISCOVERY_TTL
            };
            if fresh_enough {
                return Ok(Arc::clone(client));
            }
        }
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
    state
        .oidc_providers()
        .0
        .lock()
        .await
        .insert(provider.name.clone(), (Arc::clone(&client), Instant::now()));
    Ok(client)
}

/// Starts a sign-in: remembers PKCE verifier and nonce under the hash of a fresh
/// `state`, and returns the provider's URL and the state (for the browser cookie that
/// binds the callback to this browser).
pub async fn start(
    state: &AppState,
    name: &str,
    intent: &str,
) -> Result<(String, Secret), ApiError> {
    let provider = provider_config(state, name)?;
    let client = client(state, provider, false).await?;
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
    invite: Option<&str>,
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

    let discovered = client(state, provider, false).await?;
    let token = discovered
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
    let nonce = Nonce::new(pending.nonce.clone());
    let verified = match id_token.claims(&discovered.id_token_verifier(), &nonce) {
        Ok(claims) => claims.clone(),
        Err(first) => {
            // Perhaps the provider rotated its keys since discovery: look again, once.
            tracing::info!(provider = %provider.name, error = %first, "oidc id token did not verify; rediscovering keys");
            let fresh = client(state, provider, true).await?;
            let retried = id_token.claims(&fresh.id_token_verifier(), &nonce).cloned();
            retried.map_err(|e| {
                tracing::warn!(provider = %provider.name, error = %e, "oidc id token refused");
                refusal("The sign-in provider's answer could not be verified.")
            })?
        }
    };
    let person =
        claims::Person::from_verified(&verified, &id_token.to_string()).inspect_err(|e| {
            tracing::info!(provider = %provider.name, reason = e.detail(), "oidc sign-in refused");
        })?;
    let invite_usable = match invite {
        Some(token) => invites::lookup(state, token).await.is_ok(),
        None => false,
    };

    let mut tx = state.store().begin().await?;
    let user = account(state, &mut tx, &person, invite_usable, now)
        .await
        .inspect_err(|e| {
            tracing::info!(provider = %provider.name, reason = e.detail(), "oidc sign-in refused");
        })?;
    // The Workspace domain counts only when it is the domain of the account's own
    // email (which an identity cannot change by changing its email at the provider).
    let domain = person
        .workspace_domain
        .as_deref()
        .filter(|d| *d == user.email.domain());
    identities::set_workspace_domain(tx.conn(), &person.issuer, &person.subject, domain).await?;
    let secret = Secret::generate();
    sessions::insert(tx.conn(), &secret.hash(), user.id, now).await?;
    // Someone who came with an invite link decides on the invite page, with an
    // explicit POST; only without one does their Workspace domain place them.
    if invite.is_none() && members::of_user(tx.conn(), user.id).await?.is_none() {
        if let Some(domain) = domain {
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
    invite_usable: bool,
    now: roster_domain::Timestamp,
) -> Result<User, ApiError> {
    if let Some(user) = identities::find(tx.conn(), &person.issuer, &person.subject).await? {
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
                "An account with {} exists already, and it is not tied to this sign-in. Sign in the way that account was made (with its password), or ask an admin.",
                person.email
            ),
        ));
    }
    if state.config().signup == SignupMode::InviteOnly && !invite_usable {
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
    let removed = members::last_removal(tx.conn(), org.id, user.id, &user.email).await?;
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
