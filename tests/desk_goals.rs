//! The goals from the desk (issue 22): `E` evaluates the running goals of
//! the selected case with a ZRM score and a state each, says before Enter
//! what the rule will do, sends one call at the version seen, keeps what
//! was chosen when the server refuses, and closes on success.

mod desk_fixture;

use crossterm::event::KeyCode;
use desk_fixture::{acts, delta, desk_with, press, screen, settings, type_text};
use regiedesk::api::client::ApiFailure;
use regiedesk::api::wire::Problem;
use regiedesk::desk::app::{ActionCall, App, Changed, Msg, Overlay};
use regiedesk::desk::columns::RowKey;
use regiedesk::desk::keymap::Action;
use regiedesk::domain::boards::Delta;
use regiedesk::domain::plan::{Goal, GoalState, Scored};

/// Case 5 (cr-01, on pr-jeugd's Stagnatie) with a plan of 3 August and
/// two goals, evaluated once on 2 November: goal 1 stayed at 2.
fn planned() -> Delta {
    let mut d = delta();
    let case = d.cases.iter_mut().find(|c| c.id == 5).unwrap();
    case.first_contact_at = Some("2026-08-01T09:00:00Z".parse().unwrap());
    case.plan_at = Some("2026-08-03T09:00:00Z".parse().unwrap());
    case.version = 7;
    let goal = |id, domain: &str, start, target, last: u8, state| Goal {
        id,
        life_domain: domain.into(),
        start_score: start,
        target_score: target,
        target_date: "2027-06-30".parse().unwrap(),
        requests: Vec::new(),
        dropped_at: None,
        scores: vec![Scored {
            on: "2026-11-02".parse().unwrap(),
            score: last,
            state,
        }],
    };
    case.goals = vec![
        goal(1, "relaties thuis", 2, 4, 2, GoalState::NietOpKoers),
        goal(2, "werk en opleiding", 2, 4, 3, GoalState::OpKoers),
    ];
    case.evaluations = vec![regiedesk::domain::plan::Evaluated {
        on: "2026-11-02".parse().unwrap(),
        due: "2026-11-03".parse().unwrap(),
        is_final: false,
    }];
    d
}

fn on_case_5(login: &str) -> App {
    on_case_5_of(login, planned())
}

/// `login`'s desk on Stagnatie with case 5 of `delta` selected.
fn on_case_5_of(login: &str, delta: Delta) -> App {
    let mut app = desk_with(login, settings(), delta);
    press(&mut app, KeyCode::Char('2'));
    let table = app.table().unwrap();
    let at = table
        .visible
        .iter()
        .position(|&i| table.rows[i].key == RowKey::Case(5))
        .expect("case 5 on Stagnatie");
    press(&mut app, KeyCode::Char('g'));
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    app
}

