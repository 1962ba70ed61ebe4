//! Every supported column type, written and read back exactly, and filtered on.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use covet::prelude::*;
use covet::{FromRow, Json, Row};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::TestDb;

#[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
pub enum Mood {
    Happy,
    Sad,
    #[covet(rename = "so-so")]
    SoSo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prefs {
    pub theme: String,
    pub font_size: u8,
    pub tags: Vec<String>,
    pub ratio: Option<f64>,
}

/// A custom type stored as a native one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cents(pub i64);

impl SqlValue for Cents {
    type Native = i64;

    fn to_native(&self) -> Result<i64, covet::BoxError> {
        Ok(self.0)
    }

    fn from_native(native: i64) -> Result<Self, covet::BoxError> {
        Ok(Cents(native))
    }
}

/// A custom type that validates what it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(pub String);

impl SqlValue for Email {
    type Native = String;

    fn to_native(&self) -> Result<String, covet::BoxError> {
        Ok(self.0.clone())
    }

    fn from_native(native: String) -> Result<Self, covet::BoxError> {
        if native.contains('@') {
            Ok(Email(native))
        } else {
            Err(format!("`{native}` is not an e-mail address").into())
        }
    }
}

#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Everything {
    #[covet(primary_key)]
    pub id: i64,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub single: f32,
    pub double: f64,
    pub flag: bool,
    pub text: String,
    pub bytes: Vec<u8>,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub datetime: NaiveDateTime,
    pub instant: DateTime<Utc>,
    pub uuid: Uuid,
    pub json: serde_json::Value,
    pub prefs: Json<Prefs>,
    pub amount: Decimal,
    #[covet(precision = 12, scale = 4)]
    pub price: Decimal,
    pub mood: Mood,
    pub cents: Cents,
    pub email: Email,
}

#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Optionals {
    #[covet(primary_key)]
    pub id: i64,
    pub int: Option<i32>,
    pub big: Option<i64>,
    pub double: Option<f64>,
    pub flag: Option<bool>,
    pub text: Option<String>,
    pub bytes: Option<Vec<u8>>,
    pub date: Option<NaiveDate>,
    pub datetime: Option<NaiveDateTime>,
    pub instant: Option<DateTime<Utc>>,
    pub uuid: Option<Uuid>,
    pub json: Option<serde_json::Value>,
    pub prefs: Option<Json<Prefs>>,
    pub amount: Option<Decimal>,
    pub mood: Option<Mood>,
    pub cents: Option<Cents>,
}

#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Lengths {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(max_length = 5)]
    pub code: String,
    #[covet(text)]
    pub body: String,
    #[covet(text)]
    pub summary: Option<String>,
}

/// The table the CHECK-constraint tests write to with raw SQL.
#[covet::model(table = "mood_row")]
#[derive(Debug, Clone, PartialEq)]
pub struct MoodRow {
    #[covet(primary_key)]
    pub id: i64,
    pub mood: Mood,
}

#[covet::model(table = "contact")]
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    #[covet(primary_key)]
    pub id: i64,
    pub email: Email,
}

/// Decimals of several scales, for the comparison tests.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Priced {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(max_length = 20)]
    pub label: String,
    pub amount: Decimal,
}

/// One text column read with `unchecked_sql`.
struct Text(String);

