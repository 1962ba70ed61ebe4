//! # covet
//!
//! A typed, async ORM for PostgreSQL, MySQL/MariaDB and SQLite, on tokio, sqlx and sea-query.
//!
//! - [`#[model]`](model) on a plain struct generates its table description, typed column handles
//!   (`User::email` is a [`Column<User, String>`](Column)) and row decoding.
//! - [`Database::connect`] opens a pool for any of the three backends behind one API.
//! - [`Model`]'s methods insert, fetch, update and delete rows; [`Model::query`] starts a
//!   type-checked [`Select`](query::Select): comparing a column with a value of another type, or
//!   filtering on another model's column, does not compile.
//! - Every value is a bind parameter and every identifier is quoted; the only way to run SQL text
//!   is [`unchecked_sql`], which binds its arguments too.
//! - Errors from every backend are one [`Error`] with a classified [`ErrorKind`].
//!
//! Enable the backends you use as cargo features: `postgres`, `mysql`, `sqlite`.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> covet::Result<()> {
//! use covet::prelude::*;
//!
//! #[covet::model(table = "users")]
//! struct User {
//!     #[covet(primary_key)]
//!     id: i64,
//!     #[covet(unique, max_length = 120)]
//!     email: String,
//!     name: String,
//!     age: Option<i32>,
//! }
//!
//! let db = Database::connect("sqlite::memory:").await?;
//! covet::dev::create_tables(&db, &[User::TABLE]).await?;
//!
//! let ada = User { id: 0, email: "ada@example.com".into(), name: "Ada".into(), age: Some(36) }
//!     .insert(&db)
//!     .await?;
//! assert!(ada.id > 0);
//!
//! let found = User::query()
//!     .filter(User::age.ge(18) & User::name.starts_with("A"))
//!     .order_by(User::email.asc())
//!     .all(&db)
//!     .await?;
//! assert_eq!(found.len(), 1);
//! # Ok(()) }
//! ```

#[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
compile_error!("enable at least one covet backend feature: `postgres`, `mysql` or `sqlite`");

mod backend;
mod column;
mod db;
pub mod dev;
mod error;
mod model;
pub mod observe;
pub mod prelude;
pub mod query;
mod raw;
mod row;
pub mod schema;
mod session;
mod transaction;
pub mod value;

#[doc(hidden)]
pub mod codegen_support;

pub use backend::Backend;
pub use column::{Column, TextColumn, escape_like};
pub use db::{
    Database, Executor, PoolOptions, PoolStats, Target, TransactionStats, WaitPercentiles,
};
pub use error::{BoxError, Error, ErrorKind, Result};
pub use model::{Columns, Model, PrimaryKey, Registry};
#[doc(hidden)]
pub use raw::controls_transaction;
pub use raw::{AssertSqlSafe, BindValue, SqlText, UncheckedSql, unchecked_sql};
pub use row::{FromRow, Row};
pub use session::Session;
pub use transaction::{
    IsolationLevel, RetryPolicy, SqliteLocking, Transaction, TransactionFuture, TransactionOptions,
};
pub use value::{AsValue, Json, SqlValue};

pub use covet_macros::{DbEnum, model};
