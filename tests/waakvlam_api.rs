//! The waakvlam follow-up through real HTTP against both real stores:
//! closing into waakvlam within its bound, the follow-up (all well, or a
//! concern that opens a case for the household), postponing it and
//! handing it to someone else. Who may, If-Match, reasons, state
//! conflicts, the audit log and the sync delta. The clock is frozen at
//! Tuesday 24 November 2026.

mod support;

use serde_json::{Value, json};
use support::{TestServer, case_tag, expect};

both_stores!(
    closing_into_waakvlam_is_bounded,
    a_follow_up_that_finds_all_well_closes_the_case,
    a_follow_up_with_a_concern_opens_a_linked_case,
    a_concern_for_a_household_with_an_open_case_links_that_case,
    postponing_needs_a_reason_and_a_later_date_within_the_bound,
    a_procesregisseur_hands_the_follow_up_to_another,
);

/// A jeugd case of household `n`, held by `holder`, closed into waakvlam
/// until `until`.
async fn in_waakvlam(s: &TestServer, n: usize, holder: &str, until: &str) -> i64 {
    let id = s.planned_case(n, "jeugd", holder).await;
    let body = json!({"result": "refused", "waakvlam_until": until});
    let case = expect(s.act(holder, id, "close", body).await, 200).await;
    assert_eq!(case["status"], "waakvlam");
    id
}

async fn case_of(s: &TestServer, login: &str, id: i64) -> Value {
    expect(s.get(login, &format!("/api/v1/cases/{id}")).await, 200).await["case"].clone()
}

async fn cursor(s: &TestServer, login: &str) -> String {
    expect(s.get(login, "/api/v1/sync").await, 200).await["cursor"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn audit_actions(s: &TestServer, id: i64) -> Vec<String> {
    let entries = expect(s.get("fg", &format!("/api/v1/audit?case={id}")).await, 200).await;
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

async fn closing_into_waakvlam_is_bounded(s: TestServer) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    for (until, why) in [
        ("2026-11-24", "toekomst"),
        ("2028-11-25", "24 maanden"),
        ("+262142-01-01", ""),
    ] {
        let body = json!({"result": "refused", "waakvlam_until": until});
        let problem = expect(s.act("cr-01", id, "close", body).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(why),
            "{until}: {problem}"
        );
    }
    // The last day of the bound: 24 months after today.
    let body = json!({"result": "refused", "waakvlam_until": "2028-11-24"});
    let case = expect(s.act("cr-01", id, "close", body).await, 200).await;
    assert_eq!(
        (&case["status"], &case["waakvlam_until"]),
        (&json!("waakvlam"), &json!("2028-11-24"))
    );
    assert_eq!(case["casusregisseur"], "cr-01", "the closer holds it");
}

async fn a_follow_up_that_finds_all_well_closes_the_case(s: TestServer) {
    let id = in_waakvlam(&s, 0, "cr-01", "2026-12-01").await;
    let path = format!("/api/v1/cases/{id}/waakvlam/followup");
    let body = json!({"result": "all_well", "note": "gesproken met moeder"});
    let since = cursor(&s, "pr-jeugd").await;

    // Permission before precondition: a stranger learns nothing from 428;
    // to another casusregisseur the case does not exist.
    expect(s.post("cr-02", &path, body.clone(), None).await, 404).await;
    for login in ["pm", "pr-volw", "consulent", "admin"] {
        expect(s.post(login, &path, body.clone(), None).await, 403).await;
    }
    expect(s.post("cr-01", &path, body.clone(), None).await, 428).await;
    expect(
        s.post("cr-01", &path, body.clone(), Some(&case_tag(id, 1)))
            .await,
        412,
    )
    .await;
    let unknown = json!({"result": "prima"});
    expect(s.act("cr-01", id, "waakvlam/followup", unknown).await, 422).await;

    let before = case_of(&s, "pr-jeugd", id).await;
    let case = expect(
        s.act("cr-01", id, "waakvlam/followup", body.clone()).await,
        200,
    )
    .await;
    assert_eq!(case["status"], "closed");
    assert_eq!(case["follow_up_result"], "all_well");
    assert_eq!(case["follow_up_case_id"], Value::Null);
    assert_eq!(case["version"], before["version"].as_i64().unwrap() + 1);
    // Once.
    let problem = expect(s.act("cr-01", id, "waakvlam/followup", body).await, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("al afgesloten")
    );

    // In the next delta, and in the history and the audit log.
    let delta = expect(
        s.get("pr-jeugd", &format!("/api/v1/sync?since={since}"))
            .await,
        200,
    )
    .await;
    assert_eq!(delta["cases"].as_array().unwrap().len(), 1);
    assert_eq!(delta["cases"][0]["id"], id);
    assert_eq!(delta["cases"][0]["status"], "closed");
    let detail = expect(s.get("pr-jeugd", &format!("/api/v1/cases/{id}")).await, 200).await;
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["kind"], &last["actor"], &last["note"]),
        (
            &json!("waakvlam_followed_up"),
            &json!("cr-01"),
            &json!("gesproken met moeder")
        )
    );
    assert!(
        audit_actions(&s, id)
            .await
            .contains(&"case.waakvlam.followup".to_string())
    );
}

