//! The pool under stress and faults: statistics, timeouts, leak detection, killed connections,
//! a server that drops every connection, and more tasks than connections.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use covet::PoolOptions;
use covet::observe::{Event, Observer};
use covet::prelude::*;
use sqlx::{AssertSqlSafe, Connection};

use super::errors::Scalar;
use super::transactions::{
    Entry, assert_no_pooled_connection_in_a_transaction, wait_until_every_connection_is_back,
};
use crate::TestDb;

/// Records the events a test cares about.
#[derive(Default)]
struct Recorder {
    leaks: AtomicU32,
    returned: AtomicU32,
    long: AtomicU32,
    leak_sites: Mutex<Vec<String>>,
}

impl Observer for Recorder {
    fn on_event(&self, event: &Event<'_>) {
        match event {
            Event::LeakSuspected { location, .. } => {
                self.leaks.fetch_add(1, Ordering::SeqCst);
                self.leak_sites
                    .lock()
                    .unwrap()
                    .push(location.file().to_owned());
            }
            Event::LeakReturned { .. } => {
                self.returned.fetch_add(1, Ordering::SeqCst);
            }
            Event::LongTransaction { .. } => {
                self.long.fetch_add(1, Ordering::SeqCst);
            }
            _ => {}
        }
    }
}

pub async fn pool_statistics_follow_acquires_and_returns(t: &TestDb) {
    let db = PoolOptions::new()
        .max_connections(3)
        .min_connections(2)
        .connect(&t.url)
        .await
        .unwrap();
    // Warm-up: the minimum is open by the time connect returns.
    assert!(db.pool_stats().size >= 2, "{:?}", db.pool_stats());
    let first = db.session().await.unwrap();
    let second = db.session().await.unwrap();
    let busy = db.pool_stats();
    assert_eq!((busy.max_size, busy.in_use, busy.waiting), (3, 2, 0));
    drop((first, second));
    wait_until_every_connection_is_back(&db).await;
    let stats = db.pool_stats();
    assert_eq!(stats.in_use, 0);
    assert!(stats.acquires >= 2);
    assert_eq!(stats.timeouts, 0);
    assert!(db.ping().await.unwrap() < Duration::from_secs(5));
    db.close().await;
}

pub async fn an_acquire_past_the_timeout_says_how_busy_the_pool_is(t: &TestDb) {
    let db = PoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(200))
        .connect(&t.url)
        .await
        .unwrap();
    let held = db.session().await.unwrap();
    let error = db.ping().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PoolTimeout);
    let message = error.message();
    assert!(message.contains("1 of at most 1"), "{message}");
    assert!(message.contains("1 in use"), "{message}");
    drop(held);
    assert_eq!(db.pool_stats().timeouts, 1);
    db.ping().await.unwrap();
    db.close().await;
}

pub async fn more_tasks_than_connections_all_finish_and_every_connection_comes_back(t: &TestDb) {
    t.create(&[Entry::TABLE]).await;
    let db = PoolOptions::new()
        .max_connections(3)
        .acquire_timeout(Duration::from_secs(20))
        .connect(&t.url)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for batch in 0..24_i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.transaction(|tx| {
                Box::pin(async move {
                    Entry {
                        id: 0,
                        batch,
                        note: "hammer".into(),
                    }
                    .insert(&mut *tx)
                    .await?;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    Ok::<_, covet::Error>(())
                })
            })
            .await
        }));
    }
    let started = Instant::now();
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => {}
            // SQLite's single writer may time out a waiting BEGIN: a typed, transient error.
            Err(error) => assert!(error.is_transient(), "{error}"),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "nothing deadlocked"
    );
    let stats = db.pool_stats();
    assert!(stats.size <= 3, "{stats:?}");
    assert!(stats.acquires >= 24);
    assert_eq!(stats.waiting, 0);
    assert_no_pooled_connection_in_a_transaction(&db, t.backend).await;

    // With a short acquire timeout, the waits are bounded and fail with a typed error.
    let hurried = PoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(50))
        .connect(&t.url)
        .await
        .unwrap();
    let held = hurried.session().await.unwrap();
    let mut waiting = Vec::new();
    for _ in 0..5 {
        let db = hurried.clone();
        waiting.push(tokio::spawn(async move { db.ping().await }));
    }
    for task in waiting {
        let error = task.await.unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::PoolTimeout);
    }
    drop(held);
    wait_until_every_connection_is_back(&hurried).await;
    assert_eq!(hurried.pool_stats().timeouts, 5);
    hurried.close().await;
    db.close().await;
}

pub async fn a_connection_held_past_the_threshold_is_reported_once_with_its_call_site(t: &TestDb) {
    let recorder = Arc::new(Recorder::default());
    let db = PoolOptions::new()
        .leak_threshold(Duration::from_millis(40))
        .observer(recorder.clone())
        .connect(&t.url)
        .await
        .unwrap();
    let session = db.session().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(recorder.leaks.load(Ordering::SeqCst), 1, "reported once");
    assert_eq!(db.pool_stats().leaks_detected, 1);
    assert_eq!(db.pool_stats().leaked_now, 1);
    assert_eq!(
        *recorder.leak_sites.lock().unwrap(),
        [file!().to_owned()],
        "the leak names the line that opened the session"
    );
    drop(session);
    wait_until_every_connection_is_back(&db).await;
    assert_eq!(recorder.returned.load(Ordering::SeqCst), 1);
    assert_eq!(db.pool_stats().leaked_now, 0);
    db.close().await;
}

