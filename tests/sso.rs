//! Single sign-on through a real OpenID Connect provider
//! (`tests/oidc/provider.mjs`, oidc-provider), against the server over
//! real HTTP on both stores: the device flow as the desk and a person play
//! it, refresh, expiry, key rotation, and every way a token might try to
//! get past the server (wrong audience, another issuer, `alg: none`, HMAC
//! keyed with the public key, a tampered payload); MFA for a decision; a
//! person the municipality's provider knows but regiedesk does not.

#[path = "support/idp.rs"]
mod idp;
mod support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use idp::{AUDIENCE, CR_01, Idp, ONBEKEND, PM, PR_JEUGD, PR_VOLW, Tokens, eventually};
use regiedesk::server::auth::config::{AuthConfig, OidcConfig, StaticTokens};
use regiedesk::server::auth::policy::GuardedAction;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{Backend, TestServer, expect, request_tag};

/// A provider and a server that trusts it, configured by `configure`.
async fn setup(
    backend: Backend,
    access_ttl: u32,
    configure: impl FnOnce(&mut AuthConfig),
) -> Option<(Idp, TestServer)> {
    let idp = Idp::start(access_ttl)?;
    let mut oidc = OidcConfig::new(&idp.issuer, AUDIENCE);
    oidc.clock_skew_seconds = 0;
    oidc.key_refresh_seconds = 1;
    let mut auth = AuthConfig {
        static_tokens: StaticTokens::All,
        oidc: Some(oidc),
    };
    configure(&mut auth);
    let server = TestServer::start_with_auth(backend, &auth).await?;
    Some((idp, server))
}

async fn get(server: &TestServer, token: &str, path: &str) -> reqwest::Response {
    server
        .client
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn me(server: &TestServer, token: &str) -> reqwest::Response {
    get(server, token, "/api/v1/me").await
}

/// The refusals in the audit log, as the procesmanager reads them.
async fn refusals(server: &TestServer) -> Vec<Value> {
    let entries = expect(server.get("fg", "/api/v1/audit?limit=500").await, 200).await;
    entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["result"] == "refused")
        .cloned()
        .collect()
}

fn parts(token: &str) -> (Value, Value, String) {
    let mut it = token.split('.');
    let header = serde_json::from_slice(&B64.decode(it.next().unwrap()).unwrap()).unwrap();
    let payload = serde_json::from_slice(&B64.decode(it.next().unwrap()).unwrap()).unwrap();
    (header, payload, it.next().unwrap().to_string())
}

fn encode(value: &Value) -> String {
    B64.encode(serde_json::to_vec(value).unwrap())
}

async fn the_device_flow_logs_a_person_in_and_refresh_keeps_them_in(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |_| {}).await else {
        return;
    };
    // The desk learns where to log in from the server itself.
    let login = expect(server.get_anonymous("/api/v1/login").await, 200).await;
    assert_eq!(login["issuer"], idp.issuer.as_str());
    assert_eq!(login["client_id"], "regiedesk-desk");
    assert!(
        login["scopes"]
            .as_array()
            .unwrap()
            .contains(&json!("offline_access"))
    );

    let tokens = idp.device_login(PR_JEUGD).await;
    let who = expect(me(&server, &tokens.access).await, 200).await;
    assert_eq!(who["login"], "pr-jeugd");
    assert_eq!(
        who["role"], "procesregisseur_jeugd",
        "the role is regiedesk's"
    );

    let refreshed = idp
        .refresh(tokens.refresh.as_deref().unwrap())
        .await
        .unwrap();
    assert_ne!(refreshed.access, tokens.access);
    let who = expect(me(&server, &refreshed.access).await, 200).await;
    assert_eq!(who["login"], "pr-jeugd");
}

async fn an_expired_token_is_refused(backend: Backend) {
    let Some((idp, server)) = setup(backend, 2, |_| {}).await else {
        return;
    };
    let tokens = idp.device_login(CR_01).await;
    expect(me(&server, &tokens.access).await, 200).await;
    // Cached as verified, yet not beyond its exp.
    eventually("the token to expire", 30, || async {
        me(&server, &tokens.access).await.status() == StatusCode::UNAUTHORIZED
    })
    .await;
    let refused = me(&server, &tokens.access).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let problem = expect(refused, 401).await;
    assert_eq!(problem["type"], "urn:regiedesk:problem:token-refused");
    assert!(
        problem["detail"].as_str().unwrap().contains("verlopen"),
        "{problem}"
    );
}

