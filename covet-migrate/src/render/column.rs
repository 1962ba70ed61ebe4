//! Snapshot columns as sea-query column definitions, typed exactly as covet's `CREATE TABLE`
//! types them.

use covet::Backend;
use covet::schema::ColumnType as CovetType;
use sea_query::{ColumnDef, Expr, ExprTrait, Value};

use crate::snapshot::{Column, ColumnType, DefaultValue};

/// The covet type a snapshot type stands for. An enum's variants do not change its SQL type
/// (they live in the `CHECK`), so they are left out.
pub(super) fn covet_type(ty: &ColumnType) -> CovetType {
    match ty {
        ColumnType::SmallInt => CovetType::SmallInt,
        ColumnType::Int => CovetType::Int,
        ColumnType::BigInt => CovetType::BigInt,
        ColumnType::Float => CovetType::Float,
        ColumnType::Double => CovetType::Double,
        ColumnType::Bool => CovetType::Bool,
        ColumnType::String { max_length } => CovetType::String {
            max_length: *max_length,
        },
        ColumnType::Text => CovetType::Text,
        ColumnType::Bytes => CovetType::Bytes,
        ColumnType::Date => CovetType::Date,
        ColumnType::Time => CovetType::Time,
        ColumnType::DateTime => CovetType::DateTime,
        ColumnType::TimestampTz => CovetType::TimestampTz,
        ColumnType::Uuid => CovetType::Uuid,
        ColumnType::Json => CovetType::Json,
        ColumnType::Decimal { precision } => CovetType::Decimal {
            precision: *precision,
        },
        ColumnType::Enum { .. } => CovetType::Enum {
            name: "",
            variants: &[],
        },
    }
}

/// `ty` without a length or precision: what a value is cast to without being cut or rounded.
pub(super) fn unsized_type(ty: &ColumnType) -> ColumnType {
    match ty {
        ColumnType::String { .. } => ColumnType::String { max_length: None },
        ColumnType::Decimal { .. } => ColumnType::Decimal { precision: None },
        other => other.clone(),
    }
}

/// The sea-query type of a column of type `ty` on `backend`.
pub(crate) fn sql_type(
    ty: &ColumnType,
    auto_increment: bool,
    backend: Backend,
) -> sea_query::ColumnType {
    covet_type(ty).ddl_type(auto_increment, backend)
}

/// The column's `DEFAULT` expression.
pub(super) fn default_expr(column: &Column, default: &DefaultValue, backend: Backend) -> Expr {
    match default {
        DefaultValue::Int(value) => Expr::val(*value),
        DefaultValue::Float(value) => Expr::val(*value),
        DefaultValue::Text(value) => Expr::val(value.as_str()),
        DefaultValue::Bool(value) => Expr::val(*value),
        DefaultValue::CurrentTimestamp => covet_type(&column.ty).ddl_now_default(backend),
    }
}

/// The full column definition, as covet's `CREATE TABLE` writes it: type, `NULL`/`NOT NULL`,
/// auto-increment (with its inline `PRIMARY KEY` when `inline_key`) and `DEFAULT`.
pub(super) fn column_def(column: &Column, backend: Backend, inline_key: bool) -> ColumnDef {
    let mut def = ColumnDef::new_with_type(
        column.name.clone(),
        sql_type(&column.ty, column.auto_increment, backend),
    );
    if column.nullable {
        def.null();
    } else {
        def.not_null();
    }
    if column.auto_increment {
        if inline_key {
            def.primary_key();
        }
        def.auto_increment();
    }
    if let Some(default) = &column.default {
        def.default(default_expr(column, default, backend));
    }
    def
}

/// The `CHECK` expression that keeps an enum column within its variants, as covet writes it.
pub(super) fn enum_check_expr(column: &str, variants: &[String]) -> Expr {
    Expr::col(column.to_owned()).is_in(variants.iter().map(|v| Value::from(v.as_str())))
}

/// The name covet gives an enum column's `CHECK`.
pub(super) fn check_name(table: &str, column: &str) -> String {
    covet::schema::constraint_name(table, &[column], "check")
}
