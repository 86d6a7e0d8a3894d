//! What a server process keeps in memory to answer an idle poll without
//! the database, and why that stays correct with several processes on one
//! database.
//!
//! - [`ChangeWatch`] knows the latest change number (the sync cursor) and
//!   the staff counter. A background task reads both, in one tiny query,
//!   every [`REFRESH`]; writes made through this process mark the watch
//!   dirty until the next read. A poll whose cursor is the latest change is
//!   answered 304 from memory only while the watch is fresh (read within
//!   [`FRESH_FOR`]) and clean; otherwise it goes to the database as before.
//!   Another process's write therefore reaches a desk polling here at most
//!   one refresh later, never lost: the desk's cursor only ever comes from
//!   a database snapshot.
//! - [`TokenCache`] keeps who a token belongs to, tagged with the staff
//!   counter it was read at. `staff put` and `staff revoke` bump that
//!   counter, so every process drops its cache within one refresh: a
//!   revoked token stops working everywhere within about a second.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use super::store::{Counters, Store, TokenHolder};

/// How often the counters are read.
pub const REFRESH: Duration = Duration::from_millis(250);
/// How long a read of the counters may be trusted.
pub const FRESH_FOR: Duration = Duration::from_secs(1);
/// Tokens cached at most; beyond that the cache starts afresh.
const MAX_TOKENS: usize = 10_000;

#[derive(Debug)]
pub struct ChangeWatch {
    started: Instant,
    latest: AtomicI64,
    staff: AtomicI64,
    /// Milliseconds after `started` of the last successful read; 0: never.
    read_at: AtomicU64,
    /// Writes through this process, counted before their response.
    writes: AtomicU64,
    /// The value of `writes` when the last read began.
    writes_seen: AtomicU64,
}

impl Default for ChangeWatch {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            latest: AtomicI64::new(0),
            staff: AtomicI64::new(0),
            read_at: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            writes_seen: AtomicU64::new(0),
        }
    }
}

impl ChangeWatch {
    /// Starts the background refresh; it ends when the watch is dropped.
    pub fn spawn(store: Arc<dyn Store>) -> Arc<ChangeWatch> {
        let watch = Arc::new(ChangeWatch::default());
        let weak: Weak<ChangeWatch> = Arc::downgrade(&watch);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(REFRESH);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(watch) = weak.upgrade() else { return };
                if let Err(error) = watch.refresh(store.as_ref()).await {
                    tracing::warn!(%error, "cannot read the change counters");
                }
            }
        });
        watch
    }

    /// Reads the counters now.
    pub async fn refresh(&self, store: &dyn Store) -> Result<Counters, super::store::StoreError> {
        let writes = self.writes.load(Ordering::SeqCst);
        let counters = store.counters().await?;
        // Exactly what the database says, also when it went down (a
        // restore or a reseed): the database is the truth, not the past.
        self.latest.store(counters.change, Ordering::SeqCst);
        self.staff.store(counters.staff, Ordering::SeqCst);
        self.writes_seen.fetch_max(writes, Ordering::SeqCst);
        let now = self.started.elapsed().as_millis() as u64;
        self.read_at.fetch_max(now.max(1), Ordering::SeqCst);
        Ok(counters)
    }

    /// Called when this process is about to answer a write: until the
    /// counters are read again, nothing is answered from memory.
    pub fn wrote(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    /// The counters, if they can be trusted without the database: read
    /// within [`FRESH_FOR`] and no write through this process since.
    pub fn trusted(&self) -> Option<Counters> {
        let read_at = self.read_at.load(Ordering::SeqCst);
        if read_at == 0 {
            return None;
        }
        let age = (self.started.elapsed().as_millis() as u64).saturating_sub(read_at);
        let clean = self.writes_seen.load(Ordering::SeqCst) == self.writes.load(Ordering::SeqCst);
        (age <= FRESH_FOR.as_millis() as u64 && clean).then(|| Counters {
            change: self.latest.load(Ordering::SeqCst),
            staff: self.staff.load(Ordering::SeqCst),
        })
    }

    /// The staff counter, if read within [`FRESH_FOR`]. (No API call
    /// changes staff, so writes through this process do not matter.)
    pub fn staff(&self) -> Option<i64> {
        self.database_answers()
            .then(|| self.staff.load(Ordering::SeqCst))
    }

    /// Whether the database answered within [`FRESH_FOR`].
    pub fn database_answers(&self) -> bool {
        let read_at = self.read_at.load(Ordering::SeqCst);
        read_at != 0
            && (self.started.elapsed().as_millis() as u64).saturating_sub(read_at)
                <= FRESH_FOR.as_millis() as u64
    }
}

/// Who a token belongs to, as of a staff counter. Keyed by a static
/// token's hash, or by `oidc:LOGIN` for a person whose identity provider
/// token was verified.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<String, (TokenHolder, i64)>>,
}

impl TokenCache {
    /// The person for `token_hash` if cached at the current `staff` counter.
    pub fn get(&self, token_hash: &str, staff: i64) -> Option<TokenHolder> {
        let entries = self.entries.lock().expect("token cache lock");
        entries
            .get(token_hash)
            .filter(|(_, at)| *at == staff)
            .map(|(person, _)| person.clone())
    }

    pub fn put(&self, token_hash: &str, person: TokenHolder, staff: i64) {
        let mut entries = self.entries.lock().expect("token cache lock");
        if entries.len() >= MAX_TOKENS {
            entries.clear();
        }
        entries.insert(token_hash.to_string(), (person, staff));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Person, Role};

    fn person(login: &str) -> TokenHolder {
        let person = Person {
            login: login.into(),
            display_name: login.into(),
            role: Role::Casusregisseur,
            organisation: "wijkteam".into(),
            specialism: None,
            capacity: Some(12),
            active: true,
        };
        TokenHolder {
            person,
            service: false,
        }
    }

    #[test]
    fn a_watch_is_trusted_only_after_a_read_and_until_a_write() {
        let watch = ChangeWatch::default();
        assert_eq!(watch.trusted(), None, "never read");
        watch.latest.store(7, Ordering::SeqCst);
        watch.staff.store(2, Ordering::SeqCst);
        watch.read_at.store(
            watch.started.elapsed().as_millis() as u64 + 1,
            Ordering::SeqCst,
        );
        assert_eq!(
            watch.trusted(),
            Some(Counters {
                change: 7,
                staff: 2
            })
        );
        watch.wrote();
        assert_eq!(watch.trusted(), None, "a write through this process");
        watch
            .writes_seen
            .store(watch.writes.load(Ordering::SeqCst), Ordering::SeqCst);
        assert!(watch.trusted().is_some());
    }

    #[test]
    fn a_token_is_cached_for_one_staff_counter() {
        let cache = TokenCache::default();
        cache.put("h", person("cr-01"), 3);
        assert_eq!(cache.get("h", 3).unwrap().person.login, "cr-01");
        assert_eq!(cache.get("h", 4), None, "staff changed since");
        assert_eq!(cache.get("other", 3), None);
    }
}
