use covet::Backend::{self, MySql, Postgres, Sqlite};
use covet::Model;

use super::{RenderError, render, render_with_column};
use crate::operation::Operation;
use crate::snapshot::{Column, ColumnType, DefaultValue, Schema};
use crate::test_models::{blog_v1, column, enumeration, foreign_key, index, nullable, string};

fn sql(op: &Operation, backend: Backend) -> Vec<String> {
    render(op, backend).unwrap_or_else(|e| panic!("{op} on {backend}: {e}"))
}

fn rebuild(op: &Operation) {
    assert_eq!(
        render(op, Sqlite),
        Err(RenderError::NeedsTableRebuild {
            table: op.table().to_owned(),
            operation: op.to_string()
        })
    );
}

/// `post.title`, `varchar(80) NOT NULL DEFAULT 'untitled'`: what MySQL's `MODIFY` restates.
fn title() -> Column {
    Column {
        default: Some(DefaultValue::Text("untitled".into())),
        ..column("title", string(Some(80)))
    }
}

fn mysql_modify(op: &Operation) -> Vec<String> {
    assert_eq!(
        render(op, MySql),
        Err(RenderError::NeedsColumnDefinition {
            table: "post".into(),
            column: "title".into()
        })
    );
    render_with_column(op, MySql, &title()).unwrap()
}

#[test]
fn create_table_matches_covets_create_table_on_every_dialect() {
    let tables = [blog_v1::Post::TABLE, blog_v1::Author::TABLE];
    let schema = Schema::from_tables(&tables).unwrap();
    for def in tables {
        let op = Operation::CreateTable(schema.tables[def.name].clone());
        for backend in [Postgres, MySql, Sqlite] {
            let expected = covet::schema::create_table_statements(def, backend);
            assert_eq!(sql(&op, backend), expected, "{} on {backend}", def.name);
        }
    }
}

