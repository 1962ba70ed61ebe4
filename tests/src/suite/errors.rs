//! Error classification: every class of failure provoked on every backend, checking the kind,
//! the names the server gives (constraint, table, column), the server's code and
//! `is_transient`.
//!
//! Every failure is provoked through covet's public API, so the error checked is the one
//! covet's executor returned. Lock conflicts need a second transaction that holds locks while
//! covet runs; that one is a raw sqlx connection ([`Raw`]), so the lock holder is independent of
//! the code under test.
//!
//! A test that a dialect cannot fail returns early on that backend and says why on stderr.

use std::time::{Duration, Instant};

use covet::prelude::*;
use covet::{BoxError, PoolOptions};
use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Connection};

use crate::TestDb;
use crate::harness::with_database;

/// Stored as a `CHECK`-constrained string: "free" or "paid".
#[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
pub enum Plan {
    Free,
    Paid,
}

#[covet::model]
pub struct Account {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(unique, max_length = 100)]
    pub email: String,
    pub name: String,
    pub plan: Plan,
}

#[covet::model]
pub struct Invoice {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(references = Account)]
    pub account_id: i64,
    pub total: i64,
}

/// A primary key the application chooses (not generated), so that it can be duplicated.
#[covet::model]
pub struct Sku {
    #[covet(primary_key, max_length = 20)]
    pub code: String,
    pub label: String,
}

#[covet::model]
pub struct Counter {
    #[covet(primary_key)]
    pub id: i64,
    pub hits: i64,
}

/// The shape of `account` rows read with a text column where an integer is expected.
#[covet::model]
pub struct Scored {
    #[covet(primary_key)]
    pub id: i64,
    pub score: i32,
}

/// An even number, refused both ways when odd: a conversion of the user's own that fails.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Even(pub i64);

impl SqlValue for Even {
    type Native = i64;

    fn to_native(&self) -> Result<i64, BoxError> {
        if self.0 % 2 == 0 {
            Ok(self.0)
        } else {
            Err(format!("{} is odd", self.0).into())
        }
    }

    fn from_native(native: i64) -> Result<Self, BoxError> {
        Even(native).to_native().map(Even)
    }
}

#[covet::model]
pub struct Pair {
    #[covet(primary_key)]
    pub id: i64,
    pub value: Even,
}

/// One integer, read with `unchecked_sql("SELECT ... AS value")`.
#[covet::model]
pub struct Scalar {
    #[covet(primary_key)]
    pub value: i64,
}

/// The error of a result that must have failed with `kind`.
#[track_caller]
fn expect_kind<T>(result: covet::Result<T>, kind: ErrorKind) -> Error {
    let Err(error) = result else {
        panic!("the operation should have failed with {kind:?}");
    };
    assert_eq!(error.kind(), kind, "{error:?}");
    error
}

/// Says on stderr that a test does not apply to this backend, and why.
fn not_applicable(t: &TestDb, test: &str, why: &str) {
    eprintln!("{test}: not applicable on {}: {why}", t.backend);
}

/// Whether `COVET_REQUIRE_BACKENDS` (as `tests/backends.rs` reads it) names `name`: a required
/// backend must also have what its tests need.
fn required(name: &str) -> bool {
    std::env::var("COVET_REQUIRE_BACKENDS")
        .unwrap_or_default()
        .split(',')
        .any(|required| required.trim() == name)
}

/// The placeholder syntax differs: `$1` on PostgreSQL, `?` elsewhere.
fn dialect(t: &TestDb, postgres: &'static str, others: &'static str) -> &'static str {
    if t.backend == Backend::Postgres {
        postgres
    } else {
        others
    }
}

/// `url` with `param` added to its query string.
fn with_param(url: &str, param: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{param}")
}

/// `url` with its user (and password) replaced by `user`.
fn with_user(url: &str, user: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}@{host}")
}

/// A second connection beside covet's pool, opened with sqlx directly, for a transaction that
/// holds locks while covet runs.
enum Raw {
    Postgres(sqlx::PgConnection),
    MySql(sqlx::MySqlConnection),
    Sqlite(sqlx::SqliteConnection),
}

impl Raw {
    async fn open(t: &TestDb) -> Self {
        match t.backend {
            Backend::Postgres => Raw::Postgres(sqlx::PgConnection::connect(&t.url).await.unwrap()),
            Backend::MySql => Raw::MySql(sqlx::MySqlConnection::connect(&t.url).await.unwrap()),
            _ => Raw::Sqlite(sqlx::SqliteConnection::connect(&t.url).await.unwrap()),
        }
    }

