//! The change epoch: a counter that moves whenever a committed transaction may have
//! changed who someone is or what they may do (sessions, memberships, keys, orgs).
//!
//! Readers that cache what they read from the database (the server's identity cache)
//! remember the epoch they read it under and trust the copy only while the epoch is
//! unchanged. On PostgreSQL every committing transaction also sends a `NOTIFY`, and
//! every process listens, so a change made by one `roster serve` moves the epoch of
//! all of them; while the listening connection is down, [`ChangeEpoch::current`]
//! answers `None` and readers must go to the database.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;

/// The `NOTIFY` channel that carries change announcements between processes.
pub(crate) const CHANNEL: &str = "roster_changes";

/// The epoch and whether it can be trusted.
#[derive(Debug)]
pub struct ChangeEpoch {
    value: AtomicU64,
    trusted: AtomicBool,
    moved: watch::Sender<u64>,
}

impl ChangeEpoch {
    pub(crate) fn new(trusted: bool) -> Arc<Self> {
        Arc::new(Self {
            value: AtomicU64::new(0),
            trusted: AtomicBool::new(trusted),
            moved: watch::Sender::new(0),
        })
    }

    /// The current epoch, or `None` while changes by other processes could go unseen.
    pub fn current(&self) -> Option<u64> {
        self.trusted
            .load(Ordering::Acquire)
            .then(|| self.value.load(Ordering::Acquire))
    }

    /// Moves the epoch: everything cached before is stale.
    pub fn advance(&self) {
        let next = self.value.fetch_add(1, Ordering::AcqRel) + 1;
        self.moved.send_replace(next);
    }

    /// Wakes the receiver whenever the epoch moves (for long-lived streams that must
    /// notice revocations, such as the event stream of the pages).
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.moved.subscribe()
    }

    fn set_trusted(&self, trusted: bool) {
        self.advance();
        self.trusted.store(trusted, Ordering::Release);
    }
}

/// Listens for other processes' changes on PostgreSQL for as long as the process runs,
/// reconnecting after failures.
pub(crate) fn listen(url: String, epoch: Arc<ChangeEpoch>) {
    tokio::spawn(async move {
        loop {
            match subscribe(&url).await {
                Ok(mut listener) => {
                    epoch.set_trusted(true);
                    tracing::debug!("listening for changes of other processes");
                    // `Ok(None)` means the connection dropped: notifications may be lost.
                    while let Ok(Some(_)) = listener.try_recv().await {
                        epoch.advance();
                    }
                    epoch.set_trusted(false);
                    tracing::warn!("lost the change notification connection; reconnecting");
                }
                Err(err) => {
                    epoch.set_trusted(false);
                    tracing::warn!(error = %err, "cannot listen for changes; retrying");
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
}

async fn subscribe(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.ignore_pool_close_event(true);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
