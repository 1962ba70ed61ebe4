//! Transactions: a stack of levels on one connection, `BEGIN` at the bottom and a savepoint
//! named by covet for every level above it.
//!
//! The rules, on every backend:
//!
//! - **Commit means committed.** A statement that failed inside a transaction (even one whose
//!   error the code caught and ignored, or a stream's error), or whose future was dropped
//!   after it was sent and before its result was read, makes its commit fail with
//!   [`ErrorKind::TransactionAborted`], and the transaction is rolled back; a failure inside a
//!   nested transaction that was rolled back does not count. A stream dropped early is no
//!   failure, unless the server failed its unread rows. A connection lost while `COMMIT` was
//!   in flight is [`ErrorKind::CommitOutcomeUnknown`], never retried, and runs no callback.
//! - **Dropping is rolling back.** A [`Transaction`] dropped without [`commit`](Transaction::commit)
//!   (a `?` on an error, a request that timed out, an aborted task) is rolled back before its
//!   connection runs anything else, and a connection never returns to the pool inside a
//!   transaction, even when `BEGIN` or `COMMIT` itself was cancelled halfway.
//! - **Retries re-run the whole closure**, only for transient failures, with backoff and jitter
//!   ([`RetryPolicy`]).

mod control;
mod options;
mod run;
pub(crate) mod state;

use std::panic::Location;
use std::pin::Pin;

pub use options::{IsolationLevel, RetryPolicy, SqliteLocking, TransactionOptions};
pub(crate) use run::{Source, run};

use crate::Backend;
use crate::db::conn::Conn;
use crate::db::{Executor, Target};
use crate::error::{ErrorKind, Result};

/// The future a transaction closure returns: `Box::pin(async move { ... })`.
///
/// Boxed so that it may borrow the transaction it is given and still be `Send` (spawnable, and
/// usable in web handlers), which an `async` closure cannot promise yet.
///
/// See [`Database::transaction`](crate::Database::transaction).
pub type TransactionFuture<'t, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 't>>;

/// An open transaction, or a savepoint inside one.
///
/// Get one from [`Database::begin`](crate::Database::begin), [`Session::begin`](crate::Session::begin)
/// or, nested, [`Transaction::begin`]; or let the closure forms
/// ([`Database::transaction`](crate::Database::transaction)) manage it. Run statements in it by
/// passing `&mut *tx` (or `&mut tx`) where covet asks for an [`Executor`].
///
/// End it with [`commit`](Self::commit) or [`rollback`](Self::rollback). Dropping it rolls it
/// back.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Note {
///     #[covet(primary_key)]
///     id: i64,
///     text: String,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Note::TABLE]).await?;
///
/// let mut tx = db.begin().await?;
/// Note { id: 0, text: "kept".into() }.insert(&mut tx).await?;
///
/// // A nested transaction is a savepoint: rolling it back keeps the outer work.
/// let mut inner = tx.begin().await?;
/// Note { id: 0, text: "undone".into() }.insert(&mut inner).await?;
/// inner.rollback().await?;
///
/// tx.commit().await?;
/// let texts: Vec<String> = Note::query().all(&db).await?.into_iter().map(|n| n.text).collect();
/// assert_eq!(texts, ["kept"]);
/// # Ok(()) }
/// ```
#[must_use = "a transaction is rolled back when dropped; commit it"]
pub struct Transaction<'c> {
    conn: ConnRef<'c>,
    level: u32,
}

/// The connection under a transaction: its own (from the pool) or a session's or parent's.
pub(crate) enum ConnRef<'c> {
    Owned(Conn),
    Borrowed(&'c mut Conn),
}

impl<'c> Transaction<'c> {
    /// Opens the next level on `conn`.
    pub(crate) async fn begin_on(
        mut conn: ConnRef<'c>,
        options: &TransactionOptions,
        location: &'static Location<'static>,
    ) -> Result<Self> {
        let level = conn.get().begin_level(options, location).await?;
        Ok(Self { conn, level })
    }

