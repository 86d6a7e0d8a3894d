//! The reference case API: axum over a [`store::Store`]. Stateless between
//! requests, so replicas can share one PostgreSQL.

pub mod audit;
pub mod auth;
pub mod case_system;
pub mod demo;
pub mod demo_goals;
pub mod disclosure;
pub mod error;
pub mod facts;
pub mod http;
pub mod launch;
pub mod listen;
pub mod notes;
pub mod openapi;
pub mod refusals;
pub mod routes;
pub mod simulator;
pub mod slots;
pub mod staff;
pub mod store;
pub mod watch;

use std::sync::Arc;
use std::time::Instant;

use axum::http::{HeaderValue, header};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::clock::Clock;
use crate::domain::norms::Norms;
use error::ApiError;
use store::Store;

/// What every handler gets: passed explicitly, no globals.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Clock,
    pub norms: Arc<Norms>,
    pub refusals: Arc<refusals::RefusalGate>,
    /// Sync runs in progress, so that each is audited once.
    pub sync_runs: Arc<disclosure::SyncRuns>,
    /// Syncs reading the store, per caller (see [`slots`]).
    pub sync_slots: Arc<slots::SyncSlots>,
    /// The database's epoch, read once (see `Store::epoch`).
    pub epoch: Arc<tokio::sync::OnceCell<String>>,
    /// The change and staff counters, kept fresh in the background.
    pub changes: Arc<watch::ChangeWatch>,
    pub tokens: Arc<watch::TokenCache>,
    /// Static tokens and the identity provider (`[auth]`).
    pub auth: Arc<auth::Authenticator>,
    /// The throughput figures' inputs, mirrored in memory.
    pub facts: Arc<facts::FactsMirror>,
    /// The case system the cases come from and the desk's actions go to
    /// (a ZGW case system); `None`: the store is the case system.
    pub source: Option<Arc<dyn case_system::CaseSystem>>,
}

impl AppState {
    /// The state of one server process; starts the counters' refresh
    /// (so it must run inside a tokio runtime).
    pub fn new(store: Arc<dyn Store>, clock: Clock, norms: Norms) -> Self {
        let refusals: Arc<refusals::RefusalGate> = Arc::default();
        let sync_runs: Arc<disclosure::SyncRuns> = Arc::default();
        // Counts of refusals that no later refusal reported, and sync runs
        // whose next page did not come, are written every minute.
        tokio::spawn({
            let (refusals, sync_runs, store) = (refusals.clone(), sync_runs.clone(), store.clone());
            async move {
                let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
                loop {
                    every_minute.tick().await;
                    report_counted(&refusals, store.as_ref(), clock.now()).await;
                    report_abandoned(&sync_runs, store.as_ref(), clock.now(), Instant::now()).await;
                }
            }
        });
        Self {
            changes: watch::ChangeWatch::spawn(store.clone()),
            store,
            clock,
            norms: Arc::new(norms),
            refusals,
            sync_runs,
            sync_slots: Arc::default(),
            epoch: Arc::default(),
            tokens: Arc::default(),
            auth: Arc::default(),
            facts: Arc::default(),
            source: None,
        }
    }

    /// The state of a server that authenticates as `auth` says.
    pub fn with_auth(mut self, auth: auth::Authenticator) -> Self {
        self.auth = Arc::new(auth);
        self
    }

    /// The state of a server whose cases come from a case system of their
    /// own.
    pub fn with_source(mut self, source: Arc<dyn case_system::CaseSystem>) -> Self {
        self.source = Some(source);
        self
    }

    /// Writes a refused access attempt to the audit log, as far as the
    /// refusal gate lets it (see [`refusals`]). A failure to write is
    /// logged: the caller still gets the refusal.
    pub async fn record_refusal(&self, draft: audit::AuditDraft) {
        let caller = draft.actor.clone();
        self.record_refusal_of(&caller, draft).await;
    }

    /// Writes the refusals counted in minutes that are over and not yet
    /// reported by a later refusal of the same caller: one entry per
    /// caller, under their login (a caller without a valid token as
    /// `anoniem`, its source in the reason). Runs every minute.
    pub async fn report_counted_refusals(&self, at: chrono::DateTime<chrono::Utc>) {
        report_counted(&self.refusals, self.store.as_ref(), at).await;
    }

    /// Writes the sync runs whose next page has not come by `now` (see
    /// [`disclosure`]): one entry each, under the caller. Runs every
    /// minute.
    pub async fn report_abandoned_syncs(&self, now: Instant) {
        report_abandoned(&self.sync_runs, self.store.as_ref(), self.clock.now(), now).await;
    }

    /// Records a refusal in `caller`'s window of the refusal gate: a login,
    /// or an anonymous source (`refusals::anonymous_source`).
    pub async fn record_refusal_of(&self, caller: &str, mut draft: audit::AuditDraft) {
        let target = match (draft.request_id, draft.case_id) {
            (Some(request), _) => Some(format!("aanvraag {request}")),
            (None, Some(case)) => Some(format!("zaak {case}")),
            (None, None) => None,
        };
        match self.refusals.admit(caller, draft.at, target.as_deref()) {
            refusals::Admission::Count => {}
            refusals::Admission::Record(note) => {
                if let Some(note) = note {
                    draft.reason = Some(match draft.reason.take() {
                        Some(why) => format!("{why} ({note})"),
                        None => note,
                    });
                }
                let actor = draft.actor.clone();
                if let Err(error) = self.store.append_audit_entry(draft).await {
                    tracing::error!(%error, %actor, "refused access not audited");
                }
            }
        }
    }
}

