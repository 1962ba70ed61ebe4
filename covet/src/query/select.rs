//! `SELECT`: the typed query builder.

use std::marker::PhantomData;

use futures_core::Stream;
use futures_util::StreamExt;
use sea_query::{Asterisk, Expr, ExprTrait, Query, SelectStatement};

use super::filter::{IntoFilter, IntoOrder};
use crate::Backend;
use crate::db::Executor;
use crate::db::exec::{self, Statement};
use crate::error::{Error, ErrorKind, Result};
use crate::model::Model;
use crate::row::{Count, Present};

/// A query for rows of model `M`, from [`Model::query`].
///
/// Filters added with [`filter`](Self::filter) are joined with `AND`; orderings apply in the
/// order given. Nothing runs until one of [`all`](Self::all), [`first`](Self::first),
/// [`one`](Self::one), [`stream`](Self::stream), [`count`](Self::count) or
/// [`exists`](Self::exists) is awaited.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Book {
///     #[covet(primary_key)]
///     id: i64,
///     title: String,
///     year: i32,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Book::TABLE]).await?;
/// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
/// }
///
/// let eighties = Book::query()
///     .filter(Book::year.between(1980, 1989))
///     .order_by(Book::year.desc())
///     .all(&db)
///     .await?;
/// let titles: Vec<_> = eighties.iter().map(|b| b.title.as_str()).collect();
/// assert_eq!(titles, ["Hyperion", "Neuromancer"]);
/// assert_eq!(Book::query().count(&db).await?, 3);
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until it is run"]
pub struct Select<M> {
    statement: SelectStatement,
    error: Option<Error>,
    limit: Option<u64>,
    offset: Option<u64>,
    model: PhantomData<fn() -> M>,
}

impl<M: Model> Default for Select<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> Select<M> {
    /// A query for every row of `M`; the same as [`Model::query`].
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::prelude::*;
    /// use covet::query::Select;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    /// }
    ///
    /// let query: Select<Book> = Select::new();
    /// assert_eq!(query.to_sql(Backend::Sqlite)?, Book::query().to_sql(Backend::Sqlite)?);
    /// assert_eq!(query.to_sql(Backend::Sqlite)?, r#"SELECT "id", "title" FROM "book""#);
    /// # Ok::<(), covet::Error>(())
    /// ```
    pub fn new() -> Self {
        let table = M::TABLE;
        let mut statement = Query::select();
        statement
            .columns(table.columns.iter().map(|column| column.name))
            .from(table.name);
        Self {
            statement,
            error: None,
            limit: None,
            offset: None,
            model: PhantomData,
        }
    }

