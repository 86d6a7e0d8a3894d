//! Norms and deadlines: when first contact is due, when a request must be
//! decided, and when a case counts as stagnant.

use super::dwangsom::DwangsomRates;
use super::term::DecisionTerm;
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::{Calendar, DayCounting, end_of_day, local_date};
use super::model::{Case, CaseStatus, Request, RequestKind, RequestStatus};

/// Every configurable norm in one place. Defaults follow the seeds: first
/// contact within 2 (working) days of assignment; decisions on a Wmo
/// maatwerkvoorziening within 2 weeks and on youth care within 8 weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Norms {
    pub calendar: Calendar,
    /// How "N days" is counted for first contact and stagnation.
    pub counting: DayCounting,
    pub first_contact_days: u32,
    pub decision_weeks_wmo: u32,
    pub decision_weeks_jeugd: u32,
    pub stagnation: StagnationThresholds,
    /// What a late decision costs per day once it is owed (Awb 4:17).
    pub dwangsom: DwangsomRates,
    /// A waakvlam follow-up lies at most this many months after the day
    /// the case is closed (or the follow-up is postponed).
    pub waakvlam_max_months: u32,
    /// A waakvlam follow-up is "due soon" this many working days ahead.
    pub waakvlam_due_soon_days: u32,
    /// The plan's goals are evaluated every this many months.
    pub evaluation_months_jeugd: u32,
    pub evaluation_months_volwassenen: u32,
    /// The life domains a goal may lie in (the ZRM's by default).
    pub life_domains: Vec<String>,
    /// The share of goals reached at closing the municipality aims for, in
    /// percent (Doorstroom's Resultaat quadrant draws against it).
    pub goals_reached_target_pct: u32,
}

/// When each face of stagnation starts, in counted days (see [`Norms::counting`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StagnationThresholds {
    /// A referral must have a casusregisseur within this many days.
    pub unassigned_days: u32,
    /// An assigned case with nothing recorded by its casusregisseur for
    /// longer than this, counted from the first assignment (see
    /// `Case::last_activity_at`); a reassignment does not restart it.
    pub no_activity_days: u32,
    /// First contact made, but no plan after this many days.
    pub no_plan_days: u32,
    /// Warn about a pending request this many working days before its
    /// legal deadline (always working days: the deadline itself is legal).
    pub request_warning_days: u32,
}

impl Default for StagnationThresholds {
    fn default() -> Self {
        Self {
            unassigned_days: 1,
            no_activity_days: 15,
            no_plan_days: 10,
            request_warning_days: 2,
        }
    }
}

impl Default for Norms {
    fn default() -> Self {
        Self {
            calendar: Calendar::dutch(),
            counting: DayCounting::WorkingDays,
            first_contact_days: 2,
            decision_weeks_wmo: 2,
            decision_weeks_jeugd: 8,
            stagnation: StagnationThresholds::default(),
            dwangsom: DwangsomRates::default(),
            waakvlam_max_months: 24,
            waakvlam_due_soon_days: 5,
            // "at the start and every three to six months" (DOMAIN.md).
            evaluation_months_jeugd: 3,
            evaluation_months_volwassenen: 3,
            life_domains: super::plan::ZRM_DOMAINS.map(String::from).to_vec(),
            goals_reached_target_pct: 70,
        }
    }
}

/// The faces of stagnation (DOMAIN.md, "A case's path").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum StagnationKind {
    FirstContactOverdue,
    Unassigned,
    NoActivity,
    NoPlan,
    Stuck,
    RequestDeadline,
    /// A waakvlam follow-up whose date has passed (working days).
    WaakvlamOverdue,
    /// A Wmo melding without a finished onderzoek after six weeks (Wmo
    /// 2015 art. 2.3.2): "onderzoek te laat".
    OnderzoekOverdue,
    /// The user's own reminder on the case (a note of theirs) is due: on
    /// the author's desk only, never from the server's norms.
    Reminder,
    /// The plan's next evaluation is past its day (working days).
    EvaluationLate,
    /// A goal is off track: two evaluations in a row without progress,
    /// or past its target date unmet (one signal per case, the earliest).
    GoalOffTrack,
}

