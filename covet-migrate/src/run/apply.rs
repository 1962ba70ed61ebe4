//! One migration, up or down, with its bookkeeping: in a transaction where the dialect has
//! transactional DDL, statement by statement with recorded progress where it does not.

use std::time::{Duration, Instant};

use chrono::Utc;
use covet::prelude::*;
use covet::{AssertSqlSafe, Backend, FromRow, Row, Session, SqliteLocking, TransactionOptions};

use super::conn::Conn;
use super::history::{self, HistoryRow, HistoryState};
use super::{MigrateError, Migrator, Progress, Ran, Reporter, Resolution, Status};
use crate::files::{Direction, Migration, SqlScript};

/// Runs the next migration in `direction`, if any, on `session` (which holds the lock on
/// PostgreSQL and MySQL).
pub(super) async fn step(
    migrator: &Migrator,
    session: &mut Session,
    direction: Direction,
) -> Result<Option<Ran>, MigrateError> {
    match session.backend() {
        Backend::MySql => step_without_transaction(migrator, session, direction).await,
        Backend::Sqlite => {
            // Foreign keys can only be switched off outside a transaction, so guess from the
            // next migration as it looks now, and try again if another runner moved on.
            let mut foreign_keys_off = false;
            loop {
                let outcome = with_foreign_keys(session, foreign_keys_off, async |session| {
                    step_in_transaction(migrator, session, direction, foreign_keys_off).await
                })
                .await?;
                match outcome {
                    Step::Ran(ran) => return Ok(ran),
                    Step::NeedsForeignKeys(off) => foreign_keys_off = off,
                }
            }
        }
        _ => match step_in_transaction(migrator, session, direction, false).await? {
            Step::Ran(ran) => Ok(ran),
            Step::NeedsForeignKeys(_) => unreachable!("only SQLite switches foreign keys off"),
        },
    }
}

/// What one transactional attempt did.
enum Step {
    /// Ran a migration, or found none to run.
    Ran(Option<Ran>),
    /// The next migration needs foreign keys switched the other way: nothing ran.
    NeedsForeignKeys(bool),
}

/// Runs `body` with SQLite's foreign keys off when `off`, switching them back on afterwards.
async fn with_foreign_keys<T>(
    session: &mut Session,
    off: bool,
    body: impl AsyncFnOnce(&mut Session) -> Result<T, MigrateError>,
) -> Result<T, MigrateError> {
    if !off {
        return body(session).await;
    }
    covet::unchecked_sql("PRAGMA foreign_keys = OFF")
        .execute(&mut *session)
        .await?;
    let result = body(session).await;
    // The body's error comes first; if only switching back fails, the run stops there (and a
    // file database's runner connection is closed, never pooled, in any case).
    let restored = covet::unchecked_sql("PRAGMA foreign_keys = ON")
        .execute(&mut *session)
        .await;
    let value = result?;
    restored?;
    Ok(value)
}

/// One migration and its history row in one transaction (PostgreSQL, SQLite).
async fn step_in_transaction(
    migrator: &Migrator,
    session: &mut Session,
    direction: Direction,
    foreign_keys_off: bool,
) -> Result<Step, MigrateError> {
    let backend = session.backend();
    let reporter = migrator.reporter();
    let mut tx = begin(session).await?;
    history::ensure(&mut tx, backend).await?;
    let rows = history::read(&mut tx, backend).await?;
    let status = Status::new(&migrator.migrations, &rows);
    let Some(migration) = migrator.next(&status, direction)? else {
        tx.commit().await?;
        return Ok(Step::Ran(None));
    };
    let script = script(migration, direction, backend)?;
    if backend == Backend::Sqlite && script.foreign_keys_off != foreign_keys_off {
        tx.rollback().await?;
        return Ok(Step::NeedsForeignKeys(script.foreign_keys_off));
    }
    if !script.transactional {
        return Err(MigrateError::no_transaction_directive(
            migration.dir_name(),
            direction.file(),
            backend,
        ));
    }
    let start = Instant::now();
    report_start(&reporter, migration, direction, &script);
    let done = async {
        run_statements(&mut tx, migration, direction, &script, &reporter).await?;
        if script.foreign_keys_off && !script.statements.iter().any(|s| is_foreign_key_check(s)) {
            // A hand-written script that switched foreign keys off is checked all the same.
            check_foreign_keys(
                &mut tx,
                migration,
                "PRAGMA foreign_key_check",
                MigrateError::Database,
            )
            .await?;
        }
        Ok::<(), MigrateError>(())
    }
    .await;
    if let Err(error) = done {
        // Nothing of it stays: the transaction goes, the history does not change.
        let _ = tx.rollback().await;
        return Err(error);
    }
    let duration = start.elapsed();
    match direction {
        Direction::Up => {
            applied_row(migration, duration).insert(&mut tx).await?;
        }
        Direction::Down => {
            forget(&mut tx, migration.version()).await?;
        }
    }
    tx.commit().await?;
    reporter.report(Progress::Finished {
        migration,
        direction,
        duration,
    });
    Ok(Step::Ran(Some(ran(migration, direction, duration))))
}

