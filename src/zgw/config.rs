//! The `[zgw]` section: where the municipality's ZGW case system is, how
//! regiedesk authenticates, and how its catalogue maps onto regiedesk's
//! steps, roles, results and fields. Every mapping is by the catalogue's
//! own names (omschrijving, identificatie, eigenschapnaam), so one
//! configuration survives a new version of a zaaktype; at start the server
//! resolves them to URLs and refuses to start when one is missing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::domain::model::{CloseResult, RiskFlag, Source};

#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZgwConfig {
    /// Root of the Zaken API, e.g. `https://zaken.gemeente.nl/zaken/api/v1/`.
    pub zaken_api: String,
    pub catalogi_api: String,
    pub besluiten_api: String,
    /// The client id the case system knows regiedesk by (the JWT's `iss`).
    pub client_id: String,
    /// The client's secret: in the environment variable named here, in a
    /// file, or (for a test machine only) inline. Never logged.
    #[serde(default)]
    pub secret_env: Option<String>,
    #[serde(default)]
    pub secret_file: Option<PathBuf>,
    #[serde(default)]
    pub secret: Option<String>,
    /// RSIN of the municipality: bronorganisatie and verantwoordelijke
    /// organisatie of the zaken and besluiten regiedesk creates.
    pub rsin: String,
    /// The key of the household pseudonym (a keyed hash of the zaak's
    /// belanghebbende), like the secret: `pseudonym_key_env`,
    /// `pseudonym_key_file` or `pseudonym_key`.
    #[serde(default)]
    pub pseudonym_key_env: Option<String>,
    #[serde(default)]
    pub pseudonym_key_file: Option<PathBuf>,
    #[serde(default)]
    pub pseudonym_key: Option<String>,
    /// The Authorization header value the Notificaties API sends to
    /// regiedesk's callback (the abonnement's `auth`); or in the variable
    /// named by `notification_auth_env`.
    #[serde(default)]
    pub notification_auth: Option<String>,
    #[serde(default)]
    pub notification_auth_env: Option<String>,
    /// Seconds between two walks of the flat lists (10 to 3600).
    #[serde(default = "default_reconcile_seconds")]
    pub reconcile_seconds: u64,
    /// Local hour (0–23) of the nightly full re-read.
    #[serde(default = "default_full_reread_hour")]
    pub full_reread_hour: u32,
    /// Zaken each walk reads again in turn, changed or not (0 to 1000): a
    /// change the lists do not show (an eigenschap) whose notification was
    /// lost is caught within (open zaken ÷ this) walks, not only at night.
    #[serde(default = "default_reread_per_walk")]
    pub reread_per_walk: usize,
    /// Seconds between two looks at the newest statussen and rollen (2 to
    /// 600; 0: no looks). Nearly every write in the case system makes one
    /// of them, so a change whose notification was lost reaches the desks
    /// in seconds instead of at the next walk.
    #[serde(default = "default_watch_seconds")]
    pub watch_seconds: u64,
    /// Months a closed zaak is followed after its einddatum (1 to 120, and
    /// at least `[norms] waakvlam_max_months`): its waakvlam runs that long,
    /// and Doorstroom counts what closed. Older closed zaken stay as
    /// projected, and a first start does not read them.
    #[serde(default = "default_closed_months")]
    pub closed_months: u32,
    #[serde(default)]
    pub zaaktypen: Zaaktypen,
    #[serde(default)]
    pub statustypen: CaseStatustypen,
    #[serde(default)]
    pub request_statustypen: RequestStatustypen,
    #[serde(default)]
    pub roltypen: Roltypen,
    #[serde(default)]
    pub resultaattypen: Resultaattypen,
    #[serde(default)]
    pub eigenschappen: Eigenschappen,
    #[serde(default = "default_besluittype")]
    pub besluittype: String,
    /// Values of the `verwijsbron` eigenschap and the source each means.
    #[serde(default = "default_sources")]
    pub verwijsbron: BTreeMap<String, Source>,
    /// Values in the comma-separated `risico` eigenschap and the flag each
    /// means.
    #[serde(default = "default_risks")]
    pub risico: BTreeMap<String, RiskFlag>,
}

/// A secret that does not print itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A secret made in code, for tests.
    pub fn for_tests(value: &str) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Reads a secret from the first of: the variable named `env`, the file,
