//! One migration: its version, name and scripts, read from disk or embedded in the program.

use std::borrow::Cow;

use super::FilesError;
use super::checksum::Checksum;
use super::script::{self, Direction, SqlScript};

/// The longest name a migration gets, so that its directory name stays short on every system.
const MAX_NAME_LEN: usize = 60;

/// A migration: version, name, and the text of its `up.sql` and `down.sql`.
///
/// Read from a folder with [`MigrationDir::migrations`](crate::MigrationDir::migrations), or
/// built from strings compiled into the program with [`Migration::embedded`]: both give equal
/// values for the same files.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Checksum, EmbeddedMigration, Migration};
///
/// let up = "-- dialect: sqlite\n\nCREATE TABLE \"tag\" (\"id\" integer);\n";
/// let migration = Migration::from_embedded(&EmbeddedMigration {
///     dir_name: "0001_create_tag",
///     up,
///     down: "-- dialect: sqlite\n\nDROP TABLE \"tag\";\n",
/// })?;
/// assert_eq!((migration.version(), migration.name()), (1, "create_tag"));
/// assert_eq!(migration.dir_name(), "0001_create_tag");
/// assert_eq!(migration.checksum(), Checksum::of(up));
/// # Ok::<(), covet_migrate::FilesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    version: u32,
    name: String,
    up: Cow<'static, str>,
    down: Cow<'static, str>,
    checksum: Checksum,
}

/// A migration's files as static strings, for programs that carry their migrations inside
/// (a macro will write these with `include_str!`).
///
/// # Examples
///
/// ```
/// use covet_migrate::{EmbeddedMigration, Migration};
///
/// // What `include_str!("migrations/0001_create_tag/up.sql")` and friends give.
/// static MIGRATIONS: &[EmbeddedMigration] = &[EmbeddedMigration {
///     dir_name: "0001_create_tag",
///     up: "-- dialect: postgresql\n\nCREATE TABLE \"tag\" (\"id\" integer);\n",
///     down: "-- dialect: postgresql\n\nDROP TABLE \"tag\";\n",
/// }];
///
/// let migrations = Migration::embedded(MIGRATIONS)?;
/// assert_eq!(migrations[0].up()?.statements, [r#"CREATE TABLE "tag" ("id" integer)"#]);
/// # Ok::<(), covet_migrate::FilesError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedMigration {
    /// The migration's directory name, `NNNN_name`.
    pub dir_name: &'static str,
    /// The text of its `up.sql`.
    pub up: &'static str,
    /// The text of its `down.sql`.
    pub down: &'static str,
}

impl Migration {
    /// Reads a migration from its directory name and script texts.
    pub(crate) fn new(
        dir_name: &str,
        up: Cow<'static, str>,
        down: Cow<'static, str>,
    ) -> Result<Self, FilesError> {
        let (version, name) =
            parse_dir_name(dir_name).ok_or_else(|| FilesError::InvalidMigrationName {
                name: dir_name.to_owned(),
            })?;
        Ok(Self {
            version,
            name: name.to_owned(),
            checksum: Checksum::of(up.as_bytes()),
            up,
            down,
        })
    }

    /// The migration one [`EmbeddedMigration`] describes.
    ///
    /// # Errors
    ///
    /// [`FilesError::InvalidMigrationName`] when `dir_name` is not `NNNN_name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{EmbeddedMigration, FilesError, Migration};
    ///
    /// let bad = EmbeddedMigration { dir_name: "create_tag", up: "", down: "" };
    /// assert!(matches!(Migration::from_embedded(&bad), Err(FilesError::InvalidMigrationName { .. })));
    /// ```
    pub fn from_embedded(embedded: &EmbeddedMigration) -> Result<Self, FilesError> {
        Self::new(
            embedded.dir_name,
            Cow::Borrowed(embedded.up),
            Cow::Borrowed(embedded.down),
        )
    }

