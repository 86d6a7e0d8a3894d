//! One error type for the whole API, answered as `application/problem+json`
//! (RFC 9457). Every client mistake maps to a 4xx here; a 5xx means the
//! server or its database failed, never the request.

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::api::wire::Problem;
use crate::domain::lifecycle::Refusal;
use crate::domain::permissions::Denied;
use crate::server::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("niet aangemeld: stuur een geldig token als 'Authorization: Bearer <token>'")]
    Unauthorized,
    #[error("dit token is ingetrokken op {}; vraag de beheerder om een nieuw token", .0.with_timezone(&chrono_tz::Europe::Amsterdam).format("%d-%m-%Y %H:%M"))]
    TokenRevoked(chrono::DateTime<chrono::Utc>),
    /// An identity provider's token that does not verify.
    #[error("{0}")]
    TokenRefused(String),
    /// A notification without the abonnement's shared header.
    #[error(
        "deze notificatie draagt niet de Authorization-header van het abonnement: de auth van het abonnement in de Notificaties API moet gelijk zijn aan [zgw] notification_auth van regiedesk"
    )]
    NotificationRefused { scheme: String },
    /// A person's static token where only the identity provider may log
    /// people in (`[auth] static_tokens = "service-only"`).
    #[error(
        "persoonlijke tokens zijn hier uitgezet: log in met `regiedesk login` (via de identiteitsprovider van de gemeente)"
    )]
    StaticTokenDisabled,
    #[error("{0}")]
    Forbidden(String),
    /// A verified person regiedesk does not know, or no longer lets in.
    #[error(
        "{0} heeft geen toegang tot regiedesk; de functioneel beheerder van regiedesk kan u toevoegen of weer actief maken"
    )]
    UnknownPerson(String),
    /// The action needs a multi-factor login (`require_mfa_for`).
    #[error("meervoudige authenticatie vereist voor {}: log opnieuw in met een tweede factor", .0.as_str())]
    MfaRequired(crate::server::auth::policy::GuardedAction),
    #[error("{0}")]
    NotFound(String),
    #[error("deze methode is hier niet toegestaan")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Gone(String),
    #[error("de gegevens zijn intussen gewijzigd; haal ze opnieuw op")]
    PreconditionFailed { current: Option<i64> },
    #[error("de verzoekinhoud is niet op tijd binnengekomen")]
    RequestTimeout,
    #[error("de verzoekinhoud is te groot")]
    PayloadTooLarge,
    #[error("de verzoekinhoud moet JSON zijn, met Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("de headers van het verzoek zijn te groot")]
    HeadersTooLarge,
    #[error("{0}")]
    Unprocessable(String),
    #[error("deze wijziging vereist een If-Match-header met de versie die u wijzigt")]
    PreconditionRequired,
    #[error(
        "If-Match moet precies één ETag noemen, het ETag van deze zaak of aanvraag zoals u die las; * en lijsten gelden niet"
    )]
    PreconditionNotOne,
    #[error("de database is niet bereikbaar")]
    Unavailable,
    /// The identity provider's keys cannot be read: no token can be
    /// verified, whoever sends it.
    #[error("{0}")]
    IdentityProviderUnavailable(String),
    /// Worth another try after `seconds` (sent as `Retry-After`).
    #[error("{detail}")]
    TryAgain { detail: String, seconds: u64 },
    /// The caller has as many syncs running as one may (`server::slots`).
    #[error(
        "u haalt al twee overzichten tegelijk op; de desk probeert het over {seconds} s opnieuw"
    )]
    TooManyRequests { seconds: u64 },
    #[error("interne fout")]
    Internal,
    /// The case system (ZGW source) did not answer, or its answer is not
    /// known; nothing was changed in regiedesk.
    #[error("{0}")]
    CaseSystem(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized
            | ApiError::TokenRevoked(_)
            | ApiError::TokenRefused(_)
            | ApiError::NotificationRefused { .. }
            | ApiError::StaticTokenDisabled => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::UnknownPerson(_) | ApiError::MfaRequired(_) => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PreconditionRequired | ApiError::PreconditionNotOne => {
                StatusCode::PRECONDITION_REQUIRED
            }
            ApiError::Unavailable
            | ApiError::IdentityProviderUnavailable(_)
            | ApiError::TryAgain { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::CaseSystem(_) => StatusCode::BAD_GATEWAY,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unauthorized => "unauthorized",
            ApiError::TokenRevoked(_) => "token-revoked",
            ApiError::TokenRefused(_) => "token-refused",
            ApiError::StaticTokenDisabled => "static-token-disabled",
            ApiError::NotificationRefused { .. } => "notification-refused",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::UnknownPerson(_) => "unknown-person",
            ApiError::MfaRequired(_) => "mfa-required",
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed => "method-not-allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::Gone(_) => "cursor-unknown",
            ApiError::PreconditionFailed { .. } => "stale-version",
            ApiError::RequestTimeout => "request-timeout",
            ApiError::PayloadTooLarge => "payload-too-large",
            ApiError::UnsupportedMediaType => "unsupported-media-type",
            ApiError::HeadersTooLarge => "headers-too-large",
            ApiError::Unprocessable(_) => "invalid-content",
            ApiError::PreconditionRequired => "if-match-required",
            ApiError::PreconditionNotOne => "if-match-one-tag",
            ApiError::Unavailable => "unavailable",
            ApiError::IdentityProviderUnavailable(_) => "identity-provider-unavailable",
            ApiError::TryAgain { .. } => "try-again",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Internal => "internal",
            ApiError::CaseSystem(_) => "case-system",
        }
    }

    pub fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        ApiError::NotFound(format!("{what} {id} bestaat niet"))
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        Problem {
            kind: format!("urn:regiedesk:problem:{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.to_string(),
            current_version: match self {
                ApiError::PreconditionFailed { current } => *current,
                _ => None,
            },
            retry_after: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).expect("problem serialises");
        let mut response = (self.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if matches!(self, ApiError::RequestTimeout) {
            // The rest of the body may still arrive: start afresh.
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        match self {
            ApiError::Unauthorized | ApiError::TokenRevoked(_) | ApiError::StaticTokenDisabled => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TokenRefused(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            // RFC 9470: the client may log in again with a stronger method.
            ApiError::MfaRequired(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"insufficient_user_authentication\""),
                );
            }
            ApiError::NotificationRefused { scheme } => {
                if let Ok(value) =
                    HeaderValue::from_str(&format!("{scheme} realm=\"regiedesk-notificaties\""))
                {
                    headers.insert(header::WWW_AUTHENTICATE, value);
                }
            }
            ApiError::TryAgain { seconds, .. } | ApiError::TooManyRequests { seconds } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            _ => {}
        }
        response
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        ApiError::Forbidden(denied.0)
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Conflict(why) => ApiError::Conflict(why),
            Refusal::Invalid(why) => ApiError::Unprocessable(why),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            // The row changed between our read and our write: the client's
            // If-Match no longer holds.
            StoreError::StaleVersion => ApiError::PreconditionFailed { current: None },
            StoreError::HouseholdHasOpenCase => ApiError::Conflict(
                "dit huishouden heeft al een open zaak (1 gezin, 1 plan, 1 regisseur)".into(),
            ),
            StoreError::Duplicate(what) => ApiError::Conflict(format!("deze {what} bestaat al")),
            StoreError::AbsenceOverlaps(from, until) => ApiError::Conflict(format!(
                "er staat al een afwezigheid van {} t/m {}; pas die aan in plaats van een tweede vast te leggen",
                from.format("%d-%m-%Y"),
                until.format("%d-%m-%Y")
            )),
            StoreError::NoSuchNote => ApiError::NotFound("deze notitie bestaat niet".into()),
            StoreError::NoSuchAbsence => {
                ApiError::NotFound("deze afwezigheid bestaat niet (meer)".into())
            }
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed,
            ) => {
                tracing::error!(%error, "database unavailable");
                ApiError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::Internal
            }
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        use axum::extract::path::ErrorKind;
        tracing::debug!(rejection = %rejection.body_text(), "path rejected");
        let value = match &rejection {
            PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
                ErrorKind::ParseErrorAtKey { value, .. }
                | ErrorKind::ParseErrorAtIndex { value, .. }
                | ErrorKind::ParseError { value, .. } => Some(value.clone()),
                _ => None,
            },
            _ => None,
        };
        ApiError::BadRequest(match value {
            // Every path parameter of this API is a numeric id.
            Some(value) => format!(
                "ongeldig pad: {:?} is geen nummer van een zaak of aanvraag",
                ellipsis(&value, 40)
            ),
            None => "ongeldig pad".into(),
        })
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let text = rejection.body_text();
        tracing::debug!(rejection = %text, "query rejected");
        // axum says "Failed to deserialize query string: FIELD: why"; only
        // the field's name is taken from it, the rest is said in Dutch.
        let field = text
            .strip_prefix("Failed to deserialize query string: ")
            .and_then(|rest| rest.split_once(": "))
            .map(|(field, _)| field)
            .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        ApiError::BadRequest(match field {
            Some(field) => format!(
                "ongeldige waarde voor queryparameter '{field}'{}",
                query_hint(field)
            ),
            None => "ongeldige queryparameters".into(),
        })
    }
}

