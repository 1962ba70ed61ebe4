//! The order in which to create a set of tables so that each foreign key references a table
//! that already exists.

use std::collections::BTreeSet;

use crate::snapshot::{ForeignKey, Schema, Table};

/// Tables in creation order, and the foreign keys that had to be split off them to break
/// cycles (to be added once every table exists).
pub(super) struct CreationOrder {
    /// The tables, each without its deferred foreign keys.
    pub(super) tables: Vec<Table>,
    /// `(table, foreign key)` pairs split off to break cycles.
    pub(super) deferred: Vec<(String, ForeignKey)>,
}

/// Orders the tables of `schema` named in `names` so that each comes after the tables (among
/// `names`) its foreign keys reference. A self-reference stays inline: `CREATE TABLE` may
/// reference the table it creates.
///
/// Deterministic: among the tables ready to go, the smallest name goes first. When the tables
/// left all wait on each other (a cycle), the foreign keys of one table on the cycle that point
/// at tables not yet created are deferred, which unblocks it.
///
/// Quadratic in the number of tables, which is fine for the schemas of one program.
pub(super) fn creation_order(schema: &Schema, names: &BTreeSet<&str>) -> CreationOrder {
    let mut remaining: BTreeSet<&str> = names.clone();
    let mut order = CreationOrder {
        tables: Vec::with_capacity(names.len()),
        deferred: Vec::new(),
    };
    let table = |name: &str| &schema.tables[name];
    // A foreign key that must wait: it references another table not created yet.
    let waits = |from: &str, key: &ForeignKey, remaining: &BTreeSet<&str>| {
        key.references_table != from && remaining.contains(key.references_table.as_str())
    };
    while let Some(&first) = remaining.first() {
        let ready = remaining.iter().copied().find(|&name| {
            !table(name)
                .foreign_keys
                .iter()
                .any(|key| waits(name, key, &remaining))
        });
        let name = ready.unwrap_or_else(|| on_cycle(first, &remaining, &table));
        let mut created = table(name).clone();
        if ready.is_none() {
            let (later, now) = created
                .foreign_keys
                .into_iter()
                .partition(|key| waits(name, key, &remaining));
            created.foreign_keys = now;
            order.deferred.extend(
                later
                    .into_iter()
                    .map(|key: ForeignKey| (name.to_owned(), key)),
            );
        }
        order.tables.push(created);
        remaining.remove(name);
    }
    order
}

/// A table on a cycle, found by following waiting foreign keys from `start` until a table
/// repeats. Every table left waits on another, so the walk cannot stop before it repeats.
fn on_cycle<'a>(
    start: &'a str,
    remaining: &BTreeSet<&'a str>,
    table: &impl Fn(&str) -> &'a Table,
) -> &'a str {
    let mut seen = BTreeSet::new();
    let mut current = start;
    while seen.insert(current) {
        current = table(current)
            .foreign_keys
            .iter()
            .map(|key| key.references_table.as_str())
            .filter(|&target| target != current)
            .find_map(|target| remaining.get(target).copied())
            .unwrap_or(current);
    }
    current
}
