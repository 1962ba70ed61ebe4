// The migrations folder must be a string literal: the macro reads it while compiling.
const FOLDER: &str = "migrations";

static MIGRATIONS: &[covet_migrate::EmbeddedMigration] = covet_migrate::embed_migrations!(FOLDER);

fn main() {
    let _ = MIGRATIONS;
}
