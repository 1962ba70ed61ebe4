//! The one escape hatch for SQL that the query builder cannot express.

use std::borrow::Cow;

use crate::db::Executor;
use crate::db::exec::{self, Statement};
use crate::error::{Error, ErrorKind, Result};
use crate::row::FromRow;
use crate::value::SqlValue;

/// A statement written by hand, with bound arguments: the only way to run SQL text with covet.
///
/// The text must be a `&'static str` (a literal, in practice), so it cannot be assembled from
/// run-time strings; every value goes in through [`bind`](Self::bind) as a parameter. Write the
/// placeholders in the dialect's own syntax: `$1, $2` on PostgreSQL, `?` on MySQL and SQLite.
///
/// Transaction control (`BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`, `RELEASE`,
/// `START TRANSACTION`) is refused with [`ErrorKind::Configuration`] before anything is sent:
/// covet tracks transactions itself, so that no connection goes back to the pool inside one.
/// Use [`Database::begin`](crate::Database::begin) or
/// [`Database::transaction`](crate::Database::transaction).
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Counter {
///     #[covet(primary_key)]
///     id: i64,
///     hits: i64,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Counter::TABLE]).await?;
/// Counter { id: 0, hits: 0 }.insert(&db).await?;
///
/// let changed = covet::unchecked_sql("UPDATE counter SET hits = hits + ? WHERE id = ?")
///     .bind(5_i64)
///     .bind(1_i64)
///     .execute(&db)
///     .await?;
/// assert_eq!(changed, 1);
/// let rows: Vec<Counter> = covet::unchecked_sql("SELECT id, hits FROM counter WHERE hits > ?")
///     .bind(1_i64)
///     .fetch_all(&db)
///     .await?;
/// assert_eq!(rows[0].hits, 5);
/// # Ok(()) }
/// ```
#[must_use = "a statement does nothing until it is run"]
pub struct UncheckedSql {
    sql: Cow<'static, str>,
    values: Vec<sea_query::Value>,
    error: Option<Error>,
}

/// Starts a hand-written statement; see [`UncheckedSql`].
///
/// `sql` is a `&'static str`, or SQL read at run time from a source you vouch for (a migration
/// file under review in your repository) wrapped in [`AssertSqlSafe`]. Bind each placeholder with [`bind`](UncheckedSql::bind), then run the statement with
/// [`execute`](UncheckedSql::execute), [`fetch_all`](UncheckedSql::fetch_all) or
/// [`fetch_optional`](UncheckedSql::fetch_optional). [`UncheckedSql`]'s example reads rows back
/// into a model.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// let db = covet::Database::connect("sqlite::memory:").await?;
/// covet::unchecked_sql("CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
///     .execute(&db)
///     .await?;
/// let inserted = covet::unchecked_sql("INSERT INTO kv (k, v) VALUES (?, ?), (?, ?)")
///     .bind(1_i64)
///     .bind(String::from("one"))
///     .bind(2_i64)
///     .bind(String::from("two"))
///     .execute(&db)
///     .await?;
/// assert_eq!(inserted, 2);
/// # Ok(()) }
/// ```
pub fn unchecked_sql(sql: impl SqlText) -> UncheckedSql {
    UncheckedSql {
        sql: sql.into_text(),
        values: Vec::new(),
        error: None,
    }
}

/// Whether `sql` begins, ends or marks a transaction (`BEGIN`, `COMMIT`, `ROLLBACK`,
/// `SAVEPOINT`, `RELEASE`, `START TRANSACTION`, and PostgreSQL's `END` and `ABORT`), after any
/// leading comments: statements covet runs itself, never through [`unchecked_sql`]. MariaDB's
/// `BEGIN NOT ATOMIC` block is not transaction control.
#[doc(hidden)]
pub fn controls_transaction(sql: &str) -> bool {
    let mut rest = sql.trim_start();
    loop {
        if let Some(comment) = rest.strip_prefix("--") {
            rest = comment.split_once('\n').map_or("", |(_, next)| next);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            rest = comment.split_once("*/").map_or("", |(_, next)| next);
        } else {
            break;
        }
        rest = rest.trim_start();
    }
    let mut words = rest
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|word| !word.is_empty());
    let first = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    // Compared without allocating: this runs for every hand-written statement.
    let is = |word: &str| first.eq_ignore_ascii_case(word);
    if is("begin") {
        !second.eq_ignore_ascii_case("not")
    } else if is("start") {
        second.eq_ignore_ascii_case("transaction")
    } else {
        ["commit", "rollback", "end", "savepoint", "release", "abort"]
            .into_iter()
            .any(is)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// The SQL text [`unchecked_sql`] accepts: a `&'static str`, or an [`AssertSqlSafe`].
///
/// Sealed: a `String` built at run time is refused at compile time unless it is wrapped in
/// [`AssertSqlSafe`], so that assembling SQL from values cannot happen by accident.
///
/// # Examples
///
/// See the examples on [`unchecked_sql`] (a literal) and [`AssertSqlSafe`] (text read at run
/// time).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not SQL text covet accepts",
    label = "expected a `&'static str` literal",
    note = "write the SQL as a literal and pass values with `.bind(..)`; text assembled at run time is how SQL injection happens",
    note = "for SQL read from a file you vouch for (a migration), wrap it: `covet::AssertSqlSafe(text)`"
)]
pub trait SqlText: sealed::Sealed {
    /// The text.
    #[doc(hidden)]
    fn into_text(self) -> Cow<'static, str>;
}

