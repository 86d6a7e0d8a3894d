//! The whole program as a user works it, in tmux: the demo server, the
//! desk, keys sent with `send-keys`, the screen read with `capture-pane`,
//! and the API asked afterwards whether it really happened.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_regiedesk");
const NOW: &str = "2026-11-24T13:30:00Z";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(Child);

impl Server {
    /// `serve --demo` on a SQLite file: seeded first when `seed`, else
    /// kept as it is (`--keep`, with what the desk changed).
    async fn start(db: &Path, port: u16, seed: bool, log: &Path) -> Server {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(format!("sqlite://{}", db.display()))
            .env("REGIEDESK_NOW", NOW)
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

/// A tmux server of its own, so the test never touches the user's.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed");
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "desk", key]);
            // Separate keys, as a person types them (and so that Esc and a
            // letter do not read as Alt-letter).
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", "desk", "-l", text]);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "desk"])
    }

    async fn wait_for(&self, what: &str, seconds: u64) -> String {
        self.wait_until(what, seconds, |s| s.contains(what)).await
    }

    async fn wait_until(&self, what: &str, seconds: u64, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited {seconds} s for {what}; the screen:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The first word starting with `prefix` on the first table row that has one.
fn first_on_screen(screen: &str, prefix: &str) -> String {
    screen
        .lines()
        .find_map(|line| {
            line.split(|c: char| c.is_whitespace() || c == '│')
                .find(|w| w.starts_with(prefix) && w.len() > prefix.len() + 4)
        })
        .unwrap_or_else(|| panic!("no {prefix} on screen:\n{screen}"))
        .to_string()
}

async fn api(port: u16, login: &str, path: &str) -> Value {
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
async fn everything(port: u16) -> (Vec<Value>, Vec<Value>) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_procesregisseur_works_the_desk_in_a_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tmux is required in CI (.ci/run installs it)"
        );
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let port = free_port();
    let server_log = dir.path().join("server.log");

    let config = dir.path().join("regiedesk.toml");
    std::fs::write(
        &config,
        "[desk]\npoll_interval_seconds = 1\nnotifications = false\n",
    )
    .unwrap();
    let stty: PathBuf = dir.path().join("stty-after-quit.txt");
    let command = format!(
        "env REGIEDESK_TOKEN=demo-pr-jeugd REGIEDESK_NOW={NOW} REGIEDESK_LOG={log} TERM=xterm-256color \
         {BIN} --config {config} --server http://127.0.0.1:{port}; stty -a > {stty}; sleep 60",
        log = dir.path().join("desk.log").display(),
        config = config.display(),
        stty = stty.display(),
    );
    let tmux = Tmux {
        socket: format!("regiedesk-e2e-{}", std::process::id()),
    };
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "desk",
        "-x",
        "160",
        "-y",
        "48",
        &command,
    ]);
    // Nothing listens yet: the desk opens anyway, says so and keeps trying.
    tmux.wait_for("Geen verbinding met de server", 30).await;
    let server = Server::start(&db, port, true, &server_log).await;
    // Loaded means synced (the header's "● sync" time) with rows on the
    // board, not just the board's title, which is drawn before the data.
    tmux.wait_until("the first sync with data", 60, |s| {
        s.contains("● sync") && s.contains("KST-")
    })
    .await;

    // Approve a request from the Mandaat board with `a`.
    tmux.keys(&["3"]);
    let screen = tmux
        .wait_until("requests on Mandaat", 10, |s| {
            s.contains("Mandaat ·") && s.contains("AV-")
        })
        .await;
    let number = first_on_screen(&screen, "AV-");
    tmux.keys(&["a"]);
    tmux.wait_for("Aanvraag toekennen", 5).await;
    tmux.text("akkoord, past in het plan");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{number} toegekend"), 10).await;
    let (cases, requests) = everything(port).await;
    let request = requests
        .iter()
        .find(|r| r["number"] == number.as_str())
        .unwrap()
        .clone();
    assert_eq!(request["status"], "approved");
    assert_eq!(request["decided_by"], "pr-jeugd");
    assert_eq!(request["reason"], "akkoord, past in het plan");

    // Reassign the worst stagnant case with `t`.
    tmux.keys(&["2"]);
    let screen = tmux
        .wait_until("cases on Stagnatie", 10, |s| {
            s.contains("Stagnatie ·") && s.contains("KST-")
        })
        .await;
    let case_number = first_on_screen(&screen, "KST-");
    let before = cases
        .iter()
        .find(|c| c["number"] == case_number.as_str())
        .unwrap()
        .clone();
    tmux.keys(&["t"]);
    tmux.wait_for("Kies de nieuwe casusregisseur", 5).await;
    tmux.keys(&["Enter"]);
    tmux.wait_for("Reden", 5).await;
    tmux.text("werkvoorraad verdeeld");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{case_number} herverdeeld naar"), 10)
        .await;
    let case: Value = api(port, "pr-jeugd", &format!("/api/v1/cases/{}", before["id"])).await;
    assert_ne!(case["case"]["casusregisseur"], before["casusregisseur"]);
    // The worst case may be a referral nobody held yet: then it is a
    // first assignment (with the reason given all the same).
    let kind = if before["casusregisseur"].is_null() {
        "assigned"
    } else {
        "reassigned"
    };
    assert!(
        case["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == kind && e["note"] == "werkvoorraad verdeeld"),
        "{kind}: {case}"
    );
    // Both changes are in the audit log.
    let audit = api(port, "pm", "/api/v1/audit").await;
    let actions: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "pr-jeugd")
        .map(|e| (e["action"].as_str().unwrap(), e["result"].as_str().unwrap()))
        .collect();
    assert!(
        actions.iter().any(|(a, _)| a.contains("decide")),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|(a, _)| a.contains("assign")),
        "{actions:?}"
    );

    // The server goes away: the banner says so and the data stays.
    drop(server);
    let screen = tmux.wait_for("verbinding", 20).await;
    assert!(
        screen.contains(&case_number),
        "the last data stays on screen"
    );
    // It comes back (same database, no reseed): the banner goes by itself.
    let _server = Server::start(&db, port, false, &server_log).await;
    tmux.wait_until("the banner to go", 40, |s| {
        !s.contains("verbinding") && s.contains("Stagnatie ·")
    })
    .await;

    // `:` and a number goes to that case, wherever the cursor was.
    tmux.keys(&["G", ":"]);
    let digits = case_number.rsplit('-').next().unwrap().to_string();
    tmux.text(&digits);
    tmux.wait_for(&format!("zaak {case_number}"), 5).await;
    tmux.keys(&["Enter"]);
    tmux.wait_until("the case selected with its pane", 10, |s| {
        s.contains(&format!("┌ {case_number} ·"))
    })
    .await;

    // Back to the board (the case may have opened its history when it
    // is on no board any more).
    tmux.keys(&["Escape"]);

    // The Waakvlam board: record the overdue follow-up with a concern;
    // the household's new case appears on Caseload, unassigned.
    tmux.keys(&["6"]);
    let screen = tmux
        .wait_until("follow-ups on Waakvlam", 10, |s| {
            s.contains("Waakvlam ·") && s.contains("KST-") && s.contains("Nacontact")
        })
        .await;
    let followed = first_on_screen(&screen, "KST-");
    tmux.keys(&["f"]);
    tmux.wait_for("Waakvlam: nacontact", 5).await;
    tmux.keys(&["Tab"]);
    tmux.wait_for("(verplicht)", 5).await;
    tmux.text("school meldt verzuim");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{followed} nacontact vastgelegd"), 10)
        .await;
    let (cases, _) = everything(port).await;
    let old = cases
        .iter()
        .find(|c| c["number"] == followed.as_str())
        .unwrap()
        .clone();
    assert_eq!(old["status"], "closed");
    assert_eq!(old["follow_up_result"], "concern");
    let new = cases
        .iter()
        .find(|c| c["id"] == old["follow_up_case_id"])
        .expect("the new case is in the sync")
        .clone();
    assert_eq!(
        (&new["status"], &new["source"], &new["follows_case_id"]),
        (&json!("referred"), &json!("waakvlam"), &old["id"])
    );
    let new_number = new["number"].as_str().unwrap().to_string();
    // Caseload's first row is the unassigned referrals; Enter lists them.
    tmux.keys(&["1", "g", "Enter"]);
    tmux.wait_until("the new case among the unassigned", 10, |s| {
        s.contains(&new_number)
    })
    .await;
    tmux.keys(&["Escape"]);

    // `q` quits and leaves the terminal as it found it.
    tmux.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !stty.exists() || std::fs::read_to_string(&stty).unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the desk did not quit");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let modes = std::fs::read_to_string(&stty).unwrap();
    let words: Vec<&str> = modes.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(words.contains(&mode), "terminal left in raw mode: {modes}");
    }
}
