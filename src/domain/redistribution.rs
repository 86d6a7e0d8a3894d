//! Who takes an absent casusregisseur's cases: the reassign picker's
//! reasoning (`suggest`), applied to a set of cases at once.
//!
//! The rules, in the order a procesregisseur weighs them:
//! 1. A household stays with one person: when someone else already holds
//!    another open case of the household, its cases go to them; the
//!    absent person's cases of one household go together.
//! 2. Nobody is pushed over capacity while someone has room: a person
//!    with room for the household's cases is chosen before anyone
//!    without, whatever the fit.
//! 3. Among those, the picker's order: a casusregisseur of the case's
//!    domain, then a specialism that fits, then the most room, counting
//!    what the proposal already gave them.
//!
//! Nobody who is away during the absence too gets a case. The most urgent
//! households are placed first, so they get the best fit: high risk, then
//! the earliest thing that falls due.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::absence::{Absence, Due, due_by};
use super::boards::{Index, Snapshot};
use super::model::{Case, Login, Role};
use super::norms::Norms;
use super::suggest::{Candidate, candidates};

/// One of the absent person's cases, with what falls due on it.
type Held<'a> = (&'a Case, Vec<(Due, NaiveDate)>);

/// Which of the absent person's cases the proposal is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Every open case they hold.
    All,
    /// Only those with something due before they are back.
    DueWhileAway,
}

/// One case in a proposal, and where it would go.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub case_id: i64,
    pub household_id: i64,
    /// Who takes it; `None`: nobody may (no casusregisseur at all).
    pub to: Option<Login>,
    pub why: Placement,
    /// What falls due on it before the holder is back.
    pub due: Vec<(Due, NaiveDate)>,
    /// The version of the case the proposal was made from: the change is
    /// sent with it, so a case changed meanwhile is reported, not moved.
    pub version: i64,
}

/// Why a case goes where the proposal puts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// To whoever holds the household's other case.
    Household,
    /// To the best fit with room.
    Room,
    /// Nobody had room: to the one the case pushes least over capacity.
    NoRoom,
    /// Back to the casusregisseur who was away.
    Back,
    /// Nobody may take it.
    Nobody,
}

/// The proposal for `absence`: the absent person's open cases (all, or
/// those with something due before the absence ends), each with who
/// takes it. `absences` are everyone's, to leave out who is away too.
pub fn propose(
    snapshot: &Snapshot,
    index: &Index,
    norms: &Norms,
    absence: &Absence,
    absences: &[&Absence],
    which: Which,
) -> Vec<Line> {
    let away = &absence.login;
    let also_away = |login: &str| {
        login == away
            || absences
                .iter()
                .any(|a| a.login == login && a.overlaps(absence.from, absence.until))
    };
    // The absent person's cases, by household.
    let mut households: BTreeMap<i64, Vec<Held>> = BTreeMap::new();
    for case in snapshot
        .cases
        .values()
        .filter(|c| c.is_open() && c.casusregisseur.as_deref() == Some(away.as_str()))
    {
        let requests: Vec<_> = snapshot.requests_of(case.id).collect();
        let due = due_by(case, &requests, norms, absence.until);
        if which == Which::DueWhileAway && due.is_empty() {
            continue;
        }
        households
            .entry(case.household_id)
            .or_default()
            .push((case, due));
    }
    let mut groups: Vec<_> = households.into_values().collect();
    let urgency = |group: &Vec<Held>| {
        let high_risk = group.iter().any(|(c, _)| c.is_high_risk());
        let first_due = group
            .iter()
            .filter_map(|(_, due)| due.first().map(|(_, day)| *day))
            .min();
        let number = group.iter().map(|(c, _)| c.number.clone()).min();
        (!high_risk, first_due.is_none(), first_due, number)
    };
    groups.sort_by_cached_key(urgency);

    // What the proposal has given each person so far.
    let mut given: HashMap<Login, u32> = HashMap::new();
    let mut lines = Vec::new();
    for group in groups {
        let (first, _) = group[0];
        let size = group.len() as u32;
        let keeper = household_keeper(snapshot, first, away).filter(|k| !also_away(k));
        let (to, why) = match keeper {
            Some(keeper) => (Some(keeper), Placement::Household),
            None => best_with_room(
                candidates(first, snapshot, index)
                    .into_iter()
                    .filter(|c| c.role == Role::Casusregisseur && !also_away(&c.login))
                    .collect(),
                &given,
                size,
            ),
        };
        if let Some(to) = &to {
            *given.entry(to.clone()).or_default() += size;
        }
        for (case, due) in group {
            lines.push(Line {
                case_id: case.id,
                household_id: case.household_id,
                to: to.clone(),
                why,
                due,
                version: case.version,
            });
        }
    }
    lines
}

