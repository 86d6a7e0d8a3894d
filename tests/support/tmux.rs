//! Driving the desk in tmux: a tmux server of the test's own, keys sent
//! with `send-keys`, the screen read with `capture-pane`, and waits for a
//! state of the screen (bounded), never for a fixed time.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of its own, so the test never touches the user's.
pub struct Tmux {
    pub socket: String,
}

impl Tmux {
    /// A tmux server named `socket` with one window `desk` of 160x48
    /// running `command` (a shell line).
    pub fn start(socket: String, command: &str) -> Tmux {
        let tmux = Tmux { socket };
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "desk",
            "-x",
            "160",
            "-y",
            "48",
            command,
        ]);
        tmux
    }

    pub fn run(&self, args: &[&str]) -> String {
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

    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "desk", key]);
            // Separate keys, as a person types them (and so that Esc and a
            // letter do not read as Alt-letter).
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    pub fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", "desk", "-l", text]);
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "desk"])
    }

    pub async fn wait_for(&self, what: &str, seconds: u64) -> String {
        self.wait_until(what, seconds, |s| s.contains(what)).await
    }

    pub async fn wait_until(&self, what: &str, seconds: u64, ok: impl Fn(&str) -> bool) -> String {
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
pub fn first_on_screen(screen: &str, prefix: &str) -> String {
    screen
        .lines()
        .find_map(|line| {
            line.split(|c: char| c.is_whitespace() || c == '│')
                .find(|w| w.starts_with(prefix) && w.len() > prefix.len() + 4)
        })
        .unwrap_or_else(|| panic!("no {prefix} on screen:\n{screen}"))
        .to_string()
}

/// Whether tmux is there to drive the desk; without it the test is
/// skipped, except in CI.
pub fn tmux_missing() -> bool {
    if Command::new("tmux").arg("-V").output().is_ok() {
        return false;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "tmux is required in CI (.ci/run installs it)"
    );
    eprintln!("skipped: tmux is not installed");
    true
}

/// The table row that starts with `number`, if one is on screen (not the
/// filter in the board's title, nor the detail pane beside the table).
pub fn row_of<'a>(screen: &'a str, number: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|line| line.trim_start_matches(['│', ' ']).starts_with(number))
}

/// Filters the board down to the row of `number` (an exact match, `'`),
/// after clearing the filter there was, and waits until it is shown.
pub async fn show_only(tmux: &Tmux, number: &str) -> String {
    const PROMPT: &str = "typ om te filteren";
    // Esc in the filter clears it. Each key waits for its effect, so Esc
    // and the next key never reach the desk together (as Alt-key).
    tmux.keys(&["/"]);
    tmux.wait_for(PROMPT, 10).await;
    tmux.keys(&["Escape"]);
    tmux.wait_until("the filter cleared", 10, |s| !s.contains(PROMPT))
        .await;
    tmux.keys(&["/"]);
    tmux.wait_for(PROMPT, 10).await;
    tmux.text(&format!("'{number}"));
    tmux.wait_for(&format!("filter: '{number}"), 10).await;
    tmux.keys(&["Enter"]);
    tmux.wait_until(&format!("only {number} on the board"), 10, |s| {
        !s.contains(PROMPT) && row_of(s, number).is_some()
    })
    .await
}
