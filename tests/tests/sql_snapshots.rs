//! Snapshots of the SQL covet generates, for each dialect: the text of representative queries
//! (`Select::to_sql`), of the statements `count` and `exists` send, of single-row writes by key
//! and bulk writes (the hidden `covet::query::write::*_sql` renderers and `UpdateMany::to_sql` /
//! `DeleteMany::to_sql`), and of the DDL `#[model]` tables produce
//! (`covet::schema::create_table_statements`).
//!
//! Every renderer builds its statement with the same function the executing method uses, so a
//! snapshot shows the text that runs.
//!
//! Each snapshot holds the PostgreSQL, MySQL and SQLite renderings of one statement, one after
//! the other. After a deliberate change, review the new text with `cargo insta review` (or run
//! with `INSTA_UPDATE=always` and read the diff): every rendering must be valid for its dialect.

#![allow(clippy::unwrap_used, missing_docs, unreachable_pub, dead_code)]

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use covet::query::{Select, write};
use covet::schema::{TableDef, create_table_statements};
use covet::{Backend, Json, Model};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const BACKENDS: [Backend; 3] = [Backend::Postgres, Backend::MySql, Backend::Sqlite];

/// One query in every dialect.
fn query<M: Model>(select: Select<M>) -> String {
    let mut out = String::new();
    for backend in BACKENDS {
        let sql = select.to_sql(backend).unwrap();
        out.push_str(&format!("-- {backend}\n{sql}\n"));
    }
    out
}

/// One statement (or several, one per line) in every dialect.
fn each(render: impl Fn(Backend) -> covet::Result<String>) -> String {
    let mut out = String::new();
    for backend in BACKENDS {
        let sql = render(backend).unwrap();
        out.push_str(&format!("-- {backend}\n{sql}\n"));
    }
    out
}

