//! What the desk draws, at 80×24 (must stay readable) and 160×48 (uses the
//! room, with the detail pane), on ratatui's TestBackend.

mod desk_fixture;

use crossterm::event::KeyCode;
use desk_fixture::{
    at, delta, desk, desk_with, now, screen, settings, terms_delta, waakvlam_delta,
};
use regiedesk::api::client::ApiFailure;
use regiedesk::api::wire::{CaseDetailResponse, Problem};
use regiedesk::desk::app::{App, Command, Msg};
use regiedesk::desk::columns::RowKey;
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

/// The law's clock on Mandaat: a suspended request, an extended one, one
/// in default with its dwangsom, one late, one in time.
#[test]
fn mandaat_terms() {
    let mut app = desk_with("pr-jeugd", settings(), terms_delta());
    keys(&mut app, &[KeyCode::Char('3')]);
    snap("mandaat_terms", &app);
}

/// Suspending: the dialog shows the new deadline before Enter.
#[test]
fn suspend_dialog() {
    let mut app = desk_with("pr-jeugd", settings(), terms_delta());
    keys(&mut app, &[KeyCode::Char('3')]);
    // The first row is AV-2026-0006 (late); r2 is in time: go to it.
    let row = app
        .table()
        .unwrap()
        .visible
        .iter()
        .position(|&i| {
            app.table().unwrap().rows[i].key
                == RowKey::Request {
                    request_id: 2,
                    case_id: 5,
                }
        })
        .unwrap();
    for _ in 0..row {
        keys(&mut app, &[KeyCode::Char('j')]);
    }
    keys(&mut app, &[KeyCode::Char('u')]);
    type_text(&mut app, "verslag school");
    snap("suspend_dialog", &app);
}

#[test]
fn waakvlam() {
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    keys(&mut app, &[KeyCode::Char('6')]);
    snap("waakvlam", &app);
}

#[test]
fn waakvlam_follow_up_dialog() {
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    keys(
        &mut app,
        &[KeyCode::Char('6'), KeyCode::Char('f'), KeyCode::Tab],
    );
    type_text(&mut app, "school meldt verzuim");
    snap("waakvlam_follow_up_dialog", &app);
}

#[test]
fn doorzettingsmacht() {
    snap("doorzettingsmacht", &desk("pr-dzm"));
}

#[test]
fn doorstroom() {
    let mut app = desk("pm");
    doorstroom_for(&mut app);
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
            retry_after: None,
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
    // Every row on Doorzettingsmacht has a why: no mark says "nearly" on
    // each of them.
    let mut mono = settings();
    mono.mono = true;
    let mut dzm = desk_with("pr-dzm", mono, delta());
    dzm.update(key(KeyCode::Char('4')));
    let board = screen(&dzm, 160, 48);
    assert!(board.contains("opgeschaald"), "{board}");
    assert!(!board.contains("~opgeschaald"), "{board}");
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
    let event = |when: &str, actor: &str, kind, note: Option<&str>| {
        CaseEvent::new(at(when), actor, kind, note.map(str::to_string))
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
                CaseEvent {
                    to: Some("cr-01".into()),
                    ..event(
                        "2026-10-01T12:00:00Z",
                        "pr-jeugd",
                        EventKind::Assigned,
                        None,
                    )
                },
                CaseEvent {
                    from: Some("cr-01".into()),
                    to: Some("cr-02".into()),
                    ..event(
                        "2026-10-01T15:00:00Z",
                        "pr-jeugd",
                        EventKind::Reassigned,
                        Some("A. Bakker met verlof"),
                    )
                },
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
                CaseEvent {
                    request_id: Some(7),
                    ..event(
                        "2026-10-12T10:00:00Z",
                        "cr-02",
                        EventKind::RequestFiled,
                        Some("ambulante gezinsbehandeling"),
                    )
                },
                CaseEvent {
                    request_id: Some(7),
                    decision: Some(regiedesk::domain::model::Decision::Reject),
                    ..event(
                        "2026-10-20T10:00:00Z",
                        "pr-jeugd",
                        EventKind::RequestDecided,
                        Some("eerst het veiligheidsplan"),
                    )
                },
                event(
                    "2026-11-20T10:00:00Z",
                    "pr-jeugd",
                    EventKind::Escalated,
                    Some("partijen oneens over veiligheidsplan"),
                ),
            ],
            requests: vec![regiedesk::domain::model::Request {
                id: 7,
                number: "AV-2026-0007".into(),
                case_id: 3,
                kind: regiedesk::domain::model::RequestKind::Jeugdhulp,
                provision: "ambulante gezinsbehandeling".into(),
                motivation: "Het veiligheidsplan vraagt behandeling thuis.".into(),
                in_plan: true,
                filed_by: "cr-02".into(),
                filed_at: at("2026-10-12T10:00:00Z"),
                decide_by: at("2026-12-07T22:59:59Z"),
                status: regiedesk::domain::model::RequestStatus::Rejected,
                decided_by: Some("pr-jeugd".into()),
                decided_at: Some(at("2026-10-20T10:00:00Z")),
                reason: Some("eerst het veiligheidsplan".into()),
                version: 2,
                term: Default::default(),
            }],
            case,
            notes: vec![],
        })),
    });
    snap("case_detail", &app);
}

