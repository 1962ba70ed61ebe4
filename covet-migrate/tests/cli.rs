//! The migration command line, driven through `Cli::run_with` against a temporary folder and
//! a SQLite file, asserting on what a user reads.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use covet_migrate::cli::Cli;

mod v1 {
    #[covet::model]
    pub(crate) struct Post {
        #[covet(primary_key)]
        pub(crate) id: i64,
        pub(crate) title: String,
    }
}

mod v2 {
    #[covet::model]
    pub(crate) struct Post {
        #[covet(primary_key)]
        pub(crate) id: i64,
        pub(crate) title: String,
        pub(crate) summary: Option<String>,
    }
}

/// v1 with a required column and no default: existing rows need a value (C006).
mod with_lang {
    #[covet::model]
    pub(crate) struct Post {
        #[covet(primary_key)]
        pub(crate) id: i64,
        pub(crate) title: String,
        pub(crate) lang: String,
    }
}

/// v2 with `summary` made required: existing `NULL`s need a value (C004).
mod summary_required {
    #[covet::model]
    pub(crate) struct Post {
        #[covet(primary_key)]
        pub(crate) id: i64,
        pub(crate) title: String,
        pub(crate) summary: String,
    }
}

/// v1 with `title` unique: existing duplicates make the index fail (C005).
mod unique_title {
    #[covet::model]
    pub(crate) struct Post {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(unique)]
        pub(crate) title: String,
    }
}

static BEFORE: covet::Registry = covet::models![v1::Post];
static AFTER: covet::Registry = covet::models![v2::Post];
static WITH_LANG: covet::Registry = covet::models![with_lang::Post];
static SUMMARY_REQUIRED: covet::Registry = covet::models![summary_required::Post];
static UNIQUE_TITLE: covet::Registry = covet::models![unique_title::Post];

/// A project: a temporary directory holding the migrations folder, the database and `.env`.
struct Project {
    dir: tempfile::TempDir,
}

/// What one run printed, and its exit status.
#[derive(Debug)]
struct Outcome {
    code: ExitCode,
    out: String,
    err: String,
}

impl Outcome {
    #[track_caller]
    fn success(self) -> String {
        assert_eq!(self.code, ExitCode::SUCCESS, "{self:#?}");
        self.out
    }

    #[track_caller]
    fn failure(self, code: u8) -> Self {
        assert_eq!(self.code, ExitCode::from(code), "{self:#?}");
        self
    }
}

impl Project {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn migrations(&self) -> PathBuf {
        self.path("migrations")
    }

    fn url_of(&self, file: &str) -> String {
        format!("sqlite://{}", self.path(file).display())
    }

    fn url(&self) -> String {
        self.url_of("db.sqlite")
    }

    /// The command line as the project's binary builds it, reading no real environment
    /// variable (the test process may have a DATABASE_URL of its own).
    fn cli(&self, models: &'static covet::Registry) -> Cli {
        self.isolated(Cli::with_models(models))
    }

    fn isolated(&self, cli: Cli) -> Cli {
        cli.migrations_dir(self.migrations())
            .dotenv_file(self.path(".env"))
            .env_vars(std::iter::empty::<(String, String)>())
    }

    fn run(&self, cli: &Cli, args: &[&str]) -> Outcome {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = cli.run_with(args.iter().copied(), &mut out, &mut err);
        Outcome {
            code,
            out: String::from_utf8(out).expect("UTF-8 output"),
            err: String::from_utf8(err).expect("UTF-8 errors"),
        }
    }

    /// Runs a database command against the project's database.
    fn run_db(&self, cli: &Cli, args: &[&str]) -> Outcome {
        let url = self.url();
        let mut all = args.to_vec();
        all.extend(["--database-url", &url]);
        self.run(cli, &all)
    }

    /// Runs `sql` on the project's database, as a user would by hand.
    fn execute(&self, sql: &'static str) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let db = covet::Database::connect(&self.url())
                .await
                .expect("connect");
            covet::unchecked_sql(sql)
                .execute(&db)
                .await
                .unwrap_or_else(|err| panic!("{sql}: {err}"));
            db.close().await;
        });
    }

    fn file(&self, migration: &str, file: &str) -> String {
        fs::read_to_string(self.migrations().join(migration).join(file)).expect("a migration file")
    }

    /// Writes both migrations: `0001_create_post` and `0002_add_post_summary`.
    fn two_migrations(&self) {
        self.run(
            &self.cli(&BEFORE),
            &["makemigrations", "--dialect", "sqlite"],
        )
        .success();
        self.run(&self.cli(&AFTER), &["makemigrations"]).success();
    }
}

fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("the folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn makemigrations_writes_the_first_migration_then_finds_no_changes() {
    let project = Project::new();
    let cli = project.cli(&BEFORE);
    assert!(!project.migrations().exists());

    let out = project
        .run(&cli, &["makemigrations", "--dialect", "sqlite"])
        .success();
    let written = project.migrations().join("0001_create_post");
    assert!(
        out.starts_with(&format!(
            "Wrote {} (sqlite, 1 statement):\n  create table post\n",
            written.display()
        )),
        "{out}"
    );
    assert!(
        out.contains("then apply it with `cargo covet migrate`"),
        "{out}"
    );
    assert!(!out.contains("Risks:"), "{out}");
    assert_eq!(
        names_in(&project.migrations()),
        ["0001_create_post", "covet.sum"]
    );
    assert!(
        project
            .file("0001_create_post", "up.sql")
            .contains("-- dialect: sqlite")
    );

    let out = project.run(&cli, &["makemigrations"]).success();
    assert_eq!(out, "No changes: the models match the latest migration\n");
    assert_eq!(
        names_in(&project.migrations()),
        ["0001_create_post", "covet.sum"]
    );
}

#[test]
fn makemigrations_lists_operations_and_risks_and_refuses_data_loss() {
    let project = Project::new();
    project.two_migrations();
    assert_eq!(
        names_in(&project.migrations()),
        ["0001_create_post", "0002_add_post_summary", "covet.sum"]
    );

    // Going back drops post.summary: refused without --allow-destructive.
    let cli = project.cli(&BEFORE);
    let refused = project.run(&cli, &["makemigrations"]).failure(1);
    assert!(
        refused
            .err
            .starts_with("error: refusing to write a migration that loses data:"),
        "{}",
        refused.err
    );
    assert!(refused.err.contains("C002"), "{}", refused.err);
    assert!(
        refused.err.contains("--allow-destructive"),
        "{}",
        refused.err
    );
    assert_eq!(names_in(&project.migrations()).len(), 3);

    let out = project
        .run(
            &cli,
            &["makemigrations", "drop summary", "--allow-destructive"],
        )
        .success();
    assert!(out.contains("0003_drop_summary (sqlite, "), "{out}");
    assert!(out.contains("\n  drop column post.summary\n"), "{out}");
    assert!(out.contains("Risks:\n  C002 "), "{out}");
    assert!(out.contains(": drop column post.summary\n"), "{out}");
}

#[test]
fn makemigrations_asks_for_a_dialect_it_cannot_infer() {
    let project = Project::new();
    let failed = project
        .run(&project.cli(&BEFORE), &["makemigrations"])
        .failure(2);
    assert!(
        failed
            .err
            .contains("pass --dialect postgres, mysql or sqlite"),
        "{}",
        failed.err
    );
    assert!(!project.migrations().exists(), "nothing is created");

    // From DATABASE_URL's scheme.
    let cli = project
        .cli(&BEFORE)
        .env_vars([("DATABASE_URL", "mysql://root@localhost/app")]);
    project.run(&cli, &["makemigrations"]).success();
    assert!(
        project
            .file("0001_create_post", "up.sql")
            .contains("-- dialect: mysql")
    );

    // Then from the folder, whatever the URL says.
    let cli = project
        .cli(&AFTER)
        .env_vars([("DATABASE_URL", "postgres://localhost/app")]);
    project.run(&cli, &["makemigrations"]).success();
    assert!(
        project
            .file("0002_add_post_summary", "up.sql")
            .contains("-- dialect: mysql")
    );

    // An explicit dialect that differs from the folder's is refused.
    let failed = project
        .run(
            &project.cli(&BEFORE),
            &[
                "makemigrations",
                "--dialect",
                "sqlite",
                "--allow-destructive",
            ],
        )
        .failure(1);
    assert!(failed.err.contains("written for MySQL"), "{}", failed.err);
}

