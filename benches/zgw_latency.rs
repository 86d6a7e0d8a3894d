//! From a write in Open Zaak to the change in a desk's next delta, with
//! 5,000 open case zaken (`benches/zgw/seed-openzaak.py`): a regiedesk
//! server with the ZGW source (reconciler every `reconcile_seconds`)
//! listens where Open Zaak posts its notifications; a desk (a
//! procesregisseur's token) polls `/api/v1/sync?since=CURSOR`. Each write
//! makes another medewerker a random zaak's Casusregisseur (a new rol,
//! POSTed to Open Zaak); the time runs from sending that POST until a sync
//! shows the case with its new casusregisseur (polled every 50 ms). The old
//! rol is removed afterwards, as Open Zaak's users do, outside the time.
//!
//! Three times, over one full re-read at start:
//! 1. with notifications;
//! 2. without (the server's notification endpoint answers 503), with the
//!    looks at the newest statussen and rollen every `watch_seconds`;
//! 3. without either, so only the reconciler's walk can find the change.
//!
//! Without notifications the writes start at a random moment of the
//! interval, not right after a walk. Prints median, p90 and max: a latency
//! distribution, which criterion does not report; so a plain bench binary.
//!
//! Needs `REGIEDESK_BENCH_OPENZAAK_URL`; optional `REGIEDESK_BENCH_WRITES`
//! (30), `REGIEDESK_BENCH_WALK_WRITES` (the walk-only phase's, two thirds
//! of that),
//! `REGIEDESK_BENCH_RECONCILE_SECONDS` (60), `REGIEDESK_BENCH_WATCH_SECONDS`
//! (5), `REGIEDESK_BENCH_NRC_PORT` (8821, where the installer's `NRC_URL`
//! points), `REGIEDESK_BENCH_PROJECTION` (a SQLite file kept between runs:
//! the first run reads everything into it, later ones walk once). See `docs/benchmarks.md`, "ZGW source: 5,000 open zaken in
//! Open Zaak".

#[path = "zgw/common.rs"]
mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use common::{Backend, Known, Zgw};
use rand::{Rng, SeedableRng};
use regiedesk::clock::Clock;
use regiedesk::domain::norms::Norms;
use regiedesk::server::{AppState, router};
use regiedesk::zgw::source::NewestHeads;
use serde_json::Value;

/// Whether the notification port lets notifications through.
static NOTIFICATIONS: AtomicBool = AtomicBool::new(true);
/// Whether the source looks at the newest statussen and rollen.
static WATCHING: AtomicBool = AtomicBool::new(true);

async fn gate(request: Request, next: Next) -> Response {
    if NOTIFICATIONS.load(Ordering::SeqCst) {
        next.run(request).await
    } else {
        StatusCode::SERVICE_UNAVAILABLE.into_response()
    }
}

