//! The transaction control statements, per dialect, and the connection-level steps built on
//! them: begin, commit, roll back, and putting a connection right after a dropped handle.
//!
//! Every statement here is fixed text or text built from covet's own numbers (savepoint depth);
//! the one value that varies (a timeout) is a bound parameter where the dialect allows it (not
//! inside MariaDB's version comment, where it is a number covet formats from a `Duration`).

use std::borrow::Cow;
use std::panic::Location;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use sea_query::{Value, Values};

use super::options::{SqliteLocking, TransactionOptions};
use super::state::{Callback, Failure, Hooks, InFlight, Summary, run_callbacks};
use crate::Backend;
use crate::db::conn::Conn;
use crate::db::exec::Statement;
use crate::error::{Error, ErrorKind, Result};
use crate::observe::{Event, TransactionOutcome};

/// A statement with no values and no table.
fn fixed(sql: impl Into<Cow<'static, str>>) -> Statement {
    Statement {
        sql: sql.into(),
        values: Values(Vec::new()),
        table: "",
    }
}

fn savepoint_name(level: u32) -> String {
    format!("covet_sp_{level}")
}

/// `BEGIN` and the statements around it that set the transaction up, in order. The second list
/// runs once the transaction is open.
fn begin_statements(
    backend: Backend,
    options: &TransactionOptions,
) -> (Vec<Statement>, Vec<Statement>) {
    let mut before = Vec::new();
    let mut after = Vec::new();
    match backend {
        Backend::Postgres => {
            let mut sql = String::from("BEGIN");
            if let Some(level) = options.isolation {
                sql.push_str(" ISOLATION LEVEL ");
                sql.push_str(level.sql());
            }
            if options.read_only {
                sql.push_str(if options.isolation.is_some() { "," } else { "" });
                sql.push_str(" READ ONLY");
            }
            before.push(fixed(sql));
            if let Some(timeout) = options.timeout {
                // `SET LOCAL` takes no parameters; `set_config(..., true)` is the same, bound.
                let millis = format!("{}ms", timeout.as_millis().max(1));
                after.push(Statement {
                    sql: "SELECT set_config('statement_timeout', $1, true), \
                          set_config('lock_timeout', $1, true)"
                        .into(),
                    values: Values(vec![Value::String(Some(millis))]),
                    table: "",
                });
            }
        }
        Backend::MySql => {
            if let Some(level) = options.isolation {
                // Applies to the next transaction only.
                before.push(fixed(format!(
                    "SET TRANSACTION ISOLATION LEVEL {}",
                    level.sql()
                )));
            }
            if let Some(timeout) = options.timeout {
                // Row lock waits in whole seconds (at least 1), on both servers. MariaDB also
                // stops any statement at the timeout (`max_statement_time`, fractional seconds);
                // the `/*M!` comment runs on MariaDB only, since MySQL 8 has no such variable
                // (its `max_execution_time` limits read-only SELECTs only, so covet leaves it).
                // The number is covet's own, rendered from a `Duration`: no user text.
                before.push(Statement {
                    sql: format!(
                        "SET SESSION innodb_lock_wait_timeout = ? \
                         /*M!100101 , SESSION max_statement_time = {} */",
                        mariadb_seconds(timeout)
                    )
                    .into(),
                    values: Values(vec![Value::BigUnsigned(Some(timeout.as_secs().max(1)))]),
                    table: "",
                });
            }
            before.push(fixed(if options.read_only {
                "START TRANSACTION READ ONLY"
            } else {
                "START TRANSACTION"
            }));
        }
        Backend::Sqlite => {
            before.push(fixed(match options.sqlite_locking {
                SqliteLocking::Deferred => "BEGIN DEFERRED",
                SqliteLocking::Immediate => "BEGIN IMMEDIATE",
                SqliteLocking::Exclusive => "BEGIN EXCLUSIVE",
            }));
            if options.read_only {
                after.push(fixed("PRAGMA query_only = ON"));
            }
        }
    }
    (before, after)
}

