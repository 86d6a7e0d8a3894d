//! The test harness: a real server on a loopback port over a real store,
//! SQLite in a temporary file or PostgreSQL in a schema of its own.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};
use regiedesk::api::wire::{Tagged, entity_tag};
use regiedesk::clock::Clock;
use regiedesk::domain::model::Household;
use regiedesk::domain::norms::Norms;
use regiedesk::server::audit::AuditDraft;
use regiedesk::server::auth::Authenticator;
use regiedesk::server::auth::config::AuthConfig;
use regiedesk::server::listen::Limits;
use regiedesk::server::store::{self, Seed, Store};
use regiedesk::server::{AppState, demo};
use reqwest::header::{HeaderMap, HeaderValue, IF_MATCH};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

pub mod etag;

pub const DB_VAR: &str = "REGIEDESK_TEST_DATABASE_URL";

/// Tuesday 24 November 2026, 14:30 in Krimpen.
/// A plan as the API takes it: a note and one goal.
pub fn plan_body() -> serde_json::Value {
    serde_json::json!({"note": "gezinsplan", "goals": [{
        "life_domain": "woning",
        "text": "een passende woning behouden",
        "start_score": 2,
        "target_score": 4,
        "target_date": "2027-06-30",
    }]})
}

pub fn now() -> DateTime<Utc> {
    "2026-11-24T13:30:00Z".parse().unwrap()
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where a test's database lives; removed when the test ends, also when
/// it fails.
pub enum Database {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        admin_url: String,
        schema: String,
        url: String,
    },
}

impl Database {
    pub fn url(&self) -> &str {
        match self {
            Database::Sqlite { url, .. } | Database::Postgres { url, .. } => url,
        }
    }

    /// A fresh, empty database; `None` when PostgreSQL is not configured
    /// and this is not CI (under CI=true a missing database fails).
    pub async fn create(backend: Backend) -> Option<Database> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(Database::Sqlite { _dir: dir, url })
            }
            Backend::Postgres => {
                let admin_url = match std::env::var(DB_VAR) {
                    Ok(url) => url,
                    Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
                        panic!(
                            "{DB_VAR} is not set, and under CI=true the PostgreSQL store must be tested"
                        )
                    }
                    Err(_) => {
                        eprintln!("skipping the PostgreSQL variant: {DB_VAR} is not set");
                        return None;
                    }
                };
                static COUNTER: AtomicU32 = AtomicU32::new(0);
                let schema = format!(
                    "rd_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    rand_suffix()
                );
                let admin = sqlx::postgres::PgPoolOptions::new()
                    .acquire_timeout(std::time::Duration::from_secs(5))
                    .connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {DB_VAR} is unreachable: {e}"));
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
                let separator = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
                Some(Database::Postgres {
                    admin_url,
                    schema,
                    url,
                })
            }
        }
    }
}