impl FromRow for Text {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        row.decode(0).map(Text)
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn time(h: u32, m: u32, s: u32, micro: u32) -> NaiveTime {
    NaiveTime::from_hms_micro_opt(h, m, s, micro).unwrap()
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// Two rows that differ in every column, with extreme values where the type has them.
fn samples() -> [Everything; 2] {
    let first = Everything {
        id: 0,
        small: i16::MIN,
        int: i32::MAX,
        big: i64::MIN,
        single: 0.1,
        double: -1.0e300,
        flag: true,
        text: "héllo wörld — 日本語 🎉 \"quoted\" 'single'".into(),
        bytes: (0..=255).collect(),
        date: date(2024, 2, 29),
        time: time(23, 59, 59, 999_999),
        datetime: date(2024, 2, 29).and_time(time(13, 14, 15, 123_456)),
        instant: Utc.with_ymd_and_hms(2024, 2, 29, 13, 14, 15).unwrap()
            + chrono::Duration::microseconds(654_321),
        uuid: Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        json: json!({
            "name": "covet",
            "nested": {"list": [1, 2.5, "three", null, true], "empty": {}},
            "unicode": "é日",
        }),
        prefs: Json(Prefs {
            theme: "dark".into(),
            font_size: 14,
            tags: vec!["a".into(), "b".into()],
            ratio: Some(1.5),
        }),
        amount: decimal("12345.6789"),
        price: decimal("99999999.9999"),
        mood: Mood::SoSo,
        cents: Cents(-12_345),
        email: Email("ada@example.com".into()),
    };
    let second = Everything {
        id: 0,
        small: i16::MAX,
        int: i32::MIN,
        big: i64::MAX,
        single: -123.456,
        double: f64::EPSILON,
        flag: false,
        text: String::new(),
        bytes: Vec::new(),
        date: date(1970, 1, 1),
        time: time(0, 0, 0, 1),
        datetime: date(1999, 12, 31).and_time(time(23, 59, 59, 1)),
        instant: Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap(),
        uuid: Uuid::from_u128(u128::MAX - 1),
        json: json!([1, "two", {"three": 3}]),
        prefs: Json(Prefs {
            theme: String::new(),
            font_size: 0,
            tags: Vec::new(),
            ratio: None,
        }),
        amount: decimal("-0.0001"),
        price: decimal("-12.5"),
        mood: Mood::Happy,
        cents: Cents(i64::MAX),
        email: Email("grace@example.org".into()),
    };
    [first, second]
}

pub async fn every_type_round_trips_exactly(t: &TestDb) {
    t.create(&[Everything::TABLE]).await;
    for sample in samples() {
        let inserted = sample.clone().insert(&t.db).await.unwrap();
        assert!(inserted.id > 0);
        let read = Everything::get(&t.db, inserted.id).await.unwrap();
        assert_eq!(
            read,
            Everything {
                id: inserted.id,
                ..sample
            }
        );
        // Decimal equality ignores trailing zeros: compare the digits too, without them.
        assert_eq!(
            read.amount.normalize().to_string(),
            sample.amount.normalize().to_string()
        );
    }
}

pub async fn every_type_round_trips_through_update(t: &TestDb) {
    t.create(&[Everything::TABLE]).await;
    let [first, second] = samples();
    let inserted = first.insert(&t.db).await.unwrap();
    let replaced = Everything {
        id: inserted.id,
        ..second
    };
    replaced.update(&t.db).await.unwrap();
    assert_eq!(Everything::get(&t.db, inserted.id).await.unwrap(), replaced);
}

/// Filters `Everything` on `column == value` and returns the matching ids.
macro_rules! ids_where {
    ($t:expr, $column:ident, $value:expr) => {{
        let mut ids: Vec<i64> = Everything::query()
            .filter(Everything::$column.eq($value))
            .all(&$t.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.id)
            .collect();
        ids.sort_unstable();
        ids
    }};
}

pub async fn filtering_by_each_type_finds_its_row(t: &TestDb) {
    t.create(&[Everything::TABLE]).await;
    let mut rows = Vec::new();
    for sample in samples() {
        rows.push(sample.insert(&t.db).await.unwrap());
    }
    for row in &rows {
        let id = vec![row.id];
        assert_eq!(ids_where!(t, small, row.small), id, "small");
        assert_eq!(ids_where!(t, int, row.int), id, "int");
        assert_eq!(ids_where!(t, big, row.big), id, "big");
        assert_eq!(ids_where!(t, single, row.single), id, "single");
        assert_eq!(ids_where!(t, double, row.double), id, "double");
        assert_eq!(ids_where!(t, flag, row.flag), id, "flag");
        assert_eq!(ids_where!(t, text, row.text.clone()), id, "text");
        assert_eq!(ids_where!(t, bytes, row.bytes.clone()), id, "bytes");
        assert_eq!(ids_where!(t, date, row.date), id, "date");
        assert_eq!(ids_where!(t, time, row.time), id, "time");
        assert_eq!(ids_where!(t, datetime, row.datetime), id, "datetime");
        assert_eq!(ids_where!(t, instant, row.instant), id, "instant");
        assert_eq!(ids_where!(t, uuid, row.uuid), id, "uuid");
        assert_eq!(ids_where!(t, amount, row.amount), id, "amount");
        assert_eq!(ids_where!(t, price, row.price), id, "price");
        assert_eq!(ids_where!(t, mood, row.mood), id, "mood");
        assert_eq!(ids_where!(t, cents, row.cents), id, "cents");
        assert_eq!(ids_where!(t, email, row.email.clone()), id, "email");
        // JSON equality is the dialect's: PostgreSQL compares jsonb values, MySQL/MariaDB and
        // SQLite compare the stored text, which covet writes the same way each time.
        assert_eq!(ids_where!(t, json, row.json.clone()), id, "json");
        assert_eq!(ids_where!(t, prefs, row.prefs.clone()), id, "prefs");
    }
    // Values stored in neither row match nothing.
    assert!(ids_where!(t, big, 0).is_empty());
    assert!(ids_where!(t, mood, Mood::Sad).is_empty());
    assert!(ids_where!(t, uuid, Uuid::nil()).is_empty());
    assert!(ids_where!(t, amount, decimal("12345.679")).is_empty());
    assert!(
        ids_where!(
            t,
            instant,
            rows[0].instant + chrono::Duration::microseconds(1)
        )
        .is_empty()
    );
}

pub async fn ordering_compares_values_of_the_type(t: &TestDb) {
    t.create(&[Everything::TABLE]).await;
    let mut rows = Vec::new();
    for sample in samples() {
        rows.push(sample.insert(&t.db).await.unwrap());
    }
    let (first, second) = (rows[0].id, rows[1].id);
    let ids = |query: covet::query::Select<Everything>| async move {
        query
            .all(&t.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(Everything::query().order_by(Everything::big.asc())).await,
        [first, second]
    );
    assert_eq!(
        ids(Everything::query().order_by(Everything::int.asc())).await,
        [second, first]
    );
    assert_eq!(
        ids(Everything::query().order_by(Everything::date.desc())).await,
        [first, second]
    );
    assert_eq!(
        ids(Everything::query().order_by(Everything::datetime.asc())).await,
        [second, first]
    );
    assert_eq!(
        ids(Everything::query().order_by(Everything::instant.asc())).await,
        [second, first]
    );
    assert_eq!(
        ids(Everything::query().filter(Everything::double.lt(0.0))).await,
        [first]
    );
    assert_eq!(
        ids(Everything::query()
            .filter(Everything::instant.gt(Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap())))
        .await,
        [first]
    );
    // SQLite stores decimals as text and compares them as text; the other dialects compare
    // numbers. `-0.0001 < 12345.6789` holds either way.
    assert_eq!(
        ids(Everything::query().filter(Everything::amount.lt(decimal("1")))).await,
        [second]
    );
}

pub async fn optional_columns_round_trip_some_and_none(t: &TestDb) {
    t.create(&[Optionals::TABLE]).await;
    let [sample, _] = samples();
    let some = Optionals {
        id: 0,
        int: Some(-7),
        big: Some(i64::MAX),
        double: Some(2.5),
        flag: Some(false),
        text: Some(String::new()),
        bytes: Some(vec![0, 1, 2, 255]),
        date: Some(sample.date),
        datetime: Some(sample.datetime),
        instant: Some(sample.instant),
        uuid: Some(sample.uuid),
        json: Some(sample.json.clone()),
        prefs: Some(sample.prefs.clone()),
        amount: Some(sample.amount),
        mood: Some(Mood::Sad),
        cents: Some(Cents(0)),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let none = Optionals {
        id: 0,
        int: None,
        big: None,
        double: None,
        flag: None,
        text: None,
        bytes: None,
        date: None,
        datetime: None,
        instant: None,
        uuid: None,
        json: None,
        prefs: None,
        amount: None,
        mood: None,
        cents: None,
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_eq!(Optionals::get(&t.db, some.id).await.unwrap(), some);
    assert_eq!(Optionals::get(&t.db, none.id).await.unwrap(), none);

    let ids = |filter: covet::query::Filter<Optionals>| async move {
        Optionals::query()
            .filter(filter)
            .all(&t.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.id)
            .collect::<Vec<_>>()
    };
    // Every column is NULL in one row only, and a Some value finds the other.
    assert_eq!(ids(Optionals::int.is_null()).await, [none.id]);
    assert_eq!(ids(Optionals::text.is_null()).await, [none.id]);
    assert_eq!(ids(Optionals::bytes.is_null()).await, [none.id]);
    assert_eq!(ids(Optionals::json.is_null()).await, [none.id]);
    assert_eq!(ids(Optionals::prefs.is_null()).await, [none.id]);
    assert_eq!(ids(Optionals::mood.is_null()).await, [none.id]);
    assert_eq!(ids(Optionals::cents.is_not_null()).await, [some.id]);
    assert_eq!(ids(Optionals::instant.is_not_null()).await, [some.id]);
    assert_eq!(ids(Optionals::int.eq(-7)).await, [some.id]);
    assert_eq!(ids(Optionals::int.eq(None)).await, [none.id]);
    assert_eq!(ids(Optionals::mood.eq(None)).await, [none.id]);
    assert_eq!(ids(Optionals::json.ne(None)).await, [some.id]);
    assert_eq!(ids(Optionals::text.eq("")).await, [some.id]);
    assert_eq!(ids(Optionals::mood.eq(Mood::Sad)).await, [some.id]);
    assert_eq!(ids(Optionals::amount.eq(sample.amount)).await, [some.id]);
    assert_eq!(ids(Optionals::uuid.eq(sample.uuid)).await, [some.id]);
    assert_eq!(ids(Optionals::cents.eq(Cents(0))).await, [some.id]);
    assert_eq!(ids(Optionals::flag.eq(false)).await, [some.id]);

    // Setting to None and back.
    let cleared = Optionals {
        id: some.id,
        ..none.clone()
    };
    cleared.update(&t.db).await.unwrap();
    assert_eq!(Optionals::get(&t.db, some.id).await.unwrap(), cleared);
    assert_eq!(ids(Optionals::mood.is_null()).await.len(), 2);
    let restored = Optionals {
        id: some.id,
        ..some.clone()
    };
    restored.update(&t.db).await.unwrap();
    assert_eq!(Optionals::get(&t.db, some.id).await.unwrap(), some);
}

pub async fn enum_variants_are_stored_as_their_names(t: &TestDb) {
    t.create(&[MoodRow::TABLE]).await;
    for mood in [Mood::Happy, Mood::Sad, Mood::SoSo] {
        MoodRow { id: 0, mood }.insert(&t.db).await.unwrap();
    }
    let stored: Vec<Text> = covet::unchecked_sql("SELECT mood FROM mood_row ORDER BY id")
        .fetch_all(&t.db)
        .await
        .unwrap();
    let stored: Vec<&str> = stored.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(stored, ["happy", "sad", "so-so"]);
    let so_so = MoodRow::query()
        .filter(MoodRow::mood.eq(Mood::SoSo))
        .one(&t.db)
        .await
        .unwrap();
    assert_eq!(so_so.mood, Mood::SoSo);
    assert_eq!(
        MoodRow::query()
            .filter(MoodRow::mood.is_in([Mood::Happy, Mood::SoSo]))
            .count(&t.db)
            .await
            .unwrap(),
        2
    );
}

pub async fn an_enum_value_outside_its_set_is_rejected_by_the_database(t: &TestDb) {
    t.create(&[MoodRow::TABLE]).await;
    MoodRow {
        id: 0,
        mood: Mood::Happy,
    }
    .insert(&t.db)
    .await
    .unwrap();
    let (insert, update): (&'static str, &'static str) = match t.backend {
        Backend::Postgres => (
            "INSERT INTO mood_row (mood) VALUES ($1)",
            "UPDATE mood_row SET mood = $1",
        ),
        _ => (
            "INSERT INTO mood_row (mood) VALUES (?)",
            "UPDATE mood_row SET mood = ?",
        ),
    };
    let error = covet::unchecked_sql(insert)
        .bind("angry")
        .execute(&t.db)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::CheckViolation, "{error:?}");
    // The check is exact: a value that differs from a variant only in case is refused too
    // (MariaDB compares strings case-insensitively unless the column says otherwise).
    for value in ["Happy", "SAD", "so_so", ""] {
        let error = covet::unchecked_sql(update)
            .bind(value.to_owned())
            .execute(&t.db)
            .await
            .unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::CheckViolation,
            "{value:?}: {error:?}"
        );
    }
    let rows = MoodRow::query().all(&t.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].mood, Mood::Happy);
}

pub async fn reading_an_unknown_enum_value_is_a_decode_error(t: &TestDb) {
    t.create(&[MoodRow::TABLE]).await;
    // Store a value the CHECK constraint would refuse, by taking the constraint out of the way.
    match t.backend {
        Backend::Postgres => {
            covet::unchecked_sql("ALTER TABLE mood_row DROP CONSTRAINT mood_row_mood_check")
                .execute(&t.db)
                .await
                .unwrap();
            covet::unchecked_sql("INSERT INTO mood_row (mood) VALUES ($1)")
                .bind("angry")
                .execute(&t.db)
                .await
                .unwrap();
        }
        Backend::MySql => {
            covet::unchecked_sql("ALTER TABLE mood_row DROP CONSTRAINT mood_row_mood_check")
                .execute(&t.db)
                .await
                .unwrap();
            covet::unchecked_sql("INSERT INTO mood_row (mood) VALUES (?)")
                .bind("angry")
                .execute(&t.db)
                .await
                .unwrap();
        }
        _ => {
            // SQLite cannot drop a constraint, but checks can be switched off for one
            // connection; the three statements run together on the same one.
            covet::unchecked_sql(
                "PRAGMA ignore_check_constraints = ON; \
                 INSERT INTO mood_row (mood) VALUES (?); \
                 PRAGMA ignore_check_constraints = OFF",
            )
            .bind("angry")
            .execute(&t.db)
            .await
            .unwrap();
        }
    }
    let error = MoodRow::query().all(&t.db).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error:?}");
    let error = MoodRow::get(&t.db, 1).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error:?}");
    // The row is there: counting does not decode it.
    assert_eq!(MoodRow::query().count(&t.db).await.unwrap(), 1);
}

