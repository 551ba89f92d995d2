//! `GET /events`: the server-sent event stream every page of a signed-in user listens
//! to. It sends `session_revoked` when the session stops working (with the reason
//! `removed` and the org's name when an admin removed the user) and
//! `membership_changed` when the user's role or status changes.
//!
//! The stream does not rely on who made the change or where: it re-resolves its own
//! credential whenever the store's change epoch moves (in this process, or in another
//! one sharing the PostgreSQL database) and every 30 seconds (for expiry).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use roster_domain::{Email, OrgId, Timestamp, UserId};
use roster_store::members;
use serde_json::json;

use crate::http::{authenticate, ApiError, SignedIn};
use crate::AppState;

/// Streams open at once for one user (all their sessions and keys), at most.
pub const STREAMS_PER_USER: usize = 8;

/// Counts open streams per credential.
#[derive(Default)]
pub struct OpenStreams(Mutex<HashMap<String, usize>>);

/// Holds one place in [`OpenStreams`] until the stream is dropped.
struct StreamSlot {
    streams: Arc<OpenStreams>,
    key: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.streams.0.lock() {
            if let Some(n) = open.get_mut(&self.key) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    open.remove(&self.key);
                }
            }
        }
    }
}

impl OpenStreams {
    fn take(self: &Arc<Self>, key: String) -> Result<StreamSlot, ApiError> {
        let mut open = self
            .0
            .lock()
            .map_err(|_| ApiError::internal(anyhow::anyhow!("stream count lock poisoned")))?;
        let n = open.entry(key.clone()).or_default();
        if *n >= STREAMS_PER_USER {
            return Err(ApiError::rate_limited(5)
                .with_detail("Too many open Roster pages for this account. Close some tabs."));
        }
        *n += 1;
        Ok(StreamSlot {
            streams: Arc::clone(self),
            key,
        })
    }
}

/// What the stream last told the page about the membership. Only the org's id,
/// the role and the status count as a change; the org's name is kept for the
/// removal message.
#[derive(Clone)]
struct Seen {
    org: Option<(OrgId, String)>,
    role: Option<&'static str>,
    status: Option<&'static str>,
}

impl PartialEq for Seen {
    fn eq(&self, other: &Self) -> bool {
        self.org.as_ref().map(|(id, _)| id) == other.org.as_ref().map(|(id, _)| id)
            && self.role == other.role
            && self.status == other.status
    }
}

impl Seen {
    fn of(signed_in: &SignedIn) -> Self {
        let m = signed_in.membership.as_ref();
        Self {
            org: m.map(|m| (m.org.id, m.org.name.as_str().to_owned())),
            role: m.map(|m| m.role.as_str()),
            status: m.map(|m| m.status.as_str()),
        }
    }
}

struct Watch {
    state: AppState,
    headers: HeaderMap,
    user: UserId,
    email: Email,
    started: Timestamp,
    seen: Seen,
    changes: tokio::sync::watch::Receiver<u64>,
    done: bool,
    _slot: StreamSlot,
}

/// The event stream of the signed-in user's pages.
#[utoipa::path(get, path = "/api/v1/events", tag = "accounts",
    responses((status = 200, description = "text/event-stream: session_revoked, membership_changed"), (status = 401)))]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let signed_in = authenticate(&state, &headers)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let slot = state.open_streams().take(signed_in.user.id.to_string())?;

    let watch = Watch {
        changes: state.store().changes().subscribe(),
        started: state.clock().now(),
        user: signed_in.user.id,
        email: signed_in.user.email.clone(),
        seen: Seen::of(&signed_in),
        state,
        headers,
        done: false,
        _slot: slot,
    };
    let stream = stream::unfold(watch, |mut watch| async move {
        let event = next_event(&mut watch).await?;
        Some((Ok(event), watch))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Waits for the next thing worth telling the page; `None` ends the stream.
async fn next_event(watch: &mut Watch) -> Option<Event> {
    loop {
        if watch.done {
            return None;
        }
        tokio::select! {
            moved = watch.changes.changed() => {
                moved.ok()?;
                // Let a burst of changes settle, so that it costs one look-up per
                // stream rather than one per change.
                tokio::time::sleep(Duration::from_millis(25)).await;
                watch.changes.borrow_and_update();
            }
            () = tokio::time::sleep(Duration::from_secs(30)) => {}
        }

        let Ok(now) = authenticate(&watch.state, &watch.headers).await else {
            continue;
        };
        let Some(now) = now else {
            watch.done = true;
            return Some(revoked_event(watch).await);
        };
        let seen = Seen::of(&now);
        if seen != watch.seen {
            watch.seen = seen;
            let data = json!({"role": watch.seen.role, "status": watch.seen.status});
            return Some(
                Event::default()
                    .event("membership_changed")
                    .data(data.to_string()),
            );
        }
    }
}

/// `session_revoked`, saying `removed` (with the org's name) when the user was removed
/// from their org since the stream opened.
async fn revoked_event(watch: &Watch) -> Event {
    let mut data = json!({"reason": "session_revoked"});
    if let Some((org, name)) = &watch.seen.org {
        let removed = match watch.state.store().conn().await {
            Ok(mut conn) => members::last_removal(&mut conn, *org, watch.user, &watch.email)
                .await
                .ok()
                .flatten()
                .is_some_and(|at| at >= watch.started),
            Err(_) => false,
        };
        if removed {
            data = json!({"reason": "removed", "org": name});
        }
    }
    Event::default()
        .event("session_revoked")
        .data(data.to_string())
}
