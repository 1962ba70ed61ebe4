//! SQLite's table-rebuild procedure, for the changes its `ALTER TABLE` cannot make
//! (<https://www.sqlite.org/lang_altertable.html#otheralter>).
//!
//! The statements here are steps 4 to 9 of the documented procedure, for one table:
//!
//! 1. `CREATE TABLE "__covet_new_<table>"` with the table's new definition, written by the same
//!    code as every other `CREATE TABLE` (constraint names are the table's own);
//! 2. `INSERT INTO` it `SELECT` the columns both definitions share from the old table (see
//!    [`ColumnSource`]);
//! 3. when the table numbers its rows with `AUTOINCREMENT`, the old table's counter carried over
//!    to the new one, so that ids of deleted rows are not handed out again;
//! 4. `DROP TABLE` the old table;
//! 5. `ALTER TABLE "__covet_new_<table>" RENAME TO "<table>"`;
//! 6. `CREATE INDEX` for each of the new definition's indexes (they went with the old table).
//!
//! The rest of the procedure belongs to whoever runs the statements, because it must happen
//! outside them: `PRAGMA foreign_keys = OFF` before the transaction (otherwise dropping the old
//! table deletes, or cascades to, every row that references it), and, before committing,
//! [`foreign_key_check`] on every table whose foreign keys involve a rebuilt table, which
//! reports violations as rows. [`Plan`](crate::Plan) puts the checks at the end of the script
//! and sets [`Script::foreign_keys_off`](crate::Script::foreign_keys_off).
//!
//! covet creates no views or triggers; hand-made ones on a rebuilt table are not re-created.

use std::collections::BTreeMap;

use covet::Backend;
use covet::schema::MAX_IDENTIFIER_LEN;
use sea_query::{Expr, ExprTrait, Func, Query, Table as SqTable};
use sha2::{Digest, Sha256};

use super::column::default_expr;
use super::sql::Sql;
use super::statements::{create_index, create_table_as};
use crate::snapshot::{Column, DefaultValue, Table};

/// The prefix of the table a rebuild creates next to the old one: reserved for covet.
const TEMPORARY_PREFIX: &str = "__covet_new_";

/// SQLite's bookkeeping table for `AUTOINCREMENT` counters.
const SEQUENCE_TABLE: &str = "sqlite_sequence";

/// Where a column of the rebuilt table takes its values from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ColumnSource {
    /// The old table's column of this name.
    Column(String),
    /// The old table's column of this name, with `NULL`s replaced by the value (a column that
    /// becomes `NOT NULL`, given a backfill value).
    ColumnOr(String, DefaultValue),
    /// This value in every row (a new `NOT NULL` column, given a backfill value).
    Value(DefaultValue),
}

/// The name of the table a rebuild of `table` creates: `__covet_new_<table>`, shortened like
/// covet's constraint names (the start kept, a hash of the whole appended) when it would be
/// longer than [`MAX_IDENTIFIER_LEN`], so that it is deterministic and valid everywhere.
pub(crate) fn temporary_table_name(table: &str) -> String {
    let name = format!("{TEMPORARY_PREFIX}{table}");
    if name.len() <= MAX_IDENTIFIER_LEN {
        return name;
    }
    let digest = Sha256::digest(name.as_bytes());
    let hash: String = digest[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let mut keep = MAX_IDENTIFIER_LEN - 1 - hash.len();
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}_{hash}", &name[..keep])
}

/// The statements that turn the SQLite table `old` into `new` (the same table) keeping its rows:
/// steps 1 to 6 of the module's list. `sources` says where each of `new`'s columns takes its
/// values from; a column it does not list gets its default (or `NULL`) in every row, which fails
/// on rows for a `NOT NULL` column without a default, as it should.
pub(crate) fn rebuild_table(
    old: &Table,
    new: &Table,
    sources: &BTreeMap<String, ColumnSource>,
) -> Vec<String> {
    let sql = Sql(Backend::Sqlite);
    let temporary = temporary_table_name(&new.name);
    let mut statements = vec![create_table_as(sql, new, &temporary)];
    if let Some(copy) = copy_rows(sql, old, new, &temporary, sources) {
        statements.push(copy);
    }
    if new.columns.iter().any(|column| column.auto_increment) {
        statements.extend(carry_over_counter(sql, &old.name, &temporary));
    }
    statements.push(sql.build(SqTable::drop().table(old.name.clone())));
    statements.push(sql.build(SqTable::rename().table(temporary, new.name.clone())));
    statements.extend(
        new.indexes
            .iter()
            .map(|index| create_index(sql, &new.name, index)),
    );
    statements
}

