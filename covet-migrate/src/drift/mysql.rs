//! MySQL's and MariaDB's catalog: `information_schema`, in the connection's `DATABASE()`.
//!
//! Every value is cast to `CHAR` or `SIGNED`: MariaDB returns some `information_schema`
//! columns as binary strings. Types are `COLUMN_TYPE`'s (`bigint(20)`, `tinyint(1)`).
//!
//! Two things the server adds on its own are taken back out:
//!
//! - MariaDB's `JSON` is `LONGTEXT` with a `CHECK (json_valid(column))` named after the
//!   column: such a column is reported as `json`, without that check.
//! - InnoDB indexes every foreign key, creating an index named after the constraint when none
//!   fits: an index with the name and columns of one of the table's foreign keys is not
//!   reported.

use covet::{Database, Result};

use super::catalog::{CheckRow, ColumnRow, ForeignKeyRow, IndexRow, Live, LiveTable, Text, fetch};

const VERSION: &str = "SELECT CAST(VERSION() AS CHAR)";

const TABLES: &str = "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'";

const COLUMNS: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
     CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE = 'YES' AS SIGNED), \
     CAST(EXTRA LIKE '%auto_increment%' AS SIGNED), CAST(COLUMN_DEFAULT AS CHAR) \
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, ORDINAL_POSITION";

const INDEXES: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), \
     CAST(NON_UNIQUE = 0 AS SIGNED), CAST(INDEX_NAME = 'PRIMARY' AS SIGNED), \
     CAST(COLUMN_NAME AS CHAR) \
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS: &str = "SELECT CAST(k.TABLE_NAME AS CHAR), CAST(k.CONSTRAINT_NAME AS CHAR), \
     CAST(k.COLUMN_NAME AS CHAR), CAST(k.REFERENCED_TABLE_NAME AS CHAR), \
     CAST(k.REFERENCED_COLUMN_NAME AS CHAR), CAST(r.UPDATE_RULE AS CHAR), \
     CAST(r.DELETE_RULE AS CHAR) \
     FROM information_schema.KEY_COLUMN_USAGE k \
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
      AND r.TABLE_NAME = k.TABLE_NAME \
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// MariaDB names checks per table (a column-level one after its column), and lists the table.
const MARIADB_CHECKS: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), \
     CAST(CHECK_CLAUSE AS CHAR) FROM information_schema.CHECK_CONSTRAINTS \
     WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL names checks per schema, and lists their tables only in `TABLE_CONSTRAINTS`.
const MYSQL_CHECKS: &str = "SELECT CAST(t.TABLE_NAME AS CHAR), CAST(t.CONSTRAINT_NAME AS CHAR), \
     CAST(c.CHECK_CLAUSE AS CHAR) FROM information_schema.TABLE_CONSTRAINTS t \
     JOIN information_schema.CHECK_CONSTRAINTS c \
       ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME \
     WHERE t.TABLE_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'CHECK' \
     ORDER BY t.TABLE_NAME, t.CONSTRAINT_NAME";

/// The live schema of the current database.
pub(super) async fn read(db: &Database) -> Result<Live> {
    let version: Vec<Text> = fetch(db, VERSION).await?;
    let mariadb = version.iter().any(|v| v.0.contains("MariaDB"));
    let tables: Vec<Text> = fetch(db, TABLES).await?;
    let mut live = Live::new(tables.into_iter().map(|t| t.0));
    live.add_columns(fetch::<ColumnRow>(db, COLUMNS).await?);
    live.add_indexes(fetch::<IndexRow>(db, INDEXES).await?);
    live.add_foreign_keys(fetch::<ForeignKeyRow>(db, FOREIGN_KEYS).await?)?;
    let checks = if mariadb {
        MARIADB_CHECKS
    } else {
        MYSQL_CHECKS
    };
    live.add_checks(fetch::<CheckRow>(db, checks).await?);
    for table in live.tables.values_mut() {
        mariadb_json(table);
        drop_foreign_key_indexes(table);
    }
    Ok(live)
}

/// A `LONGTEXT` column with MariaDB's `json_valid` check is a `JSON` column.
fn mariadb_json(table: &mut LiveTable) {
    let LiveTable {
        columns, checks, ..
    } = table;
    checks.retain(|check| {
        let Some(column) = columns.iter_mut().find(|c| c.name == check.name) else {
            return true;
        };
        let clause: String = check
            .clause
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '`')
            .collect();
        let is_json = column.ty.eq_ignore_ascii_case("longtext")
            && clause.eq_ignore_ascii_case(&format!("json_valid({})", column.name));
        if is_json {
            column.ty = "json".to_owned();
        }
        !is_json
    });
}

/// Leaves out the indexes InnoDB made for foreign keys.
fn drop_foreign_key_indexes(table: &mut LiveTable) {
    let LiveTable {
        indexes,
        foreign_keys,
        ..
    } = table;
    indexes.retain(|index| {
        !foreign_keys
            .iter()
            .any(|key| key.name == index.name && key.columns == index.columns)
    });
}
