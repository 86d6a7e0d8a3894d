//! Who is calling. One extractor, [`Actor`], for every handler: a static
//! token (`staff token`, the demo's, a service account's) or an identity
//! provider's access token (`[auth.oidc]`). Either way the staff table
//! says what the person may do; the token only says who they are.
//!
//! - [`config`]: the `[auth]` section.
//! - [`oidc`]: discovery, the key cache, full verification of a JWT.
//! - [`policy`]: which action a request is, multi-factor, roles by group.
//!
//! Every refusal is audited: an unverifiable token anonymously, a verified
//! person regiedesk does not know (or no longer lets in) under their login.

pub mod config;
pub mod oidc;
pub mod policy;

use std::sync::Arc;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{Method, header};
use sha2::{Digest, Sha256};

use super::AppState;
use super::audit::AuditDraft;
use super::error::{ApiError, ellipsis};
use super::store::TokenHolder;
use crate::domain::model::Person;
use config::{AuthConfig, StaticTokens};
use oidc::{Identity, OidcVerifier};

/// The SHA-256 of a static token, as stored: tokens are long random
/// strings, so a fast hash is enough to make a leaked table useless.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// How this server authenticates.
pub struct Authenticator {
    pub static_tokens: StaticTokens,
    pub oidc: Option<Arc<OidcVerifier>>,
}

impl Default for Authenticator {
    /// Static tokens only, as the demo and the tests use them.
    fn default() -> Self {
        Self {
            static_tokens: StaticTokens::All,
            oidc: None,
        }
    }
}

impl Authenticator {
    /// The authenticator `config` describes (reads the identity
    /// provider's keys, if one is configured).
    pub async fn from_config(config: &AuthConfig) -> anyhow::Result<Self> {
        let oidc = match &config.oidc {
            Some(oidc) => Some(OidcVerifier::connect(oidc.clone()).await?),
            None => None,
        };
        if oidc.is_none() && config.static_tokens != StaticTokens::All {
            anyhow::bail!(
                "[auth] static_tokens = {:?} needs an identity provider in [auth.oidc]: nobody could log in",
                config.static_tokens
            );
        }
        Ok(Self {
            static_tokens: config.static_tokens,
            oidc,
        })
    }
}

/// The authenticated caller.
pub struct Actor(pub Person);

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let mut authorization = parts.headers.get_all(header::AUTHORIZATION).iter();
        let first = authorization.next();
        if authorization.next().is_some() {
            // A proxy and this server could each read another one.
            return Err(ApiError::BadRequest(
                "meer dan één Authorization-header; stuur er één".into(),
            ));
        }
        let token = first.and_then(|v| v.to_str().ok()).and_then(bearer_token);
        match (token, &state.auth.oidc) {
            (Some(token), Some(oidc)) if OidcVerifier::looks_like_jwt(token) => {
                sso_actor(parts, state, oidc, token).await
            }
            _ => static_actor(parts, state, token).await,
        }
    }
}

/// The token of an `Authorization: Bearer …` value (the scheme's case does
/// not matter, RFC 7235).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A static token's holder, if the token is known, its holder active and
/// this deployment admits such tokens.
async fn static_actor(
    parts: &Parts,
    state: &AppState,
    token: Option<&str>,
) -> Result<Actor, ApiError> {
    let hash = token.map(token_hash);
    let holder = match &hash {
        Some(hash) => holder_of_token(state, hash).await?,
        None => None,
    };
    match holder {
        Some(holder) if holder.person.active => {
            if state.auth.static_tokens.admits(holder.service) {
                return Ok(Actor(holder.person));
            }
            let why = format!(
                "persoonlijk statisch token bij {}, terwijl alleen inloggen via de identiteitsprovider is toegestaan",
                attempt(parts)
            );
            refuse(parts, state, Some(&holder.person), None, &why).await;
            Err(ApiError::StaticTokenDisabled)
        }
        Some(holder) => {
            // A known token of someone no longer active: their attempt,
            // under their name.
            let why = format!("token van een inactief account bij {}", attempt(parts));
            refuse(parts, state, Some(&holder.person), None, &why).await;
            Err(ApiError::Unauthorized)
        }
        None => {
            let revoked = match &hash {
                Some(hash) => state.store.token_revoked(hash).await?,
                None => None,
            };
            let why = format!(
                "{} bij {}",
                if revoked.is_some() {
                    "ingetrokken token"
                } else {
                    "geen geldig token"
                },
                attempt(parts)
            );
            // A revoked token's attempts are its former holder's; only a
            // token nobody ever had is anonymous.
            let login = revoked.as_ref().map(|(_, login)| login.as_str());
            refuse(parts, state, None, login, &why).await;
            Err(revoked.map_or(ApiError::Unauthorized, |(at, _)| ApiError::TokenRevoked(at)))
        }
    }
}

