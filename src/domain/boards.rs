//! The boards as plain data: what each board shows, derived from a snapshot
//! of the cases, requests and people a desk has synced.
//!
//! The desk keeps one [`Snapshot`] and an [`Index`] of derived facts per
//! case. A delta touches only the cases it carries; everything else is
//! recomputed only when the local date changes (every norm ends at the end
//! of a day, so lateness can change only then). Rows are built from the
//! index, never from a rescan of every case on every frame.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::absence::Absence;
use super::calendar::local_date;
use super::model::{
    Case, CaseDomain, CaseStatus, CloseResult, Login, Person, Request, RequestKind, RequestStatus,
    RiskFlag, Role,
};
use super::norms::{Norms, Stagnation, StagnationKind};
use super::permissions;
use super::term::Clock;

/// Everything a desk knows, as the API last said it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub cases: BTreeMap<i64, Case>,
    pub requests: BTreeMap<i64, Request>,
    pub people: BTreeMap<Login, Person>,
    /// Each person's absences, as the API last listed them.
    pub absences: BTreeMap<Login, Vec<Absence>>,
    /// The user's own open reminders, by case (see `domain::note`).
    pub reminders: BTreeMap<i64, Vec<crate::domain::note::Reminder>>,
    /// The ids of each case's requests, kept by [`Snapshot::apply`], so
    /// nothing that concerns one case scans every request.
    requests_by_case: HashMap<i64, BTreeSet<i64>>,
}

/// One sync delta, in the order the API asks for: removals first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delta {
    pub removed_cases: Vec<i64>,
    pub cases: Vec<Case>,
    pub requests: Vec<Request>,
    pub people: Vec<Person>,
    /// For a person in the delta: all their absences (replacing what was
    /// held; an empty list when none).
    pub absences: BTreeMap<Login, Vec<Absence>>,
    /// The user's own open reminders, all of them (replacing what was
    /// held), when the sync carried them.
    pub reminders: Option<Vec<crate::domain::note::Reminder>>,
}

impl Snapshot {
    /// Applies a delta; returns the ids of the cases whose facts changed.
    pub fn apply(&mut self, delta: Delta) -> Vec<i64> {
        let mut touched = Vec::new();
        for id in delta.removed_cases {
            self.cases.remove(&id);
            for request in self.requests_by_case.remove(&id).unwrap_or_default() {
                self.requests.remove(&request);
            }
            touched.push(id);
        }
        for case in delta.cases {
            touched.push(case.id);
            self.cases.insert(case.id, case);
        }
        for request in delta.requests {
            touched.push(request.case_id);
            if let Some(before) = self.requests.get(&request.id)
                && before.case_id != request.case_id
                && let Some(ids) = self.requests_by_case.get_mut(&before.case_id)
            {
                ids.remove(&request.id);
                touched.push(before.case_id);
            }
            self.requests_by_case
                .entry(request.case_id)
                .or_default()
                .insert(request.id);
            self.requests.insert(request.id, request);
        }
        for person in delta.people {
            self.people.insert(person.login.clone(), person);
        }
        for (login, absences) in delta.absences {
            // Whether their cases fall due while they are away changed.
            if self.absences_of(&login) != absences.as_slice() {
                touched.extend(
                    self.cases
                        .values()
                        .filter(|c| c.casusregisseur.as_deref() == Some(login.as_str()))
                        .map(|c| c.id),
                );
            }
            if absences.is_empty() {
                self.absences.remove(&login);
            } else {
                self.absences.insert(login, absences);
            }
        }
        if let Some(reminders) = delta.reminders {
            // The cases that had a reminder, and those that have one now.
            touched.extend(self.reminders.keys().copied());
            self.reminders.clear();
            for reminder in reminders {
                touched.push(reminder.case_id);
                self.reminders
                    .entry(reminder.case_id)
                    .or_default()
                    .push(reminder);
            }
        }
        touched.sort_unstable();
        touched.dedup();
        touched
    }

    /// A case's requests, by id.
    pub fn requests_of(&self, case_id: i64) -> impl Iterator<Item = &Request> {
        self.requests_by_case
            .get(&case_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.requests.get(id))
    }

    /// The absences of `login` (none: an empty slice).
    pub fn absences_of(&self, login: &str) -> &[Absence] {
        self.absences.get(login).map_or(&[], Vec::as_slice)
    }

    /// Everyone's absences.
    pub fn all_absences(&self) -> Vec<&Absence> {
        self.absences.values().flatten().collect()
    }

    pub fn name_of(&self, login: &str) -> String {
        self.people
            .get(login)
            .map_or_else(|| login.to_string(), |p| p.display_name.clone())
    }
}

/// The part of the municipality a procesregisseur chose to look at: the
/// case domains on their boards (empty: every domain).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    pub domains: Vec<CaseDomain>,
}

impl Focus {
    pub fn includes(&self, case: &Case) -> bool {
        self.domains.is_empty() || self.domains.contains(&case.domain)
    }
}

/// What the boards need to know about one open case.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CaseFacts {
    stagnation: Vec<Stagnation>,
    high_risk: bool,
    /// The holder's last day away, when something falls due on the case
    /// while they are (see [`holder_away`]).
    holder_away: Option<NaiveDate>,
}

/// Derived facts per open case, kept up to date incrementally.
#[derive(Debug, Clone, Default)]
pub struct Index {
    facts: HashMap<i64, CaseFacts>,
    /// The local date the facts were computed for.
    day: Option<NaiveDate>,
}

impl Index {
    /// Brings the index up to date: only `touched` cases, unless the local
    /// date changed since the last refresh, then all of them. Returns
    /// whether it recomputed all of them.
    pub fn refresh(
        &mut self,
        snapshot: &Snapshot,
        touched: &[i64],
        norms: &Norms,
        now: DateTime<Utc>,
    ) -> bool {
        let today = local_date(now);
        if self.day != Some(today) {
            self.day = Some(today);
            self.facts.clear();
            let ids: Vec<i64> = snapshot.cases.keys().copied().collect();
            self.update(snapshot, &ids, norms, now);
            true
        } else {
            self.update(snapshot, touched, norms, now);
            false
        }
    }

    fn update(&mut self, snapshot: &Snapshot, ids: &[i64], norms: &Norms, now: DateTime<Utc>) {
        for id in ids {
            // Open cases, and cases in waakvlam (whose follow-up can be late).
            match snapshot
                .cases
                .get(id)
                .filter(|c| c.is_open() || c.status == CaseStatus::Waakvlam)
            {
                Some(case) => {
                    let requests: Vec<Request> = snapshot.requests_of(*id).cloned().collect();
                    let requests = requests.as_slice();
                    let holder_away = case.casusregisseur.as_deref().and_then(|holder| {
                        let requests: Vec<&Request> = requests.iter().collect();
                        holder_away(case, &requests, snapshot.absences_of(holder), norms, now)
                    });
                    let mut stagnation = norms.stagnation(case, requests, now);
                    if let Some(reminders) = snapshot.reminders.get(id) {
                        stagnation.extend(norms.reminders_due(reminders, now));
                    }
                    self.facts.insert(
                        *id,
                        CaseFacts {
                            stagnation,
                            high_risk: case.is_high_risk(),
                            holder_away,
                        },
                    );
                }
                None => {
                    self.facts.remove(id);
                }
            }
        }
    }

