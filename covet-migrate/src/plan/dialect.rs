//! Risks that come from the dialect rather than from the operation.

use crate::risk;
use crate::snapshot::ColumnType;

/// `D001`: SQLite rebuilds a table: every row is copied into a new table, with foreign keys off
/// while the migration runs (checked before it commits).
pub const REBUILDS_TABLE: &str = "D001";
/// `D002`: MySQL and MariaDB commit each DDL statement at once: a migration that fails midway
/// stays half-applied, to be finished or undone by hand.
pub const NOT_TRANSACTIONAL: &str = "D002";
/// `D003`: PostgreSQL rewrites the whole table for this type change, holding an exclusive lock
/// on it meanwhile.
pub const REWRITES_TABLE: &str = "D003";

/// Every dialect code with a one-line description, in code order.
///
/// # Examples
///
/// ```
/// use covet_migrate::plan;
///
/// assert_eq!(plan::DIALECT_RISKS[0].0, plan::REBUILDS_TABLE);
/// assert!(plan::DIALECT_RISKS.windows(2).all(|pair| pair[0].0 < pair[1].0));
/// ```
pub const DIALECT_RISKS: &[(&str, &str)] = &[
    (REBUILDS_TABLE, "rebuilds a SQLite table"),
    (NOT_TRANSACTIONAL, "runs outside a transaction"),
    (REWRITES_TABLE, "rewrites a PostgreSQL table"),
];

/// The description of any code, operation or dialect.
pub(super) fn describe(code: &str) -> &'static str {
    risk::ALL
        .iter()
        .chain(DIALECT_RISKS)
        .find(|(known, _)| *known == code)
        .map_or("see covet-migrate's risk codes", |(_, description)| {
            description
        })
}

/// Whether PostgreSQL rewrites the table to change a column from `from` to `to`.
///
/// Binary-compatible changes only touch the catalog: lengthening or removing a `varchar`'s
/// bound, `varchar` to `text` and back without a bound (covet's enums are a `varchar`), and
/// raising a `numeric`'s precision at the same scale. Every other change of SQL type rewrites.
pub(super) fn rewrites_on_postgres(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    /// A `varchar` (bound) or `text` (`None`, like an unbounded `varchar`).
    fn character(ty: &ColumnType) -> Option<Option<u32>> {
        match ty {
            T::String { max_length } => Some(*max_length),
            T::Enum { .. } | T::Text => Some(None),
            _ => None,
        }
    }
    if let (Some(old), Some(new)) = (character(from), character(to)) {
        return match (old, new) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(old), Some(new)) => new < old,
        };
    }
    match (from, to) {
        (T::Decimal { precision: Some(_) }, T::Decimal { precision: None }) => false,
        (
            T::Decimal {
                precision: Some((old_precision, old_scale)),
            },
            T::Decimal {
                precision: Some((new_precision, new_scale)),
            },
        ) => !(new_scale == old_scale && new_precision >= old_precision),
        _ => from != to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_described() {
        for (code, description) in risk::ALL.iter().chain(DIALECT_RISKS) {
            assert_eq!(describe(code), *description);
        }
    }

    #[test]
    fn only_binary_compatible_changes_skip_the_rewrite() {
        let varchar = |n| ColumnType::String { max_length: n };
        let decimal = |p| ColumnType::Decimal { precision: p };
        let enumeration = ColumnType::Enum {
            variants: vec!["a".into()],
        };
        for (from, to) in [
            (varchar(Some(80)), varchar(Some(200))),
            (varchar(Some(80)), varchar(None)),
            (varchar(Some(80)), ColumnType::Text),
            (ColumnType::Text, varchar(None)),
            (enumeration.clone(), ColumnType::Text),
            (varchar(None), enumeration),
            (decimal(Some((10, 2))), decimal(Some((12, 2)))),
            (decimal(Some((10, 2))), decimal(None)),
        ] {
            assert!(!rewrites_on_postgres(&from, &to), "{from:?} -> {to:?}");
        }
        for (from, to) in [
            (varchar(Some(200)), varchar(Some(80))),
            (ColumnType::Text, varchar(Some(80))),
            (ColumnType::Int, ColumnType::BigInt),
            (ColumnType::Int, ColumnType::Text),
            (decimal(Some((10, 2))), decimal(Some((12, 3)))),
            (decimal(None), decimal(Some((12, 3)))),
        ] {
            assert!(rewrites_on_postgres(&from, &to), "{from:?} -> {to:?}");
        }
    }
}
