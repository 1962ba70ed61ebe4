//! Binding sea-query's values to each driver's arguments.
//!
//! Every value a statement carries goes through here: nothing is ever inlined into SQL text.

use sea_query::{Value, Values};
use sqlx::Arguments as _;
use sqlx::types::Json;

use crate::error::{Error, Result};

fn unsigned(value: Option<u64>) -> Result<Option<i64>> {
    value
        .map(|v| {
            i64::try_from(v).map_err(|_| {
                Error::new(
                    crate::ErrorKind::Encode,
                    format!("{v} does not fit a signed 64-bit integer"),
                )
            })
        })
        .transpose()
}

fn unsupported(value: &Value) -> Error {
    Error::new(
        crate::ErrorKind::Encode,
        format!("covet cannot bind a value of this kind: {value:?}"),
    )
}

/// Binds `values` in order. `$decimal` says how a decimal is sent (SQLite has no decimal type).
macro_rules! bind_all {
    ($name:ident, $feature:literal, $args:ty, |$d:ident| $decimal:expr) => {
        #[cfg(feature = $feature)]
        pub(super) fn $name(values: Values) -> Result<$args> {
            let mut args = <$args>::default();
            args.reserve(values.0.len(), 0);
            for value in values.0 {
                let added = match value {
                    Value::Bool(v) => args.add(v),
                    Value::TinyInt(v) => args.add(v.map(i16::from)),
                    Value::SmallInt(v) => args.add(v),
                    Value::Int(v) => args.add(v),
                    Value::BigInt(v) => args.add(v),
                    Value::TinyUnsigned(v) => args.add(v.map(i16::from)),
                    Value::SmallUnsigned(v) => args.add(v.map(i32::from)),
                    Value::Unsigned(v) => args.add(v.map(i64::from)),
                    Value::BigUnsigned(v) => args.add(unsigned(v)?),
                    Value::Float(v) => args.add(v),
                    Value::Double(v) => args.add(v),
                    Value::String(v) => args.add(v),
                    Value::Char(v) => args.add(v.map(String::from)),
                    Value::Bytes(v) => args.add(v),
                    Value::Json(v) => args.add(v.map(|json| Json(*json))),
                    Value::ChronoDate(v) => args.add(v),
                    Value::ChronoTime(v) => args.add(v),
                    Value::ChronoDateTime(v) => args.add(v),
                    Value::ChronoDateTimeUtc(v) => args.add(v),
                    Value::Uuid(v) => args.add(v),
                    Value::Decimal($d) => args.add($decimal),
                    other => return Err(unsupported(&other)),
                };
                added.map_err(Error::encode)?;
            }
            Ok(args)
        }
    };
}

bind_all!(postgres, "postgres", sqlx::postgres::PgArguments, |d| d);
bind_all!(mysql, "mysql", sqlx::mysql::MySqlArguments, |d| d);
// SQLite has no decimal type: a `Decimal` is stored and compared as text (see the
// `decimal_text` column type). The text is normalized (no trailing zeros, no negative zero) so
// that one value has one spelling: `1.50` and `1.5` are then the same stored text and an `eq`
// filter finds either. Ordering stays textual; the book's "Column types" section says so.
bind_all!(sqlite, "sqlite", sqlx::sqlite::SqliteArguments, |d| d
    .map(|d| d.normalize().to_string()));
