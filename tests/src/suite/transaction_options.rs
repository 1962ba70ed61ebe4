//! Transaction options checked where they take effect: the timeout on the server (a statement
//! stopped there, the session's settings put back), the isolation level and read-only mode the
//! server reports, SQLite's lock modes seen from a second connection, and the retry policy with
//! the statistics and events it produces.

use std::panic::Location;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use covet::observe::{Event, Observer, TransactionOutcome};
use covet::prelude::*;
use covet::{
    FromRow, IsolationLevel, PoolOptions, RetryPolicy, Row, SqliteLocking, Transaction,
    TransactionOptions,
};

use crate::TestDb;

#[covet::model(table = "opt_entry")]
#[derive(Debug)]
pub struct Entry {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(max_length = 40)]
    pub note: String,
}

#[covet::model(table = "opt_slot")]
#[derive(Debug)]
pub struct Slot {
    #[covet(primary_key, auto_increment = false)]
    pub id: i64,
    pub value: i64,
}

fn entry(note: &str) -> Entry {
    Entry {
        id: 0,
        note: note.into(),
    }
}

/// A one-column row of text.
struct Text(String);

impl FromRow for Text {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        row.decode(0).map(Text)
    }
}

/// A one-column row holding a number.
struct Number(i64);

impl FromRow for Number {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        row.decode(0).map(Number)
    }
}

/// A row of two numbers.
struct Pair(i64, i64);

impl FromRow for Pair {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Pair(row.decode(0)?, row.decode(1)?))
    }
}

/// What an observer saw of transactions, in order.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Began,
    Ended(TransactionOutcome, Duration),
    Retry {
        attempt: u32,
        cause: ErrorKind,
        delay: Duration,
    },
    Long {
        open_for: Duration,
        location: &'static Location<'static>,
    },
}

#[derive(Default)]
struct Recorder(Mutex<Vec<Seen>>);

impl Observer for Recorder {
    fn on_event(&self, event: &Event<'_>) {
        let seen = match event {
            Event::TransactionBegan => Seen::Began,
            Event::TransactionEnded { outcome, duration } => Seen::Ended(*outcome, *duration),
            Event::TransactionRetry {
                attempt,
                cause,
                delay,
            } => Seen::Retry {
                attempt: *attempt,
                cause: *cause,
                delay: *delay,
            },
            Event::LongTransaction { open_for, location } => Seen::Long {
                open_for: *open_for,
                location,
            },
            _ => return,
        };
        self.0.lock().unwrap().push(seen);
    }
}

impl Recorder {
    fn seen(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }

    fn outcomes(&self) -> Vec<TransactionOutcome> {
        self.seen()
            .into_iter()
            .filter_map(|seen| match seen {
                Seen::Ended(outcome, _) => Some(outcome),
                _ => None,
            })
            .collect()
    }

    fn retries(&self) -> Vec<(u32, ErrorKind, Duration)> {
        self.seen()
            .into_iter()
            .filter_map(|seen| match seen {
                Seen::Retry {
                    attempt,
                    cause,
                    delay,
                } => Some((attempt, cause, delay)),
                _ => None,
            })
            .collect()
    }

    fn durations(&self) -> Vec<Duration> {
        self.seen()
            .into_iter()
            .filter_map(|seen| match seen {
                Seen::Ended(_, duration) => Some(duration),
                _ => None,
            })
            .collect()
    }

    fn long(&self) -> Vec<(Duration, &'static Location<'static>)> {
        self.seen()
            .into_iter()
            .filter_map(|seen| match seen {
                Seen::Long { open_for, location } => Some((open_for, location)),
                _ => None,
            })
            .collect()
    }
}

/// A pool of its own on the test's database, with an observer and a short SQLite busy timeout.
async fn observed(t: &TestDb, long_threshold: Option<Duration>) -> (Database, Arc<Recorder>) {
    let recorder = Arc::new(Recorder::default());
    let db = PoolOptions::new()
        .sqlite_busy_timeout(Duration::from_millis(50))
        .long_transaction_threshold(long_threshold)
        .observer(recorder.clone())
        .connect(&t.url)
        .await
        .unwrap();
    (db, recorder)
}

/// Polls until nothing holds a connection: rollbacks of dropped transactions run in the
/// background. Returns how long that took.
async fn every_connection_back(db: &Database) -> Duration {
    let started = Instant::now();
    while db.pool_stats().in_use > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "connections still in use: {:?}",
            db.pool_stats()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    started.elapsed()
}

