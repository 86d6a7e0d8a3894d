//! The harness of the tests against the fake Open Zaak
//! (`fake_openzaak.rs`): a regiedesk server with a ZGW source over a real
//! store, the people the fixtures name, and a bounded wait for a state.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use crate::fake::{self, Fake};
use chrono::{DateTime, Utc};
use regiedesk::clock::Clock;
use regiedesk::domain::model::{Case, CaseEvent, EventKind, Person, Request, Role};
use regiedesk::domain::norms::Norms;
use regiedesk::server::audit::AuditDraft;
use regiedesk::server::store::{self, Store, ZgwKind};
use regiedesk::server::{AppState, http::token_hash, router_with};
use regiedesk::zgw::config::ZgwConfig;
use regiedesk::zgw::source::{ReconcileReport, ZgwSource};

use crate::support::{self, Backend, Database};
use serde_json::Value;

/// regiedesk's clock in these tests (the fake's own runs an hour later).
pub fn now() -> DateTime<Utc> {
    "2026-12-01T12:00:00Z".parse().unwrap()
}

/// The people the fixtures name, and two more.
pub const STAFF: [(&str, &str, Role); 5] = [
    ("cr-jeugd-1", "Vermeulen", Role::Casusregisseur),
    ("cr-jeugd-2", "De Boer", Role::Casusregisseur),
    ("pr-jeugd-1", "Bakker", Role::ProcesregisseurJeugd),
    ("pr-volw-1", "Smit", Role::ProcesregisseurVolwassenen),
    (
        "pr-dzm",
        "Doorzetter",
        Role::ProcesregisseurDoorzettingsmacht,
    ),
];

/// The roltype of a case's casusregisseur in the captured catalogue.
pub const CASUSREGISSEUR: &str = "Casusregisseur";

pub fn config(fake: &Fake) -> ZgwConfig {
    toml::from_str(&format!(
        r#"
        zaken_api = "{b}/zaken/api/v1/"
        catalogi_api = "{b}/catalogi/api/v1/"
        besluiten_api = "{b}/besluiten/api/v1/"
        client_id = "regiedesk"
        secret = "{secret}"
        rsin = "002220647"
        pseudonym_key = "fake-test-key"
        notification_auth = "Token regiedesk-nrc"
        reconcile_seconds = 3600
        watch_seconds = 0
        "#,
        b = fake.base,
        secret = fake::SECRET,
    ))
    .unwrap()
}

/// A regiedesk server with a ZGW source on the fake, over a real store.
pub struct Desk {
    pub base: String,
    pub http: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub source: Arc<ZgwSource>,
    pub fake: Fake,
    /// What the full walk at start did.
    pub started: ReconcileReport,
    pub _tasks: Vec<tokio::task::JoinHandle<()>>,
    pub _db: Database,
}

impl Desk {
    /// Starts as the server does: the catalogue read, a full walk, the
    /// notification worker, the router. `None`: PostgreSQL not configured.
    pub async fn start(fake: &Fake, backend: Backend) -> Option<Desk> {
        Self::start_with(fake, backend, config(fake)).await
    }

    pub async fn start_with(fake: &Fake, backend: Backend, config: ZgwConfig) -> Option<Desk> {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("regiedesk=info")
            .with_test_writer()
            .try_init();
        let db = Database::create(backend).await?;
        let store = store::connect(db.url()).await.unwrap();
        for (login, name, role) in STAFF {
            store
                .put_person(&Person {
                    login: login.into(),
                    display_name: name.into(),
                    role,
                    organisation: "Kwadraad".into(),
                    specialism: None,
                    capacity: Some(30),
                    active: true,
                })
                .await
                .unwrap();
            store
                .add_token(login, &token_hash(&format!("tok-{login}")), false)
                .await
                .unwrap();
        }
        Some(Self::start_over(fake, db, config).await)
    }

