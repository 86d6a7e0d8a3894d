//! The embedded store: one SQLite file, the default for a single desk or
//! the demo.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

type Db = sqlx::Sqlite;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// SQLite has no isolation levels to set: a transaction's first read fixes
/// its snapshot (WAL mode).
const DIALECT_SNAPSHOT: [&str; 0] = [];
const DIALECT_RESET_EXTRA: [&str; 0] = [];

/// How a transaction that writes begins (see `begin_write`).
const DIALECT_BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

include!("shared.rs");
include!("shared_absences.rs");
include!("shared_notes.rs");

pub type SqliteStore = SqlStore;

impl SqlStore {
    /// Opens (creating if needed) the database at `sqlite://PATH` and migrates.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?;
        // The database holds cases and the audit log: a new one is the
        // server's user's alone, and SQLite gives its -wal and -shm files
        // the same mode.
        let path = options.get_filename().to_path_buf();
        if !url.contains(":memory:") && !path.exists() {
            crate::private::create_file(&path).map_err(sqlx::Error::Io)?;
        } else if crate::private::readable_by_others(&path).unwrap_or(false) {
            tracing::warn!(
                path = %path.display(),
                "the database can be read by others than its owner; chmod 600 it"
            );
        }
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }
}
