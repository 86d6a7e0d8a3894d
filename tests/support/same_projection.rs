//! Two projections of the same case system compared field by field: a
//! store that followed it live and one that read it afresh
//! (tests/zgw_projection.rs against the fake, tests/zgw_openzaak_kill.rs
//! against a real Open Zaak).

use serde_json::{Map, Value};

/// What the store gives, not the case system: ids, versions and the
/// change counter, and the plan's goals and their evaluations, which are
/// regiedesk's own data on a ZGW source (Open Zaak has no place for a ZRM
/// score). Every other field must be equal.
pub const STORES_OWN: [&str; 7] = [
    "id",
    "household_id",
    "case_id",
    "version",
    "seq",
    "goals",
    "evaluations",
];

/// The fields of `live` and `rebuilt` that differ, as `field: live ≠ rebuilt`.
pub fn differences(live: &Value, rebuilt: &Value) -> Vec<String> {
    let fields = |v: &Value| -> Map<String, Value> {
        let mut map = v.as_object().expect("an object").clone();
        for own in STORES_OWN {
            map.remove(own);
        }
        map
    };
    let (live, rebuilt) = (fields(live), fields(rebuilt));
    let mut names: Vec<&String> = live.keys().chain(rebuilt.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| live.get(*name) != rebuilt.get(*name))
        .map(|name| {
            format!(
                "{name}: {} ≠ {}",
                live.get(name).unwrap_or(&Value::Null),
                rebuilt.get(name).unwrap_or(&Value::Null)
            )
        })
        .collect()
}
