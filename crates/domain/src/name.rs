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
    /// Contains line breaks, control characters or invisible formatting characters
    /// (direction overrides, zero-width spaces) that make a name look like another.
    #[error("The name may not contain control or invisible formatting characters.")]
    ControlCharacters,
}

/// Invisible formatting characters: soft hyphen, bidirectional marks, embeddings,
/// overrides and isolates, zero-width characters, word joiners and the byte order
/// mark.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
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
        if name
            .chars()
            .any(|c| c.is_control() || is_invisible_format(c))
        {
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
    fn refuses_invisible_formatting() {
        for bad in ["evil\u{202E}gnp.exe", "\u{200B}\u{200B}", "a\u{FEFF}b"] {
            assert_eq!(
                DisplayName::parse(bad),
                Err(NameError::ControlCharacters),
                "{bad:?}"
            );
        }
    }

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