/// the inline value. `what` names it in the error.
fn read_secret(
    what: &str,
    env: Option<&str>,
    file: Option<&PathBuf>,
    inline: Option<&str>,
) -> Result<Secret, String> {
    if let Some(var) = env {
        return match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_string())),
            _ => Err(format!("{what}: the environment variable {var} is not set")),
        };
    }
    if let Some(path) = file {
        return match std::fs::read_to_string(path) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_string())),
            Ok(_) => Err(format!("{what}: {} is empty", path.display())),
            Err(e) => Err(format!("{what}: cannot read {}: {e}", path.display())),
        };
    }
    match inline {
        Some(v) if !v.is_empty() => Ok(Secret(v.to_string())),
        _ => Err(format!("{what}: set {what}_env, {what}_file or {what}")),
    }
}

impl ZgwConfig {
    pub fn client_secret(&self) -> Result<Secret, String> {
        read_secret(
            "secret",
            self.secret_env.as_deref(),
            self.secret_file.as_ref(),
            self.secret.as_deref(),
        )
    }

    pub fn pseudonym_secret(&self) -> Result<Secret, String> {
        read_secret(
            "pseudonym_key",
            self.pseudonym_key_env.as_deref(),
            self.pseudonym_key_file.as_ref(),
            self.pseudonym_key.as_deref(),
        )
    }

    /// The header the notification callback must carry.
    pub fn notification_header(&self) -> Result<Secret, String> {
        read_secret(
            "notification_auth",
            self.notification_auth_env.as_deref(),
            None,
            self.notification_auth.as_deref(),
        )
    }

    /// Checks what serde cannot: bounds and that the secrets are there.
    pub fn validate(&self) -> Result<(), String> {
        if !(10..=3600).contains(&self.reconcile_seconds) {
            return Err(format!(
                "reconcile_seconds must be 10 to 3600, not {}",
                self.reconcile_seconds
            ));
        }
        if self.full_reread_hour > 23 {
            return Err("full_reread_hour must be 0 to 23".into());
        }
        if self.reread_per_walk > 1000 {
            return Err(format!(
                "reread_per_walk must be 0 to 1000, not {}",
                self.reread_per_walk
            ));
        }
        if self.watch_seconds != 0 && !(2..=600).contains(&self.watch_seconds) {
            return Err(format!(
                "watch_seconds must be 0 (no looks) or 2 to 600, not {}",
                self.watch_seconds
            ));
        }
        if !(1..=120).contains(&self.closed_months) {
            return Err(format!(
                "closed_months must be 1 to 120, not {}",
                self.closed_months
            ));
        }
        for root in [&self.zaken_api, &self.catalogi_api, &self.besluiten_api] {
            let url = url::Url::parse(root).map_err(|e| format!("{root:?}: {e}"))?;
            if !url.path().ends_with('/') {
                return Err(format!("API root {root:?} must end with /"));
            }
        }
        self.client_secret()?;
        self.pseudonym_secret()?;
        self.notification_header()?;
        Ok(())
    }
}

fn default_reconcile_seconds() -> u64 {
    60
}

fn default_full_reread_hour() -> u32 {
    3
}

fn default_reread_per_walk() -> usize {
    25
}

fn default_watch_seconds() -> u64 {
    5
}

fn default_closed_months() -> u32 {
    24
}

fn default_besluittype() -> String {
    "Besluit op aanvraag specialistische zorg".into()
}

