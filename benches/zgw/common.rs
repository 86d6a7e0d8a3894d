//! What the two Open Zaak benches share: where Open Zaak is, a store
//! (SQLite in a temporary file or PostgreSQL in a schema of its own) with
//! the seeded medewerkers as staff, the ZGW source over it, and Open Zaak
//! as a person at its own desk uses it (to reassign a case there).
//!
//! The zaken come from `benches/zgw/seed-openzaak.py` (see
//! `docs/benchmarks.md`, "ZGW source: 5,000 open zaken in Open Zaak").
#![allow(dead_code)]

use std::sync::Arc;

use regiedesk::clock::Clock;
use regiedesk::domain::model::{Person, Role};
use regiedesk::domain::norms::Norms;
use regiedesk::server::http::token_hash;
use regiedesk::server::store::{self, Store, ZgwKind};
use regiedesk::zgw::client::{OnBehalf, ZgwClient};
use regiedesk::zgw::config::{Secret, ZgwConfig};
use regiedesk::zgw::source::ZgwSource;
use serde_json::{Value, json};

pub const URL_VAR: &str = "REGIEDESK_BENCH_OPENZAAK_URL";
pub const DB_VAR: &str = "REGIEDESK_BENCH_DATABASE_URL";
const SECRET: &str = "regiedesk-secret-0123456789abcdef";

/// The 36 casusregisseurs the seeder names, and the two procesregisseurs
/// who decided requests.
pub fn medewerkers() -> Vec<Person> {
    let organisations = ["Kwadraad", "MEE", "Wijkteam Oost", "Jeugdteam"];
    let mut people: Vec<Person> = (1..=36)
        .map(|i| Person {
            login: format!("bench-cr-{i:02}"),
            display_name: format!("Medewerker {i:02}"),
            role: Role::Casusregisseur,
            organisation: organisations[i % organisations.len()].into(),
            specialism: None,
            capacity: Some(30),
            active: true,
        })
        .collect();
    for (login, role) in [
        ("bench-pr-jeugd", Role::ProcesregisseurJeugd),
        ("bench-pr-wmo", Role::ProcesregisseurVolwassenen),
    ] {
        people.push(Person {
            login: login.into(),
            display_name: login.into(),
            role,
            organisation: "Gemeente".into(),
            specialism: None,
            capacity: None,
            active: true,
        });
    }
    people
}

/// The desk that polls in the latency bench: a procesregisseur sees every case.
pub const DESK_LOGIN: &str = "bench-pr-jeugd";
pub const DESK_TOKEN: &str = "tok-bench-pr-jeugd";

/// Open Zaak's root (`http://127.0.0.1:8820`), or `None` with a message.
pub fn open_zaak(bench: &str) -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim_end_matches('/').to_string()),
        _ => {
            eprintln!(
                "{bench}: skipped; set {URL_VAR} to an Open Zaak seeded by benches/zgw/seed-openzaak.py \
                 (docs/benchmarks.md, \"ZGW source: 5,000 open zaken in Open Zaak\")"
            );
            None
        }
    }
}

pub fn config(base: &str, reconcile_seconds: u64) -> ZgwConfig {
    let mut config: ZgwConfig = toml::from_str(&format!(
        r#"
        zaken_api = "{base}/zaken/api/v1/"
        catalogi_api = "{base}/catalogi/api/v1/"
        besluiten_api = "{base}/besluiten/api/v1/"
        client_id = "regiedesk"
        secret = "{SECRET}"
        rsin = "002220647"
        pseudonym_key = "openzaak-bench-key"
        notification_auth = "Token regiedesk-nrc"
        "#
    ))
    .expect("the bench's [zgw] section parses");
    config.reconcile_seconds = reconcile_seconds;
    config
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// SQLite always; PostgreSQL when `REGIEDESK_BENCH_DATABASE_URL` is set.
    pub fn available() -> Vec<Backend> {
        let mut backends = vec![Backend::Sqlite];
        if std::env::var(DB_VAR).is_ok() {
            backends.push(Backend::Postgres);
        } else {
            eprintln!("PostgreSQL variants skipped: {DB_VAR} is not set");
        }
        backends
    }
}

