//! The migration lock: one runner at a time per database.
//!
//! - PostgreSQL: a session-level advisory lock, `pg_try_advisory_lock`, on the runner's session.
//! - MySQL/MariaDB: `GET_LOCK`, also held by the session.
//! - SQLite: each migration's `BEGIN IMMEDIATE` transaction takes the database's write lock,
//!   so there is no separate lock; the runner's busy timeout is raised to the lock timeout, so
//!   that `BEGIN IMMEDIATE` waits that long for another runner, and the runner re-reads the
//!   history inside each transaction.
//!
//! The server locks are taken by polling with a zero wait, so that the runner can report that
//! it is waiting and give up after its timeout with a typed error.
//!
//! **The runner's connection never goes back to the pool** (but for an in-memory SQLite
//! database, which would vanish with it): it is closed when the run ends or is cancelled. That
//! releases the lock on the server whatever happened, and drops any setting a migration's
//! script changed on its connection (`SET search_path`, `SET FOREIGN_KEY_CHECKS`, a `PRAGMA`),
//! which the application's next query must not inherit.

use std::time::{Duration, Instant};

use covet::{AssertSqlSafe, Backend, FromRow, Row, Session};

use super::{MigrateError, Progress, Reporter};

/// The advisory lock key on PostgreSQL: "covet_mg" in ASCII, so that it is recognisable in
/// `pg_locks` and unlikely to collide with an application's own keys.
const PG_KEY: i64 = 0x636f_7665_745f_6d67;
/// The lock on MySQL/MariaDB, whose lock names are per server: it carries the database's
/// name, cut to the 64 characters MySQL allows. `NULL` when no database is selected.
const MYSQL_LOCK_SQL: &str =
    "SELECT GET_LOCK(LEFT(CONCAT('covet_migrations.', DATABASE()), 64), 0)";
const MYSQL_RELEASE_SQL: &str =
    "SELECT RELEASE_LOCK(LEFT(CONCAT('covet_migrations.', DATABASE()), 64))";

/// The first pause between two attempts; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const MAX_PAUSE: Duration = Duration::from_secs(1);

/// A one-column integer answer (`GET_LOCK` is 1, 0 or `NULL`).
struct Answer(Option<i64>);

impl FromRow for Answer {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Answer(row.decode(0)?))
    }
}

/// A one-column text answer.
struct Text(String);

impl FromRow for Text {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Text(row.decode(0)?))
    }
}

/// What [`release`] must undo on a connection that stays in the pool.
pub(super) struct Held {
    /// SQLite's busy timeout before the run, in milliseconds, for an in-memory database.
    restore_busy_timeout: Option<i64>,
}

/// Takes the lock on `session`, waiting at most `timeout`, and marks the session's connection
/// to be closed when the session is dropped.
pub(super) async fn acquire(
    session: &mut Session,
    timeout: Duration,
    reporter: &Reporter<'_>,
) -> Result<Held, MigrateError> {
    if session.backend() == Backend::Sqlite {
        return prepare_sqlite(session, timeout).await;
    }
    session.set_close_on_drop(true);
    let start = Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut reported = false;
    loop {
        if try_acquire(session).await? {
            return Ok(Held {
                restore_busy_timeout: None,
            });
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(MigrateError::LockTimeout { waited });
        }
        if !reported {
            reporter.report(Progress::WaitingForLock);
            reported = true;
        }
        tokio::time::sleep(pause.min(timeout - waited)).await;
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

async fn try_acquire(session: &mut Session) -> Result<bool, MigrateError> {
    if session.backend() == Backend::Postgres {
        let answer: Option<Answer> = covet::unchecked_sql(
            "SELECT CASE WHEN pg_try_advisory_lock($1) THEN 1::bigint ELSE 0::bigint END",
        )
        .bind(PG_KEY)
        .fetch_optional(&mut *session)
        .await?;
        return Ok(matches!(answer, Some(Answer(Some(1)))));
    }
    let answer: Option<Answer> = covet::unchecked_sql(MYSQL_LOCK_SQL)
        .fetch_optional(&mut *session)
        .await?;
    match answer {
        Some(Answer(Some(got))) => Ok(got == 1),
        // A URL without a database's name: the advice for a configuration error says to add it.
        _ => Err(MigrateError::Database(covet::Error::new(
            covet::ErrorKind::Configuration,
            "GET_LOCK answered NULL: the connection has no database selected",
        ))),
    }
}

/// SQLite: closes the connection after the run unless the database is in memory, and lets
/// `BEGIN IMMEDIATE` wait up to `timeout` for the write lock.
async fn prepare_sqlite(session: &mut Session, timeout: Duration) -> Result<Held, MigrateError> {
    let file: Option<Text> =
        covet::unchecked_sql("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_optional(&mut *session)
            .await?;
    let in_memory = file.is_none_or(|Text(file)| file.is_empty());
    let restore_busy_timeout = if in_memory {
        let Answer(before) = covet::unchecked_sql("PRAGMA busy_timeout")
            .fetch_optional(&mut *session)
            .await?
            .unwrap_or(Answer(None));
        before
    } else {
        session.set_close_on_drop(true);
        None
    };
    set_busy_timeout(
        session,
        i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX),
    )
    .await?;
    Ok(Held {
        restore_busy_timeout,
    })
}

async fn set_busy_timeout(session: &mut Session, millis: i64) -> covet::Result<()> {
    // A PRAGMA takes no parameters; the text holds only a number.
    covet::unchecked_sql(AssertSqlSafe(format!("PRAGMA busy_timeout = {millis}")))
        .fetch_optional::<Answer, _>(&mut *session)
        .await?;
    Ok(())
}

/// Releases the lock [`acquire`] took. The connection is closed afterwards anyway, which
/// releases the lock too: a failure here loses nothing, and is not reported over the run's
/// own outcome.
pub(super) async fn release(session: &mut Session, held: Held) {
    let _ = match session.backend() {
        Backend::Sqlite => match held.restore_busy_timeout {
            Some(millis) => set_busy_timeout(session, millis).await,
            None => Ok(()),
        },
        Backend::Postgres => covet::unchecked_sql("SELECT pg_advisory_unlock($1)::int")
            .bind(PG_KEY)
            .execute(&mut *session)
            .await
            .map(drop),
        _ => covet::unchecked_sql(MYSQL_RELEASE_SQL)
            .execute(&mut *session)
            .await
            .map(drop),
    };
}
