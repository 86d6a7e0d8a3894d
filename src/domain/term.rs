//! The law's clock on a request: its decision term as the Awb moves it.
//!
//! A request's term starts at filing (Wmo 2015 art. 2.3.5: two weeks;
//! Jeugdwet via Awb 4:13: eight weeks; both configurable in `[norms]`)
//! and then:
//! - stands still while the applicant is asked to complete the request
//!   (opschorting, Awb 4:15 lid 1): from the day after the day asked until
//!   the day the information arrives, or until the hersteltermijn ends
//!   unused. The term moves by those days: `completed_on - asked_on`.
//! - may be extended once, before it ends, by a stated number of weeks
//!   with a reason the applicant is told (verdaging, Awb 4:14).
//! - once passed without a decision, is "niet tijdig". After the applicant's
//!   written notice of default (ingebrekestelling) the municipality has two
//!   more weeks; from the day after those, a dwangsom runs (Awb 4:17).
//!
//! Where a term ends is computed once, from the unmoved term end plus the
//! suspended days plus the extension, and only then moved off a weekend or
//! holiday (Algemene termijnenwet art. 1): a term moved by a suspension no
//! longer ends on the holiday that the unmoved term ended on.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::{Calendar, end_of_day, local_date};
use super::dwangsom::DwangsomRates;
use super::model::{Login, Request, RequestStatus};

/// What moved a request's term, in the order it happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionTerm {
    /// Opschortingen (Awb 4:15), oldest first; only the last may be open.
    pub suspensions: Vec<Suspension>,
    /// The one verdaging a term allows (Awb 4:14).
    pub extension: Option<Extension>,
    /// The applicant's ingebrekestelling (Awb 4:17).
    pub default_notice: Option<DefaultNotice>,
}

/// The applicant was asked to complete the request (Awb 4:5, 4:15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Suspension {
    /// The day the applicant was asked; the term stands still from the day
    /// after.
    pub asked_on: NaiveDate,
    /// The last day of the hersteltermijn the applicant was given.
    pub complete_by: NaiveDate,
    /// The day the information arrived; `None` while it is awaited.
    pub completed_on: Option<NaiveDate>,
    pub recorded_by: Login,
    /// What was asked for (empty, and left out, for a role whose work
    /// does not need it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Suspension {
    /// The day the suspension ends: when the information arrived, or the
    /// hersteltermijn's last day when it did not arrive in time (or yet).
    pub fn ends_on(&self) -> NaiveDate {
        self.completed_on
            .map_or(self.complete_by, |day| day.min(self.complete_by))
    }

    /// Days the term stands still. While the information is awaited this
    /// is the most it can become (the whole hersteltermijn), so the
    /// deadline shown is never too early.
    pub fn days(&self) -> u64 {
        (self.ends_on() - self.asked_on)
            .num_days()
            .try_into()
            .unwrap_or(0)
    }

    /// Whether the term stands still on `today`: asked, nothing arrived,
    /// hersteltermijn not yet over.
    pub fn is_running(&self, today: NaiveDate) -> bool {
        self.completed_on.is_none() && today <= self.complete_by
    }
}

/// The term was extended (verdaging, Awb 4:14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Extension {
    pub weeks: u32,
    /// The day the applicant was told (before the term ended).
    pub notified_on: NaiveDate,
    /// Empty, and left out, for a role whose work does not need it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    pub recorded_by: Login,
}

/// The applicant's written notice of default (ingebrekestelling).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DefaultNotice {
    /// The day the municipality received it.
    pub received_on: NaiveDate,
    pub recorded_by: Login,
}

impl DecisionTerm {
    /// The suspension that is still open (awaiting information), if any.
    pub fn open_suspension(&self) -> Option<&Suspension> {
        self.suspensions.last().filter(|s| s.completed_on.is_none())
    }

    /// The suspension in force on `today`, if the term stands still.
    pub fn suspended_on(&self, today: NaiveDate) -> Option<&Suspension> {
        self.open_suspension().filter(|s| s.is_running(today))
    }

    pub fn suspended_days(&self) -> u64 {
        self.suspensions.iter().map(Suspension::days).sum()
    }

    /// The deadline: the unmoved term end (`filed` plus `weeks`) plus the
    /// suspended days and the extension, then off a weekend or holiday
    /// (Algemene termijnenwet), at the end of that day.
    pub fn decide_by(&self, filed: NaiveDate, weeks: u32, calendar: &Calendar) -> DateTime<Utc> {
        let extension_weeks = self.extension.as_ref().map_or(0, |e| e.weeks);
        let days = 7 * u64::from(weeks + extension_weeks) + self.suspended_days();
        end_of_day(calendar.on_or_next_working_day(filed + Days::new(days)))
    }
}

/// The first day a dwangsom is owed (Awb 4:17 lid 3): the day after the two
/// weeks that follow the day the ingebrekestelling was received. The two
/// weeks are a statutory term, so a last day on a weekend or holiday moves
/// to the next working day (Algemene termijnenwet art. 1); the 42 days of
/// the dwangsom itself are counted in calendar days.
pub fn dwangsom_day_one(received_on: NaiveDate, calendar: &Calendar) -> NaiveDate {
    calendar.on_or_next_working_day(received_on + Days::new(14)) + Days::new(1)
}

