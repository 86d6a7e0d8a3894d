// The SQL both stores share. Included by `sqlite.rs` and `postgres.rs`,
// each with its own `Db` (the sqlx driver) and `DIALECT` in scope; the
// statements here are written to mean the same on both.

use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::{FromRow, QueryBuilder, Transaction};

use crate::domain::absence::Absence;
use crate::domain::calendar::local_date;
use crate::domain::lifecycle::{NewRequest, Reopen, Transition};
use crate::domain::model::{Case, CaseEvent, EventKind, Household, Person, Request, RequestStatus};
use crate::server::audit::{AuditDraft, AuditEntry, GENESIS};
use crate::server::store::{
    AbsenceChange, CaseDetail, Contents, Counters, NewAbsence, NewCase, NewNote, PendingCommand,
    Projection, Seed, Store, StoreError, StoreResult, SyncPage, TokenHolder, ZgwKind, ZgwLink,
};

/// The store over one connection pool.
pub struct SqlStore {
    pool: sqlx::Pool<Db>,
}

type Tx = Transaction<'static, Db>;

/// Rows per multi-row INSERT when seeding: well under both databases'
/// limits on bound parameters (PostgreSQL: 65535; 31 columns x 500).
const SEED_CHUNK: usize = 500;

macro_rules! case_select {
    () => {
        "SELECT c.id, c.number, c.household_id, c.domain, c.status, c.source, c.casusregisseur, \
         c.organisation, c.referred_at, c.assigned_at, c.first_contact_at, c.first_contact_due_at, \
         c.plan_at, c.last_activity_at, c.closed_at, c.close_result, c.waakvlam_until, c.risk_flags, \
         c.escalated, c.escalated_at, c.escalated_by, c.escalation_reason, c.taken_over, \
         c.stuck_reported, c.stuck_reported_at, c.version, c.follow_up_at, c.follow_up_result, \
         c.follow_up_case_id, c.follows_case_id, c.melding_on, c.onderzoek_done_on, c.goals, c.evaluations, \
         h.pseudonym, c.seq \
         FROM cases c JOIN households h ON h.id = c.household_id"
    };
}

macro_rules! request_select {
    () => {
        "SELECT r.id, r.number, r.case_id, r.kind, r.provision, r.motivation, r.in_plan, r.filed_by, \
         r.filed_at, r.decide_by, r.status, r.decided_by, r.decided_at, r.reason, r.version, r.term, r.seq \
         FROM requests r"
    };
}

macro_rules! person_select {
    () => {
        "SELECT p.login, p.display_name, p.role, p.organisation, p.specialism, p.capacity, p.active, p.seq \
         FROM people p"
    };
}

macro_rules! audit_select {
    () => {
        "SELECT seq, at, actor, actor_role, on_behalf_of, case_id, request_id, action, result, reason, \
         prev_hash, hash FROM audit_log"
    };
}

/// A request's term as stored: the JSON of `DecisionTerm`.
fn term_json(term: &crate::domain::term::DecisionTerm) -> String {
    serde_json::to_string(term).expect("a DecisionTerm always serialises")
}

fn parse<T: std::str::FromStr>(value: &str, what: &str) -> StoreResult<T> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{what} {value:?}")))
}

#[derive(FromRow)]
struct CaseRow {
    id: i64,
    number: String,
    household_id: i64,
    domain: String,
    status: String,
    source: String,
    casusregisseur: Option<String>,
    organisation: Option<String>,
    referred_at: DateTime<Utc>,
    assigned_at: Option<DateTime<Utc>>,
    first_contact_at: Option<DateTime<Utc>>,
    first_contact_due_at: Option<DateTime<Utc>>,
    plan_at: Option<DateTime<Utc>>,
    last_activity_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    close_result: Option<String>,
    waakvlam_until: Option<NaiveDate>,
    risk_flags: String,
    escalated: bool,
    escalated_at: Option<DateTime<Utc>>,
    escalated_by: Option<String>,
    escalation_reason: Option<String>,
    taken_over: bool,
    stuck_reported: bool,
    stuck_reported_at: Option<DateTime<Utc>>,
    version: i64,
    follow_up_at: Option<DateTime<Utc>>,
    follow_up_result: Option<String>,
    follow_up_case_id: Option<i64>,
    follows_case_id: Option<i64>,
    melding_on: Option<NaiveDate>,
    onderzoek_done_on: Option<NaiveDate>,
    goals: String,
    evaluations: String,
    pseudonym: String,
    seq: i64,
}

impl CaseRow {
    fn into_case(self) -> StoreResult<Case> {
        Ok(Case {
            id: self.id,
            number: self.number,
            household_id: self.household_id,
            pseudonym: self.pseudonym,
            domain: parse(&self.domain, "domain")?,
            status: parse(&self.status, "status")?,
            source: parse(&self.source, "source")?,
            casusregisseur: self.casusregisseur,
            organisation: self.organisation,
            referred_at: self.referred_at,
            assigned_at: self.assigned_at,
            first_contact_at: self.first_contact_at,
            first_contact_due_at: self.first_contact_due_at,
            plan_at: self.plan_at,
            last_activity_at: self.last_activity_at,
            closed_at: self.closed_at,
            close_result: self
                .close_result
                .as_deref()
                .map(|r| parse(r, "close_result"))
                .transpose()?,
            waakvlam_until: self.waakvlam_until,
            risk_flags: serde_json::from_str(&self.risk_flags)
                .map_err(|e| StoreError::Corrupt(format!("risk_flags: {e}")))?,
            escalated: self.escalated,
            escalated_at: self.escalated_at,
            escalated_by: self.escalated_by,
            escalation_reason: self.escalation_reason,
            taken_over: self.taken_over,
            stuck_reported: self.stuck_reported,
            stuck_reported_at: self.stuck_reported_at,
            version: self.version,
            follow_up_at: self.follow_up_at,
            follow_up_result: self
                .follow_up_result
                .as_deref()
                .map(|r| parse(r, "follow_up_result"))
                .transpose()?,
            follow_up_case_id: self.follow_up_case_id,
            follows_case_id: self.follows_case_id,
            melding_on: self.melding_on,
            onderzoek_done_on: self.onderzoek_done_on,
            goals: serde_json::from_str(&self.goals)
                .map_err(|e| StoreError::Corrupt(format!("goals: {e}")))?,
            evaluations: serde_json::from_str(&self.evaluations)
                .map_err(|e| StoreError::Corrupt(format!("evaluations: {e}")))?,
        })
    }
}

#[derive(FromRow)]
struct RequestRow {
    id: i64,
    number: String,
    case_id: i64,
    kind: String,
    provision: String,
    motivation: String,
    in_plan: bool,
    filed_by: String,
    filed_at: DateTime<Utc>,
    decide_by: DateTime<Utc>,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    reason: Option<String>,
    version: i64,
    term: String,
    seq: i64,
}

impl RequestRow {
    fn into_request(self) -> StoreResult<Request> {
        Ok(Request {
            id: self.id,
            number: self.number,
            case_id: self.case_id,
            kind: parse(&self.kind, "kind")?,
            provision: self.provision,
            motivation: self.motivation,
            in_plan: self.in_plan,
            filed_by: self.filed_by,
            filed_at: self.filed_at,
            decide_by: self.decide_by,
            status: parse(&self.status, "request status")?,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            reason: self.reason,
            version: self.version,
            term: serde_json::from_str(&self.term)
                .map_err(|e| StoreError::Corrupt(format!("term: {e}")))?,
        })
    }
}

#[derive(FromRow)]
struct TokenHolderRow {
    #[sqlx(flatten)]
    person: PersonRow,
    service: bool,
}

