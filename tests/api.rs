//! The case API through real HTTP against both real stores.

mod support;

use reqwest::StatusCode;
use serde_json::json;
use support::{TestServer, case_tag, expect, request_tag};

both_stores!(
    requests_without_a_valid_token_get_401,
    me_tells_each_login_what_it_may_do,
    a_case_runs_its_path_and_its_detail_shows_the_history,
    the_history_says_from_whom_to_whom_and_what_was_decided,
    the_mandate_matrix_and_four_eyes_are_enforced,
    decisions_need_if_match_reason_and_happen_once,
    one_household_has_one_open_case,
    bad_input_is_a_clear_4xx,
    the_procesmanager_changes_nothing,
    sync_is_a_delta_with_etag_and_304,
    sync_pages_with_has_more,
    a_casusregisseur_syncs_only_their_own_cases,
    concurrent_writers_never_make_sync_skip_a_change,
    reads_and_changes_are_audited_in_an_intact_chain,
    escalation_take_over_and_deescalation,
    throughput_figures_agree_with_the_cases,
    throughput_is_for_the_procesmanager_and_procesregisseurs,
);

async fn requests_without_a_valid_token_get_401(s: TestServer) {
    let response = s.client.get(s.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let problem = expect(response, 401).await;
    assert_eq!(problem["status"], 401);
    assert_eq!(problem["type"], "urn:regiedesk:problem:unauthorized");
    let response = s
        .client
        .get(s.url("/api/v1/sync"))
        .bearer_auth("demo-nobody")
        .send()
        .await
        .unwrap();
    expect(response, 401).await;
    let response = s
        .client
        .get(s.url("/api/v1/me"))
        .header("authorization", "Basic cHI6cHI=")
        .send()
        .await
        .unwrap();
    expect(response, 401).await;
    // Health needs no token.
    let response = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(expect(response, 200).await["status"], "ok");
}

async fn me_tells_each_login_what_it_may_do(s: TestServer) {
    let me = expect(s.get("pr-jeugd", "/api/v1/me").await, 200).await;
    assert_eq!(me["role"], "procesregisseur_jeugd");
    assert_eq!(me["mandates"], json!(["jeugdhulp"]));
    assert_eq!(me["may_assign"], true);
    let me = expect(s.get("consulent", "/api/v1/me").await, 200).await;
    assert_eq!(me["mandates"], json!(["wmo_maatwerk"]));
    assert_eq!(me["may_assign"], false);
    let me = expect(s.get("pr-dzm", "/api/v1/me").await, 200).await;
    assert_eq!(me["mandates"], json!(["jeugdhulp", "wmo_maatwerk"]));
    assert_eq!(me["has_doorzettingsmacht"], true);
    let me = expect(s.get("pm", "/api/v1/me").await, 200).await;
    assert_eq!(
        (me["read_only"].clone(), me["mandates"].clone()),
        (json!(true), json!([]))
    );
    let me = expect(s.get("cr-07", "/api/v1/me").await, 200).await;
    assert_eq!(
        (me["role"].clone(), me["sees_all_cases"].clone()),
        (json!("casusregisseur"), json!(false))
    );
    assert_eq!(me["organisation"], "CJG Krimpen");
}

async fn a_case_runs_its_path_and_its_detail_shows_the_history(s: TestServer) {
    let case = s.referral(0, "jeugd").await;
    assert_eq!(case["status"], "referred");
    assert_eq!(case["number"], "KST-2026-0001");
    assert_eq!(case["pseudonym"], s.households[0].pseudonym.as_str());
    assert!(case["casusregisseur"].is_null());
    let id = case["id"].as_i64().unwrap();

    let response = s
        .act("pr-jeugd", id, "assign", json!({"casusregisseur": "cr-01"}))
        .await;
    assert_eq!(response.headers()["etag"], case_tag(id, 2).as_str());
    let case = expect(response, 200).await;
    assert_eq!(case["status"], "assigned");
    // Assigned Tue 24 Nov: first contact due end of Thu 26 Nov (Amsterdam).
    assert_eq!(case["first_contact_due_at"], "2026-11-26T22:59:59Z");
    assert_eq!(case["organisation"], "Kwadraad");

    expect(
        s.act("cr-01", id, "contact", json!({"note": "kennismaking"}))
            .await,
        200,
    )
    .await;
    // A plan without goals, as an old client sends it, is refused with
    // what it lacks.
    let refused = expect(s.act("cr-01", id, "plan", json!({})).await, 422).await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("ten minste één doel"),
        "{refused}"
    );
    expect(s.act("cr-01", id, "plan", support::plan_body()).await, 200).await;
    expect(
        s.act("cr-01", id, "activity", json!({"note": "huisbezoek"}))
            .await,
        200,
    )
    .await;
    let request = s.request(id, "cr-01", "jeugdhulp", true).await;
    assert_eq!(request["status"], "pending");
    assert_eq!(request["number"], "AV-2026-0001");
    // Filed Tue 24 Nov + 8 weeks = Tue 19 Jan 2027.
    assert_eq!(request["decide_by"], "2027-01-19T22:59:59Z");

    let response = s.get("cr-01", &format!("/api/v1/cases/{id}")).await;
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let detail = expect(response, 200).await;
    assert_eq!(
        etag,
        case_tag(id, detail["case"]["version"].as_i64().unwrap())
    );
    assert_eq!(detail["case"]["status"], "execution");
    let kinds: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "referred",
            "assigned",
            "first_contact",
            "plan",
            "activity",
            "request_filed"
        ]
    );
    assert_eq!(detail["events"][5]["request_id"], request["id"]);
    assert_eq!(detail["requests"].as_array().unwrap().len(), 1);
    assert_eq!(detail["household"]["members"], s.households[0].members);

    let closing = s
        .act("cr-01", id, "close", json!({"result": "goals_met"}))
        .await;
    let problem = expect(closing, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("zonder besluit")
    );
}

