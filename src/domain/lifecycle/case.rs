//! A case from referral to closing: assignment, first contact, the Wmo
//! melding and onderzoek, the plan, activity, a stuck report, escalation
//! and closing.

use super::*;

/// Gives the case to `to`: a first assignment or a reassignment (which
/// needs a reason). The first-contact deadline is fixed at the first
/// assignment: handing a case on does not restart the household's wait.
pub fn assign(
    case: &Case,
    actor: &Person,
    to: &Person,
    reason: Option<&str>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<Transition, Refusal> {
    open(case)?;
    if !may_hold_cases(to) {
        return invalid(format!("{} kan geen casusregisseur zijn", to.login));
    }
    if case.casusregisseur.as_deref() == Some(to.login.as_str()) {
        return conflict(format!(
            "{} is al casusregisseur van {}",
            to.login, case.number
        ));
    }
    let reassigning = case.casusregisseur.is_some();
    let reason = if reassigning {
        Some(required_line("reden", reason)?)
    } else {
        optional_line("reden", reason)?
    };
    let next = handed_to(case, to, false, now, norms);
    let kind = if reassigning {
        EventKind::Reassigned
    } else {
        EventKind::Assigned
    };
    Ok(step(case, next, actor, kind, reason, now))
}

/// Records the first contact with the household, optionally backdated to
/// when it happened.
pub fn record_contact(
    case: &Case,
    actor: &Person,
    at: Option<DateTime<Utc>>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    open(case)?;
    if case.first_contact_at.is_some() {
        return conflict(format!(
            "het eerste contact voor {} is al vastgelegd",
            case.number
        ));
    }
    let at = at.unwrap_or(now);
    if at > now {
        return invalid("het eerste contact kan niet in de toekomst liggen");
    }
    if at < case.referred_at {
        return invalid("het eerste contact kan niet vóór de aanmelding liggen");
    }
    let note = optional_text("notitie", note)?;
    let mut next = case.clone();
    next.first_contact_at = Some(at);
    next.status = CaseStatus::Contacted;
    next.last_activity_at = now;
    Ok(step(case, next, actor, EventKind::FirstContact, note, now))
}

/// How long before the referral a melding may lie.
const MELDING_BEFORE_REFERRAL_DAYS: u64 = 365;

/// A Wmo melding (Wmo 2015 art. 2.3.2): a need for support was reported on
/// `on` (today when absent); the onderzoek must be done within six weeks.
/// Only for adults: the Jeugdwet knows no melding.
pub fn record_melding(
    case: &Case,
    actor: &Person,
    on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    open(case)?;
    if case.domain != CaseDomain::Volwassenen {
        return conflict(format!(
            "{} is een jeugdzaak; een Wmo-melding hoort bij volwassenen",
            case.number
        ));
    }
    if let Some(melding) = case.melding_on {
        return conflict(format!(
            "de melding voor {} is al vastgelegd ({})",
            case.number,
            melding.format("%d-%m-%Y")
        ));
    }
    let on = on.unwrap_or(local_date(now));
    if on > local_date(now) {
        return invalid("de melding kan niet in de toekomst liggen");
    }
    // A melding may precede the referral (made at the Wmo desk, then
    // referred), but not by years: such a date is a typo, and would put
    // the case on top of every stagnation board with a term passed for
    // decades (and have every desk count those working days).
    if on < local_date(case.referred_at) - chrono::Days::new(MELDING_BEFORE_REFERRAL_DAYS) {
        return invalid(
            "de melding ligt meer dan een jaar vóór de aanmelding; controleer de datum",
        );
    }
    let mut next = case.clone();
    next.melding_on = Some(on);
    if is_holder(case, actor) {
        next.last_activity_at = now;
    }
    let note = format!("melding op {}", on.format("%d-%m-%Y"));
    Ok(step(
        case,
        next,
        actor,
        EventKind::MeldingReceived,
        Some(note),
        now,
    ))
}

/// The onderzoek after a melding is finished on `on` (today when absent).
pub fn record_onderzoek(
    case: &Case,
    actor: &Person,
    on: Option<NaiveDate>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    open(case)?;
    let Some(melding) = case.melding_on else {
        return conflict(format!("leg eerst de melding voor {} vast", case.number));
    };
    if case.onderzoek_done_on.is_some() {
        return conflict(format!("het onderzoek voor {} is al afgerond", case.number));
    }
    let on = on.unwrap_or(local_date(now));
    if on > local_date(now) {
        return invalid("het onderzoek kan niet in de toekomst afgerond zijn");
    }
    if on < melding {
        return invalid("het onderzoek kan niet vóór de melding afgerond zijn");
    }
    let note = optional_text("notitie", note)?;
    let mut next = case.clone();
    next.onderzoek_done_on = Some(on);
    if is_holder(case, actor) {
        next.last_activity_at = now;
    }
    Ok(step(case, next, actor, EventKind::OnderzoekDone, note, now))
}

/// Whether `actor` is the case's casusregisseur: only what they record
/// moves the no-activity clock.
fn is_holder(case: &Case, actor: &Person) -> bool {
    case.casusregisseur.as_deref() == Some(actor.login.as_str())
}

/// Records work on the case; after the plan, the case is in execution.
pub fn record_activity(
    case: &Case,
    actor: &Person,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    open(case)?;
    let note = required_text("notitie", note)?;
    let mut next = case.clone();
    if next.status == CaseStatus::Plan {
        next.status = CaseStatus::Execution;
    }
    next.last_activity_at = now;
    Ok(step(
        case,
        next,
        actor,
        EventKind::Activity,
        Some(note),
        now,
    ))
}

/// The casusregisseur reports the case stuck: it goes on the stagnation
/// board until a procesregisseur acts (reassigns, takes over, de-escalates).
/// The report is something the casusregisseur records, so it counts as
/// activity.
pub fn report_stuck(
    case: &Case,
    actor: &Person,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    open(case)?;
    if case.stuck_reported {
        return conflict(format!("{} is al als vastgelopen gemeld", case.number));
    }
    let note = required_text("notitie", note)?;
    let mut next = case.clone();
    next.stuck_reported = true;
    next.stuck_reported_at = Some(now);
    next.last_activity_at = now;
    Ok(step(case, next, actor, EventKind::Stuck, Some(note), now))
}

/// Closes the case with a result; with a follow-up date it stays in view
/// as waakvlam. The follow-up date lies after the closing day and at most
/// [`Norms::waakvlam_max_months`] ahead. The casusregisseur who held the
/// case holds the follow-up (a procesregisseur can give it to another).
pub fn close(
    case: &Case,
    actor: &Person,
    result: CloseResult,
    waakvlam_until: Option<NaiveDate>,
    pending_requests: usize,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<Transition, Refusal> {
    open(case)?;
    if pending_requests > 0 {
        return conflict(format!(
            "{} heeft nog {pending_requests} aanvraag/aanvragen zonder besluit",
            case.number
        ));
    }
    if let Some(until) = waakvlam_until {
        waakvlam_date(until, now, norms)?;
    }
    closing_agrees_with_the_goals(case, result)?;
    let mut next = case.clone();
    next.status = if waakvlam_until.is_some() {
        CaseStatus::Waakvlam
    } else {
        CaseStatus::Closed
    };
    next.closed_at = Some(now);
    next.close_result = Some(result);
    next.waakvlam_until = waakvlam_until;
    next.stuck_reported = false;
    next.stuck_reported_at = None;
    Ok(step(
        case,
        next,
        actor,
        EventKind::Closed,
        Some(result.to_string()),
        now,
    ))
}

/// A case with goals closes on a final evaluation, unless none was
/// possible (the household refused help or moved away, or there was no
/// case); "doelen bereikt" must be what that evaluation says.
fn closing_agrees_with_the_goals(case: &Case, result: CloseResult) -> Result<(), Refusal> {
    if case.goals.is_empty()
        || matches!(
            result,
            CloseResult::Refused | CloseResult::Moved | CloseResult::NoCaseNeeded
        )
    {
        return Ok(());
    }
    if !case.evaluations.last().is_some_and(|e| e.is_final) {
        return conflict(format!(
            "sluiten vraagt een eindevaluatie van de doelen van {} (of als resultaat: hulp geweigerd, verhuisd)",
            case.number
        ));
    }
    if result == CloseResult::GoalsMet {
        crate::domain::plan::goals_met(&case.goals).map_err(Refusal::Conflict)?;
    }
    Ok(())
}

/// Escalates the case to the doorzettingsmacht regisseur.
pub fn escalate(
    case: &Case,
    actor: &Person,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    open(case)?;
    if case.escalated {
        return conflict(format!("{} is al opgeschaald", case.number));
    }
    let reason = required_line("reden", reason)?;
    let mut next = case.clone();
    next.escalated = true;
    next.escalated_at = Some(now);
    next.escalated_by = Some(actor.login.clone());
    next.escalation_reason = Some(reason.clone());
    Ok(step(
        case,
        next,
        actor,
        EventKind::Escalated,
        Some(reason),
        now,
    ))
}

/// The doorzettingsmacht regisseur takes the case over and becomes its
/// casusregisseur.
pub fn take_over(
    case: &Case,
    actor: &Person,
    reason: Option<&str>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<Transition, Refusal> {
    open(case)?;
    if case.casusregisseur.as_deref() == Some(actor.login.as_str()) {
        return conflict(format!("u voert de regie over {} al", case.number));
    }
    let reason = required_line("reden", reason)?;
    let next = handed_to(case, actor, true, now, norms);
    Ok(step(
        case,
        next,
        actor,
        EventKind::TakenOver,
        Some(reason),
        now,
    ))
}

/// Ends an escalation: the case is unblocked.
pub fn deescalate(
    case: &Case,
    actor: &Person,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    open(case)?;
    if !case.escalated {
        return conflict(format!("{} is niet opgeschaald", case.number));
    }
    let reason = required_line("reden", reason)?;
    let mut next = case.clone();
    next.escalated = false;
    next.stuck_reported = false;
    next.stuck_reported_at = None;
    Ok(step(
        case,
        next,
        actor,
        EventKind::Deescalated,
        Some(reason),
        now,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::model::*;
    use crate::domain::text::MAX_TEXT;

    #[test]
    fn first_assignment_fixes_the_first_contact_deadline() {
        let t = assign(&referred(), &pr(), &cr(1), None, at(NOW), &Norms::default()).unwrap();
        assert_eq!(t.case.status, CaseStatus::Assigned);
        assert_eq!(t.case.casusregisseur.as_deref(), Some("cr-01"));
        assert_eq!(t.case.organisation.as_deref(), Some("Kwadraad"));
        assert_eq!(
            t.case.first_contact_due_at,
            Some(at("2026-11-26T22:59:59Z"))
        );
        assert_eq!(t.case.version, 2);
        assert_eq!(t.event.kind, EventKind::Assigned);
        assert_eq!(t.previous_casusregisseur, None);
        assert_eq!(
            (t.event.from.as_deref(), t.event.to.as_deref()),
            (None, Some("cr-01"))
        );
    }

    #[test]
    fn reassignment_needs_a_reason_and_keeps_the_deadline() {
        let case = assigned();
        let due = case.first_contact_due_at;
        let err = assign(&case, &pr(), &cr(2), Some("  "), at(NOW), &Norms::default()).unwrap_err();
        assert!(matches!(err, Refusal::Invalid(_)));
        let t = assign(
            &case,
            &pr(),
            &cr(2),
            Some("specialisme past beter"),
            at(NOW),
            &Norms::default(),
        )
        .unwrap();
        assert_eq!(t.case.first_contact_due_at, due);
        assert_eq!(t.case.assigned_at, Some(at(NOW)));
        assert_eq!(t.previous_casusregisseur.as_deref(), Some("cr-01"));
        assert_eq!(t.event.kind, EventKind::Reassigned);
        assert_eq!(t.event.note.as_deref(), Some("specialisme past beter"));
        assert_eq!(
            (t.event.from.as_deref(), t.event.to.as_deref()),
            (Some("cr-01"), Some("cr-02"))
        );
    }

    #[test]
    fn assignment_refuses_the_current_holder_non_holders_and_closed_cases() {
        let case = assigned();
        assert!(matches!(
            assign(&case, &pr(), &cr(1), Some("x"), at(NOW), &Norms::default()),
            Err(Refusal::Conflict(_))
        ));
        let pm = person("pm", Role::Procesmanager);
        assert!(matches!(
            assign(&case, &pr(), &pm, Some("x"), at(NOW), &Norms::default()),
            Err(Refusal::Invalid(_))
        ));
        let closed = close(
            &case,
            &pr(),
            CloseResult::Moved,
            None,
            0,
            at(NOW),
            &Norms::default(),
        )
        .unwrap()
        .case;
        assert!(matches!(
            assign(
                &closed,
                &pr(),
                &cr(2),
                Some("x"),
                at(NOW),
                &Norms::default()
            ),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn the_path_runs_contact_plan_execution_in_order() {
        let case = assigned();
        assert!(matches!(
            record_plan(&case, &cr(1), &[a_goal()], None, at(NOW), &Norms::default()),
            Err(Refusal::Conflict(_))
        ));
        let contacted = record_contact(&case, &cr(1), None, None, at(NOW))
            .unwrap()
            .case;
        assert_eq!(contacted.status, CaseStatus::Contacted);
        assert!(matches!(
            record_contact(&contacted, &cr(1), None, None, at(NOW)),
            Err(Refusal::Conflict(_))
        ));
        let planned = record_plan(
            &contacted,
            &cr(1),
            &[a_goal()],
            Some("gezinsplan"),
            at(NOW),
            &Norms::default(),
        )
        .unwrap()
        .case;
        assert_eq!(planned.status, CaseStatus::Plan);
        assert!(matches!(
            record_plan(
                &planned,
                &cr(1),
                &[a_goal()],
                None,
                at(NOW),
                &Norms::default()
            ),
            Err(Refusal::Conflict(_))
        ));
        let t = record_activity(&planned, &cr(1), Some("huisbezoek"), at(NOW)).unwrap();
        assert_eq!(t.case.status, CaseStatus::Execution);
        assert_eq!(t.case.version, planned.version + 1);
    }

    #[test]
    fn first_contact_may_be_backdated_but_not_into_the_future_or_before_referral() {
        let case = assigned();
        let t = record_contact(
            &case,
            &cr(1),
            Some(at("2026-11-23T15:00:00Z")),
            None,
            at(NOW),
        )
        .unwrap();
        assert_eq!(t.case.first_contact_at, Some(at("2026-11-23T15:00:00Z")));
        assert!(matches!(
            record_contact(
                &case,
                &cr(1),
                Some(at("2026-11-25T10:00:00Z")),
                None,
                at(NOW)
            ),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            record_contact(
                &case,
                &cr(1),
                Some(at("2026-11-19T10:00:00Z")),
                None,
                at(NOW)
            ),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn notes_and_reasons_are_required_where_they_matter() {
        let case = assigned();
        assert!(matches!(
            record_activity(&case, &cr(1), None, at(NOW)),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            report_stuck(&case, &cr(1), Some(""), at(NOW)),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            escalate(&case, &pr(), None, at(NOW)),
            Err(Refusal::Invalid(_))
        ));
        let long = "x".repeat(MAX_TEXT + 1);
        assert!(matches!(
            record_activity(&case, &cr(1), Some(&long), at(NOW)),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn households_have_members() {
        assert!(household_members(0).is_err());
        assert!(household_members(31).is_err());
        assert_eq!(household_members(4), Ok(4));
    }

    #[test]
    fn stuck_is_cleared_by_reassignment_take_over_and_deescalation() {
        let stuck = report_stuck(&assigned(), &cr(1), Some("gezin weigert"), at(NOW))
            .unwrap()
            .case;
        assert!(stuck.stuck_reported);
        assert!(matches!(
            report_stuck(&stuck, &cr(1), Some("weer"), at(NOW)),
            Err(Refusal::Conflict(_))
        ));
        let reassigned = assign(
            &stuck,
            &pr(),
            &cr(2),
            Some("vastgelopen"),
            at(NOW),
            &Norms::default(),
        )
        .unwrap()
        .case;
        assert!(!reassigned.stuck_reported && reassigned.stuck_reported_at.is_none());

        let dzm = person("pr-dzm", Role::ProcesregisseurDoorzettingsmacht);
        let escalated = escalate(&stuck, &pr(), Some("hoog risico"), at(NOW))
            .unwrap()
            .case;
        assert!(escalated.escalated && escalated.stuck_reported);
        let line = escalate(&stuck, &pr(), Some("hoog risico"), at(NOW))
            .unwrap()
            .event;
        assert_eq!((line.from, line.to, line.decision), (None, None, None));
        assert_eq!(escalated.escalated_by.as_deref(), Some("pr-jeugd"));
        assert!(matches!(
            escalate(&escalated, &pr(), Some("nog eens"), at(NOW)),
            Err(Refusal::Conflict(_))
        ));
        let taken = take_over(
            &escalated,
            &dzm,
            Some("doorzetten"),
            at(NOW),
            &Norms::default(),
        )
        .unwrap();
        assert_eq!(taken.case.casusregisseur.as_deref(), Some("pr-dzm"));
        assert!(taken.case.taken_over && !taken.case.stuck_reported && taken.case.escalated);
        assert_eq!(taken.previous_casusregisseur.as_deref(), Some("cr-01"));
        assert_eq!(
            (taken.event.from.as_deref(), taken.event.to.as_deref()),
            (Some("cr-01"), Some("pr-dzm"))
        );
        assert!(matches!(
            take_over(&taken.case, &dzm, Some("x"), at(NOW), &Norms::default()),
            Err(Refusal::Conflict(_))
        ));
        let calm = deescalate(&taken.case, &dzm, Some("afspraken gemaakt"), at(NOW))
            .unwrap()
            .case;
        assert!(!calm.escalated);
        assert!(matches!(
            deescalate(&calm, &dzm, Some("x"), at(NOW)),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn only_what_the_casusregisseur_records_moves_the_activity_clock() {
        let norms = Norms::default();
        let dzm = person("pr-dzm", Role::ProcesregisseurDoorzettingsmacht);
        let first = at("2026-11-23T10:00:00Z");
        let case = assigned();
        assert_eq!(
            case.last_activity_at, first,
            "the clock starts at assignment"
        );

        // Changing hands, escalating, de-escalating and closing do not move it.
        let later = at(NOW);
        let reassigned = assign(&case, &pr(), &cr(2), Some("ziekte"), later, &norms)
            .unwrap()
            .case;
        assert_eq!(reassigned.last_activity_at, first);
        let escalated = escalate(&reassigned, &pr(), Some("hoog risico"), later)
            .unwrap()
            .case;
        assert_eq!(escalated.last_activity_at, first);
        let taken = take_over(&escalated, &dzm, Some("doorzetten"), later, &norms)
            .unwrap()
            .case;
        assert_eq!(taken.last_activity_at, first);
        let calm = deescalate(&taken, &dzm, Some("afspraken gemaakt"), later)
            .unwrap()
            .case;
        assert_eq!(calm.last_activity_at, first);
        let closed = close(
            &calm,
            &pr(),
            CloseResult::Moved,
            None,
            0,
            later,
            &Norms::default(),
        )
        .unwrap()
        .case;
        assert_eq!(closed.last_activity_at, first);

        // What the casusregisseur records does.
        let t = |h: u32| at(&format!("2026-11-24T{h:02}:00:00Z"));
        let contacted = record_contact(&case, &cr(1), None, None, t(9))
            .unwrap()
            .case;
        assert_eq!(contacted.last_activity_at, t(9));
        let stuck = report_stuck(&contacted, &cr(1), Some("deur dicht"), t(10))
            .unwrap()
            .case;
        assert_eq!(stuck.last_activity_at, t(10));
        let planned = record_plan(&stuck, &cr(1), &[a_goal()], None, t(11), &Norms::default())
            .unwrap()
            .case;
        assert_eq!(planned.last_activity_at, t(11));
        let active = record_activity(&planned, &cr(1), Some("huisbezoek"), t(12))
            .unwrap()
            .case;
        assert_eq!(active.last_activity_at, t(12));
        let (_, filed) = file_request(
            &active,
            &cr(1),
            RequestKind::Jeugdhulp,
            Some("pleegzorg"),
            Some("nodig"),
            true,
            t(13),
            &norms,
        )
        .unwrap();
        assert_eq!(filed.case.last_activity_at, t(13));
    }

    /// A case nobody worked on for 20 working days: handing it on or taking
    /// it over must not make it look active.
    #[test]
    fn a_quiet_case_stays_quiet_after_reassignment_or_take_over() {
        use crate::domain::norms::StagnationKind;
        let norms = Norms::default();
        let household = Household {
            id: 2,
            pseudonym: "H-BBBB".into(),
            members: 3,
        };
        let referral = Case::referral(
            2,
            "KST-2026-0002".into(),
            &household,
            CaseDomain::Jeugd,
            Source::School,
            vec![],
            at("2026-10-26T09:00:00Z"),
        );
        // Assigned Tue 27 Oct, contact Wed 28 Oct; nothing since. By Tue
        // 24 Nov that is 19 working days without activity.
        let case = assign(
            &referral,
            &pr(),
            &cr(1),
            None,
            at("2026-10-27T10:00:00Z"),
            &norms,
        )
        .unwrap()
        .case;
        let case = record_contact(&case, &cr(1), None, None, at("2026-10-28T10:00:00Z"))
            .unwrap()
            .case;
        let quiet = |c: &Case| {
            norms
                .stagnation(c, &[], at(NOW))
                .iter()
                .any(|s| s.kind == StagnationKind::NoActivity)
        };
        assert!(quiet(&case));
        let reassigned = assign(
            &case,
            &pr(),
            &cr(2),
            Some("werkvoorraad verdeeld"),
            at(NOW),
            &norms,
        )
        .unwrap()
        .case;
        assert!(quiet(&reassigned), "a reassignment is not activity");
        let dzm = person("pr-dzm", Role::ProcesregisseurDoorzettingsmacht);
        let taken = take_over(&case, &dzm, Some("doorzetten"), at(NOW), &norms)
            .unwrap()
            .case;
        assert!(quiet(&taken), "a take over is not activity");
        let escalated = escalate(&case, &pr(), Some("hoog risico"), at(NOW))
            .unwrap()
            .case;
        assert!(quiet(&escalated), "an escalation is not activity");
        // The new casusregisseur's first visit is.
        let visited = record_activity(&reassigned, &cr(2), Some("huisbezoek"), at(NOW))
            .unwrap()
            .case;
        assert!(!quiet(&visited));
    }

    #[test]
    fn the_activity_clock_starts_at_the_first_assignment() {
        let norms = Norms::default();
        let mut referral = referred();
        referral.referred_at = at("2026-10-26T09:00:00Z");
        referral.last_activity_at = referral.referred_at;
        // A referral that waited four weeks for a casusregisseur: the new
        // holder had no chance to act yet.
        let t = assign(&referral, &pr(), &cr(1), None, at(NOW), &norms).unwrap();
        assert_eq!(t.case.last_activity_at, at(NOW));
        assert!(norms.stagnation(&t.case, &[], at(NOW)).is_empty());
    }

    #[test]
    fn a_wmo_melding_and_its_onderzoek_in_order_once_and_only_for_adults() {
        let now = at(NOW);
        let jeugd = planned();
        assert!(matches!(
            record_melding(&jeugd, &pr_volw(), None, now),
            Err(Refusal::Conflict(_))
        ));
        let mut adult = planned();
        adult.domain = CaseDomain::Volwassenen;
        assert!(
            matches!(
                record_onderzoek(&adult, &cr(1), None, None, now),
                Err(Refusal::Conflict(_))
            ),
            "no onderzoek without a melding"
        );
        assert!(matches!(
            record_melding(&adult, &cr(1), Some(d("2026-11-25")), now),
            Err(Refusal::Invalid(_))
        ));
        // Years before the referral is a typo (or an attempt to top every
        // stagnation board); up to a year before is a melding at the desk.
        for typo in ["-0001-01-01", "1900-01-01"] {
            assert!(matches!(
                record_melding(&adult, &cr(1), Some(typo.parse().unwrap()), now),
                Err(Refusal::Invalid(_))
            ));
        }
        let year_before = local_date(adult.referred_at) - chrono::Days::new(365);
        assert!(record_melding(&adult, &cr(1), Some(year_before), now).is_ok());
        let t = record_melding(&adult, &cr(1), Some(d("2026-11-02")), now).unwrap();
        assert_eq!(t.event.kind, EventKind::MeldingReceived);
        assert_eq!(t.case.melding_on, Some(d("2026-11-02")));
        assert_eq!(
            t.case.last_activity_at, now,
            "the casusregisseur recorded it"
        );
        assert!(matches!(
            record_melding(&t.case, &cr(1), None, now),
            Err(Refusal::Conflict(_))
        ));
        assert!(matches!(
            record_onderzoek(&t.case, &pr_volw(), Some(d("2026-11-01")), None, now),
            Err(Refusal::Invalid(_))
        ));
        let done =
            record_onderzoek(&t.case, &pr_volw(), None, Some("keukentafelgesprek"), now).unwrap();
        assert_eq!(done.case.onderzoek_done_on, Some(d("2026-11-24")));
        assert_eq!(done.event.kind, EventKind::OnderzoekDone);
        assert!(matches!(
            record_onderzoek(&done.case, &pr_volw(), None, None, now),
            Err(Refusal::Conflict(_))
        ));
    }
}
