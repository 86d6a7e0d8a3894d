//! The throughput figures' inputs, kept in memory by each server process
//! and caught up through the same change feed the desks sync from.
//!
//! Reading every case that touches a year from the store took seconds at
//! 100,000 cases (decoding the rows, not computing). Instead each process
//! mirrors cases, requests and people once, then before every computation
//! asks the store for the changes after its cursor (one cheap, indexed
//! query when nothing changed). Correct across processes for the same
//! reason a desk is: the cursor only ever comes from a store snapshot. The
//! last result is kept for as long as nothing changed and the day is the
//! same, so a procesmanager's board refreshing costs nothing.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::Mutex;

use super::store::{Store, StoreResult};
use crate::domain::calendar::local_date;
use crate::domain::model::{Case, Login, Person, Request};
use crate::domain::norms::Norms;
use crate::domain::stats::{self, Bucket, Period, Throughput};

/// Changes read per catch-up page.
const PAGE: usize = 5000;

#[derive(Default)]
pub struct FactsMirror {
    inner: Mutex<Mirror>,
}

#[derive(Default)]
struct Mirror {
    cursor: i64,
    cases: Vec<Case>,
    case_at: HashMap<i64, usize>,
    requests: Vec<Request>,
    request_at: HashMap<i64, usize>,
    people: Vec<Person>,
    person_at: HashMap<Login, usize>,
    last: Option<(Key, Throughput)>,
}

/// What a result depends on. `now` matters only through the day: a first
/// contact counts as missed once its deadline, the end of a working day,
/// has passed, and a bucket is partial while it holds today.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    period: Period,
    by: Bucket,
    cursor: i64,
    today: NaiveDate,
}

fn upsert<K: std::hash::Hash + Eq, T>(
    items: &mut Vec<T>,
    at: &mut HashMap<K, usize>,
    key: K,
    item: T,
) {
    match at.get(&key) {
        Some(&i) => items[i] = item,
        None => {
            at.insert(key, items.len());
            items.push(item);
        }
    }
}

impl Mirror {
    async fn catch_up(&mut self, store: &dyn Store) -> StoreResult<()> {
        loop {
            let page = store.sync(self.cursor, None, PAGE).await?;
            if self.cursor > page.latest {
                // A restored or reseeded store: start over.
                *self = Mirror::default();
                continue;
            }
            for case in page.cases {
                upsert(&mut self.cases, &mut self.case_at, case.id, case);
            }
            for request in page.requests {
                upsert(
                    &mut self.requests,
                    &mut self.request_at,
                    request.id,
                    request,
                );
            }
            for person in page.people {
                upsert(
                    &mut self.people,
                    &mut self.person_at,
                    person.login.clone(),
                    person,
                );
            }
            self.cursor = page.cursor;
            if !page.has_more {
                return Ok(());
            }
        }
    }
}

impl FactsMirror {
    /// The throughput figures of `period`, from the store as it is now.
    pub async fn throughput(
        &self,
        store: &dyn Store,
        period: Period,
        by: Bucket,
        now: DateTime<Utc>,
        norms: &Norms,
    ) -> StoreResult<Throughput> {
        let mut mirror = self.inner.lock().await;
        mirror.catch_up(store).await?;
        let key = Key {
            period,
            by,
            cursor: mirror.cursor,
            today: local_date(now),
        };
        if let Some((last, figures)) = &mirror.last
            && *last == key
        {
            return Ok(figures.clone());
        }
        let mut figures = stats::throughput(
            &mirror.cases,
            &mirror.requests,
            &mirror.people,
            period,
            by,
            now,
        );
        figures.dwangsom = stats::dwangsom_of_period(&mirror.requests, period, now, norms);
        figures.outcome =
            stats::outcome::outcome(&mirror.cases, &mirror.requests, period, now, norms);
        mirror.last = Some((key, figures.clone()));
        Ok(figures)
    }
}
