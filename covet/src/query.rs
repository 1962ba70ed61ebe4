//! The typed query language: filters, orderings, `SELECT`, and bulk `UPDATE` / `DELETE`.

mod filter;
mod many;
mod select;
// Public only for the hidden SQL renderers the snapshot tests call.
#[doc(hidden)]
pub mod write;

pub use filter::{Filter, IntoFilter, IntoOrder, Order};
pub use many::{DeleteMany, UpdateMany};
pub use select::Select;
