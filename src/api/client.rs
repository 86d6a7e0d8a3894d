//! The desk's HTTP client for the case API: delta sync with `ETag`, changes
//! with `If-Match`, problem details turned into errors a user can read.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use reqwest::header::{ETAG, IF_MATCH, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::credentials::Credentials;
use super::sso::{self, Session, SsoError};
use super::wire::{
    AbsenceChangeBody, CaseDetailResponse, DecisionBody, Me, NewAbsenceBody, NewCaseBody,
    NewRequestBody, Problem, SyncResponse, Tagged, entity_tag,
};
use crate::domain::absence::Absence;
use crate::domain::boards::Delta;
use crate::domain::model::{Case, Request};
use crate::domain::stats::{Bucket, Period, Throughput};

/// Why a call to the case API did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiFailure {
    /// The server could not be reached (or did not answer in time).
    #[error("geen verbinding met de server: {0}")]
    Offline(String),
    /// The server answered with a problem (4xx or 5xx).
    #[error("{}", .0.detail)]
    Refused(Problem),
    /// The server answered something this client does not understand.
    #[error("onverwacht antwoord van de server: {0}")]
    Unexpected(String),
    /// The identity provider refused to renew the session (logged out,
    /// account disabled): `L` logs in again.
    #[error("{0}")]
    SessionEnded(String),
}

impl ApiFailure {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiFailure::Refused(problem) => Some(problem.status),
            _ => None,
        }
    }

    /// The cause in a few words, without the "no connection" a banner
    /// already says.
    pub fn reason(&self) -> String {
        match self {
            ApiFailure::Offline(why) => why.clone(),
            other => other.to_string(),
        }
    }

    /// The server does not accept the token (401) or the person (403),
    /// or the session at the identity provider ended.
    pub fn is_denied(&self) -> bool {
        matches!(self, ApiFailure::SessionEnded(_)) || matches!(self.status(), Some(401 | 403))
    }

    /// A refusal that logging in again can mend: the session ended, the
    /// token was refused, or the action needs a multi-factor login.
    pub fn wants_login(&self) -> bool {
        match self {
            ApiFailure::SessionEnded(_) => true,
            ApiFailure::Refused(problem) => matches!(
                problem.kind.as_str(),
                "urn:regiedesk:problem:mfa-required" | "urn:regiedesk:problem:token-refused"
            ),
            _ => false,
        }
    }

    /// How long the server asked to be left alone (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiFailure::Refused(problem) => problem.retry_after.map(Duration::from_secs),
            _ => None,
        }
    }

    /// A conflict the user can resolve by looking again: 409 or 412.
    pub fn is_conflict(&self) -> bool {
        matches!(self.status(), Some(409 | 412))
    }
}

/// What a poll brought.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncOutcome {
    /// 304: nothing changed since the cursor.
    Unchanged,
    /// Everything since the cursor, all pages followed.
    Changed {
        delta: Delta,
        cursor: String,
        etag: Option<String>,
    },
}

#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
    bearer: Bearer,
}

/// What the desk shows the server as proof of who it is.
#[derive(Clone)]
pub enum Bearer {
    /// A static token (`REGIEDESK_TOKEN`, the demo's, a service account's).
    Static(String),
    /// A session at the municipality's identity provider, renewed as it
    /// runs out; shared by every clone of the client (the poller, the
    /// actions), so a new login reaches them all.
    Session(Arc<SessionBearer>),
}

/// An identity provider session in use: the access token is renewed
/// with the refresh token shortly before it ends, and kept again.
pub struct SessionBearer {
    session: tokio::sync::Mutex<Session>,
    credentials: Option<Credentials>,
    /// Why the provider refused a renewal; no further attempts until a
    /// new login replaces the session.
    ended: std::sync::Mutex<Option<String>>,
}

/// A token is renewed when it ends within this.
const RENEW_BEFORE: Duration = Duration::from_secs(30);

impl SessionBearer {
    pub fn new(session: Session, credentials: Option<Credentials>) -> Arc<Self> {
        Arc::new(Self {
            session: tokio::sync::Mutex::new(session),
            credentials,
            ended: std::sync::Mutex::new(None),
        })
    }

