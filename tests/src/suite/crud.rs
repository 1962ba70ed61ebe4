//! Inserting, reading, updating and deleting single rows.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use covet::prelude::*;
use covet::{FromRow, Row};

use crate::TestDb;

#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    #[covet(primary_key)]
    pub id: i64,
    pub name: String,
    pub age: Option<i32>,
}

/// A row with columns the database fills on insert.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    #[covet(primary_key)]
    pub id: i64,
    pub title: String,
    #[covet(default = now, generated)]
    pub created_at: DateTime<Utc>,
    #[covet(default = now, generated)]
    pub published_on: NaiveDate,
    #[covet(default = 7, generated)]
    pub views: i32,
}

/// A composite primary key.
#[covet::model(primary_key(tenant, number))]
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    #[covet(max_length = 40)]
    pub tenant: String,
    pub number: i32,
    pub total: i64,
    pub memo: String,
}

/// A key the application chooses: it does not auto-increment.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    #[covet(primary_key, max_length = 2)]
    pub code: String,
    pub name: String,
}

/// A table name override, a column name override and a field that is not a column.
#[covet::model(table = "crud_members")]
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(column = "full_name")]
    pub name: String,
    #[covet(skip)]
    pub cache: Vec<String>,
    #[covet(skip)]
    pub visits: u32,
}

/// A key stored through a custom `SqlValue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TicketId(pub i64);

impl SqlValue for TicketId {
    type Native = i64;

    fn to_native(&self) -> Result<i64, covet::BoxError> {
        Ok(self.0)
    }

    fn from_native(native: i64) -> Result<Self, covet::BoxError> {
        Ok(TicketId(native))
    }
}

#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    #[covet(primary_key)]
    pub id: TicketId,
    pub subject: String,
}

/// One text column read with `unchecked_sql`.
struct Text(String);

impl FromRow for Text {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        row.decode(0).map(Text)
    }
}

fn person(name: &str, age: Option<i32>) -> Person {
    Person {
        id: 0,
        name: name.into(),
        age,
    }
}

pub async fn insert_returns_the_generated_key(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let first = person("Ada", Some(36)).insert(&t.db).await.unwrap();
    let second = person("Alan", None).insert(&t.db).await.unwrap();
    assert!(first.id > 0);
    assert_eq!(second.id, first.id + 1);
    let read = Person::get(&t.db, second.id).await.unwrap();
    assert_eq!((read.name.as_str(), read.age), ("Alan", None));
}

