//! Transactions on every backend: the closure and explicit forms, savepoints, the commit rule
//! (a failed statement means no commit), hooks, options, timeouts, retries and what happens
//! when a transaction's future or task is dropped at an awkward moment.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use covet::prelude::*;
use covet::{
    AssertSqlSafe, IsolationLevel, PoolOptions, RetryPolicy, SqliteLocking, TransactionOptions,
};
use futures_util::StreamExt;

use super::errors::Scalar;
use crate::TestDb;

#[covet::model(table = "ledger")]
#[derive(Debug)]
pub struct Entry {
    #[covet(primary_key)]
    pub id: i64,
    /// Which unit of work wrote the row.
    pub batch: i64,
    #[covet(max_length = 40)]
    pub note: String,
}

#[covet::model(table = "tx_counter")]
#[derive(Debug)]
pub struct Counter {
    #[covet(primary_key, auto_increment = false)]
    pub id: i64,
    pub value: i64,
}

/// A view over `tx_counter` whose rows fail on the server as they are computed (see
/// [`create_failing_view`]).
#[covet::model(table = "tx_boom")]
#[derive(Debug)]
pub struct Boom {
    #[covet(primary_key, auto_increment = false)]
    pub id: i64,
    pub value: i64,
}

fn entry(batch: i64, note: &str) -> Entry {
    Entry {
        id: 0,
        batch,
        note: note.into(),
    }
}

async fn notes(db: &Database) -> Vec<String> {
    Entry::query()
        .order_by(Entry::id.asc())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.note)
        .collect()
}

pub async fn the_closure_commits_on_ok_and_rolls_back_on_err(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    let kept =
        t.db.transaction(|tx| {
            Box::pin(async move {
                entry(1, "kept").insert(&mut *tx).await?;
                Ok::<_, covet::Error>(7)
            })
        })
        .await
        .unwrap();
    assert_eq!(kept, 7);

    let refused: Result<(), covet::Error> =
        t.db.transaction(|tx| {
            Box::pin(async move {
                entry(2, "undone").insert(&mut *tx).await?;
                Err(covet::Error::other("changed my mind"))
            })
        })
        .await;
    assert_eq!(refused.unwrap_err().message(), "changed my mind");
    assert_eq!(notes(&t.db).await, ["kept"]);
    let stats = t.db.transaction_stats();
    assert_eq!((stats.commits, stats.rollbacks), (1, 1));
}

pub async fn explicit_transactions_commit_roll_back_and_roll_back_when_dropped(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    let mut tx = t.db.begin().await.unwrap();
    entry(1, "committed").insert(&mut tx).await.unwrap();
    // Inside the transaction its own write is visible; outside it is not yet.
    assert_eq!(Entry::query().count(&mut tx).await.unwrap(), 1);
    tx.commit().await.unwrap();

    let mut tx = t.db.begin().await.unwrap();
    entry(2, "rolled back").insert(&mut tx).await.unwrap();
    tx.rollback().await.unwrap();

    let mut tx = t.db.begin().await.unwrap();
    entry(3, "dropped").insert(&mut tx).await.unwrap();
    drop(tx);

    assert_eq!(notes(&t.db).await, ["committed"]);
}

pub async fn rolling_back_a_nested_level_keeps_the_outer_work(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    let mut tx = t.db.begin().await.unwrap();
    entry(1, "outer").insert(&mut tx).await.unwrap();
    {
        let mut middle = tx.begin().await.unwrap();
        assert_eq!(middle.level(), 2);
        entry(1, "middle").insert(&mut middle).await.unwrap();
        {
            let mut inner = middle.begin().await.unwrap();
            assert_eq!(inner.level(), 3);
            entry(1, "inner, rolled back")
                .insert(&mut inner)
                .await
                .unwrap();
            inner.rollback().await.unwrap();
        }
        {
            let mut inner = middle.begin().await.unwrap();
            entry(1, "inner, dropped").insert(&mut inner).await.unwrap();
        }
        // The dropped level is rolled back before the next statement of its parent.
        entry(1, "middle again").insert(&mut middle).await.unwrap();
        middle.commit().await.unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(notes(&t.db).await, ["outer", "middle", "middle again"]);
}

pub async fn a_failed_statement_makes_the_commit_fail_even_when_ignored(t: &TestDb) {
    t.create(&[Counter::TABLE]).await;
    let mut tx = t.db.begin().await.unwrap();
    Counter { id: 1, value: 1 }.insert(&mut tx).await.unwrap();
    let duplicate = Counter { id: 1, value: 2 }.insert(&mut tx).await;
    assert_eq!(duplicate.unwrap_err().kind(), ErrorKind::UniqueViolation);
    // Nothing more runs in it: MySQL would run it in autocommit after a deadlock.
    let after = Counter { id: 2, value: 2 }.insert(&mut tx).await;
    assert_eq!(after.unwrap_err().kind(), ErrorKind::TransactionAborted);
    // On PostgreSQL the transaction is now aborted and COMMIT would answer ROLLBACK without an
    // error; covet refuses on every backend alike.
    let error = tx.commit().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TransactionAborted);
    assert!(error.message().contains("unique"), "{error}");
    assert_eq!(Counter::query().count(&t.db).await.unwrap(), 0);

    // The closure form: the error is caught inside, the closure returns Ok, nothing commits.
    let result =
        t.db.transaction(|tx| {
            Box::pin(async move {
                Counter { id: 1, value: 1 }.insert(&mut *tx).await?;
                let _ignored = Counter { id: 1, value: 2 }.insert(&mut *tx).await;
                Ok::<_, covet::Error>(())
            })
        })
        .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::TransactionAborted);
    assert_eq!(Counter::query().count(&t.db).await.unwrap(), 0);
}