/// A statement that sleeps on the server for `seconds`.
fn server_sleep(backend: Backend, seconds: f64) -> covet::UncheckedSql {
    match backend {
        Backend::Postgres => covet::unchecked_sql("SELECT pg_sleep($1)"),
        _ => covet::unchecked_sql("SELECT SLEEP(?)"),
    }
    .bind(seconds)
}

/// The statement time limit and the lock wait limit the server applies to the session now, in
/// milliseconds (0: none).
async fn server_limits(executor: impl covet::Executor<'_>, backend: Backend) -> (i64, i64) {
    let sql = match backend {
        // The catalog answers in ms, whatever unit the value was set in.
        Backend::Postgres => {
            "SELECT (SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'), \
                    (SELECT setting::bigint FROM pg_settings WHERE name = 'lock_timeout')"
        }
        _ => {
            "SELECT CAST(@@SESSION.max_statement_time * 1000 AS SIGNED), \
                    CAST(@@SESSION.innodb_lock_wait_timeout * 1000 AS SIGNED)"
        }
    };
    let rows: Vec<Pair> = covet::unchecked_sql(sql).fetch_all(executor).await.unwrap();
    (rows[0].0, rows[0].1)
}

/// Whether the session's statement and lock wait limits are the server's defaults again.
async fn limits_are_defaults(executor: impl covet::Executor<'_>, backend: Backend) -> bool {
    let sql = match backend {
        Backend::Postgres => {
            "SELECT count(*) FROM pg_settings \
             WHERE name IN ('statement_timeout', 'lock_timeout') AND setting <> reset_val"
        }
        _ => {
            "SELECT CAST((@@SESSION.max_statement_time <> @@GLOBAL.max_statement_time) \
             + (@@SESSION.innodb_lock_wait_timeout <> @@GLOBAL.innodb_lock_wait_timeout) \
             AS SIGNED)"
        }
    };
    let changed: Vec<Number> = covet::unchecked_sql(sql).fetch_all(executor).await.unwrap();
    changed[0].0 == 0
}

pub async fn a_statement_running_past_the_timeout_is_stopped_by_the_server_and_rolled_back(
    t: &TestDb,
) {
    if t.backend == Backend::Sqlite {
        eprintln!(
            "server-side statement timeout not applicable on SQLite: it is embedded and has no \
             statement time limit; covet's own deadline refuses statements and the commit after \
             the timeout (the_commit_after_the_deadline_is_a_timeout_and_commits_nothing)"
        );
        return;
    }
    t.create(&[Entry::TABLE]).await;
    let options = TransactionOptions::new().timeout(Duration::from_millis(300));

    // The explicit form has no clock of its own running during a statement: only the server
    // can stop the ten-second sleep.
    let mut session = t.db.session().await.unwrap();
    let mut tx = session.begin_with(options).await.unwrap();
    entry("before the sleep").insert(&mut tx).await.unwrap();
    // MariaDB's lock wait limit is in whole seconds, at least one.
    let lock_wait_ms = if t.backend == Backend::Postgres {
        300
    } else {
        1000
    };
    assert_eq!(server_limits(&mut tx, t.backend).await, (300, lock_wait_ms));
    let started = Instant::now();
    let stopped = server_sleep(t.backend, 10.0).execute(&mut tx).await;
    let elapsed = started.elapsed();
    let error = stopped.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StatementTimeout, "{error}");
    let expected_code = if t.backend == Backend::Postgres {
        "57014"
    } else {
        "1969"
    };
    assert_eq!(error.code(), Some(expected_code), "{error}");
    assert!(
        elapsed >= Duration::from_millis(250) && elapsed < Duration::from_secs(5),
        "the server stopped the sleep after {elapsed:?}"
    );
    // The deadline has passed: the commit is refused and the transaction rolled back.
    let refused = tx.commit().await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::TransactionTimeout, "{refused}");
    assert_eq!(Entry::query().count(&t.db).await.unwrap(), 0);
    // The session's own limits are back to the server's defaults.
    assert!(limits_are_defaults(&mut session, t.backend).await);
    drop(session);

    // The closure form: whichever notices first, covet's clock or the server's, the caller
    // gets the transaction's timeout, and nothing is committed.
    let started = Instant::now();
    let result: Result<(), covet::Error> =
        t.db.transaction_with(options, |tx| {
            Box::pin(async move {
                entry("in the closure").insert(&mut *tx).await?;
                server_sleep(tx.backend(), 10.0).execute(&mut *tx).await?;
                Ok(())
            })
        })
        .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::TransactionTimeout);
    // The connection comes back (rolled back) long before the sleep would have ended: the
    // server stopped it.
    every_connection_back(&t.db).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the connection came back after {:?}",
        started.elapsed()
    );
    assert_eq!(Entry::query().count(&t.db).await.unwrap(), 0);
}

