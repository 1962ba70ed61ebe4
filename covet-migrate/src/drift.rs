//! Drift: how a live database differs from the schema it should have.
//!
//! [`drift()`] reads the database's catalog and compares it with an expected [`Schema`] (the
//! models' schema, or the snapshot of the last migration applied) object by object, reporting
//! every [`Difference`]. A table created by covet (by its migrations or by
//! [`covet::dev::create_tables`]) from the same schema shows no drift, on every dialect.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use covet::Model;
//! use covet_migrate::{Difference, Schema, drift};
//!
//! #[covet::model]
//! struct Post {
//!     #[covet(primary_key)]
//!     id: i64,
//!     #[covet(max_length = 80)]
//!     title: String,
//!     summary: Option<String>,
//! }
//!
//! let db = covet::Database::connect("sqlite::memory:").await?;
//! covet::dev::create_tables(&db, &[Post::TABLE]).await?;
//! let expected = Schema::from_tables(&[Post::TABLE])?;
//! assert!(drift(&db, &expected).await?.is_empty());
//!
//! // Someone changes the table by hand.
//! covet::unchecked_sql("ALTER TABLE post DROP COLUMN summary").execute(&db).await?;
//! covet::unchecked_sql("CREATE TABLE notes (body text)").execute(&db).await?;
//!
//! let found = drift(&db, &expected).await?;
//! assert_eq!(
//!     found.differences,
//!     [
//!         Difference::UnexpectedTable { table: "notes".into() },
//!         Difference::MissingColumn { table: "post".into(), column: "summary".into() },
//!     ]
//! );
//! assert_eq!(found.to_string(), "notes: unexpected table\npost.summary: missing column");
//! # Ok(()) }
//! ```
//!
//! ## What is compared
//!
//! - **Tables**, by name: missing and unexpected ones. The migration history table
//!   (`covet_migrations`), covet's `__covet*` tables and SQLite's `sqlite_*` tables are never
//!   reported; on PostgreSQL only the connection's `current_schema()` is read, on MySQL and
//!   MariaDB only its `DATABASE()`.
//! - **Columns**, by name: missing and unexpected ones, and of each column
//!   - the **type**, as the dialect reports it, against the type covet's `CREATE TABLE` gives
//!     the column on that dialect, both in one spelling per dialect (`character varying(80)`
//!     is `varchar(80)`, MariaDB's `bigint(20)` is `bigint` and `tinyint(1)` is `bool`,
//!     MariaDB's `LONGTEXT` with its `json_valid` check is `json`);
//!   - **nullability**;
//!   - **auto-increment**: an identity or `serial` column on PostgreSQL, `AUTO_INCREMENT` on
//!     MySQL, the `INTEGER PRIMARY KEY` of a table declared `AUTOINCREMENT` on SQLite;
//!   - the **default**: its presence, and its value where the value is reliable: a literal is
//!     compared as a value once the dialect's casts and quotes are removed (PostgreSQL's
//!     `'en'::character varying` is `'en'`, MariaDB's `1` is `TRUE`, numbers numerically), and
//!     a `now` default matches any expression that reads the clock, since every dialect and
//!     column type spells it differently (`CURRENT_TIMESTAMP(6)`, `curdate()`, SQLite's
//!     `strftime(...)`).
//! - The **primary key**'s columns, in key order.
//! - **Indexes**, by name: missing and unexpected ones, and their columns (in order) and
//!   uniqueness.
//! - **Foreign keys**, by name: missing and unexpected ones, their columns, referenced table
//!   and columns, `ON DELETE` and `ON UPDATE`. SQLite keeps a key's name only in the
//!   `CREATE TABLE` text (and covet writes none there): a key without one is matched by its
//!   columns. MariaDB keeps `SET DEFAULT`, which InnoDB does not implement, as `RESTRICT`:
//!   there, `RESTRICT` is what a `set_default` key is expected to be.
//! - **`CHECK` constraints**: each enum column's (named after the table and column) must exist
//!   and allow exactly the enum's values (the string literals of its condition are compared
//!   with the variants); any other check is unexpected.
//!
//! ## What is not
//!
//! - **Column order**: no dialect reorders columns, and no migration does.
//! - **Character sets and collations**, including the binary collation of an enum column on
//!   MySQL: they are not part of a snapshot's type.
//! - **Constraint names of primary keys** (MySQL calls them all `PRIMARY`, SQLite keeps none).
//! - **Index details** beyond columns and uniqueness: the method (B-tree, hash), a partial
//!   index's `WHERE`, `INCLUDE` columns; an expression in an index shows as `(expression)`.
//!   Indexes the database makes for itself are not reported: InnoDB's index for a foreign
//!   key (named after the key), the index of a primary key. (SQLite's `sqlite_autoindex_*`
//!   for an inline `UNIQUE` is: covet declares unique indexes, never inline constraints.)
//! - **Conditions of other checks** than enums' beyond their text: an unexpected check is
//!   reported with its condition as the database writes it.
//! - Table options (engine, `AUTO_INCREMENT` counters, `WITHOUT ROWID`, `STRICT`), views,
//!   triggers, sequences, comments, privileges: a snapshot has none of them.
//!
//! ## How the catalog is read
//!
//! With static catalog queries through [`covet::unchecked_sql`], one module per dialect:
//! `pg_catalog` on PostgreSQL; `information_schema` on MySQL and MariaDB (every value cast to
//! `CHAR`, which MariaDB needs for some of its columns); `sqlite_master` and the table-valued
//! pragmas (`pragma_table_info`, `pragma_index_list`, `pragma_index_info`,
//! `pragma_foreign_key_list`) on SQLite, whose check constraints, foreign key names and
//! `AUTOINCREMENT` are read from the `CREATE TABLE` text by a tokenizer that knows quoting.