    /// The ways an open case (or one in waakvlam) stagnates, as of the
    /// last refresh.
    /// The local date the facts were computed for.
    pub fn day(&self) -> Option<NaiveDate> {
        self.day
    }

    pub fn stagnation_of(&self, case_id: i64) -> &[Stagnation] {
        self.facts
            .get(&case_id)
            .map_or(&[], |f| f.stagnation.as_slice())
    }

    /// The holder's last day away, when something falls due on the case
    /// while they are: "regisseur afwezig".
    pub fn holder_away(&self, case_id: i64) -> Option<NaiveDate> {
        self.facts.get(&case_id).and_then(|f| f.holder_away)
    }
}

/// The last day away of `case`'s holder, when something falls due on it
/// while they are away: now or in their next absence. Away today, what is
/// already late counts too (someone must do it now); a coming absence
/// counts what falls due from its first day.
pub fn holder_away(
    case: &Case,
    requests: &[&Request],
    absences: &[Absence],
    norms: &Norms,
    now: DateTime<Utc>,
) -> Option<NaiveDate> {
    let today = local_date(now);
    let absence = super::absence::current_or_next(absences, today)?;
    let due = super::absence::due_by(case, requests, norms, absence.until);
    let away_now = absence.covers(today);
    due.iter()
        .any(|(_, day)| away_now || *day >= absence.from)
        .then_some(absence.until)
}

/// One row of the caseload board: a casusregisseur and their load, with
/// how many of their open cases show each face of stagnation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseloadRow {
    /// `None` for the row of unassigned referrals.
    pub login: Option<Login>,
    pub name: String,
    pub organisation: String,
    pub specialism: Option<String>,
    pub open: u32,
    pub capacity: Option<u32>,
    /// Open cases whose first contact is past the norm.
    pub first_contact_late: u32,
    pub no_plan: u32,
    pub no_activity: u32,
    pub stuck: u32,
    /// Pending requests past their legal decision term.
    pub decision_late: u32,
    pub high_risk: u32,
    /// Open cases whose evaluation of the goals is late.
    pub evaluation_late: u32,
    /// Open cases with a goal off track.
    pub off_track: u32,
    /// The running goals of their open cases, and of those the ones not
    /// off track: the share of their goals on course.
    pub goals_running: u32,
    pub goals_on_course: u32,
}

/// How many signal counts a case adds to its holder's caseload row.
pub const SIGNAL_COUNTS: usize = 10;

impl CaseloadRow {
    /// Load as a fraction of capacity (0 when no capacity is set).
    pub fn load(&self) -> f64 {
        match self.capacity {
            Some(c) if c > 0 => f64::from(self.open) / f64::from(c),
            _ => 0.0,
        }
    }

    /// Open cases beyond capacity (0 when within it or none is set).
    pub fn over_capacity(&self) -> u32 {
        self.capacity.map_or(0, |c| self.open.saturating_sub(c))
    }

    pub(crate) fn empty(login: Option<Login>, name: String, organisation: String) -> Self {
        CaseloadRow {
            login,
            name,
            organisation,
            specialism: None,
            open: 0,
            capacity: None,
            first_contact_late: 0,
            no_plan: 0,
            no_activity: 0,
            stuck: 0,
            decision_late: 0,
            high_risk: 0,
            evaluation_late: 0,
            off_track: 0,
            goals_running: 0,
            goals_on_course: 0,
        }
    }

    /// A member of staff's row before any case is counted.
    pub(crate) fn of_person(person: &Person) -> Self {
        let mut row = CaseloadRow::empty(
            Some(person.login.clone()),
            person.display_name.clone(),
            person.organisation.clone(),
        );
        row.specialism = person.specialism.clone();
        row.capacity = person.capacity;
        row
    }

    /// Counts an open case in the load; its signals only when `signals`
    /// (the case is in the focus).
    fn count(&mut self, case: &Case, index: &Index, signals: bool) {
        self.open += 1;
        if signals {
            self.add_signals(signal_counts(case, index), 1);
        }
    }

    /// Adds one case's signal counts, `times` times.
    pub(crate) fn add_signals(&mut self, counts: [u32; SIGNAL_COUNTS], times: u32) {
        let fields = [
            &mut self.first_contact_late,
            &mut self.no_plan,
            &mut self.no_activity,
            &mut self.stuck,
            &mut self.decision_late,
            &mut self.high_risk,
            &mut self.evaluation_late,
            &mut self.off_track,
            &mut self.goals_running,
            &mut self.goals_on_course,
        ];
        for (field, n) in fields.into_iter().zip(counts) {
            *field += n * times;
        }
    }
}

/// What one open case adds to its holder's signal counts on the caseload
/// board: first contact late, no plan, no activity, stuck, decision term
/// passed, high risk, evaluation late, a goal off track.
pub(crate) fn signal_counts(case: &Case, index: &Index) -> [u32; SIGNAL_COUNTS] {
    let stagnation = index.stagnation_of(case.id);
    let has = |kind| stagnation.iter().any(|s| s.kind == kind);
    let running = case.goals.iter().filter(|g| g.is_open());
    let on_course = match index.day {
        Some(today) => running
            .clone()
            .filter(|g| g.off_track(today).is_none())
            .count(),
        None => 0,
    };
    [
        u32::from(has(StagnationKind::FirstContactOverdue)),
        u32::from(has(StagnationKind::NoPlan)),
        u32::from(has(StagnationKind::NoActivity)),
        u32::from(case.stuck_reported),
        u32::from(
            stagnation
                .iter()
                .any(|s| s.kind == StagnationKind::RequestDeadline && s.days_late > 0),
        ),
        u32::from(case.is_high_risk()),
        u32::from(has(StagnationKind::EvaluationLate)),
        u32::from(has(StagnationKind::GoalOffTrack)),
        running.count() as u32,
        on_course as u32,
    ]
}

/// The caseload board: unassigned referrals first, then everyone who holds
/// cases, by organisation and name. A casusregisseur sees only their own
/// row: the sync brings them no one else's cases, so other rows would show
/// a false "0". With a focus, the board lists who holds cases in the
/// focused domains (and who holds none), and counts the signals of those
/// cases only, as Stagnatie does; a person's load stays their whole load,
/// since capacity is for all of it.
pub fn caseload(
    snapshot: &Snapshot,
    index: &Index,
    viewer: &Person,
    focus: &Focus,
) -> Vec<CaseloadRow> {
    let only = (viewer.role == Role::Casusregisseur).then_some(viewer.login.as_str());
    let mut rows: BTreeMap<Option<Login>, CaseloadRow> = BTreeMap::new();
    for person in snapshot
        .people
        .values()
        .filter(|p| p.active && p.capacity.is_some())
        .filter(|p| only.is_none_or(|login| p.login == login))
    {
        rows.insert(Some(person.login.clone()), CaseloadRow::of_person(person));
    }
    let mut in_focus: BTreeMap<Option<Login>, bool> = BTreeMap::new();
    for case in snapshot.cases.values().filter(|c| c.is_open()) {
        if only.is_some() && case.casusregisseur.as_deref() != only {
            continue;
        }
        let focused = focus.includes(case);
        // Unassigned referrals outside the focus are someone else's work.
        if case.casusregisseur.is_none() && !focused {
            continue;
        }
        *in_focus.entry(case.casusregisseur.clone()).or_default() |= focused;
        rows.entry(case.casusregisseur.clone())
            .or_insert_with(|| {
                CaseloadRow::empty(
                    case.casusregisseur.clone(),
                    case.casusregisseur
                        .as_deref()
                        .map_or_else(|| "niet toegewezen".to_string(), |l| snapshot.name_of(l)),
                    case.organisation.clone().unwrap_or_default(),
                )
            })
            .count(case, index, focused);
    }
    let mut rows: Vec<CaseloadRow> = rows
        .into_values()
        .filter(|r| r.open == 0 || in_focus.get(&r.login).copied().unwrap_or(false))
        .collect();
    rows.sort_by(caseload_order);
    rows
}

