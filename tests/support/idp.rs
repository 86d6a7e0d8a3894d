//! A real OpenID Connect provider for the tests: `tests/oidc/provider.mjs`
//! (oidc-provider on Node.js), one per test on a free loopback port, and
//! a person at its pages: the device flow's verification page and its
//! login form, played through real HTTP with cookies, as a browser would.
//!
//! Needs `node` and `npm ci --prefix tests/oidc` (`.ci/run` does both);
//! without them a test says it is skipped, and under CI=true it fails.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The provider's users (see provider.mjs): login, password, one-time code.
pub const PR_JEUGD: (&str, &str, Option<&str>) =
    ("pr-jeugd", "wachtwoord-pr-jeugd", Some("246810"));
pub const PR_JEUGD_NO_MFA: (&str, &str, Option<&str>) = ("pr-jeugd", "wachtwoord-pr-jeugd", None);
pub const PR_VOLW: (&str, &str, Option<&str>) = ("pr-volw", "wachtwoord-pr-volw", None);
pub const CR_01: (&str, &str, Option<&str>) = ("cr-01", "wachtwoord-cr-01", Some("135790"));
pub const PM: (&str, &str, Option<&str>) = ("pm", "wachtwoord-pm", Some("112233"));
pub const ONBEKEND: (&str, &str, Option<&str>) =
    ("onbekend", "wachtwoord-onbekend", Some("000000"));
pub const AUDIENCE: &str = "urn:regiedesk:api";
pub const DESK_CLIENT: &str = "regiedesk-desk";

pub struct Idp {
    pub issuer: String,
    child: Child,
    http: reqwest::Client,
}

/// The token endpoint's answer.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: Option<String>,
}

impl Idp {
    /// Starts a provider whose access tokens live `access_ttl` seconds;
    /// `None` (skipped) where Node.js or the provider is not installed,
    /// which under CI=true is a failure.
    pub fn start(access_ttl: u32) -> Option<Idp> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc");
        let installed = std::path::Path::new(dir)
            .join("node_modules/oidc-provider")
            .exists();
        let node = Command::new("node").arg("--version").output().is_ok();
        if !(installed && node) {
            let why = if node {
                "the test identity provider is not installed (npm ci --prefix tests/oidc)"
            } else {
                "Node.js is not installed"
            };
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{why}, and under CI=true the single sign-on tests must run");
            }
            eprintln!("skipping: {why}");
            return None;
        }
        let mut child = Command::new("node")
            .arg(format!("{dir}/provider.mjs"))
            .args(["--port", "0", "--access-ttl", &access_ttl.to_string()])
            // The provider ends when its stdin closes: with this test.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout
            .read_line(&mut line)
            .expect("the provider says where it listens");
        // Whatever it prints later must not meet a closed pipe (EPIPE
        // ends a Node process).
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let started: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("the provider did not start: {line:?}"));
        Some(Idp {
            issuer: started["issuer"].as_str().unwrap().to_string(),
            child,
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// The whole device flow for the desk's client, the person approving
    /// at the provider's pages: the tokens the desk would get.
    pub async fn device_login(&self, user: (&str, &str, Option<&str>)) -> Tokens {
        let started: Value = self
            .http
            .post(self.url("/device/auth"))
            .form(&[
                ("client_id", DESK_CLIENT),
                ("scope", "openid profile offline_access"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let complete = started["verification_uri_complete"].as_str().unwrap();
        self.approve(complete, user).await;
        let device_code = started["device_code"].as_str().unwrap();
        self.token(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code),
            ("client_id", DESK_CLIENT),
        ])
        .await
        .expect("the device code gives tokens once approved")
    }

    /// A person at `verification_uri_complete` in a browser of their own:
    /// confirms the code and logs in (with the one-time code, if given).
    pub async fn approve(&self, verification_uri_complete: &str, user: (&str, &str, Option<&str>)) {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        // The page submits the code by itself (a script); so do we.
        let page = browser
            .get(verification_uri_complete)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let code = hidden(&page, "user_code").expect("the code on the page");
        let page = browser
            .post(self.url("/device"))
            .form(&[
                ("xsrf", hidden(&page, "xsrf").unwrap()),
                ("user_code", code.clone()),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Confirm Device"), "{page}");
        let login = browser
            .post(self.url("/device"))
            .form(&[
                ("xsrf", hidden(&page, "xsrf").unwrap()),
                ("user_code", code),
                ("confirm", "yes".into()),
            ])
            .send()
            .await
            .unwrap();
        let form = login.url().path().to_string();
        assert!(form.starts_with("/interaction/"), "the login page: {form}");
        let (name, password, otp) = user;
        let done = browser
            .post(self.url(&form))
            .form(&[
                ("login", name),
                ("password", password),
                ("otp", otp.unwrap_or("")),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(done.contains("Sign-in Success"), "{done}");
    }

    /// A refresh, as the desk makes it.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, String> {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", DESK_CLIENT),
        ])
        .await
    }

    /// A token of the other client: meant for another API, or, with a
    /// `resource`, naming that as its audience though issued to another
    /// application.
    pub async fn other_app_token(&self, resource: Option<&str>) -> String {
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", "other-app"),
            ("client_secret", "other-app-secret"),
            ("scope", "api"),
        ];
        if let Some(resource) = resource {
            form.push(("resource", resource));
        }
        self.token(&form).await.unwrap().access
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<Tokens, String> {
        let response = self
            .http
            .post(self.url("/token"))
            .form(form)
            .send()
            .await
            .unwrap();
        let ok = response.status().is_success();
        let body: Value = response.json().await.unwrap();
        if !ok {
            return Err(body["error"].as_str().unwrap_or("?").to_string());
        }
        Ok(Tokens {
            access: body["access_token"].as_str().unwrap().to_string(),
            refresh: body["refresh_token"].as_str().map(String::from),
        })
    }

    /// The account is disabled at the provider (someone left).
    pub async fn disable(&self, login: &str) {
        self.control(&format!("/__test/disable/{login}")).await;
    }

    /// The account is enabled again.
    pub async fn enable(&self, login: &str) {
        self.control(&format!("/__test/enable/{login}")).await;
    }

    /// The provider signs with a new key from now on (the old one stays
    /// published beside it). Returns the new key's id.
    pub async fn rotate(&self) -> String {
        let body = self.control("/__test/rotate").await;
        serde_json::from_str::<Value>(&body).unwrap()["kid"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn control(&self, path: &str) -> String {
        let response = self.http.post(self.url(path)).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.text().await.unwrap()
    }

    /// The provider's published keys.
    pub async fn jwks(&self) -> Value {
        self.http
            .get(self.url("/jwks"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of the hidden input `name` in a page.
pub fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    let end = page[start..].find('"')? + start;
    Some(page[start..end].to_string())
}

/// Polls `check` until it holds, for at most `seconds`.
pub async fn eventually<F, Fut>(what: &str, seconds: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check().await {
        assert!(Instant::now() < deadline, "waited {seconds} s for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
