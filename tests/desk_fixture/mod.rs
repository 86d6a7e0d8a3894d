//! A small municipality for the desk's update and snapshot tests: five
//! cases, each on the boards for a reason that can be said in a sentence.
#![allow(dead_code)]

use chrono::{DateTime, Utc};

use crossterm::event::KeyCode;
use regiedesk::api::client::ApiFailure;
use regiedesk::api::wire::Me;
use regiedesk::api::wire::Problem;
use regiedesk::config::Language;
use regiedesk::desk::app::{ActionCall, App, Command, Msg, Settings};
use regiedesk::desk::screens::{self, key, typed};
use regiedesk::domain::boards::{Board, Delta};
use regiedesk::domain::model::{
    Case, CaseDomain, CaseStatus, CloseResult, FollowUpResult, Household, Person, Request,
    RequestKind, RequestStatus, RiskFlag, Source,
};
use regiedesk::domain::norms::Norms;
use regiedesk::server::demo;

/// Tuesday 24 November 2026, 14:30 in Amsterdam.
pub fn now() -> DateTime<Utc> {
    "2026-11-24T13:30:00Z".parse().unwrap()
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub fn settings() -> Settings {
    Settings {
        lang: Language::Nl,
        mono: false,
        norms: Norms::default(),
        tabs: Board::ALL.to_vec(),
        hidden: Default::default(),
        notifications: true,
        focus: Default::default(),
        mouse: true,
        place: "Krimpen a/d IJssel (demo)".into(),
        views: Default::default(),
    }
}

pub fn person(login: &str) -> Person {
    demo::people()
        .into_iter()
        .find(|p| p.login == login)
        .unwrap_or_else(|| panic!("no demo login {login}"))
}

fn case(id: i64, pseudonym: &str, domain: CaseDomain, referred: &str) -> Case {
    let household = Household {
        id,
        pseudonym: pseudonym.into(),
        members: 3,
    };
    Case::referral(
        id,
        format!("KST-2026-{id:04}"),
        &household,
        domain,
        Source::Huisarts,
        vec![],
        at(referred),
    )
}

fn assigned(mut case: Case, to: &Person, on: &str) -> Case {
    let norms = Norms::default();
    case.status = CaseStatus::Assigned;
    case.casusregisseur = Some(to.login.clone());
    case.organisation = Some(to.organisation.clone());
    case.assigned_at = Some(at(on));
    case.first_contact_due_at = Some(norms.first_contact_due(at(on)));
    case.last_activity_at = at(on);
    case
}

fn planned(mut case: Case, contact: &str, plan: &str) -> Case {
    case.status = CaseStatus::Execution;
    case.first_contact_at = Some(at(contact));
    case.plan_at = Some(at(plan));
    case.last_activity_at = now() - chrono::Days::new(2);
    case
}

fn request(id: i64, case: &Case, kind: RequestKind, filed: &str) -> Request {
    Request {
        id,
        number: format!("AV-2026-{id:04}"),
        case_id: case.id,
        kind,
        provision: "ambulante begeleiding".into(),
        motivation: "Het gezinsplan vraagt specialistische hulp.".into(),
        in_plan: true,
        filed_by: case.casusregisseur.clone().unwrap(),
        filed_at: at(filed),
        decide_by: Norms::default().decide_by(kind, at(filed)),
        status: RequestStatus::Pending,
        decided_by: None,
        decided_at: None,
        reason: None,
        version: 1,
        term: Default::default(),
    }
}

/// The five cases:
/// 1. `H-AAAA` referred a week ago, nobody assigned: stagnant, unassigned.
/// 2. `H-BBBB` assigned to cr-01 on Wednesday, no contact: first contact
///    overdue (due Friday).
/// 3. `H-CCCC` with cr-02, child safety, escalated by pr-jeugd.
/// 4. `H-DDDD` adults, with cr-03, a pending Wmo request.
/// 5. `H-EEEE` youth, with cr-01, a pending jeugdhulp request filed in
///    October (deadline near).
pub fn delta() -> Delta {
    let cr01 = person("cr-01");
    let cr02 = person("cr-02");
    let cr03 = person("cr-03");
    let c1 = case(1, "H-AAAA", CaseDomain::Jeugd, "2026-11-16T09:00:00Z");
    let c2 = assigned(
        case(2, "H-BBBB", CaseDomain::Jeugd, "2026-11-17T09:00:00Z"),
        &cr01,
        "2026-11-18T10:00:00Z",
    );
    let mut c3 = planned(
        assigned(
            case(3, "H-CCCC", CaseDomain::Jeugd, "2026-10-01T09:00:00Z"),
            &cr02,
            "2026-10-01T12:00:00Z",
        ),
        "2026-10-02T09:00:00Z",
        "2026-10-09T09:00:00Z",
    );
    c3.risk_flags = vec![RiskFlag::ChildSafety];
    c3.escalated = true;
    c3.escalated_at = Some(at("2026-11-20T10:00:00Z"));
    c3.escalated_by = Some("pr-jeugd".into());
    c3.escalation_reason = Some("partijen oneens over veiligheidsplan".into());
    let c4 = planned(
        assigned(
            case(4, "H-DDDD", CaseDomain::Volwassenen, "2026-10-20T09:00:00Z"),
            &cr03,
            "2026-10-20T12:00:00Z",
        ),
        "2026-10-21T09:00:00Z",
        "2026-10-28T09:00:00Z",
    );
    let c5 = planned(
        assigned(
            case(5, "H-EEEE", CaseDomain::Jeugd, "2026-09-01T09:00:00Z"),
            &cr01,
            "2026-09-01T12:00:00Z",
        ),
        "2026-09-02T09:00:00Z",
        "2026-09-15T09:00:00Z",
    );
    let r1 = request(1, &c4, RequestKind::WmoMaatwerk, "2026-11-20T09:00:00Z");
    let r2 = request(2, &c5, RequestKind::Jeugdhulp, "2026-10-01T09:00:00Z");
    Delta {
        removed_cases: vec![],
        cases: vec![c1, c2, c3, c4, c5],
        requests: vec![r1, r2],
        people: demo::people(),
        absences: Default::default(),
        reminders: None,
    }
}

/// [`delta`] plus four Jeugd requests whose term the Awb moved, each on a
/// planned case of its own:
/// 3. `H-FFFF` (cr-02): filed 2 November, the applicant asked on Friday
///    20 November to complete it by 4 December: suspended.
/// 4. `H-GGGG` (cr-04): filed 28 September, extended by four weeks on
///    16 November: due 21 December.
/// 5. `H-HHHH` (cr-02): filed 31 August, term ended 26 October,
///    ingebrekestelling received 28 October: dwangsom from 12 November,
///    13 days today (€299).
/// 6. `H-IIII` (cr-04): filed 21 September, term ended 16 November, no
///    notice: late.
pub fn terms_delta() -> Delta {
    use regiedesk::domain::term::{DecisionTerm, DefaultNotice, Extension, Suspension};
    let mut delta = delta();
    let norms = Norms::default();
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let planned_case = |id: i64, pseudonym: &str, holder: &str| {
        planned(
            assigned(
                case(id, pseudonym, CaseDomain::Jeugd, "2026-08-20T09:00:00Z"),
                &person(holder),
                "2026-08-20T12:00:00Z",
            ),
            "2026-08-21T09:00:00Z",
            "2026-08-28T09:00:00Z",
        )
    };
    let moved = |id: i64, case: &Case, filed: &str, term: DecisionTerm| {
        let mut r = request(id, case, RequestKind::Jeugdhulp, filed);
        r.term = term;
        r.decide_by = norms.decide_by_under(r.kind, r.filed_at, &r.term);
        r.version = 2;
        r
    };
    let c6 = planned_case(6, "H-FFFF", "cr-02");
    let c7 = planned_case(7, "H-GGGG", "cr-04");
    let c8 = planned_case(8, "H-HHHH", "cr-02");
    let c9 = planned_case(9, "H-IIII", "cr-04");
    let r3 = moved(
        3,
        &c6,
        "2026-11-02T09:00:00Z",
        DecisionTerm {
            suspensions: vec![Suspension {
                asked_on: day("2026-11-20"),
                complete_by: day("2026-12-04"),
                completed_on: None,
                recorded_by: "pr-jeugd".into(),
                note: "verslag van school".into(),
            }],
            ..DecisionTerm::default()
        },
    );
    let r4 = moved(
        4,
        &c7,
        "2026-09-28T09:00:00Z",
        DecisionTerm {
            extension: Some(Extension {
                weeks: 4,
                notified_on: day("2026-11-16"),
                reason: "advies van de jeugdarts is nodig".into(),
                recorded_by: "pr-jeugd".into(),
            }),
            ..DecisionTerm::default()
        },
    );
    let r5 = moved(
        5,
        &c8,
        "2026-08-31T09:00:00Z",
        DecisionTerm {
            default_notice: Some(DefaultNotice {
                received_on: day("2026-10-28"),
                recorded_by: "admin".into(),
            }),
            ..DecisionTerm::default()
        },
    );
    let r6 = moved(6, &c9, "2026-09-21T09:00:00Z", DecisionTerm::default());
    delta.cases.extend([c6, c7, c8, c9]);
    delta.requests.extend([r3, r4, r5, r6]);
    delta
}

/// A case of household `id`, closed by `holder` on `closed` with result
/// `result`, kept in view until `until`.
fn in_waakvlam(
    id: i64,
    pseudonym: &str,
    domain: CaseDomain,
    holder: &Person,
    closed: &str,
    result: CloseResult,
    until: &str,
) -> Case {
    let mut c = planned(
        assigned(
            case(id, pseudonym, domain, "2026-03-02T09:00:00Z"),
            holder,
            "2026-03-03T09:00:00Z",
        ),
        "2026-03-04T09:00:00Z",
        "2026-03-11T09:00:00Z",
    );
    c.status = CaseStatus::Waakvlam;
    c.closed_at = Some(at(closed));
    c.close_result = Some(result);
    c.waakvlam_until = Some(until.parse().unwrap());
    c
}

/// [`delta`] and four households closed into waakvlam (now is Tuesday 24
/// November 2026):
/// 6. `H-FFFF` (cr-01), follow-up Thursday 19 November: 3 wd overdue.
/// 7. `H-GGGG` (cr-02), follow-up Friday 27 November: due this week.
/// 8. `H-HHHH` (cr-03, adults), follow-up 1 March 2027: later.
/// 9. `H-IIII` (cr-01), followed up on 10 November: no longer in waakvlam.
pub fn waakvlam_delta() -> Delta {
    let mut delta = delta();
    let (cr01, cr02, cr03) = (person("cr-01"), person("cr-02"), person("cr-03"));
    let overdue = in_waakvlam(
        6,
        "H-FFFF",
        CaseDomain::Jeugd,
        &cr01,
        "2026-06-15T10:00:00Z",
        CloseResult::Refused,
        "2026-11-19",
    );
    let soon = in_waakvlam(
        7,
        "H-GGGG",
        CaseDomain::Jeugd,
        &cr02,
        "2026-08-20T10:00:00Z",
        CloseResult::GoalsMet,
        "2026-11-27",
    );
    let later = in_waakvlam(
        8,
        "H-HHHH",
        CaseDomain::Volwassenen,
        &cr03,
        "2026-10-01T10:00:00Z",
        CloseResult::ReferredOn,
        "2027-03-01",
    );
    let mut done = in_waakvlam(
        9,
        "H-IIII",
        CaseDomain::Jeugd,
        &cr01,
        "2026-05-01T10:00:00Z",
        CloseResult::Refused,
        "2026-11-10",
    );
    done.status = CaseStatus::Closed;
    done.follow_up_at = Some(at("2026-11-10T10:00:00Z"));
    done.follow_up_result = Some(FollowUpResult::AllWell);
    delta.cases.extend([overdue, soon, later, done]);
    delta
}

/// A desk logged in as `login`, synced with [`delta`].
pub fn desk(login: &str) -> App {
    desk_with(login, settings(), delta())
}

pub fn desk_with(login: &str, settings: Settings, delta: Delta) -> App {
    let mut app = App::new(Me::of(person(login)), settings, now(), (160, 48));
    app.update(Msg::Synced { delta, at: now() });
    app
}

/// The frame as text, one line per row.
pub fn screen(app: &App, width: u16, height: u16) -> String {
    let buffer = screens::render(app, width, height);
    let mut text = String::new();
    for y in 0..height {
        let line: String = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// One key, as the terminal sends it.
pub fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(key(code))
}

/// Text typed key by key.
pub fn type_text(app: &mut App, text: &str) {
    for msg in typed(text) {
        app.update(msg);
    }
}

/// The changes a batch of commands sends, with their tickets.
pub fn acts(commands: &[Command]) -> Vec<(u64, ActionCall)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Act { ticket, call } => Some((*ticket, call.clone())),
            _ => None,
        })
        .collect()
}

/// The cases of the rows shown, in the order shown.
pub fn shown(app: &App) -> Vec<i64> {
    let table = app.table().unwrap();
    table
        .visible
        .iter()
        .filter_map(|&i| table.rows[i].key.case_id())
        .collect()
}

/// The server's answer to a change at a version it no longer has.
pub fn stale() -> ApiFailure {
    ApiFailure::Refused(Problem {
        kind: "urn:regiedesk:problem:precondition-failed".into(),
        title: "Precondition Failed".into(),
        status: 412,
        detail: "de gegevens zijn intussen gewijzigd; haal ze opnieuw op".into(),
        current_version: Some(2),
        retry_after: None,
    })
}