/// One reason a case is stagnant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Stagnation {
    pub kind: StagnationKind,
    pub case_id: i64,
    /// For [`StagnationKind::RequestDeadline`]: the request.
    pub request_id: Option<i64>,
    /// The moment the norm was (or will be) passed: end of the norm's day.
    pub norm_at: DateTime<Utc>,
    /// Counted days past the norm: 0 means due today; negative means still
    /// that many days left (only request deadlines warn ahead of time).
    pub days_late: i64,
}

impl Norms {
    pub fn evaluation_months(&self, domain: super::model::CaseDomain) -> u32 {
        match domain {
            super::model::CaseDomain::Jeugd => self.evaluation_months_jeugd,
            super::model::CaseDomain::Volwassenen => self.evaluation_months_volwassenen,
        }
    }

    /// First contact is due by the end of the Nth counted day after the day
    /// of assignment (Europe/Amsterdam).
    pub fn first_contact_due(&self, assigned_at: DateTime<Utc>) -> DateTime<Utc> {
        let day = self.calendar.nth_day_after(
            local_date(assigned_at),
            self.first_contact_days,
            self.counting,
        );
        end_of_day(day)
    }

    /// The decision term of a kind of request, in weeks, before anything
    /// moved it.
    pub fn decision_weeks(&self, kind: RequestKind) -> u32 {
        match kind {
            RequestKind::WmoMaatwerk => self.decision_weeks_wmo,
            RequestKind::Jeugdhulp => self.decision_weeks_jeugd,
        }
    }

    /// The legal decision deadline: filed date plus the term of the kind,
    /// moved to the next working day when it ends on a weekend or holiday
    /// (Algemene termijnenwet), at the end of that day.
    pub fn decide_by(&self, kind: RequestKind, filed_at: DateTime<Utc>) -> DateTime<Utc> {
        self.decide_by_under(kind, filed_at, &DecisionTerm::default())
    }

    /// The decision deadline after what moved the term (suspensions, an
    /// extension; see `domain::term`).
    pub fn decide_by_under(
        &self,
        kind: RequestKind,
        filed_at: DateTime<Utc>,
        term: &DecisionTerm,
    ) -> DateTime<Utc> {
        term.decide_by(
            local_date(filed_at),
            self.decision_weeks(kind),
            &self.calendar,
        )
    }

    /// When the Wmo onderzoek after a melding must be done: six weeks
    /// (Wmo 2015 art. 2.3.2 lid 1), a statutory term, so a last day on a
    /// weekend or holiday moves to the next working day (Algemene
    /// termijnenwet), at the end of that day.
    pub fn onderzoek_due(&self, melding: NaiveDate) -> DateTime<Utc> {
        end_of_day(
            self.calendar
                .on_or_next_working_day(melding + chrono::Days::new(42)),
        )
    }

    /// The end of the `days`th counted day after `since`, when `now` is past it.
    fn passed(&self, since: DateTime<Utc>, days: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let norm = end_of_day(
            self.calendar
                .nth_day_after(local_date(since), days, self.counting),
        );
        (now > norm).then_some(norm)
    }

    /// Working days left until a legal deadline: 0 on the day itself,
    /// negative once it has passed.
    pub fn working_days_left(&self, deadline: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
        -self.lateness(deadline, now, DayCounting::WorkingDays)
    }

    /// How late `now` is against a deadline at the end of a day: 0 on the
    /// day itself, positive after it, negative (days left) before it.
    fn lateness(&self, deadline: DateTime<Utc>, now: DateTime<Utc>, counting: DayCounting) -> i64 {
        let (due, today) = (local_date(deadline), local_date(now));
        if today >= due {
            i64::from(self.calendar.days_between(due, today, counting))
        } else {
            -i64::from(self.calendar.days_between(today, due, counting))
        }
    }

