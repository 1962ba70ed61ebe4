//! The typed query builder: filters, orderings, paging, the ways of running a query, bulk
//! updates and deletes, and the raw SQL escape hatch.

use covet::prelude::*;
use covet::{FromRow, Row};
use futures_util::{StreamExt, TryStreamExt};

use crate::TestDb;

#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    #[covet(primary_key)]
    pub id: i64,
    pub name: String,
    pub category: String,
    pub price: i32,
    pub note: Option<String>,
}

/// Rows with names that differ only in LIKE's special characters.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    #[covet(primary_key)]
    pub id: i64,
    pub text: String,
}

/// One integer column read with `unchecked_sql`.
struct Number(i64);

impl FromRow for Number {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        row.decode(0).map(Number)
    }
}

/// Ten items: a..j, prices 10..=100, three categories, notes on the odd prices.
async fn seed(t: &TestDb) -> Vec<Item> {
    t.create(&[Item::TABLE]).await;
    let mut items = Vec::new();
    for (i, name) in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
        .into_iter()
        .enumerate()
    {
        let n = i32::try_from(i).unwrap();
        let category = ["tools", "toys", "food"][i % 3];
        let item = Item {
            id: 0,
            name: name.into(),
            category: category.into(),
            price: (n + 1) * 10,
            note: (n % 2 == 0).then(|| format!("note {name}")),
        }
        .insert(&t.db)
        .await
        .unwrap();
        items.push(item);
    }
    items
}

/// The names of the items matching `query`, in the order returned.
async fn names(t: &TestDb, query: covet::query::Select<Item>) -> Vec<String> {
    query
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|item| item.name)
        .collect()
}

/// The names matching `filter`, alphabetically.
async fn matching(t: &TestDb, filter: covet::query::Filter<Item>) -> Vec<String> {
    names(t, Item::query().filter(filter).order_by(Item::name.asc())).await
}

async fn labels(t: &TestDb, filter: covet::query::Filter<Label>) -> Vec<String> {
    let mut texts: Vec<String> = Label::query()
        .filter(filter)
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|label| label.text)
        .collect();
    texts.sort();
    texts
}

pub async fn comparisons_select_the_rows_they_describe(t: &TestDb) {
    seed(t).await;
    assert_eq!(matching(t, Item::price.eq(30)).await, ["c"]);
    assert_eq!(matching(t, Item::name.eq("d")).await, ["d"]);
    assert_eq!(
        matching(t, Item::price.ne(30)).await,
        ["a", "b", "d", "e", "f", "g", "h", "i", "j"]
    );
    assert_eq!(matching(t, Item::price.lt(30)).await, ["a", "b"]);
    assert_eq!(matching(t, Item::price.le(30)).await, ["a", "b", "c"]);
    assert_eq!(matching(t, Item::price.gt(80)).await, ["i", "j"]);
    assert_eq!(matching(t, Item::price.ge(80)).await, ["h", "i", "j"]);
    assert_eq!(
        matching(t, Item::price.between(30, 50)).await,
        ["c", "d", "e"]
    );
    assert!(matching(t, Item::price.between(50, 30)).await.is_empty());
    assert!(matching(t, Item::price.gt(100)).await.is_empty());
    assert_eq!(matching(t, Item::name.lt("c")).await, ["a", "b"]);
}

pub async fn is_in_matches_listed_values_and_an_empty_list_matches_nothing(t: &TestDb) {
    seed(t).await;
    assert_eq!(
        matching(t, Item::price.is_in([20, 40, 45, 100])).await,
        ["b", "d", "j"]
    );
    assert_eq!(
        matching(t, Item::name.is_in(["e", "a", "zz"])).await,
        ["a", "e"]
    );
    assert!(
        matching(t, Item::price.is_in(Vec::<i32>::new()))
            .await
            .is_empty()
    );
    // An empty IN inside an OR leaves the other side in charge.
    assert_eq!(
        matching(t, Item::price.is_in(Vec::<i32>::new()) | Item::price.eq(10)).await,
        ["a"]
    );
    assert_eq!(
        matching(t, Item::price.is_not_in([10, 20, 30, 40, 50, 60, 70])).await,
        ["h", "i", "j"]
    );
    assert_eq!(
        matching(t, Item::price.is_not_in(Vec::<i32>::new()))
            .await
            .len(),
        10
    );
    assert_eq!(
        Item::query()
            .filter(Item::id.is_in(Vec::<i64>::new()))
            .count(&t.db)
            .await
            .unwrap(),
        0
    );
}

