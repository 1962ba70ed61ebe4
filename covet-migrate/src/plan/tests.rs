pub(crate) mod sqlite;

use covet::Backend::{self, MySql, Postgres, Sqlite};

use super::*;
use crate::diff;
use crate::risk;
use crate::snapshot::{Column, ColumnType, DefaultValue, ReferentialAction, Schema};
use crate::test_models::{
    blog_v1, blog_v2, chain, column, foreign_key, index, nullable, schema, string, table,
    with_reference,
};

/// A plan as text, for snapshots: each direction's flags, risks and statements.
fn show(plan: &Plan) -> String {
    let mut text = String::new();
    for (direction, script) in [("up", &plan.up), ("down", &plan.down)] {
        text.push_str(&format!(
            "-- {direction} on {}: transactional={} foreign_keys_off={}\n",
            plan.backend, script.transactional, script.foreign_keys_off
        ));
        for risk in &script.risks {
            text.push_str(&format!("-- risk {risk}\n"));
        }
        for statement in &script.statements {
            text.push_str(statement);
            text.push_str(";\n");
        }
        text.push('\n');
    }
    text
}

fn plan(old: &Schema, new: &Schema, backend: Backend, backfills: &Backfills) -> Plan {
    Plan::build(old, new, &diff(old, new), backend, backfills)
        .unwrap_or_else(|e| panic!("{backend}: {e}"))
}

fn blog() -> (Schema, Schema) {
    (
        Schema::from_registry(&blog_v1::MODELS).unwrap(),
        Schema::from_registry(&blog_v2::MODELS).unwrap(),
    )
}

fn backfills(args: &[&str]) -> Backfills {
    args.iter().map(|arg| arg.parse().unwrap()).collect()
}

fn codes(script: &Script) -> Vec<&'static str> {
    script.risks.iter().map(|risk| risk.code).collect()
}

#[test]
fn blog_upgrade_on_postgres() {
    let (v1, v2) = blog();
    insta::assert_snapshot!(show(&plan(&v1, &v2, Postgres, &Backfills::new())));
}

#[test]
fn blog_upgrade_on_mysql() {
    let (v1, v2) = blog();
    insta::assert_snapshot!(show(&plan(&v1, &v2, MySql, &Backfills::new())));
}

#[test]
fn blog_upgrade_on_sqlite() {
    let (v1, v2) = blog();
    insta::assert_snapshot!(show(&plan(&v1, &v2, Sqlite, &Backfills::new())));
}

#[test]
fn creating_tables_from_nothing_matches_covets_create_table() {
    // Version 1: its enum's variants are declared in sorted order, as the snapshot keeps them.
    let v1 = Schema::from_registry(&blog_v1::MODELS).unwrap();
    for backend in [Postgres, MySql, Sqlite] {
        let plan = plan(&Schema::default(), &v1, backend, &Backfills::new());
        assert!(plan.up.risks.iter().all(|r| r.code == NOT_TRANSACTIONAL));
        let mut expected = Vec::new();
        // `diff` creates referenced tables first.
        for name in ["authors", "post"] {
            let def = blog_v1::MODELS
                .tables()
                .iter()
                .find(|t| t.name == name)
                .unwrap();
            expected.extend(covet::schema::create_table_statements(def, backend));
        }
        assert_eq!(plan.up.statements, expected, "{backend}");
        assert_eq!(
            codes(&plan.down)
                .into_iter()
                .filter(|&c| c == risk::DROPS_TABLE)
                .count(),
            2
        );
    }
}

