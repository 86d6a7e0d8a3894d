//! From ZGW resources to regiedesk's cases and requests, as pure functions.
//!
//! The case system owns what it records (steps, who holds the case, the
//! eigenschappen, results, decisions); regiedesk owns the rest (versions,
//! stuck reports, the law's clock, waakvlam follow-ups, the history's
//! reasons). [`merge_case`] lays the former over the latter, and names each
//! difference as a history line, so a change made in the case system shows
//! on the desk like any other.

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use super::catalogue::Catalogue;
use super::config::{Secret, ZgwConfig};
use crate::domain::calendar::{end_of_day, start_of_day};
use crate::domain::model::{
    Case, CaseDomain, CaseEvent, CaseStatus, CloseResult, EventKind, Login, Request, RequestKind,
    RequestStatus, RiskFlag, Source,
};
use crate::domain::norms::Norms;

/// The login regiedesk writes history lines under for changes it learned
/// from the case system.
pub const CASE_SYSTEM: &str = "zaaksysteem";
/// The `bron` of the kenmerken regiedesk gives the zaken it knows.
pub const KENMERK_BRON: &str = "regiedesk";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Kenmerk {
    pub bron: String,
    pub kenmerk: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Zaak {
    pub url: String,
    pub identificatie: String,
    pub zaaktype: String,
    pub startdatum: NaiveDate,
    #[serde(default)]
    pub registratiedatum: Option<NaiveDate>,
    #[serde(default)]
    pub einddatum: Option<NaiveDate>,
    #[serde(default)]
    pub uiterlijke_einddatum_afdoening: Option<NaiveDate>,
    #[serde(default)]
    pub omschrijving: String,
    #[serde(default)]
    pub toelichting: String,
    #[serde(default)]
    pub hoofdzaak: Option<String>,
    #[serde(default)]
    pub deelzaken: Vec<String>,
    #[serde(default)]
    pub kenmerken: Vec<Kenmerk>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub resultaat: Option<String>,
    #[serde(default)]
    pub vertrouwelijkheidaanduiding: Option<String>,
    #[serde(default)]
    pub opschorting: Option<Opschorting>,
}

/// Whether a zaak's term stands still (Awb 4:15), and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Opschorting {
    #[serde(default)]
    pub indicatie: bool,
    #[serde(default)]
    pub reden: String,
}

impl Zaak {
    /// The number regiedesk gave it (its kenmerk), else the case system's.
    pub fn number(&self) -> String {
        self.kenmerken
            .iter()
            .find(|k| k.bron == KENMERK_BRON)
            .map(|k| k.kenmerk.clone())
            .unwrap_or_else(|| self.identificatie.clone())
    }

