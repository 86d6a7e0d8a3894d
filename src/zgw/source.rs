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
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::future::try_join_all;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::catalogue::{
    self, BesluitType, Catalogue, EigenschapType, NamedType, RawCatalogue, StatusType, ZaakType,
};
use super::client::{OnBehalf, ZgwClient, ZgwError};
use super::config::{Secret, ZgwConfig};
use super::mapping::{
    self, Besluit, CaseRead, Resultaat, Rol, Status, Zaak, ZaakEigenschap, ZaakRead,
};
use super::walk::{Facts, Head, Newest, Walk};
use crate::clock::Clock;
use crate::domain::calendar::local_date;
use crate::domain::lifecycle::{NewRequest, Transition};
use crate::domain::model::{Case, CaseEvent, CaseStatus, Person, Request, RequestStatus, Role};
use crate::domain::norms::Norms;
use crate::server::audit::AuditDraft;
use crate::server::store::{Projection, RequestProjection, Store, StoreError, ZgwKind};

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
    announced: Mutex<Announced>,
    receiver: Mutex<Option<mpsc::UnboundedReceiver<(String, bool)>>>,
    /// Where the next walk's rolling re-read starts (a zaak URL).
    rolling_from: Mutex<String>,
    /// The zaaktype of each statustype and roltype of ours: what the
    /// newest statussen and rollen are of.
    zaaktype_of_type: HashMap<String, String>,
    /// Notifications refused for a wrong header (see `notify::Refusals`).
    pub notification_refusals: super::notify::Refusals,
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
        self.refresh_locked(url, None).await
    }

    async fn refresh_locked(
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
        let facts = mapping::case_facts(&read.case, &self.catalogue, &self.config, &self.key, now)?;
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
                w.case.clone(),
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
        if let (Some(stored), None) = (&stored, &written)
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
            if let (Some(k), None) = (known, written_request)
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
        Ok(Projection {
            url: facts.url.clone(),
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
        })
    }

    fn fingerprint_of_read(&self, read: &CaseRead) -> String {
        let behandelaars =
            current_behandelaars(&read.case.rollen, &self.catalogue.case.casusregisseur);
        let deelzaken: Vec<&Zaak> = read.requests.iter().map(|r| &r.zaak).collect();
        Facts::of_read(&read.case.zaak, &behandelaars, &deelzaken).fingerprint()
    }

    /// Learns that a zaak changed (from a notification): queues it for a
    /// re-read unless it is queued already. A notification names the
    /// zaaktype: a case zaak is then read without first asking what it is.
    pub fn notify(&self, url: &str, zaaktype: Option<&str>) {
        if self.queued.lock().expect("queued").insert(url.to_string()) {
            let is_case = zaaktype == Some(self.catalogue.case.zaaktype.as_str());
            let _ = self.queue.send((url.to_string(), is_case));
        }
    }

    /// Notes the object a notification was about (its `resourceUrl`), so
    /// that the look at the newest passes it over: its zaak is read
    /// already.
    /// Whether a URL lies below the configured APIs (a notification's
    /// objects must).
    /// Refused ones are logged and counted.
    pub fn follows(&self, url: &str) -> bool {
        self.client.check(url).is_ok()
    }

    /// How many URLs outside the configured APIs were refused.
    pub fn foreign_refused(&self) -> u64 {
        self.client.foreign_refused()
    }

    pub fn announced(&self, resource_url: &str) {
        self.announced.lock().expect("announced").note(resource_url);
    }

    /// Which case zaak a notified object belongs to.
    async fn case_url_of(&self, url: &str) -> Result<Option<String>, ZgwError> {
        let me = OnBehalf::regiedesk();
        if url.starts_with(&self.config.besluiten_api) {
            let besluit: Besluit = self.client.get(url, &me).await?;
            return Box::pin(self.case_url_of(&besluit.zaak)).await;
        }
        let zaak: Zaak = self.client.get(url, &me).await?;
        if zaak.zaaktype == self.catalogue.case.zaaktype {
            Ok(Some(zaak.url))
        } else if self.catalogue.request_kind(&zaak.zaaktype).is_some() {
            Ok(zaak.hoofdzaak)
        } else {
            Ok(None)
        }
    }

    /// Re-reads one notified object's case. Unknown, deleted and
    /// out-of-scope zaken are logged and left.
    pub async fn handle_notified(&self, url: &str, is_case: bool) {
        let case_url = if is_case {
            Ok(Some(url.to_string()))
        } else {
            self.case_url_of(url).await
        };
        let case_url = match case_url {
            Ok(Some(case_url)) => case_url,
            Ok(None) => return,
            Err(ZgwError::NotFound(_)) | Err(ZgwError::Forbidden(_)) => {
                tracing::info!(%url, "notified about a zaak regiedesk may not or cannot read; left");
                return;
            }
            Err(error) => {
                tracing::warn!(%url, %error, "notified zaak not read; the reconciler will");
                return;
            }
        };
        match self.refresh(&case_url).await {
            Ok(_) => {}
            Err(SourceError::Zgw(ZgwError::NotFound(_) | ZgwError::Forbidden(_))) => {
                tracing::info!(url = %case_url, "notified about a zaak regiedesk may not or cannot read; left");
            }
            Err(error) => {
                tracing::warn!(url = %case_url, %error, "notified zaak not projected; the reconciler will");
            }
        }
    }

    /// Starts the source as `serve` does. A first start (an empty
    /// projection) reads the whole case system before it returns: the desks
    /// would have nothing to see. A restart returns at once, so the
    /// projection is served while the reconciler's first walk reads it all
    /// again (at 5,000 zaken that takes about a quarter of an hour).
    pub async fn start(
        self: &Arc<Self>,
    ) -> Result<(Started, Vec<tokio::task::JoinHandle<()>>), SourceError> {
        let projected = self.store.zgw_links().await?.len();
        if projected > 0 {
            return Ok((Started::Restart { projected }, self.spawn_with_full_walk()));
        }
        let began = Instant::now();
        let report = self.reconcile(true).await?;
        let took = began.elapsed();
        Ok((Started::First { report, took }, self.spawn()))
    }

    /// Starts the notification worker and the reconciler (a walk every
    /// interval, a full one every night; the one at start is the caller's).
    pub fn spawn(self: &Arc<Self>) -> Vec<tokio::task::JoinHandle<()>> {
        self.spawn_walking(false)
    }

    /// As `spawn`, with the full walk at start as the reconciler's first:
    /// for a restart over a projection, which the desks can be served from
    /// while it runs (at 5,000 zaken it takes minutes).
    pub fn spawn_with_full_walk(self: &Arc<Self>) -> Vec<tokio::task::JoinHandle<()>> {
        self.spawn_walking(true)
    }

    fn spawn_walking(self: &Arc<Self>, full_first: bool) -> Vec<tokio::task::JoinHandle<()>> {
        let mut receiver = self
            .receiver
            .lock()
            .expect("receiver")
            .take()
            .expect("spawned once");
        let worker = {
            let source = self.clone();
            tokio::spawn(async move {
                while let Some((url, is_case)) = receiver.recv().await {
                    source.queued.lock().expect("queued").remove(&url);
                    source.handle_notified(&url, is_case).await;
                }
            })
        };
        let reconciler = {
            let source = self.clone();
            tokio::spawn(async move {
                let interval = Duration::from_secs(source.config.reconcile_seconds);
                // A walk starts every interval, not an interval after the
                // last one ended: at 5,000 zaken the lists alone take many
                // seconds, and a missed change should wait one interval
                // plus one walk at most, not twice the walk. A walk longer
                // than the interval is followed at once by the next.
                let mut ticks =
                    tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                // The full walk at start is the caller's, or this task's first.
                let mut last_full = (!full_first).then(|| local_date(source.clock.now()));
                let mut first = full_first;
                loop {
                    if !std::mem::take(&mut first) {
                        ticks.tick().await;
                    }
                    let today = local_date(source.clock.now());
                    let full = last_full.is_none_or(|day| {
                        day != today
                            && chrono::Timelike::hour(
                                &source
                                    .clock
                                    .now()
                                    .with_timezone(&chrono_tz::Europe::Amsterdam),
                            ) >= source.config.full_reread_hour
                    });
                    match source.reconcile(full).await {
                        Ok(report) => {
                            if full {
                                last_full = Some(today);
                            }
                            tracing::info!(full, ?report, "reconciled with the case system");
                        }
                        Err(error) => tracing::warn!(%error, "reconciling failed; next interval"),
                    }
                }
            })
        };
        let mut tasks = vec![worker, reconciler];
        if self.config.watch_seconds > 0 {
            let source = self.clone();
            tasks.push(tokio::spawn(async move {
                let every = Duration::from_secs(source.config.watch_seconds);
                let mut ticks = tokio::time::interval(every);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                let mut heads = NewestHeads::default();
                // Said once when the looks start failing, and once when
                // they work again: not every few seconds.
                let mut failing = false;
                loop {
                    ticks.tick().await;
                    match source.look_at_newest(&mut heads).await {
                        Ok(queued) => {
                            if std::mem::take(&mut failing) {
                                tracing::info!("looking at the newest statussen and rollen again");
                            }
                            if queued > 0 {
                                tracing::debug!(queued, "new statussen or rollen");
                            }
                        }
                        Err(error) if !failing => {
                            failing = true;
                            tracing::warn!(%error, "cannot look at the newest statussen and rollen; the walk goes on");
                        }
                        Err(_) => {}
                    }
                }
            }));
        }
        tasks
    }

    /// Walks the flat lists and reads again each case zaak they show
    /// changed (every followed one, when `full`), acting on each page as it
    /// arrives: a zaak a page shows changed is read while the lists go on
    /// (`zgw::walk` says which). When every list is in, so is each zaak
    /// that lost a fact, then `reread_per_walk` zaken in turn for what no
    /// list shows (an eigenschap).
    ///
    /// The walk follows the open case zaken and those closed in the last
    /// `closed_months`, and the open request deelzaken: it grows with the
    /// caseload, not with the years of history (only the rollen list, which
    /// cannot be filtered by its zaak's state, holds every year).
    pub async fn reconcile(&self, full: bool) -> Result<ReconcileReport, SourceError> {
        let started = Instant::now();
        let me = OnBehalf::regiedesk();
        let stored: HashMap<String, Facts> = self
            .store
            .zgw_links()
            .await?
            .into_iter()
            .filter(|l| l.kind == ZgwKind::Case)
            .map(|l| (l.url, Facts::parse(&l.fingerprint)))
            .collect();
        let since = local_date(self.clock.now())
            .checked_sub_months(chrono::Months::new(self.config.closed_months))
            .expect("closed_months is at most 120");
        let walk = Mutex::new(Walk::new(stored, since, full));
        let (stale_to, mut stale) = mpsc::unbounded_channel::<String>();

        let case_zt = self.catalogue.case.zaaktype.as_str();
        let since_text = since.to_string();
        let case_lists = [
            self.zaken(
                "zaken",
                &[("zaaktype", case_zt), ("einddatum__isnull", "true")],
            ),
            self.zaken(
                "zaken",
                &[
                    ("zaaktype", case_zt),
                    ("einddatum__gt", since_text.as_str()),
                ],
            ),
        ];
        let request_lists: Vec<String> = self
            .catalogue
            .requests
            .values()
            .map(|t| {
                self.zaken(
                    "zaken",
                    &[
                        ("zaaktype", t.zaaktype.as_str()),
                        ("einddatum__isnull", "true"),
                    ],
                )
            })
            .collect();
        let rollen_list = self.zaken("rollen", &[("omschrijvingGeneriek", "behandelaar")]);
        let roltype = self.catalogue.case.casusregisseur.as_str();

        let lists = {
            // Moved in: the re-reads end when the lists are done with it.
            let stale_to = stale_to;
            let (walk, me) = (&walk, &me);
            async move {
                let send = |urls: Vec<String>| {
                    for url in urls {
                        let _ = stale_to.send(url);
                    }
                    true
                };
                let cases = case_lists.iter().map(|url| {
                    self.client.each_page(url, me, |page: Vec<Zaak>| {
                        send(walk.lock().expect("walk").cases(&page))
                    })
                });
                let requests = request_lists.iter().map(|url| {
                    self.client.each_page(url, me, |page: Vec<Zaak>| {
                        send(walk.lock().expect("walk").deelzaken(&page))
                    })
                });
                let holders = self.client.each_page(&rollen_list, me, |page: Vec<Rol>| {
                    send(walk.lock().expect("walk").holders(&page, roltype))
                });
                tokio::try_join!(try_join_all(cases), try_join_all(requests), holders)?;
                let mut walk = walk.lock().expect("walk");
                let in_turn = if full {
                    HashSet::new()
                } else {
                    self.rolling_turn(walk.listed())
                };
                send(walk.finish(&in_turn));
                Ok::<usize, ZgwError>(walk.listed().len())
            }
        };
        // A few at a time: the case system serves the desks' writes too.
        let rereads = async {
            let mut report = ReconcileReport::default();
            let mut running = futures_util::stream::FuturesUnordered::new();
            let mut more = true;
            loop {
                tokio::select! {
                    next = stale.recv(), if more && running.len() < 8 => match next {
                        Some(url) => running.push(self.reread(url)),
                        None => more = false,
                    },
                    Some((url, result)) = running.next(), if !running.is_empty() => {
                        report.reread += 1;
                        match result {
                            Ok(Some(Refreshed { changed: true, .. })) => report.changed += 1,
                            Ok(_) => {}
                            Err(error) => {
                                report.failed += 1;
                                tracing::warn!(%url, %error, "zaak not projected");
                            }
                        }
                    }
                    else => break,
                }
            }
            report
        };
        let (listed, mut report) = tokio::join!(lists, rereads);
        report.listed = listed?;
        report.elapsed_ms = started.elapsed().as_millis();
        Ok(report)
    }

    async fn reread(&self, url: String) -> (String, Result<Option<Refreshed>, SourceError>) {
        let result = self.refresh(&url).await;
        (url, result)
    }

    /// The zaken this walk reads again in turn: the next
    /// `reread_per_walk` after where the last walk stopped, in URL order,
    /// wrapping round.
    fn rolling_turn(&self, listed: &[String]) -> HashSet<String> {
        let mut urls: Vec<&str> = listed.iter().map(String::as_str).collect();
        urls.sort_unstable();
        urls.dedup();
        let mut from = self.rolling_from.lock().expect("rolling");
        let start = urls.partition_point(|u| *u <= from.as_str());
        let turn: Vec<&str> = urls
            .iter()
            .cycle()
            .skip(start)
            .take(self.config.reread_per_walk.min(urls.len()))
            .copied()
            .collect();
        if let Some(last) = turn.last() {
            *from = last.to_string();
        }
        turn.into_iter().map(String::from).collect()
    }

    /// Looks at the newest statussen and rollen (both lists are newest
    /// first) and queues the zaak of each one of ours the last look did not
    /// see, as a notification would: a status set, a holder, an escalation,
    /// a decision, a filed request each make one. So a change whose
    /// notification was lost reaches the desks within `watch_seconds`; what
    /// makes none (an eigenschap, a moved term, a rol ended) waits for the
    /// walk. The first look only takes note. The number of zaken queued.
    pub async fn look_at_newest(&self, heads: &mut NewestHeads) -> Result<usize, ZgwError> {
        let page = NEWEST_PAGE.to_string();
        let statussen = self.zaken("statussen", &[("pageSize", page.as_str())]);
        let rollen = self.zaken("rollen", &[("pageSize", page.as_str())]);
        let (statussen, rollen) = tokio::try_join!(
            self.head(&statussen, &heads.statussen, |s: Status| Newest::of_status(
                &s
            )),
            self.head(&rollen, &heads.rollen, |r: Rol| Newest::of_rol(&r)),
        )?;
        let mut fresh = heads.statussen.look(statussen);
        fresh.extend(heads.rollen.look(rollen));
        {
            let announced = self.announced.lock().expect("announced");
            fresh.retain(|n| !announced.has(&n.url));
        }
        let mut queued = HashSet::new();
        for newest in fresh {
            // Not of our zaaktypen: another department's.
            if let Some(zaaktype) = self.zaaktype_of_type.get(&newest.kind)
                && queued.insert(newest.zaak.clone())
            {
                self.notify(&newest.zaak, Some(zaaktype));
            }
        }
        Ok(queued.len())
    }

    /// The head of one list: its first page, and the next ones while a
    /// whole page is new (a few at most; the walk catches a larger burst).
    async fn head<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        last: &Head,
        newest: impl Fn(T) -> Option<Newest>,
    ) -> Result<Vec<Newest>, ZgwError> {
        let mut items = Vec::new();
        let mut pages = 0;
        self.client
            .each_page(url, &OnBehalf::regiedesk(), |page: Vec<T>| {
                let page: Vec<Newest> = page.into_iter().filter_map(&newest).collect();
                pages += 1;
                let more = pages < NEWEST_PAGES && last.all_new(&page);
                items.extend(page);
                more
            })
            .await?;
        Ok(items)
    }
}

