//! What a sync discloses goes into the audit log (NEN 7513 asks for every
//! read, and a sync hands the boards' roles every case with its risk
//! flags, escalation reasons and motivations), once per sync run: the
//! pages of one run (`has_more`, then `since` = the cursor just handed
//! out) make one entry, written with the run's last page, naming the
//! scope, the cursor range and how many cases and requests it carried.
//! An idle poll (304) and a delta without cases or requests are no
//! disclosure and no entry.
//!
//! The pages of a run are recognised by the cursors this process handed
//! out with `has_more`, kept in memory (not by anything the caller says,
//! which could hide a read): a run whose pages land on several replicas is
//! recorded in parts, never less. A run whose next page does not come
//! within [`RUN_IDLE`] (a desk that stopped, a caller who starts again from
//! an earlier cursor) is recorded as it stands, marked `afgebroken`, by
//! `take_abandoned` (every minute); a kill of the server loses at most the
//! runs of that last minute.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::model::Login;

/// How long a run's next page is waited for before the run is recorded as
/// it stands (a desk asks for the next page at once).
pub const RUN_IDLE: Duration = Duration::from_secs(60);

/// Runs in progress kept at most (a desk has one at a time).
const MAX_RUNS: usize = 10_000;

#[derive(Debug, Default)]
pub struct SyncRuns {
    /// By (caller, the cursor handed out with `has_more`).
    open: Mutex<HashMap<(Login, i64), Run>>,
    /// Runs put aside to make room (more than [`MAX_RUNS`] in progress),
    /// with their entries' reasons, for `take_abandoned`.
    put_aside: Mutex<Vec<(Login, String)>>,
}

#[derive(Debug, Clone)]
struct Run {
    scope: String,
    since: i64,
    cases: usize,
    requests: usize,
    pages: usize,
    seen: Instant,
}

impl Run {
    /// The reason of the run's audit entry, up to `cursor`, if it
    /// disclosed cases or requests.
    fn reason(&self, cursor: i64, abandoned: bool) -> Option<String> {
        (self.cases + self.requests > 0).then(|| {
            let kind = if self.since == 0 {
                "volledige sync"
            } else {
                "sync"
            };
            let end = if abandoned { " (afgebroken)" } else { "" };
            format!(
                "{kind} van {}, cursor {} tot {cursor}: {} zaken, {} aanvragen in {} pagina('s){end}",
                self.scope, self.since, self.cases, self.requests, self.pages
            )
        })
    }
}

/// One page of a sync as served.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub since: i64,
    pub cursor: i64,
    pub has_more: bool,
    pub cases: usize,
    pub requests: usize,
}

impl SyncRuns {
    /// Takes note of a page served to `caller`; with a run's last page,
    /// the reason of its audit entry, if it disclosed cases or requests.
    pub fn served(&self, caller: &str, scope: &str, page: Page) -> Option<String> {
        self.served_at(caller, scope, page, Instant::now())
    }

    fn served_at(&self, caller: &str, scope: &str, page: Page, now: Instant) -> Option<String> {
        let mut open = self.open.lock().expect("sync runs lock");
        let mut run = open
            .remove(&(caller.to_string(), page.since))
            .unwrap_or(Run {
                scope: scope.to_string(),
                since: page.since,
                cases: 0,
                requests: 0,
                pages: 0,
                seen: now,
            });
        run.cases += page.cases;
        run.requests += page.requests;
        run.pages += 1;
        run.seen = now;
        if page.has_more {
            if open.len() >= MAX_RUNS {
                let idle = Self::idle(&mut open, now);
                self.put_aside.lock().expect("sync runs lock").extend(idle);
            }
            if open.len() < MAX_RUNS {
                // The same pages asked again (a caller starting over from
                // an earlier cursor) are a read of their own: the earlier
                // run is recorded as it stands, not replaced.
                if let Some(earlier) = open.insert((caller.to_string(), page.cursor), run)
                    && let Some(reason) = earlier.reason(page.cursor, true)
                {
                    let mut aside = self.put_aside.lock().expect("sync runs lock");
                    aside.push((caller.to_string(), reason));
                }
                return None;
            }
            // Too many runs in progress: this part is recorded now.
        }
        run.reason(page.cursor, false)
    }

