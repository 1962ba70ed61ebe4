//! The migration command line, as a library: `cargo covet <command>`.
//!
//! The models are read from the compiled program, not from source text, so the commands that
//! diff them (`makemigrations`, `check`) run inside the user's own program: a small binary,
//! `src/bin/covet.rs`, that hands its registry to [`Cli::with_models`]. `cargo covet` (the
//! `cargo-covet` binary of this crate) finds that binary and runs it; without it, the commands
//! that need only the migration files and a database run through [`Cli::new`]. Install it with
//! `cargo install covet-migrate` (add `--features postgres,mysql` for those databases).
//!
//! Which binary: a `bin` target named `covet` of the workspace package whose directory holds
//! the current directory (the innermost one), else the only `covet` binary of the workspace.
//! `cargo covet <args>` then runs `cargo run --quiet -p <package> --bin covet -- <args>` and
//! exits as it does.
//!
//! ```no_run
//! // src/bin/covet.rs
//! # mod my_app {
//! #     #[covet::model] pub struct User { #[covet(primary_key)] pub id: i64 }
//! #     #[covet::model] pub struct Post { #[covet(primary_key)] pub id: i64 }
//! # }
//! static MODELS: covet::Registry = covet::models![my_app::User, my_app::Post];
//!
//! fn main() -> std::process::ExitCode {
//!     covet_migrate::cli::Cli::with_models(&MODELS)
//!         .migrations_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
//!         .run()
//! }
//! ```
//!
//! ## Commands
//!
//! | Command | What it does | Needs |
//! |---------|--------------|-------|
//! | `makemigrations [NAME] [--allow-destructive] [--backfill TABLE.COLUMN=VALUE]... [--dialect D]` | writes the migration for the changes to the models ([`generate()`](crate::generate())) | models |
//! | `check` | exits 1, listing the changes, when the models differ from the latest migration, or when the folder does not verify | models |
//! | `migrate [--dry-run] [--allow-out-of-order] [--lock-timeout SECONDS]` | applies the pending migrations ([`Migrator::migrate`]); `--dry-run` prints their SQL and runs nothing | database |
//! | `rollback [--steps N] [--dry-run] [--lock-timeout SECONDS]` | rolls back the latest `N` (default 1) applied migrations | database |
//! | `status` | lists each migration and its state ([`Status`](crate::Status)) | database |
//! | `sqlmigrate VERSION [--down]` | prints a migration's `up.sql` (or `down.sql`) | files |
//! | `drift` | compares the live database with the snapshot of the latest applied migration ([`drift()`](crate::drift())); exits 1 when they differ | database |
//! | `resolve VERSION (--applied \| --rolled-back)` | records what the database holds of a failed or interrupted migration ([`Migrator::resolve`]) | database |
//! | `rehash` | records hand edits to the migration files in `covet.sum` ([`MigrationDir::rehash`]) | files |
//! | `help [COMMAND]`, `--help` | lists the commands, or one command's options | |
//!
//! Every command takes `--migrations DIR` (default [`Cli::migrations_dir`]) and
//! `--database-url URL`. Without `--database-url`, the URL is the `DATABASE_URL` environment
//! variable, else `DATABASE_URL` in a `.env` file (`KEY=VALUE` lines, `#` comments, an
//! optional `export `, single or double quotes): the first `.env` in the current directory or
//! one of its parents, up to the workspace root (the first one whose `Cargo.toml` has a
//! `[workspace]` table) or else the filesystem's root, so that a command run from a
//! subdirectory of the project finds the project's `.env` (see [`Cli::dotenv_file`]).
//!
//! `makemigrations` writes the dialect given with `--dialect` (`postgres`, `mysql`,
//! `sqlite`), else the latest migration's, else the one the database URL names.
//!
//! `migrate` and `rollback` print a line as each migration starts and as it finishes, with
//! its duration, and a statement counter now and then for migrations of more than 20
//! statements.
//!
//! ## Exit status
//!
//! 0 on success; 1 when the command fails (its message says what to do next), and when
//! `check` or `drift` finds differences; 2 for a usage error (an unknown command or option, a
//! missing argument) or a missing setting (no database URL, no dialect, no models).
//!
//! # Examples
//!
//! ```
//! use std::process::ExitCode;
//!
//! use covet_migrate::cli::Cli;
//!
//! #[covet::model]
//! struct Tag {
//!     #[covet(primary_key)]
//!     id: i64,
//!     label: String,
//! }
//!
//! static MODELS: covet::Registry = covet::models![Tag];
//!
//! let folder = std::env::temp_dir().join(format!("covet-cli-doc-{}", std::process::id()));
//! let cli = Cli::with_models(&MODELS).migrations_dir(folder.join("migrations"));
//! let url = format!("sqlite://{}", folder.join("app.db").display());
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//!
//! let code = cli.run_with(["makemigrations", "--dialect", "sqlite"], &mut out, &mut err);
//! assert_eq!(code, ExitCode::SUCCESS);
//! assert!(String::from_utf8(out)?.contains("0001_create_tag"));
//!
//! let mut out = Vec::new();
//! let code = cli.run_with(["migrate", "--database-url", &url], &mut out, &mut err);
//! assert_eq!(code, ExitCode::SUCCESS);
//! assert!(String::from_utf8(out)?.contains("applied 0001_create_tag in "));
//!
//! // A usage error: exit status 2, and the message names the option.
//! let code = cli.run_with(["migrate", "--fast"], &mut Vec::new(), &mut err);
//! assert_eq!(code, ExitCode::from(2));
//! assert!(String::from_utf8(err)?.contains("unknown option `--fast` for `migrate`"));
//! # std::fs::remove_dir_all(&folder)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod args;
mod dotenv;
mod drift;
mod files;
mod help;
mod models;
mod output;
mod runner;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use covet::{Database, Registry};

