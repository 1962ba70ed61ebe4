//! Snapshots of the SQL covet generates, for each dialect: the text of representative queries
//! (`Select::to_sql`) and of the DDL `#[model]` tables produce
//! (`covet::schema::create_table_statements`).
//!
//! Each snapshot holds the PostgreSQL, MySQL and SQLite renderings of one statement, one after
//! the other. After a deliberate change, review the new text with `cargo insta review` (or run
//! with `INSTA_UPDATE=always` and read the diff): every rendering must be valid for its dialect.

#![allow(clippy::unwrap_used, missing_docs, unreachable_pub, dead_code)]

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use covet::query::Select;
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
