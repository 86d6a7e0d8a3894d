//! The OpenAPI description, generated from the handlers and types.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{notes, routes, staff};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "regiedesk case API",
        description = "The reference case API behind regiedesk: cases, requests and the audit log of a social team's access process."
    ),
    paths(
        routes::healthz,
        routes::me,
        routes::login_config,
        routes::sync,
        routes::create_household,
        routes::create_case,
        routes::case_detail,
        routes::assign,
        routes::contact,
        routes::plan,
        routes::revise_plan,
        routes::evaluate,
        routes::melding,
        routes::onderzoek,
        routes::activity,
        routes::stuck,
        routes::close,
        routes::escalate,
        routes::takeover,
        routes::deescalate,
        routes::file_request,
        routes::follow_up,
        routes::postpone,
        routes::hand_on,
        routes::request_detail,
        routes::decide,
        routes::suspend,
        routes::resume,
        routes::extend,
        routes::default_notice,
        notes::add_note,
        notes::change_note,
        staff::add_absence,
        staff::change_absence,
        staff::withdraw_absence,
        routes::audit,
        routes::throughput,
    ),
    modifiers(&BearerToken),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
    }
}

pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{CaseStatus, RequestKind, Role};

    fn schema_enum(name: &str) -> Vec<String> {
        let spec = serde_json::to_value(spec()).unwrap();
        spec["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("schema {name} has an enum"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn enums_are_described_by_their_wire_names() {
        let wire = |all: &[&str]| all.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            schema_enum("RequestKind"),
            wire(
                &RequestKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
            )
        );
        assert_eq!(
            schema_enum("Role"),
            wire(&Role::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>())
        );
        assert_eq!(
            schema_enum("CaseStatus"),
            wire(
                &CaseStatus::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
            )
        );
    }

    #[test]
    fn history_lines_describe_hands_and_decisions() {
        let spec = serde_json::to_value(spec()).unwrap();
        let event = &spec["components"]["schemas"]["CaseEvent"];
        let properties = event["properties"].as_object().expect("CaseEvent schema");
        for field in [
            "at",
            "actor",
            "kind",
            "note",
            "request_id",
            "from",
            "to",
            "decision",
        ] {
            assert!(properties.contains_key(field), "CaseEvent.{field}");
        }
        let required: Vec<&str> = event["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(required, ["at", "actor", "kind"]);
    }

    #[test]
    fn every_route_is_described_with_bearer_security() {
        let spec = serde_json::to_value(spec()).unwrap();
        let paths = spec["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 36);
        for path in [
            "/api/v1/staff/{login}/absences",
            "/api/v1/staff/{login}/absences/{id}",
            "/api/v1/requests/{id}/suspension",
            "/api/v1/requests/{id}/default-notice",
            "/api/v1/stats/throughput",
            "/api/v1/sync",
            "/api/v1/cases/{id}/assign",
            "/api/v1/requests/{id}/decision",
            "/api/v1/audit",
        ] {
            assert!(paths.contains_key(path), "{path}");
        }
        assert_eq!(
            spec["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert!(paths["/api/v1/cases/{id}/assign"]["post"]["responses"]["428"].is_object());
        assert!(paths["/api/v1/requests/{id}/extension"]["post"]["responses"]["409"].is_object());
        // The term a request carries is described, down to its suspensions.
        let term = &spec["components"]["schemas"]["DecisionTerm"]["properties"];
        for field in ["suspensions", "extension", "default_notice"] {
            assert!(term.get(field).is_some(), "DecisionTerm.{field}: {term}");
        }
    }

    #[test]
    fn a_count_under_the_small_cell_rule_is_a_number_from_5_or_the_text_less_than_5() {
        let spec = serde_json::to_value(spec()).unwrap();
        let count = &spec["components"]["schemas"]["Count"];
        assert_eq!(count["oneOf"][0]["type"], "integer", "{count}");
        assert_eq!(count["oneOf"][0]["minimum"], 5.0, "{count}");
        assert_eq!(count["oneOf"][1]["enum"][0], "<5", "{count}");
        let outcome = &spec["components"]["schemas"]["Outcome"]["properties"];
        assert!(outcome["per_organisation"].is_object(), "{outcome}");
    }
}
