//! Which type changes keep every existing value, on every dialect.
//!
//! Conservative on purpose: a change is a widening only when it provably is on PostgreSQL,
//! MySQL/MariaDB and SQLite alike (with covet's spelling of each type); everything else,
//! conversions between families included, counts as narrowing.

use crate::snapshot::ColumnType;

/// MySQL spells an unconstrained `Decimal` as `decimal(38, 10)`.
const MYSQL_DECIMAL: (u32, u32) = (38, 10);

/// Whether changing a column from `from` to `to` may lose or reject existing values.
pub(super) fn narrows(from: &ColumnType, to: &ColumnType) -> bool {
    !widens(from, to)
}

fn widens(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    match (from, to) {
        _ if from == to => true,
        (T::SmallInt, T::Int | T::BigInt) | (T::Int, T::BigInt) | (T::Float, T::Double) => true,
        // An unbounded `String` is `varchar(255)` on MySQL: a bound up to 255 fits in it, and an
        // unbounded one fits only in `Text`.
        (
            T::String {
                max_length: Some(a),
            },
            T::String {
                max_length: Some(b),
            },
        ) => b >= a,
        (
            T::String {
                max_length: Some(a),
            },
            T::String { max_length: None },
        ) => *a <= 255,
        (T::String { .. }, T::Text) => true,
        // Dropping the `CHECK`: every variant fits if the new column is long enough.
        (T::Enum { variants }, T::String { max_length }) => {
            let limit = max_length.unwrap_or(255);
            variants
                .iter()
                .all(|variant| variant.chars().count() <= limit as usize)
        }
        (T::Enum { .. }, T::Text) => true,
        (T::Enum { variants: old }, T::Enum { variants: new }) => {
            old.iter().all(|variant| new.contains(variant))
        }
        (T::Decimal { precision: Some(a) }, T::Decimal { precision: Some(b) }) => {
            decimal_fits(*a, *b)
        }
        // PostgreSQL's unconstrained numeric takes anything; MySQL's is (38, 10).
        (T::Decimal { precision: Some(a) }, T::Decimal { precision: None }) => {
            decimal_fits(*a, MYSQL_DECIMAL)
        }
        _ => false,
    }
}

/// Whether every `decimal(p1, s1)` value fits `decimal(p2, s2)`: as many digits after the point
/// and as many before it.
fn decimal_fits((p1, s1): (u32, u32), (p2, s2): (u32, u32)) -> bool {
    s2 >= s1 && p2.saturating_sub(s2) >= p1.saturating_sub(s1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnType as T;

    fn variants(names: &[&str]) -> T {
        T::Enum {
            variants: names.iter().map(|&name| name.to_owned()).collect(),
        }
    }

    #[test]
    fn larger_integers_and_floats_are_widenings() {
        assert!(!narrows(&T::SmallInt, &T::BigInt));
        assert!(!narrows(&T::Int, &T::BigInt));
        assert!(!narrows(&T::Float, &T::Double));
        assert!(narrows(&T::BigInt, &T::Int));
        assert!(narrows(&T::Double, &T::Float));
    }

    #[test]
    fn a_longer_or_unbounded_string_is_a_widening_and_a_shorter_one_is_not() {
        let string = |n| T::String { max_length: n };
        assert!(!narrows(&string(Some(10)), &string(Some(20))));
        assert!(!narrows(&string(Some(10)), &string(None)));
        assert!(!narrows(&string(None), &T::Text));
        assert!(narrows(&string(Some(20)), &string(Some(10))));
        assert!(narrows(&string(None), &string(Some(1000))));
        assert!(narrows(&string(Some(1000)), &string(None)));
        assert!(narrows(&T::Text, &string(None)));
    }

    #[test]
    fn an_enum_gaining_variants_widens_and_losing_one_narrows() {
        let two = variants(&["draft", "published"]);
        let three = variants(&["archived", "draft", "published"]);
        assert!(!narrows(&two, &three));
        assert!(narrows(&three, &two));
    }

    #[test]
    fn an_enum_becomes_a_string_safely_only_when_every_variant_fits() {
        let status = variants(&["draft", "published"]);
        assert!(!narrows(&status, &T::Text));
        assert!(!narrows(
            &status,
            &T::String {
                max_length: Some(9)
            }
        ));
        assert!(narrows(
            &status,
            &T::String {
                max_length: Some(8)
            }
        ));
        assert!(narrows(&T::Text, &status));
    }

    #[test]
    fn a_decimal_widens_only_when_it_keeps_its_digits_on_both_sides_of_the_point() {
        let decimal = |p| T::Decimal { precision: p };
        assert!(!narrows(&decimal(Some((10, 2))), &decimal(Some((12, 4)))));
        assert!(narrows(&decimal(Some((10, 2))), &decimal(Some((10, 4)))));
        assert!(!narrows(&decimal(Some((10, 2))), &decimal(None)));
        assert!(narrows(&decimal(Some((60, 2))), &decimal(None)));
        assert!(narrows(&decimal(None), &decimal(Some((10, 2)))));
    }

    #[test]
    fn a_change_between_families_counts_as_narrowing() {
        assert!(narrows(&T::Int, &T::Text));
        assert!(narrows(&T::DateTime, &T::TimestampTz));
        assert!(narrows(&T::Int, &T::Double));
    }
}
