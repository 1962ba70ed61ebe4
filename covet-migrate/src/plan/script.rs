//! One direction of a migration: operations to statements, with SQLite's rebuilds, backfills
//! and risks.

use std::collections::{BTreeMap, BTreeSet};

use covet::Backend;

use super::backfill::{Fills, removed_risk};
use super::dialect::{self, NOT_TRANSACTIONAL, REBUILDS_TABLE, REWRITES_TABLE};
use super::state::{State, TableId};
use super::{PlanError, Risk, Script};
use crate::operation::Operation;
use crate::render::{
    ColumnSource, RenderError, fill_nulls, foreign_key_check, rebuild_table, render,
    render_with_column,
};
use crate::snapshot::{Column, DefaultValue, Schema, Table};

/// The script that takes a database from `from` through `ops`.
pub(super) fn build(
    from: &Schema,
    ops: &[Operation],
    backend: Backend,
    fills: &Fills,
) -> Result<Script, PlanError> {
    let mut script = Script {
        transactional: backend != Backend::MySql,
        ..Script::default()
    };
    // The operations' risks in their order, then the dialect's.
    let mut dialect_risks = Vec::new();
    for op in ops {
        script.risks.extend(risks(op, fill_for(op, fills)));
        if backend == Backend::Postgres
            && let Operation::AlterColumnType { from, to, .. } = op
            && dialect::rewrites_on_postgres(from, to)
        {
            dialect_risks.push(Risk::new(REWRITES_TABLE, op.to_string()));
        }
    }
    if backend == Backend::Sqlite {
        let sqlite = Sqlite::new(from, ops);
        sqlite.statements(ops, fills, &mut script, &mut dialect_risks)?;
    } else {
        let mut state = State::of(from);
        for op in ops {
            let statements = statements(op, fill_for(op, fills), &state, backend)?;
            script.statements.extend(statements);
            state.apply(op);
        }
    }
    if backend == Backend::MySql && !script.statements.is_empty() {
        dialect_risks.push(Risk::new(NOT_TRANSACTIONAL, "every statement".to_owned()));
    }
    script.risks.extend(dialect_risks);
    Ok(script)
}

/// The statements of `op` on PostgreSQL or MySQL, `state` being the schema before it.
fn statements(
    op: &Operation,
    fill: Option<&DefaultValue>,
    state: &State,
    backend: Backend,
) -> Result<Vec<String>, PlanError> {
    let current = state.altered_by(op);
    let mut statements = Vec::new();
    match (op, fill) {
        // Added with the value as its default, so that existing rows get it; then the default
        // goes, as the model has none.
        (Operation::AddColumn { table, column }, Some(value)) => {
            let with_default = Operation::AddColumn {
                table: table.clone(),
                column: Column {
                    default: Some(value.clone()),
                    ..column.clone()
                },
            };
            statements.extend(render(&with_default, backend)?);
            let drop_default = Operation::AlterColumnDefault {
                table: table.clone(),
                column: column.name.clone(),
                from: Some(value.clone()),
                to: None,
            };
            statements.extend(render(&drop_default, backend)?);
            return Ok(statements);
        }
        (Operation::AlterColumnNullability { table, column, .. }, Some(value)) => {
            let definition = current.ok_or_else(|| missing_column(op, column))?;
            statements.push(fill_nulls(table, definition, value, backend));
        }
        _ => {}
    }
    statements.extend(match current {
        Some(column) => render_with_column(op, backend, column)?,
        None => render(op, backend)?,
    });
    Ok(statements)
}

/// What SQLite does with each operation, worked out over the whole migration first: SQLite
/// rebuilds a table once for a whole run of operations on it.
///
/// A run is the operations on one table between its renames (the diff puts renames first on
/// the way up and last on the way down, so there is one run per table). A run with an operation
/// `ALTER TABLE` cannot make is one rebuild, from the table as it is before the run to the table
/// as the run leaves it, in place of the run's first operation. Renames are never part of a
/// rebuild: `ALTER TABLE` renames, and the rebuild then copies columns by their names.
struct Sqlite {
    /// Per operation, what to do with it.
    steps: Vec<Step>,
    /// The schema after the whole migration.
    end: State,
    /// The tables rebuilt, as they are named at the end.
    rebuilt: Vec<TableId>,
}

