//! Leak detection: every checked-out connection is registered with where it was acquired; a
//! watcher reports the ones held past the threshold, once each, and their return. The same
//! watcher reports the transactions open past the long-transaction threshold, so that one left
//! waiting (on a slow call, a lock, a forgotten handle) is reported while it is still open.

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
    /// The transaction open on the connection, if any.
    transaction: Option<OpenTransaction>,
}

/// A transaction as the watcher sees it.
struct OpenTransaction {
    since: Instant,
    location: &'static Location<'static>,
    /// Reported as long already (by the watcher or by the connection itself): once only.
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
            transaction: None,
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

    /// Watches the transaction that began at `since` on the checkout of `ticket`.
    pub(crate) fn transaction_began(
        &self,
        ticket: &Ticket,
        since: Instant,
        location: &'static Location<'static>,
    ) {
        if let Some(checkout) = self.lock().get_mut(&ticket.0) {
            checkout.transaction = Some(OpenTransaction {
                since,
                location,
                reported: false,
            });
        }
    }

    /// Stops watching the transaction on the checkout of `ticket`.
    pub(crate) fn transaction_ended(&self, ticket: &Ticket) {
        if let Some(checkout) = self.lock().get_mut(&ticket.0) {
            checkout.transaction = None;
        }
    }

    /// Claims the one report of the transaction on the checkout of `ticket`: false when the
    /// watcher has made it already.
    pub(crate) fn claim_transaction_report(&self, ticket: &Ticket) -> bool {
        match self.lock().get_mut(&ticket.0) {
            Some(Checkout {
                transaction: Some(transaction),
                ..
            }) => !std::mem::replace(&mut transaction.reported, true),
            _ => true,
        }
    }

    /// Reports, once each, the checkouts held longer than the leak threshold and the
    /// transactions open longer than the long-transaction threshold.
    fn report_overdue(&self, shared: &Shared) {
        let settings = &shared.settings;
        let mut open = self.lock();
        for checkout in open.values_mut() {
            if let (Some(threshold), Some(transaction)) = (
                settings.long_transaction_threshold,
                checkout.transaction.as_mut(),
            ) {
                let open_for = transaction.since.elapsed();
                if !transaction.reported && open_for >= threshold {
                    transaction.reported = true;
                    report_long_transaction(shared, threshold, open_for, transaction.location);
                }
            }
            let Some(threshold) = settings.leak_threshold else {
                continue;
            };
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

/// Reports a transaction open for `open_for`, past `threshold`, that began at `location`.
pub(crate) fn report_long_transaction(
    shared: &Shared,
    threshold: Duration,
    open_for: Duration,
    location: &'static Location<'static>,
) {
    shared.counters.long_running.fetch_add(1, Relaxed);
    tracing::warn!(
        target: "covet::transaction",
        open_ms = u64::try_from(open_for.as_millis()).unwrap_or(u64::MAX),
        began_at = %location,
        "a transaction has been open longer than the threshold ({threshold:?})"
    );
    shared
        .observers
        .emit(&Event::LongTransaction { open_for, location });
}

/// Starts the watcher when a leak or long-transaction threshold is set: it checks four times
/// per (shorter) threshold and stops when the database is dropped.
pub(crate) fn watch(shared: &Arc<Shared>) {
    let settings = &shared.settings;
    let Some(threshold) = [settings.leak_threshold, settings.long_transaction_threshold]
        .into_iter()
        .flatten()
        .min()
    else {
        return;
    };
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
            shared.leaks.report_overdue(&shared);
        }
    });
}
