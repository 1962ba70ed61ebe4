//! The description of a model's table: the data migrations diff and the development helper
//! creates tables from.
//!
//! `#[model]` builds one [`TableDef`] per model as a constant (`User::TABLE`); nothing here is
//! computed at run time.

mod ddl;
mod naming;

pub use ddl::create_table_statements;
pub use naming::{MAX_IDENTIFIER_LEN, constraint_name};

/// A table: its columns, primary key, indexes and foreign keys.
///
/// # Examples
///
/// ```
/// #[covet::model(table = "people")]
/// struct Person {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(unique)]
///     email: String,
///     nickname: Option<String>,
/// }
///
/// use covet::Model;
/// let table = Person::TABLE;
/// assert_eq!(table.name, "people");
/// assert_eq!(table.primary_key, ["id"]);
/// assert!(table.column("nickname").unwrap().nullable);
/// assert!(table.indexes[0].unique);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableDef {
    /// The table's name in the database.
    pub name: &'static str,
    /// The table's previous name, declared with `#[covet::model(renamed_from = "old_name")]`.
    ///
    /// It tells covet-migrate that the table named `old_name` in the last migration's snapshot
    /// is this one, renamed: the migration renames it and keeps its rows, where a table that
    /// disappears while another appears would otherwise be dropped and created. Renames are
    /// never guessed. Once the old name is gone from the snapshot the declaration does nothing,
    /// so it may stay on the model.
    ///
    /// ```
    /// use covet::Model;
    ///
    /// #[covet::model(table = "people", renamed_from = "persons")]
    /// struct Person {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// assert_eq!(Person::TABLE.renamed_from, Some("persons"));
    /// ```
    pub renamed_from: Option<&'static str>,
    /// The Rust struct's name.
    pub model: &'static str,
    /// The columns, in the struct's field order.
    pub columns: &'static [ColumnDef],
    /// The primary key's column names, in key order.
    pub primary_key: &'static [&'static str],
    /// Indexes, unique ones included (a `unique` column is a one-column unique index).
    pub indexes: &'static [IndexDef],
    /// Foreign keys.
    pub foreign_keys: &'static [ForeignKeyDef],
}

impl TableDef {
    /// The column named `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::Model;
    /// use covet::schema::ColumnType;
    ///
    /// #[covet::model]
    /// struct Post {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     #[covet(column = "headline")]
    ///     title: String,
    /// }
    ///
    /// let headline = Post::TABLE.column("headline").expect("a column of post");
    /// assert_eq!(headline.field, "title");
    /// assert_eq!(headline.ty, ColumnType::String { max_length: None });
    /// assert!(Post::TABLE.column("title").is_none()); // by the column's name, not the field's
    /// ```
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// Whether `name` is part of the primary key.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::Model;
    ///
    /// #[covet::model(primary_key(tenant, number))]
    /// struct Invoice {
    ///     tenant: i32,
    ///     number: i64,
    ///     total: i64,
    /// }
    ///
    /// assert!(Invoice::TABLE.is_primary_key("tenant"));
    /// assert!(Invoice::TABLE.is_primary_key("number"));
    /// assert!(!Invoice::TABLE.is_primary_key("total"));
    /// ```
    pub fn is_primary_key(&self, name: &str) -> bool {
        self.primary_key.contains(&name)
    }

    /// The name covet gives the primary key constraint: `<table>_pkey`, shortened like every
    /// other constraint name (see [`constraint_name`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::Model;
    ///
    /// #[covet::model(table = "people")]
    /// struct Person {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// assert_eq!(Person::TABLE.primary_key_name(), "people_pkey");
    /// ```
    pub fn primary_key_name(&self) -> String {
        constraint_name(self.name, &[], "pkey")
    }
}