pub async fn like_patterns_match_and_escaped_text_matches_literally(t: &TestDb) {
    t.create(&[Label::TABLE]).await;
    for text in [
        "50% off",
        "50 cents off",
        "a_b",
        "axb",
        "back\\slash",
        "back-slash",
        "wow!",
        "wow!!",
        "plain",
    ] {
        Label {
            id: 0,
            text: text.into(),
        }
        .insert(&t.db)
        .await
        .unwrap();
    }
    // Wildcards in a pattern.
    assert_eq!(
        labels(t, Label::text.like("50%")).await,
        ["50 cents off", "50% off"]
    );
    assert_eq!(labels(t, Label::text.like("a_b")).await, ["a_b", "axb"]);
    assert_eq!(
        labels(t, Label::text.not_like("%a%")).await,
        ["50 cents off", "50% off", "wow!", "wow!!"]
    );
    // The same characters escaped match only themselves.
    let literal = format!("{}%", covet::escape_like("50%"));
    assert_eq!(labels(t, Label::text.like(&literal)).await, ["50% off"]);
    assert_eq!(
        labels(t, Label::text.like(&covet::escape_like("a_b"))).await,
        ["a_b"]
    );
    assert_eq!(labels(t, Label::text.contains("%")).await, ["50% off"]);
    assert_eq!(labels(t, Label::text.contains("0% o")).await, ["50% off"]);
    assert_eq!(labels(t, Label::text.contains("_")).await, ["a_b"]);
    assert_eq!(labels(t, Label::text.contains("\\")).await, ["back\\slash"]);
    assert_eq!(labels(t, Label::text.starts_with("a_")).await, ["a_b"]);
    assert_eq!(labels(t, Label::text.starts_with("50%")).await, ["50% off"]);
    assert_eq!(labels(t, Label::text.ends_with("_b")).await, ["a_b"]);
    assert_eq!(
        labels(t, Label::text.ends_with("\\slash")).await,
        ["back\\slash"]
    );
    assert_eq!(
        labels(t, Label::text.ends_with("off")).await,
        ["50 cents off", "50% off"]
    );
    assert!(labels(t, Label::text.contains("%%")).await.is_empty());
    // The escape character itself is escaped too.
    assert_eq!(labels(t, Label::text.ends_with("w!")).await, ["wow!"]);
    assert_eq!(labels(t, Label::text.contains("!!")).await, ["wow!!"]);
}

pub async fn is_null_and_is_not_null_test_optional_columns(t: &TestDb) {
    seed(t).await;
    assert_eq!(
        matching(t, Item::note.is_null()).await,
        ["b", "d", "f", "h", "j"]
    );
    assert_eq!(
        matching(t, Item::note.is_not_null()).await,
        ["a", "c", "e", "g", "i"]
    );
    // `= NULL` is never true in SQL: comparing with `None` tests for NULL instead.
    assert_eq!(
        matching(t, Item::note.eq(None::<String>)).await,
        ["b", "d", "f", "h", "j"]
    );
    assert_eq!(
        matching(t, Item::note.ne(None::<String>)).await,
        ["a", "c", "e", "g", "i"]
    );
    assert_eq!(
        matching(t, Item::note.eq(Some("note c".to_owned()))).await,
        ["c"]
    );
    assert_eq!(matching(t, Item::note.eq("note c")).await, ["c"]);
    // NULL is neither equal nor unequal to a value.
    assert_eq!(
        matching(t, Item::note.ne("note c")).await,
        ["a", "e", "g", "i"]
    );
    let c = Item::query()
        .filter(Item::name.eq("c"))
        .one(&t.db)
        .await
        .unwrap();
    assert_eq!(c.note.as_deref(), Some("note c"));
    let d = Item::query()
        .filter(Item::name.eq("d"))
        .one(&t.db)
        .await
        .unwrap();
    assert_eq!(d.note, None);
}