fn default_sources() -> BTreeMap<String, Source> {
    [
        ("huisarts", Source::Huisarts),
        ("wijkteam", Source::Cjg),
        ("school", Source::School),
        ("politie", Source::Politie),
        ("zelfmelding", Source::Zelf),
        ("veilig_thuis", Source::VeiligThuis),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn default_risks() -> BTreeMap<String, RiskFlag> {
    [
        ("veiligheid", RiskFlag::ChildSafety),
        ("huiselijk_geweld", RiskFlag::DomesticViolence),
        ("zorgmijder", RiskFlag::CareAvoider),
        ("agressie", RiskFlag::Aggression),
        ("pers_politiek", RiskFlag::PressPolitical),
        ("justitie", RiskFlag::Justice),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Zaaktypen by identificatie.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Zaaktypen {
    /// The zaaktype of a case (casusregie).
    pub case: String,
    /// Deelzaak of a request for specialist youth care.
    pub jeugdhulp: String,
    /// Deelzaak of a Wmo maatwerk request.
    pub wmo_maatwerk: String,
}

impl Default for Zaaktypen {
    fn default() -> Self {
        Self {
            case: "KST-CASUSREGIE".into(),
            jeugdhulp: "KST-AANVRAAG-SPEC".into(),
            wmo_maatwerk: "KST-AANVRAAG-WMO".into(),
        }
    }
}

/// A case's steps, by statustype omschrijving.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CaseStatustypen {
    pub referred: String,
    pub assigned: String,
    pub contacted: String,
    pub plan: String,
    pub execution: String,
    pub closed: String,
}

impl Default for CaseStatustypen {
    fn default() -> Self {
        Self {
            referred: "Aangemeld".into(),
            assigned: "Toegewezen".into(),
            contacted: "Eerste contact".into(),
            plan: "Plan vastgesteld".into(),
            execution: "In uitvoering".into(),
            closed: "Afgesloten".into(),
        }
    }
}

/// A request's steps, by statustype omschrijving (both request zaaktypen).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RequestStatustypen {
    pub filed: String,
    pub decided: String,
}

impl Default for RequestStatustypen {
    fn default() -> Self {
        Self {
            filed: "Ingediend".into(),
            decided: "Besloten".into(),
        }
    }
}

/// Roles, by roltype omschrijving.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Roltypen {
    /// On a case: the casusregisseur (generiek behandelaar).
    pub casusregisseur: String,
    /// On a case: the doorzettingsmacht regisseur (generiek beslisser).
    pub doorzettingsmacht: String,
    /// On a case: the household (belanghebbende): the pseudonym's source.
    pub household: String,
    /// On a request: who filed it (initiator).
    pub filer: String,
    /// On a request: who decided under mandate (beslisser).
    pub decider: String,
}

impl Default for Roltypen {
    fn default() -> Self {
        Self {
            casusregisseur: "Casusregisseur".into(),
            doorzettingsmacht: "Doorzettingsmacht".into(),
            household: "Huishouden".into(),
            filer: "Aanvrager (casusregisseur)".into(),
            decider: "Beslisser (mandaat)".into(),
        }
    }
}

/// Results, by resultaattype omschrijving.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Resultaattypen {
    /// Each close result of regiedesk and the resultaattype it is filed
    /// under; several may share one (the exact result is then kept in the
    /// resultaat's toelichting).
    pub close: BTreeMap<CloseResult, String>,
    /// Closed with a waakvlam date.
    pub waakvlam: String,
    pub approved: String,
    pub rejected: String,
}

impl Default for Resultaattypen {
    fn default() -> Self {
        Self {
            close: [
                (CloseResult::GoalsMet, "Doelen bereikt"),
                (CloseResult::ReferredOn, "Overgedragen"),
                (CloseResult::Refused, "Gestopt"),
                (CloseResult::Moved, "Gestopt"),
                (CloseResult::NoCaseNeeded, "Gestopt"),
            ]
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
            waakvlam: "Waakvlam".into(),
            approved: "Toegekend".into(),
            rejected: "Afgewezen".into(),
        }
    }
}

/// Fields kept as zaakeigenschappen, by eigenschapnaam.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Eigenschappen {
    pub domain: String,
    pub source: String,
    pub risk: String,
    pub escalation: String,
    pub waakvlam_until: String,
    /// On a request: part of the plan (`ja`/`nee`).
    pub in_plan: String,
}

