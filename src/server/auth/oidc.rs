//! Verifying an identity provider's access tokens: the issuer's discovery
//! document and keys (cached, refreshed for an unknown key id at most once
//! per `key_refresh_seconds`), a full check of each token (signature with
//! an algorithm the key allows, `iss`, `aud`, `exp`, `nbf`), and a cache
//! of verified tokens until they expire, so an idle poll costs a hash and
//! a map look-up.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::config::OidcConfig;
use super::policy::LoginStrength;

/// After a failed read of the keys, the next may come this soon.
const RETRY_FAILED: Duration = Duration::from_secs(5);
/// The keys are read again this often whatever tokens arrive: a key the
/// provider withdrew (compromised) stops being trusted, and a key it
/// publishes ahead of use is known before the first token signed with it.
pub const KEYS_MAX_AGE: Duration = Duration::from_secs(600);
/// A token that claims to be valid longer than this is refused: access
/// tokens live minutes, and a long-lived one is a forgery or a mistake.
const LONGEST_TOKEN: i64 = 24 * 3600;
/// Verified tokens kept at most; beyond that the cache starts afresh.
const MAX_VERIFIED: usize = 20_000;

/// Who a verified token says the caller is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The regiedesk login (the configured claim).
    pub login: String,
    /// `oidc:LOGIN`: the person's key in the server's token cache, made
    /// once rather than at every request.
    pub cache_key: String,
    pub strength: LoginStrength,
    /// The configured groups claim, if any.
    pub groups: Vec<String>,
    /// `exp`, seconds since the epoch.
    pub expires: i64,
}

/// Why a token is not accepted. The text is for the caller and the audit
/// log: it names what failed, never the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefusal {
    /// What is wrong, in a few fixed words: never the token's own text
    /// (an attacker's header could otherwise fill the audit log).
    #[error("het token is geen geldige JWT ({0})")]
    Malformed(&'static str),
    #[error(
        "het token gebruikt algoritme {0}, dat de sleutel van de identiteitsprovider niet toestaat"
    )]
    Algorithm(String),
    #[error("het token is getekend met een sleutel die de identiteitsprovider niet kent")]
    UnknownKey,
    #[error("de handtekening van het token klopt niet")]
    Signature,
    #[error("het token komt niet van de ingestelde identiteitsprovider")]
    Issuer,
    #[error("het token is niet voor regiedesk bedoeld (aud)")]
    Audience,
    #[error("het token is verlopen; log opnieuw in")]
    Expired,
    #[error("het token is nog niet geldig (nbf)")]
    NotYetValid,
    #[error("het token noemt geen bruikbare login in claim {0:?}")]
    NoLogin(String),
    #[error("het token is uitgegeven aan een andere toepassing dan de desk")]
    Client,
    #[error("het token zou langer dan een dag geldig zijn")]
    TooLong,
    #[error("de identiteitsprovider is niet bereikbaar: {0}")]
    ProviderUnreachable(String),
    /// A key id the server does not know, while it may not read the keys
    /// again yet: maybe a rotation, maybe a forgery. Worth another try in
    /// `retry_after` seconds, not a new login.
    #[error(
        "de sleutels van de identiteitsprovider worden zo opnieuw gelezen; probeer het over {retry_after} s opnieuw"
    )]
    KeysPending { retry_after: u64 },
}

pub use crate::api::sso::check_provider_url;

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

/// The issuer's signing keys, as last read.
struct KeyCache {
    keys: RwLock<Arc<Vec<Jwk>>>,
    jwks_uri: Mutex<Option<String>>,
    /// When keys were last asked for, and whether that read succeeded.
    attempted: Mutex<Option<(Instant, bool)>>,
    /// One refresh at a time; the others wait for its result.
    refreshing: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
}

pub struct OidcVerifier {
    config: OidcConfig,
    http: reqwest::Client,
    keys: KeyCache,
    /// By the token's SHA-256 (the tokens themselves are not kept), each
    /// shared: a poll clones a pointer, not the claims.
    verified: RwLock<HashMap<[u8; 32], Arc<Identity>>>,
}

