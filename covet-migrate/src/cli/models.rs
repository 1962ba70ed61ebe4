//! The commands that diff the models against the migrations: `makemigrations` and `check`.

use std::io::Write;

use covet::Backend;

use super::Context;
use super::help::PROGRAM;
use super::output::{Failure, count, shown};
use crate::diff::diff_with_renames;
use crate::files::MigrationDir;
use crate::generate::{GenerateOptions, Generated, WrittenMigration, generate};
use crate::operation::Operation;
use crate::plan::Backfills;
use crate::risk;
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
        backfills: backfills.clone(),
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
            let again = Again {
                name: written.migration.name(),
                allow_destructive,
                backfills: &backfills,
                dialect,
            };
            write_existing_rows_hint(out, &written, &again)?;
            writeln!(
                out,
                "Review its up.sql and down.sql, then apply it with `{PROGRAM} migrate`."
            )?;
        }
    }
    Ok(())
}

/// The options `makemigrations` ran with, to repeat in the command a hint suggests.
struct Again<'a> {
    name: &'a str,
    allow_destructive: bool,
    backfills: &'a Backfills,
    dialect: Option<Backend>,
}

/// What a written migration's risks on existing rows mean, and how to remake it when they
/// apply: a required column added (C006) or made `NOT NULL` (C004) fails on a table with rows
/// (or `NULL`s) unless `--backfill` gives those rows a value; a unique index (C005) fails on
/// duplicates, which only the data's owner can resolve.
///
/// The risk codes alone say what can fail, not what to do; this says it where the migration
/// is written, while remaking it is still cheap (it was applied nowhere yet).
fn write_existing_rows_hint(
    out: &mut dyn Write,
    written: &WrittenMigration,
    again: &Again<'_>,
) -> Result<(), Failure> {
    let has = |code: &str, op: &Operation| {
        let subject = op.to_string();
        written
            .plan
            .up
            .risks
            .iter()
            .any(|risk| risk.code == code && risk.subject == subject)
    };
    let mut needs_value = Vec::new();
    let mut adds_required_column = false;
    let mut lines = Vec::new();
    for op in &written.operations {
        match op {
            Operation::AddColumn { table, column } if has(risk::ADDS_REQUIRED_COLUMN, op) => {
                lines.push(format!(
                    "{table}.{} ({}): if `{table}` has rows, adding this required column fails",
                    column.name,
                    risk::ADDS_REQUIRED_COLUMN
                ));
                needs_value.push((table.as_str(), column.name.as_str()));
                adds_required_column = true;
            }
            Operation::AlterColumnNullability {
                table,
                column,
                nullable: false,
            } if has(risk::ADDS_NOT_NULL, op) => {
                lines.push(format!(
                    "{table}.{column} ({}): if it holds NULLs, making it NOT NULL fails",
                    risk::ADDS_NOT_NULL
                ));
                needs_value.push((table.as_str(), column.as_str()));
            }
            Operation::AddIndex { table, index } if has(risk::ADDS_UNIQUE_INDEX, op) => {
                lines.push(format!(
                    "{table}({}) ({}): if it holds duplicates, the unique index fails; remove \
                     them before `{PROGRAM} migrate`",
                    index.columns.join(", "),
                    risk::ADDS_UNIQUE_INDEX
                ));
            }
            _ => {}
        }
    }
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out, "On a database that already holds rows:")?;
    for line in &lines {
        writeln!(out, "  {line}")?;
    }
    if needs_value.is_empty() {
        return Ok(());
    }
    let mut command = format!("{PROGRAM} makemigrations {}", again.name);
    if again.allow_destructive {
        command.push_str(" --allow-destructive");
    }
    if let Some(dialect) = again.dialect {
        // `--dialect` takes the names `Backend::name` gives.
        command.push_str(&format!(" --dialect {}", dialect.name()));
    }
    for (table, column, value) in again.backfills.iter() {
        command.push_str(&format!(
            " --backfill {}",
            shell_word(&format!("{table}.{column}={value}"))
        ));
    }
    let remade = command.clone();
    for (table, column) in &needs_value {
        command.push_str(&format!(
            " --backfill {}",
            shell_word(&format!("{table}.{column}=VALUE"))
        ));
    }
    // A model default fills the rows of a new column, not the NULLs of an existing one.
    let default = if adds_required_column {
        format!(
            ", or give the new field a default in the model (`#[covet(default = ...)]`) and run \
             `{remade}`"
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "To give those rows a value, delete `{}` and run `{PROGRAM} rehash`, then make the \
         migration again: run `{command}` with the rows' value in place of VALUE{default}.",
        shown(&written.path)
    )?;
    Ok(())
}

/// `word` as one shell word: as is when it holds only characters no shell treats specially,
/// else single-quoted.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.=/:,@+%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
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
