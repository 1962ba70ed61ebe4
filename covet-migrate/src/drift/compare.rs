//! The expected schema against the live one, object by object.

use std::collections::BTreeMap;

use covet::Backend;

use super::catalog::{Live, LiveColumn, LiveTable, ignored};
use super::{Difference, defaults, types};
use crate::snapshot::{Column, ColumnType, ForeignKey, ReferentialAction, Schema, Table};

/// Every difference between `expected` and `live`, a database of `backend`, in no order.
pub(super) fn compare(expected: &Schema, live: &Live, backend: Backend) -> Vec<Difference> {
    let mut out = Vec::new();
    for (name, table) in expected.tables.iter().filter(|(name, _)| !ignored(name)) {
        match live.tables.get(name) {
            Some(found) => Compare {
                table,
                found,
                backend,
                out: &mut out,
            }
            .all(),
            None => out.push(Difference::MissingTable {
                table: name.clone(),
            }),
        }
    }
    for name in live.tables.keys() {
        if !expected.tables.contains_key(name) {
            out.push(Difference::UnexpectedTable {
                table: name.clone(),
            });
        }
    }
    out
}

/// One table, expected and found.
struct Compare<'a> {
    table: &'a Table,
    found: &'a LiveTable,
    backend: Backend,
    out: &'a mut Vec<Difference>,
}

