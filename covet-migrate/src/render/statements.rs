//! The statements of each operation, per dialect.

use covet::Backend;
use sea_query::{ForeignKey as SqForeignKey, ForeignKeyAction, Index as SqIndex, Table as SqTable};

use super::column::{
    check_name, column_def, default_expr, enum_check_expr, sql_type, unsized_type,
};
use super::sql::{Sql, Writer};
use super::{RenderError, rename};
use crate::operation::Operation;
use crate::snapshot::{Column, ColumnType, ForeignKey, Index, ReferentialAction, Table};

/// See [`super::render`]; `current` is the altered column before `op`, when known.
pub(super) fn render(
    op: &Operation,
    backend: Backend,
    current: Option<&Column>,
) -> Result<Vec<String>, RenderError> {
    if !matches!(
        backend,
        Backend::Postgres | Backend::MySql | Backend::Sqlite
    ) {
        return Err(RenderError::UnsupportedBackend {
            backend: backend.to_string(),
        });
    }
    let sql = Sql(backend);
    if backend == Backend::Sqlite && !sqlite_alters(op) {
        return Err(RenderError::NeedsTableRebuild {
            table: op.table().to_owned(),
            operation: op.to_string(),
        });
    }
    let needs_column = |column: &str| RenderError::NeedsColumnDefinition {
        table: op.table().to_owned(),
        column: column.to_owned(),
    };
    Ok(match op {
        Operation::CreateTable(table) => create_table(sql, table),
        Operation::DropTable(table) => vec![sql.build(SqTable::drop().table(table.name.clone()))],
        Operation::AddColumn { table, column } => {
            let mut statements = vec![
                sql.build(
                    SqTable::alter()
                        .table(table.clone())
                        .add_column(column_def(column, backend, true)),
                ),
            ];
            if let ColumnType::Enum { variants } = &column.ty {
                statements.push(add_check(sql, table, &column.name, variants));
            }
            statements
        }
        Operation::DropColumn { table, column } => {
            let mut statements = Vec::new();
            // MySQL refuses to drop a column a CHECK uses; drop the enum's check first.
            if matches!(column.ty, ColumnType::Enum { .. }) {
                statements.push(drop_check(sql, table, &column.name));
            }
            statements.push(
                sql.build(
                    SqTable::alter()
                        .table(table.clone())
                        .drop_column(column.name.clone()),
                ),
            );
            statements
        }
        Operation::AlterColumnType {
            table,
            column,
            from,
            to,
        } => {
            let mut statements = Vec::new();
            if matches!(from, ColumnType::Enum { .. }) {
                statements.push(drop_check(sql, table, column));
            }
            let changes_sql_type = sql_type(from, false, backend) != sql_type(to, false, backend);
            if changes_sql_type {
                statements.push(match backend {
                    Backend::Postgres => {
                        // The `USING` cast makes conversions without an assignment cast
                        // (text to integer, say) possible. It casts to the type without its
                        // length or precision: an explicit cast to `varchar(20)` would cut
                        // longer values silently, whereas the assignment to the column that
                        // follows refuses them ("value too long").
                        alter_column(sql, table, column)
                            .keyword(" TYPE ")
                            .column_type(&sql_type(to, false, backend))
                            .keyword(" USING ")
                            .iden(column)
                            .keyword("::")
                            .column_type(&sql_type(&unsized_type(to), false, backend))
                            .finish()
                    }
                    _ => {
                        let current = current.ok_or_else(|| needs_column(column))?;
                        modify_column(
                            sql,
                            table,
                            &Column {
                                ty: to.clone(),
                                name: column.clone(),
                                ..current.clone()
                            },
                        )
                    }
                });
            }
            if let ColumnType::Enum { variants } = to {
                statements.push(add_check(sql, table, column, variants));
            }
            statements
        }
        Operation::AlterColumnNullability {
            table,
            column,
            nullable,
        } => vec![match backend {
            Backend::Postgres => alter_column(sql, table, column)
                .keyword(if *nullable {
                    " DROP NOT NULL"
                } else {
                    " SET NOT NULL"
                })
                .finish(),
            _ => {
                let current = current.ok_or_else(|| needs_column(column))?;
                modify_column(
                    sql,
                    table,
                    &Column {
                        nullable: *nullable,
                        name: column.clone(),
                        ..current.clone()
                    },
                )
            }
        }],
        Operation::AlterColumnDefault {
            table, column, to, ..
        } => {
            let alter = alter_column(sql, table, column);
            vec![match to {
                None => alter.keyword(" DROP DEFAULT").finish(),
                Some(default) => {
                    let is_now = matches!(default, crate::DefaultValue::CurrentTimestamp);
                    match (is_now, current) {
                        // `now` depends on the column's type; MySQL accepts such an expression
                        // only in a full column definition.
                        (true, None) => return Err(needs_column(column)),
                        (true, Some(current)) if backend == Backend::MySql => modify_column(
                            sql,
                            table,
                            &Column {
                                default: Some(default.clone()),
                                name: column.clone(),
                                ..current.clone()
                            },
                        ),
                        (_, current) => {
                            // Only `now` reads the column (its type); a literal does not.
                            let column = current
                                .cloned()
                                .unwrap_or_else(|| Column::new(column.clone(), ColumnType::Text));
                            alter
                                .keyword(" SET DEFAULT ")
                                .expr(&default_expr(&column, default, backend))
                                .finish()
                        }
                    }
                }
            }]
        }
        Operation::AlterColumnAutoIncrement {
            table,
            column,
            auto_increment,
        } => vec![match backend {
            Backend::Postgres => alter_column(sql, table, column)
                .keyword(if *auto_increment {
                    " ADD GENERATED BY DEFAULT AS IDENTITY"
                } else {
                    " DROP IDENTITY"
                })
                .finish(),
            _ => {
                let current = current.ok_or_else(|| needs_column(column))?;
                modify_column(
                    sql,
                    table,
                    &Column {
                        auto_increment: *auto_increment,
                        name: column.clone(),
                        ..current.clone()
                    },
                )
            }
        }],
        Operation::AddIndex { table, index } => vec![create_index(sql, table, index)],
        Operation::DropIndex { table, index } => vec![
            sql.build(
                SqIndex::drop()
                    .name(index.name.clone())
                    .table(table.clone()),
            ),
        ],
        Operation::AddForeignKey { table, foreign_key } => vec![
            sql.build(
                SqTable::alter()
                    .table(table.clone())
                    .add_foreign_key(foreign_key_def(table, foreign_key).get_foreign_key()),
            ),
        ],
        Operation::DropForeignKey { table, foreign_key } => vec![
            sql.build(
                SqForeignKey::drop()
                    .name(foreign_key.name.clone())
                    .table(table.clone()),
            ),
        ],
        Operation::RenameTable { table, to } => rename::table(sql, table, to),
        Operation::RenameColumn { table, column, to } => rename::column(sql, table, column, to),
        Operation::RenameIndex { table, index, to } => rename::index(sql, table, index, to),
        Operation::RenameForeignKey {
            table,
            foreign_key,
            to,
        } => rename::foreign_key(sql, table, foreign_key, to),
        Operation::ChangePrimaryKey { table, from, to } => {
            let name = covet::schema::constraint_name(table, &[], "pkey");
            let mut alter = sql.write().keyword("ALTER TABLE ").iden(table);
            if !from.is_empty() {
                alter = match backend {
                    Backend::MySql => alter.keyword(" DROP PRIMARY KEY"),
                    _ => alter.keyword(" DROP CONSTRAINT ").iden(&name),
                };
            }
            if !to.is_empty() {
                if !from.is_empty() {
                    alter = alter.keyword(",");
                }
                alter = alter
                    .keyword(" ADD CONSTRAINT ")
                    .iden(&name)
                    .keyword(" PRIMARY KEY ")
                    .idens(to);
            }
            if from.is_empty() && to.is_empty() {
                Vec::new()
            } else {
                vec![alter.finish()]
            }
        }
    })
}

