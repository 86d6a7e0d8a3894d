//! The desk's `update` as plain data: keys, filtering, board derivation,
//! action flows, conflicts, the connection and notifications.

mod desk_fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use desk_fixture::{delta, desk, desk_with, now, screen, settings};
use regiedesk::api::client::ApiFailure;
use regiedesk::api::wire::{DecisionBody, Problem};
use regiedesk::desk::app::{
    ActionCall, App, Changed, Command, DialogKind, Flight, Msg, Overlay, Relogin, ReloginMsg, Sort,
    View,
};
use regiedesk::desk::columns::RowKey;
use regiedesk::desk::keymap::Action;
use regiedesk::desk::screens::{key, typed};
use regiedesk::domain::boards::{Board, Delta};
use regiedesk::domain::model::{Decision, RequestStatus};

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(key(code))
}

fn type_text(app: &mut App, text: &str) {
    for msg in typed(text) {
        assert!(app.update(msg).is_empty());
    }
}

fn rows(app: &App) -> Vec<RowKey> {
    let table = app.table().expect("a table");
    table
        .visible
        .iter()
        .map(|&i| table.rows[i].key.clone())
        .collect()
}

fn dialog(app: &App) -> &regiedesk::desk::app::Dialog {
    match &app.overlay {
        Some(Overlay::Dialog(dialog)) => dialog,
        other => panic!("expected a dialog, got {other:?}"),
    }
}

fn refused(status: u16, detail: &str) -> ApiFailure {
    ApiFailure::Refused(Problem {
        kind: "urn:regiedesk:problem:test".into(),
        title: "refused".into(),
        status,
        detail: detail.into(),
        current_version: None,
        retry_after: None,
    })
}

#[test]
fn each_role_lands_on_its_board() {
    assert_eq!(desk("pr-jeugd").board, Board::Stagnatie);
    assert_eq!(desk("pr-dzm").board, Board::Doorzettingsmacht);
    assert_eq!(desk("pm").board, Board::Doorstroom);
    assert_eq!(desk("consulent").board, Board::Mandaat);
    // A board the configuration leaves out is not landed on.
    let mut only = settings();
    only.tabs = vec![Board::Mandaat, Board::Caseload];
    assert_eq!(desk_with("pr-dzm", only, delta()).board, Board::Mandaat);
}

#[test]
fn number_keys_tab_and_shift_tab_switch_boards() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.board, Board::Mandaat);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.board, Board::Doorzettingsmacht);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.board, Board::Waakvlam);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.board, Board::Caseload, "Tab wraps around");
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(app.board, Board::Waakvlam);
    press(&mut app, KeyCode::Char('9'));
    assert_eq!(app.board, Board::Waakvlam, "no ninth board");
}

#[test]
fn the_stagnation_board_is_worst_first_and_its_tab_counts_cases() {
    let app = desk("pr-jeugd");
    let keys = rows(&app);
    // Unassigned since 16 Nov (norm: 1 working day) is later than the first
    // contact due on Friday 20 Nov.
    assert_eq!(
        keys.iter().filter_map(RowKey::case_id).collect::<Vec<_>>()[..2],
        [1, 2]
    );
    assert!(keys.contains(&RowKey::Case(2)));
    assert!(keys.contains(&RowKey::Case(1)));
    let cases: std::collections::BTreeSet<i64> = keys.iter().filter_map(RowKey::case_id).collect();
    assert_eq!(app.tab_count(Board::Stagnatie), Some(cases.len()));
    assert_eq!(
        app.tab_count(Board::Mandaat),
        Some(1),
        "pr-jeugd decides the jeugdhulp request, not the Wmo one"
    );
    assert_eq!(app.tab_count(Board::Doorzettingsmacht), Some(1));
}

#[test]
fn the_filter_is_fuzzy_and_esc_clears_it() {
    let mut app = desk("pr-jeugd");
    let all = rows(&app).len();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "bbb");
    assert_eq!(rows(&app), vec![RowKey::Case(2)]);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.overlay.is_none(),
        "Enter keeps the filter and closes the field"
    );
    assert_eq!(rows(&app).len(), 1);
    // Fuzzy: letters in order, not necessarily together.
    press(&mut app, KeyCode::Char('/'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "eerst cntct");
    assert_eq!(rows(&app), vec![RowKey::Case(2)]);
    press(&mut app, KeyCode::Esc);
    assert_eq!(rows(&app).len(), all);
}

/// A case number is matched as written: letter by letter, `KST-2026-0002`
/// would also find every `KST-2026-000…` row with a 2 further on (a
/// pseudonym, "+2 wd"), and the key pressed next would act on whichever
/// row is selected. Words without digits stay fuzzy.
#[test]
fn a_typed_case_number_finds_that_case_only() {
    let mut app = desk("pr-jeugd");
    let table = app.table().expect("a table");
    let haystacks: Vec<(RowKey, String)> = table
        .visible
        .iter()
        .map(|&i| (table.rows[i].key.clone(), table.rows[i].haystack()))
        .collect();
    // A number that, letter by letter, fits more rows than its own.
    let (key, number) = haystacks
        .iter()
        .find_map(|(key, hay)| {
            let number = hay.split_whitespace().next()?.to_string();
            let loosely = haystacks.iter().filter(|(_, h)| {
                let mut rest = h.chars();
                number
                    .chars()
                    .all(|c| rest.any(|h| h.eq_ignore_ascii_case(&c)))
            });
            (loosely.count() > 1).then(|| (key.clone(), number))
        })
        .expect("the fixture has a number that fits other rows letter by letter");
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, &number);
    assert_eq!(rows(&app), vec![key], "{number}");
    // One case with one signal, in Dutch as it is spoken.
    let title = screen(&app, 160, 48).lines().nth(2).unwrap().to_string();
    assert!(
        title.contains("Stagnatie · 1 zaak · 1 signaal ·"),
        "{title}"
    );
}

#[test]
fn approving_sends_the_decision_at_the_version_seen_and_shows_the_result() {
    let mut app = desk("pr-volw");
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(
        rows(&app),
        vec![RowKey::Request {
            request_id: 1,
            case_id: 4
        }]
    );
    assert!(app.offers(Action::Approve));
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(dialog(&app).kind, DialogKind::Approve { request_id: 1 });
    type_text(&mut app, "past in plan");
    let commands = press(&mut app, KeyCode::Enter);
    let Command::Act { ticket, call } = &commands[0] else {
        panic!("expected an API call, got {commands:?}");
    };
    assert_eq!(
        call,
        &ActionCall::Decide {
            request_id: 1,
            body: DecisionBody {
                decision: Decision::Approve,
                reason: Some("past in plan".into()),
            },
            version: 1,
        }
    );
    assert_eq!(dialog(&app).flight, Flight::Sending);
    // While it is in flight the desk still moves.
    let mut approved = app.snapshot.requests[&1].clone();
    approved.status = RequestStatus::Approved;
    approved.version = 2;
    let commands = app.update(Msg::ActionDone {
        ticket: *ticket,
        result: Ok(Changed::Request(Box::new(approved))),
    });
    assert_eq!(commands, vec![Command::SyncNow]);
    assert!(app.overlay.is_none());
    assert_eq!(app.status.as_ref().unwrap().text, "AV-2026-0001 toegekend");
    assert!(rows(&app).is_empty(), "a decided request leaves the board");
}

