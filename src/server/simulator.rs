//! The demo's live activity. Bots play the demo staff through the case
//! API itself (so every rule, version check and audit entry applies):
//! referrals arrive, get assigned, contacted and planned, requests are
//! filed and sometimes decided, cases get stuck, are escalated and close.
//! Only `regiedesk demo` and `regiedesk serve --demo --simulate` run it.
//!
//! The bots act as the demo's [`demo::COLLEAGUES`] for everything a
//! procesregisseur, consulent or intake does, never as a login of the demo
//! desk, so the user never finds their own name on something they did not
//! do. What only a casusregisseur may record (contact, plan, activity, a
//! stuck report, a request, closing) is done by the case's casusregisseur,
//! and only when that is a casusregisseur, never the user at the desk.
//! Staff work in office hours on working days; outside them only a
//! referral may come in (Veilig Thuis and the police work around the
//! clock).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::demo;
use crate::api::client::{ApiClient, ApiFailure, SyncOutcome};
use crate::api::wire::{
    AssignBody, CloseBody, ContactBody, DecisionBody, NewCaseBody, NewRequestBody, NoteBody,
    ReasonBody,
};
use crate::clock::Clock;
use crate::domain::boards::Snapshot;
use crate::domain::calendar::{Calendar, local_date};
use crate::domain::model::{
    Case, CaseDomain, CaseStatus, CloseResult, Decision, Login, Request, RequestKind,
    RequestStatus, RiskFlag, Role, Source,
};
use crate::domain::permissions;

/// The colleague who watches the municipality for the bots (every role
/// but the casusregisseur sees all cases).
const OBSERVER: &str = "pr-jeugd-2";
/// The colleague who registers referrals.
const INTAKE: &str = "admin-2";

/// What one step of the simulator does, for the log (numbers only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Refer,
    Assign,
    Contact,
    Plan,
    Activity,
    FileRequest,
    Decide,
    Stuck,
    Escalate,
    Close,
    /// The law's clock: suspend, resume or extend a pending request, or
    /// record an ingebrekestelling on a late one.
    Term,
    /// A waakvlam follow-up whose date has come.
    FollowUp,
}

const STEPS: [(Step, u32); 12] = [
    (Step::Refer, 4),
    (Step::Assign, 3),
    (Step::Contact, 3),
    (Step::Plan, 2),
    (Step::Activity, 2),
    (Step::FileRequest, 2),
    (Step::Decide, 1),
    (Step::Stuck, 1),
    (Step::Escalate, 1),
    (Step::Close, 2),
    (Step::Term, 1),
    (Step::FollowUp, 1),
];

/// Sources that refer at any hour: crisis and safety.
const AROUND_THE_CLOCK: [Source; 2] = [Source::VeiligThuis, Source::Politie];

/// One call to the API, as someone.
#[derive(Debug, Clone)]
pub(crate) struct Move {
    pub step: Step,
    pub actor: Login,
    pub call: Call,
}

#[derive(Debug, Clone)]
pub(crate) enum Call {
    Refer(NewCaseBody),
    /// `POST /cases/{id}/{action}` with `body`, at the case's version.
    Case {
        case_id: i64,
        action: &'static str,
        body: serde_json::Value,
        version: i64,
    },
    FileRequest {
        case_id: i64,
        body: NewRequestBody,
        version: i64,
    },
    Decide {
        request_id: i64,
        body: DecisionBody,
        version: i64,
    },
    /// `POST /requests/{id}/{action}` (the term), at the request's version.
    Request {
        request_id: i64,
        action: &'static str,
        body: serde_json::Value,
        version: i64,
    },
}

pub struct Simulator {
    base: String,
    clock: Clock,
    calendar: Calendar,
    households: Vec<i64>,
    /// The login of the user at the demo desk, if known: never played.
    desk_user: Option<Login>,
    rng: ChaCha8Rng,
    snapshot: Snapshot,
    cursor: Option<String>,
    clients: HashMap<String, ApiClient>,
}

fn body(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).expect("a request body serialises")
}

