use std::fs;
use std::path::Path;

use covet::Backend::{MySql, Postgres, Sqlite};
use tempfile::TempDir;

use super::*;
use crate::files::FilesError;
use crate::plan::tests::sqlite::{database, database_with, describe, execute, run_statements};
use crate::snapshot::ColumnType;
use crate::test_models::{blog_v1, blog_v2, column, schema, string, table};

fn folder() -> (TempDir, MigrationDir) {
    let temp = TempDir::new().unwrap();
    let dir = MigrationDir::create(temp.path().join("migrations")).unwrap();
    (temp, dir)
}

fn written(result: Result<Generated, GenerateError>) -> WrittenMigration {
    match result {
        Ok(Generated::Written(written)) => written,
        Ok(Generated::NoChanges) => panic!("expected a migration, got no changes"),
        Err(err) => panic!("{err}"),
    }
}

/// Every file in the folder with its bytes, to prove that nothing was written.
fn contents(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in fs::read_dir(path).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            for (name, bytes) in contents(&entry.path()) {
                files.push((
                    format!("{}/{name}", entry.file_name().to_string_lossy()),
                    bytes,
                ));
            }
        } else {
            files.push((
                entry.file_name().to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            ));
        }
    }
    files.sort();
    files
}

fn blog(version: &covet::Registry) -> Schema {
    Schema::from_registry(version).unwrap()
}

fn options() -> GenerateOptions {
    GenerateOptions::default()
}

#[test]
fn the_second_run_without_model_changes_writes_nothing() {
    let (_temp, dir) = folder();
    let models = blog(&blog_v1::MODELS);
    let first = written(generate(&dir, &models, None, Postgres, &options()));
    assert_eq!(first.migration.dir_name(), "0001_create_authors_post");
    assert_eq!(first.path, dir.path().join("0001_create_authors_post"));
    let listed: Vec<String> = first.operations.iter().map(ToString::to_string).collect();
    assert_eq!(listed, ["create table authors", "create table post"]);

    let before = contents(dir.path());
    let again = generate(&dir, &models, None, Postgres, &options()).unwrap();
    assert_eq!(again, Generated::NoChanges);
    assert_eq!(contents(dir.path()), before);
}

#[test]
fn the_next_migration_is_diffed_against_the_latest_snapshot() {
    let (_temp, dir) = folder();
    written(generate(
        &dir,
        &blog(&blog_v1::MODELS),
        None,
        MySql,
        &options(),
    ));
    let allow = GenerateOptions {
        allow_destructive: true,
        ..options()
    };
    let second = written(generate(
        &dir,
        &blog(&blog_v2::MODELS),
        Some("Blog v2"),
        MySql,
        &allow,
    ));
    assert_eq!(second.migration.dir_name(), "0002_blog_v2");
    assert_eq!(
        second.migration.up().unwrap().statements,
        crate::Plan::build(
            &blog(&blog_v1::MODELS),
            &blog(&blog_v2::MODELS),
            &crate::diff(&blog(&blog_v1::MODELS), &blog(&blog_v2::MODELS)),
            MySql,
            &Backfills::new()
        )
        .unwrap()
        .up
        .statements
    );
    assert!(!second.migration.up().unwrap().transactional);
    assert_eq!(dir.latest_snapshot().unwrap(), blog(&blog_v2::MODELS));
}

