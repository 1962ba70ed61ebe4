//! Conditions and orderings tied to one model.

use std::marker::PhantomData;

use sea_query::{Expr, ExprTrait};

use crate::error::Result;

/// A `WHERE` condition on the columns of model `M`, built from a [`Column`](crate::Column).
///
/// Combine with [`and`](Self::and), [`or`](Self::or) and [`not`](Self::not), or the `&`, `|` and
/// `!` operators. A filter on one model's columns cannot be given to a query on another model.
///
/// # Examples
///
/// ```
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Item {
///     #[covet(primary_key)]
///     id: i64,
///     price: i32,
///     stock: i32,
/// }
///
/// let cheap_or_plenty = Item::price.lt(10) | (Item::stock.gt(100) & !Item::id.eq(1));
/// let sql = Item::query().filter(cheap_or_plenty).to_sql(Backend::Sqlite)?;
/// assert_eq!(
///     sql,
///     r#"SELECT "id", "price", "stock" FROM "item" WHERE "price" < ? OR ("stock" > ? AND (NOT "id" = ?))"#
/// );
/// # Ok::<(), covet::Error>(())
/// ```
#[must_use = "a filter does nothing until a query uses it"]
pub struct Filter<M> {
    expr: Result<Expr>,
    model: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for Filter<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Filter").field(&self.expr).finish()
    }
}

impl<M> Filter<M> {
    pub(crate) fn from_expr(expr: Expr) -> Self {
        Self::from_result(Ok(expr))
    }

    /// A filter whose value could not be encoded keeps the error until the query runs.
    pub(crate) fn from_result(expr: Result<Expr>) -> Self {
        Self {
            expr,
            model: PhantomData,
        }
    }

    pub(crate) fn into_expr(self) -> Result<Expr> {
        self.expr
    }

    fn combine(self, other: Self, op: impl FnOnce(Expr, Expr) -> Expr) -> Self {
        Self::from_result(self.expr.and_then(|left| Ok(op(left, other.expr?))))
    }

    /// Both conditions hold.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Item {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     price: i32,
    ///     stock: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Item::TABLE]).await?;
    /// for (price, stock) in [(5, 0), (8, 20), (30, 500)] {
    ///     Item { id: 0, price, stock }.insert(&db).await?;
    /// }
    /// let cheap_in_stock = Item::price.lt(10).and(Item::stock.gt(0)); // or `a & b`
    /// assert_eq!(Item::query().filter(cheap_in_stock).count(&db).await?, 1);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "AND")]
    pub fn and(self, other: Self) -> Self {
        self.combine(other, |l, r| l.and(r))
    }

    /// Either condition holds.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Item {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     price: i32,
    ///     stock: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Item::TABLE]).await?;
    /// for (price, stock) in [(5, 0), (8, 20), (30, 500)] {
    ///     Item { id: 0, price, stock }.insert(&db).await?;
    /// }
    /// let cheap_or_plenty = Item::price.lt(6).or(Item::stock.ge(500)); // or `a | b`
    /// assert_eq!(Item::query().filter(cheap_or_plenty).count(&db).await?, 2);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "OR")]
    pub fn or(self, other: Self) -> Self {
        self.combine(other, |l, r| l.or(r))
    }

    /// The condition does not hold.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// struct Item {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     price: i32,
    ///     stock: i32,
    /// }
    ///
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # covet::dev::create_tables(&db, &[Item::TABLE]).await?;
    /// for (price, stock) in [(5, 0), (8, 20), (30, 500)] {
    ///     Item { id: 0, price, stock }.insert(&db).await?;
    /// }
    /// let not_cheap = Item::price.lt(10).not(); // or `!filter`
    /// let rows = Item::query().filter(not_cheap).all(&db).await?;
    /// assert_eq!(rows.len(), 1);
    /// assert_eq!(rows[0].price, 30);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "NOT")]
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        Self::from_result(self.expr.map(|e| e.not()))
    }
}

impl<M> std::ops::BitAnd for Filter<M> {
    type Output = Self;

    fn bitand(self, other: Self) -> Self {
        self.and(other)
    }
}

impl<M> std::ops::BitOr for Filter<M> {
    type Output = Self;

    fn bitor(self, other: Self) -> Self {
        self.or(other)
    }
}

impl<M> std::ops::Not for Filter<M> {
    type Output = Self;

    fn not(self) -> Self {
        Filter::not(self)
    }
}

