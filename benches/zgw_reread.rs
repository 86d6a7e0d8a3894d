//! The full re-read at start, against a real Open Zaak with 5,000 open case
//! zaken and 1,500 request deelzaken (`benches/zgw/seed-openzaak.py`):
//! `reconcile(true)` into an empty store, SQLite and (with
//! `REGIEDESK_BENCH_DATABASE_URL`) PostgreSQL, `REGIEDESK_BENCH_RUNS` times
//! each (default 2). One run takes a quarter of an hour on a 2-CPU machine
//! (Open Zaak's answers are the time): criterion's least, ten samples and a
//! warm-up, would take hours, so this plain bench binary prints each run.
//! Besides the time it prints this process's CPU time during the run, to
//! tell regiedesk's own work from waiting for Open Zaak.
//!
//! Needs `REGIEDESK_BENCH_OPENZAAK_URL`. See `docs/benchmarks.md`, "ZGW
//! source: 5,000 open zaken in Open Zaak".

#[path = "zgw/common.rs"]
mod common;

use common::Backend;

fn main() {
    let Some(base) = common::open_zaak("zgw_reread") else {
        return;
    };
    let runs: usize = std::env::var("REGIEDESK_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut lines = Vec::new();
    for backend in Backend::available() {
        let mut seconds = Vec::new();
        for run in 1..=runs {
            let load = common::load();
            let (db, source, took, report, cpu) =
                rt.block_on(common::full_reread(common::config(&base, 60), backend));
            eprintln!(
                "zgw_reread/{} run {run}: {:.1} s, regiedesk CPU {cpu:.1} s; {report:?}; load before {load}, after {}",
                backend.name(),
                took.as_secs_f64(),
                common::load()
            );
            seconds.push(took.as_secs_f64());
            rt.block_on(async move {
                drop(source);
                drop(db);
            });
        }
        seconds.sort_by(f64::total_cmp);
        lines.push(format!(
            "zgw_reread/{}: {} runs: {}",
            backend.name(),
            seconds.len(),
            seconds
                .iter()
                .map(|s| format!("{s:.1} s"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    println!();
    for line in lines {
        println!("{line}");
    }
}
