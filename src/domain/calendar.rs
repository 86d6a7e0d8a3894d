//! Working days in the Netherlands.
//!
//! Norms and legal deadlines are counted in working days: every day except
//! Saturday, Sunday and the public holidays of the Algemene termijnenwet
//! (art. 3), plus whatever extra closing days a municipality configures.
//! All dates here are local dates in Europe/Amsterdam; converting instants to
//! and from those dates happens only through [`local_date`] and [`end_of_day`].

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Amsterdam;

/// The hours (local, Europe/Amsterdam) in which staff act on a working
/// day: from 08:00 up to 18:00.
pub const OFFICE_HOURS: std::ops::Range<u32> = 8..18;

/// A public holiday of the Algemene termijnenwet. Eerste Paasdag and Eerste
/// Pinksterdag are in the law too, but always fall on a Sunday, so they never
/// change a count and are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holiday {
    Nieuwjaarsdag,
    TweedePaasdag,
    Koningsdag,
    Bevrijdingsdag,
    Hemelvaartsdag,
    TweedePinksterdag,
    EersteKerstdag,
    TweedeKerstdag,
}

impl Holiday {
    /// The holiday's Dutch name, as the law and the fixture spell it.
    pub fn name(self) -> &'static str {
        match self {
            Holiday::Nieuwjaarsdag => "Nieuwjaarsdag",
            Holiday::TweedePaasdag => "Tweede Paasdag",
            Holiday::Koningsdag => "Koningsdag",
            Holiday::Bevrijdingsdag => "Bevrijdingsdag (5 mei)",
            Holiday::Hemelvaartsdag => "Hemelvaartsdag",
            Holiday::TweedePinksterdag => "Tweede Pinksterdag",
            Holiday::EersteKerstdag => "Eerste Kerstdag",
            Holiday::TweedeKerstdag => "Tweede Kerstdag",
        }
    }

    /// The holidays of one year, in date order. An array, not a Vec: this
    /// sits under every working-day count, so it must not allocate.
    pub fn of_year(year: i32) -> [(NaiveDate, Holiday); 8] {
        let date = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid fixed holiday");
        // Easter (Gregorian computus); the crate covers 1583..=9999, far
        // beyond any case this desk will see.
        let easter = computus::gregorian_naive(year).unwrap_or_else(|_| date(4, 1));
        let after_easter = |days| easter + Days::new(days);
        // Koningsdag moves to the 26th when the 27th is a Sunday.
        let kings_day = match date(4, 27).weekday() {
            Weekday::Sun => date(4, 26),
            _ => date(4, 27),
        };
        let mut days = [
            (date(1, 1), Holiday::Nieuwjaarsdag),
            (after_easter(1), Holiday::TweedePaasdag),
            (kings_day, Holiday::Koningsdag),
            (date(5, 5), Holiday::Bevrijdingsdag),
            (after_easter(39), Holiday::Hemelvaartsdag),
            (after_easter(50), Holiday::TweedePinksterdag),
            (date(12, 25), Holiday::EersteKerstdag),
            (date(12, 26), Holiday::TweedeKerstdag),
        ];
        days.sort_unstable();
        days
    }

    /// The holiday on `date`, if any.
    pub fn on(date: NaiveDate) -> Option<Holiday> {
        Self::of_year(date.year())
            .into_iter()
            .find(|(d, _)| *d == date)
            .map(|(_, h)| h)
    }
}

/// How a norm of "N days" is counted.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DayCounting {
    /// Skip weekends, public holidays and configured closing days.
    #[default]
    WorkingDays,
    /// Every day counts.
    CalendarDays,
}

