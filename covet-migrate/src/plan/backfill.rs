//! One-off values for the rows of a column that becomes required.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::PlanError;
use crate::operation::Operation;
use crate::risk;
use crate::snapshot::{Column, ColumnType, DefaultValue, Schema};

/// A one-off value for the existing rows of a column that a migration adds as `NOT NULL`
/// without a default, or makes `NOT NULL`: `--backfill table.column=value` on the command line.
///
/// The value is text, as typed; [`Plan::build`](crate::Plan::build) turns it into a value of
/// the column's type and sea-query writes that as an escaped literal (so `it's` or `'; DROP`
/// are just strings). Integers, floats and booleans (`true`/`false`) must parse as such, a
/// decimal must be digits with an optional sign and point, an enum's value must be one of its
/// variants, a bounded string must fit, and JSON must parse. Dates, times and timestamps are
/// written as text literals for the database to read: use the form covet stores (`2024-05-01`,
/// `12:30:00`, `2024-05-01 12:30:00`, `2024-05-01T12:30:00+00:00`). UUID and binary columns
/// take no backfill: no literal is portable across the dialects; add such a column as
/// nullable, fill it, then make it required.
///
/// # Examples
///
/// ```
/// use covet_migrate::Backfill;
///
/// let fill: Backfill = "post.summary=no summary yet".parse()?;
/// assert_eq!((fill.table.as_str(), fill.column.as_str()), ("post", "summary"));
/// assert_eq!(fill.value, "no summary yet");
///
/// // The last dot before the first `=` separates the column.
/// let fill: Backfill = "app.user.score=1.5".parse()?;
/// assert_eq!((fill.table.as_str(), fill.column.as_str(), fill.value.as_str()), ("app.user", "score", "1.5"));
/// # Ok::<(), covet_migrate::PlanError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backfill {
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// The value, as text.
    pub value: String,
}

impl FromStr for Backfill {
    type Err = PlanError;

    fn from_str(argument: &str) -> Result<Self, PlanError> {
        let invalid = || PlanError::InvalidBackfillArgument {
            argument: argument.to_owned(),
        };
        let (target, value) = argument.split_once('=').ok_or_else(invalid)?;
        let (table, column) = target.rsplit_once('.').ok_or_else(invalid)?;
        if table.is_empty() || column.is_empty() {
            return Err(invalid());
        }
        Ok(Self {
            table: table.to_owned(),
            column: column.to_owned(),
            value: value.to_owned(),
        })
    }
}

/// The backfill values of one migration, at most one per column.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Backfill, Backfills};
///
/// let mut backfills = Backfills::new();
/// assert_eq!(backfills.insert("post.views=0".parse()?), None);
/// // A second value for the same column replaces the first, and is returned.
/// assert_eq!(backfills.insert("post.views=1".parse()?), Some("0".to_owned()));
/// assert_eq!(backfills.get("post", "views"), Some("1"));
/// # Ok::<(), covet_migrate::PlanError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backfills {
    values: BTreeMap<(String, String), String>,
}

impl Backfills {
    /// No backfill values.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(covet_migrate::Backfills::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value, returning the one it replaces for the same column.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{Backfill, Backfills};
    ///
    /// let mut backfills = Backfills::new();
    /// backfills.insert(Backfill { table: "post".into(), column: "views".into(), value: "0".into() });
    /// assert!(!backfills.is_empty());
    /// ```
    pub fn insert(&mut self, backfill: Backfill) -> Option<String> {
        self.values
            .insert((backfill.table, backfill.column), backfill.value)
    }

    /// The value for `table.column`.
    ///
    /// # Examples
    ///
    /// ```
    /// let backfills: covet_migrate::Backfills = ["post.lang=en".parse()?].into_iter().collect();
    /// assert_eq!(backfills.get("post", "lang"), Some("en"));
    /// assert_eq!(backfills.get("post", "title"), None);
    /// # Ok::<(), covet_migrate::PlanError>(())
    /// ```
    pub fn get(&self, table: &str, column: &str) -> Option<&str> {
        self.values
            .get(&(table.to_owned(), column.to_owned()))
            .map(String::as_str)
    }

