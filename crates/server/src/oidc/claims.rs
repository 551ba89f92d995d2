//! What Roster takes from a verified ID token.

use openidconnect::core::CoreIdTokenClaims;
use roster_domain::{DisplayName, Email};

use crate::http::ApiError;

/// The person a verified ID token names.
pub struct Person {
    /// The token's issuer.
    pub issuer: String,
    /// The stable subject at that issuer.
    pub subject: String,
    /// Normalized, verified email.
    pub email: Email,
    /// Display name.
    pub name: DisplayName,
    /// The Google Workspace domain: `hd`, only when it equals the email's domain.
    pub workspace_domain: Option<String>,
}

impl Person {
    /// Reads a token whose signature, issuer, audience, expiry and nonce have been
    /// verified. `raw` is that same token, for the `hd` claim the standard claims do
    /// not model; nothing unverified is read from it.
    pub fn from_verified(claims: &CoreIdTokenClaims, raw: &str) -> Result<Self, ApiError> {
        let email = claims.email().ok_or_else(|| {
            super::refusal("The sign-in provider did not share an email address.")
        })?;
        if claims.email_verified() != Some(true) {
            return Err(super::refusal(
                "The sign-in provider has not verified this email address, so Roster cannot use it.",
            ));
        }
        let email = Email::parse(email.as_str()).map_err(|e| {
            super::refusal(format!(
                "The email address from the sign-in provider is not usable: {e}"
            ))
        })?;
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned());
        let workspace_domain = hosted_domain(raw).filter(|hd| hd == email.domain());

        Ok(Self {
            issuer: claims.issuer().as_str().to_owned(),
            subject: claims.subject().as_str().to_owned(),
            name: super::display_name(name.as_deref(), &email),
            email,
            workspace_domain,
        })
    }
}

/// The `hd` claim of a (verified) JWT, lower-cased in its IDNA ASCII form.
fn hosted_domain(raw: &str) -> Option<String> {
    use base64::Engine;
    let payload = raw.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let hd = value.get("hd")?.as_str()?;
    idna::domain_to_ascii(hd).ok().filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        use base64::Engine;
        format!(
            "x.{}.y",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn hosted_domain_is_lower_case_ascii() {
        assert_eq!(
            hosted_domain(&token(r#"{"hd":"CORP.Example"}"#)),
            Some("corp.example".into())
        );
        assert_eq!(
            hosted_domain(&token(r#"{"hd":"bücher.example"}"#)),
            Some("xn--bcher-kva.example".into())
        );
        assert_eq!(hosted_domain(&token(r#"{"sub":"x"}"#)), None);
        assert_eq!(hosted_domain("not a token"), None);
    }
}