pub async fn a_failure_inside_a_rolled_back_savepoint_does_not_block_the_commit(t: &TestDb) {
    t.create(&[Counter::TABLE]).await;
    t.db.transaction(|tx| {
        Box::pin(async move {
            Counter { id: 1, value: 1 }.insert(&mut *tx).await?;
            let nested = tx
                .transaction(|inner| {
                    Box::pin(async move { Counter { id: 1, value: 2 }.insert(&mut *inner).await })
                })
                .await;
            assert_eq!(nested.unwrap_err().kind(), ErrorKind::UniqueViolation);
            // The outer transaction goes on, even on PostgreSQL.
            Counter { id: 2, value: 2 }.insert(&mut *tx).await?;
            Ok::<_, covet::Error>(())
        })
    })
    .await
    .unwrap();
    assert_eq!(Counter::query().count(&t.db).await.unwrap(), 2);
}

pub async fn commit_callbacks_wait_for_the_outermost_commit(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    let log = Arc::new(std::sync::Mutex::new(Vec::<&'static str>::new()));
    let note = |what: &'static str| {
        let log = log.clone();
        move || log.lock().unwrap().push(what)
    };

    let mut tx = t.db.begin().await.unwrap();
    tx.on_commit(note("outer committed"));
    tx.on_rollback(note("outer rolled back"));
    {
        let mut kept = tx.begin().await.unwrap();
        kept.on_commit(note("released level committed"));
        kept.commit().await.unwrap();
    }
    {
        let mut undone = tx.begin().await.unwrap();
        undone.on_commit(note("rolled back level committed"));
        undone.on_rollback(note("inner rolled back"));
        undone.rollback().await.unwrap();
    }
    assert_eq!(*log.lock().unwrap(), ["inner rolled back"]);
    tx.commit().await.unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "inner rolled back",
            "outer committed",
            "released level committed"
        ]
    );

    log.lock().unwrap().clear();
    let mut tx = t.db.begin().await.unwrap();
    tx.on_commit(note("never"));
    tx.on_rollback(note("rolled back"));
    tx.rollback().await.unwrap();
    assert_eq!(*log.lock().unwrap(), ["rolled back"]);
}

pub async fn a_read_only_transaction_refuses_writes_and_leaves_the_connection_writable(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    let mut session = t.db.session().await.unwrap();
    let mut tx = session
        .begin_with(TransactionOptions::new().read_only())
        .await
        .unwrap();
    assert_eq!(Entry::query().count(&mut tx).await.unwrap(), 0);
    assert!(entry(1, "refused").insert(&mut tx).await.is_err());
    tx.rollback().await.unwrap();
    // The same connection writes again afterwards (SQLite's query_only was switched back).
    entry(1, "written").insert(&mut session).await.unwrap();
    drop(session);
    assert_eq!(notes(&t.db).await, ["written"]);
}

pub async fn every_isolation_level_begins_in_the_dialects_syntax(t: &TestDb) {
    for level in [
        IsolationLevel::ReadUncommitted,
        IsolationLevel::ReadCommitted,
        IsolationLevel::RepeatableRead,
        IsolationLevel::Serializable,
    ] {
        let mut tx =
            t.db.begin_with(TransactionOptions::new().isolation(level))
                .await
                .unwrap();
        if t.backend == Backend::Postgres {
            // PostgreSQL reports the level; READ UNCOMMITTED runs as READ COMMITTED.
            let serializable: Vec<Scalar> = covet::unchecked_sql(
                "SELECT CASE current_setting('transaction_isolation') \
                   WHEN 'serializable' THEN 3 WHEN 'repeatable read' THEN 2 ELSE 1 END::bigint AS value",
            )
            .fetch_all(&mut tx)
            .await
            .unwrap();
            let expected = match level {
                IsolationLevel::Serializable => 3,
                IsolationLevel::RepeatableRead => 2,
                _ => 1,
            };
            assert_eq!(serializable[0].value, expected, "{level:?}");
        }
        tx.commit().await.unwrap();
    }
    for locking in [
        SqliteLocking::Deferred,
        SqliteLocking::Immediate,
        SqliteLocking::Exclusive,
    ] {
        let tx =
            t.db.begin_with(TransactionOptions::new().sqlite_locking(locking))
                .await
                .unwrap();
        tx.commit().await.unwrap();
    }
}