/// What a query parameter of this API takes, for its error message.
fn query_hint(field: &str) -> &'static str {
    match field {
        "limit" => ": een geheel getal binnen de grenzen",
        "from" | "to" => ": een datum als JJJJ-MM-DD",
        "since" => ": een tijdstip (RFC 3339) of een cursor",
        "case" => ": een zaaknummer (getal)",
        "by" => ": day, week of month",
        _ => "",
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            tracing::debug!(rejection = %rejection.body_text(), "body rejected");
            ApiError::BadRequest("de verzoekinhoud kon niet worden gelezen".into())
        }
    }
}

impl ApiError {
    /// A body that is not JSON at all: where it breaks, in Dutch.
    pub fn from_json_syntax(error: &serde_json::Error) -> Self {
        tracing::debug!(%error, "body is not JSON");
        let (line, column) = (error.line(), error.column());
        ApiError::BadRequest(match error.classify() {
            serde_json::error::Category::Eof => format!(
                "geen geldige JSON: de inhoud houdt halverwege op (regel {line}, kolom {column})"
            ),
            _ => format!("geen geldige JSON (regel {line}, kolom {column})"),
        })
    }

    /// Well-formed JSON of the wrong shape, in Dutch: which field, and
    /// what is wrong with it. serde's English goes to the debug log.
    pub fn from_json_shape(error: &serde_path_to_error::Error<serde_json::Error>) -> Self {
        tracing::debug!(%error, "body has the wrong shape");
        let path = error.path().to_string();
        ApiError::Unprocessable(describe_shape_error(&path, &error.inner().to_string()))
    }
}

