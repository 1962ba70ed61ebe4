//! The convention every error message of this crate follows, and its check for the tests.
//!
//! A message says what happened, then ends with what to do next: its last clause (after the
//! last `; `, `. ` or line break that is outside backticks and parentheses) starts with an
//! imperative verb from [`VERBS`], optionally after a condition (`if the change is intended,
//! record it ...`). The cause comes first, so the advice is never the whole message.
//!
//! The verbs are a closed list so that a message whose ending is not advice (a question, a
//! bare cause, a path) fails the tests, and a new kind of advice is a deliberate addition here.

/// The verbs a next step may start with.
const VERBS: &[&str] = &[
    "apply", "build", "check", "compare", "create", "delete", "finish", "fix", "free", "give",
    "keep", "let", "pass", "point", "put", "record", "remove", "rename", "render", "restore",
    "roll", "run", "update", "use", "write",
];

/// The message's last clause, which holds its next step.
fn last_clause(message: &str) -> Option<&str> {
    let mut start = 0;
    let mut depth = 0_usize;
    let mut in_code = false;
    let bytes = message.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            b'`' => in_code = !in_code,
            b'(' if !in_code => depth += 1,
            b')' if !in_code => depth = depth.saturating_sub(1),
            _ if in_code || depth > 0 => {}
            b'\n' => start = i + 1,
            b'.' | b';' if matches!(bytes.get(i + 1), Some(b' ' | b'\n')) => start = i + 2,
            _ => {}
        }
    }
    let clause = message.get(start..)?.trim();
    // A message that is one clause has no cause before its advice.
    (start > 0 && !clause.is_empty()).then_some(clause)
}

/// The next step of `message`, or why it has none.
pub(crate) fn next_step(message: &str) -> Result<&str, String> {
    let clause = last_clause(message).ok_or("the message is a single clause")?;
    let lower = clause.to_ascii_lowercase();
    // `if X, do Y`: the advice is `do Y`.
    let advice = match lower.strip_prefix("if ") {
        Some(_) => clause
            .split_once(", ")
            .map(|(_, rest)| rest)
            .ok_or("an `if` clause without advice after it")?,
        None => clause,
    };
    let verb = advice
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if VERBS.contains(&verb.as_str()) {
        Ok(clause)
    } else {
        Err(format!(
            "its last clause `{clause}` does not start with one of the verbs {VERBS:?}"
        ))
    }
}

/// Asserts that `message` ends with a next step.
#[track_caller]
pub(crate) fn assert_next_step(message: &str) {
    if let Err(problem) = next_step(message) {
        panic!("no next step: {problem}\nin: {message}");
    }
}

#[test]
fn the_last_clause_outside_code_and_parentheses_is_the_advice() {
    assert_eq!(
        next_step("`x` is missing; restore it from version control"),
        Ok("restore it from version control")
    );
    assert_eq!(
        next_step("it failed: a. b. Fix the data (or the file; then run `a; b`) and run again."),
        Ok("Fix the data (or the file; then run `a; b`) and run again.")
    );
    assert_eq!(
        next_step("rows are left:\n    a\nDelete or fix those rows."),
        Ok("Delete or fix those rows.")
    );
    assert_eq!(
        next_step("`x` changed; if the change is intended, record it with `rehash`"),
        Ok("if the change is intended, record it with `rehash`")
    );
    assert!(next_step("cannot access `x`: permission denied").is_err());
    assert!(next_step("`x` exists; was another command running?").is_err());
    assert!(next_step("restore it").is_err());
    assert!(next_step("it failed; if it matters").is_err());
}
