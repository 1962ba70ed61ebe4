//! `.env` files, and where the database URL comes from.
//!
//! A `.env` file holds `KEY=VALUE` lines: blank lines and lines starting with `#` are
//! skipped, a line may start with `export `, and a value may be quoted: `'single'` (taken as
//! is) or `"double"` (with `\n`, `\t`, `\r`, `\"`, `\\` and `\$` escapes). An unquoted value
//! ends at a `#` that follows whitespace (a comment) and is trimmed. A later line wins over an
//! earlier one for the same key. Variables are not expanded.
//!
//! Which file: the first `.env` in the current directory or one of its parents, up to the
//! workspace root or else the filesystem's root ([`find`]), unless the program names one.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::output::Failure;

/// The variable the database URL is read from.
pub(super) const DATABASE_URL: &str = "DATABASE_URL";

/// A line of a `.env` file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DotenvError {
    /// The line, from 1.
    pub(super) line: usize,
    /// What is wrong with it.
    pub(super) reason: &'static str,
}

impl fmt::Display for DotenvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// The variables of a `.env` file's text, in order (a key may repeat: the last one wins).
pub(super) fn parse(text: &str) -> Result<Vec<(String, String)>, DotenvError> {
    let mut vars = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let error = |reason| DotenvError {
            line: index + 1,
            reason,
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export")
            .filter(|rest| rest.starts_with([' ', '\t']))
            .map_or(line, str::trim_start);
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| error("expected KEY=VALUE"))?;
        let key = key.trim();
        if !is_key(key) {
            return Err(error(
                "the name before `=` must be letters, digits and `_`, not starting with a digit",
            ));
        }
        vars.push((key.to_owned(), value_of(value.trim_start()).map_err(error)?));
    }
    Ok(vars)
}

/// Whether `key` is a variable name.
fn is_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// The value after `=`, unquoted.
fn value_of(raw: &str) -> Result<String, &'static str> {
    let (value, rest) = if let Some(quoted) = raw.strip_prefix('\'') {
        let end = quoted
            .find('\'')
            .ok_or("a single-quoted value is not closed")?;
        (quoted[..end].to_owned(), &quoted[end + 1..])
    } else if let Some(quoted) = raw.strip_prefix('"') {
        double_quoted(quoted)?
    } else {
        let end = raw
            .char_indices()
            .find(|&(i, c)| c == '#' && raw[..i].ends_with([' ', '\t']))
            .map_or(raw.len(), |(i, _)| i);
        return Ok(raw[..end].trim_end().to_owned());
    };
    let rest = rest.trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(value)
    } else {
        Err("unexpected text after the closing quote")
    }
}

/// A double-quoted value (after its opening quote) and the text after its closing quote.
fn double_quoted(text: &str) -> Result<(String, &str), &'static str> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &text[i + 1..])),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, 'r')) => value.push('\r'),
                Some((_, escaped @ ('"' | '\\' | '$'))) => value.push(escaped),
                Some((_, other)) => {
                    value.push('\\');
                    value.push(other);
                }
                None => break,
            },
            c => value.push(c),
        }
    }
    Err("a double-quoted value is not closed")
}

/// Where the database URL came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Source {
    /// `--database-url`.
    Option,
    /// The `DATABASE_URL` environment variable.
    Environment,
    /// `DATABASE_URL` in a `.env` file.
    Dotenv(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Option => f.write_str("--database-url"),
            Self::Environment => write!(f, "the {DATABASE_URL} environment variable"),
            Self::Dotenv(path) => write!(f, "{DATABASE_URL} in `{}`", path.display()),
        }
    }
}

/// The `.env` file for a command run in `start`: the first in `start` or one of its parents,
/// not above the workspace root (the first directory whose `Cargo.toml` has a `[workspace]`
/// table), nor above the filesystem's root when there is no workspace.
///
/// The search stops at the workspace root because a `.env` above it belongs to something else
/// (a home directory's, another project's); it does not stop at a member package's
/// `Cargo.toml`, since a workspace's `.env` usually sits at its root.
pub(super) fn find(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(".env");
        if candidate.is_file() {
            return Some(candidate);
        }
        if is_workspace_root(dir) {
            return None;
        }
    }
    None
}

