//! The executor: the one place where covet hands a statement to a driver.
//!
//! Every statement covet runs, whatever built it (queries, writes, `BEGIN`, savepoints, DDL), is
//! a [`Statement`] sent by [`Conn::send`] or [`Conn::send_fetch`]: binding, the bind-parameter
//! limit, error classification, timing and the [`Event::Statement`] for observers happen there
//! and nowhere else. The functions above them decide only *where* a statement runs: a connection
//! acquired for it alone, or the session's or transaction's own (where failures are recorded
//! against the transaction, see [`Conn::execute`]).

use std::borrow::Cow;
use std::time::Instant;

use futures_core::stream::BoxStream;
use futures_util::StreamExt;
use sea_query::{QueryStatementWriter, Values};
use sqlx::AssertSqlSafe;

use super::conn::{Conn, RawConn};
use super::stream::{Yielder, generate};
use super::{Target, Via, bind};
use crate::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::observe::{Event, Observers};
use crate::row::FromRow;
use crate::transaction::state::InFlight;

/// A statement ready to run: parameterized SQL for one dialect and its values.
pub(crate) struct Statement {
    pub(crate) sql: Cow<'static, str>,
    pub(crate) values: Values,
    /// The model's table (empty for raw and schema statements), named in errors.
    pub(crate) table: &'static str,
}

impl Statement {
    /// Renders a sea-query statement for `backend`, refusing one with more bind parameters than
    /// the dialect accepts rather than sending a statement the server would reject.
    pub(crate) fn build<S: QueryStatementWriter>(
        backend: Backend,
        statement: &S,
        table: &'static str,
    ) -> Result<Self> {
        let (sql, values) = backend.build_query(statement);
        Self::checked(backend, sql.into(), values, table)
    }

    pub(crate) fn checked(
        backend: Backend,
        sql: Cow<'static, str>,
        values: Values,
        table: &'static str,
    ) -> Result<Self> {
        let count = values.0.len();
        let limit = backend.max_bind_parameters();
        if count > limit {
            return Err(Error::new(
                ErrorKind::TooManyParameters,
                format!(
                    "this statement needs {count} bind parameters but {backend} accepts at most \
                     {limit}; split the IN list or the batch into smaller ones"
                ),
            ));
        }
        Ok(Self { sql, values, table })
    }
}

/// The outcome of a statement that returns no rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Executed {
    pub(crate) rows_affected: u64,
    /// The key MySQL or SQLite generated for an inserted row.
    pub(crate) last_insert_id: Option<u64>,
}

/// Runs `$body` with `$conn` bound to the sqlx connection inside `$raw` and `$args` to `$values`
/// bound for its dialect (a `Result`): the one place that dispatches on the backend.
macro_rules! on_conn {
    ($raw:expr, $values:expr, |$conn:ident, $args:ident| $body:expr) => {
        match $raw {
            #[cfg(feature = "postgres")]
            RawConn::Postgres($conn) => {
                let $args = bind::postgres($values);
                let $conn = &mut **$conn;
                $body
            }
            #[cfg(feature = "mysql")]
            RawConn::MySql($conn) => {
                let $args = bind::mysql($values);
                let $conn = &mut **$conn;
                $body
            }
            #[cfg(feature = "sqlite")]
            RawConn::Sqlite($conn) => {
                let $args = bind::sqlite($values);
                let $conn = &mut **$conn;
                $body
            }
        }
    };
}

/// A driver's result of a statement that returns no rows.
trait Outcome {
    fn executed(&self) -> Executed;
}

#[cfg(feature = "postgres")]
impl Outcome for sqlx::postgres::PgQueryResult {
    fn executed(&self) -> Executed {
        Executed {
            rows_affected: self.rows_affected(),
            last_insert_id: None,
        }
    }
}

#[cfg(feature = "mysql")]
impl Outcome for sqlx::mysql::MySqlQueryResult {
    fn executed(&self) -> Executed {
        Executed {
            rows_affected: self.rows_affected(),
            last_insert_id: Some(self.last_insert_id()),
        }
    }
}

#[cfg(feature = "sqlite")]
impl Outcome for sqlx::sqlite::SqliteQueryResult {
    fn executed(&self) -> Executed {
        Executed {
            rows_affected: self.rows_affected(),
            last_insert_id: u64::try_from(self.last_insert_rowid()).ok(),
        }
    }
}

