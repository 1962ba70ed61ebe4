//! What each command takes, and the help text made from it.

use std::fmt::Write as _;
use std::path::Path;

/// The name users type before a command.
pub(super) const PROGRAM: &str = "cargo covet";

/// An option of a command.
#[derive(Debug)]
pub(super) struct Opt {
    /// `--name`.
    pub(super) name: &'static str,
    /// The placeholder of its value, if it takes one.
    pub(super) value: Option<&'static str>,
    /// One line of help.
    pub(super) help: &'static str,
}

/// One command: its name, arguments and help.
#[derive(Debug)]
pub(super) struct Spec {
    /// What the user types.
    pub(super) name: &'static str,
    /// Its arguments, for the usage line.
    pub(super) args: &'static str,
    /// One line, for the list of commands.
    pub(super) summary: &'static str,
    /// A paragraph, for the command's own help.
    pub(super) about: &'static str,
    /// Its own options.
    pub(super) options: &'static [Opt],
}

const LOCK_TIMEOUT: Opt = Opt {
    name: "--lock-timeout",
    value: Some("SECONDS"),
    help: "how long to wait for another runner's migration lock (default 60)",
};

/// The options every command takes.
pub(super) const COMMON: &[Opt] = &[
    Opt {
        name: "--database-url",
        value: Some("URL"),
        help: "the database (else DATABASE_URL from the environment, else from .env here or above)",
    },
    Opt {
        name: "--migrations",
        value: Some("DIR"),
        help: "the migrations folder",
    },
];

/// Every command, in the order the help lists them.
pub(super) const COMMANDS: &[Spec] = &[
    Spec {
        name: "makemigrations",
        args: "[NAME] [--allow-destructive] [--backfill TABLE.COLUMN=VALUE]... [--dialect postgres|mysql|sqlite]",
        summary: "Write a migration for the changes to the models",
        about: "Diffs the models against the snapshot of the latest migration (no database is \
                needed) and writes the next migration: up.sql, down.sql and snapshot.json, \
                creating the migrations folder on first use. NAME defaults to one made from the \
                changes. The dialect is --dialect, else the latest migration's, else the one \
                DATABASE_URL names. Changes that lose data are refused without \
                --allow-destructive; renames are followed only when the model declares \
                `renamed_from`.",
        options: &[
            Opt {
                name: "--allow-destructive",
                value: None,
                help: "write it even though it drops a table or column or narrows a type",
            },
            Opt {
                name: "--backfill",
                value: Some("TABLE.COLUMN=VALUE"),
                help: "a value for the existing rows of a column that becomes required (repeatable)",
            },
            Opt {
                name: "--dialect",
                value: Some("DIALECT"),
                help: "postgres, mysql or sqlite",
            },
        ],
    },
    Spec {
        name: "check",
        args: "",
        summary: "Exit 1 when the models differ from the latest migration (for CI)",
        about: "Diffs the models against the snapshot of the latest migration, like \
                makemigrations, and writes nothing: exits 0 when they match, 1 (listing the \
                changes) when a migration is missing, or when the migrations folder does not \
                verify against covet.sum.",
        options: &[],
    },
    Spec {
        name: "migrate",
        args: "[--dry-run] [--allow-out-of-order] [--lock-timeout SECONDS]",
        summary: "Apply the pending migrations",
        about: "Applies every pending migration in order, under the migration lock, after \
                checking that no applied migration was edited or removed.",
        options: &[
            Opt {
                name: "--dry-run",
                value: None,
                help: "print the SQL of the pending migrations and run nothing",
            },
            Opt {
                name: "--allow-out-of-order",
                value: None,
                help: "apply pending migrations older than the latest applied one",
            },
            LOCK_TIMEOUT,
        ],
    },
    Spec {
        name: "rollback",
        args: "[--steps N] [--dry-run] [--lock-timeout SECONDS]",
        summary: "Roll back the latest applied migrations",
        about: "Runs the down.sql of the latest applied migrations, latest first.",
        options: &[
            Opt {
                name: "--steps",
                value: Some("N"),
                help: "how many migrations to roll back (default 1)",
            },
            Opt {
                name: "--dry-run",
                value: None,
                help: "print the SQL that would run and run nothing",
            },
            LOCK_TIMEOUT,
        ],
    },
    Spec {
        name: "status",
        args: "",
        summary: "List the migrations and whether each is applied",
        about: "Lists every migration of the folder and of the database's history, each with \
                its state: applied (when), pending, or what needs attention (edited, missing, \
                failed, interrupted). Changes nothing.",
        options: &[],
    },
    Spec {
        name: "sqlmigrate",
        args: "VERSION [--down]",
        summary: "Print a migration's SQL (no database needed)",
        about: "Prints the up.sql of migration VERSION (`2`, `0002` or `0002_add_post_summary`) \
                as it is on disk, header included.",
        options: &[Opt {
            name: "--down",
            value: None,
            help: "print its down.sql instead",
        }],
    },
    Spec {
        name: "drift",
        args: "",
        summary: "Compare the database with the latest applied migration's snapshot",
        about: "Reads the live database's tables, columns, indexes, foreign keys and checks and \
                compares them with the snapshot of the latest applied migration: exits 0 when \
                they match, 1 (listing the differences) when someone changed the database by \
                hand.",
        options: &[],
    },
    Spec {
        name: "resolve",
        args: "VERSION (--applied | --rolled-back) [--lock-timeout SECONDS]",
        summary: "Record what the database holds of a failed or interrupted migration",
        about: "After a migration failed half-way where DDL is not transactional \
                (MySQL/MariaDB), or its run was killed, finish or undo its statements by hand, \
                then record the outcome so that migrate runs again.",
        options: &[
            Opt {
                name: "--applied",
                value: None,
                help: "the database holds all of it: record it as applied",
            },
            Opt {
                name: "--rolled-back",
                value: None,
                help: "the database holds none of it: the next migrate applies it again",
            },
            LOCK_TIMEOUT,
        ],
    },
    Spec {
        name: "rehash",
        args: "",
        summary: "Accept hand edits to the migration files in covet.sum",
        about: "Records the migration files as they are in covet.sum, after an intended edit \
                (a data fix added to a migration that was never applied) or a migration written \
                by hand. An applied migration whose up.sql changed is still refused by migrate: \
                put changes to applied migrations in a new migration.",
        options: &[],
    },
    Spec {
        name: "help",
        args: "[COMMAND]",
        summary: "Print this help, or a command's",
        about: "Prints the list of commands, or one command's options.",
        options: &[],
    },
];

