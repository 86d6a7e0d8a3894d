//! Persistence: one trait, two implementations (SQLite and PostgreSQL) that
//! share their SQL (see `shared.rs`) and pass the same test suite.
//!
//! Every write runs in one transaction that first takes the next value of
//! the `change` counter. That row lock serialises writers, so change
//! sequence numbers become visible in the order they were handed out, and a
//! sync cursor (`seq > cursor`) can never skip a change that commits late.

mod postgres;
mod sqlite;
// `shared.rs` is compiled only through `include!` in the two stores; this
// never-compiled declaration lets `cargo fmt` reach it too.
#[cfg(any())]
mod shared;
#[cfg(any())]
mod shared_absences;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::absence::Absence;
use crate::domain::lifecycle::{NewRequest, Reopen, Transition};
use crate::domain::model::{
    Case, CaseDomain, CaseEvent, Household, Login, Person, Request, RiskFlag, Source,
};
use crate::domain::note::{CaseNote, Reminder};
use crate::server::audit::{AuditDraft, AuditEntry};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row changed since it was read (optimistic concurrency).
    #[error("stale version")]
    StaleVersion,
    /// The household already has an open case (1 gezin, 1 plan, 1 regisseur).
    #[error("household already has an open case")]
    HouseholdHasOpenCase,
    /// A unique value (pseudonym, login) is taken.
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// An absence would share a day with another of the same person: the
    /// other one's first and last day.
    #[error("overlaps the absence of {0} to {1}")]
    AbsenceOverlaps(NaiveDate, NaiveDate),
    /// No absence of that id (or it was withdrawn).
    #[error("no such absence")]
    NoSuchAbsence,
    /// No note of that id.
    #[error("no such note")]
    NoSuchNote,
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A new referral, before the store numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub household_id: i64,
    pub domain: CaseDomain,
    pub source: Source,
    pub risk_flags: Vec<RiskFlag>,
    pub referred_at: DateTime<Utc>,
    pub referred_by: String,
}

/// One page of changes after a cursor, as one consistent snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncPage {
    /// The change sequence number this page reaches; pass it as `since`.
    pub cursor: i64,
    pub has_more: bool,
    /// The latest change in the store when the page was read.
    pub latest: i64,
    pub cases: Vec<Case>,
    pub requests: Vec<Request>,
    pub people: Vec<Person>,
    /// The absences of the people in `people`, all of them (a desk
    /// replaces what it held for each person).
    pub absences: Vec<Absence>,
    /// Cases that left the caller's scope (reassigned away).
    pub removed_cases: Vec<i64>,
}

/// A new note, before the store numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    pub case_id: i64,
    pub author: Login,
    pub text: String,
    pub remind_on: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

/// A new absence, before the store numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAbsence {
    pub login: Login,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub temporary: bool,
    pub by: Login,
    pub at: DateTime<Utc>,
}

/// What can change about an absence once recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbsenceChange {
    /// Back earlier or later: a new last day.
    Until(NaiveDate),
    /// The return was dealt with (see `Absence::settled`).
    Settled,
    /// Recorded by mistake: gone from every desk.
    Withdrawn,
}

/// Everything in a case's detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    pub case: Case,
    pub household: Household,
    pub events: Vec<CaseEvent>,
    pub requests: Vec<Request>,
}

/// The counters every server process watches (see `server::watch`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub change: i64,
    pub staff: i64,
}

/// What the database holds, so `serve --demo` knows whether it may seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    Empty,
    Demo,
    Production,
}

/// The seeded demo municipality, written in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seed {
    pub people: Vec<Person>,
    /// (login, token hash)
    pub tokens: Vec<(String, String)>,
    pub households: Vec<Household>,
    pub cases: Vec<Case>,
    pub requests: Vec<Request>,
    /// (case id, event)
    pub events: Vec<(i64, CaseEvent)>,
}

/// Which side of a ZGW link a zaak is: a case or a request deelzaak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZgwKind {
    Case,
    Request,
}

impl ZgwKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ZgwKind::Case => "case",
            ZgwKind::Request => "request",
        }
    }
}

impl std::str::FromStr for ZgwKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "case" => Ok(ZgwKind::Case),
            "request" => Ok(ZgwKind::Request),
            _ => Err(()),
        }
    }
}

/// A zaak of the case system and the case or request it projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZgwLink {
    pub url: String,
    pub kind: ZgwKind,
    pub local_id: i64,
    /// What the flat lists last showed of it (cases only).
    pub fingerprint: String,
}

