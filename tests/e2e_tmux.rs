//! The whole program as a user works it, in tmux: the demo server, the
//! desk, keys sent with `send-keys`, the screen read with `capture-pane`,
//! and the API asked afterwards whether it really happened.

use std::collections::HashMap;

use chrono::{DateTime, Days, Utc};
use regiedesk::config::Language;
use regiedesk::desk::labels;
use regiedesk::domain::calendar::local_date;
use regiedesk::domain::model::{Case, Request, RequestKind, RequestStatus};
use regiedesk::domain::norms::Norms;
use regiedesk::domain::term::{Clock, Suspension, dwangsom, dwangsom_day_one};
use serde_json::{Value, json};

#[path = "support/e2e_desk.rs"]
mod e2e_desk;
#[path = "support/tmux.rs"]
mod tmux;
use e2e_desk::{Desk, NOW, api, everything};
use tmux::{first_on_screen, row_of, show_only, tmux_missing};

/// The pending requests and open cases of the sync, as the domain types.
async fn pending_requests(port: u16) -> (HashMap<i64, Case>, Vec<Request>) {
    let (cases, requests) = everything(port).await;
    let cases = cases
        .into_iter()
        .map(|c| serde_json::from_value::<Case>(c).unwrap())
        .filter(Case::is_open)
        .map(|c| (c.id, c))
        .collect();
    let mut requests: Vec<Request> = requests
        .into_iter()
        .map(|r| serde_json::from_value::<Request>(r).unwrap())
        .filter(|r| r.status == RequestStatus::Pending)
        .collect();
    requests.sort_by(|a, b| a.number.cmp(&b.number));
    (cases, requests)
}