/// serde's message for well-formed JSON of the wrong shape, in Dutch.
fn describe_shape_error(path: &str, message: &str) -> String {
    let quoted = |text: &str| -> Option<String> {
        let start = text.find('`')? + 1;
        let end = start + text[start..].find('`')?;
        Some(text[start..end].to_string())
    };
    let at = if path == "." || path.is_empty() {
        String::new()
    } else {
        format!(" bij '{path}'")
    };
    if message.starts_with("missing field") {
        let field = quoted(message).unwrap_or_default();
        let field = if at.is_empty() {
            field
        } else {
            format!("{path}.{field}")
        };
        format!("ongeldige inhoud: het veld '{field}' ontbreekt")
    } else if message.starts_with("unknown variant") {
        let value = quoted(message).unwrap_or_default();
        let allowed: Vec<String> = message
            .split_once("expected")
            .map(|(_, list)| {
                list.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        format!(
            "ongeldige inhoud{at}: {:?} is geen toegestane waarde (toegestaan: {})",
            ellipsis(&value, 40),
            allowed.join(", ")
        )
    } else if message.starts_with("unknown field") {
        let field = quoted(message).unwrap_or_default();
        format!("ongeldige inhoud: onbekend veld '{}'", ellipsis(&field, 40))
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        format!("ongeldige inhoud{at}: deze waarde heeft niet het juiste type")
    } else if message.starts_with("invalid length") {
        format!("ongeldige inhoud{at}: het aantal elementen klopt niet")
    } else {
        format!("ongeldige inhoud{at}")
    }
}

/// At most `max` characters of `text`, then `…`: what a caller sent (a
/// path, a value) can be megabytes, and goes into messages and the log.
pub(crate) fn ellipsis(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        let value: serde_json::Value = match serde_json::from_str(json) {
            Ok(value) => value,
            Err(e) => return ApiError::from_json_syntax(&e).to_string(),
        };
        let error = serde_path_to_error::deserialize::<_, T>(value).unwrap_err();
        ApiError::from_json_shape(&error).to_string()
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Referral {
        household_id: i64,
        domain: crate::domain::model::CaseDomain,
        flags: Vec<crate::domain::model::RiskFlag>,
    }

    #[test]
    fn shape_errors_name_the_field_in_dutch() {
        assert_eq!(
            shape_error::<Referral>(r#"{"domain": "jeugd", "flags": []}"#),
            "ongeldige inhoud: het veld 'household_id' ontbreekt"
        );
        let unknown =
            shape_error::<Referral>(r#"{"household_id": 1, "domain": "ouderen", "flags": []}"#);
        assert!(
            unknown.starts_with(
                "ongeldige inhoud bij 'domain': \"ouderen\" is geen toegestane waarde (toegestaan: jeugd"
            ),
            "{unknown}"
        );
        assert_eq!(
            shape_error::<Referral>(r#"{"household_id": "1", "domain": "jeugd", "flags": []}"#),
            "ongeldige inhoud bij 'household_id': deze waarde heeft niet het juiste type"
        );
        let nested =
            shape_error::<Referral>(r#"{"household_id": 1, "domain": "jeugd", "flags": [7]}"#);
        assert!(nested.contains("bij 'flags[0]'"), "{nested}");
        assert!(shape_error::<Referral>(r#"{"household_id": 1,"#).starts_with("geen geldige JSON"));
    }
}