use self::args::{Command, Invocation};
use self::dotenv::Source;
use self::output::Failure;
use crate::files::MigrationDir;
#[cfg(doc)]
use crate::run::Migrator;
use crate::run::connection_advice;

/// The placeholder for the user's library in the setup snippet.
const LIBRARY_PLACEHOLDER: &str = "crate_name";

/// The migration command line: parses the arguments, runs the command, prints what a user
/// reads, and gives the exit status. See the [module](self) for the commands.
///
/// # Examples
///
/// ```
/// use std::process::ExitCode;
///
/// let cli = covet_migrate::cli::Cli::new().migrations_dir("db/migrations");
/// let mut out = Vec::new();
/// assert_eq!(cli.run_with(["help"], &mut out, &mut Vec::new()), ExitCode::SUCCESS);
/// let help = String::from_utf8(out)?;
/// assert!(help.contains("makemigrations"));
/// assert!(help.contains("(here: db/migrations)"));
/// # Ok::<(), std::string::FromUtf8Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Cli {
    models: Option<&'static Registry>,
    migrations: PathBuf,
    /// The `.env` file; `None`: searched for from the current directory.
    dotenv: Option<PathBuf>,
    vars: Option<BTreeMap<String, String>>,
    library: String,
}

impl Default for Cli {
    fn default() -> Self {
        Self::new()
    }
}

impl Cli {
    /// The command line without models: `makemigrations` and `check` refuse (exit status 2),
    /// printing how to add a binary that has them. What `cargo covet` runs when the project
    /// has no `covet` binary.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::ExitCode;
    ///
    /// let mut err = Vec::new();
    /// let code = covet_migrate::cli::Cli::new().run_with(["check"], &mut Vec::new(), &mut err);
    /// assert_eq!(code, ExitCode::from(2));
    /// assert!(String::from_utf8(err)?.contains("// src/bin/covet.rs"));
    /// # Ok::<(), std::string::FromUtf8Error>(())
    /// ```
    pub fn new() -> Self {
        Self {
            models: None,
            migrations: PathBuf::from("migrations"),
            dotenv: None,
            vars: None,
            library: LIBRARY_PLACEHOLDER.to_owned(),
        }
    }

    /// The command line for a program's models: every command.
    ///
    /// # Examples
    ///
    /// The [module](self) shows the binary that calls it; here it runs two commands.
    ///
    /// ```
    /// use std::process::ExitCode;
    /// use covet_migrate::cli::Cli;
    ///
    /// #[covet::model]
    /// struct Tag {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// static MODELS: covet::Registry = covet::models![Tag];
    ///
    /// let folder = std::env::temp_dir().join(format!("covet-models-doc-{}", std::process::id()));
    /// # std::fs::remove_dir_all(&folder).ok();
    /// let cli = Cli::with_models(&MODELS).migrations_dir(&folder);
    /// let run = |args: &[&str]| {
    ///     let mut out = Vec::new();
    ///     let code = cli.run_with(args.iter().copied(), &mut out, &mut Vec::new());
    ///     (code, String::from_utf8(out).expect("UTF-8"))
    /// };
    ///
    /// let (code, out) = run(&["check"]);
    /// assert_eq!(code, ExitCode::FAILURE); // no migration creates `tag` yet
    /// assert!(out.contains("create table tag"), "{out}");
    /// assert_eq!(run(&["makemigrations", "--dialect", "sqlite"]).0, ExitCode::SUCCESS);
    /// assert_eq!(run(&["check"]).0, ExitCode::SUCCESS);
    /// # std::fs::remove_dir_all(&folder).ok();
    /// ```
    pub fn with_models(models: &'static Registry) -> Self {
        Self {
            models: Some(models),
            ..Self::new()
        }
    }

