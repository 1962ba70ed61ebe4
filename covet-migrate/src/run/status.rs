//! Where each migration stands: the folder's migrations matched with the history table's rows.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::history::{HistoryRow, HistoryState};
use crate::files::Migration;

/// The state of every migration the folder or the database knows, by version: what `status`
/// prints and what `migrate` checks before it runs anything.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use covet_migrate::{EmbeddedMigration, MigrationState, Migrator};
///
/// let migrator = Migrator::embedded(&[EmbeddedMigration {
///     dir_name: "0001_create_tag",
///     up: "-- dialect: sqlite\n\nCREATE TABLE \"tag\" (\"id\" integer);\n",
///     down: "-- dialect: sqlite\n\nDROP TABLE \"tag\";\n",
/// }])?;
/// let db = covet::Database::connect("sqlite::memory:").await?;
/// let status = migrator.status(&db).await?;
/// assert!(matches!(status.entries[0].state, MigrationState::Pending { out_of_order: false }));
///
/// migrator.migrate(&db).await?;
/// let status = migrator.status(&db).await?;
/// assert!(matches!(status.entries[0].state, MigrationState::Applied { .. }));
/// assert!(status.is_up_to_date());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// One entry per version, in version order.
    pub entries: Vec<StatusEntry>,
}

/// One migration's line in a [`Status`].
///
/// # Examples
///
/// See the example on [`Status`], which reads an entry's state.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusEntry {
    /// The version.
    pub version: u32,
    /// The name (the folder's, or the history's for a migration no longer in the folder).
    pub name: String,
    /// Where it stands.
    pub state: MigrationState,
}

/// Where one migration stands.
///
/// # Examples
///
/// See the example on [`Status`], which sees a migration go from `Pending` to `Applied`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MigrationState {
    /// Applied, and its `up.sql` still has the checksum recorded then.
    Applied {
        /// When.
        applied_at: DateTime<Utc>,
        /// How long it took.
        duration: Duration,
    },
    /// In the folder, not applied.
    Pending {
        /// A later migration is applied already (a branch merged after others were deployed).
        out_of_order: bool,
    },
    /// Applied, but its `up.sql` changed since: the database holds what the old text did.
    Edited {
        /// The checksum recorded when it was applied, in hex.
        recorded: String,
        /// The checksum of the file now, in hex.
        now: String,
    },
    /// Applied, but no longer in the folder (or under another name).
    Missing {
        /// The name in the folder under the same version, if any.
        folder_name: Option<String>,
    },
    /// A statement failed (MySQL/MariaDB, where DDL is not transactional): the statements
    /// before it are applied. Blocks every run until resolved.
    Failed {
        /// How many statements were applied.
        statements_done: u32,
        /// The failed statement and the server's error.
        error: String,
    },
    /// A run started it and never finished (it was killed): some statements may be applied.
    /// Blocks every run until resolved.
    Interrupted {
        /// How many statements were applied for sure.
        statements_done: u32,
    },
}

impl Status {
    /// Matches `migrations` (by version, ascending) with the history `rows`.
    pub(crate) fn new(migrations: &[Migration], rows: &[HistoryRow]) -> Self {
        let latest_applied = rows
            .iter()
            .filter(|row| row.state == HistoryState::Applied)
            .map(|row| row.version)
            .max();
        let mut entries: Vec<StatusEntry> = migrations
            .iter()
            .map(|migration| {
                let row = rows
                    .iter()
                    .find(|row| row.version == i64::from(migration.version()));
                let state = match row {
                    None => MigrationState::Pending {
                        out_of_order: latest_applied
                            .is_some_and(|latest| latest > i64::from(migration.version())),
                    },
                    Some(row) if row.name != migration.name() => MigrationState::Missing {
                        folder_name: Some(migration.name().to_owned()),
                    },
                    Some(row) => recorded_state(row, migration),
                };
                let name = match (&state, row) {
                    (MigrationState::Missing { .. }, Some(row)) => row.name.clone(),
                    _ => migration.name().to_owned(),
                };
                StatusEntry {
                    version: migration.version(),
                    name,
                    state,
                }
            })
            .collect();
        for row in rows {
            let in_folder = migrations
                .iter()
                .any(|m| i64::from(m.version()) == row.version);
            if !in_folder {
                entries.push(StatusEntry {
                    version: u32::try_from(row.version).unwrap_or(u32::MAX),
                    name: row.name.clone(),
                    state: MigrationState::Missing { folder_name: None },
                });
            }
        }
        entries.sort_by_key(|entry| entry.version);
        Self { entries }
    }

    /// Whether every migration is applied and nothing needs attention.
    ///
    /// # Examples
    ///
    /// See the example on [`Status`].
    pub fn is_up_to_date(&self) -> bool {
        self.entries
            .iter()
            .all(|entry| matches!(entry.state, MigrationState::Applied { .. }))
    }

