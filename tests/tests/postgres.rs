//! The suite on PostgreSQL, when `COVET_TEST_POSTGRES` holds a server URL.
#![cfg(covet_postgres)]
covet_tests::all_tests!(Postgres);