pub async fn insert_ignores_the_key_field_of_an_auto_increment_key(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let first = Person {
        id: 500,
        name: "Ada".into(),
        age: None,
    }
    .insert(&t.db)
    .await
    .unwrap();
    let second = Person {
        id: 500,
        name: "Alan".into(),
        age: None,
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(Person::get(&t.db, first.id).await.unwrap().name, "Ada");
    assert_eq!(Person::get(&t.db, second.id).await.unwrap().name, "Alan");
}

pub async fn insert_reads_back_columns_the_database_generates(t: &TestDb) {
    t.create(&[Article::TABLE]).await;
    // Databases store `now` to the second or finer: compare with a second of slack either way.
    let before = Utc::now() - Duration::seconds(1);
    let article = Article {
        id: 0,
        title: "Hello".into(),
        created_at: DateTime::UNIX_EPOCH,
        published_on: NaiveDate::MIN,
        views: -1,
    }
    .insert(&t.db)
    .await
    .unwrap();
    let after = Utc::now() + Duration::seconds(1);
    assert!(article.id > 0);
    assert!(
        article.created_at > before && article.created_at < after,
        "created_at {} is not between {before} and {after}",
        article.created_at
    );
    assert!(
        (before.date_naive()..=after.date_naive()).contains(&article.published_on),
        "published_on {} is not today",
        article.published_on
    );
    assert_eq!(article.views, 7);

    let stored = Article::get(&t.db, article.id).await.unwrap();
    assert_eq!(stored, article);
}

pub async fn a_generated_timestamp_finds_its_own_row(t: &TestDb) {
    t.create(&[Article::TABLE]).await;
    let article = Article {
        id: 0,
        title: "Dated".into(),
        created_at: DateTime::UNIX_EPOCH,
        published_on: NaiveDate::MIN,
        views: 0,
    }
    .insert(&t.db)
    .await
    .unwrap();
    let found = Article::query()
        .filter(Article::created_at.eq(article.created_at))
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(found, std::slice::from_ref(&article));
    let same_day = Article::query()
        .filter(Article::published_on.eq(article.published_on))
        .count(&t.db)
        .await
        .unwrap();
    assert_eq!(same_day, 1);
    let earlier = Article::query()
        .filter(Article::created_at.lt(article.created_at + Duration::milliseconds(1)))
        .count(&t.db)
        .await
        .unwrap();
    assert_eq!(earlier, 1);
}

pub async fn find_returns_the_row_or_none(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let ada = person("Ada", Some(36)).insert(&t.db).await.unwrap();
    let found = Person::find(&t.db, ada.id).await.unwrap().unwrap();
    assert_eq!(
        (found.id, found.name.as_str(), found.age),
        (ada.id, "Ada", Some(36))
    );
    assert!(Person::find(&t.db, ada.id + 1).await.unwrap().is_none());
}

pub async fn get_of_a_missing_key_is_not_found(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let error = Person::get(&t.db, 42).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(error.is_not_found());
}

pub async fn update_writes_every_column(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let mut ada = person("Ada", Some(36)).insert(&t.db).await.unwrap();
    let alan = person("Alan", Some(41)).insert(&t.db).await.unwrap();
    ada.name = "Ada King".into();
    ada.age = None;
    ada.update(&t.db).await.unwrap();

    let read = Person::get(&t.db, ada.id).await.unwrap();
    assert_eq!((read.name.as_str(), read.age), ("Ada King", None));
    // The other row is untouched.
    let other = Person::get(&t.db, alan.id).await.unwrap();
    assert_eq!((other.name.as_str(), other.age), ("Alan", Some(41)));
}

pub async fn update_of_an_unchanged_row_succeeds(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let ada = person("Ada", Some(36)).insert(&t.db).await.unwrap();
    // MySQL reports changed rows unless asked for matched rows: an update writing the values
    // already stored must still find its row.
    ada.update(&t.db).await.unwrap();
    ada.update_columns(&t.db, Person::name).await.unwrap();
    assert_eq!(Person::get(&t.db, ada.id).await.unwrap().name, "Ada");
}

pub async fn update_columns_writes_only_the_given_column(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let ada = person("Ada", Some(36)).insert(&t.db).await.unwrap();
    let mut changed = Person::get(&t.db, ada.id).await.unwrap();
    changed.name = "Countess".into();
    changed.age = Some(99);
    changed.update_columns(&t.db, Person::name).await.unwrap();

    let read = Person::get(&t.db, ada.id).await.unwrap();
    assert_eq!(read.name, "Countess");
    assert_eq!(read.age, Some(36), "age was not in the columns to update");
}

pub async fn update_columns_writes_a_tuple_of_columns(t: &TestDb) {
    t.create(&[Invoice::TABLE]).await;
    let invoice = Invoice {
        tenant: "acme".into(),
        number: 1,
        total: 100,
        memo: "first".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let changed = Invoice {
        total: 250,
        memo: "revised".into(),
        ..invoice
    };
    changed
        .update_columns(&t.db, (Invoice::total, Invoice::memo))
        .await
        .unwrap();
    let read = Invoice::get(&t.db, ("acme".to_owned(), 1)).await.unwrap();
    assert_eq!((read.total, read.memo.as_str()), (250, "revised"));

    let only_memo = Invoice {
        total: 999,
        memo: "third".into(),
        ..read
    };
    only_memo
        .update_columns(&t.db, (Invoice::memo,))
        .await
        .unwrap();
    let read = Invoice::get(&t.db, ("acme".to_owned(), 1)).await.unwrap();
    assert_eq!((read.total, read.memo.as_str()), (250, "third"));
}

pub async fn update_of_a_deleted_row_is_not_found(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let mut ada = person("Ada", Some(36)).insert(&t.db).await.unwrap();
    assert_eq!(ada.delete(&t.db).await.unwrap(), 1);
    ada.name = "Ghost".into();
    let error = ada.update(&t.db).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    let error = ada.update_columns(&t.db, Person::name).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(Person::query().count(&t.db).await.unwrap(), 0);
}

pub async fn delete_returns_one_then_zero(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let ada = person("Ada", Some(36)).insert(&t.db).await.unwrap();
    let alan = person("Alan", None).insert(&t.db).await.unwrap();
    assert_eq!(ada.delete(&t.db).await.unwrap(), 1);
    assert_eq!(ada.delete(&t.db).await.unwrap(), 0);
    assert!(Person::find(&t.db, ada.id).await.unwrap().is_none());
    assert!(Person::find(&t.db, alan.id).await.unwrap().is_some());
}

pub async fn a_composite_key_identifies_rows_by_every_column(t: &TestDb) {
    t.create(&[Invoice::TABLE]).await;
    let rows = [("acme", 1, 10), ("acme", 2, 20), ("globex", 1, 30)];
    for (tenant, number, total) in rows {
        let inserted = Invoice {
            tenant: tenant.into(),
            number,
            total,
            memo: String::new(),
        }
        .insert(&t.db)
        .await
        .unwrap();
        // Nothing is generated: the given key is kept.
        assert_eq!(
            (inserted.tenant.as_str(), inserted.number),
            (tenant, number)
        );
    }
    let acme_1 = Invoice::get(&t.db, ("acme".into(), 1)).await.unwrap();
    let globex_1 = Invoice::get(&t.db, ("globex".into(), 1)).await.unwrap();
    assert_eq!((acme_1.total, globex_1.total), (10, 30));
    assert!(
        Invoice::find(&t.db, ("globex".into(), 2))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        Invoice::get(&t.db, ("initech".into(), 1))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    let updated = Invoice {
        total: 11,
        ..acme_1
    };
    updated.update(&t.db).await.unwrap();
    let acme_2 = Invoice::get(&t.db, ("acme".into(), 2)).await.unwrap();
    assert_eq!(
        Invoice::get(&t.db, ("acme".into(), 1)).await.unwrap().total,
        11
    );
    assert_eq!(
        acme_2.total, 20,
        "the other row with the same tenant is untouched"
    );
    assert_eq!(
        Invoice::get(&t.db, ("globex".into(), 1))
            .await
            .unwrap()
            .total,
        30
    );

    assert_eq!(updated.delete(&t.db).await.unwrap(), 1);
    assert_eq!(updated.delete(&t.db).await.unwrap(), 0);
    assert!(
        Invoice::find(&t.db, ("acme".into(), 1))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(Invoice::query().count(&t.db).await.unwrap(), 2);

    let duplicate = Invoice {
        tenant: "acme".into(),
        number: 2,
        total: 0,
        memo: String::new(),
    }
    .insert(&t.db)
    .await
    .unwrap_err();
    assert_eq!(duplicate.kind(), ErrorKind::UniqueViolation);
}

pub async fn a_string_key_keeps_the_given_value(t: &TestDb) {
    t.create(&[Country::TABLE]).await;
    let france = Country {
        code: "FR".into(),
        name: "France".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_eq!(france.code, "FR");
    Country {
        code: "JP".into(),
        name: "Japan".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_eq!(
        Country::get(&t.db, "FR".to_owned()).await.unwrap().name,
        "France"
    );
    assert_eq!(
        Country::get(&t.db, "JP".to_owned()).await.unwrap().name,
        "Japan"
    );
    assert!(
        Country::find(&t.db, "DE".to_owned())
            .await
            .unwrap()
            .is_none()
    );

    let renamed = Country {
        code: "FR".into(),
        name: "République française".into(),
    };
    renamed.update(&t.db).await.unwrap();
    assert_eq!(
        Country::get(&t.db, "FR".to_owned()).await.unwrap().name,
        "République française"
    );
    let error = Country {
        code: "FR".into(),
        name: "again".into(),
    }
    .insert(&t.db)
    .await
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UniqueViolation);
    assert_eq!(renamed.delete(&t.db).await.unwrap(), 1);
    assert_eq!(Country::query().count(&t.db).await.unwrap(), 1);
}

pub async fn a_custom_key_type_is_generated_and_found(t: &TestDb) {
    t.create(&[Ticket::TABLE]).await;
    let first = Ticket {
        id: TicketId(0),
        subject: "one".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let second = Ticket {
        id: TicketId(0),
        subject: "two".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert!(first.id.0 > 0);
    assert_eq!(second.id, TicketId(first.id.0 + 1));
    assert_eq!(Ticket::get(&t.db, second.id).await.unwrap().subject, "two");
    let read = Ticket::query()
        .filter(Ticket::id.eq(first.id))
        .one(&t.db)
        .await
        .unwrap();
    assert_eq!(read.subject, "one");
}

pub async fn skipped_fields_are_not_stored_and_read_as_default(t: &TestDb) {
    t.create(&[Member::TABLE]).await;
    let member = Member {
        id: 0,
        name: "Grace".into(),
        cache: vec!["stale".into()],
        visits: 12,
    }
    .insert(&t.db)
    .await
    .unwrap();
    // The value given is kept in the returned struct, but never reaches the database.
    assert_eq!(member.visits, 12);
    let read = Member::get(&t.db, member.id).await.unwrap();
    assert_eq!(read.name, "Grace");
    assert!(read.cache.is_empty());
    assert_eq!(read.visits, 0);
    assert_eq!(Member::TABLE.columns.len(), 2);
}

pub async fn table_and_column_overrides_name_the_database_objects(t: &TestDb) {
    t.create(&[Member::TABLE]).await;
    let member = Member {
        id: 0,
        name: "Grace Hopper".into(),
        cache: Vec::new(),
        visits: 0,
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_eq!(Member::TABLE.name, "crud_members");
    assert_eq!(Member::name.name(), "full_name");
    // The table and column exist under the overridden names.
    let names: Vec<Text> = covet::unchecked_sql("SELECT full_name FROM crud_members")
        .fetch_all(&t.db)
        .await
        .unwrap();
    assert_eq!(names.len(), 1);
    assert_eq!(names[0].0, "Grace Hopper");

    let mut renamed = Member::query()
        .filter(Member::name.eq("Grace Hopper"))
        .one(&t.db)
        .await
        .unwrap();
    assert_eq!(renamed.id, member.id);
    renamed.name = "Rear Admiral Hopper".into();
    renamed.update_columns(&t.db, Member::name).await.unwrap();
    assert_eq!(
        Member::get(&t.db, member.id).await.unwrap().name,
        "Rear Admiral Hopper"
    );
    assert_eq!(renamed.delete(&t.db).await.unwrap(), 1);
}

/// Every column is generated: the insert lists no value at all.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    #[covet(primary_key)]
    pub id: i32,
    #[covet(default = now, generated)]
    pub at: DateTime<Utc>,
}

/// Generated columns beside a key the application chooses.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    #[covet(primary_key, max_length = 40)]
    pub key: String,
    pub value: String,
    #[covet(default = "unset", generated)]
    pub origin: String,
    #[covet(default = now, generated)]
    pub changed_at: DateTime<Utc>,
}

/// A table that is nothing but its composite key.
#[covet::model(primary_key(group_id, user_id))]
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub group_id: i64,
    pub user_id: i64,
}

pub async fn a_row_of_only_generated_columns_can_be_inserted(t: &TestDb) {
    t.create(&[Event::TABLE]).await;
    let before = Utc::now() - Duration::seconds(1);
    let first = Event {
        id: 0,
        at: DateTime::UNIX_EPOCH,
    }
    .insert(&t.db)
    .await
    .unwrap();
    let second = Event {
        id: 0,
        at: DateTime::UNIX_EPOCH,
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert!(first.id > 0);
    assert_eq!(second.id, first.id + 1);
    assert!(first.at > before && first.at <= Utc::now() + Duration::seconds(1));
    assert_eq!(Event::get(&t.db, second.id).await.unwrap(), second);
    assert_eq!(Event::query().count(&t.db).await.unwrap(), 2);
}

pub async fn generated_columns_are_read_back_when_the_key_is_given(t: &TestDb) {
    t.create(&[Setting::TABLE]).await;
    let before = Utc::now() - Duration::seconds(1);
    let setting = Setting {
        key: "theme".into(),
        value: "dark".into(),
        origin: "ignored".into(),
        changed_at: DateTime::UNIX_EPOCH,
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_eq!(setting.key, "theme");
    assert_eq!(setting.origin, "unset");
    assert!(setting.changed_at > before && setting.changed_at <= Utc::now() + Duration::seconds(1));
    assert_eq!(
        Setting::get(&t.db, "theme".to_owned()).await.unwrap(),
        setting
    );
}

pub async fn a_model_of_only_key_columns_is_inserted_found_and_deleted(t: &TestDb) {
    t.create(&[Membership::TABLE]).await;
    let member = Membership {
        group_id: 1,
        user_id: 2,
    }
    .insert(&t.db)
    .await
    .unwrap();
    Membership {
        group_id: 2,
        user_id: 1,
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_eq!(Membership::get(&t.db, (1, 2)).await.unwrap(), member);
    assert!(Membership::find(&t.db, (1, 1)).await.unwrap().is_none());
    // There is nothing outside the key to write.
    let error = member.update(&t.db).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert_eq!(member.delete(&t.db).await.unwrap(), 1);
    assert!(Membership::find(&t.db, (1, 2)).await.unwrap().is_none());
    assert!(Membership::find(&t.db, (2, 1)).await.unwrap().is_some());
}

#[covet::model]
#[derive(Debug, PartialEq)]
pub struct Category {
    #[covet(primary_key)]
    pub id: i64,
    pub name: String,
    #[covet(references = Self, on_delete = cascade)]
    pub parent_id: Option<i64>,
}

pub async fn a_model_can_reference_itself(t: &TestDb) {
    t.create(&[Category::TABLE]).await;
    let root = Category {
        id: 0,
        name: "root".into(),
        parent_id: None,
    }
    .insert(&t.db)
    .await
    .unwrap();
    let child = Category {
        id: 0,
        name: "child".into(),
        parent_id: Some(root.id),
    }
    .insert(&t.db)
    .await
    .unwrap();
    // The foreign key is real: a missing parent is refused...
    let orphan = Category {
        id: 0,
        name: "orphan".into(),
        parent_id: Some(root.id + 100),
    }
    .insert(&t.db)
    .await
    .unwrap_err();
    assert_eq!(orphan.kind(), ErrorKind::ForeignKeyViolation);
    // ...and deleting the parent cascades to the child.
    assert_eq!(root.delete(&t.db).await.unwrap(), 1);
    assert!(Category::find(&t.db, child.id).await.unwrap().is_none());
}

pub async fn exists_tells_whether_a_key_is_present(t: &TestDb) {
    t.create(&[Person::TABLE, Invoice::TABLE, Country::TABLE])
        .await;
    let ada = person("Ada", Some(36)).insert(&t.db).await.unwrap();
    assert!(Person::exists(&t.db, ada.id).await.unwrap());
    assert!(!Person::exists(&t.db, ada.id + 1).await.unwrap());

    // A composite key must match in every column.
    Invoice {
        tenant: "acme".into(),
        number: 1,
        total: 10,
        memo: String::new(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert!(Invoice::exists(&t.db, ("acme".into(), 1)).await.unwrap());
    assert!(!Invoice::exists(&t.db, ("acme".into(), 2)).await.unwrap());
    assert!(!Invoice::exists(&t.db, ("globex".into(), 1)).await.unwrap());

    // A string key is compared as given.
    let france = Country {
        code: "FR".into(),
        name: "France".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert!(Country::exists(&t.db, "FR".to_owned()).await.unwrap());
    assert!(!Country::exists(&t.db, "F".to_owned()).await.unwrap());

    // Gone once deleted; and inside a transaction, its own uncommitted rows count.
    assert_eq!(ada.delete(&t.db).await.unwrap(), 1);
    assert!(!Person::exists(&t.db, ada.id).await.unwrap());
    france.delete(&t.db).await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let alan = person("Alan", None).insert(&mut tx).await.unwrap();
    assert!(Person::exists(&mut tx, alan.id).await.unwrap());
    tx.rollback().await.unwrap();
    assert!(!Person::exists(&t.db, alan.id).await.unwrap());
}

/// A parent whose key the application sets, so that the key itself can change.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Shelf {
    #[covet(primary_key, max_length = 20)]
    pub code: String,
    pub label: String,
}

/// Follows its shelf's key when it changes; loses it when the shelf goes.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    #[covet(primary_key)]
    pub id: i64,
    pub title: String,
    #[covet(references = Shelf, on_delete = set_null, on_update = cascade, max_length = 20)]
    pub shelf: Option<String>,
}

/// Keeps its volume from being deleted.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Loan {
    #[covet(primary_key)]
    pub id: i64,
    #[covet(references = Volume, on_delete = restrict)]
    pub volume_id: i64,
}

fn volume(title: &str, shelf: Option<&str>) -> Volume {
    Volume {
        id: 0,
        title: title.into(),
        shelf: shelf.map(Into::into),
    }
}

/// The shelves of every volume, by title.
async fn shelves(t: &TestDb) -> Vec<(String, Option<String>)> {
    Volume::query()
        .order_by(Volume::title.asc())
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.title, v.shelf))
        .collect()
}

fn shelved(rows: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    rows.iter()
        .map(|(title, shelf)| ((*title).to_owned(), shelf.map(str::to_owned)))
        .collect()
}

pub async fn on_update_cascade_and_on_delete_set_null_follow_the_parent(t: &TestDb) {
    t.create(&[Shelf::TABLE, Volume::TABLE]).await;
    for (code, label) in [("A", "fiction"), ("Z", "poetry")] {
        Shelf {
            code: code.into(),
            label: label.into(),
        }
        .insert(&t.db)
        .await
        .unwrap();
    }
    for (title, shelf) in [
        ("Dune", Some("A")),
        ("Emma", Some("A")),
        ("Odes", Some("Z")),
        ("Loose", None),
    ] {
        volume(title, shelf).insert(&t.db).await.unwrap();
    }

    // Renaming the parent's key (an update by filter: `update` writes a row by its key, so it
    // never changes the key) carries the children along.
    let renamed = Shelf::update_many()
        .set(Shelf::code, "B")
        .filter(Shelf::code.eq("A"))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(renamed, 1);
    assert!(!Shelf::exists(&t.db, "A".to_owned()).await.unwrap());
    assert_eq!(
        shelves(t).await,
        shelved(&[
            ("Dune", Some("B")),
            ("Emma", Some("B")),
            ("Loose", None),
            ("Odes", Some("Z")),
        ])
    );

    // Deleting the parent keeps the children and clears their reference.
    let shelf = Shelf::get(&t.db, "B".to_owned()).await.unwrap();
    assert_eq!(shelf.delete(&t.db).await.unwrap(), 1);
    assert_eq!(
        shelves(t).await,
        shelved(&[
            ("Dune", None),
            ("Emma", None),
            ("Loose", None),
            ("Odes", Some("Z")),
        ])
    );
    assert_eq!(Shelf::query().count(&t.db).await.unwrap(), 1);
}

pub async fn on_delete_restrict_refuses_to_delete_a_referenced_parent(t: &TestDb) {
    t.create(&[Shelf::TABLE, Volume::TABLE, Loan::TABLE]).await;
    let lent = volume("Dune", None).insert(&t.db).await.unwrap();
    let free = volume("Emma", None).insert(&t.db).await.unwrap();
    let loan = Loan {
        id: 0,
        volume_id: lent.id,
    }
    .insert(&t.db)
    .await
    .unwrap();

    let error = lent.delete(&t.db).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ForeignKeyViolation, "{error:?}");
    assert!(!error.is_transient());
    assert!(Volume::exists(&t.db, lent.id).await.unwrap());
    // The same refusal for a delete by filter that would take the referenced row along.
    let error = Volume::delete_many()
        .filter(Volume::title.is_in(["Dune", "Emma"]))
        .execute(&t.db)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ForeignKeyViolation, "{error:?}");
    assert_eq!(Volume::query().count(&t.db).await.unwrap(), 2);

    // Rows nothing references go; once the loan is returned, so does the volume.
    assert_eq!(free.delete(&t.db).await.unwrap(), 1);
    assert_eq!(loan.delete(&t.db).await.unwrap(), 1);
    assert_eq!(lent.delete(&t.db).await.unwrap(), 1);
    assert_eq!(Volume::query().count(&t.db).await.unwrap(), 0);
}
