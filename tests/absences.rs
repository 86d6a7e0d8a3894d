//! A casusregisseur's absence through real HTTP against both real stores:
//! who may record it, the period's rules, overlap, a new last day, the
//! return settled, a withdrawal; the sync carrying it with the person; a
//! case moved for the time of it; the audit log. The clock is frozen at
//! Tuesday 24 November 2026.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{TestServer, expect};

both_stores!(
    a_procesregisseur_records_an_absence_and_every_desk_syncs_it,
    the_period_is_checked_and_two_absences_never_overlap,
    only_a_procesregisseur_records_an_absence_and_a_refusal_is_audited,
    an_absence_is_moved_on_settled_and_withdrawn,
    a_case_moved_for_the_time_of_an_absence_is_listed_with_it,
);

fn path(login: &str) -> String {
    format!("/api/v1/staff/{login}/absences")
}

async fn record(s: &TestServer, by: &str, login: &str, body: Value) -> reqwest::Response {
    s.post(by, &path(login), body, None).await
}

async fn cursor(s: &TestServer, login: &str) -> String {
    expect(s.get(login, "/api/v1/sync").await, 200).await["cursor"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The person and the absences a sync after `since` carries for `login`.
async fn synced(s: &TestServer, as_: &str, since: &str, login: &str) -> (bool, Vec<Value>) {
    let page = expect(
        s.get(as_, &format!("/api/v1/sync?since={since}")).await,
        200,
    )
    .await;
    let person = page["people"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["login"] == login);
    let absences = page["absences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["login"] == login)
        .cloned()
        .collect();
    (person, absences)
}

async fn audit_reasons(s: &TestServer, action: &str) -> Vec<(String, String)> {
    let page = expect(s.get("fg", "/api/v1/audit?limit=200").await, 200).await;
    page.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .map(|e| {
            (
                e["result"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn a_procesregisseur_records_an_absence_and_every_desk_syncs_it(s: TestServer) {
    let before = cursor(&s, "pm").await;
    let own = cursor(&s, "cr-07").await;
    let body = json!({"from": "2026-11-30", "until": "2026-12-04", "temporary": true});
    let absence = expect(record(&s, "pr-jeugd", "cr-07", body).await, 201).await;
    assert_eq!(absence["login"], "cr-07");
    assert_eq!(absence["from"], "2026-11-30");
    assert_eq!(absence["until"], "2026-12-04");
    assert_eq!(absence["temporary"], true);
    assert_eq!(absence["moved"], json!([]));

    // The procesmanager's desk and the casusregisseur's own both get the
    // person again, with the absence.
    for (login, since) in [("pm", &before), ("cr-07", &own)] {
        let (person, absences) = synced(&s, login, since, "cr-07").await;
        assert!(person, "{login}'s sync carries cr-07 again");
        assert_eq!(absences, std::slice::from_ref(&absence), "{login}");
    }
    // Nothing but dates: no reason field exists to put health in.
    let body = json!({"from": "2026-12-07", "until": "2026-12-08", "reason": "griep"});
    let problem = expect(record(&s, "pr-jeugd", "cr-07", body).await, 422).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("reason"),
        "{problem}"
    );

    let audit = audit_reasons(&s, "staff.absence").await;
    assert_eq!(
        audit,
        [(
            "ok".to_string(),
            "vastgelegd: cr-07 afwezig 2026-11-30 t/m 2026-12-04 (tijdelijk)".to_string()
        )]
    );
}

async fn the_period_is_checked_and_two_absences_never_overlap(s: TestServer) {
    for (body, status, words) in [
        (
            json!({"from": "2026-12-04", "until": "2026-11-30"}),
            422,
            "vóór de eerste",
        ),
        (
            json!({"from": "2026-11-02", "until": "2026-11-20"}),
            422,
            "al voorbij",
        ),
        (
            json!({"from": "2026-10-01", "until": "2026-12-20"}),
            422,
            "31 dagen terug",
        ),
        (
            json!({"from": "2026-11-30", "until": "2027-12-31"}),
            422,
            "366 dagen",
        ),
        (
            json!({"from": "30-11-2026", "until": "2026-12-04"}),
            422,
            "from",
        ),
        (json!({"from": "2026-11-30"}), 422, "until"),
    ] {
        let problem = expect(record(&s, "pr-jeugd", "cr-07", body.clone()).await, status).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(words), "{body}: {detail}");
    }
    let body = json!({"from": "2026-11-30", "until": "2026-12-04"});
    expect(record(&s, "pr-jeugd", "cr-07", body).await, 201).await;
    // Sharing only the last day is an overlap; the day after is not.
    let body = json!({"from": "2026-12-04", "until": "2026-12-11"});
    let problem = expect(record(&s, "pr-volw", "cr-07", body).await, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("30-11-2026 t/m 04-12-2026"),
        "{problem}"
    );
    let body = json!({"from": "2026-12-05", "until": "2026-12-11"});
    expect(record(&s, "pr-volw", "cr-07", body).await, 201).await;
    // Someone else's absence in the same days is theirs.
    let body = json!({"from": "2026-11-30", "until": "2026-12-04"});
    expect(record(&s, "pr-volw", "cr-02", body).await, 201).await;
}

async fn only_a_procesregisseur_records_an_absence_and_a_refusal_is_audited(s: TestServer) {
    let body = json!({"from": "2026-11-30", "until": "2026-12-04"});
    for login in ["pm", "cr-07", "cr-02", "consulent", "admin", "fg"] {
        let problem = expect(record(&s, login, "cr-07", body.clone()).await, 403).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("alleen een procesregisseur"),
            "{login}: {problem}"
        );
    }
    // A procesregisseur, for someone who holds no cases; for nobody.
    let problem = expect(record(&s, "pr-jeugd", "pm", body.clone()).await, 403).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("geen zaken"),
        "{problem}"
    );
    expect(record(&s, "pr-jeugd", "cr-99x", body.clone()).await, 404).await;
    let response = s
        .client
        .post(s.url(&path("cr-07")))
        .json(&body)
        .send()
        .await
        .unwrap();
    expect(response, 401).await;

    let (_, absences) = synced(&s, "pm", "", "cr-07").await;
    assert!(absences.is_empty(), "nothing was recorded: {absences:?}");
    // Each refusal is on record: the first of each caller in a minute is
    // written at once.
    let refused = audit_reasons(&s, "staff.absence").await;
    assert_eq!(
        refused
            .iter()
            .filter(|(result, _)| result == "refused")
            .count(),
        7,
        "{refused:?}"
    );
}

async fn an_absence_is_moved_on_settled_and_withdrawn(s: TestServer) {
    let body = json!({"from": "2026-11-30", "until": "2026-12-04", "temporary": true});
    let absence = expect(record(&s, "pr-jeugd", "cr-07", body).await, 201).await;
    let id = absence["id"].as_i64().unwrap();
    let one = format!("{}/{id}", path("cr-07"));

    let since = cursor(&s, "pm").await;
    let later = json!({"until": "2026-12-11"});
    let changed = expect(
        s.send(Method::PATCH, "pr-volw", &one, Some(later)).await,
        200,
    )
    .await;
    assert_eq!(changed["until"], "2026-12-11");
    let (_, absences) = synced(&s, "pm", &since, "cr-07").await;
    assert_eq!(absences[0]["until"], "2026-12-11");

    for (body, status) in [
        (json!({}), 422),
        (json!({"until": "2026-12-11", "settled": true}), 422),
        (json!({"settled": false}), 422),
        (json!({"until": "2026-11-20"}), 422),
        (json!({"reason": "ziek"}), 422),
    ] {
        expect(
            s.send(Method::PATCH, "pr-volw", &one, Some(body)).await,
            status,
        )
        .await;
    }
    // Not this person's absence, or not there at all.
    let elsewhere = format!("{}/{id}", path("cr-02"));
    expect(
        s.send(
            Method::PATCH,
            "pr-volw",
            &elsewhere,
            Some(json!({"settled": true})),
        )
        .await,
        404,
    )
    .await;
    let nowhere = format!("{}/{}", path("cr-07"), id + 100);
    expect(s.send(Method::DELETE, "pr-volw", &nowhere, None).await, 404).await;
    // A casusregisseur changes nothing, not even their own.
    expect(
        s.send(Method::PATCH, "cr-07", &one, Some(json!({"settled": true})))
            .await,
        403,
    )
    .await;
    expect(s.send(Method::DELETE, "cr-07", &one, None).await, 403).await;

    let settled = expect(
        s.send(
            Method::PATCH,
            "pr-jeugd",
            &one,
            Some(json!({"settled": true})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(settled["settled"], true);

    let since = cursor(&s, "pm").await;
    expect(s.send(Method::DELETE, "pr-jeugd", &one, None).await, 204).await;
    let (person, absences) = synced(&s, "pm", &since, "cr-07").await;
    assert!(
        person && absences.is_empty(),
        "withdrawn: gone from the desks"
    );
    expect(s.send(Method::DELETE, "pr-jeugd", &one, None).await, 404).await;
    // The days are free again.
    let body = json!({"from": "2026-11-30", "until": "2026-12-04"});
    expect(record(&s, "pr-jeugd", "cr-07", body).await, 201).await;

    let audit: Vec<String> = audit_reasons(&s, "staff.absence")
        .await
        .into_iter()
        .filter(|(result, _)| result == "ok")
        .map(|(_, reason)| reason)
        .collect();
    assert_eq!(
        audit,
        [
            "vastgelegd: cr-07 afwezig 2026-11-30 t/m 2026-12-04 (tijdelijk)",
            "laatste dag 2026-12-11: cr-07 afwezig 2026-11-30 t/m 2026-12-04 (tijdelijk)",
            "terugkeer afgehandeld: cr-07 afwezig 2026-11-30 t/m 2026-12-11 (tijdelijk)",
            "ingetrokken: cr-07 afwezig 2026-11-30 t/m 2026-12-11 (tijdelijk)",
            "vastgelegd: cr-07 afwezig 2026-11-30 t/m 2026-12-04",
        ]
    );
}

async fn a_case_moved_for_the_time_of_an_absence_is_listed_with_it(s: TestServer) {
    let case = s.planned_case(0, "jeugd", "cr-07").await;
    let other = s.planned_case(1, "jeugd", "cr-02").await;
    let body = json!({"from": "2026-11-30", "until": "2026-12-04", "temporary": true});
    let absence = expect(record(&s, "pr-jeugd", "cr-07", body).await, 201).await;
    let id = absence["id"].as_i64().unwrap();
    let lasting = json!({"from": "2026-11-30", "until": "2026-12-04"});
    let lasting = expect(record(&s, "pr-jeugd", "cr-02", lasting).await, 201).await;

    // Only a temporary absence of whoever holds the case now.
    for (case, absence) in [
        (other, id),
        (case, lasting["id"].as_i64().unwrap()),
        (case, id + 50),
    ] {
        let body = json!({"casusregisseur": "cr-03", "reason": "afwezig", "absence": absence});
        let problem = expect(s.act("pr-jeugd", case, "assign", body).await, 422).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("geen tijdelijke afwezigheid"),
            "{problem}"
        );
    }
    let held = s.store.case(case).await.unwrap().unwrap();
    assert_eq!(
        held.casusregisseur.as_deref(),
        Some("cr-07"),
        "nothing moved"
    );

    let since = cursor(&s, "pm").await;
    let body = json!({"casusregisseur": "cr-03", "reason": "afwezig", "absence": id});
    expect(s.act("pr-jeugd", case, "assign", body).await, 200).await;
    let (person, absences) = synced(&s, "pm", &since, "cr-07").await;
    assert!(person);
    assert_eq!(
        absences[0]["moved"],
        json!([{"case_id": case, "to": "cr-03"}])
    );
    // The way back is an ordinary reassignment, without the absence.
    let body = json!({"casusregisseur": "cr-07", "reason": "terug van afwezigheid"});
    let back = expect(s.act("pr-jeugd", case, "assign", body).await, 200).await;
    assert_eq!(back["casusregisseur"], "cr-07");
}
