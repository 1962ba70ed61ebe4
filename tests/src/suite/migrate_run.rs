//! covet-migrate's runner on a real database: migrations generated from models, applied,
//! verified, rolled back, failing, and raced.

mod models;

use std::time::Duration;

use covet::prelude::*;
use covet::{Backend, Database, FromRow, Registry, Row};
use covet_migrate::{
    Direction, GenerateOptions, Generated, MigrateError, Migration, MigrationDir, MigrationState,
    Migrator, Renames, Resolution, Schema, generate,
};

use crate::TestDb;
use models::*;

/// A migrations folder in a temporary directory, for one test.
struct Project {
    /// Kept so that the folder lives as long as the project.
    _folder: tempfile::TempDir,
    dir: MigrationDir,
    backend: Backend,
}

impl Project {
    fn new(backend: Backend) -> Self {
        let folder = tempfile::tempdir().unwrap();
        let dir = MigrationDir::create(folder.path().join("migrations")).unwrap();
        Self {
            _folder: folder,
            dir,
            backend,
        }
    }

    /// `makemigrations` for `models`, following their declared renames.
    fn generate(&self, models: &Registry) -> Migration {
        self.generate_with(models, GenerateOptions::default())
    }

    fn generate_with(&self, models: &Registry, mut options: GenerateOptions) -> Migration {
        options.renames = Renames::from_registry(models).unwrap();
        let schema = Schema::from_registry(models).unwrap();
        match generate(&self.dir, &schema, None, self.backend, &options).unwrap() {
            Generated::Written(written) => written.migration,
            Generated::NoChanges => panic!("no changes to generate"),
        }
    }

    fn migrator(&self) -> Migrator {
        Migrator::from_dir(&self.dir)
            .unwrap()
            .lock_timeout(Duration::from_secs(30))
    }
}

/// A history row as a user would read it with SQL.
struct HistoryLine {
    version: i64,
    checksum: String,
    state: String,
}

impl FromRow for HistoryLine {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Self {
            version: row.decode(0)?,
            checksum: row.decode(1)?,
            state: row.decode(2)?,
        })
    }
}

async fn history(db: &Database) -> Vec<HistoryLine> {
    covet::unchecked_sql("SELECT version, checksum, state FROM covet_migrations ORDER BY version")
        .fetch_all(db)
        .await
        .unwrap()
}

fn versions(ran: &[covet_migrate::Ran]) -> Vec<u32> {
    ran.iter().map(|r| r.version).collect()
}

/// The one-off value `blog_v2`'s new required `post.lang` gets in existing rows.
fn lang_backfill() -> GenerateOptions {
    GenerateOptions {
        backfills: ["post.lang=en".parse().unwrap()].into_iter().collect(),
        ..GenerateOptions::default()
    }
}

/// The author the blog tests write posts for.
async fn ada(db: &Database) -> blog_v1::Author {
    blog_v1::Author {
        id: 0,
        name: "Ada".into(),
    }
    .insert(db)
    .await
    .unwrap()
}

/// Introspects the database and compares it with `models`.
async fn assert_no_drift(db: &Database, models: &Registry) {
    let drift = covet_migrate::drift(db, &Schema::from_registry(models).unwrap())
        .await
        .unwrap();
    assert!(drift.is_empty(), "{drift}");
}

/// Whether `sql` (a query naming a table or column) runs: the object exists.
async fn runs(db: &Database, sql: &'static str) -> bool {
    covet::unchecked_sql(sql).execute(db).await.is_ok()
}

pub async fn migrations_apply_once_record_their_checksums_and_roll_back(t: &TestDb) {
    let project = Project::new(t.backend);
    let first = project.generate(&blog_v1::MODELS);
    let second = project.generate_with(&blog_v2::MODELS, lang_backfill());
    let migrator = project.migrator();
    // The exact SQL, per dialect, reviewed like any other snapshot.
    let sql: String = migrator
        .migrations()
        .iter()
        .map(|m| format!("{}\n{}\n", m.up_sql(), m.down_sql()))
        .collect();
    insta::assert_snapshot!(format!("blog_migrations_on_{}", t.backend.name()), sql);

    let status = migrator.status(&t.db).await.unwrap();
    assert_eq!(status.pending().collect::<Vec<_>>(), [1, 2]);

    assert_eq!(versions(&migrator.migrate(&t.db).await.unwrap()), [1, 2]);
    let rows = history(&t.db).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].version, 1);
    assert_eq!(rows[0].checksum, first.checksum().to_string());
    assert_eq!(rows[1].checksum, second.checksum().to_string());
    assert!(rows.iter().all(|row| row.state == "applied"));
    assert!(migrator.status(&t.db).await.unwrap().is_up_to_date());
    // The database is what the models describe.
    assert_no_drift(&t.db, &blog_v2::MODELS).await;

    // Nothing left to do: a second run applies nothing.
    assert!(migrator.migrate(&t.db).await.unwrap().is_empty());
    assert_eq!(history(&t.db).await.len(), 2);

    // The tables are the v2 models', with their constraints.
    let author = ada(&t.db).await;
    let post = blog_v2::Post {
        id: 0,
        author_id: author.id,
        title: "Notes".into(),
        content: "On the engine".into(),
        likes: 7,
        lang: "en".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let orphan = blog_v2::Post {
        author_id: author.id + 100,
        ..post.clone()
    };
    let err = orphan.insert(&t.db).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ForeignKeyViolation);

    // Back to v1: the v1 model reads the post again, under its old column names.
    let back = migrator.rollback(&t.db, 1).await.unwrap();
    assert_eq!(versions(&back), [2]);
    assert_eq!(back[0].direction, Direction::Down);
    let status = migrator.status(&t.db).await.unwrap();
    assert_eq!(status.pending().collect::<Vec<_>>(), [2]);
    assert_eq!(history(&t.db).await.len(), 1);
    let posts = blog_v1::Post::query().all(&t.db).await.unwrap();
    assert_eq!(
        (posts[0].body.as_str(), posts[0].likes),
        ("On the engine", 7)
    );
    // The way down (on SQLite a table rebuild) leaves exactly the v1 tables: columns, types,
    // keys and indexes, as the database lists them.
    assert_no_drift(&t.db, &blog_v1::MODELS).await;

    // And all the way down: only the history table is left, and it is empty.
    assert_eq!(versions(&migrator.rollback(&t.db, 5).await.unwrap()), [1]);
    assert!(history(&t.db).await.is_empty());
    assert!(!runs(&t.db, "SELECT 1 FROM author").await);
    assert_no_drift(&t.db, &covet::models![]).await;
    assert!(migrator.rollback(&t.db, 1).await.unwrap().is_empty());

    // Up again from nothing.
    assert_eq!(versions(&migrator.migrate(&t.db).await.unwrap()), [1, 2]);
}

