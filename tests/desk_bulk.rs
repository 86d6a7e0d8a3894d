//! Several cases at once (`Space`, `V`), one action on all of them with
//! one reason (`t`, `e`), each case sent at its own version, and the
//! export of the marked rows (`x`); saved views (`:` "bewaar weergave").
//! The fixture (see `desk_fixture`): on pr-jeugd's Stagnatie stand case 1
//! (nobody assigned), case 2 (cr-01, first contact late) and case 5
//! (cr-01, term near); case 3 (cr-02) is escalated already.

mod desk_fixture;

use std::collections::HashSet;

use crossterm::event::KeyCode;
use desk_fixture::{acts, delta, desk_with, press, screen, settings, shown, stale, type_text};
use regiedesk::desk::app::{
    ActionCall, App, Bulk, BulkOutcome, BulkStage, Changed, Command, Msg, Overlay, PaletteCommand,
};
use regiedesk::desk::columns::RowKey;
use regiedesk::desk::keymap::Action;
use regiedesk::domain::boards::{Board, Delta};

/// The fixture with each case at a version of its own (10 + id), so a
/// test can tell which If-Match went with which case.
fn versioned() -> Delta {
    let mut delta = delta();
    for case in &mut delta.cases {
        case.version = 10 + case.id;
    }
    delta
}

fn stagnatie(login: &str) -> App {
    let mut app = desk_with(login, settings(), versioned());
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.board, Board::Stagnatie);
    app
}

fn marked(app: &App) -> Vec<i64> {
    app.table()
        .unwrap()
        .marked()
        .iter()
        .filter_map(|r| r.key.case_id())
        .collect()
}

fn bulk(app: &App) -> &Bulk {
    match &app.overlay {
        Some(Overlay::Bulk(bulk)) => bulk,
        other => panic!("expected the bulk dialog, got {other:?}"),
    }
}

#[test]
fn space_marks_and_moves_v_marks_a_range_and_marks_follow_the_case() {
    let mut app = stagnatie("pr-jeugd");
    assert_eq!(shown(&app), [1, 2, 5]);
    assert!(app.offers(Action::Mark));
    // Space marks the row and moves to the next one.
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(marked(&app), [1]);
    assert_eq!(app.selected_case().unwrap().id, 2);
    // Space on a marked row unmarks it.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char(' '));
    assert!(marked(&app).is_empty());
    assert!(!app.has_marks());

    // V opens a range at the cursor that follows it; V closes it.
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('V'));
    assert_eq!(marked(&app), [1]);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(marked(&app), [1, 2, 5]);
    press(&mut app, KeyCode::Up);
    assert_eq!(marked(&app), [1, 2], "the range follows the cursor back");
    press(&mut app, KeyCode::Char('V'));
    press(&mut app, KeyCode::Down);
    assert_eq!(marked(&app), [1, 2], "closed: the cursor moves alone");

    // A sort keeps the marks on the same cases.
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('S'));
    assert_eq!(marked(&app).len(), 2);
    let keys: HashSet<i64> = marked(&app).into_iter().collect();
    assert_eq!(keys, HashSet::from([1, 2]));

    // A marked case that leaves the board (assigned, first contact made
    // elsewhere) leaves the marks.
    let mut gone = versioned().cases.remove(0);
    gone.status = regiedesk::domain::model::CaseStatus::Closed;
    gone.closed_at = Some(desk_fixture::now());
    app.update(Msg::Synced {
        delta: Delta {
            cases: vec![gone],
            ..Delta::default()
        },
        at: desk_fixture::now(),
    });
    assert!(!shown(&app).contains(&1));
    assert_eq!(marked(&app), [2]);

    // Esc drops the marks first, before the filter.
    press(&mut app, KeyCode::Esc);
    assert!(!app.has_marks());
}