/// See `AppState::report_counted_refusals`.
async fn report_counted(
    refusals: &refusals::RefusalGate,
    store: &dyn Store,
    at: chrono::DateTime<chrono::Utc>,
) {
    for counted in refusals.take_counted(at) {
        let (actor, reason) = match counted.caller.strip_prefix("anoniem@") {
            Some(source) => (
                audit::ANONYMOUS.to_string(),
                format!("{} van {source}", counted.text),
            ),
            None => (counted.caller.clone(), counted.text.clone()),
        };
        let mut draft = audit::AuditDraft::refused(None, at, "refused.counted", &reason);
        draft.actor = actor;
        if let Err(error) = store.append_audit_entry(draft).await {
            tracing::error!(%error, caller = %counted.caller, "counted refusals not audited");
        }
    }
}

/// See `AppState::report_abandoned_syncs`.
async fn report_abandoned(
    sync_runs: &disclosure::SyncRuns,
    store: &dyn Store,
    at: chrono::DateTime<chrono::Utc>,
    now: Instant,
) {
    for (caller, reason) in sync_runs.take_abandoned(now) {
        let draft = match store.person(&caller).await {
            Ok(Some(person)) => audit::AuditDraft::ok(&person, at, "sync"),
            _ => {
                let mut draft = audit::AuditDraft::refused(None, at, "sync", "");
                draft.actor = caller.clone();
                draft.result = "ok".into();
                draft
            }
        };
        if let Err(error) = store.append_audit_entry(draft.reason(Some(reason))).await {
            tracing::error!(%error, %caller, "a sync run not audited");
        }
    }
}

/// The whole API as one router.
pub fn router(state: AppState) -> Router {
    router_with(state, Router::new())
}

/// The application with the routes a source brings of its own (a ZGW
/// case system's notification callback), under the same layers.
pub fn router_with(state: AppState, source_routes: Router) -> Router {
    let api = Router::new()
        .route("/me", get(routes::me))
        .route("/login", get(routes::login_config))
        .route("/sync", get(routes::sync))
        .route("/households", post(routes::create_household))
        .route("/cases", post(routes::create_case))
        .route("/cases/{id}", get(routes::case_detail))
        .route("/cases/{id}/assign", post(routes::assign))
        .route("/cases/{id}/contact", post(routes::contact))
        .route("/cases/{id}/plan", post(routes::plan))
        .route("/cases/{id}/plan/revisions", post(routes::revise_plan))
        .route("/cases/{id}/evaluations", post(routes::evaluate))
        .route("/cases/{id}/melding", post(routes::melding))
        .route("/cases/{id}/onderzoek", post(routes::onderzoek))
        .route("/cases/{id}/activity", post(routes::activity))
        .route("/cases/{id}/stuck", post(routes::stuck))
        .route("/cases/{id}/close", post(routes::close))
        .route("/cases/{id}/escalate", post(routes::escalate))
        .route("/cases/{id}/takeover", post(routes::takeover))
        .route("/cases/{id}/deescalate", post(routes::deescalate))
        .route("/cases/{id}/requests", post(routes::file_request))
        .route("/cases/{id}/waakvlam/followup", post(routes::follow_up))
        .route("/cases/{id}/waakvlam/postpone", post(routes::postpone))
        .route("/cases/{id}/waakvlam/assign", post(routes::hand_on))
        .route("/requests/{id}", get(routes::request_detail))
        .route("/requests/{id}/decision", post(routes::decide))
        .route("/requests/{id}/suspension", post(routes::suspend))
        .route("/requests/{id}/resumption", post(routes::resume))
        .route("/requests/{id}/extension", post(routes::extend))
        .route(
            "/requests/{id}/default-notice",
            post(routes::default_notice),
        )
        .route("/cases/{id}/notes", post(notes::add_note))
        .route("/cases/{id}/notes/{note}", patch(notes::change_note))
        .route("/staff/{login}/absences", post(staff::add_absence))
        .route(
            "/staff/{login}/absences/{id}",
            patch(staff::change_absence).delete(staff::withdraw_absence),
        )
        .route("/audit", get(routes::audit))
        .route("/stats/throughput", get(routes::throughput))
        .route("/openapi.json", get(|| async { Json(openapi::spec()) }));
    Router::new()
        .route("/healthz", get(routes::healthz))
        .nest("/api/v1", api)
        .with_state(state.clone())
        // A source's own routes (the case system's callback), which it
        // authenticates itself, not by a person's token.
        .merge(source_routes)
        .fallback(|| async { ApiError::NotFound("deze URL bestaat niet".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::middleware::map_response(no_store))
        // A full sync of a region is tens of megabytes of repetitive JSON.
        .layer(CompressionLayer::new().gzip(true).zstd(true))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            note_writes,
        ))
        .layer(TraceLayer::new_for_http())
}

/// A write answered by this process makes its change watch distrust its
/// counters until they are read again, so the writer's next poll here sees
/// the change at once. Marked after the handler (the write committed) and
/// before the answer leaves.
async fn note_writes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !request.method().is_safe();
    let response = next.run(request).await;
    if writes {
        state.changes.wrote();
    }
    response
}

/// Case data must not linger in caches between the server and the desk.
async fn no_store(mut response: axum::response::Response) -> axum::response::Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