async fn a_rotated_key_is_fetched_once_and_followed(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |_| {}).await else {
        return;
    };
    let verifier = server.oidc.clone().unwrap();
    let before = idp.device_login(PR_JEUGD).await;
    expect(me(&server, &before.access).await, 200).await;
    let fetched = verifier.key_fetches();
    let kid = idp.rotate().await;
    let after = idp
        .refresh(before.refresh.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(parts(&after.access).0["kid"], kid.as_str());
    // The first unknown kid within key_refresh_seconds of the last read
    // is answered 503 (try again); once the interval has passed the keys
    // are read again.
    eventually("the new key to be read", 20, || async {
        me(&server, &after.access).await.status() == StatusCode::OK
    })
    .await;
    assert_eq!(verifier.key_fetches(), fetched + 1, "one read of the keys");
    // A flood of tokens naming unknown keys does not make the server
    // hammer the provider: at most one read per interval.
    let (mut header, payload, signature) = parts(&after.access);
    let reads = verifier.key_fetches();
    for n in 0..30 {
        header["kid"] = json!(format!("unknown-{n}"));
        let forged = format!("{}.{}.{signature}", encode(&header), encode(&payload));
        let status = me(&server, &forged).await.status().as_u16();
        assert!(status == 401 || status == 503, "{status}");
    }
    assert!(
        verifier.key_fetches() <= reads + 1,
        "at most one read of the keys"
    );
    // The old key is still published: a token signed before still works.
    expect(me(&server, &before.access).await, 200).await;
}

async fn tokens_that_try_to_get_past_the_server_are_refused(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |_| {}).await else {
        return;
    };
    let real = idp.device_login(PR_VOLW).await.access;
    let (header, payload, signature) = parts(&real);
    let refused = |why: &'static str| (why, 401u16);

    // A token of the same provider meant for another API.
    let other_audience = idp.other_app_token(None).await;
    assert_ne!(parts(&other_audience).1["aud"], AUDIENCE);

    // A token from another issuer (a second provider), for regiedesk's
    // audience, with a key regiedesk never saw.
    let elsewhere = Idp::start(300).unwrap();
    let foreign = elsewhere.device_login(PR_JEUGD).await.access;

    // alg none, no signature.
    let mut none = header.clone();
    none["alg"] = json!("none");
    let alg_none = format!("{}.{}.", encode(&none), encode(&payload));

    // HS256 keyed with the provider's public key, in two spellings.
    let jwks = idp.jwks().await;
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap()
        .clone();
    let mut hs = header.clone();
    hs["alg"] = json!("HS256");
    let hmac = |secret: &[u8]| {
        use hmac::{Hmac, Mac};
        let signing_input = format!("{}.{}", encode(&hs), encode(&payload));
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            B64.encode(mac.finalize().into_bytes())
        )
    };
    let hs_modulus = hmac(&B64.decode(key["n"].as_str().unwrap()).unwrap());
    let hs_jwk = hmac(key.to_string().as_bytes());

    // The payload changed after signing: someone else's login.
    let mut tampered = payload.clone();
    tampered["preferred_username"] = json!("pr-jeugd");
    tampered["sub"] = json!("pr-jeugd");
    let tampered = format!("{}.{}.{signature}", encode(&header), encode(&tampered));

    // The signature of another token.
    let other_signature = parts(&idp.device_login(PM).await.access).2;
    let spliced = format!("{}.{}.{other_signature}", encode(&header), encode(&payload));

    let cases = [
        (other_audience.as_str(), refused("aud")),
        (foreign.as_str(), refused("ingestelde identiteitsprovider")),
        (alg_none.as_str(), refused("geen geldige JWT")),
        (hs_modulus.as_str(), refused("HS256")),
        (hs_jwk.as_str(), refused("HS256")),
        (tampered.as_str(), refused("handtekening")),
        (spliced.as_str(), refused("handtekening")),
        ("eyJhbGciOiJSUzI1NiJ9.e30.", refused("identiteitsprovider")),
    ];
    for (token, (why, status)) in cases {
        for path in ["/api/v1/me", "/api/v1/sync", "/api/v1/cases/1"] {
            let problem = expect(get(&server, token, path).await, status).await;
            assert!(
                problem["detail"].as_str().unwrap().contains(why),
                "{why}: {problem}"
            );
        }
    }
    // The real one still works, and each attempt was audited as an
    // anonymous refusal (never under the login a forged token names).
    expect(me(&server, &real).await, 200).await;
    let refused = refusals(&server).await;
    assert!(
        refused.iter().any(|e| e["actor"] == "anoniem"
            && e["reason"]
                .as_str()
                .unwrap()
                .contains("SSO-token geweigerd")),
        "{refused:#?}"
    );
    assert!(
        !refused.iter().any(|e| e["actor"] == "pr-jeugd"),
        "a forged login is never named as the actor"
    );
}