pub async fn the_commit_after_the_deadline_is_a_timeout_and_commits_nothing(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    if t.backend == Backend::Sqlite {
        eprintln!(
            "on SQLite covet's own deadline is the whole timeout: no server-side limit applies \
             (only the busy timeout bounds lock waits)"
        );
    }
    let (db, recorder) = observed(t, None).await;
    let options = TransactionOptions::new().timeout(Duration::from_millis(200));
    let mut tx = db.begin_with(options).await.unwrap();
    entry("in time").insert(&mut tx).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let error = tx.commit().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TransactionTimeout, "{error}");
    assert_eq!(Entry::query().count(&db).await.unwrap(), 0);
    assert_eq!(recorder.outcomes(), [TransactionOutcome::RolledBack]);
    let stats = db.transaction_stats();
    assert_eq!((stats.commits, stats.rollbacks), (0, 1));

    // A transaction that ends in time commits, and its limits do not outlive it: the pool's
    // only connection then runs a statement longer than the timeout.
    let single = PoolOptions::new()
        .max_connections(1)
        .connect(&t.url)
        .await
        .unwrap();
    let mut tx = single.begin_with(options).await.unwrap();
    entry("committed").insert(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let tx = single.begin_with(options).await.unwrap();
    tx.rollback().await.unwrap();
    if t.backend == Backend::Sqlite {
        eprintln!("no session limits to put back on SQLite: covet sets none for a timeout");
    } else {
        server_sleep(t.backend, 0.4).execute(&single).await.unwrap();
        assert!(limits_are_defaults(&single, t.backend).await);
    }
    assert_eq!(Entry::query().count(&single).await.unwrap(), 1);
    single.close().await;
    db.close().await;
}

/// The isolation level and read-only flag of the open transaction, as the server reports them.
async fn reported_level(tx: &mut Transaction<'_>) -> (String, bool) {
    match tx.backend() {
        Backend::Postgres => {
            let level: Vec<Text> =
                covet::unchecked_sql("SELECT current_setting('transaction_isolation')")
                    .fetch_all(&mut *tx)
                    .await
                    .unwrap();
            let read_only: Vec<Text> =
                covet::unchecked_sql("SELECT current_setting('transaction_read_only')")
                    .fetch_all(&mut *tx)
                    .await
                    .unwrap();
            (level[0].0.to_uppercase(), read_only[0].0 == "on")
        }
        _ => {
            // InnoDB lists a transaction once it has read a table, and MariaDB refreshes the
            // table only when it was last read more than 100 ms ago: poll slower than that.
            // Each level runs on a new connection, so a row for this connection is this
            // transaction's.
            Entry::query().count(&mut *tx).await.unwrap();
            let started = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(150)).await;
                let rows: Vec<Text> = covet::unchecked_sql(
                    "SELECT CONCAT(trx_isolation_level, '/', trx_is_read_only) \
                     FROM information_schema.INNODB_TRX \
                     WHERE trx_mysql_thread_id = CONNECTION_ID()",
                )
                .fetch_all(&mut *tx)
                .await
                .unwrap();
                if let Some(Text(row)) = rows.into_iter().next() {
                    let (level, read_only) = row.split_once('/').unwrap();
                    return (level.to_owned(), read_only == "1");
                }
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "the transaction never appeared in INNODB_TRX"
                );
            }
        }
    }
}

