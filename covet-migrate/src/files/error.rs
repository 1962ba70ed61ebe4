//! Why a migrations folder could not be read, verified or written.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::snapshot::SnapshotError;

/// What went wrong with a migrations folder: what happened, to which migration or file, and
/// (in the message) what to do about it.
///
/// # Examples
///
/// ```
/// use covet_migrate::FilesError;
///
/// let err = FilesError::EditedFile { migration: "0002_add_tag".into(), file: "up.sql" };
/// let message = err.to_string();
/// assert!(message.contains("0002_add_tag/up.sql"));
/// assert!(message.contains("rehash"));
/// ```
#[non_exhaustive]
#[derive(Debug)]
pub enum FilesError {
    /// Reading or writing a file failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// The migrations folder does not exist, or is a file.
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },
    /// A directory in the migrations folder is not named `NNNN_name`.
    InvalidMigrationName {
        /// Its name.
        name: String,
    },
    /// Two migrations have the same version: made on two branches in parallel.
    DuplicateVersion {
        /// The version.
        version: u32,
        /// One migration.
        first: String,
        /// The other.
        second: String,
    },
    /// A migration lacks one of its files.
    MissingFile {
        /// The migration, `NNNN_name`.
        migration: String,
        /// The file: `up.sql`, `down.sql` or `snapshot.json`.
        file: &'static str,
    },
    /// A migration file is not UTF-8 text.
    NotText {
        /// The file.
        path: PathBuf,
    },
    /// A script's header or text cannot be read.
    InvalidScript {
        /// The migration.
        migration: String,
        /// `up.sql` or `down.sql`.
        file: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A migration's `snapshot.json` cannot be read.
    Snapshot {
        /// The migration.
        migration: String,
        /// Why.
        source: SnapshotError,
    },
    /// The folder holds migrations but no `covet.sum`.
    MissingSum {
        /// Where `covet.sum` should be.
        path: PathBuf,
    },
    /// `covet.sum` holds git's conflict markers: two branches added migrations.
    SumConflict {
        /// The file.
        path: PathBuf,
    },
    /// A line of `covet.sum` is not in its format.
    MalformedSum {
        /// The file.
        path: PathBuf,
        /// The line, 1-based.
        line: usize,
    },
    /// `covet.sum` was edited: its first line's hash does not match the others.
    SumEdited {
        /// The file.
        path: PathBuf,
    },
    /// A migration file changed since `covet.sum` recorded it.
    EditedFile {
        /// The migration.
        migration: String,
        /// The file.
        file: &'static str,
    },
    /// `covet.sum` lists a migration that is not in the folder.
    MissingMigration {
        /// The migration.
        migration: String,
    },
    /// The folder holds a migration `covet.sum` does not list.
    UnlistedMigration {
        /// The migration.
        migration: String,
    },
    /// The directory of a new migration already exists.
    MigrationExists {
        /// The directory.
        path: PathBuf,
    },
}

impl fmt::Display for FilesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const REHASH: &str = "if the change is intended, record it with `cargo covet rehash` \
                              (MigrationDir::rehash)";
        match self {
            Self::Io { path, source } => write!(
                f,
                "cannot access `{}`: {source}; {}",
                path.display(),
                io_advice(source.kind())
            ),
            Self::NotAFolder { path } => write!(
                f,
                "the migrations folder `{}` does not exist or is not a directory; create it, \
                 or run `cargo covet makemigrations` to have it created",
                path.display()
            ),
            Self::InvalidMigrationName { name } => write!(
                f,
                "`{name}` is not named like a migration (`0001_name`: a version of four digits \
                 or more, then lowercase letters, digits and `_`); rename it, or move it out of \
                 the migrations folder"
            ),
            Self::DuplicateVersion {
                version,
                first,
                second,
            } => write!(
                f,
                "two migrations have version {version:04}, `{first}` and `{second}`: they were \
                 made on two branches in parallel; keep the one merged first, delete the other \
                 (and its line in covet.sum) and run `cargo covet makemigrations` again"
            ),
            Self::MissingFile { migration, file } => write!(
                f,
                "migration `{migration}` has no `{file}`; restore it from version control"
            ),
            Self::NotText { path } => write!(
                f,
                "`{}` is not UTF-8 text; restore it from version control",
                path.display()
            ),
            Self::InvalidScript {
                migration,
                file,
                reason,
            } => write!(
                f,
                "cannot read `{migration}/{file}`: {reason}; fix it and record the fix with \
                 `cargo covet rehash`, or restore it from version control"
            ),
            // The snapshot's own message says what to do.
            Self::Snapshot { migration, source } => {
                write!(f, "cannot read `{migration}/snapshot.json`: {source}")
            }
            Self::MissingSum { path } => write!(
                f,
                "the migrations folder has migrations but no integrity file `{}`; restore it \
                 from version control, or {REHASH}",
                path.display()
            ),
            Self::SumConflict { path } => write!(
                f,
                "`{}` has merge conflict markers: two branches each added migrations; keep the \
                 migrations of the branch merged first (take its covet.sum), delete the other \
                 branch's new migration directories and run `cargo covet makemigrations` again",
                path.display()
            ),
            Self::MalformedSum { path, line } => write!(
                f,
                "line {line} of `{}` is not in covet.sum's format; restore it from version \
                 control, or {REHASH}",
                path.display()
            ),
            Self::SumEdited { path } => write!(
                f,
                "`{}` was edited by hand (its first line does not match the others); restore \
                 it from version control, or {REHASH}",
                path.display()
            ),
            Self::EditedFile { migration, file } => write!(
                f,
                "`{migration}/{file}` changed since the migration was written; restore it from \
                 version control, or {REHASH}"
            ),
            Self::MissingMigration { migration } => write!(
                f,
                "covet.sum lists migration `{migration}`, which is not in the folder; restore \
                 it from version control, or {REHASH}"
            ),
            Self::UnlistedMigration { migration } => write!(
                f,
                "migration `{migration}` is not listed in covet.sum (written by hand, or merged \
                 without its covet.sum line); {REHASH}"
            ),
            Self::MigrationExists { path } => write!(
                f,
                "`{}` already exists: another `makemigrations` wrote it while this one ran; \
                 let that one finish and run `cargo covet makemigrations` again (it writes \
                 nothing if the other one wrote the same changes)",
                path.display()
            ),
        }
    }
}

/// What to do about an I/O error on a migration file or folder, by its kind.
fn io_advice(kind: io::ErrorKind) -> &'static str {
    match kind {
        io::ErrorKind::NotFound => {
            "check the path (the migrations folder is `--migrations` or \
             `Cli::migrations_dir`, else `migrations` in the current directory)"
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            "give the user running the command permission to read and write it"
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "free some disk space, then run the command again"
        }
        _ => "check that it can be read and written, then run the command again",
    }
}

impl std::error::Error for FilesError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Snapshot { source, .. } => Some(source),
            _ => None,
        }
    }
}
