//! The operations that turn one version of a table into another.

use std::collections::{BTreeMap, BTreeSet};

use super::Phases;
use crate::operation::Operation;
use crate::snapshot::{Column, ForeignKey, Schema, Table};

/// What changes across the tables both schemas have, needed to diff any one of them: a foreign
/// key that did not change must still be dropped and re-added when a column it involves
/// changes type, or the key it references changes.
pub(super) struct Changes<'a> {
    old: &'a Schema,
    /// Columns whose type changes, by table.
    retyped: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// Tables whose primary key changes.
    rekeyed: BTreeSet<&'a str>,
}

impl<'a> Changes<'a> {
    pub(super) fn new(old: &'a Schema, new: &'a Schema) -> Self {
        let mut retyped: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut rekeyed = BTreeSet::new();
        for (name, old_table) in &old.tables {
            let Some(new_table) = new.tables.get(name) else {
                continue;
            };
            for column in &old_table.columns {
                if new_table
                    .column(&column.name)
                    .is_some_and(|new_column| new_column.ty != column.ty)
                {
                    retyped.entry(name).or_default().insert(&column.name);
                }
            }
            if old_table.primary_key != new_table.primary_key {
                rekeyed.insert(name.as_str());
            }
        }
        Self {
            old,
            retyped,
            rekeyed,
        }
    }

    fn is_retyped(&self, table: &str, column: &str) -> bool {
        self.retyped
            .get(table)
            .is_some_and(|columns| columns.contains(column))
    }

    /// Whether `key`, a foreign key of `table` that both schemas have, must be dropped before
    /// the columns and keys it involves change, and added back after.
    fn disturbs(&self, table: &str, key: &ForeignKey) -> bool {
        let target = key.references_table.as_str();
        key.columns.iter().any(|c| self.is_retyped(table, c))
            || key
                .references_columns
                .iter()
                .any(|c| self.is_retyped(target, c))
            || (self.rekeyed.contains(target)
                && same_columns(
                    &key.references_columns,
                    &self.old.tables[target].primary_key,
                ))
    }

    /// Adds to `phases` the operations that turn `old` into `new` (the same table).
    pub(super) fn diff_table(&self, old: &Table, new: &Table, phases: &mut Phases) {
        let name = &new.name;
        for key in &old.foreign_keys {
            if !self.keeps(name, key, new.foreign_key(&key.name)) {
                phases.drop_foreign_keys.push(Operation::DropForeignKey {
                    table: name.clone(),
                    foreign_key: key.clone(),
                });
            }
        }
        for key in &new.foreign_keys {
            if !self.keeps(name, key, old.foreign_key(&key.name)) {
                phases.add_foreign_keys.push(Operation::AddForeignKey {
                    table: name.clone(),
                    foreign_key: key.clone(),
                });
            }
        }

        // An index that changed under the same name is dropped and created again: no dialect
        // alters an index's columns in place.
        for index in &old.indexes {
            if new.index(&index.name) != Some(index) {
                phases.drop_indexes.push(Operation::DropIndex {
                    table: name.clone(),
                    index: index.clone(),
                });
            }
        }
        for index in &new.indexes {
            if old.index(&index.name) != Some(index) {
                phases.add_indexes.push(Operation::AddIndex {
                    table: name.clone(),
                    index: index.clone(),
                });
            }
        }

        for column in &old.columns {
            match new.column(&column.name) {
                Some(new_column) => alter_column(name, column, new_column, phases),
                None => phases.drop_columns.push(Operation::DropColumn {
                    table: name.clone(),
                    column: column.clone(),
                }),
            }
        }
        for column in &new.columns {
            if old.column(&column.name).is_none() {
                phases.add_columns.push(Operation::AddColumn {
                    table: name.clone(),
                    column: column.clone(),
                });
            }
        }

        if old.primary_key != new.primary_key {
            phases
                .change_primary_keys
                .push(Operation::ChangePrimaryKey {
                    table: name.clone(),
                    from: old.primary_key.clone(),
                    to: new.primary_key.clone(),
                });
        }
    }

    /// Whether `key` of `table` stays as it is: the other side has it unchanged and nothing it
    /// involves changes.
    fn keeps(&self, table: &str, key: &ForeignKey, other: Option<&ForeignKey>) -> bool {
        other == Some(key) && !self.disturbs(table, key)
    }
}

/// The operations that turn `old` into `new`, the same column of `table`.
fn alter_column(table: &str, old: &Column, new: &Column, phases: &mut Phases) {
    let column = || old.name.clone();
    if old.ty != new.ty {
        phases.alter_columns.push(Operation::AlterColumnType {
            table: table.to_owned(),
            column: column(),
            from: old.ty.clone(),
            to: new.ty.clone(),
        });
    }
    if old.default != new.default {
        phases.alter_columns.push(Operation::AlterColumnDefault {
            table: table.to_owned(),
            column: column(),
            from: old.default.clone(),
            to: new.default.clone(),
        });
    }
    if old.auto_increment != new.auto_increment {
        phases
            .alter_columns
            .push(Operation::AlterColumnAutoIncrement {
                table: table.to_owned(),
                column: column(),
                auto_increment: new.auto_increment,
            });
    }
    if old.nullable != new.nullable {
        let op = Operation::AlterColumnNullability {
            table: table.to_owned(),
            column: column(),
            nullable: new.nullable,
        };
        if new.nullable {
            phases.drop_not_null.push(op);
        } else {
            phases.set_not_null.push(op);
        }
    }
}

/// Whether two column lists name the same columns, in any order (a foreign key may list a
/// composite key's columns in another order than the key does).
pub(crate) fn same_columns(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|column| b.contains(column))
}