/// A column.
///
/// One per field of the model that is not `#[covet(skip)]`, in [`TableDef::columns`].
///
/// # Examples
///
/// ```
/// use covet::Model;
/// use covet::schema::{ColumnType, DefaultValue};
///
/// #[covet::model]
/// struct Post {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(column = "headline", max_length = 120, default = "untitled")]
///     title: String,
///     summary: Option<String>,
/// }
///
/// let id = Post::TABLE.column("id").unwrap();
/// assert!(id.auto_increment && id.generated);
///
/// let title = Post::TABLE.column("headline").unwrap();
/// assert_eq!(title.field, "title");
/// assert_eq!(title.ty, ColumnType::String { max_length: Some(120) });
/// assert_eq!(title.default, Some(DefaultValue::Text("untitled")));
/// assert!(!title.nullable);
///
/// assert!(Post::TABLE.column("summary").unwrap().nullable);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnDef {
    /// The column's name in the database.
    pub name: &'static str,
    /// The column's previous name, declared with `#[covet(renamed_from = "old_name")]`.
    ///
    /// It tells covet-migrate that the column `old_name` of this table in the last migration's
    /// snapshot is this one, renamed: the migration renames it and keeps its values (and then
    /// applies any other change of the column), where a column that disappears while another
    /// appears would otherwise be dropped and added. Once the old name is gone from the
    /// snapshot the declaration does nothing, so it may stay on the field.
    ///
    /// ```
    /// use covet::Model;
    ///
    /// #[covet::model]
    /// struct Person {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     #[covet(renamed_from = "name")]
    ///     full_name: String,
    /// }
    ///
    /// let column = Person::TABLE.column("full_name").unwrap();
    /// assert_eq!(column.renamed_from, Some("name"));
    /// ```
    pub renamed_from: Option<&'static str>,
    /// The Rust field's name.
    pub field: &'static str,
    /// The SQL type.
    pub ty: ColumnType,
    /// Whether it accepts `NULL` (the field is an `Option`).
    pub nullable: bool,
    /// The column's `DEFAULT`.
    pub default: Option<DefaultValue>,
    /// An integer primary key the database numbers itself.
    pub auto_increment: bool,
    /// The database fills the value on insert (auto-increment keys, and fields marked
    /// `#[covet(generated)]`): `insert` leaves it out and reads it back.
    pub generated: bool,
}

/// A column's SQL type, independent of the dialect.
///
/// How each type is spelled per dialect is in the book's Models chapter; the short version:
/// integers and floats as usual, `String` as `varchar` (`varchar(255)` on MySQL unless a
/// `max_length` is given), timestamps with microseconds, `Uuid` as `uuid` / `binary(16)` /
/// `blob`, JSON as `jsonb` / `json` / `text`, `Decimal` as `numeric` / `decimal(38, 10)` / `text`,
/// enums as `varchar` with a `CHECK` constraint.
///
/// `#[model]` takes each column's type from its field's [`SqlValue`](crate::SqlValue), adjusted
/// by `max_length`, `text`, `precision` and `scale`.
///
/// # Examples
///
/// ```
/// use covet::Model;
/// use covet::schema::ColumnType;
///
/// #[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
/// enum Status {
///     Draft,
///     Published,
/// }
///
/// #[covet::model]
/// struct Article {
///     #[covet(primary_key)]
///     id: i32,
///     #[covet(max_length = 80)]
///     title: String,
///     #[covet(text)]
///     body: String,
///     #[covet(precision = 10, scale = 2)]
///     price: rust_decimal::Decimal,
///     status: Status,
/// }
///
/// let types: Vec<ColumnType> = Article::TABLE.columns.iter().map(|c| c.ty).collect();
/// assert_eq!(
///     types,
///     [
///         ColumnType::Int,
///         ColumnType::String { max_length: Some(80) },
///         ColumnType::Text,
///         ColumnType::Decimal { precision: Some((10, 2)) },
///         ColumnType::Enum { name: "Status", variants: &["draft", "published"] },
///     ]
/// );
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Unbounded text (`TEXT`; `LONGTEXT` on MySQL).
    Text,
    /// Binary data.
    Bytes,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time without time zone.
    DateTime,
    /// An instant, stored in UTC (`timestamptz` on PostgreSQL).
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
    /// One of a fixed set of strings.
    Enum {
        /// The Rust enum's name, used to name the `CHECK` constraint.
        name: &'static str,
        /// The allowed values.
        variants: &'static [&'static str],
    },
}

impl ColumnType {
    /// This type with a maximum length, for `#[covet(max_length = N)]`.
    #[doc(hidden)]
    pub const fn with_max_length(self, max_length: u32) -> Self {
        match self {
            Self::String { .. } => Self::String {
                max_length: Some(max_length),
            },
            other => other,
        }
    }