mod catalog;
mod compare;
mod defaults;
mod difference;
mod mysql;
mod postgres;
mod sqlite;
mod types;

use std::fmt;

use covet::Database;

pub use difference::Difference;

use crate::snapshot::Schema;

/// Every difference between the live database `db` and `expected`.
///
/// See the [module documentation](self) for what is compared.
///
/// # Errors
///
/// Any database error from the catalog queries, classified by covet.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use covet::Model;
///
/// #[covet::model]
/// struct Tag {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(unique, max_length = 40)]
///     label: String,
/// }
///
/// let db = covet::Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Tag::TABLE]).await?;
/// covet::unchecked_sql("DROP INDEX tag_label_key").execute(&db).await?;
///
/// let expected = covet_migrate::Schema::from_tables(&[Tag::TABLE])?;
/// let drift = covet_migrate::drift(&db, &expected).await?;
/// assert_eq!(drift.to_string(), "tag: missing unique index tag_label_key (label)");
/// # Ok(()) }
/// ```
pub async fn drift(db: &Database, expected: &Schema) -> Result<Drift, covet::Error> {
    let live = catalog::read(db).await?;
    Ok(Drift::new(compare::compare(expected, &live, db.backend())))
}

/// What [`drift()`] found: every difference, in a stable order (by table, then by the
/// difference's text).
///
/// Its [`Display`](fmt::Display) is one line per difference, and nothing when there is none.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Difference, Drift};
///
/// let drift = Drift::default();
/// assert!(drift.is_empty());
/// assert_eq!(drift.to_string(), "");
///
/// let drift = Drift {
///     differences: vec![Difference::UnexpectedTable { table: "audit".into() }],
/// };
/// assert_eq!(drift.to_string(), "audit: unexpected table");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drift {
    /// The differences, sorted by table, then by their text.
    pub differences: Vec<Difference>,
}

impl Drift {
    fn new(mut differences: Vec<Difference>) -> Self {
        differences.sort_by_cached_key(|d| (d.table().to_owned(), d.to_string()));
        Self { differences }
    }

    /// Whether the database is as expected.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(covet_migrate::Drift::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, difference) in self.differences.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{difference}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
