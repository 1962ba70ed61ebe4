//! An owned, serializable mirror of covet's schema description: what the models said when the
//! last migration was made.
//!
//! [`covet::schema`] describes tables with `&'static` data compiled into the program; a snapshot
//! has to outlive the program that wrote it, so it is owned and round-trips through JSON
//! ([`Schema::to_json`], [`Schema::from_json`]).
//!
//! A snapshot records the database's schema and nothing Rust-only: the model's and fields'
//! Rust names, `#[covet(generated)]` (which changes what `insert` sends, not the table) and
//! the Rust enum's name (covet names an enum's `CHECK` after the table and column) are left
//! out, so that renaming a struct, a field or an enum type never yields a migration. Renames of
//! tables and columns declared with `renamed_from` are not in it either: they are events
//! between two snapshots, not state, and are taken from the models separately ([`Renames`]). Indexes
//! and foreign keys are kept sorted by name and enum variants sorted, because their order means
//! nothing to the database; columns keep the models' order, which `CREATE TABLE` will use.
//!
//! ```
//! use covet_migrate::snapshot::{ColumnType, Schema};
//!
//! #[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
//! enum Status {
//!     Published,
//!     Draft,
//! }
//!
//! #[covet::model]
//! struct Post {
//!     #[covet(primary_key)]
//!     id: i64,
//!     status: Status,
//! }
//!
//! static MODELS: covet::Registry = covet::models![Post];
//!
//! let schema = Schema::from_registry(&MODELS)?;
//! let status = schema.tables["post"].column("status").unwrap();
//! // No enum name, and the variants as a sorted set.
//! assert_eq!(status.ty, ColumnType::Enum { variants: vec!["draft".into(), "published".into()] });
//! # Ok::<(), covet_migrate::SnapshotError>(())
//! ```

mod error;
mod from_covet;
mod json;
mod renames;
mod renaming;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use error::SnapshotError;
pub use json::FORMAT_VERSION;
pub use renames::Renames;

/// Every table of a program's models, by table name.
///
/// # Examples
///
/// ```
/// #[covet::model]
/// struct Author {
///     #[covet(primary_key)]
///     id: i64,
///     name: String,
/// }
///
/// static MODELS: covet::Registry = covet::models![Author];
///
/// let schema = covet_migrate::Schema::from_registry(&MODELS)?;
/// let author = &schema.tables["author"];
/// assert_eq!(author.primary_key, ["id"]);
/// assert_eq!(author.column("name").unwrap().nullable, false);
/// # Ok::<(), covet_migrate::SnapshotError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// The tables, by name. A `BTreeMap` so that iteration, and so the diff and the JSON, are
    /// in a stable order.
    pub tables: BTreeMap<String, Table>,
}

/// A table: the owned form of [`covet::schema::TableDef`].
///
/// # Examples
///
/// ```
/// use covet_migrate::{Column, ColumnType, Table};
///
/// let mut table = Table::new("tag");
/// table.columns.push(Column::new("id", ColumnType::BigInt));
/// table.primary_key.push("id".into());
/// assert!(table.column("id").is_some());
/// assert!(table.column("label").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// The table's name in the database.
    pub name: String,
    /// The columns, in the model's field order.
    pub columns: Vec<Column>,
    /// The primary key's column names, in key order.
    pub primary_key: Vec<String>,
    /// Indexes, unique ones included, sorted by name.
    pub indexes: Vec<Index>,
    /// Foreign keys, sorted by name.
    pub foreign_keys: Vec<ForeignKey>,
}

impl Table {
    /// An empty table named `name`: no columns, no key, no indexes.
    ///
    /// # Examples
    ///
    /// ```
    /// let table = covet_migrate::Table::new("audit");
    /// assert_eq!(table.name, "audit");
    /// assert!(table.columns.is_empty());
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
        }
    }

    /// The column named `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{Column, ColumnType, Table};
    ///
    /// let mut table = Table::new("tag");
    /// table.columns.push(Column::new("label", ColumnType::Text));
    /// assert_eq!(table.column("label").unwrap().ty, ColumnType::Text);
    /// ```
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// The index named `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{Index, Table};
    ///
    /// let mut table = Table::new("tag");
    /// table.indexes.push(Index { name: "tag_label_key".into(), columns: vec!["label".into()], unique: true });
    /// assert!(table.index("tag_label_key").unwrap().unique);
    /// ```
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|index| index.name == name)
    }

    /// The foreign key named `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{ForeignKey, ReferentialAction, Table};
    ///
    /// let mut table = Table::new("post");
    /// table.foreign_keys.push(ForeignKey {
    ///     name: "post_author_id_fkey".into(),
    ///     columns: vec!["author_id".into()],
    ///     references_table: "author".into(),
    ///     references_columns: vec!["id".into()],
    ///     on_delete: ReferentialAction::Cascade,
    ///     on_update: ReferentialAction::NoAction,
    /// });
    /// assert_eq!(table.foreign_key("post_author_id_fkey").unwrap().references_table, "author");
    /// ```
    pub fn foreign_key(&self, name: &str) -> Option<&ForeignKey> {
        self.foreign_keys.iter().find(|key| key.name == name)
    }

    /// Puts indexes and foreign keys in name order, the snapshot's canonical form.
    pub(crate) fn sort(&mut self) {
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

/// A column: the owned form of [`covet::schema::ColumnDef`], without the Rust field's name and
/// the `generated` flag (neither is part of the table).
///
/// # Examples
///
/// ```
/// use covet_migrate::{Column, ColumnType, DefaultValue};
///
/// let column = Column { default: Some(DefaultValue::Int(3)), ..Column::new("retries", ColumnType::Int) };
/// assert!(!column.nullable && !column.auto_increment);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The column's name in the database.
    pub name: String,
    /// The SQL type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Whether it accepts `NULL`.
    pub nullable: bool,
    /// The column's `DEFAULT`.
    pub default: Option<DefaultValue>,
    /// An integer key the database numbers itself.
    pub auto_increment: bool,
}

