//! A casusregisseur away from work, and what falls due on their cases
//! while they are.
//!
//! An absence is a period and nothing more: "afwezig". Why someone is
//! away (ill, on leave, on a course) is not regiedesk's business; an
//! employee's health is private too.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::{end_of_day, local_date};
use super::model::{Case, Login, Request, RequestStatus};
use super::norms::Norms;

/// A period a casusregisseur is away, both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Absence {
    pub id: i64,
    pub login: Login,
    /// The first day away.
    pub from: NaiveDate,
    /// The last day away; they are back the next working day.
    pub until: NaiveDate,
    /// Cases moved during it go back when they return: on the return
    /// date the desk proposes moving them back.
    pub temporary: bool,
    /// Cases moved to someone else for the time of this absence (only a
    /// temporary one), with whom they went to.
    #[serde(default)]
    pub moved: Vec<MovedCase>,
    /// The return was dealt with: the cases went back, or the
    /// procesregisseur decided to leave them where they are.
    #[serde(default)]
    pub settled: bool,
}

/// A case moved away for the time of an absence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MovedCase {
    pub case_id: i64,
    pub to: Login,
}

impl Absence {
    /// Whether they are away on `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.until
    }

    /// Whether this absence and the period `from..=until` share a day.
    pub fn overlaps(&self, from: NaiveDate, until: NaiveDate) -> bool {
        self.from <= until && from <= self.until
    }

    /// Whether it is over on `today` and the cases moved for it still
    /// wait for the procesregisseur to say whether they go back.
    pub fn awaits_return(&self, today: NaiveDate) -> bool {
        self.temporary && !self.settled && today > self.until && !self.moved.is_empty()
    }
}

/// How far back an absence may start: someone ill since last week is
/// recorded late, but a month back is a correction, not a plan.
pub const STARTS_AT_MOST_DAYS_BACK: i64 = 31;
/// How long one absence may last; a longer one is recorded again when
/// the year is over, so it is looked at again.
pub const LASTS_AT_MOST_DAYS: i64 = 366;

/// Whether `from..=until` can be recorded as an absence on `today`; the
/// words say what to change.
pub fn check_period(from: NaiveDate, until: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if until < from {
        return Err("de laatste dag van de afwezigheid ligt vóór de eerste".into());
    }
    if until < today {
        return Err(
            "deze afwezigheid is al voorbij; alleen een lopende of komende legt u vast".into(),
        );
    }
    if (today - from).num_days() > STARTS_AT_MOST_DAYS_BACK {
        return Err(format!(
            "een afwezigheid begint hooguit {STARTS_AT_MOST_DAYS_BACK} dagen terug"
        ));
    }
    check_length(from, until)
}

/// Whether a new last day fits the absence that began on `from`.
pub fn check_length(from: NaiveDate, until: NaiveDate) -> Result<(), String> {
    if until < from {
        return Err("de laatste dag van de afwezigheid ligt vóór de eerste".into());
    }
    if (until - from).num_days() >= LASTS_AT_MOST_DAYS {
        return Err(format!(
            "een afwezigheid duurt hooguit {LASTS_AT_MOST_DAYS} dagen; leg daarna een nieuwe vast"
        ));
    }
    Ok(())
}

/// The absence of `login` on `day`, if any (the first, should two
/// overlap, which the API does not allow).
pub fn away_on(absences: &[Absence], day: NaiveDate) -> Option<&Absence> {
    absences.iter().find(|a| a.covers(day))
}

/// The absence of someone now or still to come that matters on `today`:
/// the current one, or else the next.
pub fn current_or_next(absences: &[Absence], today: NaiveDate) -> Option<&Absence> {
    away_on(absences, today).or_else(|| {
        absences
            .iter()
            .filter(|a| a.from > today)
            .min_by_key(|a| a.from)
    })
}

/// Something on a case that falls due by a day: what a person must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// The first contact after assignment (the two-day norm).
    FirstContact,
    /// The plan, the norm's days after the first contact.
    Plan,
    /// The Wmo onderzoek, six weeks after the melding.
    Onderzoek,
    /// A request's legal decision term.
    Decision,
}

impl Due {
    pub fn label(self) -> &'static str {
        match self {
            Due::FirstContact => "eerste contact",
            Due::Plan => "plan",
            Due::Onderzoek => "onderzoek",
            Due::Decision => "beslistermijn",
        }
    }
}

