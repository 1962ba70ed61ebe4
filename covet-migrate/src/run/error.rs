//! Why a run stopped, and what to do about it.

use std::fmt;
use std::time::Duration;

use covet::Backend;

use crate::files::FilesError;

/// Why [`Migrator`](crate::Migrator) stopped. Every message ends with what to do next.
///
/// # Examples
///
/// ```
/// use covet_migrate::MigrateError;
///
/// let err = MigrateError::Edited { migration: "0002_add_post_summary".into() };
/// assert!(err.to_string().contains("was edited after it was applied"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum MigrateError {
    /// The migrations folder could not be read or does not verify.
    Files(FilesError),
    /// A database error outside any migration's statements (connecting, the history table,
    /// the lock).
    Database(covet::Error),
    /// A statement of a migration failed.
    Statement {
        /// The migration, `NNNN_name`.
        migration: String,
        /// `up` or `down`.
        direction: &'static str,
        /// Which statement, from 1.
        number: usize,
        /// How many statements the script has.
        total: usize,
        /// The statement.
        statement: String,
        /// The server's error.
        source: covet::Error,
        /// Whether the statements before it stay applied (no transaction: MySQL/MariaDB); the
        /// migration is then recorded as failed.
        partial: bool,
    },
    /// SQLite's `PRAGMA foreign_key_check` found rows whose foreign keys point nowhere after a
    /// table rebuild; the migration was rolled back.
    ForeignKeyCheck {
        /// The migration.
        migration: String,
        /// One line per violation: table, row id, referenced table.
        violations: Vec<String>,
    },
    /// An applied migration's `up.sql` no longer has the checksum recorded when it was applied.
    Edited {
        /// The migration.
        migration: String,
    },
    /// An applied migration is no longer in the folder, or has another name there.
    Missing {
        /// The migration as the history records it.
        migration: String,
    },
    /// Migrations older than the latest applied one are pending.
    OutOfOrder {
        /// The pending migrations.
        pending: Vec<String>,
        /// The latest applied migration.
        latest_applied: String,
    },
    /// An earlier run left a migration failed or interrupted (MySQL/MariaDB): the database may
    /// be half-migrated, and nothing runs until that is resolved.
    Blocked {
        /// The migration.
        migration: String,
        /// What the history records.
        state: String,
    },
    /// Another runner held the migration lock for longer than the lock timeout.
    LockTimeout {
        /// How long this runner waited.
        waited: Duration,
    },
    /// A script is written for another dialect than the database's.
    WrongDialect {
        /// The migration.
        migration: String,
        /// The script's dialect.
        script: Backend,
        /// The database's.
        database: Backend,
    },
    /// A script asks for something this dialect's runner cannot do.
    Unsupported {
        /// The migration.
        migration: String,
        /// What, and why.
        reason: String,
    },
    /// `resolve` was asked about a migration that is not failed or interrupted.
    NothingToResolve {
        /// The version asked about.
        version: u32,
    },
}