#[test]
fn an_unregistered_model_is_refused_as_a_dropped_table() {
    let (_temp, dir) = folder();
    written(generate(
        &dir,
        &blog(&blog_v1::MODELS),
        None,
        Sqlite,
        &options(),
    ));
    let mut without_post = blog(&blog_v1::MODELS);
    without_post.tables.remove("post");
    let before = contents(dir.path());

    let err = generate(&dir, &without_post, None, Sqlite, &options()).unwrap_err();
    let GenerateError::Destructive {
        risks,
        unregistered,
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(unregistered, &["post"]);
    assert_eq!(risks[0].code, risk::DROPS_TABLE);
    let message = err.to_string();
    assert!(
        message.contains("table `post` is not registered any more"),
        "{message}"
    );
    assert!(message.contains("--allow-destructive"), "{message}");
    assert_eq!(contents(dir.path()), before, "nothing written");

    let allow = GenerateOptions {
        allow_destructive: true,
        ..options()
    };
    let dropped = written(generate(&dir, &without_post, None, Sqlite, &allow));
    assert_eq!(dropped.migration.name(), "drop_post");
    assert!(
        dropped
            .migration
            .up_sql()
            .contains("-- risk: C001 drops a table: drop table post\n")
    );
    assert_eq!(dropped.migration.up().unwrap().risk_codes, ["C001"]);
}

#[test]
fn dropping_a_column_or_narrowing_a_type_is_refused() {
    let (_temp, dir) = folder();
    let v1 = schema([table(
        "post",
        [
            column("title", string(Some(200))),
            column("body", ColumnType::Text),
        ],
    )]);
    written(generate(&dir, &v1, None, Postgres, &options()));

    let without_body = schema([table("post", [column("title", string(Some(200)))])]);
    let err = generate(&dir, &without_body, None, Postgres, &options()).unwrap_err();
    assert!(
        matches!(&err, GenerateError::Destructive { risks, unregistered } if unregistered.is_empty() && risks[0].code == risk::DROPS_COLUMN),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("C002 drops a column: drop column post.body")
    );

    let narrower = schema([table(
        "post",
        [
            column("title", string(Some(80))),
            column("body", ColumnType::Text),
        ],
    )]);
    let err = generate(&dir, &narrower, None, Postgres, &options()).unwrap_err();
    assert!(
        matches!(&err, GenerateError::Destructive { risks, .. } if risks[0].code == risk::NARROWS_TYPE),
        "{err}"
    );

    // Failing without losing anything is allowed, and listed.
    let required_index = {
        let mut schema = v1.clone();
        let post = schema.tables.get_mut("post").unwrap();
        post.indexes
            .push(crate::test_models::index("post", &["title"], true));
        schema
    };
    let unique = written(generate(&dir, &required_index, None, Postgres, &options()));
    assert_eq!(unique.plan.up.risks[0].code, risk::ADDS_UNIQUE_INDEX);
    assert_eq!(unique.migration.name(), "add_post_title_key");
}

#[test]
fn a_required_column_is_written_with_or_without_a_backfill() {
    let (_temp, dir) = folder();
    let v1 = schema([table("post", [])]);
    written(generate(&dir, &v1, None, Postgres, &options()));
    let v2 = schema([table("post", [column("lang", string(Some(8)))])]);

    // A wrong value is refused before anything is written.
    let wrong = GenerateOptions {
        backfills: ["post.language=en".parse().unwrap()].into_iter().collect(),
        ..options()
    };
    assert!(matches!(
        generate(&dir, &v2, None, Postgres, &wrong),
        Err(GenerateError::Plan(PlanError::UnusedBackfill { .. }))
    ));

    let filled = GenerateOptions {
        backfills: ["post.lang=en".parse().unwrap()].into_iter().collect(),
        ..options()
    };
    let with = written(generate(&dir, &v2, None, Postgres, &filled));
    assert_eq!(with.migration.name(), "add_post_lang");
    assert!(with.plan.up.risks.is_empty());
    assert_eq!(
        with.migration.up().unwrap().statements,
        [
            r#"ALTER TABLE "post" ADD COLUMN "lang" varchar(8) NOT NULL DEFAULT 'en'"#,
            r#"ALTER TABLE "post" ALTER COLUMN "lang" DROP DEFAULT"#,
        ]
    );

    // Without a value: written, with the risk in the header (the table may be empty).
    let v3 = schema([table(
        "post",
        [
            column("lang", string(Some(8))),
            column("views", ColumnType::Int),
        ],
    )]);
    let without = written(generate(&dir, &v3, None, Postgres, &options()));
    assert_eq!(
        without.migration.up().unwrap().risk_codes,
        [risk::ADDS_REQUIRED_COLUMN]
    );
}

#[test]
fn a_folder_that_does_not_verify_is_refused() {
    let (_temp, dir) = folder();
    let v1 = schema([table("tag", [])]);
    written(generate(&dir, &v1, None, Sqlite, &options()));
    let snapshot = dir.path().join("0001_create_tag/snapshot.json");
    fs::write(&snapshot, Schema::default().to_json()).unwrap();
    let err = generate(&dir, &v1, None, Sqlite, &options()).unwrap_err();
    assert!(
        matches!(
            &err,
            GenerateError::Files(FilesError::EditedFile {
                file: "snapshot.json",
                ..
            })
        ),
        "{err}"
    );
}

#[test]
fn a_folder_is_for_one_dialect() {
    let (_temp, dir) = folder();
    written(generate(
        &dir,
        &schema([table("tag", [])]),
        None,
        Sqlite,
        &options(),
    ));
    let err = generate(
        &dir,
        &schema([table("label", [])]),
        None,
        Postgres,
        &options(),
    );
    assert!(matches!(
        err,
        Err(GenerateError::DialectMismatch {
            folder: Sqlite,
            requested: Postgres
        })
    ));
}

#[test]
fn declared_renames_are_followed_not_refused() {
    let (_temp, dir) = folder();
    let v1 = schema([table("persons", [column("name", ColumnType::Text)])]);
    written(generate(&dir, &v1, None, Sqlite, &options()));
    let v2 = schema([table("people", [column("full_name", ColumnType::Text)])]);
    assert!(
        generate(&dir, &v2, None, Sqlite, &options()).is_err(),
        "a drop without them"
    );

    let mut renames = Renames::default();
    renames.rename_table("persons", "people");
    renames.rename_column("people", "name", "full_name");
    let renamed = GenerateOptions {
        renames,
        ..options()
    };
    let migration = written(generate(&dir, &v2, None, Sqlite, &renamed));
    assert_eq!(
        migration.migration.name(),
        "rename_persons_people_people_name_full_name"
    );
    assert_eq!(
        migration.migration.up().unwrap().statements,
        [
            r#"ALTER TABLE "persons" RENAME TO "people""#,
            r#"ALTER TABLE "people" RENAME COLUMN "name" TO "full_name""#,
        ]
    );
}

/// What the generated files do on a real database: the way up gives exactly the models'
/// schema, whatever was rebuilt, and the way down gives the previous one.
#[tokio::test(flavor = "current_thread")]
async fn generated_sqlite_files_give_the_models_schema() {
    let (_temp, dir) = folder();
    let v1 = blog(&blog_v1::MODELS);
    let v2 = blog(&blog_v2::MODELS);
    written(generate(&dir, &v1, None, Sqlite, &options()));
    let allow = GenerateOptions {
        allow_destructive: true,
        ..options()
    };
    written(generate(&dir, &v2, None, Sqlite, &allow));

    let mut conn = database().await;
    let migrations = dir.verify().unwrap();
    for migration in &migrations {
        let up = migration.up().unwrap();
        run_statements(&mut conn, &up.statements, up.foreign_keys_off)
            .await
            .unwrap();
    }
    execute(&mut conn, "INSERT INTO authors (email) VALUES ('a@x')")
        .await
        .unwrap();

    let mut fresh = database_with(&v2).await;
    assert_eq!(describe(&mut conn).await, describe(&mut fresh).await);

    // Down to version 1 needs `authors.name` back: refused on rows, fine once they go.
    let down = migrations[1].down().unwrap();
    let err = run_statements(&mut conn, &down.statements, down.foreign_keys_off)
        .await
        .unwrap_err();
    assert!(err.contains("NOT NULL constraint failed"), "{err}");
    execute(&mut conn, "DELETE FROM authors").await.unwrap();
    run_statements(&mut conn, &down.statements, down.foreign_keys_off)
        .await
        .unwrap();
    let mut fresh = database_with(&v1).await;
    assert_eq!(describe(&mut conn).await, describe(&mut fresh).await);
}

#[test]
fn terminal_listing_of_a_written_migration() {
    let (_temp, dir) = folder();
    written(generate(
        &dir,
        &blog(&blog_v1::MODELS),
        None,
        Postgres,
        &options(),
    ));
    let allow = GenerateOptions {
        allow_destructive: true,
        ..options()
    };
    let second = written(generate(
        &dir,
        &blog(&blog_v2::MODELS),
        None,
        Postgres,
        &allow,
    ));
    let mut lines = vec![format!("{}:", second.migration.dir_name())];
    lines.extend(second.operations.iter().map(|op| format!("  {op}")));
    lines.extend(
        second
            .plan
            .up
            .risks
            .iter()
            .map(|risk| format!("  risk {risk}")),
    );
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn every_generate_error_ends_with_a_next_step() {
    use crate::next_step::assert_next_step;
    use crate::operation::Operation;
    use crate::plan::{PlanError, Risk};
    use crate::snapshot::Table;

    let all = [
        GenerateError::Files(FilesError::NotAFolder {
            path: "migrations".into(),
        }),
        GenerateError::Plan(PlanError::UnusedBackfill {
            table: "post".into(),
            column: "lang".into(),
        }),
        GenerateError::DialectMismatch {
            folder: Postgres,
            requested: Sqlite,
        },
        GenerateError::Destructive {
            risks: Risk::of(&Operation::DropTable(Table::new("post"))),
            unregistered: vec!["post".into()],
        },
    ];
    for err in &all {
        assert_next_step(&err.to_string());
    }
}
