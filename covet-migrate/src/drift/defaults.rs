//! Column defaults, compared as values.
//!
//! Each dialect writes a default back its own way: PostgreSQL adds casts
//! (`'en'::character varying`, `'-2'::integer`), MariaDB quotes strings and writes `true` as
//! `1`, SQLite keeps the text of the `CREATE TABLE`. A catalog's default is therefore reduced
//! to a literal (its casts, enclosing parentheses and quotes removed) or an expression, and
//! compared with the expected value as a value: numbers numerically, booleans as `true`/`1`
//! or `false`/`0`, text exactly. A `now` default is spelled differently by every dialect and
//! every column type (`CURRENT_TIMESTAMP`, `CURRENT_TIMESTAMP(6)`, `curdate()`, `now()`,
//! SQLite's `strftime(..., 'now')`): it matches any expression that reads the clock.

use covet::Backend;

use crate::snapshot::DefaultValue;

/// A default as a catalog writes it, reduced.
#[derive(Debug, PartialEq)]
pub(super) enum Found {
    /// A quoted literal, unquoted.
    Literal(String),
    /// Anything else: a number, a keyword, a function call.
    Expression(String),
}

/// Reduces `text`, a default from `backend`'s catalog. `None` when it is `NULL`: no default.
pub(super) fn reduce(text: &str, backend: Backend) -> Option<Found> {
    let mut text = strip_parentheses(text.trim());
    if backend == Backend::Postgres {
        while let Some(cast) = last_cast(text) {
            text = strip_parentheses(text[..cast].trim_end());
        }
    }
    if text.eq_ignore_ascii_case("null") {
        return None;
    }
    Some(match single_literal(text, backend) {
        Some(literal) => Found::Literal(literal),
        None => Found::Expression(text.to_owned()),
    })
}

/// Whether `found` is the value `expected`.
pub(super) fn matches(expected: &DefaultValue, found: &Found) -> bool {
    let value = match found {
        Found::Literal(value) | Found::Expression(value) => value.as_str(),
    };
    match expected {
        DefaultValue::Int(int) => {
            value.parse::<i64>() == Ok(*int)
                || value.parse::<f64>().is_ok_and(|float| float == *int as f64)
        }
        DefaultValue::Float(float) => value
            .parse::<f64>()
            .is_ok_and(|v| (v - float).abs() <= 1e-6 * float.abs().max(1.0)),
        DefaultValue::Bool(bool) => match value.to_ascii_lowercase().as_str() {
            "true" | "1" | "t" => *bool,
            "false" | "0" | "f" => !*bool,
            _ => false,
        },
        // MySQL 8 writes a string default unquoted.
        DefaultValue::Text(text) => value == text,
        DefaultValue::CurrentTimestamp => {
            matches!(found, Found::Expression(_)) && reads_the_clock(value)
        }
    }
}

/// The expected default, written as SQL would write it.
pub(super) fn describe(expected: &DefaultValue) -> String {
    match expected {
        DefaultValue::Int(int) => int.to_string(),
        DefaultValue::Float(float) => float.to_string(),
        DefaultValue::Text(text) => format!("'{}'", text.replace('\'', "''")),
        DefaultValue::Bool(true) => "TRUE".to_owned(),
        DefaultValue::Bool(false) => "FALSE".to_owned(),
        DefaultValue::CurrentTimestamp => "CURRENT_TIMESTAMP".to_owned(),
    }
}

fn reads_the_clock(expression: &str) -> bool {
    let lower = expression.to_ascii_lowercase();
    [
        "current_timestamp",
        "current_date",
        "current_time",
        "localtimestamp",
        "localtime",
        "now(",
        "'now'",
        "curdate(",
        "curtime(",
        "sysdate(",
        "utc_timestamp(",
        "statement_timestamp(",
        "transaction_timestamp(",
        "clock_timestamp(",
    ]
    .iter()
    .any(|clock| lower.contains(clock))
}

/// `text` without parentheses that enclose all of it.
fn strip_parentheses(mut text: &str) -> &str {
    while text.starts_with('(') && closing_parenthesis(text) == Some(text.len() - 1) {
        text = text[1..text.len() - 1].trim();
    }
    text
}

