//! HTTP to the ZGW APIs: a JWT per request naming the person, the headers
//! Open Zaak insists on, paginated lists, and errors sorted by what the
//! caller must do about them. A 5xx on a write is not a failure but an
//! unknown outcome: Open Zaak may have committed it (ZGW.md).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jsonwebtoken::{EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::config::Secret;

/// Who a request is made for: lands in the case system's audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnBehalf {
    pub user_id: String,
    pub user_representation: String,
}

impl OnBehalf {
    /// regiedesk itself (the reconciler, the notification re-reads).
    pub fn regiedesk() -> Self {
        Self {
            user_id: "regiedesk".into(),
            user_representation: "regiedesk (projectie)".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ZgwError {
    #[error("not found: {0}")]
    NotFound(String),
    /// Out of the client's scopes (zaaktype or vertrouwelijkheid).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The case system refused the request (a 4xx with its problem).
    #[error("refused ({status}): {code}: {detail}")]
    Refused {
        status: u16,
        code: String,
        detail: String,
    },
    /// A write whose result is not known: a 5xx, or the connection broke
    /// after the request left. Re-read before anything else.
    #[error("outcome unknown: {0}")]
    OutcomeUnknown(String),
    /// A read that failed for a reason that may pass (5xx, network).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A URL outside the configured APIs (named by a notification or an
    /// answer): never asked, so it never receives a token.
    #[error("refused: {0} lies outside the configured ZGW APIs")]
    Foreign(String),
    #[error("unexpected answer from {url}: {why}")]
    Invalid { url: String, why: String },
}

/// Whether `url` lies below one of `roots`: the same scheme, host and
/// port, and a path (after `..` is resolved) that starts with the root's.
pub fn under_any(roots: &[url::Url], url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    roots.iter().any(|root| {
        let root_path = if root.path().ends_with('/') {
            root.path().to_string()
        } else {
            format!("{}/", root.path())
        };
        url.scheme() == root.scheme()
            && url.host() == root.host()
            && url.port_or_known_default() == root.port_or_known_default()
            && url.username().is_empty()
            && (url.path().starts_with(&root_path) || url.path() == root_path.trim_end_matches('/'))
    })
}

/// How long a JWT regiedesk signs for the case system is valid: long
/// enough for one request with its retries and some clock drift, short
/// enough that a leaked one expires within minutes.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(300);

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: i64,
    exp: i64,
    client_id: &'a str,
    user_id: &'a str,
    user_representation: &'a str,
}

#[derive(Clone)]
pub struct ZgwClient {
    http: reqwest::Client,
    client_id: String,
    key: EncodingKey,
    /// The API roots a request may go to; empty: anywhere (tests).
    roots: Arc<Vec<url::Url>>,
    /// Requests refused for lying outside `roots`.
    foreign: Arc<AtomicU64>,
}

impl std::fmt::Debug for ZgwClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZgwClient")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl ZgwClient {
    pub fn new(client_id: &str, secret: &Secret) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .expect("a TLS backend is compiled in");
        Self {
            http,
            client_id: client_id.into(),
            key: EncodingKey::from_secret(secret.expose().as_bytes()),
            roots: Arc::default(),
            foreign: Arc::default(),
        }
    }

    /// A client that sends requests (and so its signed token) only below
    /// these API roots: a URL from a notification or an answer that points
    /// elsewhere is refused, logged and counted.
    pub fn confined_to(mut self, roots: &[&str]) -> Self {
        self.roots = Arc::new(
            roots
                .iter()
                .filter_map(|r| url::Url::parse(r).ok())
                .collect(),
        );
        self
    }

    /// Whether `url` lies below one of the configured roots (always, for
    /// a client without roots).
    pub fn allows(&self, url: &str) -> bool {
        self.roots.is_empty() || under_any(&self.roots, url)
    }

    /// `url` if it may be asked; else refused, logged and counted.
    pub fn check(&self, url: &str) -> Result<(), ZgwError> {
        if self.allows(url) {
            return Ok(());
        }
        let count = self.foreign.fetch_add(1, Ordering::SeqCst) + 1;
        let shown: String = url.chars().take(200).collect();
        tracing::warn!(url = %shown, refused = count, "a URL outside the configured ZGW APIs was not followed");
        Err(ZgwError::Foreign(shown))
    }

    /// How many requests were refused for lying outside the roots.
    pub fn foreign_refused(&self) -> u64 {
        self.foreign.load(Ordering::SeqCst)
    }