/// Begins the migration's transaction. On SQLite, `BEGIN IMMEDIATE` is the lock: it waits for
/// the write lock up to the busy timeout, which the runner set to its lock timeout.
async fn begin<'s>(session: &'s mut Session) -> Result<covet::Transaction<'s>, MigrateError> {
    if session.backend() != Backend::Sqlite {
        return Ok(session.begin().await?);
    }
    let options = TransactionOptions::new().sqlite_locking(SqliteLocking::Immediate);
    let start = Instant::now();
    session.begin_with(options).await.map_err(|error| {
        if error.is_transient() {
            MigrateError::LockTimeout {
                waited: start.elapsed(),
            }
        } else {
            error.into()
        }
    })
}

/// One migration statement by statement, recording its progress in the history as it goes
/// (MySQL/MariaDB, whose DDL commits at once). The session holds the lock.
async fn step_without_transaction(
    migrator: &Migrator,
    session: &mut Session,
    direction: Direction,
) -> Result<Option<Ran>, MigrateError> {
    let backend = session.backend();
    let reporter = migrator.reporter();
    history::ensure(session, backend).await?;
    let rows = history::read(session, backend).await?;
    let status = Status::new(&migrator.migrations, &rows);
    let Some(migration) = migrator.next(&status, direction)? else {
        return Ok(None);
    };
    let script = script(migration, direction, backend)?;
    let start = Instant::now();
    // Marked running before the first statement: if the process dies halfway, the next run
    // sees it (interrupted) instead of applying the migration again over its own remains.
    let mut row = match direction {
        Direction::Up => {
            let mut row = applied_row(migration, Duration::ZERO);
            row.state = HistoryState::Running;
            row.insert(&mut *session).await?
        }
        Direction::Down => {
            // The applied row keeps its checksum, applied-at and duration.
            let Some(mut row) = rows
                .into_iter()
                .find(|r| r.version == i64::from(migration.version()))
            else {
                return Ok(None);
            };
            row.state = HistoryState::Running;
            row.statements_done = 0;
            row.error = Some("rolling back (down.sql)".into());
            row.update_columns(
                &mut *session,
                (
                    HistoryRow::state,
                    HistoryRow::statements_done,
                    HistoryRow::error,
                ),
            )
            .await?;
            row
        }
    };
    report_start(&reporter, migration, direction, &script);
    let total = script.statements.len();
    for (index, statement) in script.statements.iter().enumerate() {
        if let Err(source) = run_statement(session, statement).await {
            row.state = HistoryState::Failed;
            row.error = Some(format!(
                "{} statement {} of {total} failed: {source}\n{statement}",
                direction.file(),
                index + 1
            ));
            // The failure is recorded before it is reported: the next run must see it. If even
            // that fails (the connection is gone), the row still says running, which blocks
            // the next run just the same, and the statement's error is the one to report.
            let _ = row
                .update_columns(&mut *session, (HistoryRow::state, HistoryRow::error))
                .await;
            return Err(statement_error(
                migration, direction, index, &script, source, true,
            ));
        }
        row.statements_done = i32::try_from(index + 1).unwrap_or(i32::MAX);
        row.update_columns(&mut *session, HistoryRow::statements_done)
            .await?;
        reporter.report(Progress::Statement {
            migration,
            number: index + 1,
            total,
        });
    }
    let duration = start.elapsed();
    match direction {
        Direction::Up => {
            row.state = HistoryState::Applied;
            row.duration_ms = millis(duration);
            row.update_columns(&mut *session, (HistoryRow::state, HistoryRow::duration_ms))
                .await?;
        }
        Direction::Down => {
            forget(session, migration.version()).await?;
        }
    }
    reporter.report(Progress::Finished {
        migration,
        direction,
        duration,
    });
    Ok(Some(ran(migration, direction, duration)))
}

/// Records what `resolution` says of the failed or interrupted migration `version`.
pub(super) async fn resolve(
    session: &mut Session,
    migration: Option<&Migration>,
    version: u32,
    resolution: Resolution,
) -> Result<(), MigrateError> {
    let backend = session.backend();
    let row = history::read(session, backend)
        .await?
        .into_iter()
        .find(|row| row.version == i64::from(version) && row.state != HistoryState::Applied);
    let Some(mut row) = row else {
        return Err(MigrateError::NothingToResolve { version });
    };
    match resolution {
        Resolution::RolledBack => {
            forget(session, version).await?;
        }
        Resolution::Applied => {
            if let Some(migration) = migration {
                row.checksum = migration.checksum().to_string();
                row.name = migration.name().to_owned();
                row.statements_done =
                    i32::try_from(migration.up()?.statements.len()).unwrap_or(i32::MAX);
            }
            row.state = HistoryState::Applied;
            row.error = None;
            row.update(&mut *session).await?;
        }
    }
    Ok(())
}

