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
//! which could hide a read): a run whose pages land on several replicas,
//! or that outlives [`RUN_KEPT`], is recorded in parts, never less.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::model::Login;

/// How long a run's next page is waited for.
const RUN_KEPT: Duration = Duration::from_secs(600);

/// Runs in progress kept at most (a desk has one at a time).
const MAX_RUNS: usize = 10_000;

#[derive(Debug, Default)]
pub struct SyncRuns {
    /// By (caller, the cursor handed out with `has_more`).
    open: Mutex<HashMap<(Login, i64), Run>>,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    since: i64,
    cases: usize,
    requests: usize,
    pages: usize,
    seen: Instant,
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
        let now = Instant::now();
        let mut open = self.open.lock().expect("sync runs lock");
        let mut run = open
            .remove(&(caller.to_string(), page.since))
            .unwrap_or(Run {
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
                open.retain(|_, r| now.duration_since(r.seen) < RUN_KEPT);
            }
            if open.len() < MAX_RUNS {
                open.insert((caller.to_string(), page.cursor), run);
                return None;
            }
            // Too many runs in progress: this part is recorded now.
        }
        (run.cases + run.requests > 0).then(|| {
            let kind = if run.since == 0 {
                "volledige sync"
            } else {
                "sync"
            };
            format!(
                "{kind} van {scope}, cursor {} tot {}: {} zaken, {} aanvragen in {} pagina('s)",
                run.since, page.cursor, run.cases, run.requests, run.pages
            )
        })
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
