use std::time::Duration;

use covet::{Backend, ErrorKind};

use super::*;
use crate::next_step::assert_next_step;

/// Every kind a covet error can have, as of this covet.
const KINDS: &[ErrorKind] = &[
    ErrorKind::NotFound,
    ErrorKind::MultipleRows,
    ErrorKind::UniqueViolation,
    ErrorKind::ForeignKeyViolation,
    ErrorKind::NotNullViolation,
    ErrorKind::CheckViolation,
    ErrorKind::Deadlock,
    ErrorKind::SerializationFailure,
    ErrorKind::LockTimeout,
    ErrorKind::StatementTimeout,
    ErrorKind::TransactionTimeout,
    ErrorKind::TransactionAborted,
    ErrorKind::CommitOutcomeUnknown,
    ErrorKind::PoolTimeout,
    ErrorKind::PoolClosed,
    ErrorKind::ConnectionLost,
    ErrorKind::AuthenticationFailed,
    ErrorKind::UnknownDatabase,
    ErrorKind::ConnectionRefused,
    ErrorKind::Decode,
    ErrorKind::Encode,
    ErrorKind::TooManyParameters,
    ErrorKind::Configuration,
    ErrorKind::Database,
    ErrorKind::Other,
];

fn database(kind: ErrorKind) -> MigrateError {
    MigrateError::Database(covet::Error::new(kind, "the server's words"))
}

fn statement(direction: &'static str, partial: bool) -> MigrateError {
    MigrateError::Statement {
        migration: "0002_add_unique_title".into(),
        direction,
        number: 2,
        total: 3,
        statement: "CREATE UNIQUE INDEX \"note_title_key\" ON \"note\" (\"title\")".into(),
        source: covet::Error::new(ErrorKind::UniqueViolation, "duplicate key value"),
        partial,
    }
}

/// One of each variant (each branch of `Statement`, each kind of `Database`).
fn every_variant() -> Vec<MigrateError> {
    let mut all = vec![
        MigrateError::Files(FilesError::MissingFile {
            migration: "0001_create_tag".into(),
            file: "down.sql",
        }),
        statement("up", true),
        statement("down", true),
        statement("up", false),
        statement("down", false),
        MigrateError::ForeignKeyCheck {
            migration: "0003_add_post_author".into(),
            violations: vec!["post row 7 references author".into()],
        },
        MigrateError::Edited {
            migration: "0002_add_post_summary".into(),
        },
        MigrateError::Missing {
            migration: "0002_add_post_summary".into(),
        },
        MigrateError::OutOfOrder {
            pending: vec!["0002_add_tag".into()],
            latest_applied: "0003_add_note".into(),
        },
        MigrateError::Blocked {
            migration: "0002_add_tag".into(),
            state: "failed after 1 statement(s)".into(),
        },
        MigrateError::LockTimeout {
            waited: Duration::from_millis(1500),
        },
        MigrateError::WrongDialect {
            migration: "0001_create_tag".into(),
            script: Backend::Postgres,
            database: Backend::Sqlite,
        },
        MigrateError::no_transaction_directive(
            "0001_create_tag".into(),
            "up.sql",
            Backend::Postgres,
        ),
        MigrateError::controls_transaction("0001_create_tag".into(), "up.sql", "COMMIT\n-- done"),
        MigrateError::NothingToResolve { version: 3 },
    ];
    all.extend(KINDS.iter().map(|&kind| database(kind)));
    all
}

#[test]
fn every_message_ends_with_a_next_step() {
    for error in every_variant() {
        assert_next_step(&error.to_string());
    }
}

#[test]
fn a_database_error_keeps_the_server_message_and_advises_by_kind() {
    let advice = |kind| {
        let message = database(kind).to_string();
        assert!(message.contains("the server's words"), "{message}");
        assert!(message.contains("`covet_migrations`"), "{message}");
        message
    };
    let message = advice(ErrorKind::ConnectionRefused);
    assert!(message.contains("server is running"), "{message}");
    let message = advice(ErrorKind::AuthenticationFailed);
    assert!(message.contains("user name and password"), "{message}");
    let message = advice(ErrorKind::UnknownDatabase);
    assert!(message.contains("Create the database"), "{message}");
    let message = advice(ErrorKind::Configuration);
    assert!(message.contains("Fix the database URL"), "{message}");
    let message = advice(ErrorKind::Deadlock);
    assert!(message.contains("Run the command again"), "{message}");
    let message = advice(ErrorKind::CommitOutcomeUnknown);
    assert!(message.contains("cargo covet status"), "{message}");
    let message = advice(ErrorKind::Database);
    assert!(message.contains("may create, read and write"), "{message}");
}

#[test]
fn connection_advice_covers_only_the_connection_kinds() {
    let covered: Vec<ErrorKind> = KINDS
        .iter()
        .copied()
        .filter(|&kind| connection_advice(kind).is_some())
        .collect();
    assert_eq!(
        covered,
        [
            ErrorKind::PoolTimeout,
            ErrorKind::PoolClosed,
            ErrorKind::ConnectionLost,
            ErrorKind::AuthenticationFailed,
            ErrorKind::UnknownDatabase,
            ErrorKind::ConnectionRefused,
            ErrorKind::Configuration,
        ]
    );
}
