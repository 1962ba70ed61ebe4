//! Connecting: the [`Database`] handle, its pool options, and the [`Executor`] trait through which
//! every operation reaches a connection.

mod bind;
pub(crate) mod exec;
mod options;
mod pool;

use std::sync::Arc;

pub use options::PoolOptions;
pub(crate) use pool::Pool;

use crate::Backend;
use crate::error::Result;

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

struct Shared {
    pool: Pool,
    backend: Backend,
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

    pub(crate) fn from_pool(pool: Pool, backend: Backend) -> Self {
        Self {
            shared: Arc::new(Shared { pool, backend }),
        }
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.shared.pool
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

/// Where a statement runs: the database's pool (and, later, a session or transaction).
///
/// Every model operation and query takes an `impl Executor`, so the same code runs against the
/// pool or inside a unit of work. Pass `&db`.
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
        Target::Pool(self)
    }
}

/// The connection source of an [`Executor`], as covet's executor function sees it.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum Target<'c> {
    /// Any pooled connection, one per statement.
    Pool(&'c Database),
}

impl Target<'_> {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Target::Pool(db) => db.backend(),
        }
    }

    /// The same target for one more statement of a multi-statement operation.
    pub(crate) fn reborrow(&mut self) -> Target<'_> {
        match self {
            Target::Pool(db) => Target::Pool(db),
        }
    }
}