#[test]
fn check_passes_then_fails_after_a_model_change() {
    let project = Project::new();
    // No folder yet: the models differ from nothing.
    let failed = project.run(&project.cli(&BEFORE), &["check"]).failure(1);
    assert!(
        failed
            .out
            .contains("The models differ from the migrations (there are none yet)"),
        "{}",
        failed.out
    );
    assert!(!project.migrations().exists());

    project
        .run(
            &project.cli(&BEFORE),
            &["makemigrations", "--dialect", "sqlite"],
        )
        .success();
    let out = project.run(&project.cli(&BEFORE), &["check"]).success();
    assert_eq!(
        out,
        "The models match the latest migration (0001_create_post).\n"
    );

    let failed = project.run(&project.cli(&AFTER), &["check"]).failure(1);
    assert_eq!(
        failed.out,
        "The models differ from the latest migration (0001_create_post); a new migration would:\n  \
         add column post.summary\nRun `cargo covet makemigrations` to write it.\n"
    );
    assert_eq!(failed.err, "");
    assert_eq!(
        names_in(&project.migrations()),
        ["0001_create_post", "covet.sum"]
    );
}

#[test]
fn check_fails_on_a_folder_that_does_not_verify_until_rehashed() {
    let project = Project::new();
    let cli = project.cli(&BEFORE);
    project
        .run(&cli, &["makemigrations", "--dialect", "sqlite"])
        .success();
    let up = project.migrations().join("0001_create_post/up.sql");
    let edited = format!(
        "{}\nINSERT INTO \"post\" (\"title\") VALUES ('hello');\n",
        project.file("0001_create_post", "up.sql")
    );
    fs::write(&up, edited).expect("edit up.sql");

    let failed = project.run(&cli, &["check"]).failure(1);
    assert!(
        failed
            .err
            .contains("0001_create_post/up.sql` changed since"),
        "{}",
        failed.err
    );
    assert!(failed.err.contains("cargo covet rehash"), "{}", failed.err);

    let out = project.run(&cli, &["rehash"]).success();
    assert!(
        out.starts_with("Recorded 1 migration as they are in `"),
        "{out}"
    );
    project.run(&cli, &["check"]).success();
}

#[test]
fn migrate_status_dry_run_and_rollback() {
    let project = Project::new();
    project.two_migrations();
    let cli = project.isolated(Cli::new());

    let status = project.run_db(&cli, &["status"]).success();
    assert_eq!(
        status,
        "0001_create_post  pending\n0002_add_post_summary  pending\n0 applied, 2 pending\n"
    );

    // A dry run prints the statements and applies nothing.
    let dry = project.run_db(&cli, &["migrate", "--dry-run"]).success();
    assert!(
        dry.starts_with(
            "-- 0001_create_post (up: 1 statement, in one transaction)\nCREATE TABLE \"post\" ("
        ),
        "{dry}"
    );
    assert!(dry.contains("\n-- 0002_add_post_summary (up: 1 statement, in one transaction)\nALTER TABLE \"post\" ADD COLUMN \"summary\" varchar NULL;\n"), "{dry}");
    assert!(
        dry.ends_with("-- Dry run: nothing was applied (2 migrations pending).\n"),
        "{dry}"
    );
    assert_eq!(project.run_db(&cli, &["status"]).success(), status);

    let out = project.run_db(&cli, &["migrate"]).success();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(lines[0], "applying 0001_create_post (1 statement)");
    assert!(
        lines[1].starts_with("applied 0001_create_post in "),
        "{out}"
    );
    assert!(lines[1].ends_with(" ms"), "{out}");
    assert_eq!(lines[2], "applying 0002_add_post_summary (1 statement)");
    assert!(
        lines[3].starts_with("applied 0002_add_post_summary in "),
        "{out}"
    );
    assert!(lines[4].starts_with("Applied 2 migrations in "), "{out}");

    let status = project.run_db(&cli, &["status"]).success();
    let lines: Vec<&str> = status.lines().collect();
    assert!(
        lines[0].starts_with("0001_create_post  applied 20"),
        "{status}"
    );
    assert!(
        lines[1].starts_with("0002_add_post_summary  applied 20"),
        "{status}"
    );
    assert_eq!(lines[2], "2 applied, 0 pending");

    let again = project.run_db(&cli, &["migrate"]).success();
    assert_eq!(again, "Nothing to apply: the database is up to date.\n");
    let dry = project.run_db(&cli, &["migrate", "--dry-run"]).success();
    assert_eq!(dry, "-- Nothing to apply: the database is up to date.\n");

    // Rolling back: a dry run first, then one step (the default).
    let dry = project.run_db(&cli, &["rollback", "--dry-run"]).success();
    assert!(dry.starts_with("-- 0002_add_post_summary (down: "), "{dry}");
    assert!(dry.contains("DROP COLUMN \"summary\""), "{dry}");
    assert!(!dry.contains("0001_create_post"), "{dry}");
    assert!(
        dry.ends_with("-- Dry run: nothing was rolled back (1 migration would be).\n"),
        "{dry}"
    );

    let out = project.run_db(&cli, &["rollback"]).success();
    assert!(
        out.starts_with("rolling back 0002_add_post_summary ("),
        "{out}"
    );
    assert!(
        out.contains("\nrolled back 0002_add_post_summary in "),
        "{out}"
    );
    assert!(out.contains("\nRolled back 1 migration in "), "{out}");
    let status = project.run_db(&cli, &["status"]).success();
    assert!(
        status.contains("\n0002_add_post_summary  pending\n1 applied, 1 pending\n"),
        "{status}"
    );

    let out = project
        .run_db(&cli, &["rollback", "--steps", "5"])
        .success();
    assert!(out.starts_with("rolling back 0001_create_post ("), "{out}");
    assert!(out.contains("Rolled back 1 migration in "), "{out}");
    let out = project.run_db(&cli, &["rollback"]).success();
    assert_eq!(out, "Nothing to roll back: no migration is applied.\n");
}