/// `PRAGMA foreign_key_check("table")`: one row per row of `table` whose foreign key points
/// nowhere; no row when every key holds.
pub(crate) fn foreign_key_check(table: &str) -> String {
    Sql(Backend::Sqlite)
        .write()
        .keyword("PRAGMA foreign_key_check(")
        .iden(table)
        .keyword(")")
        .finish()
}

/// `INSERT INTO temporary (...) SELECT ... FROM old`, or nothing when no column takes values
/// from the old table (then there is nothing to copy but row count, which no column keeps).
fn copy_rows(
    sql: Sql,
    old: &Table,
    new: &Table,
    temporary: &str,
    sources: &BTreeMap<String, ColumnSource>,
) -> Option<String> {
    let mut columns = Vec::new();
    let mut values = Vec::new();
    let mut reads_old_table = false;
    for column in &new.columns {
        let Some(source) = sources.get(&column.name) else {
            continue;
        };
        let value = match source {
            ColumnSource::Column(name) => {
                reads_old_table = true;
                Expr::col(name.clone())
            }
            ColumnSource::ColumnOr(name, fill) => {
                reads_old_table = true;
                Func::coalesce([Expr::col(name.clone()), literal(column, fill)]).into()
            }
            ColumnSource::Value(fill) => literal(column, fill),
        };
        columns.push(column.name.clone());
        values.push(value);
    }
    if !reads_old_table {
        return None;
    }
    let mut select = Query::select();
    select.exprs(values).from(old.name.clone());
    let mut insert = Query::insert();
    insert
        .into_table(temporary.to_owned())
        .columns(columns)
        .select_from(select)
        .expect("one value per column, built together");
    Some(sql.inline(&insert))
}

/// The value of a backfill as a literal of `column`'s type, escaped by sea-query.
fn literal(column: &Column, value: &DefaultValue) -> Expr {
    default_expr(column, value, Backend::Sqlite)
}

/// Copies the old table's `AUTOINCREMENT` counter to the new table (whose own counter only
/// knows the highest id copied): dropping the old table drops its counter, and renaming the new
/// one carries the new counter along.
fn carry_over_counter(sql: Sql, old: &str, temporary: &str) -> [String; 2] {
    let forget = Query::delete()
        .from_table(SEQUENCE_TABLE)
        .and_where(Expr::col("name").eq(temporary))
        .to_owned();
    let mut counter = Query::select();
    counter
        .expr(Expr::val(temporary))
        .column("seq")
        .from(SEQUENCE_TABLE)
        .and_where(Expr::col("name").eq(old));
    let mut copy = Query::insert();
    copy.into_table(SEQUENCE_TABLE)
        .columns(["name", "seq"])
        .select_from(counter)
        .expect("one value per column, built together");
    [sql.inline(&forget), sql.inline(&copy)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_prefixed_and_stay_within_the_identifier_limit() {
        assert_eq!(temporary_table_name("post"), "__covet_new_post");
        let long = "t".repeat(80);
        let name = temporary_table_name(&long);
        assert_eq!(name.len(), MAX_IDENTIFIER_LEN);
        assert!(name.starts_with("__covet_new_ttt"));
        assert_eq!(name, temporary_table_name(&long), "deterministic");
        assert_ne!(name, temporary_table_name(&"t".repeat(81)));
        // A multi-byte character at the cut is kept whole.
        let accented = temporary_table_name(&"é".repeat(40));
        assert!(accented.len() <= MAX_IDENTIFIER_LEN);
    }

    #[test]
    fn the_foreign_key_check_quotes_the_table() {
        assert_eq!(
            foreign_key_check(r#"we"ird"#),
            r#"PRAGMA foreign_key_check("we""ird")"#
        );
    }
}