// ---- issue 9: what a person needs on screen to decide -------------------

/// The desk in monochrome (NO_COLOR or `theme = "mono"`).
fn mono() -> regiedesk::desk::app::Settings {
    let mut mono = settings();
    mono.mono = true;
    mono
}

#[test]
fn stagnatie_with_every_signal_risk_and_the_pane() {
    // Case 5 gets a late first contact too, and a plan overdue since
    // August on top; case 1 a domestic-violence flag.
    let mut d = delta();
    d.cases[0].risk_flags = vec![
        regiedesk::domain::model::RiskFlag::DomesticViolence,
        regiedesk::domain::model::RiskFlag::Justice,
    ];
    let c5 = &mut d.cases[4];
    c5.plan_at = None;
    c5.first_contact_at = Some(at("2026-08-03T09:00:00Z"));
    c5.last_activity_at = at("2026-08-03T09:00:00Z");
    let app = desk_with("pr-jeugd", settings(), d.clone());
    snap("stagnatie_signals", &app);
    let mut app = desk_with("pr-jeugd", settings(), d);
    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Char('j')));
    insta::assert_snapshot!("stagnatie_pane_220x60", screen(&app, 220, 60));
}

#[test]
fn approve_dialog_shows_the_whole_motivation_and_a_passed_deadline() {
    let mut d = delta();
    let request = &mut d.requests[0];
    request.provision = "begeleiding individueel, 6 uur per week, 26 weken".into();
    request.motivation = "Moeder is na een beroerte niet meer in staat de administratie en \
        het huishouden te overzien. Het gezinsplan (afspraak 3) vraagt begeleiding thuis tot \
        de mantelzorg van de dochter is geregeld; de huisarts ondersteunt dit."
        .into();
    request.decide_by = at("2026-11-20T22:59:59Z");
    let mut app = desk_with("pr-volw", settings(), d);
    keys(&mut app, &[KeyCode::Char('3'), KeyCode::Char('a')]);
    snap("approve_dialog_late", &app);
}

#[test]
fn a_dialog_reports_what_a_sync_changed_under_it() {
    let mut app = desk("pr-jeugd");
    keys(&mut app, &[KeyCode::Char('j'), KeyCode::Char('e')]);
    type_text(&mut app, "geen contact na drie pogingen");
    let mut moved = app.snapshot.cases[&2].clone();
    moved.casusregisseur = Some("cr-02".into());
    moved.version = 2;
    app.update(Msg::Synced {
        delta: regiedesk::domain::boards::Delta {
            cases: vec![moved],
            ..Default::default()
        },
        at: now(),
    });
    snap("escalate_dialog_changed", &app);
}

#[test]
fn a_refused_token_is_not_a_lost_connection() {
    let mut app = desk("pr-jeugd");
    app.update(Msg::SyncFailed {
        error: "token onbekend of ingetrokken".into(),
        denied: true,
        retry_at: now() + chrono::TimeDelta::seconds(30),
    });
    snap("access_refused", &app);
}

