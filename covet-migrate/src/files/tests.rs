use std::fs;
use std::path::Path;

use covet::Backend::{self, MySql, Postgres, Sqlite};
use tempfile::TempDir;

use super::*;
use crate::plan::{Backfills, Plan};
use crate::snapshot::{Column, ColumnType, DefaultValue, Schema};
use crate::test_models::{blog_v1, blog_v2, nullable, schema, table};
use crate::{Operation, diff};

fn folder() -> (TempDir, MigrationDir) {
    let temp = TempDir::new().unwrap();
    let dir = MigrationDir::create(temp.path().join("migrations")).unwrap();
    (temp, dir)
}

fn plan(old: &Schema, new: &Schema, backend: Backend) -> Plan {
    Plan::build(old, new, &diff(old, new), backend, &Backfills::new()).unwrap()
}

/// Writes the migration from the folder's latest snapshot to `new`.
fn write(dir: &MigrationDir, name: &str, new: &Schema, backend: Backend) -> Migration {
    let old = dir.latest_snapshot().unwrap();
    dir.write(name, &plan(&old, new, backend), new).unwrap()
}

fn tags() -> Schema {
    schema([table("tag", [])])
}

fn labelled_tags() -> Schema {
    schema([table("tag", [nullable("label", ColumnType::Text)])])
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn append(path: &Path, text: &str) {
    let mut content = fs::read_to_string(path).unwrap();
    content.push_str(text);
    fs::write(path, content).unwrap();
}

#[test]
fn written_migrations_list_verify_and_read_back() {
    let (_temp, dir) = folder();
    let first = write(&dir, "Create Tag!", &tags(), Sqlite);
    let second = write(&dir, "add label", &labelled_tags(), Sqlite);
    assert_eq!(first.dir_name(), "0001_create_tag");
    assert_eq!(second.dir_name(), "0002_add_label");

    let listed = dir.verify().unwrap();
    assert_eq!(listed, [first, second.clone()]);
    let on_disk = fs::read(dir.path().join("0002_add_label/up.sql")).unwrap();
    assert_eq!(listed[1].checksum(), Checksum::of(&on_disk));
    assert_eq!(listed[1].up_sql().as_bytes(), on_disk);
    assert_eq!(dir.latest_snapshot().unwrap(), labelled_tags());
    let snapshot = fs::read_to_string(dir.path().join("0001_create_tag/snapshot.json")).unwrap();
    assert_eq!(Schema::from_json(&snapshot).unwrap(), tags());

    let sum = fs::read_to_string(dir.path().join("covet.sum")).unwrap();
    let lines: Vec<&str> = sum.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("covet-sum v1 "));
    assert!(lines[2].starts_with(&format!("0002_add_label up={} down=", second.checksum())));
}

#[test]
fn the_file_header_lists_version_name_dialect_risks_and_directives() {
    let (_temp, dir) = folder();
    write(&dir, "create", &tags(), Sqlite);
    let required = schema([table(
        "tag",
        [Column::new(
            "label",
            ColumnType::Enum {
                variants: vec!["a;b".into(), "it's".into()],
            },
        )],
    )]);
    let migration = write(&dir, "require label", &required, Sqlite);
    insta::assert_snapshot!(migration.up_sql());
    insta::assert_snapshot!(migration.down_sql());
}

#[test]
fn scripts_read_back_as_planned_on_every_dialect() {
    let v1 = Schema::from_registry(&blog_v1::MODELS).unwrap();
    let v2 = Schema::from_registry(&blog_v2::MODELS).unwrap();
    for backend in [Postgres, MySql, Sqlite] {
        let (_temp, dir) = folder();
        write(&dir, "initial", &v1, backend);
        let plan = plan(&v1, &v2, backend);
        let migration = dir.write("upgrade", &plan, &v2).unwrap();
        for (read, planned) in [
            (migration.up().unwrap(), &plan.up),
            (migration.down().unwrap(), &plan.down),
        ] {
            assert_eq!(read.dialect, backend);
            assert_eq!(read.statements, planned.statements, "{backend}");
            assert_eq!(read.transactional, planned.transactional, "{backend}");
            assert_eq!(read.foreign_keys_off, planned.foreign_keys_off, "{backend}");
            let codes: Vec<&str> = planned.risks.iter().map(|r| r.code).collect();
            assert_eq!(read.risk_codes, codes, "{backend}");
        }
    }
}