/// The person an identity provider's token names: verified, known to
/// regiedesk and active, in a role (from the staff table, or from the
/// provider's groups), with a multi-factor login where the action asks.
async fn sso_actor(
    parts: &Parts,
    state: &AppState,
    oidc: &OidcVerifier,
    token: &str,
) -> Result<Actor, ApiError> {
    let identity = match oidc.verify(token).await {
        Ok(identity) => identity,
        Err(pending @ oidc::TokenRefusal::KeysPending { retry_after }) => {
            let why = format!(
                "SSO-token met onbekende sleutel bij {}; sleutels worden over {retry_after} s opnieuw gelezen",
                attempt(parts)
            );
            refuse(parts, state, None, None, &why).await;
            return Err(ApiError::TryAgain {
                detail: pending.to_string(),
                seconds: retry_after,
            });
        }
        Err(oidc::TokenRefusal::ProviderUnreachable(why)) => {
            tracing::error!(%why, "identity provider keys unavailable");
            return Err(ApiError::IdentityProviderUnavailable(format!(
                "de identiteitsprovider is niet bereikbaar ({why}); probeer het zo opnieuw"
            )));
        }
        Err(refusal) => {
            let why = format!("SSO-token geweigerd ({refusal}) bij {}", attempt(parts));
            refuse(parts, state, None, None, &why).await;
            return Err(ApiError::TokenRefused(refusal.to_string()));
        }
    };
    let config = oidc.config();
    let person = match person_of(state, &identity).await? {
        Some(holder) if holder.service => {
            // An account that holds a service token is a service account:
            // whoever the provider calls by that name is not it.
            let why = format!(
                "{} is een serviceaccount; SSO-token geweigerd bij {}",
                identity.login,
                attempt(parts)
            );
            refuse(parts, state, Some(&holder.person), None, &why).await;
            return Err(ApiError::Forbidden(format!(
                "{} is een serviceaccount en logt niet in via de identiteitsprovider",
                identity.login
            )));
        }
        Some(holder) if holder.person.active => holder.person,
        known => {
            let known = known.map(|holder| holder.person);
            let why = format!(
                "{} {} bij {}",
                identity.login,
                if known.is_some() {
                    "is niet meer actief"
                } else {
                    "is niet bekend bij regiedesk"
                },
                attempt(parts)
            );
            refuse(parts, state, known.as_ref(), Some(&identity.login), &why).await;
            return Err(ApiError::UnknownPerson(identity.login.clone()));
        }
    };
    let person = match (&config.groups_claim, config.group_roles.is_empty()) {
        (Some(_), false) => match policy::role_from_groups(&identity.groups, &config.group_roles) {
            Ok(role) => follow_role(state, person, role).await?,
            Err(why) => {
                let reason = format!("{why} bij {}", attempt(parts));
                refuse(parts, state, Some(&person), None, &reason).await;
                return Err(ApiError::Forbidden(format!(
                    "{why}; vraag de functioneel beheerder om u toegang te geven"
                )));
            }
        },
        _ => person,
    };
    let action = if config.require_mfa_for.is_empty() {
        None
    } else {
        policy::action_of(&parts.method, original_path(parts))
    };
    if let Some(action) = action
        && config.require_mfa_for.contains(&action)
        && !identity
            .strength
            .is_multi_factor(&config.mfa_amr_values, &config.mfa_acr_values)
    {
        let why = format!(
            "{} zonder meervoudige authenticatie bij {}",
            action.as_str(),
            attempt(parts)
        );
        refuse(parts, state, Some(&person), None, &why).await;
        return Err(ApiError::MfaRequired(action));
    }
    Ok(Actor(person))
}

/// The staff member with the identity's login, and whether that login is a
/// service account: cached per staff counter (see `server::watch`), so
/// `staff put --inactive` is felt everywhere within a second.
async fn person_of(state: &AppState, identity: &Identity) -> Result<Option<TokenHolder>, ApiError> {
    cached_holder(state, &identity.cache_key, async {
        let Some(person) = state.store.person(&identity.login).await? else {
            return Ok(None);
        };
        Ok(Some(TokenHolder {
            service: state.store.is_service_account(&person.login).await?,
            person,
        }))
    })
    .await
}

/// With roles managed in the identity provider, the staff table follows
/// it, so the boards (caseload, the picker) show the role the person has.
async fn follow_role(
    state: &AppState,
    mut person: Person,
    role: crate::domain::model::Role,
) -> Result<Person, ApiError> {
    if person.role != role {
        tracing::info!(login = %person.login, from = %person.role, to = %role, "role follows the identity provider's groups");
        person.role = role;
        state.store.put_person(&person).await?;
        let mut draft = AuditDraft::ok(&person, state.clock.now(), "staff.role");
        draft.reason = Some(format!(
            "rol {role} volgt de groepen van de identiteitsprovider"
        ));
        if let Err(error) = state.store.append_audit_entry(draft).await {
            tracing::error!(%error, "role change not audited");
        }
    }
    Ok(person)
}