pub async fn the_server_reports_the_isolation_level_and_read_only_mode_asked_for(t: &TestDb) {
    if t.backend == Backend::Sqlite {
        eprintln!(
            "isolation levels not applicable on SQLite: its transactions are always \
             serializable, so the level is accepted and changes nothing (lock modes are tested \
             in sqlite_lock_modes_decide_when_a_second_writer_is_refused)"
        );
        return;
    }
    t.create(&[Entry::TABLE]).await;
    for (level, name) in [
        (IsolationLevel::ReadUncommitted, "READ UNCOMMITTED"),
        (IsolationLevel::ReadCommitted, "READ COMMITTED"),
        (IsolationLevel::RepeatableRead, "REPEATABLE READ"),
        (IsolationLevel::Serializable, "SERIALIZABLE"),
    ] {
        for read_only in [false, true] {
            let mut options = TransactionOptions::new().isolation(level);
            if read_only {
                options = options.read_only();
            }
            // A connection of its own for each transaction (see `reported_level`).
            let db = Database::connect(&t.url).await.unwrap();
            let mut tx = db.begin_with(options).await.unwrap();
            let reported = reported_level(&mut tx).await;
            assert_eq!(reported, (name.to_owned(), read_only), "{options:?}");
            tx.commit().await.unwrap();
            db.close().await;
        }
    }
}

pub async fn sqlite_lock_modes_decide_when_a_second_writer_is_refused(t: &TestDb) {
    t.create(&[Slot::TABLE]).await;
    // The second writer: a pool of its own that waits only 50 ms for SQLite's write lock.
    let (other, _) = observed(t, None).await;
    if t.backend != Backend::Sqlite {
        eprintln!(
            "SQLite lock modes not applicable on {:?}: the option is ignored there and row locks \
             apply; checking that it takes no lock",
            t.backend
        );
        let tx =
            t.db.begin_with(TransactionOptions::new().sqlite_locking(SqliteLocking::Exclusive))
                .await
                .unwrap();
        Slot { id: 1, value: 1 }.insert(&other).await.unwrap();
        tx.commit().await.unwrap();
        other.close().await;
        return;
    }
    for (id, locking) in [(1, SqliteLocking::Immediate), (2, SqliteLocking::Exclusive)] {
        let holder =
            t.db.begin_with(TransactionOptions::new().sqlite_locking(locking))
                .await
                .unwrap();
        let started = Instant::now();
        let refused = Slot { id, value: 0 }.insert(&other).await.unwrap_err();
        assert_eq!(
            refused.kind(),
            ErrorKind::LockTimeout,
            "{locking:?}: {refused}"
        );
        assert!(
            started.elapsed() >= Duration::from_millis(40),
            "{locking:?}: refused after {:?}, before the busy timeout",
            started.elapsed()
        );
        holder.rollback().await.unwrap();
        Slot { id, value: 0 }.insert(&other).await.unwrap();
    }

    // Deferred takes no write lock at BEGIN, nor when it reads: the other writer goes ahead.
    let mut reader =
        t.db.begin_with(TransactionOptions::new().sqlite_locking(SqliteLocking::Deferred))
            .await
            .unwrap();
    assert_eq!(Slot::query().count(&mut reader).await.unwrap(), 2);
    Slot { id: 3, value: 0 }.insert(&other).await.unwrap();
    // The reader's snapshot is now stale, so SQLite refuses its write at once (a transient
    // failure a retry policy re-runs).
    let stale = Slot { id: 4, value: 0 }
        .insert(&mut reader)
        .await
        .unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::SerializationFailure, "{stale}");
    drop(reader);
    assert_eq!(Slot::query().count(&t.db).await.unwrap(), 3);
    other.close().await;
}

pub async fn a_write_in_a_read_only_transaction_fails_on_every_backend(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    entry("before").insert(&t.db).await.unwrap();
    let read_only = TransactionOptions::new().read_only();
    let refused_code = match t.backend {
        // read_only_sql_transaction; ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION; SQLITE_READONLY
        Backend::Postgres => "25006",
        Backend::MySql => "1792",
        _ => "8",
    };

    let mut tx = t.db.begin_with(read_only).await.unwrap();
    assert_eq!(
        Entry::query().count(&mut tx).await.unwrap(),
        1,
        "reads work"
    );
    let insert = entry("refused").insert(&mut tx).await.unwrap_err();
    assert_eq!(insert.code(), Some(refused_code), "{insert}");
    let commit = tx.commit().await.unwrap_err();
    assert_eq!(commit.kind(), ErrorKind::TransactionAborted, "{commit}");

    for sql in [
        "UPDATE opt_entry SET note = 'changed'",
        "DELETE FROM opt_entry",
    ] {
        let mut tx = t.db.begin_with(read_only).await.unwrap();
        let error = covet::unchecked_sql(sql)
            .execute(&mut tx)
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some(refused_code), "{sql}: {error}");
        tx.rollback().await.unwrap();
    }

    // Not transient: a retry policy runs the closure once.
    let mut runs = 0;
    let result: Result<(), covet::Error> =
        t.db.transaction_with(read_only.retry(RetryPolicy::new(3)), |tx| {
            runs += 1;
            Box::pin(async move {
                entry("refused").insert(&mut *tx).await?;
                Ok(())
            })
        })
        .await;
    assert_eq!(result.unwrap_err().code(), Some(refused_code));
    assert_eq!(runs, 1);
    let notes: Vec<String> = Entry::query()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.note)
        .collect();
    assert_eq!(notes, ["before"]);
}

