//! The law's clock through the API on both stores: suspending and resuming
//! a request's term, extending it once, and the ingebrekestelling of a
//! late request. The server's clock stands at Tuesday 24 November 2026.

mod support;

use chrono::{DateTime, Utc};
use regiedesk::domain::calendar::end_of_day;
use serde_json::{Value, json};
use support::{TestServer, expect, request_tag};

both_stores!(
    suspension_moves_the_deadline_and_resumption_sets_it,
    verdaging_once_before_the_term_with_a_reason,
    a_late_requests_notice_of_default_runs_the_dwangsom,
    term_actions_need_if_match_and_the_right_role,
    a_decided_request_cannot_be_suspended,
    term_changes_are_audited_and_reach_the_sync_delta,
    a_wmo_melding_starts_the_onderzoek_term,
);

/// A pending Jeugd request on a planned case of cr-01, filed today:
/// decide_by Tuesday 19 January 2027.
async fn jeugd_request(s: &TestServer, household: usize) -> Value {
    let case = s.planned_case(household, "jeugd", "cr-01").await;
    s.request(case, "cr-01", "jeugdhulp", true).await
}

async fn etag(s: &TestServer, id: i64) -> String {
    let r = s.store.request(id).await.unwrap().unwrap();
    request_tag(id, r.version)
}

/// POSTs a term action with the request's current `If-Match`.
async fn term(
    s: &TestServer,
    login: &str,
    id: i64,
    action: &str,
    body: Value,
) -> reqwest::Response {
    let etag = etag(s, id).await;
    s.post(
        login,
        &format!("/api/v1/requests/{id}/{action}"),
        body,
        Some(&etag),
    )
    .await
}

fn day_end(date: &str) -> String {
    end_of_day(date.parse().unwrap()).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn decide_by(r: &Value) -> DateTime<Utc> {
    r["decide_by"].as_str().unwrap().parse().unwrap()
}

async fn suspension_moves_the_deadline_and_resumption_sets_it(s: TestServer) {
    let r = jeugd_request(&s, 0).await;
    let id = r["id"].as_i64().unwrap();
    assert_eq!(
        decide_by(&r),
        day_end("2027-01-19").parse::<DateTime<Utc>>().unwrap()
    );
    // Asked today (Tuesday 24 November), hersteltermijn until 8 December:
    // 14 days the term may stand still: 2 February 2027.
    let body = json!({"complete_by": "2026-12-08", "note": "verslag van school"});
    let suspended = expect(term(&s, "pr-jeugd", id, "suspension", body).await, 200).await;
    assert_eq!(
        decide_by(&suspended),
        day_end("2027-02-02").parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        suspended["term"]["suspensions"][0]["asked_on"],
        "2026-11-24"
    );
    assert_eq!(
        suspended["term"]["suspensions"][0]["completed_on"],
        Value::Null
    );
    // A second suspension while this one runs: 409.
    let again = json!({"complete_by": "2026-12-10", "note": "nog iets"});
    expect(term(&s, "pr-jeugd", id, "suspension", again).await, 409).await;
    // The casusregisseur records that it arrived today: 0 days stood still.
    let resumed = expect(term(&s, "cr-01", id, "resumption", json!({})).await, 200).await;
    assert_eq!(
        decide_by(&resumed),
        day_end("2027-01-19").parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        resumed["term"]["suspensions"][0]["completed_on"],
        "2026-11-24"
    );
    // Nothing to resume any more: 409. Received in the future: 422.
    expect(term(&s, "cr-01", id, "resumption", json!({})).await, 409).await;
    let future = json!({"complete_by": "2026-12-08", "asked_on": "2026-11-25", "note": "x"});
    expect(term(&s, "pr-jeugd", id, "suspension", future).await, 422).await;
    // What was asked is required: 422.
    let bare = json!({"complete_by": "2026-12-08"});
    let problem = expect(term(&s, "pr-jeugd", id, "suspension", bare).await, 422).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("gevraagd"),
        "{problem}"
    );
}

