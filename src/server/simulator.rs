//! The demo's live activity. Bots play the demo staff through the case
//! API itself (so every rule, version check and audit entry applies):
//! referrals arrive, get assigned, contacted and planned, requests are
//! filed and sometimes decided, cases get stuck, are escalated and close.
//! Only `regiedesk demo` and `regiedesk serve --demo --simulate` run it.

use std::collections::HashMap;
use std::time::Duration;

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
use crate::domain::calendar::local_date;
use crate::domain::model::{
    Case, CaseDomain, CloseResult, Decision, RequestKind, RequestStatus, RiskFlag, Role, Source,
};
use crate::domain::permissions;

/// What one step of the simulator did, for the log (numbers only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
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
}

const STEPS: [(Step, u32); 10] = [
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
];

pub struct Simulator {
    base: String,
    clock: Clock,
    households: Vec<i64>,
    rng: ChaCha8Rng,
    snapshot: Snapshot,
    cursor: Option<String>,
    clients: HashMap<String, ApiClient>,
}

impl Simulator {
    pub fn new(base: &str, clock: Clock, households: Vec<i64>, seed: u64) -> Self {
        Self {
            base: base.to_string(),
            clock,
            households,
            rng: ChaCha8Rng::seed_from_u64(seed),
            snapshot: Snapshot::default(),
            cursor: None,
            clients: HashMap::new(),
        }
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

    /// Brings the bots' picture of the municipality up to date (as the
    /// doorzettingsmacht regisseur, who sees every case).
    async fn observe(&mut self) -> Result<(), ApiFailure> {
        let observer = self.client("pr-dzm");
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

    fn regisseur(domain: CaseDomain) -> &'static str {
        match domain {
            CaseDomain::Jeugd => "pr-jeugd",
            CaseDomain::Volwassenen => "pr-volw",
        }
    }

    pub async fn step(&mut self) -> Result<(), ApiFailure> {
        self.observe().await?;
        let step = STEPS
            .choose_weighted(&mut self.rng, |(_, w)| *w)
            .map(|(s, _)| *s)
            .expect("weights");
        let note = Some("voortgang besproken".to_string());
        match step {
            Step::Refer => {
                let busy: std::collections::HashSet<i64> = self
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
                let Some(&household_id) = free.choose(&mut self.rng) else {
                    return Ok(());
                };
                let domain = if self.rng.random_bool(0.6) {
                    CaseDomain::Jeugd
                } else {
                    CaseDomain::Volwassenen
                };
                let source = *Source::ALL.choose(&mut self.rng).expect("sources");
                let risk_flags = if self.rng.random_bool(0.15) {
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
                self.client(Self::regisseur(domain)).refer(&body).await?;
            }
            Step::Assign => {
                let Some(case) = self.pick_case(|c| c.casusregisseur.is_none()) else {
                    return Ok(());
                };
                let mut holders: Vec<(usize, String)> = self
                    .snapshot
                    .people
                    .values()
                    .filter(|p| p.active && permissions::may_hold_cases(p))
                    .filter(|p| p.role == Role::Casusregisseur)
                    .map(|p| {
                        let open = self
                            .snapshot
                            .cases
                            .values()
                            .filter(|c| {
                                c.is_open() && c.casusregisseur.as_deref() == Some(&p.login)
                            })
                            .count();
                        (open, p.login.clone())
                    })
                    .collect();
                holders.sort();
                let Some((_, to)) = holders.first().cloned() else {
                    return Ok(());
                };
                let body = AssignBody {
                    casusregisseur: to,
                    reason: None,
                };
                self.client(Self::regisseur(case.domain))
                    .case_action(case.id, "assign", &body, case.version)
                    .await?;
            }
            Step::Contact | Step::Plan | Step::Activity | Step::Stuck | Step::FileRequest => {
                let wanted = move |c: &Case| match step {
                    Step::Contact => c.casusregisseur.is_some() && c.first_contact_at.is_none(),
                    Step::Plan => c.first_contact_at.is_some() && c.plan_at.is_none(),
                    Step::Stuck => c.casusregisseur.is_some() && !c.stuck_reported && !c.escalated,
                    _ => c.plan_at.is_some(),
                };
                let Some(case) = self.pick_case(wanted) else {
                    return Ok(());
                };
                let holder = self.client(case.casusregisseur.as_deref().expect("assigned"));
                match step {
                    Step::Contact => {
                        holder
                            .case_action(case.id, "contact", &ContactBody::default(), case.version)
                            .await?;
                    }
                    Step::Plan => {
                        let body = NoteBody {
                            note: Some("gezinsplan vastgesteld".into()),
                        };
                        holder
                            .case_action(case.id, "plan", &body, case.version)
                            .await?;
                    }
                    Step::Activity => {
                        holder
                            .case_action(case.id, "activity", &NoteBody { note }, case.version)
                            .await?;
                    }
                    Step::Stuck => {
                        let body = NoteBody {
                            note: Some("partijen komen niet tot overeenstemming".into()),
                        };
                        holder
                            .case_action(case.id, "stuck", &body, case.version)
                            .await?;
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
                        let body = NewRequestBody {
                            kind,
                            provision: provisions.choose(&mut self.rng).map(|p| p.to_string()),
                            motivation: Some(
                                "Het plan vraagt specialistische ondersteuning.".into(),
                            ),
                            in_plan: self.rng.random_bool(0.9),
                        };
                        holder.file_request(case.id, &body, case.version).await?;
                    }
                }
            }
            Step::Decide => {
                let pending: Vec<_> = self
                    .snapshot
                    .requests
                    .values()
                    .filter(|r| r.status == RequestStatus::Pending && r.in_plan)
                    .cloned()
                    .collect();
                let Some(request) = pending.choose(&mut self.rng).cloned() else {
                    return Ok(());
                };
                // Someone other than the user at the desk decides now and
                // then; most requests wait for the desk.
                let decider = match request.kind {
                    RequestKind::Jeugdhulp => "pr-dzm",
                    RequestKind::WmoMaatwerk => "consulent",
                };
                let body = DecisionBody {
                    decision: Decision::Approve,
                    reason: None,
                };
                self.client(decider)
                    .decide(request.id, &body, request.version)
                    .await?;
            }
            Step::Escalate => {
                let Some(case) = self.pick_case(|c| c.stuck_reported && !c.escalated) else {
                    return Ok(());
                };
                let body = ReasonBody {
                    reason: Some("vastgelopen; doorzettingsmacht nodig".into()),
                };
                self.client(Self::regisseur(case.domain))
                    .case_action(case.id, "escalate", &body, case.version)
                    .await?;
            }
            Step::Close => {
                let Some(case) = self.pick_case(|c| c.plan_at.is_some() && !c.escalated) else {
                    return Ok(());
                };
                let waakvlam = self.rng.random_bool(0.3);
                let body = CloseBody {
                    result: CloseResult::GoalsMet,
                    waakvlam_until: waakvlam
                        .then(|| local_date(self.clock.now()) + chrono::Days::new(90)),
                };
                let holder = self.client(case.casusregisseur.as_deref().expect("assigned"));
                holder
                    .case_action(case.id, "close", &body, case.version)
                    .await?;
            }
        }
        tracing::debug!(?step, "simulator step");
        Ok(())
    }
}
