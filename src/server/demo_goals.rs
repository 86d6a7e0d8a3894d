//! The goals of a demo plan: life domains that fit the case (youth:
//! relationships at home, school, free time; adults: money, home, mental
//! health, network), starting mostly at 2 or 3 on the ZRM. The words are
//! general ones: a demo must not read like a real household.

use chrono::{Months, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::domain::model::CaseDomain;
use crate::domain::plan::NewGoal;

const YOUTH: [(&str, &str); 4] = [
    ("relaties thuis", "rust en regelmaat in huis"),
    ("werk en opleiding", "weer elke dag naar school"),
    ("tijdsbesteding", "een vaste club of bezigheid na school"),
    ("sociaal netwerk", "een steunfiguur buiten het gezin"),
];

const ADULTS: [(&str, &str); 5] = [
    ("geldzaken", "grip op de schulden, vaste lasten betaald"),
    ("woning", "een passende woning behouden"),
    (
        "geestelijke gezondheid",
        "behandeling gestart en volgehouden",
    ),
    ("sociaal netwerk", "iemand om op terug te vallen"),
    ("dagelijkse activiteiten", "de dag weer zelf indelen"),
];

/// One to three goals for a plan made on `today`.
pub fn plan_goals(domain: CaseDomain, today: NaiveDate, rng: &mut impl Rng) -> Vec<NewGoal> {
    let pool: &[(&str, &str)] = match domain {
        CaseDomain::Jeugd => &YOUTH,
        CaseDomain::Volwassenen => &ADULTS,
    };
    let count = rng.random_range(1..=3);
    pool.choose_multiple(rng, count)
        .map(|(life_domain, text)| {
            let start = if rng.random_bool(0.7) {
                rng.random_range(2..=3)
            } else {
                1
            };
            let target = (start + rng.random_range(1..=2)).min(5);
            NewGoal {
                life_domain: (*life_domain).into(),
                text: (*text).into(),
                start_score: start,
                target_score: target,
                target_date: today + Months::new(rng.random_range(6..=12)),
                requests: Vec::new(),
            }
        })
        .collect()
}
