//! What a day at the desk tripped over (issue 21, section 4), each point
//! as the test that shows it mended. The fixture's clock stands at Tuesday
//! 24 November 2026.

mod desk_fixture;

use crossterm::event::KeyCode;
use desk_fixture::{delta, desk, desk_with, screen, settings, terms_delta, waakvlam_delta};
use regiedesk::desk::app::{App, Changed, Command, DialogKind, Flight, Msg, Overlay};
use regiedesk::desk::columns::RowKey;
use regiedesk::desk::screens::{key, typed};
use regiedesk::domain::boards::Delta;
use regiedesk::domain::term::DefaultNotice;

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(key(code))
}

fn type_text(app: &mut App, text: &str) {
    for msg in typed(text) {
        app.update(msg);
    }
}

fn flight(app: &App) -> Flight {
    match &app.overlay {
        Some(Overlay::Dialog(dialog)) => dialog.flight.clone(),
        other => panic!("expected a dialog, got {other:?}"),
    }
}

fn sends(commands: &[Command]) -> bool {
    commands.iter().any(|c| matches!(c, Command::Act { .. }))
}

/// Selects the row of `key` on the board on screen.
fn select(app: &mut App, key: RowKey) {
    let table = app.table().unwrap();
    let at = table
        .visible
        .iter()
        .position(|&i| table.rows[i].key == key)
        .unwrap_or_else(|| panic!("{key:?} on the board"));
    press(app, KeyCode::Char('g'));
    for _ in 0..at {
        press(app, KeyCode::Down);
    }
}

fn request_row(app: &App, number: &str) -> RowKey {
    let request = app
        .snapshot
        .requests
        .values()
        .find(|r| r.number == number)
        .unwrap();
    RowKey::Request {
        request_id: request.id,
        case_id: request.case_id,
    }
}

/// Point 4: nobody over capacity above someone with room; a load over
/// capacity is drawn as a full bar; choosing someone full says so.
#[test]
fn t04_the_picker_puts_room_first_and_warns_of_a_full_choice() {
    let mut start = delta();
    for person in start.people.iter_mut().filter(|p| p.login == "cr-01") {
        person.capacity = Some(1);
    }
    let mut app = desk_with("pr-jeugd", settings(), start);
    press(&mut app, KeyCode::Char('1'));
    let caseload = screen(&app, 160, 48);
    let bakker = caseload.lines().find(|l| l.contains("A. Bakker")).unwrap();
    assert!(
        bakker.contains("██████████ !2/1 +1") || bakker.contains("██████████ 2/1 +1"),
        "{bakker}"
    );

    press(&mut app, KeyCode::Char('2'));
    select(&mut app, RowKey::Case(2));
    press(&mut app, KeyCode::Char('t'));
    let Some(Overlay::Dialog(dialog)) = &app.overlay else {
        panic!("the picker");
    };
    let listed = app.candidates(dialog);
    let full = listed.iter().position(|c| c.login == "cr-01").unwrap();
    let with_room = listed
        .iter()
        .rposition(|c| {
            c.has_room() && !c.current && c.role == regiedesk::domain::model::Role::Casusregisseur
        })
        .unwrap();
    assert!(with_room < full, "everyone with room before the full one");
    // cr-01 holds the case already; cr-02 (one case) is made full too.
    let mut app = {
        let mut start = delta();
        for person in start.people.iter_mut().filter(|p| p.login == "cr-02") {
            person.capacity = Some(1);
        }
        desk_with("pr-jeugd", settings(), start)
    };
    press(&mut app, KeyCode::Char('2'));
    select(&mut app, RowKey::Case(2));
    press(&mut app, KeyCode::Char('t'));
    let name = app.snapshot.name_of("cr-02");
    type_text(&mut app, &name);
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 120, 40);
    assert!(
        text.contains(&format!("Naar {name} (⚠ geen ruimte: 1/1)")),
        "{text}"
    );
}