#[test]
fn an_applied_migration_edited_afterwards_is_refused() {
    let project = Project::new();
    project.two_migrations();
    let cli = project.cli(&AFTER);
    project.run_db(&cli, &["migrate"]).success();

    let up = project.migrations().join("0002_add_post_summary/up.sql");
    let edited = format!(
        "{}-- a comment added later\n",
        project.file("0002_add_post_summary", "up.sql")
    );
    fs::write(up, edited).expect("edit");
    project.run(&cli, &["rehash"]).success();

    let failed = project.run_db(&cli, &["migrate"]).failure(1);
    assert!(
        failed
            .err
            .starts_with("error: migration 0002_add_post_summary was edited after it was applied"),
        "{}",
        failed.err
    );
    let failed = project.run_db(&cli, &["rollback", "--dry-run"]).failure(1);
    assert!(
        failed.err.contains("was edited after it was applied"),
        "{}",
        failed.err
    );
    let status = project.run_db(&cli, &["status"]).success();
    assert!(
        status.contains("0002_add_post_summary  EDITED after it was applied"),
        "{status}"
    );
    assert!(
        status.ends_with(
            "1 applied, 0 pending, 1 needing attention (`cargo covet migrate` says what to do)\n"
        ),
        "{status}"
    );
}

#[test]
fn long_migrations_show_a_statement_counter() {
    let project = Project::new();
    let folder = project.migrations().join("0001_many_tables");
    fs::create_dir_all(&folder).expect("folder");
    let mut up = String::from("-- dialect: sqlite\n\n");
    let mut down = String::from("-- dialect: sqlite\n\n");
    for i in 0..25 {
        up.push_str(&format!("CREATE TABLE \"t{i}\" (\"id\" integer);\n"));
        down.push_str(&format!("DROP TABLE \"t{i}\";\n"));
    }
    fs::write(folder.join("up.sql"), up).expect("up.sql");
    fs::write(folder.join("down.sql"), down).expect("down.sql");
    fs::write(
        folder.join("snapshot.json"),
        covet_migrate::Schema::default().to_json(),
    )
    .expect("snapshot");
    let cli = project.isolated(Cli::new());
    project.run(&cli, &["rehash"]).success();

    let out = project.run_db(&cli, &["migrate"]).success();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "applying 0001_many_tables (25 statements)");
    assert_eq!(lines[1], "  0001_many_tables: 10 of 25 statements done");
    assert_eq!(lines[2], "  0001_many_tables: 20 of 25 statements done");
    assert!(
        lines[3].starts_with("applied 0001_many_tables in "),
        "{out}"
    );
    assert_eq!(lines.len(), 5, "{out}");
}

