//! The ZGW source against a fake Open Zaak: always on, no Python, no Open
//! Zaak. The fake (tests/support/fake_openzaak.rs) serves the responses captured from a
//! real Open Zaak 1.30.0 (tests/fixtures/zgw/) at its own address, keeps the
//! zaken in memory so that writes change what later reads return, records
//! every request, and can be told to fail the way Open Zaak fails: a 500
//! after a committed write, the old body in a PUT's answer, a zaak the
//! client may not see. The regiedesk side is real: a store (SQLite, and
//! PostgreSQL where a test is about the store), the source, the router.
//!
//! The tier against a running Open Zaak is tests/zgw_openzaak.rs; the pure
//! mapping on the fixtures is tests/zgw_fixtures.rs.

#[path = "support/fake_openzaak.rs"]
mod fake;
mod support;
#[path = "support/zgw_desk.rs"]
mod zgw_desk;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use fake::{Fake, Fault};
use regiedesk::clock::Clock;
use regiedesk::domain::model::{CaseEvent, EventKind, Request};
use regiedesk::domain::norms::Norms;
use regiedesk::server::store;
use regiedesk::zgw::source::{NewestHeads, Started, ZgwSource};
use reqwest::Method;
use serde_json::{Value, json};
use support::{Backend, Database};
use zgw_desk::{CASUSREGISSEUR, Desk, config, now, until};

// ------------------------------------------------------------ 1. a 500 after a committed write