/// The medewerkers as staff, and the desk's token.
async fn add_staff(store: &dyn Store) {
    for person in medewerkers() {
        store.put_person(&person).await.unwrap();
    }
    store
        .add_token(DESK_LOGIN, &token_hash(DESK_TOKEN), false)
        .await
        .unwrap();
}

/// An empty store with the medewerkers as staff; removed when dropped.
pub struct Db {
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

impl Db {
    /// A SQLite store in a file that outlives the bench: an existing one
    /// is opened as it is (its projection kept), a new one gets the staff.
    pub async fn kept(path: &std::path::Path) -> (Db, bool) {
        let existed = path.exists();
        let url = format!("sqlite://{}", path.display());
        let store = store::connect(&url).await.unwrap();
        if !existed {
            add_staff(store.as_ref()).await;
        }
        let db = Db {
            store,
            _dir: None,
            schema: None,
        };
        (db, existed)
    }

    pub async fn create(backend: Backend) -> Db {
        let (url, dir, schema) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("zgw-bench.db").display());
                (url, Some(dir), None)
            }
            Backend::Postgres => {
                let admin = std::env::var(DB_VAR).unwrap();
                let schema = format!(
                    "rd_zgw_bench_{}_{}",
                    std::process::id(),
                    rand::random::<u32>()
                );
                let pool = sqlx::PgPool::connect(&admin).await.unwrap();
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                let separator = if admin.contains('?') { '&' } else { '?' };
                let url = format!("{admin}{separator}options=-c%20search_path%3D{schema}");
                (url, None, Some((admin, schema)))
            }
        };
        let store = store::connect(&url).await.unwrap();
        add_staff(store.as_ref()).await;
        Db {
            store,
            _dir: dir,
            schema,
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some((admin, schema)) = self.schema.take() {
            // Drop runs outside async: a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(pool) = sqlx::PgPool::connect(&admin).await {
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

pub async fn source(config: ZgwConfig, store: Arc<dyn Store>) -> Arc<ZgwSource> {
    ZgwSource::connect(config, store, Arc::new(Norms::default()), Clock::System)
        .await
        .expect("the source connects to Open Zaak")
}

/// A case as the store holds it after a read: its zaak, number and holder.
#[derive(Debug, Clone)]
pub struct Known {
    pub url: String,
    pub number: String,
    pub holder: Option<String>,
}

pub async fn known_cases(store: &dyn Store) -> Vec<Known> {
    let mut known = Vec::new();
    for link in store.zgw_links().await.unwrap() {
        if link.kind != ZgwKind::Case {
            continue;
        }
        if let Some(case) = store.case(link.local_id).await.unwrap()
            && case.is_open()
        {
            known.push(Known {
                url: link.url,
                number: case.number,
                holder: case.casusregisseur,
            });
        }
    }
    known
}

/// Open Zaak as a person at its own desk uses it.
pub struct Zgw {
    client: ZgwClient,
    base: String,
    casusregisseur_roltype: String,
}

fn me() -> OnBehalf {
    OnBehalf {
        user_id: "bench".into(),
        user_representation: "bench".into(),
    }
}

impl Zgw {
    pub async fn new(base: &str) -> Zgw {
        let client = ZgwClient::new("regiedesk", &Secret::for_tests(SECRET));
        let zaaktypen: Vec<Value> = client
            .list(
                &format!("{base}/catalogi/api/v1/zaaktypen?identificatie=KST-CASUSREGIE"),
                &me(),
            )
            .await
            .unwrap();
        let zaaktype = zaaktypen[0]["url"].as_str().unwrap();
        let roltypen: Vec<Value> = client
            .list(
                &format!("{base}/catalogi/api/v1/roltypen?zaaktype={zaaktype}"),
                &me(),
            )
            .await
            .unwrap();
        let casusregisseur_roltype = roltypen
            .iter()
            .find(|r| r["omschrijving"] == "Casusregisseur")
            .and_then(|r| r["url"].as_str())
            .expect("the catalogue has a Casusregisseur roltype")
            .to_string();
        Zgw {
            client,
            base: base.into(),
            casusregisseur_roltype,
        }
    }

    /// The URLs of the zaak's current Casusregisseur rollen.
    pub async fn holder_rollen(&self, zaak: &str) -> Vec<String> {
        let url = format!(
            "{}/zaken/api/v1/rollen?zaak={zaak}&roltype={}",
            self.base, self.casusregisseur_roltype
        );
        let rollen: Vec<Value> = self.client.list(&url, &me()).await.unwrap();
        rollen
            .iter()
            .filter_map(|r| r["url"].as_str().map(String::from))
            .collect()
    }

    /// Makes `login` the zaak's Casusregisseur: a new rol (the write
    /// whose arrival is measured).
    pub async fn add_holder(&self, zaak: &str, login: &str) {
        let body = json!({"zaak": zaak, "betrokkeneType": "medewerker",
            "roltype": self.casusregisseur_roltype, "roltoelichting": "",
            "betrokkeneIdentificatie": {"identificatie": login, "achternaam": login}});
        let _: Value = self
            .client
            .post(&format!("{}/zaken/api/v1/rollen", self.base), &body, &me())
            .await
            .unwrap();
    }

    pub async fn delete(&self, url: &str) {
        self.client.delete(url, &me()).await.unwrap();
    }

    /// A reassignment as Open Zaak's own users make it: the new holder's
    /// rol added, the old ones removed. Returns the new holder.
    pub async fn reassign(&self, case: &Known, rng: &mut impl rand::Rng) -> String {
        let old = self.holder_rollen(&case.url).await;
        let login = other_holder(case.holder.as_deref(), rng);
        self.add_holder(&case.url, &login).await;
        for rol in old {
            self.delete(&rol).await;
        }
        login
    }
}

/// A casusregisseur other than `holder`.
pub fn other_holder(holder: Option<&str>, rng: &mut impl rand::Rng) -> String {
    loop {
        let login = format!("bench-cr-{:02}", rng.random_range(1..=36));
        if Some(login.as_str()) != holder {
            return login;
        }
    }
}

/// `uptime`'s load averages, to say what else the machine did.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// This process's CPU time so far (user and system), in seconds.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command's closing parenthesis: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(14) + ticks(15)) / 100.0
}

/// What `full_reread` gives: the store, the source, how long the read
/// took, its report and this process's CPU seconds during it.
pub type Reread = (
    Db,
    Arc<ZgwSource>,
    std::time::Duration,
    regiedesk::zgw::source::ReconcileReport,
    f64,
);

/// A full re-read into an empty store: seconds, the report, and this
/// process's CPU seconds during it (the rest is waiting for Open Zaak).
pub async fn full_reread(config: ZgwConfig, backend: Backend) -> Reread {
    reread_into(config, Db::create(backend).await, true).await
}

/// As `full_reread`, into a SQLite file kept between runs: when it holds a
/// projection already, one ordinary walk brings it up to date instead
/// (minutes instead of a quarter of an hour before a bench can start).
pub async fn kept_or_full_reread(config: ZgwConfig, path: &std::path::Path) -> Reread {
    let (db, existed) = Db::kept(path).await;
    reread_into(config, db, !existed).await
}

async fn reread_into(config: ZgwConfig, db: Db, full: bool) -> Reread {
    let source = source(config, db.store.clone()).await;
    let cpu = cpu_seconds();
    let started = std::time::Instant::now();
    let report = source.reconcile(full).await.unwrap();
    let took = started.elapsed();
    assert_eq!(report.failed, 0, "{report:?}");
    (db, source, took, report, cpu_seconds() - cpu)
}