/// Point 6: a request not in the plan is not sent for approval.
#[test]
fn t06_approving_a_request_outside_the_plan_sends_nothing() {
    let mut start = delta();
    for request in start.requests.iter_mut().filter(|r| r.id == 2) {
        request.in_plan = false;
    }
    let mut app = desk_with("pr-jeugd", settings(), start);
    press(&mut app, KeyCode::Char('3'));
    let row = request_row(&app, "AV-2026-0002");
    select(&mut app, row);
    press(&mut app, KeyCode::Char('a'));
    assert!(!sends(&press(&mut app, KeyCode::Enter)));
    let Flight::Refused(why) = flight(&app) else {
        panic!("refused in the dialog");
    };
    assert!(
        why.contains("Niet in het plan") && why.contains("Wijs af"),
        "{why}"
    );
}

/// Points 13 and 2: after `i` the confirmation names the dwangsom's first
/// day, and Mandaat's Termijn column shows all of it on a wide screen.
#[test]
fn t13_t02_a_notice_of_default_confirms_the_dwangsoms_first_day_shown_whole() {
    let mut app = desk_with("pr-jeugd", settings(), terms_delta());
    press(&mut app, KeyCode::Char('3'));
    // H-IIII: term ended 16 November, no notice yet.
    let request = app
        .snapshot
        .requests
        .values()
        .find(|r| app.snapshot.cases[&r.case_id].pseudonym == "H-IIII")
        .unwrap()
        .clone();
    let row = request_row(&app, &request.number);
    select(&mut app, row);
    press(&mut app, KeyCode::Char('i'));
    // "3-12" without a year is this year's; the example is this year's.
    for _ in 0..12 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "x");
    let text = screen(&app, 160, 48);
    assert!(text.contains("Vul een datum in als 24-11-2026."), "{text}");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "24-11");
    let commands = press(&mut app, KeyCode::Enter);
    let ticket = commands
        .iter()
        .find_map(|c| match c {
            Command::Act { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .expect("sent");
    let mut next = request.clone();
    next.term.default_notice = Some(DefaultNotice {
        received_on: "2026-11-24".parse().unwrap(),
        recorded_by: "pr-jeugd".into(),
    });
    next.version += 1;
    app.update(Msg::ActionDone {
        ticket,
        result: Ok(Changed::Request(Box::new(next))),
    });
    let status = app.status.as_ref().unwrap().text.clone();
    // Received Tuesday 24 November: two weeks to Tuesday 8 December, the
    // dwangsom from the day after.
    assert_eq!(
        status,
        format!("{} · dwangsom vanaf 9 dec 2026", request.number)
    );
    let wide = screen(&app, 220, 60);
    let line = wide.lines().find(|l| l.contains(&request.number)).unwrap();
    assert!(
        line.contains("ingebreke sinds 24-11 · dwangsom vanaf 09-12"),
        "{line}"
    );
}

/// Point 14: a refusal goes once the text it was about changes; the
/// concern's note is asked for by its own name; the extension's empty
/// field is not an error.
#[test]
fn t14_the_dialogs_words_fit_what_is_typed() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('3'));
    let row = request_row(&app, "AV-2026-0002");
    select(&mut app, row);
    press(&mut app, KeyCode::Char('r'));
    assert!(!sends(&press(&mut app, KeyCode::Enter)));
    assert!(matches!(flight(&app), Flight::Refused(why) if why == "Een reden is verplicht."));
    type_text(&mut app, "p");
    assert_eq!(flight(&app), Flight::Editing, "the stale refusal goes");
    press(&mut app, KeyCode::Esc);

    // Verdagen: the weeks not typed yet is a hint, not an error.
    press(&mut app, KeyCode::Char('v'));
    let text = screen(&app, 160, 48);
    assert!(text.contains("→ Vul het aantal weken in."), "{text}");
    assert!(!text.contains("✗"), "{text}");
    press(&mut app, KeyCode::Esc);

    // Waakvlam, `f`, Tab to a concern: the note is asked for as a note.
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Tab);
    assert!(!sends(&press(&mut app, KeyCode::Enter)));
    assert!(
        matches!(flight(&app), Flight::Refused(why) if why == "Een notitie over de zorg is verplicht.")
    );
}

