//! What the desk costs per frame and per change, for the demo municipality
//! and for one ten times its size. A frame should cost what the screen
//! shows, not what the caseload holds.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use regiedesk::api::wire::Me;
use regiedesk::config::Language;
use regiedesk::desk::app::{App, Msg, Settings};
use regiedesk::desk::screens;
use regiedesk::domain::boards::{Board, Delta};
use regiedesk::domain::norms::Norms;
use regiedesk::server::demo;

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-24T13:30:00Z".parse().unwrap()
}

/// The demo municipality, `times` over (copies get new ids and numbers).
fn municipality(times: i64) -> Delta {
    let seed = demo::build(now(), &Norms::default());
    let mut delta = Delta {
        people: seed.people.clone(),
        ..Delta::default()
    };
    let stride = 1_000_000;
    for copy in 0..times {
        for case in &seed.cases {
            let mut case = case.clone();
            case.id += copy * stride;
            case.household_id += copy * stride;
            case.number = format!("{}-{copy}", case.number);
            delta.cases.push(case);
        }
        for request in &seed.requests {
            let mut request = request.clone();
            request.id += copy * stride;
            request.case_id += copy * stride;
            delta.requests.push(request);
        }
    }
    delta
}

fn desk(delta: Delta) -> App {
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
    };
    let pr = demo::people()
        .into_iter()
        .find(|p| p.login == "pr-jeugd")
        .unwrap();
    let mut app = App::new(Me::of(pr), settings, now(), (160, 48));
    app.update(Msg::Synced { delta, at: now() });
    app
}

fn benches(c: &mut Criterion) {
    let mut frame = c.benchmark_group("frame_160x48");
    for times in [1, 10] {
        let app = desk(municipality(times));
        let cases = app.snapshot.cases.len();
        frame.bench_with_input(BenchmarkId::from_parameter(cases), &app, |b, app| {
            b.iter(|| black_box(screens::render(app, 160, 48)))
        });
    }
    frame.finish();

    let mut change = c.benchmark_group("one_case_changes");
    for times in [1, 10] {
        let mut app = desk(municipality(times));
        let cases = app.snapshot.cases.len();
        let mut case = app.snapshot.cases.values().next().unwrap().clone();
        change.bench_function(BenchmarkId::from_parameter(cases), |b| {
            b.iter(|| {
                case.version += 1;
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

criterion_group!(desk_benches, benches);
criterion_main!(desk_benches);
