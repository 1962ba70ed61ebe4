//! How a transaction begins, how long it may run and how it is retried.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// The isolation level of a transaction, in each dialect's own syntax.
///
/// PostgreSQL runs `READ UNCOMMITTED` as `READ COMMITTED`. SQLite transactions are always
/// serializable, which satisfies every level, so the level is accepted and changes nothing
/// there; pick a [`SqliteLocking`] mode instead.
///
/// # Examples
///
/// ```
/// use covet::{IsolationLevel, TransactionOptions};
///
/// let options = TransactionOptions::new().isolation(IsolationLevel::Serializable);
/// assert_eq!(options.isolation_level(), Some(IsolationLevel::Serializable));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    /// `READ UNCOMMITTED`.
    ReadUncommitted,
    /// `READ COMMITTED` (PostgreSQL's default).
    ReadCommitted,
    /// `REPEATABLE READ` (MySQL's default).
    RepeatableRead,
    /// `SERIALIZABLE`.
    Serializable,
}

impl IsolationLevel {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Self::ReadUncommitted => "READ UNCOMMITTED",
            Self::ReadCommitted => "READ COMMITTED",
            Self::RepeatableRead => "REPEATABLE READ",
            Self::Serializable => "SERIALIZABLE",
        }
    }
}

/// When a SQLite transaction takes its locks (`BEGIN DEFERRED | IMMEDIATE | EXCLUSIVE`).
///
/// `Deferred` (SQLite's default) takes the write lock at the first write, and a transaction that
/// read before it wrote then fails at once with "database is locked" if another connection
/// wrote in between; `Immediate` takes the write lock at `BEGIN`, waiting up to the busy timeout,
/// so write transactions queue instead of failing. Ignored by PostgreSQL and MySQL.
///
/// # Examples
///
/// ```
/// use covet::{SqliteLocking, TransactionOptions};
///
/// let writes = TransactionOptions::new().sqlite_locking(SqliteLocking::Immediate);
/// # let _ = writes;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SqliteLocking {
    /// `BEGIN DEFERRED`.
    #[default]
    Deferred,
    /// `BEGIN IMMEDIATE`.
    Immediate,
    /// `BEGIN EXCLUSIVE`.
    Exclusive,
}

/// How often and how patiently a transaction is re-run after a transient failure.
///
/// Only the closure forms ([`Database::transaction_with`](crate::Database::transaction_with))
/// retry, since only they can run the work again. An attempt is retried when it failed with a
/// [transient](crate::ErrorKind::is_transient) error (deadlock, serialization failure, lock
/// timeout, SQLite busy) from the database, whether the closure returned that error or another
/// one of its own after seeing it; never when `COMMIT` may have happened
/// ([`CommitOutcomeUnknown`](crate::ErrorKind::CommitOutcomeUnknown)).
///
/// Between attempts it sleeps a random time between zero and
/// `min(max_delay, base_delay × 2^(retry − 1))` ("full jitter"), so that competing transactions
/// spread out instead of colliding again.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use covet::RetryPolicy;
///
/// let policy = RetryPolicy::new(5)
///     .base_delay(Duration::from_millis(10))
///     .max_delay(Duration::from_millis(200));
/// assert_eq!(policy.attempts(), 5);
/// for retry in 1..5 {
///     assert!(policy.delay(retry) <= Duration::from_millis(200));
/// }
/// assert_eq!(RetryPolicy::never().attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    /// [`RetryPolicy::never`].
    fn default() -> Self {
        Self::never()
    }
}

impl RetryPolicy {
    /// At most `attempts` runs in all (at least one), with delays from 5 ms up to 1 s.
    ///
    /// See the [example on `RetryPolicy`](RetryPolicy#examples).
    pub fn new(attempts: u32) -> Self {
        Self {
            attempts: attempts.max(1),
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_secs(1),
        }
    }

    /// One attempt, no retry: the default.
    ///
    /// See the [example on `RetryPolicy`](RetryPolicy#examples).
    pub fn never() -> Self {
        Self::new(1)
    }

    /// The ceiling of the first retry's random delay, doubling for each retry after it.
    ///
    /// See the [example on `RetryPolicy`](RetryPolicy#examples).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest delay ceiling, however many retries came before.
    ///
    /// See the [example on `RetryPolicy`](RetryPolicy#examples).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How many attempts in all.
    ///
    /// See the [example on `RetryPolicy`](RetryPolicy#examples).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// A random delay before retry number `retry` (1 for the first), with full jitter.
    ///
    /// See the [example on `RetryPolicy`](RetryPolicy#examples).
    pub fn delay(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random() % (nanos + 1))
    }
}

/// A random number from the standard library's per-process random hash keys: good enough to
/// spread retries, and no dependency for it.
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(u64::from(std::process::id()));
    hasher.finish()
}

