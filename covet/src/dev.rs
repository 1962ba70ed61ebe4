//! Development helpers: create the tables of a set of models without migrations.
//!
//! For quick starts, examples and tests. Production schemas belong to `covet-migrate`, which
//! versions, checksums and locks every change.

use std::borrow::Cow;

use crate::Database;
use crate::db::exec::{self, Statement};
use crate::error::{Error, Result};
use crate::schema::{TableDef, create_table_statements};

/// Creates the tables (with their indexes and foreign keys), referenced tables first whatever
/// the order given.
///
/// # Errors
///
/// [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) when the foreign keys form a
/// cycle among the given tables; any database error (an existing table, say), classified.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Team {
///     #[covet(primary_key)]
///     id: i64,
/// }
///
/// #[covet::model]
/// struct Player {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(references = Team)]
///     team_id: i64,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Player::TABLE, Team::TABLE]).await?;
/// assert_eq!(Player::query().count(&db).await?, 0);
/// # Ok(()) }
/// ```
pub async fn create_tables(db: &Database, tables: &[&TableDef]) -> Result<()> {
    let backend = db.backend();
    for table in dependency_order(tables)? {
        for sql in create_table_statements(table, backend) {
            run(db, sql).await?;
        }
    }
    Ok(())
}

/// Drops the tables if they exist, referencing tables first.
///
/// The order is worked out from the foreign keys, as in [`create_tables`]; a table that does not
/// exist is skipped.
///
/// # Errors
///
/// As [`create_tables`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Team {
///     #[covet(primary_key)]
///     id: i64,
/// }
///
/// #[covet::model]
/// struct Player {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(references = Team)]
///     team_id: i64,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Team::TABLE, Player::TABLE]).await?;
/// let team = Team { id: 0 }.insert(&db).await?;
/// Player { id: 0, team_id: team.id }.insert(&db).await?;
///
/// // `player` is dropped before the `team` it references.
/// covet::dev::drop_tables(&db, &[Team::TABLE, Player::TABLE]).await?;
/// let err = Team::query().count(&db).await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Database); // no such table
///
/// // Dropping again is not an error.
/// covet::dev::drop_tables(&db, &[Team::TABLE, Player::TABLE]).await?;
/// # Ok(()) }
/// ```
#[doc(alias = "DROP TABLE")]
pub async fn drop_tables(db: &Database, tables: &[&TableDef]) -> Result<()> {
    let backend = db.backend();
    for table in dependency_order(tables)?.into_iter().rev() {
        let mut drop = sea_query::Table::drop();
        drop.table(table.name).if_exists();
        run(db, backend.build_schema(&drop)).await?;
    }
    Ok(())
}

async fn run(db: &Database, sql: String) -> Result<()> {
    let statement = Statement::checked(
        db.backend(),
        Cow::Owned(sql),
        sea_query::Values(Vec::new()),
        "",
    )?;
    exec::execute(crate::Executor::target(db), statement).await?;
    Ok(())
}

/// Orders tables so that each comes after the tables it references (self-references allowed).
fn dependency_order<'t>(tables: &[&'t TableDef]) -> Result<Vec<&'t TableDef>> {
    let mut ordered: Vec<&TableDef> = Vec::with_capacity(tables.len());
    let mut pending: Vec<&TableDef> = tables.to_vec();
    while !pending.is_empty() {
        let ready = pending.iter().position(|table| {
            table.foreign_keys.iter().all(|fk| {
                fk.references_table == table.name
                    || ordered.iter().any(|t| t.name == fk.references_table)
                    || !pending.iter().any(|t| t.name == fk.references_table)
            })
        });
        match ready {
            Some(index) => ordered.push(pending.remove(index)),
            None => {
                let names: Vec<_> = pending.iter().map(|t| t.name).collect();
                return Err(Error::configuration(format!(
                    "the foreign keys of {} form a cycle; create these tables with migrations",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(ordered)
}