pub async fn a_transaction_past_its_timeout_is_rolled_back(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    let options = TransactionOptions::new().timeout(Duration::from_millis(200));
    let started = Instant::now();
    let result: Result<(), covet::Error> =
        t.db.transaction_with(options, |tx| {
            Box::pin(async move {
                entry(1, "too slow").insert(&mut *tx).await?;
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok(())
            })
        })
        .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::TransactionTimeout);
    assert!(started.elapsed() < Duration::from_secs(4));

    // The explicit form refuses statements after the deadline.
    let mut tx = t.db.begin_with(options).await.unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    let late = entry(2, "late").insert(&mut tx).await;
    assert_eq!(late.unwrap_err().kind(), ErrorKind::TransactionTimeout);
    drop(tx);

    wait_until_every_connection_is_back(&t.db).await;
    assert!(notes(&t.db).await.is_empty());
}

/// Polls until nothing holds a connection: rollbacks of dropped transactions run in the
/// background.
pub async fn wait_until_every_connection_is_back(db: &Database) {
    let started = Instant::now();
    while db.pool_stats().in_use > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "connections still in use: {:?}",
            db.pool_stats()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Asks the server whether the connection behind `$executor` (a `&mut Session` or a
/// `&mut Transaction`) is inside a transaction.
macro_rules! in_transaction {
    ($executor:expr, $backend:expr) => {
        match $backend {
            Backend::Postgres => {
                // A setting made LOCAL lasts until the transaction ends: outside a transaction
                // block that is the end of the statement that made it.
                covet::unchecked_sql("SELECT set_config('covet.probe', 'set', true)")
                    .execute(&mut $executor)
                    .await
                    .unwrap();
                let rows: Vec<Scalar> = covet::unchecked_sql(
                    "SELECT CAST(CASE WHEN current_setting('covet.probe', true) = 'set' \
                     THEN 1 ELSE 0 END AS BIGINT) AS value",
                )
                .fetch_all(&mut $executor)
                .await
                .unwrap();
                rows[0].value == 1
            }
            Backend::MySql => {
                let rows: Vec<Scalar> =
                    covet::unchecked_sql("SELECT CAST(@@in_transaction AS SIGNED) AS value")
                        .fetch_all(&mut $executor)
                        .await
                        .unwrap();
                rows[0].value == 1
            }
            _ => {
                // SQLite refuses VACUUM inside a transaction: tried on an empty database
                // attached for the purpose, so the real one is left alone. Inside a covet
                // transaction the refusal fails it, and the DETACH is refused too: the
                // attachment stays (a later ATTACH finds it there) until a probe outside one.
                let _ = covet::unchecked_sql("ATTACH DATABASE ':memory:' AS covet_probe")
                    .execute(&mut $executor)
                    .await;
                let vacuumed = covet::unchecked_sql("VACUUM covet_probe")
                    .execute(&mut $executor)
                    .await;
                let _ = covet::unchecked_sql("DETACH DATABASE covet_probe")
                    .execute(&mut $executor)
                    .await;
                vacuumed.is_err()
            }
        }
    };
}

/// Asserts on the server that no connection of the pool is inside a transaction: every pooled
/// connection is checked out at once and asked.
pub async fn assert_no_pooled_connection_in_a_transaction(db: &Database, backend: Backend) {
    wait_until_every_connection_is_back(db).await;
    if backend == Backend::Postgres {
        let open: Vec<Scalar> = covet::unchecked_sql(
            "SELECT count(*) AS value FROM pg_stat_activity \
             WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
        )
        .fetch_all(db)
        .await
        .unwrap();
        assert_eq!(open[0].value, 0, "a connection is idle in a transaction");
    }
    let mut sessions = Vec::new();
    for _ in 0..db.pool_stats().size {
        sessions.push(db.session().await.unwrap());
    }
    for session in &mut sessions {
        let in_transaction = in_transaction!(*session, backend);
        assert!(
            !in_transaction,
            "a pooled connection is inside a transaction"
        );
    }
}

pub async fn aborted_tasks_never_leave_a_connection_in_a_transaction(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    let db = covet::PoolOptions::new()
        .max_connections(4)
        .connect(&t.url)
        .await
        .unwrap();
    // Tasks abort at staggered moments: before BEGIN is answered, between statements, during
    // COMMIT, after it.
    let mut tasks = Vec::new();
    for batch in 0..40_i64 {
        let db = db.clone();
        let task = tokio::spawn(async move {
            let _ = db
                .transaction(|tx| {
                    Box::pin(async move {
                        entry(batch, "first").insert(&mut *tx).await?;
                        tokio::task::yield_now().await;
                        entry(batch, "second").insert(&mut *tx).await?;
                        Ok::<_, covet::Error>(())
                    })
                })
                .await;
        });
        let delay = Duration::from_micros(250 * u64::try_from(batch % 20).unwrap());
        tasks.push((task, delay));
    }
    for (task, delay) in tasks {
        tokio::time::sleep(delay).await;
        task.abort();
        let _ = task.await;
    }
    // Explicit transactions dropped mid-way, including while BEGIN is in flight.
    for round in 0..10_u64 {
        let begin = db.begin();
        let _ = tokio::time::timeout(Duration::from_micros(100 * round), begin).await;
        let mut tx = db.begin().await.unwrap();
        entry(1000, "dropped").insert(&mut tx).await.unwrap();
        let commit = tx.commit();
        let _ = tokio::time::timeout(Duration::from_micros(50 * round), commit).await;
    }

    assert_no_pooled_connection_in_a_transaction(&db, t.backend).await;
    // Every batch committed both rows or neither.
    let rows = Entry::query()
        .filter(Entry::batch.lt(1000))
        .all(&db)
        .await
        .unwrap();
    for batch in 0..40 {
        let written = rows.iter().filter(|e| e.batch == batch).count();
        assert!(
            written == 0 || written == 2,
            "batch {batch} wrote {written} row(s)"
        );
    }
    db.close().await;
}

pub async fn a_deadlock_is_retried_and_both_transfers_land_once(t: &TestDb) {
    if t.backend == Backend::Sqlite {
        // SQLite has one writer at a time: two writers do not deadlock, they wait (see
        // two_sqlite_writers_are_retried_until_both_land).
        return;
    }
    t.create(&[Counter::TABLE]).await;
    for id in [1, 2] {
        Counter { id, value: 0 }.insert(&t.db).await.unwrap();
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let attempts = Arc::new(AtomicU32::new(0));
    // The increment runs on the server: a retry that read a row before the winner committed
    // would otherwise write back a stale value (a lost update, which READ COMMITTED allows),
    // and the count below would no longer tell whether each transfer landed once.
    let increment = match t.backend {
        Backend::Postgres => "UPDATE tx_counter SET value = value + 1 WHERE id = $1",
        _ => "UPDATE tx_counter SET value = value + 1 WHERE id = ?",
    };
    let transfer = |first: i64, second: i64| {
        let db = t.db.clone();
        let barrier = barrier.clone();
        let attempts = attempts.clone();
        async move {
            let options = TransactionOptions::new().retry(RetryPolicy::new(5));
            db.transaction_with(options, |tx| {
                let barrier = barrier.clone();
                let attempt = attempts.fetch_add(1, Ordering::SeqCst);
                Box::pin(async move {
                    covet::unchecked_sql(increment)
                        .bind(first)
                        .execute(&mut *tx)
                        .await?;
                    if attempt < 2 {
                        // Both first attempts hold their first row before either asks for
                        // its second.
                        barrier.wait().await;
                    }
                    covet::unchecked_sql(increment)
                        .bind(second)
                        .execute(&mut *tx)
                        .await?;
                    Ok::<_, covet::Error>(())
                })
            })
            .await
        }
    };
    let (one, two) = tokio::join!(transfer(1, 2), transfer(2, 1));
    one.unwrap();
    two.unwrap();
    let values: Vec<i64> = Counter::query()
        .order_by(Counter::id.asc())
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.value)
        .collect();
    assert_eq!(values, [2, 2], "each transfer landed exactly once");
    assert!(
        attempts.load(Ordering::SeqCst) >= 3,
        "one transaction was retried"
    );
    assert!(t.db.transaction_stats().retries >= 1);
}

pub async fn two_sqlite_writers_are_retried_until_both_land(t: &TestDb) {
    if t.backend != Backend::Sqlite {
        return;
    }
    t.create(&[Counter::TABLE]).await;
    Counter { id: 1, value: 0 }.insert(&t.db).await.unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let attempts = Arc::new(AtomicU32::new(0));
    let increment = || {
        let db = t.db.clone();
        let barrier = barrier.clone();
        let attempts = attempts.clone();
        async move {
            // Deferred: both read, then both try to write; the loser's snapshot is stale and
            // SQLite refuses it ("database is locked"), a transient failure.
            let options = TransactionOptions::new()
                .sqlite_locking(SqliteLocking::Deferred)
                .retry(RetryPolicy::new(10));
            db.transaction_with(options, |tx| {
                let barrier = barrier.clone();
                let attempt = attempts.fetch_add(1, Ordering::SeqCst);
                Box::pin(async move {
                    let mut counter = Counter::get(&mut *tx, 1).await?;
                    if attempt < 2 {
                        barrier.wait().await;
                    }
                    counter.value += 1;
                    counter.update(&mut *tx).await?;
                    Ok::<_, covet::Error>(())
                })
            })
            .await
        }
    };
    let (one, two) = tokio::join!(increment(), increment());
    one.unwrap();
    two.unwrap();
    assert_eq!(Counter::get(&t.db, 1).await.unwrap().value, 2);
    assert!(t.db.transaction_stats().retries >= 1);
}

pub async fn sessions_and_transactions_run_the_same_code(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    async fn record(executor: impl covet::Executor<'_>, batch: i64) -> covet::Result<Entry> {
        entry(batch, "shared code").insert(executor).await
    }
    record(&t.db, 1).await.unwrap();
    let mut session = t.db.session().await.unwrap();
    record(&mut session, 2).await.unwrap();
    let mut tx = session.begin().await.unwrap();
    record(&mut tx, 3).await.unwrap();
    tx.commit().await.unwrap();
    drop(session);
    assert_eq!(Entry::query().count(&t.db).await.unwrap(), 3);
}

/// Creates the view `tx_boom` over four counters, whose third row (in key order, which is also
/// the order a plain scan finds them) fails on the server when it is computed: a scalar
/// subquery that finds two rows on PostgreSQL and MariaDB, `abs()` of the smallest integer on
/// SQLite (which takes a subquery's first row instead of failing).
async fn create_failing_view(t: &TestDb) {
    t.create(&[Counter::TABLE]).await;
    for (id, value) in [(1, 10), (2, 20), (3, 30), (4, 30)] {
        Counter { id, value }.insert(&t.db).await.unwrap();
    }
    let view = match t.backend {
        Backend::Sqlite => {
            "CREATE VIEW tx_boom AS SELECT id, \
             CASE WHEN value = 30 THEN abs(value - 9223372036854775807 - 31) ELSE value END AS value \
             FROM tx_counter"
        }
        _ => {
            "CREATE VIEW tx_boom AS SELECT c.id AS id, \
             (SELECT d.value FROM tx_counter d WHERE d.value = c.value) AS value \
             FROM tx_counter c"
        }
    };
    covet::unchecked_sql(view).execute(&t.db).await.unwrap();
}

pub async fn a_stream_error_the_code_caught_makes_the_commit_fail(t: &TestDb) {
    create_failing_view(t).await;
    t.create(&[Entry::TABLE]).await;
    let mut tx = t.db.begin().await.unwrap();
    entry(1, "undone").insert(&mut tx).await.unwrap();
    {
        let mut rows = Boom::query().order_by(Boom::id.asc()).stream(&mut tx);
        let error = loop {
            match rows.next().await {
                Some(Ok(_)) => {}
                Some(Err(error)) => break error,
                None => panic!("the view's third row must fail on the server"),
            }
        };
        assert_eq!(error.kind(), ErrorKind::Database, "{error}");
        // The consumer stops at the error and drops the stream without reading it to its end.
    }
    let error = tx.commit().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TransactionAborted, "{error}");
    assert!(error.message().contains("failed"), "{error}");
    assert!(notes(&t.db).await.is_empty());
    assert_no_pooled_connection_in_a_transaction(&t.db, t.backend).await;
}

pub async fn a_cancelled_statement_makes_the_commit_fail_and_commits_nothing(t: &TestDb) {
    t.create(&[Counter::TABLE]).await;
    // Another transaction holds what the statement needs: the key it inserts (PostgreSQL,
    // MariaDB), or SQLite's one write lock.
    let immediate = TransactionOptions::new().sqlite_locking(SqliteLocking::Immediate);
    let mut holder = t.db.begin_with(immediate).await.unwrap();
    Counter { id: 1, value: 1 }
        .insert(&mut holder)
        .await
        .unwrap();

    let mut tx = t.db.begin().await.unwrap();
    let blocked = if t.backend == Backend::Sqlite {
        // Any write waits for the holder here, so the blocked one comes first.
        Counter { id: 3, value: 3 }
    } else {
        Counter { id: 2, value: 2 }.insert(&mut tx).await.unwrap();
        Counter { id: 1, value: 3 }
    };
    let gave_up = tokio::time::timeout(Duration::from_millis(300), blocked.insert(&mut tx)).await;
    assert!(gave_up.is_err(), "the insert waits for the holder");
    // Once the holder commits, the insert nobody waits for any more goes on on the server: a
    // duplicate key on PostgreSQL (which aborts the whole transaction, so that COMMIT would
    // answer ROLLBACK without an error) and MariaDB (which would commit the rest), a write
    // that succeeds on SQLite (and would be committed).
    holder.commit().await.unwrap();
    let error = tx.commit().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TransactionAborted, "{error}");
    assert!(error.message().contains("cancelled"), "{error}");
    let rows: Vec<(i64, i64)> = Counter::query()
        .order_by(Counter::id.asc())
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.value))
        .collect();
    assert_eq!(rows, [(1, 1)], "only the holder's row is committed");

    // A statement that is only slow, cancelled, counts the same: covet cannot tell it apart.
    let sleep = match t.backend {
        Backend::Postgres => "SELECT pg_sleep(1)",
        Backend::MySql => "SELECT SLEEP(1)",
        _ => {
            eprintln!(
                "slow statement: not applicable on SQLite, which has no server-side sleep; the \
                 blocked write above is its slow statement"
            );
            assert_no_pooled_connection_in_a_transaction(&t.db, t.backend).await;
            return;
        }
    };
    let mut tx = t.db.begin().await.unwrap();
    Counter { id: 5, value: 5 }.insert(&mut tx).await.unwrap();
    let slow = covet::unchecked_sql(sleep).execute(&mut tx);
    assert!(
        tokio::time::timeout(Duration::from_millis(100), slow)
            .await
            .is_err()
    );
    let error = tx.commit().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TransactionAborted, "{error}");
    assert!(error.message().contains("cancelled"), "{error}");
    assert_eq!(Counter::query().count(&t.db).await.unwrap(), 1);

    // Cancelled inside a savepoint that is then rolled back, it no longer counts.
    let mut tx = t.db.begin().await.unwrap();
    Counter { id: 6, value: 6 }.insert(&mut tx).await.unwrap();
    let mut savepoint = tx.begin().await.unwrap();
    let slow = covet::unchecked_sql(sleep).execute(&mut savepoint);
    assert!(
        tokio::time::timeout(Duration::from_millis(100), slow)
            .await
            .is_err()
    );
    savepoint.rollback().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(Counter::query().count(&t.db).await.unwrap(), 2);
    assert_no_pooled_connection_in_a_transaction(&t.db, t.backend).await;
}