    /// Commits: `COMMIT` for the outermost level, `RELEASE SAVEPOINT` for a nested one, whose
    /// work then commits or rolls back with its parent.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::TransactionAborted`] when a statement failed in this transaction (or in a
    ///   nested one that was not rolled back), or was cancelled before its result was read: it
    ///   was rolled back instead.
    /// - [`ErrorKind::CommitOutcomeUnknown`] when the connection broke while `COMMIT` was in
    ///   flight. Neither the commit nor the rollback callbacks run. (The same holds when this
    ///   future is dropped after `COMMIT` was sent: nothing is reported, and no callback runs.)
    /// - The server's refusal ([`SerializationFailure`](ErrorKind::SerializationFailure),
    ///   say), after which the transaction is rolled back.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Tag {
    ///     #[covet(primary_key, auto_increment = false)]
    ///     id: i64,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// covet::dev::create_tables(&db, &[Tag::TABLE]).await?;
    ///
    /// let mut tx = db.begin().await?;
    /// Tag { id: 1 }.insert(&mut tx).await?;
    /// // The second insert fails; ignoring its error does not make the transaction whole.
    /// let duplicate = Tag { id: 1 }.insert(&mut tx).await;
    /// assert!(duplicate.is_err());
    /// let err = tx.commit().await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::TransactionAborted);
    ///
    /// assert_eq!(Tag::query().count(&db).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn commit(mut self) -> Result<()> {
        let level = self.level;
        self.conn.get().commit_level(level).await
    }

    /// Rolls back: `ROLLBACK` for the outermost level, `ROLLBACK TO SAVEPOINT` for a nested
    /// one, leaving its parent's work in place.
    ///
    /// Dropping the transaction does the same, before the connection's next statement.
    ///
    /// # Errors
    ///
    /// When the connection is lost; the server then rolls back on its own.
    ///
    /// See the [example on `Transaction`](Transaction#examples).
    pub async fn rollback(mut self) -> Result<()> {
        let level = self.level;
        self.conn.get().rollback_level(level).await
    }

    /// Opens a nested transaction: a savepoint with a name covet generates.
    ///
    /// # Errors
    ///
    /// When the server refuses the savepoint (in a PostgreSQL transaction that a failed
    /// statement already aborted, say).
    ///
    /// See the [example on `Transaction`](Transaction#examples).
    #[track_caller]
    pub fn begin(&mut self) -> impl Future<Output = Result<Transaction<'_>>> + Send + '_ {
        let location = Location::caller();
        async move {
            Transaction::begin_on(
                ConnRef::Borrowed(self.conn.get()),
                &TransactionOptions::default(),
                location,
            )
            .await
        }
    }

    /// Runs `work` in a nested transaction (a savepoint): released when it returns `Ok`, rolled
    /// back when it returns `Err`, with this transaction left as it was. Nested levels are not
    /// retried on their own; the outermost closure's retry policy re-runs everything.
    ///
    /// # Errors
    ///
    /// `work`'s error, or a failure to open, release or roll back the savepoint.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Tag {
    ///     #[covet(primary_key, auto_increment = false)]
    ///     id: i64,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// covet::dev::create_tables(&db, &[Tag::TABLE]).await?;
    ///
    /// db.transaction(|tx| Box::pin(async move {
    ///     Tag { id: 1 }.insert(&mut *tx).await?;
    ///     // The duplicate fails inside a savepoint that is rolled back: the outer insert stays.
    ///     let nested = tx
    ///         .transaction(|inner| Box::pin(async move { Tag { id: 1 }.insert(&mut *inner).await }))
    ///         .await;
    ///     assert!(nested.is_err());
    ///     Ok::<_, covet::Error>(())
    /// }))
    /// .await?;
    ///
    /// assert_eq!(Tag::query().count(&db).await?, 1);
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn transaction<'s, T, E, F>(
        &'s mut self,
        work: F,
    ) -> impl Future<Output = Result<T, E>> + Send + 's
    where
        F: for<'t, 'x> FnMut(&'t mut Transaction<'x>) -> TransactionFuture<'t, T, E> + Send + 's,
        E: From<crate::Error> + Send + 's,
        T: Send + 's,
    {
        let location = Location::caller();
        async move {
            let source = Source::Nested(self.conn.get());
            run(source, TransactionOptions::default(), location, work).await
        }
    }

    /// Runs `callback` once the outermost transaction has committed; never if it rolls back.
    ///
    /// Registered in a nested transaction, the callback is dropped when that level is rolled
    /// back. A panicking callback is logged and does not stop the others. When the outcome of
    /// `COMMIT` is unknown ([`ErrorKind::CommitOutcomeUnknown`], or a commit future dropped
    /// while `COMMIT` was in flight), neither this nor the [`on_rollback`](Self::on_rollback)
    /// callbacks run: either could be wrong.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    ///
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let sent = Arc::new(AtomicBool::new(false));
    /// let rolled_back = Arc::new(AtomicBool::new(false));
    ///
    /// let mut tx = db.begin().await?;
    /// let flag = sent.clone();
    /// tx.on_commit(move || flag.store(true, Ordering::SeqCst));
    /// let flag = rolled_back.clone();
    /// tx.on_rollback(move || flag.store(true, Ordering::SeqCst));
    /// assert!(!sent.load(Ordering::SeqCst));
    /// tx.commit().await?;
    ///
    /// assert!(sent.load(Ordering::SeqCst));
    /// assert!(!rolled_back.load(Ordering::SeqCst));
    /// # Ok(()) }
    /// ```
    pub fn on_commit(&mut self, callback: impl FnOnce() + Send + 'static) {
        if let Some(hooks) = self.hooks() {
            hooks.on_commit.push(Box::new(callback));
        }
    }

    /// Runs `callback` when this level's work is rolled back: by [`rollback`](Self::rollback),
    /// a failed commit, a drop, the rollback of an enclosing level, or a connection that broke
    /// mid-transaction (the server rolls back). Not when the outcome of `COMMIT` is unknown.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU32, Ordering};
    ///
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let undone = Arc::new(AtomicU32::new(0));
    ///
    /// let mut tx = db.begin().await?;
    /// let mut savepoint = tx.begin().await?;
    /// let counter = undone.clone();
    /// savepoint.on_rollback(move || { counter.fetch_add(1, Ordering::SeqCst); });
    /// savepoint.rollback().await?;
    /// assert_eq!(undone.load(Ordering::SeqCst), 1);
    ///
    /// let counter = undone.clone();
    /// tx.on_rollback(move || { counter.fetch_add(1, Ordering::SeqCst); });
    /// tx.commit().await?; // committed: not called
    /// assert_eq!(undone.load(Ordering::SeqCst), 1);
    /// # Ok(()) }
    /// ```
    pub fn on_rollback(&mut self, callback: impl FnOnce() + Send + 'static) {
        if let Some(hooks) = self.hooks() {
            hooks.on_rollback.push(Box::new(callback));
        }
    }

    fn hooks(&mut self) -> Option<&mut state::Hooks> {
        let index = usize::try_from(self.level).ok()?.checked_sub(1)?;
        self.conn.get().tx.hooks.get_mut(index)
    }

    /// The nesting level: 1 for the outermost transaction, 2 for a savepoint inside it, ...
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let mut tx = db.begin().await?;
    /// assert_eq!(tx.level(), 1);
    /// assert_eq!(tx.begin().await?.level(), 2);
    /// # Ok(()) }
    /// ```
    pub fn level(&self) -> u32 {
        self.level
    }

    /// The dialect of the connection.
    ///
    /// See [`Database::backend`](crate::Database::backend).
    pub fn backend(&self) -> Backend {
        match &self.conn {
            ConnRef::Owned(conn) => conn.db.backend(),
            ConnRef::Borrowed(conn) => conn.db.backend(),
        }
    }

    /// The kind of the first statement failure recorded in this transaction, if any (a
    /// cancelled statement counts as `TransactionAborted`, which is never retried).
    pub(crate) fn failure(&mut self) -> Option<ErrorKind> {
        let level = self.level;
        self.conn
            .get()
            .tx
            .failure_at(level)
            .map(state::Failure::kind)
    }
}

impl ConnRef<'_> {
    fn get(&mut self) -> &mut Conn {
        match self {
            ConnRef::Owned(conn) => conn,
            ConnRef::Borrowed(conn) => conn,
        }
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        // After a commit or rollback the level is already closed. Otherwise the handle is gone
        // without an end (or its commit was cancelled halfway): the level and everything inside
        // it are rolled back before the connection's next statement, or, for a connection of
        // its own, before it goes back to the pool (see `Conn`'s drop).
        let tx = &mut self.conn.get().tx;
        tx.live = tx.live.min(self.level - 1);
    }
}

impl<'t, 'c> Executor<'t> for &'t mut Transaction<'c> {
    #[inline]
    fn target(self) -> Target<'t> {
        Target::conn(self.conn.get())
    }
}

impl std::fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("level", &self.level)
            .field("backend", &self.backend())
            .finish()
    }
}
