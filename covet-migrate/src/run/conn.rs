//! What the runner runs its statements on: a session (outside a transaction) or a transaction.

use covet::{Executor, Session, Transaction};

/// A connection the runner can reborrow for each statement: `&mut Session` and
/// `&mut Transaction` are both executors, and this names them together.
pub(crate) trait Conn: Send {
    /// The connection as an executor, for one statement.
    fn executor(&mut self) -> impl Executor<'_>;
}

impl Conn for Session {
    fn executor(&mut self) -> impl Executor<'_> {
        self
    }
}

impl Conn for Transaction<'_> {
    fn executor(&mut self) -> impl Executor<'_> {
        self
    }
}
