//! The command line, parsed by hand: the command, its options and arguments, and the options
//! every command takes.
//!
//! Options may come before or after the command, as `--name value` or `--name=value`. An
//! option the command does not take, a missing or extra argument, or a value that does not
//! parse is a [`Failure::Usage`] naming it.

use std::path::PathBuf;
use std::time::Duration;

use covet::Backend;

use super::help::{self, COMMANDS, COMMON, Spec};
use super::output::Failure;
use crate::plan::{Backfill, Backfills};
use crate::run::Resolution;

/// A parsed command line.
#[derive(Debug, PartialEq)]
pub(super) struct Invocation {
    /// What to do.
    pub(super) command: Command,
    /// `--database-url`.
    pub(super) database_url: Option<String>,
    /// `--migrations`.
    pub(super) migrations: Option<PathBuf>,
}

/// A command and its own options.
#[derive(Debug, PartialEq)]
pub(super) enum Command {
    /// `help [COMMAND]`, `--help`, `COMMAND --help`.
    Help(Option<&'static str>),
    /// `makemigrations`.
    MakeMigrations {
        name: Option<String>,
        allow_destructive: bool,
        backfills: Backfills,
        dialect: Option<Backend>,
    },
    /// `check`.
    Check,
    /// `migrate`.
    Migrate {
        dry_run: bool,
        allow_out_of_order: bool,
        lock_timeout: Option<Duration>,
    },
    /// `rollback`.
    Rollback {
        steps: usize,
        dry_run: bool,
        lock_timeout: Option<Duration>,
    },
    /// `status`.
    Status,
    /// `sqlmigrate`.
    SqlMigrate { version: u32, down: bool },
    /// `drift`.
    Drift,
    /// `resolve`.
    Resolve {
        version: u32,
        resolution: Resolution,
        lock_timeout: Option<Duration>,
    },
    /// `rehash`.
    Rehash,
}

/// Parses `args` (without the program's name).
pub(super) fn parse(args: &[String]) -> Result<Invocation, Failure> {
    let Some(at) = command_position(args) else {
        if args.iter().any(|arg| is_help(arg)) {
            return Ok(Invocation {
                command: Command::Help(None),
                database_url: None,
                migrations: None,
            });
        }
        return Err(Failure::usage("no command given", None));
    };
    let spec = help::spec(&args[at])
        .ok_or_else(|| Failure::usage(format!("unknown command `{}`", args[at]), None))?;
    let rest: Vec<&str> = args[..at]
        .iter()
        .chain(&args[at + 1..])
        .map(String::as_str)
        .collect();
    let parsed = Parsed::new(spec, &rest)?;
    let command = if parsed.help {
        Command::Help(Some(spec.name))
    } else {
        parsed.command()?
    };
    Ok(Invocation {
        command,
        database_url: parsed.single("--database-url")?.map(str::to_owned),
        migrations: parsed.single("--migrations")?.map(PathBuf::from),
    })
}

/// `-h` or `--help`.
fn is_help(arg: &str) -> bool {
    arg == "-h" || arg == "--help"
}

/// Where the command is: the first argument that is neither an option nor an option's value.
fn command_position(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if !arg.starts_with('-') || arg == "-" {
            return Some(i);
        }
        let takes_value =
            !arg.contains('=') && find_any(arg).is_some_and(|opt| opt.value.is_some());
        i += if takes_value { 2 } else { 1 };
    }
    None
}

/// An option of any command, or a common one.
fn find_any(name: &str) -> Option<&'static help::Opt> {
    COMMON
        .iter()
        .chain(COMMANDS.iter().flat_map(|spec| spec.options))
        .find(|opt| opt.name == name)
}