#[test]
fn rejecting_needs_a_reason_and_a_refusal_keeps_the_typed_text() {
    let mut app = desk("pr-volw");
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('r'));
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "nothing sent");
    assert_eq!(
        dialog(&app).flight,
        Flight::Refused("Een reden is verplicht.".into())
    );
    type_text(&mut app, "niet nodig volgens plan");
    let commands = press(&mut app, KeyCode::Enter);
    let Command::Act { ticket, .. } = commands[0] else {
        panic!("expected an API call");
    };
    app.update(Msg::ActionDone {
        ticket,
        result: Err(refused(
            403,
            "een consulent heeft geen mandaat voor jeugdhulp",
        )),
    });
    let dialog = dialog(&app);
    assert_eq!(
        dialog.flight,
        Flight::Refused("een consulent heeft geen mandaat voor jeugdhulp".into())
    );
    assert_eq!(dialog.reason.value(), "niet nodig volgens plan");
}

#[test]
fn a_conflict_refreshes_and_the_next_enter_acts_on_the_new_version() {
    let mut app = desk("pr-volw");
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('a'));
    let Command::Act { ticket, .. } = press(&mut app, KeyCode::Enter)[0] else {
        panic!("expected an API call");
    };
    let commands = app.update(Msg::ActionDone {
        ticket,
        result: Err(refused(412, "de aanvraag is intussen gewijzigd")),
    });
    assert_eq!(commands, vec![Command::SyncNow], "a conflict refreshes");
    assert!(matches!(&dialog(&app).flight, Flight::Conflict(text) if text.contains("gewijzigd")));
    // The refresh brings the request at version 3 (its motivation changed).
    let mut changed = app.snapshot.requests[&1].clone();
    changed.version = 3;
    app.update(Msg::Synced {
        delta: Delta {
            requests: vec![changed],
            ..Delta::default()
        },
        at: now(),
    });
    assert_eq!(dialog(&app).version(), 3);
    let commands = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        &commands[0],
        Command::Act {
            call: ActionCall::Decide { version: 3, .. },
            ..
        }
    ));
}

#[test]
fn reassigning_picks_a_casusregisseur_then_needs_a_reason() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "BBBB");
    press(&mut app, KeyCode::Enter);
    assert!(app.offers(Action::Reassign));
    press(&mut app, KeyCode::Char('t'));
    let candidates = app.candidates(dialog(&app));
    assert!(candidates.iter().any(|c| c.login == "cr-01" && c.current));
    // Typing filters the picker.
    type_text(&mut app, "S. Kok");
    let candidates = app.candidates(dialog(&app));
    assert!(candidates.len() < 5, "{candidates:?}");
    let at = candidates.iter().position(|c| c.login == "cr-17").unwrap();
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(!dialog(&app).picking());
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "a reassignment needs a reason"
    );
    type_text(&mut app, "ziekte");
    let commands = press(&mut app, KeyCode::Enter);
    let Command::Act { call, .. } = &commands[0] else {
        panic!("expected an API call");
    };
    assert_eq!(
        call,
        &ActionCall::Case {
            case_id: 2,
            action: "assign",
            body: serde_json::json!({"casusregisseur": "cr-17", "reason": "ziekte"}),
            version: 1,
        }
    );
}

#[test]
fn esc_in_the_reason_goes_back_to_the_choice_and_keeps_the_reason() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "werkdruk");
    press(&mut app, KeyCode::Esc);
    assert!(dialog(&app).picking());
    assert_eq!(dialog(&app).reason.value(), "werkdruk");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn actions_a_user_may_not_do_are_not_offered() {
    // The procesmanager looks and changes nothing.
    let mut pm = desk("pm");
    for board in ['1', '2', '3', '4'] {
        press(&mut pm, KeyCode::Char(board));
        for action in [
            Action::Approve,
            Action::Reject,
            Action::Reassign,
            Action::Escalate,
            Action::TakeOver,
            Action::Deescalate,
        ] {
            assert!(!pm.offers(action), "pm offered {action:?} on {board}");
        }
    }
    press(&mut pm, KeyCode::Char('t'));
    assert!(pm.overlay.is_none(), "a key not offered does nothing");
    // A casusregisseur does not reassign.
    let mut cr = desk("cr-01");
    press(&mut cr, KeyCode::Char('2'));
    assert!(cr.selected_key().is_some());
    assert!(!cr.offers(Action::Reassign));
    // Take over and de-escalate belong to the doorzettingsmacht.
    let dzm = desk("pr-dzm");
    assert_eq!(dzm.selected_case().map(|c| c.id), Some(3));
    assert!(dzm.offers(Action::TakeOver) && dzm.offers(Action::Deescalate));
    assert!(!dzm.offers(Action::Escalate), "already escalated");
    let mut jeugd = desk("pr-jeugd");
    press(&mut jeugd, KeyCode::Char('4'));
    assert!(!jeugd.offers(Action::TakeOver) && !jeugd.offers(Action::Deescalate));
}

#[test]
fn offline_keeps_the_data_with_a_banner_until_the_server_returns() {
    let mut app = desk("pr-jeugd");
    let before = rows(&app);
    app.update(Msg::SyncFailed {
        error: "geen verbinding".into(),
        denied: false,
        retry_at: now() + chrono::TimeDelta::seconds(8),
    });
    assert!(app.connection.offline.is_some());
    assert_eq!(rows(&app), before, "the last data stays");
    app.update(Msg::SyncIdle { at: now() });
    assert!(app.connection.offline.is_none());
}

#[test]
fn notifications_come_for_new_items_only_and_a_burst_is_one() {
    let mut app = desk("pr-jeugd");
    // The first sync set the baseline without a notification; a sync
    // that adds nothing new says nothing either.
    assert!(
        app.update(Msg::Synced {
            delta: Delta::default(),
            at: now()
        })
        .is_empty()
    );
    let mut new_case = delta().cases[0].clone();
    new_case.id = 6;
    new_case.number = "KST-2026-0006".into();
    new_case.pseudonym = "H-FFFF".into();
    let commands = app.update(Msg::Synced {
        delta: Delta {
            cases: vec![new_case.clone()],
            ..Delta::default()
        },
        at: now(),
    });
    let [Command::Notify { summary, body }] = commands.as_slice() else {
        panic!("expected one notification, got {commands:?}");
    };
    assert_eq!(summary, "regiedesk: 1 nieuw signaal");
    assert!(
        body.contains("KST-2026-0006") && !body.contains("H-FFFF"),
        "{body}"
    );
    // Two more within the cooldown wait and then come as one.
    for id in [7, 8] {
        let mut case = new_case.clone();
        case.id = id;
        case.number = format!("KST-2026-000{id}");
        let commands = app.update(Msg::Synced {
            delta: Delta {
                cases: vec![case],
                ..Delta::default()
            },
            at: now(),
        });
        assert!(commands.is_empty());
    }
    let mut notified = Vec::new();
    for _ in 0..30 {
        notified.extend(app.update(Msg::Tick(now())));
    }
    let [Command::Notify { summary, body }] = notified.as_slice() else {
        panic!("expected one batched notification, got {notified:?}");
    };
    assert_eq!(summary, "regiedesk: 2 nieuwe signalen");
    assert!(body.contains("KST-2026-0007, KST-2026-0008"), "{body}");
}

