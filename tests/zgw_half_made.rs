//! Issue 20, 1.4: a crash leaves nothing half-made. Against the fake Open
//! Zaak (tests/support/fake_openzaak.rs), a command is killed at each of
//! its writes (before the case system did it, and after it did it but
//! before the answer came), and a case system stops answering in the middle
//! of one. Each time the command is completed once, with the number it
//! reserved, and the case history and the audit log name the person who
//! gave it and their reason, never `zaaksysteem`.

#[path = "support/fake_openzaak.rs"]
mod fake;
mod support;
#[path = "support/zgw_desk.rs"]
mod zgw_desk;

use fake::{Fake, Fault};
use regiedesk::domain::lifecycle;
use regiedesk::domain::model::{Case, EventKind, Person, RequestKind};
use regiedesk::domain::norms::Norms;
use regiedesk::server::audit::{AuditDraft, AuditEntry};
use reqwest::Method;
use serde_json::json;
use support::Backend;
use zgw_desk::{CASUSREGISSEUR, Desk, now, until};

const FILER_ROL: &str = "Aanvrager (casusregisseur)";

async fn person(desk: &Desk, login: &str) -> Person {
    desk.store.person(login).await.unwrap().unwrap()
}

async fn audit_of(desk: &Desk, case_id: i64, action: &str) -> Vec<AuditEntry> {
    desk.store
        .audit_entries(Some(case_id), None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

/// Runs `command` as the server would and kills it once the fault has
/// happened: the task ends where it is, like a process under `kill -9`.
/// Then a new server starts over the same database.
async fn killed_then_restarted<F>(desk: Desk, command: F) -> Desk
where
    F: Future<Output = ()> + Send + 'static,
{
    let running = tokio::spawn(command);
    until("the case system met the fault", async || {
        (desk.fake.faults_left() == 0).then_some(())
    })
    .await;
    running.abort();
    let _ = running.await;
    desk.restart().await
}

/// A case zaak with a plan, and its desk.
async fn case_with_plan(fake: &Fake, backend: Backend) -> Option<(String, Desk, Case)> {
    let zaak = fake.add_case("KST-2026-0001");
    fake.add_status(&zaak, "Plan vastgesteld");
    let desk = Desk::start(fake, backend).await?;
    let case = desk.case(&zaak).await.unwrap();
    assert_eq!(case.status.as_str(), "plan");
    Some((zaak, desk, case))
}

/// Files request "Gezinsbehandeling" as cr-jeugd-1, straight through the
/// source (as the route does), in a task that can be killed.
async fn filing(desk: &Desk, case: &Case) -> impl Future<Output = ()> + Send + 'static {
    let actor = person(desk, "cr-jeugd-1").await;
    let (new, t) = lifecycle::file_request(
        case,
        &actor,
        RequestKind::Jeugdhulp,
        Some("Gezinsbehandeling"),
        Some("volgens plan, met het gezin besproken"),
        true,
        now(),
        &Norms::default(),
    )
    .unwrap();
    let audit = AuditDraft::ok(&actor, now(), "request.file");
    let source = desk.source.clone();
    let case = case.clone();
    async move {
        let _ = source.file_request(&actor, &case, &new, &t, audit).await;
    }
}

/// Each write of a filing, and whether the case system did it before the
/// kill: the deelzaak, its initiator, its in_plan, its status, the case's
/// own step.
const FILING_STEPS: [(&str, usize, Fault); 6] = [
    ("/zaken/api/v1/zaken", 1, Fault::Hang),
    ("/zaken/api/v1/zaken", 1, Fault::HangAfterCommit),
    ("/zaken/api/v1/rollen", 1, Fault::HangAfterCommit),
    (
        "/zaken/api/v1/zaken/*/zaakeigenschappen",
        1,
        Fault::HangAfterCommit,
    ),
    ("/zaken/api/v1/statussen", 1, Fault::HangAfterCommit),
    ("/zaken/api/v1/statussen", 2, Fault::HangAfterCommit),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filing_killed_at_each_write_is_completed_once_under_its_own_number() {
    for (pattern, nth, fault) in FILING_STEPS {
        let step = format!("killed at POST {pattern} #{nth} ({fault:?})");
        let fake = Fake::start().await;
        let (zaak, desk, case) = case_with_plan(&fake, Backend::Sqlite).await.unwrap();
        let earlier = desk.events(case.id).await.len();
        fake.fail_nth(Method::POST, pattern, fault, nth);
        let command = filing(&desk, &case).await;
        let desk = killed_then_restarted(desk, command).await;

        // In the case system: one deelzaak, whole, under the number the
        // filing reserved, every write on behalf of the filer.
        let deelzaken = fake.deelzaken(&zaak);
        assert_eq!(deelzaken.len(), 1, "{step}: {deelzaken:#?}");
        let deelzaak = deelzaken[0]["url"].as_str().unwrap();
        assert_eq!(
            deelzaken[0]["kenmerken"][0]["kenmerk"], "AV-2026-0001",
            "{step}"
        );
        assert_eq!(fake.holders(deelzaak, FILER_ROL), ["cr-jeugd-1"], "{step}");
        assert_eq!(fake.eigenschap(deelzaak, "in_plan"), ["ja"], "{step}");
        assert_eq!(fake.statussen(deelzaak), ["Ingediend"], "{step}");
        assert_eq!(
            fake.statussen(&zaak).last().unwrap(),
            "In uitvoering",
            "{step}"
        );
        for write in fake.requests(&Method::POST, "/zaken/api/v1/*") {
            assert_eq!(write.user_id, "cr-jeugd-1", "{step}: {write:?}");
        }

        // In regiedesk: the request once, its history line and audit entry
        // the filer's, nothing left pending.
        let requests = desk.store.requests_of_case(case.id).await.unwrap();
        assert_eq!(requests.len(), 1, "{step}: {requests:#?}");
        assert_eq!(requests[0].number, "AV-2026-0001", "{step}");
        assert_eq!(requests[0].filed_by, "cr-jeugd-1", "{step}");
        assert_eq!(requests[0].status.as_str(), "pending", "{step}");
        let events = desk.events(case.id).await;
        let filed: Vec<_> = events
            .iter()
            .filter(|e| e.kind == EventKind::RequestFiled)
            .collect();
        assert_eq!(filed.len(), 1, "{step}: {events:#?}");
        assert_eq!(filed[0].actor, "cr-jeugd-1", "{step}");
        let audit = audit_of(&desk, case.id, "request.file").await;
        assert_eq!(audit.len(), 1, "{step}: {audit:#?}");
        assert_eq!(audit[0].actor, "cr-jeugd-1", "{step}");
        let new = &events[earlier..];
        assert!(
            new.iter().all(|e| e.actor == "cr-jeugd-1"),
            "{step}: every line since is the filer's, none the case system's: {new:#?}"
        );
        assert!(
            desk.store.zgw_pending(None).await.unwrap().is_empty(),
            "{step}"
        );

        // The next filing takes the next number.
        let case = desk.case(&zaak).await.unwrap();
        let (status, body) = desk
            .post(
                "cr-jeugd-1",
                &format!("cases/{}/requests", case.id),
                case.version,
                json!({"kind": "jeugdhulp", "provision": "Dagbehandeling",
                       "motivation": "aanvullend", "in_plan": true}),
            )
            .await;
        assert_eq!(status, 201, "{step}: {body}");
        assert_eq!(body["number"], "AV-2026-0002", "{step}");
    }
}

/// Reassigning: the new behandelaar rol is written (or not yet), then the
/// process dies before the old rol is removed. After the restart there is
/// one behandelaar, and the history and audit say who moved the case and
/// why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reassignment_killed_halfway_keeps_who_and_why() {
    for (method, pattern, fault) in [
        (Method::POST, "/zaken/api/v1/rollen", Fault::Hang),
        (Method::POST, "/zaken/api/v1/rollen", Fault::HangAfterCommit),
        (
            Method::DELETE,
            "/zaken/api/v1/rollen/*",
            Fault::HangAfterCommit,
        ),
    ] {
        let step = format!("killed at {method} {pattern} ({fault:?})");
        let fake = Fake::start().await;
        let zaak = fake.add_case("KST-2026-0001");
        let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
        let case = desk.case(&zaak).await.unwrap();
        assert_eq!(case.casusregisseur.as_deref(), Some("cr-jeugd-1"));

        let actor = person(&desk, "pr-jeugd-1").await;
        let to = person(&desk, "cr-jeugd-2").await;
        let t = lifecycle::assign(&case, &actor, &to, Some("verlof"), now(), &Norms::default())
            .unwrap();
        let audit = AuditDraft::ok(&actor, now(), "case.assign");
        fake.fail(method, pattern, fault, 1);
        let source = desk.source.clone();
        let before = case.clone();
        let desk = killed_then_restarted(desk, async move {
            let _ = source.write_case(&actor, &before, &t, audit).await;
        })
        .await;

        assert_eq!(
            fake.holders(&zaak, CASUSREGISSEUR),
            ["cr-jeugd-2"],
            "{step}"
        );
        let projected = desk.case(&zaak).await.unwrap();
        assert_eq!(
            projected.casusregisseur.as_deref(),
            Some("cr-jeugd-2"),
            "{step}"
        );
        let events = desk.events(case.id).await;
        let moved: Vec<_> = events
            .iter()
            .filter(|e| e.kind == EventKind::Reassigned)
            .collect();
        assert_eq!(moved.len(), 1, "{step}: {events:#?}");
        assert_eq!(moved[0].actor, "pr-jeugd-1", "{step}");
        assert_eq!(moved[0].note.as_deref(), Some("verlof"), "{step}");
        let audit = audit_of(&desk, case.id, "case.assign").await;
        assert_eq!(audit.len(), 1, "{step}: {audit:#?}");
        assert_eq!(audit[0].actor, "pr-jeugd-1", "{step}");
        assert!(
            desk.store.zgw_pending(None).await.unwrap().is_empty(),
            "{step}"
        );
    }
}

/// The case system stops answering in the middle of a filing (the
/// deelzaak is made, its status is not). The desk hears that its filing
/// is held, not that nothing happened. A retry of the same filing first
/// completes the held one under its reserved number and then answers 412
/// (the case changed): no second number, no second deelzaak. The same on
/// PostgreSQL.
async fn a_held_filing_is_completed_before_a_new_number_is_taken(backend: Backend) {
    let fake = Fake::start().await;
    let Some((zaak, desk, case)) = case_with_plan(&fake, backend).await else {
        return;
    };
    // A 500 with nothing done, twice: the outcome stays unknown.
    fake.fail(Method::POST, "/zaken/api/v1/statussen", Fault::Before, 2);
    let path = format!("cases/{}/requests", case.id);
    let body = json!({"kind": "jeugdhulp", "provision": "Gezinsbehandeling",
                      "motivation": "volgens plan", "in_plan": true});
    let (status, answer) = desk
        .post("cr-jeugd-1", &path, case.version, body.clone())
        .await;
    assert_eq!(status, 502, "{answer}");
    let detail = answer["detail"].as_str().unwrap();
    assert!(detail.contains("vastgehouden"), "{detail}");
    assert_eq!(desk.store.zgw_pending(None).await.unwrap().len(), 1);
    assert_eq!(fake.deelzaken(&zaak).len(), 1, "made, without a status");
    assert!(
        desk.store
            .requests_of_case(case.id)
            .await
            .unwrap()
            .is_empty()
    );

    fake.heal();
    let (status, answer) = desk.post("cr-jeugd-1", &path, case.version, body).await;
    assert_eq!(status, 412, "{answer}");
    let deelzaken = fake.deelzaken(&zaak);
    assert_eq!(deelzaken.len(), 1, "{deelzaken:#?}");
    assert_eq!(deelzaken[0]["kenmerken"][0]["kenmerk"], "AV-2026-0001");
    let deelzaak = deelzaken[0]["url"].as_str().unwrap();
    assert_eq!(fake.statussen(deelzaak), ["Ingediend"]);
    let requests = desk.store.requests_of_case(case.id).await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(requests[0].number, "AV-2026-0001");
    assert_eq!(
        audit_of(&desk, case.id, "request.file").await[0].actor,
        "cr-jeugd-1"
    );
    assert!(desk.store.zgw_pending(None).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_filing_is_completed_before_a_new_number_is_taken_on_sqlite() {
    a_held_filing_is_completed_before_a_new_number_is_taken(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_filing_is_completed_before_a_new_number_is_taken_on_postgres() {
    a_held_filing_is_completed_before_a_new_number_is_taken(Backend::Postgres).await;
}

/// A held reassignment with no later command: the next walk completes it
/// once the case system answers, with the actor and the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_reassignment_is_completed_by_the_next_walk() {
    let fake = Fake::start().await;
    let zaak = fake.add_case("KST-2026-0001");
    let desk = Desk::start(&fake, Backend::Sqlite).await.unwrap();
    let case = desk.case(&zaak).await.unwrap();
    fake.fail(Method::DELETE, "/zaken/api/v1/rollen/*", Fault::Before, 2);
    let (status, answer) = desk
        .post(
            "pr-jeugd-1",
            &format!("cases/{}/assign", case.id),
            case.version,
            json!({"casusregisseur": "cr-jeugd-2", "reason": "verlof"}),
        )
        .await;
    assert_eq!(status, 502, "{answer}");
    // Half-made in the case system: two behandelaars.
    let mut holders = fake.holders(&zaak, CASUSREGISSEUR);
    holders.sort();
    assert_eq!(holders, ["cr-jeugd-1", "cr-jeugd-2"]);
    // A notification's re-read, while the case system still refuses the
    // removal, does not project the half-made zaak as the case system's.
    fake.fail(Method::DELETE, "/zaken/api/v1/rollen/*", Fault::Before, 2);
    assert!(desk.source.refresh(&zaak).await.is_err());
    assert_eq!(desk.case(&zaak).await.unwrap().version, case.version);

    fake.heal();
    desk.source.reconcile(false).await.unwrap();
    assert_eq!(fake.holders(&zaak, CASUSREGISSEUR), ["cr-jeugd-2"]);
    let projected = desk.case(&zaak).await.unwrap();
    assert_eq!(projected.casusregisseur.as_deref(), Some("cr-jeugd-2"));
    let events = desk.events(case.id).await;
    let moved: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::Reassigned)
        .collect();
    assert_eq!(moved.len(), 1, "{events:#?}");
    assert_eq!(moved[0].actor, "pr-jeugd-1");
    assert_eq!(moved[0].note.as_deref(), Some("verlof"));
    let audit = audit_of(&desk, case.id, "case.assign").await;
    assert_eq!(audit.len(), 1, "{audit:#?}");
    assert_eq!(audit[0].actor, "pr-jeugd-1");
}
