//! The `If-Match` of the case or request a path acts on.

use regiedesk::api::wire::{Tagged, entity_tag};

/// The `If-Match` of the resource `path` acts on, at `version`:
/// `cases/7/assign` or `/api/v1/cases/7/assign` gives `"case-7-v3"`.
pub fn tag_for_path(path: &str, version: i64) -> String {
    let mut parts = path
        .split('/')
        .skip_while(|p| *p != "cases" && *p != "requests");
    let kind = match parts.next() {
        Some("cases") => Tagged::Case,
        Some("requests") => Tagged::Request,
        _ => panic!("{path} acts on no case or request"),
    };
    let id = parts.next().and_then(|id| id.parse().ok()).expect("an id");
    entity_tag(kind, id, version)
}
