//! Connecting: the [`Database`] handle, its pool options, and the [`Executor`] trait through which
//! every operation reaches a connection.

mod acquire;
mod bind;
pub(crate) mod conn;
pub(crate) mod exec;
mod leak;
mod options;
mod pool;
mod stats;
mod stream;

use std::panic::Location;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use options::PoolOptions;
pub(crate) use pool::Pool;
pub use stats::{PoolStats, TransactionStats, WaitPercentiles};

use self::conn::Conn;
use crate::Backend;
use crate::error::Result;
use crate::observe::Observers;
use crate::session::Session;
use crate::transaction::{
    self, ConnRef, Source, Transaction, TransactionFuture, TransactionOptions,
};

/// A handle to a database: a connection pool plus the dialect it speaks.
///
/// Cloning is cheap (the pool is shared). Pass `&db` wherever covet asks for an [`Executor`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::{Backend, Database};
///
/// let db = Database::connect("sqlite::memory:").await?;
/// assert_eq!(db.backend(), Backend::Sqlite);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Database {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pool: Pool,
    backend: Backend,
    settings: Settings,
    pub(crate) counters: stats::Counters,
    pub(crate) leaks: leak::Leaks,
    pub(crate) observers: Observers,
}

/// What the pool was opened with that covet itself acts on.
pub(crate) struct Settings {
    pub(crate) max_connections: u32,
    pub(crate) acquire_timeout: Duration,
    pub(crate) leak_threshold: Option<Duration>,
    pub(crate) leak_backtraces: bool,
    pub(crate) long_transaction_threshold: Option<Duration>,
    /// The URL, kept to find out why new connections fail (never printed: it may hold a
    /// password). Unused when SQLite is the only backend compiled in.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    pub(crate) url: String,
}