pub async fn and_or_not_combine_with_the_usual_precedence(t: &TestDb) {
    seed(t).await;
    // tools: a d g j, toys: b e h, food: c f i
    let tools = || Item::category.eq("tools");
    let toys = || Item::category.eq("toys");
    let cheap = || Item::price.le(40);

    assert_eq!(matching(t, tools().and(cheap())).await, ["a", "d"]);
    assert_eq!(matching(t, tools() & cheap()).await, ["a", "d"]);
    assert_eq!(
        matching(t, tools().or(cheap())).await,
        ["a", "b", "c", "d", "g", "j"]
    );
    // `&` binds tighter than `|`, in Rust and in the SQL covet writes.
    assert_eq!(
        matching(t, toys() | tools() & cheap()).await,
        ["a", "b", "d", "e", "h"]
    );
    assert_eq!(
        matching(t, (toys() | tools()) & cheap()).await,
        ["a", "b", "d"]
    );
    assert_eq!(
        matching(t, toys().or(tools()).and(cheap())).await,
        ["a", "b", "d"]
    );
    assert_eq!(
        matching(t, toys().or(tools().and(cheap()))).await,
        ["a", "b", "d", "e", "h"]
    );
    // `!` applies to the whole expression it is given.
    assert_eq!(matching(t, !(toys() | tools())).await, ["c", "f", "i"]);
    assert_eq!(matching(t, toys().or(tools()).not()).await, ["c", "f", "i"]);
    assert_eq!(matching(t, !toys() & !cheap()).await, ["f", "g", "i", "j"]);
    assert_eq!(
        matching(t, !(toys() & cheap())).await,
        ["a", "c", "d", "e", "f", "g", "h", "i", "j"]
    );
    // Separate filter calls are ANDed, each kept whole.
    assert_eq!(
        names(
            t,
            Item::query()
                .filter(toys() | tools())
                .filter(cheap())
                .order_by(Item::name.asc())
        )
        .await,
        ["a", "b", "d"]
    );
}

pub async fn order_by_sorts_by_each_column_in_turn(t: &TestDb) {
    seed(t).await;
    assert_eq!(
        names(
            t,
            Item::query()
                .order_by(Item::category.asc())
                .order_by(Item::price.desc())
        )
        .await,
        ["i", "f", "c", "j", "g", "d", "a", "h", "e", "b"]
    );
    assert_eq!(
        names(
            t,
            Item::query()
                .order_by(Item::category.desc())
                .order_by(Item::price.asc())
        )
        .await,
        ["b", "e", "h", "a", "d", "g", "j", "c", "f", "i"]
    );
    assert_eq!(
        names(t, Item::query().order_by(Item::price.desc())).await,
        ["j", "i", "h", "g", "f", "e", "d", "c", "b", "a"]
    );
}

pub async fn limit_and_offset_page_through_ordered_rows(t: &TestDb) {
    seed(t).await;
    let page = |offset: Option<u64>, limit: Option<u64>| {
        let mut query = Item::query().order_by(Item::price.asc());
        if let Some(limit) = limit {
            query = query.limit(limit);
        }
        if let Some(offset) = offset {
            query = query.offset(offset);
        }
        names(t, query)
    };
    assert_eq!(page(None, Some(3)).await, ["a", "b", "c"]);
    assert_eq!(page(Some(3), Some(3)).await, ["d", "e", "f"]);
    assert_eq!(page(Some(9), Some(3)).await, ["j"]);
    assert!(page(Some(10), Some(3)).await.is_empty());
    assert!(page(None, Some(0)).await.is_empty());
    // An offset alone skips rows and returns all the rest.
    assert_eq!(page(Some(7), None).await, ["h", "i", "j"]);
    assert_eq!(page(Some(0), None).await.len(), 10);
    assert_eq!(
        names(
            t,
            Item::query()
                .filter(Item::category.eq("tools"))
                .order_by(Item::price.desc())
                .offset(1)
                .limit(2)
        )
        .await,
        ["g", "d"]
    );
}