/// Caseload's order: the unassigned row first, then per organisation by
/// name. (Shared with the rows kept up to date in `live`.)
pub fn caseload_order(a: &CaseloadRow, b: &CaseloadRow) -> std::cmp::Ordering {
    (a.login.is_some(), &a.organisation, &a.name).cmp(&(
        b.login.is_some(),
        &b.organisation,
        &b.name,
    ))
}

/// The open cases of one casusregisseur (`None`: the unassigned ones), for
/// the caseload drill-down: most worrying first.
/// Every open case is listed, also outside the focus: this is the whole
/// load of one person.
pub fn cases_of<'a>(snapshot: &'a Snapshot, index: &Index, login: Option<&str>) -> Vec<&'a Case> {
    let mut cases: Vec<&Case> = snapshot
        .cases
        .values()
        .filter(|c| c.is_open() && c.casusregisseur.as_deref() == login)
        .collect();
    let worst = |c: &Case| {
        (
            worst_first(index.stagnation_of(c.id), c.is_high_risk()),
            c.referred_at,
        )
    };
    cases.sort_by(|a, b| worst(a).cmp(&worst(b)).then(a.number.cmp(&b.number)));
    cases
}

/// How bad a face of stagnation is, most severe first. The order is the
/// desk's judgement of what hurts a household or the municipality most,
/// child safety first (DOMAIN.md, Risk and escalation): a high-risk
/// household nobody has reached (nobody holds it, or its first contact is
/// late), since an unseen domestic-violence household costs more than a
/// late decision; a legal decision term that has passed (the household
/// waits for care it may be owed, and the municipality is in default); a
/// household still waiting for its first contact or for anyone at all; a decision term about to pass; a casusregisseur who says
/// the case is stuck; no plan long after first contact; no recorded
/// activity for a long time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    HighRiskUnreached,
    DecisionOverdue,
    HouseholdWaiting,
    DecisionDue,
    Stuck,
    NoPlan,
    /// The plan's evaluation is late: the plan's own cycle, a process
    /// norm like "no plan", after it.
    EvaluationLate,
    NoActivity,
    /// A goal is off track: what the help achieves, for steering; never
    /// more urgent than a household waiting, the law's terms or the
    /// process norms, before the broken promise of a waakvlam.
    GoalOffTrack,
    /// A closed household's waakvlam follow-up is past its date: no one
    /// waits for help now, but the promise to look again is broken.
    WaakvlamOverdue,
    /// The user's own reminder: what they planned to do, after everything
    /// the norms and the law ask.
    Reminder,
}

impl Severity {
    pub const ALL: [Severity; 11] = [
        Severity::HighRiskUnreached,
        Severity::DecisionOverdue,
        Severity::HouseholdWaiting,
        Severity::DecisionDue,
        Severity::Stuck,
        Severity::NoPlan,
        Severity::EvaluationLate,
        Severity::NoActivity,
        Severity::GoalOffTrack,
        Severity::WaakvlamOverdue,
        Severity::Reminder,
    ];
}

/// The severity of one face of stagnation of a case.
pub fn severity(stagnation: &Stagnation, high_risk: bool) -> Severity {
    match stagnation.kind {
        StagnationKind::RequestDeadline if stagnation.days_late > 0 => Severity::DecisionOverdue,
        StagnationKind::RequestDeadline => Severity::DecisionDue,
        StagnationKind::Unassigned | StagnationKind::FirstContactOverdue if high_risk => {
            Severity::HighRiskUnreached
        }
        // A melding whose onderzoek is late: the household waits for the
        // municipality, as for a first contact.
        StagnationKind::Unassigned
        | StagnationKind::FirstContactOverdue
        | StagnationKind::OnderzoekOverdue => Severity::HouseholdWaiting,
        StagnationKind::Stuck => Severity::Stuck,
        StagnationKind::NoPlan => Severity::NoPlan,
        StagnationKind::NoActivity => Severity::NoActivity,
        StagnationKind::EvaluationLate => Severity::EvaluationLate,
        StagnationKind::GoalOffTrack => Severity::GoalOffTrack,
        StagnationKind::WaakvlamOverdue => Severity::WaakvlamOverdue,
        StagnationKind::Reminder => Severity::Reminder,
    }
}

/// See `worst_first`: severity, a household waiting without high risk,
/// minus the days late, not high risk.
pub(crate) type WorstFirst = (Severity, bool, i64, bool);

/// The sort key that puts the worst case first, on every board: its most
/// severe face, then (for a household waiting) high risk before the rest,
/// then the longest past that norm, then high risk before the rest. Cases
/// that do not stagnate come last.
fn worst_first(stagnation: &[Stagnation], high_risk: bool) -> WorstFirst {
    let worst = stagnation
        .iter()
        .map(|s| (severity(s, high_risk), -s.days_late))
        .min()
        .unwrap_or((Severity::WaakvlamOverdue, i64::MAX));
    let waiting_safe = worst.0 == Severity::HouseholdWaiting && !high_risk;
    (worst.0, waiting_safe, worst.1, !high_risk)
}

/// One row of the stagnation board: a case and every way it stagnates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StagnationRow {
    pub case_id: i64,
    pub number: String,
    pub pseudonym: String,
    pub domain: CaseDomain,
    /// Every face, most severe first.
    pub signals: Vec<Signal>,
    pub casusregisseur: Option<Login>,
    pub organisation: Option<String>,
    pub risk_flags: Vec<RiskFlag>,
    pub high_risk: bool,
    /// The holder's last day away, when something falls due while they
    /// are: "regisseur afwezig". Not exported: staff absence is no
    /// business of a board's export.
    #[serde(skip)]
    pub holder_away: Option<NaiveDate>,
}

/// One face of stagnation of a case, with how bad it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub kind: StagnationKind,
    pub severity: Severity,
    pub request_id: Option<i64>,
    /// Counted days past the norm (0 = due today, negative = days left).
    pub days_late: i64,
    pub norm_at: DateTime<Utc>,
}