impl sealed::Sealed for &'static str {}

impl SqlText for &'static str {
    fn into_text(self) -> Cow<'static, str> {
        Cow::Borrowed(self)
    }
}

/// SQL text built or read at run time, which the caller asserts is safe to run as it is.
///
/// The same idea as sqlx's `AssertSqlSafe`: the wrapper is the visible, greppable place where
/// text that is not a literal becomes SQL. Use it for SQL you trust as you trust your code, such
/// as a migration file from your repository; never for text that holds a user's input (bind
/// that with [`UncheckedSql::bind`]).
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::AssertSqlSafe;
///
/// let db = covet::Database::connect("sqlite::memory:").await?;
/// // As a migration runner reads it from `up.sql`.
/// let script = String::from("CREATE TABLE tag (id INTEGER PRIMARY KEY, label TEXT NOT NULL)");
/// covet::unchecked_sql(AssertSqlSafe(script)).execute(&db).await?;
/// let added = covet::unchecked_sql("INSERT INTO tag (label) VALUES (?)")
///     .bind("rust")
///     .execute(&db)
///     .await?;
/// assert_eq!(added, 1);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertSqlSafe<T>(pub T);

impl sealed::Sealed for AssertSqlSafe<String> {}

impl SqlText for AssertSqlSafe<String> {
    fn into_text(self) -> Cow<'static, str> {
        Cow::Owned(self.0)
    }
}

/// A value [`UncheckedSql::bind`] accepts: any [`SqlValue`], and `&str` (bound as text).
///
/// # Examples
///
/// See the example on [`UncheckedSql::bind`], which binds a `&str`, an `i64`, a `String` and
/// a `None`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound to a SQL parameter",
    note = "bind a column type (a `covet::SqlValue`) or a `&str`"
)]
pub trait BindValue {
    /// The bindable value.
    #[doc(hidden)]
    fn into_bound(self) -> Result<sea_query::Value>;
}

impl<T: SqlValue> BindValue for T {
    fn into_bound(self) -> Result<sea_query::Value> {
        self.into_sql()
    }
}

impl BindValue for &str {
    fn into_bound(self) -> Result<sea_query::Value> {
        Ok(sea_query::Value::String(Some(self.to_owned())))
    }
}

