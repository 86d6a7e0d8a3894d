//! The Doorstroom board's state: which period, per week or month, and the
//! figures the server computed for it.

use chrono::{Datelike, Days, NaiveDate};

use crate::config::Language;
use crate::domain::stats::{Bucket, Period, Throughput};

/// The periods the selector offers, each ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Week,
    Month,
    Quarter,
    Year,
    Custom(Period),
}

impl Preset {
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Preset::Week => lang.pick("deze week", "this week"),
            Preset::Month => lang.pick("deze maand", "this month"),
            Preset::Quarter => lang.pick("dit kwartaal", "this quarter"),
            Preset::Year => lang.pick("dit jaar", "this year"),
            Preset::Custom(_) => lang.pick("eigen periode", "custom period"),
        }
    }

    /// The next preset for `p`; a custom period goes back to the week.
    pub fn next(self) -> Preset {
        match self {
            Preset::Week => Preset::Month,
            Preset::Month => Preset::Quarter,
            Preset::Quarter => Preset::Year,
            Preset::Year | Preset::Custom(_) => Preset::Week,
        }
    }

    pub fn period(self, today: NaiveDate) -> Period {
        let from = match self {
            Preset::Week => today - Days::new(u64::from(today.weekday().num_days_from_monday())),
            Preset::Month => today.with_day(1).expect("day 1"),
            Preset::Quarter => {
                let month = (today.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(today.year(), month, 1).expect("quarter start")
            }
            Preset::Year => NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January"),
            Preset::Custom(period) => return period,
        };
        Period { from, to: today }
    }
}

/// Parses `01-01-2026 30-06-2026` (as every other dialog takes a day),
/// or `2026-01-01 2026-06-30`, or with `..` between, into a period.
pub fn parse_period(text: &str, lang: Language) -> Result<Period, String> {
    let dates: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .flat_map(|w| w.split(".."))
        .filter(|w| !w.is_empty())
        .collect();
    let [from, to] = dates.as_slice() else {
        return Err(lang
            .pick(
                "Typ twee datums: van en tot en met, zoals 01-01-2026 30-06-2026.",
                "Type two dates, from and to, like 01-01-2026 30-06-2026.",
            )
            .to_string());
    };
    let date = |s: &str| {
        NaiveDate::parse_from_str(s, "%d-%m-%Y")
            .or_else(|_| s.parse::<NaiveDate>())
            .map_err(|_| {
                format!(
                    "{s:?} {}",
                    lang.pick("is geen datum (dd-mm-jjjj)", "is not a date (dd-mm-yyyy)")
                )
            })
    };
    Period::new(date(from)?, date(to)?)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Doorstroom {
    pub preset: Preset,
    pub by: Bucket,
    pub figures: Option<Box<Throughput>>,
    pub loading: bool,
    pub error: Option<String>,
    /// The figures per day, week or month as a table of numbers instead
    /// of the charts (`T`): what a chart shows, exactly.
    pub table: bool,
    /// Seconds since the figures were asked for; they are asked again
    /// after a sync once this passes [`REFRESH_AFTER`].
    pub age: u32,
}

impl Doorstroom {
    /// How the series is cut: a week or a month per day, longer periods
    /// per week or month as the user chose (`b`).
    pub fn bucket(&self) -> Bucket {
        match self.preset {
            Preset::Week | Preset::Month => Bucket::Day,
            _ => self.by,
        }
    }
}

/// Seconds before the figures are refreshed when new data comes in.
pub const REFRESH_AFTER: u32 = 30;

impl Default for Doorstroom {
    fn default() -> Self {
        Doorstroom {
            preset: Preset::Year,
            by: Bucket::Month,
            figures: None,
            loading: false,
            error: None,
            table: false,
            age: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn presets_end_today_and_start_where_people_expect() {
        let today = day("2026-11-24");
        assert_eq!(Preset::Week.period(today).from, day("2026-11-23"));
        assert_eq!(Preset::Month.period(today).from, day("2026-11-01"));
        assert_eq!(Preset::Quarter.period(today).from, day("2026-10-01"));
        assert_eq!(Preset::Year.period(today).from, day("2026-01-01"));
        let presets = [Preset::Week, Preset::Month, Preset::Quarter, Preset::Year];
        assert!(presets.iter().all(|p| p.period(today).to == today));
        // `p` cycles through them and back.
        assert_eq!(
            presets.map(Preset::next),
            [Preset::Month, Preset::Quarter, Preset::Year, Preset::Week]
        );
    }

    #[test]
    fn a_typed_period_is_parsed_or_explained() {
        let period = parse_period("2026-01-01 2026-06-30", Language::Nl).unwrap();
        assert_eq!(
            (period.from, period.to),
            (day("2026-01-01"), day("2026-06-30"))
        );
        assert_eq!(
            parse_period("2026-01-01..2026-03-31", Language::Nl)
                .unwrap()
                .to,
            day("2026-03-31")
        );
        assert!(
            parse_period("2026-01-01", Language::Nl)
                .unwrap_err()
                .contains("twee datums")
        );
        // Days as every other dialog takes them, or ISO.
        let period = parse_period("1-1-2026 28-02-2026", Language::Nl).unwrap();
        assert_eq!(
            (period.from, period.to),
            (day("2026-01-01"), day("2026-02-28"))
        );
        assert!(
            parse_period("1-13-2026 2026-02-01", Language::Nl)
                .unwrap_err()
                .contains("geen datum (dd-mm-jjjj)")
        );
        assert!(
            parse_period("2026-06-01 2026-01-01", Language::Nl)
                .unwrap_err()
                .contains("ligt na")
        );
    }
}