/// The Resultaat view: the stagnating cases whose evaluation is late or
/// whose goal is off track, with those signals only, worst first (a late
/// evaluation before a goal off track, as on Stagnatie; then the longest
/// late; then high risk). What else is wrong with a case is Stagnatie's.
pub fn results(rows: &[StagnationRow]) -> Vec<StagnationRow> {
    let mut results: Vec<StagnationRow> = rows
        .iter()
        .filter_map(|row| {
            let signals: Vec<Signal> = row
                .signals
                .iter()
                .filter(|s| {
                    matches!(
                        s.kind,
                        StagnationKind::EvaluationLate | StagnationKind::GoalOffTrack
                    )
                })
                .cloned()
                .collect();
            (!signals.is_empty()).then(|| StagnationRow {
                signals,
                ..row.clone()
            })
        })
        .collect();
    results.sort_by_key(|row| {
        let worst = row.worst();
        (
            worst.severity,
            std::cmp::Reverse(worst.days_late),
            !row.high_risk,
            row.case_id,
        )
    });
    results
}

impl StagnationRow {
    /// The most severe face; every row has at least one.
    pub fn worst(&self) -> &Signal {
        &self.signals[0]
    }
}

/// The faces of stagnation of a case as signals, most severe first.
pub fn signals(stagnation: &[Stagnation], high_risk: bool) -> Vec<Signal> {
    let mut signals: Vec<Signal> = stagnation
        .iter()
        .map(|s| Signal {
            kind: s.kind,
            severity: severity(s, high_risk),
            request_id: s.request_id,
            days_late: s.days_late,
            norm_at: s.norm_at,
        })
        .collect();
    signals.sort_by(|a, b| {
        (a.severity, -a.days_late, a.kind).cmp(&(b.severity, -b.days_late, b.kind))
    });
    signals
}

/// The stagnation board: one row per stagnant case in focus, worst first
/// by [`Severity`], then lateness, then high risk, then case number.
pub fn stagnation(snapshot: &Snapshot, index: &Index, focus: &Focus) -> Vec<StagnationRow> {
    let mut rows: Vec<StagnationRow> = index
        .facts
        .keys()
        .filter_map(|id| snapshot.cases.get(id))
        .filter_map(|case| stagnation_row(case, index, focus))
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &StagnationRow| worst_first(index.stagnation_of(r.case_id), r.high_risk);
        key(a).cmp(&key(b)).then_with(|| a.number.cmp(&b.number))
    });
    rows
}

/// A case's row on the stagnation board, if it is on it.
pub(crate) fn stagnation_row(case: &Case, index: &Index, focus: &Focus) -> Option<StagnationRow> {
    let facts = index.facts.get(&case.id)?;
    if facts.stagnation.is_empty() || !focus.includes(case) {
        return None;
    }
    Some(StagnationRow {
        case_id: case.id,
        number: case.number.clone(),
        pseudonym: case.pseudonym.clone(),
        domain: case.domain,
        signals: signals(&facts.stagnation, facts.high_risk),
        casusregisseur: case.casusregisseur.clone(),
        organisation: case.organisation.clone(),
        risk_flags: case.risk_flags.clone(),
        high_risk: facts.high_risk,
        holder_away: facts.holder_away,
    })
}

/// Where a case stands on the stagnation board: worst first, then by number.
pub(crate) type StagnationRank = (WorstFirst, String);

pub(crate) fn stagnation_rank(case: &Case, index: &Index) -> StagnationRank {
    let high_risk = index
        .facts
        .get(&case.id)
        .map_or_else(|| case.is_high_risk(), |f| f.high_risk);
    (
        worst_first(index.stagnation_of(case.id), high_risk),
        case.number.clone(),
    )
}

/// Where a case stands in a caseload drill-down.
pub(crate) type CasesOfRank = (WorstFirst, DateTime<Utc>, String);

pub(crate) fn cases_of_rank(case: &Case, index: &Index) -> CasesOfRank {
    (
        worst_first(index.stagnation_of(case.id), case.is_high_risk()),
        case.referred_at,
        case.number.clone(),
    )
}

/// One row of the mandate board: a pending request the viewer may decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MandateRow {
    pub request_id: i64,
    pub number: String,
    pub case_id: i64,
    pub case_number: String,
    pub pseudonym: String,
    pub kind: RequestKind,
    pub provision: String,
    pub motivation: String,
    pub in_plan: bool,
    pub filed_by: Login,
    pub filed_at: DateTime<Utc>,
    pub decide_by: DateTime<Utc>,
    /// Working days until `decide_by`: 0 on the day, negative when past.
    pub days_left: i64,
    /// Where the term stands: running, suspended, late, in default with
    /// the dwangsom owed today.
    pub clock: Clock,
    /// Weeks the term was extended by (verdaging), if it was.
    pub extended_weeks: Option<u32>,
    pub version: i64,
}

/// The mandate board for `viewer`: pending requests they may decide (the
/// mandate matrix, four eyes), nearest deadline first.
pub fn mandate(
    snapshot: &Snapshot,
    viewer: &Person,
    norms: &Norms,
    now: DateTime<Utc>,
    focus: &Focus,
) -> Vec<MandateRow> {
    let mut rows: Vec<MandateRow> = snapshot
        .requests
        .values()
        .filter_map(|r| mandate_row(snapshot, r, viewer, norms, now, focus))
        .collect();
    rows.sort_by(|a, b| a.decide_by.cmp(&b.decide_by).then(a.number.cmp(&b.number)));
    rows
}

/// A request's row on the mandate board of `viewer`, if it is on it.
pub(crate) fn mandate_row(
    snapshot: &Snapshot,
    r: &Request,
    viewer: &Person,
    norms: &Norms,
    now: DateTime<Utc>,
    focus: &Focus,
) -> Option<MandateRow> {
    if r.status != RequestStatus::Pending || permissions::may_decide(viewer, r).is_err() {
        return None;
    }
    let c = snapshot
        .cases
        .get(&r.case_id)
        .filter(|c| c.is_open() && focus.includes(c))?;
    Some(MandateRow {
        request_id: r.id,
        number: r.number.clone(),
        case_id: c.id,
        case_number: c.number.clone(),
        pseudonym: c.pseudonym.clone(),
        kind: r.kind,
        provision: r.provision.clone(),
        motivation: r.motivation.clone(),
        in_plan: r.in_plan,
        filed_by: r.filed_by.clone(),
        filed_at: r.filed_at,
        decide_by: r.decide_by,
        days_left: norms.working_days_left(r.decide_by, now),
        clock: Clock::of(r, now, &norms.calendar, &norms.dwangsom),
        extended_weeks: r.term.extension.as_ref().map(|e| e.weeks),
        version: r.version,
    })
}

/// Why a case is on the doorzettingsmacht board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// Someone escalated it.
    Escalated,
    /// Its casusregisseur reports it stuck (and it is high-risk).
    Stuck,
    /// High-risk and stagnating by the norms.
    HighRiskStagnant,
}

/// One row of the doorzettingsmacht board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoorzettingsmachtRow {
    pub case_id: i64,
    pub number: String,
    pub pseudonym: String,
    pub risk_flags: Vec<RiskFlag>,
    /// Every reason it is on the board, in the order of [`Why`].
    pub why: Vec<Why>,
    pub escalated: bool,
    pub escalated_by: Option<Login>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub escalation_reason: Option<String>,
    pub taken_over: bool,
    pub stuck: bool,
    pub casusregisseur: Option<Login>,
}

