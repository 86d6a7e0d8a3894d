//! The ZGW source against a real Open Zaak with 5,000 open case zaken and
//! 1,500 request deelzaken (`benches/zgw/seed-openzaak.py`): the
//! reconciler's cycle (`reconcile(false)`) over a store the full re-read
//! filled, with nothing changed and with five zaken reassigned in Open Zaak
//! (outside the time) before each walk. The full re-read itself is
//! `benches/zgw_reread.rs`, the write-to-delta latency
//! `benches/zgw_latency.rs`. Figures and how to run: `docs/benchmarks.md`,
//! "ZGW source: 5,000 open zaken in Open Zaak".
//!
//! Needs `REGIEDESK_BENCH_OPENZAAK_URL`; PostgreSQL variants with
//! `REGIEDESK_BENCH_DATABASE_URL`. Without the first it says so and
//! measures nothing. One iteration lasts seconds: each is timed on its own
//! (`iter_custom`), ten samples of one iteration each.

#[path = "zgw/common.rs"]
mod common;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use common::{Backend, Zgw};
use criterion::{BenchmarkGroup, Criterion, SamplingMode, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::seq::IndexedRandom;
use regiedesk::zgw::source::ReconcileReport;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn slow<M: criterion::measurement::Measurement>(group: &mut BenchmarkGroup<'_, M>) {
    // One iteration per sample, ten samples (criterion's least); the
    // warm-up is a single iteration.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
}

fn report(what: &str, runs: &[(Duration, ReconcileReport)]) {
    let mut seconds: Vec<f64> = runs.iter().map(|(d, _)| d.as_secs_f64()).collect();
    seconds.sort_by(f64::total_cmp);
    let last = &runs.last().unwrap().1;
    eprintln!(
        "{what}: {} runs, {:.2} s min, {:.2} s median, {:.2} s max; last: listed {}, re-read {}, changed {}, failed {}; load {}",
        seconds.len(),
        seconds[0],
        seconds[seconds.len() / 2],
        seconds[seconds.len() - 1],
        last.listed,
        last.reread,
        last.changed,
        last.failed,
        common::load()
    );
}

fn zgw(c: &mut Criterion) {
    let Some(base) = common::open_zaak("zgw_openzaak") else {
        return;
    };
    let rt = runtime();
    let zgw = rt.block_on(Zgw::new(&base));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
    let mut group = c.benchmark_group("zgw_reconcile_cycle");
    slow(&mut group);
    for backend in Backend::available() {
        // The store as the full re-read at start leaves it (not measured
        // here: `benches/zgw_reread.rs`; printed for the record).
        let (db, source, took, done, cpu) =
            rt.block_on(common::full_reread(common::config(&base, 60), backend));
        eprintln!(
            "zgw_reconcile_cycle/{}: the store filled by a full re-read in {:.1} s (regiedesk CPU {cpu:.1} s): {done:?}; load {}",
            backend.name(),
            took.as_secs_f64(),
            common::load()
        );
        let runs = RefCell::new(Vec::new());
        group.bench_function(format!("nothing_changed/{}", backend.name()), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let started = Instant::now();
                        let done = source.reconcile(false).await.unwrap();
                        let took = started.elapsed();
                        total += took;
                        assert_eq!(done.reread, 0, "nothing changed: {done:?}");
                        runs.borrow_mut().push((took, done));
                    }
                    total
                })
            })
        });
        report(
            &format!("zgw_reconcile_cycle/nothing_changed/{}", backend.name()),
            &runs.borrow(),
        );
        let known = RefCell::new(rt.block_on(common::known_cases(db.store.as_ref())));
        let runs = RefCell::new(Vec::new());
        group.bench_function(format!("five_changed/{}", backend.name()), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        // Five reassignments in Open Zaak (not timed).
                        let mut cases = known.take();
                        let picked: Vec<usize> = (0..cases.len())
                            .collect::<Vec<_>>()
                            .choose_multiple(&mut rng, 5)
                            .copied()
                            .collect();
                        for i in picked {
                            let login = zgw.reassign(&cases[i], &mut rng).await;
                            cases[i].holder = Some(login);
                        }
                        known.replace(cases);
                        let started = Instant::now();
                        let done = source.reconcile(false).await.unwrap();
                        let took = started.elapsed();
                        total += took;
                        assert_eq!((done.reread, done.changed), (5, 5), "{done:?}");
                        runs.borrow_mut().push((took, done));
                    }
                    total
                })
            })
        });
        report(
            &format!("zgw_reconcile_cycle/five_changed/{}", backend.name()),
            &runs.borrow(),
        );
        rt.block_on(async move {
            drop(source);
            drop(db);
        });
    }
    group.finish();
}

criterion_group!(benches, zgw);
criterion_main!(benches);
