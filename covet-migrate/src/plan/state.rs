//! The schema as it stands at each step of a migration: which table an operation is on across
//! renames, a column's definition for the statements that restate it (MySQL's `MODIFY
//! COLUMN`, a `now` default typed by its column), and a table's definitions before and after
//! the operations a SQLite rebuild replaces.

use std::collections::BTreeMap;

use crate::operation::Operation;
use crate::snapshot::{Column, Schema, Table};

/// A table's identity through a migration: its renames keep it, dropping and creating a table
/// of the same name does not.
pub(super) type TableId = usize;

/// A schema followed through operations, the way the databases apply them. Lenient: an
/// operation on something missing changes nothing (the diff never makes one).
pub(super) struct State {
    schema: Schema,
    ids: BTreeMap<String, TableId>,
    next_id: TableId,
}

impl State {
    /// `schema`, before any operation; its tables get the first identities.
    pub(super) fn of(schema: &Schema) -> Self {
        let ids: BTreeMap<String, TableId> = schema
            .tables
            .keys()
            .enumerate()
            .map(|(id, name)| (name.clone(), id))
            .collect();
        Self {
            schema: schema.clone(),
            next_id: ids.len(),
            ids,
        }
    }

    /// The identity of the table named `name` now.
    pub(super) fn id(&self, name: &str) -> Option<TableId> {
        self.ids.get(name).copied()
    }

    /// The name of table `id` now.
    pub(super) fn name(&self, id: TableId) -> Option<&str> {
        self.ids
            .iter()
            .find(|(_, other)| **other == id)
            .map(|(name, _)| name.as_str())
    }

    /// The table named `name` now.
    pub(super) fn table(&self, name: &str) -> Option<&Table> {
        self.schema.tables.get(name)
    }

    /// Every table now.
    pub(super) fn tables(&self) -> impl Iterator<Item = &Table> {
        self.schema.tables.values()
    }

    /// The column an `AlterColumn...` operation alters, as it is now.
    pub(super) fn altered_by(&self, op: &Operation) -> Option<&Column> {
        self.table(op.table())?.column(altered_column(op)?)
    }

    /// Follows `op`.
    pub(super) fn apply(&mut self, op: &Operation) {
        let tables = &mut self.schema.tables;
        match op {
            Operation::CreateTable(table) => {
                tables.insert(table.name.clone(), table.clone());
                self.ids.insert(table.name.clone(), self.next_id);
                self.next_id += 1;
            }
            Operation::DropTable(table) => {
                tables.remove(&table.name);
                self.ids.remove(&table.name);
            }
            Operation::RenameTable { table, to } => {
                self.schema.rename_table(&table.name, to);
                if let Some(id) = self.ids.remove(&table.name) {
                    self.ids.insert(to.clone(), id);
                }
            }
            Operation::RenameColumn { table, column, to } => {
                self.schema.rename_column(table, &column.name, to);
            }
            _ => {
                let Some(table) = tables.get_mut(op.table()) else {
                    return;
                };
                alter(table, op);
            }
        }
    }
}

/// `table` after `op`, an operation on it that neither creates, drops nor renames it or a
/// column.
fn alter(table: &mut Table, op: &Operation) {
    match op {
        Operation::AddColumn { column, .. } => table.columns.push(column.clone()),
        Operation::DropColumn { column, .. } => table.columns.retain(|c| c.name != column.name),
        Operation::AddIndex { index, .. } => {
            table.indexes.push(index.clone());
            table.sort();
        }
        Operation::DropIndex { index, .. } => table.indexes.retain(|i| i.name != index.name),
        Operation::AddForeignKey { foreign_key, .. } => {
            table.foreign_keys.push(foreign_key.clone());
            table.sort();
        }
        Operation::DropForeignKey { foreign_key, .. } => {
            table.foreign_keys.retain(|k| k.name != foreign_key.name);
        }
        Operation::ChangePrimaryKey { to, .. } => table.primary_key = to.clone(),
        Operation::RenameIndex { index, to, .. } => table.rename_index(&index.name, to),
        Operation::RenameForeignKey {
            foreign_key, to, ..
        } => table.rename_foreign_key(&foreign_key.name, to),
        _ => {
            let Some(name) = altered_column(op) else {
                return;
            };
            let Some(column) = table.columns.iter_mut().find(|c| c.name == name) else {
                return;
            };
            match op {
                Operation::AlterColumnType { to, .. } => column.ty = to.clone(),
                Operation::AlterColumnNullability { nullable, .. } => column.nullable = *nullable,
                Operation::AlterColumnDefault { to, .. } => column.default = to.clone(),
                Operation::AlterColumnAutoIncrement { auto_increment, .. } => {
                    column.auto_increment = *auto_increment;
                }
                _ => {}
            }
        }
    }
}