    /// The migrations folder, unless `--migrations` gives another; a relative path is relative
    /// to the current directory. Default `migrations`; a crate's binary passes
    /// `concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")`, so that the folder is the crate's
    /// wherever the command runs.
    ///
    /// # Examples
    ///
    /// ```
    /// let cli = covet_migrate::cli::Cli::new()
    ///     .migrations_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"));
    /// ```
    #[must_use]
    pub fn migrations_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.migrations = path.into();
        self
    }

    /// The `.env` file read for `DATABASE_URL` when neither `--database-url` nor the
    /// environment gives it: this file only, no search (a relative path is relative to the
    /// current directory).
    ///
    /// By default the file is searched for: the first `.env` in the current directory or one
    /// of its parents, stopping at the workspace root (the first directory whose `Cargo.toml`
    /// has a `[workspace]` table) or else the filesystem's root. `cargo covet` runs in
    /// whichever directory of the project you are in, and the `.env` usually sits at the
    /// workspace root, beside the top `Cargo.toml`; a `.env` above the workspace belongs to
    /// something else and is not read.
    ///
    /// # Examples
    ///
    /// ```
    /// let cli = covet_migrate::cli::Cli::new().dotenv_file("config/.env");
    /// ```
    #[must_use]
    pub fn dotenv_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.dotenv = Some(path.into());
        self
    }

    /// Reads environment variables (`DATABASE_URL`, the only one read) from `vars` instead of
    /// the process's environment: for tests, and for programs that run the command line with
    /// a configuration of their own.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::ExitCode;
    ///
    /// let folder = std::env::temp_dir().join(format!("covet-cli-env-doc-{}", std::process::id()));
    /// let cli = covet_migrate::cli::Cli::new()
    ///     .migrations_dir(&folder)
    ///     .env_vars([("DATABASE_URL", "oracle://db")])
    ///     .dotenv_file("/no/such/.env");
    /// std::fs::create_dir_all(&folder)?;
    /// let mut err = Vec::new();
    /// let code = cli.run_with(["status"], &mut Vec::new(), &mut err);
    /// assert_eq!(code, ExitCode::FAILURE);
    /// let message = String::from_utf8(err)?;
    /// assert!(message.contains("given by the DATABASE_URL environment variable"), "{message}");
    /// assert!(message.contains("unsupported database URL scheme `oracle:`"), "{message}");
    /// # std::fs::remove_dir_all(&folder)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn env_vars<K, V>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.vars = Some(
            vars.into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        );
        self
    }

    /// The name of the library crate that declares the models, used in the snippet printed
    /// when a command needs models and there are none (default `crate_name`). `cargo covet`
    /// passes the name of the crate it runs in.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut err = Vec::new();
    /// covet_migrate::cli::Cli::new().library_crate("my_app").run_with(["makemigrations"], &mut Vec::new(), &mut err);
    /// assert!(String::from_utf8(err)?.contains("covet::models![my_app::User, my_app::Post]"));
    /// # Ok::<(), std::string::FromUtf8Error>(())
    /// ```
    #[must_use]
    pub fn library_crate(mut self, name: impl Into<String>) -> Self {
        self.library = name.into();
        self
    }

    /// Runs the command the process's arguments give, printing to standard output and error;
    /// returns the exit status for `main` to return. Builds its own (current-thread) tokio
    /// runtime: call it from a plain `fn main`, not from async code.
    ///
    /// # Examples
    ///
    /// See the [module](self).
    pub fn run(&self) -> ExitCode {
        let args: Vec<String> = std::env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        self.run_with(args, &mut io::stdout().lock(), &mut io::stderr().lock())
    }

    /// Runs the command `args` give (without the program's name), printing what a user reads
    /// to `out` and errors to `err`; returns the exit status. Builds its own (current-thread)
    /// tokio runtime: do not call it from async code.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::ExitCode;
    ///
    /// let cli = covet_migrate::cli::Cli::new();
    /// let mut out = Vec::new();
    /// assert_eq!(cli.run_with(["help"], &mut out, &mut Vec::new()), ExitCode::SUCCESS);
    /// assert!(String::from_utf8(out)?.contains("makemigrations"));
    ///
    /// let mut err = Vec::new();
    /// assert_eq!(cli.run_with(["migrat"], &mut Vec::new(), &mut err), ExitCode::from(2));
    /// assert!(!err.is_empty()); // a usage error, on `err`
    /// # Ok::<(), std::string::FromUtf8Error>(())
    /// ```
    pub fn run_with<I, S>(&self, args: I, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let args: Vec<String> = args.into_iter().map(Into::into).collect();
        let result = match args::parse(&args) {
            Ok(invocation) => self.execute(invocation, out),
            Err(failure) => Err(failure),
        };
        let result = result.and_then(|()| out.flush().map_err(Failure::from));
        output::finish(result, err)
    }

    fn execute(&self, invocation: Invocation, out: &mut dyn Write) -> Result<(), Failure> {
        let context = Context {
            cli: self,
            migrations: invocation
                .migrations
                .unwrap_or_else(|| self.migrations.clone()),
            database_url: invocation.database_url,
        };
        if let Command::Help(topic) = invocation.command {
            let text = match topic.and_then(help::spec) {
                Some(spec) => help::command(spec, &context.migrations),
                None => help::general(&context.migrations, self.models.is_some()),
            };
            out.write_all(text.as_bytes())?;
            return Ok(());
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| Failure::Error(format!("cannot start the async runtime: {error}")))?;
        runtime.block_on(context.run(invocation.command, out))
    }
}

