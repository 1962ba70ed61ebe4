//! A strict, in-memory interpreter of operations, for tests only: it proves that applying a
//! diff's operations to the old schema gives the new one, that the reversed operations give the
//! old one back, and (by refusing every operation a database would refuse) that the order is
//! safe.

use crate::diff::same_columns;
use crate::operation::Operation;
use crate::snapshot::{Schema, Table};

impl Schema {
    /// Applies `op`, panicking when a database would refuse it.
    pub(crate) fn apply(&mut self, op: &Operation) {
        match op {
            Operation::CreateTable(table) => {
                assert!(!self.tables.contains_key(&table.name), "{op}: exists");
                self.tables.insert(table.name.clone(), table.clone());
                // A new table's own foreign keys may reference itself, hence after inserting.
                for key in &table.foreign_keys {
                    self.check_reference(&table.name, key, op);
                }
            }
            Operation::DropTable(table) => {
                assert_eq!(self.tables.get(&table.name), Some(table), "{op}: differs");
                for other in self.tables.values().filter(|t| t.name != table.name) {
                    assert!(
                        !other
                            .foreign_keys
                            .iter()
                            .any(|k| k.references_table == table.name),
                        "{op}: still referenced by {}",
                        other.name
                    );
                }
                self.tables.remove(&table.name);
            }
            Operation::AddColumn { column, .. } => {
                let table = self.table_mut(op);
                assert!(table.column(&column.name).is_none(), "{op}: exists");
                table.columns.push(column.clone());
            }
            Operation::DropColumn {
                table: name,
                column,
            } => {
                assert!(!self.is_used(name, &column.name), "{op}: still in use");
                let table = self.table_mut(op);
                assert_eq!(table.column(&column.name), Some(column), "{op}: differs");
                table.columns.retain(|c| c.name != column.name);
            }
            Operation::AlterColumnType {
                table: name,
                column,
                from,
                to,
            } => {
                assert!(
                    !self.is_in_foreign_key(name, column),
                    "{op}: in a foreign key"
                );
                let target = self.column_mut(op, column);
                assert_eq!(&target.ty, from, "{op}: from");
                target.ty = to.clone();
            }
            Operation::AlterColumnNullability {
                column, nullable, ..
            } => {
                let table = self.table_mut(op);
                assert!(
                    !(*nullable && table.primary_key.contains(column)),
                    "{op}: in the primary key"
                );
                let target = self.column_mut(op, column);
                assert_ne!(target.nullable, *nullable, "{op}: unchanged");
                target.nullable = *nullable;
            }
            Operation::AlterColumnDefault {
                column, from, to, ..
            } => {
                let target = self.column_mut(op, column);
                assert_eq!(&target.default, from, "{op}: from");
                target.default = to.clone();
            }
            Operation::AlterColumnAutoIncrement {
                column,
                auto_increment,
                ..
            } => {
                let target = self.column_mut(op, column);
                assert_ne!(target.auto_increment, *auto_increment, "{op}: unchanged");
                target.auto_increment = *auto_increment;
            }
            Operation::AddIndex { index, .. } => {
                let table = self.table_mut(op);
                assert!(table.index(&index.name).is_none(), "{op}: exists");
                for column in &index.columns {
                    assert!(table.column(column).is_some(), "{op}: no column {column}");
                }
                table.indexes.push(index.clone());
                table.sort();
            }
            Operation::DropIndex { index, .. } => {
                let table = self.table_mut(op);
                assert_eq!(table.index(&index.name), Some(index), "{op}: differs");
                table.indexes.retain(|i| i.name != index.name);
            }
            Operation::AddForeignKey {
                table: name,
                foreign_key,
            } => {
                self.check_reference(name, foreign_key, op);
                let table = self.table_mut(op);
                assert!(
                    table.foreign_key(&foreign_key.name).is_none(),
                    "{op}: exists"
                );
                table.foreign_keys.push(foreign_key.clone());
                table.sort();
            }
            Operation::DropForeignKey { foreign_key, .. } => {
                let table = self.table_mut(op);
                let name = &foreign_key.name;
                assert_eq!(table.foreign_key(name), Some(foreign_key), "{op}: differs");
                table.foreign_keys.retain(|k| k.name != *name);
            }
            Operation::ChangePrimaryKey {
                table: name,
                from,
                to,
            } => {
                // PostgreSQL refuses to drop a key that a foreign key references.
                for other in self.tables.values() {
                    for key in &other.foreign_keys {
                        assert!(
                            !(key.references_table == *name
                                && same_columns(&key.references_columns, from)),
                            "{op}: referenced by {}",
                            key.name
                        );
                    }
                }
                let table = self.table_mut(op);
                assert_eq!(&table.primary_key, from, "{op}: from");
                for column in to {
                    let column = table.column(column);
                    assert!(column.is_some_and(|c| !c.nullable), "{op}: {column:?}");
                }
                table.primary_key = to.clone();
            }
            Operation::RenameTable { table, to } => {
                assert_eq!(self.tables.get(&table.name), Some(table), "{op}: differs");
                assert!(!self.tables.contains_key(to), "{op}: {to} exists");
                self.rename_table(&table.name, to);
            }
            Operation::RenameColumn {
                table: name,
                column,
                to,
            } => {
                let table = self.table_mut(op);
                assert_eq!(table.column(&column.name), Some(column), "{op}: differs");
                assert!(table.column(to).is_none(), "{op}: {to} exists");
                self.rename_column(name, &column.name, to);
            }
            Operation::RenameIndex { index, to, .. } => {
                let table = self.table_mut(op);
                assert_eq!(table.index(&index.name), Some(index), "{op}: differs");
                assert!(table.index(to).is_none(), "{op}: {to} exists");
                table.rename_index(&index.name, to);
            }
            Operation::RenameForeignKey {
                foreign_key, to, ..
            } => {
                let table = self.table_mut(op);
                let name = &foreign_key.name;
                assert_eq!(table.foreign_key(name), Some(foreign_key), "{op}: differs");
                assert!(table.foreign_key(to).is_none(), "{op}: {to} exists");
                table.rename_foreign_key(name, to);
            }
        }
    }

