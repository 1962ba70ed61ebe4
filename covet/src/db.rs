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
    pub fn backend(&self) -> Backend {
        self.shared.backend
    }

    /// Closes every connection; later operations fail with
    /// [`ErrorKind::PoolClosed`](crate::ErrorKind::PoolClosed).
    pub async fn close(&self) {
        self.shared.pool.close().await;
    }

    /// The number of open connections, idle or in use.
    pub fn pool_size(&self) -> u32 {
        self.shared.pool.size()
    }

    /// The number of idle connections.
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