#[test]
fn enter_on_a_casusregisseur_drills_down_and_esc_comes_back() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "Bakker");
    press(&mut app, KeyCode::Enter);
    assert_eq!(rows(&app), vec![RowKey::Person(Some("cr-01".into()))]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), Some(View::CasesOf));
    assert_eq!(
        rows(&app),
        vec![RowKey::Case(2), RowKey::Case(5)],
        "cr-01's cases, the late one first"
    );
    assert!(app.offers(Action::Reassign));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view(), Some(View::Board(Board::Caseload)));
}

#[test]
fn enter_on_a_case_loads_its_detail() {
    let mut app = desk("pr-jeugd");
    let case_id = app.selected_case().unwrap().id;
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Command::LoadDetail(case_id)]
    );
    assert!(matches!(app.overlay, Some(Overlay::Detail(_))));
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn the_palette_goes_to_boards_sorts_and_hides_columns() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "mandaat");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.board, Board::Mandaat);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "kolom organisatie");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.settings.hidden[&Board::Stagnatie],
        vec!["organisatie".to_string()]
    );
}

#[test]
fn sorting_cycles_through_the_columns_and_back_to_the_board_order() {
    let mut app = desk("pr-jeugd");
    let board_order = rows(&app);
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(
        app.table().unwrap().sort,
        Some(Sort {
            column: 0,
            descending: false
        })
    );
    let by_case: Vec<i64> = rows(&app).iter().filter_map(RowKey::case_id).collect();
    assert!(by_case.windows(2).all(|w| w[0] <= w[1]), "{by_case:?}");
    for _ in 0..app.columns().len() {
        press(&mut app, KeyCode::Char('s'));
    }
    assert_eq!(app.table().unwrap().sort, None);
    assert_eq!(rows(&app), board_order);
}

#[test]
fn the_selection_stays_on_its_item_when_data_arrives() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('j'));
    let selected = app.selected_key().cloned();
    // A new, worse case arrives above it.
    let mut worse = delta().cases[0].clone();
    worse.id = 9;
    worse.number = "KST-2026-0009".into();
    worse.referred_at = desk_fixture::at("2026-10-01T09:00:00Z");
    app.update(Msg::Synced {
        delta: Delta {
            cases: vec![worse],
            ..Delta::default()
        },
        at: now(),
    });
    assert_eq!(rows(&app)[0], RowKey::Case(9));
    assert_eq!(app.selected_key().cloned(), selected);
}

#[test]
fn q_and_ctrl_c_quit_but_not_while_typing() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "q is a letter in the filter");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('e'));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(app.quit, "Ctrl-C quits even from a dialog");
}

#[test]
fn the_doorstroom_board_asks_for_its_figures_and_drops_stale_answers() {
    use regiedesk::domain::stats::{Bucket, Period, throughput};
    let mut app = desk("pm");
    let [Command::LoadStats { period, by }] = app.start()[..] else {
        panic!("the procesmanager lands on Doorstroom and asks for figures");
    };
    assert_eq!(by, Bucket::Month);
    assert_eq!(period.from, "2026-01-01".parse().unwrap(), "this year");
    // `p` moves to this week, which is shown per day; choosing weeks or
    // months (`b`) is for longer periods.
    let commands = press(&mut app, KeyCode::Char('p'));
    let [
        Command::LoadStats {
            period: week,
            by: Bucket::Day,
        },
    ] = commands[..]
    else {
        panic!("{commands:?}");
    };
    assert_eq!(week.from, "2026-11-23".parse().unwrap());
    assert!(!app.offers(Action::Bucket));
    // ...and b says so rather than nothing, asking for nothing.
    assert!(press(&mut app, KeyCode::Char('b')).is_empty());
    let why = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(why.contains("per dag"), "{why}");
    // The answer for the year arrives late: it is not shown as this week's.
    let d = delta();
    let year = throughput(&d.cases, &d.requests, &d.people, period, by, now());
    app.update(Msg::StatsLoaded {
        period,
        by,
        result: Ok(Box::new(year)),
    });
    assert!(app.doorstroom.figures.is_none());
    let figures = throughput(&d.cases, &d.requests, &d.people, week, Bucket::Day, now());
    app.update(Msg::StatsLoaded {
        period: week,
        by: Bucket::Day,
        result: Ok(Box::new(figures)),
    });
    assert_eq!(app.doorstroom.figures.as_ref().unwrap().period, week);
    assert!(!app.doorstroom.loading);
    // A custom period that is not one keeps the text and says why.
    press(&mut app, KeyCode::Char('c'));
    for _ in 0..25 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "2026-06-01 2026-01-01");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let Some(Overlay::Period(input, Some(error))) = &app.overlay else {
        panic!("the period overlay stays open with the error");
    };
    assert_eq!(input.value(), "2026-06-01 2026-01-01");
    assert!(error.contains("ligt na"), "{error}");
    for _ in 0..21 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "2026-01-01 2026-06-30");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(
        commands,
        vec![Command::LoadStats {
            period: Period::new("2026-01-01".parse().unwrap(), "2026-06-30".parse().unwrap())
                .unwrap(),
            by: Bucket::Month,
        }]
    );
}

#[test]
fn a_casusregisseur_is_not_offered_the_figures() {
    let mut app = desk("cr-01");
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.board, Board::Doorstroom);
    assert!(!app.offers(Action::Period));
    assert!(press(&mut app, KeyCode::Char('p')).is_empty());
}

// ---- 1. An action always lands on the case the user looked at ----------

fn selected_case_id(app: &App) -> Option<i64> {
    app.selected_key().and_then(RowKey::case_id)
}

#[test]
fn sorting_keeps_the_selection_on_the_case_so_the_next_action_lands_on_it() {
    let mut app = desk("pr-jeugd");
    let looked_at = selected_case_id(&app).unwrap();
    let position = app.table().unwrap().selected;
    // Sort by case number, then the other way round.
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(selected_case_id(&app), Some(looked_at));
    press(&mut app, KeyCode::Char('S'));
    assert!(app.table().unwrap().sort.unwrap().descending);
    assert_eq!(selected_case_id(&app), Some(looked_at));
    assert_ne!(
        app.table().unwrap().selected,
        position,
        "the row moved, the selection moved with it"
    );
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(
        dialog(&app).kind,
        DialogKind::Escalate { case_id: looked_at }
    );
}

#[test]
fn a_filter_keeps_the_selection_while_it_matches_and_moves_visibly_otherwise() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('j'));
    let looked_at = selected_case_id(&app).unwrap();
    let number = app.snapshot.cases[&looked_at].number.clone();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "KST");
    assert_eq!(selected_case_id(&app), Some(looked_at), "still matches");
    type_text(&mut app, "-2026-0001");
    assert_ne!(number, "KST-2026-0001");
    assert_eq!(selected_case_id(&app), Some(1), "the first match");
}

