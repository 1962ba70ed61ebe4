//! The three SQL dialects covet speaks.

use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementWriter, SchemaStatementBuilder,
    SqliteQueryBuilder, Values,
};

use crate::error::{Error, Result};

/// A database backend, chosen by the URL's scheme.
///
/// # Examples
///
/// ```
/// use covet::Backend;
///
/// assert_eq!(Backend::from_url("postgres://localhost/app")?, Backend::Postgres);
/// assert_eq!(Backend::from_url("mysql://root@localhost/app")?, Backend::MySql);
/// assert_eq!(Backend::from_url("sqlite::memory:")?, Backend::Sqlite);
/// assert!(Backend::from_url("oracle://db").is_err());
/// # Ok::<(), covet::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// PostgreSQL (`postgres://`, `postgresql://`).
    Postgres,
    /// MySQL or MariaDB (`mysql://`, `mariadb://`).
    MySql,
    /// SQLite (`sqlite:`).
    Sqlite,
}

impl Backend {
    /// The backend a database URL names.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) for any other scheme.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::{Backend, ErrorKind};
    ///
    /// assert_eq!(Backend::from_url("postgresql://app@db.internal/app")?, Backend::Postgres);
    /// assert_eq!(Backend::from_url("mariadb://root@localhost/app")?, Backend::MySql);
    /// assert_eq!(Backend::from_url("sqlite://data/app.db?mode=rwc")?, Backend::Sqlite);
    ///
    /// let err = Backend::from_url("redis://localhost").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Configuration);
    /// # Ok::<(), covet::Error>(())
    /// ```
    pub fn from_url(url: &str) -> Result<Self> {
        let scheme = url.split(':').next().unwrap_or_default();
        Self::from_scheme(scheme).ok_or_else(|| {
            Error::configuration(format!(
                "unsupported database URL scheme `{scheme}:`; expected postgres://, mysql:// or sqlite:"
            ))
        })
    }

    /// The backend a URL scheme or dialect name names, ignoring case: `postgres` or
    /// `postgresql`, `mysql` or `mariadb`, `sqlite`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::Backend;
    ///
    /// assert_eq!(Backend::from_scheme("PostgreSQL"), Some(Backend::Postgres));
    /// assert_eq!(Backend::from_scheme("mariadb"), Some(Backend::MySql));
    /// assert_eq!(Backend::from_scheme("oracle"), None);
    /// ```
    pub fn from_scheme(scheme: &str) -> Option<Self> {
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Some(Self::Postgres),
            "mysql" | "mariadb" => Some(Self::MySql),
            "sqlite" => Some(Self::Sqlite),
            _ => None,
        }
    }

    /// The name OpenTelemetry uses for the system (`db.system.name`).
    ///
    /// A stable lowercase identifier, for logs and metrics; [`Display`](std::fmt::Display) gives
    /// the product name for people instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::Backend;
    ///
    /// assert_eq!(Backend::Postgres.name(), "postgresql");
    /// assert_eq!(Backend::MySql.name(), "mysql");
    /// assert_eq!(Backend::Postgres.to_string(), "PostgreSQL");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgres => "postgresql",
            Self::MySql => "mysql",
            Self::Sqlite => "sqlite",
        }
    }

    /// The most bind parameters one statement may carry: the wire protocol's 16-bit count on
    /// PostgreSQL and MySQL, `SQLITE_MAX_VARIABLE_NUMBER` (32 766 since SQLite 3.32) on SQLite.
    ///
    /// covet refuses a statement that needs more, before sending it, with
    /// [`ErrorKind::TooManyParameters`](crate::ErrorKind::TooManyParameters).
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
    /// struct Item {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// covet::dev::create_tables(&db, &[Item::TABLE]).await?;
    ///
    /// let limit = db.backend().max_bind_parameters();
    /// assert_eq!(limit, 32_766);
    /// let too_many = Item::query().filter(Item::id.is_in(0..=limit as i64));
    /// let err = too_many.all(&db).await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::TooManyParameters);
    /// # Ok(()) }
    /// ```
    pub fn max_bind_parameters(self) -> usize {
        match self {
            Self::Postgres | Self::MySql => 65_535,
            Self::Sqlite => 32_766,
        }
    }

    /// Renders a query as parameterized SQL and its values.
    pub(crate) fn build_query<S: QueryStatementWriter>(self, statement: &S) -> (String, Values) {
        match self {
            Self::Postgres => statement.build(PostgresQueryBuilder),
            Self::MySql => statement.build(MysqlQueryBuilder),
            Self::Sqlite => statement.build(SqliteQueryBuilder),
        }
    }

    /// Renders a schema statement (DDL has no bind parameters).
    pub(crate) fn build_schema<S: SchemaStatementBuilder>(self, statement: &S) -> String {
        match self {
            Self::Postgres => statement.build(PostgresQueryBuilder),
            Self::MySql => statement.build(MysqlQueryBuilder),
            Self::Sqlite => statement.build(SqliteQueryBuilder),
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Postgres => "PostgreSQL",
            Self::MySql => "MySQL",
            Self::Sqlite => "SQLite",
        })
    }
}
