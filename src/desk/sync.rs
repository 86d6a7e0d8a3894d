//! The poller: a tokio task that asks the API for what changed since its
//! cursor (304 when nothing did) and sends the deltas to the UI as
//! messages. When the server cannot be reached it backs off with jitter
//! and tells the UI when it will try again; it recovers by itself.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use rand::SeedableRng;
use tokio::sync::{Notify, mpsc};

use super::app::Msg;
use crate::api::client::{ApiClient, ApiFailure, Backoff, SyncOutcome};
use crate::clock::Clock;

/// A handle on the running poller.
pub struct Poller {
    wake: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Poller {
    /// Poll now rather than at the end of the interval.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn spawn(
    client: ApiClient,
    clock: Clock,
    interval: Duration,
    tx: mpsc::UnboundedSender<Msg>,
) -> Poller {
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    let task = tokio::spawn(async move {
        let mut cursor: Option<String> = None;
        let mut etag: Option<String> = None;
        let mut backoff = Backoff::default();
        let mut rng = rand_chacha::ChaCha8Rng::from_os_rng();
        // Set when the server no longer knows our cursor: the next full
        // sync replaces what the desk holds instead of adding to it.
        let mut resync = false;
        loop {
            let outcome = client.sync(cursor.as_deref(), etag.as_deref()).await;
            let wait = match outcome {
                Ok(SyncOutcome::Changed {
                    delta,
                    cursor: next,
                    etag: tag,
                }) => {
                    backoff.succeeded();
                    cursor = Some(next);
                    etag = tag;
                    let at = clock.now();
                    let _ = tx.send(if std::mem::take(&mut resync) {
                        Msg::Resynced { delta, at }
                    } else {
                        Msg::Synced { delta, at }
                    });
                    interval
                }
                Err(failure) if failure.status() == Some(410) && cursor.is_some() => {
                    // A restored or reseeded database: start over at once.
                    tracing::warn!(error = %failure, "cursor unknown to the server; full resync");
                    cursor = None;
                    etag = None;
                    resync = true;
                    continue;
                }
                Ok(SyncOutcome::Unchanged) => {
                    backoff.succeeded();
                    let _ = tx.send(Msg::SyncIdle { at: clock.now() });
                    interval
                }
                Err(failure) => {
                    // A server that says when to come back (429, 503) is
                    // not asked sooner.
                    let wait = backoff
                        .failed(&mut rng)
                        .max(failure.retry_after().unwrap_or_default());
                    if !matches!(failure, ApiFailure::Offline(_)) {
                        tracing::warn!(error = %failure, "sync refused");
                    }
                    let _ = tx.send(Msg::SyncFailed {
                        denied: failure.is_denied(),
                        error: failure.reason(),
                        retry_at: clock.now()
                            + TimeDelta::from_std(wait).unwrap_or(TimeDelta::zero()),
                    });
                    wait
                }
            };
            if tx.is_closed() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = woken.notified() => {}
            }
        }
    });
    Poller { wake, task }
}