pub async fn first_returns_the_first_row_or_none(t: &TestDb) {
    seed(t).await;
    let cheapest = Item::query()
        .order_by(Item::price.asc())
        .first(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cheapest.name, "a");
    let dearest_toy = Item::query()
        .filter(Item::category.eq("toys"))
        .order_by(Item::price.desc())
        .first(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dearest_toy.name, "h");
    let second = Item::query()
        .order_by(Item::price.asc())
        .offset(1)
        .first(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.name, "b");
    let none = Item::query()
        .filter(Item::price.gt(1000))
        .first(&t.db)
        .await
        .unwrap();
    assert!(none.is_none());
}

pub async fn first_on_an_empty_table_is_none(t: &TestDb) {
    t.create(&[Item::TABLE]).await;
    assert!(Item::query().first(&t.db).await.unwrap().is_none());
    assert!(Item::query().all(&t.db).await.unwrap().is_empty());
    assert_eq!(Item::query().count(&t.db).await.unwrap(), 0);
    assert!(!Item::query().exists(&t.db).await.unwrap());
}

pub async fn one_requires_exactly_one_matching_row(t: &TestDb) {
    let items = seed(t).await;
    let e = Item::query()
        .filter(Item::name.eq("e"))
        .one(&t.db)
        .await
        .unwrap();
    assert_eq!(e, items[4]);
    let none = Item::query()
        .filter(Item::name.eq("zz"))
        .one(&t.db)
        .await
        .unwrap_err();
    assert_eq!(none.kind(), ErrorKind::NotFound);
    let many = Item::query()
        .filter(Item::category.eq("food"))
        .one(&t.db)
        .await
        .unwrap_err();
    assert_eq!(many.kind(), ErrorKind::MultipleRows);
}

pub async fn all_returns_every_matching_row(t: &TestDb) {
    let items = seed(t).await;
    let mut all = Item::query().all(&t.db).await.unwrap();
    all.sort_by_key(|item| item.id);
    assert_eq!(all, items);
    let food = Item::query()
        .filter(Item::category.eq("food"))
        .order_by(Item::id.asc())
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(food, [items[2].clone(), items[5].clone(), items[8].clone()]);
}

pub async fn count_respects_filters_limit_and_offset(t: &TestDb) {
    seed(t).await;
    let count = |query: covet::query::Select<Item>| query.count(&t.db);
    assert_eq!(count(Item::query()).await.unwrap(), 10);
    assert_eq!(
        count(Item::query().filter(Item::category.eq("toys")))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        count(Item::query().filter(Item::price.gt(1000)))
            .await
            .unwrap(),
        0
    );
    assert_eq!(count(Item::query().limit(4)).await.unwrap(), 4);
    assert_eq!(count(Item::query().limit(40)).await.unwrap(), 10);
    assert_eq!(count(Item::query().offset(8)).await.unwrap(), 2);
    assert_eq!(count(Item::query().offset(3).limit(5)).await.unwrap(), 5);
    assert_eq!(count(Item::query().offset(8).limit(5)).await.unwrap(), 2);
    assert_eq!(
        count(
            Item::query()
                .filter(Item::category.eq("tools"))
                .order_by(Item::price.desc())
                .offset(1)
                .limit(2)
        )
        .await
        .unwrap(),
        2
    );
    assert_eq!(
        count(Item::query().order_by(Item::name.desc()))
            .await
            .unwrap(),
        10
    );
}

pub async fn exists_tells_whether_any_row_matches(t: &TestDb) {
    seed(t).await;
    assert!(Item::query().exists(&t.db).await.unwrap());
    assert!(
        Item::query()
            .filter(Item::name.eq("j"))
            .exists(&t.db)
            .await
            .unwrap()
    );
    assert!(
        !Item::query()
            .filter(Item::name.eq("k"))
            .exists(&t.db)
            .await
            .unwrap()
    );
    assert!(
        !Item::query()
            .order_by(Item::price.asc())
            .offset(10)
            .exists(&t.db)
            .await
            .unwrap()
    );
}

