//! Inserting, reading, updating and deleting single rows.

use covet::prelude::*;

use crate::TestDb;

#[covet::model]
pub struct Person {
    #[covet(primary_key)]
    pub id: i64,
    pub name: String,
    pub age: Option<i32>,
}

pub async fn insert_returns_the_generated_key(t: &TestDb) {
    t.create(&[Person::TABLE]).await;
    let first = Person { id: 0, name: "Ada".into(), age: Some(36) }.insert(&t.db).await.unwrap();
    let second = Person { id: 0, name: "Alan".into(), age: None }.insert(&t.db).await.unwrap();
    assert!(first.id > 0);
    assert_eq!(second.id, first.id + 1);
    let read = Person::get(&t.db, second.id).await.unwrap();
    assert_eq!((read.name.as_str(), read.age), ("Alan", None));
}
