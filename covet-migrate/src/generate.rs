//! `makemigrations` as a library function: diff the models against the latest snapshot and
//! write the migration, or nothing.
//!
//! [`generate`] needs no database: the schema the database has after the latest migration is
//! that migration's `snapshot.json`. It refuses to run on a folder that does not verify
//! ([`MigrationDir::verify`]): diffing against an edited snapshot, or writing a migration next
//! to a conflicting one, would produce wrong SQL.
//!
//! **Destructive changes** are refused unless [`GenerateOptions::allow_destructive`]: the
//! operations whose risk is one of [`DESTRUCTIVE`], the ones that lose data that exists:
//! dropping a table ([`risk::DROPS_TABLE`]), dropping a column ([`risk::DROPS_COLUMN`]) and
//! narrowing a type ([`risk::NARROWS_TYPE`], which truncates or rejects values). Risks that make
//! a migration *fail* on some data without losing any (adding `NOT NULL`, a unique index, a
//! foreign key, a required column without a backfill) are listed, not refused: a failing
//! migration is rolled back (on MySQL, left half-applied: [`plan::NOT_TRANSACTIONAL`](crate::plan::NOT_TRANSACTIONAL)).
//!
//! In particular a model that is no longer registered is never silently dropped: its table
//! disappears from the models' schema, so the diff drops it, which is destructive, so
//! generation stops with a message naming the table as no longer registered.
//!
//! ```
//! use covet::Backend;
//! use covet_migrate::{GenerateOptions, Generated, MigrationDir, Schema, generate};
//!
//! #[covet::model]
//! struct Tag {
//!     #[covet(primary_key)]
//!     id: i64,
//!     label: String,
//! }
//!
//! static MODELS: covet::Registry = covet::models![Tag];
//!
//! let folder = std::env::temp_dir().join(format!("covet-generate-doc-{}", std::process::id()));
//! let dir = MigrationDir::create(&folder)?;
//! let models = Schema::from_registry(&MODELS)?;
//! let options = GenerateOptions::default();
//!
//! let Generated::Written(written) = generate(&dir, &models, None, Backend::Postgres, &options)? else {
//!     panic!("the first run writes the first migration");
//! };
//! assert_eq!(written.migration.dir_name(), "0001_create_tag");
//! assert!(written.plan.up.risks.is_empty());
//!
//! // Nothing changed: nothing is written.
//! assert!(matches!(generate(&dir, &models, None, Backend::Postgres, &options)?, Generated::NoChanges));
//! # std::fs::remove_dir_all(&folder)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod name;

use std::fmt;
use std::path::PathBuf;

use covet::Backend;

use crate::diff::diff_with_renames;
use crate::files::{FilesError, Migration, MigrationDir, sanitize_name};
use crate::operation::Operation;
use crate::plan::{Backfills, Plan, PlanError, Risk};
use crate::risk;
use crate::snapshot::{Renames, Schema};

/// The risk codes of changes that lose existing data, which [`generate`] refuses without
/// [`GenerateOptions::allow_destructive`]: dropping a table or a column, narrowing a type.
///
/// # Examples
///
/// ```
/// use covet_migrate::{DESTRUCTIVE, risk};
///
/// assert!(DESTRUCTIVE.contains(&risk::DROPS_TABLE));
/// assert!(!DESTRUCTIVE.contains(&risk::ADDS_NOT_NULL)); // fails, loses nothing
/// ```
pub const DESTRUCTIVE: &[&str] = &[risk::DROPS_TABLE, risk::DROPS_COLUMN, risk::NARROWS_TYPE];

/// How [`generate`] may write the migration.
///
/// # Examples
///
/// ```
/// use covet_migrate::GenerateOptions;
///
/// let options = GenerateOptions {
///     allow_destructive: true,
///     backfills: ["post.lang=en".parse()?].into_iter().collect(),
///     ..GenerateOptions::default()
/// };
/// assert!(options.renames.is_empty());
/// # Ok::<(), covet_migrate::PlanError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Write the migration even when it drops a table or column or narrows a type
    /// (`--allow-destructive`).
    pub allow_destructive: bool,
    /// One-off values for rows of columns that become required (`--backfill table.column=value`).
    pub backfills: Backfills,
    /// The renames the models declare ([`Renames::from_registry`]), followed instead of
    /// dropping and adding.
    pub renames: Renames,
}

/// What [`generate`] did.
///
/// # Examples
///
/// ```
/// use covet_migrate::Generated;
///
/// let nothing = Generated::NoChanges;
/// assert!(matches!(nothing, Generated::NoChanges));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "returned once per command and matched at once: a box would only add noise"
)]
pub enum Generated {
    /// The models match the latest snapshot: nothing was written.
    NoChanges,
    /// A migration was written.
    Written(WrittenMigration),
}

/// A migration [`generate`] wrote, with what to tell the user.
///
/// # Examples
///
/// See the [module](mod@crate::generate).
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenMigration {
    /// The migration, as written.
    pub migration: Migration,
    /// Its directory.
    pub path: PathBuf,
    /// The operations, in order (each one's `Display` is a line for the terminal).
    pub operations: Vec<Operation>,
    /// Its SQL, flags and risks (`plan.up.risks` are the ones to show).
    pub plan: Plan,
}