pub async fn a_stream_abandoned_early_is_no_failure(t: &TestDb) {
    t.create(&[Entry::TABLE, Counter::TABLE]).await;
    for id in 1..=5 {
        Counter { id, value: id * 10 }.insert(&t.db).await.unwrap();
    }
    let mut tx = t.db.begin().await.unwrap();
    entry(1, "before").insert(&mut tx).await.unwrap();
    let first: Vec<i64> = Counter::query()
        .order_by(Counter::id.asc())
        .stream(&mut tx)
        .take(2)
        .map(|row| row.unwrap().id)
        .collect()
        .await;
    assert_eq!(first, [1, 2]);
    entry(1, "after").insert(&mut tx).await.unwrap();
    // Dropped right before COMMIT, with rows unread.
    {
        let mut rows = Counter::query().stream(&mut tx);
        rows.next().await.unwrap().unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(notes(&t.db).await, ["before", "after"]);
    assert_no_pooled_connection_in_a_transaction(&t.db, t.backend).await;
}

pub async fn a_stream_abandoned_before_a_row_that_fails_on_the_server_cannot_commit(t: &TestDb) {
    create_failing_view(t).await;
    t.create(&[Entry::TABLE]).await;
    let mut tx = t.db.begin().await.unwrap();
    entry(1, "written").insert(&mut tx).await.unwrap();
    {
        // No ORDER BY: the server sends rows as it computes them.
        let mut rows = Boom::query().stream(&mut tx);
        assert_eq!(rows.next().await.unwrap().unwrap().id, 1);
    }
    let committed = tx.commit().await;
    if t.backend == Backend::Sqlite {
        // SQLite computes a row only when it is read (and a failed query does not end its
        // transaction): the failing row never ran, nothing failed.
        committed.unwrap();
        assert_eq!(notes(&t.db).await, ["written"]);
    } else {
        // The server went on after the consumer stopped, and failed: on PostgreSQL that
        // aborted the transaction (COMMIT would have answered ROLLBACK without an error).
        let error = committed.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TransactionAborted, "{error}");
        assert!(error.message().contains("not all read"), "{error}");
        assert!(notes(&t.db).await.is_empty());
    }
    assert_no_pooled_connection_in_a_transaction(&t.db, t.backend).await;
}

