//! Invite links: how long they live and how often they may be used.

use std::time::Duration;

use thiserror::Error;

use crate::Timestamp;

/// The lifetime and use limit an admin chose for a new link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteTerms {
    days: u32,
    max_uses: Option<u32>,
}

/// Why the requested terms were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InviteTermsError {
    /// Lifetime outside 1–30 days.
    #[error("An invite link lives 1 to 30 days.")]
    Days,
    /// A use limit below 1 or above 10,000.
    #[error("The maximum number of uses must be between 1 and 10000.")]
    MaxUses,
}

impl InviteTerms {
    /// Default: 7 days, unlimited uses.
    pub const DEFAULT_DAYS: u32 = 7;

    /// Checks the requested lifetime (default 7 days) and use limit.
    pub fn new(days: Option<u32>, max_uses: Option<u32>) -> Result<Self, InviteTermsError> {
        let days = days.unwrap_or(Self::DEFAULT_DAYS);
        if !(1..=30).contains(&days) {
            return Err(InviteTermsError::Days);
        }
        if max_uses.is_some_and(|n| !(1..=10_000).contains(&n)) {
            return Err(InviteTermsError::MaxUses);
        }
        Ok(Self { days, max_uses })
    }

    /// When a link created at `created_at` stops working.
    pub fn expires_at(&self, created_at: Timestamp) -> Timestamp {
        created_at.plus(Duration::from_secs(u64::from(self.days) * 24 * 3600))
    }

    /// The use limit, if any.
    pub fn max_uses(&self) -> Option<u32> {
        self.max_uses
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_live_seven_days_unless_told_otherwise() {
        let start = Timestamp::from_millis(0);
        let terms = InviteTerms::new(None, None).expect("default");
        assert_eq!(
            terms.expires_at(start),
            Timestamp::from_millis(7 * 86_400_000)
        );
        assert_eq!(InviteTerms::new(Some(0), None), Err(InviteTermsError::Days));
        assert_eq!(
            InviteTerms::new(Some(31), None),
            Err(InviteTermsError::Days)
        );
        assert_eq!(
            InviteTerms::new(Some(30), Some(0)),
            Err(InviteTermsError::MaxUses)
        );
        assert!(InviteTerms::new(Some(1), Some(5)).is_ok());
    }
}
