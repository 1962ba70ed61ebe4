//! The [`Model`] trait that `#[model]` implements, and the registry of a program's models.

use std::future::Future;

use crate::column::Column;
use crate::db::Executor;
use crate::error::Result;
use crate::query::{self, DeleteMany, Select, UpdateMany};
use crate::row::{FromRow, Row};
use crate::schema::TableDef;
use crate::value::SqlValue;

/// A struct mapped to a table. Implemented by [`#[covet::model]`](crate::model); not by hand.
///
/// The provided methods are the model's CRUD operations. Each takes an [`Executor`]: pass `&db`.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Note {
///     #[covet(primary_key)]
///     id: i64,
///     text: String,
///     pinned: bool,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Note::TABLE]).await?;
///
/// let mut note = Note { id: 0, text: "buy milk".into(), pinned: false }.insert(&db).await?;
/// assert_eq!(note.id, 1); // the key the database generated
///
/// note.pinned = true;
/// note.update(&db).await?;
/// assert!(Note::get(&db, note.id).await?.pinned);
///
/// note.text = "buy oat milk".into();
/// note.update_columns(&db, Note::text).await?;
///
/// assert!(Note::exists(&db, note.id).await?);
/// assert_eq!(note.delete(&db).await?, 1);
/// assert!(Note::find(&db, note.id).await?.is_none());
/// assert!(!Note::exists(&db, note.id).await?);
/// # Ok(()) }
/// ```
pub trait Model: FromRow + Sync {
    /// The table description: name, columns, keys, indexes.
    const TABLE: &'static TableDef;

    /// The primary key's Rust type: the key field's type, or a tuple for a composite key.
    type Key: PrimaryKey;

    /// Positions of the key columns in [`TABLE.columns`](TableDef::columns).
    #[doc(hidden)]
    const KEY_COLUMNS: &'static [usize];

    /// The values of the columns the database generates, in column order.
    #[doc(hidden)]
    type Generated: Send + Unpin + 'static;

    /// The bindable value of column `index`.
    #[doc(hidden)]
    fn column_value(&self, index: usize) -> Result<sea_query::Value>;

    /// Reads the generated columns from a row that holds exactly them, in column order.
    #[doc(hidden)]
    fn decode_generated<R: Row>(row: &R) -> Result<Self::Generated>;

    /// Stores generated values read back after an insert.
    #[doc(hidden)]
    fn apply_generated(&mut self, generated: Self::Generated);

    /// Stores the auto-increment key MySQL reports after an insert.
    #[doc(hidden)]
    fn set_auto_key(&mut self, id: u64) -> Result<()>;

    /// A query over every row of this model.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Note {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     text: String,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Note::TABLE]).await?;
    /// Note { id: 0, text: "milk".into() }.insert(&db).await?;
    /// Note { id: 0, text: "eggs".into() }.insert(&db).await?;
    /// assert_eq!(Note::query().count(&db).await?, 2);
    /// let eggs = Note::query().filter(Note::text.eq("eggs")).one(&db).await?;
    /// assert_eq!(eggs.id, 2);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "SELECT")]
    fn query() -> Select<Self> {
        Select::new()
    }

    /// The row with primary key `key`, or `None`.
    ///
    /// # Errors
    ///
    /// Any database error, classified.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Note {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     text: String,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Note::TABLE]).await?;
    /// let saved = Note { id: 0, text: "milk".into() }.insert(&db).await?;
    /// let found = Note::find(&db, saved.id).await?;
    /// assert_eq!(found.map(|n| n.text).as_deref(), Some("milk"));
    /// assert!(Note::find(&db, 99).await?.is_none());
    /// # Ok(()) }
    /// ```
    fn find<'c, E: Executor<'c>>(
        executor: E,
        key: Self::Key,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        query::write::find(executor, key)
    }

    /// The row with primary key `key`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when there is none.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Note {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     text: String,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Note::TABLE]).await?;
    /// let saved = Note { id: 0, text: "milk".into() }.insert(&db).await?;
    /// assert_eq!(Note::get(&db, saved.id).await?.text, "milk");
    /// let missing = Note::get(&db, 99).await.unwrap_err();
    /// assert_eq!(missing.kind(), ErrorKind::NotFound);
    /// # Ok(()) }
    /// ```
    fn get<'c, E: Executor<'c>>(
        executor: E,
        key: Self::Key,
    ) -> impl Future<Output = Result<Self>> + Send {
        query::write::get(executor, key)
    }

