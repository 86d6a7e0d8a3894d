//! A team under pressure at the desk: marking a casusregisseur absent
//! (`A` on Caseload), the redistribution proposal edited and confirmed
//! once, each case moved at the version the proposal saw (a case changed
//! meanwhile reported, not moved), the absence on the boards, and the way
//! back after a temporary absence. The fixture's clock stands at Tuesday
//! 24 November 2026; cr-01 (A. Bakker) holds case 2 (first contact late)
//! and case 5 (a jeugdhulp term ending Thursday 26 November).

mod desk_fixture;

use crossterm::event::KeyCode;
use desk_fixture::{acts, delta, desk, desk_with, press, screen, settings, stale, type_text};
use regiedesk::api::wire::{AbsenceChangeBody, NewAbsenceBody};
use regiedesk::desk::app::{
    ActionCall, App, Changed, Command, Msg, Outcome, Overlay, Redistribution, Stage,
};
use regiedesk::desk::columns::RowKey;
use regiedesk::desk::keymap::Action;
use regiedesk::domain::absence::{Absence, MovedCase};
use regiedesk::domain::boards::Board;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// Selects `login`'s row on Caseload.
fn select_person(app: &mut App, login: &str) {
    assert_eq!(app.board, Board::Caseload);
    let table = app.table().unwrap();
    let at = table
        .visible
        .iter()
        .position(|&i| table.rows[i].key == RowKey::Person(Some(login.into())))
        .unwrap_or_else(|| panic!("{login} on Caseload"));
    press(app, KeyCode::Char('g'));
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
}

fn plan(app: &App) -> &Redistribution {
    match &app.overlay {
        Some(Overlay::Redistribution(plan)) => plan,
        other => panic!("expected a proposal, got {other:?}"),
    }
}

fn absence(id: i64, from: &str, until: &str) -> Absence {
    Absence {
        id,
        login: "cr-01".into(),
        from: d(from),
        until: d(until),
        temporary: true,
        moved: vec![],
        settled: false,
    }
}

#[test]
fn only_a_procesregisseur_is_offered_absence_and_only_on_someone_with_cases() {
    for (login, offered) in [("pr-jeugd", true), ("pr-volw", true), ("pm", false)] {
        let mut app = desk(login);
        press(&mut app, KeyCode::Char('1'));
        select_person(&mut app, "cr-01");
        assert_eq!(app.offers(Action::Absence), offered, "{login}");
    }
    let mut app = desk("cr-01");
    press(&mut app, KeyCode::Char('1'));
    assert!(!app.offers(Action::Absence));
    assert!(acts(&press(&mut app, KeyCode::Char('A'))).is_empty());
}

