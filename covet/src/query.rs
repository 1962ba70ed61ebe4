//! The typed query language: filters, orderings, `SELECT`, and bulk `UPDATE` / `DELETE`.

mod filter;
mod many;
mod select;
pub(crate) mod write;

pub use filter::{Filter, IntoFilter, IntoOrder, Order};
pub use many::{DeleteMany, UpdateMany};
pub use select::Select;