/// The privacyfunctionaris reads the audit log, not cases: the server
/// refuses their sync, and the desk says why instead of blaming a token.
#[test]
fn the_privacy_officer_is_told_why_the_desk_shows_no_cases() {
    let mut app = desk("fg");
    app.update(Msg::SyncFailed {
        error: "de privacyfunctionaris ziet geen zaken".into(),
        denied: true,
        retry_at: now() + chrono::TimeDelta::seconds(30),
    });
    snap("privacy_sees_no_cases", &app);
}

#[test]
fn the_desk_opens_while_the_server_cannot_be_reached() {
    use regiedesk::desk::view::{Connecting, draw_connecting};
    for (name, denied, sso, error) in [
        ("connecting", false, false, "er luistert niets op dit adres"),
        (
            "connecting_refused",
            true,
            false,
            "token onbekend of ingetrokken",
        ),
        (
            "connecting_session_ended",
            true,
            true,
            "uw sessie bij de identiteitsprovider is beëindigd (uitgelogd, account uitgeschakeld of verlopen): log opnieuw in",
        ),
    ] {
        let waiting = Connecting {
            lang: regiedesk::config::Language::Nl,
            mono: false,
            server: "http://127.0.0.1:7878".into(),
            denied,
            sso,
            error: error.into(),
            retry_at: now() + chrono::TimeDelta::seconds(4),
        };
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|frame| draw_connecting(frame, &waiting, now()))
            .unwrap();
        insta::assert_snapshot!(format!("{name}_80x24"), terminal.backend());
    }
}

fn doorstroom_for(app: &mut App) {
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
}

/// Issue 21, point 10: the numbers per period on screen, not only in the
/// CSV; the total row adds up to the figures the charts are drawn from.
#[test]
fn doorstroom_numbers_per_period() {
    let mut app = desk("pm");
    doorstroom_for(&mut app);
    keys(&mut app, &[KeyCode::Char('T')]);
    snap("doorstroom_numbers", &app);
    let figures = app.doorstroom.figures.as_ref().unwrap();
    let text = screen(&app, 160, 48);
    let total = text
        .lines()
        .find(|l| l.contains("Totaal"))
        .expect("a total row");
    let numbers: Vec<&str> = total.split_whitespace().skip(1).collect();
    assert_eq!(numbers[0], figures.inflow.total.to_string(), "{total}");
    assert_eq!(numbers[1], figures.outflow.total.to_string(), "{total}");
    // T again brings the charts back.
    keys(&mut app, &[KeyCode::Char('T')]);
    assert!(!screen(&app, 160, 48).contains("Totaal"));
}

#[test]
fn doorstroom_without_colour_tells_the_series_apart() {
    let mut app = desk_with("pm", mono(), delta());
    doorstroom_for(&mut app);
    snap("doorstroom_mono", &app);
}

#[test]
fn doorstroom_this_month_is_per_day() {
    let mut app = desk("pm");
    // `p` from the year: week, then month.
    keys(&mut app, &[KeyCode::Char('p'), KeyCode::Char('p')]);
    let period = app.doorstroom.preset.period(now().date_naive());
    let by = app.doorstroom.bucket();
    assert_eq!(by, regiedesk::domain::stats::Bucket::Day);
    let d = delta();
    let figures =
        regiedesk::domain::stats::throughput(&d.cases, &d.requests, &d.people, period, by, now());
    app.update(Msg::StatsLoaded {
        period,
        by,
        result: Ok(Box::new(figures)),
    });
    insta::assert_snapshot!("doorstroom_month_by_day_160x48", screen(&app, 160, 48));
}

#[test]
fn wide_boards_give_names_and_reasons_their_room() {
    for (login, board) in [("pr-jeugd", '1'), ("pr-volw", '3'), ("pr-dzm", '4')] {
        let mut app = desk(login);
        keys(&mut app, &[KeyCode::Char(board)]);
        insta::assert_snapshot!(
            format!("board_{board}_{login}_220x60"),
            screen(&app, 220, 60)
        );
    }
}