async fn a_disabled_account_loses_access_within_one_token_lifetime(backend: Backend) {
    let ttl = 4;
    let Some((idp, server)) = setup(backend, ttl, |_| {}).await else {
        return;
    };
    let tokens: Tokens = idp.device_login(CR_01).await;
    expect(me(&server, &tokens.access).await, 200).await;
    idp.disable("cr-01").await;
    // The session is over at the provider: no new token.
    assert_eq!(
        idp.refresh(tokens.refresh.as_deref().unwrap())
            .await
            .unwrap_err(),
        "invalid_grant"
    );
    // And the last one ends with its lifetime.
    let disabled_at = std::time::Instant::now();
    eventually("the last token to lapse", 30, || async {
        me(&server, &tokens.access).await.status() == StatusCode::UNAUTHORIZED
    })
    .await;
    assert!(disabled_at.elapsed().as_secs() <= u64::from(ttl) + 2);
}

async fn a_decision_needs_a_multi_factor_login(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |auth| {
        auth.oidc.as_mut().unwrap().require_mfa_for =
            vec![GuardedAction::Decide, GuardedAction::ReadDetail];
    })
    .await
    else {
        return;
    };
    let case = server.planned_case(0, "jeugd", "cr-02").await;
    let request = server.request(case, "cr-02", "jeugdhulp", true).await;
    let id = request["id"].as_i64().unwrap();
    let decide = |token: String| {
        let server = &server;
        async move {
            let version = server.store.request(id).await.unwrap().unwrap().version;
            server
                .client
                .post(server.url(&format!("/api/v1/requests/{id}/decision")))
                .bearer_auth(token)
                .header("if-match", request_tag(id, version))
                .json(&json!({"decision": "approve"}))
                .send()
                .await
                .unwrap()
        }
    };
    // Password only: the boards yes, a decision or a case's history no.
    let password_only = idp.device_login(idp::PR_JEUGD_NO_MFA).await.access;
    expect(me(&server, &password_only).await, 200).await;
    expect(get(&server, &password_only, "/api/v1/sync").await, 200).await;
    let refused = decide(password_only.clone()).await;
    assert_eq!(
        refused.headers()["www-authenticate"],
        "Bearer error=\"insufficient_user_authentication\""
    );
    let problem = expect(refused, 403).await;
    assert_eq!(problem["type"], "urn:regiedesk:problem:mfa-required");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("meervoudige authenticatie vereist")
    );
    let problem = expect(
        get(&server, &password_only, &format!("/api/v1/cases/{case}")).await,
        403,
    )
    .await;
    assert_eq!(problem["type"], "urn:regiedesk:problem:mfa-required");
    assert_eq!(
        server
            .store
            .request(id)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "pending",
        "nothing was decided"
    );
    // With the one-time code: decided, and audited under the person.
    let mfa = idp.device_login(PR_JEUGD).await.access;
    expect(decide(mfa).await, 200).await;
    let entries = expect(server.get("fg", "/api/v1/audit?limit=500").await, 200).await;
    let entries = entries.as_array().unwrap();
    assert!(entries.iter().any(|e| {
        e["actor"] == "pr-jeugd"
            && e["result"] == "refused"
            && e["reason"]
                .as_str()
                .unwrap()
                .contains("zonder meervoudige authenticatie")
    }));
    assert!(
        entries
            .iter()
            .any(|e| e["actor"] == "pr-jeugd" && e["result"] == "ok" && e["request_id"] == id)
    );
}