/// The doorzettingsmacht board: open cases that are escalated, or
/// high-risk and stuck or stagnant. Escalated first, longest escalated
/// first; then the rest by case number.
pub fn doorzettingsmacht(
    snapshot: &Snapshot,
    index: &Index,
    focus: &Focus,
) -> Vec<DoorzettingsmachtRow> {
    let mut rows: Vec<DoorzettingsmachtRow> = snapshot
        .cases
        .values()
        .filter_map(|c| doorzettingsmacht_row(c, index, focus))
        .collect();
    rows.sort_by(|a, b| {
        (!a.escalated, a.escalated_at, &a.number).cmp(&(!b.escalated, b.escalated_at, &b.number))
    });
    rows
}

/// A case's row on the doorzettingsmacht board, if it is on it.
pub(crate) fn doorzettingsmacht_row(
    c: &Case,
    index: &Index,
    focus: &Focus,
) -> Option<DoorzettingsmachtRow> {
    if !c.is_open() || !focus.includes(c) {
        return None;
    }
    let high_risk = c.is_high_risk();
    let mut why = Vec::new();
    if c.escalated {
        why.push(Why::Escalated);
    }
    if high_risk && c.stuck_reported {
        why.push(Why::Stuck);
    }
    let stagnant = index
        .stagnation_of(c.id)
        .iter()
        // Neither a reported stuck case (its own reason), the user's own
        // reminder, nor a goal off track (what the help achieves, not the
        // process stalling) makes a high-risk case stall.
        .any(|s| {
            !matches!(
                s.kind,
                StagnationKind::Stuck | StagnationKind::Reminder | StagnationKind::GoalOffTrack
            )
        });
    if high_risk && stagnant {
        why.push(Why::HighRiskStagnant);
    }
    (!why.is_empty()).then(|| DoorzettingsmachtRow {
        case_id: c.id,
        number: c.number.clone(),
        pseudonym: c.pseudonym.clone(),
        risk_flags: c.risk_flags.clone(),
        why,
        escalated: c.escalated,
        escalated_by: c.escalated_by.clone(),
        escalated_at: c.escalated_at,
        escalation_reason: c.escalation_reason.clone(),
        taken_over: c.taken_over,
        stuck: c.stuck_reported,
        casusregisseur: c.casusregisseur.clone(),
    })
}

/// Where a waakvlam follow-up stands: the board lists the overdue ones
/// first, then those due within [`Norms::waakvlam_due_soon_days`] working
/// days, then the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaakvlamUrgency {
    Overdue,
    DueSoon,
    Later,
}

/// One row of the waakvlam board: a household kept in view after its case
/// closed, and when someone should look again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaakvlamRow {
    pub case_id: i64,
    pub number: String,
    pub pseudonym: String,
    pub domain: CaseDomain,
    /// The follow-up date.
    pub waakvlam_until: NaiveDate,
    /// Who makes the follow-up (`None`: nobody yet).
    pub holder: Option<Login>,
    pub close_result: Option<CloseResult>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Working days from today to the follow-up date: 0 on the day,
    /// negative before it, positive once past.
    pub days: i64,
    pub urgency: WaakvlamUrgency,
    pub version: i64,
}

/// The waakvlam board: every case in waakvlam in focus, overdue first,
/// then due soon, then the rest; within each by follow-up date and number.
pub fn waakvlam(
    snapshot: &Snapshot,
    norms: &Norms,
    now: DateTime<Utc>,
    focus: &Focus,
) -> Vec<WaakvlamRow> {
    let mut rows: Vec<WaakvlamRow> = snapshot
        .cases
        .values()
        .filter_map(|c| waakvlam_row(c, norms, now, focus))
        .collect();
    rows.sort_by_key(waakvlam_rank_of);
    rows
}

/// Where a row stands on the waakvlam board.
pub(crate) type WaakvlamRank = (WaakvlamUrgency, NaiveDate, String);

pub(crate) fn waakvlam_rank_of(row: &WaakvlamRow) -> WaakvlamRank {
    (row.urgency, row.waakvlam_until, row.number.clone())
}

/// A case's row on the waakvlam board, if it is in waakvlam and in focus.
pub(crate) fn waakvlam_row(
    c: &Case,
    norms: &Norms,
    now: DateTime<Utc>,
    focus: &Focus,
) -> Option<WaakvlamRow> {
    if c.status != CaseStatus::Waakvlam || !focus.includes(c) {
        return None;
    }
    let until = c.waakvlam_until?;
    let days = norms.waakvlam_days(until, now);
    let urgency = if days > 0 {
        WaakvlamUrgency::Overdue
    } else if days >= -i64::from(norms.waakvlam_due_soon_days) {
        WaakvlamUrgency::DueSoon
    } else {
        WaakvlamUrgency::Later
    };
    Some(WaakvlamRow {
        case_id: c.id,
        number: c.number.clone(),
        pseudonym: c.pseudonym.clone(),
        domain: c.domain,
        waakvlam_until: until,
        holder: c.casusregisseur.clone(),
        close_result: c.close_result,
        closed_at: c.closed_at,
        days,
        urgency,
        version: c.version,
    })
}

/// The board a role lands on.
pub fn landing_board(role: Role) -> Board {
    match role {
        Role::ProcesregisseurDoorzettingsmacht => Board::Doorzettingsmacht,
        Role::Procesmanager => Board::Doorstroom,
        Role::Consulent => Board::Mandaat,
        Role::Casusregisseur => Board::Caseload,
        _ => Board::Stagnatie,
    }
}

/// The boards, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Board {
    Caseload,
    Stagnatie,
    Mandaat,
    Doorzettingsmacht,
    Doorstroom,
    Waakvlam,
}

impl Board {
    pub const ALL: [Board; 6] = [
        Board::Caseload,
        Board::Stagnatie,
        Board::Mandaat,
        Board::Doorzettingsmacht,
        Board::Doorstroom,
        Board::Waakvlam,
    ];

