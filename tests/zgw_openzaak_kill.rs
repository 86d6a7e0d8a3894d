//! Issue 20, acceptance 3, against a real Open Zaak 1.30.0: regiedesk's
//! server is killed in the middle of filing a request and in the middle of
//! a reassignment, and started again over its database. Nothing is left
//! half-made in Open Zaak, the history names the person who acted (in
//! regiedesk, and in Open Zaak's own audit trail), and a store read afresh
//! from Open Zaak equals the one that lived through the crash.
//!
//! The kill is a task aborted where it stands, as soon as Open Zaak shows
//! the first write (the deelzaak, the new behandelaar): where exactly it
//! lands among the later writes is Open Zaak's pace, and the test prints
//! what Open Zaak held at that moment.
//!
//! Needs `REGIEDESK_TEST_OPENZAAK_URL` as tests/zgw_openzaak.rs does.

use std::time::Duration;

use chrono::Utc;
use regiedesk::domain::lifecycle;
use regiedesk::domain::model::{Case, EventKind, RequestKind};
use regiedesk::domain::norms::Norms;
use regiedesk::server::audit::AuditDraft;

#[path = "support/etag.rs"]
mod etag;
#[path = "support/real_openzaak.rs"]
mod real_openzaak;
#[path = "support/same_projection.rs"]
mod same_projection;

use real_openzaak::*;
use same_projection::differences;

/// Polls (bounded, 60 s) until `check` holds.
async fn until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..12_000 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("{what}: never happened");
}

async fn case_of(served: &Served, number: &str) -> Case {
    let id = served.until(number, "the case", |_| true).await["id"]
        .as_i64()
        .unwrap();
    served.store.case(id).await.unwrap().unwrap()
}

