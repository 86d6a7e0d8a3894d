//! The boards as plain data: what each board shows, derived from a snapshot
//! of the cases, requests and people a desk has synced.
//!
//! The desk keeps one [`Snapshot`] and an [`Index`] of derived facts per
//! case. A delta touches only the cases it carries; everything else is
//! recomputed only when the local date changes (every norm ends at the end
//! of a day, so lateness can change only then). Rows are built from the
//! index, never from a rescan of every case on every frame.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::{DayCounting, local_date};
use super::model::{Case, Login, Person, Request, RequestKind, RequestStatus, RiskFlag, Role};
use super::norms::{Norms, Stagnation, StagnationKind};
use super::permissions;

/// Everything a desk knows, as the API last said it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub cases: BTreeMap<i64, Case>,
    pub requests: BTreeMap<i64, Request>,
    pub people: BTreeMap<Login, Person>,
}

/// One sync delta, in the order the API asks for: removals first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delta {
    pub removed_cases: Vec<i64>,
    pub cases: Vec<Case>,
    pub requests: Vec<Request>,
    pub people: Vec<Person>,
}

impl Snapshot {
    /// Applies a delta; returns the ids of the cases whose facts changed.
    pub fn apply(&mut self, delta: Delta) -> Vec<i64> {
        let mut touched = Vec::new();
        for id in delta.removed_cases {
            self.cases.remove(&id);
            self.requests.retain(|_, r| r.case_id != id);
            touched.push(id);
        }
        for case in delta.cases {
            touched.push(case.id);
            self.cases.insert(case.id, case);
        }
        for request in delta.requests {
            touched.push(request.case_id);
            self.requests.insert(request.id, request);
        }
        for person in delta.people {
            self.people.insert(person.login.clone(), person);
        }
        touched.sort_unstable();
        touched.dedup();
        touched
    }

    pub fn requests_of(&self, case_id: i64) -> impl Iterator<Item = &Request> {
        self.requests.values().filter(move |r| r.case_id == case_id)
    }

    pub fn name_of(&self, login: &str) -> String {
        self.people
            .get(login)
            .map_or_else(|| login.to_string(), |p| p.display_name.clone())
    }
}

/// What the boards need to know about one open case.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CaseFacts {
    stagnation: Vec<Stagnation>,
    high_risk: bool,
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
    /// date changed since the last refresh, then all of them.
    pub fn refresh(
        &mut self,
        snapshot: &Snapshot,
        touched: &[i64],
        norms: &Norms,
        now: DateTime<Utc>,
    ) {
        let today = local_date(now);
        if self.day != Some(today) {
            self.day = Some(today);
            self.facts.clear();
            let ids: Vec<i64> = snapshot.cases.keys().copied().collect();
            self.update(snapshot, &ids, norms, now);
        } else {
            self.update(snapshot, touched, norms, now);
        }
    }

    fn update(&mut self, snapshot: &Snapshot, ids: &[i64], norms: &Norms, now: DateTime<Utc>) {
        // Requests grouped once per refresh, not once per case.
        let mut by_case: HashMap<i64, Vec<Request>> = HashMap::new();
        for request in snapshot.requests.values() {
            by_case
                .entry(request.case_id)
                .or_default()
                .push(request.clone());
        }
        for id in ids {
            match snapshot.cases.get(id).filter(|c| c.is_open()) {
                Some(case) => {
                    let requests = by_case.get(id).map(Vec::as_slice).unwrap_or(&[]);
                    self.facts.insert(
                        *id,
                        CaseFacts {
                            stagnation: norms.stagnation(case, requests, now),
                            high_risk: case.is_high_risk(),
                        },
                    );
                }
                None => {
                    self.facts.remove(id);
                }
            }
        }
    }

    /// The ways an open case stagnates, as of the last refresh.
    pub fn stagnation_of(&self, case_id: i64) -> &[Stagnation] {
        self.facts
            .get(&case_id)
            .map_or(&[], |f| f.stagnation.as_slice())
    }
}