/// Options for a transaction: isolation, read-only, timeout, retries and SQLite locking.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use std::time::Duration;
/// use covet::{IsolationLevel, RetryPolicy, TransactionOptions};
///
/// let db = covet::Database::connect("sqlite::memory:").await?;
/// let options = TransactionOptions::new()
///     .isolation(IsolationLevel::Serializable)
///     .read_only()
///     .timeout(Duration::from_secs(5))
///     .retry(RetryPolicy::new(3));
/// let answer = db
///     .transaction_with(options, |tx| Box::pin(async move {
///         covet::unchecked_sql("SELECT 1").execute(&mut *tx).await?;
///         Ok::<_, covet::Error>(42)
///     }))
///     .await?;
/// assert_eq!(answer, 42);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransactionOptions {
    pub(crate) isolation: Option<IsolationLevel>,
    pub(crate) read_only: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) sqlite_locking: SqliteLocking,
}

impl TransactionOptions {
    /// The server's default isolation, read-write, no timeout, no retry, SQLite deferred.
    ///
    /// See the [example on `TransactionOptions`](TransactionOptions#examples).
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs at `level` instead of the server's default.
    ///
    /// See the [example on `IsolationLevel`](IsolationLevel#examples).
    pub fn isolation(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }

    /// The isolation level asked for, if any.
    ///
    /// See the [example on `IsolationLevel`](IsolationLevel#examples).
    pub fn isolation_level(&self) -> Option<IsolationLevel> {
        self.isolation
    }

    /// Refuses writes: `READ ONLY` on PostgreSQL and MySQL, `PRAGMA query_only` on SQLite.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::TransactionOptions;
    ///
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// covet::unchecked_sql("CREATE TABLE tag (label TEXT)").execute(&db).await?;
    /// let mut tx = db.begin_with(TransactionOptions::new().read_only()).await?;
    /// let write = covet::unchecked_sql("INSERT INTO tag (label) VALUES ('x')");
    /// assert!(write.execute(&mut tx).await.is_err());
    /// tx.rollback().await?;
    /// // The connection is writable again once the read-only transaction is over.
    /// covet::unchecked_sql("INSERT INTO tag (label) VALUES ('y')").execute(&db).await?;
    /// # Ok(()) }
    /// ```
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Aborts and rolls back a transaction that runs longer than `timeout`, with
    /// [`ErrorKind::TransactionTimeout`](crate::ErrorKind::TransactionTimeout).
    ///
    /// The closure forms stop the closure when the time is up. Every form also refuses
    /// statements after the deadline, `commit` included, and the server enforces it where it
    /// can, so that a statement stuck there stops there too (each statement may run for the
    /// whole timeout; covet's deadline then refuses the next one):
    ///
    /// - PostgreSQL: `statement_timeout` and `lock_timeout` for the transaction (`SET LOCAL`).
    /// - MariaDB: `max_statement_time` (fractional seconds) and `innodb_lock_wait_timeout`
    ///   (whole seconds, at least 1), put back to the session's defaults when it ends.
    /// - MySQL 8: `innodb_lock_wait_timeout` only. Its `max_execution_time` limits read-only
    ///   `SELECT`s alone, so covet does not set it; a long write is stopped by covet's deadline
    ///   at its next statement, not on the server.
    /// - SQLite: no server-side limit (it runs in-process); covet's deadline applies, and the
    ///   busy timeout bounds lock waits.
    ///
    /// A statement the server stopped at the timeout fails with
    /// [`StatementTimeout`](crate::ErrorKind::StatementTimeout); the closure forms then report
    /// the transaction's `TransactionTimeout`, whichever clock noticed first.
    ///
    /// See the example on [`Database::transaction_with`](crate::Database::transaction_with),
    /// where a closure that hangs is stopped.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries the closure forms on transient failures; see [`RetryPolicy`].
    ///
    /// See the [example on `TransactionOptions`](TransactionOptions#examples).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How a SQLite transaction takes its locks; see [`SqliteLocking`].
    ///
    /// See the [example on `SqliteLocking`](SqliteLocking#examples).
    pub fn sqlite_locking(mut self, locking: SqliteLocking) -> Self {
        self.sqlite_locking = locking;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_under_a_doubling_ceiling() {
        let policy = RetryPolicy::new(10)
            .base_delay(Duration::from_millis(4))
            .max_delay(Duration::from_millis(50));
        for retry in 1..=9 {
            let ceiling = Duration::from_millis(4 << (retry - 1)).min(Duration::from_millis(50));
            for _ in 0..50 {
                assert!(policy.delay(retry) <= ceiling);
            }
        }
    }

    #[test]
    fn delays_are_spread_out() {
        let policy = RetryPolicy::new(3).base_delay(Duration::from_secs(1));
        let delays: std::collections::HashSet<Duration> =
            (0..20).map(|_| policy.delay(1)).collect();
        assert!(
            delays.len() > 10,
            "full jitter gave {} distinct delays of 20",
            delays.len()
        );
    }
}