    /// Whether there is no value.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(covet_migrate::Backfills::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every value as `(table, column, value)`, by table and column.
    ///
    /// # Examples
    ///
    /// ```
    /// let backfills: covet_migrate::Backfills =
    ///     ["post.views=0".parse()?, "author.bio=".parse()?].into_iter().collect();
    /// let all: Vec<_> = backfills.iter().collect();
    /// assert_eq!(all, [("author", "bio", ""), ("post", "views", "0")]);
    /// # Ok::<(), covet_migrate::PlanError>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.values
            .iter()
            .map(|((table, column), value)| (table.as_str(), column.as_str(), value.as_str()))
    }
}

impl FromIterator<Backfill> for Backfills {
    fn from_iter<I: IntoIterator<Item = Backfill>>(iter: I) -> Self {
        let mut backfills = Self::new();
        for backfill in iter {
            backfills.insert(backfill);
        }
        backfills
    }
}

/// Typed backfill values, by `(table, column)`.
pub(super) type Fills = BTreeMap<(String, String), DefaultValue>;

/// Checks every backfill against the operations that need one and turns it into a value of its
/// column's type.
pub(super) fn resolve(
    backfills: &Backfills,
    new: &Schema,
    operations: &[Operation],
) -> Result<Fills, PlanError> {
    let mut fills = Fills::new();
    for (table, column, text) in backfills.iter() {
        let target = operations
            .iter()
            .find_map(|op| {
                needs_backfill(op, new).filter(|c| op.table() == table && c.name == column)
            })
            .ok_or_else(|| PlanError::UnusedBackfill {
                table: table.to_owned(),
                column: column.to_owned(),
            })?;
        let value = typed(target, text).map_err(|reason| PlanError::InvalidBackfill {
            table: table.to_owned(),
            column: column.to_owned(),
            value: text.to_owned(),
            reason,
        })?;
        fills.insert((table.to_owned(), column.to_owned()), value);
    }
    Ok(fills)
}

/// The column whose existing rows `op` needs a value for (the risks a backfill removes), as the
/// new schema defines it.
pub(super) fn needs_backfill<'a>(op: &'a Operation, new: &'a Schema) -> Option<&'a Column> {
    match op {
        Operation::AddColumn { column, .. } if op.risk().contains(&risk::ADDS_REQUIRED_COLUMN) => {
            Some(column)
        }
        Operation::AlterColumnNullability {
            table,
            column,
            nullable: false,
        } => new.tables.get(table)?.column(column),
        _ => None,
    }
}

/// The risk a backfill for `op` removes.
pub(super) fn removed_risk(op: &Operation) -> Option<&'static str> {
    match op {
        Operation::AddColumn { .. } => Some(risk::ADDS_REQUIRED_COLUMN),
        Operation::AlterColumnNullability { .. } => Some(risk::ADDS_NOT_NULL),
        _ => None,
    }
}

