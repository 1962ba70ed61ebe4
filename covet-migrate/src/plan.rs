//! The complete SQL of one migration for one dialect: its way up, its way down, what is risky
//! about each, and what the runner must do around the statements.
//!
//! [`render()`](crate::render()) turns one [`Operation`] into statements; a [`Plan`] turns a
//! whole diff into the two scripts of a migration file:
//!
//! - **Down is up reversed.** The reversed operations, in reverse order, rendered against the
//!   schemas the other way round.
//! - **Column definitions come from the schema.** MySQL's `MODIFY COLUMN` restates a whole
//!   column, and a `now` default depends on the column's type: the plan follows each column
//!   through the migration's operations and hands its definition to
//!   [`render_with_column`](crate::render_with_column).
//! - **SQLite rebuilds tables.** Every table with an operation SQLite's `ALTER TABLE` cannot
//!   make is rebuilt once, with SQLite's documented procedure, into the definition the
//!   migration gives it; the table's other operations are part of that rebuild, which takes
//!   the place of the first of them. Renames are not: `ALTER TABLE` renames tables and columns,
//!   before the rebuild on the way up and after it on the way down, so the rebuild copies
//!   columns by name. Tables a migration creates are created with their final definition
//!   (foreign keys that the other dialects add afterwards, to break cycles, included: SQLite
//!   does not check them when a table is created), and the foreign keys of tables it drops go
//!   with them. The script ends with `PRAGMA foreign_key_check` on every rebuilt table and every
//!   table referencing one.
//! - **Backfills.** Adding a `NOT NULL` column without a default fails on a table with rows
//!   ([`risk::ADDS_REQUIRED_COLUMN`]), and making a column `NOT NULL` fails on `NULL`s
//!   ([`risk::ADDS_NOT_NULL`]). Given a one-off [`Backfill`] value for the column, the plan
//!   fills the rows first and the risk goes: on PostgreSQL and MySQL the column is added with
//!   the value as its default, then the default is dropped (so the table ends up exactly as
//!   the model says), and `NULL`s are set to the value with an `UPDATE` before `SET NOT NULL`;
//!   on SQLite the value is written by the table rebuild's copy (which SQLite needs anyway:
//!   it cannot drop a default). Without a value the migration is still planned, with the risk
//!   listed: the table may well be empty. A value is always rendered by sea-query as a literal
//!   of the column's type (see [`Backfill`]), never spliced into the SQL. Backfills are for
//!   the way up: a way down that adds back a dropped `NOT NULL` column lists the risk, and
//!   fails on a table with rows.
//!
//! # Dialect risks
//!
//! Besides each operation's [`risk`] codes, a plan lists what the dialect makes risky:
//!
//! | Code | Constant | When | Why it is risky |
//! |------|----------|------|-----------------|
//! | D001 | [`REBUILDS_TABLE`] | SQLite: a table is rebuilt | copies every row; foreign keys are off while it runs |
//! | D002 | [`NOT_TRANSACTIONAL`] | MySQL/MariaDB: any migration | DDL commits at once: a failure leaves the migration half-applied |
//! | D003 | [`REWRITES_TABLE`] | PostgreSQL: a type change that is not binary-compatible | rewrites the table under an exclusive lock |
//!
//! ```
//! use covet::Backend;
//! use covet_migrate::{Backfills, Column, ColumnType, Operation, Plan, Schema, Table, diff, risk};
//!
//! let mut post = Table::new("post");
//! post.columns.push(Column { auto_increment: true, ..Column::new("id", ColumnType::BigInt) });
//! post.primary_key.push("id".into());
//! let before = Schema { tables: [("post".to_owned(), post.clone())].into() };
//! post.columns.push(Column::new("summary", ColumnType::Text));
//! let after = Schema { tables: [("post".to_owned(), post)].into() };
//!
//! let ops = diff(&before, &after);
//! let plan = Plan::build(&before, &after, &ops, Backend::Postgres, &Backfills::new())?;
//! assert_eq!(plan.up.statements, [r#"ALTER TABLE "post" ADD COLUMN "summary" text NOT NULL"#]);
//! assert_eq!(plan.up.risks[0].code, risk::ADDS_REQUIRED_COLUMN);
//! assert_eq!(plan.down.statements, [r#"ALTER TABLE "post" DROP COLUMN "summary""#]);
//!
//! // With a backfill value the rows get it, and the risk is gone.
//! let backfills: Backfills = ["post.summary=(none)".parse()?].into_iter().collect();
//! let plan = Plan::build(&before, &after, &ops, Backend::Postgres, &backfills)?;
//! assert_eq!(
//!     plan.up.statements,
//!     [
//!         r#"ALTER TABLE "post" ADD COLUMN "summary" text NOT NULL DEFAULT '(none)'"#,
//!         r#"ALTER TABLE "post" ALTER COLUMN "summary" DROP DEFAULT"#,
//!     ]
//! );
//! assert!(plan.up.risks.is_empty());
//! # Ok::<(), covet_migrate::PlanError>(())
//! ```

