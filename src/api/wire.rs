//! The wire types of the case API, shared by the server and the desk's
//! client so the two can never disagree on a field.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::absence::Absence;
use crate::domain::model::{
    Case, CaseDomain, CaseEvent, CloseResult, Decision, FollowUpResult, Household, Person, Request,
    RequestKind, RiskFlag, Role, Source,
};
use crate::domain::{need_to_know, permissions};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    /// With a ZGW source, once notifications were refused for a wrong
    /// header: `refused N since 2026-12-07T09:14:02Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<String>,
}

/// How a desk logs in here: the municipality's identity provider and the
/// desk's client there (OAuth 2.0 device authorization grant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoginConfig {
    /// The OpenID Connect issuer; its discovery document names the
    /// device authorization and token endpoints.
    pub issuer: String,
    /// The desk's public client id at the identity provider.
    pub client_id: String,
    /// The scopes to ask for.
    pub scopes: Vec<String>,
}

/// The caller and what they may do.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub person: Person,
    /// Kinds of request this person may decide (the mandate matrix).
    pub mandates: Vec<RequestKind>,
    /// False for a casusregisseur, who sees only their own cases.
    pub sees_all_cases: bool,
    pub may_assign: bool,
    pub may_escalate: bool,
    pub has_doorzettingsmacht: bool,
    pub read_only: bool,
}

impl Me {
    /// What a person may do, from their role and the mandate matrix.
    pub fn of(person: Person) -> Me {
        let role = person.role;
        Me {
            mandates: RequestKind::ALL
                .iter()
                .copied()
                .filter(|k| permissions::mandate_holders(*k).contains(&role))
                .collect(),
            sees_all_cases: role != Role::Casusregisseur && need_to_know::sees_cases(role),
            may_assign: role.is_procesregisseur(),
            may_escalate: role.is_procesregisseur(),
            has_doorzettingsmacht: role == Role::ProcesregisseurDoorzettingsmacht,
            read_only: matches!(role, Role::Procesmanager | Role::Privacy),
            person,
        }
    }
}

/// Everything in the caller's scope that changed after a cursor.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SyncResponse {
    /// Pass as `since` on the next call.
    pub cursor: String,
    /// More changes wait: call again with the new cursor.
    pub has_more: bool,
    pub cases: Vec<Case>,
    pub requests: Vec<Request>,
    pub people: Vec<Person>,
    /// Every absence of each person in `people` (a person without any
    /// has none here): replace what was held for them.
    #[serde(default)]
    pub absences: Vec<Absence>,
    /// When the caller's own row is in `people`: every open reminder of
    /// the caller's notes (which case and when, never the text); replace
    /// what was held. Left out otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders: Option<Vec<crate::domain::note::Reminder>>,
    /// Cases that left the caller's scope; apply these before `cases`.
    pub removed_cases: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHouseholdBody {
    /// Left out, regiedesk makes one (`H-` six characters and a check
    /// character). Given, it must have that form (taken over from an
    /// earlier registration), in any case; nothing else is accepted, so
    /// that no BSN, IBAN, phone number or name can be typed in.
    #[serde(default)]
    #[schema(pattern = "^[Hh]-[2-9A-HJ-NP-Za-hj-np-z]{7}$")]
    pub pseudonym: Option<String>,
    #[schema(minimum = 1, maximum = 30)]
    pub members: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseBody {
    #[schema(minimum = 1)]
    pub household_id: i64,
    pub domain: CaseDomain,
    pub source: Source,
    #[serde(default)]
    pub risk_flags: Vec<RiskFlag>,
}

/// A case with its household, history and requests.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseDetailResponse {
    pub case: Case,
    pub household: Household,
    pub events: Vec<CaseEvent>,
    pub requests: Vec<Request>,
    /// The caller's own notes on the case (a procesregisseur's), oldest
    /// first; nobody reads another's.
    #[serde(default)]
    pub notes: Vec<crate::domain::note::CaseNote>,
}

/// A procesregisseur's own note on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNoteBody {
    /// What to remember (required; lines allowed).
    pub text: Option<String>,
    /// The day the reminder falls due (YYYY-MM-DD), from today up to a
    /// year ahead; left out: a plain note.
    #[serde(default)]
    pub remind_on: Option<chrono::NaiveDate>,
}

/// What can change about a note: its reminder dealt with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteChangeBody {
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// Login of the new casusregisseur.
    pub casusregisseur: String,
    /// Required when the case already has a casusregisseur.
    pub reason: Option<String>,
    /// Moved for the time of this absence of the current casusregisseur
    /// (a temporary one): on the return date the desk proposes moving it
    /// back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absence: Option<i64>,
}

