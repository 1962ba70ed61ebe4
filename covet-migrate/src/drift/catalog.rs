//! What the database says it has, in one shape for every dialect: the rows the dialects'
//! catalog queries return, and the tables they are gathered into.

use std::collections::BTreeMap;

use covet::{Backend, Database, ErrorKind, FromRow, Result, Row};

use super::{mysql, postgres, sqlite};
use crate::snapshot::{ForeignKey, Index, ReferentialAction};

/// Whether drift leaves a table alone: the migration history and covet's own tables, and
/// SQLite's internal ones.
pub(super) fn ignored(table: &str) -> bool {
    table == "covet_migrations" || table.starts_with("__covet") || table.starts_with("sqlite_")
}

/// Reads the live schema of `db`'s dialect.
pub(super) async fn read(db: &Database) -> Result<Live> {
    match db.backend() {
        Backend::Postgres => postgres::read(db).await,
        Backend::MySql => mysql::read(db).await,
        _ => sqlite::read(db).await,
    }
}

/// Runs one static catalog query.
pub(super) async fn fetch<T: FromRow>(db: &Database, sql: &'static str) -> Result<Vec<T>> {
    covet::unchecked_sql(sql).fetch_all(db).await
}

/// The database's tables, by name.
#[derive(Debug, Default)]
pub(super) struct Live {
    pub(super) tables: BTreeMap<String, LiveTable>,
}

/// A table as the catalog describes it.
#[derive(Debug, Default)]
pub(super) struct LiveTable {
    /// In the table's column order.
    pub(super) columns: Vec<LiveColumn>,
    pub(super) primary_key: Vec<String>,
    /// Every index but the primary key's.
    pub(super) indexes: Vec<Index>,
    /// An empty name is an unnamed key (SQLite).
    pub(super) foreign_keys: Vec<ForeignKey>,
    pub(super) checks: Vec<Check>,
}

impl LiveTable {
    pub(super) fn column(&self, name: &str) -> Option<&LiveColumn> {
        self.columns.iter().find(|column| column.name == name)
    }
}

/// A column as the catalog describes it: the type and default as the dialect writes them.
#[derive(Debug)]
pub(super) struct LiveColumn {
    pub(super) name: String,
    pub(super) ty: String,
    pub(super) nullable: bool,
    pub(super) auto_increment: bool,
    pub(super) default: Option<String>,
}

/// A `CHECK` constraint: its name (empty when unnamed) and its condition.
#[derive(Debug, PartialEq)]
pub(super) struct Check {
    pub(super) name: String,
    pub(super) clause: String,
}

/// One text value.
pub(super) struct Text(pub(super) String);

impl FromRow for Text {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        row.decode(0).map(Text)
    }
}

/// `table, column, type, nullable (0/1), auto-increment (0/1), default`.
pub(super) struct ColumnRow {
    table: String,
    column: LiveColumn,
}

impl FromRow for ColumnRow {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        Ok(Self {
            table: row.decode(0)?,
            column: LiveColumn {
                name: row.decode(1)?,
                ty: row.decode(2)?,
                nullable: row.decode::<i64>(3)? != 0,
                auto_increment: row.decode::<i64>(4)? != 0,
                default: row.decode(5)?,
            },
        })
    }
}

/// `table, index, unique (0/1), primary key (0/1), column`: one row per indexed column, in
/// key order; the column is `NULL` for an expression.
pub(super) struct IndexRow {
    table: String,
    name: String,
    unique: bool,
    primary: bool,
    column: Option<String>,
}

impl FromRow for IndexRow {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        Ok(Self {
            table: row.decode(0)?,
            name: row.decode(1)?,
            unique: row.decode::<i64>(2)? != 0,
            primary: row.decode::<i64>(3)? != 0,
            column: row.decode(4)?,
        })
    }
}