mod backfill;
mod dialect;
mod script;
mod state;

use std::fmt;

use covet::Backend;

use crate::operation::Operation;
use crate::render::RenderError;
#[cfg(doc)]
use crate::risk;
use crate::snapshot::Schema;

pub use backfill::{Backfill, Backfills};
pub use dialect::{DIALECT_RISKS, NOT_TRANSACTIONAL, REBUILDS_TABLE, REWRITES_TABLE};

/// The SQL of one migration for one dialect: see the [module](self).
///
/// # Examples
///
/// ```
/// use covet::Backend;
/// use covet_migrate::{Backfills, Operation, Plan, Schema, Table};
///
/// let tag = Table::new("tag");
/// let after = Schema { tables: [("tag".to_owned(), tag.clone())].into() };
/// let ops = [Operation::CreateTable(tag)];
/// let plan = Plan::build(&Schema::default(), &after, &ops, Backend::MySql, &Backfills::new())?;
/// assert_eq!(plan.down.statements, ["DROP TABLE `tag`"]);
/// // MySQL commits each DDL statement at once.
/// assert!(!plan.up.transactional && !plan.down.transactional);
/// # Ok::<(), covet_migrate::PlanError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The dialect the statements are written in.
    pub backend: Backend,
    /// The way up: from the old schema to the new one.
    pub up: Script,
    /// The way down: from the new schema back to the old one.
    pub down: Script,
}

/// One direction of a migration: its statements and what the runner must know to run them.
///
/// A runner runs the statements in order, one at a time:
///
/// - in one transaction when [`transactional`](Self::transactional), else one by one (a
///   failure leaves the statements before it applied);
/// - when [`foreign_keys_off`](Self::foreign_keys_off) (SQLite only), with
///   `PRAGMA foreign_keys = OFF` before the transaction and `PRAGMA foreign_keys = ON` after it
///   (SQLite ignores the pragma inside a transaction). The script then ends with
///   `PRAGMA foreign_key_check(...)` statements, which report a violated foreign key as a row
///   instead of failing: a runner must read their rows and roll back if there is any.
///
/// # Examples
///
/// ```
/// use covet_migrate::Script;
///
/// let script = Script::default();
/// assert!(script.statements.is_empty() && script.transactional && !script.foreign_keys_off);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// The statements, without trailing `;`.
    pub statements: Vec<String>,
    /// What can fail or lose data, operation by operation, then the dialect's own risks.
    pub risks: Vec<Risk>,
    /// Whether the statements can run in one transaction (not on MySQL/MariaDB, where DDL
    /// commits at once).
    pub transactional: bool,
    /// Whether foreign keys must be off while the statements run (SQLite's table rebuild, and
    /// dropping tables whose foreign keys reference each other).
    pub foreign_keys_off: bool,
}

impl Default for Script {
    /// No statement, transactional, foreign keys on.
    fn default() -> Self {
        Self {
            statements: Vec::new(),
            risks: Vec::new(),
            transactional: true,
            foreign_keys_off: false,
        }
    }
}

/// One risk of a migration: a stable code, what it means, and what it is about.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Operation, Risk, Table, risk};
///
/// let drop = Operation::DropTable(Table::new("post"));
/// let found = Risk::of(&drop);
/// assert_eq!(found[0].code, risk::DROPS_TABLE);
/// assert_eq!(found[0].to_string(), "C001 drops a table: drop table post");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    /// The code: `C...` for an operation's [`risk`] codes, `D...` for the
    /// [dialect's](self#dialect-risks).
    pub code: &'static str,
    /// The code's one-line description.
    pub description: &'static str,
    /// What it is about: an operation as its `Display` writes it (`drop table post`), or a
    /// table.
    pub subject: String,
}