/// Whether SQLite's `ALTER TABLE` (3.35+) can perform `op` without a table rebuild.
fn sqlite_alters(op: &Operation) -> bool {
    match op {
        Operation::CreateTable(_)
        | Operation::DropTable(_)
        | Operation::AddIndex { .. }
        | Operation::DropIndex { .. }
        | Operation::RenameTable { .. }
        | Operation::RenameColumn { .. }
        | Operation::RenameIndex { .. }
        | Operation::RenameForeignKey { .. } => true,
        // ADD COLUMN refuses a NOT NULL column without a default, a key, and a non-constant
        // default; covet's enum CHECK is a table constraint, which ADD COLUMN cannot add.
        Operation::AddColumn { column, .. } => {
            (column.nullable || column.default.is_some())
                && !column.auto_increment
                && !matches!(column.default, Some(crate::DefaultValue::CurrentTimestamp))
                && !matches!(column.ty, ColumnType::Enum { .. })
        }
        // DROP COLUMN refuses a key column and one a table CHECK names. The diff drops the
        // indexes and foreign keys covering a column before the column itself.
        Operation::DropColumn { column, .. } => {
            !column.auto_increment && !matches!(column.ty, ColumnType::Enum { .. })
        }
        _ => false,
    }
}

/// `CREATE TABLE` and its indexes, exactly as [`covet::schema::create_table_statements`]
/// writes them for the same table.
fn create_table(sql: Sql, table: &Table) -> Vec<String> {
    let mut statements = vec![create_table_as(sql, table, &table.name)];
    statements.extend(
        table
            .indexes
            .iter()
            .map(|index| create_index(sql, &table.name, index)),
    );
    statements
}

