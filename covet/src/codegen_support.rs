//! The paths `#[model]` and `#[derive(DbEnum)]` expand to. Not a public API: names here may change
//! in any release.

pub use crate::column::Column;
pub use crate::error::{BoxError, Error, Result};
pub use crate::model::Model;
pub use crate::row::{FromRow, Row};
pub use crate::schema::{
    ColumnDef, ColumnType, DefaultValue, ForeignKeyDef, IndexDef, ReferentialAction, TableDef,
};
pub use crate::value::SqlValue;
pub use sea_query::Value;

/// `Model::column_value` was asked for a column the model does not have: a bug in covet.
pub fn column_out_of_range(model: &str, index: usize) -> Error {
    Error::new(
        crate::ErrorKind::Other,
        format!("{model} has no column at position {index}"),
    )
}

/// MySQL reported an insert id that the key's type cannot hold.
pub fn bad_insert_id(model: &str, id: u64) -> Error {
    Error::new(
        crate::ErrorKind::Decode,
        format!("the generated key {id} does not fit the key field of {model}"),
    )
}

/// An unknown stored value for an enum deriving `DbEnum`.
pub fn unknown_variant(enum_name: &str, value: &str) -> BoxError {
    format!("`{value}` is not a variant of {enum_name}").into()
}

/// Fails to compile, at the field's type, when the type cannot be a column.
pub fn assert_column<T: SqlValue>() {}

/// A foreign key field holds the referenced model's key type (or an `Option` of it).
#[diagnostic::on_unimplemented(
    message = "a foreign key field of type `{Self}` cannot hold the referenced key `{K}`",
    label = "expected `{K}` or `Option<{K}>`",
    note = "a `references = Model` field holds the referenced model's key: give it the key's type `{K}`, or `Option<{K}>` for an optional reference"
)]
pub trait ReferenceTo<K> {}
impl<K> ReferenceTo<K> for K {}
impl<K> ReferenceTo<K> for Option<K> {}

/// Fails to compile when a foreign key field's type differs from the referenced key's.
pub fn assert_reference<F: ReferenceTo<K>, K>() {}
