//! The one place where driver errors become [`ErrorKind`]s.
//!
//! The kind comes from the server's code (SQLSTATE, MySQL error number, SQLite extended result
//! code), never from the message text. The message is read only to recover the constraint or
//! column name on the backends that do not send it as a separate field (MySQL, SQLite).

use super::{Error, ErrorKind, Inner};

/// A server's error code, tagged with the backend that produced it.
// Each variant is built only when its backend's feature is enabled.
#[cfg_attr(
    not(all(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code)
)]
#[derive(Debug, Clone, Copy)]
enum Code<'a> {
    SqlState(&'a str),
    MySql(u16),
    Sqlite(i64),
}

/// The classification table.
fn kind_of(code: Code<'_>) -> ErrorKind {
    use ErrorKind::*;
    match code {
        Code::SqlState(state) => match state {
            "23505" => UniqueViolation,
            "23503" => ForeignKeyViolation,
            "23502" => NotNullViolation,
            "23514" => CheckViolation,
            "40P01" => Deadlock,
            "40001" => SerializationFailure,
            "55P03" => LockTimeout,
            "57014" => StatementTimeout,
            // admin_shutdown (pg_terminate_backend), crash_shutdown, cannot_connect_now,
            // database_dropped, idle_session_timeout; the session is gone.
            "57P01" | "57P02" | "57P03" | "57P04" | "57P05" => ConnectionLost,
            // idle_in_transaction_session_timeout also ends the session.
            "25P03" => ConnectionLost,
            "28000" | "28P01" => AuthenticationFailed,
            "3D000" => UnknownDatabase,
            s if s.starts_with("08") => ConnectionLost,
            _ => Database,
        },
        Code::MySql(number) => match number {
            1062 | 1169 | 1586 => UniqueViolation,
            1216 | 1217 | 1451 | 1452 => ForeignKeyViolation,
            1048 | 1263 | 1364 => NotNullViolation,
            3819 | 4025 => CheckViolation,
            1213 => Deadlock,
            // ER_CHECKREAD: MariaDB with `innodb_snapshot_isolation` refuses to write a row
            // another transaction changed since this one's snapshot.
            1020 => SerializationFailure,
            // ER_LOCK_WAIT_TIMEOUT, ER_LOCK_NOWAIT (MySQL 8)
            1205 | 3572 => LockTimeout,
            // ER_QUERY_INTERRUPTED, ER_STATEMENT_TIMEOUT (MariaDB), ER_QUERY_TIMEOUT (MySQL)
            1317 | 1969 | 3024 => StatementTimeout,
            // ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED (MariaDB), CR_SERVER_GONE_ERROR,
            // CR_SERVER_LOST, ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
            1053 | 1927 | 2006 | 2013 | 4031 => ConnectionLost,
            // ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR
            1044 | 1045 | 1698 => AuthenticationFailed,
            1049 => UnknownDatabase,
            _ => Database,
        },
        Code::Sqlite(code) => match code {
            // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_ROWID
            2067 | 1555 | 2579 => UniqueViolation,
            // SQLITE_CONSTRAINT_FOREIGNKEY
            787 => ForeignKeyViolation,
            // SQLITE_CONSTRAINT_NOTNULL
            1299 => NotNullViolation,
            // SQLITE_CONSTRAINT_CHECK
            275 => CheckViolation,
            // SQLITE_BUSY_SNAPSHOT: a read transaction cannot be upgraded because another
            // connection wrote since it began; only a fresh transaction can succeed.
            517 => SerializationFailure,
            // Every other SQLITE_BUSY (5) and SQLITE_LOCKED (6) code: "database is locked"
            // after the busy timeout, "database table is locked", recovery and the like.
            c if c & 0xff == 5 || c & 0xff == 6 => LockTimeout,
            // SQLITE_CANTOPEN and its extended codes: no database file at that path.
            c if c & 0xff == 14 => UnknownDatabase,
            _ => Database,
        },
    }
}

/// Turns a sqlx error into a classified covet error.
pub(super) fn classify(error: sqlx::Error) -> Error {
    let kind = match &error {
        sqlx::Error::Database(db) => {
            let mut classified = classify_database(db.as_ref());
            classified.inner.source = Some(Box::new(error));
            return classified;
        }
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => ErrorKind::ConnectionRefused,
            _ => ErrorKind::ConnectionLost,
        },
        sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => {
            ErrorKind::ConnectionLost
        }
        sqlx::Error::RowNotFound => ErrorKind::NotFound,
        sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::TypeNotFound { .. } => ErrorKind::Decode,
        sqlx::Error::Encode(_) => ErrorKind::Encode,
        sqlx::Error::PoolTimedOut => ErrorKind::PoolTimeout,
        sqlx::Error::PoolClosed => ErrorKind::PoolClosed,
        sqlx::Error::Configuration(_) | sqlx::Error::InvalidArgument(_) => ErrorKind::Configuration,
        _ => ErrorKind::Other,
    };
    Error::new(kind, error.to_string()).with_source(error)
}

