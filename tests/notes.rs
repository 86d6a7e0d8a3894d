//! A procesregisseur's own notes on a case through real HTTP against both
//! real stores: kept with a reminder, the reminder reaching the author's
//! sync without its text and nobody else's, the text read only by its
//! author in the audited detail, the reminder finished, and every refusal
//! audited. The clock is frozen at Tuesday 24 November 2026.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{TestServer, expect};

both_stores!(
    a_note_with_a_reminder_reaches_its_author_only_and_never_with_its_text,
    a_note_is_checked_and_only_its_author_finishes_it,
);

async fn cursor(s: &TestServer, login: &str) -> String {
    expect(s.get(login, "/api/v1/sync").await, 200).await["cursor"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn sync_after(s: &TestServer, login: &str, since: &str) -> Value {
    expect(
        s.get(login, &format!("/api/v1/sync?since={since}")).await,
        200,
    )
    .await
}

async fn audit(s: &TestServer) -> Vec<Value> {
    let page = expect(s.get("fg", "/api/v1/audit?limit=500").await, 200).await;
    page.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "case.note")
        .cloned()
        .collect()
}

const TEXT: &str = "bel de casusregisseur vrijdag over het veiligheidsplan";

async fn a_note_with_a_reminder_reaches_its_author_only_and_never_with_its_text(s: TestServer) {
    let case = s.planned_case(0, "jeugd", "cr-01").await;
    let mine = cursor(&s, "pr-jeugd").await;
    let theirs = cursor(&s, "pr-volw").await;
    let path = format!("/api/v1/cases/{case}/notes");
    let body = json!({"text": TEXT, "remind_on": "2026-11-27"});
    let note = expect(s.post("pr-jeugd", &path, body, None).await, 201).await;
    assert_eq!(note["text"], TEXT);
    assert_eq!(note["remind_on"], "2026-11-27");
    assert_eq!(note["done"], false);
    assert_eq!(note["author"], "pr-jeugd");

    // The author's desk learns which case and when, not what.
    let page = sync_after(&s, "pr-jeugd", &mine).await;
    assert_eq!(
        page["reminders"],
        json!([{"note_id": note["id"], "case_id": case, "remind_on": "2026-11-27"}])
    );
    assert!(!page.to_string().contains("veiligheidsplan"));
    // A colleague's desk gets nothing of it (their own row did not change).
    let page = sync_after(&s, "pr-volw", &theirs).await;
    assert!(page.get("reminders").is_none(), "{page}");
    assert!(!page.to_string().contains("veiligheidsplan"));
    // A full sync of the colleague: their own reminders, none of these.
    let page = expect(s.get("pr-volw", "/api/v1/sync").await, 200).await;
    assert_eq!(page["reminders"], json!([]));

    // The text is read in the case's detail, by its author alone.
    let detail = expect(
        s.get("pr-jeugd", &format!("/api/v1/cases/{case}")).await,
        200,
    )
    .await;
    assert_eq!(detail["notes"][0]["text"], TEXT);
    for other in ["pr-volw", "pr-dzm", "pm", "cr-01"] {
        let detail = expect(s.get(other, &format!("/api/v1/cases/{case}")).await, 200).await;
        assert_eq!(detail["notes"], json!([]), "{other}");
    }

    // The audit log says a note was kept and when it reminds, never what.
    let entries = audit(&s).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["result"], "ok");
    assert_eq!(
        entries[0]["reason"],
        "notitie vastgelegd, herinnering 2026-11-27"
    );
    assert!(!json!(entries).to_string().contains("veiligheidsplan"));
}

async fn a_note_is_checked_and_only_its_author_finishes_it(s: TestServer) {
    let case = s.planned_case(1, "jeugd", "cr-01").await;
    let path = format!("/api/v1/cases/{case}/notes");
    for (body, words) in [
        (json!({"text": "x", "remind_on": "2026-11-23"}), "verleden"),
        (json!({"text": "  "}), "notitie is verplicht"),
        (json!({"text": "x\u{202e}y"}), "notitie"),
        (json!({"remind_on": "2026-11-27"}), "notitie is verplicht"),
        (json!({"text": "x", "bsn": "123456782"}), "bsn"),
    ] {
        let problem = expect(s.post("pr-jeugd", &path, body.clone(), None).await, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{body} → {problem}"
        );
    }
    // Who does not steer the case keeps no notes on it; each refusal is
    // audited. Another casusregisseur does not even see the case.
    for (login, status) in [
        ("cr-01", 403),
        ("pm", 403),
        ("consulent", 403),
        ("cr-02", 404),
    ] {
        let response = s.post(login, &path, json!({"text": "x"}), None).await;
        expect(response, status).await;
    }
    let refused = audit(&s)
        .await
        .into_iter()
        .filter(|e| e["result"] != "ok")
        .count();
    assert_eq!(refused, 4);

    let body = json!({"text": "bel vrijdag", "remind_on": "2026-11-24"});
    let note = expect(s.post("pr-jeugd", &path, body, None).await, 201).await;
    let id = note["id"].as_i64().unwrap();
    let note_path = format!("{path}/{id}");
    // Another procesregisseur: no such note for them, audited.
    let response = s
        .send(
            Method::PATCH,
            "pr-volw",
            &note_path,
            Some(json!({"done": true})),
        )
        .await;
    expect(response, 404).await;
    // Under another case's number it is no note either.
    let other = s.planned_case(2, "jeugd", "cr-01").await;
    let wrong = format!("/api/v1/cases/{other}/notes/{id}");
    let response = s
        .send(
            Method::PATCH,
            "pr-jeugd",
            &wrong,
            Some(json!({"done": true})),
        )
        .await;
    expect(response, 404).await;
    let response = s
        .send(
            Method::PATCH,
            "pr-jeugd",
            &note_path,
            Some(json!({"done": false})),
        )
        .await;
    expect(response, 422).await;

    let before = cursor(&s, "pr-jeugd").await;
    let response = s
        .send(
            Method::PATCH,
            "pr-jeugd",
            &note_path,
            Some(json!({"done": true})),
        )
        .await;
    let done = expect(response, 200).await;
    assert_eq!(done["done"], true);
    assert_eq!(done["text"], "bel vrijdag");
    // The author's desks drop the reminder on the next sync.
    let page = sync_after(&s, "pr-jeugd", &before).await;
    assert_eq!(page["reminders"], json!([]));
    let entries = audit(&s).await;
    let last = entries
        .iter()
        .filter(|e| e["result"] == "ok")
        .map(|e| e["reason"].as_str().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(
        last,
        [
            "notitie vastgelegd, herinnering 2026-11-24",
            "herinnering van 2026-11-24 afgehandeld"
        ]
    );
    assert_eq!(entries.iter().filter(|e| e["result"] != "ok").count(), 6);
}
