//! The closure forms: begin, run the work, commit or roll back, and retry transient failures.

use std::panic::Location;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use super::{ConnRef, Transaction, TransactionFuture, TransactionOptions};
use crate::Database;
use crate::db::conn::Conn;
use crate::error::{Error, ErrorKind, Result};
use crate::observe::Event;

/// Where a closure's transaction runs.
pub(crate) enum Source<'s> {
    /// A connection from the pool, acquired for each attempt.
    Pool(&'s Database),
    /// A session's connection: the closure's transaction is its outermost level.
    Session(&'s mut Conn),
    /// A transaction's connection: the closure's transaction is a savepoint.
    Nested(&'s mut Conn),
}

impl Source<'_> {
    async fn begin(
        &mut self,
        options: &TransactionOptions,
        location: &'static Location<'static>,
    ) -> Result<Transaction<'_>> {
        match self {
            Source::Pool(db) => {
                let conn = db.acquire_at(location).await?;
                Transaction::begin_on(ConnRef::Owned(conn), options, location).await
            }
            Source::Session(conn) | Source::Nested(conn) => {
                Transaction::begin_on(ConnRef::Borrowed(conn), options, location).await
            }
        }
    }

    fn database(&self) -> &Database {
        match self {
            Source::Pool(db) => db,
            Source::Session(conn) | Source::Nested(conn) => &conn.db,
        }
    }
}

/// How an attempt ended.
enum Attempt<T, E> {
    /// For good: success, or a failure that a retry would not cure.
    Done(Result<T, E>),
    /// With a transient failure (`cause`), rolled back: another attempt may succeed.
    Transient { cause: ErrorKind, error: E },
}

/// Runs `work` in a transaction from `source`: commits when it returns `Ok`, rolls back when
/// it returns `Err`, and re-runs it as `options.retry` allows after a transient failure.
pub(crate) async fn run<T, E, F>(
    mut source: Source<'_>,
    options: TransactionOptions,
    location: &'static Location<'static>,
    mut work: F,
) -> Result<T, E>
where
    F: for<'t, 'x> FnMut(&'t mut Transaction<'x>) -> TransactionFuture<'t, T, E> + Send,
    E: From<Error> + Send,
    T: Send,
{
    let nested = matches!(source, Source::Nested(_));
    let attempts = if nested { 1 } else { options.retry.attempts() };
    let mut attempt = 1;
    loop {
        let cause = match attempt_once(&mut source, &options, location, &mut work).await {
            Attempt::Done(result) => return result,
            Attempt::Transient { cause, .. } if attempt < attempts => cause,
            Attempt::Transient { error, .. } => return Err(error),
        };
        let delay = options.retry.delay(attempt);
        attempt += 1;
        let db = source.database();
        db.counters().retries.fetch_add(1, Relaxed);
        db.observers().emit(&Event::TransactionRetry {
            attempt,
            cause,
            delay,
        });
        tokio::time::sleep(delay).await;
    }
}

async fn attempt_once<T, E, F>(
    source: &mut Source<'_>,
    options: &TransactionOptions,
    location: &'static Location<'static>,
    work: &mut F,
) -> Attempt<T, E>
where
    F: for<'t, 'x> FnMut(&'t mut Transaction<'x>) -> TransactionFuture<'t, T, E> + Send,
    E: From<Error> + Send,
    T: Send,
{
    let mut tx = match source.begin(options, location).await {
        Ok(tx) => tx,
        Err(error) => return settled(error),
    };
    // Measured once the transaction is open, so no earlier than the server's clock for any
    // statement in it: a statement the server stopped for the timeout ends past this deadline.
    let deadline = options.timeout.map(|limit| (Instant::now() + limit, limit));
    let outcome = match deadline {
        Some((_, limit)) => tokio::time::timeout(limit, work(&mut tx)).await.ok(),
        None => Some(work(&mut tx).await),
    };
    match outcome {
        None => {
            // Dropping the transaction rolls it back: on a connection of its own in the
            // background, on a session's before its next statement.
            drop(tx);
            Attempt::Done(Err(timed_out(options).into()))
        }
        Some(Ok(value)) => {
            // A failure the closure caught and ignored makes the commit fail; if it was
            // transient, running the closure again may succeed.
            let ignored = tx.failure();
            match tx.commit().await {
                Ok(()) => Attempt::Done(Ok(value)),
                Err(error) => match ignored {
                    Some(cause) if cause.is_transient() => Attempt::Transient {
                        cause,
                        error: error.into(),
                    },
                    _ => settled(error),
                },
            }
        }
        Some(Err(error)) => {
            // Retry on what the database said, whatever error type the closure made of it.
            let cause = tx.failure();
            let rolled_back = tx.rollback().await;
            match cause {
                Some(cause) if cause.is_transient() && rolled_back.is_ok() => {
                    Attempt::Transient { cause, error }
                }
                // The server stopped a statement at the transaction's timeout (PostgreSQL's
                // `statement_timeout`, MariaDB's `max_statement_time`) a moment before covet's
                // own clock ran out: the same timeout, so the same error, whichever noticed first.
                Some(ErrorKind::StatementTimeout)
                    if deadline.is_some_and(|(at, _)| Instant::now() >= at) =>
                {
                    Attempt::Done(Err(timed_out(options).into()))
                }
                _ => Attempt::Done(Err(error)),
            }
        }
    }
}

/// The error of an attempt that ran past its timeout.
fn timed_out(options: &TransactionOptions) -> Error {
    Error::new(
        ErrorKind::TransactionTimeout,
        format!(
            "the transaction ran past its timeout ({:?}) and was rolled back",
            options.timeout.unwrap_or_default()
        ),
    )
}

/// A covet error that ended an attempt: transient ones (a deadlock at commit, SQLite busy at
/// `BEGIN IMMEDIATE`) may be retried; `CommitOutcomeUnknown` is not transient, so an attempt
/// whose commit may have happened never is.
fn settled<T, E: From<Error>>(error: Error) -> Attempt<T, E> {
    match error.kind() {
        cause if cause.is_transient() => Attempt::Transient {
            cause,
            error: error.into(),
        },
        _ => Attempt::Done(Err(error.into())),
    }
}
