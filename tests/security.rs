//! The lines the security review (issue 20) found crossed, each tried
//! again and now held: on SQLite and on PostgreSQL.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{Backend, Database, TestServer, case_tag, expect};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

both_stores!(
    an_if_match_names_one_version_of_one_case,
    a_body_that_is_not_declared_json_is_415,
    what_a_casusregisseur_may_not_see_does_not_exist_for_them,
    a_pseudonym_cannot_carry_a_person,
    an_anonymous_flood_hides_no_one_elses_attempt,
    every_sync_run_and_every_read_of_the_log_is_recorded,
    one_caller_cannot_hold_more_than_two_syncs,
    each_role_sees_what_the_readme_table_says,
    every_refusal_is_audited_also_without_a_case,
    a_sync_run_left_halfway_or_started_over_is_recorded,
    an_attempt_at_an_unused_id_is_recorded_like_one_at_anothers_case,
);

async fn an_if_match_names_one_version_of_one_case(s: TestServer) {
    let a = s.referral(0, "jeugd").await["id"].as_i64().unwrap();
    let b = s.referral(1, "jeugd").await["id"].as_i64().unwrap();
    let assign = |id: i64| format!("/api/v1/cases/{id}/assign");
    let body = json!({"casusregisseur": "cr-01"});
    // "Whatever is there now" and "any of these" are not the version the
    // user saw.
    for header in [
        "*".to_string(),
        (1..60)
            .map(|v| case_tag(a, v))
            .collect::<Vec<_>>()
            .join(", "),
    ] {
        let problem = expect(
            s.post("pr-jeugd", &assign(a), body.clone(), Some(&header))
                .await,
            428,
        )
        .await;
        assert_eq!(problem["type"], "urn:regiedesk:problem:if-match-one-tag");
        assert!(problem["detail"].as_str().unwrap().contains("precies één"));
    }
    // Two header lines are a list too, whichever comes first.
    let response = s
        .client
        .post(s.url(&assign(a)))
        .bearer_auth("demo-pr-jeugd")
        .header("if-match", case_tag(a, 1))
        .header("if-match", "*")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect(response, 428).await;
    // Case A's tag on case B, at the same version: stale, not a pass.
    let problem = expect(
        s.post("pr-jeugd", &assign(b), body.clone(), Some(&case_tag(a, 1)))
            .await,
        412,
    )
    .await;
    assert_eq!(problem["current_version"], 1);
    // Neither case changed; B's own tag still works.
    for id in [a, b] {
        assert_eq!(s.store.case(id).await.unwrap().unwrap().version, 1);
    }
    let response = s
        .post("pr-jeugd", &assign(b), body, Some(&case_tag(b, 1)))
        .await;
    assert_eq!(response.headers()["etag"], case_tag(b, 2).as_str());
    expect(response, 200).await;
}

async fn a_body_that_is_not_declared_json_is_415(s: TestServer) {
    let referral =
        json!({"household_id": s.households[0].id, "domain": "jeugd", "source": "huisarts"})
            .to_string();
    // A page in a browser can post a form or a text anywhere without a
    // preflight; neither is read as a command.
    for media_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = s
            .client
            .post(s.url("/api/v1/cases"))
            .bearer_auth("demo-pr-jeugd")
            .body(referral.clone());
        if let Some(media_type) = media_type {
            request = request.header("content-type", media_type);
        }
        let problem = expect(request.send().await.unwrap(), 415).await;
        assert_eq!(
            problem["type"], "urn:regiedesk:problem:unsupported-media-type",
            "{media_type:?}"
        );
    }
    assert!(s.store.case(1).await.unwrap().is_none(), "nothing was made");
    let response = s
        .client
        .post(s.url("/api/v1/cases"))
        .bearer_auth("demo-pr-jeugd")
        .header("content-type", "application/json; charset=utf-8")
        .body(referral)
        .send()
        .await
        .unwrap();
    expect(response, 201).await;
}

/// A TCP relay to PostgreSQL that a test can cut, as if the database
/// went away, and mend on the same port.
struct Relay {
    port: u16,
    target: String,
    connections: Option<JoinSet<()>>,
}

