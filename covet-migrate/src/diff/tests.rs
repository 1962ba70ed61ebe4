mod properties;
mod renames;

use super::*;
use crate::snapshot::{Column, ColumnType, DefaultValue, ReferentialAction, Renames, Table};
use crate::test_models::*;

/// The diff from `old` to `new`, after checking that it turns `old` into `new`, that its
/// reverse turns the result back into `old`, and that every step is one a database accepts.
pub(super) fn migrate(old: &Schema, new: &Schema) -> Vec<Operation> {
    migrate_renaming(old, new, &Renames::default())
}

/// [`migrate`], following `renames`.
pub(super) fn migrate_renaming(old: &Schema, new: &Schema, renames: &Renames) -> Vec<Operation> {
    let up = diff_with_renames(old, new, renames);
    let mut schema = old.clone();
    for op in &up {
        schema.apply(op);
    }
    assert_eq!(
        schema.ignoring_column_order(),
        new.ignoring_column_order(),
        "up: {up:#?}"
    );
    for op in up.iter().rev() {
        schema.apply(&op.reverse());
    }
    assert_eq!(
        schema.ignoring_column_order(),
        old.ignoring_column_order(),
        "down of {up:#?}"
    );
    up
}

/// The operations as one-line descriptions, to compare kinds and order at a glance.
fn listed(ops: &[Operation]) -> Vec<String> {
    ops.iter().map(Operation::to_string).collect()
}

fn registry(models: &covet::Registry) -> Schema {
    Schema::from_registry(models).unwrap()
}

#[test]
fn diffing_identical_schemas_gives_no_operation() {
    for schema in [
        Schema::default(),
        registry(&blog_v1::MODELS),
        registry(&blog_v2::MODELS),
        registry(&chain::MODELS),
    ] {
        assert_eq!(diff(&schema, &schema), []);
    }
}

#[test]
fn reordering_columns_gives_no_operation() {
    let old = schema([table(
        "t",
        [column("a", ColumnType::Int), column("b", ColumnType::Int)],
    )]);
    let mut new = old.clone();
    new.tables.get_mut("t").unwrap().columns.reverse();
    assert_eq!(diff(&old, &new), []);
}

#[test]
fn creating_from_nothing_puts_referenced_tables_first_and_keeps_self_references_inline() {
    let ops = migrate(&Schema::default(), &registry(&chain::MODELS));
    assert_eq!(
        listed(&ops),
        [
            "create table employee",
            "create table zoo",
            "create table yak",
            "create table xerus"
        ]
    );
    let Operation::CreateTable(employee) = &ops[0] else {
        panic!("{:?}", ops[0]);
    };
    assert_eq!(employee.foreign_keys[0].references_table, "employee");
    assert_eq!(
        employee.foreign_keys[0].on_delete,
        ReferentialAction::SetNull
    );
}

#[test]
fn dropping_everything_drops_referencing_tables_first() {
    let ops = migrate(&registry(&chain::MODELS), &Schema::default());
    assert_eq!(
        listed(&ops),
        [
            "drop table xerus",
            "drop table yak",
            "drop table zoo",
            "drop table employee"
        ]
    );
}

#[test]
fn a_foreign_key_cycle_is_broken_by_adding_one_key_once_both_tables_exist() {
    let new = schema([
        with_reference(table("a", []), "b_id", "b"),
        with_reference(table("b", []), "a_id", "a"),
    ]);
    let ops = migrate(&Schema::default(), &new);
    assert_eq!(
        listed(&ops),
        [
            "create table a",
            "create table b",
            "add foreign key a_b_id_fkey on a"
        ]
    );
    assert_eq!(
        listed(&migrate(&new, &Schema::default())),
        [
            "drop foreign key a_b_id_fkey on a",
            "drop table b",
            "drop table a"
        ]
    );
}

#[test]
fn only_a_table_on_the_cycle_loses_a_key_not_one_waiting_on_it() {
    // a -> b <-> c: `a` sorts first but is not on the cycle.
    let new = schema([
        with_reference(table("a", []), "b_id", "b"),
        with_reference(table("b", []), "c_id", "c"),
        with_reference(table("c", []), "b_id", "b"),
    ]);
    let ops = migrate(&Schema::default(), &new);
    assert_eq!(
        listed(&ops),
        [
            "create table b",
            "create table a",
            "create table c",
            "add foreign key b_c_id_fkey on b"
        ]
    );
}

