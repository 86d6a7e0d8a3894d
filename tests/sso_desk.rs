//! `regiedesk login` and the desk in tmux against a real identity
//! provider (`tests/oidc/provider.mjs`) and `serve --demo` with
//! `[auth.oidc]`: the person approves the device login at the provider's
//! pages, works the desk, decides a request (audited under their login);
//! the account is disabled at the provider and the desk loses access
//! within one token lifetime, its data still on screen with a clear
//! message; `Ctrl-L` inside a dialog logs in again and the typed reason
//! is still there to send.

#[path = "support/idp.rs"]
mod idp;
#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use idp::{Idp, PR_JEUGD};
use serde_json::{Value, json};
use tmux::{Tmux, first_on_screen, tmux_missing};

const BIN: &str = env!("CARGO_BIN_EXE_regiedesk");
/// Access tokens live this long: the desk must lose access within it.
const TOKEN_SECONDS: u32 = 10;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn serve(config: &Path, dir: &Path, port: u16) -> Server {
    let server = Server(
        Command::new(BIN)
            .args(["--config", &config.display().to_string()])
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(format!("sqlite://{}", dir.join("demo.db").display()))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("server.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let health = format!("http://127.0.0.1:{port}/healthz");
    let deadline = Instant::now() + Duration::from_secs(120);
    while reqwest::get(&health).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server
}

/// The audit log as the privacyfunctionaris's static demo token reads it.
async fn audit(port: u16) -> Vec<Value> {
    reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/v1/audit?limit=200"))
        .bearer_auth("demo-fg")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The device login's URL with the code, as the terminal shows it.
fn verification_url(screen: &str, issuer: &str) -> String {
    let start = screen
        .find(&format!("{issuer}/device?user_code="))
        .expect("the URL with the code on screen");
    screen[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_logs_in_works_the_desk_and_loses_access_when_disabled() {
    if tmux_missing() {
        return;
    }
    let Some(idp) = Idp::start(TOKEN_SECONDS) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = dir.path().join("regiedesk.toml");
    std::fs::write(
        &config,
        format!(
            "[desk]\nserver = \"http://127.0.0.1:{port}\"\npoll_interval_seconds = 1\n\
             notifications = false\ncredential_store = \"file\"\n\n\
             [auth.oidc]\nissuer = \"{issuer}\"\naudience = \"{audience}\"\n\
             clock_skew_seconds = 0\nrequire_mfa_for = [\"decide\"]\n",
            issuer = idp.issuer,
            audience = idp::AUDIENCE,
        ),
    )
    .unwrap();
    let _server = serve(&config, dir.path(), port).await;

    // `regiedesk login` in the terminal, then the desk in the same one.
    let env = format!(
        "env XDG_DATA_HOME={data} REGIEDESK_LOG={log} TERM=xterm-256color",
        data = dir.path().join("data").display(),
        log = dir.path().join("desk.log").display(),
    );
    let config = config.display();
    let tmux = Tmux::start(
        format!("regiedesk-sso-{}", std::process::id()),
        &format!(
            "{env} {BIN} --config {config} login --no-browser; \
             {env} {BIN} --config {config}; sleep 60"
        ),
    );
    let screen = tmux.wait_for("Wachten op goedkeuring", 30).await;
    let url = verification_url(&screen, &idp.issuer);
    let approved = Instant::now();
    idp.approve(&url, PR_JEUGD).await;
    tmux.wait_until("the first board with data", 60, |s| {
        s.contains("● sync") && s.contains("KST-")
    })
    .await;
    eprintln!(
        "login approved → first board with data: {:.1} s",
        approved.elapsed().as_secs_f64()
    );
    // The tokens are kept where only this user reads them.
    let kept = std::fs::read_dir(dir.path().join("data/regiedesk/credentials"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // Decide the first request on Mandaat, as this person: reject it,
    // which (unlike approving) does not depend on the demo's random plan.
    tmux.keys(&["3"]);
    let screen = tmux.wait_for("Mandaat ·", 10).await;
    let request = first_on_screen(&screen, "AV-");
    tmux.keys(&["r"]);
    tmux.wait_for("Aanvraag afwijzen", 10).await;
    tmux.text("past niet in het gezinsplan");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{request} afgewezen"), 60).await;
    let entries = audit(port).await;
    assert!(
        entries.iter().any(|e| e["actor"] == "pr-jeugd"
            && e["action"] == "request.decide"
            && e["result"] == "ok"),
        "the decision is audited under the person's login: {entries:#?}"
    );

    // The account is disabled at the provider: within one token
    // lifetime the desk has no access, keeps its data and says so.
    idp.disable("pr-jeugd").await;
    let disabled = Instant::now();
    let screen = tmux
        .wait_for("sessie verlopen", u64::from(TOKEN_SECONDS) + 30)
        .await;
    let lost_after = disabled.elapsed();
    // Within one lifetime, plus a poll and a frame (a loaded machine).
    assert!(
        lost_after <= Duration::from_secs(u64::from(TOKEN_SECONDS) + 5),
        "access lost after {lost_after:?}, token lifetime {TOKEN_SECONDS} s"
    );
    assert!(
        screen.contains("druk L om opnieuw in te loggen"),
        "{screen}"
    );
    assert!(
        screen.contains("AV-"),
        "the data stays on screen:\n{screen}"
    );

    // Back in service: a reason typed in a dialog survives a new login.
    idp.enable("pr-jeugd").await;
    let screen = tmux.screen();
    let request = first_on_screen(&screen, "AV-");
    tmux.keys(&["r"]);
    tmux.wait_for("Aanvraag afwijzen", 10).await;
    tmux.text("geen indicatie voor jeugdhulp");
    tmux.keys(&["C-l"]);
    let screen = tmux.wait_for("Opnieuw inloggen", 10).await;
    let screen = if screen.contains("user_code=") {
        screen
    } else {
        tmux.wait_for("user_code=", 30).await
    };
    idp.approve(&verification_url(&screen, &idp.issuer), PR_JEUGD)
        .await;
    let screen = tmux
        .wait_until("the login overlay to close", 30, |s| {
            !s.contains("Opnieuw inloggen") && s.contains("● sync")
        })
        .await;
    assert!(
        screen.contains("geen indicatie voor jeugdhulp"),
        "the typed reason stays:\n{screen}"
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{request} afgewezen"), 60).await;
    // Both decisions are on record under the person, with their outcome;
    // the typed reason stays out of the audit log (it is in the history).
    let decided = audit(port)
        .await
        .into_iter()
        .filter(|e| e["actor"] == "pr-jeugd" && e["action"] == "request.decide")
        .map(|e| e["reason"].clone())
        .collect::<Vec<_>>();
    assert_eq!(decided, [json!("rejected"), json!("rejected")]);

    // `regiedesk logout`: the refresh token is revoked at the provider and
    // the kept tokens are gone.
    tmux.keys(&["q"]);
    let kept_session: Value =
        serde_json::from_str(&std::fs::read_to_string(&kept).unwrap()).unwrap();
    let refresh = kept_session["refresh_token"].as_str().unwrap().to_string();
    let output = Command::new(BIN)
        .args(["--config", &config.to_string(), "logout"])
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("REGIEDESK_LOG", dir.path().join("logout.log"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("Uitgelogd"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(!kept.exists(), "the kept tokens are forgotten");
    assert_eq!(idp.refresh(&refresh).await.unwrap_err(), "invalid_grant");
}
