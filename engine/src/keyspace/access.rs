//! Access tracking for eviction: what `Entry::access_s` holds and how lookups update it.
//!
//! Like Redis's 24-bit `lru` field, the 32 bits mean one of two things depending on the
//! `maxmemory-policy` in force:
//!
//! * LRU (every policy but the LFU ones): the Unix time of the last access, in seconds.
//! * LFU: `minutes << 8 | counter`, where `minutes` is the Unix time in minutes modulo 2^16
//!   when the counter last decayed and `counter` is Redis's 8-bit logarithmic access counter:
//!   new keys start at [`LFU_INIT_VAL`], an access increments it with probability
//!   `1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1)`, and it loses one per
//!   `lfu-decay-time` minutes without access.
//!
//! Switching policy at runtime reinterprets the bits, as in Redis (whose OBJECT FREQ and
//! IDLETIME errors warn that the data "will take some time to adjust").
//!
//! Randomness for the counter comes from the keyspace's seeded generator, the same stream the
//! engine draws every other random choice from, so a seeded run replays.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};

/// The counter of a new key (Redis's `LFU_INIT_VAL`), so that new keys are not evicted
/// before they had a chance to be used.
pub const LFU_INIT_VAL: u8 = 5;
/// Redis's `lfu-log-factor` default.
pub const LFU_LOG_FACTOR_DEFAULT: u32 = 10;
/// Redis's `lfu-decay-time` default, in minutes.
pub const LFU_DECAY_TIME_DEFAULT: u32 = 1;