#[derive(FromRow)]
struct PersonRow {
    login: String,
    display_name: String,
    role: String,
    organisation: String,
    specialism: Option<String>,
    capacity: Option<i64>,
    active: bool,
    seq: i64,
}

impl PersonRow {
    fn into_person(self) -> StoreResult<Person> {
        Ok(Person {
            login: self.login,
            display_name: self.display_name,
            role: parse(&self.role, "role")?,
            organisation: self.organisation,
            specialism: self.specialism,
            capacity: self
                .capacity
                .map(|c| u32::try_from(c).map_err(|_| StoreError::Corrupt(format!("capacity {c}"))))
                .transpose()?,
            active: self.active,
        })
    }
}

#[derive(FromRow)]
struct AuditRow {
    seq: i64,
    at: DateTime<Utc>,
    actor: String,
    actor_role: String,
    on_behalf_of: String,
    case_id: Option<i64>,
    request_id: Option<i64>,
    action: String,
    result: String,
    reason: Option<String>,
    prev_hash: String,
    hash: String,
}

impl AuditRow {
    fn into_entry(self) -> StoreResult<AuditEntry> {
        Ok(AuditEntry {
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            actor_role: match self.actor_role.as_str() {
                "" => None,
                role => Some(parse(role, "actor_role")?),
            },
            on_behalf_of: self.on_behalf_of,
            case_id: self.case_id,
            request_id: self.request_id,
            action: self.action,
            result: self.result,
            reason: self.reason,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

#[derive(FromRow)]
struct EventRow {
    at: DateTime<Utc>,
    actor: String,
    kind: String,
    note: Option<String>,
    request_id: Option<i64>,
    from_login: Option<String>,
    to_login: Option<String>,
    decision: Option<String>,
}

impl EventRow {
    fn into_event(self) -> StoreResult<CaseEvent> {
        Ok(CaseEvent {
            at: self.at,
            actor: self.actor,
            kind: parse(&self.kind, "event kind")?,
            note: self.note,
            request_id: self.request_id,
            from: self.from_login,
            to: self.to_login,
            decision: self.decision.map(|d| parse(&d, "decision")).transpose()?,
        })
    }
}

/// Takes the next `n` values of a counter and returns the last one. On the
/// `change` counter this is also the lock that orders all writers.
async fn next_value(tx: &mut Tx, counter: &str, n: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO counters (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = counters.value + $2 RETURNING value",
    )
    .bind(counter)
    .bind(n)
    .fetch_one(&mut **tx)
    .await?)
}

fn request_number(year: i32, n: i64) -> String {
    format!("AV-{year}-{n:04}")
}

/// Whether a case or request (`table`) has this number already.
async fn number_taken(tx: &mut Tx, table: &str, number: &str) -> StoreResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE number = $1"))
            .bind(number)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}

/// After a request numbered `AV-2026-0092` came in from the case system,
/// the next number regiedesk gives is past it: a store made anew over a
/// case system that holds regiedesk's earlier requests numbers on.
async fn raise_request_number(tx: &mut Tx, number: &str) -> StoreResult<()> {
    let Some((year, n)) = number
        .strip_prefix("AV-")
        .and_then(|rest| rest.split_once('-'))
        .and_then(|(y, n)| Some((y.parse::<i32>().ok()?, n.parse::<i64>().ok()?)))
    else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE \
         SET value = CASE WHEN counters.value < $2 THEN $2 ELSE counters.value END",
    )
    .bind(format!("number:AV-{year}"))
    .bind(n)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn set_counter(tx: &mut Tx, counter: &str, value: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = $2",
    )
    .bind(counter)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn append_audit(tx: &mut Tx, draft: AuditDraft) -> StoreResult<()> {
    let seq = next_value(tx, "audit", 1).await?;
    let prev: Option<String> =
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    let entry = AuditEntry::chain(seq, prev.as_deref().unwrap_or(GENESIS), draft);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, actor_role, on_behalf_of, case_id, request_id, \
         action, result, reason, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(entry.seq)
    .bind(entry.at)
    .bind(&entry.actor)
    .bind(entry.actor_role.map_or("", |r| r.as_str()))
    .bind(&entry.on_behalf_of)
    .bind(entry.case_id)
    .bind(entry.request_id)
    .bind(&entry.action)
    .bind(&entry.result)
    .bind(&entry.reason)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn risk_flags_json(case: &Case) -> String {
    serde_json::to_string(&case.risk_flags).expect("risk flags serialise")
}

fn goals_json(case: &Case) -> String {
    serde_json::to_string(&case.goals).expect("goals serialise")
}

fn evaluations_json(case: &Case) -> String {
    serde_json::to_string(&case.evaluations).expect("evaluations serialise")
}

/// Inserts cases in multi-row statements; `seqs` gives each its change number.
async fn insert_cases(
    tx: &mut Tx,
    cases: &[(Case, i64)],
    written: &(dyn Fn(u64) + Send + Sync),
) -> StoreResult<()> {
    for chunk in cases.chunks(SEED_CHUNK) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO cases (id, number, household_id, domain, status, source, casusregisseur, \
             organisation, referred_at, assigned_at, first_contact_at, first_contact_due_at, plan_at, \
             last_activity_at, closed_at, close_result, waakvlam_until, risk_flags, escalated, \
             escalated_at, escalated_by, escalation_reason, taken_over, stuck_reported, \
             stuck_reported_at, version, follow_up_at, follow_up_result, follow_up_case_id, \
             follows_case_id, melding_on, onderzoek_done_on, goals, evaluations, seq) ",
        );
        insert.push_values(chunk, |mut row, (c, seq)| {
            row.push_bind(c.id)
                .push_bind(c.number.clone())
                .push_bind(c.household_id)
                .push_bind(c.domain.as_str())
                .push_bind(c.status.as_str())
                .push_bind(c.source.as_str())
                .push_bind(c.casusregisseur.clone())
                .push_bind(c.organisation.clone())
                .push_bind(c.referred_at)
                .push_bind(c.assigned_at)
                .push_bind(c.first_contact_at)
                .push_bind(c.first_contact_due_at)
                .push_bind(c.plan_at)
                .push_bind(c.last_activity_at)
                .push_bind(c.closed_at)
                .push_bind(c.close_result.map(|r| r.as_str()))
                .push_bind(c.waakvlam_until)
                .push_bind(risk_flags_json(c))
                .push_bind(c.escalated)
                .push_bind(c.escalated_at)
                .push_bind(c.escalated_by.clone())
                .push_bind(c.escalation_reason.clone())
                .push_bind(c.taken_over)
                .push_bind(c.stuck_reported)
                .push_bind(c.stuck_reported_at)
                .push_bind(c.version)
                .push_bind(c.follow_up_at)
                .push_bind(c.follow_up_result.map(|r| r.as_str()))
                .push_bind(c.follow_up_case_id)
                .push_bind(c.follows_case_id)
                .push_bind(c.melding_on)
                .push_bind(c.onderzoek_done_on)
                .push_bind(goals_json(c))
                .push_bind(evaluations_json(c))
                .push_bind(*seq);
        });
        insert
            .build()
            .execute(&mut **tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    StoreError::HouseholdHasOpenCase
                }
                other => other.into(),
            })?;
        written(chunk.len() as u64);
    }
    Ok(())
}

