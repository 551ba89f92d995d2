//! Passwords: the length policy and Argon2id hashing.
//!
//! Hashing is deliberately slow; callers run it off the async runtime with bounded
//! concurrency (see the server's `hashing` module).

use std::fmt;
use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use thiserror::Error;

/// A password that satisfies the policy: 8–128 characters, no composition rules.
/// Its `Debug` form never shows the value.
#[derive(Clone)]
pub struct Password(String);

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordError {
    /// Fewer than 8 characters.
    #[error("The password must be at least 8 characters long.")]
    TooShort,
    /// More than 128 characters.
    #[error("The password may be at most 128 characters long.")]
    TooLong,
    /// The hasher refused (out-of-range parameters; a bug, never the user's fault).
    #[error("The password could not be hashed.")]
    Hashing,
}

impl Password {
    /// Checks a new password against the policy.
    pub fn parse(input: String) -> Result<Self, PasswordError> {
        let len = input.chars().count();
        if len < 8 {
            return Err(PasswordError::TooShort);
        }
        if len > 128 {
            return Err(PasswordError::TooLong);
        }
        Ok(Self(input))
    }

    /// Wraps a password typed at sign-in without checking the policy; the stored hash
    /// decides. Over-long input is cut so that it cannot make hashing expensive.
    pub fn for_verification(mut input: String) -> Self {
        if let Some((cut, _)) = input.char_indices().nth(129) {
            input.truncate(cut);
        }
        Self(input)
    }

    /// Hashes with Argon2id and a fresh random salt, in PHC string form.
    pub fn hash(&self) -> Result<PasswordHash, PasswordError> {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| PasswordHash(h.to_string()))
            .map_err(|_| PasswordError::Hashing)
    }

    /// Whether this password matches `stored`. With `None` (no such account) a
    /// comparison against a fixed dummy hash still runs, so that unknown accounts
    /// take as long as wrong passwords.
    pub fn verify(&self, stored: Option<&PasswordHash>) -> bool {
        let Some(stored) = stored else {
            let _ = verify_phc(&self.0, &dummy_hash().0);
            return false;
        };
        verify_phc(&self.0, &stored.0)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A stored Argon2id hash in PHC string form.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a value read back from storage.
    pub fn from_trusted(phc: String) -> Self {
        Self(phc)
    }

    /// The PHC string, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

/// Argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn verify_phc(password: &str, phc: &str) -> bool {
    argon2::password_hash::PasswordHash::new(phc)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn dummy_hash() -> &'static PasswordHash {
    static DUMMY: OnceLock<PasswordHash> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Password("roster-dummy-password".into())
            .hash()
            .unwrap_or_else(|_| PasswordHash(String::new()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_bounds_length_in_characters() {
        assert_eq!(
            Password::parse("1234567".into()).err(),
            Some(PasswordError::TooShort)
        );
        assert!(Password::parse("12345678".into()).is_ok());
        assert!(Password::parse("ä".repeat(128)).is_ok());
        assert_eq!(
            Password::parse("a".repeat(129)).err(),
            Some(PasswordError::TooLong)
        );
    }

    #[test]
    fn hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let password = Password::parse("correct horse".into()).expect("valid");
        let hash = password.hash().expect("hash");
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(password.verify(Some(&hash)));
        assert!(!Password::for_verification("wrong horse".into()).verify(Some(&hash)));
        assert!(!password.verify(None));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let password = Password::parse("correct horse".into()).expect("valid");
        assert_eq!(format!("{password:?}"), "Password(***)");
    }
}
