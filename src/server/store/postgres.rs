//! The store for a real deployment: PostgreSQL, shared by any number of
//! stateless server replicas.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

type Db = sqlx::Postgres;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A sync page is read in one snapshot, so the tables agree with each other
/// (READ COMMITTED would give every statement its own).
const DIALECT_SNAPSHOT: [&str; 1] = ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"];
const DIALECT_RESET_EXTRA: [&str; 1] = ["DROP FUNCTION IF EXISTS audit_log_append_only()"];

/// How a transaction that writes begins (see `begin_write`).
const DIALECT_BEGIN_WRITE: &str = "BEGIN";

include!("shared.rs");
include!("shared_absences.rs");
include!("shared_notes.rs");

pub type PgStore = SqlStore;

/// How long a request waits for a connection before it is answered 503.
/// Queueing behind 16 busy connections takes milliseconds; only an
/// unreachable database takes this long.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

impl SqlStore {
    /// Connects to `postgres://...` and migrates. A `search_path` given in
    /// the URL's `options` (the tests use one schema per test) is honoured.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // With the database gone, sqlx retries connecting until this
            // deadline (30 s by default): a request fails with 503 within
            // a second instead, so the desk's banner tells the truth.
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }
}
