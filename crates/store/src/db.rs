//! Connecting, migrating, and handing out connections and transactions.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::changes::{self, ChangeEpoch, CHANNEL};
use crate::StoreError;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The name used in logs.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database behind Roster: a connection pool plus, on SQLite, the write lock.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    write_lock: Option<Arc<Mutex<()>>>,
    changes: Arc<ChangeEpoch>,
}

/// A write transaction. Dropping it without committing rolls back.
pub struct Tx {
    tx: Transaction<'static, Any>,
    backend: Backend,
    changes: Arc<ChangeEpoch>,
    _write_lock: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    /// The connection to run statements on.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Makes every change of the transaction durable at once, and announces it: the
    /// change epoch moves here and, on PostgreSQL, in every other process.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(CHANNEL)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        self.changes.advance();
        Ok(())
    }

    /// Commits without announcing: only for bookkeeping that changes nobody's
    /// identity or rights (such as last-use times).
    pub async fn commit_unannounced(self) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(StoreError::from)
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). Does not migrate.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // busy_timeout first: switching to WAL needs a lock that a
                        // writer on another connection may hold for a moment.
                        conn.execute(
                            "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                             PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let write_lock = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        // An embedded SQLite database belongs to this process alone: every change
        // passes through `Tx::commit` here. PostgreSQL may be shared with others.
        let changes = ChangeEpoch::new(backend == Backend::Sqlite);
        if backend == Backend::Postgres {
            changes::listen(url.to_owned(), Arc::clone(&changes));
        }
        Ok(Self {
            pool,
            backend,
            write_lock,
            changes,
        })
    }

    /// Applies the embedded migrations that have not run yet; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let before = applied_count(&mut conn).await;
        MIGRATOR.run(&self.pool).await?;
        let after = applied_count(&mut conn).await;
        Ok(after.saturating_sub(before))
    }

    /// The change epoch (see [`ChangeEpoch`]).
    pub fn changes(&self) -> &ChangeEpoch {
        &self.changes
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection for reads.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Starts a write transaction (serialized with other writers on SQLite).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let guard = match &self.write_lock {
            Some(lock) => Some(Arc::clone(lock).lock_owned().await),
            None => None,
        };
        // On SQLite the write lock is taken at BEGIN, where the busy timeout applies,
        // rather than when the first write upgrades a read: a connection whose
        // rolled-back transaction is still being undone then delays the next writer
        // instead of failing it with "database is locked".
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            tx,
            backend: self.backend,
            changes: Arc::clone(&self.changes),
            _write_lock: guard,
        })
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        match self.pool.acquire().await {
            Ok(mut conn) => conn.execute("SELECT 1").await.is_ok(),
            Err(_) => false,
        }
    }

    /// Closes every connection; later calls fail. Used at shutdown (and by tests
    /// that need a database which has gone away).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn applied_count(conn: &mut AnyConnection) -> usize {
    let count: Result<i64, _> = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(conn)
        .await;
    count.map_or(0, |n| usize::try_from(n).unwrap_or(0))
}