/// Classifies an error from opening a connection. An I/O error there means the server was never
/// reached (refused, unknown host, unreachable network): nothing was lost.
pub(super) fn classify_connect(error: sqlx::Error) -> Error {
    match &error {
        sqlx::Error::Io(_) => {
            Error::new(ErrorKind::ConnectionRefused, error.to_string()).with_source(error)
        }
        _ => classify(error),
    }
}

fn classify_database(db: &dyn sqlx::error::DatabaseError) -> Error {
    let message = db.message().to_owned();
    let mut details = Details::default();
    let code = server_code(db, &message, &mut details);
    let mut kind = code.map_or(ErrorKind::Database, kind_of);
    // SQLite enforces `ON DELETE/UPDATE RESTRICT` with a built-in trigger, so that violation
    // arrives as SQLITE_CONSTRAINT_TRIGGER (1811), not _FOREIGNKEY (787). The code alone would
    // also match a user trigger's RAISE(ABORT, ...); SQLite's fixed message tells them apart.
    if matches!(code, Some(Code::Sqlite(1811))) && message == "FOREIGN KEY constraint failed" {
        kind = ErrorKind::ForeignKeyViolation;
    }
    let code_text = code.map(|code| match code {
        Code::SqlState(state) => state.to_owned(),
        Code::MySql(number) => number.to_string(),
        Code::Sqlite(code) => code.to_string(),
    });
    Error {
        inner: Box::new(Inner {
            kind,
            message,
            code: code_text,
            constraint: details.constraint,
            table: details.table,
            column: details.column,
            source: None,
        }),
    }
}

#[derive(Default)]
struct Details {
    constraint: Option<String>,
    table: Option<String>,
    column: Option<String>,
}

#[allow(unused_variables)]
fn server_code<'a>(
    db: &'a dyn sqlx::error::DatabaseError,
    message: &str,
    details: &mut Details,
) -> Option<Code<'a>> {
    #[cfg(feature = "postgres")]
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        details.constraint = pg.constraint().map(str::to_owned);
        details.table = pg.table().map(str::to_owned);
        details.column = pg.column().map(str::to_owned);
        return Some(Code::SqlState(pg.code()));
    }
    #[cfg(feature = "mysql")]
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        let number = my.number();
        mysql_details(number, message, details);
        return Some(Code::MySql(number));
    }
    #[cfg(feature = "sqlite")]
    if let Some(lite) = db.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
        use sqlx::error::DatabaseError as _;
        let code = lite.code()?.parse::<i64>().ok()?;
        sqlite_details(message, details);
        return Some(Code::Sqlite(code));
    }
    None
}

/// MySQL and MariaDB name the key or constraint only inside the message.
#[cfg(feature = "mysql")]
fn mysql_details(number: u16, message: &str, details: &mut Details) {
    match number {
        // "Duplicate entry 'x' for key 'users_email_key'"; MySQL 8 prefixes the table:
        // "... for key 'users.users_email_key'".
        1062 | 1586 => {
            if let Some(key) = quoted_after(message, "for key ", '\'') {
                match key.rsplit_once('.') {
                    Some((table, key)) => {
                        details.table = Some(table.to_owned());
                        details.constraint = Some(key.to_owned());
                    }
                    None => details.constraint = Some(key.to_owned()),
                }
            }
        }
        // "... a foreign key constraint fails (`db`.`posts`, CONSTRAINT `fk` FOREIGN KEY ...":
        // the table is the referencing one, as PostgreSQL reports it, also when the statement
        // was a delete from the referenced table.
        1216 | 1217 | 1451 | 1452 => {
            details.constraint = quoted_after(message, "CONSTRAINT ", '`').map(str::to_owned);
            details.table = message
                .split_once("fails (")
                .and_then(|(_, rest)| rest.split_once(", CONSTRAINT"))
                .and_then(|(table, _)| last_quoted(table, '`'))
                .map(str::to_owned);
        }
        // "Column 'name' cannot be null", "Field 'name' doesn't have a default value"
        1048 | 1364 => {
            details.column = quoted_after(message, "", '\'').map(str::to_owned);
        }
        // "CONSTRAINT `posts_title_check` failed for `db`.`posts`" (MariaDB),
        // "Check constraint 'posts_title_check' is violated." (MySQL)
        3819 | 4025 => {
            details.constraint = quoted_after(message, "CONSTRAINT ", '`')
                .or_else(|| quoted_after(message, "constraint ", '\''))
                .map(str::to_owned);
            details.table = message
                .split_once(" failed for ")
                .and_then(|(_, table)| last_quoted(table, '`'))
                .map(str::to_owned);
        }
        _ => {}
    }
}