/// The command named `name`.
pub(super) fn spec(name: &str) -> Option<&'static Spec> {
    COMMANDS.iter().find(|spec| spec.name == name)
}

/// `cargo covet migrate [--dry-run] ...`.
pub(super) fn usage_line(spec: &Spec) -> String {
    if spec.args.is_empty() {
        format!("{PROGRAM} {}", spec.name)
    } else {
        format!("{PROGRAM} {} {}", spec.name, spec.args)
    }
}

/// The list of commands and common options.
pub(super) fn general(migrations: &Path, has_models: bool) -> String {
    let mut text = format!(
        "{PROGRAM}: migrations for covet models\n\nUsage: {PROGRAM} <COMMAND> [OPTIONS]\n\nCommands:\n"
    );
    let width = COMMANDS
        .iter()
        .map(|spec| spec.name.len())
        .max()
        .unwrap_or(0);
    for spec in COMMANDS {
        let _ = writeln!(text, "  {:width$}  {}", spec.name, spec.summary);
    }
    text.push_str("\nOptions of every command:\n");
    text.push_str(&options_table(COMMON, migrations, true));
    text.push('\n');
    text.push_str(&wrap(
        "Exit status: 0 on success; 1 when the command fails, or when check or drift finds \
         differences; 2 for a usage error or a missing setting (database URL, dialect, models).",
        WIDTH,
    ));
    let _ = writeln!(
        text,
        "Run `{PROGRAM} help <COMMAND>` for a command's options."
    );
    if !has_models {
        text.push('\n');
        text.push_str(&wrap(
            &format!(
                "makemigrations and check need your models: they run through your crate's own \
                 `covet` binary, which `{PROGRAM}` runs when there is one (`{PROGRAM} \
                 makemigrations` shows how to add it)."
            ),
            WIDTH,
        ));
    }
    text
}

/// One command's help.
pub(super) fn command(spec: &Spec, migrations: &Path) -> String {
    let mut text = format!(
        "{PROGRAM} {}: {}\n\nUsage: {}\n\n{}",
        spec.name,
        spec.summary,
        usage_line(spec),
        wrap(spec.about, WIDTH)
    );
    if !spec.options.is_empty() {
        text.push_str("\nOptions:\n");
        text.push_str(&options_table(spec.options, migrations, false));
    }
    if spec.name != "help" {
        text.push_str("\nOptions of every command:\n");
        text.push_str(&options_table(COMMON, migrations, true));
    }
    text
}

/// Options, one a line, their help aligned.
fn options_table(options: &[Opt], migrations: &Path, with_help: bool) -> String {
    let label = |opt: &Opt| match opt.value {
        Some(value) => format!("{} {value}", opt.name),
        None => opt.name.to_owned(),
    };
    let width = options
        .iter()
        .map(|opt| label(opt).len())
        .chain([HELP_LABEL.len()])
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for opt in options {
        let _ = write!(text, "  {:width$}  {}", label(opt), opt.help);
        if opt.name == "--migrations" {
            let _ = write!(text, " (here: {})", migrations.display());
        }
        text.push('\n');
    }
    if with_help {
        let _ = writeln!(text, "  {HELP_LABEL:width$}  print help");
    }
    text
}

