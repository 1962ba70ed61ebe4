//! covet-migrate's drift detection on a real database: tables covet created show no drift,
//! and each change made by hand is reported, once.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use covet::{Backend, Model, unchecked_sql};
use covet_migrate::{Difference, Drift, ForeignKey, Index, ReferentialAction, Schema, drift};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::TestDb;

#[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
pub enum Mood {
    Happy,
    Sad,
    #[covet(rename = "so-so")]
    SoSo,
}

#[covet::model(table = "dr_owner")]
pub struct Owner {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(unique, max_length = 120)]
    pub email: String,
    pub name: String,
    #[covet(max_length = 40)]
    pub nickname: Option<String>,
}

/// Every column type, optional and not, every kind of default, a plain and a unique composite
/// index, and a cascading foreign key.
#[covet::model(table = "dr_every", index(small, int), unique(big, label))]
pub struct Every {
    #[covet(primary_key)]
    pub id: i32,
    #[covet(references = Owner, on_delete = cascade)]
    pub owner_id: i64,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub real: f32,
    pub double: f64,
    pub flag: bool,
    #[covet(max_length = 40)]
    pub label: String,
    pub unbounded: String,
    #[covet(text)]
    pub body: String,
    pub bytes: Vec<u8>,
    pub day: NaiveDate,
    pub time: NaiveTime,
    pub at: NaiveDateTime,
    pub instant: DateTime<Utc>,
    pub uuid: Uuid,
    pub json: serde_json::Value,
    pub amount: Decimal,
    #[covet(precision = 10, scale = 2)]
    pub price: Decimal,
    pub mood: Mood,
    pub maybe_mood: Option<Mood>,
    pub note: Option<String>,
    pub maybe_day: Option<NaiveDate>,
    pub maybe_json: Option<serde_json::Value>,
    #[covet(default = 3)]
    pub retries: i32,
    #[covet(default = -2)]
    pub offset: i64,
    #[covet(default = "it's")]
    pub lang: String,
    #[covet(default = true)]
    pub active: bool,
    #[covet(default = false)]
    pub hidden: bool,
    #[covet(default = 1.5)]
    pub ratio: f64,
    #[covet(default = now)]
    pub created: DateTime<Utc>,
    #[covet(default = now)]
    pub stamp: NaiveDateTime,
    #[covet(default = now)]
    pub made_on: NaiveDate,
}

/// A composite key, a plain index, and an optional foreign key that sets `NULL`.
#[covet::model(table = "dr_member", primary_key(team, number), index(owner_id))]
pub struct Member {
    #[covet(max_length = 20)]
    pub team: String,
    pub number: i32,
    #[covet(references = Owner, on_delete = set_null)]
    pub owner_id: Option<i64>,
}

/// Foreign keys with other actions, one to its own table.
#[covet::model(table = "dr_link")]
pub struct Link {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(references = Owner, on_delete = restrict, on_update = cascade)]
    pub owner_id: i64,
    #[covet(references = Self, on_delete = set_null)]
    pub parent_id: Option<i64>,
}

/// `set_default`, which MariaDB accepts (and keeps as `restrict`) and MySQL 8 refuses.
#[covet::model(table = "dr_fallback")]
pub struct Fallback {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(references = Owner, on_delete = set_default)]
    pub owner_id: Option<i64>,
}

/// A row of one text column.
struct Text(String);

impl covet::FromRow for Text {
    fn from_row<R: covet::Row>(row: &R) -> covet::Result<Self> {
        row.decode(0).map(Text)
    }
}

/// Whether the server is MySQL proper, which refuses `set_default`.
async fn is_mysql_not_mariadb(t: &TestDb) -> bool {
    if t.backend != Backend::MySql {
        return false;
    }
    let version: Vec<Text> = unchecked_sql("SELECT CAST(VERSION() AS CHAR)")
        .fetch_all(&t.db)
        .await
        .unwrap();
    !version[0].0.contains("MariaDB")
}

pub mod v1 {
    use super::Mood;