#[test]
fn a_new_column_is_added_and_its_index_created_after_it() {
    let old = schema([table("t", [])]);
    let mut t = table("t", [nullable("email", string(None))]);
    t.indexes.push(index("t", &["email"], true));
    let ops = migrate(&old, &schema([t]));
    assert_eq!(
        listed(&ops),
        ["add column t.email", "add index t_email_key on t"]
    );
    assert!(ops[0].risk().is_empty());
}

#[test]
fn a_dropped_column_loses_its_foreign_key_and_index_first() {
    let author = table("author", []);
    let mut post = with_reference(table("post", []), "author_id", "author");
    post.indexes.push(index("post", &["author_id"], false));
    let old = schema([author.clone(), post]);
    let ops = migrate(&old, &schema([author, table("post", [])]));
    assert_eq!(
        listed(&ops),
        [
            "drop foreign key post_author_id_fkey on post",
            "drop index post_author_id_idx on post",
            "drop column post.author_id"
        ]
    );
}

#[test]
fn a_renamed_column_or_table_is_a_drop_and_an_add_never_a_guess() {
    let old = schema([table("t", [column("title", ColumnType::Text)])]);
    let new = schema([table("t", [column("headline", ColumnType::Text)])]);
    assert_eq!(
        listed(&migrate(&old, &new)),
        ["add column t.headline", "drop column t.title"]
    );

    let old = schema([table("post", [])]);
    let new = schema([table("article", [])]);
    assert_eq!(
        listed(&migrate(&old, &new)),
        ["drop table post", "create table article"]
    );
}

#[test]
fn a_type_change_is_an_alter_never_a_drop_and_an_add() {
    let old = schema([table("t", [column("n", ColumnType::Int)])]);
    let new = schema([table("t", [column("n", ColumnType::BigInt)])]);
    let ops = migrate(&old, &new);
    assert_eq!(
        ops,
        [Operation::AlterColumnType {
            table: "t".into(),
            column: "n".into(),
            from: ColumnType::Int,
            to: ColumnType::BigInt,
        }]
    );
}

#[test]
fn an_enum_gaining_or_losing_a_variant_is_a_change_of_its_type() {
    let two = schema([table(
        "t",
        [column("status", enumeration(&["draft", "published"]))],
    )]);
    let three = schema([table(
        "t",
        [column(
            "status",
            enumeration(&["archived", "draft", "published"]),
        )],
    )]);
    let widen = migrate(&two, &three);
    assert!(matches!(
        &widen[..],
        [Operation::AlterColumnType {
            from: ColumnType::Enum { .. },
            to: ColumnType::Enum { .. },
            ..
        }]
    ));
    assert!(widen[0].risk().is_empty());
    assert_eq!(migrate(&three, &two)[0].risk(), [crate::risk::NARROWS_TYPE]);
}

#[test]
fn a_default_change_is_an_alter_of_the_default() {
    let old = schema([table("t", [column("n", ColumnType::Int)])]);
    let with_default = Column {
        default: Some(DefaultValue::Int(7)),
        ..column("n", ColumnType::Int)
    };
    let new = schema([table("t", [with_default])]);
    assert_eq!(
        migrate(&old, &new),
        [Operation::AlterColumnDefault {
            table: "t".into(),
            column: "n".into(),
            from: None,
            to: Some(DefaultValue::Int(7)),
        }]
    );
}

#[test]
fn an_auto_increment_change_is_an_alter_of_the_numbering() {
    let old = schema([table("t", [])]);
    let mut new = old.clone();
    new.tables.get_mut("t").unwrap().columns[0].auto_increment = false;
    assert_eq!(
        listed(&migrate(&old, &new)),
        ["alter column t.id drop auto-increment"]
    );
}

#[test]
fn not_null_is_set_before_a_key_needs_it_and_dropped_after_the_key_lets_go() {
    let mut old = Table::new("t");
    old.columns = vec![
        column("id", ColumnType::Int),
        nullable("code", ColumnType::Text),
    ];
    old.primary_key = vec!["id".into()];
    let mut new = Table::new("t");
    new.columns = vec![
        nullable("id", ColumnType::Int),
        column("code", ColumnType::Text),
    ];
    new.primary_key = vec!["code".into()];
    let ops = migrate(&schema([old]), &schema([new]));
    assert_eq!(
        listed(&ops),
        [
            "alter column t.code set not null",
            "change primary key of t to (code)",
            "alter column t.id drop not null"
        ]
    );
}