    /// This type as unbounded text, for `#[covet(text)]`.
    #[doc(hidden)]
    pub const fn into_text(self) -> Self {
        match self {
            Self::String { .. } => Self::Text,
            other => other,
        }
    }

    /// This type with a precision and scale, for `#[covet(precision = P, scale = S)]`.
    #[doc(hidden)]
    pub const fn with_precision(self, precision: u32, scale: u32) -> Self {
        match self {
            Self::Decimal { .. } => Self::Decimal {
                precision: Some((precision, scale)),
            },
            other => other,
        }
    }

    /// Whether `#[covet(max_length)]` and `#[covet(text)]` apply.
    #[doc(hidden)]
    pub const fn is_string(self) -> bool {
        matches!(self, Self::String { .. } | Self::Text)
    }

    /// Whether `#[covet(precision, scale)]` apply.
    #[doc(hidden)]
    pub const fn is_decimal(self) -> bool {
        matches!(self, Self::Decimal { .. })
    }

    /// Whether the type can number itself (`#[covet(primary_key)]` on an integer).
    #[doc(hidden)]
    pub const fn is_integer(self) -> bool {
        matches!(self, Self::SmallInt | Self::Int | Self::BigInt)
    }
}

/// A column's `DEFAULT`.
///
/// Set with `#[covet(default = <literal>)]`, or `default = now` for
/// [`CurrentTimestamp`](Self::CurrentTimestamp). [`Model::insert`](crate::Model::insert) writes
/// every column the database does not generate, so the default fills a column only for rows
/// inserted by other SQL, or when the field is also marked `generated`: then `insert` leaves it
/// out and reads the default back.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
/// use covet::schema::DefaultValue;
///
/// #[covet::model]
/// struct Setting {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(default = 3)]
///     retries: i32,
///     #[covet(default = "en", generated)]
///     locale: String,
///     #[covet(default = now, generated)]
///     created_at: chrono::DateTime<chrono::Utc>,
/// }
///
/// let defaults: Vec<_> = Setting::TABLE.columns.iter().filter_map(|c| c.default).collect();
/// assert_eq!(
///     defaults,
///     [DefaultValue::Int(3), DefaultValue::Text("en"), DefaultValue::CurrentTimestamp]
/// );
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Setting::TABLE]).await?;
/// let epoch = chrono::DateTime::UNIX_EPOCH;
/// let setting = Setting { id: 0, retries: 5, locale: "fr".into(), created_at: epoch }
///     .insert(&db)
///     .await?;
/// assert_eq!(setting.retries, 5); // written as given
/// assert_eq!(setting.locale, "en"); // generated: the database's default
/// assert!(setting.created_at > epoch);
/// # Ok(()) }
/// ```
#[doc(alias = "DEFAULT")]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultValue {
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Text(&'static str),
    /// A boolean literal.
    Bool(bool),
    /// The current timestamp when the row is inserted (`#[covet(default = now)]`).
    CurrentTimestamp,
}

impl DefaultValue {
    /// Whether this default suits a column of type `ty` (checked at compile time by `#[model]`).
    #[doc(hidden)]
    pub const fn fits(self, ty: ColumnType) -> bool {
        match self {
            Self::Int(_) => matches!(
                ty,
                ColumnType::SmallInt
                    | ColumnType::Int
                    | ColumnType::BigInt
                    | ColumnType::Float
                    | ColumnType::Double
                    | ColumnType::Decimal { .. }
            ),
            Self::Float(_) => matches!(
                ty,
                ColumnType::Float | ColumnType::Double | ColumnType::Decimal { .. }
            ),
            Self::Text(_) => matches!(
                ty,
                ColumnType::String { .. } | ColumnType::Text | ColumnType::Enum { .. }
            ),
            Self::Bool(_) => matches!(ty, ColumnType::Bool),
            Self::CurrentTimestamp => matches!(
                ty,
                ColumnType::DateTime | ColumnType::TimestampTz | ColumnType::Date
            ),
        }
    }
}

