//! One error type for every backend.
//!
//! Every failure covet reports is an [`Error`] with an [`ErrorKind`]. Driver errors from
//! PostgreSQL, MySQL/MariaDB and SQLite are classified exactly once, in one table of SQLSTATEs,
//! MySQL error numbers and SQLite result codes (see `classify.rs`), so the same mistake gives the
//! same kind on every backend.

mod classify;

use std::fmt;

/// A `Result` whose error defaults to [`covet::Error`](Error).
///
/// # Examples
///
/// ```
/// use covet::{Error, ErrorKind};
///
/// fn parse_limit(text: &str) -> covet::Result<u64> {
///     text.parse().map_err(|e| Error::new(ErrorKind::Other, "not a limit").with_source(e))
/// }
///
/// assert_eq!(parse_limit("20").ok(), Some(20));
/// assert_eq!(parse_limit("lots").unwrap_err().kind(), ErrorKind::Other);
/// // The second parameter picks another error type.
/// let _: covet::Result<(), std::fmt::Error> = Ok(());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A boxed error from user code or a driver, kept as the [`source`](std::error::Error::source).
///
/// [`SqlValue`](crate::SqlValue)'s conversions return it, so any error type converts into it
/// with `?` or `.into()`.
///
/// # Examples
///
/// ```
/// use covet::BoxError;
///
/// fn port(text: &str) -> Result<u16, BoxError> {
///     let port: u16 = text.parse()?; // a `ParseIntError`, boxed by `?`
///     if port == 0 {
///         return Err(format!("port `{text}` is reserved").into()); // a `String`, boxed
///     }
///     Ok(port)
/// }
///
/// assert_eq!(port("5432")?, 5432);
/// assert_eq!(port("0").unwrap_err().to_string(), "port `0` is reserved");
/// assert!(port("postgres").is_err());
/// # Ok::<(), BoxError>(())
/// ```
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong, classified the same way on every backend.
///
/// # Examples
///
/// ```
/// use covet::ErrorKind;
///
/// assert!(ErrorKind::Deadlock.is_transient());
/// assert!(!ErrorKind::UniqueViolation.is_transient());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A row that had to exist does not (`get` by key, `one`, `update` of a deleted row).
    NotFound,
    /// `one()` found more than one row.
    MultipleRows,
    /// A `UNIQUE` or primary key constraint rejected the write.
    UniqueViolation,
    /// A `FOREIGN KEY` constraint rejected the write.
    ForeignKeyViolation,
    /// A `NOT NULL` column was given no value.
    NotNullViolation,
    /// A `CHECK` constraint rejected the write.
    CheckViolation,
    /// The server chose this transaction as a deadlock victim. Transient.
    Deadlock,
    /// A serializable or repeatable-read transaction could not be serialized. Transient.
    SerializationFailure,
    /// A lock could not be taken in time (PostgreSQL `lock_timeout`, MySQL
    /// `innodb_lock_wait_timeout`, SQLite "database is locked" after its busy timeout). Transient.
    LockTimeout,
    /// The server cancelled the statement because it ran past its time limit.
    StatementTimeout,
    /// A transaction ran past its [timeout](crate::TransactionOptions::timeout) and was rolled
    /// back.
    TransactionTimeout,
    /// A statement inside the transaction failed earlier (even if the code caught the error
    /// and went on), or was cancelled (its future dropped, by a timeout say) before its result
    /// was read, so covet rolled the transaction back instead of committing it. The error
    /// names the first failure; a failure inside a savepoint that was rolled back does not count.
    TransactionAborted,
    /// The connection was lost while `COMMIT` was in flight: the transaction may or may not
    /// have been committed. Never retried, and neither its commit nor its rollback callbacks
    /// run; check the data before trying again.
    CommitOutcomeUnknown,
    /// No pooled connection became free within the acquire timeout.
    PoolTimeout,
    /// The pool was closed.
    PoolClosed,
    /// The connection broke (network error, server restart, killed session).
    ConnectionLost,
    /// The server refused the login (wrong user or password).
    AuthenticationFailed,
    /// The database named in the URL does not exist.
    UnknownDatabase,
    /// Nothing listens at the address in the URL, or it cannot be reached (unknown host,
    /// unreachable network).
    ConnectionRefused,
    /// A value read from the database could not be turned into the Rust type.
    Decode,
    /// A Rust value could not be turned into a database value.
    Encode,
    /// A statement needs more bind parameters than the dialect allows.
    TooManyParameters,
    /// The database URL or an option is invalid, or a backend feature is not compiled in.
    Configuration,
    /// Any other error reported by the database server.
    Database,
    /// Any other error.
    Other,
}

