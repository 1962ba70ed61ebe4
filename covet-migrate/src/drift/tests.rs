//! Drift on SQLite: tables covet created show none, and each change is reported once.
//! (The integration suite runs the same on PostgreSQL and MariaDB.)

use covet::{Database, Model};
use sqlx::types::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sqlx::types::{Decimal, Uuid};

use super::{Difference, Drift, drift};
use crate::snapshot::{ColumnType, DefaultValue, ReferentialAction, Schema};

#[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
enum Mood {
    Happy,
    Sad,
    #[covet(rename = "so-so")]
    SoSo,
}

#[covet::model(table = "owner")]
struct Owner {
    #[covet(primary_key)]
    id: i64,
    #[covet(unique, max_length = 120)]
    email: String,
    nickname: Option<String>,
}

#[covet::model(table = "every", index(small, int), unique(big, label))]
struct Every {
    #[covet(primary_key)]
    id: i32,
    #[covet(references = Owner, on_delete = cascade)]
    owner_id: i64,
    small: i16,
    int: i32,
    big: i64,
    real: f32,
    double: f64,
    flag: bool,
    #[covet(max_length = 40)]
    label: String,
    unbounded: String,
    #[covet(text)]
    body: String,
    bytes: Vec<u8>,
    day: NaiveDate,
    time: NaiveTime,
    at: NaiveDateTime,
    instant: DateTime<Utc>,
    uuid: Uuid,
    json: serde_json::Value,
    amount: Decimal,
    #[covet(precision = 10, scale = 2)]
    price: Decimal,
    mood: Mood,
    maybe_mood: Option<Mood>,
    #[covet(default = 3)]
    retries: i32,
    #[covet(default = -2)]
    offset: i64,
    #[covet(default = "it's")]
    lang: String,
    #[covet(default = true)]
    active: bool,
    #[covet(default = 1.5)]
    ratio: f64,
    #[covet(default = now)]
    created: DateTime<Utc>,
    #[covet(default = now)]
    stamp: NaiveDateTime,
    #[covet(default = now)]
    made_on: NaiveDate,
}

#[covet::model(table = "member", primary_key(team, number), index(owner_id))]
struct Member {
    #[covet(max_length = 20)]
    team: String,
    number: i32,
    #[covet(references = Owner, on_delete = set_null)]
    owner_id: Option<i64>,
}

/// A database with the three tables, and their schema.
async fn created() -> (Database, Schema) {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let tables = [Owner::TABLE, Every::TABLE, Member::TABLE];
    covet::dev::create_tables(&db, &tables).await.unwrap();
    (db, Schema::from_tables(&tables).unwrap())
}