#[test]
fn a_sync_moves_rows_but_not_the_selection_and_says_when_a_case_left() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('j'));
    let looked_at = selected_case_id(&app).unwrap();
    assert_eq!(looked_at, 2);
    // Case 2's first contact is recorded: it leaves the board.
    let mut contacted = app.snapshot.cases[&2].clone();
    contacted.first_contact_at = Some(now());
    contacted.last_activity_at = now();
    contacted.version += 1;
    app.update(Msg::Synced {
        delta: Delta {
            cases: vec![contacted],
            ..Delta::default()
        },
        at: now(),
    });
    assert!(!rows(&app).contains(&RowKey::Case(2)));
    let status = app.status.as_ref().expect("a notice");
    assert!(
        status.text.contains("KST-2026-0002") && status.text.contains("niet meer op dit bord"),
        "{status:?}"
    );
    // The notice goes after a few seconds and gives the keys back, also
    // when the clock stands still (REGIEDESK_NOW).
    for _ in 0..4 {
        app.update(Msg::Tick(now()));
    }
    assert!(app.status.is_none());
}

#[test]
fn a_dialog_stays_on_its_case_and_reports_what_a_sync_changed_under_it() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(dialog(&app).kind, DialogKind::Escalate { case_id: 2 });
    type_text(&mut app, "geen contact mogelijk");
    // Meanwhile a colleague reassigned case 2 to cr-02, and a new worse
    // case arrived above it.
    let mut moved = app.snapshot.cases[&2].clone();
    moved.casusregisseur = Some("cr-02".into());
    moved.version = 2;
    let mut worse = delta().cases[0].clone();
    worse.id = 9;
    worse.number = "KST-2026-0009".into();
    worse.referred_at = desk_fixture::at("2026-09-01T09:00:00Z");
    app.update(Msg::Synced {
        delta: Delta {
            cases: vec![moved, worse],
            ..Delta::default()
        },
        at: now(),
    });
    let d = dialog(&app);
    assert_eq!(d.kind, DialogKind::Escalate { case_id: 2 });
    assert_eq!(d.reason.value(), "geen contact mogelijk");
    let Flight::Conflict(text) = &d.flight else {
        panic!("expected a notice, got {:?}", d.flight);
    };
    assert!(
        text.contains("KST-2026-0002") && text.contains("A. Bakker → J. Smit"),
        "{text}"
    );
    // Enter now acts on the version the dialog reported, knowingly.
    let commands = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        &commands[0],
        Command::Act {
            call: ActionCall::Case {
                case_id: 2,
                version: 2,
                ..
            },
            ..
        }
    ));
}

#[test]
fn a_dialog_whose_request_was_decided_meanwhile_sends_nothing() {
    let mut app = desk("pr-volw");
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('a'));
    let mut decided = app.snapshot.requests[&1].clone();
    decided.status = RequestStatus::Approved;
    decided.decided_by = Some("consulent".into());
    decided.version = 2;
    app.update(Msg::Synced {
        delta: Delta {
            requests: vec![decided],
            ..Delta::default()
        },
        at: now(),
    });
    assert!(
        matches!(&dialog(&app).flight, Flight::Gone(text) if text.contains("AV-2026-0001") && text.contains("beslist")),
        "{:?}",
        dialog(&app).flight
    );
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "nothing sent");
}

#[test]
fn esc_quickly_followed_by_a_key_is_esc_then_that_key() {
    let mut app = desk("pr-dzm");
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(dialog(&app).kind, DialogKind::TakeOver { case_id: 3 });
    // The terminal delivers Esc + j as Alt+j.
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('j'),
        KeyModifiers::ALT,
    )));
    assert!(app.overlay.is_none(), "the dialog closed");
    // Esc + q: closes what is open, then quits; never a reason "q".
    press(&mut app, KeyCode::Char('o'));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('q'),
        KeyModifiers::ALT,
    )));
    assert!(app.overlay.is_none());
    assert!(app.quit);
}

// ---- 3. Numbers that add up -----------------------------------------------

fn cell_texts(app: &App, key: &RowKey) -> Vec<String> {
    let table = app.table().unwrap();
    table
        .rows
        .iter()
        .find(|r| &r.key == key)
        .unwrap_or_else(|| panic!("no row {key:?}"))
        .cells
        .iter()
        .map(|c| c.text.clone())
        .collect()
}

#[test]
fn caseload_counts_every_signal_and_says_over_capacity_in_numbers() {
    use regiedesk::desk::columns::load_cell;
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('1'));
    let headers: Vec<&str> = app.columns().iter().map(|c| c.nl).collect();
    assert_eq!(
        headers,
        [
            "Casusregisseur",
            "Organisatie",
            "Specialisme",
            "Belasting",
            "Afwezig",
            "Contact laat",
            "Termijn om",
            "Vast",
            "Hoog risico",
            "Geen plan",
            "Geen act.",
            "Eval. laat",
            "Niet op koers",
            "Doelen op koers"
        ]
    );
    let keys: Vec<&'static str> = app.columns().iter().map(|c| c.key).collect();
    let at = |key: &str| keys.iter().position(|k| *k == key).unwrap();
    let cells = cell_texts(&app, &RowKey::Person(Some("cr-01".into())));
    assert_eq!(cells[at("evaluatie_laat")], "0", "{cells:?}");
    // Case 5 gets a plan of 3 August with a goal stalled twice: its
    // evaluation was due on 3 November and the goal is off track.
    let mut planned = delta();
    let case = planned.cases.iter_mut().find(|c| c.id == 5).unwrap();
    case.first_contact_at = Some("2026-08-01T09:00:00Z".parse().unwrap());
    case.plan_at = Some("2026-08-03T09:00:00Z".parse().unwrap());
    let scored = |on: &str| regiedesk::domain::plan::Scored {
        on: on.parse().unwrap(),
        score: 2,
        state: regiedesk::domain::plan::GoalState::NietOpKoers,
    };
    case.goals = vec![regiedesk::domain::plan::Goal {
        id: 1,
        life_domain: "relaties thuis".into(),
        start_score: 2,
        target_score: 4,
        target_date: "2027-06-30".parse().unwrap(),
        requests: Vec::new(),
        dropped_at: None,
        scores: vec![scored("2026-08-20"), scored("2026-09-01")],
    }];
    case.evaluations = vec![regiedesk::domain::plan::Evaluated {
        on: "2026-09-01".parse().unwrap(),
        due: "2026-11-03".parse().unwrap(),
        is_final: false,
    }];
    app.update(Msg::Synced {
        delta: planned,
        at: now(),
    });
    let cells = cell_texts(&app, &RowKey::Person(Some("cr-01".into())));
    // Due 1 December (three months after 1 September): not late yet.
    assert_eq!(cells[at("evaluatie_laat")], "0", "{cells:?}");
    assert_eq!(cells[at("niet_op_koers")], "1", "{cells:?}");
    // Never evaluated: due 3 November, three months after the plan.
    let mut late = delta();
    let case = late.cases.iter_mut().find(|c| c.id == 5).unwrap();
    case.first_contact_at = Some("2026-08-01T09:00:00Z".parse().unwrap());
    case.plan_at = Some("2026-08-03T09:00:00Z".parse().unwrap());
    case.goals = vec![regiedesk::domain::plan::Goal {
        id: 1,
        life_domain: "relaties thuis".into(),
        start_score: 2,
        target_score: 4,
        target_date: "2027-06-30".parse().unwrap(),
        requests: Vec::new(),
        dropped_at: None,
        scores: Vec::new(),
    }];
    app.update(Msg::Synced {
        delta: late,
        at: now(),
    });
    let cells = cell_texts(&app, &RowKey::Person(Some("cr-01".into())));
    assert_eq!(cells[at("evaluatie_laat")], "1", "{cells:?}");
    assert_eq!(cells[at("niet_op_koers")], "0", "{cells:?}");
    // cr-01 holds case 2 (first contact late) and case 5.
    let cells = cell_texts(&app, &RowKey::Person(Some("cr-01".into())));
    assert_eq!(cells[at("contact_te_laat")], "1", "{cells:?}");
    // cr-02 holds the escalated child-safety case.
    let cells = cell_texts(&app, &RowKey::Person(Some("cr-02".into())));
    assert_eq!(cells[at("hoog_risico")], "1", "{cells:?}");
    assert_eq!(load_cell(17, Some(15)).text, "17/15 +2");
    assert_eq!(load_cell(12, Some(15)).text, "12/15");
    assert_eq!(load_cell(1981, Some(12)).text, "1981/12 +1969");
}

