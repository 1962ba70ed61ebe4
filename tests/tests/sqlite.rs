//! The suite on SQLite (always run; an embedded file database per test).
covet_tests::all_tests!(Sqlite);