/// Point 16: a first assignment is called that; the picker's count says
/// what is late.
#[test]
fn t16_a_first_assignment_is_toewijzen_and_the_picker_says_contact_laat() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('2'));
    select(&mut app, RowKey::Case(1));
    press(&mut app, KeyCode::Char('t'));
    let Some(Overlay::Dialog(dialog)) = &app.overlay else {
        panic!("the picker");
    };
    assert_eq!(dialog.kind, DialogKind::Reassign { case_id: 1 });
    let text = screen(&app, 120, 40);
    assert!(text.contains("Toewijzen · KST-2026-0001"), "{text}");
    assert!(!text.contains("Herverdelen"), "{text}");
    assert!(text.contains("contact laat 0"), "{text}");
}

/// Point 15: a key that does nothing on this row says why; cycling the
/// sort back to the board's order shows the first row again.
#[test]
fn t15_silent_keys_say_why_and_the_board_order_starts_at_the_top() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('4'));
    select(&mut app, RowKey::Case(3));
    press(&mut app, KeyCode::Char('e'));
    let status = app.status.as_ref().map(|s| s.text.clone());
    assert_eq!(status.as_deref(), Some("KST-2026-0003 is al opgeschaald."));
    press(&mut app, KeyCode::Char('S'));
    let status = app.status.as_ref().map(|s| s.text.clone()).unwrap();
    assert!(status.contains("kies eerst een kolom met s"), "{status}");

    // Two rows a page; the selection on the second row of the board.
    let mut app = desk_with("pr-jeugd", settings(), terms_delta());
    app.update(Msg::Resize(160, 8));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('j'));
    let key = app.selected_key().cloned();
    let mut scrolled = false;
    for _ in 0..20 {
        press(&mut app, KeyCode::Char('s'));
        let table = app.table().unwrap();
        scrolled |= table.offset > 0;
        if table.sort.is_none() {
            break;
        }
    }
    let table = app.table().unwrap();
    assert!(table.sort.is_none(), "back to the board's order");
    assert!(scrolled, "some sort moved the selection off the first page");
    assert_eq!(app.selected_key().cloned(), key, "the selection stays");
    assert_eq!(table.offset, 0, "the first row is on screen again");
}

/// Point 9: postponing a follow-up has a field for the date and one for
/// the reason; Tab moves between them; a bad date keeps the reason.
#[test]
fn t09_postponing_has_a_date_field_and_a_reason_field() {
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('l'));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Nieuwe nacontactdatum (dd-mm-jjjj):  17-12-2026"),
        "{text}"
    );
    assert!(text.contains("Reden (verplicht)"), "{text}");
    type_text(&mut app, "gezin op vakantie");
    press(&mut app, KeyCode::Tab);
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "x");
    assert!(!sends(&press(&mut app, KeyCode::Enter)));
    assert!(
        matches!(flight(&app), Flight::Refused(why) if why == "Vul de nieuwe datum in, als 24-11-2026.")
    );
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "07-01-2027");
    let commands = press(&mut app, KeyCode::Enter);
    let Some(Command::Act { call, .. }) = commands.first() else {
        panic!("sent: {commands:?}");
    };
    let regiedesk::desk::app::ActionCall::Case { body, .. } = call else {
        panic!("a case action");
    };
    assert_eq!(
        body,
        &serde_json::json!({"waakvlam_until": "2027-01-07", "reason": "gezin op vakantie"})
    );
}