#[test]
fn t_with_marks_reassigns_each_case_at_its_own_version_and_lists_what_failed() {
    let mut app = stagnatie("pr-jeugd");
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(marked(&app), [1, 2, 5]);
    assert!(app.offers(Action::Reassign));
    insta::assert_snapshot!("stagnatie_marked_80x24", screen(&app, 80, 24));

    assert!(acts(&press(&mut app, KeyCode::Char('t'))).is_empty());
    assert_eq!(bulk(&app).stage, BulkStage::Choose);
    assert_eq!(bulk(&app).waiting(), 3);
    // S. Kok takes them all.
    type_text(&mut app, "Kok");
    press(&mut app, KeyCode::Enter);
    assert_eq!(bulk(&app).stage, BulkStage::Reason);
    assert_eq!(bulk(&app).to.as_ref().unwrap().login, "cr-17");
    insta::assert_snapshot!("bulk_reassign_reason_120x30", screen(&app, 120, 30));
    // One reason for all; without it nothing is sent.
    assert!(acts(&press(&mut app, KeyCode::Enter)).is_empty());
    assert!(bulk(&app).warning.is_some());
    type_text(&mut app, "werkvoorraad verdeeld");
    let sent = acts(&press(&mut app, KeyCode::Enter));
    let calls: Vec<(i64, &str, String, String, i64)> = sent
        .iter()
        .map(|(_, call)| match call {
            ActionCall::Case {
                case_id,
                action,
                body,
                version,
            } => (
                *case_id,
                *action,
                body["casusregisseur"].as_str().unwrap().to_string(),
                body["reason"].as_str().unwrap().to_string(),
                *version,
            ),
            other => panic!("an assignment, not {other:?}"),
        })
        .collect();
    let reason = "werkvoorraad verdeeld".to_string();
    assert_eq!(
        calls,
        [
            (1, "assign", "cr-17".into(), reason.clone(), 11),
            (2, "assign", "cr-17".into(), reason.clone(), 12),
            (5, "assign", "cr-17".into(), reason, 15),
        ]
    );

    // Case 2 changed meanwhile: reported, not overwritten; the others
    // moved.
    let mut moved = |ticket: u64, id: i64| {
        let mut case = versioned().cases.into_iter().find(|c| c.id == id).unwrap();
        if case.casusregisseur.is_none() {
            let now = desk_fixture::now();
            case.status = regiedesk::domain::model::CaseStatus::Assigned;
            case.assigned_at = Some(now);
            case.first_contact_due_at =
                Some(regiedesk::domain::norms::Norms::default().first_contact_due(now));
        }
        case.casusregisseur = Some("cr-17".into());
        case.version += 1;
        app.update(Msg::ActionDone {
            ticket,
            result: Ok(Changed::Case(Box::new(case))),
        })
    };
    moved(sent[0].0, 1);
    moved(sent[2].0, 5);
    assert!(!bulk(&app).done());
    let last = app.update(Msg::ActionDone {
        ticket: sent[1].0,
        result: Err(stale()),
    });
    assert!(last.contains(&Command::SyncNow));
    let outcome: Vec<BulkOutcome> = bulk(&app).rows.iter().map(|r| r.outcome.clone()).collect();
    assert_eq!(outcome[0], BulkOutcome::Done);
    assert!(matches!(&outcome[1], BulkOutcome::Failed(why) if why.contains("intussen gewijzigd")));
    assert_eq!(outcome[2], BulkOutcome::Done);
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(
        status.starts_with("2 van 3 zaken herverdeeld naar S. Kok"),
        "{status}"
    );
    assert!(
        status.ends_with("; de andere blijven gemarkeerd."),
        "{status}"
    );
    insta::assert_snapshot!("bulk_reassign_done_120x30", screen(&app, 120, 30));
    // Closing the dialog: only the case that did not move stays marked.
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(marked(&app), [2]);
}

