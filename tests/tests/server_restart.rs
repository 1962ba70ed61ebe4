//! The server restarts while the pool is idle: the next queries work, on fresh connections.
//!
//! Restarting a server breaks every other test using it at that moment, so this runs only when
//! it is handed the commands that restart the servers (`COVET_TEST_RESTART_POSTGRES`,
//! `COVET_TEST_RESTART_MYSQL`: `.ci/run` sets them), and lives in a test binary of its own:
//! cargo runs test binaries one after the other, so no other suite is using the servers then.
//! Without the commands it says that it was skipped. SQLite has no server to restart.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use covet::{Backend, Database, PoolOptions};
use covet_tests::suite::errors::Scalar;
use covet_tests::suite::transactions::wait_until_every_connection_is_back;

/// The query each connection answers: a number the server computes.
fn one(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT CAST(1 AS BIGINT) AS value",
        _ => "SELECT CAST(1 AS SIGNED) AS value",
    }
}

async fn answers_one(session: &mut covet::Session, backend: Backend) -> covet::Result<i64> {
    let rows: Vec<Scalar> = covet::unchecked_sql(one(backend))
        .fetch_all(&mut *session)
        .await?;
    Ok(rows[0].value)
}

/// Waits until the restarted server accepts connections again.
async fn wait_for_server(url: &str) {
    let started = Instant::now();
    loop {
        if let Ok(db) = Database::connect(url).await {
            db.close().await;
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not come back within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn restart_while_idle(backend: Backend, url_var: &str, command_var: &str) {
    let (Ok(url), Ok(command)) = (std::env::var(url_var), std::env::var(command_var)) else {
        eprintln!(
            "{backend:?} server restart: SKIPPED (set {url_var} and {command_var}, as .ci/run does)"
        );
        return;
    };
    let db = PoolOptions::new()
        .min_connections(2)
        .max_connections(4)
        .connect(&url)
        .await
        .unwrap();
    // Two connections, each used, then idle in the pool.
    let (mut first, mut second) = (db.session().await.unwrap(), db.session().await.unwrap());
    assert_eq!(answers_one(&mut first, backend).await.unwrap(), 1);
    assert_eq!(answers_one(&mut second, backend).await.unwrap(), 1);
    drop((first, second));
    wait_until_every_connection_is_back(&db).await;
    // The driver puts a returned connection back in its idle queue from a task of its own.
    let started = Instant::now();
    while db.pool_stats().idle < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "both connections are idle: {:?}",
            db.pool_stats()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(&command)
            .status()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(status.success(), "{command_var} failed: {status}");
    wait_for_server(&url).await;

    // Both idle connections died with the old server process. Each is found dead before it is
    // handed out (the pool tests a connection before reuse) and replaced: no query fails.
    let (mut first, mut second) = (db.session().await.unwrap(), db.session().await.unwrap());
    assert_eq!(answers_one(&mut first, backend).await.unwrap(), 1);
    assert_eq!(answers_one(&mut second, backend).await.unwrap(), 1);
    drop((first, second));
    wait_until_every_connection_is_back(&db).await;
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_while_the_pool_is_idle() {
    restart_while_idle(
        Backend::Postgres,
        "COVET_TEST_POSTGRES",
        "COVET_TEST_RESTART_POSTGRES",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_restarted_while_the_pool_is_idle() {
    restart_while_idle(
        Backend::MySql,
        "COVET_TEST_MYSQL",
        "COVET_TEST_RESTART_MYSQL",
    )
    .await;
}