    /// A fresh JWT for one request. Open Zaak would accept it for
    /// `JWT_EXPIRY` (an hour) after `iat`; the `exp` ends it after
    /// [`TOKEN_LIFETIME`], so a token that leaks (a log, a proxy, a
    /// notification sent elsewhere) is soon worth nothing. Open Zaak
    /// checks `exp` with its `TIME_LEEWAY` (0 by default): the two clocks
    /// must agree within that lifetime.
    pub fn token(&self, on_behalf: &OnBehalf) -> String {
        self.token_issued_at(on_behalf, chrono::Utc::now().timestamp())
    }

    fn token_issued_at(&self, on_behalf: &OnBehalf, iat: i64) -> String {
        let claims = Claims {
            iss: &self.client_id,
            iat,
            exp: iat + TOKEN_LIFETIME.as_secs() as i64,
            client_id: &self.client_id,
            user_id: &on_behalf.user_id,
            user_representation: &on_behalf.user_representation,
        };
        jsonwebtoken::encode(&Header::default(), &claims, &self.key).expect("HS256 encodes")
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        on_behalf: &OnBehalf,
    ) -> Result<(StatusCode, Value), ZgwError> {
        self.check(url)?;
        let writes = method != Method::GET;
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(self.token(on_behalf))
            .header("Accept-Crs", "EPSG:4326")
            .header("Accept", "application/json");
        if let Some(body) = body {
            request = request.header("Content-Crs", "EPSG:4326").json(body);
        }
        let response = match request.send().await {
            Ok(response) => response,
            // Whether a write that broke in transit was done is unknown.
            Err(e) if writes && !e.is_connect() => {
                return Err(ZgwError::OutcomeUnknown(format!("{url}: {e}")));
            }
            Err(e) => return Err(ZgwError::Unavailable(format!("{url}: {e}"))),
        };
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let value: Value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        if status.is_server_error() {
            let what = format!("{url}: {status}");
            return Err(if writes {
                ZgwError::OutcomeUnknown(what)
            } else {
                ZgwError::Unavailable(what)
            });
        }
        if status == StatusCode::NOT_FOUND {
            return Err(ZgwError::NotFound(url.into()));
        }
        if status == StatusCode::FORBIDDEN {
            // The case system's own words reach the beheerder
            // (`invalid-jwt-signature: Client credentials zijn niet geldig`).
            return Err(ZgwError::Forbidden(match problem_text(&value) {
                Some(problem) => format!("{url}: {problem}"),
                None => url.into(),
            }));
        }
        if status.is_client_error() {
            return Err(refusal(status, &value));
        }
        Ok((status, value))
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        url: &str,
        on_behalf: &OnBehalf,
    ) -> Result<T, ZgwError> {
        let (_, value) = self.send(Method::GET, url, None, on_behalf).await?;
        decode(url, value)
    }

    /// Every item of a list, following `next` across pages; also takes a
    /// plain JSON array (the zaakeigenschappen of a zaak are one).
    pub async fn list<T: DeserializeOwned>(
        &self,
        url: &str,
        on_behalf: &OnBehalf,
    ) -> Result<Vec<T>, ZgwError> {
        let mut items = Vec::new();
        self.each_page(url, on_behalf, |page: Vec<T>| {
            items.extend(page);
            true
        })
        .await?;
        Ok(items)
    }

    /// Hands each page of a list to `take` as it arrives, following `next`
    /// while `take` answers true. The reconciler acts on a page before the
    /// next one is in.
    pub async fn each_page<T: DeserializeOwned>(
        &self,
        url: &str,
        on_behalf: &OnBehalf,
        mut take: impl FnMut(Vec<T>) -> bool,
    ) -> Result<(), ZgwError> {
        let mut next = Some(url.to_string());
        while let Some(page_url) = next.take() {
            let (_, value) = self.send(Method::GET, &page_url, None, on_behalf).await?;
            let page = Page::from_value(&page_url, value)?;
            let items = page
                .results
                .into_iter()
                .map(|item| decode(&page_url, item))
                .collect::<Result<Vec<T>, _>>()?;
            if take(items) {
                next = page.next;
            }
        }
        Ok(())
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        url: &str,
        body: &Value,
        on_behalf: &OnBehalf,
    ) -> Result<T, ZgwError> {
        let (_, value) = self.send(Method::POST, url, Some(body), on_behalf).await?;
        decode(url, value)
    }