#[test]
fn e_with_marks_escalates_what_may_be_and_says_why_not_for_the_rest() {
    let mut app = desk_with("pr-jeugd", settings(), versioned());
    // Doorzettingsmacht is not where pr-jeugd escalates; Caseload's drill
    // into cr-02 holds the escalated case 3, and cr-01's two.
    press(&mut app, KeyCode::Char('1'));
    for login in ["cr-02", "cr-01"] {
        let table = app.table().unwrap();
        let at = table
            .visible
            .iter()
            .position(|&i| table.rows[i].key == RowKey::Person(Some(login.into())))
            .unwrap();
        press(&mut app, KeyCode::Char('g'));
        for _ in 0..at {
            press(&mut app, KeyCode::Down);
        }
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Char('g'));
        press(&mut app, KeyCode::Char('V'));
        press(&mut app, KeyCode::Char('G'));
        press(&mut app, KeyCode::Char('V'));
        if login == "cr-02" {
            // Only the escalated case 3: e says why, and opens nothing.
            assert_eq!(marked(&app), [3]);
            assert!(!app.offers(Action::Escalate));
            press(&mut app, KeyCode::Char('e'));
            assert!(app.overlay.is_none());
            let why = app.status.as_ref().unwrap().text.clone();
            assert!(why.contains("KST-2026-0003: al opgeschaald"), "{why}");
            press(&mut app, KeyCode::Esc);
            press(&mut app, KeyCode::Esc);
        }
    }
    assert_eq!(marked(&app), [2, 5]);
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(bulk(&app).stage, BulkStage::Reason);
    type_text(&mut app, "termijn en eerste contact in gevaar");
    let sent = acts(&press(&mut app, KeyCode::Enter));
    let escalated: Vec<(i64, &str, i64)> = sent
        .iter()
        .map(|(_, call)| match call {
            ActionCall::Case {
                case_id,
                action,
                version,
                ..
            } => (*case_id, *action, *version),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(escalated, [(2, "escalate", 12), (5, "escalate", 15)]);
}

#[test]
fn a_casusregisseur_marks_but_cannot_reassign_in_bulk_and_is_told_why() {
    let mut app = desk_with("cr-01", settings(), versioned());
    press(&mut app, KeyCode::Char('2'));
    // Their own case (the fixture's snapshot holds more than the server
    // would send a casusregisseur).
    let at = shown(&app).iter().position(|&id| id == 2).unwrap();
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(marked(&app), [2]);
    assert!(app.has_marks());
    assert!(!app.offers(Action::Reassign));
    press(&mut app, KeyCode::Char('t'));
    assert!(app.overlay.is_none());
    let why = app.status.as_ref().unwrap().text.clone();
    assert!(why.contains("alleen een procesregisseur"), "{why}");
}

#[test]
fn x_exports_the_marked_rows_or_else_the_rows_shown_with_no_formula() {
    let mut app = stagnatie("pr-jeugd");
    // Nothing marked: the rows shown, after the filter.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "Bakker");
    press(&mut app, KeyCode::Enter);
    let commands = press(&mut app, KeyCode::Char('x'));
    let [
        Command::Export {
            file_name,
            contents,
            rows,
        },
    ] = commands.as_slice()
    else {
        panic!("one export, not {commands:?}");
    };
    assert_eq!(*rows, 2);
    assert!(
        file_name.starts_with("regiedesk-stagnatie-2026-11-24-"),
        "{file_name}"
    );
    assert!(file_name.ends_with(".csv"));
    let lines: Vec<&str> = contents.lines().collect();
    assert!(lines[0].starts_with("Zaak,Huish.,Signalen"), "{}", lines[0]);
    assert!(lines[1].starts_with("KST-2026-0002,H-BBBB,"));
    assert!(lines[2].starts_with("KST-2026-0005,H-EEEE,"));
    // "+2 wd" would be a formula to a spreadsheet: it is text.
    assert!(contents.contains(",'+2 wd,"), "{contents}");

    // Marked: only those, whatever the filter shows.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Char(' '));
    let commands = press(&mut app, KeyCode::Char('x'));
    let [Command::Export { contents, rows, .. }] = commands.as_slice() else {
        panic!("one export");
    };
    assert_eq!(*rows, 1);
    assert_eq!(contents.lines().count(), 2);
    assert!(
        contents
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("KST-2026-0005,")
    );
    // Where it went, in the footer.
    app.update(Msg::Exported {
        rows: 1,
        result: Ok("/home/u/Downloads/x.csv".into()),
    });
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "1 rijen geëxporteerd naar /home/u/Downloads/x.csv"
    );
}

