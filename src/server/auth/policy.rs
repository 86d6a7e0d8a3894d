//! What a request does, in the words `require_mfa_for` uses, and whether
//! a verified identity may do it: the multi-factor rule and the role the
//! identity provider's groups give. Pure functions over plain data.

use std::collections::BTreeMap;

use axum::http::Method;
use serde::Deserialize;

use crate::domain::model::Role;

/// An action of the API that `require_mfa_for` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GuardedAction {
    /// Read the boards (`/sync`, `/me`).
    Sync,
    /// A case's or a request's full history (`GET /cases/{id}`).
    ReadDetail,
    /// Approve or reject a request for specialist care.
    Decide,
    /// Assign or reassign a case, hand on a waakvlam.
    Assign,
    /// Escalate, take over, de-escalate.
    Escalate,
    /// Move a decision term: suspend, resume, extend, an ingebrekestelling.
    MoveTerm,
    /// Refer a case, file a request, record contact, plan, activity, stuck,
    /// melding, onderzoek, a waakvlam follow-up.
    Record,
    /// Close a case.
    Close,
    /// Read the audit log.
    ReadAudit,
    /// Throughput figures.
    ReadFigures,
}

impl GuardedAction {
    pub fn as_str(self) -> &'static str {
        match self {
            GuardedAction::Sync => "sync",
            GuardedAction::ReadDetail => "read_detail",
            GuardedAction::Decide => "decide",
            GuardedAction::Assign => "assign",
            GuardedAction::Escalate => "escalate",
            GuardedAction::MoveTerm => "move_term",
            GuardedAction::Record => "record",
            GuardedAction::Close => "close",
            GuardedAction::ReadAudit => "read_audit",
            GuardedAction::ReadFigures => "read_figures",
        }
    }
}

/// The action of a request to the API, from its method and its path below
/// `/api/v1`; `None` for what is not an action (the OpenAPI document).
pub fn action_of(method: &Method, path: &str) -> Option<GuardedAction> {
    use GuardedAction::*;
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let read = method == Method::GET || method == Method::HEAD;
    Some(match (read, segments.as_slice()) {
        (true, ["me"] | ["sync"]) => Sync,
        (true, ["cases" | "requests", _]) => ReadDetail,
        (true, ["audit"]) => ReadAudit,
        (true, ["stats", ..]) => ReadFigures,
        (false, ["requests", _, "decision"]) => Decide,
        (
            false,
            [
                "requests",
                _,
                "suspension" | "resumption" | "extension" | "default-notice",
            ],
        ) => MoveTerm,
        (false, ["cases", _, "assign"] | ["cases", _, "waakvlam", "assign"]) => Assign,
        (false, ["cases", _, "escalate" | "takeover" | "deescalate"]) => Escalate,
        (false, ["cases", _, "close"]) => Close,
        (false, ["cases" | "households", ..]) => Record,
        _ => return None,
    })
}

/// How a person logged in, as their token says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginStrength {
    pub amr: Vec<String>,
    pub acr: Option<String>,
}

impl LoginStrength {
    /// Whether the login was multi-factor: an `amr` value or the `acr`
    /// among those configured.
    pub fn is_multi_factor(&self, amr_values: &[String], acr_values: &[String]) -> bool {
        self.amr.iter().any(|m| amr_values.contains(m))
            || self.acr.as_ref().is_some_and(|a| acr_values.contains(a))
    }
}

