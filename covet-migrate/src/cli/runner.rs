//! The commands that run migrations against a database: `migrate`, `rollback`, `status` and
//! `resolve`.

use std::io::Write;
use std::time::Duration;

use covet::Database;

use super::Context;
use super::help::PROGRAM;
use super::output::{self, Failure, count};
use crate::files::{Direction, Migration, SqlScript};
use crate::run::{MigrateError, Migrator, Resolution};

/// The runner for the folder's migrations, with the command's settings.
fn migrator(context: &Context<'_>, lock_timeout: Option<Duration>) -> Result<Migrator, Failure> {
    let migrator = Migrator::from_dir(&context.open_dir()?)?;
    Ok(match lock_timeout {
        Some(timeout) => migrator.lock_timeout(timeout),
        None => migrator,
    })
}

/// Runs `command` with a connection to the database, closing it afterwards.
async fn with_database<T>(
    context: &Context<'_>,
    command: impl AsyncFnOnce(&Database) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let db = context.connect().await?;
    let result = command(&db).await;
    db.close().await;
    result
}

/// `migrate`: applies the pending migrations, or prints their SQL.
pub(super) async fn migrate(
    context: &Context<'_>,
    dry_run: bool,
    allow_out_of_order: bool,
    lock_timeout: Option<Duration>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let migrator = migrator(context, lock_timeout)?.allow_out_of_order(allow_out_of_order);
    with_database(context, async |db| {
        if dry_run {
            let pending = migrator.pending(db).await?;
            if pending.is_empty() {
                writeln!(out, "-- Nothing to apply: the database is up to date.")?;
                return Ok(());
            }
            for migration in &pending {
                print_script(migration, Direction::Up, db, out)?;
            }
            writeln!(
                out,
                "-- Dry run: nothing was applied ({} pending).",
                count(pending.len(), "migration")
            )?;
            return Ok(());
        }
        let (lines, receiver) = output::progress_channel();
        let migrator = migrator.on_progress(output::reporter(lines));
        let ran = output::drain_while(&receiver, out, migrator.migrate(db)).await?;
        if ran.is_empty() {
            writeln!(out, "Nothing to apply: the database is up to date.")?;
        } else {
            let took = ran.iter().map(|ran| ran.duration).sum();
            writeln!(
                out,
                "Applied {} in {}.",
                count(ran.len(), "migration"),
                output::duration(took)
            )?;
        }
        Ok(())
    })
    .await
}

/// `rollback`: rolls back the latest `steps` applied migrations, or prints their SQL.
pub(super) async fn rollback(
    context: &Context<'_>,
    steps: usize,
    dry_run: bool,
    lock_timeout: Option<Duration>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let migrator = migrator(context, lock_timeout)?;
    with_database(context, async |db| {
        if dry_run {
            let latest = migrator.pending_rollback(db, steps).await?;
            if latest.is_empty() {
                writeln!(out, "-- Nothing to roll back: no migration is applied.")?;
                return Ok(());
            }
            for migration in &latest {
                print_script(migration, Direction::Down, db, out)?;
            }
            writeln!(
                out,
                "-- Dry run: nothing was rolled back ({} would be).",
                count(latest.len(), "migration")
            )?;
            return Ok(());
        }
        let (lines, receiver) = output::progress_channel();
        let migrator = migrator.on_progress(output::reporter(lines));
        let ran = output::drain_while(&receiver, out, migrator.rollback(db, steps)).await?;
        if ran.is_empty() {
            writeln!(out, "Nothing to roll back: no migration is applied.")?;
        } else {
            let took = ran.iter().map(|ran| ran.duration).sum();
            writeln!(
                out,
                "Rolled back {} in {}.",
                count(ran.len(), "migration"),
                output::duration(took)
            )?;
        }
        Ok(())
    })
    .await
}

/// Prints the statements one direction of `migration` runs, under a header.
fn print_script(
    migration: &Migration,
    direction: Direction,
    db: &Database,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let script: SqlScript = match direction {
        Direction::Up => migration.up()?,
        Direction::Down => migration.down()?,
    };
    if script.dialect != db.backend() {
        return Err(MigrateError::WrongDialect {
            migration: migration.dir_name(),
            script: script.dialect,
            database: db.backend(),
        }
        .into());
    }
    let mut how = vec![count(script.statements.len(), "statement")];
    how.push(if script.transactional {
        "in one transaction".to_owned()
    } else {
        "no transaction: each statement commits at once".to_owned()
    });
    if script.foreign_keys_off {
        how.push("foreign keys off".to_owned());
    }
    writeln!(
        out,
        "-- {} ({}: {})",
        migration.dir_name(),
        direction.word(),
        how.join(", ")
    )?;
    for statement in &script.statements {
        writeln!(out, "{statement};")?;
    }
    writeln!(out)?;
    Ok(())
}

/// `status`: each migration's state.
pub(super) async fn status(context: &Context<'_>, out: &mut dyn Write) -> Result<(), Failure> {
    let migrator = migrator(context, None)?;
    with_database(context, async |db| {
        let status = migrator.status(db).await?;
        write!(out, "{status}")?;
        if !status.entries.is_empty() {
            let applied = status.applied().count();
            let pending = status.pending().count();
            let attention = status.entries.len() - applied - pending;
            let mut summary = format!("{applied} applied, {pending} pending");
            if attention > 0 {
                summary.push_str(&format!(
                    ", {attention} needing attention (`{PROGRAM} migrate` says what to do)"
                ));
            }
            writeln!(out, "{summary}")?;
        }
        Ok(())
    })
    .await
}

/// `resolve`: records what the database holds of a failed or interrupted migration.
pub(super) async fn resolve(
    context: &Context<'_>,
    version: u32,
    resolution: Resolution,
    lock_timeout: Option<Duration>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let migrator = migrator(context, lock_timeout)?;
    let name = migrator
        .migrations()
        .iter()
        .find(|m| m.version() == version)
        .map_or_else(|| format!("{version:04}"), Migration::dir_name);
    with_database(context, async |db| {
        migrator.resolve(db, version, resolution).await?;
        match resolution {
            Resolution::Applied => writeln!(out, "Recorded {name} as applied.")?,
            Resolution::RolledBack => writeln!(
                out,
                "Recorded {name} as not applied: the next `{PROGRAM} migrate` applies it again."
            )?,
        }
        Ok(())
    })
    .await
}
