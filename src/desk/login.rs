//! `regiedesk login` and `regiedesk logout`, and which proof of identity
//! the desk shows its server: a static token where one is given, else the
//! session `regiedesk login` kept.

use std::io::Write;

use anyhow::{Context, bail};

use crate::api::client::{ApiClient, Bearer, SessionBearer, Transport};
use crate::api::credentials::Credentials;
use crate::api::sso::{self, DeviceLogin};
use crate::config::Language;

/// The desk's proof of identity at `server`: `token` (from
/// `REGIEDESK_TOKEN` or the configuration) if given, else the session
/// of `regiedesk login`.
pub async fn bearer(
    server: &str,
    token: Option<String>,
    credentials: &Credentials,
    lang: Language,
) -> anyhow::Result<Bearer> {
    if let Some(token) = token {
        return Ok(Bearer::Static(token));
    }
    match credentials.load(server).await.map_err(anyhow::Error::msg)? {
        Some(session) => Ok(Bearer::Session(SessionBearer::new(
            session,
            Some(credentials.clone()),
        ))),
        None => bail!(
            "{}",
            match lang {
                Language::Nl => format!(
                    "niet aangemeld bij {server}: log in met `regiedesk login --server {server}`, \
                     of zet REGIEDESK_TOKEN (een token van de functioneel beheerder)"
                ),
                Language::En => format!(
                    "not logged in at {server}: log in with `regiedesk login --server {server}`, \
                     or set REGIEDESK_TOKEN (a token from the functioneel beheerder)"
                ),
            }
        ),
    }
}

/// What the person must do to approve a device login, in their language.
pub fn instructions(login: &DeviceLogin, lang: Language) -> String {
    let until = login
        .expires_at
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%H:%M");
    let complete = login
        .verification_uri_complete
        .as_deref()
        .map(|url| match lang {
            Language::Nl => format!("\n(of open direct {url})"),
            Language::En => format!("\n(or open {url} directly)"),
        })
        .unwrap_or_default();
    match lang {
        Language::Nl => format!(
            "Open {} in een browser en voer deze code in:\n\n    {}\n{complete}\nDe code verloopt om {until}. Wachten op goedkeuring…",
            login.verification_uri, login.user_code
        ),
        Language::En => format!(
            "Open {} in a browser and enter this code:\n\n    {}\n{complete}\nThe code expires at {until}. Waiting for approval…",
            login.verification_uri, login.user_code
        ),
    }
}

/// Whether a browser can be opened here: a desktop session, not a
/// terminal over ssh.
fn has_browser() -> bool {
    cfg!(any(target_os = "macos", target_os = "windows"))
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

/// `regiedesk login`: the device flow at the server's identity provider,
/// the tokens kept, and the server asked who that makes the user.
pub async fn login(
    server: &str,
    transport: &Transport,
    credentials: &Credentials,
    open_browser: bool,
    lang: Language,
) -> anyhow::Result<()> {
    crate::api::client::check_transport(server, transport.insecure_http)
        .map_err(anyhow::Error::msg)?;
    let device = sso::start_device_login(server).await?;
    println!("{}", instructions(&device, lang));
    std::io::stdout().flush()?;
    if open_browser && has_browser() {
        let url = device
            .verification_uri_complete
            .clone()
            .unwrap_or(device.verification_uri.clone());
        if let Err(error) = webbrowser::open(&url) {
            tracing::debug!(%error, "no browser opened");
        }
    }
    let session = device.finish().await?;
    let kept = credentials
        .save(&session)
        .await
        .map_err(anyhow::Error::msg)?;
    let client = ApiClient::for_desk(
        server,
        // Kept again if this first call renews it (a provider that rotates
        // refresh tokens accepts each one once).
        Bearer::Session(SessionBearer::new(session, Some(credentials.clone()))),
        transport,
    )?;
    let me = client.me().await.with_context(|| match lang {
        Language::Nl => {
            format!("ingelogd bij de identiteitsprovider, maar {server} laat u niet toe")
        }
        Language::En => {
            format!("logged in at the identity provider, but {server} does not let you in")
        }
    })?;
    match lang {
        Language::Nl => println!(
            "Ingelogd als {} ({}, {}) bij {server}; bewaard in {kept}.",
            me.person.display_name,
            me.person.login,
            me.person.role.label()
        ),
        Language::En => println!(
            "Logged in as {} ({}, {}) at {server}; kept in {kept}.",
            me.person.display_name, me.person.login, me.person.role
        ),
    }
    Ok(())
}

/// `regiedesk logout`: the session ended at the identity provider where
/// it can be, and the tokens forgotten here.
pub async fn logout(server: &str, credentials: &Credentials, lang: Language) -> anyhow::Result<()> {
    let session = credentials.load(server).await.map_err(anyhow::Error::msg)?;
    if let Some(session) = &session
        && let Err(error) = sso::revoke(session).await
    {
        tracing::warn!(%error, "session not revoked at the identity provider");
    }
    let forgot = credentials
        .forget(server)
        .await
        .map_err(anyhow::Error::msg)?;
    println!(
        "{}",
        match (forgot, lang) {
            (true, Language::Nl) => format!("Uitgelogd bij {server}: de tokens zijn vergeten."),
            (true, Language::En) => format!("Logged out of {server}: the tokens are forgotten."),
            (false, Language::Nl) => format!("U was niet ingelogd bij {server}."),
            (false, Language::En) => format!("You were not logged in at {server}."),
        }
    );
    Ok(())
}
