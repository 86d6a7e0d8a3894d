//! A closed household kept in view: its follow-up date, the follow-up
//! itself, postponing it, and who holds it.

use super::*;

/// A follow-up date set or moved at `now`: after today, and no later than
/// the configured bound.
pub(super) fn waakvlam_date(
    until: NaiveDate,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<(), Refusal> {
    let today = local_date(now);
    if until <= today {
        return invalid("de waakvlamdatum moet in de toekomst liggen");
    }
    let latest = norms.waakvlam_latest(today);
    if until > latest {
        return invalid(format!(
            "de waakvlamdatum ligt hoogstens {} maanden vooruit (uiterlijk {})",
            norms.waakvlam_max_months,
            latest.format("%d-%m-%Y")
        ));
    }
    Ok(())
}

fn in_waakvlam(case: &Case) -> Result<NaiveDate, Refusal> {
    match (case.status, case.waakvlam_until) {
        (CaseStatus::Waakvlam, Some(until)) => Ok(until),
        _ if case.follow_up_at.is_some() => conflict(format!(
            "de waakvlam van {} is al afgesloten met een nacontact",
            case.number
        )),
        _ => conflict(format!("{} staat niet op waakvlam", case.number)),
    }
}

/// What a follow-up with a concern asks the store to open: a new referral
/// for the same household, linked to the case it follows. The store links
/// the household's open case instead when it already has one (one
/// household, one case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reopen {
    pub household_id: i64,
    pub domain: CaseDomain,
    pub source: Source,
    pub risk_flags: Vec<RiskFlag>,
    pub follows_case_id: i64,
    pub referred_at: DateTime<Utc>,
}

/// The follow-up contact of a waakvlam: the waakvlam ends (the case is
/// closed); with a concern (which needs a note saying what it is) the
/// household gets a new case.
pub fn record_follow_up(
    case: &Case,
    actor: &Person,
    result: FollowUpResult,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Transition, Option<Reopen>), Refusal> {
    in_waakvlam(case)?;
    let note = match result {
        FollowUpResult::Concern => Some(required_text("notitie", note)?),
        FollowUpResult::AllWell => optional_text("notitie", note)?,
    };
    let mut next = case.clone();
    next.status = CaseStatus::Closed;
    next.follow_up_at = Some(now);
    next.follow_up_result = Some(result);
    let reopen = (result == FollowUpResult::Concern).then(|| Reopen {
        household_id: case.household_id,
        domain: case.domain,
        source: Source::Waakvlam,
        risk_flags: case.risk_flags.clone(),
        follows_case_id: case.id,
        referred_at: now,
    });
    Ok((
        step(case, next, actor, EventKind::WaakvlamFollowedUp, note, now),
        reopen,
    ))
}