async fn verdaging_once_before_the_term_with_a_reason(s: TestServer) {
    let r = jeugd_request(&s, 0).await;
    let id = r["id"].as_i64().unwrap();
    let no_reason = json!({"weeks": 4});
    expect(term(&s, "pr-jeugd", id, "extension", no_reason).await, 422).await;
    let too_long = json!({"weeks": 9, "reason": "advies"});
    expect(term(&s, "pr-jeugd", id, "extension", too_long).await, 422).await;
    let body = json!({"weeks": 4, "reason": "advies jeugdarts nodig"});
    let extended = expect(
        term(&s, "pr-jeugd", id, "extension", body.clone()).await,
        200,
    )
    .await;
    // 19 January + 4 weeks: Tuesday 16 February 2027.
    assert_eq!(
        decide_by(&extended),
        day_end("2027-02-16").parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(extended["term"]["extension"]["weeks"], 4);
    assert_eq!(extended["term"]["extension"]["notified_on"], "2026-11-24");
    let problem = expect(
        term(&s, "pr-jeugd", id, "extension", body.clone()).await,
        409,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("al verdaagd"),
        "{problem}"
    );
    // A request past its term cannot be extended: 409.
    let late = jeugd_request(&s, 1).await["id"].as_i64().unwrap();
    s.make_request_late(late).await;
    let problem = expect(term(&s, "pr-jeugd", late, "extension", body).await, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("verstreek"),
        "{problem}"
    );
}

async fn a_late_requests_notice_of_default_runs_the_dwangsom(s: TestServer) {
    let id = jeugd_request(&s, 0).await["id"].as_i64().unwrap();
    // Before the term has passed a notice is not valid: 409.
    let early = json!({"received_on": "2026-11-24"});
    expect(
        term(&s, "admin", id, "default-notice", early.clone()).await,
        409,
    )
    .await;
    s.make_request_late(id).await;
    // Received on the term's last day: still too early.
    let on_the_day = json!({"received_on": "2026-11-23"});
    expect(
        term(&s, "admin", id, "default-notice", on_the_day).await,
        409,
    )
    .await;
    let future = json!({"received_on": "2026-11-25"});
    expect(term(&s, "admin", id, "default-notice", future).await, 422).await;
    // Missing date: 422 naming the field.
    let problem = expect(
        term(&s, "admin", id, "default-notice", json!({})).await,
        422,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("received_on"),
        "{problem}"
    );
    let body = json!({"received_on": "2026-11-24"});
    let noticed = expect(
        term(&s, "admin", id, "default-notice", body.clone()).await,
        200,
    )
    .await;
    assert_eq!(
        noticed["term"]["default_notice"]["received_on"],
        "2026-11-24"
    );
    assert_eq!(noticed["term"]["default_notice"]["recorded_by"], "admin");
    // Once: 409.
    expect(term(&s, "admin", id, "default-notice", body).await, 409).await;
    // The history line says when the dwangsom starts: received Tuesday
    // 24 November, two weeks end 8 December, day 1 is 9 December.
    let case = noticed["case_id"].as_i64().unwrap();
    let detail = expect(
        s.get("pr-jeugd", &format!("/api/v1/cases/{case}")).await,
        200,
    )
    .await;
    let line = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "default_notice_received")
        .expect("the notice is in the history");
    assert_eq!(
        line["note"],
        "ontvangen op 24-11-2026; dwangsom vanaf 09-12-2026"
    );
    assert_eq!(line["request_id"], id);
    // Doorstroom counts the notice in November; no dwangsom runs yet.
    let figures = expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-11-01&to=2026-11-30&by=week",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        figures["dwangsom"],
        json!({"requests": 0, "euros": 0, "notices": 1})
    );
}

async fn term_actions_need_if_match_and_the_right_role(s: TestServer) {
    let id = jeugd_request(&s, 0).await["id"].as_i64().unwrap();
    let body = json!({"weeks": 2, "reason": "advies"});
    let path = format!("/api/v1/requests/{id}/extension");
    // No If-Match: 428; an old one: 412.
    expect(s.post("pr-jeugd", &path, body.clone(), None).await, 428).await;
    expect(
        s.post("pr-jeugd", &path, body.clone(), Some(&request_tag(id, 0)))
            .await,
        412,
    )
    .await;
    // Who may not: the casusregisseur extends nothing, the Wmo mandate is
    // not the Jeugd mandate, the procesmanager changes nothing, another
    // casusregisseur does not see the case.
    for login in ["cr-01", "pr-volw", "pm", "consulent"] {
        let problem = expect(term(&s, login, id, "extension", body.clone()).await, 403).await;
        assert_eq!(problem["status"], 403, "{login}");
    }
    let suspend = json!({"complete_by": "2026-12-08", "note": "x"});
    // To another casusregisseur the request does not exist.
    expect(
        term(&s, "cr-02", id, "suspension", suspend.clone()).await,
        404,
    )
    .await;
    expect(term(&s, "admin", id, "suspension", suspend).await, 403).await;
    // Unknown request: 404; unknown field: 422.
    expect(
        s.post(
            "pr-jeugd",
            "/api/v1/requests/999999/extension",
            body.clone(),
            Some("\"v1\""),
        )
        .await,
        404,
    )
    .await;
    let odd = json!({"weeks": 2, "reason": "x", "dagen": 3});
    expect(term(&s, "pr-jeugd", id, "extension", odd).await, 422).await;
    // Nothing of all this changed the request.
    assert_eq!(s.store.request(id).await.unwrap().unwrap().version, 1);
}