pub async fn a_required_column_added_to_a_table_with_rows_takes_the_backfill_value(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&blog_v1::MODELS);
    project.migrator().migrate(&t.db).await.unwrap();
    let author = ada(&t.db).await;
    for title in ["one", "two"] {
        blog_v1::Post {
            id: 0,
            author_id: author.id,
            title: title.into(),
            body: "text".into(),
            likes: 1,
        }
        .insert(&t.db)
        .await
        .unwrap();
    }

    project.generate_with(&blog_v2::MODELS, lang_backfill());
    project.migrator().migrate(&t.db).await.unwrap();

    let posts = blog_v2::Post::query()
        .order_by(blog_v2::Post::id.asc())
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(posts.len(), 2);
    assert!(posts.iter().all(|p| p.lang == "en" && p.content == "text"));
    // The backfill was one-off: the column has no default afterwards.
    let err = covet::unchecked_sql(
        "INSERT INTO post (author_id, title, content, likes) VALUES (1, 'x', 'y', 0)",
    )
    .execute(&t.db)
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotNullViolation, "{err}");
}

pub async fn a_widened_type_keeps_values_past_the_old_range(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&blog_v1::MODELS);
    project.generate_with(&blog_v2::MODELS, lang_backfill());
    project.migrator().migrate(&t.db).await.unwrap();
    let author = ada(&t.db).await;
    // `likes` was widened from i32 to i64: a value past i32 fits now.
    let post = blog_v2::Post {
        id: 0,
        author_id: author.id,
        title: "Popular".into(),
        content: "text".into(),
        likes: 5_000_000_000,
        lang: "en".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert_eq!(
        blog_v2::Post::get(&t.db, post.id).await.unwrap().likes,
        5_000_000_000
    );
}

pub async fn a_narrowed_type_refuses_values_that_do_not_fit(t: &TestDb) {
    // Narrowing `title` to 20 characters with a longer title stored.
    let notes = Project::new(t.backend);
    notes.generate(&note_v1::MODELS);
    notes.migrator().migrate(&t.db).await.unwrap();
    note_v1::Note {
        id: 0,
        title: "a title much longer than twenty".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let narrowing = notes.generate_with(
        &note_narrow::MODELS,
        GenerateOptions {
            allow_destructive: true,
            ..GenerateOptions::default()
        },
    );
    assert!(
        narrowing.up_sql().contains("C003"),
        "{}",
        narrowing.up_sql()
    );
    let result = notes.migrator().migrate(&t.db).await;
    match t.backend {
        // SQLite does not enforce lengths: the rebuilt table keeps the long title.
        Backend::Sqlite => {
            result.unwrap();
        }
        _ => {
            let err = result.unwrap_err();
            let MigrateError::Statement { number, source, .. } = &err else {
                panic!("{err}")
            };
            assert_eq!(*number, 1, "{err}");
            assert!(!source.to_string().is_empty());
        }
    }
    let title: Vec<note_v1::Note> = note_v1::Note::query().all(&t.db).await.unwrap();
    assert_eq!(title[0].title, "a title much longer than twenty");
}

pub async fn a_unique_index_over_duplicates_fails_clearly_and_leaves_what_the_dialect_allows(
    t: &TestDb,
) {
    let project = Project::new(t.backend);
    project.generate(&note_v1::MODELS);
    let migrator = project.migrator();
    migrator.migrate(&t.db).await.unwrap();
    for _ in 0..2 {
        note_v1::Note {
            id: 0,
            title: "same".into(),
        }
        .insert(&t.db)
        .await
        .unwrap();
    }
    let adding = project.generate(&note_unique::MODELS);
    let statements = adding.up().unwrap().statements;
    let migrator = project.migrator();

    let err = migrator.migrate(&t.db).await.unwrap_err();
    let MigrateError::Statement {
        migration,
        source,
        partial,
        number,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(migration, &adding.dir_name());
    assert_eq!(source.kind(), ErrorKind::UniqueViolation, "{err}");
    let message = err.to_string();
    let status = migrator.status(&t.db).await.unwrap();
    let summary_exists = runs(&t.db, "SELECT summary FROM note").await;
    match t.backend {
        Backend::MySql => {
            // MariaDB committed the ADD COLUMN before the index failed: the migration is
            // recorded as failed after one statement, and blocks every run.
            assert!(*partial);
            assert!(summary_exists);
            assert!(message.contains("resolve 2"), "{message}");
            let entry = &status.entries[1];
            let MigrationState::Failed {
                statements_done,
                error,
            } = &entry.state
            else {
                panic!("{:?}", entry.state)
            };
            assert_eq!(*statements_done, u32::try_from(*number - 1).unwrap());
            assert!(error.contains(&statements[*number - 1]), "{error}");
            // What `cargo covet status` prints for it.
            let shown = status.to_string();
            let line = format!(
                "{}  FAILED after {} statement(s): ",
                adding.dir_name(),
                *number - 1
            );
            assert!(shown.contains(&line), "{shown}");
            let again = migrator.migrate(&t.db).await.unwrap_err();
            assert!(matches!(again, MigrateError::Blocked { .. }), "{again}");
            let rollback = migrator.rollback(&t.db, 1).await.unwrap_err();
            assert!(
                matches!(rollback, MigrateError::Blocked { .. }),
                "{rollback}"
            );

            // Undo by hand what was applied, say so, fix the data, and run again.
            covet::unchecked_sql("ALTER TABLE note DROP COLUMN summary")
                .execute(&t.db)
                .await
                .unwrap();
            migrator
                .resolve(&t.db, 2, Resolution::RolledBack)
                .await
                .unwrap();
        }
        _ => {
            // One transaction: nothing of the migration, and nothing in the history.
            assert!(!*partial);
            assert!(!summary_exists);
            assert!(message.contains("Nothing of it was applied"), "{message}");
            assert_eq!(status.pending().collect::<Vec<_>>(), [2]);
            assert_eq!(history(&t.db).await.len(), 1);
        }
    }
    note_v1::Note::delete_many()
        .filter(note_v1::Note::id.eq(2))
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(versions(&migrator.migrate(&t.db).await.unwrap()), [2]);
    let dup = note_unique::Note {
        id: 0,
        title: "same".into(),
        summary: None,
    }
    .insert(&t.db)
    .await
    .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::UniqueViolation);
}

pub async fn a_failed_migration_resolved_as_applied_counts_as_applied(t: &TestDb) {
    if t.backend != Backend::MySql {
        eprintln!(
            "not applicable on {}: only MySQL/MariaDB leave a migration half-applied",
            t.backend.name()
        );
        return;
    }
    let project = Project::new(t.backend);
    project.generate(&note_v1::MODELS);
    let migrator = project.migrator();
    migrator.migrate(&t.db).await.unwrap();
    for _ in 0..2 {
        note_v1::Note {
            id: 0,
            title: "same".into(),
        }
        .insert(&t.db)
        .await
        .unwrap();
    }
    project.generate(&note_unique::MODELS);
    let migrator = project.migrator();
    migrator.migrate(&t.db).await.unwrap_err();
    // Finish by hand: remove the duplicate, create the index the migration wanted.
    covet::unchecked_sql("DELETE FROM note WHERE id = 2")
        .execute(&t.db)
        .await
        .unwrap();
    let index = project.migrator().migrations()[1].up().unwrap().statements[1].clone();
    covet::unchecked_sql(covet::AssertSqlSafe(index))
        .execute(&t.db)
        .await
        .unwrap();
    migrator
        .resolve(&t.db, 2, Resolution::Applied)
        .await
        .unwrap();
    assert!(migrator.status(&t.db).await.unwrap().is_up_to_date());
    let again = migrator
        .resolve(&t.db, 2, Resolution::Applied)
        .await
        .unwrap_err();
    assert!(matches!(
        again,
        MigrateError::NothingToResolve { version: 2 }
    ));
    // And it rolls back like any applied migration.
    assert_eq!(versions(&migrator.rollback(&t.db, 1).await.unwrap()), [2]);
}

pub async fn composite_keys_and_a_cascading_foreign_key_work_once_migrated(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&teams::MODELS);
    project.migrator().migrate(&t.db).await.unwrap();
    let team = teams::Team {
        id: 0,
        name: "core".into(),
    }
    .insert(&t.db)
    .await
    .unwrap();
    let member = teams::Membership {
        team_id: team.id,
        user_name: "ada".into(),
        role: "lead".into(),
    };
    member.clone().insert(&t.db).await.unwrap();
    teams::Membership {
        user_name: "bob".into(),
        ..member.clone()
    }
    .insert(&t.db)
    .await
    .unwrap();
    let dup = member.clone().insert(&t.db).await.unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::UniqueViolation);
    team.delete(&t.db).await.unwrap();
    assert_eq!(teams::Membership::query().count(&t.db).await.unwrap(), 0);
}

