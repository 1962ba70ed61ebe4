//! What most programs need, in one import: `use covet::prelude::*;`.
//!
//! Deliberately small: the traits whose methods you call ([`Model`], [`SqlValue`]), the handle
//! you connect with ([`Database`]), and the error types.

pub use crate::{Backend, Database, Error, ErrorKind, Model, Result, SqlValue};
