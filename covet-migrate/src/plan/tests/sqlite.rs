//! Plans applied to real SQLite databases: the table rebuild keeps rows, indexes, foreign keys
//! and `AUTOINCREMENT` counters, cascades nothing, and its foreign-key check catches dangling
//! references.

use sqlx::{AssertSqlSafe, Connection, Row, SqliteConnection};

use super::*;

/// A fresh in-memory database, foreign keys on (sqlx's default, as covet's).
pub(crate) async fn database() -> SqliteConnection {
    let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
    execute(&mut conn, "PRAGMA foreign_keys = ON")
        .await
        .unwrap();
    conn
}

pub(crate) async fn execute(conn: &mut SqliteConnection, sql: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(AssertSqlSafe(sql.to_owned()))
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Runs `script` the way [`Script`]'s docs tell a runner to.
async fn run(conn: &mut SqliteConnection, script: &Script) -> Result<(), String> {
    run_statements(conn, &script.statements, script.foreign_keys_off).await
}

/// Runs statements in a transaction the way [`Script`]'s docs tell a runner to: keys off
/// around the transaction when asked, and a `PRAGMA foreign_key_check` that returns a row
/// fails the migration (rolled back).
pub(crate) async fn run_statements(
    conn: &mut SqliteConnection,
    statements: &[String],
    foreign_keys_off: bool,
) -> Result<(), String> {
    if foreign_keys_off {
        execute(conn, "PRAGMA foreign_keys = OFF").await.unwrap();
    }
    execute(conn, "BEGIN").await.unwrap();
    let mut outcome = Ok(());
    for statement in statements {
        let result = if statement.starts_with("PRAGMA foreign_key_check") {
            match sqlx::query(AssertSqlSafe(statement.clone()))
                .fetch_all(&mut *conn)
                .await
            {
                Ok(rows) if rows.is_empty() => Ok(()),
                Ok(rows) => Err(format!("{statement}: {} violation(s)", rows.len())),
                Err(err) => Err(format!("{statement}: {err}")),
            }
        } else {
            execute(conn, statement)
                .await
                .map(drop)
                .map_err(|err| format!("{statement}: {err}"))
        };
        if let Err(err) = result {
            outcome = Err(err);
            break;
        }
    }
    let end = if outcome.is_ok() {
        "COMMIT"
    } else {
        "ROLLBACK"
    };
    execute(conn, end).await.unwrap();
    if foreign_keys_off {
        execute(conn, "PRAGMA foreign_keys = ON").await.unwrap();
    }
    outcome
}

/// A database holding `schema`, created by the plan from nothing.
pub(crate) async fn database_with(schema: &Schema) -> SqliteConnection {
    let mut conn = database().await;
    let plan = Plan::build(
        &Schema::default(),
        schema,
        &diff(&Schema::default(), schema),
        Sqlite,
        &Backfills::new(),
    )
    .unwrap();
    run(&mut conn, &plan.up).await.unwrap();
    conn
}

/// The rows of a query, each as its columns' text joined by spaces (`NULL` for null).
async fn strings(conn: &mut SqliteConnection, sql: &str, binds: &[&str]) -> Vec<String> {
    let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for bind in binds {
        query = query.bind(bind.to_string());
    }
    query
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .map(|v| v.unwrap_or_else(|| "NULL".into()))
                        .or_else(|_| row.try_get::<i64, _>(i).map(|v| v.to_string()))
                        .unwrap()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Every table's columns (by name), indexes with their columns, and foreign keys, as SQLite
/// reports them: what two databases with the same schema agree on, however they got there.
pub(crate) async fn describe(conn: &mut SqliteConnection) -> String {
    let tables = strings(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
        &[],
    )
    .await;
    let mut text = String::new();
    for table in tables {
        text.push_str(&format!("table {table}\n"));
        let queries = [
            r#"SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY name"#,
            r#"SELECT "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY "from""#,
        ];
        for query in queries {
            for row in strings(conn, query, &[&table]).await {
                text.push_str(&format!("  {row}\n"));
            }
        }
        let indexes = strings(
            conn,
            r#"SELECT name, "unique" FROM pragma_index_list(?) WHERE origin = 'c' ORDER BY name"#,
            &[&table],
        )
        .await;
        for index in indexes {
            let name = index.split(' ').next().unwrap().to_owned();
            let columns = strings(
                conn,
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno",
                &[&name],
            )
            .await;
            text.push_str(&format!("  index {index} ({})\n", columns.join(", ")));
        }
    }
    text
}

/// The `CREATE TABLE` text SQLite keeps for `table`.
async fn table_sql(conn: &mut SqliteConnection, table: &str) -> String {
    strings(
        conn,
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
        &[table],
    )
    .await
    .join("")
}

async fn count(conn: &mut SqliteConnection, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}

/// `author` (numbered, a unique email, an optional name), and `post` referencing it with
/// `ON DELETE CASCADE`, indexed.
fn authors_and_posts() -> Schema {
    let mut author = table(
        "author",
        [
            column("email", string(Some(80))),
            nullable("name", ColumnType::Text),
        ],
    );
    author.indexes.push(index("author", &["email"], true));
    let mut post = with_reference(
        table("post", [column("title", ColumnType::Text)]),
        "author_id",
        "author",
    );
    post.foreign_keys[0].on_delete = ReferentialAction::Cascade;
    post.indexes.push(index("post", &["author_id"], false));
    schema([author, post])
}

/// The same, `author` changed in every way SQLite's `ALTER TABLE` cannot: a required `score`
/// without a default, `name` made `NOT NULL`, `email` retyped, a new index on `name`.
fn authors_and_posts_changed() -> Schema {
    let mut schema = authors_and_posts();
    let author = schema.tables.get_mut("author").unwrap();
    author.columns[1].ty = string(Some(200));
    author.columns[2].nullable = false;
    author.columns.push(column("score", ColumnType::Int));
    author.indexes.push(index("author", &["name"], false));
    author.sort();
    schema
}

#[tokio::test(flavor = "current_thread")]
async fn a_rebuild_keeps_rows_indexes_keys_and_counters_and_cascades_nothing() {
    let old = authors_and_posts();
    let new = authors_and_posts_changed();
    let mut conn = database_with(&old).await;
    for sql in [
        "INSERT INTO author (email, name) VALUES ('a@x', 'Ann'), ('b@x', NULL), ('c@x', 'Cy')",
        "DELETE FROM author WHERE id = 3",
        "INSERT INTO post (title, author_id) VALUES ('one', 1), ('two', 1), ('three', 2)",
    ] {
        execute(&mut conn, sql).await.unwrap();
    }

    let plan = plan(
        &old,
        &new,
        Sqlite,
        &backfills(&["author.name=anonymous", "author.score=10"]),
    );
    assert!(plan.up.foreign_keys_off);
    run(&mut conn, &plan.up).await.unwrap();

    // The rows, backfilled.
    let authors = strings(
        &mut conn,
        "SELECT id, email, name, score FROM author ORDER BY id",
        &[],
    )
    .await;
    assert_eq!(authors, ["1 a@x Ann 10", "2 b@x anonymous 10"]);
    // Dropping the old table cascaded to no post.
    assert_eq!(count(&mut conn, "SELECT count(*) FROM post").await, 3);
    // The schema is exactly the one a fresh database gets.
    let mut fresh = database_with(&new).await;
    assert_eq!(describe(&mut conn).await, describe(&mut fresh).await);
    assert_eq!(
        table_sql(&mut conn, "author").await,
        table_sql(&mut fresh, "author").await
    );
    // The unique index holds.
    let duplicate = "INSERT INTO author (email, name, score) VALUES ('a@x', 'Al', 1)";
    assert!(execute(&mut conn, duplicate).await.is_err());
    // The counter carried over: id 3, deleted before, is not handed out again.
    execute(
        &mut conn,
        "INSERT INTO author (email, name, score) VALUES ('d@x', 'Di', 1)",
    )
    .await
    .unwrap();
    assert_eq!(count(&mut conn, "SELECT max(id) FROM author").await, 4);
    // The foreign key holds and still cascades, now that keys are on again.
    let dangling = "INSERT INTO post (title, author_id) VALUES ('x', 99)";
    assert!(execute(&mut conn, dangling).await.is_err());
    execute(&mut conn, "DELETE FROM author WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(count(&mut conn, "SELECT count(*) FROM post").await, 1);
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM sqlite_master WHERE name LIKE '__covet_new_%'"
        )
        .await,
        0
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_way_down_rebuilds_the_old_table_with_its_rows() {
    let old = authors_and_posts();
    let new = authors_and_posts_changed();
    let mut conn = database_with(&old).await;
    execute(
        &mut conn,
        "INSERT INTO author (email, name) VALUES ('a@x', 'Ann'), ('b@x', NULL)",
    )
    .await
    .unwrap();
    execute(
        &mut conn,
        "INSERT INTO post (title, author_id) VALUES ('one', 1)",
    )
    .await
    .unwrap();
    let plan = plan(
        &old,
        &new,
        Sqlite,
        &backfills(&["author.name=anonymous", "author.score=10"]),
    );
    run(&mut conn, &plan.up).await.unwrap();
    run(&mut conn, &plan.down).await.unwrap();

    let mut fresh = database_with(&old).await;
    assert_eq!(describe(&mut conn).await, describe(&mut fresh).await);
    let authors = strings(
        &mut conn,
        "SELECT id, email, name FROM author ORDER BY id",
        &[],
    )
    .await;
    assert_eq!(authors, ["1 a@x Ann", "2 b@x anonymous"]);
    assert_eq!(count(&mut conn, "SELECT count(*) FROM post").await, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_dangling_reference_fails_the_check_and_nothing_changes() {
    let mut old = authors_and_posts();
    let post = old.tables.get_mut("post").unwrap();
    let key = post.foreign_keys.remove(0);
    let mut conn = database_with(&old).await;
    execute(
        &mut conn,
        "INSERT INTO post (title, author_id) VALUES ('orphan', 42)",
    )
    .await
    .unwrap();

    let mut new = old.clone();
    new.tables.get_mut("post").unwrap().foreign_keys.push(key);
    let plan = plan(&old, &new, Sqlite, &Backfills::new());
    let err = run(&mut conn, &plan.up).await.unwrap_err();
    assert!(
        err.starts_with(r#"PRAGMA foreign_key_check("post"): 1 violation"#),
        "{err}"
    );

    // Rolled back: the table is the old one, its row still there.
    let mut fresh = database_with(&old).await;
    assert_eq!(describe(&mut conn).await, describe(&mut fresh).await);
    assert_eq!(count(&mut conn, "SELECT count(*) FROM post").await, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn without_a_backfill_a_required_column_fails_on_rows_only() {
    let old = schema([table("tag", [])]);
    let new = schema([table("tag", [column("label", ColumnType::Text)])]);
    let plan = plan(&old, &new, Sqlite, &Backfills::new());
    assert_eq!(codes(&plan.up)[0], risk::ADDS_REQUIRED_COLUMN);

    let mut empty = database_with(&old).await;
    run(&mut empty, &plan.up).await.unwrap();

    let mut with_rows = database_with(&old).await;
    execute(&mut with_rows, "INSERT INTO tag DEFAULT VALUES")
        .await
        .unwrap();
    let err = run(&mut with_rows, &plan.up).await.unwrap_err();
    assert!(err.contains("NOT NULL constraint failed"), "{err}");
    assert_eq!(count(&mut with_rows, "SELECT count(*) FROM tag").await, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn the_blog_upgrades_with_its_rows_and_downgrades() {
    let (v1, v2) = blog();
    let mut conn = database_with(&v1).await;
    for sql in [
        "INSERT INTO authors (email, name) VALUES ('a@x', 'Ann')",
        "INSERT INTO post (author_id, title, body, status, views) \
         VALUES (1, 'Hello', 'text', 'published', 7)",
    ] {
        execute(&mut conn, sql).await.unwrap();
    }
    let plan = plan(&v1, &v2, Sqlite, &Backfills::new());
    run(&mut conn, &plan.up).await.unwrap();
    let mut fresh = database_with(&v2).await;
    assert_eq!(describe(&mut conn).await, describe(&mut fresh).await);
    assert_eq!(
        table_sql(&mut conn, "post").await,
        table_sql(&mut fresh, "post").await
    );
    let posts = strings(
        &mut conn,
        "SELECT id, author_id, title, body, status, views FROM post",
        &[],
    )
    .await;
    assert_eq!(posts, ["1 1 Hello text published 7"]);
    // The enum's new CHECK came with the rebuild.
    let archived = "UPDATE post SET status = 'archived'";
    execute(&mut conn, archived).await.unwrap();
    assert!(
        execute(&mut conn, "UPDATE post SET status = 'bogus'")
            .await
            .is_err()
    );

    // Down needs `authors.name` back, required without a default: on an empty database.
    let mut empty = database_with(&v2).await;
    run(&mut empty, &plan.down).await.unwrap();
    let mut fresh = database_with(&v1).await;
    assert_eq!(describe(&mut empty).await, describe(&mut fresh).await);
}

#[tokio::test(flavor = "current_thread")]
async fn renames_run_as_alter_table_and_the_rebuild_copies_the_renamed_columns() {
    let mut persons = table(
        "persons",
        [
            nullable("name", ColumnType::Text),
            column("age", ColumnType::Int),
        ],
    );
    persons.indexes.push(index("persons", &["age"], false));
    let old = schema([persons]);
    let mut people = table(
        "people",
        [
            column("full_name", ColumnType::Text),
            column("age", ColumnType::BigInt),
        ],
    );
    people.indexes.push(index("people", &["age"], false));
    let new = schema([people]);
    let mut renames = crate::Renames::default();
    renames.rename_table("persons", "people");
    renames.rename_column("people", "name", "full_name");
    let ops = crate::diff_with_renames(&old, &new, &renames);
    let plan = Plan::build(
        &old,
        &new,
        &ops,
        Sqlite,
        &backfills(&["people.full_name=unknown"]),
    )
    .unwrap();
    // The renames first, as statements of their own; then one rebuild under the new names.
    assert_eq!(
        plan.up.statements[..2],
        [
            r#"ALTER TABLE "persons" RENAME TO "people""#,
            r#"ALTER TABLE "people" RENAME COLUMN "name" TO "full_name""#,
        ]
    );
    assert!(
        plan.up
            .statements
            .iter()
            .any(|s| s
                .contains(r#"SELECT "id", COALESCE("full_name", 'unknown'), "age" FROM "people""#)),
        "{:#?}",
        plan.up.statements
    );

    let mut conn = database_with(&old).await;
    execute(
        &mut conn,
        "INSERT INTO persons (name, age) VALUES ('Ann', 30), (NULL, 40)",
    )
    .await
    .unwrap();
    run(&mut conn, &plan.up).await.unwrap();
    let people = strings(
        &mut conn,
        "SELECT id, full_name, age FROM people ORDER BY id",
        &[],
    )
    .await;
    assert_eq!(people, ["1 Ann 30", "2 unknown 40"]);
    let mut fresh = database_with(&new).await;
    assert_eq!(describe(&mut conn).await, describe(&mut fresh).await);

    // Down: the rebuild under the new names first, the renames back last.
    run(&mut conn, &plan.down).await.unwrap();
    let persons = strings(
        &mut conn,
        "SELECT id, name, age FROM persons ORDER BY id",
        &[],
    )
    .await;
    assert_eq!(persons, ["1 Ann 30", "2 unknown 40"]);
    let mut fresh = database_with(&old).await;
    assert_eq!(describe(&mut conn).await, describe(&mut fresh).await);
}
