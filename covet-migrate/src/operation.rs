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
    /// Rename a table, keeping its rows; declared on the model with `renamed_from`, never
    /// guessed.
    ///
    /// The foreign keys of other tables follow it (every dialect updates them), and so do the
    /// constraints covet names after the table without recording the name in the snapshot:
    /// the primary key's `<table>_pkey` and each enum's `<table>_<column>_check`. Indexes and
    /// foreign keys, whose names the snapshot records, are renamed by operations of their own
    /// ([`RenameIndex`](Self::RenameIndex), [`RenameForeignKey`](Self::RenameForeignKey)).
    RenameTable {
        /// The table as it is before the rename, under its old name (its enums' `CHECK`s and
        /// its key are renamed with it).
        table: Table,
        /// The new name.
        to: String,
    },
    /// Rename a column, keeping its values; declared on the field with `renamed_from`, never
    /// guessed. Indexes, keys and foreign keys (this table's and other tables') follow it, and
    /// so does an enum's `CHECK`, named `<table>_<column>_check`.
    RenameColumn {
        /// The table.
        table: String,
        /// The column as it is before the rename, under its old name.
        column: Column,
        /// The new name.
        to: String,
    },
    /// Rename an index, when a renamed table or column changes the name covet gives it.
    RenameIndex {
        /// The table.
        table: String,
        /// The index as it is before the rename, under its old name.
        index: Index,
        /// The new name.
        to: String,
    },
    /// Rename a foreign key, when a renamed table or column changes the name covet gives it.
    RenameForeignKey {
        /// The referencing table.
        table: String,
        /// The foreign key as it is before the rename, under its old name.
        foreign_key: ForeignKey,
        /// The new name.
        to: String,
    },
}

impl Operation {
    /// The name of the table the operation changes (the referencing one for a foreign key),
    /// as it is named when the operation starts: a renamed table's old name.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{Operation, Table};
    ///
    /// assert_eq!(Operation::CreateTable(Table::new("tag")).table(), "tag");
    /// let rename = Operation::RenameTable { table: Table::new("tag"), to: "label".into() };
    /// assert_eq!(rename.table(), "tag");
    /// ```
    pub fn table(&self) -> &str {
        match self {
            Self::CreateTable(table) | Self::DropTable(table) => &table.name,
            Self::RenameTable { table, .. } => &table.name,
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
            | Self::ChangePrimaryKey { table, .. }
            | Self::RenameColumn { table, .. }
            | Self::RenameIndex { table, .. }
            | Self::RenameForeignKey { table, .. } => table,
        }
    }
}
