//! Reliability properties of the case API, through real HTTP on both
//! stores (docs/reliability.md says what each one keeps and how to run it):
//!
//! - who may call what: every route of the router, every caller, as the
//!   matrix below says;
//! - races: concurrent decisions on one request, and concurrent
//!   reassignments of one case, with the same `If-Match`: one winner;
//! - sync under concurrent writers: every change once, in order;
//! - `kill -9` of the real binary: nothing acknowledged is lost and the
//!   audit chain stays intact.
//!
//! `REGIEDESK_RELIABILITY_SCALE` (default 1) multiplies the number of
//! races, sync writes and writes before the kill
//! (`REGIEDESK_RELIABILITY_RACES` sets the races alone); `scripts/reliability.sh`
//! runs these tests larger. Every figure is printed as a line starting
//! with `RELIABILITY` (visible with `--nocapture`).

mod support;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use regiedesk::server::store;
use serde_json::{Value, json};
use support::{Backend, Database, TestServer, case_tag, expect, request_tag};

both_stores!(
    every_route_answers_every_caller_as_the_matrix_says,
    concurrent_decisions_on_one_request_have_one_winner,
    concurrent_reassignments_of_one_case_have_one_winner,
    concurrent_referrals_of_one_household_open_one_case,
    sync_sees_every_change_of_concurrent_writers_once_in_order,
    audited_reads_answer_during_concurrent_writes,
);

/// How much larger than the default to run (`REGIEDESK_RELIABILITY_SCALE`).
fn scale() -> usize {
    std::env::var("REGIEDESK_RELIABILITY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1)
}

/// How many races of each kind (`REGIEDESK_RELIABILITY_RACES`, default
/// two per scale).
fn races() -> usize {
    std::env::var("REGIEDESK_RELIABILITY_RACES")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(2 * scale())
}

fn backend_name(s: &TestServer) -> &'static str {
    match s.db {
        Database::Sqlite { .. } => "sqlite",
        Database::Postgres { .. } => "postgres",
    }
}

// ------------------------------------------------------------ the matrix

/// What a caller gets from an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    /// Allowed: 2xx on a case or request in the state the action needs.
    Y,
    /// Forbidden: 403, and nothing changes.
    N,
    /// Not authenticated: 401.
    U,
    /// Not on this server: 404 (how to log in, where no identity
    /// provider is configured; `tests/sso.rs` has it with one).
    A,
    /// Not there for this caller: 404, as for an id never given out, and
    /// nothing changes (another casusregisseur's case or request).
    H,
}
use Cell::{A, H, N, U, Y};

/// The columns: the demo logins of each role, a casusregisseur who does
/// not hold the case, and callers without a valid token. The fixtures'
/// cases are all held by `cr-01`.
const CALLERS: [(&str, Option<&str>); 11] = [
    ("procesmanager", Some("demo-pm")),
    ("procesregisseur jeugd", Some("demo-pr-jeugd")),
    ("procesregisseur volwassenen", Some("demo-pr-volw")),
    ("procesregisseur doorzettingsmacht", Some("demo-pr-dzm")),
    ("casusregisseur of the case", Some("demo-cr-01")),
    ("another casusregisseur", Some("demo-cr-02")),
    ("consulent", Some("demo-consulent")),
    ("administratief", Some("demo-admin")),
    ("privacyfunctionaris", Some("demo-fg")),
    ("no token", None),
    ("invalid token", Some("demo-nobody")),
];

