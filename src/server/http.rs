//! Typed extractors: which version a caller changes and the request body,
//! each failing as a problem+json. Who is calling is [`Actor`], from
//! `server::auth`, re-exported here beside them.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use serde::de::DeserializeOwned;

pub use super::auth::{Actor, token_hash};
use super::error::ApiError;
use crate::api::wire::{Tagged, entity_tag};

/// The `If-Match` header: which version of a resource the caller changes.
pub struct IfMatch(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Repeated header lines are one list (RFC 9110, 5.3): joined, so
        // that `check` refuses them as it refuses a list.
        let values: Vec<String> = parts
            .headers
            .get_all(header::IF_MATCH)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        Ok(IfMatch((!values.is_empty()).then(|| values.join(", "))))
    }
}

impl IfMatch {
    /// 428 without the header, or with one that does not name exactly one
    /// version (`*`, a list): an action changes the version its caller
    /// saw, never "whatever is there now". 412 unless the one tag is this
    /// resource's current one.
    pub fn check(&self, kind: Tagged, id: i64, current: i64) -> Result<(), ApiError> {
        let header = self.0.as_deref().ok_or(ApiError::PreconditionRequired)?;
        let tag = header.trim();
        if tag == "*" || tag.contains(',') {
            return Err(ApiError::PreconditionNotOne);
        }
        if tag == entity_tag(kind, id, current) {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed {
                current: Some(current),
            })
        }
    }
}

/// Headers carrying the `ETag` of one resource at `version`.
pub fn etag_header(kind: Tagged, id: i64, version: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&entity_tag(kind, id, version))
            .expect("an etag is a valid header value"),
    );
    headers
}

/// A JSON request body, parsed only when the handler asks for it: after
/// authorisation and preconditions, so a caller who may not change
/// something learns that first.
pub struct Body {
    bytes: Bytes,
    /// Whether the request said its body is JSON (`application/json`, or
    /// `application/<something>+json`, with any parameters).
    declared_json: bool,
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let declared_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_media_type);
        let bytes = Bytes::from_request(req, state).await?;
        Ok(Body {
            bytes,
            declared_json,
        })
    }
}

/// `application/json; charset=utf-8` and `application/problem+json` are
/// JSON; `text/plain` and a form are not.
fn is_json_media_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl Body {
    /// A body that does not say it is JSON is a 415, so that a form or a
    /// text posted by a page in a browser is never read as a command.
    /// Malformed JSON is a 400; well-formed JSON of the wrong shape (a
    /// missing field, an unknown enum value) is a 422. An empty body reads
    /// as `{}`, for actions whose fields are all optional, with or without
    /// a media type.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let bytes: &[u8] = if self.bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else if !self.declared_json {
            return Err(ApiError::UnsupportedMediaType);
        } else {
            &self.bytes
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
    fn if_match_names_one_version_of_this_resource() {
        let check =
            |header: Option<&str>| IfMatch(header.map(str::to_string)).check(Tagged::Case, 307, 3);
        assert!(matches!(check(None), Err(ApiError::PreconditionRequired)));
        assert!(check(Some("\"case-307-v3\"")).is_ok());
        assert!(check(Some(" \"case-307-v3\" ")).is_ok());
        // "Whatever is there now" and "any of these" are not a version.
        assert!(matches!(
            check(Some("*")),
            Err(ApiError::PreconditionNotOne)
        ));
        assert!(matches!(
            check(Some("\"case-307-v2\", \"case-307-v3\"")),
            Err(ApiError::PreconditionNotOne)
        ));
        // Another case's tag, or a request's, at the same version.
        for other in [
            "\"case-308-v3\"",
            "\"request-307-v3\"",
            "\"v3\"",
            "case-307-v3",
        ] {
            assert!(matches!(
                check(Some(other)),
                Err(ApiError::PreconditionFailed { current: Some(3) })
            ));
        }
        assert!(matches!(
            check(Some("\"case-307-v2\"")),
            Err(ApiError::PreconditionFailed { current: Some(3) })
        ));
    }

    #[test]
    fn body_errors_are_400_for_syntax_and_422_for_shape() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Shape {
            n: u32,
        }
        let parse = |s: &'static str| {
            Body {
                bytes: Bytes::from_static(s.as_bytes()),
                declared_json: true,
            }
            .parse::<Shape>()
        };
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
    fn only_a_body_that_says_it_is_json_is_read() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
        ] {
            assert!(is_json_media_type(json), "{json}");
        }
        for other in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp",
            "",
        ] {
            assert!(!is_json_media_type(other), "{other}");
        }
        let body = |bytes: &'static str| Body {
            bytes: Bytes::from_static(bytes.as_bytes()),
            declared_json: false,
        };
        assert!(matches!(
            body("{}").parse::<serde_json::Value>(),
            Err(ApiError::UnsupportedMediaType)
        ));
        assert!(body("").parse::<serde_json::Value>().is_ok());
    }
}