    /// The latest follow-up date a waakvlam set or moved on `day` may have.
    pub fn waakvlam_latest(&self, day: NaiveDate) -> NaiveDate {
        day.checked_add_months(Months::new(self.waakvlam_max_months))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Working days from today to a waakvlam follow-up date: 0 on the day,
    /// negative before it (days left), positive after it (days past).
    pub fn waakvlam_days(&self, until: NaiveDate, now: DateTime<Utc>) -> i64 {
        self.lateness(end_of_day(until), now, DayCounting::WorkingDays)
    }

    /// The user's own reminders that are due at `now` (their day has
    /// come), as stagnation of the kind [`StagnationKind::Reminder`].
    pub fn reminders_due(
        &self,
        reminders: &[crate::domain::note::Reminder],
        now: DateTime<Utc>,
    ) -> Vec<Stagnation> {
        let today = local_date(now);
        reminders
            .iter()
            .filter(|r| crate::domain::note::due(r, today))
            .map(|r| Stagnation {
                kind: StagnationKind::Reminder,
                case_id: r.case_id,
                request_id: None,
                norm_at: end_of_day(r.remind_on),
                days_late: self.lateness(end_of_day(r.remind_on), now, DayCounting::WorkingDays),
            })
            .collect()
    }

    /// Every way `case` is stagnant at `now`; `requests` are the case's own.
    /// Closed cases never stagnate; a case in waakvlam only when its
    /// follow-up is a working day or more past its date.
    pub fn stagnation(
        &self,
        case: &Case,
        requests: &[Request],
        now: DateTime<Utc>,
    ) -> Vec<Stagnation> {
        let mut found = Vec::new();
        if case.status == CaseStatus::Waakvlam
            && let Some(until) = case.waakvlam_until
        {
            let days_late = self.waakvlam_days(until, now);
            if days_late > 0 {
                found.push(Stagnation {
                    kind: StagnationKind::WaakvlamOverdue,
                    case_id: case.id,
                    request_id: None,
                    norm_at: end_of_day(until),
                    days_late,
                });
            }
            return found;
        }
        if !case.is_open() {
            return found;
        }
        let t = &self.stagnation;
        let mut push = |kind, norm_at: DateTime<Utc>, request_id| {
            found.push(Stagnation {
                kind,
                case_id: case.id,
                request_id,
                norm_at,
                days_late: self.lateness(norm_at, now, self.counting),
            })
        };

        if case.casusregisseur.is_none()
            && let Some(norm) = self.passed(case.referred_at, t.unassigned_days, now)
        {
            push(StagnationKind::Unassigned, norm, None);
        }
        if case.first_contact_at.is_none()
            && let Some(due) = case.first_contact_due_at.filter(|due| now > *due)
        {
            push(StagnationKind::FirstContactOverdue, due, None);
        }
        if case.casusregisseur.is_some()
            && let Some(norm) = self.passed(case.last_activity_at, t.no_activity_days, now)
        {
            push(StagnationKind::NoActivity, norm, None);
        }
        if let (Some(contact), None) = (case.first_contact_at, case.plan_at)
            && let Some(norm) = self.passed(contact, t.no_plan_days, now)
        {
            push(StagnationKind::NoPlan, norm, None);
        }
        if let (true, Some(at)) = (case.stuck_reported, case.stuck_reported_at) {
            push(StagnationKind::Stuck, at, None);
        }
        if let (Some(melding), None) = (case.melding_on, case.onderzoek_done_on) {
            let due = self.onderzoek_due(melding);
            if now > due {
                found.push(Stagnation {
                    kind: StagnationKind::OnderzoekOverdue,
                    case_id: case.id,
                    request_id: None,
                    norm_at: due,
                    days_late: self.lateness(due, now, DayCounting::WorkingDays),
                });
            }
        }
        let today = local_date(now);
        // The plan's cycle: an evaluation due, while a goal still runs and
        // the final one is not made.
        if let Some(plan_at) = case.plan_at
            && case.goals.iter().any(super::plan::Goal::is_open)
            && !case.evaluations.last().is_some_and(|e| e.is_final)
        {
            let due = end_of_day(super::plan::evaluation_due(
                plan_at,
                &case.evaluations,
                case.domain,
                self,
            ));
            if now > due {
                found.push(Stagnation {
                    kind: StagnationKind::EvaluationLate,
                    case_id: case.id,
                    request_id: None,
                    norm_at: due,
                    days_late: self.lateness(due, now, DayCounting::WorkingDays),
                });
            }
        }
        // Off track since the earliest of its goals: the target date
        // passed, or the last evaluation that showed no progress.
        let off_track_since = case
            .goals
            .iter()
            .filter_map(|goal| {
                Some(match goal.off_track(today)? {
                    super::plan::OffTrack::PastTarget => end_of_day(goal.target_date),
                    super::plan::OffTrack::Stalled | super::plan::OffTrack::Judged => {
                        end_of_day(goal.scores.last()?.on)
                    }
                })
            })
            .min();
        if let Some(since) = off_track_since {
            found.push(Stagnation {
                kind: StagnationKind::GoalOffTrack,
                case_id: case.id,
                request_id: None,
                norm_at: since,
                days_late: self.lateness(since, now, DayCounting::WorkingDays),
            });
        }
        // A suspended term does not run, so it cannot be running late.
        for request in requests.iter().filter(|r| {
            r.case_id == case.id
                && r.status == RequestStatus::Pending
                && r.term.suspended_on(today).is_none()
        }) {
            let days = self.lateness(request.decide_by, now, DayCounting::WorkingDays);
            if days >= -i64::from(t.request_warning_days) {
                found.push(Stagnation {
                    kind: StagnationKind::RequestDeadline,
                    case_id: case.id,
                    request_id: Some(request.id),
                    norm_at: request.decide_by,
                    days_late: days,
                });
            }
        }
        debug_assert!(case.status != CaseStatus::Referred || case.casusregisseur.is_none());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::*;
    use chrono::NaiveDate;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    pub(crate) fn open_case() -> Case {
        let household = Household {
            id: 3,
            pseudonym: "H-7Q2K".into(),
            members: 4,
        };
        let referred_at = at("2026-11-16T09:00:00Z");
        Case::referral(
            7,
            "KST-2026-0007".into(),
            &household,
            CaseDomain::Jeugd,
            Source::Huisarts,
            vec![],
            referred_at,
        )
    }

    fn request(kind: RequestKind, decide_by: &str) -> Request {
        Request {
            id: 11,
            number: "AV-2026-0011".into(),
            case_id: 7,
            kind,
            provision: "ambulante gezinsbegeleiding".into(),
            motivation: "m".into(),
            in_plan: true,
            filed_by: "cr-01".into(),
            filed_at: at("2026-10-01T10:00:00Z"),
            decide_by: at(decide_by),
            status: RequestStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            term: Default::default(),
        }
    }

    #[test]
    fn first_contact_due_on_christmas_eve_is_tuesday_29_december() {
        let norms = Norms::default();
        // Thursday 24 December 2026, 14:00 local.
        let due = norms.first_contact_due(at("2026-12-24T13:00:00Z"));
        assert_eq!(due, at("2026-12-29T22:59:59Z"));
    }

    #[test]
    fn first_contact_due_in_calendar_days_when_configured() {
        let norms = Norms {
            counting: DayCounting::CalendarDays,
            ..Norms::default()
        };
        assert_eq!(
            norms.first_contact_due(at("2026-12-24T13:00:00Z")),
            at("2026-12-26T22:59:59Z")
        );
    }

    #[test]
    fn first_contact_norm_is_configurable_and_uses_the_local_day() {
        let norms = Norms {
            first_contact_days: 3,
            ..Norms::default()
        };
        // Monday 23 Nov 2026 at 23:30 local is still Monday in Amsterdam.
        assert_eq!(
            norms.first_contact_due(at("2026-11-23T22:30:00Z")),
            at("2026-11-26T22:59:59Z")
        );
        // 00:30 local on Tuesday is already Tuesday, although UTC says Monday.
        assert_eq!(
            norms.first_contact_due(at("2026-11-23T23:30:00Z")),
            at("2026-11-27T22:59:59Z")
        );
    }

    #[test]
    fn decide_by_adds_the_term_and_rolls_past_weekends_and_holidays() {
        let norms = Norms::default();
        // Wmo: filed Fri 11 Dec 2026 + 2 weeks = Fri 25 Dec (Eerste Kerstdag)
        // -> Sat, Sun -> Mon 28 Dec.
        assert_eq!(
            norms.decide_by(RequestKind::WmoMaatwerk, at("2026-12-11T10:00:00Z")),
            at("2026-12-28T22:59:59Z")
        );
        // Jeugdhulp: filed Tue 24 Nov 2026 + 8 weeks = Tue 19 Jan 2027.
        assert_eq!(
            norms.decide_by(RequestKind::Jeugdhulp, at("2026-11-24T10:00:00Z")),
            at("2027-01-19T22:59:59Z")
        );
        // Jeugdhulp ending on a Saturday: filed Sat 3 Oct 2026 -> Sat 28 Nov -> Mon 30 Nov.
        assert_eq!(
            norms.decide_by(RequestKind::Jeugdhulp, at("2026-10-03T10:00:00Z")),
            at("2026-11-30T22:59:59Z")
        );
        // Ending on Koningsdag 2027 (Tue 27 April): filed Tue 13 April + 2 weeks -> Wed 28 April.
        assert_eq!(
            norms.decide_by(RequestKind::WmoMaatwerk, at("2027-04-13T10:00:00Z")),
            at("2027-04-28T21:59:59Z")
        );
        let longer = Norms {
            decision_weeks_wmo: 4,
            ..Norms::default()
        };
        assert_eq!(
            longer.decide_by(RequestKind::WmoMaatwerk, at("2026-11-24T10:00:00Z")),
            at("2026-12-22T22:59:59Z")
        );
    }

    #[test]
    fn an_unassigned_referral_stagnates_after_the_threshold() {
        let norms = Norms::default();
        let case = open_case(); // referred Mon 16 Nov
        // Tue 17 Nov is the last day within the norm.
        assert!(
            norms
                .stagnation(&case, &[], at("2026-11-17T20:00:00Z"))
                .is_empty()
        );
        let found = norms.stagnation(&case, &[], at("2026-11-20T10:00:00Z")); // Friday
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, StagnationKind::Unassigned);
        assert_eq!(found[0].norm_at, at("2026-11-17T22:59:59Z"));
        assert_eq!(found[0].days_late, 3);
    }

    #[test]
    fn first_contact_overdue_counts_working_days_late() {
        let norms = Norms::default();
        let mut case = open_case();
        case.status = CaseStatus::Assigned;
        case.casusregisseur = Some("cr-01".into());
        case.assigned_at = Some(at("2026-11-16T10:00:00Z"));
        case.first_contact_due_at = Some(norms.first_contact_due(at("2026-11-16T10:00:00Z")));
        case.last_activity_at = at("2026-11-16T10:00:00Z");
        // Due at the end of Wed 18 Nov: an hour before, nothing is late.
        assert!(
            norms
                .stagnation(&case, &[], at("2026-11-18T21:00:00Z"))
                .is_empty()
        );
        let found = norms.stagnation(&case, &[], at("2026-11-23T09:00:00Z")); // Monday
        assert_eq!(
            found.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [StagnationKind::FirstContactOverdue]
        );
        assert_eq!(found[0].days_late, 3); // Thu, Fri, Mon
        case.first_contact_at = Some(at("2026-11-20T09:00:00Z"));
        case.status = CaseStatus::Contacted;
        case.last_activity_at = at("2026-11-20T09:00:00Z");
        assert!(
            norms
                .stagnation(&case, &[], at("2026-11-23T09:00:00Z"))
                .is_empty()
        );
    }

    #[test]
    fn no_activity_and_no_plan_after_their_thresholds() {
        let norms = Norms::default();
        let mut case = open_case();
        case.status = CaseStatus::Contacted;
        case.casusregisseur = Some("cr-01".into());
        case.first_contact_at = Some(at("2026-10-01T10:00:00Z"));
        case.last_activity_at = at("2026-10-01T10:00:00Z");
        // 10 working days after Thu 1 Oct 2026 is Thu 15 Oct; on Fri 16 Oct: no plan +1.
        let found = norms.stagnation(&case, &[], at("2026-10-16T10:00:00Z"));
        assert_eq!(
            found.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [StagnationKind::NoPlan]
        );
        assert_eq!(found[0].days_late, 1);
        // 15 working days after 1 Oct is Thu 22 Oct; Fri 23 Oct: both.
        let found = norms.stagnation(&case, &[], at("2026-10-23T10:00:00Z"));
        let kinds: Vec<_> = found.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [StagnationKind::NoActivity, StagnationKind::NoPlan]);
        case.plan_at = Some(at("2026-10-20T10:00:00Z"));
        case.last_activity_at = at("2026-10-20T10:00:00Z");
        assert!(
            norms
                .stagnation(&case, &[], at("2026-10-23T10:00:00Z"))
                .is_empty()
        );
    }