    /// Keeps the rows matching `filter` (combined with earlier filters by `AND`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// let eighties = Book::query()
    ///     .filter(Book::year.ge(1980))
    ///     .filter(Book::title.starts_with("N")) // and this
    ///     .all(&db)
    ///     .await?;
    /// assert_eq!(eighties.len(), 1);
    /// assert_eq!(eighties[0].title, "Neuromancer");
    /// # Ok(()) }
    /// ```
    #[doc(alias = "WHERE")]
    pub fn filter(mut self, filter: impl IntoFilter<M>) -> Self {
        match filter.into_filter().into_expr() {
            Ok(expr) => {
                self.statement.and_where(expr);
            }
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    pub(crate) fn filter_expr(mut self, expr: Expr) -> Self {
        self.statement.and_where(expr);
        self
    }

    /// Orders by a column; call again for each further column.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// Book { id: 0, title: "Count Zero".into(), year: 1986 }.insert(&db).await?;
    /// let books = Book::query()
    ///     .filter(Book::year.gt(1980))
    ///     .order_by(Book::year.desc())
    ///     .order_by(Book::title.asc()) // for books of the same year
    ///     .all(&db)
    ///     .await?;
    /// let titles: Vec<&str> = books.iter().map(|b| b.title.as_str()).collect();
    /// assert_eq!(titles, ["Hyperion", "Count Zero", "Neuromancer"]);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "ORDER BY")]
    pub fn order_by(mut self, order: impl IntoOrder<M>) -> Self {
        let order = order.into_order();
        self.statement.order_by(order.column, order.direction());
        self
    }

    /// Returns at most `limit` rows.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// let newest = Book::query().order_by(Book::year.desc()).limit(2).all(&db).await?;
    /// let titles: Vec<&str> = newest.iter().map(|b| b.title.as_str()).collect();
    /// assert_eq!(titles, ["Hyperion", "Neuromancer"]);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "LIMIT")]
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skips the first `offset` rows.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// // Page 2, one book per page: order first, so that pages do not overlap.
    /// let page = Book::query().order_by(Book::year.asc()).limit(1).offset(1).all(&db).await?;
    /// assert_eq!(page[0].title, "Neuromancer");
    /// # Ok(()) }
    /// ```
    #[doc(alias = "OFFSET")]
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// The parameterized SQL this query sends to `backend` (values are bound, not shown).
    ///
    /// It is the text [`all`](Self::all) and [`stream`](Self::stream) send, rendered by the
    /// same code.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Encode`] when a filter value could not be encoded;
    /// [`ErrorKind::TooManyParameters`] when the query would be refused for carrying more bind
    /// parameters than `backend` accepts.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     year: i32,
    /// }
    ///
    /// let query = Book::query().filter(Book::year.eq(1984)).limit(10);
    /// assert_eq!(
    ///     query.to_sql(Backend::Postgres)?,
    ///     r#"SELECT "id", "year" FROM "book" WHERE "year" = $1 LIMIT $2"#
    /// );
    /// assert_eq!(
    ///     query.to_sql(Backend::MySql)?,
    ///     "SELECT `id`, `year` FROM `book` WHERE `year` = ? LIMIT ?"
    /// );
    /// # Ok::<(), covet::Error>(())
    /// ```
    pub fn to_sql(&self, backend: Backend) -> Result<String> {
        let limit = self.limit;
        let statement = self.duplicate()?.into_statement(backend, limit)?;
        Ok(statement.sql.into_owned())
    }

    /// The SQL [`first`](Self::first) (and so `Model::find` and `Model::get`) sends to
    /// `backend`, for covet's SQL snapshots.
    #[doc(hidden)]
    pub fn first_sql(&self, backend: Backend) -> Result<String> {
        let limit = self.limit_at_most(1);
        let statement = self.duplicate()?.into_statement(backend, limit)?;
        Ok(statement.sql.into_owned())
    }

    /// The SQL [`count`](Self::count) sends to `backend`, for covet's SQL snapshots.
    #[doc(hidden)]
    pub fn count_sql(&self, backend: Backend) -> Result<String> {
        let statement = self.duplicate()?.into_count(backend)?;
        Ok(statement.sql.into_owned())
    }

    /// The SQL [`exists`](Self::exists) sends to `backend`, for covet's SQL snapshots.
    #[doc(hidden)]
    pub fn exists_sql(&self, backend: Backend) -> Result<String> {
        let statement = self.duplicate()?.into_exists(backend)?;
        Ok(statement.sql.into_owned())
    }

    /// A copy to render from, or the error a filter recorded (the renderers borrow the query,
    /// the executing methods consume it).
    fn duplicate(&self) -> Result<Self> {
        if let Some(error) = &self.error {
            return Err(Error::new(error.kind(), error.message().to_owned()));
        }
        Ok(Self {
            statement: self.statement.clone(),
            error: None,
            limit: self.limit,
            offset: self.offset,
            model: PhantomData,
        })
    }

    /// The finished statement (no copy of it is made), or the error a filter recorded.
    fn into_select(self, limit: Option<u64>) -> Result<SelectStatement> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut statement = self.statement;
        apply_limits(&mut statement, limit, self.offset);
        Ok(statement)
    }

    /// The query's own limit, lowered to `most` for the methods that need only that many rows
    /// (`first`, `one`, `exists`): a query limited to fewer rows must still see fewer.
    fn limit_at_most(&self, most: u64) -> Option<u64> {
        Some(self.limit.map_or(most, |limit| Ord::min(limit, most)))
    }

    fn into_statement(self, backend: Backend, limit: Option<u64>) -> Result<Statement> {
        Statement::build(backend, &self.into_select(limit)?, M::TABLE.name)
    }

    /// Every matching row.
    ///
    /// # Errors
    ///
    /// Any database error, classified; [`ErrorKind::Decode`] when a row does not fit `M`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// let books: Vec<Book> = Book::query().order_by(Book::title.asc()).all(&db).await?;
    /// let titles: Vec<&str> = books.iter().map(|b| b.title.as_str()).collect();
    /// assert_eq!(titles, ["Dune", "Hyperion", "Neuromancer"]);
    /// # Ok(()) }
    /// ```
    pub async fn all<'c, E: Executor<'c>>(self, executor: E) -> Result<Vec<M>> {
        let target = executor.target();
        let limit = self.limit;
        let statement = self.into_statement(target.backend(), limit)?;
        exec::fetch_all(target, statement).await
    }

    /// The first matching row, or `None`.
    ///
    /// # Errors
    ///
    /// As [`all`](Self::all).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// let oldest = Book::query().order_by(Book::year.asc()).first(&db).await?;
    /// assert_eq!(oldest.map(|b| b.title), Some("Dune".to_string()));
    /// let future = Book::query().filter(Book::year.gt(2100)).first(&db).await?;
    /// assert!(future.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn first<'c, E: Executor<'c>>(self, executor: E) -> Result<Option<M>> {
        let target = executor.target();
        let limit = self.limit_at_most(1);
        let statement = self.into_statement(target.backend(), limit)?;
        exec::fetch_optional(target, statement).await
    }

