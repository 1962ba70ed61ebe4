//! What the commands print: failures and their exit codes, progress lines, durations.

use std::fmt::Display;
use std::future::{Future, poll_fn};
use std::io::{self, Write};
use std::path::Path;
use std::pin::pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use super::help::{self, PROGRAM};
use crate::files::{Direction, FilesError};
use crate::generate::GenerateError;
use crate::run::{MigrateError, Progress};
use crate::snapshot::SnapshotError;

/// Above this many statements, a migration's progress shows a counter now and then.
const MANY_STATEMENTS: usize = 20;
/// Every how many statements the counter shows.
const COUNTER_EVERY: usize = 10;

/// Why a command stopped, which decides the exit code.
#[derive(Debug)]
pub(super) enum Failure {
    /// The command line is wrong (exit 2): the message, and the command whose usage to show.
    Usage {
        message: String,
        command: Option<&'static str>,
    },
    /// Something the user must set up first (exit 2): no database URL, no dialect, no models.
    Setup(String),
    /// The command failed (exit 1): the message says what to do next.
    Error(String),
    /// The command printed what it found and fails (exit 1): `check` and `drift`.
    Reported,
}

impl Failure {
    /// A usage error of `command`.
    pub(super) fn usage(message: impl Into<String>, command: Option<&'static str>) -> Self {
        Self::Usage {
            message: message.into(),
            command,
        }
    }

    /// A failure with `error`'s message.
    pub(super) fn error(error: impl Display) -> Self {
        Self::Error(error.to_string())
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Self::Error(format!("cannot write the output: {error}"))
    }
}

impl From<FilesError> for Failure {
    fn from(error: FilesError) -> Self {
        Self::error(error)
    }
}

impl From<MigrateError> for Failure {
    fn from(error: MigrateError) -> Self {
        Self::error(error)
    }
}

impl From<GenerateError> for Failure {
    fn from(error: GenerateError) -> Self {
        Self::error(error)
    }
}

impl From<SnapshotError> for Failure {
    fn from(error: SnapshotError) -> Self {
        Self::Error(format!("the models cannot be read: {error}"))
    }
}

/// Prints `result`'s failure to `err` and gives the exit code.
pub(super) fn finish(result: Result<(), Failure>, err: &mut dyn Write) -> ExitCode {
    let (code, text) = match result {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Reported) => return ExitCode::FAILURE,
        Err(Failure::Error(message)) => (1, format!("error: {message}\n")),
        Err(Failure::Setup(message)) => (2, format!("error: {message}\n")),
        Err(Failure::Usage { message, command }) => {
            let hint = match command.and_then(help::spec) {
                Some(spec) => format!(
                    "Usage: {}\nRun `{PROGRAM} help {}` for its options.",
                    help::usage_line(spec),
                    spec.name
                ),
                None => format!("Run `{PROGRAM} help` for the list of commands."),
            };
            (2, format!("error: {message}\n\n{hint}\n"))
        }
    };
    // Nothing better to do when the error stream is gone too.
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
    ExitCode::from(code)
}

