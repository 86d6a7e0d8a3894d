//! The desk's side of single sign-on: where to log in (the server says,
//! `GET /api/v1/login`), the OAuth 2.0 device authorization grant
//! (RFC 8628) with the `oauth2` crate, and the silent refresh of the
//! access token. The tokens themselves are kept by [`super::credentials`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, ClientId, DeviceAuthorizationUrl, RefreshToken, Scope,
    StandardDeviceAuthorizationResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use super::wire::LoginConfig;

/// The tokens of one person at one server.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The regiedesk server these tokens are for.
    pub server: String,
    pub issuer: String,
    pub client_id: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// How long the access token lived when it was given, in seconds.
    #[serde(default = "five_minutes")]
    pub lifetime_seconds: u64,
}

fn five_minutes() -> u64 {
    300
}

impl std::fmt::Debug for Session {
    // Never a token in a log line or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("server", &self.server)
            .field("issuer", &self.issuer)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Whether the access token should be renewed before use: it ends
    /// within `margin`, or within a quarter of its lifetime if that is
    /// shorter (a token of a minute is not renewed at every request).
    pub fn expires_within(&self, now: DateTime<Utc>, margin: Duration) -> bool {
        let margin = margin.min(Duration::from_secs(self.lifetime_seconds / 4));
        self.expires_at - chrono::TimeDelta::from_std(margin).unwrap_or_default() <= now
    }
}

/// Why logging in or refreshing did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SsoError {
    /// The identity provider or the server did not answer.
    #[error("de identiteitsprovider is niet bereikbaar: {0}")]
    Unreachable(String),
    /// The provider refused: the session ended, the account is disabled,
    /// the user declined or the code expired.
    #[error("{0}")]
    Refused(String),
    /// The server has no identity provider, or answered nonsense.
    #[error("{0}")]
    Unusable(String),
}

/// The issuer's endpoints, from its discovery document.
#[derive(Debug, Clone, Deserialize)]
pub struct Endpoints {
    pub issuer: String,
    pub token_endpoint: String,
    pub device_authorization_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
}

/// A device login under way: what the person must do, and what the desk
/// needs to wait for it.
pub struct DeviceLogin {
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub user_code: String,
    pub expires_at: DateTime<Utc>,
    details: StandardDeviceAuthorizationResponse,
    config: LoginConfig,
    endpoints: Endpoints,
    server: String,
}

impl std::fmt::Debug for DeviceLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("verification_uri", &self.verification_uri)
            .field("user_code", &self.user_code)
            .finish_non_exhaustive()
    }
}

/// An HTTP client for the identity provider: no redirects (a redirect
/// could carry a code or token elsewhere), bounded waits.
fn http() -> Result<reqwest::Client, SsoError> {
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .user_agent(concat!("regiedesk/", env!("CARGO_PKG_VERSION")));
    super::client::only_tls_through_proxies(builder)
        .map_err(SsoError::Unusable)?
        .build()
        .map_err(|e| SsoError::Unusable(e.to_string()))
}

/// Whether an identity provider's `url` may be trusted with tokens and
/// for keys: `https://`, or `http://` on this machine (a test provider).
pub fn check_provider_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| format!("{url:?} is geen geldige URL"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if super::client::is_loopback(&parsed) => Ok(()),
        _ => Err(format!(
            "{url}: een identiteitsprovider moet https:// zijn (http:// alleen op deze machine)"
        )),
    }
}

/// How to log in at `server`, as the server says.
pub async fn login_config(server: &str) -> Result<LoginConfig, SsoError> {
    let url = format!("{}/api/v1/login", server.trim_end_matches('/'));
    let response = http()?
        .get(&url)
        .send()
        .await
        .map_err(|e| SsoError::Unreachable(format!("{server}: {e}")))?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Err(SsoError::Unusable(format!(
            "{server} kent geen identiteitsprovider: vraag de functioneel beheerder om een token (REGIEDESK_TOKEN)"
        )));
    }
    if !response.status().is_success() {
        return Err(SsoError::Unusable(format!(
            "{url}: HTTP {}",
            response.status()
        )));
    }
    response
        .json()
        .await
        .map_err(|e| SsoError::Unusable(format!("{url}: {e}")))
}

