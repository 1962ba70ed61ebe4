//! Applying a rename to a schema as the databases do: the table or column, and everything that
//! refers to it by name.

use super::{Schema, Table};

impl Table {
    /// This table under the name `to`, its references to itself following it. Indexes and
    /// foreign keys keep their names.
    pub(crate) fn renamed(&self, to: &str) -> Self {
        let mut table = self.clone();
        for key in &mut table.foreign_keys {
            if key.references_table == self.name {
                key.references_table = to.to_owned();
            }
        }
        table.name = to.to_owned();
        table
    }

    /// Renames the index `from` to `to`.
    pub(crate) fn rename_index(&mut self, from: &str, to: &str) {
        for index in &mut self.indexes {
            if index.name == from {
                index.name = to.to_owned();
            }
        }
        self.sort();
    }

    /// Renames the foreign key `from` to `to`.
    pub(crate) fn rename_foreign_key(&mut self, from: &str, to: &str) {
        for key in &mut self.foreign_keys {
            if key.name == from {
                key.name = to.to_owned();
            }
        }
        self.sort();
    }
}

impl Schema {
    /// Renames the table `from` to `to`, and every foreign key that references it.
    pub(crate) fn rename_table(&mut self, from: &str, to: &str) {
        if let Some(table) = self.tables.remove(from) {
            self.tables.insert(to.to_owned(), table.renamed(to));
        }
        for table in self.tables.values_mut() {
            for key in &mut table.foreign_keys {
                if key.references_table == from {
                    key.references_table = to.to_owned();
                }
            }
        }
    }

    /// Renames the column `from` of `table` to `to`, in the table's key, indexes and foreign
    /// keys, and in the foreign keys that reference it.
    pub(crate) fn rename_column(&mut self, table: &str, from: &str, to: &str) {
        let rename = |names: &mut Vec<String>| {
            for name in names.iter_mut().filter(|name| *name == from) {
                *name = to.to_owned();
            }
        };
        if let Some(own) = self.tables.get_mut(table) {
            for column in own.columns.iter_mut().filter(|c| c.name == from) {
                column.name = to.to_owned();
            }
            rename(&mut own.primary_key);
            for index in &mut own.indexes {
                rename(&mut index.columns);
            }
            for key in &mut own.foreign_keys {
                rename(&mut key.columns);
            }
        }
        for other in self.tables.values_mut() {
            for key in &mut other.foreign_keys {
                if key.references_table == table {
                    rename(&mut key.references_columns);
                }
            }
        }
    }
}