    /// The access token to send now: renewed first when it runs out.
    pub async fn token(&self) -> Result<String, ApiFailure> {
        if let Some(why) = self.ended.lock().expect("ended lock").clone() {
            return Err(ApiFailure::SessionEnded(why));
        }
        let mut session = self.session.lock().await;
        let now = chrono::Utc::now();
        if session.expires_within(now, RENEW_BEFORE) {
            match sso::refresh(&session).await {
                Ok(renewed) => {
                    *session = renewed;
                    self.keep(&session).await;
                }
                Err(SsoError::Refused(why)) => {
                    tracing::warn!(%why, "the identity provider refused to renew the session");
                    *self.ended.lock().expect("ended lock") = Some(why.clone());
                    return Err(ApiFailure::SessionEnded(why));
                }
                // The provider is away: the token serves until it ends.
                Err(other) if session.expires_at > now => {
                    tracing::warn!(error = %other, "session not renewed yet");
                }
                Err(other) => return Err(ApiFailure::Offline(other.to_string())),
            }
        }
        Ok(session.access_token.clone())
    }

    /// A new login's session replaces the old one, for every clone.
    pub async fn replace(&self, session: Session) {
        let mut current = self.session.lock().await;
        *current = session;
        self.keep(&current).await;
        *self.ended.lock().expect("ended lock") = None;
    }

    async fn keep(&self, session: &Session) {
        if let Some(credentials) = &self.credentials
            && let Err(error) = credentials.save(session).await
        {
            tracing::warn!(%error, "renewed session not kept");
        }
    }
}

/// How the desk may reach its server.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    /// Allow `http://` to a host other than this machine: the token then
    /// crosses the network in the clear.
    pub insecure_http: bool,
    /// An extra root certificate (PEM), for a municipality's own CA.
    pub ca_cert: Option<std::path::PathBuf>,
}

/// Whether `url` names this machine (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The proxies a client that carries tokens may use: the environment's
/// `HTTPS_PROXY` (or `ALL_PROXY`), with its `NO_PROXY`, for `https://`
/// only. Plain `http://` (this machine, or a server given with
/// `--insecure-http`) never goes through a proxy, so no proxy ever reads a
/// token: reqwest would otherwise send `Authorization` in the clear to
/// `HTTP_PROXY` even for `http://localhost`.
pub fn only_tls_through_proxies(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, String> {
    let builder = builder.no_proxy();
    let from_env = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()));
    let Some(proxy) = from_env else {
        return Ok(builder);
    };
    let proxy = reqwest::Proxy::https(&proxy)
        .map_err(|e| format!("de proxy {proxy:?} is onbruikbaar: {e}"))?
        .no_proxy(reqwest::NoProxy::from_env());
    Ok(builder.proxy(proxy))
}

/// Whether `base` may carry a token: `https://`, or `http://` to this
/// machine (loopback), or `http://` anywhere when the user said so.
pub fn check_transport(base: &str, insecure_http: bool) -> Result<(), String> {
    let url = reqwest::Url::parse(base).map_err(|_| format!("{base:?} is geen geldige URL"))?;
    let loopback = is_loopback(&url);
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback || insecure_http => Ok(()),
        "http" => Err(format!(
            "{base} is niet versleuteld: het token zou leesbaar over het netwerk gaan. \
             Gebruik https://, of geef --insecure-http als dat echt de bedoeling is"
        )),
        other => Err(format!(
            "{other}:// wordt niet ondersteund; gebruik https://"
        )),
    }
}

impl ApiClient {
    pub fn new(base: &str, token: &str) -> Result<Self, ApiFailure> {
        Self::with_transport(base, Bearer::Static(token.into()), &Transport::default())
    }

    /// A client for the desk: refuses a token over plain HTTP beyond this
    /// machine unless `transport.insecure_http`, and trusts `ca_cert`.
    pub fn for_desk(base: &str, bearer: Bearer, transport: &Transport) -> Result<Self, ApiFailure> {
        check_transport(base, transport.insecure_http).map_err(ApiFailure::Unexpected)?;
        Self::with_transport(base, bearer, transport)
    }

