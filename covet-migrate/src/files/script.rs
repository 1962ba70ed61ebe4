//! The text of `up.sql` and `down.sql`: a comment header, then the statements.
//!
//! ```text
//! -- covet migration: up
//! -- version: 0002
//! -- name: add_post_summary
//! -- dialect: sqlite
//! -- risk: C006 adds a NOT NULL column without a default: add column post.summary
//! -- risk: D001 rebuilds a SQLite table: table post
//! -- covet:foreign-keys-off
//!
//! CREATE TABLE "__covet_new_post" (...);
//!
//! ...
//! ```
//!
//! The header is for people and for the runner: `-- covet:` lines are directives the runner
//! obeys (`no-transaction`, `foreign-keys-off`); an unknown directive is an error rather than
//! silently ignored, as it may come from a newer covet-migrate.

use covet::Backend;

use super::FilesError;
use super::split::split_statements;
use crate::plan::Script;

/// The directive of a script that must not run in a transaction.
const NO_TRANSACTION: &str = "no-transaction";
/// The directive of a script that must run with foreign keys off.
const FOREIGN_KEYS_OFF: &str = "foreign-keys-off";

/// Which way a migration runs: its `up.sql` or its `down.sql`.
///
/// # Examples
///
/// ```
/// use covet_migrate::Direction;
///
/// assert_eq!(Direction::Down.word(), "down");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Applying it (`up.sql`).
    Up,
    /// Rolling it back (`down.sql`).
    Down,
}

impl Direction {
    /// `up` or `down`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::Direction;
    ///
    /// assert_eq!(Direction::Up.word(), "up");
    /// assert_eq!(format!("{}.sql", Direction::Down.word()), "down.sql");
    /// ```
    pub fn word(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
        }
    }

    pub(crate) fn file(self) -> &'static str {
        match self {
            Self::Up => "up.sql",
            Self::Down => "down.sql",
        }
    }
}

/// A migration script as the runner needs it: its header's dialect and directives, and its
/// statements.
///
/// # Examples
///
/// ```
/// use covet::Backend;
/// use covet_migrate::{EmbeddedMigration, Migration};
///
/// let migration = Migration::from_embedded(&EmbeddedMigration {
///     dir_name: "0001_create_tag",
///     up: "-- dialect: mysql\n-- covet:no-transaction\n\nCREATE TABLE `tag` (`id` int);\n",
///     down: "-- dialect: mysql\n-- covet:no-transaction\n\nDROP TABLE `tag`;\n",
/// })?;
/// let up = migration.up()?;
/// assert_eq!(up.dialect, Backend::MySql);
/// assert!(!up.transactional && !up.foreign_keys_off);
/// assert_eq!(up.statements, ["CREATE TABLE `tag` (`id` int)"]);
/// # Ok::<(), covet_migrate::FilesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlScript {
    /// The dialect the statements are written in (`-- dialect:`).
    pub dialect: Backend,
    /// Whether to run the statements in one transaction (no `-- covet:no-transaction`).
    pub transactional: bool,
    /// Whether to run them with foreign keys off (`-- covet:foreign-keys-off`, SQLite): see
    /// [`Script`](crate::Script) for what a runner does then.
    pub foreign_keys_off: bool,
    /// The risk codes the header lists (`-- risk: C002 ...`).
    pub risk_codes: Vec<String>,
    /// The statements, in order, without their `;`.
    pub statements: Vec<String>,
}

/// The file text of one direction of migration `version`/`name`.
pub(crate) fn render(
    version: u32,
    name: &str,
    direction: Direction,
    backend: Backend,
    script: &Script,
) -> String {
    let mut text = format!(
        "-- covet migration: {}\n-- version: {version:04}\n-- name: {name}\n-- dialect: {}\n",
        direction.word(),
        backend.name()
    );
    if script.risks.is_empty() {
        text.push_str("-- risks: none\n");
    }
    for risk in &script.risks {
        // A risk's subject holds schema names: keep each on its comment line.
        let line = risk.to_string().replace(['\r', '\n'], " ");
        text.push_str(&format!("-- risk: {line}\n"));
    }
    if !script.transactional {
        text.push_str(&format!("-- covet:{NO_TRANSACTION}\n"));
    }
    if script.foreign_keys_off {
        text.push_str(&format!("-- covet:{FOREIGN_KEYS_OFF}\n"));
    }
    for statement in &script.statements {
        text.push('\n');
        text.push_str(statement);
        text.push_str(";\n");
    }
    text
}

/// Reads the script `text`, the `direction` file of migration `dir_name`.
pub(crate) fn parse(
    text: &str,
    dir_name: &str,
    direction: Direction,
) -> Result<SqlScript, FilesError> {
    let invalid = |reason: String| FilesError::InvalidScript {
        migration: dir_name.to_owned(),
        file: direction.file(),
        reason,
    };
    let mut dialect = None;
    let mut transactional = true;
    let mut foreign_keys_off = false;
    let mut risk_codes = Vec::new();
    let header = text
        .lines()
        .map(str::trim)
        .take_while(|line| line.is_empty() || line.starts_with("--"));
    for line in header {
        let comment = line.trim_start_matches('-').trim();
        if let Some(directive) = comment.strip_prefix("covet:") {
            match directive.trim() {
                NO_TRANSACTION => transactional = false,
                FOREIGN_KEYS_OFF => foreign_keys_off = true,
                other => {
                    return Err(invalid(format!(
                        "unknown directive `covet:{other}` (written by a newer covet-migrate?)"
                    )));
                }
            }
        } else if let Some(name) = comment.strip_prefix("dialect:") {
            let name = name.trim();
            let backend = [Backend::Postgres, Backend::MySql, Backend::Sqlite]
                .into_iter()
                .find(|backend| backend.name() == name)
                .ok_or_else(|| invalid(format!("unknown dialect `{name}`")))?;
            dialect = Some(backend);
        } else if let Some(risk) = comment.strip_prefix("risk:")
            && let Some(code) = risk.split_whitespace().next()
        {
            risk_codes.push(code.to_owned());
        }
    }
    let dialect = dialect.ok_or_else(|| {
        invalid("its header names no dialect (a line `-- dialect: postgresql`)".to_owned())
    })?;
    let statements = split_statements(text, dialect).map_err(|open| {
        invalid(format!(
            "a {} opened on line {} is never closed",
            open.what, open.line
        ))
    })?;
    Ok(SqlScript {
        dialect,
        transactional,
        foreign_keys_off,
        risk_codes,
        statements,
    })
}
