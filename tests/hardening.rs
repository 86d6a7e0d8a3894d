//! The faults that probing the API found, each kept fixed: reads that
//! failed under concurrent writes, English parser text in Dutch errors,
//! refused access missing from the audit log. Every test runs on SQLite
//! and on PostgreSQL.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::json;
use support::{TestServer, expect};

both_stores!(
    concurrent_writes_never_fail_a_read,
    error_details_are_dutch,
    refused_reads_are_audited,
);

async fn concurrent_writes_never_fail_a_read(s: TestServer) {
    // Four casusregisseurs record activity as fast as they can while a
    // mandate holder and a procesregisseur read a request's and a case's
    // detail (each read writes its audit entry). No answer may be a 5xx.
    let holders: [&'static str; 4] = ["cr-01", "cr-02", "cr-03", "cr-04"];
    let mut cases = Vec::new();
    for (n, holder) in holders.iter().enumerate() {
        cases.push(s.planned_case(n, "jeugd", holder).await);
    }
    let request = s.request(cases[0], "cr-01", "jeugdhulp", true).await;
    let request_id = request["id"].as_i64().unwrap();
    let s = Arc::new(s);
    let writing = Arc::new(AtomicBool::new(true));
    let failures = Arc::new(AtomicUsize::new(0));
    let reads = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = [
        ("consulent", format!("/api/v1/requests/{request_id}")),
        ("pr-jeugd", format!("/api/v1/cases/{}", cases[1])),
        ("pr-jeugd", format!("/api/v1/requests/{request_id}")),
    ]
    .into_iter()
    .map(|(login, path)| {
        let (s, writing, failures, reads) =
            (s.clone(), writing.clone(), failures.clone(), reads.clone());
        tokio::spawn(async move {
            // At least 20 reads each, and on until the writers are done.
            let mut n = 0;
            while n < 20 || writing.load(Ordering::SeqCst) {
                let response = s.get(login, &path).await;
                if response.status().is_server_error() {
                    failures.fetch_add(1, Ordering::SeqCst);
                    eprintln!("{path}: {}", response.text().await.unwrap());
                }
                n += 1;
                reads.fetch_add(1, Ordering::SeqCst);
            }
        })
    })
    .collect();
    let writers: Vec<_> = holders
        .into_iter()
        .zip(cases.clone())
        .map(|(holder, case)| {
            let s = s.clone();
            tokio::spawn(async move {
                for n in 0..25 {
                    let body = json!({"note": format!("huisbezoek {n}")});
                    expect(s.act(holder, case, "activity", body).await, 200).await;
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    writing.store(false, Ordering::SeqCst);
    for reader in readers {
        reader.await.unwrap();
    }
    assert_eq!(
        failures.load(Ordering::SeqCst),
        0,
        "of {} reads during 100 writes, some failed",
        reads.load(Ordering::SeqCst)
    );
}

/// English words a parser or framework puts in its messages; none may
/// reach a user in a problem's `detail`.
const PARSER_WORDS: [&str; 9] = [
    "Invalid",
    "Cannot parse",
    "missing field",
    "unknown variant",
    "expected",
    "invalid type",
    "number too large",
    "line ",
    "Failed to",
];

async fn error_details_are_dutch(s: TestServer) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    let etag = s.case_etag(id).await;
    let mut problems = Vec::new();
    for path in [
        "/api/v1/cases/abc".to_string(),
        "/api/v1/cases/99999999999999999999999".to_string(),
        "/api/v1/requests/-x".to_string(),
        "/api/v1/sync?limit=99999999999999999999".to_string(),
        "/api/v1/sync?limit=abc".to_string(),
        "/api/v1/audit?case=abc".to_string(),
        "/api/v1/stats/throughput?from=gisteren".to_string(),
    ] {
        let login = if path.contains("audit") {
            "fg"
        } else {
            "pr-jeugd"
        };
        problems.push((path.clone(), expect(s.get(login, &path).await, 400).await));
    }
    let bodies = [
        (json!({"casusregisseur": 7}), 422),
        (json!({}), 422),
        (json!({"casusregisseur": ["cr-02"]}), 422),
    ];
    for (body, status) in bodies {
        let path = format!("/api/v1/cases/{id}/assign");
        let response = s.post("pr-jeugd", &path, body, Some(&etag)).await;
        problems.push((path, expect(response, status).await));
    }
    let response = s
        .client
        .post(s.url(&format!("/api/v1/cases/{id}/activity")))
        .bearer_auth("demo-cr-01")
        .header("if-match", &etag)
        .header("content-type", "application/json")
        .body("{\"note\": ")
        .send()
        .await
        .unwrap();
    problems.push(("truncated JSON".into(), expect(response, 400).await));
    let referral =
        json!({"household_id": s.households[1].id, "domain": "ouderen", "source": "huisarts"});
    let response = s.post("pr-jeugd", "/api/v1/cases", referral, None).await;
    problems.push(("unknown domain".into(), expect(response, 422).await));

    for (what, problem) in problems {
        let detail = problem["detail"].as_str().unwrap();
        for word in PARSER_WORDS {
            assert!(
                !detail.contains(word),
                "{what}: the detail {detail:?} carries the parser's {word:?}"
            );
        }
        assert!(detail.len() > 10, "{what}: {detail:?} says what is wrong");
    }
}

async fn refused_reads_are_audited(s: TestServer) {
    let id = s.planned_case(0, "jeugd", "cr-01").await;
    // cr-02 may not read cr-01's case (to them it does not exist); an
    // unknown token may read nothing.
    expect(s.get("cr-02", &format!("/api/v1/cases/{id}")).await, 404).await;
    let response = s
        .client
        .get(s.url(&format!("/api/v1/cases/{id}")))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    expect(response, 401).await;
    let entries = expect(s.get("fg", &format!("/api/v1/audit?case={id}")).await, 200).await;
    let refused: Vec<_> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["result"] == "refused")
        .collect();
    assert!(
        refused
            .iter()
            .any(|e| e["actor"] == "cr-02" && e["action"] == "case.read"),
        "{entries:#}"
    );
    assert!(
        refused
            .iter()
            .any(|e| e["actor"] == "anoniem" && e["action"] == "case.read"),
        "{entries:#}"
    );
    // The chain still verifies with refused entries in it.
    let (chain, appended) = s.store.audit_chain().await.unwrap();
    assert_eq!(chain.len() as i64, appended);
    regiedesk::server::audit::verify(&chain, appended).unwrap();
}

// ---------------------------------------------------------------- the connection
//
// These are about HTTP, not the store: SQLite only.

use std::time::Duration;

use regiedesk::server::listen::Limits;
use support::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A generous bound for what must happen "soon": only a broken server
/// reaches it, a busy machine does not.
const PATIENCE: Duration = Duration::from_secs(60);

async fn connect(s: &TestServer) -> TcpStream {
    TcpStream::connect(s.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads one response (head and a `content-length` body) from `stream`.
async fn read_response(stream: &mut TcpStream) -> (u16, String, String) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
                    .await
                    .expect("the body arrives")
                    .unwrap();
                assert!(n > 0, "connection closed inside a body");
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buffer[end + 4..end + 4 + length]).to_string();
            let status = head[9..12].parse().unwrap();
            return (status, head, body);
        }
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .expect("a response arrives")
            .unwrap();
        assert!(n > 0, "connection closed before a response: {buffer:?}");
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Whether the server closes `stream` (within [`PATIENCE`]).
async fn closed(stream: &mut TcpStream) -> bool {
    let mut chunk = [0u8; 1024];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut chunk)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {} // a response (408) before the close
        }
    }
}

#[tokio::test]
async fn a_refusal_before_the_body_keeps_the_connection_usable() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    let mut stream = connect(&s).await;
    let body = br#"{"note": "te laat verstuurd"}"#;
    let head = format!(
        "POST /api/v1/cases/1/activity HTTP/1.1\r\nhost: x\r\nauthorization: Bearer fout\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    // Give the server time to answer before the body is sent, as a slow
    // client would. (A server that waits for the body, as it should, makes
    // this wait run out; it can only hide the fault on a very busy
    // machine, never invent one.)
    let early = tokio::time::timeout(Duration::from_secs(1), read_response(&mut stream)).await;
    // The client sends its body regardless; it may find the socket closed.
    let _ = stream.write_all(body).await;
    let (status, head, problem) = match early {
        Ok(response) => response,
        Err(_) => read_response(&mut stream).await,
    };
    assert_eq!(status, 401, "{head}");
    assert!(problem.contains("urn:regiedesk:problem:unauthorized"));
    // The same connection serves the next request.
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let (status, head, _) = read_response(&mut stream).await;
    assert_eq!(status, 200, "{head}");
}

#[tokio::test]
async fn half_sent_requests_are_closed_at_their_deadline() {
    let limits = Limits {
        header_timeout: Duration::from_millis(500),
        body_timeout: Duration::from_millis(500),
        ..Limits::default()
    };
    let s = TestServer::start_with(Backend::Sqlite, limits)
        .await
        .unwrap();
    // Headers that never end.
    let mut headers = connect(&s).await;
    headers
        .write_all(b"GET /api/v1/me HTTP/1.1\r\nhost: x\r\nx-slow: ")
        .await
        .unwrap();
    // A body that never ends: answered 408 as problem+json, then closed.
    let mut body = connect(&s).await;
    body.write_all(
        b"POST /api/v1/households HTTP/1.1\r\nhost: x\r\nauthorization: Bearer demo-pr-jeugd\r\n\
          content-type: application/json\r\ncontent-length: 100\r\n\r\n{\"pseu",
    )
    .await
    .unwrap();
    let (status, head, problem) = read_response(&mut body).await;
    assert_eq!(status, 408, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("application/problem+json")
    );
    assert!(problem.contains("request-timeout"), "{problem}");
    assert!(
        closed(&mut body).await,
        "the connection is closed after a 408"
    );
    assert!(closed(&mut headers).await, "unfinished headers are cut off");
    // An idle keep-alive connection is closed too.
    let mut idle = connect(&s).await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_response(&mut idle).await.0, 200);
    assert!(closed(&mut idle).await, "an idle connection is closed");
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_their_turn() {
    let limits = Limits {
        max_connections: 2,
        header_timeout: Duration::from_millis(800),
        ..Limits::default()
    };
    let s = TestServer::start_with(Backend::Sqlite, limits)
        .await
        .unwrap();
    // Two connections hold both places with unfinished headers.
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut stream = connect(&s).await;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        holders.push(stream);
    }
    // A third is served once a place frees up (the header deadline ends
    // the holders), not refused and not served beside them.
    let mut third = connect(&s).await;
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_response(&mut third).await.0, 200);
    // It was served only after a holder was let go: by the time its
    // answer is here, a holder's close is too (the server closes before
    // it frees the place). Without a limit it is served at once, while
    // both holders still wait out their deadline.
    let gone = |stream: &TcpStream| {
        let mut buffer = [0u8; 64];
        match stream.try_read(&mut buffer) {
            Ok(n) => n == 0,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
        }
    };
    assert!(
        holders.iter().any(gone),
        "the third connection was served beside the two holding the places"
    );
    for holder in &mut holders {
        assert!(closed(holder).await);
    }
}

