//! Whom to suggest when a case must go to another casusregisseur.
//!
//! The order a procesregisseur would reason in: a casusregisseur (not a
//! procesregisseur) who works in the case's domain; then one whose
//! specialism fits what the household faces; then the one with the most
//! room. A person's domain is read from the cases they hold: nobody is
//! registered as "jeugd" or "volwassenen", but their caseload says it.

use std::collections::HashMap;

use super::boards::{Index, Snapshot};
use super::model::{Case, CaseDomain, Login, RiskFlag, Role};
use super::norms::StagnationKind;
use super::permissions::may_hold_cases;

/// A person who could take the case, with what the picker shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub login: Login,
    pub name: String,
    pub organisation: String,
    pub specialism: Option<String>,
    pub role: Role,
    pub open: u32,
    pub capacity: Option<u32>,
    /// Their open cases whose first contact is past the norm.
    pub late: u32,
    pub stuck: u32,
    /// Holds open cases in the case's domain (`None`: holds no cases).
    pub domain_fit: Option<bool>,
    pub specialism_fit: bool,
    /// Holds the case now.
    pub current: bool,
    /// Away today: their last day away.
    pub away_until: Option<chrono::NaiveDate>,
}

impl Candidate {
    /// Room for one more case (no capacity set: none).
    pub fn has_room(&self) -> bool {
        self.capacity.is_some_and(|capacity| self.open < capacity)
    }

    pub fn load(&self) -> f64 {
        match self.capacity {
            Some(capacity) if capacity > 0 => f64::from(self.open) / f64::from(capacity),
            _ => f64::INFINITY,
        }
    }
}

/// Words in a specialism that fit a risk on the case, or the domain.
fn fitting_words(case: &Case) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = case
        .risk_flags
        .iter()
        .flat_map(|flag| match flag {
            RiskFlag::ChildSafety => &["opvoeding", "gezin", "huiselijk geweld"][..],
            RiskFlag::DomesticViolence => &["huiselijk geweld"][..],
            RiskFlag::CareAvoider => &["ggz", "verslaving"][..],
            RiskFlag::Aggression => &["ggz", "verslaving"][..],
            RiskFlag::Justice => &["jongerenwerk", "verslaving"][..],
            RiskFlag::PressPolitical => &[][..],
        })
        .copied()
        .collect();
    if words.is_empty() {
        words.extend(match case.domain {
            CaseDomain::Jeugd => &["opvoeding", "gezin", "jeugd", "kinderen", "jongeren"][..],
            CaseDomain::Volwassenen => &["ouderen", "mantelzorg", "schulden", "ggz"][..],
        });
    }
    words
}