/// Who Open Zaak's audit trail of `zaak` names, one per entry.
async fn audited_users(zgw: &Zgw, zaak: &str) -> Vec<String> {
    zgw.list(&format!("{zaak}/audittrail"))
        .await
        .iter()
        .map(|e| e["gebruikersId"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_filing_and_mid_reassignment_leaves_nothing_half_made() {
    let Some(oz) = open_zaak() else { return };
    let zgw = Zgw::new(&oz);
    let filed_on = unique("KST-KILL-F");
    let moved = unique("KST-KILL-R");
    let filed_url = zgw.case_at(&filed_on, "oz-cr-a", "Plan vastgesteld").await;
    let moved_url = zgw.case_at(&moved, "oz-cr-a", "Toegewezen").await;
    let served = Served::start(config(&oz, 3600), 0).await;
    let norms = Norms::default();

    // Mid-filing: killed once Open Zaak holds the deelzaak.
    let before = case_of(&served, &filed_on).await;
    let filer = served.store.person("oz-cr-a").await.unwrap().unwrap();
    let (new, t) = lifecycle::file_request(
        &before,
        &filer,
        RequestKind::Jeugdhulp,
        Some("Gezinsbehandeling"),
        Some("volgens plan, met het gezin besproken"),
        true,
        Utc::now(),
        &norms,
    )
    .unwrap();
    let audit = AuditDraft::ok(&filer, Utc::now(), "request.file");
    let source = served.source.clone();
    let filing = tokio::spawn(async move {
        let _ = source.file_request(&filer, &before, &new, &t, audit).await;
    });
    until("Open Zaak holds the deelzaak", async || {
        !zgw.get(&filed_url).await["deelzaken"]
            .as_array()
            .unwrap()
            .is_empty()
    })
    .await;
    filing.abort();
    let _ = filing.await;
    let deel = zgw.deelzaak(&filed_url).await;
    let deel_url = deel["url"].as_str().unwrap().to_string();
    eprintln!(
        "killed mid-filing: the deelzaak had statussen {:?}, initiator {:?}, in_plan {:?}",
        zgw.statussen(&deel_url).await,
        zgw.holders(&deel_url, "initiator").await,
        zgw.eigenschap(&deel_url, "in_plan").await,
    );

    // Mid-reassignment: killed once Open Zaak holds the new behandelaar.
    let before = case_of(&served, &moved).await;
    let actor = served.store.person("oz-pr").await.unwrap().unwrap();
    let to = served.store.person("oz-cr-b").await.unwrap().unwrap();
    let t = lifecycle::assign(&before, &actor, &to, Some("verlof"), Utc::now(), &norms).unwrap();
    let audit = AuditDraft::ok(&actor, Utc::now(), "case.assign");
    let source = served.source.clone();
    let reassigning = tokio::spawn(async move {
        let _ = source.write_case(&actor, &before, &t, audit).await;
    });
    until("Open Zaak holds the new behandelaar", async || {
        (zgw.holders(&moved_url, "behandelaar").await).contains(&"oz-cr-b".to_string())
    })
    .await;
    reassigning.abort();
    let _ = reassigning.await;
    eprintln!(
        "killed mid-reassignment: Open Zaak held behandelaars {:?}",
        zgw.holders(&moved_url, "behandelaar").await
    );

    // The restart completes what was left.
    let served = served.restart(config(&oz, 3600)).await;
    assert!(served.store.zgw_pending(None).await.unwrap().is_empty());

    let deelzaken = zgw.get(&filed_url).await["deelzaken"].clone();
    assert_eq!(deelzaken.as_array().unwrap().len(), 1, "{deelzaken}");
    let filed_case = case_of(&served, &filed_on).await;
    let requests = served.store.requests_of_case(filed_case.id).await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let deel = zgw.deelzaak(&filed_url).await;
    assert_eq!(deel["kenmerken"][0]["kenmerk"], requests[0].number.as_str());
    assert_eq!(zgw.statussen(&deel_url).await, ["Ingediend"]);
    assert_eq!(zgw.holders(&deel_url, "initiator").await, ["oz-cr-a"]);
    assert_eq!(
        zgw.eigenschap(&deel_url, "in_plan").await.as_deref(),
        Some("ja")
    );
    let users = audited_users(&zgw, &deel_url).await;
    assert!(
        !users.is_empty() && users.iter().all(|u| u == "oz-cr-a"),
        "Open Zaak's audit trail of the deelzaak: {users:?}"
    );

    let moved_case = case_of(&served, &moved).await;
    assert_eq!(zgw.holders(&moved_url, "behandelaar").await, ["oz-cr-b"]);
    assert_eq!(moved_case.casusregisseur.as_deref(), Some("oz-cr-b"));

    let reader = served.store.person("oz-pr").await.unwrap().unwrap();
    for (case, kind, actor) in [
        (&filed_case, EventKind::RequestFiled, "oz-cr-a"),
        (&moved_case, EventKind::Reassigned, "oz-pr"),
    ] {
        let audit = AuditDraft::ok(&reader, Utc::now(), "test.read");
        let detail = served
            .store
            .case_detail(case.id, audit)
            .await
            .unwrap()
            .unwrap();
        let lines: Vec<_> = detail.events.iter().filter(|e| e.kind == kind).collect();
        assert_eq!(lines.len(), 1, "{}: {:#?}", case.number, detail.events);
        assert_eq!(lines[0].actor, actor, "{}", case.number);
    }

    // A store read afresh from the same Open Zaak equals the one that
    // lived through the kills.
    let afresh = Served::start(config(&oz, 3600), 0).await;
    for number in [&filed_on, &moved] {
        let live = served.case(number).await.unwrap();
        let read = afresh.case(number).await.expect("read afresh");
        let diff = differences(&live, &read);
        assert!(diff.is_empty(), "{number}: {}", diff.join("; "));
    }
    let live = served.request(&requests[0].number).await.unwrap();
    let read = afresh.request(&requests[0].number).await.unwrap();
    let diff = differences(&live, &read);
    assert!(
        diff.is_empty(),
        "{}: {}",
        requests[0].number,
        diff.join("; ")
    );
}
