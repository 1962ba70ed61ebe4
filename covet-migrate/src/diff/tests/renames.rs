//! Declared renames: followed when the old schema has the old name, inert otherwise, never
//! guessed.

use super::{listed, migrate_renaming, registry};
use crate::operation::Operation;
use crate::snapshot::{ColumnType, Renames, Schema};
use crate::test_models::*;

/// The renames that `declare` declares.
fn declaring(declare: impl FnOnce(&mut Renames)) -> Renames {
    let mut renames = Renames::default();
    declare(&mut renames);
    renames
}

/// The renames the models of `registry` declare.
fn declared(registry: &covet::Registry) -> Renames {
    Renames::from_registry(registry).unwrap()
}

#[test]
fn renamed_models_give_renames_then_the_changes_of_the_renamed_columns() {
    let old = registry(&renamed::v1::MODELS);
    let new = registry(&renamed::v2::MODELS);
    let renames = declared(&renamed::v2::MODELS);
    assert_eq!(
        listed(&migrate_renaming(&old, &new, &renames)),
        [
            "rename table persons to people",
            "rename column people.mood to feeling",
            "rename column people.name to full_name",
            "rename column pet.nickname to name",
            "rename column pet.owner_id to person_id",
            "rename index persons_name_key on people to people_full_name_key",
            "rename foreign key persons_mentor_id_fkey on people to people_mentor_id_fkey",
            "rename index pet_owner_id_nickname_idx on pet to pet_person_id_name_idx",
            "rename foreign key pet_owner_id_fkey on pet to pet_person_id_fkey",
            "alter column pet.name type",
            "alter column pet.name drop not null",
        ]
    );
}

#[test]
fn without_the_declarations_the_same_models_drop_and_create() {
    let old = registry(&renamed::v1::MODELS);
    let new = registry(&renamed::v2::MODELS);
    let ops = migrate_renaming(&old, &new, &Renames::default());
    assert!(ops.contains(&Operation::DropTable(old.tables["persons"].clone())));
    assert!(listed(&ops).contains(&"drop column pet.owner_id".to_owned()));
}

#[test]
fn a_table_rename_carries_the_table_and_references_onto_it_follow() {
    let old = schema([
        table("persons", [column("name", ColumnType::Text)]),
        with_reference(table("pet", []), "owner_id", "persons"),
    ]);
    let new = schema([
        table("people", [column("name", ColumnType::Text)]),
        with_reference(table("pet", []), "owner_id", "people"),
    ]);
    let renames = declaring(|r| {
        r.rename_table("persons", "people");
    });
    // The key of `pet` still references the same table: nothing to do for it.
    assert_eq!(
        migrate_renaming(&old, &new, &renames),
        [Operation::RenameTable {
            table: old.tables["persons"].clone(),
            to: "people".into(),
        }]
    );
}

#[test]
fn a_column_rename_renames_the_indexes_and_keys_named_after_it() {
    let mut old = with_reference(table("t", [column("name", string(None))]), "owner_id", "u");
    old.indexes.push(index("t", &["name"], true));
    let mut new = with_reference(
        table("t", [column("label", string(None))]),
        "person_id",
        "u",
    );
    new.indexes.push(index("t", &["label"], true));
    let renames = declaring(|r| {
        r.rename_column("t", "name", "label")
            .rename_column("t", "owner_id", "person_id");
    });
    let ops = migrate_renaming(
        &schema([old, table("u", [])]),
        &schema([new, table("u", [])]),
        &renames,
    );
    assert_eq!(
        listed(&ops),
        [
            "rename column t.name to label",
            "rename column t.owner_id to person_id",
            "rename index t_name_key on t to t_label_key",
            "rename foreign key t_owner_id_fkey on t to t_person_id_fkey",
        ]
    );
}

#[test]
fn a_renamed_column_is_then_altered_like_any_other() {
    let old = schema([table("t", [column("n", ColumnType::Int)])]);
    let new = schema([table("t", [nullable("count", ColumnType::BigInt)])]);
    let renames = declaring(|r| {
        r.rename_column("t", "n", "count");
    });
    let ops = migrate_renaming(&old, &new, &renames);
    assert_eq!(
        listed(&ops),
        [
            "rename column t.n to count",
            "alter column t.count type",
            "alter column t.count drop not null",
        ]
    );
    assert!(matches!(
        &ops[1],
        Operation::AlterColumnType {
            from: ColumnType::Int,
            to: ColumnType::BigInt,
            ..
        }
    ));
}

