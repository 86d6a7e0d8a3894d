//! The plain data of the domain: people, households, cases, requests.
//!
//! These types are also the wire format of the case API (snake_case JSON),
//! which is why they derive `serde` and `utoipa::ToSchema`; both are plain
//! metadata and pull no I/O into the domain.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plan::{Evaluated, Goal};
use super::term::DecisionTerm;

/// A person's login name, the stable identity used across the API.
pub type Login = String;

/// Declares a string-backed enum with its wire names in one place, so the
/// JSON, the database text and `FromStr` can never disagree.
macro_rules! wire_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        // `rename_all` rather than a rename per variant: utoipa reads only
        // the former, and the OpenAPI document must name the wire values.
        // A test checks that every `$wire` is the snake_case of its variant.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema, schemars::JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The name on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(UnknownValue { kind: stringify!($name), value: s.to_string() }),
                }
            }
        }
    };
}

/// A string that names no variant of an enum (for example in a query string).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} value {value:?}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

wire_enum! {
    /// What a person does in the access process (DOMAIN.md, "People and roles").
    pub enum Role {
        Casusregisseur = "casusregisseur",
        ProcesregisseurJeugd = "procesregisseur_jeugd",
        ProcesregisseurVolwassenen = "procesregisseur_volwassenen",
        ProcesregisseurDoorzettingsmacht = "procesregisseur_doorzettingsmacht",
        Procesmanager = "procesmanager",
        Consulent = "consulent",
        Administratief = "administratief",
        /// The privacyfunctionaris (FG): reviews who looked at what, in
        /// the audit log; sees no case.
        Privacy = "privacy",
    }
}

impl Role {
    /// The role as users say it (Dutch).
    pub fn label(self) -> &'static str {
        match self {
            Role::Casusregisseur => "casusregisseur",
            Role::ProcesregisseurJeugd => "procesregisseur jeugd",
            Role::ProcesregisseurVolwassenen => "procesregisseur volwassenen",
            Role::ProcesregisseurDoorzettingsmacht => "procesregisseur doorzettingsmacht",
            Role::Procesmanager => "procesmanager",
            Role::Consulent => "consulent sociaal domein",
            Role::Administratief => "administratief medewerker",
            Role::Privacy => "privacyfunctionaris",
        }
    }

    /// The three procesregisseurs: they assign, supervise and escalate.
    pub fn is_procesregisseur(self) -> bool {
        matches!(
            self,
            Role::ProcesregisseurJeugd
                | Role::ProcesregisseurVolwassenen
                | Role::ProcesregisseurDoorzettingsmacht
        )
    }
}

wire_enum! {
    /// Youth or adults: decides which procesregisseur supervises a case.
    pub enum CaseDomain {
        Jeugd = "jeugd",
        Volwassenen = "volwassenen",
    }
}

wire_enum! {
    /// Where a referral came from (DOMAIN.md, "A case's path", step 1).
    pub enum Source {
        Cjg = "cjg",
        Huisarts = "huisarts",
        Politie = "politie",
        School = "school",
        Jongerenwerk = "jongerenwerk",
        Consultatiebureau = "consultatiebureau",
        Justitie = "justitie",
        VeiligThuis = "veilig_thuis",
        Balie = "balie",
        Zelf = "zelf",
        /// A waakvlam follow-up found a concern: the household is back.
        Waakvlam = "waakvlam",
    }
}

wire_enum! {
    /// Risk signals on a case (DOMAIN.md, "Risk and escalation").
    pub enum RiskFlag {
        ChildSafety = "child_safety",
        DomesticViolence = "domestic_violence",
        CareAvoider = "care_avoider",
        Aggression = "aggression",
        PressPolitical = "press_political",
        Justice = "justice",
    }
}

impl RiskFlag {
    /// Flags that make a case high-risk: a threat to someone's safety.
    /// Child safety comes first; domestic violence and aggression against
    /// workers are safety threats too. The others call for care, not alarm.
    pub fn is_high_risk(self) -> bool {
        matches!(
            self,
            RiskFlag::ChildSafety | RiskFlag::DomesticViolence | RiskFlag::Aggression
        )
    }

    /// The two-letter badge the boards show (DESK-DESIGN.md).
    pub fn badge(self) -> &'static str {
        match self {
            RiskFlag::ChildSafety => "KV",
            RiskFlag::DomesticViolence => "HG",
            RiskFlag::CareAvoider => "ZM",
            RiskFlag::Aggression => "AG",
            RiskFlag::PressPolitical => "PP",
            RiskFlag::Justice => "JU",
        }
    }
}