    pub fn is_closed(&self) -> bool {
        self.einddatum.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rol {
    pub url: String,
    #[serde(default)]
    pub zaak: Option<String>,
    pub roltype: String,
    #[serde(default)]
    pub betrokkene: String,
    #[serde(default)]
    pub betrokkene_type: String,
    #[serde(default)]
    pub roltoelichting: String,
    pub registratiedatum: DateTime<Utc>,
    #[serde(default)]
    pub betrokkene_identificatie: Option<Value>,
    /// ZGW 1.5: when the rol ended (a holder handed on).
    #[serde(default)]
    pub einde_geldigheid: Option<DateTime<Utc>>,
}

impl Rol {
    /// A medewerker's identificatie: the regiedesk login.
    pub fn medewerker(&self) -> Option<Login> {
        self.betrokkene_identificatie
            .as_ref()?
            .get("identificatie")?
            .as_str()
            .filter(|s| !s.is_empty())
            .map(String::from)
    }

    fn current(&self, now: DateTime<Utc>) -> bool {
        self.einde_geldigheid.is_none_or(|end| end > now)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub url: String,
    /// The zaak it is of (every list item carries it).
    #[serde(default)]
    pub zaak: Option<String>,
    pub statustype: String,
    pub datum_status_gezet: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZaakEigenschap {
    pub url: String,
    pub eigenschap: String,
    pub waarde: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resultaat {
    pub url: String,
    pub resultaattype: String,
    #[serde(default)]
    pub toelichting: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Besluit {
    pub url: String,
    #[serde(default)]
    pub identificatie: String,
    pub besluittype: String,
    #[serde(default)]
    pub zaak: String,
    pub datum: NaiveDate,
    #[serde(default)]
    pub toelichting: String,
}

/// One zaak with everything read about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ZaakRead {
    pub zaak: Zaak,
    pub rollen: Vec<Rol>,
    pub statussen: Vec<Status>,
    pub eigenschappen: Vec<ZaakEigenschap>,
    pub resultaat: Option<Resultaat>,
    pub besluiten: Vec<Besluit>,
}

impl ZaakRead {
    fn eigenschap(&self, url: &str) -> Option<&str> {
        self.eigenschappen
            .iter()
            .rev()
            .find(|e| e.eigenschap == url)
            .map(|e| e.waarde.as_str())
    }

    /// The current holder of a roltype (the latest registered, not ended).
    pub fn holder(&self, roltype: &str, now: DateTime<Utc>) -> Option<&Rol> {
        self.rollen
            .iter()
            .filter(|r| r.roltype == roltype && r.current(now))
            .max_by_key(|r| r.registratiedatum)
    }

    /// When the first status of `statustype` was set.
    fn first_status(&self, statustype: &str) -> Option<DateTime<Utc>> {
        self.statussen
            .iter()
            .filter(|s| s.statustype == statustype)
            .map(|s| s.datum_status_gezet)
            .min()
    }

    pub fn last_status(&self) -> Option<&Status> {
        self.statussen.iter().max_by_key(|s| s.datum_status_gezet)
    }
}

/// A case zaak and its request deelzaken.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRead {
    pub case: ZaakRead,
    pub requests: Vec<ZaakRead>,
}

/// What the case system says about a case, in regiedesk's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub url: String,
    pub number: String,
    /// The case system's own number, for when `number` is taken.
    pub identificatie: String,
    pub pseudonym: String,
    pub domain: CaseDomain,
    pub source: Source,
    pub risk_flags: Vec<RiskFlag>,
    pub status: CaseStatus,
    pub referred_at: DateTime<Utc>,
    pub casusregisseur: Option<Login>,
    /// When the current holder's rol was registered.
    pub assigned_at: Option<DateTime<Utc>>,
    /// When the case was first assigned: the Toegewezen status's moment,
    /// else the first holder's rol's registration.
    pub first_assigned_at: Option<DateTime<Utc>>,
    /// Whether `first_assigned_at` is a Toegewezen status's (the business
    /// time, which stands over a rol's registration).
    pub first_assigned_by_status: bool,
    pub first_contact_at: Option<DateTime<Utc>>,
    pub plan_at: Option<DateTime<Utc>>,
    /// When the last request of the case was filed (its deelzaak's first
    /// Ingediend status): filing is activity. Set by `with_filings`.
    pub last_filed_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_result: Option<CloseResult>,
    pub waakvlam_until: Option<NaiveDate>,
    pub escalated: bool,
    /// The current doorzettingsmacht rol's holder, reason and moment.
    pub doorzettingsmacht: Option<(Login, String, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestFacts {
    pub url: String,
    pub number: String,
    /// The case system's own number, for when `number` is taken.
    pub identificatie: String,
    pub kind: RequestKind,
    pub provision: String,
    pub motivation: String,
    pub in_plan: bool,
    pub filed_by: Login,
    pub filed_at: DateTime<Utc>,
    pub decide_by: DateTime<Utc>,
    pub status: RequestStatus,
    pub decided_by: Option<Login>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// Why a zaak cannot be shown: named, so the operator can mend it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{zaak}: {why}")]
pub struct Unmappable {
    pub zaak: String,
    pub why: String,
}

fn unmappable(zaak: &Zaak, why: impl Into<String>) -> Unmappable {
    Unmappable {
        zaak: zaak.identificatie.clone(),
        why: why.into(),
    }
}

/// The household's pseudonym: a keyed hash of the belanghebbende, so it is
/// stable across reads and reveals nothing without the key. Without a
/// belanghebbende, of the zaak itself (a household of its own).
pub fn pseudonym(key: &Secret, identity: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.expose().as_bytes()).expect("HMAC takes any key");
    mac.update(identity.as_bytes());
    let digest = mac.finalize().into_bytes();
    // 10 characters of 5 bits: 50 bits, no collision in a region's households.
    let mut bits: u64 = 0;
    for byte in &digest[..8] {
        bits = (bits << 8) | u64::from(*byte);
    }
    let code: String = (0..10)
        .map(|i| ALPHABET[((bits >> (59 - 5 * i)) & 31) as usize] as char)
        .collect();
    format!("H-{code}")
}

/// What identifies the belanghebbende, without keeping it: the betrokkene
/// URL, else the identification fields (BSN or other), else nothing.
fn belanghebbende_identity(rol: &Rol) -> Option<String> {
    if !rol.betrokkene.is_empty() {
        return Some(rol.betrokkene.clone());
    }
    let id = rol.betrokkene_identificatie.as_ref()?;
    ["inpBsn", "anpIdentificatie", "identificatie", "innNnpId"]
        .iter()
        .find_map(|field| id.get(*field)?.as_str().filter(|s| !s.is_empty()))
        .map(|value| format!("{}:{value}", rol.betrokkene_type))
}

/// The facts of a case zaak.
pub fn case_facts(
    read: &ZaakRead,
    catalogue: &Catalogue,
    config: &ZgwConfig,
    key: &Secret,
    now: DateTime<Utc>,
) -> Result<CaseFacts, Unmappable> {
    let zaak = &read.zaak;
    let types = &catalogue.case;
    if zaak.zaaktype != types.zaaktype {
        return Err(unmappable(zaak, "not a case zaaktype"));
    }
    let domain = match read.eigenschap(&types.domain) {
        Some(value) => value.parse::<CaseDomain>().map_err(|_| {
            unmappable(
                zaak,
                format!("domein {value:?} is not jeugd or volwassenen"),
            )
        })?,
        None => return Err(unmappable(zaak, "eigenschap domein is missing")),
    };
    // A missing or unknown verwijsbron is not a reason to hide a household.
    let source = read
        .eigenschap(&types.source)
        .and_then(|v| config.verwijsbron.get(v).copied())
        .unwrap_or(Source::Balie);
    let mut risk_flags: Vec<RiskFlag> = read
        .eigenschap(&types.risk)
        .unwrap_or("")
        .split(',')
        .filter_map(|v| config.risico.get(v.trim()).copied())
        .collect();
    risk_flags.sort();
    risk_flags.dedup();
    let escalated = matches!(
        read.eigenschap(&types.escalation),
        Some("geescaleerd" | "overgenomen")
    );
    let waakvlam_until = read
        .eigenschap(&types.waakvlam_until)
        .and_then(parse_zgw_date);
    let identity = read
        .holder(&types.household, now)
        .and_then(belanghebbende_identity)
        .unwrap_or_else(|| zaak.url.clone());
    let holder = read.holder(&types.casusregisseur, now);
    let casusregisseur = holder.and_then(Rol::medewerker);
    let step = |s: CaseStatus| types.statustypen.get(&s).map(String::as_str).unwrap_or("");
    // The first-contact norm runs from the first assignment: the moment
    // the case system's status Toegewezen names (business time, also when
    // the zaak was registered later), else the first behandelaar rol's
    // registration (the rol of an earlier holder may have been removed).
    let assigned_status = read.first_status(step(CaseStatus::Assigned));
    let first_assigned_at = assigned_status.or_else(|| {
        read.rollen
            .iter()
            .filter(|r| r.roltype == types.casusregisseur)
            .map(|r| r.registratiedatum)
            .min()
    });
    let referred_at = read
        .first_status(step(CaseStatus::Referred))
        .or_else(|| read.statussen.iter().map(|s| s.datum_status_gezet).min())
        .unwrap_or_else(|| start_of_day(zaak.startdatum));
    let closed_status = read.first_status(step(CaseStatus::Closed));
    let closed = zaak.is_closed() || closed_status.is_some();
    let mut status = read
        .last_status()
        .and_then(|s| catalogue.case_step(&s.statustype))
        .unwrap_or(CaseStatus::Referred);
    let (closed_at, close_result) = if closed {
        let at = closed_status
            .or_else(|| zaak.einddatum.map(end_of_day))
            .unwrap_or(now);
        let result = read
            .resultaat
            .as_ref()
            .map(|r| close_result_of(r, catalogue));
        match result {
            Some(CloseOutcome::Waakvlam(result)) if waakvlam_until.is_some() => {
                status = CaseStatus::Waakvlam;
                (Some(at), Some(result))
            }
            Some(CloseOutcome::Waakvlam(result)) | Some(CloseOutcome::Closed(result)) => {
                status = CaseStatus::Closed;
                (Some(at), Some(result))
            }
            None => {
                status = CaseStatus::Closed;
                (Some(at), None)
            }
        }
    } else {
        // 1 gezin, 1 plan, 1 regisseur: an open case is referred exactly
        // when nobody holds it, whatever step was set.
        status = match (status, &casusregisseur) {
            (CaseStatus::Closed | CaseStatus::Waakvlam, _) => CaseStatus::Execution,
            (_, None) => CaseStatus::Referred,
            (CaseStatus::Referred, Some(_)) => CaseStatus::Assigned,
            (other, Some(_)) => other,
        };
        (None, None)
    };
    let doorzettingsmacht = read.holder(&types.doorzettingsmacht, now).and_then(|r| {
        r.medewerker()
            .map(|login| (login, r.roltoelichting.clone(), r.registratiedatum))
    });
    Ok(CaseFacts {
        url: zaak.url.clone(),
        number: zaak.number(),
        identificatie: zaak.identificatie.clone(),
        pseudonym: pseudonym(key, &identity),
        domain,
        source,
        risk_flags,
        status,
        referred_at,
        assigned_at: holder.map(|r| r.registratiedatum),
        casusregisseur,
        first_assigned_at,
        first_assigned_by_status: assigned_status.is_some(),
        first_contact_at: read.first_status(step(CaseStatus::Contacted)),
        plan_at: read.first_status(step(CaseStatus::Plan)),
        last_filed_at: None,
        closed_at,
        close_result,
        waakvlam_until,
        escalated,
        doorzettingsmacht,
    })
}

impl CaseFacts {
    /// Adds when the case's requests were filed, from their deelzaken.
    pub fn with_filings(mut self, requests: &[ZaakRead], catalogue: &Catalogue) -> Self {
        self.last_filed_at = requests
            .iter()
            .filter_map(|r| {
                let kind = catalogue.request_kind(&r.zaak.zaaktype)?;
                r.first_status(&catalogue.requests[&kind].filed)
            })
            .max();
        self
    }
}

enum CloseOutcome {
    Closed(CloseResult),
    /// Closed with the waakvlam result (the close result is kept beside).
    Waakvlam(CloseResult),
}

/// The close result a resultaat stands for. Several results may share a
/// resultaattype; regiedesk writes its own name in the toelichting, which
/// decides between them.
fn close_result_of(resultaat: &Resultaat, catalogue: &Catalogue) -> CloseOutcome {
    let named = resultaat
        .toelichting
        .split_whitespace()
        .next()
        .and_then(|w| w.parse::<CloseResult>().ok());
    if resultaat.resultaattype == catalogue.case.waakvlam {
        return CloseOutcome::Waakvlam(named.unwrap_or(CloseResult::GoalsMet));
    }
    let candidates: Vec<CloseResult> = catalogue
        .case
        .close
        .iter()
        .filter(|(_, url)| **url == resultaat.resultaattype)
        .map(|(r, _)| *r)
        .collect();
    let result = named
        .filter(|n| candidates.contains(n))
        .or_else(|| candidates.first().copied())
        .unwrap_or(CloseResult::GoalsMet);
    CloseOutcome::Closed(result)
}

/// The date a besluit is taken on, as Open Zaak will accept it.
///
/// Open Zaak checks a besluit's `datum` against `timezone.now().date()`,
/// which is the UTC date: between midnight in Amsterdam and midnight UTC
/// (one hour in winter, two in summer) the local date is "in the future"
/// and the besluit is refused (`future_not_allowed`). In that hour the
/// besluit carries the UTC date, the day before; the decision's own
/// moment stays exact in regiedesk.
pub fn besluit_date(now: DateTime<Utc>) -> NaiveDate {
    crate::domain::calendar::local_date(now).min(now.date_naive())
}

/// A ZGW date eigenschap: `20270301` (formaat datum) or `2027-03-01`.
pub fn parse_zgw_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y%m%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y-%m-%d"))
        .ok()
}

/// The facts of a request deelzaak.
pub fn request_facts(
    read: &ZaakRead,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> Result<RequestFacts, Unmappable> {
    let zaak = &read.zaak;
    let kind = catalogue
        .request_kind(&zaak.zaaktype)
        .ok_or_else(|| unmappable(zaak, "not a request zaaktype"))?;
    let types = &catalogue.requests[&kind];
    let filer = read
        .holder(&types.filer, now)
        .and_then(Rol::medewerker)
        .ok_or_else(|| unmappable(zaak, "no initiator (who filed it)"))?;
    let filed_at = read
        .first_status(&types.filed)
        .unwrap_or_else(|| start_of_day(zaak.startdatum));
    let decide_by = zaak
        .uiterlijke_einddatum_afdoening
        .map(end_of_day)
        .ok_or_else(|| unmappable(zaak, "no uiterlijkeEinddatumAfdoening"))?;
    let status = match &read.resultaat {
        Some(r) if r.resultaattype == types.approved => RequestStatus::Approved,
        Some(r) if r.resultaattype == types.rejected => RequestStatus::Rejected,
        _ => RequestStatus::Pending,
    };
    let decided = status != RequestStatus::Pending;
    let besluit = read.besluiten.iter().max_by_key(|b| b.datum);
    Ok(RequestFacts {
        url: zaak.url.clone(),
        number: zaak.number(),
        identificatie: zaak.identificatie.clone(),
        kind,
        provision: zaak.omschrijving.clone(),
        motivation: zaak.toelichting.clone(),
        in_plan: read.eigenschap(&types.in_plan) == Some("ja"),
        filed_by: filer,
        filed_at,
        decide_by,
        status,
        decided_by: decided
            .then(|| read.holder(&types.decider, now).and_then(Rol::medewerker))
            .flatten(),
        decided_at: decided
            .then(|| {
                read.first_status(&types.decided)
                    .or_else(|| besluit.map(|b| end_of_day(b.datum)))
            })
            .flatten(),
        reason: besluit
            .map(|b| b.toelichting.clone())
            .filter(|t| decided && !t.is_empty()),
    })
}

/// `base` (regiedesk's state of the case, or a new referral) with the case
/// system's facts laid over it, and a history line for each thing the case
/// system changed. The version is `base`'s; the caller bumps it when the
/// result differs from what it stored.
pub fn merge_case(
    base: &Case,
    facts: &CaseFacts,
    norms: &Norms,
    now: DateTime<Utc>,
    organisation_of: &dyn Fn(&str) -> Option<String>,
) -> (Case, Vec<CaseEvent>) {
    let mut next = base.clone();
    let mut events = Vec::new();
    let line = |kind: EventKind, at: DateTime<Utc>| CaseEvent::new(at, CASE_SYSTEM, kind, None);
    // The number stays what the case was first projected as: the one the
    // desks and the people know it by.
    // A second open zaak of one household lives under `H-…-2` (see the
    // store): that is still this pseudonym.
    if !base.pseudonym.starts_with(&format!("{}-", facts.pseudonym)) {
        next.pseudonym = facts.pseudonym.clone();
    }
    next.domain = facts.domain;
    next.source = facts.source;
    next.risk_flags = facts.risk_flags.clone();
    next.referred_at = facts.referred_at;
    // After closing, who makes the waakvlam follow-up is regiedesk's to say.
    let follow_up_holder = base.closed_at.is_some() && facts.closed_at.is_some();
    if next.casusregisseur != facts.casusregisseur && !follow_up_holder {
        let at = facts.assigned_at.unwrap_or(now);
        let kind = match (&next.casusregisseur, &facts.doorzettingsmacht) {
            (_, Some((dzm, _, _))) if facts.casusregisseur.as_ref() == Some(dzm) => {
                EventKind::TakenOver
            }
            (None, _) => EventKind::Assigned,
            (Some(_), _) => EventKind::Reassigned,
        };
        events.push(CaseEvent {
            from: next.casusregisseur.clone(),
            to: facts.casusregisseur.clone(),
            ..line(kind, at)
        });
        next.casusregisseur = facts.casusregisseur.clone();
        next.organisation = facts
            .casusregisseur
            .as_deref()
            .and_then(organisation_of)
            .or(next.organisation.clone());
        next.assigned_at = facts.assigned_at;
        next.stuck_reported = false;
        next.stuck_reported_at = None;
        if next.casusregisseur.is_none() {
            next.organisation = None;
            next.assigned_at = None;
        }
    } else if !follow_up_holder && next.casusregisseur.is_some() {
        // The holder's rol dates the assignment, also when regiedesk made
        // it: its own clock and the case system's differ.
        next.assigned_at = facts.assigned_at.or(next.assigned_at);
    }
    // The norm runs from the first assignment. A Toegewezen status names
    // it truly, also when it came after a read that saw only the rol (the
    // rol and the status are writes, and notifications, of their own) or
    // is dated back; a rol's registration only stands in until then, and
    // never moves a due date once set (the first holder's rol may have
    // gone since).
    if let Some(at) = facts.first_assigned_at
        && (facts.first_assigned_by_status || next.first_contact_due_at.is_none())
    {
        next.first_contact_due_at = Some(norms.first_contact_due(at));
    }
    if let (None, Some(at)) = (next.first_contact_at, facts.first_contact_at) {
        events.push(line(EventKind::FirstContact, at));
    }
    next.first_contact_at = facts.first_contact_at.or(next.first_contact_at);
    if let (None, Some(at)) = (next.plan_at, facts.plan_at) {
        events.push(line(EventKind::Plan, at));
    }
    next.plan_at = facts.plan_at.or(next.plan_at);
    next.taken_over = facts
        .doorzettingsmacht
        .as_ref()
        .is_some_and(|(login, _, _)| facts.casusregisseur.as_ref() == Some(login));
    if next.escalated != facts.escalated {
        let kind = if facts.escalated {
            EventKind::Escalated
        } else {
            EventKind::Deescalated
        };
        events.push(line(kind, now));
        if facts.escalated && next.escalated_at.is_none() {
            next.escalated_at = Some(now);
            next.escalated_by = Some(CASE_SYSTEM.into());
        }
        next.escalated = facts.escalated;
    }
    if let (None, Some(closed_at)) = (next.closed_at, facts.closed_at) {
        events.push(CaseEvent {
            note: facts.close_result.map(|r| r.to_string()),
            ..line(EventKind::Closed, closed_at)
        });
    }
    next.status = facts.status;
    next.closed_at = facts.closed_at;
    next.close_result = facts.close_result;
    next.waakvlam_until = facts.waakvlam_until.filter(|_| facts.closed_at.is_some());
    // The no-activity clock: the referral, the first assignment, and what
    // was recorded since, as the case system dates it (first contact, plan,
    // a filed request); regiedesk's own records are already in `base`.
    next.last_activity_at = [
        Some(base.last_activity_at),
        Some(facts.referred_at),
        facts.first_assigned_at,
        facts.first_contact_at,
        facts.plan_at,
        facts.last_filed_at,
    ]
    .into_iter()
    .flatten()
    .max()
    .expect("at least the base's clock");
    (next, events)
}

/// A new case as regiedesk would have it before the case system's facts.
pub fn blank_case(facts: &CaseFacts) -> Case {
    let household = crate::domain::model::Household {
        id: 0,
        pseudonym: facts.pseudonym.clone(),
        members: 1,
    };
    let mut case = Case::referral(
        0,
        facts.number.clone(),
        &household,
        facts.domain,
        facts.source,
        facts.risk_flags.clone(),
        facts.referred_at,
    );
    case.version = 1;
    case
}

/// `base` with the request's facts laid over it (its term, and the deadline
/// once that term moved, stay regiedesk's), and the history lines for what
/// changed.
pub fn merge_request(base: &Request, facts: &RequestFacts) -> (Request, Vec<CaseEvent>) {
    let mut next = base.clone();
    next.kind = facts.kind;
    next.provision = facts.provision.clone();
    next.motivation = facts.motivation.clone();
    next.in_plan = facts.in_plan;
    next.filed_by = facts.filed_by.clone();
    next.filed_at = facts.filed_at;
    // Once regiedesk moved the term (suspension, extension), its own
    // deadline stands; it wrote it to the case system as well.
    if base.term == Default::default() {
        next.decide_by = facts.decide_by;
    }
    let mut events = Vec::new();
    if base.status == RequestStatus::Pending && facts.status != RequestStatus::Pending {
        events.push(CaseEvent {
            request_id: Some(base.id),
            decision: Some(match facts.status {
                RequestStatus::Rejected => crate::domain::model::Decision::Reject,
                _ => crate::domain::model::Decision::Approve,
            }),
            ..CaseEvent::new(
                facts.decided_at.unwrap_or(facts.filed_at),
                facts.decided_by.as_deref().unwrap_or(CASE_SYSTEM),
                EventKind::RequestDecided,
                facts.reason.clone(),
            )
        });
    }
    next.status = facts.status;
    next.decided_by = facts.decided_by.clone();
    next.decided_at = facts.decided_at;
    next.reason = facts.reason.clone();
    (next, events)
}

/// A new request as regiedesk would have it before the facts.
pub fn blank_request(facts: &RequestFacts, case_id: i64) -> Request {
    Request {
        id: 0,
        number: facts.number.clone(),
        case_id,
        kind: facts.kind,
        provision: facts.provision.clone(),
        motivation: facts.motivation.clone(),
        in_plan: facts.in_plan,
        filed_by: facts.filed_by.clone(),
        filed_at: facts.filed_at,
        decide_by: facts.decide_by,
        status: RequestStatus::Pending,
        decided_by: None,
        decided_at: None,
        reason: None,
        version: 1,
        term: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(moment: &str) -> DateTime<Utc> {
        moment.parse().unwrap()
    }

    #[test]
    fn a_besluit_never_carries_a_date_open_zaak_thinks_is_tomorrow() {
        let date = |d: &str| d.parse::<NaiveDate>().unwrap();
        // Afternoon: Amsterdam and UTC agree.
        assert_eq!(besluit_date(at("2026-12-07T13:00:00Z")), date("2026-12-07"));
        // 00:30 in Amsterdam in winter is 23:30 UTC the day before.
        assert_eq!(besluit_date(at("2026-12-07T23:30:00Z")), date("2026-12-07"));
        // 01:30 in Amsterdam in summer is 23:30 UTC too.
        assert_eq!(besluit_date(at("2026-07-07T23:30:00Z")), date("2026-07-07"));
        // From 00:00 UTC both are the new day.
        assert_eq!(besluit_date(at("2026-12-08T00:00:00Z")), date("2026-12-08"));
    }
}
