//! covet's integration suite: written once in [`suite`], run against every configured backend
//! by `tests/sqlite.rs`, `tests/postgres.rs` and `tests/mysql.rs`.
//!
//! SQLite always runs. PostgreSQL and MySQL/MariaDB run when `COVET_TEST_POSTGRES` and
//! `COVET_TEST_MYSQL` hold a server URL; each test gets a fresh database of its own, dropped
//! afterwards, so runs never collide.

// The suite is test code compiled as a library: unwrapping is how a test says "this must work".
#![allow(clippy::unwrap_used, missing_docs, unreachable_pub)]

pub mod book;
pub mod harness;
pub mod suite;

pub use harness::TestDb;
