//! Migrations on disk: one directory per migration, and an integrity file over them all.
//!
//! ```text
//! migrations/
//!   covet.sum
//!   0001_create_author/
//!     up.sql          the way up, for one dialect, with a comment header
//!     down.sql        the way back
//!     snapshot.json   the models' schema after this migration (Schema::to_json)
//!   0002_add_post_summary/
//!     ...
//! ```
//!
//! - **Versions** are sequential, on four digits or more, and a name is lowercase letters,
//!   digits and `_` (see [`MigrationDir::write`]). Entries whose name starts with a `.` are
//!   ignored (an interrupted write leaves a hidden temporary directory), and so are files
//!   other than `covet.sum`; any other directory must be a migration.
//! - **Scripts** start with a header listing the version, name, dialect, the risks with their
//!   codes, and the directives the runner obeys: `-- covet:no-transaction` (MySQL/MariaDB) and
//!   `-- covet:foreign-keys-off` (SQLite's table rebuild; see [`Script`](crate::Script) for what
//!   a runner does then). [`Migration::up`] reads them back as a [`SqlScript`].
//! - **The snapshot** of the last migration is what the next one is diffed against
//!   ([`MigrationDir::latest_snapshot`]); no database is needed.
//! - **Checksums.** [`Migration::checksum`] is the SHA-256 of `up.sql`'s exact bytes (header
//!   included): a runner records it when it applies a migration and refuses the migration if it
//!   changes afterwards. `covet.sum` records the SHA-256 of all three files of every migration
//!   plus a hash over its own lines (like Atlas's `atlas.sum`): [`MigrationDir::verify`] refuses
//!   a folder where a file was edited, added or removed by hand, and two branches that each add
//!   a migration conflict in git on `covet.sum`, instead of merging two migrations diffed
//!   against the same snapshot. An intended edit (a data fix added to `up.sql`) is recorded
//!   with [`MigrationDir::rehash`].
//! - **Embedding.** [`Migration::embedded`] builds the same [`Migration`]s from strings
//!   compiled into the program ([`EmbeddedMigration`], written with `include_str!`).
//!
//! ```
//! use covet::Backend;
//! use covet_migrate::{Backfills, MigrationDir, Operation, Plan, Schema, Table, diff};
//!
//! let folder = std::env::temp_dir().join(format!("covet-files-doc-{}", std::process::id()));
//! let dir = MigrationDir::create(&folder)?;
//!
//! let models = Schema { tables: [("tag".to_owned(), Table::new("tag"))].into() };
//! let before = dir.latest_snapshot()?;
//! let ops = diff(&before, &models);
//! let plan = Plan::build(&before, &models, &ops, Backend::Sqlite, &Backfills::new())?;
//! let written = dir.write("create tag", &plan, &models)?;
//! assert_eq!(written.dir_name(), "0001_create_tag");
//! assert!(written.up_sql().starts_with("-- covet migration: up\n-- version: 0001\n"));
//!
//! let migrations = dir.verify()?;
//! assert_eq!(migrations, [written]);
//! assert_eq!(dir.latest_snapshot()?, models);
//! # std::fs::remove_dir_all(&folder)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod checksum;
mod dir;
mod error;
mod migration;
mod script;
mod split;
mod sum;

pub use checksum::{Checksum, InvalidChecksum};
pub use dir::MigrationDir;
pub use error::FilesError;
pub use migration::{EmbeddedMigration, Migration};
pub use script::{Direction, SqlScript};

pub(crate) use migration::{in_version_order as migration_order, sanitize_name};

#[cfg(test)]
mod tests;