#[test]
fn marking_absent_proposes_edits_and_moves_each_case_at_its_version() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('1'));
    select_person(&mut app, "cr-01");
    assert!(press(&mut app, KeyCode::Char('A')).is_empty());
    insta::assert_snapshot!("absence_form_120x30", screen(&app, 120, 30));

    // The last day is typed over the default; a wrong date is refused in
    // the form and what was typed stays.
    for _ in 0..12 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "31-02-2026");
    assert!(acts(&press(&mut app, KeyCode::Enter)).is_empty());
    let Some(Overlay::Absence(form)) = &app.overlay else {
        panic!("the form stays");
    };
    assert_eq!(form.until.value(), "31-02-2026");
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "27-11-2026");
    let sent = acts(&press(&mut app, KeyCode::Enter));
    assert_eq!(
        sent[0].1,
        ActionCall::Absence {
            login: "cr-01".into(),
            body: NewAbsenceBody {
                from: d("2026-11-24"),
                until: d("2026-11-27"),
                temporary: true,
            },
        }
    );
    app.update(Msg::ActionDone {
        ticket: sent[0].0,
        result: Ok(Changed::Absence(Box::new(absence(
            9,
            "2026-11-24",
            "2026-11-27",
        )))),
    });

    // Both of cr-01's cases have something due by Friday.
    let proposal = plan(&app);
    assert_eq!(proposal.stage, Stage::Editing);
    let cases: Vec<i64> = proposal.rows.iter().map(|r| r.line.case_id).collect();
    assert_eq!(cases, [2, 5]);
    assert!(
        proposal
            .rows
            .iter()
            .all(|r| r.keep && r.line.to.as_deref().is_some_and(|to| to != "cr-01"))
    );
    insta::assert_snapshot!("redistribution_proposal_140x36", screen(&app, 140, 36));

    // Another person for the first case: S. Kok.
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Kok");
    press(&mut app, KeyCode::Enter);
    assert_eq!(plan(&app).rows[0].line.to.as_deref(), Some("cr-17"));
    // Space drops a case from the proposal, and brings it back.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    assert!(!plan(&app).rows[1].keep);
    press(&mut app, KeyCode::Char(' '));
    assert!(plan(&app).rows[1].keep);

    // One reason for all; without it nothing is sent.
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(plan(&app).stage, Stage::Reason);
    assert!(acts(&press(&mut app, KeyCode::Enter)).is_empty());
    assert!(plan(&app).warning.is_some());
    type_text(&mut app, "afwezig");
    let sent = acts(&press(&mut app, KeyCode::Enter));
    let to_of = |call: &ActionCall| match call {
        ActionCall::Case {
            case_id,
            action: "assign",
            body,
            version,
        } => (
            *case_id,
            body["casusregisseur"].as_str().unwrap().to_string(),
            body["reason"].clone(),
            body["absence"].clone(),
            *version,
        ),
        other => panic!("expected an assignment, got {other:?}"),
    };
    let second = plan(&app).rows[1].line.to.clone().unwrap();
    assert_eq!(
        sent.iter().map(|(_, c)| to_of(c)).collect::<Vec<_>>(),
        [
            (2, "cr-17".to_string(), "afwezig".into(), 9.into(), 1),
            (5, second, "afwezig".into(), 9.into(), 1),
        ],
        "each case its own reassignment, at the version the proposal saw, for the absence"
    );

    // Case 2 moves; case 5 changed meanwhile (412) and is reported.
    let mut moved = app.snapshot.cases[&2].clone();
    moved.casusregisseur = Some("cr-17".into());
    moved.version = 2;
    app.update(Msg::ActionDone {
        ticket: sent[0].0,
        result: Ok(Changed::Case(Box::new(moved))),
    });
    assert!(!plan(&app).done());
    let last = app.update(Msg::ActionDone {
        ticket: sent[1].0,
        result: Err(stale()),
    });
    let proposal = plan(&app);
    assert!(proposal.done());
    assert_eq!(proposal.rows[0].outcome, Outcome::Moved);
    assert!(
        matches!(&proposal.rows[1].outcome, Outcome::NotMoved(why) if why.contains("intussen gewijzigd"))
    );
    assert!(last.contains(&Command::SyncNow));
    assert_eq!(
        app.snapshot.cases[&2].casusregisseur.as_deref(),
        Some("cr-17")
    );
    assert_eq!(
        app.snapshot.cases[&5].casusregisseur.as_deref(),
        Some("cr-01"),
        "a case changed meanwhile is not overwritten"
    );
    insta::assert_snapshot!("redistribution_result_140x36", screen(&app, 140, 36));
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
}