    /// Runs one or more statements: fixed test SQL, never user input.
    async fn run(&mut self, sql: &str) -> sqlx::Result<()> {
        let sql = AssertSqlSafe(sql.to_owned());
        match self {
            Raw::Postgres(conn) => sqlx::raw_sql(sql).execute(conn).await.map(drop),
            Raw::MySql(conn) => sqlx::raw_sql(sql).execute(conn).await.map(drop),
            Raw::Sqlite(conn) => sqlx::raw_sql(sql).execute(conn).await.map(drop),
        }
    }

    async fn close(self) {
        match self {
            Raw::Postgres(conn) => conn.close().await.ok(),
            Raw::MySql(conn) => conn.close().await.ok(),
            Raw::Sqlite(conn) => conn.close().await.ok(),
        };
    }
}

/// Waits until a statement in this test's database is blocked on a row lock.
async fn wait_for_lock_wait(t: &TestDb) {
    let sql = match t.backend {
        Backend::Postgres => {
            "SELECT count(*) AS value FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'"
        }
        Backend::MySql => {
            "SELECT CAST(COUNT(*) AS SIGNED) AS value FROM information_schema.INNODB_TRX t \
             JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
             WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()"
        }
        _ => unreachable!("SQLite does not wait on row locks"),
    };
    // MariaDB refreshes INNODB_TRX only when it was last read more than 100 ms ago: polling
    // faster would keep showing the first, empty, answer.
    let interval = Duration::from_millis(if t.backend == Backend::MySql { 150 } else { 10 });
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        let waiting: Vec<Scalar> = covet::unchecked_sql(sql).fetch_all(&t.db).await.unwrap();
        if waiting[0].value > 0 {
            return;
        }
        tokio::time::sleep(interval).await;
    }
    panic!("no statement started waiting for a lock");
}

async fn insert_counters(t: &TestDb, count: usize) {
    t.create(&[Counter::TABLE]).await;
    for _ in 0..count {
        Counter { id: 0, hits: 0 }.insert(&t.db).await.unwrap();
    }
}

fn account(email: &str) -> Account {
    Account {
        id: 0,
        email: email.into(),
        name: "Ada".into(),
        plan: Plan::Free,
    }
}

pub async fn a_duplicate_unique_value_is_a_unique_violation(t: &TestDb) {
    t.create(&[Account::TABLE]).await;
    account("ada@example.com").insert(&t.db).await.unwrap();

    let error = expect_kind(
        account("ada@example.com").insert(&t.db).await,
        ErrorKind::UniqueViolation,
    );
    assert!(error.is_unique_violation() && error.kind().is_constraint_violation());
    assert!(!error.is_transient());
    assert_eq!(error.table(), Some("account"));
    match t.backend {
        // PostgreSQL and MariaDB name the unique index covet created.
        Backend::Postgres => {
            assert_eq!(error.constraint(), Some("account_email_key"));
            assert_eq!(error.code(), Some("23505"));
        }
        Backend::MySql => {
            assert_eq!(error.constraint(), Some("account_email_key"));
            assert_eq!(error.code(), Some("1062"));
        }
        // SQLite names the column instead: "UNIQUE constraint failed: account.email".
        _ => {
            assert_eq!(error.constraint(), None);
            assert_eq!(error.column(), Some("email"));
            assert_eq!(error.code(), Some("2067"));
        }
    }
    assert_eq!(Account::query().count(&t.db).await.unwrap(), 1);
}

pub async fn a_duplicate_primary_key_is_a_unique_violation(t: &TestDb) {
    t.create(&[Sku::TABLE]).await;
    let sku = || Sku {
        code: "A-1".into(),
        label: "anvil".into(),
    };
    sku().insert(&t.db).await.unwrap();

    let error = expect_kind(sku().insert(&t.db).await, ErrorKind::UniqueViolation);
    assert!(!error.is_transient());
    assert_eq!(error.table(), Some("sku"));
    match t.backend {
        Backend::Postgres => {
            assert_eq!(
                error.constraint(),
                Some(Sku::TABLE.primary_key_name().as_str())
            );
            assert_eq!(error.code(), Some("23505"));
        }
        // MySQL and MariaDB call every primary key `PRIMARY`, whatever name it was given.
        Backend::MySql => {
            assert_eq!(error.constraint(), Some("PRIMARY"));
            assert_eq!(error.code(), Some("1062"));
        }
        // SQLITE_CONSTRAINT_PRIMARYKEY: "UNIQUE constraint failed: sku.code".
        _ => {
            assert_eq!(error.column(), Some("code"));
            assert_eq!(error.code(), Some("1555"));
        }
    }
}