    /// Exactly one matching row.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] when no row matches, [`ErrorKind::MultipleRows`] when more than
    /// one does; otherwise as [`all`](Self::all).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// let dune = Book::query().filter(Book::title.eq("Dune")).one(&db).await?;
    /// assert_eq!(dune.year, 1965);
    ///
    /// let none = Book::query().filter(Book::year.gt(2100)).one(&db).await;
    /// assert_eq!(none.err().map(|e| e.kind()), Some(ErrorKind::NotFound));
    /// let many = Book::query().filter(Book::year.gt(1980)).one(&db).await;
    /// assert_eq!(many.err().map(|e| e.kind()), Some(ErrorKind::MultipleRows));
    /// # Ok(()) }
    /// ```
    pub async fn one<'c, E: Executor<'c>>(self, executor: E) -> Result<M> {
        let target = executor.target();
        let limit = self.limit_at_most(2);
        let statement = self.into_statement(target.backend(), limit)?;
        let mut rows: Vec<M> = exec::fetch_all(target, statement).await?;
        match rows.len() {
            0 => Err(Error::not_found(M::TABLE.model)),
            1 => Ok(rows.swap_remove(0)),
            _ => Err(Error::new(
                ErrorKind::MultipleRows,
                format!("expected one {} but the query matched more", M::TABLE.model),
            )),
        }
    }