/// `text` as a value of `column`'s type, or why it is not one.
fn typed(column: &Column, text: &str) -> Result<DefaultValue, String> {
    let integer = |min: i64, max: i64, name: &str| {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|value| (min..=max).contains(value))
            .map(DefaultValue::Int)
            .ok_or_else(|| format!("expected {name} between {min} and {max}"))
    };
    match &column.ty {
        ColumnType::SmallInt => integer(i16::MIN.into(), i16::MAX.into(), "a small integer"),
        ColumnType::Int => integer(i32::MIN.into(), i32::MAX.into(), "an integer"),
        ColumnType::BigInt => integer(i64::MIN, i64::MAX, "an integer"),
        ColumnType::Float | ColumnType::Double => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .map(DefaultValue::Float)
            .ok_or_else(|| "expected a finite number".to_owned()),
        ColumnType::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(DefaultValue::Bool(true)),
            "false" => Ok(DefaultValue::Bool(false)),
            _ => Err("expected true or false".to_owned()),
        },
        ColumnType::String {
            max_length: Some(max),
        } if text.chars().count() > *max as usize => {
            Err(format!("longer than the column's {max} characters"))
        }
        ColumnType::String { .. } | ColumnType::Text => Ok(DefaultValue::Text(text.to_owned())),
        ColumnType::Enum { variants } if variants.iter().any(|v| v == text) => {
            Ok(DefaultValue::Text(text.to_owned()))
        }
        ColumnType::Enum { variants } => Err(format!("expected one of {}", variants.join(", "))),
        ColumnType::Decimal { .. } if is_decimal(text) => Ok(DefaultValue::Text(text.to_owned())),
        ColumnType::Decimal { .. } => Err("expected a decimal number such as -12.50".to_owned()),
        ColumnType::Json => serde_json::from_str::<serde_json::Value>(text)
            .map(|_| DefaultValue::Text(text.to_owned()))
            .map_err(|err| format!("not JSON: {err}")),
        ColumnType::Date | ColumnType::Time | ColumnType::DateTime | ColumnType::TimestampTz => {
            Ok(DefaultValue::Text(text.to_owned()))
        }
        // The advice (add it nullable, fill it, then require it) is in the error's message.
        ColumnType::Uuid | ColumnType::Bytes => Err(
            "UUID and binary columns take no backfill value (no literal is portable)".to_owned(),
        ),
    }
}

/// `-12.50`, `3`, `+0.5`: what every dialect reads as a decimal from a string literal.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty()) && all_digits(whole) && all_digits(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(ty: ColumnType, text: &str) -> Result<DefaultValue, String> {
        typed(&Column::new("c", ty), text)
    }

    #[test]
    fn values_are_typed_by_the_column() {
        assert_eq!(of(ColumnType::Int, " 42"), Ok(DefaultValue::Int(42)));
        assert!(of(ColumnType::SmallInt, "40000").is_err());
        assert!(of(ColumnType::BigInt, "4x").is_err());
        assert_eq!(of(ColumnType::Double, "1.5"), Ok(DefaultValue::Float(1.5)));
        assert!(of(ColumnType::Float, "NaN").is_err());
        assert_eq!(of(ColumnType::Bool, "TRUE"), Ok(DefaultValue::Bool(true)));
        assert!(of(ColumnType::Bool, "1").is_err());
        assert_eq!(
            of(ColumnType::Text, "it's'); DROP TABLE x; --"),
            Ok(DefaultValue::Text("it's'); DROP TABLE x; --".into()))
        );
        assert!(
            of(
                ColumnType::String {
                    max_length: Some(2)
                },
                "abc"
            )
            .is_err()
        );
        let mood = ColumnType::Enum {
            variants: vec!["happy".into(), "sad".into()],
        };
        assert_eq!(
            of(mood.clone(), "sad"),
            Ok(DefaultValue::Text("sad".into()))
        );
        assert_eq!(of(mood, "Sad"), Err("expected one of happy, sad".into()));
        let decimal = ColumnType::Decimal { precision: None };
        for ok in ["-12.50", "3", "+0.5", ".5", "5."] {
            assert!(of(decimal.clone(), ok).is_ok(), "{ok}");
        }
        for bad in ["", ".", "1e5", "1.2.3", "--1"] {
            assert!(of(decimal.clone(), bad).is_err(), "{bad}");
        }
        assert!(of(ColumnType::Json, r#"{"a": 1}"#).is_ok());
        assert!(of(ColumnType::Json, "{").is_err());
        assert!(of(ColumnType::Uuid, "00000000-0000-0000-0000-000000000000").is_err());
    }

    #[test]
    fn arguments_need_a_table_a_column_and_an_equals_sign() {
        for bad in ["post", "post=1", ".views=1", "post.=1", "views=1"] {
            assert!(bad.parse::<Backfill>().is_err(), "{bad}");
        }
        let fill: Backfill = "post.title=a=b".parse().unwrap();
        assert_eq!(fill.value, "a=b");
        let empty: Backfill = "post.title=".parse().unwrap();
        assert_eq!(empty.value, "");
    }
}