pub async fn a_child_row_whose_parent_is_missing_is_a_foreign_key_violation(t: &TestDb) {
    t.create(&[Account::TABLE, Invoice::TABLE]).await;
    let orphan = Invoice {
        id: 0,
        account_id: 404,
        total: 10,
    };

    let error = expect_kind(orphan.insert(&t.db).await, ErrorKind::ForeignKeyViolation);
    assert!(error.is_foreign_key_violation() && !error.is_transient());
    assert_eq!(error.table(), Some("invoice"));
    match t.backend {
        Backend::Postgres => {
            assert_eq!(error.constraint(), Some("invoice_account_id_fkey"));
            assert_eq!(error.code(), Some("23503"));
        }
        Backend::MySql => {
            assert_eq!(error.constraint(), Some("invoice_account_id_fkey"));
            assert_eq!(error.code(), Some("1452"));
        }
        // SQLite says only "FOREIGN KEY constraint failed".
        _ => {
            assert_eq!(error.constraint(), None);
            assert_eq!(error.code(), Some("787"));
        }
    }
    assert_eq!(Invoice::query().count(&t.db).await.unwrap(), 0);
}

pub async fn deleting_a_referenced_parent_is_a_foreign_key_violation(t: &TestDb) {
    t.create(&[Account::TABLE, Invoice::TABLE]).await;
    let parent = account("ada@example.com").insert(&t.db).await.unwrap();
    Invoice {
        id: 0,
        account_id: parent.id,
        total: 10,
    }
    .insert(&t.db)
    .await
    .unwrap();

    let error = expect_kind(parent.delete(&t.db).await, ErrorKind::ForeignKeyViolation);
    assert!(!error.is_transient());
    match t.backend {
        // The constraint belongs to the referencing table, and both servers say so.
        Backend::Postgres => {
            assert_eq!(error.constraint(), Some("invoice_account_id_fkey"));
            assert_eq!(error.table(), Some("invoice"));
            assert_eq!(error.code(), Some("23503"));
        }
        Backend::MySql => {
            assert_eq!(error.constraint(), Some("invoice_account_id_fkey"));
            assert_eq!(error.table(), Some("invoice"));
            assert_eq!(error.code(), Some("1451"));
        }
        // SQLite names nothing; covet names the table the delete ran on.
        _ => {
            assert_eq!(error.constraint(), None);
            assert_eq!(error.table(), Some("account"));
            assert_eq!(error.code(), Some("787"));
        }
    }
    assert!(Account::find(&t.db, parent.id).await.unwrap().is_some());
}

pub async fn null_in_a_not_null_column_is_a_not_null_violation(t: &TestDb) {
    t.create(&[Account::TABLE]).await;
    let insert = covet::unchecked_sql(dialect(
        t,
        "INSERT INTO account (email, name, plan) VALUES ($1, NULL, 'free')",
        "INSERT INTO account (email, name, plan) VALUES (?, NULL, 'free')",
    ))
    .bind("ada@example.com");

    let error = expect_kind(insert.execute(&t.db).await, ErrorKind::NotNullViolation);
    assert!(error.kind().is_constraint_violation() && !error.is_transient());
    // Every server names the column; PostgreSQL and SQLite the table too.
    assert_eq!(error.column(), Some("name"));
    match t.backend {
        Backend::Postgres => {
            assert_eq!(error.table(), Some("account"));
            assert_eq!(error.code(), Some("23502"));
        }
        // "Column 'name' cannot be null": no table.
        Backend::MySql => {
            assert_eq!(error.table(), None);
            assert_eq!(error.code(), Some("1048"));
        }
        _ => {
            assert_eq!(error.table(), Some("account"));
            assert_eq!(error.code(), Some("1299"));
        }
    }
}

