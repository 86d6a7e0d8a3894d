//! The plan's goals worked in tmux against the demo server (issue 22): a
//! casusregisseur records a plan with two goals (`P`) and evaluates it
//! (`E`); three months later, with the server and the desks at a later
//! day, the evaluation is late, the casusregisseur evaluates again without
//! progress on one goal, and the procesregisseur jeugd sees that goal off
//! track on Stagnatie and in its Resultaat view (`R`). The API is asked
//! each time whether it really happened.

use serde_json::Value;

#[path = "support/e2e_desk.rs"]
mod e2e_desk;
#[path = "support/tmux.rs"]
mod tmux;
use e2e_desk::{Desk, NOW, everything};
use tmux::tmux_missing;

/// Three months and a week after the demo's day: the first evaluation,
/// due 24 February 2027, is late.
const LATER: &str = "2027-03-03T09:30:00Z";

async fn case(port: u16, id: i64) -> Value {
    let (cases, _) = everything(port).await;
    cases.into_iter().find(|c| c["id"] == id).expect("the case")
}

/// A casusregisseur's desk lands on Caseload, with their own row.
async fn synced_on_caseload(desk: &Desk) {
    desk.tmux
        .wait_until("the first sync with data", 60, |s| {
            s.contains("● sync") && s.contains("Belasting") && s.contains("/")
        })
        .await;
}