    fn with_transport(
        base: &str,
        bearer: Bearer,
        transport: &Transport,
    ) -> Result<Self, ApiFailure> {
        let builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("regiedesk/", env!("CARGO_PKG_VERSION")));
        let mut builder = only_tls_through_proxies(builder).map_err(ApiFailure::Unexpected)?;
        if let Some(path) = &transport.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                ApiFailure::Unexpected(format!("kan {} niet lezen: {e}", path.display()))
            })?;
            let certificate = reqwest::Certificate::from_pem(&pem).map_err(|_| {
                ApiFailure::Unexpected(format!("{} is geen PEM-certificaat", path.display()))
            })?;
            builder = builder.add_root_certificate(certificate);
        }
        let http = builder
            .build()
            .map_err(|e| ApiFailure::Unexpected(e.to_string()))?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            bearer,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The identity provider session, where the desk logged in with one.
    pub fn session(&self) -> Option<&Arc<SessionBearer>> {
        match &self.bearer {
            Bearer::Session(session) => Some(session),
            Bearer::Static(_) => None,
        }
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
    ) -> Result<reqwest::RequestBuilder, ApiFailure> {
        let token = match &self.bearer {
            Bearer::Static(token) => token.clone(),
            Bearer::Session(session) => session.token().await?,
        };
        Ok(self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token))
    }

    async fn send<T: DeserializeOwned>(
        builder: reqwest::RequestBuilder,
    ) -> Result<(T, Option<String>), ApiFailure> {
        let response = builder.send().await.map_err(offline)?;
        let etag = etag_of(&response);
        if response.status().is_success() {
            let body = response
                .json::<T>()
                .await
                .map_err(|e| ApiFailure::Unexpected(e.to_string()))?;
            Ok((body, etag))
        } else {
            Err(problem_of(response).await)
        }
    }

    pub async fn me(&self) -> Result<Me, ApiFailure> {
        Ok(Self::send(self.request(Method::GET, "/api/v1/me").await?)
            .await?
            .0)
    }

    /// Polls for changes after `since`, following `has_more` to the end.
    /// With the `etag` of the previous poll an idle server answers 304.
    pub async fn sync(
        &self,
        since: Option<&str>,
        etag: Option<&str>,
    ) -> Result<SyncOutcome, ApiFailure> {
        let mut delta = Delta::default();
        let mut cursor = since.unwrap_or_default().to_string();
        let mut first = true;
        loop {
            let mut builder = self
                .request(Method::GET, &format!("/api/v1/sync?since={cursor}"))
                .await?;
            if let (true, Some(etag)) = (first, etag) {
                builder = builder.header(IF_NONE_MATCH, etag);
            }
            let response = builder.send().await.map_err(offline)?;
            if response.status() == StatusCode::NOT_MODIFIED {
                return Ok(SyncOutcome::Unchanged);
            }
            let tag = etag_of(&response);
            if !response.status().is_success() {
                return Err(problem_of(response).await);
            }
            let page: SyncResponse = response
                .json()
                .await
                .map_err(|e| ApiFailure::Unexpected(e.to_string()))?;
            delta.removed_cases.extend(page.removed_cases);
            delta.cases.extend(page.cases);
            delta.requests.extend(page.requests);
            // Each person of the page comes with all their absences.
            for person in &page.people {
                let theirs = page
                    .absences
                    .iter()
                    .filter(|a| a.login == person.login)
                    .cloned()
                    .collect();
                delta.absences.insert(person.login.clone(), theirs);
            }
            delta.people.extend(page.people);
            if page.reminders.is_some() {
                delta.reminders = page.reminders;
            }
            cursor = page.cursor;
            first = false;
            if !page.has_more {
                return Ok(SyncOutcome::Changed {
                    delta,
                    cursor,
                    etag: tag,
                });
            }
        }
    }

    pub async fn case_detail(&self, id: i64) -> Result<CaseDetailResponse, ApiFailure> {
        Ok(Self::send(
            self.request(Method::GET, &format!("/api/v1/cases/{id}"))
                .await?,
        )
        .await?
        .0)
    }

    /// POSTs `body`, with `If-Match` when a resource's version is given.
    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
        version: Option<(Tagged, i64, i64)>,
    ) -> Result<T, ApiFailure> {
        self.write(Method::POST, path, body, version).await
    }

    /// Sends a change (`POST`, `PATCH`) with `body`.
    async fn write<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &impl Serialize,
        version: Option<(Tagged, i64, i64)>,
    ) -> Result<T, ApiFailure> {
        // A write may wait on the municipality's case system (several
        // writes and a re-read there), so it gets longer than a poll; cut
        // off, its outcome is unknown, and the user is told so.
        let mut builder = self
            .request(method, path)
            .await?
            .json(body)
            .timeout(WRITE_TIMEOUT);
        if let Some((kind, id, version)) = version {
            builder = builder.header(IF_MATCH, entity_tag(kind, id, version));
        }
        match Self::send(builder).await {
            Err(ApiFailure::Offline(why)) if why == TIMED_OUT => Err(ApiFailure::Offline(
                "de server antwoordde niet binnen een minuut; of het is vastgelegd, \
                 toont de volgende verversing"
                    .into(),
            )),
            other => Ok(other?.0),
        }
    }

    /// A change to a case (`assign`, `escalate`, ...) at the version the
    /// user saw.
    pub async fn case_action(
        &self,
        case_id: i64,
        action: &str,
        body: &impl Serialize,
        version: i64,
    ) -> Result<Case, ApiFailure> {
        self.post(
            &format!("/api/v1/cases/{case_id}/{action}"),
            body,
            Some((Tagged::Case, case_id, version)),
        )
        .await
    }

    /// Records something about a request's decision term (`suspension`,
    /// `resumption`, `extension`, `default-notice`) at the version seen.
    pub async fn request_action(
        &self,
        request_id: i64,
        action: &str,
        body: &impl Serialize,
        version: i64,
    ) -> Result<Request, ApiFailure> {
        self.post(
            &format!("/api/v1/requests/{request_id}/{action}"),
            body,
            Some((Tagged::Request, request_id, version)),
        )
        .await
    }

    pub async fn decide(
        &self,
        request_id: i64,
        body: &DecisionBody,
        version: i64,
    ) -> Result<Request, ApiFailure> {
        self.post(
            &format!("/api/v1/requests/{request_id}/decision"),
            body,
            Some((Tagged::Request, request_id, version)),
        )
        .await
    }

    /// Marks a casusregisseur absent.
    pub async fn add_absence(
        &self,
        login: &str,
        body: &NewAbsenceBody,
    ) -> Result<Absence, ApiFailure> {
        self.post(&format!("/api/v1/staff/{login}/absences"), body, None)
            .await
    }

    /// Withdraws an absence recorded by mistake.
    pub async fn withdraw_absence(&self, login: &str, id: i64) -> Result<(), ApiFailure> {
        let builder = self
            .request(
                Method::DELETE,
                &format!("/api/v1/staff/{login}/absences/{id}"),
            )
            .await?
            .timeout(WRITE_TIMEOUT);
        let response = builder.send().await.map_err(offline)?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(problem_of(response).await)
        }
    }

    /// Keeps the user's own note on a case.
    pub async fn add_note(
        &self,
        case_id: i64,
        body: &crate::api::wire::NewNoteBody,
    ) -> Result<crate::domain::note::CaseNote, ApiFailure> {
        self.post(&format!("/api/v1/cases/{case_id}/notes"), body, None)
            .await
    }

    /// Deals with the reminder of the user's note.
    pub async fn finish_note(
        &self,
        case_id: i64,
        note_id: i64,
    ) -> Result<crate::domain::note::CaseNote, ApiFailure> {
        self.write(
            Method::PATCH,
            &format!("/api/v1/cases/{case_id}/notes/{note_id}"),
            &crate::api::wire::NoteChangeBody { done: true },
            None,
        )
        .await
    }

    /// A new last day for an absence, or its return settled.
    pub async fn change_absence(
        &self,
        login: &str,
        id: i64,
        body: &AbsenceChangeBody,
    ) -> Result<Absence, ApiFailure> {
        self.write(
            Method::PATCH,
            &format!("/api/v1/staff/{login}/absences/{id}"),
            body,
            None,
        )
        .await
    }

    /// The throughput figures of a period.
    pub async fn throughput(&self, period: Period, by: Bucket) -> Result<Throughput, ApiFailure> {
        let by = match by {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
        };
        let path = format!(
            "/api/v1/stats/throughput?from={}&to={}&by={by}",
            period.from, period.to
        );
        Ok(Self::send(self.request(Method::GET, &path).await?).await?.0)
    }

    /// A new referral for a household.
    pub async fn refer(&self, body: &NewCaseBody) -> Result<Case, ApiFailure> {
        self.post("/api/v1/cases", body, None).await
    }

    /// The casusregisseur files a request on a case.
    pub async fn file_request(
        &self,
        case_id: i64,
        body: &NewRequestBody,
        version: i64,
    ) -> Result<Request, ApiFailure> {
        self.post(
            &format!("/api/v1/cases/{case_id}/requests"),
            body,
            Some((Tagged::Case, case_id, version)),
        )
        .await
    }
}