async fn insert_requests(
    tx: &mut Tx,
    requests: &[(Request, i64)],
    written: &(dyn Fn(u64) + Send + Sync),
) -> StoreResult<()> {
    for chunk in requests.chunks(SEED_CHUNK) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO requests (id, number, case_id, kind, provision, motivation, in_plan, \
             filed_by, filed_at, decide_by, status, decided_by, decided_at, reason, version, term, seq) ",
        );
        insert.push_values(chunk, |mut row, (r, seq)| {
            row.push_bind(r.id)
                .push_bind(r.number.clone())
                .push_bind(r.case_id)
                .push_bind(r.kind.as_str())
                .push_bind(r.provision.clone())
                .push_bind(r.motivation.clone())
                .push_bind(r.in_plan)
                .push_bind(r.filed_by.clone())
                .push_bind(r.filed_at)
                .push_bind(r.decide_by)
                .push_bind(r.status.as_str())
                .push_bind(r.decided_by.clone())
                .push_bind(r.decided_at)
                .push_bind(r.reason.clone())
                .push_bind(r.version)
                .push_bind(term_json(&r.term))
                .push_bind(*seq);
        });
        insert.build().execute(&mut **tx).await?;
        written(chunk.len() as u64);
    }
    Ok(())
}

async fn insert_events(
    tx: &mut Tx,
    events: &[(i64, CaseEvent)],
    written: &(dyn Fn(u64) + Send + Sync),
) -> StoreResult<()> {
    for chunk in events.chunks(SEED_CHUNK) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO case_events (case_id, at, actor, kind, note, request_id, \
             from_login, to_login, decision) ",
        );
        insert.push_values(chunk, |mut row, (case_id, e)| {
            row.push_bind(*case_id)
                .push_bind(e.at)
                .push_bind(e.actor.clone())
                .push_bind(e.kind.as_str())
                .push_bind(e.note.clone())
                .push_bind(e.request_id)
                .push_bind(e.from.clone())
                .push_bind(e.to.clone())
                .push_bind(e.decision.map(|d| d.as_str()));
        });
        insert.build().execute(&mut **tx).await?;
        written(chunk.len() as u64);
    }
    Ok(())
}

async fn insert_people(tx: &mut Tx, people: &[(Person, i64)]) -> StoreResult<()> {
    for (p, seq) in people {
        sqlx::query(
            "INSERT INTO people (login, display_name, role, organisation, specialism, capacity, active, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (login) DO UPDATE SET display_name = $2, role = $3, organisation = $4, \
             specialism = $5, capacity = $6, active = $7, seq = $8",
        )
        .bind(&p.login)
        .bind(&p.display_name)
        .bind(p.role.as_str())
        .bind(&p.organisation)
        .bind(&p.specialism)
        .bind(p.capacity.map(i64::from))
        .bind(p.active)
        .bind(*seq)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Writes a case's next state if its version is still `expected`.
async fn update_case(tx: &mut Tx, c: &Case, expected: i64, seq: i64) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE cases SET status = $2, casusregisseur = $3, organisation = $4, assigned_at = $5, \
         first_contact_at = $6, first_contact_due_at = $7, plan_at = $8, last_activity_at = $9, \
         closed_at = $10, close_result = $11, waakvlam_until = $12, risk_flags = $13, escalated = $14, \
         escalated_at = $15, escalated_by = $16, escalation_reason = $17, taken_over = $18, \
         stuck_reported = $19, stuck_reported_at = $20, version = $21, seq = $22, \
         follow_up_at = $24, follow_up_result = $25, follow_up_case_id = $26, follows_case_id = $27, \
         melding_on = $28, onderzoek_done_on = $29, goals = $30, evaluations = $31 \
         WHERE id = $1 AND version = $23",
    )
    .bind(c.id)
    .bind(c.status.as_str())
    .bind(&c.casusregisseur)
    .bind(&c.organisation)
    .bind(c.assigned_at)
    .bind(c.first_contact_at)
    .bind(c.first_contact_due_at)
    .bind(c.plan_at)
    .bind(c.last_activity_at)
    .bind(c.closed_at)
    .bind(c.close_result.map(|r| r.as_str()))
    .bind(c.waakvlam_until)
    .bind(risk_flags_json(c))
    .bind(c.escalated)
    .bind(c.escalated_at)
    .bind(&c.escalated_by)
    .bind(&c.escalation_reason)
    .bind(c.taken_over)
    .bind(c.stuck_reported)
    .bind(c.stuck_reported_at)
    .bind(c.version)
    .bind(seq)
    .bind(expected)
    .bind(c.follow_up_at)
    .bind(c.follow_up_result.map(|r| r.as_str()))
    .bind(c.follow_up_case_id)
    .bind(c.follows_case_id)
    .bind(c.melding_on)
    .bind(c.onderzoek_done_on)
    .bind(goals_json(c))
    .bind(evaluations_json(c))
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::StaleVersion)
    }
}

/// Gives each request of a case a fresh change number, so a casusregisseur
/// who just received the case also receives its requests on the next sync.
async fn touch_requests_of_case(tx: &mut Tx, case_id: i64) -> StoreResult<()> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM requests WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(&mut **tx)
            .await?;
    for id in ids {
        let seq = next_value(tx, "change", 1).await?;
        sqlx::query("UPDATE requests SET seq = $2 WHERE id = $1")
            .bind(id)
            .bind(seq)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Stores a case transition inside an open write transaction.
async fn write_transition(tx: &mut Tx, t: &Transition, expected_version: i64) -> StoreResult<()> {
    let seq = next_value(tx, "change", 1).await?;
    update_case(tx, &t.case, expected_version, seq).await?;
    insert_events(tx, &[(t.case.id, t.event.clone())], &|_| {}).await?;
    if let Some(previous) = &t.previous_casusregisseur {
        let seq = next_value(tx, "change", 1).await?;
        sqlx::query("INSERT INTO scope_revocations (seq, case_id, login) VALUES ($1, $2, $3)")
            .bind(seq)
            .bind(t.case.id)
            .bind(previous)
            .execute(&mut **tx)
            .await?;
        touch_requests_of_case(tx, t.case.id).await?;
    }
    Ok(())
}

/// Numbers and inserts a new referral with its first history line.
async fn insert_referral(
    tx: &mut Tx,
    new: &NewCase,
    follows_case_id: Option<i64>,
) -> StoreResult<Case> {
    let seq = next_value(tx, "change", 1).await?;
    let household = fetch_household(tx, new.household_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("household {}", new.household_id)))?;
    let id = next_value(tx, "case", 1).await?;
    let year = local_date(new.referred_at).year();
    let n = next_value(tx, &format!("number:KST-{year}"), 1).await?;
    let mut case = Case::referral(
        id,
        format!("KST-{year}-{n:04}"),
        &household,
        new.domain,
        new.source,
        new.risk_flags.clone(),
        new.referred_at,
    );
    case.follows_case_id = follows_case_id;
    insert_cases(tx, &[(case.clone(), seq)], &|_| {}).await?;
    let event = CaseEvent::new(
        new.referred_at,
        &new.referred_by,
        EventKind::Referred,
        Some(new.source.to_string()),
    );
    insert_events(tx, &[(id, event)], &|_| {}).await?;
    Ok(case)
}

async fn fetch_household(tx: &mut Tx, id: i64) -> StoreResult<Option<Household>> {
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT id, pseudonym, members FROM households WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    row.map(|(id, pseudonym, members)| {
        let members = u32::try_from(members)
            .map_err(|_| StoreError::Corrupt(format!("members {members}")))?;
        Ok(Household {
            id,
            pseudonym,
            members,
        })
    })
    .transpose()
}