/// One case zaak as projected from the case system, written in one
/// transaction (see `zgw::source`).
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub url: String,
    pub fingerprint: String,
    /// The zaak's place among its household's open zaken
    /// (`registratiedatum|identificatie`): the later of two lives under
    /// `H-…-2`.
    pub zaak_order: String,
    /// Its `id` is ignored when new (`expected_version` is `None`); the
    /// household is found or made by the pseudonym.
    pub case: Case,
    /// The number to take when a new case's number is another's already
    /// (a kenmerk typed twice, two regiedesks writing into one case
    /// system): the case system's own.
    pub fallback_number: String,
    pub expected_version: Option<i64>,
    /// Whether the case's state differs from what is stored.
    pub changed: bool,
    pub events: Vec<CaseEvent>,
    /// The casusregisseur who lost the case, to drop it from their desk.
    pub previous_casusregisseur: Option<String>,
    pub requests: Vec<RequestProjection>,
    /// Medewerkers the case system names that regiedesk does not know.
    pub people: Vec<Person>,
    pub audit: Option<AuditDraft>,
    /// The pending command (`zgw_pending_enter`) this projection shows
    /// written: settled in the same transaction.
    pub settles: Option<i64>,
}

/// A command written to the case system and not read back yet: its zaak
/// and what it was, as the source wrote it down (opaque to the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCommand {
    pub id: i64,
    pub case_url: String,
    pub command: String,
    pub entered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestProjection {
    pub url: String,
    /// Its `id` and `case_id` are the store's to give when new.
    pub request: Request,
    /// As `Projection::fallback_number`.
    pub fallback_number: String,
    pub expected_version: Option<i64>,
    pub changed: bool,
    /// History lines; a line with a `request_id` gets the request's id.
    pub events: Vec<CaseEvent>,
}

