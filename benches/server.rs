//! What the server computes in memory at region scale (P6 in
//! `docs/benchmarks.md`): the throughput figures for a year over the
//! demo municipality 66 times its size (100,151 cases), as the server's
//! mirror holds them. The queries themselves are measured through HTTP by
//! `scripts/region.py`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use regiedesk::domain::norms::Norms;
use regiedesk::domain::stats::{self, Bucket, Period};
use regiedesk::server::demo;

fn throughput(c: &mut Criterion) {
    let now = "2026-11-24T13:30:00Z".parse().unwrap();
    let seed = demo::build_scaled(now, &Norms::default(), 66);
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let year = Period::new(day("2025-11-25"), day("2026-11-24")).unwrap();
    let month = Period::new(day("2026-11-01"), day("2026-11-24")).unwrap();
    let mut group = c.benchmark_group("throughput_100k");
    group.sample_size(20);
    group.bench_function("a_year_by_week", |b| {
        b.iter(|| {
            black_box(stats::throughput(
                &seed.cases,
                &seed.requests,
                &seed.people,
                year,
                Bucket::Week,
                now,
            ))
        })
    });
    group.bench_function("a_month_by_day", |b| {
        b.iter(|| {
            black_box(stats::throughput(
                &seed.cases,
                &seed.requests,
                &seed.people,
                month,
                Bucket::Day,
                now,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