async fn the_history_says_from_whom_to_whom_and_what_was_decided(s: TestServer) {
    // Assigned to cr-01 (by pr-volw), then reassigned to cr-02.
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    expect(
        s.act(
            "pr-jeugd",
            id,
            "assign",
            json!({"casusregisseur": "cr-02", "reason": "specialisme past beter"}),
        )
        .await,
        200,
    )
    .await;
    // Two requests: one rejected with a reason, one approved without.
    let rejected = s.request(id, "cr-02", "jeugdhulp", true).await;
    expect(
        s.decide(
            "pr-jeugd",
            &rejected,
            json!({"decision": "reject", "reason": "voorliggende voorziening volstaat"}),
        )
        .await,
        200,
    )
    .await;
    let approved = s.request(id, "cr-02", "jeugdhulp", true).await;
    expect(
        s.decide("pr-dzm", &approved, json!({"decision": "approve"}))
            .await,
        200,
    )
    .await;
    expect(
        s.act("pr-dzm", id, "takeover", json!({"reason": "doorzetten"}))
            .await,
        200,
    )
    .await;

    let detail = expect(s.get("pr-jeugd", &format!("/api/v1/cases/{id}")).await, 200).await;
    let events = detail["events"].as_array().unwrap();
    let lines = |kind: &str| -> Vec<&serde_json::Value> {
        events.iter().filter(|e| e["kind"] == kind).collect()
    };
    let assigned = lines("assigned")[0];
    assert_eq!(
        (&assigned["actor"], &assigned["from"], &assigned["to"]),
        (&json!("pr-volw"), &json!(null), &json!("cr-01"))
    );
    let reassigned = lines("reassigned")[0];
    assert_eq!(
        (&reassigned["from"], &reassigned["to"], &reassigned["note"]),
        (
            &json!("cr-01"),
            &json!("cr-02"),
            &json!("specialisme past beter")
        )
    );
    let taken = lines("taken_over")[0];
    assert_eq!(
        (&taken["actor"], &taken["from"], &taken["to"]),
        (&json!("pr-dzm"), &json!("cr-02"), &json!("pr-dzm"))
    );
    let filed = lines("request_filed");
    assert_eq!(filed.len(), 2);
    assert_eq!(filed[0]["note"], "ambulante begeleiding", "the provision");
    assert_eq!(filed[0]["request_id"], rejected["id"]);
    let decided = lines("request_decided");
    assert_eq!(decided.len(), 2);
    assert_eq!(
        (
            &decided[0]["decision"],
            &decided[0]["note"],
            &decided[0]["actor"]
        ),
        (
            &json!("reject"),
            &json!("voorliggende voorziening volstaat"),
            &json!("pr-jeugd")
        ),
        "the note is the reason, without the outcome"
    );
    assert_eq!(decided[0]["request_id"], rejected["id"]);
    assert_eq!(
        (&decided[1]["decision"], &decided[1]["note"]),
        (&json!("approve"), &json!(null))
    );
    assert_eq!(decided[1]["request_id"], approved["id"]);
    // Lines that are neither a change of hands nor a decision carry none.
    for line in lines("first_contact").iter().chain(&lines("plan")) {
        assert_eq!(
            (&line["from"], &line["to"], &line["decision"]),
            (&json!(null), &json!(null), &json!(null))
        );
    }
}