impl OidcVerifier {
    /// A verifier for `config`. Refuses a configuration that cannot be
    /// right (an issuer over plain HTTP beyond this machine); reads the
    /// keys now, but starts also when the provider does not answer yet
    /// (tokens are then refused until it does).
    pub async fn connect(config: OidcConfig) -> anyhow::Result<Arc<OidcVerifier>> {
        check_provider_url(&config.issuer).map_err(anyhow::Error::msg)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("regiedesk/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let verifier = Arc::new(OidcVerifier {
            config,
            http,
            keys: KeyCache {
                keys: RwLock::new(Arc::new(Vec::new())),
                jwks_uri: Mutex::new(None),
                attempted: Mutex::new(None),
                refreshing: tokio::sync::Mutex::new(()),
                fetches: AtomicU64::new(0),
            },
            verified: RwLock::new(HashMap::new()),
        });
        if let Err(error) = verifier.refresh_keys().await {
            tracing::warn!(issuer = %verifier.config.issuer, %error, "identity provider not read at start; tokens are refused until it answers");
        }
        Self::keep_keys_fresh(&verifier, KEYS_MAX_AGE);
        Ok(verifier)
    }

    /// Reads the keys again every `every`, for as long as the verifier
    /// lives; a failed read keeps the keys it had.
    pub fn keep_keys_fresh(verifier: &Arc<OidcVerifier>, every: Duration) {
        let weak = Arc::downgrade(verifier);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let Some(verifier) = weak.upgrade() else {
                    return;
                };
                if let Err(error) = verifier.refresh_keys().await {
                    tracing::warn!(%error, "identity provider keys not read again; keeping the ones held");
                }
            }
        });
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// How often the key set was read (for tests and the operator).
    pub fn key_fetches(&self) -> u64 {
        self.keys.fetches.load(Ordering::SeqCst)
    }

    /// Whether `token` has the shape of a JWT (three base64url parts),
    /// as opposed to a static token.
    pub fn looks_like_jwt(token: &str) -> bool {
        let mut parts = token.split('.');
        let base64url = |part: Option<&str>| {
            part.is_some_and(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
        };
        base64url(parts.next())
            && base64url(parts.next())
            && parts.next().is_some()
            && parts.next().is_none()
    }

    /// Who `token` says the caller is, if it holds: from the cache until
    /// its `exp`, else fully verified.
    pub async fn verify(&self, token: &str) -> Result<Arc<Identity>, TokenRefusal> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let now = chrono::Utc::now().timestamp();
        let cached = self
            .verified
            .read()
            .expect("verified tokens lock")
            .get(&digest)
            .cloned();
        let leeway = i64::from(self.config.clock_skew_seconds);
        if let Some(identity) = cached {
            if lapsed(identity.expires, now, leeway) {
                return Err(TokenRefusal::Expired);
            }
            return Ok(identity);
        }
        let identity = Arc::new(self.verify_fully(token, now).await?);
        // The same rule as the cache's, at the second itself: jsonwebtoken
        // still accepts a token in the second of its `exp`.
        if lapsed(identity.expires, now, leeway) {
            return Err(TokenRefusal::Expired);
        }
        let mut verified = self.verified.write().expect("verified tokens lock");
        if verified.len() >= MAX_VERIFIED {
            verified.retain(|_, id| id.expires > now);
            if verified.len() >= MAX_VERIFIED {
                verified.clear();
            }
        }
        verified.insert(digest, identity.clone());
        Ok(identity)
    }

    async fn verify_fully(&self, token: &str, now: i64) -> Result<Identity, TokenRefusal> {
        refuse_critical_extensions(token)?;
        let header = jsonwebtoken::decode_header(token).map_err(|e| {
            // `alg: none` and unknown algorithms fail here: jsonwebtoken
            // has no such algorithm to parse into.
            use jsonwebtoken::errors::ErrorKind;
            TokenRefusal::Malformed(match e.kind() {
                ErrorKind::Base64(_) => "geen base64url",
                ErrorKind::Json(_) | ErrorKind::Utf8(_) => "kop onleesbaar of onbekend algoritme",
                _ => "kop onleesbaar",
            })
        })?;
        // A token that does not even claim to come from the issuer is
        // refused before it can make the server read the keys.
        if unverified_issuer(token).as_deref() != Some(self.config.issuer.as_str()) {
            return Err(TokenRefusal::Issuer);
        }
        let key = self.key_for(header.kid.as_deref()).await?;
        let allowed = algorithms_of(&key);
        if !allowed.contains(&header.alg) {
            return Err(TokenRefusal::Algorithm(format!("{:?}", header.alg)));
        }
        let decoding = DecodingKey::from_jwk(&key)
            .map_err(|_| TokenRefusal::Malformed("sleutel onbruikbaar"))?;
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.leeway = u64::from(self.config.clock_skew_seconds);
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &decoding, &validation)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                match e.kind() {
                    ErrorKind::InvalidSignature => TokenRefusal::Signature,
                    ErrorKind::InvalidIssuer => TokenRefusal::Issuer,
                    ErrorKind::InvalidAudience => TokenRefusal::Audience,
                    ErrorKind::ExpiredSignature => TokenRefusal::Expired,
                    ErrorKind::ImmatureSignature => TokenRefusal::NotYetValid,
                    ErrorKind::InvalidAlgorithm => {
                        TokenRefusal::Algorithm(format!("{:?}", header.alg))
                    }
                    ErrorKind::MissingRequiredClaim(_) => {
                        TokenRefusal::Malformed("exp, iss of aud ontbreekt")
                    }
                    _ => TokenRefusal::Malformed("inhoud onleesbaar"),
                }
            })?
            .claims;
        check_times_and_client(&claims, &self.config, now)?;
        identity_of(&claims, &self.config)
    }

    /// The signing key with `kid`: from the cache, else from a refreshed
    /// key set (at most once per `key_refresh_seconds`).
    async fn key_for(&self, kid: Option<&str>) -> Result<Jwk, TokenRefusal> {
        if let Some(key) = pick(&self.keys.keys.read().expect("keys lock"), kid) {
            return Ok(key);
        }
        let _one = self.keys.refreshing.lock().await;
        // Another request may have refreshed while this one waited.
        if let Some(key) = pick(&self.keys.keys.read().expect("keys lock"), kid) {
            return Ok(key);
        }
        let min = Duration::from_secs(self.config.key_refresh_seconds.into());
        // After a failed read (the provider was down) try again sooner:
        // until it answers, no token can be verified at all.
        let wait = self
            .keys
            .attempted
            .lock()
            .expect("attempted lock")
            .and_then(|(at, ok)| {
                let min = if ok { min } else { min.min(RETRY_FAILED) };
                min.checked_sub(at.elapsed())
            });
        if let Some(wait) = wait {
            if self.keys.keys.read().expect("keys lock").is_empty() {
                return Err(TokenRefusal::ProviderUnreachable(
                    "sleutels nog niet gelezen".into(),
                ));
            }
            // Someone may have spent this interval's read on a forged key
            // id just before a real rotation: the caller tries again soon
            // instead of being sent to log in.
            return Err(TokenRefusal::KeysPending {
                retry_after: wait.as_secs() + 1,
            });
        }
        self.refresh_keys_locked()
            .await
            .map_err(TokenRefusal::ProviderUnreachable)?;
        pick(&self.keys.keys.read().expect("keys lock"), kid).ok_or(TokenRefusal::UnknownKey)
    }

    async fn refresh_keys(&self) -> Result<(), String> {
        let _one = self.keys.refreshing.lock().await;
        self.refresh_keys_locked().await
    }

    async fn refresh_keys_locked(&self) -> Result<(), String> {
        let result = self.read_keys().await;
        *self.keys.attempted.lock().expect("attempted lock") =
            Some((Instant::now(), result.is_ok()));
        result
    }

    async fn read_keys(&self) -> Result<(), String> {
        let known = self.keys.jwks_uri.lock().expect("jwks uri lock").clone();
        let jwks_uri = match known {
            Some(uri) => uri,
            None => {
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    self.config.issuer.trim_end_matches('/')
                );
                let discovery: Discovery = self.get_json(&url).await?;
                if discovery.issuer != self.config.issuer {
                    return Err(format!(
                        "het discovery-document noemt issuer {:?}, ingesteld is {:?}",
                        discovery.issuer, self.config.issuer
                    ));
                }
                check_provider_url(&discovery.jwks_uri)?;
                *self.keys.jwks_uri.lock().expect("jwks uri lock") =
                    Some(discovery.jwks_uri.clone());
                discovery.jwks_uri
            }
        };
        let set: JwkSet = self.get_json(&jwks_uri).await?;
        self.keys.fetches.fetch_add(1, Ordering::SeqCst);
        let signing: Vec<Jwk> = set
            .keys
            .into_iter()
            .filter(|k| !matches!(k.common.public_key_use, Some(PublicKeyUse::Encryption)))
            .filter(|k| !algorithms_of(k).is_empty())
            .collect();
        let kids = |keys: &[Jwk]| {
            let mut kids: Vec<Option<String>> =
                keys.iter().map(|k| k.common.key_id.clone()).collect();
            kids.sort();
            kids
        };
        let changed = kids(&self.keys.keys.read().expect("keys lock")) != kids(&signing);
        *self.keys.keys.write().expect("keys lock") = Arc::new(signing);
        if changed {
            tracing::info!(issuer = %self.config.issuer, "identity provider keys changed");
            // A token verified with a key that is gone must not live on
            // in the cache: everything is verified again once.
            self.verified.write().expect("verified tokens lock").clear();
        }
        Ok(())
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, String> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        response.json().await.map_err(|e| format!("{url}: {e}"))
    }
}

