//! Keyspace notifications: the event classes of `notify-keyspace-events` and the
//! `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` messages, as Redis 7.0's `notify.c`.
//!
//! Commands do not call this directly: they call [`crate::keyspace::Db::notify`], which knows
//! the database and the time. This module only decides whether an event is wanted and
//! publishes it.

use super::PubSub;

/// Event classes (Redis's `NOTIFY_*` bits) and the channel kinds `K` and `E`.
pub mod class {
    /// `K`: publish to `__keyspace@<db>__:<key>`.
    pub const KEYSPACE: u32 = 1 << 0;
    /// `E`: publish to `__keyevent@<db>__:<event>`.
    pub const KEYEVENT: u32 = 1 << 1;
    /// `g`: DEL, EXPIRE, RENAME, ... (commands on any type).
    pub const GENERIC: u32 = 1 << 2;
    /// `$`
    pub const STRING: u32 = 1 << 3;
    /// `l`
    pub const LIST: u32 = 1 << 4;
    /// `s`
    pub const SET: u32 = 1 << 5;
    /// `h`
    pub const HASH: u32 = 1 << 6;
    /// `z`
    pub const ZSET: u32 = 1 << 7;
    /// `x`: a key expired.
    pub const EXPIRED: u32 = 1 << 8;
    /// `e`: a key was evicted by `maxmemory`.
    pub const EVICTED: u32 = 1 << 9;
    /// `t`
    pub const STREAM: u32 = 1 << 10;
    /// `m`: a read found no key (`keymiss`); not part of `A`.
    pub const KEY_MISS: u32 = 1 << 11;
    /// `d`: module key types.
    pub const MODULE: u32 = 1 << 13;
    /// `n`: a key was created (`new`); not part of `A`.
    pub const NEW: u32 = 1 << 14;
    /// `A`: every class but `m` and `n`.
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}

/// Parses `notify-keyspace-events` (`keyspaceEventsStringToFlags`); `None` for a character
/// that is not a class.
pub fn parse_classes(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0, |flags, &c| {
        let bit = match c {
            b'A' => class::ALL,
            b'g' => class::GENERIC,
            b'$' => class::STRING,
            b'l' => class::LIST,
            b's' => class::SET,
            b'h' => class::HASH,
            b'z' => class::ZSET,
            b'x' => class::EXPIRED,
            b'e' => class::EVICTED,
            b'K' => class::KEYSPACE,
            b'E' => class::KEYEVENT,
            b't' => class::STREAM,
            b'm' => class::KEY_MISS,
            b'd' => class::MODULE,
            b'n' => class::NEW,
            _ => return None,
        };
        Some(flags | bit)
    })
}

/// Formats class bits as CONFIG GET shows them (`keyspaceEventsFlagsToString`): `A` stands
/// for its classes, and then, as in Redis, `n` is not printed either.
pub fn format_classes(flags: u32) -> String {
    let mut out = String::new();
    if flags & class::ALL == class::ALL {
        out.push('A');
    } else {
        for (bit, c) in [
            (class::GENERIC, 'g'),
            (class::STRING, '$'),
            (class::LIST, 'l'),
            (class::SET, 's'),
            (class::HASH, 'h'),
            (class::ZSET, 'z'),
            (class::EXPIRED, 'x'),
            (class::EVICTED, 'e'),
            (class::STREAM, 't'),
            (class::MODULE, 'd'),
            (class::NEW, 'n'),
        ] {
            if flags & bit != 0 {
                out.push(c);
            }
        }
    }
    for (bit, c) in [
        (class::KEYSPACE, 'K'),
        (class::KEYEVENT, 'E'),
        (class::KEY_MISS, 'm'),
    ] {
        if flags & bit != 0 {
            out.push(c);
        }
    }
    out
}

impl PubSub {
    /// True if an event of `class` would be published (so a caller can skip preparing one).
    pub fn wants(&self, class: u32) -> bool {
        let flags = self.notify_flags();
        flags & class != 0 && flags & (class::KEYSPACE | class::KEYEVENT) != 0
    }

    /// Redis's `notifyKeyspaceEvent`: publishes `event` on `key` of database `db` to
    /// `__keyspace@<db>__:<key>` (message: the event) and `__keyevent@<db>__:<event>`
    /// (message: the key), as the configured classes ask.
    pub fn notify(&self, db: usize, event_class: u32, event: &str, key: &[u8], now_ms: u64) {
        let flags = self.notify_flags();
        if flags & event_class == 0 {
            return;
        }
        let mut digits = itoa::Buffer::new();
        let db = digits.format(db).as_bytes();
        if flags & class::KEYSPACE != 0 {
            let mut channel = Vec::with_capacity(16 + db.len() + key.len());
            channel.extend_from_slice(b"__keyspace@");
            channel.extend_from_slice(db);
            channel.extend_from_slice(b"__:");
            channel.extend_from_slice(key);
            self.publish(&channel, event.as_bytes(), now_ms);
        }
        if flags & class::KEYEVENT != 0 {
            let mut channel = Vec::with_capacity(16 + db.len() + event.len());
            channel.extend_from_slice(b"__keyevent@");
            channel.extend_from_slice(db);
            channel.extend_from_slice(b"__:");
            channel.extend_from_slice(event.as_bytes());
            self.publish(&channel, key, now_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_trip_as_redis_prints_them() {
        assert_eq!(parse_classes(b""), Some(0));
        assert_eq!(parse_classes(b"KEAq"), None);
        let cases: &[(&str, &str)] = &[
            ("KA", "AK"),
            ("Kg$lshzxetdnm", "AKm"),
            ("gE", "gE"),
            ("KEA", "AKE"),
            ("Elshn", "lshnE"),
            ("mK", "Km"),
            ("x", "x"),
            ("Knm", "nKm"),
        ];
        for (input, shown) in cases {
            let flags = parse_classes(input.as_bytes()).unwrap();
            assert_eq!(format_classes(flags), *shown, "{input}");
        }
    }
}
