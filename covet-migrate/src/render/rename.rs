//! The statements of the rename operations, per dialect.
//!
//! A rename also renames what covet names after the table or column without recording the
//! name in the snapshot: on PostgreSQL the primary key `<table>_pkey` and an enum's
//! `<table>_<column>_check` (`RENAME CONSTRAINT`); on MySQL, which has no `RENAME CONSTRAINT`
//! and calls every primary key `PRIMARY`, an enum's check is added under the new name and the
//! old one dropped. SQLite cannot rename a constraint without rebuilding the table: its
//! composite primary key and enum checks keep their old names inside the table's definition,
//! which nothing addresses by name (every later change to them rebuilds the table from the
//! snapshot) but which SQLite's messages for a violated check show.
//!
//! Two objects covet never names keep the names the server gave them: PostgreSQL's sequence
//! behind an identity column (`<old table>_<column>_seq`), and the index MySQL creates for a
//! foreign key no other index covers (MariaDB names it after the new key; MySQL 8 may keep the
//! old name). Neither is part of the snapshot, nor addressed by any later migration.

use covet::Backend;
use sea_query::{ForeignKey as SqForeignKey, Index as SqIndex, Table as SqTable};

use super::column::check_name;
use super::sql::Sql;
use super::statements::{add_check, create_index, drop_constraint, foreign_key_def};
use crate::snapshot::{Column, ColumnType, ForeignKey, Index, Table};

/// `RenameTable`: the table, then (PostgreSQL) its key, and its enums' checks.
pub(super) fn table(sql: Sql, table: &Table, to: &str) -> Vec<String> {
    let from = table.name.as_str();
    let mut statements = vec![sql.build(SqTable::rename().table(from.to_owned(), to.to_owned()))];
    let enums = table.columns.iter().filter_map(|column| match &column.ty {
        ColumnType::Enum { variants } => Some((column.name.as_str(), variants)),
        _ => None,
    });
    match sql.0 {
        Backend::Postgres => {
            if !table.primary_key.is_empty() {
                let pkey = |table| covet::schema::constraint_name(table, &[], "pkey");
                statements.push(rename_constraint(sql, to, &pkey(from), &pkey(to)));
            }
            for (column, _) in enums {
                statements.push(rename_constraint(
                    sql,
                    to,
                    &check_name(from, column),
                    &check_name(to, column),
                ));
            }
        }
        // The new check first: the column is never without one.
        Backend::MySql => {
            for (column, variants) in enums {
                statements.push(add_check(sql, to, column, variants));
                statements.push(drop_constraint(sql, to, &check_name(from, column)));
            }
        }
        _ => {}
    }
    statements
}

/// `RenameColumn`: the column, and its check when it is an enum.
pub(super) fn column(sql: Sql, table: &str, column: &Column, to: &str) -> Vec<String> {
    let rename = sql.build(
        SqTable::alter()
            .table(table.to_owned())
            .rename_column(column.name.clone(), to.to_owned()),
    );
    let ColumnType::Enum { variants } = &column.ty else {
        return vec![rename];
    };
    match sql.0 {
        Backend::Postgres => vec![
            rename,
            rename_constraint(
                sql,
                table,
                &check_name(table, &column.name),
                &check_name(table, to),
            ),
        ],
        // MySQL refuses to rename a column a CHECK uses: the check goes first.
        Backend::MySql => vec![
            drop_constraint(sql, table, &check_name(table, &column.name)),
            rename,
            add_check(sql, table, to, variants),
        ],
        _ => vec![rename],
    }
}

/// `RenameIndex`: in place, except on SQLite, which drops the index and creates it again.
pub(super) fn index(sql: Sql, table: &str, index: &Index, to: &str) -> Vec<String> {
    match sql.0 {
        Backend::Postgres => vec![
            sql.write()
                .keyword("ALTER INDEX ")
                .iden(&index.name)
                .keyword(" RENAME TO ")
                .iden(to)
                .finish(),
        ],
        Backend::MySql => vec![
            sql.write()
                .keyword("ALTER TABLE ")
                .iden(table)
                .keyword(" RENAME INDEX ")
                .iden(&index.name)
                .keyword(" TO ")
                .iden(to)
                .finish(),
        ],
        _ => vec![
            sql.build(
                SqIndex::drop()
                    .name(index.name.clone())
                    .table(table.to_owned()),
            ),
            create_index(
                sql,
                table,
                &Index {
                    name: to.to_owned(),
                    ..index.clone()
                },
            ),
        ],
    }
}

/// `RenameForeignKey`: in place on PostgreSQL; dropped and added again on MySQL, which cannot
/// rename one; nothing on SQLite, where covet creates foreign keys without a name.
pub(super) fn foreign_key(sql: Sql, table: &str, key: &ForeignKey, to: &str) -> Vec<String> {
    match sql.0 {
        Backend::Postgres => vec![rename_constraint(sql, table, &key.name, to)],
        Backend::MySql => {
            let renamed = ForeignKey {
                name: to.to_owned(),
                ..key.clone()
            };
            vec![
                sql.build(
                    SqForeignKey::drop()
                        .name(key.name.clone())
                        .table(table.to_owned()),
                ),
                sql.build(
                    SqTable::alter()
                        .table(table.to_owned())
                        .add_foreign_key(foreign_key_def(table, &renamed).get_foreign_key()),
                ),
            ]
        }
        _ => Vec::new(),
    }
}

/// PostgreSQL's `ALTER TABLE t RENAME CONSTRAINT a TO b`.
fn rename_constraint(sql: Sql, table: &str, from: &str, to: &str) -> String {
    sql.write()
        .keyword("ALTER TABLE ")
        .iden(table)
        .keyword(" RENAME CONSTRAINT ")
        .iden(from)
        .keyword(" TO ")
        .iden(to)
        .finish()
}

#[cfg(test)]
mod tests;
