//! Procedural macros for [covet](https://docs.rs/covet): `#[model]`, `#[derive(DbEnum)]` and
//! `embed_migrations!`.
//!
//! Use them through `covet` (`#[covet::model]`, `#[derive(covet::DbEnum)]`), whose documentation
//! lists every attribute, and `covet-migrate` (`covet_migrate::embed_migrations!`). This crate
//! only parses and expands; all the behaviour lives in `covet` and `covet-migrate`.
//! Set `COVET_MACROS_DEBUG=1` to print each expansion while compiling.

mod db_enum;
mod embed;
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

/// Compiles a migrations folder into the program: an expression of type
/// `&'static [covet_migrate::EmbeddedMigration]`, for `Migration::embedded`.
///
/// Use it through `covet_migrate::embed_migrations!`, whose documentation has a runnable
/// example. (The examples here are plain text because this crate cannot depend on
/// `covet-migrate`.)
///
/// ```text
/// static MIGRATIONS: &[covet_migrate::EmbeddedMigration] = covet_migrate::embed_migrations!();
/// // the same as embed_migrations!("migrations")
///
/// let migrations = covet_migrate::Migration::embedded(MIGRATIONS)?;
/// ```
///
/// The argument is the folder, relative to the directory of the crate being compiled (its
/// `CARGO_MANIFEST_DIR`); without one, `"migrations"`. The folder has the layout
/// `cargo covet makemigrations` writes: `covet.sum`, and one `NNNN_name/` directory per
/// migration holding `up.sql` and `down.sql` (and `snapshot.json`, which is not embedded).
/// Entries whose name starts with a `.` and files other than `covet.sum` are ignored.
///
/// The expansion lists the migrations in version order, each with its scripts read by
/// `include_str!` from their absolute paths:
///
/// ```text
/// {
///     const _: &::core::primitive::str =
///         ::core::include_str!("/path/to/crate/migrations/covet.sum");
///     const MIGRATIONS: &[::covet_migrate::EmbeddedMigration] = &[
///         ::covet_migrate::EmbeddedMigration {
///             dir_name: "0001_create_user",
///             up: ::core::include_str!("/path/to/crate/migrations/0001_create_user/up.sql"),
///             down: ::core::include_str!("/path/to/crate/migrations/0001_create_user/down.sql"),
///         },
///         // ...
///     ];
///     MIGRATIONS
/// }
/// ```
///
/// **Rebuilds.** Cargo rebuilds the crate when a file read by `include_str!` changes, so an
/// edited script is picked up. A proc macro has no stable way to have cargo watch a
/// *directory*, so a migration added or removed would go unnoticed; but every migration added
/// or removed changes `covet.sum`, which the expansion also includes for that reason: cargo
/// rebuilds the crate, and the macro lists the folder again. This is why `covet.sum` is
/// required, even for a folder without migrations yet.
///
/// **Errors**, at compile time, on the argument: the folder does not exist (create the first
/// migration with `cargo covet makemigrations`, or fix the path); a directory is not named
/// `NNNN_name` (the rule of `covet-migrate`); two directories have the same version; a
/// migration lacks `up.sql` or `down.sql`; `covet.sum` is missing. The checksums in
/// `covet.sum` are not checked here: `MigrationDir::verify` does that, in a test or before
/// building a release.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let expanded = embed::expand(input.into());
    util::debug_print("embed_migrations", &expanded);
    expanded.into()
}
