//! The notification callback: the Notificaties API (or Open Zaak directly,
//! with `NRC_URL` pointing here) posts that something changed. regiedesk
//! answers at once and re-reads the zaak in the background; the message
//! says only *that* something changed, never *what*, so duplicated, late
//! and out-of-order messages do no harm.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::http::Body;

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

/// The callback route, on a server with a ZGW source; none without.
pub fn routes(state: &AppState) -> axum::Router<AppState> {
    match state.source {
        Some(_) => axum::Router::new().route("/zgw/notificaties", axum::routing::post(receive)),
        None => axum::Router::new(),
    }
}

/// `POST /zgw/notificaties`: 204 once queued; 401 without the shared
/// header; 404 when this server has no ZGW source.
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let Some(source) = &state.source else {
        return Err(ApiError::NotFound("deze server heeft geen ZGW-bron".into()));
    };
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
        return Err(ApiError::Unauthorized);
    }
    let notification: Notification = body.parse()?;
    if let Some(url) = object_to_read(&notification) {
        source.announced(&notification.resource_url);
        source.notify(url, notification.zaaktype());
    }
    Ok(StatusCode::NO_CONTENT)
}
