//! The suite on MySQL/MariaDB, when `COVET_TEST_MYSQL` holds a server URL.
#![cfg(covet_mysql)]
covet_tests::all_tests!(MySql);
