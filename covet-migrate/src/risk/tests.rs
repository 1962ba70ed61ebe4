use super::*;
use crate::snapshot::{Column, ColumnType, DefaultValue, Table};
use crate::test_models::{column, foreign_key, index, nullable};

fn add(column: Column) -> Operation {
    Operation::AddColumn {
        table: "t".into(),
        column,
    }
}

#[test]
fn dropping_a_table_or_a_column_is_flagged_and_creating_one_is_not() {
    assert_eq!(Operation::DropTable(Table::new("t")).risk(), [DROPS_TABLE]);
    assert!(Operation::CreateTable(Table::new("t")).risk().is_empty());
    let drop = add(column("c", ColumnType::Int)).reverse();
    assert_eq!(drop.risk(), [DROPS_COLUMN]);
}

#[test]
fn only_a_required_column_without_a_default_is_flagged_when_added() {
    assert_eq!(
        add(column("c", ColumnType::Int)).risk(),
        [ADDS_REQUIRED_COLUMN]
    );
    assert!(add(nullable("c", ColumnType::Int)).risk().is_empty());
    let with_default = Column {
        default: Some(DefaultValue::Int(0)),
        ..column("c", ColumnType::Int)
    };
    assert!(add(with_default).risk().is_empty());
    let numbered = Column {
        auto_increment: true,
        ..column("c", ColumnType::Int)
    };
    assert!(add(numbered).risk().is_empty());
}

#[test]
fn setting_not_null_is_flagged_and_dropping_it_is_not() {
    let set = Operation::AlterColumnNullability {
        table: "t".into(),
        column: "c".into(),
        nullable: false,
    };
    assert_eq!(set.risk(), [ADDS_NOT_NULL]);
    assert!(set.reverse().risk().is_empty());
}

#[test]
fn adding_a_unique_index_is_flagged_and_a_plain_one_is_not() {
    let unique = Operation::AddIndex {
        table: "t".into(),
        index: index("t", &["c"], true),
    };
    let plain = Operation::AddIndex {
        table: "t".into(),
        index: index("t", &["c"], false),
    };
    assert_eq!(unique.risk(), [ADDS_UNIQUE_INDEX]);
    assert!(plain.risk().is_empty());
    assert!(unique.reverse().risk().is_empty());
}

#[test]
fn keys_and_numbering_changes_are_flagged() {
    let key = Operation::ChangePrimaryKey {
        table: "t".into(),
        from: vec!["id".into()],
        to: vec!["code".into()],
    };
    assert_eq!(key.risk(), [CHANGES_PRIMARY_KEY]);
    let foreign = Operation::AddForeignKey {
        table: "t".into(),
        foreign_key: foreign_key("t", "u_id", "u"),
    };
    assert_eq!(foreign.risk(), [ADDS_FOREIGN_KEY]);
    assert!(foreign.reverse().risk().is_empty());
    let numbering = Operation::AlterColumnAutoIncrement {
        table: "t".into(),
        column: "id".into(),
        auto_increment: true,
    };
    assert_eq!(numbering.risk(), [CHANGES_AUTO_INCREMENT]);
    assert_eq!(numbering.reverse().risk(), [CHANGES_AUTO_INCREMENT]);
}

#[test]
fn a_default_change_is_never_flagged() {
    let op = Operation::AlterColumnDefault {
        table: "t".into(),
        column: "c".into(),
        from: None,
        to: Some(DefaultValue::CurrentTimestamp),
    };
    assert!(op.risk().is_empty() && op.reverse().risk().is_empty());
}

#[test]
fn every_code_is_distinct_listed_once_and_documented_in_the_crate_docs() {
    let docs = include_str!("../lib.rs");
    for (number, (code, description)) in ALL.iter().enumerate() {
        assert_eq!(*code, format!("C{:03}", number + 1));
        assert!(
            docs.contains(&format!("| {code} |")),
            "{code} is not in the table"
        );
        assert!(!description.is_empty());
    }
}

#[test]
fn renames_keep_every_row_and_carry_no_risk() {
    let renames = [
        Operation::RenameTable {
            table: Table::new("persons"),
            to: "people".into(),
        },
        Operation::RenameColumn {
            table: "people".into(),
            column: column("name", ColumnType::Text),
            to: "full_name".into(),
        },
        Operation::RenameIndex {
            table: "people".into(),
            index: index("persons", &["name"], true),
            to: "people_name_key".into(),
        },
        Operation::RenameForeignKey {
            table: "people".into(),
            foreign_key: foreign_key("persons", "pet_id", "pet"),
            to: "people_pet_id_fkey".into(),
        },
    ];
    for op in renames {
        assert!(op.risk().is_empty(), "{op}");
        assert!(op.reverse().risk().is_empty(), "{op}");
    }
}