/// What SQLite does with one operation.
enum Step {
    /// Its own statements.
    Render,
    /// Rebuild the table from `old` to `new` (the first operation of a run).
    Rebuild { old: Table, new: Table },
    /// Create the table with its definition after the migration's operations on it (SQLite
    /// checks no foreign key when a table is created, so the tables of a cycle are created
    /// with the keys the other dialects add once every table exists).
    CreateWhole(Table),
    /// Nothing: part of a rebuild or whole creation, or a foreign key of a table about to be
    /// dropped (it goes with the table).
    Nothing { drops_foreign_key: bool },
}

/// One operation, as the first pass sees it.
struct Seen {
    /// The table's identity (`None` for a table that does not exist, which the diff never
    /// operates on).
    id: Option<TableId>,
    /// The table before the operation, and after it.
    before: Option<Table>,
    after: Option<Table>,
}

impl Sqlite {
    fn new(from: &Schema, ops: &[Operation]) -> Self {
        let mut state = State::of(from);
        let mut seen = Vec::with_capacity(ops.len());
        for op in ops {
            let before = state.table(op.table()).cloned();
            let existing = state.id(op.table());
            state.apply(op);
            // A created table has its identity once created.
            let id = existing.or_else(|| state.id(op.table()));
            let after = id
                .and_then(|id| state.name(id))
                .and_then(|name| state.table(name))
                .cloned();
            seen.push(Seen { id, before, after });
        }

        let existed = |id: TableId| id < from.tables.len();
        let dropped: BTreeSet<TableId> = ops
            .iter()
            .zip(&seen)
            .filter(|(op, _)| matches!(op, Operation::DropTable(_)))
            .filter_map(|(_, seen)| seen.id)
            .collect();
        // Each table's definition after its last operation.
        let mut last: BTreeMap<TableId, &Table> = BTreeMap::new();
        for seen in &seen {
            if let (Some(id), Some(after)) = (seen.id, &seen.after) {
                last.insert(id, after);
            }
        }

        let mut steps: Vec<Step> = Vec::with_capacity(ops.len());
        let mut runs: BTreeMap<TableId, Vec<usize>> = BTreeMap::new();
        let mut rebuilt = Vec::new();
        let mut close =
            |id: TableId, runs: &mut BTreeMap<TableId, Vec<usize>>, steps: &mut Vec<Step>| {
                if let Some(run) = runs.remove(&id) {
                    plan_run(&run, ops, &seen, steps, &mut rebuilt);
                }
            };
        for (i, (op, seen)) in ops.iter().zip(&seen).enumerate() {
            let Some(id) = seen.id else {
                steps.push(Step::Render);
                continue;
            };
            let step = match op {
                Operation::CreateTable(table) => Step::CreateWhole(
                    last.get(&id)
                        .map_or_else(|| table.clone(), |t| (*t).clone()),
                ),
                _ if !existed(id) => Step::Nothing {
                    drops_foreign_key: false,
                },
                Operation::DropTable(_) => Step::Render,
                _ if dropped.contains(&id) => Step::Nothing {
                    drops_foreign_key: needs_rebuild(op),
                },
                Operation::RenameTable { .. } | Operation::RenameColumn { .. } => {
                    close(id, &mut runs, &mut steps);
                    Step::Render
                }
                _ => {
                    runs.entry(id).or_default().push(i);
                    Step::Render
                }
            };
            steps.push(step);
        }
        for id in runs.keys().copied().collect::<Vec<_>>() {
            close(id, &mut runs, &mut steps);
        }
        Self {
            steps,
            end: state,
            rebuilt,
        }
    }

    /// Writes the statements of `ops` into `script`, and the rebuilds' risks into `risks`.
    fn statements(
        self,
        ops: &[Operation],
        fills: &Fills,
        script: &mut Script,
        risks: &mut Vec<Risk>,
    ) -> Result<(), PlanError> {
        for (op, step) in ops.iter().zip(self.steps) {
            match step {
                Step::Render => script.statements.extend(render(op, Backend::Sqlite)?),
                Step::Rebuild { old, new } => {
                    risks.push(Risk::new(REBUILDS_TABLE, format!("table {}", old.name)));
                    let sources = sources(&old, &new, fills);
                    script
                        .statements
                        .extend(rebuild_table(&old, &new, &sources));
                }
                Step::CreateWhole(table) => script
                    .statements
                    .extend(render(&Operation::CreateTable(table), Backend::Sqlite)?),
                Step::Nothing { drops_foreign_key } => {
                    // Dropping a table runs an implicit `DELETE`, which checks the keys of the
                    // tables still there: with tables referencing each other (why their keys
                    // are dropped first elsewhere), keys must be off.
                    script.foreign_keys_off |= drops_foreign_key;
                }
            }
        }
        if !self.rebuilt.is_empty() {
            script.foreign_keys_off = true;
            let checked = tables_to_check(&self.end, &self.rebuilt);
            script
                .statements
                .extend(checked.into_iter().map(foreign_key_check));
        }
        Ok(())
    }
}

