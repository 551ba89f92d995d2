//! Email addresses as Roster stores them: trimmed, lower-cased, domain in its ASCII
//! (IDNA) form. One account exists per normalized address, so this normalization is
//! what decides whether two addresses are "the same person".

use std::fmt;

use thiserror::Error;

/// A normalized email address. Equal values mean the same account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailError {
    /// Not of the form `local@domain`.
    #[error("Enter an email address such as you@example.com.")]
    Malformed,
    /// Non-ASCII characters in the part before `@`.
    #[error("The part before @ may only contain ASCII letters, digits and . _ % + - characters.")]
    NonAsciiLocalPart,
    /// The domain is not a valid internationalized domain name.
    #[error("The part after @ is not a valid domain name.")]
    InvalidDomain,
    /// Longer than 254 characters once normalized.
    #[error("The email address is too long.")]
    TooLong,
}

const LOCAL_PART_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";

impl Email {
    /// Parses and normalizes user input.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        let (local, domain) = trimmed.rsplit_once('@').ok_or(EmailError::Malformed)?;
        if local.is_empty() || domain.is_empty() {
            return Err(EmailError::Malformed);
        }

        // Checked before lower-casing: Unicode case mapping turns some non-ASCII
        // letters (such as the Kelvin sign) into ASCII ones, which would let a
        // look-alike address collide with an existing account.
        if !local.is_ascii() {
            return Err(EmailError::NonAsciiLocalPart);
        }
        let local = local.to_ascii_lowercase();
        let valid_local = local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || LOCAL_PART_SPECIALS.contains(c));
        if !valid_local {
            return Err(EmailError::Malformed);
        }

        let domain = idna::domain_to_ascii(domain).map_err(|_| EmailError::InvalidDomain)?;
        let valid_domain = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !valid_domain {
            return Err(EmailError::InvalidDomain);
        }

        let email = format!("{local}@{domain}");
        if email.len() > 254 {
            return Err(EmailError::TooLong);
        }
        Ok(Self(email))
    }

    /// Wraps a value read back from storage, where it was stored normalized.
    pub fn from_trusted(normalized: String) -> Self {
        Self(normalized)
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ASCII domain part, lower-case.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Result<String, EmailError> {
        Email::parse(s).map(|e| e.as_str().to_owned())
    }

    #[test]
    fn trims_and_lower_cases() {
        assert_eq!(
            norm("  Anna.Smith@Example.COM "),
            Ok("anna.smith@example.com".into())
        );
    }

    #[test]
    fn converts_unicode_domains_to_ascii() {
        assert_eq!(
            norm("anna@Bücher.example"),
            Ok("anna@xn--bcher-kva.example".into())
        );
        assert_eq!(
            norm("anna@BÜCHER.example"),
            norm("anna@xn--bcher-kva.example")
        );
    }

    #[test]
    fn look_alike_domain_does_not_collide() {
        // Cyrillic "а" in place of Latin "a".
        let lookalike = norm("anna@ex\u{0430}mple.com").expect("valid IDN");
        assert_ne!(lookalike, "anna@example.com");
        assert!(lookalike.starts_with("anna@xn--"));
    }

    #[test]
    fn refuses_non_ascii_local_part_even_when_case_mapping_would_make_it_ascii() {
        // U+212A KELVIN SIGN lower-cases to ASCII "k".
        assert_eq!(
            norm("\u{212A}im@example.com"),
            Err(EmailError::NonAsciiLocalPart)
        );
        assert_eq!(norm("ånna@example.com"), Err(EmailError::NonAsciiLocalPart));
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "anna",
            "@example.com",
            "anna@",
            "an..na@example.com",
            "anna@localhost",
            "a b@example.com",
            "anna@exa mple.com",
            "anna@-x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn domain_is_the_ascii_part_after_the_last_at() {
        let email = Email::parse("anna@Corp.Example").expect("valid");
        assert_eq!(email.domain(), "corp.example");
    }
}