    /// Whether a row with primary key `key` exists, without reading the row.
    ///
    /// It runs the same statement as [`Select::exists`] filtered on the key: the first column
    /// of at most one row.
    ///
    /// # Errors
    ///
    /// Any database error, classified.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model(primary_key(shelf, slot))]
    /// struct Placement {
    ///     shelf: String,
    ///     slot: i32,
    ///     title: String,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// covet::dev::create_tables(&db, &[Placement::TABLE]).await?;
    /// Placement { shelf: "A".into(), slot: 1, title: "Dune".into() }.insert(&db).await?;
    ///
    /// assert!(Placement::exists(&db, ("A".to_owned(), 1)).await?);
    /// assert!(!Placement::exists(&db, ("A".to_owned(), 2)).await?);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "EXISTS")]
    fn exists<'c, E: Executor<'c>>(
        executor: E,
        key: Self::Key,
    ) -> impl Future<Output = Result<bool>> + Send {
        query::write::exists::<Self>(executor, key)
    }

    /// Inserts this row and returns it with the values the database generated (the
    /// auto-increment key, `#[covet(generated)]` columns). The key field's value is ignored when
    /// the key auto-increments.
    ///
    /// On PostgreSQL and SQLite generated values come back through `RETURNING` in the same
    /// statement. On MySQL/MariaDB covet reads the last insert id (MySQL 8 has no `RETURNING`)
    /// and, when other columns are generated too, selects them by key.
    ///
    /// # Errors
    ///
    /// Constraint violations ([`UniqueViolation`](crate::ErrorKind::UniqueViolation), ...) and
    /// any other database error, classified.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Note {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     text: String,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Note::TABLE]).await?;
    /// let first = Note { id: 0, text: "milk".into() }.insert(&db).await?;
    /// let second = Note { id: 0, text: "eggs".into() }.insert(&db).await?;
    /// assert_eq!((first.id, second.id), (1, 2)); // numbered by the database
    /// assert_eq!(second.text, "eggs");
    /// # Ok(()) }
    /// ```
    #[doc(alias = "INSERT")]
    fn insert<'c, E: Executor<'c>>(self, executor: E) -> impl Future<Output = Result<Self>> + Send {
        query::write::insert(self, executor)
    }

    /// Writes every column of this row, found by its primary key.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when no row has this key.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Note {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     text: String,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Note::TABLE]).await?;
    /// let mut note = Note { id: 0, text: "milk".into() }.insert(&db).await?;
    /// note.text = "oat milk".into();
    /// note.update(&db).await?;
    /// assert_eq!(Note::get(&db, note.id).await?.text, "oat milk");
    ///
    /// note.delete(&db).await?;
    /// let gone = note.update(&db).await.unwrap_err();
    /// assert_eq!(gone.kind(), ErrorKind::NotFound);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "UPDATE")]
    fn update<'c, E: Executor<'c>>(&self, executor: E) -> impl Future<Output = Result<()>> + Send {
        query::write::update(self, executor, None)
    }

    /// Writes only the given columns: one [`Column`] or a tuple of them,
    /// e.g. `(User::name, User::email)`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when no row has this key.
    ///
    /// # Examples
    ///
    /// See the example on [`Columns`], which writes two of a row's columns and leaves the
    /// others as they are.
    fn update_columns<'c, E: Executor<'c>>(
        &self,
        executor: E,
        columns: impl Columns<Self>,
    ) -> impl Future<Output = Result<()>> + Send {
        let indexes = query::write::column_indexes(&columns);
        query::write::update(self, executor, Some(indexes))
    }

