// The migrations folder is looked for at compile time, relative to the directory of the crate
// being compiled; a folder that is not there is an error on the path, which says how to create
// the first migration.
static MIGRATIONS: &[covet_migrate::EmbeddedMigration] =
    covet_migrate::embed_migrations!("no_such_migrations");

fn main() {
    let _ = MIGRATIONS;
}
