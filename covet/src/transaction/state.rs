//! What covet knows about a connection's transaction: how many levels are open on the server,
//! how many have a live handle, whether a statement failed, and the callbacks waiting for the
//! outcome.

use std::panic::Location;
use std::time::Instant;

use crate::ErrorKind;

/// A callback run after a transaction's outcome is known.
pub(crate) type Callback = Box<dyn FnOnce() + Send + 'static>;

/// The transaction state of one connection. Level 1 is `BEGIN`, level `n > 1` the savepoint
/// `covet_sp_n`.
#[derive(Default)]
pub(crate) struct TxState {
    /// Levels that are, or may be, open on the server. Raised *before* `BEGIN` or `SAVEPOINT`
    /// is sent and lowered only once `COMMIT`, `RELEASE` or `ROLLBACK` is answered, so a future
    /// dropped halfway leaves it too high, never too low: the worst case is a harmless extra
    /// `ROLLBACK`.
    pub(crate) open: u32,
    /// Levels whose `Transaction` handle is alive. A handle dropped without commit or rollback
    /// lowers this; the levels above it are rolled back before the connection's next statement
    /// (or before it goes back to the pool).
    pub(crate) live: u32,
    /// The shallowest level where a statement failed, and how: that level and every level
    /// inside it cannot commit. Rolling the level back clears it.
    pub(crate) failed: Option<(u32, Failure)>,
    /// The statement whose answer covet has not read yet. Set before a statement is sent and
    /// put back to [`InFlight::Idle`] once its outcome is known, so that when covet next
    /// uses the connection and finds it still set, the statement's future was dropped halfway
    /// (see `Conn::catch_up`).
    pub(crate) in_flight: InFlight,
    /// `COMMIT` was sent and its answer never read (the connection broke, or the future was
    /// dropped): only the server knows whether the transaction committed. Its callbacks are
    /// dropped, and its end is counted neither as a commit nor as a rollback.
    pub(crate) outcome_unknown: bool,
    /// When and where the outermost level began.
    pub(crate) began: Option<(Instant, &'static Location<'static>)>,
    /// The client-side deadline of the transaction's timeout.
    pub(crate) deadline: Option<Instant>,
    /// Whether the long-transaction warning was given for this transaction.
    pub(crate) long_reported: bool,
    /// Callbacks per open level (index 0 is level 1).
    pub(crate) hooks: Vec<Hooks>,
    /// Session settings the transaction changed, to put back when it ends.
    pub(crate) resets: Resets,
}

/// Why a level cannot commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server failed a statement.
    Statement(ErrorKind),
    /// A statement's future was dropped after it was sent and before its outcome was read:
    /// it may have failed, or done its work after the caller gave up on it.
    Cancelled,
    /// A query whose rows were not all read (a stream dropped early) failed on the server
    /// after its consumer stopped reading, or left the transaction aborted.
    Unread(ErrorKind),
}

impl Failure {
    /// The error kind that decides a retry: the server's, or `TransactionAborted` for a
    /// cancelled statement, which is never retried (its work may have been done).
    pub(crate) fn kind(self) -> ErrorKind {
        match self {
            Failure::Statement(kind) | Failure::Unread(kind) => kind,
            Failure::Cancelled => ErrorKind::TransactionAborted,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Statement(kind) => {
                write!(f, "a statement in this transaction failed ({kind})")
            }
            Failure::Cancelled => f.write_str(
                "a statement in this transaction was cancelled (its future was dropped, by a \
                 timeout say) after it was sent and before its result was read: covet cannot \
                 know whether it failed or took effect",
            ),
            Failure::Unread(kind) => write!(
                f,
                "a query in this transaction whose rows were not all read failed on the server \
                 ({kind})"
            ),
        }
    }
}

/// The statement on the wire, as far as covet knows.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InFlight {
    /// Every answer was read.
    #[default]
    Idle,
    /// A statement of the unit of work was sent at this level (0: outside any transaction)
    /// and its outcome is not known yet.
    Statement(u32),
    /// A query at this level handed a row to its consumer, or stopped reading, with the rest
    /// of its rows unread: dropped here, it is a stream abandoned early, not a cancellation.
    Unread(u32),
    /// `COMMIT` was sent and its answer is not read yet.
    Commit,
    /// `RELEASE SAVEPOINT` of `level` was sent and its answer is not read yet: a nested commit,
    /// or the end of a nested rollback whose `ROLLBACK TO SAVEPOINT` already ran.
    Release {
        /// The savepoint's level.
        level: u32,
        /// Whether its work was rolled back first.
        rolled_back: bool,
    },
}