#[test]
fn the_boards_show_who_is_away_and_which_cases_fall_due_meanwhile() {
    let mut start = delta();
    start
        .absences
        .insert("cr-01".into(), vec![absence(9, "2026-11-24", "2026-11-27")]);
    start.absences.insert(
        "cr-02".into(),
        vec![absence(10, "2026-12-07", "2026-12-11")],
    );
    start.absences.get_mut("cr-02").unwrap()[0].login = "cr-02".into();
    let mut app = desk_with("pr-jeugd", settings(), start);
    press(&mut app, KeyCode::Char('1'));
    let caseload = screen(&app, 160, 48);
    insta::assert_snapshot!("caseload_absences_160x48", caseload);
    // Stagnatie: case 2 (cr-01, contact late) says its holder is away.
    press(&mut app, KeyCode::Char('2'));
    let stagnatie = screen(&app, 160, 48);
    let line = stagnatie
        .lines()
        .find(|l| l.contains("KST-2026-0002"))
        .unwrap();
    assert!(line.contains("A. Bakker · afwezig"), "{line}");
    // The drill-down into cr-01 marks each case with something due.
    press(&mut app, KeyCode::Char('1'));
    select_person(&mut app, "cr-01");
    press(&mut app, KeyCode::Enter);
    let drill = screen(&app, 130, 40);
    for number in ["KST-2026-0002", "KST-2026-0005"] {
        let line = drill.lines().find(|l| l.contains(number)).unwrap();
        assert!(line.contains("regisseur afwezig t/m 27-11"), "{line}");
    }
    // Away only from next Monday: case 2's contact (late since 20 Nov) and
    // case 5's term (26 Nov) fall due before, so neither is marked.
    let mut later = delta();
    later
        .absences
        .insert("cr-01".into(), vec![absence(9, "2026-11-30", "2026-12-04")]);
    let mut app = desk_with("pr-jeugd", settings(), later);
    press(&mut app, KeyCode::Char('2'));
    let stagnatie = screen(&app, 160, 48);
    let line = stagnatie
        .lines()
        .find(|l| l.starts_with("│KST-2026-0002"))
        .unwrap();
    assert!(
        line.contains("A. Bakker") && !line.contains("afwezig"),
        "{line}"
    );
}

#[test]
fn after_a_temporary_absence_the_cases_are_proposed_back_and_the_return_settled() {
    let mut start = delta();
    // cr-01 was away last week; case 2 went to S. Kok for the time of it
    // and is still there; case 5 was moved too but has gone on since.
    let mut away = absence(9, "2026-11-16", "2026-11-20");
    away.moved = vec![
        MovedCase {
            case_id: 2,
            to: "cr-17".into(),
        },
        MovedCase {
            case_id: 5,
            to: "cr-17".into(),
        },
    ];
    start.absences.insert("cr-01".into(), vec![away]);
    for case in start.cases.iter_mut().filter(|c| c.id == 2) {
        case.casusregisseur = Some("cr-17".into());
    }
    let mut app = desk_with("pr-jeugd", settings(), start);
    press(&mut app, KeyCode::Char('1'));
    select_person(&mut app, "cr-01");
    assert!(
        screen(&app, 160, 48)
            .lines()
            .any(|l| l.contains("A. Bakker") && l.contains("terug: 1")),
        "the caseload says cases wait to go back"
    );
    press(&mut app, KeyCode::Char('A'));
    let proposal = plan(&app);
    assert!(proposal.back);
    let rows: Vec<_> = proposal
        .rows
        .iter()
        .map(|r| (r.line.case_id, r.line.to.clone()))
        .collect();
    assert_eq!(rows, [(2, Some("cr-01".to_string()))]);
    press(&mut app, KeyCode::Char('c'));
    // The reason is filled in; Enter moves it back, without the absence.
    let sent = acts(&press(&mut app, KeyCode::Enter));
    let ActionCall::Case { body, .. } = &sent[0].1 else {
        panic!("an assignment");
    };
    assert_eq!(
        body,
        &serde_json::json!({"casusregisseur": "cr-01", "reason": "terug van afwezigheid"})
    );
    let mut back = app.snapshot.cases[&2].clone();
    back.casusregisseur = Some("cr-01".into());
    back.version += 1;
    let after = app.update(Msg::ActionDone {
        ticket: sent[0].0,
        result: Ok(Changed::Case(Box::new(back))),
    });
    assert_eq!(
        acts(&after)[0].1,
        ActionCall::AbsenceChange {
            login: "cr-01".into(),
            id: 9,
            body: AbsenceChangeBody {
                until: None,
                settled: Some(true),
            },
        },
        "everything chosen went back: the return is settled"
    );
}