/// The issuer's endpoints; its discovery document must name itself.
pub async fn endpoints(issuer: &str) -> Result<Endpoints, SsoError> {
    check_provider_url(issuer).map_err(SsoError::Unusable)?;
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let response = http()?
        .get(&url)
        .send()
        .await
        .map_err(|e| SsoError::Unreachable(format!("{issuer}: {e}")))?;
    if !response.status().is_success() {
        return Err(SsoError::Unreachable(format!(
            "{url}: HTTP {}",
            response.status()
        )));
    }
    let endpoints: Endpoints = response
        .json()
        .await
        .map_err(|e| SsoError::Unusable(format!("{url}: {e}")))?;
    if endpoints.issuer != issuer {
        return Err(SsoError::Unusable(format!(
            "de identiteitsprovider noemt zich {:?}, niet {issuer:?}",
            endpoints.issuer
        )));
    }
    for url in [
        Some(&endpoints.token_endpoint),
        endpoints.device_authorization_endpoint.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        check_provider_url(url).map_err(SsoError::Unusable)?;
    }
    Ok(endpoints)
}

fn url_error(e: impl std::fmt::Display) -> SsoError {
    SsoError::Unusable(e.to_string())
}

/// Starts a device login at `server`'s identity provider.
pub async fn start_device_login(server: &str) -> Result<DeviceLogin, SsoError> {
    let config = login_config(server).await?;
    let endpoints = endpoints(&config.issuer).await?;
    let device_url = endpoints.device_authorization_endpoint.clone().ok_or_else(|| {
        SsoError::Unusable(format!(
            "{} biedt geen device flow (device_authorization_endpoint); zet die aan voor client {}",
            config.issuer, config.client_id
        ))
    })?;
    let client = BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_device_authorization_url(DeviceAuthorizationUrl::new(device_url).map_err(url_error)?);
    let http = http()?;
    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scopes(config.scopes.iter().cloned().map(Scope::new))
        .request_async(&http)
        .await
        .map_err(|e| refused_or_unreachable(&e))?;
    Ok(DeviceLogin {
        verification_uri: details.verification_uri().to_string(),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|u| u.secret().to_string()),
        user_code: details.user_code().secret().to_string(),
        expires_at: Utc::now()
            + chrono::TimeDelta::from_std(details.expires_in()).unwrap_or_default(),
        details,
        config,
        endpoints,
        server: server.trim_end_matches('/').to_string(),
    })
}

