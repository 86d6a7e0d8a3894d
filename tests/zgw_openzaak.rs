//! Against a real Open Zaak 1.30.0 (installed by `.ci/run` with
//! `../shared/zgw/install-openzaak.sh`): regiedesk's server with a ZGW
//! source reads the zaken, writes the desk's actions back, learns of
//! changes made in Open Zaak through notifications and, without them,
//! through the reconciler; and refuses what regiedesk's rules forbid before
//! anything reaches Open Zaak.
//!
//! Needs `REGIEDESK_TEST_OPENZAAK_URL` (and `..._NRC_PORT`, the port Open
//! Zaak posts its notifications to). Without it the test says so and
//! passes, except under `CI=true`, where it fails.

use std::time::Duration;

use chrono::Utc;
use regiedesk::zgw::config::ZgwConfig;
use serde_json::{Value, json};

#[path = "support/etag.rs"]
mod etag;
#[path = "support/real_openzaak.rs"]
mod real_openzaak;
#[path = "support/tmux.rs"]
mod tmux;

use real_openzaak::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_desks_actions_land_in_open_zaak_and_its_changes_reach_the_desk() {
    let Some(oz) = open_zaak() else { return };
    let zgw = Zgw::new(&oz);
    let one = unique("KST-OZ");
    let two = unique("KST-OZ");
    let (case_one, request_one) = zgw.case(&one, "oz-cr-a", Some("oz-cr-a")).await;
    let (case_two, request_two) = zgw.case(&two, "oz-cr-a", Some("oz-pr")).await;
    // Notifications reach this server when it listens where Open Zaak posts.
    let served = Served::start(config(&oz, 3600), oz.nrc_port).await;

    // Read: the facts of the zaak, and no BSN or name of the household.
    let case = served
        .case(&one)
        .await
        .expect("the case is projected at start");
    assert_eq!(case["casusregisseur"], "oz-cr-a");
    assert_eq!(case["status"], "plan");
    assert_eq!(case["domain"], "jeugd");
    assert_eq!(case["source"], "huisarts");
    assert_eq!(case["risk_flags"], json!(["child_safety", "aggression"]));
    let sync = served.sync("oz-pr").await.to_string();
    assert!(!sync.contains("Fictief"));
    let request = served
        .request(&format!("AV-{one}"))
        .await
        .expect("the request is projected");
    assert_eq!(request["status"], "pending");

    // Reassign: the behandelaar in Open Zaak is the new casusregisseur.
    let id = case["id"].as_i64().unwrap();
    let (status, body) = served
        .post(
            "oz-pr",
            &format!("cases/{id}/assign"),
            case["version"].as_i64().unwrap(),
            json!({"casusregisseur": "oz-cr-b", "reason": "verlof"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["casusregisseur"], "oz-cr-b");
    assert_eq!(zgw.holders(&case_one, "behandelaar").await, ["oz-cr-b"]);

    // Escalate: the eigenschap in Open Zaak.
    let (status, body) = served
        .post(
            "oz-pr",
            &format!("cases/{id}/escalate"),
            body["version"].as_i64().unwrap(),
            json!({"reason": "partijen oneens"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        zgw.eigenschap(&case_one, "escalatie").await.as_deref(),
        Some("geescaleerd")
    );

    // A casusregisseur deciding, and a stale If-Match: refused by regiedesk,
    // nothing reaches Open Zaak.
    let rid = request["id"].as_i64().unwrap();
    let (status, _) = served
        .post(
            "oz-cr-b",
            &format!("requests/{rid}/decision"),
            1,
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = served
        .post(
            "oz-pr",
            &format!("requests/{rid}/decision"),
            7,
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 412);
    let deel_one = request_one.unwrap();
    assert!(zgw.besluiten(&deel_one).await.is_empty());

    // Four eyes: who filed a request does not decide it.
    let other = served.request(&format!("AV-{two}")).await.unwrap();
    let (status, _) = served
        .post(
            "oz-pr",
            &format!("requests/{}/decision", other["id"]),
            1,
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 403);
    assert!(
        zgw.besluiten(request_two.as_ref().unwrap())
            .await
            .is_empty()
    );

    // Approve: besluit, resultaat and eindstatus in Open Zaak.
    let (status, body) = served
        .post(
            "oz-pr",
            &format!("requests/{rid}/decision"),
            1,
            json!({"decision": "approve", "reason": "past in het plan"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "approved");
    let besluiten = zgw.besluiten(&deel_one).await;
    assert_eq!(besluiten.len(), 1);
    assert_eq!(besluiten[0]["toelichting"], "past in het plan");
    let deel = zgw.get(&deel_one).await;
    assert!(
        deel["einddatum"].is_string() && deel["resultaat"].is_string(),
        "{deel}"
    );
    let beslissers = zgw
        .list(&format!(
            "/zaken/api/v1/rollen?zaak={deel_one}&omschrijvingGeneriek=beslisser"
        ))
        .await;
    assert_eq!(
        beslissers[0]["betrokkeneIdentificatie"]["identificatie"],
        "oz-pr"
    );

    // Reject the other one as a second procesregisseur, with a reason.
    let (status, body) = served
        .post(
            "oz-pr-2",
            &format!("requests/{}/decision", other["id"]),
            1,
            json!({"decision": "reject", "reason": "niet in plan"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        zgw.besluiten(request_two.as_ref().unwrap()).await[0]["toelichting"],
        "niet in plan"
    );

    // A change made in Open Zaak itself reaches the desk: through the
    // notification when this server receives them.
    if oz.nrc_port != 0 {
        let casus = zgw.zaaktype("KST-CASUSREGIE").await;
        let rt = zgw.types("roltypen", &casus, "omschrijving").await;
        zgw.post(
            "/zaken/api/v1/rollen",
            json!({"zaak": case_two, "betrokkeneType": "medewerker",
            "roltype": rt["Casusregisseur"], "roltoelichting": "",
            "betrokkeneIdentificatie": {"identificatie": "oz-cr-b", "achternaam": "b"}}),
        )
        .await;
        let case = served
            .until(&two, "the new casusregisseur", |c| {
                c["casusregisseur"] == "oz-cr-b"
            })
            .await;
        let detail = served
            .http
            .get(format!("{}/api/v1/cases/{}", served.base, case["id"]))
            .bearer_auth("tok-oz-pr")
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        assert!(
            detail["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["actor"] == "zaaksysteem" && e["kind"] == "reassigned"),
            "{detail}"
        );
    }
    drop(served);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_notifications_the_reconciler_catches_up() {
    let Some(oz) = open_zaak() else { return };
    // Only the walk: no looks at the newest statussen and rollen.
    let mut config = config(&oz, 10);
    config.watch_seconds = 0;
    a_change_without_notification_arrives(&oz, config, "KST-RC").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_notifications_the_newest_statussen_and_rollen_bring_a_change() {
    let Some(oz) = open_zaak() else { return };
    // No walk within the test's patience: only the looks.
    let mut config = config(&oz, 3600);
    config.watch_seconds = 2;
    a_change_without_notification_arrives(&oz, config, "KST-NW").await;
}

/// A reassignment and a new step, written in Open Zaak while regiedesk
/// gets no notifications (its server is not on the notification port),
/// reach the projection; nothing is doubled.
async fn a_change_without_notification_arrives(oz: &OpenZaak, config: ZgwConfig, prefix: &str) {
    let zgw = Zgw::new(oz);
    let number = unique(prefix);
    let (case_url, _) = zgw.case(&number, "oz-cr-a", None).await;
    let served = Served::start(config, 0).await;
    served
        .until(&number, "the case", |c| c["casusregisseur"] == "oz-cr-a")
        .await;
    let casus = zgw.zaaktype("KST-CASUSREGIE").await;
    let rt = zgw.types("roltypen", &casus, "omschrijving").await;
    let st = zgw.types("statustypen", &casus, "omschrijving").await;
    zgw.post(
        "/zaken/api/v1/rollen",
        json!({"zaak": case_url, "betrokkeneType": "medewerker",
        "roltype": rt["Casusregisseur"], "roltoelichting": "",
        "betrokkeneIdentificatie": {"identificatie": "oz-cr-b", "achternaam": "b"}}),
    )
    .await;
    zgw.post(
        "/zaken/api/v1/statussen",
        json!({"zaak": case_url, "statustype": st["In uitvoering"],
        "datumStatusGezet": Utc::now().to_rfc3339()}),
    )
    .await;
    let case = served
        .until(&number, "the change without notification", |c| {
            c["casusregisseur"] == "oz-cr-b" && c["status"] == "execution"
        })
        .await;
    assert!(case["version"].as_i64().unwrap() >= 2);
    // Nothing lost: the projection holds what Open Zaak holds.
    assert_eq!(
        served
            .store
            .zgw_links()
            .await
            .unwrap()
            .iter()
            .filter(|l| l.url == case_url)
            .count(),
        1
    );
}

/// The steps of a case's course, from first contact to closing with a
/// waakvlam, each taken at the desk through regiedesk and each seen in Open
/// Zaak as its own statussen, rollen, eigenschappen, deelzaak and resultaat.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_case_runs_its_course_through_regiedesk_into_open_zaak() {
    let Some(oz) = open_zaak() else { return };
    let zgw = Zgw::new(&oz);
    let number = unique("KST-LOOP");
    let url = zgw.case_at(&number, "oz-cr-a", "Toegewezen").await;
    let served = Served::start(config(&oz, 3600), 0).await;
    let case = served
        .until(&number, "the case", |c| c["status"] == "assigned")
        .await;
    let id = case["id"].as_i64().unwrap();
    // Each step at the case's version as the desk last saw it.
    let act = async |login: &str, action: &str, body: Value| -> Value {
        let version = served.case(&number).await.unwrap()["version"]
            .as_i64()
            .unwrap();
        let (status, answer) = served
            .post(login, &format!("cases/{id}/{action}"), version, body)
            .await;
        assert!(
            status == 200 || status == 201,
            "{action}: {status} {answer}"
        );
        answer
    };

    act("oz-cr-a", "contact", json!({"note": "huisbezoek"})).await;
    let goal = json!({"life_domain": "woning", "text": "een passende woning behouden",
        "start_score": 2, "target_score": 4, "target_date": "2027-06-30"});
    act("oz-cr-a", "plan", json!({"goals": [goal]})).await;
    assert_eq!(
        zgw.statussen(&url).await,
        [
            "Aangemeld",
            "Toegewezen",
            "Eerste contact",
            "Plan vastgesteld"
        ]
    );

    // Filing a request makes a deelzaak with regiedesk's number and term.
    let request = act(
        "oz-cr-a",
        "requests",
        json!({"kind": "jeugdhulp", "provision": "Gezinsbehandeling",
               "motivation": "volgens plan", "in_plan": true}),
    )
    .await;
    let deel = zgw.deelzaak(&url).await;
    let deel_url = deel["url"].as_str().unwrap();
    assert_eq!(deel["kenmerken"][0]["kenmerk"], request["number"]);
    assert_eq!(deel["omschrijving"], "Gezinsbehandeling");
    assert_eq!(
        deel["uiterlijkeEinddatumAfdoening"].as_str().unwrap(),
        &request["decide_by"].as_str().unwrap()[..10].to_string(),
        "the decision term is regiedesk's: {request}"
    );
    assert_eq!(zgw.holders(deel_url, "initiator").await, ["oz-cr-a"]);
    assert_eq!(
        zgw.eigenschap(deel_url, "in_plan").await.as_deref(),
        Some("ja")
    );
    assert_eq!(zgw.statussen(deel_url).await, ["Ingediend"]);
    assert_eq!(zgw.statussen(&url).await.last().unwrap(), "In uitvoering");
    let projected = served
        .request(request["number"].as_str().unwrap())
        .await
        .expect("the filed request is on the desk");
    assert_eq!(projected["id"], request["id"]);
    assert_eq!(projected["status"], "pending");

    // The term stands still while the applicant completes the request:
    // the deadline regiedesk computes moves in Open Zaak too.
    let rid = request["id"].as_i64().unwrap();
    let complete_by = (Utc::now().date_naive() + chrono::Duration::days(14)).to_string();
    let (status, suspended) = served
        .post(
            "oz-cr-a",
            &format!("requests/{rid}/suspension"),
            projected["version"].as_i64().unwrap(),
            json!({"complete_by": complete_by, "note": "verslag school ontbreekt"}),
        )
        .await;
    assert_eq!(status, 200, "{suspended}");
    let deel = zgw.get(deel_url).await;
    assert_eq!(deel["opschorting"]["indicatie"], true, "{deel}");
    assert_eq!(deel["opschorting"]["reden"], "verslag school ontbreekt");
    assert_eq!(
        deel["uiterlijkeEinddatumAfdoening"].as_str().unwrap(),
        &suspended["decide_by"].as_str().unwrap()[..10],
    );
    assert!(suspended["decide_by"].as_str() > request["decide_by"].as_str());
    let (status, resumed) = served
        .post(
            "oz-cr-a",
            &format!("requests/{rid}/resumption"),
            suspended["version"].as_i64().unwrap(),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{resumed}");
    let deel = zgw.get(deel_url).await;
    assert_eq!(deel["opschorting"]["indicatie"], false, "{deel}");
    assert_eq!(
        deel["uiterlijkeEinddatumAfdoening"].as_str().unwrap(),
        &resumed["decide_by"].as_str().unwrap()[..10],
    );
    // Read again from Open Zaak, the request keeps regiedesk's term.
    served.source.refresh(&url).await.unwrap();
    let projected = served
        .request(request["number"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(projected["decide_by"], resumed["decide_by"]);
    assert_eq!(projected["version"], resumed["version"]);

    // Escalate, take over, de-escalate.
    act(
        "oz-pr",
        "escalate",
        json!({"reason": "school werkt niet mee"}),
    )
    .await;
    let taken = act("oz-dzm", "takeover", json!({"reason": "veiligheid"})).await;
    assert_eq!(taken["casusregisseur"], "oz-dzm");
    assert_eq!(zgw.holders(&url, "behandelaar").await, ["oz-dzm"]);
    assert_eq!(zgw.holders(&url, "beslisser").await, ["oz-dzm"]);
    assert_eq!(
        zgw.eigenschap(&url, "escalatie").await.as_deref(),
        Some("overgenomen")
    );
    act(
        "oz-dzm",
        "deescalate",
        json!({"reason": "afspraken gemaakt"}),
    )
    .await;
    assert_eq!(
        zgw.eigenschap(&url, "escalatie").await.as_deref(),
        Some("geen")
    );

    // The request decided, then the case closed with a waakvlam.
    let (status, body) = served
        .post(
            "oz-pr",
            &format!("requests/{rid}/decision"),
            projected["version"].as_i64().unwrap(),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // "Doelen bereikt" closes on a final evaluation that says so.
    act(
        "oz-dzm",
        "evaluations",
        json!({"final": true, "scores": [{"goal": 1, "score": 4, "state": "behaald"}]}),
    )
    .await;
    let until = (Utc::now().date_naive() + chrono::Duration::days(60)).to_string();
    let closed = act(
        "oz-dzm",
        "close",
        json!({"result": "goals_met", "waakvlam_until": until}),
    )
    .await;
    assert_eq!(closed["status"], "waakvlam", "{closed}");
    let zaak = zgw.get(&url).await;
    assert!(zaak["einddatum"].is_string(), "{zaak}");
    let resultaat = zgw.get(zaak["resultaat"].as_str().unwrap()).await;
    let resultaattype = zgw.get(resultaat["resultaattype"].as_str().unwrap()).await;
    assert_eq!(resultaattype["omschrijving"], "Waakvlam");
    assert_eq!(
        zgw.eigenschap(&url, "waakvlam_tot").await.as_deref(),
        Some(until.replace('-', "").as_str())
    );
    assert_eq!(zgw.statussen(&url).await.last().unwrap(), "Afgesloten");
    // Read again from Open Zaak, the desk still holds what it did.
    served.source.refresh(&url).await.unwrap();
    let after = served.case(&number).await.unwrap();
    assert_eq!(after["status"], "waakvlam");
    assert_eq!(after["version"], closed["version"]);
    assert_eq!(after["casusregisseur"], "oz-dzm");
}

/// Runs the binary as an operator would and returns what it printed.
fn regiedesk(args: &[&str]) -> String {
    let output = std::process::Command::new(BIN).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "regiedesk {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// The whole program as the procesregisseur uses it, on Open Zaak's cases:
/// `regiedesk serve --source zgw` set up with `staff put` and `staff
/// token`, the desk in tmux; approve and reject on Mandaat, escalate and
/// reassign on Stagnatie; then Open Zaak itself is asked whether it holds
/// what was done (besluiten, resultaten, the escalatie eigenschap, the
/// behandelaar).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_works_open_zaak_cases_in_a_terminal() {
    let Some(oz) = open_zaak() else { return };
    if tmux::tmux_missing() {
        return;
    }
    let zgw = Zgw::new(&oz);
    let approve = unique("KST-TUI");
    let reject = unique("KST-TUI");
    let stagnant = unique("KST-TUI");
    let (_, approve_deel) = zgw.case(&approve, "oz-cr-a", Some("oz-cr-a")).await;
    let (_, reject_deel) = zgw.case(&reject, "oz-cr-a", Some("oz-cr-b")).await;
    // Assigned 19 days ago and never contacted: on Stagnatie.
    let stagnant_url = zgw.case_at(&stagnant, "oz-cr-a", "Toegewezen").await;

    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("regiedesk.db").display());
    let config = dir.path().join("regiedesk.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[desk]
poll_interval_seconds = 1
notifications = false

[zgw]
zaken_api = "{b}/zaken/api/v1/"
catalogi_api = "{b}/catalogi/api/v1/"
besluiten_api = "{b}/besluiten/api/v1/"
client_id = "regiedesk"
secret_env = "REGIEDESK_TEST_ZGW_SECRET"
rsin = "002220647"
pseudonym_key = "openzaak-test-key"
notification_auth = "Token regiedesk-nrc"
reconcile_seconds = 10
"#,
            b = oz.base
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    for (login, name, role) in [
        ("oz-cr-a", "Anna Akkerman", "casusregisseur"),
        ("oz-cr-b", "Bram Bakker", "casusregisseur"),
        ("oz-pr", "Petra Prins", "procesregisseur_jeugd"),
    ] {
        regiedesk(&[
            "staff",
            "put",
            "--database-url",
            &db,
            "--login",
            login,
            "--name",
            name,
            "--role",
            role,
            "--organisation",
            "Kwadraad",
            "--capacity",
            "20",
        ]);
    }
    let token = regiedesk(&["staff", "token", "--database-url", &db, "oz-pr"]);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
    let mut server = std::process::Command::new(BIN)
        .args(["serve", "--source", "zgw", "--config", config])
        .args([
            "--database-url",
            &db,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("REGIEDESK_TEST_ZGW_SECRET", SECRET)
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    struct Kill<'a>(&'a mut std::process::Child);
    impl Drop for Kill<'_> {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let server = Kill(&mut server);
    // It listens once the full re-read at start is done.
    let health = format!("http://127.0.0.1:{port}/healthz");
    for attempt in 0.. {
        if reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        let log = || std::fs::read_to_string(dir.path().join("server.log")).unwrap();
        assert!(
            server.0.try_wait().unwrap().is_none(),
            "the server stopped: {}",
            log()
        );
        assert!(attempt < 600, "the server did not come up: {}", log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let tmux = tmux::Tmux::start(
        format!("regiedesk-oz-{}", std::process::id()),
        &format!(
            "env REGIEDESK_TOKEN={token} TERM=xterm-256color {BIN} --config {config} \
             --server http://127.0.0.1:{port}; sleep 60"
        ),
    );
    tmux.wait_until("the first sync with Open Zaak's cases", ANSWER, |s| {
        s.contains("● sync") && s.contains("KST-TUI")
    })
    .await;

    // Approve one request and reject another on Mandaat.
    tmux.keys(&["3"]);
    tmux.wait_for("Mandaat ·", 10).await;
    let number = format!("AV-{approve}");
    tmux::show_only(&tmux, &number).await;
    tmux.keys(&["a"]);
    tmux.wait_for("Aanvraag toekennen", 10).await;
    tmux.text("past in het plan");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{number} toegekend"), ANSWER).await;
    let besluiten = zgw.besluiten(approve_deel.as_ref().unwrap()).await;
    assert_eq!(besluiten.len(), 1);
    assert_eq!(besluiten[0]["toelichting"], "past in het plan");
    assert_eq!(
        zgw.holders(approve_deel.as_ref().unwrap(), "beslisser")
            .await,
        ["oz-pr"]
    );
    assert!(zgw.get(approve_deel.as_ref().unwrap()).await["resultaat"].is_string());

    let number = format!("AV-{reject}");
    tmux::show_only(&tmux, &number).await;
    tmux.keys(&["r"]);
    tmux.wait_for("Aanvraag afwijzen", 10).await;
    tmux.text("niet in het plan");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{number} afgewezen"), ANSWER).await;
    let besluiten = zgw.besluiten(reject_deel.as_ref().unwrap()).await;
    assert_eq!(besluiten.len(), 1);
    assert_eq!(besluiten[0]["toelichting"], "niet in het plan");

    // Escalate, then reassign, the stagnant case on Stagnatie.
    tmux.keys(&["2"]);
    tmux.wait_for("Stagnatie ·", 10).await;
    tmux::show_only(&tmux, &stagnant).await;
    tmux.keys(&["e"]);
    tmux.wait_for("Opschalen", 10).await;
    tmux.text("school werkt niet mee");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{stagnant} opgeschaald"), ANSWER)
        .await;
    assert_eq!(
        zgw.eigenschap(&stagnant_url, "escalatie").await.as_deref(),
        Some("geescaleerd")
    );
    tmux::show_only(&tmux, &stagnant).await;
    tmux.keys(&["t"]);
    tmux.wait_for("Kies de nieuwe casusregisseur", 10).await;
    // Bram Bakker: the picker filters on what is typed.
    tmux.text("Bram");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Reden", 10).await;
    tmux.text("werkvoorraad verdeeld");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("{stagnant} herverdeeld naar"), ANSWER)
        .await;
    assert_eq!(zgw.holders(&stagnant_url, "behandelaar").await, ["oz-cr-b"]);
    tmux.keys(&["q"]);
    drop(server);
}
