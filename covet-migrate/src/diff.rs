//! Comparing two schemas: the operations that turn one into the other, in a safe order.

mod order;
mod rename;
mod table;

use std::collections::BTreeSet;

use crate::operation::Operation;
use crate::snapshot::{Renames, Schema};

#[cfg(test)]
pub(crate) use table::same_columns;

/// The operations that turn `old` into `new`, in an order that is safe to apply.
///
/// Nothing is guessed: a table or column that disappears while another appears is a drop and
/// an add (renames are declared on the models and followed by [`diff_with_renames`]), and a
/// column whose type changes is an [`AlterColumnType`](Operation::AlterColumnType), never a
/// drop and an add. Identical schemas give no operation. Column order is not compared: no
/// dialect can reorder columns, and reordering a struct's fields must not produce a migration.
///
/// The order, phase by phase (within a phase, by table name, then as the models list things):
///
/// 0. renames ([`diff_with_renames`] only): tables, then columns, then the indexes and foreign
///    keys named after them; every later operation uses the new names;
/// 1. drop foreign keys: removed or changed ones, the ones split off dropped tables to break
///    cycles, and unchanged ones that a type or primary key change below would trip over
///    (MySQL refuses to alter a column in a foreign key; PostgreSQL to drop a key one
///    references) — those are added back in the last phase;
/// 2. drop indexes (removed or changed), before the columns they cover go;
/// 3. drop tables, referencing ones first;
/// 4. add columns;
/// 5. alter columns' types, defaults and auto-increment;
/// 6. set `NOT NULL`, before a primary key needs it;
/// 7. change primary keys, after new key columns exist and before old ones are dropped;
/// 8. drop `NOT NULL`, once the column has left the primary key;
/// 9. drop columns;
/// 10. create tables, referenced ones first, after the columns they may reference exist;
/// 11. add indexes;
/// 12. add foreign keys, once every table and column they involve exists.
///
/// Every rule is symmetric, so the reversed operations in reverse order are safe too.
///
/// # Examples
///
/// ```
/// use covet::Model;
/// use covet_migrate::{Operation, Schema, diff};
///
/// #[covet::model]
/// struct Author {
///     #[covet(primary_key)]
///     id: i64,
/// }
///
/// #[covet::model]
/// struct Book {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(references = Author)]
///     author_id: i64,
/// }
///
/// let before = Schema::default();
/// let after = Schema::from_tables(&[Book::TABLE, Author::TABLE])?;
/// let ops = diff(&before, &after);
/// let created: Vec<&str> = ops.iter().map(Operation::table).collect();
/// assert_eq!(created, ["author", "book"]);
/// assert!(diff(&after, &after).is_empty());
/// # Ok::<(), covet_migrate::SnapshotError>(())
/// ```
pub fn diff(old: &Schema, new: &Schema) -> Vec<Operation> {
    diff_with_renames(old, new, &Renames::default())
}