    /// The migrations of a program, from their embedded files, in version order: what
    /// [`MigrationDir::migrations`](crate::MigrationDir::migrations) gives for the same files.
    ///
    /// # Errors
    ///
    /// [`FilesError::InvalidMigrationName`] for a malformed name, and
    /// [`FilesError::DuplicateVersion`] when two migrations have the same version.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{EmbeddedMigration, FilesError, Migration};
    ///
    /// let twice = [
    ///     EmbeddedMigration { dir_name: "0001_a", up: "", down: "" },
    ///     EmbeddedMigration { dir_name: "0001_b", up: "", down: "" },
    /// ];
    /// assert!(matches!(Migration::embedded(&twice), Err(FilesError::DuplicateVersion { version: 1, .. })));
    /// ```
    pub fn embedded(list: &[EmbeddedMigration]) -> Result<Vec<Self>, FilesError> {
        let migrations = list
            .iter()
            .map(Self::from_embedded)
            .collect::<Result<Vec<_>, _>>()?;
        in_version_order(migrations)
    }

    /// The version: the number the directory name starts with.
    ///
    /// # Examples
    ///
    /// ```
    /// # use covet_migrate::{EmbeddedMigration, Migration};
    /// let m = Migration::from_embedded(&EmbeddedMigration { dir_name: "0012_x", up: "", down: "" })?;
    /// assert_eq!(m.version(), 12);
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The name: the directory name after the version.
    ///
    /// # Examples
    ///
    /// ```
    /// # use covet_migrate::{EmbeddedMigration, Migration};
    /// let m = Migration::from_embedded(&EmbeddedMigration { dir_name: "0012_add_tag", up: "", down: "" })?;
    /// assert_eq!(m.name(), "add_tag");
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The directory name, `NNNN_name`: the migration's identity in `covet.sum` and messages.
    ///
    /// # Examples
    ///
    /// ```
    /// # use covet_migrate::{EmbeddedMigration, Migration};
    /// let m = Migration::from_embedded(&EmbeddedMigration { dir_name: "0012_add_tag", up: "", down: "" })?;
    /// assert_eq!(m.dir_name(), "0012_add_tag");
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn dir_name(&self) -> String {
        dir_name(self.version, &self.name)
    }

    /// The text of `up.sql`, exactly as on disk.
    ///
    /// # Examples
    ///
    /// ```
    /// # use covet_migrate::{EmbeddedMigration, Migration};
    /// let m = Migration::from_embedded(&EmbeddedMigration { dir_name: "0001_a", up: "SELECT 1;\n", down: "" })?;
    /// assert_eq!(m.up_sql(), "SELECT 1;\n");
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn up_sql(&self) -> &str {
        &self.up
    }

    /// The text of `down.sql`, exactly as on disk.
    ///
    /// # Examples
    ///
    /// ```
    /// # use covet_migrate::{EmbeddedMigration, Migration};
    /// let m = Migration::from_embedded(&EmbeddedMigration { dir_name: "0001_a", up: "", down: "SELECT 2;\n" })?;
    /// assert_eq!(m.down_sql(), "SELECT 2;\n");
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn down_sql(&self) -> &str {
        &self.down
    }

    /// The SHA-256 of `up.sql`'s exact bytes, header included: what a runner records when it
    /// applies the migration and compares afterwards, so that an applied migration edited later
    /// is refused. `down.sql` and the snapshot are not part of it (a broken `down.sql` may be
    /// fixed after the migration is applied); `covet.sum` covers all three files for the
    /// folder's integrity.
    ///
    /// # Examples
    ///
    /// ```
    /// # use covet_migrate::{Checksum, EmbeddedMigration, Migration};
    /// let m = Migration::from_embedded(&EmbeddedMigration { dir_name: "0001_a", up: "SELECT 1;\n", down: "" })?;
    /// assert_eq!(m.checksum(), Checksum::of("SELECT 1;\n"));
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn checksum(&self) -> Checksum {
        self.checksum
    }

    /// `up.sql`, read: its dialect, directives and statements.
    ///
    /// # Errors
    ///
    /// [`FilesError::InvalidScript`] when the header names no known dialect, holds an unknown
    /// `-- covet:` directive, or a string or comment is never closed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use covet_migrate::{EmbeddedMigration, Migration};
    /// let m = Migration::from_embedded(&EmbeddedMigration {
    ///     dir_name: "0001_a",
    ///     up: "-- dialect: sqlite\n-- covet:foreign-keys-off\n\nSELECT 1;\n",
    ///     down: "",
    /// })?;
    /// assert!(m.up()?.foreign_keys_off);
    /// assert!(m.down().is_err(), "no header");
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn up(&self) -> Result<SqlScript, FilesError> {
        script::parse(&self.up, &self.dir_name(), Direction::Up)
    }

