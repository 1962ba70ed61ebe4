//! The history table, `covet_migrations`: one row per migration applied, or left failed or
//! running by a run that could not finish (MySQL/MariaDB, whose DDL is not transactional).
//!
//! The table is a covet model, so its rows are written with covet's own typed queries; it is
//! created on first use, under the migration lock.

use chrono::{DateTime, Utc};
use covet::prelude::*;
use covet::{AssertSqlSafe, Backend, FromRow, Row};

use super::conn::Conn;

/// The name of the history table.
pub(crate) const TABLE: &str = "covet_migrations";

/// What became of a migration the history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
pub(crate) enum HistoryState {
    /// Applied completely.
    Applied,
    /// A run started it and did not finish (the process died): some statements may be applied.
    Running,
    /// A statement failed; the statements before it are applied.
    Failed,
}

/// One row of the history table.
#[covet::model(table = "covet_migrations")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HistoryRow {
    /// The migration's version.
    #[covet(primary_key, auto_increment = false)]
    pub(crate) version: i64,
    /// Its name.
    #[covet(max_length = 200)]
    pub(crate) name: String,
    /// The SHA-256 of its `up.sql` when it was applied, in hex.
    #[covet(max_length = 64)]
    pub(crate) checksum: String,
    /// Applied, or left running or failed.
    pub(crate) state: HistoryState,
    /// When it was applied (for a failed or running one: when the run started it).
    pub(crate) applied_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub(crate) duration_ms: i64,
    /// How many of its statements ran to completion.
    pub(crate) statements_done: i32,
    /// For a failed migration: which statement failed and the server's error.
    #[covet(text)]
    pub(crate) error: Option<String>,
}

/// A row that only says a query found something.
struct Found;

impl FromRow for Found {
    fn from_row<R: Row>(_row: &R) -> covet::Result<Self> {
        Ok(Found)
    }
}

/// Whether the history table exists.
async fn exists<C: Conn>(conn: &mut C, backend: Backend) -> covet::Result<bool> {
    let sql = match backend {
        Backend::Postgres => {
            "SELECT 1 FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
        Backend::MySql => {
            "SELECT 1 FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = ?"
        }
        _ => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    };
    let found: Option<Found> = covet::unchecked_sql(sql)
        .bind(TABLE)
        .fetch_optional(conn.executor())
        .await?;
    Ok(found.is_some())
}

/// Creates the history table unless it exists. Called under the migration lock, so two runners
/// never race to create it.
pub(crate) async fn ensure<C: Conn>(conn: &mut C, backend: Backend) -> covet::Result<()> {
    if exists(conn, backend).await? {
        return Ok(());
    }
    for sql in covet::schema::create_table_statements(HistoryRow::TABLE, backend) {
        // Built by covet's DDL from the model above: no outside text.
        covet::unchecked_sql(AssertSqlSafe(sql))
            .execute(conn.executor())
            .await?;
    }
    Ok(())
}

/// Every row, by version; none when the table does not exist yet.
pub(crate) async fn read<C: Conn>(
    conn: &mut C,
    backend: Backend,
) -> covet::Result<Vec<HistoryRow>> {
    if !exists(conn, backend).await? {
        return Ok(Vec::new());
    }
    HistoryRow::query()
        .order_by(HistoryRow::version.asc())
        .all(conn.executor())
        .await
}
