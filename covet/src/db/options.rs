//! Pool options and connecting to each backend.

use std::sync::Arc;
use std::time::Duration;

use super::{Database, Pool, Settings};
use crate::Backend;
use crate::error::{Error, Result};
use crate::observe::{Observer, Observers};

/// The longest covet waits, after the acquire timeout, for the one connection attempt that
/// finds out why no connection could be opened.
#[cfg(any(feature = "postgres", feature = "mysql"))]
const DIAGNOSIS_TIMEOUT: Duration = Duration::from_secs(2);

/// How the connection pool behaves.
///
/// Start from [`new`](Self::new) (the defaults), change what you need with the setters, and
/// open the pool with [`connect`](Self::connect). The example below uses every setter.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use std::time::Duration;
/// use covet::PoolOptions;
///
/// let db = PoolOptions::new()
///     .max_connections(4)
///     .min_connections(2)
///     .acquire_timeout(Duration::from_secs(5))
///     .idle_timeout(None) // keep idle connections open
///     .max_lifetime(Duration::from_secs(60 * 60))
///     .test_before_acquire(false)
///     .sqlite_busy_timeout(Duration::from_millis(500))
///     .leak_threshold(Duration::from_secs(30))
///     .leak_backtraces(false)
///     .long_transaction_threshold(Duration::from_secs(10))
///     .connect("sqlite::memory:")
///     .await?;
/// // `min_connections` are open by the time `connect` returns.
/// assert_eq!(db.pool_size(), 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PoolOptions {
    max_connections: u32,
    min_connections: u32,
    acquire_timeout: Duration,
    idle_timeout: Option<Duration>,
    max_lifetime: Option<Duration>,
    test_before_acquire: bool,
    sqlite_busy_timeout: Duration,
    leak_threshold: Option<Duration>,
    leak_backtraces: bool,
    long_transaction_threshold: Option<Duration>,
    observers: Observers,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(10 * 60)),
            max_lifetime: Some(Duration::from_secs(30 * 60)),
            test_before_acquire: true,
            sqlite_busy_timeout: Duration::from_secs(5),
            leak_threshold: Some(Duration::from_secs(60)),
            leak_backtraces: false,
            long_transaction_threshold: Some(Duration::from_secs(30)),
            observers: Observers::default(),
        }
    }
}

impl PoolOptions {
    /// The defaults: at most 10 connections, none kept open when idle, 30 s acquire timeout,
    /// connections closed after 10 min idle or 30 min of life, each checked before reuse.
    ///
    /// The same as [`PoolOptions::default`]. See the
    /// [example on `PoolOptions`](PoolOptions#examples).
    pub fn new() -> Self {
        Self::default()
    }