pub async fn a_value_outside_an_enum_is_a_check_violation(t: &TestDb) {
    t.create(&[Account::TABLE]).await;
    let insert = covet::unchecked_sql(dialect(
        t,
        "INSERT INTO account (email, name, plan) VALUES ($1, $2, $3)",
        "INSERT INTO account (email, name, plan) VALUES (?, ?, ?)",
    ))
    .bind("ada@example.com")
    .bind("Ada")
    .bind("gold");

    let error = expect_kind(insert.execute(&t.db).await, ErrorKind::CheckViolation);
    assert!(error.kind().is_constraint_violation() && !error.is_transient());
    // Every server names the CHECK constraint covet generated for the enum column.
    assert_eq!(error.constraint(), Some("account_plan_check"));
    let code = match t.backend {
        Backend::Postgres => "23514",
        Backend::MySql => "4025",
        _ => "275",
    };
    assert_eq!(error.code(), Some(code));
    assert_eq!(Account::query().count(&t.db).await.unwrap(), 0);
}

pub async fn a_missing_row_is_not_found(t: &TestDb) {
    t.create(&[Account::TABLE]).await;
    let error = expect_kind(Account::get(&t.db, 42).await, ErrorKind::NotFound);
    assert!(error.is_not_found() && !error.is_transient());
    // covet's own error: the server reported nothing.
    assert_eq!(error.code(), None);
    assert!(std::error::Error::source(&error).is_none());
}

pub async fn text_read_into_an_integer_field_is_a_decode_error(t: &TestDb) {
    t.create(&[Account::TABLE]).await;
    account("ada@example.com").insert(&t.db).await.unwrap();

    let read = covet::unchecked_sql("SELECT id, email AS score FROM account")
        .fetch_all::<Scored, _>(&t.db)
        .await;
    let error = expect_kind(read, ErrorKind::Decode);
    assert!(!error.is_transient());
    assert_eq!(error.code(), None);
}

pub async fn a_value_its_type_refuses_is_an_encode_or_decode_error(t: &TestDb) {
    t.create(&[Pair::TABLE]).await;
    let odd = Pair {
        id: 0,
        value: Even(3),
    };
    let error = expect_kind(odd.insert(&t.db).await, ErrorKind::Encode);
    assert!(error.message().contains("3 is odd"), "{error:?}");
    assert_eq!(Pair::query().count(&t.db).await.unwrap(), 0);

    // Written behind the type's back, the odd value fails when it is read.
    covet::unchecked_sql("INSERT INTO pair (value) VALUES (3)")
        .execute(&t.db)
        .await
        .unwrap();
    let error = expect_kind(Pair::query().all(&t.db).await, ErrorKind::Decode);
    assert!(error.message().contains("3 is odd"), "{error:?}");
}

pub async fn a_write_blocked_past_the_lock_timeout_is_a_lock_timeout(t: &TestDb) {
    insert_counters(t, 1).await;
    let mut holder = Raw::open(t).await;
    let (db, begin) = match t.backend {
        // PostgreSQL: `lock_timeout`, set for every pooled connection through the URL.
        Backend::Postgres => (
            PoolOptions::new()
                .connect(&with_param(&t.url, "options[lock_timeout]=200ms"))
                .await
                .unwrap(),
            "BEGIN; UPDATE counter SET hits = 1 WHERE id = 1",
        ),
        // MariaDB: `innodb_lock_wait_timeout` (whole seconds), set on the pool's only
        // connection.
        Backend::MySql => {
            let db = PoolOptions::new()
                .max_connections(1)
                .connect(&t.url)
                .await
                .unwrap();
            covet::unchecked_sql("SET SESSION innodb_lock_wait_timeout = 1")
                .execute(&db)
                .await
                .unwrap();
            (db, "BEGIN; UPDATE counter SET hits = 1 WHERE id = 1")
        }
        // SQLite: one writer at a time; the busy timeout is how long a writer waits.
        _ => (
            PoolOptions::new()
                .sqlite_busy_timeout(Duration::from_millis(100))
                .connect(&t.url)
                .await
                .unwrap(),
            "BEGIN IMMEDIATE",
        ),
    };
    holder.run(begin).await.unwrap();

    let blocked = Counter { id: 1, hits: 2 }.update(&db).await;
    let error = expect_kind(blocked, ErrorKind::LockTimeout);
    assert!(error.is_transient());
    let code = match t.backend {
        Backend::Postgres => "55P03",
        Backend::MySql => "1205",
        // SQLITE_BUSY: "database is locked".
        _ => "5",
    };
    assert_eq!(error.code(), Some(code));

    // Once the lock is released, the same write succeeds: retrying is the cure.
    holder.run("ROLLBACK").await.unwrap();
    Counter { id: 1, hits: 2 }.update(&db).await.unwrap();
    assert_eq!(Counter::get(&t.db, 1).await.unwrap().hits, 2);
    holder.close().await;
    db.close().await;
}