/// The working-day calendar: Dutch public holidays plus extra closing days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    extra_closing_days: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// The calendar of the Algemene termijnenwet, nothing added.
    pub fn dutch() -> Self {
        Self::default()
    }

    /// The Dutch calendar plus the municipality's own closing days (for
    /// example the day between Hemelvaartsdag and the weekend).
    pub fn with_extra_closing_days(days: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            extra_closing_days: days.into_iter().collect(),
        }
    }

    pub fn holiday(&self, date: NaiveDate) -> Option<Holiday> {
        Holiday::on(date)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && self.holiday(date).is_none()
            && !self.extra_closing_days.contains(&date)
    }

    /// The `n`th day after `date` that counts, `date` itself not counted.
    pub fn nth_day_after(&self, date: NaiveDate, n: u32, counting: DayCounting) -> NaiveDate {
        match counting {
            DayCounting::CalendarDays => date + Days::new(u64::from(n)),
            DayCounting::WorkingDays => {
                let mut day = date;
                let mut counted = 0;
                while counted < n {
                    day = day.succ_opt().expect("date within chrono's range");
                    if self.is_working_day(day) {
                        counted += 1;
                    }
                }
                day
            }
        }
    }

    /// `date` itself when it is a working day, else the next working day
    /// (Algemene termijnenwet art. 1: a deadline ending on a Saturday, Sunday
    /// or holiday is extended to the next working day).
    pub fn on_or_next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        while !self.is_working_day(day) {
            day = day.succ_opt().expect("date within chrono's range");
        }
        day
    }

    /// Whether staff are at work at `at`: a working day, from 08:00 up to
    /// 18:00 local time ([`OFFICE_HOURS`]).
    pub fn is_office_hours(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&Amsterdam);
        self.is_working_day(local.date_naive()) && OFFICE_HOURS.contains(&local.hour())
    }

    /// How many counted days lie after `from` up to and including `to`:
    /// zero when `to` is not after `from`. Used for "how late" (`+3 wd`).
    pub fn days_between(&self, from: NaiveDate, to: NaiveDate, counting: DayCounting) -> u32 {
        if to <= from {
            return 0;
        }
        match counting {
            DayCounting::CalendarDays => (to - from).num_days().try_into().unwrap_or(u32::MAX),
            DayCounting::WorkingDays => from
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= to)
                .filter(|d| self.is_working_day(*d))
                .count()
                .try_into()
                .unwrap_or(u32::MAX),
        }
    }
}

/// The local (Europe/Amsterdam) date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Amsterdam).date_naive()
}

/// The last second of a local date, 23:59:59 Europe/Amsterdam, as an instant.
/// Every deadline in regiedesk is the end of its day.
/// The first moment of a day in Europe/Amsterdam (midnight is never in a
/// DST gap there), as UTC.
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    Amsterdam
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .expect("midnight exists in Europe/Amsterdam")
        .with_timezone(&Utc)
}

pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"));
    // 23:59:59 is never inside a DST gap or fold in Europe/Amsterdam (the
    // switches happen at 02:00/03:00), so the mapping is always single.
    Amsterdam
        .from_local_datetime(&local)
        .single()
        .expect("23:59:59 is unambiguous in Europe/Amsterdam")
        .with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn office_hours_are_eight_to_six_local_on_working_days() {
        let cal = Calendar::dutch();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // Tuesday 24 November 2026 (CET, UTC+1).
        assert!(!cal.is_office_hours(at("2026-11-24T06:59:59Z"))); // 07:59
        assert!(cal.is_office_hours(at("2026-11-24T07:00:00Z"))); // 08:00
        assert!(cal.is_office_hours(at("2026-11-24T16:59:59Z"))); // 17:59
        assert!(!cal.is_office_hours(at("2026-11-24T17:00:00Z"))); // 18:00
        // Summer time (CEST, UTC+2): 08:30 local is 06:30 UTC.
        assert!(cal.is_office_hours(at("2026-06-16T06:30:00Z")));
        // Saturday, and Eerste Kerstdag on a Friday.
        assert!(!cal.is_office_hours(at("2026-11-28T10:00:00Z")));
        assert!(!cal.is_office_hours(at("2026-12-25T10:00:00Z")));
    }

    /// The reference table of the Algemene termijnenwet, 2020–2035.
    const FIXTURE: &str =
        include_str!("../../tests/fixtures/nl-holidays-algemene-termijnenwet.csv");

    #[test]
    fn holidays_match_the_reference_table_2020_to_2035() {
        let expected: Vec<(NaiveDate, String)> = FIXTURE
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let cols: Vec<&str> = l.split(',').collect();
                (cols[0].parse().unwrap(), cols[2].to_string())
            })
            .collect();
        let computed: Vec<(NaiveDate, String)> = (2020..=2035)
            .flat_map(Holiday::of_year)
            .map(|(date, h)| (date, h.name().to_string()))
            .collect();
        assert_eq!(computed, expected);
    }

    #[test]
    fn koningsdag_moves_to_the_26th_when_the_27th_is_a_sunday() {
        // 27 April 2025 and 2031 are Sundays.
        let cal = Calendar::dutch();
        assert_eq!(cal.holiday(d(2025, 4, 26)), Some(Holiday::Koningsdag));
        assert!(cal.is_working_day(d(2025, 4, 28)));
        assert_eq!(cal.holiday(d(2031, 4, 26)), Some(Holiday::Koningsdag));
        assert_eq!(cal.holiday(d(2026, 4, 27)), Some(Holiday::Koningsdag));
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        let cal = Calendar::dutch();
        assert!(!cal.is_working_day(d(2026, 11, 28))); // Saturday
        assert!(!cal.is_working_day(d(2026, 11, 29))); // Sunday
        assert!(cal.is_working_day(d(2026, 11, 30))); // Monday
        assert!(!cal.is_working_day(d(2026, 5, 14))); // Hemelvaartsdag
        assert!(!cal.is_working_day(d(2027, 5, 5))); // Bevrijdingsdag, a Wednesday
        assert!(cal.is_working_day(d(2026, 4, 3))); // Goede Vrijdag is not in the law
    }

    #[test]
    fn extra_closing_days_are_skipped() {
        let cal = Calendar::with_extra_closing_days([d(2026, 5, 15)]);
        assert!(!cal.is_working_day(d(2026, 5, 15)));
        // Wednesday 13 May + 2 working days skips Thu 14 (holiday), Fri 15
        // (closing day) and the weekend.
        assert_eq!(
            cal.nth_day_after(d(2026, 5, 13), 2, DayCounting::WorkingDays),
            d(2026, 5, 19)
        );
        assert_eq!(
            Calendar::dutch().nth_day_after(d(2026, 5, 13), 2, DayCounting::WorkingDays),
            d(2026, 5, 18)
        );
    }

    #[test]
    fn nth_working_day_after_christmas_eve_2026() {
        let cal = Calendar::dutch();
        // Thursday 24 Dec: Fri 25 and Sat 26 are holidays and weekend, Sun 27
        // weekend; Mon 28 is the first working day, Tue 29 the second.
        assert_eq!(
            cal.nth_day_after(d(2026, 12, 24), 2, DayCounting::WorkingDays),
            d(2026, 12, 29)
        );
        assert_eq!(
            cal.nth_day_after(d(2026, 12, 24), 2, DayCounting::CalendarDays),
            d(2026, 12, 26)
        );
        assert_eq!(
            cal.nth_day_after(d(2026, 12, 24), 0, DayCounting::WorkingDays),
            d(2026, 12, 24)
        );
    }

    #[test]
    fn next_working_day_rolls_over_weekend_and_holidays() {
        let cal = Calendar::dutch();
        assert_eq!(cal.on_or_next_working_day(d(2026, 12, 25)), d(2026, 12, 28));
        assert_eq!(cal.on_or_next_working_day(d(2026, 12, 28)), d(2026, 12, 28));
        // Saturday 31 Dec 2033 -> Sun -> Nieuwjaarsdag (Sun 1 Jan 2034) -> Mon 2 Jan.
        assert_eq!(cal.on_or_next_working_day(d(2033, 12, 31)), d(2034, 1, 2));
        // Easter Monday 2027 is 29 March; Sunday 28 -> Tuesday 30.
        assert_eq!(cal.on_or_next_working_day(d(2027, 3, 28)), d(2027, 3, 30));
    }

    #[test]
    fn days_between_counts_only_what_counts() {
        let cal = Calendar::dutch();
        assert_eq!(
            cal.days_between(d(2026, 12, 24), d(2026, 12, 29), DayCounting::WorkingDays),
            2
        );
        assert_eq!(
            cal.days_between(d(2026, 12, 24), d(2026, 12, 29), DayCounting::CalendarDays),
            5
        );
        assert_eq!(
            cal.days_between(d(2026, 12, 29), d(2026, 12, 24), DayCounting::WorkingDays),
            0
        );
        assert_eq!(
            cal.days_between(d(2026, 12, 24), d(2026, 12, 24), DayCounting::WorkingDays),
            0
        );
        // A whole year: 2026 has 365 days, 104 weekend days, and of its 8
        // holidays only Tweede Kerstdag (Sat 26 Dec) falls in a weekend.
        assert_eq!(
            cal.days_between(d(2025, 12, 31), d(2026, 12, 31), DayCounting::WorkingDays),
            365 - 104 - 7
        );
    }

    #[test]
    fn end_of_day_is_local_midnight_minus_a_second_in_summer_and_winter() {
        // Winter: UTC+1. Summer: UTC+2.
        assert_eq!(
            end_of_day(d(2026, 12, 29)).to_rfc3339(),
            "2026-12-29T22:59:59+00:00"
        );
        assert_eq!(
            end_of_day(d(2026, 7, 1)).to_rfc3339(),
            "2026-07-01T21:59:59+00:00"
        );
        // The day of the switch to summer time (29 March 2026) too.
        assert_eq!(
            end_of_day(d(2026, 3, 29)).to_rfc3339(),
            "2026-03-29T21:59:59+00:00"
        );
    }

    #[test]
    fn local_date_uses_amsterdam_time() {
        let late_evening_utc = "2026-12-31T23:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(local_date(late_evening_utc), d(2027, 1, 1));
        let summer = "2026-06-30T22:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(local_date(summer), d(2026, 7, 1));
    }
}