    /// Deletes this row, found by its primary key; returns the number of rows deleted (0 or 1).
    ///
    /// # Errors
    ///
    /// [`ForeignKeyViolation`](crate::ErrorKind::ForeignKeyViolation) when other rows still
    /// reference it; any other database error, classified.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Note {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     text: String,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Note::TABLE]).await?;
    /// let note = Note { id: 0, text: "milk".into() }.insert(&db).await?;
    /// assert_eq!(note.delete(&db).await?, 1);
    /// assert_eq!(note.delete(&db).await?, 0); // already gone
    /// assert!(Note::find(&db, note.id).await?.is_none());
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DELETE")]
    fn delete<'c, E: Executor<'c>>(&self, executor: E) -> impl Future<Output = Result<u64>> + Send {
        query::write::delete(self, executor)
    }

    /// An `UPDATE` of every row matching a filter.
    ///
    /// # Examples
    ///
    /// See the example on [`UpdateMany`].
    fn update_many() -> UpdateMany<Self> {
        UpdateMany::new()
    }

    /// A `DELETE` of every row matching a filter.
    ///
    /// # Examples
    ///
    /// See the example on [`DeleteMany`].
    fn delete_many() -> DeleteMany<Self> {
        DeleteMany::new()
    }
}

/// A primary key value: one [`SqlValue`], or a tuple of them for a composite key.
///
/// It is the type of [`Model::Key`], which [`Model::find`] and [`Model::get`] take: the key
/// field's type, or a tuple of 2 to 4 values in the order of the model's
/// `primary_key(...)` argument.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model(primary_key(tenant, number))]
/// struct Invoice {
///     tenant: i32,
///     number: i64,
///     total: i64,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Invoice::TABLE]).await?;
/// Invoice { tenant: 1, number: 7, total: 100 }.insert(&db).await?;
/// Invoice { tenant: 2, number: 7, total: 250 }.insert(&db).await?;
///
/// assert_eq!(Invoice::get(&db, (2, 7)).await?.total, 250);
/// assert!(Invoice::find(&db, (3, 7)).await?.is_none());
/// # Ok(()) }
/// ```
#[doc(alias = "PRIMARY KEY")]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a primary key",
    label = "not a column type",
    note = "a key is one column type (a `covet::SqlValue`), or a tuple of 2 to 4 of them for a composite key"
)]
pub trait PrimaryKey: Send + 'static {
    /// The key's values in key order.
    #[doc(hidden)]
    fn into_values(self) -> Result<Vec<sea_query::Value>>;
}

impl<T: SqlValue> PrimaryKey for T {
    fn into_values(self) -> Result<Vec<sea_query::Value>> {
        Ok(vec![self.into_sql()?])
    }
}

macro_rules! tuple_key {
    ($($name:ident),+) => {
        impl<$($name: SqlValue),+> PrimaryKey for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_values(self) -> Result<Vec<sea_query::Value>> {
                let ($($name,)+) = self;
                Ok(vec![$($name.into_sql()?),+])
            }
        }
    };
}

tuple_key!(A, B);
tuple_key!(A, B, C);
tuple_key!(A, B, C, D);

/// One column or a tuple of columns of model `M`, for
/// [`update_columns`](Model::update_columns).
///
/// Implemented for every [`Column<M, _>`](Column) and for tuples of up to 8 of them; a column of
/// another model does not compile.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Profile {
///     #[covet(primary_key)]
///     id: i64,
///     name: String,
///     bio: String,
///     visits: i64,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Profile::TABLE]).await?;
/// let mut profile = Profile { id: 0, name: "Ada".into(), bio: String::new(), visits: 0 }
///     .insert(&db)
///     .await?;
///
/// profile.name = "Grace".into();
/// profile.bio = "admiral".into();
/// profile.visits = 99;
/// profile.update_columns(&db, (Profile::name, Profile::bio)).await?;
///
/// let stored = Profile::get(&db, profile.id).await?;
/// assert_eq!((stored.name.as_str(), stored.bio.as_str()), ("Grace", "admiral"));
/// assert_eq!(stored.visits, 0); // not among the columns written
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "expected columns of `{M}`",
    label = "pass a column of `{M}` or a tuple of them, e.g. `({M}::a, {M}::b)`",
    note = "`update_columns` writes columns of the row's own table, `{M}`"
)]
pub trait Columns<M> {
    /// Appends the columns' positions.
    #[doc(hidden)]
    fn push_indexes(&self, indexes: &mut Vec<usize>);
}

