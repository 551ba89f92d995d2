//! What each role may do (spec section 7), in one table. Every handler asks
//! [`allows`]; nothing else decides.

use serde::Serialize;

use crate::{MemberStatus, Role};

/// A permission a request may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Permission {
    /// `view:read`: view live views.
    ViewRead,
    /// `cluster:query`: query running clusters.
    ClusterQuery,
    /// `cluster:deploy`: deploy keys, register and delete clusters.
    ClusterDeploy,
    /// Create, list and delete one's own API keys.
    OwnApiKeys,
    /// `org:admin`: invite, approve, reject, remove, roles, settings, audit.
    OrgAdmin,
}

impl Permission {
    /// Every permission, for exhaustive tests and listings.
    pub const ALL: [Permission; 5] = [
        Permission::ViewRead,
        Permission::ClusterQuery,
        Permission::ClusterDeploy,
        Permission::OwnApiKeys,
        Permission::OrgAdmin,
    ];

    /// The name used in the authorization check's `permission=` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ViewRead => "view:read",
            Permission::ClusterQuery => "cluster:query",
            Permission::ClusterDeploy => "cluster:deploy",
            Permission::OwnApiKeys => "api_keys:own",
            Permission::OrgAdmin => "org:admin",
        }
    }

    /// Parses the name of a permission.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Whether a member with `role` and `status` holds `permission`. Pending members hold
/// none.
pub fn allows(role: Role, status: MemberStatus, permission: Permission) -> bool {
    if status == MemberStatus::Pending {
        return false;
    }
    match permission {
        Permission::ViewRead | Permission::ClusterQuery | Permission::OwnApiKeys => true,
        Permission::ClusterDeploy => matches!(role, Role::Admin | Role::Member),
        Permission::OrgAdmin => role == Role::Admin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permission_table_of_the_spec() {
        use MemberStatus::{Active, Pending};
        use Permission::*;
        use Role::*;
        let expected = [
            (Viewer, [true, true, false, true, false]),
            (Member, [true, true, true, true, false]),
            (Admin, [true, true, true, true, true]),
        ];
        for (role, row) in expected {
            for (permission, allowed) in Permission::ALL.into_iter().zip(row) {
                assert_eq!(
                    allows(role, Active, permission),
                    allowed,
                    "{role:?} {permission:?}"
                );
                assert!(
                    !allows(role, Pending, permission),
                    "pending {role:?} {permission:?}"
                );
            }
        }
        let _ = (ViewRead, ClusterQuery, ClusterDeploy, OwnApiKeys, OrgAdmin);
    }

    #[test]
    fn permission_names_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
        assert_eq!(Permission::parse("cluster:destroy"), None);
    }
}