#[test]
fn a_literal_holding_semicolons_newlines_and_quotes_survives_the_file() {
    let text = "a;\n-- b;\n'c' \\ \"d\" /* e";
    let with_default = schema([table(
        "tag",
        [Column {
            default: Some(DefaultValue::Text(text.into())),
            ..Column::new("note", ColumnType::Text)
        }],
    )]);
    for backend in [Postgres, MySql, Sqlite] {
        let (_temp, dir) = folder();
        write(&dir, "create", &tags(), backend);
        let plan = plan(&tags(), &with_default, backend);
        let migration = dir.write("note", &plan, &with_default).unwrap();
        assert_eq!(
            migration.up().unwrap().statements,
            plan.up.statements,
            "{backend}"
        );
    }
}

#[test]
fn embedded_migrations_equal_the_ones_on_disk() {
    let (_temp, dir) = folder();
    write(&dir, "create", &tags(), Postgres);
    write(&dir, "label", &labelled_tags(), Postgres);
    let on_disk = dir.migrations().unwrap();
    // What `include_str!` would give: the files' text, as `&'static str`.
    let leak = |path: &str| -> &'static str {
        Box::leak(
            fs::read_to_string(dir.path().join(path))
                .unwrap()
                .into_boxed_str(),
        )
    };
    let embedded = [
        EmbeddedMigration {
            dir_name: "0002_label",
            up: leak("0002_label/up.sql"),
            down: leak("0002_label/down.sql"),
        },
        EmbeddedMigration {
            dir_name: "0001_create",
            up: leak("0001_create/up.sql"),
            down: leak("0001_create/down.sql"),
        },
    ];
    assert_eq!(Migration::embedded(&embedded).unwrap(), on_disk);
}

#[test]
fn an_edited_up_sql_is_refused_until_rehashed() {
    let (_temp, dir) = folder();
    write(&dir, "create", &tags(), Sqlite);
    let up = dir.path().join("0001_create/up.sql");
    append(&up, "\nINSERT INTO \"tag\" DEFAULT VALUES;\n");

    let err = dir.verify().unwrap_err();
    assert!(
        matches!(&err, FilesError::EditedFile { migration, file: "up.sql" } if migration == "0001_create"),
        "{err}"
    );
    assert!(
        err.to_string().contains("`0001_create/up.sql` changed"),
        "{err}"
    );
    assert!(
        dir.write(
            "more",
            &plan(&tags(), &labelled_tags(), Sqlite),
            &labelled_tags()
        )
        .is_err()
    );

    // Intended: recorded, and the data fix is part of the migration.
    dir.rehash().unwrap();
    let migrations = dir.verify().unwrap();
    assert_eq!(
        migrations[0].up().unwrap().statements.last().unwrap(),
        r#"INSERT INTO "tag" DEFAULT VALUES"#
    );
}

#[test]
fn an_edited_down_sql_or_snapshot_is_refused() {
    let (_temp, dir) = folder();
    write(&dir, "create", &tags(), Sqlite);
    for file in ["down.sql", "snapshot.json"] {
        let path = dir.path().join("0001_create").join(file);
        let original = fs::read_to_string(&path).unwrap();
        append(&path, " ");
        assert!(
            matches!(dir.verify(), Err(FilesError::EditedFile { file: f, .. }) if f == file),
            "{file}"
        );
        fs::write(&path, original).unwrap();
        dir.verify().unwrap();
    }
}

#[test]
fn a_missing_or_unlisted_migration_is_refused() {
    let (temp, dir) = folder();
    write(&dir, "create", &tags(), Sqlite);
    write(&dir, "label", &labelled_tags(), Sqlite);
    let moved = temp.path().join("moved");
    fs::rename(dir.path().join("0002_label"), &moved).unwrap();
    assert!(matches!(
        dir.verify(),
        Err(FilesError::MissingMigration { migration }) if migration == "0002_label"
    ));
    assert_eq!(dir.latest_snapshot().unwrap(), tags());

    fs::rename(&moved, dir.path().join("0002_renamed")).unwrap();
    let err = dir.verify().unwrap_err();
    assert!(
        matches!(&err, FilesError::UnlistedMigration { migration } if migration == "0002_renamed"),
        "{err}"
    );
}

#[test]
fn a_hand_edited_or_missing_covet_sum_is_refused() {
    let (_temp, dir) = folder();
    write(&dir, "create", &tags(), Sqlite);
    let sum = dir.path().join("covet.sum");
    let text = fs::read_to_string(&sum).unwrap();
    fs::write(&sum, text.replace("0001_create", "0001_created")).unwrap();
    assert!(matches!(dir.verify(), Err(FilesError::SumEdited { .. })));
    fs::write(&sum, format!("{text}garbage\n")).unwrap();
    assert!(matches!(
        dir.verify(),
        Err(FilesError::MalformedSum { line: 3, .. })
    ));
    fs::remove_file(&sum).unwrap();
    let err = dir.verify().unwrap_err();
    assert!(matches!(err, FilesError::MissingSum { .. }), "{err}");
}