/// The name of the column an `AlterColumn...` operation alters.
fn altered_column(op: &Operation) -> Option<&str> {
    match op {
        Operation::AlterColumnType { column, .. }
        | Operation::AlterColumnNullability { column, .. }
        | Operation::AlterColumnDefault { column, .. }
        | Operation::AlterColumnAutoIncrement { column, .. } => Some(column),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff;
    use crate::snapshot::{ColumnType, DefaultValue};
    use crate::test_models::{blog_v1, blog_v2, column, schema, table};

    #[test]
    fn a_column_is_followed_through_the_operations_before_it() {
        let old = schema([table("post", [column("views", ColumnType::Int)])]);
        let mut state = State::of(&old);
        let retype = Operation::AlterColumnType {
            table: "post".into(),
            column: "views".into(),
            from: ColumnType::Int,
            to: ColumnType::BigInt,
        };
        assert_eq!(state.altered_by(&retype).unwrap().ty, ColumnType::Int);
        state.apply(&retype);
        let default = Operation::AlterColumnDefault {
            table: "post".into(),
            column: "views".into(),
            from: None,
            to: Some(DefaultValue::Int(0)),
        };
        assert_eq!(state.altered_by(&default).unwrap().ty, ColumnType::BigInt);
        state.apply(&default);
        let nullable = Operation::AlterColumnNullability {
            table: "post".into(),
            column: "views".into(),
            nullable: true,
        };
        let before = state.altered_by(&nullable).unwrap();
        assert_eq!(before.default, Some(DefaultValue::Int(0)));
        assert!(!before.nullable);
        // Not an alteration: nothing to look up.
        let drop = Operation::DropColumn {
            table: "post".into(),
            column: column("views", ColumnType::BigInt),
        };
        assert!(state.altered_by(&drop).is_none());
        state.apply(&drop);
        assert!(state.altered_by(&nullable).is_none());
    }

    #[test]
    fn a_renamed_table_keeps_its_identity_and_a_recreated_one_does_not() {
        let old = schema([table("persons", [column("name", ColumnType::Text)])]);
        let mut state = State::of(&old);
        let id = state.id("persons").unwrap();
        state.apply(&Operation::RenameTable {
            table: old.tables["persons"].clone(),
            to: "people".into(),
        });
        assert_eq!(state.id("people"), Some(id));
        assert_eq!(state.name(id), Some("people"));
        assert_eq!(state.table("people").unwrap().name, "people");
        state.apply(&Operation::RenameColumn {
            table: "people".into(),
            column: column("name", ColumnType::Text),
            to: "full_name".into(),
        });
        assert!(state.table("people").unwrap().column("full_name").is_some());

        let people = state.table("people").unwrap().clone();
        state.apply(&Operation::DropTable(people.clone()));
        state.apply(&Operation::CreateTable(people));
        assert_ne!(state.id("people"), Some(id));
    }

    #[test]
    fn following_a_diff_gives_the_new_schema() {
        let old = Schema::from_registry(&blog_v1::MODELS).unwrap();
        let new = Schema::from_registry(&blog_v2::MODELS).unwrap();
        let mut state = State::of(&old);
        for op in diff(&old, &new) {
            state.apply(&op);
        }
        assert_eq!(
            state.schema.ignoring_column_order(),
            new.ignoring_column_order()
        );
    }
}
