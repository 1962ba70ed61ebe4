//! Rust types that map to SQL columns.
//!
//! A field of a [`#[model]`](crate::model) struct must implement [`SqlValue`]. covet implements it
//! for `i16`, `i32`, `i64`, `f32`, `f64`, `bool`, `String`, `Vec<u8>`, the chrono types
//! `NaiveDate`, `NaiveTime`, `NaiveDateTime` and `DateTime<Utc>`, `uuid::Uuid`,
//! `serde_json::Value`, [`Json<T>`], `rust_decimal::Decimal`, `Option<T>` of any of them, and
//! enums deriving [`DbEnum`](crate::DbEnum).
//!
//! A type of your own joins by implementing [`SqlValue`]: pick the built-in type it is stored as
//! ([`SqlValue::Native`]) and convert both ways.

mod json;
mod native;

pub use json::Json;
pub use native::Native;

use crate::error::{BoxError, Error, Result};
use crate::schema::ColumnType;

/// A Rust type that can be stored in a column.
///
/// Implement it to store a type of your own: choose the built-in type that holds it in the
/// database ([`Native`]: one of the types listed in the [module docs](self)) and convert to and
/// from it. The column's SQL type and nullability follow from the native type unless you
/// override [`COLUMN_TYPE`](Self::COLUMN_TYPE).
///
/// # Examples
///
/// ```
/// use covet::SqlValue;
///
/// /// An e-mail address, stored as text, validated when read.
/// #[derive(Debug, Clone, PartialEq)]
/// struct Email(String);
///
/// impl SqlValue for Email {
///     type Native = String;
///
///     fn to_native(&self) -> Result<String, covet::BoxError> {
///         Ok(self.0.clone())
///     }
///
///     fn from_native(native: String) -> Result<Self, covet::BoxError> {
///         if native.contains('@') {
///             Ok(Email(native))
///         } else {
///             Err(format!("`{native}` is not an e-mail address").into())
///         }
///     }
/// }
///
/// #[covet::model]
/// struct Subscriber {
///     #[covet(primary_key)]
///     id: i64,
///     email: Email,
/// }
/// # fn main() {}
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "not a column type",
    note = "columns hold i16, i32, i64, f32, f64, bool, String, Vec<u8>, chrono dates and times, Uuid, serde_json::Value, covet::Json<T>, Decimal, Option of these, `#[derive(covet::DbEnum)]` enums, and types implementing `covet::SqlValue`",
    note = "mark a field that is not a column with `#[covet(skip)]`"
)]
pub trait SqlValue: Sized + Send + Sync + 'static {
    /// The built-in type this one is stored as.
    type Native: Native;

    /// The column's SQL type, by default the native type's.
    const COLUMN_TYPE: ColumnType = <Self::Native as Native>::COLUMN_TYPE;

    /// Whether the column accepts `NULL` (true only for `Option<T>`).
    const NULLABLE: bool = <Self::Native as Native>::NULLABLE;

    /// Converts the value into its stored form.
    ///
    /// # Errors
    ///
    /// Whatever the conversion reports; covet turns it into an [`ErrorKind::Encode`](crate::ErrorKind::Encode).
    ///
    /// # Examples
    ///
    /// See the example on [`SqlValue`].
    fn to_native(&self) -> Result<Self::Native, BoxError>;

    /// Converts a stored value back.
    ///
    /// # Errors
    ///
    /// Whatever the conversion reports; covet turns it into an [`ErrorKind::Decode`](crate::ErrorKind::Decode).
    ///
    /// # Examples
    ///
    /// See the example on [`SqlValue`], which refuses to read back text that is not an e-mail
    /// address.
    fn from_native(native: Self::Native) -> Result<Self, BoxError>;

    /// The bindable value. Built-in types override this to skip the detour through `Native`.
    #[doc(hidden)]
    fn to_sql(&self) -> Result<sea_query::Value> {
        self.to_native()
            .map(Native::into_sql)
            .map_err(Error::encode)
    }

    /// The value of an auto-increment key as MySQL reports it; `None` when the type is not
    /// stored as an integer or the conversion fails.
    #[doc(hidden)]
    fn from_insert_id(id: u64) -> Option<Self> {
        <Self::Native as Native>::from_insert_id(id).and_then(|n| Self::from_native(n).ok())
    }

    /// Like [`to_sql`](Self::to_sql), consuming the value (no copy for strings and bytes).
    #[doc(hidden)]
    fn into_sql(self) -> Result<sea_query::Value> {
        self.to_sql()
    }
}