impl UncheckedSql {
    /// Binds the next placeholder to `value`: any [`SqlValue`], or a `&str`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// covet::unchecked_sql("CREATE TABLE city (name TEXT NOT NULL, population INTEGER)")
    ///     .execute(&db)
    ///     .await?;
    /// let added = covet::unchecked_sql("INSERT INTO city VALUES (?, ?), (?, ?)")
    ///     .bind("Oslo") // a `&str`
    ///     .bind(709_037_i64) // any `SqlValue`...
    ///     .bind(String::from("Atlantis"))
    ///     .bind(None::<i64>) // ...`None` included: bound as NULL
    ///     .execute(&db)
    ///     .await?;
    /// assert_eq!(added, 2);
    /// # Ok(()) }
    /// ```
    pub fn bind(mut self, value: impl BindValue) -> Self {
        match value.into_bound() {
            Ok(value) => self.values.push(value),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    fn statement(self, backend: crate::Backend) -> Result<Statement> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if controls_transaction(&self.sql) {
            // covet must know whether a connection is inside a transaction: one begun behind
            // its back would go back to the pool still open, and the next user's work would
            // join it.
            return Err(Error::new(
                ErrorKind::Configuration,
                "`unchecked_sql` does not run transaction control (BEGIN, COMMIT, ROLLBACK, \
                 SAVEPOINT, RELEASE, START TRANSACTION): covet tracks transactions itself so \
                 that no connection goes back to the pool inside one; use `db.begin()` or \
                 `db.transaction(..)`, and a nested transaction for a savepoint",
            ));
        }
        Statement::checked(backend, self.sql, sea_query::Values(self.values), "")
    }

    /// Runs the statement; returns the number of rows affected.
    ///
    /// # Errors
    ///
    /// Any database error, classified.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// covet::unchecked_sql("CREATE TABLE hit (page TEXT NOT NULL)").execute(&db).await?;
    /// for page in ["/", "/", "/about"] {
    ///     let insert = covet::unchecked_sql("INSERT INTO hit (page) VALUES (?)");
    ///     insert.bind(page).execute(&db).await?;
    /// }
    /// let removed = covet::unchecked_sql("DELETE FROM hit WHERE page = ?")
    ///     .bind("/")
    ///     .execute(&db)
    ///     .await?;
    /// assert_eq!(removed, 2);
    /// # Ok(()) }
    /// ```
    pub async fn execute<'c, E: Executor<'c>>(self, executor: E) -> Result<u64> {
        let target = executor.target();
        let statement = self.statement(target.backend())?;
        Ok(exec::execute(target, statement).await?.rows_affected)
    }

    /// Runs the query and decodes every row as `T` (a model: select its columns in field order).
    ///
    /// # Errors
    ///
    /// Any database error, classified; [`ErrorKind::Decode`](crate::ErrorKind::Decode) when a
    /// row does not fit `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Player {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     name: String,
    ///     score: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Player::TABLE]).await?;
    /// for (name, score) in [("Ada", 30), ("Bob", 10), ("Cy", 20)] {
    ///     Player { id: 0, name: name.into(), score }.insert(&db).await?;
    /// }
    /// // The columns in the model's field order: id, name, score.
    /// let top: Vec<Player> = covet::unchecked_sql(
    ///     "SELECT id, name, score FROM player WHERE score >= ? ORDER BY score DESC",
    /// )
    /// .bind(20)
    /// .fetch_all(&db)
    /// .await?;
    /// let names: Vec<&str> = top.iter().map(|p| p.name.as_str()).collect();
    /// assert_eq!(names, ["Ada", "Cy"]);
    /// # Ok(()) }
    /// ```
    pub async fn fetch_all<'c, T: FromRow, E: Executor<'c>>(self, executor: E) -> Result<Vec<T>> {
        let target = executor.target();
        let statement = self.statement(target.backend())?;
        exec::fetch_all(target, statement).await
    }

    /// Runs the query and decodes the first row, if any.
    ///
    /// # Errors
    ///
    /// As [`fetch_all`](Self::fetch_all).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Player {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     name: String,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Player::TABLE]).await?;
    /// Player { id: 0, name: "Ada".into() }.insert(&db).await?;
    /// let find = |name: &'static str| {
    ///     covet::unchecked_sql("SELECT id, name FROM player WHERE name = ?").bind(name)
    /// };
    /// let ada: Option<Player> = find("Ada").fetch_optional(&db).await?;
    /// assert_eq!(ada.map(|p| p.id), Some(1));
    /// let nobody: Option<Player> = find("Zed").fetch_optional(&db).await?;
    /// assert!(nobody.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn fetch_optional<'c, T: FromRow, E: Executor<'c>>(
        self,
        executor: E,
    ) -> Result<Option<T>> {
        let target = executor.target();
        let statement = self.statement(target.backend())?;
        exec::fetch_optional(target, statement).await
    }
}

#[cfg(test)]
mod tests {
    use super::controls_transaction;

    #[test]
    fn transaction_control_is_recognised_after_comments_and_in_any_case() {
        for sql in [
            "BEGIN",
            "  begin;",
            "BEGIN IMMEDIATE",
            "commit",
            "ROLLBACK TO SAVEPOINT covet_sp_2",
            "-- a comment\nSAVEPOINT s",
            "/* a comment */ release savepoint s",
            "START TRANSACTION READ ONLY",
            "end",
            "ABORT",
        ] {
            assert!(controls_transaction(sql), "{sql}");
        }
        for sql in [
            "SELECT 1",
            "BEGIN NOT ATOMIC SELECT 1; END",
            "START SLAVE",
            "-- BEGIN\nSELECT 1",
            "/* COMMIT */ SELECT 1",
            "INSERT INTO t (begin) VALUES (1)",
            "",
        ] {
            assert!(!controls_transaction(sql), "{sql}");
        }
    }
}