/// A transport error in the user's words; the library's own (English)
/// chain goes to the log only.
const TIMED_OUT: &str = "de server antwoordde niet op tijd";

/// How long a write may take (a poll: 15 s).
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

fn offline(error: reqwest::Error) -> ApiFailure {
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain = format!("{chain}: {cause}");
        source = cause.source();
    }
    tracing::debug!(error = %chain, "request failed");
    let lower = chain.to_lowercase();
    let why = if error.is_timeout() {
        TIMED_OUT
    } else if lower.contains("dns") || lower.contains("lookup") {
        "het adres van de server is onbekend"
    } else if lower.contains("refused") {
        "er luistert niets op dit adres"
    } else if lower.contains("certificate") || lower.contains("tls") {
        "de beveiligde verbinding kwam niet tot stand"
    } else if error.is_connect() {
        "de server is niet bereikbaar"
    } else {
        "de verbinding werd verbroken"
    };
    ApiFailure::Offline(why.to_string())
}

fn etag_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn problem_of(response: reqwest::Response) -> ApiFailure {
    let status = response.status();
    // Seconds only (RFC 9110 also allows a date, which this server never
    // sends); at most a minute, whatever a server asks.
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|s| s.min(60));
    match response.json::<Problem>().await {
        Ok(problem) => ApiFailure::Refused(Problem {
            retry_after,
            ..problem
        }),
        Err(_) => ApiFailure::Refused(Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: format!("de server antwoordde {status}"),
            current_version: None,
            retry_after,
        }),
    }
}