#[test]
fn two_branches_adding_a_migration_conflict_in_covet_sum() {
    let (temp, base) = folder();
    write(&base, "create", &tags(), Sqlite);
    let branch = |name: &str| {
        let path = temp.path().join(name);
        copy_dir(base.path(), &path);
        MigrationDir::open(path).unwrap()
    };
    let (a, b) = (branch("a"), branch("b"));
    write(&a, "label", &labelled_tags(), Sqlite);
    let with_counter = schema([table("tag", [nullable("uses", ColumnType::Int)])]);
    write(&b, "uses", &with_counter, Sqlite);

    let sum = |dir: &MigrationDir| fs::read_to_string(dir.path().join("covet.sum")).unwrap();
    let lines = |text: &str| text.lines().map(str::to_owned).collect::<Vec<_>>();
    let (base_lines, a_lines, b_lines) = (lines(&sum(&base)), lines(&sum(&a)), lines(&sum(&b)));
    // Both branches change the first line, differently, and both add a line after the same
    // last line: any line-based three-way merge (git's) stops on a conflict.
    assert!(a_lines[0] != base_lines[0] && b_lines[0] != base_lines[0]);
    assert_ne!(a_lines[0], b_lines[0]);
    assert_eq!(a_lines[1..2], base_lines[1..]);
    assert_eq!(b_lines[1..2], base_lines[1..]);
    assert_ne!(a_lines[2], b_lines[2]);

    // Left with git's markers, covet.sum is refused with advice.
    let merged = branch("merged");
    copy_dir(
        &b.path().join("0002_uses"),
        &merged.path().join("0002_uses"),
    );
    copy_dir(
        &a.path().join("0002_label"),
        &merged.path().join("0002_label"),
    );
    let conflicted = format!(
        "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> b\n{}\n",
        a_lines[0], b_lines[0], base_lines[1]
    );
    fs::write(merged.path().join("covet.sum"), conflicted).unwrap();
    let err = merged.verify().unwrap_err();
    assert!(
        matches!(err, FilesError::DuplicateVersion { version: 2, .. }),
        "{err}"
    );
    fs::remove_dir_all(merged.path().join("0002_uses")).unwrap();
    let err = merged.verify().unwrap_err();
    assert!(matches!(err, FilesError::SumConflict { .. }), "{err}");
    assert!(err.to_string().contains("makemigrations"));

    // Merged as a union of lines (`merge=union`), the first line no longer matches.
    let union = format!("{}\n{}\n{}\n", a_lines[0], a_lines[1], a_lines[2]) + &b_lines[2] + "\n";
    fs::write(merged.path().join("covet.sum"), union).unwrap();
    assert!(matches!(merged.verify(), Err(FilesError::SumEdited { .. })));
}

#[test]
fn only_migration_directories_are_read() {
    let (_temp, dir) = folder();
    write(&dir, "create", &tags(), Sqlite);
    fs::create_dir(dir.path().join(".hidden")).unwrap();
    fs::write(dir.path().join("README.md"), "notes").unwrap();
    assert_eq!(dir.verify().unwrap().len(), 1);

    fs::create_dir(dir.path().join("0002_Bad-Name")).unwrap();
    let err = dir.verify().unwrap_err();
    assert!(
        matches!(&err, FilesError::InvalidMigrationName { name } if name == "0002_Bad-Name"),
        "{err}"
    );
    fs::remove_dir(dir.path().join("0002_Bad-Name")).unwrap();

    fs::remove_file(dir.path().join("0001_create/down.sql")).unwrap();
    assert!(matches!(
        dir.migrations(),
        Err(FilesError::MissingFile {
            file: "down.sql",
            ..
        })
    ));
    assert!(matches!(
        MigrationDir::open(dir.path().join("README.md")),
        Err(FilesError::NotAFolder { .. })
    ));
}

#[test]
fn an_interrupted_write_leaves_nothing_behind() {
    let (_temp, dir) = folder();
    let leftover = dir.path().join(".0001_create.tmp");
    fs::create_dir(&leftover).unwrap();
    fs::write(leftover.join("up.sql"), "half").unwrap();
    write(&dir, "create", &tags(), Sqlite);
    assert!(!leftover.exists());
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"covet.sum".to_owned()));
    assert!(names.contains(&"0001_create".to_owned()));
}

