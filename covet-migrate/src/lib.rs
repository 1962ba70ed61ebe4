//! # covet-migrate
//!
//! Migrations for covet, diffed from the models' [`TableDef`](covet::schema::TableDef)s. This
//! crate is being built: the first release of covet ships the schema description it will diff
//! (`covet::schema`) and a development helper that creates tables directly
//! ([`covet::dev::create_tables`]). The generator, checksummed history, locking runner and the
//! `cargo covet` subcommand land here next; see the book's roadmap.
