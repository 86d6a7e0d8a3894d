//! Typed extractors: who is calling, which version they change, and the
//! request body, each failing as a problem+json.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::AppState;
use super::audit::AuditDraft;
use super::error::{ApiError, ellipsis};
use crate::domain::model::Person;

/// The SHA-256 of a token, as stored: tokens are long random strings, so a
/// fast hash is enough to make a leaked table useless.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The authenticated caller.
pub struct Actor(pub Person);

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let hash = token.map(token_hash);
        let person = match &hash {
            Some(hash) => person_by_token(state, hash).await?,
            None => None,
        };
        match person {
            Some(person) if person.active => Ok(Actor(person)),
            _ => {
                let revoked = match &hash {
                    Some(hash) => state.store.token_revoked_at(hash).await?,
                    None => None,
                };
                let (action, case_id, request_id) = attempted(parts);
                let path = parts
                    .extensions
                    .get::<OriginalUri>()
                    .map_or(parts.uri.path(), |uri| uri.path());
                let why = format!(
                    "{} bij {} {}",
                    if revoked.is_some() {
                        "ingetrokken token"
                    } else {
                        "geen geldig token"
                    },
                    parts.method,
                    ellipsis(path, 120)
                );
                let mut draft = AuditDraft::refused(None, state.clock.now(), action, &why);
                draft.case_id = case_id;
                draft.request_id = request_id;
                state.record_refusal(draft).await;
                Err(revoked.map_or(ApiError::Unauthorized, ApiError::TokenRevoked))
            }
        }
    }
}

/// Who holds the token with this hash: from the cache while the staff
/// counter it was cached at is current (see `server::watch`), else from
/// the store.
async fn person_by_token(state: &AppState, hash: &str) -> Result<Option<Person>, ApiError> {
    let staff = state.changes.staff();
    if let Some(staff) = staff
        && let Some(person) = state.tokens.get(hash, staff)
    {
        return Ok(Some(person));
    }
    let person = state.store.person_by_token(hash).await?;
    if let (Some(person), Some(staff)) = (&person, staff) {
        state.tokens.put(hash, person.clone(), staff);
    }
    Ok(person)
}

/// What a request tried to reach, for the audit entry of a refusal: a
/// case's or a request's detail by its id, else the API as such.
fn attempted(parts: &Parts) -> (&'static str, Option<i64>, Option<i64>) {
    let path = parts.uri.path().trim_end_matches('/');
    let mut segments = path.rsplit('/');
    let id = segments.next().and_then(|s| s.parse::<i64>().ok());
    let collection = segments.next();
    match (parts.method == Method::GET, collection, id) {
        (true, Some("cases"), Some(id)) => ("case.read", Some(id), None),
        (true, Some("requests"), Some(id)) => ("request.read", None, Some(id)),
        _ => ("api.access", None, None),
    }
}

/// The `If-Match` header: which version of a resource the caller changes.
pub struct IfMatch(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(IfMatch(parts.headers.get(header::IF_MATCH).map(|v| {
            String::from_utf8_lossy(v.as_bytes()).into_owned()
        })))
    }
}

impl IfMatch {
    /// 428 without the header; 412 unless it names `current` (or is `*`).
    pub fn check(&self, current: i64) -> Result<(), ApiError> {
        let header = self.0.as_deref().ok_or(ApiError::PreconditionRequired)?;
        let wanted = etag(current);
        let matches = header
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag == wanted);
        if matches {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed {
                current: Some(current),
            })
        }
    }
}

/// The strong entity tag of a resource at `version`.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// Headers carrying the `ETag` of a resource at `version`.
pub fn etag_header(version: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag(version)).expect("an etag is a valid header value"),
    );
    headers
}

/// A JSON request body, parsed only when the handler asks for it: after
/// authorisation and preconditions, so a caller who may not change
/// something learns that first.
pub struct Body(Bytes);

impl FromRequest<AppState> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Body(Bytes::from_request(req, state).await?))
    }
}

impl Body {
    /// Malformed JSON is a 400; well-formed JSON of the wrong shape (a
    /// missing field, an unknown enum value) is a 422. An empty body reads
    /// as `{}`, for actions whose fields are all optional.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let bytes: &[u8] = if self.0.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &self.0
        };
        // JSON first, then its shape: serde_json calls some shape errors
        // (a number where an enum's name belongs) syntax errors when it
        // does both at once.
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ApiError::from_json_syntax(&e))?;
        let value =
            serde_path_to_error::deserialize(value).map_err(|e| ApiError::from_json_shape(&e))?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_needs_the_current_version() {
        assert!(matches!(
            IfMatch(None).check(3),
            Err(ApiError::PreconditionRequired)
        ));
        assert!(IfMatch(Some("\"v3\"".into())).check(3).is_ok());
        assert!(IfMatch(Some("\"v2\", \"v3\"".into())).check(3).is_ok());
        assert!(IfMatch(Some("*".into())).check(3).is_ok());
        assert!(matches!(
            IfMatch(Some("\"v2\"".into())).check(3),
            Err(ApiError::PreconditionFailed { current: Some(3) })
        ));
        assert!(IfMatch(Some("v3".into())).check(3).is_err());
    }

    #[test]
    fn body_errors_are_400_for_syntax_and_422_for_shape() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Shape {
            n: u32,
        }
        let parse = |s: &'static str| Body(Bytes::from_static(s.as_bytes())).parse::<Shape>();
        assert!(matches!(parse("{\"n\": 1"), Err(ApiError::BadRequest(_))));
        assert!(matches!(
            parse("{\"n\": -1}"),
            Err(ApiError::Unprocessable(_))
        ));
        assert!(matches!(parse("{}"), Err(ApiError::Unprocessable(_))));
        assert!(matches!(parse("  "), Err(ApiError::Unprocessable(_))));
        assert_eq!(parse("{\"n\": 2}").unwrap().n, 2);
    }

    #[test]
    fn tokens_are_stored_as_sha256() {
        assert_eq!(
            token_hash("demo-pm"),
            hex::encode(Sha256::digest(b"demo-pm"))
        );
        assert_eq!(token_hash("x").len(), 64);
    }
}