#[test]
fn an_unknown_directive_or_dialect_is_refused() {
    let migration = |up: &'static str| {
        Migration::from_embedded(&EmbeddedMigration {
            dir_name: "0001_x",
            up,
            down: "",
        })
        .unwrap()
    };
    let err = migration("-- dialect: sqlite\n-- covet:lock-table\nSELECT 1;\n")
        .up()
        .unwrap_err();
    assert!(err.to_string().contains("covet:lock-table"), "{err}");
    assert!(migration("-- dialect: oracle\n").up().is_err());
    let err = migration("-- dialect: sqlite\nSELECT 'open;\n")
        .up()
        .unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn operations_still_hold_after_reading_the_snapshot_back() {
    // The snapshot written is the one the next diff starts from: no change, no operation.
    let (_temp, dir) = folder();
    let v2 = Schema::from_registry(&blog_v2::MODELS).unwrap();
    write(&dir, "initial", &v2, Postgres);
    let ops: Vec<Operation> = diff(&dir.latest_snapshot().unwrap(), &v2);
    assert!(ops.is_empty());
}

#[test]
fn every_files_error_ends_with_a_next_step() {
    use std::io;

    use crate::next_step::assert_next_step;
    use crate::snapshot::SnapshotError;

    let io = |kind| FilesError::Io {
        path: "migrations/covet.sum".into(),
        source: io::Error::from(kind),
    };
    // The reasons a script is refused for, as the reader gives them.
    let script = |up: &'static str| {
        Migration::from_embedded(&EmbeddedMigration {
            dir_name: "0001_x",
            up,
            down: "",
        })
        .unwrap()
        .up()
        .unwrap_err()
    };
    let mut all = vec![
        io(io::ErrorKind::NotFound),
        io(io::ErrorKind::PermissionDenied),
        io(io::ErrorKind::ReadOnlyFilesystem),
        io(io::ErrorKind::StorageFull),
        io(io::ErrorKind::Other),
        FilesError::NotAFolder {
            path: "migrations".into(),
        },
        FilesError::InvalidMigrationName {
            name: "notes".into(),
        },
        FilesError::DuplicateVersion {
            version: 2,
            first: "0002_a".into(),
            second: "0002_b".into(),
        },
        FilesError::MissingFile {
            migration: "0001_x".into(),
            file: "up.sql",
        },
        FilesError::NotText {
            path: "migrations/0001_x/up.sql".into(),
        },
        script("-- dialect: sqlite\n-- covet:lock-table\nSELECT 1;\n"),
        script("-- dialect: oracle\n"),
        script("SELECT 1;\n"),
        script("-- dialect: sqlite\nSELECT 'open;\n"),
        FilesError::MissingSum {
            path: "migrations/covet.sum".into(),
        },
        FilesError::SumConflict {
            path: "migrations/covet.sum".into(),
        },
        FilesError::MalformedSum {
            path: "migrations/covet.sum".into(),
            line: 3,
        },
        FilesError::SumEdited {
            path: "migrations/covet.sum".into(),
        },
        FilesError::EditedFile {
            migration: "0001_x".into(),
            file: "up.sql",
        },
        FilesError::MissingMigration {
            migration: "0001_x".into(),
        },
        FilesError::UnlistedMigration {
            migration: "0001_x".into(),
        },
        FilesError::MigrationExists {
            path: "migrations/0002_x".into(),
        },
    ];
    // A snapshot that cannot be read, for each reason `Schema::from_json` has.
    for json in [
        "{",
        r#"{"tables": {}}"#,
        r#"{"format_version": 99, "tables": {}}"#,
        r#"{"format_version": 1, "tables": {"a": {"name": "b", "columns": [], "primary_key": [], "indexes": [], "foreign_keys": []}}}"#,
    ] {
        let source = Schema::from_json(json).unwrap_err();
        all.push(FilesError::Snapshot {
            migration: "0001_x".into(),
            source,
        });
    }
    assert!(
        all.iter().any(|err| matches!(
            err,
            FilesError::Snapshot {
                source: SnapshotError::MismatchedTableName { .. },
                ..
            }
        )),
        "{all:#?}"
    );
    for err in &all {
        assert_next_step(&err.to_string());
    }
}

#[test]
fn an_io_error_is_advised_by_its_kind() {
    let message = |kind| {
        FilesError::Io {
            path: "migrations/0002_x/up.sql".into(),
            source: std::io::Error::from(kind),
        }
        .to_string()
    };
    let denied = message(std::io::ErrorKind::PermissionDenied);
    assert!(
        denied.starts_with("cannot access `migrations/0002_x/up.sql`: "),
        "{denied}"
    );
    assert!(
        denied.contains("give the user running the command permission"),
        "{denied}"
    );
    let full = message(std::io::ErrorKind::StorageFull);
    assert!(full.contains("free some disk space"), "{full}");
    let missing = message(std::io::ErrorKind::NotFound);
    assert!(missing.contains("--migrations"), "{missing}");
}