impl Column {
    /// A `NOT NULL` column of type `ty` without a default.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{Column, ColumnType};
    ///
    /// let column = Column::new("email", ColumnType::String { max_length: Some(200) });
    /// assert_eq!(column.name, "email");
    /// assert!(!column.nullable && column.default.is_none());
    /// ```
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Self {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            auto_increment: false,
        }
    }
}

/// A column's SQL type, independent of the dialect: the owned form of
/// [`covet::schema::ColumnType`].
///
/// Written in JSON as an object tagged by `"kind"`, e.g. `{"kind": "string", "max_length": 80}`.
///
/// # Examples
///
/// ```
/// use covet_migrate::ColumnType;
///
/// let ty = ColumnType::Enum { variants: vec!["draft".into(), "published".into()] };
/// assert_ne!(ty, ColumnType::Text);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ColumnType {
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Int,
    /// 64-bit integer.
    BigInt,
    /// 32-bit float.
    Float,
    /// 64-bit float.
    Double,
    /// Boolean.
    Bool,
    /// Variable-length text, optionally bounded.
    String {
        /// The maximum length in characters.
        max_length: Option<u32>,
    },
    /// Unbounded text.
    Text,
    /// Binary data.
    Bytes,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time without time zone.
    DateTime,
    /// An instant, stored in UTC.
    TimestampTz,
    /// A UUID.
    Uuid,
    /// JSON.
    Json,
    /// An exact decimal number.
    Decimal {
        /// `(precision, scale)`; the dialect's widest when `None`.
        precision: Option<(u32, u32)>,
    },
    /// One of a fixed set of strings, kept by a `CHECK` constraint named
    /// `constraint_name(table, &[column], "check")`.
    Enum {
        /// The allowed values, sorted: the order of an `IN` list means nothing.
        variants: Vec<String>,
    },
}

/// A column's `DEFAULT`: the owned form of [`covet::schema::DefaultValue`].
///
/// Written in JSON as `{"kind": "int", "value": 3}`, or `{"kind": "current_timestamp"}`.
///
/// # Examples
///
/// ```
/// use covet_migrate::DefaultValue;
///
/// assert_ne!(DefaultValue::Text("en".into()), DefaultValue::CurrentTimestamp);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DefaultValue {
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Text(String),
    /// A boolean literal.
    Bool(bool),
    /// The current timestamp when the row is inserted.
    CurrentTimestamp,
}

/// An index, unique or not: the owned form of [`covet::schema::IndexDef`].
///
/// # Examples
///
/// ```
/// let index = covet_migrate::Index {
///     name: "player_team_number_key".into(),
///     columns: vec!["team".into(), "number".into()],
///     unique: true,
/// };
/// assert_eq!(index.columns.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// The indexed columns, in order.
    pub columns: Vec<String>,
    /// Whether it enforces uniqueness.
    pub unique: bool,
}

/// A foreign key: the owned form of [`covet::schema::ForeignKeyDef`].
///
/// # Examples
///
/// ```
/// use covet_migrate::{ForeignKey, ReferentialAction};
///
/// let key = ForeignKey {
///     name: "post_author_id_fkey".into(),
///     columns: vec!["author_id".into()],
///     references_table: "author".into(),
///     references_columns: vec!["id".into()],
///     on_delete: ReferentialAction::Cascade,
///     on_update: ReferentialAction::default(),
/// };
/// assert_eq!(key.on_update, ReferentialAction::NoAction);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references_table: String,
    /// The referenced columns.
    pub references_columns: Vec<String>,
    /// What happens to this row when the referenced row is deleted.
    pub on_delete: ReferentialAction,
    /// What happens to this row when the referenced key changes.
    pub on_update: ReferentialAction,
}

/// The `ON DELETE` / `ON UPDATE` action of a foreign key: the mirror of
/// [`covet::schema::ReferentialAction`], written in JSON in `snake_case` (`"set_null"`).
///
/// # Examples
///
/// ```
/// use covet_migrate::ReferentialAction;
///
/// assert_eq!(ReferentialAction::from(covet::schema::ReferentialAction::SetNull), ReferentialAction::SetNull);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferentialAction {
    /// Refuse the change at the end of the statement (the SQL default).
    #[default]
    NoAction,
    /// Refuse the change immediately.
    Restrict,
    /// Delete or update the referencing rows too.
    Cascade,
    /// Set the referencing columns to `NULL`.
    SetNull,
    /// Set the referencing columns to their defaults.
    SetDefault,
}

#[cfg(test)]
mod tests;