/// Selects case `number` in the casusregisseur's own cases (Caseload's
/// drill-down), where every case they hold is.
async fn select(desk: &Desk, number: &str) {
    let tmux = &desk.tmux;
    tmux.keys(&["1"]);
    tmux.wait_for("Caseload ·", 10).await;
    tmux.keys(&["Enter"]);
    tmux.wait_for("Caseload ›", 10).await;
    tmux.keys(&[":"]);
    tmux.text(number);
    tmux.keys(&["Enter"]);
    tmux.wait_until("the case selected", 10, |s| {
        s.lines().any(|l| l.contains(&format!("┌ {number} ·")))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_casusregisseur_records_a_plan_and_evaluations_and_the_procesregisseur_sees_a_goal_off_track()
 {
    if tmux_missing() {
        return;
    }
    // The demo, seeded by pr-jeugd's desk: a youth case after its first
    // contact and without a plan, and who holds it.
    let first = Desk::open("goals-pr", "pr-jeugd");
    let port = first.port;
    let server = first.serve(true).await;
    first.synced().await;
    let (cases, _) = everything(port).await;
    let chosen = cases
        .iter()
        .find(|c| {
            c["domain"] == "jeugd"
                && c["status"] == "contacted"
                && c["plan_at"].is_null()
                && c["taken_over"] == false
                && c["casusregisseur"]
                    .as_str()
                    .is_some_and(|l| l.starts_with("cr-"))
        })
        .expect("a youth case after first contact without a plan");
    let id = chosen["id"].as_i64().unwrap();
    let number = chosen["number"].as_str().unwrap().to_string();
    let holder = chosen["casusregisseur"].as_str().unwrap().to_string();
    first.quit().await;

    // The casusregisseur records the plan with two goals.
    let cr = Desk::open_at("goals-cr", &holder, NOW, tempfile::tempdir().unwrap(), port);
    synced_on_caseload(&cr).await;
    select(&cr, &number).await;
    let tmux = &cr.tmux;
    tmux.keys(&["P"]);
    tmux.wait_for("Plan met doelen ·", 10).await;
    // Goal 1: relaties thuis (fourth life domain), 2 → 4.
    tmux.keys(&["Right", "Right", "Right", "Tab"]);
    tmux.text("rust en regelmaat in huis");
    tmux.keys(&["Tab", "2", "Tab", "4", "Tab"]);
    tmux.text("31-05-2027");
    // Goal 2: werk en opleiding (second), 2 → 3.
    tmux.keys(&["C-n", "Right", "Tab"]);
    tmux.text("weer elke dag naar school");
    tmux.keys(&["Tab", "2", "Tab", "3", "Tab"]);
    tmux.text("30-06-2027");
    tmux.wait_for("Eerste evaluatie vóór 24 feb 2027", 10).await;
    tmux.keys(&["Enter"]);
    tmux.wait_for("plan vastgelegd met 2 doelen", 15).await;
    let planned = case(port, id).await;
    let goals = planned["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 2, "{planned}");
    assert_eq!(goals[0]["life_domain"], "relaties thuis");
    assert_eq!(goals[1]["target_score"], 3);
    // The words are in the history, not in what the desks sync.
    assert!(!planned.to_string().contains("regelmaat"));
    // The pane shows both goals and the first evaluation's day.
    tmux.wait_for("Doelen · evaluatie vóór 24 feb 2027", 15)
        .await;

    // The first evaluation, the same day: goal 1 stays at 2, goal 2 to 3
    // (reached).
    tmux.keys(&["E"]);
    tmux.wait_for("Doelen evalueren ·", 10).await;
    tmux.keys(&["2", "Down", "3"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("evaluatie vastgelegd", 15).await;
    let evaluated = case(port, id).await;
    assert_eq!(evaluated["evaluations"].as_array().unwrap().len(), 1);
    assert_eq!(evaluated["goals"][1]["scores"][0]["state"], "behaald");
    cr.quit().await;
    drop(cr);
    drop(server);

    // Three months on: the server and the desks at a later day.
    let later = Desk::open_at("goals-cr-later", &holder, LATER, first.dir, port);
    let _server = later.serve_at(false, LATER).await;
    synced_on_caseload(&later).await;
    select(&later, &number).await;
    let tmux = &later.tmux;
    // Due 24 February 2027 (three months after the evaluation).
    tmux.wait_for("Doelen · evaluatie te laat (24 feb 2027)", 15)
        .await;
    tmux.keys(&["E"]);
    tmux.wait_for("Doelen evalueren ·", 10).await;
    // Only goal 1 still runs; it stays at 2 again: the form says so.
    tmux.keys(&["2"]);
    tmux.wait_for("komt op Stagnatie als 'niet op koers'", 10)
        .await;
    tmux.keys(&["Enter"]);
    tmux.wait_for("evaluatie vastgelegd", 15).await;
    let stalled = case(port, id).await;
    assert_eq!(stalled["evaluations"].as_array().unwrap().len(), 2);
    assert_eq!(stalled["evaluations"][1]["due"], "2027-02-24");
    later.quit().await;

    // pr-jeugd's desk at that day: the goal off track on Stagnatie, and
    // the case in the Resultaat view.
    let pr = Desk::open_at(
        "goals-pr-later",
        "pr-jeugd",
        LATER,
        tempfile::tempdir().unwrap(),
        port,
    );
    pr.synced().await;
    let tmux = &pr.tmux;
    tmux.keys(&["2"]);
    tmux.wait_for("Stagnatie ·", 10).await;
    tmux.keys(&["R"]);
    tmux.wait_for("Stagnatie › Resultaat", 10).await;
    // The whole demo is three months older: many evaluations are late and
    // come first; the filter finds the case.
    tmux.keys(&["/"]);
    tmux.text(&number);
    tmux.keys(&["Enter"]);
    let screen = tmux
        .wait_until("the case in the Resultaat view", 15, |s| {
            s.contains("Stagnatie › Resultaat · 1 zaak") && s.contains(&number)
        })
        .await;
    let row = screen
        .lines()
        .find(|l| l.contains(&format!("│{number}")))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("doel niet op koers"), "{row}");
    // The case's stalled goal is what the API says too.
    let goal = &case(port, id).await["goals"][0];
    let scores: Vec<i64> = goal["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["score"].as_i64().unwrap())
        .collect();
    assert_eq!(
        (goal["start_score"].as_i64(), scores),
        (Some(2), vec![2, 2])
    );
    pr.quit().await;
}