pub async fn locking_rows_in_opposite_orders_is_a_deadlock(t: &TestDb) {
    if t.backend == Backend::Sqlite {
        // SQLite has one write lock per database, so two writers can never each hold a lock
        // the other needs. Where a reader would upgrade into a wait cycle, SQLite refuses at
        // once with SQLITE_BUSY or SQLITE_BUSY_SNAPSHOT (LockTimeout and SerializationFailure,
        // both transient) instead of waiting: see
        // two_sqlite_readers_that_both_write_fail_the_second_at_once_as_a_lock_timeout and
        // a_write_over_a_concurrent_change_is_a_serialization_failure.
        not_applicable(
            t,
            "locking_rows_in_opposite_orders_is_a_deadlock",
            "one write lock per database, so no wait cycle can form; SQLite's deadlock-like \
             case is refused at once as a lock timeout (tested separately)",
        );
        return;
    }
    insert_counters(t, 6).await;
    let db = PoolOptions::new()
        .max_connections(1)
        .connect(&t.url)
        .await
        .unwrap();

    // The raw transaction locks rows 2..=6. It is the heavier one, so MariaDB, which rolls back
    // the transaction that changed fewer rows, picks covet's statement as the victim;
    // PostgreSQL aborts the statement whose deadlock check runs first, covet's, which started
    // waiting first.
    let mut other = Raw::open(t).await;
    other
        .run("BEGIN; UPDATE counter SET hits = 1 WHERE id >= 2")
        .await
        .unwrap();
    // covet's update locks row 1, then waits for row 2...
    let covet_update = tokio::spawn({
        let db = db.clone();
        async move {
            Counter::update_many()
                .set(Counter::hits, 9)
                .filter(Counter::id.lt(3))
                .execute(&db)
                .await
        }
    });
    wait_for_lock_wait(t).await;
    // ...while the raw transaction now wants row 1.
    other
        .run("UPDATE counter SET hits = 1 WHERE id = 1")
        .await
        .unwrap();

    let error = expect_kind(covet_update.await.unwrap(), ErrorKind::Deadlock);
    assert!(error.is_transient());
    let code = if t.backend == Backend::Postgres {
        "40P01"
    } else {
        "1213"
    };
    assert_eq!(error.code(), Some(code));
    other.run("ROLLBACK").await.unwrap();
    other.close().await;

    // Retried after the other transaction ended, the update goes through.
    let updated = Counter::update_many()
        .set(Counter::hits, 9)
        .filter(Counter::id.lt(3))
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(updated, 2);
    db.close().await;
}

pub async fn a_write_over_a_concurrent_change_is_a_serialization_failure(t: &TestDb) {
    insert_counters(t, 1).await;
    match t.backend {
        // PostgreSQL: a REPEATABLE READ statement that waited for a concurrent update of its
        // row cannot apply its own (40001). Set for every pooled connection through the URL,
        // so covet's own update fails.
        Backend::Postgres => {
            let db = PoolOptions::new()
                .connect(&with_param(
                    &t.url,
                    "options[default_transaction_isolation]=repeatable%20read",
                ))
                .await
                .unwrap();
            let mut other = Raw::open(t).await;
            other
                .run("BEGIN; UPDATE counter SET hits = 1 WHERE id = 1")
                .await
                .unwrap();
            let covet_update = tokio::spawn({
                let db = db.clone();
                async move { Counter { id: 1, hits: 2 }.update(&db).await }
            });
            wait_for_lock_wait(t).await;
            other.run("COMMIT").await.unwrap();

            let error = expect_kind(covet_update.await.unwrap(), ErrorKind::SerializationFailure);
            assert!(error.is_transient());
            assert_eq!(error.code(), Some("40001"));
            // Retried, the update goes through.
            Counter { id: 1, hits: 2 }.update(&db).await.unwrap();
            other.close().await;
            db.close().await;
        }
        // MariaDB reports a serialization failure only with `innodb_snapshot_isolation` on
        // (10.6.18 and later; the default from 11.6), and only inside a transaction that read
        // the row before another transaction changed it: ER_CHECKREAD (1020). Without it,
        // REPEATABLE READ writes over the change silently and SERIALIZABLE turns reads into
        // locks, whose conflicts are deadlocks and lock timeouts. MySQL has no such error.
        Backend::MySql => {
            // The setting is per session: one pooled connection, so the transaction gets it.
            let db = PoolOptions::new()
                .max_connections(1)
                .connect(&t.url)
                .await
                .unwrap();
            let enabled = covet::unchecked_sql("SET SESSION innodb_snapshot_isolation = ON")
                .execute(&db)
                .await;
            if let Err(error) = enabled {
                // A server without the setting (MySQL, MariaDB before 10.6.18) cannot report it.
                let why = format!("the server has no innodb_snapshot_isolation ({error})");
                assert!(
                    !required("mysql"),
                    "COVET_REQUIRE_BACKENDS requires mysql, but {why}: use MariaDB 10.6.18 or later"
                );
                not_applicable(
                    t,
                    "a_write_over_a_concurrent_change_is_a_serialization_failure",
                    &why,
                );
                db.close().await;
                return;
            }
            write_over_a_concurrent_change(t, &db, "1020").await;
            db.close().await;
        }
        // SQLite (WAL): a transaction that read before another connection committed cannot
        // start writing, SQLITE_BUSY_SNAPSHOT (517); only a new transaction can.
        _ => write_over_a_concurrent_change(t, &t.db, "517").await,
    }
}

