//! `embed_migrations!` gives the same migrations as reading the folder at run time.
//!
//! The fixture `tests/fixtures/embed/` was written by `generate()` (see
//! [`regenerate_fixture`]), with a file and a hidden directory added that both readers must
//! ignore.

use covet::Backend;
use covet_migrate::{
    EmbeddedMigration, GenerateOptions, Generated, Migration, MigrationDir, Schema,
    embed_migrations, generate,
};

const FIXTURE: &str = "tests/fixtures/embed";

static EMBEDDED: &[EmbeddedMigration] = embed_migrations!("tests/fixtures/embed");

#[test]
fn embedded_migrations_are_the_folders() {
    let embedded = Migration::embedded(EMBEDDED).expect("valid embedded migrations");
    let on_disk = MigrationDir::open(FIXTURE)
        .and_then(|dir| dir.verify())
        .expect("the fixture verifies");
    assert_eq!(embedded, on_disk);

    // Spelled out, so that a failure says which part differs.
    let names: Vec<String> = embedded.iter().map(Migration::dir_name).collect();
    assert_eq!(
        names,
        [
            "0001_create_author",
            "0002_create_post",
            "0003_add_author_bio"
        ]
    );
    for (embedded, on_disk) in embedded.iter().zip(&on_disk) {
        assert_eq!(embedded.version(), on_disk.version());
        assert_eq!(embedded.name(), on_disk.name());
        assert_eq!(embedded.checksum(), on_disk.checksum());
        assert_eq!(embedded.up_sql(), on_disk.up_sql());
        assert_eq!(embedded.down_sql(), on_disk.down_sql());
        assert_eq!(
            embedded.up().expect("readable up.sql"),
            on_disk.up().expect("readable up.sql")
        );
    }
}

#[test]
fn the_embedded_list_is_in_version_order() {
    let listed: Vec<&str> = EMBEDDED.iter().map(|m| m.dir_name).collect();
    assert_eq!(
        listed,
        [
            "0001_create_author",
            "0002_create_post",
            "0003_add_author_bio"
        ]
    );
}

#[test]
fn the_expansion_is_a_constant_expression() {
    const FROM_BLOCK: usize = embed_migrations!("tests/fixtures/embed").len();
    assert_eq!(FROM_BLOCK, 3);
}

mod v1 {
    #[covet::model]
    pub(crate) struct Author {
        #[covet(primary_key)]
        id: i64,
        #[covet(unique, max_length = 100)]
        name: String,
    }
}

mod v2 {
    pub(crate) use super::v1::Author;

    #[covet::model]
    pub(crate) struct Post {
        #[covet(primary_key)]
        id: i64,
        #[covet(references = Author, on_delete = cascade, index)]
        author_id: i64,
        title: String,
    }
}

mod v3 {
    #[covet::model]
    pub(crate) struct Author {
        #[covet(primary_key)]
        id: i64,
        #[covet(unique, max_length = 100)]
        name: String,
        bio: Option<String>,
    }
}

/// Rewrites the fixture from the models above: `cargo test -p covet-migrate --test embed --
/// --ignored regenerate_fixture`. Keeps the fixture's `README.md` and hidden directory.
#[test]
#[ignore = "rewrites tests/fixtures/embed"]
fn regenerate_fixture() {
    static V1: covet::Registry = covet::models![v1::Author];
    static V2: covet::Registry = covet::models![v2::Author, v2::Post];
    static V3: covet::Registry = covet::models![v3::Author, v2::Post];

    let dir = MigrationDir::create(FIXTURE).expect("the fixture folder");
    for entry in std::fs::read_dir(dir.path()).expect("the fixture folder") {
        let entry = entry.expect("an entry");
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.path().is_dir() && !hidden {
            std::fs::remove_dir_all(entry.path()).expect("remove a migration");
        }
    }
    let _ = std::fs::remove_file(dir.path().join("covet.sum"));

    for (registry, name) in [
        (&V1, "create author"),
        (&V2, "create post"),
        (&V3, "add author bio"),
    ] {
        let models = Schema::from_registry(registry).expect("valid models");
        let generated = generate(
            &dir,
            &models,
            Some(name),
            Backend::Sqlite,
            &GenerateOptions::default(),
        )
        .expect("generated");
        assert!(matches!(generated, Generated::Written(_)), "{name}");
    }
}
