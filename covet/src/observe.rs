//! Instrumentation events: what covet tells observers about statements, transactions and the
//! pool.
//!
//! covet emits one [`Event`] for every statement it runs (from its single executor function),
//! for every transaction boundary and retry, and for the pool's noteworthy moments (an acquire
//! that timed out, a connection held past the leak threshold). Register an [`Observer`] with
//! [`PoolOptions::observer`](crate::PoolOptions::observer) to receive them; metrics exporters,
//! slow-query monitors and tracing spans are observers.
//!
//! Events borrow what they describe and are handed out by reference, so emitting one allocates
//! nothing. Statement text in events is always the parameterized SQL, never the bound values.
//!
//! # Examples
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> covet::Result<()> {
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use covet::observe::{Event, Observer, TransactionOutcome};
//! use covet::PoolOptions;
//!
//! #[derive(Default)]
//! struct Commits(AtomicU64);
//!
//! impl Observer for Commits {
//!     fn on_event(&self, event: &Event<'_>) {
//!         if let Event::TransactionEnded { outcome: TransactionOutcome::Committed, .. } = event {
//!             self.0.fetch_add(1, Ordering::Relaxed);
//!         }
//!     }
//! }
//!
//! let commits = Arc::new(Commits::default());
//! let db = PoolOptions::new().observer(commits.clone()).connect("sqlite::memory:").await?;
//! db.transaction(|_tx| Box::pin(async { Ok::<_, covet::Error>(()) })).await?;
//! assert_eq!(commits.0.load(Ordering::Relaxed), 1);
//! # Ok(()) }
//! ```

use std::panic::Location;
use std::time::Duration;

use crate::ErrorKind;

/// Receives covet's [`Event`]s. Called synchronously on the task that caused the event, so
/// keep it quick: count, record, or hand the work to a channel.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use std::sync::{Arc, Mutex};
/// use covet::observe::{Event, Observer};
/// use covet::{ErrorKind, PoolOptions};
///
/// /// Keeps the kind of every statement that failed.
/// #[derive(Default)]
/// struct Failures(Mutex<Vec<ErrorKind>>);
///
/// impl Observer for Failures {
///     fn on_event(&self, event: &Event<'_>) {
///         if let Event::Statement { error: Some(kind), .. } = event {
///             self.0.lock().expect("not poisoned").push(*kind);
///         }
///     }
/// }
///
/// let failures = Arc::new(Failures::default());
/// let db = PoolOptions::new().observer(failures.clone()).connect("sqlite::memory:").await?;
/// covet::unchecked_sql("CREATE TABLE tag (label TEXT UNIQUE)").execute(&db).await?;
/// let insert = || covet::unchecked_sql("INSERT INTO tag (label) VALUES (?)").bind("rust");
/// insert().execute(&db).await?;
/// assert!(insert().execute(&db).await.is_err());
/// assert_eq!(*failures.0.lock().expect("not poisoned"), [ErrorKind::UniqueViolation]);
/// # Ok(()) }
/// ```
pub trait Observer: Send + Sync + 'static {
    /// Called once per event.
    ///
    /// See the [module example](self).
    fn on_event(&self, event: &Event<'_>);
}

/// Something covet did or noticed.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use std::sync::{Arc, Mutex};
/// use covet::observe::{Event, Observer};
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct User {
///     #[covet(primary_key)]
///     id: i64,
///     email: String,
/// }
///
/// /// Keeps the SQL of the statements on the `user` table.
/// #[derive(Default)]
/// struct UserStatements(Mutex<Vec<String>>);
///
/// impl Observer for UserStatements {
///     fn on_event(&self, event: &Event<'_>) {
///         if let Event::Statement { sql, table: "user", .. } = event {
///             self.0.lock().expect("not poisoned").push(sql.to_string());
///         }
///     }
/// }
///
/// let seen = Arc::new(UserStatements::default());
/// let db = covet::PoolOptions::new().observer(seen.clone()).connect("sqlite::memory:").await?;
/// # covet::dev::create_tables(&db, &[User::TABLE]).await?;
/// User::query().filter(User::email.eq("ada@example.com")).first(&db).await?;
/// // The parameterized text: the e-mail address never reaches an observer.
/// let statements = seen.0.lock().expect("not poisoned");
/// assert_eq!(statements[0], r#"SELECT "id", "email" FROM "user" WHERE "email" = ? LIMIT ?"#);
/// # Ok(()) }
/// ```
#[non_exhaustive]
#[derive(Debug)]
pub enum Event<'a> {
    /// A statement finished (or failed, or was abandoned when its future was dropped).
    Statement {
        /// The parameterized SQL text.
        sql: &'a str,
        /// The model's table, empty for raw and transaction-control statements.
        table: &'a str,
        /// From sending the statement to its last row.
        duration: Duration,
        /// The error's kind, when it failed.
        error: Option<ErrorKind>,
        /// Whether it ran inside a transaction.
        in_transaction: bool,
    },
    /// The outermost level of a transaction began.
    TransactionBegan,
    /// The outermost level of a transaction ended.
    TransactionEnded {
        /// Committed or rolled back.
        outcome: TransactionOutcome,
        /// From `BEGIN` to the end of `COMMIT` or `ROLLBACK`.
        duration: Duration,
    },
    /// A transaction failed with a transient error and its retry policy runs it again.
    TransactionRetry {
        /// The attempt that is about to start (2 for the first retry).
        attempt: u32,
        /// What made the previous attempt fail.
        cause: ErrorKind,
        /// The wait before the next attempt.
        delay: Duration,
    },
    /// A transaction has been open longer than
    /// [`PoolOptions::long_transaction_threshold`](crate::PoolOptions::long_transaction_threshold).
    /// Reported once per transaction, when covet next sees it (at a statement or at its end).
    LongTransaction {
        /// How long it has been open.
        open_for: Duration,
        /// Where it began.
        location: &'static Location<'static>,
    },
    /// A task waited for a connection and got one.
    ConnectionAcquired {
        /// How long it waited.
        wait: Duration,
    },
    /// No connection became free within the acquire timeout.
    AcquireTimedOut {
        /// How long it waited.
        wait: Duration,
    },
    /// A new connection could not be opened.
    ConnectFailed {
        /// Why (refused, authentication failed, unknown database...).
        kind: ErrorKind,
    },
    /// A connection has been held longer than the
    /// [leak threshold](crate::PoolOptions::leak_threshold). Reported once per checkout.
    LeakSuspected {
        /// How long it has been held.
        held: Duration,
        /// Where it was acquired.
        location: &'static Location<'static>,
        /// A captured backtrace, when [`PoolOptions::leak_backtraces`](crate::PoolOptions::leak_backtraces)
        /// is on.
        backtrace: Option<&'a std::backtrace::Backtrace>,
    },
    /// A connection that was reported as a suspected leak went back to the pool.
    LeakReturned {
        /// How long it was held in all.
        held: Duration,
        /// Where it was acquired.
        location: &'static Location<'static>,
    },
}

/// How a transaction ended.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use std::sync::{Arc, Mutex};
/// use covet::observe::{Event, Observer, TransactionOutcome};
///
/// #[derive(Default)]
/// struct Outcomes(Mutex<Vec<TransactionOutcome>>);
///
/// impl Observer for Outcomes {
///     fn on_event(&self, event: &Event<'_>) {
///         if let Event::TransactionEnded { outcome, .. } = event {
///             self.0.lock().expect("not poisoned").push(*outcome);
///         }
///     }
/// }
///
/// let outcomes = Arc::new(Outcomes::default());
/// let db = covet::PoolOptions::new().observer(outcomes.clone()).connect("sqlite::memory:").await?;
/// db.begin().await?.commit().await?;
/// db.begin().await?.rollback().await?;
/// let ended = outcomes.0.lock().expect("not poisoned").clone();
/// assert_eq!(ended, [TransactionOutcome::Committed, TransactionOutcome::RolledBack]);
/// # Ok(()) }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionOutcome {
    /// `COMMIT` succeeded.
    Committed,
    /// It was rolled back: on request, on an error, or because its handle was dropped.
    RolledBack,
    /// `COMMIT` was sent and its answer never came back (the connection broke, or the future
    /// was dropped while the server ran it): only the server knows whether it committed
    /// (`ErrorKind::CommitOutcomeUnknown`). No callback runs for it.
    Unknown,
}

/// The observers registered with a database, called in order.
#[derive(Clone, Default)]
pub(crate) struct Observers(Vec<std::sync::Arc<dyn Observer>>);

impl Observers {
    pub(crate) fn push(&mut self, observer: std::sync::Arc<dyn Observer>) {
        self.0.push(observer);
    }

    /// Whether anyone listens: when nobody does, callers skip building the event.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn emit(&self, event: &Event<'_>) {
        for observer in &self.0 {
            observer.on_event(event);
        }
    }
}

impl std::fmt::Debug for Observers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} observer(s)", self.0.len())
    }
}