impl fmt::Display for MigrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Files(error) => write!(f, "{error}"),
            Self::Database(error) => write!(
                f,
                "the database failed outside the migrations' own statements (the connection, \
                 the `covet_migrations` history table or the migration lock): {error}. {}",
                database_advice(error)
            ),
            Self::Statement {
                migration,
                direction,
                number,
                total,
                statement,
                source,
                partial,
            } => {
                write!(
                    f,
                    "migration {migration} ({direction}) failed at statement {number} of {total}: \
                     {source}\n    {statement}\n"
                )?;
                let version = version_of(migration);
                match (*partial, *direction) {
                    (true, "down") => write!(
                        f,
                        "The {} statement(s) of down.sql before it are applied and stay applied: \
                         this dialect commits each DDL statement at once. The migration is \
                         recorded as failed and blocks further runs. Finish its down.sql by hand \
                         and run `cargo covet resolve {version} --rolled-back`, or redo what was \
                         undone and run `cargo covet resolve {version} --applied`.",
                        number - 1
                    ),
                    (true, _) => write!(
                        f,
                        "The {} statement(s) before it are applied and stay applied: this dialect \
                         commits each DDL statement at once. The migration is recorded as failed \
                         and blocks further runs. Finish its remaining statements by hand and run \
                         `cargo covet resolve {version} --applied`, or undo the applied ones and \
                         run `cargo covet resolve {version} --rolled-back`.",
                        number - 1
                    ),
                    (false, "down") => write!(
                        f,
                        "Nothing was rolled back: the down.sql ran in a transaction, which was \
                         rolled back, and the migration is still applied. Fix the data or the \
                         down.sql (then run `cargo covet rehash`) and roll back again."
                    ),
                    (false, _) => write!(
                        f,
                        "Nothing of it was applied: it ran in a transaction, which was rolled \
                         back. Fix the data (or the migration: it was never applied, so it may \
                         still be edited; then run `cargo covet rehash`) and run migrate again."
                    ),
                }
            }
            Self::ForeignKeyCheck {
                migration,
                violations,
            } => write!(
                f,
                "migration {migration} was rolled back: after rebuilding its tables, \
                 PRAGMA foreign_key_check found rows referencing missing rows:\n    {}\n\
                 Delete or fix those rows (or make the migration do it), then run migrate again.",
                violations.join("\n    ")
            ),
            Self::Edited { migration } => write!(
                f,
                "migration {migration} was edited after it was applied: its up.sql no longer has \
                 the checksum recorded in the database, so the database holds what the old text \
                 did. Restore the file from version control (`git checkout -- <migrations folder>/{migration}`, \
                 then `cargo covet rehash` if covet.sum was rehashed since) and put the change in \
                 a new migration (`cargo covet makemigrations`)."
            ),
            Self::Missing { migration } => write!(
                f,
                "migration {migration} is applied to the database but is not in the migrations \
                 folder (deleted, renamed or renumbered). Restore it from version control; if the \
                 database really should not have it, roll it back with a build that still has it."
            ),
            Self::OutOfOrder {
                pending,
                latest_applied,
            } => write!(
                f,
                "migration(s) {} are pending but older than {latest_applied}, which is applied \
                 (a branch merged after later migrations were deployed). Check that they do not \
                 depend on what came after, then apply them with `--allow-out-of-order` \
                 (`Migrator::allow_out_of_order`), or renumber them after {latest_applied}.",
                pending.join(", ")
            ),
            Self::Blocked { migration, state } => write!(
                f,
                "migration {migration} is {state}: an earlier run stopped in the middle of it, and \
                 the database may hold part of it. Compare the database with the migration's \
                 statements (`cargo covet sqlmigrate {version}`, with `--down` if it failed rolling \
                 back), finish or undo its statements by \
                 hand, then run `cargo covet resolve {version} --applied` or `--rolled-back`.",
                version = version_of(migration)
            ),
            Self::LockTimeout { waited } => write!(
                f,
                "waited {:.1} s for the migration lock: another `migrate` or `rollback` is running \
                 against this database. Let it finish and try again, or raise the lock timeout \
                 (`--lock-timeout`).",
                waited.as_secs_f64()
            ),
            Self::WrongDialect {
                migration,
                script,
                database,
            } => write!(
                f,
                "migration {migration} is written for {}, but the database is {}. Point \
                 DATABASE_URL at the right database, or generate the migrations for this dialect.",
                script.name(),
                database.name()
            ),
            Self::Unsupported { migration, reason } => {
                write!(f, "migration {migration} cannot run: {reason}.")
            }
            Self::NothingToResolve { version } => write!(
                f,
                "migration {version:04} is not failed or interrupted: there is nothing to \
                 resolve. Check the version with `cargo covet status`, which lists each \
                 migration's state."
            ),
        }
    }
}