wire_enum! {
    /// Where a case stands on its path.
    pub enum CaseStatus {
        /// Referred, waiting for a casusregisseur.
        Referred = "referred",
        /// A casusregisseur has it; first contact not yet made.
        Assigned = "assigned",
        /// First contact made; no plan yet.
        Contacted = "contacted",
        /// A plan is agreed.
        Plan = "plan",
        /// The plan is being carried out.
        Execution = "execution",
        /// Closed.
        Closed = "closed",
        /// Closed, but kept in view until a follow-up date.
        Waakvlam = "waakvlam",
    }
}

impl CaseStatus {
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Closed | CaseStatus::Waakvlam)
    }
}

wire_enum! {
    /// How a case ended.
    pub enum CloseResult {
        GoalsMet = "goals_met",
        ReferredOn = "referred_on",
        Refused = "refused",
        Moved = "moved",
        NoCaseNeeded = "no_case_needed",
    }
}

wire_enum! {
    /// The kind of provision a request asks for; it decides who holds the
    /// mandate (seed 000, figure 5).
    pub enum RequestKind {
        /// Specialist youth care (Jeugdwet).
        Jeugdhulp = "jeugdhulp",
        /// Wmo maatwerkvoorziening, including domestic violence.
        WmoMaatwerk = "wmo_maatwerk",
    }
}

impl RequestKind {
    /// The kind as users say it (Dutch).
    pub fn label(self) -> &'static str {
        match self {
            RequestKind::Jeugdhulp => "jeugdhulp",
            RequestKind::WmoMaatwerk => "Wmo-maatwerk",
        }
    }
}

wire_enum! {
    pub enum RequestStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}

impl RequestStatus {
    /// The status as users say it (Dutch).
    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Pending => "in behandeling",
            RequestStatus::Approved => "toegekend",
            RequestStatus::Rejected => "afgewezen",
        }
    }
}

wire_enum! {
    pub enum Decision {
        Approve = "approve",
        Reject = "reject",
    }
}

wire_enum! {
    /// What happened to a case, one line of its history.
    pub enum EventKind {
        Referred = "referred",
        Assigned = "assigned",
        Reassigned = "reassigned",
        FirstContact = "first_contact",
        Plan = "plan",
        Activity = "activity",
        Stuck = "stuck",
        RequestFiled = "request_filed",
        RequestDecided = "request_decided",
        Escalated = "escalated",
        TakenOver = "taken_over",
        Deescalated = "deescalated",
        Closed = "closed",
        /// The applicant was asked to complete a request (Awb 4:15).
        RequestSuspended = "request_suspended",
        /// The information asked for arrived; the term runs again.
        RequestResumed = "request_resumed",
        /// The decision term was extended (Awb 4:14).
        RequestExtended = "request_extended",
        /// The applicant's ingebrekestelling was received (Awb 4:17).
        DefaultNoticeReceived = "default_notice_received",
        /// The waakvlam follow-up contact was made (all well or concern).
        WaakvlamFollowedUp = "waakvlam_followed_up",
        /// The waakvlam follow-up date was moved, with a reason.
        WaakvlamPostponed = "waakvlam_postponed",
        /// Someone else makes the waakvlam follow-up.
        WaakvlamReassigned = "waakvlam_reassigned",
        /// A Wmo melding: the six-week onderzoek starts (Wmo 2.3.2).
        MeldingReceived = "melding_received",
        /// The Wmo onderzoek is finished.
        OnderzoekDone = "onderzoek_done",
        /// The plan's goals changed: goals added or dropped with a reason.
        PlanRevised = "plan_revised",
        /// The plan's goals were evaluated (a final evaluation too).
        Evaluated = "evaluated",
    }
}

wire_enum! {
    /// What the waakvlam follow-up contact found.
    pub enum FollowUpResult {
        /// All is well: the waakvlam ends, the case stays closed.
        AllWell = "all_well",
        /// A concern: the waakvlam ends and a new case is opened for the
        /// household, linked to this one.
        Concern = "concern",
    }
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub login: Login,
    /// Staff name (fictitious in the demo). Staff, never clients.
    pub display_name: String,
    pub role: Role,
    /// Employer: a moederorganisatie (Kwadraad, MEE, ...) or the gemeente.
    pub organisation: String,
    pub specialism: Option<String>,
    /// Maximum open cases; only for people who hold cases.
    pub capacity: Option<u32>,
    pub active: bool,
}

