//! Following the renames the models declare: the rename operations, and the old schema as they
//! leave it, which the rest of the diff compares with the new one.
//!
//! A declared rename applies when the old schema has the old name and not the new one, and the
//! new schema has the new name and not the old one; otherwise it does nothing. That makes a
//! declaration that was already migrated inert (its old name is gone), and never lets a rename
//! collide with another table or column. A rename whose old name two declarations claim is
//! ambiguous and applies to neither ([`Renames::from_registry`] refuses such models).
//!
//! Renaming a table or a column changes the names covet derives from them. Indexes and foreign
//! keys, whose names the snapshot records, get a rename of their own when a renamed table's
//! index or key matches one of the new schema in all but its name.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::operation::Operation;
use crate::snapshot::{ForeignKey, Renames, Schema, Table};

/// The renames that apply, and the old schema with them applied.
pub(super) struct Renamed<'a> {
    /// Table renames, then column renames, then the renames of the indexes and foreign keys
    /// they rename, in the order to run them.
    pub(super) operations: Vec<Operation>,
    /// The old schema after the renames.
    pub(super) old: Cow<'a, Schema>,
}

/// The `renames` that apply from `old` to `new`.
pub(super) fn follow<'a>(old: &'a Schema, new: &Schema, renames: &Renames) -> Renamed<'a> {
    if renames.is_empty() {
        return Renamed {
            operations: Vec::new(),
            old: Cow::Borrowed(old),
        };
    }
    let mut work = old.clone();
    let mut operations = Vec::new();
    // The tables whose index and foreign key names may have changed, by their new names.
    let mut touched = BTreeSet::new();

    for (to, from) in &renames.tables {
        let applies = work.tables.contains_key(from)
            && !work.tables.contains_key(to)
            && new.tables.contains_key(to)
            && !new.tables.contains_key(from)
            && claimed_once(&renames.tables, from);
        if applies {
            operations.push(Operation::RenameTable {
                table: work.tables[from].clone(),
                to: to.clone(),
            });
            work.rename_table(from, to);
            touched.insert(to.clone());
        }
    }

    for (table, columns) in &renames.columns {
        let Some(new_table) = new.tables.get(table) else {
            continue;
        };
        for (to, from) in columns {
            let Some(column) = work.tables.get(table).and_then(|t| {
                let applies = t.column(to).is_none()
                    && new_table.column(to).is_some()
                    && new_table.column(from).is_none()
                    && claimed_once(columns, from);
                t.column(from).filter(|_| applies)
            }) else {
                continue;
            };
            operations.push(Operation::RenameColumn {
                table: table.clone(),
                column: column.clone(),
                to: to.clone(),
            });
            work.rename_column(table, from, to);
            touched.insert(table.clone());
        }
    }

    for name in &touched {
        let (Some(table), Some(new_table)) = (work.tables.get_mut(name), new.tables.get(name))
        else {
            continue;
        };
        operations.extend(follow_derived_names(table, new_table));
    }

    Renamed {
        operations,
        old: Cow::Owned(work),
    }
}

/// Whether exactly one declaration renames something from `from`.
fn claimed_once(renames: &BTreeMap<String, String>, from: &str) -> bool {
    renames.values().filter(|old| *old == from).count() == 1
}

/// Renames the indexes and foreign keys of `table` (the old table, renamed) whose names `new`
/// lacks, to the name of the one in `new` that matches them in all else, and returns the
/// operations that do it.
fn follow_derived_names(table: &mut Table, new: &Table) -> Vec<Operation> {
    let mut operations = Vec::new();
    let mut indexes: Vec<(String, String)> = Vec::new();
    for index in &table.indexes {
        if new.index(&index.name).is_some() {
            continue;
        }
        let target = new.indexes.iter().find(|candidate| {
            candidate.columns == index.columns
                && candidate.unique == index.unique
                && table.index(&candidate.name).is_none()
                && !indexes.iter().any(|(_, to)| *to == candidate.name)
        });
        if let Some(target) = target {
            operations.push(Operation::RenameIndex {
                table: table.name.clone(),
                index: index.clone(),
                to: target.name.clone(),
            });
            indexes.push((index.name.clone(), target.name.clone()));
        }
    }
    let mut keys: Vec<(String, String)> = Vec::new();
    for key in &table.foreign_keys {
        if new.foreign_key(&key.name).is_some() {
            continue;
        }
        let target = new.foreign_keys.iter().find(|candidate| {
            **candidate
                == ForeignKey {
                    name: candidate.name.clone(),
                    ..key.clone()
                }
                && table.foreign_key(&candidate.name).is_none()
                && !keys.iter().any(|(_, to)| *to == candidate.name)
        });
        if let Some(target) = target {
            operations.push(Operation::RenameForeignKey {
                table: table.name.clone(),
                foreign_key: key.clone(),
                to: target.name.clone(),
            });
            keys.push((key.name.clone(), target.name.clone()));
        }
    }
    for (from, to) in indexes {
        table.rename_index(&from, &to);
    }
    for (from, to) in keys {
        table.rename_foreign_key(&from, &to);
    }
    operations
}
