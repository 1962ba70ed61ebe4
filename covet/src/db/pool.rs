//! The per-backend sqlx pool behind a [`Database`](super::Database).

/// One sqlx pool per backend, rather than `sqlx::Any`, whose type support is narrow: each
/// statement dispatches on this enum once.
pub(crate) enum Pool {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
}

/// Runs the same expression on whichever sqlx pool is inside.
macro_rules! each_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres($p) => $body,
            #[cfg(feature = "mysql")]
            Pool::MySql($p) => $body,
            #[cfg(feature = "sqlite")]
            Pool::Sqlite($p) => $body,
        }
    };
}

impl Pool {
    pub(crate) async fn close(&self) {
        each_pool!(self, pool => pool.close().await)
    }

    pub(crate) fn is_closed(&self) -> bool {
        each_pool!(self, pool => pool.is_closed())
    }

    pub(crate) fn size(&self) -> u32 {
        each_pool!(self, pool => pool.size())
    }

    pub(crate) fn num_idle(&self) -> usize {
        each_pool!(self, pool => pool.num_idle())
    }
}
