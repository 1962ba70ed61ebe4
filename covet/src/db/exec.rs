//! The executor: the one place where covet hands a statement to a driver.
//!
//! Every statement covet runs, whatever built it, is a [`Statement`] that passes through
//! [`execute`] or [`fetch`]. Binding, the bind-parameter limit and error classification happen
//! here, and the instrumentation that later issues add (timing, query events, per-model hooks)
//! hangs off these two functions and nowhere else.

use std::borrow::Cow;

use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt, stream};
use sea_query::{QueryStatementWriter, Values};
use sqlx::AssertSqlSafe;

use super::{Pool, Target, bind};
use crate::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::row::FromRow;

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

/// Runs `$body` with `$pool` bound to the sqlx pool behind `$target` and `$args` to `$values`
/// bound for that pool's dialect (a `Result`): the one place that dispatches on the backend.
macro_rules! on_pool {
    ($target:expr, $values:expr, |$pool:ident, $args:ident| $body:expr) => {
        match $target {
            Target::Pool(db) => match db.pool() {
                #[cfg(feature = "postgres")]
                Pool::Postgres($pool) => {
                    let $args = bind::postgres($values);
                    $body
                }
                #[cfg(feature = "mysql")]
                Pool::MySql($pool) => {
                    let $args = bind::mysql($values);
                    $body
                }
                #[cfg(feature = "sqlite")]
                Pool::Sqlite($pool) => {
                    let $args = bind::sqlite($values);
                    $body
                }
            },
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

/// Runs a statement that returns no rows.
pub(crate) async fn execute(target: Target<'_>, statement: Statement) -> Result<Executed> {
    let Statement { sql, values, table } = statement;
    let sql = AssertSqlSafe(sql);
    on_pool!(target, values, |pool, args| {
        let done = sqlx::query_with(sql, args?)
            .execute(pool)
            .await
            .map_err(in_table(table))?;
        Ok(done.executed())
    })
}

/// Runs a query and decodes its rows as they arrive; nothing is buffered beyond the driver's
/// own read buffer.
pub(crate) fn fetch<'c, T: FromRow>(
    target: Target<'c>,
    statement: Statement,
) -> BoxStream<'c, Result<T>> {
    let Statement { sql, values, table } = statement;
    let sql = AssertSqlSafe(sql);
    on_pool!(target, values, |pool, args| match args {
        Ok(args) => sqlx::query_with(sql, args)
            .fetch(pool)
            .map(move |row| T::from_row(&row.map_err(in_table(table))?))
            .boxed(),
        Err(error) => failed(error),
    })
}

/// Classifies a driver error, naming the statement's table when the server did not.
fn in_table(table: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |error| Error::from(error).in_table(table)
}

fn failed<'c, T: Send + 'c>(error: Error) -> BoxStream<'c, Result<T>> {
    stream::once(async move { Err(error) }).boxed()
}

/// The first row, if any. The driver's own `fetch_optional` reads the statement to its end, so
/// no connection goes back to the pool with a half-read statement (on SQLite in WAL mode that
/// would pin an old snapshot, and later reads on that connection would miss newer writes).
pub(crate) async fn fetch_optional<T: FromRow>(
    target: Target<'_>,
    statement: Statement,
) -> Result<Option<T>> {
    let Statement { sql, values, table } = statement;
    let sql = AssertSqlSafe(sql);
    on_pool!(target, values, |pool, args| {
        sqlx::query_with(sql, args?)
            .fetch_optional(pool)
            .await
            .map_err(in_table(table))?
            .map(|row| T::from_row(&row))
            .transpose()
    })
}

/// Every row.
pub(crate) async fn fetch_all<T: FromRow>(
    target: Target<'_>,
    statement: Statement,
) -> Result<Vec<T>> {
    fetch(target, statement).try_collect().await
}
