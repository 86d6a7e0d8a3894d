//! The plan's goals and their evaluations through real HTTP against both
//! real stores: a plan needs a goal; the goals reach every desk that may
//! see the case without their words, which are read in the audited
//! detail; the procesregisseur of the domain evaluates, another does not;
//! a revision drops a goal with a reason; closing agrees with the final
//! evaluation. The clock is frozen at Tuesday 24 November 2026.

mod support;

use serde_json::{Value, json};
use support::{TestServer, expect};

both_stores!(
    goals_are_recorded_evaluated_and_travel_without_their_words,
    a_plan_revision_and_the_closing_follow_the_goals,
);

const WORDS: &str = "weer elke dag naar school";

fn plan() -> Value {
    json!({"note": "gezinsplan", "goals": [
        {"life_domain": "werk en opleiding", "text": WORDS,
         "start_score": 2, "target_score": 4, "target_date": "2027-05-31"},
        {"life_domain": "relaties thuis", "text": "rust in huis",
         "start_score": 3, "target_score": 4, "target_date": "2027-05-31"},
    ]})
}

async fn contacted_case(s: &TestServer, n: usize) -> i64 {
    let id = s.referral(n, "jeugd").await["id"].as_i64().unwrap();
    let assign = json!({"casusregisseur": "cr-01"});
    expect(s.act("pr-jeugd", id, "assign", assign).await, 200).await;
    expect(s.act("cr-01", id, "contact", json!({})).await, 200).await;
    id
}

async fn goals_are_recorded_evaluated_and_travel_without_their_words(s: TestServer) {
    let id = contacted_case(&s, 0).await;
    // A goal in a life domain the municipality does not use is named.
    let mut bad = plan();
    bad["goals"][1]["life_domain"] = json!("school");
    let refused = expect(s.act("cr-01", id, "plan", bad).await, 422).await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("doel 2: onbekend leefgebied")
    );
    // A request of another case cannot serve a goal.
    let mut foreign = plan();
    foreign["goals"][0]["requests"] = json!([999_999]);
    expect(s.act("cr-01", id, "plan", foreign).await, 422).await;

    let case = expect(s.act("cr-01", id, "plan", plan()).await, 200).await;
    assert_eq!(case["goals"].as_array().unwrap().len(), 2);
    assert_eq!(case["goals"][0]["life_domain"], "werk en opleiding");
    assert!(!case.to_string().contains(WORDS), "{case}");

    // The sync carries the goals, never their words.
    let page = expect(s.get("pr-jeugd", "/api/v1/sync").await, 200).await;
    let synced = page["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    assert_eq!(synced["goals"][1]["start_score"], 3);
    assert!(!page.to_string().contains(WORDS));
    // The words are in the audited history.
    let detail = expect(s.get("pr-jeugd", &format!("/api/v1/cases/{id}")).await, 200).await;
    assert!(detail.to_string().contains(WORDS));

    // The procesregisseur volwassenen does not evaluate a youth case; the
    // procesregisseur jeugd does, with a score for every running goal.
    let scores = json!({"scores": [
        {"goal": 1, "score": 3, "state": "op_koers"},
        {"goal": 2, "score": 3, "state": "niet_op_koers", "reason": "ruzie over de telefoon"},
    ]});
    expect(
        s.act("pr-volw", id, "evaluations", scores.clone()).await,
        403,
    )
    .await;
    let half = json!({"scores": [{"goal": 1, "score": 3, "state": "op_koers"}]});
    let refused = expect(s.act("pr-jeugd", id, "evaluations", half).await, 422).await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("doel 2 heeft geen score")
    );
    let stale = s
        .post(
            "pr-jeugd",
            &format!("/api/v1/cases/{id}/evaluations"),
            scores.clone(),
            Some("\"1\""),
        )
        .await;
    expect(stale, 412).await;
    let case = expect(s.act("pr-jeugd", id, "evaluations", scores).await, 200).await;
    assert_eq!(case["evaluations"][0]["on"], "2026-11-24");
    // Three months after the plan of 24 November 2026.
    assert_eq!(case["evaluations"][0]["due"], "2027-02-24");
    assert_eq!(case["goals"][0]["scores"][0]["score"], 3);
    assert_eq!(case["goals"][1]["scores"][0]["state"], "niet_op_koers");
    assert!(!case.to_string().contains("telefoon"));

    // The procesmanager's figures count the goals, small cells hidden:
    // two goals evaluated in November read "<5", with no median.
    let figures = expect(
        s.get(
            "pm",
            "/api/v1/stats/throughput?from=2026-11-01&to=2026-11-30",
        )
        .await,
        200,
    )
    .await;
    let outcome = &figures["outcome"];
    assert_eq!(outcome["goals_evaluated"], "<5", "{outcome}");
    assert_eq!(outcome["evaluations"]["due"], "<5", "{outcome}");
    assert_eq!(outcome["per_life_domain"][0]["median_change"], json!(null));
    assert!(!figures.to_string().contains(WORDS));

    // Every change and every refusal is audited, without the words.
    let audit = expect(s.get("fg", "/api/v1/audit?limit=500").await, 200).await;
    let actions: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["case_id"] == id)
        .map(|e| {
            (
                e["action"].as_str().unwrap_or("").to_string(),
                e["result"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        actions.contains(&("case.plan".into(), "ok".into())),
        "{actions:?}"
    );
    assert!(
        actions.iter().any(|(a, o)| a == "case.change" && o != "ok"),
        "the refusal of pr-volw: {actions:?}"
    );
    assert!(
        actions.contains(&("case.evaluation".into(), "ok".into())),
        "{actions:?}"
    );
    assert!(!audit.to_string().contains(WORDS));
}

async fn a_plan_revision_and_the_closing_follow_the_goals(s: TestServer) {
    let id = contacted_case(&s, 1).await;
    expect(s.act("cr-01", id, "plan", plan()).await, 200).await;
    let revision = json!({
        "drop": [{"goal": 2, "reason": "thuis gaat het goed genoeg"}],
        "add": [{"life_domain": "sociaal netwerk", "text": "een vriend op school",
                 "start_score": 2, "target_score": 3, "target_date": "2027-05-31"}],
    });
    let case = expect(s.act("cr-01", id, "plan/revisions", revision).await, 200).await;
    let goals: Vec<(u64, bool)> = case["goals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["id"].as_u64().unwrap(), g["dropped_at"].is_string()))
        .collect();
    assert_eq!(goals, [(1, false), (2, true), (3, false)]);

    // Closing as "doelen bereikt" without a final evaluation is refused.
    let close = json!({"result": "goals_met"});
    let refused = expect(s.act("cr-01", id, "close", close.clone()).await, 409).await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("eindevaluatie")
    );
    // A final evaluation with goal 3 unmet: still not "doelen bereikt".
    let last = json!({"final": true, "scores": [
        {"goal": 1, "score": 4, "state": "behaald"},
        {"goal": 3, "score": 2, "state": "niet_op_koers"},
    ]});
    expect(s.act("cr-01", id, "evaluations", last).await, 200).await;
    let refused = expect(s.act("cr-01", id, "close", close).await, 409).await;
    assert!(
        refused["detail"].as_str().unwrap().contains("doel 3"),
        "{refused}"
    );
    let closed = expect(
        s.act("cr-01", id, "close", json!({"result": "referred_on"}))
            .await,
        200,
    )
    .await;
    assert_eq!(closed["status"], "closed");
}
