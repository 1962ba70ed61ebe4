//! Live pool and transaction statistics, kept in atomics so that recording costs a few
//! uncontended increments and reading never blocks a query.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// A snapshot of the pool, from [`Database::pool_stats`](crate::Database::pool_stats).
///
/// Counters (`acquires`, `timeouts`, ...) count since the pool was opened.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// let db = covet::PoolOptions::new().max_connections(3).connect("sqlite::memory:").await?;
/// db.ping().await?;
/// let stats = db.pool_stats();
/// assert_eq!(stats.max_size, 3);
/// assert_eq!(stats.in_use, 0);
/// assert!(stats.acquires >= 1);
/// assert!(stats.acquire_wait.p99 >= stats.acquire_wait.p50);
/// # Ok(()) }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// The most connections the pool opens.
    pub max_size: u32,
    /// Open connections, idle or in use.
    pub size: u32,
    /// Open connections nobody holds.
    pub idle: u32,
    /// Connections held by a statement, session or transaction (or being rolled back after one
    /// was dropped mid-transaction).
    pub in_use: u32,
    /// Tasks waiting for a connection right now: for one to be returned, or for a new one
    /// to open.
    pub waiting: u32,
    /// Connections handed out.
    pub acquires: u64,
    /// Acquires that gave up after the acquire timeout.
    pub timeouts: u64,
    /// Failed attempts to open a connection that covet saw (at connect, or diagnosing an
    /// acquire that timed out).
    pub connect_errors: u64,
    /// Connections reported as held past the leak threshold.
    pub leaks_detected: u64,
    /// Connections held past the leak threshold right now.
    pub leaked_now: u32,
    /// How long acquires waited.
    pub acquire_wait: WaitPercentiles,
}

/// Percentiles of acquire waits, each accurate to within 1/8 (12.5 %) of its value.
///
/// See the example on [`PoolStats`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WaitPercentiles {
    /// The median.
    pub p50: Duration,
    /// The 90th percentile.
    pub p90: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// The longest wait.
    pub max: Duration,
}

/// Transaction counters, from [`Database::transaction_stats`](crate::Database::transaction_stats).
///
/// Only outermost transactions count; savepoints do not.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> covet::Result<()> {
/// let db = covet::Database::connect("sqlite::memory:").await?;
/// db.transaction(|_tx| Box::pin(async { Ok::<_, covet::Error>(()) })).await?;
/// let failed: covet::Result<()> =
///     db.transaction(|_tx| Box::pin(async { Err(covet::Error::other("changed my mind")) })).await;
/// assert!(failed.is_err());
///
/// let stats = db.transaction_stats();
/// assert_eq!((stats.commits, stats.rollbacks, stats.retries), (1, 1, 0));
/// # Ok(()) }
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransactionStats {
    /// Transactions committed.
    pub commits: u64,
    /// Transactions rolled back, for any reason.
    pub rollbacks: u64,
    /// Transactions whose `COMMIT` was sent and never answered: committed or not, only the
    /// server knows ([`TransactionOutcome::Unknown`](crate::observe::TransactionOutcome::Unknown)).
    pub unknown_outcomes: u64,
    /// Attempts re-run by a retry policy.
    pub retries: u64,
    /// Transactions reported open past the long-transaction threshold.
    pub long_running: u64,
    /// The total time spent in transactions, from `BEGIN` to their end.
    pub total_duration: Duration,
}

/// The counters behind [`PoolStats`] and [`TransactionStats`].
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) in_use: AtomicU32,
    pub(crate) waiting: AtomicU32,
    pub(crate) acquires: AtomicU64,
    pub(crate) timeouts: AtomicU64,
    pub(crate) connect_errors: AtomicU64,
    pub(crate) leaks_detected: AtomicU64,
    pub(crate) leaked_now: AtomicU32,
    pub(crate) acquire_wait: Histogram,
    pub(crate) commits: AtomicU64,
    pub(crate) rollbacks: AtomicU64,
    pub(crate) unknown_outcomes: AtomicU64,
    pub(crate) retries: AtomicU64,
    pub(crate) long_running: AtomicU64,
    pub(crate) transaction_micros: AtomicU64,
}

impl Counters {
    pub(crate) fn transactions(&self) -> TransactionStats {
        TransactionStats {
            commits: self.commits.load(Relaxed),
            rollbacks: self.rollbacks.load(Relaxed),
            unknown_outcomes: self.unknown_outcomes.load(Relaxed),
            retries: self.retries.load(Relaxed),
            long_running: self.long_running.load(Relaxed),
            total_duration: Duration::from_micros(self.transaction_micros.load(Relaxed)),
        }
    }