#[test]
fn e_evaluates_every_running_goal_and_says_what_the_rule_will_do() {
    let mut app = on_case_5("pr-jeugd");
    assert!(app.offers(Action::Evaluate));
    press(&mut app, KeyCode::Char('E'));
    assert!(matches!(app.overlay, Some(Overlay::Evaluation(_))));
    // Goal 1 stays at 2 again: the form says it goes off track.
    let text = screen(&app, 160, 48);
    assert!(
        text.contains("Doel 1 (relaties thuis) komt op Stagnatie als 'niet op koers'"),
        "{text}"
    );
    // Three months after today (24 November): 24 February 2027.
    assert!(
        text.contains("Volgende evaluatie vóór 24 feb 2027"),
        "{text}"
    );
    insta::assert_snapshot!("evaluation_form_160x48", text);
    insta::assert_snapshot!("evaluation_form_80x24", screen(&app, 80, 24));
    // Goal 1 up to 3 (on course), goal 2 to 4 (reached).
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('4'));
    let text = screen(&app, 160, 48);
    assert!(!text.contains("niet op koers'"), "{text}");
    // Vervallen needs a remark: Space cycles the state to it.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    let Some(Overlay::Evaluation(form)) = &app.overlay else {
        panic!("the form");
    };
    assert_eq!(form.rows[1].state, GoalState::Vervallen);
    assert!(acts(&press(&mut app, KeyCode::Enter)).is_empty());
    assert!(screen(&app, 160, 48).contains("vraagt een toelichting"));
    // The refusal puts the cursor on the remark: what is typed lands there
    // and changes no score; then Enter: one call at version 7.
    let Some(Overlay::Evaluation(form)) = &app.overlay else {
        panic!("the form");
    };
    assert_eq!(form.at, form.rows.len());
    type_text(&mut app, "gesprek met moeder en school");
    let sent = acts(&press(&mut app, KeyCode::Enter));
    let [
        (
            ticket,
            ActionCall::Case {
                case_id,
                action,
                body,
                version,
            },
        ),
    ] = &sent[..]
    else {
        panic!("{sent:?}");
    };
    assert_eq!((*case_id, *action, *version), (5, "evaluations", 7));
    assert_eq!(body["final"], false);
    assert_eq!(body["scores"][0]["score"], 3);
    assert_eq!(body["scores"][0]["state"], "op_koers");
    assert_eq!(body["scores"][1]["score"], 4);
    assert_eq!(body["scores"][1]["state"], "vervallen");
    assert_eq!(body["scores"][1]["reason"], "gesprek met moeder en school");

    // Refused: what was chosen and typed stays.
    app.update(Msg::ActionDone {
        ticket: *ticket,
        result: Err(ApiFailure::Refused(Problem {
            kind: "urn:regiedesk:problem:conflict".into(),
            title: "Conflict".into(),
            status: 409,
            detail: "KST-2026-0005 is vandaag al geëvalueerd".into(),
            current_version: None,
            retry_after: None,
        })),
    });
    let Some(Overlay::Evaluation(form)) = &app.overlay else {
        panic!("the form stays");
    };
    assert_eq!(form.rows[1].score, 4);
    assert_eq!(form.remark.value(), "gesprek met moeder en school");
    assert!(screen(&app, 160, 48).contains("al geëvalueerd"));
    // Esc with this work in the form asks first; a second Esc would close.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Some(Overlay::Evaluation(_))));
    assert!(screen(&app, 160, 48).contains("Nogmaals Esc gooit deze evaluatie weg"));
    // Sent again and done: the case as the server has it, the form closed.
    let sent = acts(&press(&mut app, KeyCode::Enter));
    let mut case = planned().cases.into_iter().find(|c| c.id == 5).unwrap();
    case.version = 8;
    app.update(Msg::ActionDone {
        ticket: sent[0].0,
        result: Ok(Changed::Case(Box::new(case))),
    });
    assert!(app.overlay.is_none());
    let status = app.status.as_ref().unwrap().text.clone();
    assert_eq!(status, "KST-2026-0005: evaluatie vastgelegd.");
}

#[test]
fn only_who_may_record_the_plan_is_offered_e() {
    // The procesregisseur volwassenen does not steer a youth case's goals;
    // the procesmanager changes nothing.
    for login in ["pr-volw", "pm"] {
        let app = on_case_5(login);
        assert!(!app.offers(Action::Evaluate), "{login}");
    }
    // cr-01 holds case 5.
    assert!(on_case_5("cr-01").offers(Action::Evaluate));
    // A case without goals has nothing to evaluate.
    let mut app = desk_with("pr-jeugd", settings(), delta());
    press(&mut app, KeyCode::Char('2'));
    assert!(!app.offers(Action::Evaluate));
}

/// Case 5 after its first contact, without a plan.
fn contacted() -> Delta {
    let mut d = delta();
    let case = d.cases.iter_mut().find(|c| c.id == 5).unwrap();
    case.first_contact_at = Some("2026-11-20T09:00:00Z".parse().unwrap());
    case.plan_at = None;
    case.version = 4;
    d
}