/// The holder of a static token.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenHolder {
    pub person: Person,
    /// A service account's token, not a person's.
    pub service: bool,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    async fn contents(&self) -> StoreResult<Contents>;
    /// Drops every table and migrates again (only ever for demo data).
    async fn reset(&self) -> StoreResult<()>;
    async fn seed(&self, seed: &Seed, audit: AuditDraft) -> StoreResult<()> {
        self.seed_reporting(seed, audit, &|_| {}).await
    }
    /// [`Store::seed`], telling `written` how many more rows (households,
    /// cases, requests, history) went in after each batch.
    async fn seed_reporting(
        &self,
        seed: &Seed,
        audit: AuditDraft,
        written: &(dyn Fn(u64) + Send + Sync),
    ) -> StoreResult<()>;

    /// Who holds the static token with this hash, and whether it is a
    /// service account's.
    async fn person_by_token(&self, token_hash: &str) -> StoreResult<Option<TokenHolder>>;
    async fn person(&self, login: &str) -> StoreResult<Option<Person>>;
    /// Adds or updates a member of staff.
    async fn put_person(&self, person: &Person) -> StoreResult<()>;
    /// Adds a static token; `service`: for a service account (an export
    /// job), which `[auth] static_tokens = "service-only"` still admits.
    async fn add_token(&self, login: &str, token_hash: &str, service: bool) -> StoreResult<()>;
    /// Whether `login` holds a service account's static token.
    async fn is_service_account(&self, login: &str) -> StoreResult<bool>;
    /// Ends every token of `login` at once; returns how many there were.
    async fn revoke_tokens(&self, login: &str, at: DateTime<Utc>) -> StoreResult<usize>;
    /// When the token with this hash was revoked, and whose it was.
    async fn token_revoked(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(DateTime<Utc>, crate::domain::model::Login)>>;
    /// The change counter (the latest sync cursor) and the staff counter
    /// (bumped whenever people or their tokens change): one cheap read.
    async fn counters(&self) -> StoreResult<Counters>;
    /// The database's epoch (`meta.epoch`), which sync cursors carry.
    async fn epoch(&self) -> StoreResult<String>;
    /// Gives the database a new epoch (after a restore): every cursor
    /// handed out before is answered 410, and desks sync afresh.
    async fn new_epoch(&self, epoch: &str) -> StoreResult<()>;
    /// Whether a demo database was written to after it was seeded.
    async fn written_since_seed(&self) -> StoreResult<bool>;

    async fn create_household(
        &self,
        pseudonym: &str,
        members: u32,
        audit: AuditDraft,
    ) -> StoreResult<Household>;
    async fn household(&self, id: i64) -> StoreResult<Option<Household>>;
    /// Every household's id (for the simulator on a kept demo).
    async fn household_ids(&self) -> StoreResult<Vec<i64>>;

    async fn create_case(&self, new: NewCase, audit: AuditDraft) -> StoreResult<Case>;
    async fn case(&self, id: i64) -> StoreResult<Option<Case>>;
    /// Reads a case's detail and audits the read, in one transaction.
    async fn case_detail(&self, id: i64, audit: AuditDraft) -> StoreResult<Option<CaseDetail>>;
    async fn requests_of_case(&self, case_id: i64) -> StoreResult<Vec<Request>>;
    /// Stores a case's next state if it is still at `expected_version`.
    async fn save_transition(
        &self,
        t: &Transition,
        expected_version: i64,
        audit: AuditDraft,
    ) -> StoreResult<Case>;
    /// Stores a new request and the case's next state together.
    async fn file_request(
        &self,
        new: NewRequest,
        t: &Transition,
        expected_version: i64,
        audit: AuditDraft,
    ) -> StoreResult<(Request, Case)>;

    /// Stores a waakvlam follow-up if the case is still at
    /// `expected_version`; with `reopen`, opens a case for the household in
    /// the same transaction (or, when the household has an open case
    /// again, links that one). Returns the followed-up case and the case
    /// it opened.
    async fn record_follow_up(
        &self,
        t: &Transition,
        expected_version: i64,
        reopen: Option<Reopen>,
        audit: AuditDraft,
    ) -> StoreResult<(Case, Option<Case>)>;

    async fn request(&self, id: i64) -> StoreResult<Option<Request>>;
    /// Reads a request and audits the read.
    async fn request_detail(&self, id: i64, audit: AuditDraft) -> StoreResult<Option<Request>>;
    /// Stores a request's next state (a decision, a moved term) and its
    /// history line if the request is still at `expected_version`.
    async fn save_request(
        &self,
        request: &Request,
        expected_version: i64,
        event: &CaseEvent,
        audit: AuditDraft,
    ) -> StoreResult<Request>;

    /// Changes after `since`; `scope` limits cases to one casusregisseur.
    async fn sync(&self, since: i64, scope: Option<&str>, limit: usize) -> StoreResult<SyncPage>;

    /// Appends one entry to the audit log by itself (a refused attempt).
    async fn append_audit_entry(&self, audit: AuditDraft) -> StoreResult<()>;
    async fn audit_entries(
        &self,
        case_id: Option<i64>,
        since: Option<DateTime<Utc>>,
        limit: usize,
    ) -> StoreResult<Vec<AuditEntry>>;
    /// The whole chain in order, and how many entries were ever appended.
    async fn audit_chain(&self) -> StoreResult<(Vec<AuditEntry>, i64)>;

    /// Every zaak the projection knows.
    async fn zgw_links(&self) -> StoreResult<Vec<ZgwLink>>;
    /// The link of one zaak, if the projection knows it.
    async fn zgw_link(&self, url: &str) -> StoreResult<Option<ZgwLink>>;
    /// Takes the next request number of `year` (`AV-2026-0092`), for a
    /// request filed in the case system: the number goes out as the
    /// deelzaak's kenmerk, by which a retry finds what a lost answer made.
    async fn reserve_request_number(&self, year: i32) -> StoreResult<String>;
    /// The zaak a case or request projects.
    async fn zgw_url(&self, kind: ZgwKind, local_id: i64) -> StoreResult<Option<String>>;
    /// Writes one case zaak's projection: the case, its requests, the
    /// history lines, the links, in one transaction that takes one change
    /// number per row written (none when nothing changed).
    async fn save_projection(&self, projection: &Projection) -> StoreResult<Case>;
    /// Enters a command before its first write to the case system.
    async fn zgw_pending_enter(
        &self,
        case_url: &str,
        command: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// The pending commands of one case zaak (`None`: of every zaak),
    /// oldest first.
    async fn zgw_pending(&self, case_url: Option<&str>) -> StoreResult<Vec<PendingCommand>>;
    /// Settles a pending command without a projection (one the case
    /// system refused, or whose result was stored otherwise).
    async fn zgw_pending_settle(&self, id: i64) -> StoreResult<()>;

    /// Records an absence; [`StoreError::AbsenceOverlaps`] when it shares
    /// a day with another of the same person.
    async fn add_absence(&self, new: NewAbsence, audit: AuditDraft) -> StoreResult<Absence>;
    /// An absence that was not withdrawn.
    async fn absence(&self, id: i64) -> StoreResult<Option<Absence>>;
    /// Changes an absence (see [`AbsenceChange`]).
    async fn change_absence(
        &self,
        id: i64,
        change: AbsenceChange,
        audit: AuditDraft,
    ) -> StoreResult<Absence>;
    /// Notes that `case_id` went to `to` for the time of the absence.
    async fn absence_moved(&self, absence_id: i64, case_id: i64, to: &str) -> StoreResult<()>;

    /// Keeps a procesregisseur's note (see `domain::note`).
    async fn add_note(&self, new: NewNote, audit: AuditDraft) -> StoreResult<CaseNote>;
    async fn note(&self, id: i64) -> StoreResult<Option<CaseNote>>;
    /// Marks a note's reminder dealt with.
    async fn finish_note(&self, id: i64, audit: AuditDraft) -> StoreResult<CaseNote>;
    /// `author`'s notes on a case, oldest first.
    async fn notes_of(&self, case_id: i64, author: &str) -> StoreResult<Vec<CaseNote>>;
    /// `author`'s open reminders, soonest first.
    async fn reminders_of(&self, author: &str) -> StoreResult<Vec<Reminder>>;
}

/// Connects to `sqlite://PATH` or `postgres://...` and migrates.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        anyhow::bail!("database URL must start with sqlite:// or postgres:// (got {url:?})")
    }
}

#[cfg(test)]
mod tests {
    /// The two migration directories describe one schema: the same
    /// migrations, by number and name, in both.
    #[test]
    fn both_stores_have_the_same_migrations() {
        let names = |dialect: &str| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dialect);
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let sqlite = names("sqlite");
        assert!(sqlite.len() >= 2, "{sqlite:?}");
        assert_eq!(sqlite, names("postgres"));
    }
}