async fn a_follow_up_with_a_concern_opens_a_linked_case(s: TestServer) {
    let id = in_waakvlam(&s, 0, "cr-01", "2026-11-27").await;
    let since = cursor(&s, "pr-jeugd").await;
    // The procesregisseur of the domain may record it too; a concern
    // needs a note.
    let problem = expect(
        s.act(
            "pr-jeugd",
            id,
            "waakvlam/followup",
            json!({"result": "concern"}),
        )
        .await,
        422,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("notitie"));
    let body = json!({"result": "concern", "note": "school meldt verzuim"});
    let case = expect(s.act("pr-jeugd", id, "waakvlam/followup", body).await, 200).await;
    assert_eq!(case["status"], "closed");
    assert_eq!(case["follow_up_result"], "concern");
    let new_id = case["follow_up_case_id"].as_i64().expect("a new case");
    assert_ne!(new_id, id);

    let new = case_of(&s, "pr-jeugd", new_id).await;
    assert_eq!(new["household_id"], case["household_id"]);
    assert_eq!(new["status"], "referred");
    assert_eq!(new["source"], "waakvlam");
    assert_eq!(new["follows_case_id"], id);
    assert_eq!(new["casusregisseur"], Value::Null);
    assert_eq!(new["domain"], "jeugd");

    // Both in one delta; the household has its one open case again, so
    // a second referral is refused.
    let delta = expect(
        s.get("pr-jeugd", &format!("/api/v1/sync?since={since}"))
            .await,
        200,
    )
    .await;
    let ids: Vec<i64> = delta["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [new_id, id]);
    let body = json!({"household_id": s.households[0].id, "domain": "jeugd", "source": "school"});
    expect(s.post("pr-jeugd", "/api/v1/cases", body, None).await, 409).await;
    assert_eq!(
        audit_actions(&s, new_id).await,
        ["case.create", "case.read"]
    );
    assert!(
        audit_actions(&s, id)
            .await
            .contains(&"case.waakvlam.followup".to_string())
    );
}

async fn a_concern_for_a_household_with_an_open_case_links_that_case(s: TestServer) {
    let id = in_waakvlam(&s, 0, "cr-01", "2026-11-27").await;
    // Referred again meanwhile (the household's one open case).
    let body = json!({"household_id": s.households[0].id, "domain": "jeugd", "source": "school"});
    let open = expect(s.post("pr-jeugd", "/api/v1/cases", body, None).await, 201).await;
    let body = json!({"result": "concern", "note": "zorgen over de kinderen"});
    let case = expect(s.act("cr-01", id, "waakvlam/followup", body).await, 200).await;
    assert_eq!(case["follow_up_case_id"], open["id"]);
    assert_eq!(case["status"], "closed");
    let sync = expect(s.get("pr-jeugd", "/api/v1/sync").await, 200).await;
    let of_household = sync["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["household_id"] == s.households[0].id)
        .count();
    assert_eq!(of_household, 2, "no third case");
}

async fn postponing_needs_a_reason_and_a_later_date_within_the_bound(s: TestServer) {
    let id = in_waakvlam(&s, 0, "cr-01", "2026-12-01").await;
    let path = format!("/api/v1/cases/{id}/waakvlam/postpone");
    let body = json!({"waakvlam_until": "2027-01-12", "reason": "gezin op vakantie"});
    expect(s.post("cr-02", &path, body.clone(), None).await, 404).await;
    expect(s.post("pm", &path, body.clone(), None).await, 403).await;
    expect(s.post("cr-01", &path, body.clone(), None).await, 428).await;
    expect(
        s.post("cr-01", &path, body.clone(), Some(&case_tag(id, 2)))
            .await,
        412,
    )
    .await;
    let postpone = |body: Value| s.act("cr-01", id, "waakvlam/postpone", body);
    let problem = expect(postpone(json!({"waakvlam_until": "2027-01-12"})).await, 422).await;
    assert!(problem["detail"].as_str().unwrap().contains("reden"));
    expect(
        postpone(json!({"waakvlam_until": "2026-11-30", "reason": "x"})).await,
        422,
    )
    .await;
    expect(
        postpone(json!({"waakvlam_until": "2028-11-25", "reason": "x"})).await,
        422,
    )
    .await;
    let case = expect(postpone(body.clone()).await, 200).await;
    assert_eq!(case["waakvlam_until"], "2027-01-12");
    assert_eq!(case["status"], "waakvlam");
    assert!(
        audit_actions(&s, id)
            .await
            .contains(&"case.waakvlam.postpone".to_string())
    );
    // Not once the waakvlam is over, nor on an open case.
    let done = json!({"result": "all_well"});
    expect(s.act("cr-01", id, "waakvlam/followup", done).await, 200).await;
    let later = json!({"waakvlam_until": "2027-02-12", "reason": "x"});
    expect(postpone(later.clone()).await, 409).await;
    let open = s.planned_case(1, "jeugd", "cr-01").await;
    expect(s.act("cr-01", open, "waakvlam/postpone", later).await, 409).await;
}

async fn a_procesregisseur_hands_the_follow_up_to_another(s: TestServer) {
    let id = in_waakvlam(&s, 0, "cr-01", "2026-12-01").await;
    let cursor_01 = cursor(&s, "cr-01").await;
    let cursor_02 = cursor(&s, "cr-02").await;
    let body = json!({"casusregisseur": "cr-02", "reason": "cr-01 met verlof"});
    // Not the holder herself, nor the procesregisseur of the other domain.
    for login in ["cr-01", "pr-volw", "pm"] {
        expect(s.act(login, id, "waakvlam/assign", body.clone()).await, 403).await;
    }
    let path = format!("/api/v1/cases/{id}/waakvlam/assign");
    expect(s.post("pr-jeugd", &path, body.clone(), None).await, 428).await;
    let problem = expect(
        s.act(
            "pr-jeugd",
            id,
            "waakvlam/assign",
            json!({"casusregisseur": "cr-02"}),
        )
        .await,
        422,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("reden"));
    let case = expect(
        s.act("pr-jeugd", id, "waakvlam/assign", body.clone()).await,
        200,
    )
    .await;
    assert_eq!(case["casusregisseur"], "cr-02");
    assert_eq!(case["status"], "waakvlam");
    expect(s.act("pr-dzm", id, "waakvlam/assign", body).await, 409).await;

    // cr-01 is told to drop it, cr-02 receives it and may act on it.
    let delta = expect(
        s.get("cr-01", &format!("/api/v1/sync?since={cursor_01}"))
            .await,
        200,
    )
    .await;
    assert_eq!(delta["removed_cases"], json!([id]));
    let delta = expect(
        s.get("cr-02", &format!("/api/v1/sync?since={cursor_02}"))
            .await,
        200,
    )
    .await;
    assert_eq!(delta["cases"][0]["id"], id);
    // The case left cr-01's scope: to them it is no longer there.
    expect(
        s.act(
            "cr-01",
            id,
            "waakvlam/followup",
            json!({"result": "all_well"}),
        )
        .await,
        404,
    )
    .await;
    expect(
        s.act(
            "cr-02",
            id,
            "waakvlam/followup",
            json!({"result": "all_well"}),
        )
        .await,
        200,
    )
    .await;
    let detail = expect(s.get("pr-jeugd", &format!("/api/v1/cases/{id}")).await, 200).await;
    let handed = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "waakvlam_reassigned")
        .unwrap()
        .clone();
    assert_eq!(
        (&handed["from"], &handed["to"], &handed["note"]),
        (&json!("cr-01"), &json!("cr-02"), &json!("cr-01 met verlof"))
    );
}
