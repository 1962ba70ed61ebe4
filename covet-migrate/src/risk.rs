//! Stable codes for what an operation can break or lose, so that a generator can refuse
//! destructive migrations unless told otherwise, and a reviewer can grep for them.
//!
//! The codes never change meaning and are never reused; the crate docs list them all. They
//! describe what can go wrong on a table that holds rows: an operation on a table created in
//! the same migration (an empty one) carries the same codes, because an operation does not know
//! its context.
//!
//! ```
//! use covet_migrate::{Operation, Table, risk};
//!
//! let ops = [Operation::CreateTable(Table::new("tag")), Operation::DropTable(Table::new("label"))];
//! let destructive: Vec<String> = ops
//!     .iter()
//!     .filter(|op| op.risk().contains(&risk::DROPS_TABLE))
//!     .map(|op| op.to_string())
//!     .collect();
//! assert_eq!(destructive, ["drop table label"]);
//! ```

mod narrowing;

use crate::operation::Operation;

/// `C001`: drops a table, and every row in it.
pub const DROPS_TABLE: &str = "C001";
/// `C002`: drops a column, and every value in it.
pub const DROPS_COLUMN: &str = "C002";
/// `C003`: narrows a type: existing values may not fit or may change (any type change not known
/// to be a widening on every dialect, and an enum losing variants).
pub const NARROWS_TYPE: &str = "C003";
/// `C004`: adds `NOT NULL` to a column: fails if a row holds `NULL`.
pub const ADDS_NOT_NULL: &str = "C004";
/// `C005`: adds a unique index: fails if rows hold duplicates.
pub const ADDS_UNIQUE_INDEX: &str = "C005";
/// `C006`: adds a `NOT NULL` column without a default: fails if the table has rows (and on
/// SQLite always, which needs a table rebuild for it).
pub const ADDS_REQUIRED_COLUMN: &str = "C006";
/// `C007`: changes a primary key: fails on duplicates or `NULL`s in the new key columns.
pub const CHANGES_PRIMARY_KEY: &str = "C007";
/// `C008`: adds a foreign key: fails if a row references a missing row, and checking it locks
/// both tables.
pub const ADDS_FOREIGN_KEY: &str = "C008";
/// `C009`: changes whether the database numbers a column: the numbering may collide with
/// existing keys, or inserts that relied on it start failing.
pub const CHANGES_AUTO_INCREMENT: &str = "C009";

/// Every code with a one-line description, in code order.
///
/// # Examples
///
/// ```
/// use covet_migrate::risk;
///
/// assert_eq!(risk::ALL[0], (risk::DROPS_TABLE, "drops a table"));
/// assert!(risk::ALL.windows(2).all(|pair| pair[0].0 < pair[1].0));
/// ```
pub const ALL: &[(&str, &str)] = &[
    (DROPS_TABLE, "drops a table"),
    (DROPS_COLUMN, "drops a column"),
    (NARROWS_TYPE, "narrows a type"),
    (ADDS_NOT_NULL, "adds NOT NULL"),
    (ADDS_UNIQUE_INDEX, "adds a unique index"),
    (
        ADDS_REQUIRED_COLUMN,
        "adds a NOT NULL column without a default",
    ),
    (CHANGES_PRIMARY_KEY, "changes a primary key"),
    (ADDS_FOREIGN_KEY, "adds a foreign key"),
    (CHANGES_AUTO_INCREMENT, "changes auto-increment"),
];

impl Operation {
    /// The risk codes of this operation (see the [module](crate::risk)); empty when it cannot
    /// lose data or fail on existing rows.
    ///
    /// A slice of constants, so asking costs no allocation.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{ColumnType, Operation, Table, risk};
    ///
    /// assert_eq!(Operation::DropTable(Table::new("post")).risk(), [risk::DROPS_TABLE]);
    /// assert!(Operation::CreateTable(Table::new("post")).risk().is_empty());
    ///
    /// let widen = Operation::AlterColumnType {
    ///     table: "post".into(),
    ///     column: "views".into(),
    ///     from: ColumnType::Int,
    ///     to: ColumnType::BigInt,
    /// };
    /// assert!(widen.risk().is_empty());
    /// assert_eq!(widen.reverse().risk(), [risk::NARROWS_TYPE]);
    /// ```
    pub fn risk(&self) -> &'static [&'static str] {
        match self {
            Self::DropTable(_) => &[DROPS_TABLE],
            Self::DropColumn { .. } => &[DROPS_COLUMN],
            Self::AlterColumnType { from, to, .. } if narrowing::narrows(from, to) => {
                &[NARROWS_TYPE]
            }
            Self::AlterColumnNullability {
                nullable: false, ..
            } => &[ADDS_NOT_NULL],
            Self::AddIndex { index, .. } if index.unique => &[ADDS_UNIQUE_INDEX],
            // The database fills an auto-increment column itself.
            Self::AddColumn { column, .. }
                if !column.nullable && column.default.is_none() && !column.auto_increment =>
            {
                &[ADDS_REQUIRED_COLUMN]
            }
            Self::ChangePrimaryKey { .. } => &[CHANGES_PRIMARY_KEY],
            Self::AddForeignKey { .. } => &[ADDS_FOREIGN_KEY],
            Self::AlterColumnAutoIncrement { .. } => &[CHANGES_AUTO_INCREMENT],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests;