/// A casusregisseur away: the period only ("afwezig"), never why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAbsenceBody {
    /// The first day away (YYYY-MM-DD).
    pub from: NaiveDate,
    /// The last day away (YYYY-MM-DD).
    pub until: NaiveDate,
    /// Cases moved during it go back on the return date.
    #[serde(default)]
    pub temporary: bool,
}

/// A change to an absence: a new last day, or that the return was dealt
/// with. Exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AbsenceChangeBody {
    /// Back earlier or later: the new last day away (YYYY-MM-DD).
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// `true`: the cases moved for it went back, or stay where they are.
    #[serde(default)]
    pub settled: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    /// When the contact took place (default: now).
    pub at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub note: Option<String>,
}

/// A Wmo melding.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct MeldingBody {
    /// The day (YYYY-MM-DD); today when absent.
    pub on: Option<NaiveDate>,
}

/// The end of a melding's onderzoek.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct OnderzoekBody {
    /// The day (YYYY-MM-DD); today when absent.
    pub on: Option<NaiveDate>,
    /// A note (optional).
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    pub result: CloseResult,
    /// Keep the household in view until this date (waakvlam).
    pub waakvlam_until: Option<NaiveDate>,
}

/// The waakvlam follow-up contact.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    /// `all_well` ends the waakvlam; `concern` also opens a new case for
    /// the household (or links its open case).
    pub result: FollowUpResult,
    /// Required with `concern`: what the concern is.
    pub note: Option<String>,
}

/// A later waakvlam follow-up date.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostponeBody {
    /// The new follow-up date: after the current one and after today, at
    /// most `waakvlam_max_months` ahead.
    pub waakvlam_until: NaiveDate,
    /// Why (required).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    pub kind: RequestKind,
    pub provision: Option<String>,
    /// Why specialist care is needed (required).
    pub motivation: Option<String>,
    /// Part of the case's plan; only such requests can be approved.
    pub in_plan: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub decision: Decision,
    /// Required when rejecting.
    pub reason: Option<String>,
}

/// Opschorting: the applicant was asked to complete the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendBody {
    /// The day the applicant was asked (YYYY-MM-DD); today when absent.
    pub asked_on: Option<NaiveDate>,
    /// The last day of the hersteltermijn.
    pub complete_by: NaiveDate,
    /// What was asked for (required).
    pub note: Option<String>,
}

/// The information asked for arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ResumeBody {
    /// The day it arrived; today when absent.
    pub completed_on: Option<NaiveDate>,
}

/// Verdaging: the term extended once, before it ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// 1 to 8 weeks.
    pub weeks: u32,
    /// The day the applicant was told; today when absent.
    pub notified_on: Option<NaiveDate>,
    /// Why (required).
    pub reason: Option<String>,
}

/// The applicant's ingebrekestelling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultNoticeBody {
    /// The day the municipality received it.
    pub received_on: NaiveDate,
}

/// A problem detail (RFC 9457).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI that names the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, in words for the user (Dutch, the users' language).
    pub detail: String,
    /// For 412: the version the resource is at now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// The answer's `Retry-After` in seconds (429, 503), as the client read
    /// it from the header; not part of the body.
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

/// What an entity tag names: a case or a request, since both count their
/// versions from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagged {
    Case,
    Request,
}

/// The strong entity tag of one resource at one version, `"case-307-v2"`.
/// It names the resource as well as the version, so that case A's tag
/// never passes the lost-update check on case B at the same version.
pub fn entity_tag(kind: Tagged, id: i64, version: i64) -> String {
    let kind = match kind {
        Tagged::Case => "case",
        Tagged::Request => "request",
    };
    format!("\"{kind}-{id}-v{version}\"")
}

/// The plan with its goals (at least one).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    pub note: Option<String>,
    /// The plan's goals; a plan without goals is refused (422).
    #[serde(default)]
    pub goals: Vec<crate::domain::plan::NewGoal>,
}

/// A revision of the plan: goals added, goals dropped with a reason.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PlanRevisionBody {
    #[serde(default)]
    pub add: Vec<crate::domain::plan::NewGoal>,
    #[serde(default)]
    pub drop: Vec<crate::domain::lifecycle::DroppedGoal>,
}

/// An evaluation: a score and a state for every goal still pursued.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct EvaluationBody {
    pub scores: Vec<crate::domain::plan::GoalScore>,
    /// The final evaluation, made before closing.
    #[serde(default, rename = "final")]
    pub is_final: bool,
}
