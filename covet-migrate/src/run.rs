//! The runner: applies and rolls back migrations against a database, exactly once, under a
//! lock, refusing edited or missing applied migrations.
//!
//! - **History.** The table `covet_migrations` records each applied migration's version, name,
//!   SHA-256 checksum of `up.sql`, when it was applied and how long it took. It is created on
//!   the first run.
//! - **Transactions.** On PostgreSQL and SQLite, each migration runs in one transaction with
//!   its history row: it is applied entirely or not at all. MySQL/MariaDB commit each DDL
//!   statement at once, so there the runner records the migration as running, then the count
//!   of statements done after each one; a failure leaves it recorded as failed, naming the
//!   statement, and every later run refuses to go on until [`Migrator::resolve`] says what the
//!   database now holds.
//! - **Lock.** A PostgreSQL advisory lock or a MySQL `GET_LOCK`, held for the whole run; on
//!   SQLite, each migration's `BEGIN IMMEDIATE`. Taken by polling up to the lock timeout, so
//!   concurrent deployments apply each migration exactly once: the runner that waited reads the
//!   history again and finds nothing left to do.
//! - **Verification.** Before anything runs, every applied migration must still be in the
//!   folder under the same name with the same checksum ([`MigrateError::Edited`],
//!   [`MigrateError::Missing`]); a pending migration older than an applied one is refused unless
//!   [allowed](Migrator::allow_out_of_order).
//! - **SQLite table rebuilds** (`-- covet:foreign-keys-off`): foreign keys are switched off on
//!   the runner's connection around the transaction, and the rows of the script's
//!   `PRAGMA foreign_key_check` must be empty, else the migration is rolled back.
//! - **The pool afterwards.** A run that changed the schema closes the pool's idle
//!   connections: statements they prepared against the old schema would fail on PostgreSQL
//!   (`cached plan must not change result type`) or misread rows on SQLite. The pool opens
//!   fresh connections as the application needs them.
//!
//! # Examples
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use covet_migrate::{EmbeddedMigration, Migrator};
//!
//! static MIGRATIONS: &[EmbeddedMigration] = &[
//!     EmbeddedMigration {
//!         dir_name: "0001_create_tag",
//!         up: "-- dialect: sqlite\n\nCREATE TABLE \"tag\" (\"id\" integer PRIMARY KEY);\n",
//!         down: "-- dialect: sqlite\n\nDROP TABLE \"tag\";\n",
//!     },
//!     EmbeddedMigration {
//!         dir_name: "0002_add_tag_label",
//!         up: "-- dialect: sqlite\n\nALTER TABLE \"tag\" ADD COLUMN \"label\" text;\n",
//!         down: "-- dialect: sqlite\n\nALTER TABLE \"tag\" DROP COLUMN \"label\";\n",
//!     },
//! ];
//!
//! let db = covet::Database::connect("sqlite::memory:").await?;
//! let migrator = Migrator::embedded(MIGRATIONS)?;
//!
//! let applied = migrator.migrate(&db).await?;
//! assert_eq!(applied.len(), 2);
//! // A second run finds nothing to do.
//! assert!(migrator.migrate(&db).await?.is_empty());
//!
//! let rolled_back = migrator.rollback(&db, 1).await?;
//! assert_eq!(rolled_back[0].version, 2);
//! assert_eq!(migrator.status(&db).await?.pending().collect::<Vec<_>>(), [2]);
//! # Ok(()) }
//! ```

mod apply;
mod conn;
mod error;
mod history;
mod lock;
mod refresh;
mod status;

use std::sync::Arc;
use std::time::Duration;

use covet::Database;

use crate::files::{Direction, EmbeddedMigration, Migration, MigrationDir};

pub use error::MigrateError;
pub(crate) use error::connection_advice;
pub use status::{MigrationState, Status, StatusEntry};

/// How long a runner waits for another one's lock by default.
const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// What a running migration reports, for a progress display.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Progress, Migrator};
///
/// let migrator = Migrator::new(Vec::new())?.on_progress(|progress| match progress {
///     Progress::WaitingForLock => eprintln!("waiting for another runner..."),
///     Progress::Started { migration, direction, statements } => {
///         eprintln!("{} {} ({statements} statements)", direction.word(), migration.dir_name())
///     }
///     _ => {}
/// });
/// # Ok::<(), covet_migrate::MigrateError>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// Another runner holds the lock; this one waits (reported once per wait).
    WaitingForLock,
    /// A migration starts.
    Started {
        /// The migration.
        migration: &'a Migration,
        /// Up or down.
        direction: Direction,
        /// How many statements it runs.
        statements: usize,
    },
    /// One of its statements finished.
    Statement {
        /// The migration.
        migration: &'a Migration,
        /// Which one, from 1.
        number: usize,
        /// Of how many.
        total: usize,
    },
    /// It finished, and is recorded.
    Finished {
        /// The migration.
        migration: &'a Migration,
        /// Up or down.
        direction: Direction,
        /// How long it took.
        duration: Duration,
    },
}