async fn the_mandate_matrix_and_four_eyes_are_enforced(s: TestServer) {
    let jeugd = s.planned_case(0, "jeugd", "cr-01").await;
    let jeugd_request = s.request(jeugd, "cr-01", "jeugdhulp", true).await;
    let wmo = s.planned_case(1, "volwassenen", "cr-02").await;
    let wmo_request = s.request(wmo, "cr-02", "wmo_maatwerk", true).await;
    let approve = json!({"decision": "approve"});
    // A casusregisseur has no mandate, not even on their own case; to
    // another casusregisseur the request does not exist.
    let problem = expect(
        s.decide("cr-01", &jeugd_request, approve.clone()).await,
        403,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("mandaat"));
    expect(
        s.decide("cr-02", &jeugd_request, approve.clone()).await,
        404,
    )
    .await;
    // The jeugd procesregisseur has no mandate for Wmo; the consulent none for youth care.
    expect(
        s.decide("pr-jeugd", &wmo_request, approve.clone()).await,
        403,
    )
    .await;
    expect(
        s.decide("consulent", &jeugd_request, approve.clone()).await,
        403,
    )
    .await;
    expect(
        s.decide("admin", &jeugd_request, approve.clone()).await,
        403,
    )
    .await;
    // The procesregisseur volwassenen, acting as casusregisseur, files a
    // Wmo request and may not decide it himself.
    let own = s.planned_case(2, "volwassenen", "pr-volw").await;
    let own_request = s.request(own, "pr-volw", "wmo_maatwerk", true).await;
    let problem = expect(
        s.decide("pr-volw", &own_request, approve.clone()).await,
        403,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("vier ogen"));
    // ... but the consulent may; and doorzettingsmacht decides both kinds.
    assert_eq!(
        expect(
            s.decide("consulent", &own_request, approve.clone()).await,
            200
        )
        .await["status"],
        "approved"
    );
    assert_eq!(
        expect(
            s.decide("pr-dzm", &jeugd_request, approve.clone()).await,
            200
        )
        .await["decided_by"],
        "pr-dzm"
    );
    assert_eq!(
        expect(
            s.decide("pr-volw", &wmo_request, approve.clone()).await,
            200
        )
        .await["status"],
        "approved"
    );
    // Only the case's casusregisseur files requests; to another
    // casusregisseur the case does not exist.
    let body = json!({"kind": "jeugdhulp", "provision": "p", "motivation": "m", "in_plan": true});
    expect(s.act("cr-02", jeugd, "requests", body.clone()).await, 404).await;
    expect(s.act("pr-jeugd", jeugd, "requests", body).await, 403).await;
    // A request outside the plan can be rejected, not approved.
    let outside = s.request(jeugd, "cr-01", "jeugdhulp", false).await;
    expect(s.decide("pr-jeugd", &outside, approve.clone()).await, 409).await;
}

async fn decisions_need_if_match_reason_and_happen_once(s: TestServer) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    let request = s.request(id, "cr-01", "jeugdhulp", true).await;
    let path = format!("/api/v1/requests/{}/decision", request["id"]);
    let tag = |v| request_tag(request["id"].as_i64().unwrap(), v);
    let reject = json!({"decision": "reject"});
    expect(s.post("pr-jeugd", &path, reject.clone(), None).await, 428).await;
    let problem = expect(
        s.post("pr-jeugd", &path, reject.clone(), Some(&tag(7)))
            .await,
        412,
    )
    .await;
    assert_eq!(problem["current_version"], 1);
    let problem = expect(s.post("pr-jeugd", &path, reject, Some(&tag(1))).await, 422).await;
    assert!(problem["detail"].as_str().unwrap().contains("reden"));
    let blank = json!({"decision": "reject", "reason": "   "});
    expect(s.post("pr-jeugd", &path, blank, Some(&tag(1))).await, 422).await;
    let good = json!({"decision": "reject", "reason": "past niet in het plan"});
    let response = s.post("pr-jeugd", &path, good, Some(&tag(1))).await;
    assert_eq!(response.headers()["etag"], tag(2).as_str());
    let decided = expect(response, 200).await;
    assert_eq!(
        (decided["status"].as_str(), decided["reason"].as_str()),
        (Some("rejected"), Some("past niet in het plan"))
    );
    let again = json!({"decision": "approve"});
    let problem = expect(s.post("pr-jeugd", &path, again, Some(&tag(2))).await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("al beslist"));
    // Authorisation comes before preconditions: no mandate, no 428.
    expect(s.post("consulent", &path, json!({}), None).await, 403).await;
    let fetched = expect(
        s.get("pm", &format!("/api/v1/requests/{}", request["id"]))
            .await,
        200,
    )
    .await;
    assert_eq!(fetched["status"], "rejected");
}