    pub async fn put(&self, url: &str, body: &Value, on_behalf: &OnBehalf) -> Result<(), ZgwError> {
        self.send(Method::PUT, url, Some(body), on_behalf).await?;
        Ok(())
    }

    /// Changes some fields of an object (a zaak's term).
    pub async fn patch(
        &self,
        url: &str,
        body: &Value,
        on_behalf: &OnBehalf,
    ) -> Result<(), ZgwError> {
        self.send(Method::PATCH, url, Some(body), on_behalf).await?;
        Ok(())
    }

    pub async fn delete(&self, url: &str, on_behalf: &OnBehalf) -> Result<(), ZgwError> {
        self.send(Method::DELETE, url, None, on_behalf).await?;
        Ok(())
    }
}

/// One page of a ZGW list.
pub struct Page {
    pub results: Vec<Value>,
    pub next: Option<String>,
}

impl Page {
    pub fn from_value(url: &str, value: Value) -> Result<Page, ZgwError> {
        match value {
            Value::Array(results) => Ok(Page {
                results,
                next: None,
            }),
            Value::Object(mut map) => {
                let results = match map.remove("results") {
                    Some(Value::Array(results)) => results,
                    _ => {
                        return Err(ZgwError::Invalid {
                            url: url.into(),
                            why: "a list without results".into(),
                        });
                    }
                };
                let next = map
                    .remove("next")
                    .and_then(|n| n.as_str().map(String::from));
                Ok(Page { results, next })
            }
            _ => Err(ZgwError::Invalid {
                url: url.into(),
                why: "not a list".into(),
            }),
        }
    }
}

fn decode<T: DeserializeOwned>(url: &str, value: Value) -> Result<T, ZgwError> {
    serde_path_to_error::deserialize(value).map_err(|e| ZgwError::Invalid {
        url: url.into(),
        why: e.to_string(),
    })
}

/// A ZGW problem answer (`code`, `detail`, `invalidParams`) as an error.
/// `code: detail` of a problem answer, when it has either.
fn problem_text(body: &Value) -> Option<String> {
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or("");
    match (field("code"), field("detail")) {
        ("", "") => None,
        (code, "") => Some(code.to_string()),
        ("", detail) => Some(detail.to_string()),
        (code, detail) => Some(format!("{code}: {detail}")),
    }
}