#[test]
fn sqlmigrate_prints_the_files_without_a_database() {
    let project = Project::new();
    project.two_migrations();
    let cli = project.isolated(Cli::new());

    let up = project.run(&cli, &["sqlmigrate", "1"]).success();
    assert_eq!(up, project.file("0001_create_post", "up.sql"));
    assert!(
        up.starts_with("-- covet migration: up\n-- version: 0001\n"),
        "{up}"
    );
    let down = project
        .run(&cli, &["sqlmigrate", "0002_add_post_summary", "--down"])
        .success();
    assert_eq!(down, project.file("0002_add_post_summary", "down.sql"));
    assert!(down.contains("DROP COLUMN \"summary\""), "{down}");

    let failed = project.run(&cli, &["sqlmigrate", "0009"]).failure(1);
    assert!(
        failed
            .err
            .starts_with("error: there is no migration 0009 in `"),
        "{}",
        failed.err
    );
    assert!(
        failed.err.contains("(the latest is 0002_add_post_summary)"),
        "{}",
        failed.err
    );
}

#[test]
fn drift_compares_the_database_with_the_latest_applied_snapshot() {
    let project = Project::new();
    project.two_migrations();
    let cli = project.isolated(Cli::new());
    project.run_db(&cli, &["migrate"]).success();

    let out = project.run_db(&cli, &["drift"]).success();
    assert_eq!(
        out,
        "No drift: the database matches the snapshot of 0002_add_post_summary, the latest applied migration.\n"
    );

    // After a rollback, the pending migration is not drift.
    project.run_db(&cli, &["rollback"]).success();
    let out = project.run_db(&cli, &["drift"]).success();
    assert!(out.contains("the snapshot of 0001_create_post, the latest applied migration (1 pending migration not applied yet, not compared)."), "{out}");

    // A change by hand is.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let db = covet::Database::connect(&project.url())
            .await
            .expect("connect");
        covet::unchecked_sql("CREATE TABLE notes (body text)")
            .execute(&db)
            .await
            .expect("create a table by hand");
        db.close().await;
    });
    let failed = project.run_db(&cli, &["drift"]).failure(1);
    assert!(
        failed
            .out
            .starts_with("The database differs from the snapshot of 0001_create_post"),
        "{}",
        failed.out
    );
    assert!(
        failed.out.contains("\n  notes: unexpected table\n"),
        "{}",
        failed.out
    );
}

#[test]
fn resolve_refuses_a_migration_that_did_not_fail() {
    let project = Project::new();
    project.two_migrations();
    let cli = project.isolated(Cli::new());
    project.run_db(&cli, &["migrate"]).success();
    let failed = project
        .run_db(&cli, &["resolve", "2", "--applied"])
        .failure(1);
    assert!(
        failed
            .err
            .contains("migration 0002 is not failed or interrupted"),
        "{}",
        failed.err
    );
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    let project = Project::new();
    let cli = project.cli(&BEFORE);

    let failed = project.run(&cli, &["migrate", "--fast"]).failure(2);
    assert_eq!(failed.out, "");
    assert_eq!(
        failed.err,
        "error: unknown option `--fast` for `migrate`\n\nUsage: cargo covet migrate [--dry-run] \
         [--allow-out-of-order] [--lock-timeout SECONDS]\nRun `cargo covet help migrate` for its \
         options.\n"
    );
    let failed = project.run(&cli, &[]).failure(2);
    assert!(
        failed.err.starts_with("error: no command given\n"),
        "{}",
        failed.err
    );
    let failed = project.run(&cli, &["migrations"]).failure(2);
    assert!(
        failed
            .err
            .starts_with("error: unknown command `migrations`\n"),
        "{}",
        failed.err
    );
    assert!(
        failed
            .err
            .contains("Run `cargo covet help` for the list of commands.")
    );
    let failed = project
        .run(&cli, &["rollback", "--steps", "many"])
        .failure(2);
    assert!(
        failed
            .err
            .contains("`--steps` takes a number of migrations"),
        "{}",
        failed.err
    );
    let failed = project.run(&cli, &["sqlmigrate"]).failure(2);
    assert!(
        failed.err.contains("`sqlmigrate` needs its VERSION"),
        "{}",
        failed.err
    );
    let failed = project.run(&cli, &["resolve", "1"]).failure(2);
    assert!(failed.err.contains("--applied"), "{}", failed.err);
    let failed = project
        .run(&cli, &["makemigrations", "--backfill", "summary"])
        .failure(2);
    assert!(
        failed.err.contains("invalid backfill `summary`"),
        "{}",
        failed.err
    );

    // A database command without a database.
    project
        .run(&cli, &["makemigrations", "--dialect", "sqlite"])
        .success();
    let failed = project.run(&cli, &["status"]).failure(2);
    assert!(failed.err.starts_with("error: no database given: pass --database-url URL, set the DATABASE_URL environment variable, or put DATABASE_URL=URL in `"), "{}", failed.err);
}