/// An index, unique or not, over one or more columns.
///
/// From `#[covet(index)]` and `#[covet(unique)]` on a field, and `index(a, b)` and
/// `unique(a, b)` on the model, in that order.
///
/// # Examples
///
/// ```
/// use covet::Model;
///
/// #[covet::model(index(last_name, first_name), unique(team, number))]
/// struct Player {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(unique)]
///     email: String,
///     first_name: String,
///     last_name: String,
///     team: i32,
///     number: i32,
/// }
///
/// let indexes: Vec<_> = Player::TABLE
///     .indexes
///     .iter()
///     .map(|index| (index.name, index.columns, index.unique))
///     .collect();
/// assert_eq!(
///     indexes,
///     [
///         ("player_email_key", &["email"][..], true),
///         ("player_last_name_first_name_idx", &["last_name", "first_name"][..], false),
///         ("player_team_number_key", &["team", "number"][..], true),
///     ]
/// );
/// ```
#[doc(alias = "CREATE INDEX")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexDef {
    /// The index's name: `<table>_<columns>_key` when unique, `<table>_<columns>_idx`
    /// otherwise, shortened with a hash to fit every dialect's limit.
    pub name: &'static str,
    /// The indexed columns, in order.
    pub columns: &'static [&'static str],
    /// Whether it enforces uniqueness.
    pub unique: bool,
}

/// A foreign key from columns of this table to another table's key.
///
/// From `#[covet(references = Model)]` on a field, which must hold the referenced model's key
/// type (or an `Option` of it).
///
/// # Examples
///
/// ```
/// use covet::Model;
/// use covet::schema::ReferentialAction;
///
/// #[covet::model(table = "authors")]
/// struct Author {
///     #[covet(primary_key)]
///     id: i64,
/// }
///
/// #[covet::model]
/// struct Post {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(references = Author, on_delete = cascade)]
///     author_id: i64,
/// }
///
/// let fk = &Post::TABLE.foreign_keys[0];
/// assert_eq!(fk.name, "post_author_id_fkey");
/// assert_eq!(fk.columns, ["author_id"]);
/// assert_eq!((fk.references_table, fk.references_columns), ("authors", &["id"][..]));
/// assert_eq!(fk.on_delete, ReferentialAction::Cascade);
/// ```
#[doc(alias = "FOREIGN KEY", alias = "REFERENCES")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ForeignKeyDef {
    /// The constraint's name: `<table>_<columns>_fkey`.
    pub name: &'static str,
    /// The referencing columns of this table.
    pub columns: &'static [&'static str],
    /// The referenced table.
    pub references_table: &'static str,
    /// The referenced columns.
    pub references_columns: &'static [&'static str],
    /// What happens to this row when the referenced row is deleted.
    pub on_delete: ReferentialAction,
    /// What happens to this row when the referenced key changes.
    pub on_update: ReferentialAction,
}

/// The `ON DELETE` / `ON UPDATE` action of a foreign key.
///
/// Set with `on_delete = ...` and `on_update = ...` next to `references`: `cascade`,
/// `restrict`, `set_null`, `set_default` or `no_action` (the default).
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
/// use covet::schema::ReferentialAction;
///
/// #[covet::model]
/// struct Author {
///     #[covet(primary_key)]
///     id: i64,
/// }
///
/// #[covet::model]
/// struct Post {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(references = Author, on_delete = cascade)]
///     author_id: i64,
///     #[covet(references = Author, on_delete = set_null)]
///     editor_id: Option<i64>,
/// }
///
/// let keys = Post::TABLE.foreign_keys;
/// assert_eq!(keys[0].on_delete, ReferentialAction::Cascade);
/// assert_eq!(keys[1].on_delete, ReferentialAction::SetNull);
/// assert_eq!(keys[1].on_update, ReferentialAction::NoAction);
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Author::TABLE, Post::TABLE]).await?;
/// let ada = Author { id: 0 }.insert(&db).await?;
/// let bob = Author { id: 0 }.insert(&db).await?;
/// Post { id: 0, author_id: ada.id, editor_id: Some(bob.id) }.insert(&db).await?;
/// Post { id: 0, author_id: bob.id, editor_id: Some(ada.id) }.insert(&db).await?;
///
/// ada.delete(&db).await?;
/// let left = Post::query().all(&db).await?;
/// assert_eq!(left.len(), 1); // Ada's post went with her
/// assert_eq!((left[0].author_id, left[0].editor_id), (bob.id, None));
/// # Ok(()) }
/// ```
#[doc(alias = "ON DELETE", alias = "ON UPDATE", alias = "CASCADE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
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