async fn run(db: &Database, statements: &[&'static str]) {
    for &sql in statements {
        covet::unchecked_sql(sql)
            .execute(db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

fn lines(drift: &Drift) -> Vec<String> {
    drift.differences.iter().map(ToString::to_string).collect()
}

#[tokio::test]
async fn tables_covet_created_show_no_drift() {
    let (db, schema) = created().await;
    let found = drift(&db, &schema).await.unwrap();
    assert!(found.is_empty(), "{found}");
}

#[tokio::test]
async fn missing_and_unexpected_tables_and_columns_are_reported() {
    let (db, mut schema) = created().await;
    run(
        &db,
        &[
            "ALTER TABLE owner DROP COLUMN nickname",
            "ALTER TABLE owner ADD COLUMN alias text",
            "CREATE TABLE extra (id integer)",
            // Never drift: the history table, covet's own, SQLite's.
            "CREATE TABLE covet_migrations (version integer)",
            "CREATE TABLE __covet_lock (id integer)",
            "CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT)",
        ],
    )
    .await;
    schema.tables.remove("member");
    run(&db, &["DROP TABLE t"]).await;
    let found = drift(&db, &schema).await.unwrap();
    assert_eq!(
        found.differences,
        [
            Difference::UnexpectedTable {
                table: "extra".into()
            },
            Difference::UnexpectedTable {
                table: "member".into()
            },
            Difference::UnexpectedColumn {
                table: "owner".into(),
                column: "alias".into()
            },
            Difference::MissingColumn {
                table: "owner".into(),
                column: "nickname".into()
            },
        ]
    );
    assert_eq!(
        found.to_string(),
        "extra: unexpected table\nmember: unexpected table\nowner.alias: unexpected column\n\
         owner.nickname: missing column"
    );

    schema.tables.insert(
        "gone".into(),
        Schema::from_tables(&[Member::TABLE]).unwrap().tables["member"].clone(),
    );
    let gone = drift(&db, &schema).await.unwrap();
    assert!(gone.differences.contains(&Difference::MissingTable {
        table: "gone".into()
    }));
}

#[tokio::test]
async fn each_column_property_is_compared() {
    let (db, mut schema) = created().await;
    let every = schema.tables.get_mut("every").unwrap();
    let column = |name: &str| every.columns.iter().position(|c| c.name == name).unwrap();
    let (label, note, retries, lang, created, id) = (
        column("label"),
        column("unbounded"),
        column("retries"),
        column("lang"),
        column("created"),
        column("id"),
    );
    every.columns[label].ty = ColumnType::String {
        max_length: Some(80),
    };
    every.columns[note].nullable = true;
    every.columns[retries].default = Some(DefaultValue::Int(4));
    every.columns[lang].default = None;
    every.columns[created].default = Some(DefaultValue::Text("now".into()));
    every.columns[id].auto_increment = false;
    let found = drift(&db, &schema).await.unwrap();
    assert_eq!(
        lines(&found),
        [
            "every.created: default strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), expected 'now'",
            "every.id: auto-increment, expected not auto-increment",
            "every.label: type varchar(40), expected varchar(80)",
            "every.lang: default 'it''s', expected no default",
            "every.retries: default 3, expected 4",
            "every.unbounded: NOT NULL, expected NULL",
        ]
    );
}

#[tokio::test]
async fn indexes_and_primary_keys_are_compared() {
    let (db, schema) = created().await;
    run(
        &db,
        &[
            "DROP INDEX every_small_int_idx",
            "CREATE INDEX every_small_int_idx ON every (int, small)",
            "DROP INDEX owner_email_key",
            "CREATE INDEX owner_nickname_idx ON owner (nickname)",
            "DROP INDEX member_owner_id_idx",
            // The same table with another key, and an inline `UNIQUE`: SQLite's index for it
            // is reported, the key's is not.
            "CREATE TABLE member_new (team varchar(20) NOT NULL, number integer NOT NULL UNIQUE, \
             owner_id integer NULL REFERENCES owner ON DELETE SET NULL, PRIMARY KEY (team))",
            "DROP TABLE member",
            "ALTER TABLE member_new RENAME TO member",
        ],
    )
    .await;
    let found = drift(&db, &schema).await.unwrap();
    assert_eq!(
        lines(&found),
        [
            "every: index every_small_int_idx (int, small), expected index every_small_int_idx \
             (small, int)",
            "member: missing index member_owner_id_idx (owner_id)",
            "member: primary key (team), expected (team, number)",
            "member: unexpected unique index sqlite_autoindex_member_1 (number)",
            "owner: missing unique index owner_email_key (email)",
            "owner: unexpected index owner_nickname_idx (nickname)",
        ]
    );
}

#[tokio::test]
async fn foreign_keys_are_compared_by_their_columns_on_sqlite() {
    let (db, mut schema) = created().await;
    let key = &mut schema.tables.get_mut("every").unwrap().foreign_keys[0];
    key.on_delete = ReferentialAction::Restrict;
    run(
        &db,
        &[
            "CREATE TABLE member_new (team varchar(20) NOT NULL, number integer NOT NULL, \
             owner_id integer NULL, CONSTRAINT member_pkey PRIMARY KEY (team, number), \
             CONSTRAINT member_team_fkey FOREIGN KEY (team) REFERENCES \"every\" (label))",
            "DROP TABLE member",
            "ALTER TABLE member_new RENAME TO member",
            "CREATE INDEX member_owner_id_idx ON member (owner_id)",
        ],
    )
    .await;
    let found = drift(&db, &schema).await.unwrap();
    assert_eq!(
        lines(&found),
        [
            "every: unnamed foreign key (owner_id) -> owner (id) on delete cascade on update no \
             action, expected foreign key every_owner_id_fkey (owner_id) -> owner (id) on delete \
             restrict on update no action",
            "member: missing foreign key member_owner_id_fkey (owner_id) -> owner (id) on delete \
             set null on update no action",
            "member: unexpected foreign key member_team_fkey (team) -> every (label) on delete no \
             action on update no action",
        ]
    );
}

#[tokio::test]
async fn enum_checks_are_compared_by_their_values() {
    let (db, mut schema) = created().await;
    let every = schema.tables.get_mut("every").unwrap();
    for column in &mut every.columns {
        match column.name.as_str() {
            "mood" => {
                column.ty = ColumnType::Enum {
                    variants: vec!["happy".into(), "sad".into()],
                }
            }
            "maybe_mood" => column.ty = ColumnType::String { max_length: None },
            "unbounded" => {
                column.ty = ColumnType::Enum {
                    variants: vec!["a".into()],
                }
            }
            _ => {}
        }
    }
    let found = drift(&db, &schema).await.unwrap();
    assert_eq!(
        lines(&found),
        [
            "every.mood: check every_mood_check (\"mood\" IN ('happy', 'sad', 'so-so')), \
             expected mood IN ('happy', 'sad')",
            "every.unbounded: missing check every_unbounded_check",
            "every: unexpected check every_maybe_mood_check (\"maybe_mood\" IN ('happy', 'sad', \
             'so-so'))",
        ]
    );
}

#[test]
fn the_report_is_sorted_by_table_then_text() {
    let drift = Drift::new(vec![
        Difference::MissingColumn {
            table: "b".into(),
            column: "x".into(),
        },
        Difference::UnexpectedTable { table: "c".into() },
        Difference::PrimaryKey {
            table: "a".into(),
            expected: vec!["id".into()],
            found: vec![],
        },
        Difference::MissingColumn {
            table: "b".into(),
            column: "a".into(),
        },
    ]);
    assert_eq!(
        drift.to_string(),
        "a: primary key none, expected (id)\nb.a: missing column\nb.x: missing column\n\
         c: unexpected table"
    );
}