/// The options and arguments given to one command.
struct Parsed {
    spec: &'static Spec,
    /// Each option given, with its value if it takes one, in order.
    options: Vec<(&'static str, Option<String>)>,
    /// The arguments that are not options.
    positional: Vec<String>,
    /// `-h` or `--help` was given.
    help: bool,
}

impl Parsed {
    fn new(spec: &'static Spec, args: &[&str]) -> Result<Self, Failure> {
        let usage = |message: String| Failure::usage(message, Some(spec.name));
        let mut parsed = Self {
            spec,
            options: Vec::new(),
            positional: Vec::new(),
            help: false,
        };
        let mut args = args.iter();
        while let Some(&arg) = args.next() {
            if is_help(arg) {
                parsed.help = true;
            } else if arg.starts_with('-') && arg != "-" {
                let (name, inline) = match arg.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (arg, None),
                };
                let opt = spec
                    .options
                    .iter()
                    .chain(COMMON)
                    .find(|opt| opt.name == name)
                    .ok_or_else(|| usage(format!("unknown option `{name}` for `{}`", spec.name)))?;
                let value = match (opt.value, inline) {
                    (None, None) => None,
                    (None, Some(_)) => {
                        return Err(usage(format!("`{name}` takes no value")));
                    }
                    (Some(_), Some(value)) => Some(value.to_owned()),
                    (Some(placeholder), None) => match args.next() {
                        Some(value) => Some((*value).to_owned()),
                        None => {
                            return Err(usage(format!(
                                "`{name}` needs a value: {name} {placeholder}"
                            )));
                        }
                    },
                };
                parsed.options.push((opt.name, value));
            } else {
                parsed.positional.push(arg.to_owned());
            }
        }
        Ok(parsed)
    }

    fn usage(&self, message: impl Into<String>) -> Failure {
        Failure::usage(message, Some(self.spec.name))
    }

