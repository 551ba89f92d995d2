//! Session lifetimes: an idle timeout and an absolute lifetime.

use std::time::Duration;

use crate::Timestamp;

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A session unused for this long is dead.
    pub idle_timeout: Duration,
    /// A session older than this is dead, however busy.
    pub absolute_lifetime: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(7 * 24 * 3600),
            absolute_lifetime: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

impl SessionPolicy {
    /// Whether a session created at `created_at` and last used at `last_seen_at` is
    /// still alive at `now`.
    pub fn is_alive(&self, created_at: Timestamp, last_seen_at: Timestamp, now: Timestamp) -> bool {
        now < last_seen_at.plus(self.idle_timeout) && now < created_at.plus(self.absolute_lifetime)
    }

    /// Whether the stored last-use time is stale enough to be worth a write. Touching
    /// at most once a minute (or a quarter of the idle timeout, if shorter) keeps reads
    /// cheap on the hot path while a session in use never reaches its idle timeout.
    pub fn needs_touch(&self, last_seen_at: Timestamp, now: Timestamp) -> bool {
        let interval = Duration::from_secs(60).min(self.idle_timeout / 4);
        now >= last_seen_at.plus(interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);
    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn short_idle_timeouts_are_touched_often_enough() {
        let policy = SessionPolicy {
            idle_timeout: Duration::from_secs(8),
            absolute_lifetime: DAY,
        };
        let start = Timestamp::from_millis(0);
        assert!(!policy.needs_touch(start, start.plus(Duration::from_secs(1))));
        assert!(policy.needs_touch(start, start.plus(Duration::from_secs(2))));
        assert!(SessionPolicy::default().needs_touch(start, start.plus(Duration::from_secs(60))));
        assert!(!SessionPolicy::default().needs_touch(start, start.plus(Duration::from_secs(59))));
    }

    #[test]
    fn idle_and_absolute_limits_both_apply() {
        let policy = SessionPolicy::default();
        let start = Timestamp::from_millis(0);
        assert!(policy.is_alive(start, start, start.plus(6 * DAY)));
        assert!(!policy.is_alive(start, start, start.plus(7 * DAY)));
        let recent = start.plus(29 * DAY);
        assert!(policy.is_alive(start, recent, start.plus(29 * DAY + HOUR)));
        assert!(!policy.is_alive(start, recent, start.plus(30 * DAY)));
    }
}
