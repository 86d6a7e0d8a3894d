//! The Waakvlam board's keys in the desk's `update`: who is offered what,
//! and what is sent.

mod desk_fixture;

use crossterm::event::KeyCode;
use desk_fixture::{desk_with, settings, waakvlam_delta};
use regiedesk::desk::app::{ActionCall, App, Command};
use regiedesk::desk::screens::{key, typed};
use serde_json::json;

fn keys(app: &mut App, codes: &[KeyCode]) -> Vec<Command> {
    codes.iter().flat_map(|&c| app.update(key(c))).collect()
}

fn type_text(app: &mut App, text: &str) {
    for msg in typed(text) {
        app.update(msg);
    }
}

fn sent(commands: &[Command]) -> (i64, &'static str, serde_json::Value, i64) {
    match commands {
        [
            Command::Act {
                call:
                    ActionCall::Case {
                        case_id,
                        action,
                        body,
                        version,
                    },
                ..
            },
        ] => (*case_id, action, body.clone(), *version),
        other => panic!("expected one case action, got {other:?}"),
    }
}

#[test]
fn a_follow_up_with_a_concern_needs_a_note_and_is_sent_with_the_version_seen() {
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    keys(&mut app, &[KeyCode::Char('6')]);
    // The first row is the overdue follow-up of KST-2026-0006.
    let version = app.snapshot.cases[&6].version;
    assert!(
        keys(
            &mut app,
            &[KeyCode::Char('f'), KeyCode::Tab, KeyCode::Enter]
        )
        .is_empty()
    );
    type_text(&mut app, "school meldt verzuim");
    let commands = keys(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        sent(&commands),
        (
            6,
            "waakvlam/followup",
            json!({"result": "concern", "note": "school meldt verzuim"}),
            version
        )
    );
}

#[test]
fn all_well_needs_no_note() {
    let mut app = desk_with("cr-01", settings(), waakvlam_delta());
    keys(&mut app, &[KeyCode::Char('6')]);
    let commands = keys(&mut app, &[KeyCode::Char('f'), KeyCode::Enter]);
    let (case_id, action, body, _) = sent(&commands);
    assert_eq!((case_id, action), (6, "waakvlam/followup"));
    assert_eq!(body, json!({"result": "all_well", "note": null}));
}

#[test]
fn postponing_takes_a_date_and_a_reason() {
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    keys(&mut app, &[KeyCode::Char('6'), KeyCode::Char('l')]);
    // Suggested: four weeks after 19 November; no reason yet.
    assert!(keys(&mut app, &[KeyCode::Enter]).is_empty());
    type_text(&mut app, "gezin op vakantie");
    let commands = keys(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        sent(&commands).2,
        json!({"waakvlam_until": "2026-12-17", "reason": "gezin op vakantie"})
    );
}

#[test]
fn only_a_procesregisseur_of_the_domain_hands_the_follow_up_on() {
    // The holder records and postpones, but is not offered `t`.
    let mut holder = desk_with("cr-01", settings(), waakvlam_delta());
    keys(&mut holder, &[KeyCode::Char('6'), KeyCode::Char('t')]);
    assert!(holder.overlay.is_none());
    // The procesregisseur volwassenen is offered nothing on a jeugd case.
    let mut volw = desk_with("pr-volw", settings(), waakvlam_delta());
    keys(&mut volw, &[KeyCode::Char('6')]);
    for c in ['f', 'l', 't'] {
        keys(&mut volw, &[KeyCode::Char(c)]);
        assert!(volw.overlay.is_none(), "{c}");
    }
    // The procesregisseur jeugd picks someone, then gives a reason.
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    keys(&mut app, &[KeyCode::Char('6'), KeyCode::Char('t')]);
    type_text(&mut app, "cr-05");
    keys(&mut app, &[KeyCode::Enter]);
    type_text(&mut app, "A. Bakker met verlof");
    let (case_id, action, body, _) = sent(&keys(&mut app, &[KeyCode::Enter]));
    assert_eq!((case_id, action), (6, "waakvlam/assign"));
    assert_eq!(body["casusregisseur"], "cr-05");
    assert_eq!(body["reason"], "A. Bakker met verlof");
}

#[test]
fn a_follow_up_that_becomes_overdue_is_on_stagnatie_and_notified_by_number() {
    use regiedesk::desk::app::Msg;
    use regiedesk::domain::boards::Delta;
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    // KST-2026-0007's follow-up is on Friday 27 November.
    let stagnant = |app: &App| app.stagnation_of(7).to_vec();
    assert!(stagnant(&app).is_empty());
    // Monday 30 November: a working day past it.
    let monday = desk_fixture::at("2026-11-30T08:30:00Z");
    app.update(Msg::Tick(monday));
    let kinds: Vec<_> = stagnant(&app)
        .iter()
        .map(|s| (s.kind, s.days_late))
        .collect();
    assert_eq!(
        kinds,
        [(regiedesk::domain::norms::StagnationKind::WaakvlamOverdue, 1)]
    );
    let commands = app.update(Msg::Synced {
        delta: Delta::default(),
        at: monday,
    });
    let notified: Vec<_> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Notify { summary, body } => Some(format!("{summary} {body}")),
            _ => None,
        })
        .collect();
    assert_eq!(notified.len(), 1, "{commands:?}");
    assert!(notified[0].contains("KST-2026-0007"), "{notified:?}");
    assert!(
        !notified[0].contains("H-GGGG"),
        "no pseudonym: {notified:?}"
    );
}

#[test]
fn e_on_a_waakvlam_row_says_why_it_does_nothing() {
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    keys(&mut app, &[KeyCode::Char('6')]);
    assert!(keys(&mut app, &[KeyCode::Char('e')]).is_empty());
    assert!(app.overlay.is_none());
    let said = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert_eq!(
        said,
        "KST-2026-0006 is gesloten (waakvlam); dit kan alleen op een open zaak."
    );
}