#[test]
fn help_lists_the_commands() {
    let project = Project::new();
    let out = project.run(&project.cli(&BEFORE), &["help"]).success();
    assert!(out.starts_with("cargo covet: migrations for covet models\n\nUsage: cargo covet <COMMAND> [OPTIONS]\n\nCommands:\n"), "{out}");
    for command in [
        "makemigrations",
        "check",
        "migrate",
        "rollback",
        "status",
        "sqlmigrate",
        "drift",
        "resolve",
        "rehash",
        "help",
    ] {
        assert!(out.contains(&format!("\n  {command} ")), "{command}: {out}");
    }
    assert_eq!(
        project.run(&project.cli(&BEFORE), &["--help"]).success(),
        out
    );
    assert!(!out.contains("need your models"));
    let without = project
        .run(&project.isolated(Cli::new()), &["help"])
        .success();
    assert!(
        without.contains("makemigrations and check need your models"),
        "{without}"
    );

    let out = project
        .run(&project.cli(&BEFORE), &["rollback", "--help"])
        .success();
    assert!(
        out.contains(
            "Usage: cargo covet rollback [--steps N] [--dry-run] [--lock-timeout SECONDS]"
        ),
        "{out}"
    );
    assert!(out.contains("--steps N "), "{out}");
}

#[test]
fn commands_that_need_models_say_how_to_add_the_binary() {
    let project = Project::new();
    let cli = project.isolated(Cli::new());
    for command in ["makemigrations", "check"] {
        let failed = project.run(&cli, &[command]).failure(2);
        assert!(
            failed
                .err
                .starts_with(&format!("error: `{command}` needs your models")),
            "{}",
            failed.err
        );
        assert!(failed.err.contains(
            "// src/bin/covet.rs\n\
             static MODELS: covet::Registry = covet::models![crate_name::User, crate_name::Post]; // your models\n\
             fn main() -> std::process::ExitCode {\n    \
                 covet_migrate::cli::Cli::with_models(&MODELS)\n        \
                     .migrations_dir(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/migrations\"))\n        \
                     .run()\n\
             }\n"
        ), "{}", failed.err);
    }
    assert!(!project.migrations().exists());
}

#[test]
fn the_database_url_comes_from_the_option_then_the_environment_then_dotenv() {
    let project = Project::new();
    let cli = project.isolated(Cli::new());
    project
        .run(
            &project.cli(&BEFORE),
            &["makemigrations", "--dialect", "sqlite"],
        )
        .success();
    let dotenv = format!(
        "# local settings\nexport DATABASE_URL=\"{}\"  # the development database\nOTHER='x'\n",
        project.url_of("from-dotenv.sqlite")
    );
    fs::write(project.path(".env"), dotenv).expect(".env");

    project.run(&cli, &["migrate"]).success();
    assert!(project.path("from-dotenv.sqlite").exists());

    let cli = cli.env_vars([("DATABASE_URL", project.url_of("from-env.sqlite"))]);
    project.run(&cli, &["migrate"]).success();
    assert!(project.path("from-env.sqlite").exists());

    let option = project.url_of("from-option.sqlite");
    project
        .run(&cli, &["--database-url", &option, "migrate"])
        .success();
    assert!(project.path("from-option.sqlite").exists());

    // Each database got the migration once.
    for file in [
        "from-dotenv.sqlite",
        "from-env.sqlite",
        "from-option.sqlite",
    ] {
        let url = project.url_of(file);
        let status = project
            .run(&cli, &["status", "--database-url", &url])
            .success();
        assert!(
            status.ends_with("1 applied, 0 pending\n"),
            "{file}: {status}"
        );
    }

    // A malformed .env is reported with its line.
    fs::write(project.path(".env"), "DATABASE_URL=\"sqlite://unclosed\n").expect(".env");
    let failed = project
        .run(&project.isolated(Cli::new()), &["status"])
        .failure(2);
    assert!(
        failed
            .err
            .contains("line 1: a double-quoted value is not closed"),
        "{}",
        failed.err
    );
}

