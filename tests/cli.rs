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
    assert!(stdout(&ok).contains("intact: 6 entries"), "{}", stdout(&ok));

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
        stdout(&broken).contains("entry 4 was altered"),
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
    assert!(
        put.status.success(),
        "{}",
        String::from_utf8_lossy(&put.stderr)
    );
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
    let person = store
        .person_by_token(&regiedesk::server::http::token_hash(&token))
        .await
        .unwrap()
        .expect("the token identifies its login");
    assert_eq!(person.login, "pr-x");
    assert!(
        store
            .person_by_token(&regiedesk::server::http::token_hash("demo-pr-x"))
            .await
            .unwrap()
            .is_none()
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
