//! The harness of the tests against a real Open Zaak 1.30.0 (installed
//! by `.ci/run`): the instance from the environment, Open Zaak as a person
//! at its own desk uses it, and a regiedesk server with a ZGW source on it.
#![allow(dead_code)]

use chrono::Utc;
use regiedesk::clock::Clock;
use regiedesk::domain::model::{Person, Role};
use regiedesk::domain::norms::Norms;
use regiedesk::server::store::{self, Store};
use regiedesk::server::{AppState, http::token_hash, router_with};
use regiedesk::zgw::client::{OnBehalf, ZgwClient};
use regiedesk::zgw::config::{Secret, ZgwConfig};
use regiedesk::zgw::source::ZgwSource;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

use crate::etag;

pub const SECRET: &str = "regiedesk-secret-0123456789abcdef";
pub const BIN: &str = env!("CARGO_BIN_EXE_regiedesk");
/// Seconds the desk may wait for an answer that goes through Open Zaak:
/// each action is several writes and a re-read there, slow on a busy
/// machine. A bound, not a pause: the test goes on once the answer shows.
pub const ANSWER: u64 = 120;

pub struct OpenZaak {
    pub base: String,
    pub nrc_port: u16,
}

pub fn open_zaak() -> Option<OpenZaak> {
    match std::env::var("REGIEDESK_TEST_OPENZAAK_URL") {
        Ok(base) => Some(OpenZaak {
            base: base.trim_end_matches('/').to_string(),
            nrc_port: std::env::var("REGIEDESK_TEST_OPENZAAK_NRC_PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0),
        }),
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "CI=true: REGIEDESK_TEST_OPENZAAK_URL must name a running Open Zaak (.ci/run starts one)"
            )
        }
        Err(_) => {
            eprintln!("skipped: set REGIEDESK_TEST_OPENZAAK_URL to run against a real Open Zaak");
            None
        }
    }
}

pub fn config(oz: &OpenZaak, reconcile_seconds: u64) -> ZgwConfig {
    let mut config: ZgwConfig = toml::from_str(&format!(
        r#"
        zaken_api = "{b}/zaken/api/v1/"
        catalogi_api = "{b}/catalogi/api/v1/"
        besluiten_api = "{b}/besluiten/api/v1/"
        client_id = "regiedesk"
        secret = "{SECRET}"
        rsin = "002220647"
        pseudonym_key = "openzaak-test-key"
        notification_auth = "Token regiedesk-nrc"
        "#,
        b = oz.base
    ))
    .unwrap();
    config.reconcile_seconds = reconcile_seconds;
    config
}

/// Open Zaak as a person at its own desk would use it (not through
/// regiedesk): to set up zaken and to check what regiedesk wrote.
pub struct Zgw {
    pub client: ZgwClient,
    pub base: String,
}

