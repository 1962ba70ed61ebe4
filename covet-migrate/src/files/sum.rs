//! `covet.sum`, the migrations folder's integrity file.
//!
//! ```text
//! covet-sum v1 <sha256 of every line below>
//! 0001_create_author up=<sha256> down=<sha256> snapshot=<sha256>
//! 0002_add_post_summary up=<sha256> down=<sha256> snapshot=<sha256>
//! ```
//!
//! One line per migration, in version order, with the SHA-256 of each of its three files'
//! exact bytes; the first line holds the SHA-256 of all the lines after it. Two branches that
//! each add a migration both append a line and both change the first one, so git reports a
//! conflict instead of merging two migrations that were each diffed against the same snapshot.

use std::collections::BTreeMap;

use super::checksum::Checksum;

/// The first word of the file: its format and version.
const MAGIC: &str = "covet-sum v1";

/// The files of a migration the sum covers, with the key each has on a line.
pub(crate) const FILES: [(&str, &str); 3] = [
    ("up", "up.sql"),
    ("down", "down.sql"),
    ("snapshot", "snapshot.json"),
];

/// One migration's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// `NNNN_name`.
    pub(crate) migration: String,
    /// The checksums of [`FILES`], in that order.
    pub(crate) checksums: [Checksum; 3],
}

/// What is wrong with a `covet.sum`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Git's conflict markers: two branches added migrations.
    Conflict,
    /// A line that is not in the format, 1-based.
    Malformed { line: usize },
    /// The first line's hash does not match the lines (edited by hand).
    Edited,
}

/// The file's text for `entries`, in their order.
pub(crate) fn render(entries: &[Entry]) -> String {
    let mut body = String::new();
    for entry in entries {
        body.push_str(&entry.migration);
        for ((key, _), checksum) in FILES.iter().zip(&entry.checksums) {
            body.push_str(&format!(" {key}={checksum}"));
        }
        body.push('\n');
    }
    format!("{MAGIC} {}\n{body}", Checksum::of(&body))
}

/// The entries of the file `text`, checked against its first line.
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>, Problem> {
    if text.lines().any(|line| {
        ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
            .iter()
            .any(|marker| line.starts_with(marker))
    }) {
        return Err(Problem::Conflict);
    }
    let (first, body) = text.split_once('\n').unwrap_or((text, ""));
    let total = first
        .strip_prefix(MAGIC)
        .and_then(|rest| rest.trim().parse::<Checksum>().ok())
        .ok_or(Problem::Malformed { line: 1 })?;
    let entries = body
        .lines()
        .enumerate()
        .map(|(i, line)| entry(line).ok_or(Problem::Malformed { line: i + 2 }))
        .collect::<Result<Vec<_>, _>>()?;
    if Checksum::of(body) != total {
        return Err(Problem::Edited);
    }
    Ok(entries)
}

/// One line: `NNNN_name up=... down=... snapshot=...`.
fn entry(line: &str) -> Option<Entry> {
    let mut words = line.split(' ');
    let migration = words.next().filter(|name| !name.is_empty())?.to_owned();
    let mut found = BTreeMap::new();
    for word in words {
        let (key, value) = word.split_once('=')?;
        found.insert(key, value.parse::<Checksum>().ok()?);
    }
    if found.len() != FILES.len() {
        return None;
    }
    let checksum = |key: &str| found.get(key).copied();
    Some(Entry {
        migration,
        checksums: [checksum("up")?, checksum("down")?, checksum("snapshot")?],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Entry {
        Entry {
            migration: name.to_owned(),
            checksums: [
                Checksum::of(format!("{name} up")),
                Checksum::of(format!("{name} down")),
                Checksum::of(format!("{name} snapshot")),
            ],
        }
    }

    #[test]
    fn entries_round_trip() {
        let entries = vec![entry("0001_a"), entry("0002_b")];
        let text = render(&entries);
        assert!(text.starts_with("covet-sum v1 "));
        assert_eq!(text.lines().count(), 3);
        assert!(text.lines().nth(1).unwrap().starts_with("0001_a up="));
        assert_eq!(parse(&text), Ok(entries));
        assert_eq!(parse(&render(&[])), Ok(vec![]));
    }

    #[test]
    fn an_edit_below_the_first_line_is_detected() {
        let text = render(&[entry("0001_a"), entry("0002_b")]);
        let edited = text.replacen("0002_b", "0002_c", 1);
        assert_eq!(parse(&edited), Err(Problem::Edited));
        let dropped: String = text
            .lines()
            .take(2)
            .map(|line| format!("{line}\n"))
            .collect();
        assert_eq!(parse(&dropped), Err(Problem::Edited));
    }

    #[test]
    fn malformed_lines_and_conflicts_are_named() {
        let text = render(&[entry("0001_a")]);
        assert_eq!(
            parse(&format!("{text}0002_b up=00\n")),
            Err(Problem::Malformed { line: 3 })
        );
        assert_eq!(parse("nonsense\n"), Err(Problem::Malformed { line: 1 }));
        let conflict = format!("<<<<<<< HEAD\n{text}=======\n{text}>>>>>>> branch\n");
        assert_eq!(parse(&conflict), Err(Problem::Conflict));
    }
}