#[test]
fn a_required_column_without_backfill_is_planned_with_its_risk() {
    let old = schema([table("post", [])]);
    let new = schema([table("post", [column("lang", string(Some(8)))])]);
    for backend in [Postgres, MySql, Sqlite] {
        let plan = plan(&old, &new, backend, &Backfills::new());
        assert_eq!(codes(&plan.up)[0], risk::ADDS_REQUIRED_COLUMN, "{backend}");
    }
    let plan = plan(&old, &new, Postgres, &Backfills::new());
    assert_eq!(
        plan.up.statements,
        [r#"ALTER TABLE "post" ADD COLUMN "lang" varchar(8) NOT NULL"#]
    );
}

#[test]
fn a_backfill_adds_the_column_with_a_default_then_drops_the_default() {
    let old = schema([table("post", [])]);
    let new = schema([table("post", [column("lang", string(Some(8)))])]);
    let fill = backfills(&["post.lang=it's"]);
    let pg = plan(&old, &new, Postgres, &fill);
    assert_eq!(
        pg.up.statements,
        [
            r#"ALTER TABLE "post" ADD COLUMN "lang" varchar(8) NOT NULL DEFAULT E'it\'s'"#,
            r#"ALTER TABLE "post" ALTER COLUMN "lang" DROP DEFAULT"#,
        ]
    );
    assert!(pg.up.risks.is_empty());
    assert_eq!(
        pg.down.statements,
        [r#"ALTER TABLE "post" DROP COLUMN "lang""#]
    );
    let mysql = plan(&old, &new, MySql, &fill);
    assert_eq!(
        mysql.up.statements,
        [
            r"ALTER TABLE `post` ADD COLUMN `lang` varchar(8) NOT NULL DEFAULT 'it\'s'",
            "ALTER TABLE `post` ALTER COLUMN `lang` DROP DEFAULT",
        ]
    );
    assert_eq!(codes(&mysql.up), [NOT_TRANSACTIONAL]);
    // SQLite cannot drop a default: the rebuild writes the value into the copied rows.
    let sqlite = plan(&old, &new, Sqlite, &fill);
    insta::assert_snapshot!(show(&sqlite));
}

#[test]
fn a_backfill_fills_nulls_before_not_null() {
    let old = schema([table("post", [nullable("views", ColumnType::Int)])]);
    let new = schema([table("post", [column("views", ColumnType::Int)])]);
    let without = plan(&old, &new, Postgres, &Backfills::new());
    assert_eq!(codes(&without.up), [risk::ADDS_NOT_NULL]);
    let fill = backfills(&["post.views=0"]);
    let pg = plan(&old, &new, Postgres, &fill);
    assert_eq!(
        pg.up.statements,
        [
            r#"UPDATE "post" SET "views" = 0 WHERE "views" IS NULL"#,
            r#"ALTER TABLE "post" ALTER COLUMN "views" SET NOT NULL"#,
        ]
    );
    assert!(pg.up.risks.is_empty());
    let mysql = plan(&old, &new, MySql, &fill);
    assert_eq!(
        mysql.up.statements,
        [
            "UPDATE `post` SET `views` = 0 WHERE `views` IS NULL",
            "ALTER TABLE `post` MODIFY COLUMN `views` int NOT NULL",
        ]
    );
    let sqlite = plan(&old, &new, Sqlite, &fill);
    assert!(
        sqlite.up.statements[1].contains(r#"SELECT "id", COALESCE("views", 0) FROM "post""#),
        "{}",
        sqlite.up.statements[1]
    );
}

#[test]
fn backfills_must_be_needed_and_fit_the_column() {
    let old = schema([table("post", [])]);
    let new = schema([table(
        "post",
        [
            column("views", ColumnType::Int),
            nullable("note", ColumnType::Text),
        ],
    )]);
    let ops = diff(&old, &new);
    let build = |args: &[&str]| Plan::build(&old, &new, &ops, Postgres, &backfills(args));
    assert_eq!(
        build(&["post.note=x"]),
        Err(PlanError::UnusedBackfill {
            table: "post".into(),
            column: "note".into()
        })
    );
    assert!(matches!(
        build(&["post.missing=1"]),
        Err(PlanError::UnusedBackfill { .. })
    ));
    let err = build(&["post.views=many"]).unwrap_err();
    assert!(
        matches!(&err, PlanError::InvalidBackfill { reason, .. } if reason.contains("integer"))
    );
    assert!(err.to_string().contains("post.views"), "{err}");
    assert!(build(&["post.views=7"]).is_ok());
}

#[test]
fn mysql_restates_each_column_as_it_stands_at_that_point() {
    let old = schema([table(
        "post",
        [Column {
            default: Some(DefaultValue::Int(0)),
            ..nullable("views", ColumnType::Int)
        }],
    )]);
    let new = schema([table(
        "post",
        [Column {
            default: Some(DefaultValue::Int(1)),
            ..column("views", ColumnType::BigInt)
        }],
    )]);
    let plan = plan(&old, &new, MySql, &Backfills::new());
    assert_eq!(
        plan.up.statements,
        [
            // The type, restating the old default and nullability...
            "ALTER TABLE `post` MODIFY COLUMN `views` bigint NULL DEFAULT 0",
            "ALTER TABLE `post` ALTER COLUMN `views` SET DEFAULT 1",
            // ...then NOT NULL, restating the new type and default.
            "ALTER TABLE `post` MODIFY COLUMN `views` bigint NOT NULL DEFAULT 1",
        ]
    );
    assert_eq!(
        plan.down.statements,
        [
            "ALTER TABLE `post` MODIFY COLUMN `views` bigint NULL DEFAULT 1",
            "ALTER TABLE `post` ALTER COLUMN `views` SET DEFAULT 0",
            "ALTER TABLE `post` MODIFY COLUMN `views` int NULL DEFAULT 0",
        ]
    );
    assert_eq!(codes(&plan.down), [risk::NARROWS_TYPE, NOT_TRANSACTIONAL]);
}

#[test]
fn a_now_default_is_typed_by_its_column_on_every_dialect() {
    let old = schema([table("post", [column("on", ColumnType::Date)])]);
    let new = schema([table(
        "post",
        [Column {
            default: Some(DefaultValue::CurrentTimestamp),
            ..column("on", ColumnType::Date)
        }],
    )]);
    assert_eq!(
        plan(&old, &new, Postgres, &Backfills::new()).up.statements,
        [r#"ALTER TABLE "post" ALTER COLUMN "on" SET DEFAULT CURRENT_DATE"#]
    );
}

#[test]
fn postgres_lists_table_rewrites() {
    let old = schema([table(
        "post",
        [
            column("views", ColumnType::Int),
            column("title", string(Some(80))),
        ],
    )]);
    let new = schema([table(
        "post",
        [
            column("views", ColumnType::BigInt),
            column("title", string(Some(200))),
        ],
    )]);
    let plan = plan(&old, &new, Postgres, &Backfills::new());
    let rewrites: Vec<&str> = plan
        .up
        .risks
        .iter()
        .filter(|r| r.code == REWRITES_TABLE)
        .map(|r| r.subject.as_str())
        .collect();
    assert_eq!(rewrites, ["alter column post.views type"]);
    assert!(plan.up.transactional && !plan.up.foreign_keys_off);
}

#[test]
fn sqlite_rebuilds_a_table_once_for_all_its_changes() {
    let author = table("author", []);
    let old = schema([
        author.clone(),
        table(
            "post",
            [
                column("title", string(Some(80))),
                nullable("body", ColumnType::Text),
            ],
        ),
    ]);
    let mut post = with_reference(
        table(
            "post",
            [
                column("title", string(Some(200))),
                column("body", ColumnType::Text),
            ],
        ),
        "author_id",
        "author",
    );
    post.columns.last_mut().unwrap().nullable = true;
    post.indexes.push(index("post", &["title"], false));
    let new = schema([author, post]);
    let plan = plan(&old, &new, Sqlite, &backfills(&["post.body=(empty)"]));
    let rebuilds = plan
        .up
        .statements
        .iter()
        .filter(|s| s.starts_with(r#"CREATE TABLE "__covet_new_post""#))
        .count();
    assert_eq!(rebuilds, 1);
    assert_eq!(
        codes(&plan.up),
        [risk::ADDS_FOREIGN_KEY, REBUILDS_TABLE],
        "the backfilled NOT NULL is no risk"
    );
    assert!(plan.up.foreign_keys_off && plan.up.transactional);
    assert_eq!(
        plan.up.statements.last().unwrap(),
        r#"PRAGMA foreign_key_check("post")"#
    );
    insta::assert_snapshot!(show(&plan));
}

#[test]
fn sqlite_checks_the_tables_that_reference_a_rebuilt_one() {
    let old = schema([
        table("author", [nullable("name", ColumnType::Text)]),
        with_reference(table("post", []), "author_id", "author"),
    ]);
    let new = schema([
        table("author", [column("name", ColumnType::Text)]),
        with_reference(table("post", []), "author_id", "author"),
    ]);
    let plan = plan(&old, &new, Sqlite, &Backfills::new());
    let checks: Vec<&String> = plan
        .up
        .statements
        .iter()
        .filter(|s| s.starts_with("PRAGMA"))
        .collect();
    assert_eq!(
        checks,
        [
            r#"PRAGMA foreign_key_check("author")"#,
            r#"PRAGMA foreign_key_check("post")"#
        ]
    );
    // Nothing else about `post` changes.
    assert!(
        !plan
            .up
            .statements
            .iter()
            .any(|s| s.contains("__covet_new_post"))
    );
}

#[test]
fn sqlite_creates_and_drops_tables_that_reference_each_other_whole() {
    let mut a = table("a", []);
    a.columns.push(nullable("b_id", ColumnType::BigInt));
    a.foreign_keys.push(foreign_key("a", "b_id", "b"));
    let mut b = table("b", []);
    b.columns.push(nullable("a_id", ColumnType::BigInt));
    b.foreign_keys.push(foreign_key("b", "a_id", "a"));
    let cycle = schema([a, b]);
    let ops = diff(&Schema::default(), &cycle);
    assert!(
        ops.iter()
            .any(|op| matches!(op, Operation::AddForeignKey { .. })),
        "the cycle is broken by a deferred key"
    );
    let plan = Plan::build(&Schema::default(), &cycle, &ops, Sqlite, &Backfills::new()).unwrap();
    assert_eq!(plan.up.statements.len(), 2, "{:#?}", plan.up.statements);
    assert!(plan.up.statements.iter().all(|s| s.contains("FOREIGN KEY")));
    assert!(!plan.up.foreign_keys_off);
    assert_eq!(
        plan.down.statements,
        [r#"DROP TABLE "b""#, r#"DROP TABLE "a""#]
    );
    assert!(
        plan.down.foreign_keys_off,
        "dropping rows that reference each other"
    );
}

#[test]
fn a_self_referencing_table_is_rebuilt_with_its_key() {
    let old = Schema::from_registry(&chain::MODELS).unwrap();
    let mut new = old.clone();
    let employee = new.tables.get_mut("employee").unwrap();
    employee.foreign_keys[0].on_delete = ReferentialAction::Cascade;
    let plan = plan(&old, &new, Sqlite, &Backfills::new());
    assert!(
        plan.up.statements[0].contains(
            r#"FOREIGN KEY ("manager_id") REFERENCES "employee" ("id") ON DELETE CASCADE"#
        ),
        "{}",
        plan.up.statements[0]
    );
}

#[test]
fn mysql_scripts_are_not_transactional() {
    let (v1, v2) = blog();
    let plan = plan(&v1, &v2, MySql, &Backfills::new());
    assert!(!plan.up.transactional && !plan.down.transactional);
    assert_eq!(codes(&plan.up).last(), Some(&NOT_TRANSACTIONAL));
    let empty = Plan::build(&v1, &v1, &[], MySql, &Backfills::new()).unwrap();
    assert!(empty.up.risks.is_empty());
}

#[test]
fn every_plan_error_ends_with_a_next_step() {
    use crate::next_step::assert_next_step;

    let old = schema([table("t", [])]);
    let new = schema([table(
        "t",
        [column("n", ColumnType::Int), column("u", ColumnType::Uuid)],
    )]);
    let refused = |fill: &str| {
        let backfills: Backfills = [fill.parse().unwrap()].into_iter().collect();
        Plan::build(&old, &new, &diff(&old, &new), Sqlite, &backfills).unwrap_err()
    };
    let all = [
        "t.n".parse::<Backfill>().unwrap_err(),
        refused("t.missing=1"),
        refused("t.n=many"),
        refused("t.u=00000000-0000-0000-0000-000000000000"),
        PlanError::Render(RenderError::NeedsTableRebuild {
            table: "t".into(),
            operation: "alter column t.n type".into(),
        }),
        PlanError::Render(RenderError::NeedsColumnDefinition {
            table: "t".into(),
            column: "n".into(),
        }),
        PlanError::Render(RenderError::UnsupportedBackend {
            backend: "Oracle".into(),
        }),
    ];
    assert!(
        matches!(all[1], PlanError::UnusedBackfill { .. }),
        "{:?}",
        all[1]
    );
    assert!(
        matches!(all[2], PlanError::InvalidBackfill { .. }),
        "{:?}",
        all[2]
    );
    assert!(
        matches!(all[3], PlanError::InvalidBackfill { .. }),
        "{:?}",
        all[3]
    );
    for err in &all {
        assert_next_step(&err.to_string());
    }
    let message = all[2].to_string();
    assert!(message.contains("`--backfill t.n=VALUE`"), "{message}");
}