impl Zgw {
    pub fn new(oz: &OpenZaak) -> Self {
        Self {
            client: ZgwClient::new("regiedesk", &Secret::for_tests(SECRET)),
            base: oz.base.clone(),
        }
    }
    pub fn me() -> OnBehalf {
        OnBehalf {
            user_id: "test".into(),
            user_representation: "test".into(),
        }
    }
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.into()
        } else {
            format!("{}{path}", self.base)
        }
    }
    pub async fn get(&self, path: &str) -> Value {
        self.client.get(&self.url(path), &Self::me()).await.unwrap()
    }
    pub async fn list(&self, path: &str) -> Vec<Value> {
        self.client
            .list(&self.url(path), &Self::me())
            .await
            .unwrap()
    }
    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.client
            .post(&self.url(path), &body, &Self::me())
            .await
            .unwrap()
    }
    /// Names to URLs of one kind of type of a zaaktype.
    pub async fn types(
        &self,
        kind: &str,
        zaaktype: &str,
        name: &str,
    ) -> std::collections::HashMap<String, String> {
        self.list(&format!("/catalogi/api/v1/{kind}?zaaktype={zaaktype}"))
            .await
            .into_iter()
            .map(|t| {
                (
                    t[name].as_str().unwrap().to_string(),
                    t["url"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
    pub async fn zaaktype(&self, identificatie: &str) -> String {
        self.list(&format!(
            "/catalogi/api/v1/zaaktypen?identificatie={identificatie}"
        ))
        .await[0]["url"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A case zaak with a household, held by `holder`, with a plan; and,
    /// when `filer` is given, a pending jeugdhulp request filed by them.
    /// Returns the case zaak's URL and the request's.
    pub async fn case(
        &self,
        number: &str,
        holder: &str,
        filer: Option<&str>,
    ) -> (String, Option<String>) {
        let url = self.case_at(number, holder, "Plan vastgesteld").await;
        let deel = match filer {
            Some(filer) => Some(self.spec_request(&url, number, filer).await),
            None => None,
        };
        (url, deel)
    }

    /// A case zaak with a household, held by `holder`, whose statussen go
    /// from Aangemeld up to and including `through`.
    pub async fn case_at(&self, number: &str, holder: &str, through: &str) -> String {
        let casus = self.zaaktype("KST-CASUSREGIE").await;
        let st = self.types("statustypen", &casus, "omschrijving").await;
        let rt = self.types("roltypen", &casus, "omschrijving").await;
        let ei = self.types("eigenschappen", &casus, "naam").await;
        let today = Utc::now().date_naive().to_string();
        let zaak = self
            .post(
                "/zaken/api/v1/zaken",
                json!({
                "zaaktype": casus, "bronorganisatie": "002220647",
                "verantwoordelijkeOrganisatie": "002220647", "startdatum": today,
                "kenmerken": [{"bron": "regiedesk", "kenmerk": number}],
                "omschrijving": "Casusregie"}),
            )
            .await;
        let url = zaak["url"].as_str().unwrap().to_string();
        let uuid = zaak["uuid"].as_str().unwrap();
        for (naam, waarde) in [
            ("domein", "jeugd"),
            ("verwijsbron", "huisarts"),
            ("risico", "veiligheid,agressie"),
            ("escalatie", "geen"),
        ] {
            self.post(
                &format!("/zaken/api/v1/zaken/{uuid}/zaakeigenschappen"),
                json!({"zaak": url, "eigenschap": ei[naam], "waarde": waarde}),
            )
            .await;
        }
        // A fictitious BSN of its own: one household, one case.
        let bsn = fictitious_bsn();
        self.post(
            "/zaken/api/v1/rollen",
            json!({"zaak": url, "betrokkeneType": "natuurlijk_persoon",
            "roltype": rt["Huishouden"], "roltoelichting": "gezin",
            "betrokkeneIdentificatie": {"inpBsn": bsn, "geslachtsnaam": "Fictief"}}),
        )
        .await;
        let at = |days: i64| (Utc::now() - chrono::Duration::days(days)).to_rfc3339();
        self.post(
            "/zaken/api/v1/statussen",
            json!({"zaak": url, "statustype": st["Aangemeld"], "datumStatusGezet": at(20)}),
        )
        .await;
        self.post(
            "/zaken/api/v1/rollen",
            json!({"zaak": url, "betrokkeneType": "medewerker",
            "roltype": rt["Casusregisseur"], "roltoelichting": "",
            "betrokkeneIdentificatie": {"identificatie": holder, "achternaam": holder}}),
        )
        .await;
        for (step, days_ago) in [
            ("Toegewezen", 19),
            ("Eerste contact", 18),
            ("Plan vastgesteld", 10),
        ] {
            self.post(
                "/zaken/api/v1/statussen",
                json!({"zaak": url, "statustype": st[step], "datumStatusGezet": at(days_ago)}),
            )
            .await;
            if step == through {
                break;
            }
        }
        url
    }

    pub async fn statussen(&self, zaak: &str) -> Vec<String> {
        let zaaktype = self.get(zaak).await["zaaktype"]
            .as_str()
            .unwrap()
            .to_string();
        let names: std::collections::HashMap<String, String> = self
            .types("statustypen", &zaaktype, "omschrijving")
            .await
            .into_iter()
            .map(|(name, url)| (url, name))
            .collect();
        let mut statussen = self
            .list(&format!("/zaken/api/v1/statussen?zaak={zaak}"))
            .await;
        statussen.sort_by_key(|s| s["datumStatusGezet"].as_str().unwrap().to_string());
        statussen
            .iter()
            .map(|s| names[s["statustype"].as_str().unwrap()].clone())
            .collect()
    }

    pub async fn holders(&self, zaak: &str, generiek: &str) -> Vec<String> {
        self.list(&format!(
            "/zaken/api/v1/rollen?zaak={zaak}&omschrijvingGeneriek={generiek}"
        ))
        .await
        .iter()
        .filter_map(|r| {
            r["betrokkeneIdentificatie"]["identificatie"]
                .as_str()
                .map(String::from)
        })
        .collect()
    }

    pub async fn deelzaak(&self, zaak: &str) -> Value {
        let deelzaken = self.get(zaak).await["deelzaken"].clone();
        self.get(deelzaken[0].as_str().expect("a deelzaak")).await
    }
}

impl Zgw {
    /// A pending jeugdhulp request on the case zaak at `url`, filed in Open
    /// Zaak by `filer`; returns the deelzaak's URL.
    pub async fn spec_request(&self, url: &str, number: &str, filer: &str) -> String {
        let today = Utc::now().date_naive().to_string();
        let at = |days: i64| (Utc::now() - chrono::Duration::days(days)).to_rfc3339();
        let spec = self.zaaktype("KST-AANVRAAG-SPEC").await;
        let sst = self.types("statustypen", &spec, "omschrijving").await;
        let srt = self.types("roltypen", &spec, "omschrijving").await;
        let sei = self.types("eigenschappen", &spec, "naam").await;
        let due = (Utc::now().date_naive() + chrono::Duration::days(56)).to_string();
        let deel = self
            .post(
                "/zaken/api/v1/zaken",
                json!({
                "zaaktype": spec, "bronorganisatie": "002220647",
                "verantwoordelijkeOrganisatie": "002220647", "startdatum": today, "hoofdzaak": url,
                "kenmerken": [{"bron": "regiedesk", "kenmerk": format!("AV-{number}")}],
                "omschrijving": "Ambulante jeugdhulp", "toelichting": "Volgens plan",
                "uiterlijkeEinddatumAfdoening": due}),
            )
            .await;
        let deel_url = deel["url"].as_str().unwrap().to_string();
        self.post(
            &format!(
                "/zaken/api/v1/zaken/{}/zaakeigenschappen",
                deel["uuid"].as_str().unwrap()
            ),
            json!({"zaak": deel_url, "eigenschap": sei["in_plan"], "waarde": "ja"}),
        )
        .await;
        self.post(
            "/zaken/api/v1/rollen",
            json!({"zaak": deel_url, "betrokkeneType": "medewerker",
            "roltype": srt["Aanvrager (casusregisseur)"], "roltoelichting": "",
            "betrokkeneIdentificatie": {"identificatie": filer, "achternaam": filer}}),
        )
        .await;
        self.post(
            "/zaken/api/v1/statussen",
            json!({"zaak": deel_url, "statustype": sst["Ingediend"], "datumStatusGezet": at(0)}),
        )
        .await;
        deel_url
    }

    pub async fn eigenschap(&self, zaak: &str, naam: &str) -> Option<String> {
        let uuid = zaak.rsplit('/').next().unwrap();
        self.list(&format!("/zaken/api/v1/zaken/{uuid}/zaakeigenschappen"))
            .await
            .iter()
            .find(|e| e["naam"] == naam)
            .map(|e| e["waarde"].as_str().unwrap().to_string())
    }

    pub async fn besluiten(&self, zaak: &str) -> Vec<Value> {
        self.list(&format!("/besluiten/api/v1/besluiten?zaak={zaak}"))
            .await
    }
}

/// A regiedesk server with a ZGW source on `port` (0: any).
pub struct Served {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub source: Arc<ZgwSource>,
    pub http: reqwest::Client,
    pub _tasks: Vec<tokio::task::JoinHandle<()>>,
    pub _dir: tempfile::TempDir,
}

impl Served {
    pub async fn start(config: ZgwConfig, port: u16) -> Served {
        // The server's warnings in the test's output, should it fail.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("regiedesk=info")
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("zgw.db").display());
        let store = store::connect(&url).await.unwrap();
        for (login, role) in [
            ("oz-cr-a", Role::Casusregisseur),
            ("oz-cr-b", Role::Casusregisseur),
            ("oz-pr", Role::ProcesregisseurJeugd),
            ("oz-pr-2", Role::ProcesregisseurJeugd),
            ("oz-dzm", Role::ProcesregisseurDoorzettingsmacht),
        ] {
            store
                .put_person(&Person {
                    login: login.into(),
                    display_name: format!("Test {login}"),
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
        Self::start_over(config, port, store, dir).await
    }

    /// Starts over the database of a server that is gone, as after a
    /// crash: the people are there already.
    pub async fn start_over(
        config: ZgwConfig,
        port: u16,
        store: Arc<dyn Store>,
        dir: tempfile::TempDir,
    ) -> Served {
        let clock = Clock::System;
        let state = AppState::new(store.clone(), clock, Norms::default());
        let source = ZgwSource::connect(config, store.clone(), state.norms.clone(), clock)
            .await
            .unwrap();
        source.reconcile(true).await.unwrap();
        let mut tasks = source.spawn();
        let routes = regiedesk::zgw::notify::routes(source.clone());
        let state = state.with_source(source.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tasks.push(tokio::spawn(async move {
            axum::serve(listener, router_with(state, routes))
                .await
                .unwrap();
        }));
        Served {
            base,
            store,
            source,
            http: reqwest::Client::new(),
            _tasks: tasks,
            _dir: dir,
        }
    }

    /// Stops this server as a kill would (its tasks end where they are)
    /// and starts a new one over the same database.
    pub async fn restart(self, config: ZgwConfig) -> Served {
        for task in &self._tasks {
            task.abort();
        }
        let dir = self._dir;
        let url = format!("sqlite://{}", dir.path().join("zgw.db").display());
        let store = store::connect(&url).await.unwrap();
        Self::start_over(config, 0, store, dir).await
    }

    pub async fn sync(&self, login: &str) -> Value {
        self.http
            .get(format!("{}/api/v1/sync", self.base))
            .bearer_auth(format!("tok-{login}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn case(&self, number: &str) -> Option<Value> {
        let sync = self.sync("oz-pr").await;
        sync["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["number"] == number)
            .cloned()
    }

    pub async fn request(&self, number: &str) -> Option<Value> {
        let sync = self.sync("oz-pr").await;
        sync["requests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["number"] == number)
            .cloned()
    }

    /// Waits (bounded) until `check` holds of the case with this number.
    pub async fn until(&self, number: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..240 {
            if let Some(case) = self.case(number).await
                && check(&case)
            {
                return case;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!(
            "{number}: {what} never showed; last: {:?}",
            self.case(number).await
        )
    }

    pub async fn post(&self, login: &str, path: &str, etag: i64, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/api/v1/{path}", self.base))
            .bearer_auth(format!("tok-{login}"))
            .header("If-Match", etag::tag_for_path(path, etag))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// A random nine-digit number that passes the elfproef, as Open Zaak
/// demands of a BSN (starting with 99: the range of test numbers).
pub fn fictitious_bsn() -> String {
    loop {
        let digits: Vec<u32> = [9, 9]
            .into_iter()
            .chain((0..6).map(|_| rand::random::<u32>() % 10))
            .collect();
        let sum: u32 = digits.iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum();
        let last = sum % 11;
        if last < 10 {
            return digits
                .iter()
                .chain([last].iter())
                .map(|d| d.to_string())
                .collect();
        }
    }
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{:06}", rand::random::<u32>() % 1_000_000)
}