/// Like [`diff`], following the renames the models declare (`renamed_from`; see [`Renames`]).
///
/// A table declared renamed from `old_name` becomes a [`RenameTable`](Operation::RenameTable)
/// when `old` has a table `old_name` and none under the new name, and `new` has the new name
/// and no `old_name`; the renamed table is then diffed against the new one like any other, so
/// a renamed column may also change type, and so on. The same holds for the columns of a table
/// ([`RenameColumn`](Operation::RenameColumn)). Indexes and foreign keys whose covet-given
/// names change with a rename are renamed too ([`RenameIndex`](Operation::RenameIndex),
/// [`RenameForeignKey`](Operation::RenameForeignKey)), not dropped and created again. Renames
/// come first (phase 0 in [`diff`]'s order), and the way down renames back last.
///
/// A declaration whose old name is not in `old` (the rename was migrated already, or never
/// happened) does nothing, so `renamed_from` may stay on a model for good. Nor does one that
/// `old` and `new` make ambiguous: a rename to a name `old` still has, from a name `new` still
/// has, or from a name two declarations claim (so renames do not chain or swap within one
/// migration). [`Renames::from_registry`] refuses the last two outright.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Renames, Schema, diff, diff_with_renames};
///
/// mod v1 {
///     #[covet::model(table = "persons")]
///     pub struct Person {
///         #[covet(primary_key)]
///         pub id: i64,
///         #[covet(max_length = 100)]
///         pub name: String,
///     }
/// }
///
/// mod v2 {
///     #[covet::model(table = "people", renamed_from = "persons")]
///     pub struct Person {
///         #[covet(primary_key)]
///         pub id: i64,
///         #[covet(max_length = 200, renamed_from = "name")]
///         pub full_name: String,
///     }
/// }
///
/// static BEFORE: covet::Registry = covet::models![v1::Person];
/// static AFTER: covet::Registry = covet::models![v2::Person];
///
/// let old = Schema::from_registry(&BEFORE)?;
/// let new = Schema::from_registry(&AFTER)?;
/// let renames = Renames::from_registry(&AFTER)?;
/// let listed = |ops: Vec<covet_migrate::Operation>| -> Vec<String> {
///     ops.iter().map(ToString::to_string).collect()
/// };
/// assert_eq!(
///     listed(diff_with_renames(&old, &new, &renames)),
///     [
///         "rename table persons to people",
///         "rename column people.name to full_name",
///         "alter column people.full_name type",
///     ]
/// );
/// // Without the declarations, the same change loses the table's rows.
/// assert_eq!(listed(diff(&old, &new)), ["drop table persons", "create table people"]);
///
/// // Once migrated, the snapshot has the new names: the declarations do nothing more.
/// let snapshot = Schema::from_json(&new.to_json())?;
/// assert!(diff_with_renames(&snapshot, &new, &renames).is_empty());
/// # Ok::<(), covet_migrate::SnapshotError>(())
/// ```
pub fn diff_with_renames(old: &Schema, new: &Schema, renames: &Renames) -> Vec<Operation> {
    let mut phases = Phases::default();
    let renamed = rename::follow(old, new, renames);
    phases.renames = renamed.operations;
    let old = &*renamed.old;

    let dropped: BTreeSet<&str> = names_missing_from(old, new);
    let created: BTreeSet<&str> = names_missing_from(new, old);

    let changes = table::Changes::new(old, new);
    for (name, old_table) in &old.tables {
        if let Some(new_table) = new.tables.get(name) {
            changes.diff_table(old_table, new_table, &mut phases);
        }
    }

    // Dropping is creating backwards: the same order reversed, the same cycle-breaking keys
    // dropped first.
    let drops = order::creation_order(old, &dropped);
    for (table, foreign_key) in drops.deferred {
        phases
            .drop_foreign_keys
            .push(Operation::DropForeignKey { table, foreign_key });
    }
    phases
        .drop_tables
        .extend(drops.tables.into_iter().rev().map(Operation::DropTable));

    let creates = order::creation_order(new, &created);
    phases
        .create_tables
        .extend(creates.tables.into_iter().map(Operation::CreateTable));
    for (table, foreign_key) in creates.deferred {
        phases
            .add_foreign_keys
            .push(Operation::AddForeignKey { table, foreign_key });
    }

    phases.into_operations()
}

/// The names of `schema`'s tables that `other` lacks.
fn names_missing_from<'a>(schema: &'a Schema, other: &Schema) -> BTreeSet<&'a str> {
    schema
        .tables
        .keys()
        .filter(|name| !other.tables.contains_key(*name))
        .map(String::as_str)
        .collect()
}

/// The operations of a diff, grouped by the phase they run in (see [`diff`]).
#[derive(Default)]
struct Phases {
    renames: Vec<Operation>,
    drop_foreign_keys: Vec<Operation>,
    drop_indexes: Vec<Operation>,
    drop_tables: Vec<Operation>,
    add_columns: Vec<Operation>,
    alter_columns: Vec<Operation>,
    set_not_null: Vec<Operation>,
    change_primary_keys: Vec<Operation>,
    drop_not_null: Vec<Operation>,
    drop_columns: Vec<Operation>,
    create_tables: Vec<Operation>,
    add_indexes: Vec<Operation>,
    add_foreign_keys: Vec<Operation>,
}

impl Phases {
    fn into_operations(self) -> Vec<Operation> {
        let phases = [
            self.renames,
            self.drop_foreign_keys,
            self.drop_indexes,
            self.drop_tables,
            self.add_columns,
            self.alter_columns,
            self.set_not_null,
            self.change_primary_keys,
            self.drop_not_null,
            self.drop_columns,
            self.create_tables,
            self.add_indexes,
            self.add_foreign_keys,
        ];
        let mut operations = Vec::with_capacity(phases.iter().map(Vec::len).sum());
        for phase in phases {
            operations.extend(phase);
        }
        operations
    }
}

#[cfg(test)]
mod tests;