#[test]
fn a_column_of_a_renamed_table_is_renamed_under_the_tables_new_name() {
    let old = schema([table("persons", [column("name", ColumnType::Text)])]);
    let new = schema([table("people", [column("full_name", ColumnType::Text)])]);
    let renames = declaring(|r| {
        r.rename_table("persons", "people")
            .rename_column("people", "name", "full_name");
    });
    assert_eq!(
        listed(&migrate_renaming(&old, &new, &renames)),
        [
            "rename table persons to people",
            "rename column people.name to full_name",
        ]
    );
}

#[test]
fn a_rename_that_was_migrated_already_is_inert() {
    let new = registry(&renamed::v2::MODELS);
    // The snapshot written with the rename's migration has the new names.
    let snapshot = Schema::from_json(&new.to_json()).unwrap();
    let renames = declared(&renamed::v2::MODELS);
    assert_eq!(migrate_renaming(&snapshot, &new, &renames), []);
}

#[test]
fn a_rename_from_a_name_the_old_schema_never_had_is_inert() {
    let new = registry(&renamed::v2::MODELS);
    let renames = declared(&renamed::v2::MODELS);
    assert_eq!(
        listed(&migrate_renaming(&Schema::default(), &new, &renames)),
        ["create table people", "create table pet"]
    );

    let old = schema([table("people", [column("name", ColumnType::Text)])]);
    let new = schema([table("people", [column("full_name", ColumnType::Text)])]);
    let renames = declaring(|r| {
        r.rename_column("people", "nickname", "full_name");
    });
    assert_eq!(
        listed(&migrate_renaming(&old, &new, &renames)),
        ["add column people.full_name", "drop column people.name"]
    );
}

#[test]
fn a_rename_onto_a_name_the_old_schema_still_has_is_inert() {
    // Both names in the old schema: the declaration cannot mean "rename"; `a` is diffed as
    // itself and `b` dropped, which the drop's risk code flags.
    let old = schema([table(
        "t",
        [column("a", ColumnType::Int), column("b", ColumnType::Int)],
    )]);
    let new = schema([table("t", [column("a", ColumnType::Int)])]);
    let renames = declaring(|r| {
        r.rename_column("t", "b", "a");
    });
    assert_eq!(
        listed(&migrate_renaming(&old, &new, &renames)),
        ["drop column t.b"]
    );

    let old = schema([table("persons", []), table("people", [])]);
    let new = schema([table("people", [])]);
    let renames = declaring(|r| {
        r.rename_table("persons", "people");
    });
    assert_eq!(
        listed(&migrate_renaming(&old, &new, &renames)),
        ["drop table persons"]
    );
}

#[test]
fn a_rename_from_a_name_the_new_schema_still_has_is_inert() {
    // `Renames::from_tables` refuses such models; a hand-built declaration is not followed.
    let old = schema([table("t", [column("a", ColumnType::Int)])]);
    let new = schema([table(
        "t",
        [column("a", ColumnType::Int), column("b", ColumnType::Int)],
    )]);
    let renames = declaring(|r| {
        r.rename_column("t", "a", "b");
    });
    assert_eq!(
        listed(&migrate_renaming(&old, &new, &renames)),
        ["add column t.b"]
    );
}

#[test]
fn two_renames_from_one_name_are_ambiguous_and_neither_is_followed() {
    let old = schema([table("persons", [])]);
    let new = schema([table("people", []), table("humans", [])]);
    let renames = declaring(|r| {
        r.rename_table("persons", "people")
            .rename_table("persons", "humans");
    });
    assert_eq!(
        listed(&migrate_renaming(&old, &new, &renames)),
        [
            "drop table persons",
            "create table humans",
            "create table people"
        ]
    );
}

#[test]
fn the_way_down_renames_back_last() {
    let old = registry(&renamed::v1::MODELS);
    let new = registry(&renamed::v2::MODELS);
    let up = migrate_renaming(&old, &new, &declared(&renamed::v2::MODELS));
    let down: Vec<Operation> = up.iter().rev().map(Operation::reverse).collect();
    assert_eq!(
        listed(&down),
        [
            "alter column pet.name set not null",
            "alter column pet.name type",
            "rename foreign key pet_person_id_fkey on pet to pet_owner_id_fkey",
            "rename index pet_person_id_name_idx on pet to pet_owner_id_nickname_idx",
            "rename foreign key people_mentor_id_fkey on people to persons_mentor_id_fkey",
            "rename index people_full_name_key on people to persons_name_key",
            "rename column pet.person_id to owner_id",
            "rename column pet.name to nickname",
            "rename column people.full_name to name",
            "rename column people.feeling to mood",
            "rename table people to persons",
        ]
    );
}