/// What a fresh walk found: someone away is listed last in the picker and
/// says so; `a` keeps what the procesregisseur changed; a dropped case
/// says it stays with the absent person; `i` withdraws an absence recorded
/// by mistake.
#[test]
fn the_walk_away_marks_kept_edits_and_withdrawing() {
    let mut start = delta();
    let mut away = absence(9, "2026-11-24", "2026-11-27");
    away.login = "cr-17".into();
    start.absences.insert("cr-17".into(), vec![away]);
    start.absences.insert(
        "cr-01".into(),
        vec![absence(10, "2026-11-24", "2026-11-27")],
    );
    let mut app = desk_with("pr-jeugd", settings(), start);

    // The picker: S. Kok (away) after every casusregisseur who is not.
    press(&mut app, KeyCode::Char('2'));
    let table = app.table().unwrap();
    let at = table
        .visible
        .iter()
        .position(|&i| table.rows[i].key == RowKey::Case(2))
        .unwrap();
    press(&mut app, KeyCode::Char('g'));
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char('t'));
    let Some(Overlay::Dialog(dialog)) = &app.overlay else {
        panic!("the picker");
    };
    let listed = app.candidates(dialog);
    let kok = listed.iter().position(|c| c.login == "cr-17").unwrap();
    assert!(
        listed[..kok]
            .iter()
            .filter(|c| c.role == regiedesk::domain::model::Role::Casusregisseur)
            .all(|c| c.away_until.is_none()),
        "nobody away before S. Kok"
    );
    assert!(
        listed[kok + 1..]
            .iter()
            .all(|c| c.away_until.is_some()
                || c.role != regiedesk::domain::model::Role::Casusregisseur),
        "S. Kok after everyone who is here"
    );
    type_text(&mut app, "Kok");
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 120, 40);
    assert!(text.contains("Naar S. Kok (⚠ afwezig t/m 27-11)"), "{text}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);

    // cr-01's proposal: pick someone for case 2, drop case 5, toggle the
    // scope twice: the choices stay.
    press(&mut app, KeyCode::Char('1'));
    select_person(&mut app, "cr-01");
    press(&mut app, KeyCode::Char('A'));
    assert!(
        !plan(&app)
            .rows
            .iter()
            .any(|r| r.line.to.as_deref() == Some("cr-17"))
    );
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Prins");
    press(&mut app, KeyCode::Enter);
    let chosen = plan(&app).rows[0].line.to.clone();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('a'));
    let proposal = plan(&app);
    assert_eq!(proposal.rows[0].line.to, chosen);
    assert!(!proposal.rows[1].keep);
    let text = screen(&app, 140, 36);
    assert!(text.contains("blijft bij A. Bakker"), "{text}");

    // `i`: the absence is withdrawn and the proposal closes.
    let sent = acts(&press(&mut app, KeyCode::Char('i')));
    assert_eq!(
        sent[0].1,
        ActionCall::AbsenceWithdraw {
            login: "cr-01".into(),
            id: 10
        }
    );
    app.update(Msg::ActionDone {
        ticket: sent[0].0,
        result: Ok(Changed::AbsenceGone("cr-01".into(), 10)),
    });
    assert!(app.overlay.is_none());
    assert!(app.snapshot.absences_of("cr-01").is_empty());
}

/// At 80x24 the proposal keeps each case's load and outcome on screen
/// (the household column gives way).
#[test]
fn the_proposal_fits_80x24() {
    let mut app = desk("pr-jeugd");
    app.update(Msg::Resize(80, 24));
    press(&mut app, KeyCode::Char('1'));
    select_person(&mut app, "cr-01");
    press(&mut app, KeyCode::Char('A'));
    let sent = acts(&press(&mut app, KeyCode::Enter));
    app.update(Msg::ActionDone {
        ticket: sent[0].0,
        result: Ok(Changed::Absence(Box::new(absence(
            9,
            "2026-11-24",
            "2026-11-27",
        )))),
    });
    insta::assert_snapshot!("redistribution_proposal_80x24", screen(&app, 80, 24));
    let text = screen(&app, 80, 24);
    let row = text.lines().find(|l| l.contains("KST-2026-0002")).unwrap();
    assert!(row.contains("/14") && row.contains("past"), "{row}");
}