/// RFC 7515 §4.1.11: a header that marks an extension critical must be
/// refused by whoever does not understand it; this server understands none.
fn refuse_critical_extensions(token: &str) -> Result<(), TokenRefusal> {
    let header = unverified_part(token, 0).map_err(TokenRefusal::Malformed)?;
    if header.contains_key("crit") {
        return Err(TokenRefusal::Malformed("kritieke uitbreiding (crit)"));
    }
    Ok(())
}

/// The `iss` a token claims, before anything about it is verified: only
/// to turn away another issuer's tokens early.
fn unverified_issuer(token: &str) -> Option<String> {
    unverified_part(token, 1)
        .ok()?
        .get("iss")?
        .as_str()
        .map(String::from)
}

/// Part `n` of a JWT (0 the header, 1 the payload) as JSON, before anything
/// about it is verified; what is wrong with it in a few fixed words.
fn unverified_part(token: &str, n: usize) -> Result<Map<String, Value>, &'static str> {
    use base64::Engine;
    let part = token.split('.').nth(n).unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "geen base64url")?;
    serde_json::from_slice(&bytes).map_err(|_| {
        if n == 0 {
            "kop onleesbaar"
        } else {
            "inhoud onleesbaar"
        }
    })
}

/// What jsonwebtoken leaves unchecked: `exp`, `nbf` and `iat` are numbers
/// when present (a `nbf` as text is not silently ignored), the token does
/// not claim to live longer than a day, and it was issued to the desk (or
/// another accepted client) where it says to whom.
fn check_times_and_client(
    claims: &Map<String, Value>,
    config: &OidcConfig,
    now: i64,
) -> Result<(), TokenRefusal> {
    for claim in ["exp", "nbf", "iat"] {
        if claims.get(claim).is_some_and(|v| !v.is_number()) {
            return Err(TokenRefusal::Malformed("exp, nbf of iat is geen getal"));
        }
    }
    let exp = claims.get("exp").and_then(Value::as_f64).unwrap_or(0.0) as i64;
    if exp - now > LONGEST_TOKEN {
        return Err(TokenRefusal::TooLong);
    }
    let accepted = |client: &str| {
        client == config.desk_client_id || config.accepted_clients.iter().any(|c| c == client)
    };
    for claim in ["azp", "client_id"] {
        if let Some(client) = claims.get(claim)
            && !client.as_str().is_some_and(accepted)
        {
            return Err(TokenRefusal::Client);
        }
    }
    Ok(())
}