/// Times one statement and reports it to the observers when it ends, however it ends: a
/// stream dropped halfway still produces its event.
struct Timer<'a> {
    observers: &'a Observers,
    /// The text, kept only when someone observes (so an unobserved statement copies nothing).
    sql: Option<Cow<'static, str>>,
    table: &'static str,
    in_transaction: bool,
    started: Instant,
    error: Option<ErrorKind>,
}

impl<'a> Timer<'a> {
    /// Starts timing; returns the text to hand to the driver.
    fn start(
        observers: &'a Observers,
        sql: Cow<'static, str>,
        table: &'static str,
        in_transaction: bool,
    ) -> (Self, AssertSqlSafe<Cow<'static, str>>) {
        let (kept, sent) = if observers.is_empty() {
            (None, sql)
        } else {
            (Some(sql.clone()), sql)
        };
        let timer = Self {
            observers,
            sql: kept,
            table,
            in_transaction,
            started: Instant::now(),
            error: None,
        };
        (timer, AssertSqlSafe(sent))
    }

    fn failed(&mut self, error: &Error) {
        self.error = Some(error.kind());
    }
}

impl Drop for Timer<'_> {
    fn drop(&mut self) {
        if let Some(sql) = &self.sql {
            self.observers.emit(&Event::Statement {
                sql,
                table: self.table,
                duration: self.started.elapsed(),
                error: self.error,
                in_transaction: self.in_transaction,
            });
        }
    }
}

impl Conn {
    /// Sends a statement that returns no rows, with no regard to transactions: the primitive
    /// under [`execute`](Self::execute) and under the transaction control statements.
    pub(crate) async fn send(&mut self, statement: Statement) -> Result<Executed> {
        let Statement { sql, values, table } = statement;
        let (raw, db, tx) = self.parts();
        let (mut timer, sql) = Timer::start(db.observers(), sql, table, tx.open > 0);
        let result = on_conn!(raw, values, |conn, args| match args {
            Ok(args) => sqlx::query_with(sql, args)
                .execute(conn)
                .await
                .map(|done| done.executed())
                .map_err(in_table(table)),
            Err(error) => Err(error),
        });
        if let Err(error) = &result {
            timer.failed(error);
        }
        result
    }

    /// Runs a statement as part of the connection's unit of work: first rolls back levels
    /// whose handles were dropped and checks the transaction's deadline, then records a
    /// failure the server reported against the transaction, which can then no longer commit.
    ///
    /// The statement is marked in flight until its answer is read: a future dropped in between
    /// leaves the mark, and the transaction's level counts as failed (see
    /// [`catch_up`](Self::catch_up)).
    pub(crate) async fn execute(&mut self, statement: Statement) -> Result<Executed> {
        self.before_statement().await?;
        self.tx.in_flight = InFlight::Statement(self.tx.live);
        let result = self.send(statement).await;
        self.tx.in_flight = InFlight::Idle;
        if let Err(error) = &result {
            self.tx.record_failure(error.kind());
        }
        result
    }

    /// [`execute`](Self::execute) for a query: hands its rows to `sink` as they arrive, until
    /// the sink has had enough.
    ///
    /// Whenever the sink holds a row (a stream's consumer may stop reading there and drop the
    /// stream, `take(5)` say), the statement is marked [`InFlight::Unread`]: a stream abandoned
    /// early, which is no failure. Dropped anywhere else after it was sent, the statement was
    /// cancelled. A server error is recorded before the sink sees it, for the same reason.
    async fn query<T: FromRow, S: Sink<T>>(&mut self, statement: Statement, sink: &mut S) {
        if let Err(error) = self.before_statement().await {
            sink.accept(Err(error)).await;
            return;
        }
        let Statement { sql, values, table } = statement;
        let level = self.tx.live;
        let (raw, db, tx) = self.parts();
        let (mut timer, sql) = Timer::start(db.observers(), sql, table, tx.open > 0);
        on_conn!(raw, values, |conn, args| {
            match args {
                Err(error) => {
                    // Not sent: nothing happened on the server.
                    timer.failed(&error);
                    sink.accept(Err(error)).await;
                }
                Ok(args) => {
                    tx.in_flight = InFlight::Statement(level);
                    let mut rows = sqlx::query_with(sql, args).fetch(conn);
                    loop {
                        let row = match rows.next().await {
                            None => {
                                tx.in_flight = InFlight::Idle;
                                break;
                            }
                            Some(Ok(row)) => T::from_row(&row),
                            Some(Err(error)) => {
                                // The statement is over, and failed: recorded now, since the
                                // consumer may drop the stream as soon as it sees the error.
                                let error = Error::from(error).in_table(table);
                                tx.in_flight = InFlight::Idle;
                                tx.record_failure(error.kind());
                                timer.failed(&error);
                                sink.accept(Err(error)).await;
                                break;
                            }
                        };
                        tx.in_flight = InFlight::Unread(level);
                        if let Err(error) = &row {
                            // A row that does not decode: the rest is left unread.
                            timer.failed(error);
                        }
                        if !sink.accept(row).await {
                            break;
                        }
                        tx.in_flight = InFlight::Statement(level);
                    }
                }
            }
        });
    }
}