/// Diffs `models` (the program's registered models, [`Schema::from_registry`]) against the
/// latest snapshot in `dir` and writes the migration that gets there, in `backend`'s dialect,
/// named `name` or after its operations (`create_user`, `add_post_summary`, else `auto`).
///
/// See the [module](self) for what is refused and why.
///
/// # Errors
///
/// - [`GenerateError::Files`] when `dir` does not verify (an edited or conflicting migration)
///   or cannot be read or written;
/// - [`GenerateError::DialectMismatch`] when `dir`'s migrations are written for another
///   dialect;
/// - [`GenerateError::Destructive`] for a destructive change without
///   [`GenerateOptions::allow_destructive`];
/// - [`GenerateError::Plan`] for a backfill value that is unused or does not fit its column.
///
/// # Examples
///
/// See the [module](self).
pub fn generate(
    dir: &MigrationDir,
    models: &Schema,
    name: Option<&str>,
    backend: Backend,
    options: &GenerateOptions,
) -> Result<Generated, GenerateError> {
    let migrations = dir.verify()?;
    if let Some(latest) = migrations.last() {
        let dialect = latest.up()?.dialect;
        if dialect != backend {
            return Err(GenerateError::DialectMismatch {
                folder: dialect,
                requested: backend,
            });
        }
    }
    let snapshot = dir.latest_snapshot()?;
    let operations = diff_with_renames(&snapshot, models, &options.renames);
    if operations.is_empty() {
        return Ok(Generated::NoChanges);
    }
    let plan = Plan::build(&snapshot, models, &operations, backend, &options.backfills)?;
    let destructive: Vec<Risk> = plan
        .up
        .risks
        .iter()
        .filter(|risk| DESTRUCTIVE.contains(&risk.code))
        .cloned()
        .collect();
    if !destructive.is_empty() && !options.allow_destructive {
        let unregistered = operations
            .iter()
            .filter_map(|op| match op {
                Operation::DropTable(table) => Some(table.name.clone()),
                _ => None,
            })
            .collect();
        return Err(GenerateError::Destructive {
            risks: destructive,
            unregistered,
        });
    }
    let name = name.map_or_else(|| name::default_name(&operations), sanitize_name);
    let migration = dir.write(&name, &plan, models)?;
    Ok(Generated::Written(WrittenMigration {
        path: dir.path().join(migration.dir_name()),
        migration,
        operations,
        plan,
    }))
}

/// Why [`generate`] wrote nothing.
///
/// # Examples
///
/// ```
/// use covet_migrate::{GenerateError, Operation, Risk, Table};
///
/// let err = GenerateError::Destructive {
///     risks: Risk::of(&Operation::DropTable(Table::new("post"))),
///     unregistered: vec!["post".into()],
/// };
/// let message = err.to_string();
/// assert!(message.contains("table `post` is not registered any more"));
/// assert!(message.contains("--allow-destructive"));
/// ```
#[non_exhaustive]
#[derive(Debug)]
pub enum GenerateError {
    /// The migrations folder could not be read, verified or written.
    Files(FilesError),
    /// The migration could not be planned (a backfill value).
    Plan(PlanError),
    /// The folder's migrations are for another dialect.
    DialectMismatch {
        /// The dialect of the folder's latest migration.
        folder: Backend,
        /// The dialect asked for.
        requested: Backend,
    },
    /// The migration would lose data, and destructive changes were not allowed.
    Destructive {
        /// The destructive risks, in the migration's order.
        risks: Vec<Risk>,
        /// The tables it would drop: their models are not registered any more.
        unregistered: Vec<String>,
    },
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Files(err) => err.fmt(f),
            Self::Plan(err) => err.fmt(f),
            Self::DialectMismatch { folder, requested } => write!(
                f,
                "the migrations in this folder are written for {folder}, not {requested}; use \
                 one migrations folder per dialect"
            ),
            Self::Destructive {
                risks,
                unregistered,
            } => {
                f.write_str("refusing to write a migration that loses data:")?;
                for table in unregistered {
                    write!(
                        f,
                        "\n  - table `{table}` is not registered any more: the migration would \
                         drop it with all its rows ({})",
                        risk::DROPS_TABLE
                    )?;
                }
                for risk in risks.iter().filter(|risk| risk.code != risk::DROPS_TABLE) {
                    write!(f, "\n  - {risk}")?;
                }
                f.write_str(
                    "\nIf a model is missing, register it again (covet::models![...]); if a \
                     table or column was renamed, declare it with `renamed_from`; if the data \
                     may go, run again with --allow-destructive.",
                )
            }
        }
    }
}

impl std::error::Error for GenerateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Files(err) => Some(err),
            Self::Plan(err) => Some(err),
            _ => None,
        }
    }
}

impl From<FilesError> for GenerateError {
    fn from(err: FilesError) -> Self {
        Self::Files(err)
    }
}

impl From<PlanError> for GenerateError {
    fn from(err: PlanError) -> Self {
        Self::Plan(err)
    }
}

#[cfg(test)]
mod tests;