pub async fn errors_that_are_not_transient_are_never_retried(t: &TestDb) {
    t.create(&[Slot::TABLE]).await;
    Slot { id: 1, value: 0 }.insert(&t.db).await.unwrap();
    let (db, recorder) = observed(t, None).await;
    let policy = TransactionOptions::new().retry(RetryPolicy::new(5));

    // A unique violation returned by the closure.
    let mut runs = 0;
    let result: Result<(), covet::Error> = db
        .transaction_with(policy, |tx| {
            runs += 1;
            Box::pin(async move {
                Slot { id: 1, value: 1 }.insert(&mut *tx).await?;
                Ok(())
            })
        })
        .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::UniqueViolation);
    assert_eq!(runs, 1);

    // The same violation caught inside, the closure returning Ok: the commit is refused, and
    // the cause is not transient.
    let mut runs = 0;
    let result: Result<(), covet::Error> = db
        .transaction_with(policy, |tx| {
            runs += 1;
            Box::pin(async move {
                let duplicate = Slot { id: 1, value: 1 }.insert(&mut *tx).await;
                assert_eq!(duplicate.unwrap_err().kind(), ErrorKind::UniqueViolation);
                Ok(())
            })
        })
        .await;
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TransactionAborted, "{error}");
    assert_eq!(runs, 1);

    // An error of the closure's own with a transient kind did not come from the database.
    let mut runs = 0;
    let result: Result<(), covet::Error> = db
        .transaction_with(policy, |_tx| {
            runs += 1;
            Box::pin(async { Err(covet::Error::new(ErrorKind::Deadlock, "made up")) })
        })
        .await;
    assert_eq!(result.unwrap_err().message(), "made up");
    assert_eq!(runs, 1);

    assert!(recorder.retries().is_empty(), "{:?}", recorder.seen());
    assert_eq!(recorder.outcomes(), [TransactionOutcome::RolledBack; 3]);
    let stats = db.transaction_stats();
    assert_eq!((stats.commits, stats.rollbacks, stats.retries), (0, 3, 0));
    assert_eq!(Slot::get(&db, 1).await.unwrap().value, 0);
    db.close().await;
}

/// Holds a lock that [`collide`] runs into: SQLite's write lock, or row 1's lock elsewhere.
async fn hold_lock(t: &TestDb) -> Transaction<'static> {
    if t.backend == Backend::Sqlite {
        let immediate = TransactionOptions::new().sqlite_locking(SqliteLocking::Immediate);
        return t.db.begin_with(immediate).await.unwrap();
    }
    let mut tx = t.db.begin().await.unwrap();
    Slot { id: 1, value: 1 }.update(&mut tx).await.unwrap();
    tx
}