#[test]
fn a_database_that_cannot_be_opened_is_an_error_naming_the_source_and_what_to_check() {
    let project = Project::new();
    project
        .run(
            &project.cli(&BEFORE),
            &["makemigrations", "--dialect", "sqlite"],
        )
        .success();
    let cli = project.isolated(Cli::new());
    let url = format!(
        "sqlite://{}",
        project.path("no/such/dir/db.sqlite").display()
    );
    let failed = project
        .run(&cli, &["status", "--database-url", &url])
        .failure(1);
    assert!(
        failed
            .err
            .starts_with("error: cannot connect to the database given by --database-url: "),
        "{}",
        failed.err
    );
    // ... and says what to check: SQLite cannot create a file in a missing directory.
    assert!(
        failed
            .err
            .contains("check that the file's directory exists and may be written"),
        "{}",
        failed.err
    );

    // A URL naming no database this program can reach.
    let failed = project
        .run(&cli, &["status", "--database-url", "oracle://db/app"])
        .failure(1);
    assert!(
        failed.err.contains(". Fix the database URL (`postgres://"),
        "{}",
        failed.err
    );
}

#[test]
fn a_missing_migrations_folder_says_how_to_create_it() {
    let project = Project::new();
    let cli = project.isolated(Cli::new());
    let failed = project.run_db(&cli, &["migrate"]).failure(1);
    assert!(
        failed.err.contains("does not exist or is not a directory"),
        "{}",
        failed.err
    );
    assert!(
        failed.err.contains("cargo covet makemigrations"),
        "{}",
        failed.err
    );
}

#[test]
fn makemigrations_says_how_to_fill_the_existing_rows_of_a_required_column() {
    let project = Project::new();
    project
        .run(
            &project.cli(&BEFORE),
            &["makemigrations", "--dialect", "sqlite"],
        )
        .success();
    let cli = project.isolated(Cli::new());
    project.run_db(&cli, &["migrate"]).success();
    project.execute("INSERT INTO post (title) VALUES ('Notes')");

    let models = project.cli(&WITH_LANG);
    let out = project.run(&models, &["makemigrations"]).success();
    let written = project.migrations().join("0002_add_post_lang");
    assert!(out.contains("Risks:\n  C006 "), "{out}");
    assert!(
        out.contains(
            "\nOn a database that already holds rows:\n  post.lang (C006): if `post` has rows, \
             adding this required column fails\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "To give those rows a value, delete `{}` and run `cargo covet rehash`, then make \
             the migration again: run `cargo covet makemigrations add_post_lang --backfill \
             post.lang=VALUE` with the rows' value in place of VALUE, or give the new field a \
             default in the model (`#[covet(default = ...)]`) and run `cargo covet \
             makemigrations add_post_lang`.\n",
            written.display()
        )),
        "{out}"
    );

    // The hint is right: the migration fails on the table's row, and nothing of it stays.
    let failed = project.run_db(&cli, &["migrate"]).failure(1);
    assert!(
        failed.err.contains("Nothing of it was applied"),
        "{}",
        failed.err
    );

    // Following it: delete, rehash, make it again with the value.
    fs::remove_dir_all(&written).expect("deleted");
    project.run(&cli, &["rehash"]).success();
    let out = project
        .run(
            &models,
            &[
                "makemigrations",
                "add_post_lang",
                "--backfill",
                "post.lang=en",
            ],
        )
        .success();
    assert!(!out.contains("C006"), "{out}");
    assert!(!out.contains("already holds rows"), "{out}");
    project.run_db(&cli, &["migrate"]).success();
    let status = project.run_db(&cli, &["status"]).success();
    assert!(status.ends_with("2 applied, 0 pending\n"), "{status}");
}