impl ErrorKind {
    /// Whether retrying the whole transaction may succeed: deadlocks, serialization failures and
    /// lock timeouts (SQLite's "database is locked" included).
    ///
    /// Retry the whole unit of work, not the one statement: the server may have rolled back
    /// what came before it. [`Error::is_transient`] asks the same of an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::ErrorKind;
    ///
    /// for kind in [ErrorKind::Deadlock, ErrorKind::SerializationFailure, ErrorKind::LockTimeout] {
    ///     assert!(kind.is_transient());
    /// }
    /// assert!(!ErrorKind::StatementTimeout.is_transient());
    /// assert!(!ErrorKind::UniqueViolation.is_transient());
    /// ```
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Self::Deadlock | Self::SerializationFailure | Self::LockTimeout
        )
    }

    /// Whether the error is a constraint violation (unique, foreign key, not null or check).
    ///
    /// Such an error comes from the data, not from timing: unlike a
    /// [transient](Self::is_transient) one, it recurs on a retry of the same write until the
    /// conflicting data changes.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::ErrorKind;
    ///
    /// assert!(ErrorKind::UniqueViolation.is_constraint_violation());
    /// assert!(ErrorKind::CheckViolation.is_constraint_violation());
    /// assert!(!ErrorKind::Decode.is_constraint_violation());
    /// assert!(!ErrorKind::NotFound.is_constraint_violation());
    /// ```
    pub fn is_constraint_violation(self) -> bool {
        matches!(
            self,
            Self::UniqueViolation
                | Self::ForeignKeyViolation
                | Self::NotNullViolation
                | Self::CheckViolation
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Self::NotFound => "no row found",
            Self::MultipleRows => "more than one row found",
            Self::UniqueViolation => "unique constraint violated",
            Self::ForeignKeyViolation => "foreign key constraint violated",
            Self::NotNullViolation => "not-null constraint violated",
            Self::CheckViolation => "check constraint violated",
            Self::Deadlock => "deadlock detected",
            Self::SerializationFailure => "could not serialize access",
            Self::LockTimeout => "lock wait timed out",
            Self::StatementTimeout => "statement timed out",
            Self::TransactionTimeout => "transaction timed out",
            Self::TransactionAborted => "transaction aborted by an earlier error",
            Self::CommitOutcomeUnknown => "commit outcome unknown",
            Self::PoolTimeout => "timed out waiting for a pooled connection",
            Self::PoolClosed => "the pool is closed",
            Self::ConnectionLost => "connection lost",
            Self::AuthenticationFailed => "authentication failed",
            Self::UnknownDatabase => "unknown database",
            Self::ConnectionRefused => "connection refused",
            Self::Decode => "could not decode a value",
            Self::Encode => "could not encode a value",
            Self::TooManyParameters => "too many bind parameters",
            Self::Configuration => "invalid configuration",
            Self::Database => "database error",
            Self::Other => "error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// covet's error: an [`ErrorKind`], a message, and where the server gives them, the constraint,
/// table and column involved and the server's own code.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// use covet::prelude::*;
///
/// #[covet::model]
/// #[derive(Debug)]
/// struct Account {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(unique)]
///     email: String,
/// }
///
/// let db = Database::connect("sqlite::memory:").await?;
/// covet::dev::create_tables(&db, &[Account::TABLE]).await?;
/// Account { id: 0, email: "a@example.com".into() }.insert(&db).await?;
/// let err = Account { id: 0, email: "a@example.com".into() }.insert(&db).await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UniqueViolation);
/// assert!(!err.is_transient());
/// // SQLite names the column; PostgreSQL and MySQL name the index (`err.constraint()`).
/// assert_eq!(err.column(), Some("email"));
/// # Ok(()) }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    code: Option<String>,
    constraint: Option<String>,
    table: Option<String>,
    column: Option<String>,
    source: Option<BoxError>,
}

impl Error {
    /// Creates an error of `kind` with a message.
    ///
    /// For errors of your own in code that returns [`covet::Result`](Result). The server's
    /// code, constraint, table and column stay empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::error::Error as _;
    /// use covet::{Error, ErrorKind};
    ///
    /// let cause = std::io::Error::other("disk full");
    /// let err = Error::new(ErrorKind::Other, "could not save the report").with_source(cause);
    ///
    /// assert_eq!(err.kind(), ErrorKind::Other);
    /// assert_eq!(err.message(), "could not save the report");
    /// assert_eq!(err.to_string(), "error: could not save the report");
    /// assert_eq!(err.source().map(|s| s.to_string()).as_deref(), Some("disk full"));
    /// assert_eq!(err.code(), None);
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                code: None,
                constraint: None,
                table: None,
                column: None,
                source: None,
            }),
        }
    }

    /// Attaches the underlying cause.
    ///
    /// It is then the error's [`source`](std::error::Error::source). See the example on
    /// [`new`](Self::new).
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// The classified kind.
    ///
    /// See the examples on [`Error`] and [`new`](Self::new).
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The human-readable message (without the kind).
    ///
    /// For an error from the server, the server's own message. See the example on
    /// [`new`](Self::new).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The server's own code: a SQLSTATE on PostgreSQL, the error number on MySQL/MariaDB, the
    /// extended result code on SQLite.
    ///
    /// This example also reads [`constraint`](Self::constraint), [`table`](Self::table) and
    /// [`column`](Self::column).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Account {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     #[covet(unique)]
    ///     email: String,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// covet::dev::create_tables(&db, &[Account::TABLE]).await?;
    /// Account { id: 0, email: "a@example.com".into() }.insert(&db).await?;
    /// let err = Account { id: 0, email: "a@example.com".into() }.insert(&db).await.unwrap_err();
    ///
    /// assert_eq!(err.code(), Some("2067")); // SQLITE_CONSTRAINT_UNIQUE
    /// assert_eq!(err.table(), Some("account"));
    /// assert_eq!(err.column(), Some("email"));
    /// // SQLite names the column, not the index; PostgreSQL and MySQL name `account_email_key`.
    /// assert_eq!(err.constraint(), None);
    /// # Ok(()) }
    /// ```
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The constraint or index the server named, where it names one.
    ///
    /// See the example on [`code`](Self::code).
    pub fn constraint(&self) -> Option<&str> {
        self.inner.constraint.as_deref()
    }

    /// The table the server named or, where it names none, the table of the model whose
    /// statement failed.
    ///
    /// `None` for statements of [`unchecked_sql`](crate::unchecked_sql) and errors covet made
    /// without a table. See the example on [`code`](Self::code).
    pub fn table(&self) -> Option<&str> {
        self.inner.table.as_deref()
    }

    /// The column the server named, where it names one.
    ///
    /// See the example on [`code`](Self::code).
    pub fn column(&self) -> Option<&str> {
        self.inner.column.as_deref()
    }

    /// Whether retrying the transaction may succeed; see [`ErrorKind::is_transient`].
    ///
    /// See the example on [`is_not_found`](Self::is_not_found).
    pub fn is_transient(&self) -> bool {
        self.inner.kind.is_transient()
    }

    /// Whether no row was found.
    ///
    /// This example also asks the other predicates:
    /// [`is_unique_violation`](Self::is_unique_violation),
    /// [`is_foreign_key_violation`](Self::is_foreign_key_violation) and
    /// [`is_transient`](Self::is_transient).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> covet::Result<()> {
    /// use covet::prelude::*;
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Team {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// #[covet::model]
    /// #[derive(Debug)]
    /// struct Player {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     #[covet(references = Team)]
    ///     team_id: i64,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// covet::dev::create_tables(&db, &[Team::TABLE, Player::TABLE]).await?;
    ///
    /// let missing = Team::get(&db, 42).await.unwrap_err();
    /// assert!(missing.is_not_found());
    ///
    /// let orphan = Player { id: 0, team_id: 42 }.insert(&db).await.unwrap_err();
    /// assert!(orphan.is_foreign_key_violation());
    /// assert!(!orphan.is_unique_violation() && !orphan.is_not_found() && !orphan.is_transient());
    /// # Ok(()) }
    /// ```
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }

    /// Whether a unique or primary key constraint was violated.
    ///
    /// See the examples on [`Error`] and [`is_not_found`](Self::is_not_found).
    pub fn is_unique_violation(&self) -> bool {
        self.inner.kind == ErrorKind::UniqueViolation
    }

    /// Whether a foreign key constraint was violated.
    ///
    /// See the example on [`is_not_found`](Self::is_not_found).
    pub fn is_foreign_key_violation(&self) -> bool {
        self.inner.kind == ErrorKind::ForeignKeyViolation
    }

    /// Names `table` unless the server named one already.
    pub(crate) fn in_table(mut self, table: &'static str) -> Self {
        if self.inner.table.is_none() && !table.is_empty() {
            self.inner.table = Some(table.to_owned());
        }
        self
    }

    /// An error of kind [`ErrorKind::Other`]: for failures of your own inside code that
    /// returns [`covet::Result`](Result), such as a transaction closure that decides to roll
    /// back.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::{Error, ErrorKind};
    ///
    /// let err = Error::other("insufficient funds");
    /// assert_eq!(err.kind(), ErrorKind::Other);
    /// assert_eq!(err.to_string(), "error: insufficient funds");
    /// ```
    pub fn other(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Other, message)
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(ErrorKind::NotFound, format!("no {what} matched"))
    }

    pub(crate) fn decode(source: impl Into<BoxError>) -> Self {
        let source = source.into();
        Self::new(ErrorKind::Decode, source.to_string()).with_source(source)
    }

    pub(crate) fn encode(source: impl Into<BoxError>) -> Self {
        let source = source.into();
        Self::new(ErrorKind::Encode, source.to_string()).with_source(source)
    }

    pub(crate) fn configuration(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Configuration, message)
    }

    /// Classifies an error from opening a connection, where an I/O failure means the server was
    /// not reached rather than that a connection was lost.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    pub(crate) fn connecting(error: sqlx::Error) -> Self {
        classify::classify_connect(error)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("message", &self.inner.message);
        for (name, value) in [
            ("code", &self.inner.code),
            ("constraint", &self.inner.constraint),
            ("table", &self.inner.table),
            ("column", &self.inner.column),
        ] {
            if let Some(value) = value {
                d.field(name, value);
            }
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.inner.kind, self.inner.message)?;
        if let Some(constraint) = &self.inner.constraint {
            write!(f, " (constraint `{constraint}`)")?;
        } else if let Some(column) = &self.inner.column {
            write!(f, " (column `{column}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        classify::classify(error)
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorKind::{self, *};

    const ALL: [ErrorKind; 25] = [
        NotFound,
        MultipleRows,
        UniqueViolation,
        ForeignKeyViolation,
        NotNullViolation,
        CheckViolation,
        Deadlock,
        SerializationFailure,
        LockTimeout,
        StatementTimeout,
        TransactionTimeout,
        TransactionAborted,
        CommitOutcomeUnknown,
        PoolTimeout,
        PoolClosed,
        ConnectionLost,
        AuthenticationFailed,
        UnknownDatabase,
        ConnectionRefused,
        Decode,
        Encode,
        TooManyParameters,
        Configuration,
        Database,
        Other,
    ];

    /// Does not compile when a kind is added: add it to `ALL` too.
    #[allow(dead_code)]
    fn all_is_complete(kind: ErrorKind) {
        match kind {
            NotFound | MultipleRows | UniqueViolation | ForeignKeyViolation | NotNullViolation
            | CheckViolation | Deadlock | SerializationFailure | LockTimeout | StatementTimeout
            | TransactionTimeout | TransactionAborted | CommitOutcomeUnknown | PoolTimeout
            | PoolClosed | ConnectionLost | AuthenticationFailed | UnknownDatabase
            | ConnectionRefused | Decode | Encode | TooManyParameters | Configuration
            | Database | Other => {}
        }
    }

    #[test]
    fn only_deadlocks_serialization_failures_and_lock_timeouts_are_transient() {
        let transient: Vec<ErrorKind> = ALL.into_iter().filter(|k| k.is_transient()).collect();
        assert_eq!(transient, [Deadlock, SerializationFailure, LockTimeout]);
        for kind in ALL {
            let error = super::Error::new(kind, "x");
            assert_eq!(error.is_transient(), kind.is_transient(), "{kind:?}");
        }
    }

    #[test]
    fn only_the_four_constraint_kinds_are_constraint_violations() {
        let constraints: Vec<ErrorKind> = ALL
            .into_iter()
            .filter(|k| k.is_constraint_violation())
            .collect();
        assert_eq!(
            constraints,
            [
                UniqueViolation,
                ForeignKeyViolation,
                NotNullViolation,
                CheckViolation
            ]
        );
    }
}