/// Whether a token with `exp` is no longer accepted at `now` (RFC 7519:
/// "on or after" its `exp`), allowing `leeway` seconds of clock skew.
fn lapsed(exp: i64, now: i64, leeway: i64) -> bool {
    now >= exp + leeway
}

/// The key a token names; without a `kid`, the only key there is.
fn pick(keys: &[Jwk], kid: Option<&str>) -> Option<Jwk> {
    match kid {
        Some(kid) => keys
            .iter()
            .find(|k| k.common.key_id.as_deref() == Some(kid))
            .cloned(),
        None if keys.len() == 1 => keys.first().cloned(),
        None => None,
    }
}

/// The algorithms a public key may verify: the one its `alg` names, else
/// those of its key type. Never a symmetric algorithm: a key set holds
/// public keys, and HMAC keyed with a public key is the classic forgery.
pub fn algorithms_of(key: &Jwk) -> Vec<Algorithm> {
    use Algorithm::*;
    let by_type: Vec<Algorithm> = match &key.algorithm {
        AlgorithmParameters::RSA(_) => vec![RS256, RS384, RS512, PS256, PS384, PS512],
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => vec![ES256],
            EllipticCurve::P384 => vec![ES384],
            _ => vec![],
        },
        AlgorithmParameters::OctetKeyPair(_) => vec![EdDSA],
        AlgorithmParameters::OctetKey(_) => vec![],
    };
    let named = key.common.key_algorithm.and_then(|alg| {
        Some(match alg {
            KeyAlgorithm::RS256 => RS256,
            KeyAlgorithm::RS384 => RS384,
            KeyAlgorithm::RS512 => RS512,
            KeyAlgorithm::PS256 => PS256,
            KeyAlgorithm::PS384 => PS384,
            KeyAlgorithm::PS512 => PS512,
            KeyAlgorithm::ES256 => ES256,
            KeyAlgorithm::ES384 => ES384,
            KeyAlgorithm::EdDSA => EdDSA,
            _ => return None,
        })
    });
    match (key.common.key_algorithm, named) {
        // An `alg` this server will not verify with (HS256, RSA1_5 …).
        (Some(_), None) => vec![],
        (_, Some(alg)) => by_type.into_iter().filter(|a| *a == alg).collect(),
        (None, None) => by_type,
    }
}