async fn request(port: u16, id: i64) -> Request {
    serde_json::from_value(api(port, "pr-jeugd", &format!("/api/v1/requests/{id}")).await).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_procesregisseur_works_the_desk_in_a_terminal() {
    if tmux_missing() {
        return;
    }
    let desk = Desk::open("terminal", "pr-jeugd");
    let (tmux, port) = (&desk.tmux, desk.port);
    // Nothing listens yet: the desk opens anyway, says so and keeps trying.
    tmux.wait_for("Geen verbinding met de server", 30).await;
    let server = desk.serve(true).await;
    desk.synced().await;

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
    tmux.wait_until("the case reassigned (or assigned)", 10, |s| {
        s.contains(&format!("{case_number} herverdeeld naar"))
            || s.contains(&format!("{case_number} toegewezen aan"))
    })
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
    let audit = api(port, "fg", "/api/v1/audit").await;
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
    let _server = desk.serve(false).await;
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
    tmux.wait_until("follow-ups on Waakvlam", 10, |s| {
        s.contains("Waakvlam ·") && s.contains("KST-") && s.contains("Nacontact")
    })
    .await;
    // pr-jeugd follows up the youth cases: the board filtered to them.
    tmux.keys(&["/"]);
    tmux.wait_for("typ om te filteren", 10).await;
    tmux.text("Jeugd");
    tmux.keys(&["Enter"]);
    let screen = tmux
        .wait_until("the youth follow-ups", 10, |s| s.contains("filter: Jeugd"))
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

    desk.quit().await;
}

/// Acceptance point 3 of issue 11, the law's clock: as pr-jeugd (who
/// holds the Jeugd mandate), suspend a request and see its row say until
/// when; extend another and see its countdown grow; see the dwangsom of a
/// request in default, and record an ingebrekestelling on a late one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mandate_holder_moves_the_decision_term_in_a_terminal() {
    if tmux_missing() {
        return;
    }
    let desk = Desk::open("term", "pr-jeugd");
    let (tmux, port) = (&desk.tmux, desk.port);
    let _server = desk.serve(true).await;
    desk.synced().await;
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let today = local_date(now);
    let norms = Norms::default();
    let clock = |r: &Request| Clock::of(r, now, &norms.calendar, &norms.dwangsom);

    // What is on pr-jeugd's Mandaat board: pending Jeugd requests of open
    // cases that he did not file himself.
    let (cases, requests) = pending_requests(port).await;
    let on_board: Vec<&Request> = requests
        .iter()
        .filter(|r| {
            r.kind == RequestKind::Jeugdhulp
                && r.filed_by != "pr-jeugd"
                && cases.contains_key(&r.case_id)
        })
        .collect();
    // Terms that run, never moved, with working days left.
    let running: Vec<&Request> = on_board
        .iter()
        .copied()
        .filter(|r| {
            clock(r) == Clock::Running
                && r.term == Default::default()
                && norms.working_days_left(r.decide_by, now) > 0
        })
        .collect();
    assert!(
        running.len() >= 2,
        "two running terms in the demo: {running:?}"
    );

    tmux.keys(&["3"]);
    tmux.wait_until("requests on Mandaat", 10, |s| {
        s.contains("Mandaat ·") && s.contains("AV-")
    })
    .await;

    // 1. Suspend: `u`, what was asked, the new decide-by before Enter.
    let first = running[0];
    show_only(tmux, &first.number).await;
    tmux.keys(&["u"]);
    tmux.wait_for(&format!("Termijn opschorten · {}", first.number), 10)
        .await;
    tmux.wait_for("Hersteltermijn in dagen:  14 ", 5).await;
    let mut moved = first.term.clone();
    moved.suspensions.push(Suspension {
        asked_on: today,
        complete_by: today + Days::new(14),
        completed_on: None,
        recorded_by: "pr-jeugd".into(),
        note: "verslag van de school".into(),
    });
    let expected = norms.decide_by_under(first.kind, first.filed_at, &moved);
    assert_eq!(
        norms.decide_by_under(first.kind, first.filed_at, &first.term),
        first.decide_by
    );
    tmux.wait_for(
        &format!(
            "nieuwe beslisdatum uiterlijk {}",
            labels::date(Language::Nl, local_date(expected))
        ),
        5,
    )
    .await;
    // Typing goes to what was asked; the hersteltermijn keeps its 14.
    tmux.text("verslag van de school");
    tmux.wait_until("what was asked, typed", 5, |s| {
        s.contains("verslag van de school") && s.contains("Hersteltermijn in dagen:  14 ")
    })
    .await;
    tmux.keys(&["Enter"]);
    let until = format!(
        "opgeschort tot {}",
        labels::short_date(today + Days::new(14))
    );
    tmux.wait_until(&format!("{} {until}", first.number), 15, |s| {
        !s.contains("Termijn opschorten")
            && row_of(s, &first.number).is_some_and(|row| row.contains(&until))
    })
    .await;
    let after = request(port, first.id).await;
    assert_eq!(after.term.suspensions.len(), 1, "{after:?}");
    let suspension = &after.term.suspensions[0];
    assert_eq!(
        (
            suspension.asked_on,
            suspension.complete_by,
            suspension.completed_on
        ),
        (today, today + Days::new(14), None)
    );
    assert_eq!(suspension.note, "verslag van de school");
    assert_eq!(after.term.suspended_days(), 14);
    assert_eq!(after.decide_by, expected, "decide_by moved by the 14 days");

    // 2. Extend another: `v`, weeks first, Tab, the reason.
    let second = running[1];
    let screen = show_only(tmux, &second.number).await;
    let before = norms.working_days_left(second.decide_by, now);
    let row = row_of(&screen, &second.number).unwrap();
    assert!(row.contains(&format!("nog {before} wd")), "{row}");
    let mut extended = second.term.clone();
    extended.extension = Some(regiedesk::domain::term::Extension {
        weeks: 4,
        notified_on: today,
        reason: "advies jeugdarts".into(),
        recorded_by: "pr-jeugd".into(),
    });
    let expected = norms.decide_by_under(second.kind, second.filed_at, &extended);
    let grown = norms.working_days_left(expected, now);
    assert!(grown > before);
    tmux.keys(&["v"]);
    tmux.wait_for(&format!("Termijn verdagen · {}", second.number), 10)
        .await;
    tmux.text("4");
    tmux.wait_for(
        &format!(
            "nieuwe beslisdatum {}",
            labels::date(Language::Nl, local_date(expected))
        ),
        5,
    )
    .await;
    tmux.keys(&["Tab"]);
    tmux.text("advies jeugdarts");
    tmux.wait_for("advies jeugdarts", 5).await;
    tmux.keys(&["Enter"]);
    let countdown = format!("nog {grown} wd");
    tmux.wait_until(&format!("{} {countdown}", second.number), 15, |s| {
        !s.contains("Termijn verdagen")
            && row_of(s, &second.number).is_some_and(|row| row.contains(&countdown))
    })
    .await;
    let after = request(port, second.id).await;
    let extension = after.term.extension.as_ref().expect("extended");
    assert_eq!(extension.weeks, 4);
    assert_eq!(extension.reason, "advies jeugdarts");
    assert_eq!(after.decide_by, expected);

    // 3. The demo's request in default: since when, and the dwangsom
    // owed today (none yet, at the frozen time, on pr-jeugd's board).
    let in_default = on_board
        .iter()
        .copied()
        .filter(|r| matches!(clock(r), Clock::InDefault { .. }))
        .max_by_key(|r| dwangsom(r, today, &norms.calendar, &norms.dwangsom))
        .expect("the demo has a request in default on pr-jeugd's board");
    let shown = request(port, in_default.id).await;
    let owed = dwangsom(&shown, today, &norms.calendar, &norms.dwangsom);
    let since = shown.term.default_notice.as_ref().unwrap().received_on;
    let text = format!("ingebreke sinds {} · €{owed}", labels::short_date(since));
    let screen = show_only(tmux, &in_default.number).await;
    assert!(
        row_of(&screen, &in_default.number).unwrap().contains(&text),
        "{text}:\n{screen}"
    );

    // The late request whose term ended first, without a notice: `i`
    // records one received the working day after its term, long enough
    // ago for a dwangsom to run today.
    let late = on_board
        .iter()
        .copied()
        .filter(|r| clock(r) == Clock::Late)
        .min_by_key(|r| r.decide_by)
        .expect("the demo has a late request without a notice");
    let received_on = norms
        .calendar
        .on_or_next_working_day(local_date(late.decide_by) + Days::new(1));
    let mut noticed = late.clone();
    noticed.term.default_notice = Some(regiedesk::domain::term::DefaultNotice {
        received_on,
        recorded_by: "pr-jeugd".into(),
    });
    let owed = dwangsom(&noticed, today, &norms.calendar, &norms.dwangsom);
    assert!(owed > 0, "a dwangsom would run today: {noticed:?}");
    show_only(tmux, &late.number).await;
    tmux.keys(&["i"]);
    tmux.wait_for(&format!("Ingebrekestelling · {}", late.number), 10)
        .await;
    // The date field holds today; the user types the day it came in.
    tmux.wait_for(&today.format("%d-%m-%Y").to_string(), 5)
        .await;
    tmux.keys(&["BSpace"; 10]);
    tmux.text(&received_on.format("%d-%m-%Y").to_string());
    tmux.wait_for(
        &format!(
            "dwangsom vanaf {}",
            labels::date(Language::Nl, dwangsom_day_one(received_on, &norms.calendar))
        ),
        5,
    )
    .await;
    tmux.keys(&["Enter"]);
    let text = format!(
        "ingebreke sinds {} · €{owed}",
        labels::short_date(received_on)
    );
    tmux.wait_until(&format!("{} {text}", late.number), 15, |s| {
        !s.contains("Ingebrekestelling ·")
            && row_of(s, &late.number).is_some_and(|row| row.contains(&text))
    })
    .await;
    let after = request(port, late.id).await;
    assert_eq!(
        after.term.default_notice.as_ref().map(|n| n.received_on),
        Some(received_on)
    );
    assert_eq!(
        dwangsom(&after, today, &norms.calendar, &norms.dwangsom),
        owed
    );

    desk.quit().await;
}