/// Reads a counter in a covet transaction on `db`, lets another connection change it and
/// commit, then writes it in the transaction: the server refuses the write as a serialization
/// failure with `code`, and a fresh transaction then succeeds.
async fn write_over_a_concurrent_change(t: &TestDb, db: &Database, code: &str) {
    let mut tx = db.begin().await.unwrap();
    // The read takes the transaction's snapshot.
    let mut counter = Counter::get(&mut tx, 1).await.unwrap();
    // Another connection (the test's own pool) changes the row and commits.
    Counter { id: 1, hits: 5 }.update(&t.db).await.unwrap();

    counter.hits += 1;
    let error = expect_kind(
        counter.update(&mut tx).await,
        ErrorKind::SerializationFailure,
    );
    assert!(error.is_transient());
    assert_eq!(error.code(), Some(code));
    // The failed statement poisons the transaction: it cannot commit.
    expect_kind(tx.commit().await, ErrorKind::TransactionAborted);
    assert_eq!(Counter::get(&t.db, 1).await.unwrap().hits, 5);

    // Retried in a new transaction, the read sees the change and the write goes through.
    let mut tx = db.begin().await.unwrap();
    let mut counter = Counter::get(&mut tx, 1).await.unwrap();
    counter.hits += 1;
    counter.update(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(Counter::get(&t.db, 1).await.unwrap().hits, 6);
}

/// SQLite's deadlock-like case: two deferred transactions both read, then both write. The first
/// writer takes the database's write lock; the second, already holding a read snapshot, could
/// only wait for a lock whose holder's commit would make its snapshot stale, so SQLite refuses
/// it at once with SQLITE_BUSY without calling the busy handler (PostgreSQL and MariaDB would
/// report a deadlock or wait on a row lock instead).
///
/// covet classifies the refusal from its code, SQLITE_BUSY (5), the same code a busy timeout
/// ends with, as [`ErrorKind::LockTimeout`]: transient, so a retry policy re-runs the whole
/// transaction, which is the cure (`transactions::two_sqlite_writers_are_retried_until_both_land`
/// shows the retry). Classifying it as a deadlock would need more than the code SQLite gives.
pub async fn two_sqlite_readers_that_both_write_fail_the_second_at_once_as_a_lock_timeout(
    t: &TestDb,
) {
    if t.backend != Backend::Sqlite {
        not_applicable(
            t,
            "two_sqlite_readers_that_both_write_fail_the_second_at_once_as_a_lock_timeout",
            "row locks there make this a lock wait or a deadlock \
             (locking_rows_in_opposite_orders_is_a_deadlock), not SQLite's refusal to turn a \
             reading transaction into a writing one",
        );
        return;
    }
    insert_counters(t, 1).await;
    // A long busy timeout: the refusal must not come from waiting it out.
    let busy_timeout = Duration::from_secs(5);
    let db = PoolOptions::new()
        .sqlite_busy_timeout(busy_timeout)
        .connect(&t.url)
        .await
        .unwrap();
    // covet's default SQLite locking is deferred: `BEGIN` takes no lock until a statement
    // needs one.
    let mut first = db.begin().await.unwrap();
    let mut second = db.begin().await.unwrap();
    let mut mine = Counter::get(&mut first, 1).await.unwrap();
    let mut theirs = Counter::get(&mut second, 1).await.unwrap();
    mine.hits += 1;
    mine.update(&mut first).await.unwrap();

    theirs.hits += 10;
    let started = Instant::now();
    let error = expect_kind(theirs.update(&mut second).await, ErrorKind::LockTimeout);
    assert!(
        started.elapsed() < busy_timeout / 2,
        "SQLite waited {:?}: the busy handler ran",
        started.elapsed()
    );
    assert!(error.is_transient());
    assert_eq!(error.code(), Some("5"));

    // The first writer is unaffected and commits; the second can only start over.
    first.commit().await.unwrap();
    second.rollback().await.unwrap();
    let mut retry = db.begin().await.unwrap();
    let mut theirs = Counter::get(&mut retry, 1).await.unwrap();
    theirs.hits += 10;
    theirs.update(&mut retry).await.unwrap();
    retry.commit().await.unwrap();
    assert_eq!(Counter::get(&t.db, 1).await.unwrap().hits, 11);
    db.close().await;
}

pub async fn a_statement_past_its_time_limit_is_a_statement_timeout(t: &TestDb) {
    let (db, code) = match t.backend {
        Backend::Postgres => {
            let url = with_param(&t.url, "options[statement_timeout]=100ms");
            (PoolOptions::new().connect(&url).await.unwrap(), "57014")
        }
        Backend::MySql => {
            let db = PoolOptions::new()
                .max_connections(1)
                .connect(&t.url)
                .await
                .unwrap();
            // MariaDB's limit, in seconds; MySQL's is `max_execution_time` (3024).
            covet::unchecked_sql("SET SESSION max_statement_time = 0.1")
                .execute(&db)
                .await
                .unwrap();
            (db, "1969")
        }
        // SQLite has no statement time limit: an embedded statement runs until it finishes
        // (or the program interrupts it, which covet does not expose).
        _ => {
            not_applicable(
                t,
                "a_statement_past_its_time_limit_is_a_statement_timeout",
                "SQLite has no statement time limit (an embedded statement runs until it ends)",
            );
            return;
        }
    };
    let sleep = dialect(t, "SELECT pg_sleep(5)", "SELECT SLEEP(5)");

    let started = Instant::now();
    let error = expect_kind(
        covet::unchecked_sql(sleep).execute(&db).await,
        ErrorKind::StatementTimeout,
    );
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(!error.is_transient());
    assert_eq!(error.code(), Some(code));
    db.close().await;
}

pub async fn a_killed_session_is_connection_lost(t: &TestDb) {
    let (whoami, kill, alive) = match t.backend {
        Backend::Postgres => (
            "SELECT pg_backend_pid()::bigint AS value",
            "SELECT pg_terminate_backend($1::integer)",
            "SELECT count(*) AS value FROM pg_stat_activity WHERE pid = $1::integer",
        ),
        Backend::MySql => (
            "SELECT CAST(CONNECTION_ID() AS SIGNED) AS value",
            "KILL ?",
            "SELECT CAST(COUNT(*) AS SIGNED) AS value FROM information_schema.PROCESSLIST \
             WHERE ID = ?",
        ),
        // SQLite runs inside the process: there is no connection to lose.
        _ => {
            not_applicable(
                t,
                "a_killed_session_is_connection_lost",
                "SQLite runs inside the process: there is no session to kill or connection to lose",
            );
            return;
        }
    };
    // One connection, not pinged before use, so that the next query meets the killed session.
    let db = PoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .connect(&t.url)
        .await
        .unwrap();
    let session: Vec<Scalar> = covet::unchecked_sql(whoami).fetch_all(&db).await.unwrap();
    // The connection goes back to the pool in the background; kill it once it is idle there.
    let started = Instant::now();
    while db.pool_idle() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the connection never went idle"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    covet::unchecked_sql(kill)
        .bind(session[0].value)
        .execute(&t.db)
        .await
        .unwrap();
    // Both servers end the session asynchronously: wait until it is gone.
    let started = Instant::now();
    loop {
        let left: Vec<Scalar> = covet::unchecked_sql(alive)
            .bind(session[0].value)
            .fetch_all(&t.db)
            .await
            .unwrap();
        if left[0].value == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the session outlived its kill"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let error = expect_kind(
        covet::unchecked_sql("SELECT 1").execute(&db).await,
        ErrorKind::ConnectionLost,
    );
    assert!(!error.is_transient());
    // The broken connection is discarded: the pool opens a new one.
    covet::unchecked_sql("SELECT 1").execute(&db).await.unwrap();
    db.close().await;
}

pub async fn waiting_for_a_busy_pool_past_the_acquire_timeout_is_a_pool_timeout(t: &TestDb) {
    insert_counters(t, 2).await;
    let db = PoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(200))
        .connect(&t.url)
        .await
        .unwrap();
    // A stream read halfway keeps the pool's only connection.
    let mut rows = Counter::query().stream(&db);
    assert!(rows.try_next().await.unwrap().is_some());

    let error = expect_kind(Counter::query().count(&db).await, ErrorKind::PoolTimeout);
    assert!(!error.is_transient());
    drop(rows);
    assert_eq!(Counter::query().count(&db).await.unwrap(), 2);

    db.close().await;
    expect_kind(Counter::query().count(&db).await, ErrorKind::PoolClosed);
}

