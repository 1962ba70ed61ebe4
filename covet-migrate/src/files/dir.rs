//! A migrations folder on disk: listing, verifying and writing migrations.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::FilesError;
use super::checksum::Checksum;
use super::migration::{Migration, dir_name, in_version_order, parse_dir_name, sanitize_name};
use super::script::{self, Direction};
use super::sum::{self, Entry, FILES, Problem};
use crate::plan::Plan;
use crate::snapshot::Schema;

/// The integrity file's name.
const SUM_FILE: &str = "covet.sum";
/// A migration's snapshot file.
const SNAPSHOT_FILE: &str = "snapshot.json";

/// A migrations folder: see the [module](crate::files) for its layout.
///
/// # Examples
///
/// ```
/// use covet_migrate::MigrationDir;
///
/// let folder = std::env::temp_dir().join(format!("covet-dir-doc-{}", std::process::id()));
/// let dir = MigrationDir::create(&folder)?;
/// assert!(dir.migrations()?.is_empty());
/// assert!(dir.latest_snapshot()?.tables.is_empty());
/// dir.verify()?; // an empty folder needs no covet.sum
/// # std::fs::remove_dir_all(&folder)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationDir {
    path: PathBuf,
}

impl MigrationDir {
    /// The existing migrations folder at `path`.
    ///
    /// # Errors
    ///
    /// [`FilesError::NotAFolder`] when there is no directory at `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{FilesError, MigrationDir};
    ///
    /// let missing = MigrationDir::open("/no/such/migrations");
    /// assert!(matches!(missing, Err(FilesError::NotAFolder { .. })));
    /// ```
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, FilesError> {
        let path = path.into();
        if !path.is_dir() {
            return Err(FilesError::NotAFolder { path });
        }
        Ok(Self { path })
    }