pub async fn stream_yields_every_matching_row(t: &TestDb) {
    let items = seed(t).await;
    let streamed: Vec<Item> = Item::query()
        .order_by(Item::id.asc())
        .stream(&t.db)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, items);
    let toys: Vec<String> = Item::query()
        .filter(Item::category.eq("toys"))
        .order_by(Item::price.desc())
        .limit(2)
        .stream(&t.db)
        .map_ok(|item| item.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(toys, ["h", "e"]);
    let none: Vec<Item> = Item::query()
        .filter(Item::price.lt(0))
        .stream(&t.db)
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
}

pub async fn a_dropped_half_read_stream_does_not_hide_later_writes(t: &TestDb) {
    t.create(&[Label::TABLE]).await;
    let rows = 400;
    for i in 0..rows {
        Label {
            id: 0,
            text: format!("row {i}"),
        }
        .insert(&t.db)
        .await
        .unwrap();
    }
    let mut expected = rows;
    for round in 0..5 {
        // Read a single row of several streams at once, so that several pooled connections
        // each had a statement left half-read, then drop them.
        let mut streams: Vec<_> = (0..4).map(|_| Label::query().stream(&t.db)).collect();
        for stream in &mut streams {
            let first = stream.next().await.unwrap().unwrap();
            assert!(first.text.starts_with("row "));
        }
        drop(streams);
        // Queries that read a single row leave nothing half-read either.
        let firsts = futures_util::future::join_all((0..4).map(|_| Label::query().first(&t.db)));
        let exists = futures_util::future::join_all((0..4).map(|_| Label::query().exists(&t.db)));
        let (firsts, exists) = futures_util::future::join(firsts, exists).await;
        assert!(firsts.into_iter().all(|first| first.unwrap().is_some()));
        assert!(exists.into_iter().all(|exists| exists.unwrap()));

        let new = Label {
            id: 0,
            text: format!("new {round}"),
        }
        .insert(&t.db)
        .await
        .unwrap();
        expected += 1;

        // Every pooled connection must see the new row.
        let counts = futures_util::future::join_all((0..8).map(|_| Label::query().count(&t.db)));
        let alls = futures_util::future::join_all((0..8).map(|_| Label::query().all(&t.db)));
        let (counts, alls) = futures_util::future::join(counts, alls).await;
        for count in counts {
            assert_eq!(
                count.unwrap(),
                expected,
                "round {round}: a count missed a row"
            );
        }
        for all in alls {
            let all = all.unwrap();
            assert_eq!(
                all.len() as u64,
                expected,
                "round {round}: a query missed a row"
            );
            assert!(all.contains(&new));
        }
        let finds = futures_util::future::join_all((0..8).map(|_| Label::find(&t.db, new.id)));
        for found in finds.await {
            assert_eq!(
                found.unwrap().as_ref(),
                Some(&new),
                "round {round}: find missed the row"
            );
        }
    }
}

pub async fn update_many_sets_matching_rows_and_returns_their_count(t: &TestDb) {
    seed(t).await;
    let changed = Item::update_many()
        .set(Item::price, 1)
        .set(Item::note, Some("sale".to_owned()))
        .filter(Item::category.eq("toys"))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(changed, 3);
    assert_eq!(matching(t, Item::price.eq(1)).await, ["b", "e", "h"]);
    assert_eq!(matching(t, Item::note.eq("sale")).await, ["b", "e", "h"]);
    // Other rows keep their values.
    assert_eq!(matching(t, Item::price.eq(10)).await, ["a"]);

    // Filters combine with AND; a row already holding the value still counts as matched.
    let changed = Item::update_many()
        .set(Item::price, 1)
        .filter(Item::category.eq("toys") | Item::category.eq("food"))
        .filter(Item::price.le(30))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(changed, 4);
    assert_eq!(matching(t, Item::price.eq(1)).await, ["b", "c", "e", "h"]);

    let cleared = Item::update_many()
        .set(Item::note, None)
        .filter(Item::name.is_in(["a", "c"]))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(cleared, 2);
    assert_eq!(
        matching(t, Item::note.is_not_null()).await,
        ["b", "e", "g", "h", "i"]
    );

    let none = Item::update_many()
        .set(Item::price, 5)
        .filter(Item::name.eq("zz"))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(none, 0);
}