async fn fetch_case(tx: &mut Tx, id: i64) -> StoreResult<Option<Case>> {
    sqlx::query_as::<_, CaseRow>(concat!(case_select!(), " WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(CaseRow::into_case)
        .transpose()
}

async fn fetch_requests_of_case(tx: &mut Tx, case_id: i64) -> StoreResult<Vec<Request>> {
    sqlx::query_as::<_, RequestRow>(concat!(
        request_select!(),
        " WHERE r.case_id = $1 ORDER BY r.id"
    ))
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(RequestRow::into_request)
    .collect()
}

async fn fetch_request(tx: &mut Tx, id: i64) -> StoreResult<Option<Request>> {
    sqlx::query_as::<_, RequestRow>(concat!(request_select!(), " WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(RequestRow::into_request)
        .transpose()
}

/// Registers people the case system names but regiedesk does not know yet
/// (inactive, so they hold no new cases until an operator puts them).
async fn insert_unknown_people(tx: &mut Tx, people: &[Person]) -> StoreResult<()> {
    for p in people {
        let known: Option<String> = sqlx::query_scalar("SELECT login FROM people WHERE login = $1")
            .bind(&p.login)
            .fetch_optional(&mut **tx)
            .await?;
        if known.is_none() {
            let seq = next_value(tx, "change", 1).await?;
            insert_people(tx, &[(p.clone(), seq)]).await?;
            next_value(tx, "staff", 1).await?;
        }
    }
    Ok(())
}

/// The household with this pseudonym, made when it is new.
async fn household_by_pseudonym(tx: &mut Tx, pseudonym: &str) -> StoreResult<i64> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM households WHERE pseudonym = $1")
        .bind(pseudonym)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(id) = id {
        return Ok(id);
    }
    let id = next_value(tx, "household", 1).await?;
    sqlx::query("INSERT INTO households (id, pseudonym, members) VALUES ($1, $2, 1)")
        .bind(id)
        .bind(pseudonym)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// The household a projected case belongs to: the one its pseudonym
/// names, unless that household has another open case. A household has one
/// open case in regiedesk, but a case system may hold two open zaken for
/// one belanghebbende; the later of the two (by `zaak_order`) then lives
/// under `H-…-2` (a warning is logged) rather than vanish from every desk.
/// Which is later does not depend on which was projected first: an earlier
/// zaak projected after a later one takes its place, and the later one
/// moves on (a change the desks receive).
async fn household_of_projected(
    tx: &mut Tx,
    case: &Case,
    zaak_order: &str,
) -> StoreResult<(i64, String)> {
    let base = case
        .pseudonym
        .rsplit_once('-')
        .filter(|(head, n)| head.len() > 2 && n.len() < 3 && n.parse::<u8>().is_ok())
        .map_or(case.pseudonym.as_str(), |(head, _)| head)
        .to_string();
    let mut n = 1;
    loop {
        let pseudonym = household_slot(&base, n);
        let id = household_by_pseudonym(tx, &pseudonym).await?;
        let other_open: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT c.id, c.number, COALESCE(z.zaak_order, '') FROM cases c \
             LEFT JOIN zgw_zaken z ON z.kind = 'case' AND z.local_id = c.id \
             WHERE c.household_id = $1 AND c.closed_at IS NULL AND c.id <> $2",
        )
        .bind(id)
        .bind(case.id)
        .fetch_optional(&mut **tx)
        .await?;
        let free = match &other_open {
            None => true,
            _ if !case.is_open() => true,
            Some((other, number, other_order)) if zaak_order < other_order.as_str() => {
                move_on(tx, &base, n, (*other, number), case.id).await?;
                true
            }
            Some(_) => false,
        };
        if free {
            // Once per zaak: when it first moves to `-n`, not on every
            // re-read that finds it there.
            if n > 1 && case.pseudonym != pseudonym {
                tracing::warn!(number = %case.number, %pseudonym,
                    "the case system holds another open zaak for this household");
            }
            return Ok((id, pseudonym));
        }
        n += 1;
    }
}

/// The pseudonym of a household's `n`th open zaak: `base`, `base-2`, ...
fn household_slot(base: &str, n: u32) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}-{n}")
    }
}

/// Moves an open case (`other`, with its number) from slot `from` of
/// `base` to the first later slot that holds no open case but `except`'s;
/// its version and change number move, so the desks receive it.
async fn move_on(
    tx: &mut Tx,
    base: &str,
    from: u32,
    (other, number): (i64, &str),
    except: i64,
) -> StoreResult<()> {
    let mut k = from + 1;
    loop {
        let pseudonym = household_slot(base, k);
        let elsewhere = household_by_pseudonym(tx, &pseudonym).await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM cases WHERE household_id = $1 AND closed_at IS NULL AND id <> $2",
        )
        .bind(elsewhere)
        .bind(except)
        .fetch_optional(&mut **tx)
        .await?;
        if taken.is_none() {
            let seq = next_value(tx, "change", 1).await?;
            sqlx::query(
                "UPDATE cases SET household_id = $2, version = version + 1, seq = $3 WHERE id = $1",
            )
            .bind(other)
            .bind(elsewhere)
            .bind(seq)
            .execute(&mut **tx)
            .await?;
            tracing::warn!(%number, %pseudonym,
                "the case system holds an earlier open zaak for this household");
            return Ok(());
        }
        k += 1;
    }
}

async fn put_link(
    tx: &mut Tx,
    url: &str,
    kind: ZgwKind,
    id: i64,
    fingerprint: &str,
    zaak_order: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO zgw_zaken (url, kind, local_id, fingerprint, zaak_order) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (url) DO UPDATE SET fingerprint = $4, zaak_order = $5",
    )
    .bind(url)
    .bind(kind.as_str())
    .bind(id)
    .bind(fingerprint)
    .bind(zaak_order)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes a request's projected state, new or changed.
async fn write_projected_request(
    tx: &mut Tx,
    r: &crate::server::store::RequestProjection,
    case_id: i64,
) -> StoreResult<i64> {
    let mut request = r.request.clone();
    request.case_id = case_id;
    let seq = next_value(tx, "change", 1).await?;
    match r.expected_version {
        None => {
            if number_taken(tx, "requests", &request.number).await? {
                tracing::warn!(number = %request.number, fallback = %r.fallback_number,
                    "a second zaak carries this number; it gets the case system's own");
                request.number = r.fallback_number.clone();
            }
            raise_request_number(tx, &request.number).await?;
            request.id = next_value(tx, "request", 1).await?;
            insert_requests(tx, &[(request.clone(), seq)], &|_| {}).await?;
        }
        Some(expected) => {
            let done = sqlx::query(
                "UPDATE requests SET number = $2, kind = $3, provision = $4, motivation = $5, \
                 in_plan = $6, filed_by = $7, filed_at = $8, decide_by = $9, status = $10, \
                 decided_by = $11, decided_at = $12, reason = $13, version = $14, term = $15, \
                 seq = $16 WHERE id = $1 AND version = $17",
            )
            .bind(request.id)
            .bind(&request.number)
            .bind(request.kind.as_str())
            .bind(&request.provision)
            .bind(&request.motivation)
            .bind(request.in_plan)
            .bind(&request.filed_by)
            .bind(request.filed_at)
            .bind(request.decide_by)
            .bind(request.status.as_str())
            .bind(&request.decided_by)
            .bind(request.decided_at)
            .bind(&request.reason)
            .bind(request.version)
            .bind(term_json(&request.term))
            .bind(seq)
            .bind(expected)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::StaleVersion);
            }
        }
    }
    let events: Vec<(i64, CaseEvent)> = r
        .events
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if e.request_id.is_some() || e.kind == EventKind::RequestFiled {
                e.request_id = Some(request.id);
            }
            (case_id, e)
        })
        .collect();
    insert_events(tx, &events, &|_| {}).await?;
    Ok(request.id)
}