pub async fn a_declared_column_rename_keeps_the_data_both_ways(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&blog_v1::MODELS);
    project.migrator().migrate(&t.db).await.unwrap();
    let author = ada(&t.db).await;
    blog_v1::Post {
        id: 0,
        author_id: author.id,
        title: "Notes".into(),
        body: "kept".into(),
        likes: 3,
    }
    .insert(&t.db)
    .await
    .unwrap();
    let renaming = project.generate_with(&blog_v2::MODELS, lang_backfill());
    // A rename, not a drop and an add: nothing destructive was needed.
    assert!(!renaming.up_sql().contains("C002"), "{}", renaming.up_sql());
    let migrator = project.migrator();
    migrator.migrate(&t.db).await.unwrap();
    let post = blog_v2::Post::query().one(&t.db).await.unwrap();
    assert_eq!(post.content, "kept");
    migrator.rollback(&t.db, 1).await.unwrap();
    let post = blog_v1::Post::query().one(&t.db).await.unwrap();
    assert_eq!(post.body, "kept");
}

pub async fn an_enum_gaining_a_value_accepts_it_only_once_migrated(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&ticket_v1::MODELS);
    let migrator = project.migrator();
    migrator.migrate(&t.db).await.unwrap();
    ticket_v1::Ticket {
        id: 0,
        status: ticket_v1::Status::Open,
    }
    .insert(&t.db)
    .await
    .unwrap();
    let blocked = ticket_v2::Ticket {
        id: 0,
        status: ticket_v2::Status::Blocked,
    };
    let err = blocked.clone().insert(&t.db).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CheckViolation, "{err}");

    project.generate(&ticket_v2::MODELS);
    project.migrator().migrate(&t.db).await.unwrap();
    blocked.insert(&t.db).await.unwrap();
    let statuses: Vec<ticket_v2::Status> = ticket_v2::Ticket::query()
        .order_by(ticket_v2::Ticket::id.asc())
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|ticket| ticket.status)
        .collect();
    assert_eq!(
        statuses,
        [ticket_v2::Status::Open, ticket_v2::Status::Blocked]
    );
}

