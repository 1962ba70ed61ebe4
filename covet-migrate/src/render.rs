//! Rendering one [`Operation`] as the SQL statements of a dialect.
//!
//! Every statement is built with sea-query: identifiers come from the snapshot and are quoted by
//! sea-query, values are written as escaped literals, and column types are covet's own (the
//! exact types `CREATE TABLE` in [`covet::schema::create_table_statements`] declares), so a
//! migrated table and a freshly created one match.
//!
//! SQLite's `ALTER TABLE` can only add and drop columns; every other change needs SQLite's
//! table-rebuild procedure (create the new table, copy the rows, drop the old one, rename), for
//! which [`render`] returns [`RenderError::NeedsTableRebuild`]; [`Plan`](crate::Plan) groups
//! those operations by table and writes one rebuild per table (see `rebuild`).

mod backfill;
mod column;
mod rebuild;
mod rename;
mod sql;
mod statements;

use std::fmt;

use covet::Backend;

use crate::operation::Operation;
use crate::snapshot::Column;

pub(crate) use backfill::fill_nulls;
pub(crate) use column::sql_type;
pub(crate) use rebuild::{ColumnSource, foreign_key_check, rebuild_table};

/// Why an operation cannot be rendered as plain statements.
///
/// # Examples
///
/// ```
/// use covet::Backend;
/// use covet_migrate::{Operation, RenderError, render};
///
/// let op = Operation::AlterColumnNullability {
///     table: "post".into(),
///     column: "title".into(),
///     nullable: true,
/// };
/// assert_eq!(
///     render(&op, Backend::Sqlite),
///     Err(RenderError::NeedsTableRebuild { table: "post".into(), operation: op.to_string() })
/// );
/// assert!(matches!(
///     render(&op, Backend::MySql),
///     Err(RenderError::NeedsColumnDefinition { .. })
/// ));
/// assert_eq!(
///     render(&op, Backend::Postgres)?,
///     [r#"ALTER TABLE "post" ALTER COLUMN "title" DROP NOT NULL"#]
/// );
/// # Ok::<(), RenderError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// SQLite cannot make this change with `ALTER TABLE`: it needs SQLite's table-rebuild
    /// procedure (<https://www.sqlite.org/lang_altertable.html#otheralter>: create the table
    /// under a new name with the new definition, copy the rows, drop the old table, rename the
    /// new one, re-create its indexes, all with foreign keys checked), which
    /// [`Plan::build`](crate::Plan::build) writes for every table that needs it.
    NeedsTableRebuild {
        /// The table to rebuild.
        table: String,
        /// The operation, as [`Operation`]'s `Display` writes it (`"add foreign key ..."`).
        operation: String,
    },
    /// MySQL and MariaDB change a column's type, nullability or auto-increment only by
    /// restating the whole column (`MODIFY COLUMN`), and a `now` default's expression depends on
    /// the column's type (on every dialect); the operation alone does not hold either: use
    /// [`render_with_column`] and give the column's current definition.
    NeedsColumnDefinition {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A backend this version of covet-migrate does not know.
    UnsupportedBackend {
        /// The backend's name.
        backend: String,
    },
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NeedsTableRebuild { table, operation } => write!(
                f,
                "SQLite cannot {operation} with ALTER TABLE: table `{table}` needs a table \
                 rebuild; build the whole migration with `Plan::build`, which writes it"
            ),
            Self::NeedsColumnDefinition { table, column } => write!(
                f,
                "MySQL needs the whole definition of column `{table}.{column}` to alter it; \
                 render it with `render_with_column`, giving the column as it is before the \
                 change"
            ),
            Self::UnsupportedBackend { backend } => write!(
                f,
                "covet-migrate cannot render SQL for {backend}; update covet-migrate"
            ),
        }
    }
}

impl std::error::Error for RenderError {}

/// The statements that perform `op` on `backend`, to run in order.
///
/// # Errors
///
/// - [`RenderError::NeedsTableRebuild`] on SQLite for anything but creating and dropping tables
///   and indexes, renames (of tables, columns, indexes and foreign keys), adding a column `ALTER TABLE ADD COLUMN` accepts (nullable or with a constant
///   default; not auto-increment, not an enum) and dropping a column SQLite 3.35+ can drop (not
///   auto-increment, not an enum: [`diff`](crate::diff()) drops the indexes and keys covering a
///   column before the column).
/// - [`RenderError::NeedsColumnDefinition`] on MySQL for a change of a column's type,
///   nullability or auto-increment, and on any dialect for setting a `now` default: see
///   [`render_with_column`].
///
/// # Examples
///
/// ```
/// use covet::Backend;
/// use covet_migrate::{Column, ColumnType, Operation, render};
///
/// let op = Operation::AddColumn {
///     table: "post".into(),
///     column: Column { nullable: true, ..Column::new("summary", ColumnType::String { max_length: Some(200) }) },
/// };
/// assert_eq!(
///     render(&op, Backend::Postgres)?,
///     [r#"ALTER TABLE "post" ADD COLUMN "summary" varchar(200) NULL"#]
/// );
/// # Ok::<(), covet_migrate::RenderError>(())
/// ```
pub fn render(op: &Operation, backend: Backend) -> Result<Vec<String>, RenderError> {
    statements::render(op, backend, None)
}

/// Like [`render`], given the altered column's definition as it is before `op` (its type,
/// nullability, default and auto-increment), which MySQL's `MODIFY COLUMN` restates. The other
/// dialects and operations ignore it.
///
/// # Errors
///
/// As [`render`], without [`RenderError::NeedsColumnDefinition`].
///
/// # Examples
///
/// ```
/// use covet::Backend;
/// use covet_migrate::{Column, ColumnType, Operation, render_with_column};
///
/// let op = Operation::AlterColumnNullability {
///     table: "post".into(),
///     column: "title".into(),
///     nullable: true,
/// };
/// // `post.title` as it is before the change: `varchar(80) NOT NULL`.
/// let title = Column::new("title", ColumnType::String { max_length: Some(80) });
/// assert_eq!(
///     render_with_column(&op, Backend::MySql, &title)?,
///     ["ALTER TABLE `post` MODIFY COLUMN `title` varchar(80) NULL"]
/// );
/// # Ok::<(), covet_migrate::RenderError>(())
/// ```
pub fn render_with_column(
    op: &Operation,
    backend: Backend,
    column: &Column,
) -> Result<Vec<String>, RenderError> {
    statements::render(op, backend, Some(column))
}

#[cfg(test)]
mod tests;