    #[test]
    fn stuck_reports_stagnate_from_the_day_reported() {
        let norms = Norms::default();
        let mut case = open_case();
        case.status = CaseStatus::Execution;
        case.casusregisseur = Some("cr-01".into());
        case.last_activity_at = at("2026-11-20T10:00:00Z");
        case.stuck_reported = true;
        case.stuck_reported_at = Some(at("2026-11-20T10:00:00Z"));
        let found = norms.stagnation(&case, &[], at("2026-11-24T10:00:00Z"));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].kind, found[0].days_late),
            (StagnationKind::Stuck, 2)
        );
    }

    #[test]
    fn pending_requests_warn_before_and_after_decide_by() {
        let norms = Norms::default();
        let mut case = open_case();
        case.status = CaseStatus::Execution;
        case.casusregisseur = Some("cr-01".into());
        case.last_activity_at = at("2026-11-23T10:00:00Z");
        // Deadline Thu 26 Nov; now Tue 24 Nov: 2 working days left -> warns.
        let req = request(RequestKind::WmoMaatwerk, "2026-11-26T22:59:59Z");
        let found = norms.stagnation(
            &case,
            std::slice::from_ref(&req),
            at("2026-11-24T10:00:00Z"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].kind, found[0].days_late, found[0].request_id),
            (StagnationKind::RequestDeadline, -2, Some(11))
        );
        // Deadline Fri 27 Nov: 3 working days left -> no warning yet.
        let calm = request(RequestKind::WmoMaatwerk, "2026-11-27T22:59:59Z");
        assert!(
            norms
                .stagnation(&case, &[calm], at("2026-11-24T10:00:00Z"))
                .is_empty()
        );
        // Past: deadline Fri 20 Nov, now Tue 24 Nov -> 2 working days late.
        let late = request(RequestKind::Jeugdhulp, "2026-11-20T22:59:59Z");
        assert_eq!(
            norms.stagnation(
                &case,
                std::slice::from_ref(&late),
                at("2026-11-24T10:00:00Z")
            )[0]
            .days_late,
            2
        );
        // Decided requests never stagnate.
        let decided = Request {
            status: RequestStatus::Approved,
            ..late
        };
        assert!(
            norms
                .stagnation(&case, &[decided], at("2026-11-24T10:00:00Z"))
                .is_empty()
        );
    }

    #[test]
    fn a_waakvlam_follow_up_stagnates_a_working_day_after_its_date() {
        let norms = Norms::default();
        let mut case = open_case();
        case.status = CaseStatus::Waakvlam;
        case.closed_at = Some(at("2026-06-01T10:00:00Z"));
        // Follow-up on Friday 20 November 2026.
        case.waakvlam_until = NaiveDate::from_ymd_opt(2026, 11, 20);
        // On the day and over the weekend: not yet late.
        for now in ["2026-11-20T16:00:00Z", "2026-11-22T10:00:00Z"] {
            assert!(norms.stagnation(&case, &[], at(now)).is_empty(), "{now}");
        }
        // Tuesday 24 November: Monday and Tuesday past -> +2.
        let found = norms.stagnation(&case, &[], at("2026-11-24T10:00:00Z"));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].kind, found[0].days_late, found[0].norm_at),
            (
                StagnationKind::WaakvlamOverdue,
                2,
                at("2026-11-20T22:59:59Z")
            )
        );
        // Days until: Tue 24 Nov to Fri 27 Nov is 3 working days.
        assert_eq!(
            norms.waakvlam_days(
                NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
                at("2026-11-24T10:00:00Z")
            ),
            -3
        );
        // A case closed without waakvlam never stagnates, nor one followed up.
        case.status = CaseStatus::Closed;
        assert!(
            norms
                .stagnation(&case, &[], at("2026-11-24T10:00:00Z"))
                .is_empty()
        );
    }

    #[test]
    fn the_waakvlam_bound_is_months_after_the_day() {
        let norms = Norms::default();
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            norms.waakvlam_latest(day),
            NaiveDate::from_ymd_opt(2028, 11, 24).unwrap()
        );
        // 31 August + 6 months: the end of February.
        let six = Norms {
            waakvlam_max_months: 6,
            ..Norms::default()
        };
        assert_eq!(
            six.waakvlam_latest(NaiveDate::from_ymd_opt(2026, 8, 31).unwrap()),
            NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()
        );
    }

    #[test]
    fn closed_cases_never_stagnate() {
        let norms = Norms::default();
        let mut case = open_case();
        case.status = CaseStatus::Waakvlam;
        case.waakvlam_until = NaiveDate::from_ymd_opt(2027, 3, 1);
        case.stuck_reported = true;
        case.stuck_reported_at = Some(at("2026-11-20T10:00:00Z"));
        assert!(
            norms
                .stagnation(&case, &[], at("2026-12-24T10:00:00Z"))
                .is_empty()
        );
    }

    #[test]
    fn a_melding_without_onderzoek_after_six_weeks_is_late() {
        let norms = Norms::default();
        let mut case = open_case();
        case.domain = CaseDomain::Volwassenen;
        // Melding Monday 5 April 2027: six weeks is Monday 17 May, Tweede
        // Pinksterdag, so the onderzoek is due Tuesday 18 May.
        case.melding_on = Some("2027-04-05".parse().unwrap());
        let due = norms.onderzoek_due(case.melding_on.unwrap());
        assert_eq!(due, end_of_day("2027-05-18".parse().unwrap()));
        let kinds = |case: &Case, now: &str| -> Vec<(StagnationKind, i64)> {
            norms
                .stagnation(case, &[], at(now))
                .into_iter()
                .filter(|s| s.kind == StagnationKind::OnderzoekOverdue)
                .map(|s| (s.kind, s.days_late))
                .collect()
        };
        assert!(
            kinds(&case, "2027-05-18T20:00:00Z").is_empty(),
            "due that day"
        );
        assert_eq!(
            kinds(&case, "2027-05-20T10:00:00Z"),
            [(StagnationKind::OnderzoekOverdue, 2)]
        );
        case.onderzoek_done_on = Some("2027-05-19".parse().unwrap());
        assert!(
            kinds(&case, "2027-05-20T10:00:00Z").is_empty(),
            "done, if late"
        );
    }

    fn goal(id: u32, start: u8, target: u8, target_date: &str) -> crate::domain::plan::Goal {
        crate::domain::plan::Goal {
            id,
            life_domain: "woning".into(),
            start_score: start,
            target_score: target,
            target_date: target_date.parse().unwrap(),
            requests: Vec::new(),
            dropped_at: None,
            scores: Vec::new(),
        }
    }

    fn planned_on(day: &str) -> Case {
        let mut case = open_case();
        case.status = CaseStatus::Plan;
        case.casusregisseur = Some("cr-01".into());
        case.first_contact_at = Some(at(&format!("{day}T08:00:00Z")));
        case.plan_at = Some(at(&format!("{day}T09:00:00Z")));
        case.last_activity_at = at("2027-01-04T08:00:00Z");
        case.goals = vec![goal(1, 2, 4, "2027-06-30")];
        case
    }

    fn of_kind(norms: &Norms, case: &Case, now: &str, kind: StagnationKind) -> Vec<i64> {
        norms
            .stagnation(case, &[], at(now))
            .into_iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.days_late)
            .collect()
    }

    #[test]
    fn an_evaluation_due_over_christmas_is_late_in_working_days_after_it() {
        let norms = Norms::default();
        // Plan Friday 25 September 2026: due 25 December, a holiday, so
        // Monday 28 December.
        let case = planned_on("2026-09-25");
        let late = |now| of_kind(&norms, &case, now, StagnationKind::EvaluationLate);
        assert!(late("2026-12-28T16:00:00Z").is_empty(), "due that day");
        // Tuesday 29 December: one working day late.
        assert_eq!(late("2026-12-29T10:00:00Z"), [1]);
        // Monday 4 January 2027: 29, 30, 31 December and 4 January (New
        // Year's Day and the weekend do not count).
        assert_eq!(late("2027-01-04T10:00:00Z"), [4]);
        // Evaluated: the next is due three months on, nothing late.
        let mut evaluated = case.clone();
        evaluated.evaluations.push(crate::domain::plan::Evaluated {
            on: "2027-01-04".parse().unwrap(),
            due: "2026-12-28".parse().unwrap(),
            is_final: false,
        });
        assert!(
            of_kind(
                &norms,
                &evaluated,
                "2027-01-05T10:00:00Z",
                StagnationKind::EvaluationLate
            )
            .is_empty()
        );
        // No goal running, or the final evaluation made: nothing to evaluate.
        let mut final_done = evaluated.clone();
        final_done.evaluations[0].is_final = true;
        assert!(
            of_kind(
                &norms,
                &final_done,
                "2027-06-05T10:00:00Z",
                StagnationKind::EvaluationLate
            )
            .is_empty()
        );
        // A plan from before goals existed is not asked for evaluations.
        let mut old = case.clone();
        old.goals.clear();
        assert!(
            of_kind(
                &norms,
                &old,
                "2027-01-04T10:00:00Z",
                StagnationKind::EvaluationLate
            )
            .is_empty()
        );
    }

    #[test]
    fn a_goal_off_track_is_a_signal_from_its_earliest_reason() {
        use crate::domain::plan::{GoalState, Scored};
        let norms = Norms::default();
        let mut case = planned_on("2026-09-25");
        let scored = |on: &str, score| Scored {
            on: on.parse().unwrap(),
            score,
            state: GoalState::OpKoers,
        };
        // Goal 1 stalls: 2 → 2 (4 January) → 2 (1 February 2027).
        case.goals[0].scores = vec![scored("2027-01-04", 2), scored("2027-02-01", 2)];
        let off = |case: &Case, now| of_kind(&norms, case, now, StagnationKind::GoalOffTrack);
        // From Monday 1 February: Tuesday 2 and Wednesday 3 February.
        assert_eq!(off(&case, "2027-02-03T10:00:00Z"), [2]);
        // A second goal past its target date of Friday 29 January, unmet:
        // one signal, from the earliest (Monday 1 to Wednesday 3: 3).
        let mut past = goal(2, 3, 4, "2027-01-29");
        past.scores = vec![scored("2027-01-04", 3)];
        case.goals.push(past);
        assert_eq!(off(&case, "2027-02-03T10:00:00Z"), [3]);
        // Progress on goal 1 at the next evaluation and goal 2 reached:
        // no longer off track.
        case.goals[0].scores.push(scored("2027-02-15", 3));
        case.goals[1].scores.push(Scored {
            on: "2027-02-15".parse().unwrap(),
            score: 4,
            state: GoalState::Behaald,
        });
        assert!(off(&case, "2027-02-16T10:00:00Z").is_empty());
    }
}
