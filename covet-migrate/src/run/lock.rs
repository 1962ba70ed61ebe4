//! The migration lock: one runner at a time per database.
//!
//! - PostgreSQL: a session-level advisory lock, `pg_try_advisory_lock`, on the runner's session.
//! - MySQL/MariaDB: `GET_LOCK`, also held by the session.
//! - SQLite: each migration's `BEGIN IMMEDIATE` transaction takes the database's write lock,
//!   so there is no separate lock; the runner re-reads the history inside each transaction.
//!
//! The server locks are taken by polling with a zero wait, so that the runner can report that
//! it is waiting and give up after its timeout with a typed error. While the session holds a
//! lock it is marked to be closed rather than pooled if dropped (a cancelled run): closing the
//! connection releases the lock on the server.

use std::time::{Duration, Instant};

use covet::{Backend, FromRow, Row, Session};

use super::{MigrateError, Progress, Reporter};

/// The advisory lock key on PostgreSQL: "covet_mg" in ASCII, so that it is recognisable in
/// `pg_locks` and unlikely to collide with an application's own keys.
const PG_KEY: i64 = 0x636f_7665_745f_6d67;
/// The lock name on MySQL/MariaDB (names are per server: it carries the database's name).
const MYSQL_NAME_SQL: &str = "SELECT GET_LOCK(CONCAT('covet_migrations.', DATABASE()), 0)";
const MYSQL_RELEASE_SQL: &str = "SELECT RELEASE_LOCK(CONCAT('covet_migrations.', DATABASE()))";

/// The first pause between two attempts; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const MAX_PAUSE: Duration = Duration::from_secs(1);

/// A one-column integer answer (`pg_try_advisory_lock` is a boolean, `GET_LOCK` 1, 0 or NULL).
struct Answer(Option<i64>);

impl FromRow for Answer {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Answer(row.decode(0)?))
    }
}

/// Takes the lock on `session` (PostgreSQL, MySQL), waiting at most `timeout`. SQLite needs no
/// session lock.
pub(super) async fn acquire(
    session: &mut Session,
    timeout: Duration,
    reporter: &Reporter<'_>,
) -> Result<(), MigrateError> {
    if session.backend() == Backend::Sqlite {
        return Ok(());
    }
    session.set_close_on_drop(true);
    let start = Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut reported = false;
    loop {
        if try_acquire(session).await? {
            return Ok(());
        }
        let waited = start.elapsed();
        if waited >= timeout {
            session.set_close_on_drop(false);
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

async fn try_acquire(session: &mut Session) -> covet::Result<bool> {
    let answer: Option<Answer> = match session.backend() {
        Backend::Postgres => {
            covet::unchecked_sql(
                "SELECT CASE WHEN pg_try_advisory_lock($1) THEN 1::bigint ELSE 0::bigint END",
            )
            .bind(PG_KEY)
            .fetch_optional(&mut *session)
            .await?
        }
        _ => {
            covet::unchecked_sql(MYSQL_NAME_SQL)
                .fetch_optional(&mut *session)
                .await?
        }
    };
    Ok(matches!(answer, Some(Answer(Some(1)))))
}

/// Releases the lock [`acquire`] took. When that fails the session stays marked, and the
/// connection is closed rather than pooled: the server releases the lock then.
pub(super) async fn release(session: &mut Session) -> covet::Result<()> {
    match session.backend() {
        Backend::Sqlite => return Ok(()),
        Backend::Postgres => {
            covet::unchecked_sql(
                "SELECT CASE WHEN pg_advisory_unlock($1) THEN 1::bigint ELSE 0::bigint END",
            )
            .bind(PG_KEY)
            .fetch_optional::<Answer, _>(&mut *session)
            .await?;
        }
        _ => {
            covet::unchecked_sql(MYSQL_RELEASE_SQL)
                .fetch_optional::<Answer, _>(&mut *session)
                .await?;
        }
    }
    session.set_close_on_drop(false);
    Ok(())
}