/// The table rows of the redistribution proposal on screen: case number,
/// and the name in its "Naar" column (the words between the due dates and
/// the load gauge).
fn proposal_rows(screen: &str, names: &[String]) -> Vec<(String, String, String)> {
    screen
        .lines()
        .filter_map(|line| {
            let at = line.find("✓ KST-").or_else(|| line.find("✗ KST-"))?;
            let row = &line[at..];
            let number = row[4..].split_whitespace().next()?.to_string();
            let to = names
                .iter()
                .filter(|n| row.contains(&format!(" {n} ")))
                .max_by_key(|n| n.len())?
                .clone();
            Some((row[..3].trim().to_string(), number, to))
        })
        .collect()
}

/// Acceptance point 2 of issue 21: pr-jeugd marks cr-07 absent for a
/// week, adjusts the proposal (another person for one case), confirms
/// once; every case lands where the table said, and a case changed
/// meanwhile (its holder recorded an activity) is reported, not moved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_procesregisseur_redistributes_an_absent_casusregisseurs_cases_in_a_terminal() {
    if tmux_missing() {
        return;
    }
    let desk = Desk::open("absence", "pr-jeugd");
    let (tmux, port) = (&desk.tmux, desk.port);
    let _server = desk.serve(true).await;
    desk.synced().await;

    let page = api(port, "pr-jeugd", "/api/v1/sync").await;
    let people = page["people"].as_array().unwrap().clone();
    let name_of = |login: &str| {
        people
            .iter()
            .find(|p| p["login"] == login)
            .map(|p| p["display_name"].as_str().unwrap().to_string())
            .unwrap()
    };
    let login_of = |name: &str| {
        people
            .iter()
            .find(|p| p["display_name"] == name)
            .map(|p| p["login"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("nobody named {name}"))
    };
    let names: Vec<String> = people
        .iter()
        .map(|p| p["display_name"].as_str().unwrap().to_string())
        .collect();
    let (cases, _) = everything(port).await;
    let held: Vec<&Value> = cases
        .iter()
        .filter(|c| {
            c["casusregisseur"] == "cr-07"
                && !["closed", "waakvlam"].contains(&c["status"].as_str().unwrap())
        })
        .collect();
    assert!(
        held.len() >= 2,
        "cr-07 holds cases in the demo: {}",
        held.len()
    );
    let absent = name_of("cr-07");

    // Caseload, cr-07's row, `A`: the form; a week from today.
    tmux.keys(&["1"]);
    tmux.wait_for("Caseload ·", 10).await;
    tmux.keys(&["/"]);
    tmux.wait_for("typ om te filteren", 10).await;
    tmux.text(&format!("'{absent}"));
    tmux.keys(&["Enter"]);
    tmux.keys(&["A"]);
    tmux.wait_for(&format!("Afwezig · {absent}"), 10).await;
    for _ in 0..12 {
        tmux.keys(&["BSpace"]);
    }
    tmux.text("01-12-2026");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Herverdelen ·", 10).await;
    // Every open case of theirs, not only what falls due this week.
    let screen = tmux.wait_for("Alle open zaken", 10).await;
    let proposed = proposal_rows(&screen, &names);
    assert_eq!(proposed.len(), held.len(), "{screen}");

    // Another person for the first case: the second in the picker.
    tmux.keys(&["Enter"]);
    tmux.wait_for("Naar wie", 10).await;
    tmux.keys(&["Down", "Enter"]);
    let screen = tmux
        .wait_until("the picker closed", 10, |s| !s.contains("Naar wie"))
        .await;
    let adjusted = proposal_rows(&screen, &names);
    assert_ne!(adjusted[0].2, proposed[0].2, "{screen}");
    assert_eq!(adjusted[1..], proposed[1..]);

    // Meanwhile cr-07 records an activity on the second case.
    let changed = &adjusted[1].1;
    let case = held
        .iter()
        .find(|c| c["number"] == changed.as_str())
        .unwrap();
    let (id, version) = (
        case["id"].as_i64().unwrap(),
        case["version"].as_i64().unwrap(),
    );
    let response = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{port}/api/v1/cases/{id}/activity"
        ))
        .bearer_auth("demo-cr-07")
        .header(
            "if-match",
            regiedesk::api::wire::entity_tag(regiedesk::api::wire::Tagged::Case, id, version),
        )
        .json(&json!({"note": "huisbezoek"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    tmux.keys(&["c"]);
    tmux.wait_for("Reden, voor alle verplaatsingen", 10).await;
    tmux.text("afwezig week 49");
    tmux.keys(&["Enter"]);
    let screen = tmux
        .wait_until("every case answered", 30, |s| s.contains("verplaatst;"))
        .await;
    let changed_line = screen
        .lines()
        .find(|l| l.contains(changed.as_str()))
        .unwrap();
    assert!(changed_line.contains("intussen gewijzigd"), "{screen}");

    // Every case is where the table said, but the changed one.
    let (after, _) = everything(port).await;
    for (_, number, to) in &adjusted {
        let case = after
            .iter()
            .find(|c| c["number"] == number.as_str())
            .unwrap();
        let expected = if number == changed {
            "cr-07".to_string()
        } else {
            login_of(to)
        };
        assert_eq!(case["casusregisseur"], expected.as_str(), "{number}");
    }
    tmux.keys(&["Enter"]);
    // Caseload says cr-07 is away until Tuesday.
    tmux.wait_until("the absence on Caseload", 10, |s| {
        s.lines()
            .any(|l| l.contains(&absent) && l.contains("t/m 01-12"))
    })
    .await;
    desk.quit().await;
}
