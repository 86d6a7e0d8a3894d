//! The ZGW source at work: reading zaken into the projection (on a
//! notification, on the reconciler's walk, at start) and writing what the
//! desk does to the case system.
//!
//! Every read and write of one case zaak (with its request deelzaken) runs
//! under that zaak's lock, because Open Zaak ignores `If-Match`: regiedesk
//! checks its own versions against the projection and then is the only
//! writer of that zaak until it has read the result back. Every write is
//! idempotent: before each step the zaak is looked at and a step already
//! done is skipped, so a step whose outcome was unknown (a 5xx) is resolved
//! by reading, and running the whole command again is safe. The projection
//! is always made from a fresh read, never from a write's answer.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::try_join_all;
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::domain::model::{Case, CaseEvent, Person, Request, Role};
use crate::domain::norms::Norms;
use crate::server::audit::AuditDraft;
use crate::server::store::{Projection, RequestProjection, Store, StoreError};
use crate::zgw::catalogue::{
    self, BesluitType, Catalogue, EigenschapType, NamedType, RawCatalogue, StatusType, ZaakType,
};
use crate::zgw::client::{OnBehalf, ZgwClient, ZgwError};
use crate::zgw::config::{Secret, ZgwConfig};
use crate::zgw::mapping::{
    self, Besluit, CaseRead, Resultaat, Rol, Status, Zaak, ZaakEigenschap, ZaakRead,
};
use crate::zgw::walk::Facts;

/// Runs a command's writes, and once more when the case system's answer
/// left the outcome unknown: every step looks before it writes, so the
/// second run does only what the first did not. (A macro, not a function
/// over an async closure: the handlers' futures must stay `Send`.)
macro_rules! once_more_if_unknown {
    ($url:expr, $push:expr) => {
        match $push.await {
            Err($crate::zgw::client::ZgwError::OutcomeUnknown(why)) => {
                tracing::warn!(url = %$url, %why, "outcome unknown; reading and trying once more");
                $push.await
            }
            done => done,
        }
    };
}

mod case_system;
mod follow;
mod pending;
mod write;

pub use follow::NewestHeads;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Zgw(#[from] ZgwError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unmappable(#[from] mapping::Unmappable),
    /// The write went out but reading back does not show it.
    #[error("het zaaksysteem heeft {0} niet vastgelegd")]
    NotRecorded(String),
    /// The case system did not answer; the command is held and completed
    /// later (see `pending`).
    #[error("held until the case system answers: {0}")]
    Held(ZgwError),
}

/// What one reconciler walk did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    pub listed: usize,
    pub reread: usize,
    pub changed: usize,
    pub failed: usize,
    pub elapsed_ms: u128,
}

/// How `ZgwSource::start` began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// An empty projection, read in full before serving.
    First {
        report: ReconcileReport,
        took: Duration,
    },
    /// Over a projection of this many zaken, served at once.
    Restart { projected: usize },
}

pub struct ZgwSource {
    client: ZgwClient,
    config: ZgwConfig,
    catalogue: Catalogue,
    key: Secret,
    store: Arc<dyn Store>,
    norms: Arc<Norms>,
    clock: Clock,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Notified URLs, each with whether it is known to be a case zaak.
    queue: mpsc::UnboundedSender<(String, bool)>,
    queued: Mutex<HashSet<String>>,
    /// The objects notifications announced lately (a rol, a status): the
    /// look at the newest does not queue their zaak a second time.
    announced: Mutex<follow::Announced>,
    receiver: Mutex<Option<mpsc::UnboundedReceiver<(String, bool)>>>,
    /// Where the next walk's rolling re-read starts (a zaak URL).
    rolling_from: Mutex<String>,
    /// The zaaktype of each statustype and roltype of ours: what the
    /// newest statussen and rollen are of.
    zaaktype_of_type: HashMap<String, String>,
    /// Notifications refused for a wrong header (see `notify::Refusals`).
    pub notification_refusals: crate::zgw::notify::Refusals,
}

/// Appends query parameters to a list URL.
fn with_query(root: &str, path: &str, query: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(&format!("{root}{path}")).expect("API roots are URLs");
    url.query_pairs_mut().extend_pairs(query);
    url.to_string()
}