pub async fn a_long_transaction_is_reported(t: &TestDb) {
    let recorder = Arc::new(Recorder::default());
    let db = PoolOptions::new()
        .long_transaction_threshold(Duration::from_millis(30))
        .observer(recorder.clone())
        .connect(&t.url)
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    tokio::time::sleep(Duration::from_millis(60)).await;
    db.ping().await.unwrap();
    covet::unchecked_sql("SELECT 1")
        .execute(&mut tx)
        .await
        .unwrap();
    covet::unchecked_sql("SELECT 1")
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(recorder.long.load(Ordering::SeqCst), 1);
    assert_eq!(db.transaction_stats().long_running, 1);
    db.close().await;
}

/// Runs fixed test SQL on a connection of its own (for killing other sessions).
async fn run_admin(t: &TestDb, sql: String) {
    let sql = AssertSqlSafe(sql);
    match t.backend {
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&t.url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            conn.close().await.ok();
        }
        Backend::MySql => {
            let mut conn = sqlx::MySqlConnection::connect(&t.url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            conn.close().await.ok();
        }
        _ => unreachable!("SQLite has no connections to kill"),
    }
}

pub async fn a_connection_killed_mid_transaction_loses_the_transaction_and_is_replaced(t: &TestDb) {
    let whoami = match t.backend {
        Backend::Postgres => "SELECT pg_backend_pid()::bigint AS value",
        Backend::MySql => "SELECT CAST(CONNECTION_ID() AS SIGNED) AS value",
        // SQLite runs inside the process: no server can kill its connection.
        _ => return,
    };
    t.create(&[Entry::TABLE]).await;
    let db = PoolOptions::new()
        .max_connections(2)
        .connect(&t.url)
        .await
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    Entry {
        id: 0,
        batch: 1,
        note: "lost".into(),
    }
    .insert(&mut tx)
    .await
    .unwrap();
    let me: Vec<Scalar> = covet::unchecked_sql(whoami)
        .fetch_all(&mut tx)
        .await
        .unwrap();
    let id = me[0].value;
    run_admin(
        t,
        match t.backend {
            Backend::Postgres => format!("SELECT pg_terminate_backend({id})"),
            _ => format!("KILL {id}"),
        },
    )
    .await;
    // The server ends the session asynchronously; the next statement meets the dead socket.
    let mut error = None;
    for _ in 0..100 {
        match covet::unchecked_sql("SELECT 1").execute(&mut tx).await {
            Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let error = error.expect("the killed connection kept answering");
    assert_eq!(error.kind(), ErrorKind::ConnectionLost, "{error}");
    assert!(tx.commit().await.is_err());

    wait_until_every_connection_is_back(&db).await;
    assert_eq!(
        Entry::query().count(&db).await.unwrap(),
        0,
        "nothing committed"
    );
    db.ping().await.unwrap();
    assert_no_pooled_connection_in_a_transaction(&db, t.backend).await;
    db.close().await;
}

pub async fn every_connection_dropped_by_the_server_while_idle_is_replaced(t: &TestDb) {
    // What a restart looks like to an idle pool: every connection is closed by the server.
    // (The shared test server itself is not restarted: other tests run on it at the same time.)
    let kill_all = match t.backend {
        Backend::Postgres => {
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()"
        }
        Backend::MySql => "",
        _ => return,
    };
    let db = PoolOptions::new()
        .max_connections(3)
        .min_connections(3)
        .connect(&t.url)
        .await
        .unwrap();
    match t.backend {
        Backend::Postgres => run_admin(t, kill_all.to_owned()).await,
        _ => {
            let ids: Vec<Scalar> = covet::unchecked_sql(
                "SELECT CAST(ID AS SIGNED) AS value FROM information_schema.PROCESSLIST \
                 WHERE DB = DATABASE() AND ID <> CONNECTION_ID()",
            )
            .fetch_all(&db)
            .await
            .unwrap();
            for id in ids {
                run_admin(t, format!("KILL {}", id.value)).await;
            }
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..5 {
        db.ping().await.unwrap();
    }
    assert_no_pooled_connection_in_a_transaction(&db, t.backend).await;
    db.close().await;
}

pub async fn a_refused_port_is_reported_as_such_at_connect(t: &TestDb) {
    let url = match t.backend {
        Backend::Postgres => "postgres://postgres@127.0.0.1:1/test",
        Backend::MySql => "mysql://root@127.0.0.1:1/test",
        _ => return,
    };
    let error = PoolOptions::new()
        .acquire_timeout(Duration::from_millis(300))
        .connect(url)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused, "{error}");
}

pub async fn a_database_gone_after_connect_is_reported_at_acquire_not_as_a_timeout(t: &TestDb) {
    if t.backend != Backend::Postgres {
        // Provoked by renaming the database under the pool, which only PostgreSQL can do.
        return;
    }
    let db = PoolOptions::new()
        .acquire_timeout(Duration::from_secs(2))
        .connect(&t.url)
        .await
        .unwrap();
    let name = t.url.rsplit('/').next().unwrap().to_owned();
    let server = std::env::var(crate::harness::url_var(Backend::Postgres)).unwrap();
    let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
    let terminate =
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
    sqlx::raw_sql(AssertSqlSafe(terminate))
        .execute(&mut admin)
        .await
        .unwrap();
    let rename = format!("ALTER DATABASE {name} RENAME TO {name}_moved");
    sqlx::raw_sql(AssertSqlSafe(rename))
        .execute(&mut admin)
        .await
        .unwrap();

    let error = db.ping().await.unwrap_err();

    let back = format!("ALTER DATABASE {name}_moved RENAME TO {name}");
    sqlx::raw_sql(AssertSqlSafe(back))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.ok();
    assert_eq!(error.kind(), ErrorKind::UnknownDatabase, "{error}");
    assert!(db.pool_stats().connect_errors >= 1);
    db.ping().await.unwrap();
    db.close().await;
}
