//! What the desk draws, at 80×24 (must stay readable) and 160×48 (uses the
//! room, with the detail pane), on ratatui's TestBackend.

mod desk_fixture;

use crossterm::event::KeyCode;
use desk_fixture::{at, delta, desk, desk_with, now, screen, settings};
use regiedesk::api::client::ApiFailure;
use regiedesk::api::wire::{CaseDetailResponse, Problem};
use regiedesk::desk::app::{App, Command, Msg};
use regiedesk::desk::screens::{key, typed};
use regiedesk::domain::model::{CaseEvent, EventKind, Household};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn snap(name: &str, app: &App) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            screen(app, width, height)
        );
    }
}

fn keys(app: &mut App, codes: &[KeyCode]) {
    for &code in codes {
        app.update(key(code));
    }
}

fn type_text(app: &mut App, text: &str) {
    for msg in typed(text) {
        app.update(msg);
    }
}

#[test]
fn caseload() {
    let mut app = desk("pr-jeugd");
    keys(&mut app, &[KeyCode::Char('1')]);
    snap("caseload", &app);
}

#[test]
fn caseload_drill_down() {
    let mut app = desk("pr-jeugd");
    keys(
        &mut app,
        &[KeyCode::Char('1'), KeyCode::Char('j'), KeyCode::Enter],
    );
    snap("caseload_drill_down", &app);
}

#[test]
fn stagnatie() {
    snap("stagnatie", &desk("pr-jeugd"));
}

#[test]
fn mandaat() {
    let mut app = desk("pr-volw");
    keys(&mut app, &[KeyCode::Char('3')]);
    snap("mandaat", &app);
}

#[test]
fn doorzettingsmacht() {
    snap("doorzettingsmacht", &desk("pr-dzm"));
}

#[test]
fn doorstroom() {
    let mut app = desk("pm");
    let commands = app.start();
    let [Command::LoadStats { period, by }] = commands.as_slice() else {
        panic!("the procesmanager's desk asks for the figures: {commands:?}");
    };
    let d = delta();
    let figures =
        regiedesk::domain::stats::throughput(&d.cases, &d.requests, &d.people, *period, *by, now());
    app.update(Msg::StatsLoaded {
        period: *period,
        by: *by,
        result: Ok(Box::new(figures)),
    });
    snap("doorstroom", &app);
}

#[test]
fn doorstroom_custom_period_refused() {
    let mut app = desk("pm");
    app.update(key(KeyCode::Char('c')));
    for _ in 0..25 {
        app.update(key(KeyCode::Backspace));
    }
    type_text(&mut app, "2026-06-01 2026-01-01");
    app.update(key(KeyCode::Enter));
    insta::assert_snapshot!("doorstroom_custom_period_80x24", screen(&app, 80, 24));
}

#[test]
fn help_overlay() {
    let mut app = desk("pr-jeugd");
    keys(&mut app, &[KeyCode::Char('?')]);
    snap("help", &app);
}

#[test]
fn reject_dialog_refused_by_the_server_keeps_the_text() {
    let mut app = desk("pr-jeugd");
    keys(&mut app, &[KeyCode::Char('3'), KeyCode::Char('r')]);
    type_text(&mut app, "Past niet in het gezinsplan");
    let commands = app.update(key(KeyCode::Enter));
    let Command::Act { ticket, .. } = commands[0] else {
        panic!("expected an API call");
    };
    app.update(Msg::ActionDone {
        ticket,
        result: Err(ApiFailure::Refused(Problem {
            kind: "urn:regiedesk:problem:conflict".into(),
            title: "Conflict".into(),
            status: 409,
            detail: "AV-2026-0002 is al beslist (toegekend) door R. Bos op 24-11-2026.".into(),
            current_version: None,
        })),
    });
    snap("reject_dialog", &app);
}

#[test]
fn reassign_picker() {
    let mut app = desk("pr-jeugd");
    keys(&mut app, &[KeyCode::Char('j'), KeyCode::Char('t')]);
    snap("reassign_picker", &app);
}

#[test]
fn offline_banner() {
    let mut app = desk("pr-jeugd");
    app.update(Msg::Tick(now() + chrono::TimeDelta::seconds(190)));
    app.update(Msg::SyncFailed {
        error: "er luistert niets op dit adres".into(),
        denied: false,
        retry_at: now() + chrono::TimeDelta::seconds(198),
    });
    snap("offline", &app);
}

#[test]
fn no_color_says_it_with_symbols() {
    let mut mono = settings();
    mono.mono = true;
    let app = desk_with("pr-jeugd", mono, delta());
    insta::assert_snapshot!("stagnatie_mono_80x24", screen(&app, 80, 24));
}

#[test]
fn english() {
    let mut english = settings();
    english.lang = regiedesk::config::Language::En;
    let app = desk_with("pr-jeugd", english, delta());
    insta::assert_snapshot!("stagnatie_english_80x24", screen(&app, 80, 24));
}

#[test]
fn case_detail_with_history() {
    let mut app = desk("pr-dzm");
    app.update(key(KeyCode::Enter));
    let case = app.snapshot.cases[&3].clone();
    let event = |when: &str, actor: &str, kind, note: Option<&str>| CaseEvent {
        at: at(when),
        actor: actor.into(),
        kind,
        note: note.map(str::to_string),
        request_id: None,
    };
    app.update(Msg::DetailLoaded {
        case_id: 3,
        result: Ok(Box::new(CaseDetailResponse {
            household: Household {
                id: case.household_id,
                pseudonym: case.pseudonym.clone(),
                members: 3,
            },
            events: vec![
                event(
                    "2026-10-01T09:00:00Z",
                    "admin",
                    EventKind::Referred,
                    Some("huisarts"),
                ),
                event(
                    "2026-10-01T12:00:00Z",
                    "pr-jeugd",
                    EventKind::Assigned,
                    None,
                ),
                event(
                    "2026-10-02T09:00:00Z",
                    "cr-02",
                    EventKind::FirstContact,
                    None,
                ),
                event(
                    "2026-10-09T09:00:00Z",
                    "cr-02",
                    EventKind::Plan,
                    Some("veiligheidsplan"),
                ),
                event(
                    "2026-11-20T10:00:00Z",
                    "pr-jeugd",
                    EventKind::Escalated,
                    Some("partijen oneens over veiligheidsplan"),
                ),
            ],
            requests: vec![],
            case,
        })),
    });
    snap("case_detail", &app);
}
