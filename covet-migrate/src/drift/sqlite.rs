//! SQLite's catalog: `sqlite_master` and the table-valued pragmas, in the main database.
//!
//! Types are as the `CREATE TABLE` wrote them. What the pragmas do not say is read from the
//! `CREATE TABLE` text ([`ddl`]): the names of `CHECK` constraints and their conditions, the
//! names of foreign keys, and `AUTOINCREMENT`. A column is auto-increment when it is the
//! table's `INTEGER PRIMARY KEY` and the table says `AUTOINCREMENT` (which SQLite allows on
//! that column only).

mod ddl;

use covet::{Database, FromRow, Result, Row};

use super::catalog::{ColumnRow, ForeignKeyRow, IndexRow, Live, fetch};

const TABLES: &str = "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table'";

/// A column numbers rows when it is the whole key and declared exactly `INTEGER`.
const COLUMNS: &str = "SELECT m.name, p.name, p.type, 1 - p.\"notnull\", \
     p.pk = 1 AND lower(p.type) = 'integer' \
       AND (SELECT count(*) FROM pragma_table_info(m.name) AS q WHERE q.pk > 0) = 1, \
     p.dflt_value \
     FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p \
     WHERE m.type = 'table' ORDER BY m.name, p.cid";

/// The primary key, as a pseudo-index (SQLite has none for a rowid key).
const PRIMARY_KEYS: &str = "SELECT m.name, '', 1, 1, p.name \
     FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p \
     WHERE m.type = 'table' AND p.pk > 0 ORDER BY m.name, p.pk";

const INDEXES: &str = "SELECT m.name, il.name, il.\"unique\", 0, ii.name \
     FROM sqlite_master AS m JOIN pragma_index_list(m.name) AS il \
     JOIN pragma_index_info(il.name) AS ii \
     WHERE m.type = 'table' AND il.origin <> 'pk' ORDER BY m.name, il.name, ii.seqno";

/// Keyed by SQLite's id; named from the `CREATE TABLE` text afterwards.
const FOREIGN_KEYS: &str = "SELECT m.name, CAST(f.id AS TEXT), f.\"from\", f.\"table\", f.\"to\", \
     f.on_update, f.on_delete \
     FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f \
     WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq";

/// A table's name and `CREATE TABLE` text.
struct TableRow(String, String);

impl FromRow for TableRow {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        Ok(Self(row.decode(0)?, row.decode(1)?))
    }
}

/// The live schema of the main database.
pub(super) async fn read(db: &Database) -> Result<Live> {
    let tables: Vec<TableRow> = fetch(db, TABLES).await?;
    let mut live = Live::new(tables.iter().map(|t| t.0.clone()));
    live.add_columns(fetch::<ColumnRow>(db, COLUMNS).await?);
    live.add_indexes(fetch::<IndexRow>(db, PRIMARY_KEYS).await?);
    live.add_indexes(fetch::<IndexRow>(db, INDEXES).await?);
    live.add_foreign_keys(fetch::<ForeignKeyRow>(db, FOREIGN_KEYS).await?)?;
    for TableRow(name, sql) in &tables {
        let Some(table) = live.tables.get_mut(name) else {
            continue;
        };
        let ddl = ddl::parse(sql);
        if !ddl.autoincrement {
            for column in &mut table.columns {
                column.auto_increment = false;
            }
        }
        for key in &mut table.foreign_keys {
            key.name = ddl
                .foreign_keys
                .iter()
                .find(|(columns, _)| *columns == key.columns)
                .map(|(_, name)| name.clone())
                .unwrap_or_default();
        }
        table.checks = ddl.checks;
    }
    resolve_implicit_references(&mut live);
    Ok(live)
}

/// `REFERENCES parent` without columns references the parent's primary key.
fn resolve_implicit_references(live: &mut Live) {
    let keys: Vec<(String, Vec<String>)> = live
        .tables
        .iter()
        .map(|(name, table)| (name.clone(), table.primary_key.clone()))
        .collect();
    for table in live.tables.values_mut() {
        for key in &mut table.foreign_keys {
            if key.references_columns.is_empty()
                && let Some((_, primary_key)) =
                    keys.iter().find(|(name, _)| *name == key.references_table)
            {
                key.references_columns.clone_from(primary_key);
            }
        }
    }
}