/// Point 5: a word that is in a row as typed (a name) finds those rows,
/// not its letters scattered over others; a word found nowhere stays
/// fuzzy.
#[test]
fn t05_a_name_in_the_filter_finds_that_name() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('1'));
    let all = app.table().unwrap().visible.len();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "kok");
    let table = app.table().unwrap();
    let shown: Vec<String> = table
        .visible
        .iter()
        .map(|&i| table.rows[i].cells[0].text.clone())
        .collect();
    assert_eq!(shown, ["S. Kok"], "of {all} rows");
    // Not in any row as typed: fuzzy, as before (a typing error).
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "bkkr");
    let table = app.table().unwrap();
    assert!(
        table
            .visible
            .iter()
            .any(|&i| table.rows[i].cells[0].text == "A. Bakker"),
        "bkkr still finds A. Bakker"
    );
}

/// Point 7: `:` takes a request number; in a drill-down a case listed
/// there is selected there.
#[test]
fn t07_the_palette_finds_requests_and_stays_in_a_drill_down() {
    use regiedesk::desk::app::{PaletteCommand, View};
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "AV-2026-0002");
    let Some(Overlay::Palette(palette)) = &app.overlay else {
        panic!("the palette");
    };
    assert_eq!(palette.entries[0].1, PaletteCommand::GoRequest(2));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.board, regiedesk::domain::boards::Board::Mandaat);
    assert_eq!(app.selected_key().and_then(|k| k.request_id()), Some(2));

    // cr-01's cases: `:0005` selects case 5 in the drill-down (it is on
    // Mandaat too, by its request).
    press(&mut app, KeyCode::Char('1'));
    select(&mut app, RowKey::Person(Some("cr-01".into())));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), Some(View::CasesOf));
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "0005");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(commands.is_empty(), "no history opened: {commands:?}");
    assert_eq!(app.view(), Some(View::CasesOf));
    assert_eq!(app.selected_key(), Some(&RowKey::Case(5)));
}

/// Point 1: a follow-up's concern names the new case in the footer, in
/// the old case's history, and the new case names the old one.
#[test]
fn t01_a_concern_links_the_old_case_and_the_new_both_ways() {
    use regiedesk::api::wire::CaseDetailResponse;
    use regiedesk::domain::model::{
        CaseEvent, CaseStatus, EventKind, FollowUpResult, Household, Source,
    };
    let mut app = desk_with("pr-jeugd", settings(), waakvlam_delta());
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('g'));
    let old_id = app.selected_case().unwrap().id;
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "school meldt verzuim");
    let commands = press(&mut app, KeyCode::Enter);
    let Some(Command::Act { ticket, .. }) = commands.first() else {
        panic!("sent");
    };
    let mut old = app.snapshot.cases[&old_id].clone();
    old.status = CaseStatus::Closed;
    old.follow_up_result = Some(FollowUpResult::Concern);
    old.follow_up_case_id = Some(100);
    old.version += 1;
    app.update(Msg::ActionDone {
        ticket: *ticket,
        result: Ok(Changed::Case(Box::new(old.clone()))),
    });
    // The sync brings the new case: the footer names it.
    let household = Household {
        id: old.household_id,
        pseudonym: old.pseudonym.clone(),
        members: 3,
    };
    let mut new = regiedesk::domain::model::Case::referral(
        100,
        "KST-2026-0100".into(),
        &household,
        old.domain,
        Source::Waakvlam,
        vec![],
        desk_fixture::now(),
    );
    new.follows_case_id = Some(old_id);
    app.update(Msg::Synced {
        delta: Delta {
            cases: vec![new.clone()],
            ..Delta::default()
        },
        at: desk_fixture::now(),
    });
    let status = app.status.as_ref().unwrap().text.clone();
    assert_eq!(
        status,
        format!(
            "{} nacontact vastgelegd: zorg, nieuwe zaak aangemeld: KST-2026-0100",
            old.number
        )
    );
    // The old case's history names the new case.
    app.overlay = Some(Overlay::Detail(regiedesk::desk::app::Detail {
        case_id: old_id,
        state: regiedesk::desk::app::DetailState::Loading,
        scroll: 0,
    }));
    app.update(Msg::DetailLoaded {
        case_id: old_id,
        result: Ok(Box::new(CaseDetailResponse {
            case: old.clone(),
            household,
            events: vec![CaseEvent::new(
                desk_fixture::now(),
                "pr-jeugd",
                EventKind::WaakvlamFollowedUp,
                Some("school meldt verzuim".into()),
            )],
            requests: vec![],
            notes: vec![],
        })),
    });
    let text = screen(&app, 160, 48);
    assert!(text.contains("zorg: nieuwe zaak KST-2026-0100"), "{text}");
    assert!(
        text.contains("nacontact: zorg → nieuwe zaak KST-2026-0100"),
        "{text}"
    );
    // The new case's pane names the old one.
    app.overlay = None;
    press(&mut app, KeyCode::Char('1'));
    select(&mut app, RowKey::Person(None));
    press(&mut app, KeyCode::Enter);
    select(&mut app, RowKey::Case(100));
    let text = screen(&app, 160, 48);
    assert!(
        text.contains(&format!("volgt op {} (zorg bij het", old.number)),
        "{text}"
    );
}