/// Moves the follow-up date to a later day, with a reason; the same bound
/// as at closing, counted from today.
pub fn postpone_follow_up(
    case: &Case,
    actor: &Person,
    until: NaiveDate,
    reason: Option<&str>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<Transition, Refusal> {
    let current = in_waakvlam(case)?;
    let reason = required_line("reden", reason)?;
    if until <= current {
        return invalid(format!(
            "uitstellen kan alleen naar een datum na {}",
            current.format("%d-%m-%Y")
        ));
    }
    waakvlam_date(until, now, norms)?;
    let mut next = case.clone();
    next.waakvlam_until = Some(until);
    Ok(step(
        case,
        next,
        actor,
        EventKind::WaakvlamPostponed,
        Some(reason),
        now,
    ))
}

/// Gives the follow-up to `to` (a procesregisseur does this); a reason is
/// required when someone held it.
pub fn assign_follow_up(
    case: &Case,
    actor: &Person,
    to: &Person,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    in_waakvlam(case)?;
    if !may_hold_cases(to) {
        return invalid(format!("{} kan geen waakvlam houden", to.login));
    }
    if case.casusregisseur.as_deref() == Some(to.login.as_str()) {
        return conflict(format!(
            "{} houdt de waakvlam van {} al",
            to.login, case.number
        ));
    }
    let reason = if case.casusregisseur.is_some() {
        Some(required_line("reden", reason)?)
    } else {
        optional_line("reden", reason)?
    };
    let mut next = case.clone();
    next.casusregisseur = Some(to.login.clone());
    next.organisation = Some(to.organisation.clone());
    Ok(step(
        case,
        next,
        actor,
        EventKind::WaakvlamReassigned,
        reason,
        now,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::model::*;

    #[test]
    fn closing_with_waakvlam_keeps_the_household_in_view() {
        let case = planned();
        let err = close(
            &case,
            &cr(1),
            CloseResult::Refused,
            None,
            1,
            at(NOW),
            &Norms::default(),
        )
        .unwrap_err();
        assert!(matches!(err, Refusal::Conflict(_)));
        let today = local_date(at(NOW));
        assert!(matches!(
            close(
                &case,
                &cr(1),
                CloseResult::Refused,
                Some(today),
                0,
                at(NOW),
                &Norms::default()
            ),
            Err(Refusal::Invalid(_))
        ));
        let later = NaiveDate::from_ymd_opt(2027, 3, 1);
        let closed = close(
            &case,
            &cr(1),
            CloseResult::Refused,
            later,
            0,
            at(NOW),
            &Norms::default(),
        )
        .unwrap()
        .case;
        assert_eq!(closed.status, CaseStatus::Waakvlam);
        assert!(!closed.is_open());
        assert_eq!(closed.waakvlam_until, later);
        // "Doelen bereikt" closes on a final evaluation that says so.
        let evaluated = crate::domain::lifecycle::evaluate(
            &case,
            &cr(1),
            &[crate::domain::plan::GoalScore {
                goal: 1,
                score: 4,
                state: crate::domain::plan::GoalState::Behaald,
                reason: None,
            }],
            true,
            at(NOW) + chrono::Duration::days(1),
            &Norms::default(),
        )
        .unwrap()
        .case;
        let plain = close(
            &evaluated,
            &cr(1),
            CloseResult::GoalsMet,
            None,
            0,
            at(NOW),
            &Norms::default(),
        )
        .unwrap()
        .case;
        assert_eq!(
            (plain.status, plain.close_result),
            (CaseStatus::Closed, Some(CloseResult::GoalsMet))
        );
        assert!(matches!(
            close(
                &plain,
                &cr(1),
                CloseResult::GoalsMet,
                None,
                0,
                at(NOW),
                &Norms::default()
            ),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn the_waakvlam_date_lies_after_today_and_within_the_bound() {
        let case = planned();
        let norms = Norms::default();
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let closing = |until| {
            close(
                &case,
                &cr(1),
                CloseResult::Refused,
                Some(until),
                0,
                at(NOW),
                &norms,
            )
        };
        // Today is Tuesday 24 November 2026: the bound is 24 November 2028.
        assert!(closing(date(2026, 11, 25)).is_ok());
        assert!(closing(date(2028, 11, 24)).is_ok());
        let err = closing(date(2028, 11, 25)).unwrap_err();
        assert!(
            matches!(&err, Refusal::Invalid(m) if m.contains("24 maanden") && m.contains("24-11-2028")),
            "{err}"
        );
        // The year +262142 is refused, not stored.
        assert!(matches!(closing(NaiveDate::MAX), Err(Refusal::Invalid(_))));
        // A shorter bound from the configuration.
        let six = Norms {
            waakvlam_max_months: 6,
            ..Norms::default()
        };
        assert!(matches!(
            close(
                &case,
                &cr(1),
                CloseResult::Refused,
                Some(date(2027, 5, 25)),
                0,
                at(NOW),
                &six
            ),
            Err(Refusal::Invalid(_))
        ));
        // The case's casusregisseur holds the follow-up.
        let waakvlam = closing(date(2027, 3, 1)).unwrap().case;
        assert_eq!(waakvlam.casusregisseur.as_deref(), Some("cr-01"));
    }

    fn in_waakvlam_until(until: NaiveDate) -> Case {
        close(
            &planned(),
            &cr(1),
            CloseResult::Refused,
            Some(until),
            0,
            at("2026-06-02T10:00:00Z"),
            &Norms::default(),
        )
        .unwrap()
        .case
    }

    #[test]
    fn a_follow_up_that_finds_all_well_ends_the_waakvlam() {
        let case = in_waakvlam_until(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
        let (t, reopen) =
            record_follow_up(&case, &cr(1), FollowUpResult::AllWell, None, at(NOW)).unwrap();
        assert_eq!(reopen, None);
        assert_eq!(t.case.status, CaseStatus::Closed);
        assert_eq!(
            (t.case.follow_up_at, t.case.follow_up_result),
            (Some(at(NOW)), Some(FollowUpResult::AllWell))
        );
        assert_eq!(t.case.version, case.version + 1);
        assert_eq!(t.event.kind, EventKind::WaakvlamFollowedUp);
        assert_eq!(t.previous_casusregisseur, None);
        // Once: the waakvlam is over.
        let again = record_follow_up(&t.case, &cr(1), FollowUpResult::AllWell, None, at(NOW));
        assert!(matches!(again, Err(Refusal::Conflict(m)) if m.contains("al afgesloten")));
        // Not on an open case, nor on one closed without waakvlam.
        assert!(matches!(
            record_follow_up(&planned(), &cr(1), FollowUpResult::AllWell, None, at(NOW)),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn a_follow_up_with_a_concern_opens_a_new_case_for_the_household() {
        let mut case = in_waakvlam_until(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
        case.risk_flags = vec![RiskFlag::ChildSafety];
        assert!(matches!(
            record_follow_up(&case, &cr(1), FollowUpResult::Concern, Some(" "), at(NOW)),
            Err(Refusal::Invalid(m)) if m.contains("notitie")
        ));
        let (t, reopen) = record_follow_up(
            &case,
            &cr(1),
            FollowUpResult::Concern,
            Some("school meldt verzuim"),
            at(NOW),
        )
        .unwrap();
        assert_eq!(t.case.status, CaseStatus::Closed);
        assert_eq!(t.event.note.as_deref(), Some("school meldt verzuim"));
        assert_eq!(
            reopen,
            Some(Reopen {
                household_id: case.household_id,
                domain: CaseDomain::Jeugd,
                source: Source::Waakvlam,
                risk_flags: vec![RiskFlag::ChildSafety],
                follows_case_id: case.id,
                referred_at: at(NOW),
            })
        );
    }

    #[test]
    fn postponing_moves_the_date_later_with_a_reason_and_within_the_bound() {
        let norms = Norms::default();
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let case = in_waakvlam_until(date(2026, 11, 20));
        let postpone =
            |until, reason| postpone_follow_up(&case, &cr(1), until, reason, at(NOW), &norms);
        assert!(matches!(
            postpone(date(2026, 12, 4), None),
            Err(Refusal::Invalid(m)) if m.contains("reden")
        ));
        // Today (24 Nov) or earlier: not a postponement into the future.
        assert!(matches!(
            postpone(date(2026, 11, 24), Some("ziek")),
            Err(Refusal::Invalid(_))
        ));
        // Bound counted from today: 24 November 2028.
        assert!(matches!(
            postpone(date(2028, 11, 25), Some("ziek")),
            Err(Refusal::Invalid(_))
        ));
        let t = postpone(date(2026, 12, 4), Some("gezin op vakantie")).unwrap();
        assert_eq!(t.case.waakvlam_until, Some(date(2026, 12, 4)));
        assert_eq!(t.case.status, CaseStatus::Waakvlam);
        assert_eq!(
            (t.event.kind, t.event.note.as_deref()),
            (EventKind::WaakvlamPostponed, Some("gezin op vakantie"))
        );
        // Never earlier than the date it had.
        assert!(matches!(
            postpone_follow_up(&t.case, &cr(1), date(2026, 12, 1), Some("x"), at(NOW), &norms),
            Err(Refusal::Invalid(m)) if m.contains("04-12-2026")
        ));
    }

    #[test]
    fn a_procesregisseur_gives_the_follow_up_to_someone_else() {
        let case = in_waakvlam_until(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
        assert!(matches!(
            assign_follow_up(&case, &pr(), &cr(2), None, at(NOW)),
            Err(Refusal::Invalid(m)) if m.contains("reden")
        ));
        assert!(matches!(
            assign_follow_up(&case, &pr(), &cr(1), Some("x"), at(NOW)),
            Err(Refusal::Conflict(_))
        ));
        assert!(matches!(
            assign_follow_up(&case, &pr(), &pr(), Some("x"), at(NOW)),
            Err(Refusal::Invalid(_))
        ));
        let t = assign_follow_up(&case, &pr(), &cr(2), Some("cr-01 met verlof"), at(NOW)).unwrap();
        assert_eq!(t.case.casusregisseur.as_deref(), Some("cr-02"));
        assert_eq!(t.case.status, CaseStatus::Waakvlam);
        assert_eq!(t.previous_casusregisseur.as_deref(), Some("cr-01"));
        assert_eq!(
            (t.event.kind, t.event.from.as_deref(), t.event.to.as_deref()),
            (EventKind::WaakvlamReassigned, Some("cr-01"), Some("cr-02"))
        );
        // Nobody held it: no reason needed.
        let mut nobody = case.clone();
        nobody.casusregisseur = None;
        assert!(assign_follow_up(&nobody, &pr(), &cr(2), None, at(NOW)).is_ok());
        // Not once the waakvlam is over.
        let (done, _) =
            record_follow_up(&case, &cr(1), FollowUpResult::AllWell, None, at(NOW)).unwrap();
        assert!(matches!(
            assign_follow_up(&done.case, &pr(), &cr(2), Some("x"), at(NOW)),
            Err(Refusal::Conflict(_))
        ));
    }
}