/// Takes the lock [`hold_lock`] holds: at once with `NOWAIT`, or after the 50 ms busy timeout
/// of the [`observed`] pool on SQLite.
async fn collide(tx: &mut Transaction<'_>) -> covet::Result<()> {
    if tx.backend() == Backend::Sqlite {
        covet::unchecked_sql("UPDATE opt_slot SET value = value + 10 WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        return Ok(());
    }
    covet::unchecked_sql("SELECT id FROM opt_slot WHERE id = 1 FOR UPDATE NOWAIT")
        .execute(&mut *tx)
        .await?;
    covet::unchecked_sql("UPDATE opt_slot SET value = value + 10 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn a_caught_transient_error_fails_the_commit_and_the_policy_runs_the_closure_again(
    t: &TestDb,
) {
    t.create(&[Slot::TABLE]).await;
    Slot { id: 1, value: 0 }.insert(&t.db).await.unwrap();
    let (db, recorder) = observed(t, None).await;
    let holder = Arc::new(tokio::sync::Mutex::new(Some(hold_lock(t).await)));
    let caught = Arc::new(Mutex::new(Vec::new()));
    let base_delay = Duration::from_millis(20);
    let options = TransactionOptions::new().retry(RetryPolicy::new(5).base_delay(base_delay));

    let started = Instant::now();
    let result: Result<(), covet::Error> = db
        .transaction_with(options, |tx| {
            let holder = holder.clone();
            let caught = caught.clone();
            Box::pin(async move {
                match collide(&mut *tx).await {
                    Ok(()) => {}
                    Err(error) => {
                        // Caught and swallowed; the lock is let go for the next attempt.
                        caught.lock().unwrap().push(error.kind());
                        if let Some(holder) = holder.lock().await.take() {
                            holder.rollback().await?;
                        }
                    }
                }
                Ok(())
            })
        })
        .await;
    let elapsed = started.elapsed();
    result.unwrap();

    // The first attempt's commit was refused (a statement failed) and, the failure being
    // transient, the closure ran again and committed: the update landed once.
    assert_eq!(*caught.lock().unwrap(), [ErrorKind::LockTimeout]);
    assert_eq!(Slot::get(&db, 1).await.unwrap().value, 10);
    let retries = recorder.retries();
    assert_eq!(retries.len(), 1, "{:?}", recorder.seen());
    let (attempt, cause, delay) = retries[0];
    assert_eq!((attempt, cause), (2, ErrorKind::LockTimeout));
    assert!(
        delay <= base_delay,
        "the first retry waits at most base_delay: {delay:?}"
    );
    assert_eq!(
        recorder.outcomes(),
        [
            TransactionOutcome::RolledBack,
            TransactionOutcome::Committed
        ]
    );
    let began = recorder
        .seen()
        .iter()
        .filter(|seen| **seen == Seen::Began)
        .count();
    assert_eq!(began, 2);

    let stats = db.transaction_stats();
    assert_eq!((stats.commits, stats.rollbacks, stats.retries), (1, 1, 1));
    // The statistics add up the durations the events report (in whole microseconds).
    let durations = recorder.durations();
    let total: Duration = durations
        .iter()
        .map(|d| Duration::from_micros(u64::try_from(d.as_micros()).unwrap()))
        .sum();
    assert_eq!(stats.total_duration, total);
    assert!(
        total + delay <= elapsed,
        "{durations:?} + {delay:?} > {elapsed:?}"
    );
    if t.backend == Backend::Sqlite {
        // The first attempt waited out the busy timeout.
        assert!(durations[0] >= Duration::from_millis(40), "{durations:?}");
    }
    db.close().await;
}

pub async fn a_transaction_open_past_the_threshold_is_reported_once_with_its_call_site(t: &TestDb) {
    let threshold = Duration::from_millis(100);
    let (db, recorder) = observed(t, Some(threshold)).await;

    // Quick: nothing to report.
    let tx = db.begin().await.unwrap();
    tx.commit().await.unwrap();
    assert!(recorder.long().is_empty(), "{:?}", recorder.seen());

    // Reported once, with where it began: by the pool's watcher while it sleeps, and not again
    // by the statements past the threshold or by the commit.
    let began_at = line!() + 1;
    let mut tx = db.begin().await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    for _ in 0..3 {
        covet::unchecked_sql("SELECT 1")
            .execute(&mut tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let long = recorder.long();
    assert_eq!(long.len(), 1, "{:?}", recorder.seen());
    let (open_for, location) = long[0];
    assert!(open_for >= threshold, "{open_for:?}");
    assert!(
        location.file().ends_with("transaction_options.rs"),
        "{location}"
    );
    assert_eq!(location.line(), began_at);

    // Idle past the threshold: reported while it is still open (it may never run another
    // statement), and not again when it ends.
    let tx = db.begin().await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(recorder.long().len(), 2, "{:?}", recorder.seen());
    tx.rollback().await.unwrap();
    assert_eq!(recorder.long().len(), 2, "{:?}", recorder.seen());

    let durations = recorder.durations();
    assert_eq!(durations.len(), 3);
    assert!(durations[0] < threshold, "{durations:?}");
    assert!(durations[1] >= Duration::from_millis(150), "{durations:?}");
    assert!(durations[2] >= Duration::from_millis(150), "{durations:?}");
    let stats = db.transaction_stats();
    assert_eq!(
        (stats.commits, stats.rollbacks, stats.long_running),
        (2, 1, 2)
    );
    db.close().await;
}