/// PostgreSQL: makes every COMMIT of a transaction that inserted into `ledger` take a second, in
/// a deferred constraint trigger that runs at COMMIT.
async fn hold_commits_for_a_second(t: &TestDb) {
    covet::unchecked_sql(
        "CREATE FUNCTION tx_slow_commit() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$",
    )
    .execute(&t.db)
    .await
    .unwrap();
    covet::unchecked_sql(
        "CREATE CONSTRAINT TRIGGER tx_slow_commit AFTER INSERT ON ledger \
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tx_slow_commit()",
    )
    .execute(&t.db)
    .await
    .unwrap();
}

/// PostgreSQL: the number of sessions of the test's database running `COMMIT` right now.
async fn commits_running(db: &Database) -> i64 {
    let rows: Vec<Scalar> = covet::unchecked_sql(
        "SELECT count(*)::bigint AS value FROM pg_stat_activity \
         WHERE datname = current_database() AND state = 'active' AND query = 'COMMIT'",
    )
    .fetch_all(db)
    .await
    .unwrap();
    rows[0].value
}

/// Counts the callbacks run, whichever kind.
fn count_callbacks(tx: &mut covet::Transaction<'_>, count: &Arc<AtomicU32>) {
    let on_commit = count.clone();
    tx.on_commit(move || {
        on_commit.fetch_add(1, Ordering::SeqCst);
    });
    let on_rollback = count.clone();
    tx.on_rollback(move || {
        on_rollback.fetch_add(1, Ordering::SeqCst);
    });
}