impl Simulator {
    pub fn new(
        base: &str,
        clock: Clock,
        calendar: Calendar,
        households: Vec<i64>,
        seed: u64,
    ) -> Self {
        Self {
            base: base.to_string(),
            clock,
            calendar,
            households,
            desk_user: None,
            rng: ChaCha8Rng::seed_from_u64(seed),
            snapshot: Snapshot::default(),
            cursor: None,
            clients: HashMap::new(),
        }
    }

    /// Never acts as `login`, the user at the demo desk (not even on the
    /// cases they hold as casusregisseur).
    pub fn leaving_alone(mut self, login: &str) -> Self {
        self.desk_user = Some(login.to_string());
        self
    }

    /// Runs forever, one step every one to four seconds.
    pub fn spawn(mut self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                let wait = Duration::from_millis(self.rng.random_range(1000..4000));
                tokio::time::sleep(wait).await;
                if let Err(error) = self.step().await {
                    tracing::debug!(%error, "simulator step refused");
                }
            }
        })
    }

    fn client(&mut self, login: &str) -> ApiClient {
        let base = self.base.clone();
        self.clients
            .entry(login.to_string())
            .or_insert_with(|| {
                ApiClient::new(&base, &demo::demo_token(login)).expect("http client")
            })
            .clone()
    }

    /// Brings the bots' picture of the municipality up to date.
    async fn observe(&mut self) -> Result<(), ApiFailure> {
        let observer = self.client(OBSERVER);
        if let SyncOutcome::Changed { delta, cursor, .. } =
            observer.sync(self.cursor.as_deref(), None).await?
        {
            self.snapshot.apply(delta);
            self.cursor = Some(cursor);
        }
        Ok(())
    }

    fn pick_case(&mut self, wanted: impl Fn(&Case) -> bool) -> Option<Case> {
        let cases: Vec<&Case> = self
            .snapshot
            .cases
            .values()
            .filter(|c| c.is_open() && wanted(c))
            .collect();
        cases.choose(&mut self.rng).map(|c| (*c).clone())
    }

    /// The colleague procesregisseur of a domain.
    fn regisseur(domain: CaseDomain) -> &'static str {
        match domain {
            CaseDomain::Jeugd => "pr-jeugd-2",
            CaseDomain::Volwassenen => "pr-volw-2",
        }
    }

    /// The colleague with the mandate for a kind of request.
    fn mandate(kind: RequestKind) -> &'static str {
        match kind {
            RequestKind::Jeugdhulp => "pr-jeugd-2",
            RequestKind::WmoMaatwerk => "consulent-2",
        }
    }

    /// The case's casusregisseur, when the bots may play them: a
    /// casusregisseur by role, and not the user at the desk.
    fn playable_holder(&self, case: &Case) -> Option<Login> {
        let login = case.casusregisseur.as_deref()?;
        let person = self.snapshot.people.get(login)?;
        (person.role == Role::Casusregisseur && self.desk_user.as_deref() != Some(login))
            .then(|| login.to_string())
    }

    pub async fn step(&mut self) -> Result<(), ApiFailure> {
        self.observe().await?;
        let now = self.clock.now();
        let Some(next) = self.next_move(now) else {
            return Ok(());
        };
        let client = self.client(&next.actor);
        match next.call {
            Call::Refer(body) => {
                client.refer(&body).await?;
            }
            Call::Case {
                case_id,
                action,
                body,
                version,
            } => {
                client.case_action(case_id, action, &body, version).await?;
            }
            Call::FileRequest {
                case_id,
                body,
                version,
            } => {
                client.file_request(case_id, &body, version).await?;
            }
            Call::Decide {
                request_id,
                body,
                version,
            } => {
                client.decide(request_id, &body, version).await?;
            }
            Call::Request {
                request_id,
                action,
                body,
                version,
            } => {
                client
                    .request_action(request_id, action, &body, version)
                    .await?;
            }
        }
        tracing::debug!(step = ?next.step, "simulator step");
        Ok(())
    }

    /// What to do next at `now`, and as whom; `None` to sit this one out.
    pub(crate) fn next_move(&mut self, now: DateTime<Utc>) -> Option<Move> {
        let office = self.calendar.is_office_hours(now);
        let step = STEPS
            .choose_weighted(&mut self.rng, |(_, w)| *w)
            .map(|(s, _)| *s)
            .expect("weights");
        if !office && step != Step::Refer {
            return None;
        }
        let case_move = |actor: String, case: &Case, action: &'static str, body| Move {
            step,
            actor,
            call: Call::Case {
                case_id: case.id,
                action,
                body,
                version: case.version,
            },
        };
        match step {
            Step::Refer => {
                let busy: HashSet<i64> = self
                    .snapshot
                    .cases
                    .values()
                    .filter(|c| c.is_open())
                    .map(|c| c.household_id)
                    .collect();
                let free: Vec<i64> = self
                    .households
                    .iter()
                    .copied()
                    .filter(|h| !busy.contains(h))
                    .collect();
                let household_id = *free.choose(&mut self.rng)?;
                let domain = if self.rng.random_bool(0.6) {
                    CaseDomain::Jeugd
                } else {
                    CaseDomain::Volwassenen
                };
                let sources: &[Source] = if office {
                    Source::ALL
                } else {
                    &AROUND_THE_CLOCK
                };
                let source = *sources.choose(&mut self.rng).expect("sources");
                let risk_flags = if !office {
                    // A night-time referral is about safety at home.
                    let mut flags = vec![RiskFlag::DomesticViolence];
                    if domain == CaseDomain::Jeugd {
                        flags.push(RiskFlag::ChildSafety);
                    }
                    flags
                } else if self.rng.random_bool(0.15) {
                    vec![*RiskFlag::ALL.choose(&mut self.rng).expect("flags")]
                } else {
                    Vec::new()
                };
                let body = NewCaseBody {
                    household_id,
                    domain,
                    source,
                    risk_flags,
                };
                Some(Move {
                    step,
                    actor: INTAKE.into(),
                    call: Call::Refer(body),
                })
            }
            Step::Assign => {
                let case = self.pick_case(|c| c.casusregisseur.is_none())?;
                // The least loaded casusregisseur, against capacity.
                let (_, to) = self
                    .snapshot
                    .people
                    .values()
                    .filter(|p| permissions::may_hold_cases(p) && p.role == Role::Casusregisseur)
                    .map(|p| {
                        let open = self
                            .snapshot
                            .cases
                            .values()
                            .filter(|c| {
                                c.is_open() && c.casusregisseur.as_deref() == Some(&p.login)
                            })
                            .count();
                        let load = open as f64 / f64::from(p.capacity.unwrap_or(1).max(1));
                        (load, p.login.clone())
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0))?;
                let assign = AssignBody {
                    casusregisseur: to,
                    reason: None,
                    absence: None,
                };
                Some(case_move(
                    Self::regisseur(case.domain).into(),
                    &case,
                    "assign",
                    body(&assign),
                ))
            }
            Step::Contact
            | Step::Plan
            | Step::Activity
            | Step::Stuck
            | Step::FileRequest
            | Step::Close => {
                let wanted = move |c: &Case| match step {
                    Step::Contact => c.casusregisseur.is_some() && c.first_contact_at.is_none(),
                    Step::Plan => c.first_contact_at.is_some() && c.plan_at.is_none(),
                    Step::Stuck => c.casusregisseur.is_some() && !c.stuck_reported && !c.escalated,
                    Step::Close => c.plan_at.is_some() && !c.escalated,
                    _ => c.plan_at.is_some(),
                };
                let playable: Vec<(Case, Login)> = self
                    .snapshot
                    .cases
                    .values()
                    .filter(|c| c.is_open() && wanted(c))
                    .filter_map(|c| Some((c.clone(), self.playable_holder(c)?)))
                    .collect();
                let (case, holder) = playable.choose(&mut self.rng)?.clone();
                let moved = match step {
                    Step::Contact => {
                        case_move(holder, &case, "contact", body(&ContactBody::default()))
                    }
                    Step::Plan => {
                        let today = local_date(self.clock.now());
                        let plan = crate::api::wire::PlanBody {
                            note: Some("gezinsplan vastgesteld".into()),
                            goals: super::demo_goals::plan_goals(case.domain, today, &mut self.rng),
                        };
                        case_move(holder, &case, "plan", body(&plan))
                    }
                    Step::Activity => {
                        let note = NoteBody {
                            note: demo::ACTIVITY_NOTES
                                .choose(&mut self.rng)
                                .map(|n| n.to_string()),
                        };
                        case_move(holder, &case, "activity", body(&note))
                    }
                    Step::Stuck => {
                        let note = NoteBody {
                            note: demo::STUCK_NOTES
                                .choose(&mut self.rng)
                                .map(|n| n.to_string()),
                        };
                        case_move(holder, &case, "stuck", body(&note))
                    }
                    Step::Close => {
                        let waakvlam = self.rng.random_bool(0.3);
                        let close = CloseBody {
                            result: if waakvlam {
                                CloseResult::Refused
                            } else {
                                CloseResult::GoalsMet
                            },
                            // A follow-up on a working day.
                            waakvlam_until: waakvlam.then(|| {
                                self.calendar
                                    .on_or_next_working_day(local_date(now) + chrono::Days::new(90))
                            }),
                        };
                        case_move(holder, &case, "close", body(&close))
                    }
                    _ => {
                        let kind = match case.domain {
                            CaseDomain::Jeugd => RequestKind::Jeugdhulp,
                            CaseDomain::Volwassenen => RequestKind::WmoMaatwerk,
                        };
                        let provisions = match kind {
                            RequestKind::Jeugdhulp => {
                                ["ambulante gezinsbegeleiding", "jeugd-ggz", "dagbehandeling"]
                            }
                            RequestKind::WmoMaatwerk => [
                                "begeleiding individueel",
                                "huishoudelijke hulp",
                                "dagbesteding",
                            ],
                        };
                        let request = NewRequestBody {
                            kind,
                            provision: provisions.choose(&mut self.rng).map(|p| p.to_string()),
                            motivation: Some(
                                "Het plan vraagt specialistische ondersteuning.".into(),
                            ),
                            in_plan: self.rng.random_bool(0.9),
                        };
                        Move {
                            step,
                            actor: holder,
                            call: Call::FileRequest {
                                case_id: case.id,
                                body: request,
                                version: case.version,
                            },
                        }
                    }
                };
                Some(moved)
            }
            Step::Decide => {
                // A colleague decides now and then; most requests wait for
                // the desk. Never one the colleague filed (four eyes).
                let pending: Vec<_> = self
                    .snapshot
                    .requests
                    .values()
                    .filter(|r| r.status == RequestStatus::Pending && r.in_plan)
                    .filter(|r| r.filed_by != Self::mandate(r.kind))
                    .cloned()
                    .collect();
                let request = pending.choose(&mut self.rng)?.clone();
                let decision = DecisionBody {
                    decision: Decision::Approve,
                    reason: None,
                };
                Some(Move {
                    step,
                    actor: Self::mandate(request.kind).into(),
                    call: Call::Decide {
                        request_id: request.id,
                        body: decision,
                        version: request.version,
                    },
                })
            }
            Step::Term => {
                // A colleague with the mandate keeps the clock: asks an
                // applicant for information, records that it came, extends
                // a term once; the administration records a notice of
                // default that arrived by post.
                let today = local_date(now);
                let pending: Vec<Request> = self
                    .snapshot
                    .requests
                    .values()
                    .filter(|r| r.status == RequestStatus::Pending)
                    .cloned()
                    .collect();
                let request = pending.choose(&mut self.rng)?.clone();
                let late = now > request.decide_by;
                let (actor, action, body) = if request.term.open_suspension().is_some() {
                    let completed_on = request
                        .term
                        .open_suspension()
                        .map(|s| today.min(s.complete_by).max(s.asked_on));
                    (
                        Self::mandate(request.kind),
                        "resumption",
                        serde_json::json!({ "completed_on": completed_on }),
                    )
                } else if late {
                    if request.term.default_notice.is_some() {
                        return None;
                    }
                    (
                        "admin-2",
                        "default-notice",
                        serde_json::json!({ "received_on": today }),
                    )
                } else if request.term.extension.is_none() && self.rng.random_bool(0.3) {
                    (
                        Self::mandate(request.kind),
                        "extension",
                        serde_json::json!({"weeks": 2, "reason": "advies van een deskundige nodig"}),
                    )
                } else {
                    (
                        Self::mandate(request.kind),
                        "suspension",
                        serde_json::json!({
                            "complete_by": today + chrono::Days::new(14),
                            "note": "aanvullende gegevens gevraagd",
                        }),
                    )
                };
                Some(Move {
                    step,
                    actor: actor.into(),
                    call: Call::Request {
                        request_id: request.id,
                        action,
                        body,
                        version: request.version,
                    },
                })
            }
            Step::FollowUp => {
                // The colleague procesregisseur makes a follow-up whose day
                // has come: mostly all well.
                let today = local_date(now);
                let due: Vec<Case> = self
                    .snapshot
                    .cases
                    .values()
                    .filter(|c| c.status == CaseStatus::Waakvlam)
                    .filter(|c| c.waakvlam_until.is_some_and(|until| until <= today))
                    .cloned()
                    .collect();
                let case = due.choose(&mut self.rng)?.clone();
                let body =
                    serde_json::json!({"result": "all_well", "note": "nacontact: het gaat goed"});
                Some(case_move(
                    Self::regisseur(case.domain).into(),
                    &case,
                    "waakvlam/followup",
                    body,
                ))
            }
            Step::Escalate => {
                let case = self.pick_case(|c| c.stuck_reported && !c.escalated)?;
                let reason = ReasonBody {
                    reason: Some(
                        demo::escalation_reason(&mut self.rng, case.domain, &case.risk_flags)
                            .into(),
                    ),
                };
                Some(case_move(
                    Self::regisseur(case.domain).into(),
                    &case,
                    "escalate",
                    body(&reason),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::boards::Delta;
    use crate::domain::lifecycle;
    use crate::domain::norms::Norms;
    use crate::domain::permissions::{CaseAction, TermAction};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// A simulator that has observed the demo municipality of `now`.
    fn observed(now: DateTime<Utc>) -> Simulator {
        let seed = demo::build(now, &Norms::default());
        let households = seed.households.iter().map(|h| h.id).collect();
        let mut simulator = Simulator::new(
            "http://127.0.0.1:9",
            Clock::Frozen(now),
            Calendar::dutch(),
            households,
            7,
        );
        simulator.snapshot.apply(Delta {
            removed_cases: vec![],
            cases: seed.cases,
            requests: seed.requests,
            people: seed.people,
            absences: Default::default(),
            reminders: None,
        });
        simulator
    }

    fn moves(simulator: &mut Simulator, now: DateTime<Utc>, n: usize) -> Vec<Move> {
        (0..n).filter_map(|_| simulator.next_move(now)).collect()
    }

    #[test]
    fn the_bots_never_act_as_a_login_of_the_demo_desk() {
        let now = at("2026-11-24T13:30:00Z"); // Tuesday afternoon
        let mut simulator = observed(now).leaving_alone("cr-05");
        let played = moves(&mut simulator, now, 3000);
        let desk_logins: Vec<String> = demo::people()
            .into_iter()
            .map(|p| p.login)
            .filter(|l| !demo::COLLEAGUES.contains(&l.as_str()))
            .collect();
        let mut steps = HashSet::new();
        for played in &played {
            steps.insert(format!("{:?}", played.step));
            assert_ne!(played.actor, "cr-05", "the user at the desk: {played:?}");
            let casusregisseur_step = matches!(
                played.step,
                Step::Contact
                    | Step::Plan
                    | Step::Activity
                    | Step::Stuck
                    | Step::FileRequest
                    | Step::Close
            );
            if casusregisseur_step {
                // Only a casusregisseur may record these: the case's own.
                let case_id = match &played.call {
                    Call::Case { case_id, .. } | Call::FileRequest { case_id, .. } => *case_id,
                    other => panic!("{other:?}"),
                };
                let case = &simulator.snapshot.cases[&case_id];
                assert_eq!(case.casusregisseur.as_deref(), Some(played.actor.as_str()));
                assert_eq!(
                    simulator.snapshot.people[&played.actor].role,
                    Role::Casusregisseur
                );
            } else {
                assert!(
                    demo::COLLEAGUES.contains(&played.actor.as_str())
                        && !desk_logins.contains(&played.actor),
                    "{played:?}"
                );
            }
        }
        assert_eq!(steps.len(), STEPS.len(), "every kind of step: {steps:?}");
    }

    /// Every move is one the API would allow its actor.
    #[test]
    fn the_bots_play_by_the_rules() {
        let now = at("2026-11-24T13:30:00Z");
        let mut simulator = observed(now);
        let played = moves(&mut simulator, now, 2000);
        // The law's clock and the waakvlam are played too.
        assert!(
            played
                .iter()
                .any(|m| matches!(m.call, Call::Request { .. }))
        );
        assert!(played.iter().any(|m| m.step == Step::FollowUp));
        for played in played {
            let actor = &simulator.snapshot.people[&played.actor];
            let allowed = match &played.call {
                Call::Refer(_) => permissions::may_refer(actor),
                Call::Case {
                    case_id, action, ..
                } => {
                    let action = match *action {
                        "assign" => CaseAction::Assign,
                        "contact" => CaseAction::RecordContact,
                        "plan" => CaseAction::RecordPlan,
                        "activity" => CaseAction::RecordActivity,
                        "stuck" => CaseAction::ReportStuck,
                        "close" => CaseAction::Close,
                        "escalate" => CaseAction::Escalate,
                        "waakvlam/followup" => CaseAction::RecordFollowUp,
                        other => panic!("unknown action {other}"),
                    };
                    let case = &simulator.snapshot.cases[case_id];
                    permissions::may_act_on_case(actor, action, case)
                }
                Call::FileRequest { case_id, .. } => permissions::may_act_on_case(
                    actor,
                    CaseAction::FileRequest,
                    &simulator.snapshot.cases[case_id],
                ),
                Call::Decide { request_id, .. } => {
                    permissions::may_decide(actor, &simulator.snapshot.requests[request_id])
                }
                Call::Request {
                    request_id,
                    action,
                    body,
                    ..
                } => {
                    let request = &simulator.snapshot.requests[request_id];
                    let case = &simulator.snapshot.cases[&request.case_id];
                    let norms = Norms::default();
                    let day = |field: &str| {
                        body[field]
                            .as_str()
                            .map(|d| d.parse::<chrono::NaiveDate>().unwrap())
                    };
                    // What the server would do with it: allowed, and by
                    // the law's rules for the state the bot saw.
                    let (what, lawful) = match *action {
                        "suspension" => (
                            TermAction::Suspend,
                            lifecycle::suspend(
                                request,
                                case,
                                actor,
                                None,
                                day("complete_by").unwrap(),
                                body["note"].as_str(),
                                now,
                                &norms,
                            ),
                        ),
                        "resumption" => (
                            TermAction::Resume,
                            lifecycle::resume(
                                request,
                                case,
                                actor,
                                day("completed_on"),
                                now,
                                &norms,
                            ),
                        ),
                        "extension" => (
                            TermAction::Extend,
                            lifecycle::extend(
                                request,
                                case,
                                actor,
                                2,
                                None,
                                body["reason"].as_str(),
                                now,
                                &norms,
                            ),
                        ),
                        "default-notice" => (
                            TermAction::RecordDefaultNotice,
                            lifecycle::record_default_notice(
                                request,
                                case,
                                actor,
                                day("received_on").unwrap(),
                                now,
                                &norms,
                            ),
                        ),
                        other => panic!("unknown term action {other}"),
                    };
                    assert!(lawful.is_ok(), "{played:?}: {lawful:?}");
                    permissions::may_move_term(actor, what, request, case)
                }
            };
            assert!(allowed.is_ok(), "{played:?}: {allowed:?}");
        }
    }

    #[test]
    fn outside_office_hours_only_referrals_come_in() {
        for moment in [
            "2026-11-24T21:00:00Z", // Tuesday 22:00
            "2026-11-28T10:00:00Z", // Saturday
            "2026-12-25T10:00:00Z", // Eerste Kerstdag
            "2026-11-25T06:30:00Z", // Wednesday 07:30
        ] {
            let now = at(moment);
            let mut simulator = observed(now);
            let played = moves(&mut simulator, now, 300);
            assert!(!played.is_empty(), "{moment}: referrals still come in");
            for played in played {
                let Call::Refer(body) = &played.call else {
                    panic!("{moment}: staff at work: {played:?}");
                };
                assert!(AROUND_THE_CLOCK.contains(&body.source), "{body:?}");
                assert_eq!(played.actor, INTAKE);
            }
        }
    }
}