pub fn refusal(status: StatusCode, body: &Value) -> ZgwError {
    let code = body
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut detail = body
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(Value::Array(params)) = body.get("invalidParams") {
        let params: Vec<String> = params
            .iter()
            .map(|p| {
                format!(
                    "{}: {}",
                    p.get("name").and_then(Value::as_str).unwrap_or("?"),
                    p.get("code").and_then(Value::as_str).unwrap_or("?")
                )
            })
            .collect();
        if !params.is_empty() {
            detail = format!("{detail} ({})", params.join(", "));
        }
    }
    ZgwError::Refused {
        status: status.as_u16(),
        code,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_case_systems_own_words_reach_the_beheerder() {
        let body = serde_json::json!({
            "code": "invalid-jwt-signature",
            "title": "Niet geautoriseerd",
            "detail": "Client credentials zijn niet geldig"
        });
        assert_eq!(
            problem_text(&body).as_deref(),
            Some("invalid-jwt-signature: Client credentials zijn niet geldig")
        );
        assert_eq!(problem_text(&serde_json::json!({})), None);
        assert_eq!(problem_text(&serde_json::Value::Null), None);
    }

    #[test]
    fn the_token_names_the_person_and_is_signed_with_the_secret() {
        let client = ZgwClient::new("regiedesk", &Secret::for_tests("geheim-0123456789"));
        let token = client.token(&OnBehalf {
            user_id: "pr-jeugd".into(),
            user_representation: "Priya Ramdin".into(),
        });
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let data = jsonwebtoken::decode::<Value>(
            &token,
            &jsonwebtoken::DecodingKey::from_secret(b"geheim-0123456789"),
            &validation,
        )
        .unwrap();
        assert_eq!(data.claims["user_id"], "pr-jeugd");
        assert_eq!(data.claims["user_representation"], "Priya Ramdin");
        assert_eq!(data.claims["client_id"], "regiedesk");
        assert_eq!(data.claims["iss"], "regiedesk");
        let (iat, exp) = (
            data.claims["iat"].as_i64().unwrap(),
            data.claims["exp"].as_i64().unwrap(),
        );
        assert_eq!(exp - iat, 300, "a leaked token expires in five minutes");
        assert!((iat - chrono::Utc::now().timestamp()).abs() <= 2);
        let wrong = jsonwebtoken::decode::<Value>(
            &token,
            &jsonwebtoken::DecodingKey::from_secret(b"another-secret"),
            &validation,
        );
        assert!(wrong.is_err());
    }

    #[test]
    fn only_urls_below_a_configured_root_are_followed() {
        let roots: Vec<url::Url> = [
            "http://oz.gemeente.nl/zaken/api/v1/",
            "http://oz.gemeente.nl/catalogi/api/v1",
        ]
        .iter()
        .map(|r| url::Url::parse(r).unwrap())
        .collect();
        let ok = |u: &str| under_any(&roots, u);
        assert!(ok("http://oz.gemeente.nl/zaken/api/v1/zaken/4f3e"));
        assert!(ok("http://oz.gemeente.nl:80/catalogi/api/v1/zaaktypen"));
        assert!(
            !ok("http://127.0.0.1:8839/zaken/api/v1/zaken/4f3e"),
            "another host"
        );
        assert!(
            !ok("http://oz.gemeente.nl:8839/zaken/api/v1/zaken/4f3e"),
            "another port"
        );
        assert!(
            !ok("https://oz.gemeente.nl/zaken/api/v1/zaken/4f3e"),
            "another scheme"
        );
        assert!(
            !ok("http://oz.gemeente.nl/zaken/api/v1/../../admin/"),
            "out by .."
        );
        assert!(
            !ok("http://oz.gemeente.nl/zaken/api/v10/zaken"),
            "a longer sibling"
        );
        assert!(
            !ok("http://evil@oz.gemeente.nl/zaken/api/v1/zaken"),
            "user info"
        );
        assert!(!ok("http://oz.gemeente.nl.evil.nl/zaken/api/v1/zaken"));
        assert!(!ok("not a url"));
        let client = ZgwClient::new("regiedesk", &Secret::for_tests("geheim-0123456789"))
            .confined_to(&["http://oz.gemeente.nl/zaken/api/v1/"]);
        assert!(client.allows("http://oz.gemeente.nl/zaken/api/v1/rollen"));
        assert!(!client.allows("http://127.0.0.1:8839/zaken/api/v1/rollen"));
    }

    #[test]
    fn a_leaked_token_is_refused_once_its_five_minutes_are_over() {
        let client = ZgwClient::new("regiedesk", &Secret::for_tests("geheim-0123456789"));
        let on_behalf = OnBehalf {
            user_id: "pr-jeugd".into(),
            user_representation: "Priya Ramdin".into(),
        };
        // Validated as Open Zaak does (PyJWT, TIME_LEEWAY 0).
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_required_spec_claims(&["exp"]);
        validation.leeway = 0;
        let key = jsonwebtoken::DecodingKey::from_secret(b"geheim-0123456789");
        let now = chrono::Utc::now().timestamp();
        let fresh = client.token_issued_at(&on_behalf, now - 240);
        assert!(jsonwebtoken::decode::<Value>(&fresh, &key, &validation).is_ok());
        let leaked = client.token_issued_at(&on_behalf, now - 310);
        let refused = jsonwebtoken::decode::<Value>(&leaked, &key, &validation).unwrap_err();
        assert_eq!(
            refused.kind(),
            &jsonwebtoken::errors::ErrorKind::ExpiredSignature
        );
    }

    #[test]
    fn a_problem_answer_names_its_code_and_fields() {
        let body = serde_json::json!({
            "code": "invalid", "detail": "Invalid input.",
            "invalidParams": [{"name": "nonFieldErrors", "code": "resultaat-does-not-exist", "reason": "x"}]
        });
        match refusal(StatusCode::BAD_REQUEST, &body) {
            ZgwError::Refused {
                status,
                code,
                detail,
            } => {
                assert_eq!(status, 400);
                assert_eq!(code, "invalid");
                assert!(detail.contains("nonFieldErrors: resultaat-does-not-exist"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pages_and_plain_arrays_are_both_lists() {
        let page = Page::from_value(
            "u",
            serde_json::json!({"count": 3, "next": "http://x/?page=2", "previous": null, "results": [1, 2]}),
        )
        .unwrap();
        assert_eq!(page.results.len(), 2);
        assert_eq!(page.next.as_deref(), Some("http://x/?page=2"));
        let plain = Page::from_value("u", serde_json::json!([1])).unwrap();
        assert!(plain.next.is_none());
        assert!(Page::from_value("u", serde_json::json!({"detail": "x"})).is_err());
    }
}