    /// The versions waiting to be applied, in order.
    ///
    /// # Examples
    ///
    /// See the example on [`applied`](Self::applied).
    pub fn pending(&self) -> impl Iterator<Item = u32> + '_ {
        self.entries
            .iter()
            .filter(|entry| matches!(entry.state, MigrationState::Pending { .. }))
            .map(|entry| entry.version)
    }

    /// The applied versions, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use covet_migrate::Migrator;
    /// # use covet_migrate::EmbeddedMigration;
    /// # static MIGRATIONS: &[EmbeddedMigration] = &[
    /// #     EmbeddedMigration {
    /// #         dir_name: "0001_create_tag",
    /// #         up: "-- dialect: sqlite\n\nCREATE TABLE \"tag\" (\"id\" integer);\n",
    /// #         down: "-- dialect: sqlite\n\nDROP TABLE \"tag\";\n",
    /// #     },
    /// #     EmbeddedMigration {
    /// #         dir_name: "0002_create_note",
    /// #         up: "-- dialect: sqlite\n\nCREATE TABLE \"note\" (\"id\" integer);\n",
    /// #         down: "-- dialect: sqlite\n\nDROP TABLE \"note\";\n",
    /// #     },
    /// # ];
    ///
    /// // MIGRATIONS: 0001_create_tag and 0002_create_note, embedded as in `run`'s example.
    /// let migrator = Migrator::embedded(MIGRATIONS)?;
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// migrator.migrate(&db).await?;
    /// migrator.rollback(&db, 1).await?;
    ///
    /// let status = migrator.status(&db).await?;
    /// assert_eq!(status.applied().collect::<Vec<_>>(), [1]);
    /// assert_eq!(status.pending().collect::<Vec<_>>(), [2]);
    /// assert!(!status.is_up_to_date());
    /// # Ok(()) }
    /// ```
    pub fn applied(&self) -> impl Iterator<Item = u32> + '_ {
        self.entries
            .iter()
            .filter(|entry| matches!(entry.state, MigrationState::Applied { .. }))
            .map(|entry| entry.version)
    }
}

/// The state of a migration the history holds under the folder's name.
fn recorded_state(row: &HistoryRow, migration: &Migration) -> MigrationState {
    let statements_done = u32::try_from(row.statements_done).unwrap_or_default();
    match row.state {
        HistoryState::Failed => MigrationState::Failed {
            statements_done,
            error: row.error.clone().unwrap_or_default(),
        },
        HistoryState::Running => MigrationState::Interrupted { statements_done },
        HistoryState::Applied => {
            let now = migration.checksum().to_string();
            if now == row.checksum {
                MigrationState::Applied {
                    applied_at: row.applied_at,
                    duration: Duration::from_millis(
                        u64::try_from(row.duration_ms).unwrap_or_default(),
                    ),
                }
            } else {
                MigrationState::Edited {
                    recorded: row.checksum.clone(),
                    now,
                }
            }
        }
    }
}

impl fmt::Display for Status {
    /// One line per migration: `0001_create_tag  applied 2026-11-23 10:00:00 UTC (12 ms)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entries.is_empty() {
            return writeln!(f, "no migrations");
        }
        for entry in &self.entries {
            writeln!(f, "{:04}_{}  {}", entry.version, entry.name, entry.state)?;
        }
        Ok(())
    }
}

impl fmt::Display for MigrationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Applied {
                applied_at,
                duration,
            } => write!(
                f,
                "applied {} ({} ms)",
                applied_at.format("%Y-%m-%d %H:%M:%S UTC"),
                duration.as_millis()
            ),
            Self::Pending {
                out_of_order: false,
            } => write!(f, "pending"),
            Self::Pending { out_of_order: true } => {
                write!(f, "pending, out of order (a later migration is applied)")
            }
            Self::Edited { recorded, now } => write!(
                f,
                "EDITED after it was applied (recorded checksum {}, file {})",
                short(recorded),
                short(now)
            ),
            Self::Missing {
                folder_name: Some(name),
            } => write!(
                f,
                "MISSING: applied, but the folder has `{name}` under this version"
            ),
            Self::Missing { folder_name: None } => {
                write!(f, "MISSING: applied, but not in the migrations folder")
            }
            Self::Failed {
                statements_done,
                error,
            } => write!(
                f,
                "FAILED after {statements_done} statement(s): {}",
                error.lines().next().unwrap_or_default()
            ),
            Self::Interrupted { statements_done } => write!(
                f,
                "INTERRUPTED after {statements_done} statement(s): the run that started it did not finish"
            ),
        }
    }
}

/// The first 12 hex digits of a checksum: enough to tell two apart on a terminal.
fn short(checksum: &str) -> &str {
    checksum.get(..12).unwrap_or(checksum)
}