pub async fn a_custom_type_that_rejects_a_stored_value_is_a_decode_error(t: &TestDb) {
    t.create(&[Contact::TABLE]).await;
    let good = Contact {
        id: 0,
        email: Email("ada@example.com".into()),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let insert: &'static str = match t.backend {
        Backend::Postgres => "INSERT INTO contact (email) VALUES ($1)",
        _ => "INSERT INTO contact (email) VALUES (?)",
    };
    covet::unchecked_sql(insert)
        .bind("not an address")
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(Contact::get(&t.db, good.id).await.unwrap(), good);
    let error = Contact::query().all(&t.db).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.message().contains("not an address"), "{error}");
}

pub async fn text_columns_hold_long_values_and_max_length_is_declared(t: &TestDb) {
    t.create(&[Lengths::TABLE]).await;
    let long: String = "covet ✓ ".repeat(20_000);
    let row = Lengths {
        id: 0,
        code: "ABCDE".into(),
        body: long.clone(),
        summary: Some("x".repeat(70_000)),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let read = Lengths::get(&t.db, row.id).await.unwrap();
    assert_eq!(read.body.chars().count(), long.chars().count());
    assert_eq!(read, row);

    let too_long = Lengths {
        id: 0,
        code: "ABCDEF".into(),
        body: String::new(),
        summary: None,
    }
    .insert(&t.db)
    .await;
    match t.backend {
        // SQLite does not enforce a declared length.
        Backend::Sqlite => {
            let stored = too_long.unwrap();
            assert_eq!(Lengths::get(&t.db, stored.id).await.unwrap().code, "ABCDEF");
        }
        // PostgreSQL refuses the value; MariaDB too, in its default strict mode.
        _ => {
            assert!(too_long.is_err());
            assert_eq!(Lengths::query().count(&t.db).await.unwrap(), 1);
        }
    }
    // The limit counts characters, not bytes.
    let wide = Lengths {
        id: 0,
        code: "日本語✓é".into(),
        body: String::new(),
        summary: None,
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_eq!(Lengths::get(&t.db, wide.id).await.unwrap().code, "日本語✓é");
}

/// The labels of the `Priced` rows a query returns, in its order.
async fn labels(t: &TestDb, query: covet::query::Select<Priced>) -> Vec<String> {
    query
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.label)
        .collect()
}

pub async fn decimals_are_equal_at_any_scale_and_ordered_as_text_only_on_sqlite(t: &TestDb) {
    t.create(&[Priced::TABLE]).await;
    for (label, amount) in [
        ("nine", "9"),
        ("ten", "10.00"),
        ("one and a half", "1.50"),
        ("minus one", "-1"),
        ("minus two", "-2.0"),
    ] {
        Priced {
            id: 0,
            label: label.into(),
            amount: decimal(amount),
        }
        .insert(&t.db)
        .await
        .unwrap();
    }

    // Equality holds whatever scale the value is written with, on every backend: SQLite's text
    // is normalized when bound, so `1.50`, `1.5` and `1.500` are all stored and sent as `1.5`.
    for written in ["1.5", "1.50", "1.500"] {
        let found = Priced::query().filter(Priced::amount.eq(decimal(written)));
        assert_eq!(labels(t, found).await, ["one and a half"], "eq({written})");
    }
    let listed = Priced::query()
        .filter(Priced::amount.is_in([decimal("10"), decimal("-2")]))
        .order_by(Priced::id.asc());
    assert_eq!(labels(t, listed).await, ["ten", "minus two"]);
    let read = Priced::query()
        .filter(Priced::label.eq("one and a half"))
        .one(&t.db)
        .await
        .unwrap();
    assert_eq!(read.amount, decimal("1.5"));

    let ascending = labels(t, Priced::query().order_by(Priced::amount.asc())).await;
    let below_ten = labels(
        t,
        Priced::query()
            .filter(Priced::amount.lt(decimal("10")))
            .order_by(Priced::id.asc()),
    )
    .await;
    if t.backend == Backend::Sqlite {
        // SQLite stores the normalized digits as text, so the value keeps no scale...
        let stored: Vec<Text> =
            covet::unchecked_sql("SELECT amount FROM priced WHERE label IN (?, ?) ORDER BY id")
                .bind("ten")
                .bind("minus two")
                .fetch_all(&t.db)
                .await
                .unwrap();
        let stored: Vec<&str> = stored.iter().map(|text| text.0.as_str()).collect();
        assert_eq!(stored, ["10", "-2"]);
        assert_eq!(read.amount.to_string(), "1.5");
        // ...and orders and compares it as text, character by character: "-1" < "-2" < "1.5"
        // < "10" < "9", and "9" is not below "10". The book's "Column types" section says so.
        assert_eq!(
            ascending,
            ["minus one", "minus two", "one and a half", "ten", "nine"]
        );
        assert_eq!(below_ten, ["one and a half", "minus one", "minus two"]);
    } else {
        // PostgreSQL and MariaDB compare numbers.
        assert_eq!(
            ascending,
            ["minus two", "minus one", "one and a half", "nine", "ten"]
        );
        assert_eq!(
            below_ten,
            ["nine", "one and a half", "minus one", "minus two"]
        );
    }
}
