//! Command table rows of the `pubsub` group (see `super` for what the fields mean).

use crate::cmd::pubsub;
use crate::command::Spec;

pub static COMMANDS: &[Spec] = &[
    Spec { name: "subscribe", arity: -2, flags: &["pubsub", "noscript", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.0.0", handler: Some(pubsub::subscribe), subcommands: &[] },
    Spec { name: "unsubscribe", arity: -1, flags: &["pubsub", "noscript", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.0.0", handler: Some(pubsub::unsubscribe), subcommands: &[] },
    Spec { name: "psubscribe", arity: -2, flags: &["pubsub", "noscript", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.0.0", handler: Some(pubsub::psubscribe), subcommands: &[] },
    Spec { name: "punsubscribe", arity: -1, flags: &["pubsub", "noscript", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.0.0", handler: Some(pubsub::punsubscribe), subcommands: &[] },
    Spec { name: "publish", arity: 3, flags: &["pubsub", "loading", "stale", "fast"], acl: &["pubsub", "fast"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.0.0", handler: Some(pubsub::publish), subcommands: &[] },
    Spec { name: "pubsub", arity: -2, flags: &[], acl: &["slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.8.0", handler: None, subcommands: &[
        Spec { name: "pubsub|channels", arity: -2, flags: &["pubsub", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.8.0", handler: Some(pubsub::pubsub_channels), subcommands: &[] },
        Spec { name: "pubsub|help", arity: 2, flags: &["loading", "stale"], acl: &["slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "6.2.0", handler: Some(pubsub::pubsub_help), subcommands: &[] },
        Spec { name: "pubsub|numpat", arity: 2, flags: &["pubsub", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.8.0", handler: Some(pubsub::pubsub_numpat), subcommands: &[] },
        Spec { name: "pubsub|numsub", arity: -2, flags: &["pubsub", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "2.8.0", handler: Some(pubsub::pubsub_numsub), subcommands: &[] },
        Spec { name: "pubsub|shardchannels", arity: -2, flags: &["pubsub", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "7.0.0", handler: Some(pubsub::pubsub_shardchannels), subcommands: &[] },
        Spec { name: "pubsub|shardnumsub", arity: -2, flags: &["pubsub", "loading", "stale"], acl: &["pubsub", "slow"], keys: (0, 0, 0), key_flags: &[], key_notes: &[], tips: &[], group: "pubsub", since: "7.0.0", handler: Some(pubsub::pubsub_shardnumsub), subcommands: &[] },
    ] },
    Spec { name: "ssubscribe", arity: -2, flags: &["pubsub", "noscript", "loading", "stale"], acl: &["pubsub", "slow"], keys: (1, -1, 1), key_flags: &["not_key"], key_notes: &[], tips: &[], group: "pubsub", since: "7.0.0", handler: Some(pubsub::ssubscribe), subcommands: &[] },
    Spec { name: "sunsubscribe", arity: -1, flags: &["pubsub", "noscript", "loading", "stale"], acl: &["pubsub", "slow"], keys: (1, -1, 1), key_flags: &["not_key"], key_notes: &[], tips: &[], group: "pubsub", since: "7.0.0", handler: Some(pubsub::sunsubscribe), subcommands: &[] },
    Spec { name: "spublish", arity: 3, flags: &["pubsub", "loading", "stale", "fast"], acl: &["pubsub", "fast"], keys: (1, 1, 1), key_flags: &["not_key"], key_notes: &[], tips: &[], group: "pubsub", since: "7.0.0", handler: Some(pubsub::spublish), subcommands: &[] },
];