async fn a_person_regiedesk_does_not_know_is_refused_and_audited(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |_| {}).await else {
        return;
    };
    let stranger = idp.device_login(ONBEKEND).await.access;
    let problem = expect(me(&server, &stranger).await, 403).await;
    assert_eq!(problem["type"], "urn:regiedesk:problem:unknown-person");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("functioneel beheerder")
    );
    let refused = refusals(&server).await;
    assert!(
        refused.iter().any(|e| e["actor"] == "onbekend"
            && e["reason"]
                .as_str()
                .unwrap()
                .contains("niet bekend bij regiedesk")),
        "{refused:#?}"
    );
    // An inactive member of staff, likewise, within the staff counter's
    // refresh.
    let cr = idp.device_login(CR_01).await.access;
    expect(me(&server, &cr).await, 200).await;
    let mut person = server.store.person("cr-01").await.unwrap().unwrap();
    person.active = false;
    server.store.put_person(&person).await.unwrap();
    eventually("the inactive person to be refused", 10, || async {
        me(&server, &cr).await.status() == StatusCode::FORBIDDEN
    })
    .await;
}

async fn service_only_refuses_a_persons_static_token(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |auth| {
        auth.static_tokens = StaticTokens::ServiceOnly;
    })
    .await
    else {
        return;
    };
    let problem = expect(server.get("pr-jeugd", "/api/v1/me").await, 401).await;
    assert_eq!(
        problem["type"],
        "urn:regiedesk:problem:static-token-disabled"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("regiedesk login")
    );
    // A service account's static token (an export job) still works.
    let hash = regiedesk::server::http::token_hash("export-job-secret");
    server.store.add_token("admin", &hash, true).await.unwrap();
    let who = expect(me(&server, "export-job-secret").await, 200).await;
    assert_eq!(who["login"], "admin");
    // And people log in through the provider.
    expect(me(&server, &idp.device_login(PM).await.access).await, 200).await;
}

async fn roles_follow_the_providers_groups_when_configured(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |auth| {
        let oidc = auth.oidc.as_mut().unwrap();
        oidc.groups_claim = Some("groups".into());
        oidc.group_roles = [(
            "rd-procesregie-jeugd".to_string(),
            regiedesk::domain::model::Role::ProcesregisseurDoorzettingsmacht,
        )]
        .into();
    })
    .await
    else {
        return;
    };
    let who = expect(
        me(&server, &idp.device_login(PR_JEUGD).await.access).await,
        200,
    )
    .await;
    assert_eq!(who["role"], "procesregisseur_doorzettingsmacht");
    let stored = server.store.person("pr-jeugd").await.unwrap().unwrap();
    assert_eq!(
        stored.role.as_str(),
        "procesregisseur_doorzettingsmacht",
        "the staff table follows"
    );
    // In no group that gives a role: refused.
    let problem = expect(
        me(&server, &idp.device_login(PR_VOLW).await.access).await,
        403,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("geen groep"));
}

macro_rules! both_stores_with_idp {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Postgres).await;
                }
            )+
        }
    };
}

both_stores_with_idp!(
    the_device_flow_logs_a_person_in_and_refresh_keeps_them_in,
    an_expired_token_is_refused,
    a_rotated_key_is_fetched_once_and_followed,
    tokens_that_try_to_get_past_the_server_are_refused,
    a_disabled_account_loses_access_within_one_token_lifetime,
    a_decision_needs_a_multi_factor_login,
    a_person_regiedesk_does_not_know_is_refused_and_audited,
    service_only_refuses_a_persons_static_token,
    roles_follow_the_providers_groups_when_configured,
);

/// Someone spends the interval's one read of the keys on a forged key id
/// just before the provider rotates: the real token that follows is told
/// to try again shortly (503, Retry-After), not to log in, and works once
/// the interval has passed.
async fn a_forged_key_id_before_a_rotation_delays_but_does_not_lock_out(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |auth| {
        auth.oidc.as_mut().unwrap().key_refresh_seconds = 20;
    })
    .await
    else {
        return;
    };
    let verifier = server.oidc.clone().unwrap();
    let tokens = idp.device_login(PR_JEUGD).await;
    let (mut header, payload, signature) = parts(&tokens.access);
    header["kid"] = json!("forged");
    let forged = format!("{}.{}.{signature}", encode(&header), encode(&payload));
    // The read after start may still be within the interval: send the
    // forged key id until it has made the server read the keys.
    let reads = verifier.key_fetches();
    eventually(
        "a read of the keys spent on a forged key id",
        40,
        || async {
            me(&server, &forged).await;
            verifier.key_fetches() > reads
        },
    )
    .await;
    idp.rotate().await;
    let rotated = idp
        .refresh(tokens.refresh.as_deref().unwrap())
        .await
        .unwrap();
    let response = me(&server, &rotated.access).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        let retry: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=21).contains(&retry), "{retry}");
        let problem = expect(response, 503).await;
        assert_eq!(problem["type"], "urn:regiedesk:problem:try-again");
    } else {
        // The machine was slow enough for the interval to pass.
        assert_eq!(response.status(), StatusCode::OK);
    }
    eventually("the rotated key to be read", 40, || async {
        me(&server, &rotated.access).await.status() == StatusCode::OK
    })
    .await;
}