/// Reassigning: Open Zaak commits the new behandelaar rol and answers 500.
/// The retry reads first, finds the rol, and only removes the old one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reassignment_whose_rol_was_committed_before_a_500_is_written_once() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let case = desk.case(&zaak).await.expect("projected at start");
    assert_eq!(case.casusregisseur.as_deref(), Some("cr-jeugd-1"));

    fake.fail(Method::POST, "/zaken/api/v1/rollen", Fault::AfterCommit, 1);
    let (status, body) = desk
        .post(
            "pr-jeugd-1",
            &format!("cases/{}/assign", case.id),
            case.version,
            json!({"casusregisseur": "cr-jeugd-2", "reason": "verlof"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.faults_left(), 0, "the POST was answered with a 500");
    assert_eq!(body["casusregisseur"], "cr-jeugd-2");

    // One rol written, the old one removed: the retry did not post again.
    assert_eq!(fake.count(&Method::POST, "/zaken/api/v1/rollen"), 1);
    assert_eq!(fake.holders(&zaak, CASUSREGISSEUR), ["cr-jeugd-2"]);
    let posted = fake.requests(&Method::POST, "/zaken/api/v1/rollen");
    assert_eq!(posted[0].user_id, "pr-jeugd-1", "on behalf of the actor");

    let projected = desk.case(&zaak).await.unwrap();
    assert_eq!(projected.casusregisseur.as_deref(), Some("cr-jeugd-2"));
    assert_eq!(projected.version, case.version + 1);
    assert_eq!(
        desk.count_events(case.id, EventKind::Reassigned).await,
        1,
        "the command's own line, not also one from the case system"
    );
    // Read again, nothing is new.
    let again = desk.source.refresh(&zaak).await.unwrap().unwrap();
    assert!(!again.changed);
    assert_eq!(again.case.version, projected.version);

    // A 500 with nothing done: the retry finds no rol and writes it.
    fake.fail(Method::POST, "/zaken/api/v1/rollen", Fault::Before, 1);
    let (status, body) = desk
        .post(
            "pr-jeugd-1",
            &format!("cases/{}/assign", case.id),
            projected.version,
            json!({"casusregisseur": "cr-jeugd-1", "reason": "terug van verlof"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.faults_left(), 0);
    assert_eq!(fake.count(&Method::POST, "/zaken/api/v1/rollen"), 3);
    assert_eq!(fake.holders(&zaak, CASUSREGISSEUR), ["cr-jeugd-1"]);
    let back = desk.case(&zaak).await.unwrap();
    assert_eq!(back.casusregisseur.as_deref(), Some("cr-jeugd-1"));
    assert_eq!(back.version, projected.version + 1);
}

/// Deciding: Open Zaak commits the besluit and answers 500. The retry sees
/// the besluit and goes on with beslisser, resultaat and eindstatus.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_whose_besluit_was_committed_before_a_500_is_written_once() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let deelzaak = fake.add_request(&zaak, "AV-2026-0001");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let request = desk.request(&deelzaak).await.expect("projected at start");
    assert_eq!(request.filed_by, "cr-jeugd-1");

    fake.fail(
        Method::POST,
        "/besluiten/api/v1/besluiten",
        Fault::AfterCommit,
        1,
    );
    let (status, body) = desk
        .post(
            "pr-jeugd-1",
            &format!("requests/{}/decision", request.id),
            request.version,
            json!({"decision": "approve", "reason": "past in het plan"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.faults_left(), 0);
    assert_eq!(body["status"], "approved");

    assert_eq!(fake.count(&Method::POST, "/besluiten/api/v1/besluiten"), 1);
    let besluiten: Vec<Value> = fake.of_zaak("besluiten", &deelzaak);
    assert_eq!(besluiten.len(), 1);
    assert_eq!(besluiten[0]["toelichting"], "past in het plan");
    assert_eq!(
        fake.holders(&deelzaak, "Beslisser (mandaat)"),
        ["pr-jeugd-1"]
    );
    assert_eq!(fake.of_zaak("resultaten", &deelzaak).len(), 1);
    assert_eq!(
        fake.statussen(&deelzaak),
        ["Ingediend", "Besloten"],
        "the eindstatus after the resultaat"
    );
    assert!(fake.get(&deelzaak)["einddatum"].is_string());

    let projected = desk.request(&deelzaak).await.unwrap();
    assert_eq!(projected.status.as_str(), "approved");
    assert_eq!(projected.decided_by.as_deref(), Some("pr-jeugd-1"));
    assert_eq!(projected.reason.as_deref(), Some("past in het plan"));
    assert_eq!(projected.version, request.version + 1);
    let case = desk.case(&zaak).await.unwrap();
    assert_eq!(
        desk.count_events(case.id, EventKind::RequestDecided).await,
        1
    );
}

// ------------------------------------------------------------ 2. a stale PUT body

/// Open Zaak 1.30.0 may answer a PUT with the old body. Escalating PUTs the
/// escalatie eigenschap; its answer still says `geen`. The projection is
/// made from a re-read, so it says escalated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_whose_put_answers_the_old_body_is_projected_from_a_reread() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let case = desk.case(&zaak).await.unwrap();
    assert!(!case.escalated);

    let eigenschap = "/zaken/api/v1/zaken/*/zaakeigenschappen/*";
    fake.fail(Method::PUT, eigenschap, Fault::StaleBody, 1);
    let (status, body) = desk
        .post(
            "pr-jeugd-1",
            &format!("cases/{}/escalate", case.id),
            case.version,
            json!({"reason": "partijen oneens"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.faults_left(), 0, "the PUT answered the old body");
    assert_eq!(fake.count(&Method::PUT, eigenschap), 1);
    assert_eq!(fake.eigenschap(&zaak, "escalatie"), ["geescaleerd"]);

    assert_eq!(body["escalated"], true);
    let projected = desk.case(&zaak).await.unwrap();
    assert!(projected.escalated);
    assert_eq!(
        projected.escalation_reason.as_deref(),
        Some("partijen oneens")
    );
    assert_eq!(desk.count_events(case.id, EventKind::Escalated).await, 1);
}

// ------------------------------------------------------------ 3. a missing eigenschap

/// A zaak without `escalatie` and `risico` (nasty/c-*) is projected with
/// their defaults, not refused; escalating it then adds the eigenschap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zaak_without_escalatie_or_risico_is_projected_and_can_be_escalated() {
    let fake = Fake::start().await;
    let zaak = fake.add_case_with(
        "KST-2026-0002",
        "nasty/c-zaakeigenschappen-without-escalatie.json",
    );
    assert!(fake.eigenschap(&zaak, "escalatie").is_empty());
    assert!(fake.eigenschap(&zaak, "risico").is_empty());
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.failed, 0, "{:?}", desk.started);

    let case = desk.case(&zaak).await.expect("projected, not refused");
    assert_eq!(case.number, "KST-2026-0002");
    assert!(!case.escalated);
    assert!(case.risk_flags.is_empty());
    assert_eq!(case.domain.as_str(), "volwassenen");
    assert_eq!(case.source.as_str(), "huisarts");

    let (status, body) = desk
        .post(
            "pr-volw-1",
            &format!("cases/{}/escalate", case.id),
            case.version,
            json!({"reason": "geen voortgang"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let eigenschappen = "/zaken/api/v1/zaken/*/zaakeigenschappen";
    assert_eq!(fake.count(&Method::POST, eigenschappen), 1, "added, once");
    assert_eq!(fake.eigenschap(&zaak, "escalatie"), ["geescaleerd"]);
    assert!(desk.case(&zaak).await.unwrap().escalated);
}

// ------------------------------------------------------------ 4. above the client's vertrouwelijkheid

/// A `geheim` zaak for a client that may see up to `vertrouwelijk`: Open
/// Zaak answers its GET with 403 and leaves it out of lists. Neither the
/// walk at start, a notification nor a later walk stores anything of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zaak_above_the_clients_vertrouwelijkheid_is_left() {
    let fake = Fake::start().await;
    let visible = fake.add_case("KST-2026-0901");
    let secret = fake.add_case("KST-2026-0902");
    fake.set(&secret, "vertrouwelijkheidaanduiding", json!("geheim"));
    fake.hide_above("vertrouwelijk");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.listed, 1, "{:?}", desk.started);
    assert_eq!(desk.started.failed, 0, "{:?}", desk.started);
    assert!(desk.case(&visible).await.is_some());
    assert!(desk.case(&secret).await.is_none());
    assert_eq!(fake.count(&Method::GET, fake.path(&secret)), 0);

    // Notified about it (with and without its zaaktype): answered, left.
    let status = fake.of_zaak("statussen", &secret)[0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let notified = [
        fake.zaak_changed(&secret),
        fake.notification(&secret, None, "status", &status, "create"),
    ];
    for notification in &notified {
        assert_eq!(desk.notify(notification).await, 204);
        desk.drain(&visible).await;
    }
    let denied = fake.requests(&Method::GET, fake.path(&secret));
    assert!(!denied.is_empty(), "the worker asked");
    assert!(denied.iter().all(|r| r.status == 403), "{denied:?}");

    for full in [false, true] {
        let report = desk.source.reconcile(full).await.unwrap();
        assert_eq!((report.listed, report.failed), (1, 0), "{report:?}");
    }
    assert!(desk.case(&secret).await.is_none());
    assert_eq!(desk.store.zgw_links().await.unwrap().len(), 1);
    let sync = desk.sync("pr-jeugd-1").await;
    assert_eq!(sync["cases"].as_array().unwrap().len(), 1);
    assert!(!sync.to_string().contains("KST-2026-0902"));
}

// ------------------------------------------------------------ 5. unknown zaak, other zaaktype

/// Notifications about a zaak that does not exist (404), a besluit that
/// does not exist, and a zaak of another zaaktype (named truly or falsely
/// in the notification): answered 204, nothing stored, the worker goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_about_unknown_or_foreign_zaken_store_nothing() {
    let fake = Fake::start().await;
    let barrier = fake.add_case("KST-2026-0001");
    let other = fake.add_zaak_of_another_zaaktype();
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.listed, 1, "the other zaaktype is not listed");
    let case_zaaktype = fake.get(&barrier)["zaaktype"].as_str().unwrap().to_string();
    let other_zaaktype = fake.get(&other)["zaaktype"].as_str().unwrap().to_string();

    let missing = format!(
        "{}/zaken/api/v1/zaken/00000000-0000-4000-8000-999999999999",
        fake.base
    );
    let missing_besluit = format!(
        "{}/besluiten/api/v1/besluiten/00000000-0000-4000-8000-999999999998",
        fake.base
    );
    let mut besluit = fake.fixture("notifications/besluit-create.json")["body"].take();
    besluit["hoofdObject"] = json!(missing_besluit);
    besluit["resourceUrl"] = json!(missing_besluit);
    let notified = [
        fake.notification(&missing, Some(&case_zaaktype), "zaak", &missing, "update"),
        fake.notification(&missing, None, "zaak", &missing, "update"),
        besluit,
        fake.notification(&other, Some(&other_zaaktype), "zaak", &other, "update"),
        fake.notification(&other, Some(&case_zaaktype), "zaak", &other, "update"),
    ];
    for notification in &notified {
        assert_eq!(desk.notify(notification).await, 204, "{notification}");
        desk.drain(&barrier).await;
    }
    assert!(fake.count(&Method::GET, fake.path(&missing)) >= 1);
    assert!(fake.count(&Method::GET, fake.path(&missing_besluit)) >= 1);
    assert!(fake.count(&Method::GET, fake.path(&other)) >= 1);

    assert!(desk.store.zgw_link(&missing).await.unwrap().is_none());
    assert!(desk.store.zgw_link(&other).await.unwrap().is_none());
    let links = desk.store.zgw_links().await.unwrap();
    assert_eq!(links.len(), 1, "{links:?}");
    let sync = desk.sync("pr-jeugd-1").await;
    assert_eq!(sync["cases"].as_array().unwrap().len(), 1);
}

// ------------------------------------------------------------ 6. the same notification twice, and late

/// A change announced twice, and announced again after a newer change:
/// the case's version goes up once per change, with one history line each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicated_and_late_notifications_count_each_change_once() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let barrier = fake.add_case("KST-2026-0002");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let start = desk.case(&zaak).await.unwrap();
    let lines_at_start = desk.events(start.id).await.len();
    assert_eq!(start.status.as_str(), "contacted");

    // Someone at Open Zaak's desk records the plan: announced twice.
    fake.add_status(&zaak, "Plan vastgesteld");
    let status = fake.of_zaak("statussen", &zaak).last().unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let zaaktype = fake.get(&zaak)["zaaktype"].as_str().unwrap().to_string();
    let plan = fake.notification(&zaak, Some(&zaaktype), "status", &status, "create");
    assert_eq!(desk.notify(&plan).await, 204);
    assert_eq!(desk.notify(&plan).await, 204);
    desk.drain(&barrier).await;
    let planned = desk.case(&zaak).await.unwrap();
    assert_eq!(planned.status.as_str(), "plan");
    assert_eq!(planned.version, start.version + 1);
    assert_eq!(desk.count_events(start.id, EventKind::Plan).await, 1);

    // Then another casusregisseur; its notification, then the plan's again.
    fake.add_rol(&zaak, CASUSREGISSEUR, "cr-jeugd-2");
    let rol = fake.of_zaak("rollen", &zaak).last().unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let handed = fake.notification(&zaak, Some(&zaaktype), "rol", &rol, "create");
    assert_eq!(desk.notify(&handed).await, 204);
    assert_eq!(desk.notify(&plan).await, 204);
    assert_eq!(desk.notify(&handed).await, 204);
    desk.drain(&barrier).await;

    let after = desk.case(&zaak).await.unwrap();
    assert_eq!(after.casusregisseur.as_deref(), Some("cr-jeugd-2"));
    assert_eq!(after.status.as_str(), "plan");
    assert_eq!(after.version, start.version + 2, "one version per change");
    let events = desk.events(start.id).await;
    assert_eq!(events.len(), lines_at_start + 2, "{events:#?}");
    let reassigned: Vec<&CaseEvent> = events
        .iter()
        .filter(|e| e.kind == EventKind::Reassigned)
        .collect();
    assert_eq!(reassigned.len(), 1);
    assert_eq!(reassigned[0].actor, "zaaksysteem");
    assert_eq!(reassigned[0].to.as_deref(), Some("cr-jeugd-2"));
    assert_eq!(desk.count_events(start.id, EventKind::Plan).await, 1);
    // No second row for the zaak.
    assert_eq!(desk.store.zgw_links().await.unwrap().len(), 2);
    assert_eq!(
        desk.sync("pr-jeugd-1").await["cases"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

// ------------------------------------------------------------ 7. numbers

/// Numbers on a real store: a number two zaken carry goes to one, the
/// other gets the case system's identificatie; the request counter goes on
/// past the numbers read; a changed kenmerk changes no number, and does not
/// make regiedesk take that zaak for a request it files.
async fn numbers(backend: Backend) {
    let fake = Fake::start().await;
    let first = fake.add_case("KST-2026-0001");
    let first_request = fake.add_request(&first, "AV-2026-0001");
    let second = fake.add_case("KST-2026-0001");
    let second_request = fake.add_request(&second, "AV-2026-0001");
    let third = fake.add_case("KST-2026-0003");
    fake.add_status(&third, "Plan vastgesteld");
    let seventh = fake.add_request(&third, "AV-2026-0007");
    let Some(desk) = Desk::start(&fake, backend).await else {
        return;
    };
    assert_eq!(
        (desk.started.listed, desk.started.failed),
        (3, 0),
        "{:?}",
        desk.started
    );

    // One of each pair has the number, the other its own identificatie.
    let identificatie = |url: &str| fake.get(url)["identificatie"].as_str().unwrap().to_string();
    let cases = [
        desk.case(&first).await.unwrap().number,
        desk.case(&second).await.unwrap().number,
    ];
    assert!(
        cases == ["KST-2026-0001".to_string(), identificatie(&second)]
            || cases == [identificatie(&first), "KST-2026-0001".to_string()],
        "{cases:?}"
    );
    let requests = [
        desk.request(&first_request).await.unwrap().number,
        desk.request(&second_request).await.unwrap().number,
    ];
    assert!(
        requests == ["AV-2026-0001".to_string(), identificatie(&second_request)]
            || requests == [identificatie(&first_request), "AV-2026-0001".to_string()],
        "{requests:?}"
    );
    assert_eq!(desk.request(&seventh).await.unwrap().number, "AV-2026-0007");

    // Filed through regiedesk: the number after the highest read.
    let file = async |expected: &str| -> Request {
        let case = desk.case(&third).await.unwrap();
        let (status, body) = desk
            .post(
                "cr-jeugd-1",
                &format!("cases/{}/requests", case.id),
                case.version,
                json!({"kind": "jeugdhulp", "provision": "Gezinsbehandeling",
                       "motivation": "volgens plan", "in_plan": true}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["number"], expected, "{body}");
        let deelzaak = fake
            .deelzaken(&third)
            .into_iter()
            .find(|d| d["kenmerken"][0]["kenmerk"] == expected && d["url"] != seventh)
            .unwrap_or_else(|| panic!("a deelzaak {expected}"));
        let url = deelzaak["url"].as_str().unwrap();
        assert_eq!(
            fake.holders(url, "Aanvrager (casusregisseur)"),
            ["cr-jeugd-1"]
        );
        let request = desk.request(url).await.expect("linked");
        assert_eq!(request.id, body["id"].as_i64().unwrap());
        request
    };
    file("AV-2026-0008").await;

    // Someone renumbers the case and the seventh in the case system, the
    // latter to the very number regiedesk will give next.
    fake.set_kenmerk(&third, "KST-2026-0099");
    fake.set_kenmerk(&seventh, "AV-2026-0009");
    let refreshed = desk.source.refresh(&third).await.unwrap().unwrap();
    assert_eq!(refreshed.case.number, "KST-2026-0003");
    let seventh_request = desk.request(&seventh).await.unwrap();
    assert_eq!(seventh_request.number, "AV-2026-0007");

    // The next request is a deelzaak of its own, not the renumbered one.
    let ninth = file("AV-2026-0009").await;
    assert_ne!(ninth.id, seventh_request.id);
    assert_eq!(fake.deelzaken(&third).len(), 3);
    let case = desk.case(&third).await.unwrap();
    assert_eq!(desk.store.requests_of_case(case.id).await.unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_on_sqlite() {
    numbers(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_on_postgres() {
    numbers(Backend::Postgres).await;
}

// ------------------------------------------------------------ 8. filing with a lost answer

/// Filing a request: Open Zaak makes the deelzaak and answers 500. The
/// retry finds it by its kenmerk and completes it; there is one deelzaak,
/// with one initiator, one in_plan and one Ingediend, and the desks see it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_deelzaak_was_made_before_a_500_is_filed_once() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    fake.add_status(&zaak, "Plan vastgesteld");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let case = desk.case(&zaak).await.unwrap();
    assert_eq!(case.status.as_str(), "plan");

    fake.fail(Method::POST, "/zaken/api/v1/zaken", Fault::AfterCommit, 1);
    let (status, body) = desk
        .post(
            "cr-jeugd-1",
            &format!("cases/{}/requests", case.id),
            case.version,
            json!({"kind": "jeugdhulp", "provision": "Gezinsbehandeling",
                   "motivation": "volgens plan", "in_plan": true}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(fake.faults_left(), 0, "the POST was answered with a 500");
    let number = body["number"].as_str().unwrap().to_string();
    assert_eq!(number, "AV-2026-0001");

    assert_eq!(fake.count(&Method::POST, "/zaken/api/v1/zaken"), 1);
    let deelzaken = fake.deelzaken(&zaak);
    assert_eq!(deelzaken.len(), 1, "{deelzaken:#?}");
    let deelzaak = deelzaken[0]["url"].as_str().unwrap();
    assert_eq!(deelzaken[0]["kenmerken"][0]["kenmerk"], number.as_str());
    assert_eq!(
        fake.holders(deelzaak, "Aanvrager (casusregisseur)"),
        ["cr-jeugd-1"]
    );
    assert_eq!(fake.eigenschap(deelzaak, "in_plan"), ["ja"]);
    assert_eq!(fake.statussen(deelzaak), ["Ingediend"]);
    assert_eq!(fake.statussen(&zaak).last().unwrap(), "In uitvoering");

    let request = desk.request(deelzaak).await.expect("linked");
    assert_eq!(request.id, body["id"].as_i64().unwrap());
    assert_eq!(request.number, number);
    assert_eq!(desk.store.requests_of_case(case.id).await.unwrap().len(), 1);
    let sync = desk.sync("cr-jeugd-1").await;
    let synced: Vec<&Value> = sync["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["number"] == number.as_str())
        .collect();
    assert_eq!(synced.len(), 1, "{sync}");
    assert_eq!(synced[0]["id"], body["id"]);
    assert_eq!(synced[0]["status"], "pending");
    assert_eq!(desk.count_events(case.id, EventKind::RequestFiled).await, 1);
}

// ------------------------------------------------------------ the rolling re-read

/// An eigenschap changed in the case system while its notification was
/// lost shows in no flat list. Each walk reads `reread_per_walk` zaken
/// again in turn, so the change arrives within (zaken ÷ that) walks, not
/// only with the nightly full re-read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eigenschap_changed_without_a_notification_arrives_in_turn() {
    let fake = Fake::start().await;
    let zaken: Vec<String> = (1..=5)
        .map(|n| fake.add_case(&format!("KST-2026-01{n:02}")))
        .collect();
    let mut config = config(&fake);
    config.reread_per_walk = 2;
    let desk = Desk::start_with(&fake, Backend::Sqlite, config)
        .await
        .unwrap();
    for zaak in &zaken {
        assert!(!desk.case(zaak).await.unwrap().escalated);
        fake.set_eigenschap(zaak, "escalatie", "geescaleerd");
    }
    let mut walks = 0;
    loop {
        let report = desk.source.reconcile(false).await.unwrap();
        walks += 1;
        assert_eq!(
            report.reread, 2,
            "two in turn, the rest unchanged: {report:?}"
        );
        let mut escalated = 0;
        for zaak in &zaken {
            escalated += usize::from(desk.case(zaak).await.unwrap().escalated);
        }
        assert_eq!(escalated, (2 * walks).min(5), "after {walks} walks");
        if escalated == 5 {
            break;
        }
    }
    assert_eq!(walks, 3);
}

// ------------------------------------------------------------ one household, two open zaken

/// A case system may hold two open zaken for one belanghebbende; regiedesk
/// holds one open case per household. The second must not vanish from the
/// desks: it is projected under `H-…-2`, and reading both again changes
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_open_zaak_of_one_household_stays_in_view() {
    let fake = Fake::start().await;
    let first = fake.add_case("KST-2026-0301");
    let second = fake.add_case("KST-2026-0302");
    fake.same_household(&second, &first);
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.failed, 0, "{:?}", desk.started);
    let a = desk.case(&first).await.expect("the first is projected");
    let b = desk.case(&second).await.expect("the second is projected");
    // Both registered the same day: the later identificatie is the `-2`.
    let identificatie = |zaak: &str| {
        fake.get(zaak)["identificatie"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        fake.get(&first)["registratiedatum"],
        fake.get(&second)["registratiedatum"]
    );
    let (one, two) = if identificatie(&first) < identificatie(&second) {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(two.pseudonym, format!("{}-2", one.pseudonym));
    assert_ne!(one.household_id, two.household_id);
    let again = desk.source.reconcile(true).await.unwrap();
    assert_eq!((again.failed, again.changed), (0, 0), "{again:?}");
    for zaak in [&first, &second] {
        let case = desk.case(zaak).await.unwrap();
        let before = if case.id == one.id { &one } else { &two };
        assert_eq!(
            (case.version, &case.pseudonym),
            (before.version, &before.pseudonym)
        );
    }
}

/// A restart over a projection serves at once: `start` returns while the
/// full walk's first list is still unanswered. A first start (an empty
/// projection) waits for that walk: there is nothing to show without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_serves_the_projection_while_the_full_walk_runs() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0401");
    fake.add_case("KST-2026-0402");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    assert_eq!(desk.started.reread, 2, "{:?}", desk.started);
    let lists = "/zaken/api/v1/zaken";
    let hanging = || {
        fake.requests(&Method::GET, lists)
            .iter()
            .filter(|r| r.status == 0)
            .count()
    };
    fake.fail(Method::GET, lists, Fault::Hang, 1000);

    let restarted = ZgwSource::connect(
        config(&fake),
        desk.store.clone(),
        Arc::new(Norms::default()),
        Clock::Frozen(now()),
    )
    .await
    .unwrap();
    // A guard, not a wait: a start that blocked on the walk never returns.
    let (started, _tasks) = tokio::time::timeout(Duration::from_secs(60), restarted.start())
        .await
        .expect("a restart returns before its full walk")
        .unwrap();
    assert_eq!(started, Started::Restart { projected: 2 });
    until("the background walk asks for the list", async || {
        (hanging() > 0).then_some(())
    })
    .await;
    let case = desk.case(&zaak).await.expect("the projection is there");
    assert_eq!(case.number, "KST-2026-0401");

    let db = Database::create(Backend::Sqlite).await.unwrap();
    let empty = store::connect(db.url()).await.unwrap();
    let first = ZgwSource::connect(
        config(&fake),
        empty,
        Arc::new(Norms::default()),
        Clock::Frozen(now()),
    )
    .await
    .unwrap();
    let before = hanging();
    let starting = tokio::spawn(async move { first.start().await.map(|(s, _)| s) });
    until("the first start's walk asks for the list", async || {
        (hanging() > before).then_some(())
    })
    .await;
    assert!(
        !starting.is_finished(),
        "a first start returned before the case system was read"
    );
    starting.abort();
}

// ------------------------------------------------------------ without notifications: the lists

/// Nearly every write in the case system makes a status or a rol, and
/// both lists are newest first: a look at their heads finds a change whose
/// notification was lost, without waiting for a walk. Ours are queued (a
/// new holder, a new step); another department's zaaktype is passed over;
/// the first look only takes note, and nothing is queued twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_without_its_notification_is_found_at_the_head_of_the_lists() {
    let fake = Fake::start().await;
    let handed = fake.add_case("KST-2026-0301");
    let planned = fake.add_case("KST-2026-0302");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let before = desk.case(&handed).await.unwrap();
    assert_eq!(before.casusregisseur.as_deref(), Some("cr-jeugd-1"));
    let mut heads = NewestHeads::default();
    assert_eq!(desk.source.look_at_newest(&mut heads).await.unwrap(), 0);

    // Two writes at Open Zaak's desk, announced to no one; and one of
    // another zaaktype's.
    fake.add_rol(&handed, CASUSREGISSEUR, "cr-jeugd-2");
    fake.add_status(&planned, "Plan vastgesteld");
    let foreign = fake.add_zaak_of_another_zaaktype();
    let gets_before = fake.count(&Method::GET, fake.path(&foreign));
    assert_eq!(desk.source.look_at_newest(&mut heads).await.unwrap(), 2);
    until("both changes are projected", async || {
        let handed = desk.case(&handed).await?;
        let planned = desk.case(&planned).await?;
        (handed.casusregisseur.as_deref() == Some("cr-jeugd-2")
            && planned.status.as_str() == "plan")
            .then_some(())
    })
    .await;
    assert_eq!(
        fake.count(&Method::GET, fake.path(&foreign)),
        gets_before,
        "another department's zaak is not even read"
    );
    // Nothing new since: nothing queued.
    assert_eq!(desk.source.look_at_newest(&mut heads).await.unwrap(), 0);

    // A write whose notification came: its zaak is read already, and the
    // look does not queue it again.
    fake.add_status(&handed, "Plan vastgesteld");
    let status = fake.of_zaak("statussen", &handed).last().unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let zaaktype = fake.get(&handed)["zaaktype"].as_str().unwrap().to_string();
    let notified = fake.notification(&handed, Some(&zaaktype), "status", &status, "create");
    assert_eq!(desk.notify(&notified).await, 204);
    assert_eq!(desk.source.look_at_newest(&mut heads).await.unwrap(), 0);
}

/// A walk acts on each page as it arrives: a zaak whose summary changed
/// is read again while the other lists are still coming in (here the
/// rollen list never answers), not after the slowest list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_reads_a_changed_zaak_from_its_page_before_the_other_lists_are_in() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0311");
    fake.add_case("KST-2026-0312");
    let mut config = config(&fake);
    config.reread_per_walk = 0;
    let desk = Desk::start_with(&fake, Backend::Sqlite, config)
        .await
        .unwrap();
    assert_eq!(desk.case(&zaak).await.unwrap().status.as_str(), "contacted");
    fake.add_status(&zaak, "Plan vastgesteld");
    fake.fail(Method::GET, "/zaken/api/v1/rollen", Fault::Hang, 1);
    let walk = tokio::spawn({
        let source = desk.source.clone();
        async move { source.reconcile(false).await }
    });
    until("the plan is projected", async || {
        (desk.case(&zaak).await?.status.as_str() == "plan").then_some(())
    })
    .await;
    assert!(!walk.is_finished(), "the rollen list has not answered");
    walk.abort();
}

/// The walk lists the open zaken and those closed in the last
/// `closed_months`, never the whole history. A zaak closed in the case
/// system is read again once (it is found among the recently closed) and
/// then left alone; one that leaves every list (out of sight) is read
/// again, once per walk, since the projection holds it open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walk_follows_open_and_recently_closed_zaken() {
    let fake = Fake::start().await;
    let long_closed = fake.add_case("KST-2024-0320");
    fake.set(&long_closed, "einddatum", json!("2024-06-28"));
    let open = fake.add_case("KST-2026-0321");
    let closing = fake.add_case("KST-2026-0322");
    let hiding = fake.add_case("KST-2026-0323");
    let mut config = config(&fake);
    config.reread_per_walk = 0;
    let desk = Desk::start_with(&fake, Backend::Sqlite, config)
        .await
        .unwrap();
    assert_eq!(desk.started.listed, 3, "{:?}", desk.started);
    assert!(
        desk.case(&long_closed).await.is_none(),
        "closed before the window"
    );
    let quiet = desk.source.reconcile(false).await.unwrap();
    assert_eq!((quiet.listed, quiet.reread), (3, 0), "{quiet:?}");

    // Closed at Open Zaak's desk (by hand: status, einddatum).
    fake.add_status(&closing, "Afgesloten");
    fake.set(&closing, "einddatum", json!("2026-12-01"));
    let walk = desk.source.reconcile(false).await.unwrap();
    assert_eq!(
        (walk.listed, walk.reread, walk.changed),
        (3, 1, 1),
        "{walk:?}"
    );
    assert_eq!(desk.case(&closing).await.unwrap().status.as_str(), "closed");
    let again = desk.source.reconcile(false).await.unwrap();
    assert_eq!((again.listed, again.reread), (3, 0), "{again:?}");

    // Out of the client's sight: in no list, read again, refused, kept.
    fake.set(&hiding, "vertrouwelijkheidaanduiding", json!("geheim"));
    fake.hide_above("vertrouwelijk");
    let walk = desk.source.reconcile(false).await.unwrap();
    assert_eq!(
        (walk.listed, walk.reread, walk.failed),
        (2, 1, 1),
        "{walk:?}"
    );
    assert!(desk.case(&hiding).await.is_some());
    assert!(desk.case(&open).await.is_some());
}

/// A ZGW client makes a zaak, then its eigenschappen, rollen and statussen,
/// each with a notification. A zaak read before its first status is left:
/// projected then, its referral would date from the startdatum and its
/// history would keep what it was half made. Its status's notification
/// brings it, whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zaak_read_before_its_first_status_waits_for_it() {
    let fake = Fake::start().await;
    let barrier = fake.add_case("KST-2026-0331");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let zaak = fake.add_case("KST-2026-0332");
    let statussen = fake.of_zaak("statussen", &zaak);
    fake.strip("statussen", &zaak);
    assert_eq!(desk.notify(&fake.zaak_changed(&zaak)).await, 204);
    desk.drain(&barrier).await;
    assert!(desk.case(&zaak).await.is_none(), "half made: left");
    let walk = desk.source.reconcile(false).await.unwrap();
    assert_eq!(walk.failed, 0, "{walk:?}");
    assert!(desk.case(&zaak).await.is_none(), "the walk leaves it too");

    fake.add_status(&zaak, "Aangemeld");
    let first = fake.of_zaak("statussen", &zaak)[0].clone();
    assert_eq!(desk.notify(&fake.zaak_changed(&zaak)).await, 204);
    desk.drain(&barrier).await;
    let case = desk.case(&zaak).await.expect("whole now");
    assert_eq!(
        case.referred_at,
        first["datumStatusGezet"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        "referred at its status, not its startdatum"
    );
    assert!(!statussen.is_empty());
}

/// A notification with a header that is not the abonnement's (a typo in
/// its `auth`) is refused with words that name the abonnement, never a
/// bearer token, and counted where an operator looks: `/healthz`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_notifications_are_counted_and_shown_on_healthz() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0501");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let health = desk.health().await;
    assert!(health.get("notifications").is_none(), "{health}");
    for _ in 0..3 {
        let response = desk
            .http
            .post(format!("{}/zgw/notificaties", desk.base))
            .header("Authorization", "Token regiedesk-nrx")
            .json(
                &json!({"kanaal": "zaken", "hoofdObject": zaak, "resource": "zaak",
                          "resourceUrl": zaak, "actie": "partial_update"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let challenge = response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(challenge, "Token realm=\"regiedesk-notificaties\"");
        assert!(!challenge.contains("regiedesk-nrc"), "never the secret");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            problem["type"],
            "urn:regiedesk:problem:notification-refused"
        );
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("abonnement") && !detail.contains("Bearer"),
            "{detail}"
        );
    }
    let health = desk.health().await;
    let said = health["notifications"].as_str().unwrap();
    assert!(said.starts_with("refused 3 since "), "{said}");
    // The right header still works.
    let status = desk
        .notify(
            &json!({"kanaal": "zaken", "hoofdObject": zaak, "resource": "zaak",
                        "resourceUrl": zaak, "actie": "partial_update"}),
        )
        .await;
    assert_eq!(status, 204);
}

/// A notification naming an object on another address (issue 20: it made
/// regiedesk send its signed token there, and the token listed every
/// household's BSN) is refused, counted, and that address receives
/// nothing: not the notification's object, not anything read after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_outside_the_configured_apis_is_never_sent_a_token() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0601");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    // An eavesdropper on another port records every connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere = listener.local_addr().unwrap();
    let heard = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = heard.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let foreign = format!(
        "http://{elsewhere}/zaken/api/v1/zaken/{}",
        zaak.rsplit('/').next().unwrap()
    );
    for (hoofd, resource) in [(&foreign, &foreign), (&zaak, &foreign), (&foreign, &zaak)] {
        let status = desk
            .notify(
                &json!({"kanaal": "zaken", "hoofdObject": hoofd, "resource": "zaak",
                            "resourceUrl": resource, "actie": "partial_update"}),
            )
            .await;
        assert_eq!(status, 400, "{hoofd} {resource}");
    }
    // Read directly, as a URL in an answer would be: refused before asking.
    let refused = desk.source.refresh(&foreign).await;
    assert!(
        matches!(
            refused,
            Err(regiedesk::zgw::source::SourceError::Zgw(
                regiedesk::zgw::client::ZgwError::Foreign(_)
            ))
        ),
        "{refused:?}"
    );
    assert!(desk.source.foreign_refused() >= 4, "counted");
    // A notification of our own zaak, drained: whatever was queued has run.
    assert_eq!(
        desk.notify(
            &json!({"kanaal": "zaken", "hoofdObject": zaak, "resource": "zaak",
                            "resourceUrl": zaak, "actie": "partial_update"})
        )
        .await,
        204
    );
    desk.drain(&zaak).await;
    assert_eq!(
        heard.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing went elsewhere"
    );
}

/// A wrong client secret stops the start with the case system's own words,
/// so the beheerder knows what to fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_start_passes_the_case_systems_problem_through() {
    let fake = Fake::start().await;
    let mut config = config(&fake);
    config.secret = Some("verkeerd".into());
    let Some(db) = Database::create(Backend::Sqlite).await else {
        return;
    };
    let store = store::connect(db.url()).await.unwrap();
    let clock = Clock::Frozen(now());
    let error = match ZgwSource::connect(config, store, Arc::new(Norms::default()), clock).await {
        Ok(_) => panic!("a wrong secret must stop the start"),
        Err(error) => format!("{error:#}"),
    };
    assert!(
        error.contains("not_authenticated") && error.contains("geen geldige JWT"),
        "{error}"
    );
}