    #[covet::model(table = "dr_pet")]
    pub struct Pet {
        #[covet(primary_key)]
        pub id: i64,
        pub mood: Mood,
        #[covet(default = 4)]
        pub legs: i32,
        pub name: Option<String>,
    }
}

pub mod v2 {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
    pub enum Mood {
        Happy,
        Sad,
        Grumpy,
    }

    /// `dr_pet` with another enum, default and nullability.
    #[covet::model(table = "dr_pet")]
    pub struct Pet {
        #[covet(primary_key)]
        pub id: i64,
        pub mood: Mood,
        #[covet(default = 3)]
        pub legs: i32,
        pub name: String,
    }
}

fn schema() -> Schema {
    Schema::from_tables(&[Owner::TABLE, Every::TABLE, Member::TABLE]).unwrap()
}

async fn create(t: &TestDb) -> Schema {
    t.create(&[Owner::TABLE, Every::TABLE, Member::TABLE]).await;
    schema()
}

async fn drift_of(t: &TestDb, expected: &Schema) -> Drift {
    drift(&t.db, expected).await.unwrap()
}

/// Runs static statements, in order, through one new connection.
///
/// One connection, because SQLite checks a statement's names against the schema its
/// connection last read: after another connection of a pool has dropped a column, adding it
/// back can fail as a duplicate. (Reads are not affected: a statement that runs is prepared
/// again when the schema has changed.)
async fn run(t: &TestDb, statements: &[&'static str]) {
    let db = covet::PoolOptions::new()
        .max_connections(1)
        .connect(&t.url)
        .await
        .unwrap();
    for &sql in statements {
        unchecked_sql(sql)
            .execute(&db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    db.close().await;
}

pub async fn a_table_covet_created_has_no_drift(t: &TestDb) {
    let expected = create(t).await;
    let found = drift_of(t, &expected).await;
    assert!(found.is_empty(), "{:?}:\n{found}", t.backend);
    assert_eq!(found.to_string(), "");

    // With rows in it, and through a new connection, still none.
    let owner = Owner {
        id: 0,
        email: "ada@example.com".into(),
        name: "Ada".into(),
        nickname: None,
    }
    .insert(&t.db)
    .await
    .unwrap();
    Member {
        team: "red".into(),
        number: 7,
        owner_id: Some(owner.id),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let db = covet::Database::connect(&t.url).await.unwrap();
    let found = drift(&db, &expected).await.unwrap();
    db.close().await;
    assert!(found.is_empty(), "{:?}:\n{found}", t.backend);

    // Foreign keys with every action.
    let mut more = vec![Link::TABLE];
    if !is_mysql_not_mariadb(t).await {
        more.push(Fallback::TABLE);
    }
    t.create(&more).await;
    let mut expected = expected;
    expected
        .tables
        .extend(Schema::from_tables(&more).unwrap().tables);
    let found = drift_of(t, &expected).await;
    assert!(found.is_empty(), "{:?}:\n{found}", t.backend);
}

pub async fn a_dropped_column_is_reported(t: &TestDb) {
    let expected = create(t).await;
    run(t, &["ALTER TABLE dr_owner DROP COLUMN name"]).await;
    let found = drift_of(t, &expected).await;
    assert_eq!(
        found.differences,
        [Difference::MissingColumn {
            table: "dr_owner".into(),
            column: "name".into(),
        }],
        "{found}"
    );
    assert_eq!(found.to_string(), "dr_owner.name: missing column");
}

pub async fn a_changed_type_is_reported(t: &TestDb) {
    let expected = create(t).await;
    let statements: &[&'static str] = match t.backend {
        Backend::Postgres => &["ALTER TABLE dr_owner ALTER COLUMN nickname TYPE varchar(10)"],
        Backend::MySql => &["ALTER TABLE dr_owner MODIFY nickname varchar(10) NULL"],
        // SQLite cannot change a type in place; the column is dropped and added again.
        _ => &[
            "ALTER TABLE dr_owner DROP COLUMN nickname",
            "ALTER TABLE dr_owner ADD COLUMN nickname varchar(10)",
        ],
    };
    run(t, statements).await;
    let found = drift_of(t, &expected).await;
    assert_eq!(
        found.differences,
        [Difference::ColumnType {
            table: "dr_owner".into(),
            column: "nickname".into(),
            expected: "varchar(40)".into(),
            found: "varchar(10)".into(),
        }],
        "{found}"
    );
    assert_eq!(
        found.to_string(),
        "dr_owner.nickname: type varchar(10), expected varchar(40)"
    );
}

pub async fn an_extra_table_is_reported(t: &TestDb) {
    let expected = create(t).await;
    // The migration history and covet's own tables are not drift.
    run(
        t,
        &[
            "CREATE TABLE dr_extra (id integer PRIMARY KEY, note varchar(20))",
            "CREATE TABLE covet_migrations (version bigint PRIMARY KEY)",
            "CREATE TABLE __covet_lock (id integer PRIMARY KEY)",
        ],
    )
    .await;
    let found = drift_of(t, &expected).await;
    assert_eq!(
        found.differences,
        [Difference::UnexpectedTable {
            table: "dr_extra".into(),
        }],
        "{found}"
    );

    // And a table the schema has that the database lacks.
    let mut more = expected.clone();
    let pets = Schema::from_tables(&[v1::Pet::TABLE]).unwrap();
    more.tables.extend(pets.tables);
    let found = drift_of(t, &more).await;
    assert_eq!(
        found.to_string(),
        "dr_extra: unexpected table\ndr_pet: missing table"
    );
}

pub async fn a_missing_index_and_foreign_key_are_reported(t: &TestDb) {
    let expected = create(t).await;
    let statements: &[&'static str] = match t.backend {
        Backend::Postgres => &[
            "ALTER TABLE dr_member DROP CONSTRAINT dr_member_owner_id_fkey",
            "DROP INDEX dr_member_owner_id_idx",
        ],
        // The index serves the foreign key: the key goes first.
        Backend::MySql => &[
            "ALTER TABLE dr_member DROP FOREIGN KEY dr_member_owner_id_fkey",
            "DROP INDEX dr_member_owner_id_idx ON dr_member",
        ],
        // SQLite drops a foreign key only by rebuilding the table: the same table without the
        // key (and without the index, which goes with the old table).
        _ => &[
            "CREATE TABLE dr_member_new (team varchar(20) NOT NULL, number integer NOT NULL, \
             owner_id integer NULL, CONSTRAINT dr_member_pkey PRIMARY KEY (team, number))",
            "INSERT INTO dr_member_new SELECT team, number, owner_id FROM dr_member",
            "DROP TABLE dr_member",
            "ALTER TABLE dr_member_new RENAME TO dr_member",
        ],
    };
    run(t, statements).await;
    let found = drift_of(t, &expected).await;
    assert_eq!(
        found.differences,
        [
            Difference::MissingForeignKey {
                table: "dr_member".into(),
                foreign_key: ForeignKey {
                    name: "dr_member_owner_id_fkey".into(),
                    columns: vec!["owner_id".into()],
                    references_table: "dr_owner".into(),
                    references_columns: vec!["id".into()],
                    on_delete: ReferentialAction::SetNull,
                    on_update: ReferentialAction::NoAction,
                },
            },
            Difference::MissingIndex {
                table: "dr_member".into(),
                index: Index {
                    name: "dr_member_owner_id_idx".into(),
                    columns: vec!["owner_id".into()],
                    unique: false,
                },
            },
        ],
        "{found}"
    );
    assert_eq!(
        found.to_string(),
        "dr_member: missing foreign key dr_member_owner_id_fkey (owner_id) -> dr_owner (id) \
         on delete set null on update no action\n\
         dr_member: missing index dr_member_owner_id_idx (owner_id)"
    );
}

pub async fn extra_indexes_keys_and_checks_are_reported(t: &TestDb) {
    let expected = create(t).await;
    let statements: &[&'static str] = match t.backend {
        Backend::Postgres => &[
            "CREATE UNIQUE INDEX dr_owner_name_key ON dr_owner (name)",
            "ALTER TABLE dr_owner ADD CONSTRAINT dr_owner_name_check CHECK (name <> '')",
        ],
        Backend::MySql => &[
            "CREATE UNIQUE INDEX dr_owner_name_key ON dr_owner (name)",
            "ALTER TABLE dr_owner ADD CONSTRAINT dr_owner_name_check CHECK (name <> '')",
        ],
        // SQLite adds neither constraint to an existing table: a new table has both.
        _ => &[
            "CREATE UNIQUE INDEX dr_owner_name_key ON dr_owner (name)",
            "CREATE TABLE dr_log (id integer PRIMARY KEY, owner_id integer REFERENCES dr_owner, \
             CHECK (id > 0))",
        ],
    };
    run(t, statements).await;
    let found = drift_of(t, &expected).await;
    let lines: Vec<String> = found.differences.iter().map(ToString::to_string).collect();
    match t.backend {
        Backend::Sqlite => assert_eq!(
            lines,
            [
                "dr_log: unexpected table",
                "dr_owner: unexpected unique index dr_owner_name_key (name)",
            ],
        ),
        Backend::Postgres => assert_eq!(
            lines,
            [
                "dr_owner: unexpected check dr_owner_name_check (((name)::text <> ''::text))",
                "dr_owner: unexpected unique index dr_owner_name_key (name)",
            ],
        ),
        _ => assert_eq!(
            lines,
            [
                "dr_owner: unexpected check dr_owner_name_check (`name` <> '')",
                "dr_owner: unexpected unique index dr_owner_name_key (name)",
            ],
        ),
    }
    if t.backend == Backend::Sqlite {
        // The unnamed key and check of a table the schema does not know, compared with a
        // schema that has the table without them.
        let mut with_log = expected.clone();
        let mut log = covet_migrate::Table::new("dr_log");
        log.columns.push(covet_migrate::Column {
            nullable: true,
            ..covet_migrate::Column::new("id", covet_migrate::ColumnType::Int)
        });
        log.columns.push(covet_migrate::Column {
            nullable: true,
            ..covet_migrate::Column::new("owner_id", covet_migrate::ColumnType::Int)
        });
        log.primary_key.push("id".into());
        with_log.tables.insert("dr_log".into(), log);
        let lines: Vec<String> = drift_of(t, &with_log)
            .await
            .differences
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "dr_log: unexpected unnamed check (id > 0)",
                "dr_log: unexpected unnamed foreign key (owner_id) -> dr_owner (id) \
                 on delete no action on update no action",
                "dr_owner: unexpected unique index dr_owner_name_key (name)",
            ]
        );
    }
}

pub async fn enum_values_defaults_and_nullability_are_compared(t: &TestDb) {
    t.create(&[v1::Pet::TABLE]).await;
    let v1 = Schema::from_tables(&[v1::Pet::TABLE]).unwrap();
    assert!(drift_of(t, &v1).await.is_empty());

    let v2 = Schema::from_tables(&[v2::Pet::TABLE]).unwrap();
    let found = drift_of(t, &v2).await;
    let lines: Vec<String> = found.differences.iter().map(ToString::to_string).collect();
    let check = match t.backend {
        Backend::Postgres => {
            "((mood)::text = ANY ((ARRAY['happy'::character varying, 'sad'::character varying, \
             'so-so'::character varying])::text[]))"
        }
        Backend::MySql => "`mood` in ('happy','sad','so-so')",
        _ => "\"mood\" IN ('happy', 'sad', 'so-so')",
    };
    assert_eq!(
        lines,
        [
            "dr_pet.legs: default 4, expected 3".to_owned(),
            format!(
                "dr_pet.mood: check dr_pet_mood_check ({check}), expected mood IN ('grumpy', \
                 'happy', 'sad')"
            ),
            "dr_pet.name: NULL, expected NOT NULL".to_owned(),
        ]
    );
    assert!(matches!(
        &found.differences[1],
        Difference::CheckDiffers { expected, .. } if expected == &["grumpy", "happy", "sad"]
    ));
}