/// The DDL of one table in every dialect, one statement per line.
fn ddl(table: &TableDef) -> String {
    let mut out = String::new();
    for backend in BACKENDS {
        out.push_str(&format!("-- {backend}\n"));
        for statement in create_table_statements(table, backend) {
            out.push_str(&statement);
            out.push_str(";\n");
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Queries

#[covet::model(table = "people")]
struct Person {
    #[covet(primary_key)]
    id: i64,
    name: String,
    age: i32,
    score: f64,
    nickname: Option<String>,
}

#[test]
fn select_all() {
    insta::assert_snapshot!(query(Person::query()));
}

#[test]
fn comparisons() {
    insta::assert_snapshot!(query(Person::query().filter(
        Person::id.eq(1)
            & Person::name.ne("Bob")
            & Person::age.lt(65)
            & Person::age.le(64)
            & Person::score.gt(1.5)
            & Person::score.ge(1.0)
    )));
}

#[test]
fn between_and_lists() {
    insta::assert_snapshot!(query(Person::query().filter(
        Person::age.between(18, 30)
            & Person::id.is_in([1, 2, 3])
            & Person::name.is_not_in(["a", "b"])
    )));
}

#[test]
fn empty_lists() {
    insta::assert_snapshot!(query(
        Person::query()
            .filter(Person::id.is_in(Vec::<i64>::new()))
            .filter(Person::id.is_not_in(Vec::<i64>::new()))
    ));
}

#[test]
fn like_and_escaping() {
    insta::assert_snapshot!(query(Person::query().filter(
        Person::name.like("A%")
            & Person::name.not_like("%z")
            & Person::name.contains("50%_off\\")
            & Person::name.starts_with("O'Brien")
            & Person::nickname.ends_with("_x")
    )));
}

#[test]
fn null_checks() {
    insta::assert_snapshot!(query(
        Person::query()
            .filter(Person::nickname.is_null())
            .filter(Person::nickname.is_not_null())
            .filter(Person::nickname.eq("Al"))
    ));
}

#[test]
fn and_or_not_nesting() {
    insta::assert_snapshot!(query(
        Person::query().filter(
            (Person::age.ge(18) & !Person::name.eq("root"))
                | !(Person::score.lt(0.5) | Person::nickname.is_null())
                | Person::id
                    .eq(7)
                    .and(Person::age.ne(3).or(Person::age.eq(4)).not())
        )
    ));
}

#[test]
fn order_by_two_columns_with_limit() {
    insta::assert_snapshot!(query(
        Person::query()
            .order_by(Person::age.desc())
            .order_by(Person::name.asc())
            .limit(10)
    ));
}

#[test]
fn offset_alone() {
    insta::assert_snapshot!(query(Person::query().offset(20)));
}

#[test]
fn limit_and_offset() {
    insta::assert_snapshot!(query(
        Person::query()
            .filter(Person::age.gt(1))
            .order_by(Person::id.asc())
            .limit(10)
            .offset(20)
    ));
}

// ---------------------------------------------------------------------------------------------
// count and exists

#[test]
fn count_with_a_filter_drops_the_order() {
    let query = Person::query()
        .filter(Person::age.ge(18))
        .order_by(Person::name.asc());
    insta::assert_snapshot!(each(|backend| query.count_sql(backend)));
}

#[test]
fn count_with_limit_and_offset_counts_a_subquery() {
    let query = Person::query()
        .filter(Person::age.ge(18))
        .order_by(Person::name.asc())
        .limit(10)
        .offset(20);
    insta::assert_snapshot!(each(|backend| query.count_sql(backend)));
}

#[test]
fn count_with_an_offset_alone() {
    let query = Person::query().offset(5);
    insta::assert_snapshot!(each(|backend| query.count_sql(backend)));
}

#[test]
fn exists_selects_one_column_of_one_row() {
    let query = Person::query()
        .filter(Person::nickname.is_not_null())
        .order_by(Person::age.desc());
    insta::assert_snapshot!(each(|backend| query.exists_sql(backend)));
}

#[test]
fn exists_within_limit_and_offset() {
    let query = Person::query().limit(10).offset(3);
    insta::assert_snapshot!(each(|backend| query.exists_sql(backend)));
}

// ---------------------------------------------------------------------------------------------
// Single rows by key

fn ada() -> Person {
    Person {
        id: 7,
        name: "Ada".into(),
        age: 36,
        score: 1.5,
        nickname: None,
    }
}

#[test]
fn get_and_exists_by_key() {
    let mut out = String::from("-- get / find\n");
    out.push_str(&each(|backend| {
        write::by_key::<Person>(7)?.first_sql(backend)
    }));
    out.push_str("-- exists\n");
    out.push_str(&each(|backend| {
        write::by_key::<Person>(7)?.exists_sql(backend)
    }));
    insta::assert_snapshot!(out);
}

/// PostgreSQL and SQLite read the generated key back with `RETURNING`; MySQL takes it from the
/// last insert id, so its insert returns nothing.
#[test]
fn insert_returning_the_generated_key() {
    insta::assert_snapshot!(each(|backend| Ok(
        write::insert_sql(&ada(), backend)?.join(";\n")
    )));
}

/// Columns the database generates besides the key.
#[covet::model(table = "stamped")]
struct Stamped {
    #[covet(primary_key)]
    id: i64,
    title: String,
    #[covet(default = now, generated)]
    created_at: DateTime<Utc>,
    #[covet(default = 0, generated)]
    views: i32,
}

/// On MySQL the other generated columns are selected by key after the insert.
#[test]
fn insert_reading_back_generated_columns() {
    let row = Stamped {
        id: 0,
        title: "Hello".into(),
        created_at: DateTime::UNIX_EPOCH,
        views: 0,
    };
    insta::assert_snapshot!(each(|backend| Ok(
        write::insert_sql(&row, backend)?.join(";\n")
    )));
}

/// Nothing generated: a plain insert everywhere.
#[test]
fn insert_with_a_given_key() {
    let row = Country {
        code: "FR".into(),
        name: "France".into(),
    };
    insta::assert_snapshot!(each(|backend| Ok(
        write::insert_sql(&row, backend)?.join(";\n")
    )));
}

#[test]
fn update_by_key_writes_every_other_column() {
    insta::assert_snapshot!(each(|backend| write::update_sql(&ada(), backend)));
}

/// A column named twice is assigned once, in column order.
#[test]
fn update_columns_writes_only_the_named_columns() {
    insta::assert_snapshot!(each(|backend| write::update_columns_sql(
        &ada(),
        backend,
        (Person::nickname, Person::name, Person::nickname)
    )));
}

#[test]
fn delete_by_key() {
    insta::assert_snapshot!(each(|backend| write::delete_sql(&ada(), backend)));
}

#[test]
fn update_and_delete_by_a_composite_key() {
    let row = Membership {
        group_id: 1,
        author_id: 2,
        invited_by: None,
        role: "admin".into(),
        nickname: "root".into(),
        joined_at: DateTime::UNIX_EPOCH.naive_utc(),
    };
    let mut out = String::from("-- update\n");
    out.push_str(&each(|backend| write::update_sql(&row, backend)));
    out.push_str("-- delete\n");
    out.push_str(&each(|backend| write::delete_sql(&row, backend)));
    insta::assert_snapshot!(out);
}

// ---------------------------------------------------------------------------------------------
// Bulk writes

#[test]
fn update_many_with_a_filter() {
    let update = Person::update_many()
        .set(Person::nickname, Some("adult".to_owned()))
        .set(Person::score, 0.0)
        .filter(Person::age.ge(18))
        .filter(Person::name.ne("root"));
    insta::assert_snapshot!(each(|backend| update.to_sql(backend)));
}

#[test]
fn update_many_of_all_rows() {
    let update = Person::update_many().set(Person::age, 0).all_rows();
    insta::assert_snapshot!(each(|backend| update.to_sql(backend)));
}

#[test]
fn delete_many_with_a_filter() {
    let delete = Person::delete_many().filter(Person::age.lt(18) | Person::nickname.is_null());
    insta::assert_snapshot!(each(|backend| delete.to_sql(backend)));
}

#[test]
fn delete_many_of_all_rows() {
    let delete = Person::delete_many().all_rows();
    insta::assert_snapshot!(each(|backend| delete.to_sql(backend)));
}

/// The renderers refuse what the executors refuse, instead of showing SQL that never runs.
#[test]
fn bulk_writes_without_a_filter_render_no_sql() {
    let update = Person::update_many().set(Person::age, 0);
    let error = update.to_sql(Backend::Postgres).unwrap_err();
    assert_eq!(error.kind(), covet::ErrorKind::Configuration);
    let error = Person::delete_many().to_sql(Backend::Sqlite).unwrap_err();
    assert_eq!(error.kind(), covet::ErrorKind::Configuration);
}

// ---------------------------------------------------------------------------------------------
// DDL

/// Stored as a CHECK-constrained string.
#[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
enum Status {
    Draft,
    InReview,
    #[covet(rename = "gone")]
    Archived,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Settings {
    theme: String,
}

/// One column of every type covet maps.
#[covet::model(table = "all_types")]
struct AllTypes {
    #[covet(primary_key)]
    id: i64,
    small: i16,
    int: i32,
    big: i64,
    real: f32,
    double: f64,
    flag: bool,
    name: String,
    #[covet(max_length = 40)]
    label: String,
    #[covet(text)]
    body: String,
    bytes: Vec<u8>,
    day: NaiveDate,
    time: NaiveTime,
    local: NaiveDateTime,
    at: DateTime<Utc>,
    uuid: Uuid,
    doc: serde_json::Value,
    settings: Json<Settings>,
    price: Decimal,
    #[covet(precision = 10, scale = 2)]
    fee: Decimal,
    status: Status,
    #[covet(column = "maybe_name")]
    nickname: Option<String>,
    maybe_at: Option<DateTime<Utc>>,
    maybe_status: Option<Status>,
    #[covet(skip)]
    cache: Option<String>,
}

#[test]
fn ddl_every_column_type() {
    insta::assert_snapshot!(ddl(AllTypes::TABLE));
}

/// Defaults of every kind, and a generated column.
#[covet::model(table = "defaults")]
struct Defaults {
    #[covet(primary_key)]
    id: i32,
    #[covet(default = 0)]
    hits: i32,
    #[covet(default = -5)]
    delta: i64,
    #[covet(default = 1.5)]
    ratio: f64,
    #[covet(default = "it's new")]
    note: String,
    #[covet(text, default = "")]
    bio: String,
    #[covet(default = "draft")]
    status: Status,
    #[covet(default = true)]
    active: bool,
    #[covet(default = false)]
    hidden: bool,
    #[covet(default = now, generated)]
    created_at: DateTime<Utc>,
    #[covet(default = now)]
    local: NaiveDateTime,
    #[covet(default = 0)]
    balance: Decimal,
}

#[test]
fn ddl_defaults() {
    insta::assert_snapshot!(ddl(Defaults::TABLE));
}

#[covet::model(table = "authors")]
struct Author {
    #[covet(primary_key)]
    id: i64,
    #[covet(unique, max_length = 200)]
    email: String,
}

#[covet::model(table = "groups")]
struct Group {
    #[covet(primary_key)]
    id: i32,
}

/// A composite key, composite unique and plain indexes, foreign keys with actions.
#[covet::model(
    table = "memberships",
    primary_key(group_id, author_id),
    index(role, joined_at),
    unique(author_id, nickname)
)]
struct Membership {
    #[covet(references = Group, on_delete = cascade)]
    group_id: i32,
    #[covet(references = Author, on_delete = restrict, on_update = cascade)]
    author_id: i64,
    #[covet(references = Author, on_delete = cascade, on_update = set_null)]
    invited_by: Option<i64>,
    #[covet(index)]
    role: String,
    #[covet(max_length = 50)]
    nickname: String,
    joined_at: NaiveDateTime,
}

#[test]
fn ddl_composite_key_indexes_and_foreign_keys() {
    insta::assert_snapshot!(ddl(Membership::TABLE));
}

#[test]
fn ddl_auto_increment_keys() {
    let mut out = ddl(Author::TABLE);
    out.push_str(&ddl(Group::TABLE));
    insta::assert_snapshot!(out);
}

/// Keys that do not number themselves: text, and an integer with `auto_increment = false`.
#[covet::model(table = "countries")]
struct Country {
    #[covet(primary_key, max_length = 2)]
    code: String,
    name: String,
}

#[covet::model(table = "slots")]
struct Slot {
    #[covet(primary_key, auto_increment = false)]
    number: i64,
    #[covet(references = Country, on_delete = set_default)]
    country: String,
}

#[test]
fn ddl_keys_without_auto_increment() {
    let mut out = ddl(Country::TABLE);
    out.push_str(&ddl(Slot::TABLE));
    insta::assert_snapshot!(out);
}