/// One row of the caseload board: a casusregisseur and their load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseloadRow {
    /// `None` for the row of unassigned referrals.
    pub login: Option<Login>,
    pub name: String,
    pub organisation: String,
    pub specialism: Option<String>,
    pub open: u32,
    pub capacity: Option<u32>,
    pub overdue: u32,
    pub stuck: u32,
    pub high_risk: u32,
}

impl CaseloadRow {
    /// Load as a fraction of capacity (0 when no capacity is set).
    pub fn load(&self) -> f64 {
        match self.capacity {
            Some(c) if c > 0 => f64::from(self.open) / f64::from(c),
            _ => 0.0,
        }
    }
}

/// The caseload board: unassigned referrals first, then everyone who holds
/// cases, by organisation and name.
pub fn caseload(snapshot: &Snapshot, index: &Index) -> Vec<CaseloadRow> {
    let mut rows: BTreeMap<Option<Login>, CaseloadRow> = BTreeMap::new();
    for person in snapshot
        .people
        .values()
        .filter(|p| p.active && p.capacity.is_some())
    {
        rows.insert(
            Some(person.login.clone()),
            CaseloadRow {
                login: Some(person.login.clone()),
                name: person.display_name.clone(),
                organisation: person.organisation.clone(),
                specialism: person.specialism.clone(),
                open: 0,
                capacity: person.capacity,
                overdue: 0,
                stuck: 0,
                high_risk: 0,
            },
        );
    }
    for case in snapshot.cases.values().filter(|c| c.is_open()) {
        let row = rows
            .entry(case.casusregisseur.clone())
            .or_insert_with(|| CaseloadRow {
                login: case.casusregisseur.clone(),
                name: case
                    .casusregisseur
                    .as_deref()
                    .map_or_else(|| "niet toegewezen".to_string(), |l| snapshot.name_of(l)),
                organisation: case.organisation.clone().unwrap_or_default(),
                specialism: None,
                open: 0,
                capacity: None,
                overdue: 0,
                stuck: 0,
                high_risk: 0,
            });
        row.open += 1;
        let stagnation = index.stagnation_of(case.id);
        if stagnation
            .iter()
            .any(|s| s.kind == StagnationKind::FirstContactOverdue)
        {
            row.overdue += 1;
        }
        if case.stuck_reported {
            row.stuck += 1;
        }
        if case.is_high_risk() {
            row.high_risk += 1;
        }
    }
    let mut rows: Vec<CaseloadRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        (a.login.is_some(), &a.organisation, &a.name).cmp(&(
            b.login.is_some(),
            &b.organisation,
            &b.name,
        ))
    });
    rows
}

/// The open cases of one casusregisseur (`None`: the unassigned ones), for
/// the caseload drill-down: most worrying first.
pub fn cases_of<'a>(snapshot: &'a Snapshot, index: &Index, login: Option<&str>) -> Vec<&'a Case> {
    let mut cases: Vec<&Case> = snapshot
        .cases
        .values()
        .filter(|c| c.is_open() && c.casusregisseur.as_deref() == login)
        .collect();
    let worst = |c: &Case| {
        index
            .stagnation_of(c.id)
            .iter()
            .map(|s| s.days_late)
            .max()
            .unwrap_or(i64::MIN)
    };
    cases.sort_by(|a, b| worst(b).cmp(&worst(a)).then(a.number.cmp(&b.number)));
    cases
}

/// One row of the stagnation board: a case and one way it stagnates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StagnationRow {
    pub case_id: i64,
    pub number: String,
    pub pseudonym: String,
    pub kind: StagnationKind,
    pub request_id: Option<i64>,
    /// Counted days past the norm (0 = due today, negative = days left).
    pub days_late: i64,
    pub norm_at: DateTime<Utc>,
    pub casusregisseur: Option<Login>,
    pub organisation: Option<String>,
    pub high_risk: bool,
}