#[test]
fn makemigrations_says_how_to_fill_the_nulls_of_a_column_made_required() {
    let project = Project::new();
    project.two_migrations();
    let out = project
        .run(&project.cli(&SUMMARY_REQUIRED), &["makemigrations"])
        .success();
    assert!(
        out.contains(
            "\nOn a database that already holds rows:\n  post.summary (C004): if it holds NULLs, \
             making it NOT NULL fails\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "then make the migration again: run `cargo covet makemigrations \
             alter_post_summary --backfill post.summary=VALUE` with the rows' value in place of \
             VALUE.\n"
        ),
        "{out}"
    );
    // A default does not fill existing NULLs: it is not offered.
    assert!(!out.contains("default"), "{out}");
}

#[test]
fn drift_says_what_to_do_with_a_snapshot_it_cannot_read() {
    let project = Project::new();
    project.two_migrations();
    let cli = project.isolated(Cli::new());
    project.run_db(&cli, &["migrate"]).success();
    // Broken, and recorded in covet.sum, so that only the snapshot itself is wrong.
    fs::write(
        project
            .migrations()
            .join("0002_add_post_summary")
            .join("snapshot.json"),
        "{\"tables\": {}}\n",
    )
    .expect("written");
    project.run(&cli, &["rehash"]).success();
    let failed = project.run_db(&cli, &["drift"]).failure(1);
    assert!(
        failed.err.starts_with(
            "error: cannot read `0002_add_post_summary/snapshot.json`: invalid schema snapshot: \
             no `format_version` field; restore the file from version control"
        ),
        "{}",
        failed.err
    );
}

#[test]
fn dotenv_is_found_in_a_parent_directory_up_to_the_workspace_root() {
    // `cargo covet` itself, run from a subdirectory of a workspace, as a user runs it.
    let temp = tempfile::tempdir().expect("a temporary directory");
    let workspace = temp.path().join("project");
    let subdir = workspace.join("app/src");
    fs::create_dir_all(&subdir).expect("directories");
    fs::create_dir_all(workspace.join("migrations")).expect("directories");
    fs::write(
        workspace.join("Cargo.toml"),
        "[workspace]\nmembers = []\nresolver = \"3\"\n",
    )
    .expect("written");
    // Above the workspace: never read.
    let outside = temp.path().join("outside.sqlite");
    fs::write(
        temp.path().join(".env"),
        format!("DATABASE_URL=sqlite://{}\n", outside.display()),
    )
    .expect("written");
    let cargo_covet = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-covet"))
            .arg("covet")
            .args(args)
            .arg("--migrations")
            .arg(workspace.join("migrations"))
            .current_dir(&subdir)
            .env_remove("DATABASE_URL")
            .output()
            .expect("cargo-covet runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };

    let (code, _, err) = cargo_covet(&["status"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "or put DATABASE_URL=URL in a `.env` file in this directory or a parent, up to the \
             workspace root"
        ),
        "{err}"
    );
    assert!(!outside.exists());

    let database = workspace.join("dev.sqlite");
    fs::write(
        workspace.join(".env"),
        format!("DATABASE_URL=sqlite://{}\n", database.display()),
    )
    .expect("written");
    let (code, out, err) = cargo_covet(&["status"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(out, "no migrations\n");
    assert!(database.exists(), "the workspace's .env was not read");
    assert!(!outside.exists());
}

#[test]
fn makemigrations_warns_that_a_unique_index_fails_on_duplicates() {
    let project = Project::new();
    project
        .run(
            &project.cli(&BEFORE),
            &["makemigrations", "--dialect", "sqlite"],
        )
        .success();
    let out = project
        .run(&project.cli(&UNIQUE_TITLE), &["makemigrations"])
        .success();
    assert!(
        out.contains(
            "\nOn a database that already holds rows:\n  post(title) (C005): if it holds \
             duplicates, the unique index fails; remove them before `cargo covet migrate`\n\
             Review its up.sql"
        ),
        "{out}"
    );
}