fn uuid_of(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

impl ZgwSource {
    /// Reads and resolves the catalogue; refuses, naming everything that is
    /// missing, when the configuration does not fit it.
    pub async fn connect(
        config: ZgwConfig,
        store: Arc<dyn Store>,
        norms: Arc<Norms>,
        clock: Clock,
    ) -> anyhow::Result<Arc<Self>> {
        config
            .validate()
            .map_err(|e| anyhow::anyhow!("[zgw]: {e}"))?;
        let secret = config.client_secret().map_err(anyhow::Error::msg)?;
        let key = config.pseudonym_secret().map_err(anyhow::Error::msg)?;
        let client = ZgwClient::new(&config.client_id, &secret).confined_to(&[
            &config.zaken_api,
            &config.catalogi_api,
            &config.besluiten_api,
        ]);
        let raw = read_catalogue(&client, &config).await?;
        let catalogue = catalogue::resolve(&raw, &config).map_err(|missing| {
            anyhow::anyhow!(
                "the case system's catalogue does not fit [zgw]; missing:\n  - {}",
                missing.join("\n  - ")
            )
        })?;
        if config.closed_months < norms.waakvlam_max_months {
            anyhow::bail!(
                "[zgw] closed_months ({}) must cover [norms] waakvlam_max_months ({}): \
                 a waakvlam runs on a closed zaak",
                config.closed_months,
                norms.waakvlam_max_months
            );
        }
        let zaaktype_of_type = raw
            .statustypen
            .iter()
            .map(|t| (t.url.clone(), t.zaaktype.clone()))
            .chain(
                raw.roltypen
                    .iter()
                    .map(|t| (t.url.clone(), t.zaaktype.clone())),
            )
            .collect();
        let (queue, receiver) = mpsc::unbounded_channel();
        Ok(Arc::new(Self {
            client,
            config,
            catalogue,
            key,
            store,
            norms,
            clock,
            locks: Mutex::default(),
            queue,
            queued: Mutex::default(),
            announced: Mutex::default(),
            receiver: Mutex::new(Some(receiver)),
            rolling_from: Mutex::default(),
            zaaktype_of_type,
            notification_refusals: Default::default(),
        }))
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Counts a notification refused for a header that is not the
    /// abonnement's (see `notify::Refusals`).
    pub fn notification_refused(&self) {
        self.notification_refusals.refused(self.clock.now());
    }

    pub fn config(&self) -> &ZgwConfig {
        &self.config
    }

    fn lock_of(&self, url: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.locks
            .lock()
            .expect("lock map")
            .entry(url.to_string())
            .or_default()
            .clone()
    }

    fn zaken(&self, path: &str, query: &[(&str, &str)]) -> String {
        with_query(&self.config.zaken_api, path, query)
    }

    async fn read_zaak(&self, url: &str, requests: bool) -> Result<ZaakRead, ZgwError> {
        let me = OnBehalf::regiedesk();
        let zaak: Zaak = self.client.get(url, &me).await?;
        let rollen_url = self.zaken("rollen", &[("zaak", url)]);
        let statussen_url = self.zaken("statussen", &[("zaak", url)]);
        let eigenschappen_url =
            self.zaken(&format!("zaken/{}/zaakeigenschappen", uuid_of(url)), &[]);
        let besluiten_url = with_query(&self.config.besluiten_api, "besluiten", &[("zaak", url)]);
        let (rollen, statussen, eigenschappen) = tokio::try_join!(
            self.client.list::<Rol>(&rollen_url, &me),
            self.client.list::<Status>(&statussen_url, &me),
            self.client.list::<ZaakEigenschap>(&eigenschappen_url, &me),
        )?;
        let resultaat = match &zaak.resultaat {
            Some(r) if !r.is_empty() => Some(self.client.get::<Resultaat>(r, &me).await?),
            _ => None,
        };
        let besluiten = if requests {
            self.client.list::<Besluit>(&besluiten_url, &me).await?
        } else {
            Vec::new()
        };
        Ok(ZaakRead {
            zaak,
            rollen,
            statussen,
            eigenschappen,
            resultaat,
            besluiten,
        })
    }

    /// A case zaak with its request deelzaken (other deelzaken are not ours).
    pub async fn read_case(&self, url: &str) -> Result<CaseRead, ZgwError> {
        let case = self.read_zaak(url, false).await?;
        let requests = try_join_all(case.zaak.deelzaken.iter().map(|d| self.read_zaak(d, true)))
            .await?
            .into_iter()
            .filter(|r| self.catalogue.request_kind(&r.zaak.zaaktype).is_some())
            .collect();
        Ok(CaseRead { case, requests })
    }

    /// Reads a case zaak again and stores what changed. `None` when the
    /// zaak is not one of regiedesk's (another zaaktype) or has no status
    /// yet.
    pub async fn refresh(&self, url: &str) -> Result<Option<Refreshed>, SourceError> {
        let lock = self.lock_of(url);
        let _held = lock.lock().await;
        self.refresh_locked(url).await
    }

    /// As `refresh`, with the zaak's lock held: first completes what a
    /// command left pending on it, so that a half-made write is never
    /// projected as the case system's own.
    async fn refresh_locked(&self, url: &str) -> Result<Option<Refreshed>, SourceError> {
        self.complete_left(url).await?;
        self.read_and_project(url, None).await
    }

    /// Reads a case zaak and stores its projection, laid over what a
    /// command just `written` if one did.
    async fn read_and_project(
        &self,
        url: &str,
        written: Option<Written<'_>>,
    ) -> Result<Option<Refreshed>, SourceError> {
        let read = self.read_case(url).await?;
        if read.case.zaak.zaaktype != self.catalogue.case.zaaktype {
            return Ok(None);
        }
        // A zaak without a status is still being made: a ZGW client
        // creates the zaak, then its eigenschappen, rollen and first
        // status, each with a notification of its own. Projected now, its
        // referral would date from the startdatum and its history would
        // say what the zaak was half made; the status's notification (or
        // the walk) brings it when it is there.
        if read.case.statussen.is_empty() {
            tracing::debug!(%url, "a zaak without a status yet; left for now");
            return Ok(None);
        }
        let projection = self.project(&read, written).await?;
        let changed = projection.changed
            || projection
                .requests
                .iter()
                .any(|r| r.changed || r.expected_version.is_none());
        let case = self.store.save_projection(&projection).await?;
        Ok(Some(Refreshed { case, changed }))
    }

    /// Builds the projection of a read case: merged over what regiedesk
    /// holds (or, right after a command, over the command's own result).
    async fn project(
        &self,
        read: &CaseRead,
        written: Option<Written<'_>>,
    ) -> Result<Projection, SourceError> {
        let now = self.clock.now();
        let facts = mapping::case_facts(&read.case, &self.catalogue, &self.config, &self.key, now)?
            .with_filings(&read.requests, &self.catalogue);
        let stored = match self.store.zgw_link(&facts.url).await? {
            Some(link) => self.store.case(link.local_id).await?,
            None => None,
        };
        let mut people = Vec::new();
        let mut organisations = HashMap::new();
        for login in [
            facts.casusregisseur.clone(),
            facts.doorzettingsmacht.as_ref().map(|d| d.0.clone()),
        ]
        .into_iter()
        .flatten()
        {
            match self.store.person(&login).await? {
                Some(person) => {
                    organisations.insert(login, person.organisation);
                }
                None => {
                    tracing::warn!(%login, "the case system names a medewerker regiedesk does not know; registered inactive");
                    people.push(unknown_person(&login));
                }
            }
        }
        let organisation_of = |login: &str| organisations.get(login).cloned();
        let (base, mut events, expected, audit) = match (&written, &stored) {
            (Some(w), Some(stored)) => (
                Case {
                    // What the command moved on the no-activity clock the
                    // case system dates (a contact, a plan, a filing): the
                    // projection takes its dates, as a fresh read would.
                    last_activity_at: stored.last_activity_at,
                    ..w.case.clone()
                },
                if w.filed.is_some() {
                    Vec::new()
                } else {
                    vec![w.event.clone()]
                },
                Some(stored.version),
                Some(w.audit.clone()),
            ),
            (None, Some(stored)) => (stored.clone(), Vec::new(), Some(stored.version), None),
            (_, None) => (mapping::blank_case(&facts), Vec::new(), None, None),
        };
        let (mut case, derived) =
            mapping::merge_case(&base, &facts, &self.norms, now, &organisation_of);
        let is_new = stored.is_none();
        if is_new {
            events.push(CaseEvent::new(
                facts.referred_at,
                mapping::CASE_SYSTEM,
                crate::domain::model::EventKind::Referred,
                Some(facts.source.to_string()),
            ));
        }
        events.extend(derived);
        let changed = match &stored {
            Some(stored) => written.is_some() || &case != stored,
            None => true,
        };
        if let Some(stored) = &stored
            && changed
        {
            case.version = stored.version + 1;
        }
        let previous_casusregisseur = match &stored {
            Some(stored)
                if stored.casusregisseur.is_some()
                    && stored.casusregisseur != case.casusregisseur =>
            {
                stored.casusregisseur.clone()
            }
            _ => None,
        };
        let stored_requests: HashMap<i64, Request> = match &stored {
            Some(stored) => self
                .store
                .requests_of_case(stored.id)
                .await?
                .into_iter()
                .map(|r| (r.id, r))
                .collect(),
            None => HashMap::new(),
        };
        let mut requests = Vec::new();
        for request_read in &read.requests {
            let rf = mapping::request_facts(request_read, &self.catalogue, now)?;
            let known = self
                .store
                .zgw_link(&rf.url)
                .await?
                .and_then(|l| stored_requests.get(&l.local_id));
            // A deelzaak without a status is still being made (by a
            // command of its own, completed before this read, or by
            // another ZGW client): its status's notification brings it.
            if known.is_none() && request_read.statussen.is_empty() {
                tracing::debug!(url = %rf.url, "a deelzaak without a status yet; left for now");
                continue;
            }
            let written_request = written
                .as_ref()
                .and_then(|w| w.request)
                .filter(|r| known.is_some_and(|k| k.id == r.id));
            let (base, expected_version) = match (written_request, known) {
                (Some(w), Some(k)) => (w.clone(), Some(k.version)),
                (None, Some(k)) => (k.clone(), Some(k.version)),
                (_, None) => (mapping::blank_request(&rf, case.id), None),
            };
            let (mut merged, mut request_events) = mapping::merge_request(&base, &rf);
            if written_request.is_some() {
                // The command's own history line says it, with its reason.
                request_events.clear();
            }
            if expected_version.is_none() {
                let filed_here = written
                    .as_ref()
                    .filter(|w| w.filed == Some(rf.number.as_str()))
                    .map(|w| w.event.clone());
                let line = filed_here.unwrap_or_else(|| {
                    CaseEvent::new(
                        rf.filed_at,
                        &rf.filed_by,
                        crate::domain::model::EventKind::RequestFiled,
                        Some(rf.provision.clone()),
                    )
                });
                request_events.insert(
                    0,
                    CaseEvent {
                        request_id: Some(0),
                        ..line
                    },
                );
            }
            let changed = match known {
                Some(k) => written_request.is_some() || &merged != k,
                None => true,
            };
            if let Some(k) = known
                && changed
            {
                merged.version = k.version + 1;
            }
            requests.push(RequestProjection {
                url: rf.url.clone(),
                fallback_number: rf.identificatie.clone(),
                request: merged,
                expected_version,
                changed,
                events: request_events,
            });
        }
        let fingerprint = self.fingerprint_of_read(read);
        let registered = read
            .case
            .zaak
            .registratiedatum
            .unwrap_or(read.case.zaak.startdatum);
        Ok(Projection {
            url: facts.url.clone(),
            zaak_order: format!("{registered}|{}", facts.identificatie),
            fallback_number: facts.identificatie.clone(),
            fingerprint,
            case,
            expected_version: expected,
            changed,
            events,
            previous_casusregisseur,
            requests,
            people,
            audit: audit.or_else(|| changed.then(|| system_audit(now, "zgw.project"))),
            settles: written.as_ref().and_then(|w| w.settles),
        })
    }

    fn fingerprint_of_read(&self, read: &CaseRead) -> String {
        let behandelaars =
            current_behandelaars(&read.case.rollen, &self.catalogue.case.casusregisseur);
        let deelzaken: Vec<&Zaak> = read.requests.iter().map(|r| &r.zaak).collect();
        Facts::of_read(&read.case.zaak, &behandelaars, &deelzaken).fingerprint()
    }
}

/// A case read again and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Refreshed {
    pub case: Case,
    /// Whether the store was written (the case or one of its requests).
    pub changed: bool,
}

/// What regiedesk just did to a case, to lay the re-read over.
struct Written<'a> {
    case: &'a Case,
    event: &'a CaseEvent,
    request: Option<&'a Request>,
    /// The number of the request the command filed: the event is that
    /// request's history line, not the case's.
    filed: Option<&'a str>,
    audit: &'a AuditDraft,
    /// The pending command's entry the projection settles.
    settles: Option<i64>,
}

