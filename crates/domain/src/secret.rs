//! Bearer secrets (session ids, and later invite tokens and keys): 256 random bits,
//! handed out once, stored only as a SHA-256 hash.
//!
//! Because a secret carries 256 bits of entropy, a fast hash is enough: storage finds
//! the row by the hash, so the secret itself is never compared byte by byte.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A freshly generated or presented secret. Its `Debug` form never shows the value.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// 32 bytes from the operating system's CSPRNG, base64url without padding.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Wraps a secret presented by a client. Anything not shaped like a secret
    /// (wrong length or alphabet) is refused before it reaches storage.
    pub fn from_presented(value: &str) -> Option<Self> {
        let plausible = value.len() == 43
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        plausible.then(|| Self(value.to_owned()))
    }

    /// The value to hand to the client, once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The hash under which the secret is stored.
    pub fn hash(&self) -> SecretHash {
        SecretHash(hex(&Sha256::digest(self.0.as_bytes())))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The stored form of a [`Secret`]: lower-case hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretHash(String);

impl SecretHash {
    /// Wraps a value read back from storage.
    pub fn from_trusted(hex: String) -> Self {
        Self(hex)
    }

    /// The hex string, for storage and look-up.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Constant-time equality, for the places where a hash is compared in memory.
    pub fn ct_eq(&self, other: &SecretHash) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0x0f)]])
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_distinct_and_round_trip() {
        let a = Secret::generate();
        let b = Secret::generate();
        assert_ne!(a.expose(), b.expose());
        let presented = Secret::from_presented(a.expose()).expect("plausible");
        assert!(presented.hash().ct_eq(&a.hash()));
        assert_eq!(a.hash().as_str().len(), 64);
        // SHA-256("abc"), a published test vector.
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn implausible_presented_values_are_refused() {
        assert!(Secret::from_presented("short").is_none());
        assert!(Secret::from_presented(&"!".repeat(43)).is_none());
    }
}