    pub(crate) fn add_transaction_time(&self, duration: Duration) {
        self.transaction_micros.fetch_add(micros(duration), Relaxed);
    }

    /// Counts a waiting task until the guard drops.
    pub(crate) fn waiting(&self) -> WaitingGuard<'_> {
        self.waiting.fetch_add(1, Relaxed);
        WaitingGuard(&self.waiting)
    }
}

/// Decrements the waiting count when the wait ends, however it ends (even when the acquiring
/// future is dropped).
pub(crate) struct WaitingGuard<'a>(&'a AtomicU32);

impl Drop for WaitingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// Sub-buckets per power of two: 8 keeps every bucket within 12.5 % of its values.
const SUB_BITS: u32 = 3;
const SUB: u64 = 1 << SUB_BITS;
/// Powers of two covered, in microseconds: up to 2^40 µs, about 12 days.
const TOP_EXPONENT: u32 = 40;
const BUCKETS: usize = ((TOP_EXPONENT - SUB_BITS + 2) * (1 << SUB_BITS)) as usize;

/// A log-linear histogram of durations in microseconds with atomic buckets: recording is one
/// increment, no lock, no allocation.
pub(crate) struct Histogram {
    buckets: Box<[AtomicU64]>,
    max: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    pub(crate) fn record(&self, duration: Duration) {
        let value = micros(duration);
        self.buckets[bucket_of(value)].fetch_add(1, Relaxed);
        self.max.fetch_max(value, Relaxed);
    }

    pub(crate) fn percentiles(&self) -> WaitPercentiles {
        let counts: Vec<u64> = self.buckets.iter().map(|b| b.load(Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        let max = self.max.load(Relaxed);
        let at = |quantile: f64| {
            if total == 0 {
                return Duration::ZERO;
            }
            // The rank of the quantile, rounded up so that p99 of 100 samples is the 99th.
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            let rank = ((total as f64) * quantile).ceil().max(1.0) as u64;
            let mut seen = 0;
            for (index, count) in counts.iter().enumerate() {
                seen += count;
                if seen >= rank {
                    return Duration::from_micros(upper_bound(index).min(max));
                }
            }
            Duration::from_micros(max)
        };
        WaitPercentiles {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: Duration::from_micros(max),
        }
    }
}

/// Values below `SUB` get a bucket each; above, a power of two splits into `SUB` buckets.
fn bucket_of(value: u64) -> usize {
    if value < SUB {
        return usize::try_from(value).unwrap_or(0);
    }
    let exponent = (63 - value.leading_zeros()).min(TOP_EXPONENT);
    let sub = (value >> (exponent - SUB_BITS)) & (SUB - 1);
    let index = u64::from(exponent - SUB_BITS + 1) * SUB + sub;
    usize::try_from(index)
        .unwrap_or(BUCKETS - 1)
        .min(BUCKETS - 1)
}

/// The largest value that falls in bucket `index`.
fn upper_bound(index: usize) -> u64 {
    let index = index as u64;
    if index < SUB {
        return index;
    }
    let exponent = u32::try_from(index / SUB).unwrap_or(0) + SUB_BITS - 1;
    let sub = index % SUB;
    let width = 1u64 << (exponent - SUB_BITS);
    ((SUB + sub) << (exponent - SUB_BITS)) + width - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_bound_their_values_within_an_eighth() {
        for value in [
            0,
            1,
            7,
            8,
            9,
            15,
            16,
            17,
            100,
            1_000,
            123_456,
            9_999_999,
            1 << 39,
        ] {
            let bound = upper_bound(bucket_of(value));
            assert!(bound >= value, "{value} above its bucket's bound {bound}");
            assert!(
                bound - value <= value / 8,
                "{value} → {bound} is off by more than 1/8"
            );
        }
    }

    #[test]
    fn percentiles_follow_the_recorded_waits() {
        let histogram = Histogram::default();
        for ms in 1..=100 {
            histogram.record(Duration::from_millis(ms));
        }
        let p = histogram.percentiles();
        let close = |got: Duration, want_ms: u64| {
            let want = Duration::from_millis(want_ms);
            assert!(
                got >= want && got <= want + want / 8,
                "{got:?} is not ≈ {want:?}"
            );
        };
        close(p.p50, 50);
        close(p.p90, 90);
        close(p.p99, 99);
        assert_eq!(p.max, Duration::from_millis(100));
    }

    #[test]
    fn an_empty_histogram_reports_zero() {
        assert_eq!(
            Histogram::default().percentiles(),
            WaitPercentiles::default()
        );
    }
}