#[test]
fn a_casusregisseur_sees_only_their_own_row() {
    let mut app = desk("cr-01");
    press(&mut app, KeyCode::Char('1'));
    assert_eq!(rows(&app), [RowKey::Person(Some("cr-01".into()))]);
}

#[test]
fn stagnatie_has_one_row_per_case_with_all_signals_and_risk_worst_first() {
    let mut app = desk("pr-jeugd");
    let mut signals = delta();
    // Case 1 (unassigned since 16 Nov) gets a domestic-violence flag: a
    // high-risk referral nobody holds comes first.
    signals.cases[0].risk_flags = vec![
        regiedesk::domain::model::RiskFlag::DomesticViolence,
        regiedesk::domain::model::RiskFlag::Justice,
    ];
    app.update(Msg::Synced {
        delta: signals,
        at: now(),
    });
    let keys = rows(&app);
    let ids: Vec<i64> = keys.iter().filter_map(RowKey::case_id).collect();
    let unique: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "one row per case");
    assert_eq!(ids[0], 1);
    let cells = cell_texts(&app, &RowKey::Case(1));
    let risk = app
        .columns()
        .iter()
        .position(|c| c.key == "risico")
        .unwrap();
    assert_eq!(cells[risk], "HG JU");
}

#[test]
fn a_procesregisseur_can_limit_the_boards_to_their_domain() {
    let mut app = desk("pr-volw");
    press(&mut app, KeyCode::Char('2'));
    let all = rows(&app);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "alleen jeugd");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.settings.focus.domains,
        [regiedesk::domain::model::CaseDomain::Jeugd]
    );
    let jeugd = rows(&app);
    assert!(jeugd.iter().all(|k| {
        let id = k.case_id().unwrap();
        app.snapshot.cases[&id].domain == regiedesk::domain::model::CaseDomain::Jeugd
    }));
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "alleen volwassenen");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('3'));
    // The Wmo request of case 4 (volwassenen) stays on Mandaat.
    assert_eq!(rows(&app).len(), 1);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "alle zaken");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(rows(&app), all);
}

#[test]
fn the_doorzettingsmacht_board_says_why_apart_from_who_escalated() {
    let app = desk("pr-dzm");
    let columns = app.columns();
    let at = |key: &str| columns.iter().position(|c| c.key == key).unwrap();
    let cells = cell_texts(&app, &RowKey::Case(3));
    assert_eq!(cells[at("waarom")], "opgeschaald");
    assert_eq!(cells[at("opgeschaald_door")], "P. de Vries");
    assert_eq!(cells[at("reden")], "partijen oneens over veiligheidsplan");
}

// ---- 5. Getting around ------------------------------------------------------

#[test]
fn colon_and_a_number_goes_to_the_case_or_opens_its_history() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "0002");
    let Some(Overlay::Palette(palette)) = &app.overlay else {
        panic!("palette");
    };
    let entries = app.palette_entries(palette.input.value());
    assert!(entries[0].0.contains("KST-2026-0002"), "{entries:?}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.board, Board::Stagnatie);
    assert_eq!(selected_case_id(&app), Some(2));
    // Case 4 (adults, on track) is on none of pr-jeugd's boards: its
    // history opens (an audited read).
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "KST-2026-0004");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(commands, vec![Command::LoadDetail(4)]);
    assert!(matches!(app.overlay, Some(Overlay::Detail(_))));
}

#[test]
fn a_case_taken_over_by_the_doorzettingsmacht_stays_findable() {
    let mut app = desk("pr-dzm");
    let mut taken = app.snapshot.cases[&3].clone();
    taken.casusregisseur = Some("pr-dzm".into());
    taken.taken_over = true;
    taken.escalated = false;
    taken.version += 1;
    app.update(Msg::Synced {
        delta: Delta {
            cases: vec![taken],
            ..Delta::default()
        },
        at: now(),
    });
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "003");
    let Some(Overlay::Palette(palette)) = &app.overlay else {
        panic!("palette");
    };
    let entries = app.palette_entries(palette.input.value());
    assert!(entries[0].0.contains("KST-2026-0003"), "{entries:?}");
}

#[test]
fn y_copies_the_number_n_steps_through_matches_and_ctrl_d_pages() {
    let mut app = desk("pr-jeugd");
    let commands = press(&mut app, KeyCode::Char('y'));
    let number = app.snapshot.cases[&selected_case_id(&app).unwrap()]
        .number
        .clone();
    assert_eq!(commands, vec![Command::Copy(number.clone())]);
    assert!(app.status.as_ref().unwrap().text.contains(&number));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "KST");
    press(&mut app, KeyCode::Enter);
    let count = app.table().unwrap().visible.len();
    assert!(count >= 2);
    press(&mut app, KeyCode::Char('N'));
    assert_eq!(app.table().unwrap().selected, count - 1, "wraps round");
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.table().unwrap().selected, 0);
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('d'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(app.table().unwrap().selected, count - 1, "half a page");
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(app.table().unwrap().selected, 0);
}

#[test]
fn the_procesmanager_pressing_an_action_key_is_told_it_is_read_only() {
    let mut pm = desk("pm");
    press(&mut pm, KeyCode::Char('2'));
    press(&mut pm, KeyCode::Char('e'));
    assert!(pm.overlay.is_none());
    assert!(
        pm.status.as_ref().unwrap().text.starts_with("Alleen lezen"),
        "{:?}",
        pm.status
    );
}

#[test]
fn the_mouse_selects_rows_switches_tabs_and_scrolls() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, column, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut app = desk("pr-jeugd");
    // Rows start under the header, tabs, the table's border and its header.
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 5, 5));
    assert_eq!(app.table().unwrap().selected, 1);
    app.update(mouse(MouseEventKind::ScrollDown, 5, 10));
    assert_eq!(
        app.table().unwrap().selected,
        (1 + 3).min(app.table().unwrap().visible.len() - 1)
    );
    let mandaat = app
        .tab_strip(160)
        .into_iter()
        .find(|t| t.board == Board::Mandaat)
        .unwrap();
    app.update(mouse(
        MouseEventKind::Down(MouseButton::Left),
        mandaat.x + 2,
        1,
    ));
    assert_eq!(app.board, Board::Mandaat);
    // Switched off in the configuration: the mouse does nothing.
    let mut off = settings();
    off.mouse = false;
    let mut app = desk_with("pr-jeugd", off, delta());
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 5, 5));
    assert_eq!(app.table().unwrap().selected, 0);
}

