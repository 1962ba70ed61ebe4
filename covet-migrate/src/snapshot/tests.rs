use covet::Model;

use super::*;
use crate::test_models::{blog_v1, blog_v2, chain};

mod tag {
    #[covet::model]
    pub(crate) struct Tag {
        #[covet(primary_key)]
        pub(crate) id: i32,
        #[covet(unique, max_length = 40, default = "new")]
        pub(crate) label: String,
        pub(crate) weight: Option<f64>,
    }
}

const TAG_JSON: &str = r#"{
  "format_version": 1,
  "tables": {
    "tag": {
      "columns": [
        {
          "auto_increment": true,
          "default": null,
          "name": "id",
          "nullable": false,
          "type": {
            "kind": "int"
          }
        },
        {
          "auto_increment": false,
          "default": {
            "kind": "text",
            "value": "new"
          },
          "name": "label",
          "nullable": false,
          "type": {
            "kind": "string",
            "max_length": 40
          }
        },
        {
          "auto_increment": false,
          "default": null,
          "name": "weight",
          "nullable": true,
          "type": {
            "kind": "double"
          }
        }
      ],
      "foreign_keys": [],
      "indexes": [
        {
          "columns": [
            "label"
          ],
          "name": "tag_label_key",
          "unique": true
        }
      ],
      "name": "tag",
      "primary_key": [
        "id"
      ]
    }
  }
}
"#;

#[test]
fn a_model_is_written_as_pretty_json_with_sorted_keys_and_a_final_newline() {
    let schema = Schema::from_tables(&[tag::Tag::TABLE]).unwrap();
    assert_eq!(schema.to_json(), TAG_JSON);
}

#[test]
fn the_same_models_always_give_byte_identical_json() {
    let once = Schema::from_registry(&blog_v2::MODELS).unwrap().to_json();
    let again = Schema::from_registry(&blog_v2::MODELS).unwrap().to_json();
    assert_eq!(once, again);

    // The registry's order does not matter either.
    use blog_v2::{Author, Comment, Post};
    let reordered = Schema::from_tables(&[Post::TABLE, Comment::TABLE, Author::TABLE]).unwrap();
    assert_eq!(reordered.to_json(), once);
}

#[test]
fn a_snapshot_reads_back_as_the_schema_that_wrote_it() {
    for registry in [&blog_v1::MODELS, &blog_v2::MODELS, &chain::MODELS] {
        let schema = Schema::from_registry(registry).unwrap();
        let json = schema.to_json();
        let read = Schema::from_json(&json).unwrap();
        assert_eq!(read, schema);
        assert_eq!(read.to_json(), json);
    }
}

#[test]
fn a_schema_also_round_trips_through_serde_directly() {
    let schema = Schema::from_registry(&blog_v2::MODELS).unwrap();
    let value = serde_json::to_value(&schema).unwrap();
    assert_eq!(value["format_version"], FORMAT_VERSION);
    let read: Schema = serde_json::from_value(value).unwrap();
    assert_eq!(read, schema);
}

#[test]
fn every_part_of_a_model_is_mirrored() {
    let schema = Schema::from_registry(&blog_v1::MODELS).unwrap();
    let post = &schema.tables["post"];
    assert_eq!(post.name, "post");
    assert_eq!(post.primary_key, ["id"]);
    let names: Vec<&str> = post.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["id", "author_id", "title", "body", "status", "views"]
    );
    assert_eq!(
        post.column("title").unwrap().ty,
        ColumnType::String {
            max_length: Some(80)
        }
    );
    assert_eq!(
        post.column("status").unwrap().ty,
        ColumnType::Enum {
            variants: vec!["draft".into(), "published".into()]
        }
    );
    assert_eq!(
        post.column("views").unwrap().default,
        Some(DefaultValue::Int(0))
    );
    assert!(post.column("id").unwrap().auto_increment);
    assert_eq!(post.indexes[0].name, "post_author_id_status_idx");
    let key = &post.foreign_keys[0];
    assert_eq!(key.name, "post_author_id_fkey");
    assert_eq!(key.references_table, "authors");
    assert_eq!(key.references_columns, ["id"]);
    assert_eq!(key.on_delete, ReferentialAction::Cascade);
    assert!(
        schema.tables["authors"]
            .index("authors_email_key")
            .unwrap()
            .unique
    );
}

mod renamed {
    #[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
    pub(crate) enum State {
        Published,
        Draft,
    }

    /// blog_v1's `Author`, with other Rust names but the same table.
    #[covet::model(table = "authors")]
    pub(crate) struct Writer {
        #[covet(primary_key)]
        pub(crate) key: i64,
        #[covet(unique, column = "email")]
        pub(crate) mail: String,
        #[covet(column = "name", generated)]
        pub(crate) full_name: String,
    }

