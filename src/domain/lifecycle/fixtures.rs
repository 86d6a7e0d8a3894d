//! The cases and people the lifecycle tests start from.

use super::*;
use crate::domain::model::*;

pub(super) fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub(super) fn person(login: &str, role: Role) -> Person {
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

pub(super) fn referred() -> Case {
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

pub(super) fn pr() -> Person {
    person("pr-jeugd", Role::ProcesregisseurJeugd)
}
pub(super) fn cr(n: u8) -> Person {
    person(&format!("cr-0{n}"), Role::Casusregisseur)
}
pub(super) const NOW: &str = "2026-11-24T10:00:00Z";

pub(super) fn assigned() -> Case {
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

pub(super) fn planned() -> Case {
    let c = record_contact(&assigned(), &cr(1), None, None, at(NOW))
        .unwrap()
        .case;
    record_plan(&c, &cr(1), &[a_goal()], None, at(NOW), &Norms::default())
        .unwrap()
        .case
}

/// A goal as a plan's first: the household's home, from 2 to 4.
pub(super) fn a_goal() -> crate::domain::plan::NewGoal {
    crate::domain::plan::NewGoal {
        life_domain: "woning".into(),
        text: "een eigen woning".into(),
        start_score: 2,
        target_score: 4,
        target_date: "2027-06-30".parse().unwrap(),
        requests: Vec::new(),
    }
}

pub(super) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(super) fn pr_volw() -> Person {
    person("pr-volw", Role::ProcesregisseurVolwassenen)
}