thread_local! {
    /// The command running on this thread belongs to a CLIENT NO-TOUCH client (and is not
    /// TOUCH): lookups leave access times alone. A thread runs one command at a time.
    static NO_TOUCH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Sets the no-touch mode of the command running on this thread until dropped.
pub struct NoTouchGuard {
    previous: bool,
}

impl NoTouchGuard {
    pub fn new(no_touch: bool) -> NoTouchGuard {
        NoTouchGuard {
            previous: NO_TOUCH.with(|n| n.replace(no_touch)),
        }
    }
}

impl Drop for NoTouchGuard {
    fn drop(&mut self) {
        NO_TOUCH.with(|n| n.set(self.previous));
    }
}

/// How lookups record accesses; refreshed from the configuration by the engine.
#[derive(Debug)]
pub struct AccessPolicy {
    lfu: AtomicBool,
    lfu_log_factor: AtomicU32,
    lfu_decay_time: AtomicU32,
    /// SplitMix64 state of the engine's random stream (see `Engine::random_u64`).
    rng_state: AtomicU64,
}

impl AccessPolicy {
    pub fn new(rng_seed: u64) -> AccessPolicy {
        AccessPolicy {
            lfu: AtomicBool::new(false),
            lfu_log_factor: AtomicU32::new(LFU_LOG_FACTOR_DEFAULT),
            lfu_decay_time: AtomicU32::new(LFU_DECAY_TIME_DEFAULT),
            rng_state: AtomicU64::new(rng_seed),
        }
    }

    /// Applies the configuration (`lfu`: an LFU maxmemory-policy is selected).
    pub fn configure(&self, lfu: bool, log_factor: u32, decay_time_min: u32) {
        self.lfu.store(lfu, Relaxed);
        self.lfu_log_factor.store(log_factor, Relaxed);
        self.lfu_decay_time.store(decay_time_min, Relaxed);
    }

    pub fn is_lfu(&self) -> bool {
        self.lfu.load(Relaxed)
    }

    /// 64 random bits from the seeded SplitMix64 stream.
    pub fn random_u64(&self) -> u64 {
        let state = self
            .rng_state
            .fetch_add(crate::util::SPLITMIX_GAMMA, Relaxed);
        crate::util::splitmix64_mix(state.wrapping_add(crate::util::SPLITMIX_GAMMA))
    }

    /// The access field of a key created now.
    pub fn initial(&self, now_ms: u64) -> u32 {
        if self.is_lfu() {
            u32::from(lfu_minutes(now_ms)) << 8 | u32::from(LFU_INIT_VAL)
        } else {
            lru_seconds(now_ms)
        }
    }

    /// Records an access (Redis's `updateLFU`, or the LRU clock), unless the running
    /// client asked for CLIENT NO-TOUCH (see [`NoTouchGuard`]).
    pub fn touch(&self, access: &mut u32, now_ms: u64) {
        if NO_TOUCH.with(|n| n.get()) {
            return;
        }
        if self.is_lfu() {
            let counter = self.lfu_counter(*access, now_ms);
            let counter = lfu_log_incr(
                counter,
                self.lfu_log_factor.load(Relaxed),
                self.random_u64(),
            );
            *access = u32::from(lfu_minutes(now_ms)) << 8 | u32::from(counter);
        } else {
            *access = lru_seconds(now_ms);
        }
    }

    /// The LFU counter after decay, without storing it (Redis's `LFUDecrAndReturn`).
    pub fn lfu_counter(&self, access: u32, now_ms: u64) -> u8 {
        lfu_decay(access, now_ms, self.lfu_decay_time.load(Relaxed))
    }
}

/// Redis's LRU clock in this representation: Unix seconds, truncated to 32 bits.
pub fn lru_seconds(now_ms: u64) -> u32 {
    (now_ms / 1000) as u32
}

/// Milliseconds since the last access of an LRU-tracked key; wrapping, like Redis's clock.
pub fn lru_idle_ms(access: u32, now_ms: u64) -> u64 {
    u64::from(lru_seconds(now_ms).wrapping_sub(access)) * 1000
}

/// Redis's `LFUGetTimeInMinutes`: Unix minutes modulo 2^16.
pub fn lfu_minutes(now_ms: u64) -> u16 {
    (now_ms / 60_000) as u16
}

/// Redis's `LFUDecrAndReturn`: the counter less one per `decay_time_min` minutes elapsed
/// since the field's time (modulo 2^16 minutes, as Redis's `LFUTimeElapsed`).
pub fn lfu_decay(access: u32, now_ms: u64, decay_time_min: u32) -> u8 {
    let then = (access >> 8) as u16;
    let counter = (access & 0xff) as u8;
    let now = lfu_minutes(now_ms);
    let elapsed = if now >= then {
        u32::from(now - then)
    } else {
        // Redis counts a wrap as 65535 - then + now.
        65_535 - u32::from(then) + u32::from(now)
    };
    let periods = elapsed.checked_div(decay_time_min).unwrap_or(0);
    counter.saturating_sub(periods.min(255) as u8)
}

/// Redis's `LFULogIncr`: one more with probability `1 / ((counter - LFU_INIT_VAL) * factor
/// + 1)`, saturating at 255; `random` supplies the draw.
pub fn lfu_log_incr(counter: u8, log_factor: u32, random: u64) -> u8 {
    if counter == u8::MAX {
        return counter;
    }
    let r = (random >> 11) as f64 / (1u64 << 53) as f64;
    let base = f64::from(counter.saturating_sub(LFU_INIT_VAL));
    let p = 1.0 / (base * f64::from(log_factor) + 1.0);
    if r < p { counter + 1 } else { counter }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn lfu_counter_grows_logarithmically_and_decays_by_minutes() {
        let policy = AccessPolicy::new(9);
        policy.configure(true, LFU_LOG_FACTOR_DEFAULT, 1);
        let t0 = 1_700_000_000_000;
        let mut access = policy.initial(t0);
        assert_eq!(policy.lfu_counter(access, t0), LFU_INIT_VAL);
        // The first access past the initial value always counts.
        policy.touch(&mut access, t0);
        assert_eq!(policy.lfu_counter(access, t0), LFU_INIT_VAL + 1);
        // With factor 10, 100 accesses reach about 10 in Redis's table; 1000 about 18.
        for _ in 0..99 {
            policy.touch(&mut access, t0);
        }
        let after_100 = policy.lfu_counter(access, t0);
        assert!((8..=14).contains(&after_100), "{after_100}");
        for _ in 0..900 {
            policy.touch(&mut access, t0);
        }
        let after_1000 = policy.lfu_counter(access, t0);
        assert!((14..=22).contains(&after_1000), "{after_1000}");
        // One per minute of idleness; never below zero.
        assert_eq!(policy.lfu_counter(access, t0 + 3 * MINUTE), after_1000 - 3);
        assert_eq!(policy.lfu_counter(access, t0 + 300 * MINUTE), 0);
        // Decay time 0 disables decay; 2 halves its pace.
        assert_eq!(lfu_decay(access, t0 + 300 * MINUTE, 0), after_1000);
        assert_eq!(lfu_decay(access, t0 + 6 * MINUTE, 2), after_1000 - 3);
    }

    #[test]
    fn lfu_counter_saturates_and_factor_zero_always_counts() {
        assert_eq!(lfu_log_incr(255, 10, 0), 255);
        for counter in [0, 5, 100, 254] {
            assert_eq!(lfu_log_incr(counter, 0, u64::MAX), counter + 1);
        }
        // Below the initial value every access counts.
        assert_eq!(lfu_log_incr(2, 10, u64::MAX), 3);
    }

    #[test]
    fn lfu_minutes_wrap_like_redis() {
        let wrap = 65_536 * MINUTE;
        let access = u32::from(65_530u16) << 8 | 50;
        // 65535 - 65530 + 4 = 9 periods across the wrap.
        assert_eq!(lfu_decay(access, wrap + 4 * MINUTE, 1), 41);
    }

    #[test]
    fn lru_fields_are_seconds() {
        let policy = AccessPolicy::new(1);
        let mut access = policy.initial(5_500);
        assert_eq!(access, 5);
        policy.touch(&mut access, 9_999);
        assert_eq!(access, 9);
        assert_eq!(lru_idle_ms(access, 12_000), 3_000);
    }
}