fn current_behandelaars(rollen: &[Rol], roltype: &str) -> Vec<String> {
    let mut logins: Vec<String> = rollen
        .iter()
        .filter(|r| r.roltype == roltype && r.einde_geldigheid.is_none())
        .filter_map(Rol::medewerker)
        .collect();
    logins.sort();
    logins
}

fn unknown_person(login: &str) -> Person {
    Person {
        login: login.into(),
        display_name: login.into(),
        role: Role::Casusregisseur,
        organisation: "onbekend".into(),
        specialism: None,
        capacity: None,
        active: false,
    }
}

fn system_audit(at: DateTime<Utc>, action: &str) -> AuditDraft {
    AuditDraft {
        at,
        actor: mapping::CASE_SYSTEM.into(),
        actor_role: None,
        on_behalf_of: "zaaksysteem".into(),
        case_id: None,
        request_id: None,
        action: action.into(),
        result: "ok".into(),
        reason: None,
    }
}

async fn read_catalogue(client: &ZgwClient, config: &ZgwConfig) -> anyhow::Result<RawCatalogue> {
    let me = OnBehalf::regiedesk();
    let root = &config.catalogi_api;
    let mut raw = RawCatalogue::default();
    for identificatie in [
        &config.zaaktypen.case,
        &config.zaaktypen.jeugdhulp,
        &config.zaaktypen.wmo_maatwerk,
    ] {
        let url = with_query(root, "zaaktypen", &[("identificatie", identificatie)]);
        let zaaktypen: Vec<ZaakType> = client
            .list(&url, &me)
            .await
            .map_err(|e| anyhow::anyhow!("reading the catalogue ({url}): {e}"))?;
        for zt in &zaaktypen {
            let q = [("zaaktype", zt.url.as_str())];
            raw.statustypen.extend(
                client
                    .list::<StatusType>(&with_query(root, "statustypen", &q), &me)
                    .await?,
            );
            raw.roltypen.extend(
                client
                    .list::<NamedType>(&with_query(root, "roltypen", &q), &me)
                    .await?,
            );
            raw.resultaattypen.extend(
                client
                    .list::<NamedType>(&with_query(root, "resultaattypen", &q), &me)
                    .await?,
            );
            raw.eigenschappen.extend(
                client
                    .list::<EigenschapType>(&with_query(root, "eigenschappen", &q), &me)
                    .await?,
            );
        }
        raw.zaaktypen.extend(zaaktypen);
    }
    raw.besluittypen = client
        .list::<BesluitType>(&with_query(root, "besluittypen", &[]), &me)
        .await?;
    Ok(raw)
}