async fn one_household_has_one_open_case(s: TestServer) {
    let first = s.referral(0, "jeugd").await;
    let body =
        json!({"household_id": s.households[0].id, "domain": "volwassenen", "source": "balie"});
    let problem = expect(
        s.post("pr-volw", "/api/v1/cases", body.clone(), None).await,
        409,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("open zaak"));
    // Once closed, the household may be referred again.
    let id = first["id"].as_i64().unwrap();
    expect(
        s.act("pr-jeugd", id, "close", json!({"result": "no_case_needed"}))
            .await,
        200,
    )
    .await;
    let second = expect(s.post("pr-volw", "/api/v1/cases", body, None).await, 201).await;
    assert_eq!(second["number"], "KST-2026-0002");
}

async fn bad_input_is_a_clear_4xx(s: TestServer) {
    let response = s
        .client
        .post(s.url("/api/v1/cases"))
        .bearer_auth("demo-pr-jeugd")
        .header("content-type", "application/json")
        .body("{\"household_id\": 1,")
        .send()
        .await
        .unwrap();
    assert!(
        expect(response, 400).await["detail"]
            .as_str()
            .unwrap()
            .contains("JSON")
    );
    let unknown_enum =
        json!({"household_id": s.households[0].id, "domain": "ouderen", "source": "huisarts"});
    expect(
        s.post("pr-jeugd", "/api/v1/cases", unknown_enum, None)
            .await,
        422,
    )
    .await;
    let unknown_field = json!({"household_id": s.households[0].id, "domain": "jeugd", "source": "huisarts", "naam": "x"});
    expect(
        s.post("pr-jeugd", "/api/v1/cases", unknown_field, None)
            .await,
        422,
    )
    .await;
    let no_household = json!({"household_id": 999_999, "domain": "jeugd", "source": "huisarts"});
    expect(
        s.post("pr-jeugd", "/api/v1/cases", no_household, None)
            .await,
        422,
    )
    .await;
    let name = json!({"pseudonym": "Jan de Vries", "members": 2});
    expect(
        s.post("pr-jeugd", "/api/v1/households", name, None).await,
        422,
    )
    .await;
    let nul = json!({"pseudonym": "H-\u{0}", "members": 2});
    expect(
        s.post("pr-jeugd", "/api/v1/households", nul, None).await,
        422,
    )
    .await;
    let household = expect(
        s.post(
            "pr-jeugd",
            "/api/v1/households",
            json!({"pseudonym": "H-7Q2KXM9", "members": 2}),
            None,
        )
        .await,
        201,
    )
    .await;
    assert_eq!(household["id"], s.households.len() as i64 + 1);
    expect(
        s.post(
            "pr-jeugd",
            "/api/v1/households",
            json!({"pseudonym": "h-7q2kxm9", "members": 3}),
            None,
        )
        .await,
        409,
    )
    .await;

    let id = s.referral(1, "jeugd").await["id"].as_i64().unwrap();
    let nul_note = s
        .act("pr-jeugd", id, "escalate", json!({"reason": "a\u{0}b"}))
        .await;
    expect(nul_note, 422).await;
    expect(
        s.act(
            "pr-jeugd",
            id,
            "assign",
            json!({"casusregisseur": "nobody"}),
        )
        .await,
        422,
    )
    .await;
    expect(
        s.act("pr-jeugd", id, "assign", json!({"casusregisseur": "pm"}))
            .await,
        422,
    )
    .await;
    expect(s.get("pr-jeugd", "/api/v1/cases/abc").await, 400).await;
    expect(
        s.get("pr-jeugd", "/api/v1/cases/99999999999999999999")
            .await,
        400,
    )
    .await;
    expect(s.get("pr-jeugd", "/api/v1/cases/424242").await, 404).await;
    expect(s.get("pr-jeugd", "/api/v1/nothing-here").await, 404).await;
    expect(s.get("pr-jeugd", "/api/v1/sync?since=yesterday").await, 400).await;
    expect(s.get("pr-jeugd", "/api/v1/sync?limit=0").await, 400).await;
    expect(s.get("fg", "/api/v1/audit?since=not-a-time").await, 400).await;
    let response = s
        .client
        .delete(s.url("/api/v1/cases/1"))
        .bearer_auth("demo-pr-jeugd")
        .send()
        .await
        .unwrap();
    expect(response, 405).await;
    let contact_in_future = json!({"at": "2026-12-01T10:00:00Z"});
    let planned = s.planned_case(2, "jeugd", "cr-03").await;
    let problem = expect(
        s.act("cr-03", planned, "contact", contact_in_future).await,
        409,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("al vastgelegd")
    );
}

