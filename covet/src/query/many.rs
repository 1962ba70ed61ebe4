//! `UPDATE` and `DELETE` of every row matching a filter.

use std::marker::PhantomData;

use sea_query::{Expr, ExprTrait};

use super::filter::IntoFilter;
use crate::Backend;
use crate::column::Column;
use crate::db::Executor;
use crate::db::exec::{self, Statement};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::value::{AsValue, SqlValue};

/// The filters of a bulk statement, and the guard against touching every row by accident.
struct Scope {
    condition: Option<Expr>,
    all_rows: bool,
    error: Option<Error>,
}

impl Scope {
    fn new() -> Self {
        Self {
            condition: None,
            all_rows: false,
            error: None,
        }
    }

    fn add<M>(&mut self, filter: impl IntoFilter<M>) {
        match filter.into_filter().into_expr() {
            Ok(expr) => {
                self.condition = Some(match self.condition.take() {
                    Some(left) => left.and(expr),
                    None => expr,
                });
            }
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
    }

    /// A copy for the SQL renderers, or the error a filter recorded.
    fn duplicate(&self) -> Result<Self> {
        if let Some(error) = &self.error {
            return Err(Error::new(error.kind(), error.message().to_owned()));
        }
        Ok(Self {
            condition: self.condition.clone(),
            all_rows: self.all_rows,
            error: None,
        })
    }

    /// The `WHERE` condition, or `None` for every row once [`all_rows`] was called.
    fn finish(self, verb: &str, model: &str) -> Result<Option<Expr>> {
        if let Some(error) = self.error {
            return Err(error);
        }
        match (self.condition, self.all_rows) {
            (Some(condition), _) => Ok(Some(condition)),
            (None, true) => Ok(None),
            (None, false) => Err(Error::configuration(format!(
                "refusing to {verb} every {model} row: add a filter, or call .all_rows() to mean it"
            ))),
        }
    }
}

/// An `UPDATE` of the rows of `M` matching its filters, from [`Model::update_many`].
///
/// Without a filter it refuses to run unless [`all_rows`](Self::all_rows) says so.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Task {
///     #[covet(primary_key)]
///     id: i64,
///     done: bool,
///     priority: i32,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Task::TABLE]).await?;
/// for priority in 1..=5 {
///     Task { id: 0, done: false, priority }.insert(&db).await?;
/// }
/// let closed = Task::update_many()
///     .set(Task::done, true)
///     .filter(Task::priority.le(2))
///     .execute(&db)
///     .await?;
/// assert_eq!(closed, 2);
/// # Ok(()) }
/// ```
#[must_use = "an update does nothing until it is executed"]
pub struct UpdateMany<M> {
    statement: sea_query::UpdateStatement,
    assignments: usize,
    scope: Scope,
    model: PhantomData<fn() -> M>,
}

impl<M: Model> UpdateMany<M> {
    pub(crate) fn new() -> Self {
        let mut statement = sea_query::Query::update();
        statement.table(M::TABLE.name);
        Self {
            statement,
            assignments: 0,
            scope: Scope::new(),
            model: PhantomData,
        }
    }

    /// Sets `column` to `value` in every matching row.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Task {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     done: bool,
    ///     priority: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Task::TABLE]).await?;
    /// for priority in 1..=4 {
    ///     Task { id: 0, done: false, priority }.insert(&db).await?;
    /// }
    /// let changed = Task::update_many()
    ///     .set(Task::done, true)
    ///     .set(Task::priority, 0) // several columns in one statement
    ///     .filter(Task::priority.ge(3))
    ///     .execute(&db)
    ///     .await?;
    /// assert_eq!(changed, 2);
    /// assert_eq!(Task::query().filter(Task::done.eq(true)).count(&db).await?, 2);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "SET")]
    pub fn set<T: SqlValue>(mut self, column: Column<M, T>, value: impl AsValue<T>) -> Self {
        match value.into_sql_value() {
            Ok(value) => {
                self.statement.value(column.name(), value);
                self.assignments += 1;
            }
            Err(error) => {
                self.scope.error.get_or_insert(error);
            }
        }
        self
    }

