//! The pool after a run that changed the schema: its idle connections are closed, because
//! they may hold statements prepared against the old schema.
//!
//! sqlx keeps every statement a connection ran prepared, by its text, for the connection's
//! life. After another connection's DDL, a prepared statement whose result changed shape breaks
//! on the connection that kept it:
//!
//! - PostgreSQL refuses it with `cached plan must not change result type` (`0A000`), every
//!   time, until the connection closes: a `SELECT *` over a table that gained a column, or a
//!   query of a column whose type changed.
//! - SQLite re-prepares it on its own, but sqlx reads the row with the column list of the first
//!   preparation: a `SELECT *` over a table that gained a column crashes the connection's
//!   worker thread, and the query reports no rows.
//! - MySQL/MariaDB re-prepare it and describe the new columns: nothing breaks there.
//!
//! An application migrates at start-up with its pool open, and may have used it already (a
//! health check, a read of its configuration). Closing the idle connections makes the pool
//! open fresh ones, which prepare every statement against the new schema. Connections other
//! tasks hold during the run are not reached, nor are other processes' pools.

use std::time::Duration;

use covet::Database;

/// How long to wait for the idle connections, which are normally there at once: another task
/// may take one in between, and the pool may then be full.
const WAIT: Duration = Duration::from_secs(1);

/// Closes the idle connections of `db`. Call it while the runner still holds its own
/// connection, which keeps an in-memory SQLite database alive.
pub(super) async fn close_idle_connections(db: &Database) {
    let idle = db.pool_idle();
    // Every idle connection is held at once, so that each acquire takes another one, and all
    // close when `taken` drops (or the wait runs out and the future drops it).
    let _ = tokio::time::timeout(WAIT, async {
        let mut taken = Vec::with_capacity(idle);
        for _ in 0..idle {
            let Ok(mut session) = db.session().await else {
                break;
            };
            session.set_close_on_drop(true);
            taken.push(session);
        }
    })
    .await;
}