fn rand_suffix() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Database::Postgres {
            admin_url, schema, ..
        } = self
        {
            let (url, schema) = (admin_url.clone(), schema.clone());
            // Drop runs outside async; a thread with its own runtime
            // removes the schema even when the test panicked.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                            .execute(&pool)
                            .await;
                        pool.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A running server with the demo staff and ten empty households.
pub struct TestServer {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub db: Database,
    pub client: reqwest::Client,
    pub households: Vec<Household>,
    /// The identity provider's verifier, where `[auth.oidc]` is set.
    pub oidc: Option<Arc<regiedesk::server::auth::oidc::OidcVerifier>>,
    /// What the server's handlers share (its gates and slots).
    pub state: AppState,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Option<TestServer> {
        Self::start_with(backend, Limits::default()).await
    }

    /// A server with its own connection limits and deadlines.
    pub async fn start_with(backend: Backend, limits: Limits) -> Option<TestServer> {
        Self::start_full(backend, limits, &AuthConfig::default()).await
    }

    /// A server that authenticates as `auth` says (an identity provider).
    pub async fn start_with_auth(backend: Backend, auth: &AuthConfig) -> Option<TestServer> {
        Self::start_full(backend, Limits::default(), auth).await
    }

    async fn start_full(backend: Backend, limits: Limits, auth: &AuthConfig) -> Option<TestServer> {
        let db = Database::create(backend).await?;
        let url = db.url().to_string();
        Some(Self::start_over(db, &url, limits, auth).await)
    }

    /// A server whose store connects to `db` through `url` (a relay that
    /// a test can cut, say).
    pub async fn start_through(db: Database, url: &str) -> TestServer {
        Self::start_over(db, url, Limits::default(), &AuthConfig::default()).await
    }

    async fn start_over(db: Database, url: &str, limits: Limits, auth: &AuthConfig) -> TestServer {
        let store = store::connect(url).await.unwrap();
        let households = seed_staff(store.as_ref()).await;
        let auth = Authenticator::from_config(auth).await.unwrap();
        let oidc = auth.oidc.clone();
        let state =
            AppState::new(store.clone(), Clock::Frozen(now()), Norms::default()).with_auth(auth);
        let shared = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let app = regiedesk::server::router(state);
            regiedesk::server::listen::serve(listener, app, limits, None, std::future::pending())
                .await
                .unwrap();
        });
        TestServer {
            base,
            store,
            db,
            client: reqwest::Client::new(),
            households,
            oidc,
            state: shared,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, login: &str, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(format!("demo-{login}"))
            .send()
            .await
            .unwrap()
    }

    /// A GET without any token.
    pub async fn get_anonymous(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post(
        &self,
        login: &str,
        path: &str,
        body: Value,
        version: Option<&str>,
    ) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(v) = version {
            headers.insert(IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        self.client
            .post(self.url(path))
            .bearer_auth(format!("demo-{login}"))
            .headers(headers)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A PATCH or DELETE (or any method) with an optional JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        login: &str,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(format!("demo-{login}"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// POSTs with the `If-Match` of the case's current version.
    pub async fn act(&self, login: &str, case_id: i64, action: &str, body: Value) -> Response {
        let etag = self.case_etag(case_id).await;
        self.post(
            login,
            &format!("/api/v1/cases/{case_id}/{action}"),
            body,
            Some(&etag),
        )
        .await
    }

    pub async fn case_etag(&self, case_id: i64) -> String {
        let case = self
            .store
            .case(case_id)
            .await
            .unwrap()
            .expect("case exists");
        case_tag(case_id, case.version)
    }

    /// A new referral for household `n` of the fixture; returns the case.
    pub async fn referral(&self, n: usize, domain: &str) -> Value {
        let body =
            json!({"household_id": self.households[n].id, "domain": domain, "source": "huisarts"});
        let response = self.post("pr-jeugd", "/api/v1/cases", body, None).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// A case of household `n`, assigned to `holder`, contacted and planned.
    pub async fn planned_case(&self, n: usize, domain: &str, holder: &str) -> i64 {
        let id = self.referral(n, domain).await["id"].as_i64().unwrap();
        expect(
            self.act("pr-volw", id, "assign", json!({"casusregisseur": holder}))
                .await,
            200,
        )
        .await;
        expect(self.act(holder, id, "contact", json!({})).await, 200).await;
        expect(self.act(holder, id, "plan", plan_body()).await, 200).await;
        id
    }

    /// Approves or rejects `request` with the If-Match of its current version.
    pub async fn decide(&self, login: &str, request: &Value, body: Value) -> Response {
        let id = request["id"].as_i64().unwrap();
        let current = self
            .store
            .request(id)
            .await
            .unwrap()
            .expect("request exists");
        let etag = request_tag(id, current.version);
        self.post(
            login,
            &format!("/api/v1/requests/{id}/decision"),
            body,
            Some(&etag),
        )
        .await
    }

    /// Makes a pending request late: its term ended yesterday, Monday
    /// 23 November 2026. Fixture set-up through the store, as if its term
    /// had been shorter: the API cannot file a request in the past.
    pub async fn make_request_late(&self, id: i64) {
        let mut r = self.store.request(id).await.unwrap().unwrap();
        let before = r.version;
        r.decide_by = regiedesk::domain::calendar::end_of_day("2026-11-23".parse().unwrap());
        r.version += 1;
        let event = regiedesk::domain::model::CaseEvent::new(
            now(),
            "admin",
            regiedesk::domain::model::EventKind::Activity,
            None,
        );
        let admin = self.store.person("admin").await.unwrap().unwrap();
        let audit = AuditDraft::ok(&admin, now(), "test.fixture");
        self.store
            .save_request(&r, before, &event, audit)
            .await
            .unwrap();
    }

    /// Files a request on a planned case and returns it.
    pub async fn request(&self, case_id: i64, filer: &str, kind: &str, in_plan: bool) -> Value {
        let body = json!({"kind": kind, "provision": "ambulante begeleiding", "motivation": "nodig voor het plan", "in_plan": in_plan});
        expect(self.act(filer, case_id, "requests", body).await, 201).await
    }
}

/// The change number of a sync cursor (`<epoch>.<change>`); 0 for none.
pub fn change_of(cursor: &str) -> i64 {
    cursor
        .rsplit('.')
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// The `If-Match` of case `id` at `version`.
pub fn case_tag(id: i64, version: i64) -> String {
    entity_tag(Tagged::Case, id, version)
}

/// The `If-Match` of request `id` at `version`.
pub fn request_tag(id: i64, version: i64) -> String {
    entity_tag(Tagged::Request, id, version)
}

/// Seeds the demo staff with their tokens and ten empty households into
/// an empty store; returns the households.
pub async fn seed_staff(store: &dyn Store) -> Vec<Household> {
    let full = demo::build(now(), &Norms::default());
    let households: Vec<Household> = full.households.into_iter().take(10).collect();
    let seed = Seed {
        people: full.people,
        tokens: full.tokens,
        households: households.clone(),
        ..Seed::default()
    };
    let admin = seed
        .people
        .iter()
        .find(|p| p.login == "admin")
        .unwrap()
        .clone();
    store
        .seed(&seed, AuditDraft::ok(&admin, now(), "test.seed"))
        .await
        .unwrap();
    households
}

/// Asserts the status and returns the JSON body (problem+json for errors).
pub async fn expect(response: Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "unexpected status; body: {text}");
    if status >= 400 {
        assert_eq!(
            content_type, "application/problem+json",
            "errors are problem+json: {text}"
        );
    }
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

/// Runs each named `async fn(TestServer)` against both stores, as
/// `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! both_stores {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(server) = $crate::support::TestServer::start($crate::support::Backend::Sqlite).await {
                        super::$name(server).await;
                    }
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(server) = $crate::support::TestServer::start($crate::support::Backend::Postgres).await {
                        super::$name(server).await;
                    }
                }
            )+
        }
    };
}