/// Point 8: de-escalating a case the doorzettingsmacht took over says it
/// stays with them, and Tab chooses to hand it back: the picker follows.
#[test]
fn t08_deescalating_a_taken_over_case_offers_to_hand_it_back() {
    let mut start = delta();
    for case in start.cases.iter_mut().filter(|c| c.id == 3) {
        case.taken_over = true;
        case.casusregisseur = Some("pr-dzm".into());
    }
    let mut app = desk_with("pr-dzm", settings(), start);
    press(&mut app, KeyCode::Char('4'));
    select(&mut app, RowKey::Case(3));
    press(&mut app, KeyCode::Char('d'));
    let text = screen(&app, 120, 40);
    assert!(text.contains("blijft de zaak bij u"), "{text}");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "veiligheidsplan rond");
    let commands = press(&mut app, KeyCode::Enter);
    let Some(Command::Act { ticket, .. }) = commands.first() else {
        panic!("sent");
    };
    let mut calm = app.snapshot.cases[&3].clone();
    calm.escalated = false;
    calm.version += 1;
    app.update(Msg::ActionDone {
        ticket: *ticket,
        result: Ok(Changed::Case(Box::new(calm))),
    });
    let Some(Overlay::Dialog(dialog)) = &app.overlay else {
        panic!("the picker opens to hand it back");
    };
    assert_eq!(dialog.kind, DialogKind::Reassign { case_id: 3 });
    assert!(dialog.picking());
}

/// Point 3: at 160 columns Doorzettingsmacht shows who holds each case,
/// and "overgenomen" in Waarom once taken over; the palette says what a
/// column toggle and a sort did, and offers no sort by a hidden column.
#[test]
fn t03_doorzettingsmacht_says_taken_over_and_the_palette_answers() {
    use regiedesk::desk::app::PaletteCommand;
    let mut start = delta();
    for case in start.cases.iter_mut().filter(|c| c.id == 3) {
        case.taken_over = true;
        case.casusregisseur = Some("pr-dzm".into());
    }
    let mut app = desk_with("pr-dzm", settings(), start);
    press(&mut app, KeyCode::Char('4'));
    let text = screen(&app, 160, 48);
    let line = text
        .lines()
        .find(|l| l.starts_with("│KST-2026-0003"))
        .unwrap();
    assert!(line.contains("opgeschaald, overgenomen"), "{line}");
    let name = app.snapshot.name_of("pr-dzm");
    assert!(line.contains(&name), "the holder is on the row: {line}");

    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "kolom aan/uit: Overgen");
    press(&mut app, KeyCode::Enter);
    let status = app.status.as_ref().unwrap().text.clone();
    assert_eq!(status, "Kolom Overgen. uit");
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "sorteer op overgen");
    let Some(Overlay::Palette(palette)) = &app.overlay else {
        panic!("the palette");
    };
    assert!(
        !palette
            .entries
            .iter()
            .any(|(_, c)| matches!(c, PaletteCommand::SortBy(8))),
        "no sort by the hidden column: {:?}",
        palette.entries
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "sorteer op Casusregisseur");
    press(&mut app, KeyCode::Enter);
    let status = app.status.as_ref().unwrap().text.clone();
    assert_eq!(status, "Gesorteerd op Casusregisseur");
}

