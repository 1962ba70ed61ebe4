//! Fresh databases per test, and the macro that instantiates the suite per backend.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};

use covet::schema::TableDef;
use covet::{Backend, Database};
use futures_util::FutureExt;
use sqlx::{AssertSqlSafe, Connection};

/// The database a suite test runs against: a fresh, empty database on one backend.
pub struct TestDb {
    pub db: Database,
    pub backend: Backend,
    /// The URL of this test's database.
    pub url: String,
}

impl TestDb {
    /// Creates the tables of `tables` (referenced tables first).
    pub async fn create(&self, tables: &[&TableDef]) {
        covet::dev::create_tables(&self.db, tables).await.unwrap();
    }
}

/// The environment variable holding the server URL of a backend.
pub fn url_var(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "COVET_TEST_POSTGRES",
        Backend::MySql => "COVET_TEST_MYSQL",
        _ => "",
    }
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A database name no other test or run uses.
fn fresh_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "covet_test_{}_{}_{:08x}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// `scheme://user@host:port/db?params` with `db` replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

/// Runs administrative SQL (CREATE/DROP DATABASE) on the server the URL names. Test harness
/// only: the names are generated above, never user input.
async fn admin(backend: Backend, url: &str, sql: String) {
    match backend {
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.ok();
        }
        Backend::MySql => {
            let mut conn = sqlx::MySqlConnection::connect(url).await.unwrap();
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.ok();
        }
        _ => unreachable!("SQLite databases are files"),
    }
}

type TestFn = for<'a> fn(&'a TestDb) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs one suite test on a fresh database of `backend`, and drops the database afterwards
/// whether the test passed or panicked.
pub async fn run(backend: Backend, test: TestFn) {
    match backend {
        Backend::Sqlite => {
            let folder = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", folder.path().join("test.db").display());
            let db = Database::connect(&url).await.unwrap();
            let test_db = TestDb { db, backend, url };
            let outcome = AssertUnwindSafe(test(&test_db)).catch_unwind().await;
            test_db.db.close().await;
            if let Err(panic) = outcome {
                std::panic::resume_unwind(panic);
            }
        }
        _ => {
            let server = std::env::var(url_var(backend)).unwrap();
            let name = fresh_name();
            admin(backend, &server, format!("CREATE DATABASE {name}")).await;
            let url = with_database(&server, &name);
            let db = Database::connect(&url).await.unwrap();
            let test_db = TestDb { db, backend, url };
            let outcome = AssertUnwindSafe(test(&test_db)).catch_unwind().await;
            test_db.db.close().await;
            let drop = match backend {
                Backend::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                _ => format!("DROP DATABASE IF EXISTS {name}"),
            };
            admin(backend, &server, drop).await;
            if let Err(panic) = outcome {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

/// Instantiates one suite module for a backend: `suite_module!(Sqlite, crud { a, b, c });`.
#[macro_export]
macro_rules! suite_module {
    ($backend:ident, $module:ident { $($test:ident),* $(,)? }) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    $crate::harness::run(covet::Backend::$backend, |db| {
                        Box::pin($crate::suite::$module::$test(db))
                    })
                    .await;
                }
            )*
        }
    };
}