fn env_or(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A desk: the last cursor and ETag, and every case's casusregisseur.
struct Desk {
    http: reqwest::Client,
    base: String,
    cursor: String,
    etag: Option<String>,
    holders: HashMap<String, Option<String>>,
}

impl Desk {
    async fn sync(&mut self) {
        loop {
            let mut request = self
                .http
                .get(format!("{}/api/v1/sync", self.base))
                .query(&[("since", self.cursor.as_str()), ("limit", "5000")])
                .bearer_auth(common::DESK_TOKEN);
            if let Some(etag) = &self.etag {
                request = request.header("If-None-Match", etag);
            }
            let response = request.send().await.unwrap();
            if response.status() == StatusCode::NOT_MODIFIED {
                return;
            }
            assert!(response.status().is_success(), "{}", response.status());
            self.etag = response
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .map(String::from);
            let page: Value = response.json().await.unwrap();
            for case in page["cases"].as_array().unwrap() {
                self.holders.insert(
                    case["number"].as_str().unwrap().to_string(),
                    case["casusregisseur"].as_str().map(String::from),
                );
            }
            self.cursor = page["cursor"].as_str().unwrap().to_string();
            if page["has_more"] != true {
                return;
            }
        }
    }

    fn sees(&self, number: &str, login: &str) -> bool {
        self.holders.get(number).and_then(|h| h.as_deref()) == Some(login)
    }
}

struct Figures {
    latency: Vec<Duration>,
    post: Vec<Duration>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(what: &str, mut values: Vec<Duration>) -> String {
    values.sort();
    let n = values.len();
    let p90 = values[(n * 9).div_ceil(10) - 1];
    format!(
        "{what}: n {n}, min {:.0} ms, median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        ms(values[0]),
        ms(values[n / 2]),
        ms(p90),
        ms(values[n - 1])
    )
}

#[allow(clippy::too_many_arguments)]
async fn measure(
    what: &str,
    zgw: &Zgw,
    desk: &mut Desk,
    known: &mut [Known],
    writes: u64,
    pause: Duration,
    timeout: Duration,
    rng: &mut impl Rng,
) -> Figures {
    let mut figures = Figures {
        latency: Vec::new(),
        post: Vec::new(),
    };
    for n in 0..writes {
        // A random moment, so that the writes do not follow the
        // reconciler's walks in step.
        tokio::time::sleep(pause.mul_f64(rng.random::<f64>())).await;
        desk.sync().await;
        let i = rng.random_range(0..known.len());
        let case = &mut known[i];
        let old = zgw.holder_rollen(&case.url).await;
        let login = common::other_holder(case.holder.as_deref(), rng);
        let started = Instant::now();
        zgw.add_holder(&case.url, &login).await;
        let post = started.elapsed();
        loop {
            desk.sync().await;
            if desk.sees(&case.number, &login) {
                break;
            }
            assert!(
                started.elapsed() < timeout,
                "{what}: {} never showed {login} in {timeout:?}",
                case.number
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let latency = started.elapsed();
        eprintln!(
            "{what} #{n}: {} -> {login}: POST {:.0} ms, in the desk's delta after {:.0} ms",
            case.number,
            ms(post),
            ms(latency)
        );
        figures.latency.push(latency);
        figures.post.push(post);
        for rol in old {
            zgw.delete(&rol).await;
        }
        case.holder = Some(login);
    }
    figures
}

fn main() {
    let Some(base) = common::open_zaak("zgw_latency") else {
        return;
    };
    let writes = env_or("REGIEDESK_BENCH_WRITES", 30);
    let interval = env_or("REGIEDESK_BENCH_RECONCILE_SECONDS", 60);
    let watch = env_or("REGIEDESK_BENCH_WATCH_SECONDS", 5);
    let walk_writes = env_or("REGIEDESK_BENCH_WALK_WRITES", (writes * 2).div_ceil(3));
    let nrc_port = env_or("REGIEDESK_BENCH_NRC_PORT", 8821) as u16;
    // The reconciler's own log line per walk (its report, with the walk's
    // duration) goes to stderr beside the figures.
    tracing_subscriber::fmt()
        .with_env_filter("regiedesk=info")
        .with_writer(std::io::stderr)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        eprintln!("load before: {}", common::load());
        // The looks run here, not in the source's own task, so that the
        // third phase can stop them.
        let mut config = common::config(&base, interval);
        config.watch_seconds = 0;
        let (db, source, took, report, cpu) = match std::env::var_os("REGIEDESK_BENCH_PROJECTION") {
            Some(path) => common::kept_or_full_reread(config, path.as_ref()).await,
            None => common::full_reread(config, Backend::Sqlite).await,
        };
        let store = db.store.clone();
        eprintln!(
            "read at start: {:.1} s, regiedesk CPU {cpu:.1} s ({report:?}); load {}",
            took.as_secs_f64(),
            common::load()
        );
        let mut tasks = source.spawn();
        tasks.push(tokio::spawn({
            let source = source.clone();
            async move {
                let mut heads = NewestHeads::default();
                let mut ticks = tokio::time::interval(Duration::from_secs(watch));
                loop {
                    ticks.tick().await;
                    if WATCHING.load(Ordering::SeqCst) {
                        source.look_at_newest(&mut heads).await.unwrap();
                    }
                }
            }
        }));
        let state = AppState::new(store.clone(), Clock::System, Norms::default())
            .with_source(source.clone());
        let desk_listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let desk_base = format!("http://{}", desk_listener.local_addr().unwrap());
        let desk_app = router(state.clone());
        tasks.push(tokio::spawn(async move {
            axum::serve(desk_listener, desk_app).await.unwrap();
        }));
        let nrc_listener = tokio::net::TcpListener::bind(("127.0.0.1", nrc_port))
            .await
            .unwrap_or_else(|e| panic!("the notification port {nrc_port}: {e}"));
        let nrc_app = router(state).layer(middleware::from_fn(gate));
        tasks.push(tokio::spawn(async move {
            axum::serve(nrc_listener, nrc_app).await.unwrap();
        }));

        let mut desk = Desk {
            http: reqwest::Client::new(),
            base: desk_base,
            cursor: String::new(),
            etag: None,
            holders: HashMap::new(),
        };
        desk.sync().await;
        let mut known = common::known_cases(store.as_ref()).await;
        eprintln!(
            "the desk holds {} cases; {} open zaken to write to",
            desk.holders.len(),
            known.len()
        );
        let zgw = Zgw::new(&base).await;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
        let interval = Duration::from_secs(interval);

        let notified = measure(
            "with notifications",
            &zgw,
            &mut desk,
            &mut known,
            writes,
            Duration::from_secs(1),
            Duration::from_secs(10) + 2 * interval,
            &mut rng,
        )
        .await;
        let load_notified = common::load();
        // Give the last writes' notifications time to land, then close.
        tokio::time::sleep(Duration::from_secs(3)).await;
        NOTIFICATIONS.store(false, Ordering::SeqCst);
        let watched = measure(
            "without notifications, looking at the newest",
            &zgw,
            &mut desk,
            &mut known,
            writes,
            interval,
            Duration::from_secs(60) + 3 * interval,
            &mut rng,
        )
        .await;
        let load_watched = common::load();
        WATCHING.store(false, Ordering::SeqCst);
        let reconciled = if walk_writes > 0 {
            let figures = measure(
                "without notifications, the walk only",
                &zgw,
                &mut desk,
                &mut known,
                walk_writes,
                interval,
                Duration::from_secs(60) + 3 * interval,
                &mut rng,
            )
            .await;
            Some((figures, common::load()))
        } else {
            None
        };
        println!();
        println!(
            "zgw_latency: {} open case zaken, reconcile every {} s",
            known.len(),
            interval.as_secs()
        );
        println!(
            "{}; POST median {:.0} ms; load {load_notified}",
            summary("with notifications", notified.latency),
            ms(median(notified.post))
        );
        println!(
            "{}; POST median {:.0} ms; load {load_watched}",
            summary(
                &format!("without notifications, a look every {watch} s"),
                watched.latency
            ),
            ms(median(watched.post))
        );
        if let Some((reconciled, load)) = reconciled {
            println!(
                "{}; POST median {:.0} ms; load {load}",
                summary("without notifications, the walk only", reconciled.latency),
                ms(median(reconciled.post))
            );
        }
        for task in tasks {
            task.abort();
        }
        drop(source);
        drop(db);
    });
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}
