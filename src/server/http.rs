//! Typed extractors: which version a caller changes and the request body,
//! each failing as a problem+json. Who is calling is [`Actor`], from
//! `server::auth`, re-exported here beside them.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use serde::de::DeserializeOwned;

use super::AppState;
pub use super::auth::{Actor, token_hash};
use super::error::ApiError;

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
}