/// The script of `migration` in `direction`, which must be in `backend`'s dialect.
fn script(
    migration: &Migration,
    direction: Direction,
    backend: Backend,
) -> Result<SqlScript, MigrateError> {
    let script = match direction {
        Direction::Up => migration.up()?,
        Direction::Down => migration.down()?,
    };
    if script.dialect != backend {
        return Err(MigrateError::WrongDialect {
            migration: migration.dir_name(),
            script: script.dialect,
            database: backend,
        });
    }
    if let Some(statement) = script
        .statements
        .iter()
        .find(|s| covet::controls_transaction(s))
    {
        return Err(MigrateError::controls_transaction(
            migration.dir_name(),
            direction.file(),
            statement,
        ));
    }
    Ok(script)
}

/// Runs the script's statements in order on `conn` (a transaction).
async fn run_statements<C: Conn>(
    conn: &mut C,
    migration: &Migration,
    direction: Direction,
    script: &SqlScript,
    reporter: &Reporter<'_>,
) -> Result<(), MigrateError> {
    let total = script.statements.len();
    for (index, statement) in script.statements.iter().enumerate() {
        if is_foreign_key_check(statement) {
            check_foreign_keys(conn, migration, statement, |source| {
                statement_error(migration, direction, index, script, source, false)
            })
            .await?;
        } else {
            run_statement(conn, statement).await.map_err(|source| {
                statement_error(migration, direction, index, script, source, false)
            })?;
        }
        reporter.report(Progress::Statement {
            migration,
            number: index + 1,
            total,
        });
    }
    Ok(())
}

/// Runs SQLite's `PRAGMA foreign_key_check` (`check`: the script's own, or the whole
/// database's) and refuses the migration if it reports any row; `failed` turns the check's own
/// failure into the runner's error.
async fn check_foreign_keys<C: Conn>(
    conn: &mut C,
    migration: &Migration,
    check: &str,
    failed: impl FnOnce(covet::Error) -> MigrateError,
) -> Result<(), MigrateError> {
    let violations: Vec<Violation> = covet::unchecked_sql(AssertSqlSafe(check.to_owned()))
        .fetch_all(conn.executor())
        .await
        .map_err(failed)?;
    if violations.is_empty() {
        return Ok(());
    }
    Err(MigrateError::ForeignKeyCheck {
        migration: migration.dir_name(),
        violations: violations.iter().map(Violation::describe).collect(),
    })
}

/// Runs one statement of a migration file.
async fn run_statement<C: Conn>(conn: &mut C, statement: &str) -> covet::Result<u64> {
    // The migration files are the project's own, reviewed code, verified against their
    // checksums: the one place where covet runs SQL text it did not build.
    covet::unchecked_sql(AssertSqlSafe(statement.to_owned()))
        .execute(conn.executor())
        .await
}

/// Whether `statement` is SQLite's `PRAGMA foreign_key_check`, whose rows are violations.
fn is_foreign_key_check(statement: &str) -> bool {
    let words: String = statement
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    words.starts_with("pragma foreign_key_check")
}

/// A row of `PRAGMA foreign_key_check`: the table, the row id, the referenced table.
struct Violation {
    table: String,
    rowid: Option<i64>,
    parent: String,
}

impl FromRow for Violation {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Self {
            table: row.decode(0)?,
            rowid: row.decode(1)?,
            parent: row.decode(2)?,
        })
    }
}

impl Violation {
    fn describe(&self) -> String {
        match self.rowid {
            Some(rowid) => format!(
                "{} row {rowid} references a missing row of {}",
                self.table, self.parent
            ),
            None => format!(
                "a row of {} references a missing row of {}",
                self.table, self.parent
            ),
        }
    }
}

/// Deletes the history row of `version`.
async fn forget<C: Conn>(conn: &mut C, version: u32) -> covet::Result<u64> {
    HistoryRow::delete_many()
        .filter(HistoryRow::version.eq(i64::from(version)))
        .execute(conn.executor())
        .await
}

/// The history row of `migration`, applied in `duration`.
fn applied_row(migration: &Migration, duration: Duration) -> HistoryRow {
    HistoryRow {
        version: i64::from(migration.version()),
        name: migration.name().to_owned(),
        checksum: migration.checksum().to_string(),
        state: HistoryState::Applied,
        applied_at: Utc::now(),
        duration_ms: millis(duration),
        statements_done: 0,
        error: None,
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn ran(migration: &Migration, direction: Direction, duration: Duration) -> Ran {
    Ran {
        version: migration.version(),
        name: migration.name().to_owned(),
        direction,
        duration,
    }
}

fn report_start(
    reporter: &Reporter<'_>,
    migration: &Migration,
    direction: Direction,
    script: &SqlScript,
) {
    reporter.report(Progress::Started {
        migration,
        direction,
        statements: script.statements.len(),
    });
}

fn statement_error(
    migration: &Migration,
    direction: Direction,
    index: usize,
    script: &SqlScript,
    source: covet::Error,
    partial: bool,
) -> MigrateError {
    MigrateError::Statement {
        migration: migration.dir_name(),
        direction: direction.word(),
        number: index + 1,
        total: script.statements.len(),
        statement: script.statements[index].clone(),
        source,
        partial,
    }
}
