//! The demo server and a desk in tmux, for the end-to-end tests: each
//! test binary that uses it declares `mod tmux` beside it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::tmux::Tmux;

pub const BIN: &str = env!("CARGO_BIN_EXE_regiedesk");
pub const NOW: &str = "2026-11-24T13:30:00Z";

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Server(Child);

impl Server {
    /// `serve --demo` on a SQLite file: seeded first when `seed`, else
    /// kept as it is (`--keep`, with what the desk changed).
    async fn start(db: &Path, port: u16, seed: bool, log: &Path, now: &str) -> Server {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(format!("sqlite://{}", db.display()))
            .env("REGIEDESK_NOW", now)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap());
        command.arg("--demo");
        if !seed {
            command.arg("--keep");
        }
        let server = Server(command.spawn().unwrap());
        let health = format!("http://127.0.0.1:{port}/healthz");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while client.get(&health).send().await.is_err() {
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        server
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn api(port: u16, login: &str, path: &str) -> Value {
    reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}{path}"))
        .bearer_auth(format!("demo-{login}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Everything pr-jeugd sees, all sync pages followed.
pub async fn everything(port: u16) -> (Vec<Value>, Vec<Value>) {
    let (mut cases, mut requests) = (Vec::new(), Vec::new());
    let mut cursor = String::new();
    loop {
        let page = api(port, "pr-jeugd", &format!("/api/v1/sync?since={cursor}")).await;
        cases.extend(page["cases"].as_array().unwrap().iter().cloned());
        requests.extend(page["requests"].as_array().unwrap().iter().cloned());
        cursor = page["cursor"].as_str().unwrap().to_string();
        if page["has_more"] != true {
            return (cases, requests);
        }
    }
}

/// The desk of `login` in a tmux window of 160x48, against a server on a
/// free port that is not started yet, with its files in a directory of its
/// own. `name` keeps the tmux servers of tests running side by side apart.
pub struct Desk {
    pub tmux: Tmux,
    pub port: u16,
    /// What `stty -a` says once the desk has quit.
    stty: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Desk {
    pub fn open(name: &str, login: &str) -> Desk {
        Desk::open_at(name, login, NOW, tempfile::tempdir().unwrap(), free_port())
    }

    /// The desk of `login` at the moment `now`, with its files in `dir`
    /// and its server on `port` (another desk's, to share its server).
    pub fn open_at(name: &str, login: &str, now: &str, dir: tempfile::TempDir, port: u16) -> Desk {
        let config = dir.path().join("regiedesk.toml");
        std::fs::write(
            &config,
            "[desk]\npoll_interval_seconds = 1\nnotifications = false\n",
        )
        .unwrap();
        let stty: PathBuf = dir.path().join("stty-after-quit.txt");
        let command = format!(
            "env REGIEDESK_TOKEN=demo-{login} REGIEDESK_NOW={now} REGIEDESK_LOG={log} TERM=xterm-256color \
             {BIN} --config {config} --server http://127.0.0.1:{port}; stty -a > {stty}; sleep 60",
            log = dir.path().join("desk.log").display(),
            config = config.display(),
            stty = stty.display(),
        );
        let tmux = Tmux::start(
            format!("regiedesk-e2e-{name}-{}", std::process::id()),
            &command,
        );
        Desk {
            tmux,
            port,
            stty,
            dir,
        }
    }

    /// `serve --demo` for this desk, seeded anew or kept as it was.
    pub async fn serve(&self, seed: bool) -> Server {
        self.serve_at(seed, NOW).await
    }

    /// The same, with the server's clock at `now`: kept data seen later.
    pub async fn serve_at(&self, seed: bool, now: &str) -> Server {
        let dir = self.dir.path();
        Server::start(
            &dir.join("demo.db"),
            self.port,
            seed,
            &dir.join("server.log"),
            now,
        )
        .await
    }

    /// Waits for the first sync with data: the header's "● sync" time
    /// with rows on the board, not just the board's title, which is drawn
    /// before the data.
    pub async fn synced(&self) {
        self.tmux
            .wait_until("the first sync with data", 60, |s| {
                s.contains("● sync") && s.contains("KST-")
            })
            .await;
    }

    /// `q` quits and leaves the terminal as it found it.
    pub async fn quit(&self) {
        self.tmux.keys(&["q"]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.stty.exists() || std::fs::read_to_string(&self.stty).unwrap().is_empty() {
            assert!(Instant::now() < deadline, "the desk did not quit");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let modes = std::fs::read_to_string(&self.stty).unwrap();
        let words: Vec<&str> = modes.split_whitespace().collect();
        for mode in ["icanon", "echo", "isig"] {
            assert!(words.contains(&mode), "terminal left in raw mode: {modes}");
        }
    }
}
