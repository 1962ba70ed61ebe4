//! Procedural macros for [covet](https://docs.rs/covet): `#[model]` and `#[derive(DbEnum)]`.
//!
//! Use them through `covet` (`#[covet::model]`, `#[derive(covet::DbEnum)]`), whose documentation
//! lists every attribute. This crate only parses and expands; all the behaviour lives in `covet`.
//! Set `COVET_MACROS_DEBUG=1` to print each expansion while compiling.

mod db_enum;
mod model;
mod util;

use proc_macro::TokenStream;

/// Maps a struct with named fields to a table.
///
/// (The examples here are plain text because this crate cannot depend on `covet`; the same
/// examples run as doc tests in `covet`'s documentation and the book.)
///
/// ```text
/// #[covet::model(table = "users", index(last_name, first_name))]
/// pub struct User {
///     #[covet(primary_key)]
///     pub id: i64,
///     #[covet(unique, max_length = 255)]
///     pub email: String,
///     pub first_name: String,
///     pub last_name: String,
///     #[covet(default = now, generated)]
///     pub created_at: chrono::DateTime<chrono::Utc>,
///     #[covet(skip)]
///     pub cache: Option<String>,
/// }
/// ```
///
/// Model arguments: `table = "name"` (default: the struct's name in snake case),
/// `renamed_from = "old_name"` (the table's previous name, for migrations), `primary_key(a, b)` for a composite key, `index(a, b)` and `unique(a, b)` for composite
/// indexes (repeatable; fields by their Rust names).
///
/// Field attributes, inside `#[covet(...)]`: `primary_key`, `auto_increment` /
/// `auto_increment = false`, `column = "name"`, `renamed_from = "old_name"` (the column's
/// previous name, for migrations), `unique`, `index`, `default = <literal>` or
/// `default = now`, `generated`, `max_length = N`, `text`, `precision = P`, `scale = S`,
/// `references = OtherModel`, `on_delete = <action>`, `on_update = <action>` (actions:
/// `cascade`, `restrict`, `set_null`, `set_default`, `no_action`), and `skip` for a field that
/// is not a column (it must implement `Default`).
#[proc_macro_attribute]
pub fn model(args: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = model::expand(args.into(), item.into());
    util::debug_print("model", &expanded);
    expanded.into()
}

/// Stores a fieldless enum as one of a fixed set of strings (a `CHECK`-constrained `varchar`).
///
/// ```text
/// #[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
/// enum Status {
///     Draft,                      // stored as "draft"
///     Published,                  // stored as "published"
///     #[covet(rename = "gone")]
///     Archived,                   // stored as "gone"
/// }
/// ```
#[proc_macro_derive(DbEnum, attributes(covet))]
pub fn db_enum(item: TokenStream) -> TokenStream {
    let expanded = db_enum::expand(item.into()).unwrap_or_else(|e| e.to_compile_error());
    util::debug_print("DbEnum", &expanded);
    expanded.into()
}