/// A household, known only by a pseudonym.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Household {
    pub id: i64,
    pub pseudonym: String,
    pub members: u32,
}

/// A case: one household's path through the access process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Case {
    pub id: i64,
    /// The case number people say out loud: `KST-2026-0412`.
    pub number: String,
    pub household_id: i64,
    pub pseudonym: String,
    pub domain: CaseDomain,
    pub status: CaseStatus,
    pub source: Source,
    /// Login of the casusregisseur; `None` means explicitly unassigned.
    pub casusregisseur: Option<Login>,
    /// The casusregisseur's organisation at assignment.
    pub organisation: Option<String>,
    pub referred_at: DateTime<Utc>,
    /// When the current casusregisseur got the case.
    pub assigned_at: Option<DateTime<Utc>>,
    pub first_contact_at: Option<DateTime<Utc>>,
    /// Fixed at the first assignment: reassigning does not restart the
    /// household's wait.
    pub first_contact_due_at: Option<DateTime<Utc>>,
    pub plan_at: Option<DateTime<Utc>>,
    /// The clock of the "no activity" signal: the referral, then the first
    /// assignment, then the last thing the casusregisseur recorded (first
    /// contact, plan, activity, stuck report, request). Changing hands,
    /// escalation and decisions do not move it.
    pub last_activity_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_result: Option<CloseResult>,
    pub waakvlam_until: Option<NaiveDate>,
    pub risk_flags: Vec<RiskFlag>,
    pub escalated: bool,
    pub escalated_at: Option<DateTime<Utc>>,
    pub escalated_by: Option<Login>,
    pub escalation_reason: Option<String>,
    /// Taken over by the doorzettingsmacht regisseur.
    pub taken_over: bool,
    pub stuck_reported: bool,
    pub stuck_reported_at: Option<DateTime<Utc>>,
    /// Increases by one on every change; the `ETag`/`If-Match` value.
    pub version: i64,
    /// When the waakvlam follow-up contact was recorded. While the case is
    /// in waakvlam, `casusregisseur` is who makes the follow-up (by
    /// default the casusregisseur who closed it).
    #[serde(default)]
    pub follow_up_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub follow_up_result: Option<FollowUpResult>,
    /// The case the follow-up opened (result `concern`), or the household's
    /// open case it was linked to.
    #[serde(default)]
    pub follow_up_case_id: Option<i64>,
    /// On a case opened by a waakvlam follow-up: the case it follows.
    #[serde(default)]
    pub follows_case_id: Option<i64>,
    /// Wmo 2015 art. 2.3.2: the day a need for support was reported
    /// (melding); the onderzoek must be done within six weeks.
    #[serde(default)]
    pub melding_on: Option<NaiveDate>,
    /// The day the onderzoek was finished (the verslag given).
    #[serde(default)]
    pub onderzoek_done_on: Option<NaiveDate>,
    /// The plan's goals, without their words (see `plan`).
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// The evaluations of the goals, oldest first.
    #[serde(default)]
    pub evaluations: Vec<Evaluated>,
}

impl Case {
    /// A new referral: explicitly unassigned, version 1.
    pub fn referral(
        id: i64,
        number: String,
        household: &Household,
        domain: CaseDomain,
        source: Source,
        mut risk_flags: Vec<RiskFlag>,
        referred_at: DateTime<Utc>,
    ) -> Self {
        risk_flags.sort();
        risk_flags.dedup();
        Case {
            id,
            number,
            household_id: household.id,
            pseudonym: household.pseudonym.clone(),
            domain,
            status: CaseStatus::Referred,
            source,
            casusregisseur: None,
            organisation: None,
            referred_at,
            assigned_at: None,
            first_contact_at: None,
            first_contact_due_at: None,
            plan_at: None,
            last_activity_at: referred_at,
            closed_at: None,
            close_result: None,
            waakvlam_until: None,
            risk_flags,
            escalated: false,
            escalated_at: None,
            escalated_by: None,
            escalation_reason: None,
            taken_over: false,
            stuck_reported: false,
            stuck_reported_at: None,
            version: 1,
            follow_up_at: None,
            follow_up_result: None,
            follow_up_case_id: None,
            follows_case_id: None,
            melding_on: None,
            onderzoek_done_on: None,
            goals: Vec::new(),
            evaluations: Vec::new(),
        }
    }

    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    pub fn is_high_risk(&self) -> bool {
        self.risk_flags.iter().any(|f| f.is_high_risk())
    }
}

