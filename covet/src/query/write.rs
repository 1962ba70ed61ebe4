//! Single-row operations by primary key: find, get, exists, insert, update, delete.
//!
//! Each operation builds its statements in one function that both the executing function and
//! the hidden `*_sql` renderer call, so the SQL snapshots show exactly what runs.

use sea_query::{
    DeleteStatement, Expr, ExprTrait, Query, ReturningClause, SelectStatement, SimpleExpr,
    UpdateStatement,
};

use super::Select;
use crate::Backend;
use crate::db::Executor;
use crate::db::exec::{self, Statement};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Columns, Model, PrimaryKey};
use crate::row::{FromRow, Row};

/// `key_column = value AND ...` for the given key values.
fn key_condition<M: Model>(values: Vec<sea_query::Value>) -> Result<SimpleExpr> {
    let names = M::TABLE.primary_key;
    if names.len() != values.len() {
        return Err(Error::new(
            ErrorKind::Encode,
            format!(
                "{} has a {}-column key but {} values were given",
                M::TABLE.model,
                names.len(),
                values.len()
            ),
        ));
    }
    let mut condition: Option<SimpleExpr> = None;
    for (name, value) in names.iter().zip(values) {
        let term = Expr::col(*name).eq(value);
        condition = Some(match condition {
            Some(left) => left.and(term),
            None => term,
        });
    }
    condition.ok_or_else(|| Error::configuration(format!("{} has no primary key", M::TABLE.model)))
}

/// The key condition of a loaded model.
fn own_key<M: Model>(model: &M) -> Result<SimpleExpr> {
    let values = M::KEY_COLUMNS
        .iter()
        .map(|index| model.column_value(*index))
        .collect::<Result<Vec<_>>>()?;
    key_condition::<M>(values)
}

/// The query for the row with primary key `key`: what `find`, `get` and `exists` run (through
/// [`Select::first`] and [`Select::exists`]), and what the SQL snapshots render.
#[doc(hidden)]
pub fn by_key<M: Model>(key: M::Key) -> Result<Select<M>> {
    let condition = key_condition::<M>(key.into_values()?)?;
    Ok(Select::<M>::new().filter_expr(condition))
}

pub(crate) async fn find<'c, M: Model>(
    executor: impl Executor<'c>,
    key: M::Key,
) -> Result<Option<M>> {
    by_key::<M>(key)?.first(executor).await
}

pub(crate) async fn get<'c, M: Model>(executor: impl Executor<'c>, key: M::Key) -> Result<M> {
    find(executor, key)
        .await?
        .ok_or_else(|| Error::not_found(M::TABLE.model))
}

pub(crate) async fn exists<'c, M: Model>(executor: impl Executor<'c>, key: M::Key) -> Result<bool> {
    by_key::<M>(key)?.exists(executor).await
}

/// The generated columns of a model, read back after an insert.
struct Generated<M: Model>(M::Generated);

impl<M: Model> FromRow for Generated<M> {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        M::decode_generated(row).map(Generated)
    }
}

/// How an insert runs on one backend.
enum InsertPlan {
    /// Nothing is generated: the insert alone.
    Plain(Statement),
    /// PostgreSQL and SQLite: the generated values come back from `INSERT ... RETURNING`.
    Returning(Statement),
    /// MySQL 8 has no `RETURNING`: the auto-increment key comes from the OK packet (when the
    /// key auto-increments), then the other generated columns, if any, are selected by key.
    LastInsertId {
        insert: Statement,
        auto_key: bool,
        read_back: Option<Vec<&'static str>>,
    },
}

fn insert_plan<M: Model>(model: &M, backend: Backend) -> Result<InsertPlan> {
    let table = M::TABLE;
    let mut insert = Query::insert();
    insert.into_table(table.name);
    let mut columns = Vec::with_capacity(table.columns.len());
    let mut values: Vec<SimpleExpr> = Vec::with_capacity(table.columns.len());
    for (index, column) in table.columns.iter().enumerate() {
        if !column.generated {
            columns.push(column.name);
            values.push(model.column_value(index)?.into());
        }
    }
    if columns.is_empty() {
        insert.or_default_values();
    } else {
        insert.columns(columns);
        insert
            .values(values)
            .map_err(|e| Error::new(ErrorKind::Encode, e.to_string()))?;
    }
    let generated: Vec<&'static str> = table
        .columns
        .iter()
        .filter(|c| c.generated)
        .map(|c| c.name)
        .collect();

    if generated.is_empty() {
        return Ok(InsertPlan::Plain(Statement::build(
            backend, &insert, table.name,
        )?));
    }
    if backend != Backend::MySql {
        insert.returning(ReturningClause::Columns(
            generated.iter().map(|c| (*c).into()).collect(),
        ));
        return Ok(InsertPlan::Returning(Statement::build(
            backend, &insert, table.name,
        )?));
    }
    let auto_key = table.columns.iter().any(|c| c.auto_increment);
    let read_back = (generated.len() > usize::from(auto_key)).then_some(generated);
    Ok(InsertPlan::LastInsertId {
        insert: Statement::build(backend, &insert, table.name)?,
        auto_key,
        read_back,
    })
}

/// MySQL's read-back of the generated columns of an inserted row, by its key.
fn read_back_statement<M: Model>(model: &M, columns: Vec<&'static str>) -> Result<SelectStatement> {
    let mut select = Query::select();
    select
        .columns(columns)
        .from(M::TABLE.name)
        .and_where(own_key(model)?);
    Ok(select)
}