#[test]
fn drop_table() {
    let op = Operation::DropTable(crate::test_models::table("tag", []));
    assert_eq!(sql(&op, Postgres), [r#"DROP TABLE "tag""#]);
    assert_eq!(sql(&op, MySql), ["DROP TABLE `tag`"]);
    assert_eq!(sql(&op, Sqlite), [r#"DROP TABLE "tag""#]);
}

#[test]
fn add_column_declares_covets_type_and_escapes_defaults() {
    let op = Operation::AddColumn {
        table: "post".into(),
        column: nullable("summary", string(Some(200))),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "post" ADD COLUMN "summary" varchar(200) NULL"#]
    );
    assert_eq!(
        sql(&op, MySql),
        ["ALTER TABLE `post` ADD COLUMN `summary` varchar(200) NULL"]
    );
    assert_eq!(
        sql(&op, Sqlite),
        [r#"ALTER TABLE "post" ADD COLUMN "summary" varchar(200) NULL"#]
    );

    let op = Operation::AddColumn {
        table: "post".into(),
        column: Column {
            default: Some(DefaultValue::Text("it's".into())),
            ..column("lang", string(None))
        },
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "post" ADD COLUMN "lang" varchar NOT NULL DEFAULT E'it\'s'"#]
    );
    assert_eq!(
        sql(&op, MySql),
        [r"ALTER TABLE `post` ADD COLUMN `lang` varchar(255) NOT NULL DEFAULT 'it\'s'"]
    );
    assert_eq!(
        sql(&op, Sqlite),
        [r#"ALTER TABLE "post" ADD COLUMN "lang" varchar NOT NULL DEFAULT 'it''s'"#]
    );
}

#[test]
fn add_enum_column_adds_its_check() {
    let op = Operation::AddColumn {
        table: "post".into(),
        column: column("mood", enumeration(&["happy", "sad"])),
    };
    assert_eq!(
        sql(&op, Postgres),
        [
            r#"ALTER TABLE "post" ADD COLUMN "mood" varchar NOT NULL"#,
            r#"ALTER TABLE "post" ADD CONSTRAINT "post_mood_check" CHECK ("mood" IN ('happy', 'sad'))"#,
        ]
    );
    assert_eq!(
        sql(&op, MySql),
        [
            "ALTER TABLE `post` ADD COLUMN `mood` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL",
            "ALTER TABLE `post` ADD CONSTRAINT `post_mood_check` CHECK (`mood` IN ('happy', 'sad'))",
        ]
    );
    rebuild(&op);
}

#[test]
fn sqlite_adds_only_columns_its_alter_table_accepts() {
    for column in [
        column("required", ColumnType::Int),
        Column {
            auto_increment: true,
            ..column("id", ColumnType::BigInt)
        },
        Column {
            default: Some(DefaultValue::CurrentTimestamp),
            ..column("at", ColumnType::TimestampTz)
        },
    ] {
        rebuild(&Operation::AddColumn {
            table: "post".into(),
            column,
        });
    }
}

#[test]
fn drop_column() {
    let op = Operation::DropColumn {
        table: "post".into(),
        column: column("body", ColumnType::Text),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "post" DROP COLUMN "body""#]
    );
    assert_eq!(sql(&op, MySql), ["ALTER TABLE `post` DROP COLUMN `body`"]);
    assert_eq!(
        sql(&op, Sqlite),
        [r#"ALTER TABLE "post" DROP COLUMN "body""#]
    );

    let op = Operation::DropColumn {
        table: "post".into(),
        column: column("mood", enumeration(&["happy"])),
    };
    assert_eq!(
        sql(&op, MySql),
        [
            "ALTER TABLE `post` DROP CONSTRAINT `post_mood_check`",
            "ALTER TABLE `post` DROP COLUMN `mood`",
        ]
    );
    rebuild(&op);
}

#[test]
fn alter_column_type() {
    let op = Operation::AlterColumnType {
        table: "post".into(),
        column: "title".into(),
        from: string(Some(80)),
        to: string(Some(200)),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "post" ALTER COLUMN "title" TYPE varchar(200) USING "title"::varchar"#]
    );
    assert_eq!(
        mysql_modify(&op),
        ["ALTER TABLE `post` MODIFY COLUMN `title` varchar(200) NOT NULL DEFAULT 'untitled'"]
    );
    rebuild(&op);
}

#[test]
fn changing_an_enums_variants_replaces_its_check() {
    let op = Operation::AlterColumnType {
        table: "post".into(),
        column: "mood".into(),
        from: enumeration(&["happy"]),
        to: enumeration(&["happy", "sad"]),
    };
    assert_eq!(
        sql(&op, Postgres),
        [
            r#"ALTER TABLE "post" DROP CONSTRAINT "post_mood_check""#,
            r#"ALTER TABLE "post" ADD CONSTRAINT "post_mood_check" CHECK ("mood" IN ('happy', 'sad'))"#,
        ]
    );
    // The type stays: no column definition needed.
    assert_eq!(
        sql(&op, MySql),
        [
            "ALTER TABLE `post` DROP CONSTRAINT `post_mood_check`",
            "ALTER TABLE `post` ADD CONSTRAINT `post_mood_check` CHECK (`mood` IN ('happy', 'sad'))",
        ]
    );
    rebuild(&op);

    let op = Operation::AlterColumnType {
        table: "post".into(),
        column: "mood".into(),
        from: enumeration(&["happy"]),
        to: ColumnType::Text,
    };
    assert_eq!(
        sql(&op, Postgres),
        [
            r#"ALTER TABLE "post" DROP CONSTRAINT "post_mood_check""#,
            r#"ALTER TABLE "post" ALTER COLUMN "mood" TYPE text USING "mood"::text"#,
        ]
    );
}

#[test]
fn alter_column_nullability() {
    let op = Operation::AlterColumnNullability {
        table: "post".into(),
        column: "title".into(),
        nullable: true,
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "post" ALTER COLUMN "title" DROP NOT NULL"#]
    );
    assert_eq!(
        mysql_modify(&op),
        ["ALTER TABLE `post` MODIFY COLUMN `title` varchar(80) NULL DEFAULT 'untitled'"]
    );
    rebuild(&op);
    assert_eq!(
        sql(&op.reverse(), Postgres),
        [r#"ALTER TABLE "post" ALTER COLUMN "title" SET NOT NULL"#]
    );
}

#[test]
fn alter_column_default() {
    let op = Operation::AlterColumnDefault {
        table: "post".into(),
        column: "views".into(),
        from: None,
        to: Some(DefaultValue::Int(7)),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "post" ALTER COLUMN "views" SET DEFAULT 7"#]
    );
    assert_eq!(
        sql(&op, MySql),
        ["ALTER TABLE `post` ALTER COLUMN `views` SET DEFAULT 7"]
    );
    rebuild(&op);
    assert_eq!(
        sql(&op.reverse(), Postgres),
        [r#"ALTER TABLE "post" ALTER COLUMN "views" DROP DEFAULT"#]
    );
    assert_eq!(
        sql(&op.reverse(), MySql),
        ["ALTER TABLE `post` ALTER COLUMN `views` DROP DEFAULT"]
    );

    // `now` is typed: a date's default is the current date.
    let op = Operation::AlterColumnDefault {
        table: "post".into(),
        column: "on".into(),
        from: None,
        to: Some(DefaultValue::CurrentTimestamp),
    };
    assert!(matches!(
        render(&op, Postgres),
        Err(RenderError::NeedsColumnDefinition { .. })
    ));
    let on = nullable("on", ColumnType::Date);
    assert_eq!(
        render_with_column(&op, Postgres, &on).unwrap(),
        [r#"ALTER TABLE "post" ALTER COLUMN "on" SET DEFAULT CURRENT_DATE"#]
    );
    assert_eq!(
        render_with_column(&op, MySql, &on).unwrap(),
        ["ALTER TABLE `post` MODIFY COLUMN `on` date NULL DEFAULT (CURRENT_DATE)"]
    );
}

#[test]
fn alter_column_auto_increment() {
    let op = Operation::AlterColumnAutoIncrement {
        table: "post".into(),
        column: "id".into(),
        auto_increment: true,
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "post" ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY"#]
    );
    assert_eq!(
        sql(&op.reverse(), Postgres),
        [r#"ALTER TABLE "post" ALTER COLUMN "id" DROP IDENTITY"#]
    );
    let id = column("id", ColumnType::BigInt);
    assert_eq!(
        render_with_column(&op, MySql, &id).unwrap(),
        ["ALTER TABLE `post` MODIFY COLUMN `id` bigint NOT NULL AUTO_INCREMENT"]
    );
    rebuild(&op);
}

#[test]
fn add_and_drop_index() {
    let op = Operation::AddIndex {
        table: "post".into(),
        index: index("post", &["author_id", "title"], true),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"CREATE UNIQUE INDEX "post_author_id_title_key" ON "post" ("author_id", "title")"#]
    );
    assert_eq!(
        sql(&op, MySql),
        ["CREATE UNIQUE INDEX `post_author_id_title_key` ON `post` (`author_id`, `title`)"]
    );
    assert_eq!(
        sql(&op, Sqlite),
        [r#"CREATE UNIQUE INDEX "post_author_id_title_key" ON "post" ("author_id", "title")"#]
    );
    let op = op.reverse();
    assert_eq!(
        sql(&op, Postgres),
        [r#"DROP INDEX "post_author_id_title_key""#]
    );
    assert_eq!(
        sql(&op, MySql),
        ["DROP INDEX `post_author_id_title_key` ON `post`"]
    );
    assert_eq!(
        sql(&op, Sqlite),
        [r#"DROP INDEX "post_author_id_title_key""#]
    );
}

#[test]
fn add_and_drop_foreign_key() {
    let op = Operation::AddForeignKey {
        table: "post".into(),
        foreign_key: foreign_key("post", "author_id", "authors"),
    };
    assert_eq!(
        sql(&op, Postgres),
        [
            r#"ALTER TABLE "post" ADD CONSTRAINT "post_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION"#
        ]
    );
    assert_eq!(
        sql(&op, MySql),
        [
            "ALTER TABLE `post` ADD CONSTRAINT `post_author_id_fkey` FOREIGN KEY (`author_id`) REFERENCES `authors` (`id`) ON DELETE NO ACTION ON UPDATE NO ACTION"
        ]
    );
    rebuild(&op);
    let op = op.reverse();
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "post" DROP CONSTRAINT "post_author_id_fkey""#]
    );
    assert_eq!(
        sql(&op, MySql),
        ["ALTER TABLE `post` DROP FOREIGN KEY `post_author_id_fkey`"]
    );
    rebuild(&op);
}

#[test]
fn change_primary_key() {
    let op = Operation::ChangePrimaryKey {
        table: "post".into(),
        from: vec!["id".into()],
        to: vec!["id".into(), "title".into()],
    };
    assert_eq!(
        sql(&op, Postgres),
        [
            r#"ALTER TABLE "post" DROP CONSTRAINT "post_pkey", ADD CONSTRAINT "post_pkey" PRIMARY KEY ("id", "title")"#
        ]
    );
    assert_eq!(
        sql(&op, MySql),
        [
            "ALTER TABLE `post` DROP PRIMARY KEY, ADD CONSTRAINT `post_pkey` PRIMARY KEY (`id`, `title`)"
        ]
    );
    rebuild(&op);
    let added = Operation::ChangePrimaryKey {
        table: "post".into(),
        from: vec![],
        to: vec!["id".into()],
    };
    assert_eq!(
        sql(&added, Postgres),
        [r#"ALTER TABLE "post" ADD CONSTRAINT "post_pkey" PRIMARY KEY ("id")"#]
    );
    assert_eq!(
        sql(&added.reverse(), MySql),
        ["ALTER TABLE `post` DROP PRIMARY KEY"]
    );
}

#[test]
fn identifiers_are_quoted_by_sea_query() {
    let op = Operation::DropColumn {
        table: r#"we"ird`"#.into(),
        column: column(r#"a"b`c"#, ColumnType::Text),
    };
    assert_eq!(
        sql(&op, Postgres),
        [r#"ALTER TABLE "we""ird`" DROP COLUMN "a""b`c""#]
    );
    assert_eq!(
        sql(&op, MySql),
        [r#"ALTER TABLE `we"ird``` DROP COLUMN `a"b``c`"#]
    );
}