impl Compare<'_> {
    fn all(mut self) {
        self.columns();
        self.primary_key();
        self.indexes();
        self.foreign_keys();
        self.checks();
    }

    fn name(&self) -> String {
        self.table.name.clone()
    }

    fn columns(&mut self) {
        for column in &self.table.columns {
            match self.found.column(&column.name) {
                Some(found) => self.column(column, found),
                None => self.out.push(Difference::MissingColumn {
                    table: self.name(),
                    column: column.name.clone(),
                }),
            }
        }
        for found in &self.found.columns {
            if self.table.column(&found.name).is_none() {
                self.out.push(Difference::UnexpectedColumn {
                    table: self.name(),
                    column: found.name.clone(),
                });
            }
        }
    }

    fn column(&mut self, column: &Column, found: &LiveColumn) {
        let (table, name) = (self.name(), column.name.clone());
        let expected_type = types::expected(&column.ty, column.auto_increment, self.backend);
        let found_type = types::canonical(&found.ty, self.backend);
        if expected_type != found_type {
            self.out.push(Difference::ColumnType {
                table: table.clone(),
                column: name.clone(),
                expected: expected_type,
                found: found_type,
            });
        }
        if column.nullable != found.nullable {
            self.out.push(Difference::Nullability {
                table: table.clone(),
                column: name.clone(),
                expected: column.nullable,
                found: found.nullable,
            });
        }
        if column.auto_increment != found.auto_increment {
            self.out.push(Difference::AutoIncrement {
                table: table.clone(),
                column: name.clone(),
                expected: column.auto_increment,
                found: found.auto_increment,
            });
        }
        let found_default = found
            .default
            .as_deref()
            .and_then(|text| defaults::reduce(text, self.backend));
        let same = match (&column.default, &found_default) {
            (None, None) => true,
            (Some(expected), Some(found)) => defaults::matches(expected, found),
            _ => false,
        };
        if !same {
            self.out.push(Difference::Default {
                table,
                column: name,
                expected: column.default.as_ref().map(defaults::describe),
                found: found_default.and(found.default.clone()),
            });
        }
    }

    fn primary_key(&mut self) {
        if self.table.primary_key != self.found.primary_key {
            self.out.push(Difference::PrimaryKey {
                table: self.name(),
                expected: self.table.primary_key.clone(),
                found: self.found.primary_key.clone(),
            });
        }
    }

    fn indexes(&mut self) {
        for index in &self.table.indexes {
            match self.found.indexes.iter().find(|i| i.name == index.name) {
                None => self.out.push(Difference::MissingIndex {
                    table: self.name(),
                    index: index.clone(),
                }),
                Some(found) if found != index => self.out.push(Difference::IndexDiffers {
                    table: self.name(),
                    expected: index.clone(),
                    found: found.clone(),
                }),
                Some(_) => {}
            }
        }
        for found in &self.found.indexes {
            if self.table.index(&found.name).is_none() {
                self.out.push(Difference::UnexpectedIndex {
                    table: self.name(),
                    index: found.clone(),
                });
            }
        }
    }

    /// Matched by name; a key SQLite has no name for, by its columns.
    fn foreign_keys(&mut self) {
        let mut unmatched: Vec<&ForeignKey> = self.found.foreign_keys.iter().collect();
        for key in &self.table.foreign_keys {
            let position = unmatched
                .iter()
                .position(|found| found.name == key.name)
                .or_else(|| {
                    unmatched
                        .iter()
                        .position(|found| found.name.is_empty() && found.columns == key.columns)
                });
            let Some(position) = position else {
                self.out.push(Difference::MissingForeignKey {
                    table: self.name(),
                    foreign_key: key.clone(),
                });
                continue;
            };
            let found = unmatched.remove(position);
            if !self.same_key(key, found) {
                self.out.push(Difference::ForeignKeyDiffers {
                    table: self.name(),
                    expected: key.clone(),
                    found: found.clone(),
                });
            }
        }
        for found in unmatched {
            self.out.push(Difference::UnexpectedForeignKey {
                table: self.name(),
                foreign_key: found.clone(),
            });
        }
    }

    fn same_key(&self, expected: &ForeignKey, found: &ForeignKey) -> bool {
        expected.columns == found.columns
            && expected.references_table == found.references_table
            && expected.references_columns == found.references_columns
            && self.same_action(expected.on_delete, found.on_delete)
            && self.same_action(expected.on_update, found.on_update)
    }

    /// MariaDB accepts `SET DEFAULT`, which InnoDB does not implement, and keeps `RESTRICT`
    /// instead: what covet's `CREATE TABLE` gives there.
    fn same_action(&self, expected: ReferentialAction, found: ReferentialAction) -> bool {
        use ReferentialAction::{Restrict, SetDefault};
        expected == found
            || (self.backend == Backend::MySql && expected == SetDefault && found == Restrict)
    }

    /// The `CHECK` of each enum column (of a column that exists: a missing column is already
    /// reported), and any other check as unexpected.
    fn checks(&mut self) {
        let mut expected = BTreeMap::new();
        for column in &self.table.columns {
            if let ColumnType::Enum { variants } = &column.ty
                && self.found.column(&column.name).is_some()
            {
                let name = covet::schema::constraint_name(
                    &self.table.name,
                    &[column.name.as_str()],
                    "check",
                );
                expected.insert(name, (column, variants));
            }
        }
        for (name, (column, variants)) in &expected {
            match self.found.checks.iter().find(|c| c.name == *name) {
                None => self.out.push(Difference::MissingCheck {
                    table: self.name(),
                    column: column.name.clone(),
                    name: name.clone(),
                }),
                Some(found) if string_literals(&found.clause, self.backend) != **variants => {
                    self.out.push(Difference::CheckDiffers {
                        table: self.name(),
                        column: column.name.clone(),
                        name: name.clone(),
                        expected: variants.to_vec(),
                        found: found.clause.clone(),
                    });
                }
                Some(_) => {}
            }
        }
        for found in &self.found.checks {
            if !expected.contains_key(&found.name) {
                self.out.push(Difference::UnexpectedCheck {
                    table: self.name(),
                    name: found.name.clone(),
                    clause: found.clause.clone(),
                });
            }
        }
    }
}

/// The string literals of a condition, sorted and without repeats: the values an enum's
/// `IN` list allows, however the dialect writes the list (`"mood" IN ('a', 'b')`,
/// `(mood)::text = ANY (ARRAY['a'::character varying, ...])`).
fn string_literals(clause: &str, backend: Backend) -> Vec<String> {
    let mut literals = Vec::new();
    let mut chars = clause.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut literal = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    literal.push('\'');
                }
                '\'' => break,
                // MariaDB escapes with backslashes; the others take them literally.
                '\\' if backend == Backend::MySql => literal.extend(chars.next()),
                _ => literal.push(c),
            }
        }
        literals.push(literal);
    }
    literals.sort();
    literals.dedup();
    literals
}