// ---- 6. The reassign picker suggests the right person ----------------------

#[test]
fn the_picker_suggests_casusregisseurs_of_the_domain_first_and_keeps_its_order() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(selected_case_id(&app), Some(2));
    press(&mut app, KeyCode::Char('t'));
    let candidates = app.candidates(dialog(&app));
    let first = &candidates[0];
    assert_eq!(first.domain_fit, Some(true), "{first:?}");
    assert_eq!(first.role, regiedesk::domain::model::Role::Casusregisseur);
    // cr-03 holds only an adults' case: after everyone free or in youth.
    let cr03 = candidates.iter().position(|c| c.login == "cr-03").unwrap();
    assert!(
        candidates[..cr03]
            .iter()
            .all(|c| c.domain_fit != Some(false))
    );
    // Procesregisseurs last, then the current holder (shown, never
    // suggested).
    let [.., procesregisseur, current] = &candidates[..] else {
        panic!("{candidates:?}");
    };
    assert_eq!(
        procesregisseur.role,
        regiedesk::domain::model::Role::ProcesregisseurVolwassenen
    );
    assert!(current.current && current.login == "cr-01");
    let order: Vec<String> = candidates.iter().map(|c| c.login.clone()).collect();
    // A sync that loads the first suggestion does not reorder the list
    // under the user's hand.
    let mut more = Vec::new();
    for id in 20..30 {
        let mut c = delta().cases[1].clone();
        c.id = id;
        c.number = format!("KST-2026-00{id}");
        c.casusregisseur = Some(first.login.clone());
        more.push(c);
    }
    app.update(Msg::Synced {
        delta: Delta {
            cases: more,
            ..Delta::default()
        },
        at: now(),
    });
    let after: Vec<String> = app
        .candidates(dialog(&app))
        .iter()
        .map(|c| c.login.clone())
        .collect();
    assert_eq!(after, order);
    // j and k are search text; Enter picks the highlighted (best) row.
    type_text(&mut app, "j");
    assert_eq!(dialog(&app).picker.as_ref().unwrap().filter.value(), "j");
}

#[test]
fn enter_on_an_empty_search_picks_the_best_suggestion_shown_first() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('t'));
    let best = app.candidates(dialog(&app))[0].login.clone();
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        dialog(&app).picker.as_ref().unwrap().chosen.as_deref(),
        Some(best.as_str())
    );
}

#[test]
fn a_number_no_visible_case_has_is_said_not_swallowed() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "9999");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let status = app.status.as_ref().expect("a notice");
    assert!(status.text.contains("9999"), "{status:?}");
}

#[test]
fn sorting_by_risk_puts_the_most_threatening_first() {
    let mut d = delta();
    use regiedesk::domain::model::RiskFlag;
    d.cases[0].risk_flags = vec![RiskFlag::Justice, RiskFlag::PressPolitical];
    d.cases[1].risk_flags = vec![RiskFlag::ChildSafety];
    let mut app = desk_with("pr-jeugd", settings(), d);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "sorteer op risico");
    press(&mut app, KeyCode::Enter);
    let first: Vec<i64> = rows(&app).iter().filter_map(RowKey::case_id).collect();
    // KV (one high-risk flag) before JU PP (two others), though "JU"
    // sorts after "KV" as text.
    assert_eq!(first[..2], [2, 1]);
}

/// What a table shows, for comparing two desks.
fn shown(
    app: &App,
    view: View,
) -> (
    Vec<regiedesk::desk::columns::TableRow>,
    Vec<u16>,
    u64,
    usize,
) {
    let table = &app.tables[&view];
    (
        table
            .visible
            .iter()
            .map(|&i| table.rows[i].clone())
            .collect(),
        table.content.clone(),
        table.weight,
        table.len(),
    )
}

/// A sync of one or two cases at a time updates the boards row by row;
/// the desk must show exactly what a desk that derived everything from the
/// same data shows, on every board, filtered and sorted or not.
#[test]
fn changes_applied_row_by_row_equal_a_desk_built_from_scratch() {
    use rand::{Rng, SeedableRng};
    use regiedesk::domain::model::RiskFlag;
    use regiedesk::domain::norms::Norms;
    use regiedesk::server::demo;

    let seed = demo::build(now(), &Norms::default());
    let full = |app: &App| Delta {
        people: app.snapshot.people.values().cloned().collect(),
        cases: app.snapshot.cases.values().cloned().collect(),
        requests: app.snapshot.requests.values().cloned().collect(),
        removed_cases: vec![],
        absences: app.snapshot.absences.clone(),
        reminders: None,
    };
    let logins: Vec<String> = seed
        .people
        .iter()
        .filter(|p| p.capacity.is_some())
        .map(|p| p.login.clone())
        .collect();
    for (round, (login, filter, sort)) in [
        ("pr-jeugd", "", false),
        ("pr-dzm", "", true),
        ("pr-jeugd", "kst", true),
        ("consulent", "2026", false),
    ]
    .into_iter()
    .enumerate()
    {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(round as u64);
        let start = Delta {
            people: seed.people.clone(),
            cases: seed.cases.clone(),
            requests: seed.requests.clone(),
            removed_cases: vec![],
            absences: Default::default(),
            reminders: None,
        };
        let mut app = desk_with(login, settings(), start);
        let arrange = |app: &mut App| {
            for board in ['2', '3', '4'] {
                press(app, KeyCode::Char(board));
                if !filter.is_empty() {
                    press(app, KeyCode::Char('/'));
                    type_text(app, filter);
                    press(app, KeyCode::Enter);
                }
                if sort {
                    // The third column: signals, kind or risk.
                    for _ in 0..3 {
                        press(app, KeyCode::Char('s'));
                    }
                }
            }
        };
        arrange(&mut app);
        // Drilled into a casusregisseur's cases too.
        press(&mut app, KeyCode::Char('1'));
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Enter);
        let drilled = app.drill.clone();
        assert!(drilled.is_some());
        let ids: Vec<i64> = app.snapshot.cases.keys().copied().collect();
        for step in 0..120 {
            let mut delta = Delta::default();
            // Mostly cases on the boards, where a mistake would show.
            let on_boards: Vec<i64> = app
                .tables
                .values()
                .flat_map(|t| t.board_rows())
                .filter_map(|r| r.key.case_id())
                .collect();
            let id = if rng.random_bool(0.8) {
                on_boards[rng.random_range(0..on_boards.len())]
            } else {
                ids[rng.random_range(0..ids.len())]
            };
            match rng.random_range(0..12) {
                0 => delta.removed_cases.push(id),
                1..=2 => {
                    let requests: Vec<i64> = app
                        .snapshot
                        .requests
                        .values()
                        .filter(|r| {
                            app.snapshot
                                .cases
                                .get(&r.case_id)
                                .is_some_and(|c| c.is_open())
                        })
                        .map(|r| r.id)
                        .collect();
                    let mut request = app.snapshot.requests
                        [&requests[rng.random_range(0..requests.len())]]
                        .clone();
                    request.status = if request.status == RequestStatus::Pending {
                        RequestStatus::Approved
                    } else {
                        RequestStatus::Pending
                    };
                    request.version += 1;
                    delta.requests.push(request);
                }
                _ => {
                    let Some(mut case) = app.snapshot.cases.get(&id).cloned() else {
                        continue;
                    };
                    case.version += 1;
                    match rng.random_range(0..6) {
                        0 => case.stuck_reported = !case.stuck_reported,
                        1 => {
                            case.escalated = !case.escalated;
                            case.escalated_at = case.escalated.then(now);
                        }
                        // Reassigned (a referral nobody holds is assigned
                        // through the API's own steps, not here).
                        2 if case.casusregisseur.is_some() => {
                            case.casusregisseur =
                                Some(logins[rng.random_range(0..logins.len())].clone());
                        }
                        3 => case.risk_flags = vec![RiskFlag::ChildSafety],
                        4 => {
                            case.status = regiedesk::domain::model::CaseStatus::Closed;
                            case.closed_at = Some(now());
                        }
                        _ => case.last_activity_at = now(),
                    }
                    delta.cases.push(case);
                }
            }
            app.update(Msg::Synced { delta, at: now() });
            if step % 40 != 39 {
                continue;
            }
            let mut fresh = desk_with(login, settings(), full(&app));
            arrange(&mut fresh);
            if let Some(who) = &drilled {
                // The same drill-down, opened on the fresh desk.
                press(&mut fresh, KeyCode::Char('1'));
                let at = fresh.tables[&View::Board(Board::Caseload)]
                    .visible
                    .iter()
                    .position(|&i| {
                        fresh.tables[&View::Board(Board::Caseload)].rows[i].key
                            == RowKey::Person(who.clone())
                    })
                    .expect("the person is on the caseload");
                for _ in 0..at {
                    press(&mut fresh, KeyCode::Down);
                }
                press(&mut fresh, KeyCode::Enter);
                assert_eq!(fresh.drill, drilled);
            }
            for view in [
                View::Board(Board::Caseload),
                View::Board(Board::Stagnatie),
                View::Board(Board::Mandaat),
                View::Board(Board::Doorzettingsmacht),
                View::CasesOf,
            ] {
                assert!(
                    shown(&app, view) == shown(&fresh, view),
                    "round {round}, step {step}: {view:?} differs"
                );
            }
            assert_eq!(app.unassigned_open(), fresh.unassigned_open());
        }
    }
}