#[test]
fn a_new_key_column_is_added_before_the_key_changes_and_an_old_one_dropped_after() {
    let mut old = Table::new("t");
    old.columns = vec![column("id", ColumnType::Int)];
    old.primary_key = vec!["id".into()];
    let mut new = Table::new("t");
    new.columns = vec![column("code", ColumnType::Text)];
    new.primary_key = vec!["code".into()];
    assert_eq!(
        listed(&migrate(&schema([old]), &schema([new]))),
        [
            "add column t.code",
            "change primary key of t to (code)",
            "drop column t.id"
        ]
    );
}

#[test]
fn a_foreign_key_on_a_primary_key_that_changes_is_dropped_and_added_back() {
    let mut region = Table::new("region");
    region.columns = vec![
        column("country", ColumnType::Text),
        column("code", ColumnType::Text),
    ];
    region.primary_key = vec!["country".into(), "code".into()];
    let mut shop = table(
        "shop",
        [
            column("country", ColumnType::Text),
            column("code", ColumnType::Text),
        ],
    );
    shop.foreign_keys.push(crate::snapshot::ForeignKey {
        name: "shop_country_code_fkey".into(),
        columns: vec!["country".into(), "code".into()],
        references_table: "region".into(),
        references_columns: vec!["country".into(), "code".into()],
        on_delete: ReferentialAction::Restrict,
        on_update: ReferentialAction::Cascade,
    });
    let old = schema([region.clone(), shop.clone()]);
    region.primary_key.reverse();
    let ops = migrate(&old, &schema([region, shop]));
    assert_eq!(
        listed(&ops),
        [
            "drop foreign key shop_country_code_fkey on shop",
            "change primary key of region to (code, country)",
            "add foreign key shop_country_code_fkey on shop"
        ]
    );
}

#[test]
fn a_foreign_key_whose_columns_change_type_is_dropped_and_added_back() {
    let old = schema([
        table("author", []),
        with_reference(table("post", []), "author_id", "author"),
    ]);
    let mut new = old.clone();
    for (table, column) in [("author", "id"), ("post", "author_id")] {
        let table = new.tables.get_mut(table).unwrap();
        table
            .columns
            .iter_mut()
            .find(|c| c.name == column)
            .unwrap()
            .ty = ColumnType::Int;
    }
    assert_eq!(
        listed(&migrate(&old, &new)),
        [
            "drop foreign key post_author_id_fkey on post",
            "alter column author.id type",
            "alter column post.author_id type",
            "add foreign key post_author_id_fkey on post"
        ]
    );
}

#[test]
fn an_index_or_foreign_key_changed_under_the_same_name_is_dropped_and_added() {
    let mut old_post = with_reference(table("post", []), "author_id", "author");
    old_post.indexes.push(index("post", &["author_id"], false));
    let mut new_post = old_post.clone();
    new_post.indexes[0].unique = true;
    new_post.foreign_keys[0].on_delete = ReferentialAction::Cascade;
    let author = table("author", []);
    let ops = migrate(
        &schema([author.clone(), old_post]),
        &schema([author, new_post]),
    );
    assert_eq!(
        listed(&ops),
        [
            "drop foreign key post_author_id_fkey on post",
            "drop index post_author_id_idx on post",
            "add index post_author_id_idx on post",
            "add foreign key post_author_id_fkey on post"
        ]
    );
    assert_eq!(ops[2].risk(), [crate::risk::ADDS_UNIQUE_INDEX]);
}

#[test]
fn a_dropped_table_loses_the_foreign_keys_onto_it_first() {
    let old = schema([
        table("author", []),
        with_reference(table("post", []), "author_id", "author"),
    ]);
    let new = schema([table("post", [column("author_id", ColumnType::BigInt)])]);
    assert_eq!(
        listed(&migrate(&old, &new)),
        [
            "drop foreign key post_author_id_fkey on post",
            "drop table author"
        ]
    );
}

#[test]
fn a_new_table_exists_before_a_kept_table_references_it_and_after_the_column_it_references() {
    let old = schema([table("post", [])]);
    let mut post = with_reference(table("post", []), "author_id", "author");
    post.columns.push(column("slug", string(Some(50))));
    post.indexes.push(index("post", &["slug"], true));
    let mut feed = table("feed", [column("post_slug", string(Some(50)))]);
    feed.foreign_keys.push(crate::snapshot::ForeignKey {
        references_columns: vec!["slug".into()],
        ..foreign_key("feed", "post_slug", "post")
    });
    let new = schema([table("author", []), post, feed]);
    assert_eq!(
        listed(&migrate(&old, &new)),
        [
            "add column post.author_id",
            "add column post.slug",
            "create table author",
            "create table feed",
            "add index post_slug_key on post",
            "add foreign key post_author_id_fkey on post"
        ]
    );
}
