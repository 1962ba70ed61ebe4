//! Decoding straight from the driver's row.

use crate::error::{Error, Result};
use crate::value::{Native, SqlValue};

mod sealed {
    pub trait Sealed {}
}

/// A row as the driver returned it: `PgRow`, `MySqlRow` or `SqliteRow`.
///
/// Generated code reads each column by position into the field's type; no intermediate map of
/// values is built. A [`FromRow`] implementation of your own reads columns the same way, with
/// [`decode`](Self::decode). The trait is sealed.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::{Database, ErrorKind, FromRow, Row};
///
/// struct Pair(String, Option<i64>);
///
/// impl FromRow for Pair {
///     fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
///         Ok(Pair(row.decode(0)?, row.decode(1)?))
///     }
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// let rows: Vec<Pair> = covet::unchecked_sql("SELECT 'tea', NULL").fetch_all(&db).await?;
/// assert_eq!((rows[0].0.as_str(), rows[0].1), ("tea", None));
///
/// // A value that does not fit the Rust type is an error, not a panic.
/// let wrong: covet::Result<Vec<Pair>> = covet::unchecked_sql("SELECT 42, 1").fetch_all(&db).await;
/// assert_eq!(wrong.err().map(|e| e.kind()), Some(ErrorKind::Decode));
/// # Ok(()) }
/// ```
pub trait Row: sealed::Sealed + Send + Sync {
    /// Reads column `index` as `T`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when the stored value does not fit `T`.
    ///
    /// # Examples
    ///
    /// See the example on [`Row`], which decodes a text and a `NULL`, and fails on a value that
    /// does not fit.
    fn decode<T: SqlValue>(&self, index: usize) -> Result<T>;
}

macro_rules! row {
    ($feature:literal, $row:ty, $decode:ident) => {
        #[cfg(feature = $feature)]
        impl sealed::Sealed for $row {}

        #[cfg(feature = $feature)]
        impl Row for $row {
            #[inline]
            fn decode<T: SqlValue>(&self, index: usize) -> Result<T> {
                let native = <T::Native as Native>::$decode(self, index)?;
                T::from_native(native).map_err(Error::decode)
            }
        }
    };
}

row!("postgres", sqlx::postgres::PgRow, decode_postgres);
row!("mysql", sqlx::mysql::MySqlRow, decode_mysql);
row!("sqlite", sqlx::sqlite::SqliteRow, decode_sqlite);

/// A type built from a whole row: every model, and the scalar rows covet reads itself.
///
/// `#[covet::model]` implements it for each model. Implement it yourself to read rows of
/// another shape (an aggregate, a join) with [`unchecked_sql`](crate::unchecked_sql): decode
/// the columns by position with [`Row::decode`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
/// use covet::{FromRow, Row};
///
/// #[covet::model]
/// struct Sale {
///     #[covet(primary_key)]
///     id: i64,
///     region: String,
///     amount: i64,
/// }
///
/// /// One row of a `GROUP BY` report.
/// struct RegionTotal {
///     region: String,
///     total: i64,
/// }
///
/// impl FromRow for RegionTotal {
///     fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
///         Ok(RegionTotal { region: row.decode(0)?, total: row.decode(1)? })
///     }
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Sale::TABLE]).await?;
/// for (region, amount) in [("north", 10), ("south", 5), ("north", 7)] {
///     Sale { id: 0, region: region.into(), amount }.insert(&db).await?;
/// }
///
/// let totals: Vec<RegionTotal> = covet::unchecked_sql(
///     "SELECT region, SUM(amount) FROM sale GROUP BY region ORDER BY region",
/// )
/// .fetch_all(&db)
/// .await?;
/// assert_eq!((totals[0].region.as_str(), totals[0].total), ("north", 17));
/// assert_eq!((totals[1].region.as_str(), totals[1].total), ("south", 5));
/// # Ok(()) }
/// ```
pub trait FromRow: Sized + Send + Unpin + 'static {
    /// Builds the value from `row`, whose columns come in the order covet selected them.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when a column does not fit its field.
    ///
    /// # Examples
    ///
    /// See the example on [`FromRow`], which reads the rows of a `GROUP BY` report.
    fn from_row<R: Row>(row: &R) -> Result<Self>;
}

/// A one-column row holding a count.
pub(crate) struct Count(pub(crate) i64);

impl FromRow for Count {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        row.decode(0).map(Count)
    }
}

/// A row whose content does not matter (`exists`).
pub(crate) struct Present;

impl FromRow for Present {
    fn from_row<R: Row>(_row: &R) -> Result<Self> {
        Ok(Present)
    }
}