/// The role the identity provider's groups give: that of the configured
/// groups the person is in. Groups that give different roles are refused
/// rather than guessed between.
pub fn role_from_groups(
    groups: &[String],
    group_roles: &BTreeMap<String, Role>,
) -> Result<Role, String> {
    let mut roles: Vec<Role> = group_roles
        .iter()
        .filter(|(group, _)| groups.contains(group))
        .map(|(_, role)| *role)
        .collect();
    roles.sort();
    roles.dedup();
    match roles.as_slice() {
        [role] => Ok(*role),
        [] => Err("u zit in geen groep die toegang geeft tot regiedesk".into()),
        _ => Err(format!(
            "uw groepen geven meer dan één rol ({}); de beheerder van de identiteitsprovider moet kiezen",
            roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GuardedAction::*;

    #[test]
    fn each_route_is_one_action() {
        let post = Method::POST;
        let get = Method::GET;
        assert_eq!(action_of(&get, "/api/v1/sync"), Some(Sync));
        assert_eq!(action_of(&get, "/api/v1/me"), Some(Sync));
        assert_eq!(action_of(&get, "/api/v1/cases/12"), Some(ReadDetail));
        assert_eq!(action_of(&get, "/api/v1/requests/3"), Some(ReadDetail));
        assert_eq!(
            action_of(&post, "/api/v1/requests/3/decision"),
            Some(Decide)
        );
        assert_eq!(
            action_of(&post, "/api/v1/requests/3/extension"),
            Some(MoveTerm)
        );
        assert_eq!(action_of(&post, "/api/v1/cases/3/assign"), Some(Assign));
        assert_eq!(
            action_of(&post, "/api/v1/cases/3/waakvlam/assign"),
            Some(Assign)
        );
        assert_eq!(action_of(&post, "/api/v1/cases/3/takeover"), Some(Escalate));
        assert_eq!(action_of(&post, "/api/v1/cases/3/close"), Some(Close));
        assert_eq!(action_of(&post, "/api/v1/cases/3/contact"), Some(Record));
        assert_eq!(action_of(&post, "/api/v1/cases"), Some(Record));
        assert_eq!(action_of(&get, "/api/v1/audit"), Some(ReadAudit));
        assert_eq!(
            action_of(&get, "/api/v1/stats/throughput"),
            Some(ReadFigures)
        );
        assert_eq!(action_of(&get, "/api/v1/openapi.json"), None);
        // A decision is not a detail read because it is a POST.
        assert_ne!(action_of(&post, "/api/v1/requests/3"), Some(ReadDetail));
    }

    #[test]
    fn multi_factor_is_an_amr_or_an_acr_that_is_configured() {
        let amr = ["mfa".to_string(), "otp".to_string(), "hwk".to_string()];
        let acr = ["urn:loa:midden".to_string()];
        let pwd = LoginStrength {
            amr: vec!["pwd".into()],
            acr: Some("urn:loa:basis".into()),
        };
        assert!(!pwd.is_multi_factor(&amr, &acr));
        let otp = LoginStrength {
            amr: vec!["pwd".into(), "otp".into()],
            acr: None,
        };
        assert!(otp.is_multi_factor(&amr, &acr));
        let level = LoginStrength {
            amr: vec![],
            acr: Some("urn:loa:midden".into()),
        };
        assert!(level.is_multi_factor(&amr, &acr));
        assert!(!level.is_multi_factor(&amr, &[]));
    }

    #[test]
    fn groups_give_one_role_or_none() {
        let table: BTreeMap<String, Role> = [
            ("rd-jeugd".to_string(), Role::ProcesregisseurJeugd),
            ("rd-cr".to_string(), Role::Casusregisseur),
            ("rd-cr-2".to_string(), Role::Casusregisseur),
        ]
        .into();
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            role_from_groups(&groups(&["other", "rd-jeugd"]), &table),
            Ok(Role::ProcesregisseurJeugd)
        );
        assert_eq!(
            role_from_groups(&groups(&["rd-cr", "rd-cr-2"]), &table),
            Ok(Role::Casusregisseur)
        );
        assert!(role_from_groups(&groups(&["other"]), &table).is_err());
        assert!(
            role_from_groups(&groups(&["rd-jeugd", "rd-cr"]), &table)
                .unwrap_err()
                .contains("meer dan één rol")
        );
    }
}