/// The progress callback.
type ProgressFn = dyn Fn(Progress<'_>) + Send + Sync;

/// Hands progress to the callback, if there is one.
#[derive(Clone, Copy)]
struct Reporter<'a>(Option<&'a ProgressFn>);

impl Reporter<'_> {
    fn report(&self, progress: Progress<'_>) {
        if let Some(callback) = self.0 {
            callback(progress);
        }
    }
}

/// A migration a run applied or rolled back.
///
/// # Examples
///
/// See the [module](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// Its version.
    pub version: u32,
    /// Its name.
    pub name: String,
    /// Up or down.
    pub direction: Direction,
    /// How long it took.
    pub duration: Duration,
}

/// What the database holds of a failed or interrupted migration, once someone has looked
/// ([`Migrator::resolve`]).
///
/// # Examples
///
/// See [`Migrator::resolve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// All of it: record it as applied (`--applied`).
    Applied,
    /// None of it: forget it, so that the next run applies it again (`--rolled-back`).
    RolledBack,
}

/// Applies, rolls back and reports migrations: the runner behind `cargo covet migrate`, and the
/// way an application migrates its database at start-up.
///
/// # Examples
///
/// See the [module](self); at start-up, with the migrations compiled in:
///
/// ```no_run
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// let db = covet::Database::connect(&std::env::var("DATABASE_URL")?).await?;
/// covet_migrate::Migrator::embedded(covet_migrate::embed_migrations!("tests/fixtures/embed"))?
///     .migrate(&db)
///     .await?;
/// # Ok(()) }
/// ```
pub struct Migrator {
    migrations: Vec<Migration>,
    lock_timeout: Duration,
    allow_out_of_order: bool,
    progress: Option<Arc<ProgressFn>>,
}

impl std::fmt::Debug for Migrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("migrations", &self.migrations.len())
            .field("lock_timeout", &self.lock_timeout)
            .field("allow_out_of_order", &self.allow_out_of_order)
            .finish_non_exhaustive()
    }
}

impl Migrator {
    /// A runner for `migrations`, in any order.
    ///
    /// # Errors
    ///
    /// [`FilesError::DuplicateVersion`](crate::FilesError::DuplicateVersion) when two have the
    /// same version.
    ///
    /// # Examples
    ///
    /// ```
    /// let migrator = covet_migrate::Migrator::new(Vec::new())?;
    /// assert!(migrator.migrations().is_empty());
    /// # Ok::<(), covet_migrate::MigrateError>(())
    /// ```
    pub fn new(migrations: Vec<Migration>) -> Result<Self, MigrateError> {
        Ok(Self {
            migrations: crate::files::migration_order(migrations)?,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            allow_out_of_order: false,
            progress: None,
        })
    }

