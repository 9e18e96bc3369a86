//! The latency monitor: per event class ("command", "fast-command", ...), the latest spikes
//! of at least `latency-monitor-threshold` milliseconds (LATENCY LATEST, HISTORY, RESET,
//! DOCTOR). Like Redis it keeps [`HISTORY_LEN`] samples per event, one per second: a second
//! spike in the same second keeps the larger.
//!
//! Only what the engine can measure honestly is sampled: command durations from the driver's
//! monotonic clock. Nothing here reads a clock itself.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Samples kept per event (Redis's LATENCY_TS_LEN).
pub const HISTORY_LEN: usize = 160;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Unix seconds.
    pub time_s: u64,
    pub latency_ms: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Series {
    /// Oldest first, at most [`HISTORY_LEN`].
    pub samples: std::collections::VecDeque<Sample>,
    /// The largest latency ever sampled for the event.
    pub max_ms: u64,
}

#[derive(Debug, Default)]
pub struct Latency {
    events: Mutex<BTreeMap<&'static str, Series>>,
    /// Hot copy of `latency-monitor-threshold` (0: off).
    threshold_ms: AtomicU64,
}

impl Latency {
    fn events(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Series>> {
        self.events.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn configure(&self, threshold_ms: u64) {
        self.threshold_ms.store(threshold_ms, Ordering::Relaxed);
    }

    pub fn enabled(&self) -> bool {
        self.threshold_ms.load(Ordering::Relaxed) > 0
    }

    /// Samples `event` if it took at least the threshold (Redis's latencyAddSampleIfNeeded).
    pub fn add_if_needed(&self, event: &'static str, latency_ms: u64, time_s: u64) {
        let threshold = self.threshold_ms.load(Ordering::Relaxed);
        if threshold == 0 || latency_ms < threshold {
            return;
        }
        let mut events = self.events();
        let series = events.entry(event).or_default();
        series.max_ms = series.max_ms.max(latency_ms);
        if let Some(last) = series.samples.back_mut()
            && last.time_s == time_s
        {
            last.latency_ms = last.latency_ms.max(latency_ms);
            return;
        }
        if series.samples.len() == HISTORY_LEN {
            series.samples.pop_front();
        }
        series.samples.push_back(Sample { time_s, latency_ms });
    }

    /// Every event with its series.
    pub fn all(&self) -> Vec<(&'static str, Series)> {
        self.events()
            .iter()
            .map(|(name, series)| (*name, series.clone()))
            .collect()
    }

    pub fn series(&self, event: &[u8]) -> Option<Series> {
        self.events()
            .iter()
            .find(|(name, _)| name.as_bytes() == event)
            .map(|(_, series)| series.clone())
    }

    /// Drops the named events (every event when `names` is empty); returns how many existed.
    pub fn reset(&self, names: &[&[u8]]) -> usize {
        let mut events = self.events();
        if names.is_empty() {
            let n = events.len();
            events.clear();
            return n;
        }
        let mut removed = 0;
        for name in names {
            let found = events.keys().find(|k| k.as_bytes() == *name).copied();
            if let Some(key) = found {
                events.remove(key);
                removed += 1;
            }
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spikes_in_one_second_share_a_sample() {
        let latency = Latency::default();
        latency.add_if_needed("command", 50, 1);
        assert!(latency.all().is_empty(), "disabled by default");
        latency.configure(10);
        latency.add_if_needed("command", 5, 1);
        latency.add_if_needed("command", 20, 1);
        latency.add_if_needed("command", 30, 1);
        latency.add_if_needed("command", 15, 2);
        let series = latency.series(b"command").expect("sampled");
        assert_eq!(series.max_ms, 30);
        let times: Vec<(u64, u64)> = series
            .samples
            .iter()
            .map(|s| (s.time_s, s.latency_ms))
            .collect();
        assert_eq!(times, [(1, 30), (2, 15)]);
        assert_eq!(latency.reset(&[b"nope", b"command"]), 1);
        assert_eq!(latency.reset(&[]), 0);
    }
}