/// What falls due on `case` by the end of `until`, with the day it is due:
/// also what is already late, since that too needs someone while the
/// holder is away. Only open cases have anything due.
pub fn due_by(
    case: &Case,
    requests: &[&Request],
    norms: &Norms,
    until: NaiveDate,
) -> Vec<(Due, NaiveDate)> {
    if !case.is_open() {
        return Vec::new();
    }
    let mut due = Vec::new();
    let mut add = |what, at: DateTime<Utc>| {
        let day = local_date(at);
        if day <= until {
            due.push((what, day));
        }
    };
    if case.first_contact_at.is_none()
        && let Some(at) = case.first_contact_due_at
    {
        add(Due::FirstContact, at);
    }
    if let (Some(contact), None) = (case.first_contact_at, case.plan_at) {
        let day = norms.calendar.nth_day_after(
            local_date(contact),
            norms.stagnation.no_plan_days,
            norms.counting,
        );
        add(Due::Plan, end_of_day(day));
    }
    if let (Some(melding), None) = (case.melding_on, case.onderzoek_done_on) {
        add(Due::Onderzoek, norms.onderzoek_due(melding));
    }
    for request in requests
        .iter()
        .filter(|r| r.case_id == case.id && r.status == RequestStatus::Pending)
    {
        add(Due::Decision, request.decide_by);
    }
    due.sort_by_key(|(what, day)| (*day, *what));
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{CaseDomain, CaseStatus, Household, Source};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn absence(from: &str, until: &str) -> Absence {
        Absence {
            id: 1,
            login: "cr-07".into(),
            from: d(from),
            until: d(until),
            temporary: true,
            moved: vec![],
            settled: false,
        }
    }

    fn assigned(assigned_at: &str) -> Case {
        let household = Household {
            id: 1,
            pseudonym: "H-0001".into(),
            members: 2,
        };
        let mut case = Case::referral(
            1,
            "KST-2026-0001".into(),
            &household,
            CaseDomain::Jeugd,
            Source::Cjg,
            vec![],
            at(assigned_at),
        );
        case.status = CaseStatus::Assigned;
        case.casusregisseur = Some("cr-07".into());
        case.assigned_at = Some(at(assigned_at));
        case.first_contact_due_at = Some(Norms::default().first_contact_due(at(assigned_at)));
        case
    }

    #[test]
    fn an_absence_covers_both_its_days_and_overlaps_what_shares_one() {
        let a = absence("2026-12-07", "2026-12-11");
        assert!(a.covers(d("2026-12-07")) && a.covers(d("2026-12-11")));
        assert!(!a.covers(d("2026-12-06")) && !a.covers(d("2026-12-12")));
        assert!(a.overlaps(d("2026-12-11"), d("2026-12-20")));
        assert!(!a.overlaps(d("2026-12-12"), d("2026-12-20")));
    }

    #[test]
    fn the_return_waits_only_for_a_temporary_absence_that_moved_cases_and_is_over() {
        let mut a = absence("2026-12-07", "2026-12-11");
        assert!(!a.awaits_return(d("2026-12-14")), "nothing was moved");
        a.moved.push(MovedCase {
            case_id: 1,
            to: "cr-02".into(),
        });
        assert!(!a.awaits_return(d("2026-12-11")), "the last day away");
        assert!(a.awaits_return(d("2026-12-14")));
        a.settled = true;
        assert!(!a.awaits_return(d("2026-12-14")));
        a.settled = false;
        a.temporary = false;
        assert!(!a.awaits_return(d("2026-12-14")));
    }

    #[test]
    fn the_current_absence_comes_before_the_next() {
        let absences = [
            Absence {
                id: 2,
                ..absence("2026-12-21", "2026-12-24")
            },
            absence("2026-12-07", "2026-12-11"),
        ];
        let today = d("2026-12-08");
        assert_eq!(current_or_next(&absences, today).map(|a| a.id), Some(1));
        assert_eq!(
            current_or_next(&absences, d("2026-12-14")).map(|a| a.id),
            Some(2)
        );
        assert_eq!(current_or_next(&absences, d("2026-12-28")), None);
    }

    #[test]
    fn a_period_is_checked_against_today() {
        let today = d("2026-12-07");
        assert!(check_period(d("2026-12-07"), d("2026-12-11"), today).is_ok());
        assert!(check_period(d("2026-11-06"), d("2026-12-11"), today).is_ok());
        assert!(check_period(d("2026-11-05"), d("2026-12-11"), today).is_err());
        assert!(check_period(d("2026-12-11"), d("2026-12-07"), today).is_err());
        assert!(check_period(d("2026-12-01"), d("2026-12-06"), today).is_err());
        assert!(check_period(d("2026-12-07"), d("2027-12-07"), today).is_ok());
        assert!(check_period(d("2026-12-07"), d("2027-12-08"), today).is_err());
    }

    #[test]
    fn first_contact_falls_due_two_working_days_after_assignment() {
        // Assigned Friday 4 Dec: contact due Tuesday 8 Dec.
        let case = assigned("2026-12-04T10:00:00Z");
        let norms = Norms::default();
        assert_eq!(
            due_by(&case, &[], &norms, d("2026-12-11")),
            [(Due::FirstContact, d("2026-12-08"))]
        );
        assert!(due_by(&case, &[], &norms, d("2026-12-07")).is_empty());
    }

    #[test]
    fn after_contact_the_plan_falls_due_and_a_melding_its_onderzoek() {
        let mut case = assigned("2026-11-02T10:00:00Z");
        case.first_contact_at = Some(at("2026-11-30T10:00:00Z"));
        case.melding_on = Some(d("2026-10-26"));
        let norms = Norms::default();
        // Ten working days after Monday 30 Nov: Monday 14 Dec. Six weeks
        // after 26 Oct: Monday 7 Dec.
        assert_eq!(
            due_by(&case, &[], &norms, d("2026-12-18")),
            [
                (Due::Onderzoek, d("2026-12-07")),
                (Due::Plan, d("2026-12-14"))
            ]
        );
        case.status = CaseStatus::Closed;
        assert!(due_by(&case, &[], &norms, d("2026-12-18")).is_empty());
    }
}