/// Exponential backoff with jitter for polling an unreachable server: 1 s,
/// 2 s, 4 s ... up to a minute, each ±20 %, so desks that lost the server
/// together do not all come back at the same instant.
#[derive(Debug, Clone)]
pub struct Backoff {
    failures: u32,
    base: Duration,
    max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            failures: 0,
            base: Duration::from_secs(1),
            max: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The wait before the next attempt after one more failure.
    pub fn failed<R: Rng>(&mut self, rng: &mut R) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let exp = self
            .base
            .saturating_mul(2u32.saturating_pow(self.failures - 1))
            .min(self.max);
        exp.mul_f64(rng.random_range(0.8..=1.2))
    }

    pub fn succeeded(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn backoff_doubles_with_jitter_up_to_a_minute_and_resets() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut backoff = Backoff::default();
        let waits: Vec<f64> = (0..9)
            .map(|_| backoff.failed(&mut rng).as_secs_f64())
            .collect();
        for (i, wait) in waits.iter().enumerate() {
            let nominal = (2f64.powi(i as i32)).min(60.0);
            assert!(
                (nominal * 0.8..=nominal * 1.2).contains(wait),
                "attempt {i}: {wait}"
            );
        }
        assert_ne!(waits[7], waits[8], "jitter spreads the retries");
        backoff.succeeded();
        assert!(backoff.failed(&mut rng) <= Duration::from_millis(1200));
    }
}
