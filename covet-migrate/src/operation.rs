//! One schema change: what [`diff`](crate::diff()) produces and a later step renders as SQL.

mod describe;
mod reverse;

use crate::snapshot::{Column, ColumnType, DefaultValue, ForeignKey, Index, Table};

/// A single change to a schema.
///
/// Every operation carries what it removes and the state it replaces (a dropped table's full
/// definition, a column's old type), so that [`reverse`](Operation::reverse) needs nothing but
/// the operation: a migration's down steps are its up steps reversed, in reverse order.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Column, ColumnType, Operation};
///
/// let up = Operation::AddColumn {
///     table: "post".into(),
///     column: Column::new("body", ColumnType::Text),
/// };
/// assert_eq!(up.table(), "post");
/// assert_eq!(up.to_string(), "add column post.body");
/// assert!(matches!(up.reverse(), Operation::DropColumn { .. }));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Create a table with its columns, key, indexes and foreign keys.
    CreateTable(Table),
    /// Drop a table; it holds the whole definition, to re-create it on the way down.
    DropTable(Table),
    /// Add a column to an existing table.
    AddColumn {
        /// The table.
        table: String,
        /// The new column.
        column: Column,
    },
    /// Drop a column; it holds the whole definition, to re-add it on the way down.
    DropColumn {
        /// The table.
        table: String,
        /// The dropped column.
        column: Column,
    },
    /// Change a column's type. An enum's variant set is part of its type, so this is also how
    /// the enum's `CHECK` constraint changes (see the crate docs for why).
    AlterColumnType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The old type.
        from: ColumnType,
        /// The new type.
        to: ColumnType,
    },
    /// Make a column nullable or `NOT NULL`.
    AlterColumnNullability {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether the column accepts `NULL` afterwards.
        nullable: bool,
    },
    /// Set, change or remove a column's `DEFAULT`.
    AlterColumnDefault {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The old default.
        from: Option<DefaultValue>,
        /// The new default.
        to: Option<DefaultValue>,
    },
    /// Make an integer column numbered by the database, or stop numbering it.
    AlterColumnAutoIncrement {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether the database numbers the column afterwards.
        auto_increment: bool,
    },
    /// Create an index on an existing table.
    AddIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// Drop an index.
    DropIndex {
        /// The table.
        table: String,
        /// The dropped index.
        index: Index,
    },
    /// Add a foreign key to an existing table.
    AddForeignKey {
        /// The referencing table.
        table: String,
        /// The foreign key.
        foreign_key: ForeignKey,
    },
    /// Drop a foreign key.
    DropForeignKey {
        /// The referencing table.
        table: String,
        /// The dropped foreign key.
        foreign_key: ForeignKey,
    },
    /// Replace a table's primary key.
    ChangePrimaryKey {
        /// The table.
        table: String,
        /// The old key's columns (empty when there was none).
        from: Vec<String>,
        /// The new key's columns (empty to remove the key).
        to: Vec<String>,
    },
}

impl Operation {
    /// The name of the table the operation changes (the referencing one for a foreign key).
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{Operation, Table};
    ///
    /// assert_eq!(Operation::CreateTable(Table::new("tag")).table(), "tag");
    /// ```
    pub fn table(&self) -> &str {
        match self {
            Self::CreateTable(table) | Self::DropTable(table) => &table.name,
            Self::AddColumn { table, .. }
            | Self::DropColumn { table, .. }
            | Self::AlterColumnType { table, .. }
            | Self::AlterColumnNullability { table, .. }
            | Self::AlterColumnDefault { table, .. }
            | Self::AlterColumnAutoIncrement { table, .. }
            | Self::AddIndex { table, .. }
            | Self::DropIndex { table, .. }
            | Self::AddForeignKey { table, .. }
            | Self::DropForeignKey { table, .. }
            | Self::ChangePrimaryKey { table, .. } => table,
        }
    }
}
