//! The `[auth]` section: which tokens the server accepts, and the
//! municipality's identity provider (OpenID Connect).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::policy::GuardedAction;
use crate::domain::model::Role;

#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Which static tokens (`regiedesk staff token`) open the API.
    pub static_tokens: StaticTokens,
    /// The municipality's identity provider; absent: static tokens only.
    pub oidc: Option<OidcConfig>,
}

/// Static tokens: `all` (people and service accounts; the demo), or
/// `service-only` (a person logs in through the identity provider; only
/// service accounts such as an export job keep a static token), or `none`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StaticTokens {
    #[default]
    All,
    ServiceOnly,
    None,
}

impl StaticTokens {
    pub fn admits(self, service: bool) -> bool {
        match self {
            StaticTokens::All => true,
            StaticTokens::ServiceOnly => service,
            StaticTokens::None => false,
        }
    }
}

/// `[auth.oidc]`: whom the server trusts to say who a caller is. Who may
/// do what stays regiedesk's (the staff table), unless `groups_claim` and
/// `group_roles` hand the role to the identity provider.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer, exactly as its tokens' `iss` says
    /// (`https://login.example.nl/realms/gemeente`). `https://`, or
    /// `http://` on this machine (for tests).
    pub issuer: String,
    /// The `aud` a token must carry to be meant for regiedesk.
    pub audience: String,
    /// The claim that holds the regiedesk login.
    #[serde(default = "login_claim")]
    pub login_claim: String,
    /// Leeway for `exp` and `nbf`, in seconds (0 to 300).
    #[serde(default = "clock_skew", deserialize_with = "skew_seconds")]
    pub clock_skew_seconds: u32,
    /// An unknown key id refreshes the issuer's keys at most this often,
    /// in seconds (1 to 300), so a stream of forged tokens cannot make
    /// the server hammer the identity provider. (They are also read every
    /// ten minutes whatever arrives.)
    #[serde(default = "key_refresh", deserialize_with = "refresh_seconds")]
    pub key_refresh_seconds: u32,
    /// A claim with the person's groups; with `group_roles` the identity
    /// provider decides the role.
    #[serde(default)]
    pub groups_claim: Option<String>,
    /// Group → regiedesk role (`"rd-procesregie-jeugd" =
    /// "procesregisseur_jeugd"`). A person in none of them is refused.
    #[serde(default)]
    pub group_roles: BTreeMap<String, Role>,
    /// Actions that need a token from a multi-factor login.
    #[serde(default)]
    pub require_mfa_for: Vec<GuardedAction>,
    /// `amr` values that count as multi-factor.
    #[serde(default = "mfa_amr")]
    pub mfa_amr_values: Vec<String>,
    /// `acr` values that count as multi-factor (a level of assurance).
    #[serde(default)]
    pub mfa_acr_values: Vec<String>,
    /// The desk's public client at the identity provider (device flow).
    #[serde(default = "desk_client_id")]
    pub desk_client_id: String,
    /// Other clients whose tokens (with `azp` or `client_id`) regiedesk
    /// accepts besides the desk's; a token issued to any other is refused.
    #[serde(default)]
    pub accepted_clients: Vec<String>,
    /// The scopes the desk asks for: `offline_access` for a refresh
    /// token, and whatever the provider needs to put `audience` in the
    /// access token (Entra ID: `api://…/regiedesk`).
    #[serde(default = "desk_scopes")]
    pub desk_scopes: Vec<String>,
}

fn login_claim() -> String {
    "preferred_username".into()
}
fn clock_skew() -> u32 {
    30
}
fn key_refresh() -> u32 {
    60
}
fn mfa_amr() -> Vec<String> {
    ["mfa", "otp", "hwk"].map(String::from).to_vec()
}
fn desk_client_id() -> String {
    "regiedesk-desk".into()
}
fn desk_scopes() -> Vec<String> {
    ["openid", "profile", "offline_access"]
        .map(String::from)
        .to_vec()
}

fn skew_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = u32::deserialize(d)?;
    if n > 300 {
        return Err(serde::de::Error::custom(format!(
            "clock_skew_seconds must be 0 to 300, not {n}"
        )));
    }
    Ok(n)
}

fn refresh_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = u32::deserialize(d)?;
    if !(1..=300).contains(&n) {
        return Err(serde::de::Error::custom(format!(
            "key_refresh_seconds must be 1 to 300, not {n}"
        )));
    }
    Ok(n)
}

impl OidcConfig {
    /// A configuration for tests and examples: everything defaulted.
    pub fn new(issuer: &str, audience: &str) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            login_claim: login_claim(),
            clock_skew_seconds: clock_skew(),
            key_refresh_seconds: key_refresh(),
            groups_claim: None,
            group_roles: BTreeMap::new(),
            require_mfa_for: Vec::new(),
            mfa_amr_values: mfa_amr(),
            mfa_acr_values: Vec::new(),
            desk_client_id: desk_client_id(),
            accepted_clients: Vec::new(),
            desk_scopes: desk_scopes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oidc_section_reads_with_its_defaults() {
        let config: AuthConfig = toml::from_str(
            r#"
            static_tokens = "service-only"
            [oidc]
            issuer = "https://login.example.nl/realms/gemeente"
            audience = "regiedesk"
            require_mfa_for = ["decide", "read_detail"]
            groups_claim = "groups"
            group_roles = { "rd-pr-jeugd" = "procesregisseur_jeugd" }
            "#,
        )
        .unwrap();
        assert_eq!(config.static_tokens, StaticTokens::ServiceOnly);
        let oidc = config.oidc.unwrap();
        assert_eq!(oidc.login_claim, "preferred_username");
        assert_eq!(
            oidc.require_mfa_for,
            [GuardedAction::Decide, GuardedAction::ReadDetail]
        );
        assert_eq!(oidc.group_roles["rd-pr-jeugd"], Role::ProcesregisseurJeugd);
        assert_eq!(oidc.mfa_amr_values, ["mfa", "otp", "hwk"]);
    }

    #[test]
    fn an_unknown_action_or_bad_number_is_refused() {
        let bad = |text: &str| toml::from_str::<AuthConfig>(text).unwrap_err().to_string();
        let oidc = "[oidc]\nissuer = \"https://x\"\naudience = \"a\"\n";
        assert!(bad(&format!("{oidc}require_mfa_for = [\"decidee\"]")).contains("decide"));
        assert!(bad(&format!("{oidc}clock_skew_seconds = 900")).contains("0 to 300"));
        assert!(bad(&format!("{oidc}key_refresh_seconds = 0")).contains("1 to 300"));
        assert!(bad(&format!("{oidc}key_refresh_seconds = 3600")).contains("1 to 300"));
        assert!(bad("static_tokens = \"some\"").contains("service-only"));
    }

    #[test]
    fn service_only_admits_service_accounts_alone() {
        assert!(StaticTokens::All.admits(false));
        assert!(StaticTokens::ServiceOnly.admits(true));
        assert!(!StaticTokens::ServiceOnly.admits(false));
        assert!(!StaticTokens::None.admits(true));
    }
}