/// Whether `dir` holds a `Cargo.toml` with a `[workspace]` table (or a `[workspace.*]` one,
/// which makes one too). A line-based look rather than a TOML parser: a table header is a line
/// of its own.
fn is_workspace_root(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|manifest| {
        manifest.lines().any(|line| {
            let line = line.trim();
            line.starts_with("[workspace]") || line.starts_with("[workspace.")
        })
    })
}

/// The database URL: `option` (`--database-url`), else the `DATABASE_URL` variable `env`
/// gives, else `DATABASE_URL` in the `.env` file at `dotenv` (if there is one). Empty values
/// count as unset.
pub(super) fn database_url(
    option: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
    dotenv: Option<&Path>,
) -> Result<Option<(String, Source)>, Failure> {
    if let Some(url) = option.filter(|url| !url.is_empty()) {
        return Ok(Some((url.to_owned(), Source::Option)));
    }
    if let Some(url) = env(DATABASE_URL).filter(|url| !url.is_empty()) {
        return Ok(Some((url, Source::Environment)));
    }
    let Some(dotenv) = dotenv else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(dotenv) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(Failure::Setup(format!(
                "cannot read `{}`: {error}; make it readable, or pass --database-url",
                dotenv.display()
            )));
        }
    };
    let vars = parse(&text).map_err(|error| {
        Failure::Setup(format!(
            "cannot read `{}`, {error}; fix it, or pass --database-url",
            dotenv.display()
        ))
    })?;
    Ok(vars
        .into_iter()
        .rev()
        .find(|(key, value)| key == DATABASE_URL && !value.is_empty())
        .map(|(_, url)| (url, Source::Dotenv(dotenv.to_owned()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> Vec<(String, String)> {
        parse(text).expect("a valid .env")
    }

    fn pair(key: &str, value: &str) -> (String, String) {
        (key.to_owned(), value.to_owned())
    }

    #[test]
    fn lines_comments_and_export() {
        let text = "# the database\n\nDATABASE_URL=postgres://localhost/app\n  export  PORT = 8080 \nexported=1\n";
        assert_eq!(
            vars(text),
            [
                pair("DATABASE_URL", "postgres://localhost/app"),
                pair("PORT", "8080"),
                pair("exported", "1"),
            ]
        );
    }

    #[test]
    fn quotes_and_inline_comments() {
        let text = concat!(
            "A='single # not a comment \\n'\n",
            "B=\"double \\\"quoted\\\"\\n\\$HOME\" # a comment\n",
            "C=plain value # a comment\n",
            "D=no#comment\n",
            "E=\n",
            "F=a=b\n",
        );
        assert_eq!(
            vars(text),
            [
                pair("A", "single # not a comment \\n"),
                pair("B", "double \"quoted\"\n$HOME"),
                pair("C", "plain value"),
                pair("D", "no#comment"),
                pair("E", ""),
                pair("F", "a=b"),
            ]
        );
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            parse("A=1\nnot a variable\n"),
            Err(DotenvError {
                line: 2,
                reason: "expected KEY=VALUE"
            })
        );
        assert_eq!(parse("A=\"open\n").map_err(|e| e.line), Err(1));
        assert_eq!(parse("A='x' y\n").map_err(|e| e.line), Err(1));
        assert_eq!(parse("1A=x\n").map_err(|e| e.line), Err(1));
        assert_eq!(
            parse("A='x'\nB=y\n\nC=\"z\n").map_err(|e| e.to_string()),
            Err("line 4: a double-quoted value is not closed".to_owned())
        );
    }

    fn dotenv_with(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join(".env");
        std::fs::write(&path, text).expect("written");
        (dir, path)
    }

    #[test]
    fn the_option_wins_then_the_environment_then_the_file() {
        let (_dir, path) = dotenv_with("DATABASE_URL=sqlite://from-file.db\n");
        let env = |key: &str| (key == DATABASE_URL).then(|| "sqlite://from-env.db".to_owned());
        let none = |_: &str| None;

        let found = database_url(Some("sqlite://from-option.db"), env, Some(&path)).expect("ok");
        assert_eq!(
            found,
            Some(("sqlite://from-option.db".into(), Source::Option))
        );
        let found = database_url(None, env, Some(&path)).expect("ok");
        assert_eq!(
            found,
            Some(("sqlite://from-env.db".into(), Source::Environment))
        );
        let found = database_url(None, none, Some(&path)).expect("ok");
        assert_eq!(
            found,
            Some(("sqlite://from-file.db".into(), Source::Dotenv(path.clone())))
        );
        // An empty variable is unset.
        let empty = |_: &str| Some(String::new());
        assert_eq!(
            database_url(None, empty, Some(&path))
                .expect("ok")
                .map(|f| f.1),
            Some(Source::Dotenv(path.clone()))
        );
    }

    #[test]
    fn no_file_no_url_and_a_bad_file_is_an_error() {
        let none = |_: &str| None;
        let missing = Path::new("/no/such/dir/.env");
        assert_eq!(database_url(None, none, Some(missing)).expect("ok"), None);

        let (_dir, path) = dotenv_with("OTHER=1\n");
        assert_eq!(database_url(None, none, Some(&path)).expect("ok"), None);

        let (_dir, path) = dotenv_with("DATABASE_URL=\"sqlite://x.db\nOTHER=1\n");
        let Err(Failure::Setup(message)) = database_url(None, none, Some(&path)) else {
            panic!("a malformed .env is an error");
        };
        assert!(
            message.contains("line 1: a double-quoted value is not closed"),
            "{message}"
        );
        assert_eq!(database_url(None, none, None).expect("ok"), None);
        // Not read at all when the option gives the URL.
        assert!(database_url(Some("sqlite://x.db"), none, Some(&path)).is_ok());
    }

    #[test]
    fn sources_say_where_the_url_came_from() {
        assert_eq!(Source::Option.to_string(), "--database-url");
        assert_eq!(
            Source::Environment.to_string(),
            "the DATABASE_URL environment variable"
        );
        assert_eq!(
            Source::Dotenv(".env".into()).to_string(),
            "DATABASE_URL in `.env`"
        );
    }

    #[test]
    fn the_file_is_searched_for_upwards_up_to_the_workspace_root() {
        let temp = tempfile::tempdir().expect("a temporary directory");
        let root = temp.path();
        let workspace = root.join("ws");
        let member = workspace.join("app");
        let deep = member.join("src/bin");
        std::fs::create_dir_all(&deep).expect("directories");
        std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"app\"\n").expect("written");
        std::fs::write(
            workspace.join("Cargo.toml"),
            "# the workspace\n[workspace]\nmembers = [\"app\"]\n",
        )
        .expect("written");
        std::fs::write(root.join(".env"), "DATABASE_URL=sqlite://outside.db\n").expect("written");

        // Nothing up to the workspace root: the `.env` above it is not read.
        assert_eq!(find(&deep), None);
        assert_eq!(find(&workspace), None);

        // The workspace's, from any directory below it; a member package's manifest does not
        // stop the search.
        std::fs::write(workspace.join(".env"), "DATABASE_URL=sqlite://ws.db\n").expect("written");
        assert_eq!(find(&deep), Some(workspace.join(".env")));
        assert_eq!(find(&workspace), Some(workspace.join(".env")));

        // The nearest wins.
        std::fs::write(member.join(".env"), "DATABASE_URL=sqlite://app.db\n").expect("written");
        assert_eq!(find(&deep), Some(member.join(".env")));

        // `[workspace.package]` alone makes a workspace root too; a `.env` directory is no file.
        let other = root.join("other");
        std::fs::create_dir_all(other.join("sub/.env")).expect("directories");
        std::fs::write(
            other.join("Cargo.toml"),
            "[workspace.package]\nedition = \"2024\"\n",
        )
        .expect("written");
        assert_eq!(find(&other.join("sub")), None);

        // Without a workspace, the search goes on up.
        let loose = root.join("loose/dir");
        std::fs::create_dir_all(&loose).expect("directories");
        assert_eq!(find(&loose), Some(root.join(".env")));
    }
}
