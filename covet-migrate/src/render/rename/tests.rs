use covet::Backend::{self, MySql, Postgres, Sqlite};

use crate::operation::Operation;
use crate::render::{RenderError, render, render_with_column};
use crate::snapshot::{Column, ColumnType, Renames, Schema};
use crate::test_models::{column, enumeration, foreign_key, index, renamed, table};

fn sql(op: &Operation, backend: Backend) -> Vec<String> {
    render(op, backend).unwrap_or_else(|e| panic!("{op} on {backend}: {e}"))
}

#[test]
fn rename_table() {
    let op = Operation::RenameTable {
        table: table("persons", [column("name", ColumnType::Text)]),
        to: "people".into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [
            r#"ALTER TABLE "persons" RENAME TO "people""#,
            r#"ALTER TABLE "people" RENAME CONSTRAINT "persons_pkey" TO "people_pkey""#,
        ]
    );
    assert_eq!(sql(&op, MySql), ["RENAME TABLE `persons` TO `people`"]);
    assert_eq!(
        sql(&op, Sqlite),
        [r#"ALTER TABLE "persons" RENAME TO "people""#]
    );
    assert_eq!(
        sql(&op.reverse(), Postgres),
        [
            r#"ALTER TABLE "people" RENAME TO "persons""#,
            r#"ALTER TABLE "persons" RENAME CONSTRAINT "people_pkey" TO "persons_pkey""#,
        ]
    );
}

#[test]
fn renaming_a_table_renames_its_enums_checks() {
    let op = Operation::RenameTable {
        table: table("persons", [column("mood", enumeration(&["happy", "sad"]))]),
        to: "people".into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [
            r#"ALTER TABLE "persons" RENAME TO "people""#,
            r#"ALTER TABLE "people" RENAME CONSTRAINT "persons_pkey" TO "people_pkey""#,
            r#"ALTER TABLE "people" RENAME CONSTRAINT "persons_mood_check" TO "people_mood_check""#,
        ]
    );
    // No RENAME CONSTRAINT: the new check is added before the old one goes.
    assert_eq!(
        sql(&op, MySql),
        [
            "RENAME TABLE `persons` TO `people`",
            "ALTER TABLE `people` ADD CONSTRAINT `people_mood_check` CHECK (`mood` IN ('happy', 'sad'))",
            "ALTER TABLE `people` DROP CONSTRAINT `persons_mood_check`",
        ]
    );
    // SQLite cannot rename a constraint without rebuilding the table.
    assert_eq!(
        sql(&op, Sqlite),
        [r#"ALTER TABLE "persons" RENAME TO "people""#]
    );
}

#[test]
fn a_table_without_a_primary_key_has_no_key_to_rename() {
    let op = Operation::RenameTable {
        table: crate::Table::new("log"),
        to: "journal".into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "log" RENAME TO "journal""#]
    );
}

#[test]
fn rename_column() {
    let op = Operation::RenameColumn {
        table: "people".into(),
        column: column("name", ColumnType::Text),
        to: "full_name".into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "people" RENAME COLUMN "name" TO "full_name""#]
    );
    assert_eq!(
        sql(&op, MySql),
        ["ALTER TABLE `people` RENAME COLUMN `name` TO `full_name`"]
    );
    assert_eq!(
        sql(&op, Sqlite),
        [r#"ALTER TABLE "people" RENAME COLUMN "name" TO "full_name""#]
    );
    // MySQL needs no column definition for a rename.
    assert_eq!(
        render_with_column(&op, MySql, &column("name", ColumnType::Text)).unwrap(),
        sql(&op, MySql)
    );
}

#[test]
fn renaming_an_enum_column_renames_its_check() {
    let op = Operation::RenameColumn {
        table: "people".into(),
        column: column("mood", enumeration(&["happy", "sad"])),
        to: "feeling".into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [
            r#"ALTER TABLE "people" RENAME COLUMN "mood" TO "feeling""#,
            r#"ALTER TABLE "people" RENAME CONSTRAINT "people_mood_check" TO "people_feeling_check""#,
        ]
    );
    // MySQL refuses to rename a column a CHECK uses.
    assert_eq!(
        sql(&op, MySql),
        [
            "ALTER TABLE `people` DROP CONSTRAINT `people_mood_check`",
            "ALTER TABLE `people` RENAME COLUMN `mood` TO `feeling`",
            "ALTER TABLE `people` ADD CONSTRAINT `people_feeling_check` CHECK (`feeling` IN ('happy', 'sad'))",
        ]
    );
    assert_eq!(
        sql(&op, Sqlite),
        [r#"ALTER TABLE "people" RENAME COLUMN "mood" TO "feeling""#]
    );
}

#[test]
fn rename_index() {
    let op = Operation::RenameIndex {
        table: "people".into(),
        index: index("persons", &["email", "name"], true),
        to: "people_email_name_key".into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER INDEX "persons_email_name_key" RENAME TO "people_email_name_key""#]
    );
    assert_eq!(
        sql(&op, MySql),
        ["ALTER TABLE `people` RENAME INDEX `persons_email_name_key` TO `people_email_name_key`"]
    );
    // SQLite has no index rename: the index is created again under its new name.
    assert_eq!(
        sql(&op, Sqlite),
        [
            r#"DROP INDEX "persons_email_name_key""#,
            r#"CREATE UNIQUE INDEX "people_email_name_key" ON "people" ("email", "name")"#,
        ]
    );
}

#[test]
fn rename_foreign_key() {
    let op = Operation::RenameForeignKey {
        table: "pet".into(),
        foreign_key: foreign_key("pet", "owner_id", "people"),
        to: "pet_person_id_fkey".into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "pet" RENAME CONSTRAINT "pet_owner_id_fkey" TO "pet_person_id_fkey""#]
    );
    // MySQL cannot rename a foreign key: it is dropped and added under the new name.
    assert_eq!(
        sql(&op, MySql),
        [
            "ALTER TABLE `pet` DROP FOREIGN KEY `pet_owner_id_fkey`",
            "ALTER TABLE `pet` ADD CONSTRAINT `pet_person_id_fkey` FOREIGN KEY (`owner_id`) REFERENCES `people` (`id`) ON DELETE NO ACTION ON UPDATE NO ACTION",
        ]
    );
    // covet creates SQLite's foreign keys without a name: nothing to do.
    assert_eq!(sql(&op, Sqlite), Vec::<String>::new());
}

#[test]
fn renamed_identifiers_are_quoted_by_sea_query() {
    let op = Operation::RenameColumn {
        table: r#"we"ird`"#.into(),
        column: column(r#"a"b`c"#, ColumnType::Text),
        to: "d`\"e".into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "we""ird`" RENAME COLUMN "a""b`c" TO "d`""e""#]
    );
    assert_eq!(
        sql(&op, MySql),
        [r#"ALTER TABLE `we"ird``` RENAME COLUMN `a"b``c` TO `d``"e`"#]
    );
    let op = Operation::RenameIndex {
        table: "t".into(),
        index: index("t", &["c"], false),
        to: r#"x"; DROP TABLE t; --"#.into(),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER INDEX "t_c_idx" RENAME TO "x""; DROP TABLE t; --""#]
    );
}

/// The migration between two versions of the models, up and down, as each dialect's script:
/// every statement in order, MySQL's `MODIFY COLUMN`s restating the column as it is then.
fn script(old: &Schema, new: &Schema, renames: &Renames, backend: Backend) -> String {
    let up = crate::diff_with_renames(old, new, renames);
    let down: Vec<Operation> = up.iter().rev().map(Operation::reverse).collect();
    let mut out = format!("-- {backend}\n");
    let mut state = old.clone();
    for (direction, ops) in [("up", &up), ("down", &down)] {
        out.push_str(&format!("-- {direction}\n"));
        for op in ops {
            let statements = match render(op, backend) {
                Err(RenderError::NeedsColumnDefinition { table, column }) => {
                    let current: &Column = state.tables[&table].column(&column).unwrap();
                    render_with_column(op, backend, current)
                }
                other => other,
            };
            match statements {
                Ok(statements) => {
                    for statement in statements {
                        out.push_str(&statement);
                        out.push_str(";\n");
                    }
                }
                Err(error) => out.push_str(&format!("-- {error}\n")),
            }
            state.apply(op);
        }
    }
    out
}

#[test]
fn a_migration_of_declared_renames_in_every_dialect() {
    let old = Schema::from_registry(&renamed::v1::MODELS).unwrap();
    let new = Schema::from_registry(&renamed::v2::MODELS).unwrap();
    let renames = Renames::from_registry(&renamed::v2::MODELS).unwrap();
    let text: String = [Postgres, MySql, Sqlite]
        .into_iter()
        .map(|backend| script(&old, &new, &renames, backend))
        .collect();
    insta::assert_snapshot!(text);
}