/// The identity in verified claims.
fn identity_of(claims: &Map<String, Value>, config: &OidcConfig) -> Result<Identity, TokenRefusal> {
    // Exactly as the provider says it: "pr-volw " is not pr-volw.
    let login = claims
        .get(&config.login_claim)
        .and_then(Value::as_str)
        .filter(|l| !l.is_empty() && !l.chars().any(|c| c.is_whitespace() || c.is_control()))
        .ok_or_else(|| TokenRefusal::NoLogin(config.login_claim.clone()))?
        .to_string();
    let strings = |value: Option<&Value>| -> Vec<String> {
        match value {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        }
    };
    Ok(Identity {
        cache_key: format!("oidc:{login}"),
        login,
        strength: LoginStrength {
            amr: strings(claims.get("amr")),
            acr: claims.get("acr").and_then(Value::as_str).map(String::from),
        },
        groups: config
            .groups_claim
            .as_ref()
            .map(|claim| strings(claims.get(claim)))
            .unwrap_or_default(),
        expires: claims
            .get("exp")
            .and_then(Value::as_f64)
            .map_or(0, |exp| exp as i64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(json: &str) -> Jwk {
        serde_json::from_str(json).unwrap()
    }

    const RSA: &str = r#""kty":"RSA","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB""#;

    #[test]
    fn a_critical_extension_is_refused() {
        use base64::Engine;
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let with = |header: &str| format!("{}.{}.sig", b64(header), b64("{}"));
        assert!(refuse_critical_extensions(&with(r#"{"alg":"RS256","kid":"k"}"#)).is_ok());
        assert_eq!(
            refuse_critical_extensions(&with(r#"{"alg":"RS256","crit":["exp"],"exp":1}"#)),
            Err(TokenRefusal::Malformed("kritieke uitbreiding (crit)"))
        );
        assert!(refuse_critical_extensions("!!!.e30.sig").is_err());
    }

    #[test]
    fn times_are_numbers_a_token_lives_a_day_at_most_and_comes_from_the_desk() {
        let config = OidcConfig::new("https://idp", "regiedesk");
        let now = 1_800_000_000;
        let claims = |json: &str| -> Map<String, Value> { serde_json::from_str(json).unwrap() };
        let check = |json: &str| check_times_and_client(&claims(json), &config, now);
        assert_eq!(check(&format!(r#"{{"exp":{}}}"#, now + 300)), Ok(()));
        assert!(
            check(&format!(
                r#"{{"exp":{},"nbf":"{}"}}"#,
                now + 300,
                now + 9999
            ))
            .is_err()
        );
        assert!(check(r#"{"exp":"soon"}"#).is_err());
        assert_eq!(
            check(&format!(r#"{{"exp":{}}}"#, now + 10 * 365 * 86400)),
            Err(TokenRefusal::TooLong)
        );
        assert_eq!(
            check(&format!(
                r#"{{"exp":{},"azp":"regiedesk-desk"}}"#,
                now + 300
            )),
            Ok(())
        );
        assert_eq!(
            check(&format!(
                r#"{{"exp":{},"client_id":"other-app"}}"#,
                now + 300
            )),
            Err(TokenRefusal::Client)
        );
        let mut accepting = config.clone();
        accepting.accepted_clients = vec!["other-app".into()];
        assert_eq!(
            check_times_and_client(
                &claims(&format!(
                    r#"{{"exp":{},"client_id":"other-app"}}"#,
                    now + 300
                )),
                &accepting,
                now
            ),
            Ok(())
        );
    }

    #[test]
    fn a_login_with_spaces_or_control_characters_is_nobody() {
        let config = OidcConfig::new("https://idp", "regiedesk");
        for login in [
            "pr-volw ",
            "\tpr-volw",
            "pr-volw\u{a0}",
            "\u{3000}pr-volw",
            "pr\nvolw",
            "",
        ] {
            let claims = serde_json::json!({ "preferred_username": login });
            let claims = claims.as_object().unwrap();
            assert!(identity_of(claims, &config).is_err(), "{login:?}");
        }
    }

    #[test]
    fn a_token_lapses_at_its_exp_plus_the_leeway() {
        assert!(!lapsed(100, 99, 0));
        assert!(lapsed(100, 100, 0), "on its exp, no longer");
        assert!(!lapsed(100, 100, 5));
        assert!(lapsed(100, 105, 5));
    }

    #[test]
    fn a_key_allows_only_its_own_algorithms() {
        let rsa = jwk(&format!("{{{RSA}}}"));
        assert!(algorithms_of(&rsa).contains(&Algorithm::RS256));
        assert!(!algorithms_of(&rsa).contains(&Algorithm::HS256));
        let rs256 = jwk(&format!("{{{RSA},\"alg\":\"RS256\"}}"));
        assert_eq!(algorithms_of(&rs256), [Algorithm::RS256]);
        let hs = jwk(r#"{"kty":"oct","k":"c2VjcmV0"}"#);
        assert!(
            algorithms_of(&hs).is_empty(),
            "a symmetric key is never used"
        );
        let rsa_named_hs = jwk(&format!("{{{RSA},\"alg\":\"HS256\"}}"));
        assert!(algorithms_of(&rsa_named_hs).is_empty());
    }

    #[test]
    fn a_jwt_has_three_parts_and_a_static_token_does_not() {
        assert!(OidcVerifier::looks_like_jwt("eyJh.eyJz.c2ln"));
        assert!(OidcVerifier::looks_like_jwt("eyJh.eyJz."));
        assert!(!OidcVerifier::looks_like_jwt("demo-pm"));
        assert!(!OidcVerifier::looks_like_jwt(&"ab".repeat(32)));
        assert!(!OidcVerifier::looks_like_jwt("a.b.c.d"));
    }

    #[test]
    fn the_login_comes_from_the_configured_claim() {
        let mut config = OidcConfig::new("https://idp", "regiedesk");
        config.groups_claim = Some("groups".into());
        let claims: Map<String, Value> = serde_json::from_str(
            r#"{"preferred_username":"pr-jeugd","upn":"p.prins@gemeente.nl","amr":["pwd","otp"],"acr":"x","groups":"rd","exp":5}"#,
        )
        .unwrap();
        let id = identity_of(&claims, &config).unwrap();
        assert_eq!(id.login, "pr-jeugd");
        assert_eq!(id.strength.amr, ["pwd", "otp"]);
        assert_eq!(id.groups, ["rd"]);
        config.login_claim = "upn".into();
        assert_eq!(
            identity_of(&claims, &config).unwrap().login,
            "p.prins@gemeente.nl"
        );
        config.login_claim = "email".into();
        assert_eq!(
            identity_of(&claims, &config),
            Err(TokenRefusal::NoLogin("email".into()))
        );
    }
}