/// `path` for a message: relative to the current directory when it is under it.
pub(super) fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `1 migration`, `2 migrations`.
pub(super) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `12 ms`, `3.4 s`.
pub(super) fn duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// The progress callback for [`Migrator::on_progress`](crate::Migrator::on_progress): it
/// formats each report as a line and sends it to `lines`, for [`drain_while`] to print.
pub(super) fn reporter(lines: Sender<String>) -> impl Fn(Progress<'_>) + Send + Sync + 'static {
    let waited = AtomicBool::new(false);
    move |progress| {
        if let Some(line) = progress_line(progress, &waited) {
            // The receiver lives as long as the run.
            let _ = lines.send(line);
        }
    }
}

/// A progress line for a report, if it deserves one. `waited` keeps the lock message to one.
fn progress_line(progress: Progress<'_>, waited: &AtomicBool) -> Option<String> {
    match progress {
        Progress::WaitingForLock => (!waited.swap(true, Ordering::Relaxed))
            .then(|| "waiting for the migration lock held by another runner...".to_owned()),
        Progress::Started {
            migration,
            direction,
            statements,
        } => Some(format!(
            "{} {} ({})",
            match direction {
                Direction::Up => "applying",
                Direction::Down => "rolling back",
            },
            migration.dir_name(),
            count(statements, "statement")
        )),
        Progress::Statement {
            migration,
            number,
            total,
        } => {
            (total > MANY_STATEMENTS && number % COUNTER_EVERY == 0 && number < total).then(|| {
                format!(
                    "  {}: {number} of {total} statements done",
                    migration.dir_name()
                )
            })
        }
        Progress::Finished {
            migration,
            direction,
            duration: took,
        } => Some(format!(
            "{} {} in {}",
            match direction {
                Direction::Up => "applied",
                Direction::Down => "rolled back",
            },
            migration.dir_name(),
            duration(took)
        )),
    }
}

/// A channel for progress lines: the sender for [`reporter`], the receiver for [`drain_while`].
pub(super) fn progress_channel() -> (Sender<String>, Receiver<String>) {
    channel()
}

/// Runs `task`, printing the progress lines it sends to `lines` as they come: after each time
/// the task is polled (the runner reports from inside its polls), so a line is out as soon as
/// the task waits for the database.
pub(super) async fn drain_while<T>(
    lines: &Receiver<String>,
    out: &mut dyn Write,
    task: impl Future<Output = T>,
) -> T {
    let mut task = pin!(task);
    poll_fn(|cx| {
        let poll = task.as_mut().poll(cx);
        let mut wrote = false;
        for line in lines.try_iter() {
            // Progress is best effort: a closed output must not stop a migration.
            let _ = writeln!(out, "{line}");
            wrote = true;
        }
        if wrote {
            let _ = out.flush();
        }
        poll
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{EmbeddedMigration, Migration};

    fn migration() -> Migration {
        Migration::from_embedded(&EmbeddedMigration {
            dir_name: "0002_add_post_summary",
            up: "",
            down: "",
        })
        .expect("a valid name")
    }

    #[test]
    fn progress_lines_say_what_runs_and_how_long_it_took() {
        let m = migration();
        let waited = AtomicBool::new(false);
        let started = Progress::Started {
            migration: &m,
            direction: Direction::Up,
            statements: 5,
        };
        assert_eq!(
            progress_line(started, &waited).as_deref(),
            Some("applying 0002_add_post_summary (5 statements)")
        );
        let finished = Progress::Finished {
            migration: &m,
            direction: Direction::Down,
            duration: Duration::from_millis(12),
        };
        assert_eq!(
            progress_line(finished, &waited).as_deref(),
            Some("rolled back 0002_add_post_summary in 12 ms")
        );
        let one = Progress::Started {
            migration: &m,
            direction: Direction::Down,
            statements: 1,
        };
        assert_eq!(
            progress_line(one, &waited).as_deref(),
            Some("rolling back 0002_add_post_summary (1 statement)")
        );
    }

    #[test]
    fn the_statement_counter_shows_only_for_long_migrations() {
        let m = migration();
        let waited = AtomicBool::new(false);
        let line = |number, total| {
            progress_line(
                Progress::Statement {
                    migration: &m,
                    number,
                    total,
                },
                &waited,
            )
        };
        assert_eq!(line(10, 20), None);
        assert_eq!(line(9, 25), None);
        assert_eq!(
            line(10, 25).as_deref(),
            Some("  0002_add_post_summary: 10 of 25 statements done")
        );
        assert_eq!(line(30, 30), None, "Finished says it");
    }

    #[test]
    fn waiting_for_the_lock_is_said_once() {
        let waited = AtomicBool::new(false);
        assert_eq!(
            progress_line(Progress::WaitingForLock, &waited).as_deref(),
            Some("waiting for the migration lock held by another runner...")
        );
        assert_eq!(progress_line(Progress::WaitingForLock, &waited), None);
    }

    #[test]
    fn paths_under_the_current_directory_are_shown_relative() {
        let cwd = std::env::current_dir().expect("a current directory");
        assert_eq!(
            shown(&cwd.join("migrations").join("0001_a")),
            format!("migrations{}0001_a", std::path::MAIN_SEPARATOR)
        );
        assert_eq!(shown(&cwd), cwd.display().to_string());
        assert_eq!(shown(Path::new("relative/path")), "relative/path");
    }

    #[test]
    fn durations_and_counts_read_well() {
        assert_eq!(duration(Duration::from_micros(1500)), "1 ms");
        assert_eq!(duration(Duration::from_millis(3400)), "3.4 s");
        assert_eq!(count(1, "migration"), "1 migration");
        assert_eq!(count(0, "migration"), "0 migrations");
    }

    #[test]
    fn failures_have_their_exit_codes() {
        let mut err = Vec::new();
        assert_eq!(finish(Ok(()), &mut err), ExitCode::SUCCESS);
        assert_eq!(finish(Err(Failure::Reported), &mut err), ExitCode::FAILURE);
        assert!(err.is_empty());
        assert_eq!(
            finish(Err(Failure::Error("it broke".into())), &mut err),
            ExitCode::FAILURE
        );
        assert_eq!(String::from_utf8_lossy(&err), "error: it broke\n");
        err.clear();
        let usage = Failure::usage("unknown option `--fast`", Some("migrate"));
        assert_eq!(finish(Err(usage), &mut err), ExitCode::from(2));
        let text = String::from_utf8_lossy(&err);
        assert!(text.starts_with(
            "error: unknown option `--fast`\n\nUsage: cargo covet migrate [--dry-run]"
        ));
        assert!(text.contains("Run `cargo covet help migrate` for its options."));
    }
}
