//! A connection checked out of the pool, with the transaction state covet keeps for it and the
//! guarantee that it never goes back to the pool inside a transaction.

use std::panic::Location;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use super::leak::Ticket;
use super::{Database, Shared};
use crate::transaction::state::TxState;

/// How long the clean-up of an abandoned transaction may take before the connection is closed
/// instead (the server then rolls back on its own).
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(5);

/// A pooled sqlx connection of whichever backend.
pub(crate) enum RawConn {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::pool::PoolConnection<sqlx::MySql>),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

impl RawConn {
    /// Closes the connection instead of returning it: the server rolls back whatever it had
    /// open.
    async fn close(self) {
        // A failed close leaves nothing to do: the socket is gone either way.
        let _ = match self {
            #[cfg(feature = "postgres")]
            RawConn::Postgres(conn) => conn.close().await,
            #[cfg(feature = "mysql")]
            RawConn::MySql(conn) => conn.close().await,
            #[cfg(feature = "sqlite")]
            RawConn::Sqlite(conn) => conn.close().await,
        };
    }

    /// Takes the connection out of the pool and drops it, closing it without a runtime.
    fn discard(self) {
        match self {
            #[cfg(feature = "postgres")]
            RawConn::Postgres(conn) => drop(conn.detach()),
            #[cfg(feature = "mysql")]
            RawConn::MySql(conn) => drop(conn.detach()),
            #[cfg(feature = "sqlite")]
            RawConn::Sqlite(conn) => drop(conn.detach()),
        }
    }
}

/// The checkout's bookkeeping: counted in use and registered for leak detection until the
/// connection is back in the pool (or closed).
pub(crate) struct Checkout {
    shared: std::sync::Arc<Shared>,
    ticket: Option<Ticket>,
}

impl Checkout {
    /// `location` is where a unit of work acquired the connection; `None` (one statement's
    /// connection) is not watched for leaks nor long transactions.
    pub(crate) fn new(db: &Database, location: Option<&'static Location<'static>>) -> Self {
        let shared = db.shared.clone();
        shared.counters.in_use.fetch_add(1, Relaxed);
        let settings = &shared.settings;
        let watched =
            settings.leak_threshold.is_some() || settings.long_transaction_threshold.is_some();
        let ticket = location.filter(|_| watched).map(|location| {
            shared
                .leaks
                .register(location, shared.settings.leak_backtraces)
        });
        Self { shared, ticket }
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        self.shared.counters.in_use.fetch_sub(1, Relaxed);
        if let Some(ticket) = &self.ticket {
            self.shared.leaks.release(ticket, &self.shared);
        }
    }
}

/// A checked-out connection.
pub(crate) struct Conn {
    raw: Option<RawConn>,
    checkout: Option<Checkout>,
    pub(crate) db: Database,
    pub(crate) tx: TxState,
    /// Close the connection when dropped instead of returning it: it carries session state
    /// (a session-level lock) that the next user of the pool must not inherit.
    pub(crate) close_on_drop: bool,
}

impl Conn {
    pub(crate) fn new(
        raw: RawConn,
        db: Database,
        location: Option<&'static Location<'static>>,
    ) -> Self {
        Self {
            checkout: Some(Checkout::new(&db, location)),
            raw: Some(raw),
            db,
            tx: TxState::default(),
            close_on_drop: false,
        }
    }

    /// The registration with the watcher of leaks and long transactions, if any.
    fn ticket(&self) -> Option<&Ticket> {
        self.checkout.as_ref()?.ticket.as_ref()
    }

    /// Has the watcher report the transaction that began at `since` if it stays open too long.
    pub(crate) fn watch_transaction(&self, since: Instant, location: &'static Location<'static>) {
        if let Some(ticket) = self.ticket() {
            self.db
                .shared
                .leaks
                .transaction_began(ticket, since, location);
        }
    }

    /// The transaction ended: the watcher forgets it.
    pub(crate) fn unwatch_transaction(&self) {
        if let Some(ticket) = self.ticket() {
            self.db.shared.leaks.transaction_ended(ticket);
        }
    }

    /// Reports the open transaction as long, unless the watcher has already: false then.
    pub(crate) fn report_long_transaction(
        &self,
        threshold: Duration,
        open_for: Duration,
        location: &'static Location<'static>,
    ) -> bool {
        let claimed = self
            .ticket()
            .is_none_or(|ticket| self.db.shared.leaks.claim_transaction_report(ticket));
        if claimed {
            super::leak::report_long_transaction(&self.db.shared, threshold, open_for, location);
        }
        claimed
    }

    /// The sqlx connection, the database and the transaction state, borrowed apart. The
    /// connection is present for the `Conn`'s whole life: only `drop` takes it.
    pub(crate) fn parts(&mut self) -> (&mut RawConn, &Database, &mut TxState) {
        match &mut self.raw {
            Some(raw) => (raw, &self.db, &mut self.tx),
            None => unreachable!("a connection is only taken apart when it is dropped"),
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let (Some(raw), Some(checkout)) = (self.raw.take(), self.checkout.take()) else {
            return;
        };
        if self.close_on_drop && !self.tx.needs_cleanup() {
            // Closing also ends whatever the session held on the server.
            raw.discard();
            drop(checkout);
            return;
        }
        if !self.tx.needs_cleanup() {
            // Back to the pool (sqlx pings it there, which also drains the answer of a
            // statement abandoned halfway), then the checkout ends.
            drop(raw);
            drop(checkout);
            return;
        }
        // Still inside a transaction, or maybe (BEGIN or COMMIT was in flight when its future
        // was dropped). The connection must not reach the pool before it is rolled back.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let tx = std::mem::take(&mut self.tx);
                let db = self.db.clone();
                let close_on_drop = self.close_on_drop;
                runtime.spawn(async move {
                    let mut conn = Conn {
                        raw: Some(raw),
                        checkout: Some(checkout),
                        db,
                        tx,
                        close_on_drop,
                    };
                    let rolled_back =
                        tokio::time::timeout(CLEANUP_TIMEOUT, conn.abandon_transaction()).await;
                    if !matches!(rolled_back, Ok(Ok(())))
                        && let Some(raw) = conn.raw.take()
                    {
                        // Closing makes the server roll back: the transaction ends as a
                        // rollback (counted, reported, its rollback callbacks run), unless
                        // COMMIT was in flight and the outcome is unknown.
                        raw.close().await;
                        conn.closed_with_transaction();
                    }
                    // Rolled back: `conn` drops with a clean state and goes back to the pool.
                });
            }
            Err(_) => {
                // No runtime to roll back on: close the connection, the server rolls back.
                raw.discard();
                drop(checkout);
                self.closed_with_transaction();
            }
        }
    }
}