    /// Whether the flag `name` was given.
    fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(given, _)| *given == name)
    }

    /// Every value of the repeatable option `name`.
    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.options
            .iter()
            .filter(move |(given, _)| *given == name)
            .filter_map(|(_, value)| value.as_deref())
    }

    /// The value of option `name`, given at most once.
    fn single(&self, name: &str) -> Result<Option<&str>, Failure> {
        let mut values = self.all(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(self.usage(format!("`{name}` is given more than once")));
        }
        Ok(first)
    }

    /// The arguments, of which there must be at most `max`.
    fn positional(&self, max: usize) -> Result<&[String], Failure> {
        match self.positional.get(max) {
            Some(extra) => Err(self.usage(format!(
                "unexpected argument `{extra}` for `{}`",
                self.spec.name
            ))),
            None => Ok(&self.positional),
        }
    }

    /// The one required argument, `what`.
    fn required(&self, what: &str) -> Result<&str, Failure> {
        self.positional(1)?
            .first()
            .map(String::as_str)
            .ok_or_else(|| self.usage(format!("`{}` needs its {what}", self.spec.name)))
    }

    fn command(&self) -> Result<Command, Failure> {
        Ok(match self.spec.name {
            "help" => {
                let topic = match self.positional(1)?.first() {
                    None => None,
                    Some(name) => Some(
                        help::spec(name)
                            .ok_or_else(|| {
                                Failure::usage(format!("unknown command `{name}`"), None)
                            })?
                            .name,
                    ),
                };
                Command::Help(topic)
            }
            "makemigrations" => Command::MakeMigrations {
                name: self.positional(1)?.first().cloned(),
                allow_destructive: self.flag("--allow-destructive"),
                backfills: self.backfills()?,
                dialect: self
                    .single("--dialect")?
                    .map(|d| self.dialect(d))
                    .transpose()?,
            },
            "check" => self.bare(Command::Check)?,
            "migrate" => {
                self.positional(0)?;
                Command::Migrate {
                    dry_run: self.flag("--dry-run"),
                    allow_out_of_order: self.flag("--allow-out-of-order"),
                    lock_timeout: self.lock_timeout()?,
                }
            }
            "rollback" => {
                self.positional(0)?;
                Command::Rollback {
                    steps: self.steps()?,
                    dry_run: self.flag("--dry-run"),
                    lock_timeout: self.lock_timeout()?,
                }
            }
            "status" => self.bare(Command::Status)?,
            "sqlmigrate" => Command::SqlMigrate {
                version: self.version(self.required("VERSION")?)?,
                down: self.flag("--down"),
            },
            "drift" => self.bare(Command::Drift)?,
            "resolve" => {
                let version = self.version(self.required("VERSION")?)?;
                let resolution = match (self.flag("--applied"), self.flag("--rolled-back")) {
                    (true, false) => Resolution::Applied,
                    (false, true) => Resolution::RolledBack,
                    (true, true) => {
                        return Err(self.usage("give either --applied or --rolled-back, not both"));
                    }
                    (false, false) => {
                        return Err(self.usage(
                            "say what the database holds: --applied (all of the migration) or \
                             --rolled-back (none of it)",
                        ));
                    }
                };
                Command::Resolve {
                    version,
                    resolution,
                    lock_timeout: self.lock_timeout()?,
                }
            }
            "rehash" => self.bare(Command::Rehash)?,
            other => return Err(Failure::usage(format!("unknown command `{other}`"), None)),
        })
    }

    /// A command without arguments.
    fn bare(&self, command: Command) -> Result<Command, Failure> {
        self.positional(0)?;
        Ok(command)
    }

    fn backfills(&self) -> Result<Backfills, Failure> {
        let mut backfills = Backfills::new();
        for argument in self.all("--backfill") {
            let backfill: Backfill = argument
                .parse()
                .map_err(|err: crate::plan::PlanError| self.usage(err.to_string()))?;
            let column = format!("{}.{}", backfill.table, backfill.column);
            if backfills.insert(backfill).is_some() {
                return Err(self.usage(format!("`--backfill` gives {column} two values")));
            }
        }
        Ok(backfills)
    }

    fn dialect(&self, name: &str) -> Result<Backend, Failure> {
        Backend::from_scheme(name).ok_or_else(|| {
            self.usage(format!(
                "unknown dialect `{name}`: use postgres, mysql or sqlite"
            ))
        })
    }

    fn lock_timeout(&self) -> Result<Option<Duration>, Failure> {
        let Some(text) = self.single("--lock-timeout")? else {
            return Ok(None);
        };
        text.parse::<f64>()
            .ok()
            .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
            .map(Some)
            .ok_or_else(|| {
                self.usage(format!(
                    "`--lock-timeout` takes a number of seconds, not `{text}`"
                ))
            })
    }

    fn steps(&self) -> Result<usize, Failure> {
        let Some(text) = self.single("--steps")? else {
            return Ok(1);
        };
        match text.parse::<usize>() {
            Ok(steps) if steps > 0 => Ok(steps),
            _ => Err(self.usage(format!(
                "`--steps` takes a number of migrations of 1 or more, not `{text}`"
            ))),
        }
    }

    /// A version: `2`, `0002` or `0002_add_post_summary`.
    fn version(&self, text: &str) -> Result<u32, Failure> {
        let digits = text.split_once('_').map_or(text, |(digits, _)| digits);
        match digits.parse::<u32>() {
            Ok(version) if version > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(version),
            _ => Err(self.usage(format!(
                "`{text}` is not a migration version (`2`, `0002` or `0002_add_post_summary`)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(args: &[&str]) -> Invocation {
        let args: Vec<String> = args.iter().map(|&arg| arg.to_owned()).collect();
        parse(&args).unwrap_or_else(|failure| panic!("{args:?}: {failure:?}"))
    }

    fn usage_error(args: &[&str]) -> (String, Option<&'static str>) {
        let args: Vec<String> = args.iter().map(|&arg| arg.to_owned()).collect();
        match parse(&args) {
            Err(Failure::Usage { message, command }) => (message, command),
            other => panic!("{args:?}: expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn commands_with_their_options() {
        assert_eq!(
            parse_ok(&["migrate", "--dry-run", "--lock-timeout", "2.5"]).command,
            Command::Migrate {
                dry_run: true,
                allow_out_of_order: false,
                lock_timeout: Some(Duration::from_millis(2500)),
            }
        );
        assert_eq!(
            parse_ok(&["rollback"]).command,
            Command::Rollback {
                steps: 1,
                dry_run: false,
                lock_timeout: None
            }
        );
        assert_eq!(
            parse_ok(&["rollback", "--steps=3", "--dry-run"]).command,
            Command::Rollback {
                steps: 3,
                dry_run: true,
                lock_timeout: None
            }
        );
        assert_eq!(
            parse_ok(&["sqlmigrate", "0002_add_post_summary", "--down"]).command,
            Command::SqlMigrate {
                version: 2,
                down: true
            }
        );
        assert_eq!(
            parse_ok(&["resolve", "3", "--rolled-back"]).command,
            Command::Resolve {
                version: 3,
                resolution: Resolution::RolledBack,
                lock_timeout: None
            }
        );
        let Command::MakeMigrations {
            name,
            allow_destructive,
            backfills,
            dialect,
        } = parse_ok(&[
            "makemigrations",
            "add summary",
            "--backfill",
            "post.summary=none yet",
            "--backfill=post.views=0",
            "--dialect",
            "PostgreSQL",
            "--allow-destructive",
        ])
        .command
        else {
            panic!("makemigrations");
        };
        assert_eq!(name.as_deref(), Some("add summary"));
        assert!(allow_destructive);
        assert_eq!(backfills.get("post", "summary"), Some("none yet"));
        assert_eq!(backfills.get("post", "views"), Some("0"));
        assert_eq!(dialect, Some(Backend::Postgres));
    }

    #[test]
    fn common_options_go_before_or_after_the_command() {
        let invocation = parse_ok(&[
            "--database-url",
            "sqlite://a.db",
            "status",
            "--migrations=db/m",
        ]);
        assert_eq!(invocation.command, Command::Status);
        assert_eq!(invocation.database_url.as_deref(), Some("sqlite://a.db"));
        assert_eq!(invocation.migrations, Some(PathBuf::from("db/m")));
        // A command's own option before the command, too.
        assert!(matches!(
            parse_ok(&["--steps", "2", "rollback"]).command,
            Command::Rollback { steps: 2, .. }
        ));
    }

    #[test]
    fn help_in_every_form() {
        assert_eq!(parse_ok(&["help"]).command, Command::Help(None));
        assert_eq!(parse_ok(&["--help"]).command, Command::Help(None));
        assert_eq!(parse_ok(&["-h"]).command, Command::Help(None));
        assert_eq!(
            parse_ok(&["help", "migrate"]).command,
            Command::Help(Some("migrate"))
        );
        assert_eq!(
            parse_ok(&["migrate", "--help"]).command,
            Command::Help(Some("migrate"))
        );
        assert_eq!(
            parse_ok(&["-h", "status"]).command,
            Command::Help(Some("status"))
        );
    }

    #[test]
    fn usage_errors_name_what_is_wrong() {
        assert_eq!(usage_error(&[]), ("no command given".into(), None));
        assert_eq!(
            usage_error(&["--dry-run"]),
            ("no command given".into(), None)
        );
        assert_eq!(
            usage_error(&["migrat"]),
            ("unknown command `migrat`".into(), None)
        );
        assert_eq!(
            usage_error(&["migrate", "--fast"]),
            (
                "unknown option `--fast` for `migrate`".into(),
                Some("migrate")
            )
        );
        assert_eq!(
            usage_error(&["status", "--dry-run"]).0,
            "unknown option `--dry-run` for `status`"
        );
        assert_eq!(
            usage_error(&["migrate", "-v"]).0,
            "unknown option `-v` for `migrate`"
        );
        assert_eq!(
            usage_error(&["migrate", "now"]).0,
            "unexpected argument `now` for `migrate`"
        );
        assert_eq!(
            usage_error(&["rollback", "--steps"]).0,
            "`--steps` needs a value: --steps N"
        );
        assert_eq!(
            usage_error(&["rollback", "--steps", "0"]).0,
            "`--steps` takes a number of migrations of 1 or more, not `0`"
        );
        assert_eq!(
            usage_error(&["migrate", "--dry-run=yes"]).0,
            "`--dry-run` takes no value"
        );
        assert_eq!(
            usage_error(&["migrate", "--lock-timeout", "soon"]).0,
            "`--lock-timeout` takes a number of seconds, not `soon`"
        );
        assert_eq!(
            usage_error(&["sqlmigrate"]).0,
            "`sqlmigrate` needs its VERSION"
        );
        assert!(
            usage_error(&["sqlmigrate", "two"])
                .0
                .contains("`two` is not a migration version")
        );
        assert!(usage_error(&["resolve", "2"]).0.contains("--applied"));
        assert!(
            usage_error(&["resolve", "2", "--applied", "--rolled-back"])
                .0
                .contains("not both")
        );
        assert_eq!(
            usage_error(&["makemigrations", "--dialect", "oracle"]).0,
            "unknown dialect `oracle`: use postgres, mysql or sqlite"
        );
        assert!(
            usage_error(&["makemigrations", "--backfill", "nodot"])
                .0
                .contains("nodot")
        );
        assert_eq!(
            usage_error(&[
                "makemigrations",
                "--backfill",
                "t.c=1",
                "--backfill",
                "t.c=2"
            ])
            .0,
            "`--backfill` gives t.c two values"
        );
        assert_eq!(
            usage_error(&["status", "--migrations", "a", "--migrations", "b"]).0,
            "`--migrations` is given more than once"
        );
        assert_eq!(
            usage_error(&["help", "nothing"]).0,
            "unknown command `nothing`"
        );
    }
}
