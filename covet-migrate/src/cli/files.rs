//! The commands that need only the migration files: `sqlmigrate` and `rehash`.

use std::io::Write;

use super::Context;
use super::help::PROGRAM;
use super::output::{Failure, count, shown};

/// `sqlmigrate`: prints a migration's `up.sql` (or `down.sql`) as it is on disk.
///
/// Reads the folder without checking `covet.sum`, so that a migration can be looked at in a
/// folder that does not verify.
pub(super) fn sqlmigrate(
    context: &Context<'_>,
    version: u32,
    down: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let migrations = context.open_dir()?.migrations()?;
    let Some(migration) = migrations.iter().find(|m| m.version() == version) else {
        let latest = match migrations.last() {
            Some(latest) => format!("the latest is {}", latest.dir_name()),
            None => "it has none".to_owned(),
        };
        return Err(Failure::Error(format!(
            "there is no migration {version:04} in `{}` ({latest})",
            shown(context.migrations_path())
        )));
    };
    let text = if down {
        migration.down_sql()
    } else {
        migration.up_sql()
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// `rehash`: records the migration files as they are in `covet.sum`.
pub(super) fn rehash(context: &Context<'_>, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = context.open_dir()?;
    dir.rehash()?;
    let migrations = dir.migrations()?;
    writeln!(
        out,
        "Recorded {} as they are in `{}`.",
        count(migrations.len(), "migration"),
        shown(&dir.path().join("covet.sum"))
    )?;
    writeln!(
        out,
        "An applied migration whose up.sql changed is still refused by `{PROGRAM} migrate`: put \
         changes to applied migrations in a new migration."
    )?;
    Ok(())
}