#[tokio::test]
async fn headers_too_large_are_a_problem_too() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    for size in [100 * 1024, 1024 * 1024, 4 * 1024 * 1024] {
        let mut stream = connect(&s).await;
        let token = "x".repeat(size);
        let request =
            format!("GET /api/v1/me HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {token}\r\n\r\n");
        // The server may answer and close before it has read everything.
        let _ = stream.write_all(request.as_bytes()).await;
        let (status, head, problem) = read_response(&mut stream).await;
        assert!(status == 431 || status == 401, "{size}: {head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{size}: {head}"
        );
        let problem: serde_json::Value = serde_json::from_str(&problem).unwrap();
        assert_eq!(problem["status"], status);
    }
    // Not HTTP at all: a 400 problem.
    let mut stream = connect(&s).await;
    stream.write_all(b"HELLO\r\n\r\n").await.unwrap();
    let (status, head, _) = read_response(&mut stream).await;
    assert_eq!(status, 400, "{head}");
    assert!(head.contains("application/problem+json"), "{head}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_terminates_tls_and_the_desk_trusts_the_municipalitys_ca() {
    use regiedesk::api::client::{ApiClient, Bearer, Transport};
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let acceptor = regiedesk::server::listen::tls_acceptor(&cert, &key).unwrap();
    let state = regiedesk::server::AppState::new(
        s.store.clone(),
        regiedesk::clock::Clock::Frozen(support::now()),
        regiedesk::domain::norms::Norms::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(regiedesk::server::listen::serve(
        listener,
        regiedesk::server::router(state),
        Limits::default(),
        Some(acceptor),
        std::future::pending(),
    ));
    let https = format!("https://localhost:{port}");
    let transport = Transport {
        ca_cert: Some(cert.clone()),
        ..Transport::default()
    };
    let desk = ApiClient::for_desk(&https, Bearer::Static("demo-pm".into()), &transport).unwrap();
    assert_eq!(desk.me().await.unwrap().person.login, "pm");
    // Without the CA the certificate is not trusted.
    let untrusting = ApiClient::for_desk(
        &https,
        Bearer::Static("demo-pm".into()),
        &Transport::default(),
    )
    .unwrap();
    assert!(untrusting.me().await.is_err());
    // Plain HTTP on the TLS port gets nothing.
    let plain = ApiClient::new(&format!("http://127.0.0.1:{port}"), "demo-pm").unwrap();
    assert!(plain.me().await.is_err());
}

#[test]
fn the_desk_sends_no_token_in_the_clear_beyond_this_machine() {
    use regiedesk::api::client::{ApiClient, Bearer, Transport};
    let refused = ApiClient::for_desk(
        "http://10.1.2.3:7878",
        Bearer::Static("t".into()),
        &Transport::default(),
    )
    .err()
    .expect("refused");
    assert!(refused.to_string().contains("--insecure-http"), "{refused}");
    let insecure = Transport {
        insecure_http: true,
        ..Transport::default()
    };
    assert!(
        ApiClient::for_desk(
            "http://10.1.2.3:7878",
            Bearer::Static("t".into()),
            &insecure
        )
        .is_ok()
    );
    for fine in [
        "https://regie.gemeente.nl",
        "http://127.0.0.1:7878",
        "http://localhost:7878",
        "http://[::1]:7878",
    ] {
        assert!(
            ApiClient::for_desk(fine, Bearer::Static("t".into()), &Transport::default()).is_ok(),
            "{fine}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_compressed_for_clients_that_ask() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    for n in 0..5 {
        s.planned_case(n, "jeugd", "cr-01").await;
    }
    let raw = reqwest::Client::builder()
        .no_gzip()
        .no_zstd()
        .build()
        .unwrap();
    let plain = raw
        .get(s.url("/api/v1/sync"))
        .bearer_auth("demo-pm")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    for encoding in ["gzip", "zstd"] {
        let packed = raw
            .get(s.url("/api/v1/sync"))
            .bearer_auth("demo-pm")
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(packed.headers()["content-encoding"], encoding);
        let packed = packed.bytes().await.unwrap();
        assert!(
            packed.len() * 3 < plain.len(),
            "{encoding}: {} of {} bytes",
            packed.len(),
            plain.len()
        );
    }
    // The desk's client asks for it and reads it.
    let desk = regiedesk::api::client::ApiClient::new(&s.base, "demo-pm").unwrap();
    let regiedesk::api::client::SyncOutcome::Changed { delta, .. } =
        desk.sync(None, None).await.unwrap()
    else {
        panic!("a first sync has data");
    };
    assert_eq!(delta.cases.len(), 5);
}
