//! The commands that diff the models against the migrations: `makemigrations` and `check`.

use std::io::Write;

use covet::Backend;

use super::Context;
use super::help::PROGRAM;
use super::output::{Failure, count, shown};
use crate::diff::diff_with_renames;
use crate::files::MigrationDir;
use crate::generate::{GenerateOptions, Generated, generate};
use crate::plan::Backfills;
use crate::snapshot::{Renames, Schema};

/// `makemigrations`: writes the migration for the changes to the models, or nothing.
pub(super) fn makemigrations(
    context: &Context<'_>,
    name: Option<&str>,
    allow_destructive: bool,
    backfills: Backfills,
    dialect: Option<Backend>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let registry = context.models("makemigrations")?;
    let models = Schema::from_registry(registry)?;
    let renames = Renames::from_registry(registry)?;
    let backend = match dialect {
        Some(backend) => backend,
        None => infer_dialect(context)?,
    };
    let dir = MigrationDir::create(context.migrations_path())?;
    let options = GenerateOptions {
        allow_destructive,
        backfills,
        renames,
    };
    match generate(&dir, &models, name, backend, &options)? {
        Generated::NoChanges => {
            writeln!(out, "No changes: the models match the latest migration")?;
        }
        Generated::Written(written) => {
            writeln!(
                out,
                "Wrote {} ({}, {}):",
                shown(&written.path),
                backend.name(),
                count(written.plan.up.statements.len(), "statement")
            )?;
            for operation in &written.operations {
                writeln!(out, "  {operation}")?;
            }
            if !written.plan.up.risks.is_empty() {
                writeln!(out, "Risks:")?;
                for risk in &written.plan.up.risks {
                    writeln!(out, "  {risk}")?;
                }
            }
            writeln!(
                out,
                "Review its up.sql and down.sql, then apply it with `{PROGRAM} migrate`."
            )?;
        }
    }
    Ok(())
}

/// The dialect when `--dialect` is not given: the latest migration's, else the database URL's.
fn infer_dialect(context: &Context<'_>) -> Result<Backend, Failure> {
    if context.migrations_path().is_dir() {
        let dir = context.open_dir()?;
        if let Some(latest) = dir.migrations()?.last() {
            return Ok(latest.up()?.dialect);
        }
    }
    match context.database_url()? {
        Some((url, source)) => Backend::from_url(&url).map_err(|error| {
            Failure::Setup(format!(
                "cannot tell the dialect from {source}: {error}; pass --dialect postgres, mysql \
                 or sqlite"
            ))
        }),
        None => Err(Failure::Setup(
            "cannot tell which SQL dialect to write: there is no migration yet and no database \
             URL; pass --dialect postgres, mysql or sqlite (or set DATABASE_URL)"
                .to_owned(),
        )),
    }
}

/// `check`: fails, listing the changes, when the models differ from the latest migration.
pub(super) fn check(context: &Context<'_>, out: &mut dyn Write) -> Result<(), Failure> {
    let registry = context.models("check")?;
    let models = Schema::from_registry(registry)?;
    let renames = Renames::from_registry(registry)?;
    // No folder is a folder without migrations: the models differ unless there are none.
    let (latest, snapshot) = if context.migrations_path().exists() {
        let dir = context.open_dir()?;
        let migrations = dir.verify()?;
        (
            migrations.last().map(crate::files::Migration::dir_name),
            dir.latest_snapshot()?,
        )
    } else {
        (None, Schema::default())
    };
    let operations = diff_with_renames(&snapshot, &models, &renames);
    let against = match &latest {
        Some(name) => format!("the latest migration ({name})"),
        None => "the migrations (there are none yet)".to_owned(),
    };
    if operations.is_empty() {
        writeln!(out, "The models match {against}.")?;
        return Ok(());
    }
    writeln!(
        out,
        "The models differ from {against}; a new migration would:"
    )?;
    for operation in &operations {
        writeln!(out, "  {operation}")?;
    }
    writeln!(out, "Run `{PROGRAM} makemigrations` to write it.")?;
    Err(Failure::Reported)
}