/// Callbacks registered on one level.
#[derive(Default)]
pub(crate) struct Hooks {
    pub(crate) on_commit: Vec<Callback>,
    pub(crate) on_rollback: Vec<Callback>,
}

/// Connection settings changed for one transaction, which outlive it unless put back.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resets {
    /// MySQL: `innodb_lock_wait_timeout` was set for the transaction's timeout.
    pub(crate) lock_wait_timeout: bool,
    /// SQLite: `PRAGMA query_only` was switched on for a read-only transaction.
    pub(crate) query_only: bool,
}

impl Resets {
    pub(crate) fn any(self) -> bool {
        self.lock_wait_timeout || self.query_only
    }
}

/// What the end of a transaction reports, taken before its state is cleared.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Summary {
    pub(crate) began: Option<(Instant, &'static Location<'static>)>,
    pub(crate) long_reported: bool,
}

impl TxState {
    pub(crate) fn summary(&self) -> Summary {
        Summary {
            began: self.began,
            long_reported: self.long_reported,
        }
    }

    /// Whether the connection needs a rollback (or settings put back) before anyone else may
    /// use it.
    pub(crate) fn needs_cleanup(&self) -> bool {
        self.open > 0 || self.resets.any()
    }

    /// Records a failed statement at the innermost live level. Failures covet found before
    /// sending anything (a value that cannot be encoded) changed nothing on the server and do
    /// not count.
    pub(crate) fn record_failure(&mut self, kind: ErrorKind) {
        let client_side = matches!(
            kind,
            ErrorKind::Encode | ErrorKind::Decode | ErrorKind::TooManyParameters
        );
        if !client_side {
            self.record_at(self.live, Failure::Statement(kind));
        }
    }

    /// Records `failure` at `level` (0, outside any transaction, records nothing), unless a
    /// failure is already recorded at that level or an enclosing one.
    pub(crate) fn record_at(&mut self, level: u32, failure: Failure) {
        if level == 0 {
            return;
        }
        match self.failed {
            Some((failed, _)) if failed <= level => {}
            _ => self.failed = Some((level, failure)),
        }
    }

    /// The failure that forbids committing `level`, if any: one at this level or inside it.
    /// (A failure in an enclosing level forbids committing that one; inner levels may still
    /// be released, and the outer commit reports it.) A statement still in flight here was
    /// cancelled: while a statement runs, nothing else can ask.
    pub(crate) fn failure_at(&self, level: u32) -> Option<Failure> {
        match (self.failed, self.in_flight) {
            (Some((failed, failure)), _) if failed >= level => Some(failure),
            (_, InFlight::Statement(at)) if at >= level && at > 0 => Some(Failure::Cancelled),
            _ => None,
        }
    }

    /// Forgets failures inside `level` once it is rolled back, and returns its callbacks'
    /// rollback half (the commit half is dropped: that work is gone). After a `COMMIT` whose
    /// answer was never read, the outermost level's rollback callbacks are dropped too: the
    /// `ROLLBACK` may have found nothing left to undo.
    pub(crate) fn rolled_back_to(&mut self, level: u32) -> Vec<Callback> {
        if matches!(self.failed, Some((failed, _)) if failed >= level) {
            self.failed = None;
        }
        self.open = level - 1;
        self.live = self.live.min(level - 1);
        let mut run = Vec::new();
        let keep = usize::try_from(level - 1).unwrap_or(usize::MAX);
        for hooks in self.hooks.drain(keep.min(self.hooks.len())..).rev() {
            run.extend(hooks.on_rollback);
        }
        if level == 1 {
            if self.outcome_unknown {
                run.clear();
            }
            self.end();
        }
        run
    }

    /// `COMMIT` was sent and its answer will never be read: neither the commit nor the
    /// rollback callbacks may run, since either could be wrong.
    pub(crate) fn commit_unanswered(&mut self) {
        self.outcome_unknown = true;
        self.hooks.clear();
    }

