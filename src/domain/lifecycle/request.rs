//! A request for specialist care: filing, the decision, and the law's
//! clock on it (opschorting, verdaging, ingebrekestelling).

use super::*;

/// What a new request will hold, before the store gives it an id and number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewRequest {
    pub case_id: i64,
    pub kind: RequestKind,
    pub provision: String,
    pub motivation: String,
    pub in_plan: bool,
    pub filed_by: Login,
    pub filed_at: DateTime<Utc>,
    pub decide_by: DateTime<Utc>,
}

/// The casusregisseur files a request, motivated; a request that is part
/// of the plan needs a plan.
#[allow(clippy::too_many_arguments)]
pub fn file_request(
    case: &Case,
    actor: &Person,
    kind: RequestKind,
    provision: Option<&str>,
    motivation: Option<&str>,
    in_plan: bool,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<(NewRequest, Transition), Refusal> {
    open(case)?;
    let provision = required_line("voorziening", provision)?;
    let motivation = required_text("motivering", motivation)?;
    if in_plan && case.plan_at.is_none() {
        return conflict(format!(
            "{} heeft nog geen plan; leg eerst het plan vast",
            case.number
        ));
    }
    let request = NewRequest {
        case_id: case.id,
        kind,
        provision,
        motivation,
        in_plan,
        filed_by: actor.login.clone(),
        filed_at: now,
        decide_by: norms.decide_by(kind, now),
    };
    let mut next = case.clone();
    if next.status == CaseStatus::Plan {
        next.status = CaseStatus::Execution;
    }
    next.last_activity_at = now;
    let transition = step(
        case,
        next,
        actor,
        EventKind::RequestFiled,
        Some(request.provision.clone()),
        now,
    );
    Ok((request, transition))
}

/// Decides a pending request. Rejecting needs a reason; approving needs the
/// request to be part of the plan, since the mandate covers only that.
pub fn decide(
    request: &Request,
    case: &Case,
    actor: &Person,
    decision: Decision,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Request, CaseEvent), Refusal> {
    if request.status != RequestStatus::Pending {
        return conflict(format!(
            "{} is al beslist ({}) door {} op {}",
            request.number,
            request.status.label(),
            request.decided_by.as_deref().unwrap_or("?"),
            request
                .decided_at
                .map(|d| local_date(d).format("%d-%m-%Y").to_string())
                .unwrap_or_default()
        ));
    }
    open(case)?;
    let reason = match decision {
        Decision::Reject => Some(required_line("reden", reason)?),
        Decision::Approve => optional_line("reden", reason)?,
    };
    if decision == Decision::Approve && !request.in_plan {
        return conflict(format!(
            "{} maakt geen deel uit van het plan; het mandaat geldt alleen voor het plan",
            request.number
        ));
    }
    let mut next = request.clone();
    next.status = match decision {
        Decision::Approve => RequestStatus::Approved,
        Decision::Reject => RequestStatus::Rejected,
    };
    next.decided_by = Some(actor.login.clone());
    next.decided_at = Some(now);
    next.reason = reason.clone();
    next.version = request.version + 1;
    let event = CaseEvent {
        request_id: Some(request.id),
        decision: Some(decision),
        ..CaseEvent::new(now, &actor.login, EventKind::RequestDecided, reason)
    };
    Ok((next, event))
}

/// The longest hersteltermijn regiedesk accepts: the Awb sets none, but a
/// request left waiting for more than a quarter is a request forgotten.
pub const MAX_HERSTELTERMIJN_DAYS: u64 = 91;

/// The longest extension (verdaging) regiedesk accepts, in weeks: Awb 4:14
/// asks for "a term as short as possible"; eight weeks is as long as the
/// longest term itself.
pub const MAX_EXTENSION_WEEKS: u32 = 8;

fn pending(request: &Request) -> Result<(), Refusal> {
    if request.status == RequestStatus::Pending {
        Ok(())
    } else {
        conflict(format!(
            "{} is al beslist ({})",
            request.number,
            request.status.label()
        ))
    }
}

fn day(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// A day something happened, recorded now: not after today, not before
/// the request was filed.
fn past_day(
    what: &str,
    date: NaiveDate,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if date > local_date(now) {
        return invalid(format!("{what} kan niet in de toekomst liggen"));
    }
    if date < local_date(request.filed_at) {
        return invalid(format!(
            "{what} kan niet vóór de indiening ({}) liggen",
            day(local_date(request.filed_at))
        ));
    }
    Ok(())
}

/// The request's next state after its term moved, with its history line.
fn term_step(
    request: &Request,
    mut next: Request,
    actor: &Person,
    kind: EventKind,
    note: Option<String>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> (Request, CaseEvent) {
    next.decide_by = norms.decide_by_under(next.kind, next.filed_at, &next.term);
    next.version = request.version + 1;
    let event = CaseEvent {
        request_id: Some(request.id),
        ..CaseEvent::new(now, &actor.login, kind, note)
    };
    (next, event)
}

/// Opschorting (Awb 4:15): the applicant was asked on `asked_on` (today
/// when absent) to complete the request by `complete_by`. The term stands
/// still from the next day until the information arrives (see [`resume`])
/// or the hersteltermijn ends unused; until then `decide_by` assumes the
/// whole hersteltermijn, so it is never shown too early.
#[allow(clippy::too_many_arguments)]
pub fn suspend(
    request: &Request,
    case: &Case,
    actor: &Person,
    asked_on: Option<NaiveDate>,
    complete_by: NaiveDate,
    note: Option<&str>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<(Request, CaseEvent), Refusal> {
    pending(request)?;
    open(case)?;
    let today = local_date(now);
    if let Some(running) = request.term.suspended_on(today) {
        return conflict(format!(
            "{} is al opgeschort tot {}",
            request.number,
            day(running.complete_by)
        ));
    }
    let asked_on = asked_on.unwrap_or(today);
    past_day("de datum van het verzoek", asked_on, request, now)?;
    if asked_on > local_date(request.decide_by) {
        return conflict(format!(
            "de beslistermijn van {} verstreek op {}; opschorten kan alleen binnen de termijn",
            request.number,
            day(local_date(request.decide_by))
        ));
    }
    if complete_by <= asked_on {
        return invalid("de hersteltermijn moet na de datum van het verzoek eindigen");
    }
    if (complete_by - asked_on).num_days() > MAX_HERSTELTERMIJN_DAYS as i64 {
        return invalid(format!(
            "een hersteltermijn van meer dan {MAX_HERSTELTERMIJN_DAYS} dagen wordt niet aanvaard"
        ));
    }
    let note = required_text("wat er gevraagd is", note)?;
    let mut next = request.clone();
    next.term.suspensions.push(Suspension {
        asked_on,
        complete_by,
        completed_on: None,
        recorded_by: actor.login.clone(),
        note: note.clone(),
    });
    Ok(term_step(
        request,
        next,
        actor,
        EventKind::RequestSuspended,
        Some(note),
        now,
        norms,
    ))
}

/// The information asked for arrived on `completed_on` (today when
/// absent): the term runs again, moved by the days it stood still.
pub fn resume(
    request: &Request,
    case: &Case,
    actor: &Person,
    completed_on: Option<NaiveDate>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<(Request, CaseEvent), Refusal> {
    pending(request)?;
    open(case)?;
    let Some(open_one) = request.term.open_suspension() else {
        return conflict(format!("{} is niet opgeschort", request.number));
    };
    let completed_on = completed_on.unwrap_or(local_date(now));
    past_day("de datum van ontvangst", completed_on, request, now)?;
    if completed_on < open_one.asked_on {
        return invalid(format!(
            "de aanvulling kan niet vóór het verzoek ({}) binnengekomen zijn",
            day(open_one.asked_on)
        ));
    }
    if completed_on > open_one.complete_by {
        return conflict(format!(
            "de hersteltermijn van {} verstreek op {} ongebruikt; de termijn loopt sindsdien weer",
            request.number,
            day(open_one.complete_by)
        ));
    }
    let mut next = request.clone();
    if let Some(last) = next.term.suspensions.last_mut() {
        last.completed_on = Some(completed_on);
    }
    Ok(term_step(
        request,
        next,
        actor,
        EventKind::RequestResumed,
        Some(format!("aanvulling ontvangen op {}", day(completed_on))),
        now,
        norms,
    ))
}

/// Verdaging (Awb 4:14): before the term ends, once, by `weeks` with a
/// reason the applicant was told on `notified_on` (today when absent).
#[allow(clippy::too_many_arguments)]
pub fn extend(
    request: &Request,
    case: &Case,
    actor: &Person,
    weeks: u32,
    notified_on: Option<NaiveDate>,
    reason: Option<&str>,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<(Request, CaseEvent), Refusal> {
    pending(request)?;
    open(case)?;
    if let Some(e) = &request.term.extension {
        return conflict(format!(
            "{} is al verdaagd ({} weken, op {}); de wet staat één verdaging toe",
            request.number,
            e.weeks,
            day(e.notified_on)
        ));
    }
    if now > request.decide_by {
        return conflict(format!(
            "de beslistermijn van {} verstreek op {}; verdagen kan alleen vóór het einde van de termijn",
            request.number,
            day(local_date(request.decide_by))
        ));
    }
    if !(1..=MAX_EXTENSION_WEEKS).contains(&weeks) {
        return invalid(format!(
            "verdagen kan met 1 tot {MAX_EXTENSION_WEEKS} weken"
        ));
    }
    let notified_on = notified_on.unwrap_or(local_date(now));
    past_day("de datum van de mededeling", notified_on, request, now)?;
    let reason = required_line("reden", reason)?;
    let mut next = request.clone();
    next.term.extension = Some(Extension {
        weeks,
        notified_on,
        reason: reason.clone(),
        recorded_by: actor.login.clone(),
    });
    Ok(term_step(
        request,
        next,
        actor,
        EventKind::RequestExtended,
        Some(reason),
        now,
        norms,
    ))
}

/// The applicant's ingebrekestelling, received on `received_on`: only
/// valid once the term has passed (a notice sent too early starts
/// nothing), once per request. Two weeks later the dwangsom starts.
pub fn record_default_notice(
    request: &Request,
    case: &Case,
    actor: &Person,
    received_on: NaiveDate,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Result<(Request, CaseEvent), Refusal> {
    pending(request)?;
    open(case)?;
    if let Some(n) = &request.term.default_notice {
        return conflict(format!(
            "de ingebrekestelling voor {} is al vastgelegd (ontvangen op {})",
            request.number,
            day(n.received_on)
        ));
    }
    if received_on > local_date(now) {
        return invalid("de datum van ontvangst kan niet in de toekomst liggen");
    }
    // No suspension can run after the term's end: an open one's
    // hersteltermijn is inside `decide_by` (see `Suspension::days`).
    let term_end = local_date(request.decide_by);
    if received_on <= term_end {
        return conflict(format!(
            "de beslistermijn van {} loopt tot en met {}; een ingebrekestelling die eerder binnenkomt is niet geldig (Awb 4:17)",
            request.number,
            day(term_end)
        ));
    }
    let mut next = request.clone();
    next.term.default_notice = Some(DefaultNotice {
        received_on,
        recorded_by: actor.login.clone(),
    });
    let day_one = dwangsom_day_one(received_on, &norms.calendar);
    Ok(term_step(
        request,
        next,
        actor,
        EventKind::DefaultNoticeReceived,
        Some(format!(
            "ontvangen op {}; dwangsom vanaf {}",
            day(received_on),
            day(day_one)
        )),
        now,
        norms,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::calendar::end_of_day;
    use crate::domain::model::*;

    fn filed(in_plan: bool) -> Request {
        let case = planned();
        let (new, t) = file_request(
            &case,
            &cr(1),
            RequestKind::Jeugdhulp,
            Some("ambulante gezinsbegeleiding"),
            Some("opvoedstress"),
            in_plan,
            at(NOW),
            &Norms::default(),
        )
        .unwrap();
        assert_eq!(t.case.status, CaseStatus::Execution);
        assert_eq!(t.event.note.as_deref(), Some("ambulante gezinsbegeleiding"));
        Request {
            id: 5,
            number: "AV-2026-0005".into(),
            case_id: new.case_id,
            kind: new.kind,
            provision: new.provision,
            motivation: new.motivation,
            in_plan: new.in_plan,
            filed_by: new.filed_by,
            filed_at: new.filed_at,
            decide_by: new.decide_by,
            status: RequestStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            term: Default::default(),
        }
    }

    #[test]
    fn filing_a_request_needs_motivation_and_a_plan_when_in_plan() {
        let norms = Norms::default();
        let err = file_request(
            &assigned(),
            &cr(1),
            RequestKind::Jeugdhulp,
            Some("p"),
            Some("m"),
            true,
            at(NOW),
            &norms,
        )
        .unwrap_err();
        assert!(matches!(err, Refusal::Conflict(_)));
        let err = file_request(
            &planned(),
            &cr(1),
            RequestKind::Jeugdhulp,
            Some("p"),
            None,
            true,
            at(NOW),
            &norms,
        )
        .unwrap_err();
        assert!(matches!(err, Refusal::Invalid(_)));
        let request = filed(true);
        // Tue 24 Nov 2026 + 8 weeks = Tue 19 Jan 2027.
        assert_eq!(request.decide_by, at("2027-01-19T22:59:59Z"));
    }

    #[test]
    fn deciding_approves_or_rejects_once() {
        let case = planned();
        let request = filed(true);
        let err = decide(&request, &case, &pr(), Decision::Reject, Some(" "), at(NOW)).unwrap_err();
        assert!(matches!(err, Refusal::Invalid(_)));
        let (approved, event) =
            decide(&request, &case, &pr(), Decision::Approve, None, at(NOW)).unwrap();
        assert_eq!(approved.status, RequestStatus::Approved);
        assert_eq!(approved.decided_by.as_deref(), Some("pr-jeugd"));
        assert_eq!(approved.version, 2);
        assert_eq!(
            (event.kind, event.request_id, event.decision),
            (EventKind::RequestDecided, Some(5), Some(Decision::Approve))
        );
        assert_eq!(event.note, None, "no reason given, no note");
        let again = decide(
            &approved,
            &case,
            &pr(),
            Decision::Reject,
            Some("toch niet"),
            at(NOW),
        )
        .unwrap_err();
        assert!(matches!(&again, Refusal::Conflict(m) if m.contains("al beslist")));
        let (rejected, event) = decide(
            &request,
            &case,
            &pr(),
            Decision::Reject,
            Some("past niet"),
            at(NOW),
        )
        .unwrap();
        assert_eq!(
            (rejected.status, rejected.reason.as_deref()),
            (RequestStatus::Rejected, Some("past niet"))
        );
        assert_eq!(
            (event.decision, event.note.as_deref()),
            (Some(Decision::Reject), Some("past niet")),
            "the note is the reason only"
        );
    }

    #[test]
    fn a_request_outside_the_plan_can_be_rejected_but_not_approved() {
        let case = planned();
        let request = filed(false);
        assert!(matches!(
            decide(&request, &case, &pr(), Decision::Approve, None, at(NOW)),
            Err(Refusal::Conflict(_))
        ));
        assert!(
            decide(
                &request,
                &case,
                &pr(),
                Decision::Reject,
                Some("niet in plan"),
                at(NOW)
            )
            .is_ok()
        );
    }

    /// The Jeugd request of [`filed`]: filed Tuesday 24 November 2026,
    /// eight weeks: Tuesday 19 January 2027.
    #[test]
    fn suspension_moves_decide_by_by_the_days_it_stood_still() {
        let r = filed(true);
        let norms = Norms::default();
        assert_eq!(r.decide_by, end_of_day(d("2027-01-19")));
        let (s, event) = suspend(
            &r,
            &planned(),
            &pr(),
            Some(d("2026-11-30")),
            d("2026-12-14"),
            Some("  verslag school  "),
            at("2026-12-01T10:00:00Z"),
            &norms,
        )
        .unwrap();
        assert_eq!(event.kind, EventKind::RequestSuspended);
        assert_eq!(event.request_id, Some(5));
        assert_eq!(event.note.as_deref(), Some("verslag school"));
        assert_eq!(s.version, 2);
        // While awaited, the whole hersteltermijn (14 days) counts.
        assert_eq!(s.decide_by, end_of_day(d("2027-02-02")));
        // A second suspension while this one runs: 409.
        assert!(matches!(
            suspend(
                &s,
                &planned(),
                &pr(),
                None,
                d("2026-12-20"),
                Some("x"),
                at("2026-12-02T10:00:00Z"),
                &norms
            ),
            Err(Refusal::Conflict(_))
        ));
        // The school's report arrives Friday 4 December: 4 days.
        let (resumed, event) = resume(
            &s,
            &planned(),
            &cr(1),
            Some(d("2026-12-04")),
            at("2026-12-07T10:00:00Z"),
            &norms,
        )
        .unwrap();
        assert_eq!(event.kind, EventKind::RequestResumed);
        assert_eq!(resumed.term.suspended_days(), 4);
        // 19 January + 4 days is Saturday 23 January: Monday 25 January.
        assert_eq!(resumed.decide_by, end_of_day(d("2027-01-25")));
        assert_eq!(resumed.version, 3);
        // Not suspended any more: nothing to resume.
        assert!(matches!(
            resume(
                &resumed,
                &planned(),
                &cr(1),
                None,
                at("2026-12-08T10:00:00Z"),
                &norms
            ),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn suspension_refuses_what_the_law_does_not_allow() {
        let r = filed(true);
        let norms = Norms::default();
        let now = at("2026-12-01T10:00:00Z");
        let try_it = |asked: Option<&str>, by: &str, note: Option<&str>| {
            suspend(
                &r,
                &planned(),
                &pr(),
                asked.map(d),
                d(by),
                note,
                now,
                &norms,
            )
        };
        assert!(
            matches!(try_it(None, "2026-12-10", None), Err(Refusal::Invalid(_))),
            "what was asked is required"
        );
        assert!(
            matches!(
                try_it(Some("2026-12-02"), "2026-12-10", Some("x")),
                Err(Refusal::Invalid(_))
            ),
            "asked in the future"
        );
        assert!(
            matches!(
                try_it(Some("2026-11-20"), "2026-12-10", Some("x")),
                Err(Refusal::Invalid(_))
            ),
            "asked before filing"
        );
        assert!(
            matches!(
                try_it(None, "2026-12-01", Some("x")),
                Err(Refusal::Invalid(_))
            ),
            "hersteltermijn ends when asked"
        );
        assert!(
            matches!(
                try_it(None, "2027-04-01", Some("x")),
                Err(Refusal::Invalid(_))
            ),
            "hersteltermijn too long"
        );
        // After the term: 409.
        let late = at("2027-01-20T10:00:00Z");
        assert!(matches!(
            suspend(
                &r,
                &planned(),
                &pr(),
                None,
                d("2027-02-01"),
                Some("x"),
                late,
                &norms
            ),
            Err(Refusal::Conflict(_))
        ));
        // A decided request cannot be suspended.
        let (decided, _) = decide(&r, &planned(), &pr(), Decision::Approve, None, now).unwrap();
        assert!(matches!(
            suspend(
                &decided,
                &planned(),
                &pr(),
                None,
                d("2026-12-10"),
                Some("x"),
                now,
                &norms
            ),
            Err(Refusal::Conflict(_))
        ));
        // Information after the hersteltermijn moves nothing: 409 says so.
        let (s, _) = try_it(None, "2026-12-08", Some("x")).unwrap();
        assert!(matches!(
            resume(
                &s,
                &planned(),
                &pr(),
                Some(d("2026-12-09")),
                at("2026-12-10T10:00:00Z"),
                &norms
            ),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn extension_once_before_the_term_ends_with_a_reason() {
        let r = filed(true);
        let norms = Norms::default();
        let now = at("2027-01-11T10:00:00Z");
        assert!(matches!(
            extend(&r, &planned(), &pr(), 4, None, Some(" "), now, &norms),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            extend(&r, &planned(), &pr(), 0, None, Some("advies"), now, &norms),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            extend(&r, &planned(), &pr(), 9, None, Some("advies"), now, &norms),
            Err(Refusal::Invalid(_))
        ));
        let (e, event) = extend(
            &r,
            &planned(),
            &pr(),
            4,
            None,
            Some("advies jeugdarts"),
            now,
            &norms,
        )
        .unwrap();
        assert_eq!(event.kind, EventKind::RequestExtended);
        // 19 January + 4 weeks: Tuesday 16 February 2027.
        assert_eq!(e.decide_by, end_of_day(d("2027-02-16")));
        assert_eq!(
            e.term.extension.as_ref().unwrap().notified_on,
            d("2027-01-11")
        );
        assert!(
            matches!(
                extend(
                    &e,
                    &planned(),
                    &pr(),
                    1,
                    None,
                    Some("nog een keer"),
                    now,
                    &norms
                ),
                Err(Refusal::Conflict(_))
            ),
            "no second verdaging"
        );
        // On the last day it may; the day after it may not.
        assert!(
            extend(
                &r,
                &planned(),
                &pr(),
                2,
                None,
                Some("x"),
                at("2027-01-19T20:00:00Z"),
                &norms
            )
            .is_ok()
        );
        assert!(
            matches!(
                extend(
                    &r,
                    &planned(),
                    &pr(),
                    2,
                    None,
                    Some("x"),
                    at("2027-01-20T08:00:00Z"),
                    &norms
                ),
                Err(Refusal::Conflict(_))
            ),
            "no verdaging after the term"
        );
    }

    #[test]
    fn a_notice_of_default_counts_only_after_the_term_and_once() {
        let r = filed(true);
        let norms = Norms::default();
        let now = at("2027-01-25T10:00:00Z");
        // Received on the term's last day: too early.
        assert!(matches!(
            record_default_notice(&r, &planned(), &pr_volw(), d("2027-01-19"), now, &norms),
            Err(Refusal::Conflict(_))
        ));
        assert!(
            matches!(
                record_default_notice(&r, &planned(), &pr_volw(), d("2027-01-26"), now, &norms),
                Err(Refusal::Invalid(_))
            ),
            "not in the future"
        );
        let (n, event) =
            record_default_notice(&r, &planned(), &pr_volw(), d("2027-01-20"), now, &norms)
                .unwrap();
        assert_eq!(event.kind, EventKind::DefaultNoticeReceived);
        // Received Wednesday 20 January: two weeks end 3 February, day 1
        // is Thursday 4 February.
        assert_eq!(
            event.note.as_deref(),
            Some("ontvangen op 20-01-2027; dwangsom vanaf 04-02-2027")
        );
        assert_eq!(n.decide_by, r.decide_by, "the notice moves no term");
        assert!(matches!(
            record_default_notice(&n, &planned(), &pr_volw(), d("2027-01-21"), now, &norms),
            Err(Refusal::Conflict(_))
        ));
    }
}
