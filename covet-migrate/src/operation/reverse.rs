//! The inverse of each operation.

use super::Operation;
use crate::snapshot::{Column, ForeignKey, Index};

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
            Self::RenameTable { table, to } => Self::RenameTable {
                table: table.renamed(to),
                to: table.name.clone(),
            },
            Self::RenameColumn { table, column, to } => Self::RenameColumn {
                table: table.clone(),
                column: Column {
                    name: to.clone(),
                    ..column.clone()
                },
                to: column.name.clone(),
            },
            Self::RenameIndex { table, index, to } => Self::RenameIndex {
                table: table.clone(),
                index: Index {
                    name: to.clone(),
                    ..index.clone()
                },
                to: index.name.clone(),
            },
            Self::RenameForeignKey {
                table,
                foreign_key,
                to,
            } => Self::RenameForeignKey {
                table: table.clone(),
                foreign_key: ForeignKey {
                    name: to.clone(),
                    ..foreign_key.clone()
                },
                to: foreign_key.name.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{ColumnType, DefaultValue, Table};

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
                index: index.clone(),
            },
            Operation::AddForeignKey {
                table: table(),
                foreign_key: foreign_key.clone(),
            },
            Operation::DropForeignKey {
                table: table(),
                foreign_key: foreign_key.clone(),
            },
            Operation::ChangePrimaryKey {
                table: table(),
                from: vec!["id".into()],
                to: vec!["id".into(), "c".into()],
            },
            Operation::RenameTable {
                table: crate::test_models::with_reference(Table::new("t"), "parent_id", "t"),
                to: "u".into(),
            },
            Operation::RenameColumn {
                table: table(),
                column: Column::new("c", ColumnType::Int),
                to: "d".into(),
            },
            Operation::RenameIndex {
                table: table(),
                index,
                to: "t_d_idx".into(),
            },
            Operation::RenameForeignKey {
                table: table(),
                foreign_key,
                to: "t_d_fkey".into(),
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
            match &op {
                // The way back starts from the new name.
                Operation::RenameTable { to, .. } => assert_eq!(op.reverse().table(), to),
                _ => assert_eq!(op.reverse().table(), op.table()),
            }
        }
    }

    #[test]
    fn a_reversed_table_rename_carries_the_table_as_the_rename_left_it() {
        let employee =
            crate::test_models::with_reference(Table::new("employee"), "boss_id", "employee");
        let op = Operation::RenameTable {
            table: employee,
            to: "staff".into(),
        };
        let Operation::RenameTable { table, to } = op.reverse() else {
            panic!("{op:?}");
        };
        assert_eq!((table.name.as_str(), to.as_str()), ("staff", "employee"));
        // A reference to itself follows the table; the key keeps its name, which
        // `RenameForeignKey` changes.
        assert_eq!(table.foreign_keys[0].references_table, "staff");
        assert_eq!(table.foreign_keys[0].name, "employee_boss_id_fkey");
    }
}
