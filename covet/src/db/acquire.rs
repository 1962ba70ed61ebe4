//! Taking a connection from the pool: counted, timed, registered for leak detection, and with
//! an error that says why when none comes.

use std::panic::Location;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use super::conn::{Conn, RawConn};
use super::{Database, Pool};
use crate::error::{Error, ErrorKind, Result};
use crate::observe::Event;

impl Database {
    /// A connection for one statement. Not watched for leaks: it is held for one statement,
    /// and registering it would put a lock on every statement's path.
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
        let acquired = {
            let _waiting = shared.counters.waiting();
            match &shared.pool {
                #[cfg(feature = "postgres")]
                Pool::Postgres(pool) => pool.acquire().await.map(RawConn::Postgres),
                #[cfg(feature = "mysql")]
                Pool::MySql(pool) => pool.acquire().await.map(RawConn::MySql),
                #[cfg(feature = "sqlite")]
                Pool::Sqlite(pool) => pool.acquire().await.map(RawConn::Sqlite),
            }
        };
        let wait = started.elapsed();
        match acquired {
            Ok(raw) => {
                shared.counters.acquires.fetch_add(1, Relaxed);
                shared.counters.acquire_wait.record(wait);
                if !shared.observers.is_empty() {
                    shared.observers.emit(&Event::ConnectionAcquired { wait });
                }
                Ok(Conn::new(raw, self.clone(), location))
            }
            Err(sqlx::Error::PoolTimedOut) => {
                shared.counters.timeouts.fetch_add(1, Relaxed);
                shared.observers.emit(&Event::AcquireTimedOut { wait });
                Err(self.no_connection(wait).await)
            }
            Err(sqlx::Error::PoolClosed) => Err(Error::from(sqlx::Error::PoolClosed)),
            Err(error) => {
                // Anything else comes from opening a new connection.
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

    /// The error for an acquire that timed out. When the pool had room for more connections
    /// it was trying to open one, so the cause is looked for first: a server that went away
    /// is a [`ConnectionRefused`](ErrorKind::ConnectionRefused), not a busy pool.
    async fn no_connection(&self, wait: Duration) -> Error {
        let settings = &self.shared.settings;
        let size = self.shared.pool.size();
        if size < settings.max_connections
            && let Some(cause) = self.why_no_connection().await
        {
            return self.connect_failed(cause);
        }
        let stats = self.pool_stats();
        Error::new(
            ErrorKind::PoolTimeout,
            format!(
                "no connection became free within {wait:?} (acquire timeout {:?}): the pool has \
                 {size} of at most {} connections open, {} in use, {} tasks waiting; hold \
                 connections for less time or raise max_connections",
                settings.acquire_timeout, settings.max_connections, stats.in_use, stats.waiting
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
