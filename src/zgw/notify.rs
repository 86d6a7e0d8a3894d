//! The notification callback: the Notificaties API (or Open Zaak directly,
//! with `NRC_URL` pointing here) posts that something changed. regiedesk
//! answers at once and re-reads the zaak in the background; the message
//! says only *that* something changed, never *what*, so duplicated, late
//! and out-of-order messages do no harm.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::server::error::ApiError;
use crate::server::http::Body;
use crate::zgw::source::ZgwSource;

/// The fields of a notification regiedesk uses (the rest is ignored:
/// kenmerken, aanmaakdatum).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub kanaal: String,
    pub hoofd_object: String,
    pub resource: String,
    pub resource_url: String,
    pub actie: String,
    /// For the zaken kanaal: bronorganisatie, zaaktype, vertrouwelijkheid.
    #[serde(default)]
    pub kenmerken: serde_json::Map<String, serde_json::Value>,
}

impl Notification {
    /// The zaaktype the notification names, if it names one.
    pub fn zaaktype(&self) -> Option<&str> {
        self.kenmerken.get("zaaktype")?.as_str()
    }
}

/// Which object to read again for a notification, if any: the zaak (or
/// besluit) it is about. Other channels are not regiedesk's.
pub fn object_to_read(n: &Notification) -> Option<&str> {
    match n.kanaal.as_str() {
        "zaken" => Some(n.hoofd_object.as_str()),
        "besluiten" if n.actie != "destroy" || n.resource != "besluit" => {
            Some(n.hoofd_object.as_str())
        }
        _ => None,
    }
}

/// Notifications refused for a header that is not the abonnement's (a
/// typo in its `auth`, a changed secret): counted, logged once a minute
/// with how many, and shown on `/healthz`, so an operator sees that
/// changes no longer arrive by notification.
#[derive(Debug, Default)]
pub struct Refusals {
    state: Mutex<RefusalCount>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct RefusalCount {
    total: u64,
    since: Option<DateTime<Utc>>,
    /// Refused since the last log line.
    unlogged: u64,
    logged_at: Option<Instant>,
}

/// How often a run of refusals is logged.
const LOG_EVERY: Duration = Duration::from_secs(60);

impl RefusalCount {
    /// One more refusal; how many to log now, if a log line is due.
    fn note(&mut self, at: DateTime<Utc>, now: Instant) -> Option<u64> {
        self.total += 1;
        self.since.get_or_insert(at);
        self.unlogged += 1;
        let due = self
            .logged_at
            .is_none_or(|logged| now.duration_since(logged) >= LOG_EVERY);
        due.then(|| {
            self.logged_at = Some(now);
            std::mem::take(&mut self.unlogged)
        })
    }
}

impl Refusals {
    pub fn refused(&self, at: DateTime<Utc>) {
        let mut state = self.state.lock().expect("refusals lock");
        if let Some(count) = state.note(at, Instant::now()) {
            tracing::warn!(
                refused = count,
                total = state.total,
                "notifications refused: their Authorization header is not the abonnement's (compare [zgw] notification_auth with the abonnement's auth)"
            );
        }
    }

    /// For `/healthz`: `refused N since …`, once any was refused.
    pub fn summary(&self) -> Option<String> {
        let state = self.state.lock().expect("refusals lock");
        state.since.map(|since| {
            format!(
                "refused {} since {}",
                state.total,
                since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )
        })
    }
}

/// The callback route of a server with a ZGW source, for
/// `server::router_with`.
pub fn routes(source: Arc<ZgwSource>) -> axum::Router {
    axum::Router::new()
        .route("/zgw/notificaties", axum::routing::post(receive))
        .with_state(source)
}

/// `POST /zgw/notificaties`: 204 once queued; 401 without the shared
/// header.
pub async fn receive(
    State(source): State<Arc<ZgwSource>>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let expected = source
        .config()
        .notification_header()
        .map_err(|_| ApiError::Internal)?;
    let given = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    // Constant time, so the header cannot be guessed byte by byte.
    if !bool::from(given.ct_eq(expected.expose().as_bytes())) {
        source.notification_refused();
        // The scheme of the configured header (`Token`), never its secret.
        let scheme = expected
            .expose()
            .split_whitespace()
            .next()
            .filter(|s| s.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or("Token")
            .to_string();
        return Err(ApiError::NotificationRefused { scheme });
    }
    let notification: Notification = body.parse()?;
    // Only objects in the configured APIs are read: a notification naming
    // another address would make regiedesk send its signed token there.
    for url in [&notification.hoofd_object, &notification.resource_url] {
        if !source.follows(url) {
            let shown: String = url.chars().take(200).collect();
            return Err(ApiError::BadRequest(format!(
                "{shown} ligt buiten de ingestelde ZGW-API's en wordt niet gelezen"
            )));
        }
    }
    if let Some(url) = object_to_read(&notification) {
        source.announced(&notification.resource_url);
        source.notify(url, notification.zaaktype());
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_logged_once_a_minute_with_their_count() {
        let mut count = RefusalCount::default();
        let start = Instant::now();
        let at: DateTime<Utc> = "2026-12-07T10:00:00Z".parse().unwrap();
        assert_eq!(count.note(at, start), Some(1), "the first at once");
        for s in 1..=59 {
            assert_eq!(count.note(at, start + Duration::from_secs(s)), None);
        }
        assert_eq!(
            count.note(at, start + Duration::from_secs(60)),
            Some(60),
            "a minute later, all since the last line"
        );
        assert_eq!(count.total, 61);
        assert_eq!(count.since, Some(at));
    }
}