pub async fn a_table_rebuild_keeps_rows_keys_and_foreign_keys(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&blog_v1::MODELS);
    project.migrator().migrate(&t.db).await.unwrap();
    let author = ada(&t.db).await;
    let mut ids = Vec::new();
    for title in ["one", "two", "three"] {
        let post = blog_v1::Post {
            id: 0,
            author_id: author.id,
            title: title.into(),
            body: "text".into(),
            likes: 1,
        }
        .insert(&t.db)
        .await
        .unwrap();
        ids.push(post.id);
    }
    blog_v1::Post::delete_many()
        .filter(blog_v1::Post::id.eq(ids[2]))
        .execute(&t.db)
        .await
        .unwrap();

    // On SQLite, widening `likes` rebuilds `post` (foreign keys off, then checked).
    let rebuilding = project.generate_with(&blog_v2::MODELS, lang_backfill());
    if t.backend == Backend::Sqlite {
        assert!(rebuilding.up_sql().contains("-- covet:foreign-keys-off"));
    }
    project.migrator().migrate(&t.db).await.unwrap();

    let posts = blog_v2::Post::query()
        .order_by(blog_v2::Post::id.asc())
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(posts.iter().map(|p| p.id).collect::<Vec<_>>(), ids[..2]);
    // The key keeps counting past the deleted row, as before the rebuild.
    let next = blog_v2::Post {
        id: 0,
        ..posts[0].clone()
    }
    .insert(&t.db)
    .await
    .unwrap();
    assert!(next.id > ids[2], "{} after {}", next.id, ids[2]);
    // The foreign key is still there, still enforced, still cascading.
    let orphan = blog_v2::Post {
        id: 0,
        author_id: author.id + 100,
        ..posts[0].clone()
    };
    let err = orphan.insert(&t.db).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ForeignKeyViolation, "{err}");
    author.delete(&t.db).await.unwrap();
    assert_eq!(blog_v2::Post::query().count(&t.db).await.unwrap(), 0);
    // And the runner's connection went back to the pool with foreign keys on: every open
    // connection, held at once, enforces them.
    if t.backend == Backend::Sqlite {
        let mut sessions = Vec::new();
        for _ in 0..t.db.pool_size() {
            sessions.push(t.db.session().await.unwrap());
        }
        for session in &mut sessions {
            let on: Vec<Flag> = covet::unchecked_sql("PRAGMA foreign_keys")
                .fetch_all(&mut *session)
                .await
                .unwrap();
            assert_eq!(on[0].0, 1);
        }
    }
}

/// A one-integer row.
struct Flag(i64);

impl FromRow for Flag {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Self(row.decode(0)?))
    }
}

pub async fn an_edited_or_missing_applied_migration_is_refused_by_name(t: &TestDb) {
    let project = Project::new(t.backend);
    let first = project.generate(&steps::ONE);
    project.generate(&steps::TWO);
    project.migrator().migrate(&t.db).await.unwrap();

    // Edited by hand: the folder no longer verifies against covet.sum...
    let up = project.dir.path().join(first.dir_name()).join("up.sql");
    let text = std::fs::read_to_string(&up).unwrap();
    std::fs::write(
        &up,
        format!(
            "{text}
-- a late fix
"
        ),
    )
    .unwrap();
    let err = Migrator::from_dir(&project.dir).unwrap_err();
    assert!(err.to_string().contains("rehash"), "{err}");
    // ...and once rehashed, the database still knows the applied text was another.
    project.dir.rehash().unwrap();
    let migrator = project.migrator();
    let err = migrator.migrate(&t.db).await.unwrap_err();
    assert!(
        matches!(&err, MigrateError::Edited { migration } if *migration == first.dir_name()),
        "{err}"
    );
    assert!(err.to_string().contains("git checkout"), "{err}");
    let status = migrator.status(&t.db).await.unwrap();
    assert!(matches!(
        status.entries[0].state,
        MigrationState::Edited { .. }
    ));
    assert!(status.to_string().contains("EDITED"), "{status}");
    std::fs::write(&up, &text).unwrap();
    project.dir.rehash().unwrap();
    assert!(project.migrator().migrate(&t.db).await.unwrap().is_empty());

    // An applied migration that vanished from the folder.
    let second = project
        .dir
        .path()
        .join(project.migrator().migrations()[1].dir_name());
    std::fs::remove_dir_all(second).unwrap();
    project.dir.rehash().unwrap();
    let err = project.migrator().migrate(&t.db).await.unwrap_err();
    assert!(
        matches!(&err, MigrateError::Missing { migration } if migration.starts_with("0002_")),
        "{err}"
    );
}

pub async fn out_of_order_migrations_are_refused_unless_allowed(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&steps::ONE);
    project.generate(&steps::TWO);
    project.generate(&steps::THREE);
    let all = project.migrator();
    // A deployment that had 0001 and 0003 but not yet 0002 (merged later).
    let without_second: Vec<Migration> = all
        .migrations()
        .iter()
        .filter(|m| m.version() != 2)
        .cloned()
        .collect();
    Migrator::new(without_second)
        .unwrap()
        .migrate(&t.db)
        .await
        .unwrap();

    let status = all.status(&t.db).await.unwrap();
    assert!(matches!(
        status.entries[1].state,
        MigrationState::Pending { out_of_order: true }
    ));
    // What `cargo covet status` prints for it.
    let shown = status.to_string();
    let second = &all.migrations()[1];
    assert!(
        shown.contains(&format!(
            "\n{}  pending, out of order (a later migration is applied)\n",
            second.dir_name()
        )),
        "{shown}"
    );
    let err = all.migrate(&t.db).await.unwrap_err();
    let MigrateError::OutOfOrder {
        pending,
        latest_applied,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(pending.len(), 1);
    assert!(
        pending[0].starts_with("0002_") && latest_applied.starts_with("0003_"),
        "{err}"
    );
    assert!(!runs(&t.db, "SELECT 1 FROM step_two").await);

    let ran = project
        .migrator()
        .allow_out_of_order(true)
        .migrate(&t.db)
        .await
        .unwrap();
    assert_eq!(versions(&ran), [2]);
    assert!(runs(&t.db, "SELECT 1 FROM step_two").await);
}

