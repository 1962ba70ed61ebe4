//! # covet-migrate
//!
//! Migrations for covet, diffed from the models' [`TableDef`](covet::schema::TableDef)s.
//!
//! ## What exists
//!
//! The pure, database-free core that a migration generator is built on:
//!
//! - [`Schema`] ([`snapshot`] types): an owned, serializable mirror of `covet::schema`, taken
//!   from the models ([`Schema::from_registry`], [`Schema::from_tables`]) and written as the
//!   snapshot stored with each migration: deterministic, pretty JSON with sorted keys and a
//!   [`FORMAT_VERSION`] ([`Schema::to_json`], [`Schema::from_json`]).
//! - [`diff()`]: the [`Operation`]s that turn one schema into another, in a safe order;
//!   [`diff_with_renames`] also follows the tables and columns the models declare renamed
//!   ([`Renames`], from `renamed_from`).
//! - [`Operation::reverse`]: each operation's inverse, so a migration's down steps come from its
//!   up steps alone.
//! - [`Operation::risk`]: stable [`risk`] codes for operations that can lose data or fail on
//!   existing rows.
//! - [`render()`]: one operation as the SQL statements of a dialect, built with sea-query and
//!   typed exactly as covet's `CREATE TABLE`. On SQLite, what `ALTER TABLE` cannot do is a
//!   [`RenderError::NeedsTableRebuild`]; on MySQL, restating a column takes its definition
//!   ([`render_with_column`]).
//!
//! And on top of it, the generator:
//!
//! - [`Plan`] ([`plan`]): the whole SQL of a migration for one dialect, up and down, with each
//!   direction's risks (the operations' codes and the dialect's own `D` codes) and the flags a
//!   runner obeys (no transaction on MySQL/MariaDB, foreign keys off around SQLite's table
//!   rebuild). SQLite changes that `ALTER TABLE` cannot make use SQLite's documented
//!   table-rebuild procedure, once per table, keeping rows, indexes, foreign keys and
//!   `AUTOINCREMENT` counters, checked with `PRAGMA foreign_key_check`. A required column gets
//!   a one-off [`Backfill`] value for existing rows.
//! - [`MigrationDir`] ([`files`]): the migrations folder, one `NNNN_name/` directory per
//!   migration with `up.sql`, `down.sql` (a header of risks and directives, then the
//!   statements) and `snapshot.json`; [`Migration::checksum`] (SHA-256 of `up.sql`) for the
//!   runner; `covet.sum`, which detects hand edits and makes two branches that add migrations
//!   conflict in git; [`Migration::embedded`] for migrations compiled into the program.
//! - [`generate()`] ([`generate`](mod@generate)): `makemigrations` as a function: diff the
//!   models against the latest snapshot, refuse destructive changes unless allowed (a model
//!   that is no longer registered is never dropped silently), write the migration or nothing.
//!
//! ```
//! use covet_migrate::{Operation, Schema, diff, risk};
//!
//! mod v1 {
//!     #[covet::model]
//!     pub struct Post {
//!         #[covet(primary_key)]
//!         pub id: i64,
//!         pub title: String,
//!         pub body: String,
//!     }
//! }
//!
//! mod v2 {
//!     #[covet::model]
//!     pub struct Post {
//!         #[covet(primary_key)]
//!         pub id: i64,
//!         #[covet(max_length = 200)]
//!         pub title: String,
//!         pub summary: Option<String>,
//!     }
//! }
//!
//! static BEFORE: covet::Registry = covet::models![v1::Post];
//! static AFTER: covet::Registry = covet::models![v2::Post];
//!
//! let before = Schema::from_registry(&BEFORE)?;
//! let after = Schema::from_registry(&AFTER)?;
//! let up = diff(&before, &after);
//! let listed: Vec<String> = up.iter().map(|op| op.to_string()).collect();
//! assert_eq!(listed, ["add column post.summary", "alter column post.title type", "drop column post.body"]);
//! assert_eq!(up[2].risk(), [risk::DROPS_COLUMN]);
//!
//! // The way down: the reversed operations, in reverse order.
//! let down: Vec<Operation> = up.iter().rev().map(Operation::reverse).collect();
//! assert!(matches!(&down[0], Operation::AddColumn { column, .. } if column.name == "body"));
//!
//! // The snapshot to store with the migration.
//! assert_eq!(Schema::from_json(&after.to_json())?, after);
//! # Ok::<(), covet_migrate::SnapshotError>(())
//! ```
//!
//! ## Decisions
//!
//! - **Renames are never guessed.** A table or column that disappears while another appears is
//!   a drop and an add, unless the model declares the old name (`renamed_from`): then it is a
//!   rename that keeps the rows ([`diff_with_renames`]). The declaration is not part of the
//!   snapshot (a rename is an event, not state); once the old name is gone from the snapshot
//!   it does nothing, so it may stay on the model. Renames carry no risk code: they keep every
//!   row and value. A type change is always [`AlterColumnType`](Operation::AlterColumnType),
//!   never a drop and an add.
//! - **An enum's variants are part of its type.** covet stores an enum as a string column with
//!   a `CHECK` constraint named `constraint_name(table, &[column], "check")`. Adding or removing
//!   a variant is an `AlterColumnType` from one [`ColumnType::Enum`] to another rather than a
//!   separate `ReplaceCheck`: the `CHECK` exists only because of the type, so the same operation
//!   also covers an enum becoming a plain string (the check goes) or a string becoming an enum
//!   (it comes), its inverse is just the swap, and its risk follows from the types (losing a
//!   variant narrows). The renderer turns an `Enum` → `Enum` change into dropping and adding the
//!   constraint.
//! - **The snapshot records the database, not the Rust code.** Struct, field and enum type names
//!   and `#[covet(generated)]` are left out, so renaming them produces no migration. Column order
//!   is kept (for `CREATE TABLE`) but not diffed: no dialect reorders columns.
//! - **Operations are self-contained.** A drop carries what it drops and an alteration the
//!   value it replaces, so [`Operation::reverse`] needs no schema.
//!
//! ## Risk codes
//!
//! | Code | Constant | Operation | Why it is risky |
//! |------|----------|-----------|-----------------|
//! | C001 | [`risk::DROPS_TABLE`] | `DropTable` | drops a table and its rows |
//! | C002 | [`risk::DROPS_COLUMN`] | `DropColumn` | drops a column and its values |
//! | C003 | [`risk::NARROWS_TYPE`] | `AlterColumnType` | narrows a type: existing values may not fit (any change not known to widen on every dialect; an enum losing a variant) |
//! | C004 | [`risk::ADDS_NOT_NULL`] | `AlterColumnNullability` | adds `NOT NULL`: fails on existing `NULL`s |
//! | C005 | [`risk::ADDS_UNIQUE_INDEX`] | `AddIndex` | adds a unique index: fails on duplicates |
//! | C006 | [`risk::ADDS_REQUIRED_COLUMN`] | `AddColumn` | adds a `NOT NULL` column without a default: fails if the table has rows |
//! | C007 | [`risk::CHANGES_PRIMARY_KEY`] | `ChangePrimaryKey` | changes a primary key: fails on duplicates or `NULL`s |
//! | C008 | [`risk::ADDS_FOREIGN_KEY`] | `AddForeignKey` | adds a foreign key: fails on dangling references, locks both tables |
//! | C009 | [`risk::CHANGES_AUTO_INCREMENT`] | `AlterColumnAutoIncrement` | changes auto-increment: numbering may collide with existing keys |
//!
//! ## Applying them
//!
//! - [`Migrator`] ([`run`]): the runner. A history table (`covet_migrations`: version, name,
//!   checksum, applied at, duration), a lock so that concurrent deployments apply each
//!   migration exactly once (a PostgreSQL advisory lock, MySQL's `GET_LOCK`, SQLite's
//!   `BEGIN IMMEDIATE`), one transaction per migration where DDL is transactional and recorded
//!   progress where it is not (MySQL/MariaDB: a failure is recorded, naming the statement, and
//!   blocks further runs until [`Migrator::resolve`]). Every run refuses edited or missing
//!   applied migrations and out-of-order ones; [`Migrator::status`], [`Migrator::pending`] and
//!   [`Migrator::pending_rollback`] (dry runs), [`Migrator::rollback`].
//! - [`drift()`]: the live database compared with a snapshot.
//! - [`embed_migrations!`]: a migrations folder compiled into the program, for
//!   [`Migrator::embedded`] at start-up.
//! - [`cli`]: the commands of `cargo covet` (`makemigrations`, `check`, `migrate`, `rollback`,
//!   `status`, `sqlmigrate`, `drift`, `resolve`, `rehash`), run from a small binary of the
//!   user's that passes its models; the `cargo-covet` binary finds and runs it.
//!
//! The book's migrations chapter is the guide; [`covet::dev::create_tables`] remains for
//! tests and quick starts.