    #[covet::model]
    pub(crate) struct Item {
        #[covet(primary_key)]
        pub(crate) id: i64,
        pub(crate) status: State,
    }

    #[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
    pub(crate) enum Status {
        Draft,
        Published,
    }

    #[covet::model(table = "item")]
    pub(crate) struct Original {
        #[covet(primary_key)]
        pub(crate) id: i64,
        pub(crate) status: Status,
    }
}

#[test]
fn rust_names_generated_flags_and_variant_order_leave_the_snapshot_unchanged() {
    let original = Schema::from_tables(&[blog_v1::Author::TABLE, renamed::Original::TABLE]);
    let renamed = Schema::from_tables(&[renamed::Writer::TABLE, renamed::Item::TABLE]);
    let (original, renamed) = (original.unwrap(), renamed.unwrap());
    // `key` is the column's name, so only that part differs.
    let mut expected = original.clone();
    let authors = expected.tables.get_mut("authors").unwrap();
    authors.columns[0].name = "key".into();
    authors.primary_key = vec!["key".into()];
    assert_eq!(renamed, expected);
}

#[test]
fn two_models_on_one_table_are_refused() {
    let err = Schema::from_tables(&[blog_v1::Author::TABLE, blog_v2::Author::TABLE]).unwrap_err();
    assert!(matches!(&err, SnapshotError::DuplicateTable { table } if table == "authors"));
    let message = err.to_string();
    assert!(
        message.starts_with("two models map to the table `authors`; "),
        "{message}"
    );
    // What to change: one model's table name, or a model listed twice.
    assert!(
        message.contains(r#"#[covet::model(table = "...")]"#),
        "{message}"
    );
    assert!(message.contains("list each model once"), "{message}");
}

#[test]
fn a_snapshot_from_a_newer_format_is_refused_before_its_shape_is_read() {
    let err = Schema::from_json(r#"{"format_version": 2, "whatever": []}"#).unwrap_err();
    assert!(matches!(
        err,
        SnapshotError::UnsupportedFormatVersion {
            found: 2,
            supported: 1
        }
    ));
}

#[test]
fn a_snapshot_without_a_format_version_is_refused() {
    let err = Schema::from_json(r#"{"tables": {}}"#).unwrap_err();
    assert!(matches!(err, SnapshotError::MissingFormatVersion));
}

#[test]
fn a_table_filed_under_another_name_is_refused() {
    let json = TAG_JSON.replacen(r#""tag": {"#, r#""label": {"#, 1);
    let err = Schema::from_json(&json).unwrap_err();
    assert!(
        matches!(&err, SnapshotError::MismatchedTableName { key, name } if key == "label" && name == "tag")
    );
}

#[test]
fn an_unknown_field_is_refused_rather_than_dropped() {
    let json = TAG_JSON.replacen(r#""name": "tag","#, r#""name": "tag", "comment": "x","#, 1);
    assert!(matches!(
        Schema::from_json(&json),
        Err(SnapshotError::Json(_))
    ));
}

#[test]
fn reading_puts_a_hand_edited_snapshot_in_canonical_order() {
    let schema = Schema::from_registry(&blog_v1::MODELS).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&schema.to_json()).unwrap();
    let status = &mut json["tables"]["post"]["columns"][4]["type"]["variants"];
    status.as_array_mut().unwrap().reverse();
    let read = Schema::from_json(&json.to_string()).unwrap();
    assert_eq!(read, schema);
}

#[test]
fn declared_renames_are_taken_from_the_models_and_left_out_of_the_snapshot() {
    use crate::test_models::renamed;
    let mut expected = Renames::default();
    expected
        .rename_table("persons", "people")
        .rename_column("people", "name", "full_name")
        .rename_column("people", "mood", "feeling")
        .rename_column("pet", "owner_id", "person_id")
        .rename_column("pet", "nickname", "name");
    assert_eq!(
        Renames::from_registry(&renamed::v2::MODELS).unwrap(),
        expected
    );
    assert!(
        Renames::from_registry(&renamed::v1::MODELS)
            .unwrap()
            .is_empty()
    );

    let json = Schema::from_registry(&renamed::v2::MODELS)
        .unwrap()
        .to_json();
    assert!(
        !json.contains("renamed") && !json.contains("persons"),
        "{json}"
    );
}

mod reused_name {
    /// Renamed from `persons`, while another model still maps to `persons`.
    #[covet::model(table = "people", renamed_from = "persons")]
    pub(crate) struct Person {
        #[covet(primary_key)]
        pub(crate) id: i64,
    }

    #[covet::model(table = "persons")]
    pub(crate) struct Newcomer {
        #[covet(primary_key)]
        pub(crate) id: i64,
    }

    /// Also renamed from `persons`.
    #[covet::model(table = "humans", renamed_from = "persons")]
    pub(crate) struct Human {
        #[covet(primary_key)]
        pub(crate) id: i64,
    }
}

#[test]
fn a_table_renamed_from_a_table_the_models_still_have_is_refused() {
    let err = Renames::from_tables(&[reused_name::Person::TABLE, reused_name::Newcomer::TABLE])
        .unwrap_err();
    assert!(matches!(
        &err,
        SnapshotError::RenamedFromInUse { renamed, renamed_from }
            if renamed == "people" && renamed_from == "persons"
    ));
    assert_eq!(
        err.to_string(),
        "`people` is declared renamed from `persons`, which the models still have: the rename \
         would take it from them; remove the `renamed_from` (a rename that was migrated no \
         longer needs it), or swap names over two migrations"
    );
}

#[test]
fn two_tables_renamed_from_one_name_are_refused() {
    let err =
        Renames::from_tables(&[reused_name::Person::TABLE, reused_name::Human::TABLE]).unwrap_err();
    assert!(matches!(
        &err,
        SnapshotError::RenamedFromTwice { renamed_from, first, second }
            if renamed_from == "persons" && first == "people" && second == "humans"
    ));
    assert!(
        err.to_string()
            .starts_with("both `people` and `humans` are declared renamed from `persons`")
    );
}

/// A hand-written table description: `#[covet::model]` refuses these mistakes at compile time.
fn hand_written(columns: &'static [covet::schema::ColumnDef]) -> covet::schema::TableDef {
    covet::schema::TableDef {
        name: "people",
        renamed_from: None,
        model: "Person",
        columns,
        primary_key: &[],
        indexes: &[],
        foreign_keys: &[],
    }
}

const fn text_column(
    name: &'static str,
    renamed_from: Option<&'static str>,
) -> covet::schema::ColumnDef {
    covet::schema::ColumnDef {
        name,
        renamed_from,
        field: name,
        ty: covet::schema::ColumnType::Text,
        nullable: false,
        default: None,
        auto_increment: false,
        generated: false,
    }
}

#[test]
fn a_column_renamed_from_a_column_its_table_still_has_is_refused() {
    static COLUMNS: [covet::schema::ColumnDef; 2] = [
        text_column("name", None),
        text_column("full_name", Some("name")),
    ];
    let err = Renames::from_tables(&[&hand_written(&COLUMNS)]).unwrap_err();
    assert!(matches!(
        &err,
        SnapshotError::RenamedFromInUse { renamed, renamed_from }
            if renamed == "people.full_name" && renamed_from == "people.name"
    ));

    static TWICE: [covet::schema::ColumnDef; 2] = [
        text_column("first", Some("name")),
        text_column("second", Some("name")),
    ];
    let err = Renames::from_tables(&[&hand_written(&TWICE)]).unwrap_err();
    assert!(matches!(
        &err,
        SnapshotError::RenamedFromTwice { renamed_from, first, second }
            if renamed_from == "people.name" && first == "people.first" && second == "people.second"
    ));
}

#[test]
fn every_snapshot_error_ends_with_a_next_step() {
    use crate::next_step::assert_next_step;

    let mut all: Vec<SnapshotError> = [
        "not json",
        r#"{"tables": {}}"#,
        r#"{"format_version": 2, "tables": {}}"#,
        &TAG_JSON.replacen(r#""tag": {"#, r#""label": {"#, 1),
    ]
    .into_iter()
    .map(|json| Schema::from_json(json).unwrap_err())
    .collect();
    all.extend([
        Schema::from_tables(&[blog_v1::Author::TABLE, blog_v2::Author::TABLE]).unwrap_err(),
        SnapshotError::RenamedFromInUse {
            renamed: "people".into(),
            renamed_from: "persons".into(),
        },
        SnapshotError::RenamedFromTwice {
            renamed_from: "persons".into(),
            first: "people".into(),
            second: "humans".into(),
        },
        SnapshotError::UnsupportedColumnType {
            table: "post".into(),
            column: "shape".into(),
            ty: "Geometry".into(),
        },
    ]);
    assert!(matches!(all[0], SnapshotError::Json(_)), "{:?}", all[0]);
    assert!(
        matches!(all[1], SnapshotError::MissingFormatVersion),
        "{:?}",
        all[1]
    );
    assert!(
        matches!(all[3], SnapshotError::MismatchedTableName { .. }),
        "{:?}",
        all[3]
    );
    for err in &all {
        assert_next_step(&err.to_string());
    }
}