pub async fn two_runners_started_at_once_apply_each_migration_exactly_once(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&steps::ONE);
    project.generate(&steps::TWO);
    project.generate(&steps::THREE);

    let mut runners = Vec::new();
    for _ in 0..2 {
        // Separate pools, as two deployments would have.
        let db = Database::connect(&t.url).await.unwrap();
        let migrator = project.migrator().on_progress(|progress| {
            if let covet_migrate::Progress::Started { .. } = progress {
                // Hold the lock a little, so that the runners overlap.
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        runners.push(tokio::spawn(async move {
            let ran = migrator.migrate(&db).await;
            db.close().await;
            ran
        }));
    }
    let mut applied = Vec::new();
    for runner in runners {
        applied.extend(versions(&runner.await.unwrap().unwrap()));
    }
    applied.sort_unstable();
    assert_eq!(applied, [1, 2, 3]);
    let rows = history(&t.db).await;
    assert_eq!(
        rows.iter().map(|r| r.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

pub async fn a_runner_waits_for_the_lock_and_times_out_with_a_typed_error(t: &TestDb) {
    let project = Project::new(t.backend);
    project.generate(&steps::ONE);
    // Another runner holds the lock.
    let mut holder = t.db.session().await.unwrap();
    holder.set_close_on_drop(true);
    let held = match t.backend {
        Backend::Postgres => Some("SELECT pg_advisory_lock(7165075710285933927)"),
        Backend::MySql => {
            Some("SELECT GET_LOCK(LEFT(CONCAT('covet_migrations.', DATABASE()), 64), 0)")
        }
        _ => None,
    };
    let writer = match held {
        Some(sql) => {
            covet::unchecked_sql(sql)
                .execute(&mut holder)
                .await
                .unwrap();
            None
        }
        // On SQLite the lock is the write lock: another connection's immediate transaction.
        None => Some(
            holder
                .begin_with(
                    covet::TransactionOptions::new()
                        .sqlite_locking(covet::SqliteLocking::Immediate),
                )
                .await
                .unwrap(),
        ),
    };

    let waited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = waited.clone();
    let db = Database::connect(&t.url).await.unwrap();
    let err = project
        .migrator()
        .lock_timeout(Duration::from_millis(300))
        .on_progress(move |progress| {
            if let covet_migrate::Progress::WaitingForLock = progress {
                seen.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        })
        .migrate(&db)
        .await
        .unwrap_err();
    assert!(matches!(err, MigrateError::LockTimeout { .. }), "{err}");
    assert!(err.to_string().contains("another `migrate`"), "{err}");
    if t.backend != Backend::Sqlite {
        assert!(waited.load(std::sync::atomic::Ordering::Relaxed));
    }
    // The waiting runner gave its connection back.
    assert_eq!(db.pool_stats().in_use, 0);
    db.close().await;
    drop(writer);
}

/// A hand-written migration in `backend`'s dialect: `(up, down)` statements.
fn hand_written(dir_name: &'static str, backend: Backend, up: &str, down: &str) -> Migration {
    let header = format!("-- dialect: {}\n", backend.name());
    let directive = if backend == Backend::MySql {
        "-- covet:no-transaction\n"
    } else {
        ""
    };
    let up: &'static str = Box::leak(format!("{header}{directive}\n{up}\n").into_boxed_str());
    let down: &'static str = Box::leak(format!("{header}{directive}\n{down}\n").into_boxed_str());
    Migration::from_embedded(&covet_migrate::EmbeddedMigration { dir_name, up, down }).unwrap()
}

pub async fn a_setting_a_migration_changes_does_not_reach_the_pool(t: &TestDb) {
    let (set, read): (&str, &'static str) = match t.backend {
        Backend::Postgres => (
            "SET lock_timeout = '1234ms';",
            "SELECT CASE WHEN current_setting('lock_timeout') = '1234ms' THEN 1 ELSE 0 END::bigint",
        ),
        Backend::MySql => (
            "SET @covet_probe = 1;",
            "SELECT CAST(COALESCE(@covet_probe, 0) AS SIGNED)",
        ),
        _ => (
            "PRAGMA cache_size = 1234;",
            "SELECT cache_size = 1234 FROM pragma_cache_size",
        ),
    };
    let migration = hand_written(
        "0001_create_knob",
        t.backend,
        &format!("{set}\n\nCREATE TABLE knob (id integer);"),
        "DROP TABLE knob;",
    );
    Migrator::new(vec![migration])
        .unwrap()
        .migrate(&t.db)
        .await
        .unwrap();
    assert!(runs(&t.db, "SELECT id FROM knob").await);
    // Every connection the pool holds, at once: none carries the migration's setting.
    let mut sessions = Vec::new();
    for _ in 0..t.db.pool_size().max(1) {
        sessions.push(t.db.session().await.unwrap());
    }
    for session in &mut sessions {
        let set: Vec<Flag> = covet::unchecked_sql(read)
            .fetch_all(&mut *session)
            .await
            .unwrap();
        assert_eq!(
            set[0].0, 0,
            "a pooled connection kept the migration's setting"
        );
    }
}

pub async fn a_migration_that_controls_the_transaction_itself_is_refused(t: &TestDb) {
    let migration = hand_written(
        "0001_create_knob",
        t.backend,
        "CREATE TABLE knob (id integer);\n\nCOMMIT;",
        "DROP TABLE knob;",
    );
    let err = Migrator::new(vec![migration])
        .unwrap()
        .migrate(&t.db)
        .await
        .unwrap_err();
    assert!(matches!(err, MigrateError::Unsupported { .. }), "{err}");
    assert!(err.to_string().contains("COMMIT"), "{err}");
    assert!(!runs(&t.db, "SELECT id FROM knob").await);
}

pub async fn a_dangling_reference_after_a_rebuild_rolls_the_migration_back(t: &TestDb) {
    if t.backend != Backend::Sqlite {
        eprintln!(
            "not applicable on {}: foreign keys are switched off around a migration on SQLite only",
            t.backend.name()
        );
        return;
    }
    let tables = hand_written(
        "0001_create_parent_child",
        t.backend,
        "CREATE TABLE parent (id integer PRIMARY KEY);\n\n\
         CREATE TABLE child (id integer PRIMARY KEY, parent_id integer NOT NULL REFERENCES parent (id));",
        "DROP TABLE child;\n\nDROP TABLE parent;",
    );
    // A script with foreign keys off that leaves a child pointing nowhere, and no check of its
    // own: the runner checks anyway.
    let orphan = Migration::from_embedded(&covet_migrate::EmbeddedMigration {
        dir_name: "0002_orphan",
        up: "-- dialect: sqlite\n-- covet:foreign-keys-off\n\nINSERT INTO child (id, parent_id) VALUES (1, 42);\n",
        down: "-- dialect: sqlite\n\nDELETE FROM child;\n",
    })
    .unwrap();
    let migrator = Migrator::new(vec![tables, orphan]).unwrap();
    let err = migrator.migrate(&t.db).await.unwrap_err();
    let MigrateError::ForeignKeyCheck {
        migration,
        violations,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(migration, "0002_orphan");
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(
        err.to_string()
            .contains("child row 1 references a missing row of parent"),
        "{err}"
    );
    // Rolled back: no orphan, 0002 still pending, and foreign keys enforced again.
    assert_eq!(
        migrator
            .status(&t.db)
            .await
            .unwrap()
            .pending()
            .collect::<Vec<_>>(),
        [2]
    );
    let rows: Vec<Flag> = covet::unchecked_sql("SELECT count(*) FROM child")
        .fetch_all(&t.db)
        .await
        .unwrap();
    assert_eq!(rows[0].0, 0);
    let err = covet::unchecked_sql("INSERT INTO child (id, parent_id) VALUES (2, 42)")
        .execute(&t.db)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ForeignKeyViolation);
}

pub async fn a_cancelled_run_releases_the_lock_and_leaves_nothing_half_done(t: &TestDb) {
    // A statement that takes a while, to cancel the run in. The servers sleep; SQLite has no
    // sleep, so it counts rows that it would take minutes to reach, each sent to the runner:
    // once the run is dropped, the next row finds nobody to take it and the statement stops.
    let slow = match t.backend {
        Backend::Postgres => "SELECT pg_sleep(1.5);",
        Backend::MySql => "SELECT SLEEP(1.5);",
        _ => {
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) \
             SELECT i FROM n;"
        }
    };
    let migration = hand_written(
        "0001_create_knob",
        t.backend,
        &format!("CREATE TABLE knob (id integer);\n\n{slow}"),
        "DROP TABLE knob;",
    );
    // A deployment whose task is aborted while a migration runs: once its first statement is
    // done, while the slow one runs.
    let first_done = std::sync::Arc::new(tokio::sync::Notify::new());
    let signal = first_done.clone();
    let db = Database::connect(&t.url).await.unwrap();
    let migrator = Migrator::new(vec![migration.clone()])
        .unwrap()
        .on_progress(move |progress| {
            if let covet_migrate::Progress::Statement { number: 1, .. } = progress {
                signal.notify_one();
            }
        });
    let run = tokio::spawn(async move { migrator.migrate(&db).await });
    tokio::time::timeout(Duration::from_secs(30), first_done.notified())
        .await
        .expect("the migration's first statement never finished");
    run.abort();
    assert!(run.await.unwrap_err().is_cancelled());

    // The next runner gets the lock (once the server has seen the connection go) and finds
    // what the dialect promises.
    let next = Migrator::new(vec![migration])
        .unwrap()
        .lock_timeout(Duration::from_secs(10));
    match t.backend {
        Backend::Postgres => {
            // Rolled back whole: the migration runs again, from the start.
            assert_eq!(versions(&next.migrate(&t.db).await.unwrap()), [1]);
        }
        Backend::MySql => {
            // MariaDB committed the CREATE TABLE: the migration is recorded as interrupted and
            // blocks, rather than being applied twice.
            let err = next.migrate(&t.db).await.unwrap_err();
            assert!(matches!(err, MigrateError::Blocked { .. }), "{err}");
            assert!(
                err.to_string().contains("INTERRUPTED after 1 statement"),
                "{err}"
            );
        }
        _ => {
            // Rolled back whole with its transaction: no table, no history row (nor history
            // table, created in the same transaction), so nothing says running or applied.
            assert_eq!(
                next.status(&t.db)
                    .await
                    .unwrap()
                    .pending()
                    .collect::<Vec<_>>(),
                [1]
            );
            assert!(!runs(&t.db, "SELECT 1 FROM knob").await);
            // The next deployment ships the migration without its slow statement (it was never
            // applied, so it may still change) and waits for the cancelled run's write lock,
            // which its connection's rollback releases.
            let fixed = hand_written(
                "0001_create_knob",
                t.backend,
                "CREATE TABLE knob (id integer);",
                "DROP TABLE knob;",
            );
            let next = Migrator::new(vec![fixed])
                .unwrap()
                .lock_timeout(Duration::from_secs(10));
            assert_eq!(versions(&next.migrate(&t.db).await.unwrap()), [1]);
            let rows = history(&t.db).await;
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].state, "applied");
            assert!(runs(&t.db, "SELECT 1 FROM knob").await);
        }
    }
    crate::suite::transactions::assert_no_pooled_connection_in_a_transaction(&t.db, t.backend)
        .await;
}

/// `0001_create_note` for the rollback tests: a note table whose titles are unique.
fn note_with_unique_title(backend: Backend) -> Migration {
    hand_written(
        "0001_create_note",
        backend,
        "CREATE TABLE note (id bigint PRIMARY KEY, title varchar(100) NOT NULL);\n\n\
         CREATE UNIQUE INDEX note_title_key ON note (title);",
        "DROP TABLE note;",
    )
}

/// `0002_relax_note_title`: adds a column and lets titles repeat. Its down.sql drops the
/// column, then makes titles unique again, which fails once two notes share a title.
fn relax_note_title(backend: Backend) -> Migration {
    let drop_index = match backend {
        Backend::MySql => "DROP INDEX note_title_key ON note;",
        _ => "DROP INDEX note_title_key;",
    };
    hand_written(
        "0002_relax_note_title",
        backend,
        &format!("ALTER TABLE note ADD COLUMN summary varchar(100);\n\n{drop_index}"),
        "ALTER TABLE note DROP COLUMN summary;\n\n\
         CREATE UNIQUE INDEX note_title_key ON note (title);",
    )
}

/// Both note migrations applied, and two notes with the same title: the state in which
/// rolling back `0002_relax_note_title` fails at its second statement.
async fn notes_sharing_a_title(t: &TestDb) -> Migrator {
    let migrator = Migrator::new(vec![
        note_with_unique_title(t.backend),
        relax_note_title(t.backend),
    ])
    .unwrap()
    .lock_timeout(Duration::from_secs(30));
    assert_eq!(versions(&migrator.migrate(&t.db).await.unwrap()), [1, 2]);
    covet::unchecked_sql(
        "INSERT INTO note (id, title, summary) VALUES (1, 'same', 'kept'), (2, 'same', NULL)",
    )
    .execute(&t.db)
    .await
    .unwrap();
    migrator
}

/// Asserts that `err` is the rollback of `0002_relax_note_title` failing at its unique index;
/// returns whether the statement before it stays applied (`partial`).
fn assert_failed_at_the_unique_index(err: &MigrateError) -> bool {
    let MigrateError::Statement {
        migration,
        direction,
        number,
        total,
        statement,
        source,
        partial,
    } = err
    else {
        panic!("{err}")
    };
    assert_eq!(migration, "0002_relax_note_title");
    assert_eq!((*direction, *number, *total), ("down", 2, 2), "{err}");
    assert!(statement.starts_with("CREATE UNIQUE INDEX"), "{err}");
    assert_eq!(source.kind(), ErrorKind::UniqueViolation, "{err}");
    *partial
}

pub async fn a_down_migration_failing_halfway_leaves_what_the_dialect_allows(t: &TestDb) {
    let migrator = notes_sharing_a_title(t).await;
    let relax = migrator.migrations()[1].clone();

    let err = migrator.rollback(&t.db, 1).await.unwrap_err();
    let partial = assert_failed_at_the_unique_index(&err);
    let message = err.to_string();
    let status = migrator.status(&t.db).await.unwrap();
    let rows = history(&t.db).await;
    let summary_exists = runs(&t.db, "SELECT summary FROM note").await;
    match t.backend {
        Backend::MySql => {
            // MariaDB committed the DROP COLUMN before the index failed: the column and its
            // data are gone, and the migration is recorded as failed, naming the statement.
            assert!(partial);
            assert!(!summary_exists);
            assert!(message.contains("resolve 2 --rolled-back"), "{message}");
            assert_eq!(
                rows.iter().map(|r| r.state.as_str()).collect::<Vec<_>>(),
                ["applied", "failed"]
            );
            // The row keeps the checksum of the up.sql that was applied.
            assert_eq!(rows[1].checksum, relax.checksum().to_string());
            let MigrationState::Failed {
                statements_done,
                error,
            } = &status.entries[1].state
            else {
                panic!("{:?}", status.entries[1].state)
            };
            assert_eq!(*statements_done, 1);
            assert!(
                error.starts_with("down.sql statement 2 of 2 failed: "),
                "{error}"
            );
            assert!(
                error.contains("CREATE UNIQUE INDEX note_title_key ON note (title)"),
                "{error}"
            );
            // What `cargo covet status` prints for it.
            let shown = status.to_string();
            assert!(
                shown.contains(
                    "0002_relax_note_title  FAILED after 1 statement(s): down.sql statement 2 of 2 failed: "
                ),
                "{shown}"
            );
            // Nothing runs, either way, until someone says what the database holds.
            let again = migrator.rollback(&t.db, 1).await.unwrap_err();
            assert!(matches!(again, MigrateError::Blocked { .. }), "{again}");
            assert!(again.to_string().contains("--down"), "{again}");
            let up = migrator.migrate(&t.db).await.unwrap_err();
            assert!(matches!(up, MigrateError::Blocked { .. }), "{up}");

            // Finish the down.sql by hand, say so, and the migration is pending again.
            covet::unchecked_sql("DELETE FROM note WHERE id = 2")
                .execute(&t.db)
                .await
                .unwrap();
            covet::unchecked_sql("CREATE UNIQUE INDEX note_title_key ON note (title)")
                .execute(&t.db)
                .await
                .unwrap();
            migrator
                .resolve(&t.db, 2, Resolution::RolledBack)
                .await
                .unwrap();
            let status = migrator.status(&t.db).await.unwrap();
            assert_eq!(status.applied().collect::<Vec<_>>(), [1]);
            assert_eq!(status.pending().collect::<Vec<_>>(), [2]);
            assert_eq!(history(&t.db).await.len(), 1);
            // The run goes on: it applies the migration again, from its first statement.
            assert_eq!(versions(&migrator.migrate(&t.db).await.unwrap()), [2]);
            assert!(runs(&t.db, "SELECT summary FROM note").await);
        }
        _ => {
            // One transaction: the DROP COLUMN was rolled back with the failed index, the
            // column keeps its data, and the migration is still applied as it was.
            assert!(!partial);
            assert!(summary_exists);
            assert!(message.contains("Nothing was rolled back"), "{message}");
            assert!(status.is_up_to_date(), "{status}");
            assert_eq!(rows.len(), 2);
            assert!(rows.iter().all(|row| row.state == "applied"));
            assert_eq!(rows[1].checksum, relax.checksum().to_string());
            let summaries: Vec<Text> =
                covet::unchecked_sql("SELECT summary FROM note WHERE id = 1")
                    .fetch_all(&t.db)
                    .await
                    .unwrap();
            assert_eq!(summaries[0].0, "kept");
            // Nothing was left failed, so there is nothing to resolve.
            let resolve = migrator
                .resolve(&t.db, 2, Resolution::RolledBack)
                .await
                .unwrap_err();
            assert!(
                matches!(resolve, MigrateError::NothingToResolve { version: 2 }),
                "{resolve}"
            );
            covet::unchecked_sql("DELETE FROM note WHERE id = 2")
                .execute(&t.db)
                .await
                .unwrap();
        }
    }
    // Either way the database is now at 0002 with each title once: the rollback goes through,
    // and the unique index it restores is enforced.
    assert_eq!(versions(&migrator.rollback(&t.db, 1).await.unwrap()), [2]);
    assert!(!runs(&t.db, "SELECT summary FROM note").await);
    let dup = covet::unchecked_sql("INSERT INTO note (id, title) VALUES (3, 'same')")
        .execute(&t.db)
        .await
        .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::UniqueViolation, "{dup}");
}

pub async fn a_failed_rollback_resolved_as_applied_rolls_back_again_later(t: &TestDb) {
    if t.backend != Backend::MySql {
        eprintln!(
            "not applicable on {}: down.sql runs in a transaction there, so a failed rollback \
             leaves nothing half-done to resolve \
             (see a_down_migration_failing_halfway_leaves_what_the_dialect_allows)",
            t.backend.name()
        );
        return;
    }
    let migrator = notes_sharing_a_title(t).await;
    let relax = migrator.migrations()[1].clone();
    let err = migrator.rollback(&t.db, 1).await.unwrap_err();
    assert!(assert_failed_at_the_unique_index(&err));

    // Redo by hand what the down.sql undid (the column; its data is lost), and say so.
    covet::unchecked_sql("ALTER TABLE note ADD COLUMN summary varchar(100)")
        .execute(&t.db)
        .await
        .unwrap();
    migrator
        .resolve(&t.db, 2, Resolution::Applied)
        .await
        .unwrap();
    let status = migrator.status(&t.db).await.unwrap();
    assert!(status.is_up_to_date(), "{status}");
    let rows = history(&t.db).await;
    assert!(rows.iter().all(|row| row.state == "applied"));
    assert_eq!(rows[1].checksum, relax.checksum().to_string());
    let again = migrator
        .resolve(&t.db, 2, Resolution::Applied)
        .await
        .unwrap_err();
    assert!(
        matches!(again, MigrateError::NothingToResolve { version: 2 }),
        "{again}"
    );
    // Runs are no longer blocked: with the data fixed, the rollback goes through.
    assert!(migrator.migrate(&t.db).await.unwrap().is_empty());
    covet::unchecked_sql("DELETE FROM note WHERE id = 2")
        .execute(&t.db)
        .await
        .unwrap();
    assert_eq!(versions(&migrator.rollback(&t.db, 1).await.unwrap()), [2]);
    assert!(!runs(&t.db, "SELECT summary FROM note").await);
    assert_eq!(history(&t.db).await.len(), 1);
}

/// A one-text row.
struct Text(String);

impl FromRow for Text {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Self(row.decode(0)?))
    }
}