/// Point 11: at 80x24 Stagnatie keeps who to call, a date keeps its year
/// without colour, and the help scrolls.
#[test]
fn t11_at_80x24_who_to_call_dates_and_the_help_fit() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('2'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Casusregisseur"), "{text}");
    let mut mono = settings();
    mono.mono = true;
    let mut app = desk_with("pr-jeugd", mono, waakvlam_delta());
    press(&mut app, KeyCode::Char('6'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("!19 nov 2026"), "{text}");
    press(&mut app, KeyCode::Char('?'));
    let top = screen(&app, 80, 24);
    assert!(top.contains("j/k of ↑/↓ scrolt"), "{top}");
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    let scrolled = screen(&app, 80, 24);
    assert_ne!(top, scrolled, "the help scrolls");
    // G goes to the end (the last line of the help, for a desk without
    // colour), and k moves up from there at once.
    press(&mut app, KeyCode::Char('G'));
    let end = screen(&app, 80, 24);
    assert!(end.contains("Zonder kleur"), "{end}");
    press(&mut app, KeyCode::Char('k'));
    let up = screen(&app, 80, 24);
    assert_ne!(end, up, "k after G moves");
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(screen(&app, 80, 24), top);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

/// Point 15, and the walk: a case action this role may not take says why
/// in the domain's words instead of nothing.
#[test]
fn t15b_an_action_not_allowed_says_why() {
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char('4'));
    select(&mut app, RowKey::Case(3));
    press(&mut app, KeyCode::Char('o'));
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(status.starts_with("KST-2026-0003: "), "{status}");
    assert!(app.overlay.is_none());
    press(&mut app, KeyCode::Char('1'));
    select(&mut app, RowKey::Person(None));
    press(&mut app, KeyCode::Char('A'));
    let status = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(
        status.starts_with("A geldt voor een casusregisseur"),
        "{status}"
    );
}

/// The walk: `:` finds a household by its pseudonym; a request number
/// not found is said as typed, as a request.
#[test]
fn t07b_the_palette_finds_a_household_and_says_a_missing_request_as_typed() {
    use regiedesk::desk::app::PaletteCommand;
    let mut app = desk("pr-jeugd");
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "h-bbbb");
    let Some(Overlay::Palette(palette)) = &app.overlay else {
        panic!("the palette");
    };
    assert_eq!(palette.entries[0].1, PaletteCommand::GoCase(2));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "AV-2026-9999");
    press(&mut app, KeyCode::Enter);
    let status = app.status.as_ref().unwrap().text.clone();
    assert_eq!(
        status,
        "Geen aanvraag die u mag zien heeft het nummer AV-2026-9999"
    );
}

#[test]
fn walk_a_taken_over_case_says_so_and_the_procesmanager_has_no_mandate_board() {
    let mut delta = delta();
    let case = delta.cases.iter_mut().find(|c| c.id == 3).unwrap();
    case.casusregisseur = Some("pr-dzm".into());
    let mut app = desk_with("pr-dzm", settings(), delta);
    press(&mut app, KeyCode::Char('4'));
    select(&mut app, RowKey::Case(3));
    assert!(!sends(&press(&mut app, KeyCode::Char('o'))));
    assert!(app.overlay.is_none());
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "KST-2026-0003 is al in uw handen."
    );

    // pm decides nothing: the empty Mandaat is no figure "0 waiting".
    let mut app = desk("pm");
    press(&mut app, KeyCode::Char('3'));
    let text = screen(&app, 160, 48);
    assert!(
        text.contains("De procesmanager beslist niet op aanvragen"),
        "{text}"
    );
    assert!(!text.contains("Geen aanvragen die op uw besluit wachten"));
}