impl Relay {
    async fn to(target: &str) -> Relay {
        let mut relay = Relay {
            port: 0,
            target: target.to_string(),
            connections: None,
        };
        relay.mend().await;
        relay
    }

    /// Listens again (on the same port once it had one) and relays every
    /// connection until cut.
    async fn mend(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.port = listener.local_addr().unwrap().port();
        let target = self.target.clone();
        let mut connections = JoinSet::new();
        connections.spawn(async move {
            let mut links = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                links.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        self.connections = Some(connections);
    }

    /// Closes the port and every connection through it.
    fn cut(&mut self) {
        self.connections = None;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_is_a_503_within_seconds_and_passes() {
    let Some(db) = Database::create(Backend::Postgres).await else {
        return;
    };
    let mut url = url::Url::parse(db.url()).unwrap();
    let target = format!(
        "{}:{}",
        url.host_str().unwrap(),
        url.port_or_known_default().unwrap()
    );
    let mut relay = Relay::to(&target).await;
    url.set_host(Some("127.0.0.1")).unwrap();
    url.set_port(Some(relay.port)).unwrap();
    let s = TestServer::start_through(db, url.as_str()).await;
    expect(s.get("pr-jeugd", "/api/v1/sync").await, 200).await;

    relay.cut();
    // The client gives up after 8 s: sqlx's own default would have the
    // server retry connecting for 30.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(8))
        .build()
        .unwrap();
    for path in ["/api/v1/sync", "/api/v1/me"] {
        let response = client
            .get(s.url(path))
            .bearer_auth("demo-pr-jeugd")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path} did not fail fast: {e}"));
        let problem = expect(response, 503).await;
        assert_eq!(
            problem["type"], "urn:regiedesk:problem:unavailable",
            "{path}"
        );
    }

    relay.mend().await;
    // The pool connects again by itself; wait for that state.
    let mut status = 0;
    for _ in 0..100 {
        status = s.get("pr-jeugd", "/api/v1/sync").await.status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "the server recovers once the database is back");
}

/// The case database and its write-ahead log are the server's user's
/// alone, whatever the umask.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_sqlite_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("var/regiedesk/regiedesk.db");
    let store = regiedesk::server::store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    support::seed_staff(store.as_ref()).await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let wal = path.with_extension("db-wal");
    assert!(wal.exists(), "a write went through the write-ahead log");
    assert_eq!(mode(&wal), 0o600);
}

async fn what_a_casusregisseur_may_not_see_does_not_exist_for_them(s: TestServer) {
    let theirs = s.planned_case(0, "jeugd", "cr-01").await;
    let other = s.planned_case(1, "jeugd", "cr-02").await;
    let request = s.request(other, "cr-02", "jeugdhulp", true).await;
    let request = request["id"].as_i64().unwrap();
    // Someone else's case and request answer exactly as ids never given
    // out: cr-01 cannot count them.
    let pairs = [
        (
            format!("/api/v1/cases/{other}"),
            "/api/v1/cases/99999".to_string(),
        ),
        (
            format!("/api/v1/requests/{request}"),
            "/api/v1/requests/99999".into(),
        ),
    ];
    for (hidden, missing) in pairs {
        let hidden = expect(s.get("cr-01", &hidden).await, 404).await;
        let missing = expect(s.get("cr-01", &missing).await, 404).await;
        assert_eq!(hidden["type"], missing["type"]);
        assert_eq!(
            hidden["detail"]
                .as_str()
                .unwrap()
                .replace(&other.to_string(), "N")
                .replace(&request.to_string(), "N"),
            missing["detail"].as_str().unwrap().replace("99999", "N")
        );
    }
    let activity = json!({"note": "gesprek"});
    for path in [
        format!("/api/v1/cases/{other}/activity"),
        "/api/v1/cases/99999/activity".into(),
    ] {
        expect(
            s.post("cr-01", &path, activity.clone(), Some(&case_tag(other, 4)))
                .await,
            404,
        )
        .await;
    }
    for path in [
        format!("/api/v1/requests/{request}/decision"),
        "/api/v1/requests/99999/decision".into(),
    ] {
        expect(
            s.post("cr-01", &path, json!({"decision": "approve"}), None)
                .await,
            404,
        )
        .await;
    }
    // Each attempt is audited under cr-01, refused: at what exists and at
    // what does not alike (so neither the log nor the time an answer takes
    // tells them apart).
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    let mut refusals: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == "cr-01" && e["result"] == "refused")
        .collect();
    refusals.sort_by_key(|e| e["seq"].as_i64());
    let attempts: Vec<_> = refusals
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        attempts,
        [
            "case.read",
            "case.read",
            "request.read",
            "request.read",
            "case.change",
            "case.change",
            "request.decide",
            "request.decide"
        ],
        "{refusals:?}"
    );
    // Their own case is theirs; someone who sees all cases but may not
    // change them still hears 403.
    expect(
        s.get("cr-01", &format!("/api/v1/cases/{theirs}")).await,
        200,
    )
    .await;
    expect(
        s.post(
            "pm",
            &format!("/api/v1/cases/{other}/activity"),
            activity,
            Some(&case_tag(other, 4)),
        )
        .await,
        403,
    )
    .await;
    // A cursor from the future names no counter.
    let problem = expect(s.get("cr-01", "/api/v1/sync?since=999999").await, 410).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        !detail
            .chars()
            .any(|c| c.is_ascii_digit() && !"999999".contains(c)),
        "{detail}"
    );
}

