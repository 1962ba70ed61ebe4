//! Splitting a script into statements at the `;`s that end them, per dialect: a `;` inside a
//! string, a quoted identifier or a comment ends nothing.
//!
//! Generated scripts could be split more simply, but the runner reads files that people may
//! have edited (a data fix added to `up.sql`), and string literals may hold `;` and newlines
//! (SQLite's are written raw).

use covet::Backend;

/// A script that ends inside a string, quoted identifier or comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unterminated {
    /// The 1-based line it starts on.
    pub(crate) line: usize,
    /// What is left open: `string`, `comment`, ...
    pub(crate) what: &'static str,
}

/// The statements of `script`, without their `;` and without the comments and blank lines
/// before them; parts holding nothing but comments are not statements.
///
/// Each dialect's lexical rules: `'...'` strings with `''` (and on MySQL, or PostgreSQL's
/// `E'...'`, backslash escapes), `"..."` (a string on MySQL, an identifier elsewhere),
/// `` `...` `` identifiers, SQLite's `[...]`, PostgreSQL's `$tag$...$tag$`, `--` and (MySQL)
/// `#` comments to the end of the line, `/* ... */` comments (nested on PostgreSQL).
pub(crate) fn split_statements(
    script: &str,
    backend: Backend,
) -> Result<Vec<String>, Unterminated> {
    let bytes = script.as_bytes();
    let mut statements = Vec::new();
    // Where the current statement's code starts, once a code character is seen.
    let mut code_start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let next = bytes.get(i + 1).copied();
        let skipped = match byte {
            b'-' if next == Some(b'-') => Some(line_end(bytes, i)),
            b'#' if backend == Backend::MySql => Some(line_end(bytes, i)),
            b'/' if next == Some(b'*') => Some(comment_end(bytes, i, backend)?),
            _ => None,
        };
        if let Some(end) = skipped {
            i = end;
            continue;
        }
        if byte == b';' {
            if let Some(start) = code_start.take() {
                statements.push(script[start..i].trim_end().to_owned());
            }
            i += 1;
            continue;
        }
        if !byte.is_ascii_whitespace() {
            code_start.get_or_insert(i);
        }
        i = match byte {
            b'\'' => {
                let escapes = backend == Backend::MySql || is_escape_string(bytes, i, backend);
                quoted_end(bytes, i, b'\'', escapes, "string")?
            }
            b'"' => quoted_end(bytes, i, b'"', backend == Backend::MySql, "quoted name")?,
            b'`' => quoted_end(bytes, i, b'`', false, "quoted name")?,
            b'[' if backend == Backend::Sqlite => quoted_end(bytes, i, b']', false, "quoted name")?,
            b'$' if backend == Backend::Postgres => dollar_quoted_end(bytes, i)?,
            _ => i + 1,
        };
    }
    if let Some(start) = code_start {
        statements.push(script[start..].trim_end().to_owned());
    }
    Ok(statements)
}

/// The 1-based line of byte `at`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count()
}

/// Just past the end of the line holding `at` (its newline included).
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |offset| at + offset + 1)
}

/// Just past the `*/` closing the comment opened at `at` (nesting on PostgreSQL).
fn comment_end(bytes: &[u8], at: usize, backend: Backend) -> Result<usize, Unterminated> {
    let mut depth = 0;
    let mut i = at;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') if depth == 0 || backend == Backend::Postgres => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => i += 1,
        }
    }
    Err(Unterminated {
        line: line_of(bytes, at),
        what: "comment",
    })
}