    /// Restricts the update to rows matching `filter` (combined with `AND`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Task {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     done: bool,
    ///     priority: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Task::TABLE]).await?;
    /// for priority in 1..=4 {
    ///     Task { id: 0, done: false, priority }.insert(&db).await?;
    /// }
    /// let changed = Task::update_many()
    ///     .set(Task::done, true)
    ///     .filter(Task::priority.gt(1))
    ///     .filter(Task::priority.lt(4)) // and this
    ///     .execute(&db)
    ///     .await?;
    /// assert_eq!(changed, 2);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "WHERE")]
    pub fn filter(mut self, filter: impl IntoFilter<M>) -> Self {
        self.scope.add(filter);
        self
    }

    /// Allows the update to run without a filter, on every row.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Task {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     done: bool,
    ///     priority: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Task::TABLE]).await?;
    /// for priority in 1..=4 {
    ///     Task { id: 0, done: false, priority }.insert(&db).await?;
    /// }
    /// // Without a filter the update is refused...
    /// let refused = Task::update_many().set(Task::done, true).execute(&db).await;
    /// assert_eq!(refused.err().map(|e| e.kind()), Some(ErrorKind::Configuration));
    /// // ...unless it says it means every row.
    /// let changed = Task::update_many().set(Task::done, true).all_rows().execute(&db).await?;
    /// assert_eq!(changed, 4);
    /// # Ok(()) }
    /// ```
    pub fn all_rows(mut self) -> Self {
        self.scope.all_rows = true;
        self
    }

    /// Runs the update; returns the number of rows it matched.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) with no `set`, or with no
    /// filter and no `all_rows`; otherwise any database error, classified.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Task {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     done: bool,
    ///     priority: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Task::TABLE]).await?;
    /// for priority in 1..=4 {
    ///     Task { id: 0, done: false, priority }.insert(&db).await?;
    /// }
    /// let reopened = Task::update_many()
    ///     .set(Task::done, false)
    ///     .filter(Task::priority.eq(9))
    ///     .execute(&db)
    ///     .await?;
    /// assert_eq!(reopened, 0); // no task has priority 9
    ///
    /// let nothing_set = Task::update_many().filter(Task::priority.eq(1)).execute(&db).await;
    /// assert_eq!(nothing_set.err().map(|e| e.kind()), Some(ErrorKind::Configuration));
    /// # Ok(()) }
    /// ```
    pub async fn execute<'c, E: Executor<'c>>(self, executor: E) -> Result<u64> {
        let target = executor.target();
        let statement = self.into_statement(target.backend())?;
        Ok(exec::execute(target, statement).await?.rows_affected)
    }

    /// The SQL [`execute`](Self::execute) sends to `backend`, for covet's SQL snapshots.
    #[doc(hidden)]
    pub fn to_sql(&self, backend: Backend) -> Result<String> {
        let copy = Self {
            statement: self.statement.clone(),
            assignments: self.assignments,
            scope: self.scope.duplicate()?,
            model: PhantomData,
        };
        Ok(copy.into_statement(backend)?.sql.into_owned())
    }

    fn into_statement(mut self, backend: Backend) -> Result<Statement> {
        let table = M::TABLE;
        if self.assignments == 0 {
            return Err(Error::configuration(format!(
                "nothing to update: call .set(column, value) on the {} update first",
                table.model
            )));
        }
        if let Some(condition) = self.scope.finish("update", table.model)? {
            self.statement.and_where(condition);
        }
        Statement::build(backend, &self.statement, table.name)
    }
}

/// A `DELETE` of the rows of `M` matching its filters, from [`Model::delete_many`].
///
/// Without a filter it refuses to run unless [`all_rows`](Self::all_rows) says so.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Session {
///     #[covet(primary_key)]
///     id: i64,
///     expired: bool,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Session::TABLE]).await?;
/// for expired in [true, true, false] {
///     Session { id: 0, expired }.insert(&db).await?;
/// }
/// let removed = Session::delete_many()
///     .filter(Session::expired.eq(true))
///     .execute(&db)
///     .await?;
/// assert_eq!(removed, 2);
/// assert!(Session::delete_many().execute(&db).await.is_err()); // no filter: refused
/// # Ok(()) }
/// ```
#[must_use = "a delete does nothing until it is executed"]
pub struct DeleteMany<M> {
    scope: Scope,
    model: PhantomData<fn() -> M>,
}

impl<M: Model> DeleteMany<M> {
    pub(crate) fn new() -> Self {
        Self {
            scope: Scope::new(),
            model: PhantomData,
        }
    }