async fn a_pseudonym_cannot_carry_a_person(s: TestServer) {
    for person in [
        "111222333",
        "NL91ABNA0417164300",
        "0612345678",
        "19870412-JDV",
        "JANSEN-J",
        "H-7Q2KXM8", // one character off
    ] {
        let body = json!({"pseudonym": person, "members": 2});
        let problem = expect(
            s.post("pr-jeugd", "/api/v1/households", body, None).await,
            422,
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap().contains("H-XXXXXXC"),
            "{person}"
        );
    }
    // Left out, the server makes one; typed in another case, it is the
    // same household.
    let made = expect(
        s.post(
            "pr-jeugd",
            "/api/v1/households",
            json!({"members": 2}),
            None,
        )
        .await,
        201,
    )
    .await;
    let pseudonym = made["pseudonym"].as_str().unwrap();
    assert!(
        regiedesk::domain::pseudonym::typed(pseudonym).is_ok(),
        "{pseudonym}"
    );
    let again = json!({"pseudonym": pseudonym.to_lowercase(), "members": 2});
    expect(
        s.post("pr-jeugd", "/api/v1/households", again, None).await,
        409,
    )
    .await;
}

async fn an_anonymous_flood_hides_no_one_elses_attempt(s: TestServer) {
    s.store
        .revoke_tokens("cr-02", support::now())
        .await
        .unwrap();
    let from = |ip: &str| {
        reqwest::Client::builder()
            .local_address(ip.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap()
    };
    let (flood, other) = (from("127.0.0.1"), from("127.0.0.2"));
    // 40 junk tokens a minute from one address: over its 20.
    for i in 0..40 {
        let response = flood
            .get(s.url("/api/v1/sync"))
            .bearer_auth(format!("junk-{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    // Then the revoked token, and a probe from another address.
    let revoked = flood
        .get(s.url("/api/v1/cases/1"))
        .bearer_auth("demo-cr-02")
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 401);
    let probe = other
        .get(s.url("/api/v1/cases/1"))
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(probe.status(), 401);
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    let refusals: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["result"] == "refused")
        .map(|e| {
            (
                e["actor"].as_str().unwrap(),
                e["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        refusals
            .iter()
            .any(|(actor, why)| *actor == "cr-02" && why.contains("ingetrokken token")),
        "the revoked token's attempt is cr-02's: {refusals:#?}"
    );
    assert!(
        refusals
            .iter()
            .any(|(actor, why)| *actor == "anoniem" && why.contains("van 127.0.0.2")),
        "the other address's probe is recorded: {refusals:#?}"
    );
    let flooded = refusals
        .iter()
        .filter(|(_, why)| why.contains("van 127.0.0.1"))
        .count();
    assert_eq!(flooded, 20, "one address, at most 20 singly a minute");
    // The other 20 are counted; no later refusal from that address carries
    // the count, so it is written by itself once the minute is over.
    s.state
        .report_counted_refusals(s.state.clock.now() + chrono::TimeDelta::minutes(2))
        .await;
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    let counted: Vec<&str> = (log.as_array().unwrap().iter())
        .filter(|e| e["action"] == "refused.counted")
        .map(|e| e["reason"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(counted.len(), 1, "{counted:#?}");
    assert!(
        counted[0].starts_with("20 weigering(en) geteld") && counted[0].contains("van 127.0.0.1"),
        "{counted:#?}"
    );
}

async fn every_sync_run_and_every_read_of_the_log_is_recorded(s: TestServer) {
    for n in 0..3 {
        s.planned_case(n, "jeugd", "cr-01").await;
    }
    // A full sync in pages of two, then an idle poll and a delta.
    let mut since = String::new();
    let mut pages = 0;
    loop {
        let page = expect(
            s.get("pr-jeugd", &format!("/api/v1/sync?limit=2&since={since}"))
                .await,
            200,
        )
        .await;
        pages += 1;
        since = page["cursor"].as_str().unwrap().to_string();
        if page["has_more"] == false {
            break;
        }
    }
    assert!(pages > 1, "the run had several pages");
    expect(
        s.get("pr-jeugd", &format!("/api/v1/sync?since={since}"))
            .await,
        200,
    )
    .await;
    s.planned_case(3, "jeugd", "cr-01").await;
    expect(
        s.get("pr-jeugd", &format!("/api/v1/sync?since={since}"))
            .await,
        200,
    )
    .await;

    let entries = |log: &serde_json::Value, action: &str| -> Vec<String> {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .map(|e| {
                format!(
                    "{} {}",
                    e["actor"].as_str().unwrap(),
                    e["reason"].as_str().unwrap()
                )
            })
            .collect()
    };
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    let syncs = entries(&log, "sync");
    assert_eq!(
        syncs.len(),
        2,
        "one entry per run, none for an empty delta: {syncs:#?}"
    );
    assert!(
        syncs.iter().any(|e| e
            .starts_with("pr-jeugd volledige sync van alle zaken, cursor 0 tot ")
            && e.contains("3 zaken")),
        "{syncs:#?}"
    );
    assert!(
        syncs
            .iter()
            .any(|e| e.starts_with("pr-jeugd sync van alle zaken") && e.contains("1 zaken")),
        "{syncs:#?}"
    );
    // The read just made is in the next read.
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    assert_eq!(
        entries(&log, "audit.read").len(),
        1,
        "{:#?}",
        entries(&log, "audit.read")
    );
    assert!(entries(&log, "audit.read")[0].starts_with("fg het hele log: "));
}

async fn one_caller_cannot_hold_more_than_two_syncs(s: TestServer) {
    // The administratief medewerker has two full syncs reading the store.
    let _running = [
        s.state.sync_slots.take("admin").unwrap(),
        s.state.sync_slots.take("admin").unwrap(),
    ];
    let response = s.get("admin", "/api/v1/sync").await;
    assert_eq!(response.headers()["retry-after"], "1");
    let problem = expect(response, 429).await;
    assert_eq!(problem["type"], "urn:regiedesk:problem:too-many-requests");
    // Everyone else is served as ever.
    expect(s.get("cr-01", "/api/v1/sync").await, 200).await;
    expect(s.get("pr-jeugd", "/api/v1/sync").await, 200).await;
    // And the desk's client reads how long to wait.
    let client = regiedesk::api::client::ApiClient::new(&s.base, "demo-admin").unwrap();
    let failure = client.sync(None, None).await.unwrap_err();
    assert_eq!(failure.retry_after(), Some(Duration::from_secs(1)));
    drop(_running);
    expect(s.get("admin", "/api/v1/sync").await, 200).await;
}

/// After `restore-mark` (a restored backup), every cursor handed out
/// before is gone, even one the restored database could still count to,
/// and the desk starts over; the mark is audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_database_is_noticed_by_its_cursors() {
    let Some(db) = Database::create(Backend::Sqlite).await else {
        return;
    };
    let url = db.url().to_string();
    let before = TestServer::start_through(db, &url).await;
    before.planned_case(0, "jeugd", "cr-01").await;
    let page = expect(before.get("pr-jeugd", "/api/v1/sync").await, 200).await;
    let old = page["cursor"].as_str().unwrap().to_string();
    assert!(
        old.split_once('.').is_some_and(|(e, _)| e.len() == 12),
        "{old}"
    );
    let marked = std::process::Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args(["restore-mark", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        marked.status.success(),
        "{}",
        String::from_utf8_lossy(&marked.stderr)
    );
    // A server starts again over the restored database.
    let store = regiedesk::server::store::connect(&url).await.unwrap();
    let state = regiedesk::server::AppState::new(
        store.clone(),
        regiedesk::clock::Clock::Frozen(support::now()),
        regiedesk::domain::norms::Norms::default(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(regiedesk::server::listen::serve(
        listener,
        regiedesk::server::router(state),
        regiedesk::server::listen::Limits::default(),
        None,
        std::future::pending(),
    ));
    let get = |path: String| {
        let request = before
            .client
            .get(format!("{base}{path}"))
            .bearer_auth("demo-pr-jeugd");
        async move { request.send().await.unwrap() }
    };
    let problem = expect(get(format!("/api/v1/sync?since={old}")).await, 410).await;
    assert_eq!(problem["type"], "urn:regiedesk:problem:cursor-unknown");
    // A cursor of the old plain form is gone as well.
    expect(get("/api/v1/sync?since=3".into()).await, 410).await;
    let fresh = expect(get("/api/v1/sync".into()).await, 200).await;
    let new = fresh["cursor"].as_str().unwrap();
    assert_ne!(
        new.split_once('.').unwrap().0,
        old.split_once('.').unwrap().0
    );
    expect(get(format!("/api/v1/sync?since={new}")).await, 200).await;
    let (entries, _) = store.audit_chain().await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "store.restore-mark" && e.actor.starts_with("beheer:"))
    );
}

/// The README's "What each role sees" table: its rows and, per role
/// column, whether the role sees that row (✓) or not (–).
fn need_to_know_table() -> (Vec<String>, Vec<(String, Vec<bool>)>) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with("<!-- need-to-know table"))
        .skip(1)
        .take_while(|l| l.starts_with('|'));
    let cells = |line: &str| -> Vec<String> {
        line.trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let roles = cells(lines.next().expect("the table's header"))[1..].to_vec();
    lines.next();
    let rows = lines
        .map(|line| {
            let cells = cells(line);
            let seen = cells[1..]
                .iter()
                .map(|c| match c.as_str() {
                    "✓" => true,
                    "–" => false,
                    other => panic!("a cell is ✓ or –, not {other:?}"),
                })
                .collect();
            (cells[0].clone(), seen)
        })
        .collect();
    (roles, rows)
}

/// A case of cr-01 with everything the table names: an escalation's
/// reason, a note in its history, a request with a motivation, a
/// suspension's note, and a decision's reason.
async fn case_with_everything(s: &TestServer) -> (i64, i64) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    let request = s.request(id, "cr-01", "jeugdhulp", true).await;
    let request_id = request["id"].as_i64().unwrap();
    let suspend = json!({"complete_by": "2026-12-08", "note": "verslag van school"});
    let path = format!("/api/v1/requests/{request_id}/suspension");
    let tag = support::request_tag(request_id, 1);
    expect(s.post("pr-jeugd", &path, suspend, Some(&tag)).await, 200).await;
    let approve = json!({"decision": "approve", "reason": "past in het gezinsplan"});
    let path = format!("/api/v1/requests/{request_id}/decision");
    let tag = support::request_tag(request_id, 2);
    expect(s.post("pr-jeugd", &path, approve, Some(&tag)).await, 200).await;
    let escalate = json!({"reason": "gezin weigert hulp, zorgen om veiligheid"});
    expect(s.act("pr-jeugd", id, "escalate", escalate).await, 200).await;
    (id, request_id)
}

async fn each_role_sees_what_the_readme_table_says(s: TestServer) {
    let (roles, rows) = need_to_know_table();
    // A login per column: the casusregisseur holds the case.
    let logins = [
        ("casusregisseur", "cr-01"),
        ("procesregisseur jeugd, volwassenen", "pr-jeugd"),
        ("procesregisseur doorzettingsmacht", "pr-dzm"),
        ("consulent", "consulent"),
        ("procesmanager", "pm"),
        ("administratief", "admin"),
        ("privacy", "fg"),
    ];
    assert_eq!(
        roles,
        logins.map(|(role, _)| role.to_string()),
        "the table's columns"
    );
    let (case_id, request_id) = case_with_everything(&s).await;
    // The audit log, which the privacyfunctionaris reads, says who did what
    // to which case, never what was typed about the household.
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    let log = log.to_string();
    for typed in [
        "gezin weigert hulp",
        "verslag van school",
        "past in het gezinsplan",
        "nodig voor het plan",
    ] {
        assert!(!log.contains(typed), "the audit log holds {typed:?}");
    }
    let present = |v: &serde_json::Value| match v {
        serde_json::Value::Null => false,
        serde_json::Value::String(text) => !text.is_empty(),
        _ => true,
    };
    let mut wrong = Vec::new();
    for (column, (role, login)) in logins.iter().enumerate() {
        let sync = s.get(login, "/api/v1/sync").await;
        let sync = (sync.status() == 200).then_some(()).map(|_| sync);
        let sync = match sync {
            Some(response) => Some(response.json::<serde_json::Value>().await.unwrap()),
            None => None,
        };
        let synced_case = sync.as_ref().and_then(|b| {
            b["cases"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == case_id)
                .cloned()
        });
        let synced_request = sync.as_ref().and_then(|b| {
            (b["requests"].as_array().unwrap())
                .iter()
                .find(|r| r["id"] == request_id)
                .cloned()
        });
        let detail = s.get(login, &format!("/api/v1/cases/{case_id}")).await;
        let detail = if detail.status() == 200 {
            Some(detail.json::<serde_json::Value>().await.unwrap())
        } else {
            None
        };
        let request = s
            .get(login, &format!("/api/v1/requests/{request_id}"))
            .await;
        let request = if request.status() == 200 {
            Some(request.json::<serde_json::Value>().await.unwrap())
        } else {
            None
        };
        let audit = s.get(login, "/api/v1/audit?limit=5").await.status() == 200;
        let stats = s
            .get(
                login,
                "/api/v1/stats/throughput?from=2026-11-01&to=2026-11-30",
            )
            .await
            .status()
            == 200;
        // Each thing the table names, as every answer that carries it shows it.
        let seen = |row: &str| -> Vec<bool> {
            let case_field = |field: &str| {
                vec![
                    synced_case.as_ref().is_some_and(|c| present(&c[field])),
                    detail.as_ref().is_some_and(|d| present(&d["case"][field])),
                ]
            };
            let request_field = |pick: &dyn Fn(&serde_json::Value) -> &serde_json::Value| {
                vec![
                    synced_request.as_ref().is_some_and(|r| present(pick(r))),
                    request.as_ref().is_some_and(|r| present(pick(r))),
                    detail.as_ref().is_some_and(|d| {
                        (d["requests"].as_array().unwrap())
                            .iter()
                            .any(|r| r["id"] == request_id && present(pick(r)))
                    }),
                ]
            };
            match row {
                r if r.starts_with("cases ") => case_field("pseudonym"),
                r if r.starts_with("a case's escalation reason") => case_field("escalation_reason"),
                r if r.starts_with("a case's history") => vec![detail.as_ref().is_some_and(|d| {
                    (d["events"].as_array().unwrap())
                        .iter()
                        .any(|e| present(&e["note"]))
                })],
                r if r.starts_with("requests ") => request_field(&|r| &r["provision"]),
                r if r.starts_with("a request's motivation") => {
                    request_field(&|r| &r["motivation"])
                }
                r if r.starts_with("a decision's reason") => request_field(&|r| &r["reason"]),
                r if r.starts_with("a term's notes") => {
                    request_field(&|r| &r["term"]["suspensions"][0]["note"])
                }
                r if r.starts_with("the audit log") => vec![audit],
                r if r.starts_with("the throughput figures") => vec![stats],
                other => panic!("the test does not know the row {other:?}"),
            }
        };
        for (row, expected) in &rows {
            let shown = seen(row);
            // Every answer that carries it agrees with the table.
            if shown.iter().any(|s| *s != expected[column]) {
                wrong.push(format!(
                    "{role} ({login}), {row}: table says {}, answers say {shown:?}",
                    expected[column]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A refused referral, a refused look at the figures and a refused read of
/// the audit log concern no case, and are audited all the same.
async fn every_refusal_is_audited_also_without_a_case(s: TestServer) {
    let referral = json!({"household_id": 1, "domain": "jeugd", "source": "huisarts"});
    expect(s.post("cr-01", "/api/v1/cases", referral, None).await, 403).await;
    expect(
        s.post("pm", "/api/v1/households", json!({}), None).await,
        403,
    )
    .await;
    let figures = "/api/v1/stats/throughput?from=2026-11-01&to=2026-11-30";
    expect(s.get("cr-01", figures).await, 403).await;
    expect(s.get("pm", "/api/v1/audit").await, 403).await;
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    let refused: Vec<(String, String)> = (log.as_array().unwrap().iter())
        .filter(|e| e["result"] == "refused")
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (actor, action) in [
        ("cr-01", "case.refer"),
        ("pm", "case.refer"),
        ("cr-01", "stats.read"),
        ("pm", "audit.read"),
    ] {
        assert!(
            refused.iter().any(|(a, b)| a == actor && b == action),
            "{actor} {action} not audited: {refused:?}"
        );
    }
}

/// A sync run's entry is written with its last page; a run left halfway
/// (a desk that stopped) or started over from its first cursor is recorded
/// as it stands, every read of it (found by the attack: both left no
/// trace).
async fn a_sync_run_left_halfway_or_started_over_is_recorded(s: TestServer) {
    for n in 0..3 {
        s.planned_case(n, "jeugd", "cr-01").await;
    }
    // Pages of two changes up to the first that carries a case, and that
    // page once more (starting over from its cursor); then no further page.
    let mut since = String::new();
    loop {
        let path = format!("/api/v1/sync?limit=2&since={since}");
        let page = expect(s.get("pm", &path).await, 200).await;
        assert_eq!(page["has_more"], true, "a case before the last page");
        if !page["cases"].as_array().unwrap().is_empty() {
            let again = expect(s.get("pm", &path).await, 200).await;
            assert_eq!(again["cursor"], page["cursor"]);
            break;
        }
        since = page["cursor"].as_str().unwrap().to_string();
    }
    let later = std::time::Instant::now() + regiedesk::server::disclosure::RUN_IDLE;
    s.state.report_abandoned_syncs(later).await;
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    let syncs: Vec<&str> = (log.as_array().unwrap().iter())
        .filter(|e| e["action"] == "sync" && e["actor"] == "pm")
        .map(|e| e["reason"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(syncs.len(), 2, "{syncs:#?}");
    assert!(
        syncs
            .iter()
            .any(|r| r.starts_with("volledige sync van alle zaken, cursor 0 tot ")),
        "the run from the start: {syncs:#?}"
    );
    assert!(
        syncs
            .iter()
            .all(|r| r.contains(" zaken, ") && r.ends_with("(afgebroken)")),
        "{syncs:#?}"
    );
}

/// A casusregisseur probing ids: the 404 of an unused id is on record as
/// the 404 of another's case is (the attack timed the one audit write to
/// tell them apart).
async fn an_attempt_at_an_unused_id_is_recorded_like_one_at_anothers_case(s: TestServer) {
    let theirs = s.planned_case(0, "jeugd", "cr-01").await;
    for path in [
        format!("/api/v1/cases/{theirs}"),
        "/api/v1/cases/900001".to_string(),
        "/api/v1/requests/900002".to_string(),
    ] {
        expect(s.get("cr-02", &path).await, 404).await;
    }
    let log = expect(s.get("fg", "/api/v1/audit?limit=1000").await, 200).await;
    let probes: Vec<(Option<i64>, Option<i64>)> = (log.as_array().unwrap().iter())
        .filter(|e| e["actor"] == "cr-02" && e["result"] == "refused")
        .map(|e| (e["case_id"].as_i64(), e["request_id"].as_i64()))
        .collect();
    for probe in [
        (Some(theirs), None),
        (Some(900001), None),
        (None, Some(900002)),
    ] {
        assert!(
            probes.contains(&probe),
            "{probe:?} not on record: {probes:?}"
        );
    }
}
