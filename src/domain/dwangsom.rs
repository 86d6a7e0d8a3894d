//! The penalty a municipality owes for deciding late (Awb 4:17): once the
//! applicant's notice of default (ingebrekestelling) has stood for two
//! weeks without a decision, a dwangsom runs per day: €23 for the first 14
//! days, €35 for the next 14, €45 after that, for at most 42 days
//! (€1,442). The amounts are those of art. 4:17 lid 2 as in force today;
//! they are configuration so an amendment is a change of settings, not of
//! code.
//!
//! This module only turns a number of days into an amount. When day 1 is
//! (the first day after the two weeks, Awb 4:17 lid 3) belongs to the
//! request's lifecycle, which issue 11 adds.

use serde::{Deserialize, Serialize};

/// The daily amounts of Awb 4:17 lid 2 and the cap of lid 1, in whole euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DwangsomRates {
    /// Per day for days 1 to 14.
    pub first_14_days: u32,
    /// Per day for days 15 to 28.
    pub next_14_days: u32,
    /// Per day from day 29.
    pub after_28_days: u32,
    /// The dwangsom runs for at most this many days.
    pub max_days: u32,
}

impl Default for DwangsomRates {
    fn default() -> Self {
        Self {
            first_14_days: 23,
            next_14_days: 35,
            after_28_days: 45,
            max_days: 42,
        }
    }
}

impl DwangsomRates {
    /// The dwangsom owed after `days` days of it (day 1 is the first day
    /// it is owed; 0 before that), in whole euros.
    pub fn accrued(&self, days: u32) -> u32 {
        let days = days.min(self.max_days);
        let first = days.min(14);
        let next = days.saturating_sub(14).min(14);
        let after = days.saturating_sub(28);
        first * self.first_14_days + next * self.next_14_days + after * self.after_28_days
    }

    /// The most that can be owed for one request.
    pub fn maximum(&self) -> u32 {
        self.accrued(self.max_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_awb_amounts_by_day_as_computed_by_hand() {
        let rates = DwangsomRates::default();
        // Day: amount (issue 11's acceptance, from art. 4:17 lid 1 and 2).
        for (day, euros) in [
            (0, 0),
            (1, 23),
            (14, 322),
            (15, 357),
            (28, 812),
            (29, 857),
            (42, 1_442),
            (60, 1_442),
        ] {
            assert_eq!(rates.accrued(day), euros, "day {day}");
        }
        assert_eq!(rates.maximum(), 1_442);
    }

    #[test]
    fn amended_amounts_come_from_the_configuration() {
        let rates: DwangsomRates = toml::from_str("after_28_days = 50").unwrap();
        assert_eq!(rates.first_14_days, 23, "unnamed amounts keep the law's");
        assert_eq!(rates.accrued(29), 322 + 14 * 35 + 50);
        assert!(toml::from_str::<DwangsomRates>("per_dag = 1").is_err());
    }
}
