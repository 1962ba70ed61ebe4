//! Why a snapshot could not be built or read.

use std::fmt;

/// A schema that could not be taken from the models, or a snapshot file that could not be read.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Schema, SnapshotError};
///
/// let err = Schema::from_json(r#"{"format_version": 99, "tables": {}}"#).unwrap_err();
/// assert!(matches!(err, SnapshotError::UnsupportedFormatVersion { found: 99, .. }));
/// assert!(err.to_string().contains("99"));
/// ```
#[non_exhaustive]
#[derive(Debug)]
pub enum SnapshotError {
    /// The text is not JSON, or not the shape of a snapshot.
    Json(serde_json::Error),
    /// The file has no `format_version`.
    MissingFormatVersion,
    /// The file was written in a format this version does not read.
    UnsupportedFormatVersion {
        /// The file's `format_version`.
        found: u64,
        /// The newest version this crate reads.
        supported: u32,
    },
    /// A table is filed under a key that is not its name.
    MismatchedTableName {
        /// The key in `tables`.
        key: String,
        /// The table's `name`.
        name: String,
    },
    /// Two models map to the same table.
    DuplicateTable {
        /// The table's name.
        table: String,
    },
    /// A declared rename (`renamed_from`) names a table, or a column of its table, that the
    /// models still have: following it would take that table or column away from them.
    RenamedFromInUse {
        /// What declares the rename: `people`, or `people.full_name` for a column.
        renamed: String,
        /// The old name it declares, qualified the same way: `persons`, or `people.name`.
        renamed_from: String,
    },
    /// Two tables, or two columns of one table, declare the same old name.
    RenamedFromTwice {
        /// The old name both declare: `persons`, or `people.name` for a column.
        renamed_from: String,
        /// The first that declares it: `people`, or `people.full_name` for a column.
        first: String,
        /// The second.
        second: String,
    },
    /// covet has a column type newer than this crate.
    UnsupportedColumnType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type, as covet prints it.
        ty: String,
    },
}

/// The advice for a snapshot file that cannot be read.
const RESTORE: &str = "restore the file from version control (`makemigrations` writes \
                       snapshots, they are not edited by hand)";

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(err) => write!(f, "invalid schema snapshot: {err}; {RESTORE}"),
            Self::MissingFormatVersion => write!(
                f,
                "invalid schema snapshot: no `format_version` field; {RESTORE}"
            ),
            Self::UnsupportedFormatVersion { found, supported } => write!(
                f,
                "schema snapshot format {found} is not supported (this covet-migrate reads \
                 format {supported}); update covet-migrate"
            ),
            Self::MismatchedTableName { key, name } => write!(
                f,
                "invalid schema snapshot: table `{name}` is filed under `{key}`; {RESTORE}"
            ),
            Self::DuplicateTable { table } => write!(
                f,
                "two models map to the table `{table}`; give one of them another table name \
                 (`#[covet::model(table = \"...\")]`), or list each model once in \
                 `covet::models![...]`"
            ),
            Self::RenamedFromInUse {
                renamed,
                renamed_from,
            } => write!(
                f,
                "`{renamed}` is declared renamed from `{renamed_from}`, which the models still \
                 have: the rename would take it from them; remove the `renamed_from` (a rename \
                 that was migrated no longer needs it), or swap names over two migrations"
            ),
            Self::RenamedFromTwice {
                renamed_from,
                first,
                second,
            } => write!(
                f,
                "both `{first}` and `{second}` are declared renamed from `{renamed_from}`: a \
                 table or column can be renamed to one name only; remove one `renamed_from`"
            ),
            Self::UnsupportedColumnType { table, column, ty } => write!(
                f,
                "column `{table}.{column}` has the type {ty}, which this covet-migrate does not \
                 know; update covet-migrate"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Json(err) => Some(err),
            _ => None,
        }
    }
}

impl From<serde_json::Error> for SnapshotError {
    fn from(err: serde_json::Error) -> Self {
        Self::Json(err)
    }
}