pub async fn delete_many_removes_matching_rows_and_returns_their_count(t: &TestDb) {
    seed(t).await;
    let removed = Item::delete_many()
        .filter(Item::category.eq("food"))
        .filter(Item::price.gt(30))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(removed, 2);
    assert_eq!(Item::query().count(&t.db).await.unwrap(), 8);
    assert_eq!(matching(t, Item::category.eq("food")).await, ["c"]);
}

pub async fn bulk_writes_without_a_filter_are_refused_unless_all_rows(t: &TestDb) {
    seed(t).await;
    let error = Item::update_many()
        .set(Item::price, 0)
        .execute(&t.db)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    let error = Item::delete_many().execute(&t.db).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    // An update with nothing to set is refused too.
    let error = Item::update_many()
        .filter(Item::name.eq("a"))
        .execute(&t.db)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    // Nothing changed.
    assert_eq!(Item::query().count(&t.db).await.unwrap(), 10);
    assert_eq!(matching(t, Item::price.eq(0)).await, Vec::<String>::new());

    let changed = Item::update_many()
        .set(Item::price, 0)
        .all_rows()
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(changed, 10);
    assert_eq!(matching(t, Item::price.eq(0)).await.len(), 10);
    let removed = Item::delete_many().all_rows().execute(&t.db).await.unwrap();
    assert_eq!(removed, 10);
    assert_eq!(Item::query().count(&t.db).await.unwrap(), 0);
}

pub async fn an_in_list_over_the_parameter_limit_is_refused(t: &TestDb) {
    seed(t).await;
    let limit = t.backend.max_bind_parameters();
    let too_many = || (0..=i64::try_from(limit).unwrap()).collect::<Vec<i64>>();

    let error = Item::query()
        .filter(Item::id.is_in(too_many()))
        .all(&t.db)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooManyParameters);
    let error = Item::query()
        .filter(Item::id.is_in(too_many()))
        .count(&t.db)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooManyParameters);
    let error = Item::delete_many()
        .filter(Item::id.is_in(too_many()))
        .execute(&t.db)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooManyParameters);
    let error = Item::update_many()
        .set(Item::price, 0)
        .filter(Item::id.is_not_in(too_many()))
        .execute(&t.db)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TooManyParameters);
    assert_eq!(Item::query().count(&t.db).await.unwrap(), 10);
    assert!(matching(t, Item::price.eq(0)).await.is_empty());

    // Exactly at the limit is accepted.
    let at_limit: Vec<i64> = (1..=i64::try_from(limit).unwrap()).collect();
    let removed = Item::delete_many()
        .filter(Item::id.is_in(at_limit))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(removed, 10);
}

pub async fn unchecked_sql_binds_its_arguments(t: &TestDb) {
    seed(t).await;
    // Placeholders are the dialect's own.
    let (update, select, sum): (&'static str, &'static str, &'static str) = match t.backend {
        Backend::Postgres => (
            "UPDATE item SET price = price + $1 WHERE category = $2",
            "SELECT id, name, category, price, note FROM item WHERE price > $1 AND category = $2 ORDER BY price",
            "SELECT CAST(SUM(price) AS BIGINT) FROM item WHERE name IN ($1, $2)",
        ),
        _ => (
            "UPDATE item SET price = price + ? WHERE category = ?",
            "SELECT id, name, category, price, note FROM item WHERE price > ? AND category = ? ORDER BY price",
            "SELECT CAST(SUM(price) AS SIGNED) FROM item WHERE name IN (?, ?)",
        ),
    };
    let sum = match t.backend {
        Backend::Sqlite => "SELECT SUM(price) FROM item WHERE name IN (?, ?)",
        _ => sum,
    };
    let changed = covet::unchecked_sql(update)
        .bind(1000_i32)
        .bind("food")
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(changed, 3);
    let rows: Vec<Item> = covet::unchecked_sql(select)
        .bind(1040_i32)
        .bind("food")
        .fetch_all(&t.db)
        .await
        .unwrap();
    let found: Vec<(&str, i32)> = rows.iter().map(|i| (i.name.as_str(), i.price)).collect();
    assert_eq!(found, [("f", 1060), ("i", 1090)]);
    let total: Option<Number> = covet::unchecked_sql(sum)
        .bind("a")
        .bind("c")
        .fetch_optional(&t.db)
        .await
        .unwrap();
    assert_eq!(total.unwrap().0, 10 + 1030);
}

