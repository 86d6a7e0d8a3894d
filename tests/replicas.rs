//! Several server processes on one PostgreSQL, as a region runs them
//! behind one address: a desk whose polls go to either sees every change
//! once and in order; a revoked token stops working on all within
//! seconds; a cursor from before a reseed makes the desk start over.
//!
//! Each "process" is a server with its own connection pool, change watch
//! and token cache, which is all a process keeps in memory.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use regiedesk::api::client::{ApiClient, SyncOutcome};
use regiedesk::clock::Clock;
use regiedesk::desk::app::Msg;
use regiedesk::domain::norms::Norms;
use regiedesk::server::store::{self, Store};
use regiedesk::server::{AppState, listen};
use serde_json::json;
use support::{Backend, TestServer, expect, now};

/// What must happen "soon" may take this long on a very busy machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// A second server process on the database of `first`.
async fn replica(first: &TestServer) -> (String, Arc<dyn Store>) {
    let store = store::connect(first.db.url()).await.unwrap();
    let state = AppState::new(store.clone(), Clock::Frozen(now()), Norms::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = regiedesk::server::router(state);
    tokio::spawn(listen::serve(
        listener,
        app,
        listen::Limits::default(),
        None,
        std::future::pending(),
    ));
    (base, store)
}

async fn two_servers() -> Option<(TestServer, String)> {
    let first = TestServer::start(Backend::Postgres).await?;
    let (second, _) = replica(&first).await;
    Some((first, second))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_desk_alternating_between_two_servers_sees_every_change_once_in_order() {
    let Some((first, second)) = two_servers().await else {
        return;
    };
    let s = Arc::new(first);
    let cases: Vec<i64> = {
        let mut cases = Vec::new();
        for n in 0..4 {
            cases.push(s.planned_case(n, "jeugd", &format!("cr-0{}", n + 1)).await);
        }
        cases
    };
    // Writers on both servers: each casusregisseur records activity on
    // their own case, alternating the server they write to.
    let bases = [s.base.clone(), second.clone()];
    let writers: Vec<_> = cases
        .iter()
        .enumerate()
        .map(|(n, &case)| {
            let (s, bases) = (s.clone(), bases.clone());
            tokio::spawn(async move {
                let holder = format!("cr-0{}", n + 1);
                for i in 0..15 {
                    let etag = s.case_etag(case).await;
                    let response = s
                        .client
                        .post(format!("{}/api/v1/cases/{case}/activity", bases[i % 2]))
                        .bearer_auth(format!("demo-{holder}"))
                        .header("if-match", etag)
                        .json(&json!({"note": format!("gesprek {i}")}))
                        .send()
                        .await
                        .unwrap();
                    expect(response, 200).await;
                }
            })
        })
        .collect();
    // The desk: polls alternate between the two, with cursor and ETag.
    let desks = [
        ApiClient::new(&s.base, "demo-pr-jeugd").unwrap(),
        ApiClient::new(&second, "demo-pr-jeugd").unwrap(),
    ];
    let mut cursor: Option<String> = None;
    let mut etag: Option<String> = None;
    let mut seen: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut polls = 0usize;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let writing = writers.iter().any(|w| !w.is_finished());
        let outcome = desks[polls % 2]
            .sync(cursor.as_deref(), etag.as_deref())
            .await
            .unwrap();
        polls += 1;
        if let SyncOutcome::Changed {
            delta,
            cursor: next,
            etag: tag,
        } = outcome
        {
            for case in delta.cases {
                seen.entry(case.id).or_default().push(case.version);
            }
            cursor = Some(next);
            etag = tag;
        }
        // Done when the writers are, and both servers have what the
        // database has (another server's writes reach a watch within a
        // refresh; the desk keeps polling until then).
        let done = !writing
            && futures_util::future::join_all(cases.iter().map(|&id| s.store.case(id)))
                .await
                .into_iter()
                .all(|c| {
                    let c = c.unwrap().unwrap();
                    seen.get(&c.id).and_then(|v| v.last()) == Some(&c.version)
                });
        if done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the desk did not catch up: {seen:?}"
        );
        tokio::task::yield_now().await;
    }
    for (case, versions) in &seen {
        assert!(
            versions.windows(2).all(|w| w[0] < w[1]),
            "case {case}: versions arrive once each, in order: {versions:?}"
        );
    }
    assert!(polls >= 2, "both servers were asked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_stops_working_on_every_server() {
    let Some((first, second)) = two_servers().await else {
        return;
    };
    let desks = [
        ApiClient::new(&first.base, "demo-cr-01").unwrap(),
        ApiClient::new(&second, "demo-cr-01").unwrap(),
    ];
    // Both servers know (and cache) the token.
    for desk in &desks {
        for _ in 0..3 {
            assert_eq!(desk.me().await.unwrap().person.login, "cr-01");
        }
    }
    // The operator revokes, as `staff revoke` does: on the database, not
    // through either server.
    let operator = store::connect(first.db.url()).await.unwrap();
    assert_eq!(
        operator
            .revoke_tokens("cr-01", chrono::Utc::now())
            .await
            .unwrap(),
        1
    );
    let revoked_at = Instant::now();
    for desk in &desks {
        let failure = loop {
            match desk.me().await {
                Err(failure) => break failure,
                Ok(_) => {
                    assert!(
                        revoked_at.elapsed() < PATIENCE,
                        "{} still accepts the revoked token",
                        desk.base()
                    );
                    tokio::task::yield_now().await;
                }
            }
        };
        assert_eq!(failure.status(), Some(401));
        assert!(failure.reason().contains("ingetrokken"), "{failure:?}");
    }
    // Other people's tokens still work.
    let other = ApiClient::new(&second, "demo-cr-02").unwrap();
    assert_eq!(other.me().await.unwrap().person.login, "cr-02");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_reseed_the_desk_starts_over_by_itself() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(s) = TestServer::start(backend).await else {
            continue;
        };
        for n in 0..3 {
            s.planned_case(n, "jeugd", "cr-01").await;
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let client = ApiClient::new(&s.base, "demo-pr-jeugd").unwrap();
        let poller = regiedesk::desk::sync::spawn(
            client.clone(),
            Clock::Frozen(now()),
            // It polls at start, then only when woken.
            Duration::from_secs(3600),
            tx,
        );
        let first = loop {
            match rx.recv().await.unwrap() {
                Msg::Synced { delta, .. } => break delta,
                _ => continue,
            }
        };
        assert_eq!(first.cases.len(), 3);
        // The database is restored to an earlier state: only the staff.
        s.store.reset().await.unwrap();
        support::seed_staff(s.store.as_ref()).await;
        // An old cursor is answered 410, as a problem.
        let SyncOutcome::Changed { cursor, .. } = client.sync(None, None).await.unwrap() else {
            panic!("a full sync brings the staff");
        };
        let (epoch, change) = cursor.split_once('.').expect("<epoch>.<change>");
        let beyond = format!("{epoch}.{}", change.parse::<i64>().unwrap() + 1000);
        let gone = s
            .get("pr-jeugd", &format!("/api/v1/sync?since={beyond}"))
            .await;
        let problem = expect(gone, 410).await;
        assert_eq!(problem["type"], "urn:regiedesk:problem:cursor-unknown");
        // The desk starts over by itself: a full sync that replaces.
        poller.wake();
        let deadline = Instant::now() + PATIENCE;
        let resynced = loop {
            let msg = tokio::time::timeout_at(deadline.into(), rx.recv())
                .await
                .expect("the desk resyncs")
                .unwrap();
            if let Msg::Resynced { delta, .. } = msg {
                break delta;
            }
        };
        assert!(resynced.cases.is_empty(), "{backend:?}: no case survived");
        assert!(!resynced.people.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throughput_on_one_server_counts_what_another_just_wrote() {
    let Some((first, second)) = two_servers().await else {
        return;
    };
    let path = "/api/v1/stats/throughput?from=2026-11-01&to=2026-11-30";
    let figures = |base: String| {
        let client = first.client.clone();
        async move {
            let response = client
                .get(format!("{base}{path}"))
                .bearer_auth("demo-pm")
                .send()
                .await
                .unwrap();
            expect(response, 200).await
        }
    };
    first.planned_case(0, "jeugd", "cr-01").await;
    let before = figures(second.clone()).await;
    assert_eq!(before["inflow"]["total"], 1);
    // Written through the first server; the second counts it at once
    // (its mirror catches up by change number before computing).
    first.referral(1, "volwassenen").await;
    let after = figures(second.clone()).await;
    assert_eq!(after["inflow"]["total"], 2, "{after:#}");
    assert_eq!(after["inflow"]["by_domain"]["volwassenen"], 1);
    // Asked again without a change: the same figures.
    assert_eq!(figures(second).await, after);
}