#[test]
fn a_session_that_ended_says_how_to_log_in_again() {
    let mut app = desk("pr-jeugd");
    app.sso = true;
    app.update(Msg::SyncFailed {
        error: "uw sessie bij de identiteitsprovider is beëindigd".into(),
        denied: true,
        retry_at: now() + chrono::TimeDelta::seconds(30),
    });
    snap("session_ended", &app);
}

#[test]
fn logging_in_again_over_a_dialog_keeps_it_underneath() {
    use regiedesk::desk::app::ReloginMsg;
    let mut app = desk("pr-jeugd");
    app.sso = true;
    keys(&mut app, &[KeyCode::Char('3'), KeyCode::Char('r')]);
    type_text(&mut app, "Past niet in het gezinsplan");
    app.update(Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('l'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    app.update(Msg::Relogin(ReloginMsg::Prompt {
        verification_uri: "https://login.krimpen.nl/realms/gemeente/device".into(),
        verification_uri_complete: Some(
            "https://login.krimpen.nl/realms/gemeente/device?user_code=WDJB-MJHT".into(),
        ),
        user_code: "WDJB-MJHT".into(),
        expires_at: now() + chrono::TimeDelta::minutes(10),
    }));
    snap("relogin_over_dialog", &app);
    app.update(Msg::Relogin(ReloginMsg::Done));
    snap("relogin_done_dialog_kept", &app);
}

/// A note of 4,000 emoji (joined families, hearts with a presentation
/// selector, skin tones) stays inside the history pane's border: the desk
/// draws only what every terminal measures as ratatui does.
#[test]
fn a_note_of_emoji_keeps_the_history_in_its_border() {
    let mut app = desk("pr-dzm");
    app.update(key(KeyCode::Enter));
    let case = app.snapshot.cases[&3].clone();
    let note = "👨‍👩‍👧❤️👍🏽".repeat(1334);
    app.update(Msg::DetailLoaded {
        case_id: 3,
        result: Ok(Box::new(CaseDetailResponse {
            household: Household {
                id: case.household_id,
                pseudonym: case.pseudonym.clone(),
                members: 3,
            },
            events: vec![CaseEvent::new(
                at("2026-10-01T09:00:00Z"),
                "cr-01",
                EventKind::Activity,
                Some(note),
            )],
            requests: vec![],
            case,
            notes: vec![],
        })),
    });
    let buffer = regiedesk::desk::screens::render(&app, 80, 24);
    // The pane is 76 wide from column 2: its right border is column 77.
    for y in 1..23 {
        let symbol = buffer[(77, y)].symbol();
        assert!("│┐┘╮╯".contains(symbol), "row {y}: {symbol:?}");
    }
    for cell in buffer.content() {
        assert!(
            !cell
                .symbol()
                .contains(['\u{200D}', '\u{FE0F}', '\u{1F3FD}']),
            "{:?}",
            cell.symbol()
        );
    }
}

/// Issue 22: case 2 (cr-01) has a plan of 3 August with two goals: the
/// first stalled twice (off track), the second on course; the evaluation
/// due 1 December is not late yet on 24 November. The pane shows each
/// goal's score against its target and the next evaluation; the board
/// shows "doel niet op koers" as a signal.
#[test]
fn stagnatie_with_goals_in_the_pane() {
    use regiedesk::domain::plan::{Evaluated, Goal, GoalState, Scored};
    let mut d = delta();
    let case = d.cases.iter_mut().find(|c| c.id == 2).unwrap();
    case.first_contact_at = Some(at("2026-08-01T09:00:00Z"));
    case.plan_at = Some(at("2026-08-03T09:00:00Z"));
    let scored = |on: &str, score, state| Scored {
        on: on.parse().unwrap(),
        score,
        state,
    };
    let goal = |id, domain: &str, start, target, scores| Goal {
        id,
        life_domain: String::from(domain),
        start_score: start,
        target_score: target,
        target_date: "2027-06-30".parse().unwrap(),
        requests: Vec::new(),
        dropped_at: None,
        scores,
    };
    case.goals = vec![
        goal(
            1,
            "relaties thuis",
            2,
            4,
            vec![
                scored("2026-08-20", 2, GoalState::NietOpKoers),
                scored("2026-09-01", 2, GoalState::NietOpKoers),
            ],
        ),
        goal(
            2,
            "werk en opleiding",
            2,
            3,
            vec![
                scored("2026-08-20", 2, GoalState::OpKoers),
                scored("2026-09-01", 3, GoalState::OpKoers),
            ],
        ),
    ];
    case.evaluations = vec![
        Evaluated {
            on: "2026-08-20".parse().unwrap(),
            due: "2026-11-03".parse().unwrap(),
            is_final: false,
        },
        Evaluated {
            on: "2026-09-01".parse().unwrap(),
            due: "2026-11-20".parse().unwrap(),
            is_final: false,
        },
    ];
    let mut app = desk_with("pr-jeugd", settings(), d);
    let table = app.table().unwrap();
    let at = table
        .visible
        .iter()
        .position(|&i| table.rows[i].key == RowKey::Case(2))
        .expect("case 2 on Stagnatie");
    for _ in 0..at {
        app.update(key(KeyCode::Down));
    }
    let wide = screen(&app, 160, 48);
    assert!(wide.contains("1 relaties thuis · niet op koers"), "{wide}");
    assert!(wide.contains("2→2 ██░░·  doel 4"), "{wide}");
    assert!(wide.contains("evaluatie vóór 1 dec 2026"), "{wide}");
    assert!(wide.contains("doel niet op koers"), "{wide}");
    snap("stagnatie_goals", &app);
}

/// Issue 22: Doorstroom's Resultaat quadrant from 120 columns, one line
/// below that; under the aim the share is in the late tone, and a count
/// under 5 reads "<5".
#[test]
fn doorstroom_shows_the_goals_results_against_the_aim() {
    use regiedesk::domain::stats::outcome::{Group, OnTime, Outcome, Reached};
    use regiedesk::domain::stats::small::Count;
    let mut app = desk("pm");
    doorstroom_for(&mut app);
    let figures = app.doorstroom.figures.as_mut().unwrap();
    figures.outcome = Outcome {
        goals_evaluated: Some(Count::of(40)),
        at_closing: Reached {
            goals: Some(Count::of(24)),
            reached: Some(Count::of(15)),
            reached_pct: Some(62.5),
        },
        per_life_domain: vec![
            Group {
                name: "geldzaken".into(),
                goals: Count::of(12),
                reached_or_on_course: Count::of(9),
                reached_or_on_course_pct: Some(75.0),
                median_change: Some(1.5),
            },
            Group {
                name: "woning".into(),
                goals: Count::of(3),
                reached_or_on_course: Count::of(2),
                reached_or_on_course_pct: None,
                median_change: None,
            },
        ],
        per_organisation: Vec::new(),
        per_request_kind: Vec::new(),
        evaluations: OnTime {
            due: Some(Count::of(30)),
            on_time: Some(Count::of(27)),
            on_time_pct: Some(90.0),
        },
    };
    let wide = screen(&app, 160, 48);
    assert!(
        wide.contains("bereikt bij afsluiten 62,5 % (streef 70 %)"),
        "{wide}"
    );
    assert!(
        wide.contains("van de doelen van gesloten zaken: 24"),
        "{wide}"
    );
    assert!(
        wide.contains("evaluaties op tijd 90,0 % · van 30"),
        "{wide}"
    );
    assert!(
        wide.contains("geldzaken                   +1,5     12"),
        "{wide}"
    );
    assert!(
        wide.contains("woning                         —     <5"),
        "{wide}"
    );
    let narrow = screen(&app, 80, 24);
    assert!(
        narrow.contains(
            "Doelen: bereikt bij afsluiten 62,5 % (streef 70 %) · evaluaties tijdig 90,0 %"
        ),
        "{narrow}"
    );
    snap("doorstroom_results", &app);
}
