//! Leak detection: every checked-out connection is registered with where it was acquired; a
//! watcher reports the ones held past the threshold, once each, and their return.

use std::backtrace::Backtrace;
use std::collections::HashMap;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use super::Shared;
use crate::observe::Event;

/// The checkouts being watched.
#[derive(Default)]
pub(crate) struct Leaks {
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Checkout>>,
}

struct Checkout {
    since: Instant,
    location: &'static Location<'static>,
    backtrace: Option<Backtrace>,
    reported: bool,
}

/// A registration, removed when the connection goes back to the pool.
pub(crate) struct Ticket(u64);

impl Leaks {
    pub(crate) fn register(&self, location: &'static Location<'static>, backtrace: bool) -> Ticket {
        let id = self.next_id.fetch_add(1, Relaxed);
        let checkout = Checkout {
            since: Instant::now(),
            location,
            backtrace: backtrace.then(Backtrace::force_capture),
            reported: false,
        };
        self.lock().insert(id, checkout);
        Ticket(id)
    }

    /// Forgets a returned connection; reports its return when it had been reported as a leak.
    pub(crate) fn release(&self, ticket: &Ticket, shared: &Shared) {
        let Some(checkout) = self.lock().remove(&ticket.0) else {
            return;
        };
        if checkout.reported {
            shared.counters.leaked_now.fetch_sub(1, Relaxed);
            let held = checkout.since.elapsed();
            tracing::warn!(
                target: "covet::pool",
                held_ms = u64::try_from(held.as_millis()).unwrap_or(u64::MAX),
                acquired_at = %checkout.location,
                "a connection reported as leaked went back to the pool"
            );
            shared.observers.emit(&Event::LeakReturned {
                held,
                location: checkout.location,
            });
        }
    }

    /// Reports, once each, the checkouts held longer than `threshold`.
    fn report_overdue(&self, threshold: Duration, shared: &Shared) {
        let mut open = self.lock();
        for checkout in open.values_mut() {
            let held = checkout.since.elapsed();
            if checkout.reported || held < threshold {
                continue;
            }
            checkout.reported = true;
            shared.counters.leaks_detected.fetch_add(1, Relaxed);
            shared.counters.leaked_now.fetch_add(1, Relaxed);
            tracing::warn!(
                target: "covet::pool",
                held_ms = u64::try_from(held.as_millis()).unwrap_or(u64::MAX),
                acquired_at = %checkout.location,
                "a connection has been held longer than the leak threshold ({threshold:?})"
            );
            shared.observers.emit(&Event::LeakSuspected {
                held,
                location: checkout.location,
                backtrace: checkout.backtrace.as_ref(),
            });
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Checkout>> {
        // The map stays consistent even if an observer panicked while it was held.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Starts the watcher: it checks four times per threshold and stops when the database is
/// dropped.
pub(crate) fn watch(shared: &Arc<Shared>, threshold: Duration) {
    let weak: Weak<Shared> = Arc::downgrade(shared);
    let period = (threshold / 4).max(Duration::from_millis(5));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(shared) = weak.upgrade() else { return };
            if shared.pool.is_closed() {
                return;
            }
            shared.leaks.report_overdue(threshold, &shared);
        }
    });
}