fn zgw_link_of_row(
    (url, kind, local_id, fingerprint): (String, String, i64, String),
) -> StoreResult<ZgwLink> {
    Ok(ZgwLink {
        url,
        kind: parse(&kind, "zgw kind")?,
        local_id,
        fingerprint,
    })
}

/// The tables in the order they can be dropped (every migration's table:
/// a reseed over a database, as tests/replicas.rs does, fails on a table
/// left out).
const TABLES: [&str; 17] = [
    "case_notes",
    "absence_moves",
    "absences",
    "zgw_pending",
    "zgw_zaken",
    "audit_log",
    "revoked_tokens",
    "scope_revocations",
    "case_events",
    "requests",
    "cases",
    "households",
    "tokens",
    "people",
    "meta",
    "counters",
    "_sqlx_migrations",
];

/// An item of a sync page, ordered by its change number.
enum Change {
    Case(Case),
    Request(Request),
    Person(Person),
    Removed(i64),
}

impl SqlStore {
    /// A transaction that only reads.
    async fn begin(&self) -> StoreResult<Tx> {
        Ok(self.pool.begin().await?)
    }

    /// A transaction that will write. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`): a deferred transaction that read first
    /// cannot upgrade once another writer committed after its snapshot
    /// (SQLITE_BUSY_SNAPSHOT, which the busy timeout does not wait out), and
    /// a read that writes its audit entry would fail as "database is locked".
    async fn begin_write(&self) -> StoreResult<Tx> {
        Ok(self.pool.begin_with(DIALECT_BEGIN_WRITE).await?)
    }

    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn contents(&self) -> StoreResult<Contents> {
        let demo: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'demo'")
            .fetch_optional(&self.pool)
            .await?;
        if demo.is_some() {
            return Ok(Contents::Demo);
        }
        let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
            .fetch_one(&self.pool)
            .await?;
        Ok(if people == 0 {
            Contents::Empty
        } else {
            Contents::Production
        })
    }

    async fn reset(&self) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for table in TABLES {
            sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
                .execute(&mut *tx)
                .await?;
        }
        for statement in DIALECT_RESET_EXTRA {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        self.migrate().await
    }