pub async fn a_connection_lost_during_commit_is_an_unknown_outcome_never_retried(t: &TestDb) {
    match t.backend {
        Backend::Postgres => {}
        Backend::MySql => {
            eprintln!(
                "not applicable on MariaDB: it runs no user code at COMMIT (no deferred \
                 constraints or triggers), and the only way to hold a COMMIT is a global lock \
                 (FLUSH TABLES WITH READ LOCK) that would stall every test on the shared server"
            );
            return;
        }
        _ => {
            eprintln!("not applicable on SQLite: it runs in the process, no connection is lost");
            return;
        }
    }
    t.create(&[Entry::TABLE]).await;
    hold_commits_for_a_second(t).await;
    let db = PoolOptions::new()
        .max_connections(2)
        .connect(&t.url)
        .await
        .unwrap();
    let pid = Arc::new(AtomicI64::new(0));
    let killer = {
        let admin = t.db.clone();
        let pid = pid.clone();
        tokio::spawn(async move {
            // Waits until the session is inside COMMIT, sleeping in the trigger.
            let started = Instant::now();
            while pid.load(Ordering::SeqCst) == 0 || commits_running(&admin).await == 0 {
                assert!(started.elapsed() < Duration::from_secs(10), "no COMMIT ran");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            covet::unchecked_sql("SELECT pg_terminate_backend(CAST($1 AS integer))")
                .bind(pid.load(Ordering::SeqCst))
                .execute(&admin)
                .await
                .unwrap();
        })
    };
    let runs = Arc::new(AtomicU32::new(0));
    let callbacks = Arc::new(AtomicU32::new(0));
    let options = TransactionOptions::new().retry(RetryPolicy::new(3));
    let result: Result<(), covet::Error> = db
        .transaction_with(options, |tx| {
            let (runs, callbacks, pid) = (runs.clone(), callbacks.clone(), pid.clone());
            Box::pin(async move {
                runs.fetch_add(1, Ordering::SeqCst);
                entry(1, "in doubt").insert(&mut *tx).await?;
                count_callbacks(tx, &callbacks);
                let me: Vec<Scalar> =
                    covet::unchecked_sql("SELECT pg_backend_pid()::bigint AS value")
                        .fetch_all(&mut *tx)
                        .await?;
                pid.store(me[0].value, Ordering::SeqCst);
                Ok(())
            })
        })
        .await;
    killer.await.unwrap();
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::CommitOutcomeUnknown, "{error}");
    assert_eq!(runs.load(Ordering::SeqCst), 1, "never retried");
    wait_until_every_connection_is_back(&db).await;
    assert_eq!(callbacks.load(Ordering::SeqCst), 0, "no callback ran");
    let stats = db.transaction_stats();
    assert_eq!(stats.retries, 0);
    // Neither a commit nor a rollback: nobody knows which.
    assert_eq!(
        (stats.commits, stats.rollbacks, stats.unknown_outcomes),
        (0, 0, 1)
    );
    // Here the session was stopped inside the trigger, before the commit was done (covet cannot
    // know that: hence the error).
    assert_eq!(Entry::query().count(&t.db).await.unwrap(), 0);
    assert_no_pooled_connection_in_a_transaction(&db, t.backend).await;
    db.close().await;
}