    /// The matching rows as an asynchronous stream, decoded one at a time as the server sends
    /// them: memory stays flat however many rows match.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    /// use futures_util::TryStreamExt;
    ///
    /// #[covet::model]
    /// struct Reading {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     celsius: f64,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// covet::dev::create_tables(&db, &[Reading::TABLE]).await?;
    /// for celsius in [12.5, 14.0, 9.5] {
    ///     Reading { id: 0, celsius }.insert(&db).await?;
    /// }
    /// let mut total = 0.0;
    /// let mut readings = Reading::query().stream(&db);
    /// while let Some(reading) = readings.try_next().await? {
    ///     total += reading.celsius;
    /// }
    /// assert_eq!(total, 36.0);
    /// # Ok(()) }
    /// ```
    ///
    /// On `&db`, the stream holds a pooled connection from its first poll until it ends or is
    /// dropped, so [leak detection](crate::PoolOptions::leak_threshold) watches it and names
    /// the line that called `stream`.
    #[track_caller]
    pub fn stream<'c, E: Executor<'c>>(
        self,
        executor: E,
    ) -> impl Stream<Item = Result<M>> + Send + Unpin + 'c {
        let target = executor.target();
        let limit = self.limit;
        match self.into_statement(target.backend(), limit) {
            Ok(statement) => exec::fetch(target, statement),
            Err(error) => futures_util::stream::once(async move { Err(error) }).boxed(),
        }
    }

    /// The number of matching rows (respecting `limit` and `offset`).
    ///
    /// # Errors
    ///
    /// As [`all`](Self::all).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// assert_eq!(Book::query().filter(Book::year.lt(1985)).count(&db).await?, 2);
    /// // A limit caps the count too.
    /// assert_eq!(Book::query().limit(1).count(&db).await?, 1);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "COUNT")]
    pub async fn count<'c, E: Executor<'c>>(self, executor: E) -> Result<u64> {
        let target = executor.target();
        let statement = self.into_count(target.backend())?;
        let Count(n) = exec::fetch_optional(target, statement)
            .await?
            .ok_or_else(|| Error::new(ErrorKind::Decode, "COUNT returned no row"))?;
        u64::try_from(n).map_err(Error::decode)
    }

    /// Whether any row matches.
    ///
    /// # Errors
    ///
    /// As [`all`](Self::all).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     year: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Book::TABLE]).await?;
    /// for (title, year) in [("Dune", 1965), ("Neuromancer", 1984), ("Hyperion", 1989)] {
    ///     Book { id: 0, title: title.into(), year }.insert(&db).await?;
    /// }
    /// assert!(Book::query().filter(Book::title.eq("Dune")).exists(&db).await?);
    /// assert!(!Book::query().filter(Book::year.lt(1900)).exists(&db).await?);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "EXISTS")]
    pub async fn exists<'c, E: Executor<'c>>(self, executor: E) -> Result<bool> {
        let target = executor.target();
        let statement = self.into_exists(target.backend())?;
        let found: Option<Present> = exec::fetch_optional(target, statement).await?;
        Ok(found.is_some())
    }

    /// The statement [`count`](Self::count) sends: `COUNT(*)` in place of the columns, or
    /// around the query as a subquery when a limit or offset applies (they bound the rows
    /// counted, not the one row of the count).
    fn into_count(self, backend: Backend) -> Result<Statement> {
        let windowed = self.limit.is_some() || self.offset.is_some();
        let limit = self.limit;
        let mut inner = self.into_select(limit)?;
        inner.clear_order_by();
        let count = if windowed {
            let mut count = Query::select();
            count
                .expr(Expr::col(Asterisk).count())
                .from_subquery(inner, "counted");
            count
        } else {
            inner.clear_selects().expr(Expr::col(Asterisk).count());
            inner
        };
        Statement::build(backend, &count, M::TABLE.name)
    }

    /// The statement [`exists`](Self::exists) sends: the first column of at most one row.
    fn into_exists(self, backend: Backend) -> Result<Statement> {
        let limit = self.limit_at_most(1);
        let mut probe = self.into_select(limit)?;
        // Select the first column: a constant would be a bind parameter of unknown type.
        probe
            .clear_selects()
            .clear_order_by()
            .column(M::TABLE.columns[0].name);
        Statement::build(backend, &probe, M::TABLE.name)
    }
}

/// Applies limit and offset. MySQL and SQLite accept `OFFSET` only after a `LIMIT`, so an offset
/// alone gets the largest limit each allows.
///
/// Both are bound as signed 64-bit integers, the widest every dialect takes: a larger value
/// (`limit(u64::MAX)` for "no limit") is clamped, since no table holds that many rows.
fn apply_limits(statement: &mut SelectStatement, limit: Option<u64>, offset: Option<u64>) {
    const LARGEST: u64 = i64::MAX.unsigned_abs();
    match (limit, offset) {
        (Some(limit), offset) => {
            statement.limit(Ord::min(limit, LARGEST));
            if let Some(offset) = offset {
                statement.offset(Ord::min(offset, LARGEST));
            }
        }
        (None, Some(offset)) => {
            statement.limit(LARGEST).offset(Ord::min(offset, LARGEST));
        }
        (None, None) => {}
    }
}