impl Database {
    /// Connects with the default [`PoolOptions`].
    ///
    /// `url` is `postgres://user:password@host:port/database`, `mysql://...` (MySQL or MariaDB),
    /// `sqlite://path/to/file.db`, `sqlite::memory:` or any other form sqlx accepts. SQLite
    /// files are created when missing and use WAL journaling, enforced foreign keys and a busy
    /// timeout (see [`PoolOptions::sqlite_busy_timeout`]).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) for a malformed URL or a
    /// backend whose cargo feature is not enabled; [`ConnectionRefused`](crate::ErrorKind::ConnectionRefused),
    /// [`AuthenticationFailed`](crate::ErrorKind::AuthenticationFailed) or
    /// [`UnknownDatabase`](crate::ErrorKind::UnknownDatabase) when the first connection fails.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// db.close().await;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self> {
        PoolOptions::new().connect(url).await
    }

    /// The dialect this database speaks.
    ///
    /// Fixed by the URL's scheme at connect time; pass it to
    /// [`Select::to_sql`](crate::query::Select::to_sql) to see the SQL this database is sent.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct City {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     name: String,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// assert_eq!(db.backend(), Backend::Sqlite);
    /// let sql = City::query().filter(City::name.eq("Oslo")).to_sql(db.backend())?;
    /// assert_eq!(sql, r#"SELECT "id", "name" FROM "city" WHERE "name" = ?"#);
    /// # Ok(()) }
    /// ```
    pub fn backend(&self) -> Backend {
        self.shared.backend
    }

    /// Closes every connection; later operations fail with
    /// [`ErrorKind::PoolClosed`](crate::ErrorKind::PoolClosed).
    ///
    /// Waits until connections in use are returned. Clones share the pool, so closing one
    /// closes them all.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::{Database, ErrorKind};
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// let clone = db.clone();
    /// db.close().await;
    ///
    /// assert_eq!(clone.pool_size(), 0);
    /// let err = covet::unchecked_sql("SELECT 1").execute(&clone).await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::PoolClosed);
    /// # Ok(()) }
    /// ```
    pub async fn close(&self) {
        self.shared.pool.close().await;
    }

    /// The number of open connections, idle or in use.
    ///
    /// Never more than [`PoolOptions::max_connections`]; see also [`pool_idle`](Self::pool_idle).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::Database;
    ///
    /// // An in-memory SQLite database keeps one connection open: the data lives in it.
    /// let db = Database::connect("sqlite::memory:").await?;
    /// assert_eq!(db.pool_size(), 1);
    /// assert_eq!(db.pool_idle(), 1);
    /// # Ok(()) }
    /// ```
    pub fn pool_size(&self) -> u32 {
        self.shared.pool.size()
    }

    /// The number of idle connections.
    ///
    /// A connection goes back to the pool in the background once a statement is done, so right
    /// after one this may count one fewer than are actually free. See the example on
    /// [`pool_size`](Self::pool_size).
    pub fn pool_idle(&self) -> usize {
        self.shared.pool.num_idle()
    }

    /// Live statistics of the pool: size, idle, in use, waiting tasks, acquire wait
    /// percentiles, and counts of acquires, timeouts, connection errors and suspected leaks.
    ///
    /// See the example on [`PoolStats`].
    pub fn pool_stats(&self) -> PoolStats {
        let shared = &self.shared;
        let counters = &shared.counters;
        let size = shared.pool.size();
        let idle = u32::try_from(shared.pool.num_idle()).unwrap_or(u32::MAX);
        use std::sync::atomic::Ordering::Relaxed;
        PoolStats {
            max_size: shared.settings.max_connections,
            size,
            idle,
            in_use: counters.in_use.load(Relaxed),
            waiting: counters.waiting.load(Relaxed),
            acquires: counters.acquires.load(Relaxed),
            timeouts: counters.timeouts.load(Relaxed),
            connect_errors: counters.connect_errors.load(Relaxed),
            leaks_detected: counters.leaks_detected.load(Relaxed),
            leaked_now: counters.leaked_now.load(Relaxed),
            acquire_wait: counters.acquire_wait.percentiles(),
        }
    }

    /// Counts of commits, rollbacks, retries and long transactions since the pool opened.
    ///
    /// See the example on [`TransactionStats`].
    pub fn transaction_stats(&self) -> TransactionStats {
        self.shared.counters.transactions()
    }

    /// Checks that the database answers: acquires a connection and runs `SELECT 1`, returning
    /// how long both took. For readiness probes.
    ///
    /// # Errors
    ///
    /// Why the database is not usable: [`PoolTimeout`](crate::ErrorKind::PoolTimeout),
    /// [`ConnectionRefused`](crate::ErrorKind::ConnectionRefused), ...
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let latency = db.ping().await?;
    /// assert!(latency < std::time::Duration::from_secs(5));
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn ping(&self) -> impl Future<Output = Result<Duration>> + Send + '_ {
        let location = Location::caller();
        async move {
            let started = Instant::now();
            let mut conn = self.acquire_at(location).await?;
            conn.execute(exec::Statement {
                sql: "SELECT 1".into(),
                values: sea_query::Values(Vec::new()),
                table: "",
            })
            .await?;
            Ok(started.elapsed())
        }
    }

    /// Opens a session: one connection held for a unit of work (a request, say) until the
    /// session is dropped.
    ///
    /// # Errors
    ///
    /// As for any acquire: [`PoolTimeout`](crate::ErrorKind::PoolTimeout) (its message says
    /// how busy the pool is), or why no new connection could be opened.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let mut session = db.session().await?;
    /// // A temporary table exists on one connection only: the session's.
    /// covet::unchecked_sql("CREATE TEMP TABLE scratch (n INTEGER)").execute(&mut session).await?;
    /// covet::unchecked_sql("INSERT INTO scratch VALUES (1), (2)").execute(&mut session).await?;
    /// let rows = covet::unchecked_sql("DELETE FROM scratch").execute(&mut session).await?;
    /// assert_eq!(rows, 2);
    /// assert_eq!(db.pool_stats().in_use, 1); // held until the session is dropped
    /// # Ok(()) }
    /// ```
    ///
    /// [`Session`]'s own example runs models and a transaction through one.
    #[track_caller]
    pub fn session(&self) -> impl Future<Output = Result<Session>> + Send + '_ {
        let location = Location::caller();
        async move { Ok(Session::new(self.acquire_at(location).await?)) }
    }

    /// Begins a transaction on a connection of its own, with default options.
    ///
    /// Commit it with [`Transaction::commit`]; dropping it rolls it back (in the background,
    /// before its connection goes back to the pool).
    ///
    /// # Errors
    ///
    /// As for [`session`](Self::session), or when the server refuses `BEGIN`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// covet::unchecked_sql("CREATE TABLE tag (label TEXT)").execute(&db).await?;
    /// let insert = || covet::unchecked_sql("INSERT INTO tag (label) VALUES ('x')");
    ///
    /// let mut tx = db.begin().await?;
    /// insert().execute(&mut tx).await?;
    /// tx.commit().await?;
    ///
    /// let mut tx = db.begin().await?;
    /// insert().execute(&mut tx).await?;
    /// tx.rollback().await?; // what dropping `tx` does too, in the background
    ///
    /// let rows = covet::unchecked_sql("DELETE FROM tag").execute(&db).await?;
    /// assert_eq!(rows, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// [`Transaction`]'s own example nests a savepoint inside one.
    #[track_caller]
    pub fn begin(&self) -> impl Future<Output = Result<Transaction<'static>>> + Send + '_ {
        self.begin_with(TransactionOptions::new())
    }

    /// [`begin`](Self::begin) with options: isolation level, read only, timeout, SQLite
    /// locking. (A retry policy only applies to the closure forms.)
    ///
    /// # Errors
    ///
    /// As for [`begin`](Self::begin).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::{SqliteLocking, TransactionOptions};
    ///
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let tx = db
    ///     .begin_with(TransactionOptions::new().sqlite_locking(SqliteLocking::Immediate))
    ///     .await?;
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn begin_with(
        &self,
        options: TransactionOptions,
    ) -> impl Future<Output = Result<Transaction<'static>>> + Send + '_ {
        let location = Location::caller();
        async move {
            let conn = self.acquire_at(location).await?;
            Transaction::begin_on(ConnRef::Owned(conn), &options, location).await
        }
    }

    /// Runs `work` in a transaction: commits when it returns `Ok`, rolls back when it returns
    /// `Err` (or panics, or its future is dropped).
    ///
    /// `work` is a closure taking `&mut Transaction` and returning its work as
    /// `Box::pin(async move { ... })` (a [`TransactionFuture`]); pass `&mut *tx` to covet's
    /// operations inside it. The closure may run more than once (see
    /// [`transaction_with`](Self::transaction_with)), so it captures what it needs by clone or
    /// by shared reference. Its error type `E` is yours, as long as a
    /// [`covet::Error`](crate::Error) converts into it.
    ///
    /// # Errors
    ///
    /// `work`'s error; or the commit's (see [`Transaction::commit`]): a transaction in which a
    /// statement failed is rolled back even if `work` returned `Ok`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Account {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     balance: i64,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// covet::dev::create_tables(&db, &[Account::TABLE]).await?;
    /// let a = Account { id: 0, balance: 100 }.insert(&db).await?;
    /// let b = Account { id: 0, balance: 0 }.insert(&db).await?;
    ///
    /// db.transaction(|tx| Box::pin(async move {
    ///     let mut from = Account::get(&mut *tx, a.id).await?;
    ///     let mut to = Account::get(&mut *tx, b.id).await?;
    ///     from.balance -= 30;
    ///     to.balance += 30;
    ///     from.update(&mut *tx).await?;
    ///     to.update(&mut *tx).await?;
    ///     Ok::<_, covet::Error>(())
    /// }))
    /// .await?;
    ///
    /// assert_eq!(Account::get(&db, b.id).await?.balance, 30);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn transaction<'a, T, E, F>(
        &'a self,
        work: F,
    ) -> impl Future<Output = Result<T, E>> + Send + 'a
    where
        F: for<'t, 'x> FnMut(&'t mut Transaction<'x>) -> TransactionFuture<'t, T, E> + Send + 'a,
        E: From<crate::Error> + Send + 'a,
        T: Send + 'a,
    {
        self.transaction_with(TransactionOptions::new(), work)
    }

    /// [`transaction`](Self::transaction) with options, including a
    /// [`RetryPolicy`](crate::RetryPolicy) that re-runs `work` after a transient failure.
    ///
    /// # Errors
    ///
    /// As for [`transaction`](Self::transaction); after the last attempt, its error.
    /// [`TransactionTimeout`](crate::ErrorKind::TransactionTimeout) when the
    /// [timeout](TransactionOptions::timeout) ran out.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use std::time::Duration;
    /// use covet::{ErrorKind, TransactionOptions};
    ///
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let options = TransactionOptions::new().timeout(Duration::from_millis(50));
    /// let stuck = db
    ///     .transaction_with(options, |_tx| Box::pin(async move {
    ///         tokio::time::sleep(Duration::from_secs(60)).await; // a call that hangs
    ///         Ok::<_, covet::Error>(())
    ///     }))
    ///     .await;
    /// assert_eq!(stuck.unwrap_err().kind(), ErrorKind::TransactionTimeout);
    /// # Ok(()) }
    /// ```
    ///
    /// [`TransactionOptions`]'s example sets every option, a retry policy included.
    #[track_caller]
    pub fn transaction_with<'a, T, E, F>(
        &'a self,
        options: TransactionOptions,
        work: F,
    ) -> impl Future<Output = Result<T, E>> + Send + 'a
    where
        F: for<'t, 'x> FnMut(&'t mut Transaction<'x>) -> TransactionFuture<'t, T, E> + Send + 'a,
        E: From<crate::Error> + Send + 'a,
        T: Send + 'a,
    {
        let location = Location::caller();
        transaction::run(Source::Pool(self), options, location, work)
    }

    pub(crate) fn from_pool(
        pool: Pool,
        backend: Backend,
        settings: Settings,
        observers: Observers,
    ) -> Self {
        let shared = Arc::new(Shared {
            pool,
            backend,
            settings,
            counters: stats::Counters::default(),
            leaks: leak::Leaks::default(),
            observers,
        });
        leak::watch(&shared);
        Self { shared }
    }

    pub(crate) fn observers(&self) -> &Observers {
        &self.shared.observers
    }

    pub(crate) fn counters(&self) -> &stats::Counters {
        &self.shared.counters
    }

    pub(crate) fn long_transaction_threshold(&self) -> Option<Duration> {
        self.shared.settings.long_transaction_threshold
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.shared.backend)
            .field("size", &self.pool_size())
            .field("idle", &self.pool_idle())
            .finish()
    }
}