/// Connects as the tests do: a short acquire timeout, so that a failure cannot hide behind a
/// long wait.
async fn connect(url: &str, acquire_timeout: Duration) -> covet::Result<Database> {
    PoolOptions::new()
        .acquire_timeout(acquire_timeout)
        .connect(url)
        .await
}

pub async fn a_server_that_cannot_be_reached_is_connection_refused(t: &TestDb) {
    let (refused, unknown_host) = match t.backend {
        Backend::Postgres => (
            "postgres://postgres@127.0.0.1:1/test",
            "postgres://postgres@covet-test.invalid/test",
        ),
        Backend::MySql => (
            "mysql://root@127.0.0.1:1/test",
            "mysql://root@covet-test.invalid/test",
        ),
        // SQLite opens a file: there is no server to reach.
        _ => {
            not_applicable(
                t,
                "a_server_that_cannot_be_reached_is_connection_refused",
                "SQLite opens a file: there is no server to reach",
            );
            return;
        }
    };
    // The pool retries a refused connection until the acquire timeout (the server may be
    // starting), then reports why it could not connect.
    let error = expect_kind(
        connect(refused, Duration::from_secs(1)).await,
        ErrorKind::ConnectionRefused,
    );
    assert!(!error.is_transient());
    // `.invalid` never resolves (RFC 2606): the connection was never made, let alone lost.
    expect_kind(
        connect(unknown_host, Duration::from_secs(3)).await,
        ErrorKind::ConnectionRefused,
    );
}