/// Whether the quote at `at` opens PostgreSQL's `E'...'`, where backslashes escape.
fn is_escape_string(bytes: &[u8], at: usize, backend: Backend) -> bool {
    backend == Backend::Postgres
        && at >= 1
        && matches!(bytes[at - 1], b'E' | b'e')
        && (at < 2 || !is_word(bytes[at - 2]))
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// Just past the `close` ending the quoted text opened at `at`: a doubled `close` is one
/// character of the text, and with `escapes` a backslash escapes the next byte.
fn quoted_end(
    bytes: &[u8],
    at: usize,
    close: u8,
    escapes: bool,
    what: &'static str,
) -> Result<usize, Unterminated> {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escapes => i += 2,
            byte if byte == close && bytes.get(i + 1) == Some(&close) => i += 2,
            byte if byte == close => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(Unterminated {
        line: line_of(bytes, at),
        what,
    })
}

/// Just past PostgreSQL's dollar-quoted text opened at `at` (`$$...$$`, `$body$...$body$`), or
/// just past the `$` when it opens none (a `$1` parameter).
fn dollar_quoted_end(bytes: &[u8], at: usize) -> Result<usize, Unterminated> {
    let tag_len = bytes[at + 1..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80));
    let opens = match tag_len {
        Some(len) => {
            bytes[at + 1 + len] == b'$' && !bytes.get(at + 1).is_some_and(u8::is_ascii_digit)
        }
        None => false,
    };
    let Some(len) = tag_len.filter(|_| opens) else {
        return Ok(at + 1);
    };
    let tag = &bytes[at..at + len + 2];
    let body = at + tag.len();
    bytes[body..]
        .windows(tag.len())
        .position(|window| window == tag)
        .map(|offset| body + offset + tag.len())
        .ok_or(Unterminated {
            line: line_of(bytes, at),
            what: "dollar-quoted string",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Backend::{MySql, Postgres, Sqlite};

    fn split(script: &str, backend: Backend) -> Vec<String> {
        split_statements(script, backend).unwrap()
    }

    #[test]
    fn splits_at_semicolons_and_drops_comments_before_statements() {
        let script = "-- header\n-- covet:no-transaction\n\nCREATE TABLE a (x int);\n\n\
                      /* note */ INSERT INTO a VALUES (1); -- trailing\n-- only a comment;\n";
        assert_eq!(
            split(script, Postgres),
            ["CREATE TABLE a (x int)", "INSERT INTO a VALUES (1)"]
        );
        assert_eq!(split("SELECT 1", Sqlite), ["SELECT 1"], "no final `;`");
        assert!(split("-- nothing\n\n", Sqlite).is_empty());
    }

    #[test]
    fn a_semicolon_in_a_string_or_name_ends_nothing() {
        assert_eq!(
            split("INSERT INTO \"a;b\" VALUES ('x;''y\n;z');SELECT 2;", Sqlite),
            ["INSERT INTO \"a;b\" VALUES ('x;''y\n;z')", "SELECT 2"]
        );
        assert_eq!(
            split(r"SELECT 'it\'s;'; SELECT `a;b`, ';'; # c;d", MySql),
            [r"SELECT 'it\'s;'", "SELECT `a;b`, ';'"]
        );
        // PostgreSQL: a backslash escapes only in E'...'.
        assert_eq!(
            split(r"SELECT E'a\';b'; SELECT 'c\'; SELECT 1", Postgres),
            [r"SELECT E'a\';b'", r"SELECT 'c\'", "SELECT 1"]
        );
        assert_eq!(
            split("SELECT [a;b] FROM t; SELECT 2", Sqlite),
            ["SELECT [a;b] FROM t", "SELECT 2"]
        );
    }

    #[test]
    fn postgres_dollar_quotes_and_nested_comments() {
        let function = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql";
        assert_eq!(
            split(&format!("{function}; SELECT $1;"), Postgres),
            [function, "SELECT $1"]
        );
        assert_eq!(
            split("/* a /* b; */ c; */ SELECT 1;", Postgres),
            ["SELECT 1"]
        );
        // Elsewhere, comments do not nest.
        assert_eq!(split("/* a /* b; */ SELECT 1;", Sqlite), ["SELECT 1"]);
    }

    #[test]
    fn an_unterminated_string_or_comment_is_an_error() {
        assert_eq!(
            split_statements("SELECT 1;\nSELECT 'oops;", Sqlite),
            Err(Unterminated {
                line: 2,
                what: "string"
            })
        );
        assert!(split_statements("/* never closed", MySql).is_err());
        assert!(split_statements("SELECT $a$ never", Postgres).is_err());
    }
}