/// Implements `SqlValue` for a built-in type, stored as itself.
macro_rules! builtin_value {
    ($($ty:ty),* $(,)?) => {$(
        impl SqlValue for $ty {
            type Native = $ty;

            #[inline]
            fn to_native(&self) -> Result<Self, BoxError> {
                Ok(self.clone())
            }

            #[inline]
            fn from_native(native: Self) -> Result<Self, BoxError> {
                Ok(native)
            }

            #[inline]
            fn to_sql(&self) -> Result<sea_query::Value> {
                Ok(Native::into_sql(self.clone()))
            }

            #[inline]
            fn into_sql(self) -> Result<sea_query::Value> {
                Ok(Native::into_sql(self))
            }
        }
    )*};
}

builtin_value!(
    i16,
    i32,
    i64,
    f32,
    f64,
    bool,
    String,
    Vec<u8>,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    uuid::Uuid,
    serde_json::Value,
    rust_decimal::Decimal,
);

impl<T: SqlValue> SqlValue for Option<T> {
    type Native = Option<T::Native>;
    const COLUMN_TYPE: ColumnType = T::COLUMN_TYPE;
    const NULLABLE: bool = true;

    fn to_native(&self) -> Result<Self::Native, BoxError> {
        self.as_ref().map(T::to_native).transpose()
    }

    fn from_native(native: Self::Native) -> Result<Self, BoxError> {
        native.map(T::from_native).transpose()
    }

    #[inline]
    fn to_sql(&self) -> Result<sea_query::Value> {
        match self {
            Some(value) => value.to_sql(),
            None => Ok(<T::Native as Native>::null_sql()),
        }
    }

    #[inline]
    fn into_sql(self) -> Result<sea_query::Value> {
        match self {
            Some(value) => value.into_sql(),
            None => Ok(<T::Native as Native>::null_sql()),
        }
    }
}

/// A value that can be compared with, or assigned to, a column of type `T`.
///
/// Implemented for `T` itself, for `&str` and `&String` where `T` is `String`, and for `T` where
/// the column is `Option<T>`. Anything else does not compile, which is what keeps
/// `User::age.eq("ten")` out of your program.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Member {
///     #[covet(primary_key)]
///     id: i64,
///     name: String,
///     age: Option<i32>,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Member::TABLE]).await?;
/// Member { id: 0, name: "Ada".into(), age: Some(36) }.insert(&db).await?;
/// Member { id: 0, name: "Bob".into(), age: None }.insert(&db).await?;
///
/// // `&str` for a `String` column; a plain `i32`, or `None`, for an `Option<i32>` column.
/// let ada = Member::query().filter(Member::name.eq("Ada")).one(&db).await?;
/// assert_eq!(ada.age, Some(36));
/// assert_eq!(Member::query().filter(Member::age.eq(36)).count(&db).await?, 1);
/// assert_eq!(Member::query().filter(Member::age.eq(None)).one(&db).await?.name, "Bob");
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be compared with or assigned to a column of type `{T}`",
    label = "expected a value of type `{T}`",
    note = "a column accepts values of its own Rust type (and `&str` for `String` columns): convert the value to `{T}` first"
)]
pub trait AsValue<T: SqlValue> {
    /// Turns the value into a bindable value.
    #[doc(hidden)]
    fn into_sql_value(self) -> Result<sea_query::Value>;
}

impl<T: SqlValue> AsValue<T> for T {
    #[inline]
    fn into_sql_value(self) -> Result<sea_query::Value> {
        self.into_sql()
    }
}

impl<T: SqlValue> AsValue<Option<T>> for T {
    #[inline]
    fn into_sql_value(self) -> Result<sea_query::Value> {
        self.into_sql()
    }
}

impl AsValue<String> for &str {
    #[inline]
    fn into_sql_value(self) -> Result<sea_query::Value> {
        Ok(sea_query::Value::String(Some(self.to_owned())))
    }
}

impl AsValue<String> for &String {
    #[inline]
    fn into_sql_value(self) -> Result<sea_query::Value> {
        Ok(sea_query::Value::String(Some(self.clone())))
    }
}

impl AsValue<Option<String>> for &str {
    #[inline]
    fn into_sql_value(self) -> Result<sea_query::Value> {
        Ok(sea_query::Value::String(Some(self.to_owned())))
    }
}

impl AsValue<Option<String>> for &String {
    #[inline]
    fn into_sql_value(self) -> Result<sea_query::Value> {
        Ok(sea_query::Value::String(Some(self.clone())))
    }
}