pub async fn an_unknown_user_is_an_authentication_failure(t: &TestDb) {
    let code = match t.backend {
        // 28000: role "covet_nobody" does not exist. (A wrong password for a real role is
        // 28P01, but only where the server asks for one; the test server trusts local users.)
        Backend::Postgres => "28000",
        // 1045: access denied for user.
        Backend::MySql => "1045",
        // SQLite has no users.
        _ => {
            not_applicable(
                t,
                "an_unknown_user_is_an_authentication_failure",
                "SQLite has no users",
            );
            return;
        }
    };
    let url = with_user(&t.url, "covet_nobody:wrong");
    let error = expect_kind(
        connect(&url, Duration::from_secs(3)).await,
        ErrorKind::AuthenticationFailed,
    );
    assert_eq!(error.code(), Some(code));
    assert!(!error.is_transient());
}

pub async fn an_unknown_database_is_unknown_database(t: &TestDb) {
    let folder = tempfile::tempdir().unwrap();
    let (url, code) = match t.backend {
        Backend::Postgres => (with_database(&t.url, "covet_no_such_database"), "3D000"),
        Backend::MySql => (with_database(&t.url, "covet_no_such_database"), "1049"),
        // covet creates a missing SQLite file, but not a missing folder: SQLITE_CANTOPEN.
        _ => {
            let path = folder.path().join("missing").join("app.db");
            (format!("sqlite://{}", path.display()), "14")
        }
    };
    let error = expect_kind(
        connect(&url, Duration::from_secs(3)).await,
        ErrorKind::UnknownDatabase,
    );
    assert_eq!(error.code(), Some(code));
    assert!(!error.is_transient());
}

pub async fn a_malformed_url_is_a_configuration_error(t: &TestDb) {
    expect_kind(
        connect("oracle://scott@127.0.0.1/orcl", Duration::from_secs(3)).await,
        ErrorKind::Configuration,
    );
    let malformed = match t.backend {
        Backend::Postgres => "postgres://postgres@127.0.0.1:notaport/test",
        Backend::MySql => "mysql://root@127.0.0.1:notaport/test",
        _ => "sqlite://app.db?mode=sideways",
    };
    let error = expect_kind(
        connect(malformed, Duration::from_secs(3)).await,
        ErrorKind::Configuration,
    );
    assert!(!error.is_transient());
}
