//! The one source of "now". `REGIEDESK_NOW` (RFC 3339) freezes it for the
//! server and the CLI, for tests and reproducible screenshots.

use chrono::{DateTime, SubsecRound, Utc};

pub const NOW_VAR: &str = "REGIEDESK_NOW";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Frozen(DateTime<Utc>),
}

impl Clock {
    /// From `REGIEDESK_NOW` when set, else the system clock. A value that is
    /// not RFC 3339 is an error, not a silent fallback: a test or screenshot
    /// that meant to freeze time must not run on the real one.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(NOW_VAR) {
            Ok(value) => Self::parse_frozen(&value),
            Err(_) => Ok(Clock::System),
        }
    }

    pub fn parse_frozen(value: &str) -> Result<Self, String> {
        DateTime::parse_from_rfc3339(value.trim())
            .map(|t| Clock::Frozen(t.with_timezone(&Utc).trunc_subsecs(6)))
            .map_err(|e| format!("{NOW_VAR}={value:?} is geen RFC 3339-tijdstip: {e}"))
    }

    /// Now, to the microsecond: the precision both stores keep, so a value
    /// reads back exactly as it was written (the audit chain hashes them).
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now().trunc_subsecs(6),
            Clock::Frozen(t) => *t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_clock_stands_still_and_keeps_microseconds() {
        let clock = Clock::parse_frozen("2026-11-24T14:32:00.123456789+01:00").unwrap();
        assert_eq!(clock.now().to_rfc3339(), "2026-11-24T13:32:00.123456+00:00");
        assert_eq!(clock.now(), clock.now());
    }

    #[test]
    fn a_bad_frozen_time_is_an_error() {
        assert!(
            Clock::parse_frozen("24-11-2026")
                .unwrap_err()
                .contains("RFC 3339")
        );
    }

    #[test]
    fn the_system_clock_is_truncated_to_microseconds() {
        assert_eq!(Clock::System.now().timestamp_subsec_nanos() % 1000, 0);
    }
}
