//! The pub/sub checker: what Redis promises a subscriber (and a publisher), checked per
//! subscriber connection ("session").
//!
//! - A message arrives only on a channel the session subscribed to, after that channel's
//!   SUBSCRIBE acknowledgement in the stream;
//! - it was published (nothing invented), before it arrived;
//! - no message arrives twice in a session;
//! - messages of one publisher connection arrive in the order it published them;
//! - a session that stays connected to the end receives every message published to its
//!   channels by a PUBLISH sent after the channel's acknowledgement and acknowledged itself
//!   (a reset ends a session: no promise about what was in flight);
//! - PUBLISH's receiver count is at least the sessions that received the message and at most
//!   the sessions that had sent a SUBSCRIBE for the channel before the PUBLISH returned.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Who published a message: (publisher, its connection number, sequence number).
pub type MessageId = (usize, u64, u64);

#[derive(Clone, Debug)]
pub struct Publish {
    pub id: MessageId,
    pub channel: usize,
    pub invoked: Duration,
    /// `None` without a reply.
    pub completed: Option<Duration>,
    pub receivers: Option<i64>,
}

/// What a subscriber connection read, in stream order.
#[derive(Clone, Debug)]
pub enum Event {
    Ack {
        channel: usize,
        at: Duration,
    },
    Message {
        channel: usize,
        payload: Vec<u8>,
        at: Duration,
    },
}

#[derive(Clone, Debug)]
pub struct Session {
    pub subscriber: usize,
    pub channels: Vec<usize>,
    pub subscribe_sent: Duration,
    pub events: Vec<Event>,
    /// When the connection ended (reset, timeout); `None` if it lasted to the end.
    pub ended: Option<Duration>,
}

pub fn payload(id: MessageId) -> Vec<u8> {
    format!("p{}-{}-{}", id.0, id.1, id.2).into_bytes()
}

fn parse_payload(payload: &[u8]) -> Option<MessageId> {
    let text = std::str::from_utf8(payload).ok()?.strip_prefix('p')?;
    let mut parts = text.split('-').map(|p| p.parse::<u64>().ok());
    let (a, b, c) = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some((a as usize, b, c))
}

pub fn check(publishes: &[Publish], sessions: &[Session]) -> Result<(), String> {
    let by_id: BTreeMap<MessageId, &Publish> = publishes.iter().map(|p| (p.id, p)).collect();
    let mut received: BTreeMap<MessageId, u64> = BTreeMap::new();
    for (index, s) in sessions.iter().enumerate() {
        let name = format!("subscriber {} session {index}", s.subscriber);
        let mut acked: BTreeMap<usize, Duration> = BTreeMap::new();
        let mut seen: BTreeSet<MessageId> = BTreeSet::new();
        let mut last: BTreeMap<(usize, u64), u64> = BTreeMap::new();
        for event in &s.events {
            match event {
                Event::Ack { channel, at } => {
                    if !s.channels.contains(channel) {
                        return Err(format!("{name}: acknowledged ch{channel}, never asked for"));
                    }
                    acked.insert(*channel, *at);
                }
                Event::Message {
                    channel,
                    payload,
                    at,
                } => {
                    let text = String::from_utf8_lossy(payload);
                    if !acked.contains_key(channel) {
                        return Err(format!(
                            "{name}: {text} on ch{channel}, not subscribed (or before its acknowledgement)"
                        ));
                    }
                    let Some(id) = parse_payload(payload) else {
                        return Err(format!("{name}: {text} on ch{channel} was never published"));
                    };
                    match by_id.get(&id) {
                        Some(p) if p.channel == *channel && p.invoked <= *at => {}
                        _ => {
                            return Err(format!(
                                "{name}: {text} on ch{channel} was never published there"
                            ));
                        }
                    }
                    if !seen.insert(id) {
                        return Err(format!("{name}: {text} arrived twice"));
                    }
                    let previous = last.insert((id.0, id.1), id.2);
                    if previous.is_some_and(|n| n > id.2) {
                        return Err(format!(
                            "{name}: {text} arrived after p{}-{}-{}, published later by the same connection",
                            id.0,
                            id.1,
                            previous.unwrap_or_default()
                        ));
                    }
                    *received.entry(id).or_default() += 1;
                }
            }
        }
        if s.ended.is_none() {
            for p in publishes {
                let Some(&ack) = acked.get(&p.channel) else {
                    continue;
                };
                if p.completed.is_some() && p.invoked > ack && !seen.contains(&p.id) {
                    return Err(format!(
                        "{name} stayed connected but never received {} (published to ch{} at {:?}, after its acknowledgement at {ack:?})",
                        String::from_utf8_lossy(&payload(p.id)),
                        p.channel,
                        p.invoked
                    ));
                }
            }
        }
    }
    for p in publishes {
        let (Some(count), Some(done)) = (p.receivers, p.completed) else {
            continue;
        };
        let got = received.get(&p.id).copied().unwrap_or(0) as i64;
        let possible = sessions
            .iter()
            .filter(|s| s.channels.contains(&p.channel) && s.subscribe_sent <= done)
            .count() as i64;
        if count < got || count > possible {
            return Err(format!(
                "PUBLISH of {} to ch{} answered {count} receivers, but {got} received it and at most {possible} could have",
                String::from_utf8_lossy(&payload(p.id)),
                p.channel
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn publish(seq: u64, at: u64, receivers: i64) -> Publish {
        Publish {
            id: (0, 0, seq),
            channel: 0,
            invoked: ms(at),
            completed: Some(ms(at + 1)),
            receivers: Some(receivers),
        }
    }

    fn message(seq: u64, at: u64) -> Event {
        Event::Message {
            channel: 0,
            payload: payload((0, 0, seq)),
            at: ms(at),
        }
    }

    fn session(events: Vec<Event>, ended: Option<u64>) -> Session {
        Session {
            subscriber: 0,
            channels: vec![0],
            subscribe_sent: ms(1),
            events,
            ended: ended.map(ms),
        }
    }

    fn ack() -> Event {
        Event::Ack {
            channel: 0,
            at: ms(2),
        }
    }

    #[test]
    fn accepts_in_order_complete_delivery() {
        let pubs = [publish(1, 10, 1), publish(2, 20, 1)];
        let s = session(vec![ack(), message(1, 11), message(2, 21)], None);
        assert_eq!(check(&pubs, &[s]), Ok(()));
        // A session that ended may miss what came after.
        let s = session(vec![ack(), message(1, 11)], Some(15));
        assert_eq!(check(&[publish(1, 10, 1), publish(2, 20, 0)], &[s]), Ok(()));
    }

    #[test]
    fn rejects_each_broken_promise() {
        let pubs = [publish(1, 10, 1), publish(2, 20, 1)];
        let cases: [(Vec<Event>, &str); 5] = [
            (
                vec![message(1, 11), ack(), message(2, 21)],
                "not subscribed",
            ),
            (
                vec![ack(), message(2, 21), message(1, 22)],
                "published later",
            ),
            (
                vec![ack(), message(1, 11), message(1, 12), message(2, 21)],
                "twice",
            ),
            (vec![ack(), message(1, 11)], "never received"),
            (
                vec![ack(), message(1, 11), message(2, 21), message(3, 30)],
                "never published",
            ),
        ];
        for (events, why) in cases {
            let got = check(&pubs, &[session(events, None)]).unwrap_err();
            assert!(got.contains(why), "expected {why}: {got}");
        }
        let wrong_count = [publish(1, 10, 0)];
        let s = session(vec![ack(), message(1, 11)], None);
        assert!(check(&wrong_count, &[s]).unwrap_err().contains("receivers"));
    }
}
