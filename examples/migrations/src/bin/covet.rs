//! `cargo covet` runs this binary: the migration CLI, given this crate's models.

fn main() -> std::process::ExitCode {
    covet_migrate::cli::Cli::with_models(&covet_example_migrations::MODELS)
        .migrations_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .run()
}
