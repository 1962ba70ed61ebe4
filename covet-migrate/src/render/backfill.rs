//! Filling existing rows with a one-off value, before a column becomes `NOT NULL`.

use covet::Backend;
use sea_query::{Expr, ExprTrait, Query};

use super::column::default_expr;
use super::sql::Sql;
use crate::snapshot::{Column, DefaultValue};

/// `UPDATE table SET column = value WHERE column IS NULL`, the value written by sea-query as an
/// escaped literal of `column`'s type (a typed value, never spliced text).
pub(crate) fn fill_nulls(
    table: &str,
    column: &Column,
    value: &DefaultValue,
    backend: Backend,
) -> String {
    let update = Query::update()
        .table(table.to_owned())
        .value(column.name.clone(), default_expr(column, value, backend))
        .and_where(Expr::col(column.name.clone()).is_null())
        .to_owned();
    Sql(backend).inline(&update)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::ColumnType;

    #[test]
    fn fills_only_nulls_with_an_escaped_literal() {
        let column = Column::new("summary", ColumnType::Text);
        let value = DefaultValue::Text("it's; DROP TABLE post".into());
        assert_eq!(
            fill_nulls("post", &column, &value, Backend::Postgres),
            r#"UPDATE "post" SET "summary" = E'it\'s; DROP TABLE post' WHERE "summary" IS NULL"#
        );
        assert_eq!(
            fill_nulls("post", &column, &value, Backend::MySql),
            r"UPDATE `post` SET `summary` = 'it\'s; DROP TABLE post' WHERE `summary` IS NULL"
        );
        assert_eq!(
            fill_nulls("post", &column, &DefaultValue::Int(3), Backend::Sqlite),
            r#"UPDATE "post" SET "summary" = 3 WHERE "summary" IS NULL"#
        );
    }
}
