//! The one place where driver errors become [`ErrorKind`]s.
//!
//! The kind comes from the server's code (SQLSTATE, MySQL error number, SQLite extended result
//! code), never from the message text. The message is read only to recover the constraint or
//! column name on the backends that do not send it as a separate field (MySQL, SQLite).

use super::{Error, ErrorKind, Inner};

/// A server's error code, tagged with the backend that produced it.
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
            "57P01" | "57P02" | "57P03" => ConnectionLost,
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
            1205 | 3572 => LockTimeout,
            1317 | 1969 | 3024 => StatementTimeout,
            1053 | 1927 | 2006 | 2013 => ConnectionLost,
            1044 | 1045 => AuthenticationFailed,
            1049 => UnknownDatabase,
            _ => Database,
        },
        Code::Sqlite(code) => match code {
            // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
            2067 | 1555 => UniqueViolation,
            // SQLITE_CONSTRAINT_FOREIGNKEY
            787 => ForeignKeyViolation,
            // SQLITE_CONSTRAINT_NOTNULL
            1299 => NotNullViolation,
            // SQLITE_CONSTRAINT_CHECK
            275 => CheckViolation,
            // SQLITE_BUSY_SNAPSHOT: a read transaction cannot be upgraded because another
            // connection wrote since it began; only a fresh transaction can succeed.
            517 => SerializationFailure,
            // SQLITE_BUSY, SQLITE_BUSY_RECOVERY, SQLITE_BUSY_TIMEOUT, SQLITE_LOCKED*
            5 | 261 | 773 | 6 | 262 | 518 => LockTimeout,
            // SQLITE_CANTOPEN
            14 => UnknownDatabase,
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

fn classify_database(db: &dyn sqlx::error::DatabaseError) -> Error {
    let message = db.message().to_owned();
    let mut details = Details::default();
    let code = server_code(db, &message, &mut details);
    let kind = code.map_or(ErrorKind::Database, kind_of);
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
        // "Duplicate entry 'x' for key 'users.email'" (MySQL 8 prefixes the table).
        1062 | 1586 => {
            if let Some(key) = quoted_after(message, "for key ", '\'') {
                let key = key.rsplit('.').next().unwrap_or(key);
                details.constraint = Some(key.to_owned());
            }
        }
        // "... a foreign key constraint fails (`db`.`posts`, CONSTRAINT `fk` FOREIGN KEY ..."
        1216 | 1217 | 1451 | 1452 => {
            details.constraint = quoted_after(message, "CONSTRAINT ", '`').map(str::to_owned);
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
    fn the_same_violation_has_the_same_kind_on_every_backend() {
        let unique = [
            Code::SqlState("23505"),
            Code::MySql(1062),
            Code::Sqlite(2067),
        ];
        for code in unique {
            assert_eq!(kind_of(code), ErrorKind::UniqueViolation, "{code:?}");
        }
        let deadlock = [Code::SqlState("40P01"), Code::MySql(1213)];
        for code in deadlock {
            assert_eq!(kind_of(code), ErrorKind::Deadlock, "{code:?}");
        }
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_key_name_is_read_from_both_message_forms() {
        for message in [
            "Duplicate entry 'a' for key 'users.users_email_key'",
            "Duplicate entry 'a' for key 'users_email_key'",
        ] {
            let mut details = Details::default();
            mysql_details(1062, message, &mut details);
            assert_eq!(details.constraint.as_deref(), Some("users_email_key"));
        }
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_column_is_read_from_the_message() {
        let mut details = Details::default();
        sqlite_details("NOT NULL constraint failed: users.name", &mut details);
        assert_eq!(details.table.as_deref(), Some("users"));
        assert_eq!(details.column.as_deref(), Some("name"));
    }
}