/// `table, key, column, referenced table, referenced column, on update, on delete`: one row
/// per column, in key order. The referenced column is `NULL` when SQLite's key names none
/// (it then references the primary key).
pub(super) struct ForeignKeyRow {
    table: String,
    name: String,
    column: String,
    references_table: String,
    references_column: Option<String>,
    on_update: String,
    on_delete: String,
}

impl FromRow for ForeignKeyRow {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        Ok(Self {
            table: row.decode(0)?,
            name: row.decode(1)?,
            column: row.decode(2)?,
            references_table: row.decode(3)?,
            references_column: row.decode(4)?,
            on_update: row.decode(5)?,
            on_delete: row.decode(6)?,
        })
    }
}

/// `table, name, clause`.
pub(super) struct CheckRow {
    table: String,
    check: Check,
}

impl FromRow for CheckRow {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        Ok(Self {
            table: row.decode(0)?,
            check: Check {
                name: row.decode(1)?,
                clause: row.decode(2)?,
            },
        })
    }
}

impl Live {
    /// The named tables, empty, less the [`ignored`] ones. Rows of other tables (views, ignored
    /// tables) are dropped as they are added.
    pub(super) fn new(tables: impl IntoIterator<Item = String>) -> Self {
        let tables = tables
            .into_iter()
            .filter(|name| !ignored(name))
            .map(|name| (name, LiveTable::default()))
            .collect();
        Self { tables }
    }

    pub(super) fn add_columns(&mut self, rows: Vec<ColumnRow>) {
        for row in rows {
            if let Some(table) = self.tables.get_mut(&row.table) {
                table.columns.push(row.column);
            }
        }
    }

    /// Rows come ordered by table, index and position; the primary key's become the key.
    pub(super) fn add_indexes(&mut self, rows: Vec<IndexRow>) {
        for row in rows {
            let Some(table) = self.tables.get_mut(&row.table) else {
                continue;
            };
            let column = row.column.unwrap_or_else(|| "(expression)".to_owned());
            if row.primary {
                table.primary_key.push(column);
                continue;
            }
            match table.indexes.last_mut() {
                Some(index) if index.name == row.name => index.columns.push(column),
                _ => table.indexes.push(Index {
                    name: row.name,
                    columns: vec![column],
                    unique: row.unique,
                }),
            }
        }
    }

    /// Rows come ordered by table, key and position.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Decode`] for an action the catalog should not hold.
    pub(super) fn add_foreign_keys(&mut self, rows: Vec<ForeignKeyRow>) -> Result<()> {
        for row in rows {
            let Some(table) = self.tables.get_mut(&row.table) else {
                continue;
            };
            match table.foreign_keys.last_mut() {
                Some(key) if key.name == row.name => {
                    key.columns.push(row.column);
                    key.references_columns.extend(row.references_column);
                }
                _ => table.foreign_keys.push(ForeignKey {
                    name: row.name,
                    columns: vec![row.column],
                    references_table: row.references_table,
                    references_columns: row.references_column.into_iter().collect(),
                    on_delete: action(&row.on_delete)?,
                    on_update: action(&row.on_update)?,
                }),
            }
        }
        Ok(())
    }

    pub(super) fn add_checks(&mut self, rows: Vec<CheckRow>) {
        for row in rows {
            if let Some(table) = self.tables.get_mut(&row.table) {
                table.checks.push(row.check);
            }
        }
    }
}

/// A referential action as the catalogs write it: in words (MySQL, SQLite) or as PostgreSQL's
/// one-letter code.
fn action(text: &str) -> Result<ReferentialAction> {
    Ok(match text.to_ascii_uppercase().as_str() {
        "NO ACTION" | "A" => ReferentialAction::NoAction,
        "RESTRICT" | "R" => ReferentialAction::Restrict,
        "CASCADE" | "C" => ReferentialAction::Cascade,
        "SET NULL" | "N" => ReferentialAction::SetNull,
        "SET DEFAULT" | "D" => ReferentialAction::SetDefault,
        _ => {
            return Err(covet::Error::new(
                ErrorKind::Decode,
                format!("unknown referential action `{text}` in the catalog"),
            ));
        }
    })
}