    async fn seed_reporting(
        &self,
        seed: &Seed,
        audit: AuditDraft,
        written: &(dyn Fn(u64) + Send + Sync),
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let changes = (seed.people.len() + seed.cases.len() + seed.requests.len()) as i64;
        let last = next_value(&mut tx, "change", changes).await?;
        let mut seq = last - changes;
        let mut numbered = |n: usize| {
            let first = seq + 1;
            seq += n as i64;
            first
        };
        let first = numbered(seed.people.len());
        let people: Vec<_> = seed.people.iter().cloned().zip(first..).collect();
        insert_people(&mut tx, &people).await?;
        for (login, hash) in &seed.tokens {
            sqlx::query("INSERT INTO tokens (token_hash, login) VALUES ($1, $2)")
                .bind(hash)
                .bind(login)
                .execute(&mut *tx)
                .await?;
        }
        for chunk in seed.households.chunks(SEED_CHUNK) {
            let mut insert =
                QueryBuilder::<Db>::new("INSERT INTO households (id, pseudonym, members) ");
            insert.push_values(chunk, |mut row, h| {
                row.push_bind(h.id)
                    .push_bind(h.pseudonym.clone())
                    .push_bind(i64::from(h.members));
            });
            insert.build().execute(&mut *tx).await?;
            written(chunk.len() as u64);
        }
        let first = numbered(seed.cases.len());
        let cases: Vec<_> = seed.cases.iter().cloned().zip(first..).collect();
        insert_cases(&mut tx, &cases, written).await?;
        let first = numbered(seed.requests.len());
        let requests: Vec<_> = seed.requests.iter().cloned().zip(first..).collect();
        insert_requests(&mut tx, &requests, written).await?;
        insert_events(&mut tx, &seed.events, written).await?;

        // Counters continue after the seeded ids and numbers.
        let max = |ids: &mut dyn Iterator<Item = i64>| ids.max().unwrap_or(0);
        set_counter(
            &mut tx,
            "household",
            max(&mut seed.households.iter().map(|h| h.id)),
        )
        .await?;
        set_counter(&mut tx, "case", max(&mut seed.cases.iter().map(|c| c.id))).await?;
        set_counter(
            &mut tx,
            "request",
            max(&mut seed.requests.iter().map(|r| r.id)),
        )
        .await?;
        let mut per_year = std::collections::BTreeMap::<String, i64>::new();
        for number in seed
            .cases
            .iter()
            .map(|c| &c.number)
            .chain(seed.requests.iter().map(|r| &r.number))
        {
            if let Some((prefix, n)) = number.rsplit_once('-') {
                let entry = per_year.entry(format!("number:{prefix}")).or_default();
                *entry = (*entry).max(n.parse().unwrap_or(0));
            }
        }
        for (counter, value) in per_year {
            set_counter(&mut tx, &counter, value).await?;
        }
        // The staff counter tags every server's cached tokens; a reseed
        // must not land on a value from before the reset, so it starts
        // from the wall clock (not the demo's clock) instead of from zero.
        set_counter(&mut tx, "staff", Utc::now().timestamp_micros()).await?;
        sqlx::query("INSERT INTO meta (key, value) VALUES ('demo', 'true')")
            .execute(&mut *tx)
            .await?;
        // What the seed left the change counter at: anything beyond was
        // written later, through the API, and a reseed would lose it.
        let households = max(&mut seed.households.iter().map(|h| h.id));
        sqlx::query("INSERT INTO meta (key, value) VALUES ('seeded_at', $1)")
            .bind(format!("{last} {households}"))
            .execute(&mut *tx)
            .await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        // Fresh statistics for the planner: after a bulk load PostgreSQL's
        // are stale until autovacuum runs, and it then joins a
        // casusregisseur's requests by scanning all of them.
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn person_by_token(&self, token_hash: &str) -> StoreResult<Option<TokenHolder>> {
        sqlx::query_as::<_, TokenHolderRow>(concat!(
            "SELECT p.login, p.display_name, p.role, p.organisation, p.specialism, p.capacity, p.active, p.seq, t.service \
             FROM people p",
            " JOIN tokens t ON t.login = p.login WHERE t.token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| {
            Ok(TokenHolder {
                person: row.person.into_person()?,
                service: row.service,
            })
        })
        .transpose()
    }

    async fn person(&self, login: &str) -> StoreResult<Option<Person>> {
        sqlx::query_as::<_, PersonRow>(concat!(person_select!(), " WHERE p.login = $1"))
            .bind(login)
            .fetch_optional(&self.pool)
            .await?
            .map(PersonRow::into_person)
            .transpose()
    }

    async fn put_person(&self, person: &Person) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let seq = next_value(&mut tx, "change", 1).await?;
        // Staff changed: every server's token cache starts afresh.
        next_value(&mut tx, "staff", 1).await?;
        insert_people(&mut tx, &[(person.clone(), seq)]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn counters(&self) -> StoreResult<Counters> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT name, value FROM counters WHERE name IN ('change', 'staff')")
                .fetch_all(&self.pool)
                .await?;
        let value = |name: &str| {
            rows.iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, value)| *value)
        };
        Ok(Counters {
            change: value("change"),
            staff: value("staff"),
        })
    }

    async fn written_since_seed(&self) -> StoreResult<bool> {
        // Every write moves the change counter (cases, requests, people)
        // or the household counter; the seed noted both.
        let seeded: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'seeded_at'")
                .fetch_optional(&self.pool)
                .await?;
        let seeded = seeded.and_then(|v| {
            let (change, households) = v.split_once(' ')?;
            Some((change.parse::<i64>().ok()?, households.parse::<i64>().ok()?))
        });
        let Some((change, households)) = seeded else {
            // A demo seeded before this was recorded: assume the worst.
            return Ok(true);
        };
        let now: Option<i64> =
            sqlx::query_scalar("SELECT value FROM counters WHERE name = 'household'")
                .fetch_optional(&self.pool)
                .await?;
        Ok(self.counters().await?.change > change || now.unwrap_or(0) > households)
    }

    async fn revoke_tokens(&self, login: &str, at: DateTime<Utc>) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        next_value(&mut tx, "staff", 1).await?;
        let hashes: Vec<String> =
            sqlx::query_scalar("SELECT token_hash FROM tokens WHERE login = $1")
                .bind(login)
                .fetch_all(&mut *tx)
                .await?;
        for hash in &hashes {
            sqlx::query(
                "INSERT INTO revoked_tokens (token_hash, login, revoked_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (token_hash) DO NOTHING",
            )
            .bind(hash)
            .bind(login)
            .bind(at.to_rfc3339())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM tokens WHERE login = $1")
            .bind(login)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(hashes.len())
    }

    async fn token_revoked(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(DateTime<Utc>, crate::domain::model::Login)>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT revoked_at, login FROM revoked_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(at, login)| Ok((parse::<DateTime<Utc>>(&at, "revoked_at")?, login)))
            .transpose()
    }

    async fn epoch(&self) -> StoreResult<String> {
        let epoch: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'epoch'")
                .fetch_optional(&self.pool)
                .await?;
        Ok(epoch.unwrap_or_default())
    }

    async fn new_epoch(&self, epoch: &str) -> StoreResult<()> {
        sqlx::query("UPDATE meta SET value = $1 WHERE key = 'epoch'")
            .bind(epoch)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn is_service_account(&self, login: &str) -> StoreResult<bool> {
        let service: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM tokens WHERE login = $1 AND service")
                .bind(login)
                .fetch_one(&self.pool)
                .await?;
        Ok(service > 0)
    }

    async fn add_token(&self, login: &str, token_hash: &str, service: bool) -> StoreResult<()> {
        // The staff counter moves: a login that becomes a service account
        // stops logging in through the identity provider on every server
        // within a refresh of the counters.
        let mut tx = self.begin_write().await?;
        next_value(&mut tx, "staff", 1).await?;
        sqlx::query("INSERT INTO tokens (token_hash, login, service) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(login)
            .bind(service)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_household(
        &self,
        pseudonym: &str,
        members: u32,
        audit: AuditDraft,
    ) -> StoreResult<Household> {
        let mut tx = self.begin_write().await?;
        let id = next_value(&mut tx, "household", 1).await?;
        let inserted =
            sqlx::query("INSERT INTO households (id, pseudonym, members) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(pseudonym)
                .bind(i64::from(members))
                .execute(&mut *tx)
                .await;
        match inserted {
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                return Err(StoreError::Duplicate("pseudonym"));
            }
            other => other?,
        };
        append_audit(
            &mut tx,
            AuditDraft {
                reason: None,
                ..audit
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Household {
            id,
            pseudonym: pseudonym.to_string(),
            members,
        })
    }

    async fn household(&self, id: i64) -> StoreResult<Option<Household>> {
        let mut tx = self.begin().await?;
        let household = fetch_household(&mut tx, id).await?;
        tx.commit().await?;
        Ok(household)
    }

    async fn household_ids(&self) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM households ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn create_case(&self, new: NewCase, audit: AuditDraft) -> StoreResult<Case> {
        let mut tx = self.begin_write().await?;
        let case = insert_referral(&mut tx, &new, None).await?;
        append_audit(&mut tx, audit.case(case.id)).await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn record_follow_up(
        &self,
        t: &Transition,
        expected_version: i64,
        reopen: Option<Reopen>,
        audit: AuditDraft,
    ) -> StoreResult<(Case, Option<Case>)> {
        let mut tx = self.begin_write().await?;
        let mut t = t.clone();
        let mut opened = None;
        if let Some(reopen) = reopen {
            // One household, one case: a household that has an open case
            // again (referred meanwhile) gets no second one; the follow-up
            // is linked to that case instead.
            let open: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM cases WHERE household_id = $1 AND closed_at IS NULL",
            )
            .bind(reopen.household_id)
            .fetch_optional(&mut *tx)
            .await?;
            let linked = match open {
                Some(id) => id,
                None => {
                    let new = NewCase {
                        household_id: reopen.household_id,
                        domain: reopen.domain,
                        source: reopen.source,
                        risk_flags: reopen.risk_flags,
                        referred_at: reopen.referred_at,
                        referred_by: t.event.actor.clone(),
                    };
                    let case = insert_referral(&mut tx, &new, Some(reopen.follows_case_id)).await?;
                    let mut created = audit.clone();
                    created.action = "case.create".into();
                    created.reason = None;
                    append_audit(&mut tx, created.case(case.id)).await?;
                    let id = case.id;
                    opened = Some(case);
                    id
                }
            };
            t.case.follow_up_case_id = Some(linked);
        }
        write_transition(&mut tx, &t, expected_version).await?;
        append_audit(&mut tx, audit.case(t.case.id)).await?;
        tx.commit().await?;
        Ok((t.case, opened))
    }

    async fn case(&self, id: i64) -> StoreResult<Option<Case>> {
        let mut tx = self.begin().await?;
        let case = fetch_case(&mut tx, id).await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn case_detail(&self, id: i64, audit: AuditDraft) -> StoreResult<Option<CaseDetail>> {
        let mut tx = self.begin_write().await?;
        // The audit counter first: it takes the write lock before any read,
        // so the transaction never has to upgrade (SQLite) mid-way.
        append_audit(&mut tx, audit.case(id)).await?;
        let Some(case) = fetch_case(&mut tx, id).await? else {
            return Ok(None); // dropped: nothing audited for a case that is not there
        };
        let household = fetch_household(&mut tx, case.household_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("household {}", case.household_id)))?;
        let events = sqlx::query_as::<_, EventRow>(
            "SELECT at, actor, kind, note, request_id, from_login, to_login, decision \
             FROM case_events WHERE case_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(EventRow::into_event)
        .collect::<StoreResult<Vec<_>>>()?;
        let requests = fetch_requests_of_case(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Some(CaseDetail {
            case,
            household,
            events,
            requests,
        }))
    }

    async fn requests_of_case(&self, case_id: i64) -> StoreResult<Vec<Request>> {
        let mut tx = self.begin().await?;
        let requests = fetch_requests_of_case(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(requests)
    }

    async fn save_transition(
        &self,
        t: &Transition,
        expected_version: i64,
        audit: AuditDraft,
    ) -> StoreResult<Case> {
        let mut tx = self.begin_write().await?;
        write_transition(&mut tx, t, expected_version).await?;
        append_audit(&mut tx, audit.case(t.case.id)).await?;
        tx.commit().await?;
        Ok(t.case.clone())
    }

    async fn file_request(
        &self,
        new: NewRequest,
        t: &Transition,
        expected_version: i64,
        audit: AuditDraft,
    ) -> StoreResult<(Request, Case)> {
        let mut tx = self.begin_write().await?;
        write_transition(&mut tx, t, expected_version).await?;
        let seq = next_value(&mut tx, "change", 1).await?;
        let id = next_value(&mut tx, "request", 1).await?;
        let year = local_date(new.filed_at).year();
        let n = next_value(&mut tx, &format!("number:AV-{year}"), 1).await?;
        let request = Request {
            id,
            number: request_number(year, n),
            case_id: new.case_id,
            kind: new.kind,
            provision: new.provision,
            motivation: new.motivation,
            in_plan: new.in_plan,
            filed_by: new.filed_by,
            filed_at: new.filed_at,
            decide_by: new.decide_by,
            status: RequestStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            term: Default::default(),
        };
        insert_requests(&mut tx, &[(request.clone(), seq)], &|_| {}).await?;
        sqlx::query("UPDATE case_events SET request_id = $1 WHERE id = (SELECT MAX(id) FROM case_events WHERE case_id = $2)")
            .bind(id)
            .bind(t.case.id)
            .execute(&mut *tx)
            .await?;
        append_audit(&mut tx, audit.case(t.case.id).request(id)).await?;
        tx.commit().await?;
        Ok((request, t.case.clone()))
    }

    async fn request(&self, id: i64) -> StoreResult<Option<Request>> {
        let mut tx = self.begin().await?;
        let request = fetch_request(&mut tx, id).await?;
        tx.commit().await?;
        Ok(request)
    }

    async fn request_detail(&self, id: i64, audit: AuditDraft) -> StoreResult<Option<Request>> {
        let mut tx = self.begin_write().await?;
        let request = fetch_request(&mut tx, id).await?;
        if let Some(r) = &request {
            append_audit(&mut tx, audit.case(r.case_id).request(r.id)).await?;
        }
        tx.commit().await?;
        Ok(request)
    }

    async fn save_request(
        &self,
        request: &Request,
        expected_version: i64,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> StoreResult<Request> {
        let mut tx = self.begin_write().await?;
        let seq = next_value(&mut tx, "change", 1).await?;
        let done = sqlx::query(
            "UPDATE requests SET status = $2, decided_by = $3, decided_at = $4, reason = $5, \
             version = $6, seq = $7, decide_by = $9, term = $10 WHERE id = $1 AND version = $8",
        )
        .bind(request.id)
        .bind(request.status.as_str())
        .bind(&request.decided_by)
        .bind(request.decided_at)
        .bind(&request.reason)
        .bind(request.version)
        .bind(seq)
        .bind(expected_version)
        .bind(request.decide_by)
        .bind(term_json(&request.term))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::StaleVersion);
        }
        insert_events(&mut tx, &[(request.case_id, event.clone())], &|_| {}).await?;
        append_audit(&mut tx, audit.case(request.case_id).request(request.id)).await?;
        tx.commit().await?;
        Ok(request.clone())
    }

    async fn sync(&self, since: i64, scope: Option<&str>, limit: usize) -> StoreResult<SyncPage> {
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
        let mut tx = self.begin().await?;
        for statement in DIALECT_SNAPSHOT {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        // First the page's end: the seq numbers alone, at most `limit + 1`
        // from each table's index, give the `limit`-th change overall (and
        // whether there is one more). Then exactly the page's rows are read.
        // Scoped and unscoped are separate statements, so each can use its
        // index (a `$2 IS NULL OR ...` would keep the planner from it).
        let (case_scope, request_join, request_scope, revocations) = match scope {
            Some(_) => (
                " AND c.casusregisseur = $4",
                " JOIN cases c ON c.id = r.case_id",
                " AND c.casusregisseur = $4",
                " UNION ALL SELECT * FROM (SELECT v.seq FROM scope_revocations v \
                 WHERE v.login = $4 AND v.seq > $1 ORDER BY v.seq LIMIT $2) AS v",
            ),
            None => ("", "", "", ""),
        };
        let ends = format!(
            "SELECT seq FROM (\
               SELECT * FROM (SELECT c.seq FROM cases c WHERE c.seq > $1{case_scope} \
                              ORDER BY c.seq LIMIT $2) AS c \
               UNION ALL SELECT * FROM (SELECT r.seq FROM requests r{request_join} \
                              WHERE r.seq > $1{request_scope} ORDER BY r.seq LIMIT $2) AS r \
               UNION ALL SELECT * FROM (SELECT p.seq FROM people p WHERE p.seq > $1 \
                              ORDER BY p.seq LIMIT $2) AS p{revocations}\
             ) AS s ORDER BY seq LIMIT 2 OFFSET $3"
        );
        let mut query = sqlx::query_scalar::<_, i64>(&ends)
            .bind(since)
            .bind(fetch)
            .bind(fetch - 2);
        if let Some(login) = scope {
            query = query.bind(login);
        }
        let ends = query.fetch_all(&mut *tx).await?;
        let (upper, has_more) = match ends.as_slice() {
            [last, _next] => (*last, true),
            _ => (i64::MAX, false),
        };
        let (case_scope, request_scope) = match scope {
            Some(_) => (" AND c.casusregisseur = $3", " AND c.casusregisseur = $3"),
            None => ("", ""),
        };
        let mut changes: Vec<(i64, Change)> = Vec::new();
        let cases = format!(
            "{} WHERE c.seq > $1 AND c.seq <= $2{case_scope} ORDER BY c.seq",
            case_select!()
        );
        let mut query = sqlx::query_as::<_, CaseRow>(&cases).bind(since).bind(upper);
        if let Some(login) = scope {
            query = query.bind(login);
        }
        for row in query.fetch_all(&mut *tx).await? {
            changes.push((row.seq, Change::Case(row.into_case()?)));
        }
        let requests = format!(
            "{}{request_join} WHERE r.seq > $1 AND r.seq <= $2{request_scope} ORDER BY r.seq",
            request_select!()
        );
        let mut query = sqlx::query_as::<_, RequestRow>(&requests)
            .bind(since)
            .bind(upper);
        if let Some(login) = scope {
            query = query.bind(login);
        }
        for row in query.fetch_all(&mut *tx).await? {
            changes.push((row.seq, Change::Request(row.into_request()?)));
        }
        for row in sqlx::query_as::<_, PersonRow>(concat!(
            person_select!(),
            " WHERE p.seq > $1 AND p.seq <= $2 ORDER BY p.seq"
        ))
        .bind(since)
        .bind(upper)
        .fetch_all(&mut *tx)
        .await?
        {
            changes.push((row.seq, Change::Person(row.into_person()?)));
        }
        let logins: Vec<&str> = changes
            .iter()
            .filter_map(|(_, change)| match change {
                Change::Person(p) => Some(p.login.as_str()),
                _ => None,
            })
            .collect();
        let absences = SqlStore::absences_of_people(&mut tx, &logins).await?;
        if let Some(login) = scope {
            let removed: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT seq, case_id FROM scope_revocations WHERE login = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
            )
            .bind(login)
            .bind(since)
            .bind(upper)
            .fetch_all(&mut *tx)
            .await?;
            changes.extend(
                removed
                    .into_iter()
                    .map(|(seq, id)| (seq, Change::Removed(id))),
            );
        }
        // The change counter in the same snapshot: every change up to it
        // that this caller may see is in the rows just read.
        let latest: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = 'change'",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;

        changes.sort_by_key(|(seq, _)| *seq);
        let last = changes.last().map_or(since, |(seq, _)| *seq);
        let mut page = SyncPage {
            // On the last page the cursor is the snapshot's latest change,
            // also when the latest changes lie outside the caller's scope:
            // so an idle poll of any caller can be answered from the
            // counter alone (see `server::watch`).
            cursor: if has_more { last } else { last.max(latest) },
            has_more,
            latest,
            absences,
            ..SyncPage::default()
        };
        for (_, change) in changes {
            match change {
                Change::Case(c) => page.cases.push(c),
                Change::Request(r) => page.requests.push(r),
                Change::Person(p) => page.people.push(p),
                Change::Removed(id) => page.removed_cases.push(id),
            }
        }
        Ok(page)
    }

    async fn add_absence(&self, new: NewAbsence, audit: AuditDraft) -> StoreResult<Absence> {
        self.insert_absence(new, audit).await
    }

    async fn absence(&self, id: i64) -> StoreResult<Option<Absence>> {
        self.read_absence(id).await
    }

    async fn change_absence(
        &self,
        id: i64,
        change: AbsenceChange,
        audit: AuditDraft,
    ) -> StoreResult<Absence> {
        self.update_absence(id, change, audit).await
    }

    async fn absence_moved(&self, absence_id: i64, case_id: i64, to: &str) -> StoreResult<()> {
        self.insert_absence_move(absence_id, case_id, to).await
    }

    async fn add_note(&self, new: NewNote, audit: AuditDraft) -> StoreResult<CaseNote> {
        self.insert_note(new, audit).await
    }

    async fn note(&self, id: i64) -> StoreResult<Option<CaseNote>> {
        self.read_note(id).await
    }

    async fn finish_note(&self, id: i64, audit: AuditDraft) -> StoreResult<CaseNote> {
        self.update_note_done(id, audit).await
    }

    async fn notes_of(&self, case_id: i64, author: &str) -> StoreResult<Vec<CaseNote>> {
        self.read_notes_of(case_id, author).await
    }

    async fn reminders_of(&self, author: &str) -> StoreResult<Vec<Reminder>> {
        self.read_reminders_of(author).await
    }

    async fn zgw_links(&self) -> StoreResult<Vec<ZgwLink>> {
        let rows: Vec<(String, String, i64, String)> =
            sqlx::query_as("SELECT url, kind, local_id, fingerprint FROM zgw_zaken ORDER BY url")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(zgw_link_of_row).collect()
    }

    async fn zgw_link(&self, url: &str) -> StoreResult<Option<ZgwLink>> {
        let row: Option<(String, String, i64, String)> =
            sqlx::query_as("SELECT url, kind, local_id, fingerprint FROM zgw_zaken WHERE url = $1")
                .bind(url)
                .fetch_optional(&self.pool)
                .await?;
        row.map(zgw_link_of_row).transpose()
    }

    async fn reserve_request_number(&self, year: i32) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let n = next_value(&mut tx, &format!("number:AV-{year}"), 1).await?;
        tx.commit().await?;
        Ok(request_number(year, n))
    }

    async fn zgw_url(&self, kind: ZgwKind, local_id: i64) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT url FROM zgw_zaken WHERE kind = $1 AND local_id = $2")
                .bind(kind.as_str())
                .bind(local_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn save_projection(&self, p: &Projection) -> StoreResult<Case> {
        let mut tx = self.begin_write().await?;
        insert_unknown_people(&mut tx, &p.people).await?;
        let mut case = p.case.clone();
        let (household_id, pseudonym) =
            household_of_projected(&mut tx, &case, &p.zaak_order).await?;
        case.household_id = household_id;
        case.pseudonym = pseudonym;
        match p.expected_version {
            None => {
                if number_taken(&mut tx, "cases", &case.number).await? {
                    tracing::warn!(number = %case.number, fallback = %p.fallback_number,
                        "a second zaak carries this number; it gets the case system's own");
                    case.number = p.fallback_number.clone();
                }
                let seq = next_value(&mut tx, "change", 1).await?;
                case.id = next_value(&mut tx, "case", 1).await?;
                insert_cases(&mut tx, &[(case.clone(), seq)], &|_| {}).await?;
            }
            Some(expected) if p.changed => {
                // What regiedesk itself never changes, the case system may.
                sqlx::query(
                    "UPDATE cases SET household_id = $2, domain = $3, source = $4, \
                     referred_at = $5 WHERE id = $1",
                )
                .bind(case.id)
                .bind(household_id)
                .bind(case.domain.as_str())
                .bind(case.source.as_str())
                .bind(case.referred_at)
                .execute(&mut *tx)
                .await?;
                let seq = next_value(&mut tx, "change", 1).await?;
                update_case(&mut tx, &case, expected, seq).await?;
            }
            Some(_) => {}
        }
        let events: Vec<(i64, CaseEvent)> = p.events.iter().map(|e| (case.id, e.clone())).collect();
        insert_events(&mut tx, &events, &|_| {}).await?;
        if let Some(previous) = &p.previous_casusregisseur {
            let seq = next_value(&mut tx, "change", 1).await?;
            sqlx::query("INSERT INTO scope_revocations (seq, case_id, login) VALUES ($1, $2, $3)")
                .bind(seq)
                .bind(case.id)
                .bind(previous)
                .execute(&mut *tx)
                .await?;
            touch_requests_of_case(&mut tx, case.id).await?;
        }
        put_link(
            &mut tx,
            &p.url,
            ZgwKind::Case,
            case.id,
            &p.fingerprint,
            &p.zaak_order,
        )
        .await?;
        for r in &p.requests {
            let id = if r.changed || r.expected_version.is_none() {
                write_projected_request(&mut tx, r, case.id).await?
            } else {
                r.request.id
            };
            put_link(&mut tx, &r.url, ZgwKind::Request, id, "", "").await?;
        }
        if let Some(audit) = &p.audit {
            append_audit(&mut tx, audit.clone().case(case.id)).await?;
        }
        if let Some(id) = p.settles {
            sqlx::query("DELETE FROM zgw_pending WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let stored = fetch_case(&mut tx, case.id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("case {} vanished", case.id)))?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn zgw_pending_enter(
        &self,
        case_url: &str,
        command: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id = next_value(&mut tx, "zgw_pending", 1).await?;
        sqlx::query(
            "INSERT INTO zgw_pending (id, case_url, command, entered_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(case_url)
        .bind(command)
        .bind(at.to_rfc3339())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn zgw_pending(&self, case_url: Option<&str>) -> StoreResult<Vec<PendingCommand>> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT id, case_url, command, entered_at FROM zgw_pending \
             WHERE $1 IS NULL OR case_url = $1 ORDER BY id",
        )
        .bind(case_url)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, case_url, command, at)| {
                let entered_at = DateTime::parse_from_rfc3339(&at)
                    .map_err(|e| StoreError::Corrupt(format!("zgw_pending {id}: {e}")))?
                    .with_timezone(&Utc);
                Ok(PendingCommand {
                    id,
                    case_url,
                    command,
                    entered_at,
                })
            })
            .collect()
    }

    async fn zgw_pending_settle(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM zgw_pending WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn append_audit_entry(&self, audit: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_entries(
        &self,
        case_id: Option<i64>,
        since: Option<DateTime<Utc>>,
        limit: usize,
    ) -> StoreResult<Vec<AuditEntry>> {
        sqlx::query_as::<_, AuditRow>(concat!(
            audit_select!(),
            " WHERE ($1 IS NULL OR case_id = $1) AND ($2 IS NULL OR at >= $2) ORDER BY seq LIMIT $3"
        ))
        .bind(case_id)
        .bind(since)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(AuditRow::into_entry)
        .collect()
    }

    async fn audit_chain(&self) -> StoreResult<(Vec<AuditEntry>, i64)> {
        let mut tx = self.begin().await?;
        let entries = sqlx::query_as::<_, AuditRow>(concat!(audit_select!(), " ORDER BY seq"))
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(AuditRow::into_entry)
            .collect::<StoreResult<Vec<_>>>()?;
        let last: Option<i64> =
            sqlx::query_scalar("SELECT value FROM counters WHERE name = 'audit'")
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok((entries, last.unwrap_or(0)))
    }
}