/// A filter usable in a query on model `M`.
///
/// [`Select::filter`](crate::query::Select::filter) and the bulk
/// [`UpdateMany`](crate::query::UpdateMany) and [`DeleteMany`](crate::query::DeleteMany) take
/// one. Only [`Filter<M>`] implements it; use it as a bound in your own query helpers, where it
/// turns a filter on another model's columns into a clear compile error.
///
/// # Examples
///
/// ```
/// use covet::prelude::*;
/// use covet::query::{IntoFilter, Select};
///
/// #[covet::model]
/// struct Item {
///     #[covet(primary_key)]
///     id: i64,
///     price: i32,
///     stock: i32,
/// }
///
/// /// Items in stock, narrowed down by the caller.
/// fn in_stock(filter: impl IntoFilter<Item>) -> Select<Item> {
///     Item::query().filter(Item::stock.gt(0)).filter(filter)
/// }
///
/// assert_eq!(
///     in_stock(Item::price.lt(10)).to_sql(Backend::Sqlite)?,
///     r#"SELECT "id", "price", "stock" FROM "item" WHERE "stock" > ? AND "price" < ?"#
/// );
/// # Ok::<(), covet::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "this filter is not on `{M}`'s columns",
    label = "a query on `{M}` accepts only `Filter<{M}>`",
    note = "a query reads one table: build its filters from `{M}`'s own columns (`{M}::<field>.eq(..)`)",
    note = "for a condition on another model, query that model first and filter `{M}` on the values it returns (e.g. with `is_in`), or write the join with `covet::unchecked_sql`"
)]
pub trait IntoFilter<M> {
    /// The filter.
    #[doc(hidden)]
    fn into_filter(self) -> Filter<M>;
}

impl<M> IntoFilter<M> for Filter<M> {
    fn into_filter(self) -> Filter<M> {
        self
    }
}

/// An `ORDER BY` term on a column of model `M`, from [`Column::asc`](crate::Column::asc) or
/// [`Column::desc`](crate::Column::desc).
///
/// Pass it to [`Select::order_by`](crate::query::Select::order_by); each further call adds a
/// tie-breaker.
///
/// # Examples
///
/// ```
/// use covet::prelude::*;
///
/// #[covet::model]
/// struct Runner {
///     #[covet(primary_key)]
///     id: i64,
///     name: String,
///     seconds: i32,
/// }
///
/// let fastest = Runner::seconds.asc();
/// assert_eq!(format!("{fastest:?}"), "Order(seconds ASC)");
///
/// let sql = Runner::query()
///     .order_by(fastest)
///     .order_by(Runner::name.desc())
///     .to_sql(Backend::Postgres)?;
/// assert_eq!(
///     sql,
///     r#"SELECT "id", "name", "seconds" FROM "runner" ORDER BY "seconds" ASC, "name" DESC"#
/// );
/// # Ok::<(), covet::Error>(())
/// ```
#[doc(alias = "ORDER BY")]
#[must_use = "an order does nothing until a query uses it"]
pub struct Order<M> {
    pub(crate) column: &'static str,
    pub(crate) descending: bool,
    model: PhantomData<fn() -> M>,
}

impl<M> Clone for Order<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Order<M> {}

impl<M> std::fmt::Debug for Order<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let direction = if self.descending { "DESC" } else { "ASC" };
        write!(f, "Order({} {direction})", self.column)
    }
}

impl<M> Order<M> {
    pub(crate) fn new(column: &'static str, descending: bool) -> Self {
        Self {
            column,
            descending,
            model: PhantomData,
        }
    }

    pub(crate) fn direction(self) -> sea_query::Order {
        if self.descending {
            sea_query::Order::Desc
        } else {
            sea_query::Order::Asc
        }
    }
}

/// An ordering usable in a query on model `M`.
///
/// [`Select::order_by`](crate::query::Select::order_by) takes one. Only [`Order<M>`] implements
/// it; use it as a bound in your own query helpers, like [`IntoFilter`].
///
/// # Examples
///
/// ```
/// use covet::prelude::*;
/// use covet::query::{IntoOrder, Select};
///
/// #[covet::model]
/// struct Item {
///     #[covet(primary_key)]
///     id: i64,
///     price: i32,
/// }
///
/// /// The first page of items in the caller's order.
/// fn first_page(order: impl IntoOrder<Item>) -> Select<Item> {
///     Item::query().order_by(order).limit(20)
/// }
///
/// assert_eq!(
///     first_page(Item::price.desc()).to_sql(Backend::Sqlite)?,
///     r#"SELECT "id", "price" FROM "item" ORDER BY "price" DESC LIMIT ?"#
/// );
/// # Ok::<(), covet::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "this ordering is not on `{M}`'s columns",
    label = "a query on `{M}` can only be ordered by `{M}`'s columns",
    note = "order by one of `{M}`'s own columns: `{M}::<field>.asc()` or `{M}::<field>.desc()`"
)]
pub trait IntoOrder<M> {
    /// The ordering.
    #[doc(hidden)]
    fn into_order(self) -> Order<M>;
}

impl<M> IntoOrder<M> for Order<M> {
    fn into_order(self) -> Order<M> {
        self
    }
}