    /// A runner for the migrations of a folder, which must verify against its `covet.sum`.
    ///
    /// # Errors
    ///
    /// Whatever [`MigrationDir::verify`] refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{MigrationDir, Migrator};
    ///
    /// let folder = std::env::temp_dir().join(format!("covet-run-doc-{}", std::process::id()));
    /// let migrator = Migrator::from_dir(&MigrationDir::create(&folder)?)?;
    /// assert!(migrator.migrations().is_empty());
    /// # std::fs::remove_dir_all(&folder).ok();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_dir(dir: &MigrationDir) -> Result<Self, MigrateError> {
        Self::new(dir.verify()?)
    }

    /// A runner for migrations compiled into the program
    /// ([`embed_migrations!`](crate::embed_migrations)).
    ///
    /// # Errors
    ///
    /// As [`Migration::embedded`].
    ///
    /// # Examples
    ///
    /// See the [module](self).
    pub fn embedded(list: &[EmbeddedMigration]) -> Result<Self, MigrateError> {
        Self::new(Migration::embedded(list)?)
    }

    /// How long to wait for another runner's lock (default 60 s) before
    /// [`MigrateError::LockTimeout`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// let migrator = covet_migrate::Migrator::new(Vec::new())?.lock_timeout(Duration::from_secs(5));
    /// # Ok::<(), covet_migrate::MigrateError>(())
    /// ```
    #[must_use]
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Apply pending migrations older than the latest applied one instead of refusing with
    /// [`MigrateError::OutOfOrder`] (`--allow-out-of-order`).
    ///
    /// # Examples
    ///
    /// ```
    /// let migrator = covet_migrate::Migrator::new(Vec::new())?.allow_out_of_order(true);
    /// # Ok::<(), covet_migrate::MigrateError>(())
    /// ```
    #[must_use]
    pub fn allow_out_of_order(mut self, allow: bool) -> Self {
        self.allow_out_of_order = allow;
        self
    }

    /// Calls `callback` as migrations start, progress and finish.
    ///
    /// # Examples
    ///
    /// See [`Progress`].
    #[must_use]
    pub fn on_progress(mut self, callback: impl Fn(Progress<'_>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The migrations, in version order.
    ///
    /// # Examples
    ///
    /// See [`Migrator::new`].
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// Where each migration stands on `db`. Takes no lock and changes nothing; never fails on
    /// edited, missing or failed migrations, which it lists.
    ///
    /// # Errors
    ///
    /// A database error reading the history.
    ///
    /// # Examples
    ///
    /// See [`Status`].
    pub async fn status(&self, db: &Database) -> Result<Status, MigrateError> {
        let mut session = db.session().await?;
        let rows = history::read(&mut session, db.backend()).await?;
        Ok(Status::new(&self.migrations, &rows))
    }

    /// The migrations [`migrate`](Self::migrate) would apply now, in order, after the same
    /// checks: for `migrate --dry-run`, which prints their SQL.
    ///
    /// # Errors
    ///
    /// What [`migrate`](Self::migrate) would refuse before running anything.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use covet_migrate::{EmbeddedMigration, Migrator};
    ///
    /// let migrator = Migrator::embedded(&[EmbeddedMigration {
    ///     dir_name: "0001_create_tag",
    ///     up: "-- dialect: sqlite\n\nCREATE TABLE \"tag\" (\"id\" integer);\n",
    ///     down: "-- dialect: sqlite\n\nDROP TABLE \"tag\";\n",
    /// }])?;
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let pending = migrator.pending(&db).await?;
    /// assert_eq!(pending[0].up()?.statements, ["CREATE TABLE \"tag\" (\"id\" integer)"]);
    /// # Ok(()) }
    /// ```
    pub async fn pending(&self, db: &Database) -> Result<Vec<&Migration>, MigrateError> {
        let status = self.status(db).await?;
        self.check(&status, Direction::Up)?;
        Ok(status
            .pending()
            .filter_map(|version| self.migration(version))
            .collect())
    }

    /// The migrations [`rollback`](Self::rollback) would roll back now, latest first, after the
    /// same checks: for `rollback --dry-run`, which prints their `down.sql`.
    ///
    /// # Errors
    ///
    /// What [`rollback`](Self::rollback) would refuse before running anything.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use covet_migrate::{EmbeddedMigration, Migrator};
    ///
    /// let migrator = Migrator::embedded(&[EmbeddedMigration {
    ///     dir_name: "0001_create_tag",
    ///     up: "-- dialect: sqlite\n\nCREATE TABLE \"tag\" (\"id\" integer);\n",
    ///     down: "-- dialect: sqlite\n\nDROP TABLE \"tag\";\n",
    /// }])?;
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// assert!(migrator.pending_rollback(&db, 1).await?.is_empty());
    /// migrator.migrate(&db).await?;
    /// let latest = migrator.pending_rollback(&db, 5).await?;
    /// assert_eq!(latest[0].down()?.statements, ["DROP TABLE \"tag\""]);
    /// # Ok(()) }
    /// ```
    pub async fn pending_rollback(
        &self,
        db: &Database,
        steps: usize,
    ) -> Result<Vec<&Migration>, MigrateError> {
        let status = self.status(db).await?;
        self.check(&status, Direction::Down)?;
        let applied: Vec<u32> = status.applied().collect();
        Ok(applied
            .iter()
            .rev()
            .take(steps)
            .filter_map(|&version| self.migration(version))
            .collect())
    }

    /// Applies every pending migration, in order; returns what it applied (nothing when the
    /// database is up to date).
    ///
    /// # Errors
    ///
    /// See [`MigrateError`]: a failed statement, an edited, missing or out-of-order migration,
    /// a migration left failed by an earlier run, the lock timeout, a database error.
    ///
    /// # Examples
    ///
    /// See the [module](self).
    pub async fn migrate(&self, db: &Database) -> Result<Vec<Ran>, MigrateError> {
        self.run(db, Direction::Up, usize::MAX).await
    }

    /// Rolls back the `steps` latest applied migrations, latest first, with their `down.sql`.
    ///
    /// # Errors
    ///
    /// As [`migrate`](Self::migrate).
    ///
    /// # Examples
    ///
    /// See the [module](self).
    pub async fn rollback(&self, db: &Database, steps: usize) -> Result<Vec<Ran>, MigrateError> {
        self.run(db, Direction::Down, steps).await
    }

    /// Records what the database holds of a migration an earlier run left failed or
    /// interrupted (MySQL/MariaDB), once you have finished or undone its statements by hand.
    ///
    /// # Errors
    ///
    /// [`MigrateError::NothingToResolve`] when the migration is not failed or interrupted.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use covet_migrate::{MigrateError, Migrator, Resolution};
    ///
    /// let db = covet::Database::connect("sqlite::memory:").await?;
    /// let migrator = Migrator::new(Vec::new())?;
    /// let err = migrator.resolve(&db, 3, Resolution::Applied).await.unwrap_err();
    /// assert!(matches!(err, MigrateError::NothingToResolve { version: 3 }));
    /// # Ok(()) }
    /// ```
    pub async fn resolve(
        &self,
        db: &Database,
        version: u32,
        resolution: Resolution,
    ) -> Result<(), MigrateError> {
        let mut session = db.session().await?;
        let held = lock::acquire(&mut session, self.lock_timeout, &self.reporter()).await?;
        let resolved =
            apply::resolve(&mut session, self.migration(version), version, resolution).await;
        lock::release(&mut session, held).await;
        resolved
    }

    fn reporter(&self) -> Reporter<'_> {
        Reporter(self.progress.as_deref())
    }

    fn migration(&self, version: u32) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.version() == version)
    }

    /// Runs up to `steps` migrations in `direction` under the lock.
    async fn run(
        &self,
        db: &Database,
        direction: Direction,
        steps: usize,
    ) -> Result<Vec<Ran>, MigrateError> {
        let mut session = db.session().await?;
        let held = lock::acquire(&mut session, self.lock_timeout, &self.reporter()).await?;
        let mut ran = Vec::new();
        let result = async {
            while ran.len() < steps {
                match apply::step(self, &mut session, direction).await? {
                    Some(step) => ran.push(step),
                    None => break,
                }
            }
            Ok::<(), MigrateError>(())
        }
        .await;
        lock::release(&mut session, held).await;
        let changed = !ran.is_empty()
            || matches!(&result, Err(MigrateError::Statement { partial: true, .. }));
        if changed {
            refresh::close_idle_connections(db).await;
        }
        result.map(|()| ran)
    }

    /// The next migration to run in `direction`, once `status` passed the checks.
    fn next(
        &self,
        status: &Status,
        direction: Direction,
    ) -> Result<Option<&Migration>, MigrateError> {
        self.check(status, direction)?;
        let version = match direction {
            Direction::Up => status.pending().next(),
            Direction::Down => status.applied().last(),
        };
        Ok(version.and_then(|version| self.migration(version)))
    }

    /// Refuses a state nothing may run in: an applied migration edited or missing, one left
    /// failed or interrupted, or (going up) pending migrations out of order.
    fn check(&self, status: &Status, direction: Direction) -> Result<(), MigrateError> {
        let mut out_of_order = Vec::new();
        for entry in &status.entries {
            let migration = format!("{:04}_{}", entry.version, entry.name);
            match &entry.state {
                MigrationState::Edited { .. } => return Err(MigrateError::Edited { migration }),
                MigrationState::Missing { .. } => {
                    return Err(MigrateError::Missing { migration });
                }
                state @ (MigrationState::Failed { .. } | MigrationState::Interrupted { .. }) => {
                    return Err(MigrateError::Blocked {
                        migration,
                        state: state.to_string(),
                    });
                }
                MigrationState::Pending { out_of_order: true } => out_of_order.push(migration),
                MigrationState::Applied { .. } | MigrationState::Pending { .. } => {}
            }
        }
        if direction == Direction::Up && !out_of_order.is_empty() && !self.allow_out_of_order {
            let latest_applied = status
                .entries
                .iter()
                .rfind(|e| matches!(e.state, MigrationState::Applied { .. }))
                .map(|e| format!("{:04}_{}", e.version, e.name))
                .unwrap_or_default();
            return Err(MigrateError::OutOfOrder {
                pending: out_of_order,
                latest_applied,
            });
        }
        Ok(())
    }
}