#[test]
fn p_records_the_plan_with_its_goals_and_checks_them_before_sending() {
    let mut app = on_case_5_of("cr-01", contacted());
    assert!(app.offers(Action::Plan));
    assert!(!app.offers(Action::Evaluate), "no goals yet");
    press(&mut app, KeyCode::Char('P'));
    // Goal 1: werk en opleiding (a letter chooses the next life domain
    // starting with it), its words, 2 → 4, before 30 June 2027.
    press(&mut app, KeyCode::Char('w'));
    assert!(screen(&app, 160, 48).contains("‹ werk en opleiding ›"));
    press(&mut app, KeyCode::Char('w'));
    assert!(screen(&app, 160, 48).contains("‹ woning ›"));
    press(&mut app, KeyCode::Char('w'));
    assert!(
        screen(&app, 160, 48).contains("‹ werk en opleiding ›"),
        "round again"
    );
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "weer elke dag naar school");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "30-06-2027");
    // Goal 2 with Ctrl-N: relaties thuis, no words yet: Enter says so.
    app.update(Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('n'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    for _ in 0..3 {
        press(&mut app, KeyCode::Right);
    }
    assert!(acts(&press(&mut app, KeyCode::Enter)).is_empty());
    let text = screen(&app, 160, 48);
    assert!(
        text.contains("Doel 2: wat wil het huishouden bereiken?"),
        "{text}"
    );
    assert!(text.contains("Eerste evaluatie vóór 24 feb 2027"), "{text}");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "rust in huis");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    // A target date in the past is refused with the rule's own words.
    type_text(&mut app, "01-11-2026");
    assert!(acts(&press(&mut app, KeyCode::Enter)).is_empty());
    assert!(screen(&app, 160, 48).contains("Doel 2: de streefdatum ligt na vandaag"));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "31-05-2027");
    insta::assert_snapshot!("plan_form_160x48", screen(&app, 160, 48));
    insta::assert_snapshot!("plan_form_80x24", screen(&app, 80, 24));
    let sent = acts(&press(&mut app, KeyCode::Enter));
    let [
        (
            ticket,
            ActionCall::Case {
                case_id,
                action,
                body,
                version,
            },
        ),
    ] = &sent[..]
    else {
        panic!("{sent:?}");
    };
    assert_eq!((*case_id, *action, *version), (5, "plan", 4));
    assert_eq!(body["goals"][0]["life_domain"], "werk en opleiding");
    assert_eq!(body["goals"][0]["text"], "weer elke dag naar school");
    assert_eq!(body["goals"][0]["start_score"], 2);
    assert_eq!(body["goals"][0]["target_score"], 4);
    assert_eq!(body["goals"][0]["target_date"], "2027-06-30");
    assert_eq!(body["goals"][1]["life_domain"], "relaties thuis");
    assert_eq!(body["goals"][1]["target_date"], "2027-05-31");
    let mut case = contacted().cases.into_iter().find(|c| c.id == 5).unwrap();
    case.plan_at = Some("2026-11-24T14:30:00Z".parse().unwrap());
    case.version = 5;
    app.update(Msg::ActionDone {
        ticket: *ticket,
        result: Ok(Changed::Case(Box::new(case))),
    });
    assert!(app.overlay.is_none());
    let status = app.status.as_ref().unwrap().text.clone();
    assert_eq!(status, "KST-2026-0005: plan vastgelegd met 2 doelen.");
    assert!(!app.offers(Action::Plan), "the plan is there");
}

#[test]
fn p_and_e_say_why_they_are_not_offered() {
    let mut app = on_case_5("cr-01");
    press(&mut app, KeyCode::Char('P'));
    assert!(app.overlay.is_none());
    let why = app.status.as_ref().unwrap().text.clone();
    assert_eq!(
        why,
        "KST-2026-0005: het plan is er al; E evalueert de doelen."
    );
    let mut app = on_case_5("pr-volw");
    press(&mut app, KeyCode::Char('E'));
    assert!(app.overlay.is_none());
    let why = app.status.as_ref().unwrap().text.clone();
    assert!(
        why.contains("de casusregisseur of de procesregisseur"),
        "{why}"
    );
}
