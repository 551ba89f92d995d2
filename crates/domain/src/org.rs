//! Organizations, memberships, roles and the way people joined.

use std::fmt;

use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

use crate::Timestamp;

/// An org's stable id (UUID v7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OrgId(Uuid);

impl OrgId {
    /// A new, time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// Parses the textual form; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Uuid::parse_str(s).ok().map(Self)
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An org name: 3–50 characters of letters, digits, spaces, `-` and `_`, trimmed.
/// Unique across orgs, compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName(String);

/// Why an org name was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrgNameError {
    /// Shorter than 3 or longer than 50 characters.
    #[error("The organization name must be 3 to 50 characters long.")]
    Length,
    /// A character outside letters, digits, spaces, `-` and `_`.
    #[error("The organization name may contain letters, digits, spaces, - and _ only.")]
    Characters,
}

impl OrgName {
    /// Parses user input.
    pub fn parse(input: &str) -> Result<Self, OrgNameError> {
        let name = input.trim();
        let len = name.chars().count();
        if !(3..=50).contains(&len) {
            return Err(OrgNameError::Length);
        }
        let allowed = |c: char| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_';
        if !name.chars().all(allowed) {
            return Err(OrgNameError::Characters);
        }
        Ok(Self(name.to_owned()))
    }

    /// Wraps a value read back from storage.
    pub fn from_trusted(name: String) -> Self {
        Self(name)
    }

    /// The name as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form under which uniqueness is enforced: compatibility-normalized (NFKC,
    /// so full-width "Ａcme" is "Acme") and lower-cased. Look-alikes across scripts
    /// (Cyrillic "А" for Latin "A") remain distinct names.
    pub fn unique_key(&self) -> String {
        use unicode_normalization::UnicodeNormalization;
        self.0.nfkc().collect::<String>().to_lowercase()
    }
}

/// An organization.
#[derive(Debug, Clone)]
pub struct Org {
    /// Stable id.
    pub id: OrgId,
    /// Display name, unique.
    pub name: OrgName,
    /// The Google Workspace domain of a Workspace org (lower-case ASCII).
    pub workspace_domain: Option<String>,
    /// Whether new members start pending.
    pub approvals_enabled: bool,
    /// When the org was created.
    pub created_at: Timestamp,
}

/// What a member may do, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including managing the org.
    Admin,
    /// View, query and deploy.
    Member,
    /// View and query only.
    Viewer,
}

impl Role {
    /// The stored and API form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    /// Parses the stored and API form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
}

/// Whether a member has been let in yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    /// Joined, waiting for an admin's approval.
    Pending,
    /// Approved (or joined while approvals were off).
    Active,
}

impl MemberStatus {
    /// The stored and API form.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Pending => "pending",
            MemberStatus::Active => "active",
        }
    }

    /// Parses the stored and API form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(MemberStatus::Pending),
            "active" => Some(MemberStatus::Active),
            _ => None,
        }
    }
}

/// How a member came into the org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinPath {
    /// They created it.
    Creation,
    /// Through an invite link.
    InviteLink,
    /// Automatically, by their Google Workspace domain.
    Domain,
}

impl JoinPath {
    /// The stored and API form.
    pub fn as_str(self) -> &'static str {
        match self {
            JoinPath::Creation => "creation",
            JoinPath::InviteLink => "invite_link",
            JoinPath::Domain => "domain",
        }
    }

    /// Parses the stored and API form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "creation" => Some(JoinPath::Creation),
            "invite_link" => Some(JoinPath::InviteLink),
            "domain" => Some(JoinPath::Domain),
            _ => None,
        }
    }
}

/// The status a joining user gets: pending when the org wants approvals, and always
/// pending for someone who was removed from this org before.
pub fn joining_status(approvals_enabled: bool, removed_before: bool) -> MemberStatus {
    if approvals_enabled || removed_before {
        MemberStatus::Pending
    } else {
        MemberStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_names_follow_the_spec() {
        assert_eq!(
            OrgName::parse("  Acme Corp_1-a ").map(|n| n.0),
            Ok("Acme Corp_1-a".into())
        );
        assert_eq!(OrgName::parse("ab"), Err(OrgNameError::Length));
        assert_eq!(OrgName::parse(&"a".repeat(51)), Err(OrgNameError::Length));
        assert_eq!(OrgName::parse("Acme!"), Err(OrgNameError::Characters));
        assert_eq!(OrgName::parse("<script>"), Err(OrgNameError::Characters));
        assert_eq!(
            OrgName::parse("ACME corp").map(|n| n.unique_key()),
            Ok("acme corp".into())
        );
    }

    #[test]
    fn full_width_names_collide_with_their_ascii_twins() {
        let wide = OrgName::parse("Ａcme").expect("valid");
        assert_eq!(wide.unique_key(), "acme");
    }

    #[test]
    fn removed_users_always_come_back_pending() {
        assert_eq!(joining_status(false, false), MemberStatus::Active);
        assert_eq!(joining_status(true, false), MemberStatus::Pending);
        assert_eq!(joining_status(false, true), MemberStatus::Pending);
    }

    #[test]
    fn stored_forms_round_trip() {
        for role in [Role::Admin, Role::Member, Role::Viewer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for status in [MemberStatus::Pending, MemberStatus::Active] {
            assert_eq!(MemberStatus::parse(status.as_str()), Some(status));
        }
        for path in [JoinPath::Creation, JoinPath::InviteLink, JoinPath::Domain] {
            assert_eq!(JoinPath::parse(path.as_str()), Some(path));
        }
    }
}
