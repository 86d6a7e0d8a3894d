//! Notifications against a real notification daemon: dunst on a virtual X
//! display inside its own D-Bus session, with a dunst rule that writes
//! every notification it receives to a file.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_regiedesk");

fn installed(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tools_present() -> bool {
    let missing: Vec<&str> = ["dunst", "Xvfb", "dbus-run-session", "dbus-send"]
        .into_iter()
        .filter(|p| !installed(p))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI needs {missing:?} (.ci/run installs dunst, xvfb and dbus)"
    );
    eprintln!("skipped: {missing:?} not installed");
    false
}

/// Runs `script` in a fresh D-Bus session with dunst on a virtual display.
fn with_dunst(dir: &Path, script: &str) -> std::process::Output {
    let received = dir.join("received.txt");
    let logger = dir.join("log.sh");
    std::fs::write(
        &logger,
        format!(
            "#!/bin/sh\nprintf '%s|%s|%s\\n' \"$1\" \"$2\" \"$3\" >> {}\n",
            received.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&logger)
        .status()
        .unwrap();
    let rc = dir.join("dunstrc");
    std::fs::write(
        &rc,
        format!(
            "[global]\n    monitor = 0\n[log]\n    summary = \"*\"\n    script = {}\n",
            logger.display()
        ),
    )
    .unwrap();
    let display = format!(":{}", 90 + std::process::id() % 500);
    let session = format!(
        r#"Xvfb {display} -screen 0 800x600x24 -nolisten tcp >/dev/null 2>&1 & X=$!
export DISPLAY={display}
for i in $(seq 50); do [ -e /tmp/.X11-unix/X{n} ] && break; sleep 0.1; done
dunst -config {rc} >/dev/null 2>&1 & D=$!
for i in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q true && break
  sleep 0.1
done
{script}
status=$?
sleep 1
kill $D $X 2>/dev/null
exit $status"#,
        n = display.trim_start_matches(':'),
        rc = rc.display(),
    );
    Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &session])
        .output()
        .unwrap()
}

#[test]
fn a_notification_reaches_a_real_daemon_with_numbers_only() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = with_dunst(dir.path(), &format!("{BIN} notify-check"));
    assert!(
        output.status.success(),
        "notify-check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let received = std::fs::read_to_string(dir.path().join("received.txt"))
        .expect("dunst received a notification");
    assert_eq!(
        received.trim(),
        "regiedesk|regiedesk: 1 nieuw signaal (test)|1 nieuw stagnerend: KST-2026-0001"
    );
}

#[test]
fn without_a_daemon_the_check_says_so_plainly() {
    let output = Command::new(BIN)
        .arg("notify-check")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/regiedesk-test-bus",
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("regiedesk: er kwam geen melding op het bureaublad aan"),
        "{stderr}"
    );
}