    /// The name used on the command line (`regiedesk export NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Board::Caseload => "caseload",
            Board::Stagnatie => "stagnatie",
            Board::Mandaat => "mandaat",
            Board::Doorzettingsmacht => "doorzettingsmacht",
            Board::Doorstroom => "doorstroom",
            Board::Waakvlam => "waakvlam",
        }
    }

    pub fn from_name(name: &str) -> Option<Board> {
        Board::ALL.into_iter().find(|b| b.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    const NOW: &str = "2026-11-24T13:30:00Z"; // Tuesday

    fn person(login: &str, role: Role, org: &str, capacity: Option<u32>) -> Person {
        Person {
            login: login.into(),
            display_name: format!("Naam {login}"),
            role,
            organisation: org.into(),
            specialism: None,
            capacity,
            active: true,
        }
    }

    fn case(id: i64, holder: Option<&str>) -> Case {
        let household = Household {
            id,
            pseudonym: format!("H-{id:04}"),
            members: 2,
        };
        let mut c = Case::referral(
            id,
            format!("KST-2026-{id:04}"),
            &household,
            CaseDomain::Jeugd,
            Source::Cjg,
            vec![],
            at("2026-11-23T09:00:00Z"),
        );
        if let Some(h) = holder {
            c.status = CaseStatus::Execution;
            c.casusregisseur = Some(h.into());
            c.organisation = Some("Kwadraad".into());
            c.assigned_at = Some(at("2026-11-23T09:00:00Z"));
            c.first_contact_at = Some(at("2026-11-23T10:00:00Z"));
            c.plan_at = Some(at("2026-11-23T11:00:00Z"));
            c.last_activity_at = at("2026-11-23T11:00:00Z");
        }
        c
    }

    fn request(
        id: i64,
        case_id: i64,
        kind: RequestKind,
        filed_by: &str,
        decide_by: &str,
    ) -> Request {
        Request {
            id,
            number: format!("AV-2026-{id:04}"),
            case_id,
            kind,
            provision: "p".into(),
            motivation: "m".into(),
            in_plan: true,
            filed_by: filed_by.into(),
            filed_at: at("2026-11-10T10:00:00Z"),
            decide_by: at(decide_by),
            status: RequestStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            term: Default::default(),
        }
    }

    fn fixture() -> (Snapshot, Index) {
        let mut snapshot = Snapshot::default();
        let mut overdue = case(1, Some("cr-01"));
        overdue.status = CaseStatus::Assigned;
        overdue.first_contact_at = None;
        overdue.plan_at = None;
        overdue.assigned_at = Some(at("2026-11-18T09:00:00Z"));
        overdue.first_contact_due_at = Some(at("2026-11-20T22:59:59Z"));
        overdue.last_activity_at = at("2026-11-18T09:00:00Z");
        let mut stuck = case(2, Some("cr-01"));
        stuck.stuck_reported = true;
        stuck.stuck_reported_at = Some(at("2026-11-23T12:00:00Z"));
        stuck.risk_flags = vec![RiskFlag::ChildSafety];
        let mut unassigned = case(3, None);
        unassigned.referred_at = at("2026-11-19T09:00:00Z");
        let calm = case(4, Some("cr-02"));
        let mut escalated = case(5, Some("cr-02"));
        escalated.escalated = true;
        escalated.escalated_at = Some(at("2026-11-20T09:00:00Z"));
        escalated.escalated_by = Some("pr-jeugd".into());
        let mut closed = case(6, Some("cr-02"));
        closed.status = CaseStatus::Closed;
        closed.closed_at = Some(at("2026-11-20T09:00:00Z"));
        let delta = Delta {
            cases: vec![overdue, stuck, unassigned, calm, escalated, closed],
            requests: vec![
                request(
                    1,
                    4,
                    RequestKind::Jeugdhulp,
                    "cr-02",
                    "2026-11-25T22:59:59Z",
                ),
                request(
                    2,
                    4,
                    RequestKind::WmoMaatwerk,
                    "cr-02",
                    "2026-12-20T22:59:59Z",
                ),
                request(
                    3,
                    5,
                    RequestKind::Jeugdhulp,
                    "pr-jeugd",
                    "2026-11-20T22:59:59Z",
                ),
            ],
            people: vec![
                person("cr-01", Role::Casusregisseur, "MEE", Some(2)),
                person("cr-02", Role::Casusregisseur, "Kwadraad", Some(10)),
                person("cr-03", Role::Casusregisseur, "Kwadraad", Some(10)),
                person("pr-jeugd", Role::ProcesregisseurJeugd, "gemeente", None),
            ],
            removed_cases: vec![],
            absences: Default::default(),
            reminders: None,
        };
        let touched = snapshot.apply(delta);
        let mut index = Index::default();
        index.refresh(&snapshot, &touched, &Norms::default(), at(NOW));
        (snapshot, index)
    }

    fn all() -> Focus {
        Focus::default()
    }

    fn viewer(login: &str, role: Role) -> Person {
        person(login, role, "gemeente", None)
    }

    #[test]
    fn caseload_counts_open_cases_and_every_signal_per_casusregisseur() {
        let (snapshot, index) = fixture();
        let pr = viewer("pr-jeugd", Role::ProcesregisseurJeugd);
        let rows = caseload(&snapshot, &index, &pr, &all());
        let summary: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.login.as_deref(),
                    r.open,
                    r.capacity,
                    [
                        r.first_contact_late,
                        r.no_plan,
                        r.no_activity,
                        r.stuck,
                        r.decision_late,
                        r.high_risk,
                    ],
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (None, 1, None, [0, 0, 0, 0, 0, 0]),
                // Case 5's jeugdhulp request was due on Fri 20 Nov.
                (Some("cr-02"), 2, Some(10), [0, 0, 0, 0, 1, 0]),
                (Some("cr-03"), 0, Some(10), [0, 0, 0, 0, 0, 0]),
                (Some("cr-01"), 2, Some(2), [1, 0, 0, 1, 0, 1]),
            ]
        );
        assert_eq!(rows[3].load(), 1.0);
        assert_eq!(rows[3].over_capacity(), 0);
        assert_eq!(rows[0].name, "niet toegewezen");
    }

    #[test]
    fn a_casusregisseur_sees_only_their_own_caseload_row() {
        let (mut snapshot, mut index) = fixture();
        // What cr-01's sync brings: their own cases, and everyone's names.
        snapshot
            .cases
            .retain(|_, c| c.casusregisseur.as_deref() == Some("cr-01"));
        index.refresh(&snapshot, &[], &Norms::default(), at(NOW));
        let cr = person("cr-01", Role::Casusregisseur, "MEE", Some(2));
        let rows = caseload(&snapshot, &index, &cr, &all());
        assert_eq!(
            rows.iter()
                .map(|r| (r.login.as_deref(), r.open))
                .collect::<Vec<_>>(),
            [(Some("cr-01"), 2)],
            "no colleague with a false 0"
        );
    }

    #[test]
    fn over_capacity_is_a_number() {
        let mut row = CaseloadRow::empty(Some("x".into()), "x".into(), "o".into());
        row.capacity = Some(15);
        row.open = 17;
        assert_eq!(row.over_capacity(), 2);
        row.open = 15;
        assert_eq!(row.over_capacity(), 0);
    }

    #[test]
    fn stagnation_is_one_row_per_case_worst_first_by_severity() {
        let (snapshot, index) = fixture();
        let rows: Vec<_> = stagnation(&snapshot, &index, &all())
            .into_iter()
            .map(|r| {
                (
                    r.case_id,
                    r.signals
                        .iter()
                        .map(|s| (s.severity, s.days_late))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                // The jeugdhulp request of case 5 was due Fri 20 Nov.
                (5, vec![(Severity::DecisionOverdue, 2)]),
                // First contact due Fri 20 Nov: Mon and Tue late; referred
                // Thu 19 Nov, to be assigned by the end of Fri 20. Same
                // severity and lateness: by number.
                (1, vec![(Severity::HouseholdWaiting, 2)]),
                (3, vec![(Severity::HouseholdWaiting, 2)]),
                (4, vec![(Severity::DecisionDue, -1)]),
                (2, vec![(Severity::Stuck, 1)]),
            ]
        );
    }

    #[test]
    fn severity_follows_the_documented_order() {
        let s = |kind, days_late| Stagnation {
            kind,
            case_id: 1,
            request_id: None,
            norm_at: at(NOW),
            days_late,
        };
        use StagnationKind::*;
        let order = [
            severity(&s(Unassigned, 0), true),
            severity(&s(RequestDeadline, 1), false),
            severity(&s(FirstContactOverdue, 30), false),
            severity(&s(RequestDeadline, 0), false),
            severity(&s(Stuck, 40), true),
            severity(&s(NoPlan, 72), false),
            severity(&s(NoActivity, 90), false),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert_eq!(
            severity(&s(Unassigned, 3), false),
            Severity::HouseholdWaiting
        );
        // Child safety first: a high-risk household whose first contact is
        // late has not been reached either.
        assert_eq!(
            severity(&s(FirstContactOverdue, 1), true),
            Severity::HighRiskUnreached
        );
        // Within a household waiting, high risk first, however late the rest.
        assert!(
            worst_first(&[s(OnderzoekOverdue, 1)], true)
                < worst_first(&[s(FirstContactOverdue, 30)], false)
        );
        // A case's signals: most severe first, whatever the lateness.
        let listed = signals(&[s(NoPlan, 72), s(FirstContactOverdue, 1)], false);
        assert_eq!(listed[0].kind, FirstContactOverdue);
    }

    #[test]
    fn a_high_risk_referral_nobody_holds_comes_before_a_passed_decision_term() {
        let (mut snapshot, mut index) = fixture();
        let mut flagged = snapshot.cases[&3].clone();
        flagged.risk_flags = vec![RiskFlag::DomesticViolence, RiskFlag::Justice];
        let touched = snapshot.apply(Delta {
            cases: vec![flagged],
            ..Delta::default()
        });
        index.refresh(&snapshot, &touched, &Norms::default(), at(NOW));
        let order: Vec<i64> = stagnation(&snapshot, &index, &all())
            .iter()
            .map(|r| r.case_id)
            .collect();
        // Case 3 (unassigned, now high risk) before case 5 (a passed
        // decision term): an unseen household costs more than a late
        // decision.
        assert_eq!(order[..3], [3, 5, 1]);
    }

    #[test]
    fn a_focus_limits_every_board_to_its_domains() {
        let (mut snapshot, mut index) = fixture();
        let mut adult = snapshot.cases[&1].clone();
        adult.domain = CaseDomain::Volwassenen;
        let touched = snapshot.apply(Delta {
            cases: vec![adult],
            ..Delta::default()
        });
        index.refresh(&snapshot, &touched, &Norms::default(), at(NOW));
        let jeugd = Focus {
            domains: vec![CaseDomain::Jeugd],
        };
        let ids: Vec<i64> = stagnation(&snapshot, &index, &jeugd)
            .iter()
            .map(|r| r.case_id)
            .collect();
        assert!(!ids.contains(&1) && ids.contains(&3), "{ids:?}");
        let volw = Focus {
            domains: vec![CaseDomain::Volwassenen],
        };
        let ids: Vec<i64> = stagnation(&snapshot, &index, &volw)
            .iter()
            .map(|r| r.case_id)
            .collect();
        assert_eq!(ids, [1]);
        // cr-01 holds case 1 (volwassenen) and case 2 (jeugd): in the
        // volwassenen focus cr-01 is listed with the whole load; cr-02
        // holds only jeugd cases and is not; the jeugd unassigned
        // referral is not either.
        let pr = viewer("pr-volw", Role::ProcesregisseurVolwassenen);
        let rows = caseload(&snapshot, &index, &pr, &volw);
        assert_eq!(
            rows.iter()
                .map(|r| (r.login.as_deref(), r.open))
                .collect::<Vec<_>>(),
            [(Some("cr-03"), 0), (Some("cr-01"), 2)]
        );
        // Its signals are those of the focused cases only: case 1's late
        // first contact, not case 2's stuck report or child-safety flag.
        let cr01 = &rows[1];
        assert_eq!(
            (cr01.first_contact_late, cr01.stuck, cr01.high_risk),
            (1, 0, 0)
        );
        let dzm = person(
            "pr-dzm",
            Role::ProcesregisseurDoorzettingsmacht,
            "gemeente",
            None,
        );
        assert!(mandate(&snapshot, &dzm, &Norms::default(), at(NOW), &volw).is_empty());
    }

    #[test]
    fn mandate_shows_what_the_viewer_may_decide() {
        let (snapshot, _) = fixture();
        let now = at(NOW);
        let norms = Norms::default();
        let jeugd = person("pr-jeugd", Role::ProcesregisseurJeugd, "gemeente", None);
        let rows = mandate(&snapshot, &jeugd, &norms, now, &all());
        // Request 3 was filed by pr-jeugd himself; request 2 is Wmo.
        assert_eq!(
            rows.iter()
                .map(|r| (r.request_id, r.days_left))
                .collect::<Vec<_>>(),
            [(1, 1)]
        );
        let dzm = person(
            "pr-dzm",
            Role::ProcesregisseurDoorzettingsmacht,
            "gemeente",
            None,
        );
        let rows = mandate(&snapshot, &dzm, &norms, now, &all());
        assert_eq!(
            rows.iter()
                .map(|r| (r.request_id, r.days_left))
                .collect::<Vec<_>>(),
            [(3, -2), (1, 1), (2, 18)]
        );
        let cr = person("cr-02", Role::Casusregisseur, "Kwadraad", Some(10));
        assert!(mandate(&snapshot, &cr, &norms, now, &all()).is_empty());
    }

    #[test]
    fn doorzettingsmacht_shows_escalated_and_stagnant_high_risk_cases() {
        let (snapshot, index) = fixture();
        let rows: Vec<_> = doorzettingsmacht(&snapshot, &index, &all())
            .into_iter()
            .map(|r| (r.case_id, r.why))
            .collect();
        assert_eq!(
            rows,
            [(5, vec![Why::Escalated]), (2, vec![Why::Stuck])],
            "why each case is there, apart from who escalated it"
        );
    }

    #[test]
    fn a_delta_updates_only_what_it_touches_and_removals_drop_requests() {
        let (mut snapshot, mut index) = fixture();
        let mut contacted = snapshot.cases[&1].clone();
        contacted.first_contact_at = Some(at("2026-11-24T09:00:00Z"));
        contacted.status = CaseStatus::Contacted;
        contacted.last_activity_at = at("2026-11-24T09:00:00Z");
        let touched = snapshot.apply(Delta {
            cases: vec![contacted],
            ..Delta::default()
        });
        assert_eq!(touched, [1]);
        index.refresh(&snapshot, &touched, &Norms::default(), at(NOW));
        assert!(
            stagnation(&snapshot, &index, &all())
                .iter()
                .all(|r| r.case_id != 1)
        );

        let touched = snapshot.apply(Delta {
            removed_cases: vec![4],
            ..Delta::default()
        });
        index.refresh(&snapshot, &touched, &Norms::default(), at(NOW));
        assert!(!snapshot.requests.values().any(|r| r.case_id == 4));
        assert!(
            stagnation(&snapshot, &index, &all())
                .iter()
                .all(|r| r.case_id != 4)
        );
    }

    #[test]
    fn a_new_day_recomputes_every_case() {
        let (snapshot, mut index) = fixture();
        // A day later with nothing touched: the unassigned referral is one
        // working day later still.
        index.refresh(
            &snapshot,
            &[],
            &Norms::default(),
            at("2026-11-25T09:00:00Z"),
        );
        let unassigned = stagnation(&snapshot, &index, &all())
            .into_iter()
            .find(|r| r.case_id == 3)
            .unwrap();
        assert_eq!(unassigned.worst().days_late, 3);
    }

    #[test]
    fn drill_down_lists_one_persons_open_cases_worst_first() {
        let (snapshot, index) = fixture();
        let numbers: Vec<_> = cases_of(&snapshot, &index, Some("cr-01"))
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(numbers, [1, 2]);
        let unassigned: Vec<_> = cases_of(&snapshot, &index, None)
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(unassigned, [3]);
    }

    /// A case closed into waakvlam with follow-up date `until` (Y, M, D).
    fn in_waakvlam(id: i64, holder: &str, until: (i32, u32, u32), domain: CaseDomain) -> Case {
        let mut c = case(id, Some(holder));
        c.domain = domain;
        c.status = CaseStatus::Waakvlam;
        c.closed_at = Some(at("2026-09-01T09:00:00Z"));
        c.close_result = Some(CloseResult::Refused);
        c.waakvlam_until = NaiveDate::from_ymd_opt(until.0, until.1, until.2);
        c
    }

    #[test]
    fn waakvlam_lists_overdue_then_due_soon_then_the_rest() {
        // Now: Tuesday 24 November 2026. Due soon: up to 5 working days
        // ahead, i.e. to Tuesday 1 December.
        let mut snapshot = Snapshot::default();
        let touched = snapshot.apply(Delta {
            cases: vec![
                in_waakvlam(10, "cr-01", (2027, 3, 1), CaseDomain::Jeugd),
                in_waakvlam(11, "cr-01", (2026, 12, 1), CaseDomain::Jeugd),
                in_waakvlam(12, "cr-02", (2026, 12, 2), CaseDomain::Volwassenen),
                in_waakvlam(13, "cr-02", (2026, 11, 24), CaseDomain::Jeugd),
                in_waakvlam(14, "cr-01", (2026, 11, 13), CaseDomain::Jeugd),
                in_waakvlam(15, "cr-02", (2026, 11, 20), CaseDomain::Volwassenen),
                case(16, Some("cr-01")),
            ],
            ..Delta::default()
        });
        let norms = Norms::default();
        let rows = waakvlam(&snapshot, &norms, at(NOW), &all());
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.case_id, r.urgency, r.days))
            .collect();
        use WaakvlamUrgency::*;
        assert_eq!(
            got,
            [
                // Fri 13 Nov: Mon 16 .. Tue 24 Nov is 7 working days past.
                (14, Overdue, 7),
                // Fri 20 Nov: Mon 23 and Tue 24 -> 2 past.
                (15, Overdue, 2),
                (13, DueSoon, 0),
                // Tue 1 Dec: Wed, Thu, Fri, Mon, Tue -> 5 left: still soon.
                (11, DueSoon, -5),
                // Wed 2 Dec: 6 left.
                (12, Later, -6),
                // Mon 1 Mar 2027: 4 (Nov) + 22 (Dec, less Kerstdag) +
                // 20 (Jan, less Nieuwjaarsdag) + 20 (Feb) + 1 = 67 left.
                (10, Later, -67),
            ]
        );
        assert_eq!(rows[0].holder.as_deref(), Some("cr-01"));
        assert_eq!(rows[0].close_result, Some(CloseResult::Refused));
        // A wider "soon" takes in 2 December.
        let wider = Norms {
            waakvlam_due_soon_days: 6,
            ..Norms::default()
        };
        let rows = waakvlam(&snapshot, &wider, at(NOW), &all());
        assert_eq!(rows[4].urgency, DueSoon);
        // The focus applies.
        let jeugd = Focus {
            domains: vec![CaseDomain::Jeugd],
        };
        assert_eq!(
            waakvlam(&snapshot, &norms, at(NOW), &jeugd)
                .iter()
                .map(|r| r.case_id)
                .collect::<Vec<_>>(),
            [14, 13, 11, 10]
        );
        // Overdue follow-ups are on Stagnatie as "waakvlam verlopen", last
        // in severity; the case counts in no one's caseload.
        let mut index = Index::default();
        index.refresh(&snapshot, &touched, &norms, at(NOW));
        let stagnant = stagnation(&snapshot, &index, &all());
        assert_eq!(
            stagnant
                .iter()
                .map(|r| (r.case_id, r.worst().kind, r.worst().severity))
                .collect::<Vec<_>>(),
            [
                (
                    14,
                    StagnationKind::WaakvlamOverdue,
                    Severity::WaakvlamOverdue
                ),
                (
                    15,
                    StagnationKind::WaakvlamOverdue,
                    Severity::WaakvlamOverdue
                ),
            ]
        );
        let viewer = viewer("pr-jeugd", Role::ProcesregisseurJeugd);
        assert!(
            caseload(&snapshot, &index, &viewer, &all())
                .iter()
                .all(|r| r.open <= 1)
        );
        assert!(doorzettingsmacht(&snapshot, &index, &all()).is_empty());
    }

    #[test]
    fn each_role_lands_on_its_board_and_boards_have_names() {
        assert_eq!(landing_board(Role::ProcesregisseurJeugd), Board::Stagnatie);
        assert_eq!(
            landing_board(Role::ProcesregisseurDoorzettingsmacht),
            Board::Doorzettingsmacht
        );
        assert_eq!(landing_board(Role::Procesmanager), Board::Doorstroom);
        for board in Board::ALL {
            assert_eq!(Board::from_name(board.name()), Some(board));
        }
        assert_eq!(Board::from_name("throughput"), None);
    }

    #[test]
    fn the_results_view_keeps_late_evaluations_and_goals_off_track_worst_first() {
        let at: DateTime<Utc> = "2026-11-24T10:00:00Z".parse().unwrap();
        let signal = |kind, severity, days_late| Signal {
            kind,
            severity,
            request_id: None,
            days_late,
            norm_at: at,
        };
        let row = |case_id, high_risk, signals: Vec<Signal>| StagnationRow {
            case_id,
            number: format!("KST-2026-{case_id:04}"),
            pseudonym: "H-AAAA".into(),
            domain: CaseDomain::Jeugd,
            signals,
            casusregisseur: Some("cr-01".into()),
            organisation: None,
            risk_flags: Vec::new(),
            high_risk,
            holder_away: None,
        };
        use StagnationKind::*;
        let rows = [
            // A decision overdue and a goal off track: only the latter here.
            row(
                1,
                false,
                vec![
                    signal(RequestDeadline, Severity::DecisionOverdue, 9),
                    signal(GoalOffTrack, Severity::GoalOffTrack, 30),
                ],
            ),
            row(2, false, vec![signal(NoPlan, Severity::NoPlan, 4)]),
            row(
                3,
                false,
                vec![signal(EvaluationLate, Severity::EvaluationLate, 2)],
            ),
            row(
                4,
                true,
                vec![signal(GoalOffTrack, Severity::GoalOffTrack, 30)],
            ),
            row(
                5,
                false,
                vec![signal(EvaluationLate, Severity::EvaluationLate, 8)],
            ),
        ];
        let results = results(&rows);
        let order: Vec<(i64, Vec<StagnationKind>)> = results
            .iter()
            .map(|r| (r.case_id, r.signals.iter().map(|s| s.kind).collect()))
            .collect();
        assert_eq!(
            order,
            [
                (5, vec![EvaluationLate]),
                (3, vec![EvaluationLate]),
                // Equally long off track: high risk first.
                (4, vec![GoalOffTrack]),
                (1, vec![GoalOffTrack]),
            ]
        );
    }
}