/// Who holds another open case of `case`'s household, other than `away`.
fn household_keeper(snapshot: &Snapshot, case: &Case, away: &str) -> Option<Login> {
    snapshot
        .cases
        .values()
        .filter(|c| c.household_id == case.household_id && c.is_open())
        .filter_map(|c| c.casusregisseur.clone())
        .find(|holder| holder != away)
}

/// The first of `ranked` (the picker's order) with room for `size` more
/// cases; when nobody has room, the one pushed least over capacity.
fn best_with_room(
    mut ranked: Vec<Candidate>,
    given: &HashMap<Login, u32>,
    size: u32,
) -> (Option<Login>, Placement) {
    for c in &mut ranked {
        c.open += given.get(&c.login).copied().unwrap_or(0);
    }
    // The picker ranked by fit, then by the load before this proposal;
    // what the proposal gave since moves the load within the same fit.
    let fit = |c: &Candidate| {
        (
            match c.domain_fit {
                Some(true) => 0,
                None => 1,
                Some(false) => 2,
            },
            !c.specialism_fit,
        )
    };
    ranked.sort_by(|a, b| {
        fit(a)
            .cmp(&fit(b))
            .then(a.load().total_cmp(&b.load()))
            .then(a.name.cmp(&b.name))
    });
    let room = |c: &Candidate| c.capacity.is_some_and(|cap| c.open + size <= cap);
    if let Some(c) = ranked.iter().find(|c| room(c)) {
        return (Some(c.login.clone()), Placement::Room);
    }
    let over = |c: &Candidate| match c.capacity {
        Some(cap) => i64::from(c.open + size) - i64::from(cap),
        None => i64::MAX,
    };
    match ranked.iter().min_by_key(|c| (over(c), fit(c))) {
        Some(c) => (Some(c.login.clone()), Placement::NoRoom),
        None => (None, Placement::Nobody),
    }
}