impl<M, T> Columns<M> for Column<M, T> {
    fn push_indexes(&self, indexes: &mut Vec<usize>) {
        indexes.push(self.index());
    }
}

macro_rules! tuple_columns {
    ($($name:ident),+) => {
        impl<M, $($name: Columns<M>),+> Columns<M> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn push_indexes(&self, indexes: &mut Vec<usize>) {
                let ($($name,)+) = self;
                $($name.push_indexes(indexes);)+
            }
        }
    };
}

tuple_columns!(A);
tuple_columns!(A, B);
tuple_columns!(A, B, C);
tuple_columns!(A, B, C, D);
tuple_columns!(A, B, C, D, E);
tuple_columns!(A, B, C, D, E, F);
tuple_columns!(A, B, C, D, E, F, G);
tuple_columns!(A, B, C, D, E, F, G, H);

/// The models of a program, listed once so that tools (the migration CLI, the development table
/// helper) see all of them. Build it with [`models!`](crate::models).
///
/// # Examples
///
/// ```
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
/// }
///
/// static MODELS: covet::Registry = covet::models![Author, Post];
///
/// let names: Vec<_> = MODELS.tables().iter().map(|t| t.name).collect();
/// assert_eq!(names, ["author", "post"]);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Registry {
    tables: &'static [&'static TableDef],
}

impl Registry {
    /// A registry of the given tables; prefer [`models!`](crate::models).
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::{Model, Registry};
    ///
    /// #[covet::model]
    /// struct Tag {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// // What `covet::models![Tag]` expands to.
    /// static MODELS: Registry = Registry::new(&[Tag::TABLE]);
    /// assert_eq!(MODELS.tables()[0].name, "tag");
    /// ```
    pub const fn new(tables: &'static [&'static TableDef]) -> Self {
        Self { tables }
    }

    /// The registered tables, in the order given.
    ///
    /// # Examples
    ///
    /// ```
    /// #[covet::model]
    /// struct Author {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     #[covet(references = Author)]
    ///     author_id: i64,
    /// }
    ///
    /// static MODELS: covet::Registry = covet::models![Book, Author];
    /// let names: Vec<&str> = MODELS.tables().iter().map(|table| table.name).collect();
    /// assert_eq!(names, ["book", "author"]); // as listed, not sorted by foreign keys
    /// ```
    pub const fn tables(&self) -> &'static [&'static TableDef] {
        self.tables
    }

    /// The table of the model named `model` (the Rust struct's name).
    ///
    /// The lookup is by [`TableDef::model`], not by the table's name in the database.
    ///
    /// # Examples
    ///
    /// ```
    /// #[covet::model(table = "people")]
    /// struct Person {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// static MODELS: covet::Registry = covet::models![Person];
    ///
    /// assert_eq!(MODELS.get("Person").map(|table| table.name), Some("people"));
    /// assert!(MODELS.get("people").is_none());
    /// ```
    pub fn get(&self, model: &str) -> Option<&'static TableDef> {
        self.tables.iter().copied().find(|t| t.model == model)
    }
}

/// Builds a [`Registry`] from model types: `covet::models![User, Post]`.
///
/// The result is a constant expression, so it can initialize a `static`. Tables stay in the
/// order given; [`dev::create_tables`](crate::dev::create_tables) sorts them by their foreign
/// keys itself.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Author {
///     #[covet(primary_key)]
///     id: i64,
/// }
///
/// #[covet::model]
/// struct Book {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(references = Author)]
///     author_id: i64,
/// }
///
/// static MODELS: covet::Registry = covet::models![Book, Author];
/// assert_eq!(MODELS.tables()[0].name, "book");
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, MODELS.tables()).await?;
/// let author = Author { id: 0 }.insert(&db).await?;
/// Book { id: 0, author_id: author.id }.insert(&db).await?;
/// assert_eq!(Book::query().count(&db).await?, 1);
/// # Ok(()) }
/// ```
#[macro_export]
macro_rules! models {
    ($($model:ty),* $(,)?) => {
        $crate::Registry::new(&[$(<$model as $crate::Model>::TABLE),*])
    };
}