impl MigrateError {
    /// [`Unsupported`](Self::Unsupported): a `-- covet:no-transaction` script on a dialect
    /// whose runner runs every migration in a transaction.
    pub(crate) fn no_transaction_directive(
        migration: String,
        file: &str,
        backend: Backend,
    ) -> Self {
        Self::Unsupported {
            migration,
            reason: format!(
                "its {file} is marked `-- covet:no-transaction`, which covet runs on MySQL/MariaDB \
                 only; on {} every migration runs in a transaction with its history row. Remove \
                 the directive, and run a statement that cannot run in a transaction \
                 (PostgreSQL's `CREATE INDEX CONCURRENTLY`) by hand, outside the migrations",
                backend.name()
            ),
        }
    }

    /// [`Unsupported`](Self::Unsupported): a script that begins, commits or rolls back a
    /// transaction itself.
    pub(crate) fn controls_transaction(migration: String, file: &str, statement: &str) -> Self {
        Self::Unsupported {
            migration,
            reason: format!(
                "its {file} controls the transaction itself (`{}`). covet runs each migration in \
                 a transaction of its own, with its history row, where the dialect allows: a \
                 COMMIT inside would commit half of it. Remove the statement",
                statement.lines().next().unwrap_or_default()
            ),
        }
    }
}

/// What to do about a database error that stopped a run outside the migrations' statements,
/// by its kind: the connection's errors first, then the history table's and the lock's.
fn database_advice(error: &covet::Error) -> &'static str {
    use covet::ErrorKind::{
        CommitOutcomeUnknown, Deadlock, LockTimeout, SerializationFailure, StatementTimeout,
        TransactionTimeout,
    };
    if let Some(advice) = connection_advice(error.kind()) {
        return advice;
    }
    match error.kind() {
        Deadlock | SerializationFailure | LockTimeout | StatementTimeout | TransactionTimeout => {
            "Run the command again when the database is less busy: another session held what \
             the runner needed."
        }
        CommitOutcomeUnknown => {
            "Run `cargo covet status` to see whether the migration was recorded, and compare the \
             database with it, before running the command again."
        }
        _ => {
            "Check that the database user may create, read and write the `covet_migrations` \
             table (on MySQL/MariaDB also call GET_LOCK) and that nobody changed that table by \
             hand, then run the command again."
        }
    }
}

/// What to do about an error connecting to the database, by its kind; `None` for the kinds
/// that are not about the connection.
pub(crate) fn connection_advice(kind: covet::ErrorKind) -> Option<&'static str> {
    use covet::ErrorKind::{
        AuthenticationFailed, Configuration, ConnectionLost, ConnectionRefused, PoolClosed,
        PoolTimeout, UnknownDatabase,
    };
    Some(match kind {
        ConnectionRefused | ConnectionLost | PoolTimeout | PoolClosed => {
            "Check that the database server is running and reachable at the host and port of \
             the database URL, then run the command again."
        }
        AuthenticationFailed => "Check the user name and password in the database URL.",
        UnknownDatabase => {
            "Create the database, or fix its name in the database URL (for SQLite, check that \
             the file's directory exists and may be written)."
        }
        Configuration => {
            "Fix the database URL (`postgres://user:password@host:5432/name`, \
             `mysql://user:password@host:3306/name` or `sqlite://path/to/file.db`, naming the \
             database), and build the program with the cargo feature of its backend."
        }
        _ => return None,
    })
}

/// The version part of `NNNN_name`, for the commands a message suggests.
fn version_of(migration: &str) -> &str {
    let digits = migration.split('_').next().unwrap_or(migration);
    digits.trim_start_matches('0')
}

impl std::error::Error for MigrateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Files(error) => Some(error),
            Self::Database(error) | Self::Statement { source: error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<FilesError> for MigrateError {
    fn from(error: FilesError) -> Self {
        Self::Files(error)
    }
}

impl From<covet::Error> for MigrateError {
    fn from(error: covet::Error) -> Self {
        Self::Database(error)
    }
}

#[cfg(test)]
mod tests;