const HELP_LABEL: &str = "-h, --help";

/// The width paragraphs of help are wrapped to.
const WIDTH: usize = 88;

/// `paragraph` as lines of at most `width` characters (longer words stay whole), each ending
/// with a newline.
fn wrap(paragraph: &str, width: usize) -> String {
    let mut text = String::new();
    let mut line_len = 0;
    for word in paragraph.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            text.push('\n');
            line_len = 0;
        }
        if line_len > 0 {
            text.push(' ');
            line_len += 1;
        }
        text.push_str(word);
        line_len += len;
    }
    text.push('\n');
    text
}

/// What to add to a crate so that `cargo covet` sees its models: printed when a command needs
/// them and there are none. `library` is the crate that declares the models.
pub(super) fn setup(command: &str, library: &str) -> String {
    let intro = wrap(
        &format!(
            "`{command}` needs your models, and only your program knows them: add this small \
             binary to the crate whose library declares them; `{PROGRAM}` runs it when it \
             exists."
        ),
        WIDTH,
    );
    let outro = wrap(
        "The crate needs covet-migrate as a dependency, with your database's feature \
         (`cargo add covet-migrate --features postgres`, `mysql` or `sqlite`), and the models \
         must be public items of its library (src/lib.rs). The commands that need only the \
         migration files and a database (migrate, rollback, status, sqlmigrate, drift, \
         resolve, rehash) work without it.",
        WIDTH,
    );
    format!(
        "{intro}\n\
         // src/bin/covet.rs\n\
         static MODELS: covet::Registry = covet::models![{library}::User, {library}::Post]; // your models\n\
         fn main() -> std::process::ExitCode {{\n\
         \x20   covet_migrate::cli::Cli::with_models(&MODELS)\n\
         \x20       .migrations_dir(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/migrations\"))\n\
         \x20       .run()\n\
         }}\n\
         \n\
         {}",
        outro.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_distinct_name_and_options() {
        for (i, spec) in COMMANDS.iter().enumerate() {
            assert!(
                COMMANDS[i + 1..]
                    .iter()
                    .all(|other| other.name != spec.name),
                "{} twice",
                spec.name
            );
            for opt in spec.options {
                assert!(opt.name.starts_with("--"), "{}", opt.name);
                assert!(COMMON.iter().all(|common| common.name != opt.name));
            }
        }
    }

    #[test]
    fn the_general_help_lists_every_command_and_the_configured_folder() {
        let text = general(Path::new("db/migrations"), true);
        for spec in COMMANDS {
            assert!(text.contains(&format!("  {}", spec.name)), "{}", spec.name);
        }
        assert!(text.contains("--migrations DIR"));
        assert!(text.contains("(here: db/migrations)"));
        assert!(text.contains("-h, --help"));
        assert!(!text.contains("need your models"));
        assert!(general(Path::new("m"), false).contains("need your models"));
    }

    #[test]
    fn paragraphs_are_wrapped() {
        assert_eq!(wrap("one two three four", 9), "one two\nthree\nfour\n");
        assert_eq!(wrap("a verylongword b", 4), "a\nverylongword\nb\n");
        assert!(
            command(spec("makemigrations").expect("known"), Path::new("m"))
                .lines()
                .filter(|line| !line.starts_with("Usage:") && !line.starts_with("  --"))
                .all(|line| line.chars().count() <= WIDTH)
        );
    }

    #[test]
    fn a_command_help_has_its_usage_and_options() {
        let text = command(spec("rollback").expect("known"), Path::new("migrations"));
        assert!(
            text.starts_with("cargo covet rollback: Roll back the latest applied migrations\n")
        );
        assert!(text.contains("Usage: cargo covet rollback [--steps N] [--dry-run]"));
        assert!(text.contains("  --steps N "));
        assert!(text.contains("  --database-url URL "));
    }

    #[test]
    fn the_setup_snippet_is_the_binary_to_add() {
        let text = setup("makemigrations", "crate_name");
        let snippet = "// src/bin/covet.rs\n\
            static MODELS: covet::Registry = covet::models![crate_name::User, crate_name::Post]; // your models\n\
            fn main() -> std::process::ExitCode {\n    \
                covet_migrate::cli::Cli::with_models(&MODELS)\n        \
                    .migrations_dir(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/migrations\"))\n        \
                    .run()\n\
            }\n";
        assert!(text.contains(snippet), "{text}");
        assert!(setup("check", "my_app").contains("covet::models![my_app::User, my_app::Post]"));
    }
}
