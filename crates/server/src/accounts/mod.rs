//! Account operations shared by the JSON API and the pages: sign-up, sign-in,
//! sign-out and account deletion. Each parses nothing (input arrives as domain types)
//! and runs its writes in one transaction.

use std::net::IpAddr;

use roster_domain::{DisplayName, Email, Password, Secret, User, UserId};
use roster_store::{members, sessions, users, StoreError};

use crate::http::{ApiError, Credential, FieldError, SignedIn};
use crate::orgs::{self, invites, Actor};
use crate::{AppState, SignupMode};

/// What a sign-up asks for, already parsed.
pub struct SignupRequest {
    /// Normalized email.
    pub email: Email,
    /// Password that meets the policy.
    pub password: Password,
    /// Display name.
    pub name: DisplayName,
    /// The one-time setup token of an empty invite-only instance, if presented.
    pub setup_token: Option<String>,
    /// An invite link's token: the new account joins its org in the same change.
    pub invite_token: Option<String>,
}

/// A new session for `user`; the secret goes into the cookie, once.
pub struct NewSession {
    /// The user now signed in.
    pub user: User,
    /// The session id to set as cookie.
    pub secret: Secret,
}

/// Parses the raw sign-up fields, collecting every problem at once.
pub fn parse_signup(
    email: &str,
    password: String,
    name: &str,
    setup_token: Option<String>,
    invite_token: Option<String>,
) -> Result<SignupRequest, ApiError> {
    let email = Email::parse(email);
    let password = Password::parse(password);
    let name = DisplayName::parse(name);
    match (email, password, name) {
        (Ok(email), Ok(password), Ok(name)) => Ok(SignupRequest {
            email,
            password,
            name,
            setup_token,
            invite_token: invite_token.filter(|t| !t.is_empty()),
        }),
        (email, password, name) => {
            let mut errors = Vec::new();
            if let Err(e) = email {
                errors.push(FieldError {
                    field: "email",
                    message: e.to_string(),
                });
            }
            if let Err(e) = password {
                errors.push(FieldError {
                    field: "password",
                    message: e.to_string(),
                });
            }
            if let Err(e) = name {
                errors.push(FieldError {
                    field: "name",
                    message: e.to_string(),
                });
            }
            Err(ApiError::validation(errors))
        }
    }
}

/// Creates an account and signs it in; with an invite token, the account joins the
/// link's org in the same transaction, and no account is created if the link fails.
pub async fn sign_up(
    state: &AppState,
    request: SignupRequest,
    ip: IpAddr,
) -> Result<NewSession, ApiError> {
    let setup = match state.config().signup {
        SignupMode::Open => None,
        SignupMode::InviteOnly if request.invite_token.is_some() => None,
        SignupMode::InviteOnly => {
            let presented = request
                .setup_token
                .as_deref()
                .and_then(Secret::from_presented)
                .map(|s| s.hash())
                .filter(|hash| state.take_setup_token(hash));
            match presented {
                Some(hash) => Some(hash),
                None => {
                    return Err(ApiError::forbidden(
                        "Sign-up on this Roster is by invitation only. Ask an admin for an invite link.",
                    ))
                }
            }
        }
    };

    let hash = state.hash_password(request.password).await?;
    let now = state.clock().now();
    let user = User {
        id: UserId::generate(),
        email: request.email,
        name: request.name,
        created_at: now,
    };
    let secret = Secret::generate();

    let result = async {
        let mut tx = state.store().begin().await?;
        users::insert(tx.conn(), &user, Some(&hash))
            .await
            .map_err(|e| match e {
                StoreError::Duplicate => ApiError::email_taken(),
                other => other.into(),
            })?;
        sessions::insert(tx.conn(), &secret.hash(), user.id, now).await?;
        if let Some(token) = &request.invite_token {
            invites::join_in(&mut tx, token, &user, ip, now).await?;
        }
        tx.commit().await.map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(()) => {
            tracing::info!(user_id = %user.id, "account created");
            Ok(NewSession { user, secret })
        }
        Err(err) => {
            if let Some(hash) = setup {
                state.restore_setup_token(hash);
            }
            Err(err)
        }
    }
}

/// Checks email and password and opens a new session. Unknown emails and wrong
/// passwords get the same answer after the same amount of work. With an invite token
/// the user also joins the link's org, in the same transaction as the new session.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
    invite_token: Option<&str>,
    ip: IpAddr,
) -> Result<NewSession, ApiError> {
    let password = Password::for_verification(password);
    let Ok(email) = Email::parse(email) else {
        state.verify_password(password, None).await?;
        return Err(ApiError::bad_credentials());
    };

    let found = {
        let mut conn = state.store().conn().await?;
        users::find_by_email(&mut conn, &email).await?
    };
    let (user, stored) = match found {
        Some((user, stored)) => (Some(user), stored),
        None => (None, None),
    };
    let matches = state.verify_password(password, stored).await?;
    let Some(user) = user.filter(|_| matches) else {
        return Err(ApiError::bad_credentials());
    };

    let secret = Secret::generate();
    let now = state.clock().now();
    let mut tx = state.store().begin().await?;
    sessions::insert(tx.conn(), &secret.hash(), user.id, now).await?;
    if let Some(token) = invite_token.filter(|t| !t.is_empty()) {
        if members::of_user(tx.conn(), user.id).await?.is_some() {
            return Err(ApiError::already_in_org());
        }
        invites::join_in(&mut tx, token, &user, ip, now).await?;
    }
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "signed in");
    Ok(NewSession { user, secret })
}

/// Revokes the session used for this request (API keys are deleted, not signed out).
pub async fn sign_out(state: &AppState, signed_in: &SignedIn) -> Result<(), ApiError> {
    let Credential::Session(session) = &signed_in.credential else {
        return Err(ApiError::session_required());
    };
    let mut tx = state.store().begin().await?;
    sessions::revoke(tx.conn(), session, state.clock().now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the signed-in user's account and every session of it. Leaving the org
/// first follows the same last-admin rule as leaving.
pub async fn delete_account(
    state: &AppState,
    signed_in: &SignedIn,
    ip: IpAddr,
) -> Result<(), ApiError> {
    signed_in.require_session()?;
    let now = state.clock().now();

    let mut tx = state.store().begin().await?;
    users::lock(tx.conn(), signed_in.user.id).await?;
    if let Some(membership) = members::of_user(tx.conn(), signed_in.user.id).await? {
        let actor = Actor::new(signed_in, membership.org.id, ip);
        orgs::leave_in(&mut tx, &actor, now).await?;
    }
    users::delete(tx.conn(), signed_in.user.id).await?;
    tx.commit().await?;
    tracing::info!(user_id = %signed_in.user.id, "account deleted");
    Ok(())
}

/// Deletes the sessions that can no longer be used (revoked or expired), so that the
/// table does not grow forever. Run now and then; returns how many went.
pub async fn purge_sessions(state: &AppState) -> Result<u64, ApiError> {
    let now = state.clock().now().as_millis();
    let policy = state.config().sessions;
    let before = |d: std::time::Duration| {
        roster_domain::Timestamp::from_millis(
            now - i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        )
    };
    let mut tx = state.store().begin().await?;
    let purged = sessions::purge(
        tx.conn(),
        before(policy.idle_timeout),
        before(policy.absolute_lifetime),
    )
    .await?;
    tx.commit_unannounced().await?;
    Ok(purged)
}