#[test]
fn a_resync_replaces_what_the_desk_held_and_notifies_nothing() {
    // The server lost the desk's cursor (a restored or reseeded database):
    // the full sync that follows is all there is, not an addition.
    let mut app = desk("pr-jeugd");
    let before = rows(&app);
    assert!(before.len() > 1, "{before:?}");
    let kept = delta().cases[0].clone();
    let mut new_case = kept.clone();
    new_case.id = 66;
    new_case.number = "KST-2026-0066".into();
    let commands = app.update(Msg::Resynced {
        delta: Delta {
            cases: vec![kept.clone(), new_case],
            people: delta().people,
            ..Delta::default()
        },
        at: now(),
    });
    assert!(
        !commands.iter().any(|c| matches!(c, Command::Notify { .. })),
        "a resync is a fresh start, not news: {commands:?}"
    );
    assert_eq!(app.snapshot.cases.len(), 2, "only what the server has now");
    assert!(app.snapshot.cases.contains_key(&66));
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("opnieuw geladen")),
        "the desk says what happened"
    );
}

/// The Mandaat row of a request, selected.
fn select_request(app: &mut App, request_id: i64) {
    press(app, KeyCode::Char('3'));
    press(app, KeyCode::Home);
    let position = rows(app)
        .iter()
        .position(|k| matches!(k, RowKey::Request { request_id: id, .. } if *id == request_id))
        .expect("the request is on Mandaat");
    for _ in 0..position {
        press(app, KeyCode::Char('j'));
    }
}

#[test]
fn term_actions_are_offered_only_where_the_law_allows_them() {
    let mut app = desk_with("pr-jeugd", settings(), desk_fixture::terms_delta());
    // In time: suspend and extend, no notice of default, nothing to resume.
    select_request(&mut app, 2);
    let offered = |app: &App| {
        [
            Action::Suspend,
            Action::Resume,
            Action::Extend,
            Action::DefaultNotice,
        ]
        .map(|a| app.offers(a))
    };
    assert_eq!(offered(&app), [true, false, true, false]);
    // Suspended: only resume.
    select_request(&mut app, 3);
    assert_eq!(offered(&app), [false, true, true, false]);
    // Late without a notice: only the notice.
    select_request(&mut app, 6);
    assert_eq!(offered(&app), [false, false, false, true]);
    // In default already: nothing left to record.
    select_request(&mut app, 5);
    assert_eq!(offered(&app), [false, false, false, false]);
    // The casusregisseur does not see Mandaat's requests; the
    // procesmanager records nothing.
    let pm = desk_with("pm", settings(), desk_fixture::terms_delta());
    assert!(!pm.offers(Action::Suspend) && !pm.offers(Action::DefaultNotice));
}

#[test]
fn suspending_sends_the_hersteltermijn_and_what_was_asked() {
    let mut app = desk_with("pr-jeugd", settings(), desk_fixture::terms_delta());
    select_request(&mut app, 2);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(dialog(&app).kind, DialogKind::Suspend { request_id: 2 });
    // Without what was asked nothing is sent, and the dialog says why.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(
        dialog(&app).flight,
        Flight::Refused("wat er gevraagd is is verplicht".into())
    );
    type_text(&mut app, "verslag school");
    // Tab to the hersteltermijn: 14 becomes 10 days.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "10");
    let outcome = app
        .term_outcome(dialog(&app), Some("verslag school"))
        .unwrap()
        .unwrap();
    // 26 November + 10 days: Sunday 6 December, so Monday 7 December.
    assert_eq!(
        regiedesk::domain::calendar::local_date(outcome.next.decide_by).to_string(),
        "2026-12-07"
    );
    let commands = press(&mut app, KeyCode::Enter);
    let Command::Act { call, .. } = &commands[0] else {
        panic!("expected an API call, got {commands:?}");
    };
    assert_eq!(
        call,
        &ActionCall::Request {
            request_id: 2,
            action: "suspension",
            body: serde_json::json!({"complete_by": "2026-12-04", "note": "verslag school"}),
            version: 1,
        }
    );
}

#[test]
fn an_extension_the_law_refuses_is_not_sent_and_keeps_the_text() {
    let mut app = desk_with("pr-jeugd", settings(), desk_fixture::terms_delta());
    select_request(&mut app, 2);
    press(&mut app, KeyCode::Char('v'));
    // The weeks come first: nine is more than the law's term allows.
    type_text(&mut app, "9");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "advies jeugdarts");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "nothing sent");
    assert_eq!(
        dialog(&app).flight,
        Flight::Refused("verdagen kan met 1 tot 8 weken".into())
    );
    assert_eq!(dialog(&app).reason.value(), "advies jeugdarts");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "4");
    let commands = press(&mut app, KeyCode::Enter);
    let Command::Act { call, .. } = &commands[0] else {
        panic!("expected an API call, got {commands:?}");
    };
    let ActionCall::Request { action, body, .. } = call else {
        panic!("a request action");
    };
    assert_eq!(*action, "extension");
    assert_eq!(
        body,
        &serde_json::json!({"weeks": 4, "reason": "advies jeugdarts"})
    );
}

