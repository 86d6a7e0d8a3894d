//! Following the case system: the start, the notification worker, the
//! reconciler's walks and the look at the newest statussen and rollen.
//! Each finds zaken that changed and has them read again (`refresh`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::future::try_join_all;
use tokio::sync::mpsc;

use super::{ReconcileReport, Refreshed, SourceError, Started, ZgwSource};
use crate::domain::calendar::local_date;
use crate::server::store::ZgwKind;
use crate::zgw::client::{OnBehalf, ZgwError};
use crate::zgw::mapping::{Besluit, Rol, Status, Zaak};
use crate::zgw::walk::{Facts, Head, Newest, Walk};

impl ZgwSource {
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
        // Commands left half-written (a crash, a case system that stopped
        // answering) are completed first, with their own actor and reason.
        let completed = self.complete_all_left().await?;
        if completed > 0 {
            tracing::info!(zaken = completed, "completed the commands left pending");
        }
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
pub(super) struct Announced {
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
