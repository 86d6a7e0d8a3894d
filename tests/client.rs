//! The desk's API client through real HTTP against a real server (SQLite
//! file; the stores themselves are covered on both backends in api.rs).

mod support;

use regiedesk::api::client::{ApiClient, ApiFailure, SyncOutcome};
use regiedesk::api::wire::{DecisionBody, ReasonBody};
use regiedesk::domain::model::{Decision, RequestStatus};
use support::{Backend, TestServer};

fn client(s: &TestServer, login: &str) -> ApiClient {
    ApiClient::new(&s.base, &format!("demo-{login}")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_syncs_deltas_and_sends_changes_at_the_version_seen() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    let case_id = s.planned_case(0, "jeugd", "cr-01").await;
    let request = s.request(case_id, "cr-01", "jeugdhulp", true).await;
    let request_id = request["id"].as_i64().unwrap();

    let desk = client(&s, "pr-jeugd");
    assert_eq!(desk.me().await.unwrap().person.login, "pr-jeugd");

    let SyncOutcome::Changed {
        delta,
        cursor,
        etag,
    } = desk.sync(None, None).await.unwrap()
    else {
        panic!("a first sync brings everything");
    };
    assert_eq!(delta.cases.len(), 1);
    assert_eq!(delta.requests.len(), 1);
    assert!(delta.people.len() > 20, "the staff come along");
    let etag = etag.expect("sync answers carry an ETag");
    assert_eq!(
        desk.sync(Some(&cursor), Some(&etag)).await.unwrap(),
        SyncOutcome::Unchanged,
        "an idle server answers 304"
    );

    // A stale version is refused as a conflict the desk can show.
    let stale = desk
        .decide(
            request_id,
            &DecisionBody {
                decision: Decision::Approve,
                reason: None,
            },
            delta.requests[0].version + 1,
        )
        .await
        .unwrap_err();
    assert!(stale.is_conflict(), "{stale:?}");
    assert_eq!(stale.status(), Some(412));

    let decided = desk
        .decide(
            request_id,
            &DecisionBody {
                decision: Decision::Approve,
                reason: None,
            },
            delta.requests[0].version,
        )
        .await
        .unwrap();
    assert_eq!(decided.status, RequestStatus::Approved);

    let SyncOutcome::Changed { delta, .. } = desk.sync(Some(&cursor), Some(&etag)).await.unwrap()
    else {
        panic!("the decision is a change");
    };
    assert_eq!(delta.requests.len(), 1);
    assert_eq!(delta.requests[0].status, RequestStatus::Approved);

    // A refusal carries the server's words.
    let case = s.store.case(case_id).await.unwrap().unwrap();
    let refused = client(&s, "pm")
        .case_action(case_id, "escalate", &ReasonBody::default(), case.version)
        .await
        .unwrap_err();
    match refused {
        ApiFailure::Refused(problem) => {
            assert_eq!(problem.status, 403);
            assert!(!problem.detail.is_empty());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_server_is_offline_not_an_error_page() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let desk = ApiClient::new(&format!("http://127.0.0.1:{port}"), "demo-pr-jeugd").unwrap();
    match desk.sync(None, None).await {
        Err(ApiFailure::Offline(text)) => assert!(!text.is_empty()),
        other => panic!("expected offline, got {other:?}"),
    }
}
