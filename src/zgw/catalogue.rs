//! The case system's catalogue, resolved against the `[zgw]` mapping: every
//! name the configuration uses becomes the URL the APIs speak, and every
//! name that is not there is reported, all at once, before the server
//! starts.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::config::ZgwConfig;
use crate::domain::model::{CaseStatus, CloseResult, RequestKind};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZaakType {
    pub url: String,
    pub identificatie: String,
    #[serde(default)]
    pub concept: bool,
    #[serde(default)]
    pub einde_geldigheid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusType {
    pub url: String,
    pub omschrijving: String,
    pub zaaktype: String,
    pub volgnummer: i64,
}

/// A roltype, a resultaattype: a name within one zaaktype.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedType {
    pub url: String,
    pub omschrijving: String,
    pub zaaktype: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EigenschapType {
    pub url: String,
    pub naam: String,
    pub zaaktype: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BesluitType {
    pub url: String,
    #[serde(default)]
    pub omschrijving: Option<String>,
    #[serde(default)]
    pub zaaktypen: Vec<String>,
}

/// What was read from the Catalogi API for the configured zaaktypen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawCatalogue {
    pub zaaktypen: Vec<ZaakType>,
    pub statustypen: Vec<StatusType>,
    pub roltypen: Vec<NamedType>,
    pub resultaattypen: Vec<NamedType>,
    pub eigenschappen: Vec<EigenschapType>,
    pub besluittypen: Vec<BesluitType>,
}

/// The zaaktype of a case and its types, by regiedesk's meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTypes {
    pub zaaktype: String,
    /// The statustype of each step (`Waakvlam` has none: it is `Closed`
    /// with a waakvlam result).
    pub statustypen: BTreeMap<CaseStatus, String>,
    pub casusregisseur: String,
    pub doorzettingsmacht: String,
    pub household: String,
    pub close: BTreeMap<CloseResult, String>,
    pub waakvlam: String,
    pub domain: String,
    pub source: String,
    pub risk: String,
    pub escalation: String,
    pub waakvlam_until: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTypes {
    pub zaaktype: String,
    pub filed: String,
    pub decided: String,
    pub filer: String,
    pub decider: String,
    pub approved: String,
    pub rejected: String,
    pub in_plan: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    pub case: CaseTypes,
    pub requests: BTreeMap<RequestKind, RequestTypes>,
    pub besluittype: String,
}

impl Catalogue {
    /// The request kind of a zaaktype URL, if it is one of ours.
    pub fn request_kind(&self, zaaktype: &str) -> Option<RequestKind> {
        self.requests
            .iter()
            .find(|(_, t)| t.zaaktype == zaaktype)
            .map(|(k, _)| *k)
    }

    pub fn case_step(&self, statustype: &str) -> Option<CaseStatus> {
        self.case
            .statustypen
            .iter()
            .find(|(_, url)| *url == statustype)
            .map(|(s, _)| *s)
    }
}

/// Collects what the configuration names but the catalogue lacks.
struct Resolver<'a> {
    raw: &'a RawCatalogue,
    missing: Vec<String>,
}

/// Where in the configuration a name of this kind is set, for the
/// beheerder who must change it.
fn config_section(what: &str) -> &'static str {
    match what {
        "statustype" => "[zgw.statustypen] or [zgw.request_statustypen]",
        "roltype" => "[zgw.roltypen]",
        "resultaattype" => "[zgw.resultaattypen]",
        "eigenschap" => "[zgw.eigenschappen]",
        _ => "[zgw]",
    }
}