/// Decides the steps of one run (the indexes of its operations, in order): a rebuild in place
/// of the first when any of them needs one, the others then doing nothing.
fn plan_run(
    run: &[usize],
    ops: &[Operation],
    seen: &[Seen],
    steps: &mut [Step],
    rebuilt: &mut Vec<TableId>,
) {
    let (Some(&first), Some(&last)) = (run.first(), run.last()) else {
        return;
    };
    if !run.iter().any(|&i| needs_rebuild(&ops[i])) {
        return;
    }
    let (Some(old), Some(new), Some(id)) = (
        seen[first].before.clone(),
        seen[last].after.clone(),
        seen[first].id,
    ) else {
        return;
    };
    steps[first] = Step::Rebuild { old, new };
    for &i in &run[1..] {
        steps[i] = Step::Nothing {
            drops_foreign_key: false,
        };
    }
    rebuilt.push(id);
}

/// Whether SQLite's `ALTER TABLE` cannot make `op`.
fn needs_rebuild(op: &Operation) -> bool {
    matches!(
        render(op, Backend::Sqlite),
        Err(RenderError::NeedsTableRebuild { .. })
    )
}

/// Where each of the rebuilt table's columns takes its values from: the old column of the same
/// name (its `NULL`s replaced by the backfill value, if any), else the backfill value, else
/// nothing (its default).
fn sources(old: &Table, new: &Table, fills: &Fills) -> BTreeMap<String, ColumnSource> {
    new.columns
        .iter()
        .filter_map(|column| {
            let name = column.name.clone();
            let fill = fills.get(&(new.name.clone(), name.clone())).cloned();
            let source = match (old.column(&name).is_some(), fill) {
                (true, Some(value)) => ColumnSource::ColumnOr(name.clone(), value),
                (true, None) => ColumnSource::Column(name.clone()),
                (false, Some(value)) => ColumnSource::Value(value),
                (false, None) => return None,
            };
            Some((name, source))
        })
        .collect()
}

/// The rebuilt tables and every table with a foreign key to one of them, as named at the end,
/// in name order.
fn tables_to_check<'a>(end: &'a State, rebuilt: &[TableId]) -> BTreeSet<&'a str> {
    let mut tables: BTreeSet<&str> = rebuilt.iter().filter_map(|&id| end.name(id)).collect();
    let referencing: Vec<&str> = end
        .tables()
        .filter(|table| {
            table
                .foreign_keys
                .iter()
                .any(|key| tables.contains(key.references_table.as_str()))
        })
        .map(|table| table.name.as_str())
        .collect();
    tables.extend(referencing);
    tables
}

/// The backfill value for the column `op` makes required, if one was given.
fn fill_for<'a>(op: &Operation, fills: &'a Fills) -> Option<&'a DefaultValue> {
    let column = match op {
        Operation::AddColumn { column, .. } => &column.name,
        Operation::AlterColumnNullability {
            column,
            nullable: false,
            ..
        } => column,
        _ => return None,
    };
    fills.get(&(op.table().to_owned(), column.clone()))
}

/// The risks of `op`, but the one a backfill value removes.
fn risks(op: &Operation, fill: Option<&DefaultValue>) -> Vec<Risk> {
    let removed = fill.and_then(|_| removed_risk(op));
    Risk::of(op)
        .into_iter()
        .filter(|risk| Some(risk.code) != removed)
        .collect()
}

/// The error for an operation on a column the schema does not have: operations that do not
/// match their schemas.
fn missing_column(op: &Operation, column: &str) -> PlanError {
    PlanError::Render(RenderError::NeedsColumnDefinition {
        table: op.table().to_owned(),
        column: column.to_owned(),
    })
}