    /// The runs whose next page has not come within [`RUN_IDLE`] of `now`,
    /// each once, with their entries' reasons (`afgebroken`): by caller.
    pub fn take_abandoned(&self, now: Instant) -> Vec<(Login, String)> {
        let mut taken = std::mem::take(&mut *self.put_aside.lock().expect("sync runs lock"));
        taken.extend(Self::idle(
            &mut self.open.lock().expect("sync runs lock"),
            now,
        ));
        taken
    }

    fn idle(open: &mut HashMap<(Login, i64), Run>, now: Instant) -> Vec<(Login, String)> {
        let keys: Vec<(Login, i64)> = open
            .iter()
            .filter(|(_, run)| now.duration_since(run.seen) >= RUN_IDLE)
            .map(|(key, _)| key.clone())
            .collect();
        let mut idle = Vec::new();
        for (caller, cursor) in keys {
            if let Some(run) = open.remove(&(caller.clone(), cursor))
                && let Some(reason) = run.reason(cursor, true)
            {
                idle.push((caller, reason));
            }
        }
        idle.sort();
        idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(since: i64, cursor: i64, has_more: bool, cases: usize) -> Page {
        Page {
            since,
            cursor,
            has_more,
            cases,
            requests: 1,
        }
    }

    #[test]
    fn the_pages_of_one_run_make_one_entry() {
        let runs = SyncRuns::default();
        assert_eq!(
            runs.served("pm", "alle zaken", page(0, 1000, true, 900)),
            None
        );
        assert_eq!(
            runs.served("pm", "alle zaken", page(1000, 2000, true, 950)),
            None
        );
        assert_eq!(
            runs.served("pm", "alle zaken", page(2000, 2100, false, 80))
                .as_deref(),
            Some(
                "volledige sync van alle zaken, cursor 0 tot 2100: 1930 zaken, 3 aanvragen in 3 pagina('s)"
            )
        );
        // A later delta is a run of its own.
        assert_eq!(
            runs.served("pm", "alle zaken", page(2100, 2104, false, 2))
                .as_deref(),
            Some("sync van alle zaken, cursor 2100 tot 2104: 2 zaken, 1 aanvragen in 1 pagina('s)")
        );
    }

    #[test]
    fn a_run_whose_next_page_does_not_come_is_recorded_as_it_stands() {
        let runs = SyncRuns::default();
        let start = Instant::now();
        assert_eq!(
            runs.served_at("pm", "alle zaken", page(0, 1000, true, 900), start),
            None
        );
        // The caller starts again from the beginning: a run of its own.
        assert_eq!(
            runs.served_at("pm", "alle zaken", page(0, 1000, true, 900), start),
            None
        );
        let reason = "volledige sync van alle zaken, cursor 0 tot 1000: 900 zaken, 1 aanvragen in 1 pagina('s) (afgebroken)";
        // The first run, put aside when the second took its place, comes
        // out at once; the second once it has waited long enough.
        assert_eq!(
            runs.take_abandoned(start),
            [("pm".to_string(), reason.to_string())]
        );
        assert_eq!(
            runs.take_abandoned(start + RUN_IDLE),
            [("pm".to_string(), reason.to_string())]
        );
        assert!(runs.take_abandoned(start + RUN_IDLE * 2).is_empty(), "once");
    }

    #[test]
    fn another_callers_cursor_is_no_continuation() {
        let runs = SyncRuns::default();
        assert_eq!(
            runs.served("pm", "alle zaken", page(0, 1000, true, 900)),
            None
        );
        // cr-01 sends pm's cursor: recorded as its own read.
        let own = runs.served("cr-01", "eigen zaken", page(1000, 1200, false, 3));
        assert!(
            own.unwrap()
                .starts_with("sync van eigen zaken, cursor 1000 tot 1200")
        );
    }

    #[test]
    fn a_page_without_cases_or_requests_discloses_nothing() {
        let runs = SyncRuns::default();
        let empty = Page {
            since: 5,
            cursor: 6,
            has_more: false,
            cases: 0,
            requests: 0,
        };
        assert_eq!(runs.served("pm", "alle zaken", empty), None);
    }
}