pub async fn quotes_and_injection_attempts_are_stored_verbatim(t: &TestDb) {
    t.create(&[Label::TABLE]).await;
    let nasty = [
        "O'Brien",
        "'; DROP TABLE label; --",
        "\"; DROP TABLE label; --",
        "Robert'); DELETE FROM label WHERE ('1' = '1",
        "back\\'slash",
        "100% _real_",
        "`backtick`",
        "$1 ? :name",
    ];
    let mut ids = Vec::new();
    for text in nasty {
        let label = Label {
            id: 0,
            text: text.into(),
        }
        .insert(&t.db)
        .await
        .unwrap();
        ids.push(label.id);
    }
    assert_eq!(
        Label::query().count(&t.db).await.unwrap(),
        nasty.len() as u64
    );
    for (id, text) in ids.iter().zip(nasty) {
        assert_eq!(Label::get(&t.db, *id).await.unwrap().text, text);
        let found = Label::query()
            .filter(Label::text.eq(text))
            .one(&t.db)
            .await
            .unwrap();
        assert_eq!(found.id, *id);
        assert_eq!(labels(t, Label::text.contains(text)).await, [text]);
    }
    let changed = Label::update_many()
        .set(Label::text, "'; DROP TABLE label; --")
        .filter(Label::text.eq("O'Brien"))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(changed, 1);
    assert_eq!(
        Label::query()
            .filter(Label::text.eq("'; DROP TABLE label; --"))
            .count(&t.db)
            .await
            .unwrap(),
        2
    );
    let select: &'static str = match t.backend {
        Backend::Postgres => "SELECT id, text FROM label WHERE text = $1",
        _ => "SELECT id, text FROM label WHERE text = ?",
    };
    let rows: Vec<Label> = covet::unchecked_sql(select)
        .bind("x' OR '1' = '1")
        .fetch_all(&t.db)
        .await
        .unwrap();
    assert!(rows.is_empty());
    assert_eq!(
        Label::query().count(&t.db).await.unwrap(),
        nasty.len() as u64
    );
}

pub async fn the_largest_limit_returns_every_row(t: &TestDb) {
    seed(t).await;
    let query = || Item::query().order_by(Item::price.asc());
    assert_eq!(query().limit(u64::MAX).all(&t.db).await.unwrap().len(), 10);
    assert_eq!(query().limit(u64::MAX).count(&t.db).await.unwrap(), 10);
    assert_eq!(
        names(t, query().limit(u64::MAX).offset(8)).await,
        ["i", "j"]
    );
    assert_eq!(query().offset(u64::MAX).all(&t.db).await.unwrap().len(), 0);
}

pub async fn first_one_and_exists_stay_within_limit_and_offset(t: &TestDb) {
    seed(t).await;
    let toys = || {
        Item::query()
            .filter(Item::category.eq("toys"))
            .order_by(Item::price.asc())
    };
    // A limit of zero matches no row, however the query is run.
    assert!(toys().limit(0).first(&t.db).await.unwrap().is_none());
    assert!(!toys().limit(0).exists(&t.db).await.unwrap());
    assert_eq!(toys().limit(0).count(&t.db).await.unwrap(), 0);
    assert_eq!(
        toys().limit(0).one(&t.db).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // Limited to one row, `one` finds exactly one.
    assert_eq!(toys().limit(1).one(&t.db).await.unwrap().name, "b");
    assert_eq!(toys().offset(2).one(&t.db).await.unwrap().name, "h");
    assert_eq!(
        toys().offset(1).one(&t.db).await.unwrap_err().kind(),
        ErrorKind::MultipleRows
    );
    assert_eq!(
        toys().offset(2).first(&t.db).await.unwrap().unwrap().name,
        "h"
    );
    assert!(toys().offset(3).first(&t.db).await.unwrap().is_none());
    assert!(toys().offset(2).exists(&t.db).await.unwrap());
    assert!(!toys().offset(3).exists(&t.db).await.unwrap());
}
