//! Roster's domain: the product's words as types that cannot hold an invalid value,
//! and the rules that need no I/O (password policy, session lifetimes, clocks).
//!
//! Nothing in this crate touches the network or a database; storage and HTTP layers
//! parse input into these types at the edge and never validate again.

pub mod clock;
pub mod email;
pub mod invite;
pub mod name;
pub mod org;
pub mod password;
pub mod permission;
pub mod secret;
pub mod session;
pub mod user;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use email::{Email, EmailError};
pub use invite::{InviteTerms, InviteTermsError};
pub use name::{DisplayName, NameError};
pub use org::{joining_status, JoinPath, MemberStatus, Org, OrgId, OrgName, OrgNameError, Role};
pub use password::{Password, PasswordError, PasswordHash};
pub use permission::{allows, Permission};
pub use secret::{Secret, SecretHash};
pub use session::SessionPolicy;
pub use user::{User, UserId};