/// Every route of the router, every method, against every caller: the
/// README's rules ("Only the case's casusregisseur records contact, plan,
/// activity, stuck and files requests; procesregisseurs assign, reassign
/// and escalate; the doorzettingsmacht takes over and de-escalates; the
/// procesmanager reads everything and changes nothing", the mandate
/// matrix, audit for the privacyfunctionaris only, throughput for the
/// procesmanager and procesregisseurs) written out. The decision has a
/// row per kind of request, since the mandate depends on it.
#[rustfmt::skip]
const MATRIX: [(&str, [Cell; 11]); 39] = [
    //                                                 pm prj prv dzm cr cr2 con adm fg  -  bad
    ("GET  /healthz",                                 [Y, Y,  Y,  Y,  Y, Y,  Y,  Y, Y,  Y, Y]),
    ("GET  /api/v1/openapi.json",                     [Y, Y,  Y,  Y,  Y, Y,  Y,  Y, Y,  Y, Y]),
    ("GET  /api/v1/login",                            [A, A,  A,  A,  A, A,  A,  A, A,  A, A]),
    ("GET  /api/v1/me",                               [Y, Y,  Y,  Y,  Y, Y,  Y,  Y, Y,  U, U]),
    ("GET  /api/v1/sync",                             [Y, Y,  Y,  Y,  Y, Y,  Y,  Y, N,  U, U]),
    ("POST /api/v1/households",                       [N, Y,  Y,  Y,  N, N,  Y,  Y, N,  U, U]),
    ("POST /api/v1/cases",                            [N, Y,  Y,  Y,  N, N,  Y,  Y, N,  U, U]),
    ("GET  /api/v1/cases/{id}",                       [Y, Y,  Y,  Y,  Y, H,  Y,  Y, H,  U, U]),
    ("POST /api/v1/cases/{id}/assign",                [N, Y,  Y,  Y,  N, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/contact",               [N, N,  N,  N,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/plan",                  [N, Y,  N,  Y,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/plan/revisions",        [N, Y,  N,  Y,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/evaluations",           [N, Y,  N,  Y,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/melding",               [N, N,  Y,  Y,  Y, H,  Y,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/onderzoek",             [N, N,  Y,  Y,  Y, H,  Y,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/activity",              [N, N,  N,  N,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/stuck",                 [N, N,  N,  N,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/close",                 [N, Y,  Y,  Y,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/escalate",              [N, Y,  Y,  Y,  N, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/takeover",              [N, N,  N,  Y,  N, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/deescalate",            [N, N,  N,  Y,  N, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/requests",              [N, N,  N,  N,  Y, H,  N,  N, H,  U, U]),
    // A jeugd case in waakvlam: who holds it, or the procesregisseur of
    // its domain (and the doorzettingsmacht); only they hand it on.
    ("POST /api/v1/cases/{id}/waakvlam/followup",     [N, Y,  N,  Y,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/waakvlam/postpone",     [N, Y,  N,  Y,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/cases/{id}/waakvlam/assign",       [N, Y,  N,  Y,  N, H,  N,  N, H,  U, U]),
    ("GET  /api/v1/requests/{id}",                    [Y, Y,  Y,  Y,  Y, H,  Y,  Y, H,  U, U]),
    ("POST /api/v1/requests/{id}/decision jeugdhulp", [N, Y,  N,  Y,  N, H,  N,  N, H,  U, U]),
    ("POST /api/v1/requests/{id}/decision wmo",       [N, N,  Y,  Y,  N, H,  Y,  N, H,  U, U]),
    ("POST /api/v1/requests/{id}/suspension",         [N, Y,  N,  Y,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/requests/{id}/resumption",         [N, Y,  N,  Y,  Y, H,  N,  N, H,  U, U]),
    ("POST /api/v1/requests/{id}/extension",          [N, Y,  N,  Y,  N, H,  N,  N, H,  U, U]),
    ("POST /api/v1/requests/{id}/default-notice",     [N, Y,  N,  Y,  Y, H,  N,  Y, H,  U, U]),
    // A procesregisseur's own notes: a note is changed by its author only
    // (the allowed call is on the caller's own note; tests/notes.rs tries
    // another's).
    ("POST   /api/v1/cases/{id}/notes",               [N, Y,  Y,  Y,  N, H,  N,  N, H,  U, U]),
    ("PATCH  /api/v1/cases/{id}/notes/{note}",        [N, Y,  Y,  Y,  N, H,  N,  N, H,  U, U]),
    // A casusregisseur's absence: the procesregisseurs, who divide the work.
    ("POST   /api/v1/staff/{login}/absences",         [N, Y,  Y,  Y,  N, N,  N,  N, N,  U, U]),
    ("PATCH  /api/v1/staff/{login}/absences/{id}",    [N, Y,  Y,  Y,  N, N,  N,  N, N,  U, U]),
    ("DELETE /api/v1/staff/{login}/absences/{id}",    [N, Y,  Y,  Y,  N, N,  N,  N, N,  U, U]),
    ("GET  /api/v1/audit",                            [N, N,  N,  N,  N, N,  N,  N, Y,  U, U]),
    ("GET  /api/v1/stats/throughput",                 [Y, Y,  Y,  Y,  N, N,  N,  N, N,  U, U]),
];

/// `"POST /api/v1/cases variant"` → (`POST`, `/api/v1/cases`, `variant`).
fn parse_row(row: &str) -> (&str, &str, &str) {
    let mut words = row.split_whitespace();
    let method = words.next().unwrap();
    let path = words.next().unwrap();
    (method, path, words.next().unwrap_or(""))
}

/// The routes `src/server/mod.rs` registers, as `METHOD PATH`: read from
/// the source, so a route added to the router without a row fails.
fn router_routes() -> BTreeSet<String> {
    let source = include_str!("../src/server/mod.rs");
    let (_, rest) = source
        .split_once("let api = Router::new()")
        .expect("the router nests its API under `let api = Router::new()`");
    let (api, outer) = rest.split_once(';').unwrap();
    let mut routes = BTreeSet::new();
    for (prefix, part) in [("/api/v1", api), ("", outer)] {
        // `cargo fmt` may break a long `.route(` call over lines.
        for piece in part.split(".route(").skip(1) {
            let piece = piece
                .trim_start()
                .strip_prefix('"')
                .expect("a route's path");
            let (path, rest) = piece.split_once('"').unwrap();
            // The handlers: up to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .expect("a .route( call closes");
            let handlers = &rest[..end];
            for method in ["get", "post", "put", "patch", "delete"] {
                let called = handlers.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0
                        || !handlers[..i]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if called {
                    routes.insert(format!("{} {prefix}{path}", method.to_uppercase()));
                }
            }
        }
    }
    routes
}

/// The operations of the OpenAPI document the server serves.
async fn openapi_routes(s: &TestServer) -> BTreeSet<String> {
    let doc = expect(s.get("pm", "/api/v1/openapi.json").await, 200).await;
    let mut routes = BTreeSet::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete", "head", "options"]
                .contains(&method.as_str())
            {
                routes.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    routes
}

/// A fresh household (through the API), so a new case may be opened for it.
async fn new_household(s: &TestServer) -> i64 {
    let body = json!({"members": 2});
    let household = expect(
        s.post("pr-volw", "/api/v1/households", body, None).await,
        201,
    )
    .await;
    household["id"].as_i64().unwrap()
}

/// How far a fresh case has come; every case is held by `cr-01`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Referred,
    Assigned,
    Contacted,
    Planned,
}

/// A fresh case of a fresh household, brought to `stage` through the API.
async fn fresh_case(s: &TestServer, domain: &str, stage: Stage) -> i64 {
    let household = new_household(s).await;
    let body = json!({"household_id": household, "domain": domain, "source": "huisarts"});
    let case = expect(s.post("pr-jeugd", "/api/v1/cases", body, None).await, 201).await;
    let id = case["id"].as_i64().unwrap();
    if stage >= Stage::Assigned {
        let body = json!({"casusregisseur": "cr-01"});
        expect(s.act("pr-jeugd", id, "assign", body).await, 200).await;
    }
    if stage >= Stage::Contacted {
        expect(s.act("cr-01", id, "contact", json!({})).await, 200).await;
    }
    if stage >= Stage::Planned {
        expect(s.act("cr-01", id, "plan", support::plan_body()).await, 200).await;
    }
    id
}

/// A pending request of `kind`, filed by `cr-01` in the plan of a fresh case.
async fn fresh_request(s: &TestServer, kind: &str) -> i64 {
    let domain = if kind == "jeugdhulp" {
        "jeugd"
    } else {
        "volwassenen"
    };
    let case = fresh_case(s, domain, Stage::Planned).await;
    s.request(case, "cr-01", kind, true).await["id"]
        .as_i64()
        .unwrap()
}

async fn case_version(s: &TestServer, id: i64) -> i64 {
    s.store.case(id).await.unwrap().unwrap().version
}

async fn request_version(s: &TestServer, id: i64) -> i64 {
    s.store.request(id).await.unwrap().unwrap().version
}

/// The cases and requests every forbidden or unauthenticated call aims at:
/// planned cases held by `cr-01`, each with a pending request. They must
/// come out of the matrix unchanged.
struct Shared {
    jeugd_case: i64,
    jeugd_request: i64,
    wmo_case: i64,
    wmo_request: i64,
}

impl Shared {
    async fn versions(&self, s: &TestServer) -> [i64; 4] {
        [
            case_version(s, self.jeugd_case).await,
            request_version(s, self.jeugd_request).await,
            case_version(s, self.wmo_case).await,
            request_version(s, self.wmo_request).await,
        ]
    }
}

/// One call of the matrix: its path, body and `If-Match`. An allowed call
/// gets a fresh case or request in the state its action needs, so it can
/// succeed; any other call goes to the shared fixture.
async fn call_for(
    s: &TestServer,
    shared: &Shared,
    path: &str,
    variant: &str,
    allowed: bool,
    caller: Option<&str>,
) -> (String, Option<Value>, Option<String>) {
    let case_action = |stage: Stage, body: Value| async move {
        let id = if allowed {
            fresh_case(s, "jeugd", stage).await
        } else {
            shared.jeugd_case
        };
        (
            path.replace("{id}", &id.to_string()),
            Some(body),
            Some(s.case_etag(id).await),
        )
    };
    let reason = json!({"reason": "matrix"});
    match path {
        "/healthz" | "/api/v1/openapi.json" | "/api/v1/login" | "/api/v1/me" | "/api/v1/sync" => {
            (path.into(), None, None)
        }
        "/api/v1/audit" => (format!("{path}?limit=5"), None, None),
        "/api/v1/stats/throughput" => (
            format!("{path}?from=2026-01-01&to=2026-11-24&by=month"),
            None,
            None,
        ),
        "/api/v1/households" => {
            let body = json!({"members": 3});
            (path.into(), Some(body), None)
        }
        "/api/v1/cases" => {
            let household = new_household(s).await;
            let body = json!({"household_id": household, "domain": "jeugd", "source": "school"});
            (path.into(), Some(body), None)
        }
        "/api/v1/cases/{id}" => (
            path.replace("{id}", &shared.jeugd_case.to_string()),
            None,
            None,
        ),
        "/api/v1/requests/{id}" => (
            path.replace("{id}", &shared.jeugd_request.to_string()),
            None,
            None,
        ),
        "/api/v1/cases/{id}/assign" if allowed => {
            case_action(Stage::Referred, json!({"casusregisseur": "cr-01"})).await
        }
        "/api/v1/cases/{id}/assign" => {
            let body = json!({"casusregisseur": "cr-03", "reason": "matrix"});
            case_action(Stage::Planned, body).await
        }
        "/api/v1/cases/{id}/contact" => case_action(Stage::Assigned, json!({})).await,
        "/api/v1/cases/{id}/plan" => case_action(Stage::Contacted, support::plan_body()).await,
        "/api/v1/cases/{id}/plan/revisions" => {
            let body = json!({"drop": [], "add": [{"life_domain": "geldzaken",
                "text": "vaste lasten betaald", "start_score": 2, "target_score": 3,
                "target_date": "2027-06-30"}]});
            case_action(Stage::Planned, body).await
        }
        "/api/v1/cases/{id}/evaluations" => {
            let body = json!({"scores": [{"goal": 1, "score": 3, "state": "op_koers"}]});
            case_action(Stage::Planned, body).await
        }
        "/api/v1/cases/{id}/activity" | "/api/v1/cases/{id}/stuck" => {
            case_action(Stage::Assigned, json!({"note": "matrix"})).await
        }
        "/api/v1/cases/{id}/close" => {
            case_action(Stage::Assigned, json!({"result": "goals_met"})).await
        }
        "/api/v1/cases/{id}/escalate" | "/api/v1/cases/{id}/takeover" => {
            case_action(Stage::Assigned, reason).await
        }
        "/api/v1/cases/{id}/deescalate" if allowed => {
            let id = fresh_case(s, "jeugd", Stage::Assigned).await;
            expect(s.act("pr-jeugd", id, "escalate", reason.clone()).await, 200).await;
            (
                path.replace("{id}", &id.to_string()),
                Some(reason),
                Some(s.case_etag(id).await),
            )
        }
        "/api/v1/cases/{id}/deescalate" => case_action(Stage::Planned, reason).await,
        "/api/v1/cases/{id}/requests" => {
            let body =
                json!({"kind": "jeugdhulp", "provision": "p", "motivation": "m", "in_plan": true});
            case_action(Stage::Planned, body).await
        }
        "/api/v1/cases/{id}/waakvlam/followup"
        | "/api/v1/cases/{id}/waakvlam/postpone"
        | "/api/v1/cases/{id}/waakvlam/assign" => {
            let body = match path.rsplit('/').next() {
                Some("followup") => json!({"result": "all_well"}),
                Some("postpone") => json!({"waakvlam_until": "2027-01-15", "reason": "matrix"}),
                _ => json!({"casusregisseur": "cr-03", "reason": "matrix"}),
            };
            let id = if allowed {
                let id = fresh_case(s, "jeugd", Stage::Planned).await;
                let close = json!({"result": "refused", "waakvlam_until": "2026-12-15"});
                expect(s.act("cr-01", id, "close", close).await, 200).await;
                id
            } else {
                shared.jeugd_case
            };
            (
                path.replace("{id}", &id.to_string()),
                Some(body),
                Some(s.case_etag(id).await),
            )
        }
        "/api/v1/requests/{id}/decision" => {
            let kind = if variant == "jeugdhulp" {
                "jeugdhulp"
            } else {
                "wmo_maatwerk"
            };
            let id = match (allowed, kind) {
                (true, _) => fresh_request(s, kind).await,
                (false, "jeugdhulp") => shared.jeugd_request,
                (false, _) => shared.wmo_request,
            };
            (
                path.replace("{id}", &id.to_string()),
                Some(json!({"decision": "approve"})),
                Some(request_tag(id, request_version(s, id).await)),
            )
        }
        // The term of a Jeugd request: a fresh one in the state the action
        // needs when allowed, else the shared one.
        "/api/v1/requests/{id}/suspension"
        | "/api/v1/requests/{id}/resumption"
        | "/api/v1/requests/{id}/extension"
        | "/api/v1/requests/{id}/default-notice" => {
            let action = path.rsplit('/').next().unwrap();
            let id = if allowed {
                fresh_request(s, "jeugdhulp").await
            } else {
                shared.jeugd_request
            };
            let suspend = json!({"complete_by": "2026-12-08", "note": "matrix"});
            let body = match action {
                "suspension" => suspend,
                "resumption" => {
                    if allowed {
                        let path = format!("/api/v1/requests/{id}/suspension");
                        let etag = request_tag(id, request_version(s, id).await);
                        expect(s.post("pr-jeugd", &path, suspend, Some(&etag)).await, 200).await;
                    }
                    json!({})
                }
                "extension" => json!({"weeks": 2, "reason": "matrix"}),
                _ => {
                    if allowed {
                        s.make_request_late(id).await;
                    }
                    json!({"received_on": "2026-11-24"})
                }
            };
            (
                path.replace("{id}", &id.to_string()),
                Some(body),
                Some(request_tag(id, request_version(s, id).await)),
            )
        }
        // A Wmo melding and its onderzoek: on an adults' case of cr-01.
        "/api/v1/cases/{id}/melding" | "/api/v1/cases/{id}/onderzoek" => {
            let id = if allowed {
                fresh_case(s, "volwassenen", Stage::Assigned).await
            } else {
                shared.wmo_case
            };
            if allowed && path.ends_with("onderzoek") {
                expect(s.act("pr-volw", id, "melding", json!({})).await, 200).await;
            }
            (
                path.replace("{id}", &id.to_string()),
                Some(json!({})),
                Some(s.case_etag(id).await),
            )
        }
        // Absences of cr-03, each in a week of its own so none overlaps.
        "/api/v1/staff/{login}/absences" => {
            let (from, until) = next_week();
            (
                path.replace("{login}", "cr-03"),
                Some(json!({"from": from, "until": until})),
                None,
            )
        }
        "/api/v1/staff/{login}/absences/{id}" => {
            let (from, until) = next_week();
            let body = json!({"from": from, "until": until});
            let created = s
                .post("pr-jeugd", "/api/v1/staff/cr-03/absences", body, None)
                .await;
            let id = expect(created, 201).await["id"].as_i64().unwrap();
            let path = path
                .replace("{login}", "cr-03")
                .replace("{id}", &id.to_string());
            (path, Some(json!({"settled": true})), None)
        }
        // Notes on the shared case; an allowed change is of the caller's
        // own note, any other of pr-jeugd's.
        "/api/v1/cases/{id}/notes" => (
            path.replace("{id}", &shared.jeugd_case.to_string()),
            Some(json!({"text": "matrix", "remind_on": "2026-11-27"})),
            None,
        ),
        "/api/v1/cases/{id}/notes/{note}" => {
            let author = caller.filter(|_| allowed).unwrap_or("pr-jeugd");
            let notes = format!("/api/v1/cases/{}/notes", shared.jeugd_case);
            let created = s
                .post(author, &notes, json!({"text": "matrix"}), None)
                .await;
            let id = expect(created, 201).await["id"].as_i64().unwrap();
            (format!("{notes}/{id}"), Some(json!({"done": true})), None)
        }
        other => panic!("the matrix has no call for {other}"),
    }
}

/// The next week of absence the matrix records: Monday to Friday, from
/// the week of 30 November on.
fn next_week() -> (String, String) {
    static WEEKS: AtomicUsize = AtomicUsize::new(0);
    let n = WEEKS.fetch_add(1, Ordering::Relaxed) as u64;
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() + chrono::Days::new(7 * n);
    (
        monday.to_string(),
        (monday + chrono::Days::new(4)).to_string(),
    )
}

async fn every_route_answers_every_caller_as_the_matrix_says(s: TestServer) {
    // The matrix covers the router, and the router what OpenAPI describes
    // (the OpenAPI document does not describe itself).
    let rows: BTreeSet<String> = MATRIX
        .iter()
        .map(|(row, _)| {
            let (method, path, _) = parse_row(row);
            format!("{method} {path}")
        })
        .collect();
    assert_eq!(
        rows,
        router_routes(),
        "every route of src/server/mod.rs has a row"
    );
    let mut described = openapi_routes(&s).await;
    described.insert("GET /api/v1/openapi.json".into());
    assert_eq!(rows, described, "every operation in OpenAPI has a row");
    let cells = MATRIX.len() * CALLERS.len();
    assert_eq!(
        (rows.len(), cells),
        (38, 429),
        "38 routes (the decision twice, once per kind) × 11 callers"
    );

    let jeugd_case = fresh_case(&s, "jeugd", Stage::Planned).await;
    let jeugd_request = s.request(jeugd_case, "cr-01", "jeugdhulp", true).await["id"]
        .as_i64()
        .unwrap();
    let wmo_case = fresh_case(&s, "volwassenen", Stage::Planned).await;
    let wmo_request = s.request(wmo_case, "cr-01", "wmo_maatwerk", true).await["id"]
        .as_i64()
        .unwrap();
    let shared = Shared {
        jeugd_case,
        jeugd_request,
        wmo_case,
        wmo_request,
    };
    let before = shared.versions(&s).await;

    let mut wrong = Vec::new();
    for (row, expected) in MATRIX {
        let (method, path, variant) = parse_row(row);
        for ((who, token), cell) in CALLERS.iter().zip(expected) {
            let login = token.and_then(|t| t.strip_prefix("demo-"));
            let (url, body, if_match) =
                call_for(&s, &shared, path, variant, cell == Y, login).await;
            let mut request = match method {
                "GET" => s.client.get(s.url(&url)),
                "POST" => s.client.post(s.url(&url)),
                "PATCH" => s.client.patch(s.url(&url)),
                "DELETE" => s.client.delete(s.url(&url)),
                other => panic!("no {other} in the matrix"),
            };
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(&body);
            }
            if let Some(tag) = if_match {
                request = request.header("if-match", tag);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let fits = match cell {
                Y => (200..300).contains(&status),
                N => status == 403,
                U => status == 401,
                A | H => status == 404,
            };
            if !fits {
                let body = response.text().await.unwrap_or_default();
                wrong.push(format!(
                    "{row} as {who}: expected {cell:?}, got {status} {body}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells differ from the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(
        shared.versions(&s).await,
        before,
        "forbidden and unauthenticated calls changed nothing"
    );
    println!(
        "RELIABILITY matrix {}: {cells}/{cells} cells as expected",
        backend_name(&s)
    );
}

// ------------------------------------------------------------ races

/// Sends all `calls` (login, path, body, If-Match or "" for none) at once, released
/// together by a barrier; returns each one's status.
async fn race(s: &Arc<TestServer>, calls: Vec<(&'static str, String, Value, String)>) -> Vec<u16> {
    let barrier = Arc::new(tokio::sync::Barrier::new(calls.len()));
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|(login, path, body, tag)| {
            let (s, barrier) = (s.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                s.post(login, &path, body, Some(&tag))
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

/// Exactly one 2xx; everyone else told the version moved on (412) or the
/// state did (409). Returns the winner's index.
fn one_winner(what: &str, statuses: &[u16]) -> usize {
    let winners: Vec<usize> = (0..statuses.len())
        .filter(|&i| (200..300).contains(&statuses[i]))
        .collect();
    let others: Vec<u16> = statuses
        .iter()
        .copied()
        .filter(|s| !(200..300).contains(s) && *s != 409 && *s != 412)
        .collect();
    assert!(
        winners.len() == 1 && others.is_empty(),
        "{what}: {} winners, and statuses other than 409/412: {others:?}",
        winners.len()
    );
    winners[0]
}

const CONTENDERS: usize = 50;

async fn concurrent_decisions_on_one_request_have_one_winner(s: TestServer) {
    let s = Arc::new(s);
    let rounds = races();
    for round in 0..rounds {
        let kind = if round % 2 == 0 {
            "jeugdhulp"
        } else {
            "wmo_maatwerk"
        };
        let id = fresh_request(&s, kind).await;
        let path = format!("/api/v1/requests/{id}/decision");
        // Everyone who holds the mandate, approving and rejecting at once.
        let deciders: &[&'static str] = if kind == "jeugdhulp" {
            &["pr-jeugd", "pr-dzm"]
        } else {
            &["pr-volw", "consulent", "pr-dzm"]
        };
        let calls = (0..CONTENDERS)
            .map(|i| {
                let body = if i % 2 == 0 {
                    json!({"decision": "approve", "reason": format!("deelnemer {i}")})
                } else {
                    json!({"decision": "reject", "reason": format!("deelnemer {i}")})
                };
                (
                    deciders[i % deciders.len()],
                    path.clone(),
                    body,
                    request_tag(id, 1),
                )
            })
            .collect();
        let statuses = race(&s, calls).await;
        let winner = one_winner(&format!("decision race {round}"), &statuses);

        // The store holds exactly the winner's decision, once.
        let request = s.store.request(id).await.unwrap().unwrap();
        assert_eq!(request.version, 2, "decided once");
        assert_eq!(
            request.decided_by.as_deref(),
            Some(deciders[winner % deciders.len()])
        );
        assert_eq!(
            request.reason.as_deref(),
            Some(format!("deelnemer {winner}").as_str())
        );
        let detail = expect(
            s.get("pm", &format!("/api/v1/cases/{}", request.case_id))
                .await,
            200,
        )
        .await;
        let decided = detail["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "request_decided" && e["request_id"] == id)
            .count();
        assert_eq!(decided, 1, "one decision in the history");
        let (chain, _) = s.store.audit_chain().await.unwrap();
        let audited = chain
            .iter()
            .filter(|e| e.action == "request.decide" && e.request_id == Some(id))
            .count();
        assert_eq!(audited, 1, "one decision in the audit log");
    }
    let (chain, appended) = s.store.audit_chain().await.unwrap();
    assert_eq!(
        regiedesk::server::audit::verify(&chain, appended),
        Ok(chain.len())
    );
    println!(
        "RELIABILITY decision races {}: {rounds}/{rounds} races of {CONTENDERS} had one winner",
        backend_name(&s)
    );
}

async fn concurrent_reassignments_of_one_case_have_one_winner(s: TestServer) {
    let s = Arc::new(s);
    let rounds = races();
    for round in 0..rounds {
        let id = fresh_case(&s, "jeugd", Stage::Planned).await;
        let version = case_version(&s, id).await;
        let path = format!("/api/v1/cases/{id}/assign");
        let assigners = ["pr-jeugd", "pr-volw", "pr-dzm"];
        // Each contender hands the case to someone else (cr-02 ... cr-25).
        let target = |i: usize| format!("cr-{:02}", 2 + i % 24);
        let calls = (0..CONTENDERS)
            .map(|i| {
                let body =
                    json!({"casusregisseur": target(i), "reason": format!("herverdeling {i}")});
                (assigners[i % 3], path.clone(), body, case_tag(id, version))
            })
            .collect();
        let statuses = race(&s, calls).await;
        let winner = one_winner(&format!("reassignment race {round}"), &statuses);

        let case = s.store.case(id).await.unwrap().unwrap();
        assert_eq!(case.version, version + 1, "reassigned once");
        assert_eq!(case.casusregisseur, Some(target(winner)));
        let detail = expect(s.get("pm", &format!("/api/v1/cases/{id}")).await, 200).await;
        let reassigned: Vec<&Value> = detail["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "reassigned")
            .collect();
        assert_eq!(reassigned.len(), 1, "one reassignment in the history");
        assert_eq!(
            (reassigned[0]["from"].as_str(), reassigned[0]["to"].as_str()),
            (Some("cr-01"), Some(target(winner).as_str()))
        );
        let (chain, _) = s.store.audit_chain().await.unwrap();
        let audited = chain
            .iter()
            .filter(|e| e.action == "case.assign" && e.case_id == Some(id))
            .count();
        assert_eq!(audited, 2, "the first assignment and one reassignment");
    }
    println!(
        "RELIABILITY reassignment races {}: {rounds}/{rounds} races of {CONTENDERS} had one winner",
        backend_name(&s)
    );
}

/// One household, one plan, one director: concurrent referrals of one
/// household open exactly one case (the database's guard, not only the
/// handler's check); the rest are told it already has one (409).
async fn concurrent_referrals_of_one_household_open_one_case(s: TestServer) {
    let s = Arc::new(s);
    let rounds = races();
    for round in 0..rounds {
        let household = new_household(&s).await;
        let referrers = ["pr-jeugd", "pr-volw", "pr-dzm", "consulent", "admin"];
        let calls = (0..CONTENDERS)
            .map(|i| {
                let body =
                    json!({"household_id": household, "domain": "jeugd", "source": "school"});
                (
                    referrers[i % 5],
                    "/api/v1/cases".to_string(),
                    body,
                    String::new(),
                )
            })
            .collect();
        let statuses = race(&s, calls).await;
        let winner = one_winner(&format!("referral race {round}"), &statuses);
        assert_eq!(statuses[winner], 201);
        assert!(
            statuses.iter().all(|&s| s == 201 || s == 409),
            "the others are told the household has a case: {statuses:?}"
        );
    }
    let cases = expect(s.get("pm", "/api/v1/sync?limit=5000").await, 200).await;
    assert_eq!(
        cases["cases"].as_array().unwrap().len(),
        rounds,
        "one case per household"
    );
    println!(
        "RELIABILITY referral races {}: {rounds}/{rounds} races of {CONTENDERS} opened one case",
        backend_name(&s)
    );
}

// ------------------------------------------------------------ sync

/// Four writers open, assign and work cases as fast as they can while a
/// desk syncs in small pages: it sees every case in its final state, never
/// the same version twice, never an older one after a newer, and its
/// cursor only moves forward.
async fn sync_sees_every_change_of_concurrent_writers_once_in_order(s: TestServer) {
    const WRITERS: usize = 4;
    const VERSIONS: i64 = 4; // referred, assigned, two activities
    let per_writer = 5 * scale();
    let s = Arc::new(s);
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (s, done) = (s.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen: HashMap<i64, i64> = HashMap::new();
            let mut cursor: i64 = 0;
            // The cursor as the server hands it out (`<epoch>.<change>`).
            let mut since = String::new();
            let (mut polls, mut deliveries, mut idle) = (0usize, 0usize, 0usize);
            let mut etag: Option<String> = None;
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                // Read the flag before the page: once the writers are done
                // and a page comes back empty, nothing more can come.
                let finished = done.load(Ordering::SeqCst);
                // As the desk polls: with the last ETag, an idle poll is a 304.
                let mut request = s
                    .client
                    .get(s.url(&format!("/api/v1/sync?since={since}&limit=5")))
                    .bearer_auth("demo-pm");
                if let Some(tag) = &etag {
                    request = request.header("if-none-match", tag);
                }
                let response = request.send().await.unwrap();
                polls += 1;
                if response.status() == 304 {
                    idle += 1;
                    if finished {
                        return (seen, polls, deliveries, idle);
                    }
                    assert!(Instant::now() < deadline, "the desk never caught up");
                    continue;
                }
                etag = response
                    .headers()
                    .get("etag")
                    .map(|v| v.to_str().unwrap().to_string());
                let page = expect(response, 200).await;
                let next: i64 = support::change_of(page["cursor"].as_str().unwrap());
                page["cursor"].as_str().unwrap().clone_into(&mut since);
                let cases = page["cases"].as_array().unwrap();
                let items = cases.len()
                    + page["requests"].as_array().unwrap().len()
                    + page["people"].as_array().unwrap().len();
                if items == 0 {
                    assert_eq!(next, cursor, "an empty page keeps the cursor");
                } else {
                    assert!(next > cursor, "the cursor moves forward: {cursor} → {next}");
                }
                for case in cases {
                    let (id, version) = (
                        case["id"].as_i64().unwrap(),
                        case["version"].as_i64().unwrap(),
                    );
                    if let Some(before) = seen.insert(id, version) {
                        assert!(
                            version > before,
                            "case {id}: version {version} delivered after version {before}"
                        );
                    }
                    deliveries += 1;
                }
                cursor = next;
                if finished && items == 0 && !page["has_more"].as_bool().unwrap() {
                    return (seen, polls, deliveries, idle);
                }
                assert!(Instant::now() < deadline, "the desk never caught up");
            }
        })
    };
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let s = s.clone();
            tokio::spawn(async move {
                let holder = format!("cr-{:02}", w + 1);
                let mut cases = Vec::new();
                for _ in 0..per_writer {
                    let id = fresh_case(&s, "jeugd", Stage::Referred).await;
                    let body = json!({"casusregisseur": holder});
                    expect(s.act("pr-volw", id, "assign", body).await, 200).await;
                    for n in 0..2 {
                        let body = json!({"note": format!("activiteit {n}")});
                        expect(s.act(&holder, id, "activity", body).await, 200).await;
                    }
                    cases.push(id);
                }
                cases
            })
        })
        .collect();
    let mut written = Vec::new();
    for writer in writers {
        written.extend(writer.await.unwrap());
    }
    done.store(true, Ordering::SeqCst);
    let (seen, polls, deliveries, idle) = reader.await.unwrap();
    for id in &written {
        assert_eq!(
            seen.get(id),
            Some(&VERSIONS),
            "case {id} reached the desk in its final state"
        );
    }
    assert_eq!(
        seen.len(),
        written.len(),
        "no case the writers did not write"
    );
    println!(
        "RELIABILITY sync {}: {} writes by {WRITERS} writers, {polls} polls ({idle} idle 304s), {deliveries} case deliveries, every case final, none twice, none out of order",
        backend_name(&s),
        written.len() * 5, // household, referral, assignment, two activities
    );
}

// ------------------------------------------------------------ audited reads

/// A read of a case's or request's detail is also a write (its audit
/// entry). Under concurrent writers every such read still answers 200 and
/// every write too: none fails because another transaction got there
/// first.
async fn audited_reads_answer_during_concurrent_writes(s: TestServer) {
    const WRITERS: usize = 4;
    let per_writer = 15 * scale();
    let s = Arc::new(s);
    let request = fresh_request(&s, "jeugdhulp").await;
    let case = s.store.request(request).await.unwrap().unwrap().case_id;
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = ["pm", "pr-jeugd"]
        .into_iter()
        .map(|login| {
            let (s, done) = (s.clone(), done.clone());
            tokio::spawn(async move {
                let mut failed = Vec::new();
                let mut reads = 0;
                while !done.load(Ordering::SeqCst) {
                    for path in [
                        format!("/api/v1/requests/{request}"),
                        format!("/api/v1/cases/{case}"),
                    ] {
                        let status = s.get(login, &path).await.status().as_u16();
                        reads += 1;
                        if status != 200 {
                            failed.push(format!("GET {path} as {login}: {status}"));
                        }
                    }
                }
                (reads, failed)
            })
        })
        .collect();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let s = s.clone();
            tokio::spawn(async move {
                let holder = format!("cr-{:02}", w + 2);
                let id = fresh_case(&s, "jeugd", Stage::Referred).await;
                let body = json!({"casusregisseur": holder});
                expect(s.act("pr-volw", id, "assign", body).await, 200).await;
                let mut failed = Vec::new();
                for n in 0..per_writer {
                    let body = json!({"note": format!("activiteit {n}")});
                    let status = s.act(&holder, id, "activity", body).await.status().as_u16();
                    if status != 200 {
                        failed.push(format!("activity on {id}: {status}"));
                    }
                }
                failed
            })
        })
        .collect();
    let mut failed = Vec::new();
    for writer in writers {
        failed.extend(writer.await.unwrap());
    }
    done.store(true, Ordering::SeqCst);
    let mut reads = 0;
    for reader in readers {
        let (n, f) = reader.await.unwrap();
        reads += n;
        failed.extend(f);
    }
    assert!(
        failed.is_empty(),
        "{} of {} calls failed:\n{}",
        failed.len(),
        reads + WRITERS * per_writer,
        failed.join("\n")
    );
    println!(
        "RELIABILITY audited reads {}: {reads} detail reads during {} writes, all answered",
        backend_name(&s),
        WRITERS * per_writer
    );
}

// ------------------------------------------------------------ kill -9

/// The moment the served binary's clock is frozen at (as the harness's).
const NOW: &str = "2026-11-24T13:30:00Z";

/// `regiedesk serve` as a child process; SIGKILLed when dropped.
struct Served {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Served {
    /// Starts `serve --demo` on `url` on a free loopback port, seeding the
    /// demo municipality when `seed`, else serving the demo database as it
    /// is with what was written to it (`--keep`), and waits until
    /// `/healthz` answers 200.
    async fn start(url: &str, seed: bool, log: std::path::PathBuf) -> Served {
        let mut command = Command::new(env!("CARGO_BIN_EXE_regiedesk"));
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--database-url", url])
            .env("REGIEDESK_NOW", NOW)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        command.arg("--demo");
        if !seed {
            command.arg("--keep");
        }
        let mut child = command.spawn().expect("regiedesk starts");
        // The server says where it listens once it listens; keep draining
        // its output afterwards so it never blocks on a full pipe.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(base) = line.strip_prefix("regiedesk-zaak-API op ") {
                    let _ = tx.send(base.to_string());
                }
            }
        });
        let read_log = |log: &std::path::Path| std::fs::read_to_string(log).unwrap_or_default();
        let listening =
            tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(180)))
                .await
                .unwrap();
        let Ok(base) = listening else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve did not start listening:\n{}", read_log(&log));
        };
        let served = Served { child, base, log };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let health = client.get(format!("{}/healthz", served.base)).send().await;
            if health.is_ok_and(|r| r.status() == 200) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not become healthy:\n{}",
                read_log(&served.log)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        served
    }

    /// SIGKILL (`Child::kill` on Unix): no shutdown, no flushing, nothing.
    fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A write the server acknowledged with a 2xx.
#[derive(Debug, Clone)]
enum Ack {
    Household { id: i64, pseudonym: String },
    Case { id: i64, number: String },
    Assigned { case: i64, to: String },
}

/// What the writers did before the kill.
#[derive(Default)]
struct Ledger {
    acks: Mutex<Vec<Ack>>,
    sent: AtomicUsize,
    unexpected: Mutex<Vec<String>>,
}

impl Ledger {
    fn ack(&self, ack: Ack) -> usize {
        let mut acks = self.acks.lock().unwrap();
        acks.push(ack);
        acks.len()
    }
}

/// One writer: household, referral, assignment, again and again, until a
/// call fails (the server is gone).
async fn writer(
    base: String,
    w: usize,
    ledger: Arc<Ledger>,
    enough: Arc<tokio::sync::Notify>,
    target: usize,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let post = |login: &str, path: String, body: Value, tag: Option<&str>| {
        let mut request = client
            .post(format!("{base}{path}"))
            .bearer_auth(format!("demo-{login}"))
            .json(&body);
        if let Some(tag) = tag {
            request = request.header("if-match", tag);
        }
        ledger.sent.fetch_add(1, Ordering::SeqCst);
        request.send()
    };
    let ack = |ack: Ack| {
        if ledger.ack(ack) >= target {
            enough.notify_one();
        }
    };
    let unexpected = |what: String| ledger.unexpected.lock().unwrap().push(what);
    for i in 0.. {
        let body = json!({"members": 1 + i % 5});
        let Ok(response) = post("pr-volw", "/api/v1/households".into(), body, None).await else {
            return;
        };
        if response.status() != 201 {
            return unexpected(format!("household: {}", response.status()));
        }
        let Ok(household) = response.json::<Value>().await else {
            return;
        };
        let pseudonym = household["pseudonym"].as_str().unwrap().to_string();
        let household = household["id"].as_i64().unwrap();
        ack(Ack::Household {
            id: household,
            pseudonym,
        });

        let domain = if i % 2 == 0 { "jeugd" } else { "volwassenen" };
        let body = json!({"household_id": household, "domain": domain, "source": "balie"});
        let Ok(response) = post("pr-jeugd", "/api/v1/cases".into(), body, None).await else {
            return;
        };
        if response.status() != 201 {
            return unexpected(format!("case: {}", response.status()));
        }
        let Ok(case) = response.json::<Value>().await else {
            return;
        };
        let id = case["id"].as_i64().unwrap();
        ack(Ack::Case {
            id,
            number: case["number"].as_str().unwrap().into(),
        });

        let to = format!("cr-{:02}", 1 + (w * 7 + i) % 25);
        let body = json!({"casusregisseur": to});
        let path = format!("/api/v1/cases/{id}/assign");
        let Ok(response) = post("pr-volw", path, body, Some(&case_tag(id, 1))).await else {
            return;
        };
        if response.status() != 200 {
            return unexpected(format!("assign: {}", response.status()));
        }
        if response.bytes().await.is_err() {
            return;
        }
        ack(Ack::Assigned { case: id, to });
    }
}

/// Every case the pm sees, by id, read through sync.
async fn all_cases(base: &str) -> HashMap<i64, Value> {
    let client = reqwest::Client::new();
    let mut cases = HashMap::new();
    let mut since = String::new();
    loop {
        let page: Value = client
            .get(format!("{base}/api/v1/sync?since={since}&limit=5000"))
            .bearer_auth("demo-pm")
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        for case in page["cases"].as_array().unwrap() {
            cases.insert(case["id"].as_i64().unwrap(), case.clone());
        }
        since = page["cursor"].as_str().unwrap().to_string();
        if !page["has_more"].as_bool().unwrap() {
            return cases;
        }
    }
}

/// Writers through the API of the real binary; `kill -9` once `target`
/// writes were acknowledged while they keep writing; `serve` again on the
/// same database: every acknowledged write is there, every stored change
/// has its audit entry, the chain verifies, and new writes go on.
async fn acknowledged_writes_survive_kill_9(backend: Backend) {
    let Some(db) = Database::create(backend).await else {
        return;
    };
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let logs = tempfile::tempdir().unwrap();
    const WRITERS: usize = 4;
    let target = 200 * scale();

    let mut served = Served::start(db.url(), true, logs.path().join("first.log")).await;
    let ledger = Arc::new(Ledger::default());
    let enough = Arc::new(tokio::sync::Notify::new());
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            tokio::spawn(writer(
                served.base.clone(),
                w,
                ledger.clone(),
                enough.clone(),
                target,
            ))
        })
        .collect();
    tokio::time::timeout(Duration::from_secs(300), enough.notified())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{target} writes were not acknowledged in time: {:?}",
                ledger.unexpected.lock().unwrap()
            )
        });
    // Mid-stream: the writers are still sending.
    served.kill_9();
    for writer in writers {
        tokio::time::timeout(Duration::from_secs(60), writer)
            .await
            .expect("writers stop when the server is gone")
            .unwrap();
    }
    let unexpected = ledger.unexpected.lock().unwrap().clone();
    assert!(
        unexpected.is_empty(),
        "refused writes before the kill: {unexpected:?}"
    );
    let acks = ledger.acks.lock().unwrap().clone();
    let sent = ledger.sent.load(Ordering::SeqCst);

    let served = Served::start(db.url(), false, logs.path().join("second.log")).await;
    let cases = all_cases(&served.base).await;
    let store = store::connect(db.url()).await.unwrap();
    let mut lost = Vec::new();
    for ack in &acks {
        let present = match ack {
            Ack::Household { id, pseudonym } => store
                .household(*id)
                .await
                .unwrap()
                .is_some_and(|h| &h.pseudonym == pseudonym),
            Ack::Case { id, number } => cases.get(id).is_some_and(|c| c["number"] == **number),
            Ack::Assigned { case, to } => cases
                .get(case)
                .is_some_and(|c| c["casusregisseur"] == **to && c["version"].as_i64() >= Some(2)),
        };
        if !present {
            lost.push(ack.clone());
        }
    }
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost after kill -9: {lost:?}",
        lost.len()
    );

    // Each stored change came with its audit entry (one transaction), also
    // the ones whose answer the kill cut off.
    let (chain, appended) = store.audit_chain().await.unwrap();
    let audited: HashSet<(&str, Option<i64>)> = chain
        .iter()
        .map(|e| (e.action.as_str(), e.case_id))
        .collect();
    let acked_cases: HashSet<i64> = acks
        .iter()
        .filter_map(|a| match a {
            Ack::Case { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let written: Vec<&Value> = cases
        .values()
        .filter(|c| {
            c["pseudonym"]
                .as_str()
                .is_some_and(|p| p.starts_with("K9-"))
        })
        .collect();
    for case in &written {
        let id = case["id"].as_i64();
        assert!(
            audited.contains(&("case.create", id)),
            "case {id:?} without its audit entry"
        );
        if !case["casusregisseur"].is_null() {
            assert!(
                audited.contains(&("case.assign", id)),
                "assignment of {id:?} without its audit entry"
            );
        }
    }
    assert!(
        written
            .iter()
            .filter(|c| !acked_cases.contains(&c["id"].as_i64().unwrap()))
            .count()
            <= WRITERS,
        "at most one unanswered case per writer"
    );
    // Committed but never answered: the kill came between commit and reply.
    let committed = chain
        .iter()
        .filter(|e| ["household.create", "case.create", "case.assign"].contains(&e.action.as_str()))
        .count();
    assert!(committed >= acks.len());
    let unacknowledged = committed - acks.len();
    assert_eq!(
        regiedesk::server::audit::verify(&chain, appended),
        Ok(chain.len()),
        "the audit chain is intact after kill -9"
    );
    let verify = Command::new(env!("CARGO_BIN_EXE_regiedesk"))
        .args(["audit", "verify", "--database-url", db.url()])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success() && said.contains("auditlog intact"),
        "regiedesk audit verify: {said}{}",
        String::from_utf8_lossy(&verify.stderr)
    );

    // The counters survived too: a new household and case get fresh ids
    // and a case number nobody has.
    let client = reqwest::Client::new();
    let household: Value = client
        .post(format!("{}/api/v1/households", served.base))
        .bearer_auth("demo-pr-volw")
        .json(&json!({"members": 2}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = client
        .post(format!("{}/api/v1/cases", served.base))
        .bearer_auth("demo-pr-jeugd")
        .json(&json!({"household_id": household["id"], "domain": "jeugd", "source": "zelf"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let case: Value = response.json().await.unwrap();
    assert!(!cases.contains_key(&case["id"].as_i64().unwrap()));
    assert!(
        !cases.values().any(|c| c["number"] == case["number"]),
        "a fresh case number"
    );

    println!(
        "RELIABILITY kill-9 {name}: {} writes acknowledged ({sent} sent) before kill -9, 0 lost, {unacknowledged} more committed without an answer, audit chain intact ({} entries)",
        acks.len(),
        chain.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_sqlite() {
    acknowledged_writes_survive_kill_9(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_postgres() {
    acknowledged_writes_survive_kill_9(Backend::Postgres).await;
}