/// `CREATE TABLE` of `table`'s columns, key, checks and foreign keys under the name `name`
/// (SQLite's table rebuild creates the new table under a temporary name). Constraint names stay
/// those of `table`, which the table has again once renamed back.
pub(super) fn create_table_as(sql: Sql, table: &Table, name: &str) -> String {
    let mut create = SqTable::create();
    create.table(name.to_owned());
    for column in &table.columns {
        create.col(column_def(column, sql.0, true));
    }
    let inline_key = table.primary_key.len() == 1 && table.columns.iter().any(|c| c.auto_increment);
    if !inline_key && !table.primary_key.is_empty() {
        let mut key = SqIndex::create();
        key.name(covet::schema::constraint_name(&table.name, &[], "pkey"));
        for column in &table.primary_key {
            key.col(column.clone());
        }
        create.primary_key(&mut key);
    }
    for column in &table.columns {
        if let ColumnType::Enum { variants } = &column.ty {
            create.check((
                check_name(&table.name, &column.name),
                enum_check_expr(&column.name, variants),
            ));
        }
    }
    for foreign_key in &table.foreign_keys {
        create.foreign_key(&mut foreign_key_def(&table.name, foreign_key));
    }
    sql.build(&create)
}

pub(super) fn create_index(sql: Sql, table: &str, index: &Index) -> String {
    let mut create = SqIndex::create();
    create.name(index.name.clone()).table(table.to_owned());
    for column in &index.columns {
        create.col(column.clone());
    }
    if index.unique {
        create.unique();
    }
    sql.build(&create)
}

pub(super) fn foreign_key_def(
    table: &str,
    key: &ForeignKey,
) -> sea_query::ForeignKeyCreateStatement {
    let mut fk = SqForeignKey::create();
    fk.name(key.name.clone())
        .from_tbl(table.to_owned())
        .to_tbl(key.references_table.clone())
        .on_delete(action(key.on_delete))
        .on_update(action(key.on_update));
    for column in &key.columns {
        fk.from_col(column.clone());
    }
    for column in &key.references_columns {
        fk.to_col(column.clone());
    }
    fk
}

fn action(action: ReferentialAction) -> ForeignKeyAction {
    match action {
        ReferentialAction::NoAction => ForeignKeyAction::NoAction,
        ReferentialAction::Restrict => ForeignKeyAction::Restrict,
        ReferentialAction::Cascade => ForeignKeyAction::Cascade,
        ReferentialAction::SetNull => ForeignKeyAction::SetNull,
        ReferentialAction::SetDefault => ForeignKeyAction::SetDefault,
    }
}

/// MySQL's `MODIFY COLUMN` restating the whole column (its key stays as it is).
fn modify_column(sql: Sql, table: &str, column: &Column) -> String {
    sql.build(
        SqTable::alter()
            .table(table.to_owned())
            .modify_column(column_def(column, sql.0, false)),
    )
}

/// `ALTER TABLE t ADD CONSTRAINT <table>_<column>_check CHECK (column IN (...))`.
pub(super) fn add_check(sql: Sql, table: &str, column: &str, variants: &[String]) -> String {
    sql.write()
        .keyword("ALTER TABLE ")
        .iden(table)
        .keyword(" ADD ")
        .check(
            &check_name(table, column),
            enum_check_expr(column, variants),
        )
        .finish()
}

/// `ALTER TABLE t DROP CONSTRAINT <table>_<column>_check`.
fn drop_check(sql: Sql, table: &str, column: &str) -> String {
    drop_constraint(sql, table, &check_name(table, column))
}

/// `ALTER TABLE t DROP CONSTRAINT name`.
pub(super) fn drop_constraint(sql: Sql, table: &str, name: &str) -> String {
    sql.build(
        SqTable::alter()
            .table(table.to_owned())
            .drop_constraint(name.to_owned()),
    )
}

/// `ALTER TABLE table ALTER COLUMN column`, to be completed with the change.
fn alter_column(sql: Sql, table: &str, column: &str) -> Writer {
    sql.write()
        .keyword("ALTER TABLE ")
        .iden(table)
        .keyword(" ALTER COLUMN ")
        .iden(column)
}