/// SQLite names `table.column` after the colon: "UNIQUE constraint failed: users.email".
#[cfg(feature = "sqlite")]
fn sqlite_details(message: &str, details: &mut Details) {
    let Some((head, rest)) = message.split_once("constraint failed: ") else {
        return;
    };
    if head.starts_with("CHECK") {
        details.constraint = Some(rest.trim().to_owned());
        return;
    }
    // A composite unique key lists every column: "users.a, users.b"; keep the first.
    let first = rest.split(',').next().unwrap_or(rest).trim();
    if let Some((table, column)) = first.split_once('.') {
        details.table = Some(table.to_owned());
        details.column = Some(column.to_owned());
    }
}

/// The last `quote`d name in `text`: `posts` in "`db`.`posts`".
#[cfg(feature = "mysql")]
fn last_quoted(text: &str, quote: char) -> Option<&str> {
    let close = text.rfind(quote)?;
    let open = text[..close].rfind(quote)? + quote.len_utf8();
    Some(&text[open..close])
}

/// The text between the first pair of `quote` characters after `marker`.
#[cfg(feature = "mysql")]
fn quoted_after<'m>(message: &'m str, marker: &str, quote: char) -> Option<&'m str> {
    let start = message.find(marker)? + marker.len();
    let rest = &message[start..];
    let open = rest.find(quote)? + quote.len_utf8();
    let close = rest[open..].find(quote)?;
    Some(&rest[open..open + close])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_failure_has_the_same_kind_on_every_backend() {
        use Code::{MySql, SqlState, Sqlite};
        let table = [
            (
                ErrorKind::UniqueViolation,
                &[
                    SqlState("23505"),
                    MySql(1062),
                    MySql(1586),
                    Sqlite(2067),
                    Sqlite(1555),
                ][..],
            ),
            (
                ErrorKind::ForeignKeyViolation,
                &[SqlState("23503"), MySql(1451), MySql(1452), Sqlite(787)],
            ),
            (
                ErrorKind::NotNullViolation,
                &[SqlState("23502"), MySql(1048), MySql(1364), Sqlite(1299)],
            ),
            (
                ErrorKind::CheckViolation,
                &[SqlState("23514"), MySql(3819), MySql(4025), Sqlite(275)],
            ),
            (ErrorKind::Deadlock, &[SqlState("40P01"), MySql(1213)]),
            (
                ErrorKind::SerializationFailure,
                &[SqlState("40001"), MySql(1020), Sqlite(517)],
            ),
            (
                ErrorKind::LockTimeout,
                // SQLITE_BUSY, _TIMEOUT, _RECOVERY; SQLITE_LOCKED, _SHAREDCACHE
                &[
                    SqlState("55P03"),
                    MySql(1205),
                    MySql(3572),
                    Sqlite(5),
                    Sqlite(773),
                    Sqlite(261),
                    Sqlite(6),
                    Sqlite(262),
                ],
            ),
            (
                ErrorKind::StatementTimeout,
                &[SqlState("57014"), MySql(1969), MySql(3024)],
            ),
            (
                ErrorKind::ConnectionLost,
                &[
                    SqlState("57P01"),
                    SqlState("08006"),
                    MySql(1927),
                    MySql(2013),
                ],
            ),
            (
                ErrorKind::AuthenticationFailed,
                &[
                    SqlState("28000"),
                    SqlState("28P01"),
                    MySql(1045),
                    MySql(1698),
                ],
            ),
            (
                ErrorKind::UnknownDatabase,
                &[SqlState("3D000"), MySql(1049), Sqlite(14)],
            ),
        ];
        for (kind, codes) in table {
            for code in codes {
                assert_eq!(kind_of(*code), kind, "{code:?}");
            }
        }
    }

    #[test]
    fn other_server_codes_are_database_errors() {
        // A syntax error on each backend, a generic SQLite error, and a bare SQLITE_CONSTRAINT.
        for code in [
            Code::SqlState("42601"),
            Code::MySql(1064),
            Code::Sqlite(1),
            Code::Sqlite(19),
        ] {
            assert_eq!(kind_of(code), ErrorKind::Database, "{code:?}");
        }
    }

    #[test]
    fn driver_errors_without_a_server_code_are_classified_by_what_failed() {
        use std::io;
        let cases = [
            (
                sqlx::Error::Io(io::ErrorKind::ConnectionRefused.into()),
                ErrorKind::ConnectionRefused,
            ),
            (
                sqlx::Error::Io(io::ErrorKind::UnexpectedEof.into()),
                ErrorKind::ConnectionLost,
            ),
            (
                sqlx::Error::Protocol("bad packet".into()),
                ErrorKind::ConnectionLost,
            ),
            (sqlx::Error::RowNotFound, ErrorKind::NotFound),
            (
                sqlx::Error::ColumnDecode {
                    index: "0".into(),
                    source: "not an integer".into(),
                },
                ErrorKind::Decode,
            ),
            (sqlx::Error::Encode("too big".into()), ErrorKind::Encode),
            (sqlx::Error::PoolTimedOut, ErrorKind::PoolTimeout),
            (sqlx::Error::PoolClosed, ErrorKind::PoolClosed),
            (
                sqlx::Error::Configuration("bad url".into()),
                ErrorKind::Configuration,
            ),
        ];
        for (error, kind) in cases {
            let message = error.to_string();
            let classified = classify(error);
            assert_eq!(classified.kind(), kind, "{message}");
            assert_eq!(classified.message(), message);
            assert!(std::error::Error::source(&classified).is_some());
        }
    }

    #[test]
    fn an_io_error_while_connecting_means_the_server_was_not_reached() {
        use std::io;
        for kind in [
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::NotFound,
            io::ErrorKind::HostUnreachable,
            io::ErrorKind::UnexpectedEof,
        ] {
            let classified = classify_connect(sqlx::Error::Io(kind.into()));
            assert_eq!(classified.kind(), ErrorKind::ConnectionRefused, "{kind:?}");
        }
        // Server errors while connecting keep their own kind.
        let classified = classify_connect(sqlx::Error::Configuration("bad url".into()));
        assert_eq!(classified.kind(), ErrorKind::Configuration);
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_key_name_is_read_from_both_message_forms() {
        for (message, table) in [
            (
                "Duplicate entry 'a' for key 'users.users_email_key'",
                Some("users"),
            ),
            ("Duplicate entry 'a' for key 'users_email_key'", None),
        ] {
            let mut details = Details::default();
            mysql_details(1062, message, &mut details);
            assert_eq!(details.constraint.as_deref(), Some("users_email_key"));
            assert_eq!(details.table.as_deref(), table);
        }
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_foreign_key_errors_name_the_referencing_table() {
        for (number, message) in [
            (
                1451,
                "Cannot delete or update a parent row: a foreign key constraint fails \
                 (`app`.`invoice`, CONSTRAINT `invoice_account_id_fkey` FOREIGN KEY \
                 (`account_id`) REFERENCES `account` (`id`))",
            ),
            (
                1452,
                "Cannot add or update a child row: a foreign key constraint fails \
                 (`app`.`invoice`, CONSTRAINT `invoice_account_id_fkey` FOREIGN KEY \
                 (`account_id`) REFERENCES `account` (`id`))",
            ),
        ] {
            let mut details = Details::default();
            mysql_details(number, message, &mut details);
            assert_eq!(
                details.constraint.as_deref(),
                Some("invoice_account_id_fkey")
            );
            assert_eq!(details.table.as_deref(), Some("invoice"));
        }
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_check_and_not_null_errors_name_their_constraint_or_column() {
        let mut details = Details::default();
        mysql_details(
            4025,
            "CONSTRAINT `account_plan_check` failed for `app`.`account`",
            &mut details,
        );
        assert_eq!(details.constraint.as_deref(), Some("account_plan_check"));
        assert_eq!(details.table.as_deref(), Some("account"));

        let mut details = Details::default();
        mysql_details(
            3819,
            "Check constraint 'account_plan_check' is violated.",
            &mut details,
        );
        assert_eq!(details.constraint.as_deref(), Some("account_plan_check"));

        let mut details = Details::default();
        mysql_details(1048, "Column 'name' cannot be null", &mut details);
        assert_eq!(details.column.as_deref(), Some("name"));
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_column_is_read_from_the_message() {
        let mut details = Details::default();
        sqlite_details("NOT NULL constraint failed: users.name", &mut details);
        assert_eq!(details.table.as_deref(), Some("users"));
        assert_eq!(details.column.as_deref(), Some("name"));

        let mut details = Details::default();
        sqlite_details("CHECK constraint failed: account_plan_check", &mut details);
        assert_eq!(details.constraint.as_deref(), Some("account_plan_check"));
    }
}
