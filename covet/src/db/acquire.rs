//! Taking a connection from the pool: counted, timed, registered for leak detection, and with
//! an error that says why when none comes.

use std::panic::Location;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use super::conn::{Conn, RawConn};
use super::{Database, Pool};
use crate::error::{Error, ErrorKind, Result};
use crate::observe::Event;

/// The pool as an acquire that timed out saw it, for its error message.
struct Busy {
    size: u32,
    in_use: u32,
    /// Tasks waiting for a connection, the one that timed out included.
    waiting: u32,
}

impl Database {
    /// A connection for one statement. Not watched for leaks: it is held for one statement,
    /// and registering it would put a lock on every statement's path. (A stream, which holds
    /// its connection as long as its reader keeps it, uses [`acquire_at`](Self::acquire_at).)
    pub(crate) async fn acquire_internal(&self) -> Result<Conn> {
        self.acquire(None).await
    }

    /// A connection for a unit of work (session, transaction) begun at `location`, watched for
    /// leaks.
    pub(crate) async fn acquire_at(&self, location: &'static Location<'static>) -> Result<Conn> {
        self.acquire(Some(location)).await
    }

    async fn acquire(&self, location: Option<&'static Location<'static>>) -> Result<Conn> {
        let shared = &self.shared;
        let started = Instant::now();
        // Counts this task as waiting until it has a connection or its error: a timeout's
        // message then counts this task among the waiting, as it was.
        let waiting = shared.counters.waiting();
        let acquired = match &shared.pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres(pool) => pool.acquire().await.map(RawConn::Postgres),
            #[cfg(feature = "mysql")]
            Pool::MySql(pool) => pool.acquire().await.map(RawConn::MySql),
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(pool) => pool.acquire().await.map(RawConn::Sqlite),
        };
        let wait = started.elapsed();
        match acquired {
            Ok(raw) => {
                drop(waiting);
                shared.counters.acquires.fetch_add(1, Relaxed);
                shared.counters.acquire_wait.record(wait);
                if !shared.observers.is_empty() {
                    shared.observers.emit(&Event::ConnectionAcquired { wait });
                }
                Ok(Conn::new(raw, self.clone(), location))
            }
            Err(sqlx::Error::PoolTimedOut) => {
                // Read while this task still counts, before the diagnosis below (which may
                // take a while) lets the others move on.
                let busy = Busy {
                    size: shared.pool.size(),
                    in_use: shared.counters.in_use.load(Relaxed),
                    waiting: shared.counters.waiting.load(Relaxed),
                };
                drop(waiting);
                shared.counters.timeouts.fetch_add(1, Relaxed);
                shared.observers.emit(&Event::AcquireTimedOut { wait });
                Err(self.no_connection(wait, busy).await)
            }
            Err(sqlx::Error::PoolClosed) => Err(Error::from(sqlx::Error::PoolClosed)),
            Err(error) => {
                // Anything else comes from opening a new connection: sqlx gives up at once on
                // an error that waiting will not cure (a refused login, an unknown database).
                Err(self.connect_failed(Error::connecting(error)))
            }
        }
    }

    fn connect_failed(&self, error: Error) -> Error {
        self.shared.counters.connect_errors.fetch_add(1, Relaxed);
        self.shared
            .observers
            .emit(&Event::ConnectFailed { kind: error.kind() });
        error
    }

    /// The error for an acquire that timed out, given the pool as it was when it did. When the
    /// pool had room for more connections it was trying to open one, so the cause is looked for
    /// first: a server that went away is a [`ConnectionRefused`](ErrorKind::ConnectionRefused),
    /// not a busy pool.
    async fn no_connection(&self, wait: Duration, busy: Busy) -> Error {
        let settings = &self.shared.settings;
        if busy.size < settings.max_connections
            && let Some(cause) = self.why_no_connection().await
        {
            return self.connect_failed(cause);
        }
        Error::new(
            ErrorKind::PoolTimeout,
            format!(
                "no connection became free within {wait:?} (acquire timeout {:?}): the pool has \
                 {} of at most {} connections open, {} in use and {} {} waiting, this one \
                 included; hold connections for less time or raise max_connections",
                settings.acquire_timeout,
                busy.size,
                settings.max_connections,
                busy.in_use,
                busy.waiting,
                if busy.waiting == 1 { "task" } else { "tasks" },
            ),
        )
    }

    async fn why_no_connection(&self) -> Option<Error> {
        // Unused when SQLite is the only backend compiled in.
        #[cfg_attr(
            not(any(feature = "postgres", feature = "mysql")),
            allow(unused_variables)
        )]
        let settings = &self.shared.settings;
        match &self.shared.pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres(_) => {
                let options = settings.url.parse().ok()?;
                super::options::why_no_connection::<sqlx::Postgres>(
                    &options,
                    settings.acquire_timeout,
                )
                .await
            }
            #[cfg(feature = "mysql")]
            Pool::MySql(_) => {
                let options = settings.url.parse().ok()?;
                super::options::why_no_connection::<sqlx::MySql>(&options, settings.acquire_timeout)
                    .await
            }
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(_) => None,
        }
    }
}
