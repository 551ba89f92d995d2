//! Users: people with an account.

use std::fmt;

use serde::Serialize;
use uuid::Uuid;

use crate::{DisplayName, Email, Timestamp};

/// A user's stable id (UUID v7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(Uuid);

impl UserId {
    /// A new, time-ordered id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// Parses the textual form; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Uuid::parse_str(s).ok().map(Self)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A person with an account.
#[derive(Debug, Clone)]
pub struct User {
    /// Stable id.
    pub id: UserId,
    /// Normalized email, unique.
    pub email: Email,
    /// Display name.
    pub name: DisplayName,
    /// When the account was created.
    pub created_at: Timestamp,
}