/// Items asked per page of a list's head, and pages at most per look.
const NEWEST_PAGE: usize = 50;
const NEWEST_PAGES: usize = 4;

/// The last `ANNOUNCED` objects notifications named, oldest first out.
#[derive(Debug, Default)]
struct Announced {
    urls: HashSet<String>,
    order: std::collections::VecDeque<String>,
}

/// Far more than the writes between two looks.
const ANNOUNCED: usize = 4096;

impl Announced {
    fn note(&mut self, url: &str) {
        if self.urls.insert(url.to_string()) {
            self.order.push_back(url.to_string());
            if self.order.len() > ANNOUNCED
                && let Some(oldest) = self.order.pop_front()
            {
                self.urls.remove(&oldest);
            }
        }
    }

    fn has(&self, url: &str) -> bool {
        self.urls.contains(url)
    }
}

/// What the last look at the newest statussen and rollen saw.
#[derive(Debug, Default)]
pub struct NewestHeads {
    statussen: Head,
    rollen: Head,
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
}

/// Runs a command's writes, and once more when the case system's answer
/// left the outcome unknown: every step looks before it writes, so the
/// second run does only what the first did not. (A macro, not a function
/// over an async closure: the handlers' futures must stay `Send`.)
macro_rules! once_more_if_unknown {
    ($url:expr, $push:expr) => {
        match $push.await {
            Err(ZgwError::OutcomeUnknown(why)) => {
                tracing::warn!(url = %$url, %why, "outcome unknown; reading and trying once more");
                $push.await
            }
            done => done,
        }
    };
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

/// The writes of one command, each skipped when the zaak already shows it.
impl ZgwSource {
    fn on_behalf(actor: &Person) -> OnBehalf {
        OnBehalf {
            user_id: actor.login.clone(),
            user_representation: actor.display_name.clone(),
        }
    }

    /// Whether a case transition changes what the case system records.
    pub fn records(&self, t: &Transition) -> bool {
        use crate::domain::model::EventKind::*;
        matches!(
            t.event.kind,
            Assigned
                | Reassigned
                | FirstContact
                | Plan
                | Escalated
                | TakenOver
                | Deescalated
                | Closed
                | WaakvlamPostponed
        )
    }

    /// A case's zaak URL, with that zaak's lock held, once the case is
    /// still at the version the command was made on.
    async fn hold_case(
        &self,
        before: &Case,
    ) -> Result<(String, tokio::sync::OwnedMutexGuard<()>), SourceError> {
        let url = self.url_of(ZgwKind::Case, before.id).await?;
        let held = self.lock_of(&url).lock_owned().await;
        let stored = self.store.case(before.id).await?;
        if stored.map(|c| c.version) != Some(before.version) {
            return Err(StoreError::StaleVersion.into());
        }
        Ok((url, held))
    }

    /// As `hold_case`, for a request: its case's zaak URL, its own, and the
    /// case zaak's lock.
    async fn hold_request(
        &self,
        before: &Request,
    ) -> Result<(String, String, tokio::sync::OwnedMutexGuard<()>), SourceError> {
        let case_url = self.url_of(ZgwKind::Case, before.case_id).await?;
        let url = self.url_of(ZgwKind::Request, before.id).await?;
        let held = self.lock_of(&case_url).lock_owned().await;
        let stored = self.store.request(before.id).await?;
        if stored.map(|r| r.version) != Some(before.version) {
            return Err(StoreError::StaleVersion.into());
        }
        Ok((case_url, url, held))
    }

    async fn url_of(&self, kind: ZgwKind, id: i64) -> Result<String, SourceError> {
        self.store.zgw_url(kind, id).await?.ok_or_else(|| {
            SourceError::NotRecorded(format!("de koppeling van {} {id}", kind.as_str()))
        })
    }

    /// Writes a case transition to the case system, then projects the
    /// zaak as read back, with the transition's history line and audit.
    pub async fn write_case(
        &self,
        actor: &Person,
        before: &Case,
        t: &Transition,
        audit: AuditDraft,
    ) -> Result<Case, SourceError> {
        let (url, _held) = self.hold_case(before).await?;
        let me = Self::on_behalf(actor);
        once_more_if_unknown!(url, self.push_case(&url, before, t, &me))?;
        let written = Written {
            case: &t.case,
            event: &t.event,
            request: None,
            filed: None,
            audit: &audit,
        };
        let case = self
            .refresh_locked(&url, Some(written))
            .await?
            .ok_or_else(|| SourceError::NotRecorded(url.clone()))?
            .case;
        self.check_recorded(&t.case, &case)?;
        Ok(case)
    }

    /// The re-read must show what was written; if not, the projection now
    /// shows the truth and the caller hears the write did not land.
    fn check_recorded(&self, wanted: &Case, got: &Case) -> Result<(), SourceError> {
        if wanted.casusregisseur != got.casusregisseur {
            return Err(SourceError::NotRecorded("de casusregisseur".into()));
        }
        if wanted.escalated != got.escalated {
            return Err(SourceError::NotRecorded("de escalatie".into()));
        }
        if wanted.is_open() != got.is_open() {
            return Err(SourceError::NotRecorded("het afsluiten".into()));
        }
        Ok(())
    }

    async fn push_case(
        &self,
        url: &str,
        before: &Case,
        t: &Transition,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let after = &t.case;
        let read = self.read_zaak(url, false).await?;
        let types = &self.catalogue.case;
        let now = self.clock.now();
        if after.casusregisseur != before.casusregisseur
            && let Some(login) = &after.casusregisseur
        {
            self.put_holder(&read, &types.casusregisseur, login, "", me)
                .await?;
        }
        if after.taken_over
            && !before.taken_over
            && let Some(login) = &after.casusregisseur
        {
            let why = t.event.note.clone().unwrap_or_default();
            self.put_holder(&read, &types.doorzettingsmacht, login, &why, me)
                .await?;
        }
        if after.escalated != before.escalated || after.taken_over != before.taken_over {
            let value = match (after.escalated, after.taken_over) {
                (false, _) => "geen",
                (true, false) => "geescaleerd",
                (true, true) => "overgenomen",
            };
            self.put_eigenschap(&read, &types.escalation, value, me)
                .await?;
        }
        if after.waakvlam_until != before.waakvlam_until
            && let Some(until) = after.waakvlam_until
        {
            let value = until.format("%Y%m%d").to_string();
            self.put_eigenschap(&read, &types.waakvlam_until, &value, me)
                .await?;
        }
        if before.is_open() && !after.is_open() {
            if read.zaak.resultaat.as_deref().is_none_or(str::is_empty) {
                let result = after
                    .close_result
                    .unwrap_or(crate::domain::model::CloseResult::GoalsMet);
                let resultaattype = if after.status == CaseStatus::Waakvlam {
                    types.waakvlam.clone()
                } else {
                    types.close[&result].clone()
                };
                let body = json!({"zaak": url, "resultaattype": resultaattype, "toelichting": result.as_str()});
                self.client
                    .post::<Value>(&self.zaken("resultaten", &[]), &body, me)
                    .await?;
            }
            self.put_status(&read, &types.statustypen[&CaseStatus::Closed], now, me)
                .await?;
        } else if after.status != before.status
            && let Some(statustype) = types.statustypen.get(&after.status)
        {
            self.put_status(&read, statustype, now, me).await?;
        }
        Ok(())
    }

    /// Makes `login` the holder of `roltype` unless it already is; earlier
    /// holders' rollen are removed (the audit trail keeps them).
    async fn put_holder(
        &self,
        read: &ZaakRead,
        roltype: &str,
        login: &str,
        toelichting: &str,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let holders: Vec<&Rol> = read
            .rollen
            .iter()
            .filter(|r| r.roltype == roltype)
            .collect();
        let current = read.holder(roltype, self.clock.now());
        if current.and_then(Rol::medewerker).as_deref() != Some(login) {
            let person = self.store.person(login).await.ok().flatten();
            let body = json!({
                "zaak": read.zaak.url,
                "betrokkeneType": "medewerker",
                "roltype": roltype,
                "roltoelichting": toelichting,
                "betrokkeneIdentificatie": {
                    "identificatie": login,
                    "achternaam": person.map(|p| p.display_name).unwrap_or_else(|| login.to_string()),
                },
            });
            self.client
                .post::<Value>(&self.zaken("rollen", &[]), &body, me)
                .await?;
        }
        for old in holders
            .iter()
            .filter(|r| r.medewerker().as_deref() != Some(login))
        {
            match self.client.delete(&old.url, me).await {
                Ok(()) | Err(ZgwError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn put_eigenschap(
        &self,
        read: &ZaakRead,
        eigenschap: &str,
        value: &str,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let path = format!("zaken/{}/zaakeigenschappen", uuid_of(&read.zaak.url));
        let body = json!({"zaak": read.zaak.url, "eigenschap": eigenschap, "waarde": value});
        match read
            .eigenschappen
            .iter()
            .find(|e| e.eigenschap == eigenschap)
        {
            Some(e) if e.waarde == value => Ok(()),
            Some(e) => self.client.put(&e.url, &body, me).await,
            None => self
                .client
                .post::<Value>(&self.zaken(&path, &[]), &body, me)
                .await
                .map(|_| ()),
        }
    }

    /// Sets a status unless it is the zaak's last one already.
    async fn put_status(
        &self,
        read: &ZaakRead,
        statustype: &str,
        at: DateTime<Utc>,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let last = read.last_status();
        if last.is_some_and(|s| s.statustype == statustype) {
            return Ok(());
        }
        // A status is not set before the one it follows; the case system
        // orders them by this moment and refuses one in the future, so two
        // steps in one second need the fraction.
        let at = last.map_or(at, |s| {
            at.max(s.datum_status_gezet + chrono::Duration::milliseconds(1))
        });
        let body = json!({
            "zaak": read.zaak.url,
            "statustype": statustype,
            "datumStatusGezet": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        });
        self.client
            .post::<Value>(&self.zaken("statussen", &[]), &body, me)
            .await?;
        Ok(())
    }

    /// Writes a decision on a request: besluit, beslisser, resultaat and
    /// eindstatus on its deelzaak; then projects the case as read back.
    pub async fn write_decision(
        &self,
        actor: &Person,
        before: &Request,
        decided: &Request,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> Result<Request, SourceError> {
        let (case_url, url, _held) = self.hold_request(before).await?;
        let case = self
            .store
            .case(before.case_id)
            .await?
            .ok_or_else(|| SourceError::NotRecorded("de zaak".into()))?;
        let me = Self::on_behalf(actor);
        once_more_if_unknown!(url, self.push_decision(&url, decided, &me))?;
        let written = Written {
            case: &case,
            event,
            request: Some(decided),
            filed: None,
            audit: &audit,
        };
        self.refresh_locked(&case_url, Some(written)).await?;
        let saved = self
            .store
            .request(before.id)
            .await?
            .ok_or_else(|| SourceError::NotRecorded(url.clone()))?;
        if saved.status != decided.status {
            return Err(SourceError::NotRecorded("het besluit".into()));
        }
        Ok(saved)
    }

    /// Files a request: a deelzaak of the case zaak with the number
    /// regiedesk reserved as its kenmerk, its decision deadline (computed by
    /// regiedesk) as uiterlijkeEinddatumAfdoening, the filer as initiator,
    /// whether it is part of the plan, and its first status; then the
    /// case's own step. Projects the case as read back and returns the
    /// request as stored.
    pub async fn file_request(
        &self,
        actor: &Person,
        before: &Case,
        new: &NewRequest,
        t: &Transition,
        audit: AuditDraft,
    ) -> Result<(Request, Case), SourceError> {
        let (url, _held) = self.hold_case(before).await?;
        let year = chrono::Datelike::year(&local_date(new.filed_at));
        let number = self.store.reserve_request_number(year).await?;
        let me = Self::on_behalf(actor);
        // The deelzaken regiedesk projects already are other requests, even
        // when someone gave one this number as its kenmerk.
        let mut linked = HashSet::new();
        for request in self.store.requests_of_case(before.id).await? {
            linked.extend(self.store.zgw_url(ZgwKind::Request, request.id).await?);
        }
        let deelzaak =
            once_more_if_unknown!(url, self.push_request(&url, &number, new, &linked, &me))?;
        once_more_if_unknown!(url, self.push_case(&url, before, t, &me))?;
        let written = Written {
            case: &t.case,
            event: &t.event,
            request: None,
            filed: Some(&number),
            audit: &audit,
        };
        let case = self
            .refresh_locked(&url, Some(written))
            .await?
            .ok_or_else(|| SourceError::NotRecorded(url.clone()))?
            .case;
        let link = self
            .store
            .zgw_link(&deelzaak)
            .await?
            .ok_or_else(|| SourceError::NotRecorded("de aanvraag".into()))?;
        let request = self
            .store
            .request(link.local_id)
            .await?
            .ok_or_else(|| SourceError::NotRecorded("de aanvraag".into()))?;
        self.check_recorded(&t.case, &case)?;
        Ok((request, case))
    }

    /// The deelzaak of a request, made unless a deelzaak of the case zaak
    /// that is not `linked` to a request already carries its number (a
    /// retry after a lost answer); returns its URL.
    async fn push_request(
        &self,
        case_url: &str,
        number: &str,
        new: &NewRequest,
        linked: &HashSet<String>,
        me: &OnBehalf,
    ) -> Result<String, ZgwError> {
        let types = &self.catalogue.requests[&new.kind];
        let case: Zaak = self.client.get(case_url, me).await?;
        let mut found = None;
        for deelzaak in case.deelzaken.iter().filter(|d| !linked.contains(*d)) {
            let zaak: Zaak = self.client.get(deelzaak, me).await?;
            if zaak.zaaktype == types.zaaktype && zaak.number() == number {
                found = Some(zaak.url);
                break;
            }
        }
        let url = match found {
            Some(url) => url,
            None => {
                let today = local_date(new.filed_at).to_string();
                let mut body = json!({
                    "zaaktype": types.zaaktype,
                    "bronorganisatie": self.config.rsin,
                    "verantwoordelijkeOrganisatie": self.config.rsin,
                    "startdatum": today,
                    "registratiedatum": today,
                    "hoofdzaak": case_url,
                    "kenmerken": [{"kenmerk": number, "bron": mapping::KENMERK_BRON}],
                    "omschrijving": new.provision,
                    "toelichting": new.motivation,
                    "uiterlijkeEinddatumAfdoening": local_date(new.decide_by).to_string(),
                });
                // As confidential as the case it belongs to (child safety).
                if let Some(aanduiding) = &case.vertrouwelijkheidaanduiding {
                    body["vertrouwelijkheidaanduiding"] = json!(aanduiding);
                }
                let made: Zaak = self
                    .client
                    .post(&self.zaken("zaken", &[]), &body, me)
                    .await?;
                made.url
            }
        };
        let read = self.read_zaak(&url, false).await?;
        self.put_holder(&read, &types.filer, &new.filed_by, "", me)
            .await?;
        let in_plan = if new.in_plan { "ja" } else { "nee" };
        self.put_eigenschap(&read, &types.in_plan, in_plan, me)
            .await?;
        self.put_status(&read, &types.filed, new.filed_at, me)
            .await?;
        Ok(url)
    }

    /// Writes a request's moved term (a suspension, its end, an
    /// extension): the new deadline as the deelzaak's
    /// uiterlijkeEinddatumAfdoening and whether it stands still as its
    /// opschorting. The term itself is regiedesk's and stored with the
    /// request; the case is then read back.
    pub async fn write_term(
        &self,
        actor: &Person,
        before: &Request,
        next: &Request,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> Result<Request, SourceError> {
        let (case_url, url, _held) = self.hold_request(before).await?;
        let me = Self::on_behalf(actor);
        once_more_if_unknown!(url, self.push_term(&url, next, &me))?;
        self.store
            .save_request(next, before.version, event, audit)
            .await?;
        self.refresh_locked(&case_url, None).await?;
        self.store
            .request(before.id)
            .await?
            .ok_or_else(|| SourceError::NotRecorded(url.clone()))
    }

    async fn push_term(&self, url: &str, next: &Request, me: &OnBehalf) -> Result<(), ZgwError> {
        let zaak: Zaak = self.client.get(url, me).await?;
        let due = local_date(next.decide_by);
        let today = local_date(self.clock.now());
        let suspension = next.term.suspended_on(today);
        let opschorting = mapping::Opschorting {
            indicatie: suspension.is_some(),
            reden: suspension.map(|s| s.note.clone()).unwrap_or_default(),
        };
        let recorded = zaak.opschorting.clone().unwrap_or_default();
        if zaak.uiterlijke_einddatum_afdoening == Some(due)
            && recorded.indicatie == opschorting.indicatie
        {
            return Ok(());
        }
        let body = json!({
            "uiterlijkeEinddatumAfdoening": due.to_string(),
            "opschorting": {"indicatie": opschorting.indicatie, "reden": opschorting.reden},
        });
        self.client.patch(url, &body, me).await
    }

    async fn push_decision(
        &self,
        url: &str,
        decided: &Request,
        me: &OnBehalf,
    ) -> Result<(), ZgwError> {
        let read = self.read_zaak(url, true).await?;
        let types = &self.catalogue.requests[&decided.kind];
        let now = self.clock.now();
        let today = local_date(now).to_string();
        if read.besluiten.is_empty() {
            let body = json!({
                "verantwoordelijkeOrganisatie": self.config.rsin,
                "besluittype": self.catalogue.besluittype,
                "zaak": url,
                "datum": today,
                "ingangsdatum": today,
                "toelichting": decided.reason.clone().unwrap_or_default(),
            });
            let besluiten = with_query(&self.config.besluiten_api, "besluiten", &[]);
            self.client.post::<Value>(&besluiten, &body, me).await?;
        }
        if let Some(login) = &decided.decided_by {
            self.put_holder(&read, &types.decider, login, "mandaat", me)
                .await?;
        }
        if read.zaak.resultaat.as_deref().is_none_or(str::is_empty) {
            let resultaattype = match decided.status {
                RequestStatus::Rejected => &types.rejected,
                _ => &types.approved,
            };
            let body = json!({"zaak": url, "resultaattype": resultaattype, "toelichting": ""});
            self.client
                .post::<Value>(&self.zaken("resultaten", &[]), &body, me)
                .await?;
        }
        self.put_status(&read, &types.decided, now, me).await?;
        Ok(())
    }
}