impl Default for Eigenschappen {
    fn default() -> Self {
        Self {
            domain: "domein".into(),
            source: "verwijsbron".into(),
            risk: "risico".into(),
            escalation: "escalatie".into(),
            waakvlam_until: "waakvlam_tot".into(),
            in_plan: "in_plan".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> &'static str {
        r#"
        zaken_api = "http://oz.test/zaken/api/v1/"
        catalogi_api = "http://oz.test/catalogi/api/v1/"
        besluiten_api = "http://oz.test/besluiten/api/v1/"
        client_id = "regiedesk"
        secret = "s3cret-value"
        rsin = "002220647"
        pseudonym_key = "key"
        notification_auth = "Token abc"
        "#
    }

    #[test]
    fn a_minimal_section_takes_the_seeded_catalogue_names() {
        let config: ZgwConfig = toml::from_str(minimal()).unwrap();
        config.validate().unwrap();
        assert_eq!(config.zaaktypen.case, "KST-CASUSREGIE");
        assert_eq!(config.statustypen.plan, "Plan vastgesteld");
        assert_eq!(config.verwijsbron["wijkteam"], Source::Cjg);
        assert_eq!(config.reconcile_seconds, 60);
    }

    #[test]
    fn a_secret_never_prints() {
        let config: ZgwConfig = toml::from_str(minimal()).unwrap();
        let secret = config.client_secret().unwrap();
        assert_eq!(secret.expose(), "s3cret-value");
        assert!(!format!("{secret:?}").contains("s3cret"));
    }

    #[test]
    fn a_secret_named_by_an_unset_variable_is_refused_by_name() {
        let text = minimal().replace(
            "secret = \"s3cret-value\"",
            "secret_env = \"REGIEDESK_TEST_SURELY_UNSET_VAR\"",
        );
        let config: ZgwConfig = toml::from_str(&text).unwrap();
        let error = config.validate().unwrap_err();
        assert!(error.contains("REGIEDESK_TEST_SURELY_UNSET_VAR"), "{error}");
    }

    #[test]
    fn a_secret_file_is_read_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "from-file\n").unwrap();
        let text = minimal().replace(
            "secret = \"s3cret-value\"",
            &format!("secret_file = {:?}", path.display().to_string()),
        );
        let config: ZgwConfig = toml::from_str(&text).unwrap();
        assert_eq!(config.client_secret().unwrap().expose(), "from-file");
    }

    #[test]
    fn bounds_and_roots_are_checked() {
        let mut config: ZgwConfig = toml::from_str(minimal()).unwrap();
        config.reconcile_seconds = 5;
        assert!(config.validate().unwrap_err().contains("reconcile_seconds"));
        config.reconcile_seconds = 60;
        config.reread_per_walk = 1001;
        assert!(config.validate().unwrap_err().contains("reread_per_walk"));
        config.reread_per_walk = 25;
        config.watch_seconds = 1;
        assert!(config.validate().unwrap_err().contains("watch_seconds"));
        config.watch_seconds = 0;
        assert!(config.validate().is_ok(), "0 turns the looks off");
        config.closed_months = 0;
        assert!(config.validate().unwrap_err().contains("closed_months"));
        config.closed_months = 24;
        config.zaken_api = "http://oz.test/zaken/api/v1".into();
        assert!(config.validate().unwrap_err().contains("must end with /"));
    }

    #[test]
    fn unknown_keys_and_values_are_refused() {
        let text = format!("{}\nzaaktype = \"x\"", minimal());
        assert!(toml::from_str::<ZgwConfig>(&text).is_err());
        let text = format!("{}\n[verwijsbron]\nbuurman = \"neighbour\"", minimal());
        assert!(toml::from_str::<ZgwConfig>(&text).is_err());
    }

    /// The commented example in config/regiedesk.toml, uncommented, is a
    /// valid section whose tables say exactly the defaults.
    #[test]
    fn the_example_configuration_shows_the_defaults() {
        let example = include_str!("../../config/regiedesk.toml");
        let start = example
            .find("# [zgw]\n")
            .expect("the example has a [zgw] block");
        let text: String = example[start..]
            .lines()
            .filter_map(|l| {
                l.strip_prefix("# ")
                    .or(if l == "#" { Some("") } else { None })
            })
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        #[derive(Deserialize)]
        struct Doc {
            zgw: ZgwConfig,
        }
        let example: ZgwConfig = toml::from_str::<Doc>(&text).unwrap().zgw;
        let defaults: ZgwConfig = toml::from_str(minimal()).unwrap();
        assert_eq!(example.zaaktypen, defaults.zaaktypen);
        assert_eq!(example.statustypen, defaults.statustypen);
        assert_eq!(example.request_statustypen, defaults.request_statustypen);
        assert_eq!(example.roltypen, defaults.roltypen);
        assert_eq!(example.resultaattypen, defaults.resultaattypen);
        assert_eq!(example.eigenschappen, defaults.eigenschappen);
        assert_eq!(example.verwijsbron, defaults.verwijsbron);
        assert_eq!(example.risico, defaults.risico);
        assert_eq!(example.besluittype, defaults.besluittype);
        assert_eq!(example.reconcile_seconds, defaults.reconcile_seconds);
        assert_eq!(example.full_reread_hour, defaults.full_reread_hour);
        assert_eq!(example.reread_per_walk, defaults.reread_per_walk);
        assert_eq!(example.secret_env.as_deref(), Some("REGIEDESK_ZGW_SECRET"));
    }
}