    /// `down.sql`, read: see [`up`](Self::up).
    ///
    /// # Errors
    ///
    /// As [`up`](Self::up).
    ///
    /// # Examples
    ///
    /// ```
    /// # use covet_migrate::{EmbeddedMigration, Migration};
    /// let m = Migration::from_embedded(&EmbeddedMigration {
    ///     dir_name: "0001_a",
    ///     up: "",
    ///     down: "-- dialect: postgresql\n\nDROP TABLE \"a\";\n",
    /// })?;
    /// assert_eq!(m.down()?.statements, [r#"DROP TABLE "a""#]);
    /// # Ok::<(), covet_migrate::FilesError>(())
    /// ```
    pub fn down(&self) -> Result<SqlScript, FilesError> {
        script::parse(&self.down, &self.dir_name(), Direction::Down)
    }
}

/// Sorts `migrations` by version, refusing two with the same one.
pub(crate) fn in_version_order(
    mut migrations: Vec<Migration>,
) -> Result<Vec<Migration>, FilesError> {
    migrations.sort_by(|a, b| a.version.cmp(&b.version).then_with(|| a.name.cmp(&b.name)));
    if let Some(pair) = migrations
        .windows(2)
        .find(|pair| pair[0].version == pair[1].version)
    {
        return Err(FilesError::DuplicateVersion {
            version: pair[0].version,
            first: pair[0].dir_name(),
            second: pair[1].dir_name(),
        });
    }
    Ok(migrations)
}

/// `NNNN_name`: the version on at least four digits.
pub(crate) fn dir_name(version: u32, name: &str) -> String {
    format!("{version:04}_{name}")
}

/// The version and name of a directory named `NNNN_name` (at least four digits, a version of
/// at least 1, a name of `[a-z0-9_]`), or `None`.
pub(crate) fn parse_dir_name(dir_name: &str) -> Option<(u32, &str)> {
    let (digits, name) = dir_name.split_once('_')?;
    let is_name = |name: &str| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || !is_name(name) {
        return None;
    }
    let version: u32 = digits.parse().ok().filter(|&v| v > 0)?;
    // One spelling per version: `00012_x` is not `0012_x`.
    (dir_name.len() == dir_name_len(version, name)).then_some((version, name))
}

fn dir_name_len(version: u32, name: &str) -> usize {
    dir_name(version, name).len()
}

/// `name` as a migration name: lowercase ASCII letters, digits and single `_`s, at most
/// [`MAX_NAME_LEN`] bytes; `auto` when nothing is left.
pub(crate) fn sanitize_name(name: &str) -> String {
    let mut clean = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            clean.push(c);
        } else if !clean.is_empty() && !clean.ends_with('_') {
            clean.push('_');
        }
    }
    clean.truncate(MAX_NAME_LEN);
    let clean = clean.trim_end_matches('_');
    if clean.is_empty() {
        "auto".to_owned()
    } else {
        clean.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_are_a_version_and_a_clean_name() {
        assert_eq!(parse_dir_name("0001_create_user"), Some((1, "create_user")));
        assert_eq!(parse_dir_name("12345_big"), Some((12345, "big")));
        for bad in [
            "001_short",
            "0001_",
            "0001_Upper",
            "0001-dash",
            "0000_zero",
            "00012_padded",
            "abcd_x",
            "0001_a b",
        ] {
            assert_eq!(parse_dir_name(bad), None, "{bad}");
        }
        assert_eq!(dir_name(7, "x"), "0007_x");
    }

    #[test]
    fn names_are_sanitized() {
        assert_eq!(sanitize_name("Add Post-Summary!"), "add_post_summary");
        assert_eq!(sanitize_name("__x__y__"), "x_y");
        assert_eq!(sanitize_name("café au lait"), "caf_au_lait");
        assert_eq!(sanitize_name("!!!"), "auto");
        assert_eq!(sanitize_name(&"a".repeat(100)).len(), MAX_NAME_LEN);
        assert_eq!(
            sanitize_name(&format!("{}_b", "a".repeat(59))),
            "a".repeat(59)
        );
    }
}