/// What a command runs with: the configuration and the common options.
struct Context<'a> {
    cli: &'a Cli,
    /// The migrations folder (`--migrations`, else the configured one).
    migrations: PathBuf,
    /// `--database-url`.
    database_url: Option<String>,
}

impl Context<'_> {
    async fn run(&self, command: Command, out: &mut dyn Write) -> Result<(), Failure> {
        match command {
            Command::Help(_) => Ok(()),
            Command::MakeMigrations {
                name,
                allow_destructive,
                backfills,
                dialect,
            } => models::makemigrations(
                self,
                name.as_deref(),
                allow_destructive,
                backfills,
                dialect,
                out,
            ),
            Command::Check => models::check(self, out),
            Command::Migrate {
                dry_run,
                allow_out_of_order,
                lock_timeout,
            } => runner::migrate(self, dry_run, allow_out_of_order, lock_timeout, out).await,
            Command::Rollback {
                steps,
                dry_run,
                lock_timeout,
            } => runner::rollback(self, steps, dry_run, lock_timeout, out).await,
            Command::Status => runner::status(self, out).await,
            Command::Resolve {
                version,
                resolution,
                lock_timeout,
            } => runner::resolve(self, version, resolution, lock_timeout, out).await,
            Command::SqlMigrate { version, down } => files::sqlmigrate(self, version, down, out),
            Command::Rehash => files::rehash(self, out),
            Command::Drift => drift::drift(self, out).await,
        }
    }

    /// The models, or the failure that says how to provide them.
    fn models(&self, command: &str) -> Result<&'static Registry, Failure> {
        self.cli
            .models
            .ok_or_else(|| Failure::Setup(help::setup(command, &self.cli.library)))
    }

    /// The database URL and where it came from, if any is set.
    fn database_url(&self) -> Result<Option<(String, Source)>, Failure> {
        let env = |key: &str| match &self.cli.vars {
            Some(vars) => vars.get(key).cloned(),
            None => std::env::var(key).ok(),
        };
        let dotenv = match &self.cli.dotenv {
            Some(path) => Some(path.clone()),
            None => std::env::current_dir()
                .ok()
                .and_then(|cwd| dotenv::find(&cwd)),
        };
        dotenv::database_url(self.database_url.as_deref(), env, dotenv.as_deref())
    }

    /// Connects to the database, or says how to name one.
    async fn connect(&self) -> Result<Database, Failure> {
        let Some((url, source)) = self.database_url()? else {
            let file = match &self.cli.dotenv {
                Some(path) => format!("`{}`", path.display()),
                None => "a `.env` file in this directory or a parent, up to the workspace root"
                    .to_owned(),
            };
            return Err(Failure::Setup(format!(
                "no database given: pass --database-url URL, set the DATABASE_URL environment \
                 variable, or put DATABASE_URL=URL in {file}"
            )));
        };
        Database::connect(&url).await.map_err(|error| {
            let advice = connection_advice(error.kind()).unwrap_or(
                "Check the database URL, and that the database server accepts connections from \
                 this machine.",
            );
            Failure::Error(format!(
                "cannot connect to the database given by {source}: {error}. {advice}"
            ))
        })
    }

    /// The migrations folder, which must exist.
    fn open_dir(&self) -> Result<MigrationDir, Failure> {
        Ok(MigrationDir::open(&self.migrations)?)
    }

    /// The migrations folder's path, for messages.
    fn migrations_path(&self) -> &Path {
        &self.migrations
    }
}
