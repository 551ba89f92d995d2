//! JSON shapes of the API's answers, built from domain and storage values.

use roster_domain::{Org, Timestamp, User};
use roster_store::api_keys::ApiKey;
use roster_store::audit::AuditEvent;
use roster_store::invites::InviteLink;
use roster_store::members::{Member, Membership};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::http::SignedIn;

/// A user.
#[derive(Serialize, ToSchema)]
pub struct UserView {
    id: String,
    email: String,
    name: String,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.to_string(),
            name: user.name.as_str().to_owned(),
        }
    }
}

/// An org.
#[derive(Serialize, ToSchema)]
pub struct OrgView {
    id: String,
    name: String,
    workspace_domain: Option<String>,
    approvals_enabled: bool,
    created_at: String,
}

impl From<&Org> for OrgView {
    fn from(org: &Org) -> Self {
        Self {
            id: org.id.to_string(),
            name: org.name.as_str().to_owned(),
            workspace_domain: org.workspace_domain.clone(),
            approvals_enabled: org.approvals_enabled,
            created_at: org.created_at.to_rfc3339(),
        }
    }
}

/// The caller's role and status.
#[derive(Serialize, ToSchema)]
pub struct MembershipView {
    role: &'static str,
    status: &'static str,
}

/// `GET /me`: the user, their org and membership (both `null` without an org).
#[derive(Serialize, ToSchema)]
pub struct MeView {
    user: UserView,
    org: Option<OrgView>,
    membership: Option<MembershipView>,
}

impl MeView {
    /// The view of a user and their membership.
    pub fn new(user: &User, membership: Option<&Membership>) -> Self {
        Self {
            user: user.into(),
            org: membership.map(|m| (&m.org).into()),
            membership: membership.map(|m| MembershipView {
                role: m.role.as_str(),
                status: m.status.as_str(),
            }),
        }
    }
}

impl From<&SignedIn> for MeView {
    fn from(signed_in: &SignedIn) -> Self {
        Self::new(&signed_in.user, signed_in.membership.as_ref())
    }
}

/// A member in the members list.
#[derive(Serialize, ToSchema)]
pub struct MemberView {
    user_id: String,
    email: String,
    name: String,
    role: &'static str,
    status: &'static str,
    joined_at: String,
    joined_via: &'static str,
}

impl From<&Member> for MemberView {
    fn from(m: &Member) -> Self {
        Self {
            user_id: m.user.id.to_string(),
            email: m.user.email.to_string(),
            name: m.user.name.as_str().to_owned(),
            role: m.role.as_str(),
            status: m.status.as_str(),
            joined_at: m.joined_at.to_rfc3339(),
            joined_via: m.joined_via.as_str(),
        }
    }
}

/// An invite link as listed (never with its token).
#[derive(Serialize, ToSchema)]
pub struct InviteLinkView {
    id: String,
    created_at: String,
    expires_at: String,
    max_uses: Option<i64>,
    uses: i64,
}

impl From<&InviteLink> for InviteLinkView {
    fn from(l: &InviteLink) -> Self {
        Self {
            id: l.id.clone(),
            created_at: l.created_at.to_rfc3339(),
            expires_at: l.expires_at.to_rfc3339(),
            max_uses: l.max_uses,
            uses: l.uses,
        }
    }
}

/// An API key as listed (never with its secret).
#[derive(Serialize, ToSchema)]
pub struct ApiKeyView {
    id: String,
    description: String,
    prefix: String,
    created_at: String,
    last_used_at: Option<String>,
}

impl From<&ApiKey> for ApiKeyView {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.clone(),
            description: k.description.clone(),
            prefix: k.prefix.clone(),
            created_at: k.created_at.to_rfc3339(),
            last_used_at: k.last_used_at.map(Timestamp::to_rfc3339),
        }
    }
}

/// Someone named in an audit event.
#[derive(Serialize, ToSchema)]
pub struct PersonRef {
    id: String,
    email: String,
}

/// One audit event.
#[derive(Serialize, ToSchema)]
pub struct AuditEventView {
    id: String,
    at: String,
    action: String,
    actor: Option<PersonRef>,
    target: Option<PersonRef>,
    #[schema(value_type = Option<Object>)]
    detail: Option<Value>,
    client_ip: Option<String>,
}

impl From<&AuditEvent> for AuditEventView {
    fn from(e: &AuditEvent) -> Self {
        let person = |p: &Option<(String, String)>| {
            p.as_ref().map(|(id, email)| PersonRef {
                id: id.clone(),
                email: email.clone(),
            })
        };
        Self {
            id: e.id.clone(),
            at: e.at.to_rfc3339(),
            action: e.action.clone(),
            actor: person(&e.actor),
            target: person(&e.target),
            detail: e
                .detail
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok()),
            client_ip: e.client_ip.clone(),
        }
    }
}
