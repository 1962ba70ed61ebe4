//! Column types as each dialect's catalog reports them.
//!
//! The expected type is rendered exactly as covet's `CREATE TABLE` renders it (covet's
//! [`ddl_type`](covet::schema::ColumnType::ddl_type), written by sea-query for the dialect);
//! both it and the catalog's type are then put in one canonical spelling per dialect, so that
//! synonyms compare equal: PostgreSQL's `character varying(80)` and `varchar(80)`, MariaDB's
//! `bigint(20)` and `bigint`, `tinyint(1)` and `bool`. SQLite reports types as written.

use covet::Backend;
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder, TableBuilder};

use crate::snapshot::ColumnType;

/// The canonical type of a column of type `ty` created by covet on `backend`.
pub(super) fn expected(ty: &ColumnType, auto_increment: bool, backend: Backend) -> String {
    let sql_type = crate::render::sql_type(ty, auto_increment, backend);
    let mut text = String::new();
    match backend {
        Backend::Postgres => {
            TableBuilder::prepare_column_type(&PostgresQueryBuilder, &sql_type, &mut text);
        }
        Backend::MySql => {
            TableBuilder::prepare_column_type(&MysqlQueryBuilder, &sql_type, &mut text);
        }
        _ => TableBuilder::prepare_column_type(&SqliteQueryBuilder, &sql_type, &mut text),
    }
    canonical(&text, backend)
}

/// `found`, a type as `backend`'s catalog writes it, in the canonical spelling.
pub(super) fn canonical(found: &str, backend: Backend) -> String {
    let text = tidy(found);
    match backend {
        Backend::Postgres => postgres(&text),
        Backend::MySql => mysql(&text),
        _ => text,
    }
}

/// Lower case, single spaces, none around parentheses and commas.
fn tidy(text: &str) -> String {
    let words = text.to_ascii_lowercase();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(words.len());
    let mut chars = words.chars().peekable();
    while let Some(c) = chars.next() {
        let next_is_punct = matches!(chars.peek(), Some('(' | ')' | ','));
        let after_punct = matches!(out.chars().last(), Some('(' | ','));
        if c == ' ' && (next_is_punct || after_punct) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Splits `varchar(80)` into `varchar` and `(80)`.
fn split_arguments(text: &str) -> (&str, &str) {
    text.find('(').map_or((text, ""), |i| text.split_at(i))
}

fn postgres(text: &str) -> String {
    let (text, zone) = if let Some(base) = text.strip_suffix(" with time zone") {
        (base, true)
    } else {
        (
            text.strip_suffix(" without time zone").unwrap_or(text),
            false,
        )
    };
    let (base, arguments) = split_arguments(text);
    let (base, zone) = match base {
        "character varying" => ("varchar", zone),
        "character" | "char" | "bpchar" => ("char", zone),
        "bool" | "boolean" => ("boolean", zone),
        "decimal" | "numeric" => ("numeric", zone),
        "int" | "int4" | "integer" => ("integer", zone),
        "int2" | "smallint" => ("smallint", zone),
        "int8" | "bigint" => ("bigint", zone),
        "float4" | "real" => ("real", zone),
        "float8" | "double precision" => ("double precision", zone),
        "timestamptz" => ("timestamp", true),
        "timetz" => ("time", true),
        other => (other, zone),
    };
    let zone = if zone { "tz" } else { "" };
    format!("{base}{zone}{arguments}")
}

fn mysql(text: &str) -> String {
    // The character set and collation are not part of the type compared.
    let text = [" character set ", " charset ", " collate "]
        .iter()
        .filter_map(|clause| text.find(clause))
        .min()
        .map_or(text, |end| &text[..end]);
    let text = text.replace("double precision", "double");
    let (head, tail) = match text.find(' ') {
        Some(space) => text.split_at(space),
        None => (text.as_str(), ""),
    };
    let (base, arguments) = split_arguments(head);
    let head = match (base, arguments) {
        ("bool" | "boolean", _) | ("tinyint", "(1)") => "tinyint(1)".to_owned(),
        // Display widths are not part of an integer's type.
        ("tinyint" | "smallint" | "mediumint" | "bigint", _) => base.to_owned(),
        ("int" | "integer", _) => "int".to_owned(),
        ("numeric", _) => format!("decimal{arguments}"),
        ("real", _) => format!("double{arguments}"),
        _ => head.to_owned(),
    };
    format!("{head}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_have_one_spelling() {
        let pg = |t| canonical(t, Backend::Postgres);
        assert_eq!(pg("character varying(80)"), pg("varchar(80)"));
        assert_eq!(pg("timestamp with time zone"), pg("timestamptz"));
        assert_eq!(pg("timestamp(3) with time zone"), "timestamptz(3)");
        assert_eq!(pg("time without time zone"), "time");
        assert_eq!(pg("numeric(10,2)"), pg("decimal(10, 2)"));
        assert_eq!(pg("boolean"), pg("bool"));
        let my = |t| canonical(t, Backend::MySql);
        assert_eq!(my("bigint(20)"), "bigint");
        assert_eq!(my("int(11) unsigned"), "int unsigned");
        assert_eq!(my("tinyint(1)"), my("bool"));
        assert_ne!(my("tinyint(4)"), my("bool"));
        assert_eq!(
            my("varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
            "varchar(255)"
        );
        assert_eq!(my("decimal(38,10)"), my("decimal(38, 10)"));
        assert_eq!(canonical("VARCHAR (80)", Backend::Sqlite), "varchar(80)");
    }

    #[test]
    fn expected_types_are_covets_ddl_types() {
        let text = |ty, backend| expected(&ty, false, backend);
        let string = |n| ColumnType::String { max_length: n };
        assert_eq!(text(string(Some(80)), Backend::Postgres), "varchar(80)");
        assert_eq!(text(string(None), Backend::MySql), "varchar(255)");
        assert_eq!(text(ColumnType::Bool, Backend::MySql), "tinyint(1)");
        assert_eq!(text(ColumnType::Json, Backend::Postgres), "jsonb");
        assert_eq!(
            text(ColumnType::TimestampTz, Backend::Postgres),
            "timestamptz"
        );
        assert_eq!(
            text(ColumnType::Enum { variants: vec![] }, Backend::MySql),
            "varchar(255)"
        );
        assert_eq!(text(ColumnType::Date, Backend::Sqlite), "date_text");
        // SQLite numbers rows itself only for an `integer` key.
        assert_eq!(
            expected(&ColumnType::SmallInt, true, Backend::Sqlite),
            "integer"
        );
    }
}
