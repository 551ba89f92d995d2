//! Display names of users.

use thiserror::Error;

/// A person's display name: 1–100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    /// Empty after trimming.
    #[error("Enter a name.")]
    Empty,
    /// More than 100 characters.
    #[error("The name may be at most 100 characters long.")]
    TooLong,
    /// Contains line breaks or other control characters.
    #[error("The name may not contain control characters.")]
    ControlCharacters,
}

impl DisplayName {
    /// Parses user input.
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > 100 {
            return Err(NameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(NameError::ControlCharacters);
        }
        Ok(Self(name.to_owned()))
    }

    /// Wraps a value read back from storage.
    pub fn from_trusted(name: String) -> Self {
        Self(name)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds_names() {
        assert_eq!(
            DisplayName::parse("  Anna ").map(|n| n.0),
            Ok("Anna".into())
        );
        assert_eq!(DisplayName::parse("   "), Err(NameError::Empty));
        assert_eq!(
            DisplayName::parse(&"x".repeat(101)),
            Err(NameError::TooLong)
        );
        assert_eq!(
            DisplayName::parse("a\nb"),
            Err(NameError::ControlCharacters)
        );
    }
}
