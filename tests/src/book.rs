//! The book (`book/src`) and the README, compiled as documentation so that
//! `cargo test -p covet-tests --doc` builds and runs every Rust code block in them; mdbook is not
//! needed. Each chapter is the documentation of one item below.

#[doc = include_str!("../../README.md")]
pub struct Readme;

#[doc = include_str!("../../book/src/introduction.md")]
pub struct Introduction;

#[doc = include_str!("../../book/src/getting-started.md")]
pub struct GettingStarted;

#[doc = include_str!("../../book/src/models.md")]
pub struct Models;

#[doc = include_str!("../../book/src/queries.md")]
pub struct Queries;

#[doc = include_str!("../../book/src/errors.md")]
pub struct Errors;

#[doc = include_str!("../../book/src/transactions.md")]
pub struct Transactions;

#[doc = include_str!("../../book/src/migrations.md")]
pub struct Migrations;

#[doc = include_str!("../../book/src/architecture.md")]
pub struct Architecture;

#[doc = include_str!("../../book/src/testing.md")]
pub struct Testing;
