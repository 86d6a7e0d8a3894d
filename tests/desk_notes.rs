//! The procesregisseur's own notes at the desk (`m`): a note with a
//! reminder sent to the API, the reminder a signal on Stagnatie (last, and
//! for the author only: the sync brings only theirs), never announced in a
//! notification, and dealt with from the same form. The fixture's clock
//! stands at Tuesday 24 November 2026; case 4 (H-DDDD, cr-03) is on no
//! board of its own.

mod desk_fixture;

use crossterm::event::KeyCode;
use desk_fixture::{acts, desk, now, press, screen, shown, type_text};
use regiedesk::api::wire::NewNoteBody;
use regiedesk::desk::app::{ActionCall, App, Changed, Command, Flight, Msg, Overlay};
use regiedesk::desk::keymap::Action;
use regiedesk::domain::boards::{Board, Delta};
use regiedesk::domain::note::{CaseNote, Reminder};

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn select(app: &mut App, case_id: i64) {
    let at = shown(app).iter().position(|&id| id == case_id).unwrap();
    press(app, KeyCode::Char('g'));
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
}

fn note(id: i64, case_id: i64, remind_on: Option<&str>, done: bool) -> CaseNote {
    CaseNote {
        id,
        case_id,
        author: "pr-jeugd".into(),
        text: "bel de casusregisseur".into(),
        remind_on: remind_on.map(d),
        done,
        created_at: now(),
    }
}

fn synced(app: &mut App, reminders: Vec<Reminder>) -> Vec<Command> {
    app.update(Msg::Synced {
        delta: Delta {
            reminders: Some(reminders),
            ..Delta::default()
        },
        at: now(),
    })
}

#[test]
fn m_keeps_a_note_with_a_reminder_and_what_was_typed_stays_on_an_error() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('2'));
    select(&mut app, 2);
    assert!(app.offers(Action::Note));
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "bel de casusregisseur vrijdag");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "20-11");
    insta::assert_snapshot!("note_form_80x24", screen(&app, 80, 24));
    // A day gone by is refused in the form; the text stays.
    assert!(acts(&press(&mut app, KeyCode::Enter)).is_empty());
    let Some(Overlay::Note(form)) = &app.overlay else {
        panic!("the form stays");
    };
    assert!(matches!(&form.flight, Flight::Refused(why) if why.contains("verleden")));
    assert_eq!(form.text.value(), "bel de casusregisseur vrijdag");
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "27-11");
    let sent = acts(&press(&mut app, KeyCode::Enter));
    assert_eq!(
        sent.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
        [ActionCall::NoteAdd {
            case_id: 2,
            body: NewNoteBody {
                text: Some("bel de casusregisseur vrijdag".into()),
                remind_on: Some(d("2026-11-27")),
            },
        }]
    );
    app.update(Msg::ActionDone {
        ticket: sent[0].0,
        result: Ok(Changed::Note(Box::new(note(
            7,
            2,
            Some("2026-11-27"),
            false,
        )))),
    });
    assert!(app.overlay.is_none());
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("KST-2026-0002: Notitie bewaard")
    );
    // Not due before Friday: no signal yet.
    assert_eq!(app.snapshot.reminders[&2][0].remind_on, d("2026-11-27"));
    let signals = app.stagnation_of(2);
    assert!(
        signals
            .iter()
            .all(|s| s.kind != regiedesk::domain::norms::StagnationKind::Reminder)
    );
}

#[test]
fn a_due_reminder_is_a_signal_last_on_stagnatie_never_a_notification_and_is_dealt_with() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('2'));
    assert!(!shown(&app).contains(&4));
    // The author's sync brings their reminder on case 4, due today.
    let commands = synced(
        &mut app,
        vec![Reminder {
            note_id: 9,
            case_id: 4,
            remind_on: d("2026-11-24"),
        }],
    );
    assert!(
        !commands.iter().any(|c| matches!(c, Command::Notify { .. })),
        "{commands:?}"
    );
    for second in 1..=30 {
        let commands = app.update(Msg::Tick(now() + chrono::TimeDelta::seconds(second)));
        assert!(!commands.iter().any(|c| matches!(c, Command::Notify { .. })));
    }
    assert_eq!(shown(&app).last(), Some(&4), "after the norms and the law");
    let text = screen(&app, 160, 48);
    assert!(text.contains("eigen herinnering"), "{text}");
    assert!(
        !text.contains("bel de casusregisseur"),
        "the text is not on the board"
    );

    // m on it: the reminder is offered, not ticked (dealing with it is a
    // choice, never a side effect of a new note); Enter with nothing
    // typed says how.
    select(&mut app, 4);
    press(&mut app, KeyCode::Char('m'));
    let Some(Overlay::Note(form)) = &app.overlay else {
        panic!("the note form");
    };
    assert!(!form.finish);
    assert!(acts(&press(&mut app, KeyCode::Enter)).is_empty());
    let Some(Overlay::Note(form)) = &app.overlay else {
        panic!("the note form");
    };
    assert!(matches!(&form.flight, Flight::Refused(why) if why.contains("Spatie")));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(' '));
    let sent = acts(&press(&mut app, KeyCode::Enter));
    assert_eq!(
        sent.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
        [ActionCall::NoteDone {
            case_id: 4,
            note_id: 9
        }]
    );
    app.update(Msg::ActionDone {
        ticket: sent[0].0,
        result: Ok(Changed::Note(Box::new(note(
            9,
            4,
            Some("2026-11-24"),
            true,
        )))),
    });
    assert!(app.overlay.is_none());
    assert!(!shown(&app).contains(&4));
}

#[test]
fn only_a_procesregisseur_keeps_notes() {
    for (login, offered) in [("pr-volw", true), ("pr-dzm", true), ("pm", false)] {
        let mut app = desk(login);
        press(&mut app, KeyCode::Char('2'));
        assert_eq!(app.board, Board::Stagnatie);
        assert_eq!(app.offers(Action::Note), offered, "{login}");
    }
    let mut app = desk("cr-01");
    press(&mut app, KeyCode::Char('2'));
    select(&mut app, 2);
    assert!(!app.offers(Action::Note));
    press(&mut app, KeyCode::Char('m'));
    assert!(app.overlay.is_none());
}