    /// The most connections the pool opens (default 10).
    ///
    /// Once they are all in use, the next operation waits up to the
    /// [`acquire_timeout`](Self::acquire_timeout), whose example exhausts a pool of one.
    /// See also the [example on `PoolOptions`](PoolOptions#examples).
    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = max;
        self
    }

    /// The connections kept open even when idle, opened at connect (default 0).
    ///
    /// An in-memory SQLite database always keeps at least one, since it vanishes with its last
    /// connection. See the [example on `PoolOptions`](PoolOptions#examples).
    pub fn min_connections(mut self, min: u32) -> Self {
        self.min_connections = min;
        self
    }

    /// How long an operation waits for a free connection before failing with
    /// [`ErrorKind::PoolTimeout`](crate::ErrorKind::PoolTimeout) (default 30 s).
    ///
    /// Opening a connection counts too: a refused connection is retried until this timeout (the
    /// server may be starting up), and [`connect`](Self::connect) then reports why it failed.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use std::time::Duration;
    /// use covet::{ErrorKind, PoolOptions};
    ///
    /// let db = PoolOptions::new()
    ///     .max_connections(1)
    ///     .acquire_timeout(Duration::from_millis(100))
    ///     .connect("sqlite::memory:")
    ///     .await?;
    /// let session = db.session().await?; // holds the only connection
    /// let err = db.ping().await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::PoolTimeout);
    /// assert_eq!(db.pool_stats().timeouts, 1);
    /// drop(session);
    /// # Ok(()) }
    /// ```
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// How long a connection may sit idle before it is closed; `None` keeps it (default 10 min).
    ///
    /// Idle connections are checked once per `idle_timeout` (or per
    /// [`max_lifetime`](Self::max_lifetime), when that is shorter), so one may stay open up to
    /// twice as long; the pool then opens new ones to keep
    /// [`min_connections`](Self::min_connections). Ignored for an in-memory SQLite database,
    /// whose connections are never closed while the pool is open. See the
    /// [example on `PoolOptions`](PoolOptions#examples).
    pub fn idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.idle_timeout = timeout.into();
        self
    }

    /// How long a connection lives before it is replaced; `None` keeps it (default 30 min).
    ///
    /// A connection in use is never interrupted: past its lifetime, it is closed when it comes
    /// back to the pool (or by the idle check), and the next acquire opens a new one, with a new
    /// server session. Ignored for an in-memory SQLite database, like
    /// [`idle_timeout`](Self::idle_timeout). See the
    /// [example on `PoolOptions`](PoolOptions#examples).
    pub fn max_lifetime(mut self, lifetime: impl Into<Option<Duration>>) -> Self {
        self.max_lifetime = lifetime.into();
        self
    }

    /// Whether a connection is pinged before it is handed out (default true).
    ///
    /// See the [example on `PoolOptions`](PoolOptions#examples).
    pub fn test_before_acquire(mut self, test: bool) -> Self {
        self.test_before_acquire = test;
        self
    }

    /// How long SQLite waits on a locked database before failing with
    /// [`ErrorKind::LockTimeout`](crate::ErrorKind::LockTimeout) (default 5 s).
    ///
    /// Has no effect on PostgreSQL and MySQL. See the
    /// [example on `PoolOptions`](PoolOptions#examples).
    pub fn sqlite_busy_timeout(mut self, timeout: Duration) -> Self {
        self.sqlite_busy_timeout = timeout;
        self
    }

    /// Reports a connection held longer than `threshold` as a suspected leak (default 60 s;
    /// `None` turns leak detection off).
    ///
    /// Each such connection is reported once, with where it was acquired (the caller of
    /// [`Database::session`], [`Database::begin`], [`Select::stream`](crate::query::Select::stream)
    /// on `&db`, ...), as a `tracing` warning, an
    /// [`Event::LeakSuspected`](crate::observe::Event::LeakSuspected) and in
    /// [`PoolStats::leaks_detected`](crate::PoolStats::leaks_detected); its return is reported
    /// too. covet never takes a connection back by force.
    ///
    /// See the [example on `PoolOptions`](PoolOptions#examples).
    pub fn leak_threshold(mut self, threshold: impl Into<Option<Duration>>) -> Self {
        self.leak_threshold = threshold.into();
        self
    }

    /// Captures a backtrace at every acquire, for leak reports (default off: it is slow).
    ///
    /// See the [example on `PoolOptions`](PoolOptions#examples).
    pub fn leak_backtraces(mut self, capture: bool) -> Self {
        self.leak_backtraces = capture;
        self
    }

    /// Warns about transactions open longer than `threshold` (default 30 s; `None` for never):
    /// a `tracing` warning and an
    /// [`Event::LongTransaction`](crate::observe::Event::LongTransaction), once per transaction,
    /// while it is still open (a watcher checks four times per threshold).
    ///
    /// See the [example on `PoolOptions`](PoolOptions#examples).
    pub fn long_transaction_threshold(mut self, threshold: impl Into<Option<Duration>>) -> Self {
        self.long_transaction_threshold = threshold.into();
        self
    }

    /// Adds an observer of covet's instrumentation events; see [`observe`](crate::observe).
    ///
    /// See the [example in `observe`](crate::observe#examples).
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observers.push(observer);
        self
    }

    /// Opens the pool, with `min_connections` connections already established.
    ///
    /// A server that refuses connections is retried until the
    /// [`acquire_timeout`](Self::acquire_timeout), in case it is starting up.
    ///
    /// # Errors
    ///
    /// As [`Database::connect`]. When no connection could be opened within the acquire
    /// timeout, covet tries once more and reports why that attempt failed
    /// ([`ConnectionRefused`](crate::ErrorKind::ConnectionRefused), say), or
    /// [`PoolTimeout`](crate::ErrorKind::PoolTimeout) when the server does not answer.
    ///
    /// See the [example on `PoolOptions`](PoolOptions#examples).
    pub async fn connect(self, url: &str) -> Result<Database> {
        let backend = Backend::from_url(url)?;
        let pool = match backend {
            #[cfg(feature = "postgres")]
            Backend::Postgres => Pool::Postgres(self.connect_server(url).await?),
            #[cfg(feature = "mysql")]
            Backend::MySql => Pool::MySql(self.connect_server(url).await?),
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => Pool::Sqlite(self.connect_sqlite(url).await?),
            #[allow(unreachable_patterns)]
            other => {
                return Err(Error::configuration(format!(
                    "covet was built without {other} support; enable its cargo feature \
                     (`postgres`, `mysql` or `sqlite`)"
                )));
            }
        };
        let settings = Settings {
            max_connections: self.max_connections,
            acquire_timeout: self.acquire_timeout,
            leak_threshold: self.leak_threshold,
            leak_backtraces: self.leak_backtraces,
            long_transaction_threshold: self.long_transaction_threshold,
            url: url.to_owned(),
        };
        Ok(Database::from_pool(pool, backend, settings, self.observers))
    }

    fn sqlx_options<DB: sqlx::Database>(&self) -> sqlx::pool::PoolOptions<DB> {
        sqlx::pool::PoolOptions::new()
            .max_connections(self.max_connections)
            .min_connections(self.min_connections)
            .acquire_timeout(self.acquire_timeout)
            .idle_timeout(self.idle_timeout)
            .max_lifetime(self.max_lifetime)
            .test_before_acquire(self.test_before_acquire)
    }

    /// Opens a PostgreSQL or MySQL pool.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    async fn connect_server<DB: sqlx::Database>(&self, url: &str) -> Result<sqlx::Pool<DB>> {
        let options: <DB::Connection as sqlx::Connection>::Options = url.parse()?;
        match self.sqlx_options().connect_with(options.clone()).await {
            Ok(pool) => Ok(pool),
            Err(sqlx::Error::PoolTimedOut) => {
                Err(why_no_connection::<DB>(&options, self.acquire_timeout)
                    .await
                    .unwrap_or_else(|| {
                        Error::new(
                            crate::ErrorKind::PoolTimeout,
                            format!(
                                "could not open a connection within the acquire timeout ({:?})",
                                self.acquire_timeout
                            ),
                        )
                    }))
            }
            Err(error) => Err(Error::connecting(error)),
        }
    }

    #[cfg(feature = "sqlite")]
    async fn connect_sqlite(&self, url: &str) -> Result<sqlx::SqlitePool> {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
        use std::str::FromStr;

        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut connect = SqliteConnectOptions::from_str(url)?
            .foreign_keys(true)
            .busy_timeout(self.sqlite_busy_timeout);
        let mut pool = self.sqlx_options::<sqlx::Sqlite>();
        if in_memory {
            // A shared in-memory database lives only while a connection holds it open.
            pool = pool
                .min_connections(self.min_connections.max(1))
                .idle_timeout(None)
                .max_lifetime(None);
        } else {
            connect = connect
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal);
        }
        Ok(pool.connect_with(connect).await?)
    }
}

/// Why no new connection opened within the acquire timeout, if one more attempt tells: sqlx
/// retries a refused connection until the timeout and then reports only that the pool timed
/// out. `None` when the server answered at last, or not at all.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(super) async fn why_no_connection<DB: sqlx::Database>(
    options: &<DB::Connection as sqlx::Connection>::Options,
    acquire_timeout: Duration,
) -> Option<Error> {
    use sqlx::Connection as _;

    let limit = DIAGNOSIS_TIMEOUT.min(acquire_timeout);
    match tokio::time::timeout(limit, DB::Connection::connect_with(options)).await {
        Ok(Err(cause)) => Some(Error::connecting(cause)),
        Ok(Ok(connection)) => {
            connection.close().await.ok();
            None
        }
        Err(_) => None,
    }
}