impl Resolver<'_> {
    fn zaaktype(&mut self, identificatie: &str) -> String {
        // The version in force: not a concept, not ended.
        let found = self
            .raw
            .zaaktypen
            .iter()
            .filter(|z| z.identificatie == identificatie && !z.concept)
            .find(|z| z.einde_geldigheid.is_none());
        match found {
            Some(z) => z.url.clone(),
            None => {
                self.missing.push(format!(
                    "zaaktype {identificatie:?} (published and in force); set in [zgw.zaaktypen]"
                ));
                String::new()
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn pick<'t, T>(
        &mut self,
        items: &'t [T],
        zaaktype: &str,
        name: &str,
        what: &str,
        zt_of: impl Fn(&T) -> &str,
        name_of: impl Fn(&T) -> &str,
        url_of: impl Fn(&'t T) -> &'t str,
    ) -> String {
        if zaaktype.is_empty() {
            return String::new();
        }
        match items
            .iter()
            .find(|i| zt_of(i) == zaaktype && name_of(i) == name)
        {
            Some(item) => url_of(item).to_string(),
            None => {
                // The zaaktype by its identificatie, as the beheerder knows
                // it from the catalogue, not by its URL.
                let identificatie = self
                    .raw
                    .zaaktypen
                    .iter()
                    .find(|z| z.url == zaaktype)
                    .map_or(zaaktype, |z| z.identificatie.as_str());
                self.missing.push(format!(
                    "{what} {name:?} of zaaktype {identificatie:?}; set in {}",
                    config_section(what)
                ));
                String::new()
            }
        }
    }

    fn status(&mut self, zt: &str, name: &str) -> String {
        let items = &self.raw.statustypen;
        self.pick(
            items,
            zt,
            name,
            "statustype",
            |s| &s.zaaktype,
            |s| &s.omschrijving,
            |s| &s.url,
        )
    }

    fn rol(&mut self, zt: &str, name: &str) -> String {
        let items = &self.raw.roltypen;
        self.pick(
            items,
            zt,
            name,
            "roltype",
            |s| &s.zaaktype,
            |s| &s.omschrijving,
            |s| &s.url,
        )
    }

    fn resultaat(&mut self, zt: &str, name: &str) -> String {
        let items = &self.raw.resultaattypen;
        self.pick(
            items,
            zt,
            name,
            "resultaattype",
            |s| &s.zaaktype,
            |s| &s.omschrijving,
            |s| &s.url,
        )
    }

    fn eigenschap(&mut self, zt: &str, name: &str) -> String {
        let items = &self.raw.eigenschappen;
        self.pick(
            items,
            zt,
            name,
            "eigenschap",
            |s| &s.zaaktype,
            |s| &s.naam,
            |s| &s.url,
        )
    }
}

/// Resolves the configuration's names, or lists every one that is missing.
pub fn resolve(raw: &RawCatalogue, config: &ZgwConfig) -> Result<Catalogue, Vec<String>> {
    let mut r = Resolver {
        raw,
        missing: Vec::new(),
    };
    let zt = r.zaaktype(&config.zaaktypen.case);
    let s = &config.statustypen;
    let statustypen: BTreeMap<CaseStatus, String> = [
        (CaseStatus::Referred, &s.referred),
        (CaseStatus::Assigned, &s.assigned),
        (CaseStatus::Contacted, &s.contacted),
        (CaseStatus::Plan, &s.plan),
        (CaseStatus::Execution, &s.execution),
        (CaseStatus::Closed, &s.closed),
    ]
    .into_iter()
    .map(|(step, name)| (step, r.status(&zt, name)))
    .collect();
    let rt = &config.roltypen;
    let res = &config.resultaattypen;
    let e = &config.eigenschappen;
    let mut close = BTreeMap::new();
    for result in CloseResult::ALL {
        match res.close.get(result) {
            Some(name) => {
                close.insert(*result, r.resultaat(&zt, name));
            }
            None => r.missing.push(format!(
                "[zgw.resultaattypen.close] has no entry for {result}"
            )),
        }
    }
    let case = CaseTypes {
        statustypen,
        casusregisseur: r.rol(&zt, &rt.casusregisseur),
        doorzettingsmacht: r.rol(&zt, &rt.doorzettingsmacht),
        household: r.rol(&zt, &rt.household),
        close,
        waakvlam: r.resultaat(&zt, &res.waakvlam),
        domain: r.eigenschap(&zt, &e.domain),
        source: r.eigenschap(&zt, &e.source),
        risk: r.eigenschap(&zt, &e.risk),
        escalation: r.eigenschap(&zt, &e.escalation),
        waakvlam_until: r.eigenschap(&zt, &e.waakvlam_until),
        zaaktype: zt,
    };
    let mut requests = BTreeMap::new();
    for (kind, identificatie) in [
        (RequestKind::Jeugdhulp, &config.zaaktypen.jeugdhulp),
        (RequestKind::WmoMaatwerk, &config.zaaktypen.wmo_maatwerk),
    ] {
        let zt = r.zaaktype(identificatie);
        let rs = &config.request_statustypen;
        let types = RequestTypes {
            filed: r.status(&zt, &rs.filed),
            decided: r.status(&zt, &rs.decided),
            filer: r.rol(&zt, &rt.filer),
            decider: r.rol(&zt, &rt.decider),
            approved: r.resultaat(&zt, &res.approved),
            rejected: r.resultaat(&zt, &res.rejected),
            in_plan: r.eigenschap(&zt, &e.in_plan),
            zaaktype: zt,
        };
        requests.insert(kind, types);
    }
    let besluittype = match raw
        .besluittypen
        .iter()
        .find(|b| b.omschrijving.as_deref() == Some(config.besluittype.as_str()))
    {
        Some(b) => {
            for types in requests.values() {
                if !types.zaaktype.is_empty() && !b.zaaktypen.contains(&types.zaaktype) {
                    r.missing.push(format!(
                        "besluittype {:?} is not allowed on zaaktype {}",
                        config.besluittype, types.zaaktype
                    ));
                }
            }
            b.url.clone()
        }
        None => {
            r.missing
                .push(format!("besluittype {:?}", config.besluittype));
            String::new()
        }
    };
    if r.missing.is_empty() {
        Ok(Catalogue {
            case,
            requests,
            besluittype,
        })
    } else {
        Err(r.missing)
    }
}