impl Risk {
    /// The risks of one operation, from [`Operation::risk`].
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{Operation, Risk, Table};
    ///
    /// assert!(Risk::of(&Operation::CreateTable(Table::new("tag"))).is_empty());
    /// ```
    pub fn of(op: &Operation) -> Vec<Self> {
        op.risk()
            .iter()
            .map(|&code| Self::new(code, op.to_string()))
            .collect()
    }

    fn new(code: &'static str, subject: String) -> Self {
        Self {
            code,
            description: dialect::describe(code),
            subject,
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.code, self.description, self.subject)
    }
}

impl Plan {
    /// The migration that takes a database from `old` to `new` through `operations` (what
    /// [`diff`](crate::diff())`(old, new)` gives), in `backend`'s dialect, filling existing rows
    /// with `backfills` where a column becomes required.
    ///
    /// # Errors
    ///
    /// - [`PlanError::UnusedBackfill`] for a backfill value no operation needs (a typo, or a
    ///   column that has a default after all);
    /// - [`PlanError::InvalidBackfill`] for a value that is not one of the column's type;
    /// - [`PlanError::Render`] for an unknown backend, or operations that do not match the
    ///   schemas (an altered column neither schema has).
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::Backend;
    /// use covet_migrate::{Backfills, Plan, PlanError, Schema, diff};
    ///
    /// let backfills: Backfills = ["post.title=x".parse()?].into_iter().collect();
    /// let same = Schema::default();
    /// let err = Plan::build(&same, &same, &diff(&same, &same), Backend::Sqlite, &backfills).unwrap_err();
    /// assert!(matches!(err, PlanError::UnusedBackfill { .. }));
    /// # Ok::<(), PlanError>(())
    /// ```
    pub fn build(
        old: &Schema,
        new: &Schema,
        operations: &[Operation],
        backend: Backend,
        backfills: &Backfills,
    ) -> Result<Self, PlanError> {
        let fills = backfill::resolve(backfills, new, operations)?;
        let up = script::build(old, operations, backend, &fills)?;
        let reversed: Vec<Operation> = operations.iter().rev().map(Operation::reverse).collect();
        let down = script::build(new, &reversed, backend, &Default::default())?;
        Ok(Self { backend, up, down })
    }
}

/// Why a migration could not be planned.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Backfill, PlanError};
///
/// let err = "post.summary".parse::<Backfill>().unwrap_err();
/// assert!(matches!(err, PlanError::InvalidBackfillArgument { .. }));
/// assert!(err.to_string().contains("table.column=value"));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// A backfill argument is not `table.column=value`.
    InvalidBackfillArgument {
        /// The argument as given.
        argument: String,
    },
    /// A backfill value was given for a column that no operation makes required.
    UnusedBackfill {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A backfill value is not a value of the column's type.
    InvalidBackfill {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An operation could not be rendered.
    Render(RenderError),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidBackfillArgument { argument } => write!(
                f,
                "invalid backfill `{argument}`: it is not table.column=value; write it as the \
                 table's name, a dot, the column's name, `=` and the value (`post.summary=none`)"
            ),
            Self::UnusedBackfill { table, column } => write!(
                f,
                "a backfill value is given for `{table}.{column}`, but this migration neither \
                 adds it as a NOT NULL column without a default nor makes it NOT NULL; check \
                 the name, or leave the value out"
            ),
            Self::InvalidBackfill {
                table,
                column,
                value,
                reason,
            } => write!(
                f,
                "the backfill value `{value}` does not fit column `{table}.{column}`: {reason}; \
                 give a value of the column's type (`--backfill {table}.{column}=VALUE`), or \
                 for a type that takes none, fill the existing rows in an earlier migration \
                 (with the column nullable), then make it required"
            ),
            Self::Render(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for PlanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Render(err) => Some(err),
            _ => None,
        }
    }
}

impl From<RenderError> for PlanError {
    fn from(err: RenderError) -> Self {
        Self::Render(err)
    }
}

#[cfg(test)]
pub(crate) mod tests;