    /// Restricts the delete to rows matching `filter` (combined with `AND`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Log {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     level: String,
    ///     day: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Log::TABLE]).await?;
    /// for (level, day) in [("debug", 1), ("debug", 2), ("error", 1), ("info", 2)] {
    ///     Log { id: 0, level: level.into(), day }.insert(&db).await?;
    /// }
    /// let removed = Log::delete_many()
    ///     .filter(Log::level.eq("debug"))
    ///     .filter(Log::day.lt(2)) // and this
    ///     .execute(&db)
    ///     .await?;
    /// assert_eq!(removed, 1);
    /// assert_eq!(Log::query().count(&db).await?, 3);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "WHERE")]
    pub fn filter(mut self, filter: impl IntoFilter<M>) -> Self {
        self.scope.add(filter);
        self
    }

    /// Allows the delete to run without a filter, on every row.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Log {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     level: String,
    ///     day: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Log::TABLE]).await?;
    /// for (level, day) in [("debug", 1), ("debug", 2), ("error", 1), ("info", 2)] {
    ///     Log { id: 0, level: level.into(), day }.insert(&db).await?;
    /// }
    /// let removed = Log::delete_many().all_rows().execute(&db).await?;
    /// assert_eq!(removed, 4);
    /// assert!(!Log::query().exists(&db).await?);
    /// # Ok(()) }
    /// ```
    pub fn all_rows(mut self) -> Self {
        self.scope.all_rows = true;
        self
    }

    /// Runs the delete; returns the number of rows deleted.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) with no filter and no
    /// `all_rows`; otherwise any database error, classified.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Log {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     level: String,
    ///     day: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Log::TABLE]).await?;
    /// for (level, day) in [("debug", 1), ("debug", 2), ("error", 1), ("info", 2)] {
    ///     Log { id: 0, level: level.into(), day }.insert(&db).await?;
    /// }
    /// let removed = Log::delete_many()
    ///     .filter(Log::level.is_in(["debug", "info"]))
    ///     .execute(&db)
    ///     .await?;
    /// assert_eq!(removed, 3);
    ///
    /// // No filter and no `all_rows()`: refused before anything is sent.
    /// let refused = Log::delete_many().execute(&db).await;
    /// assert_eq!(refused.err().map(|e| e.kind()), Some(ErrorKind::Configuration));
    /// assert_eq!(Log::query().count(&db).await?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn execute<'c, E: Executor<'c>>(self, executor: E) -> Result<u64> {
        let target = executor.target();
        let statement = self.into_statement(target.backend())?;
        Ok(exec::execute(target, statement).await?.rows_affected)
    }

    /// The SQL [`execute`](Self::execute) sends to `backend`, for covet's SQL snapshots.
    #[doc(hidden)]
    pub fn to_sql(&self, backend: Backend) -> Result<String> {
        let copy = Self {
            scope: self.scope.duplicate()?,
            model: PhantomData,
        };
        Ok(copy.into_statement(backend)?.sql.into_owned())
    }

    fn into_statement(self, backend: Backend) -> Result<Statement> {
        let table = M::TABLE;
        let mut delete = sea_query::Query::delete();
        delete.from_table(table.name);
        if let Some(condition) = self.scope.finish("delete", table.model)? {
            delete.and_where(condition);
        }
        Statement::build(backend, &delete, table.name)
    }
}