/// How many days of dwangsom `request` has run up on `today`: from day 1
/// up to and including today while undecided (what is at stake if no
/// decision comes today), up to the day before the decision once decided.
pub fn dwangsom_days(request: &Request, today: NaiveDate, calendar: &Calendar) -> u32 {
    let Some(notice) = &request.term.default_notice else {
        return 0;
    };
    let first = dwangsom_day_one(notice.received_on, calendar);
    let last = match (request.status, request.decided_at) {
        (RequestStatus::Pending, _) | (_, None) => today,
        (_, Some(decided)) => local_date(decided).pred_opt().unwrap_or(first),
    };
    if last < first {
        0
    } else {
        u32::try_from((last - first).num_days() + 1).unwrap_or(u32::MAX)
    }
}

/// The dwangsom `request` has run up on `today`, in whole euros.
pub fn dwangsom(
    request: &Request,
    today: NaiveDate,
    calendar: &Calendar,
    rates: &DwangsomRates,
) -> u32 {
    rates.accrued(dwangsom_days(request, today, calendar))
}

/// Where a pending request's clock stands on a day: the Mandaat board's
/// "termijn" column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Clock {
    /// The term runs; `decide_by` is ahead (or today).
    Running,
    /// The term stands still until the information arrives, at most until
    /// `until` (the hersteltermijn's last day).
    Suspended { until: NaiveDate },
    /// The term passed without a decision (niet tijdig).
    Late,
    /// Late, and the applicant gave notice of default on `since`; the
    /// dwangsom runs from `from` and is `dwangsom` euros today.
    InDefault {
        since: NaiveDate,
        from: NaiveDate,
        dwangsom: u32,
    },
}

