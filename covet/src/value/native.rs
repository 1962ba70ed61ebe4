//! The built-in column types and how each backend decodes them.

use sea_query::Value;
use sqlx::Row as _;

use crate::schema::ColumnType;

mod sealed {
    pub trait Sealed {}
}

/// A type covet stores natively: the built-in types listed in the [module docs](super), and
/// `Option` of them. A type of your own is stored as one of these through
/// [`SqlValue::Native`](super::SqlValue::Native).
///
/// This trait is sealed: its decoding methods are specific to each backend.
///
/// # Examples
///
/// ```
/// use covet::SqlValue;
/// use covet::schema::ColumnType;
/// use covet::value::Native;
///
/// assert_eq!(<i64 as Native>::COLUMN_TYPE, ColumnType::BigInt);
/// assert_eq!(<chrono::NaiveDate as Native>::COLUMN_TYPE, ColumnType::Date);
/// assert!(<Option<String> as Native>::NULLABLE);
/// assert!(!<String as Native>::NULLABLE);
///
/// // A `SqlValue` takes its column type from its native type.
/// assert_eq!(<covet::Json<Vec<u32>> as SqlValue>::COLUMN_TYPE, ColumnType::Json);
/// ```
pub trait Native: sealed::Sealed + Sized + Send + Sync + 'static {
    /// The SQL type of a column holding this type.
    const COLUMN_TYPE: ColumnType;
    /// Whether `NULL` is a valid value.
    const NULLABLE: bool = false;

    #[doc(hidden)]
    fn into_sql(self) -> Value;

    /// A `NULL` typed like this type (PostgreSQL binds parameters with their type).
    #[doc(hidden)]
    fn null_sql() -> Value;

    /// The value of an auto-increment key as MySQL reports it; `None` for non-integers.
    #[doc(hidden)]
    fn from_insert_id(id: u64) -> Option<Self> {
        let _ = id;
        None
    }

    #[doc(hidden)]
    #[cfg(feature = "postgres")]
    fn decode_postgres(row: &sqlx::postgres::PgRow, index: usize) -> Result<Self, sqlx::Error>;

    #[doc(hidden)]
    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &sqlx::mysql::MySqlRow, index: usize) -> Result<Self, sqlx::Error>;

    #[doc(hidden)]
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &sqlx::sqlite::SqliteRow, index: usize) -> Result<Self, sqlx::Error>;
}

/// A type sqlx decodes natively on every backend.
macro_rules! native {
    ($ty:ty, $column:expr, $variant:ident) => {
        native!($ty, $column, $variant, |_id| None);
    };
    ($ty:ty, $column:expr, $variant:ident, |$id:ident| $from_id:expr) => {
        impl sealed::Sealed for $ty {}

        impl Native for $ty {
            const COLUMN_TYPE: ColumnType = $column;

            #[inline]
            fn into_sql(self) -> Value {
                Value::$variant(Some(self.into()))
            }

            #[inline]
            fn null_sql() -> Value {
                Value::$variant(None)
            }

            #[inline]
            fn from_insert_id($id: u64) -> Option<Self> {
                $from_id
            }

            #[cfg(feature = "postgres")]
            #[inline]
            fn decode_postgres(
                row: &sqlx::postgres::PgRow,
                index: usize,
            ) -> Result<Self, sqlx::Error> {
                row.try_get(index)
            }

            #[cfg(feature = "mysql")]
            #[inline]
            fn decode_mysql(
                row: &sqlx::mysql::MySqlRow,
                index: usize,
            ) -> Result<Self, sqlx::Error> {
                row.try_get(index)
            }

            #[cfg(feature = "sqlite")]
            #[inline]
            fn decode_sqlite(
                row: &sqlx::sqlite::SqliteRow,
                index: usize,
            ) -> Result<Self, sqlx::Error> {
                row.try_get(index)
            }
        }
    };
}

native!(i16, ColumnType::SmallInt, SmallInt, |id| id.try_into().ok());
native!(i32, ColumnType::Int, Int, |id| id.try_into().ok());
native!(i64, ColumnType::BigInt, BigInt, |id| id.try_into().ok());
native!(f32, ColumnType::Float, Float);
native!(f64, ColumnType::Double, Double);
native!(bool, ColumnType::Bool, Bool);
native!(String, ColumnType::String { max_length: None }, String);
native!(Vec<u8>, ColumnType::Bytes, Bytes);
native!(chrono::NaiveDate, ColumnType::Date, ChronoDate);
native!(chrono::NaiveTime, ColumnType::Time, ChronoTime);
native!(chrono::NaiveDateTime, ColumnType::DateTime, ChronoDateTime);
native!(
    chrono::DateTime<chrono::Utc>,
    ColumnType::TimestampTz,
    ChronoDateTimeUtc
);
native!(uuid::Uuid, ColumnType::Uuid, Uuid);