/// Where the parenthesis `text` opens with closes, quotes respected.
fn closing_parenthesis(text: &str) -> Option<usize> {
    let mut depth = 0_usize;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where a trailing PostgreSQL cast (`::character varying`, `::numeric(10,2)`, `::text[]`)
/// starts: the last `::` outside quotes and parentheses, followed by a type name only.
fn last_cast(text: &str) -> Option<usize> {
    let mut depth = 0_usize;
    let mut quoted = false;
    let mut last = None;
    let bytes = text.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth = depth.saturating_sub(1),
            b':' if !quoted
                && depth == 0
                && bytes.get(i + 1) == Some(&b':')
                && i > 0
                && bytes[i - 1] != b':' =>
            {
                last = Some(i);
            }
            _ => {}
        }
    }
    let cast = last?;
    let type_name = &text[cast + 2..];
    let is_type = !type_name.is_empty()
        && type_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _\"(),[]".contains(c));
    is_type.then_some(cast)
}

/// The content of `text` when it is one quoted string literal.
fn single_literal(text: &str, backend: Backend) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            // A doubled quote is a quote; a lone one would end the literal: this is more
            // than one.
            '\'' => {
                if chars.next() != Some('\'') {
                    return None;
                }
                value.push('\'');
            }
            '\\' if backend == Backend::MySql => match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('r') => value.push('\r'),
                Some('0') => value.push('\0'),
                Some(other) => value.push(other),
                None => return None,
            },
            _ => value.push(c),
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, backend: Backend) -> Option<Found> {
        reduce(text, backend)
    }

    #[test]
    fn casts_parentheses_and_quotes_are_removed() {
        let pg = Backend::Postgres;
        assert_eq!(
            found("'it''s'::character varying", pg),
            Some(Found::Literal("it's".into()))
        );
        assert_eq!(
            found("('-2'::integer)", pg),
            Some(Found::Literal("-2".into()))
        );
        assert_eq!(found("'{}'::jsonb", pg), Some(Found::Literal("{}".into())));
        assert_eq!(found("NULL::character varying", pg), None);
        assert_eq!(found("NULL", Backend::MySql), None);
        assert_eq!(
            found("'it\\'s'", Backend::MySql),
            Some(Found::Literal("it's".into()))
        );
        assert_eq!(
            found("'a' || 'b'", Backend::Sqlite),
            Some(Found::Expression("'a' || 'b'".into()))
        );
    }

    #[test]
    fn values_are_compared_as_values() {
        let is = |expected: DefaultValue, text: &str, backend| {
            matches(&expected, &reduce(text, backend).unwrap())
        };
        assert!(is(
            DefaultValue::Int(-2),
            "'-2'::integer",
            Backend::Postgres
        ));
        assert!(is(DefaultValue::Int(3), "3.0000", Backend::MySql));
        assert!(!is(DefaultValue::Int(3), "4", Backend::MySql));
        assert!(is(DefaultValue::Float(1.5), "1.5", Backend::Sqlite));
        assert!(is(DefaultValue::Bool(true), "1", Backend::MySql));
        assert!(is(DefaultValue::Bool(true), "true", Backend::Postgres));
        assert!(!is(DefaultValue::Bool(false), "TRUE", Backend::Sqlite));
        assert!(is(DefaultValue::Text("en".into()), "'en'", Backend::Sqlite));
        assert!(!is(
            DefaultValue::Text("en".into()),
            "'fr'",
            Backend::Sqlite
        ));
        let now = DefaultValue::CurrentTimestamp;
        assert!(is(now.clone(), "current_timestamp(6)", Backend::MySql));
        assert!(is(now.clone(), "curdate()", Backend::MySql));
        assert!(is(now.clone(), "CURRENT_TIMESTAMP", Backend::Postgres));
        assert!(is(
            now.clone(),
            "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')",
            Backend::Sqlite
        ));
        assert!(!is(now, "'2024-01-01'", Backend::Sqlite));
    }
}