/// Where a statement runs: the database's pool (`&db`), a [`Session`] (`&mut session`) or a
/// [`Transaction`] (`&mut tx`, or `&mut *tx` inside a transaction closure).
///
/// Every model operation and query takes an `impl Executor`, so the same code runs against the
/// pool or inside a unit of work.
///
/// Take an `impl Executor<'c>` in your own functions too, and hand it on to covet: they then
/// run wherever their caller does.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::Executor;
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Task {
///     #[covet(primary_key)]
///     id: i64,
///     done: bool,
/// }
///
/// async fn open_tasks<'c>(executor: impl Executor<'c>) -> covet::Result<u64> {
///     Task::query().filter(Task::done.eq(false)).count(executor).await
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Task::TABLE]).await?;
/// Task { id: 0, done: false }.insert(&db).await?;
/// Task { id: 0, done: true }.insert(&db).await?;
/// assert_eq!(open_tasks(&db).await?, 1);
/// # Ok(()) }
/// ```
pub trait Executor<'c>: Send {
    /// The connection source this executor stands for.
    #[doc(hidden)]
    fn target(self) -> Target<'c>;
}

impl<'c> Executor<'c> for &'c Database {
    #[inline]
    fn target(self) -> Target<'c> {
        Target {
            via: Via::Pool(self),
        }
    }
}

/// The connection source of an [`Executor`], as covet's executor function sees it.
#[doc(hidden)]
pub struct Target<'c> {
    pub(crate) via: Via<'c>,
}

/// Where statements run.
pub(crate) enum Via<'c> {
    /// Any pooled connection, one per statement.
    Pool(&'c Database),
    /// A session's or transaction's connection.
    Conn(&'c mut Conn),
}

impl<'c> Target<'c> {
    pub(crate) fn conn(conn: &'c mut Conn) -> Self {
        Self {
            via: Via::Conn(conn),
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match &self.via {
            Via::Pool(db) => db.backend(),
            Via::Conn(conn) => conn.db.backend(),
        }
    }

    /// The same target for one more statement of a multi-statement operation.
    pub(crate) fn reborrow(&mut self) -> Target<'_> {
        let via = match &mut self.via {
            Via::Pool(db) => Via::Pool(db),
            Via::Conn(conn) => Via::Conn(conn),
        };
        Target { via }
    }
}