fn ctrl_l() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL))
}

#[test]
fn logging_in_again_is_offered_only_with_a_session_of_the_identity_provider() {
    let mut app = desk("pr-jeugd");
    assert!(!app.offers(Action::Login));
    assert!(app.update(key(KeyCode::Char('L'))).is_empty());
    assert!(app.update(ctrl_l()).is_empty());
    assert_eq!(app.relogin, None);
    app.sso = true;
    assert!(app.offers(Action::Login));
    assert_eq!(app.update(key(KeyCode::Char('L'))), vec![Command::Login]);
    assert_eq!(app.relogin, Some(Relogin::Starting));
}

#[test]
fn ctrl_l_in_a_dialog_logs_in_again_and_keeps_the_typed_text() {
    let mut app = desk("pr-jeugd");
    app.sso = true;
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "geen indicatie");
    // A plain L is text in the dialog.
    assert!(app.update(key(KeyCode::Char('L'))).is_empty());
    assert_eq!(app.relogin, None);
    assert_eq!(app.update(ctrl_l()), vec![Command::Login]);
    // Keys while waiting go nowhere: not into the dialog.
    assert!(app.update(key(KeyCode::Char('x'))).is_empty());
    app.update(Msg::SyncFailed {
        error: "sessie beëindigd".into(),
        denied: true,
        retry_at: now(),
    });
    assert_eq!(
        app.update(Msg::Relogin(ReloginMsg::Done)),
        vec![Command::SyncNow]
    );
    assert_eq!(app.relogin, None);
    assert_eq!(
        app.connection.offline, None,
        "the banner goes with the new login"
    );
    assert_eq!(dialog(&app).reason.value(), "geen indicatieL");
}

#[test]
fn esc_gives_up_a_login_and_its_late_answers_change_nothing() {
    let mut app = desk("pr-jeugd");
    app.sso = true;
    app.update(key(KeyCode::Char('L')));
    assert_eq!(press(&mut app, KeyCode::Esc), vec![Command::CancelLogin]);
    assert_eq!(app.relogin, None);
    assert!(app.update(Msg::Relogin(ReloginMsg::Done)).is_empty());
    assert_eq!(app.relogin, None);
    // A failure can be tried again with L.
    app.update(key(KeyCode::Char('L')));
    app.update(Msg::Relogin(ReloginMsg::Failed(
        "de code is verlopen".into(),
    )));
    assert_eq!(
        app.relogin,
        Some(Relogin::Failed("de code is verlopen".into()))
    );
    assert_eq!(app.update(key(KeyCode::Char('L'))), vec![Command::Login]);
}

#[test]
fn a_refusal_that_a_new_login_mends_says_ctrl_l_in_the_dialog() {
    let mut app = desk("pr-jeugd");
    app.sso = true;
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('a'));
    let commands = press(&mut app, KeyCode::Enter);
    let Command::Act { ticket, .. } = commands[0] else {
        panic!("an API call");
    };
    app.update(Msg::ActionDone {
        ticket,
        result: Err(ApiFailure::Refused(Problem {
            kind: "urn:regiedesk:problem:mfa-required".into(),
            title: "Forbidden".into(),
            status: 403,
            detail: "meervoudige authenticatie vereist voor decide".into(),
            current_version: None,
            retry_after: None,
        })),
    });
    let Flight::Refused(text) = &dialog(&app).flight else {
        panic!("refused in the dialog");
    };
    assert!(text.contains("meervoudige authenticatie vereist"), "{text}");
    assert!(text.contains("Ctrl-L"), "{text}");
}

/// Issue 22: `R` on Stagnatie shows the Resultaat view (late evaluations,
/// goals off track, worst first) and back; Caseload says per
/// casusregisseur how many of their running goals are on course.
#[test]
fn r_shows_the_results_view_and_caseload_the_goals_on_course() {
    use regiedesk::domain::plan::{Goal, GoalState, Scored};
    let mut d = delta();
    let goal = |id, scores: Vec<Scored>| Goal {
        id,
        life_domain: "woning".into(),
        start_score: 2,
        target_score: 4,
        target_date: "2027-06-30".parse().unwrap(),
        requests: Vec::new(),
        dropped_at: None,
        scores,
    };
    let stalled = |on: &str| Scored {
        on: on.parse().unwrap(),
        score: 2,
        state: GoalState::NietOpKoers,
    };
    for case in d.cases.iter_mut().filter(|c| c.id == 2 || c.id == 5) {
        case.first_contact_at = Some("2026-08-01T09:00:00Z".parse().unwrap());
        case.plan_at = Some("2026-08-03T09:00:00Z".parse().unwrap());
        case.goals = vec![goal(1, Vec::new()), goal(2, Vec::new())];
    }
    // Case 5: goal 1 stalled twice, evaluated last on 2 November.
    let case = d.cases.iter_mut().find(|c| c.id == 5).unwrap();
    case.goals[0].scores = vec![stalled("2026-10-01"), stalled("2026-11-02")];
    case.evaluations = vec![
        regiedesk::domain::plan::Evaluated {
            on: "2026-10-01".parse().unwrap(),
            due: "2026-11-03".parse().unwrap(),
            is_final: false,
        },
        regiedesk::domain::plan::Evaluated {
            on: "2026-11-02".parse().unwrap(),
            due: "2027-01-01".parse().unwrap(),
            is_final: false,
        },
    ];
    let mut app = desk_with("pr-jeugd", settings(), d);
    press(&mut app, KeyCode::Char('2'));
    assert!(app.offers(Action::Results));
    press(&mut app, KeyCode::Char('R'));
    // Case 2's evaluation was due 3 November (never made): late first;
    // then case 5's goal off track. Case 1 (unassigned) is Stagnatie's.
    assert_eq!(rows(&app), [RowKey::Case(2), RowKey::Case(5)]);
    let text = screen(&app, 160, 48);
    assert!(text.contains("Stagnatie › Resultaat · 2 zaken"), "{text}");
    assert!(text.contains("evaluatie te laat"), "{text}");
    press(&mut app, KeyCode::Char('R'));
    assert!(rows(&app).contains(&RowKey::Case(1)));
    // cr-01 holds both: four running goals, one off track.
    press(&mut app, KeyCode::Char('1'));
    let keys: Vec<&'static str> = app.columns().iter().map(|c| c.key).collect();
    let at = |key: &str| keys.iter().position(|k| *k == key).unwrap();
    let cells = cell_texts(&app, &RowKey::Person(Some("cr-01".into())));
    assert_eq!(cells[at("doelen_op_koers")], "3/4", "{cells:?}");
    let cells = cell_texts(&app, &RowKey::Person(Some("cr-02".into())));
    assert_eq!(cells[at("doelen_op_koers")], "—", "{cells:?}");
}