/// Everyone who may hold `case`, best suggestion first. The order is
/// computed once, when the picker opens, so it does not move under the
/// user's hand while they choose.
pub fn candidates(case: &Case, snapshot: &Snapshot, index: &Index) -> Vec<Candidate> {
    #[derive(Default)]
    struct Held {
        open: u32,
        late: u32,
        stuck: u32,
        in_domain: u32,
    }
    // One pass over the cases, not one per person.
    let mut held: HashMap<&str, Held> = HashMap::new();
    for other in snapshot.cases.values().filter(|c| c.is_open()) {
        let Some(holder) = other.casusregisseur.as_deref() else {
            continue;
        };
        let h = held.entry(holder).or_default();
        h.open += 1;
        h.stuck += u32::from(other.stuck_reported);
        h.in_domain += u32::from(other.domain == case.domain);
        h.late += u32::from(
            index
                .stagnation_of(other.id)
                .iter()
                .any(|s| s.kind == StagnationKind::FirstContactOverdue),
        );
    }
    let words = fitting_words(case);
    let mut candidates: Vec<Candidate> = snapshot
        .people
        .values()
        .filter(|p| may_hold_cases(p))
        .map(|p| {
            let h = held.get(p.login.as_str());
            let specialism = p.specialism.as_deref().unwrap_or("").to_lowercase();
            Candidate {
                login: p.login.clone(),
                name: p.display_name.clone(),
                organisation: p.organisation.clone(),
                specialism: p.specialism.clone(),
                role: p.role,
                open: h.map_or(0, |h| h.open),
                capacity: p.capacity,
                late: h.map_or(0, |h| h.late),
                stuck: h.map_or(0, |h| h.stuck),
                domain_fit: h.filter(|h| h.open > 0).map(|h| h.in_domain > 0),
                specialism_fit: !specialism.is_empty()
                    && words.iter().any(|w| specialism.contains(w)),
                current: case.casusregisseur.as_deref() == Some(p.login.as_str()),
                away_until: index.day().and_then(|today| {
                    super::absence::away_on(snapshot.absences_of(&p.login), today).map(|a| a.until)
                }),
            }
        })
        .collect();
    candidates.sort_by(|a, b| {
        let rank = |c: &Candidate| {
            (
                // The current holder is shown, but never suggested.
                c.current,
                c.role != Role::Casusregisseur,
                // Someone away today is listed (and says so), never suggested.
                c.away_until.is_some(),
                // Nobody is pushed over capacity while someone has room,
                // whatever the fit (as `redistribution` does for a set).
                !c.has_room(),
                // In the domain, then not yet known, then another domain.
                match c.domain_fit {
                    Some(true) => 0,
                    None => 1,
                    Some(false) => 2,
                },
                !c.specialism_fit,
            )
        };
        rank(a)
            .cmp(&rank(b))
            .then(a.load().total_cmp(&b.load()))
            .then(a.name.cmp(&b.name))
    });
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::boards::Delta;
    use crate::domain::model::{CaseStatus, Household, Person, Source};
    use crate::domain::norms::Norms;
    use chrono::{DateTime, Utc};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn person(login: &str, role: Role, specialism: &str, capacity: u32) -> Person {
        Person {
            login: login.into(),
            display_name: format!("Naam {login}"),
            role,
            organisation: "Kwadraad".into(),
            specialism: (!specialism.is_empty()).then(|| specialism.into()),
            capacity: Some(capacity),
            active: true,
        }
    }

    fn case(id: i64, domain: CaseDomain, holder: Option<&str>) -> Case {
        let household = Household {
            id,
            pseudonym: format!("H-{id:04}"),
            members: 2,
        };
        let mut c = Case::referral(
            id,
            format!("KST-2026-{id:04}"),
            &household,
            domain,
            Source::Cjg,
            vec![],
            at("2026-11-23T09:00:00Z"),
        );
        if let Some(h) = holder {
            c.status = CaseStatus::Assigned;
            c.casusregisseur = Some(h.into());
            c.assigned_at = Some(at("2026-11-23T09:00:00Z"));
            c.first_contact_due_at = Some(at("2026-11-23T22:59:59Z"));
        }
        c
    }

    fn order(snapshot: &Snapshot, case_id: i64) -> Vec<String> {
        let mut index = Index::default();
        index.refresh(snapshot, &[], &Norms::default(), at("2026-11-24T13:30:00Z"));
        candidates(&snapshot.cases[&case_id], snapshot, &index)
            .into_iter()
            .map(|c| c.login)
            .collect()
    }

    #[test]
    fn casusregisseurs_of_the_domain_first_then_specialism_then_room() {
        let mut snapshot = Snapshot::default();
        let mut violence = case(1, CaseDomain::Jeugd, None);
        violence.risk_flags = vec![RiskFlag::DomesticViolence];
        snapshot.apply(Delta {
            cases: vec![
                violence,
                // jeugd-busy holds two youth cases; adults holds one adult
                // case and is the least loaded.
                case(2, CaseDomain::Jeugd, Some("jeugd-busy")),
                case(3, CaseDomain::Jeugd, Some("jeugd-busy")),
                case(4, CaseDomain::Jeugd, Some("jeugd-hg")),
                case(5, CaseDomain::Volwassenen, Some("adults")),
            ],
            people: vec![
                person("jeugd-busy", Role::Casusregisseur, "jongerenwerk", 10),
                person("jeugd-hg", Role::Casusregisseur, "huiselijk geweld", 10),
                person("adults", Role::Casusregisseur, "ouderen", 20),
                person("new", Role::Casusregisseur, "", 10),
                person("pr-volw", Role::ProcesregisseurVolwassenen, "", 6),
                person("pr-dzm", Role::ProcesregisseurDoorzettingsmacht, "", 8),
            ],
            ..Delta::default()
        });
        assert_eq!(
            order(&snapshot, 1),
            ["jeugd-hg", "jeugd-busy", "new", "adults", "pr-volw"],
            "domain, then specialism fit, then load; procesregisseurs last, \
             and the doorzettingsmacht regisseur never (only by take-over)"
        );
    }

    #[test]
    fn someone_with_room_comes_before_a_better_fit_that_is_full() {
        let mut snapshot = Snapshot::default();
        let mut cases = vec![case(1, CaseDomain::Jeugd, None)];
        // jeugd-full holds 2 youth cases at a capacity of 2; adults has room.
        cases.push(case(2, CaseDomain::Jeugd, Some("jeugd-full")));
        cases.push(case(3, CaseDomain::Jeugd, Some("jeugd-full")));
        cases.push(case(4, CaseDomain::Volwassenen, Some("adults")));
        snapshot.apply(Delta {
            cases,
            people: vec![
                person("jeugd-full", Role::Casusregisseur, "opvoeding", 2),
                person("adults", Role::Casusregisseur, "ouderen", 14),
            ],
            ..Delta::default()
        });
        assert_eq!(order(&snapshot, 1), ["adults", "jeugd-full"]);
    }

    #[test]
    fn late_and_stuck_counts_come_from_the_candidates_own_cases() {
        let mut snapshot = Snapshot::default();
        let mut stuck = case(2, CaseDomain::Jeugd, Some("a"));
        stuck.stuck_reported = true;
        stuck.stuck_reported_at = Some(at("2026-11-23T12:00:00Z"));
        snapshot.apply(Delta {
            cases: vec![case(1, CaseDomain::Jeugd, None), stuck],
            people: vec![person("a", Role::Casusregisseur, "", 10)],
            ..Delta::default()
        });
        let mut index = Index::default();
        index.refresh(
            &snapshot,
            &[],
            &Norms::default(),
            at("2026-11-24T13:30:00Z"),
        );
        let a = &candidates(&snapshot.cases[&1], &snapshot, &index)[0];
        // Case 2's first contact was due on Monday 23 Nov and not made.
        assert_eq!((a.open, a.late, a.stuck), (1, 1, 1));
        assert_eq!(a.domain_fit, Some(true));
    }
}