/// A key the provider no longer publishes (withdrawn, compromised) stops
/// opening the server at the next regular read of the keys, also for a
/// token verified and cached before.
async fn a_withdrawn_key_is_no_longer_trusted(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |_| {}).await else {
        return;
    };
    let verifier = server.oidc.clone().unwrap();
    let old = idp.device_login(PR_JEUGD).await;
    expect(me(&server, &old.access).await, 200).await;
    // Two rotations: the provider publishes the two newest keys only.
    idp.rotate().await;
    idp.rotate().await;
    regiedesk::server::auth::oidc::OidcVerifier::keep_keys_fresh(
        &verifier,
        std::time::Duration::from_secs(1),
    );
    eventually("the withdrawn key to be refused", 30, || async {
        me(&server, &old.access).await.status() != StatusCode::OK
    })
    .await;
}

/// What a caller puts in a token's header never fills the audit log: the
/// refusal names what was wrong in a few fixed words, on one line.
async fn a_refusal_does_not_copy_the_callers_text(backend: Backend) {
    let Some((_idp, server)) = setup(backend, 300, |_| {}).await else {
        return;
    };
    let header = json!({"alg": format!("ZZZ{}\n2026-12-07 pm goedgekeurd", "A".repeat(50_000))});
    let token = format!("{}.e30.AAAA", encode(&header));
    let problem = expect(me(&server, &token).await, 401).await;
    assert!(problem["detail"].as_str().unwrap().len() < 200, "{problem}");
    let refused = refusals(&server).await;
    let last = refused.last().unwrap();
    let reason = last["reason"].as_str().unwrap();
    assert!(
        reason.len() <= 300 * 4 && !reason.contains('\n'),
        "{reason}"
    );
    assert!(!reason.contains("AAAAAAAAAA"), "{reason}");
}

/// Two Authorization headers are refused (a proxy could read the other
/// one); a token issued to another application is refused even when it
/// names regiedesk as its audience; a service account never logs in
/// through the provider.
async fn ambiguous_or_borrowed_tokens_are_refused(backend: Backend) {
    let Some((idp, server)) = setup(backend, 300, |_| {}).await else {
        return;
    };
    let real = idp.device_login(PM).await.access;
    let response = server
        .client
        .get(server.url("/api/v1/me"))
        .header("authorization", format!("Bearer {real}"))
        .header("authorization", "Bearer demo-pr-jeugd")
        .send()
        .await
        .unwrap();
    let problem = expect(response, 400).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Authorization")
    );
    // A lower-case scheme is the same scheme.
    let response = server
        .client
        .get(server.url("/api/v1/me"))
        .header("authorization", format!("bearer {real}"))
        .send()
        .await
        .unwrap();
    expect(response, 200).await;

    let borrowed = idp.other_app_token(Some(AUDIENCE)).await;
    assert_eq!(parts(&borrowed).1["aud"], AUDIENCE);
    let problem = expect(me(&server, &borrowed).await, 401).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("andere toepassing"),
        "{problem}"
    );

    // `pm` holds a service token: the provider's pm is not that account.
    let hash = regiedesk::server::http::token_hash("export-job-secret");
    server.store.add_token("pm", &hash, true).await.unwrap();
    eventually("the staff counter to reach the cache", 10, || async {
        me(&server, &real).await.status() == StatusCode::FORBIDDEN
    })
    .await;
    let problem = expect(me(&server, &real).await, 403).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("serviceaccount"),
        "{problem}"
    );
}

mod hardening {
    macro_rules! on_both {
        ($($name:ident),+) => {
            mod sqlite {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        super::super::$name(super::super::Backend::Sqlite).await;
                    }
                )+
            }
            mod postgres {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        super::super::$name(super::super::Backend::Postgres).await;
                    }
                )+
            }
        };
    }

    on_both!(
        a_forged_key_id_before_a_rotation_delays_but_does_not_lock_out,
        a_withdrawn_key_is_no_longer_trusted,
        a_refusal_does_not_copy_the_callers_text,
        ambiguous_or_borrowed_tokens_are_refused
    );
}