impl Clock {
    pub fn of(
        request: &Request,
        now: DateTime<Utc>,
        calendar: &Calendar,
        rates: &DwangsomRates,
    ) -> Clock {
        let today = local_date(now);
        if let Some(s) = request.term.suspended_on(today) {
            return Clock::Suspended {
                until: s.complete_by,
            };
        }
        if let Some(notice) = &request.term.default_notice {
            return Clock::InDefault {
                since: notice.received_on,
                from: dwangsom_day_one(notice.received_on, calendar),
                dwangsom: dwangsom(request, today, calendar, rates),
            };
        }
        if now > request.decide_by {
            Clock::Late
        } else {
            Clock::Running
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::RequestKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn suspension(asked: &str, by: &str, completed: Option<&str>) -> Suspension {
        Suspension {
            asked_on: d(asked),
            complete_by: d(by),
            completed_on: completed.map(d),
            recorded_by: "pr-volw".into(),
            note: "inkomensgegevens".into(),
        }
    }

    fn request(term: DecisionTerm) -> Request {
        Request {
            id: 1,
            number: "AV-2027-0001".into(),
            case_id: 1,
            kind: RequestKind::WmoMaatwerk,
            provision: "huishoudelijke hulp".into(),
            motivation: "m".into(),
            in_plan: true,
            filed_by: "cr-01".into(),
            filed_at: end_of_day(d("2027-05-03")) - chrono::Duration::hours(12),
            decide_by: end_of_day(d("2027-05-18")),
            status: RequestStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            term,
        }
    }

    #[test]
    fn a_wmo_request_filed_3_may_2027_suspended_10_to_14_may() {
        let cal = Calendar::dutch();
        let filed = d("2027-05-03"); // Monday
        // Unmoved: Monday 17 May is Tweede Pinksterdag, so Tuesday 18 May.
        let none = DecisionTerm::default();
        assert_eq!(none.decide_by(filed, 2, &cal), end_of_day(d("2027-05-18")));
        // Asked on Monday 10 May, answered on Friday 14 May: four days
        // stood still (11 up to and including 14 May). 17 May + 4 = Friday
        // 21 May, a working day. (Moving the holiday first and adding after
        // would give Saturday 22 May, then Monday 24 May: wrong.)
        let term = DecisionTerm {
            suspensions: vec![suspension("2027-05-10", "2027-05-24", Some("2027-05-14"))],
            ..DecisionTerm::default()
        };
        assert_eq!(term.suspended_days(), 4);
        assert_eq!(term.decide_by(filed, 2, &cal), end_of_day(d("2027-05-21")));
    }

    #[test]
    fn an_open_suspension_counts_the_whole_hersteltermijn_and_lapses_unused() {
        let cal = Calendar::dutch();
        let s = suspension("2027-05-10", "2027-05-24", None);
        assert!(s.is_running(d("2027-05-24")));
        assert!(
            !s.is_running(d("2027-05-25")),
            "the hersteltermijn ended unused"
        );
        let term = DecisionTerm {
            suspensions: vec![s],
            ..DecisionTerm::default()
        };
        // 14 days: 17 May + 14 = Monday 31 May.
        assert_eq!(
            term.decide_by(d("2027-05-03"), 2, &cal),
            end_of_day(d("2027-05-31"))
        );
        // Information that comes after the hersteltermijn moves nothing more.
        let late = suspension("2027-05-10", "2027-05-24", Some("2027-06-02"));
        assert_eq!(late.days(), 14);
        assert_eq!(late.ends_on(), d("2027-05-24"));
    }

    #[test]
    fn a_jeugd_request_extended_by_four_weeks() {
        let cal = Calendar::dutch();
        // Filed Monday 7 June 2027: eight weeks is Monday 2 August.
        let filed = d("2027-06-07");
        assert_eq!(
            DecisionTerm::default().decide_by(filed, 8, &cal),
            end_of_day(d("2027-08-02"))
        );
        let term = DecisionTerm {
            extension: Some(Extension {
                weeks: 4,
                notified_on: d("2027-07-26"),
                reason: "advies jeugdarts nodig".into(),
                recorded_by: "pr-jeugd".into(),
            }),
            ..DecisionTerm::default()
        };
        assert_eq!(term.decide_by(filed, 8, &cal), end_of_day(d("2027-08-30")));
        // Filed 2 October 2027: 8 + 4 weeks end on Saturday 25 December
        // (Eerste Kerstdag), Sunday is Tweede Kerstdag: Monday 27 December.
        assert_eq!(
            term.decide_by(d("2027-10-02"), 8, &cal),
            end_of_day(d("2027-12-27"))
        );
    }

    #[test]
    fn dwangsom_day_one_is_the_day_after_the_two_weeks() {
        let cal = Calendar::dutch();
        // Received Tuesday 1 June 2027: the two weeks end Tuesday 15 June,
        // day 1 is Wednesday 16 June.
        assert_eq!(dwangsom_day_one(d("2027-06-01"), &cal), d("2027-06-16"));
        // Received Saturday 12 June: the two weeks would end Saturday
        // 26 June, moved to Monday 28 June; day 1 is Tuesday 29 June.
        assert_eq!(dwangsom_day_one(d("2027-06-12"), &cal), d("2027-06-29"));
        // Received Monday 3 May 2027: 17 May is Tweede Pinksterdag, so the
        // two weeks end Tuesday 18 May; day 1 is Wednesday 19 May.
        assert_eq!(dwangsom_day_one(d("2027-05-03"), &cal), d("2027-05-19"));
    }

    #[test]
    fn the_dwangsom_of_a_late_request_by_day_as_computed_by_hand() {
        let cal = Calendar::dutch();
        let rates = DwangsomRates::default();
        // Past its term of 18 May; notice received Tuesday 1 June 2027;
        // day 1 is Wednesday 16 June.
        let late = request(DecisionTerm {
            default_notice: Some(DefaultNotice {
                received_on: d("2027-06-01"),
                recorded_by: "adm-01".into(),
            }),
            ..DecisionTerm::default()
        });
        let day = |n: u64| d("2027-06-16") + Days::new(n - 1);
        assert_eq!(dwangsom(&late, d("2027-06-15"), &cal, &rates), 0);
        for (n, euros) in [
            (1, 23),
            (14, 322),
            (15, 357),
            (28, 812),
            (29, 857),
            (42, 1_442),
            (60, 1_442),
        ] {
            assert_eq!(dwangsom(&late, day(n), &cal, &rates), euros, "day {n}");
        }
        // Decided on day 15: days 1 to 14 were owed, the day of the
        // decision is not; it stays so on every later day.
        let mut decided = late.clone();
        decided.status = RequestStatus::Approved;
        decided.decided_at = Some(end_of_day(day(15)) - chrono::Duration::hours(10));
        assert_eq!(dwangsom(&decided, day(60), &cal, &rates), 322);
        // Decided on day 1 itself: nothing owed.
        decided.decided_at = Some(end_of_day(day(1)) - chrono::Duration::hours(10));
        assert_eq!(dwangsom(&decided, day(60), &cal, &rates), 0);
    }

    #[test]
    fn the_clock_reads_suspended_late_and_in_default() {
        let cal = Calendar::dutch();
        let rates = DwangsomRates::default();
        let at = |s: &str| end_of_day(d(s)) - chrono::Duration::hours(12);
        let mut r = request(DecisionTerm::default());
        assert_eq!(
            Clock::of(&r, at("2027-05-18"), &cal, &rates),
            Clock::Running
        );
        assert_eq!(Clock::of(&r, at("2027-05-19"), &cal, &rates), Clock::Late);
        r.term
            .suspensions
            .push(suspension("2027-05-10", "2027-05-24", None));
        assert_eq!(
            Clock::of(&r, at("2027-05-12"), &cal, &rates),
            Clock::Suspended {
                until: d("2027-05-24")
            }
        );
        r.term.default_notice = Some(DefaultNotice {
            received_on: d("2027-06-01"),
            recorded_by: "adm-01".into(),
        });
        assert_eq!(
            Clock::of(&r, at("2027-06-17"), &cal, &rates),
            Clock::InDefault {
                since: d("2027-06-01"),
                from: d("2027-06-16"),
                dwangsom: 46
            }
        );
    }
}