impl DeviceLogin {
    /// Waits until the person approved (or declined, or the code expired),
    /// polling at the interval the provider asks.
    pub async fn finish(self) -> Result<Session, SsoError> {
        let client = BasicClient::new(ClientId::new(self.config.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(
                TokenUrl::new(self.endpoints.token_endpoint.clone()).map_err(url_error)?,
            );
        let http = http()?;
        let token = client
            .exchange_device_access_token(&self.details)
            .request_async(&http, tokio::time::sleep, None)
            .await
            .map_err(|e| refused_or_unreachable(&e))?;
        Ok(Session {
            server: self.server,
            issuer: self.config.issuer,
            client_id: self.config.client_id,
            token_endpoint: self.endpoints.token_endpoint,
            revocation_endpoint: self.endpoints.revocation_endpoint,
            access_token: token.access_token().secret().clone(),
            refresh_token: token.refresh_token().map(|t| t.secret().clone()),
            expires_at: expiry(token.expires_in()),
            lifetime_seconds: lifetime(token.expires_in()),
        })
    }
}

/// When a token given now with `expires_in` ends (five minutes when the
/// provider does not say).
fn expiry(expires_in: Option<Duration>) -> DateTime<Utc> {
    Utc::now() + chrono::TimeDelta::seconds(lifetime(expires_in) as i64)
}

fn lifetime(expires_in: Option<Duration>) -> u64 {
    expires_in.map_or(five_minutes(), |d| d.as_secs())
}

/// A new access token for `session` with its refresh token.
pub async fn refresh(session: &Session) -> Result<Session, SsoError> {
    let refresh_token = session.refresh_token.clone().ok_or_else(|| {
        SsoError::Refused(
            "de identiteitsprovider gaf geen vernieuwingstoken: log opnieuw in".into(),
        )
    })?;
    let client = BasicClient::new(ClientId::new(session.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(TokenUrl::new(session.token_endpoint.clone()).map_err(url_error)?);
    let http = http()?;
    let token = client
        .exchange_refresh_token(&RefreshToken::new(refresh_token))
        .request_async(&http)
        .await
        .map_err(|e| refused_or_unreachable(&e))?;
    Ok(Session {
        access_token: token.access_token().secret().clone(),
        // A provider that rotates refresh tokens sends a new one.
        refresh_token: token
            .refresh_token()
            .map(|t| t.secret().clone())
            .or_else(|| session.refresh_token.clone()),
        expires_at: expiry(token.expires_in()),
        lifetime_seconds: lifetime(token.expires_in()),
        ..session.clone()
    })
}

/// Ends the session at the identity provider too, where it can (RFC 7009):
/// best effort, the local tokens are forgotten either way.
pub async fn revoke(session: &Session) -> Result<(), SsoError> {
    let (Some(endpoint), Some(token)) = (&session.revocation_endpoint, &session.refresh_token)
    else {
        return Ok(());
    };
    check_provider_url(endpoint).map_err(SsoError::Unusable)?;
    let response = http()?
        .post(endpoint)
        .form(&[
            ("token", token.as_str()),
            ("token_type_hint", "refresh_token"),
            ("client_id", session.client_id.as_str()),
        ])
        .send()
        .await
        .map_err(|e| SsoError::Unreachable(e.to_string()))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(SsoError::Refused(format!("HTTP {}", response.status())))
    }
}

/// A refusal by the provider (an OAuth error answer) or no answer at all.
fn refused_or_unreachable<RE: std::error::Error + 'static, T: oauth2::ErrorResponse + 'static>(
    error: &oauth2::RequestTokenError<RE, T>,
) -> SsoError {
    use oauth2::RequestTokenError;
    match error {
        RequestTokenError::ServerResponse(response) => SsoError::Refused(refusal_text(
            &serde_json::to_value(response)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(String::from))
                .unwrap_or_default(),
        )),
        RequestTokenError::Request(e) => SsoError::Unreachable(e.to_string()),
        RequestTokenError::Parse(e, _) => SsoError::Unusable(e.to_string()),
        RequestTokenError::Other(e) => SsoError::Unusable(e.clone()),
    }
}

/// An OAuth error code in the user's words.
fn refusal_text(code: &str) -> String {
    match code {
        "invalid_grant" => {
            "uw sessie bij de identiteitsprovider is beëindigd (uitgelogd, account uitgeschakeld of verlopen): log opnieuw in".into()
        }
        "access_denied" => "de aanmelding is geweigerd".into(),
        "expired_token" => "de code is verlopen voordat hij werd goedgekeurd: probeer het opnieuw".into(),
        "invalid_client" | "unauthorized_client" => {
            "de desk is bij de identiteitsprovider niet (goed) geregistreerd: vraag de beheerder".into()
        }
        other => format!("de identiteitsprovider weigerde ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_never_shows_its_tokens() {
        let session = Session {
            server: "https://regiedesk.example.nl".into(),
            issuer: "https://idp".into(),
            client_id: "regiedesk-desk".into(),
            token_endpoint: "https://idp/token".into(),
            revocation_endpoint: None,
            access_token: "eyJ-secret-access".into(),
            refresh_token: Some("secret-refresh".into()),
            expires_at: Utc::now(),
            lifetime_seconds: 300,
        };
        let shown = format!("{session:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn a_token_is_refreshed_before_it_ends() {
        let now: DateTime<Utc> = "2026-12-07T10:00:00Z".parse().unwrap();
        let mut session = Session {
            server: String::new(),
            issuer: String::new(),
            client_id: String::new(),
            token_endpoint: String::new(),
            revocation_endpoint: None,
            access_token: String::new(),
            refresh_token: None,
            expires_at: now + chrono::TimeDelta::seconds(90),
            lifetime_seconds: 300,
        };
        assert!(!session.expires_within(now, Duration::from_secs(30)));
        session.expires_at = now + chrono::TimeDelta::seconds(20);
        assert!(session.expires_within(now, Duration::from_secs(30)));
        // A token of 10 s is renewed in its last 2 s, not at every request.
        session.lifetime_seconds = 10;
        session.expires_at = now + chrono::TimeDelta::seconds(5);
        assert!(!session.expires_within(now, Duration::from_secs(30)));
        session.expires_at = now + chrono::TimeDelta::seconds(2);
        assert!(session.expires_within(now, Duration::from_secs(30)));
    }

    #[test]
    fn provider_urls_are_https_or_on_this_machine() {
        assert!(check_provider_url("https://login.example.nl/realms/g").is_ok());
        assert!(check_provider_url("http://127.0.0.1:9000").is_ok());
        assert!(check_provider_url("http://localhost:9000").is_ok());
        assert!(check_provider_url("http://login.example.nl").is_err());
        assert!(check_provider_url("file:///etc/passwd").is_err());
    }

    #[test]
    fn oauth_errors_read_as_what_the_user_can_do() {
        assert!(refusal_text("invalid_grant").contains("log opnieuw in"));
        assert!(refusal_text("expired_token").contains("verlopen"));
        assert!(refusal_text("slow_down").contains("slow_down"));
    }
}
