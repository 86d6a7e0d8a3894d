//! What the desk costs per frame and per change. A frame should cost what
//! the screen shows, not what the caseload holds (P1 in
//! `docs/benchmarks.md`: the Stagnatie board with 100,000 open cases ÷
//! with 100, into a 200x50 TestBackend); a one-case change should cost
//! that case, not the municipality.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use regiedesk::api::wire::Me;
use regiedesk::config::Language;
use regiedesk::desk::app::{App, Msg, Settings};
use regiedesk::desk::{screens, view};
use regiedesk::domain::boards::{Board, Delta};
use regiedesk::domain::norms::Norms;
use regiedesk::server::demo;

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-24T13:30:00Z".parse().unwrap()
}

/// The demo municipality `scale` times its size, as `serve --demo --scale`
/// seeds it.
fn municipality(scale: u32) -> Delta {
    let seed = demo::build_scaled(now(), &Norms::default(), scale);
    Delta {
        people: seed.people,
        cases: seed.cases,
        requests: seed.requests,
        ..Delta::default()
    }
}

/// Exactly `open` open cases: the demo's open cases (and their requests),
/// copied with new ids and numbers as often as it takes. The stagnating
/// ones come first, so that with 100 as with 100,000 the Stagnatie board
/// fills the screen: the two frames draw as many rows, and only what the
/// desk holds differs.
fn open_cases(open: usize) -> Delta {
    let seed = demo::build(now(), &Norms::default());
    let norms = Norms::default();
    let stagnates = |case: &regiedesk::domain::model::Case| {
        let requests: Vec<_> = seed
            .requests
            .iter()
            .filter(|r| r.case_id == case.id)
            .cloned()
            .collect();
        !norms.stagnation(case, &requests, now()).is_empty()
    };
    let mut cases: Vec<_> = seed.cases.iter().filter(|c| c.is_open()).collect();
    cases.sort_by_key(|c| (!stagnates(c), c.id));
    let mut delta = Delta {
        people: seed.people.clone(),
        ..Delta::default()
    };
    let stride = 10_000_000;
    for n in 0..open {
        let copy = (n / cases.len()) as i64;
        let mut case = cases[n % cases.len()].clone();
        let original = case.id;
        case.id += copy * stride;
        case.household_id += copy * stride;
        if copy > 0 {
            case.number = format!("{}-{copy}", case.number);
        }
        for request in seed.requests.iter().filter(|r| r.case_id == original) {
            let mut request = request.clone();
            request.id += copy * stride;
            request.case_id = case.id;
            delta.requests.push(request);
        }
        delta.cases.push(case);
    }
    delta
}

fn desk(delta: Delta, size: (u16, u16)) -> App {
    let settings = Settings {
        lang: Language::Nl,
        mono: false,
        norms: Norms::default(),
        tabs: Board::ALL.to_vec(),
        hidden: Default::default(),
        notifications: false,
        focus: Default::default(),
        mouse: true,
        place: "bench".into(),
        views: Default::default(),
    };
    let pr = demo::people()
        .into_iter()
        .find(|p| p.login == "pr-jeugd")
        .unwrap();
    let mut app = App::new(Me::of(pr), settings, now(), size);
    app.update(Msg::Synced { delta, at: now() });
    assert_eq!(app.board, Board::Stagnatie);
    app
}

/// A one-case change that moves a row: the case in the middle of the
/// Stagnatie board is reported stuck, or no longer, each time.
fn one_case_change(c: &mut Criterion, group: &str, sizes: Vec<(String, Delta)>) {
    let mut change = c.benchmark_group(group);
    for (name, delta) in sizes {
        let mut app = desk(delta, (200, 50));
        let table = app.table().unwrap();
        let middle = table.visible[table.visible.len() / 2];
        let id = table.rows[middle].key.case_id().unwrap();
        let mut case = app.snapshot.cases[&id].clone();
        change.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                case.version += 1;
                case.stuck_reported = !case.stuck_reported;
                case.stuck_reported_at = case.stuck_reported.then(now);
                app.update(Msg::Synced {
                    delta: Delta {
                        cases: vec![case.clone()],
                        ..Delta::default()
                    },
                    at: now(),
                })
            })
        });
    }
    change.finish();
}

fn benches(c: &mut Criterion) {
    // P1: the Stagnatie board, built and drawn, 100 against 100,000 open:
    // into the terminal a desk keeps (as the desk draws every frame), and
    // into a new one each time (what a screenshot costs).
    let mut frame = c.benchmark_group("frame_200x50");
    for open in [100, 100_000] {
        let app = desk(open_cases(open), (200, 50));
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
        frame.bench_with_input(BenchmarkId::new("open_cases", open), &app, |b, app| {
            b.iter(|| {
                terminal
                    .draw(|frame| view::draw(frame, black_box(app)))
                    .unwrap();
            })
        });
        frame.bench_with_input(
            BenchmarkId::new("open_cases_new_terminal", open),
            &app,
            |b, app| b.iter(|| black_box(screens::render(app, 200, 50))),
        );
    }
    frame.finish();

    one_case_change(
        c,
        "one_case_changes",
        vec![
            ("demo".to_string(), municipality(1)),
            ("scale_66".to_string(), municipality(66)),
            ("open_100000".to_string(), open_cases(100_000)),
        ],
    );
}

criterion_group!(desk_benches, benches);
criterion_main!(desk_benches);