async fn the_procesmanager_changes_nothing(s: TestServer) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    let request = s.request(id, "cr-01", "jeugdhulp", true).await;
    let etag = s.case_etag(id).await;
    for (path, body) in [
        ("assign", json!({"casusregisseur": "cr-02", "reason": "x"})),
        ("activity", json!({"note": "x"})),
        ("escalate", json!({"reason": "x"})),
        ("takeover", json!({"reason": "x"})),
        ("deescalate", json!({"reason": "x"})),
        ("close", json!({"result": "goals_met"})),
    ] {
        let problem = expect(
            s.post(
                "pm",
                &format!("/api/v1/cases/{id}/{path}"),
                body,
                Some(&etag),
            )
            .await,
            403,
        )
        .await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("procesmanager"),
            "{path}"
        );
    }
    let decide = format!("/api/v1/requests/{}/decision", request["id"]);
    expect(
        s.post(
            "pm",
            &decide,
            json!({"decision": "approve"}),
            Some(&request_tag(request["id"].as_i64().unwrap(), 1)),
        )
        .await,
        403,
    )
    .await;
    expect(
        s.post(
            "pm",
            "/api/v1/households",
            json!({"pseudonym": "H-PM01", "members": 1}),
            None,
        )
        .await,
        403,
    )
    .await;
    let referral = json!({"household_id": s.households[3].id, "domain": "jeugd", "source": "zelf"});
    expect(s.post("pm", "/api/v1/cases", referral, None).await, 403).await;
    // ... and reads everything.
    expect(s.get("pm", &format!("/api/v1/cases/{id}")).await, 200).await;
}

async fn sync_is_a_delta_with_etag_and_304(s: TestServer) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    let request = s.request(id, "cr-01", "jeugdhulp", true).await;
    let response = s.get("pr-jeugd", "/api/v1/sync").await;
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let full = expect(response, 200).await;
    assert_eq!(full["cases"].as_array().unwrap().len(), 1);
    assert_eq!(full["requests"].as_array().unwrap().len(), 1);
    assert_eq!(
        full["people"].as_array().unwrap().len(),
        regiedesk::server::demo::people().len()
    );
    assert_eq!(full["has_more"], false);
    let cursor = full["cursor"].as_str().unwrap().to_string();

    // Idle: 304 with no body, already on the first poll.
    let idle = s
        .client
        .get(s.url(&format!("/api/v1/sync?since={cursor}")))
        .bearer_auth("demo-pr-jeugd")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(idle.status(), StatusCode::NOT_MODIFIED);
    assert!(idle.bytes().await.unwrap().is_empty());
    // The same cursor without If-None-Match: an empty delta.
    let empty = expect(
        s.get("pr-jeugd", &format!("/api/v1/sync?since={cursor}"))
            .await,
        200,
    )
    .await;
    assert_eq!(empty["cursor"], cursor.as_str());
    assert!(empty["cases"].as_array().unwrap().is_empty());

    // One decision: the next delta holds just that request.
    let path = format!("/api/v1/requests/{}/decision", request["id"]);
    expect(
        s.post(
            "pr-jeugd",
            &path,
            json!({"decision": "approve"}),
            Some(&request_tag(request["id"].as_i64().unwrap(), 1)),
        )
        .await,
        200,
    )
    .await;
    let delta = s
        .client
        .get(s.url(&format!("/api/v1/sync?since={cursor}")))
        .bearer_auth("demo-pr-jeugd")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    let delta = expect(delta, 200).await;
    assert!(delta["cases"].as_array().unwrap().is_empty());
    assert!(delta["people"].as_array().unwrap().is_empty());
    let requests = delta["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["status"], "approved");
    assert_ne!(delta["cursor"], cursor.as_str());
}

