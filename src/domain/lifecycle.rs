//! A case's path as state transitions: each function takes the current
//! state and returns the next one plus the history line to record, or says
//! why the step cannot be taken. Permissions are checked before these run
//! (see `permissions`); these check only what the state allows.
//!
//! `last_activity_at`, the clock of the "no activity" stagnation signal,
//! starts at the first assignment and then moves only for what the
//! casusregisseur records: first contact, plan, activity, a stuck report
//! and filing a request. Reassignment, take over, escalation,
//! de-escalation, a decision and closing leave it where it was.

use chrono::{DateTime, NaiveDate, Utc};

use super::calendar::local_date;
use super::model::{
    Case, CaseDomain, CaseEvent, CaseStatus, CloseResult, Decision, EventKind, FollowUpResult,
    Login, Person, Request, RequestKind, RequestStatus, RiskFlag, Source,
};
use super::norms::Norms;
use super::permissions::may_hold_cases;
use super::term::{DefaultNotice, Extension, Suspension, dwangsom_day_one};
use super::text::{optional_line, optional_text, required_line, required_text};

/// Why a step cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The state of the case or request does not allow it (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// What was sent is not acceptable in itself (HTTP 422).
    #[error("{0}")]
    Invalid(String),
}

fn conflict<T>(why: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal::Conflict(why.into()))
}

fn invalid<T>(why: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal::Invalid(why.into()))
}

/// The number of members of a household: 1 to 30.
pub fn household_members(members: u32) -> Result<u32, Refusal> {
    if (1..=30).contains(&members) {
        Ok(members)
    } else {
        invalid("een huishouden heeft 1 tot 30 leden")
    }
}

/// The next state of a case and the line for its history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transition {
    pub case: Case,
    pub event: CaseEvent,
    /// Set when the case changed hands: the casusregisseur who lost it
    /// (their desk must learn the case left their scope).
    pub previous_casusregisseur: Option<Login>,
}

fn open(case: &Case) -> Result<(), Refusal> {
    if case.is_open() {
        Ok(())
    } else {
        conflict(format!("zaak {} is gesloten", case.number))
    }
}

/// Builds the transition: bumps the version and writes the history line.
fn step(
    before: &Case,
    mut after: Case,
    actor: &Person,
    kind: EventKind,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Transition {
    after.version = before.version + 1;
    // When the case changed hands, the history says from whom to whom.
    let (from, to) = if before.casusregisseur != after.casusregisseur {
        (before.casusregisseur.clone(), after.casusregisseur.clone())
    } else {
        (None, None)
    };
    Transition {
        event: CaseEvent {
            from: from.clone(),
            to,
            ..CaseEvent::new(now, &actor.login, kind, note)
        },
        case: after,
        previous_casusregisseur: from,
    }
}

/// The case in the hands of `holder` from `now`. The first-contact deadline
/// is fixed at the first assignment: handing a case on does not restart
/// the household's wait. A new holder starts without the old stuck report.
///
/// The no-activity clock (`last_activity_at`) starts at the first
/// assignment: before it, nobody held the case who could have acted. After
/// it, only what the casusregisseur records moves the clock; changing
/// hands is not activity with the household, so a reassignment or a take
/// over does not hide a case that has been quiet for weeks.
fn handed_to(
    case: &Case,
    holder: &Person,
    taken_over: bool,
    now: DateTime<Utc>,
    norms: &Norms,
) -> Case {
    let mut next = case.clone();
    next.casusregisseur = Some(holder.login.clone());
    next.organisation = Some(holder.organisation.clone());
    next.assigned_at = Some(now);
    next.first_contact_due_at = case
        .first_contact_due_at
        .or_else(|| Some(norms.first_contact_due(now)));
    if next.status == CaseStatus::Referred {
        next.status = CaseStatus::Assigned;
    }
    if case.assigned_at.is_none() {
        next.last_activity_at = now;
    }
    next.taken_over = taken_over;
    next.stuck_reported = false;
    next.stuck_reported_at = None;
    next
}

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

/// Records that a plan (gezinsplan, plan van aanpak) is agreed.
pub fn record_plan(
    case: &Case,
    actor: &Person,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, Refusal> {
    open(case)?;
    if case.first_contact_at.is_none() {
        return conflict(format!(
            "leg eerst het eerste contact voor {} vast",
            case.number
        ));
    }
    if case.plan_at.is_some() {
        return conflict(format!("het plan voor {} is al vastgelegd", case.number));
    }
    let note = optional_text("notitie", note)?;
    let mut next = case.clone();
    next.plan_at = Some(now);
    next.status = CaseStatus::Plan;
    next.last_activity_at = now;
    Ok(step(case, next, actor, EventKind::Plan, note, now))
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

/// A follow-up date set or moved at `now`: after today, and no later than
/// the configured bound.
fn waakvlam_date(until: NaiveDate, now: DateTime<Utc>, norms: &Norms) -> Result<(), Refusal> {
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
    use super::*;
    use crate::domain::calendar::end_of_day;
    use crate::domain::model::*;
    use crate::domain::text::MAX_TEXT;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn person(login: &str, role: Role) -> Person {
        Person {
            login: login.into(),
            display_name: login.into(),
            role,
            organisation: "Kwadraad".into(),
            specialism: None,
            capacity: Some(12),
            active: true,
        }
    }

    fn referred() -> Case {
        let household = Household {
            id: 1,
            pseudonym: "H-AAAA".into(),
            members: 2,
        };
        let referred_at = at("2026-11-20T09:00:00Z");
        Case::referral(
            1,
            "KST-2026-0001".into(),
            &household,
            CaseDomain::Jeugd,
            Source::Cjg,
            vec![],
            referred_at,
        )
    }

    fn pr() -> Person {
        person("pr-jeugd", Role::ProcesregisseurJeugd)
    }
    fn cr(n: u8) -> Person {
        person(&format!("cr-0{n}"), Role::Casusregisseur)
    }
    const NOW: &str = "2026-11-24T10:00:00Z";

    fn assigned() -> Case {
        assign(
            &referred(),
            &pr(),
            &cr(1),
            None,
            at("2026-11-23T10:00:00Z"),
            &Norms::default(),
        )
        .unwrap()
        .case
    }

    fn planned() -> Case {
        let c = record_contact(&assigned(), &cr(1), None, None, at(NOW))
            .unwrap()
            .case;
        record_plan(&c, &cr(1), None, at(NOW)).unwrap().case
    }

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
            record_plan(&case, &cr(1), None, at(NOW)),
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
        let planned = record_plan(&contacted, &cr(1), Some("gezinsplan"), at(NOW))
            .unwrap()
            .case;
        assert_eq!(planned.status, CaseStatus::Plan);
        assert!(matches!(
            record_plan(&planned, &cr(1), None, at(NOW)),
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
        let planned = record_plan(&stuck, &cr(1), None, t(11)).unwrap().case;
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
        let plain = close(
            &case,
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

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn pr_volw() -> Person {
        person("pr-volw", Role::ProcesregisseurVolwassenen)
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
