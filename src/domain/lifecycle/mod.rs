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

mod case;
#[cfg(test)]
mod fixtures;
mod plan;
mod request;
mod waakvlam;

pub use case::*;
pub use plan::*;
pub use request::*;
pub use waakvlam::*;