#[test]
fn a_saved_view_keeps_filter_sort_and_columns_and_colon_name_brings_it_back() {
    let mut app = stagnatie("pr-jeugd");
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "Bakker");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('s'));
    let sort = app.table().unwrap().sort.unwrap();
    let sorted_by = app.columns()[sort.column].key;
    // Hide the organisation column through the palette.
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "kolom aan/uit: organisatie");
    press(&mut app, KeyCode::Enter);

    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "bewaar weergave bakker-jeugd");
    let Some(Overlay::Palette(palette)) = &app.overlay else {
        panic!("the palette");
    };
    assert_eq!(
        palette.entries[0].1,
        PaletteCommand::SaveView("bakker-jeugd".into())
    );
    let commands = press(&mut app, KeyCode::Enter);
    let [Command::SaveView { name, view }] = commands.as_slice() else {
        panic!("one view to save, not {commands:?}");
    };
    assert_eq!(name, "bakker-jeugd");
    assert_eq!(view.board, "stagnatie");
    assert_eq!(view.filter, "Bakker");
    assert_eq!(view.sort.as_deref(), Some(sorted_by));
    assert_eq!(view.hidden_columns, ["organisatie"]);
    app.update(Msg::ViewSaved {
        name: name.clone(),
        result: Ok("/home/u/.config/regiedesk/regiedesk.toml".into()),
    });
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains(":bakker-jeugd opent hem")
    );

    // A name with a space is refused in the palette, before anything is
    // written.
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "bewaar weergave twee woorden");
    let Some(Overlay::Palette(palette)) = &app.overlay else {
        panic!("the palette");
    };
    assert!(matches!(palette.entries[0].1, PaletteCommand::Say(_)));
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let said = app.status.as_ref().unwrap().text.clone();
    assert!(said.contains("1 tot 32 letters"), "{said}");

    // Elsewhere, with nothing filtered: `:bakker-jeugd` brings it back.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "kolom aan/uit: organisatie");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "bakker-jeugd");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.board, Board::Stagnatie);
    let table = app.table().unwrap();
    assert_eq!(table.filter, "Bakker");
    assert_eq!(table.sort, Some(sort));
    assert_eq!(shown(&app), [2, 5]);
    let organisation = app
        .columns()
        .iter()
        .find(|c| c.key == "organisatie")
        .unwrap();
    assert!(app.hidden(organisation));
}

#[test]
fn saved_views_are_read_from_the_configuration() {
    let mut settings = settings();
    settings.views.insert(
        "ongezien".into(),
        regiedesk::config::SavedView {
            board: "stagnatie".into(),
            filter: "niet toegewezen".into(),
            sort: None,
            descending: false,
            hidden_columns: vec![],
        },
    );
    let mut app = desk_with("pr-jeugd", settings, versioned());
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "ongezien");
    let Some(Overlay::Palette(palette)) = &app.overlay else {
        panic!("the palette");
    };
    assert_eq!(
        palette.entries[0].1,
        PaletteCommand::OpenView("ongezien".into())
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.board, Board::Stagnatie);
    assert_eq!(shown(&app), [1]);
}

#[test]
fn with_rows_marked_an_action_for_one_case_says_so_instead_of_taking_the_cursor_row() {
    let mut app = desk_with("pr-jeugd", settings(), versioned());
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.board, Board::Mandaat);
    assert!(app.offers(Action::Approve), "the fixture's first request");
    press(&mut app, KeyCode::Char(' '));
    assert!(app.has_marks());
    press(&mut app, KeyCode::Char('k'));
    // The footer no longer offers it, and the key says why.
    assert!(!app.offers(Action::Approve));
    assert!(!screen(&app, 160, 48).contains("a toekennen"));
    press(&mut app, KeyCode::Char('a'));
    assert!(app.overlay.is_none());
    let why = app.status.as_ref().unwrap().text.clone();
    assert!(why.starts_with("Er is 1 rij gemarkeerd"), "{why}");
    assert!(why.contains("Esc heft de markering op"), "{why}");
    // Esc lifts the marks; then a acts on the row under the cursor.
    press(&mut app, KeyCode::Esc);
    assert!(!app.has_marks());
    assert!(app.offers(Action::Approve));
}