async fn a_decided_request_cannot_be_suspended(s: TestServer) {
    let r = jeugd_request(&s, 0).await;
    let id = r["id"].as_i64().unwrap();
    expect(
        s.decide("pr-jeugd", &r, json!({"decision": "approve"}))
            .await,
        200,
    )
    .await;
    let body = json!({"complete_by": "2026-12-08", "note": "x"});
    let problem = expect(term(&s, "pr-jeugd", id, "suspension", body).await, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("al beslist"),
        "{problem}"
    );
    let body = json!({"weeks": 2, "reason": "x"});
    expect(term(&s, "pr-jeugd", id, "extension", body).await, 409).await;
}

async fn term_changes_are_audited_and_reach_the_sync_delta(s: TestServer) {
    let id = jeugd_request(&s, 0).await["id"].as_i64().unwrap();
    let sync = expect(s.get("pr-jeugd", "/api/v1/sync").await, 200).await;
    let cursor = sync["cursor"].as_str().unwrap().to_string();
    let body = json!({"weeks": 3, "reason": "advies"});
    expect(term(&s, "pr-jeugd", id, "extension", body).await, 200).await;
    let delta = expect(
        s.get("pr-jeugd", &format!("/api/v1/sync?since={cursor}"))
            .await,
        200,
    )
    .await;
    let requests = delta["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{delta}");
    assert_eq!(requests[0]["id"], id);
    assert_eq!(requests[0]["term"]["extension"]["weeks"], 3);
    // The casusregisseur's own scope carries it too.
    let theirs = expect(
        s.get("cr-01", &format!("/api/v1/sync?since={cursor}"))
            .await,
        200,
    )
    .await;
    assert_eq!(theirs["requests"][0]["id"], id);
    let audit = expect(s.get("fg", "/api/v1/audit?limit=50").await, 200).await;
    let entry = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "request.extend")
        .expect("the extension is audited");
    assert_eq!(entry["actor"], "pr-jeugd");
    assert_eq!(entry["request_id"], id);
    assert_eq!(entry["result"], "ok");
}

async fn a_wmo_melding_starts_the_onderzoek_term(s: TestServer) {
    let adult = s.planned_case(0, "volwassenen", "cr-01").await;
    let youth = s.planned_case(1, "jeugd", "cr-01").await;
    // No If-Match: 428.
    let path = format!("/api/v1/cases/{adult}/melding");
    expect(s.post("cr-01", &path, json!({}), None).await, 428).await;
    // The Jeugdwet knows no melding: 409. A melding in the future: 422.
    expect(s.act("cr-01", youth, "melding", json!({})).await, 409).await;
    let future = json!({"on": "2026-11-25"});
    expect(s.act("cr-01", adult, "melding", future).await, 422).await;
    // No onderzoek before the melding: 409. Who may not: 403.
    expect(s.act("cr-01", adult, "onderzoek", json!({})).await, 409).await;
    expect(s.act("pr-jeugd", adult, "melding", json!({})).await, 403).await;
    let case = expect(
        s.act("consulent", adult, "melding", json!({"on": "2026-10-01"}))
            .await,
        200,
    )
    .await;
    assert_eq!(case["melding_on"], "2026-10-01");
    // Six weeks from Thursday 1 October: Thursday 12 November, past.
    let board = expect(s.get("pr-volw", "/api/v1/sync").await, 200).await;
    let synced = board["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == adult)
        .unwrap();
    assert_eq!(synced["melding_on"], "2026-10-01");
    assert_eq!(synced["onderzoek_done_on"], Value::Null);
    expect(s.act("cr-01", adult, "melding", json!({})).await, 409).await;
    let done = json!({"note": "keukentafelgesprek gevoerd"});
    let case = expect(s.act("cr-01", adult, "onderzoek", done).await, 200).await;
    assert_eq!(case["onderzoek_done_on"], "2026-11-24");
    expect(s.act("cr-01", adult, "onderzoek", json!({})).await, 409).await;
}