/// Where a query's rows go.
trait Sink<T>: Send {
    /// Takes one row (or the error that ends the query); false stops the query.
    fn accept(&mut self, row: Result<T>) -> impl Future<Output = bool> + Send;
}

/// Rows for a stream's consumer.
impl<T: Send> Sink<T> for Yielder<Result<T>> {
    async fn accept(&mut self, row: Result<T>) -> bool {
        let more = row.is_ok();
        self.send(row).await;
        more
    }
}

/// Every row, or the first error.
struct Collect<T> {
    rows: Vec<T>,
    error: Option<Error>,
}

impl<T: Send> Sink<T> for Collect<T> {
    async fn accept(&mut self, row: Result<T>) -> bool {
        match row {
            Ok(row) => {
                self.rows.push(row);
                true
            }
            Err(error) => {
                self.error = Some(error);
                false
            }
        }
    }
}

/// The first row, reading the statement to its end: no connection goes back to the pool with a
/// half-read statement (on SQLite in WAL mode that would pin an old snapshot, and later reads on
/// that connection would miss newer writes).
struct First<T> {
    first: Option<T>,
    error: Option<Error>,
}

impl<T: Send> Sink<T> for First<T> {
    async fn accept(&mut self, row: Result<T>) -> bool {
        match row {
            Ok(row) => {
                self.first.get_or_insert(row);
                true
            }
            Err(error) => {
                self.error = Some(error);
                false
            }
        }
    }
}

/// Runs a query on `target` into `sink`, acquiring a connection for it alone from a pool.
async fn query_into<T: FromRow, S: Sink<T>>(
    target: Target<'_>,
    statement: Statement,
    sink: &mut S,
) {
    match target.via {
        Via::Pool(db) => match db.acquire_internal().await {
            Ok(mut conn) => conn.query(statement, sink).await,
            Err(error) => {
                sink.accept(Err(error)).await;
            }
        },
        Via::Conn(conn) => conn.query(statement, sink).await,
    }
}

/// Runs a statement that returns no rows.
pub(crate) async fn execute(target: Target<'_>, statement: Statement) -> Result<Executed> {
    match target.via {
        Via::Pool(db) => db.acquire_internal().await?.execute(statement).await,
        Via::Conn(conn) => conn.execute(statement).await,
    }
}

/// Runs a query and decodes its rows as they arrive; nothing is buffered beyond the driver's
/// own read buffer.
///
/// A stream on the pool holds its connection for as long as its reader keeps it, so unlike a
/// one-statement acquire, that connection is watched for leaks, under the caller's location.
#[track_caller]
pub(crate) fn fetch<'c, T: FromRow>(
    target: Target<'c>,
    statement: Statement,
) -> BoxStream<'c, Result<T>> {
    let location = std::panic::Location::caller();
    generate(move |mut rows| async move {
        match target.via {
            Via::Pool(db) => match db.acquire_at(location).await {
                Ok(mut conn) => conn.query(statement, &mut rows).await,
                Err(error) => {
                    rows.accept(Err(error)).await;
                }
            },
            Via::Conn(conn) => conn.query(statement, &mut rows).await,
        }
    })
}

/// The first row, if any, reading the statement to its end.
pub(crate) async fn fetch_optional<T: FromRow>(
    target: Target<'_>,
    statement: Statement,
) -> Result<Option<T>> {
    let mut first = First {
        first: None,
        error: None,
    };
    query_into(target, statement, &mut first).await;
    match first.error {
        Some(error) => Err(error),
        None => Ok(first.first),
    }
}

/// Every row.
pub(crate) async fn fetch_all<T: FromRow>(
    target: Target<'_>,
    statement: Statement,
) -> Result<Vec<T>> {
    let mut all = Collect {
        rows: Vec::new(),
        error: None,
    };
    query_into(target, statement, &mut all).await;
    match all.error {
        Some(error) => Err(error),
        None => Ok(all.rows),
    }
}

/// Classifies a driver error, naming the statement's table when the server did not.
fn in_table(table: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |error| Error::from(error).in_table(table)
}