/// The way back after a temporary absence: each case moved for it that is
/// still open and still with the person it went to goes back. A case
/// someone moved on since, or that closed, stays where it is.
pub fn propose_return(snapshot: &Snapshot, absence: &Absence) -> Vec<Line> {
    absence
        .moved
        .iter()
        .filter_map(|moved| {
            let case = snapshot.cases.get(&moved.case_id)?;
            (case.is_open() && case.casusregisseur.as_deref() == Some(moved.to.as_str())).then(
                || Line {
                    case_id: case.id,
                    household_id: case.household_id,
                    to: Some(absence.login.clone()),
                    why: Placement::Back,
                    due: Vec::new(),
                    version: case.version,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::absence::MovedCase;
    use crate::domain::boards::Delta;
    use crate::domain::model::{CaseDomain, CaseStatus, Household, Person, RiskFlag, Source};
    use chrono::{DateTime, Utc};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn person(login: &str, specialism: &str, capacity: u32) -> Person {
        Person {
            login: login.into(),
            display_name: format!("Naam {login}"),
            role: Role::Casusregisseur,
            organisation: "Kwadraad".into(),
            specialism: (!specialism.is_empty()).then(|| specialism.into()),
            capacity: Some(capacity),
            active: true,
        }
    }

    /// An open case of household `household`, held by `holder`, assigned
    /// on Monday 30 November (first contact due Wednesday 2 December) and
    /// contacted when `contacted`.
    fn case(id: i64, household: i64, domain: CaseDomain, holder: &str, contacted: bool) -> Case {
        let h = Household {
            id: household,
            pseudonym: format!("H-{household:04}"),
            members: 2,
        };
        let mut c = Case::referral(
            id,
            format!("KST-2026-{id:04}"),
            &h,
            domain,
            Source::Cjg,
            vec![],
            at("2026-11-30T09:00:00Z"),
        );
        c.status = CaseStatus::Assigned;
        c.casusregisseur = Some(holder.into());
        c.assigned_at = Some(at("2026-11-30T09:00:00Z"));
        c.first_contact_due_at = Some(at("2026-12-02T22:59:59Z"));
        if contacted {
            c.status = CaseStatus::Plan;
            c.first_contact_at = Some(at("2026-12-01T10:00:00Z"));
            c.plan_at = Some(at("2026-12-01T11:00:00Z"));
        }
        c
    }

    /// `count` filler cases of their own households held by `holder`.
    fn load(first_id: i64, holder: &str, domain: CaseDomain, count: i64) -> Vec<Case> {
        (0..count)
            .map(|i| case(first_id + i, first_id + i, domain, holder, true))
            .collect()
    }

    fn absence() -> Absence {
        Absence {
            id: 1,
            login: "cr-07".into(),
            from: d("2026-12-07"),
            until: d("2026-12-11"),
            temporary: true,
            moved: vec![],
            settled: false,
        }
    }

    fn proposal(
        cases: Vec<Case>,
        people: Vec<Person>,
        others: &[&Absence],
        which: Which,
    ) -> Vec<(i64, Option<String>, Placement)> {
        let mut snapshot = Snapshot::default();
        snapshot.apply(Delta {
            cases,
            people,
            ..Delta::default()
        });
        let norms = Norms::default();
        let mut index = Index::default();
        index.refresh(&snapshot, &[], &norms, at("2026-12-07T09:00:00Z"));
        propose(&snapshot, &index, &norms, &absence(), others, which)
            .into_iter()
            .map(|l| (l.case_id, l.to, l.why))
            .collect()
    }

    fn to(login: &str) -> Option<String> {
        Some(login.into())
    }

    #[test]
    fn nobody_is_pushed_over_capacity_while_someone_has_room() {
        // cr-01 fits best (the domain, the specialism) but has room for
        // one case only; cr-02 is of the other domain but has room.
        let mut cases = vec![
            case(1, 1, CaseDomain::Jeugd, "cr-07", false),
            case(2, 2, CaseDomain::Jeugd, "cr-07", false),
            case(3, 3, CaseDomain::Jeugd, "cr-07", false),
        ];
        cases.extend(load(100, "cr-01", CaseDomain::Jeugd, 4));
        cases.extend(load(200, "cr-02", CaseDomain::Volwassenen, 2));
        cases.extend(load(300, "cr-07", CaseDomain::Jeugd, 1));
        let people = vec![
            person("cr-01", "opvoeding", 5),
            person("cr-02", "ouderen", 10),
            person("cr-03", "opvoeding", 1),
            person("cr-07", "opvoeding", 10),
        ];
        let lines = proposal(cases, people, &[], Which::DueWhileAway);
        // The filler case 300 has nothing due: not in the proposal. cr-01
        // takes one, cr-03 (no cases yet, so no known domain) is next by
        // fit and takes one, then cr-02, of the other domain, with room.
        assert_eq!(
            lines,
            [
                (1, to("cr-01"), Placement::Room),
                (2, to("cr-03"), Placement::Room),
                (3, to("cr-02"), Placement::Room),
            ]
        );
    }

    #[test]
    fn someone_with_room_is_never_skipped_for_one_without() {
        let mut cases = vec![case(1, 1, CaseDomain::Jeugd, "cr-07", false)];
        cases.extend(load(100, "cr-01", CaseDomain::Jeugd, 5));
        cases.extend(load(200, "cr-02", CaseDomain::Volwassenen, 9));
        let people = vec![
            person("cr-01", "opvoeding", 5),
            person("cr-02", "ouderen", 10),
            person("cr-07", "", 10),
        ];
        assert_eq!(
            proposal(cases, people, &[], Which::All),
            [(1, to("cr-02"), Placement::Room)],
            "cr-01 fits the domain but is full; cr-02 has room for one"
        );
    }

    #[test]
    fn when_nobody_has_room_the_least_pushed_over_takes_it() {
        let mut cases = vec![case(1, 1, CaseDomain::Jeugd, "cr-07", false)];
        cases.extend(load(100, "cr-01", CaseDomain::Jeugd, 6));
        cases.extend(load(200, "cr-02", CaseDomain::Jeugd, 5));
        let people = vec![
            person("cr-01", "", 5),
            person("cr-02", "", 5),
            person("cr-07", "", 10),
        ];
        assert_eq!(
            proposal(cases, people, &[], Which::All),
            [(1, to("cr-02"), Placement::NoRoom)]
        );
    }

    #[test]
    fn a_household_stays_with_one_person() {
        // Household 1 has two cases with cr-07 and one with cr-05; the
        // two go to cr-05. Household 2's two cases go together.
        let mut cases = vec![
            case(1, 1, CaseDomain::Jeugd, "cr-07", false),
            case(2, 1, CaseDomain::Volwassenen, "cr-07", false),
            case(3, 1, CaseDomain::Jeugd, "cr-05", true),
            case(4, 2, CaseDomain::Jeugd, "cr-07", false),
            case(5, 2, CaseDomain::Volwassenen, "cr-07", false),
        ];
        cases.extend(load(100, "cr-01", CaseDomain::Jeugd, 1));
        let people = vec![
            person("cr-01", "", 10),
            person("cr-05", "", 1),
            person("cr-07", "", 10),
        ];
        assert_eq!(
            proposal(cases, people, &[], Which::All),
            [
                (1, to("cr-05"), Placement::Household),
                (2, to("cr-05"), Placement::Household),
                (4, to("cr-01"), Placement::Room),
                (5, to("cr-01"), Placement::Room),
            ],
            "the household's keeper takes its cases even at capacity: one \
             person for a family comes first"
        );
    }

    #[test]
    fn who_is_away_too_gets_nothing_and_high_risk_goes_first() {
        let mut risky = case(2, 2, CaseDomain::Jeugd, "cr-07", false);
        risky.risk_flags = vec![RiskFlag::DomesticViolence];
        let cases = vec![case(1, 1, CaseDomain::Jeugd, "cr-07", false), risky];
        let people = vec![
            person("cr-01", "", 10),
            person("cr-02", "huiselijk geweld", 10),
            person("cr-03", "huiselijk geweld", 10),
            person("cr-07", "", 10),
        ];
        let away_too = Absence {
            id: 2,
            login: "cr-02".into(),
            from: d("2026-12-10"),
            until: d("2026-12-18"),
            ..absence()
        };
        assert_eq!(
            proposal(cases, people, &[&away_too], Which::All),
            [
                (2, to("cr-03"), Placement::Room),
                (1, to("cr-01"), Placement::Room),
            ]
        );
    }

    #[test]
    fn the_way_back_skips_what_moved_on_or_closed() {
        let mut snapshot = Snapshot::default();
        let mut closed = case(3, 3, CaseDomain::Jeugd, "cr-01", true);
        closed.status = CaseStatus::Closed;
        snapshot.apply(Delta {
            cases: vec![
                case(1, 1, CaseDomain::Jeugd, "cr-01", true),
                case(2, 2, CaseDomain::Jeugd, "cr-09", true),
                closed,
            ],
            ..Delta::default()
        });
        let mut away = absence();
        away.moved = [1, 2, 3]
            .into_iter()
            .map(|case_id| MovedCase {
                case_id,
                to: "cr-01".into(),
            })
            .collect();
        let back: Vec<_> = propose_return(&snapshot, &away)
            .into_iter()
            .map(|l| (l.case_id, l.to))
            .collect();
        assert_eq!(back, [(1, to("cr-07"))]);
    }
}