    fn table_mut(&mut self, op: &Operation) -> &mut Table {
        self.tables
            .get_mut(op.table())
            .unwrap_or_else(|| panic!("{op}: no such table"))
    }

    fn column_mut(&mut self, op: &Operation, column: &str) -> &mut crate::snapshot::Column {
        self.table_mut(op)
            .columns
            .iter_mut()
            .find(|c| c.name == column)
            .unwrap_or_else(|| panic!("{op}: no such column"))
    }

    /// Whether a foreign key of any table involves `table.column`, on either side.
    fn is_in_foreign_key(&self, table: &str, column: &str) -> bool {
        let owns = |c: &String| c == column;
        self.tables.values().any(|t| {
            t.foreign_keys.iter().any(|k| {
                (t.name == table && k.columns.iter().any(owns))
                    || (k.references_table == table && k.references_columns.iter().any(owns))
            })
        })
    }

    /// Whether the key, an index or a foreign key of any table involves `table.column`.
    fn is_used(&self, table: &str, column: &str) -> bool {
        let own = &self.tables[table];
        own.primary_key.iter().any(|c| c == column)
            || own
                .indexes
                .iter()
                .any(|i| i.columns.iter().any(|c| c == column))
            || self.is_in_foreign_key(table, column)
    }

    /// Panics unless the table and columns `key` references, and its own columns, exist.
    fn check_reference(&self, table: &str, key: &crate::snapshot::ForeignKey, op: &Operation) {
        let own = &self.tables[table];
        for column in &key.columns {
            assert!(own.column(column).is_some(), "{op}: no column {column}");
        }
        let target = self
            .tables
            .get(&key.references_table)
            .unwrap_or_else(|| panic!("{op}: references a missing table"));
        for column in &key.references_columns {
            assert!(target.column(column).is_some(), "{op}: no column {column}");
        }
    }

    /// The schema with every table's columns sorted by name: equality up to column order,
    /// which no operation expresses.
    pub(crate) fn ignoring_column_order(&self) -> Self {
        let mut schema = self.clone();
        for table in schema.tables.values_mut() {
            table.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
        schema
    }
}