/// The stagnation board, worst first: longest past the norm, then the
/// faces in the order of [`StagnationKind`], then case number.
pub fn stagnation(snapshot: &Snapshot, index: &Index) -> Vec<StagnationRow> {
    let mut rows: Vec<StagnationRow> = index
        .facts
        .iter()
        .filter_map(|(id, facts)| snapshot.cases.get(id).map(|case| (case, facts)))
        .flat_map(|(case, facts)| {
            facts.stagnation.iter().map(move |s| StagnationRow {
                case_id: case.id,
                number: case.number.clone(),
                pseudonym: case.pseudonym.clone(),
                kind: s.kind,
                request_id: s.request_id,
                days_late: s.days_late,
                norm_at: s.norm_at,
                casusregisseur: case.casusregisseur.clone(),
                organisation: case.organisation.clone(),
                high_risk: facts.high_risk,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then(a.kind.cmp(&b.kind))
            .then(a.number.cmp(&b.number))
    });
    rows
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
    pub version: i64,
}

/// The mandate board for `viewer`: pending requests they may decide (the
/// mandate matrix, four eyes), nearest deadline first.
pub fn mandate(
    snapshot: &Snapshot,
    viewer: &Person,
    norms: &Norms,
    now: DateTime<Utc>,
) -> Vec<MandateRow> {
    let today = local_date(now);
    let mut rows: Vec<MandateRow> = snapshot
        .requests
        .values()
        .filter(|r| {
            r.status == RequestStatus::Pending && permissions::may_decide(viewer, r).is_ok()
        })
        .filter_map(|r| {
            snapshot
                .cases
                .get(&r.case_id)
                .filter(|c| c.is_open())
                .map(|c| (r, c))
        })
        .map(|(r, c)| {
            let due = local_date(r.decide_by);
            let days_left = if due >= today {
                i64::from(
                    norms
                        .calendar
                        .days_between(today, due, DayCounting::WorkingDays),
                )
            } else {
                -i64::from(
                    norms
                        .calendar
                        .days_between(due, today, DayCounting::WorkingDays),
                )
            };
            MandateRow {
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
                days_left,
                version: r.version,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.decide_by.cmp(&b.decide_by).then(a.number.cmp(&b.number)));
    rows
}

/// One row of the doorzettingsmacht board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoorzettingsmachtRow {
    pub case_id: i64,
    pub number: String,
    pub pseudonym: String,
    pub risk_flags: Vec<RiskFlag>,
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
pub fn doorzettingsmacht(snapshot: &Snapshot, index: &Index) -> Vec<DoorzettingsmachtRow> {
    let mut rows: Vec<DoorzettingsmachtRow> = snapshot
        .cases
        .values()
        .filter(|c| c.is_open())
        .filter(|c| {
            c.escalated
                || (c.is_high_risk() && (c.stuck_reported || !index.stagnation_of(c.id).is_empty()))
        })
        .map(|c| DoorzettingsmachtRow {
            case_id: c.id,
            number: c.number.clone(),
            pseudonym: c.pseudonym.clone(),
            risk_flags: c.risk_flags.clone(),
            escalated: c.escalated,
            escalated_by: c.escalated_by.clone(),
            escalated_at: c.escalated_at,
            escalation_reason: c.escalation_reason.clone(),
            taken_over: c.taken_over,
            stuck: c.stuck_reported,
            casusregisseur: c.casusregisseur.clone(),
        })
        .collect();
    rows.sort_by(|a, b| {
        (!a.escalated, a.escalated_at, &a.number).cmp(&(!b.escalated, b.escalated_at, &b.number))
    });
    rows
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
}

impl Board {
    pub const ALL: [Board; 5] = [
        Board::Caseload,
        Board::Stagnatie,
        Board::Mandaat,
        Board::Doorzettingsmacht,
        Board::Doorstroom,
    ];

    /// The name used on the command line (`regiedesk export NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Board::Caseload => "caseload",
            Board::Stagnatie => "stagnatie",
            Board::Mandaat => "mandaat",
            Board::Doorzettingsmacht => "doorzettingsmacht",
            Board::Doorstroom => "doorstroom",
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
        };
        let touched = snapshot.apply(delta);
        let mut index = Index::default();
        index.refresh(&snapshot, &touched, &Norms::default(), at(NOW));
        (snapshot, index)
    }

    #[test]
    fn caseload_counts_open_cases_per_casusregisseur_with_unassigned_first() {
        let (snapshot, index) = fixture();
        let rows = caseload(&snapshot, &index);
        let summary: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.login.as_deref(),
                    r.open,
                    r.capacity,
                    r.overdue,
                    r.stuck,
                    r.high_risk,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (None, 1, None, 0, 0, 0),
                (Some("cr-02"), 2, Some(10), 0, 0, 0),
                (Some("cr-03"), 0, Some(10), 0, 0, 0),
                (Some("cr-01"), 2, Some(2), 1, 1, 1),
            ]
        );
        assert_eq!(rows[3].load(), 1.0);
        assert_eq!(rows[0].name, "niet toegewezen");
    }

    #[test]
    fn stagnation_lists_every_face_worst_first() {
        let (snapshot, index) = fixture();
        let rows: Vec<_> = stagnation(&snapshot, &index)
            .into_iter()
            .map(|r| (r.number, r.kind, r.days_late))
            .collect();
        assert_eq!(
            rows,
            [
                // Due Fri 20 Nov: Mon and Tue late.
                (
                    "KST-2026-0001".to_string(),
                    StagnationKind::FirstContactOverdue,
                    2
                ),
                // Referred Thu 19 Nov, to be assigned by the end of Fri 20.
                ("KST-2026-0003".to_string(), StagnationKind::Unassigned, 2),
                (
                    "KST-2026-0005".to_string(),
                    StagnationKind::RequestDeadline,
                    2
                ),
                ("KST-2026-0002".to_string(), StagnationKind::Stuck, 1),
                (
                    "KST-2026-0004".to_string(),
                    StagnationKind::RequestDeadline,
                    -1
                ),
            ]
        );
    }

    #[test]
    fn mandate_shows_what_the_viewer_may_decide() {
        let (snapshot, _) = fixture();
        let now = at(NOW);
        let norms = Norms::default();
        let jeugd = person("pr-jeugd", Role::ProcesregisseurJeugd, "gemeente", None);
        let rows = mandate(&snapshot, &jeugd, &norms, now);
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
        let rows = mandate(&snapshot, &dzm, &norms, now);
        assert_eq!(
            rows.iter()
                .map(|r| (r.request_id, r.days_left))
                .collect::<Vec<_>>(),
            [(3, -2), (1, 1), (2, 18)]
        );
        let cr = person("cr-02", Role::Casusregisseur, "Kwadraad", Some(10));
        assert!(mandate(&snapshot, &cr, &norms, now).is_empty());
    }

    #[test]
    fn doorzettingsmacht_shows_escalated_and_stagnant_high_risk_cases() {
        let (snapshot, index) = fixture();
        let rows: Vec<_> = doorzettingsmacht(&snapshot, &index)
            .into_iter()
            .map(|r| (r.case_id, r.escalated))
            .collect();
        assert_eq!(rows, [(5, true), (2, false)]);
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
        assert!(stagnation(&snapshot, &index).iter().all(|r| r.case_id != 1));

        let touched = snapshot.apply(Delta {
            removed_cases: vec![4],
            ..Delta::default()
        });
        index.refresh(&snapshot, &touched, &Norms::default(), at(NOW));
        assert!(!snapshot.requests.values().any(|r| r.case_id == 4));
        assert!(stagnation(&snapshot, &index).iter().all(|r| r.case_id != 4));
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
        let unassigned = stagnation(&snapshot, &index)
            .into_iter()
            .find(|r| r.case_id == 3)
            .unwrap();
        assert_eq!(unassigned.days_late, 3);
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
}
