//! Whole-schema properties over several pairs of schemas: the up operations turn the old
//! schema into the new one, the reversed down operations restore it, and every step is one a
//! database accepts (the strict `Schema::apply` checks that), in both directions.

use super::{migrate, migrate_renaming};
use crate::snapshot::{ColumnType, Renames, Schema};
use crate::test_models::*;

fn models(registries: &[&covet::Registry]) -> Schema {
    let tables: Vec<_> = registries
        .iter()
        .flat_map(|registry| registry.tables())
        .copied()
        .collect();
    Schema::from_tables(&tables).unwrap()
}

fn hand_written() -> Vec<Schema> {
    let mut shop = table(
        "shop",
        [
            column("name", string(Some(80))),
            nullable("kind", enumeration(&["online", "retail"])),
        ],
    );
    shop.indexes.push(index("shop", &["name"], true));
    let mut rebuilt = table(
        "shop",
        [
            nullable("name", ColumnType::Text),
            column("kind", enumeration(&["online"])),
            column("owner_id", ColumnType::BigInt),
        ],
    );
    rebuilt
        .indexes
        .push(index("shop", &["owner_id", "kind"], false));
    rebuilt
        .foreign_keys
        .push(foreign_key("shop", "owner_id", "owner"));
    vec![
        schema([shop]),
        schema([rebuilt, table("owner", [])]),
        schema([
            with_reference(table("a", []), "b_id", "b"),
            with_reference(table("b", []), "a_id", "a"),
            with_reference(table("c", []), "c_id", "c"),
        ]),
        schema([
            with_reference(table("a", []), "c_id", "c"),
            with_reference(table("c", []), "a_id", "a"),
        ]),
    ]
}

fn every_schema() -> Vec<Schema> {
    let mut schemas = vec![
        Schema::default(),
        models(&[&blog_v1::MODELS]),
        models(&[&blog_v2::MODELS]),
        models(&[&chain::MODELS]),
        models(&[&blog_v1::MODELS, &chain::MODELS]),
        models(&[&blog_v2::MODELS, &chain::MODELS]),
        models(&[&renamed::v1::MODELS]),
        models(&[&renamed::v2::MODELS]),
        models(&[&renamed::v2::MODELS, &chain::MODELS]),
    ];
    schemas.extend(hand_written());
    schemas
}

#[test]
fn every_pair_of_schemas_migrates_both_ways_and_back() {
    let schemas = every_schema();
    for old in &schemas {
        for new in &schemas {
            migrate(old, new);
        }
    }
}

#[test]
fn every_pair_of_schemas_migrates_both_ways_and_back_following_declared_renames() {
    let schemas = every_schema();
    let renames = Renames::from_registry(&renamed::v2::MODELS).unwrap();
    for old in &schemas {
        for new in &schemas {
            migrate_renaming(old, new, &renames);
        }
    }
}

#[test]
fn the_blog_upgrade_is_the_expected_list_of_operations() {
    let old = models(&[&blog_v1::MODELS]);
    let new = models(&[&blog_v2::MODELS]);
    let listed: Vec<String> = migrate(&old, &new)
        .iter()
        .map(|op| op.to_string())
        .collect();
    assert_eq!(
        listed,
        [
            "drop index post_author_id_status_idx on post",
            "add column authors.display_name",
            "alter column post.title type",
            "alter column post.status type",
            "alter column post.views type",
            "alter column post.views default",
            "alter column post.body drop not null",
            "drop column authors.name",
            "create table comment",
            "add index post_status_idx on post",
        ]
    );
}