async fn sync_pages_with_has_more(s: TestServer) {
    for n in 0..5 {
        s.referral(n, "jeugd").await;
    }
    let mut since = String::new();
    let mut cases = Vec::new();
    let mut pages = 0;
    loop {
        let page = expect(
            s.get("pr-jeugd", &format!("/api/v1/sync?limit=7&since={since}"))
                .await,
            200,
        )
        .await;
        pages += 1;
        let items =
            page["cases"].as_array().unwrap().len() + page["people"].as_array().unwrap().len();
        assert!(items <= 7);
        cases.extend(
            page["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap()),
        );
        since = page["cursor"].as_str().unwrap().to_string();
        if page["has_more"] == false {
            break;
        }
    }
    // 31 people and 5 cases, 7 per page.
    assert_eq!(pages, 6);
    cases.sort();
    assert_eq!(cases, [1, 2, 3, 4, 5]);
}

async fn a_casusregisseur_syncs_only_their_own_cases(s: TestServer) {
    let mine = s.planned_case(0, "jeugd", "cr-01").await;
    let request = s.request(mine, "cr-01", "jeugdhulp", true).await;
    let other = s.planned_case(1, "jeugd", "cr-02").await;
    let first = expect(s.get("cr-01", "/api/v1/sync").await, 200).await;
    let ids: Vec<i64> = first["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [mine]);
    assert_eq!(first["requests"][0]["id"], request["id"]);
    expect(s.get("cr-01", &format!("/api/v1/cases/{other}")).await, 404).await;
    let cursor_01 = first["cursor"].as_str().unwrap().to_string();
    let cursor_02 = expect(s.get("cr-02", "/api/v1/sync").await, 200).await["cursor"]
        .as_str()
        .unwrap()
        .to_string();

    // Reassigned from cr-01 to cr-02: cr-01 is told to drop it, cr-02
    // receives the case and its request.
    let body = json!({"casusregisseur": "cr-02", "reason": "ziekte"});
    expect(s.act("pr-jeugd", mine, "assign", body).await, 200).await;
    let delta_01 = expect(
        s.get("cr-01", &format!("/api/v1/sync?since={cursor_01}"))
            .await,
        200,
    )
    .await;
    assert_eq!(delta_01["removed_cases"], json!([mine]));
    assert!(delta_01["cases"].as_array().unwrap().is_empty());
    assert!(delta_01["requests"].as_array().unwrap().is_empty());
    let delta_02 = expect(
        s.get("cr-02", &format!("/api/v1/sync?since={cursor_02}"))
            .await,
        200,
    )
    .await;
    assert_eq!(delta_02["cases"][0]["id"], mine);
    assert_eq!(delta_02["requests"][0]["id"], request["id"]);
    assert!(delta_02["removed_cases"].as_array().unwrap().is_empty());
    // The ETag differs per scope.
    let a = s
        .get("cr-01", &format!("/api/v1/sync?since={cursor_01}"))
        .await;
    let b = s
        .get("pr-jeugd", &format!("/api/v1/sync?since={cursor_01}"))
        .await;
    assert_ne!(a.headers()["etag"], b.headers()["etag"]);
}

async fn concurrent_writers_never_make_sync_skip_a_change(s: TestServer) {
    // Ten referrals committed concurrently (also from the households API),
    // while a desk polls as fast as it can: its deltas must add up to all,
    // each case once. tests/reliability.rs has the larger version: four
    // writers who also change their cases, read in small pages.
    let s = std::sync::Arc::new(s);
    let poller = {
        let s = s.clone();
        tokio::spawn(async move {
            let mut seen = std::collections::HashSet::new();
            let mut since = String::new();
            for _ in 0..400 {
                let page = expect(
                    s.get("pr-jeugd", &format!("/api/v1/sync?since={since}"))
                        .await,
                    200,
                )
                .await;
                // Each case is written once, so it is delivered once, and
                // the cursor never moves back.
                for case in page["cases"].as_array().unwrap() {
                    let id = case["id"].as_i64().unwrap();
                    assert!(seen.insert(id), "case {id} delivered twice");
                }
                let cursor = page["cursor"].as_str().unwrap().to_string();
                assert!(
                    support::change_of(&cursor) >= support::change_of(&since),
                    "the cursor went back from {since} to {cursor}"
                );
                since = cursor;
                if seen.len() == 10 {
                    break;
                }
            }
            (seen, since)
        })
    };
    let writers: Vec<_> = (0..10)
        .map(|n| {
            let s = s.clone();
            tokio::spawn(async move {
                let login = if n % 2 == 0 { "pr-jeugd" } else { "pr-volw" };
                let body = json!({"household_id": s.households[n].id, "domain": "jeugd", "source": "school"});
                expect(s.post(login, "/api/v1/cases", body, None).await, 201).await;
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let (mut seen, since) = poller.await.unwrap();
    // Whatever the poller had not yet seen must be in the very next delta.
    let last = expect(
        s.get("pr-jeugd", &format!("/api/v1/sync?since={since}"))
            .await,
        200,
    )
    .await;
    for case in last["cases"].as_array().unwrap() {
        let id = case["id"].as_i64().unwrap();
        assert!(seen.insert(id), "case {id} delivered twice");
    }
    assert_eq!(seen.len(), 10, "every change reached the desk: {seen:?}");
}

async fn reads_and_changes_are_audited_in_an_intact_chain(s: TestServer) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    expect(s.get("pr-jeugd", &format!("/api/v1/cases/{id}")).await, 200).await;
    expect(s.get("pr-jeugd", "/api/v1/audit").await, 403).await;
    let entries = expect(s.get("fg", &format!("/api/v1/audit?case={id}")).await, 200).await;
    let actions: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "case.create",
            "case.assign",
            "case.contact",
            "case.plan",
            "case.read"
        ]
    );
    let read = &entries[4];
    assert_eq!(
        (read["actor"].as_str(), read["actor_role"].as_str()),
        (Some("pr-jeugd"), Some("procesregisseur_jeugd"))
    );
    assert_eq!(
        read["on_behalf_of"],
        "college van burgemeester en wethouders"
    );
    assert_eq!(read["case_id"], id);
    assert_eq!(read["result"], "ok");
    let since = expect(
        s.get("fg", "/api/v1/audit?since=2026-11-24T13:30:00Z")
            .await,
        200,
    )
    .await;
    assert!(since.as_array().unwrap().len() >= 5);
    let later = expect(
        s.get("fg", "/api/v1/audit?since=2026-11-25T00:00:00Z")
            .await,
        200,
    )
    .await;
    assert!(later.as_array().unwrap().is_empty());
    let (chain, appended) = s.store.audit_chain().await.unwrap();
    assert_eq!(
        regiedesk::server::audit::verify(&chain, appended),
        Ok(chain.len())
    );
    assert_eq!(chain.len() as i64, appended);
}

async fn escalation_take_over_and_deescalation(s: TestServer) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    expect(
        s.act(
            "cr-01",
            id,
            "stuck",
            json!({"note": "gezin weigert contact"}),
        )
        .await,
        200,
    )
    .await;
    expect(
        s.act("cr-01", id, "escalate", json!({"reason": "x"})).await,
        403,
    )
    .await;
    let escalated = expect(
        s.act("pr-jeugd", id, "escalate", json!({"reason": "hoog risico"}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            escalated["escalated"].clone(),
            escalated["escalated_by"].clone()
        ),
        (json!(true), json!("pr-jeugd"))
    );
    expect(
        s.act("pr-jeugd", id, "takeover", json!({"reason": "x"}))
            .await,
        403,
    )
    .await;
    let taken = expect(
        s.act("pr-dzm", id, "takeover", json!({"reason": "doorzetten"}))
            .await,
        200,
    )
    .await;
    assert_eq!(taken["casusregisseur"], "pr-dzm");
    assert_eq!(taken["taken_over"], true);
    assert_eq!(taken["stuck_reported"], false);
    let calm = expect(
        s.act(
            "pr-dzm",
            id,
            "deescalate",
            json!({"reason": "afspraken gemaakt"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(calm["escalated"], false);
    expect(
        s.act("pr-dzm", id, "deescalate", json!({"reason": "nogmaals"}))
            .await,
        409,
    )
    .await;
    let entries = expect(s.get("fg", &format!("/api/v1/audit?case={id}")).await, 200).await;
    let takeover = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "case.takeover")
        .unwrap();
    assert_eq!(takeover["on_behalf_of"], "burgemeester");
    // The typed reason stays in the case history, out of the audit log
    // that the privacyfunctionaris reads.
    assert_eq!(takeover["reason"], serde_json::Value::Null);
}

async fn throughput_figures_agree_with_the_cases(s: TestServer) {
    // Five referrals today: three assigned, one of them planned with an
    // approved request; two still unassigned.
    let planned = s.planned_case(0, "jeugd", "cr-01").await;
    let request = s.request(planned, "cr-01", "jeugdhulp", true).await;
    expect(
        s.decide("pr-jeugd", &request, json!({"decision": "approve"}))
            .await,
        200,
    )
    .await;
    for (n, holder) in [(1, Some("cr-02")), (2, Some("cr-02")), (3, None), (4, None)] {
        let id = s
            .referral(n, if n % 2 == 0 { "jeugd" } else { "volwassenen" })
            .await["id"]
            .as_i64()
            .unwrap();
        if let Some(holder) = holder {
            expect(
                s.act("pr-volw", id, "assign", json!({"casusregisseur": holder}))
                    .await,
                200,
            )
            .await;
        }
    }
    let sync = expect(s.get("pm", "/api/v1/sync").await, 200).await;
    let cases = sync["cases"].as_array().unwrap();
    let stats = expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-11-18&to=2026-11-24&by=week",
        )
        .await,
        200,
    )
    .await;
    // Inflow equals the cases the sync says were referred in the range.
    let referred = cases
        .iter()
        .filter(|c| c["referred_at"].as_str().unwrap() >= "2026-11-17T23:00:00Z")
        .count();
    assert_eq!(stats["inflow"]["total"], referred as u64);
    assert_eq!(referred, 5);
    let by_source: u64 = stats["inflow"]["by_source"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_source, 5);
    assert_eq!(stats["inflow"]["by_domain"]["jeugd"], 3);
    // Load: open assigned cases, summed over people and organisations.
    let open_assigned = cases
        .iter()
        .filter(|c| c["closed_at"].is_null() && !c["casusregisseur"].is_null())
        .count() as u64;
    let per_person: u64 = stats["load"]["per_casusregisseur"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["open"].as_u64().unwrap())
        .sum();
    let per_organisation: u64 = stats["load"]["per_organisation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["open"].as_u64().unwrap())
        .sum();
    assert_eq!((per_person, per_organisation), (open_assigned, 3));
    // Three assignments today, each the same day as its referral.
    let assignment = &stats["lead_times_days"]["referral_to_assignment"];
    assert_eq!(assignment["n"], 3);
    assert_eq!(assignment["median"], 0.0);
    assert_eq!(stats["requests"]["approved"], 1);
    assert_eq!(stats["requests"]["per_kind"]["jeugdhulp"]["approved"], 1);
    assert_eq!(stats["lead_times_days"]["request_to_decision"]["n"], 1);
    // Nothing is due yet: first contact is due two working days on.
    assert_eq!(stats["first_contact"]["due"], 0);
    assert!(stats["first_contact"]["within_norm_pct"].is_null());
    // The series: Wed 18 .. Sun 22, then Mon 23 .. Tue 24.
    let series = stats["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[1]["from"], "2026-11-23");
    assert_eq!(series[1]["inflow"], 5);
    // A period before any of it holds no inflow but the same load.
    let before = expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-01-01&to=2026-06-30&by=month",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(before["inflow"]["total"], 0);
    assert_eq!(before["series"].as_array().unwrap().len(), 6);
    assert_eq!(before["load"], stats["load"]);
}

async fn throughput_is_for_the_procesmanager_and_procesregisseurs(s: TestServer) {
    let path = "/api/v1/stats/throughput?from=2026-11-01&to=2026-11-30";
    expect(s.get("pr-jeugd", path).await, 200).await;
    expect(s.get("pr-dzm", path).await, 200).await;
    let problem = expect(s.get("cr-01", path).await, 403).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("doorstroomcijfers")
    );
    expect(s.get("consulent", path).await, 403).await;
    let problem = expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-11-30&to=2026-11-01",
        )
        .await,
        422,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("ligt na"));
    expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2020-01-01&to=2026-11-01",
        )
        .await,
        422,
    )
    .await;
    expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=0000-01-01&to=0001-01-01",
        )
        .await,
        422,
    )
    .await;
    expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-13-01&to=2026-11-01",
        )
        .await,
        400,
    )
    .await;
    expect(
        s.get("pm", "/api/v1/stats/throughput?from=2026-11-01")
            .await,
        400,
    )
    .await;
    // Per day for a month; not for a year; no other cuts.
    let days = expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-11-01&to=2026-11-30&by=day",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(days["series"].as_array().unwrap().len(), 30);
    expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-01-01&to=2026-12-31&by=day",
        )
        .await,
        422,
    )
    .await;
    expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-11-01&to=2026-11-30&by=hour",
        )
        .await,
        400,
    )
    .await;
}