/// A request for specialist care or a Wmo maatwerkvoorziening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Request {
    pub id: i64,
    /// `AV-2026-0091`.
    pub number: String,
    pub case_id: i64,
    pub kind: RequestKind,
    pub provision: String,
    /// Empty (and left out) for a role whose work does not need it
    /// (`domain::need_to_know`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub motivation: String,
    /// Part of the case's plan: the mandate covers only such requests.
    pub in_plan: bool,
    pub filed_by: Login,
    pub filed_at: DateTime<Utc>,
    /// The legal decision deadline, end of its day.
    pub decide_by: DateTime<Utc>,
    pub status: RequestStatus,
    pub decided_by: Option<Login>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub version: i64,
    /// What moved the decision term: suspensions, the extension, the
    /// notice of default (see `domain::term`). `decide_by` is the result.
    #[serde(default)]
    pub term: DecisionTerm,
}

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    pub actor: Login,
    pub kind: EventKind,
    /// Free text: a reason or note. Sensitive; only in the case detail.
    /// For `request_filed` the provision; for `request_decided` only the
    /// reason (the outcome is in `decision`).
    pub note: Option<String>,
    pub request_id: Option<i64>,
    /// For `reassigned` and `taken_over`: the casusregisseur who had the
    /// case before (none when it had none).
    #[serde(default)]
    pub from: Option<Login>,
    /// For `assigned`, `reassigned` and `taken_over`: the casusregisseur
    /// who has the case from this moment.
    #[serde(default)]
    pub to: Option<Login>,
    /// For `request_decided`: approved or rejected.
    #[serde(default)]
    pub decision: Option<Decision>,
}

impl CaseEvent {
    /// A history line without a request, a change of hands or a decision.
    pub fn new(at: DateTime<Utc>, actor: &str, kind: EventKind, note: Option<String>) -> Self {
        CaseEvent {
            at,
            actor: actor.into(),
            kind,
            note,
            request_id: None,
            from: None,
            to: None,
            decision: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde's name (from `rename_all`) must be the declared wire name,
    /// for every variant of every wire enum.
    fn assert_wire_names<
        T: Serialize + std::fmt::Display + std::str::FromStr + PartialEq + std::fmt::Debug + Copy,
    >(
        all: &[T],
    ) where
        <T as std::str::FromStr>::Err: std::fmt::Debug,
    {
        for value in all {
            assert_eq!(
                serde_json::to_string(value).unwrap(),
                format!("\"{value}\"")
            );
            assert_eq!(value.to_string().parse::<T>().unwrap(), *value);
        }
    }

    #[test]
    fn every_wire_enum_serialises_as_its_declared_name() {
        assert_wire_names(Role::ALL);
        assert_wire_names(CaseDomain::ALL);
        assert_wire_names(Source::ALL);
        assert_wire_names(RiskFlag::ALL);
        assert_wire_names(CaseStatus::ALL);
        assert_wire_names(CloseResult::ALL);
        assert_wire_names(RequestKind::ALL);
        assert_wire_names(RequestStatus::ALL);
        assert_wire_names(Decision::ALL);
        assert_wire_names(EventKind::ALL);
        assert_wire_names(FollowUpResult::ALL);
    }

    #[test]
    fn wire_names_round_trip_through_json_and_from_str() {
        for role in Role::ALL {
            let json = serde_json::to_string(role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        for flag in RiskFlag::ALL {
            assert_eq!(flag.as_str().parse::<RiskFlag>().unwrap(), *flag);
        }
        assert!("procesregisseur".parse::<Role>().is_err());
        assert!(serde_json::from_str::<RequestKind>("\"wmo\"").is_err());
    }

    #[test]
    fn only_safety_threats_are_high_risk() {
        let high: Vec<_> = RiskFlag::ALL.iter().filter(|f| f.is_high_risk()).collect();
        assert_eq!(
            high,
            [
                &RiskFlag::ChildSafety,
                &RiskFlag::DomesticViolence,
                &RiskFlag::Aggression
            ]
        );
    }

    #[test]
    fn closed_and_waakvlam_are_not_open() {
        let open: Vec<_> = CaseStatus::ALL.iter().filter(|s| s.is_open()).collect();
        assert_eq!(open.len(), 5);
        assert!(!CaseStatus::Waakvlam.is_open());
        assert!(!CaseStatus::Closed.is_open());
    }
}
