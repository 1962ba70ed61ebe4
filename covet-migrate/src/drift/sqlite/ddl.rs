//! The little SQLite keeps only in a table's `CREATE TABLE` text: constraint names, `CHECK`
//! conditions and `AUTOINCREMENT`.
//!
//! Not a parser of SQL: a tokenizer that knows quoting and comments, so that a keyword inside
//! a string, a quoted name or a comment is never taken for one, and a scan for the few token
//! sequences that matter: `[CONSTRAINT name] CHECK (...)`, `CONSTRAINT name FOREIGN KEY
//! (columns)` and `AUTOINCREMENT`.

use super::super::catalog::Check;

/// What a `CREATE TABLE` says beyond the pragmas.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Ddl {
    /// Whether `AUTOINCREMENT` appears (as a keyword).
    pub(super) autoincrement: bool,
    /// Every `CHECK`, named or not (an empty name), its condition as written.
    pub(super) checks: Vec<Check>,
    /// The named foreign keys: their columns and names.
    pub(super) foreign_keys: Vec<(Vec<String>, String)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// An unquoted word: a keyword or a name.
    Word,
    /// A quoted name, unquoted.
    Name(String),
    /// A string literal.
    Text,
    /// Any other character.
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    start: usize,
    end: usize,
}

impl Token<'_> {
    fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    fn is(&self, punct: char) -> bool {
        self.kind == Kind::Punct(punct)
    }

    /// The name this token stands for, if it can be one.
    fn name(&self) -> Option<String> {
        match &self.kind {
            Kind::Word => Some(self.text.to_owned()),
            Kind::Name(name) => Some(name.clone()),
            Kind::Text => Some(unquote(self.text, '\'')),
            Kind::Punct(_) => None,
        }
    }
}

/// Reads `sql`, a `CREATE TABLE` statement.
pub(super) fn parse(sql: &str) -> Ddl {
    let tokens = tokenize(sql);
    let mut ddl = Ddl::default();
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        if token.is_word("autoincrement") {
            ddl.autoincrement = true;
        } else if token.is_word("constraint") {
            let name = tokens.get(i + 1).and_then(Token::name).unwrap_or_default();
            let rest = &tokens[(i + 2).min(tokens.len())..];
            if rest.first().is_some_and(|t| t.is_word("check")) {
                if let Some((clause, used)) = parenthesized(sql, &rest[1..]) {
                    ddl.checks.push(Check { name, clause });
                    i += 3 + used;
                    continue;
                }
            } else if rest.first().is_some_and(|t| t.is_word("foreign"))
                && rest.get(1).is_some_and(|t| t.is_word("key"))
            {
                let columns = names_in_parentheses(&rest[2..]);
                ddl.foreign_keys.push((columns, name));
            }
            i += 2;
            continue;
        } else if token.is_word("check")
            && let Some((clause, used)) = parenthesized(sql, &tokens[i + 1..])
        {
            ddl.checks.push(Check {
                name: String::new(),
                clause,
            });
            i += 1 + used;
            continue;
        }
        i += 1;
    }
    ddl
}

/// The text between the parenthesis `tokens` starts with and its match, and how many tokens
/// that took.
fn parenthesized(sql: &str, tokens: &[Token<'_>]) -> Option<(String, usize)> {
    let open = tokens.first().filter(|t| t.is('('))?;
    let mut depth = 0;
    for (i, token) in tokens.iter().enumerate() {
        if token.is('(') {
            depth += 1;
        } else if token.is(')') {
            depth -= 1;
            if depth == 0 {
                return Some((sql[open.end..token.start].trim().to_owned(), i + 1));
            }
        }
    }
    None
}

/// The names in the parenthesized list `tokens` starts with.
fn names_in_parentheses(tokens: &[Token<'_>]) -> Vec<String> {
    if !tokens.first().is_some_and(|t| t.is('(')) {
        return Vec::new();
    }
    tokens[1..]
        .iter()
        .take_while(|t| !t.is(')'))
        .filter_map(Token::name)
        .collect()
}

fn tokenize(sql: &str) -> Vec<Token<'_>> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let kind = match c {
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            b'\'' | b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                i = quoted_end(bytes, i, close);
                if c == b'\'' {
                    Kind::Text
                } else {
                    Kind::Name(unquote(&sql[start..i], close as char))
                }
            }
            _ if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                i += 1;
                Kind::Punct(c as char)
            }
        };
        tokens.push(Token {
            kind,
            text: &sql[start..i],
            start,
            end: i,
        });
    }
    tokens
}

/// The end of the quoted token starting at `start`: past its closing `close`, a doubled one
/// being an escaped character (except for `]`).
fn quoted_end(bytes: &[u8], start: usize, close: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == close {
            if close != b']' && bytes.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The content of a quoted token, doubled quotes undoubled.
fn unquote(text: &str, close: char) -> String {
    let inner = text.get(1..).unwrap_or_default();
    let inner = inner.strip_suffix(close).unwrap_or(inner);
    if close == ']' {
        return inner.to_owned();
    }
    let doubled: String = [close, close].iter().collect();
    inner.replace(&doubled, &close.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_unnamed_checks_foreign_keys_and_autoincrement_are_found() {
        let ddl = parse(
            "CREATE TABLE \"post\" ( \"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
             \"mood\" varchar NOT NULL, \"n\" integer CHECK (n > 0), \"a\" bigint, \"b\" bigint, \
             CONSTRAINT \"post_mood_check\" CHECK (\"mood\" IN ('a(', 'it''s')), \
             CONSTRAINT \"post_a_b_fkey\" FOREIGN KEY (\"a\", [b]) REFERENCES \"x\" (\"id\", \"k\") )",
        );
        assert!(ddl.autoincrement);
        let checks: Vec<(&str, &str)> = ddl
            .checks
            .iter()
            .map(|c| (c.name.as_str(), c.clause.as_str()))
            .collect();
        assert_eq!(
            checks,
            [
                ("", "n > 0"),
                ("post_mood_check", "\"mood\" IN ('a(', 'it''s')")
            ]
        );
        assert_eq!(
            ddl.foreign_keys,
            [(
                vec!["a".to_owned(), "b".to_owned()],
                "post_a_b_fkey".to_owned()
            )]
        );
    }

    #[test]
    fn keywords_in_strings_names_and_comments_are_not_keywords() {
        let ddl = parse(
            "CREATE TABLE t ( -- AUTOINCREMENT CHECK (x)\n \"autoincrement\" text \
             DEFAULT 'CONSTRAINT c CHECK (1)' /* CHECK (2) */ )",
        );
        assert_eq!(ddl, Ddl::default());
    }
}