pub(crate) async fn insert<'c, M: Model>(mut model: M, executor: impl Executor<'c>) -> Result<M> {
    let mut target = executor.target();
    let backend = target.backend();
    match insert_plan(&model, backend)? {
        InsertPlan::Plain(statement) => {
            exec::execute(target, statement).await?;
        }
        InsertPlan::Returning(statement) => {
            let row: Generated<M> =
                exec::fetch_optional(target, statement)
                    .await?
                    .ok_or_else(|| {
                        Error::new(ErrorKind::Decode, "INSERT ... RETURNING returned no row")
                    })?;
            model.apply_generated(row.0);
        }
        InsertPlan::LastInsertId {
            insert,
            auto_key,
            read_back,
        } => {
            let done = exec::execute(target.reborrow(), insert).await?;
            if auto_key {
                model.set_auto_key(done.last_insert_id.unwrap_or_default())?;
            }
            if let Some(columns) = read_back {
                let select = read_back_statement(&model, columns)?;
                let statement = Statement::build(backend, &select, M::TABLE.name)?;
                let row: Generated<M> = exec::fetch_optional(target, statement)
                    .await?
                    .ok_or_else(|| Error::not_found(M::TABLE.model))?;
                model.apply_generated(row.0);
            }
        }
    }
    Ok(model)
}

/// The statements [`Model::insert`] sends to `backend`, in order: one, or on MySQL two when
/// columns besides an auto-increment key are generated. For covet's SQL snapshots.
#[doc(hidden)]
pub fn insert_sql<M: Model>(model: &M, backend: Backend) -> Result<Vec<String>> {
    Ok(match insert_plan(model, backend)? {
        InsertPlan::Plain(statement) | InsertPlan::Returning(statement) => {
            vec![statement.sql.into_owned()]
        }
        InsertPlan::LastInsertId {
            insert, read_back, ..
        } => {
            let mut sql = vec![insert.sql.into_owned()];
            if let Some(columns) = read_back {
                let select = read_back_statement(model, columns)?;
                sql.push(
                    Statement::build(backend, &select, M::TABLE.name)?
                        .sql
                        .into_owned(),
                );
            }
            sql
        }
    })
}

/// The `UPDATE` of every non-key column of `model`, or of the columns at `only`, by its key.
fn update_statement<M: Model>(model: &M, only: Option<Vec<usize>>) -> Result<UpdateStatement> {
    let table = M::TABLE;
    let mut update = Query::update();
    update.table(table.name);
    let mut assigned = 0;
    let mut assign = |index: usize| -> Result<()> {
        let column = &table.columns[index];
        update.value(column.name, model.column_value(index)?);
        assigned += 1;
        Ok(())
    };
    match only {
        Some(indexes) => indexes.into_iter().try_for_each(&mut assign)?,
        None => (0..table.columns.len())
            .filter(|index| !M::KEY_COLUMNS.contains(index))
            .try_for_each(&mut assign)?,
    }
    if assigned == 0 {
        return Err(Error::configuration(format!(
            "nothing to update: {} has no column outside its primary key",
            table.model
        )));
    }
    update.and_where(own_key(model)?);
    Ok(update)
}

/// The positions of `columns`, each once and in column order (PostgreSQL rejects a column
/// assigned twice).
pub(crate) fn column_indexes<M>(columns: &impl Columns<M>) -> Vec<usize> {
    let mut indexes = Vec::new();
    columns.push_indexes(&mut indexes);
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

/// Updates every non-key column, or the columns at `only`.
pub(crate) async fn update<'c, M: Model>(
    model: &M,
    executor: impl Executor<'c>,
    only: Option<Vec<usize>>,
) -> Result<()> {
    let update = update_statement(model, only)?;
    let target = executor.target();
    let statement = Statement::build(target.backend(), &update, M::TABLE.name)?;
    let done = exec::execute(target, statement).await?;
    if done.rows_affected == 0 {
        return Err(Error::not_found(M::TABLE.model));
    }
    Ok(())
}

/// The statement [`Model::update`] sends to `backend`. For covet's SQL snapshots.
#[doc(hidden)]
pub fn update_sql<M: Model>(model: &M, backend: Backend) -> Result<String> {
    let update = update_statement(model, None)?;
    Ok(Statement::build(backend, &update, M::TABLE.name)?
        .sql
        .into_owned())
}

/// The statement [`Model::update_columns`] sends to `backend`. For covet's SQL snapshots.
#[doc(hidden)]
pub fn update_columns_sql<M: Model>(
    model: &M,
    backend: Backend,
    columns: impl Columns<M>,
) -> Result<String> {
    let update = update_statement(model, Some(column_indexes(&columns)))?;
    Ok(Statement::build(backend, &update, M::TABLE.name)?
        .sql
        .into_owned())
}

fn delete_statement<M: Model>(model: &M) -> Result<DeleteStatement> {
    let mut delete = Query::delete();
    delete.from_table(M::TABLE.name).and_where(own_key(model)?);
    Ok(delete)
}

pub(crate) async fn delete<'c, M: Model>(model: &M, executor: impl Executor<'c>) -> Result<u64> {
    let delete = delete_statement(model)?;
    let target = executor.target();
    let statement = Statement::build(target.backend(), &delete, M::TABLE.name)?;
    Ok(exec::execute(target, statement).await?.rows_affected)
}

/// The statement [`Model::delete`] sends to `backend`. For covet's SQL snapshots.
#[doc(hidden)]
pub fn delete_sql<M: Model>(model: &M, backend: Backend) -> Result<String> {
    let delete = delete_statement(model)?;
    Ok(Statement::build(backend, &delete, M::TABLE.name)?
        .sql
        .into_owned())
}
