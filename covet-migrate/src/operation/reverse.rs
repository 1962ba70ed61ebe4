//! The inverse of each operation.

use super::Operation;

impl Operation {
    /// The operation that undoes this one.
    ///
    /// Applied after this one, it restores the schema exactly (up to the position of a re-added
    /// column, which databases append at the end). Reverse a whole migration with
    /// `ops.iter().rev().map(Operation::reverse)`: the order stays safe, because every
    /// ordering rule [`diff`](crate::diff()) follows is symmetric.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{ColumnType, Operation};
    ///
    /// let widen = Operation::AlterColumnType {
    ///     table: "post".into(),
    ///     column: "views".into(),
    ///     from: ColumnType::Int,
    ///     to: ColumnType::BigInt,
    /// };
    /// let narrow = widen.reverse();
    /// assert!(matches!(&narrow, Operation::AlterColumnType { from: ColumnType::BigInt, to: ColumnType::Int, .. }));
    /// assert_eq!(narrow.reverse(), widen);
    /// ```
    pub fn reverse(&self) -> Self {
        match self {
            Self::CreateTable(table) => Self::DropTable(table.clone()),
            Self::DropTable(table) => Self::CreateTable(table.clone()),
            Self::AddColumn { table, column } => Self::DropColumn {
                table: table.clone(),
                column: column.clone(),
            },
            Self::DropColumn { table, column } => Self::AddColumn {
                table: table.clone(),
                column: column.clone(),
            },
            Self::AlterColumnType {
                table,
                column,
                from,
                to,
            } => Self::AlterColumnType {
                table: table.clone(),
                column: column.clone(),
                from: to.clone(),
                to: from.clone(),
            },
            Self::AlterColumnNullability {
                table,
                column,
                nullable,
            } => Self::AlterColumnNullability {
                table: table.clone(),
                column: column.clone(),
                nullable: !nullable,
            },
            Self::AlterColumnDefault {
                table,
                column,
                from,
                to,
            } => Self::AlterColumnDefault {
                table: table.clone(),
                column: column.clone(),
                from: to.clone(),
                to: from.clone(),
            },
            Self::AlterColumnAutoIncrement {
                table,
                column,
                auto_increment,
            } => Self::AlterColumnAutoIncrement {
                table: table.clone(),
                column: column.clone(),
                auto_increment: !auto_increment,
            },
            Self::AddIndex { table, index } => Self::DropIndex {
                table: table.clone(),
                index: index.clone(),
            },
            Self::DropIndex { table, index } => Self::AddIndex {
                table: table.clone(),
                index: index.clone(),
            },
            Self::AddForeignKey { table, foreign_key } => Self::DropForeignKey {
                table: table.clone(),
                foreign_key: foreign_key.clone(),
            },
            Self::DropForeignKey { table, foreign_key } => Self::AddForeignKey {
                table: table.clone(),
                foreign_key: foreign_key.clone(),
            },
            Self::ChangePrimaryKey { table, from, to } => Self::ChangePrimaryKey {
                table: table.clone(),
                from: to.clone(),
                to: from.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Column, ColumnType, DefaultValue, ForeignKey, Index, Table};

    fn every_kind() -> Vec<Operation> {
        let table = || "t".to_owned();
        let column = || "c".to_owned();
        let index = Index {
            name: "t_c_idx".into(),
            columns: vec![column()],
            unique: false,
        };
        let foreign_key = ForeignKey {
            name: "t_c_fkey".into(),
            columns: vec![column()],
            references_table: "u".into(),
            references_columns: vec!["id".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
        };
        vec![
            Operation::CreateTable(Table::new("t")),
            Operation::DropTable(Table::new("t")),
            Operation::AddColumn {
                table: table(),
                column: Column::new("c", ColumnType::Int),
            },
            Operation::DropColumn {
                table: table(),
                column: Column::new("c", ColumnType::Int),
            },
            Operation::AlterColumnType {
                table: table(),
                column: column(),
                from: ColumnType::Int,
                to: ColumnType::Text,
            },
            Operation::AlterColumnNullability {
                table: table(),
                column: column(),
                nullable: true,
            },
            Operation::AlterColumnDefault {
                table: table(),
                column: column(),
                from: None,
                to: Some(DefaultValue::Int(1)),
            },
            Operation::AlterColumnAutoIncrement {
                table: table(),
                column: column(),
                auto_increment: true,
            },
            Operation::AddIndex {
                table: table(),
                index: index.clone(),
            },
            Operation::DropIndex {
                table: table(),
                index,
            },
            Operation::AddForeignKey {
                table: table(),
                foreign_key: foreign_key.clone(),
            },
            Operation::DropForeignKey {
                table: table(),
                foreign_key,
            },
            Operation::ChangePrimaryKey {
                table: table(),
                from: vec!["id".into()],
                to: vec!["id".into(), "c".into()],
            },
        ]
    }

    #[test]
    fn reversing_twice_gives_back_every_kind_of_operation() {
        for op in every_kind() {
            assert_eq!(op.reverse().reverse(), op);
        }
    }

    #[test]
    fn reversing_changes_every_kind_of_operation() {
        for op in every_kind() {
            assert_ne!(op.reverse(), op, "{op:?}");
            assert_eq!(op.reverse().table(), op.table());
        }
    }
}
