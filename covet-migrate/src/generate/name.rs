//! The default name of a migration, from its operations.

use std::collections::BTreeSet;

use crate::operation::Operation;

/// Longest generated name before it is shortened.
const MAX_LEN: usize = 50;

/// `create_author_post`, `add_post_summary`, `add_post_summary_alter_post_title`: the verbs and
/// objects of the operations, in order; the first one and `_and_more` when that is too long;
/// `auto` when even that is.
///
/// Operations that only accompany others are left out: the foreign keys of tables created or
/// dropped with them, and a foreign key dropped and added back around a change to its columns.
pub(crate) fn default_name(ops: &[Operation]) -> String {
    let created: BTreeSet<&str> = tables_of(ops, |op| matches!(op, Operation::CreateTable(_)));
    let dropped: BTreeSet<&str> = tables_of(ops, |op| matches!(op, Operation::DropTable(_)));
    let readded: BTreeSet<&str> = ops
        .iter()
        .filter_map(|op| match op {
            Operation::DropForeignKey { foreign_key, .. } => Some(foreign_key.name.as_str()),
            _ => None,
        })
        .filter(|name| {
            ops.iter().any(|op| {
                matches!(op, Operation::AddForeignKey { foreign_key, .. } if foreign_key.name == *name)
            })
        })
        .collect();

    // (verb, objects), verbs in order of first appearance.
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for op in ops {
        let accompanies = match op {
            Operation::AddForeignKey { table, foreign_key } => {
                created.contains(table.as_str()) || readded.contains(foreign_key.name.as_str())
            }
            Operation::DropForeignKey { table, foreign_key } => {
                dropped.contains(table.as_str()) || readded.contains(foreign_key.name.as_str())
            }
            _ => false,
        };
        let Some((verb, object)) = fragment(op).filter(|_| !accompanies) else {
            continue;
        };
        match groups.iter_mut().find(|(known, _)| *known == verb) {
            Some((_, objects)) if !objects.contains(&object) => objects.push(object),
            Some(_) => {}
            None => groups.push((verb, vec![object])),
        }
    }

    let full = groups
        .iter()
        .map(|(verb, objects)| format!("{verb}_{}", objects.join("_")))
        .collect::<Vec<_>>()
        .join("_");
    let first = groups
        .first()
        .and_then(|(verb, objects)| Some(format!("{verb}_{}_and_more", objects.first()?)));
    let more = groups.len() > 1 || groups.first().is_some_and(|(_, objects)| objects.len() > 1);
    if !full.is_empty() && full.len() <= MAX_LEN {
        full
    } else if let Some(first) = first.filter(|first| more && first.len() <= MAX_LEN) {
        first
    } else {
        "auto".to_owned()
    }
}

/// The tables of the operations `pick` selects.
fn tables_of(ops: &[Operation], pick: impl Fn(&Operation) -> bool) -> BTreeSet<&str> {
    ops.iter()
        .filter(|op| pick(op))
        .map(Operation::table)
        .collect()
}

/// What an operation does, as a verb and its object.
fn fragment(op: &Operation) -> Option<(&'static str, String)> {
    let column = |table: &str, column: &str| format!("{table}_{column}");
    Some(match op {
        Operation::CreateTable(table) => ("create", table.name.clone()),
        Operation::DropTable(table) => ("drop", table.name.clone()),
        Operation::AddColumn { table, column: c } => ("add", column(table, &c.name)),
        Operation::DropColumn { table, column: c } => ("remove", column(table, &c.name)),
        Operation::AlterColumnType {
            table, column: c, ..
        }
        | Operation::AlterColumnNullability {
            table, column: c, ..
        }
        | Operation::AlterColumnDefault {
            table, column: c, ..
        }
        | Operation::AlterColumnAutoIncrement {
            table, column: c, ..
        } => ("alter", column(table, c)),
        Operation::AddIndex { index, .. } => ("add", index.name.clone()),
        Operation::DropIndex { index, .. } => ("remove", index.name.clone()),
        Operation::AddForeignKey { foreign_key, .. } => ("add", foreign_key.name.clone()),
        Operation::DropForeignKey { foreign_key, .. } => ("remove", foreign_key.name.clone()),
        Operation::ChangePrimaryKey { table, .. } => ("alter", format!("{table}_pkey")),
        Operation::RenameTable { table, to } => ("rename", format!("{}_{to}", table.name)),
        Operation::RenameColumn {
            table,
            column: c,
            to,
        } => ("rename", format!("{table}_{}_{to}", c.name)),
        // The index and key renames that follow a table or column rename.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff;
    use crate::snapshot::{ColumnType, Schema};
    use crate::test_models::{blog_v1, blog_v2, chain, column, nullable, schema, table};

    #[test]
    fn names_say_what_changes() {
        let none = Schema::default();
        let user = schema([table("user", [])]);
        assert_eq!(default_name(&diff(&none, &user)), "create_user");
        assert_eq!(default_name(&diff(&user, &none)), "drop_user");

        let with_summary = schema([table("user", [nullable("summary", ColumnType::Text)])]);
        assert_eq!(
            default_name(&diff(&user, &with_summary)),
            "add_user_summary"
        );
        assert_eq!(
            default_name(&diff(&with_summary, &user)),
            "remove_user_summary"
        );
        let required = schema([table("user", [column("summary", ColumnType::Text)])]);
        assert_eq!(
            default_name(&diff(&with_summary, &required)),
            "alter_user_summary"
        );

        let blog = Schema::from_registry(&blog_v1::MODELS).unwrap();
        assert_eq!(default_name(&diff(&none, &blog)), "create_authors_post");
    }

    #[test]
    fn keys_that_come_with_tables_are_left_out() {
        // `employee` references itself; its key is created with it.
        let chain = Schema::from_registry(&chain::MODELS).unwrap();
        assert_eq!(
            default_name(&diff(&Schema::default(), &chain)),
            "create_employee_zoo_yak_xerus"
        );
    }

    #[test]
    fn long_names_are_shortened() {
        let v1 = Schema::from_registry(&blog_v1::MODELS).unwrap();
        let v2 = Schema::from_registry(&blog_v2::MODELS).unwrap();
        assert_eq!(
            default_name(&diff(&v1, &v2)),
            "remove_post_author_id_status_idx_and_more"
        );
        assert_eq!(default_name(&[]), "auto");
    }
}