/// Who holds the static token with this hash: from the cache while the
/// staff counter it was cached at is current, else from the store.
async fn holder_of_token(state: &AppState, hash: &str) -> Result<Option<TokenHolder>, ApiError> {
    cached_holder(state, hash, async {
        Ok(state.store.person_by_token(hash).await?)
    })
    .await
}

/// The holder cached under `key` while the staff counter it was cached at
/// is current (see `server::watch`), else what `load` finds, then cached.
async fn cached_holder(
    state: &AppState,
    key: &str,
    load: impl Future<Output = Result<Option<TokenHolder>, ApiError>>,
) -> Result<Option<TokenHolder>, ApiError> {
    let staff = state.changes.staff();
    if let Some(staff) = staff
        && let Some(holder) = state.tokens.get(key, staff)
    {
        return Ok(Some(holder));
    }
    let holder = load.await?;
    if let (Some(holder), Some(staff)) = (&holder, staff) {
        state.tokens.put(key, holder.clone(), staff);
    }
    Ok(holder)
}

/// Audits a refused request: under `person`, else under `login` (a
/// verified identity regiedesk does not know), else anonymously.
async fn refuse(
    parts: &Parts,
    state: &AppState,
    person: Option<&Person>,
    login: Option<&str>,
    why: &str,
) {
    let (action, case_id, request_id) = attempted(parts);
    // What a caller sent may end up in `why`: the draft bounds it and
    // keeps it one line.
    let mut draft = AuditDraft::refused(person, state.clock.now(), action, why);
    if let (None, Some(login)) = (person, login) {
        draft.actor = login.to_string();
    }
    draft.case_id = case_id;
    draft.request_id = request_id;
    // Nobody known: the attempt is counted per source address, so that
    // junk from one address never hides another's probing.
    let source = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .filter(|_| person.is_none() && login.is_none())
        .map(|peer| crate::server::refusals::anonymous_source(peer.0.ip()));
    match source {
        Some(source) => {
            draft.reason = draft
                .reason
                .map(|why| format!("{why} (van {})", &source[8..]));
            state.record_refusal_of(&source, draft).await;
        }
        None => state.record_refusal(draft).await,
    }
}

fn original_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or(parts.uri.path(), |uri| uri.path())
}

/// "GET /api/v1/cases/12", for a refusal's reason.
fn attempt(parts: &Parts) -> String {
    format!("{} {}", parts.method, ellipsis(original_path(parts), 120))
}

/// What a request tried to reach, for the audit entry of a refusal: a
/// case's or a request's detail by its id, a change to one, else the API
/// as such.
fn attempted(parts: &Parts) -> (&'static str, Option<i64>, Option<i64>) {
    let path = parts.uri.path().trim_end_matches('/');
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let read = parts.method == Method::GET || parts.method == Method::HEAD;
    let id = segments.get(1).and_then(|s| s.parse::<i64>().ok());
    match (read, segments.first().copied(), id, segments.len()) {
        (true, Some("cases"), Some(id), 2) => ("case.read", Some(id), None),
        (true, Some("requests"), Some(id), 2) => ("request.read", None, Some(id)),
        (false, Some("cases"), Some(id), _) => ("case.change", Some(id), None),
        (false, Some("requests"), Some(id), _) => ("request.change", None, Some(id)),
        _ => ("api.access", None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc "), Some("abc"));
        assert_eq!(bearer_token("BEARER abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }

    #[test]
    fn a_refusal_names_the_case_or_request_it_tried() {
        let parts = |method: Method, path: &str| {
            axum::http::Request::builder()
                .method(method)
                .uri(path)
                .body(())
                .unwrap()
                .into_parts()
                .0
        };
        assert_eq!(
            attempted(&parts(Method::GET, "/api/v1/cases/12")),
            ("case.read", Some(12), None)
        );
        assert_eq!(
            attempted(&parts(Method::HEAD, "/api/v1/requests/7")),
            ("request.read", None, Some(7))
        );
        assert_eq!(
            attempted(&parts(Method::POST, "/api/v1/requests/7/decision")),
            ("request.change", None, Some(7))
        );
        assert_eq!(
            attempted(&parts(Method::POST, "/api/v1/cases/3/assign")),
            ("case.change", Some(3), None)
        );
        assert_eq!(
            attempted(&parts(Method::GET, "/api/v1/sync")),
            ("api.access", None, None)
        );
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