    /// Starts over an existing database, as a server restarted after a
    /// crash: the people are there already.
    pub async fn start_over(fake: &Fake, db: Database, config: ZgwConfig) -> Desk {
        let store = store::connect(db.url()).await.unwrap();
        let clock = Clock::Frozen(now());
        let state = AppState::new(store.clone(), clock, Norms::default());
        let source = ZgwSource::connect(config, store.clone(), state.norms.clone(), clock)
            .await
            .unwrap();
        let started = source.reconcile(true).await.unwrap();
        let mut tasks = source.spawn();
        let routes = regiedesk::zgw::notify::routes(source.clone());
        let state = state.with_source(source.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tasks.push(tokio::spawn(async move {
            axum::serve(listener, router_with(state, routes))
                .await
                .unwrap();
        }));
        Desk {
            base,
            http: reqwest::Client::new(),
            store,
            source,
            fake: fake.clone(),
            started,
            _tasks: tasks,
            _db: db,
        }
    }

    /// Stops this server as a kill would (its tasks end where they are)
    /// and starts a new one over the same database.
    pub async fn restart(self) -> Desk {
        for task in &self._tasks {
            task.abort();
        }
        let Desk { fake, _db: db, .. } = self;
        Self::start_over(&fake, db, config(&fake)).await
    }

    /// The case projected from this zaak, if any.
    pub async fn case(&self, zaak: &str) -> Option<Case> {
        let link = self.store.zgw_link(zaak).await.unwrap()?;
        assert_eq!(link.kind, ZgwKind::Case, "{zaak}");
        self.store.case(link.local_id).await.unwrap()
    }

    /// The request projected from this deelzaak, if any.
    pub async fn request(&self, deelzaak: &str) -> Option<Request> {
        let link = self.store.zgw_link(deelzaak).await.unwrap()?;
        assert_eq!(link.kind, ZgwKind::Request, "{deelzaak}");
        self.store.request(link.local_id).await.unwrap()
    }

    pub async fn events(&self, case_id: i64) -> Vec<CaseEvent> {
        let reader = self.store.person("pr-jeugd-1").await.unwrap().unwrap();
        let audit = AuditDraft::ok(&reader, now(), "test.read");
        let detail = self.store.case_detail(case_id, audit).await.unwrap();
        detail.expect("the case exists").events
    }

    pub async fn count_events(&self, case_id: i64, kind: EventKind) -> usize {
        let events = self.events(case_id).await;
        events.iter().filter(|e| e.kind == kind).count()
    }

    /// A command through the API, with the `If-Match` of `version`.
    pub async fn post(&self, login: &str, path: &str, version: i64, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/api/v1/{path}", self.base))
            .bearer_auth(format!("tok-{login}"))
            .header("If-Match", support::etag::tag_for_path(path, version))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn sync(&self, login: &str) -> Value {
        let response = self
            .http
            .get(format!("{}/api/v1/sync", self.base))
            .bearer_auth(format!("tok-{login}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// What `/healthz` says.
    pub async fn health(&self) -> Value {
        self.http
            .get(format!("{}/healthz", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Posts a notification to the callback as the Notificaties API does;
    /// returns the status regiedesk answered.
    pub async fn notify(&self, body: &Value) -> u16 {
        self.http
            .post(format!("{}/zgw/notificaties", self.base))
            .header("Authorization", "Token regiedesk-nrc")
            .json(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Waits until the notification worker has handled everything sent
    /// before: it handles them one by one, in order, so once a change to
    /// `barrier` (a case zaak of its own) is projected, so is all that came
    /// before it. The change toggles the barrier's risico.
    pub async fn drain(&self, barrier: &str) {
        let before = self.case(barrier).await.expect("the barrier is projected");
        let risico = self.fake.eigenschap(barrier, "risico");
        let next = if risico == ["agressie"] {
            "veiligheid"
        } else {
            "agressie"
        };
        self.fake.set_eigenschap(barrier, "risico", next);
        assert_eq!(self.notify(&self.fake.zaak_changed(barrier)).await, 204);
        until("the barrier's change is projected", async || {
            let case = self.case(barrier).await?;
            (case.version > before.version).then_some(())
        })
        .await;
    }
}

/// Waits (bounded, 15 s) until `check` gives a value.
pub async fn until<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..750 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what}: never happened")
}