pub async fn a_begin_cancelled_while_blocked_leaves_no_connection_in_a_transaction(t: &TestDb) {
    if t.backend != Backend::Sqlite {
        eprintln!(
            "not applicable on {:?}: BEGIN never waits there, so nothing can hold it halfway \
             (see aborted_tasks_never_leave_a_connection_in_a_transaction for drops around it)",
            t.backend
        );
        return;
    }
    t.create(&[Entry::TABLE]).await;
    let immediate = TransactionOptions::new().sqlite_locking(SqliteLocking::Immediate);
    let mut holder = t.db.begin_with(immediate).await.unwrap();
    entry(1, "holder").insert(&mut holder).await.unwrap();
    for _ in 0..3 {
        // Sent, and waiting inside BEGIN IMMEDIATE for the holder's write lock when dropped.
        let blocked = tokio::time::timeout(Duration::from_millis(100), t.db.begin_with(immediate));
        assert!(
            blocked.await.is_err(),
            "BEGIN IMMEDIATE waits for the holder"
        );
    }
    holder.commit().await.unwrap();
    assert_no_pooled_connection_in_a_transaction(&t.db, t.backend).await;
    // Nothing holds the write lock any more.
    let mut tx = t.db.begin_with(immediate).await.unwrap();
    entry(2, "after").insert(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(notes(&t.db).await, ["holder", "after"]);
}

pub async fn a_commit_cancelled_while_the_server_runs_it_has_an_unknown_outcome(t: &TestDb) {
    match t.backend {
        Backend::Postgres => {}
        Backend::MySql => {
            eprintln!(
                "not applicable on MariaDB: nothing but a global lock (FLUSH TABLES WITH READ \
                 LOCK, stalling every test on the shared server) holds a COMMIT halfway"
            );
            return;
        }
        _ => {
            eprintln!("not applicable on SQLite: COMMIT in WAL mode waits for no other connection");
            return;
        }
    }
    t.create(&[Entry::TABLE]).await;
    hold_commits_for_a_second(t).await;
    let db = PoolOptions::new()
        .max_connections(2)
        .connect(&t.url)
        .await
        .unwrap();
    let callbacks = Arc::new(AtomicU32::new(0));
    let mut tx = db.begin().await.unwrap();
    entry(1, "in doubt").insert(&mut tx).await.unwrap();
    count_callbacks(&mut tx, &callbacks);
    let gave_up = tokio::time::timeout(Duration::from_millis(200), tx.commit()).await;
    assert!(gave_up.is_err(), "COMMIT waits for the trigger");
    assert_eq!(
        commits_running(&t.db).await,
        1,
        "the server still runs the COMMIT"
    );

    assert_no_pooled_connection_in_a_transaction(&db, t.backend).await;
    // Nobody stopped the server: the COMMIT finished, with all of the transaction's work.
    assert_eq!(notes(&t.db).await, ["in doubt"]);
    // Neither callback ran, and the transaction counts neither as committed nor as rolled
    // back: covet never read the answer (the clean-up's ROLLBACK found nothing to undo).
    assert_eq!(callbacks.load(Ordering::SeqCst), 0);
    let stats = db.transaction_stats();
    assert_eq!(
        (stats.commits, stats.rollbacks, stats.unknown_outcomes),
        (0, 0, 1)
    );
    db.close().await;
}

/// The id the server gives the session of `executor`'s connection.
async fn session_id(t: &TestDb, tx: &mut covet::Transaction<'_>) -> i64 {
    let whoami = match t.backend {
        Backend::Postgres => "SELECT pg_backend_pid()::bigint AS value",
        _ => "SELECT CAST(CONNECTION_ID() AS SIGNED) AS value",
    };
    let me: Vec<Scalar> = covet::unchecked_sql(whoami).fetch_all(tx).await.unwrap();
    me[0].value
}

/// Kills the session `id` from the test's own pool and waits until the server has ended it.
async fn kill_session(t: &TestDb, id: i64) {
    let alive = match t.backend {
        Backend::Postgres => {
            covet::unchecked_sql("SELECT pg_terminate_backend(CAST($1 AS integer))")
                .bind(id)
                .execute(&t.db)
                .await
                .unwrap();
            "SELECT count(*)::bigint AS value FROM pg_stat_activity WHERE pid = $1"
        }
        _ => {
            // KILL takes no placeholder; the id is the server's own number.
            covet::unchecked_sql(AssertSqlSafe(format!("KILL {id}")))
                .execute(&t.db)
                .await
                .unwrap();
            "SELECT COUNT(*) AS value FROM information_schema.PROCESSLIST WHERE ID = ?"
        }
    };
    let started = Instant::now();
    loop {
        let rows: Vec<Scalar> = covet::unchecked_sql(alive)
            .bind(id)
            .fetch_all(&t.db)
            .await
            .unwrap();
        if rows[0].value == 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "session {id} lives on"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub async fn a_connection_killed_mid_transaction_ends_as_a_rollback(t: &TestDb) {
    if t.backend == Backend::Sqlite {
        eprintln!("not applicable on SQLite: it runs in the process, no server kills a session");
        return;
    }
    t.create(&[Entry::TABLE]).await;
    let db = PoolOptions::new()
        .max_connections(2)
        .connect(&t.url)
        .await
        .unwrap();
    let rolled_back = Arc::new(AtomicU32::new(0));
    let mut tx = db.begin().await.unwrap();
    entry(1, "lost").insert(&mut tx).await.unwrap();
    let flag = rolled_back.clone();
    tx.on_rollback(move || {
        flag.fetch_add(1, Ordering::SeqCst);
    });
    tx.on_commit(|| panic!("nothing committed"));
    let id = session_id(t, &mut tx).await;
    kill_session(t, id).await;
    // The clean-up's ROLLBACK meets a dead connection, which is closed: the server rolled back.
    drop(tx);
    wait_until_every_connection_is_back(&db).await;
    assert_eq!(rolled_back.load(Ordering::SeqCst), 1);
    let stats = db.transaction_stats();
    assert_eq!((stats.commits, stats.rollbacks), (0, 1));
    assert_eq!(Entry::query().count(&db).await.unwrap(), 0);
    assert_no_pooled_connection_in_a_transaction(&db, t.backend).await;
    db.close().await;
}

pub async fn transaction_control_through_the_escape_hatch_is_refused(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    for sql in [
        "BEGIN",
        "START TRANSACTION",
        "/* hand-made */ SAVEPOINT mine",
        "COMMIT",
        "ROLLBACK",
    ] {
        let refused = covet::unchecked_sql(sql).execute(&t.db).await.unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Configuration, "{sql}: {refused}");
        assert!(refused.message().contains("db.begin()"), "{refused}");
    }
    // Nothing was sent: every pooled connection is outside a transaction, and the probe that
    // says so does see a transaction covet opened.
    assert_no_pooled_connection_in_a_transaction(&t.db, t.backend).await;
    let mut session = t.db.session().await.unwrap();
    assert!(!in_transaction!(session, t.backend));
    let mut tx = session.begin().await.unwrap();
    entry(1, "inside").insert(&mut tx).await.unwrap();
    assert!(in_transaction!(tx, t.backend));
    tx.rollback().await.unwrap();
    assert!(!in_transaction!(session, t.backend));
}