/// `timeout` as MariaDB's `max_statement_time` wants it: seconds with a millisecond fraction,
/// at least 1 ms, since 0 would mean "no limit".
fn mariadb_seconds(timeout: Duration) -> String {
    let millis = timeout.as_millis().max(1);
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// Whether a `ROLLBACK` error only says there was nothing to roll back (SQLite's answer when
/// `BEGIN` never ran or `COMMIT` already did).
fn nothing_to_roll_back(error: &Error) -> bool {
    error.message().contains("no transaction is active")
}

impl Conn {
    /// Before a statement of the unit of work: deals with what a dropped future left behind,
    /// rolls back levels whose handles were dropped, refuses to run past the transaction's
    /// deadline, and reports a long transaction.
    pub(crate) async fn before_statement(&mut self) -> Result<()> {
        self.catch_up().await?;
        if self.tx.open > self.tx.live {
            self.settle().await?;
        } else if self.tx.open == 0 && self.tx.resets.any() {
            // A transaction ended but putting its settings back was cancelled or failed: a
            // statement outside it must not run under its timeout or read-only mode.
            self.put_settings_back().await?;
        }
        if self.tx.live > 0 {
            // After a failure, the level's work cannot commit, and the server may already have
            // ended the whole transaction (MySQL does on a deadlock, running what follows in
            // autocommit): nothing more runs in it until it is rolled back.
            if let Some(failure) = self.tx.failure_at(self.tx.live) {
                return Err(Error::new(
                    ErrorKind::TransactionAborted,
                    format!(
                        "earlier, {failure}; roll back the transaction, or the nested transaction \
                         around the failure, before running more statements"
                    ),
                ));
            }
            if let Some(deadline) = self.tx.deadline
                && Instant::now() >= deadline
            {
                return Err(Error::new(
                    ErrorKind::TransactionTimeout,
                    "the transaction ran past its timeout; roll it back",
                ));
            }
            self.check_long_transaction();
        }
        Ok(())
    }

    /// Reports once per transaction that it has been open past the configured threshold.
    fn check_long_transaction(&mut self) {
        if self.tx.long_reported {
            return;
        }
        if let Some((began, location)) = self.tx.began {
            self.tx.long_reported = self.report_if_long(began.elapsed(), location);
        }
    }

    /// Reports a transaction open for `open_for` if that is past the threshold; true once it
    /// is reported (here, or earlier by the pool's watcher).
    fn report_if_long(&self, open_for: Duration, location: &'static Location<'static>) -> bool {
        let Some(threshold) = self.db.long_transaction_threshold() else {
            return false;
        };
        if open_for < threshold {
            return false;
        }
        self.report_long_transaction(threshold, open_for, location);
        true
    }

    /// Deals with what a dropped future left on the connection, before covet sends anything
    /// else on it. Whatever it finds, the statement that left it is over by the time this
    /// returns:
    ///
    /// - A statement sent and never answered was cancelled. Its level cannot commit: covet
    ///   cannot know whether it failed (on PostgreSQL, aborting the transaction) or did its work
    ///   after the caller gave up on it, and `COMMIT` would commit that work too.
    /// - A query whose rows were not all read (a stream dropped early) is no failure in itself,
    ///   but the server may have failed it after the consumer stopped reading. On PostgreSQL
    ///   that aborts the whole transaction, and `COMMIT` would answer `ROLLBACK` without an
    ///   error; the probe below finds out (`in_failed_sql_transaction`, or the query's own
    ///   error), and the failure is recorded against the query's level.
    /// - A `COMMIT` never answered has an unknown outcome: no callback may run.
    ///
    /// PostgreSQL's and MySQL's drivers read the rest of a dropped statement's answer before
    /// the next statement is sent, and a late error found there comes back as the error of that
    /// next statement, which may be a `ROLLBACK`. A probe (`SELECT 1`) takes it here, where
    /// covet knows whose error it is. SQLite's driver reports nothing late (it runs statements
    /// in order on a worker thread and drops what nobody waits for), so it needs no probe.
    pub(crate) async fn catch_up(&mut self) -> Result<()> {
        let unread = match self.tx.in_flight {
            InFlight::Idle => return Ok(()),
            InFlight::Statement(level) => {
                self.tx.record_at(level, Failure::Cancelled);
                None
            }
            InFlight::Unread(level) => Some(level),
            InFlight::Commit => {
                self.tx.commit_unanswered();
                None
            }
            InFlight::Release { level, rolled_back } => {
                // The level is over either way: `ROLLBACK TO SAVEPOINT` for a savepoint
                // already released would fail, so covet does not touch it again.
                let callbacks = self.tx.rolled_back_to(level);
                if rolled_back {
                    // Its work was undone before the RELEASE: the rollback callbacks are owed,
                    // and a savepoint left behind is harmless (a later one takes its name).
                    run_callbacks(callbacks);
                } else {
                    // A release (a nested commit) cancelled halfway: its work may or may not
                    // have joined the parent's, so the parent cannot commit.
                    self.tx.record_at(level - 1, Failure::Cancelled);
                }
                None
            }
        };
        if self.db.backend() != Backend::Sqlite {
            // The marker stays set while the probe runs: dropped again, it is redone next time.
            match self.send(fixed("SELECT 1")).await {
                Ok(_) => {}
                Err(error) if error.kind() == ErrorKind::ConnectionLost => {
                    self.tx.in_flight = InFlight::Idle;
                    self.tx.record_failure(error.kind());
                    return Err(error);
                }
                Err(error) => {
                    if let Some(level) = unread {
                        self.tx.record_at(level, Failure::Unread(error.kind()));
                    }
                }
            }
        }
        self.tx.in_flight = InFlight::Idle;
        Ok(())
    }

    /// Rolls back the levels whose handles were dropped without commit or rollback.
    pub(crate) async fn settle(&mut self) -> Result<()> {
        if self.tx.live == 0 {
            // One ROLLBACK ends every savepoint inside too.
            return self.rollback_outermost().await;
        }
        self.settle_to(self.tx.live).await
    }

    /// Opens the next level: `BEGIN` (with the options) when none is open, else a savepoint.
    pub(crate) async fn begin_level(
        &mut self,
        options: &TransactionOptions,
        location: &'static Location<'static>,
    ) -> Result<u32> {
        self.before_statement().await?;
        let level = self.tx.live + 1;
        if level == 1 {
            self.begin_outermost(options, location).await?;
        } else {
            // Counted open before it is sent: a future dropped mid-way leaves a rollback due.
            self.tx.open = level;
            if let Err(error) = self
                .send(fixed(format!("SAVEPOINT {}", savepoint_name(level))))
                .await
            {
                self.tx.open = level - 1;
                self.tx.record_failure(error.kind());
                return Err(error);
            }
            self.tx.live = level;
            self.tx.hooks.push(Hooks::default());
        }
        Ok(level)
    }

    async fn begin_outermost(
        &mut self,
        options: &TransactionOptions,
        location: &'static Location<'static>,
    ) -> Result<()> {
        // Settings an earlier transaction left (its reset was cancelled or failed) must not
        // apply to this one.
        if self.tx.resets.any() {
            self.put_settings_back().await?;
        }
        let backend = self.db.backend();
        let (before, after) = begin_statements(backend, options);
        self.tx.open = 1;
        self.tx.resets.lock_wait_timeout = backend == Backend::MySql && options.timeout.is_some();
        for statement in before {
            if let Err(error) = self.send(statement).await {
                if error.kind() != ErrorKind::ConnectionLost {
                    // Refused (SQLite busy, say): no transaction began. Undo any setting.
                    self.put_settings_back().await.ok();
                    self.tx.open = 0;
                }
                return Err(error);
            }
        }
        let began = Instant::now();
        self.tx.began = Some((began, location));
        self.watch_transaction(began, location);
        self.tx.deadline = options.timeout.map(|timeout| Instant::now() + timeout);
        self.tx.hooks.push(Hooks::default());
        self.tx.resets.query_only = backend == Backend::Sqlite && options.read_only;
        self.db.observers().emit(&Event::TransactionBegan);
        // The transaction is live (a handle will own it) only once every statement ran: dropped
        // before, it is open but not live, and the next statement rolls it back.
        for statement in after {
            if let Err(error) = self.send(statement).await {
                self.settle().await.ok();
                return Err(error);
            }
        }
        self.tx.live = 1;
        Ok(())
    }

    /// Commits `level`: `COMMIT` for the outermost, `RELEASE SAVEPOINT` for the others. A level
    /// where a statement failed is rolled back instead, and the commit is an error.
    pub(crate) async fn commit_level(&mut self, level: u32) -> Result<()> {
        self.catch_up().await?;
        if self.tx.open > self.tx.live {
            self.settle().await?;
        }
        if self
            .tx
            .deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            self.rollback_level(level).await?;
            return Err(Error::new(
                ErrorKind::TransactionTimeout,
                "the transaction ran past its timeout and was rolled back instead of committed",
            ));
        }
        self.check_long_transaction();
        if let Some(failure) = self.tx.failure_at(level) {
            self.rollback_level(level).await?;
            let which = if level > 1 {
                "nested transaction"
            } else {
                "transaction"
            };
            return Err(Error::new(
                ErrorKind::TransactionAborted,
                format!(
                    "{failure}, so the {which} was rolled back instead of committed; handle \
                     the error by rolling back a savepoint (a nested transaction) around the \
                     statement, or let it end the transaction"
                ),
            ));
        }
        if level > 1 {
            // Dropped before the answer is read, the savepoint may or may not be gone.
            self.tx.in_flight = InFlight::Release {
                level,
                rolled_back: false,
            };
            let released = self
                .send(fixed(format!(
                    "RELEASE SAVEPOINT {}",
                    savepoint_name(level)
                )))
                .await;
            self.tx.in_flight = InFlight::Idle;
            if let Err(error) = released {
                self.tx.record_failure(error.kind());
                return Err(error);
            }
            self.tx.released(level);
            return Ok(());
        }
        let summary = self.tx.summary();
        // Dropped before the answer is read, the outcome of this COMMIT is unknown.
        self.tx.in_flight = InFlight::Commit;
        let answer = self.send(fixed("COMMIT")).await;
        self.tx.in_flight = InFlight::Idle;
        match answer {
            Ok(_) => {
                let callbacks = self.tx.committed();
                // Reported (and the callbacks run) before anything else can be cancelled.
                self.ended(TransactionOutcome::Committed, summary, callbacks);
                self.put_settings_back().await.ok();
                Ok(())
            }
            Err(error) if error.kind() == ErrorKind::ConnectionLost => {
                // The server may have committed before the connection broke. The level stays
                // counted open, so the connection is closed rather than reused; no callback
                // runs, and the end is counted neither as a commit nor as a rollback.
                self.tx.commit_unanswered();
                Err(Error::new(
                    ErrorKind::CommitOutcomeUnknown,
                    "the connection was lost while COMMIT was in flight: the transaction may or \
                     may not have been committed; check the data before retrying",
                )
                .with_source(error))
            }
            Err(error) => {
                // A refused COMMIT (serialization failure, deferred constraint) ended the
                // transaction on PostgreSQL; SQLite keeps it open after "busy". Roll back to be
                // sure, so the outcome is certain: nothing was committed.
                self.rollback_outermost().await.ok();
                Err(error)
            }
        }
    }

    /// Rolls back `level`.
    pub(crate) async fn rollback_level(&mut self, level: u32) -> Result<()> {
        self.catch_up().await?;
        if level == 1 {
            return self.rollback_outermost().await;
        }
        self.settle_to(level).await?;
        self.rollback_savepoint(level).await
    }

    /// Rolls back the levels inside `level`, whose handles are gone.
    async fn settle_to(&mut self, level: u32) -> Result<()> {
        while self.tx.open > level {
            let inner = self.tx.open;
            self.rollback_savepoint(inner).await?;
        }
        Ok(())
    }

    async fn rollback_savepoint(&mut self, level: u32) -> Result<()> {
        let name = savepoint_name(level);
        self.send(fixed(format!("ROLLBACK TO SAVEPOINT {name}")))
            .await?;
        // The level's work is undone: dropped from here on, the savepoint may be left, but
        // the rollback stands (see `catch_up`).
        self.tx.in_flight = InFlight::Release {
            level,
            rolled_back: true,
        };
        let released = self.send(fixed(format!("RELEASE SAVEPOINT {name}"))).await;
        self.tx.in_flight = InFlight::Idle;
        released?;
        run_callbacks(self.tx.rolled_back_to(level));
        Ok(())
    }

    async fn rollback_outermost(&mut self) -> Result<()> {
        let summary = self.tx.summary();
        match self.send(fixed("ROLLBACK")).await {
            Ok(_) => {}
            Err(error) if nothing_to_roll_back(&error) => {}
            Err(error) => return Err(error),
        }
        self.rolled_back(summary);
        self.put_settings_back().await
    }

    /// Counts and reports the end of the outermost level, rolled back (or closed, which the
    /// server rolls back), and runs its rollback callbacks. When `COMMIT` was left unanswered
    /// the outcome is [`TransactionOutcome::Unknown`] and no callback runs: the rollback may
    /// have found nothing to undo. Nothing is reported when `BEGIN` itself never was answered:
    /// no transaction was reported begun.
    fn rolled_back(&mut self, summary: Summary) {
        let outcome = if self.tx.outcome_unknown {
            TransactionOutcome::Unknown
        } else {
            TransactionOutcome::RolledBack
        };
        let callbacks = self.tx.rolled_back_to(1);
        if summary.began.is_some() {
            self.ended(outcome, summary, callbacks);
        }
    }

    /// Accounts for a connection closed instead of rolled back (the rollback failed, or no
    /// runtime was there to run it): the server rolls back whatever was open.
    pub(crate) fn closed_with_transaction(&mut self) {
        if self.tx.in_flight == InFlight::Commit {
            self.tx.commit_unanswered();
        }
        self.tx.in_flight = InFlight::Idle;
        if self.tx.open > 0 {
            let summary = self.tx.summary();
            self.rolled_back(summary);
        }
    }

    /// Rolls back whatever is open, for a connection whose handles are all gone: the clean-up
    /// before an abandoned connection may go back to the pool.
    pub(crate) async fn abandon_transaction(&mut self) -> Result<()> {
        self.tx.live = 0;
        self.catch_up().await?;
        if self.tx.open > 0 {
            self.tx.open = 1;
            self.rollback_outermost().await
        } else {
            self.put_settings_back().await
        }
    }

    /// Restores the session settings a transaction changed.
    async fn put_settings_back(&mut self) -> Result<()> {
        let resets = self.tx.resets;
        if resets.lock_wait_timeout {
            // Both settings `begin_statements` made for a timeout; `/*M!` as there.
            self.send(fixed(
                "SET SESSION innodb_lock_wait_timeout = DEFAULT \
                 /*M!100101 , SESSION max_statement_time = DEFAULT */",
            ))
            .await?;
        }
        if resets.query_only {
            self.send(fixed("PRAGMA query_only = OFF")).await?;
        }
        self.tx.resets = Default::default();
        Ok(())
    }

    /// Counts and reports the end of the outermost level, then runs its callbacks.
    fn ended(&self, outcome: TransactionOutcome, summary: Summary, callbacks: Vec<Callback>) {
        let duration = summary.began.map_or(Duration::ZERO, |(at, _)| at.elapsed());
        if let Some((_, location)) = summary.began
            && !summary.long_reported
        {
            self.report_if_long(duration, location);
        }
        self.unwatch_transaction();
        let counters = self.db.counters();
        match outcome {
            TransactionOutcome::Committed => counters.commits.fetch_add(1, Relaxed),
            TransactionOutcome::RolledBack => counters.rollbacks.fetch_add(1, Relaxed),
            TransactionOutcome::Unknown => counters.unknown_outcomes.fetch_add(1, Relaxed),
        };
        counters.add_transaction_time(duration);
        self.db
            .observers()
            .emit(&Event::TransactionEnded { outcome, duration });
        run_callbacks(callbacks);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::IsolationLevel;

    fn texts(backend: Backend, options: TransactionOptions) -> Vec<String> {
        let (before, after) = begin_statements(backend, &options);
        before
            .into_iter()
            .chain(after)
            .map(|s| s.sql.into_owned())
            .collect()
    }

    #[test]
    fn begin_speaks_each_dialect() {
        let options = TransactionOptions::new()
            .isolation(IsolationLevel::Serializable)
            .read_only()
            .timeout(Duration::from_millis(1500));
        assert_eq!(
            texts(Backend::Postgres, options),
            [
                "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY",
                "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)"
            ]
        );
        assert_eq!(
            texts(Backend::MySql, options),
            [
                "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                "SET SESSION innodb_lock_wait_timeout = ? \
                 /*M!100101 , SESSION max_statement_time = 1.500 */",
                "START TRANSACTION READ ONLY"
            ]
        );
        assert_eq!(
            texts(
                Backend::Sqlite,
                options.sqlite_locking(SqliteLocking::Immediate)
            ),
            ["BEGIN IMMEDIATE", "PRAGMA query_only = ON"]
        );
        assert_eq!(
            texts(Backend::Postgres, TransactionOptions::new()),
            ["BEGIN"]
        );
        // Never 0, which MariaDB reads as "no limit".
        assert_eq!(mariadb_seconds(Duration::ZERO), "0.001");
        assert_eq!(mariadb_seconds(Duration::from_micros(2_345_678)), "2.345");
        assert_eq!(
            texts(Backend::Postgres, TransactionOptions::new().read_only()),
            ["BEGIN READ ONLY"]
        );
    }
}