pub mod cli;
mod diff;
pub mod drift;
pub mod files;
pub mod generate;
mod operation;
pub mod plan;
mod render;
pub mod risk;
pub mod run;
pub mod snapshot;

#[cfg(test)]
mod apply;
#[cfg(test)]
mod next_step;
#[cfg(test)]
mod test_models;

/// Compiles a migrations folder into the program: `embed_migrations!("path")` is a
/// `&'static [EmbeddedMigration]` for [`Migration::embedded`], so that a binary carries its
/// migrations and needs no folder at run time.
///
/// The path is relative to the directory of the crate being compiled (its
/// `CARGO_MANIFEST_DIR`); `embed_migrations!()` means `embed_migrations!("migrations")`. The
/// migrations are listed in version order, each with its `up.sql` and `down.sql` read by
/// `include_str!`: [`Migration::embedded`] gives what [`MigrationDir::verify`] reads from the
/// folder (its [layout](files)), hidden entries and other files ignored alike.
///
/// **Rebuilds.** Cargo rebuilds the crate when a file read by `include_str!` changes, so an
/// edited script is picked up; but a proc macro cannot have cargo watch a directory on stable
/// Rust, so a new migration alone would not be seen. The expansion therefore also includes
/// `covet.sum`, which every migration added or removed changes: cargo rebuilds, and the macro
/// lists the folder again. That is why `covet.sum` is required, even before the first
/// migration.
///
/// **Compile errors**, pointing at the path: a missing folder (create the first migration
/// with `cargo covet makemigrations`), a directory not named `NNNN_name`, two migrations with
/// the same version, a migration without `up.sql` or `down.sql`, a missing `covet.sum`. The
/// checksums are not compared at compile time: run [`MigrationDir::verify`] on the folder in
/// a test or in CI.
///
/// # Examples
///
/// ```
/// use covet_migrate::{EmbeddedMigration, Migration, MigrationDir, embed_migrations};
///
/// // This crate's test fixture; in an application, `embed_migrations!()`.
/// static MIGRATIONS: &[EmbeddedMigration] = embed_migrations!("tests/fixtures/embed");
///
/// let migrations = Migration::embedded(MIGRATIONS)?;
/// assert_eq!(migrations[0].dir_name(), "0001_create_author");
/// assert_eq!(migrations[0].up()?.dialect, covet::Backend::Sqlite);
///
/// // The same migrations as the folder gives.
/// let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/embed");
/// assert_eq!(migrations, MigrationDir::open(folder)?.verify()?);
/// # Ok::<(), covet_migrate::FilesError>(())
/// ```
pub use covet_macros::embed_migrations;
pub use diff::{diff, diff_with_renames};
pub use drift::{Difference, Drift, drift};
pub use files::{
    Checksum, Direction, EmbeddedMigration, FilesError, InvalidChecksum, Migration, MigrationDir,
    SqlScript,
};
pub use generate::{
    DESTRUCTIVE, GenerateError, GenerateOptions, Generated, WrittenMigration, generate,
};
pub use operation::Operation;
pub use plan::{Backfill, Backfills, Plan, PlanError, Risk, Script};
pub use render::{RenderError, render, render_with_column};
pub use run::{
    MigrateError, MigrationState, Migrator, Progress, Ran, Resolution, Status, StatusEntry,
};
pub use snapshot::{
    Column, ColumnType, DefaultValue, FORMAT_VERSION, ForeignKey, Index, ReferentialAction,
    Renames, Schema, SnapshotError, Table,
};