impl From<SourceError> for crate::server::error::ApiError {
    fn from(error: SourceError) -> Self {
        use crate::server::error::ApiError;
        match error {
            SourceError::Store(e) => e.into(),
            SourceError::Zgw(ZgwError::Refused { detail, code, .. }) => {
                ApiError::Conflict(format!("het zaaksysteem weigert dit: {code} {detail}"))
            }
            SourceError::Zgw(ZgwError::Forbidden(_)) => ApiError::Forbidden(
                "regiedesk mag deze zaak in het zaaksysteem niet wijzigen".into(),
            ),
            SourceError::Zgw(ZgwError::NotFound(_)) => {
                ApiError::NotFound("deze zaak bestaat niet meer in het zaaksysteem".into())
            }
            SourceError::Held(_) => ApiError::CaseSystem(
                "het zaaksysteem antwoordt nu niet. regiedesk heeft uw wijziging vastgehouden \
                 en maakt haar af zodra het weer antwoordt; u ziet haar dan op het bord. \
                 U hoeft haar niet opnieuw te geven."
                    .into(),
            ),
            other => {
                tracing::warn!(error = %other, "case system write not completed");
                ApiError::CaseSystem(
                    "het zaaksysteem antwoordt niet zoals verwacht; er is niets gewijzigd \
                     dat niet in het zaaksysteem staat. Probeer het zo opnieuw."
                        .into(),
                )
            }
        }
    }
}
