//! Sessions: one connection held for a unit of work.

use std::panic::Location;

use crate::Backend;
use crate::db::conn::Conn;
use crate::db::{Executor, Target};
use crate::error::Result;
use crate::transaction::{
    self, ConnRef, Source, Transaction, TransactionFuture, TransactionOptions,
};

/// A unit of work holding one pooled connection until it is dropped: a request scope.
///
/// Statements through `&mut session` all run on the same connection, so they see each other's
/// session state; [`begin`](Self::begin) and [`transaction`](Self::transaction) open
/// transactions on it. A transaction left open when the session is dropped is rolled back
/// before the connection goes back to the pool.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Visit {
///     #[covet(primary_key)]
///     id: i64,
///     page: String,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Visit::TABLE]).await?;
///
/// let mut session = db.session().await?;
/// Visit { id: 0, page: "/".into() }.insert(&mut session).await?;
/// session
///     .transaction(|tx| Box::pin(async move {
///         Visit { id: 0, page: "/about".into() }.insert(&mut *tx).await?;
///         Ok::<_, covet::Error>(())
///     }))
///     .await?;
/// assert_eq!(Visit::query().count(&mut session).await?, 2);
/// # Ok(()) }
/// ```
pub struct Session {
    conn: Conn,
}

impl Session {
    pub(crate) fn new(conn: Conn) -> Self {
        Self { conn }
    }

    /// Begins a transaction on the session's connection.
    ///
    /// # Errors
    ///
    /// When the server refuses `BEGIN`, or the connection is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let mut session = db.session().await?;
    /// let tx = session.begin().await?;
    /// // Dropped without commit: rolled back before the session runs anything else.
    /// drop(tx);
    /// covet::unchecked_sql("SELECT 1").execute(&mut session).await?;
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn begin(&mut self) -> impl Future<Output = Result<Transaction<'_>>> + Send + '_ {
        self.begin_with(TransactionOptions::new())
    }

    /// [`begin`](Self::begin) with options.
    ///
    /// # Errors
    ///
    /// As for [`begin`](Self::begin).
    ///
    /// See [`Database::begin_with`](crate::Database::begin_with).
    #[track_caller]
    pub fn begin_with(
        &mut self,
        options: TransactionOptions,
    ) -> impl Future<Output = Result<Transaction<'_>>> + Send + '_ {
        let location = Location::caller();
        async move { Transaction::begin_on(ConnRef::Borrowed(&mut self.conn), &options, location).await }
    }

    /// Runs `work` in a transaction on the session's connection; see
    /// [`Database::transaction`](crate::Database::transaction).
    ///
    /// # Errors
    ///
    /// As for [`Database::transaction`](crate::Database::transaction).
    ///
    /// See the [example on `Session`](Session#examples).
    #[track_caller]
    pub fn transaction<'a, T, E, F>(
        &'a mut self,
        work: F,
    ) -> impl Future<Output = Result<T, E>> + Send + 'a
    where
        F: for<'t, 'x> FnMut(&'t mut Transaction<'x>) -> TransactionFuture<'t, T, E> + Send + 'a,
        E: From<crate::Error> + Send + 'a,
        T: Send + 'a,
    {
        self.transaction_with(TransactionOptions::new(), work)
    }

    /// Runs `work` in a transaction with options (and retries) on the session's connection;
    /// see [`Database::transaction_with`](crate::Database::transaction_with).
    ///
    /// # Errors
    ///
    /// As for [`Database::transaction_with`](crate::Database::transaction_with).
    ///
    /// See the example on [`TransactionOptions`].
    #[track_caller]
    pub fn transaction_with<'a, T, E, F>(
        &'a mut self,
        options: TransactionOptions,
        work: F,
    ) -> impl Future<Output = Result<T, E>> + Send + 'a
    where
        F: for<'t, 'x> FnMut(&'t mut Transaction<'x>) -> TransactionFuture<'t, T, E> + Send + 'a,
        E: From<crate::Error> + Send + 'a,
        T: Send + 'a,
    {
        let location = Location::caller();
        transaction::run(Source::Session(&mut self.conn), options, location, work)
    }

    /// The dialect of the connection.
    ///
    /// See [`Database::backend`](crate::Database::backend).
    pub fn backend(&self) -> Backend {
        self.conn.db.backend()
    }

    /// Whether the connection is closed, instead of returned to the pool, when the session is
    /// dropped.
    ///
    /// Set it while the connection carries session state that the next user of the pool must
    /// not inherit, such as a session-level lock (PostgreSQL's `pg_advisory_lock`, MySQL's
    /// `GET_LOCK`): if the session is then dropped early (its task cancelled, an early return),
    /// closing the connection releases the state on the server. Clear it once the state is
    /// undone, so that the connection is reused.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let mut session = db.session().await?;
    /// session.set_close_on_drop(true);
    /// // ... take a session-level lock, work, release it ...
    /// session.set_close_on_drop(false);
    /// drop(session);
    /// assert_eq!(db.pool_stats().in_use, 0);
    /// # Ok(()) }
    /// ```
    pub fn set_close_on_drop(&mut self, close: bool) {
        self.conn.close_on_drop = close;
    }
}

impl<'c> Executor<'c> for &'c mut Session {
    #[inline]
    fn target(self) -> Target<'c> {
        Target::conn(&mut self.conn)
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("backend", &self.backend())
            .field("transaction_levels", &self.conn.tx.open)
            .finish()
    }
}