impl sealed::Sealed for serde_json::Value {}

/// JSON goes through sqlx's `Json` wrapper on every backend, so MariaDB's `JSON` (a `LONGTEXT`
/// alias) and SQLite's text both decode.
impl Native for serde_json::Value {
    const COLUMN_TYPE: ColumnType = ColumnType::Json;

    #[inline]
    fn into_sql(self) -> Value {
        Value::Json(Some(Box::new(self)))
    }

    #[inline]
    fn null_sql() -> Value {
        Value::Json(None)
    }

    #[cfg(feature = "postgres")]
    fn decode_postgres(row: &sqlx::postgres::PgRow, index: usize) -> Result<Self, sqlx::Error> {
        row.try_get::<sqlx::types::Json<Self>, _>(index)
            .map(|json| json.0)
    }

    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &sqlx::mysql::MySqlRow, index: usize) -> Result<Self, sqlx::Error> {
        row.try_get::<sqlx::types::Json<Self>, _>(index)
            .map(|json| json.0)
    }

    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &sqlx::sqlite::SqliteRow, index: usize) -> Result<Self, sqlx::Error> {
        row.try_get::<sqlx::types::Json<Self>, _>(index)
            .map(|json| json.0)
    }
}

impl sealed::Sealed for rust_decimal::Decimal {}

/// SQLite has no decimal type: covet stores `Decimal` there as text so that no digit is lost,
/// and parses it back. The text is normalized when bound (`1.50` is sent as `1.5`), so equal
/// values are equal text; SQLite still orders and compares such columns as text.
impl Native for rust_decimal::Decimal {
    const COLUMN_TYPE: ColumnType = ColumnType::Decimal { precision: None };

    #[inline]
    fn into_sql(self) -> Value {
        Value::Decimal(Some(self))
    }

    #[inline]
    fn null_sql() -> Value {
        Value::Decimal(None)
    }

    #[cfg(feature = "postgres")]
    fn decode_postgres(row: &sqlx::postgres::PgRow, index: usize) -> Result<Self, sqlx::Error> {
        row.try_get(index)
    }

    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &sqlx::mysql::MySqlRow, index: usize) -> Result<Self, sqlx::Error> {
        row.try_get(index)
    }

    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &sqlx::sqlite::SqliteRow, index: usize) -> Result<Self, sqlx::Error> {
        let text: String = row.try_get(index)?;
        text.parse().map_err(|error| sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source: Box::new(error),
        })
    }
}

impl<T: Native> sealed::Sealed for Option<T> {}

/// `NULL` is checked first, then the inner type decodes as usual.
impl<T: Native> Native for Option<T> {
    const COLUMN_TYPE: ColumnType = T::COLUMN_TYPE;
    const NULLABLE: bool = true;

    #[inline]
    fn into_sql(self) -> Value {
        match self {
            Some(value) => value.into_sql(),
            None => T::null_sql(),
        }
    }

    #[inline]
    fn null_sql() -> Value {
        T::null_sql()
    }

    #[cfg(feature = "postgres")]
    fn decode_postgres(row: &sqlx::postgres::PgRow, index: usize) -> Result<Self, sqlx::Error> {
        use sqlx::ValueRef as _;
        if row.try_get_raw(index)?.is_null() {
            return Ok(None);
        }
        T::decode_postgres(row, index).map(Some)
    }

    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &sqlx::mysql::MySqlRow, index: usize) -> Result<Self, sqlx::Error> {
        use sqlx::ValueRef as _;
        if row.try_get_raw(index)?.is_null() {
            return Ok(None);
        }
        T::decode_mysql(row, index).map(Some)
    }

    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &sqlx::sqlite::SqliteRow, index: usize) -> Result<Self, sqlx::Error> {
        use sqlx::ValueRef as _;
        if row.try_get_raw(index)?.is_null() {
            return Ok(None);
        }
        T::decode_sqlite(row, index).map(Some)
    }
}
