//! Decoding straight from the driver's row.

use crate::error::{Error, Result};
use crate::value::{Native, SqlValue};

mod sealed {
    pub trait Sealed {}
}

/// A row as the driver returned it: `PgRow`, `MySqlRow` or `SqliteRow`.
///
/// Generated code reads each column by position into the field's type; no intermediate map of
/// values is built. The trait is sealed.
pub trait Row: sealed::Sealed + Send + Sync {
    /// Reads column `index` as `T`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when the stored value does not fit `T`.
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
pub trait FromRow: Sized + Send + Unpin + 'static {
    /// Builds the value from `row`, whose columns come in the order covet selected them.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when a column does not fit its field.
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
