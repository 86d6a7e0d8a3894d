//! Several cases at once and a note of one's own, as a procesregisseur
//! works them in tmux against the demo server, with the API asked
//! afterwards whether it really happened.

use serde_json::Value;

#[path = "support/e2e_desk.rs"]
mod e2e_desk;
#[path = "support/tmux.rs"]
mod tmux;
use e2e_desk::{Desk, api, everything};
use tmux::tmux_missing;

/// The case numbers in the bulk dialog's rows, with the row's text.
fn dialog_rows(screen: &str) -> Vec<(String, String)> {
    screen
        .lines()
        .filter_map(|line| {
            let at = line.find("│ KST-")?;
            let row = &line[at + "│ ".len()..];
            let number: String = row.chars().take(13).collect();
            Some((number, row.to_string()))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_procesregisseur_reassigns_marked_cases_and_keeps_a_reminder_in_a_terminal() {
    if tmux_missing() {
        return;
    }
    let desk = Desk::open("bulk", "pr-jeugd");
    let (tmux, port) = (&desk.tmux, desk.port);
    let _server = desk.serve(true).await;
    desk.synced().await;
    let page = api(port, "pr-jeugd", "/api/v1/sync").await;
    let name_of = |login: &str| -> String {
        page["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["login"] == login)
            .map(|p| p["display_name"].as_str().unwrap().to_string())
            .unwrap()
    };
    let to = "cr-05";
    let to_name = name_of(to);

    // Stagnatie: the first three rows marked, one by one and as a range.
    tmux.keys(&["2"]);
    tmux.wait_for("Stagnatie ·", 10).await;
    tmux.keys(&["g", "Space"]);
    tmux.wait_for("1 gemarkeerd", 10).await;
    tmux.keys(&["V", "j", "V"]);
    tmux.wait_for("3 gemarkeerd", 10).await;

    // t: all three to one person, with one reason.
    let (before, _) = everything(port).await;
    tmux.keys(&["t"]);
    tmux.wait_for("Herverdelen · 3 gemarkeerde zaken", 10).await;
    tmux.text(&format!("'{to_name}"));
    tmux.wait_until("the person found", 10, |s| {
        s.lines().any(|l| l.contains(&to_name) && l.contains("→"))
    })
    .await;
    tmux.keys(&["Enter"]);
    tmux.wait_for("Reden (voor alle)", 10).await;
    tmux.text("werkvoorraad verdeeld");
    tmux.keys(&["Enter"]);
    let screen = tmux
        .wait_until("every case answered", 30, |s| {
            s.contains("⏎ of Esc: sluiten")
        })
        .await;
    let rows = dialog_rows(&screen);
    assert_eq!(rows.len(), 3, "{screen}");

    // What the dialog says is what the API holds.
    let (cases, _) = everything(port).await;
    let holder_in = |cases: &[Value], number: &str| -> Value {
        cases
            .iter()
            .find(|c| c["number"] == number)
            .map(|c| c["casusregisseur"].clone())
            .unwrap()
    };
    let holder = |number: &str| holder_in(&cases, number);
    let mut moved = 0;
    for (number, row) in &rows {
        if row.contains("✓ herverdeeld") {
            assert_eq!(holder(number), to, "{number}: {screen}");
            moved += 1;
        } else {
            // Not sent (already theirs, in waakvlam) or refused: as it was.
            assert!(row.contains("niet verstuurd") || row.contains('✗'), "{row}");
            assert_eq!(holder(number), holder_in(&before, number), "{row}");
        }
    }
    assert!(moved >= 1, "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_until("the dialog closed", 10, |s| {
        !s.contains("Reden (voor alle)")
    })
    .await;

    // m on the first row: a note with a reminder for today.
    tmux.keys(&["Escape", "g"]);
    tmux.wait_until("no marks left", 10, |s| !s.contains("gemarkeerd"))
        .await;
    tmux.keys(&["m"]);
    let screen = tmux.wait_for("Eigen notitie · KST-", 10).await;
    let number: String = screen
        .lines()
        .find_map(|l| l.split("Eigen notitie · ").nth(1))
        .unwrap()
        .chars()
        .take(13)
        .collect();
    tmux.text("bel de casusregisseur over het plan");
    tmux.keys(&["Tab"]);
    tmux.text("24-11");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Notitie bewaard", 15).await;
    // The row counts it among its signals; the pane beside it names it.
    tmux.wait_until("the reminder on Stagnatie", 15, |s| {
        s.contains(&format!("┌ {number}")) && s.contains("eigen herinnering")
    })
    .await;

    // The note is the author's: in their detail, not in a colleague's.
    let id = cases
        .iter()
        .find(|c| c["number"] == number.as_str())
        .and_then(|c| c["id"].as_i64())
        .unwrap();
    let mine = api(port, "pr-jeugd", &format!("/api/v1/cases/{id}")).await;
    assert_eq!(
        mine["notes"][0]["text"], "bel de casusregisseur over het plan",
        "{mine}"
    );
    let theirs = api(port, "pr-dzm", &format!("/api/v1/cases/{id}")).await;
    assert_eq!(theirs["notes"], serde_json::json!([]));
    desk.quit().await;
}