/// A note as `SELECT * FROM note` reads it once `summary` was added.
struct NoteRow {
    id: i64,
    title: String,
    likes: i64,
    summary: Option<String>,
}

impl FromRow for NoteRow {
    fn from_row<R: Row>(row: &R) -> covet::Result<Self> {
        Ok(Self {
            id: row.decode(0)?,
            title: row.decode(1)?,
            likes: row.decode(2)?,
            summary: row.decode(3)?,
        })
    }
}

/// Queries of the application's own, written before the migration; each connection that ran
/// one keeps it prepared.
const EVERY_NOTE_COLUMN: &str = "SELECT * FROM note ORDER BY id";
const NOTE_LIKES: &str = "SELECT likes FROM note ORDER BY id";

pub async fn a_pool_used_before_a_migration_reads_the_new_schema_after_it(t: &TestDb) {
    let create = hand_written(
        "0001_create_note",
        t.backend,
        "CREATE TABLE note (id bigint PRIMARY KEY, title varchar(100) NOT NULL, \
         likes integer NOT NULL);",
        "DROP TABLE note;",
    );
    // A column added, a table created and (where a column has a type of its own) a type
    // widened: every statement prepared over `note` now describes other columns.
    let widen = match t.backend {
        Backend::Postgres => "\n\nALTER TABLE note ALTER COLUMN likes TYPE bigint;",
        Backend::MySql => "\n\nALTER TABLE note MODIFY likes bigint NOT NULL;",
        _ => "",
    };
    let grow = hand_written(
        "0002_add_note_summary_and_tag",
        t.backend,
        &format!(
            "ALTER TABLE note ADD COLUMN summary varchar(100);\n\n\
             CREATE TABLE tag (id bigint PRIMARY KEY);{widen}"
        ),
        "DROP TABLE tag;\n\nALTER TABLE note DROP COLUMN summary;",
    );
    Migrator::new(vec![create.clone()])
        .unwrap()
        .migrate(&t.db)
        .await
        .unwrap();
    covet::unchecked_sql("INSERT INTO note (id, title, likes) VALUES (1, 'first', 5)")
        .execute(&t.db)
        .await
        .unwrap();
    // The application's pool, warm: several connections, each of which has prepared the
    // application's queries against the old table.
    let mut sessions = Vec::new();
    for _ in 0..3 {
        sessions.push(t.db.session().await.unwrap());
    }
    for session in &mut sessions {
        for sql in [EVERY_NOTE_COLUMN, NOTE_LIKES] {
            covet::unchecked_sql(sql)
                .execute(&mut *session)
                .await
                .unwrap();
        }
    }
    drop(sessions);

    // The start-up migration, through the same pool.
    let migrator = Migrator::new(vec![create, grow]).unwrap();
    assert_eq!(versions(&migrator.migrate(&t.db).await.unwrap()), [2]);

    // Every connection the pool hands out, several at once, reads the new schema, with the
    // statements written before the migration as with new ones. (Without the runner closing
    // the idle connections, PostgreSQL refuses the old statements with "cached plan must not
    // change result type", and on SQLite the `SELECT *` reports no rows and kills its
    // connection.)
    let insert_tag = match t.backend {
        Backend::Postgres => "INSERT INTO tag (id) VALUES ($1)",
        _ => "INSERT INTO tag (id) VALUES (?)",
    };
    let mut sessions = Vec::new();
    for _ in 0..3 {
        sessions.push(t.db.session().await.unwrap());
    }
    for (id, session) in (10..).zip(&mut sessions) {
        let notes: Vec<NoteRow> = covet::unchecked_sql(EVERY_NOTE_COLUMN)
            .fetch_all(&mut *session)
            .await
            .unwrap();
        assert_eq!(notes.len(), 1);
        let note = &notes[0];
        assert_eq!(
            (
                note.id,
                note.title.as_str(),
                note.likes,
                note.summary.as_deref()
            ),
            (1, "first", 5, None)
        );
        let likes: Vec<Flag> = covet::unchecked_sql(NOTE_LIKES)
            .fetch_all(&mut *session)
            .await
            .unwrap();
        assert_eq!(likes[0].0, 5);
        covet::unchecked_sql(insert_tag)
            .bind(id)
            .execute(&mut *session)
            .await
            .unwrap();
    }
    drop(sessions);
    let tags: Vec<Flag> = covet::unchecked_sql("SELECT count(*) FROM tag")
        .fetch_all(&t.db)
        .await
        .unwrap();
    assert_eq!(tags[0].0, 3);
}