    /// The migrations folder at `path`, created (with its parents) if missing.
    ///
    /// # Errors
    ///
    /// [`FilesError::Io`] when it cannot be created.
    ///
    /// # Examples
    ///
    /// ```
    /// let folder = std::env::temp_dir().join(format!("covet-create-doc-{}/migrations", std::process::id()));
    /// let dir = covet_migrate::MigrationDir::create(&folder)?;
    /// assert_eq!(dir.path(), folder);
    /// # std::fs::remove_dir_all(folder.parent().unwrap())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(path: impl Into<PathBuf>) -> Result<Self, FilesError> {
        let path = path.into();
        fs::create_dir_all(&path).map_err(io_error(&path))?;
        Self::open(path)
    }

    /// The folder's path.
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = covet_migrate::MigrationDir::open(std::env::temp_dir())?;
    /// assert_eq!(dir.path(), std::env::temp_dir());
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The migrations, in version order, with their `up.sql` checksums. Does not check
    /// `covet.sum`: see [`verify`](Self::verify).
    ///
    /// # Errors
    ///
    /// [`FilesError::InvalidMigrationName`] for a directory not named `NNNN_name`,
    /// [`FilesError::DuplicateVersion`], [`FilesError::MissingFile`] for a missing `up.sql` or
    /// `down.sql`, [`FilesError::NotText`] and [`FilesError::Io`].
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = covet_migrate::MigrationDir::create(std::env::temp_dir().join(format!("covet-list-doc-{}", std::process::id())))?;
    /// assert!(dir.migrations()?.is_empty());
    /// # std::fs::remove_dir_all(dir.path()).unwrap();
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn migrations(&self) -> Result<Vec<Migration>, FilesError> {
        let mut migrations = Vec::new();
        for name in self.migration_dir_names()? {
            let up = self.read(&name, Direction::Up.file())?;
            let down = self.read(&name, Direction::Down.file())?;
            migrations.push(Migration::new(&name, Cow::Owned(up), Cow::Owned(down))?);
        }
        in_version_order(migrations)
    }

    /// The schema after the latest migration, from its `snapshot.json`: what the next
    /// migration is diffed against. The empty schema when there is no migration yet.
    ///
    /// # Errors
    ///
    /// As [`migrations`](Self::migrations), and [`FilesError::Snapshot`] for a snapshot that
    /// cannot be read.
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = covet_migrate::MigrationDir::create(std::env::temp_dir().join(format!("covet-snap-doc-{}", std::process::id())))?;
    /// assert_eq!(dir.latest_snapshot()?, covet_migrate::Schema::default());
    /// # std::fs::remove_dir_all(dir.path()).unwrap();
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn latest_snapshot(&self) -> Result<Schema, FilesError> {
        match self.migrations()?.last() {
            None => Ok(Schema::default()),
            Some(latest) => {
                let migration = latest.dir_name();
                let text = self.read(&migration, SNAPSHOT_FILE)?;
                Schema::from_json(&text)
                    .map_err(|source| FilesError::Snapshot { migration, source })
            }
        }
    }

    /// Checks the folder against `covet.sum`, and returns its migrations in version order.
    ///
    /// Every migration must be listed with the checksums of its three files as they are, and
    /// every listed migration must be there; `covet.sum` itself must not be edited; every
    /// script must be readable. A folder without migrations needs no `covet.sum`.
    ///
    /// # Errors
    ///
    /// As [`migrations`](Self::migrations), and [`FilesError::MissingSum`],
    /// [`FilesError::SumConflict`], [`FilesError::MalformedSum`], [`FilesError::SumEdited`],
    /// [`FilesError::EditedFile`], [`FilesError::MissingMigration`],
    /// [`FilesError::UnlistedMigration`], [`FilesError::MissingFile`] (`snapshot.json`) and
    /// [`FilesError::InvalidScript`], each naming the migration and file.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{FilesError, MigrationDir};
    ///
    /// let folder = std::env::temp_dir().join(format!("covet-verify-doc-{}", std::process::id()));
    /// let dir = MigrationDir::create(&folder)?;
    /// std::fs::create_dir(folder.join("0001_by_hand"))?;
    /// std::fs::write(folder.join("0001_by_hand/up.sql"), "-- dialect: sqlite\nSELECT 1;\n")?;
    /// std::fs::write(folder.join("0001_by_hand/down.sql"), "-- dialect: sqlite\n")?;
    /// std::fs::write(folder.join("0001_by_hand/snapshot.json"), covet_migrate::Schema::default().to_json())?;
    /// assert!(matches!(dir.verify(), Err(FilesError::MissingSum { .. })));
    ///
    /// dir.rehash()?; // accept the hand-made migration
    /// assert_eq!(dir.verify()?.len(), 1);
    /// # std::fs::remove_dir_all(&folder)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self) -> Result<Vec<Migration>, FilesError> {
        self.verified().map(|(migrations, _)| migrations)
    }

    /// Writes a new migration after the latest one: `NNNN_name/` holding `up.sql` and
    /// `down.sql` rendered from `plan` (header included) and `snapshot.json` from `snapshot`
    /// (the models' schema after the migration), and records it in `covet.sum`.
    ///
    /// `name` is cleaned to lowercase letters, digits and single `_`s (at most 60 bytes;
    /// `auto` if nothing is left). The files are written and synced in a hidden temporary
    /// directory that is then renamed, so the migration appears whole or not at all; then
    /// `covet.sum` is replaced the same way. (Were the process to stop between the two renames,
    /// [`verify`](Self::verify) would report the migration as unlisted.)
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify): a folder that does not verify is not written to.
    /// [`FilesError::MigrationExists`] when the directory appeared meanwhile, and
    /// [`FilesError::Io`].
    ///
    /// # Examples
    ///
    /// See the [module](crate::files).
    pub fn write(
        &self,
        name: &str,
        plan: &Plan,
        snapshot: &Schema,
    ) -> Result<Migration, FilesError> {
        let (migrations, mut entries) = self.verified()?;
        let version = migrations.last().map_or(1, |latest| latest.version() + 1);
        let name = sanitize_name(name);
        let dir_name = dir_name(version, &name);
        let up = script::render(version, &name, Direction::Up, plan.backend, &plan.up);
        let down = script::render(version, &name, Direction::Down, plan.backend, &plan.down);
        let snapshot = snapshot.to_json();
        let files = [
            (Direction::Up.file(), &up),
            (Direction::Down.file(), &down),
            (SNAPSHOT_FILE, &snapshot),
        ];

        let target = self.path.join(&dir_name);
        if target.exists() {
            return Err(FilesError::MigrationExists { path: target });
        }
        let temporary = self.path.join(format!(".{dir_name}.tmp"));
        if temporary.exists() {
            // Left by an interrupted write: hidden, and named after a migration not written.
            fs::remove_dir_all(&temporary).map_err(io_error(&temporary))?;
        }
        fs::create_dir(&temporary).map_err(io_error(&temporary))?;
        for (file, text) in files {
            write_synced(&temporary.join(file), text)?;
        }
        fs::rename(&temporary, &target).map_err(io_error(&target))?;
        sync_dir(&self.path)?;

        entries.push(Entry {
            migration: dir_name.clone(),
            checksums: files.map(|(_, text)| Checksum::of(text)),
        });
        self.write_sum(&entries)?;
        Migration::new(&dir_name, Cow::Owned(up), Cow::Owned(down))
    }

    /// Records the folder as it is in `covet.sum`: for a migration edited on purpose (a data
    /// fix added to `up.sql`), or written by hand. The migrations must still be well-formed and
    /// their scripts readable.
    ///
    /// # Errors
    ///
    /// As [`migrations`](Self::migrations), [`FilesError::MissingFile`] for a missing
    /// `snapshot.json`, [`FilesError::InvalidScript`] and [`FilesError::Io`].
    ///
    /// # Examples
    ///
    /// See [`verify`](Self::verify).
    pub fn rehash(&self) -> Result<(), FilesError> {
        let migrations = self.migrations()?;
        for migration in &migrations {
            migration.up()?;
            migration.down()?;
        }
        let entries = self.entries(&migrations)?;
        self.write_sum(&entries)
    }

    /// The migrations, checked against `covet.sum`, and `covet.sum`'s entries.
    fn verified(&self) -> Result<(Vec<Migration>, Vec<Entry>), FilesError> {
        let migrations = self.migrations()?;
        let on_disk = self.entries(&migrations)?;
        let path = self.path.join(SUM_FILE);
        let recorded = match fs::read_to_string(&path) {
            Ok(text) => sum::parse(&text).map_err(|problem| match problem {
                Problem::Conflict => FilesError::SumConflict { path: path.clone() },
                Problem::Malformed { line } => FilesError::MalformedSum {
                    path: path.clone(),
                    line,
                },
                Problem::Edited => FilesError::SumEdited { path: path.clone() },
            })?,
            Err(err) if err.kind() == io::ErrorKind::NotFound && migrations.is_empty() => {
                Vec::new()
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(FilesError::MissingSum { path });
            }
            Err(source) => return Err(FilesError::Io { path, source }),
        };
        let listed: BTreeMap<&str, &Entry> = recorded
            .iter()
            .map(|entry| (entry.migration.as_str(), entry))
            .collect();
        for entry in &on_disk {
            let Some(record) = listed.get(entry.migration.as_str()) else {
                return Err(FilesError::UnlistedMigration {
                    migration: entry.migration.clone(),
                });
            };
            for ((_, file), (now, then)) in FILES
                .iter()
                .zip(entry.checksums.iter().zip(&record.checksums))
            {
                if now != then {
                    return Err(FilesError::EditedFile {
                        migration: entry.migration.clone(),
                        file,
                    });
                }
            }
        }
        if let Some(gone) = recorded.iter().find(|entry| {
            !on_disk
                .iter()
                .any(|present| present.migration == entry.migration)
        }) {
            return Err(FilesError::MissingMigration {
                migration: gone.migration.clone(),
            });
        }
        for migration in &migrations {
            migration.up()?;
            migration.down()?;
        }
        Ok((migrations, on_disk))
    }

    /// The `covet.sum` entries of `migrations` as they are on disk.
    fn entries(&self, migrations: &[Migration]) -> Result<Vec<Entry>, FilesError> {
        migrations
            .iter()
            .map(|migration| {
                let name = migration.dir_name();
                let snapshot = self.read(&name, SNAPSHOT_FILE)?;
                Ok(Entry {
                    checksums: [
                        Checksum::of(migration.up_sql()),
                        Checksum::of(migration.down_sql()),
                        Checksum::of(snapshot),
                    ],
                    migration: name,
                })
            })
            .collect()
    }

    /// Replaces `covet.sum` with the entries, atomically.
    fn write_sum(&self, entries: &[Entry]) -> Result<(), FilesError> {
        let path = self.path.join(SUM_FILE);
        let temporary = self.path.join(format!(".{SUM_FILE}.tmp"));
        write_synced(&temporary, &sum::render(entries))?;
        fs::rename(&temporary, &path).map_err(io_error(&path))?;
        sync_dir(&self.path)
    }

    /// The names of the folder's migration directories, checked.
    fn migration_dir_names(&self) -> Result<Vec<String>, FilesError> {
        let mut names = Vec::new();
        for entry in fs::read_dir(&self.path).map_err(io_error(&self.path))? {
            let entry = entry.map_err(io_error(&self.path))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().map_err(io_error(&entry.path()))?.is_dir();
            if name.starts_with('.') || !is_dir {
                continue;
            }
            if parse_dir_name(&name).is_none() {
                return Err(FilesError::InvalidMigrationName { name });
            }
            names.push(name);
        }
        Ok(names)
    }

    /// The text of `file` in migration `migration`.
    fn read(&self, migration: &str, file: &'static str) -> Result<String, FilesError> {
        let path = self.path.join(migration).join(file);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(FilesError::MissingFile {
                    migration: migration.to_owned(),
                    file,
                });
            }
            Err(source) => return Err(FilesError::Io { path, source }),
        };
        String::from_utf8(bytes).map_err(|_| FilesError::NotText { path })
    }
}

/// Turns an I/O error on `path` into a [`FilesError`].
fn io_error(path: &Path) -> impl FnOnce(io::Error) -> FilesError + '_ {
    move |source| FilesError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `text` to a new file at `path` and waits until it is on disk.
fn write_synced(path: &Path, text: &str) -> Result<(), FilesError> {
    let mut file = File::create(path).map_err(io_error(path))?;
    file.write_all(text.as_bytes()).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

/// Makes the renames in `dir` durable (on Unix: a directory cannot be opened for syncing
/// everywhere else, where renames are durable on their own or not at all).
fn sync_dir(dir: &Path) -> Result<(), FilesError> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|handle| handle.sync_all())
        .map_err(io_error(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
