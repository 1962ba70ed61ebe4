//! Single-row operations by primary key: find, get, insert, update, delete.

use sea_query::{Expr, ExprTrait, Query, ReturningClause, SimpleExpr};

use super::Select;
use crate::Backend;
use crate::db::Executor;
use crate::db::exec::{self, Statement};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Model, PrimaryKey};
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

pub(crate) async fn find<'c, M: Model>(
    executor: impl Executor<'c>,
    key: M::Key,
) -> Result<Option<M>> {
    let condition = key_condition::<M>(key.into_values()?)?;
    Select::<M>::new()
        .filter_expr(condition)
        .first(executor)
        .await
}

pub(crate) async fn get<'c, M: Model>(executor: impl Executor<'c>, key: M::Key) -> Result<M> {
    find(executor, key)
        .await?
        .ok_or_else(|| Error::not_found(M::TABLE.model))
}

/// The generated columns of a model, read back after an insert.
struct Generated<M: Model>(M::Generated);

impl<M: Model> FromRow for Generated<M> {
    fn from_row<R: Row>(row: &R) -> Result<Self> {
        M::decode_generated(row).map(Generated)
    }
}

pub(crate) async fn insert<'c, M: Model>(mut model: M, executor: impl Executor<'c>) -> Result<M> {
    let table = M::TABLE;
    let mut target = executor.target();
    let backend = target.backend();

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
        let statement = Statement::build(backend, &insert, table.name)?;
        exec::execute(target, statement).await?;
        return Ok(model);
    }

    if backend != Backend::MySql {
        insert.returning(ReturningClause::Columns(
            generated.iter().map(|c| (*c).into()).collect(),
        ));
        let statement = Statement::build(backend, &insert, table.name)?;
        let row: Generated<M> = exec::fetch_optional(target, statement)
            .await?
            .ok_or_else(|| Error::new(ErrorKind::Decode, "INSERT ... RETURNING returned no row"))?;
        model.apply_generated(row.0);
        return Ok(model);
    }

    // MySQL 8 has no RETURNING: take the key from the OK packet, then read any other generated
    // column back by key.
    let statement = Statement::build(backend, &insert, table.name)?;
    let done = exec::execute(target.reborrow(), statement).await?;
    let auto_key = table.columns.iter().find(|c| c.auto_increment);
    if auto_key.is_some() {
        let id = done.last_insert_id.unwrap_or_default();
        model.set_auto_key(id)?;
    }
    if generated.len() == usize::from(auto_key.is_some()) {
        return Ok(model);
    }
    let mut select = Query::select();
    select
        .columns(generated)
        .from(table.name)
        .and_where(own_key(&model)?);
    let statement = Statement::build(backend, &select, table.name)?;
    let row: Generated<M> = exec::fetch_optional(target, statement)
        .await?
        .ok_or_else(|| Error::not_found(table.model))?;
    model.apply_generated(row.0);
    Ok(model)
}

/// Updates every non-key column, or the columns at `only`.
pub(crate) async fn update<'c, M: Model>(
    model: &M,
    executor: impl Executor<'c>,
    only: Option<Vec<usize>>,
) -> Result<()> {
    let table = M::TABLE;
    let target = executor.target();
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
    let statement = Statement::build(target.backend(), &update, table.name)?;
    let done = exec::execute(target, statement).await?;
    if done.rows_affected == 0 {
        return Err(Error::not_found(table.model));
    }
    Ok(())
}

pub(crate) async fn delete<'c, M: Model>(model: &M, executor: impl Executor<'c>) -> Result<u64> {
    let table = M::TABLE;
    let target = executor.target();
    let mut delete = Query::delete();
    delete.from_table(table.name).and_where(own_key(model)?);
    let statement = Statement::build(target.backend(), &delete, table.name)?;
    Ok(exec::execute(target, statement).await?.rows_affected)
}