    /// Merges a released savepoint's callbacks into its parent's: they now wait for the parent.
    pub(crate) fn released(&mut self, level: u32) {
        self.open = level - 1;
        self.live = self.live.min(level - 1);
        if let Some(hooks) = self.hooks.pop()
            && let Some(parent) = self.hooks.last_mut()
        {
            parent.on_commit.extend(hooks.on_commit);
            parent.on_rollback.extend(hooks.on_rollback);
        }
    }

    /// The outermost level committed: its commit callbacks.
    pub(crate) fn committed(&mut self) -> Vec<Callback> {
        self.open = 0;
        self.live = 0;
        let run = self
            .hooks
            .drain(..)
            .flat_map(|hooks| hooks.on_commit)
            .collect();
        self.end();
        run
    }

    fn end(&mut self) {
        self.failed = None;
        self.outcome_unknown = false;
        self.began = None;
        self.deadline = None;
        self.long_reported = false;
        self.hooks.clear();
    }
}

/// Runs callbacks in registration order. A panicking callback does not stop the others: the
/// transaction's outcome is already decided and every callback is owed its turn.
pub(crate) fn run_callbacks(callbacks: Vec<Callback>) {
    for callback in callbacks {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(callback)).is_err() {
            tracing::error!(target: "covet::transaction", "a transaction callback panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(open: u32) -> TxState {
        TxState {
            open,
            live: open,
            hooks: (0..open).map(|_| Hooks::default()).collect(),
            ..TxState::default()
        }
    }

    #[test]
    fn a_failure_blocks_its_level_and_the_levels_outside_it() {
        let mut tx = state(3);
        tx.record_failure(ErrorKind::UniqueViolation);
        let failed = Some(Failure::Statement(ErrorKind::UniqueViolation));
        assert_eq!(tx.failure_at(3), failed);
        assert_eq!(tx.failure_at(1), failed);
        // Rolling the savepoint back forgives it.
        tx.rolled_back_to(3);
        assert_eq!(tx.failure_at(1), None);
    }

    #[test]
    fn rolling_back_an_inner_level_keeps_an_outer_failure() {
        let mut tx = state(1);
        tx.record_failure(ErrorKind::CheckViolation);
        tx.open = 2;
        tx.live = 2;
        tx.hooks.push(Hooks::default());
        tx.record_failure(ErrorKind::Deadlock);
        tx.rolled_back_to(2);
        assert_eq!(
            tx.failure_at(1),
            Some(Failure::Statement(ErrorKind::CheckViolation))
        );
    }

    #[test]
    fn a_statement_left_in_flight_was_cancelled_until_its_level_is_rolled_back() {
        let mut tx = state(2);
        tx.in_flight = InFlight::Statement(2);
        assert_eq!(tx.failure_at(1), Some(Failure::Cancelled));
        assert_eq!(Failure::Cancelled.kind(), ErrorKind::TransactionAborted);
        tx.record_at(2, Failure::Cancelled);
        tx.in_flight = InFlight::Idle;
        tx.rolled_back_to(2);
        assert_eq!(tx.failure_at(1), None);
        // A stream abandoned early is not a failure.
        tx.in_flight = InFlight::Unread(1);
        assert_eq!(tx.failure_at(1), None);
    }

    #[test]
    fn an_unanswered_commit_runs_no_callback() {
        let mut tx = state(1);
        tx.hooks[0].on_commit.push(Box::new(|| {}));
        tx.hooks[0].on_rollback.push(Box::new(|| {}));
        tx.commit_unanswered();
        assert!(tx.rolled_back_to(1).is_empty());
        assert!(!tx.outcome_unknown);
        assert!(!tx.needs_cleanup());
    }

    #[test]
    fn released_callbacks_wait_for_the_parent() {
        let mut tx = state(2);
        tx.hooks[1].on_commit.push(Box::new(|| {}));
        tx.released(2);
        assert_eq!(tx.hooks.len(), 1);
        assert_eq!(tx.hooks[0].on_commit.len(), 1);
        assert_eq!(tx.committed().len(), 1);
        assert!(!tx.needs_cleanup());
    }
}
